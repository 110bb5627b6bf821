//! [`Store`]: what the write path asks of the ledger and hands it, as one interface, so
//! that the same [`super::Recorder`] — the same checks, books and decisions — works on
//! the ledger in this thread ([`Direct`]) or on a ledger owned by a writer thread
//! ([`super::pipeline`]), where an import records while it decides the next events.
//!
//! Every method takes `&self`: a decision holds the store's [`ClubFacts`] while the
//! recorder reads lots or books through it.

use chrono::{DateTime, Utc};

use crate::decide::{BookNeeds, ClubFacts, Ids, MemberBook, Plan};
use crate::engine::contests::ScoreRow;
use crate::engine::EvalError;
use crate::ledger::{EventLookup, Ledger, LedgerError};
use crate::policy::Policy;

type Result<T> = std::result::Result<T, LedgerError>;

/// An event told ahead ([`Store::read_ahead`]): its id, its fingerprint, and the index of
/// its member among the members told with it (`None`: the recorder holds their book).
pub type AheadEvent = (String, String, Option<usize>);

/// The reads and writes of the write path. Reads see every write handed over before
/// them (in the same transaction).
pub trait Store {
    /// The store as the facts a decision reads.
    fn facts(&self) -> &dyn ClubFacts;
    fn lookup_event(&self, id: &str) -> Result<EventLookup>;
    fn has_rejections(&self) -> Result<bool>;
    fn rejection(&self, id: &str, fingerprint: &str, version: &str) -> Result<Option<EvalError>>;
    fn remember_rejection(
        &self,
        id: &str,
        fingerprint: &str,
        version: &str,
        error: &EvalError,
    ) -> Result<()>;
    fn load_book(&self, id: &str, needs: BookNeeds) -> Result<Option<MemberBook>>;
    fn load_history(&self, book: &mut MemberBook) -> Result<()>;
    fn load_lots(&self, book: &mut MemberBook) -> Result<()>;
    fn next_ids(&self) -> Result<Ids>;
    /// Stores the version's files (once per recorder): the recorder's own policy.
    fn record_policy(&self, policy: &Policy) -> Result<()>;
    fn record(&self, plan: Plan<'_>) -> Result<()>;
    fn save_book(&self, book: &MemberBook) -> Result<()>;
    fn set_clock(&self, at: DateTime<Utc>) -> Result<()>;
    fn data_version(&self) -> Result<i64>;
    fn members_with_something_due(&self, everyone: bool) -> Result<Vec<String>>;
    fn redemption_code(&self, id: &str) -> Result<Option<String>>;
    /// What each event scored (or earned) in a contest's window.
    fn contest_rows(&self, contest: &str, window: &str) -> Result<Vec<ScoreRow>>;
    /// A contest's windows with rows and no result yet.
    fn contest_windows_open(&self, contest: &str) -> Result<Vec<String>>;
    /// Whether a contest's window has its result.
    fn contest_decided(&self, contest: &str, window: &str) -> Result<bool>;

    /// Events and members the next operations will ask about, told ahead so that a store
    /// on another thread reads them while this one decides. `members` are those whose
    /// books the recorder does not hold; `events` are (id, fingerprint, the index in
    /// `members` of the event's member if it is there). A member's book is needed only
    /// for an event the ledger does not hold yet: a file imported again, or an import
    /// resumed, reads no books for the rows it skips. Answers must stay true to every
    /// write handed over after the question.
    fn read_ahead(&self, _events: Vec<AheadEvent>, _members: Vec<String>, _needs: BookNeeds) {}

    /// What was read ahead may be older than the ledger: forget the books (the recorder
    /// wrote and forgot some), or with `everything`, all of it (another connection
    /// wrote).
    fn forget_read_ahead(&self, _everything: bool) {}
}

/// The ledger in this thread: every call goes straight to it.
pub struct Direct<'a> {
    ledger: &'a Ledger,
}

impl<'a> Direct<'a> {
    pub fn new(ledger: &'a Ledger) -> Direct<'a> {
        Direct { ledger }
    }
}

impl Store for Direct<'_> {
    fn facts(&self) -> &dyn ClubFacts {
        self.ledger
    }

    fn lookup_event(&self, id: &str) -> Result<EventLookup> {
        self.ledger.lookup_event(id)
    }

    fn has_rejections(&self) -> Result<bool> {
        self.ledger.has_rejections()
    }

    fn rejection(&self, id: &str, fingerprint: &str, version: &str) -> Result<Option<EvalError>> {
        self.ledger.rejection(id, fingerprint, version)
    }

    fn remember_rejection(
        &self,
        id: &str,
        fingerprint: &str,
        version: &str,
        error: &EvalError,
    ) -> Result<()> {
        self.ledger
            .remember_rejection(id, fingerprint, version, error)
    }

    fn load_book(&self, id: &str, needs: BookNeeds) -> Result<Option<MemberBook>> {
        self.ledger.load_book(id, needs)
    }

    fn load_history(&self, book: &mut MemberBook) -> Result<()> {
        self.ledger.load_history(book)
    }

    fn load_lots(&self, book: &mut MemberBook) -> Result<()> {
        self.ledger.load_lots(book)
    }

    fn next_ids(&self) -> Result<Ids> {
        self.ledger.next_ids()
    }

    fn record_policy(&self, policy: &Policy) -> Result<()> {
        self.ledger.record_policy(policy)
    }

    fn record(&self, plan: Plan<'_>) -> Result<()> {
        self.ledger.record(&plan)
    }

    fn save_book(&self, book: &MemberBook) -> Result<()> {
        self.ledger.save_book(book)
    }

    fn set_clock(&self, at: DateTime<Utc>) -> Result<()> {
        self.ledger.set_clock(at)
    }

    fn data_version(&self) -> Result<i64> {
        self.ledger.data_version()
    }

    fn members_with_something_due(&self, everyone: bool) -> Result<Vec<String>> {
        self.ledger.members_with_something_due(everyone)
    }

    fn redemption_code(&self, id: &str) -> Result<Option<String>> {
        self.ledger.redemption_code(id)
    }

    fn contest_rows(&self, contest: &str, window: &str) -> Result<Vec<ScoreRow>> {
        self.ledger.contest_rows(contest, window)
    }

    fn contest_windows_open(&self, contest: &str) -> Result<Vec<String>> {
        self.ledger.contest_windows_open(contest)
    }

    fn contest_decided(&self, contest: &str, window: &str) -> Result<bool> {
        self.ledger.contest_decided(contest, window)
    }
}
