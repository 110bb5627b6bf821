//! The import loop: for each row, skip what the ledger already has, evaluate the rest
//! against the member's state, and apply the outcome, committing in batches.
//!
//! Batches make a million-row import fast; because each batch is one transaction and a
//! re-run skips events already present, an import killed half-way and run again ends with
//! exactly the ledger an uninterrupted run would have written.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::event_row::event_from_row;
use super::report::{ImportReport, ProblemKind, RowProblem};
use super::rows::Row;
use crate::engine::{evaluate, EvaluationInput, Event, EventType, MemberState};
use crate::ledger::{EventLookup, Ledger, LedgerError};
use crate::policy::Policy;

#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Events per transaction.
    pub batch_size: usize,
    /// Evaluate and report, but write nothing.
    pub dry_run: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            batch_size: 20_000,
            dry_run: false,
        }
    }
}

/// Imports `rows` into `ledger` under `policy`. Row problems are counted in the report;
/// only a database failure stops the import (the current batch is rolled back).
pub fn import_events(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = Result<Row, RowProblem>> + Send,
    options: ImportOptions,
) -> Result<ImportReport, LedgerError> {
    // Reading, checking and fingerprinting rows needs no ledger, so a second thread does
    // it while this one evaluates and writes (the machines we run on have two cores or
    // more). Chunks keep the channel cheap; the bound keeps memory flat on huge files.
    std::thread::scope(|scope| {
        let (sender, receiver) =
            std::sync::mpsc::sync_channel::<Vec<PreparedRow>>(CHUNKS_IN_FLIGHT);
        scope.spawn(move || {
            let mut chunk = Vec::with_capacity(CHUNK);
            for row in rows {
                let prepared = row.and_then(|row| {
                    let event = event_from_row(&row, policy)?;
                    let fingerprint = event.fingerprint();
                    Ok((row.line, event, fingerprint))
                });
                chunk.push(prepared);
                if chunk.len() == CHUNK
                    && sender
                        .send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))
                        .is_err()
                {
                    // The importer stopped (a ledger error): nothing more to read.
                    return;
                }
            }
            let _ = sender.send(chunk);
        });
        apply_rows(ledger, policy, receiver.into_iter().flatten(), options)
    })
}

/// Rows handed from the reading thread: (line, event, fingerprint) or the row's problem.
type PreparedRow = Result<(u64, Event, String), RowProblem>;
const CHUNK: usize = 256;
const CHUNKS_IN_FLIGHT: usize = 16;

fn apply_rows(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = PreparedRow>,
    options: ImportOptions,
) -> Result<ImportReport, LedgerError> {
    let mut report = ImportReport::default();
    ledger.begin()?;
    let result = (|| {
        ledger.record_policy(policy)?;
        let mut applier = EventApplier::new(ledger, policy);
        let mut in_batch = 0;
        for row in rows {
            match row {
                Err(problem) => report.push_problem(problem),
                Ok((line, event, fingerprint)) => {
                    let disposition = applier.apply(&event, fingerprint)?;
                    if let Disposition::Applied { points } = disposition {
                        in_batch += 1;
                        report.accepted += 1;
                        report.points_awarded += points;
                    }
                    record(&mut report, line, &event.id, disposition);
                    for failure in ledger.take_hook_failures() {
                        report.warnings.push(format!("{line}: {failure}"));
                    }
                }
            }
            if in_batch >= options.batch_size {
                applier.finish()?;
                finish_batch(ledger, options)?;
                ledger.begin()?;
                in_batch = 0;
            }
        }
        applier.finish()?;
        finish_batch(ledger, options)
    })();
    if result.is_err() {
        ledger.rollback()?;
    }
    result.map(|()| report)
}

/// Counts what happened to one imported row in the report.
fn record(report: &mut ImportReport, line: u64, id: &str, disposition: Disposition) {
    match disposition {
        Disposition::Applied { .. } => {}
        Disposition::Duplicate => report.duplicates += 1,
        Disposition::Conflict => report.push_problem(RowProblem {
            kind: ProblemKind::Conflict,
            line,
            column: Some("id".into()),
            message: format!("event `{id}` is already in the ledger with different content"),
            script: None,
        }),
        Disposition::Rejected(error) => report.push_problem(RowProblem {
            kind: ProblemKind::Rejected,
            line,
            column: error.column.map(str::to_owned),
            message: error.message.clone(),
            script: error
                .location
                .is_some()
                .then(|| Box::new(error.to_diagnostic())),
        }),
    }
}

