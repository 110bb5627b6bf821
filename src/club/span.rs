//! Lengths of time written in club files: `14d`, `2w`, `12m`, `1y`.
//!
//! Months and years are counted in the club's calendar (a Jalali month is 29 to 31 days),
//! so a span is kept as days or months, not as a fixed duration.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::CalendarKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Days(u32),
    Months(u32),
}

impl Span {
    /// `date` plus this span, months counted in `calendar`.
    pub fn after(self, date: NaiveDate, calendar: CalendarKind) -> NaiveDate {
        match self {
            Span::Days(days) => date + chrono::Duration::days(i64::from(days)),
            Span::Months(months) => calendar.add_months(date, months),
        }
    }

    /// `date` minus this span, months counted in `calendar`.
    pub fn before(self, date: NaiveDate, calendar: CalendarKind) -> NaiveDate {
        match self {
            Span::Days(days) => date - chrono::Duration::days(i64::from(days)),
            Span::Months(months) => {
                // Step back by whole months: the latest day that `months` later is ≤ `date`.
                let mut guess = date - chrono::Duration::days(i64::from(months) * 31 + 31);
                while calendar.add_months(guess + chrono::Duration::days(1), months) <= date {
                    guess += chrono::Duration::days(1);
                }
                guess
            }
        }
    }
}

impl FromStr for Span {
    type Err = String;

    fn from_str(text: &str) -> Result<Span, String> {
        let text = text.trim();
        let bad =
            || format!("`{text}` is not a length of time; write e.g. `14d`, `2w`, `12m` or `1y`");
        let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let number: u32 = text[..split].parse().map_err(|_| bad())?;
        match &text[split..] {
            "d" => Ok(Span::Days(number)),
            "w" => Ok(Span::Days(number * 7)),
            "m" => Ok(Span::Months(number)),
            "y" => Ok(Span::Months(number * 12)),
            _ => Err(bad()),
        }
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
            "description": "A length of time: days (`14d`), weeks (`2w`), months (`12m`) or years (`1y`) in the club's calendar."
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
}
