//! The console's members pages over HTTP: the search and its pages, a member's statement,
//! and the forms that change points — shown by role, refused without the role or the
//! CSRF token, applied once however often they are sent.

use super::console::{Browser, Page};
use crate::serve::server::{Server, Workspace, OPERATOR, VIEWER};
use crate::serve::{shop_rule, SHOP_YAML};

/// Club `shop` with 120 members (`M001`…`M120`, one of them Sara Karimi) and two
/// purchases of M001's (25 and 4 points), and club `bakery` beside it.
fn shop_with_members() -> Server {
    let mut members = String::from("id,type,joined,name,phone\n");
    for n in 1..=120 {
        let name = if n == 17 {
            "Sara Karimi".to_owned()
        } else {
            format!("Member {n}")
        };
        members.push_str(&format!(
            "M{n:03},individual,2025-01-01,{name},0912000{n:04}\n"
        ));
    }
    let bakery = SHOP_YAML
        .replace("id: shop", "id: bakery")
        .replace("name: Corner Shop", "name: Bakery");
    Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .file("policies/bakery/club.yaml", &bakery)
        .file("policies/bakery/earn.rhai", &shop_rule(1000))
        .file("members.csv", &members)
        .file(
            "events.csv",
            "id,member,date,amount\ne1,M001,2025-02-01T10:00:00Z,25000\ne2,M001,2025-02-03T10:00:00Z,4000\n",
        )
        .command(&["import", "shop", "events.csv", "--members", "members.csv"])
        .start(&[])
}

