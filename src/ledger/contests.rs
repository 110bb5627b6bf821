//! Contests as the ledger holds them: what each event scored or earned per contest and
//! window, each window's result (with a draw's seed) and the prizes it gave. The ranking
//! and the draw are decided from these rows in [`crate::decide::contests`].

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::db::args;
use super::store::{decimal, Ledger, LedgerError};
use crate::decide::contests::{ContestResult, PrizeRow};
use crate::engine::contests::ScoreRow;
use crate::time::from_stored;

type Result<T> = std::result::Result<T, LedgerError>;

fn instant(text: &str) -> Result<DateTime<Utc>> {
    from_stored(text)
        .ok_or_else(|| LedgerError::corrupt(format!("`{text}` in the ledger is not a time")))
}

fn count(value: i64) -> Result<u64> {
    u64::try_from(value)
        .map_err(|_| LedgerError::corrupt(format!("`{value}` in the ledger is not a count")))
}

/// A member's score (or entries) in one window of a contest, as recorded so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberScore {
    pub contest: String,
    pub window: String,
    pub value: Decimal,
    pub events: u64,
}

impl Ledger {
    /// What each event scored (or earned) in `contest`'s window `window`.
    pub fn contest_rows(&self, contest: &str, window: &str) -> Result<Vec<ScoreRow>> {
        self.db().query(
            "SELECT member, event, value, time FROM contest_scores WHERE contest = ?1 AND window_key = ?2 ORDER BY time, event, member",
            args![contest, window],
            |r| {
                Ok(ScoreRow {
                    member: r.get(0)?,
                    event: r.get(1)?,
                    value: decimal(&r.get::<String>(2)?)?,
                    at: instant(&r.get::<String>(3)?)?,
                })
            },
        )
    }

    /// The windows of `contest` that have rows and no result yet, oldest first.
    pub fn contest_windows_open(&self, contest: &str) -> Result<Vec<String>> {
        self.db().query(
            "SELECT DISTINCT s.window_key FROM contest_scores s WHERE s.contest = ?1
               AND NOT EXISTS (SELECT 1 FROM contest_results r WHERE r.contest = s.contest AND r.window_key = s.window_key)
             ORDER BY s.window_key",
            args![contest],
            |r| r.get(0),
        )
    }

    /// Whether `contest`'s window `window` has its result.
    pub fn contest_decided(&self, contest: &str, window: &str) -> Result<bool> {
        Ok(self
            .db()
            .query_opt(
                "SELECT 1 FROM contest_results WHERE contest = ?1 AND window_key = ?2",
                args![contest, window],
                |_| Ok(()),
            )?
            .is_some())
    }

    /// The results recorded, of `contest` or of every contest, latest window first.
    pub fn contest_results(&self, contest: Option<&str>) -> Result<Vec<ContestResult>> {
        let mut results = self.db().query(
            "SELECT contest, window_key, kind, decided_at, seed, participants, entries, policy_version FROM contest_results
             WHERE CAST(?1 AS TEXT) IS NULL OR contest = ?1 ORDER BY contest, window_key DESC",
            args![contest],
            |r| {
                let kind: String = r.get(2)?;
                Ok(ContestResult {
                    contest: r.get(0)?,
                    window: r.get(1)?,
                    kind: if kind == "draw" { "draw" } else { "leaderboard" },
                    decided_at: instant(&r.get::<String>(3)?)?,
                    seed: r.get(4)?,
                    participants: count(r.get(5)?)?,
                    entries: count(r.get(6)?)?,
                    policy_version: r.get(7)?,
                    prizes: Vec::new(),
                })
            },
        )?;
        for result in &mut results {
            result.prizes = self.db().query(
                "SELECT rank, member, score, points, badge, reward, event FROM contest_prizes
                 WHERE contest = ?1 AND window_key = ?2 ORDER BY rank, member",
                args![result.contest, result.window],
                |r| {
                    Ok(PrizeRow {
                        rank: count(r.get(0)?)?,
                        member: r.get(1)?,
                        score: decimal(&r.get::<String>(2)?)?,
                        points: decimal(&r.get::<String>(3)?)?,
                        badge: r.get(4)?,
                        reward: r.get(5)?,
                        event: r.get(6)?,
                    })
                },
            )?;
        }
        Ok(results)
    }

    /// The member's score (or entries) in every contest window they scored in, latest
    /// window first.
    pub fn member_contest_scores(&self, member: &str) -> Result<Vec<MemberScore>> {
        let rows = self.db().query(
            "SELECT contest, window_key, value FROM contest_scores WHERE member = ?1 ORDER BY window_key DESC, contest, time, event",
            args![member],
            |r| {
                Ok((
                    r.get::<String>(0)?,
                    r.get::<String>(1)?,
                    decimal(&r.get::<String>(2)?)?,
                ))
            },
        )?;
        let mut scores: Vec<MemberScore> = Vec::new();
        for (contest, window, value) in rows {
            match scores
                .iter_mut()
                .find(|s| s.contest == contest && s.window == window)
            {
                Some(score) => {
                    score.value = score.value.saturating_add(value);
                    score.events = score.events.saturating_add(1);
                }
                None => scores.push(MemberScore {
                    contest,
                    window,
                    value,
                    events: 1,
                }),
            }
        }
        Ok(scores)
    }

    /// The prizes the member won: (contest, window, prize), latest window first.
    pub fn member_prizes(&self, member: &str) -> Result<Vec<(String, String, PrizeRow)>> {
        self.db().query(
            "SELECT contest, window_key, rank, member, score, points, badge, reward, event FROM contest_prizes
             WHERE member = ?1 ORDER BY window_key DESC, contest",
            args![member],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    PrizeRow {
                        rank: count(r.get(2)?)?,
                        member: r.get(3)?,
                        score: decimal(&r.get::<String>(4)?)?,
                        points: decimal(&r.get::<String>(5)?)?,
                        badge: r.get(6)?,
                        reward: r.get(7)?,
                        event: r.get(8)?,
                    },
                ))
            },
        )
    }
}
