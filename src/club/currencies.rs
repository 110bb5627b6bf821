//! Foreign currencies: the `currencies:` section of `club.yaml` (declared rates by date,
//! in the file itself or in a rate file beside it) and the club-wide `money:` display
//! choice (Rial or Toman), with the pure parts of both: reading the rates into a
//! [`Rates`] table (every bad row positioned), the rate in force on a day, the exact
//! conversion of an amount, and how an amount of the club's currency is written.
//!
//! A rate is the price of one unit of the foreign currency in the club's currency, and
//! holds from its date (in the club's calendar and timezone) until the next rate of the
//! same currency. Converting multiplies exactly (checked `Decimal`) and then rounds once,
//! as `rounding` and `decimals` say, so a converted amount is always one the club's
//! currency can hold.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::messaging::MoneyUnit;
pub use super::rate_file::{compile_rates, is_inside};
use crate::amount::{Overflow, Rounding};
use crate::calendar::CalendarKind;
use crate::locale::Lang;
use crate::tr;

/// Purchases in other currencies than the club's: the rates they are converted at.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CurrencySettings {
    /// Rates per currency (its three-letter code): what one unit is worth in the club's
    /// currency, from a day on, e.g. `USD: [{from: 2025-01-01, rate: 820000}]`. A rate
    /// holds from its day until the next rate of the same currency.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rates: BTreeMap<String, Vec<RateDefinition>>,
    /// A CSV file of more rates, beside `club.yaml` (e.g. `rates.csv`), with the header
    /// `date,currency,rate`. Its rates and those above are one table; the same currency
    /// and day in both is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// How a converted amount is rounded to the club's currency: `half_up` (the default),
    /// `half_even`, `floor`, `ceil` or `truncate`.
    #[serde(default = "default_rounding")]
    pub rounding: Rounding,
    /// Decimals a converted amount keeps (default 0: whole Rials, Tomans, euros...). At
    /// most the decimals the club's currency has.
    #[serde(default)]
    pub decimals: u32,
    /// A rate older than this many days on the day of a purchase is not used: the
    /// purchase is refused until a newer rate is declared. No limit when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
}

fn default_rounding() -> Rounding {
    Rounding::HalfUp
}

/// One declared rate.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RateDefinition {
    /// The first day the rate holds, in the club's calendar, e.g. `1404-01-01`.
    pub from: String,
    /// One unit of the currency in the club's currency, e.g. `820000`. Above zero.
    pub rate: Decimal,
}

/// How amounts of the club's currency are shown to people (the command line, the console,
/// the API's texts and members' messages): `rial` or `toman` (a tenth of the Rial
/// amount). Only a Rial (`IRR`) club can show Toman. When absent, `messages.money` says,
/// as it did before this setting existed.
pub type MoneyDisplay = MoneyUnit;

/// The rates of a club, read and checked: per currency, its rates by first day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rates {
    pub by_currency: BTreeMap<String, BTreeMap<NaiveDate, Decimal>>,
    pub rounding: Rounding,
    pub decimals: u32,
    pub max_age_days: Option<u32>,
}

/// Why no rate converts an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoRate {
    /// The club declares no rate for this currency.
    Unknown,
    /// The currency's first rate is after the day.
    Before(NaiveDate),
    /// The rate in force is older than `max_age_days`.
    Stale(NaiveDate),
}

impl Rates {
    /// Whether the club takes amounts in `currency` (a declared foreign one).
    pub fn knows(&self, currency: &str) -> bool {
        self.by_currency.contains_key(currency)
    }

    /// The rate in force on `day` and the day it was declared for.
    pub fn rate_on(&self, currency: &str, day: NaiveDate) -> Result<(NaiveDate, Decimal), NoRate> {
        let table = self.by_currency.get(currency).ok_or(NoRate::Unknown)?;
        let (from, rate) = table
            .range(..=day)
            .next_back()
            .ok_or_else(|| NoRate::Before(table.keys().next().copied().unwrap_or(day)))?;
        if let Some(days) = self.max_age_days {
            if (day - *from).num_days() > i64::from(days) {
                return Err(NoRate::Stale(*from));
            }
        }
        Ok((*from, *rate))
    }

