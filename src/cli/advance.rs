//! `bashgah advance <club> --to DATE`: move the clock, expire what is due.

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::time::parse_event_time;

pub fn run(
    workspace: &Workspace,
    club: &str,
    to: &str,
    json: bool,
) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let to = parse_event_time(to, policy.club.calendar, policy.zone)
        .map_err(|message| CommandError(format!("error: --to: {message}\n")))?;
    let ledger = workspace.open_ledger(&workspace.ledger_path(&policy))?;
    if let Some(now) = ledger.now()? {
        if to < now {
            return Err(CommandError(format!(
                "error: the clock is already at {}; it only moves forward\n",
                super::member::club_time(&policy, now)
            )));
        }
    }
    ledger.begin()?;
    let report = match ledger
        .record_policy(&policy)
        .and_then(|()| crate::clock::advance(&ledger, &policy, to))
    {
        Ok(report) => report,
        Err(error) => {
            ledger.rollback()?;
            return Err(error.into());
        }
    };
    ledger.commit()?;
    for failure in &report.failures {
        eprintln!("error: {failure}");
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        println!(
            "clock at {}: {} {} expired in {} expiries, {} expiring-soon notices",
            super::member::club_time(&policy, to),
            crate::amount::grouped(report.expired_points),
            policy.club.points.name,
            report.expiries,
            report.notices
        );
        if !policy.club.tiers.is_empty() {
            println!("{} tier changes", report.tier_changes);
        }
        if report.greetings > 0 {
            println!("{} birthdays and anniversaries", report.greetings);
        }
    }
    Ok(ExitCode::Ok)
}
