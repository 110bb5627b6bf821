//! The canary: a new version of a club, tried on the club's most recent real events
//! beside the live version, before it goes live.
//!
//! Policy tests check what the club's author thought of; the canary checks what the
//! club's members actually do. Both versions replay the same events, in the order the
//! ledger holds them, into scratch ledgers in memory (the members' profiles copied from
//! the ledger, their balances starting empty), through the same recording code as an
//! import. The real ledger is only read. The candidate is refused when it fails an event
//! the live version handled, or when it moves the points issued by more than the club's
//! `reload.max_change`; either way the report says, rule by rule, what would change.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::club::{parse_percent, DEFAULT_CANARY_EVENTS};
use crate::event::Event;
use crate::ledger::{Ledger, LedgerError};
use crate::policy::{with_time_budget, Policy};
use crate::recording::{Disposition, Recorder};

/// Each replay's scripts together run for at most this many times one rule's limit
/// (10 s with the default 250 ms; 10,000 events of a real club take well under one).
const REPLAY_BUDGET_IN_RULE_LIMITS: u32 = 40;
/// Examples kept per rule, and failures listed.
const EXAMPLES: usize = 3;

/// An event whose points differ between the versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Example {
    pub event: String,
    pub live: Decimal,
    pub candidate: Decimal,
}

/// How one rule's points change over the events tried.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RuleChange {
    pub events_changed: u64,
    pub live: Decimal,
    pub candidate: Decimal,
    pub delta: Decimal,
    pub examples: Vec<Example>,
}

/// An event the candidate failed that the live version handled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NewFailure {
    pub event: String,
    pub message: String,
}

/// What trying a candidate on recent events found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CanaryReport {
    /// Events tried.
    pub events: u64,
    pub live_version: String,
    pub candidate_version: String,
    /// Points rules awarded (positive earn entries), by each version.
    pub issued_live: Decimal,
    pub issued_candidate: Decimal,
    /// `(candidate - live) / live`, in percent, rounded to 0.1; `None` when the live
    /// version issued nothing.
    pub change_percent: Option<Decimal>,
    /// Rules whose points changed on at least one event, by rule id.
    pub rules: BTreeMap<String, RuleChange>,
    /// Up to a few events the candidate failed and the live version handled, and how
    /// many in all.
    pub new_failures: Vec<NewFailure>,
    pub new_failure_count: u64,
    /// Why the candidate must not go live, if it must not.
    pub refused: Option<String>,
}

/// What a club asks of the canary (`reload:` in club.yaml): how many recent events to
/// try, and how far the points issued may move (in percent).
pub fn settings(candidate: &Policy) -> (u32, Option<Decimal>) {
    let settings = candidate.club.reload.as_ref();
    let events = settings.map_or(DEFAULT_CANARY_EVENTS, |s| s.canary_events);
    let max_change = settings
        .and_then(|s| s.max_change.as_deref())
        .and_then(parse_percent);
    (events, max_change)
}

/// The last `count` events of the ledger (purchases, returns and every other kind an
/// import writes), oldest first.
pub fn recent_events(ledger: &Ledger, count: u32) -> Result<Vec<Event>, LedgerError> {
    let ids = ledger.recent_event_ids(count)?;
    let mut events = Vec::with_capacity(ids.len());
    for id in ids.iter().rev() {
        if let Some((event, _version)) = ledger.stored_event(id)? {
            if event.kind.importable() {
                events.push(event);
            }
        }
    }
    Ok(events)
}

/// What one version did with each event: its points by rule, or its failure.
type Outcomes = BTreeMap<String, Result<BTreeMap<String, Decimal>, String>>;

fn replay(ledger: &Ledger, policy: &Policy, events: &[Event]) -> Result<Outcomes, LedgerError> {
    let scratch = Ledger::open_in_memory()?;
    scratch.record_policy(policy)?;
    scratch.begin()?;
    let mut recorder = Recorder::new(&scratch, policy);
    // The members as the ledger knows them (type, birthday, attributes, joining date,
    // tier), so that rules reading them see what they would see live.
    let members: BTreeSet<&str> = events.iter().map(|e| e.member.as_str()).collect();
    let first = events.first().map(|e| e.time).unwrap_or_default();
    for member in members {
        if let Some(state) = ledger.member_state(member)? {
            recorder.profile(&state, true, &[], "canary", first)?;
        }
    }
    let mut outcomes = Outcomes::new();
    for event in events {
        let outcome = match recorder.event(event, event.fingerprint())? {
            Disposition::Rejected(error) => Err(error.message),
            _ => {
                let mut by_rule = BTreeMap::new();
                for (rule, points, _reason, kind) in scratch.entries_of_event(&event.id)? {
                    if kind == "earn" {
                        let sum = by_rule.entry(rule).or_insert(Decimal::ZERO);
                        *sum = sum.saturating_add(points);
                    }
                }
                Ok(by_rule)
            }
        };
        outcomes.insert(event.id.clone(), outcome);
    }
    recorder.finish()?;
    scratch.rollback()?;
    Ok(outcomes)
}

