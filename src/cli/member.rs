//! `bashgah member <club> <id>`: balance and a statement where every line says why.

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::amount::{grouped, signed};
use crate::ledger::Lot;
use crate::policy::Policy;
use crate::view::{report, MemberView};

/// An instant as the club writes dates: its calendar, its timezone.
pub fn club_time(policy: &Policy, at: chrono::DateTime<chrono::Utc>) -> String {
    policy.local_date(at)
}

pub fn run(
    workspace: &Workspace,
    club: &str,
    id: &str,
    at: Option<&str>,
    json: bool,
) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let db = workspace.ledger_place(&policy);
    if !db.exists()? {
        return Err(CommandError(format!(
            "error: club `{}` has no ledger yet at `{db}`\n  = help: import some events first: bashgah import {} FILE\n",
            policy.club.id,
            policy.club.id
        )));
    }
    let at = at
        .map(|text| crate::time::parse_event_time(text, policy.club.calendar, policy.zone))
        .transpose()
        .map_err(|m| CommandError(format!("error: --at: {m}\n")))?;
    let ledger = workspace.open_ledger(&db)?;
    let Some(view) = MemberView::read(&ledger, id, at, Some(&policy))? else {
        return Err(CommandError(format!(
            "error: no member `{id}` in club `{}`\n",
            policy.club.id
        )));
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report(&policy, view)).unwrap_or_default()
        );
    } else {
        print!("{}", render(&policy, &view));
    }
    Ok(ExitCode::Ok)
}

/// The text statement; dates in the club's calendar and timezone.
pub fn render(policy: &Policy, view: &MemberView) -> String {
    let (member, statement) = (&view.summary, &view.statement);
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
        "; {}, {} {} spent\n",
        crate::diagnostic::count(member.events as u64, "event", "events"),
        grouped(member.spend_total),
        policy.club.currency
    ));
    if view.projected {
        out.push_str(&format!(
            "projected to {}: what the clock will have done by then (expiry, reviews, deals); not in the ledger until `bashgah advance`\n",
            club_time(policy, view.at)
        ));
    }
    out.push_str(&balance_lines(policy, view));
    out.push('\n');
    if !view.lots.is_empty() {
        out.push_str(&lot_lines(policy, &view.lots));
        out.push('\n');
    }
    if !view.deals.is_empty() {
        out.push_str(&deal_lines(policy, view));
        out.push('\n');
    }
    if !view.tier_changes.is_empty() {
        out.push_str("tier changes\n");
        for change in &view.tier_changes {
            let when = crate::time::from_stored(&change.time)
                .map_or(change.time.clone(), |t| club_time(policy, t));
            let moved = tier_move(change.from.as_deref(), change.to.as_deref());
            out.push_str(&format!("{when}  {moved}  {}\n", change.reason));
        }
        out.push('\n');
    }
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
    let member = view.summary.id.as_str();
    let shown: Vec<String> = statement
        .iter()
        .map(|l| shown_event(&l.event, member))
        .collect();
    let event_width = shown.iter().map(String::len).max().unwrap_or(5).max(5);
    out.push_str(&format!(
        "{:<10}  {:<event_width$}  {:<rule_width$}  {:>8}  reason\n",
        "date", "event", "rule", "points"
    ));
    for (line, event) in statement.iter().zip(&shown) {
        out.push_str(&format!(
            "{:<10}  {:<event_width$}  {:<rule_width$}  {:>8}  {}\n",
            local_date(&line.time),
            event,
            line.rule,
            signed(line.points),
            line.reason
        ));
    }
    out
}

