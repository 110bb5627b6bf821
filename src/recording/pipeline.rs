//! Deciding and recording on two threads: the import's shape.
//!
//! [`with_writer`] runs the decisions on a thread of their own, with a [`Remote`] store,
//! while the calling thread — which owns the ledger — writes what they hand it, in the
//! order handed. The recorder is the same as everywhere else (the same checks, books and
//! decisions); only where its reads and writes go differs, so the ledger written is the
//! one a single thread would write, row for row.
//!
//! Writes do not wait: plans are queued and sent in bundles. A read waits for every write
//! handed before it (it travels the same queue), so it sees them — but a wait is a stall
//! of the pipeline, so the import tells the store one chunk ahead which events and
//! members come next ([`Store::read_ahead`]): the writer reads them between writing, and
//! what it answered is corrected by what was written after the question (event ids
//! recorded since are remembered here; books forgotten since are not trusted).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::store::{AheadEvent, Store};
use super::IdMap;
use crate::decide::{BookNeeds, Change, ClubFacts, FactsError, Ids, MemberBook, Plan};
use crate::engine::EvalError;
use crate::event::EventType;
use crate::ledger::{EventLookup, Ledger, LedgerError};
use crate::member::MemberState;
use crate::policy::Policy;

type Result<T> = std::result::Result<T, LedgerError>;

/// One thing for the writer to do with the ledger. Reads answer through a channel of
/// their own; after a failed write, writes are skipped and reads answer the failure.
type Work<'p> = Box<dyn FnOnce(&Ledger, &mut Option<LedgerError>) + Send + 'p>;

/// Writes queued before they are sent: one message per bundle, not per plan. Small, so
/// that the writer starts on a chunk's plans while the rest of it is decided: with 256 a
/// bundle (a whole chunk), the realistic club's writer waited for work 700 times at a
/// million purchases, some 6 ms each, and the import took 1/0.94 the time it takes with
/// 32 (issue 14, docs/PERFORMANCE.md, twentieth stop). The 3-rule club, whose writer is
/// never short of work, is the same either way.
const BUNDLE: usize = 32;
/// Bundles in flight at most (4,096 writes): the decisions wait when the writer is this
/// far behind, so memory stays flat however fast rows arrive.
const BUNDLES_IN_FLIGHT: usize = 128;

/// Runs `decide` on a thread of its own with a store whose writes this thread makes on
/// `ledger`, in order, and returns what `decide` returns. `decide` ends with
/// [`Remote::sync`], which waits for every write and reports the first failure: writes
/// still queued when the store is dropped are not made. If `decide` fails, the open
/// transaction is rolled back here.
pub fn with_writer<'p, T: Send>(
    ledger: &Ledger,
    policy: &'p Policy,
    decide: impl FnOnce(Remote<'p>) -> Result<T> + Send,
) -> Result<T> {
    let result = std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel::<Vec<Work<'p>>>(BUNDLES_IN_FLIGHT);
        let decisions = scope.spawn(move || decide(Remote::new(policy, sender)));
        write(ledger, receiver);
        match decisions.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    if result.is_err() {
        ledger.rollback()?;
    }
    result
}

/// The writer's loop: until the decisions drop their store.
fn write(ledger: &Ledger, receiver: Receiver<Vec<Work<'_>>>) {
    let mut failure = None;
    for bundle in receiver {
        for work in bundle {
            work(ledger, &mut failure);
        }
    }
}

/// What the writer read ahead for the next chunk.
#[derive(Default)]
struct Answer {
    events: IdMap<String, EventLookup>,
    /// By (id, fingerprint): the rejection remembered for that content, if any. Empty
    /// when the ledger remembers none.
    rejections: HashMap<(String, String), Option<EvalError>>,
    /// `None`: not in the ledger.
    books: IdMap<String, Option<MemberBook>>,
}

/// What became of an event id after a question about it was asked.
#[derive(Clone)]
enum Written {
    Event {
        fingerprint: String,
    },
    Rejected {
        fingerprint: String,
        version: String,
        error: EvalError,
    },
}

