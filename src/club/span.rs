//! Lengths of time written in club files: `14d`, `2w`, `12m`, `1y`.
//!
//! Months and years are counted in the club's calendar (a Jalali month is 29 to 31 days),
//! so a span is kept as days or months, not as a fixed duration.
//!
//! A span is at most [`MAX_YEARS`] years long. No loyalty rule needs more, and the bound
//! is what keeps `date + span` far from any calendar's limit: every date a user writes is
//! within the years [`crate::calendar::EARLIEST_YEAR`]–[`crate::calendar::LATEST_YEAR`],
//! so a date plus or minus the longest span stays well inside what `chrono` and ICU can
//! count (issue 11: `after: 99999999d` passed `check` and then panicked in an import).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::CalendarKind;

/// The longest span bashgah accepts, in years.
pub const MAX_YEARS: u32 = 100;
/// The longest span in days (`36500d`): 100 years of 365 days.
pub const MAX_DAYS: u32 = MAX_YEARS * 365;
/// The longest span in months (`1200m`).
pub const MAX_MONTHS: u32 = MAX_YEARS * 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Days(u32),
    Months(u32),
}

impl Span {
    /// `date` plus this span, months counted in `calendar`.
    ///
    /// Exact for every span a club file can hold ([`MAX_YEARS`]) added to a date bashgah
    /// accepts; a result past what the calendars can count is `NaiveDate::MAX` ("never")
    /// rather than a panic.
    pub fn after(self, date: NaiveDate, calendar: CalendarKind) -> NaiveDate {
        match self {
            Span::Days(days) => date
                .checked_add_days(Days::new(u64::from(days)))
                .unwrap_or(NaiveDate::MAX),
            Span::Months(months) => calendar.add_months(date, months),
        }
    }

    /// The most days this span can be in any calendar: a month is at most 31 days.
    pub fn longest_days(self) -> u32 {
        match self {
            Span::Days(days) => days,
            Span::Months(months) => months.saturating_mul(31),
        }
    }

    /// `date` minus this span, months counted in `calendar`.
    ///
    /// Exact within the same bounds as [`Span::after`]; a result before what the calendars
    /// can count is `NaiveDate::MIN` rather than a panic.
    pub fn before(self, date: NaiveDate, calendar: CalendarKind) -> NaiveDate {
        match self {
            Span::Days(days) => date
                .checked_sub_days(Days::new(u64::from(days)))
                .unwrap_or(NaiveDate::MIN),
            Span::Months(months) => {
                // The latest day that `months` later is ≤ `date`. `add_months` never goes
                // back in time, and a later start never ends earlier, so the days that
                // qualify are a prefix of the range: search it by halves. `months` months
                // are at most `months * 31` days, so the answer is not before `earliest`.
                let earliest = date
                    .checked_sub_days(Days::new(u64::from(months) * 31 + 31))
                    .unwrap_or(NaiveDate::MIN);
                let qualifies = |day: i32| {
                    NaiveDate::from_num_days_from_ce_opt(day)
                        .is_some_and(|day| calendar.add_months(day, months) <= date)
                };
                let (mut low, mut high) = (earliest.num_days_from_ce(), date.num_days_from_ce());
                if !qualifies(low) {
                    return earliest;
                }
                // Invariant: `low` qualifies, every day after `high` does not.
                while low < high {
                    let middle = low + (high - low + 1) / 2;
                    if qualifies(middle) {
                        low = middle;
                    } else {
                        high = middle - 1;
                    }
                }
                NaiveDate::from_num_days_from_ce_opt(low).unwrap_or(earliest)
            }
        }
    }
}

/// Why a text is not a span: not written as one, or longer than [`MAX_YEARS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanError {
    NotASpan,
    TooLong,
}

impl SpanError {
    /// The message for `text`, in the words `check` shows.
    pub fn message(self, text: &str) -> String {
        match self {
            SpanError::NotASpan => crate::tr!("club-not-a-span", text = text),
            SpanError::TooLong => crate::tr!(
                "club-span-too-long",
                text = text,
                years = MAX_YEARS,
                most_days = MAX_DAYS.to_string(),
                most_weeks = (MAX_DAYS / 7).to_string(),
                most_months = MAX_MONTHS.to_string(),
                most_years = MAX_YEARS.to_string()
            ),
        }
    }
}

impl Span {
    /// Reads `14d`, `2w`, `12m` or `1y`, telling a malformed text from one too long.
    pub fn parse(text: &str) -> Result<Span, SpanError> {
        let text = text.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .ok_or(SpanError::NotASpan)?;
        let (digits, unit) = text.split_at(split);
        let (multiplier, months, limit) = match unit {
            "d" => (1, false, MAX_DAYS),
            "w" => (7, false, MAX_DAYS),
            "m" => (1, true, MAX_MONTHS),
            "y" => (12, true, MAX_MONTHS),
            _ => return Err(SpanError::NotASpan),
        };
        if digits.is_empty() {
            return Err(SpanError::NotASpan);
        }
        // Checked, so that no number, however many digits, wraps round to a short span.
        let count = digits
            .parse::<u32>()
            .ok()
            .and_then(|n| n.checked_mul(multiplier))
            .filter(|&n| n <= limit)
            .ok_or(SpanError::TooLong)?;
        Ok(if months {
            Span::Months(count)
        } else {
            Span::Days(count)
        })
    }
}

