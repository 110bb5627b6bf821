//! A policy: one club's files, loaded, compiled and checked into an immutable snapshot
//! whose id is a hash of every file it was built from.
//!
//! Every ledger entry names the policy version that produced it, so the id must change
//! whenever any input changes and never otherwise: it hashes file names and contents only.

mod binding;
pub mod builtin_plugins;
mod calls;
pub mod contests;
pub mod descriptions;
mod load;
pub mod plugins;
mod properties;
mod rates;
mod script;
mod script_engine;
pub mod script_values;
mod snapshot;

pub use load::discover_clubs;
pub use script_engine::{
    error_help, error_message, parse_error_message, with_time_budget, ScriptEngine, ScriptLimits,
    BUDGET_SPENT,
};
pub use snapshot::{CompiledCampaign, CompiledRule, Policy, PolicyFile, Script};
