//! [`Ledger`]: opening a club's database, reading member state, applying outcomes.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;
use rust_decimal::Decimal;

use super::db::{args, Db, Postgres};
pub use super::error::LedgerError;
use super::held_rows::{Held, HeldRows};
use super::hot::HotWrites;
use super::migrations::{MIGRATIONS, POSTGRES_MIGRATIONS};
use crate::member::{MemberState, MemberStats};
use crate::policy::Policy;
use crate::time::{from_stored, stored};
use crate::word_table::WordTable;

type Result<T> = std::result::Result<T, LedgerError>;

/// A member's row, as [`Ledger::member_row`] reads it.
pub(super) const MEMBER_ROW: &str = "SELECT type, joined, birthday, attributes, balance, spend_total, visits, last_visit, debt, credit, tier, tier_valid_until, tier_reviewed_at, greeted_through, joined_known FROM members WHERE id = ?1";

/// How long a write waits for another connection's transaction unless told otherwise.
pub const DEFAULT_BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Whether an event id is already in the ledger, and with what content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventLookup {
    Absent,
    Present { fingerprint: String },
}

impl EventLookup {
    /// What finding `fingerprint` (or nothing) under an event's id says.
    fn of(fingerprint: Option<String>) -> EventLookup {
        match fingerprint {
            Some(fingerprint) => EventLookup::Present { fingerprint },
            None => EventLookup::Absent,
        }
    }
}

/// Whether an event is in the ledger, and its content's fingerprint.
const LOOKUP_EVENT: &str = "SELECT fingerprint FROM events WHERE id = ?1";

/// A SQLite ledger's page cache, in KiB (SQLite's negative `cache_size`): 64 MiB. A first
/// import runs with less while it has the file (`super::bulk`).
pub(super) const LEDGER_CACHE: i64 = -65_536;

/// An open club ledger.
pub struct Ledger {
    /// The inserts every event is recorded with, bound without copies (SQLite only).
    /// Declared before `db`, so they are finalized before the connection closes: fields
    /// drop in order.
    hot: RefCell<HotWrites>,
    db: Db,
    /// What each campaign gave in all, as read (and since added to) in the open
    /// transaction. Every event in a campaign's window asks it; summing the campaign's
    /// rows each time made an import quadratic in the campaign's awards. Kept only inside
    /// one transaction (another process may write between two), and forgotten at every
    /// boundary that can undo a write.
    campaign_totals: RefCell<HashMap<String, Decimal>>,
    /// [`Ledger::active_version`], as read in the open transaction.
    active: RefCell<Option<Option<String>>>,
    /// Policy versions this ledger stored: in the open transaction, and committed. A
    /// version known committed is not sent again; the host process would otherwise send
    /// its files (kilobytes) with every request.
    policies: RefCell<StoredPolicies>,
    /// Whether a first import dropped the index members' histories are read through
    /// (`ledger::bulk`): reading one builds it first.
    pub(super) member_order_deferred: std::cell::Cell<bool>,
    /// While that index is deferred in a club whose decisions read histories: the members
    /// the import has written an event for ([`Ledger::has_no_events`]). The ledger held
    /// no events when the import began, so every other member has none, and their book is
    /// read without the queries of a history (each a scan without the index). `None`
    /// otherwise, and from the first history read on (the index is built then).
    pub(super) members_with_events: RefCell<Option<MemberSet>>,
    /// During a first import, members' totals held back and written in passes in id
    /// order (`ledger::held_rows`); `None` otherwise.
    pub(super) held_rows: RefCell<Option<HeldRows>>,
}

/// A set of member ids kept as 64-bit hashes of them (seeded at random), not as the ids:
/// 13–15 MiB less at the peak of an import of two million purchases by a million members.
/// Two ids may share a hash: [`MemberSet::contains`] may then say yes for an id never
/// inserted, never no for one that was, so it suits sets where a wrong yes only costs
/// time ([`Ledger::has_no_events`]).
///
/// The hashes are held in a [`WordTable`] of keys alone (its default), which grows by a
/// quarter (a `HashSet` of a million doubled to 19 MB at the import's peak).
#[derive(Default)]
pub(super) struct MemberSet {
    hasher: foldhash::quality::RandomState,
    hashes: WordTable,
}

impl MemberSet {
    /// `id`'s hash, never 0 (the table's empty place): 0 is taken as 1.
    fn hash(&self, id: &str) -> u64 {
        std::hash::BuildHasher::hash_one(&self.hasher, id).max(1)
    }

    /// Whether `id`, or another id with the same hash, was inserted.
    pub(super) fn contains(&self, id: &str) -> bool {
        self.hashes.get(self.hash(id)).is_some()
    }

    pub(super) fn insert(&mut self, id: &str) {
        let hash = self.hash(id);
        self.hashes.insert(hash);
    }
}

/// The policy versions this connection knows stored, with the numbers events and entries
/// name them by (migration 23). A ledger sees one version, or a few across reloads, so
/// the lists are scanned: cheaper than hashing a 64-character id for every row written.
#[derive(Default)]
struct StoredPolicies {
    /// Stored, or found stored, in the open transaction: forgotten if it is undone.
    in_transaction: Vec<(String, i64)>,
    committed: Vec<(String, i64)>,
}

impl StoredPolicies {
    fn number(&self, id: &str) -> Option<i64> {
        // Newest first: rows nearly always name the version stored last.
        self.committed
            .iter()
            .rev()
            .chain(self.in_transaction.iter().rev())
            .find(|(known, _)| known == id)
            .map(|&(_, number)| number)
    }
}

