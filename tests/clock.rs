//! Time passing: birthdays and anniversaries written when the clock passes them (in the
//! club's calendar), the same ledger however the advances are split, and late events.

use std::sync::Arc;

use bashgah::import::{
    import_events, import_members, read_rows, FileFormat, ImportOptions, EVENT_COLUMNS,
};
use bashgah::ledger::Ledger;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};

const CLUB: &str = "\
id: shop
name: Shop
currency: IRR
calendar: jalali
timezone: Asia/Tehran
rules:
  - {id: base, function: base, description: 1 point per 1000}
  - {id: birthday, function: birthday, events: [birthday], description: happy birthday}
  - {id: anniversary, function: anniversary, events: [anniversary]}
tiers:
  - {id: bronze, thresholds: {individual: 0}}
  - {id: silver, thresholds: {individual: 500000}, multiplier: 2}
tiering: {window: calendar_year, review: year}
";

const RHAI: &str = "\
fn base(event, member) { event.amount / 1000 }
fn birthday(event, member) { award(100, `happy birthday, ${event.date}`) }
fn anniversary(event, member) { award(50, `a year with us, ${event.date}`) }
";

fn club() -> (tempfile::TempDir, Policy, Ledger) {
    let dir = crate::scratch();
    let club = dir.path().join("shop");
    std::fs::create_dir_all(&club).unwrap();
    std::fs::write(club.join("club.yaml"), CLUB).unwrap();
    std::fs::write(club.join("earn.rhai"), RHAI).unwrap();
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    let policy = match Policy::load(&club, &engine) {
        Ok((policy, _)) => policy,
        Err(problems) => panic!("{}", bashgah::diagnostic::render_all(&problems)),
    };
    let ledger = Ledger::open_in_memory().unwrap();
    let members = "id,birthday,joined\nM1,1375-12-30,1402-06-15\n";
    let rows = read_rows(
        std::io::Cursor::new(members.as_bytes().to_vec()),
        FileFormat::Csv,
        "m.csv",
        &["id"],
    )
    .unwrap();
    import_members(
        &ledger,
        &policy,
        rows,
        chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .unwrap()
            .to_utc(),
    )
    .unwrap();
    (dir, policy, ledger)
}

fn import(ledger: &Ledger, policy: &Policy, csv: &str) {
    let text = format!("id,member,date,amount\n{csv}");
    let rows = read_rows(
        std::io::Cursor::new(text.into_bytes()),
        FileFormat::Csv,
        "e.csv",
        &EVENT_COLUMNS,
    )
    .unwrap();
    let report = import_events(ledger, policy, rows, ImportOptions::default()).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

fn advance(ledger: &Ledger, policy: &Policy, to: &str) {
    let to = bashgah::time::parse_event_time(to, policy.club.calendar, policy.zone).unwrap();
    ledger.begin().unwrap();
    bashgah::clock::advance(ledger, policy, to).unwrap();
    ledger.commit().unwrap();
}

fn lines(ledger: &Ledger) -> Vec<(String, String, String)> {
    ledger
        .statement("M1")
        .unwrap()
        .into_iter()
        .map(|l| (l.event, l.points.to_string(), l.reason))
        .collect()
}

/// Born on 30 Esfand (a leap day): celebrated on 30 Esfand in 1403 (leap) and on
/// 29 Esfand in 1404 (common); the joining anniversary on 15 Shahrivar.
#[test]
fn birthdays_and_anniversaries_follow_the_jalali_calendar() {
    let (_dir, policy, ledger) = club();
    import(&ledger, &policy, "P1,M1,1403-01-10,20000\n");
    advance(&ledger, &policy, "1403-12-29");
    advance(&ledger, &policy, "1405-01-01");
    let expected = [
        // Joined in 1402 (common year): 29 Esfand 1402, written before the first purchase.
        ("birthday:M1:1402", "100", "happy birthday, 1402-12-29"),
        ("P1", "20", "1 point per 1000"),
        ("anniversary:M1:1403", "50", "a year with us, 1403-06-15"),
        ("birthday:M1:1403", "100", "happy birthday, 1403-12-30"),
        ("anniversary:M1:1404", "50", "a year with us, 1404-06-15"),
        ("birthday:M1:1404", "100", "happy birthday, 1404-12-29"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(e, p, r)| (e.to_string(), p.to_string(), r.to_string()))
        .collect();
    assert_eq!(lines(&ledger), expected);
}

/// The same events and advances give the same ledger, however the advances are split,
/// and advancing again writes nothing twice.
#[test]
fn the_ledger_does_not_depend_on_how_time_was_advanced() {
    let (_dir, policy, one_step) = club();
    import(&one_step, &policy, "P1,M1,1403-01-10,20000\n");
    advance(&one_step, &policy, "1405-01-01");
    let (_dir2, policy2, many_steps) = club();
    import(&many_steps, &policy2, "P1,M1,1403-01-10,20000\n");
    for to in [
        "1403-06-14",
        "1403-06-15",
        "1403-06-15 12:00",
        "1404-01-01",
        "1404-12-29",
        "1405-01-01",
        "1405-01-01",
    ] {
        advance(&many_steps, &policy2, to);
    }
    assert_eq!(one_step.dump().unwrap(), many_steps.dump().unwrap());
}

/// An event dated before the clock is applied at its own time; reviews already run are
/// not run again, and it counts towards the windows still to come.
#[test]
fn a_late_event_is_applied_at_its_own_time() {
    let (_dir, policy, ledger) = club();
    import(&ledger, &policy, "P1,M1,1403-02-01,100000\n");
    // The review at the start of 1404 has run: 1403 spend (100,000) keeps bronze.
    advance(&ledger, &policy, "1404-01-10");
    // A purchase from 1403 arrives late: it lifts the member at once, dated when it happened.
    import(&ledger, &policy, "P2,M1,1403-11-20,600000\n");
    let changes = ledger.tier_changes("M1").unwrap();
    let last = changes.last().unwrap();
    assert_eq!(
        (last.to.as_deref(), last.reason.as_str()),
        (
            Some("silver"),
            "700,000 IRR spent over calendar_year reaches silver"
        )
    );
    // Midnight of 1403-11-20 (2025-02-08) in Tehran.
    assert_eq!(last.time, "2025-02-07T20:30:00Z");
    // Its points were earned at the new rate (upgrade_earns_at: new).
    let p2 = lines(&ledger)
        .into_iter()
        .find(|(e, _, _)| e == "P2")
        .unwrap();
    assert_eq!(p2.1, "1200");
    // The next review (start of 1405) measures 1404, which has no purchase: bronze again.
    advance(&ledger, &policy, "1405-01-01");
    assert_eq!(
        ledger
            .tier_changes("M1")
            .unwrap()
            .last()
            .unwrap()
            .to
            .as_deref(),
        Some("bronze")
    );
}
