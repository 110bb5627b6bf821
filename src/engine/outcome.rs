//! What evaluating one event produced: the awards to write, and a trace of every rule.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

/// Points to add (or, if negative, take) for one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Award {
    pub rule: String,
    pub points: Decimal,
    pub reason: String,
    /// The policy version that produced the points. For a return it is the version that
    /// awarded the points being reversed.
    pub policy_version: String,
    pub kind: EntryKind,
    /// For points added: when they become spendable and when they expire.
    pub lot: Option<LotTerms>,
}

/// What a ledger entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Points a rule awarded (or, if negative, took).
    Earn,
    /// Points a return took back.
    Reverse,
    Expire,
    Adjust,
    TransferIn,
    TransferOut,
    /// Points taken from new earnings to pay a debt a return left.
    Settle,
    Redeem,
    /// Points turned into credit.
    Convert,
    /// Points a cancelled redemption gave back.
    Cancel,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Earn => "earn",
            EntryKind::Reverse => "reverse",
            EntryKind::Expire => "expire",
            EntryKind::Adjust => "adjust",
            EntryKind::TransferIn => "transfer_in",
            EntryKind::TransferOut => "transfer_out",
            EntryKind::Settle => "settle",
            EntryKind::Redeem => "redeem",
            EntryKind::Convert => "convert",
            EntryKind::Cancel => "cancel",
        }
    }
}

/// The terms of a lot of points: from when it can be spent, and when it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LotTerms {
    pub pending_until: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// What one rule did with one event. Kept small (it is built for every rule of every
/// event); names, files and lines come from the policy when the trace is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleTrace {
    /// Index of the rule in the club's `rules`.
    pub rule: usize,
    pub status: RuleStatus,
    /// The points before rounding, as the script returned them (`None`: it returned nothing).
    pub raw_points: Option<Decimal>,
    /// The points after rounding.
    pub points: Decimal,
    /// The event and member fields the rule read (only when traced by `explain`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    Ran,
    /// The rule's `events` do not include this event's type.
    NotForThisEventType,
    Disabled,
    /// The rule belongs to a campaign that is not open to this member now.
    CampaignClosed,
}

/// The effects of an event, ready for the ledger to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub policy_version: String,
    /// How the ledger records points taken that were already spent.
    pub when_spent: crate::club::WhenSpent,
    pub awards: Vec<Award>,
    /// Points the event gives to *other* members (a referrer's bonus), by member id.
    /// Each is written as an event of its own for that member.
    pub for_others: Vec<(String, Award)>,
    pub trace: Vec<RuleTrace>,
}

impl Outcome {
    pub fn total_points(&self) -> Decimal {
        self.awards.iter().map(|a| a.points).sum()
    }
}
