//! Tiers at their boundaries: each window kind and downgrade policy, reviews on Dec 31 /
//! Jan 1 and on the last day of Esfand in a leap and a common Jalali year, multipliers from
//! the moment of an upgrade, thresholds per member type, and a scripted metric.

use chrono::TimeZone;
use std::sync::Arc;

use bashgah::import::{import_events, read_rows, FileFormat, ImportOptions, EVENT_COLUMNS};
use bashgah::ledger::Ledger;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use rust_decimal::Decimal;

const TIERS: &str = "\
tiers:
  - {id: bronze, thresholds: {individual: 0, business: 0}}
  - {id: silver, thresholds: {individual: 500, business: 5000}, multiplier: 1.5, perks: [free_shipping]}
  - {id: gold, thresholds: {individual: 2000}, multiplier: 2}
";

struct Club {
    _dir: tempfile::TempDir,
    policy: Policy,
    ledger: Ledger,
}

impl Club {
    /// A club earning 1 point per 10, with `tiering` and `extra` settings.
    fn new(tiering: &str, extra: &str) -> Club {
        Club::with_script(
            tiering,
            extra,
            "fn base(event, member) { event.amount / 10 }\n",
        )
    }

    fn with_script(tiering: &str, extra: &str, rhai: &str) -> Club {
        let dir = crate::scratch();
        let club = dir.path().join("shop");
        std::fs::create_dir_all(&club).unwrap();
        std::fs::write(
            club.join("club.yaml"),
            format!("id: shop\nname: Shop\ncurrency: EUR\n{extra}rules:\n  - {{id: base, function: base, description: base}}\n{TIERS}tiering:\n{tiering}"),
        )
        .unwrap();
        std::fs::write(club.join("earn.rhai"), rhai).unwrap();
        let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
        let policy = match Policy::load(&club, &engine) {
            Ok((policy, _)) => policy,
            Err(problems) => panic!("{}", bashgah::diagnostic::render_all(&problems)),
        };
        Club {
            _dir: dir,
            policy,
            ledger: Ledger::open_in_memory().unwrap(),
        }
    }

    fn import(&self, csv: &str) {
        let text = format!("id,member,date,amount,type,original\n{csv}");
        let rows = read_rows(
            std::io::Cursor::new(text.into_bytes()),
            FileFormat::Csv,
            "t.csv",
            &EVENT_COLUMNS,
        )
        .unwrap();
        let report =
            import_events(&self.ledger, &self.policy, rows, ImportOptions::default()).unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }

    fn members(&self, csv: &str) {
        let rows = read_rows(
            std::io::Cursor::new(csv.as_bytes().to_vec()),
            FileFormat::Csv,
            "m.csv",
            &["id"],
        )
        .unwrap();
        let at = chrono::Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let report = bashgah::import::import_members(&self.ledger, &self.policy, rows, at).unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }

    fn advance(&self, to: &str) {
        let to = bashgah::time::parse_event_time(to, self.policy.club.calendar, self.policy.zone)
            .unwrap();
        self.ledger.begin().unwrap();
        bashgah::clock::advance(&self.ledger, &self.policy, to).unwrap();
        self.ledger.commit().unwrap();
    }

    fn tier(&self, member: &str) -> String {
        self.ledger
            .member_state(member)
            .unwrap()
            .unwrap()
            .tier
            .unwrap_or_default()
    }

    /// Advances to each date in turn and checks the tier on it.
    fn expect(&self, member: &str, steps: &[(&str, &str)]) {
        for (date, tier) in steps {
            self.advance(date);
            assert_eq!(self.tier(member), *tier, "tier of {member} on {date}");
        }
    }
}

#[test]
fn calendar_year_reviewed_at_new_year_recompute_drops_to_what_qualifies() {
    let club = Club::new(
        "  window: calendar_year\n  review: year\n  downgrade: recompute\n",
        "",
    );
    club.import("P1,M1,2025-12-31 18:00,2200,purchase,\n");
    assert_eq!(club.tier("M1"), "gold");
    // The review at the start of 2026 measures 2025: still gold. 2026 has no purchase, so
    // the review at the start of 2027 recomputes: bronze.
    club.expect(
        "M1",
        &[
            ("2025-12-31 23:59", "gold"),
            ("2026-01-01", "gold"),
            ("2026-12-31", "gold"),
            ("2027-01-01", "bronze"),
        ],
    );
}

