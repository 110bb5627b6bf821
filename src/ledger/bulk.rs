//! The first import into a SQLite ledger writes the file directly, not through its
//! write-ahead log.
//!
//! In WAL mode every page an import writes is written twice: into the log when a batch
//! commits (and again each time the page cache spills mid-batch), then into the file by
//! the checkpoint, which the import waits for at its end. A ledger with no events yet has
//! nothing a concurrent reader could want, so its first import switches it to a rollback
//! journal for the import's length: pages the file did not have before are journaled not
//! at all, and every page is written once. `synchronous = FULL` meanwhile, which a rollback
//! journal needs to survive a power loss (WAL is safe with NORMAL). The ledger goes back
//! to WAL when the import ends, however it ends; a ledger left in rollback mode (the
//! process was killed) rolls back its open batch, as a WAL ledger would, and is switched
//! back by the next [`Ledger::open`]. 0.87x the time of a 100,000-purchase import into a
//! new ledger, 0.88x at a million (docs/PERFORMANCE.md, ninth stop).
//!
//! The indexes that only the console and reports read ([`DEFERRED_INDEXES`]) are dropped
//! for the same length and built again at its end, in one sort each, instead of an
//! entry moved at every purchase: `members_last_visit` alone was a third of the cost of
//! the `UPDATE` that records a member's totals, and that `UPDATE` a fifth to a third of
//! the writer's time. At a million purchases, the writer's CPU against the deciding
//! thread's: 0.91x in the 3-rule club (its import 0.90x the wall time), 0.86x in the
//! realistic club (docs/PERFORMANCE.md, fourteenth stop). Decisions never
//! read these indexes; a query that would (the overview's count of members seen
//! lately, a list of a tier's members) still answers meanwhile, by a scan.
//!
//! [`MEMBER_ORDER`] is deferred too, an entry a purchase (or a deal joined) scattered over
//! an index ordered by member; the first read of a member's history or deals (a book read
//! back after the recorder let it go, a return, the lots a spending takes) builds it
//! ([`Ledger::member_order`]).
//! The 3-rule club reads none (`BookNeeds::history`): its writer 0.83x its time against
//! the deciding thread's, its import 0.87x the wall time. A club that reads histories
//! reads a book at each member's first event, but the ledger had no events when the
//! import began: the members it has written an event for are kept, and any other's book
//! is read without a history or deals, which they do not have ([`Ledger::has_no_events`];
//! a club with deals reads histories). So
//! while the recorder holds every book it wrote (a million purchases by 100,000 members
//! in the realistic club) the index is built once, at the end: its writer 0.78-0.84x the
//! CPU (issue 14, docs/PERFORMANCE.md, seventeenth stop). The indexes are built with a
//! page cache of 16 MiB, not the ledger's 64 (nor the import's 52, [`IMPORT_CACHE`]):
//! SQLite sorts within the page cache's size, and the sort's memory, on top of the
//! import's, was its peak (292 MiB against 250 at a million purchases in the 3-rule
//! club). An import that is killed leaves them missing, and the next [`Ledger::open`]
//! builds them.
//!
//! Only when nothing else has the ledger open: the switch needs the file to itself, and
//! is tried without waiting, so an import beside a running host process (which holds the
//! ledger open) writes through the log as any other. While the switch holds, others wait
//! for the import as they would for any write lock, and a reader waits too.

use rusqlite::Connection;

use super::db::Db;
use super::held_rows::HeldRows;
use super::store::{Ledger, LedgerError, MemberSet};

type Result<T> = std::result::Result<T, LedgerError>;

