//! The rows a contest's window leaves once it is decided (its result and each prize), as
//! the plan carries them to the ledger: plain data, apart from `decide::contests` (which
//! decides them) so that the plan needs nothing of the deciding.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

/// A window's result, as the ledger keeps it (once per contest and window).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContestResult {
    pub contest: String,
    pub window: String,
    /// `leaderboard` or `draw`.
    pub kind: &'static str,
    pub decided_at: DateTime<Utc>,
    /// A draw's seed (hex SHA-256, see [`crate::engine::contests::draw_seed`]).
    pub seed: Option<String>,
    /// Members ranked, or members with entries.
    pub participants: u64,
    /// A draw's entries in all (0 for a leaderboard).
    pub entries: u64,
    pub policy_version: String,
    pub prizes: Vec<PrizeRow>,
}

/// A prize given, with the event that added its points (if it had any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrizeRow {
    pub rank: u64,
    pub member: String,
    pub score: Decimal,
    pub points: Decimal,
    pub badge: Option<String>,
    pub reward: Option<String>,
    pub event: Option<String>,
}
