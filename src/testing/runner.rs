//! Running a club's policy tests: each case in a fresh in-memory ledger, its steps through
//! the import, clock and spending code, then its expectations compared with the ledger.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::case::{load_cases, Case, Step};
use crate::diagnostic::Diagnostic;
use crate::import::{event_from_row, import_events_here, ImportOptions, Row};
use crate::ledger::{Ledger, LedgerError};
use crate::member::MemberState;
use crate::policy::{Policy, ScriptEngine};
use crate::recording::AdvanceReport;
use crate::time::parse_event_time;
use crate::tr;

/// A number in a failure line, as the test file and the ledger write it (`1000`, `2.5`),
/// in the language's digits.
fn figure(value: rust_decimal::Decimal) -> String {
    crate::locale::numerals(&value.normalize().to_string())
}

/// The step at index `n`, counted from 1 as a person reads it.
fn step_no(n: usize) -> String {
    crate::locale::numerals(&(n + 1).to_string())
}

/// What one case did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub name: String,
    pub file: PathBuf,
    pub line: usize,
    /// Expectations that did not hold (empty: the case passed).
    pub failures: Vec<String>,
    /// The entries the case's events wrote: `P1: base +18 (reason)`.
    pub trace: Vec<String>,
}

/// The results of one club's tests.
#[derive(Debug, Clone)]
pub struct ClubResults {
    pub club: String,
    pub tests_dir: PathBuf,
    pub cases: Vec<CaseResult>,
    /// Enabled rules that no case made award points.
    pub uncovered: Vec<String>,
}

impl ClubResults {
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.failures.is_empty()).count()
    }

    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

/// Loads the club in `dir` and runs its tests. Problems loading the club or its test
/// files come back as diagnostics.
pub fn run_club(dir: &Path, engine: &Arc<ScriptEngine>) -> Result<ClubResults, Vec<Diagnostic>> {
    let (policy, _) = Policy::load(dir, engine)?;
    run_policy_tests(&policy)
}

/// Runs the tests in the policy's folder against this very snapshot (the host process
/// tests a reloaded policy before it goes live). Unreadable test files are diagnostics.
pub fn run_policy_tests(policy: &Policy) -> Result<ClubResults, Vec<Diagnostic>> {
    let dir = policy.dir.as_path();
    let cases = load_cases(dir)?;
    let mut covered = BTreeSet::new();
    let mut results = Vec::new();
    for case in &cases {
        let result = run_case(policy, case, &mut covered).unwrap_or_else(|error| {
            failed(
                case,
                vec![tr!("test-ledger-failed", error = error.to_string())],
            )
        });
        results.push(result);
    }
    let uncovered = policy
        .club
        .rules
        .iter()
        .filter(|r| r.enabled && !covered.contains(&r.id))
        .map(|r| r.id.clone())
        .collect();
    Ok(ClubResults {
        club: policy.club.id.clone(),
        tests_dir: dir.join("tests"),
        cases: results,
        uncovered,
    })
}

fn failed(case: &Case, failures: Vec<String>) -> CaseResult {
    CaseResult {
        name: case.name.clone(),
        file: case.file.clone(),
        line: case.line,
        failures,
        trace: Vec::new(),
    }
}

