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
        .stdout("members.csv: 1 member created, 0 updated, 0 rejected\npurchases.csv: 3 accepted, 0 duplicate, 0 conflicting, 0 rejected; 170 points awarded\n")
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
joined 2025-03-01; 1 event, 400 EUR spent
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

#[test]
fn a_cancelled_redemption_gives_its_points_stock_and_limit_back() {
    shop()
        .args([
            "redeem",
            "shop",
            "M2",
            "mug",
            "--at",
            "2025-03-02",
            "--id",
            "X2",
        ])
        .stdout("`M2` redeemed `mug` (X2)\n")
        .run()
        .args(["redeem", "shop", "M1", "mug", "--at", "2025-03-02"])
        .stderr("error: reward `mug` is out of stock (all 1 redeemed)\n")
        .status(1)
        .run()
        // Every refusal changes nothing.
        .args([
            "cancel",
            "shop",
            "M2",
            "X2",
            "--reason",
            " ",
            "--at",
            "2025-03-03",
        ])
        .stderr("error: a cancellation needs a reason (--reason \"...\")\n")
        .status(1)
        .run()
        .args([
            "cancel",
            "shop",
            "M1",
            "X2",
            "--reason",
            "no mug left",
            "--at",
            "2025-03-03",
        ])
        .stderr("error: redemption `X2` is member `M2`'s, not `M1`'s\n")
        .status(1)
        .run()
        .args([
            "cancel",
            "shop",
            "M2",
            "X9",
            "--reason",
            "no mug left",
            "--at",
            "2025-03-03",
        ])
        .stderr("error: no redemption `X9` in club `shop`\n")
        .status(1)
        .run()
        .args([
            "cancel",
            "shop",
            "M2",
            "X2",
            "--reason",
            "no mug left",
            "--at",
            "2025-03-03",
        ])
        .stdout("cancelled redemption `X2` of `M2` (cancel:X2)\n")
        .run()
        .args([
            "cancel",
            "shop",
            "M2",
            "X2",
            "--reason",
            "no mug left",
            "--at",
            "2025-03-04",
        ])
        .stderr("error: redemption `X2` was already cancelled (`cancel:X2`)\n")
        .status(1)
        .run()
        // The mug is back in stock.
        .args([
            "redeem",
            "shop",
            "M1",
            "mug",
            "--at",
            "2025-03-04",
            "--id",
            "X3",
        ])
        .stdout("`M1` redeemed `mug` (X3)\n")
        .run()
        // A coupon's limit is one per member; cancelled, it can be redeemed again.
        .args([
            "redeem",
            "shop",
            "M1",
            "coupon",
            "--at",
            "2025-03-04",
            "--id",
            "C1",
        ])
        .stdout("`M1` redeemed `coupon` (C1)\ncode: R9FJL-WVFC6\n")
        .run()
        .args([
            "cancel",
            "shop",
            "M1",
            "C1",
            "--reason",
            "wrong item",
            "--at",
            "2025-03-04",
        ])
        .stdout("cancelled redemption `C1` of `M1` (cancel:C1)\n")
        .run()
        .args([
            "redeem",
            "shop",
            "M1",
            "coupon",
            "--at",
            "2025-03-05",
            "--id",
            "C2",
        ])
        .stdout("`M1` redeemed `coupon` (C2)\ncode: SDGVU-L6NKN\n")
        .run()
        .args(["member", "shop", "M2"])
        .stdout(
            "\
member M2 (individual) in Corner Shop
joined 2025-03-01; 1 event, 400 EUR spent
balance: 40 points (40 available, 0 pending) on 2025-03-05
credit: 0 EUR

earned      lot of              points      left  spendable   expires
2025-03-01  P2 base                 40        10  2025-03-01  never
2025-03-03  cancel:X2 cancel        30        30  2025-03-03  never

date        event      rule      points  reason
2025-03-01  P2         base         +40  1 point per 10
2025-03-02  X2         redeem       -30  redeemed `mug`: A mug
2025-03-03  cancel:X2  cancel       +30  cancelled redemption `X2` of `mug`: no mug left
",
        )
        .run();
}

