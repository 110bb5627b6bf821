//! The member books a recorder holds between operations, with a running count of the
//! facts in them all, so that the bound on memory is checked after every event in
//! constant time. (Summing every book's weight walked up to 50,000 books every 1,024
//! events: 5 % of the deciding thread's time at a million purchases.) Books forgotten
//! past the bound are kept compact ([`ColdBook`]) up to a bound of their own, and come
//! back from there rather than from the ledger; past that bound they are written to a
//! scratch file ([`Spill`]) and come back from there.

use super::cold::{ColdBook, Past};
use super::spill::{Put, Spill, SPILLED_PLACE};
use super::IdMap;
use crate::decide::MemberBook;

/// A held book: when it was last put back (a count of puts, for forgetting the least
/// recently used), its weight when it was put back, and the book. The weight is
/// recorded rather than recomputed on removal, so the total stays the sum of what was
/// added even if a held book's flags are changed in place.
type Held = (u64, usize, Box<MemberBook>);

#[derive(Default)]
pub(super) struct HeldBooks {
    books: IdMap<String, Held>,
    /// The sum of the recorded weights of `books`.
    weight: usize,
    /// Books put back so far: the stamp of the latest.
    puts: u64,
    /// Forgotten books, compact, with the stamp they were forgotten with. Boxed: the map
    /// keeps the room of the most books it ever held (early in an import, many books
    /// of a purchase or two), which took 46 MB at ten million purchases by a million
    /// members with the books in it, and takes a quarter of that with their pointers.
    cold: IdMap<String, (u64, Box<ColdBook>)>,
    /// What thawed books kept of their compact bytes, by member, until they are
    /// compacted again ([`Past`]): counted with the cold books.
    pasts: IdMap<String, Past>,
    /// What the cold books and the pasts cost ([`ColdBook::cost`], [`Past::cost`]), and
    /// the most they may, with the places of the books spilled ([`Spill::places`]).
    cold_bytes: usize,
    cold_limit: usize,
    /// Cold books forgotten past the bound, in a scratch file.
    spill: Spill,
    /// How many books were let go entirely (neither held nor cold any more) so far.
    dropped: u64,
}

impl HeldBooks {
    pub fn len(&self) -> usize {
        self.books.len()
    }

    /// The facts held in all books ([`MemberBook::weight`]).
    pub fn weight(&self) -> usize {
        self.weight
    }

    /// How many books were let go entirely so far: forgotten with no room to keep them
    /// compact or spill them, dropped from the compact ones, whose compact bytes did not
    /// decode, or let go by the spill file ([`Spill::lost`]).
    pub fn dropped(&self) -> u64 {
        self.dropped + self.spill.lost()
    }

    /// What the books kept compact cost in memory, in bytes ([`ColdBook::cost`]), with
    /// the places of those spilled ([`Spill::places`]).
    pub fn cold_bytes(&self) -> usize {
        self.cold_bytes + self.spill.places()
    }

    /// Books kept compact, and what they cost in bytes.
    #[cfg(test)]
    pub fn cold(&self) -> (usize, usize) {
        (self.cold.len(), self.cold_bytes())
    }

    /// How many books are spilled.
    #[cfg(test)]
    pub fn spilled(&self) -> usize {
        self.spill.len()
    }

    /// How many bytes of forgotten books to keep compact (0: none).
    pub fn set_cold_limit(&mut self, bytes: usize) {
        self.cold_limit = bytes;
        self.bound_cold();
    }

    /// Whether the book is here, held, cold or spilled.
    pub fn contains_key(&self, id: &str) -> bool {
        self.books.contains_key(id) || self.cold.contains_key(id) || self.spill.contains(id)
    }

    /// A held book (not a cold one: those are the ledger's, as it now stands).
    pub fn get(&self, id: &str) -> Option<&MemberBook> {
        self.books.get(id).map(|(_, _, book)| &**book)
    }

    /// A held book, for changing its flags (what was written of it), not its facts. Cold
    /// books were written before they were forgotten.
    pub fn flags_mut(&mut self, id: &str) -> Option<&mut MemberBook> {
        self.books.get_mut(id).map(|(_, _, book)| &mut **book)
    }

    pub fn remove(&mut self, id: &str) -> Option<Box<MemberBook>> {
        self.remove_entry(id).map(|(_, book)| book)
    }

