//! The club's calendar: Gregorian or Jalali (the Persian solar calendar).
//!
//! Iranian businesses count months and years in the Jalali calendar, so a "birthday month"
//! or a date written in a file (`1403-12-30`) must mean theirs. Conversion is delegated to
//! `icu_calendar` rather than hand-written arithmetic; this module only adapts it to
//! `chrono` dates and to the text forms users type.
//!
//! Every date a user writes is within [`EARLIEST_DATE`]..=[`LATEST_DATE`]
//! ([`CalendarKind::check_supported`], called by [`CalendarKind::parse_date`] and
//! `time::parse_event_time`), and every span is at most 100 years (`club::span`). The
//! functions here are total all the same: none panics on any `chrono` date, and where a
//! result cannot be counted they say so (`from_local`) or saturate (`add_months`,
//! `start_of_next`), which the bounds above keep from happening.

use chrono::{Datelike, NaiveDate};
use icu_calendar::cal::Persian;
use icu_calendar::types::RataDie;
use icu_calendar::{Date, Iso};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which calendar a club counts its days, months and years in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CalendarKind {
    #[default]
    Gregorian,
    /// The Persian solar (Hijri Shamsi) calendar: 1 Farvardin 1403 = 2024-03-20.
    Jalali,
}

/// A stretch of a club's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Month,
    /// Three months: 1–3, 4–6, 7–9, 10–12.
    Quarter,
    Year,
}

/// A day written in a club's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// The first Gregorian year bashgah accepts in a date a user writes.
///
/// Loyalty data (purchases, birthdays, campaigns) is never that old. The bound guards
/// arithmetic, not plausibility, so it is loose on purpose: a date the longest span (100
/// years) and a day's timezone offset before it, in year 899, still has four digits
/// (stored instants sort as text) and is far inside what chrono and ICU count.
pub const EARLIEST_YEAR: i32 = 1000;
/// The last Gregorian year bashgah accepts in a date a user writes.
///
/// Chosen so that a date plus the longest span (100 years) and a day's timezone offset
/// stays below year 9999: instants are stored as text with four-digit years, which sort
/// correctly only up to there (issue 11: `9999-12-31T23:59:59-23:59` is in year 10000
/// UTC), and ICU builds dates only from years within ±9999 (Jalali 9101 is about 8480).
pub const LATEST_YEAR: i32 = 9000;
/// 1 January [`EARLIEST_YEAR`].
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(EARLIEST_YEAR, 1, 1) {
    Some(date) => date,
    None => panic!("EARLIEST_YEAR is a year chrono counts"),
};
/// 31 December [`LATEST_YEAR`].
pub const LATEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(LATEST_YEAR, 12, 31) {
    Some(date) => date,
    None => panic!("LATEST_YEAR is a year chrono counts"),
};

/// Years below this are taken as Jalali when a date is typed; Gregorian dates in a
/// loyalty ledger are never that old, and Jalali ones (currently ~1400) never that new.
const JALALI_YEAR_LIMIT: i32 = 1700;

impl CalendarKind {
    /// `date` if it is one bashgah accepts ([`EARLIEST_DATE`] to [`LATEST_DATE`]), or why
    /// not, quoting `text`, the date as the user wrote it.
    pub fn check_supported(self, date: NaiveDate, text: &str) -> Result<NaiveDate, String> {
        if (EARLIEST_DATE..=LATEST_DATE).contains(&date) {
            return Ok(date);
        }
        use crate::locale::numerals;
        let years = (
            numerals(&EARLIEST_YEAR.to_string()),
            numerals(&LATEST_YEAR.to_string()),
        );
        Err(match self {
            CalendarKind::Gregorian => crate::tr!(
                "rows-date-outside",
                text = text,
                from = years.0,
                to = years.1
            ),
            CalendarKind::Jalali => crate::tr!(
                "rows-date-outside-jalali",
                text = text,
                from = years.0,
                to = years.1,
                first = numerals(&self.format(EARLIEST_DATE)),
                last = numerals(&self.format(LATEST_DATE))
            ),
        })
    }

    /// The date `date` written in this calendar. Total: exact for every `chrono` date.
    pub fn to_local(self, date: NaiveDate) -> LocalDate {
        match self {
            CalendarKind::Gregorian => LocalDate {
                year: date.year(),
                month: date.month() as u8,
                day: date.day() as u8,
            },
            CalendarKind::Jalali => {
                // Through the day count rather than ISO fields: ICU builds ISO dates only
                // from years within ±9999, but counts days far beyond chrono's range
                // (both number 1 January of year 1 as day 1).
                let day = RataDie::new(i64::from(date.num_days_from_ce()));
                let persian = Date::from_rata_die(day, Persian);
                LocalDate {
                    year: persian.year().extended_year(),
                    month: persian.month().ordinal,
                    day: persian.day_of_month().0,
                }
            }
        }
    }

