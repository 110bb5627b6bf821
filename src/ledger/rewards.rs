//! Redemptions as the ledger holds them: counts for stock and limits, and codes.

use super::db::args;
use super::store::{Ledger, LedgerError};

impl Ledger {
    /// How many times `reward` was redeemed (by `member`, if given).
    pub fn redemptions_of(&self, reward: &str, member: Option<&str>) -> Result<u64, LedgerError> {
        let count: i64 = self.db().query_one(
            "SELECT COUNT(*) FROM redemptions WHERE reward = ?1 AND (CAST(?2 AS TEXT) IS NULL OR member = ?2)",
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