#[test]
fn one_step_moves_down_a_tier_per_review() {
    let club = Club::new(
        "  window: calendar_year\n  review: year\n  downgrade: one_step\n",
        "",
    );
    club.import("P1,M1,2025-06-01,2200,purchase,\n");
    club.expect(
        "M1",
        &[
            ("2026-12-31", "gold"),
            ("2027-01-01", "silver"),
            ("2027-12-31", "silver"),
            ("2028-01-01", "bronze"),
        ],
    );
}

#[test]
fn keep_next_period_keeps_a_tier_one_more_period_after_a_return() {
    // Gold reached in 2025, then half returned: 2025 no longer qualifies at the review.
    let purchases = "P1,M1,2025-06-01,2200,purchase,\nR1,M1,2025-07-01,1100,return,P1\n";
    let recompute = Club::new(
        "  window: calendar_year\n  review: year\n  downgrade: recompute\n",
        "",
    );
    recompute.import(purchases);
    recompute.expect("M1", &[("2025-12-31", "gold"), ("2026-01-01", "silver")]);
    let keep = Club::new(
        "  window: calendar_year\n  review: year\n  downgrade: keep_next_period\n",
        "",
    );
    keep.import(purchases);
    keep.expect(
        "M1",
        &[
            ("2026-01-01", "gold"),
            ("2026-12-31", "gold"),
            ("2027-01-01", "bronze"),
        ],
    );
}

#[test]
fn jalali_year_end_in_a_leap_and_a_common_year() {
    let club = Club::new(
        "  window: calendar_year\n  review: year\n",
        "calendar: jalali\ntimezone: Asia/Tehran\n",
    );
    // 30 Esfand 1403 exists (leap year): a purchase on it counts for 1403.
    club.import("P1,M1,1403-12-30 20:00,600,purchase,\n");
    assert_eq!(club.tier("M1"), "silver");
    // 1404 is common: its last day is 29 Esfand. A purchase on it counts for 1404.
    club.expect("M1", &[("1404-01-01", "silver")]);
    club.import("P2,M1,1404-12-29 20:00,600,purchase,\n");
    club.expect(
        "M1",
        &[
            ("1404-12-29 23:59", "silver"),
            ("1405-01-01", "silver"),
            ("1405-12-29", "silver"),
            ("1406-01-01", "bronze"),
        ],
    );
    let changes = club.ledger.tier_changes("M1").unwrap();
    let last = changes.last().unwrap();
    assert_eq!(
        last.time, "2027-03-20T20:30:00Z",
        "1 Farvardin 1406 starts at midnight in Tehran"
    );
    assert_eq!(
        last.reason,
        "review: 0 EUR spent over calendar_year qualifies for bronze"
    );
}

#[test]
fn rolling_window_reviewed_monthly() {
    let club = Club::new("  window: 3m\n  review: month\n", "");
    club.import("P1,M1,2025-01-15,600,purchase,\n");
    // Reviewed at each month start over the three months before it: January is in the
    // windows of the reviews on 1 February, 1 March and 1 April, not of 1 May.
    club.expect(
        "M1",
        &[
            ("2025-04-01", "silver"),
            ("2025-04-30", "silver"),
            ("2025-05-01", "bronze"),
        ],
    );
}

#[test]
fn anniversary_year_starts_again_on_the_joining_day() {
    let club = Club::new("  window: anniversary_year\n  review: month\n", "");
    club.members("id,joined\nM1,2025-03-10\n");
    club.import("P1,M1,2025-05-01,300,purchase,\nP2,M1,2026-03-09,300,purchase,\nP3,M1,2026-03-10,100,purchase,\n");
    // 600 within the first membership year (10 March to 9 March): silver on 9 March.
    let changes = club.ledger.tier_changes("M1").unwrap();
    assert_eq!(
        changes.last().unwrap().reason,
        "600 EUR spent over anniversary_year reaches silver"
    );
    // The review on 1 April 2026 measures the membership year begun 10 March 2026 (100).
    club.expect("M1", &[("2026-03-31", "silver"), ("2026-04-01", "bronze")]);
}

#[test]
fn lifetime_spend_only_goes_up() {
    let club = Club::new("  window: lifetime\n  review: year\n", "");
    club.import("P1,M1,2020-01-01,300,purchase,\nP2,M1,2025-01-01,300,purchase,\n");
    club.expect("M1", &[("2030-01-01", "silver")]);
}

