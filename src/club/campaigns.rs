//! The `campaigns:` and `challenges:` sections of `club.yaml`: time-boxed rules for a
//! segment of members, under a budget; and goals members reach for a bonus and a badge.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A campaign: some rules that award only inside a date window, only to a segment of
/// members, and only until its budget is spent.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CampaignDefinition {
    /// Identifier used in statements and reports, e.g. `yalda`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// First day, in the club's calendar, e.g. `1403-09-25`.
    pub from: String,
    /// Last day (included), in the club's calendar.
    pub to: String,
    /// Rules (ids from `rules`) that award only inside this campaign.
    pub rules: Vec<String>,
    /// Who takes part; every condition given must hold. Everyone when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<Segment>,
    /// Members of these tiers take part this many days before everyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_access: Option<EarlyAccess>,
    /// Limits on what the campaign gives. When one is reached the campaign stops awarding,
    /// and the ledger says so on the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Budget>,
    /// A share of members kept out of the campaign to measure its lift, e.g. `10%`: chosen
    /// by their id, recorded when the campaign would first have rewarded them, and compared
    /// with the rewarded members in `report`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holdout: Option<String>,
}

/// Members a campaign is for.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Segment {
    /// Only members in these tiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<String>,
    /// Only members of these types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_types: Vec<String>,
    /// Only members for whom this script function, `fn name(member)`, returns true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
}

/// An earlier start for some members.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct EarlyAccess {
    /// How many days before `from`.
    pub days: u32,
    /// The tiers that get in early.
    pub tiers: Vec<String>,
}

/// A campaign's limits, in points or in money (points are worth `credit.rate` each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Budget {
    /// The most points the campaign gives in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<Decimal>,
    /// The most the campaign costs in all, in the club's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money: Option<Decimal>,
    /// The most one member gets, per day, week or month, or in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_member: Option<MemberBudget>,
}

/// A limit per member.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct MemberBudget {
    pub points: Decimal,
    /// `day`, `week` (from Saturday in a Jalali club, Monday otherwise), `month`, or
    /// `campaign` (the whole campaign).
    #[serde(default)]
    pub per: BudgetPeriod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BudgetPeriod {
    Day,
    Week,
    Month,
    #[default]
    Campaign,
}

/// A challenge: reach a goal within a period (five purchases in a month, say) and earn a
/// bonus and a badge. Progress is kept per member and period.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ChallengeDefinition {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The period progress counts in (club calendar): `month`, `quarter` or `year`.
    pub period: crate::calendar::Period,
    /// What to reach; every goal given must be met.
    pub goal: Goal,
    /// Points given when the goal is reached (once per period).
    #[serde(default)]
    pub bonus: Decimal,
    /// A badge the member keeps, e.g. `regular`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
}

/// A challenge's goal.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Goal {
    /// At least this many purchases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchases: Option<u32>,
    /// At least this much spent, in the club's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spend: Option<Decimal>,
}
