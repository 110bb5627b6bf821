//! A member's rarer facts besides their events, entries and lots — the ids of the events
//! bashgah wrote for them, the notices raised, the campaigns' awards — of which the older
//! ones may still be sealed: kept as the compact bytes their book had while the recorder
//! had forgotten it, and read in place, never decoded into sets, while the book is held.
//!
//! Most events read none of them, and those that do ask one question (is this greeting,
//! tier move or notice written already? what did this campaign give the member?) and add
//! one fact. Decoding them into sets of strings each time a forgotten book came back, and
//! encoding them all again each time it was forgotten, was some 5 % of the realistic
//! club's deciding thread at a million purchases by 100,000 members (issue 14). Now a
//! question reads the sealed bytes where they are, a fact added goes after them, and
//! sealing again appends the facts added since as one more chunk of bytes (up to
//! [`MOST_CHUNKS`], then all are encoded again as one).
//!
//! The bytes are this module's own and decode by construction. Should they not (a fault
//! in the codec), nothing is guessed: the failure is counted as sealed lots' are, and the
//! recorder refuses to record anything decided meanwhile
//! ([`super::lots::take_unseal_failures`]).

use std::borrow::Cow;
use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::compact::{read_table, Reader, Writer};

/// How many chunks sealed facts gather before sealing decodes and encodes them as one.
const MOST_CHUNKS: usize = 8;

/// Points a campaign gave the member on one local day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendFact {
    pub campaign: String,
    pub day: NaiveDate,
    pub points: Decimal,
}

/// A member's rarer facts: the sealed ones, then those added since (or every one, when
/// none is sealed). Two are equal when they hold the same facts, sealed or not.
#[derive(Debug, Clone, Default)]
pub struct Rest {
    sealed: Option<SealedRest>,
    added: RestLists,
}

/// The rarer facts, as lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestLists {
    /// The ids of the member's events that are not in the book's `events` (what bashgah
    /// wrote for them: tier changes, greetings, expiries...); with those, every event id
    /// of theirs ([`super::MemberBook::has_event_id`]). Purchases' ids are not repeated
    /// here: a copy of each was a string and a hash at every event, every time a compact
    /// book was made and decoded (issue 14).
    pub other_ids: HashSet<String>,
    /// Keys of the notices raised (expiring soon, for clubs without messages).
    pub notices: HashSet<String>,
    /// What campaigns gave the member, by campaign and local day.
    pub campaign_spend: Vec<SpendFact>,
}

impl RestLists {
    pub fn len(&self) -> usize {
        self.other_ids.len() + self.notices.len() + self.campaign_spend.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Sealed facts: chunks of bytes, each a table of texts, then the ids, the notices and the
/// awards naming their texts by place in it ([`encode_chunk`]).
#[derive(Debug, Clone)]
struct SealedRest {
    chunks: Box<[u8]>,
    count: usize,
    /// How many facts the chunks hold.
    len: usize,
}

impl From<RestLists> for Rest {
    fn from(lists: RestLists) -> Rest {
        Rest {
            sealed: None,
            added: lists,
        }
    }
}

impl PartialEq for Rest {
    fn eq(&self, other: &Rest) -> bool {
        self.len() == other.len() && self.lists() == other.lists()
    }
}

impl Eq for Rest {}

impl Rest {
    /// The facts in `bytes` (what [`Rest::encode_into`] wrote), sealed: read in place.
    /// `None` if the bytes do not start as such bytes do.
    pub fn sealed(bytes: &[u8]) -> Option<Rest> {
        let mut reader = Reader::new(bytes);
        let len = reader.count()?;
        let count = reader.count()?;
        if count == 0 {
            // Nothing to keep: most members' books early in an import.
            return (len == 0 && reader.at == bytes.len()).then(Rest::default);
        }
        Some(Rest {
            sealed: Some(SealedRest {
                chunks: Box::from(bytes.get(reader.at..)?),
                count,
                len,
            }),
            added: RestLists::default(),
        })
    }

    /// How many facts there are, sealed or not.
    pub fn len(&self) -> usize {
        self.sealed.as_ref().map_or(0, |s| s.len) + self.added.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether some facts are sealed.
    #[cfg(test)]
    pub fn is_sealed(&self) -> bool {
        self.sealed.is_some()
    }

    /// Whether `id` is the id of an event bashgah wrote for the member.
    pub fn has_other_id(&self, id: &str) -> bool {
        self.added.other_ids.contains(id) || self.sealed_has(id, List::Ids)
    }

    /// Records an event bashgah wrote for the member.
    pub fn add_other_id(&mut self, id: String) {
        if !self.sealed_has(&id, List::Ids) {
            self.added.other_ids.insert(id);
        }
    }

    /// Whether the notice of `key` was raised.
    pub fn has_notice(&self, key: &str) -> bool {
        self.added.notices.contains(key) || self.sealed_has(key, List::Notices)
    }

    /// Records the notice of `key` as raised.
    pub fn add_notice(&mut self, key: String) {
        if !self.sealed_has(&key, List::Notices) {
            self.added.notices.insert(key);
        }
    }

    /// What campaigns gave the member: decoded for the caller if some are sealed.
    pub fn campaign_spend(&self) -> Cow<'_, [SpendFact]> {
        match &self.sealed {
            None => Cow::Borrowed(&self.added.campaign_spend),
            Some(sealed) => {
                let mut all = Vec::new();
                let read = for_each_chunk(sealed, |chunk| {
                    let mut reader = Reader::new(chunk.spends);
                    for _ in 0..reader.count()? {
                        all.push(read_spend(&mut reader, &chunk.table)?);
                    }
                    Some(false)
                });
                all.extend(self.added.campaign_spend.iter().cloned());
                if read.is_none() {
                    super::lots::count_failure();
                }
                Cow::Owned(all)
            }
        }
    }

    /// Records what a campaign gave the member.
    pub fn add_spend(&mut self, spend: SpendFact) {
        self.added.campaign_spend.push(spend);
    }

    /// Every fact, as lists: decoded if some are sealed; `None` if they do not read.
    pub fn decoded(&self) -> Option<Cow<'_, RestLists>> {
        let Some(sealed) = &self.sealed else {
            return Some(Cow::Borrowed(&self.added));
        };
        let mut lists = RestLists::default();
        for_each_chunk(sealed, |chunk| {
            read_chunk(chunk, &mut lists)?;
            Some(false)
        })?;
        let added = &self.added;
        lists.other_ids.extend(added.other_ids.iter().cloned());
        lists.notices.extend(added.notices.iter().cloned());
        lists
            .campaign_spend
            .extend(added.campaign_spend.iter().cloned());
        Some(Cow::Owned(lists))
    }

    /// Every fact, as lists (tests and comparisons): those added since sealing alone if
    /// the sealed ones do not read (counted).
    pub fn lists(&self) -> Cow<'_, RestLists> {
        self.decoded().unwrap_or_else(|| {
            super::lots::count_failure();
            Cow::Borrowed(&self.added)
        })
    }

