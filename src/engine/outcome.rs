//! What evaluating one event produced: the awards to write, and a trace of every rule.

use rust_decimal::Decimal;
use serde::Serialize;

/// Points to add (or, if negative, take) for one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Award {
    pub rule: String,
    pub points: Decimal,
    pub reason: String,
    /// The policy version that produced the points. For a return it is the version that
    /// awarded the points being reversed.
    pub policy_version: String,
}

/// What one rule did with one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleTrace {
    pub rule: String,
    pub function: String,
    pub file: String,
    pub line: usize,
    /// False when the rule does not run for this event type or is disabled.
    pub ran: bool,
    /// The points before rounding, as the script returned them.
    pub raw_points: Option<Decimal>,
    pub points: Decimal,
    pub note: String,
}

/// The effects of an event, ready for the ledger to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub policy_version: String,
    pub awards: Vec<Award>,
    pub trace: Vec<RuleTrace>,
}

impl Outcome {
    pub fn total_points(&self) -> Decimal {
        self.awards.iter().map(|a| a.points).sum()
    }
}
