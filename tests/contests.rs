//! Contests (issue 18): a leaderboard's prizes with each way of breaking ties, a draw run
//! again from its recorded seed (and a tampered result caught), advancing twice giving
//! once, a late event, the same results however the events were batched, and the same on
//! PostgreSQL.

use std::path::Path;

fn bashgah(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = crate::bashgah_command()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run bashgah");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + String::from_utf8_lossy(&output.stderr).as_ref(),
    )
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out) = bashgah(dir, args);
    assert_eq!(code, 0, "bashgah {args:?}: {out}");
    out
}

const RULES: &str = "fn base_points(event, member) { event.amount / 100 }\n";

fn club(contests: &str) -> String {
    format!(
        "id: shop\nname: Corner Shop\ncurrency: EUR\ntimezone: UTC\n\
         rules:\n  - {{id: base, function: base_points, description: 1 point per 100}}\n\
         contests:\n{contests}"
    )
}

fn workspace(club: &str, events: &str) -> tempfile::TempDir {
    let dir = crate::scratch();
    let club_dir = dir.path().join("policies/shop");
    std::fs::create_dir_all(&club_dir).expect("mkdir");
    std::fs::write(club_dir.join("club.yaml"), club).expect("club");
    std::fs::write(club_dir.join("earn.rhai"), RULES).expect("rules");
    std::fs::write(dir.path().join("events.csv"), events).expect("events");
    dir
}

/// `(event, rule, points, reason)` of every contest entry of the ledger, by member.
fn prize_entries(dir: &Path) -> Vec<(String, String, String, String)> {
    let ledger = rusqlite::Connection::open(dir.join("data/shop.sqlite")).expect("ledger");
    let mut statement = ledger
        .prepare("SELECT member, event, points, reason FROM ledger WHERE rule LIKE 'contest:%' ORDER BY member, event")
        .expect("query");
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect()
}

fn prize(
    member: &str,
    event: &str,
    points: &str,
    reason: &str,
) -> (String, String, String, String) {
    (member.into(), event.into(), points.into(), reason.into())
}

/// Four members' visits in March: M1 and M2 tie on two (M1 first), M3 and M4 tie on one
/// (M4 first).
const TIED: &str = "id,member,date,amount\n\
    P1,M1,2025-03-01 09:00,100\n\
    P2,M2,2025-03-02 09:00,100\n\
    P3,M4,2025-03-03 09:00,100\n\
    P4,M1,2025-03-04 09:00,100\n\
    P5,M3,2025-03-05 09:00,100\n\
    P6,M2,2025-03-06 09:00,100\n";

fn board(ties: &str) -> String {
    format!(
        "  leaderboards:\n    - id: visits\n      name: Most visits\n      window: {{from: 2025-03-01, to: 2025-03-31}}\n\
         \x20     metric: visits\n      ties: {ties}\n      prizes:\n\
         \x20       - {{rank: 1, points: 100, badge: champion}}\n        - {{rank: 2, points: 50}}\n        - {{rank: 3, points: 21}}\n"
    )
}

fn run_board(ties: &str) -> Vec<(String, String, String, String)> {
    let dir = workspace(&club(&board(ties)), TIED);
    ok(dir.path(), &["import", "shop", "events.csv"]);
    let out = ok(dir.path(), &["advance", "shop", "--to", "2025-04-01"]);
    assert!(out.contains("1 contest decided"), "{out}");
    prize_entries(dir.path())
}

#[test]
fn earliest_ranks_who_reached_the_score_first() {
    assert_eq!(
        run_board("earliest"),
        vec![
            prize(
                "M1",
                "contest:visits:2025-03-01:M1",
                "100",
                "place 1 in Most visits (2025-03-01), score 2"
            ),
            prize(
                "M2",
                "contest:visits:2025-03-01:M2",
                "50",
                "place 2 in Most visits (2025-03-01), score 2"
            ),
            // M4 reached one visit before M3.
            prize(
                "M4",
                "contest:visits:2025-03-01:M4",
                "21",
                "place 3 in Most visits (2025-03-01), score 1"
            ),
        ]
    );
}

#[test]
fn most_recent_ranks_who_reached_the_score_last() {
    assert_eq!(
        run_board("most_recent"),
        vec![
            prize(
                "M1",
                "contest:visits:2025-03-01:M1",
                "50",
                "place 2 in Most visits (2025-03-01), score 2"
            ),
            prize(
                "M2",
                "contest:visits:2025-03-01:M2",
                "100",
                "place 1 in Most visits (2025-03-01), score 2"
            ),
            prize(
                "M3",
                "contest:visits:2025-03-01:M3",
                "21",
                "place 3 in Most visits (2025-03-01), score 1"
            ),
        ]
    );
}

