//! A member as they stood at a past instant, read from the append-only record rather
//! than from what their rows hold now: the entries up to then, each lot as it was (its
//! points less the uses made up to then), the tier of the last change up to then. What a
//! clerk settling a dispute about last month needs, and what `member --at` shows for a
//! time before the ledger's clock.
//!
//! The ledger's own identity makes this exact: every point awarded is either still in its
//! lot or was used (spent, reversed, expired, settled), and each use names the entry that
//! made it, whose time says whether it had happened.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::db::args;
use super::lots::{Balances, Lot};
use super::statement::{MemberSummary, StatementLine};
use super::store::{Ledger, LedgerError};
use super::tiers::TierChange;
use crate::time::stored;

type Result<T> = std::result::Result<T, LedgerError>;

/// What a member looked like at an instant.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberThen {
    pub summary: MemberSummary,
    pub balances: Balances,
    /// Lots earned by then with points left then, oldest first.
    pub lots: Vec<Lot>,
    pub tier: Option<String>,
    pub tier_changes: Vec<TierChange>,
    pub statement: Vec<StatementLine>,
}

// Each lot earned by ?2 with each of its uses and the time of the entry that made the use.
const LOTS_AND_USES: &str = "SELECT l.seq, l.event, l.points, l.earned_at, l.pending_until, l.expires_at, e.rule, u.points, x.time
     FROM events ev JOIN lots l ON l.event_seq = ev.seq JOIN ledger e ON e.seq = l.entry
     LEFT JOIN lot_uses u ON u.lot = l.seq LEFT JOIN ledger x ON x.seq = u.entry
     WHERE ev.member = ?1 AND l.member = ?1 AND l.earned_at <= ?2
     ORDER BY l.earned_at, l.seq";

const PURCHASES_AND_EVENTS: &str = "SELECT type, amount FROM events
     WHERE member = ?1 AND time <= ?2 AND type IN ('purchase', 'return', 'payment', 'custom', 'enroll')";

const CREDIT_UNTIL: &str = "SELECT amount FROM credit WHERE member = ?1 AND time <= ?2";

impl Ledger {
    /// Member `id` as they stood at `at`; `None` if they had not joined by then (or never).
    pub fn member_then(&self, id: &str, at: DateTime<Utc>) -> Result<Option<MemberThen>> {
        let Some(now) = self.member_summary(id)? else {
            return Ok(None);
        };
        let until = stored(at);
        if now.joined.as_str() > until.get(..10).unwrap_or(&until) {
            return Ok(None);
        }
        let statement: Vec<StatementLine> = self
            .statement(id)?
            .into_iter()
            .filter(|line| line.time <= until)
            .collect();
        let balance = sum(statement.iter().map(|line| line.points))?;
        let mut events = 0_i64;
        let mut spend_total = Decimal::ZERO;
        self.db()
            .for_each(PURCHASES_AND_EVENTS, args![id, until], |r| {
                events += 1;
                if r.get::<String>(0)? == "purchase" {
                    let amount = number(&r.get::<String>(1)?)?;
                    spend_total = checked(spend_total.checked_add(amount))?;
                }
                Ok(())
            })?;
        let mut credit = Decimal::ZERO;
        self.db().for_each(CREDIT_UNTIL, args![id, until], |r| {
            credit = checked(credit.checked_add(number(&r.get::<String>(0)?)?))?;
            Ok(())
        })?;
        let lots = self.lots_then(id, at)?;
        let mut balances = Balances::default();
        let mut in_lots = Decimal::ZERO;
        for lot in &lots {
            in_lots = checked(in_lots.checked_add(lot.remaining))?;
            if lot.expires_at.is_some_and(|e| e <= at) {
                continue;
            }
            if lot.pending_until > at {
                balances.pending = checked(balances.pending.checked_add(lot.remaining))?;
            } else {
                balances.available = checked(balances.available.checked_add(lot.remaining))?;
            }
        }
        // Points owed are the part of the balance no lot holds: a return after the points
        // were spent takes the balance below what the lots hold.
        balances.debt = checked(in_lots.checked_sub(balance))?.max(Decimal::ZERO);
        let tier_changes: Vec<TierChange> = self
            .tier_changes(id)?
            .into_iter()
            .filter(|change| change.time <= until)
            .collect();
        Ok(Some(MemberThen {
            summary: MemberSummary {
                balance,
                events,
                spend_total,
                credit,
                ..now
            },
            balances,
            lots: lots
                .into_iter()
                .filter(|l| !l.remaining.is_zero())
                .collect(),
            tier: tier_changes.last().and_then(|change| change.to.clone()),
            tier_changes,
            statement,
        }))
    }

    /// Every lot of `member` earned by `at`, with what remained of it then.
    fn lots_then(&self, member: &str, at: DateTime<Utc>) -> Result<Vec<Lot>> {
        let until = stored(at);
        let mut lots: Vec<Lot> = Vec::new();
        self.db()
            .for_each(LOTS_AND_USES, args![member, at.timestamp()], |r| {
                let seq: i64 = r.get(0)?;
                if lots.last().is_none_or(|lot| lot.seq != seq) {
                    let points = number(&r.get::<String>(2)?)?;
                    lots.push(Lot {
                        seq,
                        event: r.get(1)?,
                        points,
                        remaining: points,
                        earned_at: instant(r.get(3)?)?,
                        pending_until: instant(r.get(4)?)?,
                        expires_at: r.get::<Option<i64>>(5)?.map(instant).transpose()?,
                        rule: r.get(6)?,
                    });
                }
                let used: Option<String> = r.get(7)?;
                let used_at: Option<String> = r.get(8)?;
                if let (Some(used), Some(used_at), Some(lot)) = (used, used_at, lots.last_mut()) {
                    if used_at <= until {
                        lot.remaining = checked(lot.remaining.checked_sub(number(&used)?))?;
                    }
                }
                Ok(())
            })?;
        Ok(lots)
    }
}

fn sum(mut values: impl Iterator<Item = Decimal>) -> Result<Decimal> {
    values.try_fold(Decimal::ZERO, |total, v| checked(total.checked_add(v)))
}

fn checked(value: Option<Decimal>) -> Result<Decimal> {
    value.ok_or_else(|| LedgerError::corrupt("a member's points are beyond what can be counted"))
}

fn number(text: &str) -> Result<Decimal> {
    text.parse()
        .map_err(|_| LedgerError::corrupt(format!("`{text}` in the ledger is not a number")))
}

fn instant(seconds: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| LedgerError::corrupt(format!("a lot's time is out of range: {seconds}")))
}
