//! Issue 16, "try a purchase": `POST /v1/clubs/{club}/trials` decides an event against the
//! member's real standing under the live version and a draft beside it, rule by rule, and
//! writes nothing; a draft that does not load answers its located errors.

use serde_json::{json, Value};

use crate::serve::server::{Server, Workspace, OPS, TILL};

const TRIALS: &str = "/v1/clubs/cafe/trials";

/// The café's base rule made twice as generous: `/ 5000` instead of `/ 10000`.
pub fn generous_rules() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/cafe/earn.rhai"
    ))
    .expect("the café's rules")
    .replace(
        "earning_amount(event, member) / 10000\n}\n\n/// The same",
        "earning_amount(event, member) / 5000\n}\n\n/// The same",
    )
}

/// The shipped café with its sample members and purchases imported (on PostgreSQL when
/// `database` is given), a draft `cafe-next` with the generous base rule, a draft that
/// does not load and a draft of another club.
pub fn cafe(database: Option<&str>) -> Server {
    let example = |name: &str| {
        std::fs::read_to_string(format!(
            "{}/examples/cafe/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("the café's samples")
    };
    let club = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/cafe/club.yaml"
    ))
    .expect("the café's club.yaml");
    let mut import = vec![];
    if let Some(url) = database {
        import.extend(["--database", url]);
    }
    import.extend([
        "import",
        "cafe",
        "purchases.csv",
        "--members",
        "members.csv",
    ]);
    let workspace = Workspace::new()
        .shipped_club("cafe")
        .file("purchases.csv", &example("purchases.csv"))
        .file("members.csv", &example("members.csv"))
        .file("drafts/cafe-next/club.yaml", &club)
        .file("drafts/cafe-next/earn.rhai", &generous_rules())
        .file(
            "drafts/broken/club.yaml",
            &club.replace("Asia/Tehran", "Asia/Tehrn"),
        )
        .file("drafts/broken/earn.rhai", &generous_rules())
        .file(
            "drafts/other/club.yaml",
            &club.replace("id: cafe", "id: bakery"),
        )
        .file("drafts/other/earn.rhai", &generous_rules())
        .command(&import);
    match database {
        Some(url) => workspace.start(&["--database", url]),
        None => workspace.start(&[]),
    }
}

/// The ledger as the API reads it: M001's statement and the whole change feed.
pub fn ledger_now(server: &Server) -> (Value, Value) {
    let statement = server.get("/v1/clubs/cafe/members/M001/statement", Some(OPS));
    assert_eq!(statement.status, 200, "{}", statement.body);
    let feed = server.get("/v1/clubs/cafe/changes?limit=10000", Some(OPS));
    assert_eq!(feed.status, 200, "{}", feed.body);
    (statement.body, feed.body)
}

fn rule(run: &Value, id: &str) -> Value {
    run["rules"]
        .as_array()
        .and_then(|rules| rules.iter().find(|r| r["rule"] == id))
        .cloned()
        .unwrap_or(Value::Null)
}

#[test]
fn a_purchase_is_tried_under_the_live_version_and_a_draft_and_nothing_is_written() {
    tried(&cafe(None));
}

#[test]
fn on_postgres_a_purchase_is_tried_and_nothing_is_written() {
    let Some(database) = crate::pg::PgDatabase::fresh("trials") else {
        return;
    };
    tried(&cafe(Some(&database.url)));
}