#[test]
fn split_shares_the_places_held_and_their_points() {
    // M1 and M2 hold places 1 and 2: (100 + 50) / 2 each, and the first place's badge.
    // M3 and M4 hold 3 and 4: 21 / 2 = 10.5, rounded down to whole points.
    assert_eq!(
        run_board("split"),
        vec![
            prize(
                "M1",
                "contest:visits:2025-03-01:M1",
                "75",
                "place 1 in Most visits (2025-03-01), score 2"
            ),
            prize(
                "M2",
                "contest:visits:2025-03-01:M2",
                "75",
                "place 1 in Most visits (2025-03-01), score 2"
            ),
            prize(
                "M3",
                "contest:visits:2025-03-01:M3",
                "10",
                "place 3 in Most visits (2025-03-01), score 1"
            ),
            prize(
                "M4",
                "contest:visits:2025-03-01:M4",
                "10",
                "place 3 in Most visits (2025-03-01), score 1"
            ),
        ]
    );
}

#[test]
fn all_gives_each_tied_member_the_best_shared_place() {
    assert_eq!(
        run_board("all"),
        vec![
            prize(
                "M1",
                "contest:visits:2025-03-01:M1",
                "100",
                "place 1 in Most visits (2025-03-01), score 2"
            ),
            prize(
                "M2",
                "contest:visits:2025-03-01:M2",
                "100",
                "place 1 in Most visits (2025-03-01), score 2"
            ),
            prize(
                "M3",
                "contest:visits:2025-03-01:M3",
                "21",
                "place 3 in Most visits (2025-03-01), score 1"
            ),
            prize(
                "M4",
                "contest:visits:2025-03-01:M4",
                "21",
                "place 3 in Most visits (2025-03-01), score 1"
            ),
        ]
    );
}

const DRAW: &str = "  draws:\n    - id: spring\n      name: Spring draw\n      window: {from: 2025-03-01, to: 2025-03-31}\n\
    \x20     entries: {per: 100}\n      max_entries: 4\n      prizes: [{points: 500}, {points: 100}]\n";

const SPRING: &str = "id,member,date,amount\n\
    S1,M1,2025-03-01 09:00,250\n\
    S2,M2,2025-03-02 09:00,1000\n\
    S3,M3,2025-03-03 09:00,99\n\
    S4,M1,2025-03-04 09:00,100\n\
    S5,M4,2025-03-05 09:00,300\n\
    S6,M5,2025-04-01 09:00,900\n";

#[test]
fn a_draw_is_run_again_from_its_recorded_seed_and_a_changed_result_is_caught() {
    let dir = workspace(&club(DRAW), SPRING);
    ok(dir.path(), &["import", "shop", "events.csv"]);
    ok(dir.path(), &["advance", "shop", "--to", "2025-04-02"]);
    let json: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["contest", "shop", "spring", "--json"]))
            .expect("json");
    let result = &json[0]["results"][0];
    // Entries: M1 2 + 1, M2 10 capped at 4, M3 none (99 < 100), M4 3; M5 after the window.
    assert_eq!(result["participants"], 3);
    assert_eq!(result["entries"], 10);
    let seed = result["seed"].as_str().expect("seed");
    // The seed is the SHA-256 of the text the reference describes, which anyone can
    // write out from the entries.
    let text = "bashgah draw\nclub shop\ndraw spring\nwindow 2025-03-01\nseed \nM1 3\nM2 4\nM4 3\n";
    let digest: String = <sha2::Sha256 as sha2::Digest>::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(seed, digest);
    let winners: Vec<&str> = result["prizes"]
        .as_array()
        .expect("prizes")
        .iter()
        .map(|p| p["member"].as_str().expect("member"))
        .collect();
    assert_eq!(winners.len(), 2);
    assert_ne!(winners[0], winners[1], "no one wins twice");
    assert!(winners.iter().all(|w| ["M1", "M2", "M4"].contains(w)));
    let (code, out) = bashgah(dir.path(), &["contest", "shop", "spring", "--verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("spring 2025-03-01: matches the ledger: 1 "),
        "{out}"
    );
    assert!(out.contains(&format!("seed {seed}")), "{out}");

    // Someone changes the recorded winner: verify says so, and fails.
    let ledger = rusqlite::Connection::open(dir.path().join("data/shop.sqlite")).expect("ledger");
    ledger
        .execute(
            "UPDATE contest_prizes SET member = 'M3' WHERE contest = 'spring' AND rank = 1",
            [],
        )
        .expect("tamper");
    drop(ledger);
    let (code, out) = bashgah(dir.path(), &["contest", "shop", "spring", "--verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DIFFERS: recorded 1 M3"), "{out}");
}

