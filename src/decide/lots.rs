//! A member's lots, oldest first, of which the older ones may still be sealed: kept in the
//! compact form their book had while the recorder had forgotten it, and decoded only when
//! a decision reads them.
//!
//! Most events only add a lot and ask whether any lot expires or needs an "expiring soon"
//! notice; a short summary of the sealed lots (how many, the newest, the earliest expiry
//! and earliest earning among the open ones) answers that, and a new lot newer than every
//! sealed one goes after them. Decoding every lot when a forgotten book came back and
//! encoding them all again when it was forgotten once more was some 10 % of the realistic
//! club's deciding thread at a million purchases (issue 14: 41 % of thawing a book, 43 %
//! of compacting one). A lot that changes (spent, expired, returned) unseals them all;
//! sealing again appends the lots added since as one more chunk of bytes, up to
//! [`MOST_CHUNKS`], then encodes them all as one.
//!
//! The bytes are this module's own and decode by construction. Should they not (a fault
//! in the codec), the lots are not guessed at: the failure is counted on the thread, and
//! the recorder refuses to record anything decided meanwhile ([`take_unseal_failures`]).

use std::borrow::Cow;
use std::cell::Cell;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::compact::{read_event, read_table, Reader, Writer};
use super::history::{EventFact, LotFact};

/// How many chunks sealed lots gather before sealing decodes and encodes them as one.
const MOST_CHUNKS: u32 = 8;

/// A lot's usual values, as bits of one byte: `remaining` is `points` (nothing spent),
/// `expired` is zero, `pending_until` is `earned_at` (no pending period), and whether it
/// expires. Equality is of the decimals' bytes, so a scale or a sign of zero that
/// differs is written out.
const LOT_UNSPENT: u8 = 1;
const LOT_NONE_EXPIRED: u8 = 2;
const LOT_NOT_PENDING: u8 = 4;
const LOT_EXPIRES: u8 = 8;

/// A member's lots, oldest first (by time earned, then number): the sealed ones, then the
/// decoded ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lots {
    sealed: Option<SealedLots>,
    /// Every lot decoded, or, while some are sealed, those after them.
    list: Vec<LotFact>,
}

/// Lots as compact bytes, with what decisions ask of them most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedLots {
    bytes: Box<[u8]>,
    chunks: u32,
    summary: LotSummary,
}

/// What sealed lots can tell without being decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LotSummary {
    pub count: usize,
    /// The newest lot's time earned and number: a lot that sorts after it needs none of
    /// the sealed ones decoded to find its place.
    pub newest: (DateTime<Utc>, i64),
    /// The earliest expiry of a lot with points left.
    pub earliest_expiry: Option<DateTime<Utc>>,
    /// When the oldest lot with points left was earned.
    pub oldest_open: Option<DateTime<Utc>>,
}

