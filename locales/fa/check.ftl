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
