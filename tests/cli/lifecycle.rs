//! The lifecycle commands: `advance`, `adjust`, `transfer`, and what `member` shows.

use crate::harness::{one_winner, race, Test};

fn club(points: &str) -> Test {
    Test::new()
        .file(
            "policies/shop/club.yaml",
            &format!("id: shop\nname: Corner Shop\ncurrency: EUR\ntimezone: UTC\npoints:\n{points}rules:\n  - {{id: base, function: base, description: 1 point per 10}}\n"),
        )
        .file("policies/shop/earn.rhai", "fn base(event, member) { event.amount / 10 }\n")
        .file("purchases.csv", "id,member,date,amount\nP1,M1,2025-03-01 12:00,1000\nP2,M2,2025-03-02,200\n")
}

#[test]
fn member_shows_pending_points_and_their_dates() {
    club("  pending: 14d\n  expiry: {after: 12m}\n")
        .args(["import", "shop", "purchases.csv"])
        .run()
        .args(["member", "shop", "M1", "--at", "2025-03-10"])
        .stdout(
            "\
member M1 (individual) in Corner Shop
joined 2025-03-01; 1 events, 1,000 EUR spent
balance: 100 points (0 available, 100 pending) on 2025-03-10
expiring: 100 points on 2026-03-01

earned      lot of     points      left  spendable   expires
2025-03-01  P1 base       100       100  2025-03-15  2026-03-01

date        event  rule    points  reason
2025-03-01  P1     base      +100  1 point per 10
",
        )
        .run();
}

#[test]
fn adjust_transfer_and_advance_from_the_command_line() {
    club("  transfers: true\n  expiry: {end_of: year}\n")
        .args(["import", "shop", "purchases.csv"])
        .run()
        .args(["adjust", "shop", "M1", "-30", "--reason", "birthday cake", "--at", "2025-04-01"])
        .stdout("took 30 points for `M1` (adjust:M1:2025-04-01T00:00:00Z)\n")
        .run()
        .args(["adjust", "shop", "M1", "-30", "--reason", "birthday cake", "--at", "2025-04-01"])
        .stdout("already recorded: nothing changed\n")
        .run()
        .args(["adjust", "shop", "M1", "-71", "--reason", "too much", "--at", "2025-04-02"])
        .stderr("error: member `M1` has 70 points available, fewer than the 71 to take\n")
        .status(1)
        .run()
        .args(["adjust", "shop", "M1", "5", "--reason", "", "--at", "2025-04-02"])
        .stderr("error: an adjustment needs a reason (--reason \"...\")\n")
        .status(1)
        .run()
        .args(["transfer", "shop", "M1", "M2", "20", "--at", "2025-05-01", "--id", "T1"])
        .stdout("moved 20 points from `M1` to `M2` (T1)\n")
        .run()
        .args(["transfer", "shop", "M1", "M9", "20", "--at", "2025-05-01"])
        .stderr("error: no member `M9` in club `shop`\n")
        .status(1)
        .run()
        .args(["advance", "shop", "--to", "2026-01-01"])
        .stdout("clock at 2026-01-01: 90 points expired in 2 expiries, 0 expiring-soon notices\n")
        .run()
        .args(["advance", "shop", "--to", "2025-12-01"])
        .stderr("error: the clock is already at 2026-01-01; it only moves forward\n")
        .status(2)
        .run()
        .args(["member", "shop", "M2"])
        .stdout(
            "\
member M2 (individual) in Corner Shop
joined 2025-03-02; 1 events, 200 EUR spent
balance: 0 points (0 available, 0 pending) on 2026-01-01

date        event                           rule        points  reason
2025-03-02  P2                              base           +20  1 point per 10
2025-05-01  T1:in                           transfer       +20  transfer from `M1`
2026-01-01  expiry:M2:2026-01-01T00:00:00Z  expiry         -40  40 expired (expiry date reached), earned 2025-03-02 to 2025-05-01
",
        )
        .run();
}

#[test]
fn transfers_are_refused_where_the_club_does_not_allow_them() {
    club("  name: points\n")
        .args(["import", "shop", "purchases.csv"])
        .run()
        .args(["transfer", "shop", "M1", "M2", "20", "--at", "2025-05-01"])
        .stderr("error: club `shop` does not allow transfers (set `points.transfers: true`)\n")
        .status(1)
        .run();
}

/// Two processes spending the same last points at once: exactly one wins.
#[test]
fn the_race_for_the_last_points_has_one_winner() {
    let test = club("  name: points\n")
        .args(["import", "shop", "purchases.csv"])
        .run();
    let dir = test.path();
    let commands = (0..4)
        .map(|n| {
            let id = format!("S{n}");
            [
                "adjust",
                "shop",
                "M2",
                "-15",
                "--reason",
                "race",
                "--id",
                &id,
                "--at",
                "2025-04-01",
            ]
            .iter()
            .map(|a| (*a).to_owned())
            .collect()
        })
        .collect();
    one_winner(
        &race(&dir, commands),
        "error: member `M2` has 5 points available, fewer than the 15 to take\n",
    );
    let output = crate::harness::bashgah(
        &dir,
        &["member".into(), "shop".into(), "M2".into(), "--json".into()],
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["member"]["balance"], "5");
}

/// A member's progress in a deal, as `bashgah member` shows it.
#[test]
fn member_shows_deal_progress() {
    Test::new()
        .file(
            "policies/club/club.yaml",
            "\
id: club
name: Deal club
currency: IRR
calendar: jalali
timezone: Asia/Tehran
rules:
  - {id: base, function: base, description: base}
deals:
  - id: monthly
    period: month
    periods: 3
    grace: 1
    target: spent_500k
    benefits: {perks: [free_delivery]}
",
        )
        .file(
            "policies/club/earn.rhai",
            "fn base(event, member) { event.amount / 10000 }\nfn spent_500k(member, period) { period.spend >= 500000 }\n",
        )
        .file("e.csv", "id,member,date,amount,type,deal\nE1,M1,1403-06-20,,enroll,monthly\nP1,M1,1403-07-05,600000,purchase,\n")
        .args(["import", "club", "e.csv"])
        .run()
        .args(["advance", "club", "--to", "1403-09-01"])
        .run()
        .args(["member", "club", "M1"])
        .stdout(
            "\
member M1 (individual) in Deal club
joined 1403-06-20; 2 events, 600,000 IRR spent
balance: 60 points (60 available, 0 pending) on 1403-09-01

earned      lot of     points      left  spendable   expires
1403-07-05  P1 base        60        60  1403-07-05  never

deals
  monthly: active since 1403-06-20, 1 of 3 periods kept, 1 missed (grace 1); next checkpoint 1403-10-01
    period 1 (1403-07-01 to 1403-07-30): target met
    period 2 (1403-08-01 to 1403-08-30): target missed

date        event  rule    points  reason
1403-07-05  P1     base       +60  base
",
        )
        .run();
}
