//! Persian and English (issue 19) of what people read about their files, compared exactly
//! in both languages: see language.rs for how the language is chosen.

use super::harness::Test;

// --- The club file's problems (group C): club.yaml, its YAML, its meaning. ---

/// A café whose owner made four kinds of mistake at once: a text written as a number, a
/// misspelt key, a misspelt timezone, a tier for a member type that does not exist and a
/// tier below the one before it.
const CAFE_YAML: &str = "\
id: cafe
name: 1403
currency: IRR
timezone: Asia/Tehrn
member_types:
  - id: person
  - id: business
rules:
  - id: base
    function: base_points
tiers:
  - id: silver
    thresholds: {person: 1000}
  - id: gold
    thresholds: {person: 500, busines: 2000}
    multipler: 2
";

const CAFE_RHAI: &str = "\
fn base_points(event, member) {
    event.amount / 1000
}
";

/// Three clubs: the café above, one with a colon missing (a YAML syntax error), and one
/// whose `tiers` is a number.
fn three_clubs() -> Test {
    Test::new()
        .file("policies/cafe/club.yaml", CAFE_YAML)
        .file("policies/cafe/earn.rhai", CAFE_RHAI)
        .file(
            "policies/broken/club.yaml",
            "id: broken\nname: Broken\ncurrency IRR\nrules: []\n",
        )
        .file(
            "policies/bad/club.yaml",
            "id: bad\nname: Bad\ncurrency: EUR\nrules: []\ntiers: 3\n",
        )
}

#[test]
fn the_club_files_problems_in_persian() {
    three_clubs()
        .args(["--lang", "fa", "check"])
        .status(1)
        .stderr(
            "\
خطا: اینجا یک فهرست لازم است، نه عدد ۳
 --> policies/bad/club.yaml:5:8
  |
5 | tiers: 3
  |        ^

خطا: YAML نامعتبر: simple key expect ':'
 --> policies/broken/club.yaml:4:1
  |
4 | rules: []
  | ^
  = راهنما: تورفتگی‌ها را بررسی کنید و اینکه هر جفت `key: value` دونقطه‌اش را دارد

خطا: اینجا متن لازم است، نه عدد ۱۴۰۳
 --> policies/cafe/club.yaml:2:7
  |
2 | name: 1403
  |       ^^^^
  = راهنما: آن را در گیومه بنویسید تا متن شود: `\"1403\"`

خطا: کلید ناشناخته `multipler`
  --> policies/cafe/club.yaml:16:5
   |
16 |     multipler: 2
   |     ^^^^^^^^^
   = راهنما: منظورتان `multiplier` بود؟

خطا: منطقهٔ زمانی ناشناخته `Asia/Tehrn`
 --> policies/cafe/club.yaml:4:11
  |
4 | timezone: Asia/Tehrn
  |           ^^^^^^^^^^
  = راهنما: منظورتان `Asia/Tehran` بود؟

خطا: سطح `gold` آستانه‌ای برای نوع عضو ناشناختهٔ `busines` دارد
  --> policies/cafe/club.yaml:15:31
   |
15 |     thresholds: {person: 500, busines: 2000}
   |                               ^^^^^^^
   = راهنما: منظورتان `business` بود؟

خطا: سطح `gold` برای `person` آستانهٔ ۵۰۰ دارد، که بیشتر از آستانهٔ `silver` (۱۰۰۰) نیست
  --> policies/cafe/club.yaml:15:26
   |
15 |     thresholds: {person: 500, busines: 2000}
   |                          ^^^
   = راهنما: سطح‌ها از پایین‌ترین تا بالاترین فهرست می‌شوند؛ آستانهٔ هر سطح باید از سطح پیش از آن بیشتر باشد

",
        )
        .stdout(
            "\
نادرست bad (۱ خطا)
نادرست broken (۱ خطا)
نادرست cafe (۵ خطا)
۳ باشگاه بررسی شد، ۳ نادرست
",
        )
        .run();
}

