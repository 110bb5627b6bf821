//! Campaign budgets and challenge progress: the parts of campaigns that depend on what the
//! ledger already gave.
//!
//! Budgets are applied to an evaluated outcome just before it is written, in the same
//! transaction: an award that would pass a cap is cut to what is left, and an award with
//! nothing left becomes a zero entry whose reason says which budget stopped it. Every
//! point a campaign gives is also counted in `campaign_spend` (by member and day), which is
//! what the caps are checked against.

use chrono::{Datelike, NaiveDate};
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;

use super::store::{Ledger, LedgerError};
use crate::calendar::{CalendarKind, Period};
use crate::club::BudgetPeriod;
use crate::engine::{Award, EntryKind, Event, EventType, MemberState, Outcome};
use crate::policy::Policy;
use crate::time::stored;

type Result<T> = std::result::Result<T, LedgerError>;

/// A challenge's progress for one member and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChallengeProgress {
    pub challenge: String,
    /// The period's first day, in the club's calendar.
    pub period: String,
    pub purchases: i64,
    pub spend: Decimal,
    pub completed_at: Option<String>,
}

/// A campaign's spend against its budget, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignCost {
    pub campaign: String,
    pub points: Decimal,
    /// In the club's currency, when `credit.rate` says what a point is worth.
    pub money: Option<Decimal>,
    /// The total budget in points, if it has one.
    pub budget_points: Option<Decimal>,
    /// Awards cut or stopped by a cap.
    pub capped_awards: i64,
}

fn decimal(text: &str) -> Result<Decimal> {
    text.parse()
        .map_err(|_| LedgerError::corrupt(format!("`{text}` in the ledger is not a number")))
}

