//! Event times: what users write in files, turned into instants.
//!
//! Time is explicit in bashgah: every event carries its own time, and nothing reads the
//! wall clock while evaluating. A time without an offset is read in the club's timezone;
//! a date without a time means that day, from its first instant there ([`start_of_day`]).
//!
//! The date a user writes is read in the club's calendar by one rule, whether a time and
//! an offset follow or not ([`CalendarKind::read_date`]), with the digits of
//! [`crate::digits`] in the date and the time alike. It must be within the years
//! `calendar::EARLIEST_YEAR` to `calendar::LATEST_YEAR`, so that everything computed from
//! it (expiry dates, reviews, stored text) stays within what the calendars and the ledger
//! can count.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::calendar::CalendarKind;

/// Parses `2025-01-15`, `2025-01-15T10:30`, `2025-01-15 10:30:00`, `2025-01-15T10:30:00+03:30`
/// or, in a Jalali club, `1403-10-25 18:00` and `1403-10-25T18:00:00+03:30`; Persian and
/// Arabic-Indic digits anywhere. A date outside the years bashgah accepts is refused (see
/// [`CalendarKind::check_supported`]).
pub fn parse_event_time(
    text: &str,
    calendar: CalendarKind,
    zone: Tz,
) -> Result<DateTime<Utc>, String> {
    let written = text.trim();
    // Split what was written (not its ASCII form), so that messages quote it; the
    // separators are ASCII, so both split at the same place.
    let (date_part, time_part) = match written.split_once(['T', 't', ' ']) {
        Some((date, time)) => (date, Some(time.trim())),
        None => (written, None),
    };
    let date = calendar.read_date(date_part)?;
    // The date as written, so the message never contradicts what the user sees; the
    // instant is within a day of it (issue 11: `9999-12-31T23:59:59-23:59` is in year
    // 10000 UTC and panicked in the calendar).
    calendar.check_supported(date, written)?;
    let Some(time_part) = time_part else {
        return start_of_day(date, zone);
    };
    let not_a_time = || crate::tr!("rows-not-a-time", text = time_part);
    let ascii = crate::digits::to_ascii(time_part);
    let (clock, offset) = split_offset(&ascii).ok_or_else(not_a_time)?;
    let time = NaiveTime::parse_from_str(clock, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(clock, "%H:%M"))
        .map_err(|_| not_a_time())?;
    let local = NaiveDateTime::new(date, time);
    match offset {
        // A fixed offset names exactly one instant for every local time chrono counts.
        Some(offset) => offset
            .from_local_datetime(&local)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(not_a_time),
        None => local_to_utc(local, zone),
    }
}

/// `10:30:00+03:30` as the time and its offset; `Z` is UTC, and a time without one has
/// none. `None` if the offset is not `±HH:MM`, `±HHMM` or `±HH` within a day.
fn split_offset(text: &str) -> Option<(&str, Option<FixedOffset>)> {
    if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        return Some((clock.trim_end(), FixedOffset::east_opt(0)));
    }
    let Some(at) = text.rfind(['+', '-']) else {
        return Some((text, None));
    };
    let (clock, offset) = text.split_at(at);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits: String = offset[1..].chars().filter(|c| *c != ':').collect();
    let valid_shape = matches!(offset[1..].len(), 2 | 4 | 5)
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (offset.len() != 6 || offset.as_bytes()[3] == b':');
    if !valid_shape || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits
        .get(2..)
        .filter(|m| !m.is_empty())
        .map_or(Some(0), |m| m.parse().ok())?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    let offset = FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))?;
    Some((clock.trim_end(), Some(offset)))
}

/// The first instant of `date` in `zone`: midnight, or where the clocks skipped midnight
/// (Tehran kept daylight saving, starting at 00:00, until 2022), the instant the day began
/// there. A date without a time names the day, and every day that happened has a first
/// instant (issue 12: `1998-03-22` in an `Asia/Tehran` club was refused as "a
/// daylight-saving gap", and a real 1997–98 log lost 521 rows). Refused only for a day
/// the zone skipped whole (Pacific/Apia, 2011-12-30).
pub fn start_of_day(date: NaiveDate, zone: Tz) -> Result<DateTime<Utc>, String> {
    // Asked at nearly every event (lots' expiry dates, tier windows, deal periods, the
    // birthdays due), mostly for the same few days: the zone's rules through chrono-tz
    // were a sixth of catching a member up at a million purchases (issue 14).
    let slot = (date.num_days_from_ce() as usize ^ (zone as usize).wrapping_mul(31)) % DAY_STARTS;
    let known = KNOWN_DAY_STARTS.with(|known| known.borrow()[slot]);
    if let Some((known_date, known_zone, instant)) = known {
        if known_date == date && known_zone == zone {
            return Ok(instant);
        }
    }
    let instant = first_instant(date, zone)?;
    KNOWN_DAY_STARTS.with(|known| known.borrow_mut()[slot] = Some((date, zone, instant)));
    Ok(instant)
}

