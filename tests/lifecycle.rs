//! The points lifecycle on a real ledger: lots, pending points, each expiry policy at its
//! boundaries, spending before expiry, returns after a rule change, debt, transfers.

use std::str::FromStr;
use std::sync::Arc;

use bashgah::club::WhenSpent;
use bashgah::import::{
    import_events, read_rows, FileFormat, ImportOptions, ImportReport, EVENT_COLUMNS,
};
use bashgah::ledger::Ledger;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use bashgah::recording::{Applied, ManualError};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// A club `shop` earning 1 point per 10 of amount, with extra `points:` settings.
struct Club {
    dir: tempfile::TempDir,
    policy: Policy,
    ledger: Ledger,
}

impl Club {
    fn new(points: &str) -> Club {
        Club::with(points, "fn base(event, member) { event.amount / 10 }\n", "")
    }

    fn with(points: &str, rhai: &str, extra: &str) -> Club {
        let dir = crate::scratch();
        let club = dir.path().join("shop");
        std::fs::create_dir_all(&club).unwrap();
        std::fs::write(
            club.join("club.yaml"),
            format!("id: shop\nname: Shop\ncurrency: EUR\n{extra}points:\n  transfers: true\n{points}rules:\n  - {{id: base, function: base}}\n"),
        )
        .unwrap();
        std::fs::write(club.join("earn.rhai"), rhai).unwrap();
        let policy = load(&club);
        Club {
            dir,
            policy,
            ledger: Ledger::open_in_memory().unwrap(),
        }
    }

    fn import(&self, csv: &str) -> ImportReport {
        let text = format!("id,member,date,amount,type,original\n{csv}");
        let rows = read_rows(
            std::io::Cursor::new(text.into_bytes()),
            FileFormat::Csv,
            "test.csv",
            &EVENT_COLUMNS,
        )
        .unwrap();
        let report =
            import_events(&self.ledger, &self.policy, rows, ImportOptions::default()).unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        report
    }

    fn advance(&self, to: &str) {
        self.ledger.begin().unwrap();
        bashgah::clock::advance(&self.ledger, &self.policy, time(to)).unwrap();
        self.ledger.commit().unwrap();
    }

    fn adjust(
        &self,
        id: &str,
        member: &str,
        points: &str,
        at: &str,
    ) -> Result<Applied, ManualError> {
        self.ledger.begin().unwrap();
        let result = self
            .ledger
            .adjust(&self.policy, id, member, d(points), "test", time(at));
        if result.is_ok() {
            self.ledger.commit().unwrap();
        } else {
            self.ledger.rollback().unwrap();
        }
        result
    }

    /// (available, pending, debt) of `member` at `at`.
    fn balances(&self, member: &str, at: &str) -> (Decimal, Decimal, Decimal) {
        let b = self.ledger.balances(member, time(at)).unwrap();
        (b.available, b.pending, b.debt)
    }

    fn balance(&self, member: &str) -> Decimal {
        self.ledger.member_summary(member).unwrap().unwrap().balance
    }

    /// Balance is the sum of the entries and what is left in lots less debt; every point
    /// awarded is left or used.
    fn check_invariants(&self, member: &str) {
        let balance = self.balance(member);
        assert_eq!(balance, self.ledger.sum_of_entries(member).unwrap());
        let far = time("2100-01-01");
        let lots: Decimal = self
            .ledger
            .open_lots(member)
            .unwrap()
            .iter()
            .map(|l| l.remaining)
            .sum();
        let debt = self.ledger.balances(member, far).unwrap().debt;
        match self.policy.club.points.when_spent {
            // A debt is kept beside the balance, which never goes below zero.
            WhenSpent::Debt => {
                assert_eq!(balance, lots);
                assert!(balance >= Decimal::ZERO);
            }
            WhenSpent::NegativeBalance => assert_eq!(balance, lots - debt),
        }
        let totals = self.ledger.lot_totals().unwrap();
        let used: Decimal = totals.used.iter().map(|(_, p)| *p).sum();
        assert_eq!(totals.awarded, totals.remaining + used);
    }
}

fn load(club: &std::path::Path) -> Policy {
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    match Policy::load(club, &engine) {
        Ok((policy, _)) => policy,
        Err(problems) => panic!("{}", bashgah::diagnostic::render_all(&problems)),
    }
}

