//! Issue 11, "arithmetic that panics": no length of time, date or number a user writes may
//! panic or overflow. Spans longer than 100 years are refused by `check`, with their
//! position; dates outside the years 1000–9000 and amounts past the largest (10^18) are
//! refused where they enter (an import row, an argument); points past the largest fail
//! their event; and the rest of the work goes on.

use crate::cli::{shop, SHOP_RHAI};

/// The shop club with `points` set to `points` (a YAML block indented by two spaces).
fn shop_with_points(points: &str) -> crate::cli::harness::Test {
    shop().file(
        "policies/shop/club.yaml",
        &format!(
            "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
points:
{points}rules:
  - id: base
    function: base_points
    description: 1 point per 1,000
"
        ),
    )
}

#[test]
fn issue_11_an_expiry_span_too_long_is_located_by_check() {
    shop_with_points("  expiry: {after: 99999999d}\n")
        .args(["check"])
        .stderr(
            "\
error: points.expiry: `99999999d` is longer than 100 years, the longest length of time bashgah accepts; write at most `36500d`, `5214w`, `1200m` or `100y`
 --> policies/shop/club.yaml:6:19
  |
6 |   expiry: {after: 99999999d}
  |                   ^^^^^^^^^

",
        )
        .stdout("FAILED  shop (1 error)\n1 club checked, 1 failed\n")
        .status(1)
        .run()
        // Every command that loads the club refuses it the same way, before any row.
        .file("purchases.csv", "id,member,date,amount\nP1,M1,2025-01-15,5000\n")
        .args(["import", "shop", "purchases.csv"])
        .stderr(
            "\
error: points.expiry: `99999999d` is longer than 100 years, the longest length of time bashgah accepts; write at most `36500d`, `5214w`, `1200m` or `100y`
 --> policies/shop/club.yaml:6:19
  |
6 |   expiry: {after: 99999999d}
  |                   ^^^^^^^^^

error: club `shop` has 1 error and was not loaded
",
        )
        .stdout("")
        .status(2)
        .run();
}

#[test]
fn issue_11_weeks_that_overflowed_are_refused_not_wrapped() {
    // 999999999 × 7 does not fit 32 bits: it used to wrap round to a short span.
    shop_with_points("  pending: 999999999w\n")
        .args(["check"])
        .stderr(
            "\
error: points: `999999999w` is longer than 100 years, the longest length of time bashgah accepts; write at most `36500d`, `5214w`, `1200m` or `100y`
 --> policies/shop/club.yaml:6:12
  |
6 |   pending: 999999999w
  |            ^^^^^^^^^^

",
        )
        .status(1)
        .run();
}

#[test]
fn a_tier_window_too_long_says_so_rather_than_not_a_window() {
    shop()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Corner Shop
currency: EUR
rules:
  - {id: base, function: base_points}
tiers:
  - {id: silver, thresholds: {individual: 500}}
tiering:
  window: 101y
",
        )
        .args(["check"])
        .stderr(
            "\
error: tiering: `101y` is longer than 100 years, the longest length of time bashgah accepts; write at most `36500d`, `5214w`, `1200m` or `100y`
 --> policies/shop/club.yaml:9:11
  |
9 |   window: 101y
  |           ^^^^

",
        )
        .status(1)
        .run();
}

