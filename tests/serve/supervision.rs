//! Supervision: a panic while building a version, or while deciding a request, fails
//! that one thing — visibly, with an incident id in the status or the answer and one log
//! line — and the server, its reloader and every other request go on.
//!
//! The panics are real ones, raised on purpose at named places (`BASHGAH_FAULT`).

use std::time::Duration;

use crate::serve::server::{purchase, write, Workspace, OPS, TILL};
use crate::serve::{shop_rule, SHOP_YAML};

fn status(server: &crate::serve::server::Server) -> serde_json::Value {
    server.get("/v1/status", Some(OPS)).body
}

fn is_incident_id(value: &serde_json::Value) -> bool {
    value
        .as_str()
        .is_some_and(|id| id.len() == 12 && id.chars().all(|c| c.is_ascii_hexdigit()))
}

#[test]
fn a_reload_that_panics_is_reported_and_the_watcher_goes_on() {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .file(
            "policies/crashy/club.yaml",
            &SHOP_YAML.replace("id: shop", "id: crashy"),
        )
        .file("policies/crashy/earn.rhai", &shop_rule(1000))
        .start_with(&[], &[("BASHGAH_FAULT", "reload.build:crashy")]);

    // At start: `crashy` panicked while building; status says so, with the incident.
    let first = status(&server);
    let waiting = &first["not_loaded"][0];
    assert_eq!(waiting["folder"], "crashy", "{first}");
    assert_eq!(waiting["last_reload"]["outcome"], "failed");
    assert!(
        is_incident_id(&waiting["last_reload"]["incident"]),
        "{first}"
    );
    let error = &waiting["last_reload"]["errors"][0];
    assert_eq!(error["file"], "policies/crashy/club.yaml");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message
            .starts_with("building this version panicked: fault injected at `reload.build:crashy`"),
        "{message}"
    );
    assert_eq!(first["reloads"]["panics"], 1);

    // An edit to the crashing club panics again: reported, counted, not fatal.
    write(&server.path(), "policies/crashy/earn.rhai", &shop_rule(500));
    server.wait_for(Duration::from_secs(10), |s| {
        status(s)["reloads"]["panics"] == 2
    });
    let incidents: Vec<String> = [&first, &status(&server)]
        .iter()
        .map(|s| {
            s["not_loaded"][0]["last_reload"]["incident"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert_ne!(incidents[0], incidents[1], "each panic is its own incident");

    // The reloader is alive: an edit to the other club still goes live.
    let before = server.active_version("shop");
    write(&server.path(), "policies/shop/earn.rhai", &shop_rule(100));
    server.wait_for(Duration::from_secs(10), |s| {
        s.active_version("shop") != before
    });
    let answer = server.post(
        "/v1/clubs/shop/events",
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 2500),
    );
    assert_eq!(answer.body["points"], "25", "{}", answer.body);

    // Each panic is one log line carrying its incident id; no backtrace.
    let log = server.log();
    for incident in &incidents {
        let lines: Vec<&str> = log
            .lines()
            .filter(|l| l.contains(incident.as_str()))
            .collect();
        assert!(
            !lines.is_empty(),
            "incident {incident} not in the log:\n{log}"
        );
        assert!(lines.iter().any(|l| l.contains("caught a panic")), "{log}");
    }
    assert!(!log.contains("stack backtrace"), "{log}");
    assert!(!log.contains("RUST_BACKTRACE"), "{log}");
}

#[test]
fn a_request_that_panics_fails_alone_with_an_incident_id() {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start_with(&[], &[("BASHGAH_FAULT", "request:M-crash")]);
    let events = "/v1/clubs/shop/events";

    let crashed = server.post(
        events,
        Some(TILL),
        &purchase("P1", "M-crash", "2025-03-03", 2500),
    );
    assert_eq!(crashed.status, 500, "{}", crashed.body);
    let error = &crashed.body["error"];
    assert_eq!(error["code"], "internal");
    assert!(is_incident_id(&error["incident"]), "{error}");
    let id = error["incident"].as_str().unwrap_or_default();
    assert_eq!(
        error["message"],
        format!("the request failed inside the engine (incident {id}); nothing was written")
    );

    // Requests after it are served; the crashed one wrote nothing.
    let fine = server.post(
        events,
        Some(TILL),
        &purchase("P2", "M1", "2025-03-03", 2500),
    );
    assert_eq!(fine.status, 200, "{}", fine.body);
    assert_eq!(fine.body["points"], "2");
    let missing = server.get("/v1/clubs/shop/members/M-crash", Some(TILL));
    assert_eq!(missing.status, 404, "{}", missing.body);
    let again = server.post(
        events,
        Some(TILL),
        &purchase("P3", "M1", "2025-03-04", 5000),
    );
    assert_eq!(again.body["points"], "5", "{}", again.body);
    let member = server.get("/v1/clubs/shop/members/M1", Some(TILL)).body;
    assert_eq!(member["balances"]["available"], "7", "{member}");

    let log = server.log();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains(id)).collect();
    assert_eq!(lines.len(), 1, "one log line per incident:\n{log}");
    assert!(
        lines[0].contains("fault injected at `request:M-crash`"),
        "{}",
        lines[0]
    );
    assert!(!log.contains("stack backtrace"), "{log}");
}

