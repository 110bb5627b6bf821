//! Script failures at run time fail one event, with the script's position; the rest land.

use crate::shop;

const PURCHASES: &str = "\
id,member,date,amount
E1,M1,2025-01-10,2000
E2,M1,2025-01-11,500
E3,M2,2025-01-12,3000
";

#[test]
fn division_by_zero_rejects_only_that_event() {
    let test = shop()
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) {\n    let bonus = 1000 / (event.amount - 500);\n    event.amount / 1000 + bonus\n}\n",
        )
        .file("purchases.csv", PURCHASES)
        .args(["import", "shop", "purchases.csv"])
        .stderr(
            "\
rejected: purchases.csv:3: rule `base` failed: Division by zero: 1000 / 0
 --> policies/shop/earn.rhai:2:22
  |
2 |     let bonus = 1000 / (event.amount - 500);
  |                      ^
",
        )
        .stdout("purchases.csv: 2 accepted, 0 duplicate, 0 conflicting, 1 rejected; 5 points awarded\n")
        .status(1)
        .run();
    // E1: 2 + 1000/1500 = 2.67 -> 2; E3: 3 + 1000/2500 = 3.4 -> 3 (the club rounds down).
    test.args(["member", "shop", "M1"])
        .stdout(
            "\
member M1 (individual) in Corner Shop
joined 2025-01-10; 1 events, 2,000 EUR spent
balance: 2 points

date        event  rule    points  reason
2025-01-10  E1     base        +2  1 point per 1,000
",
        )
        .run();
}

/// Rhai gives no position for the operation limit, so the rule's function is shown.
#[test]
fn runaway_loop_is_stopped_by_the_operation_limit() {
    shop()
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) {\n    let n = 0;\n    while event.amount > 1000 {\n        n += 1;\n    }\n    n\n}\n",
        )
        .file("purchases.csv", PURCHASES)
        .args(["import", "shop", "purchases.csv"])
        .stderr(
            "\
rejected: purchases.csv:2: rule `base` failed: ran more than 200000 operations (a loop that never ends?)
 --> policies/shop/earn.rhai:1:1
  |
1 | fn base_points(event, member) {
  | ^
rejected: purchases.csv:4: rule `base` failed: ran more than 200000 operations (a loop that never ends?)
 --> policies/shop/earn.rhai:1:1
  |
1 | fn base_points(event, member) {
  | ^
",
        )
        .stdout("purchases.csv: 1 accepted, 0 duplicate, 0 conflicting, 2 rejected; 0 points awarded\n")
        .status(1)
        .run();
}

#[test]
fn returning_text_is_explained() {
    shop()
        .file("policies/shop/earn.rhai", "fn base_points(event, member) {\n    \"ten\"\n}\n")
        .file("purchases.csv", "id,member,date,amount\nE1,M1,2025-01-10,2000\n")
        .args(["import", "shop", "purchases.csv"])
        .stderr(
            "\
rejected: purchases.csv:2: rule `base` returned a value of type `string`; return a number of points, `award(points, reason)`, an array of those, or nothing
 --> policies/shop/earn.rhai:1:1
  |
1 | fn base_points(event, member) {
  | ^
",
        )
        .status(1)
        .run();
}
