//! Converting an event paid in a foreign currency into the club's, before anything else
//! of the decision reads its amount: rules, tiers, budgets and returns all see the
//! converted `amount`, and the event keeps what was paid and the rate
//! ([`crate::event::Conversion`]), which the ledger records beside it.
//!
//! A purchase (or any other event bringing an amount) converts at the rate in force on
//! its day in the club's timezone. A return converts at the rate of the purchase it
//! returns, and so that everything returned so far converts as one sum: the converted
//! returns of a purchase then add up to exactly its converted amount when all of it comes
//! back, and the points taken back are exactly those it earned. A return in another
//! currency than its purchase's is refused (a return naming no currency is in the club's).
//!
//! Deciding a stored event again (a replay, a simulation) converts what was paid afresh,
//! at the policy's rates: the rates are part of the policy, so the same policy gives the
//! same amounts.

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::book::MemberBook;
use crate::club::currencies::no_rate_reason;
use crate::engine::EvalError;
use crate::event::{Conversion, Event, EventType};
use crate::policy::Policy;
use crate::tr;

/// `event` with its amount in the club's currency: itself when it is already, else
/// converted (or refused, saying why and naming the column at fault).
pub fn convert<'e>(
    policy: &Policy,
    book: &MemberBook,
    event: &'e Event,
) -> Result<Cow<'e, Event>, EvalError> {
    let club = &policy.club.currency;
    let refuse = |column: &'static str, message: String| EvalError {
        column: Some(column),
        ..EvalError::message(message)
    };
    let purchase = match (&event.kind, &event.original) {
        (EventType::Return, Some(original)) => book.events.iter().find(|e| *e.id == **original),
        _ => None,
    };
    let Some(currency) = event.currency.as_deref().filter(|c| *c != club.as_str()) else {
        // In the club's currency; a return of a purchase paid in another is refused
        // (which currency its amount is in would be a guess).
        if let Some((paid_in, _)) = purchase.and_then(|p| p.conversion.as_deref()) {
            return Err(refuse(
                "currency",
                tr!(
                    "currency-return-differs",
                    currency = club.as_str(),
                    purchase = paid_in.as_str()
                ),
            ));
        }
        return Ok(Cow::Borrowed(event));
    };
    let paid = event.written_amount();
    let rates = &policy.rates;
    let too_large = || refuse("amount", tr!("currency-too-large", currency = currency));
    let (amount, rate) = match purchase {
        Some(purchase) => {
            let Some(conversion) = purchase
                .conversion
                .as_deref()
                .filter(|(paid_in, _)| paid_in == currency)
                .map(|(_, conversion)| conversion)
            else {
                let paid_in = purchase.conversion.as_deref().map_or(club, |(c, _)| c);
                return Err(refuse(
                    "currency",
                    tr!(
                        "currency-return-differs",
                        currency = currency,
                        purchase = paid_in.as_str()
                    ),
                ));
            };
            // Everything returned of the purchase so far, as paid and as converted.
            let (mut paid_before, mut converted_before) = (Decimal::ZERO, Decimal::ZERO);
            for earlier in book.events.iter().filter(|e| {
                e.kind == EventType::Return && e.original.as_deref() == Some(original_id(event))
            }) {
                let paid = earlier
                    .conversion
                    .as_deref()
                    .map_or(earlier.amount, |(_, c)| c.original_amount);
                paid_before = crate::amount::add(paid_before, paid).map_err(|_| too_large())?;
                converted_before = crate::amount::add(converted_before, earlier.amount)
                    .map_err(|_| too_large())?;
            }
            let all = crate::amount::add(paid_before, paid).map_err(|_| too_large())?;
            // Checked as paid: rounding could hide a return a little larger than its
            // purchase once both are converted.
            if all > conversion.original_amount {
                return Err(refuse(
                    "amount",
                    tr!(
                        "currency-return-too-much",
                        currency = currency,
                        paid = conversion.original_amount.normalize().to_string(),
                        returned = all.normalize().to_string()
                    ),
                ));
            }
            let all = rates
                .convert(all, conversion.rate)
                .map_err(|_| too_large())?;
            let amount = (all - converted_before).max(Decimal::ZERO);
            (amount, conversion.rate)
        }
        None => {
            let day = event.time.with_timezone(&policy.zone).date_naive();
            let (_, rate) = rates.rate_on(currency, day).map_err(|why| {
                let column = match why {
                    crate::club::currencies::NoRate::Unknown => "currency",
                    _ => "date",
                };
                refuse(
                    column,
                    no_rate_reason(&why, currency, day, rates, policy.club.calendar),
                )
            })?;
            let amount = rates.convert(paid, rate).map_err(|_| too_large())?;
            (amount, rate)
        }
    };
    if amount > crate::amount::LARGEST {
        return Err(too_large());
    }
    Ok(Cow::Owned(Event {
        amount,
        conversion: Some(Conversion {
            original_amount: paid,
            rate,
        }),
        ..event.clone()
    }))
}

fn original_id(event: &Event) -> &str {
    event.original.as_deref().unwrap_or("")
}
