//! "The ledger is the same however the events arrive": each delivery mode against the
//! same history delivered one event per transaction (what a till posting over HTTP
//! does), compared fact by fact.

use std::collections::BTreeMap;

use bashgah::ledger::Ledger;
use proptest::prelude::*;
use proptest::test_runner::{
    Config as RunnerConfig, FileFailurePersistence, TestCaseError, TestRunner,
};
use rust_decimal::Decimal;

use crate::consistency::clubs::{load, temp_club, Config, RHAI};
use crate::consistency::deliver::{advance, deliver, import, Mode};
use crate::consistency::facts::{difference, facts, Facts};
use crate::consistency::history::{realize, spec, History, Spec};
use crate::consistency::server::{deliver_http, Pool};

/// Cases per property (CI runs this many); shrinking a failure is bounded in time so
/// that a broken engine still gives an answer in minutes.
/// `CONSISTENCY_CASES` and `CONSISTENCY_SHRINK_SECONDS` change both while working.
pub fn runner_config(cases: u32) -> RunnerConfig {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u32>().ok());
    RunnerConfig {
        cases: env("CONSISTENCY_CASES").unwrap_or(cases),
        max_shrink_time: 1000 * env("CONSISTENCY_SHRINK_SECONDS").unwrap_or(20),
        max_shrink_iters: 100_000,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..RunnerConfig::default()
    }
}

pub fn case() -> impl Strategy<Value = (Config, Spec)> {
    prop::sample::select(Config::ALL.to_vec())
        .prop_flat_map(|config| (Just(config), spec(config.features(), 8..48)))
}

/// The history delivered one event per transaction, each member read back from the
/// ledger for every event: the reference every mode must equal.
fn one_by_one(policy: &bashgah::policy::Policy, history: &History) -> (Facts, Vec<String>) {
    let ledger = Ledger::open_in_memory().expect("ledger");
    let log = deliver(&ledger, policy, history, &Mode::Reference);
    (facts(&ledger, &history.members, history.end), log)
}

fn failure(
    config: Config,
    history: &History,
    what: &str,
    diff: &str,
    logs: &[(&str, &[String])],
) -> TestCaseError {
    let mut message = format!(
        "{what} differs from one event per transaction\nclub {config:?}:\n{}\nhistory:\n{}\n{diff}",
        config.yaml("shop"),
        history.describe()
    );
    for (name, log) in logs {
        if !log.is_empty() {
            message.push_str(&format!("{name} log: {log:?}\n"));
        }
    }
    TestCaseError::fail(message)
}

/// Runs `f`; a panic (the engine failing, e.g. a ledger error) becomes a failure that
/// shows the history.
pub fn guarded<T>(
    club: &str,
    history: &History,
    what: &str,
    f: impl FnOnce() -> T,
) -> Result<T, TestCaseError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        TestCaseError::fail(format!(
            "delivering {what} failed: {message}\nclub:\n{club}\nhistory:\n{}",
            history.describe()
        ))
    })
}

/// The history one event per transaction. If even that fails (the engine errs: today a
/// second claw-back of a deal joined again reuses the first one's event id, see
/// `regressions::a_deal_joined_again_can_fail_again`), there is no reference to compare
/// with and the case is set aside (a proptest rejection, not a pass).
fn reference(
    config: Config,
    policy: &bashgah::policy::Policy,
    history: &History,
) -> Result<(Facts, Vec<String>), TestCaseError> {
    guarded(&config.yaml("shop"), history, "one by one", || {
        one_by_one(policy, history)
    })
    .map_err(|error| TestCaseError::reject(format!("the reference delivery failed: {error}")))
}

/// The store a mode delivers into; the reference is always SQLite's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Store {
    Sqlite,
    /// A schema of its own in `BASHGAH_TEST_POSTGRES` (issue 15).
    Postgres,
}

/// Delivers `spec` in each of `modes` into `store`, and once one by one into SQLite;
/// fails with the first mode that differs.
///
/// The reference is computed once per history and every mode is held to it: each mode
/// still meets as many random histories as it would in a property of its own, for about
/// half the work (the reference, one transaction per event, costs as much as a mode).
fn every_mode_same_as_one_by_one(
    store: Store,
    config: Config,
    spec: &Spec,
    modes: &[Mode],
) -> Result<(), TestCaseError> {
    if store == Store::Postgres && crate::pg::url().is_none() {
        return Ok(());
    }
    let club = temp_club("shop", &config.yaml("shop"), RHAI);
    let history = realize(spec);
    let (expected, expected_log) = reference(config, &club.policy, &history)?;
    for mode in modes {
        let what = format!("{mode:?} in {store:?}");
        let (actual, log) = guarded(&config.yaml("shop"), &history, &what, || {
            let postgres = match store {
                Store::Sqlite => None,
                Store::Postgres => crate::pg::PgLedger::fresh("prop"),
            };
            let in_memory;
            let ledger: &Ledger = match &postgres {
                Some(pg) => {
                    // Both ways PostgreSQL reads a book are held to the reference: in one
                    // round trip (as the host process does) here, prepared (as imports do)
                    // in the batch and split modes.
                    if matches!(
                        mode,
                        Mode::Reference | Mode::FewBooks(_) | Mode::Killed { .. }
                    ) {
                        pg.read_books_in_one_trip();
                    }
                    pg
                }
                None => {
                    in_memory = Ledger::open_in_memory().expect("ledger");
                    &in_memory
                }
            };
            let log = deliver(ledger, &club.policy, &history, mode);
            (facts(ledger, &history.members, history.end), log)
        })?;
        if let Some(diff) = difference("one-by-one", &expected, &what, &actual) {
            return Err(failure(
                config,
                &history,
                &format!("{mode:?}"),
                &diff,
                &[("one-by-one", &expected_log), ("mode", &log)],
            ));
        }
    }
    Ok(())
}

