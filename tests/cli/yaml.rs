//! Issue 12, "one YAML path": every YAML file bashgah reads — `club.yaml`, `tests/*.yaml`,
//! `plugin.yaml`, the keys file — is parsed once, checked against its JSON Schema and
//! typed from the same tree, and every problem is reported where it is written.

use crate::cli::harness::{bashgah, Test};
use crate::cli::{shop, SHOP_YAML};

#[test]
fn a_misspelt_key_in_a_test_step_is_named_with_the_right_one() {
    // It was read as an adjustment of 0 points ("changes nothing").
    shop()
        .file(
            "policies/shop/tests/manual.yaml",
            "\
- name: a correction by hand
  when:
    - event: {id: P1, member: M1, date: 2025-03-03, amount: 2500}
    - adjust: {member: M1, pionts: 5}
  then:
    balance: {M1: 7}
",
        )
        .args(["test"])
        .stderr(
            "\
error: unknown key `pionts`
 --> policies/shop/tests/manual.yaml:4:28
  |
4 |     - adjust: {member: M1, pionts: 5}
  |                            ^^^^^^
  = help: did you mean `points`?

",
        )
        .stdout("FAILED  policies/shop: could not be loaded\n0 passed, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn a_step_with_an_event_and_an_advance_is_refused_at_the_advance() {
    // The advance used to be dropped without a word.
    shop()
        .file(
            "policies/shop/tests/steps.yaml",
            "\
- name: two things at once
  when:
    - event: {id: P1, member: M1, date: 2025-03-03, amount: 2500}
      advance: 2025-04-01
  then:
    balance: {M1: 2}
",
        )
        .args(["test"])
        .stderr(
            "\
error: `advance` and `event` cannot be given together: give only one of `event`, `advance`, `redeem` or `adjust`
 --> policies/shop/tests/steps.yaml:4:7
  |
4 |       advance: 2025-04-01
  |       ^^^^^^^
  = help: put `advance` in a step of its own

",
        )
        .stdout("FAILED  policies/shop: could not be loaded\n0 passed, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn tests_are_read_as_they_always_were_where_an_editor_would_object() {
    // Shops number their members; a test need not quote `1001`, and an empty `given:` is
    // nothing given (club.yaml, which editors check with its schema, must be exact).
    shop()
        .file(
            "policies/shop/tests/numbers.yaml",
            "\
- name: member 1001
  given:
    members: [{id: 1001, balance: 10}]
  when:
    - adjust: {member: 1001, points: -4, reason: 2024}
  then:
    balance: {1001: 6}
- name: nothing given
  given:
  when:
    - event: {id: P1, member: 007, date: 2025-03-03, amount: 2500}
  then:
    balance: {007: 2}
",
        )
        .args(["test"])
        .stdout("shop: 2 cases in policies/shop/tests\nok      member 1001\nok      nothing given\n2 passed, 0 failed\n")
        .run();
}

#[test]
fn every_problem_of_a_test_file_is_reported_not_just_the_first() {
    shop()
        .file(
            "policies/shop/tests/many.yaml",
            "\
- name: several mistakes
  given:
    members: [{id: M1, balance: lots}]
  when:
    - redeem: {member: M1}
    - {}
  then:
    balance: {M1: 2}
    tier: {M1: [gold]}
",
        )
        .args(["test"])
        .stderr(
            "\
error: expected a number, found `lots`
 --> policies/shop/tests/many.yaml:3:33
  |
3 |     members: [{id: M1, balance: lots}]
  |                                 ^^^^

error: missing key `reward`
 --> policies/shop/tests/many.yaml:5:15
  |
5 |     - redeem: {member: M1}
  |               ^
  = help: add `reward: ...` here

error: missing one of `event`, `advance`, `redeem` or `adjust`
 --> policies/shop/tests/many.yaml:6:7
  |
6 |     - {}
  |       ^

error: expected text, found a list
 --> policies/shop/tests/many.yaml:9:16
  |
9 |     tier: {M1: [gold]}
  |                ^

",
        )
        .status(1)
        .run();
}

#[test]
fn a_duplicate_key_is_refused_where_the_duplicate_is_written() {
    // A nested duplicate used to be accepted (the last one won); a top-level one was
    // reported at line 2.
    shop()
        .file(
            "policies/shop/club.yaml",
            &format!(
                "{SHOP_YAML}tiers:\n  - id: gold\n    thresholds: {{individual: 100, individual: 200}}\ncurrency: IRR\n"
            ),
        )
        .args(["check"])
        .stderr(
            "\
error: duplicate key `individual`
  --> policies/shop/club.yaml:11:35
   |
11 |     thresholds: {individual: 100, individual: 200}
   |                                   ^^^^^^^^^^
   = help: `individual` is already given on line 11; a key may appear once in a mapping

error: duplicate key `currency`
  --> policies/shop/club.yaml:12:1
   |
12 | currency: IRR
   | ^^^^^^^^
   = help: `currency` is already given on line 3; a key may appear once in a mapping

",
        )
        .stdout("FAILED  shop (2 errors)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn nesting_six_thousand_levels_deep_is_a_clear_error_not_an_abort() {
    // 12 KB: a list in a list in a list..., 6,000 deep. `check` used to overflow its stack.
    let deep = format!("{}x\n", "- ".repeat(6000));
    let test = shop()
        .file("policies/shop/club.yaml", &deep)
        .args(["check"])
        .stdout("FAILED  shop (1 error)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
    let output = bashgah(&test.path(), &["check".into()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(
            "error: the file nests lists and mappings more than 64 levels deep\n --> policies/shop/club.yaml:1:129\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            "  = help: no bashgah file needs more than a few levels; check the indentation\n\n"
        ),
        "{stderr}"
    );
    // Mappings in mappings, block style, say the same at the 65th level's key.
    let keys: String = (0..100)
        .map(|level| format!("{}a:\n", " ".repeat(level)))
        .collect();
    let test = test.file("policies/shop/club.yaml", &keys);
    let output = bashgah(&test.path(), &["check".into()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(
            "error: the file nests lists and mappings more than 64 levels deep\n  --> policies/shop/club.yaml:65:65\n"
        ),
        "{stderr}"
    );
    // Every command that loads the club says so, and ends normally.
    test.file(
        "purchases.csv",
        "id,member,date,amount\nP1,M1,2025-01-15,5000\n",
    )
    .args(["import", "shop", "purchases.csv"])
    .stdout("")
    .status(2)
    .run();
}

#[test]
fn aliases_that_expand_past_the_bound_are_refused() {
    let mut laughs = String::from("id: shop\nname: x\ncurrency: EUR\nrules: []\n");
    laughs.push_str("description: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (from, to) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .windows(2)
        .map(|w| (w[0], w[1]))
    {
        laughs.push_str(&format!(
            "x{to}: &{to} [{}]\n",
            vec![format!("*{from}"); 10].join(", ")
        ));
    }
    let output = bashgah(
        &shop().file("policies/shop/club.yaml", &laughs).path(),
        &["check".into()],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: aliases in this file repeat more than 10000 values\n --> policies/shop/club.yaml:8:"),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_comma_in_a_flow_mapping_is_caught_where_an_editor_would_catch_it() {
    // The shipped cafe had this: `check` said ok and the statement showed no title.
    shop()
        .file(
            "policies/shop/club.yaml",
            &format!(
                "{SHOP_YAML}rewards:\n  - id: office-credit\n    title: {{en: 500,000 IRR on account, fa: ۵۰۰ هزار ریال اعتبار}}\n    cost: 400\n    kind: gift\n"
            ),
        )
        .args(["check"])
        .stderr(
            "\
error: expected text, found the number 500
  --> policies/shop/club.yaml:11:17
   |
11 |     title: {en: 500,000 IRR on account, fa: ۵۰۰ هزار ریال اعتبار}
   |                 ^^^
   = help: in `{...}` a comma separates entries; write the whole text in quotes: `\"500,000 IRR on account\"`

",
        )
        .stdout("FAILED  shop (1 error)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn the_schema_refuses_what_serde_alone_let_through() {
    // `name: 2024` was read as the text "2024", and `yes` failed alone with serde's words;
    // an editor with the schema underlines both.
    shop()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: 2024
currency: EUR
rules:
  - id: base
    function: base_points
    enabled: yes
",
        )
        .args(["check"])
        .stderr(
            "\
error: expected text, found the number 2024
 --> policies/shop/club.yaml:2:7
  |
2 | name: 2024
  |       ^^^^
  = help: write it in quotes to make it text: `\"2024\"`

error: expected `true` or `false`, found `yes`
 --> policies/shop/club.yaml:7:14
  |
7 |     enabled: yes
  |              ^^^

",
        )
        .status(1)
        .run();
}

const PLUGIN_RHAI: &str = "fn give() { let s = settings(\"bonus\"); award(s.points, \"bonus\") }\n";

#[test]
fn a_bad_plugin_manifest_is_reported_located_to_the_clubs_that_use_it() {
    shop()
        .file(
            "plugins/bonus/plugin.yaml",
            "\
name: bonus
version: 1.0.0
descripton: a fixed bonus per purchase
settings:
  points: {type: decimel, default: 5}
  points: {type: decimal}
",
        )
        .file("plugins/bonus/bonus.rhai", PLUGIN_RHAI)
        .file(
            "policies/shop/earn.rhai",
            "import \"bonus\" as bonus;\n\nfn base_points(event, member) {\n    bonus::give()\n}\n",
        )
        .args(["check"])
        .stderr(
            "\
error: unknown key `descripton`
 --> plugins/bonus/plugin.yaml:3:1
  |
3 | descripton: a fixed bonus per purchase
  | ^^^^^^^^^^
  = help: did you mean `description`?

error: `decimel` is not one of `integer`, `decimal`, `string`, `boolean`, `list`, `map`
 --> plugins/bonus/plugin.yaml:5:18
  |
5 |   points: {type: decimel, default: 5}
  |                  ^^^^^^^
  = help: did you mean `decimal`?

error: duplicate key `points`
 --> plugins/bonus/plugin.yaml:6:3
  |
6 |   points: {type: decimal}
  |   ^^^^^^
  = help: `points` is already given on line 5; a key may appear once in a mapping

",
        )
        .stdout("FAILED  shop (3 errors)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}

#[test]
fn plugin_settings_keep_the_numbers_written() {
    // A decimal in a map setting stays the decimal written, from the club or a default.
    shop()
        .file(
            "plugins/bonus/plugin.yaml",
            "name: bonus\nversion: 1.0.0\ndescription: x\nsettings:\n  points: {type: map, default: {a: 0.1}}\n",
        )
        .file(
            "plugins/bonus/bonus.rhai",
            "fn give() { let s = settings(\"bonus\"); award(s.points.a + s.points.b, \"bonus\") }\n",
        )
        .file(
            "policies/shop/earn.rhai",
            "import \"bonus\" as bonus;\n\nfn base_points(event, member) {\n    bonus::give() \n}\n",
        )
        .file(
            "policies/shop/club.yaml",
            &format!("{SHOP_YAML}points: {{precision: 2}}\nplugins:\n  bonus:\n    points: {{a: 0.1, b: 0.2}}\n"),
        )
        .file(
            "policies/shop/tests/bonus.yaml",
            "- name: 0.1 + 0.2 is 0.3\n  when:\n    - event: {id: P1, member: M1, date: 2025-03-03, amount: 1}\n  then:\n    points: {P1: 0.3}\n",
        )
        .args(["test"])
        .stdout("shop: 1 case in policies/shop/tests\nok      0.1 + 0.2 is 0.3\n1 passed, 0 failed\n")
        .run();
}

#[test]
fn a_bad_keys_file_is_reported_located_and_the_server_does_not_start() {
    let hash = "ab".repeat(32);
    let test = Test::new().file(
        "keys.yaml",
        &format!(
            "keys:\n  - name: till\n    sha256: {hash}\n    club: [cafe]\n  - {{name: ops, sha256: {hash}, admin: yes}}\n"
        ),
    );
    let output = bashgah(
        &test.path(),
        &[
            "serve".into(),
            "--keys".into(),
            "keys.yaml".into(),
            "--listen".into(),
            "127.0.0.1:0".into(),
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "\
error: unknown key `club`
 --> keys.yaml:4:5
  |
4 |     club: [cafe]
  |     ^^^^
  = help: did you mean `clubs`?

error: expected `true` or `false`, found `yes`
 --> keys.yaml:5:98
  |
5 |   - {name: ops, sha256: abababababababababababababababababababababababababababababababab, admin: yes}
  |                                                                                                  ^^^

error: the keys file was not loaded; the server needs it to know who may call
"
    );
    assert_eq!(output.status.code(), Some(2));
}
