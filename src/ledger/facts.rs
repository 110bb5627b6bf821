//! The club-wide facts the decision stage asks the ledger for.

use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;

use super::store::{decimal, Ledger, LedgerError};
use crate::decide::{ClubFacts, FactsError};
use crate::event::EventType;

impl From<LedgerError> for FactsError {
    fn from(error: LedgerError) -> Self {
        FactsError(error.to_string())
    }
}

impl From<rusqlite::Error> for FactsError {
    fn from(error: rusqlite::Error) -> Self {
        FactsError(LedgerError::from(error).to_string())
    }
}

impl ClubFacts for Ledger {
    fn campaign_given(&self, campaign: &str) -> Result<Decimal, FactsError> {
        Ok(self.campaign_total(campaign, || {
            let mut statement = self
                .connection()
                .prepare_cached("SELECT points FROM campaign_spend WHERE campaign = ?1")?;
            let mut total = Decimal::ZERO;
            for points in statement.query_map([campaign], |r| r.get::<_, String>(0))? {
                total = total.saturating_add(decimal(&points?)?);
            }
            Ok(total)
        })?)
    }

    fn redeemed(&self, reward: &str) -> Result<u64, FactsError> {
        Ok(self.redemptions_of(reward, None)?)
    }

    fn code_taken(&self, code: &str) -> Result<bool, FactsError> {
        Ok(self
            .connection()
            .prepare_cached("SELECT 1 FROM redemptions WHERE code = ?1")?
            .query_row([code], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn event_owner(&self, id: &str) -> Result<Option<(String, EventType)>, FactsError> {
        let row: Option<(String, String)> = self
            .connection()
            .prepare_cached("SELECT member, type FROM events WHERE id = ?1")?
            .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(row.and_then(|(member, kind)| Some((member, EventType::parse(&kind)?))))
    }
}

impl From<LedgerError> for crate::decide::Failure {
    fn from(error: LedgerError) -> Self {
        crate::decide::Failure::Facts(error.into())
    }
}
