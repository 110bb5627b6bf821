//! `bashgah explain <club> <event-id>` and `--event JSON`: why an event earned what it did.
//!
//! A stored event is evaluated again, traced, under the policy version that evaluated it
//! (rebuilt from the files the ledger keeps), against the member as they stood just
//! before it; the entries the ledger holds are shown beside the result. A hypothetical
//! event (`--event`) is evaluated against the member as they are now; nothing is written.

use std::sync::Arc;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::amount::{grouped, signed};
use crate::decide::{Change, Decider, Ids, MemberBook, Plan};
use crate::engine::{evaluate_traced, EvaluationInput, Outcome, RuleStatus};
use crate::event::{Event, EventType};
use crate::import::{event_from_row, Row};
use crate::ledger::Ledger;
use crate::member::MemberState;
use crate::policy::Policy;
use crate::time::stored;

pub fn run(
    workspace: &Workspace,
    club: &str,
    event: Option<&str>,
    json: Option<&str>,
) -> Result<ExitCode, CommandError> {
    let current = workspace.load_policy(club)?;
    let db = workspace.ledger_place(&current);
    let ledger = workspace.open_ledger(&db)?;
    // The folder an older version was rebuilt in, removed when the command ends.
    let mut rebuilt = None;
    let (event, policy, stored_entries) = match (event, json) {
        (Some(id), _) => {
            let Some((event, version)) = ledger.stored_event(id)? else {
                return Err(CommandError(format!(
                    "error: no event `{id}` in club `{}`\n",
                    current.club.id
                )));
            };
            let policy = if version == current.id {
                current.clone()
            } else {
                let (policy, files) = rebuild(workspace, &ledger, &current, &version)?;
                rebuilt = Some(files);
                policy
            };
            (event, policy, Some(ledger.entries_of_event(id)?))
        }
        (None, Some(json)) => {
            let fields = match crate::import::json::read(json) {
                Ok(crate::import::Field::Object(fields)) => fields,
                Ok(other) => {
                    return Err(CommandError(format!(
                        "error: --event is not a JSON object but {}\n",
                        other.kind()
                    )))
                }
                Err(e) => return Err(CommandError(format!("error: --event: {e}\n"))),
            };
            let row = Row { line: 1, fields };
            let event = event_from_row(&row, &current).map_err(|p| {
                CommandError(format!(
                    "error: --event: {}{}\n",
                    p.column.map(|c| format!("`{c}`: ")).unwrap_or_default(),
                    p.message
                ))
            })?;
            (event, current.clone(), None)
        }
        (None, None) => {
            return Err(CommandError(
                "error: give an event id, or --event JSON\n".into(),
            ))
        }
    };
    let book = ledger.load_book(&event.member, crate::decide::BookNeeds::all())?;
    let stored_event = stored_entries.is_some();
    // A dry run is decided as the ledger would: first what the clock has due for the
    // member by then, then the event itself — its entries, budget cuts and upgrades.
    let (member, dry_run) = match (stored_event, book.clone()) {
        (false, book) => {
            let mut book = book.unwrap_or_else(|| new_member(&policy, &event));
            let mut decider = Decider::new(&policy, &ledger, Ids::scratch());
            decider.catch_up(&mut book, event.time);
            let due = decider.take_plan();
            let mut member = book.state.clone();
            member.stats = book.window_stats(event.time).unwrap_or_default();
            let decided = decider.event(&mut book, &event, &event.fingerprint());
            let plan = decider.take_plan();
            (member, Some((due, decided.map(|_| plan))))
        }
        (true, book) => (member_then(&ledger, &policy, &event, book.as_ref())?, None),
    };
    let mut original = match (&event.kind, &event.original, &book) {
        (EventType::Return, Some(original), Some(book)) => book.original(original).ok().flatten(),
        _ => None,
    };
    // A stored return is itself among the returns of its original: leave it out, to see
    // the original as it was when this return arrived.
    if let (Some(record), Some(book)) = (original.as_mut(), book.as_ref().filter(|_| stored_event))
    {
        record.returned_before -= event.amount;
        for share in book.returns.iter().filter(|s| s.return_event == event.id) {
            if let Some(reversed) = record.reversed_before.get_mut(&share.rule) {
                *reversed -= share.points;
            }
        }
    }
    let input = EvaluationInput {
        event: &event,
        member: &member,
        original: original.as_ref(),
    };
    let result = evaluate_traced(&policy, input);
    print!(
        "{}",
        render(
            &policy,
            &current,
            &event,
            &member,
            &result,
            stored_entries.as_deref()
        )
    );
    // An event its rules fail on (or a dry run the ledger would reject) is a failure,
    // for scripts and CI as for people.
    let mut failed = result.is_err();
    if let Some((due, decided)) = dry_run {
        failed |= decided.is_err();
        print!("{}", render_plan(&policy, &due, decided));
    }
    drop(rebuilt);
    Ok(if failed {
        ExitCode::Failed
    } else {
        ExitCode::Ok
    })
}

