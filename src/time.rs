//! Event times: what users write in files, turned into instants.
//!
//! Time is explicit in bashgah: every event carries its own time, and nothing reads the
//! wall clock while evaluating. A time without an offset is read in the club's timezone;
//! a date without a time means the start of that day there.
//!
//! The date a user writes must be within the years `calendar::EARLIEST_YEAR` to
//! `calendar::LATEST_YEAR`, so that everything computed from it (expiry dates, reviews,
//! stored text) stays within what the calendars and the ledger can count.

use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::calendar::CalendarKind;

/// Parses `2025-01-15`, `2025-01-15T10:30`, `2025-01-15 10:30:00`, `2025-01-15T10:30:00+03:30`
/// or, in a Jalali club, `1403-10-25 18:00`; a date outside the years bashgah accepts is
/// refused (see [`CalendarKind::check_supported`]).
pub fn parse_event_time(
    text: &str,
    calendar: CalendarKind,
    zone: Tz,
) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        // The date as written, so the message never contradicts what the user sees; the
        // instant is within a day of it (issue 11: `9999-12-31T23:59:59-23:59` is in year
        // 10000 UTC and panicked in the calendar).
        calendar.check_supported(instant.date_naive(), text)?;
        return Ok(instant.with_timezone(&Utc));
    }
    let (date_part, time_part) = match text.split_once(['T', ' ']) {
        Some((date, time)) => (date, Some(time.trim())),
        None => (text, None),
    };
    let date = calendar.parse_date(date_part)?;
    let time = match time_part {
        None => NaiveTime::MIN,
        Some(time) => NaiveTime::parse_from_str(time, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
            .map_err(|_| format!("`{time}` is not a time of day; write it as HH:MM or HH:MM:SS"))?,
    };
    local_to_utc(NaiveDateTime::new(date, time), zone)
}

/// The instant a wall-clock time in `zone` names; in a daylight-saving overlap the
/// earlier one, and in a gap an error (that time did not happen there).
pub fn local_to_utc(local: NaiveDateTime, zone: Tz) -> Result<DateTime<Utc>, String> {
    zone.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{local} did not happen in {zone} (a daylight-saving gap)"))
}

/// The format instants are stored in: sortable as text, second precision, always UTC.
pub fn stored(instant: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let (date, time) = (instant.date_naive(), instant.time());
    let year = date.year();
    if !(0..=9999).contains(&year) {
        return instant.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    }
    // Written by hand: chrono's formatter is measurably slow on the import path.
    fn two_digits(out: &mut String, n: u32) {
        out.push(char::from(b'0' + (n / 10 % 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    }
    let mut out = String::with_capacity(20);
    two_digits(&mut out, year as u32 / 100);
    two_digits(&mut out, year as u32 % 100);
    for (separator, value) in [
        ('-', date.month()),
        ('-', date.day()),
        ('T', time.hour()),
        (':', time.minute()),
        (':', time.second()),
    ] {
        out.push(separator);
        two_digits(&mut out, value);
    }
    out.push('Z');
    out
}

/// Reads an instant written by [`stored`].
pub fn from_stored(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_local_times_in_the_club_zone() {
        let tehran: Tz = "Asia/Tehran".parse().unwrap();
        let t = parse_event_time("2025-01-15 10:30", CalendarKind::Gregorian, tehran).unwrap();
        assert_eq!(stored(t), "2025-01-15T07:00:00Z");
        let t = parse_event_time("1403-10-26T10:30:00", CalendarKind::Jalali, tehran).unwrap();
        assert_eq!(stored(t), "2025-01-15T07:00:00Z");
        let t = parse_event_time("2025-01-15T10:30:00Z", CalendarKind::Jalali, tehran).unwrap();
        assert_eq!(stored(t), "2025-01-15T10:30:00Z");
        assert!(parse_event_time("2025-01-15 25:00", CalendarKind::Gregorian, tehran).is_err());
        let t = parse_event_time("1000-01-02T03:04:05Z", CalendarKind::Gregorian, tehran).unwrap();
        assert_eq!(stored(t), "1000-01-02T03:04:05Z");
    }

    #[test]
    fn dates_outside_the_accepted_years_are_refused() {
        let tehran: Tz = "Asia/Tehran".parse().unwrap();
        let (g, j) = (CalendarKind::Gregorian, CalendarKind::Jalali);
        assert_eq!(
            parse_event_time("9999-12-31T23:59:59-23:59", g, tehran),
            Err("`9999-12-31T23:59:59-23:59` is outside the dates bashgah accepts (years 1000–9000)".into())
        );
        assert_eq!(
            parse_event_time("0999-12-31T23:59:59Z", j, tehran),
            Err("`0999-12-31T23:59:59Z` is outside the dates bashgah accepts (years 1000–9000; in the Jalali calendar 0378-10-11 to 8379-10-11)".into())
        );
        assert!(parse_event_time("9001-01-01 00:00", g, tehran).is_err());
        assert!(parse_event_time("9999-12-31", j, tehran).is_err());
        assert!(parse_event_time("0300-01-01", j, tehran).is_err());
        // The edges themselves, with the widest offsets chrono reads.
        let t = parse_event_time("9000-12-31T23:59:59-23:59", g, tehran).unwrap();
        assert_eq!(stored(t), "9001-01-01T23:58:59Z");
        let t = parse_event_time("1000-01-01T00:00:00+23:59", j, tehran).unwrap();
        assert_eq!(stored(t), "0999-12-31T00:01:00Z");
        let t = parse_event_time("9000-12-31 23:59:59", j, tehran).unwrap();
        assert_eq!(stored(t), "9000-12-31T20:29:59Z");
        assert!(parse_event_time("1700-01-01", g, tehran).is_ok());
    }

    #[test]
    fn instants_outside_four_digit_years_are_stored_all_the_same() {
        use chrono::TimeZone;
        let early = Utc.with_ymd_and_hms(999, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(stored(early), "0999-01-02T03:04:05Z");
        assert_eq!(from_stored(&stored(early)), Some(early));
        let late = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(stored(late), "+10000-01-01T00:00:00Z");
    }
}
