//! Contests read back for people and programs: each leaderboard's standings and each
//! draw's entries in a window, the results recorded (with a draw's seed), a member's own
//! places, entries and prizes — what `bashgah contest`, `member`, `report` and the HTTP
//! API show — and a recorded result decided again from the ledger's rows to show that it
//! matches (`bashgah contest CLUB ID --verify`).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::decide::contests::{close, Contest, ContestResult, PrizeRow};
use crate::engine::contests::{draw_entries, standings};
use crate::ledger::{Ledger, LedgerError};
use crate::policy::contests::ContestWindow;
use crate::policy::Policy;

type Result<T> = std::result::Result<T, LedgerError>;

/// A contest: what it is, how its current (or chosen) window stands, and its results.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ContestView {
    pub id: String,
    pub name: String,
    /// `leaderboard` or `draw`.
    pub kind: String,
    /// A leaderboard's metric: `spend`, `visits`, `points` or `function`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// The window shown: the one holding the time asked for, else the contest's fixed
    /// window; none for a repeating contest between windows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowView>,
    /// Members in the window, best first: a leaderboard's places, or a draw's entries
    /// (counted up to `max_entries`), in member id order.
    pub standings: Vec<StandingView>,
    /// Results recorded, latest window first.
    pub results: Vec<ResultView>,
}

/// A window, by its first day (its key), with its days in the club's calendar.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WindowView {
    pub key: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The last day, in the club's calendar.
    pub last_day_local: String,
    /// When prizes are given or the draw is held.
    pub decided_at: DateTime<Utc>,
    /// Whether its result is recorded.
    pub decided: bool,
}

/// A member in a window: their place (a draw: none) and score or entries.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StandingView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<u64>,
    pub member: String,
    pub score: Decimal,
}

/// A window's recorded result.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ResultView {
    pub window: String,
    pub decided_at: DateTime<Utc>,
    pub decided_local: String,
    /// A draw's seed: hex SHA-256 of the draw's entries (docs/REFERENCE.md, "Contests and
    /// draws"), from which the winners were drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    pub participants: u64,
    /// A draw's entries in all.
    pub entries: u64,
    pub prizes: Vec<PrizeView>,
}

/// A prize given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PrizeView {
    /// The place, or the order the draw's winner was drawn in.
    pub rank: u64,
    pub member: String,
    /// The leaderboard score, or the draw entries.
    pub score: Decimal,
    pub points: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reward: Option<String>,
    /// The ledger event that added the prize's points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
}

/// A member's part in one contest window.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MemberContest {
    pub contest: String,
    pub name: String,
    pub kind: String,
    pub window: String,
    /// The member's score, or their entries (as earned, before `max_entries`).
    pub score: Decimal,
    /// A leaderboard: the member's place as the window stands (or stood when decided),
    /// and how many are ranked; none when below `min`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<u64>,
    pub ranked: u64,
    /// A draw: the entries that count (at most `max_entries`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<u64>,
    pub decided: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prize: Option<PrizeView>,
}

fn prize_view(prize: PrizeRow) -> PrizeView {
    PrizeView {
        rank: prize.rank,
        member: prize.member,
        score: prize.score,
        points: prize.points,
        badge: prize.badge,
        reward: prize.reward,
        event: prize.event,
    }
}

fn result_view(policy: &Policy, result: ContestResult) -> ResultView {
    ResultView {
        window: result.window,
        decided_at: result.decided_at,
        decided_local: policy.local_date(result.decided_at),
        seed: result.seed,
        participants: result.participants,
        entries: result.entries,
        prizes: result.prizes.into_iter().map(prize_view).collect(),
    }
}

/// Members in a window, best first (leaderboards) or by id (draws).
fn standings_in(
    ledger: &Ledger,
    contest: Contest<'_>,
    window: &ContestWindow,
) -> Result<Vec<StandingView>> {
    let rows = ledger.contest_rows(contest.id(), &window.key)?;
    Ok(match contest {
        Contest::Leaderboard(board, _) => standings(board, &rows)
            .into_iter()
            .map(|s| StandingView {
                place: Some(s.place),
                member: s.member,
                score: s.score,
            })
            .collect(),
        Contest::Draw(draw, _) => draw_entries(&rows, draw.max_entries)
            .into_iter()
            .map(|(member, entries)| StandingView {
                place: None,
                member,
                score: Decimal::from(entries),
            })
            .collect(),
    })
}

/// Every contest of the club, as at `at` (the window holding it; a fixed window always).
pub fn contests(ledger: &Ledger, policy: &Policy, at: DateTime<Utc>) -> Result<Vec<ContestView>> {
    Contest::all(policy)
        .into_iter()
        .map(|contest| contest_view(ledger, policy, contest, at, None))
        .collect()
}

