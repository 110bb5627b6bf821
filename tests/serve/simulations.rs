//! Issue 16, "what-if": `POST /v1/clubs/{club}/simulations` replays a period of the club's
//! real history under the live version and a draft, and `GET …/simulations/report` shows
//! the same as the simulation report page; nothing is written.

use serde_json::json;

use crate::serve::server::{Server, OPS, TILL};
use crate::serve::trials::{cafe, ledger_now};

const SIMULATIONS: &str = "/v1/clubs/cafe/simulations";

#[test]
fn a_draft_is_simulated_over_a_month_of_the_clubs_real_history() {
    simulated(&cafe(None));
}

#[test]
fn on_postgres_a_draft_is_simulated_over_a_month_of_the_clubs_real_history() {
    let Some(database) = crate::pg::PgDatabase::fresh("simulations") else {
        return;
    };
    simulated(&cafe(Some(&database.url)));
}

fn simulated(server: &Server) {
    let before = ledger_now(server);
    // Dey 1403 (the Jalali month 10): P1001 to P1006 of the café's samples. Sara (M001)
    // was born in Dey, so her stars count twice; the draft's base rule is twice as generous.
    let body = json!({"draft": "cafe-next", "from": "1403-10-01", "to": "1403-10-30"});
    let reply = server.post(SIMULATIONS, Some(OPS), &body.to_string());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer = &reply.body;
    assert_eq!(
        (
            &answer["club"],
            &answer["draft"],
            &answer["from"],
            &answer["to"],
            &answer["events"],
            &answer["dry_run"]
        ),
        (
            &json!("cafe"),
            &json!("cafe-next"),
            &json!("1403-10-01"),
            &json!("1403-10-30"),
            &json!(6),
            &json!(true)
        )
    );
    let (a, b) = (&answer["comparison"]["a"], &answer["comparison"]["b"]);
    assert_eq!(a["policy_version"], server.active_version("cafe")[..12]);
    assert_eq!((&a["events"], &b["events"]), (&json!(6), &json!(6)));
    assert_eq!(a["issued"], "294");
    assert_eq!(
        a["issued_by_rule"],
        json!({"base": "270", "birthday_month": "24"})
    );
    assert_eq!(b["issued"], "565");
    assert_eq!(
        b["issued_by_rule"],
        json!({"base": "541", "birthday_month": "24"})
    );
    assert_eq!(answer["comparison"]["issued_delta"], "271");
    // 1 star = 1,000 IRR of credit: what members hold, in money.
    assert_eq!(a["liability"], "294000");
    assert_eq!(answer["comparison"]["liability_delta"], "271000");
    assert_eq!(
        answer["comparison"]["most_affected"][0],
        json!(["M003", "200", "400"])
    );
    assert_eq!(a["label"], "policies/cafe");
    assert_eq!(b["label"], "drafts/cafe-next");

    // The same as the report page.
    let page = server.get(
        "/v1/clubs/cafe/simulations/report?draft=cafe-next&from=1403-10-01&to=1403-10-30",
        Some(OPS),
    );
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.body.as_str().unwrap_or_default();
    assert!(html.starts_with("<!doctype html>"), "{html}");
    assert!(html.contains("drafts/cafe-next"), "{html}");
    assert!(html.contains("<svg"), "{html}");
    assert_eq!(ledger_now(server), before);
}

#[test]
fn a_simulation_is_bounded_and_asks_for_a_draft_and_a_period() {
    let server = cafe(None);
    let simulate = |body: serde_json::Value| server.post(SIMULATIONS, Some(OPS), &body.to_string());
    let long = simulate(json!({"draft": "cafe-next", "from": "1390-01-01", "to": "1403-10-30"}));
    assert_eq!(long.status, 422, "{}", long.body);
    assert_eq!(long.body["error"]["code"], "period_too_long");
    let backwards =
        simulate(json!({"draft": "cafe-next", "from": "1403-10-30", "to": "1403-10-01"}));
    assert_eq!(backwards.status, 422, "{}", backwards.body);
    assert_eq!(backwards.body["error"]["code"], "invalid_period");
    let bad_date =
        simulate(json!({"draft": "cafe-next", "from": "1403-13-01", "to": "1403-10-01"}));
    assert_eq!(bad_date.status, 422, "{}", bad_date.body);
    assert_eq!(
        (
            &bad_date.body["error"]["code"],
            &bad_date.body["error"]["field"]
        ),
        (&json!("invalid_date"), &json!("from"))
    );
    let no_draft = simulate(json!({"from": "1403-10-01", "to": "1403-10-30"}));
    assert_eq!(no_draft.status, 422, "{}", no_draft.body);
    assert_eq!(no_draft.body["error"]["field"], "draft");
    let broken = simulate(json!({"draft": "broken", "from": "1403-10-01", "to": "1403-10-30"}));
    assert_eq!(broken.status, 422, "{}", broken.body);
    assert_eq!(broken.body["error"]["code"], "draft_does_not_load");
    assert_eq!(broken.body["error"]["problems"][0]["line"], 10);
    let query = server.get(
        "/v1/clubs/cafe/simulations/report?draft=cafe-next&from=1403-10-01",
        Some(OPS),
    );
    assert_eq!(query.status, 400, "{}", query.body);
    assert_eq!(query.body["error"]["code"], "invalid_query");
    let foreign = server.post(
        SIMULATIONS,
        Some(TILL),
        &json!({"draft": "cafe-next", "from": "1403-10-01", "to": "1403-10-30"}).to_string(),
    );
    assert_eq!(foreign.status, 403, "{}", foreign.body);
}
