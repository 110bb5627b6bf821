//! The lifecycle commands: `advance`, `adjust`, `transfer`, and what `member` shows.

use crate::cli::harness::{one_winner, race, Test};

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
joined 2025-03-01; 1 event, 1,000 EUR spent
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
        // A repeat is one by its id (the one printed), and says so.
        .args(["adjust", "shop", "M1", "-30", "--reason", "birthday cake", "--at", "2025-04-01", "--id", "adjust:M1:2025-04-01T00:00:00Z"])
        .stdout("already recorded as `adjust:M1:2025-04-01T00:00:00Z`: nothing changed\n")
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
joined 2025-03-02; 1 event, 200 EUR spent
balance: 0 points (0 available, 0 pending) on 2026-01-01

date        event   rule        points  reason
2025-03-02  P2      base           +20  1 point per 10
2025-05-01  T1:in   transfer       +20  transfer from `M1`
2026-01-01  expiry  expiry         -40  40 expired (expiry date reached), earned 2025-03-02 to 2025-05-01
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
    let output = crate::cli::harness::bashgah(
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

/// A club where one `advance` does every kind of work the clock does: points expire
/// (after 12 months), tiers are reviewed (calendar-year spend, yearly), a two-month deal
/// completes with a bonus (and a lifecycle award) or fails with a claw-back of what its
/// multiplier gave, a birthday gives points, and members are told.
fn busy_club() -> Test {
    Test::new()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
points:
  expiry: {after: 12m}
rules:
  - {id: base, function: base_points, description: 1 point per 10 EUR}
  - {id: birthday_gift, function: birthday_gift, events: [birthday], description: birthday gift}
  - {id: kept_gift, function: kept_gift, events: [deal_completed], description: deal kept}
tiers:
  - {id: bronze, thresholds: {individual: 0}}
  - {id: silver, thresholds: {individual: 1000}}
tiering: {metric: spend, window: calendar_year, review: year}
deals:
  - id: monthly
    period: month
    periods: 2
    target: spent_100
    benefits: {multiplier: 2}
    completion: {bonus: 50}
    failure: {claw_back: true}
messages:
  language: en
  channels: [{id: log, kind: stdout}]
  templates:
    birthday: {en: \"Happy birthday, {name}: {points} points for you.\"}
    tier_changed: {en: \"You are now {tier}.\"}
    deal_completed: {en: \"You kept {deal}.\"}
    deal_failed: {en: \"{deal} was not kept.\"}
",
        )
        .file(
            "policies/shop/earn.rhai",
            "\
fn base_points(event, member) { event.amount / 10 }
fn birthday_gift(event, member) { 20 }
fn kept_gift(event, member) { 7 }
fn spent_100(member, period) { period.spend >= 100 }
",
        )
        .file("members.csv", "id,birthday\nM4,1990-01-01\n")
        // M3 reached silver in 2023 and spent nothing in 2024; M1 keeps the deal in
        // November and December, M2 misses December; M4 was born on 1 January.
        .file(
            "events.csv",
            "\
id,member,date,amount,type,deal
S1,M3,2023-06-01,1500,,
E1,M1,2024-11-01,,enroll,monthly
E2,M2,2024-11-01,,enroll,monthly
P1,M1,2024-11-10,200,,
P2,M2,2024-11-10,200,,
B1,M4,2024-12-01,100,,
P3,M1,2024-12-10,200,,
P4,M2,2024-12-10,50,,
",
        )
        .args(["import", "shop", "events.csv", "--members", "members.csv"])
        .stdout(
            "\
members.csv: 1 member created, 0 updated, 0 rejected
events.csv: 8 accepted, 0 duplicate, 0 conflicting, 0 rejected; 290 points awarded
",
        )
        .run()
}

/// Issue 11, item 9: `advance` used to print only expiry and notices, however many deals
/// it closed and bonuses it gave. From the clock at 10 December 2024 to 2 January 2025:
/// M3's points of June 2023 expire (June 2024); M3 is reviewed twice (silver kept on
/// 1 January 2024, bronze on 1 January 2025) and M1, M2 and M4 once; the deal's second
/// checkpoint completes M1's (+50, and the 7-point `deal_completed` award) and fails M2's
/// (the 25 extra points taken back); M4's birthday and M3's anniversary are written; and
/// four messages are queued (M3's new tier, both deals, M4's birthday).
#[test]
fn issue_11_advance_reports_everything_the_clock_did() {
    let test = busy_club()
        .args(["advance", "shop", "--to", "2025-01-02"])
        .stderr("")
        .stdout(
            "\
clock at 2025-01-02: 150 points expired in 1 expiry, 0 expiring-soon notices
5 tier reviews: 0 up, 1 down
2 deal checkpoints: 1 period kept, 1 missed; 1 deal completed (+50 points), 1 failed (-25 points taken back)
2 birthdays and anniversaries
1 lifecycle award: +7 points
4 messages queued
",
        )
        .run();
    // What it reported is what the ledger holds.
    let entries = |member: &str| -> Vec<(String, String, String)> {
        let args = ["member", "shop", member, "--json"].map(str::to_owned);
        let output = crate::cli::harness::bashgah(&test.path(), &args);
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        json["statement"]
            .as_array()
            .expect("statement")
            .iter()
            .filter(|line| line["time"].as_str().is_some_and(|t| t >= "2024-12-11"))
            .map(|line| {
                let text = |key: &str| line[key].as_str().unwrap_or_default().to_owned();
                (text("event"), text("rule"), text("points"))
            })
            .collect()
    };
    let entry = |event: &str, rule: &str, points: &str| {
        (event.to_owned(), rule.to_owned(), points.to_owned())
    };
    assert_eq!(
        entries("M1"),
        [
            entry("deal:M1:monthly:2", "deal:monthly", "50"),
            entry("deal_completed:M1:1:award", "kept_gift", "7"),
        ]
    );
    assert_eq!(
        entries("M2"),
        [entry("deal:M2:monthly:2", "deal:monthly", "-25")]
    );
    assert_eq!(
        entries("M4"),
        [entry("birthday:M4:2025", "birthday_gift", "20")]
    );

    // The same advance as JSON carries every counter.
    let args = ["advance", "shop", "--to", "2025-01-02", "--json"].map(str::to_owned);
    let output = crate::cli::harness::bashgah(&busy_club().path(), &args);
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        report,
        serde_json::json!({
            "to": "2025-01-02T00:00:00Z",
            "to_local": "2025-01-02",
            "calendar": "gregorian",
            "expired_points": "150",
            "expiries": 1,
            "notices": 0,
            "reviews": 5,
            "reviews_up": 0,
            "reviews_down": 1,
            "greetings": 2,
            "deal_checkpoints": 2,
            "deal_periods_kept": 1,
            "deal_periods_missed": 1,
            "deals_completed": 1,
            "deals_failed": 1,
            "deal_bonus_points": "50",
            "deal_clawback_points": "25",
            "hook_awards": 1,
            "hook_points": "7",
            "messages": 4,
            "failures": [],
        })
    );
}

/// Issue 11, item 10: `member --at` a time past the clock used to count points already
/// expired by then as the balance. It is now a projection of what the clock will have done
/// by then, labelled so (`projected to`, `"projected": true`), and nothing of it is kept:
/// the member as the ledger holds them is unchanged afterwards. A time before the clock
/// is no projection: the member as they stood then.
#[test]
fn issue_11_member_at_a_time_past_the_clock_is_a_projection_that_writes_nothing() {
    let as_is = "\
member M1 (individual) in Corner Shop
joined 2025-03-01; 2 events, 1,800 EUR spent
balance: 180 points (180 available, 0 pending) on 2025-03-20
expiring: 100 points on 2025-03-31, 80 points on 2025-04-19

earned      lot of     points      left  spendable   expires
2025-03-01  P1 base       100       100  2025-03-01  2025-03-31
2025-03-20  P3 base        80        80  2025-03-20  2025-04-19

date        event  rule    points  reason
2025-03-01  P1     base      +100  1 point per 10
2025-03-20  P3     base       +80  1 point per 10
";
    let test = club("  expiry: {after: 30d}\n")
        .file(
            "more.csv",
            "id,member,date,amount\nP3,M1,2025-03-20,800\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .run()
        .args(["import", "shop", "more.csv"])
        .run()
        .args(["member", "shop", "M1", "--at", "2025-04-05"])
        .stdout(
            "\
member M1 (individual) in Corner Shop
joined 2025-03-01; 2 events, 1,800 EUR spent
projected to 2025-04-05: what the clock will have done by then (expiry, reviews, deals); not in the ledger until `bashgah advance`
balance: 80 points (80 available, 0 pending) on 2025-04-05
expiring: 80 points on 2025-04-19

earned      lot of     points      left  spendable   expires
2025-03-20  P3 base        80        80  2025-03-20  2025-04-19

date        event   rule      points  reason
2025-03-01  P1      base        +100  1 point per 10
2025-03-20  P3      base         +80  1 point per 10
2025-03-31  expiry  expiry      -100  100 expired (expiry date reached), earned 2025-03-01
",
        )
        .run()
        .args(["member", "shop", "M1"])
        .stdout(as_is)
        .run();
    let json = |at: Option<&str>| -> serde_json::Value {
        let mut args = vec!["member", "shop", "M1", "--json"];
        args.extend(at.map(|at| ["--at", at]).into_iter().flatten());
        let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        let output = crate::cli::harness::bashgah(&test.path(), &args);
        serde_json::from_slice(&output.stdout).expect("a member as JSON")
    };
    let projected = json(Some("2025-04-05"));
    assert_eq!(projected["projected"], true);
    assert_eq!(projected["member"]["balance"], "80");
    assert_eq!(projected["at"], "2025-04-05T00:00:00Z");
    let now = json(None);
    assert_eq!(now["projected"], false);
    assert_eq!(now["member"]["balance"], "180");
    assert_eq!(now["at"], "2025-03-20T00:00:00Z", "the clock did not move");
    assert_eq!(
        now["statement"].as_array().map(Vec::len),
        Some(2),
        "no expiry was written"
    );
    // Before the clock: no projection, the member as they stood then, from the record
    // (issue 17): only P1 had been bought.
    let before = json(Some("2025-03-10"));
    assert_eq!(before["projected"], false);
    assert_eq!(before["member"]["balance"], "100");
    assert_eq!(before["statement"].as_array().map(Vec::len), Some(1));
    test.args(["member", "shop", "M1"]).stdout(as_is).run();
}
