//! Delivering a history to a ledger: the same steps in the same order, with the event
//! rows between two other steps (an advance, a redemption) imported as one file — in
//! batches of some size, split in pieces, or killed part-way and imported again.

use bashgah::import::{
    event_from_row, import_events, read_rows, FileFormat, ImportOptions, EVENT_COLUMNS,
};
use bashgah::ledger::Ledger;
use bashgah::policy::Policy;
use bashgah::recording::{BookLimits, Disposition, ManualError, Recorder};

use crate::consistency::history::{History, Row, Step, CSV_HEADER};

/// How the rows of each run of events reach the ledger.
#[derive(Debug, Clone)]
pub enum Mode {
    /// One import per run, committing every `batch_size` events (`None`: the default;
    /// with a size, rows come three at a time).
    Batches(Option<usize>),
    /// One event per transaction, decided and recorded on this thread by a recorder of its
    /// own (no writer thread, nothing read ahead, every member's book read back from the
    /// ledger): the reference.
    Reference,
    /// Batches of `batch_size` with at most two member books and a few dozen facts held
    /// in memory: books written and forgotten mid-batch (a few kept compact, the rest
    /// read back), and kept across commits; rows two at a time.
    FewBooks(usize),
    /// Each run split at these percentages of its rows, the pieces imported one after
    /// the other.
    Split(Vec<u8>),
    /// Each run's first rows (this percentage, cycling through the list run by run)
    /// imported and committed, then the whole run again: an import killed at a batch
    /// boundary and run again.
    Killed {
        at: Vec<u8>,
        batch_size: Option<usize>,
    },
}

/// Import options: with a batch size, rows also come three at a time, so that the
/// writer reads ahead across many chunks (while earlier ones are still being written).
fn options(batch_size: Option<usize>) -> ImportOptions {
    match batch_size {
        Some(batch_size) => ImportOptions {
            batch_size,
            chunk: 3,
            ..ImportOptions::default()
        },
        None => ImportOptions::default(),
    }
}

/// `rows` as one CSV file, read as an import reads it.
fn as_file(rows: &[&Row]) -> bashgah::import::Rows {
    let mut text = String::from(CSV_HEADER);
    for row in rows {
        text.push_str(&row.csv());
    }
    read_rows(
        std::io::Cursor::new(text.into_bytes()),
        FileFormat::Csv,
        "history.csv",
        &EVENT_COLUMNS,
    )
    .expect("the header is complete")
}

/// Imports `rows` as one CSV file; returns what was rejected (id: why).
pub fn import(
    ledger: &Ledger,
    policy: &Policy,
    rows: &[&Row],
    options: ImportOptions,
) -> Vec<String> {
    let read = as_file(rows);
    let report = import_events(ledger, policy, read, options).expect("the ledger works");
    assert_eq!(
        report.conflicts, 0,
        "no row is a conflict: {:?}",
        report.problems
    );
    report
        .problems
        .iter()
        .map(|p| format!("line {}: {}", p.line, p.message))
        .collect()
}

/// The rows of one run read as an import reads them, then each event applied in a
/// transaction of its own by a [`Recorder`] on this thread; returns what was rejected.
fn one_at_a_time(ledger: &Ledger, policy: &Policy, rows: &[&Row]) -> Vec<String> {
    let read = as_file(rows);
    let mut log = Vec::new();
    for row in read {
        let event = match row.and_then(|row| Ok((row.line, event_from_row(&row, policy)?))) {
            Ok(event) => event,
            Err(problem) => {
                log.push(format!("line {}: {}", problem.line, problem.message));
                continue;
            }
        };
        let (line, event) = event;
        ledger.begin().expect("begin");
        let mut recorder = Recorder::new(ledger, policy).remember_rejections(false);
        match recorder
            .event(&event, event.fingerprint())
            .expect("the ledger works")
        {
            Disposition::Applied { .. } | Disposition::Duplicate => {}
            Disposition::Conflict => panic!("no row is a conflict: `{}`", event.id),
            Disposition::Rejected(error) => log.push(format!("line {line}: {}", error.message)),
        }
        recorder.finish().expect("the ledger works");
        ledger.commit().expect("commit");
    }
    log
}

