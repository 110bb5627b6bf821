//! The import loop: rows read on one thread, each event decided through the write path
//! ([`Recorder`]) on another, and written on a third, committed in batches
//! ([`import_events`]); or, for a handful of rows, all on the calling thread
//! ([`import_events_here`]) — the same loop, checks and decisions.
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
use crate::recording::pipeline::{self, Remote};
use crate::recording::{BookLimits, Direct, Disposition, Recorder, Store};
use std::rc::Rc;

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
    /// Rows handed from the reading thread at once: the writer reads whether the next
    /// chunk's events are in the ledger, and its members' books, while this one is
    /// decided. Any size gives the same ledger; small ones are slower.
    pub chunk: usize,
    /// Which messages are recorded but not queued (history's old news; `--quiet`).
    pub messages: crate::decide::MessageDiscipline,
    /// About how many rows are coming, if known: lets a club whose members' books will
    /// not all fit in memory hold few whole from early on ([`Recorder::expect_events`]).
    /// `None`: the rows' own [`Iterator::size_hint`] is asked (a file opened by the
    /// command line says its lines, [`super::at_most`]). Any value gives the same ledger.
    pub expected_rows: Option<u64>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            batch_size: 200_000,
            dry_run: false,
            retry_rejected: false,
            books: BookLimits::default(),
            chunk: 256,
            messages: crate::decide::MessageDiscipline::default(),
            expected_rows: None,
        }
    }
}

/// Imports `rows` into `ledger` under `policy`. Row problems are counted in the report;
/// only a database failure stops the import (the current batch is rolled back).
///
/// Three threads: one reads, checks and fingerprints rows (no ledger needed); one decides
/// (the [`Recorder`], with the books); the calling thread owns the ledger and writes what
/// was decided while the next events are decided ([`pipeline`]).
pub fn import_events(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = Result<Row, RowProblem>> + Send,
    mut options: ImportOptions,
) -> Result<ImportReport, LedgerError> {
    if options.expected_rows.is_none() {
        options.expected_rows = rows.size_hint().1.map(|rows| rows as u64);
    }
    // A new ledger's first import writes the file directly (see `ledger::bulk`).
    let histories_read = crate::decide::BookNeeds::of(policy).history;
    ledger.import_in_bulk(histories_read, options.dry_run, || {
        import_through_pipeline(ledger, policy, rows, options)
    })
}

/// [`import_events`] once the ledger is ready for it: the reading, deciding and writing
/// threads.
fn import_through_pipeline(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = Result<Row, RowProblem>> + Send,
    options: ImportOptions,
) -> Result<ImportReport, LedgerError> {
    std::thread::scope(|scope| {
        // Chunks keep the channel cheap; the bound keeps memory flat on huge files.
        let (sender, receiver) =
            std::sync::mpsc::sync_channel::<Vec<PreparedRow>>(CHUNKS_IN_FLIGHT);
        let size = options.chunk.max(1);
        scope.spawn(move || {
            let mut chunk = Vec::with_capacity(size);
            for row in rows {
                chunk.push(prepare_row(row, policy));
                if chunk.len() == size
                    && sender
                        .send(std::mem::replace(&mut chunk, Vec::with_capacity(size)))
                        .is_err()
                {
                    // The importer stopped (a ledger error): nothing more to read.
                    return;
                }
            }
            let _ = sender.send(chunk);
        });
        pipeline::with_writer(ledger, policy, move |remote| {
            let remote = Rc::new(remote);
            apply_rows(
                remote.clone(),
                &*remote,
                policy,
                receiver.into_iter(),
                options,
            )
        })
    })
}

/// Imports `rows` like [`import_events`] — the same row checks, decisions, batches and
/// report — but reads, decides and writes on the calling thread. For a handful of rows,
/// such as a policy test's step: [`import_events`] starts two threads per call and hands
/// every row and write between them, which cost a one-row import more than the row did.
/// A large file is faster through [`import_events`].
pub fn import_events_here(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = Result<Row, RowProblem>>,
    options: ImportOptions,
) -> Result<ImportReport, LedgerError> {
    let store = Rc::new(Direct::new(ledger));
    let mut rows = rows.map(|row| prepare_row(row, policy)).peekable();
    let size = options.chunk.max(1);
    let chunks = std::iter::from_fn(|| {
        rows.peek()?;
        Some(rows.by_ref().take(size).collect::<Vec<_>>())
    });
    let result = apply_rows(store, ledger, policy, chunks, options);
    // As `import_events` does: a failed import leaves no half-written batch open.
    if result.is_err() {
        ledger.rollback()?;
    }
    result
}

