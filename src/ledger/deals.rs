//! Deals in the ledger: enrolments, checkpoints with their results, completion bonuses and
//! claw-backs. Each checkpoint is a row in `deal_checkpoints`; a checkpoint that gives or
//! takes points is also an event (`deal:<member>:<deal>:<period>`) with its entry.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;

use super::store::{Ledger, LedgerError};
use crate::engine::deals::{self, PeriodFacts};
use crate::engine::{
    Award, DealState, DealStatus, EntryKind, Event, EventType, MemberState, Outcome,
};
use crate::policy::Policy;
use crate::time::{from_stored, stored};

type Result<T> = std::result::Result<T, LedgerError>;

/// One checkpoint as the member view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub deal: String,
    pub period: u32,
    pub starts: String,
    pub ends: String,
    pub kept: bool,
    pub note: String,
}

fn instant(text: &str) -> Result<DateTime<Utc>> {
    from_stored(text)
        .ok_or_else(|| LedgerError::corrupt(format!("`{text}` in the ledger is not a time")))
}

impl Ledger {
    /// The member's deal enrolments, oldest first.
    pub fn deal_statuses(&self, member: &str) -> Result<Vec<DealStatus>> {
        let mut statement = self.connection().prepare_cached(
            "SELECT seq, deal, state, enrolled_at, starts_at, periods, kept, missed, next_checkpoint, ended_at, tier_until
             FROM deal_enrollments WHERE member = ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([member], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, u32>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, Option<String>>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                enrollment,
                deal,
                state,
                enrolled,
                starts,
                periods,
                kept,
                missed,
                next,
                ended,
                tier_until,
            ) = row?;
            out.push(DealStatus {
                enrollment,
                deal,
                state: match state.as_str() {
                    "active" => DealState::Active,
                    "completed" => DealState::Completed,
                    _ => DealState::Failed,
                },
                enrolled_at: instant(&enrolled)?,
                starts_at: instant(&starts)?,
                periods,
                kept,
                missed,
                next_checkpoint: instant(&next)?,
                ended_at: ended.as_deref().map(instant).transpose()?,
                tier_until: tier_until.as_deref().map(instant).transpose()?,
            });
        }
        Ok(out)
    }

