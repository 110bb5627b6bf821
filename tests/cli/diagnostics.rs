//! Problems in club files: each reported with file, line, column, the line and a caret.

use crate::cli::harness::Test;
use crate::cli::{shop, SHOP_RHAI, SHOP_YAML};

#[test]
fn yaml_syntax_error() {
    Test::new()
        .file(
            "policies/shop/club.yaml",
            "id: shop\nname: [Corner Shop\ncurrency: EUR\n",
        )
        .file("policies/shop/earn.rhai", SHOP_RHAI)
        .args(["check"])
        .stderr(
            "\
error: invalid YAML: illegal placement of ':' indicator
 --> policies/shop/club.yaml:3:9
  |
3 | currency: EUR
  |         ^
  = help: check the indentation and that every `key: value` pair has its colon

",
        )
        .stdout("FAILED  shop (1 error)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn unknown_keys_each_with_a_suggestion_and_the_problems_after_them() {
    Test::new()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Corner Shop
currency: EUR
calender: gregorian
timezone: Europe/Pariss
rules:
  - id: base
    function: base_point
tiers:
  - id: silver
    tresholds: {individual: 100}
",
        )
        .file("policies/shop/earn.rhai", SHOP_RHAI)
        .args(["check"])
        .stderr(
            "\
error: unknown key `calender`
 --> policies/shop/club.yaml:4:1
  |
4 | calender: gregorian
  | ^^^^^^^^
  = help: did you mean `calendar`?

error: unknown key `tresholds`
  --> policies/shop/club.yaml:11:5
   |
11 |     tresholds: {individual: 100}
   |     ^^^^^^^^^
   = help: did you mean `thresholds`?

error: unknown timezone `Europe/Pariss`
 --> policies/shop/club.yaml:5:11
  |
5 | timezone: Europe/Pariss
  |           ^^^^^^^^^^^^^
  = help: did you mean `Europe/Paris`?

error: rule `base` names function `base_point`, which no script defines
 --> policies/shop/club.yaml:8:15
  |
8 |     function: base_point
  |               ^^^^^^^^^^
  = help: did you mean `base_points`?

",
        )
        .stdout("FAILED  shop (4 errors)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn a_bad_choice_gets_the_valid_ones_and_the_nearest() {
    shop()
        .file(
            "policies/shop/club.yaml",
            "id: shop\nname: Corner Shop\ncurrency: EUR\npoints:\n  rounding: half_upp\nrules: []\n",
        )
        .args(["check"])
        .stderr(
            "\
error: `half_upp` is not one of `floor`, `ceil`, `half_up`, `half_even`, `truncate`
 --> policies/shop/club.yaml:5:13
  |
5 |   rounding: half_upp
  |             ^^^^^^^^
  = help: did you mean `half_up`?

",
        )
        .status(1)
        .run();
}

#[test]
fn rhai_syntax_error() {
    shop()
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) {\n    let points = event.amount / 1000;\n    points +\n}\n",
        )
        .args(["check"])
        .stderr(
            "\
error: in a Rhai script: Unexpected '}'
 --> policies/shop/earn.rhai:4:1
  |
4 | }
  | ^

",
        )
        .stdout("FAILED  shop (1 error)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn misspelt_variable_is_caught_before_any_event() {
    shop()
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) {\n    evnt.amount / 1000\n}\n",
        )
        .args(["check"])
        .stderr(
            "\
error: in a Rhai script: Undefined variable: evnt
 --> policies/shop/earn.rhai:2:5
  |
2 |     evnt.amount / 1000
  |     ^

",
        )
        .status(1)
        .run();
}

#[test]
fn rule_function_with_wrong_parameters() {
    shop()
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event) {\n    event.amount / 1000\n}\n",
        )
        .args(["check"])
        .stderr(
            "\
error: function `base_points` takes 1 parameters, but rule `base` calls it with 2
 --> policies/shop/club.yaml:7:15
  |
7 |     function: base_points
  |               ^^^^^^^^^^^
  = help: declare it as `fn base_points(event, member)`

",
        )
        .status(1)
        .run();
}

