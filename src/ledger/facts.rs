//! The club-wide facts the decision stage asks the ledger for.

use rust_decimal::Decimal;

use super::db::args;
use super::store::{decimal, Ledger, LedgerError};
use crate::decide::{ClubFacts, FactsError, RedemptionFact};
use crate::event::EventType;

impl From<LedgerError> for FactsError {
    fn from(error: LedgerError) -> Self {
        // Its message only: it becomes a ledger error again on the way out.
        FactsError(error.message().to_owned())
    }
}

impl ClubFacts for Ledger {
    fn campaign_given(&self, campaign: &str) -> Result<Decimal, FactsError> {
        Ok(self.campaign_total(campaign, || {
            let mut total = Decimal::ZERO;
            self.db().for_each(
                "SELECT points FROM campaign_spend WHERE campaign = ?1",
                args![campaign],
                |r| {
                    total = total.saturating_add(decimal(&r.get::<String>(0)?)?);
                    Ok(())
                },
            )?;
            Ok(total)
        })?)
    }

    fn redeemed(&self, reward: &str) -> Result<u64, FactsError> {
        Ok(self.redemptions_of(reward, None)?)
    }

    fn code_taken(&self, code: &str) -> Result<bool, FactsError> {
        Ok(self
            .db()
            .query_opt(
                "SELECT 1 FROM redemptions WHERE code = ?1",
                args![code],
                |_| Ok(()),
            )?
            .is_some())
    }

    fn event_owner(&self, id: &str) -> Result<Option<(String, EventType)>, FactsError> {
        let row: Option<(String, String)> = self.db().query_opt(
            "SELECT member, type FROM events WHERE id = ?1",
            args![id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(row.and_then(|(member, kind)| Some((member, EventType::parse(&kind)?))))
    }

    fn redemption(&self, id: &str) -> Result<Option<RedemptionFact>, FactsError> {
        Ok(self.redemption_fact(id)?)
    }

    fn contest_decided(&self, contest: &str, window: &str) -> Result<bool, FactsError> {
        Ok(Ledger::contest_decided(self, contest, window)?)
    }
}

impl From<LedgerError> for crate::decide::Failure {
    fn from(error: LedgerError) -> Self {
        crate::decide::Failure::Facts(error.into())
    }
}