/// `balance: 64 stars (50 available, 14 pending)`, debt and the next expiries.
fn balance_lines(policy: &Policy, view: &MemberView) -> String {
    let name = &policy.club.points.name;
    let b = &view.balances;
    let mut out = format!(
        "balance: {} {name} ({} available, {} pending) on {}\n",
        grouped(view.summary.balance),
        grouped(b.available),
        grouped(b.pending),
        club_time(policy, view.at)
    );
    if let Some(tier) = view
        .tier
        .as_deref()
        .and_then(|id| policy.club.tiers.iter().find(|t| t.id == id))
    {
        let mut details = Vec::new();
        if let Some(multiplier) = tier.multiplier.filter(|m| *m != rust_decimal::Decimal::ONE) {
            details.push(format!("×{} {name}", multiplier.normalize()));
        }
        if !tier.perks.is_empty() {
            details.push(format!("perks: {}", tier.perks.join(", ")));
        }
        let since = view.tier_changes.last().map(|c| {
            crate::time::from_stored(&c.time).map_or(c.time.clone(), |t| club_time(policy, t))
        });
        let since = if view.own_tier.as_deref() == Some(tier.id.as_str()) {
            since.map(|s| format!(" since {s}"))
        } else {
            Some(format!(
                " through a deal; own tier: {}",
                view.own_tier.as_deref().unwrap_or("none")
            ))
        };
        out.push_str(&format!(
            "tier: {}{}{}\n",
            tier.name.as_deref().unwrap_or(&tier.id),
            since.unwrap_or_default(),
            if details.is_empty() {
                String::new()
            } else {
                format!(" ({})", details.join("; "))
            }
        ));
    }
    if policy.club.credit.is_some() || !view.summary.credit.is_zero() {
        out.push_str(&format!(
            "credit: {} {}\n",
            grouped(view.summary.credit),
            policy.club.currency
        ));
    }
    if !b.debt.is_zero() {
        out.push_str(&match policy.club.points.when_spent {
            crate::club::WhenSpent::Debt => format!(
                "debt: {} {name}, paid from the next points earned\n",
                grouped(b.debt)
            ),
            crate::club::WhenSpent::NegativeBalance => format!(
                "below zero by {} {name} until the next points earned\n",
                grouped(b.debt)
            ),
        });
    }
    let expiring = view.expiring();
    if !expiring.is_empty() {
        let next: Vec<String> = expiring
            .iter()
            .take(3)
            .map(|e| {
                format!(
                    "{} {name} on {}",
                    grouped(e.points),
                    club_time(policy, e.at)
                )
            })
            .collect();
        out.push_str(&format!("expiring: {}\n", next.join(", ")));
    }
    out
}

/// The member's unspent lots, oldest (spent first) first.
fn lot_lines(policy: &Policy, lots: &[Lot]) -> String {
    let names: Vec<String> = lots
        .iter()
        .map(|l| format!("{} {}", l.event, l.rule))
        .collect();
    let event_width = names.iter().map(String::len).max().unwrap_or(6).max(6);
    let mut out = format!(
        "{:<10}  {:<event_width$}  {:>8}  {:>8}  {:<10}  expires\n",
        "earned", "lot of", "points", "left", "spendable"
    );
    for (lot, name) in lots.iter().zip(&names) {
        out.push_str(&format!(
            "{:<10}  {:<event_width$}  {:>8}  {:>8}  {:<10}  {}\n",
            club_time(policy, lot.earned_at),
            name,
            grouped(lot.points),
            grouped(lot.remaining),
            club_time(policy, lot.pending_until),
            lot.expires_at
                .map_or("never".to_owned(), |e| club_time(policy, e)),
        ));
    }
    out
}

