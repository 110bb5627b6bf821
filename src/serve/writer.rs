//! One thread per club owns its ledger connection and runs every request on it, in
//! arrival order: writes to one club are serialized without locks in the handlers.
//!
//! Requests that arrive while a transaction is being written wait, then all go into the
//! next transaction together (group commit): one disk sync answers many requests, which is
//! how single-event posts stay fast with every commit synced. Each request runs inside a
//! savepoint, so a refused request or a dry run is undone on its own (a single event's post
//! runs without one, see [`Writer::submit_with_books`]); nobody is answered
//! before the transaction holding their change has committed. Event posts go on from the
//! member books the thread kept ([`BookWork`]), so that a member who posts again is not
//! read back from the ledger.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;

use super::metrics;
use crate::ledger::{Ledger, LedgerError, LedgerPlace};
use crate::recording::Kept;

/// Work for the ledger thread: runs inside the open transaction and says whether to keep
/// what it wrote; its reply is sent once the transaction's fate is known. When no
/// transaction could be started (another process held the ledger past the wait, see
/// [`LedgerError::is_busy`]), it is handed the error instead, so that it answers at once
/// ("busy, retry") rather than being dropped.
pub type Work = Box<dyn FnOnce(Result<&Ledger, &LedgerError>) -> Done + Send>;

/// Work that decides events with a recorder going on from the books the thread kept
/// ([`Kept`]: members who post again are not read back from the ledger), and hands back
/// what to keep for the next such work. The thread drops the books whenever they may no
/// longer be the ledger's: after any other work kept writes, when this work's writes are
/// undone, when a transaction is rolled back or its commit fails, on a new connection.
pub type BookWork =
    Box<dyn FnOnce(Result<&Ledger, &LedgerError>, Option<Kept>) -> (Done, Option<Kept>) + Send>;

/// What the thread is sent.
enum Job {
    Plain(Work),
    /// `savepoint: false` for work that undoes nothing of its own when it succeeds (a
    /// single event's post): see [`Writer::submit_with_books`].
    WithBooks {
        work: BookWork,
        savepoint: bool,
    },
}

impl Job {
    /// Runs the work with the error that kept a transaction from starting.
    fn refused(self, error: &LedgerError) -> Done {
        match self {
            Job::Plain(work) => work(Err(error)),
            Job::WithBooks { work, .. } => work(Err(error), None).0,
        }
    }
}

/// How long the host process waits for another process's write transaction (an import)
/// before answering "busy": a till waits a moment, not the ten seconds an import would.
pub const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

pub struct Done {
    pub keep: bool,
    /// Called with `Ok` once the transaction committed (or the work kept nothing), or
    /// with the commit's error.
    pub reply: Box<dyn FnOnce(Result<(), String>) + Send>,
}

/// At most this many requests wait for one club; more get "busy" (503) at once rather
/// than queueing without bound.
const QUEUE: usize = 4096;
/// At most this many requests share one transaction.
const GROUP: usize = 512;

/// Why work could not be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Busy,
    Stopped,
}

