//! The import decides on one thread and writes on another, the writer reading a chunk of
//! rows ahead (src/recording/pipeline.rs). Rows that refer back to rows up to some
//! chunks before them — the same event again, the same id with other content, a
//! rejected row again, a member whose book was forgotten — must come out exactly as the
//! rules say, whatever the chunk, the batch and the books held. The same import on the calling
//! thread (`import_events_here`, what policy tests use) must write the same ledger.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use bashgah::import::{
    import_events, import_events_here, read_rows, FileFormat, ImportOptions, ImportReport,
    EVENT_COLUMNS,
};
use bashgah::ledger::Ledger;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use bashgah::recording::BookLimits;
use rust_decimal::Decimal;

const CLUB_YAML: &str = "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - id: base
    function: base_points
    description: 1 point per 10, and a basket of exactly 13 fails
";

const CLUB_RHAI: &str = "\
fn base_points(event, member) {
    if event.amount == 13 { throw \"thirteen\"; }
    event.amount / 10
}
";

fn club(dir: &std::path::Path) -> Policy {
    club_with(dir, "shop", CLUB_YAML)
}

/// The same club with points that expire after a year (none do in these rows): its
/// books carry the members' history, which is what forgotten books are kept compact for.
fn club_with_history(dir: &std::path::Path) -> Policy {
    let yaml = format!("{CLUB_YAML}points:\n  expiry:\n    after: 12m\n");
    club_with(&dir.join("expiring"), "shop", &yaml)
}

fn club_with(dir: &std::path::Path, folder: &str, yaml: &str) -> Policy {
    let club = dir.join("policies").join(folder);
    std::fs::create_dir_all(&club).unwrap();
    std::fs::write(club.join("club.yaml"), yaml).unwrap();
    std::fs::write(club.join("earn.rhai"), CLUB_RHAI).unwrap();
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    Policy::load(&club, &engine).unwrap().0
}

/// What the file should give, worked out row by row without the engine.
#[derive(Debug, Default, PartialEq)]
struct Expected {
    accepted: u64,
    duplicates: u64,
    conflicts: u64,
    rejected: u64,
    balances: BTreeMap<String, Decimal>,
}

/// 300 rows over 5 members: new purchases, and every few rows one that repeats a row
/// 1 to 23 rows back (with chunks of one and two rows, from inside the chunks read
/// ahead to past them) — exactly (a duplicate, or a rejection again), or with another
/// amount (a conflict) — and baskets of 13 that fail.
fn rows() -> (String, Expected) {
    let mut csv = String::from("id,member,date,amount\n");
    let mut written: Vec<(String, String, u32, u32)> = Vec::new();
    // Id -> the amount it was accepted with.
    let mut accepted: BTreeMap<String, u32> = BTreeMap::new();
    let mut expected = Expected::default();
    for i in 0..300u32 {
        let back = 1 + (i as usize * 7) % 23;
        let (id, member, day, amount) = if i % 4 == 3 && written.len() >= back {
            let (id, member, day, amount) = written[written.len() - back].clone();
            // Every other repeat changes the amount: the same id with other content.
            let amount = if i % 8 == 7 { amount + 20 } else { amount };
            (id, member, day, amount)
        } else if i % 11 == 5 {
            (format!("X{i}"), format!("M{}", i % 5), 1 + i % 28, 13)
        } else {
            (format!("P{i}"), format!("M{}", i % 5), 1 + i % 28, 20 + i)
        };
        writeln!(csv, "{id},{member},2025-03-{day:02} 10:00,{amount}").unwrap();
        if let Some(&first) = accepted.get(&id) {
            if first == amount {
                expected.duplicates += 1;
            } else {
                expected.conflicts += 1;
            }
        } else if amount == 13 {
            // Rejected, and again the same way when the same row comes back. A rejected
            // id with other content is decided afresh (below).
            expected.rejected += 1;
        } else {
            expected.accepted += 1;
            accepted.insert(id.clone(), amount);
            *expected.balances.entry(member.clone()).or_default() += Decimal::from(amount / 10);
        }
        written.push((id, member, day, amount));
    }
    assert!(expected.duplicates > 10 && expected.conflicts > 10 && expected.rejected > 20);
    (csv, expected)
}

