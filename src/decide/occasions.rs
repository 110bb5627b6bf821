//! Occasions: something happens to a member (they join, change tier, have points about to
//! expire, end a deal, stop coming, have a birthday) and the club may react twice — rules
//! that list the occasion in their `events` award points on it, and the club's message
//! for it is queued, with consent, the daily cap and quiet hours decided now.
//!
//! The award is an event of its own, `<occasion key>:award`, and a message is queued once
//! per occasion key and channel: however often the clock or an import passes the same
//! occasion, it happens once.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::book::{MemberBook, MessageFact};
use super::plan::{Change, MessageRow};
use super::Decider;
use crate::event::{Event, EventType};
use crate::messaging::{render, Occasion, Value};
use crate::policy::Policy;

impl Decider<'_> {
    /// Runs the rules listening for `kind` on the occasion, then queues its message.
    pub(super) fn happen(
        &mut self,
        book: &mut MemberBook,
        kind: EventType,
        mut occasion: Occasion,
    ) {
        let policy = self.policy;
        let listens = policy
            .club
            .rules
            .iter()
            .any(|r| r.enabled && r.events.contains(&kind));
        let id = format!("{}:award", occasion.key);
        if listens && !book.has_event_id(&id) {
            let attributes = occasion
                .values
                .iter()
                .map(|(name, value)| ((*name).to_owned(), shown(value)))
                .collect();
            let event = Event::manual(&id, book.id(), kind, Decimal::ZERO, occasion.at, attributes);
            match self.post_evaluated(book, event, false) {
                Ok(Some(points)) => {
                    self.plan.tally.hook_awards += 1;
                    self.plan.tally.hook_points =
                        self.plan.tally.hook_points.saturating_add(points);
                    if !occasion.values.iter().any(|(name, _)| *name == "points") {
                        occasion = occasion.with("points", Value::Number(points));
                    }
                }
                Ok(None) => {}
                // A failing rule fails this award only; the occasion still happened.
                Err(error) => {
                    let lang = policy.club.language.unwrap_or_default();
                    self.plan.warnings.push(crate::tr_in!(
                        lang,
                        "warn-occasion",
                        occasion = occasion.kind.to_string(),
                        member = book.id(),
                        date = crate::locale::numerals_in(lang, &policy.local_date(occasion.at)),
                        error = error.to_string()
                    ))
                }
            }
        }
        let announced = match kind {
            EventType::Enrolled => Some(crate::club::WebhookEvent::MemberEnrolled),
            EventType::DealCompleted => Some(crate::club::WebhookEvent::DealCompleted),
            EventType::DealFailed => Some(crate::club::WebhookEvent::DealFailed),
            // Tier changes are told where they are made, with where the member came from.
            _ => None,
        };
        if let Some(announced) = announced {
            let data = occasion
                .values
                .iter()
                .map(|(name, value)| (*name, shown(value)))
                .collect();
            let (key, at) = (occasion.key.clone(), occasion.at);
            self.announce(announced, &key, book.id(), at, data);
        }
        self.emit(book, &occasion);
    }

    /// Queues what the club says on `occasion` to the member, on each channel: nothing
    /// when the club has no text for it; once per occasion key and channel, ever. A member
    /// who opted out of a channel, or who already had the club's daily cap, gets a
    /// `suppressed` message (with the reason) rather than nothing, so reports can count
    /// what was held back.
    pub(super) fn emit(&mut self, book: &mut MemberBook, occasion: &Occasion) {
        let policy = self.policy;
        let Some(settings) = policy.club.messages.as_ref() else {
            return;
        };
        let Some((language, text)) = render(policy, &book.state, occasion) else {
            return;
        };
        let day = occasion
            .at
            .with_timezone(&policy.zone)
            .date_naive()
            .to_string();
        let capped = settings.max_per_day.is_some_and(|cap| {
            let mut keys: Vec<&str> = book
                .messages
                .iter()
                .filter(|m| m.day == day && !m.suppressed && m.key != occasion.key)
                .map(|m| m.key.as_str())
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys.len() >= cap as usize
        });
        let deliver_after = after_quiet_hours(policy, occasion.at);
        for channel in &settings.channels {
            if book
                .messages
                .iter()
                .any(|m| m.key == occasion.key && m.channel == channel.id)
            {
                continue;
            }
            let discipline = self.messages;
            let (status, reason) = if discipline.quiet {
                ("suppressed", Some("quiet"))
            } else if discipline.stale_before.is_some_and(|t| occasion.at < t) {
                ("suppressed", Some("stale"))
            } else if !book.consents_to(&channel.id, settings.consent) {
                ("suppressed", Some("opt_out"))
            } else if capped {
                ("suppressed", Some("cap"))
            } else if deliver_after > occasion.at {
                ("pending", Some("quiet_hours"))
            } else {
                ("pending", None)
            };
            book.messages.push(MessageFact {
                key: occasion.key.clone(),
                channel: channel.id.clone(),
                day: day.clone(),
                suppressed: status == "suppressed",
            });
            self.plan.tally.messages += 1;
            self.plan.changes.push(Change::Message(MessageRow {
                key: occasion.key.clone(),
                channel: channel.id.clone(),
                member: book.id().to_owned(),
                occasion: occasion.kind.to_owned(),
                day: day.clone(),
                created_at: occasion.at,
                deliver_after,
                language: language.clone(),
                text: text.clone(),
                status,
                reason,
            }));
        }
    }

    /// Welcomes a member loaded from a members file (`messages.greet_loaded_members`):
    /// the `enrolled` message, dated when they joined (so that, with `stale_after`,
    /// members who joined long ago are not welcomed today). Its key is the one their first
    /// event would use, so a member is welcomed once either way.
    pub fn greet_loaded(&mut self, book: &mut MemberBook, at: chrono::DateTime<chrono::Utc>) {
        let occasion = Occasion::new("enrolled", format!("enrolled:{}", book.id()), at);
        self.emit(book, &occasion);
    }

    /// Records a member's yes or no for `channel`, and why (`reply: STOP`, a members file).
    pub fn consent(
        &mut self,
        book: &mut MemberBook,
        channel: &str,
        granted: bool,
        at: DateTime<Utc>,
        source: &str,
    ) {
        book.consents.insert(channel.to_owned(), granted);
        self.plan.changes.push(Change::Consent {
            member: book.id().to_owned(),
            channel: channel.to_owned(),
            granted,
            at,
            source: source.to_owned(),
        });
    }
}

