//! Rewards and credit: `redeem` and `convert`, and purchases paid with credit.

use crate::cli::harness::{one_winner, race, Test};

const CLUB: &str = "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - {id: base, function: base, description: 1 point per 10}
rewards:
  - id: mug
    title: {en: A mug}
    cost: 30
    kind: gift
    stock: 1
  - id: coupon
    title: {en: 5 EUR off}
    cost: 20
    kind: discount_code
    per_member: 1
    member_types: [individual]
  - id: sticker
    cost: 25
    kind: gift
  - id: summer
    cost: 10
    kind: free_shipping
    valid_from: 2025-06-01
    valid_until: 2025-08-31
credit:
  rate: 0.10
  minimum: 50
";

fn shop() -> Test {
    Test::new()
        .file("policies/shop/club.yaml", CLUB)
        .file("policies/shop/earn.rhai", "fn base(event, member) { event.amount / 10 }\n")
        .file("members.csv", "id,type\nB1,business\n")
        .file(
            "purchases.csv",
            "id,member,date,amount\nP1,M1,2025-03-01,1000\nP2,M2,2025-03-01,400\nP3,B1,2025-03-01,300\n",
        )
        .args(["import", "shop", "purchases.csv", "--members", "members.csv"])
        .stdout("members.csv: 1 members created, 0 updated, 0 rejected\npurchases.csv: 3 accepted, 0 duplicate, 0 conflicting, 0 rejected; 170 points awarded\n")
        .run()
}

#[test]
fn redeeming_checks_everything_and_changes_nothing_when_refused() {
    shop()
        .args([
            "redeem",
            "shop",
            "M1",
            "coupon",
            "--at",
            "2025-03-02",
            "--id",
            "X1",
        ])
        .stdout("`M1` redeemed `coupon` (X1)\ncode: XH56T-BSAT2\n")
        .run()
        // The same redemption again: nothing changes, the same code.
        .args([
            "redeem",
            "shop",
            "M1",
            "coupon",
            "--at",
            "2025-03-02",
            "--id",
            "X1",
        ])
        .stdout("already recorded as `X1`: nothing changed\ncode: XH56T-BSAT2\n")
        .run()
        .args(["redeem", "shop", "M1", "coupon", "--at", "2025-03-03"])
        .stderr("error: member `M1` has redeemed `coupon` 1 times, the most allowed\n")
        .status(1)
        .run()
        .args(["redeem", "shop", "B1", "coupon", "--at", "2025-03-03"])
        .stderr("error: reward `coupon` is for individual members, and `B1` is business\n")
        .status(1)
        .run()
        .args(["redeem", "shop", "M1", "mugg", "--at", "2025-03-03"])
        .stderr("error: no reward `mugg` in club `shop`; did you mean `mug`?\n")
        .status(1)
        .run()
        .args(["redeem", "shop", "M1", "summer", "--at", "2025-03-03"])
        .stderr("error: reward `summer` can be redeemed from 2025-06-01\n")
        .status(1)
        .run()
        .args([
            "redeem",
            "shop",
            "M2",
            "mug",
            "--at",
            "2025-03-03",
            "--id",
            "X2",
        ])
        .stdout("`M2` redeemed `mug` (X2)\n")
        .run()
        .args(["redeem", "shop", "B1", "mug", "--at", "2025-03-03"])
        .stderr("error: reward `mug` is out of stock (all 1 redeemed)\n")
        .status(1)
        .run()
        .args(["redeem", "shop", "M2", "coupon", "--at", "2025-03-03"])
        .stderr("error: member `M2` has 10 points available, fewer than the 20 needed\n")
        .status(1)
        .run()
        .args(["member", "shop", "M2"])
        .stdout(
            "\
member M2 (individual) in Corner Shop
joined 2025-03-01; 1 events, 400 EUR spent
balance: 10 points (10 available, 0 pending) on 2025-03-03
credit: 0 EUR

earned      lot of     points      left  spendable   expires
2025-03-01  P2 base        40        10  2025-03-01  never

date        event  rule      points  reason
2025-03-01  P2     base         +40  1 point per 10
2025-03-03  X2     redeem       -30  redeemed `mug`: A mug
",
        )
        .run();
}

#[test]
fn the_last_item_goes_to_exactly_one_member() {
    let test = shop();
    let commands = ["M1", "M2", "M1", "M2"]
        .iter()
        .enumerate()
        .map(|(n, member)| {
            args(&[
                "redeem",
                "shop",
                member,
                "mug",
                "--at",
                "2025-03-02",
                "--id",
                &format!("R{n}"),
            ])
        })
        .collect();
    one_winner(
        &race(&test.path(), commands),
        "error: reward `mug` is out of stock (all 1 redeemed)\n",
    );
}

