//! Tier changes as the member view reads them: every change is an event
//! (`tier:<member>:<time>`) with a row in `tier_changes` saying why.

use serde::Serialize;

use super::db::args;
use super::store::{Ledger, LedgerError};

type Result<T> = std::result::Result<T, LedgerError>;

/// A tier change as the member view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TierChange {
    pub time: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: String,
}

impl Ledger {
    /// The member's tier changes, oldest first.
    pub fn tier_changes(&self, member: &str) -> Result<Vec<TierChange>> {
        self.db().query(
            "SELECT time, from_tier, to_tier, reason FROM tier_changes WHERE member = ?1 ORDER BY seq",
            args![member],
            |r| {
                Ok(TierChange {
                    time: r.get(0)?,
                    from: r.get(1)?,
                    to: r.get(2)?,
                    reason: r.get(3)?,
                })
            },
        )
    }
}