fn run_case(
    policy: &Policy,
    case: &Case,
    covered: &mut BTreeSet<String>,
) -> Result<CaseResult, LedgerError> {
    let ledger = Ledger::open_in_memory()?;
    let mut failures = Vec::new();
    let time = |text: &str| parse_event_time(text, policy.club.calendar, policy.zone);
    let first = case
        .given
        .clock
        .as_deref()
        .or_else(|| case.when.iter().find_map(step_date))
        .map(time)
        .transpose();
    let mut now = match first {
        Ok(Some(at)) => at,
        Ok(None) => DateTime::<Utc>::UNIX_EPOCH,
        Err(message) => return Ok(failed(case, vec![tr!("test-bad-date", message = message)])),
    };
    if let Err(message) = set_up(&ledger, policy, case, now) {
        return Ok(failed(case, vec![message]));
    }
    for (n, step) in case.when.iter().enumerate() {
        let outcome = run_step(&ledger, policy, case, n, step, &mut now)?;
        if let Some(expect) = &step.then {
            let mut after = Vec::new();
            check(&ledger, policy, expect, &mut after)?;
            failures.extend(
                after
                    .into_iter()
                    .map(|f| tr!("test-after-step", step = step_no(n), failure = f)),
            );
        }
        match (outcome, &step.error) {
            (Ok(()), None) => {}
            (Ok(()), Some(expected)) => failures.push(tr!(
                "test-error-expected",
                step = step_no(n),
                expected = format!("{expected:?}")
            )),
            (Err(message), None) => failures.push(tr!(
                "test-step-failed",
                step = step_no(n),
                message = message
            )),
            (Err(message), Some(expected)) if !message.contains(expected.as_str()) => failures
                .push(tr!(
                    "test-error-differs",
                    step = step_no(n),
                    expected = format!("{expected:?}"),
                    got = format!("{message:?}")
                )),
            (Err(_), Some(_)) => {}
        }
    }
    check(&ledger, policy, &case.then, &mut failures)?;
    // Every entry the case's steps wrote (events, and what the clock did), not the
    // balances the test gave.
    let mut trace = Vec::new();
    for member in members_of(&ledger)? {
        for line in ledger.statement(&member)? {
            if !line.event.starts_with("given:") {
                covered.insert(line.rule.clone());
                trace.push(format!(
                    "{}: {} {} ({})",
                    line.event,
                    line.rule,
                    crate::locale::signed(line.points),
                    line.reason
                ));
            }
        }
    }
    Ok(CaseResult {
        name: case.name.clone(),
        file: case.file.clone(),
        line: case.line,
        failures,
        trace,
    })
}

fn step_date(step: &Step) -> Option<&str> {
    if let Some(event) = &step.event {
        return event.get("date").and_then(|d| d.as_str());
    }
    let manual = (step.redeem.as_ref().map(|r| &r.date))
        .or(step.adjust.as_ref().map(|a| &a.date))
        .and_then(Option::as_deref);
    step.advance.as_deref().or(manual)
}

/// Members with their profiles, tiers and starting balances.
fn set_up(ledger: &Ledger, policy: &Policy, case: &Case, now: DateTime<Utc>) -> Result<(), String> {
    let calendar = policy.club.calendar;
    let date = |text: &Option<String>| text.as_deref().map(|t| calendar.parse_date(t)).transpose();
    ledger.begin().map_err(|e| e.to_string())?;
    let mut recorder = crate::recording::Recorder::new(ledger, policy);
    for given in &case.given.members {
        let member_type = given
            .member_type
            .clone()
            .or_else(|| policy.club.member_types.first().map(|t| t.id.clone()))
            .unwrap_or_else(|| "individual".into());
        if !policy.club.member_types.iter().any(|t| t.id == member_type) {
            return Err(tr!(
                "test-unknown-type",
                member = &given.id,
                kind = member_type
            ));
        }
        let joined_given = date(&given.joined)?;
        let joined = joined_given.unwrap_or_else(|| now.with_timezone(&policy.zone).date_naive());
        let mut member = MemberState::new(&given.id, &member_type, joined);
        member.birthday = date(&given.birthday)?;
        member.attributes = given.attributes.clone();
        if let Some(tier) = &given.tier {
            if !policy.club.tiers.iter().any(|t| &t.id == tier) {
                return Err(tr!("test-unknown-tier", member = &given.id, tier = tier));
            }
            member.tier = Some(tier.clone());
        }
        recorder
            .profile(&member, joined_given.is_some(), &[], "the test", now)
            .map_err(|e| e.to_string())?;
        if let Some(balance) = given.balance.filter(|b| !b.is_zero()) {
            recorder
                .adjust(
                    &format!("given:{}", given.id),
                    &given.id,
                    balance,
                    "balance given by the test",
                    now,
                )
                .map_err(|e| e.to_string())?;
        }
    }
    if case.given.clock.is_some() {
        recorder.advance(now).map_err(|e| e.to_string())?;
    }
    recorder.finish().map_err(|e| e.to_string())?;
    ledger.commit().map_err(|e| e.to_string())
}

