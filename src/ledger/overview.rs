//! The club-wide counts the overview reads (issue 16), each written to stay fast on a
//! ledger of a million members in either store: entries are read only past the last one
//! already summed ([`Ledger::entries_after`], the ledger being append-only), and members
//! are counted over the narrow indexes of migration 14 (`members_tier`,
//! `members_last_visit`), never by reading their rows.

use chrono::{DateTime, Utc};

use super::db::args;
use super::store::{Ledger, LedgerError};
use crate::time::stored;

type Result<T> = std::result::Result<T, LedgerError>;

/// One entry as the overview sums it.
pub struct EntryRow<'a> {
    pub seq: i64,
    pub time: &'a str,
    pub kind: &'a str,
    pub rule: &'a str,
    pub points: &'a str,
    /// The entry's reason, only when it says a campaign's budget was reached (the others'
    /// are not read: most of the ledger's bytes are reasons).
    pub capped_reason: Option<&'a str>,
}

/// How many members the club has, and in which tier (`None`: no tier).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TierCounts {
    pub total: i64,
    pub by_tier: Vec<(Option<String>, i64)>,
}

impl Ledger {
    /// Every entry written after entry `seq`, in the order written. Entries are
    /// append-only and numbered in the order their transactions commit (one writer per
    /// club: the SQLite file's lock, PostgreSQL's club lock held to the commit), so what
    /// a later call reads past `seq` is exactly what was added since.
    pub fn entries_after(
        &self,
        seq: i64,
        mut each: impl FnMut(&EntryRow<'_>) -> Result<()>,
    ) -> Result<()> {
        self.db().stream(
            "SELECT seq, time, kind, rule, points,
                    CASE WHEN reason LIKE '%campaign `%` reached%' THEN reason END
             FROM ledger WHERE seq > ?1 ORDER BY seq",
            args![seq],
            |row| {
                let (time, kind, rule, points): (String, String, String, String) =
                    (row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?);
                let capped: Option<String> = row.get(5)?;
                each(&EntryRow {
                    seq: row.get(0)?,
                    time: &time,
                    kind: &kind,
                    rule: &rule,
                    points: &points,
                    capped_reason: capped.as_deref(),
                })
            },
        )
    }

    /// The number of the last entry written (0 when there is none).
    pub fn last_entry_seq(&self) -> Result<i64> {
        self.db()
            .query_one("SELECT COALESCE(MAX(seq), 0) FROM ledger", args![], |r| {
                r.get(0)
            })
    }

    /// Every change of tier after change `seq`, in the order written: `(seq, from, to)`.
    /// Like entries, they are append-only and numbered as they commit, so the members
    /// per tier are the sum of what came before and what came since.
    pub fn tier_changes_after(
        &self,
        seq: i64,
        mut each: impl FnMut(i64, Option<String>, Option<String>) -> Result<()>,
    ) -> Result<()> {
        self.db().stream(
            "SELECT seq, from_tier, to_tier FROM tier_changes WHERE seq > ?1 ORDER BY seq",
            args![seq],
            |row| each(row.get(0)?, row.get(1)?, row.get(2)?),
        )
    }

    /// How many members the club has.
    pub fn member_count(&self) -> Result<i64> {
        self.db()
            .query_one("SELECT COUNT(*) FROM members", args![], |r| r.get(0))
    }

    /// Members per tier, and in all (a scan of the `members_tier` index: what the summed
    /// tier changes must agree with).
    pub fn tier_counts(&self) -> Result<TierCounts> {
        let by_tier: Vec<(Option<String>, i64)> = self.db().query(
            "SELECT tier, COUNT(*) FROM members GROUP BY tier ORDER BY tier",
            args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(TierCounts {
            total: by_tier.iter().map(|(_, n)| n).sum(),
            by_tier,
        })
    }

    /// Members whose last purchase was after `from` and at or before `to`.
    pub fn members_last_seen(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<i64> {
        self.db().query_one(
            "SELECT COUNT(*) FROM members WHERE last_visit > ?1 AND last_visit <= ?2",
            args![stored(from), stored(to)],
            |r| r.get(0),
        )
    }

    /// Members who made a purchase after `from` and at or before `to`, read from the
    /// events: what [`Ledger::members_last_seen`] cannot say for a time before the last
    /// purchases (a scan of the events, so slower).
    pub fn members_who_bought(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<i64> {
        self.db().query_one(
            "SELECT COUNT(DISTINCT member) FROM events WHERE type = 'purchase' AND time > ?1 AND time <= ?2",
            args![stored(from), stored(to)],
            |r| r.get(0),
        )
    }

    /// Messages by status (`pending`, `sent`, `suppressed`, `failed`), over the
    /// `messages_due` index.
    pub fn message_statuses(&self) -> Result<Vec<(String, i64)>> {
        self.db().query(
            "SELECT status, COUNT(*) FROM messages GROUP BY status ORDER BY status",
            args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }
}
