//! Redemptions as the ledger holds them: counts for stock and limits, and codes.

use rusqlite::{params, OptionalExtension};

use super::store::{Ledger, LedgerError};

impl Ledger {
    /// How many times `reward` was redeemed (by `member`, if given).
    pub fn redemptions_of(&self, reward: &str, member: Option<&str>) -> Result<u64, LedgerError> {
        let count: i64 = self
            .connection()
            .prepare_cached("SELECT COUNT(*) FROM redemptions WHERE reward = ?1 AND (?2 IS NULL OR member = ?2)")?
            .query_row(params![reward, member], |r| r.get(0))?;
        Ok(count as u64)
    }

    /// The code a redemption (by its event id) issued, if any.
    pub fn redemption_code(&self, event: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .connection()
            .prepare_cached("SELECT code FROM redemptions WHERE event = ?1")?
            .query_row([event], |r| r.get(0))
            .optional()?
            .flatten())
    }
}
