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
//! In memory each book written here keeps its place (32 bits of a hash of the member's
//! id, and 32 of where its slot starts and its size; the record's length is in its
//! slot): [`SPILLED_PLACE`] bytes, counted with the compact books, up to all of their
//! bound. The record starts with the member's id, so a book under the key of another
//! member's is told from theirs when it is read. Among a million members some hundred
//! pairs share a key; the second of a pair to be written is placed by the whole 64-bit
//! hash, in a map of its own, and neither book is let go (a book let go is read back
//! from the ledger with the member's history). A file that cannot be made or written ends
//! spilling for the recorder's life: books are let go, as without it. What is written here is
//! exactly a compact book that was forgotten, and it is dropped whenever the compact ones
//! are ([`super::held::HeldBooks::clear`]).

use std::fs::File;
use std::hash::BuildHasher;

use rustc_hash::FxHashMap;

use super::cold::{ColdBook, Head};
use super::head::raw_text;
use crate::decide::compact::{Reader, Writer};
use crate::decide::lots::SealedLots;
use crate::word_table::WordTable;

/// What a book written to the file costs in memory, as the bound on compact books counts
/// it: its key and slot, one word of a table 4/5 to 16/25 full (10 to 12.5 bytes), with
/// room for the table's old places beside its new ones as it grows. With a 64-bit key
/// and the record's length beside its start in a `HashMap` (16 bytes, counted 40), a
/// million members' places took 36 MB at ten million purchases (issue 14,
/// twenty-seventh stop).
pub(super) const SPILLED_PLACE: usize = 20;

/// The smallest and largest slots, as powers of two: 128 bytes to 1 MiB. A book larger
/// than that (a group's account with years of history) is let go.
const SMALLEST_SLOT: u32 = 7;
const LARGEST_SLOT: u32 = 20;
const SLOT_SIZES: usize = (LARGEST_SLOT - SMALLEST_SLOT + 1) as usize;

/// Where a book's record lies in the file, in 32 bits: at which of the file's units of
/// the smallest slot's size it starts (28 bits: a file of up to 32 GiB; past that books
/// are let go), and its slot's size ([`slot_size`], 4 bits).
#[derive(Debug, Clone, Copy)]
struct Slot(u32);

/// The bits of a [`Slot`] that say its size.
const SIZE_BITS: u32 = 4;

impl Slot {
    fn new(unit: u32, size: u8) -> Option<Slot> {
        (unit < 1 << (32 - SIZE_BITS)).then(|| Slot(unit << SIZE_BITS | u32::from(size)))
    }

    fn unit(self) -> u32 {
        self.0 >> SIZE_BITS
    }

    fn offset(self) -> u64 {
        u64::from(self.unit()) << SMALLEST_SLOT
    }

    /// Its size, as [`slot_size`] gives it.
    fn size(self) -> usize {
        (self.0 & ((1 << SIZE_BITS) - 1)) as usize
    }

    /// Its size in bytes.
    fn bytes(self) -> usize {
        1 << (SMALLEST_SLOT as usize + self.size())
    }
}

/// The places of books by a 32-bit key, each one word of a [`WordTable`]: the key above
/// the slot (plus one, so that no word is 0, the table's empty place: a slot's size is
/// at most 13, so its word is never `u32::MAX`). A `HashMap` of a million of them
/// doubled to 19 MB at the import's peak.
#[derive(Debug)]
struct Places(WordTable);

impl Default for Places {
    fn default() -> Self {
        Places(WordTable::new(32))
    }
}

impl Places {
    fn word(key: u32, slot: Slot) -> u64 {
        u64::from(key) << 32 | (u64::from(slot.0) + 1)
    }

    fn slot(word: u64) -> Slot {
        Slot((word as u32).wrapping_sub(1))
    }

    fn get(&self, key: u32) -> Option<Slot> {
        self.0.get(u64::from(key)).map(Places::slot)
    }

    fn insert(&mut self, key: u32, slot: Slot) {
        self.0.insert(Places::word(key, slot));
    }

    fn remove(&mut self, key: u32) -> Option<Slot> {
        self.0.remove(u64::from(key)).map(Places::slot)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn clear(&mut self) {
        self.0.clear();
    }
}

/// The bytes before a record in its slot: the record's length.
const LENGTH_BYTES: usize = 4;

/// The books written out, by a hash of their member's id.
#[derive(Default)]
pub(super) struct Spill {
    file: Option<File>,
    /// The file could not be made, written or read: nothing more is written.
    failed: bool,
    /// The places of books by the low 32 bits of their member's hash.
    slots: Places,
    /// The books of members whose 32-bit key held another member's book when theirs
    /// was written, by the whole 64-bit hash of their id: a few hundred among a million
    /// members. (Letting them go instead read their books back from the ledger, whose
    /// history queries then built a deferred index in mid-import: 1.4x the time.)
    shared: FxHashMap<u64, Slot>,
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
    /// Hashes ids into keys, seeded at random: ids chosen to share a 64-bit hash would
    /// only have their books let go, but not knowingly.
    hasher: foldhash::fast::RandomState,
}

/// What became of a book offered to the file.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Put {
    /// Written; `replaced`: the book of another member whose id has the same 64-bit hash
    /// was there (or one that did not read back), and is let go (counted in
    /// [`Spill::lost`]).
    Written { replaced: bool },
    /// Not written (a whole book, too large, or the file failed): let go.
    Refused,
}

