//! The ledger: one SQLite file per club (or one PostgreSQL schema per club, [`LedgerPlace`]),
//! the only place bashgah writes.
//!
//! The store only reads and writes: it loads a member's facts for the decision stage
//! ([`Ledger::load_book`]), answers the few club-wide questions decisions ask
//! ([`crate::decide::ClubFacts`]), records what was decided ([`Ledger::record`]), and
//! serves the reads of statements, member views and reports. Entries are append-only
//! (triggers refuse UPDATE and DELETE on them); a member's balance is the sum of their
//! entries, also kept on the member row. Every entry names its event, rule and policy
//! version, and every policy version is stored with the text of its files, so any point
//! can be explained.

mod bulk;
mod campaigns;
mod contests;
pub(crate) mod db;
mod deals;
mod error;
mod expiry;
pub mod export;
mod facts;
mod groups;
mod held_rows;
// The crate's only unsafe code (see its header, and src/lib.rs).
#[allow(unsafe_code)]
mod hot;
mod load;
mod lots;
mod migrations;
mod names;
mod outbox;
mod overview;
mod past;
mod place;
mod pool;
mod record;
mod rewards;
mod statement;
mod store;
mod tiers;
pub mod transfer;
mod value;
mod versions;
mod webhooks;

pub use bulk::{BulkLoad, IMPORT_CACHE};
pub use campaigns::{capping_campaigns, CampaignCost, ChallengeProgress};
pub use contests::MemberScore;
pub use deals::Checkpoint;
pub use error::LedgerError;
pub use expiry::Notice;
pub use groups::GroupMemberLine;
pub use lots::{Balances, Lot, LotTotals};
pub use outbox::{MessageCount, OutboxMessage};
pub use overview::{EntryRow, TierCounts};
pub use past::MemberThen;
pub use place::{check_database_url, LedgerPlace};
pub use rewards::{CodeInfo, CodeUse};
pub use statement::{MemberSummary, StatementLine};
pub use store::{EventLookup, Ledger};
pub use tiers::TierChange;
pub use value::{MemberPoints, TierStep, ValueEvent};
pub use versions::StoredVersion;
pub use webhooks::{OutboundEvent, WebhookProgress};
