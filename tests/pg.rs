//! PostgreSQL for the tests of the store (issue 15). `BASHGAH_TEST_POSTGRES` names a
//! database to test in (`.ci/test`, the README's test command, starts a throwaway cluster
//! and sets it); each test gets a club schema or a database of its own, dropped after.
//! Without it the PostgreSQL tests say so and pass: `cargo test` alone still tests SQLite.

use std::ops::Deref;
use std::sync::atomic::{AtomicU32, Ordering};

use bashgah::ledger::Ledger;

/// The database to test in, if the run has one.
pub fn url() -> Option<String> {
    let url = std::env::var("BASHGAH_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty());
    static SAID: std::sync::Once = std::sync::Once::new();
    if url.is_none() {
        SAID.call_once(|| {
            eprintln!(
                "PostgreSQL not tested: BASHGAH_TEST_POSTGRES is not set (`.ci/test` sets it)"
            )
        });
    }
    url
}

/// A name no other test of this run (or of another run at the same time) uses.
pub fn unique(name: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "t{}_{}_{name}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A ledger in a schema of its own, dropped with it.
pub struct PgLedger {
    ledger: Option<Ledger>,
    url: String,
    club: String,
}

impl PgLedger {
    /// A fresh ledger (`None` when the run has no PostgreSQL).
    pub fn fresh(name: &str) -> Option<PgLedger> {
        let url = url()?;
        let club = unique(name);
        let ledger = Ledger::open_postgres(&url, &club).expect("a PostgreSQL ledger");
        Some(PgLedger {
            ledger: Some(ledger),
            url,
            club,
        })
    }

    /// The same ledger opened again (its migrations run, if any are new).
    pub fn open_again(&self) -> Ledger {
        Ledger::open_postgres(&self.url, &self.club).expect("the PostgreSQL ledger again")
    }

    /// A plain connection to the ledger's schema, to try what bashgah never does.
    pub fn raw(&self) -> postgres::Client {
        let mut client = postgres::Client::connect(&self.url, postgres::NoTls).unwrap();
        client
            .batch_execute(&format!("SET search_path TO \"club_{}\"", self.club))
            .unwrap();
        client
    }
}

impl Deref for PgLedger {
    type Target = Ledger;
    fn deref(&self) -> &Ledger {
        self.ledger.as_ref().expect("the ledger, until dropped")
    }
}

impl Drop for PgLedger {
    fn drop(&mut self) {
        // Closed first: an open transaction would hold locks the DROP waits for.
        self.ledger.take();
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP SCHEMA IF EXISTS \"club_{}\" CASCADE",
                self.club
            ));
        }
    }
}

/// A database of its own (for the command line and the host process, which name club
/// schemas after the club), dropped with it.
pub struct PgDatabase {
    pub url: String,
    admin: String,
    name: String,
}

impl PgDatabase {
    pub fn fresh(name: &str) -> Option<PgDatabase> {
        let admin = url()?;
        let name = unique(name);
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Some(PgDatabase {
            url: format!("{base}/{name}"),
            admin,
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}