/// The value of the hidden `id` field of the form `form`.
fn form_id(page: &Page, form: &str) -> String {
    let at = page
        .text
        .find(&format!(r#"<form id="{form}""#))
        .unwrap_or_else(|| panic!("form {form} in {}", page.text));
    let rest = &page.text[at..];
    let field = r#"name="id" value=""#;
    let start = rest.find(field).expect("an id field") + field.len();
    rest[start..start + rest[start..].find('"').expect("end")].to_owned()
}

/// The member's balance as the statement shows it.
fn balance(page: &Page) -> String {
    let start = page.text.find(r#"id="balance">"#).expect("balance") + r#"id="balance">"#.len();
    let rest = &page.text[start..];
    rest[..rest.find('<').expect("end")].to_owned()
}

#[test]
fn the_search_finds_a_member_by_name_and_pages_through_the_club() {
    let server = shop_with_members();
    let mut browser = Browser::signed_in(&server, VIEWER);
    let found = browser.get("/clubs/shop/members?q=karimi");
    assert_eq!(found.status, 200, "{}", found.text);
    assert!(
        found
            .text
            .contains(r#"<a href="/clubs/shop/members/M017">M017</a>"#),
        "{}",
        found.text
    );
    assert!(found.text.contains("Sara Karimi · 09120000017"));
    assert!(!found.text.contains("M018"));
    // Digits as a Persian keyboard types them find the phone too.
    let by_phone = browser.get("/clubs/shop/members?q=%DB%B0%DB%B0%DB%B1%DB%B7");
    assert!(by_phone.text.contains(">M017</a>"), "{}", by_phone.text);

    // The list: 50 a page, in id order, next and back again.
    let first = browser.get("/clubs/shop/members");
    assert!(first.text.contains(">M001</a>") && first.text.contains(">M050</a>"));
    assert!(!first.text.contains(">M051</a>"));
    assert!(!first.text.contains(r#"rel="prev""#));
    assert!(
        first
            .text
            .contains(r#"<a rel="next" href="/clubs/shop/members?after=M050&amp;back=">"#),
        "{}",
        first.text
    );
    let second = browser.get("/clubs/shop/members?after=M050&back=");
    assert!(second.text.contains(">M051</a>") && second.text.contains(">M100</a>"));
    assert!(!second.text.contains(">M050</a>"));
    assert!(second
        .text
        .contains(r#"<a rel="prev" href="/clubs/shop/members">"#));
    let third = browser.get("/clubs/shop/members?after=M100&back=&back=M050");
    assert!(third.text.contains(">M120</a>"));
    assert!(!third.text.contains(r#"rel="next""#), "the last page");
    assert!(third
        .text
        .contains(r#"<a rel="prev" href="/clubs/shop/members?after=M050&amp;back=">"#));

    // The API answers the same search, with the profile.
    let api = server.get("/v1/clubs/shop/members?q=karimi", Some(VIEWER));
    assert_eq!(api.status, 200);
    assert_eq!(api.body["members"][0]["id"], "M017");
    assert_eq!(api.body["members"][0]["profile"]["name"], "Sara Karimi");
    assert_eq!(api.body["more"], false);
}

#[test]
fn a_members_page_is_their_statement_with_exact_figures_and_links_to_explanations() {
    let server = shop_with_members();
    let mut browser = Browser::signed_in(&server, VIEWER);
    let page = browser.get("/clubs/shop/members/M001");
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("<h1>Member M001</h1>"), "{}", page.text);
    assert_eq!(balance(&page), "29 points");
    assert!(page.text.contains(r#"id="available">29<"#));
    assert!(page.text.contains(r#"id="pending">0<"#));
    // Each entry with its date in the club's calendar, its points and its reason, and a
    // link to its explanation.
    assert!(
        page.text.contains(
            r#"<a href="/clubs/shop/events/e1" title="Why: the event's explanation">e1</a>"#
        ),
        "{}",
        page.text
    );
    assert!(page.text.contains("2025-02-01 10:00"));
    assert!(page.text.contains(r#"<td class="number">+25</td>"#));
    assert!(page.text.contains(r#"<td class="number">+4</td>"#));
    // In Persian: Persian digits, right to left.
    let persian = browser.get("/clubs/shop/members/M001?lang=fa");
    assert!(persian.text.contains(r#"dir="rtl""#));
    assert!(
        persian.text.contains(r#"<td class="number">+۲۵</td>"#),
        "{}",
        persian.text
    );
    // A member the club does not have, and another club's: not found.
    assert_eq!(browser.get("/clubs/shop/members/NOBODY").status, 404);
    assert_eq!(browser.get("/clubs/bakery/members/M001").status, 404);
    assert_eq!(browser.get("/clubs/bakery/members").status, 404);
}

#[test]
fn a_viewer_sees_no_forms_and_a_forged_post_is_refused_and_changes_nothing() {
    let server = shop_with_members();
    let mut browser = Browser::signed_in(&server, VIEWER);
    let page = browser.get("/clubs/shop/members/M001");
    assert!(!page.text.contains(r#"<form id="adjust""#));
    assert!(!page.text.contains(r#"<form id="redeem""#));
    let csrf = page.csrf();
    let forged = browser.post(
        "/clubs/shop/members/M001/adjust",
        &[
            ("csrf", &csrf),
            ("id", "forged-1"),
            ("points", "1000"),
            ("reason", "gift"),
        ],
    );
    assert_eq!(forged.status, 403, "{}", forged.text);
    assert!(forged
        .text
        .contains("Your key is a viewer (reads) of this club"));
    let redeem = browser.post(
        "/clubs/shop/members/M001/redeem",
        &[("csrf", &csrf), ("id", "forged-2"), ("reward", "coffee")],
    );
    assert_eq!(redeem.status, 403);
    assert_eq!(
        balance(&browser.get("/clubs/shop/members/M001")),
        "29 points"
    );
}

#[test]
fn an_operators_adjustment_applies_once_however_often_the_form_is_sent() {
    let server = shop_with_members();
    let mut browser = Browser::signed_in(&server, OPERATOR);
    let page = browser.get("/clubs/shop/members/M001");
    assert!(
        page.text.contains(r#"<form id="adjust" method="post" action="/clubs/shop/members/M001/adjust" data-confirm="Change this member's points by hand?">"#),
        "{}",
        page.text
    );
    assert!(page.text.contains(r#"<form id="redeem""#));
    assert!(page.text.contains(r#"<option value="coffee">"#));
    let (csrf, id) = (page.csrf(), form_id(&page, "adjust"));
    assert!(id.starts_with("console-"), "{id}");
    let fields = [
        ("csrf", csrf.as_str()),
        ("id", id.as_str()),
        ("points", "10.5"),
        ("reason", "sorry for the wait"),
    ];
    let first = browser.post("/clubs/shop/members/M001/adjust", &fields);
    assert_eq!(first.status, 303, "{}", first.text);
    assert_eq!(
        first.header("location"),
        Some("/clubs/shop/members/M001?done=adjusted")
    );
    let again = browser.post("/clubs/shop/members/M001/adjust", &fields);
    assert_eq!(again.status, 303);
    assert_eq!(
        again.header("location"),
        Some("/clubs/shop/members/M001?done=duplicate")
    );
    let after = browser.get("/clubs/shop/members/M001?done=adjusted");
    assert!(after.text.contains("The points were adjusted."));
    assert_eq!(balance(&after), "39.5 points");
    assert!(after.text.contains("sorry for the wait"));
    // The same entry the API shows: one adjustment.
    let statement = server.get("/v1/clubs/shop/members/M001/statement", Some(VIEWER));
    let adjustments: Vec<_> = statement.body["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["event"] == id.as_str())
        .collect();
    assert_eq!(adjustments.len(), 1, "{}", statement.body);
    assert_eq!(adjustments[0]["points"], "10.5");

    // Redeeming through the page: 3 points for a coffee.
    let page = browser.get("/clubs/shop/members/M001");
    let redeemed = browser.post(
        "/clubs/shop/members/M001/redeem",
        &[
            ("csrf", &page.csrf()),
            ("id", &form_id(&page, "redeem")),
            ("reward", "coffee"),
        ],
    );
    assert_eq!(
        redeemed.header("location"),
        Some("/clubs/shop/members/M001?done=redeemed")
    );
    assert_eq!(
        balance(&browser.get("/clubs/shop/members/M001")),
        "36.5 points"
    );
}

#[test]
fn a_change_without_the_csrf_token_is_refused() {
    let server = shop_with_members();
    let mut browser = Browser::signed_in(&server, OPERATOR);
    let page = browser.get("/clubs/shop/members/M001");
    let id = form_id(&page, "adjust");
    let missing = browser.post(
        "/clubs/shop/members/M001/adjust",
        &[("id", id.as_str()), ("points", "5"), ("reason", "gift")],
    );
    assert_eq!(missing.status, 403);
    assert!(missing.text.contains("security token"));
    let wrong = browser.post(
        "/clubs/shop/members/M001/adjust",
        &[
            ("csrf", "bk_forged"),
            ("id", id.as_str()),
            ("points", "5"),
            ("reason", "gift"),
        ],
    );
    assert_eq!(wrong.status, 403);
    // Another club's member, even with the token: not found.
    let other = browser.post(
        "/clubs/bakery/members/M001/adjust",
        &[
            ("csrf", &page.csrf()),
            ("id", "x"),
            ("points", "5"),
            ("reason", "gift"),
        ],
    );
    assert_eq!(other.status, 403, "a viewer of bakery: {}", other.text);
    assert_eq!(
        balance(&browser.get("/clubs/shop/members/M001")),
        "29 points"
    );
}

#[test]
fn an_entrys_link_explains_its_event_as_explain_does() {
    let server = shop_with_members();
    let api = server.get("/v1/clubs/shop/events/e1/explanation", Some(VIEWER));
    assert_eq!(api.status, 200, "{}", api.body);
    assert_eq!(api.body["member"], "M001");
    assert_eq!(api.body["rules"][0]["rule"], "base");
    assert_eq!(api.body["rules"][0]["status"], "ran");
    assert_eq!(api.body["rules"][0]["points"], "25", "{}", api.body);
    assert_eq!(api.body["rules"][0]["reads"][0], "event.amount");
    assert_eq!(api.body["ledger_entries"][0]["points"], "25");
    assert_eq!(api.body["same"], true);
    let unknown = server.get("/v1/clubs/shop/events/nope/explanation", Some(VIEWER));
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.body["error"]["code"], "unknown_event");

    let mut browser = Browser::signed_in(&server, VIEWER);
    let page = browser.get("/clubs/shop/events/e1");
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("<h1>Event e1</h1>"));
    assert!(page.text.contains("ran: +25"), "{}", page.text);
    assert!(page.text.contains("The ledger holds what the rules give."));
    assert!(page
        .text
        .contains(r#"<a href="/clubs/shop/members/M001">M001</a>"#));
    assert_eq!(browser.get("/clubs/shop/events/nope").status, 404);
    assert_eq!(browser.get("/clubs/bakery/events/e1").status, 404);
}

#[test]
fn a_members_page_lists_their_messages() {
    let club = format!(
        "{SHOP_YAML}messages:\n  language: en\n  channels:\n    - {{id: sms, kind: file, path: sms.jsonl}}\n  templates:\n    enrolled: {{en: \"Welcome to the shop\"}}\n"
    );
    let server = Workspace::new()
        .file("policies/shop/club.yaml", &club)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&[]);
    let posted = server.post(
        "/v1/clubs/shop/events",
        Some(crate::serve::server::TILL),
        &crate::serve::server::purchase("P1", "M9", "2025-03-03", 5000),
    );
    assert_eq!(posted.status, 200, "{}", posted.body);
    let api = server.get("/v1/clubs/shop/members/M9", Some(VIEWER));
    assert_eq!(
        api.body["messages"][0]["occasion"], "enrolled",
        "{}",
        api.body
    );
    let mut browser = Browser::signed_in(&server, VIEWER);
    let page = browser.get("/clubs/shop/members/M9");
    assert!(
        page.text.contains(r#"<table id="messages">"#),
        "{}",
        page.text
    );
    assert!(page.text.contains("<td dir=\"ltr\">enrolled</td>"));
    assert!(page.text.contains("Welcome to the shop"));
}
