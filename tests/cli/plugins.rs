//! Plugins: an import that tries to leave the plugins folder is refused; a club's plugin
//! settings are checked against the plugin's manifest, every problem with its position.

use crate::cli::shop;

#[test]
fn an_import_from_outside_the_plugins_folder_is_refused() {
    shop()
        .file("secret.rhai", "fn leak() { 1 }\n")
        .file("plugins/README.md", "plugins\n")
        .file(
            "policies/shop/earn.rhai",
            "import \"../secret\" as secret;\n\nfn base_points(event, member) {\n    event.amount / 1000\n}\n",
        )
        .args(["check"])
        .stderr(
            "\
error: in a Rhai script: Runtime error: `../secret` is not a plugin name: imports name a plugin in the plugins folder (letters, digits and `_`), never a path
 --> policies/shop/earn.rhai:1:8
  |
1 | import \"../secret\" as secret;
  |        ^
  = help: plugins are `.rhai` files in the plugins folder (`--plugins DIR`)

",
        )
        .stdout("FAILED  shop (1 error)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

const MANIFEST: &str = "\
name: bonus
version: 1.0.0
description: a fixed bonus per purchase
settings:
  points: {type: decimal, description: points per purchase}
  label: {type: string, default: bonus}
";

#[test]
fn settings_are_checked_against_the_manifest() {
    shop()
        .file("plugins/bonus/plugin.yaml", MANIFEST)
        .file(
            "plugins/bonus/bonus.rhai",
            "fn give() { let s = settings(\"bonus\"); award(s.points, s.label) }\n",
        )
        .file(
            "policies/shop/earn.rhai",
            "import \"bonus\" as bonus;\n\nfn base_points(event, member) {\n    bonus::give()\n}\n",
        )
        .file(
            "policies/shop/club.yaml",
            &format!(
                "{}plugins:\n  bonus:\n    points: many\n    lable: x\n  bonsu: {{}}\n",
                crate::cli::SHOP_YAML
            ),
        )
        .args(["check"])
        .stderr(
            "\
error: no plugin `bonsu` with settings in the plugins folder
  --> policies/shop/club.yaml:13:10
   |
13 |   bonsu: {}
   |          ^
   = help: did you mean `bonus`?

error: plugin `bonus` has no setting `lable`
  --> policies/shop/club.yaml:12:12
   |
12 |     lable: x
   |            ^
   = help: did you mean `label`?

error: setting `points` of plugin `bonus` must be a number
  --> policies/shop/club.yaml:11:13
   |
11 |     points: many
   |             ^^^^

",
        )
        .stdout("FAILED  shop (3 errors)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn a_plugin_reads_its_settings_and_its_text_is_part_of_the_policy_version() {
    let club = format!(
        "{}plugins:\n  bonus: {{points: 7}}\n",
        crate::cli::SHOP_YAML
    );
    let test = shop()
        .file("plugins/bonus/plugin.yaml", MANIFEST)
        .file(
            "plugins/bonus/bonus.rhai",
            "fn give() { let s = settings(\"bonus\"); award(s.points, s.label) }\n",
        )
        .file(
            "policies/shop/earn.rhai",
            "import \"bonus\" as bonus;\n\nfn base_points(event, member) {\n    bonus::give()\n}\n",
        )
        .file("policies/shop/club.yaml", &club)
        .file(
            "events.csv",
            "id,member,date,amount\nP1,M1,2025-03-03,100\n",
        );
    let dir = test.path();
    let run = |args: &[&str]| {
        crate::cli::harness::bashgah(
            &dir,
            &args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(),
        )
    };
    let before = String::from_utf8_lossy(&run(&["check"]).stdout).into_owned();
    let imported = run(&["import", "shop", "events.csv"]);
    assert_eq!(
        String::from_utf8_lossy(&imported.stdout),
        "events.csv: 1 accepted, 0 duplicate, 0 conflicting, 0 rejected; 7 points awarded\n"
    );
    // Changing only the plugin changes the club's policy version.
    std::fs::write(
        dir.join("plugins/bonus/bonus.rhai"),
        "fn give() { let s = settings(\"bonus\"); award(s.points * 2, s.label) }\n",
    )
    .expect("write");
    let after = String::from_utf8_lossy(&run(&["check"]).stdout).into_owned();
    assert!(before.starts_with("ok      shop (policy "), "{before}");
    assert_ne!(before, after);
}

const VIP_MANIFEST: &str = "\
name: vip
version: 1.0.0
description: who is a VIP, and a rate
settings:
  attribute: {type: string, description: the member attribute that says `yes` for a VIP}
";

const VIP_PLUGIN: &str = "\
fn is_vip(member) {
    let attribute = settings(\"vip\").attribute;
    attribute in member.attributes && member.attributes[attribute] == \"yes\"
}

fn per_thousand(amount) {
    amount / 1000
}
";

/// Issue 11, item 7: a campaign's segment function used to be called with other options
/// than rules, so a plugin the script imports at its top was \"Module not found\" there —
/// and `check` said ok. Now the earning rule and the segment use the same plugin (and its
/// settings): `check` is ok, no row is rejected, and only the VIP's purchase inside the
/// campaign's window gets the campaign's rule.
#[test]
fn issue_11_a_campaign_segment_function_can_use_the_plugin_the_rules_use() {
    let club = "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - id: base
    function: base_points
    description: 1 point per 1,000
  - id: vip_week
    function: vip_bonus
    description: VIP week bonus
campaigns:
  - id: vip_week
    from: 2025-03-10
    to: 2025-03-16
    rules: [vip_week]
    segment: {function: vip_member}
plugins:
  vip: {attribute: status}
";
    let rules = "\
import \"vip\" as vip;

fn base_points(event, member) {
    vip::per_thousand(event.amount)
}

fn vip_bonus(event, member) {
    50
}

fn vip_member(member) {
    vip::is_vip(member)
}
";
    let test = crate::cli::harness::Test::new()
        .file("plugins/vip/plugin.yaml", VIP_MANIFEST)
        .file("plugins/vip/vip.rhai", VIP_PLUGIN)
        .file("policies/shop/club.yaml", club)
        .file("policies/shop/earn.rhai", rules)
        .file("members.csv", "id,status\nV1,yes\nN1,no\n")
        .file(
            "purchases.csv",
            "\
id,member,date,amount
P1,V1,2025-03-09,5000
P2,V1,2025-03-12,5000
P3,N1,2025-03-12,5000
P4,V1,2025-03-17,5000
",
        );
    let check = crate::cli::harness::bashgah(&test.path(), &["check".to_owned()]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        stdout.starts_with("ok      shop (policy ")
            && stdout.ends_with(", 2 rules)\n1 club checked, 0 failed\n"),
        "{stdout}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    test.args([
        "import",
        "shop",
        "purchases.csv",
        "--members",
        "members.csv",
    ])
    .stderr("")
    .stdout(
        "\
members.csv: 2 members created, 0 updated, 0 rejected
purchases.csv: 4 accepted, 0 duplicate, 0 conflicting, 0 rejected; 70 points awarded
",
    )
    .run()
    .args(["member", "shop", "V1"])
    .stdout(
        "\
member V1 (individual) in Corner Shop
joined 2025-03-09; 3 events, 15,000 EUR spent
balance: 65 points (65 available, 0 pending) on 2025-03-17

earned      lot of         points      left  spendable   expires
2025-03-09  P1 base             5         5  2025-03-09  never
2025-03-12  P2 base             5         5  2025-03-12  never
2025-03-12  P2 vip_week        50        50  2025-03-12  never
2025-03-17  P4 base             5         5  2025-03-17  never

date        event  rule        points  reason
2025-03-09  P1     base            +5  1 point per 1,000
2025-03-12  P2     base            +5  1 point per 1,000
2025-03-12  P2     vip_week       +50  VIP week bonus
2025-03-17  P4     base            +5  1 point per 1,000
",
    )
    .run()
    .args(["member", "shop", "N1"])
    .stdout(
        "\
member N1 (individual) in Corner Shop
joined 2025-03-12; 1 event, 5,000 EUR spent
balance: 5 points (5 available, 0 pending) on 2025-03-17

earned      lot of     points      left  spendable   expires
2025-03-12  P3 base         5         5  2025-03-12  never

date        event  rule    points  reason
2025-03-12  P3     base        +5  1 point per 1,000
",
    )
    .run();
}

/// Issue 19: the shipped plugins are built into the binary. A club set up where there is
/// no plugins folder (as `init` makes one anywhere) imports `referral` and its tests pass;
/// a local plugins folder still overrides a built-in plugin by name.
#[test]
fn the_shipped_plugins_are_built_in_and_a_local_one_overrides_them() {
    let test = crate::cli::harness::Test::new();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    crate::cli::harness::copy_dir(
        &repo.join("plugins/referral/tests/referral"),
        &test.path().join("policies/referral"),
    );
    assert!(!test.path().join("plugins").exists());
    let id = crate::cli::harness::short_policy_id(&test.path().join("policies/referral"));
    let test = test
        .args(["check"])
        .stdout(&format!(
            "ok      referral (policy {id}, 3 rules)\n1 club checked, 0 failed\n"
        ))
        .run();
    let tested = crate::cli::harness::bashgah(&test.path(), &["test".into()]);
    let stdout = String::from_utf8_lossy(&tested.stdout);
    assert_eq!(tested.status.code(), Some(0), "{stdout}");
    assert!(stdout.ends_with(", 0 failed\n"), "{stdout}");
    // A local `referral` without the functions the club calls: it is the one used.
    let local = test.path().join("plugins/referral");
    std::fs::create_dir_all(&local).unwrap();
    std::fs::copy(
        repo.join("plugins/referral/plugin.yaml"),
        local.join("plugin.yaml"),
    )
    .unwrap();
    std::fs::write(local.join("referral.rhai"), "fn unrelated() { 1 }\n").unwrap();
    let checked = crate::cli::harness::bashgah(&test.path(), &["check".into()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert_eq!(checked.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("referrer_bonus"), "{stderr}");
}
