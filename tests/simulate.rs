//! Simulation: two versions of a club over the same events, checked against totals and a
//! tier-migration matrix computed here, independently of the engine.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use bashgah::import::{read_rows, FileFormat, EVENT_COLUMNS};
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use bashgah::simulate::{compare, render_html, simulate};
use rust_decimal::Decimal;

fn club(dir: &std::path::Path, divisor: u32) -> Policy {
    let club = dir.join("shop");
    std::fs::create_dir_all(&club).unwrap();
    std::fs::write(
        club.join("club.yaml"),
        "\
id: shop
name: Shop
currency: EUR
rules:
  - {id: base, function: base}
tiers:
  - {id: bronze, thresholds: {individual: 0}}
  - {id: silver, thresholds: {individual: 100}}
  - {id: gold, thresholds: {individual: 300}}
tiering: {metric: points, window: lifetime}
credit: {rate: 0.5}
",
    )
    .unwrap();
    std::fs::write(
        club.join("earn.rhai"),
        format!("fn base(event, member) {{ event.amount / {divisor} }}\n"),
    )
    .unwrap();
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    Policy::load(&club, &engine).unwrap().0
}

/// 40 members, 400 purchases over March with amounts from a fixed sequence.
fn purchases() -> (String, Vec<(String, u64)>) {
    let mut csv = String::from("id,member,date,amount\n");
    let mut rows = Vec::new();
    let mut seed: u64 = 7;
    for i in 0..400 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let member = format!("M{}", (seed >> 33) % 40);
        let amount = 1 + (seed >> 40) % 300;
        // In time order, as history is: upgrades are checked at each event's time.
        let (day, minute) = (1 + i / 15, i % 15);
        writeln!(
            csv,
            "P{i},{member},2025-03-{day:02} 10:{minute:02},{amount}"
        )
        .unwrap();
        rows.push((member, amount));
    }
    (csv, rows)
}

fn tier_of(points: u64) -> &'static str {
    match points {
        p if p >= 300 => "gold",
        p if p >= 100 => "silver",
        _ => "bronze",
    }
}

#[test]
fn two_versions_over_the_same_events_match_an_independent_count() {
    let (csv, rows) = purchases();
    let dir_a = crate::scratch();
    let dir_b = crate::scratch();
    let (a, b) = (club(dir_a.path(), 10), club(dir_b.path(), 5));
    let open = || {
        read_rows(
            std::io::Cursor::new(csv.clone().into_bytes()),
            FileFormat::Csv,
            "p.csv",
            &EVENT_COLUMNS,
        )
        .unwrap()
    };
    let sim_a = simulate(&a, None, open()).unwrap();
    let sim_b = simulate(&b, None, open()).unwrap();

    // The same sums, worked out here: each purchase earns floor(amount / divisor).
    let mut points: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (member, amount) in &rows {
        let entry = points.entry(member.clone()).or_default();
        entry.0 += amount / 10;
        entry.1 += amount / 5;
    }
    let issued_a: u64 = points.values().map(|p| p.0).sum();
    let issued_b: u64 = points.values().map(|p| p.1).sum();
    assert_eq!((sim_a.events, sim_b.events), (400, 400));
    assert_eq!(sim_a.issued, Decimal::from(issued_a));
    assert_eq!(sim_b.issued, Decimal::from(issued_b));
    assert_eq!(sim_a.outstanding, Decimal::from(issued_a));
    assert_eq!(
        sim_a.liability,
        Some(Decimal::from(issued_a) * Decimal::new(5, 1))
    );
    let mut migration: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut per_tier_a: BTreeMap<String, u64> = BTreeMap::new();
    for (pa, pb) in points.values() {
        *migration
            .entry(tier_of(*pa).into())
            .or_default()
            .entry(tier_of(*pb).into())
            .or_default() += 1;
        *per_tier_a.entry(tier_of(*pa).into()).or_default() += 1;
    }
    assert_eq!(sim_a.members_per_tier, per_tier_a);

    let comparison = compare(sim_a.clone(), sim_b, 3);
    assert_eq!(comparison.migration, migration);
    assert_eq!(
        comparison.issued_delta,
        Decimal::from(issued_b) - Decimal::from(issued_a)
    );
    // The most affected member is the one whose balance differs most.
    let (top, _) = points
        .iter()
        .max_by_key(|(m, (pa, pb))| (pb - pa, std::cmp::Reverse((*m).clone())))
        .unwrap();
    assert_eq!(&comparison.most_affected[0].0, top);

    // The HTML report holds the charts and the migration table, and nothing external.
    let html = render_html(&sim_a, Some(&comparison));
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 2);
    assert!(html.contains("Tier migration"));
    assert!(
        !html.contains("<script") && !html.contains("http"),
        "self-contained"
    );
    // Tiers in the club's order, lowest first (not bronze, gold, silver): in the chart's
    // labels and in the migration table's rows and columns.
    let order = |text: &str| {
        let at = |tier: &str| text.find(&format!(">{tier}<")).unwrap_or(usize::MAX);
        (at("bronze"), at("silver"), at("gold"))
    };
    let (bronze, silver, gold) = order(&html);
    assert!(bronze < silver && silver < gold, "{html}");
    let table = &html[html.find("Tier migration").unwrap_or(0)..];
    let (bronze, silver, gold) = order(table);
    assert!(bronze < silver && silver < gold, "{table}");
    assert_eq!(
        sim_a
            .tiers_in_order()
            .iter()
            .map(|(tier, _)| tier.as_str())
            .collect::<Vec<_>>(),
        ["bronze", "silver", "gold"]
            .into_iter()
            .filter(|t| per_tier_a.contains_key(*t))
            .collect::<Vec<_>>()
    );
}
