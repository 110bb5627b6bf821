//! When points become spendable and when they expire: pure functions of the policy and
//! the time the points were earned.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::LotTerms;
use crate::club::{ExpiryPolicy, RuleDefinition};
use crate::policy::Policy;

/// The expiry policy for points of `rule` (its own, else the club's).
pub fn expiry_policy<'a>(
    policy: &'a Policy,
    rule: Option<&'a RuleDefinition>,
) -> Option<&'a ExpiryPolicy> {
    rule.and_then(|r| r.expiry.as_ref())
        .or(policy.club.points.expiry.as_ref())
}

/// The instant `date` begins in the club's timezone: the same first instant a date-only
/// row names ([`crate::time::start_of_day`]); for a day the zone skipped whole, midnight
/// UTC (no such day holds an event).
pub fn start_of_day(policy: &Policy, date: NaiveDate) -> DateTime<Utc> {
    crate::time::start_of_day(date, policy.zone)
        .unwrap_or_else(|_| date.and_time(NaiveTime::MIN).and_utc())
}

/// The terms of a lot of points of `rule` earned at `earned`.
///
/// Pending points wait the exact `points.pending` time. A fixed expiry (`after: 12m`)
/// ends at the start of the day that far from the day of earning (so points earned on
/// 15 January are usable through 14 January next year), pushed with `round_to` to the
/// end of that month, quarter or year; `end_of: year` ends with the calendar year of
/// earning. Inactivity is not a property of a lot: the clock checks it.
pub fn lot_terms(
    policy: &Policy,
    rule: Option<&RuleDefinition>,
    earned: DateTime<Utc>,
) -> LotTerms {
    let calendar = policy.club.calendar;
    let local = earned.with_timezone(&policy.zone);
    let pending_until = match policy.club.points.pending {
        None => earned,
        Some(span) => {
            let date = span.after(local.date_naive(), calendar);
            crate::time::local_to_utc(date.and_time(local.time()), policy.zone).unwrap_or(earned)
        }
    };
    let expiry = expiry_policy(policy, rule);
    let day = local.date_naive();
    let expires_on = expiry.and_then(|e| match (e.after, e.end_of) {
        (Some(after), _) => {
            let end = after.after(day, calendar);
            Some(match e.round_to {
                Some(period) => calendar.start_of_next(period, end - chrono::Duration::days(1)),
                None => end,
            })
        }
        (None, Some(period)) => Some(calendar.start_of_next(period, day)),
        (None, None) => None,
    });
    LotTerms {
        pending_until,
        expires_at: expires_on.map(|date| start_of_day(policy, date)),
    }
}
