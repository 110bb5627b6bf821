# خواندن پرونده‌های YAML (club.yaml، آزمون‌ها، مشخصات افزونه‌ها، پرونده‌های کلیدها و استقرار):
# نحو آن‌ها، کلیدهای ناشناخته یا جاافتاده و مقدارهایی از نوع نادرست.
# راهنما: locales/README.md

## متن پرونده (src/yaml/tree.rs). `{ $reason }` گفتهٔ خود تجزیه‌گر YAML است (انگلیسی).
yaml-invalid = YAML نامعتبر: { $reason }
yaml-invalid-help = تورفتگی‌ها را بررسی کنید و اینکه هر جفت `key: value` دونقطه‌اش را دارد
yaml-second-document = سند YAML دوم (`---`) در پرونده
yaml-second-document-help = هر پرونده یک سند دارد؛ سطر `---` و آنچه پس از آن آمده را بردارید، یا دو سند را یکی کنید
yaml-too-deep = فهرست‌ها و نگاشت‌های پرونده بیش از { $levels } لایه تودرتو شده‌اند
yaml-too-deep-help = هیچ پروندهٔ bashgah بیش از چند لایه لازم ندارد؛ تورفتگی‌ها را بررسی کنید
yaml-alias-inside = یک نام مستعار به گره‌ای اشاره می‌کند که خودش درون آن است
yaml-alias-inside-help = نام مستعار (`*name`) تنها گره‌ای را تکرار می‌کند که پیش از آن کامل شده باشد
yaml-alias-too-deep = این نام مستعار فهرست‌ها و نگاشت‌ها را بیش از { $levels } لایه تودرتو می‌کند
yaml-aliases-too-many = نام‌های مستعار این پرونده بیش از { $values } مقدار را تکرار می‌کنند
yaml-aliases-too-many-help = مقدارها را کامل بنویسید، یا تعداد کمتری از آن‌ها را با `*name` تکرار کنید
yaml-key-not-text = کلید باید متن باشد، نه فهرست یا نگاشت
yaml-duplicate-key = کلید تکراری `{ $key }`
yaml-duplicate-key-help = `{ $key }` پیش‌تر در سطر { $line } آمده است؛ هر کلید در یک نگاشت تنها یک بار می‌آید

## کلیدها و گزینه‌ها (src/yaml/keys.rs، schema.rs، de.rs).
yaml-unknown-key = کلید ناشناخته `{ $key }`
yaml-known-keys = کلیدهای مجاز در اینجا: { $keys }
yaml-unknown-key-known = کلید ناشناخته `{ $key }`؛ کلیدهای مجاز در اینجا: { $keys }
yaml-missing-key = کلید `{ $key }` نیامده است
yaml-missing-key-help = `{ $key }: ...` را اینجا بیفزایید
# `found` آن چیزی است که نوشته شده (`gfit`) و `choices` نام‌های مجاز (`gift`، `credit`).
yaml-not-one-of = { $found } یکی از { $choices } نیست
yaml-missing-one-of = یکی از { $keys } نیامده است
yaml-not-together = `{ $second }` و `{ $first }` را نمی‌شود با هم آورد: تنها یکی از { $keys } را بیاورید
yaml-own-step = `{ $key }` را در گامی جداگانه بگذارید
yaml-many-forms = این با بیش از یکی از شکل‌های مجاز در اینجا جور درمی‌آید
yaml-one-choice = یک کلید لازم است، نام یکی از گزینه‌ها، با تنظیماتش زیر آن
# `what` یکی از yaml-a-value، yaml-a-list یا yaml-its-settings است.
yaml-needs-under = `{ $name }` زیر خود { $what } لازم دارد
yaml-no-settings = `{ $name }` تنظیمی نمی‌پذیرد
yaml-value-before-key = مقداری پیش از کلیدش خوانده شد

## مقدارهایی از نوع نادرست. `expected` و `found` واژه‌های پایین‌اند.
yaml-expected-found = اینجا { $expected } لازم است، نه { $found }
yaml-is-not = { $found } { $expected } نیست
yaml-must-be = { $found } باید { $expected } باشد
yaml-not-as-expected = { $found } در اینجا به شکل درست نوشته نشده است
yaml-below-minimum = { $found } کمتر از { $limit } است، کمترین مقدار مجاز در اینجا
yaml-above-maximum = { $found } بیشتر از { $limit } است، بیشترین مقدار مجاز در اینجا
yaml-min-items = اینجا فهرستی با دست‌کم { $limit } مورد لازم است
yaml-max-items = اینجا فهرستی با حداکثر { $limit } مورد مجاز است
yaml-min-length = اینجا دست‌کم { $limit } نویسه لازم است
yaml-max-length = اینجا حداکثر { $limit } نویسه مجاز است
yaml-values-expected = { $values } مقدار آمده است، اما { $expected } لازم است
yaml-fewer-values = مقدارهای کمتر
yaml-quote-it = آن را در گیومه بنویسید تا متن شود: `"{ $text }"`
yaml-comma-splits = در `{ "{" }...{ "}" }` ویرگول مدخل‌ها را از هم جدا می‌کند؛ کل متن را در گیومه بنویسید: `"{ $text },{ $rest }"`

## گونه‌های مقدار، در پیام‌های بالا.
yaml-text = متن
yaml-the-text = متن `{ $text }`
yaml-a-number = یک عدد
yaml-the-number = عدد { $number }
yaml-a-whole-number = یک عدد صحیح
yaml-whole-number-up-to = یک عدد صحیح از ۰ تا { $largest }
yaml-true-or-false = `true` یا `false`
yaml-a-list = یک فهرست
yaml-a-mapping = یک نگاشت
yaml-a-value = یک مقدار
yaml-its-settings = تنظیماتش
yaml-nothing = مقدار خالی
# فهرست‌ها: `a`، `b` یا `c`.
yaml-list-separator = { "، " }
yaml-or = { $first } یا { $last }

## به‌ندرت دیده می‌شوند.
yaml-at-line = { $message } در سطر { $line }، ستون { $column }
yaml-schema-broken = طرح‌وارهٔ خود bashgah برای این پرونده کامپایل نمی‌شود: { $reason }