/// The campaign's total budget in points (a money budget divided by `credit.rate`).
pub fn budget_points(policy: &Policy, index: usize) -> Option<Decimal> {
    let budget = policy.club.campaigns[index].budget.as_ref()?;
    let from_money = budget.money.and_then(|money| {
        let rate = policy.club.credit.as_ref()?.rate;
        (!rate.is_zero()).then(|| (money / rate).floor())
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

impl Ledger {
    fn campaign_spent(
        &self,
        campaign: &str,
        member: Option<&str>,
        days: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<Decimal> {
        let (from, to) = days.map_or((String::new(), "9999".to_owned()), |(a, b)| {
            (a.to_string(), b.to_string())
        });
        let mut statement = self.connection().prepare_cached(
            "SELECT points FROM campaign_spend WHERE campaign = ?1 AND (?2 IS NULL OR member = ?2) AND day >= ?3 AND day < ?4",
        )?;
        let mut total = Decimal::ZERO;
        for points in statement.query_map(params![campaign, member, from, to], |r| {
            r.get::<_, String>(0)
        })? {
            total += decimal(&points?)?;
        }
        Ok(total)
    }

    /// Cuts the outcome's campaign awards to what their budgets have left, and counts what
    /// they give. Call just before the outcome is written, in the same transaction.
    pub fn apply_budgets(
        &self,
        policy: &Policy,
        event: &Event,
        outcome: &mut Outcome,
    ) -> Result<()> {
        if policy.club.campaigns.is_empty() {
            return Ok(());
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
            let mut left = award.points;
            let mut stopped_by = None;
            if let Some(total) = budget_points(policy, index) {
                let remaining =
                    (total - self.campaign_spent(&campaign.id, None, None)?).max(Decimal::ZERO);
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
                let spent = self.campaign_spent(&campaign.id, Some(&event.member), days)?;
                let remaining = (cap.points - spent).max(Decimal::ZERO);
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
                self.connection()
                    .prepare_cached("INSERT INTO campaign_spend (campaign, member, day, points, event) VALUES (?1, ?2, ?3, ?4, ?5)")?
                    .execute(params![campaign.id, event.member, day.to_string(), award.points.normalize().to_string(), event.id])?;
            }
        }
        Ok(())
    }

    /// What each campaign gave, against its budget.
    pub fn campaign_costs(&self, policy: &Policy) -> Result<Vec<CampaignCost>> {
        let mut costs = Vec::new();
        for (index, campaign) in policy.club.campaigns.iter().enumerate() {
            let points = self.campaign_spent(&campaign.id, None, None)?;
            let capped: i64 = self.connection().query_row(
                "SELECT COUNT(*) FROM ledger WHERE rule IN (SELECT value FROM json_each(?1)) AND reason LIKE '%campaign `' || ?2 || '` reached%'",
                params![serde_json::to_string(&campaign.rules).unwrap_or_default(), campaign.id],
                |r| r.get(0),
            )?;
            costs.push(CampaignCost {
                campaign: campaign.id.clone(),
                money: policy.club.credit.as_ref().map(|c| points * c.rate),
                points,
                budget_points: budget_points(policy, index),
                capped_awards: capped,
            });
        }
        Ok(costs)
    }

    /// Counts a purchase towards the member's challenges; a goal reached gives its bonus
    /// (an event of its own), its badge and a `challenge_completed` message.
    pub fn progress_challenges(
        &self,
        policy: &Policy,
        event: &Event,
        member: &mut MemberState,
    ) -> Result<()> {
        if event.kind != EventType::Purchase {
            return Ok(());
        }
        let calendar = policy.club.calendar;
        let day = event.time.with_timezone(&policy.zone).date_naive();
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
            self.connection()
                .prepare_cached(
                    "INSERT INTO challenge_progress (challenge, member, period, purchases, spend) VALUES (?1, ?2, ?3, 0, '0')
                     ON CONFLICT DO NOTHING",
                )?
                .execute(params![challenge.id, member.id, period])?;
            let (purchases, spend, done): (i64, String, Option<String>) = self.connection().query_row(
                "SELECT purchases, spend, completed_at FROM challenge_progress WHERE challenge = ?1 AND member = ?2 AND period = ?3",
                params![challenge.id, member.id, period],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            let purchases = purchases + 1;
            let spend = decimal(&spend)? + event.amount;
            let reached = done.is_none()
                && challenge
                    .goal
                    .purchases
                    .is_none_or(|n| purchases >= i64::from(n))
                && challenge.goal.spend.is_none_or(|s| spend >= s);
            self.connection().execute(
                "UPDATE challenge_progress SET purchases = ?4, spend = ?5, completed_at = COALESCE(completed_at, ?6) WHERE challenge = ?1 AND member = ?2 AND period = ?3",
                params![challenge.id, member.id, period, purchases, spend.normalize().to_string(), reached.then(|| stored(event.time))],
            )?;
            if !reached {
                continue;
            }
            let id = format!("challenge:{}:{}:{period}", challenge.id, member.id);
            if challenge.bonus > Decimal::ZERO {
                let bonus = Event::manual(
                    &id,
                    &member.id,
                    EventType::Deal,
                    Decimal::ZERO,
                    event.time,
                    Default::default(),
                );
                let name = challenge
                    .name
                    .clone()
                    .unwrap_or_else(|| challenge.id.clone());
                let outcome = Outcome {
                    policy_version: policy.id.clone(),
                    when_spent: policy.club.points.when_spent,
                    awards: vec![Award {
                        rule: format!("challenge:{}", challenge.id),
                        points: challenge.bonus,
                        reason: format!("challenge reached: {name}"),
                        policy_version: policy.id.clone(),
                        kind: EntryKind::Earn,
                        lot: Some(crate::engine::lot_terms(policy, None, event.time)),
                    }],
                    for_others: Vec::new(),
                    trace: Vec::new(),
                };
                self.apply_event(&bonus, &bonus.fingerprint(), &outcome, member)?;
            }
            if let Some(badge) = &challenge.badge {
                self.connection().execute(
                    "INSERT OR IGNORE INTO badges (member, badge, at, source) VALUES (?1, ?2, ?3, ?4)",
                    params![member.id, badge, stored(event.time), id],
                )?;
            }
            let occasion = crate::messaging::Occasion::new("challenge_completed", id, event.time)
                .with(
                    "challenge",
                    crate::messaging::Value::Text(
                        challenge
                            .name
                            .clone()
                            .unwrap_or_else(|| challenge.id.clone()),
                    ),
                )
                .with("points", crate::messaging::Value::Number(challenge.bonus));
            self.emit(policy, member, &occasion)?;
        }
        Ok(())
    }

    /// The member's challenge progress, latest period first.
    pub fn challenge_progress(&self, member: &str) -> Result<Vec<ChallengeProgress>> {
        let mut statement = self.connection().prepare_cached(
            "SELECT challenge, period, purchases, spend, completed_at FROM challenge_progress WHERE member = ?1 ORDER BY period DESC, challenge",
        )?;
        let rows = statement.query_map([member], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get::<_, String>(3)?,
                r.get(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (challenge, period, purchases, spend, completed_at) = row?;
            out.push(ChallengeProgress {
                challenge,
                period,
                purchases,
                spend: decimal(&spend)?,
                completed_at,
            });
        }
        Ok(out)
    }

    /// The member's badges, in the order earned.
    pub fn badges(&self, member: &str) -> Result<Vec<String>> {
        let mut statement = self
            .connection()
            .prepare_cached("SELECT badge FROM badges WHERE member = ?1 ORDER BY at, badge")?;
        let rows = statement.query_map([member], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
