//! Books the recorder forgot, kept compact in memory ("cold"), so that a member who comes
//! back is not read from the ledger again.
//!
//! At scale a club with tiers, deals or expiry spends most of an import reading forgotten
//! members' books back: their events, entries and lots lie on dozens of pages scattered
//! through the file (issue 14; 42 % of a realistic club's import of 300,000 purchases by
//! 30,000 members, 2.2 million page reads). The bound on held books cannot simply grow:
//! as structs a book costs some 100 bytes a fact. A forgotten book's four long lists —
//! its events, every event id, its entries and its lots — are therefore encoded into
//! bytes (each text once in a table, integers of variable length, times as differences
//! from the one before), a sixth to a seventh of the structs, and decoded when the
//! member comes back. The rest of the book (the member's state, messages, notices...)
//! stays as it was.
//!
//! A cold book is exactly the book that was forgotten: the recorder forgets only books
//! already written to the ledger, and drops cold books whenever it drops held ones
//! (another writer, a rollback, a failed commit). Bytes that do not decode (this module
//! wrote them, so they cannot) count as a miss: the book is read from the ledger.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::decide::{shared_text, EntryFact, EventFact, LotFact, MemberBook};
use crate::engine::EntryKind;
use crate::event::{Conversion, EventType};

/// A forgotten book: everything but its four long lists, and those lists as bytes.
pub(super) struct ColdBook {
    rest: Box<MemberBook>,
    facts: Box<[u8]>,
}

impl ColdBook {
    /// Encodes `book`'s events, ids, entries and lots.
    pub fn freeze(mut book: Box<MemberBook>) -> ColdBook {
        let facts = encode(&book).into_boxed_slice();
        book.events = Vec::new();
        book.ids = Default::default();
        book.entries = Vec::new();
        book.lots = Vec::new();
        ColdBook { rest: book, facts }
    }

    /// The book as it was frozen; `None` if the bytes do not decode.
    pub fn thaw(self) -> Option<Box<MemberBook>> {
        let ColdBook { mut rest, facts } = self;
        decode(&facts, &mut rest)?;
        Some(rest)
    }

    /// Roughly what holding it costs, in bytes: the encoded lists, the book's own struct
    /// and the member's texts and deals, the facts left in it at struct size, and its
    /// place in the map that holds it (key, stamp, pointers, the map's spare room).
    pub fn cost(&self) -> usize {
        const FACT: usize = 128;
        const PLACE: usize = 96;
        let state = &self.rest.state;
        self.facts.len()
            + std::mem::size_of::<MemberBook>()
            + 2 * state.id.len()
            + state.member_type.len()
            + state.deals.len() * std::mem::size_of::<crate::member::DealStatus>()
            + self.rest.weight() * FACT
            + PLACE
    }
}

/// Every kind of event, in the order of their codes. [`event_code`] is its inverse (an
/// exhaustive match: a new kind does not compile until it has a code here).
const EVENT_TYPES: [EventType; 23] = [
    EventType::Purchase,
    EventType::Return,
    EventType::Payment,
    EventType::Custom,
    EventType::Expiry,
    EventType::Adjustment,
    EventType::Transfer,
    EventType::Redemption,
    EventType::Conversion,
    EventType::Cancellation,
    EventType::Birthday,
    EventType::Anniversary,
    EventType::Enroll,
    EventType::Deal,
    EventType::Enrolled,
    EventType::TierChanged,
    EventType::ExpiringSoon,
    EventType::DealCompleted,
    EventType::DealFailed,
    EventType::Inactive,
    EventType::Prize,
    EventType::Join,
    EventType::Leave,
];

fn event_code(kind: EventType) -> u8 {
    match kind {
        EventType::Purchase => 0,
        EventType::Return => 1,
        EventType::Payment => 2,
        EventType::Custom => 3,
        EventType::Expiry => 4,
        EventType::Adjustment => 5,
        EventType::Transfer => 6,
        EventType::Redemption => 7,
        EventType::Conversion => 8,
        EventType::Cancellation => 9,
        EventType::Birthday => 10,
        EventType::Anniversary => 11,
        EventType::Enroll => 12,
        EventType::Deal => 13,
        EventType::Enrolled => 14,
        EventType::TierChanged => 15,
        EventType::ExpiringSoon => 16,
        EventType::DealCompleted => 17,
        EventType::DealFailed => 18,
        EventType::Inactive => 19,
        EventType::Prize => 20,
        EventType::Join => 21,
        EventType::Leave => 22,
    }
}

/// Every kind of entry, in the order of their codes ([`entry_code`] is the inverse).
const ENTRY_KINDS: [EntryKind; 10] = [
    EntryKind::Earn,
    EntryKind::Reverse,
    EntryKind::Expire,
    EntryKind::Adjust,
    EntryKind::TransferIn,
    EntryKind::TransferOut,
    EntryKind::Settle,
    EntryKind::Redeem,
    EntryKind::Convert,
    EntryKind::Cancel,
];