/// How many days' first instants a thread remembers ([`start_of_day`]).
const DAY_STARTS: usize = 64;

/// A day, a zone, and the first instant of that day there.
type DayStart = (NaiveDate, Tz, DateTime<Utc>);

thread_local! {
    /// The first instants worked out last, each in the slot of its day and zone.
    static KNOWN_DAY_STARTS: std::cell::RefCell<[Option<DayStart>; DAY_STARTS]> =
        const { std::cell::RefCell::new([None; DAY_STARTS]) };
}

/// [`start_of_day`], worked out from the zone's rules.
fn first_instant(date: NaiveDate, zone: Tz) -> Result<DateTime<Utc>, String> {
    let midnight = date.and_time(NaiveTime::MIN);
    if let Some(instant) = zone.from_local_datetime(&midnight).earliest() {
        return Ok(instant.with_timezone(&Utc));
    }
    // Midnight fell in a gap: the first second whose local time is past it. Local time is
    // increasing across a gap, and no zone is more than a day from UTC, so the answer is
    // within two days of midnight read as UTC; halving the interval finds it in 18 steps.
    let local = |seconds: i64| {
        DateTime::from_timestamp(seconds, 0).map(|t| t.with_timezone(&zone).naive_local())
    };
    let target = midnight.and_utc().timestamp();
    let (mut low, mut high) = (target - 2 * 86_400, target + 2 * 86_400);
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        match local(middle) {
            Some(time) if time >= midnight => high = middle,
            _ => low = middle,
        }
    }
    DateTime::from_timestamp(high, 0)
        .filter(|first| first.with_timezone(&zone).date_naive() == date)
        .ok_or_else(|| {
            crate::tr!(
                "rows-day-skipped",
                date = crate::locale::numerals(&date.to_string()),
                zone = zone.name()
            )
        })
}