#[test]
fn check_passes_and_json_lists_the_version() {
    let test = shop().args(["check"]).run();
    let output = crate::cli::harness::bashgah(&test.path(), &["check".into(), "--json".into()]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json[0]["club"], "shop");
    assert_eq!(json[0]["ok"], true);
    assert_eq!(json[0]["rules"], 1);
    assert_eq!(json[0]["policy_version"].as_str().unwrap().len(), 12);
}

#[test]
fn unknown_club_suggests_the_near_one() {
    shop()
        .args(["member", "shp", "M1"])
        .stderr("error: no club `shp` in `policies`\n  = help: did you mean `shop`?\n")
        .status(2)
        .run();
}

#[test]
fn rewards_and_expiry_are_checked_with_positions() {
    shop()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Corner Shop
currency: EUR
calendar: jalali
points:
  expiry: {round_to: month}
rules:
  - {id: base, function: base_points}
rewards:
  - id: mug
    cost: 0
    kind: gift
    member_types: [indvidual]
    valid_until: 1404-12-30
  - id: wallet
    cost: 10
    kind: credit
",
        )
        .args(["check"])
        .stderr(
            "\
error: `round_to` needs `after`
 --> policies/shop/club.yaml:6:22
  |
6 |   expiry: {round_to: month}
  |                      ^^^^^
  = help: e.g. `after: 12m` and `round_to: month`; for the end of the period of earning use `end_of`

error: reward `mug` must cost more than 0 points
  --> policies/shop/club.yaml:11:11
   |
11 |     cost: 0
   |           ^

error: reward `mug` names unknown member type `indvidual`
  --> policies/shop/club.yaml:13:20
   |
13 |     member_types: [indvidual]
   |                    ^^^^^^^^^
   = help: did you mean `individual`?

error: 1404-12-30 is not a Jalali date: 1404 is not a leap year, so Esfand has 29 days
  --> policies/shop/club.yaml:14:18
   |
14 |     valid_until: 1404-12-30
   |                  ^^^^^^^^^^

error: reward `wallet` is credit but says no `credit:` amount
  --> policies/shop/club.yaml:17:11
   |
17 |     kind: credit
   |           ^^^^^^
   = help: add e.g. `credit: 100000`, the amount put in the member's wallet

",
        )
        .status(1)
        .run();
}

#[test]
fn tier_definitions_are_checked_with_positions() {
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
  - {id: gold, thresholds: {individual: 400, busines: 10}}
tiering:
  metric: function
  window: 12 months
rewards:
  - {id: lounge, cost: 10, kind: service, tiers: [glod]}
",
        )
        .args(["check"])
        .stderr(
            "\
error: tiering: `12 months` is not a tier window; use e.g. `12m`, `calendar_year`, `anniversary_year` or `lifetime`
  --> policies/shop/club.yaml:11:11
   |
11 |   window: 12 months
   |           ^^^^^^^^^

",
        )
        .status(1)
        .run()
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
  - {id: gold, thresholds: {individual: 400, busines: 10}}
tiering:
  metric: function
rewards:
  - {id: lounge, cost: 10, kind: service, tiers: [glod]}
",
        )
        .args(["check"])
        .stderr(
            "\
error: tier `gold` has a threshold for unknown member type `busines`
 --> policies/shop/club.yaml:8:46
  |
8 |   - {id: gold, thresholds: {individual: 400, busines: 10}}
  |                                              ^^^^^^^
  = help: did you mean `business`?

error: tier `gold` needs 400 for `individual`, not more than `silver` (500)
 --> policies/shop/club.yaml:8:41
  |
8 |   - {id: gold, thresholds: {individual: 400, busines: 10}}
  |                                         ^^^
  = help: tiers are listed from lowest to highest; each threshold must be larger than the one before

error: `metric: function` needs `tiering.function`
  --> policies/shop/club.yaml:10:11
   |
10 |   metric: function
   |           ^^^^^^^^
   = help: name a Rhai `fn score(member, window)` that returns a number

error: reward `lounge` names unknown tier `glod`
  --> policies/shop/club.yaml:12:51
   |
12 |   - {id: lounge, cost: 10, kind: service, tiers: [glod]}
   |                                                   ^^^^
   = help: did you mean `gold`?

",
        )
        .status(1)
        .run();
}

