//! How fast the console's pages get their data on a ledger of a million members
//! (issue 16: every page under 200 ms).
//!
//! The first run builds the ledger once, into `target/bench-console/` (reused while it is
//! there; delete the folder to build it again): the realistic club of
//! `benches/realistic/` counted in the Jalali calendar at Tehran's time, with credit at
//! 1,000 IRR a point, and `BASHGAH_BENCH_MEMBERS` members (default 1,000,000) with two
//! purchases each over two years, their entries (base and bonus points, spring campaign
//! awards, redemptions, expiry), tiers, campaign spend and messages, written straight into
//! the ledger's tables in one transaction (the import path would take an hour for this).
//!
//! Each case is timed `BASHGAH_BENCH_ROUNDS` times (default 20) after a first, cold call
//! (reported apart: it sums the ledger's entries, which later calls only add to), and the
//! median is printed. Run with `cargo bench --bench console`. A page adds its case to
//! `cases()`.
//!
//! Then the pages themselves, as a browser gets them: `bashgah serve` is started on that
//! ledger, signs in with a key, and each page of `PAGES` is asked for over HTTP the same
//! number of times (a page's time is the whole answer: session, the reads, the HTML).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bashgah::ledger::Ledger;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, Connection};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DEFAULT_MEMBERS: usize = 1_000_000;
const DEFAULT_ROUNDS: usize = 20;
const TIERS: [&str; 3] = ["bronze", "silver", "gold"];

/// What every case gets: the ledger, the club and the time "now".
struct Bench {
    ledger: Ledger,
    policy: Policy,
    now: DateTime<Utc>,
    overview: bashgah::overview::Cache,
}

/// One thing to time: its name, and the work (which must read what a page shows).
type Case = (&'static str, fn(&Bench));

fn cases() -> Vec<Case> {
    vec![("overview", |bench| {
        let overview =
            bashgah::overview::build(&bench.ledger, &bench.policy, bench.now, &bench.overview)
                .expect("the overview");
        assert!(overview.members.total > 0);
    })]
}

/// The console's pages timed over HTTP, as paths under the bench club (`M0012345` is one
/// of its members).
const PAGES: &[(&str, &str)] = &[
    ("overview", "/clubs/realistic"),
    ("search", "/clubs/realistic/members?q=M00123"),
    ("member", "/clubs/realistic/members/M0012345"),
    ("policy", "/clubs/realistic/policy"),
    (
        "try",
        "/clubs/realistic/try?member=M0012345&date=1404-06-01&time=12%3A00&amount=2500000",
    ),
    ("clubs", "/"),
];

/// The bench's key (its hash is in the keys file the bench writes).
const KEY: &str = "bench-console-admin";

/// One request on a new connection: the status and the time to the last byte.
fn fetch(
    address: &str,
    method: &str,
    path: &str,
    cookie: &str,
    body: &str,
) -> (u16, String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(address).expect("connect");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("answer");
    let took = started.elapsed();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text, took)
}

