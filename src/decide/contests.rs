//! Contests in the decision stage: what each event scores on the club's leaderboards and
//! earns in its draws (rows of the plan, so a member sees them), and, when the clock
//! passes a window's end, the window's result: the ranking or the draw, decided from the
//! rows the ledger holds for it ([`close`]), and each prize as an event of the winner's
//! own ([`Decider::give_prize`]), with its entry and reason.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

pub use super::contest_results::{ContestResult, PrizeRow};

use super::book::MemberBook;
use super::plan::Change;
use super::Decider;
use crate::engine::contests::{self, Placing, ScoreRow};
use crate::engine::{Award, EntryKind, LotTerms};
use crate::event::{Event, EventType};
use crate::policy::contests::ContestWindow;
use crate::policy::Policy;

/// A contest of the club: a leaderboard or a draw, with its compiled window.
#[derive(Debug, Clone, Copy)]
pub enum Contest<'p> {
    Leaderboard(
        &'p crate::club::Leaderboard,
        &'p crate::policy::contests::CompiledContest,
    ),
    Draw(
        &'p crate::club::Draw,
        &'p crate::policy::contests::CompiledContest,
    ),
}

impl<'p> Contest<'p> {
    /// Every contest of the policy: leaderboards, then draws.
    pub fn all(policy: &'p Policy) -> Vec<Contest<'p>> {
        let Some(settings) = &policy.club.contests else {
            return Vec::new();
        };
        let boards = settings
            .leaderboards
            .iter()
            .zip(&policy.contests.leaderboards)
            .map(|(b, c)| Contest::Leaderboard(b, c));
        let draws = settings
            .draws
            .iter()
            .zip(&policy.contests.draws)
            .map(|(d, c)| Contest::Draw(d, c));
        boards.chain(draws).collect()
    }

    /// The contest with id `id`.
    pub fn find(policy: &'p Policy, id: &str) -> Option<Contest<'p>> {
        Contest::all(policy).into_iter().find(|c| c.id() == id)
    }

    pub fn id(&self) -> &'p str {
        match self {
            Contest::Leaderboard(b, _) => &b.id,
            Contest::Draw(d, _) => &d.id,
        }
    }

    /// The name members see: `name`, else the id.
    pub fn name(&self) -> &'p str {
        match self {
            Contest::Leaderboard(b, _) => b.name.as_deref().unwrap_or(&b.id),
            Contest::Draw(d, _) => d.name.as_deref().unwrap_or(&d.id),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Contest::Leaderboard(..) => "leaderboard",
            Contest::Draw(..) => "draw",
        }
    }

    pub fn compiled(&self) -> &'p crate::policy::contests::CompiledContest {
        match self {
            Contest::Leaderboard(_, c) | Contest::Draw(_, c) => c,
        }
    }

    /// The window holding `at`, if the contest runs then.
    pub fn window_at(&self, policy: &Policy, at: DateTime<Utc>) -> Option<ContestWindow> {
        self.compiled()
            .window_at(policy.club.calendar, policy.zone, at)
    }

    /// The window keyed `key` (its first day).
    pub fn window(&self, policy: &Policy, key: &str) -> Option<ContestWindow> {
        self.compiled()
            .window_keyed(policy.club.calendar, policy.zone, key)
    }
}

/// A window's result from the rows the ledger holds for it: the ranking and its prizes,
/// or the draw's entries, seed and winners. Pure: `bashgah contest verify` calls it again
/// on the same rows and compares.
pub fn close(
    policy: &Policy,
    contest: Contest<'_>,
    window: &ContestWindow,
    rows: &[ScoreRow],
) -> (ContestResult, Vec<Placing>) {
    let (placings, seed, participants, entries) = match contest {
        Contest::Leaderboard(board, _) => {
            let standings = contests::standings(board, rows);
            let placings = contests::prizes(board, &standings, policy.club.points.precision);
            (placings, None, standings.len() as u64, 0)
        }
        Contest::Draw(draw, _) => {
            let entries = contests::draw_entries(rows, draw.max_entries);
            let seed = contests::draw_seed(
                &policy.club.id,
                &draw.id,
                &window.key,
                draw.seed.as_deref(),
                &entries,
            );
            let winners = contests::draw_winners(&seed, &entries, &draw.prizes);
            let total = entries
                .iter()
                .fold(0u64, |sum, (_, n)| sum.saturating_add(*n));
            (winners, Some(seed), entries.len() as u64, total)
        }
    };
    let result = ContestResult {
        contest: contest.id().to_owned(),
        window: window.key.clone(),
        kind: contest.kind(),
        decided_at: window.decided_at,
        seed,
        participants,
        entries,
        policy_version: policy.id.clone(),
        prizes: placings
            .iter()
            .map(|p| PrizeRow {
                rank: p.rank,
                member: p.member.clone(),
                score: p.score,
                points: p.prize.points,
                badge: p.prize.badge.clone(),
                reward: p.prize.reward.clone(),
                event: (!p.prize.points.is_zero()).then(|| prize_event(contest.id(), window, p)),
            })
            .collect(),
    };
    (result, placings)
}

/// How the id of a prize's event begins (see [`prize_event`]).
pub const PRIZE_PREFIX: &str = "contest:";

/// The id of the event that gives a prize's points: `contest:<contest>:<window>:<member>`.
fn prize_event(contest: &str, window: &ContestWindow, placing: &Placing) -> String {
    format!("{PRIZE_PREFIX}{contest}:{}:{}", window.key, placing.member)
}

