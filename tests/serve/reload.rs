//! Hot reload: a renamed-over rule goes live within a second; a broken one never does,
//! and status says where it is broken; a policy whose own tests fail is not activated.

use std::time::Duration;

use crate::serve::server::{purchase, write, Workspace, OPS, TILL};
use crate::serve::{shop_rule, SHOP_YAML};

const EVENTS: &str = "/v1/clubs/shop/events";

#[test]
fn an_edit_goes_live_a_broken_one_never_does_and_the_fix_does() {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&[]);
    let first = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 2500),
    );
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["points"], "2");
    let v1 = server.active_version("shop");
    assert_eq!(first.body["policy_version"], v1.as_str());

    // A more generous rule, saved the way vim saves.
    write(&server.path(), "policies/shop/earn.rhai", &shop_rule(500));
    let took = server.wait_for(Duration::from_secs(1), |s| s.active_version("shop") != v1);
    eprintln!("the edit was live after {took:?}");
    let v2 = server.active_version("shop");
    let second = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P2", "M1", "2025-03-04", 2500),
    );
    assert_eq!(second.body["points"], "5");
    assert_eq!(second.body["policy_version"], v2.as_str());

    // A syntax error: refused, the running version keeps answering, status says where.
    write(
        &server.path(),
        "policies/shop/earn.rhai",
        "fn base_points(event, member) {\n    event.amount / \n}\n",
    );
    server.wait_for(Duration::from_secs(1), |s| {
        s.get("/v1/status", Some(OPS)).body["clubs"][0]["last_reload"]["outcome"] == "failed"
    });
    let status = server.get("/v1/status", Some(TILL)).body;
    let club = &status["clubs"][0];
    assert_eq!(club["active_version"], v2.as_str());
    let error = &club["last_reload"]["errors"][0];
    assert_eq!(error["file"], "policies/shop/earn.rhai");
    assert_eq!(error["line"], 3);
    assert_eq!(error["column"], 1);
    assert!(
        error["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("in a Rhai script:"),
        "{error}"
    );
    let third = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P3", "M1", "2025-03-05", 2500),
    );
    assert_eq!(third.status, 200, "{}", third.body);
    assert_eq!(third.body["points"], "5");
    assert_eq!(third.body["policy_version"], v2.as_str());

    // The fix goes live.
    write(&server.path(), "policies/shop/earn.rhai", &shop_rule(100));
    server.wait_for(Duration::from_secs(1), |s| {
        let version = s.active_version("shop");
        version != v2 && version != v1
    });
    let fourth = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P4", "M1", "2025-03-06", 2500),
    );
    assert_eq!(fourth.body["points"], "25");

    // Every entry names the version that produced it, and the ledger keeps each version.
    let statement = server
        .get("/v1/clubs/shop/members/M1/statement", Some(TILL))
        .body;
    let versions: Vec<(String, String)> = statement["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            let version = e["policy_version"].as_str().unwrap_or("");
            (
                e["event"].as_str().unwrap_or("").to_owned(),
                version[..12.min(version.len())].to_owned(),
            )
        })
        .collect();
    let v3 = server.active_version("shop");
    assert_eq!(
        versions,
        vec![
            ("P1".to_owned(), v1.clone()),
            ("P2".to_owned(), v2.clone()),
            ("P3".to_owned(), v2),
            ("P4".to_owned(), v3),
        ]
    );
    let ledger =
        rusqlite::Connection::open(server.path().join("data/shop.sqlite")).expect("ledger");
    let stored: i64 = ledger
        .query_row("SELECT COUNT(*) FROM policy_versions", [], |r| r.get(0))
        .expect("count");
    assert_eq!(stored, 3);
}

#[test]
fn a_policy_whose_own_tests_fail_is_not_activated() {
    let tests = "\
- name: 1 point per 1,000
  when:
    - event: {id: P1, member: M1, date: 2025-03-03, amount: 2500}
  then:
    points: {P1: 2}
";
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .file("policies/shop/tests/earning.yaml", tests)
        .start(&[]);
    let v1 = server.active_version("shop");
    assert!(!v1.is_empty(), "the club loads with its tests passing");

    // The rule loads fine, but its own test expects 2 points and now gets 5.
    write(&server.path(), "policies/shop/earn.rhai", &shop_rule(500));
    server.wait_for(Duration::from_secs(2), |s| {
        s.get("/v1/status", Some(OPS)).body["clubs"][0]["last_reload"]["outcome"] == "failed"
    });
    let status = server.get("/v1/status", Some(OPS)).body;
    let error = &status["clubs"][0]["last_reload"]["errors"][0];
    assert_eq!(error["file"], "policies/shop/tests/earning.yaml");
    assert_eq!(error["line"], 1);
    assert_eq!(
        error["message"],
        "policy test `1 point per 1,000` failed: points of `P1`: expected 2, got 5"
    );
    assert_eq!(server.active_version("shop"), v1);
    let answer = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 2500),
    );
    assert_eq!(answer.body["points"], "2");

    // Updating the test with the rule activates both; a manual reload finds nothing new.
    write(
        &server.path(),
        "policies/shop/tests/earning.yaml",
        &tests.replace("P1: 2}", "P1: 5}"),
    );
    server.wait_for(Duration::from_secs(2), |s| s.active_version("shop") != v1);
    let reload = server.post("/v1/reload", Some(OPS), "");
    assert_eq!(reload.status, 200, "{}", reload.body);
    assert_eq!(reload.body["reloaded"][0]["outcome"], "unchanged");
}

