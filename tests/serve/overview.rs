//! The club overview over HTTP (issue 16): a club with tiers, a capped campaign, credit,
//! messages, a redemption and expired points; the exact answer, on either store; and a
//! broken edit's errors as `bashgah check` prints them.

use serde_json::json;

use super::server::{Server, Workspace, OPS, OTHER, TILL};

const OVERVIEW: &str = "/v1/clubs/shop/overview";

/// The report fixture's club (a capped spring campaign, credit at 1 EUR a point, a
/// daily cap on messages) with two tiers, a reward and points that expire after 6 months.
pub fn club_yaml() -> String {
    format!(
        "{}points: {{expiry: {{after: 6m}}}}\n\
         tiers:\n  - {{id: bronze, thresholds: {{individual: 0}}}}\n  - {{id: silver, thresholds: {{individual: 300}}}}\n\
         tiering: {{metric: spend, window: calendar_year, review: year, downgrade: one_step}}\n\
         rewards:\n  - {{id: coffee, cost: 3, kind: gift}}\n",
        include_str!("../fixtures/report/club.yaml")
    )
    // Messages to a file, which the server always can write (its standard output is a
    // pipe the test stops reading, and a message printed there may or may not be sent).
    .replace("{id: log, kind: stdout}", "{id: log, kind: file, path: messages.jsonl}")
}

fn workspace() -> Workspace {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = Workspace::new()
        .file("policies/shop/club.yaml", &club_yaml())
        .file(
            "policies/shop/earn.rhai",
            include_str!("../fixtures/report/earn.rhai"),
        )
        .file("events.csv", include_str!("../fixtures/report/events.csv"));
    for plugin in ["rfm", "partner"] {
        super::server::copy_dir(
            &root.join("plugins").join(plugin),
            &workspace.dir.path().join("plugins").join(plugin),
        );
    }
    workspace
}

