//! Lifecycle hooks: rules that award on a member's occasions (joining, a new tier, a deal
//! kept, a lapse), each written once as an event of its own, and the message that says
//! what was given.

const CLUB: &str = r#"id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - {id: base, function: base_points, description: 1 point per 10 EUR}
  - {id: welcome, function: welcome, events: [enrolled], description: welcome gift}
  - {id: gold_gift, function: gold_gift, events: [tier_changed], description: gold gift}
  - {id: lapse, function: lapse, events: [inactive], description: come-back credit}
tiers:
  - {id: member, thresholds: {individual: 0}}
  - {id: gold, thresholds: {individual: 100}}
tiering: {metric: points, window: 12m, review: year}
messages:
  language: en
  inactive_after: 30d
  channels: [{id: log, kind: stdout}]
  templates:
    tier_changed: {en: "Welcome to {tier}: {points} points for you."}
"#;

const RULES: &str = r#"
fn base_points(event, member) { event.amount / 10 }
fn welcome(event, member) { 5 }
fn gold_gift(event, member) { if event.attributes.tier == "gold" { 20 } }
fn lapse(event, member) { award(3, `away ${event.attributes.days} days`) }
"#;

const CASES: &str = r#"
- name: joining, reaching gold and lapsing each give their points once
  when:
    - event: {id: P1, member: M1, date: 2025-01-01, amount: 100}
    - event: {id: P2, member: M1, date: 2025-01-05, amount: 1000}
    - advance: 2025-02-10
    - advance: 2025-02-20
    - event: {id: P3, member: M1, date: 2025-02-21, amount: 100}
  then:
    points: {"enrolled:M1:award": 5, P2: 100, "inactive:M1:2025-01-05T00:00:00Z:award": 3}
    balance: {M1: 148}
    tier: {M1: gold}
    messages: {M1: [tier_changed]}
"#;

#[test]
fn hooks_award_once_and_the_message_says_what_was_given() {
    let dir = crate::scratch();
    let club = dir.path().join("policies/shop");
    std::fs::create_dir_all(club.join("tests")).expect("mkdir");
    std::fs::write(club.join("club.yaml"), CLUB).expect("club");
    std::fs::write(club.join("earn.rhai"), RULES).expect("rules");
    std::fs::write(club.join("tests/hooks.yaml"), CASES).expect("cases");
    let output = crate::bashgah_command()
        .args(["test"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout,
        "shop: 1 case in policies/shop/tests\nok      joining, reaching gold and lapsing each give their points once\n1 passed, 0 failed\n",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The same, imported for real: the tier message names the gift.
    std::fs::write(
        dir.path().join("events.csv"),
        "id,member,date,amount\nP1,M1,2025-01-01,100\nP2,M1,2025-01-05,1000\n",
    )
    .expect("events");
    let import = crate::bashgah_command()
        .args(["import", "shop", "events.csv"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(import.status.code(), Some(0));
    let ledger = rusqlite::Connection::open(dir.path().join("data/shop.sqlite")).expect("ledger");
    let text: String = ledger
        .query_row(
            "SELECT text FROM messages WHERE occasion = 'tier_changed'",
            [],
            |r| r.get(0),
        )
        .expect("message");
    assert_eq!(text, "Welcome to gold: 20 points for you.");
}

#[test]
fn a_failing_hook_rule_gives_nothing_and_says_so_the_event_stands() {
    let dir = crate::scratch();
    let club = dir.path().join("policies/shop");
    std::fs::create_dir_all(&club).expect("mkdir");
    std::fs::write(
        club.join("club.yaml"),
        "id: shop\nname: Corner Shop\ncurrency: EUR\ntimezone: UTC\nrules:\n  - {id: base, function: base_points}\n  - {id: welcome, function: welcome, events: [enrolled]}\n",
    )
    .expect("club");
    std::fs::write(
        club.join("earn.rhai"),
        "fn base_points(event, member) { event.amount / 10 }\nfn welcome(event, member) { 5 / 0 }\n",
    )
    .expect("rules");
    std::fs::write(
        dir.path().join("events.csv"),
        "id,member,date,amount\nP1,M1,2025-01-01,100\n",
    )
    .expect("events");
    let output = crate::bashgah_command()
        .args(["import", "shop", "events.csv"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "events.csv: 1 accepted, 0 duplicate, 0 conflicting, 0 rejected; 10 points awarded\n"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(
            "warning: events.csv:2: enrolled of `M1` on 2025-01-01: no points were given: "
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("policies/shop/earn.rhai:2:"),
        "the script's position: {stderr}"
    );
}
