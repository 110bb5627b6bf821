//! Messages: a birthday, a tier upgrade and an expiring-points notice on one day under a
//! cap of two; an opted-out member; a webhook that receives, and one that fails and is
//! retried until it is given up, every attempt recorded.

use std::path::Path;

use crate::fake_http::FakeServer;

fn club(sms_url: &str) -> String {
    format!(
        "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
points:
  expiry: {{after: 30d, warn_before: 10d}}
rules:
  - id: base
    function: base_points
tiers:
  - {{id: member, thresholds: {{individual: 0}}}}
  - {{id: gold, thresholds: {{individual: 100}}}}
tiering: {{metric: points, window: 12m, review: year}}
messages:
  language: en
  max_per_day: 2
  channels:
    - {{id: sms, kind: webhook, url: \"{sms_url}\", max_attempts: 2}}
  templates:
    birthday: {{en: \"Happy birthday, {{name}}!\"}}
    tier_changed: {{en: \"Welcome to {{tier}}, {{name}}.\"}}
    expiring_soon: {{en: \"{{points}} {{points_name}} expire on {{date}}.\"}}
"
    )
}

const RULES: &str = "fn base_points(event, member) { event.amount / 10 }\n";

/// A gateway answering every request with `status`: its `/sms` address, and the server.
fn gateway(status: u16) -> (String, FakeServer) {
    let server = FakeServer::start(status);
    (format!("{}/sms", server.base), server)
}

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

fn workspace(sms_url: &str) -> tempfile::TempDir {
    let dir = crate::scratch();
    let club_dir = dir.path().join("policies/shop");
    std::fs::create_dir_all(&club_dir).expect("mkdir");
    std::fs::write(club_dir.join("club.yaml"), club(sms_url)).expect("club");
    std::fs::write(club_dir.join("earn.rhai"), RULES).expect("rules");
    std::fs::write(
        dir.path().join("members.csv"),
        "id,type,birthday,joined,name\nM1,individual,1990-03-15,2025-01-01,Sara\nM2,individual,1991-03-15,2025-01-01,Reza\n",
    )
    .expect("members");
    // 20 points on 20 Feb, expiring on 22 Mar (warned from 12 Mar); on 15 Mar, the
    // birthday, a purchase of 90 points lifts each member to gold. M2 first replies STOP.
    std::fs::write(
        dir.path().join("events.csv"),
        "id,member,date,amount,type,reply\n\
         P1,M1,2025-02-20 10:00,200,,\n\
         Q1,M2,2025-02-20 10:00,200,,\n\
         Q0,M2,2025-02-21 10:00,0,custom,stop\n\
         P2,M1,2025-03-15 10:00,900,,\n\
         Q2,M2,2025-03-15 10:00,900,,\n",
    )
    .expect("events");
    dir
}

fn messages(dir: &Path) -> Vec<(String, String, String, String, Option<String>, i64)> {
    let ledger = rusqlite::Connection::open(dir.join("data/shop.sqlite")).expect("ledger");
    let mut statement = ledger
        .prepare(
            "SELECT member, occasion, text, status, reason, attempts FROM messages ORDER BY seq",
        )
        .expect("query");
    let rows = statement
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .expect("rows");
    rows.map(|r| r.expect("row")).collect()
}

fn row(
    member: &str,
    occasion: &str,
    text: &str,
    status: &str,
    reason: Option<&str>,
    attempts: i64,
) -> (String, String, String, String, Option<String>, i64) {
    (
        member.into(),
        occasion.into(),
        text.into(),
        status.into(),
        reason.map(Into::into),
        attempts,
    )
}

#[test]
fn a_cap_of_two_an_opt_out_and_a_webhook_that_receives() {
    let (url, received) = gateway(200);
    let dir = workspace(&url);
    let (code, out) = bashgah(
        dir.path(),
        &["import", "shop", "events.csv", "--members", "members.csv"],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        messages(dir.path()),
        vec![
            row(
                "M1",
                "birthday",
                "Happy birthday, Sara!",
                "pending",
                None,
                0
            ),
            row(
                "M1",
                "expiring_soon",
                "20 points expire on 2025-03-22.",
                "pending",
                None,
                0
            ),
            row(
                "M1",
                "tier_changed",
                "Welcome to gold, Sara.",
                "suppressed",
                Some("cap"),
                0
            ),
            row(
                "M2",
                "birthday",
                "Happy birthday, Reza!",
                "suppressed",
                Some("opt_out"),
                0
            ),
            row(
                "M2",
                "expiring_soon",
                "20 points expire on 2025-03-22.",
                "suppressed",
                Some("opt_out"),
                0
            ),
            row(
                "M2",
                "tier_changed",
                "Welcome to gold, Reza.",
                "suppressed",
                Some("opt_out"),
                0
            ),
        ]
    );
    // Importing again queues nothing twice.
    let (code, _) = bashgah(dir.path(), &["import", "shop", "events.csv"]);
    assert_eq!(code, 0);
    assert_eq!(messages(dir.path()).len(), 6);

    let (code, out) = bashgah(dir.path(), &["deliver", "shop", "--at", "2025-03-15 10:01"]);
    assert_eq!((code, out.as_str()), (0, "2 sent, 0 to retry, 0 failed\n"));
    let bodies = received.bodies();
    let texts: Vec<serde_json::Value> = bodies
        .iter()
        .map(|b| serde_json::from_str(b).expect("JSON payload"))
        .collect();
    assert_eq!(texts.len(), 2);
    assert_eq!(texts[0]["member"], "M1");
    assert_eq!(texts[0]["occasion"], "birthday");
    assert_eq!(texts[0]["text"], "Happy birthday, Sara!");
    assert_eq!(texts[1]["text"], "20 points expire on 2025-03-22.");
    // Sent is sent: a second run sends nothing.
    let (_, out) = bashgah(dir.path(), &["deliver", "shop", "--at", "2025-03-15 12:00"]);
    assert_eq!(out, "0 sent, 0 to retry, 0 failed\n");
    assert_eq!(received.requests().len(), 2);
}

#[test]
fn a_failing_endpoint_is_retried_with_a_wait_and_every_attempt_is_recorded() {
    let (url, received) = gateway(500);
    let dir = workspace(&url);
    bashgah(
        dir.path(),
        &["import", "shop", "events.csv", "--members", "members.csv"],
    );
    let (code, out) = bashgah(dir.path(), &["deliver", "shop", "--at", "2025-03-15 10:01"]);
    // Each failure says why (issue 17), on standard error after the summary.
    assert_eq!(
        (code, out.as_str()),
        (
            1,
            format!(
                "0 sent, 2 to retry, 0 failed\n\
                 M1 birthday on sms: POST {url}: HTTP 500 (will retry)\n\
                 M1 expiring_soon on sms: POST {url}: HTTP 500 (will retry)\n"
            )
            .as_str()
        )
    );
    // Too early for the retry (the wait is 30 seconds): nothing is tried.
    let (_, out) = bashgah(
        dir.path(),
        &["deliver", "shop", "--at", "2025-03-15 10:01:20"],
    );
    assert_eq!(out, "0 sent, 0 to retry, 0 failed\n");
    let (code, out) = bashgah(dir.path(), &["deliver", "shop", "--at", "2025-03-15 10:02"]);
    assert_eq!(
        (code, out.as_str()),
        (
            1,
            format!(
                "0 sent, 0 to retry, 2 failed\n\
                 M1 birthday on sms: POST {url}: HTTP 500 (given up)\n\
                 M1 expiring_soon on sms: POST {url}: HTTP 500 (given up)\n"
            )
            .as_str()
        )
    );
    assert_eq!(received.requests().len(), 4);
    let m1: Vec<_> = messages(dir.path())
        .into_iter()
        .filter(|m| m.0 == "M1")
        .collect();
    assert_eq!(m1[0].3, "failed");
    assert_eq!(m1[0].5, 2);
    assert!(
        m1[0].4.as_deref().unwrap_or("").ends_with("HTTP 500"),
        "{:?}",
        m1[0]
    );
    let ledger = rusqlite::Connection::open(dir.path().join("data/shop.sqlite")).expect("ledger");
    let attempts: Vec<(String, bool)> = ledger
        .prepare("SELECT at, ok FROM delivery_attempts ORDER BY seq")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    assert_eq!(
        attempts,
        vec![
            ("2025-03-15T10:01:00Z".to_owned(), false),
            ("2025-03-15T10:01:00Z".to_owned(), false),
            ("2025-03-15T10:02:00Z".to_owned(), false),
            ("2025-03-15T10:02:00Z".to_owned(), false),
        ]
    );
}

#[test]
fn consent_comes_from_the_members_file_too() {
    let (url, received) = gateway(200);
    let dir = workspace(&url);
    std::fs::write(
        dir.path().join("members.csv"),
        "id,type,birthday,joined,name,consent_sms\nM1,individual,1990-03-15,2025-01-01,Sara,no\nM2,individual,1991-03-15,2025-01-01,Reza,yes\n",
    )
    .expect("members");
    std::fs::write(dir.path().join("bad.csv"), "id,consent_smss\nM3,yes\n").expect("bad members");
    let (code, out) = bashgah(dir.path(), &["import", "shop", "--members", "bad.csv"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("column `consent_smss`: the club has no message channel `smss`; did you mean `consent_sms`?"),
        "{out}"
    );
    let (code, out) = bashgah(
        dir.path(),
        &["import", "shop", "events.csv", "--members", "members.csv"],
    );
    assert_eq!(code, 0, "{out}");
    // M1 said no in the file; M2 said yes there, but then replied STOP.
    let statuses: Vec<(String, String, Option<String>)> = messages(dir.path())
        .into_iter()
        .map(|m| (m.0, m.3, m.4))
        .collect();
    assert!(
        statuses
            .iter()
            .all(|(_, status, reason)| status == "suppressed"
                && reason.as_deref() == Some("opt_out")),
        "{statuses:?}"
    );
    let (_, out) = bashgah(dir.path(), &["deliver", "shop", "--at", "2025-03-15 10:01"]);
    assert_eq!(out, "0 sent, 0 to retry, 0 failed\n");
    assert!(received.requests().is_empty());
    let ledger = rusqlite::Connection::open(dir.path().join("data/shop.sqlite")).expect("ledger");
    let sources: Vec<(String, bool, String)> = ledger
        .prepare("SELECT member, granted, source FROM consents ORDER BY member")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    assert_eq!(
        sources,
        vec![
            ("M1".to_owned(), false, "members file, line 2".to_owned()),
            ("M2".to_owned(), false, "reply `stop` (Q0)".to_owned()),
        ]
    );
}

/// Issue 17: importing history does not spam members. With `messages.stale_after`, an
/// occasion older than that by the machine's clock is recorded `suppressed` (reason
/// `stale`) and never sent, while today's news is queued; `--quiet` queues nothing; and
/// delivery never sends a message that waited longer than the window.
#[test]
fn importing_history_queues_no_old_news_and_delivery_sends_none() {
    let (url, received) = gateway(200);
    let dir = workspace(&url);
    let club_yaml = dir.path().join("policies/shop/club.yaml");
    let windowed = club(&url).replace(
        "  max_per_day: 2\n",
        "  max_per_day: 2\n  stale_after: 30d\n",
    );
    std::fs::write(&club_yaml, &windowed).expect("club");
    // History from 2025 (long before the machine's today), then a purchase of today.
    let today = chrono::Utc::now().format("%Y-%m-%d %H:%M").to_string();
    std::fs::write(
        dir.path().join("today.csv"),
        format!("id,member,date,amount\nT1,M3,{today},2000\n"),
    )
    .expect("today");
    std::fs::write(
        dir.path().join("policies/shop/club.yaml"),
        windowed.replace(
            "    expiring_soon:",
            "    enrolled: {en: \"Welcome, {name}.\"}\n    expiring_soon:",
        ),
    )
    .expect("club");
    let (code, out) = bashgah(
        dir.path(),
        &["import", "shop", "events.csv", "--members", "members.csv"],
    );
    assert_eq!(code, 0, "{out}");
    let history = messages(dir.path());
    assert!(!history.is_empty());
    assert!(
        history.iter().all(|m| m.3 == "suppressed"
            && (m.4.as_deref() == Some("stale") || m.4.as_deref() == Some("opt_out"))),
        "{history:?}"
    );
    assert!(history.iter().any(|m| m.4.as_deref() == Some("stale")));
    let (code, out) = bashgah(dir.path(), &["import", "shop", "today.csv"]);
    assert_eq!(code, 0, "{out}");
    let now = messages(dir.path());
    let fresh: Vec<_> = now[history.len()..].to_vec();
    assert!(
        fresh
            .iter()
            .any(|m| m.0 == "M3" && m.1 == "enrolled" && m.3 == "pending"),
        "today's welcome is queued: {fresh:?}"
    );
    let (code, out) = bashgah(dir.path(), &["deliver", "shop"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with(&format!(
            "{} sent,",
            fresh.iter().filter(|m| m.3 == "pending").count()
        )),
        "{out}"
    );
    let bodies = received.bodies();
    assert!(
        bodies.iter().all(|b| b.contains("M3")),
        "only today's news went out: {bodies:?}"
    );
    let (_, report) = bashgah(dir.path(), &["report", "shop"]);
    assert!(report.contains("suppressed (stale)"), "{report}");
}

#[test]
fn a_quiet_import_queues_nothing_and_delivery_drops_what_waited_too_long() {
    let (url, received) = gateway(200);
    let dir = workspace(&url);
    // No window yet: a quiet import records every message as suppressed, reason quiet.
    let (code, out) = bashgah(
        dir.path(),
        &[
            "import",
            "shop",
            "events.csv",
            "--members",
            "members.csv",
            "--quiet",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let quiet = messages(dir.path());
    assert!(!quiet.is_empty());
    assert!(quiet.iter().all(|m| m.3 == "suppressed"), "{quiet:?}");
    assert!(
        quiet.iter().any(|m| m.4.as_deref() == Some("quiet")),
        "{quiet:?}"
    );

    // Without --quiet, in another workspace: the messages are queued (no window)...
    let (url, received_later) = gateway(200);
    let dir = workspace(&url);
    let (code, _) = bashgah(
        dir.path(),
        &["import", "shop", "events.csv", "--members", "members.csv"],
    );
    assert_eq!(code, 0);
    let pending = messages(dir.path())
        .iter()
        .filter(|m| m.3 == "pending")
        .count();
    assert_eq!(pending, 2);
    // ...then the club sets a window, and a delivery a year later sends none of them.
    let club_yaml = dir.path().join("policies/shop/club.yaml");
    let text = std::fs::read_to_string(&club_yaml).expect("club");
    std::fs::write(
        &club_yaml,
        text.replace(
            "  max_per_day: 2\n",
            "  max_per_day: 2\n  stale_after: 30d\n",
        ),
    )
    .expect("club");
    let (code, out) = bashgah(dir.path(), &["deliver", "shop", "--at", "2026-03-15"]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "0 sent, 0 to retry, 0 failed, 2 too old to send (messages.stale_after)\n"
        )
    );
    assert!(received_later.requests().is_empty());
    assert!(received.requests().is_empty());
    let stale = messages(dir.path())
        .iter()
        .filter(|m| m.4.as_deref() == Some("stale"))
        .count();
    assert_eq!(stale, 2);
}

/// Issue 17: with `greet_loaded_members`, the members a members file creates are welcomed
/// (dated when they joined), once: their first purchase does not welcome them again.
/// Without it they are not welcomed at all (their first event is not their first
/// sighting), as before.
#[test]
fn members_from_a_members_file_are_welcomed_when_the_club_says_so() {
    let (url, _) = gateway(200);
    for greets in [false, true] {
        let dir = workspace(&url);
        let club_yaml = dir.path().join("policies/shop/club.yaml");
        let mut text = club(&url).replace(
            "    expiring_soon:",
            "    enrolled: {en: \"Welcome, {name}.\"}\n    expiring_soon:",
        );
        if greets {
            text = text.replace(
                "  max_per_day: 2\n",
                "  max_per_day: 2\n  greet_loaded_members: true\n",
            );
        }
        std::fs::write(&club_yaml, text).expect("club");
        let (code, out) = bashgah(dir.path(), &["import", "shop", "--members", "members.csv"]);
        assert_eq!(code, 0, "{out}");
        let welcomes: Vec<_> = messages(dir.path())
            .into_iter()
            .filter(|m| m.1 == "enrolled")
            .collect();
        if !greets {
            assert!(welcomes.is_empty(), "{welcomes:?}");
            continue;
        }
        assert_eq!(
            welcomes,
            [
                row("M1", "enrolled", "Welcome, Sara.", "pending", None, 0),
                row("M2", "enrolled", "Welcome, Reza.", "pending", None, 0),
            ]
        );
        let (code, out) = bashgah(dir.path(), &["import", "shop", "events.csv"]);
        assert_eq!(code, 0, "{out}");
        let again = messages(dir.path())
            .iter()
            .filter(|m| m.1 == "enrolled")
            .count();
        assert_eq!(again, 2, "welcomed once");
    }
}

/// Issue 17: Persian digits are for Persian text. A club that writes `digits: persian`
/// still writes 0-9 to a member who reads English.
#[test]
fn digits_follow_the_members_language() {
    let dir = crate::scratch();
    let club_dir = dir.path().join("policies/shop");
    std::fs::create_dir_all(&club_dir).expect("mkdir");
    std::fs::write(
        club_dir.join("club.yaml"),
        "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - id: base
    function: base_points
messages:
  language: fa
  digits: persian
  greet_loaded_members: true
  channels:
    - {id: log, kind: file, path: log.jsonl}
  templates:
    enrolled: {fa: \"موجودی {balance}\", en: \"Balance {balance}\"}
",
    )
    .expect("club");
    std::fs::write(club_dir.join("earn.rhai"), RULES).expect("rules");
    std::fs::write(
        dir.path().join("members.csv"),
        "id,type,joined,language\nE1,individual,2025-01-01,en\nF1,individual,2025-01-01,fa\n",
    )
    .expect("members");
    std::fs::write(
        dir.path().join("events.csv"),
        "id,member,date,amount\nP1,E1,2025-02-20 10:00,12340\nP2,F1,2025-02-20 10:00,12340\nP3,N1,2025-02-20 10:00,12340\n",
    )
    .expect("events");
    let (code, out) = bashgah(
        dir.path(),
        &["import", "shop", "events.csv", "--members", "members.csv"],
    );
    assert_eq!(code, 0, "{out}");
    let texts: Vec<(String, String)> = messages(dir.path())
        .into_iter()
        .map(|m| (m.0, m.2))
        .collect();
    // E1 and F1 are welcomed by the members file (before any purchase), N1 by their
    // first purchase, in the club's language.
    assert_eq!(
        texts,
        [
            ("E1".to_owned(), "Balance 0".to_owned()),
            ("F1".to_owned(), "موجودی ۰".to_owned()),
            ("N1".to_owned(), "موجودی ۱٬۲۳۴".to_owned()),
        ]
    );
}

/// A local stand-in for an SMS provider: its address, and the server.
fn fake_provider(status: u16) -> (String, FakeServer) {
    let server = FakeServer::start(status);
    (server.base.clone(), server)
}

/// A café-like club whose one channel is the shipped template `examples/channels/<name>`,
/// with a member who has a phone and one who has none.
fn with_channel(template: &str) -> tempfile::TempDir {
    let dir = crate::scratch();
    let club_dir = dir.path().join("policies/shop");
    std::fs::create_dir_all(&club_dir).expect("mkdir");
    let entry = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/channels")
            .join(template),
    )
    .expect("template");
    let channel: String = entry.lines().map(|l| format!("    {l}\n")).collect();
    std::fs::write(
        club_dir.join("club.yaml"),
        format!(
            "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - id: base
    function: base_points
messages:
  language: fa
  digits: persian
  greet_loaded_members: true
  channels:
{channel}  templates:
    enrolled: {{fa: \"{{name}} عزیز، خوش آمدید & ۱۰٪\"}}
"
        ),
    )
    .expect("club");
    std::fs::write(club_dir.join("earn.rhai"), RULES).expect("rules");
    std::fs::write(
        dir.path().join("members.csv"),
        "id,type,joined,name,phone\nM1,individual,2025-01-01,Sara,09121234567\nM2,individual,2025-01-01,Reza,\n",
    )
    .expect("members");
    dir
}

fn deliver_with(dir: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let output = crate::bashgah_command()
        .args(["deliver", "shop", "--at", "2025-01-02"])
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("run bashgah");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + String::from_utf8_lossy(&output.stderr).as_ref(),
    )
}

/// Issue 17: the shipped gateway templates, each against a local fake of its provider:
/// the request each provider documents, the key from the environment (never stored or
/// shown), the member's phone from their profile, and a member without one given up.
#[test]
fn the_shipped_sms_gateway_templates_send_what_each_provider_expects() {
    let text = "Sara عزیز، خوش آمدید & ۱۰٪";

    // SMS.ir: JSON, the key in a header.
    let (base, received) = fake_provider(200);
    let dir = with_channel("sms-ir.yaml");
    assert_eq!(
        bashgah(dir.path(), &["import", "shop", "--members", "members.csv"]).0,
        0
    );
    let (code, out) = deliver_with(
        dir.path(),
        &[
            ("SMSIR_URL", &base),
            ("SMSIR_API_KEY", "secret-key-1"),
            ("SMSIR_LINE_NUMBER", "30001234"),
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out,
        "1 sent, 0 to retry, 1 failed\nM2 enrolled on sms: member `M2` has no `phone` to send to (given up)\n"
    );
    let requests = received.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].line, "POST /v1/send/bulk HTTP/1.1");
    assert_eq!(requests[0].header("X-API-KEY"), Some("secret-key-1"));
    let body: serde_json::Value = serde_json::from_str(&requests[0].body).expect("JSON");
    assert_eq!(
        body,
        serde_json::json!({"lineNumber": 30001234, "messageText": text, "mobiles": ["09121234567"]})
    );

    // Kavenegar: a form, the key in the address (shown by name, never by value).
    let (base, received) = fake_provider(200);
    let dir = with_channel("kavenegar.yaml");
    bashgah(dir.path(), &["import", "shop", "--members", "members.csv"]);
    let (code, out) = deliver_with(
        dir.path(),
        &[
            ("KAVENEGAR_URL", &base),
            ("KAVENEGAR_API_KEY", "secret-key-2"),
            ("KAVENEGAR_SENDER", "10004346"),
        ],
    );
    assert_eq!(code, 1, "{out}");
    let requests = received.requests();
    assert_eq!(
        requests[0].line,
        "POST /v1/secret-key-2/sms/send.json HTTP/1.1"
    );
    assert_eq!(
        requests[0].header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    let form: Vec<(String, String)> = requests[0]
        .body
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("a pair");
            (k.to_owned(), form_decode(v))
        })
        .collect();
    assert_eq!(
        form,
        [
            ("receptor".to_owned(), "09121234567".to_owned()),
            ("sender".to_owned(), "10004346".to_owned()),
            ("message".to_owned(), text.to_owned()),
        ]
    );

    // The generic template, against a provider that refuses the key (401: given up at
    // once) and one that is down (503: tried again later); the key never in the output.
    let mut dirs = Vec::new();
    for (status, expected) in [(401, "given up"), (503, "will retry")] {
        let (base, received) = fake_provider(status);
        let dir = with_channel("generic.yaml");
        bashgah(dir.path(), &["import", "shop", "--members", "members.csv"]);
        let (code, out) = deliver_with(
            dir.path(),
            &[
                ("SMS_GATEWAY_URL", &format!("{base}/messages")),
                ("SMS_GATEWAY_TOKEN", "secret-key-3"),
            ],
        );
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(&format!(
                "M1 enrolled on sms: POST {base}/messages: HTTP {status} ({expected})"
            )),
            "{out}"
        );
        assert!(!out.contains("secret-key"), "{out}");
        let requests = received.requests();
        assert_eq!(
            requests[0].header("Authorization"),
            Some("Bearer secret-key-3")
        );
        assert_eq!(requests[0].header("Idempotency-Key"), Some("shop:1"));
        let body: serde_json::Value = serde_json::from_str(&requests[0].body).expect("JSON");
        assert_eq!(body["to"], "09121234567");
        assert_eq!(body["reference"], "shop:1");
        dirs.push(dir);
    }
    // Nothing of the keys is in the ledger either: the attempts recorded name the gateway
    // and its answer only.
    for dir in &dirs {
        let ledger =
            rusqlite::Connection::open(dir.path().join("data/shop.sqlite")).expect("ledger");
        let details: Vec<String> = ledger
            .prepare("SELECT detail FROM delivery_attempts ORDER BY rowid")
            .expect("query")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        assert_eq!(details.len(), 2, "{details:?}");
        assert!(
            details.iter().all(|d| !d.contains("secret-key")),
            "{details:?}"
        );
        assert!(
            details.iter().any(|d| d.contains("/messages: HTTP")),
            "{details:?}"
        );
    }
}

fn form_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() + 1 => {
                out.push(u8::from_str_radix(&value[i + 1..i + 3], 16).expect("hex"));
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8")
}

/// A mistake in a channel template is found when the club is checked, with its line,
/// not when the first message fails.
#[test]
fn a_channel_template_naming_an_unknown_field_is_refused_at_its_line() {
    let dir = with_channel("generic.yaml");
    let club_yaml = dir.path().join("policies/shop/club.yaml");
    let text = std::fs::read_to_string(&club_yaml).expect("club");
    std::fs::write(&club_yaml, text.replace("{phone|json}", "{phon|json}")).expect("club");
    let (code, out) = bashgah(dir.path(), &["check", "policies/shop"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("`{phon}` is not a field a channel template can name"),
        "{out}"
    );
    assert!(out.contains("club.yaml:"), "{out}");
}
