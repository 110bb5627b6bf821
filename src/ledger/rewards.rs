//! Redemptions as the ledger holds them: counts for stock and limits, codes, which a till
//! checks ("is this code good, for this member?") and then uses, once, and cancellations,
//! which give a redemption's points, credit and stock back.

use rust_decimal::Decimal;
use serde::Serialize;

use super::db::args;
use super::store::{decimal, Ledger, LedgerError};
use crate::decide::RedemptionFact;

/// A code a redemption issued, and whether it was used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CodeInfo {
    pub code: String,
    pub reward: String,
    /// The member who redeemed it: the only one it is good for.
    pub member: String,
    /// The redemption that issued it.
    pub redemption: String,
    pub redeemed_at: String,
    pub used: Option<CodeUse>,
    /// The event that cancelled the redemption: the code is void.
    pub cancelled_by: Option<String>,
}

/// A code's one use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CodeUse {
    pub member: String,
    pub at: String,
    /// What the till says it was used for (its sale's number): using it again with the
    /// same reference is a retry, with another a second use, refused.
    pub reference: String,
    /// The basket the till gave (in the club's currency), and the discount it was told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basket: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<String>,
}

impl Ledger {
    /// How many times `reward` was redeemed (by `member`, if given).
    pub fn redemptions_of(&self, reward: &str, member: Option<&str>) -> Result<u64, LedgerError> {
        let count: i64 = self.db().query_one(
            // A cancelled redemption gave its item back: it no longer counts.
            "SELECT COUNT(*) FROM redemptions r WHERE reward = ?1 AND (CAST(?2 AS TEXT) IS NULL OR member = ?2)
             AND NOT EXISTS (SELECT 1 FROM redemption_cancels c WHERE c.redemption = r.event)",
            args![reward, member],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// The code a redemption (by its event id) issued, if any.
    pub fn redemption_code(&self, event: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .db()
            .query_opt(
                "SELECT code FROM redemptions WHERE event = ?1",
                args![event],
                |r| r.get(0),
            )?
            .flatten())
    }
}

impl Ledger {
    /// Code `code` as the ledger holds it, if a redemption issued it.
    pub fn code_info(&self, code: &str) -> Result<Option<CodeInfo>, LedgerError> {
        self.db().query_opt(
            "SELECT r.code, r.reward, r.member, r.event, r.time, u.member, u.at, u.reference, c.event, u.basket, u.discount
             FROM redemptions r LEFT JOIN code_uses u ON u.code = r.code
             LEFT JOIN redemption_cancels c ON c.redemption = r.event WHERE r.code = ?1",
            args![code],
            |r| {
                let used_by: Option<String> = r.get(5)?;
                Ok(CodeInfo {
                    code: r.get(0)?,
                    reward: r.get(1)?,
                    member: r.get(2)?,
                    redemption: r.get(3)?,
                    redeemed_at: r.get(4)?,
                    used: match used_by {
                        Some(member) => Some(CodeUse {
                            member,
                            at: r.get(6)?,
                            reference: r.get(7)?,
                            basket: r.get(9)?,
                            discount: r.get(10)?,
                        }),
                        None => None,
                    },
                    cancelled_by: r.get(8)?,
                })
            },
        )
    }

    /// Records the one use of `code` (call inside a write transaction, after checking
    /// [`Ledger::code_info`]); returns the use that stands: this one, or the one another
    /// writer recorded first.
    pub fn use_code(
        &self,
        code: &str,
        member: &str,
        at: &str,
        reference: &str,
        basket: Option<Decimal>,
        discount: Option<Decimal>,
    ) -> Result<Option<CodeUse>, LedgerError> {
        let (basket, discount) = (
            basket.map(|b| b.normalize().to_string()),
            discount.map(|d| d.normalize().to_string()),
        );
        self.db().execute(
            "INSERT INTO code_uses (code, member, at, reference, basket, discount) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (code) DO NOTHING",
            args![code, member, at, reference, basket, discount],
        )?;
        Ok(self.code_info(code)?.and_then(|info| info.used))
    }
}

impl Ledger {
    /// The redemption event `id` recorded, with what cancelling it gives back.
    pub fn redemption_fact(&self, id: &str) -> Result<Option<RedemptionFact>, LedgerError> {
        let Some(mut fact) = self.db().query_opt(
            "SELECT r.member, r.reward, r.points, r.code, u.at, u.reference, c.event
             FROM redemptions r LEFT JOIN code_uses u ON u.code = r.code
             LEFT JOIN redemption_cancels c ON c.redemption = r.event WHERE r.event = ?1",
            args![id],
            |r| {
                let used_at: Option<String> = r.get(4)?;
                Ok(RedemptionFact {
                    member: r.get(0)?,
                    reward: r.get(1)?,
                    points: decimal(&r.get::<String>(2)?)?,
                    credit: Decimal::ZERO,
                    code: r.get(3)?,
                    code_used: match used_at {
                        Some(at) => Some((at, r.get(5)?)),
                        None => None,
                    },
                    cancelled_by: r.get(6)?,
                    taken: Vec::new(),
                })
            },
        )?
        else {
            return Ok(None);
        };
        self.db().for_each(
            "SELECT amount FROM credit WHERE event = ?1",
            args![id],
            |r| {
                let amount = decimal(&r.get::<String>(0)?)?;
                if amount.is_sign_positive() {
                    fact.credit = fact.credit.saturating_add(amount);
                }
                Ok(())
            },
        )?;
        // The lots its redeem entry spent, in the order it spent them.
        self.db().for_each(
            "SELECT u.points, l.expires_at FROM lot_uses u JOIN ledger e ON e.seq = u.entry
             JOIN lots l ON l.seq = u.lot WHERE e.event_seq = (SELECT seq FROM events WHERE id = ?1) AND e.kind = 'redeem' ORDER BY u.lot",
            args![id],
            |r| {
                let expires_at = r
                    .get::<Option<i64>>(1)?
                    .map(super::load::seconds)
                    .transpose()?;
                fact.taken
                    .push((decimal(&r.get::<String>(0)?)?, expires_at));
                Ok(())
            },
        )?;
        Ok(Some(fact))
    }
}
