//! Expiry: points expire when the clock passes their date, or after the club's
//! inactivity span without a purchase. Each expiry is an event of its own,
//! `expiry:<member>:<time>`, whose single entry takes exactly the unspent rest of the lots
//! that expired then. Members hear beforehand (`warn_before`), once per expiry date.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::book::{LotFact, MemberBook};
use super::plan::{Change, Entry, LotUse, Posting, UseKind};
use super::posting::apply_uses;
use super::Decider;
use crate::engine::{expiry_policy, start_of_day, EntryKind};
use crate::event::{Event, EventType};
use crate::messaging::{Occasion, Value};
use crate::policy::Policy;
use crate::time::stored;

/// Lots of one member expiring at one instant, and why.
struct Due {
    at: DateTime<Utc>,
    lots: Vec<LotFact>,
    inactivity: bool,
}

impl Decider<'_> {
    /// Expires what is due for the member up to `to`.
    pub(super) fn expire(&mut self, book: &mut MemberBook, to: DateTime<Utc>) {
        let due = due_expiries(self.policy, book, to);
        if due.is_empty() {
            return;
        }
        self.touch(book);
        for due in due {
            self.expire_lots(book, &due);
        }
    }

    fn expire_lots(&mut self, book: &mut MemberBook, due: &Due) {
        let policy = self.policy;
        let points: Decimal = due.lots.iter().map(|l| l.remaining).sum();
        let lang = policy.club.language.unwrap_or_default();
        let (rule, why) = if due.inactivity {
            (
                "inactivity",
                crate::tr_in!(lang, "reason-expired-inactivity"),
            )
        } else {
            ("expiry", crate::tr_in!(lang, "reason-expired-date"))
        };
        // Lots earned late (an event imported after the clock passed) can expire at an
        // instant that already has an expiry event: the later ones are numbered.
        let id = book.fresh_id(format!("{rule}:{}:{}", book.id(), stored(due.at)));
        let earned: Vec<String> = due
            .lots
            .iter()
            .map(|l| crate::locale::numerals_in(lang, &policy.local_date(l.earned_at)))
            .collect();
        let uses: Vec<LotUse> = due
            .lots
            .iter()
            .map(|lot| LotUse {
                lot: lot.id,
                points: lot.remaining,
                remaining: Decimal::ZERO,
                kind: UseKind::Expire,
            })
            .collect();
        apply_uses(book, &uses);
        book.state.balance -= points;
        let event = Event::manual(
            &id,
            book.id(),
            EventType::Expiry,
            Decimal::ZERO,
            due.at,
            Default::default(),
        );
        let posting = Posting {
            fingerprint: id.clone(),
            policy_version: policy.id.clone(),
            entries: vec![Entry {
                rule: rule.into(),
                points: -points,
                reason: crate::tr_in!(
                    lang,
                    "reason-expired",
                    points = crate::locale::numerals_in(lang, &points.normalize().to_string()),
                    why = why,
                    earned = summarize(lang, &earned)
                ),
                kind: EntryKind::Expire,
                policy_version: policy.id.clone(),
                lots: Vec::new(),
                uses,
            }],
            credit: Vec::new(),
            returns: Vec::new(),
            event: std::borrow::Cow::Owned(event),
        };
        self.plan.tally.expiries += 1;
        self.plan.tally.expired_points = self.plan.tally.expired_points.saturating_add(points);
        self.finish_posting(book, posting);
    }

    /// Raises "expiring soon" notices for lots expiring within `warn_before` of `to`, once
    /// per expiry date: the club's message, rules listening for it, and a notice row.
    pub(super) fn notify_expiring(&mut self, book: &mut MemberBook, to: DateTime<Utc>) {
        let policy = self.policy;
        let Some(warn) = club_warning(policy) else {
            return;
        };
        let calendar = policy.club.calendar;
        // A lot expiring further off than a notice can reach is not due: that spares most
        // open lots, at every event, the zone and calendar reckoning below (3 % of the
        // deciding thread at a million purchases, issue 14).
        let reach = notice_reach(warn);
        let mut by_date: Vec<(DateTime<Utc>, Decimal)> = Vec::new();
        // Sealed lots are not decoded when none of them can be in reach.
        let lots = book.lots_unless(|sealed| sealed.earliest_expiry.is_none_or(|e| e - to > reach));
        for lot in lots.iter().filter(|l| !l.remaining.is_zero()) {
            let Some(expires) = lot.expires_at else {
                continue;
            };
            if expires <= to || expires - to > reach {
                continue;
            }
            let local_expiry = expires.with_timezone(&policy.zone).date_naive();
            let warn_at = start_of_day(policy, warn.before(local_expiry, calendar));
            if warn_at <= to && to < expires {
                match by_date.iter_mut().find(|(at, _)| *at == expires) {
                    Some((_, points)) => *points += lot.remaining,
                    None => by_date.push((expires, lot.remaining)),
                }
            }
        }
        drop(lots);
        for (expires, points) in by_date {
            let key = format!("expiring:{}:{}", book.id(), stored(expires));
            if book.rest.has_notice(&key) {
                // Raised before: its award and message were dealt with then.
                continue;
            }
            self.touch(book);
            book.rest.add_notice(key.clone());
            self.plan.tally.notices += 1;
            self.plan.changes.push(Change::Notice {
                key: key.clone(),
                member: book.id().to_owned(),
                at: to,
                due: expires,
                points,
            });
            // `date` is when they expire (the start of that day, as a rule); `last_day` the
            // last day they can still be spent, which is what a member wants to read.
            let last_day = expires - chrono::Duration::seconds(1);
            let occasion = Occasion::new("expiring_soon", key, to)
                .with("points", Value::Number(points))
                .with("date", Value::Date(expires))
                .with("last_day", Value::Date(last_day));
            self.happen(book, EventType::ExpiringSoon, occasion);
        }
    }
}

