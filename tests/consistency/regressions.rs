//! Issue 11's numbered defects, and those the properties found besides, as fixed cases:
//! an import (in every batch size where the batch matters) and the facts that must hold.
//! The same cases, where a policy test can say them, are in `fixtures/*/tests/issue11.yaml`
//! and run through `bashgah test` at the end of this file.

use std::path::{Path, PathBuf};

use bashgah::import::ImportOptions;
use bashgah::ledger::Ledger;
use bashgah::policy::Policy;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::consistency::clubs::load;
use crate::consistency::deliver::{advance, redeem};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/consistency/fixtures")
        .join(name)
}

fn club(name: &str) -> Policy {
    load(&fixture(name))
}

fn at(text: &str) -> DateTime<Utc> {
    let text = if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        text.to_owned()
    };
    DateTime::parse_from_rfc3339(&text)
        .expect("an RFC 3339 time")
        .to_utc()
}

/// Imports CSV rows (after the header `id,member,date,amount,type,original,deal`) as one
/// file; returns the problems.
fn import(ledger: &Ledger, policy: &Policy, rows: &str, batch_size: Option<usize>) -> Vec<String> {
    let text = format!("id,member,date,amount,type,original,deal\n{rows}");
    let read = bashgah::import::read_rows(
        std::io::Cursor::new(text.into_bytes()),
        bashgah::import::FileFormat::Csv,
        "rows.csv",
        &bashgah::import::EVENT_COLUMNS,
    )
    .expect("rows");
    let options = match batch_size {
        Some(batch_size) => ImportOptions {
            batch_size,
            ..ImportOptions::default()
        },
        None => ImportOptions::default(),
    };
    let report = bashgah::import::import_events(ledger, policy, read, options).expect("import");
    report.problems.iter().map(|p| p.message.clone()).collect()
}

/// The sum of an event's entries.
fn points(ledger: &Ledger, member: &str, event: &str) -> Decimal {
    ledger
        .statement(member)
        .expect("statement")
        .iter()
        .filter(|l| l.event == event)
        .map(|l| l.points)
        .sum()
}

fn balance(ledger: &Ledger, member: &str) -> Decimal {
    ledger
        .member_summary(member)
        .expect("summary")
        .expect("a member")
        .balance
}

fn debt(ledger: &Ledger, member: &str) -> Decimal {
    ledger
        .balances(member, at("2100-01-01"))
        .expect("balances")
        .debt
}

/// (time, from, to) of each tier change.
fn tier_changes(ledger: &Ledger, member: &str) -> Vec<(String, Option<String>, Option<String>)> {
    ledger
        .tier_changes(member)
        .expect("tier changes")
        .into_iter()
        .map(|c| (c.time, c.from, c.to))
        .collect()
}