#[derive(Default)]
struct ReadAhead {
    /// The answer to the last question, not yet needed.
    pending: Option<Receiver<Result<Answer>>>,
    /// Books were forgotten after the pending question was asked: its books may be old.
    pending_books_stale: bool,
    /// The answer for the chunk being decided.
    current: Answer,
    /// Ids written since `current`'s question was asked: in this chunk and the one before.
    newer: IdMap<String, Written>,
    older: IdMap<String, Written>,
}

impl ReadAhead {
    fn written(&self, id: &str) -> Option<&Written> {
        self.newer.get(id).or_else(|| self.older.get(id))
    }
}

/// The ledger on the writer's thread, as the decisions' thread sees it.
pub struct Remote<'p> {
    policy: &'p Policy,
    sender: SyncSender<Vec<Work<'p>>>,
    queued: RefCell<Vec<Work<'p>>>,
    ahead: RefCell<ReadAhead>,
    /// Campaign totals as read in this transaction and since added to (the ledger's own
    /// memory of them is on the writer's thread).
    campaign_totals: RefCell<HashMap<String, Decimal>>,
    /// Whether a contest window was decided, as read in this transaction (an import
    /// decides none: only `advance` does).
    contests_decided: RefCell<HashMap<(String, String), bool>>,
    in_transaction: Cell<bool>,
}

impl<'p> Remote<'p> {
    fn new(policy: &'p Policy, sender: SyncSender<Vec<Work<'p>>>) -> Remote<'p> {
        Remote {
            policy,
            sender,
            queued: RefCell::new(Vec::with_capacity(BUNDLE)),
            ahead: RefCell::default(),
            campaign_totals: RefCell::default(),
            contests_decided: RefCell::default(),
            in_transaction: Cell::new(false),
        }
    }

    /// Sends what is queued.
    fn flush(&self) -> Result<()> {
        let bundle = std::mem::replace(&mut *self.queued.borrow_mut(), Vec::with_capacity(BUNDLE));
        if bundle.is_empty() {
            return Ok(());
        }
        self.sender
            .send(bundle)
            .map_err(|_| LedgerError::corrupt("the ledger's writer stopped"))
    }

    fn queue(&self, work: Work<'p>) -> Result<()> {
        let full = {
            let mut queued = self.queued.borrow_mut();
            queued.push(work);
            queued.len() >= BUNDLE
        };
        if full {
            self.flush()?;
        }
        Ok(())
    }

    /// Hands over a write; it is made after everything handed before.
    fn write(&self, write: impl FnOnce(&Ledger) -> Result<()> + Send + 'p) -> Result<()> {
        self.queue(Box::new(move |ledger, failure| {
            if failure.is_none() {
                if let Err(error) = write(ledger) {
                    *failure = Some(error);
                }
            }
        }))
    }

    /// Asks a question to be answered after every write handed before; the answer comes
    /// through the channel returned.
    fn ask<T: Send + 'p>(
        &self,
        read: impl FnOnce(&Ledger) -> Result<T> + Send + 'p,
    ) -> Result<Receiver<Result<T>>> {
        let (reply, answer) = sync_channel(1);
        self.queue(Box::new(move |ledger, failure| {
            let answer = match failure {
                Some(error) => Err(error.clone()),
                None => read(ledger),
            };
            let _ = reply.send(answer);
        }))?;
        self.flush()?;
        Ok(answer)
    }

    /// A read, waited for.
    fn read<T: Send + 'p>(&self, read: impl FnOnce(&Ledger) -> Result<T> + Send + 'p) -> Result<T> {
        self.ask(read)?
            .recv()
            .map_err(|_| LedgerError::corrupt("the ledger's writer stopped"))?
    }

    /// Waits until everything handed over is written; the first failure, if any.
    pub fn sync(&self) -> Result<()> {
        self.read(|_| Ok(()))
    }

    pub fn begin(&self) -> Result<()> {
        self.campaign_totals.borrow_mut().clear();
        self.contests_decided.borrow_mut().clear();
        self.in_transaction.set(true);
        self.write(|ledger| ledger.begin())
    }

    pub fn commit(&self) -> Result<()> {
        self.campaign_totals.borrow_mut().clear();
        self.contests_decided.borrow_mut().clear();
        self.in_transaction.set(false);
        self.write(|ledger| ledger.commit())
    }

    pub fn rollback(&self) -> Result<()> {
        self.campaign_totals.borrow_mut().clear();
        self.contests_decided.borrow_mut().clear();
        self.in_transaction.set(false);
        self.write(|ledger| ledger.rollback())
    }

    fn remember_written(&self, id: &str, written: Written) {
        self.ahead.borrow_mut().newer.insert(id.to_owned(), written);
    }
}

