//! Evaluation: one event, one member state, one policy in; an [`Outcome`] out.
//!
//! Nothing here reads files, the clock or the database. That is what lets a live import,
//! a dry run and a policy test share this code and get the same answer.

pub mod campaigns;
pub mod deals;
mod evaluate;
mod event;
mod lifecycle;
mod member;
mod outcome;
pub mod script_values;
pub mod tiers;

pub use evaluate::{evaluate, evaluate_traced, EvalError, EvaluationInput, OriginalRecord};
pub use event::{Event, EventType, LineItem};
pub use lifecycle::{expiry_policy, lot_terms, start_of_day};
pub use member::{DealState, DealStatus, MemberState, MemberStats};
pub use outcome::{Award, EntryKind, LotTerms, Outcome, RuleStatus, RuleTrace};
