//! The pure parts of contests: what an event scores in a leaderboard or earns in a draw,
//! who may take part, how members are ranked and prizes given by place (ties broken as
//! declared), and how a draw's seed is made and its winners drawn from it.
//!
//! Everything here is a function of its arguments: the decision stage passes in the
//! rows the ledger recorded for a window, and `bashgah contest verify` passes the same
//! rows to run a recorded draw again.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rhai::Dynamic;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::benefits::{member_value, tier_of};
use crate::club::{Draw, Leaderboard, Metric, Prize, Segment, TieBreak};
use crate::event::{Event, EventType};
use crate::member::MemberState;
use crate::policy::Policy;

/// What one event scored (or earned in entries) for one member, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreRow {
    pub member: String,
    pub event: String,
    pub value: Decimal,
    pub at: DateTime<Utc>,
}

/// A member's place on a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Standing {
    /// 1 for the first; members who tie under `split` or `all` share a place.
    pub place: u64,
    pub member: String,
    pub score: Decimal,
    /// When the member's score last changed (the time of their last scoring event).
    pub reached_at: DateTime<Utc>,
}

/// A prize given: a place on a leaderboard, or the order a draw's winner was drawn in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placing {
    pub rank: u64,
    pub member: String,
    /// The leaderboard score, or the draw entries.
    pub score: Decimal,
    pub prize: Prize,
}

/// What `event` scores on `board` for a member, given the points the event's own
/// entries came to. `None` when it scores nothing (the metric does not count this kind
/// of event); an `Err` when the metric's function failed.
pub fn score(
    policy: &Policy,
    board: &Leaderboard,
    function: Option<usize>,
    event: &Event,
    member: &MemberState,
    points: Decimal,
) -> Result<Option<Decimal>, String> {
    let value = match (board.metric, event.kind) {
        (Metric::Visits, EventType::Purchase) => Decimal::ONE,
        (Metric::Spend, EventType::Purchase) => event.amount,
        (Metric::Spend, EventType::Return) => -event.amount,
        (Metric::Points, _) => points,
        (Metric::Function, _) => match function {
            Some(script) => call(policy, script, board.function.as_deref(), event, member)?,
            None => Decimal::ZERO,
        },
        _ => Decimal::ZERO,
    };
    Ok(Some(value).filter(|v| !v.is_zero()))
}

/// The entries `event` earns in `draw`: one per whole `per` of a purchase's amount, or
/// what the entry function returns, in whole entries (towards zero).
pub fn entries(
    policy: &Policy,
    draw: &Draw,
    function: Option<usize>,
    event: &Event,
    member: &MemberState,
) -> Result<Option<Decimal>, String> {
    let value = match (draw.entries.per, function) {
        (Some(per), _) if event.kind == EventType::Purchase && per > Decimal::ZERO => {
            event.amount.checked_div(per).unwrap_or_default().trunc()
        }
        (None, Some(script)) => call(
            policy,
            script,
            draw.entries.function.as_deref(),
            event,
            member,
        )?
        .trunc(),
        _ => Decimal::ZERO,
    };
    Ok(Some(value).filter(|v| !v.is_zero()))
}

/// Calls a contest's `fn name(event, member)` and reads its number.
fn call(
    policy: &Policy,
    script: usize,
    name: Option<&str>,
    event: &Event,
    member: &MemberState,
) -> Result<Decimal, String> {
    let name = name.unwrap_or_default();
    let value = policy
        .call(
            script,
            name,
            (
                Dynamic::from(crate::policy::script_values::event_value(event, policy)),
                Dynamic::from(member_value(member, policy)),
            ),
        )
        .map_err(|e| format!("`{name}` failed: {}", crate::policy::error_message(&e)))?;
    if let Ok(int) = value.as_int() {
        return Ok(Decimal::from(int));
    }
    let number = value
        .read_lock::<Decimal>()
        .map(|d| *d)
        .ok_or_else(|| format!("`{name}` returned a {}, not a number", value.type_name()))?;
    if number.abs() > crate::amount::LARGEST {
        return Err(format!("`{name}` returned {number}, past 10¹⁸"));
    }
    Ok(number)
}

