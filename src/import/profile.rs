//! Applying an import profile (`import.profiles.<name>` in club.yaml, see
//! `crate::club::ImportProfile`): a client's export read as it is.
//!
//! A profile works in two places. Its column names apply where the file's names are read —
//! the CSV header, once, or each JSON Lines object's keys — so that a missing column is
//! reported once, at the header ([`HeaderMap`]). Its value rules (the date format and
//! calendar, the amount unit, constants) rewrite each row's text into what bashgah reads
//! anyway ([`Profile::apply`]): a row then goes through the same parsing as any other, so
//! a profile cannot make an import accept what the canonical format would refuse.

use chrono::format::{parse, Parsed, StrftimeItems};
use chrono::NaiveTime;
use rust_decimal::Decimal;

use super::header_map::HeaderMap;
use super::json::Field;
use super::report::RowProblem;
use super::rows::{Row, Rows};
use crate::calendar::CalendarKind;
use crate::club::{ImportProfile, IGNORE};

/// A profile ready to apply to one club's rows.
#[derive(Debug, Clone)]
pub struct Profile {
    name: String,
    headers: HeaderMap,
    date_format: Option<String>,
    /// The calendar the file's dates are written in.
    file_calendar: CalendarKind,
    club_calendar: CalendarKind,
    amount_unit: Option<Decimal>,
    constants: Vec<(String, String)>,
}

/// Columns holding dates a profile's date format applies to.
const DATE_COLUMNS: [&str; 2] = ["date", "joined"];
/// Columns holding amounts a profile's unit applies to.
const AMOUNT_COLUMNS: [&str; 2] = ["amount", "credit_used"];

impl Profile {
    /// `profile` (called `name`) for a club whose calendar is `club_calendar`.
    pub fn new(name: &str, profile: &ImportProfile, club_calendar: CalendarKind) -> Profile {
        let names = profile
            .columns
            .iter()
            .map(|(source, target)| {
                let target = (target != IGNORE).then(|| target.to_lowercase());
                (source.trim().to_lowercase(), target)
            })
            .collect();
        Profile {
            name: name.to_owned(),
            headers: HeaderMap::new(names),
            date_format: profile.date_format.clone(),
            file_calendar: profile.calendar.unwrap_or(club_calendar),
            club_calendar,
            amount_unit: profile.amount_unit,
            constants: profile
                .constants
                .iter()
                .map(|(k, v)| (k.to_lowercase(), v.clone()))
                .collect(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The rows with the profile's value rules applied; a value it cannot read fails its
    /// row only, naming the column.
    pub fn apply(self, rows: Rows) -> Rows {
        Box::new(rows.map(move |row| row.and_then(|row| self.apply_row(row))))
    }

    fn apply_row(&self, mut row: Row) -> Result<Row, RowProblem> {
        for (column, value) in &self.constants {
            if row.text(column)?.is_none() {
                row.fields
                    .insert(column.clone(), Field::Text(value.clone()));
            }
        }
        for column in DATE_COLUMNS {
            if let Some(text) = row.text(column)? {
                let rewritten = self
                    .date(text)
                    .map_err(|message| row.problem(column, message))?;
                row.fields.insert(column.to_owned(), Field::Text(rewritten));
            }
        }
        if let Some(unit) = self.amount_unit {
            for column in AMOUNT_COLUMNS {
                if let Some((amount, written)) = row.number(column)? {
                    let scaled = crate::amount::mul(amount, unit)
                        .ok()
                        .filter(|scaled| scaled.abs() <= crate::amount::LARGEST)
                        .ok_or_else(|| {
                            row.problem(
                                column,
                                crate::tr!(
                                    "rows-profile-unit-too-large",
                                    written = written.as_str(),
                                    unit = crate::locale::numerals(&unit.to_string())
                                ),
                            )
                        })?;
                    row.fields.insert(
                        column.to_owned(),
                        Field::Text(scaled.normalize().to_string()),
                    );
                }
            }
        }
        Ok(row)
    }

    /// A date written the profile's way, as bashgah reads dates in this club: the date in
    /// the club's calendar, the time, and the offset if the file gave one.
    fn date(&self, text: &str) -> Result<String, String> {
        let Some(format) = &self.date_format else {
            if self.file_calendar == self.club_calendar {
                return Ok(text.to_owned());
            }
            // Only the calendar differs: read the date part in the file's calendar.
            let (date, rest) = match text.split_once(['T', ' ']) {
                Some((date, rest)) => (date, Some(rest)),
                None => (text, None),
            };
            let day = self.file_calendar.parse_date(date)?;
            let date = self.club_calendar.format(day);
            return Ok(match rest {
                Some(rest) => format!("{date}T{rest}"),
                None => date,
            });
        };
        let digits = crate::digits::to_ascii(text);
        let mut parsed = Parsed::new();
        parse(&mut parsed, digits.trim(), StrftimeItems::new(format)).map_err(|e| {
            crate::tr!(
                "rows-profile-not-date",
                text = text,
                format = format,
                reason = e.to_string()
            )
        })?;
        // The fields as written, not validated as a Gregorian date: the file's calendar
        // may be Jalali (1403-12-30 is no Gregorian date).
        let (Some(year), Some(month), Some(day)) = (parsed.year(), parsed.month(), parsed.day())
        else {
            return Err(crate::tr!(
                "rows-profile-no-whole-date",
                text = text,
                format = format
            ));
        };
        let about =
            |message: String| crate::tr!("rows-profile-date", text = text, message = message);
        let month = u8::try_from(month).map_err(|_| {
            about(crate::tr!(
                "rows-profile-no-month",
                month = crate::locale::numerals(&month.to_string())
            ))
        })?;
        let day_of_month = u8::try_from(day).map_err(|_| {
            about(crate::tr!(
                "rows-profile-no-day",
                day = crate::locale::numerals(&day.to_string())
            ))
        })?;
        let date = self
            .file_calendar
            .from_local(year, month, day_of_month)
            .map_err(about)?;
        let date = self.file_calendar.check_supported(date, text)?;
        let mut out = self.club_calendar.format(date);
        if let Some(hour) = parsed.hour_div_12().zip(parsed.hour_mod_12()) {
            let hour = hour.0 * 12 + hour.1;
            let minute = parsed.minute().unwrap_or(0);
            let second = parsed.second().unwrap_or(0);
            let time = NaiveTime::from_hms_opt(hour, minute, second)
                .ok_or_else(|| crate::tr!("rows-profile-no-such-time", text = text))?;
            out.push_str(&time.format("T%H:%M:%S").to_string());
            if let Some(offset) = parsed.offset() {
                let sign = if offset < 0 { '-' } else { '+' };
                let minutes = offset.unsigned_abs() / 60;
                out.push_str(&format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
            }
        }
        Ok(out)
    }
}