#[test]
fn counts_of_periods_months_and_days_are_bounded_like_spans() {
    shop()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Corner Shop
currency: EUR
rules:
  - {id: base, function: base_points}
tiers:
  - {id: silver, thresholds: {individual: 500}}
deals:
  - id: monthly
    period: month
    periods: 4000000000
    target: kept
    completion: {tier: silver, tier_months: 1201}
campaigns:
  - id: yalda
    from: 2025-12-01
    to: 2025-12-31
    rules: [base]
    early_access: {days: 36501, tiers: [silver]}
",
        )
        .file(
            "policies/shop/earn.rhai",
            &format!("{SHOP_RHAI}\nfn kept(member, period) {{\n    true\n}}\n"),
        )
        .args(["check"])
        .stderr(
            "\
error: deal `monthly` lasts 4000000000 months, longer than 100 years, the longest length of time bashgah accepts
  --> policies/shop/club.yaml:11:14
   |
11 |     periods: 4000000000
   |              ^^^^^^^^^^
   = help: write at most `periods: 1200`

error: deal `monthly` keeps its tier for 1201 months, longer than 100 years, the longest length of time bashgah accepts
  --> policies/shop/club.yaml:13:45
   |
13 |     completion: {tier: silver, tier_months: 1201}
   |                                             ^^^^
   = help: write at most `tier_months: 1200`

error: campaign `yalda` opens 36501 days early, longer than 100 years, the longest length of time bashgah accepts
  --> policies/shop/club.yaml:19:26
   |
19 |     early_access: {days: 36501, tiers: [silver]}
   |                          ^^^^^
   = help: write at most `days: 36500`

",
        )
        .stdout("FAILED  shop (3 errors)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn issue_11_a_row_in_year_10000_utc_is_rejected_and_the_rest_lands() {
    shop()
        .file(
            "purchases.csv",
            "\
id,member,date,amount
P1,M1,2025-01-15,5000
P2,M1,9999-12-31T23:59:59-23:59,7000
P3,M2,2025-01-16T10:00:00Z,3000
P4,M2,9001-01-01,3000
P5,M2,9000-12-31T23:59:59-23:59,2000
",
        )
        .args(["import", "shop", "purchases.csv"])
        .stderr(
            "\
rejected: purchases.csv:3: column `date`: `9999-12-31T23:59:59-23:59` is outside the dates bashgah accepts (years 1000–9000)
rejected: purchases.csv:5: column `date`: `9001-01-01` is outside the dates bashgah accepts (years 1000–9000)
",
        )
        .stdout("purchases.csv: 3 accepted, 0 duplicate, 0 conflicting, 2 rejected; 10 points awarded\n")
        .status(1)
        .run()
        .file(
            "events.jsonl",
            "{\"id\": \"J1\", \"member\": \"M3\", \"date\": \"9999-12-31T23:59:59-23:59\", \"amount\": \"1000\"}\n\
             {\"id\": \"J2\", \"member\": \"M3\", \"date\": \"2025-02-01\", \"amount\": \"4000\"}\n",
        )
        .args(["import", "shop", "events.jsonl"])
        .stderr("rejected: events.jsonl:1: column `date`: `9999-12-31T23:59:59-23:59` is outside the dates bashgah accepts (years 1000–9000)\n")
        .stdout("events.jsonl: 1 accepted, 0 duplicate, 0 conflicting, 1 rejected; 4 points awarded\n")
        .status(1)
        .run();
}

#[test]
fn members_dates_and_clock_arguments_outside_the_accepted_years_are_refused() {
    shop()
        .file(
            "members.csv",
            "id,birthday,joined\nM1,1990-05-04,2024-01-01\nM2,9999-05-04,2024-01-01\n",
        )
        .file("purchases.csv", "id,member,date,amount\nP1,M1,2025-01-15,5000\n")
        .args(["import", "shop", "--members", "members.csv"])
        .stderr("rejected: members.csv:3: column `birthday`: `9999-05-04` is outside the dates bashgah accepts (years 1000–9000)\n")
        .stdout("members.csv: 1 member created, 0 updated, 1 rejected\n")
        .status(1)
        .run()
        .args(["import", "shop", "purchases.csv"])
        .stdout("purchases.csv: 1 accepted, 0 duplicate, 0 conflicting, 0 rejected; 5 points awarded\n")
        .run()
        .args(["advance", "shop", "--to", "9999-12-31T23:59:59-23:59"])
        .stderr("error: --to: `9999-12-31T23:59:59-23:59` is outside the dates bashgah accepts (years 1000–9000)\n")
        .status(2)
        .run()
        .args(["member", "shop", "M1", "--at", "9001-01-01"])
        .stderr("error: --at: `9001-01-01` is outside the dates bashgah accepts (years 1000–9000)\n")
        .status(2)
        .run();
}