    /// Whether the sealed chunks' `list` holds `text`. Bytes that do
    /// not read are counted, and answer no.
    fn sealed_has(&self, text: &str, list: List) -> bool {
        let Some(sealed) = &self.sealed else {
            return false;
        };
        let found = for_each_chunk(sealed, |chunk| {
            let mut reader = Reader::new(match list {
                List::Ids => chunk.ids,
                List::Notices => chunk.notices,
            });
            for _ in 0..reader.count()? {
                if *chunk.table.get(reader.count()?)? == text {
                    return Some(true);
                }
            }
            Some(false)
        });
        found.unwrap_or_else(|| {
            super::lots::count_failure();
            false
        })
    }

    /// The facts as bytes added to `out`: how many facts, how many chunks, the sealed
    /// chunks as they are and those added since as one more (past [`MOST_CHUNKS`], every
    /// fact decoded and encoded again as one chunk).
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let mut head = Writer::for_events(&[], 0);
        let sealed = self.sealed.as_ref();
        let more = usize::from(!self.added.is_empty());
        // Past the most chunks, every fact as one; if the sealed ones do not read
        // (counted), they are kept as they are rather than written short.
        let merged = sealed
            .filter(|sealed| sealed.count + more > MOST_CHUNKS)
            .and_then(|_| {
                self.decoded().or_else(|| {
                    super::lots::count_failure();
                    None
                })
            });
        match (sealed, merged) {
            (_, Some(lists)) => {
                head.count(lists.len());
                head.count(1);
                out.extend_from_slice(&head.bytes);
                encode_chunk(&lists, out);
            }
            (Some(sealed), None) => {
                head.count(self.len());
                head.count(sealed.count + more);
                out.extend_from_slice(&head.bytes);
                out.extend_from_slice(&sealed.chunks);
                if more == 1 {
                    encode_chunk(&self.added, out);
                }
            }
            (None, None) => {
                head.count(self.len());
                head.count(more);
                out.extend_from_slice(&head.bytes);
                if more == 1 {
                    encode_chunk(&self.added, out);
                }
            }
        }
    }
}

/// Which list of texts a question reads.
#[derive(Clone, Copy)]
enum List {
    Ids,
    Notices,
}

/// One chunk, its parts found: the table, and the bytes of the ids, the notices and the
/// awards.
struct Chunk<'b> {
    table: Vec<&'b str>,
    ids: &'b [u8],
    notices: &'b [u8],
    spends: &'b [u8],
}

