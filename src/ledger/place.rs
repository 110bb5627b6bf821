//! Where a club's ledger lives: a SQLite file (`<data>/<club>.sqlite`, the default), or a
//! schema of its own (`club_<club>`) in a PostgreSQL database named by a URL
//! (`--database postgres://…` or `BASHGAH_DATABASE`). Every command and the host process
//! ask this one place, so they agree.

use std::fmt;
use std::path::{Path, PathBuf};

use super::error::without_password;
use super::names::schema_name;
use super::store::{Ledger, LedgerError};

/// A club's ledger's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerPlace {
    File(PathBuf),
    Postgres { url: String, club: String },
}

impl LedgerPlace {
    /// Club `club`'s ledger: in the PostgreSQL database `database` if one is given, else
    /// the file `<data>/<club>.sqlite`.
    pub fn for_club(data: &Path, database: Option<&str>, club: &str) -> LedgerPlace {
        match database {
            Some(url) => LedgerPlace::Postgres {
                url: url.to_owned(),
                club: club.to_owned(),
            },
            None => LedgerPlace::File(data.join(format!("{club}.sqlite"))),
        }
    }

    /// Opens the ledger, creating and migrating it if needed.
    pub fn open(&self) -> Result<Ledger, LedgerError> {
        match self {
            LedgerPlace::File(path) => Ledger::open(path),
            LedgerPlace::Postgres { url, club } => Ledger::open_postgres(url, club),
        }
    }

    /// Whether [`LedgerPlace::open_reader`] gives a reader.
    pub fn reads_beside_writer(&self) -> bool {
        matches!(self, LedgerPlace::Postgres { .. })
    }

    /// A ledger to answer a read with beside the club's writer, where the store allows
    /// it: on PostgreSQL, a pooled connection (reads then run in parallel with each other
    /// and with the writer's transaction, seeing what it last committed). `None` for a
    /// SQLite file, whose reads its writer's thread answers between transactions.
    pub fn open_reader(&self) -> Option<Result<Ledger, LedgerError>> {
        match self {
            LedgerPlace::File(_) => None,
            LedgerPlace::Postgres { url, club } => Some(Ledger::read_postgres(url, club)),
        }
    }

    /// Whether the ledger was ever created (a command that only reads says so, rather than
    /// create an empty one).
    pub fn exists(&self) -> Result<bool, LedgerError> {
        match self {
            LedgerPlace::File(path) => Ok(path.is_file()),
            LedgerPlace::Postgres { url, club } => {
                let mut session = super::pool::borrow(url)?;
                let row = session.client.query_one(
                    "SELECT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = $1)",
                    &[&schema_name(club)],
                )?;
                Ok(row.try_get(0)?)
            }
        }
    }
}

/// A URL of a database bashgah can keep ledgers in, or why not.
pub fn check_database_url(url: &str) -> Result<(), String> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a PostgreSQL URL: write postgres://user@host:port/database (without --database, ledgers are SQLite files under --data)",
            without_password(url)
        ))
    }
}

impl fmt::Display for LedgerPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerPlace::File(path) => write!(f, "{}", path.display()),
            LedgerPlace::Postgres { url, club } => {
                write!(
                    f,
                    "schema {} in {}",
                    schema_name(club),
                    without_password(url)
                )
            }
        }
    }
}
