//! Foreign currencies (issue 18): purchases in dollars and dirhams converted into the
//! club's Rials at the declared rate of their day, both amounts and the rate in the
//! ledger, returns at their purchase's rate, refusals with their line and column — in
//! SQLite and, when the run has one, PostgreSQL.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use bashgah::event::Conversion;
use bashgah::import::{import_events, read_rows, FileFormat, ImportOptions, EVENT_COLUMNS};
use bashgah::ledger::Ledger;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use rust_decimal::Decimal;

/// A Rial club that takes dollars (rates in club.yaml, one a month) and dirhams (a rate
/// file); a point per 100,000 Rials, with the decimals kept so every Rial shows.
pub const CLUB_YAML: &str = "\
id: bazaar
name: Bazaar
currency: IRR
timezone: Asia/Tehran
points:
  precision: 5
rules:
  - id: base
    function: base_points
    description: 1 point per 100,000 IRR
currencies:
  rates:
    USD:
      - {from: 2025-01-01, rate: 820000}
      - {from: 2025-02-01, rate: 850000.5}
  file: rates.csv
  rounding: half_up
  max_age_days: 60
";

pub const RATES_CSV: &str = "date,currency,rate\n2025-01-10,AED,223000\n";

pub fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// The club in `dir/policies/bazaar`, loaded.
pub fn club(dir: &Path, club_yaml: &str, rates: &str) -> Result<Policy, String> {
    let club = dir.join("policies/bazaar");
    std::fs::create_dir_all(&club).unwrap();
    std::fs::write(club.join("club.yaml"), club_yaml).unwrap();
    std::fs::write(club.join("rates.csv"), rates).unwrap();
    std::fs::write(
        club.join("earn.rhai"),
        "fn base_points(event, member) { event.amount / 100000 }\n",
    )
    .unwrap();
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    Policy::load(&club, &engine)
        .map(|(policy, _)| policy)
        .map_err(|problems| bashgah::diagnostic::render_all(&problems))
}

fn import(ledger: &Ledger, policy: &Policy, csv: &str) -> bashgah::import::ImportReport {
    let rows = read_rows(
        std::io::Cursor::new(csv.as_bytes().to_vec()),
        FileFormat::Csv,
        "purchases.csv",
        &EVENT_COLUMNS,
    )
    .unwrap();
    import_events(ledger, policy, rows, ImportOptions::default()).unwrap()
}

const PURCHASES: &str = "\
id,member,date,amount,type,original,currency
P1,M1,2025-01-15 10:00,1000000,,,
P2,M1,2025-01-20 10:00,12.34,,,usd
P3,M1,2025-02-01 09:00,100.01,,,USD
P4,M2,2025-01-12 12:00,99.99,,,AED
R1,M1,2025-02-10 12:00,50,return,P3,USD
R2,M1,2025-02-11 12:00,50.01,return,P3,USD
X1,M2,2025-01-12 12:00,10,,,EUR
X2,M2,2024-12-31 12:00,10,,,USD
X3,M2,2025-05-01 12:00,10,,,USD
X4,M2,2025-02-12 12:00,10,return,P4,USD
X5,M2,2025-02-12 12:00,10,return,P4,
X6,M1,2025-02-12 12:00,0.01,return,P3,USD
";

/// What the ledger must hold after [`PURCHASES`], whatever the store.
fn check_ledger(ledger: &Ledger, policy: &Policy) {
    let report = import(ledger, policy, PURCHASES);
    let problems: Vec<(u64, Option<&str>, &str)> = report
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_deref(), p.message.as_str()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (8, Some("currency"), "the club has no rate for `EUR`; it takes AED, USD"),
            (
                9,
                Some("date"),
                "no rate of `USD` holds on 2024-12-31: its first rate is from 2025-01-01"
            ),
            (
                10,
                Some("date"),
                "the rate of `USD` in force on 2025-05-01 is from 2025-02-01, older than 60 days (`currencies.max_age_days`): declare a newer rate"
            ),
            (
                11,
                Some("currency"),
                "this return is in `USD` but its purchase was paid in `AED`: a return is given back in its purchase's currency"
            ),
            (
                12,
                Some("currency"),
                "this return is in `IRR` but its purchase was paid in `AED`: a return is given back in its purchase's currency"
            ),
            (
                13,
                Some("amount"),
                "the purchase was paid 100.01 USD; with this return 100.02 USD would have been given back"
            ),
        ],
    );
    assert_eq!((report.accepted, report.rejected), (6, 6));

    // Each amount exactly: paid × rate, rounded half up to whole Rials.
    let stored = |id: &str| ledger.stored_event(id).unwrap().expect(id).0;
    let p1 = stored("P1");
    assert_eq!(
        (p1.amount, p1.currency, p1.conversion),
        (d("1000000"), None, None)
    );
    let expect = |id: &str, amount: &str, currency: &str, paid: &str, rate: &str| {
        let event = stored(id);
        assert_eq!(
            (event.amount, event.currency.as_deref(), event.conversion),
            (
                d(amount),
                Some(currency),
                Some(Conversion {
                    original_amount: d(paid),
                    rate: d(rate)
                })
            ),
            "{id}"
        );
    };
    // 12.34 × 820,000 = 10,118,800
    expect("P2", "10118800", "USD", "12.34", "820000");
    // 100.01 × 850,000.5 = 85,008,550.005 → 85,008,550
    expect("P3", "85008550", "USD", "100.01", "850000.5");
    // 99.99 × 223,000 = 22,297,770 (the rate file's rate)
    expect("P4", "22297770", "AED", "99.99", "223000");
    // The returns at P3's rate, as one running sum: 50 × 850,000.5 = 42,500,025, then
    // 100.01 × 850,000.5 rounded (85,008,550) less what R1 gave back.
    expect("R1", "42500025", "USD", "50", "850000.5");
    expect("R2", "42508525", "USD", "50.01", "850000.5");

    // P3 returned in full: its points all taken back, M1 left with P1's and P2's.
    assert_eq!(ledger.sum_of_event("P3").unwrap(), d("850.0855"));
    assert_eq!(
        ledger.sum_of_event("R1").unwrap() + ledger.sum_of_event("R2").unwrap(),
        d("-850.0855")
    );
    assert_eq!(ledger.sum_of_entries("M1").unwrap(), d("111.188"));
    let summary = ledger.member_summary("M1").unwrap().unwrap();
    assert_eq!(summary.balance, d("111.188"));
    // Lifetime spend (purchases) is in Rials: 1,000,000 + 10,118,800 + 85,008,550.
    assert_eq!(summary.spend_total, d("96127350"));

    // The same file again: every accepted row a duplicate (the fingerprint is of the
    // amount as paid), every refused one refused again.
    let again = import(ledger, policy, PURCHASES);
    assert_eq!(
        (again.accepted, again.duplicates, again.rejected),
        (0, 6, 6)
    );
}

