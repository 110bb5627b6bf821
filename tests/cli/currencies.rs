//! Foreign currencies on the command line (issue 18): an import with a `currency` column,
//! its refusals with line and column, a statement in Toman that says what was paid in
//! dollars, and `check` pointing at a bad rate in `club.yaml`.

use harness::Test;

use crate::cli::harness;

const CLUB: &str = "\
id: bazaar
name: Bazaar
currency: IRR
timezone: Asia/Tehran
money: toman
rules:
  - id: base
    function: base_points
    description: 1 point per 100,000 IRR
currencies:
  rates:
    USD:
      - {from: 2025-01-01, rate: 820000}
      - {from: 2025-02-01, rate: 850000}
";

fn bazaar(club: &str) -> Test {
    Test::new().file("policies/bazaar/club.yaml", club).file(
        "policies/bazaar/earn.rhai",
        "fn base_points(event, member) { event.amount / 100000 }\n",
    )
}

#[test]
fn an_import_in_dollars_is_converted_and_the_statement_says_what_was_paid() {
    bazaar(CLUB)
        .file(
            "purchases.csv",
            "\
id,member,date,amount,currency
P1,M1,2025-01-15,250000,
P2,M1,2025-02-03,12.5,USD
P3,M1,2025-02-03,10,GBP
P4,M1,2024-12-30,10,USD
",
        )
        .args(["import", "bazaar", "purchases.csv"])
        .status(1)
        .stderr(
            "\
rejected: purchases.csv:4: column `currency`: the club has no rate for `GBP`; it takes USD
rejected: purchases.csv:5: column `date`: no rate of `USD` holds on 2024-12-30: its first rate is from 2025-01-01
",
        )
        .stdout("purchases.csv: 2 accepted, 0 duplicate, 0 conflicting, 2 rejected; 108 points awarded\n")
        .run()
        .args(["member", "bazaar", "M1"])
        .stdout(
            "\
member M1 (individual) in Bazaar
joined 2025-01-15; 2 events, 1,087,500 Toman spent
balance: 108 points (108 available, 0 pending) on 2025-02-03

earned      lot of     points      left  spendable   expires
2025-01-15  P1 base         2         2  2025-01-15  never
2025-02-03  P2 base       106       106  2025-02-03  never

date        event  rule    points  reason
2025-01-15  P1     base        +2  1 point per 100,000 IRR
2025-02-03  P2     base      +106  1 point per 100,000 IRR (paid 12.5 USD at 850,000)
",
        )
        .run();
}

#[test]
fn check_points_at_a_bad_rate_and_at_toman_in_a_euro_club() {
    let club = CLUB
        .replace("currency: IRR", "currency: EUR")
        .replace("rate: 820000", "rate: 0")
        .replace("from: 2025-02-01", "from: 2025-02-30");
    bazaar(&club)
        .args(["check"])
        .status(1)
        .stdout("FAILED  bazaar (3 errors)\n1 club checked, 1 failed\n")
        .stderr(
            "\
error: `money: toman` shows a tenth of a Rial amount: it needs `currency: IRR`, not `EUR`
 --> policies/bazaar/club.yaml:5:8
  |
5 | money: toman
  |        ^^^^^

error: a rate must be above zero and at most 10¹⁸, not 0
  --> policies/bazaar/club.yaml:13:34
   |
13 |       - {from: 2025-01-01, rate: 0}
   |                                  ^

error: 2025-02-30 is not a date
  --> policies/bazaar/club.yaml:14:16
   |
14 |       - {from: 2025-02-30, rate: 850000}
   |                ^^^^^^^^^^

",
        )
        .run();
}

/// `money: toman` alone (no `messages.money`): the statement and the members' messages
/// both count in Toman.
#[test]
fn money_toman_is_followed_by_the_statement_and_the_messages() {
    let test = Test::new()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Shop
currency: IRR
timezone: UTC
money: toman
rules:
  - id: base
    function: base_points
    description: 1 point per 1,000
credit:
  rate: 1000
messages:
  channels:
    - {id: sms, kind: file, path: sms.jsonl}
  templates:
    enrolled:
      en: \"Welcome, {name}: your credit is {credit}.\"
",
        )
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) { event.amount / 1000 }\n",
        )
        .file("p.csv", "id,member,date,amount\nP1,M1,2025-01-15,250000\n")
        .args(["import", "shop", "p.csv"])
        .run();
    let output = harness::bashgah(
        &test.path(),
        &["member".into(), "shop".into(), "M1".into(), "--json".into()],
    );
    let member: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        member["messages"][0]["text"],
        "Welcome, M1: your credit is 0 Toman."
    );
    let output = harness::bashgah(&test.path(), &["member".into(), "shop".into(), "M1".into()]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("joined 2025-01-15; 1 event, 25,000 Toman spent\n"),
        "{text}"
    );
    assert!(text.contains("credit: 0 Toman\n"), "{text}");
}

/// Rules read what was paid and the rate beside the converted amount; for an event in the
/// club's currency, `original_amount` is `amount` and `rate` is 1.
#[test]
fn rules_read_the_currency_the_amount_paid_and_the_rate() {
    bazaar(&CLUB.replace("money: toman\n", ""))
        .file(
            "policies/bazaar/earn.rhai",
            "\
fn base_points(event, member) {
    if event.currency == \"USD\" { event.original_amount + event.rate / 1000000 + event.amount / 100000000 }
    else { event.original_amount / 100000 + event.rate }
}
",
        )
        .file(
            "policies/bazaar/tests/paid.yaml",
            "\
- name: a dollar purchase, and one in Rials
  when:
    # 12.5 + 850,000 / 1,000,000 + 10,625,000 / 100,000,000
    - event: {id: P1, member: M1, date: 2025-02-03, amount: 12.5, currency: USD}
    # 300,000 / 100,000 + 1
    - event: {id: P2, member: M1, date: 2025-02-03, amount: 300000}
  then:
    points: {P1: 13, P2: 4}
",
        )
        .args(["test"])
        .stdout("bazaar: 1 case in policies/bazaar/tests\nok      a dollar purchase, and one in Rials\n1 passed, 0 failed\n")
        .run();
}
