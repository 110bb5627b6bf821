//! `bashgah member <club> <id>`: balance and a statement where every line says why.

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::ledger::Lot;
use crate::locale::{amount as grouped, numerals, pad_end, pad_start, signed, width};
use crate::policy::Policy;
use crate::tr;
use crate::view::{report, MemberView};

/// An instant as the club writes dates for a person: its calendar, its timezone, the
/// digits of the language spoken.
pub fn club_time(policy: &Policy, at: chrono::DateTime<chrono::Utc>) -> String {
    numerals(&policy.local_date(at))
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
            "{}: {}\n  = {}: {}\n",
            tr!("diagnostic-error"),
            tr!(
                "member-no-ledger",
                club = &policy.club.id,
                place = db.to_string()
            ),
            tr!("diagnostic-help"),
            tr!("member-no-ledger-help", club = &policy.club.id)
        )));
    }
    let at = at
        .map(|text| crate::time::parse_event_time(text, policy.club.calendar, policy.zone))
        .transpose()
        .map_err(|m| {
            CommandError(format!(
                "{}: {}\n",
                tr!("diagnostic-error"),
                tr!("member-bad-at", reason = m)
            ))
        })?;
    let ledger = workspace.open_ledger(&db)?;
    let Some(view) = MemberView::read(&ledger, id, at, Some(&policy))? else {
        return Err(CommandError(format!(
            "{}: {}\n",
            tr!("diagnostic-error"),
            tr!("member-unknown", id = id, club = &policy.club.id)
        )));
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report(&policy, view)).unwrap_or_default()
        );
    } else {
        print!("{}", render(&policy, &view));
        let groups = super::member_groups::group_lines(&policy, &ledger, id)?;
        if !groups.is_empty() {
            print!("\n{groups}");
        }
    }
    Ok(ExitCode::Ok)
}

/// The text statement; dates in the club's calendar and timezone.
pub fn render(policy: &Policy, view: &MemberView) -> String {
    let (member, statement) = (&view.summary, &view.statement);
    let calendar = policy.club.calendar;
    let local_date = |stored: &str| {
        crate::time::from_stored(stored)
            .map(|t| numerals(&calendar.format(t.with_timezone(&policy.zone).date_naive())))
            .unwrap_or_else(|| stored.to_owned())
    };
    let club_date = |iso: &str| {
        chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
            .map(|d| numerals(&calendar.format(d)))
            .unwrap_or_else(|_| iso.to_owned())
    };
    let mut out = tr!(
        "member-header",
        id = &member.id,
        kind = &member.member_type,
        club = &policy.club.name
    );
    out.push('\n');
    out.push_str(&tr!("member-joined", date = club_date(&member.joined)));
    if let Some(birthday) = &member.birthday {
        out.push_str(&tr!("member-birthday", date = club_date(birthday)));
    }
    let (spent, currency) = crate::club::currencies::shown_amount(&policy.club, member.spend_total);
    out.push_str(&tr!(
        "member-activity",
        events = member.events,
        spent = spent,
        currency = currency
    ));
    out.push('\n');
    if view.projected {
        out.push_str(&tr!("member-projected", date = club_time(policy, view.at)));
        out.push('\n');
    }
    out.push_str(&balance_lines(policy, view));
    out.push('\n');
    if !view.lots.is_empty() {
        out.push_str(&lot_lines(policy, &view.lots, &view.summary.id));
        out.push('\n');
    }
    if !view.deals.is_empty() {
        out.push_str(&deal_lines(policy, view));
        out.push('\n');
    }
    if !view.contests.is_empty() {
        out.push_str(&super::contest::member_lines(policy, &view.contests));
        out.push('\n');
    }
    if !view.tier_changes.is_empty() {
        out.push_str(&tr!("tier-changes-heading"));
        out.push('\n');
        for change in &view.tier_changes {
            let when = crate::time::from_stored(&change.time)
                .map_or(change.time.clone(), |t| club_time(policy, t));
            let moved = tier_move(change.from.as_deref(), change.to.as_deref());
            out.push_str(&format!("{when}  {moved}  {}\n", change.reason));
        }
        out.push('\n');
    }
    if statement.is_empty() {
        out.push_str(&tr!("statement-empty"));
        out.push('\n');
        return out;
    }
    let rule_width = statement
        .iter()
        .map(|l| width(&l.rule))
        .chain([width(&tr!("statement-rule"))])
        .max()
        .unwrap_or(4);
    let member = view.summary.id.as_str();
    let shown: Vec<String> = statement
        .iter()
        .map(|l| shown_event(&l.event, member))
        .collect();
    let event_width = shown
        .iter()
        .map(|s| width(s))
        .chain([width(&tr!("statement-event"))])
        .max()
        .unwrap_or(5);
    // Padded by terminal columns, so that Persian headings line up too.
    out.push_str(&format!(
        "{}  {}  {}  {}  {}\n",
        pad_end(&tr!("statement-date"), 10),
        pad_end(&tr!("statement-event"), event_width),
        pad_end(&tr!("statement-rule"), rule_width),
        pad_start(&tr!("statement-points"), 8),
        tr!("statement-reason")
    ));
    for (line, event) in statement.iter().zip(&shown) {
        out.push_str(&format!(
            "{}  {}  {}  {}  {}\n",
            pad_end(&local_date(&line.time), 10),
            pad_end(event, event_width),
            pad_end(&line.rule, rule_width),
            pad_start(&signed(line.points), 8),
            match &line.paid {
                // A purchase paid in another currency says what was paid and the rate.
                Some(paid) => format!(
                    "{}{}",
                    line.reason,
                    tr!(
                        "explain-converted",
                        paid = paid.amount,
                        currency = &paid.currency,
                        rate = paid.rate
                    )
                ),
                None => line.reason.clone(),
            }
        ));
    }
    out
}