/// The ledger's indexes that decisions never read (the console's and the reports'), by
/// name, with the statement that builds each, exactly as its migration wrote it (a
/// rebuilt index's schema matches a migrated ledger's: tested below).
pub(super) const DEFERRED_INDEXES: [(&str, &str); 5] = [
    ("members_tier", "CREATE INDEX members_tier ON members(tier)"),
    (
        "members_last_visit",
        "CREATE INDEX members_last_visit ON members(last_visit)",
    ),
    (
        "members_id_attributes",
        "CREATE INDEX members_id_attributes ON members(id, attributes)",
    ),
    // A member's tier changes and deal checkpoints, for the member's page and the
    // explanations: each insert was a seek into an index ordered by member.
    (
        "tier_changes_member",
        "CREATE INDEX tier_changes_member ON tier_changes(member, seq)",
    ),
    (
        "deal_checkpoints_enrollment",
        "CREATE INDEX deal_checkpoints_enrollment ON deal_checkpoints(enrollment, seq)",
    ),
];

/// The indexes a member's book is read through when it is read back from the ledger:
/// their events in time order (and their entries and lots through those), and their deal
/// enrolments. Deferred in a first import; a decision that reads a history or a member's
/// deals builds them first ([`Ledger::member_order`]). A member with no event yet has no
/// deal either (an enrolment is written with the event that made it, of the same member),
/// so the book of a member the import has not written for is read without either.
pub(super) const MEMBER_ORDER: [(&str, &str); 2] = [
    (
        "events_member_time",
        "CREATE INDEX events_member_time ON events(member, time)",
    ),
    (
        "deal_enrollments_member",
        "CREATE INDEX deal_enrollments_member ON deal_enrollments(member, deal)",
    ),
];

impl Ledger {
    /// The names of the indexes a new ledger's first import builds at its end, in one sort
    /// each, instead of entry by entry ([`DEFERRED_INDEXES`], [`MEMBER_ORDER`]). The import
    /// benchmark's write floor defers the same ones, so that it writes the import's rows
    /// the way the import does (benches/import.rs).
    pub fn indexes_deferred_by_first_import() -> impl Iterator<Item = &'static str> {
        DEFERRED_INDEXES
            .iter()
            .chain(MEMBER_ORDER.iter())
            .map(|(name, _)| *name)
    }
}

/// The page cache the deferred indexes are built with, in KiB (SQLite's negative
/// `cache_size`): SQLite sorts an index's entries within it before merging.
const SORTING_CACHE: i64 = -16_384;

/// The page cache while the import has the file, in KiB: 52 MiB instead of the ledger's
/// 64, the difference given to the members' rows held back ([`super::held_rows`]), which
/// do what the cache did for the members table (keep a member's row between updates)
/// with fewer bytes a row. Public for the import benchmark, whose baseline and write
/// floor write with the import's settings (benches/import.rs).
pub const IMPORT_CACHE: i64 = -53_248;

/// Drops `indexes` from `conn`'s ledger.
fn drop_indexes<'i>(
    conn: &Connection,
    indexes: impl IntoIterator<Item = &'i (&'i str, &'i str)>,
) -> Result<()> {
    for (name, _) in indexes {
        conn.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
    }
    Ok(())
}

/// Builds `index` (its name and statement) if `conn`'s ledger lacks it.
fn build_index(conn: &Connection, (name, sql): (&str, &str)) -> Result<()> {
    let present: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?1)",
        [name],
        |r| r.get(0),
    )?;
    if !present {
        conn.execute_batch(sql)?;
    }
    Ok(())
}

/// Builds those of [`DEFERRED_INDEXES`] and [`MEMBER_ORDER`] that `conn`'s ledger lacks.
fn build_deferred_indexes(conn: &Connection) -> Result<()> {
    for index in DEFERRED_INDEXES.into_iter().chain(MEMBER_ORDER) {
        build_index(conn, index)?;
    }
    Ok(())
}

/// Asks `conn` to change its journal to `mode` without waiting for other connections:
/// whether it did (a refusal, busy or not, leaves the journal as it was). The busy
/// timeout is put back whatever happens.
fn switch_journal(conn: &Connection, mode: &str) -> Result<bool> {
    let wait: i64 = conn.pragma_query_value(None, "busy_timeout", |r| r.get(0))?;
    conn.pragma_update(None, "busy_timeout", 0)?;
    let switched =
        conn.pragma_update_and_check(None, "journal_mode", mode, |r| r.get::<_, String>(0));
    conn.pragma_update(None, "busy_timeout", wait)?;
    Ok(switched.is_ok_and(|now| now.eq_ignore_ascii_case(mode)))
}

