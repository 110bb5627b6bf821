//! What the club's webhooks are told: each happening a webhook asks for becomes an
//! [`OutboundRow`] of the plan, so it is written to the ledger's outbox in the very
//! transaction that records it — a webhook never tells of something the ledger does not
//! hold, and nothing the ledger holds goes untold. Nothing is decided here for a club
//! without webhooks.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::book::MemberBook;
use super::plan::{Change, OutboundRow, Posting};
use super::Decider;
use crate::club::WebhookEvent;
use crate::event::EventType;

impl Decider<'_> {
    /// Whether any of the club's webhooks wants events of `kind`.
    fn announces(&self, kind: WebhookEvent) -> bool {
        self.policy.club.webhooks.iter().any(|w| w.wants(kind))
    }

    /// Adds `kind` of `about` (a ledger event's id or an occasion's key) to the outbox, if
    /// a webhook wants it.
    pub(super) fn announce(
        &mut self,
        kind: WebhookEvent,
        about: &str,
        member: &str,
        at: DateTime<Utc>,
        data: Vec<(&'static str, String)>,
    ) {
        if self.policy.club.webhooks.is_empty() || !self.announces(kind) {
            return;
        }
        self.plan.changes.push(Change::Outbound(OutboundRow {
            id: format!("{}:{about}", kind.as_str()),
            kind,
            member: member.to_owned(),
            at,
            data,
        }));
    }

    /// What a posting tells: points earned or taken, or expired. Redemptions and their
    /// cancellations say more, where they are decided.
    pub(super) fn announce_posting(&mut self, book: &MemberBook, posting: &Posting<'_>) {
        if self.policy.club.webhooks.is_empty() {
            return;
        }
        let event = &posting.event;
        let points = posting.points();
        let kind = match event.kind {
            EventType::Redemption | EventType::Cancellation => return,
            _ if points.is_zero() => return,
            EventType::Expiry => WebhookEvent::PointsExpired,
            _ if points > Decimal::ZERO => WebhookEvent::PointsEarned,
            _ => WebhookEvent::PointsTaken,
        };
        let data = vec![
            ("event", event.id.clone()),
            ("event_type", event.kind.as_str().to_owned()),
            ("points", points.abs().normalize().to_string()),
            ("balance", book.state.balance.normalize().to_string()),
        ];
        self.announce(kind, &event.id, book.id(), event.time, data);
    }
}