/// What applying one event did.
#[derive(Debug, Clone, PartialEq)]
pub enum Disposition {
    /// Written, with the points its entries add up to.
    Applied { points: Decimal },
    /// Already in the ledger with the same content: nothing written.
    Duplicate,
    /// Already in the ledger with different content: nothing written.
    Conflict,
    /// Its evaluation failed (a script error, a tier function error): nothing written.
    Rejected(crate::engine::EvalError),
}

/// Applies events one by one inside the caller's transaction: the one path every live
/// event takes, whether it comes from a file (`import`), a policy test, or the HTTP API.
///
/// Members touched are held in memory and saved by [`EventApplier::finish`], which must
/// be called before the transaction commits; the ledger clock moves to the latest event
/// applied (never back).
pub struct EventApplier<'a> {
    ledger: &'a Ledger,
    policy: &'a Policy,
    members: BatchMembers,
    latest: Option<DateTime<Utc>>,
}

impl<'a> EventApplier<'a> {
    pub fn new(ledger: &'a Ledger, policy: &'a Policy) -> EventApplier<'a> {
        EventApplier {
            ledger,
            policy,
            members: BatchMembers::default(),
            latest: None,
        }
    }

    /// Evaluates `event` against its member's state and writes the outcome.
    pub fn apply(
        &mut self,
        event: &Event,
        fingerprint: String,
    ) -> Result<Disposition, LedgerError> {
        let disposition = apply_one(
            self.ledger,
            self.policy,
            event,
            fingerprint,
            &mut self.members,
        )?;
        if matches!(disposition, Disposition::Applied { .. }) {
            // Only applied events move the clock; a rejected event never happened.
            self.latest = self.latest.max(Some(event.time));
        }
        Ok(disposition)
    }

    /// The member's state after the events applied so far, if any of theirs were seen.
    pub fn member(&self, id: &str) -> Option<&MemberState> {
        self.members.members.get(id).map(|m| &m.state)
    }

    /// Saves the members touched and moves the clock. Call before committing.
    pub fn finish(&mut self) -> Result<(), LedgerError> {
        self.members.save(self.ledger)?;
        if let Some(latest) = self.latest.take() {
            self.ledger.set_clock(latest)?;
        }
        Ok(())
    }
}
/// Members touched in the current batch, held in memory and saved once at its end.
///
/// Only within one transaction: between batches another process may have written the
/// same ledger, so nothing is trusted across a commit.
#[derive(Default)]
struct BatchMembers {
    members: HashMap<String, BatchMember>,
}

struct BatchMember {
    /// The state after the batch's events so far.
    state: MemberState,
    /// Not yet in the ledger: created on first sight in this batch.
    is_new: bool,
    /// Some event of theirs was applied. A member whose only events were rejected is not
    /// created: a rejected row leaves no trace.
    changed: bool,
}

