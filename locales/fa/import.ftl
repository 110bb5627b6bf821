# `bashgah import` (و ورودهایی که `demo` انجام می‌دهد): سطر خلاصهٔ هر پرونده، سطرهایی که
# اعمال نشدند، و آنچه پیش از آغاز جلوی ورود را می‌گیرد.

## خلاصهٔ یک پرونده.
import-summary = { $accepted } پذیرفته، { $duplicates } تکراری، { $conflicts } ناسازگار، { $rejected } رد شد؛ { $points } امتیاز داده شد
import-members-summary = { $created } عضو ساخته شد، { $updated } به‌روز شد{ $unchanged }، { $rejected } رد شد
import-members-unchanged = ، { $unchanged } بی‌تغییر
import-dry-run = { " " }(اجرای آزمایشی: چیزی نوشته نشد)

## سطری که اعمال نشد: «رد شد: p.csv:3: …».
import-rejected = رد شد
import-conflict = ناسازگار
import-problem = { $label }: { $file }:{ $line }: { $message }
import-problem-column = { $label }: { $file }:{ $line }: ستون `{ $column }`: { $message }
import-and-more = { " " }و { $more } سطر دیگر
import-same-as = { $label }: { $file }:{ $lines }: همانند سطر { $line }

## پیش از ورود.
import-nothing = چیزی برای وارد کردن نیست
import-nothing-help = یک پروندهٔ رویداد بدهید، یا --members FILE، یا هر دو
import-no-profile = باشگاه `{ $club }` پروفایل ورود به نام `{ $name }` ندارد
import-no-profiles-help = پروفایل‌های ورود در club.yaml زیر `import: { "{" }profiles: { "{" }NAME: { "{" }columns: ...{ "}" }{ "}" }{ "}" }` تعریف می‌شوند
import-profiles-are = پروفایل‌های ورود باشگاه: { $profiles }
import-unknown-format = قالب `{ $file }` معلوم نیست
import-unknown-format-help = نامش را .csv یا .jsonl بگذارید، یا --format csv|jsonl بدهید
import-cannot-open = `{ $file }` باز نشد: { $reason }
