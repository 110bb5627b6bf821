//! The policy routes (issue 16, the console's policy page): the live version with its
//! files, tests and canary; the versions the ledger keeps; one version's files; and the
//! diff between two, on SQLite and PostgreSQL.

use serde_json::{json, Value};

use crate::serve::server::{purchase, write, Server, Workspace, OPS, OTHER, TILL};
use crate::serve::{shop_rule, SHOP_YAML};

/// The shop's one policy test, expecting `points` for a purchase of 2,500.
fn shop_test(points: u32) -> String {
    format!(
        "- name: a point per 1,000\n  given:\n    members: [{{id: T}}]\n  when:\n    - event: {{id: T1, member: T, date: 2025-03-03, amount: 2500}}\n  then:\n    points: {{T1: {points}}}\n"
    )
}

/// The shop with its test, reloaded only when asked (`POST /v1/reload`), so that each
/// edit below is one version.
fn shop(extra: &[&str]) -> Server {
    let mut args = vec!["--poll", "3600"];
    args.extend_from_slice(extra);
    Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .file("policies/shop/tests/earn.yaml", &shop_test(2))
        .start(&args)
}

fn reload(server: &Server) -> Value {
    let reply = server.post("/v1/reload", Some(OPS), "");
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["reloaded"][0].clone()
}

fn get(server: &Server, path: &str) -> Value {
    let reply = server.get(path, Some(TILL));
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.body
}

/// A refusal's status and code.
fn refused(server: &Server, path: &str, key: &str) -> (u16, String) {
    let reply = server.get(path, Some(key));
    let code = reply.body["error"]["code"].as_str().unwrap_or_default();
    (reply.status, code.to_owned())
}

#[test]
fn two_versions_are_listed_shown_and_compared() {
    two_versions(&shop(&[]));
}

#[test]
fn on_postgres_two_versions_are_listed_shown_and_compared() {
    let Some(database) = crate::pg::PgDatabase::fresh("policy") else {
        return;
    };
    two_versions(&shop(&["--database", &database.url]));
}

