//! The typed shape of `club.yaml`.
//!
//! The doc comments here become the descriptions in the JSON Schema, which editors show
//! on hover, so they are written for the shop owner, not for Rust readers.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Span;
use crate::amount::Rounding;
use crate::calendar::{CalendarKind, Period};
use crate::event::EventType;

/// A customer club: who its members are, how they earn points, its tiers, rewards, deals,
/// campaigns and challenges, and what it tells its members.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ClubDefinition {
    /// Short identifier, the same as the club's folder name, e.g. `cafe`.
    pub id: String,
    /// The club's name as members see it.
    pub name: String,
    /// Free text for whoever maintains the club.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Currency of amounts, as a three-letter code: `IRR` (Rial), `IRT` (Toman), `EUR`...
    pub currency: String,
    /// Purchases in other currencies (AED, USD...): the declared rates they are converted
    /// at into `currency`, and how the converted amount is rounded; and `money`, how
    /// amounts are shown (`rial` or `toman`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currencies: Option<super::currencies::CurrencySettings>,
    /// How amounts of money are shown everywhere (the command line, the console, the
    /// API's texts and members' messages): `rial`, or `toman` (a tenth of the Rial
    /// amount; only for an `IRR` club). Absent: as `messages.money` says, else Rial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money: Option<super::messaging::MoneyUnit>,
    /// Calendar that months, years and birthdays follow, and that dates may be written in.
    #[serde(default)]
    pub calendar: CalendarKind,
    /// The language bashgah speaks to the people who run the club (`en` or `fa`): command
    /// output, errors, reports. `--lang` overrides it; members' messages have their own
    /// (`messages.language`). Unset: the shell's locale, else English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::locale::Lang>,
    /// IANA timezone of the club, e.g. `Asia/Tehran`. Times without an offset are read in it.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Kinds of member. The first one is given to members created on first sight.
    #[serde(default = "default_member_types")]
    pub member_types: Vec<MemberType>,
    /// How points are named and rounded.
    #[serde(default)]
    pub points: PointsSettings,
    /// Earning rules, applied in this order to every event of the types they name.
    pub rules: Vec<RuleDefinition>,
    /// Member tiers, lowest first (bronze, silver, gold...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<TierDefinition>,
    /// How members qualify for tiers and when they move down.
    #[serde(default)]
    pub tiering: Tiering,
    /// How returns take back points.
    #[serde(default)]
    pub returns: ReturnSettings,
    /// What members can spend points on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rewards: Vec<RewardDefinition>,
    /// Turning points into credit, a wallet in the club's currency that pays purchases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<CreditSettings>,
    /// Commitment-based deals: a member commits to a target every period for a number of
    /// periods, and gets benefits while the commitment is kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deals: Vec<DealDefinition>,
    /// Campaigns: rules that award only inside a date window, for a segment, under a budget.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaigns: Vec<super::campaigns::CampaignDefinition>,
    /// Challenges: a goal within a period (five purchases in a month) for a bonus and a badge.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub challenges: Vec<super::campaigns::ChallengeDefinition>,
    /// Contests: leaderboards with prizes by rank, and prize draws.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contests: Option<super::contests::ContestSettings>,
    /// Settings of the plugins the club's scripts import, checked against each plugin's
    /// manifest: `plugins: {referral: {bonus: 500}}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub plugins: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
    /// What `bashgah report` uses from the club's scripts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports: Option<ReportSettings>,
    /// Messages to members: templates per occasion and language, channels, consent, quiet
    /// hours and a daily cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<super::messaging::MessagingSettings>,
    /// How files exported by other systems (a POS, a CRM) are read: named import profiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<super::import_profiles::ImportSettings>,
    /// How the host process tries an edited version before it goes live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reload: Option<ReloadSettings>,
    /// Systems told of what happens in the club (a CRM, a BI tool): each event POSTed as
    /// signed JSON, retried until it is taken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webhooks: Vec<super::WebhookDefinition>,
    /// Kinds of group (a household, a company) whose members share one account, the pool:
    /// where their points go, who may spend the pool and how much, the group's tier.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<super::groups::GroupKind>,
}

