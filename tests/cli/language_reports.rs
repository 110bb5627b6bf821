//! The reports in Persian (issue 19): `simulate` (its summary and its HTML page), `report`
//! and `explain`, compared exactly, with their errors; the English of each is compared in
//! simulate.rs, explain.rs and tests/report.rs, and must not change.

use std::path::Path;

use super::harness::{copy_dir, short_policy_id, Test};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped clubs and samples, and the README's change to the café (a star per
/// 5,000 IRR instead of 10,000) in `changed/cafe`.
fn cafe_and_a_change() -> Test {
    let test = Test::new();
    copy_dir(&repo().join("policies"), &test.path().join("policies"));
    copy_dir(&repo().join("examples"), &test.path().join("examples"));
    copy_dir(
        &repo().join("policies/cafe"),
        &test.path().join("changed/cafe"),
    );
    let rules = test.path().join("changed/cafe/earn.rhai");
    let text = std::fs::read_to_string(&rules).unwrap();
    assert!(text.contains("10000"), "the café's rule divides by 10000");
    std::fs::write(&rules, text.replace("10000", "5000")).unwrap();
    test
}

/// The café with its samples imported.
fn cafe_imported() -> Test {
    let test = Test::new();
    copy_dir(&repo().join("policies"), &test.path().join("policies"));
    copy_dir(&repo().join("examples"), &test.path().join("examples"));
    test.args([
        "import",
        "cafe",
        "examples/cafe/purchases.csv",
        "--members",
        "examples/cafe/members.csv",
    ])
    .run()
}

#[test]
fn a_change_is_simulated_in_persian_as_text_and_as_a_page() {
    let test = cafe_and_a_change();
    let old = short_policy_id(&test.path().join("policies/cafe"));
    let new = short_policy_id(&test.path().join("changed/cafe"));
    let test = test
        .args([
            "--lang",
            "fa",
            "simulate",
            "cafe",
            "--events",
            "examples/cafe/purchases.csv",
            "--members",
            "examples/cafe/members.csv",
            "--against",
            "changed/cafe",
            "--html",
            "fa.html",
        ])
        .stdout(&format!(
            "\
شبیه‌سازی باشگاه cafe روی ۱۰ رویداد (۰ رد شد)
A = policies/cafe (نسخهٔ قوانین {old})
B = changed/cafe (نسخهٔ قوانین {new})
                                        A               B           B - A
رویدادها                               ۱۰              ۱۰               ۰
ردشده                                   ۰               ۰               ۰
امتیاز داده‌شده                        ۴۵۳             ۹۱۰            +۴۵۷
خرج‌شده                                  ۰               ۰               ۰
منقضی‌شده                                ۰               ۰               ۰
برگشت‌خورده                             ۱۵              ۳۱             +۱۶
ماندهٔ اعضا                            ۴۳۸             ۸۷۹            +۴۴۱
تعهد به تومان                      ۴۳٬۸۰۰          ۸۷٬۹۰۰         +۴۴٬۱۰۰
داده‌شده با base                       ۴۱۵             ۸۳۲            +۴۱۷
داده‌شده با birthday_month              ۳۸              ۷۸             +۴۰

B منهای A: +۴۵۷ stars داده‌شده؛ تعهد +۴۴٬۱۰۰ تومان

اعضایی که بیشترین تغییر را دارند (مانده A -> B)
  M003: ۳۰۰ -> ۶۰۰
  M001: ۶۴ -> ۱۲۹
  M002: ۳۷ -> ۷۶
  M004: ۲۵ -> ۵۰
  M005: ۱۲ -> ۲۴
"
        ))
        .stderr("گزارش در fa.html نوشته شد\n")
        .run()
        .args([
            "simulate",
            "cafe",
            "--events",
            "examples/cafe/purchases.csv",
            "--members",
            "examples/cafe/members.csv",
            "--against",
            "changed/cafe",
            "--html",
            "en.html",
        ])
        .stderr("report written to en.html\n")
        .run();
    let page = std::fs::read_to_string(test.path().join("fa.html")).unwrap();
    assert!(
        page.starts_with(
            "<!doctype html><html lang=\"fa\" dir=\"rtl\"><head><meta charset=\"utf-8\">\
             <title>شبیه‌سازی bashgah</title>"
        ),
        "{page}"
    );
    for part in [
        "<h1>شبیه‌سازی باشگاه <code>cafe</code></h1>",
        &format!(
            "<p>A: <code>policies/cafe</code> (نسخهٔ قوانین <code>{old}</code>)؛ \
             B: <code>changed/cafe</code> (نسخهٔ قوانین <code>{new}</code>)</p>"
        ),
        "<h2>جمع‌ها</h2><table><tr><th></th><th>A</th><th>B</th><th>B − A</th></tr>",
        "<tr><th>امتیاز داده‌شده</th><td>۴۵۳</td><td>۹۱۰</td><td>+۴۵۷</td></tr>",
        "<tr><th>تعهد (تومان)</th><td>۴۳٬۸۰۰</td><td>۸۷٬۹۰۰</td><td>+۴۴٬۱۰۰</td></tr>",
        "<figcaption>امتیاز داده‌شده در هر ماه</figcaption>",
        // The axis: months and the scale in Persian digits.
        "text-anchor=\"middle\">۱۴۰۳-۱۰</text>",
        "text-anchor=\"end\">۵۹۰</text>",
        "text-anchor=\"end\">۰</text>",
        // Each bar says whose it is (A or B) and its figure.
        "<title>۱۴۰۳-۱۰ · A: ۲۹۴</title>",
        "<h2>اعضایی که بیشترین تغییر را دارند</h2><table><tr><th>عضو</th><th>A</th><th>B</th></tr>\
         <tr><th>M003</th><td>۳۰۰</td><td>۶۰۰</td></tr>",
    ] {
        assert!(page.contains(part), "{part}\n{page}");
    }
    // No figure in a table cell is left in ASCII digits.
    let cells: Vec<&str> = page
        .split("<td>")
        .skip(1)
        .filter_map(|cell| cell.split("</td>").next())
        .collect();
    assert!(cells.len() > 20, "{cells:?}");
    for cell in cells {
        assert!(!cell.contains(|c: char| c.is_ascii_digit()), "{cell}");
    }
    let english = std::fs::read_to_string(test.path().join("en.html")).unwrap();
    assert!(
        english.starts_with(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>bashgah simulation</title>"
        ),
        "{english}"
    );
    assert!(english.contains("<th>B − A</th>") && english.contains("<h2>Totals</h2>"));
}

