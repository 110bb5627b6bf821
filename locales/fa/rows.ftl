# آنچه کسی می‌خواند وقتی سطری از پروندهٔ CSV یا JSON Lines خوانده نمی‌شود: تاریخ‌ها، مبلغ‌ها،
# ستون‌ها و مقدارهایش (src/import/*.rs، src/amount.rs، src/calendar.rs، src/time.rs).
# سطر و ستون را گزارش ورود می‌گوید؛ این‌ها دلیل‌ها هستند. راهنما: locales/README.md

## پرونده و سطر سرستون‌ها (src/import/rows.rs)
rows-cannot-read = `{ $file }` خوانده نشد: { $reason }
rows-cannot-read-rest = { $file } خوانده نشد: { $reason }
rows-missing-column = سطر سرستون‌ها ستون `{ $column }` را ندارد؛ ستون‌های لازم: { $required }
# آنچه ستون‌های صفحه‌گسترده‌ای را که جور دیگری ذخیره شده از هم جدا می‌کند.
rows-semicolons = نقطه‌ویرگول
rows-tabs = تب
rows-separator-help = ستون‌ها با { $separator } از هم جدا شده‌اند، نه با ویرگول: پرونده را به شکل CSV با ویرگول ذخیره کنید («CSV UTF-8» در برنامهٔ صفحه‌گسترده) و `.` را نشانهٔ اعشار بگذارید
rows-close-column-help = آیا `{ $header }` همان ستون `{ $column }` است؟ نامش را در پرونده عوض کنید، یا با یک پروفایل ورود (`import.profiles` در club.yaml، `--profile NAME`) آن را نگاشت کنید
rows-close-column-profile-help = آیا `{ $header }` همان ستون `{ $column }` است؟ آن را در `columns` پروفایل نگاشت کنید
rows-file-columns-help = ستون‌های پرونده: { $columns }؛ پروفایل ورود (`import.profiles` در club.yaml، `--profile NAME`) نام‌های سامانه‌ای دیگر را نگاشت می‌کند
rows-profile-maps-none-help = پروفایل هیچ ستونی از پرونده را به `{ $column }` نگاشت نمی‌کند
rows-profile-reads-help = پروفایل `{ $column }` را از { $sources } می‌خواند، که پرونده ندارد
# میان نام‌ها در فهرستی از گزینه‌ها: `a` یا `b`
rows-or = { " یا " }
rows-header-twice = سطر سرستون‌ها `{ $header }` را دو بار آورده است (ستون‌های { $first } و { $second })؛ هر ستون یک بار
rows-field-count = این سطر { $fields } خانه دارد اما سطر سرستون‌ها { $header } خانه
rows-not-unicode = این سطر متن UTF-8 درستی نیست؛ پرونده را با کدگذاری UTF-8 ذخیره کنید
rows-line-not-object = هر سطر باید یک شیء JSON باشد: `{ "{" }...{ "}" }`

# میان اقلام یک فهرست: `id`، `member`، `date`
list-comma = { "، " }

## مقداری از نوع نادرست
rows-text-not-number = `{ $name }` باید متن باشد، نه عدد JSON: بنویسید "{ $number }"
rows-text-not = `{ $name }` باید متن باشد، نه { $kind }
rows-number-not = `{ $name }` باید عدد یا متن باشد، نه { $kind }
rows-control-character = `{ $name }` نویسهٔ کنترلی ({ $code }) دارد؛ شناسه‌ها متن ساده‌اند
rows-empty = `{ $name }` خالی است
# نوع یک مقدار JSON، در پیام‌های بالا: «نه شیء JSON»
rows-kind-null = null
rows-kind-bool = true یا false
rows-kind-number = عدد JSON
rows-kind-text = متن
rows-kind-list = فهرست JSON
rows-kind-object = شیء JSON

## JSON Lines (src/import/json.rs). `reason` از serde_json است و انگلیسی.
rows-json-invalid = JSON نامعتبر: { $reason }
rows-json-too-deep = JSON نامعتبر: بیش از { $depth } لایه تودرتو
rows-json-key-twice = کلید `{ $key }` دو بار آمده است؛ هر کلید تنها یک بار می‌تواند بیاید (خواننده‌های JSON فقط یکی را نگه می‌دارند)
rows-json-key-twice-in = کلید `{ $key }` در { $place } دو بار آمده است؛ هر کلید تنها یک بار می‌تواند بیاید (خواننده‌های JSON فقط یکی را نگه می‌دارند)
rows-json-element = عنصر { $number }
# میان گام‌های یک جا در JSON: عنصر ۲ از `items`
rows-json-of = { " از " }

