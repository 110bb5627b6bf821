//! The ledger's clock, and the notices the clock raised (expiry itself is decided in
//! [`crate::decide`]).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::db::args;
use super::store::{Ledger, LedgerError};
use crate::time::{from_stored, stored};

type Result<T> = std::result::Result<T, LedgerError>;

/// Something to tell a member (messaging arrives with a later issue; notices wait here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Notice {
    /// `expiring_soon`.
    pub kind: String,
    /// When it was raised (stored UTC time).
    pub at: String,
    /// When what it warns about happens.
    pub due: Option<String>,
    #[schemars(with = "Option<rust_decimal::Decimal>")]
    pub points: Option<String>,
}

impl Ledger {
    /// The ledger's clock: the latest time it was advanced to or an event happened.
    pub fn now(&self) -> Result<Option<DateTime<Utc>>> {
        let now: Option<String> =
            self.db()
                .query_opt("SELECT now FROM clock WHERE id = 1", args![], |r| r.get(0))?;
        Ok(now.as_deref().and_then(from_stored))
    }

    /// Moves the clock forward to `to` (never back).
    pub fn set_clock(&self, to: DateTime<Utc>) -> Result<()> {
        self.db().write(
            "INSERT INTO clock (id, now) VALUES (1, ?1)
             ON CONFLICT(id) DO UPDATE SET now = CASE WHEN excluded.now > clock.now THEN excluded.now ELSE clock.now END",
            args![stored(to)],
        )?;
        Ok(())
    }

    /// The members the clock may have work for: points that may expire, a tier to
    /// review, and (when `everyone`) greetings.
    pub fn members_with_something_due(&self, everyone: bool) -> Result<Vec<String>> {
        // Tiers are read from the members' rows.
        self.write_held_rows()?;
        let sql = if everyone {
            "SELECT id FROM members ORDER BY id"
        } else {
            "SELECT DISTINCT member FROM lots WHERE remaining != '0'
             UNION SELECT id FROM members WHERE tier IS NOT NULL
             UNION SELECT member FROM deal_enrollments WHERE state = 'active' OR tier_until IS NOT NULL ORDER BY 1"
        };
        self.db().query(sql, args![], |r| r.get(0))
    }

    /// The sequence number of the latest notice of any member (0 if none).
    pub fn last_notice_seq(&self) -> Result<i64> {
        self.db()
            .query_one("SELECT COALESCE(MAX(seq), 0) FROM notices", args![], |r| {
                r.get(0)
            })
    }

    /// The member's notices raised after notice `seq`, oldest first.
    pub fn notices_after(&self, member: &str, seq: i64) -> Result<Vec<Notice>> {
        self.db().query(
            "SELECT kind, at, due, points FROM notices WHERE member = ?1 AND seq > ?2 ORDER BY seq",
            args![member, seq],
            |r| {
                Ok(Notice {
                    kind: r.get(0)?,
                    at: r.get(1)?,
                    due: r.get(2)?,
                    points: r.get(3)?,
                })
            },
        )
    }

    /// The member's notices (e.g. expiring soon), oldest first.
    pub fn notices(&self, member: &str) -> Result<Vec<Notice>> {
        self.notices_after(member, 0)
    }
}
