//! The clubs the histories run against, written as real club folders (club.yaml and
//! earn.rhai) and loaded the way `bashgah` loads them. Each is small and covers a few
//! settings; together they cover every tier window kind but `anniversary_year`, every
//! downgrade policy, every expiry kind (with `warn_before`), both `when_spent` choices,
//! pending points, deals (joined by event and automatically, with a multiplier,
//! claw-back, grace, a completion bonus and tier) and campaigns with budgets (one with a
//! holdout, issue 18).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};

use crate::consistency::calendar::Cal;
use crate::consistency::history::Features;

const TIERS: &str = "\
tiers:
  - {id: bronze, thresholds: {individual: 0}}
  - {id: silver, thresholds: {individual: 500}, multiplier: 1.5}
  - {id: gold, thresholds: {individual: 2000}, multiplier: 2}
";

const REWARDS: &str = "\
rewards:
  - {id: small, cost: 5, kind: gift}
  - {id: medium, cost: 25, kind: gift}
  - {id: large, cost: 100, kind: discount_code}
";

pub const RHAI: &str = "\
fn base(event, member) { event.amount / 10 }
fn promo(event, member) { event.amount / 50 }
fn spent_300(member, period) { period.spend >= 300 }
";

/// The clubs of the consistency properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Config {
    /// Gregorian, Berlin: calendar-year tiers reviewed yearly, `recompute`; points
    /// expire 12 months after earning, with a warning; returns of spent points make debt.
    CalendarYear,
    /// Jalali, Tehran: tiers over a rolling 12 months reviewed monthly, `one_step`;
    /// points expire at the end of the Jalali year; returns may take the balance below zero;
    /// a monthly spend leaderboard whose ties split the prizes and a quarterly draw.
    Rolling,
    /// Gregorian, Berlin: calendar-year tiers reviewed quarterly, `keep_next_period`,
    /// upgrades earn at the old rate; points expire after 18 months or 6 months without a
    /// purchase.
    KeepNextPeriod,
    /// Jalali, Tehran: lifetime tiers; a monthly commitment deal joined by an `enroll`
    /// row (×1.5, grace 1, claw-back, a bonus and gold for two months on completion);
    /// a campaign rule under a total and a monthly per-member budget; expiry after 6 months.
    DealByEvent,
    /// Gregorian, Berlin: tiers over 6 rolling months reviewed monthly; a deal joined
    /// automatically at the first purchase (×2, three months, no grace, claw-back);
    /// a campaign with a weekly per-member budget; points pending 3 days; expiry at the
    /// end of each quarter; a monthly leaderboard of points earned whose ties all win.
    AutoDeal,
}

impl Config {
    pub const ALL: [Config; 5] = [
        Config::CalendarYear,
        Config::Rolling,
        Config::KeepNextPeriod,
        Config::DealByEvent,
        Config::AutoDeal,
    ];

    pub fn calendar(self) -> Cal {
        match self {
            Config::Rolling | Config::DealByEvent => Cal::Jalali,
            _ => Cal::Gregorian,
        }
    }

    pub fn features(self) -> Features {
        Features {
            returns: true,
            redemptions: true,
            advances: true,
            enrol_deal: (self == Config::DealByEvent).then_some("monthly"),
            late_events: true,
        }
    }

