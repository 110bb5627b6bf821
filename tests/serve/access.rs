//! API keys: a key opens its own clubs only; admin routes need an admin key; a refused
//! request changes nothing.

use crate::serve::server::{purchase, Workspace, OPS, OTHER, TILL};
use crate::serve::{shop_rule, SHOP_YAML};

#[test]
fn one_clubs_key_is_refused_on_another_club_and_nothing_changes() {
    let bakery = SHOP_YAML.replace("id: shop", "id: bakery");
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .file("policies/bakery/club.yaml", &bakery)
        .file("policies/bakery/earn.rhai", &shop_rule(1000))
        .start(&[]);
    let event = purchase("B1", "M1", "2025-03-03", 2500);

    let refused = server.post("/v1/clubs/bakery/events", Some(TILL), &event);
    assert_eq!(refused.status, 403);
    assert_eq!(refused.body["error"]["code"], "wrong_club");
    assert_eq!(
        refused.body["error"]["message"],
        "key `till` is not a key of club `bakery`"
    );
    let read = server.get("/v1/clubs/bakery/members/M1", Some(TILL));
    assert_eq!(read.status, 403);
    // The bakery's own key works there, and the bakery's ledger holds only that.
    assert_eq!(
        server
            .get("/v1/clubs/bakery/members/M1", Some(OTHER))
            .status,
        404
    );
    assert_eq!(
        server
            .post("/v1/clubs/shop/events", Some(OTHER), &event)
            .status,
        403
    );

    let missing = server.post("/v1/clubs/shop/events", None, &event);
    assert_eq!(missing.status, 401);
    assert_eq!(missing.body["error"]["code"], "no_key");
    let unknown = server.post("/v1/clubs/shop/events", Some("guess"), &event);
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.body["error"]["code"], "unknown_key");
    // The status lists only the key's own clubs.
    let status = server.get("/v1/status", Some(TILL)).body;
    assert_eq!(status["clubs"].as_array().map(Vec::len), Some(1));
    assert_eq!(status["clubs"][0]["id"], "shop");

    // Admin routes.
    let advance = server.post(
        "/v1/clubs/shop/clock",
        Some(TILL),
        r#"{"to": "2025-04-01"}"#,
    );
    assert_eq!(advance.status, 403);
    assert_eq!(advance.body["error"]["code"], "needs_role");
    assert_eq!(server.post("/v1/reload", Some(TILL), "").status, 403);
    assert_eq!(server.post("/v1/reload", Some(OPS), "").status, 200);

    // None of the refused requests wrote anything.
    for club in ["shop", "bakery"] {
        let ledger = rusqlite::Connection::open(server.path().join(format!("data/{club}.sqlite")))
            .expect("ledger");
        let events: i64 = ledger
            .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
            .expect("count");
        assert_eq!(events, 0, "{club}");
        let now: Option<String> = ledger
            .query_row("SELECT now FROM clock", [], |r| r.get(0))
            .unwrap_or(None);
        assert_eq!(now, None, "{club}: the clock did not move");
    }
    // The admin key may use any club.
    let by_admin = server.post("/v1/clubs/bakery/events", Some(OPS), &event);
    assert_eq!(by_admin.status, 200, "{}", by_admin.body);
}

#[test]
fn bashgah_key_prints_a_key_and_the_line_holding_only_its_hash() {
    // `key` grants only clubs there are.
    let dir = crate::scratch();
    std::fs::create_dir_all(dir.path().join("policies/shop")).expect("mkdir");
    std::fs::write(dir.path().join("policies/shop/club.yaml"), "id: shop\n").expect("write");
    let output = crate::bashgah_command()
        .args(["key", "--name", "till-3", "--club", "shop"])
        .current_dir(dir.path())
        .env_remove("BASHGAH_POLICIES")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let key = stdout
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("key: "))
        .expect("the key");
    let line = stdout.lines().last().expect("the line");
    assert_eq!(
        line,
        format!(
            "  - {{name: till-3, sha256: {}, clubs: [shop]}}",
            bashgah::serve::keys::hash(key)
        )
    );
    assert!(!line.contains(key));
    let keys = bashgah::serve::keys::Keys::parse(
        std::path::Path::new("keys.yaml"),
        &format!("keys:\n{line}\n"),
    )
    .expect("the printed line is a valid keys file entry");
    assert!(keys.grant(key).is_some_and(|g| g.may_use("shop")));
    let none = crate::bashgah_command()
        .args(["key", "--name", "x"])
        .output()
        .expect("run");
    assert_eq!(none.status.code(), Some(2));
}