/// A folder a policy version was rebuilt in: removed when dropped.
pub(super) struct RebuiltFiles(std::path::PathBuf);

impl Drop for RebuiltFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A member the ledger has not seen, as the write path would create them.
fn new_member(policy: &Policy, event: &Event) -> MemberBook {
    let default_type = policy
        .club
        .member_types
        .first()
        .map_or("individual", |t| t.id.as_str());
    let joined = event.time.with_timezone(&policy.zone).date_naive();
    MemberBook::new(MemberState::new(&event.member, default_type, joined), false)
}

/// What a dry run would write: what falls due first, then the event's own changes.
fn render_plan(
    policy: &Policy,
    due: &Plan<'_>,
    decided: Result<Plan<'_>, crate::decide::Failure>,
) -> String {
    let mut out = String::new();
    if !due.is_empty() {
        out.push_str("\nfalls due first (the clock catches up to the event)\n");
        out.push_str(&plan_lines(policy, due));
    }
    match decided {
        Ok(plan) => {
            out.push_str("\nthe ledger would hold\n");
            out.push_str(&plan_lines(policy, &plan));
        }
        Err(failure) => out.push_str(&format!("\nthe event would be rejected: {failure}\n")),
    }
    out.push_str("\ndry run: nothing was written\n");
    out
}

/// One line per event, entry and tier move of a plan.
fn plan_lines(policy: &Policy, plan: &Plan<'_>) -> String {
    let mut out = String::new();
    for change in &plan.changes {
        match change {
            Change::Posting(posting) => {
                out.push_str(&format!(
                    "  {} `{}` on {}\n",
                    posting.event.kind,
                    posting.event.id,
                    policy.local_date(posting.event.time)
                ));
                for entry in &posting.entries {
                    out.push_str(&format!(
                        "    {} {}  {}\n",
                        entry.rule,
                        signed(entry.points),
                        entry.reason
                    ));
                }
            }
            Change::Tier(tier) => out.push_str(&format!(
                "  tier {} on {}: {}\n",
                super::member::tier_move(tier.from.as_deref(), tier.to.as_deref()),
                policy.local_date(tier.at),
                tier.reason
            )),
            Change::Message(message) => out.push_str(&format!(
                "  message `{}` on {}: {}\n",
                message.occasion, message.channel, message.status
            )),
            _ => {}
        }
    }
    if out.is_empty() {
        out.push_str("  nothing\n");
    }
    out
}