fn entry_code(kind: EntryKind) -> u8 {
    match kind {
        EntryKind::Earn => 0,
        EntryKind::Reverse => 1,
        EntryKind::Expire => 2,
        EntryKind::Adjust => 3,
        EntryKind::TransferIn => 4,
        EntryKind::TransferOut => 5,
        EntryKind::Settle => 6,
        EntryKind::Redeem => 7,
        EntryKind::Convert => 8,
        EntryKind::Cancel => 9,
    }
}

/// The lists as bytes: the text table (count, then each text), then the body.
fn encode(book: &MemberBook) -> Vec<u8> {
    let mut body = Writer::default();
    body.count(book.events.len());
    for event in &book.events {
        body.text(&event.id);
        body.byte(event_code(event.kind));
        body.time(event.time);
        body.decimal(event.amount);
        body.optional_text(event.original.as_deref());
        match &event.conversion {
            None => body.byte(0),
            Some(conversion) => {
                let (currency, paid) = &**conversion;
                body.byte(1);
                body.text(currency);
                body.decimal(paid.original_amount);
                body.decimal(paid.rate);
            }
        }
    }
    body.count(book.ids.len());
    for id in &book.ids {
        body.text(id);
    }
    body.count(book.entries.len());
    for entry in &book.entries {
        body.text(&entry.event);
        body.time(entry.time);
        body.text(&entry.rule);
        body.byte(entry_code(entry.kind));
        body.decimal(entry.points);
        body.text(&entry.policy_version);
    }
    body.count(book.lots.len());
    let mut last_lot = 0i64;
    for lot in &book.lots {
        body.int(lot.id.wrapping_sub(last_lot));
        last_lot = lot.id;
        body.text(&lot.event);
        body.decimal(lot.points);
        body.decimal(lot.remaining);
        body.decimal(lot.expired);
        body.time(lot.earned_at);
        body.time(lot.pending_until);
        match lot.expires_at {
            None => body.byte(0),
            Some(at) => {
                body.byte(1);
                body.time(at);
            }
        }
    }

    let mut out = Writer::default();
    out.count(body.table.len());
    for text in &body.table {
        out.count(text.len());
        out.bytes.extend_from_slice(text.as_bytes());
    }
    out.bytes.extend_from_slice(&body.bytes);
    out.bytes
}

/// Fills `book`'s four lists from `bytes` ([`encode`]'s); `None` if they do not decode.
fn decode(bytes: &[u8], book: &mut MemberBook) -> Option<()> {
    let mut reader = Reader {
        bytes,
        at: 0,
        last_time: 0,
    };
    let texts = reader.count()?;
    let mut table: Vec<&str> = Vec::with_capacity(texts.min(bytes.len()));
    for _ in 0..texts {
        let len = reader.count()?;
        let text = reader.take(len)?;
        table.push(std::str::from_utf8(text).ok()?);
    }
    // Rule names and policy versions are shared copies (`shared_text`), one per text.
    let mut shared: Vec<Option<Arc<str>>> = vec![None; table.len()];
    let mut shared_at = |index: usize| -> Option<Arc<str>> {
        let slot = shared.get_mut(index)?;
        Some(Arc::clone(
            slot.get_or_insert_with(|| shared_text(table[index])),
        ))
    };
    let text = |reader: &mut Reader, table: &[&str]| -> Option<String> {
        let index = reader.count()?;
        table.get(index).map(|t| (*t).to_owned())
    };

    let events = reader.count()?;
    let mut list = Vec::with_capacity(events.min(bytes.len()));
    for _ in 0..events {
        let id = text(&mut reader, &table)?;
        let kind = *EVENT_TYPES.get(usize::from(reader.byte()?))?;
        let time = reader.time()?;
        let amount = reader.decimal()?;
        let original = match reader.byte()? {
            0 => None,
            1 => Some(text(&mut reader, &table)?),
            _ => return None,
        };
        let conversion = match reader.byte()? {
            0 => None,
            1 => {
                let currency = text(&mut reader, &table)?;
                let original_amount = reader.decimal()?;
                let rate = reader.decimal()?;
                Some(Box::new((
                    currency,
                    Conversion {
                        original_amount,
                        rate,
                    },
                )))
            }
            _ => return None,
        };
        list.push(EventFact {
            id,
            kind,
            time,
            amount,
            original,
            conversion,
        });
    }
    book.events = list;

    let ids = reader.count()?;
    let mut set = std::collections::HashSet::with_capacity(ids.min(bytes.len()));
    for _ in 0..ids {
        set.insert(text(&mut reader, &table)?);
    }
    book.ids = set;

    let entries = reader.count()?;
    let mut list = Vec::with_capacity(entries.min(bytes.len()));
    for _ in 0..entries {
        let event = text(&mut reader, &table)?;
        let time = reader.time()?;
        let rule = shared_at(reader.count()?)?;
        let kind = *ENTRY_KINDS.get(usize::from(reader.byte()?))?;
        let points = reader.decimal()?;
        let policy_version = shared_at(reader.count()?)?;
        list.push(EntryFact {
            event,
            time,
            rule,
            kind,
            points,
            policy_version,
        });
    }
    book.entries = list;

    let lots = reader.count()?;
    let mut list = Vec::with_capacity(lots.min(bytes.len()));
    let mut last_lot = 0i64;
    for _ in 0..lots {
        let id = last_lot.wrapping_add(reader.int()?);
        last_lot = id;
        let event = text(&mut reader, &table)?;
        let points = reader.decimal()?;
        let remaining = reader.decimal()?;
        let expired = reader.decimal()?;
        let earned_at = reader.time()?;
        let pending_until = reader.time()?;
        let expires_at = match reader.byte()? {
            0 => None,
            1 => Some(reader.time()?),
            _ => return None,
        };
        list.push(LotFact {
            id,
            event,
            points,
            remaining,
            expired,
            earned_at,
            pending_until,
            expires_at,
        });
    }
    book.lots = list;

    // Every byte read: anything left over means the bytes are not what `encode` wrote.
    (reader.at == bytes.len()).then_some(())
}

