# دلیل‌هایی که bashgah کنار سندهای خودش (انقضا، سطح، قرارداد، مرجوعی، دریافت پاداش) در دفتر
# می‌نویسد؛ به زبان باشگاه (`language:`) و یک بار، هنگام ثبت.

reason-challenge = چالش انجام شد: { $name }
reason-deal = { $why } (`{ $deal }`)
reason-deal-completed = قرارداد کامل شد
reason-deal-clawback = بازپس‌گیری: قرارداد رعایت نشد
reason-deal-multiplier = قرارداد `{ $deal }`: ×{ $multiplier }
reason-expired = { $points } امتیاز منقضی شد ({ $why })، کسب‌شده در { $earned }
reason-expired-inactivity = مدت زیادی بی‌خرید
reason-expired-date = تاریخ انقضا رسید
reason-dates = { $first } تا { $last }
reason-settle = پرداخت بدهی‌ای که یک مرجوعی گذاشته بود
reason-return-forgiven = { " " }({ $points } منقضی شده بود: بخشوده شد)
reason-return-owed = { " " }({ $points } منقضی شده بود: بدهی شد)
reason-return-spent = { " " }({ $points } خرج شده بود: بدهی شد)
reason-return = مرجوعی { $amount } از `{ $event }`
reason-redeemed = دریافت `{ $reward }`: { $title }
reason-converted = تبدیل به { $credit } { $currency } اعتبار
reason-tier-reached = { $value } { $unit } در { $window } به { $tier } می‌رسد
reason-tier-review = بازبینی: { $value } { $unit } در { $window } برای { $tier } کافی است
reason-tier-multiplied = { $reason } (×{ $multiplier } { $tier })
reason-no-tier = بی‌سطح
unit-spent = { $currency } خرید
unit-earned = { $points } کسب‌شده
unit-visits = مراجعه
unit-balance = { $points } مانده
unit-score = امتیاز سنجش
