//! What-if simulation: historical events replayed into a scratch ledger under a policy,
//! summed up (points issued by rule, spent, expired, outstanding and its cost, members per
//! tier, deals), and compared between two policies over the same events.
//!
//! The scratch ledger is a temporary file, not memory, so that a simulation of millions of
//! events runs in memory that does not grow with them; it goes through the same import and
//! clock code as live events.

mod compare;
mod html;
mod summary;

pub use compare::{compare, Comparison};
pub use html::{difference, render_html};
pub use summary::{
    scratch_ledger, simulate, simulate_events, simulate_until, MembersFile, Simulation,
};
