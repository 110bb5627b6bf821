//! A small deterministic generator (SplitMix64): the same seed gives the same case on
//! every machine and every version of the toolchain, so a failure's seed replays it.

#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A length biased towards small ones, sometimes large: most mutations touch a few
    /// bytes, some a long run.
    pub fn small_len(&mut self, max: usize) -> usize {
        let max = max.max(1);
        match self.below(10) {
            0..=6 => self.between(1, 4.min(max)),
            7 | 8 => self.between(1, 64.min(max)),
            _ => self.between(1, max),
        }
    }
}

/// Mixes words into one seed (a case's seed from the run's, the target's and the index).
pub fn mix(parts: &[u64]) -> u64 {
    let mut rng = Rng::new(0x6261_7368_6761_6821);
    let mut out = 0;
    for part in parts {
        rng.0 ^= *part;
        out = rng.next_u64();
    }
    out
}

/// A stable number for a name (FNV-1a), to mix into seeds.
pub fn name_seed(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
