//! Issue 11, "arithmetic that panics": no length of time or date a user writes may panic
//! or overflow. Spans longer than 100 years are refused by `check`, with their position;
//! dates outside the years 1000–9000 are refused where they enter (an import row, an
//! argument), and the rest of the work goes on.

use crate::{shop, SHOP_RHAI};

/// The shop club with `points` set to `points` (a YAML block indented by two spaces).
fn shop_with_points(points: &str) -> crate::harness::Test {
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
        .stdout("FAILED  shop (1 error)\n1 clubs checked, 1 failed\n")
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
        .stdout("FAILED  shop (3 errors)\n1 clubs checked, 1 failed\n")
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
        .stdout("members.csv: 1 members created, 0 updated, 1 rejected\n")
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
            "id,member,date,amount\nP1,M1,1000-01-01T00:00:00+23:59,5000\n",
        )
        .file(
            "last.csv",
            "id,member,date,amount\nP2,M2,9000-12-31T23:59:59-23:59,7000\n",
        )
        .args(["import", "shop", "first.csv"])
        .stdout("first.csv: 1 accepted, 0 duplicate, 0 conflicting, 0 rejected; 5 points awarded\n")
        .run()
        .args(["advance", "shop", "--to", "9000-12-31T23:59:59-23:59"])
        .stdout("clock at 8379-10-13: 5 points expired in 1 expiries, 0 expiring-soon notices\n8001 tier reviews: 0 up, 1 down\n")
        .run()
        .args(["import", "shop", "last.csv"])
        .stdout("last.csv: 1 accepted, 0 duplicate, 0 conflicting, 0 rejected; 7 points awarded\n")
        .run()
        .args(["member", "shop", "M1"])
        .stdout(
            "\
member M1 (individual) in Corner Shop
joined 0378-10-10; 1 events, 5,000 EUR spent
balance: 0 points (0 available, 0 pending) on 8379-10-13
tier: bronze since 0479-01-01

tier changes
0378-10-10  - -> silver  5,000 EUR spent over 1200m reaches silver
0479-01-01  silver -> bronze  review: 0 EUR spent over 1200m qualifies for bronze

date        event                           rule      points  reason
0378-10-10  P1                              base          +5  1 point per 1,000
0479-01-01  expiry:M1:1100-03-20T20:34:16Z  expiry        -5  5 expired (expiry date reached), earned 0378-10-10
",
        )
        .run()
        .args(["member", "shop", "M2"])
        .stdout(
            "\
member M2 (individual) in Corner Shop
joined 8379-10-13; 1 events, 7,000 EUR spent
balance: 7 points (0 available, 7 pending) on 8379-10-13
tier: silver since 8379-10-13
expiring: 7 points on 8480-01-01

earned      lot of     points      left  spendable   expires
8379-10-13  P2 base         7         7  8479-09-18  8480-01-01

tier changes
8379-10-13  - -> silver  7,000 EUR spent over 1200m reaches silver

date        event  rule    points  reason
8379-10-13  P2     base        +7  1 point per 1,000
",
        )
        .run();
}
