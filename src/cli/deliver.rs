//! `bashgah deliver <club> [--at DATE]`: send the messages that are due.

use super::workspace::{CommandError, Workspace};
use super::ExitCode;

pub fn run(
    workspace: &Workspace,
    club: &str,
    at: Option<&str>,
    json: bool,
) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let now = match at {
        Some(text) => crate::time::parse_event_time(text, policy.club.calendar, policy.zone)
            .map_err(|m| CommandError(format!("error: --at: {m}\n")))?,
        None => chrono::Utc::now(),
    };
    let ledger = workspace.open_ledger(&workspace.ledger_place(&policy))?;
    let mut report = crate::delivery::deliver_due(&ledger, &policy, &workspace.data, now)?;
    if !policy.club.webhooks.is_empty() {
        report.webhooks = Some(crate::webhooks::deliver(&ledger, &policy, now)?);
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        for failure in &report.failures {
            eprintln!(
                "{} {} on {}: {} ({})",
                failure.member,
                failure.occasion,
                failure.channel,
                failure.reason,
                if failure.outcome == "failed" {
                    "given up"
                } else {
                    "will retry"
                }
            );
        }
        if let Some(webhooks) = &report.webhooks {
            for failure in &webhooks.failures {
                eprintln!(
                    "webhook {}: {}: {} ({})",
                    failure.webhook,
                    failure.event,
                    failure.reason,
                    if failure.outcome == "set_aside" {
                        "set aside after the last attempt"
                    } else {
                        "will retry"
                    }
                );
            }
        }
        println!(
            "{} sent, {} to retry, {} failed{}",
            report.sent,
            report.retrying,
            report.failed,
            if report.stale > 0 {
                format!(", {} too old to send (messages.stale_after)", report.stale)
            } else {
                String::new()
            }
        );
        if let Some(webhooks) = &report.webhooks {
            println!(
                "webhooks: {} sent, {} to retry, {} set aside{}",
                crate::diagnostic::count(webhooks.sent, "event", "events"),
                crate::diagnostic::number(webhooks.retrying),
                crate::diagnostic::number(webhooks.set_aside),
                match webhooks.waiting {
                    0 => String::new(),
                    n => format!(", {n} waiting to try again"),
                }
            );
        }
    }
    let webhooks_failed = report
        .webhooks
        .as_ref()
        .is_some_and(|w| !w.failures.is_empty());
    Ok(
        if report.failed > 0 || report.retrying > 0 || webhooks_failed {
            ExitCode::Failed
        } else {
            ExitCode::Ok
        },
    )
}