impl Spill {
    /// The 64-bit hash of `id`; its low 32 bits are the key of its place in `slots`.
    fn hash(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    /// How many books the file holds.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.slots.len() + self.shared.len()
    }

    /// How many books it let go so far, unasked.
    pub fn lost(&self) -> u64 {
        self.lost
    }

    /// What their places cost in memory ([`SPILLED_PLACE`] each).
    pub fn places(&self) -> usize {
        (self.slots.len() + self.shared.len()) * SPILLED_PLACE
    }

    /// Whether the file may hold `id`'s book (or that of another member with the same
    /// key: [`Spill::take`] tells).
    pub fn contains(&self, id: &str) -> bool {
        if self.slots.is_empty() && self.shared.is_empty() {
            return false;
        }
        let hash = self.hash(id);
        self.slots.get(hash as u32).is_some()
            || (!self.shared.is_empty() && self.shared.contains_key(&hash))
    }

    /// Writes `book`, the forgotten book of member `id`.
    pub fn put(&mut self, id: &str, book: &ColdBook) -> Put {
        if self.failed {
            return Put::Refused;
        }
        let hash = self.hash(id);
        let key = hash as u32;
        // A place under the key is another member's (a member's book is taken out of
        // the file when they come back), whose book stays: this one goes among the
        // shared. One that is theirs after all, or that does not read, is replaced.
        let mut replaced = false;
        let mut shared = false;
        if let Some(old) = self.slots.get(key) {
            let whose = self
                .read_slot(old)
                .map(|record| record_member(record).map(|member| member == id.as_bytes()));
            match whose {
                None => return Put::Refused,
                Some(Some(false)) => shared = true,
                Some(theirs) => {
                    self.slots.remove(key);
                    self.free[old.size()].push(old.unit());
                    if theirs.is_none() {
                        self.lost += 1;
                        replaced = true;
                    }
                }
            }
        }
        if shared {
            if let Some(old) = self.shared.remove(&hash) {
                // Two ids of the same 64-bit hash: the first is let go.
                self.free[old.size()].push(old.unit());
                self.lost += 1;
                replaced = true;
            }
        }
        self.buffer.clear();
        self.buffer.extend_from_slice(&[0; LENGTH_BYTES]);
        if !write_record(id, book, &mut self.buffer) {
            return Put::Refused;
        }
        let len = self.buffer.len();
        let Some(size) = slot_size(len) else {
            return Put::Refused;
        };
        let Ok(record_len) = u32::try_from(len - LENGTH_BYTES) else {
            return Put::Refused;
        };
        self.buffer[..LENGTH_BYTES].copy_from_slice(&record_len.to_le_bytes());
        let slot = match self.free[usize::from(size)].pop() {
            Some(unit) => Slot::new(unit, size),
            None => {
                let slot = u32::try_from(self.end)
                    .ok()
                    .and_then(|unit| Slot::new(unit, size));
                if slot.is_some() {
                    self.end += 1 << size;
                }
                slot
            }
        };
        let Some(slot) = slot else {
            return Put::Refused;
        };
        if !self.write_at(slot.offset()) {
            self.fail();
            return Put::Refused;
        }
        if shared {
            self.shared.insert(hash, slot);
        } else {
            self.slots.insert(key, slot);
        }
        Put::Written { replaced }
    }

    /// Takes out the book of member `id`: `None` if the file holds none under its hash,
    /// `Some(None)` if it held one that did not read back (let go), or another member's
    /// under the same 64-bit hash (let go).
    pub fn take(&mut self, id: &str) -> Option<Option<ColdBook>> {
        let hash = self.hash(id);
        let key = hash as u32;
        if let Some(slot) = self.slots.get(key) {
            // A failed read let go of every book, this one with them, and counted them.
            let Some(record) = self.read_slot(slot) else {
                return Some(None);
            };
            match record_member(record) {
                // Another member's: this one's, if here, is among the shared.
                Some(member) if member != id.as_bytes() => {}
                // Theirs, or not readable (let go).
                _ => {
                    let book = read_record(record, id);
                    self.slots.remove(key);
                    self.free[slot.size()].push(slot.unit());
                    self.lost += u64::from(book.is_none());
                    return Some(book);
                }
            }
        }
        if self.shared.is_empty() {
            return None;
        }
        let slot = *self.shared.get(&hash)?;
        let Some(record) = self.read_slot(slot) else {
            return Some(None);
        };
        let book = read_record(record, id);
        self.shared.remove(&hash);
        self.free[slot.size()].push(slot.unit());
        self.lost += u64::from(book.is_none());
        Some(book)
    }

