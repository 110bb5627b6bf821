# چرا تغییری که با دست داده شده (دریافت پاداش، لغو آن، تبدیل، اصلاح، انتقال) رد می‌شود؛ به زبان
# باشگاه (`language:`)، مانند دلیل‌های دفتر: `error:` در آزمون‌های قوانین با این‌ها سنجیده می‌شود.

refuse-no-reward = پاداشی به نام `{ $id }` در باشگاه `{ $club }` نیست{ $hint }
refuse-reward-near = ؛ منظورتان `{ $name }` بود؟
refuse-no-rewards = ؛ باشگاه پاداشی ندارد
refuse-rewards-are = ؛ پاداش‌ها: { $rewards }
refuse-cancel-reason = لغو به دلیل نیاز دارد (--reason "...")
refuse-no-redemption = دریافتی به نام `{ $redemption }` در باشگاه `{ $club }` نیست
refuse-not-theirs = دریافت `{ $redemption }` از آنِ عضو `{ $owner }` است، نه `{ $member }`
refuse-cancelled = دریافت `{ $redemption }` پیش‌تر لغو شده است (`{ $by }`)
refuse-code-used = کد { $code } دریافت `{ $redemption }` در { $at } به کار رفته است (مرجع `{ $reference }`): پاداشی که تحویل شده لغو نمی‌شود
refuse-credit-spent = عضو `{ $member }` { $credit } { $currency } اعتبار دارد، کمتر از { $given } که دریافت `{ $redemption }` داده بود
refuse-no-credit = باشگاه `{ $club }` اعتبار ندارد (`credit: { "{" }rate: ..., minimum: ...{ "}" }` را بیفزایید)
refuse-convert-minimum = دست‌کم { $minimum } { $points } در هر بار تبدیل می‌شود
refuse-too-few = عضو `{ $member }` { $available } { $points } قابل استفاده دارد، کمتر از { $needed } لازم
refuse-not-yet = پاداش `{ $reward }` از { $date } قابل دریافت است
refuse-no-longer = پاداش `{ $reward }` تا { $date } قابل دریافت بود
refuse-member-type = پاداش `{ $reward }` برای اعضای { $types } است و `{ $member }` { $kind } است
refuse-tier = پاداش `{ $reward }` برای اعضای { $tiers } است و `{ $member }` { $tier } است
refuse-in-no-tier = در هیچ سطحی نیست
refuse-or = { " یا " }
refuse-out-of-stock = پاداش `{ $reward }` تمام شده است (همهٔ { $stock } دریافت شده‌اند)
refuse-limit = عضو `{ $member }` پاداش `{ $reward }` را { $used } بار دریافت کرده است، بیشترین اندازهٔ مجاز
refuse-adjust-reason = اصلاح به دلیل نیاز دارد (--reason "...")
refuse-adjust-zero = اصلاح ۰ امتیاز چیزی را تغییر نمی‌دهد
refuse-take-too-many = عضو `{ $member }` { $available } { $points } قابل استفاده دارد، کمتر از { $taken } که باید کم شود
refuse-no-transfers = باشگاه `{ $club }` انتقال امتیاز را اجازه نمی‌دهد (`points.transfers: true` را بگذارید)
refuse-transfer-same = انتقال به دو عضو متفاوت نیاز دارد
refuse-transfer-zero = انتقال باید بیش از ۰ امتیاز باشد
refuse-transfer-too-many = عضو `{ $member }` { $available } { $points } قابل استفاده دارد، کمتر از { $moved } برای انتقال