pub struct Writer {
    club: String,
    sender: Option<SyncSender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the thread that owns `ledger`, which is at `place` (opened again from
    /// there if its connection to the database is lost).
    pub fn start(club: &str, ledger: Ledger, place: LedgerPlace) -> Writer {
        let (sender, receiver) = sync_channel::<Job>(QUEUE);
        let name = format!("ledger-{club}");
        let id = club.to_owned();
        let thread = std::thread::Builder::new()
            .name(name)
            .spawn(move || run(&id, ledger, &place, &receiver))
            .ok();
        Writer {
            club: club.to_owned(),
            sender: Some(sender),
            thread,
        }
    }

    pub fn submit(&self, work: Work) -> Result<(), Refused> {
        self.send(Job::Plain(work))
    }

    /// Queues work that goes on from the thread's kept books ([`BookWork`]). Without
    /// `savepoint` it runs without one where the store counts the rows it writes
    /// ([`Ledger::rows_written`], SQLite): a savepoint copies every page a request changes
    /// before it changes it (a sixth of a single-event post's time), and a post that fails
    /// has almost always failed before writing (a refused event writes nothing; deciding
    /// writes nothing). If it did write and then failed, the whole transaction is rolled
    /// back and every request in it answered that nothing was written.
    pub fn submit_with_books(&self, work: BookWork, savepoint: bool) -> Result<(), Refused> {
        self.send(Job::WithBooks { work, savepoint })
    }

    fn send(&self, work: Job) -> Result<(), Refused> {
        let sender = self.sender.as_ref().ok_or(Refused::Stopped)?;
        // Counted before sending, so that the thread's count down never goes first.
        metrics::queued(&self.club);
        sender.try_send(work).map_err(|e| {
            metrics::dequeued(&self.club, 1);
            match e {
                TrySendError::Full(_) => Refused::Busy,
                TrySendError::Disconnected(_) => Refused::Stopped,
            }
        })
    }

    /// Lets queued work finish, then stops the thread.
    pub fn stop(&mut self) {
        self.sender = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The ledger at `place`, set up as a club's writer uses it: every commit synced, a
/// short wait for another process's lock, and (on PostgreSQL) books read in one round
/// trip. What loading a club and reconnecting both open.
pub fn open_for_writing(place: &LedgerPlace) -> Result<Ledger, LedgerError> {
    let ledger = place.open()?;
    ledger.read_books_in_one_trip();
    ledger.sync_every_commit()?;
    ledger.savepoints_in_memory()?;
    ledger.wait_when_busy(BUSY_WAIT)?;
    Ok(ledger)
}

/// The ledger at `place` again ([`open_for_writing`]); `None` (and logged) if the
/// database still cannot be reached: the next requests try again.
fn reopen(club: &str, place: &LedgerPlace) -> Option<Ledger> {
    match open_for_writing(place) {
        Ok(ledger) => {
            tracing::warn!(club, ledger = %place, "the connection to the ledger's database was lost; connected again");
            Some(ledger)
        }
        Err(error) => {
            tracing::error!(club, ledger = %place, %error, "the connection to the ledger's database was lost and cannot be made again yet");
            None
        }
    }
}

fn run(club: &str, mut ledger: Ledger, place: &LedgerPlace, receiver: &Receiver<Job>) {
    // The books the last book work kept, true to the ledger as this connection last
    // committed it (each use checks that no other connection wrote since).
    let mut kept: Option<Kept> = None;
    while let Ok(first) = receiver.recv() {
        let mut group = vec![first];
        while group.len() < GROUP {
            match receiver.try_recv() {
                Ok(work) => group.push(work),
                Err(_) => break,
            }
        }
        metrics::dequeued(club, group.len());
        let started = std::time::Instant::now();
        let mut begun = ledger.begin();
        // The connection is found lost when it is next used: after PostgreSQL restarted,
        // that is this `begin`. Nothing of this group has run yet, so it runs on a new one.
        let lost = begun.as_ref().is_err_and(LedgerError::is_connection_lost);
        if begun.is_err() && (lost || ledger.connection_lost()) {
            if let Some(fresh) = reopen(club, place) {
                ledger = fresh;
                begun = ledger.begin();
            }
        }
        if let Err(error) = begun {
            kept = None;
            if error.is_busy() {
                tracing::warn!(
                    club,
                    waiting = group.len(),
                    "the ledger is busy (another process is writing); answering busy"
                );
            } else {
                tracing::error!(club, %error, "cannot start a transaction");
            }
            // Each work answers with the error; nothing changed.
            for work in group {
                if let Ok(done) =
                    std::panic::catch_unwind(AssertUnwindSafe(|| work.refused(&error)))
                {
                    (done.reply)(Ok(()));
                }
            }
            continue;
        }
        let mut replies = Vec::with_capacity(group.len());
        for work in group {
            match run_one(&ledger, work, &mut kept) {
                Ok(Some(reply)) => replies.push(reply),
                Ok(None) => {}
                Err((error, own)) => {
                    // The transaction is in an unknown state, or holds writes of a failed
                    // request that only its rollback can undo: give all of it up.
                    tracing::error!(club, %error, "ledger failure; the transaction is rolled back");
                    let _ = ledger.rollback();
                    kept = None;
                    for reply in replies.drain(..).chain(own) {
                        reply(Err(error.to_string()));
                    }
                    break;
                }
            }
        }
        if ledger.is_in_transaction() {
            let committed = ledger.commit().map_err(|e| e.to_string());
            if committed.is_err() {
                let _ = ledger.rollback();
                kept = None;
            }
            metrics::committed(club, started.elapsed());
            for reply in replies {
                reply(committed.clone());
            }
        }
        if ledger.connection_lost() {
            // Lost mid-transaction: its requests were answered with the error (nothing of
            // theirs was committed); the next group gets a new connection.
            kept = None;
            if let Some(fresh) = reopen(club, place) {
                ledger = fresh;
            }
        }
    }
}

type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;

/// Runs one job in its own savepoint, keeping or undoing its writes as it says; `kept`
/// follows (see [`BookWork`]). A panic in it undoes its writes and drops its reply (its
/// request gets a 500); the thread and the other requests carry on. A book work sent
/// without a savepoint that fails after writing is an error for the whole transaction,
/// with its own reply to be told so.
fn run_one(
    ledger: &Ledger,
    job: Job,
    kept: &mut Option<Kept>,
) -> Result<Option<Reply>, (LedgerError, Option<Reply>)> {
    let without_savepoint = matches!(
        job,
        Job::WithBooks {
            savepoint: false,
            ..
        }
    );
    // Rows written before the work, where they can be counted; else a savepoint.
    let before = if without_savepoint {
        ledger.rows_written()
    } else {
        None
    };
    let savepoint = before.is_none();
    if savepoint {
        ledger.mark().map_err(|error| (error, None))?;
    }
    let ran = std::panic::catch_unwind(AssertUnwindSafe(|| match job {
        Job::Plain(work) => (work(Ok(ledger)), None),
        Job::WithBooks { work, .. } => work(Ok(ledger), kept.take()),
    }));
    let failed_after_writing =
        |ledger: &Ledger| before.is_some() && ledger.rows_written() != before;
    match ran {
        Ok((done, books)) => {
            let ended = if done.keep {
                // A plain work's kept writes are not in the books (it hands back none).
                *kept = books;
                if savepoint {
                    ledger.keep_since_mark()
                } else {
                    Ok(())
                }
            } else if savepoint {
                // Undone: a book work's books went with it (taken above, changed perhaps);
                // a plain work left the ledger, and the books, as they were.
                ledger.undo_to_mark()
            } else if failed_after_writing(ledger) {
                Err(wrote_and_failed())
            } else {
                Ok(())
            };
            match ended {
                Ok(()) => Ok(Some(done.reply)),
                Err(error) => Err((error, Some(done.reply))),
            }
        }
        Err(_) => {
            *kept = None;
            if savepoint {
                ledger.undo_to_mark().map_err(|error| (error, None))?;
            } else if failed_after_writing(ledger) {
                return Err((wrote_and_failed(), None));
            }
            Ok(None)
        }
    }
}

fn wrote_and_failed() -> LedgerError {
    LedgerError::corrupt(
        "a request failed after writing part of its change; the transaction holding it was rolled back",
    )
}