/// The canary a new version passes before it goes live (besides the club's tests).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReloadSettings {
    /// How many of the club's most recent events a new version is tried on beside the
    /// live one (0: none). Default 10,000.
    #[serde(default = "default_canary_events")]
    pub canary_events: u32,
    /// Refuse a version that moves the points issued on those events by more than this,
    /// e.g. `20%`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_change: Option<String>,
}

/// Events tried when the club does not say (`reload.canary_events`).
pub const DEFAULT_CANARY_EVENTS: u32 = 10_000;

fn default_canary_events() -> u32 {
    DEFAULT_CANARY_EVENTS
}

/// `20%` as 20 (above 0, at most 10,000); `None` for anything else.
pub fn parse_percent(text: &str) -> Option<Decimal> {
    let number: Decimal = text.trim().strip_suffix('%')?.trim().parse().ok()?;
    (number > Decimal::ZERO && number <= Decimal::from(10_000)).then_some(number)
}

fn default_timezone() -> String {
    "UTC".into()
}

fn default_member_types() -> Vec<MemberType> {
    vec![
        MemberType {
            id: "individual".into(),
            kind: PersonKind::Natural,
            description: None,
        },
        MemberType {
            id: "business".into(),
            kind: PersonKind::Legal,
            description: None,
        },
    ]
}

/// How a return takes back the points its purchase earned. A return always takes from
/// the purchase's own points first, then from the rest of the balance; what the member no
/// longer has is owed (see `points.when_spent`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReturnSettings {
    /// When the purchase's own points expired before the return: `forgive` (the default:
    /// a member who already lost them is not charged for them twice), `take_from_balance`
    /// (take them from the member's other points), or `debt` (owe them, to be paid from
    /// later earnings).
    #[serde(default)]
    pub after_expiry: AfterExpiry,
}

/// What a return does about the share of its purchase's points that expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AfterExpiry {
    /// Not taken again.
    #[default]
    Forgive,
    /// Taken from the member's other points.
    TakeFromBalance,
    /// Owed, and paid from later earnings.
    Debt,
}

/// A kind of member, e.g. `individual` or `business`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct MemberType {
    /// Identifier used in member files and scripts (`member.type`).
    pub id: String,
    /// Whether members of this type are people or companies.
    #[serde(default)]
    pub kind: PersonKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A natural person (حقیقی) or a legal entity (حقوقی).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PersonKind {
    #[default]
    Natural,
    Legal,
}

/// How points are named and rounded.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct PointsSettings {
    /// What members call points, e.g. `stars` or `امتیاز`.
    #[serde(default = "default_points_name")]
    pub name: String,
    /// Decimal places points are kept to; 0 means whole points.
    #[serde(default)]
    pub precision: u32,
    /// How each award is rounded to `precision`.
    #[serde(default)]
    pub rounding: Rounding,
    /// How long earned points wait before they can be spent, e.g. `14d` (a return window).
    /// A return inside the window cancels them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Span>,
    /// When points expire. Rules may override it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<ExpiryPolicy>,
    /// What a return does when the points it takes back were already spent.
    #[serde(default)]
    pub when_spent: WhenSpent,
    /// Whether members may give points to each other (households, company branches).
    #[serde(default)]
    pub transfers: bool,
}

impl Default for PointsSettings {
    fn default() -> Self {
        PointsSettings {
            name: default_points_name(),
            precision: 0,
            rounding: Rounding::default(),
            pending: None,
            expiry: None,
            when_spent: WhenSpent::default(),
            transfers: false,
        }
    }
}

/// When points expire. Use `after` (optionally with `round_to`) or `end_of`, and/or
/// `inactivity`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ExpiryPolicy {
    /// A fixed time after earning, e.g. `12m`: points earned on 15 Dey 1403 are gone on
    /// 15 Dey 1404.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Span>,
    /// With `after`: push the expiry to the end of that month, quarter or year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_to: Option<Period>,
    /// Points expire at the end of the calendar month, quarter or year they were earned in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of: Option<Period>,
    /// The whole balance expires after this long without a purchase, e.g. `18m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactivity: Option<Span>,
    /// Tell the member this long before points expire, e.g. `30d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_before: Option<Span>,
}

