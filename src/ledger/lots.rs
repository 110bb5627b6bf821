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
use rust_decimal::Decimal;
use serde::Serialize;

use super::db::args;
use super::store::{Ledger, LedgerError};

type Result<T> = std::result::Result<T, LedgerError>;

/// A lot as the member statement shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
        if self.may_hold_row(member) {
            self.write_held_rows()?;
        }
        let debt: Option<String> = self.db().query_opt(
            "SELECT debt FROM members WHERE id = ?1",
            args![member],
            |r| r.get(0),
        )?;
        balances.debt = debt.as_deref().map(number).transpose()?.unwrap_or_default();
        Ok(balances)
    }

    /// The member's lots with points left, oldest first.
    pub fn open_lots(&self, member: &str) -> Result<Vec<Lot>> {
        self.db().query(
            "SELECT l.seq, l.event, l.points, l.remaining, l.earned_at, l.pending_until, l.expires_at, e.rule
             FROM events ev JOIN lots l ON l.event_seq = ev.seq JOIN ledger e ON e.seq = l.entry
             WHERE ev.member = ?1 AND l.member = ?1 AND l.remaining != '0' ORDER BY l.earned_at, l.seq",
            args![member],
            |r| {
                Ok(Lot {
                    seq: r.get(0)?,
                    event: r.get(1)?,
                    points: number(&r.get::<String>(2)?)?,
                    remaining: number(&r.get::<String>(3)?)?,
                    earned_at: instant(r.get(4)?)?,
                    pending_until: instant(r.get(5)?)?,
                    expires_at: r.get::<Option<i64>>(6)?.map(instant).transpose()?,
                    rule: r.get(7)?,
                })
            },
        )
    }

    /// Sums over all lots. Every point awarded is either still in a lot or was used: the
    /// accounting identity the tests check.
    pub fn lot_totals(&self) -> Result<LotTotals> {
        let mut awarded = Decimal::ZERO;
        let mut remaining = Decimal::ZERO;
        self.db()
            .for_each("SELECT points, remaining FROM lots", args![], |r| {
                awarded += number(&r.get::<String>(0)?)?;
                remaining += number(&r.get::<String>(1)?)?;
                Ok(())
            })?;
        let mut used: Vec<(String, Decimal)> = Vec::new();
        self.db().for_each(
            "SELECT kind, points FROM lot_uses ORDER BY kind",
            args![],
            |r| {
                let kind: String = r.get(0)?;
                let points = number(&r.get::<String>(1)?)?;
                match used.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, total)) => *total += points,
                    None => used.push((kind, points)),
                }
                Ok(())
            },
        )?;
        Ok(LotTotals {
            awarded,
            remaining,
            used,
        })
    }
}
