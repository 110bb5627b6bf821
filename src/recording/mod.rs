//! The write path: every event, clock advance and change by hand goes decide → record,
//! here, whoever calls — `bashgah import`, the HTTP API, policy tests, simulations,
//! `advance`, `redeem`.
//!
//! A [`Recorder`] works inside the caller's transaction. For each operation it checks the
//! id (the same event again is a no-op, the same id with other content a conflict), takes
//! the member's book from its cache or the ledger, has the decision stage decide, and has
//! the ledger record the plan at once — so the next decision, and anything the caller
//! reads, sees it. Books are kept for the rest of the transaction (a batch of an import,
//! a group of the host process) and member rows are written when it finishes. Across a
//! commit they are kept only by a caller that asks ([`Recorder::keep_books_across_commits`],
//! [`Kept`]), and then checked before use, since another process may write the same
//! ledger between transactions.

mod cold;
mod contests;
mod head;
mod held;
mod outcome;
pub mod pipeline;
mod spill;
mod store;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::decide::{
    BookNeeds, Decider, Failure, Ids, MemberBook, MessageDiscipline, Plan, Tally, Transfer,
};
use crate::event::Event;
use crate::ledger::{EventLookup, Ledger, LedgerError};
use crate::member::MemberState;
use crate::policy::Policy;

pub use outcome::{AdvanceReport, Applied, Disposition, ManualError, ProfileOutcome, Redemption};
pub use store::{Direct, Store};

/// A map keyed by member or event ids, looked up at every event of an import: foldhash,
/// seeded at random per map, instead of the standard SipHash (a twentieth of the deciding
/// thread at a million purchases, issue 14). The seed keeps ids chosen to collide (by an
/// API client, say) from making lookups slow.
pub(crate) type IdMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
/// A set of member or event ids ([`IdMap`]).
pub(crate) type IdSet<K> = HashSet<K, foldhash::fast::RandomState>;

/// The one write path, for one policy, inside one transaction at a time.
pub struct Recorder<'a> {
    /// The ledger, here or on a writer thread.
    store: std::rc::Rc<dyn Store + 'a>,
    policy: &'a Policy,
    /// Boxed: a book is moved out and back for every event, and a pointer moves cheaply.
    /// The books used least recently are the ones forgotten when there are too many.
    books: held::HeldBooks,
    /// Members whose rows must be written before the transaction commits.
    dirty: IdSet<String>,
    ids: Option<Ids>,
    /// The latest time of anything applied: the clock moves there (never back).
    latest: Option<DateTime<Utc>>,
    policy_recorded: bool,
    warnings: Vec<String>,
    tally: Tally,
    /// Which facts of a member the policy's decisions read.
    needs: BookNeeds,
    /// Rejected events are remembered, and one rejected before (same content, same
    /// policy version) is rejected again without being decided: an import's rows.
    remember_rejections: bool,
    /// Rejections are written down (to be found by a later import), whether or not
    /// earlier ones are honoured.
    remember_any: bool,
    /// Whether the ledger holds any remembered rejection (`None`: not asked yet). Most
    /// ledgers hold none, and then no event needs looking for one.
    any_rejections: Option<bool>,
    /// Whether books outlive a commit (an import, which owns the connection from batch
    /// to batch): see [`Recorder::keep_books_across_commits`].
    keep_books: bool,
    /// Books were kept at a commit, when the ledger's `data_version` was this: the first
    /// operation of the next transaction checks that no other connection wrote since.
    kept_at: Option<i64>,
    limits: BookLimits,
    /// Past a bound, one held book in this many is forgotten ([`Recorder::forget_in_parts`]).
    forget_part: usize,
    /// How many events the caller expects to give [`Recorder::event`], if it knows
    /// ([`Recorder::expect_events`]), and how many it gave so far.
    events_expected: Option<u64>,
    events_seen: u64,
    /// The books are known not to fit whole (see [`Recorder::foresee_overflow`]).
    books_will_not_fit: bool,
    /// Which messages are recorded but not queued.
    messages: MessageDiscipline,
    /// The entries the last applied event wrote under its own id, kept for an answer that
    /// shows them (the host process's); `None` when no one asked
    /// ([`Recorder::answer_with_entries`]).
    entries_written: Option<Vec<WrittenEntry>>,
}

/// An entry as an answer shows it, and as `Ledger::entries_of_event` reads it back: rule,
/// points, reason, kind.
pub type WrittenEntry = (String, rust_decimal::Decimal, String, String);

/// How many member books a recorder holds at most, and how many facts in them all
/// ([`MemberBook::weight`]; a fact takes some 120 to 200 bytes: 155 in a realistic club's
/// books, issue 14). Past either, books are written and the half used least recently
/// forgotten (or the part [`Recorder::forget_in_parts`] sets; within a transaction too), so
/// memory stays flat whatever the batch size, the number of members and the length of
/// their histories. Where the club's books carry the member's history, forgotten books are
/// kept compact up to `cold_bytes`, then written to a scratch file (see `recording::cold`
/// and `recording::spill`), and once one is forgotten the bound on facts held whole is
/// `history_facts`; a member seen again comes back from there, or else is read back from
/// the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookLimits {
    pub members: usize,
    pub facts: usize,
    pub history_facts: usize,
    pub cold_bytes: usize,
}

/// The bytes of forgotten books kept compact: only for clubs whose books carry the
/// member's history. Reading such a book back is dozens of pages scattered through the
/// ledger; reading back a book of unspent lots alone (a club that only earns) is the
/// member's row, cheaper than the memory its compact copy would take.
fn cold_limit(limits: BookLimits, needs: BookNeeds) -> usize {
    if needs.history {
        limits.cold_bytes
    } else {
        0
    }
}

/// What a fact of a book held whole costs in memory, as the bound on held books counts
/// it: some 150 bytes by their structs (a realistic club's books, issue 14).
const HELD_FACT_BYTES: usize = 150;

impl Default for BookLimits {
    /// A club whose books are the member and their unspent lots: about 190 MB of books
    /// held whole (1,250,000 facts at some 150 bytes). Each book counts itself as facts
    /// ([`crate::decide::BOOK_WEIGHT`]), so this bounds the smallest books to about
    /// 200,000; the bound on books is above that. At 50,000 books, such a club read six
    /// members' rows back in ten purchases at a million purchases by 100,000 members, a
    /// fifth of its writer's time, and at 156,250 facts its import took 1.3–1.45× the time
    /// (issue 14).
    ///
    /// A club whose books carry histories: the same while its books fit whole (the
    /// benchmark's 100,000 purchases by 5,000 members never compacts one). Once some do
    /// not, 156,250 facts held whole (some 23 MB) and 24 MiB of forgotten books kept
    /// compact, whose memory comes out of the bound on whole ones down to an eighth of
    /// it; past that they are written to a scratch file, and their places in it (counted
    /// 20 bytes a member: 1.26 million members' fit) count within the 24 MiB. It was 48
    /// MiB with places of 40 bytes: ten million purchases by a million members then
    /// peaked at 284 MiB, and at 185 MiB with this, each thread's CPU time unchanged in
    /// every pair run in the same hour (docs/PERFORMANCE.md, twenty-eighth stop).
    /// Thawing a compact book or reading one back from the file costs about the same,
    /// so past the first bound these bounds are memory,
    /// not speed: ten million purchases by a million members through the realistic club
    /// took 431.3 s at 437 MiB against 434.8 s at 540 MiB with 192 MiB kept compact
    /// (docs/PERFORMANCE.md, twenty-fourth stop). Holding few from the start made the
    /// benchmark's realistic import 1.2–1.5× slower (its books fit whole), so an import
    /// that knows how many rows are coming holds few only once it foresees that they
    /// will not fit ([`Recorder::expect_events`]): a million purchases by 100,000
    /// members then peak at 221–240 MiB instead of 390–393 (twenty-sixth stop), and at
    /// 177–184 MiB with the bounds above (twenty-eighth).
    fn default() -> Self {
        BookLimits {
            members: 250_000,
            facts: 1_250_000,
            history_facts: 156_250,
            cold_bytes: 24 << 20,
        }
    }
}

