//! `bashgah check --against-ledger`: the host process's canary on the command line, before
//! a file is saved for good — what an edit would change on the ledger's recent events,
//! rule by rule, and whether the host process would refuse it.

use crate::cli::harness::{bashgah, Test};
use crate::cli::{shop, SHOP_YAML};

const PURCHASES: &str = "\
id,member,date,amount
E1,M1,2025-01-10,2000
E2,M1,2025-01-11,1313
E3,M2,2025-01-12,3000
";

/// Runs `check --against-ledger`; returns its exit code and its output with the
/// versions it names written as LIVE and EDIT.
fn against(test: &Test, live: &str) -> (i32, String) {
    let output = bashgah(
        &test.path(),
        &["check", "--against-ledger"].map(String::from),
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let edit = stdout
        .split("(policy ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .unwrap_or_default()
        .to_owned();
    let text = stdout.replace(live, "LIVE");
    let text = if edit.is_empty() || edit == live {
        text
    } else {
        text.replace(&edit, "EDIT")
    };
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn an_edit_is_compared_with_the_recorded_version_on_recent_events() {
    let test = shop()
        .file("purchases.csv", PURCHASES)
        .args(["import", "shop", "purchases.csv"])
        .stdout(
            "purchases.csv: 3 accepted, 0 duplicate, 0 conflicting, 0 rejected; 6 points awarded\n",
        )
        .run();
    let first =
        String::from_utf8_lossy(&bashgah(&test.path(), &["check".to_owned()]).stdout).into_owned();
    let live = first
        .split("(policy ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("the version")
        .to_owned();

    // The same files as the ledger's version: nothing to compare.
    assert_eq!(
        against(&test, &live),
        (
            0,
            "\
ok      shop (policy LIVE, 1 rule)
        not tried on the ledger: these files are the version the ledger recorded last (LIVE)
1 club checked, 0 failed
"
            .to_owned()
        )
    );

    // Twice the points, and no limit set: reported, not refused.
    let test = test.file(
        "policies/shop/earn.rhai",
        "fn base_points(event, member) {\n    event.amount / 500\n}\n",
    );
    assert_eq!(
        against(&test, &live),
        (
            0,
            "\
ok      shop (policy EDIT, 1 rule)
        tried on the last 3 events beside LIVE: points issued 6 → 12 (+100%)
          rule `base`: 3 events changed, +6 points (e.g. E1 2 → 4, E2 1 → 2, E3 3 → 6)
1 club checked, 0 failed
"
            .to_owned()
        )
    );

    // With a limit: refused, exit 1.
    let test = test.file(
        "policies/shop/club.yaml",
        &format!("{SHOP_YAML}reload:\n  max_change: 50%\n"),
    );
    assert_eq!(
        against(&test, &live),
        (
            1,
            "\
REFUSED shop (policy EDIT, 1 rule)
        tried on the last 3 events beside LIVE: points issued 6 → 12 (+100%)
          rule `base`: 3 events changed, +6 points (e.g. E1 2 → 4, E2 1 → 2, E3 3 → 6)
        refused: it moves the points issued on the last 3 events by +100% (6 → 12), more than `reload.max_change: 50%` allows
1 club checked, 1 failed
"
            .to_owned()
        )
    );

    // A rule that fails a recent event the live version handled: refused.
    let test = test
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) {\n    event.amount / 1000 + 1000 / (event.amount - 1313)\n}\n",
        );
    let (status, text) = against(&test, &live);
    assert_eq!(status, 1, "{text}");
    assert!(
        text.contains("        fails `E2`: rule `base` failed: Division by zero: 1000 / 0\n        refused: it fails 1 of the last 3 events, which the live version handled (first: `E2`: rule `base` failed: Division by zero: 1000 / 0)\n"),
        "{text}"
    );
}
