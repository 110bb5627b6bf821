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
