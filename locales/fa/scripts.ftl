# آنچه کسی می‌خواند وقتی اسکریپت‌های Rhai باشگاه، افزونه‌هایش یا بارگذار مشکلی می‌یابند
# (src/policy/*.rs)، و وقتی قانونی یک رویداد را ناکام می‌گذارد (src/engine/evaluate.rs).
# راهنما: locales/README.md

## بارگذاری پوشهٔ باشگاه (src/policy/load.rs)
script-cannot-read = `{ $file }` خوانده نشد: { $reason }
script-no-club-yaml-help = پوشهٔ هر باشگاه یک club.yaml لازم دارد؛ `bashgah init` آن را می‌سازد
script-cannot-list = پرونده‌های `{ $folder }` فهرست نشد: { $reason }
script-unknown-timezone = منطقهٔ زمانی ناشناخته
script-campaign-date = کمپین `{ $id }`: { $message }
script-campaign-ends-before = کمپین `{ $id }` پیش از آغازش تمام می‌شود

# قالب هر مشکلی که در اسکریپت پیدا می‌شود: «در اسکریپت Rhai: …»
script-in-rhai = در اسکریپت Rhai: { $message }
script-plugins-help = افزونه‌ها پرونده‌های `.rhai` در پوشهٔ افزونه‌ها هستند (`--plugins DIR`)
script-not-a-function = `{ $name }` تابع نیست: هیچ افزونه، تابع کمکی یا تابعی در این اسکریپت چنین نامی ندارد
script-functions-help = تابع‌ها از همین اسکریپت، افزونه‌هایی که وارد می‌کند و کتابخانهٔ استاندارد Rhai می‌آیند
script-no-field = `{ $owner }` فیلدی به نام `{ $name }` ندارد
script-attribute-help = ستونی که bashgah معنایی برایش نمی‌شناسد به شکل `{ $owner }.attributes.{ $name }` خوانده می‌شود؛ بخش «What scripts see» در README فیلدها را فهرست کرده است
script-fields-are = فیلدهایش: { $fields }

# آنچه در club.yaml تابعی را نام می‌برد، در پیام‌های زیر.
script-what-rule = قانون `{ $id }`
script-what-campaign = کمپین `{ $id }`
script-what-deal = قرارداد `{ $id }`
script-what-tiering = `tiering`
script-what-reports-segment = `reports.segment`
script-function-undefined = { $what } تابع `{ $name }` را نام می‌برد، اما هیچ اسکریپتی آن را تعریف نکرده است
script-function-define-help = `fn { $name }({ $params }) { "{" } ... { "}" }` را در یک پروندهٔ .rhai کنار club.yaml تعریف کنید
script-function-parameters = تابع `{ $name }` { $count } پارامتر می‌گیرد، اما { $what } آن را با { $wanted } پارامتر صدا می‌زند
script-function-declare-help = آن را به شکل `fn { $name }({ $params })` تعریف کنید
script-function-twice = تابع `{ $name }` بیش از یک بار تعریف شده است ({ $files })

## پیام‌های خود Rhai برای اشتباه‌های رایج (src/policy/script_engine.rs)
script-rhai-module-not-found = ماژول پیدا نشد: { $name }
script-rhai-variable-not-found = متغیر پیدا نشد: { $name }
script-rhai-function-not-found = تابع پیدا نشد: { $name }
script-rhai-runtime = خطای اجرا: { $message }
script-rhai-unexpected = `{ $text }` اینجا نابه‌جاست
script-rhai-open-string = رشتهٔ متنی باز شده و بسته نشده است
script-rhai-unknown-operator = عملگر ناشناخته: `{ $text }`
script-rhai-undefined-variable = متغیر تعریف‌نشده: { $name }
script-rhai-variable-exists = این متغیر پیش‌تر تعریف شده است: { $name }
script-rhai-undefined-module = ماژول تعریف‌نشده: { $name }
# `description` از خود Rhai است و انگلیسی: "to terminate this statement".
script-rhai-missing-token = اینجا `{ $token }` لازم است ({ $description })
script-rhai-incomplete = اسکریپت ناتمام است
script-rhai-function-body = بدنهٔ تابع { $name } (بلوک { "{" } ... { "}" }) نیامده است

