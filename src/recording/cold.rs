//! Books the recorder forgot, kept compact in memory ("cold"), so that a member who comes
//! back is not read from the ledger again.
//!
//! At scale a club with tiers, deals or expiry spends most of an import reading forgotten
//! members' books back: their events, entries and lots lie on dozens of pages scattered
//! through the file (issue 14; 42 % of a realistic club's import of 300,000 purchases by
//! 30,000 members, 2.2 million page reads). The bound on held books cannot simply grow:
//! as structs a book costs some 100 bytes a fact. A forgotten book's long lists — its
//! events, every event id, its entries and lots, its notices and campaign awards — are
//! therefore encoded into bytes (each text once in a table, integers of variable length,
//! times as differences from the one before, a lot's usual values as flags), a sixth to
//! a seventh of the structs, and decoded when the member comes back. Of the rest only
//! the member's state and the book's flags are kept, unless one of the book's rarer
//! lists (messages, consents, challenges, badges, redemptions, groups, returns) holds
//! something: then the whole remaining struct is.
//!
//! A cold book is exactly the book that was forgotten: the recorder forgets only books
//! already written to the ledger, and drops cold books whenever it drops held ones
//! (another writer, a rollback, a failed commit). Bytes that do not decode (this module
//! wrote them, so they cannot) count as a miss: the book is read from the ledger.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::decide::{shared_text, EntryFact, EventFact, LotFact, MemberBook, SpendFact};
use crate::engine::EntryKind;
use crate::event::{Conversion, EventType};
use crate::member::MemberState;

/// A forgotten book: what is kept of it as it was, and its long lists as bytes.
pub(super) struct ColdBook {
    head: Head,
    facts: Box<[u8]>,
}

/// What a cold book keeps as structs.
enum Head {
    /// The member's state and the book's flags: every list that is not encoded was empty
    /// (most members: a book struct is some 750 bytes, mostly empty collections, a third
    /// of a realistic member's compact copy).
    Slim(Box<SlimHead>),
    /// The book without its encoded lists: one of the others held something.
    Whole(Box<MemberBook>),
}

struct SlimHead {
    state: MemberState,
    stored_tier: Option<String>,
    /// `is_new`, `joined_known`, `posted`, `profile_changed`, `lots_loaded`, `history`.
    flags: [bool; 6],
}

impl ColdBook {
    /// Encodes `book`'s long lists, and keeps the rest as small as it can be.
    pub fn freeze(mut book: Box<MemberBook>) -> ColdBook {
        let facts = encode(&book);
        // Named field by field, without `..`: a list added to the book does not compile
        // until it is either encoded or kept here.
        let MemberBook {
            state: _,
            is_new,
            joined_known,
            posted,
            profile_changed,
            stored_tier: _,
            lots_loaded,
            history,
            events: _,
            ids: _,
            entries: _,
            lots: _,
            notices: _,
            campaign_spend: _,
            returns,
            messages,
            consents,
            challenges,
            badges,
            redemptions,
            groups,
            pool_spends,
        } = &*book;
        let slim = returns.is_empty()
            && messages.is_empty()
            && consents.is_empty()
            && challenges.is_empty()
            && badges.is_empty()
            && redemptions.is_empty()
            && groups.is_empty()
            && pool_spends.is_empty();
        let head = if slim {
            let flags = [
                *is_new,
                *joined_known,
                *posted,
                *profile_changed,
                *lots_loaded,
                *history,
            ];
            let MemberBook {
                state, stored_tier, ..
            } = *book;
            Head::Slim(Box::new(SlimHead {
                state,
                stored_tier,
                flags,
            }))
        } else {
            book.events = Vec::new();
            book.ids = Default::default();
            book.entries = Vec::new();
            book.lots = Vec::new();
            book.notices = Default::default();
            book.campaign_spend = Vec::new();
            Head::Whole(book)
        };
        ColdBook { head, facts }
    }

