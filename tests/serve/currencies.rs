//! A purchase posted in dollars (issue 18): converted at the rate of its day, answered
//! with the points of the Rial amount, explained with what was paid and the rate; a
//! currency without a rate refused at its field, writing nothing.

use crate::serve::server::{Workspace, TILL};

const EVENTS: &str = "/v1/clubs/shop/events";

#[test]
fn a_purchase_posted_in_dollars_is_converted_and_explained() {
    posted_in_dollars(&[]);
}

/// The same with the club's ledger in PostgreSQL, whose events table keeps what was paid
/// and the rate too.
#[test]
fn on_postgres_a_purchase_posted_in_dollars_is_converted_and_explained() {
    let Some(database) = crate::pg::PgDatabase::fresh("currencies") else {
        return;
    };
    posted_in_dollars(&["--database", &database.url]);
    let mut client = postgres::Client::connect(&database.url, postgres::NoTls).unwrap();
    let row = client
        .query_one(
            "SELECT amount, currency, original_amount, rate FROM club_shop.events WHERE id = 'P1'",
            &[],
        )
        .unwrap();
    let stored: (String, String, String, String) = (row.get(0), row.get(1), row.get(2), row.get(3));
    assert_eq!(
        stored,
        (
            "10625006".to_owned(),
            "USD".to_owned(),
            "12.5".to_owned(),
            "850000.5".to_owned()
        )
    );
}

fn posted_in_dollars(extra: &[&str]) {
    let server = Workspace::new()
        .file(
            "policies/shop/club.yaml",
            &crate::currencies::CLUB_YAML.replace("id: bazaar", "id: shop"),
        )
        .file("policies/shop/rates.csv", crate::currencies::RATES_CSV)
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) { event.amount / 100000 }\n",
        )
        .start(extra);
    let posted = server.post(
        EVENTS,
        Some(TILL),
        r#"{"id": "P1", "member": "M1", "date": "2025-02-03", "amount": "12.5", "currency": "USD"}"#,
    );
    assert_eq!(posted.status, 200, "{}", posted.body);
    // 12.5 × 850,000.5 = 10,625,006.25 → 10,625,006 IRR → 106.25006 points
    assert_eq!(posted.body["status"], "applied");
    assert_eq!(posted.body["points"], "106.25006");
    assert_eq!(posted.body["balance"], "106.25006");

    let why = server.get("/v1/clubs/shop/events/P1/explanation", Some(TILL));
    assert_eq!(why.status, 200, "{}", why.body);
    assert_eq!(why.body["amount"], "10625006");
    assert_eq!(
        why.body["paid"],
        serde_json::json!({"currency": "USD", "amount": "12.5", "rate": "850000.5"})
    );
    let member = server.get("/v1/clubs/shop/members/M1", Some(TILL));
    assert_eq!(member.body["member"]["spend_total"], "10625006");

    let refused = server.post(
        EVENTS,
        Some(TILL),
        r#"{"id": "P2", "member": "M1", "date": "2025-02-03", "amount": "10", "currency": "GBP"}"#,
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(
        refused.body,
        serde_json::json!({
            "id": "P2", "status": "rejected", "dry_run": false,
            "error": {
                "field": "currency",
                "message": "the club has no rate for `GBP`; it takes AED, USD",
            },
        })
    );
    let member = server.get("/v1/clubs/shop/members/M1", Some(TILL));
    assert_eq!(member.body["member"]["events"], 1);
}