#[test]
fn the_longest_spans_from_the_first_and_last_accepted_days_in_a_jalali_club() {
    // Everything at its limit at once: a 100-year expiry, pending time, warning and tier
    // window from the earliest and the latest instants a user can write (with the widest
    // offsets), a clock moved across the whole range. The calendar counts it all.
    shop()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Corner Shop
currency: EUR
calendar: jalali
timezone: Asia/Tehran
points:
  pending: 36500d
  expiry: {after: 100y, round_to: year, warn_before: 5214w}
rules:
  - id: base
    function: base_points
    description: 1 point per 1,000
tiers:
  - {id: bronze, thresholds: {individual: 0}}
  - {id: silver, thresholds: {individual: 5000}}
tiering:
  window: 1200m
  review: year
",
        )
        .file(
            "first.csv",
            "id,member,date,amount\nP1,M1,0378-10-11T00:00:00+23:59,5000\n",
        )
        .file(
            "last.csv",
            "id,member,date,amount\nP2,M2,9000-12-31T23:59:59-23:59,7000\n",
        )
        .args(["import", "shop", "first.csv"])
        .stdout("first.csv: 1 accepted, 0 duplicate, 0 conflicting, 0 rejected; 5 points awarded\n")
        .run()
        .args(["advance", "shop", "--to", "9000-12-31T23:59:59-23:59"])
        .stdout("clock at 8379-10-13: 5 points expired in 1 expiry, 0 expiring-soon notices\n8,001 tier reviews: 0 up, 1 down\n")
        .run()
        .args(["import", "shop", "last.csv"])
        .stdout("last.csv: 1 accepted, 0 duplicate, 0 conflicting, 0 rejected; 7 points awarded\n")
        .run()
        .args(["member", "shop", "M1"])
        .stdout(
            "\
member M1 (individual) in Corner Shop
joined 0378-10-10; 1 event, 5,000 EUR spent
balance: 0 points (0 available, 0 pending) on 8379-10-13
tier: bronze since 0479-01-01

tier changes
0378-10-10  into silver  5,000 EUR spent over 1200m reaches silver
0479-01-01  silver -> bronze  review: 0 EUR spent over 1200m qualifies for bronze

date        event   rule      points  reason
0378-10-10  P1      base          +5  1 point per 1,000
0479-01-01  expiry  expiry        -5  5 expired (expiry date reached), earned 0378-10-10
",
        )
        .run()
        .args(["member", "shop", "M2"])
        .stdout(
            "\
member M2 (individual) in Corner Shop
joined 8379-10-13; 1 event, 7,000 EUR spent
balance: 7 points (0 available, 7 pending) on 8379-10-13
tier: silver since 8379-10-13
expiring: 7 points on 8480-01-01

earned      lot of     points      left  spendable   expires
8379-10-13  P2 base         7         7  8479-09-18  8480-01-01

tier changes
8379-10-13  into silver  7,000 EUR spent over 1200m reaches silver

date        event  rule    points  reason
8379-10-13  P2     base        +7  1 point per 1,000
",
        )
        .run();
}

