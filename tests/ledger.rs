//! The ledger's promises on real volumes: importing the same file twice changes nothing,
//! and an import killed half-way and run again ends with the uninterrupted ledger.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bashgah::import::{import_events, read_rows, FileFormat, ImportOptions, EVENT_COLUMNS};
use bashgah::ledger::Ledger;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};

const CLUB_YAML: &str = "\
id: shop
name: Corner Shop
currency: EUR
timezone: Europe/Berlin
rules:
  - id: base
    function: base_points
    description: 1 point per 10
  - id: loyal
    function: loyal_bonus
    description: 5 extra from the 10th visit in 90 days
";

const CLUB_RHAI: &str = "\
fn base_points(event, member) { event.amount / 10 }
fn loyal_bonus(event, member) { if member.stats.visits_90d >= 9 { 5 } }
";

/// `n` purchases by 2,000 members over 2025, with some returns, deterministic.
fn purchases(n: usize) -> String {
    let mut csv = String::from("id,member,date,amount,type,original,store\n");
    let mut seed: u64 = 42;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    for i in 0..n {
        let member = next() % 2000;
        let day = 1 + i * 364 / n;
        let date = chrono::NaiveDate::from_yo_opt(2025, day as u32).unwrap();
        let amount = 5 + next() % 500;
        if i % 50 == 49 {
            // A return of part of the purchase just before it (same member).
            writeln!(
                csv,
                "R{i},M{prev},{date} 18:00,1,return,P{},s1",
                i - 1,
                prev = last_member(&csv)
            )
            .unwrap();
        } else {
            writeln!(
                csv,
                "P{i},M{member},{date} {:02}:{:02},{amount}.{:02},purchase,,s{}",
                8 + i % 12,
                i % 60,
                i % 100,
                i % 3
            )
            .unwrap();
        }
    }
    csv
}

fn last_member(csv: &str) -> String {
    let line = csv.lines().last().unwrap();
    line.split(',')
        .nth(1)
        .unwrap()
        .trim_start_matches('M')
        .to_owned()
}

fn club(dir: &Path) -> Policy {
    let club = dir.join("policies/shop");
    std::fs::create_dir_all(&club).unwrap();
    std::fs::write(club.join("club.yaml"), CLUB_YAML).unwrap();
    std::fs::write(club.join("earn.rhai"), CLUB_RHAI).unwrap();
    load_club(&club)
}

fn load_club(club: &Path) -> Policy {
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    Policy::load(club, &engine).unwrap().0
}

/// The rows of the purchases file `file`.
fn rows_of(file: &Path) -> bashgah::import::Rows {
    read_rows(
        std::fs::File::open(file).unwrap(),
        FileFormat::Csv,
        "purchases.csv",
        &EVENT_COLUMNS,
    )
    .unwrap()
}

fn import(ledger: &Ledger, policy: &Policy, file: &Path) -> bashgah::import::ImportReport {
    import_events(ledger, policy, rows_of(file), ImportOptions::default()).unwrap()
}

#[test]
fn importing_70_000_purchases_twice_changes_nothing_the_second_time() {
    let dir = crate::scratch();
    let policy = club(dir.path());
    let file = dir.path().join("purchases.csv");
    std::fs::write(&file, purchases(70_000)).unwrap();
    let ledger = Ledger::open(&dir.path().join("shop.sqlite")).unwrap();

    let first = import(&ledger, &policy, &file);
    assert_eq!(
        (first.accepted, first.rejected, first.conflicts),
        (70_000, 0, 0),
        "{:?}",
        first.problems.first()
    );
    let after_first = ledger.dump().unwrap();

    let second = import(&ledger, &policy, &file);
    assert_eq!(
        (second.accepted, second.duplicates, second.rejected),
        (0, 70_000, 0)
    );
    assert_eq!(ledger.dump().unwrap(), after_first);

    // Every balance is the sum of the member's entries.
    for (member, balance) in ledger.top_members(usize::MAX).unwrap() {
        assert_eq!(
            balance,
            ledger.sum_of_entries(&member).unwrap(),
            "member {member}"
        );
    }
    let (members, events, entries) = ledger.counts().unwrap();
    assert_eq!((members, events), (2000, 70_000));
    assert!(
        entries > 70_000,
        "the loyalty bonus and returns add entries: {entries}"
    );
}

