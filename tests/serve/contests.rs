//! Contests over HTTP (issue 18): purchases posted one by one score on a leaderboard and
//! earn draw entries, the clock (`POST .../clock`) decides both, and the contest routes
//! show the standings, the results with the draw's seed, and each result decided again.

use crate::serve::server::{purchase, Workspace, OPS, TILL};
use crate::serve::{shop_rule, SHOP_YAML};

const CONTESTS: &str = "contests:
  leaderboards:
    - id: regulars
      name: Regulars
      window: {period: month}
      metric: visits
      prizes: [{rank: 1, points: 50, badge: champion}, {rank: 2, points: 20}]
  draws:
    - id: spring
      window: {from: 2025-03-01, to: 2025-03-31}
      entries: {per: 1000}
      prizes: [{points: 100}]
";

#[test]
fn contests_are_scored_decided_and_shown_over_http() {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", &format!("{SHOP_YAML}{CONTESTS}"))
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&[]);
    for (id, member, day, amount) in [
        ("P1", "M1", "2025-03-02", 3000),
        ("P2", "M2", "2025-03-03", 1000),
        ("P3", "M2", "2025-03-04", 1000),
        ("P4", "M1", "2025-03-05", 500),
    ] {
        let posted = server.post(
            "/v1/clubs/shop/events",
            Some(TILL),
            &purchase(id, member, day, amount),
        );
        assert_eq!(posted.status, 200, "{}", posted.body);
    }
    let open = server.get("/v1/clubs/shop/contests/regulars", Some(TILL));
    assert_eq!(open.status, 200, "{}", open.body);
    let standings: Vec<(String, String)> = open.body["contest"]["standings"]
        .as_array()
        .expect("standings")
        .iter()
        .map(|s| {
            (
                s["member"].as_str().unwrap().to_owned(),
                s["score"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Two visits each: M1 reached two (5 March) after M2 (4 March).
    assert_eq!(
        standings,
        [("M2".into(), "2".into()), ("M1".into(), "2".into())]
    );
    assert_eq!(open.body["contest"]["window"]["decided"], false);

    let moved = server.post("/v1/clubs/shop/clock", Some(OPS), r#"{"to": "2025-04-01"}"#);
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(moved.body["report"]["contest_windows"], 2, "{}", moved.body);
    assert_eq!(moved.body["report"]["prizes"], 3, "{}", moved.body);
    assert_eq!(
        moved.body["report"]["prize_points"], "170",
        "{}",
        moved.body
    );

    let all = server.get("/v1/clubs/shop/contests", Some(TILL));
    assert_eq!(all.status, 200, "{}", all.body);
    let draw = &all.body["contests"][1];
    assert_eq!(draw["id"], "spring");
    let result = &draw["results"][0];
    // Entries: M1 3 (3000, and 500 earns none), M2 1 + 1.
    assert_eq!(result["entries"], 5, "{result}");
    assert_eq!(result["seed"].as_str().map(str::len), Some(64));

    let spring = server.get(
        "/v1/clubs/shop/contests/spring?window=2025-03-01",
        Some(TILL),
    );
    assert_eq!(
        spring.body["verified"][0]["matches"], true,
        "{}",
        spring.body
    );
    let member = server.get("/v1/clubs/shop/members/M2", Some(TILL));
    assert_eq!(member.body["badges"][0], "champion", "{}", member.body);
    assert_eq!(member.body["contests"][0]["place"], 1, "{}", member.body);
    let missing = server.get("/v1/clubs/shop/contests/autumn", Some(TILL));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["error"]["code"], "unknown_contest");
}
