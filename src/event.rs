//! An event: something a member did that may earn or cost points (a purchase, a return,
//! an on-time payment, or a custom event a club defines).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Columns of an event row with a meaning of their own (in a file or an HTTP body); any
/// other column becomes an attribute scripts read.
pub const EVENT_COLUMNS: [&str; 12] = [
    "id",
    "member",
    "date",
    "amount",
    "type",
    "original",
    "currency",
    "channel",
    "store",
    "credit_used",
    "items",
    "attributes",
];

/// Columns of a members file with a meaning of their own.
pub const MEMBER_COLUMNS: [&str; 4] = ["id", "type", "birthday", "joined"];

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EventType {
    Purchase,
    /// Gives back (part of) an earlier purchase, named in `original`.
    Return,
    /// An invoice paid, e.g. for rewarding on-time payment.
    Payment,
    /// Anything else a club's scripts look for (`event.attributes` says what).
    Custom,
    /// Points expiring; written by bashgah when the clock passes their date.
    Expiry,
    /// A manual correction, with its reason.
    Adjustment,
    /// Points moved between two members.
    Transfer,
    /// A reward redeemed.
    Redemption,
    /// Points turned into credit.
    Conversion,
    /// A redemption cancelled (`original` names it): its points, credit and stock given
    /// back.
    Cancellation,
    /// The member's birthday, in the club's calendar; written when the clock passes it.
    Birthday,
    /// The anniversary of the member's joining; written when the clock passes it.
    Anniversary,
    /// Joining a commitment deal (the `deal` column names it).
    Enroll,
    /// A deal's checkpoint that gave or took points.
    Deal,
    /// Lifecycle hooks: rules may award points on them (`events: [tier_changed]`), and the
    /// club may send a message. A new member's first event.
    Enrolled,
    /// A member moved to another tier (`event.attributes.tier` names it).
    #[serde(rename = "tier_changed")]
    TierChanged,
    /// Points about to expire (`event.attributes.points`, `event.attributes.date`).
    #[serde(rename = "expiring_soon")]
    ExpiringSoon,
    /// A deal kept to its end (`event.attributes.deal`).
    #[serde(rename = "deal_completed")]
    DealCompleted,
    /// A deal whose commitment was missed (`event.attributes.deal`).
    #[serde(rename = "deal_failed")]
    DealFailed,
    /// No purchase for `messages.inactive_after` (`event.attributes.days`).
    Inactive,
    /// A contest's prize: a leaderboard place or a draw won (`event.attributes.contest`).
    Prize,
    /// Joining a group (`groups:` in club.yaml): the `group` attribute names it, `role`
    /// the member's role in it, `kind` its kind when the club has more than one.
    Join,
    /// Leaving the group the `group` attribute names.
    Leave,
}

