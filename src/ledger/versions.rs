//! The policy versions a ledger keeps (table `policy_versions`): which there are, newest
//! first, for the console's policy page and `GET /v1/clubs/{club}/policy/versions`. Their
//! files are read one version at a time ([`Ledger::policy_files`]).

use chrono::{DateTime, Utc};

use super::db::args;
use super::store::{Ledger, LedgerError};

/// A stored version, without its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVersion {
    /// The full id: the SHA-256 of its files.
    pub id: String,
    /// When the ledger first stored it (second precision).
    pub first_used: DateTime<Utc>,
    /// The number of its first activation by a host process; 0 if none activated it (an
    /// import used it). Orders versions stored in the same second.
    activated: i64,
}

impl Ledger {
    /// Every version the ledger keeps, newest first: by when it was first stored, then
    /// (within one second) by when it was first activated, then by id, so that the order
    /// is the same on SQLite and PostgreSQL. Small rows only: a club has a version per
    /// edit that went live, and the files stay in the table until asked for.
    pub fn policy_versions(&self) -> Result<Vec<StoredVersion>, LedgerError> {
        let mut versions = self.db().query(
            "SELECT p.id, p.first_used, COALESCE((SELECT MIN(a.seq) FROM activations a WHERE a.version = p.id), 0) FROM policy_versions p",
            args![],
            |r| {
                let first_used: String = r.get(1)?;
                Ok(StoredVersion {
                    id: r.get(0)?,
                    first_used: crate::time::from_stored(&first_used).ok_or_else(|| {
                        LedgerError::corrupt(format!(
                            "`{first_used}` in policy_versions is not a time"
                        ))
                    })?,
                    activated: r.get(2)?,
                })
            },
        )?;
        versions.sort_by(|a, b| {
            (b.first_used, b.activated, &b.id).cmp(&(a.first_used, a.activated, &a.id))
        });
        Ok(versions)
    }
}
