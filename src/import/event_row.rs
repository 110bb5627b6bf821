//! Turning a row into an [`Event`]: required columns, types, dates in the club's
//! calendar, exact amounts no larger than [`crate::amount::LARGEST`] (so that no sum over
//! a member's events can overflow); every other column becomes an attribute scripts can
//! read.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::Value;

use super::report::RowProblem;
use super::rows::Row;
use crate::amount::parse_bounded;
use crate::event::{Event, EventType, LineItem};
use crate::policy::Policy;
use crate::time::parse_event_time;

/// Columns every event row must have.
pub const REQUIRED: [&str; 4] = ["id", "member", "date", "amount"];
/// Columns with a meaning of their own; the rest become attributes.
pub const KNOWN: [&str; 12] = [
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

fn required(row: &Row, column: &'static str) -> Result<String, RowProblem> {
    row.text(column)
        .ok_or_else(|| RowProblem::rejected(row.line, Some(column), format!("`{column}` is empty")))
}

pub fn event_from_row(row: &Row, policy: &Policy) -> Result<Event, RowProblem> {
    let id = required(row, "id")?;
    let member = required(row, "member")?;
    let date = required(row, "date")?;
    let time = parse_event_time(&date, policy.club.calendar, policy.zone)
        .map_err(|message| RowProblem::rejected(row.line, Some("date"), message))?;
    let kind = match row.text("type") {
        None => EventType::Purchase,
        Some(text) => EventType::parse(&text)
            .filter(|t| t.importable())
            .ok_or_else(|| {
                RowProblem::rejected(
                    row.line,
                    Some("type"),
                    format!(
                        "`{text}` is not an event type; use one of {}",
                        EventType::IMPORTABLE.join(", ")
                    ),
                )
            })?,
    };
    // An enrolment involves no money: its amount may be left empty.
    let amount = match (kind, row.text("amount")) {
        (EventType::Enroll, None) => Decimal::ZERO,
        _ => parse_bounded(&required(row, "amount")?)
            .map_err(|message| RowProblem::rejected(row.line, Some("amount"), message))?,
    };
    // A refund is often exported as a negative amount; store what was given back.
    let amount = if kind == EventType::Return {
        amount.abs()
    } else {
        amount
    };
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(RowProblem::rejected(
            row.line,
            Some("amount"),
            format!("a {kind} cannot have a negative amount; record refunds as `type: return` naming the `original`"),
        ));
    }
    let currency = row.text("currency").map(|c| c.to_ascii_uppercase());
    if let Some(currency) = &currency {
        if *currency != policy.club.currency {
            return Err(RowProblem::rejected(
                row.line,
                Some("currency"),
                format!(
                    "`{currency}` is not the club's currency `{}`",
                    policy.club.currency
                ),
            ));
        }
    }
    let credit_used = row
        .text("credit_used")
        .map(|text| parse_bounded(&text))
        .transpose()
        .map_err(|message| RowProblem::rejected(row.line, Some("credit_used"), message))?
        .filter(|credit| !credit.is_zero());
    if let Some(credit) = credit_used {
        if credit.is_sign_negative() || credit > amount || kind != EventType::Purchase {
            return Err(RowProblem::rejected(
                row.line,
                Some("credit_used"),
                format!("`credit_used` is the part of a purchase paid with credit: between 0 and the amount ({amount})"),
            ));
        }
    }
    let original = row.text("original");
    if kind == EventType::Return && original.is_none() {
        return Err(RowProblem::rejected(
            row.line,
            Some("original"),
            "a return must name the purchase it returns",
        ));
    }

    let mut attributes = BTreeMap::new();
    if let Some(Value::Object(map)) = row.fields.get("attributes") {
        for (key, value) in map {
            attributes.insert(key.clone(), plain_text(value));
        }
    }
    for (key, value) in &row.fields {
        if !KNOWN.contains(&key.as_str()) {
            let text = plain_text(value);
            if !text.is_empty() {
                attributes.insert(key.clone(), text);
            }
        }
    }

    Ok(Event {
        id,
        member,
        kind,
        time,
        amount,
        original,
        currency,
        channel: row.text("channel"),
        store: row.text("store"),
        credit_used,
        items: line_items(row)?,
        attributes,
    })
}

fn plain_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `items` from JSON Lines: `[{"sku": "...", "category": "...", "qty": 2, "price": "45000"}]`.
fn line_items(row: &Row) -> Result<Vec<LineItem>, RowProblem> {
    let Some(value) = row.fields.get("items") else {
        return Ok(Vec::new());
    };
    let bad = |message: String| RowProblem::rejected(row.line, Some("items"), message);
    let Value::Array(items) = value else {
        if matches!(value, Value::String(s) if s.trim().is_empty()) {
            return Ok(Vec::new());
        }
        return Err(bad(
            "`items` must be a list of {sku, category, qty, price}".into()
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let n = i + 1;
            let field = |name: &str| item.get(name).map(plain_text).filter(|t| !t.is_empty());
            let number = |name: &str, default: Option<Decimal>| -> Result<Decimal, RowProblem> {
                match field(name) {
                    Some(text) => {
                        parse_bounded(&text).map_err(|m| bad(format!("item {n}: `{name}`: {m}")))
                    }
                    None => default.ok_or_else(|| bad(format!("item {n} has no `{name}`"))),
                }
            };
            Ok(LineItem {
                sku: field("sku").ok_or_else(|| bad(format!("item {n} has no `sku`")))?,
                category: field("category"),
                qty: number("qty", Some(Decimal::ONE))?,
                price: number("price", None)?,
            })
        })
        .collect()
}