    pub fn yaml(self, id: &str) -> String {
        let place = match self.calendar() {
            Cal::Gregorian => "currency: EUR\ncalendar: gregorian\ntimezone: Europe/Berlin\n",
            Cal::Jalali => "currency: IRR\ncalendar: jalali\ntimezone: Asia/Tehran\n",
        };
        let rules = "rules:\n  - {id: base, function: base, description: 1 point per 10}\n";
        let promo = "  - {id: promo, function: promo, description: campaign extra}\n";
        let body = match self {
            Config::CalendarYear => format!(
                "points:\n  when_spent: debt\n  expiry: {{after: 12m, warn_before: 30d}}\n{rules}{TIERS}\
                 tiering: {{window: calendar_year, review: year, downgrade: recompute}}\n"
            ),
            Config::Rolling => format!(
                "points:\n  when_spent: negative_balance\n  expiry: {{end_of: year, warn_before: 14d}}\n{rules}{TIERS}\
                 tiering: {{window: 12m, review: month, downgrade: one_step}}\n{CONTESTS_ROLLING}"
            ),
            Config::KeepNextPeriod => format!(
                "points:\n  expiry: {{after: 18m, inactivity: 6m, warn_before: 10d}}\n{rules}{TIERS}\
                 tiering: {{window: calendar_year, review: quarter, downgrade: keep_next_period, upgrade_earns_at: old}}\n"
            ),
            Config::DealByEvent => format!(
                "points:\n  expiry: {{after: 6m}}\n{rules}{promo}{TIERS}tiering: {{window: lifetime, review: year}}\n\
                 deals:\n  - id: monthly\n    period: month\n    periods: 3\n    grace: 1\n    target: spent_300\n\
                 \x20   benefits: {{multiplier: 1.5}}\n    completion: {{bonus: 50, tier: gold, tier_months: 2}}\n\
                 \x20   failure: {{claw_back: true}}\n\
                 campaigns:\n  - id: spring\n    from: 1398-01-01\n    to: 1410-12-29\n    rules: [promo]\n\
                 \x20   budget: {{points: 80, per_member: {{points: 15, per: month}}}}\n"
            ),
            Config::AutoDeal => format!(
                "points:\n  pending: 3d\n  expiry: {{end_of: quarter}}\n{rules}{promo}{TIERS}\
                 tiering: {{window: 6m, review: month, downgrade: recompute}}\n\
                 deals:\n  - id: starter\n    enroll: auto\n    period: month\n    window: 3m\n    target: spent_300\n\
                 \x20   benefits: {{multiplier: 2}}\n    failure: {{claw_back: true}}\n\
                 campaigns:\n  - id: always\n    from: 2019-01-01\n    to: 2030-12-31\n    rules: [promo]\n\
                 \x20   holdout: 30%\n\
                 \x20   budget: {{points: 120, per_member: {{points: 30, per: week}}}}\n{CONTESTS_AUTO}"
            ),
        };
        format!("id: {id}\nname: Consistency {id}\n{place}{body}{REWARDS}")
    }
}

/// Contests (issue 18) of `Rolling`: a monthly spend leaderboard whose ties split the
/// prizes, and a quarterly draw with capped entries.
const CONTESTS_ROLLING: &str = "contests:\n  leaderboards:\n    - id: spenders\n      window: {period: month}\n\
     \x20     metric: spend\n      ties: split\n      prizes: [{rank: 1, points: 30}, {rank: 2, points: 11}]\n\
     \x20 draws:\n    - id: quarterly\n      window: {period: quarter}\n      entries: {per: 100}\n\
     \x20     max_entries: 5\n      prizes: [{points: 7}, {points: 5}]\n";

/// Contests of `AutoDeal`: a monthly leaderboard of points earned whose ties all win.
const CONTESTS_AUTO: &str = "contests:\n  leaderboards:\n    - id: earners\n      window: {period: month}\n\
     \x20     metric: points\n      ties: all\n      min: 1\n      prizes: [{rank: 1, points: 9}, {rank: 2, points: 4}]\n";

/// Writes a club folder `parent/<id>` and returns its path.
pub fn write_club(parent: &Path, id: &str, yaml: &str, rhai: &str) -> PathBuf {
    let dir = parent.join(id);
    std::fs::create_dir_all(&dir).expect("club folder");
    std::fs::write(dir.join("club.yaml"), yaml).expect("club.yaml");
    std::fs::write(dir.join("earn.rhai"), rhai).expect("earn.rhai");
    dir
}

/// Loads a club folder as `bashgah` does; a problem is a bug in this harness.
pub fn load(dir: &Path) -> Policy {
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    match Policy::load(dir, &engine) {
        Ok((policy, _warnings)) => policy,
        Err(problems) => panic!(
            "{}",
            problems
                .iter()
                .map(|p| format!("{p:?}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// A club written into a fresh temporary folder.
pub struct TempClub {
    pub _dir: tempfile::TempDir,
    pub policy: Policy,
}

pub fn temp_club(id: &str, yaml: &str, rhai: &str) -> TempClub {
    let dir = crate::scratch();
    let path = write_club(dir.path(), id, yaml, rhai);
    let policy = load(&path);
    TempClub { _dir: dir, policy }
}

#[test]
fn every_consistency_club_loads() {
    for config in Config::ALL {
        let club = temp_club("shop", &config.yaml("shop"), RHAI);
        assert_eq!(club.policy.club.id, "shop", "{config:?}");
    }
}
