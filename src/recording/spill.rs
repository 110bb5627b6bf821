//! Forgotten books past the bound on compact ones, written to a scratch file instead of
//! let go, and read back from there when their member comes back.
//!
//! A club whose decisions read members' histories (tiers over a year, expiry, deals) reads
//! a book it let go back from the ledger: the member's events, entries and lots, a few
//! rows on each of dozens of pages scattered through a file of gigabytes. With a million
//! members only a tenth of the books fit compact in memory ([`super::BookLimits`]), so
//! almost every purchase read one back: some 100 KB of pages copied from the OS a
//! purchase, and the import's rate fell as the ledger grew (issue 14: ten million
//! purchases by a million members took 45 minutes, 1,245 s of it in the kernel).
//!
//! A compact book written out here is one record of a few kilobytes, read back with one
//! read at a known place. The file is a scratch file of the process (made by `tempfile`
//! in `TMPDIR`, removed by the OS when it is closed, however the process ends); the OS's
//! page cache holds what fits of it, which is not the process's memory. Records go into
//! slots of a power of two bytes, reused when their book comes back, so the file is
//! about the size of the books it holds. Only a slim book is written (the member's state,
//! flags and compact lists: [`ColdBook`]); a book whose rarer lists hold something is let
//! go, as before.
//!
//! In memory each book written here keeps its place (a hash of the member's id, its
//! offset and length): [`SPILLED_PLACE`] bytes, counted with the compact books, up to
//! all of their bound. The record starts with the member's id, so a book read back for
//! another member whose id has the same hash is not taken for theirs: it is let go, and
//! that member read from the ledger. A file that cannot be made or written ends spilling
//! for the recorder's life: books are let go, as without it. What is written here is
//! exactly a compact book that was forgotten, and it is dropped whenever the compact ones
//! are ([`super::held::HeldBooks::clear`]).

use std::fs::File;
use std::hash::BuildHasher;

use rustc_hash::FxHashMap;

use super::cold::{ColdBook, Head};
use super::head::{raw_text, read_raw_text};
use crate::decide::compact::{Reader, Writer};
use crate::decide::lots::SealedLots;

/// What a book written to the file costs in memory, as the bound on compact books counts
/// it: its key and slot in the map (16 bytes) with the map's control byte and spare room
/// (from 7/8 full to 7/16 just after it grew: 19 to 39 bytes).
pub(super) const SPILLED_PLACE: usize = 40;

/// The smallest and largest slots, as powers of two: 128 bytes to 1 MiB. A book larger
/// than that (a group's account with years of history) is let go.
const SMALLEST_SLOT: u32 = 7;
const LARGEST_SLOT: u32 = 20;
const SLOT_SIZES: usize = (LARGEST_SLOT - SMALLEST_SLOT + 1) as usize;

/// Where a book's record lies in the file: at which of the file's units of the smallest
/// slot's size it starts (a file of up to 512 GiB), and its length, which gives its
/// slot's size ([`slot_size`]).
#[derive(Debug, Clone, Copy)]
struct Slot {
    unit: u32,
    len: u32,
}

impl Slot {
    fn offset(self) -> u64 {
        u64::from(self.unit) << SMALLEST_SLOT
    }

    fn size(self) -> usize {
        slot_size(self.len as usize).map_or(0, usize::from)
    }
}

/// The books written out, by a hash of their member's id.
#[derive(Default)]
pub(super) struct Spill {
    file: Option<File>,
    /// The file could not be made, written or read: nothing more is written.
    failed: bool,
    slots: FxHashMap<u64, Slot>,
    /// Slots free for reuse (their first units), by size.
    free: [Vec<u32>; SLOT_SIZES],
    /// Where the file ends, in units of the smallest slot.
    end: u64,
    /// Books written here and then let go without being taken back (another member's
    /// under the same key, a record that did not read back, every one when the file
    /// failed): the recorder must then distrust what was read ahead of the ledger, as for
    /// any book let go.
    lost: u64,
    /// The record being written or read.
    buffer: Vec<u8>,
    /// Hashes ids into keys, seeded at random: ids chosen to share a key would only
    /// have their books let go, but not knowingly.
    hasher: foldhash::fast::RandomState,
}