    /// The book as it was frozen; `None` if the bytes do not decode.
    pub fn thaw(self) -> Option<Box<MemberBook>> {
        let ColdBook { head, facts } = self;
        let mut book = match head {
            Head::Whole(book) => book,
            Head::Slim(slim) => {
                let SlimHead {
                    state,
                    stored_tier,
                    flags: [is_new, joined_known, posted, profile_changed, lots_loaded, history],
                } = *slim;
                let mut book = Box::new(MemberBook::new(state, joined_known));
                book.stored_tier = stored_tier;
                book.is_new = is_new;
                book.posted = posted;
                book.profile_changed = profile_changed;
                book.lots_loaded = lots_loaded;
                book.history = history;
                book
            }
        };
        decode(&facts, &mut book)?;
        Some(book)
    }

    /// Roughly what holding it costs, in bytes: the encoded lists, the structs kept and
    /// the member's texts and deals, the facts left in a whole one at struct size, and
    /// its place in the map that holds it (key, stamp, pointers, the map's spare room).
    pub fn cost(&self) -> usize {
        const FACT: usize = 128;
        const PLACE: usize = 96;
        let (state, structs) = match &self.head {
            Head::Slim(slim) => (
                &slim.state,
                std::mem::size_of::<SlimHead>() + slim.stored_tier.as_ref().map_or(0, String::len),
            ),
            // `weight` counts the book itself as a fact; its struct is counted apart.
            Head::Whole(book) => (
                &book.state,
                std::mem::size_of::<MemberBook>() + (book.weight() - 1) * FACT,
            ),
        };
        self.facts.len()
            + structs
            + 2 * state.id.len()
            + state.member_type.len()
            + state.tier.as_ref().map_or(0, String::len)
            + state.deals.len() * std::mem::size_of::<crate::member::DealStatus>()
            + PLACE
    }

