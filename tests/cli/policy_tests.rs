//! `bashgah test`: a passing suite, a failing expectation with its file and line, an
//! expected error, and the rules no case covers.

use crate::cli::{shop, SHOP_YAML};

const TWO_RULES: &str = "  - id: weekend
    function: weekend_bonus
";

fn club() -> crate::cli::harness::Test {
    shop()
        .file("policies/shop/club.yaml", &format!("{SHOP_YAML}{TWO_RULES}"))
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) { event.amount / 1000 }\nfn weekend_bonus(event, member) { if event.weekday == \"sat\" { 5 } }\n",
        )
}

#[test]
fn a_passing_suite_and_an_uncovered_rule() {
    club()
        .file(
            "policies/shop/tests/earning.yaml",
            "\
- name: 1 point per 1,000
  when:
    - event: {id: P1, member: M1, date: 2025-03-03, amount: 2500}
  then:
    points: {P1: 2}
    balance: {M1: 2}
- name: too few points to take
  when:
    - event: {id: P1, member: M1, date: 2025-03-03, amount: 2500}
    - adjust: {member: M1, points: -5, reason: oops}
      error: fewer than the 5 to take
",
        )
        .args(["test"])
        .stdout(
            "\
shop: 2 cases in policies/shop/tests
ok      1 point per 1,000
ok      too few points to take
uncovered rules: weekend
2 passed, 0 failed
",
        )
        .run();
}

#[test]
fn a_failing_expectation_shows_where_what_and_the_entries() {
    club()
        .file(
            "policies/shop/tests/earning.yaml",
            "\
- name: weekend bonus on a Saturday
  when:
    - event: {id: P1, member: M1, date: 2025-03-01, amount: 2500}
  then:
    points: {P1: 8}
    reasons: {P1: [\"1 point per 1,000\", weekend bonus]}
    tier: {M1: gold}
    messages: {M1: [expiring_soon]}
- name: an expected error that does not come
  when:
    - event: {id: P1, member: M1, date: 2025-03-03, amount: 2500}
      error: is not a number
",
        )
        .args(["test", "policies/shop"])
        .stdout(
            "\
shop: 2 cases in policies/shop/tests
FAILED  weekend bonus on a Saturday
  --> policies/shop/tests/earning.yaml:1
  points of `P1`: expected 8, got 7
  reasons of `P1`: expected [\"1 point per 1,000\", \"weekend bonus\"], got [\"1 point per 1,000\", \"weekend\"]
  tier of `M1`: expected gold, got none
  messages of `M1`: expected [expiring_soon], got []
  entries written:
    P1: base +2 (1 point per 1,000)
    P1: weekend +5 (weekend)
FAILED  an expected error that does not come
  --> policies/shop/tests/earning.yaml:9
  step 1: expected an error containing \"is not a number\", but it succeeded
  entries written:
    P1: base +2 (1 point per 1,000)
0 passed, 2 failed
",
        )
        .status(1)
        .run();
}

/// Issue 11: a step's own `then:` is checked right after it, so a timeline can be written
/// as it unfolds; what does not hold names the step.
#[test]
fn expectations_after_a_step_are_checked_then() {
    club()
        .file(
            "policies/shop/tests/timeline.yaml",
            "\
- name: two purchases
  when:
    - event: {id: P1, member: M1, date: 2025-03-03, amount: 2500}
      then:
        balance: {M1: 3}
    - event: {id: P2, member: M1, date: 2025-03-04, amount: 4000}
      then:
        balance: {M1: 6}
  then:
    balance: {M1: 6}
",
        )
        .args(["test", "policies/shop"])
        .stdout(
            "\
shop: 1 case in policies/shop/tests
FAILED  two purchases
  --> policies/shop/tests/timeline.yaml:1
  after step 1: balance of `M1`: expected 3, got 2
  entries written:
    P1: base +2 (1 point per 1,000)
    P2: base +4 (1 point per 1,000)
uncovered rules: weekend
0 passed, 1 failed
",
        )
        .status(1)
        .run();
}

#[test]
fn a_broken_test_file_is_reported_with_its_position() {
    club()
        .file(
            "policies/shop/tests/earning.yaml",
            "- name: typo\n  wen: []\n",
        )
        .args(["test"])
        .stderr(
            "\
error: unknown key `wen`
 --> policies/shop/tests/earning.yaml:2:3
  |
2 |   wen: []
  |   ^^^
  = help: did you mean `when`?

",
        )
        .stdout("FAILED  policies/shop: could not be loaded\n0 passed, 1 failed\n")
        .status(1)
        .run();
}

/// Every template (a club of `policies/`) creates a club that checks clean and passes its
/// own tests, with every rule covered, and whose sample files import without a rejection.
#[test]
fn every_template_creates_a_club_whose_tests_pass() {
    let test = crate::cli::harness::Test::new();
    for template in ["cafe", "retailer", "wholesale", "commitment"] {
        let dir = format!("policies/my-{template}");
        let output = crate::cli::harness::bashgah(
            &test.path(),
            &[
                "init".into(),
                dir.clone(),
                "--template".into(),
                template.into(),
            ],
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let club = std::fs::read_to_string(test.path().join(&dir).join("club.yaml")).unwrap();
        assert!(
            club.contains(&format!("\nid: my-{template}\n")),
            "the id is the folder's name"
        );
    }
    let check = crate::cli::harness::bashgah(&test.path(), &["check".into()]);
    assert_eq!(
        String::from_utf8_lossy(&check.stdout).lines().last(),
        Some("4 clubs checked, 0 failed")
    );
    assert!(
        check.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let run = crate::cli::harness::bashgah(&test.path(), &["test".into()]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{stdout}");
    assert!(stdout.ends_with("20 passed, 0 failed\n"), "{stdout}");
    assert!(!stdout.contains("uncovered"), "{stdout}");
    // Each comes with sample members and purchases that import cleanly.
    for template in ["cafe", "retailer", "wholesale", "commitment"] {
        let dir = format!("policies/my-{template}");
        let import = crate::cli::harness::bashgah(
            &test.path(),
            &[
                "import".into(),
                format!("my-{template}"),
                format!("{dir}/samples/purchases.csv"),
                "--members".into(),
                format!("{dir}/samples/members.csv"),
            ],
        );
        let stdout = String::from_utf8_lossy(&import.stdout);
        assert_eq!(import.status.code(), Some(0), "{stdout}");
        assert_eq!(
            stdout.matches(", 0 rejected").count(),
            2,
            "{template}: {stdout}"
        );
    }
}

#[test]
fn init_refuses_an_unknown_template_and_a_used_folder() {
    shop()
        .args(["init", "policies/new", "--template", "cafee"])
        .stderr("error: no template `cafee`\n  = help: did you mean `cafe`?\n")
        .status(2)
        .run()
        .args(["init", "policies/shop", "--template", "cafe"])
        .stderr("error: `policies/shop` already exists and is not empty\n")
        .status(2)
        .run();
}
