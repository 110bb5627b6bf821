//! The byte codec of a member's facts kept compact in memory: integers of variable
//! length, times as differences from the one before, exact decimals, texts once in a
//! table, events named by their place in the book. The recorder's forgotten books and a
//! book's sealed lots ([`super::lots`]) are written and read with it.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Timelike, Utc};
use rust_decimal::Decimal;

use super::history::EventFact;

/// Seconds in a day of UTC (times are kept as seconds since 1970 and nanoseconds).
pub(crate) const SECONDS_A_DAY: i64 = 86_400;

/// A text table's texts (their count, then each one's length and bytes), added to
/// `table`.
pub(crate) fn read_table<'b>(reader: &mut Reader<'b>, table: &mut Vec<&'b str>) -> Option<()> {
    let texts = reader.count()?;
    table.reserve(texts.min(reader.bytes.len()));
    for _ in 0..texts {
        let len = reader.count()?;
        let text = reader.take(len)?;
        table.push(std::str::from_utf8(text).ok()?);
    }
    Some(())
}

/// A text named by its place in `table`, as an owned string.
pub(crate) fn read_text(reader: &mut Reader, table: &[&str]) -> Option<String> {
    let index = reader.count()?;
    table.get(index).map(|t| (*t).to_owned())
}

/// An event named by its place among `events` (from 1), or (0) by a text of `table`.
pub(crate) fn read_event(
    reader: &mut Reader,
    events: &[EventFact],
    table: &[&str],
) -> Option<Arc<str>> {
    match reader.count()? {
        0 => Some(Arc::from(*table.get(reader.count()?)?)),
        at => Some(Arc::clone(&events.get(at - 1)?.id)),
    }
}

pub(crate) struct Writer<'a> {
    pub(crate) bytes: Vec<u8>,
    /// Texts in the order first met, at places from `base` on (a segment's continue
    /// those of the segments before it); `index` finds a text's place (with a fast
    /// hash: SipHash was a fifth of compacting a book).
    pub(crate) table: Vec<&'a str>,
    pub(crate) base: usize,
    index: rustc_hash::FxHashMap<&'a str, usize>,
    /// The book's events: entries and lots name theirs by place, mostly in the same
    /// order, so the next one is looked for first (hashing every text was a tenth of
    /// the deciding thread's time at a million purchases).
    events: &'a [EventFact],
    pub(crate) next_event: usize,
    /// Shared texts (rule names, policy versions) by address, with their places: a book
    /// has a few.
    pub(crate) shared: Vec<((*const u8, usize), usize)>,
    last_time: i64,
    /// The day of the time written last, and its first second ([`Writer::time`]).
    last_day: (NaiveDate, i64),
}