#[test]
fn the_club_files_problems_in_english() {
    three_clubs()
        .args(["--lang", "en", "check"])
        .status(1)
        .stderr(
            "\
error: expected a list, found the number 3
 --> policies/bad/club.yaml:5:8
  |
5 | tiers: 3
  |        ^

error: invalid YAML: simple key expect ':'
 --> policies/broken/club.yaml:4:1
  |
4 | rules: []
  | ^
  = help: check the indentation and that every `key: value` pair has its colon

error: expected text, found the number 1403
 --> policies/cafe/club.yaml:2:7
  |
2 | name: 1403
  |       ^^^^
  = help: write it in quotes to make it text: `\"1403\"`

error: unknown key `multipler`
  --> policies/cafe/club.yaml:16:5
   |
16 |     multipler: 2
   |     ^^^^^^^^^
   = help: did you mean `multiplier`?

error: unknown timezone `Asia/Tehrn`
 --> policies/cafe/club.yaml:4:11
  |
4 | timezone: Asia/Tehrn
  |           ^^^^^^^^^^
  = help: did you mean `Asia/Tehran`?

error: tier `gold` has a threshold for unknown member type `busines`
  --> policies/cafe/club.yaml:15:31
   |
15 |     thresholds: {person: 500, busines: 2000}
   |                               ^^^^^^^
   = help: did you mean `business`?

error: tier `gold` needs 500 for `person`, not more than `silver` (1000)
  --> policies/cafe/club.yaml:15:26
   |
15 |     thresholds: {person: 500, busines: 2000}
   |                          ^^^
   = help: tiers are listed from lowest to highest; each threshold must be larger than the one before

",
        )
        .stdout(
            "\
FAILED  bad (1 error)
FAILED  broken (1 error)
FAILED  cafe (5 errors)
3 clubs checked, 3 failed
",
        )
        .run();
}

/// A shop whose owner got its meaning wrong in many places (every value has the right
/// type, so every check runs), and a club file with nothing in it yet.
const SHOP_YAML: &str = "\
id: shop
name: Corner Shop
currency: euro
rules:
  - {id: base, function: base_points}
rewards:
  - {id: mug, cost: 0, kind: gift, member_types: [indivdual]}
deals:
  - id: monthly
    period: month
    periods: 4000000000
    target: kept
    completion: {tier: silver, tier_months: 1201}
webhooks:
  - {id: crm, url: ftp://crm.example, secret: s3cr3t}
campaigns:
  - {id: yalda, from: 2025-12-01, to: 2025-12-31, rules: [bsae], budget: {money: 1000}}
";

fn a_shop_and_an_empty_club() -> Test {
    Test::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) {\n    event.amount / 1000\n}\n\nfn kept(member, period) {\n    true\n}\n",
        )
        .file("policies/empty/club.yaml", "# nothing yet\n")
}

