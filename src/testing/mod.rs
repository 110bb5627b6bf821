//! Policy tests: the cases in `policies/<club>/tests/*.yaml` that show a club does what its
//! owner meant. Each case runs in an in-memory ledger through the same import, clock and
//! spending code as live events.

mod case;
mod runner;

pub use case::{load_cases, Adjust, Case, Expectations, Given, GivenMember, Redeem, Step};
pub use runner::{run_club, run_policy_tests, CaseResult, ClubResults};