/// Issue 11, item 11: an amount (or `credit_used`, or a line item's `qty` or `price`)
/// larger than 10^18 either way is refused at its row, naming the column — however it is
/// written: with separators, with more digits than a decimal holds, or as `1e30` — and
/// the rest of the file lands.
#[test]
fn issue_11_an_amount_past_the_largest_is_refused_at_its_row_and_the_rest_lands() {
    shop()
        .file(
            "purchases.csv",
            "\
id,member,date,amount,credit_used
P1,M1,2025-01-15,5000,
P2,M1,2025-01-16,\"1,000,000,000,000,000,001\",
P3,M2,2025-01-16,3000,
P4,M2,2025-01-17,1e30,
P5,M2,2025-01-18,2000,99999999999999999999999999999999
P6,M3,2025-01-19,\"1,000,000,000,000,000,000\",
",
        )
        .args(["import", "shop", "purchases.csv"])
        .stderr(
            "\
rejected: purchases.csv:3: column `amount`: `1,000,000,000,000,000,001` is more than the largest amount bashgah accepts (1,000,000,000,000,000,000)
rejected: purchases.csv:5: column `amount`: `1e30` is more than the largest amount bashgah accepts (1,000,000,000,000,000,000)
rejected: purchases.csv:6: column `credit_used`: `99999999999999999999999999999999` is more than the largest amount bashgah accepts (1,000,000,000,000,000,000)
",
        )
        .stdout("purchases.csv: 3 accepted, 0 duplicate, 0 conflicting, 3 rejected; 1,000,000,000,000,008 points awarded\n")
        .status(1)
        .run()
        .file(
            "events.jsonl",
            "{\"id\": \"J1\", \"member\": \"M4\", \"date\": \"2025-02-01\", \"amount\": 1e30}\n\
             {\"id\": \"J2\", \"member\": \"M4\", \"date\": \"2025-02-01\", \"amount\": \"5000\", \"items\": [{\"sku\": \"A\", \"qty\": 2, \"price\": \"-2000000000000000000\"}]}\n\
             {\"id\": \"J3\", \"member\": \"M4\", \"date\": \"2025-02-02\", \"amount\": 4000}\n",
        )
        .args(["import", "shop", "events.jsonl"])
        .stderr(
            "\
rejected: events.jsonl:1: column `amount`: `1e30` is more than the largest amount bashgah accepts (1,000,000,000,000,000,000)
rejected: events.jsonl:2: column `items`: item 1: `price`: `-2000000000000000000` is more than the largest amount bashgah accepts (1,000,000,000,000,000,000)
",
        )
        .stdout("events.jsonl: 1 accepted, 0 duplicate, 0 conflicting, 2 rejected; 4 points awarded\n")
        .status(1)
        .run();
}

/// The shop club with one rule, `fn base_points(event, member) { <body> }`.
fn shop_with_rule(body: &str) -> crate::cli::harness::Test {
    shop().file(
        "policies/shop/earn.rhai",
        &format!("fn base_points(event, member) {{\n{body}}}\n"),
    )
}

