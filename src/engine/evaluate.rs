//! [`evaluate`]: run a policy's rules on one event. Pure: its only inputs are its
//! arguments, its only output the returned [`Outcome`] or [`EvalError`].

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use rhai::{Dynamic, EvalAltResult};
use rust_decimal::Decimal;

use super::benefits::{deal_multipliers, member_value, tier_of};
use super::{lot_terms, Award, EntryKind, Outcome, RuleStatus, RuleTrace};
use crate::amount::{Overflow, LARGEST};
use crate::diagnostic::{Diagnostic, Location};
use crate::event::{Event, EventType};
use crate::locale::Lang;
use crate::member::MemberState;
use crate::policy::script_values::event_value;
use crate::policy::{CompiledRule, Policy};

/// What a return needs to know about the purchase it gives back, read from the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalRecord {
    pub member: String,
    pub kind: EventType,
    pub amount: Decimal,
    /// Sum of the amounts of returns already applied against it.
    pub returned_before: Decimal,
    /// What its rules (and deals) earned: (rule, points, policy version), in ledger order.
    /// Entries that only paid a debt from its points are not awards, and are not reversed.
    pub awards: Vec<(String, Decimal, String)>,
    /// The share of each rule's award that earlier returns stood for (negative numbers),
    /// whether it was taken from lots, left owed, or forgiven.
    pub reversed_before: BTreeMap<String, Decimal>,
}

/// Everything evaluation reads.
#[derive(Debug, Clone, Copy)]
pub struct EvaluationInput<'a> {
    pub event: &'a Event,
    pub member: &'a MemberState,
    /// For a return: the original event as recorded (`None` if unknown).
    pub original: Option<&'a OriginalRecord>,
}

/// Why an event could not be evaluated. It fails this one event only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
    /// Where in a script, for script errors.
    pub location: Option<Location>,
    pub source_line: Option<String>,
    /// The input column the problem is about, for input problems (e.g. `original`).
    pub column: Option<&'static str>,
    /// A suggestion for the fix (the field a script meant), if one can be made. Boxed
    /// twice so that it costs one pointer: an `EvalError` is the error of every evaluation,
    /// and stays under clippy's bound for errors passed by value.
    #[allow(clippy::box_collection)]
    pub help: Option<Box<String>>,
}

/// The input fields evaluation can blame for a failure, by name (for failures read back
/// from the ledger).
pub fn input_field(name: &str) -> Option<&'static str> {
    [
        "amount",
        "credit_used",
        "deal",
        "original",
        "group",
        "role",
        "kind",
    ]
    .into_iter()
    .find(|field| *field == name)
}

impl EvalError {
    /// A failure described in words only.
    pub fn message(message: impl Into<String>) -> EvalError {
        EvalError {
            message: message.into(),
            location: None,
            source_line: None,
            column: None,
            help: None,
        }
    }

    /// A number in or from this event grew beyond what can be kept exactly.
    pub fn overflow(what: &str) -> EvalError {
        EvalError {
            message: format!("{what}: {Overflow}; nothing was written for this event"),
            location: None,
            source_line: None,
            column: None,
            help: None,
        }
    }

    pub(crate) fn input(column: &'static str, message: impl Into<String>) -> EvalError {
        EvalError {
            message: message.into(),
            location: None,
            source_line: None,
            column: Some(column),
            help: None,
        }
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        let mut diagnostic = Diagnostic::error(self.message.clone());
        if let Some(location) = &self.location {
            diagnostic.location = Some(location.clone());
            diagnostic.source_line = self.source_line.clone();
        }
        diagnostic.help = self.help.as_deref().cloned();
        diagnostic
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.location {
            Some(at) => write!(
                f,
                "{} ({}:{}:{})",
                self.message,
                at.file.display(),
                at.line,
                at.column
            ),
            None => f.write_str(&self.message),
        }
    }
}

thread_local! {
    /// Whether `evaluate` records the fields each rule reads (for `explain`).
    static TRACING: Cell<bool> = const { Cell::new(false) };
}

/// [`evaluate`], also recording in the trace which event and member fields each rule read.
pub fn evaluate_traced(policy: &Policy, input: EvaluationInput) -> Result<Outcome, EvalError> {
    TRACING.with(|t| t.set(true));
    let result = evaluate(policy, input);
    TRACING.with(|t| t.set(false));
    result
}

