//! Turning a row into an [`Event`]: required columns, types, dates in the club's
//! calendar, exact amounts no larger than [`crate::amount::LARGEST`] (so that no sum over
//! a member's events can overflow) and no finer than their currency (the club's, or a
//! foreign one it declares rates for: `super::currency_column`; the amount is converted
//! when the event is decided); every other column becomes an attribute scripts can read.
//!
//! Every value is read into its type here, once, or the row is refused with the column's
//! name: identifiers are text without control characters, amounts exact, `items` a list
//! of line items or a count, a reply's channel one the club sends on.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::json::Field;
use super::report::RowProblem;
use super::rows::{number, Row};
use crate::amount::within_currency;
use crate::event::{Event, EventType, LineItem};
use crate::locale::numerals;
use crate::policy::Policy;
use crate::time::parse_event_time;
use crate::tr;

/// Columns every event row must have.
pub const REQUIRED: [&str; 4] = ["id", "member", "date", "amount"];
/// Columns with a meaning of their own; the rest become attributes.
pub const KNOWN: [&str; 12] = crate::event::EVENT_COLUMNS;

pub fn event_from_row(row: &Row, policy: &Policy) -> Result<Event, RowProblem> {
    let id = row.required_id("id")?.to_owned();
    let member = row.required_id("member")?.to_owned();
    let date = row
        .text("date")?
        .ok_or_else(|| row.problem("date", tr!("rows-empty", name = "date")))?;
    let time = parse_event_time(date, policy.club.calendar, policy.zone)
        .map_err(|message| row.problem("date", message))?;
    let kind = match row.text("type")? {
        None => EventType::Purchase,
        Some(text) => EventType::parse(text)
            .filter(|t| t.importable())
            .ok_or_else(|| {
                row.problem(
                    "type",
                    tr!(
                        "rows-not-event-type",
                        text = text,
                        types = EventType::IMPORTABLE.join(&crate::tr!("list-comma"))
                    ),
                )
            })?,
    };
    // A foreign currency the club declares rates for is taken (its decimals, its rate on
    // the event's day); the amount is converted when the event is decided.
    let currency = super::currency_column::currency(row, policy, kind, time)?;
    let currency_code = currency.as_deref().unwrap_or(&policy.club.currency);
    let money = |column: &str| -> Result<Option<Decimal>, RowProblem> {
        row.number(column)?
            .map(|(value, written)| {
                within_currency(value, &written, currency_code)
                    .map_err(|message| row.problem(column, message))
            })
            .transpose()
    };
    // An enrolment (or joining or leaving a group) involves no money: its amount may be left empty.
    let amount = match (kind, money("amount")?) {
        (_, Some(amount)) => amount,
        (EventType::Enroll | EventType::Join | EventType::Leave, None) => Decimal::ZERO,
        (_, None) => return Err(row.problem("amount", tr!("rows-empty", name = "amount"))),
    };
    // A refund is often exported as a negative amount; store what was given back.
    let amount = if kind == EventType::Return {
        amount.abs()
    } else {
        amount
    };
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(row.problem(
            "amount",
            tr!("rows-negative-amount", kind = kind.to_string()),
        ));
    }
    let credit_used = money("credit_used")?.filter(|credit| !credit.is_zero());
    if let (Some(_), Some(foreign)) = (credit_used, &currency) {
        if *foreign != policy.club.currency {
            return Err(row.problem(
                "credit_used",
                tr!(
                    "currency-no-credit",
                    currency = foreign,
                    club = &policy.club.currency
                ),
            ));
        }
    }
    if let Some(credit) = credit_used {
        if credit.is_sign_negative() || credit > amount || kind != EventType::Purchase {
            return Err(row.problem(
                "credit_used",
                tr!(
                    "rows-credit-used",
                    zero = numerals("0"),
                    amount = numerals(&amount.to_string())
                ),
            ));
        }
    }
    let original = row.id("original")?.map(str::to_owned);
    if kind == EventType::Return && original.is_none() {
        return Err(row.problem("original", tr!("rows-return-needs-original")));
    }
    let channel = row.id("channel")?.map(str::to_owned);
    let store = row.id("store")?.map(str::to_owned);

    let mut attributes = BTreeMap::new();
    match row.fields.get("attributes") {
        None | Some(Field::Null) => {}
        Some(Field::Object(map)) => {
            for (key, value) in map {
                attributes.insert(key.clone(), value.plain_text());
            }
        }
        Some(Field::Text(text)) if text.trim().is_empty() => {}
        // It used to be dropped without a word.
        Some(other) => {
            return Err(row.problem(
                "attributes",
                tr!("rows-attributes-not-object", kind = other.kind()),
            ))
        }
    }
    for (key, value) in &row.fields {
        if !KNOWN.contains(&key.as_str()) {
            let text = value.plain_text();
            if !text.is_empty() {
                attributes.insert(key.clone(), text);
            }
        }
    }
    let (items, count) = line_items(row)?;
    if let Some(count) = count {
        // A count is what a till without line items knows; scripts read it as
        // `event.attributes.items`, like any column of the shop's own.
        if attributes
            .insert("items".to_owned(), count.to_string())
            .is_some()
        {
            return Err(row.problem("items", tr!("rows-items-twice")));
        }
    }
    check_reply(row, policy, kind, channel.as_deref(), &attributes)?;

    Ok(Event {
        id,
        member,
        kind,
        time,
        amount,
        original,
        currency,
        channel,
        store,
        credit_used,
        items,
        attributes,
        conversion: None,
    })
}