/// Two redemptions racing for the same last points: exactly one wins.
#[test]
fn the_last_points_go_to_exactly_one_redemption() {
    let test = shop();
    let commands = (0..4)
        .map(|n| {
            args(&[
                "redeem",
                "shop",
                "M2",
                "sticker",
                "--at",
                "2025-03-02",
                "--id",
                &format!("S{n}"),
            ])
        })
        .collect();
    one_winner(
        &race(&test.path(), commands),
        "error: member `M2` has 15 points available, fewer than the 25 needed\n",
    );
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| (*a).to_owned()).collect()
}

#[test]
fn points_become_credit_that_pays_for_purchases() {
    shop()
        .args(["convert", "shop", "M1", "40", "--at", "2025-03-02"])
        .stderr("error: at least 50 points are converted at once\n")
        .status(1)
        .run()
        .args(["convert", "shop", "M2", "60", "--at", "2025-03-02"])
        .stderr("error: member `M2` has 40 points available, fewer than the 60 needed\n")
        .status(1)
        .run()
        .args(["convert", "shop", "M1", "80", "--at", "2025-03-02", "--id", "C1"])
        .stdout("converted 80 points of `M1` to credit (C1)\n")
        .run()
        .file("more.csv", "id,member,date,amount,credit_used\nP4,M1,2025-03-05,20,5\nP5,M1,2025-03-06,20,4\nP6,M1,2025-03-07,20,30\n")
        .args(["import", "shop", "more.csv"])
        .stderr(
            "\
rejected: more.csv:3: column `credit_used`: `M1` has 3 EUR of credit, less than the 4 used
rejected: more.csv:4: column `credit_used`: `credit_used` is the part of a purchase paid with credit: between 0 and the amount (20)
",
        )
        .stdout("more.csv: 1 accepted, 0 duplicate, 0 conflicting, 2 rejected; 2 points awarded\n")
        .status(1)
        .run()
        .args(["member", "shop", "M1"])
        .stdout(
            "\
member M1 (individual) in Corner Shop
joined 2025-03-01; 2 events, 1,020 EUR spent
balance: 22 points (22 available, 0 pending) on 2025-03-05
credit: 3 EUR

earned      lot of     points      left  spendable   expires
2025-03-01  P1 base       100        20  2025-03-01  never
2025-03-05  P4 base         2         2  2025-03-05  never

date        event  rule      points  reason
2025-03-01  P1     base        +100  1 point per 10
2025-03-02  C1     credit       -80  converted to 8 EUR of credit
2025-03-05  P4     base          +2  1 point per 10
",
        )
        .run();
}

/// Two redemptions without an id, the same day, are two coffees: the second gets an id of
/// its own (`#2`) rather than being taken for a repeat of the first. Without `--at`, the
/// time is the club's clock (its latest event, here the last redemption), not the
/// machine's: on this back-dated shop, the machine's date would be years later.
#[test]
fn two_redemptions_without_an_id_are_two_and_the_default_time_is_the_clubs_clock() {
    let test = shop()
        .args(["redeem", "shop", "M1", "sticker", "--at", "2025-03-05"])
        .stdout("`M1` redeemed `sticker` (redeem:M1:sticker:2025-03-05T00:00:00Z)\n")
        .run()
        .args(["redeem", "shop", "M1", "sticker", "--at", "2025-03-05"])
        .stdout("`M1` redeemed `sticker` (redeem:M1:sticker:2025-03-05T00:00:00Z#2)\n")
        .run()
        .args(["redeem", "shop", "M1", "sticker"])
        .stdout("`M1` redeemed `sticker` (redeem:M1:sticker:2025-03-05T00:00:00Z#3)\n")
        .run()
        .args(["adjust", "shop", "M1", "-5", "--reason", "test"])
        .stdout("took 5 points for `M1` (adjust:M1:2025-03-05T00:00:00Z)\n")
        .run()
        .args(["adjust", "shop", "M1", "-5", "--reason", "test"])
        .stdout("took 5 points for `M1` (adjust:M1:2025-03-05T00:00:00Z#2)\n")
        .run();
    let output = crate::cli::harness::bashgah(
        &test.path(),
        &["member", "shop", "M1", "--json"].map(str::to_owned),
    );
    let member: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(member["balances"]["available"], "15", "{member}");
}