/// Serves the bench's ledger with `bashgah serve` and times each page of [`PAGES`].
fn time_pages(root: &Path, club: &Path, ledger: &Path, rounds: usize) {
    let place = root.join("serve");
    let _ = std::fs::remove_dir_all(&place);
    for folder in ["policies/realistic", "plugins", "data"] {
        std::fs::create_dir_all(place.join(folder)).expect("serve folders");
    }
    for file in ["club.yaml", "earn.rhai"] {
        std::fs::copy(club.join(file), place.join("policies/realistic").join(file)).expect("club");
    }
    std::os::unix::fs::symlink(ledger, place.join("data/realistic.sqlite")).expect("ledger link");
    std::fs::write(
        place.join("keys.yaml"),
        format!(
            "keys:\n  - {{name: bench, sha256: {}, admin: true}}\n",
            bashgah::serve::keys::hash(KEY)
        ),
    )
    .expect("keys");
    let log = std::fs::File::create(place.join("serve.log")).expect("log");
    let mut server = Command::new(env!("CARGO_BIN_EXE_bashgah"))
        .args(["serve", "--listen", "127.0.0.1:0", "--keys", "keys.yaml"])
        .current_dir(&place)
        .env("BASHGAH_LANG", "en")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("bashgah serve");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the address");
    let address = line
        .trim()
        .strip_prefix("listening on http://")
        .expect("listening")
        .to_owned();
    let (status, signed_in, _) = fetch(&address, "POST", "/sign-in", "", &format!("key={KEY}"));
    assert_eq!(status, 303, "sign in: {signed_in}");
    let cookie = signed_in
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    println!(
        "pages over HTTP (bashgah serve on the same ledger; log in {}):",
        place.display()
    );
    for (name, path) in PAGES {
        let (status, page, cold) = fetch(&address, "GET", path, &cookie, "");
        assert_eq!(status, 200, "{path}: {page}");
        let times: Vec<Duration> = (0..rounds)
            .map(|_| fetch(&address, "GET", path, &cookie, "").2)
            .collect();
        println!(
            "page {name:<8} {status} median {:>8.1?} over {rounds} runs (fastest {:.1?}, slowest {:.1?}); first call {:.1?}  {path}",
            median(times.clone()),
            times.iter().min().copied().unwrap_or_default(),
            times.iter().max().copied().unwrap_or_default(),
            cold
        );
    }
    let _ = server.kill();
    let _ = server.wait();
}

/// A 64-bit linear congruential generator: deterministic spreads.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The realistic club, Jalali and with credit, written beside the cached ledger.
fn club_folder(root: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/realistic");
    let club = root.join("realistic");
    std::fs::create_dir_all(&club).expect("club folder");
    let yaml = std::fs::read_to_string(source.join("club.yaml"))
        .expect("club.yaml")
        .replace("calendar: gregorian", "calendar: jalali")
        .replace(
            "timezone: UTC",
            "timezone: Asia/Tehran\ncredit: {rate: 1000}",
        );
    std::fs::write(club.join("club.yaml"), yaml).expect("write club.yaml");
    std::fs::copy(source.join("earn.rhai"), club.join("earn.rhai")).expect("earn.rhai");
    club
}

fn stored(t: DateTime<Utc>) -> String {
    bashgah::time::stored(t)
}