/// The empty, migrated ledger every in-memory ledger is copied from, made on first use.
/// A copy is exactly what migrating a new in-memory ledger gives (the same SQL ran), only
/// without running it again; `schema_migrations` keeps the template's times. The lock is
/// held only while a copy is made.
fn in_memory_template() -> Result<MutexGuard<'static, Connection>> {
    static TEMPLATE: OnceLock<std::result::Result<Mutex<Connection>, LedgerError>> =
        OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let ledger = Ledger::prepare(Connection::open_in_memory()?)?;
        match ledger.into_db() {
            Db::Sqlite(conn) => Ok(Mutex::new(conn)),
            Db::Postgres(_) => Err(LedgerError::corrupt("the in-memory template is SQLite")),
        }
    });
    match template {
        // A copy that panicked half-way left the template as it was: it is only read.
        Ok(template) => Ok(template.lock().unwrap_or_else(PoisonError::into_inner)),
        Err(error) => Err(error.clone()),
    }
}

/// A decimal as stored: no trailing zeros. Whole numbers (nearly every amount of points)
/// take a fast path: formatting a `Decimal` costs far more than an integer.
pub(super) fn text(value: Decimal) -> String {
    if value.scale() == 0 {
        if let Some(whole) = rust_decimal::prelude::ToPrimitive::to_i64(&value) {
            return whole.to_string();
        }
    }
    value.normalize().to_string()
}

pub(super) fn decimal(text: &str) -> Result<Decimal> {
    Decimal::from_str(text)
        .map_err(|_| LedgerError::corrupt(format!("`{text}` in the ledger is not a number")))
}

pub(super) fn date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| LedgerError::corrupt(format!("`{text}` in the ledger is not a date")))
}

pub(super) fn json_map(text: &str) -> BTreeMap<String, String> {
    serde_json::from_str(text).unwrap_or_default()
}

