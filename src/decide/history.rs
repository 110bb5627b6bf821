//! The facts of a member's history a book holds as lists: the events they brought, the
//! entries that count towards what they earned, and their lots. Apart from
//! [`super::book`] so that the compact forms of these lists ([`super::lots`],
//! [`super::compact`]) can name them without the book naming those forms back.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::engine::EntryKind;
use crate::event::EventType;

/// An event the member brought (a purchase, return, payment, custom or enrol event): what
/// windows, returns and deal periods are counted from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFact {
    /// Shared with the member's entries and lots of the event (one copy of the text).
    pub id: Arc<str>,
    pub kind: EventType,
    pub time: DateTime<Utc>,
    pub amount: Decimal,
    pub original: Option<String>,
    /// For an event paid in a foreign currency: the currency, the amount as paid and the
    /// rate (`amount` is the converted one). A return of it converts at the same rate.
    /// Boxed: most events are paid in the club's currency, and books are held by the
    /// ten thousand.
    pub conversion: Option<Box<(String, crate::event::Conversion)>>,
}

/// A ledger entry that counts towards the points a member earned: rules' awards (`earn`)
/// and what returns took back of them (`reverse`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFact {
    /// The event's id: the same copy as its [`EventFact`]'s where the book has one.
    pub event: Arc<str>,
    pub time: DateTime<Utc>,
    /// Shared ([`super::shared_text`]): a club has a few rules and versions, a book many entries.
    pub rule: Arc<str>,
    pub kind: EntryKind,
    pub points: Decimal,
    pub policy_version: Arc<str>,
}

/// A lot: points awarded together, and what is left of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotFact {
    /// The lot's number in the ledger.
    pub id: i64,
    /// The event whose entry made the lot (the same copy as the event's id).
    pub event: Arc<str>,
    pub points: Decimal,
    pub remaining: Decimal,
    /// Of `points`, how many expired.
    pub expired: Decimal,
    pub earned_at: DateTime<Utc>,
    pub pending_until: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}