/// Writes `members` members and their history straight into a new ledger at `path`.
fn build(path: &Path, policy: &Policy, members: usize, now: DateTime<Utc>) {
    let started = Instant::now();
    drop(Ledger::open(path).expect("a new ledger"));
    let mut conn = Connection::open(path).expect("open");
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF; PRAGMA synchronous = OFF; PRAGMA journal_mode = WAL; PRAGMA cache_size = -262144;",
    )
    .expect("pragmas");
    let tx = conn.transaction().expect("transaction");
    tx.execute(
        "INSERT INTO policy_versions (id, club, first_used, files, number) VALUES (?1, ?2, ?3, '{}', 1)",
        params![policy.id, policy.club.id, stored(now)],
    )
    .expect("version");
    // Events and entries name the version by its number (migration 23).
    let version = 1_i64;
    let two_years = 2 * 365 * 86_400;
    let start = now.timestamp() - two_years;
    let spring = (
        Utc.with_ymd_and_hms(2025, 3, 21, 0, 0, 0)
            .unwrap()
            .timestamp(),
        Utc.with_ymd_and_hms(2025, 4, 20, 0, 0, 0)
            .unwrap()
            .timestamp(),
    );
    let mut rng = Lcg(42);
    {
        let mut member = tx
            .prepare("INSERT INTO members (id, type, joined, balance, spend_total, visits, last_visit, tier) VALUES (?1, 'individual', ?2, ?3, ?4, ?5, ?6, ?7)")
            .expect("members");
        let mut event = tx
            .prepare("INSERT INTO events (id, member, type, time, amount, fingerprint, policy) VALUES (?1, ?2, ?3, ?4, ?5, ?1, ?6)")
            .expect("events");
        let mut entry = tx
            .prepare("INSERT INTO ledger (member, event, time, rule, points, reason, policy, kind, event_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            .expect("entries");
        let mut spend = tx
            .prepare("INSERT INTO campaign_spend (campaign, member, day, points, event) VALUES ('spring', ?1, ?2, ?3, ?4)")
            .expect("campaign spend");
        let mut tier_change = tx
            .prepare("INSERT INTO tier_changes (member, event, time, from_tier, to_tier, reason) VALUES (?1, ?2, ?3, NULL, ?4, 'qualified')")
            .expect("tier changes");
        let mut message = tx
            .prepare("INSERT INTO messages (key, channel, member, occasion, day, created_at, deliver_after, language, text, status, reason) VALUES (?1, 'sms', ?2, 'tier_changed', ?3, ?4, ?4, 'fa', 'سطح شما تغییر کرد', ?5, ?6)")
            .expect("messages");
        for m in 0..members {
            let id = format!("M{m:07}");
            let mut balance: i64 = 0;
            let mut spent: i64 = 0;
            let mut last = 0;
            for p in 0..2 {
                let t = start + rng.below(two_years as u64) as i64;
                last = last.max(t);
                let time = stored(Utc.timestamp_opt(t, 0).unwrap());
                let amount = 10_000 * (1 + rng.below(300) as i64);
                spent += amount;
                let eid = format!("P{m}-{p}");
                event
                    .execute(params![
                        eid,
                        id,
                        "purchase",
                        time,
                        amount.to_string(),
                        version
                    ])
                    .expect("event");
                let event_seq = tx.last_insert_rowid();
                let base = amount / 10_000;
                balance += base;
                entry
                    .execute(params![
                        id,
                        eid,
                        time,
                        "base",
                        base.to_string(),
                        "1 point per 10,000 IRR",
                        version,
                        "earn",
                        event_seq
                    ])
                    .expect("entry");
                if rng.below(4) == 0 {
                    entry
                        .execute(params![
                            id,
                            eid,
                            time,
                            "weekend",
                            (base / 2).to_string(),
                            "weekend bonus",
                            version,
                            "earn",
                            event_seq
                        ])
                        .expect("entry");
                    balance += base / 2;
                }
                if (spring.0..spring.1).contains(&t) {
                    let points = base.min(500);
                    entry
                        .execute(params![
                            id,
                            eid,
                            time,
                            "spring_double",
                            points.to_string(),
                            "spring double",
                            version,
                            "earn",
                            event_seq
                        ])
                        .expect("entry");
                    spend
                        .execute(params![id, time[..10].to_owned(), points.to_string(), eid])
                        .expect("spend");
                    balance += points;
                }
            }
            // One member in five redeemed; one in ten saw points expire.
            if rng.below(5) == 0 && balance >= 20 {
                let t = last + 86_400;
                let time = stored(Utc.timestamp_opt(t.min(now.timestamp()), 0).unwrap());
                let eid = format!("R{m}");
                event
                    .execute(params![eid, id, "redeem", time, "0", version])
                    .expect("event");
                entry
                    .execute(params![
                        id,
                        eid,
                        time,
                        "reward:voucher",
                        "-20",
                        "redeemed voucher",
                        version,
                        "redeem"
                    ])
                    .expect("entry");
                balance -= 20;
            } else if rng.below(10) == 0 && balance > 0 {
                let t = last + 365 * 86_400;
                if t < now.timestamp() {
                    let time = stored(Utc.timestamp_opt(t, 0).unwrap());
                    let eid = format!("expiry:{id}:{time}");
                    event
                        .execute(params![eid, id, "expiry", time, "0", version])
                        .expect("event");
                    entry
                        .execute(params![
                            id,
                            eid,
                            time,
                            "expiry",
                            (-balance).to_string(),
                            "expired",
                            version,
                            "expire"
                        ])
                        .expect("entry");
                    balance = 0;
                }
            }
            let tier = TIERS[[0, 0, 0, 0, 0, 0, 0, 1, 1, 2][rng.below(10) as usize]];
            let last_visit = stored(Utc.timestamp_opt(last, 0).unwrap());
            member
                .execute(params![
                    id,
                    "2023-01-01",
                    balance.to_string(),
                    spent.to_string(),
                    2,
                    last_visit,
                    tier
                ])
                .expect("member");
            tier_change
                .execute(params![id, format!("tier:{id}"), last_visit, tier])
                .expect("tier change");
            if tier != "bronze" {
                let (status, reason) = match rng.below(10) {
                    0 => ("failed", Some("gateway refused")),
                    1 => ("suppressed", Some("opt_out")),
                    2 => ("pending", None),
                    _ => ("sent", None),
                };
                message
                    .execute(params![
                        format!("tier:{id}"),
                        id,
                        &last_visit[..10],
                        last_visit,
                        status,
                        reason
                    ])
                    .expect("message");
            }
            if m % 100_000 == 99_999 {
                eprintln!("  {} members written ({:.0?})", m + 1, started.elapsed());
            }
        }
    }
    tx.execute(
        "INSERT INTO clock (id, now) VALUES (1, ?1)",
        params![stored(now)],
    )
    .expect("clock");
    tx.commit().expect("commit");
    conn.execute_batch("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("analyze");
    eprintln!("ledger built in {:.1?}", started.elapsed());
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let members = env_number("BASHGAH_BENCH_MEMBERS", DEFAULT_MEMBERS);
    let rounds = env_number("BASHGAH_BENCH_ROUNDS", DEFAULT_ROUNDS).max(1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-console")
        .join(members.to_string());
    std::fs::create_dir_all(&root).expect("cache folder");
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    let club = club_folder(&root);
    let policy = match Policy::load(&club, &engine) {
        Ok((policy, _)) => policy,
        Err(problems) => panic!("the bench club does not load: {problems:?}"),
    };
    let now = Utc.with_ymd_and_hms(2025, 9, 1, 12, 0, 0).unwrap();
    let path = root.join("ledger.sqlite");
    if !path.exists() {
        eprintln!(
            "building a ledger of {members} members in {}",
            path.display()
        );
        let partial = root.join("ledger.partial.sqlite");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
        }
        build(&partial, &policy, members, now);
        std::fs::rename(&partial, &path).expect("the ledger in place");
    }
    let ledger = Ledger::open(&path).expect("the ledger");
    let (entries, rows): (i64, i64) = (
        ledger.last_entry_seq().expect("entries"),
        ledger.tier_counts().expect("members").total,
    );
    println!(
        "ledger: {rows} members, {entries} entries ({})",
        path.display()
    );
    let bench = Bench {
        ledger,
        policy,
        now,
        overview: bashgah::overview::Cache::default(),
    };
    // The tiers summed from their changes are the members' own.
    let overview =
        bashgah::overview::build(&bench.ledger, &bench.policy, bench.now, &bench.overview)
            .expect("the overview");
    let counted = bench.ledger.tier_counts().expect("tiers");
    for (tier, members) in counted.by_tier {
        let shown = overview
            .tiers
            .iter()
            .find(|t| t.tier == tier.as_deref().unwrap_or("none"));
        assert_eq!(shown.map(|t| t.members), Some(members), "tier {tier:?}");
    }
    let bench = Bench {
        overview: bashgah::overview::Cache::default(),
        ..bench
    };
    for (name, case) in cases() {
        let cold = Instant::now();
        case(&bench);
        let cold = cold.elapsed();
        let times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                case(&bench);
                t.elapsed()
            })
            .collect();
        println!(
            "{name:<12} median {:>8.1?} over {rounds} runs (fastest {:.1?}, slowest {:.1?}); first call {:.1?}",
            median(times.clone()),
            times.iter().min().copied().unwrap_or_default(),
            times.iter().max().copied().unwrap_or_default(),
            cold
        );
    }
    drop(bench);
    time_pages(&root, &club, &path, rounds);
}