impl Ledger {
    /// Opens (creating if needed) the ledger at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Ledger> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                LedgerError::corrupt(format!("cannot create `{}`: {e}", parent.display()))
            })?;
        }
        let conn = Connection::open(path)
            .map_err(|e| LedgerError::corrupt(format!("cannot open `{}`: {e}", path.display())))?;
        // 8 KiB pages, set when the file is created. Reading a member's book back is a
        // few rows on many pages (their events are spread through the file), and every
        // page read is copied whole: at a million purchases by 100,000 members the
        // realistic club imported in 150 s with 8 KiB pages, 183 s with 16 KiB and 154 s
        // with 4 KiB, while writes favour larger pages (the 3-rule club: 25.0, 22.8 and
        // 26.2 s). Issue 14, docs/PERFORMANCE.md.
        conn.pragma_update(None, "page_size", 8_192)?;
        match conn.pragma_update(None, "journal_mode", "WAL") {
            // Another process is writing a new ledger's first import straight into the
            // file (`ledger::bulk`) and switches it back to WAL when done: this
            // connection works in either mode meanwhile, and waits for that import's
            // lock as it would for any writer's.
            Err(error)
                if matches!(
                    error.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) => {}
            result => result?,
        }
        // WAL + NORMAL is durable across application crashes; only an OS crash or power
        // loss can lose the last transactions, never corrupt the file.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "cache_size", LEDGER_CACHE)?;
        let ledger = Ledger::prepare(conn)?;
        ledger.build_indexes_an_import_left()?;
        Ok(ledger)
    }

    /// A ledger that lives in memory: policy tests, simulations, dry runs. Each one is a
    /// fresh copy of an empty ledger migrated once per process: running the migrations
    /// for every ledger (each in a transaction of its own, each parsing the schema again)
    /// was nearly half the time of a club's policy tests, which open one per case.
    pub fn open_in_memory() -> Result<Ledger> {
        let mut conn = Connection::open_in_memory()?;
        {
            let template = in_memory_template()?;
            // Every page in one step (-1): the empty ledger is a few dozen. Neither
            // connection is shared, so nothing can hold a lock that would make it wait.
            let copied = Backup::new(&template, &mut conn)?.step(-1)?;
            if copied != StepResult::Done {
                return Err(LedgerError::corrupt(format!(
                    "copying the empty in-memory ledger stopped half-way: {copied:?}"
                )));
            }
        }
        // Finds the schema up to date: one read of `schema_migrations`.
        Ledger::prepare(conn)
    }

    /// Opens (creating if needed) club `club`'s ledger in the PostgreSQL database at `url`
    /// (`postgres://user@host/database`): the club's tables live in a schema of its own,
    /// named after the club, and are brought up to date as SQLite's are.
    pub fn open_postgres(url: &str, club: &str) -> Result<Ledger> {
        let ledger = Ledger::on_session(url, club)?;
        ledger.migrate_postgres(club)?;
        Ok(ledger)
    }

    /// Club `club`'s ledger in the PostgreSQL database at `url`, for reading: on a pooled
    /// connection, without the migration check [`Ledger::open_postgres`] makes (the club's
    /// writer has made it). What the host process answers reads with, beside the writer.
    pub fn read_postgres(url: &str, club: &str) -> Result<Ledger> {
        let ledger = Ledger::on_session(url, club)?;
        if let Db::Postgres(pg) = &ledger.db {
            pg.use_schema(&super::names::quoted_schema(club))?;
        }
        Ok(ledger)
    }

    fn on_session(url: &str, club: &str) -> Result<Ledger> {
        let session = super::pool::borrow(url)?;
        Ok(Ledger {
            hot: RefCell::default(),
            db: Db::Postgres(Box::new(Postgres::new(session, club))),
            campaign_totals: RefCell::default(),
            active: RefCell::default(),
            policies: RefCell::default(),
            member_order_deferred: std::cell::Cell::default(),
            members_with_events: RefCell::default(),
            held_rows: RefCell::default(),
        })
    }

    /// Whether the ledger's connection to its database is gone (PostgreSQL restarted, or
    /// the network dropped it): the ledger is then of no more use, and its owner opens
    /// another. A SQLite file is never lost this way.
    pub fn connection_lost(&self) -> bool {
        match &self.db {
            Db::Sqlite(_) => false,
            Db::Postgres(pg) => pg.connection_lost(),
        }
    }

    fn prepare(conn: Connection) -> Result<Ledger> {
        // Loading a member's facts and recording a plan use some thirty statements in
        // turn; a cache smaller than that would prepare each of them again every time.
        conn.set_prepared_statement_cache_capacity(128);
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        conn.busy_timeout(DEFAULT_BUSY_WAIT)?;
        let mut ledger = Ledger {
            hot: RefCell::default(),
            db: Db::Sqlite(conn),
            campaign_totals: RefCell::default(),
            active: RefCell::default(),
            policies: RefCell::default(),
            member_order_deferred: std::cell::Cell::default(),
            members_with_events: RefCell::default(),
            held_rows: RefCell::default(),
        };
        ledger.migrate()?;
        Ok(ledger)
    }

    fn migrate(&mut self) -> Result<()> {
        let Db::Sqlite(conn) = &mut self.db else {
            return Err(LedgerError::corrupt(
                "SQLite's migrations on another database",
            ));
        };
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        )?;
        let current: i64 = conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?;
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                rusqlite::params![version, stored(Utc::now())],
            )?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Creates club `club`'s schema if needed, makes it the connection's, and runs the
    /// migrations it has not had. Several processes may open the same club at once: the
    /// first to take the club's advisory lock migrates, the others then find it done.
    fn migrate_postgres(&self, club: &str) -> Result<()> {
        let schema = super::names::quoted_schema(club);
        let Db::Postgres(pg) = &self.db else {
            return Err(LedgerError::corrupt(
                "PostgreSQL's migrations on another database",
            ));
        };
        // Until the transaction below commits, its `SET search_path` may yet be undone.
        pg.schema_is(None);
        self.db.batch("BEGIN")?;
        let migrated = (|| {
            self.db.execute(
                "SELECT pg_advisory_xact_lock(hashtext('bashgah migrate'), hashtext(?1))",
                args![club],
            )?;
            self.db.batch(&format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}; \
                 CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)"
            ))?;
            let current = self.schema_version()?;
            for (version, sql) in POSTGRES_MIGRATIONS.iter().filter(|(v, _)| *v > current) {
                self.db.batch(&sql.replace("CTEXT", "TEXT COLLATE \"C\""))?;
                self.db.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                    args![*version, stored(Utc::now())],
                )?;
            }
            Ok(())
        })();
        match migrated {
            Ok(()) => self.db.batch("COMMIT"),
            Err(error) => {
                self.db.batch("ROLLBACK")?;
                Err(error)
            }
        }?;
        // `SET` inside a transaction that committed stays for the session.
        pg.schema_is(Some(&schema));
        Ok(())
    }

    /// How long a write waits for another process's transaction (an import, the host
    /// process) before giving up as busy ([`LedgerError::is_busy`]).
    pub fn wait_when_busy(&self, wait: std::time::Duration) -> Result<()> {
        match &self.db {
            Db::Sqlite(conn) => Ok(conn.busy_timeout(wait)?),
            Db::Postgres(pg) => {
                pg.settings_changed.set(true);
                let millis = wait.as_millis().min(i32::MAX as u128);
                self.db.batch(&format!("SET lock_timeout = {millis}"))
            }
        }
    }

    pub fn schema_version(&self) -> Result<i64> {
        self.db.query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            args![],
            |r| r.get(0),
        )
    }

    /// Whether this ledger is in PostgreSQL (else SQLite).
    pub fn is_postgres(&self) -> bool {
        matches!(self.db, Db::Postgres(_))
    }

    /// After a bulk load into PostgreSQL (an import, a migration): the planner's
    /// statistics of the club's tables brought up to date (`ANALYZE`), so that the next
    /// reads use the member indexes at once rather than after autovacuum's next pass.
    /// Measured: in the minute after a 20,000-purchase import, a member's history was read
    /// by a sequential scan of the whole ledger, 4.8 ms instead of 0.1 ms. SQLite plans
    /// without such statistics, and needs nothing.
    pub fn refresh_statistics(&self) -> Result<()> {
        if self.is_postgres() {
            self.db
                .batch(&format!("ANALYZE {}", super::migrations::TABLES.join(", ")))?;
        }
        Ok(())
    }

    /// Asks for a member's book in one round trip of plain-text statements rather than a
    /// dozen prepared ones (PostgreSQL; SQLite reads in-process either way). Worth it where
    /// a round trip is dear next to planning a statement: the host process, whose requests
    /// wait on each other's trips while other processes share the cores. An import, which
    /// has the database to itself, is faster prepared (measured: twice as fast; see
    /// docs/PERFORMANCE.md), so that is the default.
    pub fn read_books_in_one_trip(&self) {
        if let Db::Postgres(pg) = &self.db {
            pg.books_in_one_trip.set(true);
        }
    }

    /// Whether [`Ledger::read_books_in_one_trip`] was asked.
    pub(super) fn books_in_one_trip(&self) -> bool {
        matches!(&self.db, Db::Postgres(pg) if pg.books_in_one_trip.get())
    }

    /// Starts a write transaction. Writes take the lock at once, so two importers
    /// queue rather than fail half-way.
    pub fn begin(&self) -> Result<()> {
        self.forget_totals();
        match &self.db {
            Db::Sqlite(conn) => Ok(conn.execute_batch("BEGIN IMMEDIATE")?),
            Db::Postgres(pg) => {
                // One writer per club at a time, across every process on the database, as
                // SQLite's write lock does for one file: what a decision read (a member's
                // last points, a reward's last item, whether an event id is taken) stays
                // true until its plan is recorded. The lock goes with the transaction; a
                // wait past `wait_when_busy` is "busy", as with SQLite.
                self.db.batch("BEGIN")?;
                pg.set_in_transaction(true);
                let locked = self.db.execute(
                    "SELECT pg_advisory_xact_lock(hashtext('bashgah club'), hashtext(?1))",
                    args![pg.club],
                );
                if let Err(error) = locked {
                    let _ = self.rollback();
                    return Err(error);
                }
                Ok(())
            }
        }
    }

    /// Whether this process runs the club's clock work that must happen once (message
    /// delivery): always with SQLite (one host process per file); with PostgreSQL, the one
    /// process whose connection holds the club's clock lock, taken here if free. The lock
    /// is the connection's: when its process stops or dies, another takes over.
    pub fn lead_clock(&self) -> Result<bool> {
        let Db::Postgres(pg) = &self.db else {
            return Ok(true);
        };
        if !pg.leads_clock.get() {
            let taken: bool = self.db.query_one(
                "SELECT pg_try_advisory_lock(hashtext('bashgah clock'), hashtext(?1))",
                args![pg.club],
                |r| r.get(0),
            )?;
            pg.leads_clock.set(taken);
        }
        Ok(pg.leads_clock.get())
    }

    pub fn commit(&self) -> Result<()> {
        self.write_held_rows()?;
        let stored = std::mem::take(&mut self.policies.borrow_mut().in_transaction);
        self.forget_totals();
        let committed = self.db.batch("COMMIT");
        if let Db::Postgres(pg) = &self.db {
            // A COMMIT that fails ends the transaction all the same (rolled back).
            pg.set_in_transaction(false);
        }
        if committed.is_ok() {
            self.policies.borrow_mut().committed.extend(stored);
        }
        committed
    }

    pub fn rollback(&self) -> Result<()> {
        self.forget_totals();
        self.forget_held_rows();
        if self.db.in_transaction() {
            let rolled_back = self.db.batch("ROLLBACK");
            if let Db::Postgres(pg) = &self.db {
                pg.set_in_transaction(false);
            }
            rolled_back?;
        }
        Ok(())
    }

    fn forget_totals(&self) {
        self.campaign_totals.borrow_mut().clear();
        self.active.borrow_mut().take();
        // What may have been undone is no longer known stored.
        self.policies.borrow_mut().in_transaction.clear();
    }

    /// Campaign `campaign`'s total from this transaction's memory, or `read` from the
    /// ledger (and remembered, if a transaction is open).
    pub(super) fn campaign_total(
        &self,
        campaign: &str,
        read: impl FnOnce() -> Result<Decimal>,
    ) -> Result<Decimal> {
        if let Some(total) = self.campaign_totals.borrow().get(campaign) {
            return Ok(*total);
        }
        let total = read()?;
        if self.is_in_transaction() {
            self.campaign_totals
                .borrow_mut()
                .insert(campaign.to_owned(), total);
        }
        Ok(total)
    }

    /// Adds an award just recorded to its campaign's remembered total.
    pub(super) fn add_to_campaign_total(&self, campaign: &str, points: Decimal) {
        if let Some(total) = self.campaign_totals.borrow_mut().get_mut(campaign) {
            *total = total.saturating_add(points);
        }
    }

    /// A number that moves when another connection commits to the ledger, never for this
    /// connection's own commits: SQLite's `data_version`. PostgreSQL has no such number for
    /// one schema, so there it moves at every call: books kept in memory between two
    /// transactions are always read again (safe; other processes may write the club).
    pub fn data_version(&self) -> Result<i64> {
        match &self.db {
            Db::Sqlite(conn) => Ok(conn
                .prepare_cached("PRAGMA data_version")?
                .query_row([], |row| row.get(0))?),
            Db::Postgres(pg) => Ok(pg.next_version()),
        }
    }

    /// Whether a transaction is open.
    pub fn is_in_transaction(&self) -> bool {
        self.db.in_transaction()
    }

    /// Marks a point inside the transaction that [`Ledger::undo_to_mark`] returns to: the
    /// host process runs many requests in one transaction (one disk sync for all), and a
    /// request that is refused or is only a dry run must leave nothing behind.
    ///
    /// On PostgreSQL the savepoint and its release are held back with the writes
    /// ([`Db::write`]) and go with the next round trip: two trips fewer per request.
    pub fn mark(&self) -> Result<()> {
        // Rows held from now on are what an undo forgets.
        self.write_held_rows()?;
        self.db.write("SAVEPOINT request", args![])
    }

    /// Rows this connection has inserted, updated or deleted since it was opened, where
    /// the store counts them (SQLite; `None` on PostgreSQL): whether a piece of work wrote
    /// anything, told without a savepoint around it.
    pub fn rows_written(&self) -> Option<u64> {
        match &self.db {
            Db::Sqlite(conn) => Some(conn.total_changes()),
            Db::Postgres(_) => None,
        }
    }

    /// Keeps what was written since [`Ledger::mark`].
    pub fn keep_since_mark(&self) -> Result<()> {
        self.db.write("RELEASE request", args![])
    }

    /// Undoes everything written since [`Ledger::mark`].
    pub fn undo_to_mark(&self) -> Result<()> {
        self.forget_totals();
        self.forget_held_rows();
        self.db.batch("ROLLBACK TO request; RELEASE request")
    }

    /// Starts a projection: what follows is written only to be read back, then undone by
    /// [`Ledger::end_projection`] (inside or outside a transaction).
    pub fn begin_projection(&self) -> Result<()> {
        self.write_held_rows()?;
        match &self.db {
            Db::Sqlite(_) => self.db.batch("SAVEPOINT projection"),
            // Outside a transaction PostgreSQL has no savepoints: the projection is one.
            Db::Postgres(pg) if !pg.in_transaction() => {
                self.db.batch("BEGIN; SAVEPOINT projection")?;
                pg.set_projection_began_transaction(true);
                Ok(())
            }
            Db::Postgres(_) => self.db.batch("SAVEPOINT projection"),
        }
    }

    /// Undoes everything written since [`Ledger::begin_projection`].
    pub fn end_projection(&self) -> Result<()> {
        self.forget_totals();
        self.forget_held_rows();
        match &self.db {
            Db::Postgres(pg) if pg.projection_began_transaction() => {
                pg.set_projection_began_transaction(false);
                self.db.batch("ROLLBACK")
            }
            _ => self.db.batch("ROLLBACK TO projection; RELEASE projection"),
        }
    }

    /// Every commit is synced to disk before it returns (`synchronous = FULL`): what the
    /// host process has answered for survives a power cut, not only a crash.
    pub fn sync_every_commit(&self) -> Result<()> {
        match &self.db {
            Db::Sqlite(conn) => Ok(conn.pragma_update(None, "synchronous", "FULL")?),
            // PostgreSQL's own default: a commit returns once its WAL is flushed.
            Db::Postgres(pg) => {
                pg.settings_changed.set(true);
                self.db.batch("SET synchronous_commit = on")
            }
        }
    }

    /// Keeps the undo records of savepoints ([`Ledger::mark`]) in memory rather than in a
    /// temporary file: the host process marks every request, and with the journal in a
    /// file every page a request changed was first written there (a `pwrite` per page:
    /// a fifth of the ledger thread's time at single-event posts). A request changes a
    /// few pages, so the memory is small; imports and exports, whose sorts could be
    /// large, keep SQLite's default.
    pub fn savepoints_in_memory(&self) -> Result<()> {
        match &self.db {
            Db::Sqlite(conn) => Ok(conn.pragma_update(None, "temp_store", "MEMORY")?),
            Db::Postgres(_) => Ok(()),
        }
    }

    /// Makes `policy` the club's active version, as the host process `process` activated
    /// it (its files stored first, see [`Ledger::record_policy`]). Call inside a
    /// transaction.
    pub fn activate(&self, policy: &Policy, process: &str) -> Result<()> {
        self.record_policy(policy)?;
        if self.active_version()?.as_deref() != Some(policy.id.as_str()) {
            self.db.execute(
                "INSERT INTO activations (version, at, process) VALUES (?1, ?2, ?3)",
                args![policy.id, stored(Utc::now()), process],
            )?;
        }
        self.active.borrow_mut().take();
        Ok(())
    }

    /// The version a host process activated last, if any did. Read once per transaction:
    /// activating takes the club's write lock, so it cannot change inside one.
    pub fn active_version(&self) -> Result<Option<String>> {
        if let Some(known) = self.active.borrow().as_ref() {
            return Ok(known.clone());
        }
        let version: Option<String> = self.db.query_opt(
            "SELECT version FROM activations ORDER BY seq DESC LIMIT 1",
            args![],
            |r| r.get(0),
        )?;
        if self.is_in_transaction() {
            *self.active.borrow_mut() = Some(version.clone());
        }
        Ok(version)
    }

    /// Stores `policy`'s files under its id, once, with the next number (see
    /// [`Ledger::policy_number`]).
    pub fn record_policy(&self, policy: &Policy) -> Result<()> {
        if self.policies.borrow().number(&policy.id).is_some() {
            return Ok(());
        }
        let files = serde_json::to_string(&policy.files).unwrap_or_default();
        // The next number is taken under the club's write lock (SQLite's, or PostgreSQL's
        // advisory lock, both held to the commit), so two writers never give the same.
        // `WHERE true` tells SQLite's parser that `ON CONFLICT` is not a join's.
        self.db.write(
            "INSERT INTO policy_versions (id, club, first_used, files, number)
             SELECT ?1, ?2, ?3, ?4, COALESCE(MAX(number), 0) + 1 FROM policy_versions WHERE true
             ON CONFLICT DO NOTHING",
            args![policy.id, policy.club.id, stored(Utc::now()), files],
        )?;
        self.policy_number(&policy.id).map(|_| ())
    }

    /// The number version `id` is stored under in `policy_versions`, which events and
    /// entries name it by: read once a connection (a version's number never changes).
    pub(super) fn policy_number(&self, id: &str) -> Result<i64> {
        if let Some(number) = self.policies.borrow().number(id) {
            return Ok(number);
        }
        let number: Option<i64> = self.db.query_opt(
            "SELECT number FROM policy_versions WHERE id = ?1",
            args![id],
            |r| r.get(0),
        )?;
        let number = number.ok_or_else(|| {
            LedgerError::corrupt(format!(
                "policy version `{id}` is written before it is stored"
            ))
        })?;
        let mut policies = self.policies.borrow_mut();
        if self.is_in_transaction() {
            policies.in_transaction.push((id.to_owned(), number));
        } else {
            policies.committed.push((id.to_owned(), number));
        }
        Ok(number)
    }

    /// [`Ledger::lookup_event`] for each of `ids`, in order: on PostgreSQL in one round trip.
    pub fn lookup_events(&self, ids: &[&str]) -> Result<Vec<EventLookup>> {
        let pg = match &self.db {
            Db::Postgres(pg) => pg,
            Db::Sqlite(conn) => {
                // One statement for the whole list, not one trip through the statement
                // cache per id: an import asks this for every event it reads.
                let mut statement = conn.prepare_cached(LOOKUP_EVENT)?;
                return ids
                    .iter()
                    .map(|id| {
                        let mut rows = statement.query([id])?;
                        let found = rows.next()?.map(|row| row.get(0)).transpose()?;
                        Ok(EventLookup::of(found))
                    })
                    .collect();
            }
        };
        let rows =
            pg.query_text_array("SELECT id, fingerprint FROM events WHERE id = ANY($1)", ids)?;
        let mut found = HashMap::with_capacity(rows.len());
        for row in &rows {
            found.insert(row.try_get::<_, String>(0)?, row.try_get::<_, String>(1)?);
        }
        Ok(ids
            .iter()
            .map(|id| EventLookup::of(found.get(*id).cloned()))
            .collect())
    }

    pub fn lookup_event(&self, id: &str) -> Result<EventLookup> {
        let found: Option<String> = self.db.query_opt(LOOKUP_EVENT, args![id], |r| r.get(0))?;
        Ok(EventLookup::of(found))
    }

    /// `base` if no event has that id yet, else the first of `base#2`, `base#3`, … that is
    /// free: the id of a change made without one (a redemption, an adjustment), so that
    /// two such changes in the same second are two changes, never "already recorded".
    /// Asked inside the transaction that records the change, so no other writer can take
    /// the same id meanwhile.
    pub fn unused_id(&self, base: &str) -> Result<String> {
        if matches!(self.lookup_event(base)?, EventLookup::Absent) {
            return Ok(base.to_owned());
        }
        for n in 2..=100_000_u32 {
            let id = format!("{base}#{n}");
            if matches!(self.lookup_event(&id)?, EventLookup::Absent) {
                return Ok(id);
            }
        }
        Err(LedgerError::corrupt(format!(
            "100,000 changes already have ids made from `{base}`: give this one an id of its own"
        )))
    }

    /// Why an import rejected event `id` before, if it did with content `fingerprint`
    /// under policy version `version`.
    pub fn rejection(
        &self,
        id: &str,
        fingerprint: &str,
        version: &str,
    ) -> Result<Option<crate::engine::EvalError>> {
        let row = self.db.query_opt(
            "SELECT message, field, file, line, col, source_line FROM rejections
             WHERE id = ?1 AND fingerprint = ?2 AND policy_version = ?3",
            args![id, fingerprint, version],
            |r| {
                Ok((
                    r.get::<String>(0)?,
                    r.get::<Option<String>>(1)?,
                    r.get::<Option<String>>(2)?,
                    r.get::<Option<i64>>(3)?,
                    r.get::<Option<i64>>(4)?,
                    r.get::<Option<String>>(5)?,
                ))
            },
        )?;
        Ok(row.map(|(message, field, file, line, col, source_line)| {
            let line = line.and_then(|line| usize::try_from(line).ok());
            let col = col.and_then(|col| usize::try_from(col).ok());
            let location = file
                .zip(line)
                .map(|(file, line)| crate::diagnostic::Location::new(file, line, col.unwrap_or(1)));
            crate::engine::EvalError {
                message,
                location,
                source_line,
                // The input fields an evaluation can blame are few and named in code.
                column: field.as_deref().and_then(crate::engine::input_field),
                help: None,
            }
        }))
    }

    /// Whether any rejection is remembered at all.
    pub fn has_rejections(&self) -> Result<bool> {
        self.db
            .query_one("SELECT EXISTS (SELECT 1 FROM rejections)", args![], |r| {
                r.get(0)
            })
    }

    /// Remembers that an import rejected event `id` (with this content, under this
    /// version), and why.
    pub fn remember_rejection(
        &self,
        id: &str,
        fingerprint: &str,
        version: &str,
        error: &crate::engine::EvalError,
    ) -> Result<()> {
        let location = error.location.as_ref();
        let line = location.map(|l| i64::try_from(l.line).unwrap_or(i64::MAX));
        let col = location.map(|l| i64::try_from(l.column).unwrap_or(i64::MAX));
        self.db.execute(
            "INSERT INTO rejections (id, fingerprint, policy_version, message, field, file, line, col, source_line)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, policy_version = excluded.policy_version,
                 message = excluded.message, field = excluded.field, file = excluded.file, line = excluded.line,
                 col = excluded.col, source_line = excluded.source_line",
            args![
                id,
                fingerprint,
                version,
                error.message,
                error.column,
                location.map(|l| l.file.display().to_string()),
                line,
                col,
                error.source_line,
            ],
        )?;
        Ok(())
    }

    /// Forgets a rejection (the event was accepted since).
    pub fn forget_rejection(&self, id: &str) -> Result<()> {
        self.db
            .execute("DELETE FROM rejections WHERE id = ?1", args![id])?;
        Ok(())
    }

    /// The member as their row and deals say (window statistics left empty); `None` if
    /// the ledger has never seen them. The decision stage reads whole books instead
    /// ([`Ledger::load_book`]).
    pub fn member_state(&self, id: &str) -> Result<Option<MemberState>> {
        Ok(self.member_row(id, true)?.map(|(state, _)| state))
    }

    /// The member's row (and, with `deals`, their deal enrolments), and whether their
    /// joining date is known.
    pub(super) fn member_row(&self, id: &str, deals: bool) -> Result<Option<(MemberState, bool)>> {
        // A member two held share a key with: what is held is written first.
        let unknown = self
            .held_rows
            .borrow()
            .as_ref()
            .is_some_and(|held| matches!(held.latest(id), Held::Unknown));
        if unknown {
            self.write_held_rows()?;
        }
        let row = self.db.query_opt(MEMBER_ROW, args![id], |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<Option<String>>(2)?,
                r.get::<String>(3)?,
                r.get::<String>(4)?,
                r.get::<String>(5)?,
                r.get::<i64>(6)?,
                r.get::<Option<String>>(7)?,
                r.get::<String>(8)?,
                r.get::<String>(9)?,
                r.get::<Option<String>>(10)?,
                r.get::<Option<String>>(11)?,
                r.get::<Option<String>>(12)?,
                r.get::<Option<String>>(13)?,
                r.get::<i64>(14)? != 0,
            ))
        })?;
        let Some((
            member_type,
            joined,
            birthday,
            attributes,
            balance,
            spend_total,
            visits,
            last_visit,
            debt,
            credit,
            tier,
            tier_valid_until,
            tier_reviewed_at,
            greeted_through,
            joined_known,
        )) = row
        else {
            return Ok(None);
        };
        let stats = MemberStats {
            spend_total: decimal(&spend_total)?,
            visits_total: visits,
            last_visit: last_visit.as_deref().and_then(from_stored),
            ..MemberStats::default()
        };
        let mut state = MemberState {
            id: id.to_owned(),
            member_type,
            joined: date(&joined)?,
            birthday: birthday.as_deref().map(date).transpose()?,
            attributes: json_map(&attributes),
            balance: decimal(&balance)?,
            debt: decimal(&debt)?,
            credit: decimal(&credit)?,
            tier,
            tier_valid_until: tier_valid_until.as_deref().and_then(from_stored),
            tier_reviewed_at: tier_reviewed_at.as_deref().and_then(from_stored),
            greeted_through: greeted_through.as_deref().and_then(from_stored),
            // A member the first import has written no event for has joined no deal
            // (`ledger::bulk`): not asked, with the index it would be asked through
            // deferred.
            deals: if deals && !self.has_no_events(id) {
                self.deal_statuses(id)?
            } else {
                Vec::new()
            },
            stats,
        };
        let mut joined_known = joined_known;
        // The row as written, then what is held back for it (`ledger::held_rows`), as
        // writing it and reading it back would give (decimals without trailing zeros,
        // times to the second).
        if let Some(held) = self.held_rows.borrow().as_ref() {
            if let Held::Row(row) = held.latest(id) {
                let number = |value| decimal(&text(value));
                let time =
                    |at: Option<DateTime<Utc>>| at.map(stored).as_deref().and_then(from_stored);
                state.balance = number(row.balance)?;
                state.stats.spend_total = number(row.spend_total)?;
                state.stats.visits_total = row.visits;
                state.stats.last_visit = time(row.last_visit);
                state.debt = number(row.debt)?;
                state.credit = number(row.credit)?;
                state.tier = row.tier.map(str::to_owned);
                state.tier_valid_until = time(row.tier_valid_until);
                state.tier_reviewed_at = time(row.tier_reviewed_at);
                state.greeted_through = time(row.greeted_through);
                if let Some(profile) = row.profile {
                    profile.member_type.clone_into(&mut state.member_type);
                    state.joined = date(&profile.joined.to_string())?;
                    state.birthday = profile.birthday.map(|d| date(&d.to_string())).transpose()?;
                    state.attributes = json_map(profile.attributes);
                    joined_known = profile.joined_known;
                }
            }
        }
        Ok(Some((state, joined_known)))
    }

    pub(super) fn db(&self) -> &Db {
        &self.db
    }

    /// The statements [`HotWrites`] holds (SQLite only).
    pub(super) fn hot(&self) -> std::cell::RefMut<'_, HotWrites> {
        self.hot.borrow_mut()
    }

    /// The connection, its statements finalized first.
    fn into_db(self) -> Db {
        drop(self.hot);
        self.db
    }

    /// A canonical text dump of everything a ledger holds about members (without row
    /// numbers, load times, the order rows were written in where that order carries no
    /// meaning, or cursors such as how far greetings were looked for), for comparing two
    /// ledgers: replays, interrupted imports, batch sizes, SQLite against PostgreSQL (so
    /// every order is total: the two databases break ties differently).
    pub fn dump(&self) -> Result<String> {
        let mut out = String::new();
        for query in DUMP {
            for fields in self.db.values(query)? {
                let fields: Vec<String> = fields.iter().map(|v| format!("{v:?}")).collect();
                out.push_str(&fields.join("|"));
                out.push('\n');
            }
            out.push_str("--\n");
        }
        Ok(out)
    }

    /// The SHA-256 of [`Ledger::dump`]'s text, computed row by row in flat memory: what
    /// `migrate` compares, so that a ledger of millions of members is checked without
    /// holding two dumps of it.
    pub fn dump_digest(&self) -> Result<String> {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        let mut line = String::new();
        for query in DUMP {
            self.db.stream_values(query, |_, fields| {
                line.clear();
                for (i, value) in fields.iter().enumerate() {
                    if i > 0 {
                        line.push('|');
                    }
                    line.push_str(&format!("{value:?}"));
                }
                line.push('\n');
                hash.update(line.as_bytes());
                Ok(())
            })?;
            hash.update(b"--\n");
        }
        Ok(crate::hex::encode(&hash.finalize()))
    }
}

