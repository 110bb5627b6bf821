//! What goes wrong with a ledger's database, as every part of the ledger reports it: the
//! file cannot be opened, is corrupt, is busy with another writer, or the connection to
//! PostgreSQL was lost. Below everything else in `ledger`, so that the connection pool
//! and the database wrapper report through it without depending on the ledger itself.

/// A database problem: the file cannot be opened, is corrupt, or a write failed.
/// Unlike a bad row, this stops the whole operation (after rolling back).
#[derive(Debug, Clone, thiserror::Error)]
#[error("ledger database: {message}")]
pub struct LedgerError {
    message: String,
    /// Another connection held the write lock for longer than this one would wait.
    busy: bool,
    /// The connection to the database is gone (PostgreSQL stopped, or the backend was
    /// terminated): a new connection may well succeed.
    lost: bool,
}

impl From<rusqlite::Error> for LedgerError {
    fn from(error: rusqlite::Error) -> Self {
        let busy = matches!(
            error.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        );
        let message = if busy {
            format!("{error}: another process (an import, or `bashgah serve`) held the ledger for longer than this one waits; what was not finished was not written, so run it again once the other is done (an import resumes where it stopped)")
        } else {
            error.to_string()
        };
        LedgerError {
            message,
            busy,
            lost: false,
        }
    }
}

impl From<postgres::Error> for LedgerError {
    fn from(error: postgres::Error) -> Self {
        use postgres::error::SqlState;
        // Another process held what this one needed (a row lock, a serializable
        // transaction's read), and the database gave up on one of them: the same work can
        // be tried again, as with SQLite's busy ledger.
        let busy = error.code().is_some_and(|code| {
            [
                SqlState::T_R_SERIALIZATION_FAILURE,
                SqlState::T_R_DEADLOCK_DETECTED,
                SqlState::LOCK_NOT_AVAILABLE,
            ]
            .contains(code)
        });
        // The server ended the session (`pg_terminate_backend`, a shutdown) or the socket
        // closed: the error may arrive before the client has seen the connection close, so
        // it says so itself.
        let lost = error.is_closed()
            || error.code().is_some_and(|code| {
                [
                    SqlState::ADMIN_SHUTDOWN,
                    SqlState::CRASH_SHUTDOWN,
                    SqlState::CANNOT_CONNECT_NOW,
                ]
                .contains(code)
                    || code.code().starts_with("08")
            });
        let message = match error.as_db_error() {
            Some(db) => format!("PostgreSQL: {}", db.message()),
            None => format!("PostgreSQL: {error}"),
        };
        LedgerError {
            message,
            busy,
            lost,
        }
    }
}

impl LedgerError {
    pub fn corrupt(what: impl Into<String>) -> LedgerError {
        LedgerError {
            message: what.into(),
            busy: false,
            lost: false,
        }
    }

    /// Whether the connection to the database was lost (see [`Ledger::connection_lost`]).
    pub fn is_connection_lost(&self) -> bool {
        self.lost
    }

    /// What went wrong, without the "ledger database:" every display of it starts with.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the ledger was busy (another process writing) rather than broken: the
    /// same work can simply be tried again later.
    pub fn is_busy(&self) -> bool {
        self.busy
    }
}

/// `url` without its password, for messages.
pub(super) fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:…{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