fn time(text: &str) -> DateTime<Utc> {
    bashgah::time::parse_event_time(
        text,
        bashgah::calendar::CalendarKind::Jalali,
        chrono_tz::UTC,
    )
    .unwrap()
}

/// Expiry of 100 points earned 2025-01-15 under `policy`, checked the day before, of and
/// after `gone_on` by advancing the clock.
fn expires_on(policy: &str, gone_on: &str, day_before: &str, day_after: &str) {
    let club = Club::new(policy);
    club.import("P1,M1,2025-01-15 10:00,1000,purchase,\n");
    club.advance(day_before);
    assert_eq!(club.balance("M1"), d("100"), "still there on {day_before}");
    club.advance(gone_on);
    assert_eq!(club.balance("M1"), d("0"), "gone on {gone_on}");
    club.advance(day_after);
    assert_eq!(club.balance("M1"), d("0"));
    let statement = club.ledger.statement("M1").unwrap();
    let expiry = statement.last().unwrap();
    assert_eq!((expiry.rule.as_str(), expiry.points), ("expiry", d("-100")));
    assert_eq!(expiry.time, format!("{gone_on}T00:00:00Z"));
    club.check_invariants("M1");
}

#[test]
fn fixed_expiry_after_twelve_months() {
    expires_on(
        "  expiry: {after: 12m}\n",
        "2026-01-15",
        "2026-01-14",
        "2026-01-16",
    );
}

#[test]
fn fixed_expiry_rounded_to_the_end_of_the_month() {
    expires_on(
        "  expiry: {after: 12m, round_to: month}\n",
        "2026-02-01",
        "2026-01-31",
        "2026-02-02",
    );
}

#[test]
fn fixed_expiry_rounded_to_the_end_of_the_quarter() {
    expires_on(
        "  expiry: {after: 12m, round_to: quarter}\n",
        "2026-04-01",
        "2026-03-31",
        "2026-04-02",
    );
}

#[test]
fn expiry_at_the_end_of_the_calendar_year() {
    expires_on(
        "  expiry: {end_of: year}\n",
        "2026-01-01",
        "2025-12-31",
        "2026-01-02",
    );
}

#[test]
fn expiry_at_the_end_of_the_jalali_year() {
    // Earned 1403-10-26; 1403 is a leap year, so its last day is 30 Esfand = 2025-03-20.
    let club = Club::with(
        "  expiry: {end_of: year}\n",
        "fn base(event, member) { event.amount / 10 }\n",
        "calendar: jalali\n",
    );
    club.import("P1,M1,1403-10-26,1000,purchase,\n");
    club.advance("1403-12-30");
    assert_eq!(club.balance("M1"), d("100"));
    club.advance("1404-01-01");
    assert_eq!(club.balance("M1"), d("0"));
    assert_eq!(
        club.ledger.statement("M1").unwrap().last().unwrap().time,
        "2025-03-21T00:00:00Z"
    );
}

#[test]
fn inactivity_expires_the_whole_balance_and_a_purchase_resets_it() {
    let club = Club::new("  expiry: {inactivity: 6m}\n");
    club.import("P1,M1,2025-01-10,500,purchase,\nP2,M1,2025-03-01,500,purchase,\n");
    // Six months after the last purchase (1 March) is 1 September.
    club.advance("2025-08-31");
    assert_eq!(club.balance("M1"), d("100"));
    club.advance("2025-09-01");
    assert_eq!(club.balance("M1"), d("0"));
    let last = club.ledger.statement("M1").unwrap().pop().unwrap();
    assert_eq!(
        (last.rule.as_str(), last.points, last.time.as_str()),
        ("inactivity", d("-100"), "2025-09-01T00:00:00Z")
    );
    club.check_invariants("M1");
}

#[test]
fn expiry_after_partial_spending_takes_only_the_rest() {
    let club = Club::new("  expiry: {end_of: year}\n");
    club.import("P1,M1,2025-03-01,1000,purchase,\n");
    assert_eq!(
        club.adjust("A1", "M1", "-60", "2025-06-01").unwrap(),
        Applied::Done
    );
    club.advance("2026-01-01");
    let statement = club.ledger.statement("M1").unwrap();
    let points: Vec<Decimal> = statement.iter().map(|l| l.points).collect();
    assert_eq!(points, vec![d("100"), d("-60"), d("-40")]);
    assert_eq!(club.balance("M1"), d("0"));
    club.check_invariants("M1");
}

