# `bashgah simulate`: آنچه قوانین یک باشگاه (یا تغییری در آن‌ها) روی رویدادهای واقعی می‌داد.
# راهنما: locales/README.md. خروجی CSV (`--csv`) برای برنامه‌هاست و انگلیسی می‌ماند.

simulate-bad-to = --to: { $reason }
simulate-html-written = گزارش در { $path } نوشته شد

## خلاصهٔ متنی.
simulate-heading = شبیه‌سازی باشگاه { $club } روی { $events } رویداد ({ $rejected } رد شد)
# «A = policies/cafe (نسخهٔ قوانین …)»: A و B نام دو حالت‌اند.
simulate-scenario = { $name } = { $label } (نسخهٔ قوانین { $version })
simulate-difference = B - A
simulate-policy = نسخهٔ قوانین { $version }
simulate-events = رویدادها
simulate-rejected = ردشده
simulate-issued = امتیاز داده‌شده
simulate-spent = خرج‌شده
simulate-expired = منقضی‌شده
simulate-reversed = برگشت‌خورده
simulate-outstanding = ماندهٔ اعضا
simulate-liability = تعهد به { $currency }
simulate-issued-by = داده‌شده با { $rule }
simulate-members-in = اعضای { $tier }
simulate-deal = قرارداد { $deal }
simulate-issued-delta = B منهای A: { $delta } { $points } داده‌شده
simulate-liability-delta = ؛ تعهد { $delta } { $currency }
simulate-migration-heading = جابه‌جایی سطح‌ها (A -> B: شمار اعضا)
simulate-migration = { "  " }{ $from } -> { $to }: { $members }
simulate-affected-heading = اعضایی که بیشترین تغییر را دارند (مانده A -> B)
simulate-affected = { "  " }{ $member }: { $a } -> { $b }

## صفحهٔ HTML (`--html`). آرگومان‌ها از پیش برای HTML آماده شده‌اند؛ برچسب‌ها را نگه دارید.
simulate-html-title = شبیه‌سازی bashgah
simulate-html-heading = شبیه‌سازی باشگاه <code>{ $club }</code>
simulate-html-scenario = { $name }: <code>{ $label }</code> (نسخهٔ قوانین <code>{ $version }</code>)
simulate-html-separator = { "؛ " }
simulate-html-totals = جمع‌ها
simulate-html-difference = B − A
simulate-html-events = رویدادها
simulate-html-issued = امتیاز داده‌شده
simulate-html-spent = امتیاز خرج‌شده
simulate-html-expired = امتیاز منقضی‌شده
simulate-html-reversed = امتیاز برگشت‌خورده
simulate-html-outstanding = ماندهٔ امتیاز اعضا
simulate-html-liability = تعهد ({ $currency })
simulate-html-issued-by = داده‌شده با { $rule }
simulate-html-deal = هزینهٔ قرارداد { $deal }
simulate-html-chart-months = امتیاز داده‌شده در هر ماه
simulate-html-chart-tiers = اعضای هر سطح
simulate-html-migration = جابه‌جایی سطح‌ها (سطرها: با A، ستون‌ها: با B)
simulate-html-affected = اعضایی که بیشترین تغییر را دارند
simulate-html-member = عضو

simulate-giveaway = { $label }: { $kind ->
    [campaign] کمپین
   *[rule] قاعده
} `{ $id }` { $percent }٪ از حاشیه سود خریدهایی را که پاداش می‌دهد می‌بخشد ({ $worth } { $currency } از { $margin } { $currency })، بیش از `reports.max_giveaway` ({ $limit })
