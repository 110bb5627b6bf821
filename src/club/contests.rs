//! The `contests:` section of `club.yaml`: leaderboards (members ranked by a metric over a
//! window, prizes by rank when the window ends) and prize draws (entries earned by rule,
//! winners drawn from a seed the ledger records, so anyone can run the draw again).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::campaigns::Segment;

/// Leaderboards and prize draws.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ContestSettings {
    /// Members ranked by a metric over a window; prizes by rank when the window ends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leaderboards: Vec<Leaderboard>,
    /// Prize draws: entries earned by purchases in a window, winners drawn when it ends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub draws: Vec<Draw>,
}

/// A leaderboard, e.g. "most visits this month", with prizes for the top places.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Leaderboard {
    /// Identifier used in statements, reports and the API, e.g. `regulars`.
    pub id: String,
    /// The name members see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When it runs: fixed dates (`from`, `to`) or every `period` (month, quarter, year).
    pub window: Window,
    /// What ranks members: `spend` (purchases less returns), `visits` (purchases),
    /// `points` (points each event earned) or `function` (the script function named in
    /// `function`, `fn name(event, member)`, returning a number for each event).
    pub metric: Metric,
    /// The script function of `metric: function`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Who takes part; every condition given must hold when the event happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<Segment>,
    /// The least score that is ranked at all, e.g. `3` visits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Decimal>,
    /// How members with the same score are ordered: `earliest` (who reached the score
    /// first ranks higher; the default), `most_recent`, `split` (they share the places
    /// they hold and split those prizes' points) or `all` (each gets the prize of the best
    /// place they share).
    #[serde(default)]
    pub ties: TieBreak,
    /// Prizes by place: `{rank: 1, points: 500, badge: champion}`.
    pub prizes: Vec<RankPrize>,
}

/// A leaderboard's or a draw's window.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Window {
    /// First day, in the club's calendar, e.g. `1403-09-25`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day (included), in the club's calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Instead of dates: every `month`, `quarter` or `year` of the club's calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<crate::calendar::Period>,
}

/// What a leaderboard ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    Spend,
    Visits,
    Points,
    Function,
}

impl Metric {
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Spend => "spend",
            Metric::Visits => "visits",
            Metric::Points => "points",
            Metric::Function => "function",
        }
    }
}

/// How equal scores are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// Who reached the score first ranks higher.
    #[default]
    Earliest,
    /// Who reached the score last ranks higher.
    MostRecent,
    /// Tied members share their places, and the points of those places' prizes.
    Split,
    /// Tied members each get the prize of the best place they share.
    All,
}

/// A prize for a place.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RankPrize {
    /// The place, 1 for the first.
    pub rank: u32,
    /// Points added to the winner's balance, as a ledger entry with the reason.
    #[serde(default)]
    pub points: Decimal,
    /// A badge the winner keeps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
    /// A reward (an id from `rewards`) the club hands the winner; recorded with the
    /// result, not redeemed from points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward: Option<String>,
}

impl RankPrize {
    /// The prize of this place.
    pub fn prize(&self) -> Prize {
        Prize {
            points: self.points,
            badge: self.badge.clone(),
            reward: self.reward.clone(),
        }
    }
}

/// What a winner gets: points, a badge, a reward to hand over, or several of these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Prize {
    /// Points added to the winner's balance, as a ledger entry with the reason.
    #[serde(default)]
    pub points: Decimal,
    /// A badge the winner keeps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
    /// A reward (an id from `rewards`) the club hands the winner; recorded with the
    /// result, not redeemed from points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward: Option<String>,
}

/// A prize draw, e.g. Yalda night: one entry per 100,000 spent, three winners.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Draw {
    /// Identifier used in statements, reports and the API, e.g. `yalda`.
    pub id: String,
    /// The name members see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When purchases earn entries: fixed dates (`from`, `to`) or every `period`.
    pub window: Window,
    /// How purchases earn entries.
    pub entries: EntryRule,
    /// The most entries one member has in a draw (more are kept, not counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_entries: Option<u32>,
    /// Who takes part; every condition given must hold when the event happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<Segment>,
    /// The day of the draw (its start, club time), on or after the window's last day;
    /// fixed windows only. Default: when the window ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw_at: Option<String>,
    /// Text mixed into the seed, e.g. a number announced on the night; the seed is still
    /// made from the entries, so it cannot be chosen to pick a winner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// Prizes, one winner each, in the order drawn (the first prize to the first drawn).
    pub prizes: Vec<Prize>,
}

/// How a draw's entries are earned; give one of the two.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct EntryRule {
    /// One entry for each whole `per` of a purchase's amount, e.g. `100000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<Decimal>,
    /// A script function, `fn name(event, member)`, returning the whole number of entries
    /// an event earns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
}