/// `lists` as one chunk: a table of its texts, then the lengths in bytes of its ids and
/// of its notices (so that a question about one skips the other), then the three lists.
fn encode_chunk(lists: &RestLists, out: &mut Vec<u8>) {
    let mut body = Writer::for_events(&[], 0);
    body.count(lists.other_ids.len());
    for id in &lists.other_ids {
        body.text(id);
    }
    let ids_len = body.bytes.len();
    body.count(lists.notices.len());
    for notice in &lists.notices {
        body.text(notice);
    }
    let notices_len = body.bytes.len() - ids_len;
    body.count(lists.campaign_spend.len());
    for spend in &lists.campaign_spend {
        body.text(&spend.campaign);
        body.int(i64::from(spend.day.num_days_from_ce()));
        body.decimal(spend.points);
    }
    let lists_bytes = std::mem::take(&mut body.bytes);
    body.count(ids_len);
    body.count(notices_len);
    body.bytes.extend_from_slice(&lists_bytes);
    body.finish_into(out);
}

/// Calls `visit` with each sealed chunk until it answers yes (`Some(true)`): whether one
/// did, or `None` if the bytes do not read as the chunks counted.
fn for_each_chunk<'b>(
    sealed: &'b SealedRest,
    mut visit: impl FnMut(&Chunk<'b>) -> Option<bool>,
) -> Option<bool> {
    let bytes = &sealed.chunks[..];
    let mut at = 0;
    for _ in 0..sealed.count {
        let mut reader = Reader::new(bytes.get(at..)?);
        let mut table = Vec::new();
        read_table(&mut reader, &mut table)?;
        let ids_len = reader.count()?;
        let notices_len = reader.count()?;
        let ids = reader.take(ids_len)?;
        let notices = reader.take(notices_len)?;
        // The awards run to the chunk's end, which reading them finds.
        let start = reader.at;
        let mut spends = Reader::new(reader.bytes.get(start..)?);
        for _ in 0..spends.count()? {
            spends.count()?;
            spends.int()?;
            spends.decimal()?;
        }
        let chunk = Chunk {
            table,
            ids,
            notices,
            spends: reader.take(spends.at)?,
        };
        at += reader.at;
        if visit(&chunk)? {
            return Some(true);
        }
    }
    (at == bytes.len()).then_some(false)
}

/// Adds the facts of `chunk` to `lists`.
fn read_chunk(chunk: &Chunk, lists: &mut RestLists) -> Option<()> {
    for (part, set) in [
        (chunk.ids, &mut lists.other_ids),
        (chunk.notices, &mut lists.notices),
    ] {
        let mut reader = Reader::new(part);
        for _ in 0..reader.count()? {
            set.insert((*chunk.table.get(reader.count()?)?).to_owned());
        }
        (reader.at == part.len()).then_some(())?;
    }
    let mut reader = Reader::new(chunk.spends);
    for _ in 0..reader.count()? {
        lists
            .campaign_spend
            .push(read_spend(&mut reader, &chunk.table)?);
    }
    Some(())
}