/// What became of a book offered to the file.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Put {
    /// Written; `replaced`: the book of another member whose id has the same hash was
    /// there, and is let go (counted in [`Spill::lost`]).
    Written { replaced: bool },
    /// Not written (a whole book, too large, or the file failed): let go.
    Refused,
}

impl Spill {
    fn key(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    /// How many books the file holds.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// How many books it let go so far, unasked.
    pub fn lost(&self) -> u64 {
        self.lost
    }

    /// What their places cost in memory ([`SPILLED_PLACE`] each).
    pub fn places(&self) -> usize {
        self.slots.len() * SPILLED_PLACE
    }

    /// Whether the file may hold `id`'s book (or that of another member with the same
    /// hash: [`Spill::take`] tells).
    pub fn contains(&self, id: &str) -> bool {
        !self.slots.is_empty() && self.slots.contains_key(&self.key(id))
    }

    /// Writes `book`, the forgotten book of member `id`.
    pub fn put(&mut self, id: &str, book: &ColdBook) -> Put {
        if self.failed {
            return Put::Refused;
        }
        self.buffer.clear();
        if !write_record(id, book, &mut self.buffer) {
            return Put::Refused;
        }
        let len = self.buffer.len();
        let Some(size) = slot_size(len) else {
            return Put::Refused;
        };
        let key = self.key(id);
        // The slot of a book already there under the same key (another member's) is
        // reused if it is of the size.
        let replaced = self.slots.remove(&key);
        if let Some(old) = replaced {
            self.free[old.size()].push(old.unit);
            self.lost += 1;
        }
        let unit = match self.free[usize::from(size)].pop() {
            Some(unit) => unit,
            None => {
                let Ok(unit) = u32::try_from(self.end) else {
                    return Put::Refused;
                };
                self.end += 1 << size;
                unit
            }
        };
        let slot = Slot {
            unit,
            len: len as u32,
        };
        if !self.write_at(slot.offset()) {
            self.fail();
            return Put::Refused;
        }
        self.slots.insert(key, slot);
        Put::Written {
            replaced: replaced.is_some(),
        }
    }

    /// Takes out the book of member `id`: `None` if the file holds none under its hash,
    /// `Some(None)` if it held one that is not theirs or did not read back (let go).
    pub fn take(&mut self, id: &str) -> Option<Option<ColdBook>> {
        let slot = self.slots.remove(&self.key(id))?;
        self.free[slot.size()].push(slot.unit);
        let Some(file) = &self.file else {
            self.lost += 1;
            return Some(None);
        };
        self.buffer.resize(slot.len as usize, 0);
        if read_at(file, &mut self.buffer, slot.offset()).is_err() {
            self.lost += 1;
            self.fail();
            return Some(None);
        }
        let book = read_record(&self.buffer, id);
        if book.is_none() {
            self.lost += 1;
        }
        Some(book)
    }

    /// Lets every book go, and the file's contents with them (the file is kept, empty).
    /// Not counted as lost: whoever clears drops every book, read ahead or not.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.free.iter_mut().for_each(Vec::clear);
        self.end = 0;
        if let Some(file) = &self.file {
            if file.set_len(0).is_err() {
                self.fail();
            }
        }
    }

    /// Writes the buffer at `offset`, making the file first if there is none.
    fn write_at(&mut self, offset: u64) -> bool {
        if self.file.is_none() {
            self.file = tempfile::tempfile().ok();
        }
        match &self.file {
            Some(file) => write_at(file, &self.buffer, offset).is_ok(),
            None => false,
        }
    }

    /// Ends spilling: every book written is let go, and nothing more is written.
    fn fail(&mut self) {
        self.failed = true;
        self.lost += self.slots.len() as u64;
        self.slots.clear();
        self.free.iter_mut().for_each(Vec::clear);
        self.file = None;
    }
}