#[test]
fn pending_points_wait_and_a_return_inside_the_window_cancels_them() {
    let club = Club::new("  pending: 14d\n");
    club.import("P1,M1,2025-03-01 12:00,1000,purchase,\nP2,M2,2025-03-01 12:00,1000,purchase,\n");
    assert_eq!(
        club.balances("M1", "2025-03-10"),
        (d("0"), d("100"), d("0"))
    );
    // Not spendable while pending: nothing changes.
    let refused = club.adjust("A1", "M1", "-10", "2025-03-10").unwrap_err();
    assert_eq!(
        refused.to_string(),
        "member `M1` has 0 points available, fewer than the 10 to take"
    );
    assert_eq!(club.ledger.statement("M1").unwrap().len(), 1);
    // M2 returns the purchase inside the window: the pending points are cancelled.
    club.import("R2,M2,2025-03-05,1000,return,P2\n");
    assert_eq!(club.balances("M2", "2025-03-20"), (d("0"), d("0"), d("0")));
    // M1's points become spendable 14 days after the purchase, to the second.
    assert_eq!(
        club.balances("M1", "2025-03-15 11:59:59"),
        (d("0"), d("100"), d("0"))
    );
    assert_eq!(
        club.balances("M1", "2025-03-15 12:00"),
        (d("100"), d("0"), d("0"))
    );
    club.check_invariants("M1");
    club.check_invariants("M2");
}

#[test]
fn a_return_after_a_rule_change_reverses_at_the_original_rate() {
    let club = Club::new("");
    club.import("P1,M1,2025-03-01,1000,purchase,\n");
    let old_version = club.policy.id.clone();
    // The rule changes: 1 point per 1 instead of per 10.
    std::fs::write(
        club.dir.path().join("shop/earn.rhai"),
        "fn base(event, member) { event.amount }\n",
    )
    .unwrap();
    let club = Club {
        policy: load(&club.dir.path().join("shop")),
        ..club
    };
    assert_ne!(club.policy.id, old_version);
    club.import("R1,M1,2025-03-05,400,return,P1\nP2,M1,2025-03-06,5,purchase,\n");
    let statement = club.ledger.statement("M1").unwrap();
    let lines: Vec<(&str, Decimal, &str)> = statement
        .iter()
        .map(|l| (l.event.as_str(), l.points, l.policy_version.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("P1", d("100"), old_version.as_str()),
            // 400 of 1000 returned: 40% of the 100 points P1 earned, under the old version.
            ("R1", d("-40"), old_version.as_str()),
            ("P2", d("5"), club.policy.id.as_str()),
        ]
    );
    club.check_invariants("M1");
}

/// Earn 10, spend 8, return the purchase, earn 5 twice: what each `when_spent` records.
fn return_of_spent_points(when_spent: &str) -> Club {
    let club = Club::new(&format!("  when_spent: {when_spent}\n"));
    club.import("P1,M1,2025-03-01,100,purchase,\n");
    club.adjust("A1", "M1", "-8", "2025-03-02").unwrap();
    club.import("R1,M1,2025-03-03,100,return,P1\n");
    club
}

#[test]
fn a_return_of_spent_points_leaves_a_debt_that_later_points_pay() {
    let club = return_of_spent_points("debt");
    // The return takes the 2 points left and records 8 as owed; the balance stays at 0.
    assert_eq!(club.balances("M1", "2025-03-03"), (d("0"), d("0"), d("8")));
    assert_eq!(club.balance("M1"), d("0"));
    club.check_invariants("M1");
    club.import("P2,M1,2025-03-04,50,purchase,\n");
    assert_eq!(club.balances("M1", "2025-03-04"), (d("0"), d("0"), d("3")));
    club.import("P3,M1,2025-03-05,50,purchase,\n");
    assert_eq!(club.balances("M1", "2025-03-05"), (d("2"), d("0"), d("0")));
    let lines: Vec<(String, Decimal, String)> = club
        .ledger
        .statement("M1")
        .unwrap()
        .into_iter()
        .map(|l| (l.event, l.points, l.reason))
        .collect();
    let expected = [
        ("P1", "10", "base"),
        ("A1", "-8", "test"),
        (
            "R1",
            "-2",
            "return of 100 from `P1` (8 already spent: owed)",
        ),
        ("P2", "5", "base"),
        ("P2", "-5", "pays what a return left owed"),
        ("P3", "5", "base"),
        ("P3", "-3", "pays what a return left owed"),
    ];
    let expected: Vec<(String, Decimal, String)> = expected
        .iter()
        .map(|(e, p, r)| (e.to_string(), d(p), r.to_string()))
        .collect();
    assert_eq!(lines, expected);
    club.check_invariants("M1");
}

