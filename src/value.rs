//! The value parts of `bashgah report` (issue 18): what the points members hold are worth
//! (the liability), how members spread over the tiers and moved between them, what each
//! campaign cost and what the purchases it rewarded brought in, against its holdout, the
//! settlement with each partner per month net of returns, and members by the margin their
//! purchases brought less what their points are worth.
//!
//! Every figure is as the ledger stood at the report's instant: sums of the rows written
//! up to then (`ledger::value`), never the members table's cached balances and tiers.
//! Reading only, exact (`Decimal`, checked sums: a sum past 28 digits is an error, never a
//! rounding or a panic).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ledger::{Ledger, LedgerError, ValueEvent};
use crate::policy::Policy;

type Result<T> = std::result::Result<T, LedgerError>;

fn overflow() -> LedgerError {
    LedgerError::corrupt("a sum in the report grew past 28 digits")
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(overflow)
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_mul(b).ok_or_else(overflow)
}

/// The value parts of the report.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct ValueReport {
    /// What one point is worth in the club's currency (`reports.point_value`, else
    /// `credit.rate`); without it no money is shown.
    pub point_value: Option<Decimal>,
    pub liability: Liability,
    /// Tier changes per month of the club's calendar, up to the report's instant.
    pub tier_movement: Vec<TierMonth>,
    pub campaigns: Vec<CampaignValue>,
    /// Per month of the club's calendar and partner, returns deducted in their month.
    pub settlement: Vec<Settlement>,
    /// Members by margin less the worth of their points, when the club gives margins.
    pub profitability: Option<Profitability>,
    /// Each member who had joined by then, with their balance then (for the segments).
    #[serde(skip)]
    #[schemars(skip)]
    pub balances: BTreeMap<String, Decimal>,
}

/// The points members hold and their worth, in all and per tier.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Liability {
    pub members: usize,
    pub points: Decimal,
    pub money: Option<Decimal>,
    /// Per tier held at the instant (lowest first; `null`: no tier), members without a
    /// tier last.
    pub tiers: Vec<TierHolding>,
}

/// The members of one tier and what they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TierHolding {
    pub tier: Option<String>,
    pub members: usize,
    pub points: Decimal,
    pub money: Option<Decimal>,
}

/// The tier changes of one month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TierMonth {
    /// `YYYY-MM` in the club's calendar.
    pub month: String,
    /// Members given their first tier.
    pub entered: usize,
    pub upgrades: usize,
    pub downgrades: usize,
}

/// A campaign's cost, the revenue of the purchases it rewarded, and its lift over the
/// members its holdout kept out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CampaignValue {
    pub campaign: String,
    /// Points the campaign gave.
    pub points: Decimal,
    pub money: Option<Decimal>,
    /// Purchases the campaign rewarded, and their amount net of returns.
    pub purchases: usize,
    pub revenue: Decimal,
    /// Members the campaign rewarded, and what they bought in its window per member (net
    /// of returns).
    pub rewarded_members: usize,
    pub rewarded_revenue_per_member: Option<Decimal>,
    /// The declared holdout (`10%`), if any.
    pub holdout: Option<String>,
    /// Members kept out, and what they bought in the window per member (net of returns).
    pub holdout_members: usize,
    pub holdout_revenue_per_member: Option<Decimal>,
    /// How much more the rewarded members bought per member than the held out, in percent
    /// (two places): `(rewarded ÷ held out − 1) × 100`.
    pub lift_percent: Option<Decimal>,
}

/// What one partner's purchases earned in one month, less what returns took back then.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Settlement {
    /// `YYYY-MM` in the club's calendar.
    pub month: String,
    pub partner: String,
    pub purchases: usize,
    pub amount: Decimal,
    pub returns: usize,
    /// The amount returned (of this partner's purchases, in this month).
    pub returned: Decimal,
    /// Points the purchases earned less the points the returns took back.
    pub points: Decimal,
    pub money: Option<Decimal>,
}