/// Whether the member takes part, as at the event: every condition of `eligible` holds.
pub fn eligible(
    policy: &Policy,
    segment: Option<&Segment>,
    script: Option<usize>,
    member: &MemberState,
) -> Result<bool, String> {
    let Some(segment) = segment else {
        return Ok(true);
    };
    if !segment.member_types.is_empty() && !segment.member_types.contains(&member.member_type) {
        return Ok(false);
    }
    if !segment.tiers.is_empty()
        && !tier_of(policy, member).is_some_and(|t| segment.tiers.contains(&t.id))
    {
        return Ok(false);
    }
    let (Some(function), Some(script)) = (&segment.function, script) else {
        return Ok(true);
    };
    let value = policy
        .call(
            script,
            function,
            (Dynamic::from(member_value(member, policy)),),
        )
        .map_err(|e| format!("`{function}` failed: {}", crate::policy::error_message(&e)))?;
    value.as_bool().map_err(|_| {
        format!(
            "`{function}` returned a {}, not true or false",
            value.type_name()
        )
    })
}

/// Each member's score from the window's rows, ranked: highest first; equal scores as
/// `board.ties` says (then by member id, so the order is total). Members below `min`
/// (or, without one, with nothing scored) are not ranked.
pub fn standings(board: &Leaderboard, rows: &[ScoreRow]) -> Vec<Standing> {
    let mut ordered: Vec<&ScoreRow> = rows.iter().collect();
    ordered.sort_by(|a, b| (a.at, &a.event).cmp(&(b.at, &b.event)));
    let mut by_member: BTreeMap<&str, (Decimal, DateTime<Utc>)> = BTreeMap::new();
    for row in ordered {
        let entry = by_member
            .entry(row.member.as_str())
            .or_insert((Decimal::ZERO, row.at));
        entry.0 = entry.0.saturating_add(row.value);
        entry.1 = row.at;
    }
    let mut ranked: Vec<Standing> = by_member
        .into_iter()
        .filter(|(_, (score, _))| match board.min {
            Some(min) => *score >= min,
            None => *score > Decimal::ZERO,
        })
        .map(|(member, (score, reached_at))| Standing {
            place: 0,
            member: member.to_owned(),
            score,
            reached_at,
        })
        .collect();
    ranked.sort_by(|a, b| {
        let time = match board.ties {
            TieBreak::MostRecent => b.reached_at.cmp(&a.reached_at),
            _ => a.reached_at.cmp(&b.reached_at),
        };
        b.score
            .cmp(&a.score)
            .then(time)
            .then_with(|| a.member.cmp(&b.member))
    });
    let shared = matches!(board.ties, TieBreak::Split | TieBreak::All);
    let mut place = 0u64;
    let mut previous: Option<Decimal> = None;
    for (index, standing) in ranked.iter_mut().enumerate() {
        let position = index as u64 + 1;
        if !shared || previous != Some(standing.score) {
            place = position;
        }
        previous = Some(standing.score);
        standing.place = place;
    }
    ranked
}

