//! `bashgah simulate` as a consultant reads it: the README's what-if over the café's sample
//! purchases, the two scenarios named by their folders, B − A beside them, points issued
//! apart from the money they are worth, and `--to` for the state on a given day.

use std::path::Path;

use crate::cli::harness::{copy_dir, Test};

fn cafe() -> Test {
    let test = Test::new();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("policies"), &test.path().join("policies"));
    copy_dir(&repo.join("examples"), &test.path().join("examples"));
    // The README's change: a star per 5,000 IRR instead of 10,000.
    copy_dir(
        &repo.join("policies/cafe"),
        &test.path().join("changed/cafe"),
    );
    let rules = test.path().join("changed/cafe/earn.rhai");
    let text = std::fs::read_to_string(&rules).unwrap();
    assert!(text.contains("10000"), "the café's rule divides by 10000");
    std::fs::write(&rules, text.replace("10000", "5000")).unwrap();
    test
}

#[test]
fn a_change_is_compared_scenario_by_scenario() {
    let test = cafe();
    let old = crate::cli::harness::short_policy_id(&test.path().join("policies/cafe"));
    let new = crate::cli::harness::short_policy_id(&test.path().join("changed/cafe"));
    test.args([
        "simulate",
        "cafe",
        "--events",
        "examples/cafe/purchases.csv",
        "--members",
        "examples/cafe/members.csv",
        "--against",
        "changed/cafe",
    ])
    .stdout(&format!(
        "\
simulation of club cafe over 10 events (0 rejected)
A = policies/cafe (policy {old})
B = changed/cafe (policy {new})
                                       A               B           B - A
events                                10              10               0
rejected                               0               0               0
issued                               453             910            +457
spent                                  0               0               0
expired                                0               0               0
reversed                              15              31             +16
outstanding                          438             879            +441
liability Toman                   43,800          87,900         +44,100
issued by base                       415             832            +417
issued by birthday_month              38              78             +40

B less A: +457 stars issued; liability +44,100 Toman

members most affected (balance A -> B)
  M003: 300 -> 600
  M001: 64 -> 129
  M002: 37 -> 76
  M004: 25 -> 50
  M005: 12 -> 24
"
    ))
    .run();
}

#[test]
fn to_a_date_counts_the_events_up_to_it_only() {
    let test = cafe();
    let id = crate::cli::harness::short_policy_id(&test.path().join("policies/cafe"));
    test.args([
        "simulate",
        "cafe",
        "--events",
        "examples/cafe/purchases.csv",
        "--to",
        "1403-09-01",
    ])
    .stdout(&format!(
        "\
simulation of club cafe over 1 event (0 rejected)
                 policy {id}
events                        1
rejected                      0
issued                       14
spent                         0
expired                       0
reversed                      0
outstanding                  14
liability Toman           1,400
issued by base               14
"
    ))
    .run()
    .args([
        "simulate",
        "cafe",
        "--events",
        "examples/cafe/purchases.csv",
        "--to",
        "1403-13-01",
    ])
    .stderr("error: --to: 1403-13-01 is not a Jalali date\n")
    .status(2)
    .run();
}

/// A club that gives on birthdays and on the anniversary of joining, for members whose
/// file says no joining date: they join on the day of their first purchase.
const OCCASIONS: &str = "\
id: occasions
name: Occasions
currency: IRR
calendar: gregorian
timezone: UTC
rules:
  - {id: base, function: base}
  - {id: birthday, function: birthday, events: [birthday]}
  - {id: anniversary, function: anniversary, events: [anniversary]}
";

const OCCASION_RULES: &str = "\
fn base(event, member) { event.amount / 1000 }
fn birthday(event, member) { award(100, \"happy birthday\") }
fn anniversary(event, member) { award(200, \"a year with us\") }
";

/// Issue 14 found `simulate --members` reading the members file at the start of time:
/// every member without a `joined` date joined in 1970 and was given fifty-five years of
/// birthdays and anniversaries (and the simulation took ten times as long as an import).
/// It now gives what importing the same files and moving the clock to the last event
/// gives, rule by rule, and the anniversaries counted here from the first purchases.
#[test]
fn members_without_a_joining_date_join_on_their_first_purchase_as_an_import_has_it() {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;

    // Twelve members, the first purchase of member i on day 20 of month i+1 of 2024, then
    // one a month until June 2025: those who joined by June 2024 have an anniversary.
    let mut members = String::from("id,birthday\n");
    let mut purchases = String::from("id,member,date,amount\n");
    let mut n = 0;
    for i in 0..12u32 {
        writeln!(members, "M{i:02},1990-{:02}-{:02}", 12 - i, 1 + i).unwrap();
        for month in (i + 1)..=18 {
            let (year, month) = if month > 12 {
                (2025, month - 12)
            } else {
                (2024, month)
            };
            n += 1;
            writeln!(
                purchases,
                "P{n},M{i:02},{year}-{month:02}-20 10:00,{}",
                1000 * (i + 1) + n
            )
            .unwrap();
        }
    }
    let test = Test::new()
        .file("policies/occasions/club.yaml", OCCASIONS)
        .file("policies/occasions/earn.rhai", OCCASION_RULES)
        .file("members.csv", &members)
        .file("purchases.csv", &purchases);
    let run = |args: &[&str]| {
        let output = crate::cli::harness::bashgah(
            &test.path(),
            &args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(),
        );
        assert!(output.status.success(), "{args:?}: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let simulated: serde_json::Value = serde_json::from_str(&run(&[
        "simulate",
        "occasions",
        "--events",
        "purchases.csv",
        "--members",
        "members.csv",
        "--json",
    ]))
    .unwrap();
    let by_rule: BTreeMap<String, i64> = simulated["issued_by_rule"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(rule, points)| (rule.clone(), points.as_str().unwrap().parse().unwrap()))
        .collect();
    // Joined 2024-01-20 … 2024-06-20: a year later is before the last purchase
    // (2025-06-20 10:00); joined 2024-07-20 or later: not yet.
    assert_eq!(by_rule["anniversary"], 6 * 200, "{by_rule:?}");

    // The same files imported, and the clock moved to the last purchase.
    run(&["import", "occasions", "--members", "members.csv"]);
    run(&["import", "occasions", "purchases.csv"]);
    run(&["advance", "occasions", "--to", "2025-06-20 10:00"]);
    let entries = run(&["export", "occasions", "entries"]);
    let mut imported: BTreeMap<String, i64> = BTreeMap::new();
    let mut lines = entries.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|c| *c == name).unwrap();
    let (rule, points) = (column("rule"), column("points"));
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        *imported.entry(fields[rule].to_owned()).or_default() +=
            fields[points].parse::<i64>().unwrap();
    }
    assert_eq!(by_rule, imported);
}