#[test]
fn purchases_in_dollars_and_dirhams_are_converted_and_recorded_with_both_amounts() {
    let dir = crate::scratch();
    let policy = club(dir.path(), CLUB_YAML, RATES_CSV).unwrap();
    let ledger = Ledger::open(&dir.path().join("bazaar.sqlite")).unwrap();
    check_ledger(&ledger, &policy);
}

#[test]
fn purchases_in_dollars_and_dirhams_are_converted_in_postgresql_too() {
    let dir = crate::scratch();
    let policy = club(dir.path(), CLUB_YAML, RATES_CSV).unwrap();
    let Some(ledger) = crate::pg::PgLedger::fresh("currencies") else {
        return;
    };
    check_ledger(&ledger, &policy);
}

#[test]
fn a_changed_rate_is_a_new_policy_version() {
    let dir = crate::scratch();
    let before = club(dir.path(), CLUB_YAML, RATES_CSV).unwrap();
    let after = club(
        dir.path(),
        CLUB_YAML,
        "date,currency,rate\n2025-01-10,AED,223001\n",
    )
    .unwrap();
    assert_ne!(before.id, after.id);
    assert!(after.files.iter().any(|f| f.name == "rates.csv"));
}

#[test]
fn a_bad_rate_file_is_reported_at_its_line_and_column() {
    let dir = crate::scratch();
    let problems = club(
        dir.path(),
        CLUB_YAML,
        "date,currency,rate\n2025-01-10,AED,223000\n2025-13-01,AED,1\n2025-02-01,dollar,1\n2025-02-01,AED,-5\n2025-02-01,AED,22x\n2025-01-10,AED,224000\n2025-03-01,IRR,1\n",
    )
    .unwrap_err();
    let lines: Vec<&str> = problems
        .lines()
        .filter(|l| l.starts_with("error") || l.contains("-->"))
        .collect();
    let file = dir.path().join("policies/bazaar/rates.csv");
    let at = |line: u32| format!(" --> {}:{line}:1", file.display());
    assert_eq!(
        lines,
        [
            "error: column `date`: 2025-13-01 is not a date",
            &at(3),
            "error: column `currency`: currency `DOLLAR` is not a three-letter code",
            &at(4),
            "error: column `rate`: a rate must be above zero and at most 10¹⁸, not -5",
            &at(5),
            "error: column `rate`: `22x` is not a number",
            &at(6),
            "error: column `date`: `AED` has two rates from 2025-01-10",
            &at(7),
            "error: column `currency`: `IRR` is the club's own currency: it needs no rate",
            &at(8),
        ]
        .iter()
        .map(|s| s.as_ref())
        .collect::<Vec<&str>>(),
        "{problems}"
    );
}

/// The ledger is the same however the rows arrive: all at once, one a transaction with
/// rows decided two at a time, or in two files (the returns after their purchases).
#[test]
fn foreign_purchases_give_the_same_ledger_whatever_the_batches() {
    let dir = crate::scratch();
    let policy = club(dir.path(), CLUB_YAML, RATES_CSV).unwrap();
    let whole = Ledger::open_in_memory().unwrap();
    import(&whole, &policy, PURCHASES);

    let one_by_one = Ledger::open_in_memory().unwrap();
    let rows = read_rows(
        std::io::Cursor::new(PURCHASES.as_bytes().to_vec()),
        FileFormat::Csv,
        "purchases.csv",
        &EVENT_COLUMNS,
    )
    .unwrap();
    let options = ImportOptions {
        batch_size: 1,
        chunk: 2,
        ..ImportOptions::default()
    };
    import_events(&one_by_one, &policy, rows, options).unwrap();
    assert_eq!(one_by_one.dump().unwrap(), whole.dump().unwrap());

    let split = Ledger::open_in_memory().unwrap();
    let (header, rows) = PURCHASES.split_once('\n').unwrap();
    let (first, second): (Vec<&str>, Vec<&str>) =
        rows.lines().partition(|row| !row.contains(",return,"));
    for part in [first, second] {
        import(&split, &policy, &format!("{header}\n{}\n", part.join("\n")));
    }
    // The same entries and events (rows in another order are numbered otherwise).
    for member in ["M1", "M2"] {
        assert_eq!(
            split.statement(member).unwrap(),
            whole.statement(member).unwrap(),
            "{member}"
        );
    }
    for id in ["P2", "P3", "P4", "R1", "R2"] {
        assert_eq!(
            split.stored_event(id).unwrap(),
            whole.stored_event(id).unwrap(),
            "{id}"
        );
    }
}