/// What a recorder knew of the ledger when its transaction was about to commit — the
/// books it held, the next free ids, whether the policy row is written — handed to the
/// recorder of the next transaction on the same connection ([`Recorder::resume`]). The
/// host process keeps it between groups of requests, so that a member who posts again
/// is not read back from the ledger each time (that was two fifths of the ledger
/// thread's work at single-event posts). It is checked as the import's kept books are:
/// the first operation asks SQLite's `data_version`, and if another connection wrote
/// since, all of it is forgotten. Whoever holds it must drop it when anything else wrote
/// on the connection, when the writes it went with were undone, and when the commit
/// failed.
pub struct Kept {
    policy: String,
    books: held::HeldBooks,
    ids: Option<Ids>,
    any_rejections: Option<bool>,
    policy_recorded: bool,
    kept_at: i64,
}

impl Kept {
    /// How many member books are kept.
    pub fn books(&self) -> usize {
        self.books.len()
    }
}

impl<'a> Recorder<'a> {
    /// How many member books are held whole now (within [`BookLimits::members`]).
    pub fn held_books(&self) -> usize {
        self.books.len()
    }

    pub fn new(ledger: &'a Ledger, policy: &'a Policy) -> Recorder<'a> {
        Recorder::on(std::rc::Rc::new(Direct::new(ledger)), policy)
    }

    /// A recorder writing through `store` (see [`pipeline`]).
    pub fn on(store: std::rc::Rc<dyn Store + 'a>, policy: &'a Policy) -> Recorder<'a> {
        let limits = BookLimits::default();
        let needs = BookNeeds::of(policy);
        let mut books = held::HeldBooks::default();
        books.set_cold_limit(cold_limit(limits, needs));
        Recorder {
            store,
            policy,
            books,
            dirty: IdSet::default(),
            ids: None,
            latest: None,
            policy_recorded: false,
            warnings: Vec::new(),
            tally: Tally::default(),
            needs,
            remember_rejections: false,
            remember_any: false,
            any_rejections: None,
            keep_books: false,
            kept_at: None,
            limits,
            forget_part: 2,
            events_expected: None,
            events_seen: 0,
            books_will_not_fit: false,
            messages: MessageDiscipline::default(),
            entries_written: None,
        }
    }

    /// Decides messages under `discipline` from now on: an import of history leaves the
    /// occasions of long ago unsent ([`MessageDiscipline`]).
    pub fn discipline_messages(&mut self, discipline: MessageDiscipline) {
        self.messages = discipline;
    }

    /// Keeps the entries each applied event writes under its own id, for
    /// [`Recorder::take_entries_written`]: the host process answers a post with them
    /// without reading them back from the ledger it has just written (issue 14).
    pub fn answer_with_entries(&mut self) {
        self.entries_written = Some(Vec::new());
    }

    /// The entries the last event given to [`Recorder::event`] wrote under its own id, in
    /// the order they were written (what `Ledger::entries_of_event` would read back):
    /// none when it was not applied (a duplicate's are in the ledger from its first
    /// time); `None` unless [`Recorder::answer_with_entries`] was asked.
    pub fn take_entries_written(&mut self) -> Option<Vec<WrittenEntry>> {
        self.entries_written.as_mut().map(std::mem::take)
    }

    /// Keeps member books, the next ids and what is known of rejections from one
    /// transaction to the next, as long as nothing else writes the ledger in between.
    /// The first operation after a commit asks SQLite's `data_version`, which moves when
    /// another connection commits; if it moved, everything kept is forgotten and read
    /// again. For a caller that commits and begins on this recorder's connection and
    /// writes nothing else on it between (the import): reading every member's book again
    /// at every batch was most of an import's reading, and the more history a member
    /// has, the more it cost.
    pub fn keep_books_across_commits(mut self) -> Recorder<'a> {
        self.keep_books = true;
        self
    }

    /// A recorder that goes on from what the previous transaction's recorder kept on this
    /// connection ([`Recorder::finish_keeping`]), if it decided under the same policy;
    /// the first operation checks that nobody else wrote since. Without `kept`, or under
    /// another policy, it starts from nothing, as [`Recorder::new`].
    pub fn resume(ledger: &'a Ledger, policy: &'a Policy, kept: Option<Kept>) -> Recorder<'a> {
        let mut recorder = Recorder::new(ledger, policy).keep_books_across_commits();
        if let Some(kept) = kept.filter(|kept| kept.policy == policy.id) {
            recorder.books = kept.books;
            recorder.ids = kept.ids;
            recorder.any_rejections = kept.any_rejections;
            recorder.policy_recorded = kept.policy_recorded;
            recorder.kept_at = Some(kept.kept_at);
        }
        recorder
    }

    /// [`Recorder::finish`], and what the next transaction's recorder may go on from
    /// ([`Recorder::resume`]), valid once this transaction commits; `None` when the books
    /// had grown past their bounds (they are forgotten then, as by `finish`).
    pub fn finish_keeping(mut self) -> Result<Option<Kept>, LedgerError> {
        self.keep_books = true;
        self.finish()?;
        let Some(kept_at) = self.kept_at else {
            return Ok(None);
        };
        Ok(Some(Kept {
            policy: self.policy.id.clone(),
            books: std::mem::take(&mut self.books),
            ids: self.ids,
            any_rejections: self.any_rejections,
            policy_recorded: self.policy_recorded,
            kept_at,
        }))
    }

    /// Holds at most this many books and facts (see [`BookLimits`]).
    pub fn book_limits(mut self, limits: BookLimits) -> Recorder<'a> {
        self.limits = limits;
        self.books.set_cold_limit(cold_limit(limits, self.needs));
        self
    }

    /// Tells the recorder how many events it is about to be given (an import's rows,
    /// counted ahead): a club whose books carry histories and will not all fit whole
    /// then holds few whole from early on ([`Recorder::foresee_overflow`]). Only memory
    /// depends on it, never what is written.
    pub fn expect_events(mut self, events: Option<u64>) -> Recorder<'a> {
        self.events_expected = events;
        self
    }

    /// Past a bound, forgets one held book in `part` (those used least recently) rather
    /// than half of them, and so bounds again sooner: for the host process, whose request
    /// that reaches a bound waits while the books it forgets are compacted.
    pub fn forget_in_parts(mut self, part: usize) -> Recorder<'a> {
        self.forget_part = part.max(2);
        self
    }

    /// Forgets what was kept at the last commit if another connection wrote since.
    fn revalidate(&mut self) -> Result<(), LedgerError> {
        if let Some(kept_at) = self.kept_at.take() {
            if self.store.data_version()? != kept_at {
                self.forget();
            }
        }
        Ok(())
    }

    /// Forgets every book and what was read of the ledger.
    fn forget(&mut self) {
        self.store.forget_read_ahead(true);
        self.books.clear();
        self.ids = None;
        self.any_rejections = None;
        self.policy_recorded = false;
    }

    /// Writes the rows of the members touched since the last write.
    fn save_dirty(&mut self) -> Result<(), LedgerError> {
        // In the order of their ids, which is the members table's own (its key): each of
        // its pages is then read and written once, where hash order went back and forth
        // over a table larger than the page cache (issue 14).
        let mut dirty: Vec<String> = self.dirty.drain().collect();
        dirty.sort_unstable();
        for id in dirty {
            if let Some(book) = self.books.flags_mut(&id) {
                self.store.save_book(book)?;
                // As the ledger now has it: what reading the book back would give.
                book.is_new = false;
                book.posted = false;
                book.profile_changed = false;
                book.stored_tier.clone_from(&book.state.tier);
            }
        }
        Ok(())
    }

    /// Whether the books held are past the limits. Compact books take their memory from
    /// the bound on whole ones ([`HELD_FACT_BYTES`] a fact), down to an eighth of it: a
    /// club whose books all fit whole never pays for compacting them, and one whose books
    /// do not ends with few held whole (the members of the moment) and many compact.
    fn too_many_books(&self) -> bool {
        // Books that fit whole stay so (no compacting at all); while some did not (books
        // are kept compact or spilled), a club whose books carry histories holds few
        // whole, and its bound comes back should every one come back.
        let bound =
            if self.needs.history && (self.books.cold_bytes() > 0 || self.books_will_not_fit) {
                self.limits.history_facts
            } else {
                self.limits.facts
            };
        let lent = self.books.cold_bytes() / HELD_FACT_BYTES;
        let facts = bound.saturating_sub(lent).max(bound / 8);
        self.books.len() > self.limits.members || self.books.weight() > facts
    }

    /// Past the bounds, writes the books and forgets the half used least recently, or the
    /// part [`Recorder::forget_in_parts`] set (the transaction goes on; a member seen
    /// again comes back compact or is read back).
    fn bound_books(&mut self) -> Result<(), LedgerError> {
        self.foresee_overflow();
        if self.too_many_books() {
            self.save_dirty()?;
            self.forget_least_used();
        }
        Ok(())
    }

    /// Whether the books held whole, grown past the bound a club that reads histories
    /// keeps once they do not fit, will not fit at all: their weight so far, at the rate
    /// it grew an event, over the events still expected, is past the bound on facts. Then
    /// they are bounded by the smaller bound at once. Filling the larger bound first, to
    /// find out at its end, was the peak of an import whose books do not fit (some 190
    /// MB of books held whole at ten million purchases by a million members, issue 14);
    /// a club whose books do fit (the benchmark's) still never compacts one. The growth
    /// so far counts each new member's book whole, so it over-estimates: a club near the
    /// bound may be held smaller than it needed, which costs time, never results.
    fn foresee_overflow(&mut self) {
        if self.books_will_not_fit || !self.needs.history || self.events_seen == 0 {
            return;
        }
        let Some(expected) = self.events_expected else {
            return;
        };
        let weight = self.books.weight();
        if weight <= self.limits.history_facts {
            return;
        }
        // weight / seen × expected > facts, without a division on every event.
        let projected = weight as u128 * u128::from(expected.max(self.events_seen));
        self.books_will_not_fit =
            projected > self.limits.facts as u128 * u128::from(self.events_seen);
    }

    /// Forgets the books used least recently (all written already).
    fn forget_least_used(&mut self) {
        let dropped = self.books.dropped();
        self.books.forget_least_used(self.forget_part);
        // A book read ahead is used only for a member the recorder does not hold, held
        // or compact, and it may predate what was written of a member let go since. Only
        // then are they forgotten: a blanket forgetting at every bound made each member
        // of the chunks in flight a read of its own, each waiting for the writer to
        // catch up with everything queued (889 at a million purchases by 100,000
        // members, issue 14).
        if self.books.dropped() != dropped {
            self.store.forget_read_ahead(false);
        }
    }

    /// Tells the store the events that come next, as (id, fingerprint, member), so that
    /// a store on another thread reads whether they are in the ledger, and the books of
    /// members not held, while this one decides (see [`Store::read_ahead`]).
    pub fn read_ahead<'e>(&self, next: impl Iterator<Item = (&'e str, &'e str, &'e str)>) {
        let mut events = Vec::new();
        let mut members = Vec::new();
        let mut asked: IdMap<&str, usize> = IdMap::default();
        for (id, fingerprint, member) in next {
            let index = if self.books.contains_key(member) {
                None
            } else {
                Some(*asked.entry(member).or_insert_with(|| {
                    members.push(member.to_owned());
                    members.len() - 1
                }))
            };
            events.push((id.to_owned(), fingerprint.to_owned(), index));
        }
        self.store.read_ahead(events, members, self.needs);
    }

    pub fn policy(&self) -> &'a Policy {
        self.policy
    }

    /// The member's book as it stands in this transaction, if they were touched in it.
    pub fn member(&self, id: &str) -> Option<&MemberBook> {
        if self.kept_at.is_some() {
            // Kept from the last transaction and not yet checked: ask the ledger.
            return None;
        }
        self.books.get(id)
    }

    /// Remembers rejected events, and rejects again what was rejected before (same id,
    /// content and policy version): a file imported again, or an import resumed after it
    /// was killed, then ends as if it had run once. Rows that later rows made valid stay
    /// rejected; `retry` decides remembered rejections again instead.
    pub fn remember_rejections(mut self, retry: bool) -> Recorder<'a> {
        self.remember_rejections = !retry;
        self.remember_any = true;
        self
    }

    /// Whether the ledger holds any remembered rejection (asked once a transaction).
    fn any_rejections(&mut self) -> Result<bool, LedgerError> {
        if let Some(any) = self.any_rejections {
            return Ok(any);
        }
        let any = self.store.has_rejections()?;
        self.any_rejections = Some(any);
        Ok(any)
    }

    /// The member's state and whether their joining date is known, as this transaction
    /// has them; `None` for a member never seen.
    pub fn member_state(&self, id: &str) -> Result<Option<(MemberState, bool)>, LedgerError> {
        if let Some(book) = self.member(id) {
            return Ok(Some((book.state.clone(), book.joined_known)));
        }
        Ok(self
            .store
            .load_book(id, self.needs)?
            .map(|book| (book.state, book.joined_known)))
    }

    /// What failed without failing its operation since the last call (a lifecycle-hook
    /// rule, a greeting rule, a deal target), worded for the user.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Applies one event: skipped if the ledger has it, else decided and recorded.
    pub fn event(
        &mut self,
        event: &Event,
        fingerprint: String,
    ) -> Result<Disposition, LedgerError> {
        if let Some(written) = &mut self.entries_written {
            written.clear();
        }
        self.events_seen += 1;
        self.revalidate()?;
        if let EventLookup::Present {
            fingerprint: stored,
        } = self.store.lookup_event(&event.id)?
        {
            return Ok(if stored == fingerprint {
                Disposition::Duplicate
            } else {
                Disposition::Conflict
            });
        }
        if self.remember_rejections && self.any_rejections()? {
            if let Some(error) = self
                .store
                .rejection(&event.id, &fingerprint, &self.policy.id)?
            {
                return Ok(Disposition::Rejected(error));
            }
        }
        let (key, mut book) = self.take_book_keyed(&event.member, event.time)?;
        if event.kind == crate::event::EventType::Return {
            // A return reads its purchase: what it earned, what expired, what earlier
            // returns took.
            self.store.load_history(&mut book)?;
        }
        let mut group = self.pool_book(&book, event)?;
        let ids = self.ids()?;
        let store = self.store.clone();
        let mut decider =
            Decider::new(self.policy, store.facts(), ids).with_messages(self.messages);
        let mut decided =
            decider.event_with_group(&mut book, group.as_deref_mut(), event, &fingerprint);
        if let Err(Failure::NeedsLots) = decided {
            self.store.load_lots(&mut book)?;
            if let Some(group) = group.as_deref_mut() {
                self.store.load_lots(group)?;
            }
            decided =
                decider.event_with_group(&mut book, group.as_deref_mut(), event, &fingerprint);
        }
        let decided = match decided {
            Ok(decided) => decided,
            Err(failure) => {
                self.ids = Some(decider.ids());
                self.put_book_as(key, book);
                if let Some(group) = group {
                    self.put_book(group);
                }
                if let (true, Failure::Rejected(error)) = (self.remember_any, &failure) {
                    self.store.remember_rejection(
                        &event.id,
                        &fingerprint,
                        &self.policy.id,
                        error,
                    )?;
                    // Later rows of this transaction must find it too, as rows of the
                    // next one do: the outcome may not depend on where batches end.
                    self.any_rejections = Some(true);
                }
                return match failure {
                    Failure::Rejected(error) => Ok(Disposition::Rejected(error)),
                    Failure::Refused(message) => Ok(Disposition::Rejected(
                        crate::engine::EvalError::message(message),
                    )),
                    Failure::Facts(error) => Err(LedgerError::corrupt(error.0)),
                    Failure::NeedsLots => Err(LedgerError::corrupt(
                        "the member's lots were read, and asked for again",
                    )),
                };
            }
        };
        let mut gifted = Vec::new();
        for gift in &decided.gifts {
            let mut target = match self.books.remove(&gift.to) {
                Some(target) => target,
                None => self.load_or_new(&gift.to, gift.at)?,
            };
            match decider.gift(&mut target, gift) {
                Ok(()) => {}
                Err(Failure::Facts(error)) => return Err(LedgerError::corrupt(error.0)),
                Err(other) => self.warnings.push(format!(
                    "points for `{}` from `{}` were not given: {other}",
                    gift.to, event.id
                )),
            }
            gifted.push(target);
        }
        let plan = decider.take_plan();
        self.ids = Some(decider.ids());
        if let Some(written) = &mut self.entries_written {
            // Every posting under the event's id, as the ledger's rows `WHERE event = id`
            // (a gift to another member is a posting of its own id).
            let postings = plan.postings().filter(|p| p.event.id == event.id);
            written.extend(postings.flat_map(|p| &p.entries).map(|e| {
                let kind = e.kind.as_str().to_owned();
                (e.rule.clone(), e.points, e.reason.clone(), kind)
            }));
        }
        self.record(plan)?;
        self.put_book_as(key, book);
        if let Some(group) = group {
            self.put_book(group);
        }
        for target in gifted {
            self.put_book(target);
        }
        self.bound_books()?;
        // Only applied events move the clock; a rejected event never happened.
        self.latest = self.latest.max(Some(event.time));
        // What went to a group's pool was awarded by this event too.
        Ok(Disposition::Applied {
            points: decided.points + decided.pool.unwrap_or_default(),
        })
    }

    /// Runs everything due up to `to` for every member, then sets the clock.
    pub fn advance(&mut self, to: DateTime<Utc>) -> Result<AdvanceReport, LedgerError> {
        self.revalidate()?;
        self.finish()?;
        // Every member due is read, decided and written below, one at a time.
        self.forget();
        self.kept_at = None;
        let policy = self.policy;
        let everyone =
            policy.greets() || policy.watches_inactivity() || !policy.club.campaigns.is_empty();
        let before = std::mem::take(&mut self.tally);
        let warnings_before = self.warnings.len();
        for id in self.store.members_with_something_due(everyone)? {
            let Some(mut book) = self.store.load_book(&id, self.needs)? else {
                continue;
            };
            let ids = self.ids()?;
            let store = self.store.clone();
            let mut decider = Decider::new(policy, store.facts(), ids).with_messages(self.messages);
            decider.advance(&mut book, to);
            let plan = decider.take_plan();
            self.ids = Some(decider.ids());
            self.record(plan)?;
            self.store.save_book(&book)?;
        }
        self.close_contests(to)?;
        self.store.set_clock(to)?;
        let tally = std::mem::replace(&mut self.tally, before);
        self.tally.add(&tally);
        Ok(AdvanceReport {
            to,
            tally,
            failures: self.warnings.split_off(warnings_before),
        })
    }

    /// Runs what is due for one member up to `to` (as before an event of theirs at `to`),
    /// without moving the clock. Returns whether anything was due.
    pub fn catch_up(&mut self, member: &str, to: DateTime<Utc>) -> Result<bool, LedgerError> {
        self.revalidate()?;
        let mut book = match self.books.remove(member) {
            Some(book) => book,
            None => match self.store.load_book(member, self.needs)? {
                Some(book) => Box::new(book),
                None => return Ok(false),
            },
        };
        let ids = self.ids()?;
        let store = self.store.clone();
        let mut decider =
            Decider::new(self.policy, store.facts(), ids).with_messages(self.messages);
        decider.catch_up(&mut book, to);
        let plan = decider.take_plan();
        self.ids = Some(decider.ids());
        let changed = !plan.is_empty();
        self.record(plan)?;
        self.put_book(book);
        Ok(changed)
    }

    /// Adds (or, if negative, takes) `points` for `member`, for `reason`.
    pub fn adjust(
        &mut self,
        id: &str,
        member: &str,
        points: Decimal,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Applied, ManualError> {
        let event = Decider::adjustment(id, member, points, reason, at);
        let done = self.by_hand(&event, |decider, book| decider.adjust(book, &event))?;
        Ok(done.map_or(Applied::Duplicate, |()| Applied::Done))
    }

    /// Moves `points` from `from` to `to`. The points keep the expiry dates they had.
    #[allow(clippy::too_many_arguments)]
    pub fn transfer(
        &mut self,
        id: &str,
        from: &str,
        to: &str,
        points: Decimal,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Applied, ManualError> {
        self.revalidate()?;
        let transfer = Transfer::new(id, from, to, points, reason, at);
        if let Some(applied) = self.check_id(&transfer.out)? {
            return Ok(applied);
        }
        if from == to {
            return Err(ManualError::Refused(
                "a transfer needs two different members".into(),
            ));
        }
        let mut giver = self.existing_book(from)?;
        let mut receiver = match self.existing_book(to) {
            Ok(receiver) => receiver,
            Err(error) => {
                self.put_book(giver);
                return Err(error);
            }
        };
        let ids = self.ids()?;
        let store = self.store.clone();
        let mut decider =
            Decider::new(self.policy, store.facts(), ids).with_messages(self.messages);
        let result = decider.transfer(&mut giver, &mut receiver, &transfer);
        let plan = decider.take_plan();
        self.ids = Some(decider.ids());
        if result.is_ok() {
            self.record(plan)?;
        }
        self.put_book(giver);
        self.put_book(receiver);
        result.map_err(ManualError::from)?;
        self.latest = self.latest.max(Some(at));
        Ok(Applied::Done)
    }

    /// Redeems `reward` for `member`.
    pub fn redeem(
        &mut self,
        id: &str,
        member: &str,
        reward: &str,
        at: DateTime<Utc>,
    ) -> Result<Redemption, ManualError> {
        let event = Decider::redemption(self.policy, id, member, reward, at)?;
        match self.by_hand(&event, |decider, book| decider.redeem(book, &event))? {
            Some(redeemed) => Ok(Redemption {
                applied: Applied::Done,
                code: redeemed.code,
            }),
            None => Ok(Redemption {
                applied: Applied::Duplicate,
                code: self.store.redemption_code(id)?,
            }),
        }
    }

    /// Redeems `reward` from the pool of `group` for `member`, under their role's
    /// permission and monthly limit (`decide::groups`). The redemption is the group's
    /// event, naming the member in its `by` attribute.
    pub fn redeem_from_group(
        &mut self,
        id: &str,
        member: &str,
        group: &str,
        reward: &str,
        at: DateTime<Utc>,
    ) -> Result<Redemption, ManualError> {
        self.revalidate()?;
        let mut event = Decider::redemption(self.policy, id, group, reward, at)?;
        event.attributes.insert("by".to_owned(), member.to_owned());
        if self.check_id(&event)?.is_some() {
            return Ok(Redemption {
                applied: Applied::Duplicate,
                code: self.store.redemption_code(id)?,
            });
        }
        if member == group {
            return Err(ManualError::Refused(format!(
                "`{member}` is the group itself"
            )));
        }
        let mut pool = self.existing_book(group)?;
        let spender = match self.existing_book(member) {
            Ok(spender) => spender,
            Err(error) => {
                self.put_book(pool);
                return Err(error);
            }
        };
        let result = self.decide(&mut pool, |decider, pool| {
            decider.redeem_from_pool(pool, &spender, &event)
        });
        self.put_book(pool);
        self.put_book(spender);
        let redeemed = result?;
        self.latest = self.latest.max(Some(at));
        Ok(Redemption {
            applied: Applied::Done,
            code: redeemed.code,
        })
    }

    /// Cancels redemption `redemption` of `member`: points, credit and stock back.
    pub fn cancel_redemption(
        &mut self,
        id: &str,
        member: &str,
        redemption: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Applied, ManualError> {
        let event = Decider::cancellation(id, member, redemption, reason, at);
        match self.by_hand(&event, |decider, book| {
            decider.cancel_redemption(book, &event)
        })? {
            Some(()) => Ok(Applied::Done),
            None => Ok(Applied::Duplicate),
        }
    }

    /// Turns `points` of `member` into credit at the club's rate.
    pub fn convert(
        &mut self,
        id: &str,
        member: &str,
        points: Decimal,
        at: DateTime<Utc>,
    ) -> Result<Applied, ManualError> {
        let event = Event::manual(
            id,
            member,
            crate::event::EventType::Conversion,
            points,
            at,
            Default::default(),
        );
        let done = self.by_hand(&event, |decider, book| decider.convert(book, &event))?;
        Ok(done.map_or(Applied::Duplicate, |()| Applied::Done))
    }

    /// Creates or updates a member's profile from a members file (or a policy test): type,
    /// joining date (when known), birthday, attributes and consents. Returns whether the
    /// member was new.
    pub fn profile(
        &mut self,
        profile: &MemberState,
        joined_known: bool,
        consents: &[(String, bool)],
        source: &str,
        at: DateTime<Utc>,
    ) -> Result<ProfileOutcome, LedgerError> {
        self.revalidate()?;
        let mut book = self.take_book(&profile.id, at)?;
        let created = book.is_new && !book.posted && !self.dirty.contains(&profile.id);
        // The same profile again (a members file imported twice, `demo` run again):
        // nothing to write, and nothing is.
        let same = !created
            && book.state.member_type == profile.member_type
            && book.state.birthday == profile.birthday
            && book.state.attributes == profile.attributes
            && (profile.tier.is_none() || book.state.tier == profile.tier)
            && book.state.joined == profile.joined
            && book.joined_known == joined_known
            && consents
                .iter()
                .all(|(channel, granted)| book.consents.get(channel) == Some(granted));
        if same {
            self.put_book(book);
            return Ok(ProfileOutcome::Unchanged);
        }
        let state = &mut book.state;
        state.member_type = profile.member_type.clone();
        state.birthday = profile.birthday;
        state.attributes = profile.attributes.clone();
        if profile.tier.is_some() {
            state.tier = profile.tier.clone();
        }
        state.joined = profile.joined;
        book.joined_known = joined_known;
        book.profile_changed = true;
        let ids = self.ids()?;
        let store = self.store.clone();
        let mut decider =
            Decider::new(self.policy, store.facts(), ids).with_messages(self.messages);
        for (channel, granted) in consents {
            decider.consent(&mut book, channel, *granted, at, source);
        }
        let greets = self
            .policy
            .club
            .messages
            .as_ref()
            .is_some_and(|settings| settings.greet_loaded_members);
        if created && greets {
            // Consents first: a member who said no in the file is not welcomed.
            let joined = if joined_known {
                crate::engine::start_of_day(self.policy, profile.joined)
            } else {
                at
            };
            decider.greet_loaded(&mut book, joined);
        }
        let plan = decider.take_plan();
        self.ids = Some(decider.ids());
        self.record(plan)?;
        self.dirty.insert(profile.id.clone());
        self.put_book(book);
        // A members file is one transaction: without the bound, every profile's book
        // stayed held to its end (a kilobyte a member: 1 GB for a million).
        self.bound_books()?;
        Ok(if created {
            ProfileOutcome::Created
        } else {
            ProfileOutcome::Updated
        })
    }

    /// Records `member`'s yes or no for message channel `channel`, and where it came from
    /// (the API, a form): a consent of its own, as a members file's or a reply's.
    pub fn consent(
        &mut self,
        member: &str,
        channel: &str,
        granted: bool,
        at: DateTime<Utc>,
        source: &str,
    ) -> Result<(), ManualError> {
        self.revalidate()?;
        let mut book = self.existing_book(member)?;
        let ids = self.ids()?;
        let store = self.store.clone();
        let mut decider =
            Decider::new(self.policy, store.facts(), ids).with_messages(self.messages);
        decider.consent(&mut book, channel, granted, at, source);
        let plan = decider.take_plan();
        self.ids = Some(decider.ids());
        self.record(plan)?;
        self.dirty.insert(member.to_owned());
        self.put_book(book);
        Ok(())
    }

    /// Writes the rows of the members touched and moves the clock; forgets the books.
    /// Call before the transaction commits.
    pub fn finish(&mut self) -> Result<(), LedgerError> {
        self.save_dirty()?;
        if let Some(latest) = self.latest.take() {
            self.store.set_clock(latest)?;
        }
        if self.keep_books && !self.too_many_books() {
            // This connection's own commit does not move `data_version`; another's does.
            self.kept_at = Some(self.store.data_version()?);
        } else {
            self.forget();
        }
        Ok(())
    }

    /// What the catch-ups and advances of this recorder did.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// A change by hand to one member: `None` if its id is already in the ledger with
    /// the same content, else what `decision` gave, recorded.
    fn by_hand<T>(
        &mut self,
        event: &Event,
        decision: impl FnOnce(&mut Decider, &mut MemberBook) -> Result<T, Failure>,
    ) -> Result<Option<T>, ManualError> {
        self.revalidate()?;
        if self.check_id(event)?.is_some() {
            return Ok(None);
        }
        let mut book = self.existing_book(&event.member)?;
        let result = self.decide(&mut book, decision);
        self.put_book(book);
        let value = result?;
        self.latest = self.latest.max(Some(event.time));
        Ok(Some(value))
    }

    fn decide<T>(
        &mut self,
        book: &mut MemberBook,
        decision: impl FnOnce(&mut Decider, &mut MemberBook) -> Result<T, Failure>,
    ) -> Result<T, ManualError> {
        let ids = self.ids()?;
        let store = self.store.clone();
        let mut decider =
            Decider::new(self.policy, store.facts(), ids).with_messages(self.messages);
        let result = decision(&mut decider, book);
        let plan = decider.take_plan();
        self.ids = Some(decider.ids());
        let value = result.map_err(ManualError::from)?;
        self.record(plan)?;
        Ok(value)
    }

    /// `Some` if an operation's id is already in the ledger with the same content; an
    /// error if with other content.
    fn check_id(&self, event: &Event) -> Result<Option<Applied>, ManualError> {
        match self.store.lookup_event(&event.id)? {
            EventLookup::Absent => Ok(None),
            EventLookup::Present { fingerprint } if fingerprint == event.fingerprint() => {
                Ok(Some(Applied::Duplicate))
            }
            EventLookup::Present { .. } => Err(ManualError::Refused(format!(
                "event `{}` is already in the ledger with different content",
                event.id
            ))),
        }
    }

    fn record(&mut self, mut plan: Plan<'_>) -> Result<(), LedgerError> {
        if crate::decide::lots::take_unseal_failures() > 0 {
            // Never, unless the codec is at fault: the plan may have been decided without
            // some of a member's lots or other facts, so it is not recorded, and the
            // batch fails whole.
            return Err(LedgerError::corrupt(
                "a member's lots or facts kept compact in memory did not decode",
            ));
        }
        if !self.policy_recorded {
            self.store.record_policy(self.policy)?;
            self.policy_recorded = true;
        }
        if plan.tally != Tally::default() {
            self.tally.add(&plan.tally);
        }
        self.warnings.extend(std::mem::take(&mut plan.warnings));
        self.store.record(plan)?;
        Ok(())
    }

    fn ids(&mut self) -> Result<Ids, LedgerError> {
        match self.ids {
            Some(ids) => Ok(ids),
            None => self.store.next_ids(),
        }
    }

    /// The member's book, from this transaction, the ledger, or new.
    fn take_book(&mut self, id: &str, at: DateTime<Utc>) -> Result<Box<MemberBook>, LedgerError> {
        Ok(self.take_book_keyed(id, at)?.1)
    }

    /// The member's book with the key it was kept under (or a new one).
    fn take_book_keyed(
        &mut self,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<(String, Box<MemberBook>), LedgerError> {
        let dropped = self.books.dropped();
        let found = self.books.remove_entry(id);
        if self.books.dropped() != dropped {
            // A compact or spilled book that did not come back (this member's, or, under
            // the same key in the spill file, another's): a book read ahead of the ledger
            // for it may predate what was written of it ([`Recorder::forget_least_used`]).
            self.store.forget_read_ahead(false);
        }
        match found {
            Some((key, book)) => Ok((key, book)),
            None => Ok((id.to_owned(), self.load_or_new(id, at)?)),
        }
    }

    /// The book of the group whose pool `event` of `book`'s member earns for, or whose
    /// mirror of the purchase a return gives back (`decide::groups`); `None` if none.
    fn pool_book(
        &mut self,
        book: &MemberBook,
        event: &Event,
    ) -> Result<Option<Box<MemberBook>>, LedgerError> {
        use crate::decide::groups::{pool_of, POOL_SUFFIX};
        if self.policy.club.groups.is_empty() {
            return Ok(None);
        }
        let is_return = event.kind == crate::event::EventType::Return;
        let group = if is_return {
            let Some(original) = &event.original else {
                return Ok(None);
            };
            let mirror = format!("{original}{POOL_SUFFIX}");
            match self.store.facts().event_owner(&mirror) {
                Ok(Some((group, _))) => group,
                Ok(None) => return Ok(None),
                Err(error) => return Err(LedgerError::corrupt(error.0)),
            }
        } else {
            match pool_of(self.policy, book, event) {
                Some(membership) => membership.group.to_owned(),
                None => return Ok(None),
            }
        };
        if group == book.id() {
            return Ok(None);
        }
        let mut group = match self.books.remove(&group) {
            Some(group) => group,
            None => self.load_or_new(&group, event.time)?,
        };
        if is_return {
            self.store.load_history(&mut group)?;
        }
        Ok(Some(group))
    }

    fn load_or_new(&self, id: &str, at: DateTime<Utc>) -> Result<Box<MemberBook>, LedgerError> {
        if let Some(book) = self.store.load_book(id, self.needs)? {
            return Ok(Box::new(book));
        }
        let policy = self.policy;
        let default_type = policy
            .club
            .member_types
            .first()
            .map_or("individual", |t| t.id.as_str());
        // A member first seen at an event joined that day, or at an earlier event's if
        // one arrives later.
        let joined = at.with_timezone(&policy.zone).date_naive();
        let mut book = MemberBook::new(MemberState::new(id, default_type, joined), false);
        // A new member's history is complete (there is none); it is kept only if the
        // club's decisions read it.
        book.history = self.needs.history;
        // Nor are their lots kept where the decisions read none for most events (a club
        // that only earns): a decision that takes points reads them first, as it does for
        // a member read back from the ledger. Kept, every lot of each member who joined
        // during an import stayed in their book as long as it was held, some 400 MiB at a
        // million purchases by 100,000 new members in the 3-rule club against 246 MiB
        // with the members imported first (issue 14, docs/PERFORMANCE.md, thirty-first
        // stop).
        book.lots_loaded = self.needs.history;
        Ok(Box::new(book))
    }

    /// A member who must exist already (changes by hand are for known members), with
    /// their lots: a change by hand spends or counts them.
    fn existing_book(&mut self, id: &str) -> Result<Box<MemberBook>, ManualError> {
        let book = match self.books.remove(id) {
            Some(book) => Some(book),
            None => self.store.load_book(id, self.needs)?.map(Box::new),
        };
        let Some(mut book) = book else {
            return Err(ManualError::Refused(format!(
                "no member `{id}` in club `{}`",
                self.policy.club.id
            )));
        };
        self.store.load_lots(&mut book)?;
        Ok(book)
    }

    /// Keeps a book for the rest of the transaction. A member never written (their only
    /// event was rejected) is forgotten: a rejected row leaves no trace.
    fn put_book(&mut self, book: Box<MemberBook>) {
        let key = book.id().to_owned();
        self.put_book_as(key, book);
    }

    /// [`Recorder::put_book`] under a key already made (the one it was taken out with):
    /// the import's path, where a string per event counts.
    fn put_book_as(&mut self, key: String, book: Box<MemberBook>) {
        if book.is_new && !book.posted && !self.dirty.contains(&key) {
            return;
        }
        if !self.dirty.contains(&key) {
            self.dirty.insert(key.clone());
        }
        self.books.insert(key, book);
    }
}

/// One change by hand through the write path, for callers that make one at a time (the
/// CLI, tests): a recorder for the one operation, finished at once. Call inside
/// [`Ledger::begin`]/[`Ledger::commit`].
impl Ledger {
    /// Runs `operation` on a recorder of its own, finished at once.
    fn one_operation<T>(
        &self,
        policy: &Policy,
        operation: impl FnOnce(&mut Recorder<'_>) -> Result<T, ManualError>,
    ) -> Result<T, ManualError> {
        let mut recorder = Recorder::new(self, policy);
        let done = operation(&mut recorder)?;
        recorder.finish()?;
        Ok(done)
    }

    /// Adds (or, if negative, takes) `points` for `member`, for `reason`.
    pub fn adjust(
        &self,
        policy: &Policy,
        id: &str,
        member: &str,
        points: Decimal,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Applied, ManualError> {
        self.one_operation(policy, |recorder| {
            recorder.adjust(id, member, points, reason, at)
        })
    }

    /// Moves `points` from `from` to `to`.
    #[allow(clippy::too_many_arguments)]
    pub fn transfer(
        &self,
        policy: &Policy,
        id: &str,
        from: &str,
        to: &str,
        points: Decimal,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Applied, ManualError> {
        self.one_operation(policy, |recorder| {
            recorder.transfer(id, from, to, points, reason, at)
        })
    }

    /// Redeems `reward` for `member`.
    pub fn redeem(
        &self,
        policy: &Policy,
        id: &str,
        member: &str,
        reward: &str,
        at: DateTime<Utc>,
    ) -> Result<Redemption, ManualError> {
        self.one_operation(policy, |recorder| recorder.redeem(id, member, reward, at))
    }

    /// Redeems `reward` from group `group`'s pool for `member` (see
    /// [`Recorder::redeem_from_group`]).
    pub fn redeem_from_group(
        &self,
        policy: &Policy,
        id: &str,
        member: &str,
        group: &str,
        reward: &str,
        at: DateTime<Utc>,
    ) -> Result<Redemption, ManualError> {
        self.one_operation(policy, |recorder| {
            recorder.redeem_from_group(id, member, group, reward, at)
        })
    }

    /// Cancels redemption `redemption` of `member`.
    pub fn cancel_redemption(
        &self,
        policy: &Policy,
        id: &str,
        member: &str,
        redemption: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Applied, ManualError> {
        self.one_operation(policy, |recorder| {
            recorder.cancel_redemption(id, member, redemption, reason, at)
        })
    }

    /// Turns `points` of `member` into credit.
    pub fn convert(
        &self,
        policy: &Policy,
        id: &str,
        member: &str,
        points: Decimal,
        at: DateTime<Utc>,
    ) -> Result<Applied, ManualError> {
        self.one_operation(policy, |recorder| recorder.convert(id, member, points, at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::BOOK_WEIGHT;
    use crate::member::MemberState;

    /// A corner shop's club that earns a point per ten euros, and with `tiers` a tier
    /// (whose decisions read members' histories).
    fn shop(tiers: bool) -> (tempfile::TempDir, Policy) {
        let tiers = if tiers {
            "tiers:\n  - {id: bronze, thresholds: {individual: 0}}\n"
        } else {
            ""
        };
        crate::policy::scratch_club(
            &format!(
                "id: shop\nname: Corner Shop\ncurrency: EUR\ntimezone: UTC\n\
                 rules:\n  - {{id: base, function: base_points}}\n{tiers}"
            ),
            "fn base_points(event, member) { event.amount / 10 }\n",
        )
    }

    /// `count` books of members named `prefix` and a number, each with `facts` facts.
    fn books(recorder: &mut Recorder<'_>, prefix: &str, count: usize, facts: usize, history: bool) {
        let joined = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
        for n in 0..count {
            let id = format!("{prefix}{n}");
            let mut book = MemberBook::new(MemberState::new(&id, "individual", joined), history);
            for f in 0..facts {
                book.rest.add_other_id(format!("{id}-{f}"));
            }
            recorder.books.insert(id, Box::new(book));
        }
    }

    /// Under the default bound, a club that only earns holds the books of 100,000
    /// members whole (each the member's row and little else): bounded at 50,000 books,
    /// it read six members' rows back in ten purchases at a million purchases by 100,000
    /// members, a fifth of its writer's time (issue 14). Books count themselves in the
    /// bound on facts ([`crate::decide::BOOK_WEIGHT`]), so that 140,000 more with three
    /// facts each are too many though fewer than the bound on books, as are 100,000 with
    /// a history of thirty facts each.
    #[test]
    fn the_default_bound_holds_a_hundred_thousand_books_of_a_club_that_only_earns() {
        let (_dir, policy) = shop(false);
        let ledger = Ledger::open_in_memory().expect("a ledger");
        let mut recorder = Recorder::new(&ledger, &policy);
        assert!(!recorder.needs.history);
        books(&mut recorder, "M", 100_000, 0, false);
        assert_eq!(recorder.held_books(), 100_000);
        assert!(!recorder.too_many_books());
        books(&mut recorder, "N", 140_000, 3, false);
        assert!(recorder.held_books() < BookLimits::default().members);
        assert!(recorder.too_many_books());

        let mut recorder = Recorder::new(&ledger, &policy);
        books(&mut recorder, "M", 100_000, 30, true);
        assert!(recorder.too_many_books());
    }

    /// A member who joins at their first event in a club that only earns is held without
    /// their lots, as a member read back from the ledger is (a million purchases by
    /// 100,000 new members held every lot whole: some 400 MiB, issue 14). Taking points
    /// reads them from the ledger first, and takes the oldest first; the ledger is what
    /// it was with the lots held. A club whose books carry histories keeps them.
    #[test]
    fn a_new_member_of_a_club_that_only_earns_is_held_without_their_lots() {
        use crate::event::EventType;
        let day = |d: u32| {
            chrono::NaiveDate::from_ymd_opt(2025, 3, d)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .expect("a time")
                .and_utc()
        };
        let purchase = |id: &str, amount: i64, d: u32| {
            let event = Event::manual(
                id,
                "M1",
                EventType::Purchase,
                Decimal::from(amount),
                day(d),
                Default::default(),
            );
            let fingerprint = event.fingerprint();
            (event, fingerprint)
        };
        let (_dir, policy) = shop(false);
        let ledger = Ledger::open_in_memory().expect("a ledger");
        ledger.begin().expect("begin");
        let mut recorder = Recorder::new(&ledger, &policy);
        for (id, amount, d) in [("E1", 100, 1), ("E2", 50, 2)] {
            let (event, fingerprint) = purchase(id, amount, d);
            let done = recorder.event(&event, fingerprint).expect("recorded");
            assert!(matches!(done, Disposition::Applied { .. }), "{done:?}");
        }
        let book = recorder.books.get("M1").expect("held");
        assert!(!book.lots_loaded && book.lots().is_empty());
        // 12 of 15 points: the first lot's 10 and 2 of the second's 5.
        let taken = recorder.adjust("A1", "M1", Decimal::from(-12), "a gift", day(3));
        assert!(matches!(taken, Ok(Applied::Done)), "{taken:?}");
        recorder.finish().expect("finish");
        ledger.commit().expect("commit");
        // Only the second lot has points left, 3 of its 5.
        let open: Vec<(String, Decimal, Decimal)> = ledger
            .open_lots("M1")
            .expect("lots")
            .into_iter()
            .map(|lot| (lot.event, lot.points, lot.remaining))
            .collect();
        assert_eq!(open, [("E2".into(), Decimal::from(5), Decimal::from(3))]);

        let (_dir, tiered) = shop(true);
        let mut recorder = Recorder::new(&ledger, &tiered);
        let (event, fingerprint) = purchase("E3", 100, 4);
        let mut event = event;
        event.member = "M9".into();
        recorder.event(&event, fingerprint).expect("recorded");
        let book = recorder.books.get("M9").expect("held");
        assert!(book.lots_loaded && book.lots().len() == 1);
    }

    /// Told how many events are coming, a club whose books carry histories finds out,
    /// once the books held pass its smaller bound, whether at the rate they grew they
    /// will pass the larger one, and if so holds no more than the smaller bound from
    /// then on, though no book was forgotten yet; told fewer, or nothing, it goes on
    /// filling the larger bound. A club whose books do not carry histories is not asked.
    #[test]
    fn a_club_whose_books_will_not_fit_holds_few_whole_before_any_is_forgotten() {
        let (_dir, policy) = shop(true);
        let ledger = Ledger::open_in_memory().expect("a ledger");
        let limits = BookLimits::default();
        // 4,000 books of forty facts, after 10,000 events: 184,000 facts, past the
        // smaller bound and within the larger.
        let held = 4_000 * (BOOK_WEIGHT + 40);
        assert!(held > limits.history_facts && held < limits.facts);
        let projected = |expected: u64| held as u64 * expected / 10_000;
        assert!(projected(100_000) > limits.facts as u64);
        assert!(projected(60_000) < limits.facts as u64);
        for (expected, will_not_fit) in
            [(Some(100_000), true), (Some(60_000), false), (None, false)]
        {
            let mut recorder = Recorder::new(&ledger, &policy).expect_events(expected);
            books(&mut recorder, "M", 4_000, 40, true);
            recorder.events_seen = 10_000;
            recorder.foresee_overflow();
            assert_eq!(recorder.books.cold_bytes(), 0, "none forgotten yet");
            assert_eq!(
                recorder.too_many_books(),
                will_not_fit,
                "expecting {expected:?}"
            );
        }
        // Under the smaller bound, far fewer books would have to be held.
        let mut recorder = Recorder::new(&ledger, &policy).expect_events(Some(100_000));
        books(&mut recorder, "M", 1_000, 40, true);
        recorder.events_seen = 2_500;
        recorder.foresee_overflow();
        assert!(!recorder.books_will_not_fit, "46,000 facts: not asked yet");

        let (_dir, plain) = shop(false);
        let mut recorder = Recorder::new(&ledger, &plain).expect_events(Some(100_000));
        books(&mut recorder, "M", 4_000, 40, true);
        recorder.events_seen = 10_000;
        recorder.foresee_overflow();
        assert!(!recorder.too_many_books());
    }

    /// A club whose books carry histories holds its books whole while they fit; once
    /// some did not (a book is kept compact), it holds whole only what its own bound on
    /// facts allows (forgotten books are kept compact, then spilled, at about the cost
    /// of holding them): 4,000 books of thirty facts, but not 5,000, which a club that
    /// only earns holds.
    #[test]
    fn a_club_that_reads_histories_holds_fewer_facts_whole_once_some_did_not_fit() {
        let (_dir, policy) = shop(true);
        let ledger = Ledger::open_in_memory().expect("a ledger");
        let limits = BookLimits::default();
        assert!(limits.history_facts < 5_000 * (BOOK_WEIGHT + 30));
        assert!(limits.history_facts > 4_000 * (BOOK_WEIGHT + 30));
        let mut recorder = Recorder::new(&ledger, &policy);
        assert!(recorder.needs.history);
        books(&mut recorder, "M", 5_000, 30, true);
        assert!(!recorder.too_many_books(), "all fit whole");
        // One book forgotten, kept compact: the rest no longer fit.
        recorder.books.forget_least_used(5_000);
        assert_eq!(recorder.books.cold().0, 1);
        assert!(recorder.too_many_books());
        // A fifth of the 4,999 held: 4,000 are left, within the bound.
        recorder.books.forget_least_used(5);
        assert_eq!(recorder.held_books(), 4_000);
        assert!(!recorder.too_many_books());

        let (_dir, plain) = shop(false);
        let mut recorder = Recorder::new(&ledger, &plain);
        assert!(!recorder.needs.history);
        books(&mut recorder, "M", 5_000, 30, true);
        assert!(!recorder.too_many_books());
    }
}