/// Issue 19: `key --write` adds the entry to the keys file itself (made if missing), a
/// second key for the same holder is refused with the file untouched, and the server
/// started on that file takes the key.
#[test]
fn bashgah_key_writes_the_keys_file_and_the_server_takes_the_key() {
    use crate::serve::server::{purchase, Workspace};
    let workspace = Workspace::new()
        .file("policies/shop/club.yaml", crate::serve::SHOP_YAML)
        .file("policies/shop/earn.rhai", &crate::serve::shop_rule(1000));
    let run = |args: &[&str]| {
        crate::bashgah_command()
            .args(args)
            .current_dir(workspace.dir.path())
            .env_remove("BASHGAH_POLICIES")
            .output()
            .expect("run")
    };
    let made = run(&[
        "key",
        "--name",
        "till-9",
        "--club",
        "shop",
        "--write",
        "new-keys.yaml",
    ]);
    let stdout = String::from_utf8_lossy(&made.stdout).into_owned();
    assert_eq!(made.status.code(), Some(0), "{stdout}");
    let key = stdout
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("key: "))
        .expect("the key")
        .to_owned();
    let file = workspace.dir.path().join("new-keys.yaml");
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        written,
        format!(
            "keys:\n  - {{name: till-9, sha256: {}, clubs: [shop]}}\n",
            bashgah::serve::keys::hash(&key)
        )
    );
    assert!(!written.contains(&key), "only the hash is kept");
    let admin = run(&[
        "key",
        "--name",
        "ops-9",
        "--admin",
        "--write",
        "new-keys.yaml",
    ]);
    assert_eq!(admin.status.code(), Some(0));
    let again = run(&[
        "key",
        "--name",
        "till-9",
        "--club",
        "shop",
        "--write",
        "new-keys.yaml",
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already has a key held by `till-9`"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap().lines().count(),
        3,
        "the refused key was not written"
    );
    let server = workspace.start(&["--keys", "new-keys.yaml"]);
    let posted = server.post(
        "/v1/clubs/shop/events",
        Some(&key),
        &purchase("P1", "M1", "2025-03-03", 5000),
    );
    assert_eq!(posted.status, 200, "{}", posted.body);
}

/// Keys change without a restart: a key removed from the file (revoked) or past its
/// `expires` closes within seconds, a new one opens, and a keys file that does not load
/// keeps the keys in force and says why in the status (issue 13).
#[test]
fn keys_are_revoked_expired_and_added_by_editing_the_file() {
    use crate::serve::server::write;
    use bashgah::serve::keys::hash;
    use std::time::Duration;
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&[]);
    let member = "/v1/clubs/shop/members/M1";
    assert_eq!(
        server.get(member, Some(TILL)).status,
        404,
        "the till's key opens the club"
    );

    // The till's key is revoked (its entry removed); a new till key and an expired one
    // are added.
    let keys = format!(
        "keys:\n  - {{name: till2, sha256: {}, clubs: [shop]}}\n  - {{name: old, sha256: {}, clubs: [shop], expires: 2020-01-01}}\n  - {{name: ops, sha256: {}, admin: true}}\n",
        hash("new-till-key"),
        hash("old-till-key"),
        hash(OPS),
    );
    write(&server.path(), "keys.yaml", &keys);
    server.wait_for(Duration::from_secs(10), |s| {
        s.get(member, Some(TILL)).status == 401
    });
    let revoked = server.get(member, Some(TILL));
    assert_eq!(
        revoked.body["error"]["code"], "unknown_key",
        "{}",
        revoked.body
    );
    assert_eq!(server.get(member, Some("new-till-key")).status, 404);
    let expired = server.get(member, Some("old-till-key"));
    assert_eq!(expired.status, 401);
    assert_eq!(expired.body["error"]["code"], "key_expired");
    assert_eq!(
        expired.body["error"]["message"],
        "the API key `old` expired at 2020-01-01T00:00:00+00:00"
    );

    // A broken file: the keys in force stay, and the status says where it is broken.
    write(
        &server.path(),
        "keys.yaml",
        &format!(
            "{keys}  - {{name: typo, sha256: {}, clubz: [shop]}}\n",
            hash("x")
        ),
    );
    server.wait_for(Duration::from_secs(10), |s| {
        s.get("/v1/status", Some(OPS)).body["keys"]["errors"][0]["line"] == 5
    });
    let status = server.get("/v1/status", Some(OPS)).body;
    assert_eq!(
        status["keys"]["errors"][0]["message"], "unknown key `clubz`",
        "{status}"
    );
    assert_eq!(server.get(member, Some("new-till-key")).status, 404);
    assert_eq!(server.get(member, Some(TILL)).status, 401);
    // The till does not see the keys' status; only admins do.
    assert!(server
        .get("/v1/status", Some("new-till-key"))
        .body
        .get("keys")
        .is_none());
}

