//! An event row's `currency` column: the club's own currency, or a foreign one the club
//! declares rates for (`currencies:` in `club.yaml`). Refused at the row, with its column,
//! so an import's report and an HTTP refusal say where: a currency the club does not take
//! (`currency`), and a purchase on a day no rate of its currency covers (`date`). A return
//! converts at its purchase's rate, which only deciding it can read.

use chrono::{DateTime, Utc};

use super::report::RowProblem;
use super::rows::Row;
use crate::club::currencies::{no_rate_reason, NoRate};
use crate::event::EventType;
use crate::policy::Policy;
use crate::tr;

/// The row's currency, upper-cased (`None` when the column is empty).
pub fn currency(
    row: &Row,
    policy: &Policy,
    kind: EventType,
    time: DateTime<Utc>,
) -> Result<Option<String>, RowProblem> {
    let Some(currency) = row.id("currency")?.map(|c| c.to_ascii_uppercase()) else {
        return Ok(None);
    };
    let club = &policy.club.currency;
    if currency == *club {
        return Ok(Some(currency));
    }
    let rates = &policy.rates;
    if !rates.knows(&currency) {
        return Err(row.problem(
            "currency",
            if rates.by_currency.is_empty() {
                tr!("rows-other-currency", currency = &currency, club = club)
            } else {
                no_rate_reason(
                    &NoRate::Unknown,
                    &currency,
                    time.date_naive(),
                    rates,
                    policy.club.calendar,
                )
            },
        ));
    }
    if kind != EventType::Return {
        let day = time.with_timezone(&policy.zone).date_naive();
        if let Err(why) = rates.rate_on(&currency, day) {
            let reason = no_rate_reason(&why, &currency, day, rates, policy.club.calendar);
            return Err(row.problem("date", reason));
        }
    }
    Ok(Some(currency))
}