    /// `amount` × `rate`, exactly, then rounded as declared.
    pub fn convert(&self, amount: Decimal, rate: Decimal) -> Result<Decimal, Overflow> {
        let product = crate::amount::mul(amount, rate)?;
        Ok(self.rounding.apply(product, self.decimals))
    }

    /// Every currency taken, in order, for messages.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.by_currency.keys().map(String::as_str).collect();
        names.join(&tr!("list-comma"))
    }
}

/// What a [`NoRate`] means for a purchase on `day`, worded for the user.
pub fn no_rate_reason(
    why: &NoRate,
    currency: &str,
    day: NaiveDate,
    rates: &Rates,
    calendar: CalendarKind,
) -> String {
    match why {
        NoRate::Unknown if rates.by_currency.is_empty() => {
            tr!("currency-not-taken", currency = currency)
        }
        NoRate::Unknown => tr!(
            "currency-unknown",
            currency = currency,
            currencies = rates.names()
        ),
        NoRate::Before(first) => tr!(
            "currency-no-rate-yet",
            currency = currency,
            date = calendar.format(day),
            first = calendar.format(*first)
        ),
        NoRate::Stale(from) => tr!(
            "currency-rate-stale",
            currency = currency,
            date = calendar.format(day),
            from = calendar.format(*from),
            days = rates.max_age_days.unwrap_or(0).to_string()
        ),
    }
}

/// How the club shows money: `money:`, else `messages.money`, else Rial.
pub fn money_display(club: &super::ClubDefinition) -> MoneyDisplay {
    club.money
        .or_else(|| club.messages.as_ref().map(|m| m.money))
        .unwrap_or_default()
}

/// The amount and unit name an amount of the club's currency is shown in: a Rial club
/// shown in Toman divides by ten (exactly); other currencies are shown by their code.
pub fn display_unit(club: &super::ClubDefinition, amount: Decimal) -> (Decimal, &str) {
    match (club.currency.as_str(), money_display(club)) {
        ("IRR", MoneyUnit::Toman) => (amount / Decimal::TEN, "toman"),
        ("IRR", MoneyUnit::Rial) => (amount, "rial"),
        ("IRT", _) => (amount, "toman"),
        (code, _) => (amount, code),
    }
}

/// An amount of the club's currency as people read it: `250,000 Rial`, `۲۵٬۰۰۰ تومان`,
/// `12.5 EUR`.
pub fn display_money(lang: Lang, club: &super::ClubDefinition, amount: Decimal) -> String {
    let (amount, unit) = display_unit(club, amount);
    let unit = unit_name(unit, lang == Lang::Fa);
    format!("{} {unit}", crate::locale::amount_in(lang, amount))
}

/// A unit of [`display_unit`] as a reader of Persian (or else of English) writes it:
/// `تومان`, `Rial`; a currency code as it is.
pub fn unit_name(unit: &str, persian: bool) -> &str {
    match (unit, persian) {
        ("toman", true) => "تومان",
        ("toman", false) => "Toman",
        ("rial", true) => "ریال",
        ("rial", false) => "Rial",
        (other, _) => other,
    }
}

/// An amount of the club's currency and the unit the command line writes after it: the
/// club's code (`IRR`, `EUR`) as it always has, or Toman (a tenth of the amount) for a
/// Rial club shown in Toman.
pub fn shown_amount(club: &super::ClubDefinition, amount: Decimal) -> (Decimal, String) {
    match display_unit(club, amount) {
        (tenth, "toman") if club.currency == "IRR" => (tenth.normalize(), tr!("money-toman")),
        _ => (amount, club.currency.clone()),
    }
}