/// The policy version `version`, rebuilt from the files the ledger stored for it, in a
/// temporary folder of this process that goes when the returned guard is dropped (keep
/// it while the policy runs: plugins are read from it).
pub(super) fn rebuild(
    workspace: &Workspace,
    ledger: &Ledger,
    current: &Policy,
    version: &str,
) -> Result<(Policy, RebuiltFiles), CommandError> {
    let Some(files) = ledger.policy_files(version)? else {
        return Err(CommandError(format!(
            "error: the ledger has no files for policy version {version}\n"
        )));
    };
    let root =
        std::env::temp_dir().join(format!("bashgah-policy-{version}-{}", std::process::id()));
    let dir = root.join(&current.club.id);
    std::fs::create_dir_all(&dir)?;
    let files_guard = RebuiltFiles(root);
    // The plugins the version imported were stored with it, as `plugins/...`: they go
    // beside the club, and the rebuilt policy imports them from there.
    let plugins = dir.with_file_name("plugins");
    for (name, text) in files {
        let path = match name.strip_prefix("plugins/") {
            Some(inner) => plugins.join(inner),
            None => dir.join(&name),
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    let engine = Arc::new(crate::policy::ScriptEngine::new(
        workspace.engine.limits().clone(),
        plugins.is_dir().then_some(plugins.as_path()),
    ));
    Policy::load(&dir, &engine)
        .map(|(policy, _)| (policy, files_guard))
        .map_err(|problems| {
            CommandError(format!(
                "{}error: policy version {version} no longer loads\n",
                crate::diagnostic::render_all(&problems)
            ))
        })
}

/// The member as they stood just before a stored event (balance, tier, deals, activity
/// over the windows before it).
fn member_then(
    ledger: &Ledger,
    policy: &Policy,
    event: &Event,
    book: Option<&MemberBook>,
) -> Result<MemberState, CommandError> {
    let Some(book) = book else {
        return Ok(new_member(policy, event).state);
    };
    let mut member = book.state.clone();
    let before = MemberBook {
        events: book
            .events
            .iter()
            .take_while(|e| e.id != event.id)
            .cloned()
            .collect(),
        ..book.clone()
    };
    member.stats = before.window_stats(event.time).unwrap_or_default();
    member.balance = ledger.balance_before(&member.id, &event.id, &stored(event.time))?;
    let changes = ledger.tier_changes(&member.id)?;
    member.tier = changes
        .iter()
        .rev()
        .find(|c| c.time <= stored(event.time))
        .and_then(|c| c.to.clone());
    member
        .deals
        .retain(|d| d.enrolled_at <= event.time && d.ended_at.is_none_or(|end| end > event.time));
    Ok(member)
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
    let mut out = format!(
        "{} `{}` of member `{}` on {} {} ({})\n",
        event.kind,
        event.id,
        event.member,
        calendar.format(local.date_naive()),
        local.format("%H:%M"),
        stored(event.time)
    );
    out.push_str(&format!(
        "amount {} {}",
        grouped(event.amount),
        policy.club.currency
    ));
    for (name, value) in [("channel", &event.channel), ("store", &event.store)] {
        if let Some(value) = value {
            out.push_str(&format!(", {name} {value}"));
        }
    }
    for (key, value) in &event.attributes {
        out.push_str(&format!(", {key} {value}"));
    }
    out.push('\n');
    let version = if policy.id == current.id {
        format!("policy {} (the current one)", policy.short_id())
    } else {
        format!(
            "policy {} (an earlier version, rebuilt from the files the ledger keeps; current: {})",
            policy.short_id(),
            current.short_id()
        )
    };
    out.push_str(&version);
    out.push('\n');
    let tier = crate::engine::benefits::tier_of(policy, member);
    out.push_str(&format!(
        "member then: {}, tier {}, balance {} {}\n",
        member.member_type,
        tier.map_or("none".to_owned(), |t| match t.multiplier {
            Some(m) if m != rust_decimal::Decimal::ONE => format!("{} (×{})", t.id, m.normalize()),
            _ => t.id.clone(),
        }),
        grouped(member.balance),
        policy.club.points.name
    ));
    out.push_str("\nrules\n");
    match result {
        Ok(outcome) => {
            for trace in &outcome.trace {
                let definition = &policy.club.rules[trace.rule];
                let compiled = policy.rules.iter().find(|r| r.index == trace.rule);
                let place = compiled.map_or(String::new(), |r| {
                    format!("{}:{}", policy.scripts[r.script].display_path, r.line)
                });
                let what = match trace.status {
                    RuleStatus::Disabled => "disabled".to_owned(),
                    RuleStatus::CampaignClosed => {
                        "not run: its campaign is not open to this member now".to_owned()
                    }
                    RuleStatus::NotForThisEventType => {
                        format!("does not run for {} events", event.kind)
                    }
                    RuleStatus::Ran => match trace.raw_points {
                        None => "ran: no points".to_owned(),
                        Some(raw) if raw == trace.points => {
                            format!("ran: {}", signed(trace.points))
                        }
                        Some(raw) => format!(
                            "ran: {} rounded ({}, {} places) to {}",
                            raw.normalize(),
                            format!("{:?}", policy.club.points.rounding).to_lowercase(),
                            policy.club.points.precision,
                            signed(trace.points)
                        ),
                    },
                };
                out.push_str(&format!(
                    "  {} (fn {}, {place}): {what}\n",
                    definition.id, definition.function
                ));
                if !trace.reads.is_empty() {
                    out.push_str(&format!("    read {}\n", trace.reads.join(", ")));
                }
            }
            if stored_entries.is_none() {
                // A dry run shows what the ledger would hold instead (budgets, the clock).
                return out;
            }
            out.push_str("\nentries\n");
            for award in &outcome.awards {
                out.push_str(&format!(
                    "  {} {}  {}\n",
                    award.rule,
                    signed(award.points),
                    award.reason
                ));
            }
            if outcome.awards.is_empty() {
                out.push_str("  none\n");
            }
        }
        Err(error) => out.push_str(&format!("  the event fails: {error}\n")),
    }
    match stored_entries {
        None => {}
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
            if now == then {
                out.push_str("\nthe ledger holds the same entries\n");
            } else {
                out.push_str("\nthe ledger holds other entries (the member's state then may have differed):\n");
                for (rule, points, reason, _) in entries {
                    out.push_str(&format!("  {rule} {}  {reason}\n", signed(*points)));
                }
            }
        }
    }
    out
}
