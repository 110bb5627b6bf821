//! Persian and English (issue 19) for the everyday commands: `test`, `import`, `demo`,
//! `advance`, the changes made by hand (`redeem`, `adjust`, `convert`, `cancel`), `init`,
//! `export` and `migrate`, compared exactly in Persian; the English of each is compared
//! exactly by the tests of its command, and here where the two are best read side by side.

use std::path::Path;

use super::harness::{copy_dir, Test};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A workspace with the shipped café and its samples, nothing imported.
fn cafe_only() -> Test {
    let test = Test::new();
    copy_dir(
        &repo().join("policies/cafe"),
        &test.path().join("policies/cafe"),
    );
    copy_dir(
        &repo().join("examples/cafe"),
        &test.path().join("examples/cafe"),
    );
    test
}

/// The same, with the samples imported.
fn cafe_imported() -> Test {
    cafe_only()
        .args([
            "import",
            "cafe",
            "examples/cafe/purchases.csv",
            "--members",
            "examples/cafe/members.csv",
        ])
        .run()
}

fn cafe_version() -> String {
    let engine = std::sync::Arc::new(bashgah::policy::ScriptEngine::new(Default::default(), None));
    let (policy, _) =
        bashgah::policy::Policy::load(&repo().join("policies/cafe"), &engine).unwrap();
    policy.short_id().to_owned()
}