/// How many tier-multiplied reasons a thread remembers ([`multiplied_reason`]).
const MULTIPLIED_REASONS: usize = 8;

/// A reason made: the language, multiplier, reason and tier it was made from, and the text.
type MadeReason = (Lang, Decimal, String, String, String);

thread_local! {
    /// The tier-multiplied reasons made last, newest last.
    static MADE_REASONS: RefCell<Vec<MadeReason>> = const { RefCell::new(Vec::new()) };
}

/// `reason (×1.5 gold)`, in the club's language. The same few are made for every award
/// of a member in a tier with a multiplier: formatting each through Fluent was a
/// fiftieth of the deciding thread's time at a million purchases (issue 14), so the
/// last few are remembered (the text depends on nothing else).
fn multiplied_reason(lang: Lang, reason: &str, multiplier: Decimal, tier: &str) -> String {
    let known = MADE_REASONS.with(|made| {
        made.borrow()
            .iter()
            .find(|(l, m, r, t, _)| *l == lang && *m == multiplier && r == reason && t == tier)
            .map(|(.., text)| text.clone())
    });
    if let Some(text) = known {
        return text;
    }
    let text = crate::tr_in!(
        lang,
        "reason-tier-multiplied",
        reason = reason,
        multiplier = crate::locale::numerals_in(lang, &multiplier.normalize().to_string()),
        tier = tier
    );
    MADE_REASONS.with(|made| {
        let mut made = made.borrow_mut();
        if made.len() == MULTIPLIED_REASONS {
            made.remove(0);
        }
        made.push((
            lang,
            multiplier,
            reason.to_owned(),
            tier.to_owned(),
            text.clone(),
        ));
    });
    text
}

