# `bashgah member <club> <id>`: مانده و صورت‌حساب عضو.

member-no-ledger = باشگاه `{ $club }` هنوز دفتری در `{ $place }` ندارد
member-no-ledger-help = نخست رویدادهایی وارد کنید: bashgah import { $club } FILE
member-bad-at = --at: { $reason }
member-unknown = عضوی با شناسهٔ `{ $id }` در باشگاه `{ $club }` نیست

member-header = عضو { $id } ({ $kind }) در { $club }
member-joined = عضویت از { $date }
member-birthday = ، تولد { $date }
member-activity = ؛ { $events } رویداد، { $spent } { $currency } خرید
member-projected = پیش‌بینی تا { $date }: آنچه ساعت باشگاه تا آن روز کرده خواهد بود (انقضا، بازبینی سطح، قراردادها)؛ تا `bashgah advance` در دفتر نیست
member-balance = مانده: { $balance } { $points } ({ $available } قابل استفاده، { $pending } در انتظار) در { $date }
member-perks = مزایا: { $perks }
member-tier-since = { " " }از { $date }
member-tier-through-deal = { " " }از راه قرارداد؛ سطح خود عضو: { $tier }
member-no-own-tier = هیچ
member-tier = سطح: { $tier }{ $since }{ $details }
member-credit = اعتبار: { $credit } { $currency }
member-debt = بدهی: { $debt } { $points }، از امتیازهای بعدی پرداخت می‌شود
member-below-zero = { $debt } { $points } زیر صفر، تا امتیازهای بعدی
member-expiring-lot = { $amount } { $points } در { $date }
member-expiring = رو به انقضا: { $lots }

## بسته‌های خرج‌نشدهٔ امتیاز عضو.
lots-earned = کسب
lots-lot = بستهٔ
lots-points = امتیاز
lots-left = مانده
lots-spendable = قابل خرج از
lots-expires = انقضا
lots-never = هرگز

## قراردادها.
deals-heading = قراردادها
deal-progress = { $kept } از { $periods } دوره انجام شد، { $missed } از دست رفت (ارفاق { $grace })
deal-active = فعال از { $since }، { $progress }؛ بازبینی بعدی { $next }
deal-completed = کامل شد در { $ended }، { $progress }{ $held }
deal-tier-held = ؛ سطح آن تا { $until } می‌ماند
deal-failed = ناکام در { $ended }، { $progress }
deal-period = { "    " }دورهٔ { $period } ({ $from } تا { $to }): { $note }

## تغییرهای سطح.
tier-changes-heading = تغییرهای سطح
tier-into = ورود به { $to }
tier-moved = از { $from } به { $to }
tier-left = از { $from } به بی‌سطح
tier-none = بی‌سطح

## صورت‌حساب.
statement-empty = هنوز سندی در دفتر نیست
statement-date = تاریخ
statement-event = رویداد
statement-rule = قانون
statement-points = امتیاز
statement-reason = دلیل
