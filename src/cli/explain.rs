//! `bashgah explain <club> <event-id>` and `--event JSON`: why an event earned what it did.
//!
//! A stored event is evaluated again, traced, under the policy version that evaluated it
//! (rebuilt from the files the ledger keeps), against the member as they stood just
//! before it; the entries the ledger holds are shown beside the result. A hypothetical
//! event (`--event`) is evaluated against the member as they are now; nothing is written.

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::decide::{Change, Plan};
use crate::engine::{Outcome, RuleStatus};
use crate::event::{Event, EventType};
use crate::import::{event_from_row, Row};
use crate::locale::{numerals, signed};
use crate::member::MemberState;
use crate::policy::Policy;
use crate::time::stored;
use crate::tr;
use crate::view::explanation::{self, rules_write, RebuildError};

/// `error: …` in the language spoken.
fn error(message: String) -> CommandError {
    CommandError(format!("{}: {message}\n", tr!("diagnostic-error")))
}

pub fn run(
    workspace: &Workspace,
    club: &str,
    event: Option<&str>,
    json: Option<&str>,
) -> Result<ExitCode, CommandError> {
    let current = workspace.load_policy(club)?;
    let db = workspace.ledger_place(&current);
    let ledger = workspace.open_ledger(&db)?;
    let traced = match (event, json) {
        (Some(id), _) => {
            let traced = explanation::trace_stored(&ledger, &current, id).map_err(rebuild_error)?;
            let Some(traced) = traced else {
                return Err(error(tr!(
                    "explain-no-event",
                    id = id,
                    club = &current.club.id
                )));
            };
            traced
        }
        (None, Some(json)) => {
            let fields = match crate::import::json::read(json) {
                Ok(crate::import::Field::Object(fields)) => fields,
                Ok(other) => {
                    return Err(error(tr!(
                        "explain-event-not-object",
                        kind = other.kind().to_string()
                    )))
                }
                Err(e) => return Err(error(tr!("explain-event-problem", reason = e.to_string()))),
            };
            let row = Row { line: 1, fields };
            let event = event_from_row(&row, &current).map_err(|p| {
                error(tr!(
                    "explain-event-problem",
                    reason = format!(
                        "{}{}",
                        p.column.map(|c| format!("`{c}`: ")).unwrap_or_default(),
                        p.message
                    )
                ))
            })?;
            // A dry run is decided as the ledger would (`view::trial`, which the API's
            // trials use too): first what the clock has due for the member by then, then
            // the event itself — its entries, budget cuts and upgrades.
            let run = crate::view::trial::dry_run(&ledger, &current, &event)?;
            print!(
                "{}",
                render(
                    &current,
                    &current,
                    run.converted.as_ref().unwrap_or(&event),
                    &run.member,
                    &run.evaluation,
                    None
                )
            );
            // An event its rules fail on (or that the ledger would reject) is a failure,
            // for scripts and CI as for people.
            let failed = run.evaluation.is_err() || run.decided.is_err();
            print!("{}", render_plan(&current, &run.due, run.decided));
            return Ok(if failed {
                ExitCode::Failed
            } else {
                ExitCode::Ok
            });
        }
        (None, None) => return Err(error(tr!("explain-nothing-to-explain"))),
    };
    print!(
        "{}",
        render(
            &traced.policy,
            &current,
            &traced.event,
            &traced.member,
            &traced.result,
            Some(&traced.entries)
        )
    );
    // An event its rules fail on is a failure, for scripts and CI as for people.
    Ok(if traced.result.is_err() {
        ExitCode::Failed
    } else {
        ExitCode::Ok
    })
}

/// A policy version that cannot be rebuilt, said as the command says it.
fn rebuild_error(failure: RebuildError) -> CommandError {
    match failure {
        RebuildError::NoFiles(version) => error(tr!("explain-no-files", version = version)),
        RebuildError::Load(version, problems) => CommandError(format!(
            "{}{}: {}\n",
            crate::diagnostic::render_all(&problems),
            tr!("diagnostic-error"),
            tr!("explain-no-longer-loads", version = version)
        )),
        RebuildError::Io(e) => e.into(),
        RebuildError::Ledger(e) => e.into(),
    }
}

/// The policy version `version`, rebuilt from the files the ledger stored for it (see
/// [`explanation::rebuild`]); keep the guard while the policy runs.
pub(super) fn rebuild(
    ledger: &crate::ledger::Ledger,
    current: &Policy,
    version: &str,
) -> Result<(Policy, explanation::RebuiltFiles), CommandError> {
    explanation::rebuild(ledger, current, version).map_err(rebuild_error)
}

