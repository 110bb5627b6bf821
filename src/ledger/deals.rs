//! Deals as the ledger holds them: each enrolment's state, and every checkpoint with its
//! result (what they do is decided in [`crate::decide`]).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::db::args;
use super::store::{Ledger, LedgerError};
use crate::member::{DealState, DealStatus};
use crate::time::from_stored;

type Result<T> = std::result::Result<T, LedgerError>;

/// One checkpoint as the member view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Checkpoint {
    pub deal: String,
    pub period: u32,
    pub starts: String,
    pub ends: String,
    pub kept: bool,
    pub note: String,
}

/// A member's deal enrolments, as [`Ledger::deal_statuses`] reads them.
pub(super) const DEAL_STATUSES: &str = "SELECT seq, deal, state, enrolled_at, starts_at, periods, kept, missed, next_checkpoint, ended_at, tier_until
     FROM deal_enrollments WHERE member = ?1 ORDER BY seq";

/// A count as stored (`BIGINT`), as the deal's `u32`.
fn count(value: i64) -> Result<u32> {
    u32::try_from(value)
        .map_err(|_| LedgerError::corrupt(format!("`{value}` in the ledger is not a count")))
}

fn instant(text: &str) -> Result<DateTime<Utc>> {
    from_stored(text)
        .ok_or_else(|| LedgerError::corrupt(format!("`{text}` in the ledger is not a time")))
}

impl Ledger {
    /// The member's deal enrolments, oldest first.
    pub fn deal_statuses(&self, member: &str) -> Result<Vec<DealStatus>> {
        self.member_order()?;
        self.db().query(DEAL_STATUSES, args![member], |r| {
            let state: String = r.get(2)?;
            Ok(DealStatus {
                enrollment: r.get(0)?,
                deal: r.get(1)?,
                state: match state.as_str() {
                    "active" => DealState::Active,
                    "completed" => DealState::Completed,
                    _ => DealState::Failed,
                },
                enrolled_at: instant(&r.get::<String>(3)?)?,
                starts_at: instant(&r.get::<String>(4)?)?,
                periods: count(r.get(5)?)?,
                kept: count(r.get(6)?)?,
                missed: count(r.get(7)?)?,
                next_checkpoint: instant(&r.get::<String>(8)?)?,
                ended_at: r
                    .get::<Option<String>>(9)?
                    .as_deref()
                    .map(instant)
                    .transpose()?,
                tier_until: r
                    .get::<Option<String>>(10)?
                    .as_deref()
                    .map(instant)
                    .transpose()?,
            })
        })
    }

    /// The checkpoints of all the member's deals, oldest first.
    pub fn deal_checkpoints(&self, member: &str) -> Result<Vec<Checkpoint>> {
        self.db().query(
            "SELECT d.deal, c.period, c.starts, c.ends, c.kept, c.note FROM deal_checkpoints c
             JOIN deal_enrollments d ON d.seq = c.enrollment WHERE d.member = ?1 ORDER BY c.seq",
            args![member],
            |r| {
                Ok(Checkpoint {
                    deal: r.get(0)?,
                    period: count(r.get(1)?)?,
                    starts: r.get(2)?,
                    ends: r.get(3)?,
                    kept: r.get::<i64>(4)? != 0,
                    note: r.get(5)?,
                })
            },
        )
    }
}