/// The size of the smallest slot that holds `len` bytes, from [`SMALLEST_SLOT`]; `None`
/// past the largest.
fn slot_size(len: usize) -> Option<u8> {
    let bits = len.max(1).checked_next_power_of_two()?.trailing_zeros();
    let size = bits.max(SMALLEST_SLOT) - SMALLEST_SLOT;
    (bits <= LARGEST_SLOT).then_some(size as u8)
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

// Elsewhere nothing is spilled: a failed write ends it at the first book.
#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// `book` of member `id` as one record, added to `out`; `false` (nothing usable written)
/// for a whole book, whose rarer lists this record does not hold.
fn write_record(id: &str, book: &ColdBook, out: &mut Vec<u8>) -> bool {
    let Head::Slim(head) = &book.head else {
        return false;
    };
    let mut writer = Writer::for_events(&[], 0);
    writer.bytes = std::mem::take(out);
    raw_text(&mut writer, id);
    writer.count(head.len());
    writer.bytes.extend_from_slice(head);
    writer.count(book.lengths.0);
    writer.count(book.lengths.1);
    writer.count(book.past);
    writer.byte(book.segments);
    writer.count(book.facts.len());
    writer.bytes.extend_from_slice(&book.facts);
    match &book.lots {
        None => writer.byte(0),
        Some(lots) => {
            writer.byte(1);
            lots.write_whole(&mut writer);
        }
    }
    *out = writer.bytes;
    true
}

/// The book [`write_record`] wrote, if `bytes` are a record of member `id`'s book.
fn read_record(bytes: &[u8], id: &str) -> Option<ColdBook> {
    let mut reader = Reader::new(bytes);
    if read_raw_text(&mut reader)? != id {
        return None;
    }
    // Kept as bytes, as it was in memory: decoded when the book is thawed.
    let head_len = reader.count()?;
    let head: Box<[u8]> = Box::from(reader.take(head_len)?);
    let lengths = (reader.count()?, reader.count()?);
    let past = reader.count()?;
    let segments = reader.byte()?;
    let len = reader.count()?;
    let facts: Box<[u8]> = Box::from(reader.take(len)?);
    let lots = match reader.byte()? {
        0 => None,
        1 => Some(SealedLots::read_whole(&mut reader)?),
        _ => return None,
    };
    // Every byte read: anything left over means the bytes are not what was written.
    if reader.at != bytes.len() || past > facts.len() {
        return None;
    }
    Some(ColdBook {
        head: Head::Slim(head),
        facts,
        past,
        segments,
        lengths,
        lots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::member::{DealState, DealStatus, MemberState, MemberStats};
    use crate::recording::cold::tests::{add_purchase, book, book_with_everything};
    use chrono::NaiveDate;
    use chrono::{DateTime, TimeZone, Utc};
    use rust_decimal::Decimal;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).single().expect("a time")
    }

    /// A member's state with every field set, some to the ends of their ranges.
    fn full_state(id: &str) -> MemberState {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        let mut state = MemberState::new(id, "business", day(2024, 12, 31));
        state.birthday = Some(NaiveDate::MIN);
        state.attributes.insert("city".into(), "تهران".into());
        state.attributes.insert("".into(), "".into());
        state.balance = Decimal::MAX;
        state.debt = Decimal::new(-0, 5);
        state.credit = Decimal::new(12_345, 2);
        state.tier = Some("gold".into());
        state.tier_valid_until = Some(DateTime::<Utc>::MAX_UTC);
        state.tier_reviewed_at = Some(DateTime::<Utc>::MIN_UTC);
        state.greeted_through = Some(at(1_740_000_000));
        for (n, deal_state) in [DealState::Active, DealState::Completed, DealState::Failed]
            .into_iter()
            .enumerate()
        {
            state.deals.push(DealStatus {
                enrollment: i64::MIN + n as i64,
                deal: format!("deal{n}"),
                state: deal_state,
                enrolled_at: at(1_740_000_000 - n as i64),
                starts_at: at(-86_401),
                periods: u32::MAX,
                kept: n as u32,
                missed: 0,
                next_checkpoint: at(1_750_000_000),
                ended_at: (n > 0).then(|| at(1_760_000_000)),
                tier_until: (n == 1).then(|| at(1_770_000_000)),
            });
        }
        state.stats = MemberStats {
            spend_total: Decimal::new(1, 28),
            visits_total: i64::MAX,
            last_visit: Some(at(1_740_000_000)),
            spend_30d: Decimal::MIN,
            visits_30d: i64::MIN,
            spend_90d: Decimal::ZERO,
            visits_90d: 0,
            spend_365d: Decimal::new(5, 0),
            visits_365d: 3,
        };
        state
    }

    /// A slim cold book of member `id`, with every field of its state set.
    fn cold(id: &str) -> (Box<crate::decide::MemberBook>, ColdBook) {
        let mut original = book();
        original.state = full_state(id);
        original.stored_tier = Some("silver".into());
        original.is_new = true;
        (original.clone(), ColdBook::freeze(original, None))
    }

    /// A book written out and read back thaws to the very book that was forgotten,
    /// exact to the bytes of its decimals, with its lots still sealed until read.
    #[test]
    fn a_spilled_book_comes_back_the_same() {
        let mut spill = Spill::default();
        let (original, book) = cold("m1");
        assert_eq!(spill.put("m1", &book), Put::Written { replaced: false });
        assert!(spill.contains("m1") && !spill.contains("m2"));
        assert_eq!(spill.places(), SPILLED_PLACE);
        let back = spill.take("m1").expect("held").expect("read back");
        assert!(back.lots.is_some(), "the lots stay sealed");
        let (thawed, _) = back.thaw_whole().expect("decodes");
        assert_eq!(thawed, original);
        let state = &thawed.state;
        assert_eq!(state.balance.serialize(), Decimal::MAX.serialize());
        assert_eq!(state.debt.serialize(), Decimal::new(-0, 5).serialize());
        // Taken out: the file holds it no more.
        assert!(spill.take("m1").is_none() && !spill.contains("m1"));
        assert_eq!(spill.places(), 0);
        // A book thawed, added to and compacted again with what it kept of its bytes
        // (its past): the same after a spill.
        let (mut held, past) = ColdBook::freeze(original.clone(), None)
            .thaw()
            .expect("decodes");
        add_purchase(&mut held, 100);
        let expected = held.clone();
        let again = ColdBook::freeze(held, Some(past));
        assert!(again.segments() > 1);
        assert!(matches!(spill.put("m1", &again), Put::Written { .. }));
        let (thawed, _) = spill
            .take("m1")
            .flatten()
            .and_then(ColdBook::thaw_whole)
            .expect("comes back");
        assert_eq!(thawed, expected);
    }

    /// Only slim books are written: a whole one keeps lists the record does not hold.
    #[test]
    fn a_whole_book_is_not_spilled() {
        let mut spill = Spill::default();
        let whole = ColdBook::freeze(book_with_everything(), None);
        assert_eq!(spill.put("m0000042", &whole), Put::Refused);
        assert_eq!(spill.len(), 0);
        assert!(spill.file.is_none(), "no file is made for nothing");
    }

    /// Slots are reused: the file grows with the books it holds at once, not with how
    /// often they were written.
    #[test]
    fn slots_are_reused() {
        let mut spill = Spill::default();
        for round in 0..50 {
            for id in ["a", "b", "c"] {
                let (_, book) = cold(id);
                assert!(matches!(spill.put(id, &book), Put::Written { .. }));
            }
            let end = spill.end;
            for id in ["a", "b", "c"] {
                assert!(spill.take(id).flatten().is_some(), "round {round}");
            }
            if round > 0 {
                assert_eq!(spill.end, end, "round {round}");
            }
        }
        let (_, book) = cold("a");
        let mut record = Vec::new();
        assert!(write_record("a", &book, &mut record));
        let slot = 1u64 << (SMALLEST_SLOT + u32::from(slot_size(record.len()).expect("fits")));
        assert!(slot >= record.len() as u64 && slot < 2 * record.len() as u64);
        assert_eq!(spill.end << SMALLEST_SLOT, 3 * slot);
    }

    #[test]
    fn slot_sizes() {
        assert_eq!(slot_size(0), Some(0));
        assert_eq!(slot_size(128), Some(0));
        assert_eq!(slot_size(129), Some(1));
        assert_eq!(slot_size(1 << 20), Some(13));
        assert_eq!(slot_size((1 << 20) + 1), None);
        assert_eq!(slot_size(usize::MAX), None);
    }

    /// A record read for another member (ids of the same hash), cut short, or with a
    /// byte changed where a choice is coded, is not a book: never a panic or a wrong one.
    #[test]
    fn a_record_that_is_not_the_members_is_not_read() {
        let (original, book) = cold("m7");
        let mut record = Vec::new();
        assert!(write_record("m7", &book, &mut record));
        assert!(read_record(&record, "m8").is_none());
        for len in 0..record.len() {
            assert!(read_record(&record[..len], "m7").is_none(), "cut at {len}");
        }
        let mut longer = record.clone();
        longer.push(0);
        assert!(read_record(&longer, "m7").is_none());
        // Any byte changed: a miss, or a book (a changed value) that is still a book.
        for at in 0..record.len() {
            let mut changed = record.clone();
            changed[at] ^= 0xff;
            if let Some(book) = read_record(&changed, "m7") {
                let _ = book.thaw_whole();
            }
        }
        let read = read_record(&record, "m7").expect("reads");
        assert_eq!(read.thaw_whole().map(|(book, _)| book), Some(original));
    }

    /// Books of two members under one key (as two ids of the same hash would be): the
    /// second replaces the first, which is let go, and the first is not taken for the
    /// second's.
    #[test]
    fn a_book_under_anothers_key_is_let_go() {
        let mut spill = Spill::default();
        let (_, first) = cold("m1");
        assert!(matches!(spill.put("m1", &first), Put::Written { .. }));
        // Under m1's key, as a colliding id's would be.
        let slot = spill.slots.remove(&spill.key("m1")).expect("written");
        spill.slots.insert(spill.key("m2"), slot);
        assert_eq!(spill.take("m2").map(|book| book.is_some()), Some(false));
        assert!(spill.take("m1").is_none());
        assert_eq!(spill.lost(), 1);
        let (_, second) = cold("m2");
        assert!(matches!(spill.put("m2", &second), Put::Written { .. }));
        let slot = *spill.slots.get(&spill.key("m2")).expect("written");
        spill.slots.insert(spill.key("m1"), slot);
        assert_eq!(spill.put("m1", &first), Put::Written { replaced: true });
        assert_eq!(spill.lost(), 2);
    }

    /// Clearing lets every book go and empties the file.
    #[test]
    fn clearing_empties_the_file() {
        let mut spill = Spill::default();
        for id in ["a", "b"] {
            let (_, book) = cold(id);
            assert!(matches!(spill.put(id, &book), Put::Written { .. }));
        }
        let file_len = |spill: &Spill| {
            spill
                .file
                .as_ref()
                .map(|f| f.metadata().expect("a file").len())
        };
        assert!(file_len(&spill).is_some_and(|len| len > 0));
        spill.clear();
        assert_eq!((spill.len(), spill.end), (0, 0));
        assert!(!spill.contains("a") && spill.take("a").is_none());
        assert_eq!(file_len(&spill), Some(0));
    }

    /// A file that cannot be read any more ends spilling: what it held is let go.
    #[test]
    fn a_failed_file_ends_spilling() {
        let mut spill = Spill::default();
        for id in ["a", "b", "c"] {
            let (_, book) = cold(id);
            assert!(matches!(spill.put(id, &book), Put::Written { .. }));
        }
        let (_, book) = cold("a");
        // Cut short under the records: they no longer read. The two others are let go
        // with the one asked for, and all three are counted.
        let file = spill.file.as_ref().expect("a file");
        file.set_len(1).expect("cut");
        assert_eq!(spill.take("a").map(|book| book.is_some()), Some(false));
        assert!(spill.failed);
        assert_eq!(spill.lost(), 3);
        assert!(!spill.contains("b") && !spill.contains("c"));
        assert_eq!(spill.put("a", &book), Put::Refused);
        assert_eq!(spill.len(), 0);
    }
}
