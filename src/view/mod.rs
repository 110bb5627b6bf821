//! Views: how a member (and later, a club) is read back for people — the CLI's `member`,
//! the HTTP API's member routes — the same document whoever asks; and a purchase tried
//! without recording it ([`trial`]).

pub mod explanation;
mod member;
pub mod trial;

pub use member::{report, Expiring, MemberReport, MemberView};