    /// The book and the key it was kept under (the import reuses the key's allocation),
    /// held or cold.
    pub fn remove_entry(&mut self, id: &str) -> Option<(String, Box<MemberBook>)> {
        if let Some((key, (_, weight, book))) = self.books.remove_entry(id) {
            self.weight -= weight;
            return Some((key, book));
        }
        let (key, cold) = match self.cold.remove_entry(id) {
            Some((key, (_, cold))) => {
                self.cold_bytes -= cold.cost();
                (key, *cold)
            }
            // Not theirs or unreadable: counted by the spill.
            None => (id.to_owned(), self.spill.take(id)??),
        };
        let Some((book, past)) = cold.thaw() else {
            self.dropped += 1;
            return None;
        };
        self.cold_bytes += past.cost();
        if let Some(stale) = self.pasts.insert(key.clone(), past) {
            self.cold_bytes -= stale.cost();
        }
        Some((key, book))
    }

    /// What the book of `key` kept when it was thawed, taken out.
    fn take_past(&mut self, key: &str) -> Option<Past> {
        let past = self.pasts.remove(key)?;
        self.cold_bytes -= past.cost();
        Some(past)
    }

    /// Holds `book` under `key`, as the one used most recently.
    pub fn insert(&mut self, key: String, book: Box<MemberBook>) {
        self.puts += 1;
        let weight = book.weight();
        self.weight += weight;
        if let Some((_, replaced, _)) = self.books.insert(key, (self.puts, weight, book)) {
            self.weight -= replaced;
        }
    }

    pub fn clear(&mut self) {
        self.books.clear();
        self.weight = 0;
        self.cold.clear();
        self.pasts.clear();
        self.cold_bytes = 0;
        self.spill.clear();
    }

    /// Forgets the books used least recently, one in `part` of them (at least one): half
    /// for an import, whose pause to forget is spread over the many events between two
    /// bounds; a small part for the host process, where the request that reaches the
    /// bound waits for it (compacting half of 10,000 books took 6 to 33 ms, issue 14).
    pub fn forget_least_used(&mut self, part: usize) {
        let mut uses: Vec<u64> = self.books.values().map(|(used, _, _)| *used).collect();
        if uses.is_empty() {
            return;
        }
        // The last of the books to forget: it and every book used before it go.
        let last = (uses.len() / part.max(1)).saturating_sub(1);
        let (_, &mut cut, _) = uses.select_nth_unstable(last);
        if self.cold_limit == 0 {
            let mut forgotten = 0;
            let pasts = &mut self.pasts;
            let mut past_bytes = 0;
            let mut dropped = 0;
            self.books.retain(|key, (used, weight, _)| {
                let keep = *used > cut;
                if !keep {
                    dropped += 1;
                    forgotten += *weight;
                    past_bytes += pasts.remove(key).map_or(0, |past| past.cost());
                }
                keep
            });
            self.weight -= forgotten;
            self.cold_bytes -= past_bytes;
            self.dropped += dropped;
            return;
        }
        // Moved, not cloned and looked up again: a map of the kept ones is built anew
        // (the map is then as large as they need, not as the most it ever held).
        let all = std::mem::take(&mut self.books);
        self.books.reserve(all.len() - last);
        for (key, (used, weight, book)) in all {
            if used > cut {
                self.books.insert(key, (used, weight, book));
                continue;
            }
            self.weight -= weight;
            let past = self.take_past(&key);
            let cold = Box::new(ColdBook::freeze(book, past));
            self.cold_bytes += cold.cost();
            if let Some((_, replaced)) = self.cold.insert(key, (used, cold)) {
                self.cold_bytes -= replaced.cost();
            }
        }
        self.bound_cold();
    }