    /// Whether only the member's state and the book's flags are kept as structs.
    #[cfg(test)]
    fn is_slim(&self) -> bool {
        matches!(self.head, Head::Slim(_))
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

/// A lot's usual values, as bits of one byte: `remaining` is `points` (nothing spent),
/// `expired` is zero, `pending_until` is `earned_at` (no pending period), and whether it
/// expires. Equality is of the decimals' bytes, so a scale or a sign of zero that
/// differs is written out.
const LOT_UNSPENT: u8 = 1;
const LOT_NONE_EXPIRED: u8 = 2;
const LOT_NOT_PENDING: u8 = 4;
const LOT_EXPIRES: u8 = 8;

/// The lists as bytes: the text table (count, then each text), then the body.
fn encode(book: &MemberBook) -> Box<[u8]> {
    let mut body = Writer::default();
    body.count(book.events.len());
    for event in &book.events {
        body.event_id(&event.id);
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
        body.text_of_event(&entry.event);
        body.time(entry.time);
        body.shared(&entry.rule);
        body.byte(entry_code(entry.kind));
        body.decimal(entry.points);
        body.shared(&entry.policy_version);
    }
    body.count(book.lots.len());
    let mut last_lot = 0i64;
    let zero = Decimal::ZERO.serialize();
    for lot in &book.lots {
        let mut flags = 0;
        let unspent = lot.remaining.serialize() == lot.points.serialize();
        let none_expired = lot.expired.serialize() == zero;
        let not_pending = lot.pending_until == lot.earned_at;
        for (set, flag) in [
            (unspent, LOT_UNSPENT),
            (none_expired, LOT_NONE_EXPIRED),
            (not_pending, LOT_NOT_PENDING),
            (lot.expires_at.is_some(), LOT_EXPIRES),
        ] {
            if set {
                flags |= flag;
            }
        }
        body.byte(flags);
        body.int(lot.id.wrapping_sub(last_lot));
        last_lot = lot.id;
        body.text_of_event(&lot.event);
        body.decimal(lot.points);
        if !unspent {
            body.decimal(lot.remaining);
        }
        if !none_expired {
            body.decimal(lot.expired);
        }
        body.time(lot.earned_at);
        if !not_pending {
            body.time(lot.pending_until);
        }
        if let Some(at) = lot.expires_at {
            body.time(at);
        }
    }
    body.count(book.notices.len());
    for notice in &book.notices {
        body.text(notice);
    }
    body.count(book.campaign_spend.len());
    for spend in &book.campaign_spend {
        body.text(&spend.campaign);
        body.int(i64::from(spend.day.num_days_from_ce()));
        body.decimal(spend.points);
    }

    // The table, then the body, in one allocation of the size they take.
    let mut head = Writer::default();
    head.count(body.table.len());
    let table_bytes: usize = body.table.iter().map(|t| t.len() + 2).sum();
    let mut out = Vec::with_capacity(head.bytes.len() + table_bytes + body.bytes.len());
    out.append(&mut head.bytes);
    for text in &body.table {
        head.count(text.len());
        out.append(&mut head.bytes);
        out.extend_from_slice(text.as_bytes());
    }
    out.extend_from_slice(&body.bytes);
    out.into_boxed_slice()
}

/// Fills `book`'s encoded lists from `bytes` ([`encode`]'s); `None` if they do not
/// decode.
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
    // Rule names and policy versions are shared copies (`shared_text`), one per text;
    // a book has a few of them, so a short list finds them.
    let mut shared: Vec<(usize, Arc<str>)> = Vec::new();
    let mut shared_at = |index: usize| -> Option<Arc<str>> {
        if let Some((_, text)) = shared.iter().find(|(at, _)| *at == index) {
            return Some(Arc::clone(text));
        }
        let text = shared_text(table.get(index)?);
        shared.push((index, Arc::clone(&text)));
        Some(text)
    };
    let text = |reader: &mut Reader, table: &[&str]| -> Option<String> {
        let index = reader.count()?;
        table.get(index).map(|t| (*t).to_owned())
    };
    // Events' ids, one copy each, shared by the event, its entries and its lots.
    let mut ids_at: Vec<Option<Arc<str>>> = vec![None; table.len()];
    let mut event_text = |reader: &mut Reader| -> Option<Arc<str>> {
        let index = reader.count()?;
        let slot = ids_at.get_mut(index)?;
        Some(Arc::clone(
            slot.get_or_insert_with(|| Arc::from(table[index])),
        ))
    };

    let events = reader.count()?;
    let mut list = Vec::with_capacity(events.min(bytes.len()));
    for _ in 0..events {
        let id = event_text(&mut reader)?;
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
        let event = event_text(&mut reader)?;
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
        let flags = reader.byte()?;
        if flags & !(LOT_UNSPENT | LOT_NONE_EXPIRED | LOT_NOT_PENDING | LOT_EXPIRES) != 0 {
            return None;
        }
        let id = last_lot.wrapping_add(reader.int()?);
        last_lot = id;
        let event = event_text(&mut reader)?;
        let points = reader.decimal()?;
        let remaining = if flags & LOT_UNSPENT != 0 {
            points
        } else {
            reader.decimal()?
        };
        let expired = if flags & LOT_NONE_EXPIRED != 0 {
            Decimal::ZERO
        } else {
            reader.decimal()?
        };
        let earned_at = reader.time()?;
        let pending_until = if flags & LOT_NOT_PENDING != 0 {
            earned_at
        } else {
            reader.time()?
        };
        let expires_at = if flags & LOT_EXPIRES != 0 {
            Some(reader.time()?)
        } else {
            None
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

    let notices = reader.count()?;
    let mut set = std::collections::HashSet::with_capacity(notices.min(bytes.len()));
    for _ in 0..notices {
        set.insert(text(&mut reader, &table)?);
    }
    book.notices = set;

    let spends = reader.count()?;
    let mut list = Vec::with_capacity(spends.min(bytes.len()));
    for _ in 0..spends {
        let campaign = text(&mut reader, &table)?;
        let day = i32::try_from(reader.int()?).ok()?;
        let day = NaiveDate::from_num_days_from_ce_opt(day)?;
        let points = reader.decimal()?;
        list.push(SpendFact {
            campaign,
            day,
            points,
        });
    }
    book.campaign_spend = list;

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
    /// The events' ids in order, with their places in the table: entries and lots name
    /// their events mostly in the same order, so the next one is looked for there before
    /// the map (hashing every text was a tenth of the deciding thread's time at a
    /// million purchases).
    events: Vec<(&'a Arc<str>, usize)>,
    next_event: usize,
    /// Shared texts (rule names, policy versions) by address: a book has a few.
    shared: Vec<((*const u8, usize), usize)>,
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

    /// The text's place in the table, added if new.
    fn place(&mut self, text: &'a str) -> usize {
        let next = self.table.len();
        let index = *self.index.entry(text).or_insert(next);
        if index == next {
            self.table.push(text);
        }
        index
    }

    fn text(&mut self, text: &'a str) {
        let index = self.place(text);
        self.count(index);
    }

    /// An event's own id, remembered for [`Writer::text_of_event`].
    fn event_id(&mut self, id: &'a Arc<str>) {
        let index = self.place(id);
        self.events.push((id, index));
        self.count(index);
    }

    /// The id of an event an entry or lot belongs to: the event after the one named
    /// last, the same one again (the same copy, mostly: [`MemberBook::event_text`]), or
    /// else looked up.
    fn text_of_event(&mut self, id: &'a Arc<str>) {
        for at in [self.next_event, self.next_event.wrapping_sub(1)] {
            if let Some(&(event, index)) = self.events.get(at) {
                if Arc::ptr_eq(event, id) || event == id {
                    self.next_event = at + 1;
                    self.count(index);
                    return;
                }
            }
        }
        self.text(id);
    }

    /// A shared text ([`shared_text`]): the same address is the same text.
    fn shared(&mut self, text: &'a Arc<str>) {
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
    use crate::decide::{ChallengeFact, MessageFact, ReturnShare};
    use chrono::TimeZone;

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
            // The event's id shared with its first lot (as a decision records them), and
            // a copy of its own in its entry and second lot (as read from the ledger).
            let id: Arc<str> = Arc::from(format!("e{n}"));
            book.events.push(EventFact {
                id: Arc::clone(&id),
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
                event: Arc::from(format!("e{n}")),
                time: at(1_740_000_000 - n, 0),
                rule: shared_text(if n % 2 == 0 { "base" } else { "weekend" }),
                kind: ENTRY_KINDS[n as usize % ENTRY_KINDS.len()],
                points: -*amount,
                policy_version: shared_text("a1b2c3"),
            });
            book.lots.push(LotFact {
                id: 1_000 - n * 17,
                event: id,
                points: *amount,
                remaining: Decimal::new(n, 1),
                expired: Decimal::ZERO,
                earned_at: at(-62_000_000_000 + n, 999_999_999),
                pending_until: at(1_740_000_000, 0),
                expires_at: (n % 2 == 0).then(|| at(1_771_536_000 + n, 0)),
            });
            // A lot whose usual values are flags: unspent, nothing expired, never
            // pending; and ones that differ from them by a scale or the sign of zero.
            let earned = at(1_740_000_000 + n * 60, 0);
            book.lots.push(LotFact {
                id: 2_000 + n,
                event: Arc::from(format!("e{n}")),
                points: *amount,
                remaining: if n == 1 { Decimal::new(-0, 3) } else { *amount },
                expired: match n {
                    2 => Decimal::new(0, 2),
                    3 => -Decimal::ZERO,
                    4 => Decimal::new(5, 0),
                    _ => Decimal::ZERO,
                },
                earned_at: earned,
                pending_until: if n == 5 {
                    earned + chrono::Duration::nanoseconds(1)
                } else {
                    earned
                },
                expires_at: (n % 3 == 0).then(|| earned + chrono::Duration::days(365)),
            });
            book.notices.insert(format!("expiring:e{n}"));
        }
        book.campaign_spend = vec![
            SpendFact {
                campaign: "spring".into(),
                day: NaiveDate::from_ymd_opt(2025, 3, 21).expect("a date"),
                points: Decimal::new(500, 0),
            },
            SpendFact {
                campaign: "spring".into(),
                day: NaiveDate::MIN,
                points: Decimal::new(-15, 1),
            },
            SpendFact {
                campaign: "autumn".into(),
                day: NaiveDate::MAX,
                points: Decimal::MAX,
            },
        ];
        Box::new(book)
    }

    /// The same book with something in each list that is not encoded (a whole head).
    fn book_with_everything() -> Box<MemberBook> {
        let mut book = book();
        book.returns.push(ReturnShare {
            return_event: "e1".into(),
            original: "e0".into(),
            rule: shared_text("base"),
            policy_version: shared_text("a1b2c3"),
            points: Decimal::new(-5, 0),
            taken: Decimal::new(-5, 0),
            owed: Decimal::ZERO,
            forgiven: Decimal::ZERO,
            expired: Decimal::ZERO,
        });
        book.messages.push(MessageFact {
            key: "welcome".into(),
            channel: "sms".into(),
            day: "2025-03-01".into(),
            suppressed: false,
        });
        book.consents.insert("sms".into(), true);
        book.challenges.push(ChallengeFact {
            challenge: "five".into(),
            period: "2025-03".into(),
            purchases: 2,
            spend: Decimal::new(10, 0),
            completed_at: None,
        });
        book.badges.insert("loyal".into());
        book.redemptions.push("coffee".into());
        book
    }

    /// Every value a book's lists can hold comes back exactly: the sign of zero, the
    /// scale, the largest decimals, nanoseconds, times before 1970, lot numbers that go
    /// down, texts used many times, and an empty book.
    #[test]
    fn a_frozen_book_thaws_to_the_same_book() {
        for (original, slim) in [(book(), true), (book_with_everything(), false)] {
            let cold = ColdBook::freeze(original.clone());
            assert_eq!(cold.is_slim(), slim);
            if let Head::Whole(rest) = &cold.head {
                assert!(rest.events.is_empty() && rest.lots.is_empty() && rest.notices.is_empty());
            }
            let thawed = cold.thaw().expect("decodes");
            assert_eq!(thawed, original);
            for (a, b) in thawed.events.iter().zip(&original.events) {
                // `Decimal`'s equality ignores scale and the sign of zero; the bytes do not.
                assert_eq!(a.amount.serialize(), b.amount.serialize());
            }
            for (a, b) in thawed.lots.iter().zip(&original.lots) {
                assert_eq!(a.remaining.serialize(), b.remaining.serialize());
                assert_eq!(a.expired.serialize(), b.expired.serialize());
            }
            for (a, b) in thawed.campaign_spend.iter().zip(&original.campaign_spend) {
                assert_eq!(a.points.serialize(), b.points.serialize());
            }
        }
        // Every flag of a slim book comes back, as does a tier stored apart from the
        // member's.
        let mut flagged = book();
        flagged.is_new = true;
        flagged.posted = true;
        flagged.profile_changed = true;
        flagged.lots_loaded = false;
        flagged.history = false;
        flagged.joined_known = false;
        flagged.stored_tier = Some("bronze".into());
        let cold = ColdBook::freeze(flagged.clone());
        assert!(cold.is_slim());
        assert_eq!(cold.thaw(), Some(flagged));
        let joined = NaiveDate::from_ymd_opt(2025, 3, 1).expect("a date");
        let empty = Box::new(MemberBook::new(
            MemberState::new("m", "individual", joined),
            false,
        ));
        assert_eq!(ColdBook::freeze(empty.clone()).thaw(), Some(empty));
    }

    /// A slim book costs less than a whole one: the struct kept is the member's state.
    #[test]
    fn a_slim_book_costs_less_than_a_whole_one() {
        let slim = ColdBook::freeze(book());
        let whole = ColdBook::freeze(book_with_everything());
        // The same lists encoded (sets iterate in another order in another copy).
        assert_eq!(slim.facts.len(), whole.facts.len());
        let struct_saving = std::mem::size_of::<MemberBook>() - std::mem::size_of::<SlimHead>();
        assert!(
            slim.cost() + struct_saving <= whole.cost(),
            "{} against {}",
            slim.cost(),
            whole.cost()
        );
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
        for len in 0..cold.facts.len() {
            let cut = ColdBook {
                head: ColdBook::freeze(book()).head,
                facts: cold.facts[..len].into(),
            };
            assert!(cut.thaw().is_none(), "cut at {len}");
        }
        let mut longer = cold.facts.to_vec();
        longer.push(0);
        let longer = ColdBook {
            head: cold.head,
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