impl ClubFacts for Remote<'_> {
    fn campaign_given(&self, campaign: &str) -> std::result::Result<Decimal, FactsError> {
        if let Some(total) = self.campaign_totals.borrow().get(campaign) {
            return Ok(*total);
        }
        let asked = campaign.to_owned();
        let total = self.read(move |ledger| {
            ledger
                .campaign_given(&asked)
                .map_err(|error| LedgerError::corrupt(error.0))
        })?;
        if self.in_transaction.get() {
            self.campaign_totals
                .borrow_mut()
                .insert(campaign.to_owned(), total);
        }
        Ok(total)
    }

    fn redeemed(&self, reward: &str) -> std::result::Result<u64, FactsError> {
        let reward = reward.to_owned();
        Ok(self.read(move |ledger| {
            ledger
                .redeemed(&reward)
                .map_err(|error| LedgerError::corrupt(error.0))
        })?)
    }

    fn code_taken(&self, code: &str) -> std::result::Result<bool, FactsError> {
        let code = code.to_owned();
        Ok(self.read(move |ledger| {
            ledger
                .code_taken(&code)
                .map_err(|error| LedgerError::corrupt(error.0))
        })?)
    }

    fn event_owner(
        &self,
        id: &str,
    ) -> std::result::Result<Option<(String, EventType)>, FactsError> {
        let id = id.to_owned();
        Ok(self.read(move |ledger| {
            ledger
                .event_owner(&id)
                .map_err(|error| LedgerError::corrupt(error.0))
        })?)
    }

    fn redemption(
        &self,
        id: &str,
    ) -> std::result::Result<Option<crate::decide::RedemptionFact>, FactsError> {
        let id = id.to_owned();
        Ok(self.read(move |ledger| ledger.redemption_fact(&id))?)
    }

    fn contest_decided(
        &self,
        contest: &str,
        window: &str,
    ) -> std::result::Result<bool, FactsError> {
        let key = (contest.to_owned(), window.to_owned());
        if let Some(decided) = self.contests_decided.borrow().get(&key) {
            return Ok(*decided);
        }
        let asked = key.clone();
        let decided = self.read(move |ledger| ledger.contest_decided(&asked.0, &asked.1))?;
        if self.in_transaction.get() {
            self.contests_decided.borrow_mut().insert(key, decided);
        }
        Ok(decided)
    }
}

