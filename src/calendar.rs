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

    /// `date` moved by `months` months in this calendar; a day past the end of the
    /// target month becomes its last day (31 Shahrivar + 1 month = 30 Mehr).
    pub fn add_months(self, date: NaiveDate, months: u32) -> NaiveDate {
        let local = self.to_local(date);
        let total = local.year * 12 + i32::from(local.month) - 1 + months as i32;
        let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
        (1..=local.day)
            .rev()
            .find_map(|day| self.from_local(year, month, day).ok())
            .unwrap_or(date)
    }

    /// The first day after the `period` (month, quarter or year of this calendar) that
    /// holds `date`.
    pub fn start_of_next(self, period: Period, date: NaiveDate) -> NaiveDate {
        let local = self.to_local(date);
        let month_index = local.year * 12 + i32::from(local.month) - 1;
        let next = match period {
            Period::Month => month_index + 1,
            Period::Quarter => month_index - month_index.rem_euclid(3) + 3,
            Period::Year => month_index - month_index.rem_euclid(12) + 12,
        };
        self.from_local(next.div_euclid(12), (next.rem_euclid(12) + 1) as u8, 1)
            .unwrap_or(date)
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
        assert_eq!(jalali.format(ymd(2025, 3, 21)), "1404-01-01");
        assert!(CalendarKind::Gregorian.parse_date("1403-01-01").is_err());
        assert!(CalendarKind::Gregorian.parse_date("2025-02-30").is_err());
        assert!(jalali.parse_date("yesterday").is_err());
    }
}
