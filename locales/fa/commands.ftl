# فرمان‌های روزمره: init، demo، advance، adjust، transfer، redeem، convert، cancel،
# deliver، export، migrate، serve و key، و خطاهایی که هر فرمانی ممکن است با آن‌ها پایان یابد.

## پرونده‌ها و باشگاه‌ها، برای هر فرمان.
cannot-read-file = `{ $file }` خوانده نشد: { $reason }
cannot-write-file = `{ $file }` نوشته نشد: { $reason }
workspace-no-club = باشگاهی به نام `{ $club }` در `{ $folder }` نیست
workspace-clubs-here = باشگاه‌های این‌جا: { $clubs }
workspace-no-club-help = --policies DIR را بدهید، یا پوشهٔ باشگاهی که club.yaml دارد
deployment-not-used = پروندهٔ استقرار `{ $file }` { $errors } دارد و به کار نرفت

## `bashgah init`.
init-no-template = قالبی به نام `{ $name }` نیست
init-template = `{ $name }`: { $about }
init-about-cafe = ستاره برای هر خرید، دو برابر در ماه تولد، پاداش‌ها، اعتبار و پیام‌ها
init-about-retailer = سطح‌های برنز، نقره، طلا و پلاتین، دسترسی زودهنگام برای طلا و پلاتین
init-about-wholesale = شرکت‌ها بر پایهٔ حجم خرید پیش از مالیات امتیاز می‌گیرند؛ شعبه‌ها امتیازشان را با انتقال یک‌جا می‌کنند
init-about-commitment = تعهد خرید ماهانه با امتیاز بیشتر و جایزهٔ پایان قرارداد
init-bad-name = `{ $folder }` نمی‌تواند نام باشگاه باشد: برای آخرین پوشه حرف، رقم، `-` یا `_` به کار ببرید
init-not-empty = `{ $folder }` از پیش هست و خالی نیست
init-created = باشگاه `{ $club }` در { $folder } از روی قالب `{ $template }` ساخته شد ({ $about })
init-next = گام بعد: bashgah check { $folder } && bashgah test { $folder }
init-try = روی نمونه‌ها امتحانش کنید: bashgah import { $club } { $folder }/samples/purchases.csv --members { $folder }/samples/members.csv

## `bashgah demo`.
demo-club = == { $name } ({ $club }) — نسخهٔ قوانین { $version }
demo-no-samples = پروندهٔ نمونه‌ای در { $folder } نیست
demo-top = دفتر { $ledger }: اعضای برتر بر پایهٔ مانده
demo-see-member = هر عضو را با این فرمان ببینید: bashgah member { $club } <id>

## `bashgah advance`: برای هر گونه کاری که ساعت باشگاه کرد یک سطر.
advance-backwards = ساعت باشگاه هم‌اکنون در { $date } است؛ فقط رو به جلو می‌رود
advance-clock = ساعت باشگاه به { $date } رسید: { $expired } { $points } در { $expiries } انقضا منقضی شد، { $notices } اعلان انقضای نزدیک
advance-reviews = { $reviews } بازبینی سطح: { $up } ارتقا، { $down } تنزل
advance-deals = { $checkpoints } بازبینی قرارداد: { $kept } دوره انجام شد، { $missed } از دست رفت؛ { $completed } قرارداد کامل شد (+{ $bonus } { $points })، { $failed } ناکام ماند (-{ $clawback } { $points } پس گرفته شد)
advance-greetings = { $greetings } تولد یا سالگرد
advance-hooks = { $awards } امتیازدهی چرخهٔ عضویت: +{ $gained } { $points }
advance-messages = { $messages } پیام در صف ارسال گذاشته شد

## adjust، transfer، redeem، convert، cancel.
manual-bad-points = امتیاز: { $reason }
manual-duplicate = پیش‌تر با شناسهٔ `{ $id }` ثبت شده است: چیزی تغییر نکرد
manual-added = { $amount } { $points } به `{ $member }` افزوده شد ({ $id })
manual-took = { $amount } { $points } از `{ $member }` کم شد ({ $id })
manual-moved = { $amount } { $points } از `{ $from }` به `{ $to }` منتقل شد ({ $id })
manual-redeemed = `{ $member }` پاداش `{ $reward }` را گرفت ({ $id })
manual-code = کد: { $code }
manual-cancelled = دریافت پاداش `{ $redemption }` از سوی `{ $member }` لغو شد ({ $id })
manual-converted = { $amount } { $points } از `{ $member }` به اعتبار تبدیل شد ({ $id })