/// Members by profitability: the margin their purchases brought (net of returns) less the
/// worth of the points rules gave them (net of returns).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Profitability {
    /// `loss` (below zero), `none` (zero: nothing bought, or no margin known) and
    /// `profitable`, in that order.
    pub segments: Vec<ProfitSegment>,
    /// Every member, most profitable first (ties by id).
    pub members: Vec<MemberProfit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ProfitSegment {
    pub segment: String,
    pub members: usize,
    pub margin: Decimal,
    pub points: Decimal,
    pub worth: Decimal,
    pub net: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MemberProfit {
    pub member: String,
    pub margin: Decimal,
    /// Points rules gave (net of what returns took back).
    pub points: Decimal,
    pub worth: Decimal,
    pub net: Decimal,
}

/// What one point is worth: `reports.point_value`, else `credit.rate`.
pub fn point_value(policy: &Policy) -> Option<Decimal> {
    policy
        .club
        .reports
        .as_ref()
        .and_then(|r| r.point_value)
        .or_else(|| policy.club.credit.as_ref().map(|c| c.rate))
}

fn worth(points: Decimal, value: Option<Decimal>) -> Result<Option<Decimal>> {
    value
        .map(|v| mul(points, v).map(|m| m.normalize()))
        .transpose()
}

/// The margin a purchase brought: each line's own `margin`, else its price × quantity ×
/// its category's share (or `reports.margin`); without line items, the amount ×
/// `reports.margin`. Zero where no margin is known.
pub fn purchase_margin(policy: &Policy, event: &ValueEvent) -> Result<Decimal> {
    margin_of(policy, &event.items, event.amount)
}

/// [`purchase_margin`] of line items and an amount.
pub fn margin_of(
    policy: &Policy,
    items: &[crate::event::LineItem],
    amount: Decimal,
) -> Result<Decimal> {
    let Some(settings) = policy.club.reports.as_ref() else {
        return Ok(Decimal::ZERO);
    };
    if items.is_empty() {
        return Ok(settings
            .margin_of(None)
            .map(|share| mul(amount, share))
            .transpose()?
            .unwrap_or_default());
    }
    let mut total = Decimal::ZERO;
    for item in items {
        let line = match (item.margin, settings.margin_of(item.category.as_deref())) {
            (Some(margin), _) => margin,
            (None, Some(share)) => mul(mul(item.qty, item.price)?, share)?,
            (None, None) => Decimal::ZERO,
        };
        total = add(total, line)?;
    }
    Ok(total)
}

/// The club-calendar month (`YYYY-MM`) of a stored time.
fn month_of(policy: &Policy, stored: &str) -> String {
    let day = crate::time::from_stored(stored)
        .map(|t| policy.local_date(t))
        .unwrap_or_else(|| stored.to_owned());
    day.get(..7).unwrap_or(&day).to_owned()
}

/// The value report as at `at`.
pub fn build(ledger: &Ledger, policy: &Policy, at: DateTime<Utc>) -> Result<ValueReport> {
    let until = crate::time::stored(at);
    let value = point_value(policy);
    // A pool's mirror of a purchase (`decide::groups`) is the member's purchase again:
    // counted once, as the member's, with the points it brought the pool added to it.
    let (mirrors, events): (Vec<ValueEvent>, Vec<ValueEvent>) = ledger
        .value_events_until(&until)?
        .into_iter()
        .partition(|e| e.mirror_of.is_some());
    let mirrored: HashMap<&str, &str> = mirrors
        .iter()
        .filter_map(|m| Some((m.id.as_str(), m.mirror_of.as_deref()?)))
        .collect();
    let by_id: HashMap<&str, &ValueEvent> = events.iter().map(|e| (e.id.as_str(), e)).collect();
    // A partner's purchases and the returns of them: the events whose points settlement sums.
    let partner_of = |event: &ValueEvent| -> Option<String> {
        if event.is_return {
            let original = by_id.get(event.original.as_deref()?)?;
            original.partner.clone()
        } else {
            event.partner.clone()
        }
    };
    let settled: BTreeSet<&str> = events
        .iter()
        .filter(|e| partner_of(e).is_some())
        .map(|e| e.id.as_str())
        .collect();
    let (points, mut by_event) = ledger.points_until(&until, |event| {
        settled.contains(mirrored.get(event).copied().unwrap_or(event))
    })?;
    for (mirror, original) in &mirrored {
        if let Some(pool) = by_event.remove(*mirror) {
            let sum = by_event.entry((*original).to_owned()).or_default();
            *sum = add(*sum, pool)?;
        }
    }
    let members = ledger.members_joined_by(&until)?;
    let tiers = tiers_at(policy, ledger, &until)?;

    // Liability, per tier as held at the instant.
    let mut liability = Liability::default();
    let mut holdings: BTreeMap<Option<usize>, (usize, Decimal)> = BTreeMap::new();
    let mut balances = BTreeMap::new();
    for member in &members {
        let balance = points.get(member).map(|p| p.balance).unwrap_or_default();
        balances.insert(member.clone(), balance);
        let tier = tiers
            .0
            .get(member)
            .and_then(|t| policy.club.tiers.iter().position(|d| &d.id == t));
        let slot = holdings.entry(tier).or_default();
        slot.0 += 1;
        slot.1 = add(slot.1, balance)?;
        liability.members += 1;
        liability.points = add(liability.points, balance)?;
    }
    liability.money = worth(liability.points, value)?;
    // Tiers lowest first, members without one last.
    let mut order: Vec<(Option<usize>, (usize, Decimal))> = holdings.into_iter().collect();
    order.sort_by_key(|(tier, _)| tier.map_or(usize::MAX, |t| t));
    for (tier, (count, held)) in order {
        liability.tiers.push(TierHolding {
            tier: tier.map(|t| policy.club.tiers[t].id.clone()),
            members: count,
            points: held,
            money: worth(held, value)?,
        });
    }

    let settlement = settlement(policy, &events, &by_event, &partner_of, value)?;
    let campaigns = campaigns(policy, ledger, &until, &events, &by_id, value)?;
    let profitability = match policy.club.reports.as_ref() {
        Some(settings) if settings.has_margins() => Some(profitability(
            policy, &members, &events, &by_id, &points, value,
        )?),
        _ => None,
    };
    Ok(ValueReport {
        point_value: value,
        liability,
        tier_movement: tiers.1,
        campaigns,
        settlement,
        profitability,
        balances,
    })
}

/// Each member's tier at `until` (the last change up to then) and the changes per month.
fn tiers_at(
    policy: &Policy,
    ledger: &Ledger,
    until: &str,
) -> Result<(HashMap<String, String>, Vec<TierMonth>)> {
    let rank = |tier: &Option<String>| {
        tier.as_ref()
            .and_then(|t| policy.club.tiers.iter().position(|d| &d.id == t))
    };
    let mut held: HashMap<String, String> = HashMap::new();
    let mut months: BTreeMap<String, TierMonth> = BTreeMap::new();
    for step in ledger.tier_steps_until(until)? {
        let month = month_of(policy, &step.time);
        let line = months.entry(month.clone()).or_insert_with(|| TierMonth {
            month,
            ..TierMonth::default()
        });
        match (rank(&step.from), rank(&step.to)) {
            (None, Some(_)) => line.entered += 1,
            (Some(a), Some(b)) if b > a => line.upgrades += 1,
            (Some(a), Some(b)) if b < a => line.downgrades += 1,
            _ => {}
        }
        match step.to {
            Some(tier) => held.insert(step.member, tier),
            None => held.remove(&step.member),
        };
    }
    Ok((held, months.into_values().collect()))
}

fn settlement(
    policy: &Policy,
    events: &[ValueEvent],
    by_event: &HashMap<String, Decimal>,
    partner_of: &dyn Fn(&ValueEvent) -> Option<String>,
    value: Option<Decimal>,
) -> Result<Vec<Settlement>> {
    let mut lines: BTreeMap<(String, String), Settlement> = BTreeMap::new();
    for event in events {
        let Some(partner) = partner_of(event) else {
            continue;
        };
        let month = month_of(policy, &event.time);
        let line = lines
            .entry((month.clone(), partner.clone()))
            .or_insert_with(|| Settlement {
                month,
                partner,
                ..Settlement::default()
            });
        if event.is_return {
            line.returns += 1;
            line.returned = add(line.returned, event.amount)?;
        } else {
            line.purchases += 1;
            line.amount = add(line.amount, event.amount)?;
        }
        let points = by_event.get(&event.id).copied().unwrap_or_default();
        line.points = add(line.points, points)?;
    }
    lines
        .into_values()
        .map(|mut line| {
            line.money = worth(line.points, value)?;
            Ok(line)
        })
        .collect()
}

/// A purchase's amount, less what returns of it up to the instant took back.
fn net_amounts(events: &[ValueEvent]) -> Result<HashMap<&str, Decimal>> {
    let mut net: HashMap<&str, Decimal> = HashMap::new();
    for event in events {
        if event.is_return {
            if let Some(original) = event.original.as_deref() {
                if let Some(amount) = net.get_mut(original) {
                    *amount = amount.checked_sub(event.amount).ok_or_else(overflow)?;
                }
            }
        } else {
            net.insert(event.id.as_str(), event.amount);
        }
    }
    Ok(net)
}

fn per_member(total: Decimal, members: usize) -> Option<Decimal> {
    (members > 0).then(|| {
        (total / Decimal::from(members as u64))
            .round_dp(2)
            .normalize()
    })
}

fn campaigns(
    policy: &Policy,
    ledger: &Ledger,
    until: &str,
    events: &[ValueEvent],
    by_id: &HashMap<&str, &ValueEvent>,
    value: Option<Decimal>,
) -> Result<Vec<CampaignValue>> {
    if policy.club.campaigns.is_empty() {
        return Ok(Vec::new());
    }
    let net = net_amounts(events)?;
    let spend = ledger.campaign_spend_until(until)?;
    let holdouts = ledger.campaign_holdouts_until(until)?;
    let calendar = policy.club.calendar;
    let mut out = Vec::new();
    for campaign in &policy.club.campaigns {
        let mut line = CampaignValue {
            campaign: campaign.id.clone(),
            holdout: campaign.holdout.clone(),
            ..CampaignValue::default()
        };
        let mut rewarded_events: BTreeSet<&str> = BTreeSet::new();
        let mut rewarded: BTreeSet<&str> = BTreeSet::new();
        for (id, member, event, points) in &spend {
            if id != &campaign.id {
                continue;
            }
            line.points = add(line.points, *points)?;
            if by_id.get(event.as_str()).is_some_and(|e| !e.is_return) && !points.is_zero() {
                rewarded_events.insert(event.as_str());
                rewarded.insert(member.as_str());
            }
        }
        line.money = worth(line.points, value)?;
        line.purchases = rewarded_events.len();
        for event in &rewarded_events {
            line.revenue = add(line.revenue, net.get(event).copied().unwrap_or_default())?;
        }
        let held: BTreeSet<&str> = holdouts
            .iter()
            .filter(|(id, _)| id == &campaign.id)
            .map(|(_, member)| member.as_str())
            .collect();
        // What each group bought in the campaign's window, net of returns.
        let window = (
            calendar.parse_date(&campaign.from).ok(),
            calendar.parse_date(&campaign.to).ok(),
        );
        let (mut rewarded_total, mut held_total) = (Decimal::ZERO, Decimal::ZERO);
        for event in events.iter().filter(|e| !e.is_return) {
            let Some(time) = crate::time::from_stored(&event.time) else {
                continue;
            };
            let day = time.with_timezone(&policy.zone).date_naive();
            let inside =
                window.0.is_none_or(|from| day >= from) && window.1.is_none_or(|to| day <= to);
            if !inside {
                continue;
            }
            let amount = net.get(event.id.as_str()).copied().unwrap_or_default();
            if rewarded.contains(event.member.as_str()) {
                rewarded_total = add(rewarded_total, amount)?;
            } else if held.contains(event.member.as_str()) {
                held_total = add(held_total, amount)?;
            }
        }
        line.rewarded_members = rewarded.len();
        line.holdout_members = held.len();
        line.rewarded_revenue_per_member = per_member(rewarded_total, rewarded.len());
        line.holdout_revenue_per_member = per_member(held_total, held.len());
        line.lift_percent = match (
            line.rewarded_revenue_per_member,
            line.holdout_revenue_per_member,
        ) {
            (Some(treated), Some(control)) if !control.is_zero() => treated
                .checked_div(control)
                .and_then(|ratio| (ratio - Decimal::ONE).checked_mul(Decimal::ONE_HUNDRED))
                .map(|lift| lift.round_dp(2).normalize()),
            _ => None,
        };
        out.push(line);
    }
    Ok(out)
}

fn profitability(
    policy: &Policy,
    members: &[String],
    events: &[ValueEvent],
    by_id: &HashMap<&str, &ValueEvent>,
    points: &BTreeMap<String, crate::ledger::MemberPoints>,
    value: Option<Decimal>,
) -> Result<Profitability> {
    let mut margins: HashMap<&str, Decimal> = HashMap::new();
    for event in events {
        let margin = if event.is_return {
            // A return takes back the margin in the share of the purchase it returns.
            match event.original.as_deref().and_then(|o| by_id.get(o)) {
                Some(original) if !original.amount.is_zero() => {
                    let whole = purchase_margin(policy, original)?;
                    -crate::amount::share(
                        whole,
                        event.amount.min(original.amount),
                        original.amount,
                        crate::amount::currency_decimals(&policy.club.currency),
                    )
                    .map_err(|_| overflow())?
                }
                _ => Decimal::ZERO,
            }
        } else {
            purchase_margin(policy, event)?
        };
        let sum = margins.entry(event.member.as_str()).or_default();
        *sum = add(*sum, margin)?;
    }
    let mut rows = Vec::new();
    for member in members {
        let margin = margins.get(member.as_str()).copied().unwrap_or_default();
        let given = points.get(member).map(|p| p.given).unwrap_or_default();
        let worth = worth(given, value)?.unwrap_or_default();
        rows.push(MemberProfit {
            member: member.clone(),
            margin: margin.normalize(),
            points: given,
            worth,
            net: margin.checked_sub(worth).ok_or_else(overflow)?.normalize(),
        });
    }
    rows.sort_by(|a, b| b.net.cmp(&a.net).then_with(|| a.member.cmp(&b.member)));
    let mut segments: Vec<ProfitSegment> = ["loss", "none", "profitable"]
        .iter()
        .map(|name| ProfitSegment {
            segment: (*name).to_owned(),
            members: 0,
            margin: Decimal::ZERO,
            points: Decimal::ZERO,
            worth: Decimal::ZERO,
            net: Decimal::ZERO,
        })
        .collect();
    for row in &rows {
        let segment = &mut segments[match row.net.cmp(&Decimal::ZERO) {
            std::cmp::Ordering::Less => 0,
            std::cmp::Ordering::Equal => 1,
            std::cmp::Ordering::Greater => 2,
        }];
        segment.members += 1;
        segment.margin = add(segment.margin, row.margin)?;
        segment.points = add(segment.points, row.points)?;
        segment.worth = add(segment.worth, row.worth)?;
        segment.net = add(segment.net, row.net)?;
    }
    Ok(Profitability {
        segments,
        members: rows,
    })
}

/// A rule or campaign that gave away more of the margin than `reports.max_giveaway`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Giveaway {
    /// `rule` or `campaign`.
    pub kind: String,
    pub id: String,
    /// The worth of the points it gave on purchases.
    pub worth: Decimal,
    /// The margin of the purchases it gave points on.
    pub margin: Decimal,
    /// `worth` as a percentage of `margin` (two places; absent when the margin is zero).
    pub percent: Option<Decimal>,
}