/// Evaluates `input` under `policy`.
pub fn evaluate(policy: &Policy, input: EvaluationInput) -> Result<Outcome, EvalError> {
    let event = input.event;
    let mut outcome = Outcome {
        policy_version: policy.id.clone(),
        when_spent: policy.club.points.when_spent,
        awards: Vec::new(),
        for_others: Vec::new(),
        trace: Vec::new(),
    };
    if event.kind == EventType::Return {
        outcome.awards = reverse_original(policy, event, input.original)?;
    }
    if event.kind == EventType::Enroll {
        check_enrolment(policy, event, input.member)?;
    }
    if let Some(credit) = event.credit_used {
        if credit > input.member.credit {
            return Err(EvalError::input("credit_used", {
                // In the club's shown money, both amounts alike.
                let shown = |amount| crate::club::currencies::shown_amount(&policy.club, amount);
                let ((held, currency), (used, _)) = (shown(input.member.credit), shown(credit));
                crate::tr!(
                    "rows-credit-short",
                    member = &event.member,
                    credit = crate::locale::numerals(&held.normalize().to_string()),
                    currency = currency,
                    used = crate::locale::numerals(&used.normalize().to_string())
                )
            }));
        }
    }

    let wanted = |rule: &CompiledRule| {
        let definition = &policy.club.rules[rule.index];
        definition.enabled && definition.events.contains(&event.kind)
    };
    // Build the script values only if some rule will read them.
    let values = policy.rules.iter().any(wanted).then(|| {
        (
            event_value(event, policy),
            member_value(input.member, policy),
        )
    });

    let tier_multiplier = tier_of(policy, input.member)
        .and_then(|tier| tier.multiplier.map(|m| (m, tier.id.as_str())))
        .filter(|(m, _)| *m != Decimal::ONE);
    for rule in &policy.rules {
        let definition = &policy.club.rules[rule.index];
        let mut trace = RuleTrace {
            rule: rule.index,
            status: RuleStatus::Ran,
            raw_points: None,
            points: Decimal::ZERO,
            reads: Vec::new(),
        };
        let Some((event_dyn, member_dyn)) = values.as_ref().filter(|_| wanted(rule)) else {
            trace.status = if definition.enabled {
                RuleStatus::NotForThisEventType
            } else {
                RuleStatus::Disabled
            };
            outcome.trace.push(trace);
            continue;
        };
        if let Some(campaign) = policy.campaign_of(&definition.id) {
            if !super::campaigns::is_open(
                policy,
                campaign,
                input.member,
                &Dynamic::from(member_dyn.clone()),
                event.time,
            )? {
                trace.status = RuleStatus::CampaignClosed;
                outcome.trace.push(trace);
                continue;
            }
        }
        let call = || {
            policy.call(
                rule.script,
                &definition.function,
                (
                    Dynamic::from(event_dyn.clone()),
                    Dynamic::from(member_dyn.clone()),
                ),
            )
        };
        let result = if TRACING.with(Cell::get) {
            let (result, reads) = crate::policy::script_values::record_reads(call);
            trace.reads = reads;
            result
        } else {
            call()
        };
        let value = result.map_err(|error| script_error(policy, rule, &error))?;
        let default_reason = definition.description.as_deref().unwrap_or(&definition.id);
        let raw_awards = interpret(&value, default_reason)
            .map_err(|what| returned_wrong_type(policy, rule, &what))?;
        if let Some((raw, _, _)) = raw_awards.iter().find(|(raw, _, _)| raw.abs() > LARGEST) {
            return Err(returned_too_much(policy, rule, *raw));
        }
        let settings = &policy.club.points;
        for (raw, mut reason, to) in raw_awards {
            if let Some(to) = to {
                let settings = &policy.club.points;
                let points = settings.rounding.apply(raw, settings.precision);
                trace.points = trace.points.saturating_add(points);
                if points > Decimal::ZERO && to != event.member {
                    outcome.for_others.push((
                        to,
                        Award {
                            rule: definition.id.clone(),
                            points,
                            reason,
                            policy_version: policy.id.clone(),
                            kind: EntryKind::Earn,
                            lot: Some(lot_terms(policy, Some(definition), event.time)),
                        },
                    ));
                }
                continue;
            }
            // The member's tier multiplies what rules award (not what they take).
            let raw = match tier_multiplier {
                Some((multiplier, tier)) if raw.is_sign_positive() => {
                    let lang = policy.club.language.unwrap_or_default();
                    reason = multiplied_reason(lang, &reason, multiplier, tier);
                    crate::amount::mul(raw, multiplier)
                        .map_err(|_| EvalError::overflow(&format!("rule `{}`", definition.id)))?
                }
                _ => raw,
            };
            let points = settings.rounding.apply(raw, settings.precision);
            trace.raw_points = Some(trace.raw_points.unwrap_or_default().saturating_add(raw));
            trace.points = trace.points.saturating_add(points);
            if !points.is_zero() {
                // Points added become a lot; points a rule takes (negative) use lots up.
                let lot = points
                    .is_sign_positive()
                    .then(|| lot_terms(policy, Some(definition), event.time));
                outcome.awards.push(Award {
                    rule: definition.id.clone(),
                    points,
                    reason,
                    policy_version: policy.id.clone(),
                    kind: EntryKind::Earn,
                    lot,
                });
            }
        }
        outcome.trace.push(trace);
    }
    // Active deals add their extra as entries of their own, so that a failed deal can take
    // back exactly what it gave.
    let earned = crate::amount::sum(
        outcome
            .awards
            .iter()
            .filter(|a| a.kind == EntryKind::Earn && a.points.is_sign_positive())
            .map(|a| a.points),
    )
    .map_err(|_| EvalError::overflow("the points of this event"))?;
    if !earned.is_zero() {
        for (deal, multiplier) in deal_multipliers(policy, input.member) {
            let settings = &policy.club.points;
            // The multiplier is the club's number: even taking one from it is checked.
            let extra = crate::amount::add(multiplier, -Decimal::ONE)
                .and_then(|extra| crate::amount::mul(earned, extra))
                .map_err(|_| EvalError::overflow(&format!("deal `{deal}`")))?;
            let points = settings.rounding.apply(extra, settings.precision);
            if points > Decimal::ZERO {
                outcome.awards.push(Award {
                    rule: format!("deal:{deal}"),
                    points,
                    reason: crate::tr_in!(
                        policy.club.language.unwrap_or_default(),
                        "reason-deal-multiplier",
                        deal = deal,
                        multiplier = crate::locale::numerals_in(
                            policy.club.language.unwrap_or_default(),
                            &multiplier.normalize().to_string()
                        )
                    ),
                    policy_version: policy.id.clone(),
                    kind: EntryKind::Earn,
                    lot: Some(lot_terms(policy, None, event.time)),
                });
            }
        }
    }
    Ok(outcome)
}

