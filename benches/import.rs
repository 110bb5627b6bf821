//! Import throughput, measured beside two peers on the same rows, in the same run:
//!
//! - **baseline**: plain rusqlite inserts of the rows into one table;
//! - **SQL peer**: the same inserts, then one `INSERT … SELECT` per rule computing the
//!   three-rule club's points in SQL (what a database administrator would write); its
//!   points total is checked against the rules';
//! - **bashgah, 3-rule club** (`benches/club/`): the real import (read, check and
//!   fingerprint each row, skip duplicates, three Rhai rules, events, entries, lots and
//!   members written), its points total checked;
//! - **bashgah, realistic club** (`benches/realistic/`, or `BASHGAH_BENCH_CLUB`): tiers
//!   over calendar years with reviews, expiry with notices, birthdays (a members file with
//!   birthdays is imported first, untimed) and anniversaries, a deal and a campaign with a
//!   budget.
//!
//! Run with `cargo bench --bench import`. It writes a CSV of purchases (100,000 by
//! default, `BASHGAH_BENCH_EVENTS`) by 5,000 members (`BASHGAH_BENCH_MEMBERS`) over 2025,
//! then times each variant on fresh database files, in turn, for `BASHGAH_BENCH_ROUNDS`
//! rounds (default 3), and prints the medians and their ratios. `BASHGAH_BENCH_ONLY=club`
//! (or `realistic`) times only that club and the baseline. Every variant uses the
//! ledger's SQLite settings for a new ledger's first import: 8 KiB pages, the import's
//! 52 MiB page cache (`ledger::IMPORT_CACHE`), a rollback journal with `synchronous = FULL` while it writes and WAL after
//! (`ledger::bulk`), and bashgah's default import batch as its transaction size
//! (`BASHGAH_BENCH_BATCH` sets another).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use bashgah::import::{
    import_events, import_members, read_rows, FileFormat, ImportOptions, EVENT_COLUMNS,
    MEMBER_COLUMNS,
};
use bashgah::ledger::{Ledger, IMPORT_CACHE};
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use chrono::{Datelike, NaiveDate, Weekday};
use rusqlite::{params, Connection};
use rust_decimal::Decimal;

/// The allocator the `bashgah` command uses (src/main.rs), so the import measured here is
/// the one users run. The baseline and the peer use it too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DEFAULT_EVENTS: usize = 100_000;
const DEFAULT_ROUNDS: usize = 3;
const DEFAULT_MEMBERS: usize = 5_000;
const STORES: u64 = 20;
const CHANNELS: [&str; 3] = ["pos", "online", "app"];
const MIN_AMOUNT: u64 = 10_000;
const MAX_AMOUNT: u64 = 5_000_000;

/// A 64-bit linear congruential generator (Knuth's MMIX constants): deterministic and
/// good enough to spread members, amounts and times.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // The high bits are the well-mixed ones.
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(text) => {
            let digits: String = text.chars().filter(|c| !matches!(c, '_' | ',')).collect();
            match digits.trim().parse::<usize>() {
                Ok(n) if n > 0 => n,
                _ => panic!("{name} must be a positive whole number, not `{text}`"),
            }
        }
        Err(_) => default,
    }
}

/// Writes `n` purchases in time order over 2025 and returns the points the benchmark
/// club's rules should award for them, to check the rules really ran.
fn write_purchases(path: &Path, n: usize, members: u64) -> Decimal {
    let mut out = BufWriter::new(File::create(path).unwrap());
    writeln!(out, "id,member,date,amount,channel,store").unwrap();
    let mut rng = Lcg(0x6261_7368_6761_6821);
    let minutes_in_year: u64 = 365 * 24 * 60;
    let mut expected = 0u64;
    for i in 0..n as u64 {
        let minute = i * minutes_in_year / n as u64 + rng.below(minutes_in_year / n as u64 + 1);
        let minute = minute.min(minutes_in_year - 1);
        let day = NaiveDate::from_yo_opt(2025, (minute / (24 * 60)) as u32 + 1).unwrap();
        let (hour, min) = ((minute / 60) % 24, minute % 60);
        let member = rng.below(members);
        let amount = MIN_AMOUNT + rng.below(MAX_AMOUNT - MIN_AMOUNT + 1);
        let channel = CHANNELS[rng.below(CHANNELS.len() as u64) as usize];
        let store = rng.below(STORES) + 1;
        writeln!(
            out,
            "e{i:08},m{member:07},{day} {hour:02}:{min:02},{amount},{channel},s{store:02}"
        )
        .unwrap();
        expected += amount / 10_000;
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            expected += amount / 20_000;
        }
        if amount > 1_000_000 {
            expected += 50;
        }
    }
    out.flush().unwrap();
    Decimal::from(expected)
}