/// The instant a wall-clock time in `zone` names; in a daylight-saving overlap the
/// earlier one, and in a gap an error (that time did not happen there).
pub fn local_to_utc(local: NaiveDateTime, zone: Tz) -> Result<DateTime<Utc>, String> {
    zone.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            crate::tr!(
                "rows-time-skipped",
                time = crate::locale::numerals(&local.to_string()),
                zone = zone.name()
            )
        })
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
    fn remembered_first_instants_are_the_ones_worked_out() {
        // More days and zones than the slots, so that they evict each other; every answer,
        // asked first or again, is the zone's rule's.
        let zones = [
            Tz::UTC,
            Tz::Asia__Tehran,
            Tz::Pacific__Apia,
            Tz::America__Sao_Paulo,
        ];
        let first = NaiveDate::from_ymd_opt(1998, 3, 1).expect("a date");
        for round in 0..3 {
            for day in (0..400).map(|n| first + chrono::Days::new(n * 7 + round)) {
                for zone in zones {
                    assert_eq!(
                        start_of_day(day, zone),
                        first_instant(day, zone),
                        "{day} {zone}"
                    );
                    assert_eq!(
                        start_of_day(day, zone),
                        first_instant(day, zone),
                        "{day} {zone}"
                    );
                }
            }
        }
        // A day the zone skipped is refused every time it is asked.
        let skipped = NaiveDate::from_ymd_opt(2011, 12, 30).expect("a date");
        assert!(start_of_day(skipped, Tz::Pacific__Apia).is_err());
        assert!(start_of_day(skipped, Tz::Pacific__Apia).is_err());
        assert!(start_of_day(skipped, Tz::UTC).is_ok());
    }

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
        let t = parse_event_time("1700-01-02T03:04:05Z", CalendarKind::Gregorian, tehran).unwrap();
        assert_eq!(stored(t), "1700-01-02T03:04:05Z");
        // Offsets in the forms people write them, and fractions of a second.
        for text in [
            "2025-01-15T10:30:00+03:30",
            "2025-01-15 10:30:00 +03:30",
            "2025-01-15T10:30+0330",
            "2025-01-15T07:00:00.000Z",
            "2025-01-15t07:00z",
        ] {
            let t = parse_event_time(text, CalendarKind::Gregorian, tehran).unwrap();
            assert_eq!(stored(t), "2025-01-15T07:00:00Z", "{text}");
        }
        let t = parse_event_time("2025-01-15T10:30-03", CalendarKind::Gregorian, tehran).unwrap();
        assert_eq!(stored(t), "2025-01-15T13:30:00Z");
        for bad in [
            "2025-01-15T10:30+24:00",
            "2025-01-15T10:30+3:30",
            "2025-01-15T",
            "2025-01-15T10:30Q",
        ] {
            assert!(
                parse_event_time(bad, CalendarKind::Gregorian, tehran).is_err(),
                "{bad}"
            );
        }
    }

    /// Issue 12: Persian digits worked in dates but not in times; Arabic-Indic digits in
    /// neither.
    #[test]
    fn persian_and_arabic_indic_digits_in_dates_and_times() {
        let tehran: Tz = "Asia/Tehran".parse().unwrap();
        for text in [
            "۱۴۰۳-۱۰-۲۶ ۱۰:۳۰",
            "١٤٠٣-١٠-٢٦ ١٠:٣٠",
            "۱۴۰۳/۱۰/۲۶T۱۰:۳۰:۰۰+۰۳:۳۰",
        ] {
            let t = parse_event_time(text, CalendarKind::Jalali, tehran).unwrap();
            assert_eq!(stored(t), "2025-01-15T07:00:00Z", "{text}");
        }
        assert_eq!(
            parse_event_time("۱۴۰۳-۱۰-۲۶ ۲۵:۰۰", CalendarKind::Jalali, tehran),
            Err("`۲۵:۰۰` is not a time of day; write it as HH:MM or HH:MM:SS, with an offset (+03:30, Z) if it is not the club's time".into())
        );
    }

    /// Issue 12: in a Jalali club a date with a time and an offset was read as a
    /// Gregorian date (`1403-11-20T10:30:00+03:30` was in the year 1403 AD).
    #[test]
    fn a_date_with_an_offset_is_read_in_the_club_calendar_like_any_other() {
        let tehran: Tz = "Asia/Tehran".parse().unwrap();
        let (g, j) = (CalendarKind::Gregorian, CalendarKind::Jalali);
        let t = parse_event_time("1403-11-20T10:30:00+03:30", j, tehran).unwrap();
        assert_eq!(stored(t), "2025-02-08T07:00:00Z");
        assert_eq!(j.format(t.date_naive()), "1403-11-20");
        // From 1700 on a year is Gregorian in a Jalali club too, offset or not: what tills
        // and web shops send.
        let t = parse_event_time("2025-02-08T10:30:00+03:30", j, tehran).unwrap();
        assert_eq!(stored(t), "2025-02-08T07:00:00Z");
        // In a Gregorian club a Jalali year is refused, offset or not.
        assert_eq!(
            parse_event_time("1403-11-20T10:30:00+03:30", g, tehran),
            Err("`1403-11-20` looks like a Jalali date, but this club's calendar is gregorian; write the Gregorian date or set `calendar: jalali`".into())
        );
    }

    /// Issue 12: Tehran kept daylight saving until 2022, and its clocks went from 00:00 to
    /// 01:00 on the first day of it, so those days had no midnight.
    #[test]
    fn a_date_without_a_time_is_the_first_instant_of_that_day() {
        let tehran: Tz = "Asia/Tehran".parse().unwrap();
        let (g, j) = (CalendarKind::Gregorian, CalendarKind::Jalali);
        let first = parse_event_time("1998-03-22", g, tehran).unwrap();
        assert_eq!(stored(first), "1998-03-21T20:30:00Z");
        assert_eq!(
            first.with_timezone(&tehran).to_rfc3339(),
            "1998-03-22T01:00:00+04:30"
        );
        // The second before it was still the day before, at +03:30.
        let before = first - chrono::Duration::seconds(1);
        assert_eq!(
            before.with_timezone(&tehran).to_rfc3339(),
            "1998-03-21T23:59:59+03:30"
        );
        // The same day written in the Jalali calendar (2 Farvardin 1377).
        assert_eq!(parse_event_time("1377-01-02", j, tehran), Ok(first));
        // A time inside the gap did not happen: that is still refused.
        assert_eq!(
            parse_event_time("1998-03-22 00:30", g, tehran),
            Err("1998-03-22 00:30:00 did not happen in Asia/Tehran (a daylight-saving gap)".into())
        );
        // An ordinary day starts at midnight; a day the zone skipped whole is refused.
        let t = parse_event_time("1998-03-23", g, tehran).unwrap();
        assert_eq!(stored(t), "1998-03-22T19:30:00Z");
        let apia: Tz = "Pacific/Apia".parse().unwrap();
        assert_eq!(
            parse_event_time("2011-12-30", g, apia),
            Err(
                "2011-12-30 did not happen in Pacific/Apia: its clocks skipped the whole day"
                    .into()
            )
        );
        let t = parse_event_time("2011-12-31", g, apia).unwrap();
        assert_eq!(stored(t), "2011-12-30T10:00:00Z");
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
            parse_event_time("0300-12-29T23:59:59Z", j, tehran),
            Err("`0300-12-29T23:59:59Z` is outside the dates bashgah accepts (years 1000–9000; in the Jalali calendar 0378-10-11 to 8379-10-11)".into())
        );
        assert!(parse_event_time("9001-01-01 00:00", g, tehran).is_err());
        assert!(parse_event_time("9999-12-31", j, tehran).is_err());
        assert!(parse_event_time("0300-01-01", j, tehran).is_err());
        // The edges themselves, with the widest offsets bashgah reads.
        let t = parse_event_time("9000-12-31T23:59:59-23:59", g, tehran).unwrap();
        assert_eq!(stored(t), "9001-01-01T23:58:59Z");
        let t = parse_event_time("0378-10-11T00:00:00+23:59", j, tehran).unwrap();
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
