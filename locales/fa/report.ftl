# `bashgah report <club>`: بخش‌های اعضا و اعضای در خطر ریزش، هزینهٔ کمپین‌ها در برابر بودجه،
# تسویه با شریک‌ها، و پیام‌ها. راهنما: locales/README.md. نام بخش‌ها، کمپین‌ها، شریک‌ها و
# مناسبت‌ها از آنِ خود باشگاه است و همان‌گونه نشان داده می‌شود.

report-no-ledger = باشگاه `{ $club }` هنوز دفتری در `{ $place }` ندارد
report-bad-at = --at: { $reason }
report-segment-not-a-name = `{ $function }` برای `{ $member }` یک { $kind } برگرداند، نه نام یک بخش
report-segment-failed = `{ $function }` برای `{ $member }` نادرست اجرا شد: { $error }

report-heading = باشگاه { $club }، در { $date }: { $members } عضو
report-segments = بخش‌ها
report-at-risk = در خطر ریزش: { $members } عضو
report-at-risk-member = { $points }، آخرین خرید { $last }
report-never = هرگز

report-campaigns = کمپین‌ها
report-campaign = { $amount } { $points }{ $money }{ $budget }؛ { $capped } امتیازدهی به سقف خورد
report-campaign-money = { " " }({ $money } { $currency })
report-campaign-budget = { " " }از بودجهٔ { $budget }

report-partners = شریک‌ها (تسویه)
report-partner = { $purchases } خرید، { $amount } { $currency }: { $earned } { $points }{ $money }
report-partner-money = ، به ارزش { $money } { $currency }

report-messages = پیام‌ها
report-message-count = { $count } { $status ->
    [sent] فرستاده‌شده
    [pending] در انتظار
    [failed] ناموفق
    [suppressed] فرستاده‌نشده ({ $reason ->
        [quiet] سکوت
        [stale] کهنه
        [opt_out] انصراف عضو
        [cap] سقف روزانه
       *[other] { $reason }
    })
    [quiet_hours] در انتظار (ساعت‌های سکوت)
   *[other] { $status }
}
report-list-separator = { "، " }
