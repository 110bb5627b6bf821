//! `bashgah advance <club> --to DATE`: move the clock, expire what is due.

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::time::parse_event_time;
use crate::tr;

pub fn run(
    workspace: &Workspace,
    club: &str,
    to: &str,
    json: bool,
) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let to = parse_event_time(to, policy.club.calendar, policy.zone).map_err(|message| {
        CommandError(format!("{}: --to: {message}\n", tr!("diagnostic-error")))
    })?;
    let ledger = workspace.open_ledger(&workspace.ledger_place(&policy))?;
    if let Some(now) = ledger.now()? {
        if to < now {
            return Err(CommandError(format!(
                "{}: {}\n",
                tr!("diagnostic-error"),
                tr!(
                    "advance-backwards",
                    date = super::member::club_time(&policy, now)
                )
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
        eprintln!("{}: {failure}", tr!("diagnostic-error"));
    }
    if json {
        // For programs: `to` in UTC, and beside it the day in the club's calendar and time
        // zone (`to_local`, in `calendar`), as `member --json` gives them.
        #[derive(serde::Serialize)]
        struct Shown<'a> {
            #[serde(flatten)]
            report: &'a crate::recording::AdvanceReport,
            to_local: String,
            calendar: crate::calendar::CalendarKind,
        }
        let shown = Shown {
            report: &report,
            to_local: policy.local_date(report.to),
            calendar: policy.club.calendar,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&shown).unwrap_or_default()
        );
    } else {
        print!("{}", render(&policy, &report));
    }
    Ok(ExitCode::Ok)
}

/// Everything the clock did, one line per kind of work (lines with nothing to say are
/// left out, but for expiry, which every club reads).
pub fn render(policy: &crate::policy::Policy, report: &crate::recording::AdvanceReport) -> String {
    let t = &report.tally;
    let name = policy.club.points.name.as_str();
    // Counts printed as they are, not grouped: `1000 up`.
    let plain = |n: u64| crate::locale::numerals(&n.to_string());
    let mut out = tr!(
        "advance-clock",
        date = super::member::club_time(policy, report.to),
        expired = t.expired_points,
        points = name,
        expiries = t.expiries,
        notices = t.notices
    );
    out.push('\n');
    if !policy.club.tiers.is_empty() {
        out.push_str(&tr!(
            "advance-reviews",
            reviews = t.reviews,
            up = plain(t.reviews_up),
            down = plain(t.reviews_down)
        ));
        out.push('\n');
    }
    if t.deal_checkpoints > 0 {
        out.push_str(&tr!(
            "advance-deals",
            checkpoints = t.deal_checkpoints,
            kept = t.deal_periods_kept,
            missed = plain(t.deal_periods_missed),
            completed = t.deals_completed,
            bonus = t.deal_bonus_points,
            points = name,
            failed = plain(t.deals_failed),
            clawback = t.deal_clawback_points
        ));
        out.push('\n');
    }
    if t.greetings > 0 {
        out.push_str(&tr!("advance-greetings", greetings = t.greetings));
        out.push('\n');
    }
    if t.hook_awards > 0 {
        out.push_str(&tr!(
            "advance-hooks",
            awards = t.hook_awards,
            gained = t.hook_points,
            points = name
        ));
        out.push('\n');
    }
    if t.contest_windows > 0 {
        out.push_str(&tr!(
            "advance-contests",
            windows = t.contest_windows,
            prizes = t.prizes,
            gained = t.prize_points,
            points = name
        ));
        out.push('\n');
    }
    if t.messages > 0 {
        out.push_str(&tr!("advance-messages", messages = t.messages));
        out.push('\n');
    }
    out
}
