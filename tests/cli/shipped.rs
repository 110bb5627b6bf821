//! What ships: every club under `policies/` checks clean, every example imports, the
//! policy-test benchmark's club passes its suite, and the schema file editors use is
//! current. The README's own commands are run in `readme.rs`.

use std::fs;
use std::path::Path;

use crate::cli::harness::{bashgah, copy_dir, Test};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_shipped_club_checks_clean() {
    let output = bashgah(
        repo(),
        &[
            "check".into(),
            repo().join("policies").display().to_string(),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.ends_with(" checked, 0 failed\n"), "{stdout}");
}

/// Every shipped club comes with policy tests, and they pass.
#[test]
fn every_shipped_club_passes_its_policy_tests() {
    let output = bashgah(
        repo(),
        &[
            "test".into(),
            "--policies".into(),
            repo().join("policies").display().to_string(),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.ends_with(" failed\n") && stdout.contains(", 0 failed"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("uncovered rules"),
        "every rule of a shipped club is tested: {stdout}"
    );
    // Every shipped plugin carries a test club, and `bashgah test` runs it.
    let plugins = bashgah::policy::plugins::discover(&repo().join("plugins"));
    assert!(plugins.len() >= 5, "{plugins:?}");
    for plugin in &plugins {
        assert!(plugin.manifest.is_some(), "{} has a manifest", plugin.name);
        assert!(
            stdout.contains(&format!("{}: ", plugin.name))
                && stdout.contains(&format!(
                    "plugins/{}/tests/{}/tests",
                    plugin.name, plugin.name
                )),
            "the tests of plugin {} ran: {stdout}",
            plugin.name
        );
    }
    for club in bashgah::policy::discover_clubs(&repo().join("policies")).unwrap() {
        assert!(
            club.join("tests").is_dir(),
            "{} has no tests",
            club.display()
        );
    }
}

/// `cargo bench --bench policy_tests` times the suite of `benches/policy_suite/`: it must
/// pass (its expectations were worked out apart from bashgah, by
/// benches/write_policy_suite.py), cover every rule, and be the 1,000 steps the benchmark
/// reports. Its 128 cases reuse the same member and event ids, so they pass only if each
/// case starts from an empty ledger of its own.
#[test]
fn the_policy_test_benchmark_club_passes_its_1000_steps() {
    let club = repo().join("benches/policy_suite");
    let output = bashgah(repo(), &["test".into(), club.display().to_string()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("policy_suite: 128 cases in ")
            && stdout.ends_with("\n128 passed, 0 failed\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("uncovered rules"), "{stdout}");
    let cases = bashgah::testing::load_cases(&club).unwrap();
    let steps: usize = cases.iter().map(|case| case.when.len()).sum();
    assert_eq!(steps, 1_000);
    // Every kind of step is there, and expected failures too.
    let count = |kind: fn(&bashgah::testing::Step) -> bool| {
        cases
            .iter()
            .flat_map(|case| &case.when)
            .filter(|step| kind(step))
            .count()
    };
    assert!(count(|s| s.event.as_ref().is_some_and(|e| e.contains_key("original"))) > 50);
    assert!(count(|s| s.event.is_some()) > 500);
    assert!(count(|s| s.redeem.is_some()) > 50);
    assert!(count(|s| s.adjust.is_some()) > 20);
    assert!(count(|s| s.advance.is_some()) > 20);
    assert!(count(|s| s.error.is_some()) > 10);
    assert!(count(|s| s.then.is_some()) > 30);
}

/// The README's first command: every shipped club with its sample files. Run twice, the
/// second run changes nothing.
#[test]
fn demo_imports_every_example_and_is_idempotent() {
    let test = Test::new();
    copy_dir(&repo().join("policies"), &test.path().join("policies"));
    copy_dir(&repo().join("examples"), &test.path().join("examples"));
    let test = test.args(["demo"]).stdout(&demo_output(false)).run();
    test.args(["demo"])
        .stdout(&demo_output(true))
        .run()
        .args(["member", "cafe", "M001"])
        .stdout(
            "\
member M001 (individual) in Café Naderi
joined 1403-01-15, birthday 1370-10-02; 4 events, 55,900 Toman spent
balance: 64 stars (64 available, 0 pending) on 1403-11-03
credit: 0 Toman
expiring: 64 stars on 1404-01-01

earned      lot of                  points      left  spendable   expires
1403-10-03  P1001 base                  18        18  1403-10-03  1404-01-01
1403-10-03  P1001 birthday_month        18        18  1403-10-03  1404-01-01
1403-10-12  P1004 base                   6         6  1403-10-12  1404-01-01
1403-10-12  P1004 birthday_month         6         6  1403-10-12  1404-01-01
1403-11-01  P1007 base                  31        16  1403-11-01  1404-01-01

date        event  rule              points  reason
1403-10-03  P1001  base                 +18  1 star per 10,000 IRR
1403-10-03  P1001  birthday_month       +18  birthday month: double stars
1403-10-12  P1004  base                  +6  1 star per 10,000 IRR
1403-10-12  P1004  birthday_month        +6  birthday month: double stars
1403-11-01  P1007  base                 +31  1 star per 10,000 IRR
1403-11-03  R1001  base                 -15  return of 155000 from `P1007`
",
        )
        .run();
}

/// The README's first command goes on to serve the clubs it imported: the café's member
/// answers over HTTP, with the demo key the README gives, as `member` does.
#[test]
fn demo_then_serves_the_shipped_clubs() {
    let test = Test::new();
    let dir = test.path();
    copy_dir(&repo().join("policies"), &dir.join("policies"));
    copy_dir(&repo().join("examples"), &dir.join("examples"));
    let mut child = crate::bashgah_command()
        .args([
            "demo",
            "--serve",
            "--keys",
            "examples/keys.yaml",
            "--listen",
            "127.0.0.1:0",
        ])
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut address = None;
    for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
        let line = line.unwrap();
        if let Some(found) = line.strip_prefix("listening on http://") {
            address = Some(found.to_owned());
            break;
        }
    }
    let address = address.expect("the demo goes on to listen");
    let reply = crate::serve::server::request(
        &address,
        "GET",
        "/v1/clubs/cafe/members/M001",
        Some("demo-cafe-till"),
        None,
    );
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["balances"]["available"], "64");
}

/// What `demo` prints over the shipped clubs: `tests/fixtures/demo.txt` (the first run),
/// with each club's policy version filled in. Run again, every member is `unchanged` and
/// every event a `duplicate`.
fn demo_output(again: bool) -> String {
    let mut text = fs::read_to_string(repo().join("tests/fixtures/demo.txt")).unwrap();
    for club in ["cafe", "commitment", "retailer", "wholesale"] {
        text = text.replace(&format!("{{{club}}}"), &policy_version(club));
    }
    if !again {
        return text;
    }
    text.lines()
        .map(|line| {
            let Some((file, summary)) = line.split_once(": ") else {
                return line.to_owned();
            };
            if let Some((created, _)) = summary.split_once(" members created, 0 updated, 0 rejected") {
                format!("{file}: 0 members created, 0 updated, {created} unchanged, 0 rejected")
            } else if let Some((accepted, _)) = summary.split_once(" accepted, 0 duplicate, ") {
                format!(
                    "{file}: 0 accepted, {accepted} duplicate, 0 conflicting, 0 rejected; 0 points awarded"
                )
            } else {
                line.to_owned()
            }
        })
        .map(|line| line + "\n")
        .collect()
}

fn policy_version(club: &str) -> String {
    let engine = std::sync::Arc::new(bashgah::policy::ScriptEngine::new(Default::default(), None));
    let (policy, _) =
        bashgah::policy::Policy::load(&repo().join("policies").join(club), &engine).unwrap();
    policy.short_id().to_owned()
}

#[test]
fn the_shipped_schema_file_is_current() {
    let output = bashgah(repo(), &["schema".into()]);
    let printed = String::from_utf8_lossy(&output.stdout);
    let shipped = fs::read_to_string(repo().join("policies/club.schema.json")).unwrap();
    // Not assert_eq!: the two documents are long; say what to do instead.
    assert!(
        printed == shipped,
        "policies/club.schema.json is stale: run `cargo run -- schema > policies/club.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    assert_eq!(
        schema["required"],
        serde_json::json!(["id", "name", "currency", "rules"])
    );
    assert_eq!(schema["additionalProperties"], false);
}

/// The walk-through's commands (import, member, redeem, advance, report) answer the same
/// with the café's ledger in PostgreSQL as in SQLite (issue 15).
#[test]
fn the_walkthrough_answers_the_same_on_postgres() {
    let Some(database) = crate::pg::PgDatabase::fresh("walk") else {
        return;
    };
    let commands: Vec<Vec<String>> = [
        "import cafe examples/cafe/purchases.csv --members examples/cafe/members.csv",
        "member cafe M001",
        "redeem cafe M001 free-coffee --at 1403-11-05 --id R1",
        "redeem cafe M001 free-coffee --at 1403-11-05 --id R1",
        "redeem cafe M001 ten-off --at 1403-11-05",
        "advance cafe --to 1403-12-15",
        "advance cafe --to 1404-01-01",
        "member cafe M002",
        "member cafe M003 --json",
        "report cafe",
        "report cafe --json",
        "import cafe examples/cafe/purchases.csv",
    ]
    .iter()
    .map(|c| c.split_whitespace().map(str::to_owned).collect())
    .collect();
    let answers = |database: Option<&str>| -> Vec<String> {
        let test = Test::new();
        let dir = test.path();
        copy_dir(&repo().join("policies"), &dir.join("policies"));
        copy_dir(&repo().join("examples"), &dir.join("examples"));
        commands
            .iter()
            .map(|command| {
                let mut args = command.clone();
                if let Some(url) = database {
                    args.splice(0..0, ["--database".to_owned(), url.to_owned()]);
                }
                let output = bashgah(&dir, &args);
                format!(
                    "{command:?} exited {:?}\n{}{}",
                    output.status.code(),
                    String::from_utf8_lossy(&output.stderr),
                    String::from_utf8_lossy(&output.stdout)
                )
            })
            .collect()
    };
    let sqlite = answers(None);
    assert!(sqlite[2].contains("exited Some(0)"), "{}", sqlite[2]);
    assert!(sqlite[9].contains("exited Some(0)"), "{}", sqlite[9]);
    let postgres = answers(Some(&database.url));
    for (on_sqlite, on_postgres) in sqlite.iter().zip(&postgres) {
        assert_eq!(on_postgres, on_sqlite);
    }
    // Nothing was written to a file: the ledger is the database's.
    let mut client = postgres::Client::connect(&database.url, postgres::NoTls).unwrap();
    let members: i64 = client
        .query_one("SELECT COUNT(*) FROM club_cafe.members", &[])
        .unwrap()
        .get(0);
    assert_eq!(members, 5);
}

/// Issue 12: every club bashgah ships — `policies/*` (which `init` copies as templates), and the
/// test club of every plugin — is valid under the JSON Schema editors check it with (the
/// cafe's credit title was not: an unquoted comma had split it in two).
#[test]
fn every_shipped_club_template_and_plugin_test_club_is_valid_under_the_schema() {
    use bashgah::club::ClubDefinition;
    use bashgah::yaml::schema;

    let mut files = Vec::new();
    for folder in ["policies"] {
        for club in bashgah::policy::discover_clubs(&repo().join(folder)).unwrap() {
            files.push(club.join("club.yaml"));
        }
    }
    for plugin in bashgah::policy::plugins::discover(&repo().join("plugins")) {
        let club = plugin
            .path
            .join("tests")
            .join(&plugin.name)
            .join("club.yaml");
        assert!(club.is_file(), "{} has a test club", plugin.name);
        files.push(club);
    }
    assert!(files.len() >= 9, "{files:?}");
    let compiled = schema::compiled::<ClubDefinition>().expect("the schema compiles");
    let validate = |text: &str| {
        let tree = bashgah::yaml::tree::parse(text)
            .expect("parses")
            .root
            .expect("a document");
        schema::check(&tree, &compiled)
    };
    for file in &files {
        let problems = validate(&fs::read_to_string(file).unwrap());
        assert_eq!(problems, vec![], "{}", file.display());
    }
    // The validator is a real one: the cafe as it was fails it.
    let cafe = fs::read_to_string(repo().join("policies/cafe/club.yaml")).unwrap();
    let old = cafe.replace("\"500,000 IRR on account\"", "500,000 IRR on account");
    assert_ne!(old, cafe);
    assert_eq!(
        validate(&old).len(),
        2,
        "the number 500, and the key with no value"
    );
}

/// `bashgah migrate` copies the café's ledger from SQLite into PostgreSQL and back,
/// exactly: the same dump in all three, the same answers from each (issue 15).
#[test]
fn migrate_copies_a_ledger_to_postgres_and_back_exactly() {
    let Some(database) = crate::pg::PgDatabase::fresh("migrate") else {
        return;
    };
    let test = Test::new();
    let dir = test.path();
    copy_dir(&repo().join("policies"), &dir.join("policies"));
    copy_dir(&repo().join("examples"), &dir.join("examples"));
    let run = |args: &[&str]| {
        let output = bashgah(
            &dir,
            &args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(),
        );
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        );
        (output.status.code(), text)
    };
    for command in [
        "import cafe examples/cafe/purchases.csv --members examples/cafe/members.csv",
        "redeem cafe M001 free-coffee --at 1403-11-05 --id R1",
        "advance cafe --to 1404-01-01",
    ] {
        let args: Vec<&str> = command.split_whitespace().collect();
        let (code, text) = run(&args);
        assert_eq!(code, Some(0), "{command}: {text}");
    }
    let url = database.url.as_str();
    let (code, text) = run(&["migrate", "cafe", "--to", url]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("checked: 5 members"), "{text}");
    // Copying again into a ledger that holds something is refused, and changes nothing.
    let (code, again) = run(&["migrate", "cafe", "--to", url]);
    assert_eq!(code, Some(2), "{again}");
    assert!(again.contains("not empty"), "{again}");
    // And back, from PostgreSQL into a new SQLite file.
    let (code, text) = run(&["--database", url, "migrate", "cafe", "--to", "back.sqlite"]);
    assert_eq!(code, Some(0), "{text}");

    let original = bashgah::ledger::Ledger::open(&dir.join("data/cafe.sqlite")).unwrap();
    let in_postgres = bashgah::ledger::Ledger::open_postgres(url, "cafe").unwrap();
    let back = bashgah::ledger::Ledger::open(&dir.join("back.sqlite")).unwrap();
    let dump = original.dump().unwrap();
    assert!(dump.lines().count() > 40, "{dump}");
    assert_eq!(in_postgres.dump().unwrap(), dump);
    assert_eq!(back.dump().unwrap(), dump);
    for member in ["M001", "M002", "M003"] {
        let (_, on_sqlite) = run(&["member", "cafe", member]);
        let (_, on_postgres) = run(&["--database", url, "member", "cafe", member]);
        assert_eq!(on_postgres, on_sqlite);
    }
    // The copy goes on like the original (its row numbers continue from the copied ones):
    // the same redemption gives the same answer and the same ledger.
    std::fs::write(
        dir.join("next.csv"),
        "id,member,date,amount,type,original,channel,store,tax\nP2001,M003,1404-01-02 10:00,950000,purchase,,in-store,valiasr,\n",
    )
    .unwrap();
    let next = "import cafe next.csv";
    let (code, on_sqlite) = run(&next.split_whitespace().collect::<Vec<_>>());
    assert_eq!(code, Some(0), "{on_sqlite}");
    let mut args = vec!["--database", url];
    args.extend(next.split_whitespace());
    let (_, on_postgres) = run(&args);
    assert_eq!(on_postgres, on_sqlite);
    assert_eq!(in_postgres.dump().unwrap(), original.dump().unwrap());

    // A deployment file puts the club where it says, whatever --database says for the rest.
    std::fs::write(
        dir.join("deployment.yaml"),
        format!("clubs:\n  cafe:\n    database: {url}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("later.csv"),
        "id,member,date,amount,type,original,channel,store,tax\nP2002,M002,1404-01-03 10:00,450000,purchase,,in-store,valiasr,\n",
    )
    .unwrap();
    let later = "import cafe later.csv";
    let mut args = vec!["--deployment", "deployment.yaml"];
    args.extend(later.split_whitespace());
    let (code, text) = run(&args);
    assert_eq!(code, Some(0), "{text}");
    assert_ne!(in_postgres.dump().unwrap(), original.dump().unwrap());
    let (code, on_sqlite) = run(&later.split_whitespace().collect::<Vec<_>>());
    assert_eq!(code, Some(0), "{on_sqlite}");
    assert_eq!(in_postgres.dump().unwrap(), original.dump().unwrap());
    std::fs::write(
        dir.join("deployment.yaml"),
        "clubs:\n  cafe:\n    database: sqlite\n",
    )
    .unwrap();
    let (_, from_file) = run(&[
        "--deployment",
        "deployment.yaml",
        "--database",
        url,
        "member",
        "cafe",
        "M002",
    ]);
    let (_, plain) = run(&["member", "cafe", "M002"]);
    assert_eq!(from_file, plain);
}

/// A mistake in the deployment file stops the command, at its line and column, before
/// anything is opened.
#[test]
fn a_wrong_deployment_file_is_refused_at_its_line() {
    let test = Test::new();
    let dir = test.path();
    copy_dir(&repo().join("policies"), &dir.join("policies"));
    std::fs::write(
        dir.join("deployment.yaml"),
        "clubs:\n  cafe:\n    database: postgress://db/loyalty\n",
    )
    .unwrap();
    let output = bashgah(
        &dir,
        &["--deployment", "deployment.yaml", "member", "cafe", "M001"].map(str::to_owned),
    );
    let text = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("deployment.yaml:3:15"), "{text}");
    assert!(
        text.contains("club `cafe`: `postgress://db/loyalty` is not a PostgreSQL URL"),
        "{text}"
    );
    assert!(!dir.join("data").exists(), "nothing opened");
}
