//! PostgreSQL connections, pooled per database for the whole process (r2d2).
//!
//! Every ledger on PostgreSQL borrows a [`Session`] from its database's pool and gives it
//! back when dropped: a host process's club writers keep theirs, while the reads the API
//! answers beside them borrow one per request, so that a balance enquiry never queues
//! behind a burst of purchases. A session keeps its prepared statements, so a borrowed
//! connection does not prepare again what it prepared for an earlier borrower.
//!
//! A session that comes back in an unknown state (a transaction left open, writes not
//! sent, the club's clock lock held, a lost connection) is closed rather than lent again:
//! closing is what PostgreSQL needs to roll back and release locks, and a fresh
//! connection is cheap next to lending out someone else's half-done work. The pool checks
//! a connection before lending it, so after the database restarts the next borrower gets a
//! new connection rather than a dead one.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use super::error::{without_password, LedgerError};

/// How many connections one process opens to one database at most, unless
/// `BASHGAH_DATABASE_CONNECTIONS` says otherwise: one per served club's writer plus the
/// reads in flight. PostgreSQL's own default limit is 100 for every client together.
const DEFAULT_CONNECTIONS: u32 = 32;

/// How long a borrower waits for a free connection before giving up with an error that
/// says how to raise the limit.
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(10);

/// A connection and what belongs to it.
pub struct Session {
    pub client: postgres::Client,
    /// Statements prepared on this connection, by their SQLite-style text.
    pub statements: HashMap<&'static str, postgres::Statement>,
    /// The schema `search_path` names, once set: a borrower for the same club need not
    /// set it again.
    pub schema: Option<String>,
    /// Set by a borrower that leaves the session in a state the next one must not see.
    pub tainted: bool,
}

/// Opens sessions to one database for r2d2.
pub struct Sessions {
    config: postgres::Config,
}

impl r2d2::ManageConnection for Sessions {
    type Connection = Session;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Session, postgres::Error> {
        Ok(Session {
            client: self.config.connect(postgres::NoTls)?,
            statements: HashMap::new(),
            schema: None,
            tainted: false,
        })
    }

    fn is_valid(&self, session: &mut Session) -> Result<(), postgres::Error> {
        session.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, session: &mut Session) -> bool {
        session.tainted || session.client.is_closed()
    }
}

/// A borrowed session: given back to its pool when dropped.
pub type Borrowed = r2d2::PooledConnection<Sessions>;

/// A session from the pool of the database at `url` (the pool is made on first use).
pub fn borrow(url: &str) -> Result<Borrowed, LedgerError> {
    let pool = pool_for(url)?;
    pool.get().map_err(|e| {
        LedgerError::corrupt(format!(
            "cannot connect to PostgreSQL at `{}`: {e} (this process holds {} of at most {} connections to it; BASHGAH_DATABASE_CONNECTIONS sets the most)",
            without_password(url),
            pool.state().connections,
            pool.max_size(),
        ))
    })
}

fn pool_for(url: &str) -> Result<r2d2::Pool<Sessions>, LedgerError> {
    static POOLS: OnceLock<Mutex<HashMap<String, r2d2::Pool<Sessions>>>> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(pool) = pools.get(url) {
        return Ok(pool.clone());
    }
    let config: postgres::Config = url.parse().map_err(|e| {
        LedgerError::corrupt(format!(
            "`{}` is not a PostgreSQL URL bashgah can use: {e}",
            without_password(url)
        ))
    })?;
    let pool = r2d2::Pool::builder()
        .max_size(max_connections()?)
        // Connections are opened when first needed, not all at start: a command that
        // reads one club opens one.
        .min_idle(Some(0))
        .connection_timeout(WAIT_FOR_CONNECTION)
        // A connection idle this long is closed: a burst of reads does not keep its
        // connections open on the database for good.
        .idle_timeout(Some(Duration::from_secs(60)))
        .test_on_check_out(true)
        .build_unchecked(Sessions { config });
    pools.insert(url.to_owned(), pool.clone());
    Ok(pool)
}

fn max_connections() -> Result<u32, LedgerError> {
    match std::env::var("BASHGAH_DATABASE_CONNECTIONS") {
        Err(_) => Ok(DEFAULT_CONNECTIONS),
        Ok(text) => match text.trim().parse::<u32>() {
            Ok(n) if (1..=10_000).contains(&n) => Ok(n),
            _ => Err(LedgerError::corrupt(format!(
                "BASHGAH_DATABASE_CONNECTIONS is `{text}`: write a whole number from 1 to 10000"
            ))),
        },
    }
}