/// A single event's post runs without a savepoint; one that fails after its event was
/// written takes its whole transaction with it: nothing of it stays, the request is
/// answered with its incident, and what was committed before and what comes after stand.
#[test]
fn a_post_that_fails_after_writing_leaves_nothing_of_itself() {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start_with(&[], &[("BASHGAH_FAULT", "recorded:M-late")]);
    let events = "/v1/clubs/shop/events";
    let before = server.post(
        events,
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 2500),
    );
    assert_eq!(before.body["balance"], "2", "{}", before.body);
    let failed = server.post(
        events,
        Some(TILL),
        &purchase("P2", "M-late", "2025-03-03", 9000),
    );
    assert_eq!(failed.status, 500, "{}", failed.body);
    assert!(
        is_incident_id(&failed.body["error"]["incident"]),
        "{}",
        failed.body
    );
    let missing = server.get("/v1/clubs/shop/members/M-late", Some(TILL));
    assert_eq!(missing.status, 404, "{}", missing.body);
    let after = server.post(
        events,
        Some(TILL),
        &purchase("P3", "M1", "2025-03-04", 5000),
    );
    assert_eq!(after.body["balance"], "7", "{}", after.body);
    // In the ledger: P1 and P3, and nothing of P2.
    let ledger =
        rusqlite::Connection::open(server.path().join("data/shop.sqlite")).expect("ledger");
    let ids: Vec<String> = ledger
        .prepare("SELECT id FROM events ORDER BY id")
        .and_then(|mut query| {
            query
                .query_map([], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()
        })
        .expect("events");
    assert_eq!(ids, ["P1", "P3"]);
    // No entry of M-late's either.
    let entries: i64 = ledger
        .query_row(
            "SELECT COUNT(*) FROM ledger WHERE member = 'M-late'",
            [],
            |row| row.get(0),
        )
        .expect("entries");
    assert_eq!(entries, 0);
}