/// An `enroll` event must name a deal members join by event, which the member is not in.
fn check_enrolment(policy: &Policy, event: &Event, member: &MemberState) -> Result<(), EvalError> {
    let Some(name) = event.attributes.get("deal") else {
        return Err(EvalError::input(
            "deal",
            crate::tr!("rows-enroll-needs-deal"),
        ));
    };
    let Some(deal) = policy.club.deals.iter().find(|d| &d.id == name) else {
        let known: Vec<&str> = policy.club.deals.iter().map(|d| d.id.as_str()).collect();
        let problem = crate::tr!("rows-no-deal", name = name);
        return Err(EvalError::input(
            "deal",
            match crate::diagnostic::did_you_mean(name, known.iter().copied()) {
                Some(near) => crate::tr!(
                    "rows-with-suggestion",
                    problem = problem,
                    suggestion = crate::tr!("did-you-mean", name = near)
                ),
                None => problem,
            },
        ));
    };
    if deal.enroll == crate::club::Enrollment::Auto {
        return Err(EvalError::input(
            "deal",
            crate::tr!("rows-deal-automatic", name = name),
        ));
    }
    if member
        .deals
        .iter()
        .any(|d| &d.deal == name && d.state == crate::member::DealState::Active)
    {
        return Err(EvalError::input(
            "deal",
            crate::tr!("rows-already-in-deal", member = &member.id, name = name),
        ));
    }
    Ok(())
}

/// (raw points, reason, the other member they go to).
type RawAward = (Decimal, String, Option<String>);

/// Reads what a rule function returned: nothing, a number, `award(points, reason)`, or an
/// array of those. Returns (raw points, reason) pairs, or the name of the wrong type.
fn interpret(value: &Dynamic, default_reason: &str) -> Result<Vec<RawAward>, String> {
    if value.is_unit() {
        return Ok(Vec::new());
    }
    if let Some(points) = as_decimal(value) {
        return Ok(vec![(points, default_reason.to_owned(), None)]);
    }
    if let Some(map) = value.read_lock::<rhai::Map>() {
        let points = map
            .get("points")
            .and_then(as_decimal)
            .ok_or_else(|| crate::tr!("script-returned-map-without-points"))?;
        let reason = map
            .get("reason")
            .and_then(|r| {
                r.read_lock::<rhai::ImmutableString>()
                    .map(|s| s.to_string())
            })
            .unwrap_or_else(|| default_reason.to_owned());
        // `to`: the points go to another member (a referrer), not the event's.
        let to = match map.get("to") {
            None => None,
            Some(to) if to.is_unit() => None,
            Some(to) => Some(
                to.read_lock::<rhai::ImmutableString>()
                    .map(|s| s.to_string())
                    .ok_or_else(|| crate::tr!("script-returned-map-bad-to"))?,
            ),
        };
        return Ok(vec![(points, reason, to)]);
    }
    if let Some(items) = value.read_lock::<rhai::Array>() {
        let mut all = Vec::new();
        for item in items.iter() {
            all.extend(interpret(item, default_reason)?);
        }
        return Ok(all);
    }
    Err(crate::tr!("script-returned-type", name = value.type_name()))
}

fn as_decimal(value: &Dynamic) -> Option<Decimal> {
    if let Ok(int) = value.as_int() {
        return Some(Decimal::from(int));
    }
    value.read_lock::<Decimal>().map(|d| *d)
}

fn script_location(
    policy: &Policy,
    rule: &CompiledRule,
    position: rhai::Position,
) -> (Location, Option<String>) {
    let script = &policy.scripts[rule.script];
    let line = position.line().unwrap_or(rule.line);
    let column = position.position().unwrap_or(1);
    let source_line = script
        .source
        .lines()
        .nth(line.saturating_sub(1))
        .map(str::to_owned);
    (
        Location::new(&script.display_path, line, column),
        source_line,
    )
}