/// A ledger switched to a rollback journal for one import: give it back to
/// [`Ledger::end_bulk_load`].
#[must_use = "the ledger stays out of WAL mode until `end_bulk_load`"]
pub struct BulkLoad {
    /// `PRAGMA synchronous` before the switch.
    synchronous: i64,
    /// `PRAGMA cache_size` before the switch.
    cache: i64,
}

impl Ledger {
    /// Switches a SQLite ledger file that holds no events, and that no other connection
    /// has open, to a rollback journal for an import; `None` (nothing changed) otherwise:
    /// PostgreSQL, a ledger in memory, a ledger with events, inside a transaction.
    /// [`MEMBER_ORDER`] is deferred too. `histories_read`: whether the club's decisions
    /// read members' histories ([`crate::decide::BookNeeds::history`]); if so, the
    /// members written an event for are kept, so that any other member's book is read
    /// without a history or deals, which they do not have ([`Ledger::has_no_events`]).
    pub fn start_bulk_load(&self, histories_read: bool) -> Result<Option<BulkLoad>> {
        let Db::Sqlite(conn) = self.db() else {
            return Ok(None);
        };
        if !conn.is_autocommit() {
            return Ok(None);
        }
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Ok(None);
        }
        let empty: bool =
            conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM events)", [], |r| r.get(0))?;
        if !empty {
            return Ok(None);
        }
        let synchronous: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
        // Tried without waiting: another connection holding the ledger open (the host
        // process), idle or writing, makes SQLite refuse the switch, and the import then
        // simply goes through the log. SQLite refuses at once without asking the busy
        // handler (the unit test below checks the time); the zero timeout keeps it so.
        if !switch_journal(conn, "DELETE")? {
            return Ok(None);
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        if let Err(error) = drop_indexes(conn, DEFERRED_INDEXES.iter().chain(&MEMBER_ORDER)) {
            conn.pragma_update(None, "synchronous", synchronous)?;
            switch_journal(conn, "WAL")?;
            return Err(error);
        }
        let cache: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", IMPORT_CACHE)?;
        self.member_order_deferred.set(true);
        *self.members_with_events.borrow_mut() = histories_read.then(MemberSet::default);
        *self.held_rows.borrow_mut() = Some(HeldRows::default());
        Ok(Some(BulkLoad { synchronous, cache }))
    }

    /// Runs `import` as a bulk load when [`Ledger::start_bulk_load`] allows one (never for
    /// a dry run), and ends it however `import` ends; `import`'s own failure is the one
    /// reported.
    pub fn import_in_bulk<T>(
        &self,
        histories_read: bool,
        dry_run: bool,
        import: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let bulk = match dry_run {
            true => None,
            false => self.start_bulk_load(histories_read)?,
        };
        let outcome = import();
        if let Some(bulk) = bulk {
            let ended = self.end_bulk_load(bulk);
            if outcome.is_ok() {
                ended?;
            }
        }
        outcome
    }

    /// Builds [`MEMBER_ORDER`] if this import deferred it and it is not there yet: before
    /// anything reads a member's history or deals (without it, each such read is a scan
    /// of every event or enrolment). Looked for again each time until the import ends,
    /// since a batch rolled back takes an index built in it with it.
    pub(super) fn member_order(&self) -> Result<()> {
        if !self.member_order_deferred.get() {
            return Ok(());
        }
        // Read through the index from now on: the members written for are not needed.
        self.members_with_events.take();
        let Db::Sqlite(conn) = self.db() else {
            return Ok(());
        };
        for index in MEMBER_ORDER {
            build_index(conn, index)?;
        }
        Ok(())
    }

    /// Whether member `id` has no event in the ledger, known without reading it: the
    /// ledger had none when this first import began, and none has been written for them
    /// since. `false` when it is not known.
    pub(super) fn has_no_events(&self, id: &str) -> bool {
        self.members_with_events
            .borrow()
            .as_ref()
            // A member whose id shares a hash with one written for is read as if written
            // for: through the index, built then (`MemberSet`).
            .is_some_and(|written| !written.contains(id))
    }

    /// Notes that an event of member `id` was written, while [`Ledger::has_no_events`]
    /// answers from what was written.
    pub(super) fn events_written_for(&self, id: &str) {
        if let Some(written) = self.members_with_events.borrow_mut().as_mut() {
            written.insert(id);
        }
    }

    /// Puts the ledger back in WAL mode after [`Ledger::start_bulk_load`]. If the switch
    /// cannot be made (another connection opened the ledger meanwhile and is reading it),
    /// the ledger stays in rollback mode, which is as safe, until the next
    /// [`Ledger::open`] switches it.
    pub fn end_bulk_load(&self, bulk: BulkLoad) -> Result<()> {
        let Db::Sqlite(conn) = self.db() else {
            return Ok(());
        };
        // Every commit wrote what it held; a rolled back batch forgot it.
        self.held_rows.take();
        // Built while the file is still the import's alone, straight into it; if they
        // cannot be (a full disk), the ledger still goes back to WAL, and the next
        // `Ledger::open` tries again.
        // Sorted within a smaller page cache than the import's (see the module's notes).
        conn.pragma_update(None, "cache_size", SORTING_CACHE)?;
        let built = build_deferred_indexes(conn);
        conn.pragma_update(None, "cache_size", bulk.cache)?;
        self.member_order_deferred.set(false);
        self.members_with_events.take();
        conn.pragma_update(None, "synchronous", bulk.synchronous)?;
        // A refusal is not the import's failure: see above.
        switch_journal(conn, "WAL")?;
        built
    }

    /// Builds the [`DEFERRED_INDEXES`] an import killed in the middle left missing. Only
    /// on a ledger in WAL mode: one in rollback mode may be another process's import
    /// under way, which builds them at its end (and a killed one's ledger is switched back
    /// to WAL by [`Ledger::open`] before this).
    pub(super) fn build_indexes_an_import_left(&self) -> Result<()> {
        let Db::Sqlite(conn) = self.db() else {
            return Ok(());
        };
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("wal") {
            build_deferred_indexes(conn)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::store::LEDGER_CACHE;

    /// A new, migrated ledger in a folder of its own (kept while the folder is), and its
    /// path for other connections.
    fn new_ledger() -> (tempfile::TempDir, std::path::PathBuf, Ledger) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("club.sqlite");
        let ledger = Ledger::open(&path).expect("ledger");
        (dir, path, ledger)
    }

    fn journal_mode(ledger: &Ledger) -> String {
        let Db::Sqlite(conn) = ledger.db() else {
            panic!("a SQLite ledger");
        };
        conn.pragma_query_value(None, "journal_mode", |r| r.get(0))
            .expect("journal mode")
    }

    fn add_event(ledger: &Ledger) {
        let Db::Sqlite(conn) = ledger.db() else {
            panic!("a SQLite ledger");
        };
        conn.execute_batch(
            "INSERT INTO policy_versions (id, club, first_used, files, number) VALUES ('v', 'c', '2025-01-01T00:00:00Z', '{}', 1);
             INSERT INTO members (id, type, joined) VALUES ('m1', 'individual', '2025-01-01');
             INSERT INTO events (id, member, type, time, amount, fingerprint, policy)
             VALUES ('e1', 'm1', 'purchase', '2025-01-01T00:00:00Z', '1', 'f', 1);",
        )
        .expect("an event");
    }

    /// The ledger's indexes, by name, with the statements SQLite keeps for them.
    fn indexes(ledger: &Ledger) -> Vec<(String, String)> {
        let Db::Sqlite(conn) = ledger.db() else {
            panic!("a SQLite ledger");
        };
        let mut statement = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .expect("schema");
        statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("indexes")
            .collect::<std::result::Result<_, _>>()
            .expect("indexes")
    }

    fn deferred_names() -> Vec<&'static str> {
        DEFERRED_INDEXES.iter().map(|(name, _)| *name).collect()
    }

    /// `indexes` less the deferred ones, and [`MEMBER_ORDER`] with `member_order`.
    fn without_deferred(indexes: &[(String, String)], member_order: bool) -> Vec<(String, String)> {
        indexes
            .iter()
            .filter(|(name, _)| !deferred_names().contains(&name.as_str()))
            .filter(|(name, _)| !(member_order && MEMBER_ORDER.iter().any(|(n, _)| n == name)))
            .cloned()
            .collect()
    }

    #[test]
    fn the_console_indexes_are_dropped_for_a_first_import_and_built_again_as_migrated() {
        let (_dir, _, ledger) = new_ledger();
        let migrated = indexes(&ledger);
        for name in deferred_names() {
            assert!(migrated.iter().any(|(n, _)| n == name), "{name} migrated");
        }
        let bulk = ledger
            .start_bulk_load(true)
            .expect("start")
            .expect("switched");
        let during = indexes(&ledger);
        assert_eq!(during, without_deferred(&migrated, true));
        // What the import benchmark's write floor defers: exactly what the import dropped.
        let mut dropped: Vec<&str> = migrated
            .iter()
            .filter(|index| !during.contains(index))
            .map(|(name, _)| name.as_str())
            .collect();
        dropped.sort_unstable();
        let mut told: Vec<&str> = Ledger::indexes_deferred_by_first_import().collect();
        told.sort_unstable();
        assert_eq!(told, dropped);
        ledger.begin().expect("begin");
        add_event(&ledger);
        ledger.commit().expect("commit");
        ledger.end_bulk_load(bulk).expect("end");
        // The same statements as the migrations' (the query planner and `.schema` see a
        // ledger that never had an import).
        assert_eq!(indexes(&ledger), migrated);
        let Db::Sqlite(conn) = ledger.db() else {
            panic!("a SQLite ledger");
        };
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM members WHERE last_visit > '2025' AND last_visit <= '2026'",
                [],
                |r| r.get(3),
            )
            .expect("plan");
        assert!(plan.contains("members_last_visit"), "{plan}");
    }

    fn has_index(ledger: &Ledger, name: &str) -> bool {
        indexes(ledger).iter().any(|(n, _)| n == name)
    }

    #[test]
    fn a_club_that_reads_no_histories_defers_their_index_until_one_is_read() {
        let (_dir, _, ledger) = new_ledger();
        let migrated = indexes(&ledger);
        let [(member_order, _), (member_deals, _)] = MEMBER_ORDER;
        let bulk = ledger
            .start_bulk_load(false)
            .expect("start")
            .expect("switched");
        assert!(!has_index(&ledger, member_order));
        ledger.begin().expect("begin");
        add_event(&ledger);
        let state = crate::member::MemberState::new("m1", "individual", chrono::NaiveDate::MIN);
        let mut book = crate::decide::MemberBook::new(state, true);
        // As a book read back from the ledger is: neither its lots nor its history yet.
        book.is_new = false;
        book.lots_loaded = false;
        book.history = false;
        // Reading a member's lots (a spending) builds it, in the open batch...
        ledger.load_lots(&mut book).expect("lots");
        assert!(has_index(&ledger, member_order) && has_index(&ledger, member_deals));
        // ...which a rollback takes back: the next reader builds it again.
        ledger.rollback().expect("rollback");
        assert!(!has_index(&ledger, member_order) && !has_index(&ledger, member_deals));
        // So does reading a member's deals (a book read back from the ledger).
        ledger.begin().expect("begin");
        assert!(ledger.deal_statuses("m1").expect("deals").is_empty());
        assert!(has_index(&ledger, member_order) && has_index(&ledger, member_deals));
        ledger.rollback().expect("rollback");
        ledger.begin().expect("begin");
        add_event(&ledger);
        ledger.load_history(&mut book).expect("history");
        assert_eq!(book.events.len(), 1);
        assert!(has_index(&ledger, member_order));
        ledger.commit().expect("commit");
        ledger.end_bulk_load(bulk).expect("end");
        assert_eq!(indexes(&ledger), migrated);
    }

    /// A club that reads histories defers the index too: a member with no event written
    /// in the import is read without a history (the ledger had none), without building
    /// it; a member with one is read through it, built then; from then on every member
    /// is read through it. (`tests/pipeline.rs` checks that recording notes every event's
    /// member, against the ledger an import that is never in bulk writes.)
    #[test]
    fn a_club_that_reads_histories_reads_none_for_members_with_no_event_yet() {
        let (_dir, _, ledger) = new_ledger();
        let migrated = indexes(&ledger);
        let [(member_order, _), (member_deals, _)] = MEMBER_ORDER;
        let needs = crate::decide::BookNeeds::all();
        let bulk = ledger
            .start_bulk_load(true)
            .expect("start")
            .expect("switched");
        assert!(!has_index(&ledger, member_order));
        ledger.begin().expect("begin");
        add_event(&ledger);
        ledger.events_written_for("m1");
        let Db::Sqlite(conn) = ledger.db() else {
            panic!("a SQLite ledger");
        };
        conn.execute_batch(
            "INSERT INTO members (id, type, joined) VALUES ('m2', 'individual', '2025-01-01');
             INSERT INTO deal_enrollments (seq, member, deal, event, enrolled_at, starts_at, periods, next_checkpoint)
             VALUES (1, 'm1', 'monthly', 'e1', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', 3, '2025-02-01T00:00:00Z');",
        )
        .expect("a member, and the deal m1's event joined");
        let read = |id: &str| {
            ledger
                .load_book(id, needs)
                .expect("read")
                .expect("a member")
        };
        let unwritten = read("m2");
        assert!(unwritten.history && unwritten.lots_loaded && unwritten.events.is_empty());
        assert!(unwritten.state.deals.is_empty());
        assert!(!has_index(&ledger, member_order) && !has_index(&ledger, member_deals));
        let written = read("m1");
        assert_eq!(written.events.len(), 1);
        assert_eq!(written.state.deals.len(), 1);
        assert!(has_index(&ledger, member_order) && has_index(&ledger, member_deals));
        assert!(
            !ledger.has_no_events("m2"),
            "read through the index from now on"
        );
        ledger.commit().expect("commit");
        ledger.end_bulk_load(bulk).expect("end");
        assert_eq!(indexes(&ledger), migrated);
    }

    #[test]
    fn an_import_killed_midway_leaves_the_indexes_to_the_next_open() {
        let (_dir, path, ledger) = new_ledger();
        let migrated = indexes(&ledger);
        let bulk = ledger
            .start_bulk_load(false)
            .expect("start")
            .expect("switched");
        ledger.begin().expect("begin");
        add_event(&ledger);
        ledger.commit().expect("commit");
        // Killed: neither the journal nor the indexes put back.
        drop(bulk);
        drop(ledger);
        // Another process's import under way (the ledger in rollback mode, held by an
        // open connection): an opener leaves its indexes to it.
        let importer = Connection::open(&path).expect("the importer");
        importer
            .execute_batch("BEGIN IMMEDIATE")
            .expect("the importer writes");
        let meanwhile = Ledger::open(&path).expect("opened meanwhile");
        assert_eq!(journal_mode(&meanwhile), "delete");
        assert_eq!(indexes(&meanwhile), without_deferred(&migrated, true));
        drop(meanwhile);
        importer.execute_batch("ROLLBACK").expect("rollback");
        drop(importer);
        // Nothing else has it open: switched back to WAL, indexes built.
        let again = Ledger::open(&path).expect("opened again");
        assert_eq!(journal_mode(&again), "wal");
        assert_eq!(indexes(&again), migrated);
        assert_eq!(again.counts().expect("counts").1, 1);
    }

    #[test]
    fn a_ledger_with_no_events_and_no_other_connection_is_written_directly_then_back_to_wal() {
        let (_dir, path, ledger) = new_ledger();
        let cache_size = |ledger: &Ledger| -> i64 {
            let Db::Sqlite(conn) = ledger.db() else {
                panic!("a SQLite ledger")
            };
            conn.pragma_query_value(None, "cache_size", |r| r.get(0))
                .expect("cache_size")
        };
        assert_eq!(journal_mode(&ledger), "wal");
        assert_eq!(cache_size(&ledger), LEDGER_CACHE);
        let bulk = ledger
            .start_bulk_load(true)
            .expect("start")
            .expect("switched");
        assert_eq!(journal_mode(&ledger), "delete");
        // Part of the page cache goes to the members' rows held back meanwhile.
        assert_eq!(cache_size(&ledger), IMPORT_CACHE);
        ledger.begin().expect("begin");
        add_event(&ledger);
        ledger.commit().expect("commit");
        ledger.end_bulk_load(bulk).expect("end");
        assert_eq!(journal_mode(&ledger), "wal");
        assert_eq!(cache_size(&ledger), LEDGER_CACHE);
        drop(ledger);
        // What was written is there for the next opener, in WAL mode.
        let again = Ledger::open(&path).expect("opened again");
        assert_eq!(journal_mode(&again), "wal");
        assert_eq!(again.counts().expect("counts").1, 1);
        // Now it holds an event: the next import goes through the log.
        assert!(again.start_bulk_load(true).expect("asked").is_none());
        assert_eq!(journal_mode(&again), "wal");
    }

    #[test]
    fn another_connection_a_transaction_or_a_ledger_in_memory_keeps_the_log() {
        let (_dir, path, ledger) = new_ledger();
        // The host process holding the ledger open, idle or in the middle of a write:
        // refused at once, not after the ledger's busy wait (10 s).
        let other = Ledger::open(&path).expect("a second connection");
        assert!(ledger.start_bulk_load(true).expect("asked").is_none());
        other.begin().expect("the other connection writes");
        let asked = std::time::Instant::now();
        assert!(ledger.start_bulk_load(true).expect("asked").is_none());
        assert!(asked.elapsed() < std::time::Duration::from_secs(2));
        other.rollback().expect("rollback");
        assert_eq!(journal_mode(&ledger), "wal");
        drop(other);
        ledger.begin().expect("begin");
        assert!(ledger.start_bulk_load(true).expect("asked").is_none());
        ledger.rollback().expect("rollback");
        let memory = Ledger::open_in_memory().expect("in memory");
        assert!(memory.start_bulk_load(true).expect("asked").is_none());
        // And once nothing stands in the way, it switches.
        let bulk = ledger
            .start_bulk_load(true)
            .expect("start")
            .expect("switched");
        ledger.end_bulk_load(bulk).expect("end");
        assert_eq!(journal_mode(&ledger), "wal");
    }
}

