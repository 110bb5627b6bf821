//! Reading a member back: balance and the statement where every line says why.

use rust_decimal::Decimal;
use serde::Serialize;

use super::db::{args, Db};
use super::store::{Ledger, LedgerError};

/// One ledger entry as a member (or their accountant) reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StatementLine {
    /// Stored UTC time of the event.
    pub time: String,
    pub event: String,
    pub event_type: String,
    pub amount: Decimal,
    pub rule: String,
    pub points: Decimal,
    pub reason: String,
    pub policy_version: String,
    /// For an event paid in a foreign currency: what was paid and the rate (`amount` is
    /// the converted one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid: Option<crate::event::Paid>,
}

/// A member's profile and balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MemberSummary {
    pub id: String,
    pub member_type: String,
    pub joined: String,
    pub birthday: Option<String>,
    pub balance: Decimal,
    pub events: i64,
    pub spend_total: Decimal,
    /// Money in the credit wallet, in the club's currency.
    pub credit: Decimal,
}

pub(super) fn number(text: &str) -> Result<Decimal, LedgerError> {
    text.parse()
        .map_err(|_| LedgerError::corrupt(format!("`{text}` in the ledger is not a number")))
}

impl Ledger {
    pub fn member_summary(&self, id: &str) -> Result<Option<MemberSummary>, LedgerError> {
        self.db().query_opt(
            "SELECT type, joined, birthday, balance, spend_total, (SELECT COUNT(*) FROM events WHERE member = ?1 AND type IN ('purchase', 'return', 'payment', 'custom', 'enroll')), credit FROM members WHERE id = ?1",
            args![id],
            |row| {
                Ok(MemberSummary {
                    id: id.to_owned(),
                    member_type: row.get(0)?,
                    joined: row.get(1)?,
                    birthday: row.get(2)?,
                    balance: number(&row.get::<String>(3)?)?,
                    spend_total: number(&row.get::<String>(4)?)?,
                    events: row.get(5)?,
                    credit: number(&row.get::<String>(6)?)?,
                })
            },
        )
    }

    /// The member's entries, oldest first.
    pub fn statement(&self, member: &str) -> Result<Vec<StatementLine>, LedgerError> {
        self.db().query(
            "SELECT l.time, l.event, e.type, e.amount, l.rule, l.points, l.reason, (SELECT p.id FROM policy_versions p WHERE p.number = l.policy) AS policy_version, e.currency, e.original_amount, e.rate
             FROM events e JOIN ledger l ON l.event_seq = e.seq WHERE e.member = ?1 AND l.member = ?1 ORDER BY l.time, l.seq",
            args![member],
            |row| {
                Ok(StatementLine {
                    time: row.get(0)?,
                    event: row.get(1)?,
                    event_type: row.get(2)?,
                    amount: number(&row.get::<String>(3)?)?,
                    rule: row.get(4)?,
                    points: number(&row.get::<String>(5)?)?,
                    reason: row.get(6)?,
                    policy_version: row.get(7)?,
                    paid: crate::event::Paid::from_stored(
                        row.get(8)?,
                        row.get::<Option<String>>(9)?.as_deref().map(number).transpose()?,
                        row.get::<Option<String>>(10)?.as_deref().map(number).transpose()?,
                    ),
                })
            },
        )
    }

    /// The sum of all of a member's entries: what the balance must always equal.
    pub fn sum_of_entries(&self, member: &str) -> Result<Decimal, LedgerError> {
        self.sum_points(
            "SELECT l.points FROM events e JOIN ledger l ON l.event_seq = e.seq WHERE e.member = ?1 AND l.member = ?1",
            &[&member],
        )
    }