fn script_error(policy: &Policy, rule: &CompiledRule, error: &EvalAltResult) -> EvalError {
    let definition = &policy.club.rules[rule.index];
    let limits = policy.engine.limits();
    let inner = error.unwrap_inner();
    let position = deepest_position(error);
    let what = match &inner {
        EvalAltResult::ErrorTooManyOperations(..) => crate::tr!(
            "script-too-many-operations",
            limit = crate::locale::numerals(&limits.max_operations.to_string())
        ),
        EvalAltResult::ErrorTerminated(token, _)
            if token.clone().into_immutable_string().ok().as_deref()
                == Some(crate::policy::BUDGET_SPENT) =>
        {
            crate::tr!("script-budget-spent")
        }
        EvalAltResult::ErrorTerminated(..) => {
            crate::tr!(
                "script-too-long",
                limit = crate::locale::numerals(&limits.max_time.as_millis().to_string())
            )
        }
        EvalAltResult::ErrorDataTooLarge(what, _) => crate::tr!(
            "script-too-large",
            what = what.to_lowercase(),
            strings = crate::locale::numerals(&limits.max_string_size.to_string()),
            arrays = crate::locale::numerals(&limits.max_array_size.to_string()),
            maps = crate::locale::numerals(&limits.max_map_size.to_string())
        ),
        EvalAltResult::ErrorStackOverflow(..) => crate::tr!(
            "script-too-deep",
            limit = crate::locale::numerals(&limits.max_call_levels.to_string())
        ),
        other => crate::policy::error_message(other),
    };
    let (location, source_line) = script_location(policy, rule, position);
    EvalError {
        message: crate::tr!("script-rule-failed", rule = &definition.id, what = what),
        location: Some(location),
        source_line,
        column: None,
        help: crate::policy::error_help(error).map(Box::new),
    }
}

/// The innermost known position of an error: where it happened if Rhai knows, else the
/// deepest call site on the way there (e.g. the recursive call for a stack overflow).
fn deepest_position(error: &EvalAltResult) -> rhai::Position {
    match error {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, at)
        | EvalAltResult::ErrorInModule(_, inner, at) => {
            let deeper = deepest_position(inner);
            if deeper.is_none() {
                *at
            } else {
                deeper
            }
        }
        other => other.position(),
    }
}

fn returned_wrong_type(policy: &Policy, rule: &CompiledRule, what: &str) -> EvalError {
    let definition = &policy.club.rules[rule.index];
    let (location, source_line) = script_location(policy, rule, rhai::Position::NONE);
    EvalError {
        message: crate::tr!("script-rule-returned", rule = &definition.id, what = what),
        location: Some(location),
        source_line,
        column: None,
        help: None,
    }
}

/// The rule returned a number of points, but more than one award may be: the type was
/// right, so the help about what to return is left out.
fn returned_too_much(policy: &Policy, rule: &CompiledRule, points: Decimal) -> EvalError {
    let definition = &policy.club.rules[rule.index];
    let (location, source_line) = script_location(policy, rule, rhai::Position::NONE);
    EvalError {
        message: crate::tr!(
            "script-rule-too-many-points",
            rule = &definition.id,
            points = crate::locale::numerals(&points.normalize().to_string()),
            largest = LARGEST
        ),
        location: Some(location),
        source_line,
        column: None,
        help: None,
    }
}

