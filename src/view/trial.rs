//! A purchase tried, not recorded: the dry run that `bashgah explain --event`, the API's
//! `POST /v1/clubs/{club}/trials` and the console's "try a purchase" page share.
//!
//! The event is decided the way the ledger would decide it — first what the clock has due
//! for the member by then, then the event itself — by the same [`Decider`] as recording,
//! against the member as the ledger holds them; its rules are evaluated once more, traced,
//! to show what each read and how it was rounded. The plan is only looked at: nothing is
//! written.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;

use crate::decide::{BookNeeds, Change, Decider, Failure, Ids, Plan};
use crate::engine::{evaluate_traced, EvalError, EvaluationInput, Outcome, RuleStatus};
use crate::event::{Event, EventType};
use crate::ledger::{Ledger, LedgerError};
use crate::member::MemberState;
use crate::policy::Policy;

/// A dry run as decided: the member before the event, what falls due first, the event's
/// plan (or why it would be rejected) and the rules' traced evaluation.
pub struct DryRun<'a> {
    /// The member as the rules see them: after the catch-up, with the activity windows
    /// of the event's time.
    pub member: MemberState,
    /// Whether the ledger knows the member (else they are new, as the write path makes them).
    pub known: bool,
    pub due: Plan<'a>,
    pub decided: Result<Plan<'a>, Failure>,
    pub evaluation: Result<Outcome, EvalError>,
    /// The event as decided, when its amount was converted from a foreign currency.
    pub converted: Option<Event>,
}

/// Decides `event` for its member as the ledger stands, without recording anything.
pub fn dry_run<'a>(
    ledger: &'a Ledger,
    policy: &'a Policy,
    event: &'a Event,
) -> Result<DryRun<'a>, LedgerError> {
    let stored = ledger.load_book(&event.member, BookNeeds::all())?;
    let known = stored.is_some();
    let mut book = stored.unwrap_or_else(|| super::explanation::new_member(policy, event));
    // Rules see the amount in the club's currency (a refused conversion is the plan's).
    let converted = crate::decide::currency::convert(policy, &book, event);
    let converted = match converted {
        Ok(std::borrow::Cow::Owned(converted)) => Some(converted),
        _ => None,
    };
    let evaluated = converted.as_ref().unwrap_or(event);
    let mut decider = Decider::new(policy, ledger, Ids::scratch());
    decider.catch_up(&mut book, event.time);
    let due = decider.take_plan();
    let mut member = book.state.clone();
    member.stats = book.window_stats(event.time).unwrap_or_default();
    let original = match (&event.kind, &event.original) {
        (EventType::Return, Some(original)) => book.original(original).ok().flatten(),
        _ => None,
    };
    let evaluation = evaluate_traced(
        policy,
        EvaluationInput {
            event: evaluated,
            member: &member,
            original: original.as_ref(),
        },
    );
    let decided = decider.event(&mut book, event, &event.fingerprint());
    let plan = decider.take_plan();
    Ok(DryRun {
        member,
        known,
        due,
        decided: decided.map(|_| plan),
        evaluation,
        converted,
    })
}

/// What one version of a club would do with a tried event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Trial {
    /// The version tried (its short id).
    pub policy_version: String,
    pub member: TrialMember,
    /// How every award is rounded.
    pub rounding: Rounding,
    /// Every rule of the version, in order: whether it ran, what it read, its points.
    pub rules: Vec<RuleRun>,
    /// The rules failed: the event would be rejected, for this reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<TrialError>,
    /// What the clock has due for the member before the event (expiry, a review...).
    pub falls_due: Vec<PlannedEvent>,
    /// The events the ledger would hold, with their entries: the tried event first, then
    /// any it causes (a referrer's bonus, a hook's award).
    pub entries: Vec<PlannedEvent>,
    /// Tier moves the event would make.
    pub tier_changes: Vec<PlannedTier>,
    /// The sum of the tried event's own entries.
    pub points: String,
    /// The member's balance once the event is recorded (`null` when it would be rejected).
    pub balance_after: Option<String>,
}

