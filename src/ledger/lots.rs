//! Lots as the member view and reports read them: every award of points is a lot, spent
//! oldest first (how lots are taken is decided in [`crate::decide`]).
//!
//! A lot remembers when it was earned, from when it can be spent and when it expires.
//! Whatever takes points away (a spend, a return, expiry, a debt being settled) records
//! in `lot_uses` which lots it used and how much of each, so that expiry only ever
//! removes what is left of a lot and every point can be followed from award to end.
//! `lots.remaining` is a cache of `points` less those uses, kept in the same transaction.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use rust_decimal::Decimal;
use serde::Serialize;

use super::store::{Ledger, LedgerError};

type Result<T> = std::result::Result<T, LedgerError>;

/// A lot as the member statement shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lot {
    pub seq: i64,
    pub event: String,
    /// The rule (or `adjustment`, `transfer`) whose entry made the lot.
    pub rule: String,
    pub points: Decimal,
    pub remaining: Decimal,
    pub earned_at: DateTime<Utc>,
    pub pending_until: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Points over all lots of a ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LotTotals {
    pub awarded: Decimal,
    pub remaining: Decimal,
    /// Points used, by kind of use (`spend`, `reverse`, `expire`, `settle`).
    pub used: Vec<(String, Decimal)>,
}

/// A member's points by state at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Balances {
    /// Spendable now.
    pub available: Decimal,
    /// Earned but still waiting (`points.pending`).
    pub pending: Decimal,
    pub debt: Decimal,
}

fn number(text: &str) -> Result<Decimal> {
    Decimal::from_str(text)
        .map_err(|_| LedgerError::corrupt(format!("`{text}` in the ledger is not a number")))
}

fn instant(seconds: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| LedgerError::corrupt(format!("`{seconds}` in the ledger is not a time")))
}

impl Ledger {
    /// The member's points by state at `at`.
    pub fn balances(&self, member: &str, at: DateTime<Utc>) -> Result<Balances> {
        let mut balances = Balances::default();
        for lot in self.open_lots(member)? {
            if lot.expires_at.is_some_and(|e| e <= at) {
                // Due to expire: the clock has not been advanced past it yet, but it
                // can no longer be spent.
                continue;
            }
            if lot.pending_until > at {
                balances.pending += lot.remaining;
            } else {
                balances.available += lot.remaining;
            }
        }
        let debt: Option<String> = self
            .connection()
            .prepare_cached("SELECT debt FROM members WHERE id = ?1")?
            .query_row([member], |r| r.get(0))
            .optional()?;
        balances.debt = debt.as_deref().map(number).transpose()?.unwrap_or_default();
        Ok(balances)
    }

    /// The member's lots with points left, oldest first.
    pub fn open_lots(&self, member: &str) -> Result<Vec<Lot>> {
        let mut statement = self.connection().prepare_cached(
            "SELECT l.seq, l.event, l.points, l.remaining, l.earned_at, l.pending_until, l.expires_at, e.rule
             FROM lots l JOIN ledger e ON e.seq = l.entry
             WHERE l.member = ?1 AND l.remaining != '0' ORDER BY l.earned_at, l.seq",
        )?;
        let rows = statement.query_map([member], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut lots = Vec::new();
        for row in rows {
            let (seq, event, points, remaining, earned, pending, expires, rule) = row?;
            lots.push(Lot {
                seq,
                event,
                rule,
                points: number(&points)?,
                remaining: number(&remaining)?,
                earned_at: instant(earned)?,
                pending_until: instant(pending)?,
                expires_at: expires.map(instant).transpose()?,
            });
        }
        Ok(lots)
    }

    /// Sums over all lots. Every point awarded is either still in a lot or was used: the
    /// accounting identity the tests check.
    pub fn lot_totals(&self) -> Result<LotTotals> {
        let conn = self.connection();
        let mut awarded = Decimal::ZERO;
        let mut remaining = Decimal::ZERO;
        let mut statement = conn.prepare("SELECT points, remaining FROM lots")?;
        for row in
            statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        {
            let (points, left) = row?;
            awarded += number(&points)?;
            remaining += number(&left)?;
        }
        let mut used = Vec::new();
        let mut statement = conn.prepare("SELECT kind, points FROM lot_uses ORDER BY kind")?;
        for row in
            statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        {
            let (kind, points) = row?;
            let points = number(&points)?;
            match used
                .iter_mut()
                .find(|(k, _): &&mut (String, Decimal)| *k == kind)
            {
                Some((_, total)) => *total += points,
                None => used.push((kind, points)),
            }
        }
        Ok(LotTotals {
            awarded,
            remaining,
            used,
        })
    }
}