/// Issue 11, item 11: a rule that returns more points than one award may give fails
/// that one event, with the rule's position; the rest of the import goes on.
#[test]
fn issue_11_a_rule_returning_more_than_the_largest_award_fails_that_event_only() {
    let test = shop_with_rule("    event.amount * 1000000\n")
        .file(
            "purchases.csv",
            "id,member,date,amount\nP1,M1,2025-01-15,5\nP2,M1,2025-01-16,5000000000000\nP3,M2,2025-01-16,3\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .stderr(
            "\
rejected: purchases.csv:3: rule `base` returned 5000000000000000000 points, more than the 1,000,000,000,000,000,000 one award may give or take
 --> policies/shop/earn.rhai:1:1
  |
1 | fn base_points(event, member) {
  | ^
",
        )
        .stdout("purchases.csv: 2 accepted, 0 duplicate, 0 conflicting, 1 rejected; 8,000,000 points awarded\n")
        .status(1)
        .run();
    assert_eq!(
        entries(&test, "M1"),
        [("P1".to_owned(), "5000000".to_owned())],
        "nothing of P2 was written"
    );
}

/// Issue 11, item 11: two awards of the largest size for one member used to panic. Both
/// are accepted, and the balance is exactly their sum.
#[test]
fn issue_11_two_awards_of_the_largest_size_add_up_exactly() {
    let test = shop_with_rule("    1000000000000000000\n")
        .file(
            "purchases.csv",
            "id,member,date,amount\nP1,M1,2025-01-15,1\nP2,M1,2025-01-16,1\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .stderr("")
        .stdout("purchases.csv: 2 accepted, 0 duplicate, 0 conflicting, 0 rejected; 2,000,000,000,000,000,000 points awarded\n")
        .run();
    let member = member_json(&test, "M1");
    assert_eq!(member["member"]["balance"], "2000000000000000000");
    assert_eq!(member["balances"]["available"], "2000000000000000000");
    assert_eq!(
        entries(&test, "M1"),
        [
            ("P1".to_owned(), "1000000000000000000".to_owned()),
            ("P2".to_owned(), "1000000000000000000".to_owned())
        ]
    );
}

/// A club with deals `monthly` and `weekly` — each kept by 100 spent in its period —
/// whose `deal:` lines are `deal` (a YAML block indented by four spaces).
fn shop_with_deals(deal: &str) -> crate::cli::harness::Test {
    shop()
        .file(
            "policies/shop/club.yaml",
            &format!(
                "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - {{id: base, function: base_points, description: '1 point per 1,000'}}
deals:
  - id: monthly
    period: month
    periods: 1
    target: spent_100
{deal}  - id: weekly
    period: week
    periods: 1
    target: spent_100
{deal}"
            ),
        )
        .file(
            "policies/shop/earn.rhai",
            &format!("{SHOP_RHAI}\nfn spent_100(member, period) {{\n    period.spend >= 100\n}}\n"),
        )
}

/// Issue 11, item 11: numbers in `club.yaml` that no event's sums could hold — a bonus
/// of 5 × 10^28, a multiplier at the decimal's limit or out of range — are refused by
/// `check`, each where it is written (before, the engine panicked adding up two such
/// bonuses, and on such a multiplier).
#[test]
fn numbers_no_event_could_hold_are_refused_by_check() {
    shop_with_deals("    completion: {bonus: 50000000000000000000000000000}\n    benefits: {multiplier: 5000}\n")
        .args(["check"])
        .stderr(
            "\
error: `50000000000000000000000000000` is beyond the largest number bashgah accepts (±1,000,000,000,000,000,000)
  --> policies/shop/club.yaml:12:25
   |
12 |     completion: {bonus: 50000000000000000000000000000}
   |                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

error: `50000000000000000000000000000` is beyond the largest number bashgah accepts (±1,000,000,000,000,000,000)
  --> policies/shop/club.yaml:18:25
   |
18 |     completion: {bonus: 50000000000000000000000000000}
   |                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

error: deal `monthly` multiplies points by 5000; a multiplier is between 0 and 1000
  --> policies/shop/club.yaml:13:28
   |
13 |     benefits: {multiplier: 5000}
   |                            ^^^^
   = help: 1.5 gives half as many points again; 1 changes nothing

error: deal `weekly` multiplies points by 5000; a multiplier is between 0 and 1000
  --> policies/shop/club.yaml:19:28
   |
19 |     benefits: {multiplier: 5000}
   |                            ^^^^
   = help: 1.5 gives half as many points again; 1 changes nothing

",
        )
        .stdout("FAILED  shop (4 errors)\n1 club checked, 1 failed\n")
        .status(1)
        .run()
        .file(
            "policies/shop/club.yaml",
            "id: shop\nname: Corner Shop\ncurrency: EUR\ntimezone: UTC\nrules:\n  - {id: base, function: base_points}\ndeals:\n  - {id: monthly, period: month, periods: 1, target: spent_100, benefits: {multiplier: -79228162514264337593543950335}}\n",
        )
        .args(["check"])
        .stderr(
            "\
error: `-79228162514264337593543950335` is beyond the largest number bashgah accepts (±1,000,000,000,000,000,000)
 --> policies/shop/club.yaml:8:88
  |
8 |   - {id: monthly, period: month, periods: 1, target: spent_100, benefits: {multiplier: -79228162514264337593543950335}}
  |                                                                                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

",
        )
        .stdout("FAILED  shop (1 error)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

/// `bashgah member <club> <id> --json`, read.
fn member_json(test: &crate::cli::harness::Test, id: &str) -> serde_json::Value {
    let args = ["member", "shop", id, "--json"].map(str::to_owned);
    let output = crate::cli::harness::bashgah(&test.path(), &args);
    serde_json::from_slice(&output.stdout).expect("a member as JSON")
}

/// `(event, points)` of each of the member's entries.
fn entries(test: &crate::cli::harness::Test, id: &str) -> Vec<(String, String)> {
    member_json(test, id)["statement"]
        .as_array()
        .expect("a statement")
        .iter()
        .map(|line| {
            let text = |key: &str| line[key].as_str().unwrap_or_default().to_owned();
            (text("event"), text("points"))
        })
        .collect()
}
