# پیام‌هایی که همهٔ فرمان‌ها به کار می‌برند: قالب خطاها و شمار آن‌ها.
# آرگومان‌ها به شکل { $name } نوشته می‌شوند. راهنما: locales/README.md

## قالب هر مشکل (src/diagnostic.rs): «خطا: …»، «= راهنما: …».
diagnostic-error = خطا
diagnostic-warning = هشدار
diagnostic-help = راهنما

error-count = { $count } خطا

club-not-loaded = باشگاه `{ $club }` { $errors } دارد و بارگذاری نشد