/// What [`Ledger::dump`] lists, in order: every member, event, entry, lot and use, tier
/// change, deal, message, notice, return share, campaign spend and holdout, challenge, badge,
/// redemption, code use, cancellation, outbound event, credit entry and consent, contest
/// score, result and prize, in an order both stores give alike.
const DUMP: &[&str] = &[
    "SELECT id, type, joined, COALESCE(birthday, ''), attributes, balance, spend_total, visits, COALESCE(last_visit, ''), debt, credit, COALESCE(tier, ''), COALESCE(tier_valid_until, ''), COALESCE(tier_reviewed_at, '') FROM members ORDER BY id",
    "SELECT id, member, type, time, amount, COALESCE(original, ''), fingerprint, (SELECT p.id FROM policy_versions p WHERE p.number = events.policy) AS policy_version FROM events ORDER BY member, time, id",
    "SELECT l.member, l.event, l.time, l.rule, l.points, l.reason, (SELECT p.id FROM policy_versions p WHERE p.number = l.policy) AS policy_version, l.kind FROM ledger l ORDER BY l.member, l.time, l.event, l.seq",
    "SELECT l.member, l.event, e.rule, l.points, l.remaining, l.expired, l.earned_at, l.pending_until, l.expires_at FROM lots l JOIN ledger e ON e.seq = l.entry ORDER BY l.member, l.earned_at, l.event, e.rule, l.points, l.remaining",
    "SELECT l.member, l.event, e.event, e.rule, u.kind, u.points FROM lot_uses u JOIN lots l ON l.seq = u.lot JOIN ledger e ON e.seq = u.entry ORDER BY l.member, e.time, e.event, l.event, e.rule, u.kind, u.points",
    "SELECT member, event, time, COALESCE(from_tier, ''), COALESCE(to_tier, ''), reason FROM tier_changes ORDER BY member, time, event",
    "SELECT member, deal, event, enrolled_at, starts_at, periods, kept, missed, next_checkpoint, state, COALESCE(ended_at, ''), COALESCE(tier_until, '') FROM deal_enrollments ORDER BY member, enrolled_at, deal",
    "SELECT d.member, d.deal, c.period, c.starts, c.ends, c.kept, c.note FROM deal_checkpoints c JOIN deal_enrollments d ON d.seq = c.enrollment ORDER BY d.member, d.deal, d.enrolled_at, c.period",
    "SELECT member, key, channel, occasion, day, created_at, deliver_after, language, text, status, COALESCE(reason, '') FROM messages ORDER BY member, key, channel",
    "SELECT member, key, kind, at, COALESCE(due, ''), COALESCE(points, '') FROM notices ORDER BY member, key",
    "SELECT return_event, original, rule, policy_version, points, taken, owed, forgiven, expired FROM return_shares ORDER BY original, return_event, rule",
    "SELECT campaign, member, day, points, event FROM campaign_spend ORDER BY member, day, event, campaign",
    "SELECT campaign, member, event, time FROM campaign_holdouts ORDER BY campaign, member",
    "SELECT challenge, member, period, purchases, spend, COALESCE(completed_at, '') FROM challenge_progress ORDER BY member, challenge, period",
    "SELECT member, badge, at, source FROM badges ORDER BY member, badge",
    "SELECT event, member, reward, points, COALESCE(code, ''), time FROM redemptions ORDER BY member, time, event",
    "SELECT code, member, at, reference, COALESCE(basket, ''), COALESCE(discount, '') FROM code_uses ORDER BY code",
    "SELECT redemption, event, member, time, reason FROM redemption_cancels ORDER BY redemption",
    "SELECT id, kind, member, time, data FROM outbound ORDER BY id",
    "SELECT member, event, time, amount, reason FROM credit ORDER BY member, time, event, seq",
    "SELECT member, channel, granted, at, source FROM consents ORDER BY member, channel",
    "SELECT contest, window_key, member, event, value, time FROM contest_scores ORDER BY contest, window_key, member, event",
    "SELECT contest, window_key, kind, decided_at, COALESCE(seed, ''), participants, entries, policy_version FROM contest_results ORDER BY contest, window_key",
    "SELECT contest, window_key, rank, member, score, points, COALESCE(badge, ''), COALESCE(reward, ''), COALESCE(event, '') FROM contest_prizes ORDER BY contest, window_key, rank, member",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(ledger: &Ledger) -> &Connection {
        match &ledger.db {
            Db::Sqlite(conn) => conn,
            Db::Postgres(_) => panic!("an in-memory ledger is SQLite"),
        }
    }

    /// Every table, index and trigger, as SQLite stores it.
    fn schema(ledger: &Ledger) -> Vec<(String, String, Option<String>)> {
        let mut statement = conn(ledger)
            .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
            .unwrap();
        let rows = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    fn count(ledger: &Ledger, table: &str) -> i64 {
        conn(ledger)
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    /// An in-memory ledger is copied from a template, not migrated: it must be exactly
    /// the ledger the migrations give.
    #[test]
    fn an_in_memory_ledger_is_the_ledger_the_migrations_give() {
        let migrated = Ledger::prepare(Connection::open_in_memory().unwrap()).unwrap();
        let copied = Ledger::open_in_memory().unwrap();
        assert!(schema(&copied).len() > 20, "{:?}", schema(&copied));
        assert_eq!(schema(&copied), schema(&migrated));
        let latest = MIGRATIONS.last().unwrap().0;
        assert_eq!(copied.schema_version().unwrap(), latest);
        assert_eq!(count(&copied, "schema_migrations"), MIGRATIONS.len() as i64);
        // Written like any ledger, the append-only entries included.
        conn(&copied)
            .execute_batch(
                "INSERT INTO members (id, type, joined) VALUES ('M1', 'individual', '2025-01-01')",
            )
            .unwrap();
        let update = conn(&copied)
            .execute_batch("INSERT INTO ledger (member, event, time, rule, points, reason, policy) VALUES ('M1', 'P1', '', 'base', '1', '', 1); UPDATE ledger SET points = '2'")
            .unwrap_err();
        assert!(update.to_string().contains("append-only"), "{update}");
    }

    /// Each in-memory ledger starts empty, whatever was written in the others (policy
    /// tests give each case its own).
    #[test]
    fn in_memory_ledgers_share_nothing() {
        let first = Ledger::open_in_memory().unwrap();
        first.begin().unwrap();
        conn(&first)
            .execute_batch(
                "INSERT INTO members (id, type, joined) VALUES ('M1', 'individual', '2025-01-01')",
            )
            .unwrap();
        first.commit().unwrap();
        let second = Ledger::open_in_memory().unwrap();
        assert_eq!(count(&first, "members"), 1);
        assert_eq!(count(&second, "members"), 0);
        conn(&second)
            .execute_batch(
                "INSERT INTO members (id, type, joined) VALUES ('M2', 'business', '2025-01-02')",
            )
            .unwrap();
        assert_eq!(count(&first, "members"), 1);
        assert_eq!(count(&Ledger::open_in_memory().unwrap(), "members"), 0);
    }

    #[test]
    fn a_member_set_holds_every_id_put_in_it_and_no_other() {
        let mut set = super::MemberSet::default();
        for n in 0..10_000 {
            set.insert(&format!("m{n:07}"));
        }
        assert!((0..10_000).all(|n| set.contains(&format!("m{n:07}"))));
        // That one of these shares a 64-bit hash with one put in: about once in 10^11 runs.
        assert!((10_000..20_000).all(|n| !set.contains(&format!("m{n:07}"))));
        assert!(!set.contains(""));
    }
}
