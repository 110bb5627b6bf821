//! Books the recorder forgot, kept compact in memory ("cold"), so that a member who comes
//! back is not read from the ledger again.
//!
//! At scale a club with tiers, deals or expiry spends most of an import reading forgotten
//! members' books back: their events, entries and lots lie on dozens of pages scattered
//! through the file (issue 14; 42 % of a realistic club's import of 300,000 purchases by
//! 30,000 members, 2.2 million page reads). The bound on held books cannot simply grow:
//! as structs a book costs some 100 bytes a fact. A forgotten book's long lists — its
//! events, its other event ids, its entries and lots, its notices and campaign awards —
//! are therefore encoded into bytes (each text once in a table, integers of variable
//! length, times as differences from the one before, a lot's usual values as flags,
//! events named by their place: [`crate::decide::compact`]), a sixth to a seventh of the
//! structs, and decoded when the member comes back. Events and entries, which are only
//! ever added to, are kept encoded while the book is held again ([`Past`]): compacting
//! it once more encodes only the ones added since, as a segment after the others. Lots
//! stay sealed in the thawed book until a decision reads them
//! ([`crate::decide::lots`]), and so do the other event ids, notices and campaign awards,
//! which decisions read in place ([`crate::decide::rest`]). Of the rest only the member's state and the book's flags
//! are kept, as bytes too ([`super::head`]), unless one of the book's rarer lists
//! (messages, consents, challenges, badges, redemptions, groups, returns) holds
//! something: then the whole remaining struct is.
//!
//! A cold book is exactly the book that was forgotten: the recorder forgets only books
//! already written to the ledger, and drops cold books whenever it drops held ones
//! (another writer, a rollback, a failed commit). Bytes that do not decode (this module
//! wrote them, so they cannot) count as a miss: the book is read from the ledger.

use std::sync::Arc;

use super::head::{self, SlimHead};
use crate::decide::compact::{read_event, read_table, read_text, Reader, Writer};
use crate::decide::lots::{Lots, SealedLots};
use crate::decide::rest::Rest;
use crate::decide::{shared_text, EntryFact, EventFact, MemberBook, BOOK_WEIGHT};
use crate::engine::EntryKind;
use crate::event::{Conversion, EventType};
use chrono::{DateTime, Utc};

/// A forgotten book: what is kept of it as it was, and its long lists as bytes.
pub(super) struct ColdBook {
    pub(super) head: Head,
    pub(super) facts: Box<[u8]>,
    /// Where the segments of events and entries end in `facts`, and how many there are.
    pub(super) past: usize,
    pub(super) segments: u8,
    /// How many events and entries the segments hold together (their lists are made at
    /// their size at once, not grown segment by segment).
    pub(super) lengths: (usize, usize),
    /// The lots, sealed: they stay so when the book is thawed, until a decision reads
    /// them ([`crate::decide::lots`]).
    pub(super) lots: Option<SealedLots>,
}

/// What a cold book keeps besides its encoded lists.
pub(super) enum Head {
    /// The member's state and the book's flags, as bytes ([`super::head`]): every list
    /// that is not encoded was empty (most members: a book struct is some 750 bytes,
    /// mostly empty collections, a third of a realistic member's compact copy).
    Slim(Box<[u8]>),
    /// The book without its encoded lists: one of the others held something.
    Whole(Box<MemberBook>),
}

