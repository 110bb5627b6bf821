//! The host process under edits (issue 13): `cargo bench --bench soak`.
//!
//! A real `bashgah serve` on a loopback port takes single-event posts at full speed from
//! a few tills while an operator makes 100 edits to the club, half of them broken: syntax
//! errors, edits that fail the club's own tests, and edits that break only for an amount
//! that is rare but present in the recent events (which the club's tests never use, so
//! only the canary can catch them). Between edits the tills keep posting.
//!
//! At the end it checks, and prints:
//! - no broken version was activated (each edit's outcome is seen in `/v1/status`, and
//!   every answer names a version some good edit produced);
//! - no acknowledged event was lost, and none was written twice (the ledger is read back);
//! - the reloader is alive (a last good edit goes live).
//!
//! `BASHGAH_SOAK_EDITS` (default 100) and `BASHGAH_SOAK_TILLS` (default 4) change the run.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TILL: &str = "soak-till-key";
const OPS: &str = "soak-ops-key";
/// The amount only the canary sees: one post in 25 uses it, no test does.
const RARE: u32 = 1313;

const CLUB: &str = "\
id: shop
name: Soak shop
currency: EUR
timezone: UTC
rules:
  - id: base
    function: base_points
    description: points per amount
";

/// The club's own tests: 2,500 gives 2 points with every good edit below.
const TESTS: &str = "\
- name: a purchase earns
  when:
    - event: {id: T1, member: M1, date: 2025-03-03, amount: 2500}
  then:
    points: {T1: 2}
";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Edit {
    /// A rule that loads, passes the tests, and handles every amount.
    Good,
    /// Does not load.
    Syntax,
    /// Loads, but its own test fails.
    FailsTests,
    /// Loads and passes the tests, but divides by zero for the rare amount.
    RareAmount,
}

fn rule(edit: Edit, n: usize) -> String {
    // Divisors between 1,000 and 1,199 keep 2,500 at 2 points; each edit is a new version.
    let divisor = 1000 + n % 200;
    match edit {
        Edit::Good => format!("fn base_points(event, member) {{\n    event.amount / {divisor}\n}}\n"),
        Edit::Syntax => format!("fn base_points(event, member) {{\n    event.amount / {divisor} +\n}}\n"),
        Edit::FailsTests => "fn base_points(event, member) {\n    event.amount / 100\n}\n".to_owned(),
        Edit::RareAmount => format!(
            "fn base_points(event, member) {{\n    event.amount / {divisor} + 0 * (1 / (event.amount - {RARE}))\n}}\n"
        ),
    }
}

/// One request on a fresh connection: status and JSON body.
fn request(
    address: &str,
    method: &str,
    path: &str,
    key: &str,
    body: &str,
) -> Option<(u16, serde_json::Value)> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: soak\r\nConnection: close\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw).ok()?;
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((
        status,
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    ))
}

fn status(address: &str) -> serde_json::Value {
    request(address, "GET", "/v1/status", OPS, "")
        .map(|(_, body)| body)
        .unwrap_or_default()
}

/// Writes a file the way vim does: a temporary file renamed over it.
fn save(path: &Path, text: &str) {
    let temporary = path.with_file_name(".soak.tmp");
    std::fs::write(&temporary, text).expect("write");
    std::fs::rename(&temporary, path).expect("rename");
}

fn hash(key: &str) -> String {
    bashgah::serve::keys::hash(key)
}