thread_local! {
    /// Sealed lots that did not decode on this thread since the recorder last asked.
    static UNSEAL_FAILURES: Cell<u64> = const { Cell::new(0) };
    /// Where [`SealedLots::encode`] writes before copying out.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// How many times sealed lots, or a book's sealed rarer facts ([`super::rest`]), failed to
/// decode on this thread since the last call (never, unless the codec is at fault): the
/// recorder refuses to record a plan decided on facts that may be missing.
pub fn take_unseal_failures() -> u64 {
    UNSEAL_FAILURES.with(|failures| failures.replace(0))
}

pub(super) fn count_failure() {
    UNSEAL_FAILURES.with(|failures| failures.set(failures.get().saturating_add(1)));
}

impl From<Vec<LotFact>> for Lots {
    fn from(list: Vec<LotFact>) -> Lots {
        Lots { sealed: None, list }
    }
}

impl Lots {
    /// How many lots there are, sealed or not.
    pub fn len(&self) -> usize {
        self.sealed.as_ref().map_or(0, |s| s.summary.count) + self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether some lots are still sealed.
    #[cfg(test)]
    fn is_sealed(&self) -> bool {
        self.sealed.is_some()
    }

    /// The decoded lots after the sealed ones (every lot, if none is sealed).
    pub fn decoded(&self) -> &[LotFact] {
        &self.list
    }

    /// Every lot, oldest first: borrowed if none is sealed, else decoded for the caller.
    /// `events` are the book's own, which the bytes name lots' events by.
    pub fn all(&self, events: &[EventFact]) -> Cow<'_, [LotFact]> {
        match &self.sealed {
            None => Cow::Borrowed(&self.list),
            Some(sealed) => match sealed.decode(events) {
                Some(mut all) => {
                    all.extend(self.list.iter().cloned());
                    Cow::Owned(all)
                }
                None => {
                    count_failure();
                    Cow::Borrowed(&self.list)
                }
            },
        }
    }

    /// The lots a question needs: only the decoded ones if `sealed_answer_nothing` says,
    /// from their summary, that no sealed lot can answer it; every lot otherwise.
    pub fn unless(
        &self,
        events: &[EventFact],
        sealed_answer_nothing: impl FnOnce(&LotSummary) -> bool,
    ) -> Cow<'_, [LotFact]> {
        match &self.sealed {
            Some(sealed) if sealed_answer_nothing(&sealed.summary) => Cow::Borrowed(&self.list),
            _ => self.all(events),
        }
    }

    /// Decodes the sealed lots, if any, in place: every lot is then in [`Lots::decoded`].
    pub fn unseal(&mut self, events: &[EventFact]) {
        let Some(sealed) = &self.sealed else {
            return;
        };
        match sealed.decode(events) {
            Some(mut all) => {
                all.append(&mut self.list);
                self.list = all;
                self.sealed = None;
            }
            None => count_failure(),
        }
    }

    /// Every lot, decoded, to change.
    pub fn all_mut(&mut self, events: &[EventFact]) -> &mut Vec<LotFact> {
        self.unseal(events);
        &mut self.list
    }

    /// Adds a new lot where it belongs in the oldest-first order: after the sealed ones
    /// without decoding them, when it is newer than all of them (as new lots mostly are).
    pub fn add(&mut self, lot: LotFact, events: &[EventFact]) {
        let key = (lot.earned_at, lot.id);
        if self.sealed.as_ref().is_some_and(|s| s.summary.newest > key) {
            self.unseal(events);
        }
        // Events mostly arrive in time order, so a new lot is mostly the newest: checking
        // the last one spares a binary search whose every step is a cache miss in a book
        // of many lots.
        let newest = |l: &LotFact| (l.earned_at, l.id) <= key;
        if self.list.last().is_none_or(newest) {
            self.list.push(lot);
            return;
        }
        let at = self.list.partition_point(newest);
        self.list.insert(at, lot);
    }

    /// The lot numbered `id`, to change.
    pub fn get_mut(&mut self, id: i64, events: &[EventFact]) -> Option<&mut LotFact> {
        // One added since the lots were sealed is found without decoding them.
        let decoded = self.list.iter().position(|l| l.id == id);
        if decoded.is_none() {
            self.unseal(events);
        }
        let at = decoded.or_else(|| self.list.iter().position(|l| l.id == id))?;
        self.list.get_mut(at)
    }

    /// All lots sealed, as compact bytes: the sealed ones as they are and the others
    /// encoded after them as one more chunk (all encoded afresh as one chunk past
    /// [`MOST_CHUNKS`]). `None` if there are none. `events` are the book's own.
    pub fn seal(self, events: &[EventFact]) -> Option<SealedLots> {
        let Lots { sealed, list } = self;
        let mut sealed = match sealed {
            Some(sealed) if list.is_empty() => return Some(sealed),
            Some(sealed) if sealed.chunks >= MOST_CHUNKS => match sealed.decode(events) {
                Some(mut all) => {
                    all.extend(list);
                    return SealedLots::encode(&all, events, &[]);
                }
                // Kept as they are (and counted) rather than lost.
                None => {
                    count_failure();
                    sealed
                }
            },
            Some(sealed) => sealed,
            None => return SealedLots::encode(&list, events, &[]),
        };
        let Some(added) = SealedLots::encode(&list, events, &sealed.bytes) else {
            return Some(sealed);
        };
        sealed.bytes = added.bytes;
        sealed.chunks = sealed.chunks.saturating_add(added.chunks);
        sealed.summary = sealed.summary.and(&added.summary);
        Some(sealed)
    }

    /// Lots sealed before, as they were.
    pub fn sealed(sealed: SealedLots) -> Lots {
        Lots {
            sealed: Some(sealed),
            list: Vec::new(),
        }
    }
}