    /// The Gregorian date of a day written in this calendar, or why there is none (also
    /// when the year is beyond what the calendars count: ±9999 for Jalali, chrono's range
    /// for Gregorian).
    pub fn from_local(self, year: i32, month: u8, day: u8) -> Result<NaiveDate, String> {
        use crate::locale::numerals;
        let written = || numerals(&format!("{year:04}-{month:02}-{day:02}"));
        match self {
            CalendarKind::Gregorian => NaiveDate::from_ymd_opt(year, month.into(), day.into())
                .ok_or_else(|| crate::tr!("rows-not-a-date", date = written())),
            CalendarKind::Jalali => {
                let persian = Date::try_new_persian(year, month, day).map_err(|_| {
                    if month == 12 && day == 30 {
                        crate::tr!(
                            "rows-not-a-leap-year",
                            date = written(),
                            year = numerals(&year.to_string())
                        )
                    } else {
                        crate::tr!("rows-not-a-jalali-date", date = written())
                    }
                })?;
                let iso = persian.to_calendar(Iso);
                NaiveDate::from_ymd_opt(
                    iso.year().extended_year(),
                    iso.month().ordinal.into(),
                    iso.day_of_month().0.into(),
                )
                .ok_or_else(|| crate::tr!("rows-date-out-of-range", date = written()))
            }
        }
    }

    /// Parses `YYYY-MM-DD` (also with `/`, and Persian or Arabic-Indic digits). In a
    /// Jalali club a year below 1700 is read as Jalali and a later one as Gregorian
    /// (ISO-8601), so both `1403-10-10` and `2024-12-30` work. A date outside the years
    /// [`EARLIEST_YEAR`]–[`LATEST_YEAR`] is refused.
    pub fn parse_date(self, text: &str) -> Result<NaiveDate, String> {
        let date = self.read_date(text)?;
        self.check_supported(date, text.trim())
    }

    /// The Gregorian date `text` names in a club of this calendar, as [`parse_date`]
    /// reads it but whatever its year: `time::parse_event_time` checks the years against
    /// the whole text it was given, so that its message quotes what the user wrote.
    ///
    /// Every date a user writes is read by this one rule, with or without a time and an
    /// offset (issue 12: `1403-11-20T10:30:00+03:30` was taken as the Gregorian year
    /// 1403 in a Jalali club). In a Gregorian club a year below 1700 is refused: it is a
    /// Jalali date in the wrong club, never a purchase of the 17th century.
    ///
    /// [`parse_date`]: CalendarKind::parse_date
    pub fn read_date(self, text: &str) -> Result<NaiveDate, String> {
        let written = text.trim();
        let ascii = crate::digits::to_ascii(written).replace('/', "-");
        let parts: Vec<&str> = ascii.split('-').collect();
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let (year, month, day) = match parts.as_slice() {
            [y, m, d] if y.len() == 4 && [y, m, d].iter().all(|p| all_digits(p)) => (
                y.parse::<i32>().ok(),
                m.parse::<u8>().ok(),
                d.parse::<u8>().ok(),
            ),
            _ => (None, None, None),
        };
        let (Some(year), Some(month), Some(day)) = (year, month, day) else {
            return Err(if self == CalendarKind::Jalali {
                crate::tr!("rows-date-format-jalali", text = written)
            } else {
                crate::tr!("rows-date-format", text = written)
            });
        };
        if year < JALALI_YEAR_LIMIT {
            if self != CalendarKind::Jalali {
                return Err(crate::tr!("rows-jalali-in-gregorian", text = written));
            }
            CalendarKind::Jalali.from_local(year, month, day)
        } else {
            CalendarKind::Gregorian.from_local(year, month, day)
        }
    }

    /// `date` moved by `months` months in this calendar; a day past the end of the
    /// target month becomes its last day (31 Shahrivar + 1 month = 30 Mehr).
    ///
    /// Exact whenever the result is a date the calendar counts, which every accepted date
    /// plus the longest span is; past that, `NaiveDate::MAX` ("never"), so that a caller
    /// stepping forward always ends.
    pub fn add_months(self, date: NaiveDate, months: u32) -> NaiveDate {
        let local = self.to_local(date);
        // In i64: a year times 12 plus any u32 fits, so nothing wraps round.
        let total = i64::from(local.year) * 12 + i64::from(local.month) - 1 + i64::from(months);
        year_and_month(total)
            .and_then(|(year, month)| {
                (1..=local.day)
                    .rev()
                    .find_map(|day| self.from_local(year, month, day).ok())
            })
            .unwrap_or(NaiveDate::MAX)
    }

