//! Plugins: an import that tries to leave the plugins folder is refused; a club's plugin
//! settings are checked against the plugin's manifest, every problem with its position.

use crate::shop;

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
        .stdout("FAILED  shop (1 error)\n1 clubs checked, 1 failed\n")
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
                crate::SHOP_YAML
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
        .stdout("FAILED  shop (3 errors)\n1 clubs checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn a_plugin_reads_its_settings_and_its_text_is_part_of_the_policy_version() {
    let club = format!("{}plugins:\n  bonus: {{points: 7}}\n", crate::SHOP_YAML);
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
        crate::harness::bashgah(
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
