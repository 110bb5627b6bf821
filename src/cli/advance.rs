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
    let ledger = workspace.open_ledger(&workspace.ledger_place(&policy))?;
    if let Some(now) = ledger.now()? {
        if to < now {
            return Err(CommandError(format!(
                "error: the clock is already at {}; it only moves forward\n",
                super::member::club_time(&policy, now)
            )));
        }
    }
    ledger.begin()?;
    let report = match ledger.record_policy(&policy).and_then(|()| {
        let discipline = crate::decide::MessageDiscipline::at(&policy, chrono::Utc::now());
        crate::clock::advance_with(&ledger, &policy, to, discipline)
    }) {
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
        print!("{}", render(&policy, &report));
    }
    Ok(ExitCode::Ok)
}

/// Everything the clock did, one line per kind of work (lines with nothing to say are
/// left out, but for expiry, which every club reads).
pub fn render(policy: &crate::policy::Policy, report: &crate::recording::AdvanceReport) -> String {
    use crate::amount::grouped;
    use crate::diagnostic::count;
    let t = &report.tally;
    let name = &policy.club.points.name;
    let mut out = format!(
        "clock at {}: {} {name} expired in {}, {}\n",
        super::member::club_time(policy, report.to),
        grouped(t.expired_points),
        count(t.expiries, "expiry", "expiries"),
        count(t.notices, "expiring-soon notice", "expiring-soon notices")
    );
    if !policy.club.tiers.is_empty() {
        out.push_str(&format!(
            "{}: {} up, {} down\n",
            count(t.reviews, "tier review", "tier reviews"),
            t.reviews_up,
            t.reviews_down
        ));
    }
    if t.deal_checkpoints > 0 {
        out.push_str(&format!(
            "{}: {} kept, {} missed; {} (+{} {name}), {} failed (-{} {name} taken back)\n",
            count(t.deal_checkpoints, "deal checkpoint", "deal checkpoints"),
            count(t.deal_periods_kept, "period", "periods"),
            t.deal_periods_missed,
            count(t.deals_completed, "deal completed", "deals completed"),
            grouped(t.deal_bonus_points),
            t.deals_failed,
            grouped(t.deal_clawback_points)
        ));
    }
    if t.greetings > 0 {
        out.push_str(&format!(
            "{}\n",
            count(
                t.greetings,
                "birthday or anniversary",
                "birthdays and anniversaries"
            )
        ));
    }
    if t.hook_awards > 0 {
        out.push_str(&format!(
            "{}: +{} {name}\n",
            count(t.hook_awards, "lifecycle award", "lifecycle awards"),
            grouped(t.hook_points)
        ));
    }
    if t.messages > 0 {
        out.push_str(&format!(
            "{} queued\n",
            count(t.messages, "message", "messages")
        ));
    }
    out
}