#[test]
fn a_club_may_let_the_balance_go_below_zero_instead() {
    let club = return_of_spent_points("negative_balance");
    assert_eq!(club.balance("M1"), d("-8"));
    club.check_invariants("M1");
    assert_eq!(club.balances("M1", "2025-03-03"), (d("0"), d("0"), d("8")));
    club.import("P2,M1,2025-03-04,50,purchase,\nP3,M1,2025-03-05,50,purchase,\n");
    assert_eq!(club.balance("M1"), d("2"));
    assert_eq!(club.balances("M1", "2025-03-05"), (d("2"), d("0"), d("0")));
    let points: Vec<Decimal> = club
        .ledger
        .statement("M1")
        .unwrap()
        .iter()
        .map(|l| l.points)
        .collect();
    assert_eq!(points, vec![d("10"), d("-8"), d("-10"), d("5"), d("5")]);
    club.check_invariants("M1");
}

#[test]
fn transfers_move_points_with_their_expiry_and_refuse_what_is_not_there() {
    let club = Club::new("  expiry: {end_of: year}\n");
    club.import("P1,M1,2025-03-01,1000,purchase,\nP2,M2,2025-04-01,10,purchase,\n");
    club.ledger.begin().unwrap();
    let refused = club
        .ledger
        .transfer(
            &club.policy,
            "T0",
            "M1",
            "M2",
            d("101"),
            "",
            time("2025-05-01"),
        )
        .unwrap_err();
    club.ledger.rollback().unwrap();
    assert_eq!(
        refused.to_string(),
        "member `M1` has 100 points available, fewer than the 101 to transfer"
    );
    club.ledger.begin().unwrap();
    let done = club.ledger.transfer(
        &club.policy,
        "T1",
        "M1",
        "M2",
        d("30"),
        "household",
        time("2025-05-01"),
    );
    club.ledger.commit().unwrap();
    assert_eq!(done.unwrap(), Applied::Done);
    assert_eq!((club.balance("M1"), club.balance("M2")), (d("70"), d("31")));
    let received = club.ledger.open_lots("M2").unwrap();
    assert_eq!(
        received.last().unwrap().expires_at,
        Some(time("2026-01-01")),
        "the points keep their expiry"
    );
    club.advance("2026-01-01");
    assert_eq!((club.balance("M1"), club.balance("M2")), (d("0"), d("0")));
    club.check_invariants("M1");
    club.check_invariants("M2");
}

#[test]
fn adjustments_need_a_reason_and_are_applied_once_per_id() {
    let club = Club::new("");
    club.import("P1,M1,2025-03-01,100,purchase,\n");
    club.ledger.begin().unwrap();
    let no_reason = club
        .ledger
        .adjust(&club.policy, "A1", "M1", d("5"), " ", time("2025-03-02"));
    club.ledger.rollback().unwrap();
    assert_eq!(
        no_reason.unwrap_err().to_string(),
        "an adjustment needs a reason (--reason \"...\")"
    );
    assert_eq!(
        club.adjust("A1", "M1", "5", "2025-03-02").unwrap(),
        Applied::Done
    );
    assert_eq!(
        club.adjust("A1", "M1", "5", "2025-03-02").unwrap(),
        Applied::Duplicate
    );
    assert_eq!(
        club.adjust("A1", "M1", "6", "2025-03-02")
            .unwrap_err()
            .to_string(),
        "event `A1` is already in the ledger with different content"
    );
    assert_eq!(club.balance("M1"), d("15"));
    club.check_invariants("M1");
}