/// Rows handed from the reading thread: (line, event, fingerprint) or the row's problem.
type PreparedRow = Result<(u64, Event, String), RowProblem>;
const CHUNKS_IN_FLIGHT: usize = 16;

/// A row read, checked and fingerprinted: what the reading thread hands on.
fn prepare_row(row: Result<Row, RowProblem>, policy: &Policy) -> PreparedRow {
    row.and_then(|row| {
        let event = event_from_row(&row, policy)?;
        let fingerprint = event.fingerprint();
        Ok((row.line, event, fingerprint))
    })
}

/// Where the import's transactions are opened and closed: the writer thread
/// ([`Remote`]) or the ledger itself.
trait Transactions {
    fn begin(&self) -> Result<(), LedgerError>;
    fn commit(&self) -> Result<(), LedgerError>;
    fn rollback(&self) -> Result<(), LedgerError>;
    /// Waits until every write handed over is made; the first failure, if any.
    fn sync(&self) -> Result<(), LedgerError>;
}

impl Transactions for Remote<'_> {
    fn begin(&self) -> Result<(), LedgerError> {
        Remote::begin(self)
    }
    fn commit(&self) -> Result<(), LedgerError> {
        Remote::commit(self)
    }
    fn rollback(&self) -> Result<(), LedgerError> {
        Remote::rollback(self)
    }
    fn sync(&self) -> Result<(), LedgerError> {
        Remote::sync(self)
    }
}

impl Transactions for Ledger {
    fn begin(&self) -> Result<(), LedgerError> {
        Ledger::begin(self)
    }
    fn commit(&self) -> Result<(), LedgerError> {
        Ledger::commit(self)
    }
    fn rollback(&self) -> Result<(), LedgerError> {
        Ledger::rollback(self)
    }
    /// Every write was made when it was handed over.
    fn sync(&self) -> Result<(), LedgerError> {
        Ok(())
    }
}

/// Decides every row, one chunk at a time, telling the store the next chunk's events and
/// members while this one is decided (a writer thread reads them ahead).
fn apply_rows<'p>(
    store: Rc<dyn Store + 'p>,
    transactions: &dyn Transactions,
    policy: &'p Policy,
    mut chunks: impl Iterator<Item = Vec<PreparedRow>>,
    options: ImportOptions,
) -> Result<ImportReport, LedgerError> {
    let mut report = ImportReport::default();
    transactions.begin()?;
    let mut recorder = Recorder::on(store, policy)
        .remember_rejections(options.retry_rejected)
        .keep_books_across_commits()
        .book_limits(options.books)
        .expect_events(options.expected_rows);
    recorder.discipline_messages(options.messages);
    let mut next = chunks.next();
    read_ahead(&recorder, next.as_deref());
    let mut in_batch = 0;
    while let Some(chunk) = next {
        next = chunks.next();
        read_ahead(&recorder, next.as_deref());
        for row in chunk {
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
                    transactions.commit()?;
                    transactions.begin()?;
                }
                in_batch = 0;
            }
        }
    }
    recorder.finish()?;
    if options.dry_run {
        transactions.rollback()?;
    } else {
        transactions.commit()?;
    }
    transactions.sync()?;
    Ok(report)
}

/// Tells the recorder's store about the next chunk's events (an empty one at the end).
fn read_ahead(recorder: &Recorder<'_>, chunk: Option<&[PreparedRow]>) {
    let next = chunk.unwrap_or_default().iter().filter_map(|row| {
        row.as_ref().ok().map(|(_, event, fingerprint)| {
            (
                event.id.as_str(),
                fingerprint.as_str(),
                event.member.as_str(),
            )
        })
    });
    recorder.read_ahead(next);
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
            message: crate::tr!("rows-conflict", id = id),
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
