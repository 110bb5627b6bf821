# مشکل‌هایی که `check` (و هر فرمانی که باشگاهی را بارگذاری می‌کند) در club.yaml یک باشگاه
# می‌یابد، فراتر از شکل YAML آن: src/club/validate.rs و همسایه‌هایش. شناسه‌ها، کلیدهای
# club.yaml و آنچه کاربر تایپ می‌کند در backtick می‌آیند و ترجمه نمی‌شوند. راهنما: locales/README.md

club-file-empty = پروندهٔ باشگاه خالی است
club-file-empty-help = برای شروع از یک باشگاه کارا، policies/cafe/club.yaml را رونوشت کنید

## خود باشگاه.
club-id-invalid = شناسهٔ باشگاه `{ $id }` باید از حرف‌ها، رقم‌ها، `-` یا `_` باشد
club-id-invalid-help = شناسه نام پروندهٔ پایگاه دادهٔ باشگاه است، مثلاً `cafe`
club-id-differs = شناسهٔ باشگاه `{ $id }` با نام پوشه‌اش `{ $folder }` یکی نیست
club-id-differs-help = `id: { $folder }` را بنویسید یا نام پوشه را عوض کنید
club-currency-invalid = واحد پول `{ $currency }` کدی سه‌حرفی نیست
club-currency-help = مثلاً `IRR` برای ریال یا `IRT` برای تومان
club-timezone-unknown = منطقهٔ زمانی ناشناخته `{ $timezone }`
club-timezone-help = نامی از IANA به کار ببرید، مانند `Asia/Tehran` یا `UTC`
club-precision-too-large = دقت امتیاز { $precision } رقم اعشار است، بیش از { $most } رقم
club-number-too-large = `{ $number }` از بزرگ‌ترین عددی که bashgah می‌پذیرد (±{ $largest }) بزرگ‌تر است
club-not-a-span = `{ $text }` مدت زمان نیست؛ مثلاً `14d`، `2w`، `12m` یا `1y` بنویسید
club-span-too-long = `{ $text }` از { $years } سال، بلندترین مدتی که bashgah می‌پذیرد، بیشتر است؛ حداکثر `{ $most_days }d`، `{ $most_weeks }w`، `{ $most_months }m` یا `{ $most_years }y` بنویسید
# `what` یکی از جمله‌هایی است که می‌گویند چیزی چقدر طول می‌کشد (club-deal-lasts-weeks…).
club-too-long = { $what }، بیش از { $years } سال، بلندترین مدتی که bashgah می‌پذیرد
club-too-long-help = حداکثر `{ $limit }` بنویسید

## نوع‌های عضو و قانون‌ها.
club-no-member-types = باشگاه دست‌کم یک نوع عضو لازم دارد
club-member-type-twice = نوع عضو `{ $id }` دو بار تعریف شده است
club-no-rules = باشگاه هیچ قانونی ندارد، پس هیچ رویدادی امتیاز نمی‌آورد
club-rule-twice = قانون `{ $id }` دو بار تعریف شده است
club-rule-internal-events = قانون‌ها برای رویدادهای `{ $event }` اجرا نمی‌شوند؛ این رویدادها را خود bashgah می‌نویسد
club-rule-events-help = یکی از این‌ها را به کار ببرید: { $events }
club-rule-no-events = قانون `{ $rule }` برای هیچ نوع رویدادی اجرا نمی‌شود