    /// (members, events, entries) counts, for summaries.
    pub fn counts(&self) -> Result<(i64, i64, i64), LedgerError> {
        self.db().query_one(
            "SELECT (SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM ledger)",
            args![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }
}

impl Ledger {
    /// The `n` members with the highest balances, highest first (ties by id).
    pub fn top_members(&self, n: usize) -> Result<Vec<(String, Decimal)>, LedgerError> {
        let mut all = self
            .db()
            .query("SELECT id, balance FROM members", args![], |r| {
                Ok((r.get::<String>(0)?, number(&r.get::<String>(1)?)?))
            })?;
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(n);
        Ok(all)
    }
}

impl Ledger {
    /// The sum of the entries one event wrote (for any member).
    pub fn sum_of_event(&self, event: &str) -> Result<Decimal, LedgerError> {
        self.sum_points(
            "SELECT points FROM ledger WHERE event_seq = (SELECT seq FROM events WHERE id = ?1)",
            &[&event],
        )
    }
}

impl Ledger {
    /// A stored event as it was imported, with the policy version that evaluated it.
    pub fn stored_event(
        &self,
        id: &str,
    ) -> Result<Option<(crate::event::Event, String)>, LedgerError> {
        self.db().query_opt(
            "SELECT member, type, time, amount, original, currency, channel, store, items, attributes, credit_used, (SELECT p.id FROM policy_versions p WHERE p.number = events.policy) AS policy_version, id, original_amount, rate
             FROM events WHERE id = ?1",
            args![id],
            event_of_row,
        )
    }

    /// The events members brought (purchases, returns, payments, custom events and
    /// enrolments: what an import takes) from `from` (inclusive) to `to` (exclusive),
    /// stored times, in the order recorded; at most `limit` of them.
    pub fn imported_events_between(
        &self,
        from: &str,
        to: &str,
        limit: u32,
    ) -> Result<Vec<crate::event::Event>, LedgerError> {
        let rows = self.db().query(
            "SELECT member, type, time, amount, original, currency, channel, store, items, attributes, credit_used, (SELECT p.id FROM policy_versions p WHERE p.number = events.policy) AS policy_version, id, original_amount, rate
             FROM events
             WHERE time >= ?1 AND time < ?2
               AND type IN ('purchase', 'return', 'payment', 'custom', 'enroll')
             ORDER BY seq LIMIT ?3",
            args![from, to, i64::from(limit)],
            event_of_row,
        )?;
        Ok(rows.into_iter().map(|(event, _)| event).collect())
    }

    /// The files of a policy version, as stored when it was first used.
    pub fn policy_files(
        &self,
        version: &str,
    ) -> Result<Option<Vec<(String, String)>>, LedgerError> {
        let files: Option<String> = self.db().query_opt(
            "SELECT files FROM policy_versions WHERE id = ?1",
            args![version],
            |r| r.get(0),
        )?;
        let Some(files) = files else { return Ok(None) };
        let parsed: Vec<serde_json::Value> = serde_json::from_str(&files).unwrap_or_default();
        Ok(Some(
            parsed
                .iter()
                .filter_map(|f| {
                    Some((
                        f.get("name")?.as_str()?.to_owned(),
                        f.get("text")?.as_str()?.to_owned(),
                    ))
                })
                .collect(),
        ))
    }

    /// The policy version recorded last: the one the host process activated last (or an
    /// import last used).
    pub fn latest_policy_version(&self) -> Result<Option<String>, LedgerError> {
        // Of two first used in the same instant, the later stored (SQLite's row number;
        // PostgreSQL has none, and ids decide there).
        let sql = match self.db() {
            Db::Sqlite(_) => {
                "SELECT id FROM policy_versions ORDER BY first_used DESC, rowid DESC LIMIT 1"
            }
            Db::Postgres(_) => {
                "SELECT id FROM policy_versions ORDER BY first_used DESC, id DESC LIMIT 1"
            }
        };
        self.db().query_opt(sql, args![], |r| r.get(0))
    }

    /// The ids of the last `count` events recorded, newest first.
    pub fn recent_event_ids(&self, count: u32) -> Result<Vec<String>, LedgerError> {
        self.db().query(
            "SELECT id FROM events ORDER BY seq DESC LIMIT ?1",
            args![i64::from(count)],
            |r| r.get(0),
        )
    }

    /// The entries an event wrote, in order.
    pub fn entries_of_event(
        &self,
        event: &str,
    ) -> Result<Vec<(String, Decimal, String, String)>, LedgerError> {
        self.db().query(
            "SELECT rule, points, reason, kind FROM ledger WHERE event_seq = (SELECT seq FROM events WHERE id = ?1) ORDER BY seq",
            args![event],
            |r| {
                Ok((
                    r.get(0)?,
                    number(&r.get::<String>(1)?)?,
                    r.get(2)?,
                    r.get(3)?,
                ))
            },
        )
    }

    /// The member's balance just before `event`'s first entry (or at its time, if it has none).
    pub fn balance_before(
        &self,
        member: &str,
        event: &str,
        time: &str,
    ) -> Result<Decimal, LedgerError> {
        self.sum_points(
            "SELECT l.points FROM events e JOIN ledger l ON l.event_seq = e.seq WHERE e.member = ?1 AND l.member = ?1
             AND l.seq < COALESCE((SELECT MIN(seq) FROM ledger WHERE event_seq = (SELECT seq FROM events WHERE id = ?2)), (SELECT MAX(seq) + 1 FROM ledger WHERE time <= ?3), 0)",
            &[&member, &event, &time],
        )
    }

    /// The sum of the points (text) in the first column of `sql`'s rows.
    fn sum_points(
        &self,
        sql: &'static str,
        args: &[&dyn super::db::Param],
    ) -> Result<Decimal, LedgerError> {
        let mut total = Decimal::ZERO;
        self.db().for_each(sql, args, |r| {
            total = total
                .checked_add(number(&r.get::<String>(0)?)?)
                .ok_or_else(|| LedgerError::corrupt("the sum of points overflows"))?;
            Ok(())
        })?;
        Ok(total)
    }
}

impl Ledger {
    /// Calls `f` with (rule, kind, points, time) for every entry, oldest first, without
    /// holding them all in memory.
    pub fn each_entry(
        &self,
        mut f: impl FnMut(&str, &str, &str, &str) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError> {
        self.db().for_each(
            "SELECT rule, kind, points, time FROM ledger ORDER BY seq",
            args![],
            |row| {
                let (rule, kind, points, time): (String, String, String, String) =
                    (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
                f(&rule, &kind, &points, &time)
            },
        )
    }

    /// Every member's id, balance and tier.
    pub fn member_balances(&self) -> Result<Vec<(String, Decimal, Option<String>)>, LedgerError> {
        self.db().query(
            "SELECT id, balance, tier FROM members ORDER BY id",
            args![],
            |r| Ok((r.get(0)?, number(&r.get::<String>(1)?)?, r.get(2)?)),
        )
    }
}

/// An event row (the columns of [`Ledger::stored_event`], the id last) and its version.
fn event_of_row(row: &super::db::Row<'_>) -> Result<(crate::event::Event, String), LedgerError> {
    let kind: String = row.get(1)?;
    let time: String = row.get(2)?;
    let items: Option<String> = row.get(8)?;
    let attributes: Option<String> = row.get(9)?;
    let credit: Option<String> = row.get(10)?;
    let original_amount: Option<String> = row.get(13)?;
    let rate: Option<String> = row.get(14)?;
    let event = crate::event::Event {
        id: row.get(12)?,
        member: row.get(0)?,
        kind: crate::event::EventType::parse(&kind)
            .ok_or_else(|| LedgerError::corrupt(format!("unknown event type `{kind}`")))?,
        time: crate::time::from_stored(&time)
            .ok_or_else(|| LedgerError::corrupt(format!("`{time}` is not a time")))?,
        amount: number(&row.get::<String>(3)?)?,
        original: row.get(4)?,
        currency: row.get(5)?,
        channel: row.get(6)?,
        store: row.get(7)?,
        credit_used: credit.as_deref().map(number).transpose()?,
        items: items
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default(),
        attributes: attributes
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default(),
        conversion: match (original_amount, rate) {
            (Some(original_amount), Some(rate)) => Some(crate::event::Conversion {
                original_amount: number(&original_amount)?,
                rate: number(&rate)?,
            }),
            _ => None,
        },
    };
    Ok((event, row.get(11)?))
}
