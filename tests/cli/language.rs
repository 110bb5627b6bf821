//! Persian and English (issue 19): the same command in both languages, compared exactly;
//! and how the language is chosen — `--lang`, the club's `language:`, the shell's locale.

use std::path::Path;

use super::harness::{bashgah, copy_dir, Test};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A workspace with the shipped clubs and the café's samples imported.
fn cafe() -> Test {
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

/// A workspace with the shipped clubs, the café saying `language: fa`.
fn persian_cafe() -> Test {
    let test = Test::new();
    let dir = test.path();
    copy_dir(&repo().join("policies"), &dir.join("policies"));
    copy_dir(&repo().join("examples"), &dir.join("examples"));
    let yaml = dir.join("policies/cafe/club.yaml");
    let before = std::fs::read_to_string(&yaml).unwrap();
    let after = before.replace("calendar: jalali\n", "calendar: jalali\nlanguage: fa\n");
    assert_ne!(after, before);
    std::fs::write(&yaml, after).unwrap();
    test
}

fn text(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut command = crate::bashgah_command();
    command.args(args).current_dir(dir);
    for name in [
        "BASHGAH_POLICIES",
        "BASHGAH_DATA",
        "BASHGAH_PLUGINS",
        "BASHGAH_DATABASE",
    ] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("run bashgah");
    (
        output.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        ),
    )
}

#[test]
fn check_speaks_persian_with_persian_digits() {
    Test::new()
        .file("policies/shop/club.yaml", super::SHOP_YAML)
        .file("policies/shop/earn.rhai", super::SHOP_RHAI)
        .file("policies/bad/club.yaml", "id: bad\nname: Bad\ncurrency: EUR\nrules: []\ntiers: 3\n")
        .args(["--lang", "fa", "check"])
        .status(1)
        .stdout("نادرست bad (۱ خطا)\nدرست   shop (نسخهٔ قوانین 5c60cd3bf844، ۱ قانون)\n۲ باشگاه بررسی شد، ۱ نادرست\n")
        .run()
        .args(["--lang", "en", "check", "policies/shop"])
        .stdout("ok      shop (policy 5c60cd3bf844, 1 rule)\n1 club checked, 0 failed\n")
        .run();
}

#[test]
fn a_statement_in_persian_and_in_english() {
    let test = cafe();
    test.args(["--lang", "fa", "member", "cafe", "M001"])
        .stdout(
            "\
عضو M001 (individual) در Café Naderi
عضویت از ۱۴۰۳-۰۱-۱۵، تولد ۱۳۷۰-۱۰-۰۲؛ ۴ رویداد، ۵۵٬۹۰۰ تومان خرید
مانده: ۶۴ stars (۶۴ قابل استفاده، ۰ در انتظار) در ۱۴۰۳-۱۱-۰۳
اعتبار: ۰ تومان
رو به انقضا: ۶۴ stars در ۱۴۰۴-۰۱-۰۱

کسب         بستهٔ                    امتیاز     مانده  قابل خرج از  انقضا
۱۴۰۳-۱۰-۰۳  P1001 base                  ۱۸        ۱۸  ۱۴۰۳-۱۰-۰۳  ۱۴۰۴-۰۱-۰۱
۱۴۰۳-۱۰-۰۳  P1001 birthday_month        ۱۸        ۱۸  ۱۴۰۳-۱۰-۰۳  ۱۴۰۴-۰۱-۰۱
۱۴۰۳-۱۰-۱۲  P1004 base                   ۶         ۶  ۱۴۰۳-۱۰-۱۲  ۱۴۰۴-۰۱-۰۱
۱۴۰۳-۱۰-۱۲  P1004 birthday_month         ۶         ۶  ۱۴۰۳-۱۰-۱۲  ۱۴۰۴-۰۱-۰۱
۱۴۰۳-۱۱-۰۱  P1007 base                  ۳۱        ۱۶  ۱۴۰۳-۱۱-۰۱  ۱۴۰۴-۰۱-۰۱

تاریخ       رویداد  قانون             امتیاز  دلیل
۱۴۰۳-۱۰-۰۳  P1001   base                 +۱۸  1 star per 10,000 IRR
۱۴۰۳-۱۰-۰۳  P1001   birthday_month       +۱۸  birthday month: double stars
۱۴۰۳-۱۰-۱۲  P1004   base                  +۶  1 star per 10,000 IRR
۱۴۰۳-۱۰-۱۲  P1004   birthday_month        +۶  birthday month: double stars
۱۴۰۳-۱۱-۰۱  P1007   base                 +۳۱  1 star per 10,000 IRR
۱۴۰۳-۱۱-۰۳  R1001   base                 -۱۵  return of 155000 from `P1007`
",
        )
        .run()
        .args(["--lang", "fa", "member", "cafe", "M404"])
        .status(2)
        .stderr("خطا: عضوی با شناسهٔ `M404` در باشگاه `cafe` نیست\n")
        .run()
        .args(["--lang", "en", "member", "cafe", "M404"])
        .status(2)
        .stderr("error: no member `M404` in club `cafe`\n")
        .run();
}

