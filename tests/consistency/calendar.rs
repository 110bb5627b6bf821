//! The reference model's own calendars and clock: Gregorian and Jalali dates, start of
//! day in a club's zone, months added with the day clamped. Written from the calendars'
//! definitions (the Jalali one after Borkowski's algorithm, as in `jalaali-js`), sharing
//! nothing with the engine, so that a disagreement points at one of the two.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cal {
    Gregorian,
    Jalali,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    pub fn yaml(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }
}

/// A day written in a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    pub y: i32,
    pub m: u32,
    pub d: u32,
}

/// The Gregorian date of 1 Farvardin of Jalali year `jy`.
pub fn nowruz(jy: i32) -> NaiveDate {
    const BREAKS: [i32; 20] = [
        -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
        2394, 2456, 3178,
    ];
    // Truncating division and its remainder, as the reference implementation uses.
    let div = |a: i32, b: i32| a / b;
    let rem = |a: i32, b: i32| a - (a / b) * b;
    let gy = jy + 621;
    let mut leap_j = -14;
    let mut jp = BREAKS[0];
    let mut jump = 0;
    for &jm in &BREAKS[1..] {
        jump = jm - jp;
        if jy < jm {
            break;
        }
        leap_j += div(jump, 33) * 8 + div(rem(jump, 33), 4);
        jp = jm;
    }
    let n = jy - jp;
    leap_j += div(n, 33) * 8 + div(rem(n, 33) + 3, 4);
    if rem(jump, 33) == 4 && jump - n == 4 {
        leap_j += 1;
    }
    let leap_g = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
    let march = 20 + leap_j - leap_g;
    NaiveDate::from_ymd_opt(gy, 3, march as u32).expect("1 Farvardin falls in March")
}

fn jalali_leap(jy: i32) -> bool {
    (nowruz(jy + 1) - nowruz(jy)).num_days() == 366
}

impl Cal {
    pub fn yaml(self) -> &'static str {
        match self {
            Cal::Gregorian => "gregorian",
            Cal::Jalali => "jalali",
        }
    }

    pub fn month_len(self, y: i32, m: u32) -> u32 {
        match self {
            Cal::Gregorian => {
                let next = if m == 12 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(y, m + 1, 1)
                };
                let first = NaiveDate::from_ymd_opt(y, m, 1).expect("a month");
                (next.expect("a month") - first).num_days() as u32
            }
            Cal::Jalali => match m {
                1..=6 => 31,
                7..=11 => 30,
                _ if jalali_leap(y) => 30,
                _ => 29,
            },
        }
    }

    pub fn to_local(self, date: NaiveDate) -> Ymd {
        match self {
            Cal::Gregorian => Ymd {
                y: date.year(),
                m: date.month(),
                d: date.day(),
            },
            Cal::Jalali => {
                let mut jy = date.year() - 621;
                if date < nowruz(jy) {
                    jy -= 1;
                }
                let doy = (date - nowruz(jy)).num_days() as u32;
                let (m, d) = if doy < 186 {
                    (doy / 31 + 1, doy % 31 + 1)
                } else {
                    let rest = doy - 186;
                    (7 + rest / 30, rest % 30 + 1)
                };
                Ymd { y: jy, m, d }
            }
        }
    }

    pub fn date_of(self, y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        if !(1..=12).contains(&m) || d == 0 || d > self.month_len(y, m) {
            return None;
        }
        match self {
            Cal::Gregorian => NaiveDate::from_ymd_opt(y, m, d),
            Cal::Jalali => {
                let before = if m <= 7 {
                    (m - 1) * 31
                } else {
                    186 + (m - 7) * 30
                };
                Some(nowruz(y) + Duration::days(i64::from(before + d - 1)))
            }
        }
    }

    /// `date` plus `months` months, the day clamped to the target month's length.
    pub fn add_months(self, date: NaiveDate, months: u32) -> NaiveDate {
        let local = self.to_local(date);
        let total = local.y * 12 + local.m as i32 - 1 + months as i32;
        let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        let d = local.d.min(self.month_len(y, m));
        self.date_of(y, m, d).expect("a clamped day exists")
    }

    /// The latest day whose date `months` months later is on or before `date`.
    pub fn months_before(self, date: NaiveDate, months: u32) -> NaiveDate {
        let mut day = date;
        while self.add_months(day, months) > date {
            day -= Duration::days(1);
        }
        // Several days may map onto the same one (31, 30, 29 January + 1 month); the
        // latest of them.
        while self.add_months(day + Duration::days(1), months) <= date {
            day += Duration::days(1);
        }
        day
    }

    /// The first day of the period after the one holding `date`.
    pub fn start_of_next(self, period: Period, date: NaiveDate) -> NaiveDate {
        let local = self.to_local(date);
        let index = local.y * 12 + local.m as i32 - 1;
        let next = match period {
            Period::Month => index + 1,
            Period::Quarter => index - index.rem_euclid(3) + 3,
            Period::Year => index - index.rem_euclid(12) + 12,
        };
        self.date_of(next.div_euclid(12), next.rem_euclid(12) as u32 + 1, 1)
            .expect("the first of a month")
    }

    /// The first day of the calendar year holding `date`.
    pub fn year_start(self, date: NaiveDate) -> NaiveDate {
        self.date_of(self.to_local(date).y, 1, 1)
            .expect("the first of a year")
    }
}