#[test]
fn one_policy_simulated_in_persian() {
    let test = cafe_and_a_change();
    let id = short_policy_id(&test.path().join("policies/cafe"));
    test.args([
        "--lang",
        "fa",
        "simulate",
        "cafe",
        "--events",
        "examples/cafe/purchases.csv",
        "--to",
        "1403-09-01",
    ])
    .stdout(&format!(
        "\
شبیه‌سازی باشگاه cafe روی ۱ رویداد (۰ رد شد)
                 نسخهٔ قوانین {id}
رویدادها                      ۱
ردشده                         ۰
امتیاز داده‌شده               ۱۴
خرج‌شده                        ۰
منقضی‌شده                      ۰
برگشت‌خورده                    ۰
ماندهٔ اعضا                   ۱۴
تعهد به تومان             ۱٬۴۰۰
داده‌شده با base              ۱۴
"
    ))
    .run();
}

#[test]
fn the_report_in_persian() {
    let test = Test::new();
    copy_dir(&repo().join("policies"), &test.path().join("policies"));
    copy_dir(&repo().join("examples"), &test.path().join("examples"));
    let test = test
        .args(["--lang", "fa", "report", "cafe"])
        .status(2)
        .stderr("خطا: باشگاه `cafe` هنوز دفتری در `data/cafe.sqlite` ندارد\n")
        .run()
        .args([
            "import",
            "cafe",
            "examples/cafe/purchases.csv",
            "--members",
            "examples/cafe/members.csv",
        ])
        .run();
    test.args(["--lang", "fa", "report", "cafe"])
        .stdout(
            "\
باشگاه cafe، در ۱۴۰۳-۱۱-۰۳: ۵ عضو

پیام‌ها
  birthday             ۱ در انتظار (ساعت‌های سکوت)
  enrolled             ۱ در انتظار

امتیازهای نزد اعضا: ۴۳۸ stars، به ارزش ۴۳۸٬۰۰۰ IRR
",
        )
        .run();
}

/// Segments, the member at risk, a campaign against its budget, a partner's settlement
/// and messages held back by the cap: tests/report.rs's club, in Persian.
#[test]
fn every_part_of_the_report_in_persian() {
    let test = Test::new();
    copy_dir(&repo().join("plugins"), &test.path().join("plugins"));
    let club = test.path().join("policies/shop");
    copy_dir(&repo().join("tests/fixtures/report"), &club);
    std::fs::rename(club.join("events.csv"), test.path().join("events.csv")).unwrap();
    test.args(["import", "shop", "events.csv"])
        .run()
        .args(["--lang", "fa", "report", "shop", "--at", "2025-04-01"])
        .stdout(
            "\
باشگاه shop، در ۲۰۲۵-۰۴-۰۱: ۳ عضو

بخش‌ها
  at_risk             ۱
  champions           ۱
  others              ۱

در خطر ریزش: ۱ عضو
  M2                     ۴۵ points، آخرین خرید ۲۰۲۴-۰۶-۲۰

کمپین‌ها
  spring         ۲۵ points (۲۵ EUR) از بودجهٔ ۲۵؛ ۴ امتیازدهی به سقف خورد

شریک‌ها (تسویه)
  snapp          ۲ خرید، ۲۰۰ EUR: ۴۰ points، به ارزش ۴۰ EUR

پیام‌ها
  challenge_completed  ۱ در انتظار، ۱ فرستاده‌نشده (سقف روزانه)
  enrolled             ۳ در انتظار

امتیازهای نزد اعضا: ۱۳۹ points، به ارزش ۱۳۹ EUR

ارزش کمپین‌ها
  spring         ۳ خرید پاداش‌گرفته، ۳۰۰ EUR؛ ۱ عضو پاداش‌گرفته، هر یک ۵۰۰ EUR

تسویه ماهانه (پس از کسر مرجوعی‌ها)
  ۲۰۲۴-۰۶  snapp          ۱ خرید، ۱۰۰ EUR: ۲۰ points، به ارزش ۲۰ EUR
  ۲۰۲۵-۰۳  snapp          ۱ خرید، ۱۰۰ EUR: ۲۰ points، به ارزش ۲۰ EUR
",
        )
        .run();
}

