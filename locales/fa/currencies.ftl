# ارزهای خارجی: نرخ‌های اعلام‌شده و تبدیل خریدها (`currencies:` در club.yaml).

currency-not-taken = `{ $currency }` واحد پول باشگاه نیست و باشگاه نرخی اعلام نکرده است (`currencies.rates` در club.yaml)
currency-unknown = باشگاه برای `{ $currency }` نرخی ندارد؛ ارزهایی که می‌پذیرد: { $currencies }
currency-no-rate-yet = در { $date } هیچ نرخی برای `{ $currency }` برقرار نیست: نخستین نرخ آن از { $first } است
currency-rate-stale = نرخ `{ $currency }` که در { $date } برقرار است از { $from } است و از { $days } روز (`currencies.max_age_days`) کهنه‌تر است: نرخ تازه‌تری اعلام کنید
currency-decimals = `decimals: { $decimals }` بیش از رقم‌های اعشار `{ $currency }` ({ $most }) است
currency-rate-twice = `{ $currency }` دو نرخ از { $date } دارد
currency-file-outside = پروندهٔ نرخ `{ $file }` باید مسیری درون پوشهٔ باشگاه باشد
currency-is-the-clubs = `{ $currency }` واحد پول خود باشگاه است و نرخی لازم ندارد
currency-rate-range = نرخ باید بیش از صفر و حداکثر ۱۰¹⁸ باشد، نه { $rate }
currency-file-row = ستون `{ $column }`: { $message }
currency-file-no-column = پروندهٔ نرخ ستون `{ $column }` ندارد: سطر نخست آن باید `date,currency,rate` باشد
currency-too-large = مبلغ تبدیل‌شده از `{ $currency }` بیش از اندازه بزرگ است
currency-return-differs = این مرجوعی به `{ $currency }` است اما خرید آن به `{ $purchase }` پرداخت شده: مرجوعی به ارز خرید خودش پس داده می‌شود
currency-no-credit = `credit_used` به واحد پول باشگاه (`{ $club }`) است: خریدی به `{ $currency }` نمی‌تواند از اعتبار استفاده کند
money-toman = تومان
currency-toman-needs-rial = `money: toman` یک‌دهم مبلغ ریالی را نشان می‌دهد: `currency: IRR` لازم دارد، نه `{ $currency }`
currency-return-too-much = خرید { $paid } { $currency } پرداخت شده بود؛ با این مرجوعی { $returned } { $currency } پس داده می‌شد
