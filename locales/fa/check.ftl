# `bashgah check`: برای هر باشگاه یک سطر، سپس جمع.

check-ok = درست   { $club } (نسخهٔ قوانین { $version }، { $rules } قانون)
check-refused = رد شد  { $club } (نسخهٔ قوانین { $version }، { $rules } قانون)
check-failed = نادرست { $club } ({ $errors })
check-total = { $clubs } باشگاه بررسی شد، { $failed } نادرست

# با --against-ledger
check-canary-refused = رد شد: { $reason }
check-canary-skipped = روی دفتر امتحان نشد: { $why }
check-no-ledger = دفتری در `{ $place }` نیست
check-no-version = دفتر هنوز هیچ نسخه‌ای از قوانین را ثبت نکرده است
check-same-version = این پرونده‌ها همان نسخه‌ای‌اند که دفتر آخر بار ثبت کرده است ({ $version })

check-cannot-read = `{ $folder }` خوانده نشد: { $reason }
check-no-club = در `{ $folder }` باشگاهی نیست
check-no-club-help = باشگاه پوشه‌ای است که club.yaml دارد
check-no-club-folder = پوشهٔ باشگاهی به نام `{ $name }` نیست
did-you-mean = منظورتان `{ $name }` بود؟

check-giveaway = { $kind ->
    [campaign] کمپین
   *[rule] قاعده
} `{ $id }` در آزمون‌های باشگاه { $percent }٪ از حاشیه سود خریدهایی را که پاداش می‌دهد می‌بخشد ({ $worth } { $currency } از { $margin } { $currency })، بیش از `max_giveaway` ({ $limit })
check-giveaway-help = کمتر ببخشید، `max_giveaway` را بالا ببرید، یا حاشیه‌های سود را در `reports` بازبینی کنید؛ `simulate` همین را روی سابقهٔ باشگاه می‌گوید