/// Every member with a birthday (spread over the year), for the realistic club's
/// birthday rule.
fn write_members(path: &Path, members: u64) {
    let mut out = BufWriter::new(File::create(path).unwrap());
    writeln!(out, "id,birthday").unwrap();
    let mut rng = Lcg(0x6d65_6d62_6572_7321);
    for member in 0..members {
        let day = NaiveDate::from_yo_opt(1990, rng.below(365) as u32 + 1).unwrap();
        writeln!(out, "m{member:07},{day}").unwrap();
    }
    out.flush().unwrap();
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// Plain rusqlite: one table, a cached prepared insert, transactions of bashgah's default
/// batch size. With `peer`, then computes the three-rule club's points in SQL, one
/// `INSERT … SELECT` per rule, and returns their total.
fn run_baseline(csv_path: &Path, db_path: &Path, n: usize, peer: bool) -> (f64, Option<i64>) {
    remove_db(db_path);
    let started = Instant::now();
    let mut conn = Connection::open(db_path).unwrap();
    // The same settings as `Ledger::open` and a new ledger's first import
    // (`ledger::bulk`: written through a rollback journal, then switched to WAL), so that
    // only the work differs.
    conn.pragma_update(None, "page_size", 8_192).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.pragma_update(None, "cache_size", IMPORT_CACHE)
        .unwrap();
    conn.execute_batch(
        "CREATE TABLE events (id TEXT PRIMARY KEY, member TEXT, time TEXT, amount TEXT, channel TEXT, store TEXT)",
    )
    .unwrap();
    let batch = options().batch_size;
    let mut reader = csv::Reader::from_path(csv_path).unwrap();
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    let mut done = false;
    while !done {
        let tx = conn.transaction().unwrap();
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO events (id, member, time, amount, channel, store) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .unwrap();
            for _ in 0..batch {
                if !reader.read_record(&mut record).unwrap() {
                    done = true;
                    break;
                }
                insert
                    .execute(params![
                        &record[0], &record[1], &record[2], &record[3], &record[4], &record[5]
                    ])
                    .unwrap();
                rows += 1;
            }
        }
        tx.commit().unwrap();
    }
    let total = peer.then(|| {
        // The three rules of benches/club/earn.rhai, in SQL: 1 point per 10,000; half as
        // much again on Saturdays and Sundays (strftime's %w: 0 is Sunday, 6 Saturday);
        // 50 for a basket over 1,000,000. Entries of 0 points are not written, as in
        // bashgah.
        conn.execute_batch(
            "BEGIN;
             CREATE TABLE entries (event TEXT NOT NULL, member TEXT NOT NULL, rule TEXT NOT NULL, points INTEGER NOT NULL);
             CREATE INDEX entries_event ON entries(event);
             INSERT INTO entries SELECT id, member, 'base', CAST(amount AS INTEGER) / 10000
                 FROM events WHERE CAST(amount AS INTEGER) >= 10000;
             INSERT INTO entries SELECT id, member, 'weekend', CAST(amount AS INTEGER) / 20000
                 FROM events WHERE strftime('%w', time) IN ('0', '6') AND CAST(amount AS INTEGER) >= 20000;
             INSERT INTO entries SELECT id, member, 'big_basket', 50
                 FROM events WHERE CAST(amount AS INTEGER) > 1000000;
             COMMIT;",
        )
        .unwrap();
        conn.query_row("SELECT SUM(points) FROM entries", [], |r| r.get::<_, i64>(0))
            .unwrap()
    });
    // As `Ledger::end_bulk_load` leaves a ledger.
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    drop(conn);
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(rows, n, "baseline inserted {rows} rows, expected {n}");
    remove_db(db_path);
    (seconds, total)
}