impl LotSummary {
    /// The summary of `lots` (not empty).
    fn of(lots: &[LotFact]) -> Option<LotSummary> {
        let newest = lots.iter().map(|l| (l.earned_at, l.id)).max()?;
        let open = || lots.iter().filter(|l| !l.remaining.is_zero());
        Some(LotSummary {
            count: lots.len(),
            newest,
            earliest_expiry: open().filter_map(|l| l.expires_at).min(),
            oldest_open: open().map(|l| l.earned_at).min(),
        })
    }

    /// The summary of these lots and `later` ones together.
    fn and(&self, later: &LotSummary) -> LotSummary {
        let earliest = |a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        LotSummary {
            count: self.count.saturating_add(later.count),
            newest: self.newest.max(later.newest),
            earliest_expiry: earliest(self.earliest_expiry, later.earliest_expiry),
            oldest_open: earliest(self.oldest_open, later.oldest_open),
        }
    }
}

impl SealedLots {
    /// Them as they are, written out whole (their bytes, chunks and summary): the form a
    /// forgotten book's lots take in the recorder's spill file.
    pub(crate) fn write_whole(&self, out: &mut Writer) {
        let SealedLots {
            bytes,
            chunks,
            summary,
        } = self;
        out.count(bytes.len());
        out.bytes.extend_from_slice(bytes);
        out.count(*chunks as usize);
        let LotSummary {
            count,
            newest: (newest, newest_lot),
            earliest_expiry,
            oldest_open,
        } = summary;
        out.count(*count);
        out.time(*newest);
        out.int(*newest_lot);
        for time in [earliest_expiry, oldest_open] {
            out.optional(*time, Writer::time);
        }
    }

    /// What [`SealedLots::write_whole`] wrote; `None` if the bytes are not that.
    pub(crate) fn read_whole(reader: &mut Reader) -> Option<SealedLots> {
        let len = reader.count()?;
        let bytes = Box::from(reader.take(len)?);
        let chunks = u32::try_from(reader.count()?).ok()?;
        let count = reader.count()?;
        let newest = (reader.time()?, reader.int()?);
        let earliest_expiry = reader.optional(Reader::time)?;
        let oldest_open = reader.optional(Reader::time)?;
        Some(SealedLots {
            bytes,
            chunks,
            summary: LotSummary {
                count,
                newest,
                earliest_expiry,
                oldest_open,
            },
        })
    }

    /// What keeping them costs, in bytes.
    pub fn cost(&self) -> usize {
        self.encoded_len() + std::mem::size_of::<SealedLots>()
    }

    /// How many bytes encode them.
    pub fn encoded_len(&self) -> usize {
        self.bytes.len()
    }