impl EventType {
    /// The types an import file may carry; the others are written by bashgah itself.
    pub const IMPORTABLE: [&'static str; 7] = [
        "purchase", "return", "payment", "custom", "enroll", "join", "leave",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Purchase => "purchase",
            EventType::Return => "return",
            EventType::Payment => "payment",
            EventType::Custom => "custom",
            EventType::Expiry => "expiry",
            EventType::Adjustment => "adjustment",
            EventType::Transfer => "transfer",
            EventType::Redemption => "redemption",
            EventType::Conversion => "conversion",
            EventType::Cancellation => "cancellation",
            EventType::Birthday => "birthday",
            EventType::Anniversary => "anniversary",
            EventType::Enroll => "enroll",
            EventType::Deal => "deal",
            EventType::Enrolled => "enrolled",
            EventType::TierChanged => "tier_changed",
            EventType::ExpiringSoon => "expiring_soon",
            EventType::DealCompleted => "deal_completed",
            EventType::DealFailed => "deal_failed",
            EventType::Inactive => "inactive",
            EventType::Prize => "prize",
            EventType::Join => "join",
            EventType::Leave => "leave",
        }
    }

    pub fn parse(text: &str) -> Option<EventType> {
        match text.trim().to_ascii_lowercase().as_str() {
            "purchase" => Some(EventType::Purchase),
            "return" => Some(EventType::Return),
            "payment" => Some(EventType::Payment),
            "custom" => Some(EventType::Custom),
            "expiry" => Some(EventType::Expiry),
            "adjustment" => Some(EventType::Adjustment),
            "transfer" => Some(EventType::Transfer),
            "redemption" => Some(EventType::Redemption),
            "conversion" => Some(EventType::Conversion),
            "cancellation" => Some(EventType::Cancellation),
            "birthday" => Some(EventType::Birthday),
            "anniversary" => Some(EventType::Anniversary),
            "enroll" => Some(EventType::Enroll),
            "deal" => Some(EventType::Deal),
            "enrolled" => Some(EventType::Enrolled),
            "tier_changed" => Some(EventType::TierChanged),
            "expiring_soon" => Some(EventType::ExpiringSoon),
            "deal_completed" => Some(EventType::DealCompleted),
            "deal_failed" => Some(EventType::DealFailed),
            "inactive" => Some(EventType::Inactive),
            "prize" => Some(EventType::Prize),
            "join" => Some(EventType::Join),
            "leave" => Some(EventType::Leave),
            _ => None,
        }
    }

    /// Whether an import file may carry this type.
    pub fn importable(self) -> bool {
        Self::IMPORTABLE.contains(&self.as_str())
    }

    /// Whether earning rules may run for this type: what is imported, and the greetings
    /// the clock writes (birthdays, anniversaries).
    pub fn for_rules(self) -> bool {
        self.importable() || self.is_occasion()
    }

    /// Birthdays, anniversaries and the lifecycle hooks: things that happen to a member
    /// rather than things they do.
    pub fn is_occasion(self) -> bool {
        matches!(
            self,
            EventType::Birthday
                | EventType::Anniversary
                | EventType::Enrolled
                | EventType::TierChanged
                | EventType::ExpiringSoon
                | EventType::DealCompleted
                | EventType::DealFailed
                | EventType::Inactive
        )
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of a purchase: what was bought, how many, at what unit price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    pub sku: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub qty: Decimal,
    pub price: Decimal,
    /// What the line earns the shop, in the club's currency (the whole line, not a unit),
    /// when the till knows it; the value report's margins prefer it to a category's share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<Decimal>,
}

/// An event as imported: validated, with its time resolved to an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: String,
    pub member: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub time: DateTime<Utc>,
    pub amount: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// Part of the amount paid from the member's credit wallet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit_used: Option<Decimal>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<LineItem>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// Set once an amount in a foreign `currency` has been converted: `amount` is then in
    /// the club's currency, and this holds what was paid and the rate used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversion: Option<Conversion>,
}

/// A purchase (or return) paid in another currency than the club's, as converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Conversion {
    /// The amount as paid, in the event's `currency`.
    pub original_amount: Decimal,
    /// One unit of that currency in the club's currency.
    pub rate: Decimal,
}

/// What an event paid in a foreign currency was, as people and programs are shown it:
/// the currency, the amount as paid, and the rate it was converted at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Paid {
    pub currency: String,
    pub amount: Decimal,
    pub rate: Decimal,
}

impl Paid {
    /// `currency`, `original_amount` and `rate` as the ledger keeps them, when all three
    /// are there (an event converted from a foreign currency).
    pub fn from_stored(
        currency: Option<String>,
        amount: Option<Decimal>,
        rate: Option<Decimal>,
    ) -> Option<Paid> {
        Some(Paid {
            currency: currency?,
            amount: amount?,
            rate: rate?,
        })
    }
}

impl Event {
    /// What was paid in a foreign currency, when the event was converted.
    pub fn paid(&self) -> Option<Paid> {
        let conversion = self.conversion?;
        Some(Paid {
            currency: self.currency.clone()?,
            amount: conversion.original_amount,
            rate: conversion.rate,
        })
    }

    /// The amount as it was written: in `currency` when the event was converted.
    pub fn written_amount(&self) -> Decimal {
        self.conversion
            .map_or(self.amount, |conversion| conversion.original_amount)
    }