## سطر یک رویداد (src/import/event_row.rs)
rows-not-event-type = `{ $text }` نوع رویداد نیست؛ یکی از این‌ها را به کار ببرید: { $types }
rows-negative-amount = رویداد { $kind } نمی‌تواند مبلغ منفی داشته باشد؛ مرجوعی را با `type: return` ثبت کنید و خرید اصلی را در `original` نام ببرید
rows-other-currency = `{ $currency }` واحد پول باشگاه، `{ $club }`، نیست
rows-credit-used = `credit_used` بخشی از خرید است که با اعتبار پرداخت شده: میان { $zero } و مبلغ خرید ({ $amount })
rows-return-needs-original = مرجوعی باید خریدی را که برمی‌گرداند نام ببرد
rows-attributes-not-object = `attributes` باید یک شیء JSON از فیلدهای خودتان باشد، نه { $kind }؛ در پروندهٔ CSV به هر کدام ستونی جدا بدهید
rows-items-twice = `items` دو بار آمده است: هم به شکل ستون و هم در `attributes`
rows-items-hint = ؛ `items` شمار اقلام است، یا در JSON Lines فهرستی از { "{" }sku, category, qty, price{ "}" }
rows-items-not-count = `{ $written }` شمار اقلام نیست (عددی صحیح، ۰ یا بیشتر)
rows-items-not-list = `items` باید فهرستی از { "{" }sku, category, qty, price{ "}" } یا شمار اقلام باشد، نه { $kind }
rows-item-not-object = قلم { $n } باید یک شیء { "{" }sku, category, qty, price{ "}" } باشد، نه { $kind }
rows-item-control-character = قلم { $n }: `{ $name }` نویسهٔ کنترلی دارد؛ باید متن ساده باشد
rows-item-not-text = قلم { $n }: `{ $name }` باید متن باشد، نه { $kind }
rows-item-missing = قلم { $n } `{ $name }` ندارد
rows-item-bad = قلم { $n }: `{ $name }`: { $message }
rows-no-messages = باشگاه پیامی نمی‌فرستد
rows-message-channels = کانال‌های پیامش: { $channels }
rows-reply-channel-not-reply = `reply_channel` کانالی است که پاسخ از آن رسیده؛ این سطر پاسخ نیست (`type: custom` با `reply`)
rows-no-channel-listed = باشگاه کانال پیامی به نام `{ $channel }` ندارد ({ $channels })
rows-sales-channel = `channel` کانال فروش است و کانال پاسخ در `reply_channel` می‌آید: `{ $named }` کانال پیام نیست ({ $channels })
# مشکل و راه درست‌کردنش: «…؛ منظورتان `x` بود؟»
rows-with-suggestion = { $problem }؛ { $suggestion }
rows-conflict = رویداد `{ $id }` با محتوایی دیگر پیش‌تر در دفتر ثبت شده است

## سطر یک عضو (src/import/member_row.rs)
rows-no-channel = باشگاه کانال پیامی به نام `{ $channel }` ندارد
rows-not-yes-or-no = `{ $text }` نه بله است نه خیر (yes یا no)
rows-not-member-type = `{ $text }` نوع عضو این باشگاه نیست ({ $types })
rows-members-unchanged = ، { $count } بی‌تغییر
rows-members-summary = { $created } عضو ساخته شد، { $updated } به‌روز شد{ $unchanged }، { $rejected } رد شد

## مقدارهای یک پروفایل ورود (src/import/profile.rs). `reason` از chrono است و انگلیسی.
rows-profile-unit-too-large = `{ $written }` × { $unit } (`amount_unit` پروفایل) بیش از اندازه بزرگ است
rows-profile-not-date = `{ $text }` تاریخی در قالب پروفایل، `{ $format }`، نیست: { $reason }
rows-profile-no-whole-date = `{ $text }` در قالب پروفایل، `{ $format }`، تاریخ کاملی ندارد
rows-profile-date = `{ $text }`: { $message }
rows-profile-no-month = ماه { $month } وجود ندارد
rows-profile-no-day = روز { $day } وجود ندارد
rows-profile-no-such-time = `{ $text }`: چنین ساعتی در روز نیست