/// A return takes back, in proportion to the amount returned, exactly what the original
/// event earned, rule by rule and under the policy version that awarded it — never what
/// today's rules would have given. Each rule's cumulative share is
/// `points × returned so far / amount`, multiplied before it is divided and rounded
/// towards zero, less what earlier returns already stood for: several partial returns
/// never take back more than the original gave, and a full return takes it all. How the
/// share is taken (from the purchase's own points, forgiven if they expired, from the
/// rest of the balance, or owed) is the decision stage's to work out.
pub fn reverse_original(
    policy: &Policy,
    event: &Event,
    original: Option<&OriginalRecord>,
) -> Result<Vec<Award>, EvalError> {
    let Some(name) = event.original.as_deref() else {
        return Err(EvalError::input(
            "original",
            crate::tr!("rows-return-needs-original-column"),
        ));
    };
    let Some(original) = original else {
        return Err(EvalError::input(
            "original",
            crate::tr!("rows-original-unknown", name = name),
        ));
    };
    if original.member != event.member {
        return Err(EvalError::input(
            "original",
            crate::tr!(
                "rows-original-other-member",
                name = name,
                owner = &original.member,
                member = &event.member
            ),
        ));
    }
    if original.kind != EventType::Purchase {
        return Err(EvalError::input(
            "original",
            crate::tr!(
                "rows-original-not-purchase",
                name = name,
                kind = original.kind.to_string()
            ),
        ));
    }
    if event.amount <= Decimal::ZERO {
        return Err(EvalError::input(
            "amount",
            crate::tr!("rows-return-not-positive"),
        ));
    }
    let overflow = |_| EvalError::overflow("the return");
    let remaining =
        crate::amount::add(original.amount, -original.returned_before).map_err(overflow)?;
    if event.amount > remaining {
        return Err(EvalError::input(
            "amount",
            crate::tr!(
                "rows-return-too-much",
                amount = crate::locale::numerals(&event.amount.normalize().to_string()),
                left = crate::locale::numerals(&remaining.normalize().to_string()),
                name = name
            ),
        ));
    }
    let returned = crate::amount::add(original.returned_before, event.amount).map_err(overflow)?;
    let precision = policy.club.points.precision;
    let mut awarded_per_rule: Vec<(&str, Decimal, &str)> = Vec::new();
    for (rule, points, version) in &original.awards {
        match awarded_per_rule
            .iter_mut()
            .find(|(r, _, v)| r == rule && v == version)
        {
            Some(entry) => entry.1 = crate::amount::add(entry.1, *points).map_err(overflow)?,
            None => awarded_per_rule.push((rule, *points, version)),
        }
    }
    let mut awards = Vec::new();
    for (rule, awarded, version) in awarded_per_rule {
        let target = -crate::amount::share(awarded, returned, original.amount, precision)
            .map_err(overflow)?;
        let already = original
            .reversed_before
            .get(rule)
            .copied()
            .unwrap_or_default();
        let points = crate::amount::add(target, -already).map_err(overflow)?;
        if !points.is_zero() {
            awards.push(Award {
                rule: rule.to_owned(),
                points,
                reason: crate::tr_in!(
                    policy.club.language.unwrap_or_default(),
                    "reason-return",
                    amount = crate::locale::numerals_in(
                        policy.club.language.unwrap_or_default(),
                        &event.amount.normalize().to_string()
                    ),
                    event = name
                ),
                policy_version: version.to_owned(),
                kind: EntryKind::Reverse,
                lot: None,
            });
        }
    }
    Ok(awards)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A remembered reason is the one made afresh, in either language, for more kinds
    /// than are remembered, asked in an order that evicts them.
    #[test]
    fn remembered_multiplied_reasons_are_made_afresh_the_same() {
        let made = |lang, reason: &str, multiplier: Decimal, tier: &str| {
            crate::tr_in!(
                lang,
                "reason-tier-multiplied",
                reason = reason,
                multiplier = crate::locale::numerals_in(lang, &multiplier.normalize().to_string()),
                tier = tier
            )
        };
        let multipliers = [
            Decimal::new(15, 1),
            Decimal::new(150, 2),
            Decimal::new(2, 0),
        ];
        for round in 0..3 {
            for lang in [Lang::En, Lang::Fa] {
                for (n, multiplier) in multipliers.iter().enumerate() {
                    for reason in ["base", "weekend bonus", "سبد بزرگ"] {
                        let tier = if (n + round) % 2 == 0 {
                            "gold"
                        } else {
                            "silver"
                        };
                        assert_eq!(
                            multiplied_reason(lang, reason, *multiplier, tier),
                            made(lang, reason, *multiplier, tier)
                        );
                    }
                }
            }
        }
        // 1.5 and 1.50 are the same multiplier, written the same way.
        let text = multiplied_reason(Lang::En, "base", Decimal::new(150, 2), "gold");
        assert!(text.contains("1.5") && !text.contains("1.50"), "{text}");
    }
}