impl ColdBook {
    /// Encodes `book`'s long lists, and keeps the rest as small as it can be. `past`:
    /// what the book kept of its compact bytes when it was last thawed, if it was.
    pub fn freeze(mut book: Box<MemberBook>, past: Option<Past>) -> ColdBook {
        let lots = std::mem::take(&mut book.lots).seal(&book.events);
        let (facts, past, segments) = encode(&book, past);
        let (book_events, book_entries) = (book.events.len(), book.entries.len());
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
            entries: _,
            lots: _,
            rest: _,
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
            Head::Slim(head::encode(&SlimHead {
                state,
                stored_tier,
                flags,
            }))
        } else {
            book.events = Vec::new();
            book.entries = Vec::new();
            book.rest = Rest::default();
            Head::Whole(book)
        };
        ColdBook {
            lengths: (book_events, book_entries),
            head,
            facts,
            past,
            segments,
            lots,
        }
    }

    /// The book as it was frozen, and what it keeps of its bytes for the next freeze
    /// ([`Past`]); `None` if the bytes do not decode.
    pub fn thaw(self) -> Option<(Box<MemberBook>, Past)> {
        let ColdBook {
            head,
            facts,
            past,
            segments,
            lengths,
            lots,
        } = self;
        let mut book = match head {
            Head::Whole(book) => book,
            Head::Slim(bytes) => {
                let SlimHead {
                    state,
                    stored_tier,
                    flags: [is_new, joined_known, posted, profile_changed, lots_loaded, history],
                } = head::decode(&bytes)?;
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
        let decoded = decode(&facts, past, lengths, &mut book)?;
        if let Some(lots) = lots {
            book.lots = Lots::sealed(lots);
        }
        if decoded.segments != segments {
            return None;
        }
        let past = Past {
            texts: decoded.texts,
            shared: decoded.shared,
            events: book.events.len(),
            entries: book.entries.len(),
            last_event: book.events.last().map(|e| Arc::clone(&e.id)),
            last_entry: book.entries.last().map(|e| (Arc::clone(&e.event), e.time)),
            // The compact bytes themselves, of which only the segments are used again
            // (the rest is encoded afresh each time): a copy of the segments was an
            // allocation and a copy at every book thawed.
            bytes: facts,
            len: past,
            segments,
        };
        Some((book, past))
    }

    /// Roughly what holding it costs, in bytes: the encoded lists, the structs kept and
    /// the member's texts and deals, the facts left in a whole one at struct size, this
    /// struct (boxed), and its place in the map that holds it (key, stamp and pointer:
    /// 41 bytes a bucket with the map's control byte, up to 94 with its spare room from
    /// 7/8 full to 7/16).
    pub fn cost(&self) -> usize {
        const FACT: usize = 128;
        const PLACE: usize = 96 + std::mem::size_of::<ColdBook>();
        let kept = match &self.head {
            // The head's bytes, and the map's key: the member's id again.
            Head::Slim(bytes) => bytes.len() + head::id_len(bytes),
            // `weight` counts the book itself as facts; its struct is counted apart.
            Head::Whole(book) => {
                let state = &book.state;
                std::mem::size_of::<MemberBook>()
                    + (book.weight() - BOOK_WEIGHT) * FACT
                    + 2 * state.id.len()
                    + state.member_type.len()
                    + state.tier.as_ref().map_or(0, String::len)
                    + state.deals.capacity() * std::mem::size_of::<crate::member::DealStatus>()
                    + state.deals.iter().map(|d| d.deal.capacity()).sum::<usize>()
            }
        };
        self.facts.len() + self.lots.as_ref().map_or(0, SealedLots::cost) + kept + PLACE
    }

    /// [`ColdBook::thaw`] with the lots decoded too: the book as it was frozen, field
    /// for field.
    #[cfg(test)]
    pub(super) fn thaw_whole(self) -> Option<(Box<MemberBook>, Past)> {
        let (mut book, past) = self.thaw()?;
        book.unseal_lots();
        // Every sealed fact decoded, or no book.
        book.rest = Rest::from(book.rest.decoded()?.into_owned());
        Some((book, past))
    }

    /// How many segments of events and entries it has.
    #[cfg(test)]
    pub fn segments(&self) -> u8 {
        self.segments
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

/// How many segments of events and entries a compact book gathers before they are
/// encoded again as one (each costs a table count and its times' first value in full).
const MOST_SEGMENTS: u8 = 8;

/// What a thawed book keeps of its compact bytes while it is held whole: its events and
/// entries up to then, already encoded. A book's events and entries are only ever added
/// to, so compacting it again encodes the ones added since as one more segment and
/// copies these (issue 14: re-encoding a member's whole history at every purchase was
/// most of compacting, itself a sixth of the deciding thread's time at a million
/// purchases by 100,000 members).
pub(super) struct Past {
    /// The compact book's bytes, whose first `len` are its segments.
    bytes: Box<[u8]>,
    len: usize,
    segments: u8,
    /// How many texts the segments' tables hold together (a new segment's continue
    /// from there), and the shared ones among them (rule names, policy versions) with
    /// their places: a new segment names them by place instead of writing them again.
    texts: usize,
    shared: Vec<(Arc<str>, usize)>,
    /// How many events and entries the past holds, and the last of each as decoded
    /// (the same copies: a book read again from the ledger, or replaced, has others).
    events: usize,
    entries: usize,
    last_event: Option<Arc<str>>,
    last_entry: Option<(Arc<str>, DateTime<Utc>)>,
}

impl Past {
    /// What keeping it costs, in bytes.
    pub fn cost(&self) -> usize {
        self.bytes.len() + self.shared.len() * std::mem::size_of::<(Arc<str>, usize)>()
    }

    /// Whether `book` is the book this past was thawed into, with only events and
    /// entries added: the same copies of the last event and entry at the same places.
    fn is_past_of(&self, book: &MemberBook) -> bool {
        let same_event = match (&self.last_event, self.events.checked_sub(1)) {
            (None, None) => true,
            (Some(last), Some(at)) => book
                .events
                .get(at)
                .is_some_and(|e| Arc::ptr_eq(&e.id, last)),
            _ => false,
        };
        let same_entry = match (&self.last_entry, self.entries.checked_sub(1)) {
            (None, None) => true,
            (Some((event, time)), Some(at)) => book
                .entries
                .get(at)
                .is_some_and(|e| Arc::ptr_eq(&e.event, event) && e.time == *time),
            _ => false,
        };
        same_event && same_entry
    }
}

/// The encoded book: its events and entries as segments, then the rest. A segment holds
/// the events and entries added between two compactions: the texts new to it (their
/// places continue from the segments before), its events (each with its id written
/// out), its entries (naming their events by place in the book). The rest, with a table
/// of its own: the other event ids, notices, campaign awards. Returns the bytes, where
/// the segments end, and how many there are. `past`, if it is the past of `book`
/// ([`Past::is_past_of`]), is copied rather than encoded again.
fn encode(book: &MemberBook, past: Option<Past>) -> (Box<[u8]>, usize, u8) {
    let past = past.filter(|past| past.segments < MOST_SEGMENTS && past.is_past_of(book));
    let empty: &[u8] = &[];
    let (kept, from_event, from_entry, segments) = match &past {
        Some(past) => (
            &past.bytes[..past.len],
            past.events,
            past.entries,
            past.segments,
        ),
        None => (empty, 0, 0, 0),
    };
    let added = from_event < book.events.len() || from_entry < book.entries.len();
    let new_segment = added || past.is_none();
    let new_facts = book.events.len() - from_event + book.entries.len() - from_entry;
    // Written into this thread's scratch buffer, then copied into an allocation of
    // exactly its size: a buffer allocated at a guess and shrunk keeps its first size
    // (the allocator shrinks in place), which was an eighth more memory at a million
    // purchases.
    SCRATCH.with_borrow_mut(|out| {
        out.clear();
        let len = encode_into(
            book,
            past.as_ref(),
            (kept, from_event, from_entry),
            new_segment,
            new_facts,
            out,
        );
        let bytes = Box::from(out.as_slice());
        // One very large book (a group's account) does not keep its size here.
        if out.capacity() > 1 << 20 {
            *out = Vec::new();
        }
        (bytes, len, segments + u8::from(new_segment))
    })
}

thread_local! {
    /// Where [`encode`] writes a book before copying it out.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// [`encode`]'s bytes added to `out`: what is kept of the past, a new segment (if
/// `new_segment`), the rest. Returns where the segments end.
fn encode_into(
    book: &MemberBook,
    past: Option<&Past>,
    (kept, from_event, from_entry): (&[u8], usize, usize),
    new_segment: bool,
    new_facts: usize,
    out: &mut Vec<u8>,
) -> usize {
    out.extend_from_slice(kept);
    if new_segment {
        let mut writer = Writer::for_events(&book.events, from_event);
        writer.bytes.reserve(24 * new_facts + 8);
        if let Some(past) = past {
            writer.base = past.texts;
            writer.shared = past
                .shared
                .iter()
                .map(|(text, at)| ((text.as_ptr(), text.len()), *at))
                .collect();
        }
        encode_segment(writer, book, from_event, from_entry, out);
    }
    let len = out.len();
    book.rest.encode_into(out);
    len
}

/// The events from `from_event` and the entries from `from_entry` as one segment.
fn encode_segment<'a>(
    mut body: Writer<'a>,
    book: &'a MemberBook,
    from_event: usize,
    from_entry: usize,
    out: &mut Vec<u8>,
) {
    let events = &book.events[from_event..];
    let entries = &book.entries[from_entry..];
    body.count(events.len());
    for event in events {
        body.count(event.id.len());
        body.bytes.extend_from_slice(event.id.as_bytes());
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
    body.count(entries.len());
    for entry in entries {
        body.event(&entry.event);
        body.time(entry.time);
        body.shared(&entry.rule);
        body.byte(entry_code(entry.kind));
        body.decimal(entry.points);
        body.shared(&entry.policy_version);
    }
    body.finish_into(out);
}

/// What decoding a book's segments found, for its [`Past`].
struct Decoded {
    segments: u8,
    texts: usize,
    shared: Vec<(Arc<str>, usize)>,
}

/// Fills `book`'s encoded lists from `bytes` ([`encode`]'s, whose segments end at
/// `past`); `None` if they do not decode.
fn decode(
    bytes: &[u8],
    past: usize,
    (events, entries): (usize, usize),
    book: &mut MemberBook,
) -> Option<Decoded> {
    let (segments_bytes, rest) = bytes.split_at_checked(past)?;
    // Each fact takes a byte at least: lengths beyond that are not what was encoded.
    book.events = Vec::with_capacity(events.min(past));
    book.entries = Vec::with_capacity(entries.min(past));
    // The segments' texts, one table across them, and the shared copies made of them.
    let mut table: Vec<&str> = Vec::with_capacity(16);
    let mut shared: Vec<(Arc<str>, usize)> = Vec::with_capacity(8);
    let mut segments = 0u8;
    let mut at = 0;
    while at < segments_bytes.len() {
        at += decode_segment(&segments_bytes[at..], &mut table, &mut shared, book)?;
        segments = segments.checked_add(1)?;
    }
    if (book.events.len(), book.entries.len()) != (events, entries) {
        return None;
    }
    book.rest = Rest::sealed(rest)?;
    Some(Decoded {
        segments,
        texts: table.len(),
        shared,
    })
}

/// Adds one segment's events and entries to `book`, and its texts to `table`; how many
/// bytes it took.
fn decode_segment<'b>(
    bytes: &'b [u8],
    table: &mut Vec<&'b str>,
    shared: &mut Vec<(Arc<str>, usize)>,
    book: &mut MemberBook,
) -> Option<usize> {
    let mut reader = Reader::new(bytes);
    read_table(&mut reader, table)?;
    let table = &*table;
    // Rule names and policy versions are shared copies (`shared_text`), one per text;
    // a book has a few of them, so a short list finds them.
    let mut shared_at = |index: usize| -> Option<Arc<str>> {
        if let Some((text, _)) = shared.iter().find(|(_, at)| *at == index) {
            return Some(Arc::clone(text));
        }
        let text = shared_text(table.get(index)?);
        shared.push((Arc::clone(&text), index));
        Some(text)
    };

    let events = reader.count()?;
    book.events.reserve(events.min(bytes.len()));
    for _ in 0..events {
        let len = reader.count()?;
        let id: Arc<str> = Arc::from(std::str::from_utf8(reader.take(len)?).ok()?);
        let kind = *EVENT_TYPES.get(usize::from(reader.byte()?))?;
        let time = reader.time()?;
        let amount = reader.decimal()?;
        let original = match reader.byte()? {
            0 => None,
            1 => Some(read_text(&mut reader, table)?),
            _ => return None,
        };
        let conversion = match reader.byte()? {
            0 => None,
            1 => {
                let currency = read_text(&mut reader, table)?;
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
        book.events.push(EventFact {
            id,
            kind,
            time,
            amount,
            original,
            conversion,
        });
    }

    let entries = reader.count()?;
    book.entries.reserve(entries.min(bytes.len()));
    for _ in 0..entries {
        let event = read_event(&mut reader, &book.events, table)?;
        let time = reader.time()?;
        let rule = shared_at(reader.count()?)?;
        let kind = *ENTRY_KINDS.get(usize::from(reader.byte()?))?;
        let points = reader.decimal()?;
        let policy_version = shared_at(reader.count()?)?;
        book.entries.push(EntryFact {
            event,
            time,
            rule,
            kind,
            points,
            policy_version,
        });
    }
    Some(reader.at)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::decide::{ChallengeFact, LotFact, MessageFact, ReturnShare, SpendFact};
    use crate::member::MemberState;
    use chrono::NaiveDate;
    use chrono::TimeZone;
    use rust_decimal::Decimal;

    /// Frozen afresh and thawed: the book only.
    fn round_trip(book: Box<MemberBook>) -> Option<Box<MemberBook>> {
        ColdBook::freeze(book, None)
            .thaw_whole()
            .map(|(book, _)| book)
    }

    fn at(seconds: i64, nanos: u32) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, nanos).single().expect("a time")
    }

    pub(in crate::recording) fn book() -> Box<MemberBook> {
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
            book.rest.add_other_id(format!("tier:m0000042:{n}"));
            book.entries.push(EntryFact {
                event: Arc::from(format!("e{n}")),
                time: at(1_740_000_000 - n, 0),
                rule: shared_text(if n % 2 == 0 { "base" } else { "weekend" }),
                kind: ENTRY_KINDS[n as usize % ENTRY_KINDS.len()],
                points: -*amount,
                policy_version: shared_text("a1b2c3"),
            });
            book.lots_mut().push(LotFact {
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
            book.lots_mut().push(LotFact {
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
            book.rest.add_notice(format!("expiring:e{n}"));
        }
        for spend in [
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
        ] {
            book.rest.add_spend(spend);
        }
        Box::new(book)
    }

    /// The same book with something in each list that is not encoded (a whole head).
    pub(in crate::recording) fn book_with_everything() -> Box<MemberBook> {
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
    /// Times around midnight, before 1970, a leap second and the ends of chrono's range,
    /// in an order where consecutive ones share a day and then do not: the day each
    /// side keeps from the time before must never be used for another day.
    #[test]
    fn times_thaw_exactly_whatever_their_day() {
        let leap = DateTime::from_timestamp(1_483_228_799, 1_500_000_000).expect("a leap second");
        let times = [
            at(0, 0),
            at(86_399, 999_999_999),
            at(86_400, 0),
            at(-1, 5),
            at(-86_400, 0),
            at(-86_401, 0),
            leap,
            at(1_483_228_799, 0),
            at(1_483_228_800, 0),
            DateTime::<Utc>::MIN_UTC,
            DateTime::<Utc>::MAX_UTC,
            at(1_483_228_800, 1),
        ];
        let mut book = book();
        book.events.truncate(1);
        book.entries.clear();
        book.lots_mut().clear();
        for (n, time) in times.into_iter().enumerate() {
            let id: Arc<str> = Arc::from(format!("t{n}"));
            book.events.push(EventFact {
                id: Arc::clone(&id),
                kind: EventType::Purchase,
                time,
                amount: Decimal::ONE,
                original: None,
                conversion: None,
            });
            book.entries.push(EntryFact {
                event: id,
                time,
                rule: shared_text("base"),
                kind: EntryKind::Earn,
                points: Decimal::ONE,
                policy_version: shared_text("v"),
            });
        }
        let (thawed, _) = ColdBook::freeze(book.clone(), None)
            .thaw_whole()
            .expect("decodes");
        let times_of = |book: &MemberBook| -> Vec<DateTime<Utc>> {
            let events = book.events.iter().map(|e| e.time);
            events.chain(book.entries.iter().map(|e| e.time)).collect()
        };
        assert_eq!(times_of(&thawed), times_of(&book));
    }

    #[test]
    fn a_frozen_book_thaws_to_the_same_book() {
        for (original, slim) in [(book(), true), (book_with_everything(), false)] {
            let cold = ColdBook::freeze(original.clone(), None);
            assert_eq!(cold.is_slim(), slim);
            if let Head::Whole(rest) = &cold.head {
                assert!(rest.events.is_empty() && rest.lots.is_empty() && rest.rest.is_empty());
            }
            let (thawed, _) = cold.thaw_whole().expect("decodes");
            assert_eq!(thawed, original);
            for (a, b) in thawed.events.iter().zip(&original.events) {
                // `Decimal`'s equality ignores scale and the sign of zero; the bytes do not.
                assert_eq!(a.amount.serialize(), b.amount.serialize());
            }
            for (a, b) in thawed.lots().iter().zip(original.lots().iter()) {
                assert_eq!(a.remaining.serialize(), b.remaining.serialize());
                assert_eq!(a.expired.serialize(), b.expired.serialize());
            }
            for (a, b) in thawed
                .rest
                .campaign_spend()
                .iter()
                .zip(original.rest.campaign_spend().iter())
            {
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
        let cold = ColdBook::freeze(flagged.clone(), None);
        assert!(cold.is_slim());
        assert_eq!(cold.thaw_whole().map(|(book, _)| book), Some(flagged));
        let joined = NaiveDate::from_ymd_opt(2025, 3, 1).expect("a date");
        let empty = Box::new(MemberBook::new(
            MemberState::new("m", "individual", joined),
            false,
        ));
        assert_eq!(round_trip(empty.clone()), Some(empty));
    }

    /// A slim book costs less than a whole one: the struct kept is the member's state.
    #[test]
    fn a_slim_book_costs_less_than_a_whole_one() {
        let slim = ColdBook::freeze(book(), None);
        let whole = ColdBook::freeze(book_with_everything(), None);
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

    /// A whole book's deals cost what their list holds room for, not only what is in it:
    /// room for four statuses where one is used was a fifth of a realistic member's
    /// compact book, and went uncounted (issue 14).
    #[test]
    fn deals_cost_the_room_their_list_takes() {
        let deal = crate::member::DealStatus {
            enrollment: 7,
            deal: "weekly".to_owned(),
            state: crate::member::DealState::Active,
            enrolled_at: at(1_740_000_000, 0),
            starts_at: at(1_740_000_000, 0),
            periods: 4,
            kept: 0,
            missed: 0,
            next_checkpoint: at(1_740_604_800, 0),
            ended_at: None,
            tier_until: None,
        };
        // A whole book's state stays a struct (a slim one's is bytes: see below).
        let with_deals = |deals: Vec<crate::member::DealStatus>| {
            let mut book = book_with_everything();
            book.state.deals = deals;
            ColdBook::freeze(book, None).cost()
        };
        let mut roomy = Vec::with_capacity(4);
        roomy.push(deal.clone());
        let exact = vec![deal];
        assert_eq!(exact.capacity(), 1);
        assert_eq!(
            with_deals(roomy),
            with_deals(exact) + 3 * std::mem::size_of::<crate::member::DealStatus>()
        );
    }

    /// The encoding is several times smaller than the structs it replaces.
    #[test]
    fn a_frozen_book_is_much_smaller_than_the_book() {
        let original = book();
        let cold = ColdBook::freeze(original.clone(), None);
        let structs = original.events.len() * std::mem::size_of::<EventFact>()
            + original.entries.len() * std::mem::size_of::<EntryFact>()
            + original.lots.len() * std::mem::size_of::<LotFact>();
        let encoded = cold.facts.len() + cold.lots.as_ref().map_or(0, SealedLots::encoded_len);
        assert!(
            encoded * 3 < structs,
            "{encoded} bytes encoded against {structs} in structs"
        );
    }

    /// Bytes cut short, or with anything after the end, are a miss, never a panic or a
    /// wrong book.
    #[test]
    fn damaged_bytes_do_not_thaw() {
        let cold = ColdBook::freeze(book(), None);
        for len in 0..cold.facts.len() {
            let cut = ColdBook {
                head: ColdBook::freeze(book(), None).head,
                facts: cold.facts[..len].into(),
                past: cold.past,
                segments: cold.segments,
                lengths: cold.lengths,
                lots: None,
            };
            assert!(cut.thaw_whole().is_none(), "cut at {len}");
        }
        // The end of the segments in the wrong place, or counts that do not match.
        let (events, entries) = cold.lengths;
        for (past, segments, lengths) in [
            (cold.past - 1, cold.segments, cold.lengths),
            (cold.past + 1, cold.segments, cold.lengths),
            (cold.past, cold.segments + 1, cold.lengths),
            (0, 0, cold.lengths),
            (cold.past, cold.segments, (events + 1, entries)),
            (cold.past, cold.segments, (events, entries - 1)),
            (cold.past, cold.segments, (usize::MAX, usize::MAX)),
        ] {
            let moved = ColdBook {
                head: ColdBook::freeze(book(), None).head,
                facts: cold.facts.clone(),
                past,
                segments,
                lengths,
                lots: None,
            };
            assert!(
                moved.thaw_whole().is_none(),
                "segments end at {past}, {segments} of them, {lengths:?} facts"
            );
        }
        let mut longer = cold.facts.to_vec();
        longer.push(0);
        let longer = ColdBook {
            head: cold.head,
            facts: longer.into(),
            past: cold.past,
            segments: cold.segments,
            lengths: cold.lengths,
            lots: None,
        };
        assert!(longer.thaw_whole().is_none());
    }

    /// What a member's next purchase adds to their book: an event, an entry and a lot
    /// for it, its id; and it spends from their first lot and raises a notice.
    pub(in crate::recording) fn add_purchase(book: &mut MemberBook, n: i64) {
        let id: Arc<str> = Arc::from(format!("p{n}"));
        let time = at(1_760_000_000 + n * 86_400, 0);
        book.events.push(EventFact {
            id: Arc::clone(&id),
            kind: EventType::Purchase,
            time,
            amount: Decimal::new(150_000 + n, 0),
            original: None,
            conversion: None,
        });
        book.entries.push(EntryFact {
            event: Arc::clone(&id),
            time,
            rule: shared_text("base"),
            kind: EntryKind::Earn,
            points: Decimal::new(15, 0),
            // A policy version as long as a real one: a segment that wrote it again
            // would show in its size.
            policy_version: shared_text(&"f".repeat(64)),
        });
        book.lots_mut().push(LotFact {
            id: 5_000 + n,
            event: id,
            points: Decimal::new(15, 0),
            remaining: Decimal::new(15, 0),
            expired: Decimal::ZERO,
            earned_at: time,
            pending_until: time,
            expires_at: Some(time + chrono::Duration::days(365)),
        });
        if let Some(first) = book.lots_mut().first_mut() {
            first.remaining -= Decimal::ONE;
        }
        book.rest.add_notice(format!("expiring:p{n}"));
    }

    /// A book compacted again after a purchase keeps the segments it had and adds the
    /// new events and entries as one more, up to [`MOST_SEGMENTS`], then starts again
    /// from one; each time it thaws to the book that was frozen, lots changed in place
    /// included. A purchase that added nothing adds no segment.
    #[test]
    fn a_book_compacted_again_encodes_only_what_was_added() {
        for original in [book(), book_with_everything()] {
            let (mut held, mut past) = ColdBook::freeze(original.clone(), None)
                .thaw_whole()
                .expect("decodes");
            assert_eq!(held, original);
            let mut segments_seen = vec![1];
            for n in 0..2 * i64::from(MOST_SEGMENTS) {
                add_purchase(&mut held, n);
                let expected = held.clone();
                let cold = ColdBook::freeze(held, Some(past));
                segments_seen.push(cold.segments);
                let fresh = ColdBook::freeze(expected.clone(), None);
                assert_eq!(fresh.segments, 1);
                // A segment costs a few bytes of its own, not the rule names and policy
                // versions again.
                assert!(
                    cold.facts.len() <= fresh.facts.len() + 12 * usize::from(cold.segments),
                    "{} bytes in {} segments against {} in one",
                    cold.facts.len(),
                    cold.segments,
                    fresh.facts.len()
                );
                (held, past) = cold.thaw_whole().expect("decodes");
                assert!(held == expected, "after purchase {n}");
                for (a, b) in held.lots().iter().zip(expected.lots().iter()) {
                    assert_eq!(a.remaining.serialize(), b.remaining.serialize());
                }
            }
            let expected_segments: Vec<u8> = (0..=2 * MOST_SEGMENTS)
                .map(|n| n % MOST_SEGMENTS + 1)
                .collect();
            assert_eq!(segments_seen, expected_segments);
            // Thawed and compacted again with nothing added: the same segments.
            let segments = past.segments;
            let again = ColdBook::freeze(held.clone(), Some(past));
            assert_eq!(again.segments, segments);
            assert!(again.thaw_whole().is_some_and(|(book, _)| book == held));
        }
    }

    /// A past is used only for the book it was thawed into: another member's book, the
    /// same book read again (other copies of its texts), or a book whose events were
    /// taken back is encoded afresh, and still thaws to itself.
    #[test]
    fn a_past_serves_only_its_own_book() {
        let (_, past) = ColdBook::freeze(book(), None)
            .thaw_whole()
            .expect("decodes");
        let mut other = book_with_everything();
        add_purchase(&mut other, 1);
        let cold = ColdBook::freeze(other.clone(), Some(past));
        assert_eq!(cold.segments, 1);
        assert!(cold.thaw_whole().is_some_and(|(book, _)| book == other));

        // The same content, read again: equal, but not the copies the past holds.
        let (thawed, past) = ColdBook::freeze(book(), None)
            .thaw_whole()
            .expect("decodes");
        let reread = round_trip(thawed.clone()).expect("decodes");
        assert!(reread == thawed);
        let cold = ColdBook::freeze(reread.clone(), Some(past));
        assert_eq!(cold.segments, 1);
        assert!(cold.thaw_whole().is_some_and(|(book, _)| book == reread));

        // Fewer events or entries than the past holds.
        for shorten in [0, 1] {
            let (mut thawed, past) = ColdBook::freeze(book(), None)
                .thaw_whole()
                .expect("decodes");
            if shorten == 0 {
                thawed.events.pop();
            } else {
                thawed.entries.pop();
            }
            let cold = ColdBook::freeze(thawed.clone(), Some(past));
            assert_eq!(cold.segments, 1);
            assert!(cold.thaw_whole().is_some_and(|(book, _)| book == thawed));
        }
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