## تاریخ‌ها و زمان‌ها (src/calendar.rs، src/time.rs)
rows-date-format = `{ $text }` تاریخ نیست؛ آن را به شکل YYYY-MM-DD بنویسید، مثلاً 2025-03-21
rows-date-format-jalali = `{ $text }` تاریخ نیست؛ آن را به شکل YYYY-MM-DD بنویسید، مثلاً 1404-01-01 یا 2025-03-21
rows-jalali-in-gregorian = `{ $text }` به تاریخ جلالی می‌ماند، اما تقویم این باشگاه میلادی (gregorian) است؛ تاریخ میلادی را بنویسید یا `calendar: jalali` بگذارید
rows-not-a-date = تاریخ { $date } وجود ندارد
rows-not-a-jalali-date = تاریخ جلالی { $date } وجود ندارد
rows-not-a-leap-year = تاریخ جلالی { $date } وجود ندارد: { $year } کبیسه نیست و اسفندش ۲۹ روز دارد
rows-date-out-of-range = { $date } بیرون از بازه است
rows-date-outside = `{ $text }` بیرون از تاریخ‌هایی است که bashgah می‌پذیرد (سال‌های { $from } تا { $to } میلادی)
rows-date-outside-jalali = `{ $text }` بیرون از تاریخ‌هایی است که bashgah می‌پذیرد (سال‌های { $from } تا { $to } میلادی؛ در تقویم جلالی { $first } تا { $last })
rows-not-a-time = `{ $text }` ساعتی از روز نیست؛ آن را به شکل HH:MM یا HH:MM:SS بنویسید، و اگر به وقت باشگاه نیست با اختلاف ساعتش (+03:30، Z)
rows-day-skipped = { $date } در { $zone } پیش نیامد: ساعت‌های آنجا تمام آن روز را جا انداختند
rows-time-skipped = { $time } در { $zone } پیش نیامد (ساعت در تغییر وقت تابستانی از آن پرید)

## مبلغ‌ها (src/amount.rs)
rows-amount-empty = مبلغ خالی است
rows-not-a-number = `{ $text }` عدد نیست
rows-amount-too-large = `{ $text }` از بزرگ‌ترین مبلغی که bashgah می‌پذیرد ({ $largest }) بیشتر است
rows-currency-no-decimals = `{ $text }` اعشار دارد، اما { $currency } اعشار ندارد؛ bashgah مبلغ‌ها را گرد نمی‌کند
rows-currency-decimals = `{ $text }` بیش از { $currency } رقم اعشار دارد ({ $decimals })؛ bashgah مبلغ‌ها را گرد نمی‌کند
rows-too-many-decimals = `{ $text }` { $scale } رقم اعشار دارد؛ bashgah دست‌بالا ۲۸ رقم را دقیق نگه می‌دارد و هرگز مبلغی را گرد نمی‌کند
rows-too-many-digits = `{ $text }` بیش از رقم‌هایی دارد که bashgah دقیق نگه می‌دارد (۲۸)؛ گرد نمی‌شود
rows-separators-out-of-place = جداکننده‌های هزارگان در `{ $text }` سر جایشان نیستند: رقم‌ها را سه‌تاسه‌تا جدا کنید (1,234,567) یا هیچ جداکننده‌ای ننویسید
rows-decimal-comma = `{ $text }` به عدد اعشاری با ویرگول می‌ماند: بنویسید { $write }

## رویدادی که دفتر آن را همان‌طور که هست نمی‌پذیرد (src/engine/evaluate.rs)
rows-credit-short = `{ $member }` { $credit } { $currency } اعتبار دارد، کمتر از { $used } که خرج شده است
rows-enroll-needs-deal = رویداد `enroll` قرارداد را در ستون `deal` نام می‌برد
rows-no-deal = قراردادی به نام `{ $name }` در این باشگاه نیست
rows-deal-automatic = اعضا با نخستین خریدشان خودبه‌خود به `{ $name }` می‌پیوندند
rows-already-in-deal = `{ $member }` هم‌اکنون در قرارداد `{ $name }` است
rows-return-needs-original-column = مرجوعی باید خریدی را که برمی‌گرداند در `original` نام ببرد
rows-original-unknown = رویداد اصلی `{ $name }` در دفتر نیست
rows-original-other-member = رویداد اصلی `{ $name }` از آنِ عضو `{ $owner }` است، نه `{ $member }`
rows-original-not-purchase = `{ $name }` رویدادی از نوع { $kind } است؛ تنها خریدها مرجوع می‌شوند
rows-return-not-positive = مبلغ مرجوعی باید بیش از صفر باشد
rows-return-too-much = مرجوعیِ { $amount } بیش از { $left } است که از `{ $name }` مانده است