/// One contest as at `at`, or in the window keyed `window`.
pub fn contest(
    ledger: &Ledger,
    policy: &Policy,
    id: &str,
    at: DateTime<Utc>,
    window: Option<&str>,
) -> Result<Option<ContestView>> {
    Contest::find(policy, id)
        .map(|contest| contest_view(ledger, policy, contest, at, window))
        .transpose()
}

fn contest_view(
    ledger: &Ledger,
    policy: &Policy,
    contest: Contest<'_>,
    at: DateTime<Utc>,
    key: Option<&str>,
) -> Result<ContestView> {
    let window = match key {
        Some(key) => contest.window(policy, key),
        None => contest
            .window_at(policy, at)
            .or_else(|| contest.compiled().fixed(policy.club.calendar, policy.zone)),
    };
    let (window_view, standings) = match &window {
        Some(window) => (
            Some(WindowView {
                key: window.key.clone(),
                start: window.start,
                end: window.end,
                last_day_local: policy.local_date(window.end - chrono::Duration::seconds(1)),
                decided_at: window.decided_at,
                decided: ledger.contest_decided(contest.id(), &window.key)?,
            }),
            standings_in(ledger, contest, window)?,
        ),
        None => (None, Vec::new()),
    };
    Ok(ContestView {
        id: contest.id().to_owned(),
        name: contest.name().to_owned(),
        kind: contest.kind().to_owned(),
        metric: match contest {
            Contest::Leaderboard(board, _) => Some(board.metric.as_str().to_owned()),
            Contest::Draw(..) => None,
        },
        window: window_view,
        standings,
        results: ledger
            .contest_results(Some(contest.id()))?
            .into_iter()
            .map(|r| result_view(policy, r))
            .collect(),
    })
}

/// The member's part in every contest window they scored in, latest first.
pub fn member(ledger: &Ledger, policy: &Policy, id: &str) -> Result<Vec<MemberContest>> {
    let prizes = ledger.member_prizes(id)?;
    let mut out = Vec::new();
    for score in ledger.member_contest_scores(id)? {
        let Some(contest) = Contest::find(policy, &score.contest) else {
            continue;
        };
        let decided = ledger.contest_decided(&score.contest, &score.window)?;
        let prize = prizes
            .iter()
            .find(|(c, w, _)| *c == score.contest && *w == score.window)
            .map(|(_, _, p)| prize_view(p.clone()));
        let rows = ledger.contest_rows(&score.contest, &score.window)?;
        let (place, ranked, entries) = match contest {
            Contest::Leaderboard(board, _) => {
                let standings = standings(board, &rows);
                let place = standings.iter().find(|s| s.member == id).map(|s| s.place);
                (place, standings.len() as u64, None)
            }
            Contest::Draw(draw, _) => {
                let counted = draw_entries(&rows, draw.max_entries)
                    .into_iter()
                    .find(|(m, _)| m == id)
                    .map_or(0, |(_, n)| n);
                (None, 0, Some(counted))
            }
        };
        out.push(MemberContest {
            contest: score.contest,
            name: contest.name().to_owned(),
            kind: contest.kind().to_owned(),
            window: score.window,
            score: score.value,
            place,
            ranked,
            entries,
            decided,
            prize,
        });
    }
    Ok(out)
}

/// A recorded result decided again from the rows the ledger holds for its window.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Verification {
    pub contest: String,
    pub window: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_seed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    pub recorded: Vec<PrizeView>,
    pub decided: Vec<PrizeView>,
    pub matches: bool,
}

/// Every recorded result of contest `id` (or its window `window`), decided again.
/// `None` if the club has no such contest.
pub fn verify(
    ledger: &Ledger,
    policy: &Policy,
    id: &str,
    window: Option<&str>,
) -> Result<Option<Vec<Verification>>> {
    let Some(contest) = Contest::find(policy, id) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for recorded in ledger.contest_results(Some(id))? {
        if window.is_some_and(|w| w != recorded.window) {
            continue;
        }
        let Some(span) = contest.window(policy, &recorded.window) else {
            continue;
        };
        let rows = ledger.contest_rows(id, &recorded.window)?;
        let (decided, _) = close(policy, contest, &span, &rows);
        let sorted = |prizes: Vec<PrizeRow>| {
            let mut views: Vec<PrizeView> = prizes.into_iter().map(prize_view).collect();
            views.sort_by(|a, b| (a.rank, &a.member).cmp(&(b.rank, &b.member)));
            views
        };
        let (recorded_prizes, decided_prizes) = (sorted(recorded.prizes), sorted(decided.prizes));
        out.push(Verification {
            contest: id.to_owned(),
            window: recorded.window,
            matches: recorded.seed == decided.seed && recorded_prizes == decided_prizes,
            recorded_seed: recorded.seed,
            seed: decided.seed,
            recorded: recorded_prizes,
            decided: decided_prizes,
        });
    }
    Ok(Some(out))
}
