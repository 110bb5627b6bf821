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
contest-unknown = باشگاه `{ $club }` مسابقه‌ای به نام `{ $id }` ندارد
contest-verify-which = `--verify` نام مسابقه را می‌خواهد: `bashgah contest CLUB CONTEST --verify`
contest-none = باشگاه `{ $club }` مسابقه‌ای ندارد
contest-badge = نشان { $badge }
contest-reward = پاداش { $reward }
contest-heading-board = جدول { $name } (`{ $id }`)، بر پایهٔ { $metric }
contest-heading-draw = قرعه‌کشی { $name } (`{ $id }`)
contest-window-line = بازه از { $from } تا { $to }، نتیجه در { $decided }
contest-more = { "  " }… و { $more } نفر دیگر
contest-result = نتیجهٔ { $window }، اعلام‌شده در { $decided }: { $participants } شرکت‌کننده
contest-seed = { "  " }بذر { $seed } ({ $entries } سهم)
contest-verify-nothing = نتیجهٔ ثبت‌شده‌ای برای بررسی نیست
contest-verify-ok = { $contest } { $window }: با دفتر می‌خواند: { $winners }
contest-verify-differs = { $contest } { $window }: نمی‌خواند: ثبت‌شده { $recorded }، دوباره { $decided }
contest-verify-seed = { "  " }بذر { $seed }
member-contests-heading = مسابقه‌ها:
member-contest-draw = { $name } { $window }: { $entries } سهم
member-contest-board = { $name } { $window }: امتیاز { $score }، رتبهٔ { $place } از { $ranked }
member-contest-unranked = { $name } { $window }: امتیاز { $score }، بی‌رتبه
member-contest-prize = ، برندهٔ { $prize }
member-contest-open = { " " }(باز)
report-contests = مسابقه‌ها:
test-winners-differ = برندگان `{ $contest }`: انتظار [{ $expected }]، نتیجه: [{ $got }]
# دلیل جایزه‌ها در دفتر، به زبان باشگاه.
reason-contest-place = رتبهٔ { $place } در { $name } ({ $window })، امتیاز { $score }
reason-contest-draw = جایزهٔ { $place } در { $name } ({ $window })، سهم‌ها: { $entries }

# A row refused for its id.
rows-contest-id-reserved = `{ $id }`: شناسه‌هایی که با `contest:` آغاز می‌شوند برای جایزه‌های مسابقه‌ها نگه داشته شده‌اند؛ شناسه‌ی دیگری به رویداد بدهید