#[test]
fn thresholds_differ_per_member_type() {
    let club = Club::new("  window: lifetime\n", "");
    club.members("id,type\nB1,business\n");
    club.import("P1,M1,2025-01-01,3000,purchase,\nP2,B1,2025-01-01,3000,purchase,\n");
    // 3,000 is gold for a person, but a business needs 5,000 for silver and cannot be gold.
    assert_eq!(
        (club.tier("M1"), club.tier("B1")),
        ("gold".into(), "bronze".into())
    );
    club.import("P3,B1,2025-02-01,90000,purchase,\n");
    assert_eq!(club.tier("B1"), "silver");
}

/// The multiplier applies from the moment of the upgrade; the setting says whether the
/// purchase that qualifies earns at the old or the new rate.
#[test]
fn multipliers_apply_from_the_upgrade() {
    let purchases = "P1,M1,2025-01-01,400,purchase,\nP2,M1,2025-01-02,200,purchase,\nP3,M1,2025-01-03,100,purchase,\n";
    let points = |earns: &str| {
        let club = Club::new(
            &format!("  window: lifetime\n  upgrade_earns_at: {earns}\n"),
            "",
        );
        club.import(purchases);
        let lines = club.ledger.statement("M1").unwrap();
        lines
            .iter()
            .map(|l| (l.points, l.reason.clone()))
            .collect::<Vec<_>>()
    };
    let d = |n: i64| Decimal::from(n);
    assert_eq!(
        points("new"),
        vec![
            (d(40), "base".into()),
            (d(30), "base (×1.5 silver)".into()),
            (d(15), "base (×1.5 silver)".into())
        ]
    );
    assert_eq!(
        points("old"),
        vec![
            (d(40), "base".into()),
            (d(20), "base".into()),
            (d(15), "base (×1.5 silver)".into())
        ]
    );
}

#[test]
fn a_scripted_metric_and_perks_scripts_can_read() {
    let rhai = "\
fn base(event, member) {
    let shipping = if \"free_shipping\" in member.perks { 5 } else { 0 };
    event.amount / 10 + shipping
}
fn score(member, window) { window.spend / 10 + window.visits * 100 }
";
    let club = Club::with_script(
        "  metric: function\n  function: score\n  window: lifetime\n",
        "",
        rhai,
    );
    // 1 visit and 100 spent: 10 + 100 = 110; 5 visits: 540 >= 500, silver.
    club.import("P1,M1,2025-01-01,100,purchase,\n");
    assert_eq!(club.tier("M1"), "bronze");
    club.import("P2,M1,2025-01-02,10,purchase,\nP3,M1,2025-01-03,10,purchase,\nP4,M1,2025-01-04,10,purchase,\nP5,M1,2025-01-05,10,purchase,\n");
    assert_eq!(club.tier("M1"), "silver");
    let last = club.ledger.statement("M1").unwrap().pop().unwrap();
    // 1 + 5 for free shipping, times 1.5.
    assert_eq!(last.points, Decimal::from(9));
}

/// Each downgrade policy at the Jalali year end: 1403 (leap) and 1404 (common).
#[test]
fn downgrade_policies_at_the_jalali_year_end() {
    let run = |downgrade: &str| {
        let club = Club::new(
            &format!("  window: calendar_year\n  review: year\n  downgrade: {downgrade}\n"),
            "calendar: jalali\ntimezone: Asia/Tehran\n",
        );
        // Gold reached on 30 Esfand 1403, half of it returned the same day.
        club.import(
            "P1,M1,1403-12-30 10:00,2200,purchase,\nR1,M1,1403-12-30 12:00,1100,return,P1\n",
        );
        let mut tiers = Vec::new();
        for date in [
            "1403-12-30 23:59",
            "1404-01-01",
            "1404-12-29",
            "1405-01-01",
            "1405-12-29",
            "1406-01-01",
        ] {
            club.advance(date);
            tiers.push(club.tier("M1"));
        }
        tiers
    };
    let tiers = |list: [&str; 6]| list.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    assert_eq!(
        run("recompute"),
        tiers(["gold", "silver", "silver", "bronze", "bronze", "bronze"])
    );
    assert_eq!(
        run("one_step"),
        tiers(["gold", "silver", "silver", "bronze", "bronze", "bronze"])
    );
    assert_eq!(
        run("keep_next_period"),
        tiers(["gold", "gold", "gold", "bronze", "bronze", "bronze"])
    );
}
