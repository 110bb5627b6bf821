# میز مدیریت وب (`bashgah serve`، در /): قاب صفحه‌ها، ورود و فهرست باشگاه‌ها.
# پیام‌های هر صفحه پس از این می‌آیند، زیر توضیحی که نام صفحه را می‌گوید.

console-skip = رفتن به محتوا
console-nav-label = باشگاه
console-nav-overview = نمای کلی
console-nav-members = اعضا
console-nav-try = آزمودن یک خرید
console-nav-policy = قواعد
console-nav-what-if = اگر چنین شود
console-signed-in-as = واردشده با { $name }
console-other-language = English
console-sign-out = خروج
console-sign-in-title = ورود به میز مدیریت باشگاه
console-sign-in-intro = با یک کلید API از فایل کلیدها وارد شوید. کلید یک بار فرستاده می‌شود؛ مرورگر کوکی نشست را نگه می‌دارد، نه کلید را.
console-key-label = کلید API
console-sign-in = ورود
console-unknown-key = این کلید شناخته نیست، یا منقضی شده است.
console-clubs-title = باشگاه‌های شما
console-clubs-caption = باشگاه‌هایی که این کلید می‌بیند، و کاری که در هر یک می‌تواند بکند
console-club = باشگاه
console-club-id = شناسه
console-role = نقش
console-role-viewer = بیننده (فقط خواندن)
console-role-till = صندوق (ثبت خرید و استفاده از امتیاز)
console-role-operator = گرداننده (اصلاح امتیاز هم)
console-role-admin = مدیر
console-not-found = پیدا نشد
console-not-found-detail = چنین صفحه‌ای نیست، یا این کلید اجازهٔ دیدنش را ندارد.
console-forbidden = مجاز نیست
console-needs-role = کلید شما در این باشگاه { $held } است؛ این کار { $needed } می‌خواهد.
console-csrf = این فرم از همین میز مدیریت فرستاده نشده است (نشانهٔ امنیتی‌اش نیست یا کهنه است). صفحه را دوباره بار کنید و باز بکوشید.
console-invalid = این فرم را نمی‌توان به کار برد
console-refused = پذیرفته نشد
console-back-to-clubs = بازگشت به باشگاه‌های شما

