//! Tiers, the pure part: which tier a member's standing qualifies for, over which window,
//! when reviews fall due and what a review decides. The decision stage supplies the
//! standing and records changes.

use chrono::{DateTime, Utc};
use rhai::{Dynamic, Map};
use rust_decimal::Decimal;

use super::benefits::member_value;
use super::Standing;
use crate::club::{Downgrade, TierMetric, TierWindow};
use crate::member::MemberState;
use crate::policy::Policy;

pub use super::benefits::{tier_index, tier_of};

/// The start of the window a tier metric is measured over at `at` (`None`: since ever).
pub fn window_start(
    policy: &Policy,
    member: &MemberState,
    at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let calendar = policy.club.calendar;
    let today = at.with_timezone(&policy.zone).date_naive();
    let day = match policy.club.tiering.window {
        TierWindow::Lifetime => return None,
        TierWindow::Rolling(span) => span.before(today, calendar) + chrono::Duration::days(1),
        TierWindow::CalendarYear => {
            let local = calendar.to_local(today);
            calendar.from_local(local.year, 1, 1).unwrap_or(today)
        }
        TierWindow::AnniversaryYear => {
            // The latest anniversary of joining on or before today.
            let mut years = 0;
            while calendar.add_months(member.joined, (years + 1) * 12) <= today {
                years += 1;
            }
            calendar.add_months(member.joined, years * 12)
        }
    };
    Some(super::start_of_day(policy, day))
}

/// The value of the club's tier metric for `standing`, or why it has none.
pub fn metric(
    policy: &Policy,
    member: &MemberState,
    standing: &Standing,
) -> Result<Decimal, String> {
    Ok(match policy.club.tiering.metric {
        TierMetric::Spend => standing.spend,
        TierMetric::Points => standing.points,
        TierMetric::Visits => Decimal::from(standing.visits),
        TierMetric::Balance => member.balance,
        TierMetric::Function => {
            let (Some(script), Some(name)) = (
                policy.tier_function,
                policy.club.tiering.function.as_deref(),
            ) else {
                return Err("`tiering.function` is not bound".into());
            };
            let mut window = Map::new();
            window.insert("spend".into(), Dynamic::from_decimal(standing.spend));
            window.insert("points".into(), Dynamic::from_decimal(standing.points));
            window.insert("visits".into(), standing.visits.into());
            let value = policy
                .call(
                    script,
                    name,
                    (
                        Dynamic::from(member_value(member, policy)),
                        Dynamic::from(window),
                    ),
                )
                .map_err(|e| format!("`{name}` failed: {}", crate::policy::error_message(&e)))?;
            if let Ok(int) = value.as_int() {
                Decimal::from(int)
            } else {
                value.read_lock::<Decimal>().map(|d| *d).ok_or_else(|| {
                    format!("`{name}` returned a {}, not a number", value.type_name())
                })?
            }
        }
    })
}

/// The highest tier `value` reaches for a member of `member_type` (tiers without a
/// threshold for that type cannot be reached).
pub fn qualified(policy: &Policy, member_type: &str, value: Decimal) -> Option<usize> {
    policy
        .club
        .tiers
        .iter()
        .enumerate()
        .rev()
        .find(|(_, tier)| {
            tier.thresholds
                .get(member_type)
                .is_some_and(|t| value >= *t)
        })
        .map(|(i, _)| i)
}

/// The lowest tier a member of `member_type` can be in: the floor a review never goes
/// below once a member has a tier (a year of returns is not a reason to leave the club).
pub fn lowest(policy: &Policy, member_type: &str) -> Option<usize> {
    policy
        .club
        .tiers
        .iter()
        .position(|tier| tier.thresholds.contains_key(member_type))
}

/// The first review instant strictly after `after`: the start of the next review period.
pub fn next_review(policy: &Policy, after: DateTime<Utc>) -> DateTime<Utc> {
    // The next period starts on a later day than `after`'s, so this is always after it.
    let day = after.with_timezone(&policy.zone).date_naive();
    super::start_of_day(
        policy,
        policy
            .club
            .calendar
            .start_of_next(policy.club.tiering.review, day),
    )
}

/// What a review at `at` does to a member at `current` who now qualifies for `qualified`:
/// the new tier, or `None` to leave it as it is. A member with a tier never falls below
/// the lowest tier for their type.
pub fn review(
    policy: &Policy,
    member: &MemberState,
    current: Option<usize>,
    qualified: Option<usize>,
    at: DateTime<Utc>,
) -> Option<Option<usize>> {
    let floor = current.and(lowest(policy, &member.member_type));
    let qualified = qualified.max(floor);
    if qualified >= current {
        return (qualified != current).then_some(qualified);
    }
    let new = match policy.club.tiering.downgrade {
        Downgrade::Recompute => qualified,
        Downgrade::OneStep => current.and_then(|c| c.checked_sub(1)).max(qualified),
        Downgrade::KeepNextPeriod => {
            if member.tier_valid_until.is_some_and(|until| at < until) {
                return None;
            }
            qualified
        }
    };
    (new != current).then_some(new)
}