/// `import_events` or `import_events_here`.
type Importer = fn(
    &Ledger,
    &Policy,
    bashgah::import::Rows,
    ImportOptions,
) -> Result<ImportReport, bashgah::ledger::LedgerError>;

fn import(ledger: &Ledger, policy: &Policy, csv: &str, options: ImportOptions) -> Expected {
    import_with(import_events, ledger, policy, csv, options)
}

/// The rows of a CSV file of events.
fn csv_rows(csv: &str) -> bashgah::import::Rows {
    read_rows(
        std::io::Cursor::new(csv.as_bytes().to_vec()),
        FileFormat::Csv,
        "rows.csv",
        &EVENT_COLUMNS,
    )
    .unwrap()
}

fn import_with(
    importer: Importer,
    ledger: &Ledger,
    policy: &Policy,
    csv: &str,
    options: ImportOptions,
) -> Expected {
    let report = importer(ledger, policy, csv_rows(csv), options).unwrap();
    let balances = ledger
        .member_balances()
        .unwrap()
        .into_iter()
        .map(|(id, balance, _)| (id, balance))
        .collect();
    Expected {
        accepted: report.accepted,
        duplicates: report.duplicates,
        conflicts: report.conflicts,
        rejected: report.rejected,
        balances,
    }
}

#[test]
fn rows_that_refer_back_come_out_the_same_whatever_the_chunk_batch_and_books() {
    let dir = crate::scratch();
    let plain = club(dir.path());
    let with_history = club_with_history(dir.path());
    let (csv, expected) = rows();
    let few = BookLimits {
        members: 1,
        facts: 3,
        history_facts: 3,
        cold_bytes: 0,
    };
    for chunk in [1, 2, 3, 5, 8, 256] {
        for batch_size in [1, 4, 1_000] {
            for (club, policy, books) in [
                ("plain", &plain, BookLimits::default()),
                ("plain", &plain, few),
                ("with history", &with_history, few),
                // Forgotten books kept compact (only for books with history): some
                // come back from there, the ones forgotten earliest are dropped and
                // read back from the ledger.
                (
                    "with history",
                    &with_history,
                    BookLimits {
                        cold_bytes: 4_000,
                        ..few
                    },
                ),
            ] {
                let ledger = Ledger::open_in_memory().unwrap();
                let options = ImportOptions {
                    chunk,
                    batch_size,
                    books,
                    ..ImportOptions::default()
                };
                let got = import(&ledger, policy, &csv, options);
                assert_eq!(
                    got, expected,
                    "{club}: chunk {chunk}, batch {batch_size}, {books:?}"
                );
                // The same file again: every row is a duplicate, a conflict, or a row
                // rejected before and rejected again; nothing changes.
                let again = import(&ledger, policy, &csv, options);
                assert_eq!(again.accepted, 0, "chunk {chunk}, batch {batch_size}");
                assert_eq!(again.duplicates + again.conflicts + again.rejected, 300);
                assert_eq!(again.balances, expected.balances);
            }
        }
    }
}

/// Policy tests import each step on the calling thread, without the reading and writing
/// threads: the same rows must give the same report and the very same ledger, row for
/// row, as through the threads, whatever the chunk and the batch.
#[test]
fn importing_on_the_calling_thread_writes_what_the_threads_write() {
    let dir = crate::scratch();
    let policy = club(dir.path());
    let (csv, expected) = rows();
    for chunk in [1, 3, 256] {
        for batch_size in [1, 1_000] {
            let options = ImportOptions {
                chunk,
                batch_size,
                ..ImportOptions::default()
            };
            let (threads, here) = (
                Ledger::open_in_memory().unwrap(),
                Ledger::open_in_memory().unwrap(),
            );
            assert_eq!(import(&threads, &policy, &csv, options), expected);
            let got = import_with(import_events_here, &here, &policy, &csv, options);
            assert_eq!(got, expected, "chunk {chunk}, batch {batch_size}");
            assert_eq!(
                here.dump().unwrap(),
                threads.dump().unwrap(),
                "chunk {chunk}, batch {batch_size}"
            );
            // Again: nothing changes, the same way.
            let again = import_with(import_events_here, &here, &policy, &csv, options);
            assert_eq!(again.accepted, 0);
            assert_eq!(again.duplicates + again.conflicts + again.rejected, 300);
            assert_eq!(here.dump().unwrap(), threads.dump().unwrap());
        }
    }
}

