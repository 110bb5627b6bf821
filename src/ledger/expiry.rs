//! Expiry and the ledger's clock.
//!
//! Points expire when the clock passes their date: `bashgah advance --to DATE`, and, for
//! one member, just before each of their imported events (so a purchase never spends
//! points that were already gone). Each expiry is an event of its own, `expiry:<member>:<time>`,
//! whose single entry takes exactly the unspent rest of the lots that expired then.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;
use serde::Serialize;

use super::lots::{Lot, UseKind};
use super::store::{Ledger, LedgerError};
use crate::engine::{expiry_policy, start_of_day, EventType, MemberState};
use crate::policy::Policy;
use crate::time::{from_stored, stored};

type Result<T> = std::result::Result<T, LedgerError>;

/// What an advance of the clock did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AdvanceReport {
    pub expired_points: Decimal,
    pub expiries: u64,
    pub notices: u64,
    /// Tier reviews that moved a member.
    pub tier_changes: u64,
    /// Birthdays and anniversaries written.
    pub greetings: u64,
    /// Greetings whose rules failed, with why.
    pub failures: Vec<String>,
}

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

/// Lots of one member expiring at one instant, and why.
struct Due {
    at: DateTime<Utc>,
    lots: Vec<Lot>,
    inactivity: bool,
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
        let mut statement = self.connection().prepare(sql)?;
        let rows = statement.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Expires what is due for `member` up to `to` and records expiring-soon notices;
    /// updates `member` in memory (the caller saves it).
    pub fn run_due(
        &self,
        policy: &Policy,
        member: &mut MemberState,
        to: DateTime<Utc>,
        report: &mut AdvanceReport,
    ) -> Result<()> {
        let lots = self.open_lots(&member.id)?;
        if lots.is_empty() {
            return Ok(());
        }
        for due in due_expiries(policy, member, &lots, to) {
            report.expired_points += self.expire(policy, member, &due)?;
            report.expiries += 1;
        }
        report.notices += self.notify_expiring(policy, member, to)?;
        Ok(())
    }

    fn expire(&self, policy: &Policy, member: &mut MemberState, due: &Due) -> Result<Decimal> {
        let points: Decimal = due.lots.iter().map(|l| l.remaining).sum();
        let (rule, why) = if due.inactivity {
            ("inactivity", "no purchase for too long".to_owned())
        } else {
            ("expiry", "expiry date reached".to_owned())
        };
        let time = stored(due.at);
        let conn = self.connection();
        // Lots earned late (an event imported after the clock passed) can expire at an
        // instant that already has an expiry event: number the later ones.
        let base = format!("{rule}:{}:{time}", member.id);
        let mut id = base.clone();
        let mut n = 1;
        while conn
            .prepare_cached("SELECT 1 FROM events WHERE id = ?1")?
            .query_row([&id], |_| Ok(()))
            .optional()?
            .is_some()
        {
            n += 1;
            id = format!("{base}:{n}");
        }
        conn.prepare_cached(
            "INSERT INTO events (id, member, type, time, amount, fingerprint, policy_version) VALUES (?1, ?2, ?3, ?4, '0', ?5, ?6)",
        )?
        .execute(params![id, member.id, EventType::Expiry.as_str(), time, id, policy.id])?;
        let earned: Vec<String> = due
            .lots
            .iter()
            .map(|l| {
                policy
                    .club
                    .calendar
                    .format(l.earned_at.with_timezone(&policy.zone).date_naive())
            })
            .collect();
        let reason = format!(
            "{} expired ({why}), earned {}",
            points.normalize(),
            summarize(&earned)
        );
        conn.prepare_cached(
            "INSERT INTO ledger (member, event, time, rule, points, reason, policy_version, kind)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'expire')",
        )?
        .execute(params![
            member.id,
            id,
            time,
            rule,
            (-points).normalize().to_string(),
            reason,
            policy.id
        ])?;
        let entry = conn.last_insert_rowid();
        for lot in &due.lots {
            self.use_lot(
                entry,
                lot.seq,
                lot.remaining,
                lot.remaining,
                UseKind::Expire,
            )?;
        }
        member.balance -= points;
        Ok(points)
    }