## سطح‌ها.
club-tier-twice = سطح `{ $id }` دو بار تعریف شده است
club-tier-unknown-member-type = سطح `{ $tier }` آستانه‌ای برای نوع عضو ناشناختهٔ `{ $member_type }` دارد
club-tier-out-of-order = سطح `{ $tier }` برای `{ $member_type }` آستانهٔ { $threshold } دارد، که بیشتر از آستانهٔ `{ $lower }` ({ $lower_threshold }) نیست
club-tier-order-help = سطح‌ها از پایین‌ترین تا بالاترین فهرست می‌شوند؛ آستانهٔ هر سطح باید از سطح پیش از آن بیشتر باشد
club-tiering-without-tiers = `tiering` تنظیم شده، اما باشگاه هیچ `tiers` ندارد
club-metric-needs-function = `metric: function` به `tiering.function` نیاز دارد
club-metric-needs-function-help = نام یک `fn score(member, window)` در Rhai را بنویسید که عددی برمی‌گرداند
club-function-needs-metric = `tiering.function` تنها با `metric: function` به کار می‌رود
club-not-a-tier-window = `{ $text }` بازهٔ سطح نیست؛ مثلاً `12m`، `calendar_year`، `anniversary_year` یا `lifetime` بنویسید
club-tier-multiplier = سطح `{ $tier }` امتیاز را در { $by } ضرب می‌کند؛ ضریب باید بین ۰ و { $most } باشد
club-deal-multiplier = قرارداد `{ $deal }` امتیاز را در { $by } ضرب می‌کند؛ ضریب باید بین ۰ و { $most } باشد
club-multiplier-help = ۱٫۵ یعنی نیمی بیشتر امتیاز؛ ۱ چیزی را تغییر نمی‌دهد

## انقضا.
club-expiry-both = انقضا هم `after` دارد و هم `end_of`
club-expiry-both-help = یا `after: 12m` (و اگر خواستید `round_to`) یا `end_of: year`، نه هر دو
club-round-to-needs-after = `round_to` به `after` نیاز دارد
club-round-to-needs-after-help = مثلاً `after: 12m` و `round_to: month`؛ برای پایان دورهٔ کسب امتیاز `end_of` را به کار ببرید
club-warn-before-nothing-expires = `warn_before` تنظیم شده، اما چیزی منقضی نمی‌شود

## پاداش‌ها و کدهایشان.
club-reward-twice = پاداش `{ $id }` دو بار تعریف شده است
club-reward-cost = هزینهٔ پاداش `{ $reward }` باید بیش از ۰ امتیاز باشد
club-reward-unknown-member-type = پاداش `{ $reward }` از نوع عضو ناشناختهٔ `{ $member_type }` نام می‌برد
club-reward-unknown-tier = پاداش `{ $reward }` از سطح ناشناختهٔ `{ $tier }` نام می‌برد
club-reward-ends-before-start = پاداش `{ $reward }` پیش از آغازش پایان می‌یابد
club-reward-credit-missing = پاداش `{ $reward }` از نوع اعتبار است اما مبلغ `credit:` را نمی‌گوید
club-reward-credit-missing-help = مثلاً `credit: 100000` را بیفزایید، مبلغی که به کیف پول عضو می‌رود
club-credit-only-for-credit = `credit:` تنها برای پاداش‌های `kind: credit` است
club-credit-rate = نرخ اعتبار باید بیش از ۰ باشد
club-reward-no-code = پاداش `{ $reward }` کدی صادر نمی‌کند: `{ $key }` برای کدهای تخفیف، کارت‌های هدیه و پاداش‌های شریکان است
club-minimum-basket = کمترین سبد خرید باید بیش از ۰ باشد
club-discount-one-of = تخفیف یا `percent` است یا `amount`، نه هر دو
club-discount-one-of-help = مثلاً `discount: { "{" }percent: 10, up_to: 200000{ "}" }` یا `discount: { "{" }amount: 50000{ "}" }`
club-discount-percent = { $percent } درصد: عددی بیش از ۰ و حداکثر ۱۰۰ بنویسید
club-discount-amount = مبلغ باید بیش از ۰ باشد
club-up-to-needs-percent = `up_to` سقف تخفیف `percent` است
club-up-to-above-zero = سقف باید بیش از ۰ باشد