/// Books are most of an import's memory, and every entry names its rule and the policy
/// version that awarded it (a 64-character hash): read back from the ledger, a book's
/// entries share one copy of each, with the books read after it and with the entries the
/// decisions add (issue 14).
#[test]
fn entries_read_back_share_their_rule_names_and_policy_version() {
    let dir = crate::scratch();
    let policy = club(dir.path());
    let ledger = Ledger::open_in_memory().unwrap();
    let csv =
        "id,member,date,amount\nP1,M1,2025-03-01,100\nP2,M2,2025-03-02,250\nP3,M1,2025-03-03,70\n";
    let imported = import(&ledger, &policy, csv, ImportOptions::default());
    assert_eq!(imported.accepted, 3);
    let needs = bashgah::decide::BookNeeds::all();
    ledger.begin().unwrap();
    let first = ledger.load_book("M1", needs).unwrap().expect("M1");
    let second = ledger.load_book("M2", needs).unwrap().expect("M2");
    ledger.rollback().unwrap();
    let entries: Vec<_> = first.entries.iter().chain(&second.entries).collect();
    let points: Vec<String> = entries.iter().map(|e| e.points.to_string()).collect();
    assert_eq!(points, ["10", "7", "25"]);
    for entry in &entries {
        assert_eq!(&*entry.rule, "base");
        assert_eq!(&*entry.policy_version, policy.id.as_str());
        assert!(Arc::ptr_eq(&entry.rule, &entries[0].rule));
        assert!(Arc::ptr_eq(
            &entry.policy_version,
            &entries[0].policy_version
        ));
    }
    // What a decision adds shares them too.
    let added = bashgah::decide::shared_text(&policy.id);
    assert!(Arc::ptr_eq(&added, &entries[0].policy_version));
}

/// A members file is one transaction of profiles: the books it touches are bounded as an
/// event import's are (every profile's book stayed held to its end: a kilobyte a member,
/// a gigabyte for a million), and the members forgotten midway are all written.
#[test]
fn a_members_file_holds_no_more_books_than_the_bound_and_writes_every_member() {
    use bashgah::member::MemberState;
    use bashgah::recording::{ProfileOutcome, Recorder};
    use chrono::NaiveDate;

    let dir = tempfile::tempdir().unwrap();
    let policy = club(dir.path());
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).unwrap();
    let at = "2025-01-01T00:00:00Z".parse().unwrap();
    let profile = |i: u32| {
        let mut member = MemberState::new(
            &format!("m{i:03}"),
            "individual",
            NaiveDate::from_ymd_opt(2024, 1, 1 + i % 28).unwrap(),
        );
        member.birthday = NaiveDate::from_ymd_opt(1990, 1 + i % 12, 1);
        member
    };
    ledger.begin().unwrap();
    let mut recorder = Recorder::new(&ledger, &policy).book_limits(BookLimits {
        members: 8,
        ..BookLimits::default()
    });
    let mut most_held = 0;
    for i in 0..100 {
        let outcome = recorder.profile(&profile(i), true, &[], "members file", at);
        assert_eq!(outcome.unwrap(), ProfileOutcome::Created);
        most_held = most_held.max(recorder.held_books());
    }
    recorder.finish().unwrap();
    ledger.commit().unwrap();
    assert!(most_held <= 8, "{most_held} books held");
    let reader = Recorder::new(&ledger, &policy);
    for i in 0..100 {
        let (member, joined_known) = reader.member_state(&profile(i).id).unwrap().unwrap();
        assert!(joined_known);
        assert_eq!(
            (member.joined, member.birthday),
            (profile(i).joined, profile(i).birthday)
        );
    }
}

