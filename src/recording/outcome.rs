//! What the write path answers: for an event, a clock advance, a change by hand.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::decide::{Failure, Tally};
use crate::engine::EvalError;
use crate::ledger::LedgerError;

/// What applying one event did.
#[derive(Debug, Clone, PartialEq)]
pub enum Disposition {
    /// Written, with the points its entries add up to.
    Applied { points: Decimal },
    /// Already in the ledger with the same content: nothing written.
    Duplicate,
    /// Already in the ledger with different content: nothing written.
    Conflict,
    /// It failed (a script error, a tier function error, a bad `original`, a number too
    /// large): nothing of it was written.
    Rejected(EvalError),
}

/// What an advance of the clock did: everything the clock decided, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AdvanceReport {
    /// The clock's new time.
    pub to: DateTime<Utc>,
    #[serde(flatten)]
    pub tally: Tally,
    /// Rules and targets that failed (the rest went on), with why.
    pub failures: Vec<String>,
}

/// Why a change by hand was refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ManualError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<Failure> for ManualError {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Refused(message) => ManualError::Refused(message),
            Failure::Rejected(error) => ManualError::Refused(error.message),
            Failure::Facts(error) => ManualError::Ledger(LedgerError::corrupt(error.0)),
            Failure::NeedsLots => {
                ManualError::Ledger(LedgerError::corrupt("the member's lots were not read"))
            }
        }
    }
}

/// What a change by hand did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// The same change, with the same id, was already in the ledger.
    Duplicate,
}

/// A redemption done (or found already done): its code, if the reward has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redemption {
    pub applied: Applied,
    pub code: Option<String>,
}

/// What writing a member's profile did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileOutcome {
    Created,
    Updated,
    /// The ledger already held this profile: nothing was written.
    Unchanged,
}