/// What each rule and campaign gave on purchases: (`rule` or `campaign`, id) → (points,
/// the margin of the purchases it gave points on, each purchase once).
pub type GiveawayTotals = BTreeMap<(String, String), (Decimal, Decimal)>;

/// [`GiveawayTotals`] of the ledger's purchases.
pub fn giveaway_totals(ledger: &Ledger, policy: &Policy) -> Result<GiveawayTotals> {
    let mut given: BTreeMap<(String, String), (Decimal, BTreeMap<String, Decimal>)> =
        BTreeMap::new();
    for (rule, points, event, amount, items) in ledger.purchase_awards()? {
        if points <= Decimal::ZERO {
            continue;
        }
        let margin = margin_of(policy, &items, amount)?;
        let mut keys = vec![("rule".to_owned(), rule.clone())];
        if let Some(index) = policy.campaign_of(&rule) {
            keys.push((
                "campaign".to_owned(),
                policy.club.campaigns[index].id.clone(),
            ));
        }
        for key in keys {
            let slot = given.entry(key).or_default();
            slot.0 = add(slot.0, points)?;
            slot.1.insert(event.clone(), margin);
        }
    }
    let mut totals = GiveawayTotals::new();
    for (key, (points, events)) in given {
        let mut margin = Decimal::ZERO;
        for m in events.values() {
            margin = add(margin, *m)?;
        }
        totals.insert(key, (points, margin));
    }
    Ok(totals)
}