/// A case of the café's that expects what did not happen, in every way a case can.
const WRONG_CASE: &str = "\
- name: a case that expects too much
  given:
    members: [{id: M1, birthday: 1370-05-02}]
  when:
    - event: {id: P1, member: M1, date: 1403-10-03, amount: 185000}
      then:
        balance: {M1: 20}
    - event: {id: P2, member: M1, date: 1403-10-04, amount: 20000}
      error: not enough
  then:
    points: {P1: 1850}
    reasons: {P1: [\"1 star per 1,000 IRR\"]}
    balance: {M9: 5}
    tier: {M1: gold}
    messages: {M1: [enrolled, welcome]}
    deal: {M1: {monthly: active}}
";

const CAFE_CASES_FA: &str = "\
درست   Azar's three most regular members win, ties to who got there first
درست   advancing again gives nothing twice
درست   the Yalda draw gives one entry per whole 100,000 IRR of the week's purchases
درست   one star per 10,000 IRR, rounded down
درست   double stars in the birthday month (Dey)
درست   offices earn on the amount before tax
درست   a return takes back its share of what the purchase earned
درست   members hear a month before their stars expire at the end of the Jalali year
درست   a free coffee costs 50 stars, and the discount needs 120
";

#[test]
fn the_policy_tests_pass_and_fail_in_persian_and_in_english() {
    let test = cafe_only()
        .args(["--lang", "fa", "test", "policies/cafe"])
        .stdout(&format!(
            "cafe: ۹ مورد در policies/cafe/tests\n{CAFE_CASES_FA}۹ درست، ۰ نادرست\n"
        ))
        .run()
        .file("policies/cafe/tests/wrong.yaml", WRONG_CASE);
    test.args(["--lang", "fa", "test", "policies/cafe"])
        .status(1)
        .stdout(&format!(
            "\
cafe: ۱۰ مورد در policies/cafe/tests
{CAFE_CASES_FA}نادرست a case that expects too much
  --> policies/cafe/tests/wrong.yaml:1
  پس از گام ۱: ماندهٔ `M1`: انتظار ۲۰، نتیجه: ۱۸
  گام ۲: خطایی شامل \"not enough\" انتظار می‌رفت، اما گام انجام شد
  امتیاز `P1`: انتظار ۱۸۵۰، نتیجه: ۱۸
  دلیل‌های `P1`: انتظار [\"1 star per 1,000 IRR\"]، نتیجه: [\"1 star per 10,000 IRR\"]
  ماندهٔ `M9`: انتظار ۵، نتیجه: چنین عضوی نیست
  سطح `M1`: انتظار gold، نتیجه: بی‌سطح
  پیام‌های `M1`: انتظار [enrolled, welcome]، نتیجه: []
  قرارداد `monthly` برای `M1`: انتظار active، نتیجه: عضو نشده
  سندهای نوشته‌شده:
    P1: base +۱۸ (1 star per 10,000 IRR)
    P2: base +۲ (1 star per 10,000 IRR)
۹ درست، ۱ نادرست
"
        ))
        .run()
        .args(["test", "policies/cafe"])
        .status(1)
        .stdout(
            "\
cafe: 10 cases in policies/cafe/tests
ok      Azar's three most regular members win, ties to who got there first
ok      advancing again gives nothing twice
ok      the Yalda draw gives one entry per whole 100,000 IRR of the week's purchases
ok      one star per 10,000 IRR, rounded down
ok      double stars in the birthday month (Dey)
ok      offices earn on the amount before tax
ok      a return takes back its share of what the purchase earned
ok      members hear a month before their stars expire at the end of the Jalali year
ok      a free coffee costs 50 stars, and the discount needs 120
FAILED  a case that expects too much
  --> policies/cafe/tests/wrong.yaml:1
  after step 1: balance of `M1`: expected 20, got 18
  step 2: expected an error containing \"not enough\", but it succeeded
  points of `P1`: expected 1850, got 18
  reasons of `P1`: expected [\"1 star per 1,000 IRR\"], got [\"1 star per 10,000 IRR\"]
  balance of `M9`: expected 5, got no such member
  tier of `M1`: expected gold, got none
  messages of `M1`: expected [enrolled, welcome], got []
  deal `monthly` of `M1`: expected active, got not joined
  entries written:
    P1: base +18 (1 star per 10,000 IRR)
    P2: base +2 (1 star per 10,000 IRR)
9 passed, 1 failed
",
        )
        .run()
        // A club that does not load.
        .file(
            "policies/cafe/tests/wrong.yaml",
            "- name: typo\n  wen: []\n",
        )
        .args(["--lang", "fa", "test", "policies/cafe"])
        .status(1)
        .stdout("نادرست policies/cafe: بارگذاری نشد\n۰ درست، ۱ نادرست\n")
        .run();
}

#[test]
fn an_import_summarised_in_persian() {
    let files = [
        "--lang",
        "fa",
        "import",
        "cafe",
        "examples/cafe/purchases.csv",
        "--members",
        "examples/cafe/members.csv",
    ];
    cafe_only()
        .args([
            "--lang",
            "fa",
            "import",
            "cafe",
            "examples/cafe/purchases.csv",
            "--members",
            "examples/cafe/members.csv",
            "--dry-run",
        ])
        .stdout(
            "\
examples/cafe/members.csv: ۴ عضو ساخته شد، ۰ به‌روز شد، ۰ رد شد (اجرای آزمایشی: چیزی نوشته نشد)
examples/cafe/purchases.csv: ۱۰ پذیرفته، ۰ تکراری، ۰ ناسازگار، ۰ رد شد؛ ۴۲۷ امتیاز داده شد (اجرای آزمایشی: چیزی نوشته نشد)
",
        )
        .run()
        .args(files)
        .stdout(
            "\
examples/cafe/members.csv: ۴ عضو ساخته شد، ۰ به‌روز شد، ۰ رد شد
examples/cafe/purchases.csv: ۱۰ پذیرفته، ۰ تکراری، ۰ ناسازگار، ۰ رد شد؛ ۴۳۸ امتیاز داده شد
",
        )
        .run()
        .args(files)
        .stdout(
            "\
examples/cafe/members.csv: ۰ عضو ساخته شد، ۰ به‌روز شد، ۴ بی‌تغییر، ۰ رد شد
examples/cafe/purchases.csv: ۰ پذیرفته، ۱۰ تکراری، ۰ ناسازگار، ۰ رد شد؛ ۰ امتیاز داده شد
",
        )
        .run()
        .args([
            "import",
            "cafe",
            "examples/cafe/purchases.csv",
            "--members",
            "examples/cafe/members.csv",
        ])
        .stdout(
            "\
examples/cafe/members.csv: 0 members created, 0 updated, 4 unchanged, 0 rejected
examples/cafe/purchases.csv: 0 accepted, 10 duplicate, 0 conflicting, 0 rejected; 0 points awarded
",
        )
        .run()
        .args(["--lang", "fa", "import", "cafe"])
        .status(2)
        .stderr(
            "خطا: چیزی برای وارد کردن نیست\n  = راهنما: یک پروندهٔ رویداد بدهید، یا --members FILE، یا هر دو\n",
        )
        .run()
        .args(["--lang", "fa", "import", "cafe", "sales.txt"])
        .status(2)
        .stderr("خطا: قالب `sales.txt` معلوم نیست\n  = راهنما: نامش را .csv یا .jsonl بگذارید، یا --format csv|jsonl بدهید\n")
        .run()
        .args(["--lang", "fa", "import", "cafe", "sales.csv", "--profile", "pos"])
        .status(2)
        .stderr("خطا: باشگاه `cafe` پروفایل ورود به نام `pos` ندارد\n  = راهنما: پروفایل‌های ورود در club.yaml زیر `import: {profiles: {NAME: {columns: ...}}}` تعریف می‌شوند\n")
        .run();
}

#[test]
fn the_demo_in_persian_and_in_english() {
    let version = cafe_version();
    // The café's part of the shipped demo's output.
    let fixture = std::fs::read_to_string(repo().join("tests/fixtures/demo.txt")).unwrap();
    let english = fixture
        .split("== Zagros Sports")
        .next()
        .unwrap()
        .replace("{cafe}", &version);
    assert!(
        english.ends_with("bashgah member cafe <id>\n\n"),
        "{english}"
    );
    cafe_only()
        .args(["--lang", "fa", "demo"])
        .stdout(&format!(
            "\
== Café Naderi (cafe) — نسخهٔ قوانین {version}
examples/cafe/members.csv: ۴ عضو ساخته شد، ۰ به‌روز شد، ۰ رد شد
examples/cafe/purchases.csv: ۱۰ پذیرفته، ۰ تکراری، ۰ ناسازگار، ۰ رد شد؛ ۴۳۸ امتیاز داده شد
دفتر data/cafe.sqlite: اعضای برتر بر پایهٔ مانده
  M003                ۳۰۰ stars
  M001                 ۶۴ stars
  M002                 ۳۷ stars
  M004                 ۲۵ stars
  M005                 ۱۲ stars

عضو M003 (business) در Café Naderi
عضویت از ۱۴۰۳-۰۵-۱۰؛ ۲ رویداد، ۳۲۷٬۰۰۰ تومان خرید
مانده: ۳۰۰ stars (۳۰۰ قابل استفاده، ۰ در انتظار) در ۱۴۰۳-۱۱-۰۳
اعتبار: ۰ تومان
رو به انقضا: ۳۰۰ stars در ۱۴۰۴-۰۱-۰۱

کسب         بستهٔ          امتیاز     مانده  قابل خرج از  انقضا
۱۴۰۳-۱۰-۰۴  P1003 base       ۲۰۰       ۲۰۰  ۱۴۰۳-۱۰-۰۴  ۱۴۰۴-۰۱-۰۱
۱۴۰۳-۱۱-۰۲  P1008 base       ۱۰۰       ۱۰۰  ۱۴۰۳-۱۱-۰۲  ۱۴۰۴-۰۱-۰۱

تاریخ       رویداد  قانون    امتیاز  دلیل
۱۴۰۳-۱۰-۰۴  P1003   base       +۲۰۰  1 star per 10,000 IRR
۱۴۰۳-۱۱-۰۲  P1008   base       +۱۰۰  1 star per 10,000 IRR

هر عضو را با این فرمان ببینید: bashgah member cafe <id>

"
        ))
        .run();
    cafe_only().args(["demo"]).stdout(&english).run();
}

#[test]
fn the_clock_moves_in_persian() {
    cafe_imported()
        .args(["--lang", "fa", "advance", "cafe", "--to", "1404-01-02"])
        .stdout(
            "\
ساعت باشگاه به ۱۴۰۴-۰۱-۰۲ رسید: ۴۳۸ stars در ۵ انقضا منقضی شد، ۰ اعلان انقضای نزدیک
۵ پیام در صف ارسال گذاشته شد
",
        )
        .run()
        .args(["--lang", "fa", "advance", "cafe", "--to", "1403-12-01"])
        .status(2)
        .stderr("خطا: ساعت باشگاه هم‌اکنون در ۱۴۰۴-۰۱-۰۲ است؛ فقط رو به جلو می‌رود\n")
        .run()
        .args(["advance", "cafe", "--to", "1403-12-01"])
        .status(2)
        .stderr("error: the clock is already at 1404-01-02; it only moves forward\n")
        .run()
        .args(["--lang", "fa", "deliver", "cafe", "--at", "1404-01-02"])
        .stdout("۶ فرستاده شد، ۰ برای تلاش دوباره، ۰ ناموفق\n")
        .run()
        .args(["deliver", "cafe", "--at", "1404-01-02"])
        .stdout("0 sent, 0 to retry, 0 failed\n")
        .run();
}

#[test]
fn changes_by_hand_in_persian_and_a_redemption_refused() {
    cafe_imported()
        .args([
            "--lang",
            "fa",
            "redeem",
            "cafe",
            "M003",
            "free-coffee",
            "--id",
            "X1",
        ])
        .stdout("`M003` پاداش `free-coffee` را گرفت (X1)\n")
        .run()
        .args([
            "--lang",
            "fa",
            "redeem",
            "cafe",
            "M003",
            "free-coffee",
            "--id",
            "X1",
        ])
        .stdout("پیش‌تر با شناسهٔ `X1` ثبت شده است: چیزی تغییر نکرد\n")
        .run()
        // Why it is refused is the engine's sentence; the frame is the language's.
        .args(["--lang", "fa", "redeem", "cafe", "M005", "free-coffee"])
        .status(1)
        .stdout("")
        .stderr("خطا: member `M005` has 12 stars available, fewer than the 50 needed\n")
        .run()
        .args(["redeem", "cafe", "M005", "free-coffee"])
        .status(1)
        .stderr("error: member `M005` has 12 stars available, fewer than the 50 needed\n")
        .run()
        .args([
            "--lang", "fa", "adjust", "cafe", "M003", "-20", "--reason", "oops", "--id", "A1",
        ])
        .stdout("۲۰ stars از `M003` کم شد (A1)\n")
        .run()
        .args([
            "--lang", "fa", "adjust", "cafe", "M003", "1000", "--reason", "gift", "--id", "A2",
        ])
        .stdout("۱۰۰۰ stars به `M003` افزوده شد (A2)\n")
        .run()
        .args([
            "--lang", "fa", "convert", "cafe", "M003", "100", "--id", "C1",
        ])
        .stdout("۱۰۰ stars از `M003` به اعتبار تبدیل شد (C1)\n")
        .run()
        .args([
            "--lang", "fa", "cancel", "cafe", "M003", "X1", "--reason", "mistake",
        ])
        .stdout("دریافت پاداش `X1` از سوی `M003` لغو شد (cancel:X1)\n")
        .run()
        .args(["redeem", "cafe", "M003", "free-coffee", "--id", "X1"])
        .stdout("already recorded as `X1`: nothing changed\n")
        .run();
}

#[test]
fn a_new_club_in_persian() {
    Test::new()
        .args(["--lang", "fa", "init", "policies/my-cafe", "--template", "cafe"])
        .stdout(
            "\
باشگاه `my-cafe` در policies/my-cafe از روی قالب `cafe` ساخته شد (ستاره برای هر خرید، دو برابر در ماه تولد، پاداش‌ها، اعتبار و پیام‌ها)
گام بعد: bashgah check policies/my-cafe && bashgah test policies/my-cafe
روی نمونه‌ها امتحانش کنید: bashgah import my-cafe policies/my-cafe/samples/purchases.csv --members policies/my-cafe/samples/members.csv
",
        )
        .run()
        .args(["--lang", "fa", "init", "policies/my-cafe", "--template", "cafe"])
        .status(2)
        .stderr("خطا: `policies/my-cafe` از پیش هست و خالی نیست\n")
        .run()
        .args(["--lang", "fa", "init", "policies/new", "--template", "cafee"])
        .status(2)
        .stderr("خطا: قالبی به نام `cafee` نیست\n  = راهنما: منظورتان `cafe` بود؟\n")
        .run()
        .args(["--lang", "fa", "init", "policies/new", "--template", "bakery"])
        .status(2)
        .stderr(
            "\
خطا: قالبی به نام `bakery` نیست
  = راهنما: `cafe`: ستاره برای هر خرید، دو برابر در ماه تولد، پاداش‌ها، اعتبار و پیام‌ها
  = راهنما: `retailer`: سطح‌های برنز، نقره، طلا و پلاتین، دسترسی زودهنگام برای طلا و پلاتین
  = راهنما: `wholesale`: شرکت‌ها بر پایهٔ حجم خرید پیش از مالیات امتیاز می‌گیرند؛ شعبه‌ها امتیازشان را با انتقال یک‌جا می‌کنند
  = راهنما: `commitment`: تعهد خرید ماهانه با امتیاز بیشتر و جایزهٔ پایان قرارداد
",
        )
        .run()
        .args(["init", "policies/new", "--template", "bakery"])
        .status(2)
        .stderr(
            "\
error: no template `bakery`
  = help: `cafe`: stars per purchase, double in the birthday month, rewards, credit and messages
  = help: `retailer`: bronze, silver, gold and platinum tiers, early access for gold and platinum
  = help: `wholesale`: companies earn on volume before tax; branches pool points with transfers
  = help: `commitment`: a monthly spend commitment with extra points and a completion bonus
",
        )
        .run()
        // The new club is a club: a misspelt name is answered in Persian too.
        .args(["--lang", "fa", "member", "my-cafee", "M1"])
        .status(2)
        .stderr("خطا: باشگاهی به نام `my-cafee` در `policies` نیست\n  = راهنما: منظورتان `my-cafe` بود؟\n")
        .run();
}

#[test]
fn an_export_and_a_migration_in_persian() {
    let test = cafe_imported()
        .args([
            "--lang",
            "fa",
            "export",
            "cafe",
            "members",
            "--output",
            "members.csv",
        ])
        .stderr("۵ عضو در members.csv صادر شد\n")
        .run()
        .args([
            "--lang",
            "fa",
            "migrate",
            "cafe",
            "--to",
            "data/cafe.sqlite",
        ])
        .status(2)
        .stderr("خطا: --to خودِ همین دفتر را نام می‌برد (`data/cafe.sqlite`)\n")
        .run();
    let output = super::harness::bashgah(
        &test.path(),
        &[
            "--lang".into(),
            "fa".into(),
            "migrate".into(),
            "cafe".into(),
            "--to".into(),
            "copy.sqlite".into(),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("دفتر باشگاه `cafe` از data/cafe.sqlite به copy.sqlite رونوشت شد")
    );
    assert!(
        lines.contains(&"  members                       ۵ سطر"),
        "{stdout}"
    );
    assert_eq!(
        lines.last().copied(),
        Some("بررسی شد: ۵ عضو، ۱۳ رویداد و ۱۳ سند، با همهٔ بسته‌ها، مصرف‌ها، تغییرهای سطح، قراردادها، پیام‌ها و مانده‌ها، در هر دو یکسان‌اند")
    );
}
