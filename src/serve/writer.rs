//! One thread per club owns its ledger connection and runs every request on it, in
//! arrival order: writes to one club are serialized without locks in the handlers.
//!
//! Requests that arrive while a transaction is being written wait, then all go into the
//! next transaction together (group commit): one disk sync answers many requests, which is
//! how single-event posts stay fast with every commit synced. Each request runs inside a
//! savepoint, so a refused request or a dry run is undone on its own; nobody is answered
//! before the transaction holding their change has committed.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;

use crate::ledger::{Ledger, LedgerError};

/// Work for the ledger thread: runs inside the open transaction and says whether to keep
/// what it wrote; its reply is sent once the transaction's fate is known.
pub type Work = Box<dyn FnOnce(&Ledger) -> Done + Send>;

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
    sender: Option<SyncSender<Work>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the thread that owns `ledger`.
    pub fn start(club: &str, ledger: Ledger) -> Writer {
        let (sender, receiver) = sync_channel::<Work>(QUEUE);
        let name = format!("ledger-{club}");
        let club = club.to_owned();
        let thread = std::thread::Builder::new()
            .name(name)
            .spawn(move || run(&club, &ledger, &receiver))
            .ok();
        Writer {
            sender: Some(sender),
            thread,
        }
    }

    pub fn submit(&self, work: Work) -> Result<(), Refused> {
        let sender = self.sender.as_ref().ok_or(Refused::Stopped)?;
        sender.try_send(work).map_err(|e| match e {
            TrySendError::Full(_) => Refused::Busy,
            TrySendError::Disconnected(_) => Refused::Stopped,
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

fn run(club: &str, ledger: &Ledger, receiver: &Receiver<Work>) {
    while let Ok(first) = receiver.recv() {
        let mut group = vec![first];
        while group.len() < GROUP {
            match receiver.try_recv() {
                Ok(work) => group.push(work),
                Err(_) => break,
            }
        }
        if let Err(error) = ledger.begin() {
            tracing::error!(club, %error, "cannot start a transaction");
            // Each work is dropped unanswered: its request gets a 500 and nothing changed.
            continue;
        }
        let mut replies = Vec::with_capacity(group.len());
        for work in group {
            match run_one(ledger, work) {
                Ok(Some(reply)) => replies.push(reply),
                Ok(None) => {}
                Err(error) => {
                    // The transaction is in an unknown state: give all of it up.
                    tracing::error!(club, %error, "ledger failure; the transaction is rolled back");
                    let _ = ledger.rollback();
                    for reply in replies.drain(..) {
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
            }
            for reply in replies {
                reply(committed.clone());
            }
        }
    }
}

type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;

/// Runs one work in its own savepoint. A panic in it undoes its writes and drops its
/// reply (its request gets a 500); the thread and the other requests carry on.
fn run_one(ledger: &Ledger, work: Work) -> Result<Option<Reply>, LedgerError> {
    ledger.mark()?;
    match std::panic::catch_unwind(AssertUnwindSafe(|| work(ledger))) {
        Ok(done) => {
            if done.keep {
                ledger.keep_since_mark()?;
            } else {
                ledger.undo_to_mark()?;
            }
            Ok(Some(done.reply))
        }
        Err(_) => {
            ledger.undo_to_mark()?;
            Ok(None)
        }
    }
}