    /// Enrols `member` in deal number `index` at `at` (the enrolment event is `event`).
    pub fn enroll(
        &self,
        policy: &Policy,
        member: &mut MemberState,
        index: usize,
        event: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let deal = &policy.club.deals[index];
        let starts = deals::first_start(policy, deal, at);
        let periods = deals::period_count(policy, deal, starts);
        let next = deals::period_end(policy, deal, starts);
        self.connection()
            .prepare_cached(
                "INSERT INTO deal_enrollments (member, deal, event, enrolled_at, starts_at, periods, next_checkpoint)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![member.id, deal.id, event, stored(at), stored(starts), periods, stored(next)])?;
        member.deals = self.deal_statuses(&member.id)?;
        Ok(())
    }

    /// Runs the member's deal checkpoints due up to `to`. Target failures are returned as
    /// messages (the period counts as missed).
    pub fn run_deal_checkpoints(
        &self,
        policy: &Policy,
        member: &mut MemberState,
        to: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let mut failures = Vec::new();
        for position in 0..member.deals.len() {
            loop {
                let status = member.deals[position].clone();
                if status.state == DealState::Completed {
                    if status.tier_until.is_some_and(|until| until <= to) {
                        // The tier a completed deal gave has run out.
                        self.connection()
                            .prepare_cached(
                                "UPDATE deal_enrollments SET tier_until = NULL WHERE seq = ?1",
                            )?
                            .execute([status.enrollment])?;
                        member.deals[position].tier_until = None;
                    }
                    break;
                }
                if status.state != DealState::Active || status.next_checkpoint > to {
                    break;
                }
                let Some(index) = policy.club.deals.iter().position(|d| d.id == status.deal) else {
                    break;
                };
                let (updated, failure) = self.checkpoint(policy, member, index, &status)?;
                failures.extend(failure);
                member.deals[position] = updated;
            }
        }
        Ok(failures)
    }

    fn checkpoint(
        &self,
        policy: &Policy,
        member: &mut MemberState,
        index: usize,
        status: &DealStatus,
    ) -> Result<(DealStatus, Option<String>)> {
        let deal = &policy.club.deals[index];
        let end = status.next_checkpoint;
        let period = status.kept + status.missed + 1;
        let start = if period == 1 {
            status.starts_at
        } else {
            // The start of this period is the end of the previous one.
            let mut at = status.starts_at;
            for _ in 1..period {
                at = deals::period_end(policy, deal, at);
            }
            at
        };
        let facts = PeriodFacts {
            index: period,
            start,
            end,
            standing: self.standing(&member.id, Some(start), end)?,
            payments: self.count_events(&member.id, "payment", start, end)?,
        };
        let (kept, note, failure) = match deals::target_met(policy, index, member, &facts) {
            Ok(true) => (true, "target met".to_owned(), None),
            Ok(false) => (false, "target missed".to_owned(), None),
            Err(message) => (
                false,
                format!("target failed: {message}"),
                Some(format!("deal `{}` of `{}`: {message}", deal.id, member.id)),
            ),
        };
        self.connection()
            .prepare_cached("INSERT INTO deal_checkpoints (enrollment, period, starts, ends, kept, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![status.enrollment, period, stored(start), stored(end), kept, note])?;
        let mut next = status.clone();
        if kept {
            next.kept += 1;
        } else {
            next.missed += 1;
        }
        if next.missed > deal.grace {
            next.state = DealState::Failed;
            next.ended_at = Some(end);
            if deal.failure.claw_back {
                let given = self.deal_points(&member.id, &deal.id, status.enrolled_at, end)?;
                if given > Decimal::ZERO {
                    self.deal_entry(
                        policy,
                        member,
                        index,
                        period,
                        end,
                        -given,
                        EntryKind::Reverse,
                        "claw-back: the deal was not kept",
                    )?;
                }
            }
        } else if next.kept + next.missed >= next.periods {
            next.state = DealState::Completed;
            next.ended_at = Some(end);
            if let Some(bonus) = deal.completion.bonus.filter(|b| *b > Decimal::ZERO) {
                self.deal_entry(
                    policy,
                    member,
                    index,
                    period,
                    end,
                    bonus,
                    EntryKind::Earn,
                    "deal completed",
                )?;
            }
            if deal.completion.tier.is_some() {
                let day = end.with_timezone(&policy.zone).date_naive();
                let until = policy
                    .club
                    .calendar
                    .add_months(day, deal.completion.tier_months);
                next.tier_until = Some(crate::engine::start_of_day(policy, until));
            }
        } else {
            next.next_checkpoint = deals::period_end(policy, deal, end);
        }
        if next.state != DealState::Active {
            let (kind, event_type) = if next.state == DealState::Completed {
                ("deal_completed", crate::engine::EventType::DealCompleted)
            } else {
                ("deal_failed", crate::engine::EventType::DealFailed)
            };
            let key = format!("{kind}:{}:{}", member.id, status.enrollment);
            let occasion = crate::messaging::Occasion::new(kind, key, end).with(
                "deal",
                crate::messaging::Value::Text(deal.name.clone().unwrap_or_else(|| deal.id.clone())),
            );
            self.happen(policy, member, event_type, occasion)?;
        }
        self.connection()
            .prepare_cached(
                "UPDATE deal_enrollments SET kept = ?2, missed = ?3, next_checkpoint = ?4, state = ?5, ended_at = ?6, tier_until = ?7
                 WHERE seq = ?1",
            )?
            .execute(params![
                next.enrollment,
                next.kept,
                next.missed,
                stored(next.next_checkpoint),
                next.state.as_str(),
                next.ended_at.map(stored),
                next.tier_until.map(stored),
            ])?;
        Ok((next, failure))
    }

    /// A deal's bonus or claw-back: an event of its own with one entry.
    #[allow(clippy::too_many_arguments)]
    fn deal_entry(
        &self,
        policy: &Policy,
        member: &mut MemberState,
        index: usize,
        period: u32,
        at: DateTime<Utc>,
        points: Decimal,
        kind: EntryKind,
        why: &str,
    ) -> Result<()> {
        let deal = &policy.club.deals[index];
        let id = format!("deal:{}:{}:{period}", member.id, deal.id);
        let event = Event::manual(
            &id,
            &member.id,
            EventType::Deal,
            points,
            at,
            BTreeMap::new(),
        );
        let lot = points
            .is_sign_positive()
            .then(|| crate::engine::lot_terms(policy, None, at));
        let outcome = Outcome {
            policy_version: policy.id.clone(),
            when_spent: policy.club.points.when_spent,
            awards: vec![Award {
                rule: format!("deal:{}", deal.id),
                points,
                reason: format!("{why} (`{}`)", deal.id),
                policy_version: policy.id.clone(),
                kind,
                lot,
            }],
            for_others: Vec::new(),
            trace: Vec::new(),
        };
        self.apply_event(&event, &event.fingerprint(), &outcome, member)
    }

    /// Points a deal gave a member since `from` (its multiplier's extra entries).
    fn deal_points(
        &self,
        member: &str,
        deal: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Decimal> {
        let mut statement = self.connection().prepare_cached(
            "SELECT l.points FROM events e JOIN ledger l ON l.event = e.id
             WHERE e.member = ?1 AND l.member = ?1 AND l.rule = ?2 AND l.kind = 'earn' AND l.time >= ?3 AND l.time < ?4",
        )?;
        let mut total = Decimal::ZERO;
        for row in statement.query_map(
            params![member, format!("deal:{deal}"), stored(from), stored(to)],
            |r| r.get::<_, String>(0),
        )? {
            total += row?
                .parse::<Decimal>()
                .map_err(|_| LedgerError::corrupt("ledger points are not a number"))?;
        }
        Ok(total)
    }

    fn count_events(
        &self,
        member: &str,
        kind: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(self
            .connection()
            .prepare_cached("SELECT COUNT(*) FROM events WHERE member = ?1 AND type = ?2 AND time >= ?3 AND time < ?4")?
            .query_row(params![member, kind, stored(from), stored(to)], |r| r.get(0))?)
    }

    /// The checkpoints of all the member's deals, oldest first.
    pub fn deal_checkpoints(&self, member: &str) -> Result<Vec<Checkpoint>> {
        let mut statement = self.connection().prepare_cached(
            "SELECT d.deal, c.period, c.starts, c.ends, c.kept, c.note FROM deal_checkpoints c
             JOIN deal_enrollments d ON d.seq = c.enrollment WHERE d.member = ?1 ORDER BY c.seq",
        )?;
        let rows = statement.query_map([member], |r| {
            Ok(Checkpoint {
                deal: r.get(0)?,
                period: r.get(1)?,
                starts: r.get(2)?,
                ends: r.get(3)?,
                kept: r.get(4)?,
                note: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