/// The prizes the standings win. Under `split`, members who share a place share the
/// points of the prizes of the places they hold together (each gets an equal part,
/// rounded down to the club's `precision`; what is left over is not given), and each gets
/// the badge and reward of the best of those places that has a prize.
pub fn prizes(board: &Leaderboard, standings: &[Standing], precision: u32) -> Vec<Placing> {
    let prize_at = |rank: u64| board.prizes.iter().find(|p| u64::from(p.rank) == rank);
    let mut placings = Vec::new();
    let mut index = 0;
    while index < standings.len() {
        let place = standings[index].place;
        let group: Vec<&Standing> = standings[index..]
            .iter()
            .take_while(|s| s.place == place)
            .collect();
        index += group.len();
        let held = place..place.saturating_add(group.len() as u64);
        let prize = if board.ties == TieBreak::Split {
            let mut given = held.clone().filter_map(prize_at);
            let Some(first) = given.next() else {
                continue;
            };
            let pool = given.fold(first.points, |sum, p| sum.saturating_add(p.points));
            let share = pool
                .checked_div(Decimal::from(group.len() as u64))
                .unwrap_or_default()
                .round_dp_with_strategy(precision, RoundingStrategy::ToZero);
            Prize {
                points: share,
                ..first.prize()
            }
        } else {
            let Some(prize) = prize_at(place) else {
                continue;
            };
            prize.prize()
        };
        for standing in group {
            placings.push(Placing {
                rank: place,
                member: standing.member.clone(),
                score: standing.score,
                prize: prize.clone(),
            });
        }
    }
    placings
}

/// Each member's entries in a draw from the window's rows: their sum, in whole entries,
/// at most `max`, members with none left out; in member id order.
pub fn draw_entries(rows: &[ScoreRow], max: Option<u32>) -> Vec<(String, u64)> {
    let mut by_member: BTreeMap<&str, Decimal> = BTreeMap::new();
    for row in rows {
        let sum = by_member.entry(row.member.as_str()).or_default();
        *sum = sum.saturating_add(row.value);
    }
    let cap = Decimal::from(max.map_or(1_000_000_000_000u64, u64::from));
    by_member
        .into_iter()
        .filter_map(|(member, sum)| {
            let count = u64::try_from(sum.trunc().min(cap)).ok()?;
            (count > 0).then(|| (member.to_owned(), count))
        })
        .collect()
}

/// A draw's seed: the hex SHA-256 of a text anyone can write out from the ledger —
///
/// ```text
/// bashgah draw
/// club <club id>
/// draw <draw id>
/// window <the window's first day>
/// seed <the declared seed, or nothing>
/// <member id> <entries>      (one line per member with entries, in member id order)
/// ```
///
/// each line ending with a newline.
pub fn draw_seed(
    club: &str,
    draw: &str,
    window: &str,
    declared: Option<&str>,
    entries: &[(String, u64)],
) -> String {
    let mut text = format!(
        "bashgah draw\nclub {club}\ndraw {draw}\nwindow {window}\nseed {}\n",
        declared.unwrap_or_default()
    );
    for (member, count) in entries {
        text.push_str(&format!("{member} {count}\n"));
    }
    crate::hex::encode(&Sha256::digest(text.as_bytes()))
}

/// The winners, one per prize in order, drawn from `entries` by `seed`: for the k-th
/// prize (from 0), the first 16 bytes of SHA-256 of `<seed>:<k>`, read as a big-endian
/// number, modulo the entries still in the draw, pick the entry at that position when
/// the members still in are laid out in id order, each over as many positions as their
/// entries; the member drawn leaves the draw with all their entries (no one wins twice).
/// Fewer members than prizes: the last prizes are not given.
pub fn draw_winners(seed: &str, entries: &[(String, u64)], prizes: &[Prize]) -> Vec<Placing> {
    let mut left: Vec<(String, u64)> = entries.to_vec();
    let mut winners = Vec::new();
    for (k, prize) in prizes.iter().enumerate() {
        let total: u128 = left.iter().map(|(_, n)| u128::from(*n)).sum();
        if total == 0 {
            break;
        }
        let digest = Sha256::digest(format!("{seed}:{k}").as_bytes());
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        let mut position = u128::from_be_bytes(first) % total;
        let mut chosen = left.len() - 1;
        for (index, (_, count)) in left.iter().enumerate() {
            if position < u128::from(*count) {
                chosen = index;
                break;
            }
            position -= u128::from(*count);
        }
        let (member, count) = left.remove(chosen);
        winners.push(Placing {
            rank: k as u64 + 1,
            member,
            score: Decimal::from(count),
            prize: prize.clone(),
        });
    }
    winners
}
