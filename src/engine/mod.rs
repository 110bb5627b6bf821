//! Evaluation: one event, one member state, one policy in; an [`Outcome`] out. Also the
//! pure parts of tiers, deals and campaigns that the decision stage ([`crate::decide`])
//! builds on.
//!
//! Nothing here reads files, the clock or the database. That is what lets a live import,
//! a dry run and a policy test share this code and get the same answer.

pub mod benefits;
pub mod campaigns;
pub mod contests;
pub mod deals;
mod evaluate;
mod lifecycle;
mod outcome;
mod standing;
pub mod tiers;

pub use evaluate::{
    evaluate, evaluate_traced, input_field, reverse_original, EvalError, EvaluationInput,
    OriginalRecord,
};
pub use lifecycle::{expiry_policy, lot_terms, start_of_day};
pub use outcome::{Award, EntryKind, LotTerms, Outcome, RuleStatus, RuleTrace};
pub use standing::Standing;
