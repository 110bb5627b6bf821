//! Whether a campaign's rules run for this member at this time: inside the campaign's
//! window (opened early for early-access tiers) and inside its segment. Budgets are
//! applied by the decision stage after evaluation, against what was already given
//! ([`crate::decide`]).

use chrono::{DateTime, Utc};
use rhai::Dynamic;

use super::benefits::tier_of;
use super::EvalError;
use crate::member::MemberState;
use crate::policy::Policy;

/// Whether the member has early access to campaign `index`.
pub fn early(policy: &Policy, index: usize, member: &MemberState) -> bool {
    let Some(early) = &policy.club.campaigns[index].early_access else {
        return false;
    };
    tier_of(policy, member).is_some_and(|tier| early.tiers.contains(&tier.id))
}

/// Whether campaign `index` is open to `member` at `at`.
pub fn is_open(
    policy: &Policy,
    index: usize,
    member: &MemberState,
    member_value: &Dynamic,
    at: DateTime<Utc>,
) -> Result<bool, EvalError> {
    let campaign = &policy.club.campaigns[index];
    let window = &policy.campaigns[index];
    let start = if early(policy, index, member) {
        window.early_start
    } else {
        window.start
    };
    if at < start || at >= window.end {
        return Ok(false);
    }
    let Some(segment) = &campaign.segment else {
        return Ok(true);
    };
    if !segment.member_types.is_empty() && !segment.member_types.contains(&member.member_type) {
        return Ok(false);
    }
    if !segment.tiers.is_empty() {
        let tier = tier_of(policy, member);
        if !tier.is_some_and(|t| segment.tiers.contains(&t.id)) {
            return Ok(false);
        }
    }
    let (Some(function), Some(script)) = (&segment.function, window.segment_script) else {
        return Ok(true);
    };
    let failed = |message: String| EvalError {
        message: format!(
            "campaign `{}`: segment function `{function}` {message}",
            campaign.id
        ),
        location: None,
        source_line: None,
        column: None,
        help: None,
    };
    let value = policy
        .call(script, function, (member_value.clone(),))
        .map_err(|e| failed(format!("failed: {}", crate::policy::error_message(&e))))?;
    value.as_bool().map_err(|_| {
        failed(format!(
            "returned a {}, not true or false",
            value.type_name()
        ))
    })
}
