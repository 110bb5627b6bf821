//! Commitment deals, the pure part: when periods start and end, and whether a period's
//! target was met (a Rhai function). What an active deal gives is in [`super::benefits`].

use chrono::{DateTime, Duration, Utc};
use rhai::{Dynamic, Map};

use super::benefits::member_value;
use super::{start_of_day, Standing};
use crate::calendar::{CalendarKind, Period};
use crate::club::{DealDefinition, DealPeriod, FirstPeriod};
use crate::member::MemberState;
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

/// When the first period of a deal joined at `at` starts. With `first_period: current`,
/// that day if it begins a period, else the start of the next period; with `next`, the
/// start of the period after the one holding that day. Weeks start on Saturday in a
/// Jalali club and on Monday otherwise.
pub fn first_start(policy: &Policy, deal: &DealDefinition, at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::Datelike;
    let calendar = policy.club.calendar;
    let day = at.with_timezone(&policy.zone).date_naive();
    let first_weekday = match calendar {
        CalendarKind::Jalali => chrono::Weekday::Sat,
        CalendarKind::Gregorian => chrono::Weekday::Mon,
    };
    let begins_period = match deal.period {
        DealPeriod::Week => day.weekday() == first_weekday,
        DealPeriod::Month => calendar.to_local(day).day == 1,
        DealPeriod::Quarter => {
            let local = calendar.to_local(day);
            local.day == 1 && (local.month - 1) % 3 == 0
        }
    };
    if begins_period && deal.first_period == FirstPeriod::Current {
        return start_of_day(policy, day);
    }
    let next = match deal.period {
        DealPeriod::Week => {
            let mut d = day + Duration::days(1);
            while d.weekday() != first_weekday {
                d += Duration::days(1);
            }
            d
        }
        DealPeriod::Month => calendar.start_of_next(Period::Month, day),
        DealPeriod::Quarter => calendar.start_of_next(Period::Quarter, day),
    };
    start_of_day(policy, next)
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
    let value = policy
        .call(
            script,
            &deal.target,
            (
                Dynamic::from(member_value(member, policy)),
                Dynamic::from(facts),
            ),
        )
        .map_err(|e| {
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