#[test]
fn what_a_club_means_in_persian_and_in_english() {
    a_shop_and_an_empty_club()
        .args(["--lang", "fa", "check"])
        .status(1)
        .stderr(
            "\
خطا: پروندهٔ باشگاه خالی است
 --> policies/empty/club.yaml
  = راهنما: برای شروع از یک باشگاه کارا، policies/cafe/club.yaml را رونوشت کنید

خطا: `ftp://crm.example` نشانی http:// یا https:// نیست
  --> policies/shop/club.yaml:15:20
   |
15 |   - {id: crm, url: ftp://crm.example, secret: s3cr3t}
   |                    ^^^^^^^^^^^^^^^^^

خطا: رمز وب‌هوک نام یک متغیر محیطی است که به شکل `${NAME}` نوشته می‌شود
  --> policies/shop/club.yaml:15:47
   |
15 |   - {id: crm, url: ftp://crm.example, secret: s3cr3t}
   |                                               ^^^^^^
   = راهنما: خود رمز را بیرون از پرونده‌های باشگاه نگه دارید: `secret: \"${CRM_WEBHOOK_SECRET}\"`

خطا: واحد پول `euro` کدی سه‌حرفی نیست
 --> policies/shop/club.yaml:3:11
  |
3 | currency: euro
  |           ^^^^
  = راهنما: مثلاً `IRR` برای ریال یا `IRT` برای تومان

خطا: هزینهٔ پاداش `mug` باید بیش از ۰ امتیاز باشد
 --> policies/shop/club.yaml:7:21
  |
7 |   - {id: mug, cost: 0, kind: gift, member_types: [indivdual]}
  |                     ^

خطا: پاداش `mug` از نوع عضو ناشناختهٔ `indivdual` نام می‌برد
 --> policies/shop/club.yaml:7:51
  |
7 |   - {id: mug, cost: 0, kind: gift, member_types: [indivdual]}
  |                                                   ^^^^^^^^^
  = راهنما: منظورتان `individual` بود؟

خطا: قرارداد `monthly` ۴۰۰۰۰۰۰۰۰۰ ماه طول می‌کشد، بیش از ۱۰۰ سال، بلندترین مدتی که bashgah می‌پذیرد
  --> policies/shop/club.yaml:11:14
   |
11 |     periods: 4000000000
   |              ^^^^^^^^^^
   = راهنما: حداکثر `periods: 1200` بنویسید

خطا: قرارداد `monthly` از سطح ناشناختهٔ `silver` نام می‌برد
  --> policies/shop/club.yaml:13:24
   |
13 |     completion: {tier: silver, tier_months: 1201}
   |                        ^^^^^^
   = راهنما: باشگاه هیچ `tiers` تعریف نکرده است

خطا: قرارداد `monthly` سطحش را ۱۲۰۱ ماه نگه می‌دارد، بیش از ۱۰۰ سال، بلندترین مدتی که bashgah می‌پذیرد
  --> policies/shop/club.yaml:13:45
   |
13 |     completion: {tier: silver, tier_months: 1201}
   |                                             ^^^^
   = راهنما: حداکثر `tier_months: 1200` بنویسید

خطا: قانونی به نام `bsae` در این باشگاه نیست
  --> policies/shop/club.yaml:17:59
   |
17 |   - {id: yalda, from: 2025-12-01, to: 2025-12-31, rules: [bsae], budget: {money: 1000}}
   |                                                           ^^^^
   = راهنما: منظورتان `base` بود؟

خطا: بودجهٔ پولی به `credit.rate` نیاز دارد، یعنی ارزش هر امتیاز
  --> policies/shop/club.yaml:17:82
   |
17 |   - {id: yalda, from: 2025-12-01, to: 2025-12-31, rules: [bsae], budget: {money: 1000}}
   |                                                                                  ^^^^
   = راهنما: `credit: {rate: 1000}` را بیفزایید (هر امتیاز = ۱٬۰۰۰)، یا بودجه را به `points` بدهید

",
        )
        .stdout("نادرست empty (۱ خطا)\nنادرست shop (۱۰ خطا)\n۲ باشگاه بررسی شد، ۲ نادرست\n")
        .run();
    a_shop_and_an_empty_club()
        .args(["check"])
        .status(1)
        .stderr(
            "\
error: the club file is empty
 --> policies/empty/club.yaml
  = help: copy policies/cafe/club.yaml to start from a working club

error: `ftp://crm.example` is not an http:// or https:// address
  --> policies/shop/club.yaml:15:20
   |
15 |   - {id: crm, url: ftp://crm.example, secret: s3cr3t}
   |                    ^^^^^^^^^^^^^^^^^

error: a webhook's secret is the name of an environment variable, written `${NAME}`
  --> policies/shop/club.yaml:15:47
   |
15 |   - {id: crm, url: ftp://crm.example, secret: s3cr3t}
   |                                               ^^^^^^
   = help: keep the secret itself out of the club's files: `secret: \"${CRM_WEBHOOK_SECRET}\"`

error: currency `euro` is not a three-letter code
 --> policies/shop/club.yaml:3:11
  |
3 | currency: euro
  |           ^^^^
  = help: use e.g. `IRR` for Rial or `IRT` for Toman

error: reward `mug` must cost more than 0 points
 --> policies/shop/club.yaml:7:21
  |
7 |   - {id: mug, cost: 0, kind: gift, member_types: [indivdual]}
  |                     ^

error: reward `mug` names unknown member type `indivdual`
 --> policies/shop/club.yaml:7:51
  |
7 |   - {id: mug, cost: 0, kind: gift, member_types: [indivdual]}
  |                                                   ^^^^^^^^^
  = help: did you mean `individual`?

error: deal `monthly` lasts 4000000000 months, longer than 100 years, the longest length of time bashgah accepts
  --> policies/shop/club.yaml:11:14
   |
11 |     periods: 4000000000
   |              ^^^^^^^^^^
   = help: write at most `periods: 1200`

error: deal `monthly` names unknown tier `silver`
  --> policies/shop/club.yaml:13:24
   |
13 |     completion: {tier: silver, tier_months: 1201}
   |                        ^^^^^^
   = help: the club defines no `tiers`

error: deal `monthly` keeps its tier for 1201 months, longer than 100 years, the longest length of time bashgah accepts
  --> policies/shop/club.yaml:13:45
   |
13 |     completion: {tier: silver, tier_months: 1201}
   |                                             ^^^^
   = help: write at most `tier_months: 1200`

error: no rule `bsae` in this club
  --> policies/shop/club.yaml:17:59
   |
17 |   - {id: yalda, from: 2025-12-01, to: 2025-12-31, rules: [bsae], budget: {money: 1000}}
   |                                                           ^^^^
   = help: did you mean `base`?

error: a budget in money needs `credit.rate`, what a point is worth
  --> policies/shop/club.yaml:17:82
   |
17 |   - {id: yalda, from: 2025-12-01, to: 2025-12-31, rules: [bsae], budget: {money: 1000}}
   |                                                                                  ^^^^
   = help: add `credit: {rate: 1000}` (1 point = 1,000), or give the budget in `points`

",
        )
        .stdout("FAILED  empty (1 error)\nFAILED  shop (10 errors)\n2 clubs checked, 2 failed\n")
        .run();
}

// --- End of the club file's problems (group C). ---