/// Each deal: its state and progress, and its checkpoints.
fn deal_lines(policy: &Policy, view: &MemberView) -> String {
    let mut out = String::from("deals\n");
    for status in &view.deals {
        let grace = policy
            .club
            .deals
            .iter()
            .find(|d| d.id == status.deal)
            .map_or(0, |d| d.grace);
        let progress = format!(
            "{} of {} periods kept, {} missed (grace {grace})",
            status.kept, status.periods, status.missed
        );
        let state = match status.state {
            crate::member::DealState::Active => format!(
                "active since {}, {progress}; next checkpoint {}",
                club_time(policy, status.enrolled_at),
                club_time(policy, status.next_checkpoint)
            ),
            crate::member::DealState::Completed => {
                let until = status
                    .tier_until
                    .map(|t| format!("; its tier held until {}", club_time(policy, t)));
                format!(
                    "completed {}, {progress}{}",
                    status
                        .ended_at
                        .map(|t| club_time(policy, t))
                        .unwrap_or_default(),
                    until.unwrap_or_default()
                )
            }
            crate::member::DealState::Failed => format!(
                "failed {}, {progress}",
                status
                    .ended_at
                    .map(|t| club_time(policy, t))
                    .unwrap_or_default()
            ),
        };
        out.push_str(&format!("  {}: {state}\n", status.deal));
        for checkpoint in view.checkpoints.iter().filter(|c| c.deal == status.deal) {
            let day = |text: &str| {
                crate::time::from_stored(text).map_or(text.to_owned(), |t| club_time(policy, t))
            };
            out.push_str(&format!(
                "    period {} ({} to {}): {}\n",
                checkpoint.period,
                day(&checkpoint.starts),
                crate::time::from_stored(&checkpoint.ends).map_or(checkpoint.ends.clone(), |t| {
                    club_time(policy, t - chrono::Duration::seconds(1))
                }),
                checkpoint.note
            ));
        }
    }
    out
}

/// A tier change as people read it: `bronze -> silver`, and a first tier entered (not
/// moved to from nothing): `into bronze`.
pub(super) fn tier_move(from: Option<&str>, to: Option<&str>) -> String {
    match (from, to) {
        (None, Some(to)) => format!("into {to}"),
        (Some(from), Some(to)) => format!("{from} -> {to}"),
        (Some(from), None) => format!("{from} -> no tier"),
        (None, None) => "no tier".to_owned(),
    }
}

/// An event's id as the statement shows it. Ids bashgah makes name the member and a UTC
/// instant (`expiry:M002:2025-03-20T20:30:00Z`): on the member's own statement, beside
/// the date in the club's calendar, both are noise, so `expiry` is shown. The full id is
/// in `--json` (and is what `explain` takes).
pub(super) fn shown_event(id: &str, member: &str) -> String {
    let Some((kind, rest)) = id.split_once(':') else {
        return id.to_owned();
    };
    let rest = rest
        .strip_prefix(member)
        .and_then(|r| r.strip_prefix(':').or(r.is_empty().then_some("")))
        .unwrap_or(rest);
    // A UTC instant at the end (it has colons of its own), possibly with `#2`.
    let (rest, repeat) = match rest.rsplit_once('#') {
        Some((before, n)) if n.chars().all(|c| c.is_ascii_digit()) => (before, Some(n)),
        _ => (rest, None),
    };
    let rest = if crate::time::from_stored(rest).is_some() {
        ""
    } else if let Some(at) = rest.rfind(':').and_then(|_| {
        rest.char_indices()
            .filter(|(_, c)| *c == ':')
            .map(|(i, _)| i)
            .find(|i| crate::time::from_stored(&rest[i + 1..]).is_some())
    }) {
        &rest[..at]
    } else {
        rest
    };
    let mut shown = if rest.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}:{rest}")
    };
    if let Some(n) = repeat {
        shown.push('#');
        shown.push_str(n);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::shown_event;

    #[test]
    fn ids_bashgah_made_are_shown_without_the_member_and_the_utc_instant() {
        assert_eq!(
            shown_event("expiry:M002:2025-03-20T20:30:00Z", "M002"),
            "expiry"
        );
        assert_eq!(
            shown_event("tier:M1:2025-03-01T00:00:00Z#2", "M1"),
            "tier#2"
        );
        assert_eq!(shown_event("deal:M1:monthly:3", "M1"), "deal:monthly:3");
        assert_eq!(shown_event("enrolled:M1:award", "M1"), "enrolled:award");
        assert_eq!(
            shown_event("birthday:M1:1403:award", "M1"),
            "birthday:1403:award"
        );
        // Ids people gave are shown as they are.
        assert_eq!(shown_event("P1009", "M002"), "P1009");
        assert_eq!(shown_event("cancel:R1", "M1"), "cancel:R1");
        assert_eq!(shown_event("T-7:in", "M2"), "T-7:in");
    }
}