/// A new ledger's first import that stops on a database failure (a trigger refuses the
/// 150th event) still gives the ledger back as it takes it: in WAL mode, with every index
/// the migrations made (those the import deferred built again), and with the batches
/// committed before the failure.
#[test]
fn a_first_import_that_fails_gives_the_ledger_back_in_wal_with_every_index() {
    let dir = crate::scratch();
    let policy = club(dir.path());
    let path = dir.path().join("failing.sqlite");
    let indexes = |conn: &rusqlite::Connection| -> Vec<(String, String)> {
        let mut statement = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap();
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)));
        rows.unwrap().map(Result::unwrap).collect()
    };
    drop(Ledger::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let migrated = indexes(&conn);
    conn.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.id = 'P150'
         BEGIN SELECT RAISE(ABORT, 'refused'); END;",
    )
    .unwrap();
    drop(conn);
    let mut csv = String::from("id,member,date,amount\n");
    for i in 0..300 {
        writeln!(
            csv,
            "P{i},M{},2025-03-{:02} 10:00,{}",
            i % 5,
            1 + i % 28,
            20 + i
        )
        .unwrap();
    }
    let rows = read_rows(
        std::io::Cursor::new(csv.into_bytes()),
        FileFormat::Csv,
        "rows.csv",
        &EVENT_COLUMNS,
    )
    .unwrap();
    let ledger = Ledger::open(&path).unwrap();
    let options = ImportOptions {
        batch_size: 100,
        ..ImportOptions::default()
    };
    let failed = import_events(&ledger, &policy, rows, options);
    assert!(failed.unwrap_err().to_string().contains("refused"));
    drop(ledger);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(indexes(&conn), migrated);
    let events: i64 = conn
        .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 100);
}

/// The import benchmark's realistic club (benches/realistic): tiers over the calendar
/// year with a review, expiry with notices, a deal and a campaign.
fn realistic_club() -> Policy {
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/realistic");
    Policy::load(&folder, &engine).unwrap().0
}

/// `count` purchases by `members` members through 2025 and into 2026, in time order, of
/// amounts that take many of them to silver or gold within the year (IRR, the realistic
/// benchmark club's currency), drawn from a fixed seed.
fn purchases_over_a_year(members: u64, count: u64) -> String {
    let mut csv = String::from("id,member,date,amount,type,original,store\n");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        seed >> 33
    };
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    for n in 0..count {
        // 450 days in all, so that the year is reviewed and the first lots expire.
        let day = start + chrono::Days::new(n * 450 / count);
        let member = next() % members;
        let amount = 500_000 + (next() % 40) * 250_000;
        writeln!(csv, "P{n},M{member},{day} 10:00,{amount},purchase,,s1").unwrap();
    }
    csv
}

/// A new ledger file's first import writes straight into the file, and leaves out the
/// index members' histories are read through until a history must be read
/// (`ledger::bulk`): a member it has written nothing for is read without one, since the
/// ledger had no events. Whatever books are held (every one, or one at a time with the
/// rest let go and read back through the index built then), the ledger is the one an
/// import into a ledger in memory, never in bulk, writes: tiers over the year, the
/// year's review, the deal, expiry and its notices included.
#[test]
fn a_first_import_into_a_new_file_writes_what_an_import_in_memory_writes() {
    let dir = crate::scratch();
    let csv = purchases_over_a_year(40, 800);
    let one_at_a_time = BookLimits {
        members: 1,
        facts: 3,
        history_facts: 3,
        cold_bytes: 0,
    };
    // The realistic club, and one whose only history is its lots (no tier changes, whose
    // events would also say which members have some).
    let clubs = [
        (realistic_club(), "\"gold\""),
        (club_with_history(dir.path()), "\"expire\""),
    ];
    for (policy, shown) in &clubs {
        let reference = Ledger::open_in_memory().unwrap();
        import(&reference, policy, &csv, ImportOptions::default());
        let expected = reference.dump().unwrap();
        assert!(expected.contains(shown), "{shown} in {expected}");
        for (n, books) in [BookLimits::default(), one_at_a_time]
            .into_iter()
            .enumerate()
        {
            for chunk in [1, 256] {
                let file = format!("{}-{n}-{chunk}.sqlite", policy.club.id);
                let ledger = Ledger::open(&dir.path().join(file)).unwrap();
                let options = ImportOptions {
                    chunk,
                    books,
                    ..ImportOptions::default()
                };
                import(&ledger, policy, &csv, options);
                let club = &policy.club.id;
                assert_eq!(
                    ledger.dump().unwrap(),
                    expected,
                    "{club}: {books:?}, chunk {chunk}"
                );
            }
        }
    }
}