## `bashgah deliver`.
deliver-failure = { $member } { $occasion } در کانال { $channel }: { $reason } ({ $outcome })
deliver-given-up = رها شد
deliver-will-retry = دوباره تلاش می‌شود
deliver-webhook-failure = وب‌هوک { $webhook }: { $event }: { $reason } ({ $outcome })
deliver-set-aside = پس از آخرین تلاش کنار گذاشته شد
deliver-summary = { $sent } فرستاده شد، { $retrying } برای تلاش دوباره، { $failed } ناموفق{ $stale }
deliver-stale = ، { $stale } کهنه‌تر از آن‌که فرستاده شود (messages.stale_after)
deliver-webhooks = وب‌هوک‌ها: { $sent } رویداد فرستاده شد، { $retrying } برای تلاش دوباره، { $aside } کنار گذاشته شد{ $waiting }
deliver-waiting = ، { $waiting } در انتظار تلاش دوباره

## `bashgah export`: «۳ عضو در members.csv صادر شد».
export-done = { $rows } { $table } صادر شد
export-done-to = { $rows } { $table } در { $file } صادر شد
export-members = عضو
export-entries = سند
export-lots = بسته
export-messages = پیام

## `bashgah migrate`.
migrate-no-ledger = باشگاه `{ $club }` هنوز دفتری در `{ $place }` ندارد: چیزی برای رونوشت نیست
migrate-same = --to خودِ همین دفتر را نام می‌برد (`{ $place }`)
migrate-copy-failed = رونوشت به `{ $place }`: { $error }
migrate-copied = دفتر باشگاه `{ $club }` از { $from } به { $to } رونوشت شد
migrate-rows = سطر
migrate-checked = بررسی شد: { $members } عضو، { $events } رویداد و { $entries } سند، با همهٔ بسته‌ها، مصرف‌ها، تغییرهای سطح، قراردادها، پیام‌ها و مانده‌ها، در هر دو یکسان‌اند

## `bashgah serve` و `bashgah key`.
serve-keys-not-loaded = پروندهٔ کلیدها بارگذاری نشد؛ سرور برای دانستن این‌که چه کسی اجازهٔ درخواست دارد به آن نیاز دارد
serve-no-policies = پوشهٔ قوانین `{ $folder }` نیست
key-needs-club = کلید به `--club CLUB` (تکرارپذیر) یا `--admin` نیاز دارد
key-line = کلید: { $key }
key-give = کلید را به دارنده‌اش بدهید؛ جایی نگه داشته نمی‌شود. این سطر را زیر `keys:` در پروندهٔ کلیدها بیفزایید:
key-give-written = کلید را به دارنده‌اش بدهید؛ جایی نگه داشته نمی‌شود. هش آن با نام `{ $name }` در { $file } است (سروری که در حال اجراست در بارگذاری دوبارهٔ بعدی آن را برمی‌دارد).
key-file-broken = `{ $file }` همین‌طور که هست بارگذاری نمی‌شود: نخست درستش کنید؛ چیزی نوشته نشد
key-holder-taken = `{ $file }` از پیش کلیدی دارد که دارنده‌اش `{ $name }` است: به این یکی نام دیگری بدهید، یا سطر قدیمی را بردارید تا آن کلید باطل شود
key-file-would-break = پروندهٔ کلیدها با سطر تازه بارگذاری نمی‌شد (آیا `keys:` بخش آخر آن است؟)؛ چیزی نوشته نشد

## پروندهٔ کلیدهای `bashgah serve` (src/serve/keys.rs).
keys-make-one = با `bashgah key --name NAME --club CLUB` کلیدی بسازید و سطری را که چاپ می‌کند به این پرونده بیفزایید
keys-bad-hash = کلید `{ $name }`: `sha256` باید ۶۴ رقم شانزده‌شانزدهی باشد، چکیدهٔ کلید
keys-bad-hash-help = `bashgah key` کلیدی تازه و چکیده‌اش را چاپ می‌کند؛ هرگز خود کلید را اینجا ننویسید
keys-grants-nothing = کلید `{ $name }` اجازهٔ هیچ کاری نمی‌دهد: به آن `clubs: [...]`، `roles: {"{"}...{"}"}` یا `admin: true` بدهید
keys-bad-expiry = کلید `{ $name }`: `{ $text }` تاریخ یا زمان نیست
keys-bad-expiry-help = یک تاریخ بنویسید، `2027-01-01` (نیمه‌شب UTC)، یا زمانی با اختلاف ساعتش، `2027-01-01T08:00:00+03:30`

keys-file-empty = پروندهٔ کلیدها خالی است
keys-file-empty-help = با `bashgah key --name NAME --club CLUB` کلیدی بسازید و سطری را که چاپ می‌کند زیر `keys:` بیفزایید