/// A rule that runs away (built-ins over big arrays, forever) is stopped near its limit,
/// and never delays another club, whose ledger thread is its own.
#[test]
fn a_runaway_rule_is_stopped_and_delays_no_other_club() {
    let runaway = "fn base_points(event, member) {\n    let a = [];\n    a.pad(10000, 7);\n    let b = a;\n    let n = 0;\n    loop { if a == b { n += 1; } }\n    n\n}\n";
    let keys_for_both = crate::serve::server::OPS;
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", runaway)
        .file(
            "policies/bakery/club.yaml",
            &SHOP_YAML.replace("id: shop", "id: bakery"),
        )
        .file("policies/bakery/earn.rhai", &shop_rule(1000))
        .start(&[]);
    let address = server.address.clone();
    let slow = std::thread::spawn(move || {
        let started = std::time::Instant::now();
        let reply = crate::serve::server::request(
            &address,
            "POST",
            "/v1/clubs/shop/events",
            Some(keys_for_both),
            Some(&purchase("S1", "M1", "2025-03-03", 2500)),
        );
        (reply, started.elapsed())
    });
    // While the shop's rule spins, the bakery answers at once, again and again.
    let mut slowest = Duration::ZERO;
    for i in 0..5 {
        let started = std::time::Instant::now();
        let reply = server.post(
            "/v1/clubs/bakery/events",
            Some(OPS),
            &purchase(&format!("B{i}"), "M1", "2025-03-03", 2500),
        );
        slowest = slowest.max(started.elapsed());
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let (reply, took) = slow.join().expect("the slow request");
    assert_eq!(reply.status, 422, "{}", reply.body);
    let message = reply.body["error"]["message"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| reply.body.to_string());
    assert!(message.contains("ran longer than 250 ms"), "{message}");
    // Generous bounds (a loaded machine), far below the seconds a sparse check took.
    assert!(
        took < Duration::from_secs(3),
        "the runaway rule ran {took:?}"
    );
    assert!(
        slowest < Duration::from_secs(1),
        "the other club waited {slowest:?}"
    );
}

/// Another process holding the ledger (an import's long transaction) makes the club
/// answer 503 with `Retry-After` within a couple of seconds, never a 500 or a stall of
/// tens of seconds; once it lets go, the same request is served.
#[test]
fn a_busy_ledger_answers_503_with_retry_after_then_serves() {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&[]);
    let events = "/v1/clubs/shop/events";
    assert_eq!(
        server
            .post(
                events,
                Some(TILL),
                &purchase("P0", "M1", "2025-03-02", 1000)
            )
            .status,
        200
    );
    let importer =
        rusqlite::Connection::open(server.path().join("data/shop.sqlite")).expect("ledger");
    importer
        .execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");

    let started = std::time::Instant::now();
    let busy = server.post(
        events,
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 2500),
    );
    let waited = started.elapsed();
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert_eq!(busy.body["error"]["code"], "busy");
    assert_eq!(
        busy.body["error"]["message"],
        "the ledger of club `shop` is busy: another process (an import?) is writing to it; nothing was written, retry shortly"
    );
    assert_eq!(busy.header("retry-after"), Some("1"), "{}", busy.head);
    assert!(
        waited < Duration::from_secs(10),
        "answered busy after {waited:?}"
    );

    importer.execute_batch("ROLLBACK").expect("let go");
    let served = server.post(
        events,
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 2500),
    );
    assert_eq!(served.status, 200, "{}", served.body);
    assert_eq!(served.body["points"], "2");
    assert_eq!(served.body["balance"], "3");
}