#[cfg(test)]
mod held_rows_tests {
    use super::*;
    use crate::decide::MemberBook;
    use crate::member::MemberState;
    use rust_decimal::Decimal;

    fn balance(ledger: &Ledger, id: &str) -> String {
        let Db::Sqlite(conn) = ledger.db() else {
            panic!("a SQLite ledger");
        };
        conn.query_row("SELECT balance FROM members WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("a member's row")
    }

    fn book(id: &str, points: i64) -> MemberBook {
        let joined = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
        let mut state = MemberState::new(id, "individual", joined);
        state.balance = Decimal::from(points);
        let mut book = MemberBook::new(state, true);
        book.is_new = false;
        book
    }

    /// A first import holds members' totals back; whatever reads a member's row, commits
    /// or undoes sees what writing each at once would have left.
    #[test]
    fn members_totals_held_back_are_written_before_reads_profiles_and_commits() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ledger = Ledger::open(&dir.path().join("club.sqlite")).expect("ledger");
        let Db::Sqlite(conn) = ledger.db() else {
            panic!("a SQLite ledger");
        };
        conn.execute_batch(
            "INSERT INTO members (id, type, joined) VALUES ('m1', 'individual', '2025-01-01'), ('m2', 'individual', '2025-01-01');",
        )
        .expect("members");
        let bulk = ledger
            .start_bulk_load(false)
            .expect("bulk")
            .expect("a bulk load");

        ledger.begin().expect("begin");
        ledger.save_book(&book("m1", 10)).expect("held");
        assert_eq!(balance(&ledger, "m1"), "0", "held, not written yet");
        let read = ledger.member_state("m1").expect("read").expect("m1");
        assert_eq!(read.balance, Decimal::from(10), "a read sees what is held");
        assert_eq!(balance(&ledger, "m1"), "0", "and leaves it held");
        // Read back as written and read again: no trailing zeros, times to the second.
        let mut exact = book("m1", 0);
        exact.state.balance = Decimal::new(250, 2);
        exact.state.stats.last_visit = chrono::DateTime::from_timestamp(1_750_000_000, 500_000_000);
        ledger.save_book(&exact).expect("held");
        let read = ledger.member_state("m1").expect("read").expect("m1");
        assert_eq!(read.balance.to_string(), "2.5");
        assert_eq!(
            read.stats.last_visit,
            chrono::DateTime::from_timestamp(1_750_000_000, 0)
        );
        ledger.save_book(&book("m1", 10)).expect("held");
        // What reads many members' rows has them written first.
        ledger.members_with_something_due(true).expect("due");
        assert_eq!(balance(&ledger, "m1"), "10");

        // Undone with its transaction.
        ledger.save_book(&book("m2", 5)).expect("held");
        ledger.rollback().expect("rollback");
        assert_eq!(balance(&ledger, "m2"), "0");
        assert_eq!(balance(&ledger, "m1"), "0");

        ledger.begin().expect("begin");
        ledger.save_book(&book("m1", 20)).expect("held");
        ledger.save_book(&book("m2", 7)).expect("held");
        // A profile held goes with the member's later totals.
        let mut profile = book("m1", 25);
        profile.profile_changed = true;
        profile.state.member_type = "business".to_owned();
        ledger.save_book(&profile).expect("profile");
        let mut later = book("m1", 26);
        later.state.member_type = "business".to_owned();
        ledger.save_book(&later).expect("held");
        ledger.save_book(&book("m2", 8)).expect("held again");
        assert_eq!(balance(&ledger, "m1"), "0", "held, not written yet");
        let read = ledger.member_state("m1").expect("read").expect("m1");
        assert_eq!(
            (read.balance, read.member_type.as_str()),
            (Decimal::from(26), "business"),
            "read back with the profile held before"
        );
        ledger.commit().expect("commit");
        assert_eq!(balance(&ledger, "m1"), "26");
        assert_eq!(balance(&ledger, "m2"), "8", "a member's last row held");
        let m1 = ledger.member_state("m1").expect("read").expect("m1");
        assert_eq!(m1.member_type, "business");

        // A new member's row is written at once.
        ledger.begin().expect("begin");
        let mut new = book("m3", 4);
        new.is_new = true;
        ledger.save_book(&new).expect("inserted");
        assert_eq!(balance(&ledger, "m3"), "4");
        ledger.commit().expect("commit");

        ledger.end_bulk_load(bulk).expect("end");
        // Past the import, rows are written at once.
        ledger.begin().expect("begin");
        ledger.save_book(&book("m2", 9)).expect("written");
        assert_eq!(balance(&ledger, "m2"), "9");
        ledger.commit().expect("commit");
    }
}
