//! Campaigns: a budget that runs out mid-day, a per-member daily limit, a window with
//! early access for gold members, a segment, and a challenge with its bonus and badge.

use std::path::Path;

fn bashgah(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = crate::bashgah_command()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run bashgah");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + String::from_utf8_lossy(&output.stderr).as_ref(),
    )
}

fn workspace(club: &str, rules: &str, events: &str) -> tempfile::TempDir {
    let dir = crate::scratch();
    let club_dir = dir.path().join("policies/shop");
    std::fs::create_dir_all(&club_dir).expect("mkdir");
    std::fs::write(club_dir.join("club.yaml"), club).expect("club");
    std::fs::write(club_dir.join("earn.rhai"), rules).expect("rules");
    std::fs::write(dir.path().join("events.csv"), events).expect("events");
    dir
}

/// `(event, rule, points, reason)` of every entry of `member`, in order.
fn entries(dir: &Path, member: &str) -> Vec<(String, String, String, String)> {
    let (code, out) = bashgah(dir, &["member", "shop", member, "--json"]);
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    json["statement"]
        .as_array()
        .expect("statement")
        .iter()
        .map(|l| {
            let text = |k: &str| l[k].as_str().unwrap_or("").to_owned();
            (text("event"), text("rule"), text("points"), text("reason"))
        })
        .collect()
}

fn entry(event: &str, rule: &str, points: &str, reason: &str) -> (String, String, String, String) {
    (event.into(), rule.into(), points.into(), reason.into())
}

const RULES: &str = "\
fn base_points(event, member) { event.amount / 100 }
fn spring_bonus(event, member) { event.amount / 100 }
";

const SHOP: &str = "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - {id: base, function: base_points, description: 1 point per 100}
  - {id: spring, function: spring_bonus, description: double points in spring}
";