/// `balance: 64 stars (50 available, 14 pending)`, debt and the next expiries.
fn balance_lines(policy: &Policy, view: &MemberView) -> String {
    let name = &policy.club.points.name;
    let b = &view.balances;
    let mut out = tr!(
        "member-balance",
        balance = view.summary.balance,
        points = name,
        available = b.available,
        pending = b.pending,
        date = club_time(policy, view.at)
    );
    out.push('\n');
    if let Some(tier) = view
        .tier
        .as_deref()
        .and_then(|id| policy.club.tiers.iter().find(|t| t.id == id))
    {
        let mut details = Vec::new();
        if let Some(multiplier) = tier.multiplier.filter(|m| *m != rust_decimal::Decimal::ONE) {
            details.push(format!(
                "×{} {name}",
                numerals(&multiplier.normalize().to_string())
            ));
        }
        if !tier.perks.is_empty() {
            details.push(tr!("member-perks", perks = tier.perks.join(", ")));
        }
        let since = view.tier_changes.last().map(|c| {
            crate::time::from_stored(&c.time).map_or(c.time.clone(), |t| club_time(policy, t))
        });
        let since = if view.own_tier.as_deref() == Some(tier.id.as_str()) {
            since.map(|s| tr!("member-tier-since", date = s))
        } else {
            Some(tr!(
                "member-tier-through-deal",
                tier = view
                    .own_tier
                    .clone()
                    .unwrap_or_else(|| tr!("member-no-own-tier"))
            ))
        };
        out.push_str(&tr!(
            "member-tier",
            tier = tier.name.as_deref().unwrap_or(&tier.id),
            since = since.unwrap_or_default(),
            details = if details.is_empty() {
                String::new()
            } else {
                format!(" ({})", details.join("; "))
            }
        ));
        out.push('\n');
    }
    if policy.club.credit.is_some() || !view.summary.credit.is_zero() {
        let (credit, currency) =
            crate::club::currencies::shown_amount(&policy.club, view.summary.credit);
        out.push_str(&tr!("member-credit", credit = credit, currency = currency));
        out.push('\n');
    }
    if !b.debt.is_zero() {
        out.push_str(&match policy.club.points.when_spent {
            crate::club::WhenSpent::Debt => tr!("member-debt", debt = b.debt, points = name),
            crate::club::WhenSpent::NegativeBalance => {
                tr!("member-below-zero", debt = b.debt, points = name)
            }
        });
        out.push('\n');
    }
    let expiring = view.expiring();
    if !expiring.is_empty() {
        let next: Vec<String> = expiring
            .iter()
            .take(3)
            .map(|e| {
                tr!(
                    "member-expiring-lot",
                    amount = e.points,
                    points = name,
                    date = club_time(policy, e.at)
                )
            })
            .collect();
        out.push_str(&tr!("member-expiring", lots = next.join(", ")));
        out.push('\n');
    }
    out
}