#[test]
fn deal_definitions_are_checked_with_positions() {
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
  - {id: silver, thresholds: {individual: 0}}
  - {id: gold, thresholds: {individual: 500}}
deals:
  - id: monthly
    period: quarter
    window: 2m
    target: kept_it
    benefits: {tier: glod}
",
        )
        .args(["check"])
        .stderr(
            "\
error: deal `monthly` lasts 2m, less than one quarter period
  --> policies/shop/club.yaml:12:13
   |
12 |     window: 2m
   |             ^^
   = help: make the window at least one period long, or use a shorter `period`

error: deal `monthly` names unknown tier `glod`
  --> policies/shop/club.yaml:14:22
   |
14 |     benefits: {tier: glod}
   |                      ^^^^
   = help: did you mean `gold`?

error: deal `monthly` names function `kept_it`, which no script defines
  --> policies/shop/club.yaml:13:13
   |
13 |     target: kept_it
   |             ^^^^^^^
   = help: define `fn kept_it(member, period) { ... }` in a .rhai file next to club.yaml

",
        )
        .status(1)
        .run();
}

const CAMPAIGN_CLUB: &str = "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - id: base
    function: base_points
tiers:
  - {id: gold, thresholds: {individual: 0}}
campaigns:
  - id: spring
    from: 2025-03-01
    to: 2025-02-30
    rules: [bsae]
    segment: {tiers: [glod]}
    budget: {money: 1000}
";

