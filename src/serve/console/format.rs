//! Points, money and dates on the console's pages, as the club and the reader's language
//! write them: Persian digits and separators in Persian, the club's calendar for dates,
//! the club's points name, and Toman where the club's messages count in Toman.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::club::MoneyUnit;
use crate::locale::{self, Lang};
use crate::policy::Policy;

/// A count of things: `1,250` or `۱٬۲۵۰`.
pub fn count(lang: Lang, n: u64) -> String {
    locale::amount_in(lang, Decimal::from(n))
}

/// Points, exact and grouped, without a name: `1,250.5`.
pub fn points(lang: Lang, value: Decimal) -> String {
    locale::amount_in(lang, value)
}

/// Points with a sign: `+120`, `−40`.
pub fn signed_points(lang: Lang, value: Decimal) -> String {
    locale::numerals_in(lang, &crate::digits::signed_grouped(value))
}

/// Money in the club's currency: `250,000 Rial`, `۲۵٬۰۰۰ تومان`, `12.5 EUR`. A Rial club
/// whose messages count in Toman (`messages.money: toman`) is shown in Toman too.
pub fn money(lang: Lang, policy: &Policy, amount: Decimal) -> String {
    let currency = policy.club.currency.as_str();
    let toman = policy
        .club
        .messages
        .as_ref()
        .is_some_and(|m| matches!(m.money, MoneyUnit::Toman));
    let (amount, unit) = match (currency, toman) {
        ("IRR", true) => (amount / Decimal::TEN, "toman"),
        ("IRR", false) => (amount, "rial"),
        ("IRT", _) => (amount, "toman"),
        _ => (amount, currency),
    };
    let unit = match (unit, lang) {
        ("toman", Lang::Fa) => "تومان",
        ("toman", Lang::En) => "Toman",
        ("rial", Lang::Fa) => "ریال",
        ("rial", Lang::En) => "Rial",
        (other, _) => other,
    };
    format!("{} {unit}", locale::amount_in(lang, amount))
}

/// A day in the club's calendar: `1403-10-10` (in Persian digits in Persian).
pub fn date(lang: Lang, policy: &Policy, day: NaiveDate) -> String {
    locale::numerals_in(lang, &policy.club.calendar.format(day))
}

/// A moment as the club's clock shows it: its day in the club's calendar and the time.
pub fn time(lang: Lang, policy: &Policy, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&policy.zone);
    let day = policy.club.calendar.format(local.date_naive());
    locale::numerals_in(lang, &format!("{day} {}", local.format("%H:%M")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persian_counts_use_persian_digits_and_separators() {
        assert_eq!(count(Lang::En, 1_250_000), "1,250,000");
        assert_eq!(count(Lang::Fa, 1_250_000), "۱٬۲۵۰٬۰۰۰");
        assert_eq!(signed_points(Lang::En, Decimal::new(-40, 0)), "-40");
        assert_eq!(signed_points(Lang::En, Decimal::new(1205, 1)), "+120.5");
    }
}