/// Runs the clock to `at` in its own transaction.
pub fn advance(ledger: &Ledger, policy: &Policy, at: chrono::DateTime<chrono::Utc>) {
    ledger.begin().expect("begin");
    bashgah::clock::advance(ledger, policy, at).expect("the clock runs");
    ledger.commit().expect("commit");
}

/// Redeems in its own transaction; `false` if refused (nothing changed).
pub fn redeem(
    ledger: &Ledger,
    policy: &Policy,
    id: &str,
    member: &str,
    reward: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> bool {
    ledger.begin().expect("begin");
    match ledger.redeem(policy, id, member, reward, at) {
        Ok(_) => {
            ledger.commit().expect("commit");
            true
        }
        Err(ManualError::Refused(_)) => {
            ledger.rollback().expect("rollback");
            false
        }
        Err(error) => panic!("the ledger failed: {error}"),
    }
}

/// Splits `n` rows at `percents` of it: the piece boundaries, first and last included.
fn cuts(n: usize, percents: &[u8]) -> Vec<usize> {
    let mut cuts: Vec<usize> = percents.iter().map(|p| n * usize::from(*p) / 100).collect();
    cuts.push(0);
    cuts.push(n);
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// Delivers `history` to `ledger` in `mode`; returns a log of refusals and rejections.
pub fn deliver(ledger: &Ledger, policy: &Policy, history: &History, mode: &Mode) -> Vec<String> {
    let mut log = Vec::new();
    let mut run: Vec<&Row> = Vec::new();
    let mut runs = 0usize;
    let mut flush = |run: &mut Vec<&Row>, log: &mut Vec<String>| {
        if run.is_empty() {
            return;
        }
        match mode {
            Mode::Batches(size) => log.extend(import(ledger, policy, run, options(*size))),
            Mode::Reference => log.extend(one_at_a_time(ledger, policy, run)),
            Mode::FewBooks(batch_size) => log.extend(import(
                ledger,
                policy,
                run,
                ImportOptions {
                    batch_size: *batch_size,
                    books: BookLimits {
                        members: 2,
                        facts: 40,
                        history_facts: 40,
                        // Forgotten books kept compact, a few: some come back from
                        // there, the rest are read back from the ledger.
                        cold_bytes: 6_000,
                    },
                    // Books read ahead for the next chunk while this one writes and
                    // forgets some: what was read ahead must not be trusted then.
                    chunk: 2,
                    ..ImportOptions::default()
                },
            )),
            Mode::Split(percents) => {
                for piece in cuts(run.len(), percents).windows(2) {
                    log.extend(import(
                        ledger,
                        policy,
                        &run[piece[0]..piece[1]],
                        ImportOptions::default(),
                    ));
                }
            }
            Mode::Killed { at, batch_size } => {
                let percent = at[runs % at.len()];
                let k = run.len() * usize::from(percent) / 100;
                log.extend(import(ledger, policy, &run[..k], options(*batch_size)));
                log.extend(import(ledger, policy, run, options(*batch_size)));
            }
        }
        runs += 1;
        run.clear();
    };
    for step in &history.steps {
        match step {
            Step::Event(row) => run.push(row),
            Step::Advance(at) => {
                flush(&mut run, &mut log);
                advance(ledger, policy, *at);
            }
            Step::Redeem {
                id,
                member,
                reward,
                at,
            } => {
                flush(&mut run, &mut log);
                if !redeem(ledger, policy, id, member, reward, *at) {
                    log.push(format!("{id}: refused"));
                }
            }
        }
    }
    flush(&mut run, &mut log);
    log
}

#[test]
fn cuts_cover_every_row_once() {
    assert_eq!(cuts(10, &[30, 70]), vec![0, 3, 7, 10]);
    assert_eq!(cuts(1, &[50]), vec![0, 1]);
    assert_eq!(cuts(5, &[0, 100]), vec![0, 5]);
}
