//! `bashgah report <club>`: segments and members at risk, campaign cost against budget,
//! partner settlement, and messages sent, held back and failed.

use std::collections::BTreeMap;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::amount::grouped;
use crate::report::Report;

pub fn run(
    workspace: &Workspace,
    club: &str,
    at: Option<&str>,
    json: bool,
) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let db = workspace.ledger_place(&policy);
    if !db.exists()? {
        return Err(CommandError(format!(
            "error: club `{}` has no ledger yet at `{db}`\n",
            policy.club.id,
        )));
    }
    let ledger = workspace.open_ledger(&db)?;
    let at = match at {
        Some(text) => crate::time::parse_event_time(text, policy.club.calendar, policy.zone)
            .map_err(|m| CommandError(format!("error: --at: {m}\n")))?,
        None => ledger.now()?.unwrap_or_else(chrono::Utc::now),
    };
    let report = crate::report::build(&ledger, &policy, at)?;
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
    Ok(if report.failures.is_empty() {
        ExitCode::Ok
    } else {
        ExitCode::Failed
    })
}

fn render(policy: &crate::policy::Policy, report: &Report) -> String {
    let points = &policy.club.points.name;
    let currency = &policy.club.currency;
    let mut out = format!(
        "club {}, as at {}: {}\n",
        report.club,
        super::member::club_time(policy, report.at),
        crate::diagnostic::count(report.members as u64, "member", "members")
    );
    if policy.segment_function.is_some() {
        out.push_str("\nsegments\n");
        for (segment, count) in &report.segments {
            out.push_str(&format!("  {segment:<14} {count:>6}\n"));
        }
        out.push_str(&format!(
            "\nat risk of lapsing: {}\n",
            crate::diagnostic::count(report.at_risk.len() as u64, "member", "members")
        ));
        for member in report.at_risk.iter().take(10) {
            let last = member
                .last_visit
                .map(|t| super::member::club_time(policy, t))
                .unwrap_or_else(|| "never".into());
            out.push_str(&format!(
                "  {:<14} {:>10} {points}, last purchase {last}\n",
                member.member,
                grouped(member.balance)
            ));
        }
    }
    if !report.campaigns.is_empty() {
        out.push_str("\ncampaigns\n");
        for c in &report.campaigns {
            let budget = c
                .budget_points
                .map(|b| format!(" of a budget of {}", grouped(b)))
                .unwrap_or_default();
            let money = c
                .money
                .map(|m| format!(" ({} {currency})", grouped(m)))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {:<14} {} {points}{money}{budget}; {} awards capped\n",
                c.campaign,
                grouped(c.points),
                c.capped_awards
            ));
        }
    }
    if !report.partners.is_empty() {
        out.push_str("\npartners (settlement)\n");
        for p in &report.partners {
            let money = p
                .money
                .map(|m| format!(", worth {} {currency}", grouped(m)))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {:<14} {} purchases, {} {currency}: {} {points}{money}\n",
                p.partner,
                p.purchases,
                grouped(p.amount),
                grouped(p.points)
            ));
        }
    }
    if !report.messages.is_empty() {
        out.push_str("\nmessages\n");
        let mut by_occasion: BTreeMap<&str, BTreeMap<String, i64>> = BTreeMap::new();
        for m in &report.messages {
            let key = match (m.status.as_str(), m.reason.as_deref()) {
                ("suppressed", Some(reason)) => format!("suppressed ({reason})"),
                ("pending", Some("quiet_hours")) => "pending (quiet hours)".to_owned(),
                (status, _) => status.to_owned(),
            };
            *by_occasion
                .entry(m.occasion.as_str())
                .or_default()
                .entry(key)
                .or_default() += m.count;
        }
        for (occasion, counts) in by_occasion {
            let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
            out.push_str(&format!("  {occasion:<20} {}\n", parts.join(", ")));
        }
    }
    out
}
