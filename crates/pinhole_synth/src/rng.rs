//! A tiny deterministic PRNG (splitmix64) and AWS-style resource ids.
//!
//! Every random choice is drawn from a stream keyed by what it is about (the seed, a purpose and
//! a VPC or group), never from a shared sequence: the output does not depend on the order in
//! which threads generate accounts, and a change to one choice does not shift the others.

/// The splitmix64 finaliser: a bijection on `u64` with good avalanche.
pub(crate) const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// FNV-1a of a label: turns a purpose name into a stream key.
pub(crate) const fn label(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    let mut i = 0;
    while i < b.len() {
        h ^= b[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01B3);
        i += 1;
    }
    h
}

/// splitmix64.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    /// The stream for `purpose` about `key` (a VPC slot, a group number, ...).
    pub fn new(seed: u64, purpose: &str, key: u64) -> Self {
        Rng(mix(
            seed ^ mix(label(purpose) ^ mix(key.wrapping_add(GOLDEN)))
        ))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) as u64 + 1) as usize
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
}

/// Makes AWS-style ids (`vpc-0` + 16 hex digits) that are unique by construction: for a fixed
/// seed and prefix, the map from a resource's number to its id is a bijection.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ids {
    seed: u64,
}

impl Ids {
    pub fn new(seed: u64) -> Self {
        Ids { seed }
    }

    /// 64 scrambled bits for resource `n` of kind `prefix`.
    pub fn bits(&self, prefix: &str, n: u64) -> u64 {
        mix(n.wrapping_add(mix(self.seed ^ label(prefix))))
    }

    /// `prefix-0xxxxxxxxxxxxxxxx`: 17 hex digits, as AWS writes them today.
    pub fn id(&self, prefix: &str, n: u64) -> String {
        format!("{prefix}-0{:016x}", self.bits(prefix, n))
    }
}

/// The number of a per-VPC resource: account index, region and a local number, packed so that
/// different VPCs never share one.
pub(crate) const fn key(account: usize, region: usize, local: u64) -> u64 {
    ((account as u64) << 32) | ((region as u64) << 24) | (local & 0x00FF_FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_seeded() {
        let ids = Ids::new(7);
        let mut seen = std::collections::HashSet::new();
        for n in 0..10_000 {
            assert!(seen.insert(ids.id("eni", n)));
        }
        assert_ne!(ids.id("eni", 1), Ids::new(8).id("eni", 1));
        assert_eq!(ids.id("vpc", 3).len(), "vpc-".len() + 17);
    }

    #[test]
    fn streams_are_independent_and_repeatable() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new(1, "x", 2).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::new(1, "x", 2).next_u64(),
            Rng::new(1, "y", 2).next_u64()
        );
        let mut r = Rng::new(9, "range", 0);
        for _ in 0..1000 {
            let v = r.range(3, 5);
            assert!((3..=5).contains(&v));
        }
    }
}
