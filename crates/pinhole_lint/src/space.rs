//! Address space arithmetic: which part of "the internet" a set of CIDRs covers, and the
//! partition of internet space that a set of CIDRs induces (one representative address per
//! atom is enough to decide every rule that mentions only those CIDRs).
//!
//! "Internet" is every address outside the private, shared, loopback, link-local, multicast and
//! reserved ranges ([`pinhole_model::is_internet`]), in IPv4 and IPv6 alike.

use ipnet::IpNet;
use pinhole_model::is_internet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An address family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn of_net(n: &IpNet) -> Family {
        match n {
            IpNet::V4(_) => Family::V4,
            IpNet::V6(_) => Family::V6,
        }
    }
    pub fn of_addr(a: IpAddr) -> Family {
        if a.is_ipv4() { Family::V4 } else { Family::V6 }
    }
    pub fn any(self) -> &'static str {
        match self {
            Family::V4 => "0.0.0.0/0",
            Family::V6 => "::/0",
        }
    }
}

/// Inclusive range of addresses of one family, as integers.
pub type Span = (u128, u128);

pub fn span(n: &IpNet) -> Span {
    match n {
        IpNet::V4(n) => (
            u128::from(u32::from(n.network())),
            u128::from(u32::from(n.broadcast())),
        ),
        IpNet::V6(n) => (u128::from(n.network()), u128::from(n.broadcast())),
    }
}

pub fn addr(f: Family, v: u128) -> IpAddr {
    match f {
        Family::V4 => IpAddr::V4(Ipv4Addr::from(u32::try_from(v).unwrap_or(u32::MAX))),
        Family::V6 => IpAddr::V6(Ipv6Addr::from(v)),
    }
}

