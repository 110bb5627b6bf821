//! Deals as the ledger holds them: each enrolment's state, and every checkpoint with its
//! result (what they do is decided in [`crate::decide`]).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::store::{Ledger, LedgerError};
use crate::member::{DealState, DealStatus};
use crate::time::from_stored;

type Result<T> = std::result::Result<T, LedgerError>;

/// One checkpoint as the member view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub deal: String,
    pub period: u32,
    pub starts: String,
    pub ends: String,
    pub kept: bool,
    pub note: String,
}

fn instant(text: &str) -> Result<DateTime<Utc>> {
    from_stored(text)
        .ok_or_else(|| LedgerError::corrupt(format!("`{text}` in the ledger is not a time")))
}

impl Ledger {
    /// The member's deal enrolments, oldest first.
    pub fn deal_statuses(&self, member: &str) -> Result<Vec<DealStatus>> {
        let mut statement = self.connection().prepare_cached(
            "SELECT seq, deal, state, enrolled_at, starts_at, periods, kept, missed, next_checkpoint, ended_at, tier_until
             FROM deal_enrollments WHERE member = ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([member], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, u32>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, Option<String>>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                enrollment,
                deal,
                state,
                enrolled,
                starts,
                periods,
                kept,
                missed,
                next,
                ended,
                tier_until,
            ) = row?;
            out.push(DealStatus {
                enrollment,
                deal,
                state: match state.as_str() {
                    "active" => DealState::Active,
                    "completed" => DealState::Completed,
                    _ => DealState::Failed,
                },
                enrolled_at: instant(&enrolled)?,
                starts_at: instant(&starts)?,
                periods,
                kept,
                missed,
                next_checkpoint: instant(&next)?,
                ended_at: ended.as_deref().map(instant).transpose()?,
                tier_until: tier_until.as_deref().map(instant).transpose()?,
            });
        }
        Ok(out)
    }

    /// The checkpoints of all the member's deals, oldest first.
    pub fn deal_checkpoints(&self, member: &str) -> Result<Vec<Checkpoint>> {
        let mut statement = self.connection().prepare_cached(
            "SELECT d.deal, c.period, c.starts, c.ends, c.kept, c.note FROM deal_checkpoints c
             JOIN deal_enrollments d ON d.seq = c.enrollment WHERE d.member = ?1 ORDER BY c.seq",
        )?;
        let rows = statement.query_map([member], |r| {
            Ok(Checkpoint {
                deal: r.get(0)?,
                period: r.get(1)?,
                starts: r.get(2)?,
                ends: r.get(3)?,
                kept: r.get(4)?,
                note: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