/// bashgah: a fresh ledger, rows read and imported exactly as `bashgah import` does.
fn run_bashgah(
    csv_path: &Path,
    members_path: Option<&Path>,
    db_path: &Path,
    policy: &Policy,
    n: usize,
    expected_points: Option<Decimal>,
    floor_db: &Path,
) -> (f64, f64) {
    remove_db(db_path);
    if let Some(members_path) = members_path {
        // Profiles first (birthdays), untimed: what is measured is the events' import.
        let ledger = Ledger::open(db_path).unwrap();
        let rows = read_rows(
            File::open(members_path).unwrap(),
            FileFormat::Csv,
            "members.csv",
            &MEMBER_COLUMNS,
        )
        .unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let report = import_members(&ledger, policy, rows, at).unwrap();
        assert_eq!(report.rejected, 0, "{}", report.summary());
    }
    let started = Instant::now();
    let ledger = Ledger::open(db_path).unwrap();
    let rows = read_rows(
        File::open(csv_path).unwrap(),
        FileFormat::Csv,
        "purchases.csv",
        &EVENT_COLUMNS,
    )
    .unwrap();
    // As `bashgah import` does, which counts the file's lines ahead.
    let options = ImportOptions {
        expected_rows: Some(n as u64),
        ..options()
    };
    let report = import_events(&ledger, policy, rows, options).unwrap();
    drop(ledger);
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(
        report.accepted,
        n as u64,
        "bashgah accepted {} of {n} events: {}\n{}",
        report.accepted,
        report.summary(),
        report
            .problems
            .iter()
            .take(5)
            .map(|p| p.render("purchases.csv"))
            .collect::<String>()
    );
    assert_eq!(report.rejected, 0, "{}", report.summary());
    if let Some(expected) = expected_points {
        assert_eq!(
            report.points_awarded, expected,
            "the benchmark club's rules awarded other points than expected"
        );
    }
    let floor = write_floor(db_path, floor_db, n).seconds;
    remove_db(db_path);
    (seconds, floor)
}

/// The write floor under an import: every row of the finished ledger at `source`, copied
/// into a new ledger at `db_path` by plain rusqlite inserts, as the baseline writes its
/// one table. The same schema and settings as a new ledger's first import (8 KiB pages, a
/// rollback journal with `synchronous = FULL`, the import's 52 MiB page cache, WAL after),
/// as many commits as the import made for `events` events, the same indexes kept and the
/// same built at the end in one sort each, and the cheapest order: table by table, in row
/// order.
/// Only the inserts, commits and index builds are timed; the rows are read from `source`
/// in chunks between them, untimed. So no import of the same events can write its rows in
/// less time on this machine: it must also decide them, interleave the tables and update
/// members' rows.
fn write_floor(source: &Path, db_path: &Path, events: usize) -> Floor {
    use rusqlite::types::Value;
    const CHUNK: usize = 65_536;
    remove_db(db_path);
    drop(Ledger::open(db_path).unwrap());
    let conn = Connection::open(db_path).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.pragma_update(None, "cache_size", IMPORT_CACHE)
        .unwrap();
    let deferred: Vec<&str> = Ledger::indexes_deferred_by_first_import().collect();
    let indexes: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
        .into_iter()
        .filter(|(name, _): &(String, String)| deferred.contains(&name.as_str()))
        .collect();
    assert_eq!(indexes.len(), deferred.len(), "a deferred index is missing");
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{name}\""))
            .unwrap();
    }
    conn.execute("ATTACH DATABASE ?1 AS source", [source.to_str().unwrap()])
        .unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM source.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut total = 0u64;
    for table in &tables {
        // What the migrations wrote into the new ledger is the source's too.
        conn.execute_batch(&format!("DELETE FROM main.\"{table}\""))
            .unwrap();
        total += conn
            .query_row(
                &format!("SELECT COUNT(*) FROM source.\"{table}\""),
                [],
                |r| r.get::<_, u64>(0),
            )
            .unwrap();
    }
    let commits = events.div_ceil(options().batch_size.max(1)).max(1) as u64;
    let rows_per_commit = total.div_ceil(commits).max(1);
    let mut timed = std::time::Duration::ZERO;
    let mut tables_timed = Vec::new();
    let mut in_transaction = 0u64;
    let mut chunk: Vec<Vec<Value>> = Vec::with_capacity(CHUNK);
    for table in &tables {
        let width = conn
            .prepare(&format!("SELECT * FROM source.\"{table}\""))
            .unwrap()
            .column_count();
        let placeholders = vec!["?"; width].join(", ");
        let insert_sql = format!("INSERT INTO main.\"{table}\" VALUES ({placeholders})");
        let read_sql = format!(
            "SELECT rowid, * FROM source.\"{table}\" WHERE rowid > ?1 ORDER BY rowid LIMIT {CHUNK}"
        );
        let mut after = i64::MIN;
        let (mut table_time, mut table_rows) = (std::time::Duration::ZERO, 0u64);
        loop {
            chunk.clear();
            {
                let mut read = conn.prepare_cached(&read_sql).unwrap();
                let mut rows = read.query([after]).unwrap();
                while let Some(row) = rows.next().unwrap() {
                    after = row.get(0).unwrap();
                    chunk.push((1..=width).map(|i| row.get(i).unwrap()).collect());
                }
            }
            if chunk.is_empty() {
                break;
            }
            let started = Instant::now();
            let mut insert = conn.prepare_cached(&insert_sql).unwrap();
            for row in &chunk {
                if in_transaction == 0 {
                    conn.execute_batch("BEGIN").unwrap();
                }
                insert.execute(rusqlite::params_from_iter(row)).unwrap();
                in_transaction += 1;
                if in_transaction == rows_per_commit {
                    conn.execute_batch("COMMIT").unwrap();
                    in_transaction = 0;
                }
            }
            table_time += started.elapsed();
            table_rows += chunk.len() as u64;
        }
        timed += table_time;
        tables_timed.push((table.clone(), table_rows, table_time.as_secs_f64()));
    }
    let started = Instant::now();
    if in_transaction > 0 {
        conn.execute_batch("COMMIT").unwrap();
    }
    conn.execute_batch("DETACH DATABASE source").unwrap();
    let commit = started.elapsed();
    for (_, sql) in &indexes {
        conn.execute_batch(sql).unwrap();
    }
    let indexes_built = started.elapsed() - commit;
    // As `Ledger::end_bulk_load` leaves a ledger.
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    drop(conn);
    timed += started.elapsed();
    remove_db(db_path);
    Floor {
        seconds: timed.as_secs_f64(),
        tables: tables_timed,
        indexes: indexes_built.as_secs_f64(),
    }
}

