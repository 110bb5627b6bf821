//! Deciding: what an event, the clock passing, or a person's change does to a member —
//! worked out in memory, without writing anything.
//!
//! A decision reads the policy, the member's [`MemberBook`] (their facts, loaded by the
//! store) and, through [`ClubFacts`], the few facts of the whole club it needs (what a
//! campaign gave in all, a reward's stock). It returns a [`Plan`]: every event, entry,
//! lot, tier move, deal checkpoint, message and budget cut the ledger will hold, with its
//! reason. Recording the plan is the store's job and the only write; a dry run, a policy
//! test, a simulation, `explain` and a projection of the clock all take the same path and
//! simply stop before recording (or record into a scratch ledger).
//!
//! Time-based work — greetings, deal checkpoints, tier reviews, expiry — belongs here
//! too: it is decided before each event of a member (whatever the batch the event came
//! in) and when the clock is advanced, so the ledger is the same however events arrive.

mod book;
mod campaigns;
mod clock;
pub mod codes;
pub(crate) mod compact;
pub mod contest_results;
pub mod contests;
pub mod currency;
mod deals;
mod event;
mod expiry;
mod facts;
pub mod group_facts;
pub mod groups;
mod history;
pub mod lots;
mod manual;
mod occasions;
mod outbound;
mod plan;
mod posting;
pub mod rest;
mod rewards;
mod tiers;

use std::collections::BTreeMap;

use rust_decimal::Decimal;

pub use book::{
    shared_text, BookNeeds, ChallengeFact, EntryFact, EventFact, LotFact, MemberBook, MessageFact,
    ReturnShare, SpendFact, BOOK_WEIGHT,
};
pub use campaigns::budget_points;
pub use event::{Decided, Gift};
pub use facts::{ClubFacts, FactsError, NoFacts, RedemptionFact};
pub use manual::Transfer;
pub use plan::{
    Change, CheckpointRow, Entry, LotUse, MessageRow, NewLot, OutboundRow, Plan, Posting, Tally,
    TierMove, UseKind,
};
pub use rewards::{find_reward, Redeemed};
pub use tiers::metric_unit;

use crate::engine::EvalError;
use crate::policy::Policy;

/// Numbers the ledger gives new lots and deal enrolments. The recorder reads the next free
/// ones when its transaction starts; nobody else writes the ledger meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ids {
    pub next_lot: i64,
    pub next_enrollment: i64,
}

impl Ids {
    /// For decisions that will not be recorded (projections, `explain`): numbers far
    /// from any the ledger uses.
    pub fn scratch() -> Ids {
        Ids {
            next_lot: i64::MAX / 2,
            next_enrollment: i64::MAX / 2,
        }
    }

    fn lot(&mut self) -> i64 {
        let id = self.next_lot;
        self.next_lot += 1;
        id
    }

    fn enrollment(&mut self) -> i64 {
        let id = self.next_enrollment;
        self.next_enrollment += 1;
        id
    }
}

/// Why a decision wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The event failed (a script error, a bad `original`, a number too large): it is
    /// rejected, and nothing of it — nor of the catch-up before it — is written.
    #[error("{0}")]
    Rejected(EvalError),
    /// A change made by hand is not allowed (not enough points, out of stock...).
    #[error("{0}")]
    Refused(String),
    /// The store could not answer: stop.
    #[error(transparent)]
    Facts(#[from] FactsError),
    /// The decision must take points, and the member's lots were not read: the caller
    /// reads them ([`MemberBook::lots_loaded`]) and asks again. Nothing was decided.
    #[error("the member's lots are needed")]
    NeedsLots,
}

/// One decision in the making: the policy, the club's facts, and the plan so far.
pub struct Decider<'a> {
    policy: &'a Policy,
    facts: &'a dyn ClubFacts,
    ids: Ids,
    plan: Plan<'a>,
    /// Points campaigns gave earlier in this decision (not yet recorded, so not yet in
    /// [`ClubFacts::campaign_given`]).
    campaign_given: BTreeMap<String, Decimal>,
    /// While an event is decided: the member's book as it was before the catch-up first
    /// changed it, to put back if the event is rejected.
    backup: Option<Option<MemberBook>>,
    /// Which messages are recorded but not queued ([`MessageDiscipline`]).
    messages: MessageDiscipline,
}

/// Messages that are recorded but not queued for delivery, so that importing history
/// does not send members news of long ago. Deciding stays pure: the instant that makes a
/// message stale is worked out by the caller (from the machine's clock and the club's
/// `messages.stale_after`) and handed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessageDiscipline {
    /// An occasion before this instant is `suppressed` with reason `stale`.
    pub stale_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Every message is `suppressed` with reason `quiet` (`import --quiet`).
    pub quiet: bool,
}

impl MessageDiscipline {
    /// For a club whose `messages.stale_after` is set: occasions older than that before
    /// `now` (the machine's clock, at the caller) are stale. Nothing is stale otherwise.
    pub fn at(policy: &Policy, now: chrono::DateTime<chrono::Utc>) -> MessageDiscipline {
        let stale_after = policy
            .club
            .messages
            .as_ref()
            .and_then(|settings| settings.stale_after);
        MessageDiscipline {
            stale_before: stale_after.map(|span| policy.span_before(span, now)),
            quiet: false,
        }
    }
}

impl<'a> Decider<'a> {
    pub fn new(policy: &'a Policy, facts: &'a dyn ClubFacts, ids: Ids) -> Decider<'a> {
        Decider {
            policy,
            facts,
            ids,
            plan: Plan::default(),
            campaign_given: BTreeMap::new(),
            backup: None,
            messages: MessageDiscipline::default(),
        }
    }

    /// Decides messages under `discipline` (default: every message queued).
    pub fn with_messages(mut self, discipline: MessageDiscipline) -> Decider<'a> {
        self.messages = discipline;
        self
    }

    /// Called before the catch-up changes `book`: keeps a copy to put back if the event it
    /// runs for is rejected. Nothing is copied when nothing falls due (the usual case).
    fn touch(&mut self, book: &MemberBook) {
        if let Some(backup @ None) = &mut self.backup {
            *backup = Some(book.clone());
        }
    }

    /// The plan decided so far, leaving an empty one for what comes next.
    pub fn take_plan(&mut self) -> Plan<'a> {
        self.campaign_given.clear();
        std::mem::take(&mut self.plan)
    }

    /// The next free numbers, after what this decider gave out.
    pub fn ids(&self) -> Ids {
        self.ids
    }

    pub fn policy(&self) -> &'a Policy {
        self.policy
    }
}