    /// Records "expiring soon" notices for lots expiring within `warn_before` of `to`;
    /// returns how many were new.
    fn notify_expiring(
        &self,
        policy: &Policy,
        member: &mut MemberState,
        to: DateTime<Utc>,
    ) -> Result<u64> {
        let calendar = policy.club.calendar;
        let mut by_date: Vec<(DateTime<Utc>, Decimal)> = Vec::new();
        for lot in self.open_lots(&member.id)? {
            let (Some(expires), Some(warn)) = (lot.expires_at, club_warning(policy)) else {
                continue;
            };
            let local_expiry = expires.with_timezone(&policy.zone).date_naive();
            let warn_at = start_of_day(policy, warn.before(local_expiry, calendar));
            if warn_at <= to && to < expires {
                match by_date.iter_mut().find(|(at, _)| *at == expires) {
                    Some((_, points)) => *points += lot.remaining,
                    None => by_date.push((expires, lot.remaining)),
                }
            }
        }
        let mut added = 0;
        for (expires, points) in by_date {
            let key = format!("expiring:{}:{}", member.id, stored(expires));
            let new = self
                .connection()
                .prepare_cached(
                    "INSERT OR IGNORE INTO notices (key, member, kind, at, due, points) VALUES (?1, ?2, 'expiring_soon', ?3, ?4, ?5)",
                )?
                .execute(params![key, member.id, stored(to), stored(expires), points.normalize().to_string()])? as u64;
            added += new;
            if new == 0 {
                // Raised before: its award and message were dealt with then.
                continue;
            }
            let occasion = crate::messaging::Occasion::new("expiring_soon", key, to)
                .with("points", crate::messaging::Value::Number(points))
                .with("date", crate::messaging::Value::Date(expires));
            self.happen(
                policy,
                member,
                crate::engine::EventType::ExpiringSoon,
                occasion,
            )?;
        }
        Ok(added)
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

/// `warn_before` of the club's expiry policy.
fn club_warning(policy: &Policy) -> Option<crate::club::Span> {
    policy
        .club
        .points
        .expiry
        .as_ref()
        .and_then(|e| e.warn_before)
}

/// "1403-01-05" or "1403-01-05 to 1403-02-10".
fn summarize(dates: &[String]) -> String {
    match (dates.first(), dates.last()) {
        (Some(first), Some(last)) if first != last => format!("{first} to {last}"),
        (Some(first), _) => first.clone(),
        _ => String::new(),
    }
}

/// What expires for `member` up to `to`, in time order: each lot at its own date or,
/// after `inactivity` without a purchase, at that deadline if it was earned before it and
/// the deadline comes first.
fn due_expiries(
    policy: &Policy,
    member: &MemberState,
    lots: &[Lot],
    to: DateTime<Utc>,
) -> Vec<Due> {
    let deadline = expiry_policy(policy, None)
        .and_then(|e| e.inactivity)
        .map(|span| {
            let last_activity = member
                .stats
                .last_visit
                .map(|t| t.with_timezone(&policy.zone).date_naive())
                .unwrap_or(member.joined);
            start_of_day(policy, span.after(last_activity, policy.club.calendar))
        });
    let mut due: Vec<Due> = Vec::new();
    for lot in lots {
        let own = lot.expires_at;
        let inactive = deadline.filter(|d| lot.earned_at < *d && own.is_none_or(|o| *d < o));
        let (at, inactivity) = match (inactive, own) {
            (Some(d), _) => (d, true),
            (None, Some(o)) => (o, false),
            (None, None) => continue,
        };
        if at > to {
            continue;
        }
        match due
            .iter_mut()
            .find(|d| d.at == at && d.inactivity == inactivity)
        {
            Some(group) => group.lots.push(lot.clone()),
            None => due.push(Due {
                at,
                lots: vec![lot.clone()],
                inactivity,
            }),
        }
    }
    due.sort_by_key(|d| (d.at, d.inactivity));
    due
}