/// An import told how many rows are coming (`ImportOptions::expected_rows`, the file's
/// lines counted ahead) holds few books whole from early on when the club's books carry
/// histories and will not all fit, instead of finding out when the larger bound is full.
/// What it is told changes only memory: told nothing, the right number, or far too many
/// (so that books are compacted and thawed from the first few purchases), the realistic
/// club writes the same ledger.
#[test]
fn what_an_import_expects_of_its_file_changes_no_row_of_the_ledger() {
    let csv = purchases_over_a_year(40, 800);
    let policy = realistic_club();
    let reference = Ledger::open_in_memory().unwrap();
    import(&reference, &policy, &csv, ImportOptions::default());
    let expected = reference.dump().unwrap();
    assert!(expected.contains("\"gold\""), "tier moves in {expected}");
    // Forty books fit whole under `facts`; the smaller bound holds a few of them.
    let books = BookLimits {
        members: 1_000,
        facts: 1_000_000,
        history_facts: 300,
        cold_bytes: 64 << 10,
    };
    for expected_rows in [None, Some(800), Some(1_000_000_000)] {
        for batch_size in [50, 1_000] {
            let ledger = Ledger::open_in_memory().unwrap();
            let options = ImportOptions {
                batch_size,
                books,
                expected_rows,
                ..ImportOptions::default()
            };
            import(&ledger, &policy, &csv, options);
            assert_eq!(
                ledger.dump().unwrap(),
                expected,
                "expecting {expected_rows:?}, batch {batch_size}"
            );
        }
    }
    // Told by the rows themselves (a file opened by the command line says its lines):
    // far too many, the same ledger.
    let ledger = Ledger::open_in_memory().unwrap();
    let rows = bashgah::import::at_most(csv_rows(&csv), Some(1_000_000_000));
    let options = ImportOptions {
        books,
        ..ImportOptions::default()
    };
    bashgah::import::import_events(&ledger, &policy, rows, options).unwrap();
    assert_eq!(ledger.dump().unwrap(), expected, "told by the rows");
}

/// The host process records each group of posted events in a transaction of its own and
/// hands its books on to the next group (`Recorder::resume`, `finish_keeping`). Where a
/// club's decisions read histories, it keeps forgotten books compact, and past a bound
/// it forgets one book in sixteen (at least one), not half (issue 14: compacting half of
/// 10,000 books held a request up for tens of milliseconds). With bounds this small,
/// members' books go compact and come back, or are let go and read back from the
/// ledger, at nearly every event: the ledger must be the one an import writes.
#[test]
fn posting_group_by_group_with_books_kept_compact_writes_what_an_import_writes() {
    use bashgah::import::event_from_row;
    use bashgah::recording::Recorder;
    let dir = crate::scratch();
    let csv = purchases_over_a_year(40, 800);
    let clubs = [realistic_club(), club_with_history(dir.path())];
    for policy in &clubs {
        let reference = Ledger::open_in_memory().unwrap();
        import(&reference, policy, &csv, ImportOptions::default());
        let expected = reference.dump().unwrap();
        let events: Vec<_> = csv_rows(&csv)
            .map(|row| event_from_row(&row.unwrap(), policy).unwrap())
            .collect();
        // Room for every forgotten book compact, then for a few (the ones forgotten
        // earliest are let go).
        for (cold_bytes, group) in [(1 << 20, 1), (6_000, 3)] {
            let limits = BookLimits {
                members: 8,
                facts: 400,
                history_facts: 400,
                cold_bytes,
            };
            let ledger = Ledger::open_in_memory().unwrap();
            let mut kept = None;
            for posted in events.chunks(group) {
                ledger.begin().unwrap();
                let mut recorder = Recorder::resume(&ledger, policy, kept.take())
                    .book_limits(limits)
                    .forget_in_parts(16);
                for event in posted {
                    recorder.event(event, event.fingerprint()).unwrap();
                    assert!(recorder.held_books() <= limits.members);
                }
                kept = recorder.finish_keeping().unwrap();
                ledger.commit().unwrap();
            }
            let club = &policy.club.id;
            assert_eq!(
                ledger.dump().unwrap(),
                expected,
                "{club}: {cold_bytes} bytes compact, groups of {group}"
            );
        }
    }
}
