//! The import loop: for each row, skip what the ledger already has, evaluate the rest
//! against the member's state, and apply the outcome, committing in batches.
//!
//! Batches make a million-row import fast; because each batch is one transaction and a
//! re-run skips events already present, an import killed half-way and run again ends with
//! exactly the ledger an uninterrupted run would have written.

use super::event_row::event_from_row;
use super::report::{ImportReport, ProblemKind, RowProblem};
use super::rows::Row;
use crate::engine::{evaluate, EvaluationInput, EventType, MemberState};
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
            batch_size: 5_000,
            dry_run: false,
        }
    }
}

/// Imports `rows` into `ledger` under `policy`. Row problems are counted in the report;
/// only a database failure stops the import (the current batch is rolled back).
pub fn import_events(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = Result<Row, RowProblem>>,
    options: ImportOptions,
) -> Result<ImportReport, LedgerError> {
    let mut report = ImportReport::default();
    ledger.begin()?;
    let result = (|| {
        ledger.record_policy(policy)?;
        let mut in_batch = 0;
        for row in rows {
            match row.and_then(|row| event_from_row(&row, policy).map(|e| (row.line, e))) {
                Err(problem) => report.push_problem(problem),
                Ok((line, event)) => {
                    if import_one(ledger, policy, line, &event, &mut report)? {
                        in_batch += 1;
                    }
                }
            }
            if in_batch >= options.batch_size {
                finish_batch(ledger, options)?;
                ledger.begin()?;
                in_batch = 0;
            }
        }
        finish_batch(ledger, options)
    })();
    if result.is_err() {
        ledger.rollback()?;
    }
    result.map(|()| report)
}

fn finish_batch(ledger: &Ledger, options: ImportOptions) -> Result<(), LedgerError> {
    if options.dry_run {
        ledger.rollback()
    } else {
        ledger.commit()
    }
}

/// Handles one event; returns whether anything was written.
fn import_one(
    ledger: &Ledger,
    policy: &Policy,
    line: u64,
    event: &crate::engine::Event,
    report: &mut ImportReport,
) -> Result<bool, LedgerError> {
    let fingerprint = event.fingerprint();
    if let EventLookup::Present {
        fingerprint: stored,
    } = ledger.lookup_event(&event.id)?
    {
        if stored == fingerprint {
            report.duplicates += 1;
        } else {
            report.push_problem(RowProblem {
                kind: ProblemKind::Conflict,
                line,
                column: Some("id".into()),
                message: format!(
                    "event `{}` is already in the ledger with different content",
                    event.id
                ),
                script: None,
            });
        }
        return Ok(false);
    }
    let (member, is_new) =
        match ledger.member_state(&event.member, event.time, policy.uses_member_stats)? {
            Some(member) => (member, false),
            None => {
                let default_type = policy
                    .club
                    .member_types
                    .first()
                    .map_or("individual", |t| t.id.as_str());
                let joined = event.time.with_timezone(&policy.zone).date_naive();
                (MemberState::new(&event.member, default_type, joined), true)
            }
        };
    let original = match (&event.kind, &event.original) {
        (EventType::Return, Some(original)) => ledger.original_record(original)?,
        _ => None,
    };
    let input = EvaluationInput {
        event,
        member: &member,
        original: original.as_ref(),
    };
    match evaluate(policy, input) {
        Ok(outcome) => {
            ledger.apply(event, &fingerprint, &member, is_new, &outcome)?;
            report.accepted += 1;
            report.points_awarded += outcome.total_points();
            Ok(true)
        }
        Err(error) => {
            report.push_problem(RowProblem {
                kind: ProblemKind::Rejected,
                line,
                column: error.column.map(str::to_owned),
                message: error.message.clone(),
                script: error
                    .location
                    .is_some()
                    .then(|| Box::new(error.to_diagnostic())),
            });
            Ok(false)
        }
    }
}
