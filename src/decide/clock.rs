//! Time passing, for one member: what falls due when the clock moves (`bashgah advance`)
//! and before each of the member's events.
//!
//! In this order: birthdays and joining anniversaries (events that rules may award
//! points on), deal checkpoints, tier reviews, then expiry and expiring-soon notices. The
//! clock alone also tells members who stopped coming, and early-access members that a
//! campaign opened for them. The same events and the same advances always give the same
//! ledger.
//!
//! An event that arrives with a time before the clock is applied at its own time: its
//! points, lots and any upgrade it brings are dated then. What the clock already decided
//! (reviews, expiries, greetings) is not decided again: a late purchase counts towards
//! the windows of reviews still to come, and its lots, if already past their expiry,
//! expire at the next advance or event of that member, dated at their own expiry.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::book::MemberBook;
use super::Decider;
use crate::engine::start_of_day;
use crate::event::{Event, EventType};
use crate::messaging::{Occasion, Value};
use crate::policy::Policy;
use crate::time::stored;

impl Decider<'_> {
    /// Everything due for the member up to `to`, as at an advance of the clock: the
    /// catch-up, then inactivity and early-access messages.
    pub fn advance(&mut self, book: &mut MemberBook, to: DateTime<Utc>) {
        self.catch_up(book, to);
        // Only the clock tells members they have been away: before a member's own next
        // purchase they are, by then, back.
        if self.policy.watches_inactivity() {
            self.tell_inactive(book, to);
        }
        self.tell_early_access(book, to);
    }

    /// What falls due for the member up to `to`, before anything else of theirs at `to`.
    pub fn catch_up(&mut self, book: &mut MemberBook, to: DateTime<Utc>) {
        if self.policy.greets() {
            self.greet(book, to);
        }
        if !self.policy.club.deals.is_empty() {
            self.deal_checkpoints(book, to);
        }
        self.tier_reviews(book, to);
        if self.policy.has_expiry() {
            self.expire(book, to);
            self.notify_expiring(book, to);
        }
    }

    /// Writes the member's birthdays and joining anniversaries that fall after what was
    /// greeted before and up to `to`, each evaluated by the rules that run for it.
    fn greet(&mut self, book: &mut MemberBook, to: DateTime<Utc>) {
        let policy = self.policy;
        let due = due_greetings(policy, book, to);
        if due.is_empty() {
            return;
        }
        self.touch(book);
        let calendar = policy.club.calendar;
        for (at, kind, year) in due {
            let event = Event::manual(
                &format!("{}:{}:{year}", kind.as_str(), book.id()),
                book.id(),
                kind,
                Decimal::ZERO,
                at,
                Default::default(),
            );
            if book.has_event_id(&event.id) {
                continue;
            }
            let id = event.id.clone();
            match self.post_evaluated(book, event, true) {
                Ok(points) => {
                    let points = points.unwrap_or_default();
                    self.plan.tally.greetings += 1;
                    // A greeting written late (at the member's next purchase, months on)
                    // still gives its points, but "happy birthday" is not sent weeks after.
                    if to - at > chrono::Duration::days(2) {
                        continue;
                    }
                    let years = year - calendar.to_local(book.state.joined).year;
                    let occasion = Occasion::new(kind.as_str(), id, at)
                        .with("points", Value::Number(points))
                        .with("years", Value::Number(years.into()));
                    self.emit(book, &occasion);
                }
                // A failing rule fails this greeting only; it is reported and not retried.
                Err(error) => self.plan.warnings.push(format!(
                    "{} of `{}` on {}: {error}",
                    kind.as_str(),
                    book.id(),
                    stored(at)
                )),
            }
        }
        book.state.greeted_through = Some(to);
    }

    /// Tells a member whose last purchase is `inactive_after` old, once per lapse.
    fn tell_inactive(&mut self, book: &mut MemberBook, to: DateTime<Utc>) {
        let policy = self.policy;
        let Some(span) = policy.club.messages.as_ref().and_then(|m| m.inactive_after) else {
            return;
        };
        let Some(last) = book.state.stats.last_visit else {
            return;
        };
        let local = last.with_timezone(&policy.zone).date_naive();
        let due = start_of_day(policy, span.after(local, policy.club.calendar));
        if due > to {
            return;
        }
        let days = (due - last).num_days();
        let occasion = Occasion::new(
            "inactive",
            format!("inactive:{}:{}", book.id(), stored(last)),
            due,
        )
        .with("days", Value::Number(days.into()));
        self.happen(book, EventType::Inactive, occasion);
    }

    /// Tells early-access members that a campaign has opened for them, once, while it is
    /// open to them but not yet to everyone.
    fn tell_early_access(&mut self, book: &mut MemberBook, to: DateTime<Utc>) {
        let policy = self.policy;
        for (index, campaign) in policy.club.campaigns.iter().enumerate() {
            let window = &policy.campaigns[index];
            if window.early_start >= window.start
                || to < window.early_start
                || to >= window.start
                || !crate::engine::campaigns::early(policy, index, &book.state)
            {
                continue;
            }
            let occasion = Occasion::new(
                "early_access",
                format!("early:{}:{}", campaign.id, book.id()),
                window.early_start.max(to.min(window.start)),
            )
            .with(
                "campaign",
                Value::Text(campaign.name.clone().unwrap_or_else(|| campaign.id.clone())),
            )
            .with("date", Value::Date(window.start));
            self.emit(book, &occasion);
        }
    }
}

/// The day in `year` (of the club's calendar) that celebrates `date`: the same month and
/// day, or the month's last day when that year's month is shorter (30 Esfand, 29 February).
fn celebrated(policy: &Policy, date: NaiveDate, year: i32) -> Option<NaiveDate> {
    let calendar = policy.club.calendar;
    let local = calendar.to_local(date);
    (1..=local.day)
        .rev()
        .find_map(|day| calendar.from_local(year, local.month, day).ok())
}

/// The birthdays and anniversaries after what was greeted and up to `to`, in order.
fn due_greetings(
    policy: &Policy,
    book: &MemberBook,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, EventType, i32)> {
    let member = &book.state;
    let since = member
        .greeted_through
        .unwrap_or_else(|| start_of_day(policy, member.joined));
    if since >= to {
        return Vec::new();
    }
    let calendar = policy.club.calendar;
    let first_year = calendar
        .to_local(since.with_timezone(&policy.zone).date_naive())
        .year;
    let last_year = calendar
        .to_local(to.with_timezone(&policy.zone).date_naive())
        .year;
    let mut due = Vec::new();
    for year in first_year..=last_year {
        let days = [
            (member.birthday, EventType::Birthday),
            (
                Some(member.joined).filter(|_| year > calendar.to_local(member.joined).year),
                EventType::Anniversary,
            ),
        ];
        for (date, kind) in days {
            let Some(day) = date.and_then(|d| celebrated(policy, d, year)) else {
                continue;
            };
            let at = start_of_day(policy, day);
            if at > since && at <= to {
                due.push((at, kind, year));
            }
        }
    }
    due.sort_by_key(|(at, kind, _)| (*at, kind.as_str()));
    due
}
