//! Reading a member back: balance and the statement where every line says why.

use rusqlite::OptionalExtension;
use rust_decimal::Decimal;
use serde::Serialize;

use super::store::{Ledger, LedgerError};

/// One ledger entry as a member (or their accountant) reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
}

/// A member's profile and balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

fn number(text: &str) -> Result<Decimal, LedgerError> {
    text.parse()
        .map_err(|_| LedgerError::corrupt(format!("`{text}` in the ledger is not a number")))
}

impl Ledger {
    pub fn member_summary(&self, id: &str) -> Result<Option<MemberSummary>, LedgerError> {
        let conn = self.connection();
        let mut statement = conn.prepare_cached(
            "SELECT type, joined, birthday, balance, spend_total, (SELECT COUNT(*) FROM events WHERE member = ?1 AND type IN ('purchase', 'return', 'payment', 'custom', 'enroll')), credit FROM members WHERE id = ?1",
        )?;
        let mut rows = statement.query([id])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        Ok(Some(MemberSummary {
            id: id.to_owned(),
            member_type: row.get(0)?,
            joined: row.get(1)?,
            birthday: row.get(2)?,
            balance: number(&row.get::<_, String>(3)?)?,
            spend_total: number(&row.get::<_, String>(4)?)?,
            events: row.get(5)?,
            credit: number(&row.get::<_, String>(6)?)?,
        }))
    }

    /// The member's entries, oldest first.
    pub fn statement(&self, member: &str) -> Result<Vec<StatementLine>, LedgerError> {
        let conn = self.connection();
        let mut statement = conn.prepare_cached(
            "SELECT l.time, l.event, e.type, e.amount, l.rule, l.points, l.reason, l.policy_version
             FROM events e JOIN ledger l ON l.event = e.id WHERE e.member = ?1 AND l.member = ?1 ORDER BY l.time, l.seq",
        )?;
        let mut rows = statement.query([member])?;
        let mut lines = Vec::new();
        while let Some(row) = rows.next()? {
            lines.push(StatementLine {
                time: row.get(0)?,
                event: row.get(1)?,
                event_type: row.get(2)?,
                amount: number(&row.get::<_, String>(3)?)?,
                rule: row.get(4)?,
                points: number(&row.get::<_, String>(5)?)?,
                reason: row.get(6)?,
                policy_version: row.get(7)?,
            });
        }
        Ok(lines)
    }

    /// The sum of all of a member's entries: what the balance must always equal.
    pub fn sum_of_entries(&self, member: &str) -> Result<Decimal, LedgerError> {
        let conn = self.connection();
        let mut statement = conn.prepare_cached(
            "SELECT l.points FROM events e JOIN ledger l ON l.event = e.id WHERE e.member = ?1 AND l.member = ?1",
        )?;
        let mut total = Decimal::ZERO;
        for points in statement.query_map([member], |r| r.get::<_, String>(0))? {
            total += number(&points?)?;
        }
        Ok(total)
    }