## قراردادها.
club-deal-twice = قرارداد `{ $id }` دو بار تعریف شده است
club-deal-no-length = قرارداد `{ $deal }` نه `periods` را می‌گوید و نه `window` را
club-deal-no-length-help = مثلاً `periods: 3` (سه دوره) یا `window: 3m` را بیفزایید
club-deal-both-lengths = قرارداد یا `periods` دارد یا `window`، نه هر دو
club-deal-zero-periods = قرارداد دست‌کم یک دوره طول می‌کشد
club-deal-lasts-weeks = قرارداد `{ $deal }` { $periods } هفته طول می‌کشد
club-deal-lasts-months = قرارداد `{ $deal }` { $periods } ماه طول می‌کشد
club-deal-lasts-quarters = قرارداد `{ $deal }` { $periods } فصل طول می‌کشد
# `period` یکی از club-period-week، -month یا -quarter است.
club-deal-window-short = قرارداد `{ $deal }` { $window } طول می‌کشد، کمتر از یک دورهٔ { $period }
club-period-week = هفتگی
club-period-month = ماهانه
club-period-quarter = فصلی
club-deal-window-short-help = بازه را دست‌کم به اندازهٔ یک دوره بگیرید، یا `period` کوتاه‌تری به کار ببرید
club-deal-unknown-tier = قرارداد `{ $deal }` از سطح ناشناختهٔ `{ $tier }` نام می‌برد
club-no-tiers = باشگاه هیچ `tiers` تعریف نکرده است
club-completion-tier-months = `completion.tier` به `tier_months` نیاز دارد، یعنی اینکه سطح چه مدت نگه داشته می‌شود
club-deal-keeps-tier = قرارداد `{ $deal }` سطحش را { $months } ماه نگه می‌دارد

## کمپین‌ها و چالش‌ها.
club-campaign-twice = کمپین `{ $id }` دو بار تعریف شده است
club-no-such-rule = قانونی به نام `{ $name }` در این باشگاه نیست
club-no-such-tier = سطحی به نام `{ $name }` در این باشگاه نیست
club-no-such-member-type = نوع عضوی به نام `{ $name }` در این باشگاه نیست
club-rules-are = قانون‌ها: { $rules }
club-tiers-are = سطح‌ها: { $tiers }
club-member-types-are = نوع‌های عضو: { $member_types }
club-rule-in-two-campaigns = قانون `{ $rule }` پیش‌تر در کمپین `{ $campaign }` آمده است
club-campaign-early = کمپین `{ $campaign }` { $days } روز زودتر باز می‌شود
club-budget-needs-rate = بودجهٔ پولی به `credit.rate` نیاز دارد، یعنی ارزش هر امتیاز
club-budget-needs-rate-help = `credit: { "{" }rate: 1000{ "}" }` را بیفزایید (هر امتیاز = ۱٬۰۰۰)، یا بودجه را به `points` بدهید
club-challenge-twice = چالش `{ $id }` دو بار تعریف شده است
club-challenge-no-goal = چالش `{ $challenge }` هدفی ندارد
club-challenge-no-goal-help = `purchases: 5` و/یا `spend: 1000000` را بنویسید

## بارگذاری دوباره.
club-canary-events = { $events } رویداد بیش از آن است که یک بارگذاری دوباره بتواند بیازماید (حداکثر ۱٬۰۰۰٬۰۰۰)
club-not-a-percentage = `{ $text }` درصد نیست
club-not-a-percentage-help = درصدی بیش از ۰ بنویسید، مثلاً `20%`
club-not-a-share = `{ $text }` سهمی درست نیست
club-not-a-share-help = درصدی از ۰٪ تا ۱۰۰٪ بنویسید، مثلاً `30%` (گروه کنترل کمتر از ۱۰۰٪)
club-point-value-negative = ارزش یک امتیاز نمی‌تواند کمتر از صفر باشد

