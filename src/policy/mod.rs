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
pub mod native;
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

/// A club of one `club.yaml` and one `earn.rhai` in a scratch folder, loaded: for unit
/// tests that decide events under a small policy of their own.
#[cfg(test)]
pub(crate) fn scratch_club(club_yaml: &str, earn_rhai: &str) -> (tempfile::TempDir, Policy) {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let club = dir.path().join("shop");
    std::fs::create_dir(&club).expect("a club folder");
    std::fs::write(club.join("club.yaml"), club_yaml).expect("club.yaml");
    std::fs::write(club.join("earn.rhai"), earn_rhai).expect("earn.rhai");
    let engine = std::sync::Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    let policy = Policy::load(&club, &engine)
        .map_err(|problems| crate::diagnostic::render_all(&problems))
        .expect("the club loads")
        .0;
    (dir, policy)
}