# صفحهٔ قواعد (/clubs/{club}/policy و مقایسهٔ نسخه‌ها).
console-policy-title = قواعد
console-policy-live = نسخهٔ فعال
console-policy-live-version = نسخهٔ در حال اجرا
console-policy-live-since = از { $date }.
console-policy-last-reload = آخرین بارگذاری دوباره
console-policy-reload-failed = بارگذاری دوبارهٔ { $date } ناموفق بود؛ نسخهٔ فعال همچنان اجرا می‌شود. آنچه `bashgah check` می‌گوید:
console-policy-incident = شناسهٔ رخداد در گزارش:
console-policy-reload-unchanged = بارگذاری دوباره در { $date }: نسخهٔ { $version }، قانون‌ها بی‌تغییر.
console-policy-reload-activated = بارگذاری دوباره در { $date }: نسخهٔ { $version } فعال شد.
console-policy-versions = نسخه‌ها
console-policy-no-versions = دفتر هنوز هیچ نسخه‌ای نگه نداشته است.
console-policy-versions-caption = همهٔ نسخه‌هایی که دفتر نگه می‌دارد، از تازه‌ترین
console-policy-version = نسخه
console-policy-first-used = نخستین استفاده
console-policy-files = پرونده‌ها
console-policy-compare-live = مقایسه
console-policy-live-mark = فعال
console-policy-diff-with-live = { $version } در برابر نسخهٔ فعال
console-policy-older = نسخه‌های قدیمی‌تر
console-policy-newest = تازه‌ترین نسخه‌ها
console-policy-compare = مقایسهٔ دو نسخه
console-policy-from = از (قدیمی‌تر)
console-policy-to = به (تازه‌تر)
console-policy-show-diff = نمایش تغییرها
console-policy-pick-two = دو نسخه را برای مقایسه برگزینید.
console-policy-back = بازگشت به قواعد
console-policy-diff-title = تغییرها از { $from } تا { $to }
console-policy-invalid-version = «{ $version }» نسخه نیست: شناسهٔ آن (دست‌کم ۴ رقم از آن) یا «live» را بدهید.
console-policy-unknown-version = نسخهٔ { $version } در دفتر این باشگاه نیست.
console-policy-ambiguous-version = چند نسخه با { $version } آغاز می‌شوند ({ $versions }): رقم‌های بیشتری بدهید.
console-policy-tests = آزمون‌های قواعد
console-policy-no-tests = این باشگاه آزمون قواعد ندارد (tests/*.yaml در پوشهٔ آن).
console-policy-tests-summary = { $passed } قبول، { $failed } رد، پیش از آنکه این نسخه فعال شود.
console-policy-tests-caption = هر آزمون نسخهٔ فعال و نتیجهٔ آن
console-policy-test = آزمون
console-policy-test-where = پرونده و سطر
console-policy-test-result = نتیجه
console-policy-passed = قبول
console-policy-failed = رد
console-policy-uncovered = قانون‌هایی که هیچ آزمونی امتیاز دادنشان را نمی‌سنجد:
console-policy-canary = آزمون روی رویدادهای اخیر (قناری)
console-policy-no-canary = از آغاز به کار سرور هیچ آزمون قناری اجرا نشده است (این آزمون نسخهٔ تازه را هنگام ذخیره روی رویدادهای اخیر باشگاه می‌آزماید).
console-policy-canary-tried = نسخهٔ { $candidate } کنار { $live } روی { $events } رویداد اخیر آزموده شد: امتیاز داده‌شده { $before } → { $after }
console-policy-canary-refused = رد شد:
console-policy-canary-same = امتیاز هیچ قانونی تغییر نکرد.
console-policy-canary-caption = تغییر امتیاز هر قانون
console-policy-rule = قانون
console-policy-events-changed = رویدادهای تغییرکرده
console-policy-points-live = فعال
console-policy-points-candidate = تازه
console-policy-points-change = تغییر
console-policy-examples = نمونه‌ها
console-policy-files-heading = پرونده‌های نسخهٔ فعال
console-policy-lines = { $lines } سطر
console-policy-same-files = پرونده‌های دو نسخه یکسان‌اند.
console-policy-unchanged = بی‌تغییر:
console-policy-file-added = افزوده
console-policy-file-removed = حذف‌شده
console-policy-file-changed = تغییرکرده
console-policy-counts = { $added } سطر افزوده، { $removed } سطر حذف‌شده
console-policy-old-line = قدیم
console-policy-new-line = جدید
console-policy-change = افزوده (+) یا حذف‌شده (-)
console-policy-line = سطر

# The what-if page (what_if.rs).
console-what-if-title = چه می‌شود اگر: یک پیش‌نویس روی گذشتهٔ باشگاه
console-what-if-intro = یک پیش‌نویس (رونوشتی از باشگاه در پوشهٔ پیش‌نویس‌های سرور) و یک بازه، به تقویم باشگاه، برگزینید. قواعد پیش‌نویس روی رویدادهای واقعی باشگاه در آن بازه، کنار نسخهٔ جاری، دوباره اجرا می‌شود. چیزی نوشته نمی‌شود.
console-what-if-draft = پیش‌نویس
console-what-if-from = از
console-what-if-to = تا (با خودِ آن روز)
console-what-if-run = اجرای شبیه‌سازی
console-what-if-no-drafts = در پوشهٔ پیش‌نویس‌ها پیش‌نویسی از این باشگاه نیست.
console-what-if-report = گزارش شبیه‌سازی

# Try a purchase (try_purchase.rs).
console-try-title = آزمودن یک خرید
console-try-intro = یک خرید را روی عضوی، همان‌گونه که در دفتر هست، با نسخهٔ جاری و برای مقایسه با یک پیش‌نویس (رونوشتی از باشگاه در پوشهٔ پیش‌نویس‌های سرور) بیازمایید. این یک اجرای آزمایشی است: چیزی نوشته نمی‌شود، و نشانی این صفحه را می‌توان با دیگران در میان گذاشت.
console-try-member = عضو
console-try-date = تاریخ
console-try-date-hint = به تقویم باشگاه، مثلاً { $example }.
console-try-time = ساعت (اختیاری، به وقت باشگاه)
console-try-amount = مبلغ
console-try-amount-hint = به { $currency }، با رقم و اگر لازم است ممیز، مثلاً ۲۵۵۰۰۰.
console-try-items = اقلام خرید (اختیاری)
console-try-items-hint = هر قلم در یک سطر: کد کالا، تعداد، قیمت، و اگر قواعد شما دسته را می‌خوانند دسته پس از آن. برای نمونه:
console-try-attributes = ویژگی‌ها (اختیاری)
console-try-attributes-hint = هر ویژگی در یک سطر: key=value، همان‌گونه که قواعد event.attributes را می‌خوانند. برای نمونه:
console-try-draft = مقایسه با یک پیش‌نویس
console-try-draft-hint = پیش‌نویسی برگزینید تا قواعدش را کنار قواعد نسخهٔ جاری ببینید.
console-try-no-drafts = در پوشهٔ پیش‌نویس‌ها پیش‌نویسی از این باشگاه نیست: تنها نسخهٔ جاری آزموده می‌شود.
console-try-live-only = هیچ: تنها نسخهٔ جاری
console-try-run = بیازما
console-try-problems = این فرم را همین‌گونه که هست نمی‌توان آزمود:
console-try-required = { $field } لازم است.
console-try-not-amount = «{ $text }» مبلغ نیست: با رقم بنویسید، و اگر لازم است با ممیز (۲۵۵۰۰۰ یا ۱۲٫۵).
console-try-item-line = سطر { $line } به شکل «کد کالا، تعداد، قیمت» (و اگر خواستید دسته) نیست.
console-try-attribute-line = سطر { $line } به شکل key=value نیست.
console-try-attribute-twice = «{ $key }» در سطر { $line } دوباره آمده است.
console-try-too-many-lines = بیش از { $most } سطر.
console-try-result = این خرید چه می‌کند
console-try-event = خریدی به مبلغ { $amount } از عضو { $member }، در { $when }.
console-try-dry-run = اجرای آزمایشی: چیزی در دفتر نوشته نشد.
console-try-live = نسخهٔ جاری
console-try-draft-version = پیش‌نویس { $name }
console-try-comparison = امتیاز هر قاعده در هر دو نسخه
console-try-rule = قاعده
console-try-difference = تفاوت
console-try-total-heading = جمع این رویداد
console-try-none = هیچ
console-try-the-member = عضو
console-try-new-member = (تازه: دفتر هنوز او را نمی‌شناسد)
console-try-member-type = نوع عضو
console-try-tier = سطح
console-try-multiplier = ضریب سطح
console-try-balance-before = مانده پیش از خرید
console-try-balance-after = مانده پس از خرید
console-try-rejected = این رویداد پذیرفته نمی‌شود
console-try-rules-fail = قواعد به خطا می‌خورند، پس این رویداد پذیرفته نمی‌شود:
console-try-rules = همهٔ قواعد
console-try-place = کجا
console-try-status = وضعیت
console-try-reads = آنچه خواند
console-try-raw = پیش از گرد کردن
console-try-points = امتیاز
console-try-rounded = (گرد شده)
console-try-rounding = گرد کردن: { $mode }، تا { $precision } رقم اعشار.
console-try-rounding-floor = رو به پایین
console-try-rounding-ceil = رو به بالا
console-try-rounding-half-up = به نزدیک‌ترین، نیمه رو به بالا
console-try-rounding-half-even = به نزدیک‌ترین، نیمه به سوی زوج
console-try-rounding-truncate = رو به صفر
console-try-falls-due = آنچه پیش از خرید سررسید می‌شود
console-try-entries = ردیف‌هایی که نوشته می‌شد
console-try-no-entries = هیچ
console-try-event-id = رویداد
console-try-kind = گونه
console-try-reason = دلیل
console-try-tier-change = { $member } در { $date } از { $from } به { $to } می‌رود:
console-try-total = جمع این رویداد: { $points } { $name }
console-try-status-ran = اجرا شد
console-try-status-other-type = برای این گونه رویداد نیست
console-try-status-disabled = از کار افتاده
console-try-status-campaign-closed = کارزارش بسته است

# Overview: the club's overview page (overview.rs).
console-overview-title = نمای کلی
console-overview-at = تا تاریخ (روزی به تقویم باشگاه؛ خالی: امروز)
console-overview-show = نمایش
console-overview-bad-at = «{ $at }» روز یا زمانی به تقویم باشگاه نیست؛ آن را مانند { $example } یا { $example } ۱۸:۰۰ بنویسید.
console-overview-as-at = ارقام تا { $at }، به تقویم باشگاه.
console-overview-members = اعضا
console-overview-active-30 = خرید در ۳۰ روز گذشته
console-overview-active-90 = خرید در ۹۰ روز گذشته
console-overview-outstanding = امتیازی که اعضا دارند
console-overview-liability = ارزش آن
console-overview-no-rate = تعیین نشده (باشگاه برای امتیاز ارزش پولی نگذاشته است)
console-overview-months = امتیاز در هر ماه
console-overview-issued = داده‌شده
console-overview-spent = خرج‌شده
console-overview-expired = منقضی‌شده
console-overview-month = ماه
console-overview-tier = سطح
console-overview-rule = قانون
console-overview-status = سرانجام
console-overview-tiers = اعضای هر سطح
console-overview-tier-members = اعضا
console-overview-no-tier = بی‌سطح
console-overview-rules = امتیاز هر قانون
console-overview-no-points = هنوز هیچ قانونی امتیاز نداده است.
console-overview-campaigns = کمپین‌ها: هزینه در برابر بودجه
console-overview-campaign = کمپین
console-overview-cost = هزینه (امتیاز)
console-overview-cost-money = هزینه (پول)
console-overview-budget = بودجه (امتیاز)
console-overview-capped = جایزه‌هایی که بودجه کم کرد
console-overview-none = —
console-overview-messages = پیام‌ها
console-overview-messages-count = پیام‌ها
console-overview-sent = فرستاده‌شده
console-overview-pending = در انتظار
console-overview-suppressed = نگه‌داشته‌شده
console-overview-failed = ناموفق
console-overview-policy = قوانین
console-overview-version = نسخهٔ جاری
console-overview-active-since = فعال از
console-overview-last-reload = آخرین بارگذاری دوباره
console-overview-no-reload = از آغاز کار سرور، هیچ
console-overview-activated = نسخهٔ تازه‌ای به کار افتاد
console-overview-unchanged = چیزی تغییر نکرده بود
console-overview-reload-failed = ناموفق
console-overview-still-serving = آخرین بارگذاری دوباره ناموفق بود، پس نسخهٔ { $version } همچنان به کار است. آنچه `bashgah check` می‌گوید:
console-overview-month-jalali = { $month ->
    [1] فروردین
    [2] اردیبهشت
    [3] خرداد
    [4] تیر
    [5] مرداد
    [6] شهریور
    [7] مهر
    [8] آبان
    [9] آذر
    [10] دی
    [11] بهمن
   *[12] اسفند
} { $year }
console-overview-month-gregorian = { $month ->
    [1] ژانویه
    [2] فوریه
    [3] مارس
    [4] آوریل
    [5] مه
    [6] ژوئن
    [7] ژوئیه
    [8] اوت
    [9] سپتامبر
    [10] اکتبر
    [11] نوامبر
   *[12] دسامبر
} { $year }

# Members
console-members-title = اعضا
console-members-search-label = جست‌وجو با شناسه، نام، تلفن یا ایمیل
console-members-search = جست‌وجو
console-members-none = عضوی پیدا نشد.
console-members-caption = اعضا، به ترتیب شناسه
console-members-id = شناسه
console-members-profile = مشخصات
console-members-tier = سطح
console-members-balance = مانده
console-members-searched-to = اعضا تا { $member } جست‌وجو شدند؛ صفحهٔ بعد جست‌وجو را ادامه می‌دهد.
console-members-paging = صفحه‌ها
console-members-previous = صفحهٔ قبل
console-members-next = صفحهٔ بعد
console-member-title = عضو { $id }
console-member-as-of = تا { $date }
console-member-balance = مانده
console-member-available = قابل خرج
console-member-pending = در انتظار
console-member-debt = بدهی
console-member-credit = اعتبار
console-member-tier = سطح
console-member-no-tier = هیچ
console-member-type = نوع
console-member-joined = تاریخ عضویت
console-member-birthday = تولد
console-member-spent = کل خرید
console-member-expiring = امتیازها بر پایهٔ آخرین روزی که می‌شود خرجشان کرد
console-member-last-day = آخرین روز
console-member-points = امتیاز
console-member-lots = دسته‌ها (امتیازهایی که با هم به دست آمده‌اند)، قدیمی‌ترین اول خرج می‌شود
console-member-earned = به دست آمده
console-member-event = رویداد
console-member-left = مانده
console-member-spendable = قابل خرج از
console-member-expires = انقضا
console-member-never = هرگز
console-member-tier-history = تاریخچهٔ سطح
console-member-date = تاریخ
console-member-tier-from = از
console-member-tier-to = به
console-member-reason = دلیل
console-member-deals = پیمان‌ها
console-member-deal = پیمان
console-member-deal-state = وضعیت
console-member-deal-progress = پیشرفت
console-member-deal-next = بازبینی بعدی
console-member-deal-kept = { $kept } از { $periods } دوره انجام شده، { $missed } از دست رفته
console-member-deal-active = فعال
console-member-deal-completed = به پایان رسیده
console-member-deal-failed = ناموفق
console-member-badges = نشان‌ها
console-member-challenges = چالش‌ها
console-member-challenge = چالش
console-member-period = دوره
console-member-purchases = خریدها
console-member-completed = انجام شده
console-member-statement = صورت‌حساب: هر ردیف با دلیلش
console-member-rule = قاعده
console-member-explain = چرا: توضیح رویداد
console-member-no-entries = هنوز ردیفی نیست.
console-member-adjusted = امتیازها اصلاح شد.
console-member-redeemed = جایزه داده شد.
console-member-converted = امتیازها به اعتبار تبدیل شد.
console-member-duplicate = این فرم پیش‌تر فرستاده شده بود: یک بار اعمال شد و دوباره نه.
console-adjust-title = اصلاح امتیاز
console-adjust-points = امتیاز (منفی برای کم کردن)
console-adjust-reason = دلیل
console-adjust-submit = اصلاح
console-adjust-confirm = امتیاز این عضو با دست تغییر کند؟
console-adjust-no-reason = اصلاح امتیاز دلیل می‌خواهد.
console-redeem-title = گرفتن جایزه
console-redeem-reward = جایزه
console-redeem-submit = بگیرد
console-convert-title = تبدیل امتیاز به اعتبار
console-convert-points = امتیاز
console-convert-submit = تبدیل
console-invalid-points = «{ $points }» عددی دقیق برای امتیاز نیست.
console-event-title = رویداد { $id }
console-event-type = نوع
console-event-member = عضو
console-event-when = زمان
console-event-amount = مبلغ
console-event-paid = پرداخت‌شده
console-event-paid-at = { $paid } { $currency } به نرخ { $rate }
console-event-channel = کانال
console-event-store = فروشگاه
console-event-version = نسخهٔ قواعد
console-event-earlier-version = (نسخه‌ای پیشین؛ اکنون { $current } فعال است)
console-event-member-then = عضو پیش از آن
console-event-member-then-detail = { $kind }، سطح { $tier }، مانده { $balance }
console-event-rules-failed = قواعد روی این رویداد شکست خوردند: { $error }
console-event-rules = همهٔ قاعده‌ها، به ترتیب
console-event-function = تابع
console-event-what = چه کرد
console-event-read = چه خواند
console-event-disabled = غیرفعال
console-event-campaign-closed = کمپینش در آن زمان برای این عضو باز نبود
console-event-not-for-type = قاعده‌ای برای این نوع رویداد نیست
console-event-ran-nothing = اجرا شد، چیزی نداد
console-event-ran = اجرا شد: { $points }
console-event-ran-rounded = اجرا شد: { $raw }، گرد شده ({ $rounding }، { $places } رقم) به { $points }
console-event-rules-entries = آنچه قواعد می‌دهند
console-event-ledger-entries = آنچه دفتر دارد
console-event-same = دفتر همان را دارد که قواعد می‌دهند.
console-event-differs = دفتر ردیف‌هایی جز آنچه قواعد اکنون می‌دهند دارد.
console-event-not-by-rules = هیچ قاعده‌ای ردیف‌های این نوع رویداد را نمی‌سازد: ردیف‌های دفتر آمده است.
console-event-no-entries = هیچ
console-member-messages = پیام‌ها، تازه‌ترین اول
console-member-occasion = مناسبت
console-member-channel = کانال
console-member-message-status = وضعیت
console-member-message-text = متن
