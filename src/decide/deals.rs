//! Deals over time: enrolments, checkpoints with their results, completion bonuses and
//! claw-backs. A checkpoint that gives or takes points is an event of its own
//! (`deal:<member>:<deal>:<period>`) with its entry.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::book::MemberBook;
use super::plan::{Change, CheckpointRow};
use super::Decider;
use crate::engine::deals::{self, PeriodFacts};
use crate::engine::{Award, EntryKind};
use crate::event::{Event, EventType};
use crate::member::{DealState, DealStatus};

use crate::messaging::{Occasion, Value};

impl Decider<'_> {
    /// Enrols the member in deal number `index` at `at` (the enrolment event is `event`).
    pub(super) fn join_deal(
        &mut self,
        book: &mut MemberBook,
        index: usize,
        event: &str,
        at: DateTime<Utc>,
    ) {
        let policy = self.policy;
        let deal = &policy.club.deals[index];
        let starts = deals::first_start(policy, deal, at);
        let status = DealStatus {
            enrollment: self.ids.enrollment(),
            deal: deal.id.clone(),
            state: DealState::Active,
            enrolled_at: at,
            starts_at: starts,
            periods: deals::period_count(policy, deal, starts),
            kept: 0,
            missed: 0,
            next_checkpoint: deals::period_end(policy, deal, starts),
            ended_at: None,
            tier_until: None,
        };
        self.plan.changes.push(Change::DealJoined {
            member: book.id().to_owned(),
            event: event.to_owned(),
            status: status.clone(),
        });
        // At its size, not the four statuses a first push makes room for: a member's book
        // keeps its deals while it is held and while it is kept compact, and most members
        // join one or two (three empty statuses were a fifth of a compact realistic book,
        // 38 MB at a million purchases by 100,000 members, issue 14).
        book.state.deals.reserve_exact(1);
        book.state.deals.push(status);
    }

    /// Runs the member's deal checkpoints due up to `to`. A failing target counts the
    /// period as missed, and says why.
    pub(super) fn deal_checkpoints(&mut self, book: &mut MemberBook, to: DateTime<Utc>) {
        for position in 0..book.state.deals.len() {
            loop {
                // Looked at in place: most members' deals have nothing due at most events,
                // and a copy of the status (its deal's id) was an allocation each time.
                let status = &book.state.deals[position];
                if status.state == DealState::Completed {
                    if status.tier_until.is_some_and(|until| until <= to) {
                        // The tier a completed deal gave has run out.
                        let mut ended = status.clone();
                        self.touch(book);
                        ended.tier_until = None;
                        self.plan.changes.push(Change::DealUpdated(ended.clone()));
                        book.state.deals[position] = ended;
                    }
                    break;
                }
                if status.state != DealState::Active || status.next_checkpoint > to {
                    break;
                }
                let Some(index) = self
                    .policy
                    .club
                    .deals
                    .iter()
                    .position(|d| d.id == status.deal)
                else {
                    break;
                };
                self.touch(book);
                self.checkpoint(book, index, position);
            }
        }
    }

    /// Closes the period the member's deal number `position` is measuring.
    fn checkpoint(&mut self, book: &mut MemberBook, index: usize, position: usize) {
        let policy = self.policy;
        let status = book.state.deals[position].clone();
        let deal = &policy.club.deals[index];
        let end = status.next_checkpoint;
        let period = status.kept + status.missed + 1;
        // The start of this period is the end of the previous one.
        let mut start = status.starts_at;
        for _ in 1..period {
            start = deals::period_end(policy, deal, start);
        }
        let standing = book.standing(Some(start), end);
        let facts = standing.map(|standing| PeriodFacts {
            index: period,
            start,
            end,
            standing,
            payments: book.count(EventType::Payment, start, end),
        });
        let met = facts
            .map_err(|e| e.to_string())
            .and_then(|facts| deals::target_met(policy, index, &book.state, &facts));
        let lang = policy.club.language.unwrap_or_default();
        let (kept, note) = match met {
            Ok(true) => (true, crate::tr_in!(lang, "note-target-met")),
            Ok(false) => (false, crate::tr_in!(lang, "note-target-missed")),
            Err(message) => {
                self.plan.warnings.push(crate::tr_in!(
                    lang,
                    "warn-deal",
                    deal = &deal.id,
                    member = book.id(),
                    message = &message
                ));
                (
                    false,
                    crate::tr_in!(lang, "note-target-failed", message = message),
                )
            }
        };
        self.plan.tally.deal_checkpoints += 1;
        if kept {
            self.plan.tally.deal_periods_kept += 1;
        } else {
            self.plan.tally.deal_periods_missed += 1;
        }
        self.plan.changes.push(Change::Checkpoint(CheckpointRow {
            enrollment: status.enrollment,
            period,
            starts: start,
            ends: end,
            kept,
            note,
        }));
        let mut next = status.clone();
        if kept {
            next.kept += 1;
        } else {
            next.missed += 1;
        }
        let mut bonus_given = Decimal::ZERO;
        if next.missed > deal.grace {
            next.state = DealState::Failed;
            next.ended_at = Some(end);
            self.plan.tally.deals_failed += 1;
            // The deal's benefits end now: what follows no longer gets them.
            book.state.deals[position] = next.clone();
            if deal.failure.claw_back {
                let given = book
                    .earned_by(&format!("deal:{}", deal.id), status.enrolled_at, end)
                    .unwrap_or_default();
                if given > Decimal::ZERO {
                    // What the entry took (with `when_spent: debt`, points already spent
                    // are owed rather than taken).
                    if let Some(taken) = self.deal_entry(
                        book,
                        index,
                        period,
                        end,
                        -given,
                        EntryKind::Reverse,
                        &crate::tr_in!(
                            self.policy.club.language.unwrap_or_default(),
                            "reason-deal-clawback"
                        ),
                    ) {
                        let tally = &mut self.plan.tally;
                        tally.deal_clawback_points =
                            tally.deal_clawback_points.saturating_add(-taken);
                    }
                }
            }
        } else if next.kept + next.missed >= next.periods {
            next.state = DealState::Completed;
            next.ended_at = Some(end);
            self.plan.tally.deals_completed += 1;
            if deal.completion.tier.is_some() {
                let day = end.with_timezone(&policy.zone).date_naive();
                let until = policy
                    .club
                    .calendar
                    .add_months(day, deal.completion.tier_months);
                next.tier_until = Some(crate::engine::start_of_day(policy, until));
            }
            book.state.deals[position] = next.clone();
            if let Some(bonus) = deal.completion.bonus.filter(|b| *b > Decimal::ZERO) {
                // Counted only once written: a bonus too large to keep is a warning, not
                // points the report says were given (nor a panic when two add up).
                if let Some(given) = self.deal_entry(
                    book,
                    index,
                    period,
                    end,
                    bonus,
                    EntryKind::Earn,
                    &crate::tr_in!(
                        self.policy.club.language.unwrap_or_default(),
                        "reason-deal-completed"
                    ),
                ) {
                    let tally = &mut self.plan.tally;
                    tally.deal_bonus_points = tally.deal_bonus_points.saturating_add(given);
                    bonus_given = given;
                }
            }
        } else {
            next.next_checkpoint = deals::period_end(policy, deal, end);
        }
        self.plan.changes.push(Change::DealUpdated(next.clone()));
        book.state.deals[position] = next.clone();
        if next.state != DealState::Active {
            let (kind, event_type) = if next.state == DealState::Completed {
                ("deal_completed", EventType::DealCompleted)
            } else {
                ("deal_failed", EventType::DealFailed)
            };
            let key = format!("{kind}:{}:{}", book.id(), status.enrollment);
            let mut occasion = Occasion::new(kind, key, end).with(
                "deal",
                Value::Text(deal.name.clone().unwrap_or_else(|| deal.id.clone())),
            );
            if next.state == DealState::Completed && !bonus_given.is_zero() {
                // `{points}` in the message is the completion bonus (rules listening for
                // the occasion add their award to the statement, not to this number).
                occasion = occasion.with("points", Value::Number(bonus_given));
            }
            self.happen(book, event_type, occasion);
        }
    }

    /// A deal's bonus or claw-back: an event of its own with one entry. Returns the points
    /// the entry holds, or `None` if a sum would overflow (then the plan carries a warning).
    #[allow(clippy::too_many_arguments)]
    fn deal_entry(
        &mut self,
        book: &mut MemberBook,
        index: usize,
        period: u32,
        at: DateTime<Utc>,
        points: Decimal,
        kind: EntryKind,
        why: &str,
    ) -> Option<Decimal> {
        let policy = self.policy;
        let deal = &policy.club.deals[index];
        let id = book.fresh_id(format!("deal:{}:{}:{period}", book.id(), deal.id));
        let event = Event::manual(&id, book.id(), EventType::Deal, points, at, BTreeMap::new());
        let award = Award {
            rule: format!("deal:{}", deal.id),
            points,
            reason: crate::tr_in!(
                policy.club.language.unwrap_or_default(),
                "reason-deal",
                why = why,
                deal = &deal.id
            ),
            policy_version: policy.id.clone(),
            kind,
            lot: points
                .is_sign_positive()
                .then(|| crate::engine::lot_terms(policy, None, at)),
        };
        match self.post_event(book, &event, &[award]) {
            Ok(written) => Some(written),
            Err(_) => {
                let lang = policy.club.language.unwrap_or_default();
                self.plan.warnings.push(crate::tr_in!(
                    lang,
                    "warn-deal-not-written",
                    deal = &deal.id,
                    member = book.id(),
                    points = crate::locale::numerals_in(lang, &points.normalize().to_string()),
                    reason = crate::amount::Overflow.to_string()
                ));
                None
            }
        }
    }
}
