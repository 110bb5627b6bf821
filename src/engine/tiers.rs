//! Tiers: which tier a member's standing qualifies for, over which window, and what a
//! review decides. Pure functions; the ledger supplies the standing and writes changes.

use chrono::{DateTime, Utc};
use rhai::{CallFnOptions, Dynamic, Map, Scope};
use rust_decimal::Decimal;
use serde::Serialize;

use super::script_values::member_value;
use super::{EntryKind, Event, EventType, MemberState, Outcome};
use crate::club::{Downgrade, TierDefinition, TierMetric, TierWindow};
use crate::policy::Policy;

/// A member's activity over a tier window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// Purchases less returns.
    pub spend: Decimal,
    /// Points earned by rules, less what returns took back.
    pub points: Decimal,
    /// Number of purchases.
    pub visits: i64,
}

impl Standing {
    /// Adds an event about to be applied, with its outcome.
    pub fn add(&mut self, event: &Event, outcome: &Outcome) {
        match event.kind {
            EventType::Purchase => {
                self.spend += event.amount;
                self.visits += 1;
            }
            EventType::Return => self.spend -= event.amount,
            _ => {}
        }
        self.points += outcome
            .awards
            .iter()
            .filter(|a| matches!(a.kind, EntryKind::Earn | EntryKind::Reverse))
            .map(|a| a.points)
            .sum::<Decimal>();
    }
}

/// The tier named `id`, as an index into the club's tiers (lowest first).
pub fn tier_index(policy: &Policy, id: Option<&str>) -> Option<usize> {
    id.and_then(|id| policy.club.tiers.iter().position(|t| t.id == id))
}

/// The tier whose benefits the member has: their own, or a higher one a deal gives.
pub fn tier_of<'a>(policy: &'a Policy, member: &MemberState) -> Option<&'a TierDefinition> {
    let own = tier_index(policy, member.tier.as_deref());
    own.max(super::deals::tier_floor(policy, member))
        .map(|i| &policy.club.tiers[i])
}

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

/// The value of the club's tier metric for `standing`.
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
            let result = policy.engine.timed(|engine| {
                engine.call_fn_with_options::<Dynamic>(
                    CallFnOptions::new()
                        .rewind_scope(false)
                        .with_tag(policy.plugin_settings.clone()),
                    &mut Scope::new(),
                    &policy.scripts[script].ast,
                    name,
                    (
                        Dynamic::from(member_value(member, policy)),
                        Dynamic::from(window),
                    ),
                )
            });
            let value = result
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
/// the new tier, or `None` to leave it as it is.
pub fn review(
    policy: &Policy,
    member: &MemberState,
    current: Option<usize>,
    qualified: Option<usize>,
    at: DateTime<Utc>,
) -> Option<Option<usize>> {
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
