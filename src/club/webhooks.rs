//! Outbound event webhooks (`webhooks:` in club.yaml): the systems a club tells what
//! happened (points earned, a tier changed, a reward redeemed, a deal completed...), as
//! integrators know them from payment platforms: each event POSTed as JSON, signed with
//! HMAC-SHA256 over a timestamp and the body, retried with backoff, with an id the
//! receiver drops repeats by. What is sent is decided with everything else and written to
//! the ledger's outbox in the same transaction ([`crate::webhooks`] sends it).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A system the club tells what happens, e.g. a CRM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct WebhookDefinition {
    /// Identifier, e.g. `crm`: what was sent to it is tracked under it.
    pub id: String,
    /// Where each event is POSTed: an http:// or https:// address, or one from the
    /// environment (`${CRM_WEBHOOK_URL}`).
    pub url: String,
    /// The environment variable holding the signing secret, written `${NAME}` (secrets
    /// never go in the club's files). The receiver checks the `Bashgah-Signature` header
    /// with it.
    pub secret: String,
    /// What to send (default: every kind of event).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<WebhookEvent>,
    /// Attempts at one event before it is set aside and the next is sent (default 10:
    /// waits of 10 s, doubling, at most an hour apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
}

/// Attempts at one event unless the webhook says otherwise.
pub const DEFAULT_WEBHOOK_ATTEMPTS: u32 = 10;

impl WebhookDefinition {
    /// Whether this webhook is sent events of `kind`.
    pub fn wants(&self, kind: WebhookEvent) -> bool {
        self.events.is_empty() || self.events.contains(&kind)
    }

    /// The environment variable `secret` names (`${NAME}`), if it is written so.
    pub fn secret_variable(&self) -> Option<&str> {
        self.secret
            .trim()
            .strip_prefix("${")
            .and_then(|rest| rest.strip_suffix('}'))
            .filter(|name| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
    }
}

/// What happened, as a webhook is told.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WebhookEvent {
    /// An event gave the member points (a purchase, a bonus, an adjustment, a transfer
    /// in, a deal's reward...).
    PointsEarned,
    /// An event took points (a return, an adjustment, a transfer out, a conversion...).
    PointsTaken,
    /// Points expired.
    PointsExpired,
    /// A reward was redeemed (with its code, if it has one).
    RewardRedeemed,
    /// A redemption was cancelled: its points came back.
    RedemptionCancelled,
    /// The member moved to another tier (or into their first).
    TierChanged,
    /// A commitment deal was kept to its end.
    DealCompleted,
    /// A commitment deal's commitment was missed.
    DealFailed,
    /// A new member's first event.
    MemberEnrolled,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 9] = [
        WebhookEvent::PointsEarned,
        WebhookEvent::PointsTaken,
        WebhookEvent::PointsExpired,
        WebhookEvent::RewardRedeemed,
        WebhookEvent::RedemptionCancelled,
        WebhookEvent::TierChanged,
        WebhookEvent::DealCompleted,
        WebhookEvent::DealFailed,
        WebhookEvent::MemberEnrolled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::PointsEarned => "points_earned",
            WebhookEvent::PointsTaken => "points_taken",
            WebhookEvent::PointsExpired => "points_expired",
            WebhookEvent::RewardRedeemed => "reward_redeemed",
            WebhookEvent::RedemptionCancelled => "redemption_cancelled",
            WebhookEvent::TierChanged => "tier_changed",
            WebhookEvent::DealCompleted => "deal_completed",
            WebhookEvent::DealFailed => "deal_failed",
            WebhookEvent::MemberEnrolled => "member_enrolled",
        }
    }
}
