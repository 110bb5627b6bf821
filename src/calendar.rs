//! The club's calendar: Gregorian or Jalali (the Persian solar calendar).
//!
//! Iranian businesses count months and years in the Jalali calendar, so a "birthday month"
//! or a date written in a file (`1403-12-30`) must mean theirs. Conversion is delegated to
//! `icu_calendar` rather than hand-written arithmetic; this module only adapts it to
//! `chrono` dates and to the text forms users type.

use chrono::{Datelike, NaiveDate};
use icu_calendar::cal::Persian;
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

/// A day written in a club's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// Years below this are taken as Jalali when a date is typed; Gregorian dates in a
/// loyalty ledger are never that old, and Jalali ones (currently ~1400) never that new.
const JALALI_YEAR_LIMIT: i32 = 1700;

impl CalendarKind {
    /// The date `date` written in this calendar.
    pub fn to_local(self, date: NaiveDate) -> LocalDate {
        match self {
            CalendarKind::Gregorian => LocalDate {
                year: date.year(),
                month: date.month() as u8,
                day: date.day() as u8,
            },
            CalendarKind::Jalali => {
                // A chrono date always has a valid month and day, so ICU accepts it.
                let iso = Date::try_new_iso(date.year(), date.month() as u8, date.day() as u8)
                    .unwrap_or_else(|_| unreachable!("chrono produced an invalid date {date}"));
                let persian = iso.to_calendar(Persian);
                LocalDate {
                    year: persian.year().extended_year(),
                    month: persian.month().ordinal,
                    day: persian.day_of_month().0,
                }
            }
        }
    }

    /// The Gregorian date of a day written in this calendar, or why there is none.
    pub fn from_local(self, year: i32, month: u8, day: u8) -> Result<NaiveDate, String> {
        match self {
            CalendarKind::Gregorian => NaiveDate::from_ymd_opt(year, month.into(), day.into())
                .ok_or_else(|| format!("{year:04}-{month:02}-{day:02} is not a date")),
            CalendarKind::Jalali => {
                let persian = Date::try_new_persian(year, month, day).map_err(|_| {
                    if month == 12 && day == 30 {
                        format!(
                            "{year:04}-12-30 is not a Jalali date: {year} is not a leap year, so Esfand has 29 days"
                        )
                    } else {
                        format!("{year:04}-{month:02}-{day:02} is not a Jalali date")
                    }
                })?;
                let iso = persian.to_calendar(Iso);
                NaiveDate::from_ymd_opt(
                    iso.year().extended_year(),
                    iso.month().ordinal.into(),
                    iso.day_of_month().0.into(),
                )
                .ok_or_else(|| format!("{year:04}-{month:02}-{day:02} is out of range"))
            }
        }
    }

    /// Parses `YYYY-MM-DD` (also with `/`, and Persian digits). In a Jalali club a year
    /// below 1700 is read as Jalali and a later one as Gregorian (ISO-8601), so both
    /// `1403-10-10` and `2024-12-30` work.
    pub fn parse_date(self, text: &str) -> Result<NaiveDate, String> {
        let ascii: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
                '/' => '-',
                other => other,
            })
            .collect();
        let parts: Vec<&str> = ascii.split('-').collect();
        let (year, month, day) = match parts.as_slice() {
            [y, m, d] if y.len() == 4 => (
                y.parse::<i32>().ok(),
                m.parse::<u8>().ok(),
                d.parse::<u8>().ok(),
            ),
            _ => (None, None, None),
        };
        let (Some(year), Some(month), Some(day)) = (year, month, day) else {
            return Err(format!(
                "`{}` is not a date; write it as YYYY-MM-DD, e.g. 2025-03-21{}",
                text.trim(),
                if self == CalendarKind::Jalali {
                    " or 1404-01-01"
                } else {
                    ""
                }
            ));
        };
        if year < JALALI_YEAR_LIMIT {
            if self == CalendarKind::Jalali {
                return CalendarKind::Jalali.from_local(year, month, day);
            }
            return Err(format!(
                "`{}` looks like a Jalali date, but this club's calendar is gregorian; write the Gregorian date or set `calendar: jalali`",
                text.trim()
            ));
        }
        CalendarKind::Gregorian.from_local(year, month, day)
    }

    /// Writes `date` in this calendar as `YYYY-MM-DD`.
    pub fn format(self, date: NaiveDate) -> String {
        let local = self.to_local(date);
        format!("{:04}-{:02}-{:02}", local.year, local.month, local.day)
    }
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
    fn parses_both_calendars_in_a_jalali_club() {
        let jalali = CalendarKind::Jalali;
        assert_eq!(jalali.parse_date("1403-01-01"), Ok(ymd(2024, 3, 20)));
        assert_eq!(jalali.parse_date("۱۴۰۴/۰۱/۰۱"), Ok(ymd(2025, 3, 21)));
        assert_eq!(jalali.parse_date("2025-03-21"), Ok(ymd(2025, 3, 21)));
        assert_eq!(jalali.format(ymd(2025, 3, 21)), "1404-01-01");
        assert!(CalendarKind::Gregorian.parse_date("1403-01-01").is_err());
        assert!(CalendarKind::Gregorian.parse_date("2025-02-30").is_err());
        assert!(jalali.parse_date("yesterday").is_err());
    }
}