/// What a dry run would write: what falls due first, then the event's own changes.
fn render_plan(
    policy: &Policy,
    due: &Plan<'_>,
    decided: Result<Plan<'_>, crate::decide::Failure>,
) -> String {
    let mut out = String::new();
    if !due.is_empty() {
        out.push('\n');
        out.push_str(&tr!("explain-falls-due"));
        out.push('\n');
        out.push_str(&plan_lines(policy, due));
    }
    match decided {
        Ok(plan) => {
            out.push('\n');
            out.push_str(&tr!("explain-would-hold"));
            out.push('\n');
            out.push_str(&plan_lines(policy, &plan));
        }
        Err(failure) => {
            out.push('\n');
            out.push_str(&tr!(
                "explain-would-be-rejected",
                failure = failure.to_string()
            ));
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&tr!("explain-dry-run"));
    out.push('\n');
    out
}

/// One line per event, entry and tier move of a plan.
fn plan_lines(policy: &Policy, plan: &Plan<'_>) -> String {
    let mut out = String::new();
    for change in &plan.changes {
        match change {
            Change::Posting(posting) => {
                out.push_str(&tr!(
                    "explain-plan-event",
                    kind = kind(posting.event.kind),
                    id = &posting.event.id,
                    date = numerals(&policy.local_date(posting.event.time))
                ));
                out.push('\n');
                for entry in &posting.entries {
                    out.push_str(&format!(
                        "    {} {}  {}\n",
                        entry.rule,
                        signed(entry.points),
                        entry.reason
                    ));
                }
            }
            Change::Tier(tier) => {
                out.push_str(&tr!(
                    "explain-plan-tier",
                    change = super::member::tier_move(tier.from.as_deref(), tier.to.as_deref()),
                    date = numerals(&policy.local_date(tier.at)),
                    reason = &tier.reason
                ));
                out.push('\n');
            }
            Change::Message(message) => {
                out.push_str(&tr!(
                    "explain-plan-message",
                    occasion = &message.occasion,
                    channel = &message.channel,
                    status = message.status.to_string()
                ));
                out.push('\n');
            }
            _ => {}
        }
    }
    if out.is_empty() {
        out.push_str(&format!("  {}\n", tr!("explain-nothing")));
    }
    out
}

fn render(
    policy: &Policy,
    current: &Policy,
    event: &Event,
    member: &MemberState,
    result: &Result<Outcome, crate::engine::EvalError>,
    stored_entries: Option<&[(String, rust_decimal::Decimal, String, String)]>,
) -> String {
    let calendar = policy.club.calendar;
    let local = event.time.with_timezone(&policy.zone);
    let mut out = tr!(
        "explain-heading",
        kind = kind(event.kind),
        id = &event.id,
        member = &event.member,
        date = numerals(&calendar.format(local.date_naive())),
        time = numerals(&local.format("%H:%M").to_string()),
        stored = stored(event.time)
    );
    out.push('\n');
    out.push_str(&tr!(
        "explain-amount",
        amount = event.amount,
        currency = &policy.club.currency
    ));
    if let (Some(conversion), Some(currency)) = (event.conversion, &event.currency) {
        out.push_str(&tr!(
            "explain-converted",
            paid = conversion.original_amount,
            currency = currency,
            rate = conversion.rate
        ));
    }
    if let Some(value) = &event.channel {
        out.push_str(&tr!("explain-channel", channel = value));
    }
    if let Some(value) = &event.store {
        out.push_str(&tr!("explain-store", store = value));
    }
    for (key, value) in &event.attributes {
        out.push_str(&tr!(
            "explain-attribute",
            key = key,
            value = value.to_string()
        ));
    }
    out.push('\n');
    let version = if policy.id == current.id {
        tr!("explain-policy-current", version = policy.short_id())
    } else {
        tr!(
            "explain-policy-earlier",
            version = policy.short_id(),
            current = current.short_id()
        )
    };
    out.push_str(&version);
    out.push('\n');
    let tier = crate::engine::benefits::tier_of(policy, member);
    out.push_str(&tr!(
        "explain-member-then",
        kind = &member.member_type,
        tier = tier.map_or(tr!("explain-no-tier"), |t| match t.multiplier {
            Some(m) if m != rust_decimal::Decimal::ONE => {
                format!("{} (×{})", t.id, numerals(&m.normalize().to_string()))
            }
            _ => t.id.clone(),
        }),
        balance = member.balance,
        points = &policy.club.points.name
    ));
    out.push('\n');
    out.push('\n');
    out.push_str(&tr!("explain-rules"));
    out.push('\n');
    match result {
        Ok(outcome) => {
            for trace in &outcome.trace {
                let definition = &policy.club.rules[trace.rule];
                let compiled = policy.rules.iter().find(|r| r.index == trace.rule);
                let place = compiled.map_or(String::new(), |r| {
                    format!("{}:{}", policy.scripts[r.script].display_path, r.line)
                });
                let what = match trace.status {
                    RuleStatus::Disabled => tr!("explain-disabled"),
                    RuleStatus::CampaignClosed => tr!("explain-campaign-closed"),
                    RuleStatus::NotForThisEventType => {
                        tr!("explain-not-for-type", kind = kind(event.kind))
                    }
                    RuleStatus::Ran => match trace.raw_points {
                        None => tr!("explain-ran-nothing"),
                        Some(raw) if raw == trace.points => {
                            tr!("explain-ran", points = signed(trace.points))
                        }
                        Some(raw) => tr!(
                            "explain-ran-rounded",
                            raw = numerals(&raw.normalize().to_string()),
                            rounding = format!("{:?}", policy.club.points.rounding).to_lowercase(),
                            places = policy.club.points.precision,
                            points = signed(trace.points)
                        ),
                    },
                };
                out.push_str(&tr!(
                    "explain-rule",
                    rule = &definition.id,
                    function = &definition.function,
                    place = place,
                    what = what
                ));
                out.push('\n');
                if !trace.reads.is_empty() {
                    out.push_str(&tr!("explain-read", fields = trace.reads.join(", ")));
                    out.push('\n');
                }
            }
            if stored_entries.is_none() {
                // A dry run shows what the ledger would hold instead (budgets, the clock).
                return out;
            }
            // Of an expiry or a redemption, what the ledger holds is shown below instead.
            if rules_write(event.kind) {
                out.push('\n');
                out.push_str(&tr!("explain-entries"));
                out.push('\n');
                for award in &outcome.awards {
                    out.push_str(&format!(
                        "  {} {}  {}\n",
                        award.rule,
                        signed(award.points),
                        award.reason
                    ));
                }
                if outcome.awards.is_empty() {
                    out.push_str(&format!("  {}\n", tr!("explain-no-entries")));
                }
            }
        }
        Err(error) => {
            out.push_str(&tr!("explain-fails", error = error.to_string()));
            out.push('\n');
        }
    }
    match stored_entries {
        None => {}
        // Expiry, a deal's checkpoint, a redemption, a change by hand: no rule made these
        // entries, so there is nothing to compare them with; say what the ledger holds.
        Some(entries) if !rules_write(event.kind) => {
            out.push('\n');
            out.push_str(&tr!("explain-ledger-not-by-rules", kind = kind(event.kind)));
            out.push('\n');
            for (rule, points, reason, _) in entries {
                out.push_str(&format!("  {rule} {}  {reason}\n", signed(*points)));
            }
        }
        Some(entries) => {
            let now: Vec<(String, rust_decimal::Decimal)> = result
                .as_ref()
                .map(|o| {
                    o.awards
                        .iter()
                        .map(|a| (a.rule.clone(), a.points))
                        .collect()
                })
                .unwrap_or_default();
            let then: Vec<(String, rust_decimal::Decimal)> = entries
                .iter()
                .filter(|(_, _, _, kind)| kind == "earn" || kind == "reverse")
                .map(|(rule, points, _, _)| (rule.clone(), *points))
                .collect();
            out.push('\n');
            if now == then {
                out.push_str(&tr!("explain-ledger-same"));
                out.push('\n');
            } else {
                out.push_str(&tr!("explain-ledger-differs"));
                out.push('\n');
                for (rule, points, reason, _) in entries {
                    out.push_str(&format!("  {rule} {}  {reason}\n", signed(*points)));
                }
                return out;
            }
            // What bashgah wrote beside the rules' entries: a debt paid, say.
            let others: Vec<_> = entries
                .iter()
                .filter(|(_, _, _, kind)| kind != "earn" && kind != "reverse")
                .collect();
            if !others.is_empty() {
                out.push_str(&tr!("explain-ledger-also"));
                out.push('\n');
                for (rule, points, reason, _) in others {
                    out.push_str(&format!("  {rule} {}  {reason}\n", signed(*points)));
                }
            }
        }
    }
    out
}

/// An event's type as people read it (`purchase`, in Persian «خرید»).
fn kind(kind: EventType) -> String {
    tr!("explain-kind", kind = kind.as_str())
}