/// `warn_before` of the club's expiry policy.
/// How long before a lot's expiry its notice can fall at most: the warning at its longest,
/// a day for starting it at the start of a local day, and more than a day for the zone's
/// offset (at most 14 hours each way). Dates and spans are bounded (`club::span`), so the
/// reckoning never clamps to a day earlier than this allows.
fn notice_reach(warn: crate::club::Span) -> chrono::Duration {
    chrono::Duration::days(i64::from(warn.longest_days()) + 3)
}

fn club_warning(policy: &Policy) -> Option<crate::club::Span> {
    policy
        .club
        .points
        .expiry
        .as_ref()
        .and_then(|e| e.warn_before)
}

/// "1403-01-05" or "1403-01-05 to 1403-02-10".
fn summarize(lang: crate::locale::Lang, dates: &[String]) -> String {
    match (dates.first(), dates.last()) {
        (Some(first), Some(last)) if first != last => {
            crate::tr_in!(lang, "reason-dates", first = first, last = last)
        }
        (Some(first), _) => first.clone(),
        _ => String::new(),
    }
}

/// What expires for the member up to `to`, in time order: each lot at its own date or,
/// after `inactivity` without a purchase, at that deadline if it was earned before it and
/// the deadline comes first.
fn due_expiries(policy: &Policy, book: &MemberBook, to: DateTime<Utc>) -> Vec<Due> {
    let member = &book.state;
    let deadline = expiry_policy(policy, None)
        .and_then(|e| e.inactivity)
        .map(|span| {
            let last_activity = member
                .stats
                .last_visit
                .map(|t| t.with_timezone(&policy.zone).date_naive())
                .unwrap_or(member.joined);
            start_of_day(policy, span.after(last_activity, policy.club.calendar))
        });
    let mut due: Vec<Due> = Vec::new();
    // Sealed lots are not decoded when none of them can be due: none expires by `to`,
    // and none was earned before an inactivity deadline that has passed.
    let lots = book.lots_unless(|sealed| {
        sealed.earliest_expiry.is_none_or(|e| e > to)
            && deadline.is_none_or(|d| d > to || sealed.oldest_open.is_none_or(|o| o >= d))
    });
    for lot in lots.iter().filter(|l| !l.remaining.is_zero()) {
        let own = lot.expires_at;
        let inactive = deadline.filter(|d| lot.earned_at < *d && own.is_none_or(|o| *d < o));
        let (at, inactivity) = match (inactive, own) {
            (Some(d), _) => (d, true),
            (None, Some(o)) => (o, false),
            (None, None) => continue,
        };
        if at > to {
            continue;
        }
        match due
            .iter_mut()
            .find(|d| d.at == at && d.inactivity == inactivity)
        {
            Some(group) => group.lots.push(lot.clone()),
            None => due.push(Due {
                at,
                lots: vec![lot.clone()],
                inactivity,
            }),
        }
    }
    due.sort_by_key(|d| (d.at, d.inactivity));
    due
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarKind;
    use crate::club::Span;
    use chrono::{Duration, TimeZone};
    use chrono_tz::Tz;

    /// A club whose points expire after 60 days, or after 45 days without a purchase,
    /// with a notice 10 days before; 1 point per 10 spent.
    fn expiring_club() -> (tempfile::TempDir, Policy) {
        crate::policy::scratch_club(
            "id: shop\nname: Corner Shop\ncurrency: EUR\ntimezone: Asia/Tehran\n\
             points:\n  expiry: {after: 60d, inactivity: 45d, warn_before: 10d}\n\
             rules:\n  - {id: base, function: base_points}\n",
            "fn base_points(event, member) { event.amount / 10 }\n",
        )
    }

    /// A member's book with its lots sealed (as a forgotten book brings them back) is
    /// caught up to the very same plan and book as with them decoded, at every point of
    /// a year: lots expiring by date and by inactivity, notices before both, and new lots
    /// added after the sealed ones.
    #[test]
    fn sealed_lots_expire_and_warn_as_decoded_ones_do() {
        use super::super::{Ids, NoFacts};
        let (_dir, policy) = expiring_club();
        let joined = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
        let state = crate::member::MemberState::new("M1", "individual", joined);
        let mut book = MemberBook::new(state, true);
        let start = Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap();
        // Purchases every few days, with gaps long enough for inactivity to strike.
        let days = [
            0, 3, 5, 9, 20, 22, 80, 81, 85, 140, 150, 151, 152, 230, 231, 300,
        ];
        let events: Vec<Event> = days
            .into_iter()
            .enumerate()
            .map(|(n, day)| {
                let at = start + Duration::days(day) + Duration::hours(n as i64 % 7);
                let amount = Decimal::from(100 + n);
                let id = format!("P{n}");
                Event::manual(
                    &id,
                    "M1",
                    EventType::Purchase,
                    amount,
                    at,
                    Default::default(),
                )
            })
            .collect();
        let mut decider = Decider::new(&policy, &NoFacts, Ids::scratch());
        let (mut compared, mut expiries_seen, mut notices_seen) = (0, 0, 0);
        for (n, event) in events.iter().enumerate() {
            let at = event.time;
            // Before each purchase, every six hours since the one before: the same
            // catch-up with the lots decoded and sealed.
            let mut to = book.events.last().map_or(start, |e| e.time);
            while to < at {
                to += Duration::hours(6);
                let mut decoded = book.clone();
                decoded.unseal_lots();
                let mut sealed = decoded.clone();
                sealed.seal_lots();
                let mut first = Decider::new(&policy, &NoFacts, Ids::scratch());
                let mut second = Decider::new(&policy, &NoFacts, Ids::scratch());
                first.catch_up(&mut decoded, to);
                second.catch_up(&mut sealed, to);
                let plan = first.take_plan();
                assert_eq!(
                    format!("{plan:?}"),
                    format!("{:?}", second.take_plan()),
                    "at {to}"
                );
                (expiries_seen, notices_seen) = (
                    expiries_seen + plan.tally.expiries,
                    notices_seen + plan.tally.notices,
                );
                sealed.unseal_lots();
                assert!(sealed == decoded, "at {to}");
                compared += 1;
            }
            decider
                .event(&mut book, event, &format!("f{n}"))
                .expect("a purchase");
            // Forgotten and brought back: the lots sealed for the next purchase.
            book.seal_lots();
        }
        assert!(decider.take_plan().tally.expiries >= 4);
        assert!(
            expiries_seen > 100 && notices_seen > 100,
            "{expiries_seen}, {notices_seen}"
        );
        assert!(compared > 1_000, "{compared}");
        assert_eq!(crate::decide::lots::take_unseal_failures(), 0);
    }

    /// Whatever the zone (the furthest ahead and behind UTC, one with summer time, one a
    /// half hour off), the calendar and the warning, a lot's notice falls no further before
    /// its expiry than [`notice_reach`]: the lots it leaves out are never due.
    #[test]
    fn a_notice_never_falls_before_its_reach() {
        let zones = [
            Tz::UTC,
            Tz::Pacific__Kiritimati,
            Tz::Pacific__Pago_Pago,
            Tz::America__St_Johns,
            Tz::Asia__Tehran,
            Tz::Europe__Berlin,
        ];
        let warnings = [
            Span::Days(0),
            Span::Days(1),
            Span::Days(30),
            Span::Months(1),
            Span::Months(12),
        ];
        let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        for zone in zones {
            for calendar in [CalendarKind::Gregorian, CalendarKind::Jalali] {
                for warn in warnings {
                    let reach = notice_reach(warn);
                    // Every seven hours through two years: every hour of the day, every
                    // day of the week, both changes of summer time.
                    for step in 0..(2 * 365 * 24 / 7) {
                        let expires = start + Duration::hours(7 * step);
                        let local = expires.with_timezone(&zone).date_naive();
                        let warn_at = crate::time::start_of_day(warn.before(local, calendar), zone)
                            .expect("a day's start");
                        assert!(
                            expires - warn_at <= reach,
                            "{zone} {calendar:?} {warn:?}: {expires} warned at {warn_at}"
                        );
                    }
                }
            }
        }
    }
}