    /// The first day after the `period` (month, quarter or year of this calendar) that
    /// holds `date`; `NaiveDate::MAX` if the calendar cannot count that far (see
    /// [`CalendarKind::add_months`]).
    pub fn start_of_next(self, period: Period, date: NaiveDate) -> NaiveDate {
        let local = self.to_local(date);
        let month_index = i64::from(local.year) * 12 + i64::from(local.month) - 1;
        let next = match period {
            Period::Month => month_index + 1,
            Period::Quarter => month_index - month_index.rem_euclid(3) + 3,
            Period::Year => month_index - month_index.rem_euclid(12) + 12,
        };
        year_and_month(next)
            .and_then(|(year, month)| self.from_local(year, month, 1).ok())
            .unwrap_or(NaiveDate::MAX)
    }

    /// Writes `date` in this calendar as `YYYY-MM-DD`.
    pub fn format(self, date: NaiveDate) -> String {
        let local = self.to_local(date);
        format!("{:04}-{:02}-{:02}", local.year, local.month, local.day)
    }
}

/// The year and month of a month counted from year 0 (`year * 12 + month - 1`), if the
/// year fits an `i32`.
fn year_and_month(index: i64) -> Option<(i32, u8)> {
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
    Some((year, month))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn known_jalali_dates() {
        let jalali = CalendarKind::Jalali;
        assert_eq!(jalali.from_local(1403, 1, 1), Ok(ymd(2024, 3, 20)));
        assert_eq!(jalali.from_local(1403, 12, 30), Ok(ymd(2025, 3, 20)));
        assert_eq!(jalali.from_local(1404, 1, 1), Ok(ymd(2025, 3, 21)));
        assert_eq!(jalali.from_local(1405, 1, 1), Ok(ymd(2026, 3, 21)));
        assert_eq!(
            jalali.to_local(ymd(2025, 3, 20)),
            LocalDate {
                year: 1403,
                month: 12,
                day: 30
            }
        );
        assert_eq!(
            jalali.from_local(1404, 12, 30),
            Err(
                "1404-12-30 is not a Jalali date: 1404 is not a leap year, so Esfand has 29 days"
                    .into()
            )
        );
    }

    #[test]
    fn months_and_periods_follow_the_club_calendar() {
        let (g, j) = (CalendarKind::Gregorian, CalendarKind::Jalali);
        assert_eq!(g.add_months(ymd(2025, 1, 31), 1), ymd(2025, 2, 28));
        assert_eq!(g.add_months(ymd(2024, 2, 29), 12), ymd(2025, 2, 28));
        // 31 Shahrivar 1403 (2024-09-21) + 1 month = 30 Mehr 1403 (Mehr has 30 days).
        assert_eq!(
            j.to_local(j.add_months(ymd(2024, 9, 21), 1)),
            LocalDate {
                year: 1403,
                month: 7,
                day: 30
            }
        );
        assert_eq!(
            g.start_of_next(Period::Month, ymd(2025, 1, 15)),
            ymd(2025, 2, 1)
        );
        assert_eq!(
            g.start_of_next(Period::Quarter, ymd(2025, 5, 15)),
            ymd(2025, 7, 1)
        );
        assert_eq!(
            g.start_of_next(Period::Year, ymd(2025, 12, 31)),
            ymd(2026, 1, 1)
        );
        // The Jalali year 1403 ends on 30 Esfand (2025-03-20).
        assert_eq!(
            j.start_of_next(Period::Year, ymd(2025, 3, 20)),
            ymd(2025, 3, 21)
        );
        assert_eq!(
            j.start_of_next(Period::Quarter, ymd(2024, 6, 1)),
            j.from_local(1403, 4, 1).unwrap()
        );
    }

    #[test]
    fn parses_both_calendars_in_a_jalali_club() {
        let jalali = CalendarKind::Jalali;
        assert_eq!(jalali.parse_date("1403-01-01"), Ok(ymd(2024, 3, 20)));
        assert_eq!(jalali.parse_date("۱۴۰۴/۰۱/۰۱"), Ok(ymd(2025, 3, 21)));
        assert_eq!(jalali.parse_date("2025-03-21"), Ok(ymd(2025, 3, 21)));
        assert_eq!(jalali.parse_date("١٤٠٤-٠١-٠١"), Ok(ymd(2025, 3, 21)));
        assert_eq!(jalali.parse_date(" 1404-1-1 "), Ok(ymd(2025, 3, 21)));
        assert!(jalali.parse_date("+404-01-01").is_err());
        assert!(jalali.parse_date("1404-+1-01").is_err());
        assert_eq!(jalali.format(ymd(2025, 3, 21)), "1404-01-01");
        assert!(CalendarKind::Gregorian.parse_date("1403-01-01").is_err());
        assert!(CalendarKind::Gregorian.parse_date("2025-02-30").is_err());
        assert!(jalali.parse_date("yesterday").is_err());
    }

    #[test]
    fn dates_are_accepted_from_year_1000_to_9000() {
        let (g, j) = (CalendarKind::Gregorian, CalendarKind::Jalali);
        assert_eq!(g.parse_date("9000-12-31"), Ok(LATEST_DATE));
        assert_eq!(
            g.parse_date("9001-01-01"),
            Err("`9001-01-01` is outside the dates bashgah accepts (years 1000–9000)".into())
        );
        assert_eq!(
            g.parse_date("9999-12-31"),
            Err("`9999-12-31` is outside the dates bashgah accepts (years 1000–9000)".into())
        );
        // In a Jalali club a year below 1700 is Jalali: the earliest day is in 378.
        let first = j.format(EARLIEST_DATE);
        assert_eq!(j.parse_date(&first), Ok(EARLIEST_DATE));
        assert_eq!(
            j.parse_date("0001-01-01"),
            Err("`0001-01-01` is outside the dates bashgah accepts (years 1000–9000; in the Jalali calendar 0378-10-11 to 8379-10-11)".into())
        );
        assert!(j.parse_date("9001-01-01").is_err());
        assert_eq!(j.parse_date("9000-12-31"), Ok(LATEST_DATE));
    }

    #[test]
    fn the_accepted_dates_and_the_longest_span_are_counted_exactly_in_both_calendars() {
        // The extremes a club can reach: the earliest and latest accepted dates, a day's
        // timezone offset beyond them, and 100 years (the longest span) beyond that.
        let extremes = [
            ymd(899, 12, 30),
            EARLIEST_DATE.pred_opt().unwrap(),
            EARLIEST_DATE,
            LATEST_DATE,
            LATEST_DATE.succ_opt().unwrap(),
            ymd(9101, 1, 2),
        ];
        for calendar in [CalendarKind::Gregorian, CalendarKind::Jalali] {
            for date in extremes {
                let local = calendar.to_local(date);
                assert_eq!(
                    calendar.from_local(local.year, local.month, local.day),
                    Ok(date),
                    "{calendar:?} {date}"
                );
                let later = calendar.add_months(date, 1200);
                assert!(
                    later > date && later < ymd(9202, 1, 1),
                    "{calendar:?} {date}"
                );
                assert!(calendar.to_local(later).day <= local.day);
                for period in [Period::Month, Period::Quarter, Period::Year] {
                    let next = calendar.start_of_next(period, later);
                    assert!(next > later && calendar.to_local(next).day == 1);
                }
            }
        }
        let j = CalendarKind::Jalali;
        assert_eq!(
            j.to_local(LATEST_DATE),
            LocalDate {
                year: 8379,
                month: 10,
                day: 11
            }
        );
        assert_eq!(
            j.add_months(LATEST_DATE, 1200),
            j.from_local(8479, 10, 11).unwrap()
        );
        assert_eq!(
            CalendarKind::Gregorian.add_months(EARLIEST_DATE, 1200),
            ymd(1100, 1, 1)
        );
    }

    #[test]
    fn no_date_chrono_can_hold_makes_the_calendar_panic() {
        for calendar in [CalendarKind::Gregorian, CalendarKind::Jalali] {
            for date in [
                NaiveDate::MIN,
                ymd(-9999, 1, 1),
                ymd(10_000, 1, 1),
                NaiveDate::MAX,
            ] {
                let _ = calendar.to_local(date);
                let _ = calendar.format(date);
                assert!(calendar.check_supported(date, "x").is_err());
                assert!(calendar.add_months(date, u32::MAX) >= date);
                for period in [Period::Month, Period::Quarter, Period::Year] {
                    assert!(calendar.start_of_next(period, date) > date || date == NaiveDate::MAX);
                }
            }
            assert_eq!(calendar.add_months(NaiveDate::MAX, 1), NaiveDate::MAX);
            assert!(calendar.from_local(i32::MAX, 12, 31).is_err());
            assert!(calendar.from_local(i32::MIN, 1, 1).is_err());
        }
    }
}
