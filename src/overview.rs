//! A club at a glance (issue 16): members and how many are active, points issued, spent
//! and expired month by month in the club's calendar, what members hold and what that is
//! worth, tiers, rules, campaigns against their budgets and messages. The console's first
//! page shows it and `GET /v1/clubs/{club}/overview` answers it.
//!
//! It must answer in well under a second on a ledger of a million members and millions
//! of entries, so nothing here reads the whole ledger per request. Entries are summed
//! once into a [`Cache`] and afterwards only those written since are added: the ledger
//! is append-only and numbers its entries in the order they commit, so the sums stay
//! exactly those of the whole ledger. Members are counted over narrow indexes
//! (`crate::ledger`'s overview queries). Reading only: the overview never writes.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calendar::CalendarKind;
use crate::ledger::{CampaignCost, EntryRow, Ledger, LedgerError};
use crate::policy::Policy;

/// How many months of points the overview shows, the latest last.
pub const MONTHS: usize = 12;

/// Everything the overview shows.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Overview {
    pub club: String,
    /// The club's name, as `club.yaml` gives it.
    pub name: String,
    /// The time the overview is for: the activity windows and the months end here.
    pub at: DateTime<Utc>,
    /// The calendar the months are counted in.
    pub calendar: CalendarKind,
    pub currency: String,
    pub members: Members,
    /// The last [`MONTHS`] months of the club's calendar up to `at`, oldest first.
    pub months: Vec<MonthPoints>,
    /// Points members hold (the sum of every entry, so of every balance).
    pub outstanding: Decimal,
    /// `outstanding` in the club's currency, when `credit.rate` says what a point is worth.
    pub liability: Option<Decimal>,
    /// Members per tier, in the club's order (lowest first) after `none` (no tier); empty
    /// when the club has no tiers.
    pub tiers: Vec<TierMembers>,
    /// Points each rule (or deal, `deal:<id>`) issued, in all.
    pub rules: Vec<RulePoints>,
    /// Each campaign's cost against its budget.
    pub campaigns: Vec<CampaignCost>,
    pub messages: Messages,
}

/// How many members the club has, and how many bought lately.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Members {
    pub total: i64,
    /// Members who made a purchase in the 30 days up to `at` (what rules see as
    /// `member.stats.visits_30d` above zero).
    pub active_30d: i64,
    /// The same over 90 days.
    pub active_90d: i64,
}

/// Points that moved in one month of the club's calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MonthPoints {
    /// The month in the club's calendar, `1403-10`.
    pub month: String,
    /// Points rules and deals awarded.
    pub issued: Decimal,
    /// Points members spent: redeemed, converted to credit, taken by hand.
    pub spent: Decimal,
    pub expired: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TierMembers {
    pub tier: String,
    pub members: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RulePoints {
    pub rule: String,
    pub issued: Decimal,
}

/// Messages by what became of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Messages {
    pub sent: i64,
    /// Waiting to be sent (quiet hours, a retry, or not yet due).
    pub pending: i64,
    /// Held back and never to be sent: no consent, the daily cap, quiet hours, too late.
    pub suppressed: i64,
    /// Given up after the last attempt.
    pub failed: i64,
}

/// Where a ledger entry's points went, as the overview and simulations count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Awarded by a rule or a deal (a positive `earn`).
    Issued,
    /// Spent by the member: redeemed, converted, or taken (a negative `earn`, `adjust`,
    /// `redeem` or `convert`).
    Spent,
    Expired,
    /// Taken back by a return or a claw-back, or settled against debt.
    Reversed,
}

impl Flow {
    /// What an entry of `kind` for `points` is; `None` for what is none of these (points
    /// given by hand, a transfer).
    pub fn of(kind: &str, points: Decimal) -> Option<Flow> {
        match kind {
            "earn" if points.is_sign_positive() => Some(Flow::Issued),
            "reverse" | "settle" => Some(Flow::Reversed),
            "expire" => Some(Flow::Expired),
            "redeem" | "convert" | "adjust" | "earn" if points.is_sign_negative() => {
                Some(Flow::Spent)
            }
            _ => None,
        }
    }
}