fn change(
    time: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> (String, Option<String>, Option<String>) {
    (
        format!("{time}T00:00:00Z"),
        from.map(str::to_owned),
        to.map(str::to_owned),
    )
}

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

const BATCHES: [Option<usize>; 3] = [Some(1), Some(7), None];

/// Issue item 1: gold in 1997 (300 spent), reviewed to bronze on 1 January 1999 (nothing
/// spent in 1998); the purchase of March 1999 earns at bronze in every batch size, and
/// `simulate` agrees.
#[test]
fn item_1_a_purchase_after_a_review_earns_at_the_reviewed_tier_whatever_the_batch() {
    let policy = club("tiers");
    let rows = "P1,M1,1997-03-01,300,,,\nP2,M1,1999-03-01,10,,,\n";
    let mut failures = Vec::new();
    for batch in BATCHES {
        let ledger = Ledger::open_in_memory().expect("ledger");
        assert!(import(&ledger, &policy, rows, batch).is_empty());
        let got = (points(&ledger, "M1", "P2"), tier_changes(&ledger, "M1"));
        let want = (
            d(1),
            vec![
                change("1997-03-01", None, Some("gold")),
                change("1999-01-01", Some("gold"), Some("bronze")),
            ],
        );
        if got != want {
            failures.push(format!("batch size {batch:?}: P2 and tier changes {got:?}"));
        }
    }
    let read = bashgah::import::read_rows(
        std::io::Cursor::new(
            format!("id,member,date,amount\n{}", rows.replace(",,,", "")).into_bytes(),
        ),
        bashgah::import::FileFormat::Csv,
        "rows.csv",
        &bashgah::import::EVENT_COLUMNS,
    )
    .expect("rows");
    let sim = bashgah::simulate::simulate(&policy, None, read).expect("simulate");
    let members_per_tier: Vec<(String, u64)> = sim.members_per_tier.into_iter().collect();
    if (sim.issued, members_per_tier.clone()) != (d(31), vec![("bronze".to_owned(), 1)]) {
        failures.push(format!(
            "simulate: issued {}, members per tier {members_per_tier:?}",
            sim.issued
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Issue item 1, deals: the deal fails on 1 March (February missed); a purchase after
/// that earns no deal extra, and the claw-back takes everything the deal gave.
#[test]
fn item_1_a_failed_deal_stops_its_multiplier_whatever_the_batch() {
    let policy = club("deal");
    let rows =
        "E1,M1,2025-01-15,,enroll,,monthly\nP1,M1,2025-02-10,50,,,\nP2,M1,2025-03-10,50,,,\n";
    let mut failures = Vec::new();
    for batch in BATCHES {
        let ledger = Ledger::open_in_memory().expect("ledger");
        assert!(import(&ledger, &policy, rows, batch).is_empty());
        advance(&ledger, &policy, at("2025-04-01"));
        let got = (
            points(&ledger, "M1", "P2"),
            points(&ledger, "M1", "deal:M1:monthly:1"),
            balance(&ledger, "M1"),
        );
        if got != (d(5), d(-5), d(10)) {
            failures.push(format!(
                "batch size {batch:?}: P2, the claw-back and the balance are {got:?}, not (5, -5, 10)"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs the `bashgah` binary in `dir`; panics unless it succeeds.
fn bashgah(dir: &Path, args: &[&str]) -> String {
    let output = crate::bashgah_command()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run bashgah");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "bashgah {args:?}: {text}");
    text
}

/// Members from a file (`bashgah import --members`), then events, into a ledger file.
fn import_with_members(members: &str, events: &str) -> (tempfile::TempDir, Ledger) {
    let dir = crate::scratch();
    std::fs::write(dir.path().join("members.csv"), members).expect("members");
    std::fs::write(dir.path().join("events.csv"), events).expect("events");
    let club = fixture("tiers");
    let club = club.to_str().expect("a path");
    bashgah(
        dir.path(),
        &[
            "import",
            club,
            "--members",
            "members.csv",
            "--db",
            "l.sqlite",
        ],
    );
    bashgah(
        dir.path(),
        &["import", club, "events.csv", "--db", "l.sqlite"],
    );
    let ledger = Ledger::open(&dir.path().join("l.sqlite")).expect("ledger");
    (dir, ledger)
}

/// Issue item 2: a member who joined in 2020 reaches silver with their first purchase in
/// June 2025; no review is due before 1 January 2026, so their next purchase still earns
/// at silver and the tier history has no review dated before the upgrade.
#[test]
fn item_2_reviews_start_when_the_member_first_got_a_tier() {
    let (_dir, ledger) = import_with_members(
        "id,joined\nM1,2020-01-01\n",
        "id,member,date,amount\nP1,M1,2025-06-01,150\nP2,M1,2025-09-01,100\n",
    );
    assert_eq!(
        (points(&ledger, "M1", "P2"), tier_changes(&ledger, "M1")),
        (d(15), vec![change("2025-06-01", None, Some("silver"))])
    );
}

/// Issue item 2, the other way: a member loaded without `joined` (so joined "today") whose
/// purchases are years old is still reviewed: silver in 2020, bronze on 1 January 2022
/// (nothing spent in 2021), so a purchase in June 2022 earns at bronze (and lifts them).
#[test]
fn item_2_a_member_loaded_without_joined_is_still_reviewed() {
    let (_dir, ledger) = import_with_members(
        "id\nM1\n",
        "id,member,date,amount\nP1,M1,2020-06-01,150\nP2,M1,2022-06-01,100\n",
    );
    assert_eq!(
        (points(&ledger, "M1", "P2"), tier_changes(&ledger, "M1")),
        (
            d(10),
            vec![
                change("2020-06-01", None, Some("silver")),
                change("2022-01-01", Some("silver"), Some("bronze")),
                change("2022-06-01", Some("bronze"), Some("silver")),
            ]
        )
    );
}

/// Issue item 3: 100 returned of a 300 purchase that earned 30 takes back 10, not 9.
#[test]
fn item_3_a_return_share_is_multiplied_before_it_is_rounded() {
    let policy = club("points");
    let ledger = Ledger::open_in_memory().expect("ledger");
    assert!(import(
        &ledger,
        &policy,
        "P1,M1,2025-01-10,300,,,\nR1,M1,2025-01-11,100,return,P1,\n",
        Some(1)
    )
    .is_empty());
    assert_eq!(
        (points(&ledger, "M1", "R1"), balance(&ledger, "M1")),
        (d(-10), d(20))
    );
}

/// Issue item 4: silver in 2025, all of it returned in 2026; the review on 1 January
/// 2027 measures -150 and leaves the member at bronze, the lowest tier, not at no tier.
#[test]
fn item_4_a_year_of_negative_net_spend_leaves_the_lowest_tier() {
    let policy = club("tiers");
    let ledger = Ledger::open_in_memory().expect("ledger");
    assert!(import(
        &ledger,
        &policy,
        "P1,M1,2025-03-01,150,,,\nR1,M1,2026-02-01,150,return,P1,\n",
        Some(1)
    )
    .is_empty());
    advance(&ledger, &policy, at("2027-01-02"));
    let changes = tier_changes(&ledger, "M1");
    assert_eq!(
        changes.last().and_then(|c| c.2.clone()).as_deref(),
        Some("bronze"),
        "{changes:?}"
    );
}

/// Issue item 5: P1's 60 points expired on 10 January 2026; returning P1 in March takes
/// nothing (the expired share is forgiven), not 60 of P2's points.
#[test]
fn item_5_a_return_after_expiry_does_not_take_the_expired_points_again() {
    let policy = club("points");
    let ledger = Ledger::open_in_memory().expect("ledger");
    assert!(import(
        &ledger,
        &policy,
        "P1,M1,2025-01-10,600,,,\nP2,M1,2026-02-01,1000,,,\nR1,M1,2026-03-01,600,return,P1,\n",
        Some(1)
    )
    .is_empty());
    assert_eq!(
        (
            points(&ledger, "M1", "R1"),
            balance(&ledger, "M1"),
            debt(&ledger, "M1")
        ),
        (d(0), d(100), d(0))
    );
}

/// Issue item 6: P1 +60; 50 redeemed; P1 returned: 10 taken, 50 owed; P2 +100 pays the
/// 50; P2 returned: the 50 left of P2 taken, 50 owed again. The debt is 50, not 0.
#[test]
fn item_6_returning_a_purchase_that_paid_a_debt_leaves_the_debt() {
    let policy = club("points");
    let ledger = Ledger::open_in_memory().expect("ledger");
    assert!(import(&ledger, &policy, "P1,M1,2025-01-10,600,,,\n", Some(1)).is_empty());
    assert!(redeem(
        &ledger,
        &policy,
        "X1",
        "M1",
        "gift",
        at("2025-01-11")
    ));
    assert!(import(&ledger, &policy, "R1,M1,2025-01-12,600,return,P1,\nP2,M1,2025-01-13,1000,,,\nR2,M1,2025-01-14,1000,return,P2,\n", Some(1)).is_empty());
    assert_eq!((balance(&ledger, "M1"), debt(&ledger, "M1")), (d(0), d(50)));
}

/// Found by the model: half of P1 returned after 50 of its 60 points were spent takes
/// the 10 left and leaves 20 owed; the other half takes 30 more (all owed). The debt is
/// 50 — what P1 gave less what is left — not 70: what was left owed counts as taken back.
#[test]
fn what_a_partial_return_left_owed_is_not_taken_again() {
    let policy = club("points");
    let ledger = Ledger::open_in_memory().expect("ledger");
    assert!(import(&ledger, &policy, "P1,M1,2025-01-10,600,,,\n", Some(1)).is_empty());
    assert!(redeem(
        &ledger,
        &policy,
        "X1",
        "M1",
        "gift",
        at("2025-01-11")
    ));
    assert!(import(
        &ledger,
        &policy,
        "R1,M1,2025-01-12,300,return,P1,\nR2,M1,2025-01-13,300,return,P1,\n",
        Some(1)
    )
    .is_empty());
    assert_eq!((balance(&ledger, "M1"), debt(&ledger, "M1")), (d(0), d(50)));
}

/// Found by the properties: a member who fails a deal, joins it again and fails again
/// gets a second claw-back; today its event id (`deal:<member>:<deal>:<period>`) is the
/// first one's, and the clock stops with a database error for the whole club.
#[test]
fn a_deal_joined_again_can_fail_again() {
    let policy = club("deal");
    let ledger = Ledger::open_in_memory().expect("ledger");
    assert!(import(
        &ledger,
        &policy,
        "E1,M1,2025-01-15,,enroll,,monthly\nP1,M1,2025-02-10,50,,,\n",
        Some(1)
    )
    .is_empty());
    advance(&ledger, &policy, at("2025-03-02"));
    assert!(import(
        &ledger,
        &policy,
        "E2,M1,2025-03-05,,enroll,,monthly\nP2,M1,2025-04-10,50,,,\n",
        Some(1)
    )
    .is_empty());
    ledger.begin().expect("begin");
    let result = bashgah::clock::advance(&ledger, &policy, at("2025-05-02"));
    let ok = result.is_ok();
    if ok {
        ledger.commit().expect("commit");
    } else {
        ledger.rollback().expect("rollback");
    }
    assert!(ok, "the clock failed: {:?}", result.err());
    let states: Vec<String> = ledger
        .deal_statuses("M1")
        .expect("deals")
        .iter()
        .map(|d| format!("{:?}", d.state))
        .collect();
    assert_eq!(
        (states, balance(&ledger, "M1")),
        (vec!["Failed".to_owned(), "Failed".to_owned()], d(10))
    );
}

/// Found by the properties: importing the same file again is a no-op — even for a row
/// that was rejected the first time (joining a deal the member was already in) and that
/// later rows made valid (the deal failed meanwhile). Today the second import accepts it,
/// so an import killed and run again can end unlike an uninterrupted one.
#[test]
fn importing_the_same_file_again_changes_nothing_even_for_rejected_rows() {
    let policy = club("deal");
    let ledger = Ledger::open_in_memory().expect("ledger");
    let rows = "E1,M1,2025-01-15,,enroll,,monthly\nE2,M1,2025-01-20,,enroll,,monthly\nP1,M1,2025-04-10,10,,,\n";
    let first = import(&ledger, &policy, rows, Some(1));
    assert_eq!(first, vec!["`M1` is already in deal `monthly`".to_owned()]);
    let before = ledger.dump().expect("dump");
    let second = import(&ledger, &policy, rows, Some(1));
    assert_eq!(
        (second, ledger.dump().expect("dump") == before),
        (first, true),
        "the second import changed the ledger"
    );
}

/// The policy tests of each fixture club, through `bashgah test`.
fn policy_tests(name: &str) {
    // In English, whatever a fixture's own `language:` (the tiers club's is Persian).
    let output = crate::bashgah_command()
        .args(["--lang", "en", "test"])
        .arg(fixture(name))
        .output()
        .expect("run bashgah test");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && text.contains(" 0 failed"),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn policy_tests_of_the_tier_regressions() {
    policy_tests("tiers");
}

#[test]
fn policy_tests_of_the_points_regressions() {
    policy_tests("points");
}

#[test]
fn policy_tests_of_the_deal_regressions() {
    policy_tests("deal");
}
