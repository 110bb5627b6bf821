# `bashgah test`: موردهای آزمون هر باشگاه، آنچه نادرست شد و چرا، سپس جمع.
# سطرهای یک مورد نادرست (امتیاز …، مانده …) همان‌هایی‌اند که `test` زیر آن چاپ می‌کند
# و سرور هم وقتی آزمون‌های باشگاهِ دوباره‌بارگذاری‌شده نادرست شوند همین‌ها را می‌گوید.

test-not-loaded = نادرست { $folder }: بارگذاری نشد
test-club = { $club }: { $cases } مورد در { $folder }
test-case-ok = درست   { $name }
test-case-failed = نادرست { $name }
test-no-entries = { "  " }هیچ سندی نوشته نشد
test-entries-written = { "  " }سندهای نوشته‌شده:
test-uncovered = قانون‌هایی که هیچ موردی آزمونشان نکرد: { $rules }
test-total = { $passed } درست، { $failed } نادرست

## چرا یک مورد نادرست شد.
test-ledger-failed = دفتر خطا داد: { $error }
test-bad-date = تاریخی در مورد: { $message }
test-after-step = پس از گام { $step }: { $failure }
test-step-failed = گام { $step }: { $message }
test-error-expected = گام { $step }: خطایی شامل { $expected } انتظار می‌رفت، اما گام انجام شد
test-error-differs = گام { $step }: خطایی شامل { $expected } انتظار می‌رفت، اما خطا این بود: { $got }
test-unknown-type = نوع عضو `{ $member }` ناشناخته است: `{ $kind }`
test-unknown-tier = سطح عضو `{ $member }` ناشناخته است: `{ $tier }`
test-one-kind-of-step = هر گام یکی از `event`، `advance`، `redeem` یا `adjust` است
test-points-differ = امتیاز `{ $event }`: انتظار { $expected }، نتیجه: { $got }
test-reasons-differ = دلیل‌های `{ $event }`: انتظار [{ $expected }]، نتیجه: [{ $got }]
test-balance-differs = ماندهٔ `{ $member }`: انتظار { $expected }، نتیجه: { $got }
test-no-such-member = چنین عضوی نیست
test-tier-differs = سطح `{ $member }`: انتظار { $expected }، نتیجه: { $got }
test-no-tier = بی‌سطح
test-messages-differ = پیام‌های `{ $member }`: انتظار [{ $expected }]، نتیجه: [{ $got }]
test-deal-differs = قرارداد `{ $deal }` برای `{ $member }`: انتظار { $expected }، نتیجه: { $got }
test-not-joined = عضو نشده

test-file-empty = پروندهٔ آزمون خالی است
test-file-empty-help = پروندهٔ آزمون فهرستی از موردهاست با `name`، `given`، `when` و `then`