impl Store for Remote<'_> {
    fn facts(&self) -> &dyn ClubFacts {
        self
    }

    fn lookup_event(&self, id: &str) -> Result<EventLookup> {
        {
            let ahead = self.ahead.borrow();
            match ahead.written(id) {
                Some(Written::Event { fingerprint }) => {
                    return Ok(EventLookup::Present {
                        fingerprint: fingerprint.clone(),
                    })
                }
                // Rejected since the question: not an event (it was absent when decided).
                Some(Written::Rejected { .. }) => return Ok(EventLookup::Absent),
                None => {}
            }
            if let Some(found) = ahead.current.events.get(id) {
                return Ok(found.clone());
            }
        }
        let id = id.to_owned();
        self.read(move |ledger| ledger.lookup_event(&id))
    }

    fn has_rejections(&self) -> Result<bool> {
        self.read(|ledger| ledger.has_rejections())
    }

    fn rejection(&self, id: &str, fingerprint: &str, version: &str) -> Result<Option<EvalError>> {
        {
            let ahead = self.ahead.borrow();
            match ahead.written(id) {
                // One rejection is kept per id (the last written), and none for an event.
                Some(Written::Rejected {
                    fingerprint: written,
                    version: written_version,
                    error,
                }) => {
                    return Ok((written == fingerprint && written_version == version)
                        .then(|| error.clone()));
                }
                Some(Written::Event { .. }) => return Ok(None),
                None => {}
            }
            if version == self.policy.id {
                if let Some(found) = ahead
                    .current
                    .rejections
                    .get(&(id.to_owned(), fingerprint.to_owned()))
                {
                    return Ok(found.clone());
                }
            }
        }
        let (id, fingerprint, version) =
            (id.to_owned(), fingerprint.to_owned(), version.to_owned());
        self.read(move |ledger| ledger.rejection(&id, &fingerprint, &version))
    }

    fn remember_rejection(
        &self,
        id: &str,
        fingerprint: &str,
        version: &str,
        error: &EvalError,
    ) -> Result<()> {
        self.remember_written(
            id,
            Written::Rejected {
                fingerprint: fingerprint.to_owned(),
                version: version.to_owned(),
                error: error.clone(),
            },
        );
        let (id, fingerprint, version, error) = (
            id.to_owned(),
            fingerprint.to_owned(),
            version.to_owned(),
            error.clone(),
        );
        self.write(move |ledger| ledger.remember_rejection(&id, &fingerprint, &version, &error))
    }

    fn load_book(&self, id: &str, needs: BookNeeds) -> Result<Option<MemberBook>> {
        if let Some(book) = self.ahead.borrow_mut().current.books.remove(id) {
            return Ok(book);
        }
        let id = id.to_owned();
        self.read(move |ledger| ledger.load_book(&id, needs))
    }

    fn load_history(&self, book: &mut MemberBook) -> Result<()> {
        if book.history {
            return Ok(());
        }
        let taken = std::mem::replace(book, MemberBook::new(book.state.clone(), book.joined_known));
        *book = self.read(move |ledger| {
            let mut book = taken;
            ledger.load_history(&mut book)?;
            Ok(book)
        })?;
        Ok(())
    }

    fn load_lots(&self, book: &mut MemberBook) -> Result<()> {
        if book.lots_loaded {
            return Ok(());
        }
        let taken = std::mem::replace(book, MemberBook::new(book.state.clone(), book.joined_known));
        *book = self.read(move |ledger| {
            let mut book = taken;
            ledger.load_lots(&mut book)?;
            Ok(book)
        })?;
        Ok(())
    }

    fn next_ids(&self) -> Result<Ids> {
        self.read(|ledger| ledger.next_ids())
    }

    fn record_policy(&self, _: &Policy) -> Result<()> {
        let policy = self.policy;
        self.write(move |ledger| ledger.record_policy(policy))
    }

    fn record(&self, plan: Plan<'_>) -> Result<()> {
        for change in &plan.changes {
            match change {
                Change::Posting(posting) => self.remember_written(
                    &posting.event.id,
                    Written::Event {
                        fingerprint: posting.fingerprint.clone(),
                    },
                ),
                Change::Tier(tier) => self.remember_written(
                    &tier.event,
                    Written::Event {
                        // A tier move's event is its own fingerprint.
                        fingerprint: tier.event.clone(),
                    },
                ),
                Change::CampaignSpend {
                    campaign, points, ..
                } => {
                    // As the ledger adds an award to the total it remembers.
                    if let Some(total) = self.campaign_totals.borrow_mut().get_mut(campaign) {
                        *total = total.saturating_add(*points);
                    }
                }
                _ => {}
            }
        }
        let plan = plan.into_owned();
        self.write(move |ledger| ledger.record(&plan))
    }

    fn save_book(&self, book: &MemberBook) -> Result<()> {
        // What writing a member's row reads of their book ([`Ledger::save_book`]): not
        // their deals (written as they change), and their profile only when it is
        // written. Copying the whole state was a fiftieth of the deciding thread's time
        // at a million purchases (issue 14).
        let state = &book.state;
        let with_profile = book.is_new || book.profile_changed;
        let copy = MemberState {
            id: state.id.clone(),
            member_type: state.member_type.clone(),
            joined: state.joined,
            birthday: state.birthday,
            attributes: if with_profile {
                state.attributes.clone()
            } else {
                Default::default()
            },
            balance: state.balance,
            debt: state.debt,
            credit: state.credit,
            tier: state.tier.clone(),
            tier_valid_until: state.tier_valid_until,
            tier_reviewed_at: state.tier_reviewed_at,
            greeted_through: state.greeted_through,
            deals: Vec::new(),
            stats: state.stats.clone(),
        };
        let mut row = MemberBook::new(copy, book.joined_known);
        row.is_new = book.is_new;
        row.profile_changed = book.profile_changed;
        row.stored_tier.clone_from(&book.stored_tier);
        self.write(move |ledger| ledger.save_book(&row))
    }

    fn set_clock(&self, at: DateTime<Utc>) -> Result<()> {
        self.write(move |ledger| ledger.set_clock(at))
    }

    fn data_version(&self) -> Result<i64> {
        self.read(|ledger| ledger.data_version())
    }

    fn members_with_something_due(&self, everyone: bool) -> Result<Vec<String>> {
        self.read(move |ledger| ledger.members_with_something_due(everyone))
    }

    fn redemption_code(&self, id: &str) -> Result<Option<String>> {
        let id = id.to_owned();
        self.read(move |ledger| ledger.redemption_code(&id))
    }

    fn contest_rows(
        &self,
        contest: &str,
        window: &str,
    ) -> Result<Vec<crate::engine::contests::ScoreRow>> {
        let (contest, window) = (contest.to_owned(), window.to_owned());
        self.read(move |ledger| ledger.contest_rows(&contest, &window))
    }

    fn contest_windows_open(&self, contest: &str) -> Result<Vec<String>> {
        let contest = contest.to_owned();
        self.read(move |ledger| ledger.contest_windows_open(&contest))
    }

    fn contest_decided(&self, contest: &str, window: &str) -> Result<bool> {
        let (contest, window) = (contest.to_owned(), window.to_owned());
        self.read(move |ledger| ledger.contest_decided(&contest, &window))
    }

    fn read_ahead(&self, events: Vec<AheadEvent>, members: Vec<String>, needs: BookNeeds) {
        let mut ahead = self.ahead.borrow_mut();
        // The question asked last is for the chunk now starting.
        if let Some(pending) = ahead.pending.take() {
            let mut answer = pending
                .recv()
                .ok()
                .and_then(|answer| answer.ok())
                .unwrap_or_default();
            if std::mem::take(&mut ahead.pending_books_stale) {
                answer.books.clear();
            }
            ahead.current = answer;
        }
        ahead.older = std::mem::take(&mut ahead.newer);
        drop(ahead);
        let version = self.policy.id.clone();
        // If the question cannot be sent, the writer stopped: every read will say so.
        if let Ok(pending) = self.ask(move |ledger| {
            let mut answer = Answer::default();
            let rejections = ledger.has_rejections()?;
            let ids: Vec<&str> = events.iter().map(|(id, _, _)| id.as_str()).collect();
            let lookups = ledger.lookup_events(&ids)?;
            // Only a member with an event still to decide needs their book: the rows of
            // a file imported again are all in the ledger, and reading every member's
            // book (their whole history, in a club with tiers) for them made a second
            // import of 70,000 purchases six times slower than the first.
            let mut book_needed = vec![false; members.len()];
            for ((id, fingerprint, member), found) in events.into_iter().zip(lookups) {
                let mut decided = found != EventLookup::Absent;
                if rejections && found == EventLookup::Absent {
                    let rejection = ledger.rejection(&id, &fingerprint, &version)?;
                    decided = rejection.is_some();
                    answer
                        .rejections
                        .insert((id.clone(), fingerprint), rejection);
                }
                if let Some(index) = member.filter(|_| !decided) {
                    if let Some(needed) = book_needed.get_mut(index) {
                        *needed = true;
                    }
                }
                answer.events.insert(id, found);
            }
            for (member, needed) in members.into_iter().zip(book_needed) {
                if needed {
                    let book = ledger.load_book(&member, needs)?;
                    answer.books.insert(member, book);
                }
            }
            Ok(answer)
        }) {
            self.ahead.borrow_mut().pending = Some(pending);
        }
    }

    fn forget_read_ahead(&self, everything: bool) {
        let mut ahead = self.ahead.borrow_mut();
        ahead.current.books.clear();
        ahead.pending_books_stale = true;
        if everything {
            ahead.current = Answer::default();
            ahead.pending = None;
            ahead.pending_books_stale = false;
        }
    }
}