/// Points a cancellation gives back keep the expiry dates they had: what expired since
/// stays expired. Credit a reward gave leaves the wallet again.
#[test]
fn a_cancellation_gives_points_back_with_their_old_expiry_and_takes_the_credit_back() {
    Test::new()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
points:
  expiry: {after: 30d}
rules:
  - {id: base, function: base, description: 1 point per 10}
rewards:
  - {id: hamper, cost: 120, kind: gift}
  - {id: wallet, cost: 40, kind: credit, credit: 8}
",
        )
        .file("policies/shop/earn.rhai", "fn base(event, member) { event.amount / 10 }\n")
        .file(
            "purchases.csv",
            "id,member,date,amount\nP1,M1,2025-03-01,1000\nP2,M1,2025-03-20,500\nP3,M1,2025-03-25,400\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .stdout("purchases.csv: 3 accepted, 0 duplicate, 0 conflicting, 0 rejected; 190 points awarded\n")
        .run()
        // 100 of P1's lot (expiring 2025-03-31) and 20 of P2's (2025-04-19).
        .args(["redeem", "shop", "M1", "hamper", "--at", "2025-03-26", "--id", "H"])
        .stdout("`M1` redeemed `hamper` (H)\n")
        .run()
        .args(["redeem", "shop", "M1", "wallet", "--at", "2025-03-26", "--id", "W"])
        .stdout("`M1` redeemed `wallet` (W)\n")
        .run()
        .args(["cancel", "shop", "M1", "H", "--reason", "hamper damaged", "--at", "2025-04-05"])
        .stdout("cancelled redemption `H` of `M1` (cancel:H)\n")
        .run()
        // The wallet's 8 EUR are spent on a purchase: its cancellation is refused.
        .file("paid.csv", "id,member,date,amount,credit_used\nP4,M1,2025-04-06,100,5\n")
        .args(["import", "shop", "paid.csv"])
        .stdout("paid.csv: 1 accepted, 0 duplicate, 0 conflicting, 0 rejected; 10 points awarded\n")
        .run()
        .args(["cancel", "shop", "M1", "W", "--reason", "asked", "--at", "2025-04-07"])
        .stderr("error: member `M1` has 3 EUR of credit, less than the 8 redemption `W` gave\n")
        .status(1)
        .run()
        // A cancellation the wallet can pay back: credit 3 + 8, then 3 again.
        .args(["redeem", "shop", "M1", "wallet", "--at", "2025-04-07", "--id", "W2"])
        .stdout("`M1` redeemed `wallet` (W2)\n")
        .run()
        .args(["cancel", "shop", "M1", "W2", "--reason", "asked", "--at", "2025-04-07"])
        .stdout("cancelled redemption `W2` of `M1` (cancel:W2)\n")
        .run()
        .args(["member", "shop", "M1", "--at", "2025-04-07"])
        .stdout(
            "\
member M1 (individual) in Corner Shop
joined 2025-03-01; 4 events, 2,000 EUR spent
balance: 60 points (60 available, 0 pending) on 2025-04-07
credit: 3 EUR
expiring: 20 points on 2025-04-19, 30 points on 2025-04-24, 10 points on 2025-05-06

earned      lot of              points      left  spendable   expires
2025-04-05  cancel:H cancel         20        10  2025-04-05  2025-04-19
2025-04-06  P4 base                 10        10  2025-04-06  2025-05-06
2025-04-07  cancel:W2 cancel        30        30  2025-04-07  2025-04-24
2025-04-07  cancel:W2 cancel        10        10  2025-04-07  2025-04-19

date        event      rule      points  reason
2025-03-01  P1         base        +100  1 point per 10
2025-03-20  P2         base         +50  1 point per 10
2025-03-25  P3         base         +40  1 point per 10
2025-03-26  H          redeem      -120  redeemed `hamper`: hamper
2025-03-26  W          redeem       -40  redeemed `wallet`: wallet
2025-04-05  cancel:H   cancel       +20  cancelled redemption `H` of `hamper`: hamper damaged (100 points had expired meanwhile and stay expired)
2025-04-06  P4         base         +10  1 point per 10
2025-04-07  W2         redeem       -40  redeemed `wallet`: wallet
2025-04-07  cancel:W2  cancel       +40  cancelled redemption `W2` of `wallet`: asked
",
        )
        .run();
}

/// Scripts read how much of a purchase was paid from the credit wallet: here, points only
/// on what was paid in money.
#[test]
fn a_rule_reads_the_credit_a_purchase_used() {
    Test::new()
        .file(
            "policies/shop/club.yaml",
            "id: shop\nname: Shop\ncurrency: EUR\ntimezone: UTC\nrules:\n  - {id: base, function: base}\ncredit: {rate: 0.10, minimum: 50}\n",
        )
        .file(
            "policies/shop/earn.rhai",
            "fn base(event, member) { (event.amount - event.credit_used) / 10 }\n",
        )
        .file("p.csv", "id,member,date,amount\nP1,M1,2025-03-01,1000\n")
        .args(["import", "shop", "p.csv"])
        .stdout("p.csv: 1 accepted, 0 duplicate, 0 conflicting, 0 rejected; 100 points awarded\n")
        .run()
        .args(["convert", "shop", "M1", "80", "--at", "2025-03-02", "--id", "C1"])
        .stdout("converted 80 points of `M1` to credit (C1)\n")
        .run()
        .file("q.csv", "id,member,date,amount,credit_used\nP2,M1,2025-03-03,100,5\n")
        .args(["import", "shop", "q.csv"])
        .stdout("q.csv: 1 accepted, 0 duplicate, 0 conflicting, 0 rejected; 9 points awarded\n")
        .run();
}