/// What a return does when the points it takes back were already spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WhenSpent {
    /// Take what is there and record the rest as a debt that later earnings settle.
    #[default]
    Debt,
    /// Let the balance go below zero; later earnings bring it back.
    NegativeBalance,
}

fn default_points_name() -> String {
    "points".into()
}

/// One earning rule: a Rhai function that reads the event and the member and says how
/// many points to award.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RuleDefinition {
    /// Identifier shown in statements and traces, e.g. `base`.
    pub id: String,
    /// Name of the Rhai function `fn name(event, member)` in one of the club's `.rhai` files.
    pub function: String,
    /// Why members get these points; used as the reason when the function gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Event types the rule runs for.
    #[serde(default = "default_rule_events")]
    pub events: Vec<EventType>,
    /// Set to false to switch the rule off without deleting it.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Expiry for the points of this rule, instead of `points.expiry`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<ExpiryPolicy>,
}

fn default_rule_events() -> Vec<EventType> {
    vec![EventType::Purchase]
}

fn default_true() -> bool {
    true
}

/// A reward members can redeem points for.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RewardDefinition {
    /// Identifier used with `bashgah redeem`, e.g. `free-coffee`.
    pub id: String,
    /// The title per language, e.g. `{en: Free coffee, fa: قهوه رایگان}`.
    #[serde(default)]
    pub title: BTreeMap<String, String>,
    /// Points it costs.
    pub cost: Decimal,
    pub kind: RewardKind,
    /// How many can be redeemed in all; none means no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<u64>,
    /// How many times one member may redeem it; none means no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_member: Option<u64>,
    /// Member types that may redeem it; empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_types: Vec<String>,
    /// Tiers that may redeem it; empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<String>,
    /// First day it can be redeemed, in the club's calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// Last day it can be redeemed, in the club's calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// For `kind: credit`: the amount put in the member's credit wallet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<Decimal>,
    /// For `kind: partner`: the partner that honours it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    /// For a code (`discount_code`, `gift_card`): what it takes off a basket, e.g.
    /// `{percent: 10, up_to: 200000}` or `{amount: 50000}`. The till is told the exact
    /// amount when it checks the code with the basket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<Discount>,
    /// For a code: the smallest basket (in the club's currency) it can be used on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_basket: Option<Decimal>,
    /// For a code: how long after its redemption it can be used, e.g. `60d` (through that
    /// day, in the club's calendar). Unset: no end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_expires_after: Option<Span>,
}

/// What a code takes off a basket: a percentage (optionally capped) or a fixed amount, never
/// more than the basket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Discount {
    /// Percent of the basket, e.g. `10`. Rounded down to the basket's own decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<Decimal>,
    /// A fixed amount in the club's currency, e.g. `50000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    /// With `percent`: at most this much.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<Decimal>,
}

/// What a reward is. Discount codes, gift cards and partner rewards get a unique code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RewardKind {
    DiscountCode,
    Gift,
    FreeShipping,
    GiftCard,
    Service,
    Partner,
    Credit,
}

impl RewardKind {
    /// Whether redeeming it issues a code the member shows or types in.
    pub fn has_code(self) -> bool {
        matches!(
            self,
            RewardKind::DiscountCode | RewardKind::GiftCard | RewardKind::Partner
        )
    }
}

/// Points to credit: `rate` of the club's currency per point, from `minimum` points.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CreditSettings {
    /// Currency per point, e.g. 1000 (1 point = 1,000 IRR).
    pub rate: Decimal,
    /// The fewest points that can be converted at once.
    #[serde(default)]
    pub minimum: Decimal,
}

