//! `bashgah deliver <club> [--at DATE]`: send the messages that are due.

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::tr;

pub fn run(
    workspace: &Workspace,
    club: &str,
    at: Option<&str>,
    json: bool,
) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let now = match at {
        Some(text) => crate::time::parse_event_time(text, policy.club.calendar, policy.zone)
            .map_err(|m| {
                CommandError(format!(
                    "{}: {}\n",
                    tr!("diagnostic-error"),
                    tr!("member-bad-at", reason = m)
                ))
            })?,
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
            let outcome = if failure.outcome == "failed" {
                tr!("deliver-given-up")
            } else {
                tr!("deliver-will-retry")
            };
            eprintln!(
                "{}",
                tr!(
                    "deliver-failure",
                    member = &failure.member,
                    occasion = &failure.occasion,
                    channel = &failure.channel,
                    reason = &failure.reason,
                    outcome = outcome
                )
            );
        }
        if let Some(webhooks) = &report.webhooks {
            for failure in &webhooks.failures {
                let outcome = if failure.outcome == "set_aside" {
                    tr!("deliver-set-aside")
                } else {
                    tr!("deliver-will-retry")
                };
                eprintln!(
                    "{}",
                    tr!(
                        "deliver-webhook-failure",
                        webhook = &failure.webhook,
                        event = &failure.event,
                        reason = &failure.reason,
                        outcome = outcome
                    )
                );
            }
        }
        // Counts printed as they are, not grouped: `1000 sent`.
        let plain = |n: u64| crate::locale::numerals(&n.to_string());
        let stale = if report.stale > 0 {
            tr!("deliver-stale", stale = plain(report.stale))
        } else {
            String::new()
        };
        println!(
            "{}",
            tr!(
                "deliver-summary",
                sent = plain(report.sent),
                retrying = plain(report.retrying),
                failed = plain(report.failed),
                stale = stale
            )
        );
        if let Some(webhooks) = &report.webhooks {
            let waiting = match webhooks.waiting {
                0 => String::new(),
                n => tr!("deliver-waiting", waiting = plain(n)),
            };
            println!(
                "{}",
                tr!(
                    "deliver-webhooks",
                    sent = webhooks.sent,
                    retrying = webhooks.retrying,
                    aside = webhooks.set_aside,
                    waiting = waiting
                )
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
