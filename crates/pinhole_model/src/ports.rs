//! Port sets: sorted, disjoint, inclusive ranges of u16.

use std::fmt;

/// A set of ports as sorted, disjoint, non-adjacent inclusive ranges.
#[derive(Clone, Default)]
pub struct PortSet(Ranges);

/// The ranges: up to two inline, more on the heap. Nearly every set is one range (a port, an
/// ephemeral range) or two, and a walk makes several: inline, they cost no allocation.
#[derive(Clone)]
enum Ranges {
    Inline(u8, [(u16, u16); 2]),
    Heap(Vec<(u16, u16)>),
}

impl Default for Ranges {
    fn default() -> Self {
        Ranges::Inline(0, [(0, 0); 2])
    }
}

// Equality, hashing and debug output are those of the list of ranges, however it is stored.
impl PartialEq for PortSet {
    fn eq(&self, other: &Self) -> bool {
        self.ranges() == other.ranges()
    }
}

impl Eq for PortSet {}

impl std::hash::Hash for PortSet {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.ranges().hash(state)
    }
}

impl fmt::Debug for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PortSet").field(&self.ranges()).finish()
    }
}

impl PortSet {
    pub fn empty() -> Self {
        Self::default()
    }
    pub fn range(lo: u16, hi: u16) -> Self {
        let mut s = Self::empty();
        if lo <= hi {
            s.push((lo, hi));
        }
        s
    }
    pub fn single(p: u16) -> Self {
        Self::range(p, p)
    }
    pub fn all() -> Self {
        Self::range(0, u16::MAX)
    }
    /// Append a range after (and not adjacent to) the last one.
    fn push(&mut self, r: (u16, u16)) {
        match &mut self.0 {
            Ranges::Inline(n, a) if usize::from(*n) < a.len() => {
                a[usize::from(*n)] = r;
                *n += 1;
            }
            Ranges::Inline(_, a) => {
                let mut v = a.to_vec();
                v.push(r);
                self.0 = Ranges::Heap(v);
            }
            Ranges::Heap(v) => v.push(r),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.ranges().is_empty()
    }
    pub fn ranges(&self) -> &[(u16, u16)] {
        match &self.0 {
            Ranges::Inline(n, a) => &a[..usize::from(*n)],
            Ranges::Heap(v) => v,
        }
    }
    pub fn len(&self) -> u64 {
        self.ranges()
            .iter()
            .map(|&(a, b)| u64::from(b) - u64::from(a) + 1)
            .sum()
    }
    pub fn contains(&self, p: u16) -> bool {
        self.ranges().iter().any(|&(a, b)| a <= p && p <= b)
    }
    pub fn first(&self) -> Option<u16> {
        self.ranges().first().map(|r| r.0)
    }
    /// The part of `self` inside `lo..=hi`.
    pub fn intersect_range(&self, lo: u16, hi: u16) -> Self {
        let mut out = Self::empty();
        for &(a, b) in self.ranges() {
            let (x, y) = (a.max(lo), b.min(hi));
            if x <= y {
                out.push((x, y));
            }
        }
        out
    }
    /// The part of `self` outside `lo..=hi`.
    pub fn minus_range(&self, lo: u16, hi: u16) -> Self {
        let mut out = Self::empty();
        for &(a, b) in self.ranges() {
            if b < lo || a > hi {
                out.push((a, b));
                continue;
            }
            if a < lo {
                out.push((a, lo - 1));
            }
            if b > hi {
                out.push((hi + 1, b));
            }
        }
        out
    }
    pub fn minus(&self, other: &PortSet) -> Self {
        other
            .ranges()
            .iter()
            .fold(self.clone(), |acc, &(a, b)| acc.minus_range(a, b))
    }
    pub fn union(&self, other: &PortSet) -> Self {
        let mut all: Vec<(u16, u16)> = self
            .ranges()
            .iter()
            .chain(other.ranges())
            .copied()
            .collect();
        all.sort_unstable();
        let mut out = Self::empty();
        let mut cur: Option<(u16, u16)> = None;
        for (a, b) in all {
            match &mut cur {
                Some(last) if u32::from(a) <= u32::from(last.1) + 1 => last.1 = last.1.max(b),
                _ => {
                    if let Some(done) = cur.replace((a, b)) {
                        out.push(done);
                    }
                }
            }
        }
        if let Some(done) = cur {
            out.push(done);
        }
        out
    }
}

impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        for (i, &(a, b)) in self.ranges().iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if a == b {
                write!(f, "{a}")?
            } else {
                write!(f, "{a}-{b}")?
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_algebra() {
        let s = PortSet::range(1024, 65535);
        let hi = s.intersect_range(32768, 65535);
        assert_eq!(hi.to_string(), "32768-65535");
        assert_eq!(s.minus(&hi).to_string(), "1024-32767");
        assert_eq!(s.minus(&hi).len(), 31744);
        assert_eq!(hi.union(&s.minus(&hi)), s);
        assert!(PortSet::range(5, 4).is_empty());
        assert_eq!(
            PortSet::range(0, 10).minus_range(3, 3).to_string(),
            "0-2,4-10"
        );
    }

    #[test]
    fn more_ranges_than_inline() {
        let s = PortSet::range(0, 100)
            .minus_range(10, 10)
            .minus_range(20, 20)
            .minus_range(30, 30);
        assert_eq!(s.to_string(), "0-9,11-19,21-29,31-100");
        assert_eq!(s.len(), 98);
        assert_eq!(s.intersect_range(15, 35).to_string(), "15-19,21-29,31-35");
        let holes =
            PortSet::range(10, 10).union(&PortSet::range(20, 20).union(&PortSet::single(30)));
        assert_eq!(s.union(&holes), PortSet::range(0, 100));
        assert_eq!(PortSet::range(0, 100).minus(&holes), s);
        assert_eq!(
            format!("{s:?}"),
            "PortSet([(0, 9), (11, 19), (21, 29), (31, 100)])"
        );
    }
}