fn tried(server: &Server) {
    let before = ledger_now(server);
    let live_version = server.active_version("cafe");
    // Sara (M001) was born in Dey (month 10): a purchase of 255,000 IRR on 1403-10-20, in
    // the Jalali calendar, earns 25.5 stars by each rule, rounded down.
    let body = json!({
        "member": "M001", "date": "1403-10-20 12:30", "amount": "255000",
        "items": [{"sku": "latte", "category": "coffee", "qty": 2, "price": "127500"}],
        "attributes": {"table": "7"},
        "draft": "cafe-next",
    });
    let reply = server.post(TRIALS, Some(OPS), &body.to_string());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer = &reply.body;
    assert_eq!(
        answer["event"],
        json!({
            "id": "trial", "member": "M001", "type": "purchase", "date": "1403-10-20 12:30",
            "time": "2025-01-09T09:00:00Z", "amount": "255000", "currency": "IRR",
        })
    );
    assert_eq!(answer["dry_run"], true);
    let live = &answer["live"];
    assert_eq!(live["policy_version"], live_version.as_str());
    assert_eq!(
        live["member"],
        json!({"id": "M001", "known": true, "member_type": "individual", "tier": null, "multiplier": null, "balance": "64"})
    );
    assert_eq!(live["rounding"], json!({"mode": "floor", "precision": 0}));
    assert_eq!(
        rule(live, "base"),
        json!({
            "rule": "base", "function": "base_points", "place": "policies/cafe/earn.rhai:14",
            "status": "ran", "reads": ["member.kind", "event.amount"],
            "raw_points": "25.5", "points": "25", "rounded": true,
        })
    );
    assert_eq!(rule(live, "birthday_month")["points"], "25");
    assert_eq!(
        live["entries"],
        json!([{
            "event": "trial", "type": "purchase", "member": "M001", "date": "1403-10-20",
            "entries": [
                {"rule": "base", "points": "25", "reason": "1 star per 10,000 IRR", "kind": "earn"},
                {"rule": "birthday_month", "points": "25", "reason": "birthday month: double stars", "kind": "earn"},
            ],
        }])
    );
    assert_eq!(live["points"], "50");
    assert_eq!(live["balance_after"], "114");
    assert_eq!(live["falls_due"], json!([]));
    // The draft's base rule gives one star per 5,000 IRR: 51, not rounded.
    let draft = &answer["draft"];
    assert_eq!(draft["name"], "cafe-next");
    assert_ne!(draft["policy_version"], live["policy_version"]);
    assert_eq!(rule(draft, "base")["raw_points"], "51");
    assert_eq!(rule(draft, "base")["rounded"], false);
    assert_eq!(
        rule(draft, "base")["place"],
        "drafts/cafe-next/earn.rhai:14"
    );
    assert_eq!(draft["points"], "76");
    assert_eq!(
        answer["rules"],
        json!([
            {"rule": "base", "live": "25", "draft": "51", "changed": true},
            {"rule": "birthday_month", "live": "25", "draft": "25", "changed": false},
        ])
    );
    // A viewer's question changed nothing: the same statement, the same feed.
    assert_eq!(ledger_now(server), before);

    // Without a draft, one column; a member the ledger does not know is tried as new.
    let reply = server.post(
        TRIALS,
        Some(OPS),
        &json!({"member": "M999", "date": "1403-11-05", "amount": "99999"}).to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.get("draft").is_none(), "{}", reply.body);
    assert!(reply.body.get("rules").is_none(), "{}", reply.body);
    assert_eq!(reply.body["live"]["member"]["known"], false);
    assert_eq!(reply.body["live"]["member"]["balance"], "0");
    assert_eq!(reply.body["live"]["points"], "9");
    assert_eq!(ledger_now(server), before);
}

#[test]
fn a_draft_that_does_not_load_answers_its_errors_where_they_are() {
    let server = cafe(None);
    let trial = |draft: &str| {
        server.post(
            TRIALS,
            Some(OPS),
            &json!({"member": "M001", "date": "1403-10-20", "amount": "100000", "draft": draft})
                .to_string(),
        )
    };
    let broken = trial("broken");
    assert_eq!(broken.status, 422, "{}", broken.body);
    let error = &broken.body["error"];
    assert_eq!(error["code"], "draft_does_not_load");
    assert_eq!(error["message"], "draft `broken` does not load (1 error)");
    assert_eq!(
        error["problems"],
        json!([{
            "message": "unknown timezone `Asia/Tehrn`", "file": "drafts/broken/club.yaml",
            "line": 10, "column": 11, "help": "did you mean `Asia/Tehran`?",
        }])
    );
    assert_eq!(
        error["report"],
        "error: unknown timezone `Asia/Tehrn`\n  --> drafts/broken/club.yaml:10:11\n   |\n10 | timezone: Asia/Tehrn\n   |           ^^^^^^^^^^\n   = help: did you mean `Asia/Tehran`?\n\n"
    );

    let other = trial("other");
    assert_eq!(other.status, 422, "{}", other.body);
    assert_eq!(other.body["error"]["code"], "draft_of_another_club");
    assert_eq!(
        other.body["error"]["message"],
        "draft `other` is of club `bakery`, not `cafe`"
    );
    for name in ["../policies/cafe", "..", ".hidden", "a/b"] {
        let refused = trial(name);
        assert_eq!(refused.status, 422, "{name}: {}", refused.body);
        assert_eq!(refused.body["error"]["code"], "invalid_draft", "{name}");
        assert_eq!(refused.body["error"]["field"], "draft", "{name}");
    }
    let missing = trial("cafe-nexy");
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_eq!(missing.body["error"]["code"], "unknown_draft");

    // The event is read as a posted one: a misspelt field is named, a bad date refused.
    let misspelt = server.post(
        TRIALS,
        Some(OPS),
        &json!({"member": "M001", "date": "1403-10-20", "amout": "1"}).to_string(),
    );
    assert_eq!(misspelt.status, 422, "{}", misspelt.body);
    assert_eq!(misspelt.body["error"]["field"], "amout");
    assert_eq!(misspelt.body["error"]["help"], "did you mean `amount`?");
    let bad_date = server.post(
        TRIALS,
        Some(OPS),
        &json!({"member": "M001", "date": "1403-13-01", "amount": "1"}).to_string(),
    );
    assert_eq!(bad_date.status, 422, "{}", bad_date.body);
    assert_eq!(bad_date.body["error"]["code"], "invalid_event");
    assert_eq!(bad_date.body["error"]["field"], "date");
    // Another club's key sees nothing of the café.
    let foreign = server.post(
        TRIALS,
        Some(TILL),
        &json!({"member": "M001", "date": "1403-10-20", "amount": "1"}).to_string(),
    );
    assert_eq!(foreign.status, 403, "{}", foreign.body);
}
