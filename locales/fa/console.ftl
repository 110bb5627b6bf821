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
