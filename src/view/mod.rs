//! Views: how a member (and later, a club) is read back for people — the CLI's `member`,
//! the HTTP API's member routes — the same document whoever asks.

pub mod explanation;
mod member;

pub use member::{report, Expiring, MemberReport, MemberView};
