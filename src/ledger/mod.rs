//! The ledger: one SQLite file per club, the only place bashgah writes.
//!
//! Entries are append-only (triggers refuse UPDATE and DELETE on them); a member's
//! balance is the sum of their entries, also cached on the member row and updated in the
//! same transaction. Every entry names its event, rule and policy version, and every
//! policy version is stored with the text of its files, so any point can be explained.

mod campaigns;
mod deals;
mod expiry;
mod hooks;
mod lots;
mod manual;
mod migrations;
mod outbox;
mod rewards;
mod statement;
mod store;
mod tiers;

pub use campaigns::{budget_points, CampaignCost, ChallengeProgress};
pub use deals::Checkpoint;
pub use expiry::{AdvanceReport, Notice};
pub use lots::{Balances, Lot, LotTotals, Take, UseKind};
pub use manual::{Applied, ManualError};
pub use outbox::{MessageCount, OutboxMessage};
pub use rewards::Redemption;
pub use statement::{MemberSummary, StatementLine};
pub use store::{EventLookup, Ledger, LedgerError};
pub use tiers::{metric_unit, TierChange};
