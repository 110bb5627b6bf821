//! Reading a member back: balance and the statement where every line says why.

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