/// Tries `candidate` beside `live` on `events` (from [`recent_events`]).
pub fn try_candidate(
    ledger: &Ledger,
    live: &Policy,
    candidate: &Policy,
    events: &[Event],
    max_change: Option<Decimal>,
) -> Result<CanaryReport, LedgerError> {
    // A version whose rule runs to its limit on many recent events would keep the
    // reloader busy for minutes; each replay gets a budget instead, and what is left when
    // it is spent fails (and refuses the candidate, if the live version handled it).
    let budget = |policy: &Policy| {
        policy
            .engine
            .limits()
            .max_time
            .saturating_mul(REPLAY_BUDGET_IN_RULE_LIMITS)
    };
    let before = with_time_budget(budget(live), || replay(ledger, live, events))?;
    let after = with_time_budget(budget(candidate), || replay(ledger, candidate, events))?;
    let mut report = CanaryReport {
        events: events.len() as u64,
        live_version: live.short_id().to_owned(),
        candidate_version: candidate.short_id().to_owned(),
        ..CanaryReport::default()
    };
    let none = BTreeMap::new();
    for event in events {
        let (Some(old), Some(new)) = (before.get(&event.id), after.get(&event.id)) else {
            continue;
        };
        let (old, new) = match (old, new) {
            (Ok(old), Ok(new)) => (old, new),
            (Ok(_), Err(message)) => {
                report.new_failure_count += 1;
                if report.new_failures.len() < EXAMPLES {
                    report.new_failures.push(NewFailure {
                        event: event.id.clone(),
                        message: message.clone(),
                    });
                }
                continue;
            }
            (Err(_), Ok(new)) => (&none, new),
            (Err(_), Err(_)) => continue,
        };
        let rules: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for rule in rules {
            let was = old.get(rule).copied().unwrap_or_default();
            let now = new.get(rule).copied().unwrap_or_default();
            if was > Decimal::ZERO {
                report.issued_live = report.issued_live.saturating_add(was);
            }
            if now > Decimal::ZERO {
                report.issued_candidate = report.issued_candidate.saturating_add(now);
            }
            let change = report.rules.entry(rule.clone()).or_default();
            change.live = change.live.saturating_add(was);
            change.candidate = change.candidate.saturating_add(now);
            if was != now {
                change.events_changed += 1;
                change.delta = change.delta.saturating_add(now.saturating_sub(was));
                if change.examples.len() < EXAMPLES {
                    change.examples.push(Example {
                        event: event.id.clone(),
                        live: was,
                        candidate: now,
                    });
                }
            }
        }
    }
    report.rules.retain(|_, change| change.events_changed > 0);
    // Sums of points are bounded, but saturate rather than panic at the edge: a reload
    // must never be lost to an overflow.
    report.change_percent = report
        .issued_candidate
        .saturating_sub(report.issued_live)
        .checked_mul(Decimal::from(100))
        .and_then(|moved| moved.checked_div(report.issued_live))
        .map(|percent| percent.round_dp(1));
    report.refused = if report.new_failure_count > 0 {
        Some(format!(
            "it fails {} of the last {} events, which the live version handled (first: `{}`: {})",
            report.new_failure_count,
            report.events,
            report.new_failures[0].event,
            report.new_failures[0].message
        ))
    } else {
        max_change.and_then(|limit| {
            let moved = match report.change_percent {
                Some(percent) => percent.abs() > limit,
                None => !report.issued_candidate.is_zero(),
            };
            moved.then(|| {
                let by = report
                    .change_percent
                    .map(|p| format!("{p:+}%"))
                    .unwrap_or_else(|| "from nothing".to_owned());
                format!(
                    "it moves the points issued on the last {} events by {by} ({} → {}), more than `reload.max_change: {limit}%` allows",
                    report.events, report.issued_live, report.issued_candidate
                )
            })
        })
    };
    Ok(report)
}

impl CanaryReport {
    /// A few lines for people: the totals, each rule's change, the failures.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "tried on the last {} events beside {}: points issued {} → {}",
            self.events, self.live_version, self.issued_live, self.issued_candidate
        );
        if let Some(percent) = self.change_percent {
            text.push_str(&format!(" ({percent:+}%)"));
        }
        text.push('\n');
        for (rule, change) in &self.rules {
            let examples: Vec<String> = change
                .examples
                .iter()
                .map(|e| format!("{} {} → {}", e.event, e.live, e.candidate))
                .collect();
            text.push_str(&format!(
                "  rule `{rule}`: {} events changed, {:+} points (e.g. {})\n",
                change.events_changed,
                change.delta,
                examples.join(", ")
            ));
        }
        for failure in &self.new_failures {
            text.push_str(&format!(
                "  fails `{}`: {}\n",
                failure.event, failure.message
            ));
        }
        text
    }
}
