//! What a member's standing gives them right now: the tier whose benefits they have (their
//! own, or a higher one a deal guarantees), the deals whose benefits hold, the perks and
//! multipliers those bring, and the member as scripts see them.

use rust_decimal::Decimal;

use crate::club::{DealDefinition, TierDefinition};
use crate::member::{DealState, MemberState};
use crate::policy::script_values::ScriptMember;
use crate::policy::Policy;

/// The tier named `id`, as an index into the club's tiers (lowest first).
pub fn tier_index(policy: &Policy, id: Option<&str>) -> Option<usize> {
    id.and_then(|id| policy.club.tiers.iter().position(|t| t.id == id))
}

/// The tier whose benefits the member has: their own, or a higher one a deal gives.
pub fn tier_of<'a>(policy: &'a Policy, member: &MemberState) -> Option<&'a TierDefinition> {
    let own = tier_index(policy, member.tier.as_deref());
    own.max(tier_floor(policy, member))
        .map(|i| &policy.club.tiers[i])
}

/// The deals whose benefits hold for `member`: active ones.
pub fn active_deals<'a>(
    policy: &'a Policy,
    member: &'a MemberState,
) -> impl Iterator<Item = &'a DealDefinition> + 'a {
    member
        .deals
        .iter()
        .filter(|d| d.state == DealState::Active)
        .filter_map(move |d| policy.club.deals.iter().find(|def| def.id == d.deal))
}

/// The lowest tier `member`'s deals guarantee: active deals' benefit tiers, and completion
/// tiers the clock has not yet ended (it clears `tier_until` when it passes).
pub fn tier_floor(policy: &Policy, member: &MemberState) -> Option<usize> {
    let index = |id: &str| policy.club.tiers.iter().position(|t| t.id == id);
    let from_active = active_deals(policy, member)
        .filter_map(|d| d.benefits.tier.as_deref())
        .filter_map(index);
    let from_completed = member
        .deals
        .iter()
        .filter(|d| d.state == DealState::Completed && d.tier_until.is_some())
        .filter_map(|d| policy.club.deals.iter().find(|def| def.id == d.deal))
        .filter_map(|d| d.completion.tier.as_deref())
        .filter_map(index);
    from_active.chain(from_completed).max()
}

/// The extra multipliers of active deals: (deal id, multiplier).
pub fn deal_multipliers<'a>(
    policy: &'a Policy,
    member: &'a MemberState,
) -> Vec<(&'a str, Decimal)> {
    active_deals(policy, member)
        .filter_map(|d| d.benefits.multiplier.map(|m| (d.id.as_str(), m)))
        .filter(|(_, m)| *m != Decimal::ONE)
        .collect()
}

/// The member as scripts see them, with the perks of their tier and active deals and
/// their tier's multiplier.
pub fn member_value(member: &MemberState, policy: &Policy) -> ScriptMember {
    let tier = tier_of(policy, member);
    let perks = tier
        .map(|t| t.perks.clone())
        .unwrap_or_default()
        .into_iter()
        .chain(active_deals(policy, member).flat_map(|d| d.benefits.perks.clone()))
        .collect();
    let multiplier = tier.and_then(|t| t.multiplier).unwrap_or(Decimal::ONE);
    crate::policy::script_values::member_value(member, policy, perks, multiplier)
}