/// The member the rules see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TrialMember {
    pub id: String,
    /// Whether the ledger knows the member; a new one is tried as the write path makes them.
    pub known: bool,
    pub member_type: String,
    /// Their tier (a deal's floor counts), and what it multiplies awards by.
    pub tier: Option<String>,
    pub multiplier: Option<String>,
    pub balance: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Rounding {
    /// `floor`, `round`, `ceil`…, as `points.rounding` says.
    pub mode: String,
    /// Decimal places kept (`points.precision`).
    pub precision: u32,
}

/// One rule of the version, traced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RuleRun {
    pub rule: String,
    pub function: String,
    /// `file:line` of the function.
    pub place: String,
    /// `ran`, `not_for_this_event_type`, `disabled` or `campaign_closed`.
    pub status: String,
    /// The event and member fields the rule read.
    pub reads: Vec<String>,
    /// What the rule returned, times the tier's multiplier, before rounding (`null`: it
    /// returned nothing).
    pub raw_points: Option<String>,
    /// After rounding.
    pub points: String,
    /// Whether rounding changed the points.
    pub rounded: bool,
}

/// Why the rules failed, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TrialError {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// An event the ledger would hold, with its entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PlannedEvent {
    pub event: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub member: String,
    /// In the club's calendar.
    pub date: String,
    pub entries: Vec<PlannedEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PlannedEntry {
    pub rule: String,
    pub points: String,
    pub reason: String,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PlannedTier {
    pub member: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// In the club's calendar.
    pub date: String,
    pub reason: String,
}

/// Tries `event` under `policy` against the ledger's member: every rule, the rounding, the
/// multiplier and the entries. Nothing is written.
pub fn try_event(ledger: &Ledger, policy: &Policy, event: &Event) -> Result<Trial, LedgerError> {
    let run = dry_run(ledger, policy, event)?;
    let tier = crate::engine::benefits::tier_of(policy, &run.member);
    let member = TrialMember {
        id: run.member.id.clone(),
        known: run.known,
        member_type: run.member.member_type.clone(),
        tier: tier.map(|t| t.id.clone()),
        multiplier: tier
            .and_then(|t| t.multiplier)
            .map(|m| m.normalize().to_string()),
        balance: text(run.member.balance),
    };
    let rules = match &run.evaluation {
        Ok(outcome) => rule_runs(policy, outcome),
        Err(_) => Vec::new(),
    };
    let error = run.evaluation.as_ref().err().map(|e| TrialError {
        message: e.message.clone(),
        file: e.location.as_ref().map(|l| l.file.display().to_string()),
        line: e.location.as_ref().map(|l| l.line),
        column: e.location.as_ref().map(|l| l.column),
    });
    let (entries, tier_changes, error) = match &run.decided {
        Ok(plan) => {
            let (entries, tiers) = planned(policy, plan);
            (entries, tiers, error)
        }
        // Rejected after the rules ran (a budget, a sum out of range): say so.
        Err(failure) => (
            Vec::new(),
            Vec::new(),
            error.or_else(|| {
                Some(TrialError {
                    message: failure.to_string(),
                    file: None,
                    line: None,
                    column: None,
                })
            }),
        ),
    };
    let own = entries
        .iter()
        .filter(|e| e.event == event.id)
        .flat_map(|e| e.entries.iter())
        .filter_map(|e| e.points.parse::<Decimal>().ok())
        .fold(Decimal::ZERO, Decimal::saturating_add);
    let balance_after = run.decided.as_ref().ok().map(|plan| {
        let mut balance = run.member.balance;
        for posting in plan.postings().filter(|p| p.event.member == event.member) {
            balance = balance.saturating_add(posting.points());
        }
        text(balance)
    });
    let (falls_due, _) = planned(policy, &run.due);
    Ok(Trial {
        policy_version: policy.short_id().to_owned(),
        member,
        rounding: Rounding {
            mode: format!("{:?}", policy.club.points.rounding).to_lowercase(),
            precision: policy.club.points.precision,
        },
        rules,
        error,
        falls_due,
        entries,
        tier_changes,
        points: text(own),
        balance_after,
    })
}

fn text(value: Decimal) -> String {
    value.normalize().to_string()
}

fn rule_runs(policy: &Policy, outcome: &Outcome) -> Vec<RuleRun> {
    outcome
        .trace
        .iter()
        .filter_map(|trace| {
            let definition = policy.club.rules.get(trace.rule)?;
            let place = policy
                .rules
                .iter()
                .find(|r| r.index == trace.rule)
                .and_then(|r| {
                    let script = policy.scripts.get(r.script)?;
                    Some(format!("{}:{}", script.display_path, r.line))
                })
                .unwrap_or_default();
            Some(RuleRun {
                rule: definition.id.clone(),
                function: definition.function.clone(),
                place,
                status: match trace.status {
                    RuleStatus::Ran => "ran",
                    RuleStatus::NotForThisEventType => "not_for_this_event_type",
                    RuleStatus::Disabled => "disabled",
                    RuleStatus::CampaignClosed => "campaign_closed",
                }
                .to_owned(),
                reads: trace.reads.clone(),
                raw_points: trace.raw_points.map(text),
                points: text(trace.points),
                rounded: trace.raw_points.is_some_and(|raw| raw != trace.points),
            })
        })
        .collect()
}

/// The events (with entries) and tier moves of a plan, in order.
fn planned(policy: &Policy, plan: &Plan<'_>) -> (Vec<PlannedEvent>, Vec<PlannedTier>) {
    let mut events = Vec::new();
    let mut tiers = Vec::new();
    for change in &plan.changes {
        match change {
            Change::Posting(posting) => events.push(PlannedEvent {
                event: posting.event.id.clone(),
                kind: posting.event.kind.as_str().to_owned(),
                member: posting.event.member.clone(),
                date: policy.local_date(posting.event.time),
                entries: posting
                    .entries
                    .iter()
                    .map(|entry| PlannedEntry {
                        rule: entry.rule.clone(),
                        points: text(entry.points),
                        reason: entry.reason.clone(),
                        kind: entry.kind.as_str().to_owned(),
                    })
                    .collect(),
            }),
            Change::Tier(tier) => tiers.push(PlannedTier {
                member: tier.member.clone(),
                from: tier.from.clone(),
                to: tier.to.clone(),
                date: policy.local_date(tier.at),
                reason: tier.reason.clone(),
            }),
            _ => {}
        }
    }
    (events, tiers)
}

/// Two versions' points for one rule, side by side (`null`: the version has no such rule,
/// or its rules failed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RuleSideBySide {
    pub rule: String,
    pub live: Option<String>,
    pub draft: Option<String>,
    pub changed: bool,
}

/// Every rule of either version (the live version's order, then the draft's new ones),
/// with each version's points.
pub fn side_by_side(live: &Trial, draft: &Trial) -> Vec<RuleSideBySide> {
    let points = |trial: &Trial, rule: &str| {
        trial
            .rules
            .iter()
            .find(|r| r.rule == rule)
            .map(|r| r.points.clone())
    };
    let mut rules: Vec<&str> = live.rules.iter().map(|r| r.rule.as_str()).collect();
    for rule in &draft.rules {
        if !rules.contains(&rule.rule.as_str()) {
            rules.push(&rule.rule);
        }
    }
    rules
        .into_iter()
        .map(|rule| {
            let (a, b) = (points(live, rule), points(draft, rule));
            RuleSideBySide {
                rule: rule.to_owned(),
                changed: a != b,
                live: a,
                draft: b,
            }
        })
        .collect()
}