#[test]
fn advancing_again_gives_nothing_twice_and_a_late_event_leaves_the_result_as_it_was() {
    let dir = workspace(&club(DRAW), SPRING);
    ok(dir.path(), &["import", "shop", "events.csv"]);
    ok(dir.path(), &["advance", "shop", "--to", "2025-04-02"]);
    let before = prize_entries(dir.path());
    assert_eq!(before.len(), 2);
    let out = ok(dir.path(), &["advance", "shop", "--to", "2025-05-01"]);
    assert!(!out.contains("contest"), "{out}");
    std::fs::write(
        dir.path().join("late.csv"),
        "id,member,date,amount\nL1,M3,2025-03-20 09:00,5000\n",
    )
    .expect("late");
    ok(dir.path(), &["import", "shop", "late.csv"]);
    ok(dir.path(), &["advance", "shop", "--to", "2025-05-02"]);
    assert_eq!(prize_entries(dir.path()), before);
    let ledger = rusqlite::Connection::open(dir.path().join("data/shop.sqlite")).expect("ledger");
    let late: i64 = ledger
        .query_row(
            "SELECT COUNT(*) FROM contest_scores WHERE event = 'L1'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(late, 0, "a late event scores nothing in a decided window");
    let (code, out) = bashgah(dir.path(), &["contest", "shop", "spring", "--verify"]);
    assert_eq!(code, 0, "{out}");
}

/// Everything the contest tables hold, in order.
fn contest_tables(dir: &Path) -> String {
    let ledger = rusqlite::Connection::open(dir.join("data/shop.sqlite")).expect("ledger");
    let mut out = String::new();
    for query in [
        "SELECT contest, window_key, member, event, value, time FROM contest_scores ORDER BY 1, 2, 3, 4",
        "SELECT contest, window_key, kind, decided_at, COALESCE(seed, ''), participants, entries FROM contest_results ORDER BY 1, 2",
        "SELECT contest, window_key, rank, member, score, points, COALESCE(badge, ''), COALESCE(event, '') FROM contest_prizes ORDER BY 1, 2, 3, 4",
        "SELECT member, event, points, reason FROM ledger ORDER BY member, event, rule",
    ] {
        let mut statement = ledger.prepare(query).expect("query");
        let columns = statement.column_count();
        let rows = statement
            .query_map([], |r| {
                (0..columns)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                    .collect::<Result<Vec<_>, _>>()
            })
            .expect("rows");
        for row in rows {
            out.push_str(&row.expect("row").join("|"));
            out.push('\n');
        }
        out.push_str("--\n");
    }
    out
}

#[test]
fn the_results_are_the_same_however_the_events_were_batched() {
    let contests = format!(
        "{}  draws:\n    - id: monthly\n      window: {{period: month}}\n      entries: {{per: 100}}\n      prizes: [{{points: 30}}, {{points: 20}}]\n",
        board("split").replace("window: {from: 2025-03-01, to: 2025-03-31}", "window: {period: month}")
    );
    let mut events = String::from("id,member,date,amount\n");
    for i in 0..60u32 {
        events.push_str(&format!(
            "E{i},M{},2025-{:02}-{:02} 10:00,{}\n",
            i * 7 % 9,
            3 + i / 20,
            1 + i % 20,
            100 + (i * 37 % 11) * 50
        ));
    }
    let whole = workspace(&club(&contests), &events);
    ok(whole.path(), &["import", "shop", "events.csv"]);
    ok(whole.path(), &["advance", "shop", "--to", "2025-06-01"]);
    let expected = contest_tables(whole.path());
    assert!(
        expected.contains("Text(\"monthly\")|Text(\"2025-03-01\")|Text(\"draw\")"),
        "{expected}"
    );

    let single = workspace(&club(&contests), &events);
    ok(
        single.path(),
        &["import", "shop", "events.csv", "--batch-size", "1"],
    );
    ok(single.path(), &["advance", "shop", "--to", "2025-06-01"]);
    assert_eq!(contest_tables(single.path()), expected, "batches of 1");

    // In two files, with an advance between that closes March's window on the way.
    let split = workspace(&club(&contests), &events);
    let lines: Vec<&str> = events.lines().collect();
    let header = lines[0];
    let (first, second) = lines[1..].split_at(25);
    std::fs::write(
        split.path().join("a.csv"),
        format!("{header}\n{}\n", first.join("\n")),
    )
    .expect("a");
    std::fs::write(
        split.path().join("b.csv"),
        format!("{header}\n{}\n", second.join("\n")),
    )
    .expect("b");
    ok(
        split.path(),
        &["import", "shop", "a.csv", "--batch-size", "7"],
    );
    ok(
        split.path(),
        &["import", "shop", "b.csv", "--batch-size", "3"],
    );
    ok(split.path(), &["advance", "shop", "--to", "2025-06-01"]);
    assert_eq!(contest_tables(split.path()), expected, "split files");
}

#[test]
fn a_bad_contest_is_reported_where_it_is_written() {
    let contests = "  draws:\n    - id: bad\n      window: {period: month, from: 2025-01-01}\n      entries: {}\n      prizes: []\n";
    let dir = workspace(&club(contests), "id,member,date,amount\n");
    let (code, out) = bashgah(dir.path(), &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("contest `bad`: a window is `from` and `to`, or `period`"),
        "{out}"
    );
    assert!(
        out.contains("contest `bad`: give entries either `per`"),
        "{out}"
    );
    assert!(out.contains("contest `bad` has no prizes"), "{out}");
    assert!(out.contains("policies/shop/club.yaml:"), "{out}");
}

#[test]
fn the_member_sees_their_place_entries_and_prizes() {
    let contests = format!("{}{DRAW}", board("earliest"));
    let dir = workspace(&club(&contests), TIED);
    ok(dir.path(), &["import", "shop", "events.csv"]);
    let open = ok(dir.path(), &["member", "shop", "M2"]);
    assert!(
        open.contains("contests:\n  Spring draw 2025-03-01: 2 entries (open)\n  Most visits 2025-03-01: score 2, place 2 of 4 (open)\n"),
        "{open}"
    );
    ok(dir.path(), &["advance", "shop", "--to", "2025-04-01"]);
    let shown = ok(dir.path(), &["member", "shop", "M1"]);
    assert!(
        shown.contains(
            "  Most visits 2025-03-01: score 2, place 1 of 4, won 100 points, badge champion\n"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("  Spring draw 2025-03-01: 2 entries"),
        "{shown}"
    );
    let report = ok(dir.path(), &["report", "shop"]);
    assert!(
        report.contains("Contests:\nleaderboard Most visits (`visits`), by visits\n"),
        "{report}"
    );
}

#[test]
fn postgres_gives_the_same_results() {
    let Some(database) = crate::pg::PgDatabase::fresh("contests") else {
        return;
    };
    let contests = format!("{}{DRAW}", board("split"));
    let events = format!(
        "{TIED}{}",
        SPRING.trim_start_matches("id,member,date,amount\n")
    );
    let sqlite = workspace(&club(&contests), &events);
    ok(sqlite.path(), &["import", "shop", "events.csv"]);
    ok(sqlite.path(), &["advance", "shop", "--to", "2025-04-02"]);
    ok(sqlite.path(), &["advance", "shop", "--to", "2025-04-03"]);
    let expected = ok(sqlite.path(), &["contest", "shop", "--json"]);
    let pg = workspace(&club(&contests), &events);
    let url = database.url.as_str();
    ok(
        pg.path(),
        &["--database", url, "import", "shop", "events.csv"],
    );
    ok(
        pg.path(),
        &["--database", url, "advance", "shop", "--to", "2025-04-02"],
    );
    ok(
        pg.path(),
        &["--database", url, "advance", "shop", "--to", "2025-04-03"],
    );
    assert_eq!(
        ok(pg.path(), &["--database", url, "contest", "shop", "--json"]),
        expected
    );
    let verified = ok(
        pg.path(),
        &["--database", url, "contest", "shop", "spring", "--verify"],
    );
    assert!(verified.contains("matches the ledger"), "{verified}");
    assert_eq!(
        ok(
            pg.path(),
            &["--database", url, "member", "shop", "M1", "--json"]
        ),
        ok(sqlite.path(), &["member", "shop", "M1", "--json"])
    );
}

/// A row whose id is a prize's (`contest:<contest>:<window>:<member>`) is refused at its
/// id; before, it was accepted and then the window's prizes could not be written, so
/// `advance` failed and the clock could never pass the window's end.
#[test]
fn an_event_id_of_a_prizes_form_is_refused_and_the_prizes_are_given() {
    let events = format!("{TIED}contest:visits:2025-03-01:M1,M5,2025-03-07 09:00,100\n");
    let dir = workspace(&club(&board("earliest")), &events);
    let (code, out) = bashgah(dir.path(), &["import", "shop", "events.csv"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "events.csv:8: column `id`: `contest:visits:2025-03-01:M1`: ids beginning with `contest:` are kept for the contests' prizes; give the event another id"
        ),
        "{out}"
    );
    assert!(out.contains("6 accepted"), "{out}");
    let out = ok(dir.path(), &["advance", "shop", "--to", "2025-04-01"]);
    assert!(out.contains("1 contest decided"), "{out}");
    assert_eq!(prize_entries(dir.path()).len(), 3);
}
