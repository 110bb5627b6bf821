//! Lifecycle hooks: something happens to a member (they join, change tier, have points
//! about to expire, end a deal, stop coming) and the club may react twice — rules that
//! list the occasion in their `events` award points on it, and the club's message for it
//! is queued (with `{points}` saying what the rules gave).
//!
//! The award is an event of its own, `<occasion key>:award`, so it is written once however
//! often the clock or an import passes the same occasion.

use rust_decimal::Decimal;

use super::store::{EventLookup, Ledger, LedgerError};
use crate::engine::{evaluate, EvaluationInput, Event, EventType, MemberState};
use crate::messaging::{Occasion, Value};
use crate::policy::Policy;

impl Ledger {
    /// Runs the rules listening for `kind` on the occasion, then queues its message.
    pub fn happen(
        &self,
        policy: &Policy,
        member: &mut MemberState,
        kind: EventType,
        mut occasion: Occasion,
    ) -> Result<(), LedgerError> {
        let listens = policy
            .club
            .rules
            .iter()
            .any(|r| r.enabled && r.events.contains(&kind));
        if listens {
            let attributes = occasion
                .values
                .iter()
                .map(|(name, value)| {
                    let text = match value {
                        Value::Text(text) => text.clone(),
                        Value::Number(n) | Value::Money(n) => n.normalize().to_string(),
                        Value::Date(at) => crate::time::stored(*at),
                    };
                    ((*name).to_owned(), text)
                })
                .collect();
            let event = Event::manual(
                &format!("{}:award", occasion.key),
                &member.id,
                kind,
                Decimal::ZERO,
                occasion.at,
                attributes,
            );
            if self.lookup_event(&event.id)? == EventLookup::Absent {
                let input = EvaluationInput {
                    event: &event,
                    member,
                    original: None,
                };
                match evaluate(policy, input) {
                    Ok(outcome) if !outcome.awards.is_empty() => {
                        let points = outcome.total_points();
                        self.apply_event(&event, &event.fingerprint(), &outcome, member)?;
                        if !occasion.values.iter().any(|(name, _)| *name == "points") {
                            occasion = occasion.with("points", Value::Number(points));
                        }
                    }
                    Ok(_) => {}
                    // A failing rule fails this award only; the occasion still happened.
                    Err(error) => self.note_hook_failure(format!(
                        "{} of `{}` on {}: no points were given: {error}",
                        occasion.kind,
                        member.id,
                        policy.local_date(occasion.at)
                    )),
                }
            }
        }
        self.emit(policy, member, &occasion)?;
        Ok(())
    }
}
