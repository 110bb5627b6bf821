//! Event times: what users write in files, turned into instants.
//!
//! Time is explicit in bashgah: every event carries its own time, and nothing reads the
//! wall clock while evaluating. A time without an offset is read in the club's timezone;
//! a date without a time means the start of that day there.

use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::calendar::CalendarKind;

/// Parses `2025-01-15`, `2025-01-15T10:30`, `2025-01-15 10:30:00`, `2025-01-15T10:30:00+03:30`
/// or, in a Jalali club, `1403-10-25 18:00`.
pub fn parse_event_time(
    text: &str,
    calendar: CalendarKind,
    zone: Tz,
) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
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
        let t = parse_event_time("0999-01-02T03:04:05Z", CalendarKind::Gregorian, tehran).unwrap();
        assert_eq!(stored(t), "0999-01-02T03:04:05Z");
    }
}