/// A commitment-based deal.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DealDefinition {
    /// Identifier used in `enroll` events (`deal` column) and statements.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How members join: with an `enroll` event naming the deal, or automatically at their
    /// first purchase.
    #[serde(default)]
    pub enroll: Enrollment,
    /// The length of one commitment period, in the club's calendar. Periods are whole:
    /// see `first_period` for which one comes first.
    pub period: DealPeriod,
    /// Which period is the first: `current` (the default) — the one that starts on the
    /// day of enrolment if a period starts that day, else the next one; `next` — always
    /// the period after the one the member enrolled in ("each of the three months after
    /// the month you joined").
    #[serde(default)]
    pub first_period: FirstPeriod,
    /// How many periods the commitment lasts. Give this or `window`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periods: Option<u32>,
    /// How long the commitment lasts, e.g. `3m`; the number of periods follows from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Span>,
    /// A Rhai `fn name(member, period)` returning true when the period's target was met;
    /// `period` holds `spend`, `visits`, `points`, `payments`, `index`, `start` and `end`.
    pub target: String,
    /// Periods that may be missed without failing.
    #[serde(default)]
    pub grace: u32,
    /// What the member gets while the deal is active.
    #[serde(default)]
    pub benefits: DealBenefits,
    /// What keeping every period gives.
    #[serde(default)]
    pub completion: DealCompletion,
    /// What failing does (besides ending the benefits).
    #[serde(default)]
    pub failure: DealFailure,
}

/// How members join a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Enrollment {
    /// An imported event of `type: enroll` with a `deal` column.
    #[default]
    Event,
    /// At the member's first purchase while not in the deal (once per member).
    Auto,
}

/// Which of a deal's periods is the member's first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FirstPeriod {
    /// The period starting on the day of enrolment, if one does; else the next.
    #[default]
    Current,
    /// The period after the one holding the day of enrolment.
    Next,
}

/// The length of a deal's commitment period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DealPeriod {
    Week,
    Month,
    Quarter,
}

/// Benefits while a deal is active.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DealBenefits {
    /// Extra points on what rules award, e.g. 1.2 gives 20% more (as separate entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<Decimal>,
    /// At least this tier while the deal is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Perks scripts can read while the deal is active.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub perks: Vec<String>,
}

/// What completing a deal gives.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DealCompletion {
    /// Points awarded at the last checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus: Option<Decimal>,
    /// At least this tier for `tier_months` after completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(default)]
    pub tier_months: u32,
}

/// What failing a deal does besides ending its benefits.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DealFailure {
    /// Take back the extra points the deal's multiplier gave.
    #[serde(default)]
    pub claw_back: bool,
}

/// How members qualify for tiers and when they move down.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Tiering {
    /// What a member's standing is measured by.
    #[serde(default)]
    pub metric: TierMetric,
    /// For `metric: function`: a Rhai `fn name(member, window)` returning a number, where
    /// `window` holds `spend`, `points` and `visits` over the tier window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// The stretch of time measured: `12m` (rolling), `calendar_year`, `anniversary_year`
    /// (from the member's last joining anniversary) or `lifetime`.
    #[serde(default = "default_window")]
    pub window: TierWindow,
    /// When moving down is considered: at the end of every month, quarter or year of the
    /// club calendar. Moving up happens as soon as a member qualifies.
    #[serde(default = "default_review")]
    pub review: Period,
    /// What a review does when a member no longer qualifies.
    #[serde(default)]
    pub downgrade: Downgrade,
    /// Whether the purchase that lifts a member to a tier earns at the new tier's rate.
    #[serde(default)]
    pub upgrade_earns_at: UpgradeEarns,
}

impl Default for Tiering {
    fn default() -> Self {
        Tiering {
            metric: TierMetric::default(),
            function: None,
            window: default_window(),
            review: default_review(),
            downgrade: Downgrade::default(),
            upgrade_earns_at: UpgradeEarns::default(),
        }
    }
}

fn default_window() -> TierWindow {
    TierWindow::Rolling(Span::Months(12))
}

fn default_review() -> Period {
    Period::Year
}

