//! Commitment deals over Jalali months: completion at the right checkpoint, failure (or
//! grace) after a missed month, benefits ending on the right day, claw-back.

use std::sync::Arc;

use bashgah::import::{import_events, read_rows, FileFormat, ImportOptions, EVENT_COLUMNS};
use bashgah::ledger::Ledger;
use bashgah::member::DealState;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};

fn club(grace: u32) -> (tempfile::TempDir, Policy, Ledger) {
    let dir = crate::scratch();
    let club = dir.path().join("club");
    std::fs::create_dir_all(&club).unwrap();
    std::fs::write(
        club.join("club.yaml"),
        format!(
            "\
id: club
name: Deal club
currency: IRR
calendar: jalali
timezone: Asia/Tehran
rules:
  - {{id: base, function: base, description: base}}
tiers:
  - {{id: bronze, thresholds: {{individual: 0}}}}
  - {{id: gold, thresholds: {{individual: 100000000}}, multiplier: 2}}
deals:
  - id: monthly
    period: month
    periods: 3
    grace: {grace}
    target: spent_500k
    benefits: {{multiplier: 1.5, perks: [free_delivery]}}
    completion: {{bonus: 500, tier: gold, tier_months: 3}}
    failure: {{claw_back: true}}
"
        ),
    )
    .unwrap();
    std::fs::write(
        club.join("earn.rhai"),
        "fn base(event, member) { event.amount / 10000 }\nfn spent_500k(member, period) { period.spend >= 500000 }\n",
    )
    .unwrap();
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    let policy = match Policy::load(&club, &engine) {
        Ok((policy, _)) => policy,
        Err(problems) => panic!("{}", bashgah::diagnostic::render_all(&problems)),
    };
    (dir, policy, Ledger::open_in_memory().unwrap())
}

/// Rows of events with a deal column, after the header.
fn rows(csv: &str) -> bashgah::import::Rows {
    let text = format!("id,member,date,amount,type,deal\n{csv}");
    read_rows(
        std::io::Cursor::new(text.into_bytes()),
        FileFormat::Csv,
        "e.csv",
        &EVENT_COLUMNS,
    )
    .unwrap()
}

