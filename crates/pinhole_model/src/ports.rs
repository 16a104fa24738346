//! Port sets: sorted, disjoint, inclusive ranges of u16.

use std::fmt;

/// A set of ports as sorted, disjoint, non-adjacent inclusive ranges.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct PortSet(Vec<(u16, u16)>);

impl PortSet {
    pub fn empty() -> Self {
        Self(Vec::new())
    }
    pub fn range(lo: u16, hi: u16) -> Self {
        if lo <= hi {
            Self(vec![(lo, hi)])
        } else {
            Self::empty()
        }
    }
    pub fn single(p: u16) -> Self {
        Self(vec![(p, p)])
    }
    pub fn all() -> Self {
        Self(vec![(0, u16::MAX)])
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn ranges(&self) -> &[(u16, u16)] {
        &self.0
    }
    pub fn len(&self) -> u64 {
        self.0
            .iter()
            .map(|&(a, b)| u64::from(b) - u64::from(a) + 1)
            .sum()
    }
    pub fn contains(&self, p: u16) -> bool {
        self.0.iter().any(|&(a, b)| a <= p && p <= b)
    }
    pub fn first(&self) -> Option<u16> {
        self.0.first().map(|r| r.0)
    }
    /// The part of `self` inside `lo..=hi`.
    pub fn intersect_range(&self, lo: u16, hi: u16) -> Self {
        let mut out = Vec::new();
        for &(a, b) in &self.0 {
            let (x, y) = (a.max(lo), b.min(hi));
            if x <= y {
                out.push((x, y));
            }
        }
        Self(out)
    }
    /// The part of `self` outside `lo..=hi`.
    pub fn minus_range(&self, lo: u16, hi: u16) -> Self {
        let mut out = Vec::new();
        for &(a, b) in &self.0 {
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
        Self(out)
    }
    pub fn minus(&self, other: &PortSet) -> Self {
        other
            .0
            .iter()
            .fold(self.clone(), |acc, &(a, b)| acc.minus_range(a, b))
    }
    pub fn union(&self, other: &PortSet) -> Self {
        let mut all: Vec<(u16, u16)> = self.0.iter().chain(other.0.iter()).copied().collect();
        all.sort_unstable();
        let mut out: Vec<(u16, u16)> = Vec::with_capacity(all.len());
        for (a, b) in all {
            match out.last_mut() {
                Some(last) if u32::from(a) <= u32::from(last.1) + 1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        Self(out)
    }
}

impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (i, &(a, b)) in self.0.iter().enumerate() {
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
}