/// Imports the fixture's events, redeems a coffee and lets the clock run to 1 April 2025
/// (M2's points of June 2024 expire in December).
pub fn served(database: &[&str]) -> Server {
    let mut import = vec!["import", "shop", "events.csv"];
    import.extend_from_slice(database);
    let server = workspace().command(&import).start(database);
    let redeemed = server.post(
        "/v1/clubs/shop/members/M1/redemptions",
        Some(TILL),
        r#"{"reward": "coffee", "id": "R1", "at": "2025-03-26"}"#,
    );
    assert_eq!(redeemed.status, 200, "{}", redeemed.body);
    let advanced = server.post("/v1/clubs/shop/clock", Some(OPS), r#"{"to": "2025-04-01"}"#);
    assert_eq!(advanced.status, 200, "{}", advanced.body);
    // The server sends due messages every second: wait until these are sent, so that what
    // the overview counts does not depend on where the next delivery falls.
    server.wait_for(std::time::Duration::from_secs(30), |server| {
        server.get(OVERVIEW, Some(TILL)).body["messages"]["pending"] == 0
    });
    server
}

fn months(figures: &[(&str, &str, &str, &str)]) -> Vec<serde_json::Value> {
    figures
        .iter()
        .map(|(month, issued, spent, expired)| {
            json!({"month": month, "issued": issued, "spent": spent, "expired": expired})
        })
        .collect()
}

fn the_overview_adds_up(server: &Server) {
    let refused = server.get(OVERVIEW, Some(OTHER));
    assert_eq!(refused.status, 403, "{}", refused.body);
    let answer = server.get(OVERVIEW, Some(TILL));
    assert_eq!(answer.status, 200, "{}", answer.body);
    let mut body = answer.body.clone();
    let policy = body
        .as_object_mut()
        .expect("an object")
        .remove("policy")
        .expect("the policy");
    assert_eq!(policy["version"], server.active_version("shop")[..12]);
    assert_eq!(policy["last_reload"]["outcome"], "activated");
    assert_eq!(policy["last_error"], serde_json::Value::Null);
    // 1 point per 10 EUR; partner purchases 2 per 10 EUR; the spring campaign's budget of
    // 25 points cut its later awards (A3 to 5, A4, A5 and C1 to nothing); three purchases
    // in a month complete the challenge (5 points: M2 in June, M1 in March); M1 spent 3
    // on a coffee; M2's 45 expired in December. M1 and M2 spent 300 EUR or more in a year:
    // silver.
    let zero = ("0", "0", "0");
    let mut figures: Vec<(&str, &str, &str, &str)> = [
        "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12",
        "2025-01", "2025-02", "2025-03", "2025-04",
    ]
    .iter()
    .map(|m| (*m, zero.0, zero.1, zero.2))
    .collect();
    figures[1] = ("2024-06", "45", "0", "0");
    figures[7] = ("2024-12", "0", "0", "45");
    figures[10] = ("2025-03", "94", "3", "0");
    assert_eq!(
        body,
        json!({
            "club": "shop",
            "name": "Corner Shop",
            "at": "2025-04-01T00:00:00Z",
            "calendar": "gregorian",
            "currency": "EUR",
            "members": {"total": 3, "active_30d": 2, "active_90d": 2},
            "months": months(&figures),
            "outstanding": "91",
            "liability": "91",
            "tiers": [
                {"tier": "none", "members": 0},
                {"tier": "bronze", "members": 1},
                {"tier": "silver", "members": 2},
            ],
            "rules": [
                {"rule": "base", "issued": "64"},
                {"rule": "challenge:regular", "issued": "10"},
                {"rule": "partner", "issued": "40"},
                {"rule": "spring", "issued": "25"},
            ],
            "campaigns": [{
                "campaign": "spring", "points": "25", "money": "25", "budget_points": "25",
                "capped_awards": 4,
            }],
            "messages": {"sent": 4, "pending": 0, "suppressed": 1, "failed": 0},
        }),
        "{}",
        serde_json::to_string_pretty(&answer.body).unwrap_or_default()
    );
    // An earlier time: its own twelve months and who bought in the 30 days before it
    // (read from the events, since the members' last purchases are later).
    let earlier = server.get(&format!("{OVERVIEW}?at=2024-07-01"), Some(TILL));
    assert_eq!(earlier.status, 200, "{}", earlier.body);
    assert_eq!(
        earlier.body["members"],
        json!({"total": 3, "active_30d": 1, "active_90d": 1})
    );
    assert_eq!(earlier.body["months"][11]["month"], "2024-07");
    assert_eq!(earlier.body["months"][10]["issued"], "45");
    let bad = server.get(&format!("{OVERVIEW}?at=yesterday"), Some(TILL));
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(bad.body["error"]["field"], "at");
    // Another purchase is added to what was summed before.
    let posted = server.post(
        "/v1/clubs/shop/events",
        Some(TILL),
        r#"{"id": "D1", "member": "M3", "date": "2025-04-01", "amount": "50"}"#,
    );
    assert_eq!(posted.status, 200, "{}", posted.body);
    let after = server.get(OVERVIEW, Some(TILL));
    assert_eq!(after.body["months"][11]["issued"], "5", "{}", after.body);
    assert_eq!(after.body["outstanding"], "96");
    assert_eq!(
        after.body["rules"][0],
        json!({"rule": "base", "issued": "69"})
    );
}

#[test]
fn the_overview_adds_up_on_sqlite() {
    the_overview_adds_up(&served(&[]));
}

#[test]
fn the_overview_adds_up_on_postgres() {
    let Some(database) = crate::pg::PgDatabase::fresh("overview") else {
        return;
    };
    the_overview_adds_up(&served(&["--database", &database.url]));
}

/// Breaks the shop's `club.yaml` (an unknown timezone) and reloads: the last good version
/// keeps serving. Answers what `bashgah check` prints about the edit.
pub fn break_the_shop(server: &Server) -> String {
    super::server::write(
        server.dir.path(),
        "policies/shop/club.yaml",
        &club_yaml().replace("timezone: UTC", "timezone: Europe/Londn"),
    );
    let reloaded = server.post("/v1/reload", Some(OPS), "");
    assert_eq!(reloaded.status, 200, "{}", reloaded.body);
    let check = crate::bashgah_command()
        .arg("check")
        .current_dir(server.dir.path())
        .output()
        .expect("check");
    let printed = String::from_utf8_lossy(&check.stderr).into_owned();
    assert!(
        printed.starts_with(
            "error: unknown timezone `Europe/Londn`\n --> policies/shop/club.yaml:4:11\n"
        ),
        "{printed}"
    );
    printed
}

/// A broken edit keeps the last good version serving; the overview shows the reload's
/// errors exactly as `bashgah check` prints them.
#[test]
fn a_failed_reload_is_shown_as_check_prints_it() {
    let server = served(&[]);
    let printed = break_the_shop(&server);
    let answer = server.get(OVERVIEW, Some(TILL));
    assert_eq!(answer.body["policy"]["last_reload"]["outcome"], "failed");
    let shown = answer.body["policy"]["last_error"]
        .as_str()
        .expect("the errors");
    assert_eq!(printed, shown);
}