/// `items`: line items (`[{"sku": "...", "category": "...", "qty": 2, "price": "45000"}]`,
/// JSON only), or a count of items — a whole number, in a CSV cell or JSON (issue 12: a
/// CSV with a count in `items` had every row refused). No line items and no count is
/// `([], None)`.
fn line_items(row: &Row) -> Result<(Vec<LineItem>, Option<Decimal>), RowProblem> {
    let bad = |message: String| row.problem("items", message);
    let items = match row.fields.get("items") {
        None | Some(Field::Null) => return Ok((Vec::new(), None)),
        Some(Field::List(items)) => items,
        Some(field @ (Field::Text(_) | Field::Number(_))) => {
            let hint = tr!("rows-items-hint");
            return match number(Some(field), "items") {
                Ok(None) => Ok((Vec::new(), None)),
                Ok(Some((count, _))) if count >= Decimal::ZERO && count.fract().is_zero() => {
                    Ok((Vec::new(), Some(count.normalize())))
                }
                Ok(Some((_, written))) => Err(bad(format!(
                    "{}{hint}",
                    tr!("rows-items-not-count", written = written)
                ))),
                Err(message) => Err(bad(format!("{message}{hint}"))),
            };
        }
        Some(other) => return Err(bad(tr!("rows-items-not-list", kind = other.kind()))),
    };
    let lines = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let n = numerals(&(i + 1).to_string());
            let n = n.as_str();
            let Field::Object(item) = item else {
                return Err(bad(tr!("rows-item-not-object", n = n, kind = item.kind())));
            };
            let text = |name: &str| -> Result<Option<String>, RowProblem> {
                match item.get(name) {
                    None | Some(Field::Null) => Ok(None),
                    Some(Field::Text(text)) if text.trim().is_empty() => Ok(None),
                    Some(Field::Text(text)) if text.chars().any(char::is_control) => {
                        Err(bad(tr!("rows-item-control-character", n = n, name = name)))
                    }
                    Some(Field::Text(text)) => Ok(Some(text.trim().to_owned())),
                    Some(other) => Err(bad(tr!(
                        "rows-item-not-text",
                        n = n,
                        name = name,
                        kind = other.kind()
                    ))),
                }
            };
            let amount = |name: &str, default: Option<Decimal>| -> Result<Decimal, RowProblem> {
                match number(item.get(name), name) {
                    Ok(Some((value, _))) => Ok(value),
                    Ok(None) => {
                        default.ok_or_else(|| bad(tr!("rows-item-missing", n = n, name = name)))
                    }
                    Err(message) => Err(bad(tr!(
                        "rows-item-bad",
                        n = n,
                        name = name,
                        message = message
                    ))),
                }
            };
            Ok(LineItem {
                sku: text("sku")?
                    .ok_or_else(|| bad(tr!("rows-item-missing", n = n, name = "sku")))?,
                category: text("category")?,
                qty: amount("qty", Some(Decimal::ONE))?,
                price: amount("price", None)?,
                margin: match item.get("margin") {
                    None | Some(Field::Null) => None,
                    Some(_) => Some(amount("margin", None)?),
                },
            })
        })
        .collect::<Result<_, _>>()?;
    Ok((lines, None))
}

/// A reply's messaging channel, in its own column `reply_channel` (issue 12: `channel`
/// is the sales channel, so `STOP` with `channel: bad` opted the member out of every
/// channel). A `channel` naming one of the club's message channels is still taken for a
/// reply's; any other is refused, not read as "every channel".
fn check_reply(
    row: &Row,
    policy: &Policy,
    kind: EventType,
    channel: Option<&str>,
    attributes: &BTreeMap<String, String>,
) -> Result<(), RowProblem> {
    let reply = kind == EventType::Custom && attributes.contains_key("reply");
    if !reply && !attributes.contains_key("reply_channel") {
        return Ok(());
    }
    let channels: Vec<&str> = policy
        .club
        .messages
        .iter()
        .flat_map(|m| m.channels.iter().map(|c| c.id.as_str()))
        .collect();
    let list = || {
        if channels.is_empty() {
            tr!("rows-no-messages")
        } else {
            tr!(
                "rows-message-channels",
                channels = channels.join(&crate::tr!("list-comma"))
            )
        }
    };
    if let Some(via) = attributes.get("reply_channel") {
        if !reply {
            return Err(row.problem("reply_channel", tr!("rows-reply-channel-not-reply")));
        }
        if !channels.contains(&via.as_str()) {
            let problem = tr!("rows-no-channel-listed", channel = via, channels = list());
            return Err(row.problem(
                "reply_channel",
                match crate::diagnostic::did_you_mean(via, channels.iter().copied()) {
                    Some(near) => tr!(
                        "rows-with-suggestion",
                        problem = problem,
                        suggestion = tr!("did-you-mean", name = near)
                    ),
                    None => problem,
                },
            ));
        }
        return Ok(());
    }
    if !reply || policy.club.messages.is_none() {
        return Ok(());
    }
    let sales = channel.map(|c| ("channel", c)).or_else(|| {
        attributes
            .get("channel")
            .map(|c| ("attributes", c.as_str()))
    });
    match sales {
        Some((column, named)) if !channels.contains(&named) => Err(row.problem(
            column,
            tr!("rows-sales-channel", named = named, channels = list()),
        )),
        _ => Ok(()),
    }
}
