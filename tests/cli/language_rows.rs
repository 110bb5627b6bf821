//! Persian and English (issue 19) of what a person reads when a script, a row or a
//! policy file is wrong: the same input in both languages, compared exactly. The frame
//! around a refused row (`rejected: FILE:LINE: column ...`) and the import's summary are
//! the import report's; the reasons are these.

use crate::cli::shop;

const WEKDAY_RHAI: &str = "\
fn base_points(event, member) {
    if event.wekday == \"fri\" { 0 } else { event.amount / 1000 }
}
";

#[test]
fn check_names_a_misspelt_event_field_with_its_suggestion_in_persian_and_english() {
    shop()
        .file("policies/shop/earn.rhai", WEKDAY_RHAI)
        .args(["--lang", "fa", "check"])
        .stderr(
            "\
خطا: در اسکریپت Rhai: `event` فیلدی به نام `wekday` ندارد
 --> policies/shop/earn.rhai:2:14
  |
2 |     if event.wekday == \"fri\" { 0 } else { event.amount / 1000 }
  |              ^^^^^^
  = راهنما: منظورتان `weekday` بود؟

",
        )
        .stdout("نادرست shop (۱ خطا)\n۱ باشگاه بررسی شد، ۱ نادرست\n")
        .status(1)
        .run()
        .args(["--lang", "en", "check"])
        .stderr(
            "\
error: in a Rhai script: `event` has no field `wekday`
 --> policies/shop/earn.rhai:2:14
  |
2 |     if event.wekday == \"fri\" { 0 } else { event.amount / 1000 }
  |              ^^^^^^
  = help: did you mean `weekday`?

",
        )
        .stdout("FAILED  shop (1 error)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn a_rule_naming_a_function_no_script_defines_in_persian() {
    shop()
        .file(
            "policies/shop/earn.rhai",
            "fn base_point(event, member) {\n    event.amount / 1000\n}\n",
        )
        .args(["--lang", "fa", "check"])
        .stderr(
            "\
خطا: قانون `base` تابع `base_points` را نام می‌برد، اما هیچ اسکریپتی آن را تعریف نکرده است
 --> policies/shop/club.yaml:7:15
  |
7 |     function: base_points
  |               ^^^^^^^^^^^
  = راهنما: منظورتان `base_point` بود؟

",
        )
        .stdout("نادرست shop (۱ خطا)\n۱ باشگاه بررسی شد، ۱ نادرست\n")
        .status(1)
        .run();
}

const PURCHASES: &str = "\
id,member,date,amount
E1,M1,2025-01-10,2000
E2,M1,2025-01-11,12x
E3,M1,2025-02-30,1000
E4,,2025-01-12,1000
E5,M2,2025-01-12,\"12,50\"
E6,M2,2025-01-13 25:00,1000
";

#[test]
fn refused_rows_say_why_in_persian_and_in_english() {
    shop()
        .file("purchases.csv", PURCHASES)
        .args(["--lang", "fa", "import", "shop", "purchases.csv", "--dry-run"])
        .stderr(
            "\
رد شد: purchases.csv:3: ستون `amount`: `12x` عدد نیست
رد شد: purchases.csv:4: ستون `date`: تاریخ ۲۰۲۵-۰۲-۳۰ وجود ندارد
رد شد: purchases.csv:5: ستون `member`: `member` خالی است
رد شد: purchases.csv:6: ستون `amount`: `12,50` به عدد اعشاری با ویرگول می‌ماند: بنویسید 12.50
رد شد: purchases.csv:7: ستون `date`: `25:00` ساعتی از روز نیست؛ آن را به شکل HH:MM یا HH:MM:SS بنویسید، و اگر به وقت باشگاه نیست با اختلاف ساعتش (+03:30، Z)
",
        )
        .stdout("purchases.csv: ۱ پذیرفته، ۰ تکراری، ۰ ناسازگار، ۵ رد شد؛ ۲ امتیاز داده شد (اجرای آزمایشی: چیزی نوشته نشد)\n")
        .status(1)
        .run()
        .args(["--lang", "en", "import", "shop", "purchases.csv", "--dry-run"])
        .stderr(
            "\
rejected: purchases.csv:3: column `amount`: `12x` is not a number
rejected: purchases.csv:4: column `date`: 2025-02-30 is not a date
rejected: purchases.csv:5: column `member`: `member` is empty
rejected: purchases.csv:6: column `amount`: `12,50` looks like a decimal comma: write 12.50
rejected: purchases.csv:7: column `date`: `25:00` is not a time of day; write it as HH:MM or HH:MM:SS, with an offset (+03:30, Z) if it is not the club's time
",
        )
        .stdout("purchases.csv: 1 accepted, 0 duplicate, 0 conflicting, 5 rejected; 2 points awarded (dry run: nothing written)\n")
        .status(1)
        .run();
}

#[test]
fn a_file_separated_by_semicolons_is_told_so_in_persian_and_in_english() {
    shop()
        .file("purchases.csv", "id;member;date;amount\nE1;M1;2025-03-01;12,50\n")
        .args(["--lang", "fa", "import", "shop", "purchases.csv"])
        .stderr(
            "\
خطا: purchases.csv:1: سطر سرستون‌ها ستون `id` را ندارد؛ ستون‌های لازم: `id`، `member`، `date`، `amount`
  = راهنما: ستون‌ها با نقطه‌ویرگول از هم جدا شده‌اند، نه با ویرگول: پرونده را به شکل CSV با ویرگول ذخیره کنید («CSV UTF-8» در برنامهٔ صفحه‌گسترده) و `.` را نشانهٔ اعشار بگذارید
",
        )
        .status(2)
        .run()
        .args(["--lang", "en", "import", "shop", "purchases.csv"])
        .stderr(
            "\
error: purchases.csv:1: the header has no `id` column; required columns are `id`, `member`, `date`, `amount`
  = help: the columns are separated by semicolons, not commas: save the file as CSV with commas (\"CSV UTF-8\" in a spreadsheet), with `.` as the decimal point
",
        )
        .status(2)
        .run();
}

#[test]
fn member_rows_say_why_in_persian() {
    shop()
        .file(
            "members.csv",
            "id,type,birthday,joined\nM1,individual,1990-02-31,\nM2,indivdual,,\nM3,,,2025-13-01\nM4,individual,1990-01-01,2025-01-01\n",
        )
        .args(["--lang", "fa", "import", "shop", "--members", "members.csv"])
        .stderr(
            "\
رد شد: members.csv:2: ستون `birthday`: تاریخ ۱۹۹۰-۰۲-۳۱ وجود ندارد
رد شد: members.csv:3: ستون `type`: `indivdual` نوع عضو این باشگاه نیست (individual، business)؛ منظورتان `individual` بود؟
رد شد: members.csv:4: ستون `joined`: تاریخ ۲۰۲۵-۱۳-۰۱ وجود ندارد
",
        )
        .stdout("members.csv: ۱ عضو ساخته شد، ۰ به‌روز شد، ۳ رد شد\n")
        .status(1)
        .run();
}

/// A JSON Lines file: values of the wrong kind, a key given twice, a line that is no object.
#[test]
fn json_lines_problems_in_persian() {
    shop()
        .file(
            "events.jsonl",
            "{\"id\":\"E1\",\"member\":\"M1\",\"date\":\"2025-01-10\",\"amount\":{}}\n\
             {\"id\":\"E2\",\"member\":\"M1\",\"date\":\"2025-01-10\",\"amount\":1,\"amount\":2}\n\
             [1]\n\
             {\"id\":\"E3\",\"member\":\"M1\",\"date\":\"2025-01-10\",\"amount\":1,\"items\":[{\"sku\":\"a\"},{\"price\":1,\"price\":2}]}\n",
        )
        .args(["--lang", "fa", "import", "shop", "events.jsonl", "--dry-run"])
        .stderr(
            "\
رد شد: events.jsonl:1: ستون `amount`: `amount` باید عدد یا متن باشد، نه شیء JSON
رد شد: events.jsonl:2: ستون `amount`: کلید `amount` دو بار آمده است؛ هر کلید تنها یک بار می‌تواند بیاید (خواننده‌های JSON فقط یکی را نگه می‌دارند)
رد شد: events.jsonl:3: هر سطر باید یک شیء JSON باشد: `{...}`
رد شد: events.jsonl:4: ستون `items`: کلید `price` در عنصر ۲ از `items` دو بار آمده است؛ هر کلید تنها یک بار می‌تواند بیاید (خواننده‌های JSON فقط یکی را نگه می‌دارند)
",
        )
        .stdout("events.jsonl: ۰ پذیرفته، ۰ تکراری، ۰ ناسازگار، ۴ رد شد؛ ۰ امتیاز داده شد (اجرای آزمایشی: چیزی نوشته نشد)\n")
        .status(1)
        .run();
}

/// A rule that fails one event says so in the language spoken.
#[test]
fn a_runaway_rule_fails_its_event_in_persian() {
    shop()
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) {\n    base_points(event, member)\n}\n",
        )
        .file("purchases.csv", "id,member,date,amount\nE1,M1,2025-01-10,2000\n")
        .args(["--lang", "fa", "import", "shop", "purchases.csv", "--dry-run"])
        .stderr(
            "\
رد شد: purchases.csv:2: اجرای قانون `base` ناموفق بود: تابع‌ها را بیش از ۳۲ لایه تودرتو صدا زد (بازگشت بی‌پایان؟)
 --> policies/shop/earn.rhai:1:1
  |
1 | fn base_points(event, member) {
  | ^
",
        )
        .stdout("purchases.csv: ۰ پذیرفته، ۰ تکراری، ۰ ناسازگار، ۱ رد شد؛ ۰ امتیاز داده شد (اجرای آزمایشی: چیزی نوشته نشد)\n")
        .status(1)
        .run();
}
