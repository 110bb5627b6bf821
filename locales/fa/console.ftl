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

# The what-if page (what_if.rs).
console-what-if-title = چه می‌شود اگر: یک پیش‌نویس روی گذشتهٔ باشگاه
console-what-if-intro = یک پیش‌نویس (رونوشتی از باشگاه در پوشهٔ پیش‌نویس‌های سرور) و یک بازه، به تقویم باشگاه، برگزینید. قواعد پیش‌نویس روی رویدادهای واقعی باشگاه در آن بازه، کنار نسخهٔ جاری، دوباره اجرا می‌شود. چیزی نوشته نمی‌شود.
console-what-if-draft = پیش‌نویس
console-what-if-from = از
console-what-if-to = تا (با خودِ آن روز)
console-what-if-run = اجرای شبیه‌سازی
console-what-if-no-drafts = در پوشهٔ پیش‌نویس‌ها پیش‌نویسی از این باشگاه نیست.
console-what-if-report = گزارش شبیه‌سازی

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
