//! Import throughput: bashgah's CSV import (read, validate, evaluate three Rhai earning
//! rules, write events, ledger entries and member balances) against a baseline of plain
//! rusqlite inserts of the same rows into a single table.
//!
//! Run with `cargo bench --bench import`. It writes a CSV of purchases (100,000 by
//! default; `BASHGAH_BENCH_EVENTS` overrides) for about 5,000 members over 2025 into a
//! temporary folder, loads the club in `benches/club/`, then times both variants on fresh
//! file databases, alternating, for `BASHGAH_BENCH_ROUNDS` rounds (default 3), and prints
//! the median of each and their ratio. `BASHGAH_BENCH_CLUB` names another club folder to
//! load instead (for example one whose rules do nothing, to see what scripts cost).
//! Both variants use the same SQLite settings: 16 KiB pages, WAL journal,
//! `synchronous = NORMAL`, a 64 MiB page cache,
//! transactions of 20,000 rows (bashgah's default batch).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use bashgah::import::{import_events, read_rows, FileFormat, ImportOptions, EVENT_COLUMNS};
use bashgah::ledger::Ledger;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use chrono::{Datelike, NaiveDate, Weekday};
use rusqlite::{params, Connection};
use rust_decimal::Decimal;

const DEFAULT_EVENTS: usize = 100_000;
const DEFAULT_ROUNDS: usize = 3;
const MEMBERS: u64 = 5_000;
const STORES: u64 = 20;
const CHANNELS: [&str; 3] = ["pos", "online", "app"];
const MIN_AMOUNT: u64 = 10_000;
const MAX_AMOUNT: u64 = 5_000_000;
/// The same transaction size as bashgah's default (`ImportOptions::default()`).
const BATCH: usize = 20_000;

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
fn write_purchases(path: &Path, n: usize) -> Decimal {
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
        let member = rng.below(MEMBERS);
        let amount = MIN_AMOUNT + rng.below(MAX_AMOUNT - MIN_AMOUNT + 1);
        let channel = CHANNELS[rng.below(CHANNELS.len() as u64) as usize];
        let store = rng.below(STORES) + 1;
        writeln!(
            out,
            "e{i:07},m{member:04},{day} {hour:02}:{min:02},{amount},{channel},s{store:02}"
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

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// Plain rusqlite: one table, a cached prepared insert, transactions of `BATCH` rows.
fn run_baseline(csv_path: &Path, db_path: &Path, n: usize) -> f64 {
    remove_db(db_path);
    let started = Instant::now();
    let mut conn = Connection::open(db_path).unwrap();
    // The same settings as `Ledger::open`, so that only the work differs.
    conn.pragma_update(None, "page_size", 16_384).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.pragma_update(None, "cache_size", -65_536).unwrap();
    conn.execute_batch(
        "CREATE TABLE events (id TEXT PRIMARY KEY, member TEXT, time TEXT, amount TEXT, channel TEXT, store TEXT)",
    )
    .unwrap();
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
            for _ in 0..BATCH {
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
    drop(conn);
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(rows, n, "baseline inserted {rows} rows, expected {n}");
    remove_db(db_path);
    seconds
}

/// bashgah: a fresh ledger, rows read and imported exactly as `bashgah import` does.
fn run_bashgah(
    csv_path: &Path,
    db_path: &Path,
    policy: &Policy,
    n: usize,
    expected_points: Option<Decimal>,
) -> f64 {
    remove_db(db_path);
    let started = Instant::now();
    let ledger = Ledger::open(db_path).unwrap();
    let rows = read_rows(
        File::open(csv_path).unwrap(),
        FileFormat::Csv,
        "purchases.csv",
        &EVENT_COLUMNS,
    )
    .unwrap();
    let report = import_events(&ledger, policy, rows, ImportOptions::default()).unwrap();
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
    remove_db(db_path);
    seconds
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

fn main() {
    let n = env_number("BASHGAH_BENCH_EVENTS", DEFAULT_EVENTS);
    let rounds = env_number("BASHGAH_BENCH_ROUNDS", DEFAULT_ROUNDS);
    let default_club = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/club");
    let club = std::env::var_os("BASHGAH_BENCH_CLUB").map_or(default_club.clone(), PathBuf::from);

    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    let policy = match Policy::load(&club, &engine) {
        Ok((policy, _warnings)) => policy,
        Err(problems) => {
            for problem in problems {
                eprintln!("{problem}");
            }
            panic!("cannot load the club in `{}`", club.display());
        }
    };

    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("purchases.csv");
    let expected_points = write_purchases(&csv_path, n);
    // Another club's rules award other points; only the benchmark club's are checked.
    let expected_points = (club == default_club).then_some(expected_points);
    let baseline_db = dir.path().join("baseline.db");
    let bashgah_db = dir.path().join("ledger.db");

    let mut baseline = Vec::new();
    let mut bashgah = Vec::new();
    for round in 1..=rounds {
        baseline.push(run_baseline(&csv_path, &baseline_db, n));
        bashgah.push(run_bashgah(
            &csv_path,
            &bashgah_db,
            &policy,
            n,
            expected_points,
        ));
        eprintln!(
            "round {round}/{rounds}: baseline {:.2} s, bashgah {:.2} s",
            baseline[round - 1],
            bashgah[round - 1]
        );
    }

    let base = median(&baseline);
    let ours = median(&bashgah);
    println!(
        "import benchmark: {n} purchases, {}-rule club, {rounds} rounds (median)",
        policy.rules.len()
    );
    println!(
        "{:<34}{:>6.2} s   {:>7} rows/s",
        "baseline (plain rusqlite inserts)",
        base,
        rate(n as f64 / base)
    );
    println!(
        "{:<34}{:>6.2} s   {:>7} events/s",
        "bashgah import + evaluate",
        ours,
        rate(n as f64 / ours)
    );
    println!("{:<34}{:>5.1}x", "ratio bashgah/baseline", ours / base);
}