impl BatchMembers {
    /// The member, from this batch or the ledger, or new (with the club's first member
    /// type) if the ledger has never seen them.
    fn load(
        &mut self,
        ledger: &Ledger,
        policy: &Policy,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<&mut BatchMember, LedgerError> {
        if !self.members.contains_key(id) {
            let (state, is_new) = match ledger.member_state(id, at, false)? {
                Some(member) => (member, false),
                None => {
                    let default_type = policy
                        .club
                        .member_types
                        .first()
                        .map_or("individual", |t| t.id.as_str());
                    let joined = at.with_timezone(&policy.zone).date_naive();
                    (MemberState::new(id, default_type, joined), true)
                }
            };
            let loaded = BatchMember {
                state,
                is_new,
                changed: false,
            };
            self.members.insert(id.to_owned(), loaded);
        }
        self.members
            .get_mut(id)
            .ok_or_else(|| LedgerError::corrupt("a member just loaded is missing"))
    }

    fn save(&mut self, ledger: &Ledger) -> Result<(), LedgerError> {
        for member in self.members.values().filter(|m| m.changed) {
            ledger.save_member(&member.state, member.is_new)?;
        }
        self.members.clear();
        Ok(())
    }
}

fn finish_batch(ledger: &Ledger, options: ImportOptions) -> Result<(), LedgerError> {
    if options.dry_run {
        ledger.rollback()
    } else {
        ledger.commit()
    }
}

/// Handles one event: skips it if the ledger has it, else evaluates and writes it.
fn apply_one(
    ledger: &Ledger,
    policy: &Policy,
    event: &Event,
    fingerprint: String,
    members: &mut BatchMembers,
) -> Result<Disposition, LedgerError> {
    if let EventLookup::Present {
        fingerprint: stored,
    } = ledger.lookup_event(&event.id)?
    {
        return Ok(if stored == fingerprint {
            Disposition::Duplicate
        } else {
            Disposition::Conflict
        });
    }
    let cached = members.load(ledger, policy, &event.member, event.time)?;
    if !cached.is_new {
        // What fell due before this event (greetings, reviews, expiry) happens first.
        let mut due = crate::ledger::AdvanceReport::default();
        crate::clock::catch_up(ledger, policy, &mut cached.state, event.time, &mut due)?;
        cached.changed = true;
    }
    if policy.uses_member_stats {
        ledger.window_stats(&event.member, event.time, &mut cached.state.stats)?;
    }
    let original = match (&event.kind, &event.original) {
        (EventType::Return, Some(original)) => ledger.original_record(original)?,
        _ => None,
    };
    let reject = |error| Ok(Disposition::Rejected(error));
    let input = EvaluationInput {
        event,
        member: &cached.state,
        original: original.as_ref(),
    };
    let mut outcome = match evaluate(policy, input) {
        Ok(outcome) => outcome,
        Err(error) => return reject(error),
    };
    let upgrade = match tier_upgrade(ledger, policy, &cached.state, event, &outcome)? {
        Ok(upgrade) => upgrade,
        Err(error) => return reject(error),
    };
    if let Some((tier, _)) = &upgrade {
        if policy.club.tiering.upgrade_earns_at == crate::club::UpgradeEarns::New {
            // The purchase that lifts the member earns at the new tier's rate.
            let mut lifted = cached.state.clone();
            lifted.tier = Some(policy.club.tiers[*tier].id.clone());
            outcome = match evaluate(
                policy,
                EvaluationInput {
                    member: &lifted,
                    ..input
                },
            ) {
                Ok(outcome) => outcome,
                Err(error) => return reject(error),
            };
        }
    }
    if let Some((tier, reason)) = upgrade {
        ledger.change_tier(policy, &mut cached.state, Some(tier), event.time, &reason)?;
        // A tier reached in this review period holds through the next one.
        let next = crate::engine::tiers::next_review(policy, event.time);
        cached.state.tier_valid_until = Some(crate::engine::tiers::next_review(policy, next));
    }
    ledger.apply_budgets(policy, event, &mut outcome)?;
    ledger.apply_event(event, &fingerprint, &outcome, &mut cached.state)?;
    enroll(ledger, policy, event, &mut cached.state)?;
    ledger.progress_challenges(policy, event, &mut cached.state)?;
    if cached.is_new && !cached.changed {
        let occasion = crate::messaging::Occasion::new(
            "enrolled",
            format!("enrolled:{}", event.member),
            event.time,
        );
        ledger.happen(policy, &mut cached.state, EventType::Enrolled, occasion)?;
    }
    if event.kind == EventType::Custom {
        reply(ledger, policy, event)?;
    }
    cached.changed = true;
    for (to, award) in std::mem::take(&mut outcome.for_others) {
        give_to_other(ledger, policy, event, &to, award, members)?;
    }
    Ok(Disposition::Applied {
        points: outcome.total_points(),
    })
}

/// Points an event gives another member (a referrer's bonus): an event of that member's
/// own, `<event>:to:<member>`, so that their statement says where the points came from.
fn give_to_other(
    ledger: &Ledger,
    policy: &Policy,
    event: &Event,
    to: &str,
    award: crate::engine::Award,
    members: &mut BatchMembers,
) -> Result<(), LedgerError> {
    let target = members.load(ledger, policy, to, event.time)?;
    let attributes = std::collections::BTreeMap::from([
        ("from_event".to_owned(), event.id.clone()),
        ("from_member".to_owned(), event.member.clone()),
    ]);
    let gift = Event::manual(
        &format!("{}:to:{to}", event.id),
        to,
        EventType::Custom,
        Decimal::ZERO,
        event.time,
        attributes,
    );
    let outcome = crate::engine::Outcome {
        policy_version: policy.id.clone(),
        when_spent: policy.club.points.when_spent,
        awards: vec![award],
        for_others: Vec::new(),
        trace: Vec::new(),
    };
    ledger.apply_event(&gift, &gift.fingerprint(), &outcome, &mut target.state)?;
    target.changed = true;
    Ok(())
}

/// The tier `member` moves up to with this event, and why; `None` if no move up.
/// Joins the deal an `enroll` event names (evaluation checked it), and the automatic deals
/// a member's first purchase joins.
fn enroll(
    ledger: &Ledger,
    policy: &Policy,
    event: &Event,
    member: &mut MemberState,
) -> Result<(), LedgerError> {
    for (index, deal) in policy.club.deals.iter().enumerate() {
        let joins = match (event.kind, deal.enroll) {
            (EventType::Enroll, crate::club::Enrollment::Event) => {
                event.attributes.get("deal") == Some(&deal.id)
            }
            (EventType::Purchase, crate::club::Enrollment::Auto) => {
                !member.deals.iter().any(|d| d.deal == deal.id)
            }
            _ => false,
        };
        if joins {
            ledger.enroll(policy, member, index, &event.id, event.time)?;
        }
    }
    Ok(())
}

/// An inbound message from a member (`type: custom` with a `reply` attribute, e.g. from an
/// SMS gateway): an opt-out word withdraws consent for the channel it came on (attribute
/// `channel`, else every channel), an opt-in word gives it.
fn reply(ledger: &Ledger, policy: &Policy, event: &Event) -> Result<(), LedgerError> {
    let (Some(settings), Some(text)) = (&policy.club.messages, event.attributes.get("reply"))
    else {
        return Ok(());
    };
    let said = |words: &[String]| {
        words
            .iter()
            .any(|w| w.trim().eq_ignore_ascii_case(text.trim()))
    };
    let granted = if said(&settings.opt_out_words) {
        false
    } else if said(&settings.opt_in_words) {
        true
    } else {
        return Ok(());
    };
    let source = format!("reply `{}` ({})", text.trim(), event.id);
    for channel in &settings.channels {
        if event
            .attributes
            .get("channel")
            .is_none_or(|c| *c == channel.id)
        {
            ledger.set_consent(&event.member, &channel.id, granted, event.time, &source)?;
        }
    }
    Ok(())
}

/// A failing `tiering.function` fails this event only.
type Upgrade = Result<Option<(usize, String)>, crate::engine::EvalError>;

fn tier_upgrade(
    ledger: &Ledger,
    policy: &Policy,
    member: &MemberState,
    event: &Event,
    outcome: &crate::engine::Outcome,
) -> Result<Upgrade, LedgerError> {
    use crate::engine::tiers;
    if policy.club.tiers.is_empty() {
        return Ok(Ok(None));
    }
    let from = tiers::window_start(policy, member, event.time);
    // Everything up to and including this instant that is already in the ledger.
    let mut standing =
        ledger.standing(&member.id, from, event.time + chrono::Duration::seconds(1))?;
    standing.add(event, outcome);
    let value = match tiers::metric(policy, member, &standing) {
        Ok(value) => value,
        Err(message) => {
            return Ok(Err(crate::engine::EvalError {
                message: format!("tier metric: {message}"),
                location: None,
                source_line: None,
                column: None,
            }))
        }
    };
    let qualified = tiers::qualified(policy, &member.member_type, value);
    let current = tiers::tier_index(policy, member.tier.as_deref());
    let Some(tier) = qualified.filter(|_| qualified > current) else {
        return Ok(Ok(None));
    };
    let reason = format!(
        "{} {} over {} reaches {}",
        crate::amount::grouped(value),
        crate::ledger::metric_unit(policy),
        policy.club.tiering.window,
        policy.club.tiers[tier].id
    );
    Ok(Ok(Some((tier, reason))))
}