    /// The event as it arrived, before any conversion: what is decided again when a
    /// stored event is replayed (under rates that may have changed).
    pub fn as_written(&self) -> Event {
        Event {
            amount: self.written_amount(),
            conversion: None,
            ..self.clone()
        }
    }
}

impl Event {
    /// An event bashgah writes for a change made by hand (adjustment, transfer,
    /// redemption, conversion): no channel, store or items; `amount` holds the points, so
    /// that the same id with other points is a conflict.
    pub fn manual(
        id: &str,
        member: &str,
        kind: EventType,
        amount: Decimal,
        time: DateTime<Utc>,
        attributes: BTreeMap<String, String>,
    ) -> Event {
        Event {
            id: id.to_owned(),
            member: member.to_owned(),
            kind,
            time,
            amount,
            original: None,
            currency: None,
            channel: None,
            store: None,
            credit_used: None,
            items: Vec::new(),
            attributes,
            conversion: None,
        }
    }

    /// A digest of everything the event says. The same id arriving with another
    /// fingerprint is a conflict, not a duplicate.
    pub fn fingerprint(&self) -> String {
        // Fields are fed to the hash with separators that cannot occur in them, and
        // amounts normalized so that `1000` and `1000.00` are the same event. (This runs
        // for every imported row, so it avoids building an intermediate document.)
        let mut hasher = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hasher.update((bytes.len() as u32).to_le_bytes());
            hasher.update(bytes);
        };
        let number = |value: Decimal, field: &mut dyn FnMut(&[u8])| {
            let normalized = value.normalize();
            field(&normalized.serialize());
        };
        field(self.id.as_bytes());
        field(self.member.as_bytes());
        field(self.kind.as_str().as_bytes());
        field(&self.time.timestamp().to_le_bytes());
        // What was written, so that a converted event is the same event it arrived as.
        number(self.written_amount(), &mut field);
        for optional in [&self.original, &self.currency, &self.channel, &self.store] {
            match optional {
                Some(text) => field(text.as_bytes()),
                None => field(b"\xff"),
            }
        }
        match self.credit_used {
            Some(credit) => number(credit, &mut field),
            None => field(b"\xff"),
        }
        field(&(self.items.len() as u32).to_le_bytes());
        for item in &self.items {
            field(item.sku.as_bytes());
            field(item.category.as_deref().unwrap_or("\u{0}").as_bytes());
            number(item.qty, &mut field);
            number(item.price, &mut field);
            // Only when given, so the fingerprints of events without margins (every event
            // recorded before issue 18) stay what they were.
            if let Some(margin) = item.margin {
                field(b"margin");
                number(margin, &mut field);
            }
        }
        field(&(self.attributes.len() as u32).to_le_bytes());
        for (key, value) in &self.attributes {
            field(key.as_bytes());
            field(value.as_bytes());
        }
        let digest = hasher.finalize();
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(32);
        for byte in &digest[..16] {
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn purchase(amount: &str) -> Event {
        Event {
            id: "E1".into(),
            member: "M1".into(),
            kind: EventType::Purchase,
            time: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            amount: Decimal::from_str(amount).unwrap(),
            original: None,
            currency: None,
            channel: None,
            store: Some("s1".into()),
            credit_used: None,
            items: Vec::new(),
            attributes: BTreeMap::new(),
            conversion: None,
        }
    }

    #[test]
    fn fingerprint_ignores_trailing_zeros_and_sees_every_field() {
        let base = purchase("1000");
        assert_eq!(base.fingerprint(), purchase("1000.00").fingerprint());
        assert_eq!(base.fingerprint().len(), 32);
        let mut other = purchase("1000");
        other.store = None;
        other.channel = Some("s1".into());
        assert_ne!(
            base.fingerprint(),
            other.fingerprint(),
            "a value moved to another field"
        );
        let mut other = purchase("1000");
        other.attributes.insert("tax".into(), "90".into());
        assert_ne!(base.fingerprint(), other.fingerprint());
        assert_ne!(base.fingerprint(), purchase("1000.01").fingerprint());
    }
}
