//! What `check` can know before any event runs (issue 19): fields scripts read that do not
//! exist, the club's test files, and every name a user types, each with the nearest one.

use crate::cli::{shop, SHOP_YAML};

#[test]
fn check_refuses_fields_events_members_and_line_items_do_not_have() {
    shop()
        .file(
            "policies/shop/earn.rhai",
            "\
fn base_points(event, member) {
    let points = event.amount / 1000;
    if event.wekday == \"fri\" || member.stats.visits_3d > 2 {
        points += 1;
    }
    for item in event.items {
        if item.categry == \"tea\" { points += 1; }
    }
    if \"vip\" in member.attributes && member.attributes.vip == \"yes\" { points += 1; }
    points - event.tax
}
",
        )
        .args(["check"])
        .stderr(
            "\
error: in a Rhai script: `event` has no field `wekday`
 --> policies/shop/earn.rhai:3:14
  |
3 |     if event.wekday == \"fri\" || member.stats.visits_3d > 2 {
  |              ^^^^^^
  = help: did you mean `weekday`?

error: in a Rhai script: `member.stats` has no field `visits_3d`
 --> policies/shop/earn.rhai:3:46
  |
3 |     if event.wekday == \"fri\" || member.stats.visits_3d > 2 {
  |                                              ^^^^^^^^^
  = help: did you mean `visits_30d`?

error: in a Rhai script: `item` has no field `categry`
 --> policies/shop/earn.rhai:7:17
  |
7 |         if item.categry == \"tea\" { points += 1; }
  |                 ^^^^^^^
  = help: did you mean `category`?

error: in a Rhai script: `event` has no field `tax`
  --> policies/shop/earn.rhai:10:20
   |
10 |     points - event.tax
   |                    ^^^
   = help: a column bashgah has no meaning for is read as `event.attributes.tax`; the README's \"What scripts see\" lists the fields

",
        )
        .stdout("FAILED  shop (4 errors)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

/// A field `check` cannot see (read through a variable of the rule's own, not its
/// parameter) still fails with bashgah's words, the script's position and the nearest field.
const UNSEEN_TYPO: &str = "\
fn base_points(e, m) {
    let ev = e;
    if ev.wekday == \"fri\" { return 0; }
    ev.amount / 1000
}
";

#[test]
fn a_field_that_fails_at_run_time_is_named_with_its_position_in_a_policy_test() {
    shop()
        .file("policies/shop/earn.rhai", UNSEEN_TYPO)
        .file(
            "policies/shop/tests/earning.yaml",
            "\
- name: one point per 1,000
  when:
    - event: {id: P1, member: M1, date: 2024-01-01, amount: 5000}
  then:
    points: {P1: 5}
",
        )
        .args(["test"])
        .stdout(
            "\
shop: 1 case in policies/shop/tests
FAILED  one point per 1,000
  --> policies/shop/tests/earning.yaml:1
  step 1: rule `base` failed: `event` has no field `wekday` (policies/shop/earn.rhai:3:11); did you mean `weekday`?
  points of `P1`: expected 5, got 0
  no entries were written
uncovered rules: base
0 passed, 1 failed
",
        )
        .status(1)
        .run();
}

#[test]
fn import_says_an_identical_script_error_once_and_lists_the_other_rows() {
    let rows: String = (1..=8)
        .map(|n| format!("P{n},M1,2024-01-0{n},5000\n"))
        .collect();
    shop()
        .file("policies/shop/earn.rhai", UNSEEN_TYPO)
        .file("purchases.csv", &format!("id,member,date,amount\n{rows}"))
        .args(["import", "shop", "purchases.csv"])
        .stderr(
            "\
rejected: purchases.csv:2: rule `base` failed: `event` has no field `wekday`
 --> policies/shop/earn.rhai:3:11
  |
3 |     if ev.wekday == \"fri\" { return 0; }
  |           ^
  = help: did you mean `weekday`?
rejected: purchases.csv:3, 4, 5, 6, 7 and 2 more: the same as line 2
",
        )
        .stdout(
            "purchases.csv: 0 accepted, 0 duplicate, 0 conflicting, 8 rejected; 0 points awarded\n",
        )
        .status(1)
        .run();
}

#[test]
fn check_reads_the_clubs_test_files() {
    shop()
        .file(
            "policies/shop/tests/earning.yaml",
            "\
- name: one point per 1,000
  when:
    - event: {id: P1, member: M1, date: 2024-01-01, amount: 5000}
  then:
    pionts: {P1: 5}
",
        )
        .args(["check"])
        .stderr(
            "\
error: unknown key `pionts`
 --> policies/shop/tests/earning.yaml:5:5
  |
5 |     pionts: {P1: 5}
  |     ^^^^^^
  = help: did you mean `points`?

",
        )
        .stdout("FAILED  shop (1 error)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn check_of_a_club_that_is_not_there_names_the_nearest() {
    let test = shop()
        .args(["check", "shpo"])
        .stderr("error: no club `shpo` in `policies`\n  = help: did you mean `shop`?\n")
        .status(2)
        .run();
    let test = test
        .args(["check", "policies/shpo"])
        .stderr("error: no club folder `policies/shpo`\n  = help: did you mean `policies/shop`?\n")
        .status(2)
        .run();
    // A club's name is enough, as for the other commands.
    test.args(["check", "shop"]).stderr("").run();
}

#[test]
fn another_name_for_a_calendar_gets_the_one_bashgah_knows() {
    shop()
        .file(
            "policies/shop/club.yaml",
            &SHOP_YAML.replace("timezone: UTC\n", "timezone: UTC\ncalendar: shamsi\n"),
        )
        .args(["check"])
        .stderr(
            "\
error: `shamsi` is not one of `gregorian`, `jalali`
 --> policies/shop/club.yaml:5:11
  |
5 | calendar: shamsi
  |           ^^^^^^
  = help: did you mean `jalali`?

",
        )
        .status(1)
        .run();
}

#[test]
fn a_key_for_a_club_that_is_not_there_is_refused() {
    shop()
        .args(["key", "--name", "till-3", "--club", "shpo"])
        .stderr("error: no club `shpo` in `policies`\n  = help: did you mean `shop`?\n")
        .stdout("")
        .status(2)
        .run();
}

/// A rule is called as `(event, member)` whatever its parameters are named: `check` finds
/// a misspelt field on `e` as on `event`.
#[test]
fn a_rule_with_its_own_parameter_names_is_checked_too() {
    crate::cli::harness::Test::new()
        .file("policies/shop/club.yaml", crate::cli::SHOP_YAML)
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(e, m) {\n    e.amont / 1000\n}\n",
        )
        .args(["check", "shop"])
        .status(1)
        .stderr(
            "\
error: in a Rhai script: `e` has no field `amont`
 --> policies/shop/earn.rhai:2:7
  |
2 |     e.amont / 1000
  |       ^^^^^
  = help: did you mean `amount`?

",
        )
        .stdout("FAILED  shop (1 error)\n1 club checked, 1 failed\n")
        .run();
}
