//! The import loop: rows read on one thread, then each event through the write path
//! ([`Recorder`]), committed in batches.
//!
//! Batches make a million-row import fast; because each batch is one transaction and a
//! re-run skips events already present, an import killed half-way and run again ends with
//! exactly the ledger an uninterrupted run would have written.

use super::event_row::event_from_row;
use super::report::{ImportReport, ProblemKind, RowProblem};
use super::rows::Row;
use crate::event::Event;
use crate::ledger::{Ledger, LedgerError};
use crate::policy::Policy;
use crate::recording::{BookLimits, Disposition, Recorder};

#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Events per transaction. Larger batches write each b-tree page fewer times; the
    /// books held stay bounded by `books` whatever the size.
    pub batch_size: usize,
    /// Evaluate and report, but write nothing.
    pub dry_run: bool,
    /// Decide again rows an earlier import rejected. Otherwise a row rejected before
    /// (same id, content and policy version) is rejected again the same way, so a file
    /// imported again — or an import killed and resumed — ends as if it ran once.
    pub retry_rejected: bool,
    /// How many member books are held in memory, within a batch and from one batch to
    /// the next (see [`BookLimits`]).
    pub books: BookLimits,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            batch_size: 200_000,
            dry_run: false,
            retry_rejected: false,
            books: BookLimits::default(),
        }
    }
}

/// Imports `rows` into `ledger` under `policy`. Row problems are counted in the report;
/// only a database failure stops the import (the current batch is rolled back).
pub fn import_events(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = Result<Row, RowProblem>> + Send,
    options: ImportOptions,
) -> Result<ImportReport, LedgerError> {
    // Reading, checking and fingerprinting rows needs no ledger, so a second thread does
    // it while this one evaluates and writes (the machines we run on have two cores or
    // more). Chunks keep the channel cheap; the bound keeps memory flat on huge files.
    std::thread::scope(|scope| {
        let (sender, receiver) =
            std::sync::mpsc::sync_channel::<Vec<PreparedRow>>(CHUNKS_IN_FLIGHT);
        scope.spawn(move || {
            let mut chunk = Vec::with_capacity(CHUNK);
            for row in rows {
                let prepared = row.and_then(|row| {
                    let event = event_from_row(&row, policy)?;
                    let fingerprint = event.fingerprint();
                    Ok((row.line, event, fingerprint))
                });
                chunk.push(prepared);
                if chunk.len() == CHUNK
                    && sender
                        .send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))
                        .is_err()
                {
                    // The importer stopped (a ledger error): nothing more to read.
                    return;
                }
            }
            let _ = sender.send(chunk);
        });
        apply_rows(ledger, policy, receiver.into_iter().flatten(), options)
    })
}

/// Rows handed from the reading thread: (line, event, fingerprint) or the row's problem.
type PreparedRow = Result<(u64, Event, String), RowProblem>;
const CHUNK: usize = 256;
const CHUNKS_IN_FLIGHT: usize = 16;

fn apply_rows(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = PreparedRow>,
    options: ImportOptions,
) -> Result<ImportReport, LedgerError> {
    let mut report = ImportReport::default();
    ledger.begin()?;
    let mut recorder = Recorder::new(ledger, policy)
        .remember_rejections(options.retry_rejected)
        .keep_books_across_commits()
        .book_limits(options.books);
    let result = (|| {
        let mut in_batch = 0;
        for row in rows {
            match row {
                Err(problem) => report.push_problem(problem),
                Ok((line, event, fingerprint)) => {
                    let disposition = recorder.event(&event, fingerprint)?;
                    if let Disposition::Applied { points } = disposition {
                        in_batch += 1;
                        report.accepted += 1;
                        report.points_awarded = report.points_awarded.saturating_add(points);
                    }
                    record(&mut report, line, &event.id, disposition);
                    for failure in recorder.take_warnings() {
                        report.warnings.push(format!("{line}: {failure}"));
                    }
                }
            }
            if in_batch >= options.batch_size.max(1) {
                recorder.finish()?;
                // A dry run keeps one transaction for the whole file, rolled back at the
                // end: a later row must see what earlier rows would have written (a
                // return of a purchase further up), whatever the batch size.
                if !options.dry_run {
                    ledger.commit()?;
                    ledger.begin()?;
                }
                in_batch = 0;
            }
        }
        recorder.finish()?;
        finish_batch(ledger, options)
    })();
    if result.is_err() {
        ledger.rollback()?;
    }
    result.map(|()| report)
}

/// Counts what happened to one imported row in the report.
fn record(report: &mut ImportReport, line: u64, id: &str, disposition: Disposition) {
    match disposition {
        Disposition::Applied { .. } => {}
        Disposition::Duplicate => report.duplicates += 1,
        Disposition::Conflict => report.push_problem(RowProblem {
            kind: ProblemKind::Conflict,
            line,
            column: Some("id".into()),
            message: format!("event `{id}` is already in the ledger with different content"),
            script: None,
        }),
        Disposition::Rejected(error) => report.push_problem(RowProblem {
            kind: ProblemKind::Rejected,
            line,
            column: error.column.map(str::to_owned),
            message: error.message.clone(),
            script: error
                .location
                .is_some()
                .then(|| Box::new(error.to_diagnostic())),
        }),
    }
}

fn finish_batch(ledger: &Ledger, options: ImportOptions) -> Result<(), LedgerError> {
    if options.dry_run {
        ledger.rollback()
    } else {
        ledger.commit()
    }
}
