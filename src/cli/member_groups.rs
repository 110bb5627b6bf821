//! The groups part of `bashgah member`: for a group's account, its members with their
//! roles, what each brought to the pool and spent from it; for a member, the groups they
//! are in and what they brought.

use crate::ledger::{Ledger, LedgerError};
use crate::locale::{amount as grouped, numerals, pad_end, pad_start, width};
use crate::policy::Policy;
use crate::tr;

/// The lines, or nothing when `id` is neither a group nor in one.
pub fn group_lines(policy: &Policy, ledger: &Ledger, id: &str) -> Result<String, LedgerError> {
    let calendar = policy.club.calendar;
    let day = |at: chrono::DateTime<chrono::Utc>| {
        numerals(&calendar.format(at.with_timezone(&policy.zone).date_naive()))
    };
    let points = &policy.club.points.name;
    let mut out = String::new();
    let members = ledger.group_members(id)?;
    if !members.is_empty() {
        let current = members.iter().filter(|m| m.role.is_some()).count();
        out.push_str(&tr!("member-group-heading", members = current));
        out.push('\n');
        let id_width = members
            .iter()
            .map(|m| width(&m.member))
            .chain([width(&tr!("member-group-member"))])
            .max()
            .unwrap_or(6);
        let left = tr!("member-group-left");
        let role_width = members
            .iter()
            .map(|m| width(m.role.as_deref().unwrap_or(&left)))
            .chain([width(&tr!("member-group-role"))])
            .max()
            .unwrap_or(4);
        out.push_str(&format!(
            "{}  {}  {}  {}  {}\n",
            pad_end(&tr!("member-group-member"), id_width),
            pad_end(&tr!("member-group-role"), role_width),
            pad_end(&tr!("member-group-since"), 10),
            pad_start(&tr!("member-group-brought"), 8),
            pad_start(&tr!("member-group-spent"), 8),
        ));
        for line in &members {
            out.push_str(&format!(
                "{}  {}  {}  {}  {}\n",
                pad_end(&line.member, id_width),
                pad_end(line.role.as_deref().unwrap_or(&left), role_width),
                pad_end(&day(line.since), 10),
                pad_start(&grouped(line.contributed), 8),
                pad_start(&grouped(line.spent), 8),
            ));
        }
    }
    // The member's own groups: the last join or leave of each group.
    let rows = ledger.memberships_of(id)?;
    let mut latest: Vec<&crate::decide::groups::MembershipFact> = Vec::new();
    for row in &rows {
        match latest.iter_mut().find(|r| r.group == row.group) {
            Some(slot) => *slot = row,
            None => latest.push(row),
        }
    }
    for row in latest {
        let Some(role) = &row.role else { continue };
        let brought = ledger
            .group_members(&row.group)?
            .into_iter()
            .find(|m| m.member == id)
            .map(|m| m.contributed)
            .unwrap_or_default();
        out.push_str(&tr!(
            "member-in-group",
            group = &row.group,
            kind = &row.kind,
            role = role,
            date = day(row.at),
            brought = grouped(brought),
            points = points
        ));
        out.push('\n');
    }
    Ok(out)
}
