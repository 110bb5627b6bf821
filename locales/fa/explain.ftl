# `bashgah explain <club> <event-id>` و `--event JSON`: چرا یک رویداد آنچه را داد، داد.
# راهنما: locales/README.md. شناسهٔ قانون‌ها، تابع‌ها، فیلدهای خوانده‌شده و دلیل‌هایی که
# قانون‌ها می‌نویسند همان‌گونه که باشگاه نوشته نشان داده می‌شوند.

explain-no-event = رویدادی با شناسهٔ `{ $id }` در باشگاه `{ $club }` نیست
explain-event-not-object = --event یک شیء JSON نیست، بلکه { $kind } است
explain-event-problem = --event: { $reason }
explain-nothing-to-explain = شناسهٔ یک رویداد یا --event JSON بدهید
explain-no-files = دفتر پرونده‌های نسخهٔ قوانین { $version } را ندارد
explain-no-longer-loads = نسخهٔ قوانین { $version } دیگر بارگذاری نمی‌شود

explain-kind = { $kind ->
    [purchase] خرید
    [return] مرجوعی
    [payment] پرداخت
    [custom] رویداد سفارشی
    [expiry] انقضا
    [adjustment] اصلاح
    [transfer] انتقال
    [redemption] دریافت پاداش
    [conversion] تبدیل به اعتبار
    [cancellation] لغو
    [birthday] تولد
    [anniversary] سالگرد عضویت
    [enroll] ثبت‌نام در قرارداد
    [deal] بازبینی قرارداد
    [enrolled] عضویت
    [tier_changed] تغییر سطح
    [expiring_soon] انقضای نزدیک
    [deal_completed] انجام قرارداد
    [deal_failed] شکست قرارداد
    [inactive] غیرفعالی
   *[other] { $kind }
}

## رویداد، قوانین، عضو.
explain-heading = { $kind } `{ $id }` از عضو `{ $member }` در { $date } ساعت { $time } ({ $stored })
explain-amount = مبلغ { $amount } { $currency }
explain-converted = { " " }(پرداخت‌شده { $paid } { $currency } به نرخ { $rate })
explain-channel = ، کانال { $channel }
explain-store = ، فروشگاه { $store }
explain-attribute = ، { $key } { $value }
explain-policy-current = نسخهٔ قوانین { $version } (نسخهٔ کنونی)
explain-policy-earlier = نسخهٔ قوانین { $version } (نسخه‌ای پیشین، از پرونده‌هایی که دفتر نگه می‌دارد دوباره ساخته شد؛ نسخهٔ کنونی: { $current })
explain-member-then = عضو در آن زمان: { $kind }، سطح: { $tier }، مانده: { $balance } { $points }
explain-no-tier = هیچ

## قانون به قانون.
explain-rules = قانون‌ها
explain-rule = { "  " }{ $rule } (fn { $function }، { $place }): { $what }
explain-disabled = غیرفعال
explain-campaign-closed = اجرا نشد: کمپین آن اکنون برای این عضو باز نیست
explain-not-for-type = برای رویدادهای { $kind } اجرا نمی‌شود
explain-ran-nothing = اجرا شد: بی‌امتیاز
explain-ran = اجرا شد: { $points }
explain-ran-rounded = اجرا شد: { $raw } با گرد کردن ({ $rounding }، { $places } رقم اعشار) شد { $points }
explain-read = { "    " }خواند: { $fields }
explain-fails = { "  " }اجرای قانون‌ها برای این رویداد شکست خورد: { $error }

## آنچه داد، و آنچه دفتر دارد.
explain-entries = سندها
explain-no-entries = هیچ
explain-ledger-same = دفتر همین سندها را دارد
explain-ledger-differs = دفتر سندهای دیگری دارد (شاید وضع عضو در آن زمان فرق داشته است):
explain-ledger-not-by-rules = سندهای رویدادهای { $kind } را هیچ قانونی نمی‌سازد؛ دفتر این‌ها را دارد:
explain-ledger-also = و کنار آن‌ها، نوشتهٔ خود bashgah:

## اجرای آزمایشی (`--event`): آنچه دفتر خواهد داشت.
explain-falls-due = نخست سررسید می‌شود (ساعت باشگاه تا رویداد جلو می‌رود)
explain-would-hold = دفتر این‌ها را خواهد داشت
explain-would-be-rejected = رویداد رد می‌شد: { $failure }
explain-dry-run = اجرای آزمایشی: چیزی نوشته نشد
explain-plan-event = { "  " }{ $kind } `{ $id }` در { $date }
explain-plan-tier = { "  " }سطح: { $change } در { $date }: { $reason }
explain-plan-message = { "  " }پیام `{ $occasion }` در { $channel }: { $status ->
    [pending] در انتظار
    [suppressed] فرستاده‌نشده
   *[other] { $status }
}
explain-nothing = هیچ
