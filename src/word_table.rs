//! A hash table of 64-bit words that grows by a quarter at a time, for the per-member
//! tables an import keeps for every member it has seen (a million members' worth).
//!
//! A word is an entry, whose key is its top bits (all 64, or the top 32 with a 32-bit
//! value below them); keys are hashes already, and the word 0 marks an empty place, so
//! callers keep it out. Open addressing with linear probing, at most 4/5 full.
//!
//! Why not `HashMap`: hashbrown doubles its buckets when it is 7/8 full, so a table of a
//! million entries sits in 2^21 buckets, at a load of 0.48: at ten million purchases by a
//! million members the spilled books' places and the set of members with events took 19
//! MB each, and their doubling at some 918,000 members was the import's peak, with each
//! old table beside its new one (issue 14, twenty-eighth stop). Growing by a quarter keeps
//! the load between 0.64 and 0.8, and the old table beside the new one 4/5 of its size.

/// What share of its places a table may fill, as a fraction: 4/5.
const FULLEST: (usize, usize) = (4, 5);

/// The fewest places a table that holds anything has.
const SMALLEST: usize = 16;

/// Keys spread by a multiplication before the place is taken from their top bits: the
/// keys of a table whose key is 32 bits are small numbers as 64-bit ones.
const SPREAD: u64 = 0x9E37_79B9_7F4A_7C15;

/// `Default` is a table of keys alone (`shift` 0).
#[derive(Debug, Default)]
pub(crate) struct WordTable {
    words: Box<[u64]>,
    len: usize,
    /// The key is `word >> shift`: 0 for a table of keys alone, 32 for keys with values.
    shift: u32,
}

impl WordTable {
    /// A table whose keys are the words' top `64 - shift` bits.
    pub fn new(shift: u32) -> WordTable {
        WordTable {
            words: Box::default(),
            len: 0,
            shift: shift.min(63),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// What its places take, in bytes.
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        std::mem::size_of_val(&*self.words)
    }

    fn key(&self, word: u64) -> u64 {
        word >> self.shift
    }

    /// Where `key`'s probe starts.
    fn home(&self, key: u64) -> usize {
        let spread = key.wrapping_mul(SPREAD);
        ((u128::from(spread) * self.words.len() as u128) >> 64) as usize
    }

    /// The place holding `key`'s word, if one does.
    fn find(&self, key: u64) -> Option<usize> {
        if self.words.is_empty() {
            return None;
        }
        let mut at = self.home(key);
        // A table is never full (at most 4/5), so an empty place ends every probe.
        loop {
            let word = self.words[at];
            if word == 0 {
                return None;
            }
            if self.key(word) == key {
                return Some(at);
            }
            at = if at + 1 == self.words.len() {
                0
            } else {
                at + 1
            };
        }
    }

    /// The word whose key is `key`.
    pub fn get(&self, key: u64) -> Option<u64> {
        self.find(key).map(|at| self.words[at])
    }

    /// Puts `word` in (not 0: that marks an empty place, and is not put), replacing the
    /// word of the same key: that one is returned.
    pub fn insert(&mut self, word: u64) -> Option<u64> {
        if word == 0 {
            return None;
        }
        if let Some(at) = self.find(self.key(word)) {
            return Some(std::mem::replace(&mut self.words[at], word));
        }
        if (self.len + 1) * FULLEST.1 > self.words.len() * FULLEST.0 {
            self.grow();
        }
        self.place(word);
        self.len += 1;
        None
    }

    /// Puts `word`, whose key is not there, in the first empty place of its probe.
    fn place(&mut self, word: u64) {
        let mut at = self.home(self.key(word));
        while self.words[at] != 0 {
            at = if at + 1 == self.words.len() {
                0
            } else {
                at + 1
            };
        }
        self.words[at] = word;
    }

    fn grow(&mut self) {
        let places = (self.words.len() + self.words.len() / 4).max(SMALLEST);
        let old = std::mem::replace(&mut self.words, vec![0; places].into_boxed_slice());
        for word in old.iter().copied().filter(|&word| word != 0) {
            self.place(word);
        }
    }

    /// Takes out the word whose key is `key`. The words after it in its run move back
    /// into the gap where their probe would pass it (no tombstones: a table that sees
    /// as many removals as insertions stays as quick as one that only grows).
    pub fn remove(&mut self, key: u64) -> Option<u64> {
        let mut gap = self.find(key)?;
        let removed = std::mem::take(&mut self.words[gap]);
        self.len -= 1;
        let places = self.words.len();
        let mut at = gap;
        loop {
            at = if at + 1 == places { 0 } else { at + 1 };
            let word = self.words[at];
            if word == 0 {
                return Some(removed);
            }
            // How far `word` is from its home, and how far the gap is: if the gap is no
            // further, the probe from its home passes the gap, so it moves there.
            let home = self.home(self.key(word));
            let from_home = (at + places - home) % places;
            let from_gap = (at + places - gap) % places;
            if from_gap <= from_home {
                self.words[gap] = std::mem::take(&mut self.words[at]);
                gap = at;
            }
        }
    }

    /// Empties it, keeping its places.
    pub fn clear(&mut self) {
        self.words.fill(0);
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u64, u32),
        Remove(u64),
        Clear,
    }

