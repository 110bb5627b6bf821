# مسابقه‌ها: جدول امتیازها و قرعه‌کشی‌ها (بخش `contests:` در club.yaml و فرمان `bashgah contest`).

contest-twice = مسابقهٔ `{ $id }` دو بار تعریف شده است (جدول‌ها و قرعه‌کشی‌ها شناسه‌های مشترک دارند)
contest-metric-function = مسابقهٔ `{ $id }`: `metric: function` نام تابع را در `function` می‌خواهد
contest-metric-function-help = مثلاً `function: score` بنویسید، که `fn score(event, member)` در یکی از اسکریپت‌های باشگاه باشد
contest-function-unused = مسابقهٔ `{ $id }`: `function` فقط با `metric: function` خوانده می‌شود
contest-rank = مسابقهٔ `{ $id }`: هر جایزه رتبهٔ خودش را می‌خواهد، ۱ یا بیشتر
contest-prize-points = امتیاز جایزه باید بین ۰ و ۱۰¹⁸ باشد
contest-prize-reward = پاداشی به نام `{ $reward }` در `rewards` نیست
contest-entries = مسابقهٔ `{ $id }`: سهم‌ها را یا با `per` (مبلغی بیش از صفر) بدهید یا با `function`
contest-entries-help = مثلاً `entries: {"{"}per: 100000{"}"}`: یک سهم برای هر ۱۰۰٬۰۰۰ کامل از یک خرید
contest-date = مسابقهٔ `{ $id }`: { $message }
contest-draw-early = مسابقهٔ `{ $id }`: قرعه‌کشی نمی‌تواند پیش از پایان آخرین روز بازه‌اش باشد
contest-draw-at-fixed = مسابقهٔ `{ $id }`: `draw_at` بازه‌ای با تاریخ‌های ثابت (`from` و `to`) می‌خواهد
contest-no-prizes = مسابقهٔ `{ $id }` جایزه‌ای ندارد
contest-ends-before = مسابقهٔ `{ $id }` پیش از شروعش تمام می‌شود
contest-window = مسابقهٔ `{ $id }`: بازه یا `from` و `to` است یا `period`
contest-window-help = مثلاً `window: {"{"}from: 1403-09-25, to: 1403-09-30{"}"}` یا `window: {"{"}period: month{"}"}`
contest-what = مسابقهٔ `{ $id }`
advance-contests = { $windows } مسابقه نتیجه گرفت: { $prizes } جایزه، { $gained } { $points }