fn main() {
    let edits: usize = std::env::var("BASHGAH_SOAK_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let tills: usize = std::env::var("BASHGAH_SOAK_TILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("policies/shop/tests")).expect("club folder");
    std::fs::create_dir_all(root.join("plugins")).expect("plugins");
    std::fs::write(root.join("policies/shop/club.yaml"), CLUB).expect("club");
    std::fs::write(root.join("policies/shop/tests/earning.yaml"), TESTS).expect("tests");
    let rule_file = root.join("policies/shop/earn.rhai");
    std::fs::write(&rule_file, rule(Edit::Good, 0)).expect("rule");
    std::fs::write(
        root.join("keys.yaml"),
        format!(
            "keys:\n  - {{name: till, sha256: {}, clubs: [shop]}}\n  - {{name: ops, sha256: {}, admin: true}}\n",
            hash(TILL),
            hash(OPS)
        ),
    )
    .expect("keys");
    let mut server = Command::new(env!("CARGO_BIN_EXE_bashgah"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(root)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start bashgah serve (cargo bench builds it)");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the address");
    let address = line
        .trim()
        .trim_start_matches("listening on http://")
        .to_owned();

    // The tills: unique ids, acknowledged ones remembered with the version that answered.
    let running = Arc::new(AtomicBool::new(true));
    let acknowledged: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let refused: Arc<Mutex<BTreeMap<u16, u64>>> = Arc::default();
    let started = Instant::now();
    let posters: Vec<_> = (0..tills)
        .map(|till| {
            let (address, running, acknowledged, refused) = (
                address.clone(),
                Arc::clone(&running),
                Arc::clone(&acknowledged),
                Arc::clone(&refused),
            );
            std::thread::spawn(move || {
                let mut n: u64 = 0;
                while running.load(Ordering::Relaxed) {
                    n += 1;
                    let id = format!("T{till}-{n}");
                    let amount = if n % 25 == 0 { RARE as u64 } else { 1000 + (n * 7919) % 50_000 };
                    let body = format!(
                        r#"{{"id": "{id}", "member": "M{}", "date": "2025-03-03", "amount": "{amount}"}}"#,
                        n % 500
                    );
                    match request(&address, "POST", "/v1/clubs/shop/events", TILL, &body) {
                        Some((200, answer)) => {
                            let version = answer["policy_version"].as_str().unwrap_or("").to_owned();
                            acknowledged.lock().expect("lock").insert(id, version);
                        }
                        Some((code, _)) => *refused.lock().expect("lock").entry(code).or_default() += 1,
                        None => *refused.lock().expect("lock").entry(0).or_default() += 1,
                    }
                }
            })
        })
        .collect();

    // The operator: `edits` edits, half of them broken, each waited for in the status.
    let kinds = [
        Edit::Good,
        Edit::Syntax,
        Edit::Good,
        Edit::FailsTests,
        Edit::Good,
        Edit::RareAmount,
    ];
    let mut good_versions: BTreeSet<String> = BTreeSet::new();
    let first_version = status(&address)["clubs"][0]["active_version"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    good_versions.insert(first_version);
    let mut outcomes: BTreeMap<(Edit, &'static str), u64> = BTreeMap::new();
    let mut broken_activated = 0;
    let mut slowest_reload = Duration::ZERO;
    // Let the tills put some rare amounts among the recent events first.
    std::thread::sleep(Duration::from_millis(500));
    for n in 1..=edits {
        let edit = if n == edits {
            Edit::Good
        } else {
            kinds[n % kinds.len()]
        };
        let before = status(&address)["clubs"][0]["last_reload"]["at"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        let edited = Instant::now();
        save(&rule_file, &rule(edit, n));
        let attempt = loop {
            let attempt = status(&address)["clubs"][0]["last_reload"].clone();
            if attempt["at"]
                .as_str()
                .is_some_and(|at| at != before.as_str())
            {
                break attempt;
            }
            assert!(
                edited.elapsed() < Duration::from_secs(60),
                "edit {n} not attempted within 60 s: the reloader is dead"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        slowest_reload = slowest_reload.max(edited.elapsed());
        let outcome = match attempt["outcome"].as_str() {
            Some("activated") => "activated",
            Some("failed") => "refused",
            _ => "other",
        };
        *outcomes.entry((edit, outcome)).or_default() += 1;
        if outcome == "activated" {
            if edit == Edit::Good {
                good_versions.insert(attempt["version"].as_str().unwrap_or("").to_owned());
            } else {
                broken_activated += 1;
                eprintln!("BROKEN EDIT {n} ({edit:?}) ACTIVATED: {attempt}");
            }
        }
    }
    running.store(false, Ordering::Relaxed);
    for poster in posters {
        poster.join().expect("till");
    }
    let elapsed = started.elapsed();
    let alive = status(&address)["clubs"][0]["last_reload"]["outcome"] == "activated";
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();

    // The ledger, read back: every acknowledged event once, nothing else.
    let ledger = rusqlite::Connection::open(root.join("data/shop.sqlite")).expect("ledger");
    let mut stored: BTreeMap<String, String> = BTreeMap::new();
    let mut duplicates = 0;
    {
        let mut statement = ledger
            .prepare(
                "SELECT e.id, p.id FROM events e JOIN policy_versions p ON p.number = e.policy",
            )
            .expect("query");
        let rows = statement
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .expect("rows");
        for row in rows {
            let (id, version) = row.expect("row");
            if stored.insert(id, version).is_some() {
                duplicates += 1;
            }
        }
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    let lost = acknowledged
        .keys()
        .filter(|id| !stored.contains_key(*id))
        .count();
    let unacknowledged_written = stored
        .keys()
        .filter(|id| !acknowledged.contains_key(*id))
        .count();
    let foreign_versions: BTreeSet<&String> = acknowledged
        .values()
        .filter(|v| {
            !good_versions
                .iter()
                .any(|g| !g.is_empty() && v.starts_with(g.as_str()))
        })
        .collect();

    println!(
        "soak: {edits} edits while {tills} tills posted single events for {:.1} s",
        elapsed.as_secs_f64()
    );
    println!(
        "  events acknowledged: {} ({:.0}/s); refused: {:?} (status code: count; 0 = no answer)",
        acknowledged.len(),
        acknowledged.len() as f64 / elapsed.as_secs_f64(),
        refused.lock().expect("lock")
    );
    for ((edit, outcome), count) in &outcomes {
        println!("  {edit:?} edits {outcome}: {count}");
    }
    println!(
        "  slowest edit to outcome: {:.2} s",
        slowest_reload.as_secs_f64()
    );
    println!("  broken versions activated: {broken_activated}; answers from versions no good edit produced: {}", foreign_versions.len());
    println!("  acknowledged events lost: {lost}; written twice: {duplicates}; written but not acknowledged: {unacknowledged_written}");
    println!("  reloader alive at the end: {alive}");
    let ok = broken_activated == 0
        && foreign_versions.is_empty()
        && lost == 0
        && duplicates == 0
        && alive;
    println!("soak: {}", if ok { "PASSED" } else { "FAILED" });
    if !ok {
        std::process::exit(1);
    }
}