#[derive(Default)]
struct Writer<'a> {
    bytes: Vec<u8>,
    /// Texts in the order first met; `index` finds a text's place in it (with a fast
    /// hash: SipHash was a fifth of compacting a book).
    table: Vec<&'a str>,
    index: rustc_hash::FxHashMap<&'a str, usize>,
    last_time: i64,
}

impl<'a> Writer<'a> {
    fn byte(&mut self, value: u8) {
        self.bytes.push(value);
    }

    /// Seven bits a byte, low first; the top bit says another byte follows.
    fn wide(&mut self, mut value: u128) {
        while value >= 0x80 {
            self.bytes.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    fn count(&mut self, value: usize) {
        self.wide(value as u128);
    }

    /// Zig-zag: small negative numbers stay short too.
    fn int(&mut self, value: i64) {
        self.wide(((value << 1) ^ (value >> 63)) as u64 as u128);
    }

    fn text(&mut self, text: &'a str) {
        let next = self.table.len();
        let index = *self.index.entry(text).or_insert(next);
        if index == next {
            self.table.push(text);
        }
        self.count(index);
    }

    fn optional_text(&mut self, text: Option<&'a str>) {
        match text {
            None => self.byte(0),
            Some(text) => {
                self.byte(1);
                self.text(text);
            }
        }
    }

    /// Seconds as the difference from the time written before, then nanoseconds.
    fn time(&mut self, time: DateTime<Utc>) {
        let seconds = time.timestamp();
        self.int(seconds.wrapping_sub(self.last_time));
        self.last_time = seconds;
        self.count(time.timestamp_subsec_nanos() as usize);
    }

    /// The scale and sign in one byte, then the 96-bit mantissa: exact, sign of zero and
    /// trailing zeros included.
    fn decimal(&mut self, value: Decimal) {
        let raw = value.serialize();
        self.byte(raw[2] | (raw[3] & 0x80));
        let mut mantissa = [0u8; 16];
        mantissa[..12].copy_from_slice(&raw[4..16]);
        self.wide(u128::from_le_bytes(mantissa));
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    last_time: i64,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(len)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn wide(&mut self) -> Option<u128> {
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

    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.wide()?).ok()
    }

    fn int(&mut self) -> Option<i64> {
        let zigzag = u64::try_from(self.wide()?).ok()?;
        Some(((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64))
    }

    fn time(&mut self) -> Option<DateTime<Utc>> {
        let seconds = self.last_time.checked_add(self.int()?)?;
        self.last_time = seconds;
        let nanos = u32::try_from(self.count()?).ok()?;
        DateTime::from_timestamp(seconds, nanos)
    }

    fn decimal(&mut self) -> Option<Decimal> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::member::MemberState;
    use chrono::{NaiveDate, TimeZone};

    fn at(seconds: i64, nanos: u32) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, nanos).single().expect("a time")
    }

    fn book() -> Box<MemberBook> {
        let joined = NaiveDate::from_ymd_opt(2025, 3, 1).expect("a date");
        let mut book = MemberBook::new(MemberState::new("m0000042", "individual", joined), true);
        book.is_new = false;
        book.state.tier = Some("silver".into());
        book.state.balance = Decimal::new(12_345, 2);
        let decimals = [
            Decimal::ZERO,
            Decimal::new(-0, 3),
            -Decimal::ZERO,
            Decimal::new(1_000, 3),
            Decimal::new(-7, 0),
            Decimal::MAX,
            Decimal::MIN,
            Decimal::new(1, 28),
        ];
        for (n, amount) in decimals.iter().enumerate() {
            let n = n as i64;
            book.events.push(EventFact {
                id: format!("e{n}"),
                kind: EVENT_TYPES[n as usize % EVENT_TYPES.len()],
                time: at(1_740_000_000 + n * 3_600 - (n % 3) * 86_400, (n as u32) * 7),
                amount: *amount,
                original: (n % 2 == 1).then(|| format!("e{}", n - 1)),
                conversion: (n == 3).then(|| {
                    Box::new((
                        "USD".to_owned(),
                        Conversion {
                            original_amount: Decimal::new(25, 1),
                            rate: Decimal::new(1_050_000, 0),
                        },
                    ))
                }),
            });
            book.ids.insert(format!("e{n}"));
            book.ids.insert(format!("tier:m0000042:{n}"));
            book.entries.push(EntryFact {
                event: format!("e{n}"),
                time: at(1_740_000_000 - n, 0),
                rule: shared_text(if n % 2 == 0 { "base" } else { "weekend" }),
                kind: ENTRY_KINDS[n as usize % ENTRY_KINDS.len()],
                points: -*amount,
                policy_version: shared_text("a1b2c3"),
            });
            book.lots.push(LotFact {
                id: 1_000 - n * 17,
                event: format!("e{n}"),
                points: *amount,
                remaining: Decimal::new(n, 1),
                expired: Decimal::ZERO,
                earned_at: at(-62_000_000_000 + n, 999_999_999),
                pending_until: at(1_740_000_000, 0),
                expires_at: (n % 2 == 0).then(|| at(1_771_536_000 + n, 0)),
            });
        }
        Box::new(book)
    }

    /// Every value a book's lists can hold comes back exactly: the sign of zero, the
    /// scale, the largest decimals, nanoseconds, times before 1970, lot numbers that go
    /// down, texts used many times, and an empty book.
    #[test]
    fn a_frozen_book_thaws_to_the_same_book() {
        let original = book();
        let cold = ColdBook::freeze(original.clone());
        assert!(cold.rest.events.is_empty() && cold.rest.lots.is_empty());
        let thawed = cold.thaw().expect("decodes");
        assert_eq!(thawed, original);
        for (a, b) in thawed.events.iter().zip(&original.events) {
            // `Decimal`'s equality ignores scale and the sign of zero; the bytes do not.
            assert_eq!(a.amount.serialize(), b.amount.serialize());
        }
        for (a, b) in thawed.lots.iter().zip(&original.lots) {
            assert_eq!(a.remaining.serialize(), b.remaining.serialize());
        }
        let joined = NaiveDate::from_ymd_opt(2025, 3, 1).expect("a date");
        let empty = Box::new(MemberBook::new(
            MemberState::new("m", "individual", joined),
            false,
        ));
        assert_eq!(ColdBook::freeze(empty.clone()).thaw(), Some(empty));
    }

    /// The encoding is several times smaller than the structs it replaces.
    #[test]
    fn a_frozen_book_is_much_smaller_than_the_book() {
        let original = book();
        let cold = ColdBook::freeze(original.clone());
        let structs = original.events.len() * std::mem::size_of::<EventFact>()
            + original.entries.len() * std::mem::size_of::<EntryFact>()
            + original.lots.len() * std::mem::size_of::<LotFact>();
        assert!(
            cold.facts.len() * 3 < structs,
            "{} bytes encoded against {structs} in structs",
            cold.facts.len()
        );
    }

    /// Bytes cut short, or with anything after the end, are a miss, never a panic or a
    /// wrong book.
    #[test]
    fn damaged_bytes_do_not_thaw() {
        let cold = ColdBook::freeze(book());
        let rest = cold.rest.clone();
        for len in 0..cold.facts.len() {
            let cut = ColdBook {
                rest: rest.clone(),
                facts: cold.facts[..len].into(),
            };
            assert!(cut.thaw().is_none(), "cut at {len}");
        }
        let mut longer = cold.facts.to_vec();
        longer.push(0);
        let longer = ColdBook {
            rest,
            facts: longer.into(),
        };
        assert!(longer.thaw().is_none());
    }

    #[test]
    fn every_kind_has_the_code_of_its_place() {
        for (code, kind) in EVENT_TYPES.iter().enumerate() {
            assert_eq!(usize::from(event_code(*kind)), code, "{kind:?}");
        }
        for (code, kind) in ENTRY_KINDS.iter().enumerate() {
            assert_eq!(usize::from(entry_code(*kind)), code, "{kind:?}");
        }
    }
}