    /// (members, events, entries) counts, for summaries.
    pub fn counts(&self) -> Result<(i64, i64, i64), LedgerError> {
        Ok(self.connection().query_row(
            "SELECT (SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM ledger)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }
}

impl Ledger {
    /// The `n` members with the highest balances, highest first (ties by id).
    pub fn top_members(&self, n: usize) -> Result<Vec<(String, Decimal)>, LedgerError> {
        let conn = self.connection();
        let mut statement = conn.prepare_cached("SELECT id, balance FROM members")?;
        let mut all = Vec::new();
        for row in
            statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        {
            let (id, balance) = row?;
            all.push((id, number(&balance)?));
        }
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(n);
        Ok(all)
    }
}

impl Ledger {
    /// The sum of the entries one event wrote (for any member).
    pub fn sum_of_event(&self, event: &str) -> Result<Decimal, LedgerError> {
        let mut statement = self
            .connection()
            .prepare_cached("SELECT points FROM ledger WHERE event = ?1")?;
        let mut total = Decimal::ZERO;
        for points in statement.query_map([event], |r| r.get::<_, String>(0))? {
            total += number(&points?)?;
        }
        Ok(total)
    }
}

impl Ledger {
    /// A stored event as it was imported, with the policy version that evaluated it.
    pub fn stored_event(
        &self,
        id: &str,
    ) -> Result<Option<(crate::event::Event, String)>, LedgerError> {
        let mut statement = self.connection().prepare_cached(
            "SELECT member, type, time, amount, original, currency, channel, store, items, attributes, credit_used, policy_version
             FROM events WHERE id = ?1",
        )?;
        let mut rows = statement.query([id])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let kind: String = row.get(1)?;
        let time: String = row.get(2)?;
        let items: Option<String> = row.get(8)?;
        let attributes: Option<String> = row.get(9)?;
        let credit: Option<String> = row.get(10)?;
        let event = crate::event::Event {
            id: id.to_owned(),
            member: row.get(0)?,
            kind: crate::event::EventType::parse(&kind)
                .ok_or_else(|| LedgerError::corrupt(format!("unknown event type `{kind}`")))?,
            time: crate::time::from_stored(&time)
                .ok_or_else(|| LedgerError::corrupt(format!("`{time}` is not a time")))?,
            amount: number(&row.get::<_, String>(3)?)?,
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
        };
        Ok(Some((event, row.get(11)?)))
    }

    /// The files of a policy version, as stored when it was first used.
    pub fn policy_files(
        &self,
        version: &str,
    ) -> Result<Option<Vec<(String, String)>>, LedgerError> {
        let files: Option<String> = self
            .connection()
            .prepare_cached("SELECT files FROM policy_versions WHERE id = ?1")?
            .query_row([version], |r| r.get(0))
            .optional()?;
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
        Ok(self
            .connection()
            .prepare_cached(
                "SELECT id FROM policy_versions ORDER BY first_used DESC, rowid DESC LIMIT 1",
            )?
            .query_row([], |r| r.get(0))
            .optional()?)
    }

    /// The ids of the last `count` events recorded, newest first.
    pub fn recent_event_ids(&self, count: u32) -> Result<Vec<String>, LedgerError> {
        let mut statement = self
            .connection()
            .prepare_cached("SELECT id FROM events ORDER BY seq DESC LIMIT ?1")?;
        let ids = statement
            .query_map([count], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// The entries an event wrote, in order.
    pub fn entries_of_event(
        &self,
        event: &str,
    ) -> Result<Vec<(String, Decimal, String, String)>, LedgerError> {
        let mut statement = self.connection().prepare_cached(
            "SELECT rule, points, reason, kind FROM ledger WHERE event = ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([event], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (rule, points, reason, kind) = row?;
            out.push((rule, number(&points)?, reason, kind));
        }
        Ok(out)
    }

    /// The member's balance just before `event`'s first entry (or at its time, if it has none).
    pub fn balance_before(
        &self,
        member: &str,
        event: &str,
        time: &str,
    ) -> Result<Decimal, LedgerError> {
        let mut statement = self.connection().prepare_cached(
            "SELECT l.points FROM events e JOIN ledger l ON l.event = e.id WHERE e.member = ?1 AND l.member = ?1
             AND l.seq < COALESCE((SELECT MIN(seq) FROM ledger WHERE event = ?2), (SELECT MAX(seq) + 1 FROM ledger WHERE time <= ?3), 0)",
        )?;
        let mut total = Decimal::ZERO;
        for points in statement.query_map(rusqlite::params![member, event, time], |r| {
            r.get::<_, String>(0)
        })? {
            total += number(&points?)?;
        }
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
        let mut statement = self
            .connection()
            .prepare("SELECT rule, kind, points, time FROM ledger ORDER BY seq")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let (rule, kind, points, time): (String, String, String, String) =
                (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
            f(&rule, &kind, &points, &time)?;
        }
        Ok(())
    }

    /// Every member's id, balance and tier.
    pub fn member_balances(&self) -> Result<Vec<(String, Decimal, Option<String>)>, LedgerError> {
        let mut statement = self
            .connection()
            .prepare("SELECT id, balance, tier FROM members ORDER BY id")?;
        let rows = statement.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, balance, tier) = row?;
            out.push((id, number(&balance)?, tier));
        }
        Ok(out)
    }

    /// Each purchase made with a partner (attribute `partner`): the partner, the amount,
    /// and the points its entries gave (returns included, as negative points).
    pub fn partner_purchases(&self) -> Result<Vec<(String, Decimal, Decimal)>, LedgerError> {
        let mut statement = self.connection().prepare(
            "SELECT json_extract(e.attributes, '$.partner'), e.amount,
                    (SELECT group_concat(l.points, ' ') FROM ledger l WHERE l.event = e.id)
             FROM events e WHERE e.type = 'purchase' AND e.attributes IS NOT NULL
               AND json_extract(e.attributes, '$.partner') IS NOT NULL ORDER BY e.seq",
        )?;
        let rows = statement.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (partner, amount, points) = row?;
            let mut total = Decimal::ZERO;
            for text in points.unwrap_or_default().split_whitespace() {
                total += number(text)?;
            }
            out.push((partner, number(&amount)?, total));
        }
        Ok(out)
    }
}
