//! The rows a group's decisions keep in a member's book and write through the plan: a
//! member joining or leaving a group, and points spent from a pool. Plain data, apart
//! from `decide::groups` (which decides them) so that the book and the plan, which hold
//! them, need nothing of the deciding.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

/// A member joining a group (with a role) or leaving it (no role).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MembershipFact {
    pub member: String,
    pub group: String,
    pub kind: String,
    pub role: Option<String>,
    pub at: DateTime<Utc>,
    /// The `join` or `leave` event.
    pub event: String,
}

/// Points a member spent from a group's pool, and the calendar month it counts in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolSpendFact {
    pub group: String,
    pub member: String,
    pub event: String,
    pub at: DateTime<Utc>,
    /// `YYYY-MM` in the club's calendar.
    pub month: String,
    pub points: Decimal,
}