    /// `lots` as one chunk, after the bytes of chunks sealed `before`; `None` if there are
    /// none. Written into this thread's scratch buffer and copied out at their size: one
    /// allocation, where a chunk of its own and then the chunks joined were three (the
    /// deciding thread spends a third of its time allocating, issue 14).
    fn encode(lots: &[LotFact], events: &[EventFact], before: &[u8]) -> Option<SealedLots> {
        let summary = LotSummary::of(lots)?;
        let mut body = Writer::for_events(events, 0);
        body.bytes.reserve(20 * lots.len() + 4);
        body.count(lots.len());
        let mut last_lot = 0i64;
        let zero = Decimal::ZERO.serialize();
        for lot in lots {
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
            body.event(&lot.event);
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
        let bytes = SCRATCH.with_borrow_mut(|out| {
            out.clear();
            out.extend_from_slice(before);
            body.finish_into(out);
            let bytes = Box::from(out.as_slice());
            // One very large book (a group's account) does not keep its size here.
            if out.capacity() > 1 << 20 {
                *out = Vec::new();
            }
            bytes
        });
        Some(SealedLots {
            bytes,
            chunks: 1,
            summary,
        })
    }

    /// The lots, oldest first; `None` if the bytes do not decode.
    fn decode(&self, events: &[EventFact]) -> Option<Vec<LotFact>> {
        let mut list = Vec::with_capacity(self.summary.count.min(self.bytes.len()));
        let mut at = 0;
        for _ in 0..self.chunks {
            at += decode_chunk(self.bytes.get(at..)?, events, &mut list)?;
        }
        (at == self.bytes.len() && list.len() == self.summary.count).then_some(list)
    }
}

/// One chunk's lots added to `list`; how many bytes it took.
fn decode_chunk(bytes: &[u8], events: &[EventFact], list: &mut Vec<LotFact>) -> Option<usize> {
    let mut reader = Reader::new(bytes);
    let mut table = Vec::new();
    read_table(&mut reader, &mut table)?;
    let lots = reader.count()?;
    list.reserve(lots.min(bytes.len()));
    let mut last_lot = 0i64;
    for _ in 0..lots {
        let flags = reader.byte()?;
        if flags & !(LOT_UNSPENT | LOT_NONE_EXPIRED | LOT_NOT_PENDING | LOT_EXPIRES) != 0 {
            return None;
        }
        let id = last_lot.wrapping_add(reader.int()?);
        last_lot = id;
        let event = read_event(&mut reader, events, &table)?;
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
    Some(reader.at)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::event::EventType;

    fn day(n: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 1, 10, 0, 0).unwrap() + Duration::days(n)
    }

    fn event(n: i64) -> EventFact {
        EventFact {
            id: Arc::from(format!("p{n}")),
            kind: EventType::Purchase,
            time: day(n),
            amount: Decimal::new(100_000 + n, 0),
            original: None,
            conversion: None,
        }
    }

    /// The lot of the member's `n`th purchase: `n` points, spent for every third lot,
    /// expiring 90 days on for every other.
    fn lot(events: &[EventFact], n: i64) -> LotFact {
        let points = Decimal::from(n + 1);
        LotFact {
            id: 100 + n,
            event: Arc::clone(&events[n as usize].id),
            points,
            remaining: if n % 3 == 0 { Decimal::ZERO } else { points },
            expired: Decimal::ZERO,
            earned_at: day(n),
            pending_until: day(n),
            expires_at: (n % 2 == 0).then(|| day(n + 90)),
        }
    }

    fn sealed(lots: &[LotFact], events: &[EventFact]) -> Lots {
        let sealed = Lots::from(lots.to_vec()).seal(events).expect("lots");
        Lots::sealed(sealed)
    }

    /// A member's lots through a hundred purchases, their book forgotten and brought back
    /// after each one: the new lot goes after the sealed ones without decoding them, each
    /// sealing adds a chunk up to [`MOST_CHUNKS`] then makes one, and every time the lots
    /// read back are exactly those added.
    #[test]
    fn lots_added_after_sealed_ones_stay_exact_through_many_sealings() {
        let events: Vec<EventFact> = (0..100).map(event).collect();
        let mut expected: Vec<LotFact> = Vec::new();
        let mut lots = Lots::default();
        let mut chunks_seen = Vec::new();
        for n in 0..100 {
            let new = lot(&events, n);
            expected.push(new.clone());
            lots.add(new, &events[..=n as usize]);
            assert_eq!(lots.decoded().len(), 1, "only the new lot is decoded");
            assert_eq!(lots.len(), expected.len());
            let sealed = lots.seal(&events[..=n as usize]).expect("lots");
            chunks_seen.push(sealed.chunks);
            assert_eq!(sealed.summary.count, expected.len());
            lots = Lots::sealed(sealed);
            assert_eq!(lots.all(&events[..=n as usize]).as_ref(), &expected[..]);
        }
        assert_eq!(take_unseal_failures(), 0);
        assert!(chunks_seen.iter().all(|&c| (1..=MOST_CHUNKS).contains(&c)));
        assert_eq!(chunks_seen[..3], [1, 2, 3]);
        // Past the most, sealing decodes them all and starts again from one chunk.
        let at_most = chunks_seen
            .iter()
            .position(|&c| c == MOST_CHUNKS)
            .expect("most");
        assert_eq!(chunks_seen[at_most + 1], 1);
        // The summary is that of every lot.
        let Some(sealed) = lots.sealed.as_ref() else {
            panic!("sealed")
        };
        let open = || expected.iter().filter(|l| !l.remaining.is_zero());
        assert_eq!(sealed.summary.newest, (day(99), 199));
        assert_eq!(
            sealed.summary.earliest_expiry,
            open().filter_map(|l| l.expires_at).min()
        );
        assert_eq!(sealed.summary.earliest_expiry, Some(day(2 + 90)));
        assert_eq!(sealed.summary.oldest_open, Some(day(1)));
    }

    /// A lot older than the newest sealed one (an event imported late), a lot changed,
    /// one looked for among those added since: each finds its place exactly, decoding
    /// the sealed ones only when it must.
    #[test]
    fn older_and_changed_lots_unseal_only_when_they_must() {
        let events: Vec<EventFact> = (0..10).map(event).collect();
        let all: Vec<LotFact> = (0..10).map(|n| lot(&events, n)).collect();
        let mut lots = sealed(&all[..5], &events);
        lots.add(all[6].clone(), &events);
        assert!(lots.is_sealed());
        // Found among the decoded ones: no decoding.
        lots.get_mut(106, &events).expect("lot 106").remaining = Decimal::ONE;
        assert!(lots.is_sealed());
        // Older than a sealed lot: they are decoded first, and it goes in its place.
        let mut late = all[5].clone();
        late.earned_at = day(3) + Duration::hours(1);
        lots.add(late.clone(), &events);
        assert!(!lots.is_sealed());
        let ids: Vec<i64> = lots.decoded().iter().map(|l| l.id).collect();
        assert_eq!(ids, [100, 101, 102, 103, 105, 104, 106]);
        // A sealed lot changed: decoded, changed in place, sealed again as it is now.
        let mut lots = sealed(&all[..5], &events);
        lots.get_mut(102, &events).expect("lot 102").expired = Decimal::TWO;
        assert!(!lots.is_sealed());
        let mut expected = all[..5].to_vec();
        expected[2].expired = Decimal::TWO;
        let again = Lots::sealed(lots.seal(&events).expect("lots"));
        assert_eq!(again.all(&events).as_ref(), &expected[..]);
        assert!(lots_none().get_mut(1, &events).is_none());
    }

    fn lots_none() -> Lots {
        Lots::default()
    }

    /// `unless` leaves the sealed lots out only when their summary says so.
    #[test]
    fn a_question_the_summary_answers_decodes_nothing() {
        let events: Vec<EventFact> = (0..10).map(event).collect();
        let all: Vec<LotFact> = (0..10).map(|n| lot(&events, n)).collect();
        let mut lots = sealed(&all[..8], &events);
        lots.add(all[8].clone(), &events);
        let nothing_due_by =
            |to: DateTime<Utc>| move |s: &LotSummary| s.earliest_expiry.is_none_or(|e| e > to);
        assert_eq!(lots.unless(&events, nothing_due_by(day(91))).len(), 1);
        assert_eq!(lots.unless(&events, nothing_due_by(day(92))).len(), 9);
        assert_eq!(
            lots.unless(&events, nothing_due_by(day(92))).as_ref(),
            &all[..9]
        );
    }

    /// Sealed bytes that do not decode are never read as fewer lots without a trace:
    /// the failure is counted for the recorder, and the lots stay sealed.
    #[test]
    fn lots_that_do_not_decode_are_counted_not_lost() {
        let events: Vec<EventFact> = (0..6).map(event).collect();
        let all: Vec<LotFact> = (0..6).map(|n| lot(&events, n)).collect();
        let whole = Lots::from(all.clone()).seal(&events).expect("lots");
        assert_eq!(take_unseal_failures(), 0);
        for len in 0..whole.bytes.len() {
            let cut = SealedLots {
                bytes: whole.bytes[..len].into(),
                ..whole.clone()
            };
            let mut lots = Lots::sealed(cut.clone());
            assert!(lots.all(&events).is_empty(), "cut at {len}");
            assert_eq!(take_unseal_failures(), 1);
            lots.unseal(&events);
            assert!(lots.is_sealed());
            assert_eq!(take_unseal_failures(), 1);
            lots.add(lot(&events, 5), &events);
            // Sealed again past the most chunks, the cut bytes are kept, not dropped.
            let many = SealedLots {
                chunks: MOST_CHUNKS,
                ..cut
            };
            let kept = Lots::sealed(many.clone());
            let Lots { sealed, .. } = kept;
            let resealed = Lots {
                sealed,
                list: vec![lot(&events, 5)],
            }
            .seal(&events)
            .expect("lots");
            assert_eq!(take_unseal_failures(), 1);
            assert!(resealed.bytes.starts_with(&many.bytes));
        }
        // Events the bytes name by place must be there.
        assert!(Lots::sealed(whole).all(&events[..2]).is_empty());
        assert_eq!(take_unseal_failures(), 1);
    }
}
