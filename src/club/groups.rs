//! `groups:` in `club.yaml`: the kinds of group (a household, a company) whose members
//! share one account, the pool. Members join and leave a group by events (`join`,
//! `leave`); a kind says where its members' points go (to the member, to the pool, or
//! split), which roles may spend the pool and how much a month, and whether members enjoy
//! the group's tier. The decisions are in `decide::groups`.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A kind of group, e.g. `household` or `company`: members join one group of a kind at a
/// time, with a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct GroupKind {
    /// Short identifier, named by `join` events' `kind` attribute (when the club has more
    /// than one kind), e.g. `company`.
    pub id: String,
    /// Free text for whoever maintains the club.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the points members earn go: `member` (their own account, the default),
    /// `group` (the group's pool) or `split` (the pool gets `group_share` of each award,
    /// the member the rest). Only the purchases of roles with `earns_to_group` go to the
    /// pool.
    #[serde(default)]
    pub earn: GroupEarn,
    /// With `earn: split`: the pool's part of each award, e.g. `70%` (the member keeps 30%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_share: Option<String>,
    /// With `earn: function`: a Rhai `fn name(event, member)` in the club's scripts
    /// returning the pool's part of the event's points in percent (0 to 100): 100 sends
    /// them all to the pool, 0 leaves them with the member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Whether a member earns at the group's tier when it is above their own (the group's
    /// tier comes from its pool: every purchase that went to it).
    #[serde(default)]
    pub members_get_group_tier: bool,
    /// The roles a member may hold, e.g. `owner`, `payer`, `buyer`.
    pub roles: Vec<GroupRole>,
}

/// Where a group's members' points go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GroupEarn {
    /// The member's own account.
    #[default]
    Member,
    /// The group's pool.
    Group,
    /// Part to the pool (`group_share`), the rest to the member.
    Split,
    /// As the kind's `function` says for each event.
    Function,
}

/// A role in a group: whether its holders' purchases earn for the pool and whether, and
/// how much, they may spend from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct GroupRole {
    /// Short identifier, the `role` attribute of a `join` event, e.g. `buyer`.
    pub id: String,
    /// Whether the role may spend the pool's points (a redemption `--from-group`).
    #[serde(default)]
    pub spend: bool,
    /// With `spend`: at most this many points from the pool per calendar month (the
    /// club's calendar), per member. None: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_limit: Option<Decimal>,
    /// Whether the purchases of members in this role earn for the pool as the kind's
    /// `earn` says (default yes); if not, they earn for the member alone.
    #[serde(default = "yes")]
    pub earns_to_group: bool,
}

fn yes() -> bool {
    true
}

impl GroupKind {
    /// The role `id`, if the kind has it.
    pub fn role(&self, id: &str) -> Option<&GroupRole> {
        self.roles.iter().find(|r| r.id == id)
    }

    /// The pool's part of each award, as a fraction (0.7 for `70%`): 1 for `earn: group`,
    /// 0 for `earn: member` (and `earn: function`, which the decision asks the script).
    pub fn pool_fraction(&self) -> Decimal {
        match self.earn {
            GroupEarn::Member | GroupEarn::Function => Decimal::ZERO,
            GroupEarn::Group => Decimal::ONE,
            GroupEarn::Split => self
                .group_share
                .as_deref()
                .and_then(super::parse_percent)
                .filter(|p| *p <= Decimal::ONE_HUNDRED)
                .map(|p| p / Decimal::ONE_HUNDRED)
                .unwrap_or_default(),
        }
    }
}