/// The entries summed so far, kept between overviews of one ledger (the host process
/// keeps one per club). Safe to share between threads; one overview sums at a time.
#[derive(Default)]
pub struct Cache(Mutex<Option<Sums>>);

/// The sums of every entry up to `through`.
#[derive(Debug, Clone, Default)]
struct Sums {
    /// The calendar and zone months were counted in: another starts over.
    basis: (CalendarKind, String),
    through: i64,
    months: BTreeMap<(i32, u8), Flows>,
    issued_by_rule: BTreeMap<String, Decimal>,
    outstanding: Decimal,
    /// Awards a campaign's cap cut, by (campaign, rule).
    capped: BTreeMap<(String, String), i64>,
    /// Tier changes summed through this one: members per tier (`None`: no tier, counted
    /// from the members in all).
    tiers_through: i64,
    tiers: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Flows {
    issued: Decimal,
    spent: Decimal,
    expired: Decimal,
}

fn add(total: &mut Decimal, points: Decimal) -> Result<(), LedgerError> {
    *total = crate::amount::add(*total, points)
        .map_err(|_| LedgerError::corrupt("the ledger's points add up past what is counted"))?;
    Ok(())
}

impl Sums {
    fn add(&mut self, entry: &EntryRow<'_>, policy: &Policy) -> Result<(), LedgerError> {
        let points: Decimal = entry.points.parse().map_err(|_| {
            LedgerError::corrupt(format!("`{}` in the ledger is not a number", entry.points))
        })?;
        add(&mut self.outstanding, points)?;
        let flow = Flow::of(entry.kind, points);
        if flow == Some(Flow::Issued) {
            add(
                self.issued_by_rule
                    .entry(entry.rule.to_owned())
                    .or_default(),
                points,
            )?;
        }
        if let Some(reason) = entry.capped_reason {
            for campaign in crate::ledger::capping_campaigns(reason) {
                let count = self
                    .capped
                    .entry((campaign.to_owned(), entry.rule.to_owned()))
                    .or_default();
                *count = count.saturating_add(1);
            }
        }
        let (Some(flow), Some(at)) = (flow, crate::time::from_stored(entry.time)) else {
            return Ok(());
        };
        let local = policy
            .club
            .calendar
            .to_local(at.with_timezone(&policy.zone).date_naive());
        let month = self.months.entry((local.year, local.month)).or_default();
        match flow {
            Flow::Issued => add(&mut month.issued, points),
            Flow::Spent => add(&mut month.spent, -points),
            Flow::Expired => add(&mut month.expired, -points),
            Flow::Reversed => Ok(()),
        }
    }
}

impl Cache {
    /// The sums of every entry now in `ledger`, adding what was written since last time.
    fn sums(&self, ledger: &Ledger, policy: &Policy) -> Result<Sums, LedgerError> {
        let mut cached = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let basis = (policy.club.calendar, policy.zone.name().to_owned());
        let last = ledger.last_entry_seq()?;
        // Another calendar or zone counts months differently; fewer entries than summed
        // means another ledger (a file replaced): either way, start over.
        let mut sums = match cached.take() {
            Some(sums) if sums.basis == basis && sums.through <= last => sums,
            _ => Sums {
                basis,
                ..Sums::default()
            },
        };
        if sums.through < last {
            let mut through = sums.through;
            ledger.entries_after(sums.through, |entry| {
                through = entry.seq;
                sums.add(entry, policy)
            })?;
            sums.through = through;
        }
        let mut through = sums.tiers_through;
        let tiers = &mut sums.tiers;
        ledger.tier_changes_after(through, |seq, from, to| {
            through = seq;
            for (tier, step) in [(from, -1), (to, 1)] {
                if let Some(tier) = tier {
                    let count = tiers.entry(tier).or_default();
                    *count = count.saturating_add(step);
                }
            }
            Ok(())
        })?;
        sums.tiers_through = through;
        *cached = Some(sums.clone());
        Ok(sums)
    }
}

/// The [`MONTHS`] months of `calendar` that end with the one `at` is in (in `zone`),
/// oldest first.
fn last_months(policy: &Policy, at: DateTime<Utc>) -> Vec<(i32, u8)> {
    let local = policy
        .club
        .calendar
        .to_local(at.with_timezone(&policy.zone).date_naive());
    let last = i64::from(local.year) * 12 + i64::from(local.month) - 1;
    (0..MONTHS as i64)
        .rev()
        .filter_map(|back| {
            let index = last - back;
            let year = i32::try_from(index.div_euclid(12)).ok()?;
            let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
            Some((year, month))
        })
        .collect()
}

/// The overview of `ledger` under `policy` as at `at`, summing entries through `cache`.
pub fn build(
    ledger: &Ledger,
    policy: &Policy,
    at: DateTime<Utc>,
    cache: &Cache,
) -> Result<Overview, LedgerError> {
    let sums = cache.sums(ledger, policy)?;
    let months = last_months(policy, at)
        .into_iter()
        .map(|(year, month)| {
            let flows = sums.months.get(&(year, month)).copied().unwrap_or_default();
            MonthPoints {
                month: format!("{year:04}-{month:02}"),
                issued: flows.issued,
                spent: flows.spent,
                expired: flows.expired,
            }
        })
        .collect();
    let total = ledger.member_count()?;
    // Last purchases are on the member rows (indexed): exact for any time at or after
    // the ledger's clock, since no event is later than the clock. An earlier time asks
    // the events.
    let latest = ledger.now()?;
    let active = |days: i64| {
        let from = at - Duration::days(days);
        if latest.is_none_or(|latest| at >= latest) {
            ledger.members_last_seen(from, at)
        } else {
            ledger.members_who_bought(from, at)
        }
    };
    let members = Members {
        total,
        active_30d: active(30)?,
        active_90d: active(90)?,
    };
    let tiers = if policy.club.tiers.is_empty() {
        Vec::new()
    } else {
        let order: Vec<Option<&str>> = std::iter::once(None)
            .chain(policy.club.tiers.iter().map(|t| Some(t.id.as_str())))
            .collect();
        let mut tiers: Vec<(Option<String>, i64)> = order
            .iter()
            .map(|tier| (tier.map(str::to_owned), 0))
            .collect();
        let tiered = sums
            .tiers
            .values()
            .fold(0_i64, |all, n| all.saturating_add(*n));
        let counts = std::iter::once((None, total.saturating_sub(tiered))).chain(
            sums.tiers
                .iter()
                .filter(|(_, n)| **n != 0)
                .map(|(tier, n)| (Some(tier.clone()), *n)),
        );
        for (tier, count) in counts {
            match tiers.iter_mut().find(|(t, _)| *t == tier) {
                Some((_, n)) => *n += count,
                // A tier the club no longer has still holds its members: shown last.
                None => tiers.push((tier, count)),
            }
        }
        tiers
            .into_iter()
            .map(|(tier, members)| TierMembers {
                tier: tier.unwrap_or_else(|| "none".to_owned()),
                members,
            })
            .collect()
    };
    let campaigns = ledger.campaign_costs_with(policy, |campaign| {
        Ok(campaign
            .rules
            .iter()
            .filter_map(|rule| sums.capped.get(&(campaign.id.clone(), rule.clone())))
            .fold(0_i64, |total, n| total.saturating_add(*n)))
    })?;
    let mut messages = Messages::default();
    for (status, count) in ledger.message_statuses()? {
        match status.as_str() {
            "sent" => messages.sent += count,
            "pending" => messages.pending += count,
            "suppressed" => messages.suppressed += count,
            "failed" => messages.failed += count,
            _ => {}
        }
    }
    Ok(Overview {
        club: policy.club.id.clone(),
        name: policy.club.name.clone(),
        at,
        calendar: policy.club.calendar,
        currency: policy.club.currency.clone(),
        members,
        months,
        outstanding: sums.outstanding,
        liability: policy
            .club
            .credit
            .as_ref()
            .and_then(|c| sums.outstanding.checked_mul(c.rate)),
        tiers,
        rules: sums
            .issued_by_rule
            .iter()
            .map(|(rule, issued)| RulePoints {
                rule: rule.clone(),
                issued: *issued,
            })
            .collect(),
        campaigns,
        messages,
    })
}
