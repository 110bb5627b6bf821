//! The ledger's clock, and the notices the clock raised (expiry itself is decided in
//! [`crate::decide`]).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::store::{Ledger, LedgerError};
use crate::time::{from_stored, stored};

type Result<T> = std::result::Result<T, LedgerError>;

/// Something to tell a member (messaging arrives with a later issue; notices wait here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// `expiring_soon`.
    pub kind: String,
    /// When it was raised (stored UTC time).
    pub at: String,
    /// When what it warns about happens.
    pub due: Option<String>,
    pub points: Option<String>,
}

impl Ledger {
    /// The ledger's clock: the latest time it was advanced to or an event happened.
    pub fn now(&self) -> Result<Option<DateTime<Utc>>> {
        let now: Option<String> = self
            .connection()
            .query_row("SELECT now FROM clock WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        Ok(now.as_deref().and_then(from_stored))
    }

    /// Moves the clock forward to `to` (never back).
    pub fn set_clock(&self, to: DateTime<Utc>) -> Result<()> {
        self.connection()
            .prepare_cached("INSERT INTO clock (id, now) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET now = max(now, excluded.now)")?
            .execute([stored(to)])?;
        Ok(())
    }

    /// The members the clock may have work for: points that may expire, a tier to
    /// review, and (when `everyone`) greetings.
    pub fn members_with_something_due(&self, everyone: bool) -> Result<Vec<String>> {
        let sql = if everyone {
            "SELECT id FROM members ORDER BY id"
        } else {
            "SELECT DISTINCT member FROM lots WHERE remaining != '0'
             UNION SELECT id FROM members WHERE tier IS NOT NULL
             UNION SELECT member FROM deal_enrollments WHERE state = 'active' OR tier_until IS NOT NULL ORDER BY 1"
        };
        let mut statement = self.connection().prepare_cached(sql)?;
        let rows = statement.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The sequence number of the latest notice of any member (0 if none).
    pub fn last_notice_seq(&self) -> Result<i64> {
        Ok(self
            .connection()
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM notices", [], |r| {
                r.get(0)
            })?)
    }

    /// The member's notices raised after notice `seq`, oldest first.
    pub fn notices_after(&self, member: &str, seq: i64) -> Result<Vec<Notice>> {
        let mut statement = self.connection().prepare_cached(
            "SELECT kind, at, due, points FROM notices WHERE member = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let rows = statement.query_map(params![member, seq], |r| {
            Ok(Notice {
                kind: r.get(0)?,
                at: r.get(1)?,
                due: r.get(2)?,
                points: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The member's notices (e.g. expiring soon), oldest first.
    pub fn notices(&self, member: &str) -> Result<Vec<Notice>> {
        self.notices_after(member, 0)
    }
}
