//! Commitment deals, the pure part: when periods start and end, whether a period's target
//! was met (a Rhai function), and the benefits an active deal gives.

use chrono::{DateTime, Duration, Utc};
use rhai::{CallFnOptions, Dynamic, Map, Scope};
use rust_decimal::Decimal;

use super::script_values::member_value;
use super::tiers::Standing;
use super::{start_of_day, DealState, MemberState};
use crate::calendar::{CalendarKind, Period};
use crate::club::{DealDefinition, DealPeriod};
use crate::policy::Policy;

/// The end of the period of `deal` that starts at `start` (the next one's start).
pub fn period_end(policy: &Policy, deal: &DealDefinition, start: DateTime<Utc>) -> DateTime<Utc> {
    let day = start.with_timezone(&policy.zone).date_naive();
    let calendar = policy.club.calendar;
    let next = match deal.period {
        DealPeriod::Week => day + Duration::days(7),
        DealPeriod::Month => calendar.start_of_next(Period::Month, day),
        DealPeriod::Quarter => calendar.start_of_next(Period::Quarter, day),
    };
    start_of_day(policy, next)
}

/// When the first period of a deal joined at `at` starts: that day if it begins a period,
/// else the start of the next period. Weeks start on Saturday in a Jalali club and on
/// Monday otherwise.
pub fn first_start(policy: &Policy, deal: &DealDefinition, at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::Datelike;
    let calendar = policy.club.calendar;
    let day = at.with_timezone(&policy.zone).date_naive();
    let start = match deal.period {
        DealPeriod::Week => {
            let first_weekday = match calendar {
                CalendarKind::Jalali => chrono::Weekday::Sat,
                CalendarKind::Gregorian => chrono::Weekday::Mon,
            };
            let mut d = day;
            while d.weekday() != first_weekday {
                d += Duration::days(1);
            }
            d
        }
        DealPeriod::Month | DealPeriod::Quarter => {
            let local = calendar.to_local(day);
            let begins = match deal.period {
                DealPeriod::Month => local.day == 1,
                _ => local.day == 1 && (local.month - 1) % 3 == 0,
            };
            if begins {
                day
            } else {
                let period = if deal.period == DealPeriod::Month {
                    Period::Month
                } else {
                    Period::Quarter
                };
                calendar.start_of_next(period, day)
            }
        }
    };
    start_of_day(policy, start)
}

/// How many periods a deal lasts: `periods`, or as many whole periods as fit in `window`
/// from `start` (at least one).
pub fn period_count(policy: &Policy, deal: &DealDefinition, start: DateTime<Utc>) -> u32 {
    if let Some(periods) = deal.periods {
        return periods;
    }
    let Some(window) = deal.window else { return 1 };
    let start_day = start.with_timezone(&policy.zone).date_naive();
    let end = start_of_day(policy, window.after(start_day, policy.club.calendar));
    let (mut count, mut at) = (0, start);
    loop {
        let next = period_end(policy, deal, at);
        if next > end {
            break;
        }
        count += 1;
        at = next;
    }
    count.max(1)
}

/// Whether the member met the deal's target in a period, by its Rhai `target` function.
pub fn target_met(
    policy: &Policy,
    index: usize,
    member: &MemberState,
    period: &PeriodFacts,
) -> Result<bool, String> {
    let deal = &policy.club.deals[index];
    let script = policy.deal_targets.get(index).copied().unwrap_or(0);
    let mut facts = Map::new();
    facts.insert("spend".into(), Dynamic::from_decimal(period.standing.spend));
    facts.insert(
        "points".into(),
        Dynamic::from_decimal(period.standing.points),
    );
    facts.insert("visits".into(), period.standing.visits.into());
    facts.insert("payments".into(), period.payments.into());
    facts.insert("index".into(), i64::from(period.index).into());
    facts.insert(
        "start".into(),
        policy
            .club
            .calendar
            .format(period.start.with_timezone(&policy.zone).date_naive())
            .into(),
    );
    facts.insert(
        "end".into(),
        policy.club.calendar.format(period.last_day(policy)).into(),
    );
    let result = policy.engine.timed(|engine| {
        engine.call_fn_with_options::<Dynamic>(
            CallFnOptions::new()
                .rewind_scope(false)
                .with_tag(policy.plugin_settings.clone()),
            &mut Scope::new(),
            &policy.scripts[script].ast,
            &deal.target,
            (
                Dynamic::from(member_value(member, policy)),
                Dynamic::from(facts),
            ),
        )
    });
    let value = result.map_err(|e| {
        format!(
            "`{}` failed: {}",
            deal.target,
            crate::policy::error_message(&e)
        )
    })?;
    value.as_bool().map_err(|_| {
        format!(
            "`{}` returned a {}, not true or false",
            deal.target,
            value.type_name()
        )
    })
}

/// What a deal target sees about one period.
#[derive(Debug, Clone)]
pub struct PeriodFacts {
    /// 1 for the first period.
    pub index: u32,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub standing: Standing,
    pub payments: i64,
}

impl PeriodFacts {
    /// The period's last day in the club's calendar.
    pub fn last_day(&self, policy: &Policy) -> chrono::NaiveDate {
        (self.end - Duration::seconds(1))
            .with_timezone(&policy.zone)
            .date_naive()
    }
}

/// The deals whose benefits hold for `member` at `at`: active ones.
pub fn active<'a>(
    policy: &'a Policy,
    member: &'a MemberState,
) -> impl Iterator<Item = &'a DealDefinition> + 'a {
    member
        .deals
        .iter()
        .filter(|d| d.state == DealState::Active)
        .filter_map(move |d| policy.club.deals.iter().find(|def| def.id == d.deal))
}

/// The lowest tier `member`'s deals guarantee: active deals' benefit tiers, and completion
/// tiers the clock has not yet ended (it clears `tier_until` when it passes).
pub fn tier_floor(policy: &Policy, member: &MemberState) -> Option<usize> {
    let index = |id: &str| policy.club.tiers.iter().position(|t| t.id == id);
    let from_active = active(policy, member)
        .filter_map(|d| d.benefits.tier.as_deref())
        .filter_map(index);
    let from_completed = member
        .deals
        .iter()
        .filter(|d| d.state == DealState::Completed && d.tier_until.is_some())
        .filter_map(|d| policy.club.deals.iter().find(|def| def.id == d.deal))
        .filter_map(|d| d.completion.tier.as_deref())
        .filter_map(index);
    from_active.chain(from_completed).max()
}

/// The extra multipliers of active deals: (deal id, multiplier).
pub fn multipliers<'a>(policy: &'a Policy, member: &'a MemberState) -> Vec<(&'a str, Decimal)> {
    active(policy, member)
        .filter_map(|d| d.benefits.multiplier.map(|m| (d.id.as_str(), m)))
        .filter(|(_, m)| *m != Decimal::ONE)
        .collect()
}