/// Adds `more` into `totals` (the policy tests' cases, each on a ledger of its own).
pub fn add_totals(totals: &mut GiveawayTotals, more: GiveawayTotals) -> Result<()> {
    for (key, (points, margin)) in more {
        let slot = totals.entry(key).or_default();
        slot.0 = add(slot.0, points)?;
        slot.1 = add(slot.1, margin)?;
    }
    Ok(())
}

/// The rules and campaigns of `totals` that gave away more than `reports.max_giveaway` of
/// the margin of the purchases they rewarded (the worth of their points at
/// [`point_value`]). Empty when the club declares no limit or no point value.
pub fn flagged(policy: &Policy, totals: &GiveawayTotals) -> Result<Vec<Giveaway>> {
    let (Some(limit), Some(value)) = (
        policy
            .club
            .reports
            .as_ref()
            .and_then(|r| r.max_giveaway_share()),
        point_value(policy),
    ) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for ((kind, id), (points, margin)) in totals {
        let worth = mul(*points, value)?.normalize();
        if worth > mul(*margin, limit)? {
            let percent = (!margin.is_zero())
                .then(|| worth.checked_div(*margin))
                .flatten()
                .and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
                .map(|p| p.round_dp(2).normalize());
            out.push(Giveaway {
                kind: kind.clone(),
                id: id.clone(),
                worth,
                margin: margin.normalize(),
                percent,
            });
        }
    }
    Ok(out)
}

/// [`flagged`] over the ledger's purchases.
pub fn giveaways(ledger: &Ledger, policy: &Policy) -> Result<Vec<Giveaway>> {
    if policy
        .club
        .reports
        .as_ref()
        .and_then(|r| r.max_giveaway.as_ref())
        .is_none()
    {
        return Ok(Vec::new());
    }
    flagged(policy, &giveaway_totals(ledger, policy)?)
}