/// Runs one step; `Err` is the step's failure message.
fn run_step(
    ledger: &Ledger,
    policy: &Policy,
    case: &Case,
    n: usize,
    step: &Step,
    now: &mut DateTime<Utc>,
) -> Result<Result<(), String>, LedgerError> {
    let time = |text: Option<&String>, now: DateTime<Utc>| match text {
        Some(text) => parse_event_time(text, policy.club.calendar, policy.zone),
        None => Ok(now),
    };
    if let Some(fields) = &step.event {
        let row = Row {
            line: case.line as u64,
            fields: fields
                .iter()
                .map(|(k, v)| (k.clone(), crate::import::Field::from_value(v)))
                .collect(),
        };
        let event = match event_from_row(&row, policy) {
            Ok(event) => event,
            Err(problem) => return Ok(Err(problem.message)),
        };
        *now = (*now).max(event.time);
        // The import's own loop, on this thread: a step is one row, and the threaded
        // import's start-up cost more than the row.
        let report = import_events_here(
            ledger,
            policy,
            std::iter::once(Ok(row)),
            ImportOptions::default(),
        )?;
        return Ok(match report.problems.first() {
            Some(problem) => Err(with_script_location(problem)),
            None => Ok(()),
        });
    }
    if let Some(to) = &step.advance {
        let to = match time(Some(to), *now) {
            Ok(to) => to,
            Err(message) => return Ok(Err(message)),
        };
        *now = (*now).max(to);
        ledger.begin()?;
        let report: AdvanceReport = crate::clock::advance(ledger, policy, to)?;
        ledger.commit()?;
        return Ok(match report.failures.first() {
            Some(failure) => Err(failure.clone()),
            None => Ok(()),
        });
    }
    // The schema lets a step do exactly one thing; this is what is left after an event
    // and an advance.
    let date = match (&step.redeem, &step.adjust) {
        (Some(redeem), None) => redeem.date.as_ref(),
        (None, Some(adjust)) => adjust.date.as_ref(),
        _ => return Ok(Err(tr!("test-one-kind-of-step"))),
    };
    let at = match time(date, *now) {
        Ok(at) => at,
        Err(message) => return Ok(Err(message)),
    };
    *now = (*now).max(at);
    let id = format!("step:{}", n + 1);
    ledger.begin()?;
    let result = match (&step.redeem, &step.adjust) {
        (Some(redeem), _) => match &redeem.group {
            Some(group) => ledger
                .redeem_from_group(policy, &id, &redeem.member, group, &redeem.reward, at)
                .map(|_| ()),
            None => ledger
                .redeem(policy, &id, &redeem.member, &redeem.reward, at)
                .map(|_| ()),
        },
        (None, Some(adjust)) => {
            let reason = adjust.reason.as_deref().unwrap_or("test");
            ledger
                .adjust(policy, &id, &adjust.member, adjust.points, reason, at)
                .map(|_| ())
        }
        (None, None) => Ok(()),
    };
    match result {
        Ok(()) => {
            ledger.commit()?;
            Ok(Ok(()))
        }
        Err(crate::recording::ManualError::Refused(message)) => {
            ledger.rollback()?;
            Ok(Err(message))
        }
        Err(crate::recording::ManualError::Ledger(error)) => Err(error),
    }
}

