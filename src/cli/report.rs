//! `bashgah report <club>`: segments and members at risk, campaign cost against budget,
//! partner settlement, and messages sent, held back and failed.

use std::collections::BTreeMap;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::locale::{amount as grouped, numerals};
use crate::report::Report;
use crate::tr;

pub fn run(
    workspace: &Workspace,
    club: &str,
    at: Option<&str>,
    json: bool,
    csv: Option<super::report_value::CsvPart>,
) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let db = workspace.ledger_place(&policy);
    if !db.exists()? {
        return Err(CommandError(format!(
            "{}: {}\n",
            tr!("diagnostic-error"),
            tr!(
                "report-no-ledger",
                club = &policy.club.id,
                place = db.to_string()
            )
        )));
    }
    let ledger = workspace.open_ledger(&db)?;
    let at = match at {
        Some(text) => crate::time::parse_event_time(text, policy.club.calendar, policy.zone)
            .map_err(|m| {
                CommandError(format!(
                    "{}: {}\n",
                    tr!("diagnostic-error"),
                    tr!("report-bad-at", reason = m)
                ))
            })?,
        None => ledger.now()?.unwrap_or_else(chrono::Utc::now),
    };
    let report = crate::report::build(&ledger, &policy, at)?;
    for failure in &report.failures_shown {
        eprintln!("{}: {failure}", tr!("diagnostic-error"));
    }
    if let Some(part) = csv {
        let table = super::report_value::csv(part, &report.value)
            .map_err(|e| CommandError(format!("{}: {e}\n", tr!("diagnostic-error"))))?;
        print!("{table}");
    } else if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print!("{}", render(&policy, &report));
        print!("{}", super::report_value::render(&policy, &report.value));
    }
    Ok(if report.failures.is_empty() {
        ExitCode::Ok
    } else {
        ExitCode::Failed
    })
}

fn render(policy: &crate::policy::Policy, report: &Report) -> String {
    let points = &policy.club.points.name;
    // Money as the club shows it (`money:`): its code, or Toman for a Rial club.
    let shown = |amount| crate::club::currencies::shown_amount(&policy.club, amount);
    let mut out = tr!(
        "report-heading",
        club = &report.club,
        date = super::member::club_time(policy, report.at),
        members = report.members
    );
    out.push('\n');
    if policy.segment_function.is_some() {
        out.push('\n');
        out.push_str(&tr!("report-segments"));
        out.push('\n');
        for (segment, count) in &report.segments {
            out.push_str(&format!(
                "  {segment:<14} {:>6}\n",
                numerals(&count.to_string())
            ));
        }
        out.push('\n');
        out.push_str(&tr!("report-at-risk", members = report.at_risk.len()));
        out.push('\n');
        for member in report.at_risk.iter().take(10) {
            let last = member
                .last_visit
                .map(|t| super::member::club_time(policy, t))
                .unwrap_or_else(|| tr!("report-never"));
            out.push_str(&format!(
                "  {:<14} {:>10} {}\n",
                member.member,
                grouped(member.balance),
                tr!("report-at-risk-member", points = points, last = last)
            ));
        }
    }
    if !report.campaigns.is_empty() {
        out.push('\n');
        out.push_str(&tr!("report-campaigns"));
        out.push('\n');
        for c in &report.campaigns {
            let budget = c
                .budget_points
                .map(|b| tr!("report-campaign-budget", budget = b))
                .unwrap_or_default();
            let money = c
                .money
                .map(shown)
                .map(|(m, currency)| tr!("report-campaign-money", money = m, currency = currency))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {:<14} {}\n",
                c.campaign,
                tr!(
                    "report-campaign",
                    amount = c.points,
                    points = points,
                    money = money,
                    budget = budget,
                    capped = numerals(&c.capped_awards.to_string())
                )
            ));
        }
    }
    if !report.partners.is_empty() {
        out.push('\n');
        out.push_str(&tr!("report-partners"));
        out.push('\n');
        for p in &report.partners {
            let (amount, currency) = shown(p.amount);
            let money = p
                .money
                .map(shown)
                .map(|(m, currency)| tr!("report-partner-money", money = m, currency = currency))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {:<14} {}\n",
                p.partner,
                tr!(
                    "report-partner",
                    purchases = numerals(&p.purchases.to_string()),
                    amount = amount,
                    currency = currency,
                    earned = p.points,
                    points = points,
                    money = money
                )
            ));
        }
    }
    if !report.messages.is_empty() {
        out.push('\n');
        out.push_str(&tr!("report-messages"));
        out.push('\n');
        // Counted under an English key, which orders them as before in every language.
        let mut by_occasion: BTreeMap<&str, BTreeMap<String, (String, String, i64)>> =
            BTreeMap::new();
        for m in &report.messages {
            let (key, kind, reason) = match (m.status.as_str(), m.reason.as_deref()) {
                ("suppressed", Some(reason)) => (
                    format!("suppressed ({reason})"),
                    "suppressed",
                    reason.to_owned(),
                ),
                ("pending", Some("quiet_hours")) => (
                    "pending (quiet hours)".to_owned(),
                    "quiet_hours",
                    String::new(),
                ),
                (status, _) => (status.to_owned(), status, String::new()),
            };
            by_occasion
                .entry(m.occasion.as_str())
                .or_default()
                .entry(key)
                .or_insert_with(|| (kind.to_owned(), reason, 0))
                .2 += m.count;
        }
        for (occasion, counts) in by_occasion {
            let parts: Vec<String> = counts
                .values()
                .map(|(status, reason, n)| {
                    tr!(
                        "report-message-count",
                        count = numerals(&n.to_string()),
                        status = status,
                        reason = reason
                    )
                })
                .collect();
            out.push_str(&format!(
                "  {occasion:<20} {}\n",
                parts.join(&tr!("report-list-separator"))
            ));
        }
    }
    if !report.contests.is_empty() {
        out.push('\n');
        out.push_str(&tr!("report-contests"));
        out.push('\n');
        for contest in &report.contests {
            out.push_str(&super::contest::render(policy, contest));
        }
    }
    out
}