fn import(ledger: &Ledger, policy: &Policy, csv: &str) {
    let report = import_events(ledger, policy, rows(csv), ImportOptions::default()).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

fn advance(ledger: &Ledger, policy: &Policy, to: &str) {
    let to = bashgah::time::parse_event_time(to, policy.club.calendar, policy.zone).unwrap();
    ledger.begin().unwrap();
    let report = bashgah::clock::advance(ledger, policy, to).unwrap();
    ledger.commit().unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
}

fn points(ledger: &Ledger, member: &str) -> Vec<(String, String, String)> {
    ledger
        .statement(member)
        .unwrap()
        .into_iter()
        .map(|l| (l.event, l.rule, l.points.to_string()))
        .collect()
}

fn state(ledger: &Ledger, member: &str) -> (DealState, u32, u32) {
    let deal = ledger.deal_statuses(member).unwrap().pop().unwrap();
    (deal.state, deal.kept, deal.missed)
}

/// Enrolled on 20 Shahrivar 1403: the months are Mehr, Aban and Azar (30 days each), so
/// the completion checkpoint is 1 Dey 1403.
#[test]
fn keeping_three_jalali_months_completes_at_the_start_of_the_fourth() {
    let (_dir, policy, ledger) = club(0);
    import(
        &ledger,
        &policy,
        "E1,M1,1403-06-20,,enroll,monthly\nP1,M1,1403-07-05,600000,purchase,\nP2,M1,1403-08-30,500000,purchase,\nP3,M1,1403-09-30 23:00,500000,purchase,\n",
    );
    advance(&ledger, &policy, "1403-09-30 23:59");
    assert_eq!(
        state(&ledger, "M1"),
        (DealState::Active, 2, 0),
        "the third month is still open"
    );
    advance(&ledger, &policy, "1403-10-01");
    assert_eq!(state(&ledger, "M1"), (DealState::Completed, 3, 0));
    let bonus = points(&ledger, "M1").pop().unwrap();
    assert_eq!(
        bonus,
        (
            "deal:M1:monthly:3".into(),
            "deal:monthly".into(),
            "500".into()
        )
    );
    // The completion tier (gold, ×2) holds for three months, to 1 Farvardin 1404.
    import(&ledger, &policy, "P4,M1,1403-12-01,100000,purchase,\n");
    assert_eq!(
        points(&ledger, "M1").pop().unwrap(),
        ("P4".into(), "base".into(), "20".into())
    );
    advance(&ledger, &policy, "1404-01-01");
    import(&ledger, &policy, "P5,M1,1404-01-02,100000,purchase,\n");
    assert_eq!(
        points(&ledger, "M1").pop().unwrap(),
        ("P5".into(), "base".into(), "10".into())
    );
}

/// Missing Aban fails the deal at its checkpoint, 1 Azar: the extra points end that day,
/// and those it gave are taken back.
#[test]
fn missing_a_month_fails_the_deal_and_ends_its_benefits_that_day() {
    let (_dir, policy, ledger) = club(0);
    import(
        &ledger,
        &policy,
        "E1,M2,1403-06-20,,enroll,monthly\nQ1,M2,1403-07-05,600000,purchase,\nQ2,M2,1403-08-29,100000,purchase,\n",
    );
    // Still active on the last day of Aban: a purchase then earns the deal's extra.
    import(
        &ledger,
        &policy,
        "Q3,M2,1403-08-30 22:00,100000,purchase,\n",
    );
    assert!(points(&ledger, "M2")
        .iter()
        .any(|(e, r, _)| e == "Q3" && r == "deal:monthly"));
    advance(&ledger, &policy, "1403-09-01");
    assert_eq!(state(&ledger, "M2"), (DealState::Failed, 1, 1));
    let clawback = points(&ledger, "M2").pop().unwrap();
    // 30 (Q1) + 5 (Q2) + 5 (Q3) extra points, taken back at the checkpoint.
    assert_eq!(
        clawback,
        (
            "deal:M2:monthly:2".into(),
            "deal:monthly".into(),
            "-40".into()
        )
    );
    // From 1 Azar on, no extra.
    import(
        &ledger,
        &policy,
        "Q4,M2,1403-09-01 10:00,100000,purchase,\n",
    );
    let after: Vec<_> = points(&ledger, "M2")
        .into_iter()
        .filter(|(e, _, _)| e == "Q4")
        .collect();
    assert_eq!(after, vec![("Q4".into(), "base".into(), "10".into())]);
}

#[test]
fn a_grace_period_forgives_one_missed_month() {
    let (_dir, policy, ledger) = club(1);
    import(
        &ledger,
        &policy,
        "E1,M3,1403-06-20,,enroll,monthly\nR1,M3,1403-07-05,600000,purchase,\nR2,M3,1403-09-05,600000,purchase,\n",
    );
    advance(&ledger, &policy, "1403-10-01");
    assert_eq!(state(&ledger, "M3"), (DealState::Completed, 2, 1));
}

#[test]
fn an_enrolment_must_name_a_deal_of_the_club() {
    let (_dir, policy, ledger) = club(0);
    let rows = rows("E1,M1,1403-06-20,,enroll,monthy\n");
    let report = import_events(&ledger, &policy, rows, ImportOptions::default()).unwrap();
    assert_eq!(report.problems.len(), 1);
    let problem = &report.problems[0];
    assert_eq!(
        (problem.column.as_deref(), problem.message.as_str()),
        (
            Some("deal"),
            "no deal `monthy` in this club; did you mean `monthly`?"
        )
    );
}

/// A member who joins a deal has room kept for that one status, not for the four a first
/// push makes room for: a book keeps its deals while it is held and while it is kept
/// compact, and three empty statuses were a fifth of a realistic member's compact book
/// (issue 14).
#[test]
fn a_joined_deal_takes_the_room_of_one_status() {
    let (_dir, policy, ledger) = club(0);
    let row = rows("j1,m1,1404-01-01,0,enroll,monthly\n")
        .next()
        .unwrap()
        .unwrap();
    let event = bashgah::import::event_from_row(&row, &policy).unwrap();
    ledger.begin().unwrap();
    let mut recorder = bashgah::recording::Recorder::new(&ledger, &policy);
    recorder.event(&event, event.fingerprint()).unwrap();
    let deals = &recorder.member("m1").unwrap().state.deals;
    assert_eq!((deals.len(), deals.capacity()), (1, 1));
    recorder.finish().unwrap();
    ledger.commit().unwrap();
    assert_eq!(state(&ledger, "m1"), (DealState::Active, 0, 0));
}