#[test]
fn a_keys_role_in_each_club_decides_what_it_may_do_and_a_refusal_changes_nothing() {
    use crate::serve::server::{OPERATOR, VIEWER};
    let bakery = SHOP_YAML.replace("id: shop", "id: bakery");
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .file("policies/bakery/club.yaml", &bakery)
        .file("policies/bakery/earn.rhai", &shop_rule(1000))
        .start(&[]);
    let recorded = server.post(
        "/v1/clubs/shop/events",
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 2500),
    );
    assert_eq!(recorded.status, 200, "{}", recorded.body);

    // A viewer reads, and writes nothing.
    let read = server.get("/v1/clubs/shop/members/M1", Some(VIEWER));
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["balances"]["available"], "2");
    let refused = server.post(
        "/v1/clubs/shop/events",
        Some(VIEWER),
        &purchase("P2", "M1", "2025-03-04", 9000),
    );
    assert_eq!(refused.status, 403);
    assert_eq!(refused.body["error"]["code"], "needs_role");
    assert_eq!(
        refused.body["error"]["message"],
        "key `viewer` is a `viewer` of club `shop`; this needs `till`"
    );
    let adjust_body = r#"{"points": 5, "reason": "goodwill", "id": "A1"}"#;
    let adjustments = "/v1/clubs/shop/members/M1/adjustments";
    assert_eq!(
        server.post(adjustments, Some(VIEWER), adjust_body).status,
        403
    );
    // A till records purchases but does not adjust by hand; an operator does.
    let by_till = server.post(adjustments, Some(TILL), adjust_body);
    assert_eq!(
        by_till.body["error"]["message"],
        "key `till` is a `till` of club `shop`; this needs `operator`"
    );
    let by_operator = server.post(adjustments, Some(OPERATOR), adjust_body);
    assert_eq!(by_operator.status, 200, "{}", by_operator.body);
    assert_eq!(by_operator.body["balance"]["available"], "7");
    // The operator's role is per club: in the bakery it only reads.
    assert_eq!(
        server
            .get("/v1/clubs/bakery/members/M1", Some(OPERATOR))
            .status,
        404
    );
    let in_bakery = server.post(
        "/v1/clubs/bakery/events",
        Some(OPERATOR),
        &purchase("B1", "M1", "2025-03-03", 2500),
    );
    assert_eq!(in_bakery.body["error"]["code"], "needs_role");
    // The club's admin routes stay closed to an operator.
    let clock = server.post(
        "/v1/clubs/shop/clock",
        Some(OPERATOR),
        r#"{"to": "2025-04-01"}"#,
    );
    assert_eq!(clock.body["error"]["code"], "needs_role");
    // Nothing the refusals touched changed.
    let after = server.get("/v1/clubs/shop/members/M1", Some(VIEWER));
    assert_eq!(after.body["balances"]["available"], "7");
    assert_eq!(
        server
            .get("/v1/clubs/bakery/members/M1", Some(OTHER))
            .status,
        404
    );
}