    /// Keys drawn from a few, so that inserts replace and removals find, and runs of
    /// neighbours form in a small table.
    fn op() -> impl Strategy<Value = Op> {
        let key = 1u64..200;
        prop_oneof![
            6 => (key.clone(), any::<u32>()).prop_map(|(k, v)| Op::Insert(k, v)),
            4 => key.prop_map(Op::Remove),
            1 => Just(Op::Clear),
        ]
    }

    proptest! {
        /// A table of 32-bit keys with values answers as a `HashMap` does after any
        /// sequence of inserts, removals and clears.
        #[test]
        fn it_answers_as_a_hash_map_does(ops in proptest::collection::vec(op(), 0..600)) {
            let mut table = WordTable::new(32);
            let mut map: HashMap<u64, u32> = HashMap::new();
            let word = |key: u64, value: u32| key << 32 | u64::from(value);
            for op in ops {
                match op {
                    Op::Insert(key, value) => {
                        let old = table.insert(word(key, value));
                        let expected = map.insert(key, value).map(|v| word(key, v));
                        prop_assert_eq!(old, expected);
                    }
                    Op::Remove(key) => {
                        let expected = map.remove(&key).map(|v| word(key, v));
                        prop_assert_eq!(table.remove(key), expected);
                    }
                    Op::Clear => {
                        table.clear();
                        map.clear();
                    }
                }
                prop_assert_eq!(table.len(), map.len());
                prop_assert!(table.len() * 5 <= table.words.len() * 4);
                for key in 0u64..200 {
                    prop_assert_eq!(table.get(key), map.get(&key).map(|&v| word(key, v)));
                }
            }
        }
    }

    /// A set of a million 64-bit hashes takes some 10 to 12.5 MB (hashbrown's took 19),
    /// and holds each of them, and none other.
    #[test]
    fn a_million_keys_fit_in_little_more_than_their_bytes() {
        let mut set = WordTable::new(0);
        let hash = |n: u64| (n + 1).wrapping_mul(0xD6E8_FEB8_6659_FD93) | 1;
        for n in 0..1_000_000 {
            assert_eq!(set.insert(hash(n)), None);
        }
        assert_eq!(set.len(), 1_000_000);
        let bytes = set.bytes();
        assert!((8_000_000..=12_500_000).contains(&bytes), "{bytes}");
        assert!((0..1_000_000)
            .step_by(997)
            .all(|n| set.get(hash(n)) == Some(hash(n))));
        assert!((1_000_000..1_001_000).all(|n| set.get(hash(n)).is_none()));
        // Removing every other leaves the rest found.
        for n in (0..1_000_000).step_by(2) {
            assert_eq!(set.remove(hash(n)), Some(hash(n)));
        }
        assert_eq!(set.len(), 500_000);
        assert!((0..1_000_000).all(|n| set.get(hash(n)).is_some() == (n % 2 == 1)));
    }

    /// The word 0 marks an empty place: it is never put in.
    #[test]
    fn zero_is_not_a_word() {
        let mut set = WordTable::new(0);
        assert_eq!(set.insert(0), None);
        assert!(set.is_empty() && set.get(0).is_none());
    }
}