#[test]
fn polling_follows_edits_where_notifications_are_missing() {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&["--poll", "1"]);
    let v1 = server.active_version("shop");
    write(&server.path(), "policies/shop/earn.rhai", &shop_rule(500));
    server.wait_for(Duration::from_secs(4), |s| s.active_version("shop") != v1);
    let answer = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 2500),
    );
    assert_eq!(answer.body["points"], "5");
}

#[test]
fn sighup_reloads_by_hand() {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&[]);
    let before = server.get("/v1/status", Some(OPS)).body["clubs"][0]["last_reload"]["at"].clone();
    let _ = std::process::Command::new("kill")
        .args(["-HUP", &server.pid().to_string()])
        .status();
    server.wait_for(Duration::from_secs(2), |s| {
        s.get("/v1/status", Some(OPS)).body["clubs"][0]["last_reload"]["at"] != before
    });
    let status = server.get("/v1/status", Some(OPS)).body;
    assert_eq!(status["clubs"][0]["last_reload"]["outcome"], "unchanged");
}

#[test]
fn a_club_broken_at_start_waits_in_status_and_is_served_once_fixed() {
    let server = Workspace::new()
        .file(
            "policies/shop/club.yaml",
            &SHOP_YAML.replace("timezone: UTC", "timezone: Mars/Olympus"),
        )
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&[]);
    let refused = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 2500),
    );
    assert_eq!(refused.status, 503);
    assert_eq!(refused.body["error"]["code"], "club_not_loaded");
    let status = server.get("/v1/status", Some(OPS)).body;
    assert_eq!(status["clubs"], serde_json::json!([]));
    let waiting = &status["not_loaded"][0];
    assert_eq!(waiting["folder"], "shop");
    assert_eq!(
        waiting["last_reload"]["errors"][0]["file"],
        "policies/shop/club.yaml"
    );
    assert_eq!(waiting["last_reload"]["errors"][0]["line"], 4);
    assert_eq!(waiting["last_reload"]["errors"][0]["column"], 11);
    // A club key does not see folders that are not clubs yet.
    assert!(server
        .get("/v1/status", Some(TILL))
        .body
        .get("not_loaded")
        .is_none());

    write(&server.path(), "policies/shop/club.yaml", SHOP_YAML);
    server.wait_for(Duration::from_secs(1), |s| {
        !s.active_version("shop").is_empty()
    });
    let answer = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 2500),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[test]
fn without_a_keys_file_the_server_does_not_start() {
    let workspace = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000));
    let output = crate::bashgah_command()
        .args(["serve", "--keys", "missing.yaml", "--listen", "127.0.0.1:0"])
        .current_dir(workspace.dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: cannot read `missing.yaml`: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: make a key with `bashgah key --name NAME --club CLUB`"),
        "{stderr}"
    );
}

/// Issue 12: a club file nested 6,000 levels deep overflowed the reloader's stack and the
/// whole process aborted. Now it is a refused reload like any other, located, and the
/// running version keeps answering.
#[test]
fn a_club_file_nested_thousands_deep_is_refused_and_the_server_keeps_serving() {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&[]);
    let v1 = server.active_version("shop");
    write(
        &server.path(),
        "policies/shop/club.yaml",
        &format!("{}x\n", "- ".repeat(6000)),
    );
    server.wait_for(Duration::from_secs(2), |s| {
        s.get("/v1/status", Some(OPS)).body["clubs"][0]["last_reload"]["outcome"] == "failed"
    });
    let status = server.get("/v1/status", Some(OPS)).body;
    let error = &status["clubs"][0]["last_reload"]["errors"][0];
    assert_eq!(error["file"], "policies/shop/club.yaml");
    assert_eq!(
        (error["line"].clone(), error["column"].clone()),
        (1.into(), 129.into())
    );
    assert_eq!(
        error["message"],
        "the file nests lists and mappings more than 64 levels deep"
    );
    assert_eq!(server.active_version("shop"), v1);
    let answer = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 2500),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["points"], "2");
}