/// The ways of importing a history that must all give the one-by-one ledger: batches of
/// seven and the default batch; member books kept from batch to batch, and written and
/// forgotten mid-batch when there are too many (issue 14); the file split in pieces
/// (`percents`); an import killed and resumed (`killed_at`), and killed in batches of one
/// late in a run as often as anywhere (`killed_late_at`: a row rejected before the kill
/// and valid after a later row changed its member is what goes wrong there).
fn import_modes(percents: Vec<u8>, killed_at: Vec<u8>, killed_late_at: Vec<u8>) -> Vec<Mode> {
    vec![
        Mode::Batches(Some(7)),
        Mode::FewBooks(5),
        Mode::Batches(None),
        Mode::Split(percents),
        Mode::Killed {
            at: killed_at,
            batch_size: None,
        },
        Mode::Killed {
            at: killed_late_at,
            batch_size: Some(1),
        },
    ]
}

proptest! {
    #![proptest_config(runner_config(256))]

    #[test]
    fn every_way_of_importing_gives_the_one_by_one_ledger(
        (config, spec) in case(),
        percents in prop::collection::vec(1..100u8, 1..=2),
        killed_at in prop::collection::vec(0..=100u8, 1..4),
        killed_late_at in prop::collection::vec(prop_oneof![0..=100u8, 75..=100u8], 1..4),
    ) {
        let modes = import_modes(percents, killed_at, killed_late_at);
        every_mode_same_as_one_by_one(Store::Sqlite, config, &spec, &modes)?;
    }

    #[test]
    fn simulate_adds_up_to_what_the_import_gave((config, spec) in simulate_case()) {
        simulate_equals_import(config, &spec)?;
    }
}

// The same modes with the ledger in PostgreSQL, against the one-by-one reference in
// SQLite: the same ledger whatever the store (issue 15). Fewer cases, since each mode
// makes a schema; `CONSISTENCY_CASES` changes them with the rest.
proptest! {
    #![proptest_config(runner_config(24))]

    #[test]
    fn every_way_of_delivering_into_postgres_gives_the_one_by_one_ledger(
        (config, spec) in case(),
        percents in prop::collection::vec(1..100u8, 1..=2),
        killed_at in prop::collection::vec(0..=100u8, 1..4),
    ) {
        // One event per transaction too (the host process's way), and no late kills in
        // batches of one: each mode is a schema of its own.
        let modes = [
            Mode::Reference,
            Mode::Batches(Some(7)),
            Mode::FewBooks(5),
            Mode::Batches(None),
            Mode::Split(percents),
            Mode::Killed { at: killed_at, batch_size: None },
        ];
        every_mode_same_as_one_by_one(Store::Postgres, config, &spec, &modes)?;
    }
}

/// Histories `simulate` can replay: event rows only (no redemptions, no advances).
fn simulate_case() -> impl Strategy<Value = (Config, Spec)> {
    prop::sample::select(Config::ALL.to_vec()).prop_flat_map(|config| {
        let features = crate::consistency::history::Features {
            redemptions: false,
            advances: false,
            ..config.features()
        };
        (Just(config), spec(features, 8..48))
    })
}

/// The totals `simulate` reports, computed from a ledger's statements.
#[derive(Debug, Default, PartialEq)]
struct Totals {
    events: u64,
    rejected: u64,
    issued: Decimal,
    issued_by_rule: BTreeMap<String, Decimal>,
    reversed: Decimal,
    spent: Decimal,
    expired: Decimal,
    outstanding: Decimal,
    members_per_tier: BTreeMap<String, u64>,
    deal_points: BTreeMap<String, Decimal>,
    members: BTreeMap<String, (Decimal, String)>,
}

