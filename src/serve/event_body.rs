//! The body of `POST /v1/clubs/{club}/events` as the OpenAPI document describes it.
//!
//! Events are not read through serde: each is read field by field as an import row is
//! ([`crate::import::event_from_row`]), so that amounts keep the digits the client wrote
//! and every refusal names its field. These types mirror those fields for the document
//! only; a test holds their names to the importer's list ([`crate::event::EVENT_COLUMNS`]),
//! so a field cannot be added to one and not the other.

#![allow(dead_code)]

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::openapi::Amount;

/// One event, or a batch of them.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum EventsBody {
    One(Box<EventBody>),
    Batch(EventBatch),
}

/// Up to 1000 events, each applied (or refused) on its own.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    #[schemars(length(max = 1000))]
    events: Vec<EventBody>,
}

/// The same fields as a JSON Lines import row. Fields of your own go in `attributes`; any
/// other field is refused.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    /// Unique per club; posting the same id again is safe (`duplicate`). A string without
    /// control characters; any other JSON value is refused.
    #[schemars(length(min = 1))]
    id: String,
    #[serde(flatten)]
    fields: EventFields,
}

/// A purchase (or any event) tried without recording it: the fields of an event, its id
/// optional, and a draft to compare the live version with.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrialBody {
    /// Optional (`trial` when left out): nothing is recorded under it.
    #[schemars(length(min = 1))]
    id: Option<String>,
    /// A draft club folder (its folder name in the server's drafts folder) to try the
    /// event under too, side by side with the live version.
    #[schemars(length(min = 1))]
    draft: Option<String>,
    #[serde(flatten)]
    fields: EventFields,
}

/// An event's fields but its id.
#[derive(JsonSchema)]
pub struct EventFields {
    /// A string without control characters; any other JSON value is refused.
    #[schemars(length(min = 1))]
    member: String,
    /// In the club's calendar and timezone: `2025-03-03`, `1403-12-13 18:30`, or RFC 3339.
    date: String,
    /// Required except for `enroll`. No more decimals than the club currency has (ISO 4217:
    /// 2 for EUR, USD, IRR...; 0 for JPY; 3 for KWD); more are refused, never rounded.
    amount: Option<Amount>,
    /// `custom` with a `reply` attribute is an inbound message from the member: an opt-out
    /// or opt-in word changes their consent for the message channel named in the
    /// `reply_channel` attribute (or every channel, if none is named).
    #[serde(rename = "type", default)]
    kind: Option<EventType>,
    /// For a return: the purchase it returns. A string without control characters.
    original: Option<String>,
    /// The currency `amount` is in: the club's (the default), or one of the foreign
    /// currencies `currencies.rates` declares, converted at the rate of the event's day (a
    /// return: at its purchase's rate). Its amount may have that currency's decimals.
    currency: Option<String>,
    /// The sales channel (`online`, `pos`...), not a message channel.
    channel: Option<String>,
    /// A string without control characters; any other JSON value is refused.
    store: Option<String>,
    /// Part of a purchase paid from the member's credit wallet; decimals as for `amount`.
    credit_used: Option<Amount>,
    /// The line items, or a count of items bought (a whole number, 0 or more), which rules
    /// read as `event.attributes.items`.
    items: Option<Items>,
    /// Fields of your own, read by rules as `event.attributes.<name>`. Two have a meaning:
    /// `reply` (an inbound message from the member, on a `custom` event) and
    /// `reply_channel` (the message channel it came on: one of the club's
    /// `messages.channels`, else the event is rejected at `reply_channel`).
    attributes: Option<BTreeMap<String, Attribute>>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Purchase,
    Return,
    Payment,
    Custom,
    Enroll,
    Join,
    Leave,
}

#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Items {
    Lines(Vec<ItemLine>),
    Count(u64),
    /// A count as text: digits only.
    CountText(#[schemars(pattern(r"^[0-9]+$"))] String),
}

#[derive(JsonSchema)]
pub struct ItemLine {
    sku: String,
    category: Option<String>,
    qty: Option<Amount>,
    price: Amount,
}

/// An attribute's value: text, a number or a yes/no.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Attribute {
    Text(String),
    Number(Amount),
    Flag(bool),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document lists exactly the fields an event is read with.
    #[test]
    fn the_documented_event_fields_are_the_ones_read() {
        let schema = schemars::SchemaGenerator::default().into_root_schema_for::<EventBody>();
        let documented: Vec<&str> = schema
            .get("properties")
            .and_then(|p| p.as_object())
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut read = crate::event::EVENT_COLUMNS.to_vec();
        read.sort_unstable();
        let mut documented = documented;
        documented.sort_unstable();
        assert_eq!(documented, read);
    }
}
