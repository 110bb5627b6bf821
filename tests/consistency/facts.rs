//! What a ledger holds, read back through the public API, in a form two ledgers can be
//! compared by: the canonical `dump()` and, per member, the summary, statement, tier
//! changes, deal states, open lots and balances (row numbers left out).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use bashgah::ledger::Ledger;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub dump: String,
    pub members: BTreeMap<String, Vec<String>>,
}

/// Reads every fact of `members` from `ledger`; balances as at `at`.
pub fn facts(ledger: &Ledger, members: &[String], at: DateTime<Utc>) -> Facts {
    let mut out = BTreeMap::new();
    for member in members {
        let mut lines = Vec::new();
        match ledger.member_summary(member).expect("member summary") {
            None => lines.push("no such member".to_owned()),
            Some(s) => lines.push(format!(
                "summary: type {} joined {} birthday {:?} balance {} events {} spend {} credit {}",
                s.member_type, s.joined, s.birthday, s.balance, s.events, s.spend_total, s.credit
            )),
        }
        for l in ledger.statement(member).expect("statement") {
            lines.push(format!(
                "entry: {} {} {} {} {} {} {:?} {}",
                l.time,
                l.event,
                l.event_type,
                l.amount,
                l.rule,
                l.points,
                l.reason,
                l.policy_version
            ));
        }
        for c in ledger.tier_changes(member).expect("tier changes") {
            lines.push(format!(
                "tier: {} {:?} -> {:?} ({})",
                c.time, c.from, c.to, c.reason
            ));
        }
        for d in ledger.deal_statuses(member).expect("deal statuses") {
            lines.push(format!(
                "deal: {} {:?} enrolled {} starts {} periods {} kept {} missed {} next {} ended {:?} tier until {:?}",
                d.deal,
                d.state,
                d.enrolled_at,
                d.starts_at,
                d.periods,
                d.kept,
                d.missed,
                d.next_checkpoint,
                d.ended_at,
                d.tier_until
            ));
        }
        for l in ledger.open_lots(member).expect("open lots") {
            lines.push(format!(
                "lot: {} {} {} left {} earned {} spendable {} expires {:?}",
                l.event, l.rule, l.points, l.remaining, l.earned_at, l.pending_until, l.expires_at
            ));
        }
        let b = ledger.balances(member, at).expect("balances");
        lines.push(format!(
            "balances at {at}: available {} pending {} debt {}",
            b.available, b.pending, b.debt
        ));
        out.insert(member.clone(), lines);
    }
    Facts {
        dump: ledger.dump().expect("dump"),
        members: out,
    }
}

/// `None` if equal, else where they first differ, line by line, with some context.
pub fn difference(
    expected_name: &str,
    expected: &Facts,
    actual_name: &str,
    actual: &Facts,
) -> Option<String> {
    let mut out = String::new();
    for (member, lines) in &expected.members {
        let other = actual.members.get(member).cloned().unwrap_or_default();
        if *lines != other {
            let _ = writeln!(out, "member {member}:");
            diff_lines(&mut out, expected_name, lines, actual_name, &other);
        }
    }
    if expected.dump != actual.dump {
        let a: Vec<String> = expected.dump.lines().map(str::to_owned).collect();
        let b: Vec<String> = actual.dump.lines().map(str::to_owned).collect();
        let _ = writeln!(out, "dump():");
        diff_lines(&mut out, expected_name, &a, actual_name, &b);
    }
    (!out.is_empty()).then_some(out)
}

/// The lines only one side has (a multiset difference keeps it short and readable).
fn diff_lines(out: &mut String, a_name: &str, a: &[String], b_name: &str, b: &[String]) {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for line in a {
        *counts.entry(line).or_default() += 1;
    }
    for line in b {
        *counts.entry(line).or_default() -= 1;
    }
    let mut shown = 0;
    for line in a {
        if counts.get(line.as_str()).is_some_and(|c| *c > 0) && shown < 40 {
            let _ = writeln!(out, "  only in {a_name}: {line}");
            *counts.get_mut(line.as_str()).expect("counted") -= 1;
            shown += 1;
        }
    }
    for line in b {
        if counts.get(line.as_str()).is_some_and(|c| *c < 0) && shown < 80 {
            let _ = writeln!(out, "  only in {b_name}: {line}");
            *counts.get_mut(line.as_str()).expect("counted") += 1;
            shown += 1;
        }
    }
    if shown == 0 {
        // Same lines, other order.
        let first = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(0);
        let _ = writeln!(
            out,
            "  same lines in another order, first at line {}: {a_name} {:?}, {b_name} {:?}",
            first + 1,
            a.get(first),
            b.get(first)
        );
    }
}
