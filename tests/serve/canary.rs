//! The canary: an edit is tried on the club's recent real events beside the live version
//! before it goes live. One that fails an event the live version handled, or that moves
//! the points issued past `reload.max_change`, is refused — and the status says, rule by
//! rule, what would have changed (issue 13).

use std::time::Duration;

use crate::serve::server::{purchase, write, Server, Workspace, OPS, TILL};
use crate::serve::{shop_rule, SHOP_YAML};

const EVENTS: &str = "/v1/clubs/shop/events";

fn last_reload(server: &Server) -> serde_json::Value {
    server.get("/v1/status", Some(OPS)).body["clubs"][0]["last_reload"].clone()
}

fn wait_for_attempt(server: &Server, after: &str) -> serde_json::Value {
    server.wait_for(Duration::from_secs(15), |s| {
        last_reload(s)["at"].as_str().is_some_and(|at| at != after)
    });
    last_reload(server)
}

/// A shop club (its `club.yaml` as given) that has served purchases of `amounts` by M1
/// (ids P1, P2, ...); returns the server, the live version and its last attempt's time.
fn served(club_yaml: &str, amounts: &[u32]) -> (Server, String, String) {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", club_yaml)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&[]);
    for (i, amount) in amounts.iter().enumerate() {
        let id = format!("P{}", i + 1);
        let reply = server.post(
            EVENTS,
            Some(TILL),
            &purchase(&id, "M1", "2025-03-03", *amount),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let live = server.active_version("shop");
    let at = last_reload(&server)["at"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (server, live, at)
}

#[test]
fn an_edit_that_fails_a_rare_recent_amount_is_refused_and_the_live_version_serves() {
    let (server, live, before) = served(SHOP_YAML, &[2500, 1313, 4000]);

    // Loads, has no tests to fail, and divides by zero for the amount 1,313 only.
    write(
        &server.path(),
        "policies/shop/earn.rhai",
        "fn base_points(event, member) {\n    event.amount / 1000 + 1000 / (event.amount - 1313)\n}\n",
    );
    let attempt = wait_for_attempt(&server, &before);
    assert_eq!(attempt["outcome"], "failed", "{attempt}");
    assert_eq!(server.active_version("shop"), live);
    let message = attempt["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("the canary refused this version: it fails 1 of the last 3 events, which the live version handled (first: `P2`: rule `base` failed: Division by zero"),
        "{message}"
    );
    assert_eq!(attempt["errors"][0]["file"], "policies/shop/club.yaml");
    assert_eq!(attempt["canary"]["new_failure_count"], 1);
    assert_eq!(attempt["canary"]["events"], 3);
    // The live version goes on serving the rare amount.
    let reply = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P4", "M2", "2025-03-04", 1313),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["policy_version"], live.as_str());
}

#[test]
fn max_change_refuses_a_version_that_moves_points_too_far_and_shows_each_rules_change() {
    let club = format!("{SHOP_YAML}reload:\n  max_change: 20%\n");
    let (server, live, before) = served(&club, &[9000, 18000, 27000]);
    // 9 + 18 + 27 = 54 points live.

    // Twice the points: refused.
    write(&server.path(), "policies/shop/earn.rhai", &shop_rule(500));
    let attempt = wait_for_attempt(&server, &before);
    assert_eq!(attempt["outcome"], "failed", "{attempt}");
    assert_eq!(
        attempt["errors"][0]["message"],
        "the canary refused this version: it moves the points issued on the last 3 events by +100% (54 → 108), more than `reload.max_change: 20%` allows"
    );
    let base = &attempt["canary"]["rules"]["base"];
    assert_eq!(base["events_changed"], 3);
    assert_eq!(base["delta"], "54");
    assert_eq!(base["examples"][0]["event"], "P1");
    assert_eq!(base["examples"][0]["live"], "9");
    assert_eq!(base["examples"][0]["candidate"], "18");
    assert_eq!(server.active_version("shop"), live);

    // A tenth more (1 per 900: 10 + 20 + 30 = 60): within 20 %, activated, and the
    // status keeps what changed.
    let before = attempt["at"].as_str().unwrap_or_default().to_owned();
    write(&server.path(), "policies/shop/earn.rhai", &shop_rule(900));
    let attempt = wait_for_attempt(&server, &before);
    assert_eq!(attempt["outcome"], "activated", "{attempt}");
    assert_eq!(attempt["canary"]["change_percent"], "11.1");
    assert_eq!(attempt["canary"]["issued_candidate"], "60");
    assert_ne!(server.active_version("shop"), live);
}

#[test]
fn an_edit_that_runs_away_on_a_recent_amount_is_refused_near_the_rule_limit() {
    let (server, live, before) = served(SHOP_YAML, &[2500, 1717, 4000, 1717]);
    write(
        &server.path(),
        "policies/shop/earn.rhai",
        "fn base_points(event, member) {\n    if event.amount == 1717 { let a = []; a.pad(10000, 7); let b = a; loop { if a == b { a[0] = 7; } } }\n    event.amount / 1000\n}\n",
    );
    let attempt = wait_for_attempt(&server, &before);
    assert_eq!(attempt["outcome"], "failed", "{attempt}");
    let message = attempt["errors"][0]["message"].as_str().unwrap_or_default();
    assert_eq!(
        message,
        "the canary refused this version: it fails 2 of the last 4 events, which the live version handled (first: `P2`: rule `base` failed: ran longer than 250 ms)"
    );
    assert_eq!(server.active_version("shop"), live);
}