impl Decider<'_> {
    /// In a club with contests, an event's id may not begin with `contest:`: those ids
    /// are the prizes' events, and a row holding one would stop the window's prizes
    /// from being written (and the clock from passing the window's end).
    pub(super) fn check_prize_id(&self, event: &Event) -> Result<(), super::Failure> {
        if self.policy.club.contests.is_none() || !event.id.starts_with(PRIZE_PREFIX) {
            return Ok(());
        }
        Err(super::Failure::Rejected(crate::engine::EvalError::input(
            "id",
            crate::tr!("rows-contest-id-reserved", id = &event.id),
        )))
    }
}

impl<'a> Decider<'a> {
    /// The rows `event` adds to the contests running at its time, for a member who takes
    /// part; `points` is what the event's own entries came to. A failing metric, entry or
    /// eligibility function scores nothing and is reported, as a failing greeting rule is.
    pub(super) fn score_contests(&mut self, book: &MemberBook, event: &Event, points: Decimal) {
        let policy = self.policy;
        if policy.club.contests.is_none() || !event.kind.importable() {
            return;
        }
        for contest in Contest::all(policy) {
            let Some(window) = contest.window_at(policy, event.time) else {
                continue;
            };
            // A window already decided keeps its result: a late event scores nothing in
            // it (and the draw stays verifiable from the rows it was drawn from).
            match self.facts.contest_decided(contest.id(), &window.key) {
                Ok(false) => {}
                Ok(true) => continue,
                Err(error) => {
                    self.plan.warnings.push(format!(
                        "contest `{}` on event `{}`: {error}",
                        contest.id(),
                        event.id
                    ));
                    continue;
                }
            }
            let compiled = contest.compiled();
            let (segment, value) = match contest {
                Contest::Leaderboard(board, _) => (
                    board.eligible.as_ref(),
                    contests::score(policy, board, compiled.function, event, &book.state, points),
                ),
                Contest::Draw(draw, _) => (
                    draw.eligible.as_ref(),
                    contests::entries(policy, draw, compiled.function, event, &book.state),
                ),
            };
            let value = value.and_then(|value| match value {
                Some(value) => contests::eligible(policy, segment, compiled.eligible, &book.state)
                    .map(|takes_part| Some(value).filter(|_| takes_part)),
                None => Ok(None),
            });
            match value {
                Ok(Some(value)) => self.plan.changes.push(Change::ContestScore {
                    contest: contest.id().to_owned(),
                    window: window.key,
                    member: book.id().to_owned(),
                    event: event.id.clone(),
                    value,
                    at: event.time,
                }),
                Ok(None) => {}
                Err(message) => self.plan.warnings.push(format!(
                    "contest `{}` on event `{}`: {message}",
                    contest.id(),
                    event.id
                )),
            }
        }
    }

    /// Gives `placing`'s prize to the member of `book`: its points as an event of theirs
    /// at the window's decision time, with the place and score as the reason, and its
    /// badge. Nothing is posted for a prize of no points (a badge or a reward only).
    pub fn give_prize(
        &mut self,
        book: &mut MemberBook,
        contest: Contest<'_>,
        window: &ContestWindow,
        placing: &Placing,
    ) {
        let policy = self.policy;
        let at = window.decided_at;
        self.catch_up(book, at);
        let lang = policy.club.language.unwrap_or_default();
        let figure = |text: &str| crate::locale::numerals_in(lang, text);
        let (place, score) = (
            figure(&placing.rank.to_string()),
            figure(&placing.score.normalize().to_string()),
        );
        let key = figure(&window.key);
        let what = match contest {
            Contest::Leaderboard(..) => crate::tr_in!(
                lang,
                "reason-contest-place",
                place = place,
                name = contest.name(),
                window = key.as_str(),
                score = score
            ),
            Contest::Draw(..) => crate::tr_in!(
                lang,
                "reason-contest-draw",
                place = place,
                name = contest.name(),
                window = key.as_str(),
                entries = score
            ),
        };
        if !placing.prize.points.is_zero() {
            let attributes = BTreeMap::from([
                ("contest".to_owned(), contest.id().to_owned()),
                ("window".to_owned(), window.key.clone()),
                ("rank".to_owned(), placing.rank.to_string()),
            ]);
            let event = Event::manual(
                &prize_event(contest.id(), window, placing),
                book.id(),
                EventType::Prize,
                Decimal::ZERO,
                at,
                attributes,
            );
            let award = Award {
                rule: format!("contest:{}", contest.id()),
                points: placing.prize.points,
                reason: what.clone(),
                policy_version: policy.id.clone(),
                kind: EntryKind::Earn,
                lot: Some(LotTerms {
                    pending_until: at,
                    expires_at: crate::engine::lot_terms(policy, None, at).expires_at,
                }),
            };
            if book.has_event_id(&event.id) {
                return;
            }
            match self.post_event(book, &event, &[award]) {
                Ok(points) => {
                    self.plan.tally.prize_points =
                        self.plan.tally.prize_points.saturating_add(points);
                }
                Err(error) => {
                    self.plan.warnings.push(format!("{what}: {error}"));
                    return;
                }
            }
        }
        self.plan.tally.prizes += 1;
        if let Some(badge) = placing
            .prize
            .badge
            .as_ref()
            .filter(|badge| book.badges.insert((*badge).clone()))
        {
            self.plan.changes.push(Change::Badge {
                member: book.id().to_owned(),
                badge: badge.clone(),
                at,
                source: format!("contest {}: {what}", contest.id()),
            });
        }
    }

    /// Records a window's result (after its prizes).
    pub fn record_result(&mut self, result: ContestResult) {
        self.plan.tally.contest_windows += 1;
        self.plan
            .changes
            .push(Change::ContestResult(Box::new(result)));
    }
}