## تابع‌های کمکی که اسکریپت‌ها صدا می‌زنند
script-not-a-plugin-name = `{ $name }` نام افزونه نیست: `import` نام افزونه‌ای در پوشهٔ افزونه‌ها را می‌برد (حرف، رقم و `_`)، نه یک مسیر
script-no-plugin-settings = افزونهٔ `{ $plugin }` تنظیماتی ندارد: در پوشهٔ افزونه‌ها plugin.yaml ندارد
script-not-a-time = `{ $text }` زمان نیست

## قانونی که یک رویداد را ناکام می‌گذارد (src/engine/evaluate.rs)
script-rule-failed = اجرای قانون `{ $rule }` ناموفق بود: { $what }
script-too-many-operations = بیش از { $limit } عمل انجام داد (حلقه‌ای که پایان ندارد؟)
script-budget-spent = متوقف شد: قانون‌های این درخواست از بودجهٔ زمانی‌اش گذشتند؛ چیزی از این رویداد ثبت نشد
script-too-long = بیش از { $limit } میلی‌ثانیه طول کشید
# `what` از خود Rhai است و انگلیسی: "length of string".
script-too-large = { $what } (حدها: رشته { $strings } بایت، آرایه { $arrays } عضو، نگاشت { $maps } مدخل)
script-too-deep = تابع‌ها را بیش از { $limit } لایه تودرتو صدا زد (بازگشت بی‌پایان؟)
script-rule-returned = قانون `{ $rule }` { $what } برگرداند؛ عددی برای امتیاز، `award(points, reason)`، آرایه‌ای از این‌ها، یا هیچ برگردانید
script-returned-map-without-points = نگاشتی بی `points` عددی
script-returned-map-bad-to = نگاشتی که `to` آن شناسهٔ عضو نیست
script-returned-type = مقداری از نوع `{ $name }`
script-rule-too-many-points = قانون `{ $rule }` { $points } امتیاز برگرداند، بیش از { $largest } که یک اعطا می‌تواند بدهد یا بگیرد

## توصیفی که دیگر با کد نمی‌خواند (src/policy/descriptions.rs)
script-description-drift = قانون `{ $rule }` با «{ $description }» توصیف شده است، اما تابعش `{ $function }` دیگر { $number } را ندارد: صورت‌حساب اعضا چیزی را می‌گوید که کد دیگر نمی‌کند
script-description-drift-help = `description` قانون را در club.yaml به‌روز کنید، یا دلیل را از خود کد بدهید: `award(points, "...")`

## تنظیمات افزونه‌ها در club.yaml (src/policy/plugins.rs)
script-no-plugin = افزونه‌ای به نام `{ $name }` با تنظیمات در پوشهٔ افزونه‌ها نیست
script-plugins-with-settings = افزونه‌های دارای تنظیمات: { $names }
script-no-setting = افزونهٔ `{ $plugin }` تنظیمی به نام `{ $key }` ندارد
script-its-settings = تنظیماتش: { $names }
script-setting-type = تنظیم `{ $key }` افزونهٔ `{ $plugin }` باید { $expected } باشد
script-setting-needed = افزونهٔ `{ $plugin }` تنظیم `{ $key }` را لازم دارد
script-setting-add = آن را زیر `plugins: { "{" }{ $plugin }: { "{" }{ $key }: ...{ "}" }{ "}" }` بیفزایید
script-setting-add-described = آن را زیر `plugins: { "{" }{ $plugin }: { "{" }{ $key }: ...{ "}" }{ "}" }` بیفزایید ({ $description })
script-setting-whole-number = عددی صحیح
script-setting-number = عدد
script-setting-text = متن
script-setting-boolean = true یا false
script-setting-list = فهرست
script-setting-map = نگاشتی از `key: value`

plugin-manifest-empty = پروندهٔ معرفی افزونه خالی است
plugin-manifest-empty-help = `plugin.yaml` نام (`name`)، نسخه (`version`)، شرح (`description`) و تنظیم‌هایی (`settings`) را که افزونه می‌گیرد می‌گوید
script-what-group = نوع گروه `{ $kind }`