    /// The record in `slot`, read into the buffer; `None` if it cannot be, which ends
    /// spilling ([`Spill::fail`]: every book held is let go and counted).
    fn read_slot(&mut self, slot: Slot) -> Option<&[u8]> {
        let Some(file) = &self.file else {
            self.fail();
            return None;
        };
        // The whole slot, or as much of it as the file holds (the last slot's record
        // may end before the slot does): its length says where the record ends.
        self.buffer.resize(slot.bytes(), 0);
        let read = read_at(file, &mut self.buffer, slot.offset()).unwrap_or(0);
        let len = self.buffer[..read]
            .first_chunk::<LENGTH_BYTES>()
            .map(|len| u32::from_le_bytes(*len) as usize)
            .filter(|&len| len <= read - LENGTH_BYTES);
        let Some(len) = len else {
            // The file ends before the record it was given: it failed.
            self.fail();
            return None;
        };
        Some(&self.buffer[LENGTH_BYTES..LENGTH_BYTES + len])
    }

    /// Lets every book go, and the file's contents with them (the file is kept, empty).
    /// Not counted as lost: whoever clears drops every book, read ahead or not.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.shared.clear();
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
        self.lost += (self.slots.len() + self.shared.len()) as u64;
        self.slots.clear();
        self.shared.clear();
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

/// Reads into `bytes` from `offset` until they are full or the file ends: how many were
/// read.
#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<usize> {
    let mut read = 0;
    while read < bytes.len() {
        match std::os::unix::fs::FileExt::read_at(file, &mut bytes[read..], offset + read as u64) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(read)
}

// Elsewhere nothing is spilled: a failed write ends it at the first book.
#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<usize> {
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

/// Whose book a record written by [`write_record`] is.
fn record_member(bytes: &[u8]) -> Option<&[u8]> {
    let mut reader = Reader::new(bytes);
    let len = reader.count()?;
    reader.take(len)
}

/// The book [`write_record`] wrote, if `bytes` are a record of member `id`'s book.
fn read_record(bytes: &[u8], id: &str) -> Option<ColdBook> {
    let mut reader = Reader::new(bytes);
    let id_len = reader.count()?;
    if reader.take(id_len)? != id.as_bytes() {
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
        let len = LENGTH_BYTES + record.len();
        let slot = 1u64 << (SMALLEST_SLOT + u32::from(slot_size(len).expect("fits")));
        assert!(slot >= len as u64 && slot < 2 * len as u64);
        assert_eq!(spill.end << SMALLEST_SLOT, 3 * slot);
    }

    /// A place is 32 bits: a file past 32 GiB takes no more books (they are let go, and
    /// read back from the ledger), and one that does not reach it takes them all.
    #[test]
    fn a_file_past_its_places_takes_no_more_books() {
        let mut spill = Spill::default();
        let (_, book) = cold("m1");
        spill.end = (1 << 28) - 1;
        assert_eq!(spill.put("m1", &book), Put::Written { replaced: false });
        assert!(spill.end > 1 << 28, "its slot starts at the last unit");
        assert_eq!(spill.put("m2", &book), Put::Refused);
        assert!(!spill.contains("m2"));
        let back = spill.take("m1").expect("held").expect("read back");
        assert_eq!(back.facts, book.facts);
        assert!(Slot::new(1 << 28, 0).is_none());
        let last = Slot::new((1 << 28) - 1, 13).expect("the last unit");
        assert_eq!(
            (last.unit(), last.size(), last.bytes()),
            ((1 << 28) - 1, 13, 1 << 20)
        );
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

    /// Two ids whose hashes share their low 32 bits, found among made-up ones (some
    /// 80,000 hashes are drawn before two share a key).
    fn sharing_a_key(spill: &Spill) -> (String, String) {
        let mut seen: FxHashMap<u32, String> = FxHashMap::default();
        for n in 0.. {
            let id = format!("m{n}");
            if let Some(first) = seen.insert(spill.hash(&id) as u32, id.clone()) {
                return (first, id);
            }
        }
        unreachable!("the ids run out only past usize::MAX")
    }

    /// Two members whose ids share a key: both books are written and each comes back as
    /// its member's, whichever is taken first; a third member under the same key finds
    /// none; none is let go.
    #[test]
    fn books_under_a_shared_key_are_both_kept() {
        let mut spill = Spill::default();
        let (first, second) = sharing_a_key(&spill);
        let (first_book, first_cold) = cold(&first);
        let (second_book, second_cold) = cold(&second);
        assert!(spill.take(&second).is_none(), "nothing written yet");
        assert_eq!(
            spill.put(&first, &first_cold),
            Put::Written { replaced: false }
        );
        assert!(spill.contains(&second), "a key shared: a maybe");
        assert!(
            spill.take(&second).is_none(),
            "the first's book is not the second's"
        );
        assert_eq!(
            spill.put(&second, &second_cold),
            Put::Written { replaced: false }
        );
        assert_eq!((spill.len(), spill.shared.len()), (2, 1));
        assert_eq!(spill.places(), 2 * SPILLED_PLACE);
        let thaw = |book: Option<Option<ColdBook>>| {
            book.expect("held")
                .expect("read back")
                .thaw_whole()
                .map(|(book, _)| book)
        };
        // The first out first: the second, placed by its whole hash, is still found.
        assert_eq!(thaw(spill.take(&first)), Some(first_book.clone()));
        assert!(spill.slots.is_empty() && spill.contains(&second));
        assert_eq!(thaw(spill.take(&second)), Some(second_book.clone()));
        assert_eq!((spill.len(), spill.lost()), (0, 0));
        // Written again the other way round; the second out first.
        assert_eq!(
            spill.put(&second, &second_cold),
            Put::Written { replaced: false }
        );
        assert_eq!(
            spill.put(&first, &first_cold),
            Put::Written { replaced: false }
        );
        assert_eq!(spill.shared.len(), 1, "the first among the shared now");
        assert_eq!(thaw(spill.take(&second)), Some(second_book));
        assert_eq!(thaw(spill.take(&first)), Some(first_book));
        assert_eq!((spill.len(), spill.lost()), (0, 0));
    }

    /// A book under its own member's key written again replaces the one there (which a
    /// member's coming back takes out first, so this is a guard, not a path); one whose
    /// record does not read is replaced too, and counted as let go.
    #[test]
    fn a_book_written_again_replaces_its_own() {
        let mut spill = Spill::default();
        let (_, older) = cold("m1");
        let (book, newer) = cold("m1");
        assert!(matches!(spill.put("m1", &older), Put::Written { .. }));
        assert_eq!(spill.put("m1", &newer), Put::Written { replaced: false });
        assert_eq!((spill.len(), spill.lost()), (1, 0));
        // A record whose id does not read: its length byte says more than follows.
        let slot = spill.slots.get(spill.hash("m1") as u32).expect("written");
        let file = spill.file.as_ref().expect("a file");
        write_at(file, &[0xff], slot.offset() + LENGTH_BYTES as u64).expect("written");
        assert_eq!(spill.put("m1", &newer), Put::Written { replaced: true });
        assert_eq!((spill.len(), spill.lost()), (1, 1));
        let back = spill.take("m1").expect("held").expect("read back");
        assert_eq!(back.thaw_whole().map(|(b, _)| b), Some(book));
    }

    /// Two ids of the same 64-bit hash (made so by hand): the record found under the
    /// second's hash is the first's, which is not taken for the second's but let go; a
    /// book written under a whole hash already among the shared replaces the one there.
    #[test]
    fn a_book_under_anothers_whole_hash_is_let_go() {
        let mut spill = Spill::default();
        let (first, second) = sharing_a_key(&spill);
        let (_, first_cold) = cold(&first);
        let (_, second_cold) = cold(&second);
        assert!(matches!(
            spill.put(&first, &first_cold),
            Put::Written { .. }
        ));
        assert!(matches!(
            spill.put(&second, &second_cold),
            Put::Written { .. }
        ));
        // The first's record written over the second's, in the second's slot.
        let mut record = vec![0; LENGTH_BYTES];
        assert!(write_record(&first, &first_cold, &mut record));
        let len = u32::try_from(record.len() - LENGTH_BYTES).expect("small");
        record[..LENGTH_BYTES].copy_from_slice(&len.to_le_bytes());
        let second_place = spill.shared[&spill.hash(&second)];
        assert!(record.len() <= second_place.bytes());
        let file = spill.file.as_ref().expect("a file");
        write_at(file, &record, second_place.offset()).expect("written");
        assert_eq!(spill.take(&second).map(|book| book.is_some()), Some(false));
        assert_eq!((spill.shared.len(), spill.lost()), (0, 1));
        assert!(matches!(
            spill.put(&second, &second_cold),
            Put::Written { .. }
        ));
        assert_eq!(
            spill.put(&second, &second_cold),
            Put::Written { replaced: true }
        );
        assert_eq!((spill.shared.len(), spill.lost()), (1, 2));
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