#[test]
fn an_import_killed_half_way_and_run_again_gives_the_same_ledger() {
    let dir = crate::scratch();
    let policy = club(dir.path());
    let file = dir.path().join("purchases.csv");
    std::fs::write(&file, purchases(70_000)).unwrap();

    let reference = Ledger::open(&dir.path().join("reference.sqlite")).unwrap();
    import(&reference, &policy, &file);

    let db = dir.path().join("killed.sqlite");
    let command = || {
        let mut command = crate::bashgah_command();
        command
            .current_dir(dir.path())
            .args([
                "import",
                "shop",
                "purchases.csv",
                "--batch-size",
                "500",
                "--db",
            ])
            .arg(&db);
        command
    };
    let mut child = command().spawn().unwrap();
    // Kill it once some batches are committed but (almost surely) before the end.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut committed = 0;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        // A plain read-only connection: WAL readers never wait for the writer (opening a
        // `Ledger` would, since it checks the schema with a write).
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
        if let Ok(reader) = rusqlite::Connection::open_with_flags(&db, flags) {
            committed = reader
                .query_row("SELECT COUNT(*) FROM events", [], |r| r.get::<_, i64>(0))
                .unwrap_or(0);
            if committed >= 2_000 {
                break;
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(committed >= 2_000, "the import never committed a batch");
    let partial = Ledger::open(&db).unwrap().counts().unwrap().1;
    assert!(
        partial < 70_000,
        "the import finished before it could be killed"
    );
    assert_eq!(
        partial % 500,
        0,
        "only whole batches are committed: {partial}"
    );

    let rerun = command().output().unwrap();
    assert_eq!(
        rerun.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    assert_eq!(
        Ledger::open(&db).unwrap().dump().unwrap(),
        reference.dump().unwrap()
    );
}

#[test]
fn ledger_entries_cannot_be_changed_or_deleted() {
    let dir = crate::scratch();
    let policy = club(dir.path());
    let file = dir.path().join("purchases.csv");
    std::fs::write(&file, purchases(10)).unwrap();
    let path = dir.path().join("shop.sqlite");
    import(&Ledger::open(&path).unwrap(), &policy, &file);
    let raw = rusqlite::Connection::open(&path).unwrap();
    let update = raw
        .execute("UPDATE ledger SET points = '1000000'", [])
        .unwrap_err();
    assert!(
        update.to_string().contains("the ledger is append-only"),
        "{update}"
    );
    let delete = raw.execute("DELETE FROM ledger", []).unwrap_err();
    assert!(
        delete.to_string().contains("the ledger is append-only"),
        "{delete}"
    );
    let version: String = raw
        .query_row(
            "SELECT p.id FROM ledger l JOIN policy_versions p ON p.number = l.policy LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, policy.id);
    let stored: String = raw
        .query_row(
            "SELECT files FROM policy_versions WHERE id = ?1",
            [&policy.id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        stored.contains("fn loyal_bonus(event, member)"),
        "policy files are stored verbatim"
    );
}

/// The same purchases give the same ledger in PostgreSQL as in SQLite, row for row, and a
/// second import changes nothing there either (issue 15).
#[test]
fn postgres_holds_the_same_ledger_as_sqlite() {
    let Some(pg) = crate::pg::PgLedger::fresh("same") else {
        return;
    };
    let dir = crate::scratch();
    let policy = club(dir.path());
    let file = dir.path().join("purchases.csv");
    std::fs::write(&file, purchases(3_000)).unwrap();
    let sqlite = Ledger::open(&dir.path().join("shop.sqlite")).unwrap();
    let in_sqlite = import(&sqlite, &policy, &file);
    let in_postgres = import(&pg, &policy, &file);
    assert_eq!(
        (
            in_postgres.accepted,
            in_postgres.rejected,
            in_postgres.conflicts
        ),
        (in_sqlite.accepted, in_sqlite.rejected, in_sqlite.conflicts),
        "{:?}",
        in_postgres.problems.first()
    );
    assert_eq!(in_postgres.accepted, 3_000);
    let dump = sqlite.dump().unwrap();
    assert!(dump.lines().count() > 6_000, "{}", dump.lines().count());
    assert_eq!(pg.dump().unwrap(), dump);
    // What migrate compares: the dump's SHA-256, streamed, the same from either store.
    let digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(dump.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert_eq!(sqlite.dump_digest().unwrap(), digest);
    assert_eq!(pg.dump_digest().unwrap(), digest);

    let again = import(&pg, &policy, &file);
    assert_eq!((again.accepted, again.duplicates), (0, 3_000));
    assert_eq!(pg.dump().unwrap(), dump);
    for (member, balance) in pg.top_members(usize::MAX).unwrap() {
        assert_eq!(balance, pg.sum_of_entries(&member).unwrap(), "{member}");
    }
}

/// PostgreSQL refuses to change or delete entries and credit, as SQLite's triggers do.
#[test]
fn postgres_entries_cannot_be_changed_deleted_or_truncated() {
    let Some(pg) = crate::pg::PgLedger::fresh("append") else {
        return;
    };
    let dir = crate::scratch();
    let policy = club(dir.path());
    let file = dir.path().join("purchases.csv");
    std::fs::write(&file, purchases(10)).unwrap();
    import(&pg, &policy, &file);
    let mut raw = pg.raw();
    for statement in [
        "UPDATE ledger SET points = '1000000'",
        "DELETE FROM ledger",
        "TRUNCATE ledger",
    ] {
        let error = raw.batch_execute(statement).unwrap_err();
        let message = error.as_db_error().map(|e| e.message().to_owned());
        assert_eq!(
            message.as_deref(),
            Some("the ledger is append-only"),
            "{statement}: {error}"
        );
    }
    raw.batch_execute(
        "INSERT INTO credit (member, event, time, amount, reason) VALUES ('M1', 'E1', '', '5', 'test')",
    )
    .unwrap();
    for statement in ["UPDATE credit SET amount = '9'", "DELETE FROM credit"] {
        let error = raw.batch_execute(statement).unwrap_err();
        let message = error.as_db_error().map(|e| e.message().to_owned());
        assert_eq!(
            message.as_deref(),
            Some("the credit wallet is append-only"),
            "{statement}: {error}"
        );
    }
    let stored: String = raw
        .query_one(
            "SELECT files FROM policy_versions WHERE id = $1",
            &[&policy.id],
        )
        .unwrap()
        .get(0);
    assert!(stored.contains("fn loyal_bonus(event, member)"));
    let latest = Ledger::open_in_memory().unwrap().schema_version().unwrap();
    assert_eq!(pg.schema_version().unwrap(), latest);
}

/// A ledger on PostgreSQL dropped in the middle of a transaction, holding the club's
/// clock, hands neither on: its pooled connection is closed, not lent to the next ledger.
#[test]
fn postgres_a_ledger_dropped_mid_transaction_hands_on_no_lock() {
    let Some(url) = crate::pg::url() else {
        return;
    };
    let club = crate::pg::unique("dropped");
    let first = Ledger::open_postgres(&url, &club).unwrap();
    first.begin().unwrap();
    assert!(first.lead_clock().unwrap());
    drop(first);
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    // The server lets a closed connection's locks go when its backend sees the socket
    // close, a moment after the client dropped it (on a loaded machine, after this
    // test's next statement): asked again for up to 10 s. A connection handed on to the
    // pool instead would hold the lock for good.
    let clock_taken = (0..200).any(|_| {
        let taken: bool = raw
            .query_one(
                "SELECT pg_try_advisory_lock(hashtext('bashgah clock'), hashtext($1))",
                &[&club],
            )
            .unwrap()
            .get(0);
        if !taken {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        taken
    });
    assert!(clock_taken, "the dropped ledger's clock lock is released");
    raw.batch_execute("BEGIN").unwrap();
    let writer_lock: bool = raw
        .query_one(
            "SELECT pg_try_advisory_xact_lock(hashtext('bashgah club'), hashtext($1))",
            &[&club],
        )
        .unwrap()
        .get(0);
    assert!(writer_lock, "the dropped ledger's transaction is gone");
    raw.batch_execute("ROLLBACK").unwrap();
    // Whichever connection the pool lends next, it does not hold the clock `raw` now holds.
    let next = Ledger::open_postgres(&url, &club).unwrap();
    assert!(!next.lead_clock().unwrap());
    drop(next);
    raw.batch_execute(&format!("DROP SCHEMA \"club_{club}\" CASCADE"))
        .unwrap();
}

/// Imports `file` into `ledger` and says whether the ledger's write-ahead log was on disk
/// while the rows were being read (checked as the 100th row is handed over, once the
/// import has started).
fn import_watching_the_log(ledger: &Ledger, policy: &Policy, file: &Path, db: &Path) -> bool {
    let rows = rows_of(file);
    let wal = db.with_extension("sqlite-wal");
    let seen = std::sync::Mutex::new(None);
    let rows = rows.enumerate().map(|(index, row)| {
        if index == 100 {
            *seen.lock().unwrap() = Some(wal.exists());
        }
        row
    });
    import_events(ledger, policy, rows, ImportOptions::default()).unwrap();
    let seen = seen.lock().unwrap().expect("the 100th row was read");
    seen
}

#[test]
fn a_new_ledgers_first_import_writes_the_file_itself_and_leaves_it_in_wal_mode() {
    let dir = crate::scratch();
    let policy = club(dir.path());
    let file = dir.path().join("purchases.csv");
    std::fs::write(&file, purchases(2_000)).unwrap();
    let db = dir.path().join("shop.sqlite");
    let ledger = Ledger::open(&db).unwrap();
    assert!(
        !import_watching_the_log(&ledger, &policy, &file, &db),
        "the first import into an empty ledger went through the write-ahead log"
    );
    let journal = |path: &Path| -> String {
        rusqlite::Connection::open(path)
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(journal(&db), "wal");
    let first = ledger.dump().unwrap();
    // The ledger now has events: the same file again goes through the log, and changes
    // nothing.
    assert!(import_watching_the_log(&ledger, &policy, &file, &db));
    assert_eq!(ledger.dump().unwrap(), first);
    // The same file into a ledger that another connection holds open (the host
    // process): through the log, to the same ledger.
    let other_db = dir.path().join("held.sqlite");
    let held = Ledger::open(&other_db).unwrap();
    let holder = Ledger::open(&other_db).unwrap();
    assert!(import_watching_the_log(&held, &policy, &file, &other_db));
    drop(holder);
    assert_eq!(held.dump().unwrap(), first);
    assert_eq!(journal(&other_db), "wal");
}

/// Purchases, then returns of some of them in a second file: what the two tests of
/// migration 22 below import before it and after it.
fn before_and_after_files(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let first = dir.join("first.csv");
    std::fs::write(
        &first,
        "id,member,date,amount,type,original,store\n\
         P1,M1,2025-03-01 10:00,120,purchase,,s1\n\
         P2,M2,2025-03-02 10:00,300,purchase,,s2\n\
         P3,M1,2025-03-03 10:00,80,purchase,,s1\n\
         P4,M2,2025-03-04 10:00,45,purchase,,s2\n",
    )
    .unwrap();
    // Returns of purchases the first file wrote: their lots are found by event.
    let second = dir.join("second.csv");
    std::fs::write(
        &second,
        "id,member,date,amount,type,original,store\n\
         R1,M1,2025-04-01 10:00,120,return,P1,s1\n\
         P5,M2,2025-04-02 10:00,200,purchase,,s2\n\
         R2,M2,2025-04-03 10:00,100,return,P2,s2\n",
    )
    .unwrap();
    (first, second)
}

type ReadBack = (
    Vec<bashgah::ledger::StatementLine>,
    Vec<bashgah::ledger::StatementLine>,
    Vec<bashgah::ledger::Lot>,
    Vec<bashgah::ledger::Lot>,
    rust_decimal::Decimal,
    String,
);

/// What is read of a ledger by event: statements, open lots, one event's points, the dump.
fn read_back(ledger: &Ledger) -> ReadBack {
    (
        ledger.statement("M1").unwrap(),
        ledger.statement("M2").unwrap(),
        ledger.open_lots("M1").unwrap(),
        ledger.open_lots("M2").unwrap(),
        ledger.sum_of_event("P2").unwrap(),
        ledger.dump().unwrap(),
    )
}

/// Undoes migration 22, as the previous build left a ledger: no row numbers, the indexes
/// on event ids (the same SQL in both stores). Run after undoing migration 23, which came
/// later.
const BEFORE_MIGRATION_22: &str = "DROP INDEX ledger_event_seq;
     DROP INDEX lots_event_seq;
     ALTER TABLE ledger DROP COLUMN event_seq;
     ALTER TABLE lots DROP COLUMN event_seq;
     CREATE INDEX ledger_event ON ledger(event);
     CREATE INDEX lots_event ON lots(event);
     DELETE FROM schema_migrations WHERE version = 22;";

/// A ledger written before migration 22 (entries and lots found by their event's id)
/// is the same ledger after it: every entry and lot gets its event's row number, and what
/// is read and written afterwards is what a ledger made by this build gives.
#[test]
fn a_ledger_from_before_event_row_numbers_reads_and_goes_on_as_a_new_one() {
    let dir = crate::scratch();
    let policy = club(dir.path());
    let (first, second) = before_and_after_files(dir.path());
    let fresh = Ledger::open(&dir.path().join("fresh.sqlite")).unwrap();
    import(&fresh, &policy, &first);
    let old_db = dir.path().join("old.sqlite");
    let old = Ledger::open(&old_db).unwrap();
    import(&old, &policy, &first);
    let before = read_back(&old);
    assert_eq!(before.4, rust_decimal::Decimal::from(30), "P2's points");
    drop(old);
    rusqlite::Connection::open(&old_db)
        .unwrap()
        .execute_batch(&format!(
            "{BEFORE_MIGRATION_23_SQLITE}\n{BEFORE_MIGRATION_22}"
        ))
        .unwrap();

    let migrated = Ledger::open(&old_db).unwrap();
    assert_eq!(read_back(&migrated), before, "read after the migration");
    import(&migrated, &policy, &second);
    import(&fresh, &policy, &second);
    assert_eq!(read_back(&migrated), read_back(&fresh), "written after it");
    assert_eq!(
        migrated.sum_of_event("R1").unwrap(),
        rust_decimal::Decimal::from(-12),
        "R1 took back P1's points, found by event"
    );
}

/// The same on PostgreSQL, where the append-only trigger is set aside for the backfill.
#[test]
fn postgres_a_ledger_from_before_event_row_numbers_reads_and_goes_on_as_a_new_one() {
    let Some(pg) = crate::pg::PgLedger::fresh("before22") else {
        return;
    };
    let dir = crate::scratch();
    let policy = club(dir.path());
    let (first, second) = before_and_after_files(dir.path());
    let fresh = Ledger::open(&dir.path().join("fresh.sqlite")).unwrap();
    import(&fresh, &policy, &first);
    import(&pg, &policy, &first);
    let before = read_back(&pg);
    assert_eq!(read_back(&fresh), before);
    pg.raw()
        .batch_execute(&format!(
            "{BEFORE_MIGRATION_23_POSTGRES}\n{BEFORE_MIGRATION_22}"
        ))
        .unwrap();

    let migrated = pg.open_again();
    assert_eq!(read_back(&migrated), before, "read after the migration");
    import(&migrated, &policy, &second);
    import(&fresh, &policy, &second);
    assert_eq!(read_back(&migrated), read_back(&fresh), "written after it");
    // Still append-only once the trigger is back.
    let update = pg.raw().batch_execute("UPDATE ledger SET points = '0'");
    assert!(
        update.is_err(),
        "the ledger took an update after migration 22"
    );
}

/// Undoes migration 23 on SQLite, as the previous build left a ledger: events and entries
/// naming their policy version by its id, `policy_versions` without numbers.
const BEFORE_MIGRATION_23_SQLITE: &str = "DROP TRIGGER ledger_is_append_only_update;
     ALTER TABLE events ADD COLUMN policy_version TEXT NOT NULL DEFAULT '';
     UPDATE events SET policy_version = (SELECT id FROM policy_versions WHERE number = events.policy);
     ALTER TABLE events DROP COLUMN policy;
     ALTER TABLE ledger ADD COLUMN policy_version TEXT NOT NULL DEFAULT '';
     UPDATE ledger SET policy_version = (SELECT id FROM policy_versions WHERE number = ledger.policy);
     ALTER TABLE ledger DROP COLUMN policy;
     CREATE TRIGGER ledger_is_append_only_update BEFORE UPDATE ON ledger
         BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
     DROP INDEX policy_versions_number;
     ALTER TABLE policy_versions DROP COLUMN number;
     DELETE FROM schema_migrations WHERE version = 23;";

/// [`BEFORE_MIGRATION_23_SQLITE`] on PostgreSQL.
const BEFORE_MIGRATION_23_POSTGRES: &str = "ALTER TABLE events ADD COLUMN policy_version TEXT COLLATE \"C\";
     UPDATE events SET policy_version = (SELECT id FROM policy_versions WHERE number = events.policy);
     ALTER TABLE events DROP COLUMN policy;
     ALTER TABLE ledger ADD COLUMN policy_version TEXT COLLATE \"C\";
     ALTER TABLE ledger DISABLE TRIGGER ledger_is_append_only;
     UPDATE ledger SET policy_version = (SELECT id FROM policy_versions WHERE number = ledger.policy);
     ALTER TABLE ledger ENABLE TRIGGER ledger_is_append_only;
     ALTER TABLE ledger DROP COLUMN policy;
     DROP INDEX policy_versions_number;
     ALTER TABLE policy_versions DROP COLUMN number;
     DELETE FROM schema_migrations WHERE version = 23;";

/// The shop club again with its script changed (a comment): another policy version.
fn club_changed(dir: &Path) -> Policy {
    let club = dir.join("policies/shop");
    std::fs::write(
        club.join("earn.rhai"),
        format!("{CLUB_RHAI}\n// changed: another version\n"),
    )
    .unwrap();
    load_club(&club)
}

/// Purchases and a return after [`before_and_after_files`]'s, under the first version
/// again (which the ledger already numbered).
fn third_file(dir: &Path) -> std::path::PathBuf {
    let third = dir.join("third.csv");
    std::fs::write(
        &third,
        "id,member,date,amount,type,original,store\n\
         P6,M1,2025-05-01 10:00,500,purchase,,s1\n\
         R3,M1,2025-05-02 10:00,80,return,P3,s1\n",
    )
    .unwrap();
    third
}

/// The ids of the versions the entries of `ledger` were decided under, oldest entry first.
fn entry_versions(ledger: &Ledger) -> Vec<String> {
    ledger
        .statement("M1")
        .unwrap()
        .into_iter()
        .map(|line| line.policy_version)
        .collect()
}

/// A ledger written before migration 23 (events and entries naming their policy version
/// by its 64-character id) is the same ledger after it, with two versions, one of whose
/// entries a later version reverses; and what is written afterwards, under either version,
/// is what a ledger made by this build gives.
#[test]
fn a_ledger_from_before_policy_numbers_reads_and_goes_on_as_a_new_one() {
    let dir = crate::scratch();
    let first_policy = club(dir.path());
    let (first, second) = before_and_after_files(dir.path());
    let second_policy = club_changed(dir.path());
    assert_ne!(first_policy.id, second_policy.id);
    let fresh = Ledger::open(&dir.path().join("fresh.sqlite")).unwrap();
    let old_db = dir.path().join("old.sqlite");
    let old = Ledger::open(&old_db).unwrap();
    for ledger in [&fresh, &old] {
        import(ledger, &first_policy, &first);
        import(ledger, &second_policy, &second);
    }
    let before = read_back(&old);
    // M1's purchases under the first version, R1's reversal of P1 under it too (an
    // entry taken back keeps the version that gave it).
    assert!(entry_versions(&old).contains(&first_policy.id));
    drop(old);
    rusqlite::Connection::open(&old_db)
        .unwrap()
        .execute_batch(BEFORE_MIGRATION_23_SQLITE)
        .unwrap();

    let migrated = Ledger::open(&old_db).unwrap();
    assert_eq!(read_back(&migrated), before, "read after the migration");
    let third = third_file(dir.path());
    import(&migrated, &first_policy, &third);
    import(&fresh, &first_policy, &third);
    assert_eq!(read_back(&migrated), read_back(&fresh), "written after it");
    let numbers: Vec<(String, i64)> = rusqlite::Connection::open(&old_db)
        .unwrap()
        .prepare("SELECT id, number FROM policy_versions ORDER BY number")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        numbers,
        vec![(first_policy.id.clone(), 1), (second_policy.id.clone(), 2)]
    );
}

/// The same on PostgreSQL, where the append-only trigger is set aside for the backfill.
#[test]
fn postgres_a_ledger_from_before_policy_numbers_reads_and_goes_on_as_a_new_one() {
    let Some(pg) = crate::pg::PgLedger::fresh("before23") else {
        return;
    };
    let dir = crate::scratch();
    let first_policy = club(dir.path());
    let (first, second) = before_and_after_files(dir.path());
    let second_policy = club_changed(dir.path());
    let fresh = Ledger::open(&dir.path().join("fresh.sqlite")).unwrap();
    for ledger in [&fresh, &*pg] {
        import(ledger, &first_policy, &first);
        import(ledger, &second_policy, &second);
    }
    let before = read_back(&pg);
    assert_eq!(read_back(&fresh), before);
    pg.raw()
        .batch_execute(BEFORE_MIGRATION_23_POSTGRES)
        .unwrap();

    let migrated = pg.open_again();
    assert_eq!(read_back(&migrated), before, "read after the migration");
    let third = third_file(dir.path());
    import(&migrated, &first_policy, &third);
    import(&fresh, &first_policy, &third);
    assert_eq!(read_back(&migrated), read_back(&fresh), "written after it");
    let update = pg.raw().batch_execute("UPDATE ledger SET points = '0'");
    assert!(
        update.is_err(),
        "the ledger took an update after migration 23"
    );
}