#[test]
fn the_budget_runs_out_mid_day_awards_stop_exactly_at_the_cap_and_the_ledger_says_why() {
    let club = format!(
        "{SHOP}campaigns:\n  - id: spring\n    from: 2025-03-01\n    to: 2025-03-31\n    rules: [spring]\n    budget: {{points: 25}}\n"
    );
    let events = "id,member,date,amount\n\
        P1,M1,2025-03-10 09:00,1000\n\
        P2,M2,2025-03-10 11:00,1000\n\
        P3,M1,2025-03-10 13:00,1000\n\
        P4,M2,2025-03-10 15:00,1000\n\
        P5,M1,2025-04-01 10:00,1000\n";
    let dir = workspace(&club, RULES, events);
    let (code, out) = bashgah(dir.path(), &["import", "shop", "events.csv"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        entries(dir.path(), "M1"),
        vec![
            entry("P1", "base", "10", "1 point per 100"),
            entry("P1", "spring", "10", "double points in spring"),
            entry("P3", "base", "10", "1 point per 100"),
            entry("P3", "spring", "5", "double points in spring: 5 of 10, campaign `spring` reached its budget of 25 points"),
            // After the campaign: the normal rate, and no campaign entry at all.
            entry("P5", "base", "10", "1 point per 100"),
        ]
    );
    assert_eq!(
        entries(dir.path(), "M2"),
        vec![
            entry("P2", "base", "10", "1 point per 100"),
            entry("P2", "spring", "10", "double points in spring"),
            entry("P4", "base", "10", "1 point per 100"),
            entry("P4", "spring", "0", "double points in spring: nothing, campaign `spring` reached its budget of 25 points"),
        ]
    );
    let ledger = rusqlite::Connection::open(dir.path().join("data/shop.sqlite")).expect("ledger");
    let given: String = ledger
        .query_row(
            "SELECT SUM(points) FROM campaign_spend WHERE campaign = 'spring'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n.to_string())
        .expect("sum");
    assert_eq!(given, "25", "exactly the budget, not a point more");
}

#[test]
fn a_per_member_daily_limit_resets_the_next_day() {
    let club = format!(
        "{SHOP}campaigns:\n  - id: spring\n    from: 2025-03-01\n    to: 2025-03-31\n    rules: [spring]\n    budget: {{per_member: {{points: 15, per: day}}}}\n"
    );
    let events = "id,member,date,amount\n\
        P1,M1,2025-03-10 09:00,1000\n\
        P2,M1,2025-03-10 18:00,1000\n\
        P3,M1,2025-03-11 09:00,1000\n";
    let dir = workspace(&club, RULES, events);
    bashgah(dir.path(), &["import", "shop", "events.csv"]);
    let spring: Vec<String> = entries(dir.path(), "M1")
        .into_iter()
        .filter(|e| e.1 == "spring")
        .map(|e| format!("{} {}", e.0, e.2))
        .collect();
    assert_eq!(spring, ["P1 10", "P2 5", "P3 10"]);
}

#[test]
fn a_window_a_segment_and_early_access_for_gold() {
    let club = format!(
        "{SHOP}{}",
        r#"tiers:
  - {id: member, thresholds: {individual: 0}}
  - {id: gold, thresholds: {individual: 30}}
tiering: {metric: points, window: 12m, review: year}
campaigns:
  - id: spring
    from: 2025-03-10
    to: 2025-03-20
    rules: [spring]
    segment: {member_types: [individual]}
    early_access: {days: 3, tiers: [gold]}
messages:
  language: en
  channels: [{id: log, kind: stdout}]
  templates:
    early_access: {en: "{campaign} opens for you today, {name}; for everyone on {date}."}
"#
    );
    // G1 is gold from January; M1 is not; B1 is a business. On 8 March only G1 is in.
    let january = "id,member,date,amount\nG0,G1,2025-01-05,3000\nM0,M1,2025-01-05,100\n";
    let march = "id,member,date,amount\n\
        G1,G1,2025-03-08,1000\n\
        M1,M1,2025-03-08,1000\n\
        M2,M1,2025-03-12,1000\n\
        B2,B1,2025-03-12,1000\n\
        M3,M1,2025-03-21,1000\n";
    let dir = workspace(&club, RULES, january);
    std::fs::write(dir.path().join("march.csv"), march).expect("march");
    let members = "id,type\nG1,individual\nM1,individual\nB1,business\n";
    std::fs::write(dir.path().join("members.csv"), members).expect("members");
    let (code, out) = bashgah(
        dir.path(),
        &["import", "shop", "events.csv", "--members", "members.csv"],
    );
    assert_eq!(code, 0, "{out}");

    // The clock tells gold members when the campaign opens for them, once.
    for day in ["2025-03-07 10:00", "2025-03-08 09:00"] {
        let (code, out) = bashgah(dir.path(), &["advance", "shop", "--to", day]);
        assert_eq!(code, 0, "{out}");
    }
    let ledger = rusqlite::Connection::open(dir.path().join("data/shop.sqlite")).expect("ledger");
    let told: Vec<(String, String)> = ledger
        .prepare("SELECT member, text FROM messages WHERE occasion = 'early_access'")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    assert_eq!(
        told,
        vec![(
            "G1".to_owned(),
            "spring opens for you today, G1; for everyone on 2025-03-10.".to_owned()
        )]
    );

    let (code, out) = bashgah(dir.path(), &["import", "shop", "march.csv"]);
    assert_eq!(code, 0, "{out}");
    let spring = |member: &str| -> Vec<String> {
        entries(dir.path(), member)
            .into_iter()
            .filter(|e| e.1 == "spring")
            .map(|e| e.0)
            .collect()
    };
    assert_eq!(spring("G1"), ["G1"], "gold is in three days early");
    assert_eq!(
        spring("M1"),
        ["M2"],
        "not before the 10th, not after the 20th"
    );
    assert_eq!(
        spring("B1"),
        Vec::<String>::new(),
        "businesses are outside the segment"
    );
}

#[test]
fn five_purchases_in_a_month_earn_a_bonus_and_a_badge_once() {
    let club = format!(
        "{SHOP}challenges:\n  - id: regular\n    name: Five visits in a month\n    period: month\n    goal: {{purchases: 5}}\n    bonus: 50\n    badge: regular\n"
    );
    let rules = "fn base_points(event, member) { event.amount / 100 }\nfn spring_bonus(event, member) { 0 }\n";
    let mut events = String::from("id,member,date,amount\n");
    for day in 1..=6 {
        events.push_str(&format!("P{day},M1,2025-03-{day:02},100\n"));
    }
    events.push_str("Q1,M1,2025-04-01,100\n");
    let dir = workspace(&club, rules, &events);
    bashgah(dir.path(), &["import", "shop", "events.csv"]);
    let bonuses: Vec<(String, String, String, String)> = entries(dir.path(), "M1")
        .into_iter()
        .filter(|e| e.1.starts_with("challenge"))
        .collect();
    assert_eq!(
        bonuses,
        vec![entry(
            "challenge:regular:M1:2025-03-01",
            "challenge:regular",
            "50",
            "challenge reached: Five visits in a month"
        )]
    );
    let (_, out) = bashgah(dir.path(), &["member", "shop", "M1", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["badges"], serde_json::json!(["regular"]));
    assert_eq!(json["challenges"][0]["period"], "2025-04-01");
    assert_eq!(json["challenges"][0]["purchases"], 1);
    assert_eq!(json["challenges"][1]["purchases"], 6);
    assert_eq!(
        json["challenges"][1]["completed_at"],
        "2025-03-05T00:00:00Z"
    );
}
