//! Time passing: what falls due when the clock moves, for every member (`bashgah
//! advance`) or for one member just before their next event (imports).
//!
//! For each member, in this order: birthdays and joining anniversaries (events that rules
//! may award points on), deal checkpoints, tier reviews, then expiry and expiring-soon
//! notices. The same
//! events and the same advances always give the same ledger.
//!
//! An event that arrives with a time before the clock is applied at its own time: its
//! points, lots and any upgrade it brings are dated then. What the clock already decided
//! (reviews, expiries, greetings) is not decided again: a late purchase counts towards
//! the windows of reviews still to come, and its lots, if already past their expiry, expire
//! at the next advance or event of that member, dated at their own expiry.

use chrono::{DateTime, NaiveDate, Utc};

use crate::engine::{evaluate, start_of_day, EvaluationInput, Event, EventType, MemberState};
use crate::ledger::{AdvanceReport, Ledger, LedgerError};
use crate::policy::Policy;
use crate::time::stored;

/// Runs everything due up to `to` for every member, then sets the clock. Call inside
/// [`Ledger::begin`]/[`Ledger::commit`].
pub fn advance(
    ledger: &Ledger,
    policy: &Policy,
    to: DateTime<Utc>,
) -> Result<AdvanceReport, LedgerError> {
    let mut report = AdvanceReport::default();
    for id in ledger.members_with_something_due(
        greets(policy) || watches_inactivity(policy) || !policy.club.campaigns.is_empty(),
    )? {
        let Some(mut member) = ledger.member_state(&id, to, false)? else {
            continue;
        };
        catch_up(ledger, policy, &mut member, to, &mut report)?;
        // Only the clock tells members they have been away: before a member's own next
        // purchase (an import's catch-up) they are, by then, back.
        if watches_inactivity(policy) {
            tell_inactive(ledger, policy, &mut member, to)?;
        }
        tell_early_access(ledger, policy, &member, to)?;
        ledger.save_member(&member, false)?;
    }
    ledger.set_clock(to)?;
    report.failures.extend(ledger.take_hook_failures());
    Ok(report)
}

/// Runs what is due for one member up to `to`; updates `member` (the caller saves it).
pub fn catch_up(
    ledger: &Ledger,
    policy: &Policy,
    member: &mut MemberState,
    to: DateTime<Utc>,
    report: &mut AdvanceReport,
) -> Result<(), LedgerError> {
    if greets(policy) {
        greet(ledger, policy, member, to, report)?;
    }
    if !policy.club.deals.is_empty() {
        report
            .failures
            .extend(ledger.run_deal_checkpoints(policy, member, to)?);
    }
    report.tier_changes += ledger.run_tier_reviews(policy, member, to)?;
    if policy.has_expiry() {
        ledger.run_due(policy, member, to, report)?;
    }

    Ok(())
}

/// Whether some rule runs for birthdays or anniversaries, or the club has a message for
/// them (otherwise they are not written).
fn greets(policy: &Policy) -> bool {
    let templates = policy.club.messages.as_ref().map(|m| &m.templates);
    templates.is_some_and(|t| t.birthday.is_some() || t.anniversary.is_some())
        || policy.club.rules.iter().any(|r| {
            r.enabled
                && r.events
                    .iter()
                    .any(|e| matches!(e, EventType::Birthday | EventType::Anniversary))
        })
}

/// Whether the club tells members who stopped buying.
fn watches_inactivity(policy: &Policy) -> bool {
    policy.club.messages.as_ref().is_some_and(|m| {
        m.inactive_after.is_some()
            && (m.templates.inactive.is_some()
                || policy
                    .club
                    .rules
                    .iter()
                    .any(|r| r.enabled && r.events.contains(&EventType::Inactive)))
    })
}

