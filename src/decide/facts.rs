//! [`ClubFacts`]: what a decision needs to know beyond one member's book — facts of the
//! whole club, read (never written) through this trait, so that the decision stage does
//! not know which store answers.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::event::EventType;

/// A redemption as recorded: what cancelling it must give back, and whether it still can
/// be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedemptionFact {
    pub member: String,
    pub reward: String,
    pub points: Decimal,
    /// The credit it put in the member's wallet (a `credit` reward), else zero.
    pub credit: Decimal,
    pub code: Option<String>,
    /// When its code was used at a till, and the till's reference: the reward was handed
    /// over.
    pub code_used: Option<(String, String)>,
    /// The event that cancelled it, if one did.
    pub cancelled_by: Option<String>,
    /// The points it took, lot by lot, with each lot's expiry: what comes back keeps it.
    pub taken: Vec<(Decimal, Option<DateTime<Utc>>)>,
}

/// A store could not answer. The decision stops; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FactsError(pub String);

/// Club-wide facts, as recorded so far (in the current transaction).
pub trait ClubFacts {
    /// Points campaign `campaign` gave, in all.
    fn campaign_given(&self, campaign: &str) -> Result<Decimal, FactsError>;
    /// How many times `reward` was redeemed, by anyone.
    fn redeemed(&self, reward: &str) -> Result<u64, FactsError>;
    /// Whether a redemption code is taken.
    fn code_taken(&self, code: &str) -> Result<bool, FactsError>;
    /// The member and type of event `id`, if the club has it.
    fn event_owner(&self, id: &str) -> Result<Option<(String, EventType)>, FactsError>;
    /// The redemption recorded by event `id`, if there is one.
    fn redemption(&self, id: &str) -> Result<Option<RedemptionFact>, FactsError>;
    /// Whether a contest's window has its result (an event dated in it is then late).
    fn contest_decided(&self, contest: &str, window: &str) -> Result<bool, FactsError>;
}

/// A club with nothing recorded: for decisions made with no ledger at hand.
pub struct NoFacts;

impl ClubFacts for NoFacts {
    fn campaign_given(&self, _: &str) -> Result<Decimal, FactsError> {
        Ok(Decimal::ZERO)
    }

    fn redeemed(&self, _: &str) -> Result<u64, FactsError> {
        Ok(0)
    }

    fn code_taken(&self, _: &str) -> Result<bool, FactsError> {
        Ok(false)
    }

    fn event_owner(&self, _: &str) -> Result<Option<(String, EventType)>, FactsError> {
        Ok(None)
    }

    fn redemption(&self, _: &str) -> Result<Option<RedemptionFact>, FactsError> {
        Ok(None)
    }

    fn contest_decided(&self, _: &str, _: &str) -> Result<bool, FactsError> {
        Ok(false)
    }
}