fn totals_of(ledger: &Ledger, members: &[String], accepted: u64, rejected: u64) -> Totals {
    let mut t = Totals {
        events: accepted,
        rejected,
        ..Totals::default()
    };
    for member in members {
        for line in ledger.statement(member).expect("statement") {
            let p = line.points;
            if line.rule == "debt" {
                t.reversed -= p;
            } else {
                match line.event_type.as_str() {
                    "expiry" => t.expired -= p,
                    "return" => t.reversed -= p,
                    "redemption" => t.spent -= p,
                    "deal" if p.is_sign_negative() => t.reversed -= p,
                    _ if p.is_sign_negative() => t.spent -= p,
                    _ => {
                        t.issued += p;
                        *t.issued_by_rule.entry(line.rule.clone()).or_default() += p;
                    }
                }
            }
            if let Some(deal) = line.rule.strip_prefix("deal:") {
                *t.deal_points.entry(deal.to_owned()).or_default() += p;
            }
        }
        let Some(summary) = ledger.member_summary(member).expect("summary") else {
            continue;
        };
        let tier = ledger
            .tier_changes(member)
            .expect("tier changes")
            .last()
            .and_then(|c| c.to.clone())
            .unwrap_or_else(|| "none".into());
        t.outstanding += summary.balance;
        *t.members_per_tier.entry(tier.clone()).or_default() += 1;
        t.members.insert(member.clone(), (summary.balance, tier));
    }
    t
}

fn simulate_equals_import(config: Config, spec: &Spec) -> Result<(), TestCaseError> {
    let club = temp_club("shop", &config.yaml("shop"), RHAI);
    let history = realize(spec);
    let rows = history.rows();
    // The import, one event per transaction, then the clock run to the last event, as
    // `simulate` does.
    let expected = guarded(&config.yaml("shop"), &history, "one by one", || {
        let ledger = Ledger::open_in_memory().expect("ledger");
        let mut rejected = 0;
        for row in &rows {
            rejected += import(
                &ledger,
                &club.policy,
                std::slice::from_ref(row),
                bashgah::import::ImportOptions::default(),
            )
            .len() as u64;
        }
        // Simulate runs the clock to its ledger's clock: the last event applied (a
        // rejected last row moves no clock).
        if let Some(last) = ledger.now().expect("clock") {
            advance(&ledger, &club.policy, last);
        }
        totals_of(
            &ledger,
            &history.members,
            rows.len() as u64 - rejected,
            rejected,
        )
    })
    .map_err(|error| TestCaseError::reject(format!("the reference import failed: {error}")))?;

    let mut text = String::from(crate::consistency::history::CSV_HEADER);
    for row in &rows {
        text.push_str(&row.csv());
    }
    let read = bashgah::import::read_rows(
        std::io::Cursor::new(text.into_bytes()),
        bashgah::import::FileFormat::Csv,
        "history.csv",
        &bashgah::import::EVENT_COLUMNS,
    )
    .expect("rows");
    let sim = guarded(&config.yaml("shop"), &history, "to simulate", || {
        bashgah::simulate::simulate(&club.policy, None, read).expect("simulate")
    })?;
    let actual = Totals {
        events: sim.events,
        rejected: sim.rejected,
        issued: sim.issued,
        issued_by_rule: sim.issued_by_rule.clone(),
        reversed: sim.reversed,
        spent: sim.spent,
        expired: sim.expired,
        outstanding: sim.outstanding,
        members_per_tier: if club.policy.club.tiers.is_empty() {
            BTreeMap::new()
        } else {
            sim.members_per_tier.clone()
        },
        deal_points: sim.deal_points.clone(),
        members: sim.members.clone(),
    };
    if expected != actual {
        return Err(TestCaseError::fail(format!(
            "simulate's totals differ from the import's (one event per transaction)\nclub {config:?}\nhistory:\n{}\nimport:   {expected:?}\nsimulate: {actual:?}",
            history.describe()
        )));
    }
    Ok(())
}

/// The HTTP mode: every event, advance and redemption its own request to a real
/// `bashgah serve`. Runs with a pool of servers (see `server.rs`), so not through the
/// `proptest!` macro: the pool is shut down after the run, pass or fail.
#[test]
fn posting_over_http_one_at_a_time_gives_the_same_ledger() {
    let cases = std::env::var("CONSISTENCY_HTTP_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    let pool = std::cell::RefCell::new(Pool::new(12));
    let mut runner = TestRunner::new(RunnerConfig {
        // The pool's clubs are not named after the source file: persist by path.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/consistency/http.proptest-regressions",
        ))),
        ..runner_config(cases)
    });
    let result = runner.run(&case(), |(config, spec)| {
        let history = realize(&spec);
        let mut pool = pool.borrow_mut();
        let slot = pool.take(config);
        let policy = load(&slot.dir);
        let (expected, expected_log) = reference(config, &policy, &history)?;
        let (actual, log) = guarded(&config.yaml(&slot.club), &history, "over HTTP", || {
            let log = deliver_http(pool.server(&slot), &slot.club, &history);
            let served = Ledger::open(&slot.db).expect("the served ledger");
            (facts(&served, &history.members, history.end), log)
        })?;
        match difference("one-by-one", &expected, "http", &actual) {
            None => Ok(()),
            Some(diff) => Err(failure(
                config,
                &history,
                "HTTP",
                &diff,
                &[("one-by-one", &expected_log), ("http", &log)],
            )),
        }
    });
    drop(pool);
    if let Err(error) = result {
        panic!("{error}");
    }
}