/// A rejected row's message, with where in a script it failed and the suggested fix:
/// `rule `base` failed: … (policies/shop/earn.rhai:2:14); did you mean `weekday`?`.
fn with_script_location(problem: &crate::import::RowProblem) -> String {
    let mut message = problem.message.clone();
    if let Some(script) = &problem.script {
        if let Some(at) = script.location.as_ref().filter(|at| at.line > 0) {
            message.push_str(&format!(
                " ({}:{}:{})",
                at.file.display(),
                at.line,
                at.column
            ));
        }
        if let Some(help) = &script.help {
            message.push_str(&format!("; {help}"));
        }
    }
    message
}

/// Compares expectations with the ledger, adding a line per difference.
fn check(
    ledger: &Ledger,
    policy: &Policy,
    expect: &super::case::Expectations,
    failures: &mut Vec<String>,
) -> Result<(), LedgerError> {
    for (event, expected) in &expect.points {
        let actual = ledger.sum_of_event(event)?;
        if actual != *expected {
            failures.push(tr!(
                "test-points-differ",
                event = event,
                expected = figure(*expected),
                got = figure(actual)
            ));
        }
    }
    for (event, expected) in &expect.reasons {
        let actual: Vec<String> = ledger
            .entries_of_event(event)?
            .into_iter()
            .map(|(_, _, reason, _)| reason)
            .collect();
        if &actual != expected {
            let quoted = |reasons: &[String]| {
                reasons
                    .iter()
                    .map(|r| format!("\"{r}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            failures.push(tr!(
                "test-reasons-differ",
                event = event,
                expected = quoted(expected),
                got = quoted(&actual)
            ));
        }
    }
    for (member, expected) in &expect.balance {
        let actual = ledger.member_summary(member)?.map(|m| m.balance);
        if actual != Some(*expected) {
            failures.push(tr!(
                "test-balance-differs",
                member = member,
                expected = figure(*expected),
                got = actual.map_or_else(|| tr!("test-no-such-member"), figure)
            ));
        }
    }
    for (member, expected) in &expect.tier {
        let state = ledger.member_state(member)?;
        let actual = state
            .as_ref()
            .and_then(|m| crate::engine::benefits::tier_of(policy, m))
            .map(|t| t.id.clone());
        if actual.as_deref() != Some(expected.as_str()) {
            failures.push(tr!(
                "test-tier-differs",
                member = member,
                expected = expected,
                got = actual.unwrap_or_else(|| tr!("test-no-tier"))
            ));
        }
    }
    for (member, expected) in &expect.messages {
        // A club with messaging: what its outbox holds for the member; otherwise the
        // notices the clock raised.
        let actual: Vec<String> = if policy.club.messages.is_some() {
            ledger.occasions_told(member)?
        } else {
            ledger
                .notices(member)?
                .into_iter()
                .map(|n| n.kind)
                .collect()
        };
        if &actual != expected {
            failures.push(tr!(
                "test-messages-differ",
                member = member,
                expected = expected.join(", "),
                got = actual.join(", ")
            ));
        }
    }
    for (contest, expected) in &expect.winners {
        let actual: Vec<String> = ledger
            .contest_results(Some(contest))?
            .into_iter()
            .flat_map(|result| result.prizes.into_iter().map(|p| p.member))
            .collect();
        if &actual != expected {
            failures.push(tr!(
                "test-winners-differ",
                contest = contest,
                expected = expected.join(", "),
                got = actual.join(", ")
            ));
        }
    }
    for (member, deals) in &expect.deal {
        let statuses = ledger.deal_statuses(member)?;
        for (deal, expected) in deals {
            let actual = statuses
                .iter()
                .rev()
                .find(|d| &d.deal == deal)
                .map(|d| d.state.as_str());
            if actual != Some(expected.as_str()) {
                failures.push(tr!(
                    "test-deal-differs",
                    deal = deal,
                    member = member,
                    expected = expected,
                    got = actual.map_or_else(|| tr!("test-not-joined"), str::to_owned)
                ));
            }
        }
    }
    Ok(())
}

fn members_of(ledger: &Ledger) -> Result<Vec<String>, LedgerError> {
    Ok(ledger
        .top_members(usize::MAX)?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}