fn two_versions(server: &Server) {
    // The first version: its files as written, its test passed, no canary yet.
    let live = get(server, "/v1/clubs/shop/policy");
    let v1 = live["version"].as_str().unwrap_or_default().to_owned();
    assert_eq!(v1.len(), 64, "{live}");
    assert_eq!(server.active_version("shop"), &v1[..12]);
    assert_eq!(live["short"], &v1[..12]);
    assert_eq!(
        live["files"],
        json!([
            {"name": "club.yaml", "text": SHOP_YAML},
            {"name": "earn.rhai", "text": shop_rule(1000)},
        ])
    );
    assert_eq!(
        live["tests"],
        json!({
            "passed": 1, "failed": 0, "uncovered": [],
            "cases": [{
                "name": "a point per 1,000", "file": "policies/shop/tests/earn.yaml",
                "line": 1, "passed": true, "failures": [],
            }],
        })
    );
    assert_eq!(live["last_reload"]["outcome"], "activated");
    assert_eq!(live["canary"], Value::Null);

    // A purchase for the canary to try, then twice the points (and the test to match).
    let posted = server.post(
        "/v1/clubs/shop/events",
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 4000),
    );
    assert_eq!(posted.body["points"], "4", "{}", posted.body);
    write(&server.path(), "policies/shop/earn.rhai", &shop_rule(500));
    write(
        &server.path(),
        "policies/shop/tests/earn.yaml",
        &shop_test(5),
    );
    assert_eq!(reload(server)["outcome"], "activated");

    let live = get(server, "/v1/clubs/shop/policy");
    let v2 = live["version"].as_str().unwrap_or_default().to_owned();
    assert_ne!(v2, v1);
    assert_eq!(live["files"][1]["text"], shop_rule(500));
    assert_eq!(live["tests"]["passed"], 1);
    let base = &live["canary"]["rules"]["base"];
    assert_eq!(
        (
            &base["events_changed"],
            &base["live"],
            &base["candidate"],
            &base["delta"]
        ),
        (&json!(1), &json!("4"), &json!("8"), &json!("4")),
        "{live}"
    );
    assert_eq!(
        base["examples"],
        json!([{"event": "P1", "live": "4", "candidate": "8"}])
    );

    // The ledger's versions, newest first; a page at a time.
    let list = get(server, "/v1/clubs/shop/policy/versions");
    let without_times: Vec<Value> = list["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| {
            assert!(
                v["first_used"].as_str().is_some_and(|t| t.ends_with('Z')),
                "{v}"
            );
            let mut v = v.clone();
            v.as_object_mut().expect("object").remove("first_used");
            v
        })
        .collect();
    let files = json!(["club.yaml", "earn.rhai"]);
    assert_eq!(
        without_times,
        vec![
            json!({"id": v2, "short": &v2[..12], "live": true, "files": files}),
            json!({"id": v1, "short": &v1[..12], "live": false, "files": files}),
        ]
    );
    assert_eq!((&list["next"], &list["more"]), (&json!(v1), &json!(false)));
    let first = get(server, "/v1/clubs/shop/policy/versions?limit=1");
    assert_eq!(first["versions"][0]["id"], v2.as_str());
    assert_eq!((&first["next"], &first["more"]), (&json!(v2), &json!(true)));
    let second = get(
        server,
        &format!("/v1/clubs/shop/policy/versions?limit=1&after={v2}"),
    );
    assert_eq!(second["versions"][0]["id"], v1.as_str());
    assert_eq!(second["more"], false);

    // One version, by the 12 digits the status shows, or as `live`.
    let old = get(
        server,
        &format!("/v1/clubs/shop/policy/versions/{}", &v1[..12]),
    );
    assert_eq!(
        (&old["id"], &old["live"], &old["files"][1]["text"]),
        (&json!(v1), &json!(false), &json!(shop_rule(1000)))
    );
    assert_eq!(
        get(server, "/v1/clubs/shop/policy/versions/live")["id"],
        v2.as_str()
    );

    // The diff: earn.rhai's second line, with its numbers on both sides.
    let diff = get(
        server,
        &format!("/v1/clubs/shop/policy/diff?from={}&to=live", &v1[..8]),
    );
    assert_eq!(
        diff,
        json!({
            "from": v1, "to": v2, "unchanged": ["club.yaml"],
            "files": [{
                "name": "earn.rhai", "status": "changed", "added": 1, "removed": 1,
                "hunks": [{
                    "old_start": 1, "old_lines": 3, "new_start": 1, "new_lines": 3,
                    "lines": [
                        {"kind": "context", "old": 1, "new": 1, "text": "fn base_points(event, member) {"},
                        {"kind": "removed", "old": 2, "new": null, "text": "    event.amount / 1000"},
                        {"kind": "added", "old": null, "new": 2, "text": "    event.amount / 500"},
                        {"kind": "context", "old": 3, "new": 3, "text": "}"},
                    ],
                }],
            }],
        })
    );
    let same = get(
        server,
        &format!("/v1/clubs/shop/policy/diff?from={v2}&to=live"),
    );
    assert_eq!(
        (&same["files"], &same["unchanged"]),
        (&json!([]), &json!(["club.yaml", "earn.rhai"]))
    );

    // Refusals, each with its code.
    // Four digits that start neither version.
    let other = "0123456789abcdef"
        .chars()
        .find(|c| !v1.starts_with(*c) && !v2.starts_with(*c))
        .unwrap_or('0');
    let unknown = format!("/v1/clubs/shop/policy/versions/{other}{}", &v1[1..4]);
    for (path, key, status, code) in [
        (
            "/v1/clubs/shop/policy/versions/zz12",
            TILL,
            422,
            "invalid_version",
        ),
        (
            "/v1/clubs/shop/policy/versions/abc",
            TILL,
            422,
            "invalid_version",
        ),
        (unknown.as_str(), TILL, 404, "unknown_version"),
        (
            "/v1/clubs/shop/policy/versions?limit=0",
            TILL,
            422,
            "invalid_limit",
        ),
        (
            "/v1/clubs/shop/policy/versions?after=nothing",
            TILL,
            422,
            "invalid_cursor",
        ),
        (
            "/v1/clubs/shop/policy/diff?from=live",
            TILL,
            400,
            "bad_query",
        ),
        ("/v1/clubs/shop/policy?all=1", TILL, 400, "invalid_query"),
        ("/v1/clubs/shop/policy", OTHER, 403, "wrong_club"),
        ("/v1/clubs/shop/policy/versions", OTHER, 403, "wrong_club"),
    ] {
        assert_eq!(
            refused(server, path, key),
            (status, code.to_owned()),
            "{path}"
        );
    }

    // A broken edit: the live version, its files and its tests stay; the attempt's
    // errors are printed as `bashgah check` prints them.
    write(
        &server.path(),
        "policies/shop/earn.rhai",
        "fn base_points(event, member) {\n    event.amount / \n}\n",
    );
    assert_eq!(reload(server)["outcome"], "failed");
    let live = get(server, "/v1/clubs/shop/policy");
    assert_eq!(live["version"], v2.as_str());
    assert_eq!(live["files"][1]["text"], shop_rule(500));
    assert_eq!(live["tests"]["passed"], 1);
    let printed = live["last_reload"]["printed"].as_str().unwrap_or_default();
    let check = crate::bashgah_command()
        .args(["check", "policies/shop"])
        .current_dir(server.path())
        .output()
        .expect("bashgah check");
    let check = String::from_utf8_lossy(&check.stderr);
    assert!(
        printed.contains(" --> policies/shop/earn.rhai:3:1\n"),
        "{printed}"
    );
    assert!(
        check.starts_with(printed),
        "check:\n{check}\nprinted:\n{printed}"
    );
}