impl<'a> Writer<'a> {
    /// A writer whose entries or lots belong to `events`, the first of them looked for
    /// at `next_event`.
    pub(crate) fn for_events(events: &'a [EventFact], next_event: usize) -> Writer<'a> {
        Writer {
            bytes: Vec::new(),
            table: Vec::new(),
            base: 0,
            index: Default::default(),
            events,
            next_event,
            shared: Vec::new(),
            last_time: 0,
            last_day: (
                NaiveDate::MIN,
                NaiveDate::MIN
                    .and_time(NaiveTime::MIN)
                    .and_utc()
                    .timestamp(),
            ),
        }
    }

    /// The table (its count, then each text's length and bytes), then the body, added
    /// to `out`.
    pub(crate) fn finish_into(self, out: &mut Vec<u8>) {
        let mut head = Writer::for_events(&[], 0);
        head.count(self.table.len());
        let table_bytes: usize = self.table.iter().map(|t| t.len() + 2).sum();
        out.reserve(head.bytes.len() + table_bytes + self.bytes.len());
        out.append(&mut head.bytes);
        for text in &self.table {
            head.count(text.len());
            out.append(&mut head.bytes);
            out.extend_from_slice(text.as_bytes());
        }
        out.extend_from_slice(&self.bytes);
    }

    pub(crate) fn byte(&mut self, value: u8) {
        self.bytes.push(value);
    }

    /// Seven bits a byte, low first; the top bit says another byte follows.
    pub(crate) fn wide(&mut self, mut value: u128) {
        while value >= 0x80 {
            self.bytes.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    pub(crate) fn count(&mut self, value: usize) {
        self.wide(value as u128);
    }

    /// Zig-zag: small negative numbers stay short too.
    pub(crate) fn int(&mut self, value: i64) {
        self.wide(((value << 1) ^ (value >> 63)) as u64 as u128);
    }

    /// The text's place, added to the table if new.
    pub(crate) fn place(&mut self, text: &'a str) -> usize {
        let next = self.base + self.table.len();
        let index = *self.index.entry(text).or_insert(next);
        if index == next {
            self.table.push(text);
        }
        index
    }

    pub(crate) fn text(&mut self, text: &'a str) {
        let index = self.place(text);
        self.count(index);
    }

    /// The event an entry or lot belongs to: its place among the book's events, from 1
    /// (the one after the event named last, or the same one again: the same copy of its
    /// id, mostly, [`MemberBook::event_text`]), or 0 and its text.
    pub(crate) fn event(&mut self, id: &'a Arc<str>) {
        let candidates = [self.next_event, self.next_event.wrapping_sub(1)];
        // The same copy first, anywhere (an address is cheaper to compare than a text:
        // ids are mostly of one length, so texts that differ are compared whole), then
        // the same text where it is expected.
        let found = candidates
            .into_iter()
            .find(|&at| self.events.get(at).is_some_and(|e| Arc::ptr_eq(&e.id, id)))
            .or_else(|| self.events.iter().rposition(|e| Arc::ptr_eq(&e.id, id)))
            .or_else(|| {
                candidates
                    .into_iter()
                    .find(|&at| self.events.get(at).is_some_and(|e| e.id == *id))
            });
        match found {
            Some(at) => {
                self.next_event = at + 1;
                self.count(at + 1);
            }
            None => {
                self.count(0);
                self.text(id);
            }
        }
    }

    /// A shared text ([`shared_text`]): the same address is the same text.
    pub(crate) fn shared(&mut self, text: &'a Arc<str>) {
        let address = (text.as_ptr(), text.len());
        let found = self.shared.iter().find(|(known, _)| *known == address);
        let index = match found {
            Some(&(_, index)) => index,
            None => {
                let index = self.place(text);
                self.shared.push((address, index));
                index
            }
        };
        self.count(index);
    }

    /// `None` as a zero byte, or a one and what `write` writes.
    pub(crate) fn optional<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Self, T)) {
        match value {
            None => self.byte(0),
            Some(value) => {
                self.byte(1);
                write(self, value);
            }
        }
    }

    pub(crate) fn optional_text(&mut self, text: Option<&'a str>) {
        match text {
            None => self.byte(0),
            Some(text) => {
                self.byte(1);
                self.text(text);
            }
        }
    }

    /// Seconds as the difference from the time written before, then nanoseconds.
    pub(crate) fn time(&mut self, time: DateTime<Utc>) {
        let naive = time.naive_utc();
        let date = naive.date();
        // The day's first second, kept from the time before when it fell on the same
        // day (an event's entries share its time): a count of days from a date is a few
        // divisions and a table look-up.
        if date != self.last_day.0 {
            let (last_date, last_first) = self.last_day;
            let first = if date.year() == last_date.year() {
                // Within a year the days between are the difference of the days' ordinals.
                let days = i64::from(date.ordinal()) - i64::from(last_date.ordinal());
                last_first + days * SECONDS_A_DAY
            } else {
                date.and_time(NaiveTime::MIN).and_utc().timestamp()
            };
            self.last_day = (date, first);
        }
        let seconds = self.last_day.1 + i64::from(naive.time().num_seconds_from_midnight());
        self.int(seconds.wrapping_sub(self.last_time));
        self.last_time = seconds;
        self.count(time.timestamp_subsec_nanos() as usize);
    }

    /// The scale and sign in one byte, then the 96-bit mantissa: exact, sign of zero and
    /// trailing zeros included.
    pub(crate) fn decimal(&mut self, value: Decimal) {
        let raw = value.serialize();
        self.byte(raw[2] | (raw[3] & 0x80));
        let mut mantissa = [0u8; 16];
        mantissa[..12].copy_from_slice(&raw[4..16]);
        self.wide(u128::from_le_bytes(mantissa));
    }
}

pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
    last_time: i64,
    /// The day of the time read last, as days since 1970 and as a date: an event's
    /// entries share its time, so most times read fall on the day of the one before (a
    /// date from a count of days is a few divisions and a table look-up).
    last_day: (i64, NaiveDate),
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            bytes,
            at: 0,
            last_time: 0,
            last_day: (0, NaiveDate::default()),
        }
    }

    pub(crate) fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    pub(crate) fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(len)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    pub(crate) fn wide(&mut self) -> Option<u128> {
        // Most are counts, places and small differences: one byte.
        if let Some(&byte) = self.bytes.get(self.at).filter(|&&b| b < 0x80) {
            self.at += 1;
            return Some(u128::from(byte));
        }
        let mut value = 0u128;
        for shift in (0..128).step_by(7) {
            let byte = self.byte()?;
            value |= u128::from(byte & 0x7f).checked_shl(shift)?;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    }

    pub(crate) fn count(&mut self) -> Option<usize> {
        usize::try_from(self.wide()?).ok()
    }

    /// What [`Writer::optional`] wrote, with `read` reading the value; `None` if the
    /// bytes are not that.
    pub(crate) fn optional<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(read(self)?)),
            _ => None,
        }
    }

    pub(crate) fn int(&mut self) -> Option<i64> {
        let zigzag = u64::try_from(self.wide()?).ok()?;
        Some(((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64))
    }

    pub(crate) fn time(&mut self) -> Option<DateTime<Utc>> {
        let seconds = self.last_time.checked_add(self.int()?)?;
        self.last_time = seconds;
        let nanos = u32::try_from(self.count()?).ok()?;
        let (days, of_day) = (
            seconds.div_euclid(SECONDS_A_DAY),
            seconds.rem_euclid(SECONDS_A_DAY),
        );
        let date = if days == self.last_day.0 {
            self.last_day.1
        } else {
            // Counted from the day before: within its year that is a sum (the lots and
            // events of a book fall mostly in one year or two), else the full reckoning.
            let (last_days, last_date) = self.last_day;
            let after = days
                .checked_sub(last_days)
                .map(|d| (d.unsigned_abs(), d > 0));
            let date = match after {
                Some((by, true)) => last_date.checked_add_days(Days::new(by)),
                Some((by, false)) => last_date.checked_sub_days(Days::new(by)),
                None => None,
            };
            let date = match date {
                Some(date) => date,
                None => DateTime::from_timestamp(days.checked_mul(SECONDS_A_DAY)?, 0)?.date_naive(),
            };
            self.last_day = (days, date);
            date
        };
        // As `DateTime::from_timestamp(seconds, nanos)` would make it (a leap second's
        // nanoseconds past a billion included).
        let time =
            NaiveTime::from_num_seconds_from_midnight_opt(u32::try_from(of_day).ok()?, nanos)?;
        Some(date.and_time(time).and_utc())
    }

    pub(crate) fn decimal(&mut self) -> Option<Decimal> {
        let flags = self.byte()?;
        let scale = flags & 0x7f;
        if scale > 28 {
            return None;
        }
        let mantissa = self.wide()?;
        if mantissa >> 96 != 0 {
            return None;
        }
        let mut raw = [0u8; 16];
        raw[2] = scale;
        raw[3] = flags & 0x80;
        raw[4..16].copy_from_slice(&mantissa.to_le_bytes()[..12]);
        Some(Decimal::deserialize(raw))
    }
}
