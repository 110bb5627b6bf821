//! `bashgah explain`: a stored event under the policy version that evaluated it, and a
//! hypothetical event evaluated without writing anything.

use crate::cli::harness::{bashgah, Test};
use crate::cli::shop;

fn short_id(test: &Test) -> String {
    let engine = std::sync::Arc::new(bashgah::policy::ScriptEngine::new(Default::default(), None));
    let (policy, _) =
        bashgah::policy::Policy::load(&test.path().join("policies/shop"), &engine).unwrap();
    policy.short_id().to_owned()
}

#[test]
fn a_stored_event_is_explained_rule_by_rule() {
    let test = shop()
        .file(
            "purchases.csv",
            "id,member,date,amount,store\nE1,M1,2025-03-01 10:30,2500,north\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .run();
    let version = short_id(&test);
    test.args(["explain", "shop", "E1"])
        .stdout(&format!(
            "\
purchase `E1` of member `M1` on 2025-03-01 10:30 (2025-03-01T10:30:00Z)
amount 2,500 EUR, store north
policy {version} (the current one)
member then: individual, tier none, balance 0 points

rules
  base (fn base_points, policies/shop/earn.rhai:1): ran: 2.5 rounded (floor, 0 places) to +2
    read event.amount

entries
  base +2  1 point per 1,000

the ledger holds the same entries
"
        ))
        .run();
}

#[test]
fn a_stored_event_is_explained_under_the_version_that_evaluated_it() {
    let test = shop()
        .file(
            "purchases.csv",
            "id,member,date,amount\nE1,M1,2025-03-01,2500\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .run();
    let old = short_id(&test);
    std::fs::write(
        test.path().join("policies/shop/earn.rhai"),
        "fn base_points(event, member) {\n    event.amount / 100\n}\n",
    )
    .unwrap();
    let new = short_id(&test);
    // A temporary folder of its own, to see what the command leaves in it.
    let temp = test.path().join("tmp");
    std::fs::create_dir_all(&temp).unwrap();
    let output = crate::bashgah_command()
        .args(["explain", "shop", "E1"])
        .current_dir(test.path())
        .env("TMPDIR", &temp)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("policy {old} (an earlier version, rebuilt from the files the ledger keeps; current: {new})")),
        "{stdout}"
    );
    assert!(
        stdout.contains("  base +2  1 point per 1,000\n\nthe ledger holds the same entries"),
        "{stdout}"
    );
    // The older version was rebuilt in a temporary folder, and the folder is gone.
    // (The built-in plugins' folder is a cache, kept on purpose.)
    let left: Vec<_> = std::fs::read_dir(&temp)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("bashgah-policy-")
        })
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert_eq!(output.status.code(), Some(0));
}

/// An event its rules fail on is explained (the script's error shown) and the command
/// fails, for scripts and CI as for people.
#[test]
fn an_event_whose_rules_fail_exits_with_failure() {
    let test = shop()
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) {\n    event.amount / (event.amount - 2500)\n}\n",
        )
        .file(
            "purchases.csv",
            "id,member,date,amount\nE1,M1,2025-03-01,2000\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .run();
    let ok = bashgah(
        &test.path(),
        &["explain".into(), "shop".into(), "E1".into()],
    );
    assert_eq!(ok.status.code(), Some(0));
    let failed = bashgah(
        &test.path(),
        &[
            "explain".into(),
            "shop".into(),
            "--event".into(),
            r#"{"id": "X", "member": "M1", "date": "2025-03-02", "amount": "2500"}"#.into(),
        ],
    );
    let stdout = String::from_utf8_lossy(&failed.stdout);
    assert!(stdout.contains("Division by zero"), "{stdout}");
    assert_eq!(failed.status.code(), Some(1), "{stdout}");
}

#[test]
fn a_hypothetical_event_writes_nothing() {
    let test = shop()
        .file(
            "purchases.csv",
            "id,member,date,amount\nE1,M1,2025-03-01,2500\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .run();
    let output = bashgah(
        &test.path(),
        &[
            "explain".into(),
            "shop".into(),
            "--event".into(),
            r#"{"id": "X", "member": "M1", "date": "2025-03-02", "amount": "9999"}"#.into(),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("member then: individual, tier none, balance 2 points"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(
            "the ledger would hold\n  purchase `X` on 2025-03-02\n    base +9  1 point per 1,000\n\ndry run: nothing was written\n"
        ),
        "{stdout}"
    );
    // Nothing was written: the member still has one event.
    let member = bashgah(
        &test.path(),
        &["member".into(), "shop".into(), "M1".into(), "--json".into()],
    );
    let json: serde_json::Value = serde_json::from_slice(&member.stdout).unwrap();
    assert_eq!(json["member"]["events"], 1);
    assert_eq!(json["member"]["balance"], "2");
}

/// An expiry (or a redemption) is not made by rules: explain shows what the ledger holds
/// for it, not "none" beside "the ledger holds the same entries" (it held a −3).
#[test]
fn an_expiry_shows_what_the_ledger_holds_rather_than_the_rules_nothing() {
    let test = Test::new()
        .file(
            "policies/shop/club.yaml",
            &super::SHOP_YAML.replace(
                "timezone: UTC\n",
                "timezone: UTC\npoints:\n  expiry: {after: 1m}\n",
            ),
        )
        .file("policies/shop/earn.rhai", super::SHOP_RHAI)
        .file(
            "purchases.csv",
            "id,member,date,amount\nE1,M1,2025-03-01 10:30,3500\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .run()
        .args(["advance", "shop", "--to", "2025-05-01"])
        .run();
    let engine = std::sync::Arc::new(bashgah::policy::ScriptEngine::new(Default::default(), None));
    let (policy, _) =
        bashgah::policy::Policy::load(&test.path().join("policies/shop"), &engine).unwrap();
    let version = policy.short_id().to_owned();
    test.args(["explain", "shop", "expiry:M1:2025-04-01T00:00:00Z"])
        .stdout(&format!(
            "\
expiry `expiry:M1:2025-04-01T00:00:00Z` of member `M1` on 2025-04-01 00:00 (2025-04-01T00:00:00Z)
amount 0 EUR
policy {version} (the current one)
member then: individual, tier none, balance 3 points

rules
  base (fn base_points, policies/shop/earn.rhai:1): does not run for expiry events

no rule made the entries of expiry events; the ledger holds:
  expiry -3  3 expired (expiry date reached), earned 2025-03-01
"
        ))
        .run();
}