#[test]
fn an_event_explained_in_persian() {
    let test = cafe_imported();
    let id = short_policy_id(&test.path().join("policies/cafe"));
    test.args(["--lang", "fa", "explain", "cafe", "P1007"])
        .stdout(&format!(
            "\
خرید `P1007` از عضو `M001` در ۱۴۰۳-۱۱-۰۱ ساعت ۰۹:۰۰ (2025-01-20T05:30:00Z)
مبلغ ۳۱۰٬۰۰۰ IRR، کانال app، فروشگاه valiasr
نسخهٔ قوانین {id} (نسخهٔ کنونی)
عضو در آن زمان: individual، سطح: هیچ، مانده: ۴۸ stars

قانون‌ها
  base (fn base_points، policies/cafe/earn.rhai:14): اجرا شد: +۳۱
    خواند: member.kind, event.amount
  birthday_month (fn birthday_bonus، policies/cafe/earn.rhai:19): اجرا شد: بی‌امتیاز
    خواند: member.birthday_month, event.month

سندها
  base +۳۱  1 star per 10,000 IRR

دفتر همین سندها را دارد
"
        ))
        .run()
        .args(["--lang", "fa", "explain", "cafe", "R1001"])
        .stdout(&format!(
            "\
مرجوعی `R1001` از عضو `M001` در ۱۴۰۳-۱۱-۰۳ ساعت ۱۰:۰۰ (2025-01-22T06:30:00Z)
مبلغ ۱۵۵٬۰۰۰ IRR، کانال app، فروشگاه valiasr
نسخهٔ قوانین {id} (نسخهٔ کنونی)
عضو در آن زمان: individual، سطح: هیچ، مانده: ۷۹ stars

قانون‌ها
  base (fn base_points، policies/cafe/earn.rhai:14): برای رویدادهای مرجوعی اجرا نمی‌شود
  birthday_month (fn birthday_bonus، policies/cafe/earn.rhai:19): برای رویدادهای مرجوعی اجرا نمی‌شود

سندها
  base -۱۵  return of 155000 from `P1007`

دفتر همین سندها را دارد
"
        ))
        .run()
        .args(["--lang", "fa", "explain", "cafe", "P404"])
        .status(2)
        .stderr("خطا: رویدادی با شناسهٔ `P404` در باشگاه `cafe` نیست\n")
        .run()
        .args(["--lang", "fa", "explain", "cafe"])
        .status(2)
        .stderr("خطا: شناسهٔ یک رویداد یا --event JSON بدهید\n")
        .run()
        .args(["explain", "cafe", "P404"])
        .status(2)
        .stderr("error: no event `P404` in club `cafe`\n")
        .run();
}

#[test]
fn a_dry_run_explained_in_persian() {
    let test = cafe_imported();
    let id = short_policy_id(&test.path().join("policies/cafe"));
    test.args([
        "--lang",
        "fa",
        "explain",
        "cafe",
        "--event",
        r#"{"id":"X2","member":"M009","type":"purchase","amount":50000,"date":"1403-11-05"}"#,
    ])
    .stdout(&format!(
        "\
خرید `X2` از عضو `M009` در ۱۴۰۳-۱۱-۰۵ ساعت ۰۰:۰۰ (2025-01-23T20:30:00Z)
مبلغ ۵۰٬۰۰۰ IRR
نسخهٔ قوانین {id} (نسخهٔ کنونی)
عضو در آن زمان: individual، سطح: هیچ، مانده: ۰ stars

قانون‌ها
  base (fn base_points، policies/cafe/earn.rhai:14): اجرا شد: +۵
    خواند: member.kind, event.amount
  birthday_month (fn birthday_bonus، policies/cafe/earn.rhai:19): اجرا شد: بی‌امتیاز
    خواند: member.birthday_month

دفتر این‌ها را خواهد داشت
  خرید `X2` در ۱۴۰۳-۱۱-۰۵
    base +۵  1 star per 10,000 IRR
  پیام `enrolled` در sms: در انتظار

اجرای آزمایشی: چیزی نوشته نشد
"
    ))
    .run();
}