## وب‌هوک‌ها.
club-webhook-id-invalid = شناسهٔ وب‌هوک `{ $id }` باید از حرف‌ها، رقم‌ها، `-` یا `_` باشد
club-webhook-twice = وب‌هوک `{ $id }` دو بار تعریف شده است
club-not-an-address = `{ $url }` نشانی http:// یا https:// نیست
club-webhook-secret = رمز وب‌هوک نام یک متغیر محیطی است که به شکل `${ "{" }NAME{ "}" }` نوشته می‌شود
club-webhook-secret-help = خود رمز را بیرون از پرونده‌های باشگاه نگه دارید: `secret: "${ "{" }CRM_WEBHOOK_SECRET{ "}" }"`
club-webhook-attempts = { $attempts } تلاش: عددی از ۱ تا ۱۰۰ بنویسید

## پیام به عضوها.
club-channel-twice = کانال `{ $id }` دو بار تعریف شده است
# `kind` یکی از `file`، `webhook` یا `http` است؛ `key` یکی از `path` یا `url`.
club-channel-needs = کانال `{ $kind }` به `{ $key }` نیاز دارد
club-channel-path = `{ $path }` پرونده‌ای درون پوشهٔ داده‌ها نیست: مسیری نسبی بدون `..` بنویسید، مثلاً `messages/sms.jsonl`
club-template-field = `{ "{" }{ $name }{ "}" }` فیلدی نیست که قالب کانال بتواند از آن نام ببرد: text، phone، member، occasion، language، club یا id را به کار ببرید
club-template-filter = `|{ $filter }` فیلتر نیست: `|json` (یک رشتهٔ JSON) یا `|url` (یک مقدار فرم) را به کار ببرید
club-not-a-time = `{ $value }` ساعتی از روز نیست
club-not-a-time-help = ساعت و دقیقه را بنویسید، مثلاً `22:00`
club-unknown-placeholder = جای‌نمای ناشناخته `{ "{" }{ $name }{ "}" }`
club-placeholders-are = جای‌نماها: { $placeholders }

## نمایه‌های ورود داده.
club-not-a-column = `{ $column }` از ستون‌های bashgah نیست
club-not-a-column-help = منظورتان `{ $column }` بود؟ (هر نام دیگری ویژگی‌ای می‌شود که اسکریپت‌ها می‌خوانند)
club-column-mapped-twice = هم `{ $first }` و هم `{ $second }` به `{ $column }` نگاشته شده‌اند
club-column-mapped-twice-help = هر ستون تنها از یک ستون پرونده می‌تواند بیاید
club-constant-and-column = `{ $column }` هم مقدار ثابت است و هم ستون `{ $source }` پرونده
club-constant-and-column-help = یکی را نگه دارید: مقدار ثابت تنها جایی ستون را پر می‌کند که پرونده آن را ندارد
club-date-format-invalid = `{ $format }` قالب تاریخ درستی نیست
club-date-format-incomplete = `{ $format }` تاریخ کاملی را نمی‌گوید: سال (%Y)، ماه (%m) و روز (%d) لازم است
club-date-format-help = فیلدهای strftime: %Y سال، %m ماه، %d روز، %H ساعت، %M دقیقه، %S ثانیه، %z اختلاف ساعت
club-amount-unit = `amount_unit` باید بیش از ۰ باشد، نه { $unit }
club-amount-unit-help = ۱۰ پرونده‌ای به تومان را در باشگاهی ریالی می‌خواند

## پروندهٔ استقرار (src/deployment.rs).
deployment-empty = پروندهٔ استقرار خالی است
deployment-empty-help = باشگاه‌ها را زیر `clubs:` فهرست کنید، هر کدام با `database: postgres://…` یا `database: sqlite`
deployment-cannot-read-help = --deployment (یا BASHGAH_DEPLOYMENT) پروندهٔ YAMLی را نام می‌برد که باشگاه‌ها و پایگاه‌های داده‌شان را فهرست می‌کند
deployment-bad-database = باشگاه `{ $club }`: { $reason }، یا `sqlite` برای پرونده‌اش زیر --data
