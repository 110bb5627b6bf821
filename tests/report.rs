//! `bashgah report`: segments from the shipped `rfm` plugin, the member at risk, a
//! campaign's cost against its budget, settlement with a partner from the shipped
//! `partner` plugin, and messages sent and held back by the daily cap.

use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[test]
fn the_report_shows_segments_risk_campaign_cost_partners_and_messages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = crate::scratch();
    copy_dir(&root.join("plugins"), &dir.path().join("plugins"));
    let club = dir.path().join("policies/shop");
    copy_dir(&root.join("tests/fixtures/report"), &club);
    std::fs::rename(club.join("events.csv"), dir.path().join("events.csv")).expect("move");
    let run = |args: &[&str]| {
        let output = crate::bashgah_command()
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("run");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert_eq!(
        run(&["import", "shop", "events.csv"]),
        "events.csv: 9 accepted, 0 duplicate, 0 conflicting, 0 rejected; 129 points awarded\n"
    );
    assert_eq!(
        run(&["report", "shop", "--at", "2025-04-01"]),
        "\
club shop, as at 2025-04-01: 3 members

segments
  at_risk             1
  champions           1
  others              1

at risk of lapsing: 1 member
  M2                     45 points, last purchase 2024-06-20

campaigns
  spring         25 points (25 EUR) of a budget of 25; 4 awards capped

partners (settlement)
  snapp          2 purchases, 200 EUR: 40 points, worth 40 EUR

messages
  challenge_completed  1 pending, 1 suppressed (cap)
  enrolled             3 pending

points held: 139 points, worth 139 EUR

campaign value
  spring         3 purchases rewarded, 300 EUR; 1 member rewarded, 500 EUR each

settlement per month (net of returns)
  2024-06  snapp          1 purchase, 100 EUR: 20 points, worth 20 EUR
  2025-03  snapp          1 purchase, 100 EUR: 20 points, worth 20 EUR
"
    );
    let json: serde_json::Value =
        serde_json::from_str(&run(&["report", "shop", "--at", "2025-04-01", "--json"]))
            .expect("json");
    assert_eq!(json["partners"][0]["points"], "40");
    assert_eq!(json["campaigns"][0]["capped_awards"], 4);
    // As at 2024-06-15 every part is as it stood then: M2 alone had joined, with the
    // 10 points of each of B1 and B2 (100 EUR each, a point per 10 EUR, worth 1 EUR), the
    // welcome message queued, no partner purchase yet (B3 is of the 20th) and no campaign.
    assert_eq!(
        run(&["report", "shop", "--at", "2024-06-15"]),
        "\
club shop, as at 2024-06-15: 1 member

segments
  others              1

at risk of lapsing: 0 members

campaigns
  spring         0 points (0 EUR) of a budget of 25; 0 awards capped

messages
  enrolled             1 pending

points held: 20 points, worth 20 EUR

campaign value
  spring         0 purchases rewarded, 0 EUR; 0 members rewarded, 0 EUR each
"
    );
    // A report writes nothing: the ledger is the same file, byte for byte.
    let ledger = dir.path().join("data/shop.sqlite");
    let before = std::fs::read(&ledger).expect("ledger");
    run(&["report", "shop"]);
    assert_eq!(before, std::fs::read(&ledger).expect("ledger"));
}
