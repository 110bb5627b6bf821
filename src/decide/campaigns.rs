//! Campaign budgets and challenge progress: the parts of campaigns that depend on what was
//! already given.
//!
//! Budgets cut an evaluated outcome before it is posted: an award that would pass a cap is
//! cut to what is left, and an award with nothing left becomes a zero entry whose reason
//! says which budget stopped it. Every point a campaign gives is counted (by member and
//! day), which is what the caps are checked against.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::book::{ChallengeFact, MemberBook, SpendFact};
use super::plan::Change;
use super::{Decider, Failure};
use crate::calendar::{CalendarKind, Period};
use crate::club::BudgetPeriod;
use crate::engine::{Award, EntryKind, Outcome};
use crate::event::{Event, EventType};
use crate::messaging::{Occasion, Value};
use crate::policy::Policy;

/// Points a campaign gives with an event, to be counted once the event is posted.
pub(super) struct Spend {
    campaign: String,
    points: Decimal,
}

/// The campaign's total budget in points (a money budget divided by `credit.rate`).
pub fn budget_points(policy: &Policy, index: usize) -> Option<Decimal> {
    let budget = policy.club.campaigns[index].budget.as_ref()?;
    let from_money = budget.money.and_then(|money| {
        let rate = policy.club.credit.as_ref()?.rate;
        (!rate.is_zero()).then(|| money.checked_div(rate).map(|p| p.floor()))?
    });
    match (budget.points, from_money) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The first and the day after the last local day of the budget period holding `day`.
fn period_days(
    calendar: CalendarKind,
    per: BudgetPeriod,
    day: NaiveDate,
) -> Option<(NaiveDate, NaiveDate)> {
    match per {
        BudgetPeriod::Campaign => None,
        BudgetPeriod::Day => Some((day, day + chrono::Days::new(1))),
        BudgetPeriod::Week => {
            // Iranian weeks start on Saturday; others on Monday.
            let from_start = match calendar {
                CalendarKind::Jalali => (day.weekday().num_days_from_monday() + 2) % 7,
                CalendarKind::Gregorian => day.weekday().num_days_from_monday(),
            };
            let start = day - chrono::Days::new(u64::from(from_start));
            Some((start, start + chrono::Days::new(7)))
        }
        BudgetPeriod::Month => {
            let local = calendar.to_local(day);
            let start = calendar.from_local(local.year, local.month, 1).ok()?;
            Some((start, calendar.start_of_next(Period::Month, day)))
        }
    }
}

impl Decider<'_> {
    /// Cuts the outcome's campaign awards to what their budgets have left. Returns what
    /// the campaigns give, to be counted once the event is posted.
    pub(super) fn budgets(
        &mut self,
        book: &MemberBook,
        event: &Event,
        outcome: &mut Outcome,
    ) -> Result<Vec<Spend>, Failure> {
        let policy = self.policy;
        let mut spends = Vec::new();
        if policy.club.campaigns.is_empty() {
            return Ok(spends);
        }
        let day = event.time.with_timezone(&policy.zone).date_naive();
        for award in outcome
            .awards
            .iter_mut()
            .filter(|a| a.points > Decimal::ZERO)
        {
            let Some(index) = policy.campaign_of(&award.rule) else {
                continue;
            };
            let campaign = &policy.club.campaigns[index];
            if self.hold_out(book, event, award, campaign) {
                continue;
            }
            let mut left = award.points;
            let mut stopped_by = None;
            if let Some(total) = budget_points(policy, index) {
                let given = self.facts.campaign_given(&campaign.id)?.saturating_add(
                    self.campaign_given
                        .get(&campaign.id)
                        .copied()
                        .unwrap_or_default(),
                );
                let remaining = (total.saturating_sub(given)).max(Decimal::ZERO);
                if remaining < left {
                    left = remaining;
                    stopped_by = Some(format!(
                        "its budget of {} points",
                        crate::amount::grouped(total)
                    ));
                }
            }
            if let Some(cap) = campaign.budget.as_ref().and_then(|b| b.per_member.as_ref()) {
                let days = period_days(policy.club.calendar, cap.per, day);
                let given_before: Decimal = book
                    .rest
                    .campaign_spend()
                    .iter()
                    .filter(|s| s.campaign == campaign.id)
                    .filter(|s| days.is_none_or(|(from, to)| s.day >= from && s.day < to))
                    .map(|s| s.points)
                    .fold(Decimal::ZERO, Decimal::saturating_add);
                let in_this_event: Decimal = spends
                    .iter()
                    .filter(|s: &&Spend| s.campaign == campaign.id)
                    .map(|s| s.points)
                    .sum();
                let remaining = (cap
                    .points
                    .saturating_sub(given_before.saturating_add(in_this_event)))
                .max(Decimal::ZERO);
                if remaining < left {
                    left = remaining;
                    let per = match cap.per {
                        BudgetPeriod::Campaign => "for the campaign".to_owned(),
                        other => format!("a {}", format!("{other:?}").to_lowercase()),
                    };
                    stopped_by = Some(format!(
                        "its limit of {} points per member {per}",
                        crate::amount::grouped(cap.points)
                    ));
                }
            }
            if let Some(why) = stopped_by {
                award.reason = if left.is_zero() {
                    format!(
                        "{}: nothing, campaign `{}` reached {why}",
                        award.reason, campaign.id
                    )
                } else {
                    format!(
                        "{}: {} of {}, campaign `{}` reached {why}",
                        award.reason,
                        crate::amount::grouped(left),
                        crate::amount::grouped(award.points),
                        campaign.id
                    )
                };
                award.points = left;
                if left.is_zero() {
                    award.lot = None;
                }
            }
            if !award.points.is_zero() {
                let given = self.campaign_given.entry(campaign.id.clone()).or_default();
                *given = given.saturating_add(award.points);
                spends.push(Spend {
                    campaign: campaign.id.clone(),
                    points: award.points,
                });
            }
        }
        Ok(spends)
    }

    /// Whether the campaign's holdout keeps this member out: then the award becomes a
    /// zero entry saying so, and the member is recorded as held out (the report compares
    /// what they buy with what the rewarded members buy).
    fn hold_out(
        &mut self,
        book: &MemberBook,
        event: &Event,
        award: &mut Award,
        campaign: &crate::club::CampaignDefinition,
    ) -> bool {
        let Some(share) = campaign
            .holdout
            .as_deref()
            .and_then(crate::club::value::share_of)
        else {
            return false;
        };
        if !crate::club::value::held_out(&campaign.id, book.id(), share) {
            return false;
        }
        award.reason = format!(
            "{}: nothing, held out of campaign `{}` to measure it",
            award.reason, campaign.id
        );
        award.points = Decimal::ZERO;
        award.lot = None;
        self.plan.changes.push(Change::Holdout {
            campaign: campaign.id.clone(),
            member: book.id().to_owned(),
            event: event.id.clone(),
            at: event.time,
        });
        true
    }

    /// Counts what campaigns gave with `event` (now posted).
    pub(super) fn record_spend(
        &mut self,
        book: &mut MemberBook,
        event: &Event,
        spends: Vec<Spend>,
    ) {
        let day = event.time.with_timezone(&self.policy.zone).date_naive();
        for spend in spends {
            book.rest.add_spend(SpendFact {
                campaign: spend.campaign.clone(),
                day,
                points: spend.points,
            });
            self.plan.changes.push(Change::CampaignSpend {
                campaign: spend.campaign,
                member: book.id().to_owned(),
                day,
                points: spend.points,
                event: event.id.clone(),
            });
        }
    }

    /// Counts a purchase towards the member's challenges; a goal reached gives its bonus
    /// (an event of its own), its badge and a `challenge_completed` message.
    pub(super) fn progress_challenges(&mut self, book: &mut MemberBook, event: &Event) {
        let policy = self.policy;
        if event.kind != EventType::Purchase {
            return;
        }
        let calendar = policy.club.calendar;
        let day = event.time.with_timezone(&policy.zone).date_naive();
        let member = book.id().to_owned();
        for challenge in &policy.club.challenges {
            let local = calendar.to_local(day);
            let first_month = match challenge.period {
                Period::Month => local.month,
                Period::Quarter => (local.month - 1) / 3 * 3 + 1,
                Period::Year => 1,
            };
            let period = calendar
                .from_local(local.year, first_month, 1)
                .map(|d| calendar.format(d))
                .unwrap_or_else(|_| calendar.format(day));
            let position = match book
                .challenges
                .iter()
                .position(|c| c.challenge == challenge.id && c.period == period)
            {
                Some(position) => position,
                None => {
                    book.challenges.push(ChallengeFact {
                        challenge: challenge.id.clone(),
                        period: period.clone(),
                        purchases: 0,
                        spend: Decimal::ZERO,
                        completed_at: None,
                    });
                    book.challenges.len() - 1
                }
            };
            let progress = &mut book.challenges[position];
            progress.purchases += 1;
            progress.spend = progress.spend.saturating_add(event.amount);
            let reached = progress.completed_at.is_none()
                && challenge
                    .goal
                    .purchases
                    .is_none_or(|n| progress.purchases >= i64::from(n))
                && challenge.goal.spend.is_none_or(|s| progress.spend >= s);
            if reached {
                progress.completed_at = Some(event.time);
            }
            self.plan.changes.push(Change::Challenge {
                challenge: challenge.id.clone(),
                member: member.clone(),
                period: period.clone(),
                purchases: progress.purchases,
                spend: progress.spend,
                completed_at: progress.completed_at,
            });
            if !reached {
                continue;
            }
            let id = format!("challenge:{}:{}:{period}", challenge.id, book.id());
            let name = challenge
                .name
                .clone()
                .unwrap_or_else(|| challenge.id.clone());
            if challenge.bonus > Decimal::ZERO && !book.has_event_id(&id) {
                let bonus = Event::manual(
                    &id,
                    book.id(),
                    EventType::Deal,
                    Decimal::ZERO,
                    event.time,
                    Default::default(),
                );
                let award = Award {
                    rule: format!("challenge:{}", challenge.id),
                    points: challenge.bonus,
                    reason: crate::tr_in!(
                        policy.club.language.unwrap_or_default(),
                        "reason-challenge",
                        name = &name
                    ),
                    policy_version: policy.id.clone(),
                    kind: EntryKind::Earn,
                    lot: Some(crate::engine::lot_terms(policy, None, event.time)),
                };
                if self.post_event(book, &bonus, &[award]).is_err() {
                    self.plan.warnings.push(crate::tr_in!(
                        policy.club.language.unwrap_or_default(),
                        "warn-challenge-not-written",
                        challenge = &challenge.id,
                        member = book.id(),
                        reason = crate::amount::Overflow.to_string()
                    ));
                }
            }
            if let Some(badge) = &challenge.badge {
                if book.badges.insert(badge.clone()) {
                    self.plan.changes.push(Change::Badge {
                        member: book.id().to_owned(),
                        badge: badge.clone(),
                        at: event.time,
                        source: id.clone(),
                    });
                }
            }
            let occasion = Occasion::new("challenge_completed", id, event.time)
                .with("challenge", Value::Text(name))
                .with("points", Value::Number(challenge.bonus));
            self.emit(book, &occasion);
        }
    }
}