/// What qualifies a member for a tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TierMetric {
    /// Purchases less returns, in the club's currency.
    #[default]
    Spend,
    /// Points earned by rules (less those returns took back); never what was spent.
    Points,
    /// Number of purchases.
    Visits,
    /// The current balance (only if the club really wants it).
    Balance,
    /// A Rhai function (`tiering.function`).
    Function,
}

/// The stretch of time a tier metric is measured over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierWindow {
    Rolling(Span),
    CalendarYear,
    AnniversaryYear,
    Lifetime,
}

impl std::str::FromStr for TierWindow {
    type Err = String;
    fn from_str(text: &str) -> Result<TierWindow, String> {
        match text.trim() {
            "calendar_year" => Ok(TierWindow::CalendarYear),
            "anniversary_year" => Ok(TierWindow::AnniversaryYear),
            "lifetime" => Ok(TierWindow::Lifetime),
            other => match Span::parse(other) {
                Ok(span) => Ok(TierWindow::Rolling(span)),
                Err(too_long @ super::SpanError::TooLong) => Err(too_long.message(other)),
                Err(super::SpanError::NotASpan) => {
                    Err(crate::tr!("club-not-a-tier-window", text = other))
                }
            },
        }
    }
}

impl std::fmt::Display for TierWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TierWindow::Rolling(span) => write!(f, "{span}"),
            TierWindow::CalendarYear => f.write_str("calendar_year"),
            TierWindow::AnniversaryYear => f.write_str("anniversary_year"),
            TierWindow::Lifetime => f.write_str("lifetime"),
        }
    }
}

impl Serialize for TierWindow {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TierWindow {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<TierWindow, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for TierWindow {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TierWindow".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^([0-9]+[dwmy]|calendar_year|anniversary_year|lifetime)$",
            "description": "A rolling span (`12m`), `calendar_year`, `anniversary_year` or `lifetime`."
        })
    }
}

/// What a review does when a member no longer qualifies for their tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Downgrade {
    /// Move to whatever tier the member qualifies for now.
    #[default]
    Recompute,
    /// Move down one tier at most per review.
    OneStep,
    /// A tier reached in one review period is kept through the next one (as airlines do).
    KeepNextPeriod,
}

/// Whether the purchase that lifts a member to a tier earns at the old or the new rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UpgradeEarns {
    Old,
    #[default]
    New,
}

/// A member tier: what qualifies for it, and what it gives.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TierDefinition {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Qualifying amount of the metric per member type, e.g.
    /// `{individual: 5000000, business: 50000000}`. A member type without a threshold
    /// cannot reach the tier.
    #[serde(default)]
    pub thresholds: BTreeMap<String, Decimal>,
    /// Earn multiplier while the member holds the tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<Decimal>,
    /// Perks scripts can read, e.g. `free_shipping`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub perks: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// YAML numbers become exact decimals, never a nearby binary fraction.
    #[test]
    fn yaml_numbers_are_read_exactly() {
        let tier: TierDefinition =
            crate::yaml::from_str("id: gold\nmultiplier: 1.1\nthresholds: {individual: 0.3}")
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tier.multiplier, Some(Decimal::from_str("1.1").unwrap()));
        assert_eq!(
            tier.thresholds["individual"],
            Decimal::from_str("0.3").unwrap()
        );
    }
}

/// What `bashgah report` uses from the club's scripts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReportSettings {
    /// A function `fn name(member, now)` returning the member's segment (e.g. with the `rfm`
    /// plugin); the report counts members per segment and lists those at risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// What one point is worth in the club's currency, for the points liability and the
    /// worth of what rules give (default: `credit.rate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_value: Option<Decimal>,
    /// The margin of a line item's price per category, e.g. `{coffee: 60%, beans: 25%}`
    /// (a line item's own `margin`, in money, comes first).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub margins: BTreeMap<String, String>,
    /// The margin of the rest: lines of other categories and purchases without line items,
    /// e.g. `30%`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<String>,
    /// The most of a purchase's margin a rule or campaign may give away, e.g. `30%`:
    /// `check` (on the policy tests' purchases) and `simulate` flag one that gives more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_giveaway: Option<String>,
}