/// `--lang` beats the club's `language:`, which beats the shell's locale, which beats
/// English; `C` names no language.
#[test]
fn the_language_comes_from_the_flag_then_the_club_then_the_shell() {
    let test = cafe();
    let dir = test.path();
    let first_line = |args: &[&str], env: &[(&str, &str)]| {
        let (code, output) = text(&dir, args, env);
        assert_eq!(code, 0, "{output}");
        output.lines().next().unwrap_or_default().to_owned()
    };
    let english = "member M002 (individual) in Café Naderi";
    let persian = "عضو M002 (individual) در Café Naderi";
    let statement = ["member", "cafe", "M002"];
    assert_eq!(first_line(&statement, &[]), english);
    assert_eq!(first_line(&statement, &[("LANG", "fa_IR.UTF-8")]), persian);
    assert_eq!(first_line(&statement, &[("LANG", "C.UTF-8")]), english);
    assert_eq!(
        first_line(
            &statement,
            &[("LANG", "fa_IR.UTF-8"), ("LC_ALL", "en_US.UTF-8")]
        ),
        english
    );
    assert_eq!(first_line(&statement, &[("BASHGAH_LANG", "fa")]), persian);

    let yaml = dir.join("policies/cafe/club.yaml");
    let text_before = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(
        &yaml,
        text_before.replace("calendar: jalali\n", "calendar: jalali\nlanguage: fa\n"),
    )
    .unwrap();
    assert_ne!(std::fs::read_to_string(&yaml).unwrap(), text_before);
    assert_eq!(first_line(&statement, &[]), persian);
    assert_eq!(first_line(&statement, &[("LANG", "en_GB.UTF-8")]), persian);
    assert_eq!(
        first_line(&["--lang", "en", "member", "cafe", "M002"], &[]),
        english
    );

    let (code, output) = text(&dir, &["--lang", "de", "member", "cafe", "M002"], &[]);
    assert_eq!(code, 2);
    assert_eq!(
        output,
        "error: --lang: `de` is not a language bashgah speaks; use `en` or `fa`\n"
    );
    // A wrong value in the club file is caught where it is written.
    std::fs::write(
        &yaml,
        text_before.replace("calendar: jalali\n", "calendar: jalali\nlanguage: farsi\n"),
    )
    .unwrap();
    let output = bashgah(&dir, &["check".to_owned(), "cafe".to_owned()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("policies/cafe/club.yaml:"), "{stderr}");
    assert!(stderr.contains("farsi"), "{stderr}");
}

/// A club with `language: fa` writes the reasons bashgah gives its own entries (a return,
/// a redemption, an expiry) in Persian, once, into the ledger: the statement shows them so
/// in either language, and the reward's Persian title is the one used.
#[test]
fn a_persian_club_writes_its_own_reasons_into_the_ledger_in_persian() {
    let test = persian_cafe();
    let dir = test.path();
    for command in [
        "import cafe examples/cafe/purchases.csv --members examples/cafe/members.csv",
        "redeem cafe M001 free-coffee --at 1403-11-05 --id R1",
        "advance cafe --to 1404-01-05",
    ] {
        let args: Vec<&str> = command.split_whitespace().collect();
        let (code, output) = text(&dir, &args, &[]);
        assert_eq!(code, 0, "{command}: {output}");
    }
    let (code, persian) = text(&dir, &["member", "cafe", "M001"], &[]);
    assert_eq!(code, 0, "{persian}");
    let statement: Vec<&str> = persian.lines().skip(5).collect();
    assert_eq!(
        statement,
        [
            "تاریخ       رویداد  قانون             امتیاز  دلیل",
            "۱۴۰۳-۱۰-۰۳  P1001   base                 +۱۸  1 star per 10,000 IRR",
            "۱۴۰۳-۱۰-۰۳  P1001   birthday_month       +۱۸  birthday month: double stars",
            "۱۴۰۳-۱۰-۱۲  P1004   base                  +۶  1 star per 10,000 IRR",
            "۱۴۰۳-۱۰-۱۲  P1004   birthday_month        +۶  birthday month: double stars",
            "۱۴۰۳-۱۱-۰۱  P1007   base                 +۳۱  1 star per 10,000 IRR",
            "۱۴۰۳-۱۱-۰۳  R1001   base                 -۱۵  مرجوعی ۱۵۵۰۰۰ از `P1007`",
            "۱۴۰۳-۱۱-۰۵  R1      redeem               -۵۰  دریافت `free-coffee`: یک قهوه رایگان",
            "۱۴۰۴-۰۱-۰۱  expiry  expiry               -۱۴  ۱۴ امتیاز منقضی شد (تاریخ انقضا رسید)، کسب‌شده در ۱۴۰۳-۱۱-۰۱",
        ]
    );
    // Asked for in English, the statement's frame is English; the ledger's reasons stay
    // what was written.
    let (_, english) = text(&dir, &["--lang", "en", "member", "cafe", "M002"], &[]);
    assert!(
        english.ends_with("1404-01-01  expiry  expiry               -37  ۳۷ امتیاز منقضی شد (تاریخ انقضا رسید)، کسب‌شده در ۱۴۰۳-۰۳-۰۵ تا ۱۴۰۳-۱۰-۰۳\n"),
        "{english}"
    );
}

/// The host process's texts reach programs (API answers, `/v1/status`, logs): English
/// whatever the shell's locale says, Persian only when the operator asks with `--lang`.
#[test]
fn the_host_process_speaks_english_unless_asked() {
    let test = Test::new();
    let dir = test.path();
    copy_dir(&repo().join("policies"), &dir.join("policies"));
    let (code, from_locale) = text(
        &dir,
        &["serve", "--keys", "nosuch.yaml"],
        &[("LANG", "fa_IR.UTF-8")],
    );
    assert_eq!(code, 2, "{from_locale}");
    assert!(
        from_locale.ends_with(
            "error: the keys file was not loaded; the server needs it to know who may call\n"
        ),
        "{from_locale}"
    );
    let (code, asked) = text(
        &dir,
        &["--lang", "fa", "serve", "--keys", "nosuch.yaml"],
        &[],
    );
    assert_eq!(code, 2, "{asked}");
    assert!(
        asked.ends_with("خطا: پروندهٔ کلیدها بارگذاری نشد؛ سرور برای دانستن این‌که چه کسی اجازهٔ درخواست دارد به آن نیاز دارد\n"),
        "{asked}"
    );
}

/// Refusals are decided with the club's files, in the club's language: a Persian club
/// refuses in Persian whatever the person's language (the frame is theirs), so that its
/// policy tests' `error:` lines hold for whoever runs them.
#[test]
fn a_persian_club_refuses_in_persian() {
    let test = persian_cafe();
    let dir = test.path();
    let import = [
        "import",
        "cafe",
        "examples/cafe/purchases.csv",
        "--members",
        "examples/cafe/members.csv",
    ];
    assert_eq!(text(&dir, &import, &[]).0, 0);
    assert_eq!(
        text(
            &dir,
            &[
                "redeem",
                "cafe",
                "M002",
                "free-coffee",
                "--at",
                "1403-11-05"
            ],
            &[]
        ),
        (
            1,
            "خطا: عضو `M002` ۳۷ stars قابل استفاده دارد، کمتر از ۵۰ لازم\n".to_owned()
        )
    );
    assert_eq!(
        text(
            &dir,
            &["--lang", "en", "redeem", "cafe", "M002", "free-coffe", "--at", "1403-11-05"],
            &[]
        ),
        (
            1,
            "error: پاداشی به نام `free-coffe` در باشگاه `cafe` نیست؛ منظورتان `free-coffee` بود؟\n"
                .to_owned()
        )
    );
}

/// The keys file's problems, in Persian when asked, at their line and column.
#[test]
fn the_keys_file_problems_in_persian() {
    Test::new()
        .file(
            "keys.yaml",
            "keys:\n  - {name: till, sha256: secret, clubs: [cafe]}\n",
        )
        .file("policies/shop/club.yaml", super::SHOP_YAML)
        .file("policies/shop/earn.rhai", super::SHOP_RHAI)
        .args(["--lang", "fa", "serve", "--keys", "keys.yaml"])
        .status(2)
        .stderr(
            "\
خطا: کلید `till`: `sha256` باید ۶۴ رقم شانزده‌شانزدهی باشد، چکیدهٔ کلید
 --> keys.yaml:2:26
  |
2 |   - {name: till, sha256: secret, clubs: [cafe]}
  |                          ^^^^^^
  = راهنما: `bashgah key` کلیدی تازه و چکیده‌اش را چاپ می‌کند؛ هرگز خود کلید را اینجا ننویسید

خطا: پروندهٔ کلیدها بارگذاری نشد؛ سرور برای دانستن این‌که چه کسی اجازهٔ درخواست دارد به آن نیاز دارد
",
        )
        .run();
}

/// A commitment deal in a Persian club: its checkpoints' notes are written in Persian into
/// the ledger, and the bonus's lot is named short, as on the statement.
#[test]
fn a_persian_deal_keeps_its_notes_in_persian() {
    let test = Test::new();
    let dir = test.path();
    copy_dir(&repo().join("policies"), &dir.join("policies"));
    copy_dir(&repo().join("examples"), &dir.join("examples"));
    let yaml = dir.join("policies/commitment/club.yaml");
    let before = std::fs::read_to_string(&yaml).unwrap();
    let after = before.replace("calendar: jalali\n", "calendar: jalali\nlanguage: fa\n");
    assert_ne!(after, before);
    std::fs::write(&yaml, after).unwrap();
    for command in [
        "import commitment examples/commitment/purchases.csv --members examples/commitment/members.csv",
        "advance commitment --to 1404-01-01",
    ] {
        let args: Vec<&str> = command.split_whitespace().collect();
        let (code, output) = text(&dir, &args, &[]);
        assert_eq!(code, 0, "{command}: {output}");
    }
    let (_, persian) = text(&dir, &["member", "commitment", "Z001"], &[]);
    let lines: Vec<&str> = persian.lines().collect();
    for expected in [
        "  monthly: کامل شد در ۱۴۰۳-۱۰-۰۱، ۳ از ۳ دوره انجام شد، ۰ از دست رفت (ارفاق ۰)",
        "    دورهٔ ۱ (۱۴۰۳-۰۷-۰۱ تا ۱۴۰۳-۰۷-۳۰): هدف انجام شد",
        "۱۴۰۳-۰۷-۰۵  G1001           deal:monthly       +۳۰  قرارداد `monthly`: ×۱٫۵",
        "۱۴۰۳-۱۰-۰۱  deal:monthly:3  deal:monthly     +۱۰۰۰  قرارداد کامل شد (`monthly`)",
    ] {
        assert!(lines.contains(&expected), "{expected}\n{persian}");
    }
    let (_, english) = text(&dir, &["--lang", "en", "member", "commitment", "Z001"], &[]);
    assert!(
        english.contains(
            "\n1403-10-01  deal:monthly:3 deal:monthly     1,000     1,000  1403-10-01  never\n"
        ),
        "{english}"
    );
    assert!(
        english.contains("\n    period 1 (1403-07-01 to 1403-07-30): هدف انجام شد\n"),
        "{english}"
    );
}

/// `bashgah --help` lists the commands and the options every command takes in Persian
/// when asked; in English it is clap's, from the doc comments.
#[test]
fn the_help_lists_the_commands_in_persian() {
    let test = Test::new();
    let (code, persian) = text(&test.path(), &["--lang", "fa", "--help"], &[]);
    assert_eq!(code, 0, "{persian}");
    let lines: Vec<&str> = persian.lines().collect();
    assert_eq!(
        lines[..6],
        [
            "موتور باشگاه مشتریان: قوانین باشگاه در YAML و Rhai، دفتری در SQLite که هیچ امتیازی را گم نمی‌کند",
            "",
            "استفاده: bashgah [OPTIONS] <COMMAND>",
            "",
            "فرمان‌ها:",
            "  init      ساختن باشگاهی تازه از یک الگو (cafe، retailer، wholesale، commitment)",
        ]
    );
    assert!(
        lines.contains(&"  member    نمایش مانده و صورت‌حساب یک عضو"),
        "{persian}"
    );
    assert!(lines.contains(&"گزینه‌ها:"), "{persian}");
    let (_, from_locale) = text(&test.path(), &["--help"], &[("LANG", "fa_IR.UTF-8")]);
    assert_eq!(from_locale, persian);
    let (_, english) = text(&test.path(), &["--help"], &[]);
    assert!(
        english.starts_with("A loyalty-program (customer club) engine: club rules in YAML and Rhai, a SQLite ledger that never loses a point\n\nUsage: bashgah [OPTIONS] <COMMAND>\n\nCommands:\n  init      Create a new club from a template"),
        "{english}"
    );
}

/// Empty files of every kind are named in the person's language: a keys file, a test file.
#[test]
fn empty_files_are_said_in_persian() {
    let test = Test::new()
        .file("keys.yaml", "")
        .file("policies/shop/club.yaml", super::SHOP_YAML)
        .file("policies/shop/earn.rhai", super::SHOP_RHAI)
        .file("policies/shop/tests/earning.yaml", "")
        .args(["--lang", "fa", "serve", "--keys", "keys.yaml"])
        .status(2)
        .stderr(
            "\
خطا: پروندهٔ کلیدها خالی است
 --> keys.yaml
  = راهنما: با `bashgah key --name NAME --club CLUB` کلیدی بسازید و سطری را که چاپ می‌کند زیر `keys:` بیفزایید

خطا: پروندهٔ کلیدها بارگذاری نشد؛ سرور برای دانستن این‌که چه کسی اجازهٔ درخواست دارد به آن نیاز دارد
",
        )
        .run();
    let (code, output) = text(&test.path(), &["--lang", "fa", "check", "shop"], &[]);
    assert_eq!(code, 1, "{output}");
    assert!(
        output.starts_with(
            "خطا: پروندهٔ آزمون خالی است\n --> policies/shop/tests/earning.yaml\n  = راهنما: پروندهٔ آزمون فهرستی از موردهاست با `name`، `given`، `when` و `then`\n"
        ),
        "{output}"
    );
}