#[test]
fn a_campaign_names_what_the_club_has_and_real_dates() {
    shop()
        .file("policies/shop/club.yaml", CAMPAIGN_CLUB)
        .args(["check"])
        .stderr(
            "\
error: no rule `bsae` in this club
  --> policies/shop/club.yaml:14:13
   |
14 |     rules: [bsae]
   |             ^^^^
   = help: did you mean `base`?

error: no tier `glod` in this club
  --> policies/shop/club.yaml:15:23
   |
15 |     segment: {tiers: [glod]}
   |                       ^^^^
   = help: did you mean `gold`?

error: a budget in money needs `credit.rate`, what a point is worth
  --> policies/shop/club.yaml:16:21
   |
16 |     budget: {money: 1000}
   |                     ^^^^
   = help: add `credit: {rate: 1000}` (1 point = 1,000), or give the budget in `points`

",
        )
        .stdout("FAILED  shop (3 errors)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
    let fixed = CAMPAIGN_CLUB
        .replace("[bsae]", "[base]")
        .replace("[glod]", "[gold]")
        .replace("{money: 1000}", "{points: 1000}");
    shop()
        .file("policies/shop/club.yaml", &fixed)
        .args(["check"])
        .stderr(
            "\
error: campaign `spring`: 2025-02-30 is not a date
  --> policies/shop/club.yaml:13:9
   |
13 |     to: 2025-02-30
   |         ^^^^^^^^^^

",
        )
        .stdout("FAILED  shop (1 error)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

/// A file channel writes inside the data folder only: a club file cannot make the host
/// process append to `../../home/user/.bashrc` or `/etc/cron.d/x` (issue 13).
#[test]
fn a_file_channel_path_must_stay_inside_the_data_folder() {
    Test::new()
        .file(
            "policies/shop/club.yaml",
            &format!(
                "{SHOP_YAML}\
messages:
  language: en
  channels:
    - {{id: sms, kind: file, path: ../../outside.jsonl}}
    - {{id: email, kind: file, path: /tmp/outside.jsonl}}
    - {{id: push, kind: file, path: messages/./push.jsonl}}
"
            ),
        )
        .file("policies/shop/earn.rhai", SHOP_RHAI)
        .args(["check"])
        .stderr(
            "\
error: `../../outside.jsonl` is not a file inside the data folder: write a relative path without `..`, e.g. `messages/sms.jsonl`
  --> policies/shop/club.yaml:12:35
   |
12 |     - {id: sms, kind: file, path: ../../outside.jsonl}
   |                                   ^^^^^^^^^^^^^^^^^^^

error: `/tmp/outside.jsonl` is not a file inside the data folder: write a relative path without `..`, e.g. `messages/sms.jsonl`
  --> policies/shop/club.yaml:13:37
   |
13 |     - {id: email, kind: file, path: /tmp/outside.jsonl}
   |                                     ^^^^^^^^^^^^^^^^^^

",
        )
        .stdout("FAILED  shop (2 errors)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn reload_settings_are_checked_where_they_are_written() {
    Test::new()
        .file(
            "policies/shop/club.yaml",
            &format!(
                "{}reload:\n  canary_events: 2000000\n  max_change: twenty\n",
                SHOP_YAML
            ),
        )
        .file("policies/shop/earn.rhai", SHOP_RHAI)
        .args(["check"])
        .stderr(
            "\
error: 2000000 events is more than a reload can try (at most 1,000,000)
  --> policies/shop/club.yaml:10:18
   |
10 |   canary_events: 2000000
   |                  ^^^^^^^

error: `twenty` is not a percentage
  --> policies/shop/club.yaml:11:15
   |
11 |   max_change: twenty
   |               ^^^^^^
   = help: write a percentage above 0, e.g. `20%`

",
        )
        .stdout("FAILED  shop (2 errors)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

/// Issue 17: a code's basket rules are refused at their line where they cannot hold.
#[test]
fn basket_rules_are_checked_with_positions() {
    shop()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Corner Shop
currency: EUR
rules:
  - {id: base, function: base_points}
rewards:
  - id: mug
    cost: 10
    kind: gift
    minimum_basket: 100
  - id: off
    cost: 10
    kind: discount_code
    discount: {percent: 120}
  - id: both
    cost: 10
    kind: discount_code
    discount: {percent: 10, amount: 5}
",
        )
        .args(["check"])
        .stderr(
            "\
error: reward `mug` issues no code: `minimum_basket` is for discount codes, gift cards and partner rewards
  --> policies/shop/club.yaml:10:21
   |
10 |     minimum_basket: 100
   |                     ^^^

error: 120 percent: write a number above 0, at most 100
  --> policies/shop/club.yaml:14:25
   |
14 |     discount: {percent: 120}
   |                         ^^^

error: a discount is a `percent` or an `amount`, not both
  --> policies/shop/club.yaml:18:15
   |
18 |     discount: {percent: 10, amount: 5}
   |               ^
   = help: e.g. `discount: {percent: 10, up_to: 200000}` or `discount: {amount: 50000}`

",
        )
        .status(1)
        .run();
}

/// Issue 19: a rule's description that names a number its code no longer has is flagged,
/// so statements do not go on saying the old rate. A warning: the club still loads.
#[test]
fn a_description_the_code_no_longer_matches_is_flagged() {
    let test = shop()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Corner Shop
currency: EUR
rules:
  - {id: base, function: base_points, description: \"1 point per 1,000 EUR\"}
  - {id: big, function: big_basket, description: \"5 points over 20,000 EUR\"}
",
        )
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) {\n    event.amount / 500\n}\n\nfn big_basket(event, member) {\n    if event.amount > 20_000 { 5 }\n}\n",
        );
    let id = crate::cli::harness::short_policy_id(&test.path().join("policies/shop"));
    test.args(["check"])
        .stderr(
            "\
warning: rule `base` is described as \"1 point per 1,000 EUR\", but its function `base_points` no longer has 1,000: members' statements would say what the code no longer does
 --> policies/shop/earn.rhai:1:1
  |
1 | fn base_points(event, member) {
  | ^
  = help: update the rule's `description` in club.yaml, or give the reason from the code: `award(points, \"...\")`

",
        )
        .stdout(&format!(
            "ok      shop (policy {}, 2 rules)\n1 club checked, 0 failed\n",
            id
        ))
        .run();
}