/// The member's unspent lots, oldest (spent first) first.
fn lot_lines(policy: &Policy, lots: &[Lot], member: &str) -> String {
    // Events bashgah made are named short, as on the statement (`deal:monthly:3`).
    let names: Vec<String> = lots
        .iter()
        .map(|l| format!("{} {}", shown_event(&l.event, member), l.rule))
        .collect();
    let event_width = names
        .iter()
        .map(|n| width(n))
        .chain([width(&tr!("lots-lot"))])
        .max()
        .unwrap_or(6);
    let mut out = format!(
        "{}  {}  {}  {}  {}  {}\n",
        pad_end(&tr!("lots-earned"), 10),
        pad_end(&tr!("lots-lot"), event_width),
        pad_start(&tr!("lots-points"), 8),
        pad_start(&tr!("lots-left"), 8),
        pad_end(&tr!("lots-spendable"), 10),
        tr!("lots-expires")
    );
    for (lot, name) in lots.iter().zip(&names) {
        out.push_str(&format!(
            "{}  {}  {}  {}  {}  {}\n",
            pad_end(&club_time(policy, lot.earned_at), 10),
            pad_end(name, event_width),
            pad_start(&grouped(lot.points), 8),
            pad_start(&grouped(lot.remaining), 8),
            pad_end(&club_time(policy, lot.pending_until), 10),
            lot.expires_at
                .map_or_else(|| tr!("lots-never"), |e| club_time(policy, e)),
        ));
    }
    out
}

/// Each deal: its state and progress, and its checkpoints.
fn deal_lines(policy: &Policy, view: &MemberView) -> String {
    let mut out = tr!("deals-heading");
    out.push('\n');
    for status in &view.deals {
        let grace = policy
            .club
            .deals
            .iter()
            .find(|d| d.id == status.deal)
            .map_or(0, |d| d.grace);
        let progress = tr!(
            "deal-progress",
            kept = status.kept,
            periods = status.periods,
            missed = status.missed,
            grace = grace
        );
        let ended = status
            .ended_at
            .map(|t| club_time(policy, t))
            .unwrap_or_default();
        let state = match status.state {
            crate::member::DealState::Active => tr!(
                "deal-active",
                since = club_time(policy, status.enrolled_at),
                progress = &progress,
                next = club_time(policy, status.next_checkpoint)
            ),
            crate::member::DealState::Completed => {
                let held = status
                    .tier_until
                    .map(|t| tr!("deal-tier-held", until = club_time(policy, t)));
                tr!(
                    "deal-completed",
                    ended = ended,
                    progress = &progress,
                    held = held.unwrap_or_default()
                )
            }
            crate::member::DealState::Failed => {
                tr!("deal-failed", ended = ended, progress = &progress)
            }
        };
        out.push_str(&format!("  {}: {state}\n", status.deal));
        for checkpoint in view.checkpoints.iter().filter(|c| c.deal == status.deal) {
            let day = |text: &str| {
                crate::time::from_stored(text).map_or(text.to_owned(), |t| club_time(policy, t))
            };
            out.push_str(&tr!(
                "deal-period",
                period = checkpoint.period,
                from = day(&checkpoint.starts),
                to = crate::time::from_stored(&checkpoint.ends)
                    .map_or(checkpoint.ends.clone(), |t| {
                        club_time(policy, t - chrono::Duration::seconds(1))
                    }),
                note = &checkpoint.note
            ));
            out.push('\n');
        }
    }
    out
}

/// A tier change as people read it: `bronze -> silver`, and a first tier entered (not
/// moved to from nothing): `into bronze`.
pub(super) fn tier_move(from: Option<&str>, to: Option<&str>) -> String {
    match (from, to) {
        (None, Some(to)) => tr!("tier-into", to = to),
        (Some(from), Some(to)) => tr!("tier-moved", from = from, to = to),
        (Some(from), None) => tr!("tier-left", from = from),
        (None, None) => tr!("tier-none"),
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
