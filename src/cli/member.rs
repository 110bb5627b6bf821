//! `bashgah member <club> <id>`: balance and a statement where every line says why.

use serde::Serialize;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::amount::{grouped, signed};
use crate::ledger::{MemberSummary, StatementLine};
use crate::policy::Policy;

#[derive(Serialize)]
struct MemberReport {
    club: String,
    points_name: String,
    member: MemberSummary,
    statement: Vec<StatementLine>,
}

pub fn run(
    workspace: &Workspace,
    club: &str,
    id: &str,
    json: bool,
) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let db = workspace.ledger_path(&policy);
    if !db.is_file() {
        return Err(CommandError(format!(
            "error: club `{}` has no ledger yet at `{}`\n  = help: import some events first: bashgah import {} FILE\n",
            policy.club.id,
            db.display(),
            policy.club.id
        )));
    }
    let ledger = workspace.open_ledger(&db)?;
    let Some(member) = ledger.member_summary(id)? else {
        return Err(CommandError(format!(
            "error: no member `{id}` in club `{}`\n",
            policy.club.id
        )));
    };
    let statement = ledger.statement(id)?;
    if json {
        let report = MemberReport {
            club: policy.club.id.clone(),
            points_name: policy.club.points.name.clone(),
            member,
            statement,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print!("{}", render(&policy, &member, &statement));
    }
    Ok(ExitCode::Ok)
}

/// The text statement; dates in the club's calendar and timezone.
pub fn render(policy: &Policy, member: &MemberSummary, statement: &[StatementLine]) -> String {
    let calendar = policy.club.calendar;
    let local_date = |stored: &str| {
        crate::time::from_stored(stored)
            .map(|t| calendar.format(t.with_timezone(&policy.zone).date_naive()))
            .unwrap_or_else(|| stored.to_owned())
    };
    let club_date = |iso: &str| {
        chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
            .map(|d| calendar.format(d))
            .unwrap_or_else(|_| iso.to_owned())
    };
    let mut out = format!(
        "member {} ({}) in {}\n",
        member.id, member.member_type, policy.club.name
    );
    out.push_str(&format!("joined {}", club_date(&member.joined)));
    if let Some(birthday) = &member.birthday {
        out.push_str(&format!(", birthday {}", club_date(birthday)));
    }
    out.push_str(&format!(
        "; {} events, {} {} spent\n",
        member.events,
        grouped(member.spend_total),
        policy.club.currency
    ));
    out.push_str(&format!(
        "balance: {} {}\n\n",
        grouped(member.balance),
        policy.club.points.name
    ));
    if statement.is_empty() {
        out.push_str("no ledger entries yet\n");
        return out;
    }
    let rule_width = statement
        .iter()
        .map(|l| l.rule.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let event_width = statement
        .iter()
        .map(|l| l.event.len())
        .max()
        .unwrap_or(5)
        .max(5);
    out.push_str(&format!(
        "{:<10}  {:<event_width$}  {:<rule_width$}  {:>8}  reason\n",
        "date", "event", "rule", "points"
    ));
    for line in statement {
        out.push_str(&format!(
            "{:<10}  {:<event_width$}  {:<rule_width$}  {:>8}  {}\n",
            local_date(&line.time),
            line.event,
            line.rule,
            signed(line.points),
            line.reason
        ));
    }
    out
}