fn read_spend(reader: &mut Reader, table: &[&str]) -> Option<SpendFact> {
    let campaign = (*table.get(reader.count()?)?).to_owned();
    let day = i32::try_from(reader.int()?).ok()?;
    let day = NaiveDate::from_num_days_from_ce_opt(day)?;
    let points = reader.decimal()?;
    Some(SpendFact {
        campaign,
        day,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::lots::take_unseal_failures;

    fn day(n: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, 21).expect("a date") + chrono::Days::new(n)
    }

    fn spend(campaign: &str, n: u64, points: Decimal) -> SpendFact {
        SpendFact {
            campaign: campaign.into(),
            day: day(n),
            points,
        }
    }

    fn lists() -> RestLists {
        RestLists {
            other_ids: ["tier:m1:2025-01-01T00:00:00Z", "birthday:m1:2025", "spring"]
                .map(String::from)
                .into(),
            notices: ["expiring:m1:2026-01-01T00:00:00Z".to_owned()].into(),
            campaign_spend: vec![
                spend("spring", 0, Decimal::new(12_345, 2)),
                spend("spring", 3, -Decimal::ZERO),
            ],
        }
    }

    fn bytes_of(rest: &Rest) -> Vec<u8> {
        let mut out = Vec::new();
        rest.encode_into(&mut out);
        out
    }

    /// Written and sealed again: how a forgotten book's facts come back.
    fn resealed(rest: &Rest) -> Rest {
        Rest::sealed(&bytes_of(rest)).expect("seals")
    }

    /// Sealed facts are counted and asked about without being decoded, come back as they
    /// were, and are written again as the same bytes when nothing was added.
    #[test]
    fn sealed_facts_answer_in_place() {
        let rest = Rest::from(lists());
        let bytes = bytes_of(&rest);
        let sealed = Rest::sealed(&bytes).expect("sealed");
        assert!(sealed.is_sealed());
        assert_eq!(sealed.len(), 6);
        assert!(sealed.has_other_id("birthday:m1:2025"));
        assert!(!sealed.has_other_id("birthday:m1:2026"));
        // A text of the chunk's table that is not an id: the awards' campaign is one.
        assert!(sealed.has_other_id("spring") && !sealed.has_notice("spring"));
        assert!(sealed.has_notice("expiring:m1:2026-01-01T00:00:00Z"));
        assert!(!sealed.has_notice("tier:m1:2025-01-01T00:00:00Z"));
        assert_eq!(&*sealed.campaign_spend(), &lists().campaign_spend[..]);
        // The sign of a zero comes back as written.
        assert!(sealed.campaign_spend()[1].points.is_sign_negative());
        assert_eq!(*sealed.lists(), lists());
        assert_eq!(sealed, rest);
        assert_eq!(bytes_of(&sealed), bytes);
        assert!(sealed.is_sealed());
        assert_eq!(take_unseal_failures(), 0);
    }

    /// Facts added after sealing are kept after the sealed ones and written as one more
    /// chunk; one already sealed is not added twice; past the most chunks, all are
    /// written as one. Against the same facts kept as plain lists, at every step.
    #[test]
    fn facts_added_after_sealing_join_them() {
        let mut rest = Rest::default();
        let mut model = RestLists::default();
        for round in 0..(2 * MOST_CHUNKS as u64 + 3) {
            let id = format!("deal:m1:monthly:{round}");
            let key = format!("expiring:m1:{}", round / 2);
            assert_eq!(rest.has_other_id(&id), model.other_ids.contains(&id));
            assert_eq!(rest.has_notice(&key), model.notices.contains(&key));
            rest.add_other_id(id.clone());
            model.other_ids.insert(id);
            // Every other round the notice is one sealed before.
            rest.add_notice(key.clone());
            model.notices.insert(key);
            if round % 3 == 0 {
                let fact = spend("spring", round, Decimal::new(round as i64, 1));
                rest.add_spend(fact.clone());
                model.campaign_spend.push(fact);
            }
            assert_eq!(rest.len(), model.len());
            assert_eq!(*rest.lists(), model);
            assert_eq!(&*rest.campaign_spend(), &model.campaign_spend[..]);
            rest = resealed(&rest);
            let chunks = rest.sealed.as_ref().map_or(0, |s| s.count);
            assert!((1..=MOST_CHUNKS).contains(&chunks), "{chunks} chunks");
            assert_eq!(rest.len(), model.len());
            assert_eq!(*rest.lists(), model);
        }
        // Nothing added: the same bytes, not one more chunk.
        let bytes = bytes_of(&rest);
        assert_eq!(bytes_of(&resealed(&rest)), bytes);
        assert_eq!(take_unseal_failures(), 0);
    }

    /// A book with none of these facts keeps nothing sealed.
    #[test]
    fn no_facts_seal_to_nothing() {
        let rest = resealed(&Rest::default());
        assert!(!rest.is_sealed());
        assert_eq!(rest, Rest::default());
    }

    /// Bytes that are not what was written are refused where their counts show it, and
    /// otherwise counted when read, answering nothing: never a panic or a guess.
    #[test]
    fn bytes_that_do_not_read_are_counted() {
        let bytes = bytes_of(&Rest::from(lists()));
        assert!(Rest::sealed(&[]).is_none());
        for len in 0..bytes.len() {
            let Some(cut) = Rest::sealed(&bytes[..len]) else {
                continue;
            };
            let failures = take_unseal_failures();
            assert_eq!(failures, 0);
            assert!(
                !cut.has_notice("expiring:m1:2026-01-01T00:00:00Z"),
                "cut at {len}"
            );
            assert!(cut.lists().len() < cut.len().max(1), "cut at {len}");
            assert!(take_unseal_failures() > 0, "cut at {len}");
        }
        // Chunks that do not read, due to be written as one: kept as they are, with the
        // fact added after them, rather than written short.
        let mut full = Rest {
            sealed: Some(SealedRest {
                chunks: Box::from(&b"\xff\xff"[..]),
                count: MOST_CHUNKS,
                len: 3,
            }),
            added: RestLists::default(),
        };
        full.add_spend(spend("spring", 1, Decimal::ONE));
        assert_eq!(take_unseal_failures(), 0);
        let written = bytes_of(&full);
        assert_eq!(take_unseal_failures(), 1);
        assert_eq!(written[..2], [4, MOST_CHUNKS as u8 + 1]);
        assert_eq!(written[2..4], *b"\xff\xff");
        let mut longer = bytes.clone();
        longer.push(0);
        let longer = Rest::sealed(&longer).expect("the counts read");
        assert!(!longer.has_other_id("nothing"));
        assert_eq!(take_unseal_failures(), 1);
    }
}
