//! The member books a recorder holds between operations, with a running count of the
//! facts in them all, so that the bound on memory is checked after every event in
//! constant time. (Summing every book's weight walked up to 50,000 books every 1,024
//! events: 5 % of the deciding thread's time at a million purchases.)

use std::collections::HashMap;

use crate::decide::MemberBook;

/// A held book: when it was last put back (a count of puts, for forgetting the least
/// recently used), its weight when it was put back, and the book. The weight is
/// recorded rather than recomputed on removal, so the total stays the sum of what was
/// added even if a held book's flags are changed in place.
type Held = (u64, usize, Box<MemberBook>);

#[derive(Default)]
pub(super) struct HeldBooks {
    books: HashMap<String, Held>,
    /// The sum of the recorded weights of `books`.
    weight: usize,
    /// Books put back so far: the stamp of the latest.
    puts: u64,
}

impl HeldBooks {
    pub fn len(&self) -> usize {
        self.books.len()
    }

    /// The facts held in all books ([`MemberBook::weight`]).
    pub fn weight(&self) -> usize {
        self.weight
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.books.contains_key(id)
    }

    pub fn get(&self, id: &str) -> Option<&MemberBook> {
        self.books.get(id).map(|(_, _, book)| &**book)
    }

    /// A held book, for changing its flags (what was written of it), not its facts.
    pub fn flags_mut(&mut self, id: &str) -> Option<&mut MemberBook> {
        self.books.get_mut(id).map(|(_, _, book)| &mut **book)
    }

    pub fn remove(&mut self, id: &str) -> Option<Box<MemberBook>> {
        self.remove_entry(id).map(|(_, book)| book)
    }

    /// The book and the key it was kept under (the import reuses the key's allocation).
    pub fn remove_entry(&mut self, id: &str) -> Option<(String, Box<MemberBook>)> {
        let (key, (_, weight, book)) = self.books.remove_entry(id)?;
        self.weight -= weight;
        Some((key, book))
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
    }

    /// Forgets the books used least recently, half of them (all of one).
    pub fn forget_older_half(&mut self) {
        let mut uses: Vec<u64> = self.books.values().map(|(used, _, _)| *used).collect();
        if uses.is_empty() {
            return;
        }
        // The last of the older half: it and every book used before it go.
        let middle = (uses.len() / 2).saturating_sub(1);
        let (_, &mut cut, _) = uses.select_nth_unstable(middle);
        let mut forgotten = 0;
        self.books.retain(|_, (used, weight, _)| {
            let keep = *used > cut;
            if !keep {
                forgotten += *weight;
            }
            keep
        });
        self.weight -= forgotten;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::member::MemberState;
    use chrono::NaiveDate;

    fn book(id: &str, events: usize) -> Box<MemberBook> {
        let joined = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
        let mut book = MemberBook::new(MemberState::new(id, "individual", joined), false);
        book.ids = (0..events).map(|n| format!("{id}-{n}")).collect();
        Box::new(book)
    }

    /// The running weight is always the sum of the held books' weights.
    fn check(held: &HeldBooks) {
        let sum: usize = held.books.values().map(|(_, _, b)| b.weight()).sum();
        assert_eq!(held.weight(), sum);
    }

    #[test]
    fn the_running_weight_follows_every_change() {
        let mut held = HeldBooks::default();
        held.insert("a".into(), book("a", 3));
        held.insert("b".into(), book("b", 0));
        held.insert("c".into(), book("c", 10));
        check(&held);
        assert_eq!(held.weight(), 4 + 1 + 11);
        // Put back under the same key with more facts: the old weight is replaced.
        held.insert("a".into(), book("a", 5));
        check(&held);
        assert_eq!(held.weight(), 6 + 1 + 11);
        let (key, taken) = held.remove_entry("c").expect("held");
        assert_eq!((key.as_str(), taken.weight()), ("c", 11));
        check(&held);
        assert!(held.remove("c").is_none());
        held.insert("d".into(), book("d", 2));
        held.insert("e".into(), book("e", 1));
        check(&held);
        // Put back in the order a, b, c, a, d, e: the two used least recently, b and a, go;
        // d and e stay.
        held.forget_older_half();
        check(&held);
        let kept: Vec<bool> = ["a", "b", "d", "e"].map(|id| held.contains_key(id)).into();
        assert_eq!(kept, [false, false, true, true]);
        assert_eq!(held.weight(), 3 + 2);
        // One book left: it goes.
        held.remove("e");
        held.forget_older_half();
        assert_eq!(held.len(), 0);
        check(&held);
        held.insert("f".into(), book("f", 0));
        held.clear();
        check(&held);
        held.forget_older_half();
        assert_eq!((held.len(), held.weight()), (0, 0));
    }
}