/// `/metrics` counts what happened, in the Prometheus text format: events by outcome,
/// reloads by outcome, the commit latency histogram, queue depth, panics caught.
#[test]
fn metrics_count_events_reloads_commits_and_panics() {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start_with(&[], &[("BASHGAH_FAULT", "request:M-crash")]);
    let events = "/v1/clubs/shop/events";
    for (id, member) in [("P1", "M1"), ("P2", "M1"), ("P3", "M2")] {
        assert_eq!(
            server
                .post(
                    events,
                    Some(TILL),
                    &purchase(id, member, "2025-03-03", 2500)
                )
                .status,
            200
        );
    }
    assert_eq!(
        server
            .post(
                events,
                Some(TILL),
                &purchase("P1", "M1", "2025-03-03", 2500)
            )
            .status,
        200,
        "a duplicate"
    );
    assert_eq!(
        server
            .post(
                events,
                Some(TILL),
                &purchase("P1", "M1", "2025-03-03", 9999)
            )
            .status,
        409
    );
    assert_eq!(
        server
            .post(
                events,
                Some(TILL),
                &purchase("P9", "M-crash", "2025-03-03", 1)
            )
            .status,
        500
    );
    write(
        &server.path(),
        "policies/shop/earn.rhai",
        "fn base_points(event, member) {\n",
    );
    server.wait_for(Duration::from_secs(10), |s| {
        status(s)["clubs"][0]["last_reload"]["outcome"] == "failed"
    });

    assert_eq!(
        server.get("/metrics", Some(TILL)).status,
        403,
        "admins only"
    );
    let reply = server.get("/metrics", Some(OPS));
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/openmetrics-text")),
        "{}",
        reply.head
    );
    let text = reply.body.as_str().unwrap_or_default().to_owned();
    for line in [
        "bashgah_events_total{club=\"shop\",outcome=\"applied\"} 3",
        "bashgah_events_total{club=\"shop\",outcome=\"duplicate\"} 1",
        "bashgah_events_total{club=\"shop\",outcome=\"conflict\"} 1",
        "bashgah_events_total{club=\"shop\",outcome=\"failed\"} 1",
        "bashgah_reloads_total{club=\"shop\",outcome=\"activated\"} 1",
        "bashgah_reloads_total{club=\"shop\",outcome=\"failed\"} 1",
        "bashgah_queue_depth{club=\"shop\"} 0",
        "bashgah_panics_total 1",
    ] {
        assert!(text.lines().any(|l| l == line), "no `{line}` in:\n{text}");
    }
    // Every request above went through one commit at least (the refused ones too).
    let commits: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("bashgah_commit_seconds_count{club=\"shop\"} "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    assert!(commits >= 5, "{text}");
    assert!(text.ends_with("# EOF\n"), "{text}");
}

/// A batch whose every rule runs to the limit holds the club's ledger thread for its
/// request budget (4 × the rule limit), not for the sum of its events' limits: events
/// after the budget is spent are refused at their rules' first operation.
#[test]
fn a_batch_of_runaway_rules_holds_the_ledger_for_its_budget_only() {
    let rule = "fn base_points(event, member) {\n    if event.amount != 13 { return event.amount / 1000; }\n    let a = [];\n    a.pad(10000, 7);\n    let b = a;\n    loop { if a == b { a[0] = 7; } }\n    0\n}\n";
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", rule)
        .start(&[]);
    let mut events: Vec<String> = (0..20)
        .map(|i| purchase(&format!("S{i}"), "M1", "2025-03-03", 13))
        .collect();
    events.push(purchase("OK", "M2", "2025-03-03", 5000));
    let body = format!("{{\"events\": [{}]}}", events.join(", "));
    let started = std::time::Instant::now();
    let reply = server.post("/v1/clubs/shop/events", Some(TILL), &body);
    let took = started.elapsed();
    assert_eq!(reply.status, 200, "{}", reply.body);
    let results = reply.body["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 21);
    let messages: Vec<String> = results
        .iter()
        .map(|r| r["error"]["message"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        messages[0].contains("ran longer than 250 ms"),
        "{messages:?}"
    );
    let stopped = "rule `base` failed: stopped: the request's rules had run past its time budget; nothing of this event was recorded";
    assert!(messages[20].contains(stopped), "{messages:?}");
    assert!(
        messages.iter().filter(|m| m.contains(stopped)).count() >= 14,
        "{messages:?}"
    );
    // 20 events × 250 ms would be 5 s; the budget is 1 s (generous bound: 3.5 s).
    assert!(
        took < Duration::from_millis(3500),
        "the batch held the ledger {took:?}"
    );
    // The next request has a budget of its own.
    let next = server.post(
        "/v1/clubs/shop/events",
        Some(TILL),
        &purchase("OK2", "M2", "2025-03-03", 5000),
    );
    assert_eq!(next.body["points"], "5", "{}", next.body);
}
