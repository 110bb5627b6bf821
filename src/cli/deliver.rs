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
    let report = crate::delivery::deliver_due(&ledger, &policy, &workspace.data, now)?;
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
    }
    Ok(if report.failed > 0 || report.retrying > 0 {
        ExitCode::Failed
    } else {
        ExitCode::Ok
    })
}