/// `at`, or the end of the club's quiet hours if `at` falls inside them.
fn after_quiet_hours(policy: &Policy, at: DateTime<Utc>) -> DateTime<Utc> {
    let Some(quiet) = policy
        .club
        .messages
        .as_ref()
        .and_then(|m| m.quiet_hours.as_ref())
    else {
        return at;
    };
    let (Some(from), Some(to)) = (
        crate::club::clock_minutes(&quiet.from),
        crate::club::clock_minutes(&quiet.to),
    ) else {
        return at;
    };
    let local = at.with_timezone(&policy.zone);
    let minute = {
        use chrono::Timelike;
        local.hour() * 60 + local.minute()
    };
    let inside = if from <= to {
        minute >= from && minute < to
    } else {
        minute >= from || minute < to
    };
    if !inside {
        return at;
    }
    // The quiet ends at `to` today, or tomorrow if it started before midnight.
    let day = if from > to && minute >= from {
        local.date_naive() + chrono::Days::new(1)
    } else {
        local.date_naive()
    };
    let end = day.and_hms_opt(to / 60, to % 60, 0).unwrap_or_default();
    crate::time::local_to_utc(end, policy.zone).unwrap_or(at)
}

/// An occasion's value as text, as events' attributes and webhooks carry it.
fn shown(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        Value::Number(n) | Value::Money(n) => n.normalize().to_string(),
        Value::Date(at) => crate::time::stored(*at),
    }
}