    /// Past the cold bound, spills the cold books forgotten earliest until the rest take
    /// three quarters of it (so that it is not done again at the next book). The places
    /// of spilled books count against it too, and may take all of it (a book comes back
    /// from the file at little more than the cost of thawing one, where one let go is read
    /// back from the ledger: two million purchases by a million members took 109 s with
    /// a bound of 96 MiB and 192 s with 32 MiB, whose half left room for the places of
    /// only a third of the members, issue 14); past that, and for books that cannot be
    /// spilled, they are let go.
    fn bound_cold(&mut self) {
        if self.cold_bytes() <= self.cold_limit {
            return;
        }
        let mut stamps: Vec<(u64, usize)> = self
            .cold
            .values()
            .map(|(used, cold)| (*used, cold.cost()))
            .collect();
        stamps.sort_unstable();
        let target = self.cold_limit / 4 * 3;
        let mut cut = 0;
        let mut bytes = self.cold_bytes();
        for (used, cost) in stamps {
            if bytes <= target {
                break;
            }
            bytes -= cost;
            cut = used;
        }
        let (mut dropped, mut books) = (0, 0);
        let spill_room = self.cold_limit;
        let spill = &mut self.spill;
        self.cold.retain(|key, (used, cold)| {
            let keep = *used > cut;
            if !keep {
                dropped += cold.cost();
                let put = if spill.places() < spill_room {
                    spill.put(key, cold)
                } else {
                    Put::Refused
                };
                // A book replaced under the same key is counted by the spill.
                if put == Put::Refused {
                    books += 1;
                }
            }
            keep
        });
        self.cold_bytes -= dropped;
        self.dropped += books;
        // A bound lowered since they were spilled (a recorder resumed with smaller
        // limits): their places may not take more than it either.
        if self.spill.places() > spill_room {
            self.dropped += (self.spill.places() / SPILLED_PLACE) as u64;
            self.spill.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::BOOK_WEIGHT;
    use crate::member::MemberState;
    use chrono::NaiveDate;

    fn book(id: &str, events: usize) -> Box<MemberBook> {
        let joined = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
        let mut book = MemberBook::new(MemberState::new(id, "individual", joined), false);
        for n in 0..events {
            book.rest.add_other_id(format!("{id}-{n}"));
        }
        Box::new(book)
    }

    /// A book come back from the cold with its sealed facts decoded, to compare.
    fn decoded(mut book: Box<MemberBook>) -> Box<MemberBook> {
        book.unseal_lots();
        book
    }

    /// The running weight is always the sum of the held books' weights.
    fn check(held: &HeldBooks) {
        let sum: usize = held.books.values().map(|(_, _, b)| b.weight()).sum();
        assert_eq!(held.weight(), sum);
    }

    /// Books moved to the compact ones are not let go; books forgotten with no room
    /// for them, or dropped from the compact ones past their bound, are, and counted:
    /// the recorder forgets what was read ahead only then.
    #[test]
    fn only_books_let_go_entirely_are_counted_dropped() {
        let ids = ["a", "b", "c", "d", "e", "f", "g", "h"];
        let mut held = HeldBooks::default();
        held.set_cold_limit(1 << 20);
        for id in ids {
            held.insert(id.into(), book(id, 20));
        }
        held.forget_least_used(2);
        assert_eq!((held.dropped(), held.cold().0), (0, 4));
        assert!(ids.iter().all(|id| held.contains_key(id)));
        // Room for about two compact books: the ones forgotten earliest are spilled,
        // not let go.
        let (_, cold_bytes) = held.cold();
        held.set_cold_limit(cold_bytes / 2);
        assert_eq!(held.dropped(), 0);
        assert!(held.spilled() >= 2, "{}", held.spilled());
        assert!(ids.iter().all(|id| held.contains_key(id)));
        // Room for no spilled book's place: the compact ones and the spilled go.
        held.set_cold_limit(SPILLED_PLACE);
        assert_eq!(held.dropped(), 4);
        assert_eq!(held.cold(), (0, 0));
        assert_eq!(ids.iter().filter(|id| !held.contains_key(id)).count(), 4);
        // No room at all: forgetting lets them go.
        let mut held = HeldBooks::default();
        for id in ids {
            held.insert(id.into(), book(id, 20));
        }
        held.forget_least_used(2);
        assert_eq!(held.dropped(), 4);
        assert_eq!(ids.iter().filter(|id| held.contains_key(id)).count(), 4);
    }

    #[test]
    fn the_running_weight_follows_every_change() {
        let mut held = HeldBooks::default();
        held.insert("a".into(), book("a", 3));
        held.insert("b".into(), book("b", 0));
        held.insert("c".into(), book("c", 10));
        check(&held);
        assert_eq!(held.weight(), 3 * BOOK_WEIGHT + 3 + 10);
        // Put back under the same key with more facts: the old weight is replaced.
        held.insert("a".into(), book("a", 5));
        check(&held);
        assert_eq!(held.weight(), 3 * BOOK_WEIGHT + 5 + 10);
        let (key, taken) = held.remove_entry("c").expect("held");
        assert_eq!((key.as_str(), taken.weight()), ("c", BOOK_WEIGHT + 10));
        check(&held);
        assert!(held.remove("c").is_none());
        held.insert("d".into(), book("d", 2));
        held.insert("e".into(), book("e", 1));
        check(&held);
        // Put back in the order a, b, c, a, d, e: the two used least recently, b and a, go;
        // d and e stay.
        held.forget_least_used(2);
        check(&held);
        let kept: Vec<bool> = ["a", "b", "d", "e"].map(|id| held.contains_key(id)).into();
        assert_eq!(kept, [false, false, true, true]);
        assert_eq!(held.weight(), 2 * BOOK_WEIGHT + 2 + 1);
        // One book left: it goes.
        held.remove("e");
        held.forget_least_used(2);
        assert_eq!(held.len(), 0);
        check(&held);
        held.insert("f".into(), book("f", 0));
        held.clear();
        check(&held);
        held.forget_least_used(2);
        assert_eq!((held.len(), held.weight()), (0, 0));
    }

    /// Forgetting in parts (the host process's sixteenths) forgets the books used least
    /// recently, one in `part` of them and at least one, compact where there is room and
    /// let go where there is none; the running weight follows.
    #[test]
    fn forgetting_a_part_forgets_that_share_of_the_books_used_least_recently() {
        for cold_limit in [1 << 20, 0] {
            let mut held = HeldBooks::default();
            held.set_cold_limit(cold_limit);
            let ids: Vec<String> = (0..32).map(|n| format!("m{n:02}")).collect();
            for id in &ids {
                held.insert(id.clone(), book(id, 3));
            }
            // m00 used again: m01 and m02 are now the two used least recently.
            let again = held.remove("m00").expect("held");
            held.insert("m00".into(), again);
            held.forget_least_used(16);
            check(&held);
            assert_eq!(held.len(), 30);
            assert!(held.get("m01").is_none() && held.get("m02").is_none());
            // Compact when there is room (still here, not let go), else let go.
            let kept_compact = cold_limit > 0;
            assert_eq!(held.contains_key("m01"), kept_compact);
            assert_eq!(held.dropped(), if kept_compact { 0 } else { 2 });
            // 30 books: 30 / 16 is one; a part larger than the books still forgets one.
            held.forget_least_used(16);
            held.forget_least_used(64);
            check(&held);
            assert_eq!(held.len(), 28);
            assert!(held.get("m03").is_none() && held.get("m04").is_none());
            assert!(held.get("m05").is_some() && held.get("m00").is_some());
            assert_eq!(held.weight(), 28 * (BOOK_WEIGHT + 3));
        }
    }

    /// A book taken out of the cold keeps its past (counted with the cold books) until
    /// it is compacted again, which uses it; `clear` and forgetting without a cold bound
    /// drop it. Every time, the book comes back as it was put back.
    #[test]
    fn a_thawed_book_keeps_its_past_until_compacted_again() {
        use crate::decide::EventFact;
        let with_events = |id: &str, events: i64| {
            let mut book = book(id, 2);
            for n in 0..events {
                book.events.push(EventFact {
                    id: std::sync::Arc::from(format!("{id}-e{n}")),
                    kind: crate::event::EventType::Purchase,
                    time: chrono::DateTime::from_timestamp(1_760_000_000 + n, 0)
                        .unwrap_or_default(),
                    amount: rust_decimal::Decimal::new(100 + n, 0),
                    original: None,
                    conversion: None,
                });
            }
            book
        };
        let mut held = HeldBooks::default();
        held.set_cold_limit(1 << 20);
        for id in ["a", "b", "c", "d"] {
            held.insert(id.into(), with_events(id, 3));
        }
        held.forget_least_used(2);
        let (cold, cold_bytes) = held.cold();
        assert_eq!(cold, 2);
        let (key, mut a) = held.remove_entry("a").expect("cold");
        assert_eq!(held.pasts.len(), 1);
        let past_cost = held.pasts["a"].cost();
        assert!(past_cost > 0);
        // The cold book's cost went, its past's came.
        assert!(held.cold().1 < cold_bytes && held.cold().1 >= past_cost);
        a.events.extend(with_events("a", 5).events.split_off(3));
        let expected = a.clone();
        held.insert(key, a);
        // Used in the order a, e, f, c, d: a and e go, a compacted with its past, and
        // it comes back as it was put back.
        held.insert("e".into(), with_events("e", 1));
        held.insert("f".into(), with_events("f", 1));
        for id in ["c", "d"] {
            let book = held.remove(id).expect("held");
            held.insert(id.into(), book);
        }
        held.forget_least_used(2);
        assert!(!held.books.contains_key("a"));
        assert_eq!(held.cold.get("a").map(|(_, cold)| cold.segments()), Some(2));
        assert!(held.pasts.is_empty());
        let (_, a) = held.remove_entry("a").expect("cold");
        assert!(a == expected);
        check(&held);

        held.clear();
        assert!(held.pasts.is_empty());
        assert_eq!(held.cold(), (0, 0));

        // Without a cold bound a forgotten book's past goes with it.
        held.set_cold_limit(1 << 20);
        held.insert("x".into(), with_events("x", 2));
        held.insert("y".into(), with_events("y", 2));
        held.forget_least_used(2);
        let (key, x) = held.remove_entry("x").expect("cold");
        held.insert(key, x);
        held.set_cold_limit(0);
        held.insert("z".into(), with_events("z", 2));
        held.insert("w".into(), with_events("w", 2));
        held.insert("v".into(), with_events("v", 2));
        held.forget_least_used(2);
        assert!(!held.contains_key("x"));
        assert!(held.pasts.is_empty());
    }

    /// With a cold bound, forgotten books are kept compact: still found, taken out whole
    /// and equal to what was forgotten, not counted in the held weight; past the bound
    /// the ones forgotten earliest go for good; `clear` empties both.
    #[test]
    fn forgotten_books_come_back_from_the_cold_until_its_bound() {
        let mut held = HeldBooks::default();
        held.set_cold_limit(1 << 20);
        for id in ["a", "b", "c", "d"] {
            held.insert(id.into(), book(id, 4));
        }
        held.forget_least_used(2);
        check(&held);
        assert_eq!((held.len(), held.weight()), (2, 2 * (BOOK_WEIGHT + 4)));
        let (cold, bytes) = held.cold();
        assert_eq!(cold, 2);
        assert!(bytes > 0);
        assert!(["a", "b", "c", "d"].iter().all(|id| held.contains_key(id)));
        assert!(
            held.get("a").is_none(),
            "a cold book is not lent out in place"
        );
        let (key, a) = held.remove_entry("a").expect("cold");
        let a = decoded(a);
        assert_eq!((key.as_str(), &a), ("a", &book("a", 4)));
        assert_eq!(held.cold().0, 1);
        assert!(!held.contains_key("a"));
        held.insert(key, a);
        check(&held);

        // A bound of one and a half cold books: c, used least recently of c, d and a,
        // goes cold, and b, forgotten first, is spilled: it comes back from the file,
        // whole, and is no more there.
        let one = held.cold().1;
        held.set_cold_limit(one + one / 2);
        held.forget_least_used(2);
        check(&held);
        assert_eq!((held.len(), held.cold().0, held.spilled()), (2, 1, 1));
        assert!(["a", "b", "c", "d"].iter().all(|id| held.contains_key(id)));
        assert_eq!(held.remove("c").map(decoded), Some(book("c", 4)));
        let (key, b) = held.remove_entry("b").expect("spilled");
        let b = decoded(b);
        assert_eq!((key.as_str(), &b), ("b", &book("b", 4)));
        assert_eq!((held.spilled(), held.dropped()), (0, 0));
        assert!(!held.contains_key("b"));
        held.insert(key, b);
        held.insert("e".into(), book("e", 4));
        held.forget_least_used(2);
        assert!(held.spilled() > 0);

        held.clear();
        assert_eq!(held.cold(), (0, 0));
        assert_eq!(held.spilled(), 0);
        assert!(["a", "b", "c", "d", "e"]
            .iter()
            .all(|id| !held.contains_key(id)));
        // No cold bound: forgotten books are gone.
        held.set_cold_limit(0);
        held.insert("x".into(), book("x", 1));
        held.insert("y".into(), book("y", 1));
        held.forget_least_used(2);
        assert!(!held.contains_key("x") && held.contains_key("y"));
        assert_eq!(held.cold(), (0, 0));
    }
}