/// The day `t` falls on in `zone`.
pub fn local_date(zone: Tz, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&zone).date_naive()
}

/// The instant `date` begins in `zone`: local midnight, or 01:00 where a clock change
/// skipped midnight (Tehran's summer time began at midnight until 2022).
pub fn start_of_day(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    for hour in [0, 1] {
        let local = date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("a time"));
        if let Some(t) = zone.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
    }
    panic!("no start of {date} in {zone}")
}

/// Known dates, so that a wrong model calendar fails here and not in a property.
#[test]
fn the_model_calendar_knows_nowruz_and_month_arithmetic() {
    let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let j = Cal::Jalali;
    assert_eq!(nowruz(1403), ymd(2024, 3, 20));
    assert_eq!(nowruz(1404), ymd(2025, 3, 21));
    assert_eq!(nowruz(1405), ymd(2026, 3, 21));
    assert_eq!(nowruz(1399), ymd(2020, 3, 20));
    assert_eq!(nowruz(1400), ymd(2021, 3, 21));
    assert!(jalali_leap(1403) && jalali_leap(1399) && !jalali_leap(1404));
    assert_eq!(j.date_of(1403, 12, 30), Some(ymd(2025, 3, 20)));
    assert_eq!(j.date_of(1404, 12, 30), None);
    assert_eq!(
        j.to_local(ymd(2025, 3, 20)),
        Ymd {
            y: 1403,
            m: 12,
            d: 30
        }
    );
    assert_eq!(
        j.to_local(ymd(2024, 12, 21)),
        Ymd {
            y: 1403,
            m: 10,
            d: 1
        }
    );
    // 31 Shahrivar 1403 + 1 month = 30 Mehr.
    assert_eq!(
        j.to_local(j.add_months(ymd(2024, 9, 21), 1)),
        Ymd {
            y: 1403,
            m: 7,
            d: 30
        }
    );
    let g = Cal::Gregorian;
    assert_eq!(g.add_months(ymd(2025, 1, 31), 1), ymd(2025, 2, 28));
    assert_eq!(g.months_before(ymd(2025, 3, 31), 1), ymd(2025, 2, 28));
    assert_eq!(g.months_before(ymd(2025, 3, 1), 1), ymd(2025, 2, 1));
    assert_eq!(
        g.start_of_next(Period::Quarter, ymd(2025, 5, 15)),
        ymd(2025, 7, 1)
    );
    assert_eq!(
        j.start_of_next(Period::Year, ymd(2025, 3, 20)),
        ymd(2025, 3, 21)
    );
    for jy in 1390..1420 {
        for m in 1..=12 {
            for d in 1..=j.month_len(jy, m) {
                let date = j.date_of(jy, m, d).unwrap();
                assert_eq!(j.to_local(date), Ymd { y: jy, m, d });
            }
        }
        assert_eq!(
            j.date_of(jy, 12, j.month_len(jy, 12)).unwrap() + Duration::days(1),
            nowruz(jy + 1)
        );
    }
    let tehran: Tz = "Asia/Tehran".parse().unwrap();
    // 1 Farvardin 1404 began at 20:30 UTC the evening before.
    assert_eq!(
        start_of_day(tehran, ymd(2025, 3, 21)),
        Utc.with_ymd_and_hms(2025, 3, 20, 20, 30, 0).unwrap()
    );
}