impl FromStr for Span {
    type Err = String;

    fn from_str(text: &str) -> Result<Span, String> {
        Span::parse(text).map_err(|error| error.message(text.trim()))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Span::Days(days) => write!(f, "{days}d"),
            Span::Months(months) => write!(f, "{months}m"),
        }
    }
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Span, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Span {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Span".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]+[dwmy]$",
            "description": "A length of time: days (`14d`), weeks (`2w`), months (`12m`) or years (`1y`) in the club's calendar; at most 100 years (`36500d`, `5214w`, `1200m`, `100y`)."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_applies_spans() {
        assert_eq!("14d".parse(), Ok(Span::Days(14)));
        assert_eq!("2w".parse(), Ok(Span::Days(14)));
        assert_eq!("1y".parse(), Ok(Span::Months(12)));
        assert!("12 months".parse::<Span>().is_err());
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let g = CalendarKind::Gregorian;
        assert_eq!(Span::Months(12).after(d(2025, 1, 15), g), d(2026, 1, 15));
        assert_eq!(Span::Days(30).before(d(2025, 3, 1), g), d(2025, 1, 30));
        assert_eq!(Span::Months(1).before(d(2025, 3, 31), g), d(2025, 2, 28));
    }

    #[test]
    fn spans_are_at_most_a_hundred_years() {
        assert_eq!("36500d".parse(), Ok(Span::Days(MAX_DAYS)));
        assert_eq!("5214w".parse(), Ok(Span::Days(36_498)));
        assert_eq!("1200m".parse(), Ok(Span::Months(MAX_MONTHS)));
        assert_eq!("100y".parse(), Ok(Span::Months(MAX_MONTHS)));
        let too_long = |text: &str| Span::parse(text) == Err(SpanError::TooLong);
        assert!(too_long("36501d"));
        assert!(too_long("5215w"));
        assert!(too_long("1201m"));
        assert!(too_long("101y"));
        // Issue 11: these overflowed (`999999999w` silently, as `number * 7` in u32).
        assert!(too_long("99999999d"));
        assert!(too_long("999999999w"));
        assert!(too_long("999999999y"));
        assert!(too_long("99999999999999999999999d"));
        assert_eq!(
            "999999999w".parse::<Span>(),
            Err("`999999999w` is longer than 100 years, the longest length of time bashgah accepts; write at most `36500d`, `5214w`, `1200m` or `100y`".into())
        );
        assert_eq!(Span::parse("d"), Err(SpanError::NotASpan));
        assert_eq!(Span::parse("12"), Err(SpanError::NotASpan));
        assert_eq!(Span::parse("-5d"), Err(SpanError::NotASpan));
        assert_eq!(Span::parse("5 d"), Err(SpanError::NotASpan));
    }

    #[test]
    fn the_longest_span_from_the_accepted_dates_in_both_calendars() {
        use crate::calendar::{EARLIEST_DATE, LATEST_DATE};
        let (g, j) = (CalendarKind::Gregorian, CalendarKind::Jalali);
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for calendar in [g, j] {
            for span in [Span::Days(MAX_DAYS), Span::Months(MAX_MONTHS)] {
                let later = span.after(LATEST_DATE, calendar);
                assert!(
                    later > LATEST_DATE && later.year() <= 9101,
                    "{span} {calendar:?}"
                );
                let earlier = span.before(EARLIEST_DATE, calendar);
                assert!(
                    earlier < EARLIEST_DATE && earlier.year() >= 899,
                    "{span} {calendar:?}"
                );
                // Back and forth again: the calendars still count exactly there.
                assert_eq!(
                    span.before(span.after(EARLIEST_DATE, calendar), calendar),
                    EARLIEST_DATE
                );
            }
        }
        assert_eq!(
            Span::Months(MAX_MONTHS).after(LATEST_DATE, g),
            d(9100, 12, 31)
        );
        assert_eq!(Span::Days(MAX_DAYS).before(EARLIEST_DATE, g), d(900, 1, 25));
    }

    #[test]
    fn spans_never_panic_at_the_ends_of_time() {
        let g = CalendarKind::Gregorian;
        for calendar in [g, CalendarKind::Jalali] {
            for span in [Span::Days(u32::MAX), Span::Months(u32::MAX)] {
                assert_eq!(span.after(NaiveDate::MAX, calendar), NaiveDate::MAX);
                assert_eq!(span.before(NaiveDate::MIN, calendar), NaiveDate::MIN);
                assert!(span.after(NaiveDate::MIN, calendar) > NaiveDate::MIN);
                // Saturated, meaningless, but no panic.
                let _ = span.before(NaiveDate::MAX, calendar);
            }
        }
    }

    #[test]
    fn stepping_back_by_months_finds_the_latest_day() {
        // The search by halves agrees with walking day by day.
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for calendar in [CalendarKind::Gregorian, CalendarKind::Jalali] {
            for months in [0, 1, 2, 12, 13, 1200] {
                let mut date = d(2024, 2, 20);
                for _ in 0..50 {
                    let found = Span::Months(months).before(date, calendar);
                    assert!(calendar.add_months(found, months) <= date);
                    assert!(calendar.add_months(found + chrono::Duration::days(1), months) > date);
                    date += chrono::Duration::days(3);
                }
            }
        }
    }
}
