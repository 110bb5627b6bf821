//! An event: something a member did that may earn or cost points (a purchase, a return,
//! an on-time payment, or a custom event a club defines).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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
}

impl EventType {
    pub const ALL: [&'static str; 4] = ["purchase", "return", "payment", "custom"];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Purchase => "purchase",
            EventType::Return => "return",
            EventType::Payment => "payment",
            EventType::Custom => "custom",
        }
    }

    pub fn parse(text: &str) -> Option<EventType> {
        match text.trim().to_ascii_lowercase().as_str() {
            "purchase" => Some(EventType::Purchase),
            "return" => Some(EventType::Return),
            "payment" => Some(EventType::Payment),
            "custom" => Some(EventType::Custom),
            _ => None,
        }
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<LineItem>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

impl Event {
    /// A digest of everything the event says. The same id arriving with another
    /// fingerprint is a conflict, not a duplicate.
    pub fn fingerprint(&self) -> String {
        // Amounts are normalized so that `1000` and `1000.00` are the same event.
        let mut canonical = self.clone();
        canonical.amount = canonical.amount.normalize();
        for item in &mut canonical.items {
            item.qty = item.qty.normalize();
            item.price = item.price.normalize();
        }
        let json = serde_json::to_vec(&canonical).unwrap_or_default();
        let digest = Sha256::digest(&json);
        digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }
}