/// What [`write_floor`] timed.
struct Floor {
    seconds: f64,
    /// Each table's name, rows and seconds of inserts (with the commits among them).
    tables: Vec<(String, u64, f64)>,
    /// The seconds building the indexes at the end.
    indexes: f64,
}

/// bashgah's default import options, with `BASHGAH_BENCH_BATCH` events per transaction
/// if set (for the baseline too).
fn options() -> ImportOptions {
    let default = ImportOptions::default();
    ImportOptions {
        batch_size: env_number("BASHGAH_BENCH_BATCH", default.batch_size),
        ..default
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// `value` to three significant figures, with thousands separators: `243,000`.
fn rate(value: f64) -> String {
    let value = value.round() as u64;
    let digits = value.checked_ilog10().unwrap_or(0);
    let unit = if digits >= 3 {
        10u64.pow(digits - 2)
    } else {
        1
    };
    let rounded = (value + unit / 2) / unit * unit;
    let text = rounded.to_string();
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i > 0 && (text.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn load(club: &Path, engine: &Arc<ScriptEngine>) -> Policy {
    match Policy::load(club, engine) {
        Ok((policy, _warnings)) => policy,
        Err(problems) => {
            for problem in problems {
                eprintln!("{problem}");
            }
            panic!("cannot load the club in `{}`", club.display());
        }
    }
}

fn main() {
    let n = env_number("BASHGAH_BENCH_EVENTS", DEFAULT_EVENTS);
    if let Some(ledger) = std::env::var_os("BASHGAH_BENCH_FLOOR_OF") {
        // The write floor of a ledger an import of `n` events left (`bashgah import`, at
        // any scale), beside it: nothing else is run.
        let ledger = PathBuf::from(ledger);
        let floor_db = ledger.with_extension("floor.db");
        let floor = write_floor(&ledger, &floor_db, n);
        println!(
            "write floor of {}: its rows by plain inserts in {:.2} s ({n} events, batch {})",
            ledger.display(),
            floor.seconds,
            options().batch_size
        );
        for (table, rows, seconds) in floor.tables.iter().filter(|t| t.1 > 0) {
            println!("  {table:<28}{rows:>12} rows {seconds:>9.2} s");
        }
        println!(
            "  {:<28}{:>17} {:>9.2} s",
            "indexes built at the end", "", floor.indexes
        );
        return;
    }
    let rounds = env_number("BASHGAH_BENCH_ROUNDS", DEFAULT_ROUNDS);
    let members = env_number("BASHGAH_BENCH_MEMBERS", DEFAULT_MEMBERS) as u64;
    let only = std::env::var("BASHGAH_BENCH_ONLY").ok();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let realistic_club = std::env::var_os("BASHGAH_BENCH_CLUB")
        .map_or(root.join("benches/realistic"), PathBuf::from);

    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    let simple = load(&root.join("benches/club"), &engine);
    let realistic = load(&realistic_club, &engine);
    let run_simple = only.as_deref() != Some("realistic");
    let run_realistic = only.as_deref() != Some("club");

    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("purchases.csv");
    let members_path = dir.path().join("members.csv");
    let expected_points = write_purchases(&csv_path, n, members);
    write_members(&members_path, members);
    let baseline_db = dir.path().join("baseline.db");
    let bashgah_db = dir.path().join("ledger.db");
    let floor_db = dir.path().join("floor.db");

    let (mut baseline, mut peer, mut ours, mut real) = (vec![], vec![], vec![], vec![]);
    let (mut ours_floor, mut real_floor) = (vec![], vec![]);
    for round in 1..=rounds {
        baseline.push(run_baseline(&csv_path, &baseline_db, n, false).0);
        if run_simple {
            let (seconds, total) = run_baseline(&csv_path, &baseline_db, n, true);
            assert_eq!(
                total.map(Decimal::from),
                Some(expected_points),
                "the SQL peer computed other points than the rules should give"
            );
            peer.push(seconds);
            let (seconds, floor) = run_bashgah(
                &csv_path,
                None,
                &bashgah_db,
                &simple,
                n,
                Some(expected_points),
                &floor_db,
            );
            ours.push(seconds);
            ours_floor.push(floor);
        }
        if run_realistic {
            let (seconds, floor) = run_bashgah(
                &csv_path,
                Some(&members_path),
                &bashgah_db,
                &realistic,
                n,
                None,
                &floor_db,
            );
            real.push(seconds);
            real_floor.push(floor);
        }
        let last = |v: &Vec<f64>| v.last().map_or("-".into(), |s| format!("{s:.2} s"));
        eprintln!(
            "round {round}/{rounds}: baseline {}, SQL peer {}, 3-rule club {} (its rows {}), realistic club {} (its rows {})",
            last(&baseline),
            last(&peer),
            last(&ours),
            last(&ours_floor),
            last(&real),
            last(&real_floor)
        );
    }

    let base = median(&baseline);
    println!(
        "import benchmark: {n} purchases by {members} members, {rounds} rounds (median), batch {}",
        options().batch_size
    );
    let line = |name: &str, seconds: f64, unit: &str| {
        println!(
            "{name:<40}{seconds:>7.2} s {:>9} {unit}/s {:>7.1}x baseline",
            rate(n as f64 / seconds),
            seconds / base
        );
    };
    let ratio = |name: &str, value: f64| println!("{name:<40}{value:>7.2}x");
    let floor_lines = |club: &str, seconds: f64, floors: &[f64]| {
        let floor = median(floors);
        line("  its rows alone (plain inserts)", floor, "events");
        ratio(&format!("ratio {club} / its rows alone"), seconds / floor);
    };
    line("baseline (plain rusqlite inserts)", base, "rows");
    if run_simple {
        let (peer, ours) = (median(&peer), median(&ours));
        line("SQL peer (inserts + INSERT ... SELECT)", peer, "rows");
        line(
            &format!("bashgah, {}-rule club", simple.rules.len()),
            ours,
            "events",
        );
        ratio("ratio 3-rule club / SQL peer", ours / peer);
        floor_lines("3-rule club", ours, &ours_floor);
    }
    if run_realistic {
        let real = median(&real);
        line("bashgah, realistic club", real, "events");
        floor_lines("realistic club", real, &real_floor);
        if run_simple {
            ratio("rate realistic / 3-rule club", median(&ours) / real);
        }
    }
}
