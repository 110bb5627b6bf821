//! Groups over HTTP (issue 18): joins and purchases posted as events, a redemption from
//! the company's pool by a buyer within their limit, and the groups route, on SQLite and
//! on PostgreSQL.

use crate::serve::server::{Server, Workspace, TILL};
use serde_json::json;

fn wholesale(extra: &[&str]) -> Server {
    Workspace::new()
        .shipped_club("wholesale")
        .file(
            "keys.yaml",
            &format!(
                "keys:\n  - {{name: till, sha256: {}, clubs: [wholesale]}}\n",
                bashgah::serve::keys::hash(TILL)
            ),
        )
        .start(extra)
}

fn a_company_at_the_till(server: &Server) {
    let events = "/v1/clubs/wholesale/events";
    for body in [
        json!({"id": "J1", "member": "B1", "type": "join", "date": "1403-07-01", "attributes": {"group": "C1", "role": "buyer"}}),
        json!({"id": "J2", "member": "O1", "type": "join", "date": "1403-07-01", "attributes": {"group": "C1", "role": "owner"}}),
        json!({"id": "P1", "member": "B1", "date": "1403-07-02", "amount": "250000000"}),
    ] {
        let answer = server.post(events, Some(TILL), &body.to_string());
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let bad = server.post(
        events,
        Some(TILL),
        &json!({"id": "J3", "member": "B2", "type": "join", "date": "1403-07-01", "attributes": {"group": "C1", "role": "cook"}}).to_string(),
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    let redeem = |member: &str, id: &str| {
        server.post(
            &format!("/v1/clubs/wholesale/members/{member}/redemptions"),
            Some(TILL),
            &json!({"reward": "free-delivery", "id": id, "group": "C1", "at": "1403-07-03"})
                .to_string(),
        )
    };
    let first = redeem("B1", "S1");
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["balance"]["available"], "170");
    let over = redeem("B1", "S2");
    assert_eq!(over.status, 422, "{}", over.body);
    assert_eq!(over.body["error"]["code"], "refused");
    // A return of part of the buyer's purchase takes its share back from the pool.
    let back = server.post(
        events,
        Some(TILL),
        &json!({"id": "R1", "member": "B1", "type": "return", "original": "P1", "date": "1403-07-04", "amount": "100000000"}).to_string(),
    );
    assert_eq!(back.status, 200, "{}", back.body);
    let pool = server.get("/v1/clubs/wholesale/members/C1", Some(TILL));
    assert_eq!(pool.body["balances"]["available"], "70", "{}", pool.body);
    let groups = server.get("/v1/clubs/wholesale/members/C1/groups", Some(TILL));
    assert_eq!(groups.status, 200, "{}", groups.body);
    assert_eq!(groups.body["groups"], json!([]));
    let members: Vec<(String, String, String)> = groups.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["member"].as_str().unwrap().to_owned(),
                m["contributed"].as_str().unwrap().to_owned(),
                m["spent"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        members,
        [
            ("B1".into(), "150".into(), "80".into()),
            ("O1".into(), "0".into(), "0".into())
        ]
    );
    let buyer = server.get("/v1/clubs/wholesale/members/B1/groups", Some(TILL));
    assert_eq!(buyer.body["groups"][0]["group"], "C1");
    assert_eq!(buyer.body["groups"][0]["role"], "buyer");
    assert_eq!(buyer.body["members"], json!([]));
}

#[test]
fn a_company_pool_over_http() {
    a_company_at_the_till(&wholesale(&[]));
}

#[test]
fn on_postgres_a_company_pool_over_http() {
    let Some(database) = crate::pg::PgDatabase::fresh("groups") else {
        return;
    };
    a_company_at_the_till(&wholesale(&["--database", &database.url]));
}