pub fn int(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

/// Non-internet ranges, sorted (see [`pinhole_model::is_internet`]).
fn non_internet(f: Family) -> Vec<Span> {
    let mut v: Vec<Span> = non_internet_nets(f).iter().map(span).collect();
    v.sort_unstable();
    v
}

fn max_of(f: Family) -> u128 {
    match f {
        Family::V4 => u128::from(u32::MAX),
        Family::V6 => u128::MAX,
    }
}

/// Sorted disjoint union of spans.
pub fn union(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for (lo, hi) in spans {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// `a` minus `b`, both sorted and disjoint.
pub fn minus(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for &(lo, hi) in a {
        let mut cur = lo;
        let mut done = false;
        for &(blo, bhi) in b {
            if bhi < cur || blo > hi {
                continue;
            }
            if blo > cur {
                out.push((cur, blo - 1));
            }
            if bhi >= hi {
                done = true;
                break;
            }
            cur = bhi + 1;
        }
        if !done {
            out.push((cur, hi));
        }
    }
    out
}

/// `a` ∩ `b`, both sorted and disjoint.
pub fn intersect(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for &(alo, ahi) in a {
        for &(blo, bhi) in b {
            let (lo, hi) = (alo.max(blo), ahi.min(bhi));
            if lo <= hi {
                out.push((lo, hi));
            }
        }
    }
    union(out)
}

/// Internet space of a family, as sorted disjoint spans.
pub fn internet(f: Family) -> Vec<Span> {
    minus(&[(0, max_of(f))], &non_internet(f))
}

/// The internet addresses of `nets` (those of family `f`).
pub fn internet_part<'a>(f: Family, nets: impl IntoIterator<Item = &'a IpNet>) -> Vec<Span> {
    let spans: Vec<Span> = nets
        .into_iter()
        .filter(|n| Family::of_net(n) == f)
        .map(span)
        .collect();
    intersect(&union(spans), &internet(f))
}

/// Whether `nets` together cover every internet address of family `f`.
pub fn covers_internet<'a>(f: Family, nets: impl IntoIterator<Item = &'a IpNet>) -> bool {
    let part = internet_part(f, nets);
    minus(&internet(f), &part).is_empty()
}

/// How many addresses the spans hold (saturating).
pub fn size(spans: &[Span]) -> u128 {
    spans.iter().fold(0u128, |acc, &(lo, hi)| {
        acc.saturating_add(hi - lo).saturating_add(1)
    })
}

/// The partition of internet space (family `f`) that the boundaries of `nets` induce: every
/// atom is a maximal span no CIDR of `nets` cuts, so every rule or route mentioning only those
/// CIDRs treats all addresses of an atom alike.
pub fn internet_atoms<'a>(f: Family, nets: impl IntoIterator<Item = &'a IpNet>) -> Vec<Span> {
    let mut cuts: Vec<u128> = vec![0];
    for n in nets.into_iter().filter(|n| Family::of_net(n) == f) {
        let (lo, hi) = span(n);
        cuts.push(lo);
        if hi < max_of(f) {
            cuts.push(hi + 1);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut atoms = Vec::with_capacity(cuts.len());
    for (i, &lo) in cuts.iter().enumerate() {
        let hi = cuts.get(i + 1).map(|&n| n - 1).unwrap_or(max_of(f));
        atoms.push((lo, hi));
    }
    // Cut further at the edges of internet space, keeping the internet parts only.
    let net = internet(f);
    let mut out = Vec::new();
    for a in atoms {
        out.extend(intersect(&[a], &net));
    }
    out
}

/// The CIDRs that exactly cover a span, in address order.
pub fn cidrs_of(f: Family, s: Span) -> Vec<IpNet> {
    let bits: u32 = match f {
        Family::V4 => 32,
        Family::V6 => 128,
    };
    let mut out = Vec::new();
    let (mut lo, hi) = s;
    loop {
        // The largest aligned block of 2^k addresses starting at `lo` that ends by `hi`.
        let mut k = if lo == 0 {
            bits
        } else {
            lo.trailing_zeros().min(bits)
        };
        let fits = |k: u32| match 1u128.checked_shl(k) {
            Some(size) => lo.saturating_add(size - 1) <= hi,
            None => lo == 0 && hi == u128::MAX,
        };
        while k > 0 && !fits(k) {
            k -= 1;
        }
        let prefix = u8::try_from(bits - k).unwrap_or(0);
        if let Ok(n) = IpNet::new(addr(f, lo), prefix) {
            out.push(n);
        }
        match 1u128.checked_shl(k).and_then(|size| lo.checked_add(size)) {
            Some(next) if next <= hi => lo = next,
            _ => return out,
        }
    }
}

/// The partition of `within` (family `f`) induced by the boundaries of `nets`.
pub fn atoms_within<'a>(
    f: Family,
    within: Span,
    nets: impl IntoIterator<Item = &'a IpNet>,
) -> Vec<Span> {
    let mut cuts: Vec<u128> = vec![within.0];
    for n in nets.into_iter().filter(|n| Family::of_net(n) == f) {
        let (lo, hi) = span(n);
        for c in [Some(lo), hi.checked_add(1)].into_iter().flatten() {
            if c > within.0 && c <= within.1 {
                cuts.push(c);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len());
    for (i, &lo) in cuts.iter().enumerate() {
        let hi = cuts.get(i + 1).map(|&n| n - 1).unwrap_or(within.1);
        out.push((lo, hi));
    }
    out
}

/// A representative internet address of a span: its first internet address not in `avoid`
/// (addresses that mean something else to the engine, such as public IPs of ENIs).
pub fn representative(f: Family, s: Span, avoid: &dyn Fn(IpAddr) -> bool) -> Option<IpAddr> {
    let mut spans = intersect(&[s], &internet(f));
    // IPv6: global unicast (2000::/3) first, so a witness looks like a real host.
    if f == Family::V6 {
        let global = (0x2000u128 << 112, (0x4000u128 << 112) - 1);
        spans.sort_by_key(|&(lo, hi)| !(lo <= global.1 && hi >= global.0));
        spans = spans
            .into_iter()
            .map(|(lo, hi)| {
                if lo < global.0 && hi >= global.0 {
                    (global.0, hi)
                } else {
                    (lo, hi)
                }
            })
            .collect();
    }
    for (lo, hi) in spans {
        let mut v = lo;
        for _ in 0..64 {
            if v > hi {
                break;
            }
            let a = addr(f, v);
            if is_internet(a) && !avoid(a) {
                return Some(a);
            }
            v = v.checked_add(1)?;
        }
    }
    None
}

/// The non-internet ranges as CIDRs: cutting at them keeps atoms wholly inside or outside
/// internet space.
pub fn non_internet_nets(f: Family) -> Vec<IpNet> {
    let nets: &[&str] = match f {
        Family::V4 => &[
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/3",
        ],
        Family::V6 => &["::/127", "fc00::/7", "fe80::/10", "ff00::/8"],
    };
    nets.iter().filter_map(|s| s.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn n(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    #[test]
    fn world_covers_internet_in_both_families() {
        assert!(covers_internet(Family::V4, &[n("0.0.0.0/0")]));
        assert!(covers_internet(
            Family::V4,
            &[n("0.0.0.0/1"), n("128.0.0.0/1")]
        ));
        assert!(!covers_internet(Family::V4, &[n("0.0.0.0/1")]));
        assert!(!covers_internet(Family::V6, &[n("0.0.0.0/0")]));
        assert!(covers_internet(Family::V6, &[n("::/0")]));
        assert!(covers_internet(
            Family::V6,
            &[n("2000::/3"), n("::/1"), n("4000::/2"), n("8000::/1")]
        ));
        // Private space is not the internet.
        assert!(internet_part(Family::V4, &[n("10.0.0.0/8")]).is_empty());
    }

    #[test]
    fn spans_as_cidrs() {
        let c = cidrs_of(Family::V4, span(&n("10.0.0.0/24")));
        assert_eq!(c, vec![n("10.0.0.0/24")]);
        let s = (span(&n("10.0.0.4/32")).0, span(&n("10.0.0.11/32")).0);
        let c: Vec<String> = cidrs_of(Family::V4, s)
            .iter()
            .map(|x| x.to_string())
            .collect();
        assert_eq!(c, ["10.0.0.4/30", "10.0.0.8/30"]);
        assert_eq!(
            cidrs_of(Family::V4, (0, u128::from(u32::MAX))),
            vec![n("0.0.0.0/0")]
        );
        assert_eq!(cidrs_of(Family::V6, (0, u128::MAX)), vec![n("::/0")]);
    }

    #[test]
    fn atoms_split_at_every_boundary() {
        let a = internet_atoms(Family::V4, &[n("198.51.100.0/24"), n("198.51.100.7/32")]);
        let reps: Vec<String> = a
            .iter()
            .filter_map(|&s| representative(Family::V4, s, &|_| false))
            .map(|a| a.to_string())
            .collect();
        assert!(reps.contains(&"198.51.100.7".to_string()));
        assert!(reps.contains(&"198.51.100.0".to_string()));
        assert!(reps.contains(&"198.51.100.8".to_string()));
        assert!(reps.iter().all(|r| is_internet(r.parse().unwrap())));
        assert_eq!(size(&[(0, 9)]), 10);
    }
}