/// Tells early-access members that a campaign has opened for them, once, while it is
/// open to them but not yet to everyone.
fn tell_early_access(
    ledger: &Ledger,
    policy: &Policy,
    member: &MemberState,
    to: DateTime<Utc>,
) -> Result<(), LedgerError> {
    for (index, campaign) in policy.club.campaigns.iter().enumerate() {
        let window = &policy.campaigns[index];
        if window.early_start >= window.start
            || to < window.early_start
            || to >= window.start
            || !crate::engine::campaigns::early(policy, index, member)
        {
            continue;
        }
        let occasion = crate::messaging::Occasion::new(
            "early_access",
            format!("early:{}:{}", campaign.id, member.id),
            window.early_start.max(to.min(window.start)),
        )
        .with(
            "campaign",
            crate::messaging::Value::Text(
                campaign.name.clone().unwrap_or_else(|| campaign.id.clone()),
            ),
        )
        .with("date", crate::messaging::Value::Date(window.start));
        ledger.emit(policy, member, &occasion)?;
    }
    Ok(())
}

/// Tells a member whose last purchase is `inactive_after` old, once per lapse.
fn tell_inactive(
    ledger: &Ledger,
    policy: &Policy,
    member: &mut MemberState,
    to: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let Some(span) = policy.club.messages.as_ref().and_then(|m| m.inactive_after) else {
        return Ok(());
    };
    let Some(last) = member.stats.last_visit else {
        return Ok(());
    };
    let local = last.with_timezone(&policy.zone).date_naive();
    let due = start_of_day(policy, span.after(local, policy.club.calendar));
    if due > to {
        return Ok(());
    }
    let days = (due - last).num_days();
    let occasion = crate::messaging::Occasion::new(
        "inactive",
        format!("inactive:{}:{}", member.id, stored(last)),
        due,
    )
    .with("days", crate::messaging::Value::Number(days.into()));
    ledger.happen(policy, member, EventType::Inactive, occasion)?;
    Ok(())
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

/// Writes the member's birthdays and joining anniversaries that fall after what was
/// greeted before and up to `to`, each evaluated by the rules that run for it.
fn greet(
    ledger: &Ledger,
    policy: &Policy,
    member: &mut MemberState,
    to: DateTime<Utc>,
    report: &mut AdvanceReport,
) -> Result<(), LedgerError> {
    let since = member
        .greeted_through
        .unwrap_or_else(|| start_of_day(policy, member.joined));
    if since >= to {
        return Ok(());
    }
    let calendar = policy.club.calendar;
    let first_year = calendar
        .to_local(since.with_timezone(&policy.zone).date_naive())
        .year;
    let last_year = calendar
        .to_local(to.with_timezone(&policy.zone).date_naive())
        .year;
    let mut due: Vec<(DateTime<Utc>, EventType, i32)> = Vec::new();
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
    for (at, kind, year) in due {
        let event = Event::manual(
            &format!("{}:{}:{year}", kind.as_str(), member.id),
            &member.id,
            kind,
            rust_decimal::Decimal::ZERO,
            at,
            Default::default(),
        );
        if !matches!(
            ledger.lookup_event(&event.id)?,
            crate::ledger::EventLookup::Absent
        ) {
            continue;
        }
        let input = EvaluationInput {
            event: &event,
            member,
            original: None,
        };
        match evaluate(policy, input) {
            Ok(outcome) => {
                ledger.apply_event(&event, &event.fingerprint(), &outcome, member)?;
                report.greetings += 1;
                // A greeting written late (at the member's next purchase, months on) still
                // gives its points, but "happy birthday" is not sent weeks after the day.
                if to - at > chrono::Duration::days(2) {
                    continue;
                }
                let occasion = crate::messaging::Occasion::new(kind.as_str(), event.id.clone(), at)
                    .with(
                        "points",
                        crate::messaging::Value::Number(outcome.total_points()),
                    )
                    .with(
                        "years",
                        crate::messaging::Value::Number(
                            (year - policy.club.calendar.to_local(member.joined).year).into(),
                        ),
                    );
                ledger.emit(policy, member, &occasion)?;
            }
            // A failing rule fails this greeting only; it is reported and not retried.
            Err(error) => report.failures.push(format!(
                "{} of `{}` on {}: {error}",
                kind.as_str(),
                member.id,
                stored(at)
            )),
        }
    }
    member.greeted_through = Some(to);
    Ok(())
}
