//! Points, money and dates on the console's pages, as the club and the reader's language
//! write them: Persian digits and separators in Persian, the club's calendar for dates,
//! the club's points name, and Rial or Toman as the club's `money:` says.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

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

/// Money in the club's currency: `250,000 Rial`, `۲۵٬۰۰۰ تومان`, `12.5 EUR`, as the
/// club's `money:` (else `messages.money`) says.
pub fn money(lang: Lang, policy: &Policy, amount: Decimal) -> String {
    crate::club::currencies::display_money(lang, &policy.club, amount)
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
