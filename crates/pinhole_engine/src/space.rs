//! Header space: sets of packets as binary decision diagrams.
//!
//! A packet here is what the filters of a connection read: the source and destination address
//! (128 bits each; IPv4 uses the first 32), the destination port of the request, and up to
//! three source-port variables (the client's, a NAT gateway's, …) that the reply's NACLs see
//! as destination ports. The protocol is not a variable: the symbolic engine answers each
//! protocol on its own.
//!
//! [`Space`] is the small interface the symbolic engine needs; [`Bdds`] implements it with
//! `oxidd`.

use ipnet::IpNet;
use oxidd::bdd::{BDDFunction, BDDManagerRef};
use oxidd::util::OptBool;
use oxidd::{BooleanFunction, BooleanFunctionQuant, Manager, ManagerRef};
use std::net::IpAddr;

/// A field of the header space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Src,
    Dst,
    Dport,
    /// Source-port variable `k` of the walk (0: the client's).
    Port(u8),
}

/// Source-port variables a walk may use.
pub const PORT_VARS: u8 = 3;

impl Field {
    fn first_var(self) -> u32 {
        match self {
            Field::Src => 0,
            Field::Dst => 128,
            Field::Dport => 256,
            Field::Port(k) => 272 + 16 * u32::from(k),
        }
    }

    fn width(self) -> u32 {
        match self {
            Field::Src | Field::Dst => 128,
            _ => 16,
        }
    }
}

const VARS: u32 = 272 + 16 * PORT_VARS as u32;

/// The header space ran out of room (too many distinct sets at once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpaceFull;

impl std::fmt::Display for SpaceFull {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the symbolic engine ran out of decision-diagram nodes")
    }
}

impl std::error::Error for SpaceFull {}

pub type SpaceResult<T> = Result<T, SpaceFull>;

/// One concrete packet of a set: a value per field (don't-care bits as 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    pub src: u128,
    pub dst: u128,
    pub dport: u16,
    pub ports: [u16; PORT_VARS as usize],
}

impl Point {
    /// An address field as an address of the family `v4`.
    pub fn addr(bits: u128, v4: bool) -> IpAddr {
        if v4 {
            IpAddr::V4(std::net::Ipv4Addr::from((bits >> 96) as u32))
        } else {
            IpAddr::V6(std::net::Ipv6Addr::from(bits))
        }
    }
}

/// The set algebra the symbolic engine needs.
pub trait Space {
    type Set: Clone + PartialEq;
    fn empty(&self) -> Self::Set;
    fn full(&self) -> Self::Set;
    fn and(&self, a: &Self::Set, b: &Self::Set) -> SpaceResult<Self::Set>;
    fn or(&self, a: &Self::Set, b: &Self::Set) -> SpaceResult<Self::Set>;
    fn not(&self, a: &Self::Set) -> SpaceResult<Self::Set>;
    /// Packets whose address `field` lies in `net`.
    fn prefix(&self, field: Field, net: &IpNet) -> SpaceResult<Self::Set>;
    /// Packets whose port `field` lies in `lo..=hi`.
    fn range(&self, field: Field, lo: u16, hi: u16) -> SpaceResult<Self::Set>;
    /// `a` with the variables of the cube `point` (a conjunction of literals, such as an
    /// address prefix) fixed to its values: the Shannon cofactor, free of those variables.
    fn restrict(&self, a: &Self::Set, point: &Self::Set) -> SpaceResult<Self::Set>;
    /// Some value of each of `fields` makes the packet a member.
    fn exists(&self, a: &Self::Set, fields: &[Field]) -> SpaceResult<Self::Set>;
    /// Every value of each of `fields` makes the packet a member.
    fn forall(&self, a: &Self::Set, fields: &[Field]) -> SpaceResult<Self::Set>;
    fn is_empty(&self, a: &Self::Set) -> bool;
    fn is_full(&self, a: &Self::Set) -> bool;
    /// A member, if any.
    fn pick(&self, a: &Self::Set) -> Option<Point>;
    /// Whether the packet is a member.
    fn contains(&self, a: &Self::Set, p: &Point) -> bool;
    /// Drop what no set alive needs any more.
    fn collect_garbage(&self);
}

/// Binary decision diagrams (oxidd), one manager, one worker thread.
pub struct Bdds {
    manager: BDDManagerRef,
    vars: Vec<BDDFunction>,
    t: BDDFunction,
    f: BDDFunction,
    /// Quantifier cubes already built, by their fields.
    cubes: std::cell::RefCell<rustc_hash::FxHashMap<Vec<Field>, BDDFunction>>,
    /// Port ranges already built.
    ranges: std::cell::RefCell<rustc_hash::FxHashMap<(Field, u16, u16), BDDFunction>>,
}

impl Bdds {
    /// A manager with room for `nodes` inner nodes.
    pub fn new(nodes: usize) -> SpaceResult<Self> {
        let manager = oxidd::bdd::new_manager(nodes, (nodes / 2).max(1 << 12), 1);
        let (vars, t, f) = manager.with_manager_exclusive(|m| {
            m.add_vars(VARS);
            let vars: Result<Vec<_>, _> = (0..VARS).map(|v| BDDFunction::var(m, v)).collect();
            (vars, BDDFunction::t(m), BDDFunction::f(m))
        });
        Ok(Self {
            manager,
            vars: vars.map_err(|_| SpaceFull)?,
            t,
            f,
            cubes: Default::default(),
            ranges: Default::default(),
        })
    }

    fn var(&self, field: Field, bit: u32) -> &BDDFunction {
        // `bit` < width by construction; the index is in range.
        &self.vars[(field.first_var() + bit) as usize]
    }

    fn cube(&self, fields: &[Field]) -> SpaceResult<BDDFunction> {
        if let Some(c) = self.cubes.borrow().get(fields) {
            return Ok(c.clone());
        }
        let mut c = self.t.clone();
        for &f in fields {
            for b in 0..f.width() {
                c = retry(self, || c.and(self.var(f, b)))?;
            }
        }
        self.cubes.borrow_mut().insert(fields.to_vec(), c.clone());
        Ok(c)
    }

    fn bits_of(net: &IpNet) -> (u128, u32) {
        match net {
            IpNet::V4(n) => (
                u128::from(u32::from(n.network())) << 96,
                u32::from(n.prefix_len()),
            ),
            IpNet::V6(n) => (u128::from(n.network()), u32::from(n.prefix_len())),
        }
    }
}

/// Run a diagram operation; when the manager is full, collect garbage (nodes no live set
/// holds) and try again before giving up.
fn retry<T>(b: &Bdds, f: impl Fn() -> Result<T, oxidd::util::OutOfMemory>) -> SpaceResult<T> {
    // A collection can find little while the manager's own collector thread is busy: a few
    // tries before giving up (a busy machine made one try fail now and then).
    for _ in 0..3 {
        match f() {
            Ok(x) => return Ok(x),
            Err(_) => b.collect_garbage(),
        }
    }
    f().map_err(|_| SpaceFull)
}

impl Space for Bdds {
    type Set = BDDFunction;

    fn empty(&self) -> BDDFunction {
        self.f.clone()
    }

    fn full(&self) -> BDDFunction {
        self.t.clone()
    }

    fn and(&self, a: &BDDFunction, b: &BDDFunction) -> SpaceResult<BDDFunction> {
        retry(self, || a.and(b))
    }

    fn or(&self, a: &BDDFunction, b: &BDDFunction) -> SpaceResult<BDDFunction> {
        retry(self, || a.or(b))
    }

    fn not(&self, a: &BDDFunction) -> SpaceResult<BDDFunction> {
        retry(self, || a.not())
    }

    fn prefix(&self, field: Field, net: &IpNet) -> SpaceResult<BDDFunction> {
        let (bits, len) = Self::bits_of(net);
        let mut s = self.t.clone();
        // Bottom-up: the deepest bit first keeps every intermediate diagram a chain.
        for b in (0..len).rev() {
            let v = self.var(field, b);
            let one = (bits >> (127 - b)) & 1 == 1;
            s = if one {
                retry(self, || v.and(&s))?
            } else {
                retry(self, || v.not().and_then(|n| n.and(&s)))?
            };
        }
        Ok(s)
    }

    fn range(&self, field: Field, lo: u16, hi: u16) -> SpaceResult<BDDFunction> {
        if lo > hi {
            return Ok(self.f.clone());
        }
        if let Some(r) = self.ranges.borrow().get(&(field, lo, hi)) {
            return Ok(r.clone());
        }
        // x >= lo and x <= hi, built from the least significant bit up.
        let mut ge = self.t.clone();
        let mut le = self.t.clone();
        for b in (0..16u32).rev() {
            let v = self.var(field, b);
            let shift = 15 - b;
            ge = if (lo >> shift) & 1 == 1 {
                retry(self, || v.and(&ge))?
            } else {
                retry(self, || v.or(&ge))?
            };
            let nv = retry(self, || v.not())?;
            le = if (hi >> shift) & 1 == 0 {
                retry(self, || nv.and(&le))?
            } else {
                retry(self, || nv.or(&le))?
            };
        }
        let r = retry(self, || ge.and(&le))?;
        self.ranges.borrow_mut().insert((field, lo, hi), r.clone());
        Ok(r)
    }

    fn restrict(&self, a: &BDDFunction, point: &BDDFunction) -> SpaceResult<BDDFunction> {
        retry(self, || a.restrict(point))
    }

    fn exists(&self, a: &BDDFunction, fields: &[Field]) -> SpaceResult<BDDFunction> {
        let c = self.cube(fields)?;
        retry(self, || a.exists(&c))
    }

    fn forall(&self, a: &BDDFunction, fields: &[Field]) -> SpaceResult<BDDFunction> {
        let c = self.cube(fields)?;
        retry(self, || a.forall(&c))
    }

    fn is_empty(&self, a: &BDDFunction) -> bool {
        !a.satisfiable()
    }

    fn is_full(&self, a: &BDDFunction) -> bool {
        a.valid()
    }

    fn pick(&self, a: &BDDFunction) -> Option<Point> {
        let cube = a.pick_cube(|_, _, _| false)?;
        let get = |field: Field| -> u128 {
            let mut v = 0u128;
            for b in 0..field.width() {
                let on = matches!(
                    cube.get((field.first_var() + b) as usize),
                    Some(OptBool::True)
                );
                if on {
                    v |= 1 << (field.width() - 1 - b);
                }
            }
            v
        };
        let mut ports = [0u16; PORT_VARS as usize];
        for (k, p) in ports.iter_mut().enumerate() {
            *p = get(Field::Port(k as u8)) as u16;
        }
        Some(Point {
            src: get(Field::Src),
            dst: get(Field::Dst),
            dport: get(Field::Dport) as u16,
            ports,
        })
    }

    fn contains(&self, a: &BDDFunction, p: &Point) -> bool {
        let mut values = Vec::with_capacity(VARS as usize);
        let mut put = |field: Field, value: u128| {
            let w = field.width();
            for b in 0..w {
                values.push((field.first_var() + b, (value >> (w - 1 - b)) & 1 == 1));
            }
        };
        put(Field::Src, p.src);
        put(Field::Dst, p.dst);
        put(Field::Dport, u128::from(p.dport));
        for k in 0..PORT_VARS {
            put(Field::Port(k), u128::from(p.ports[k as usize]));
        }
        a.eval(values)
    }

    fn collect_garbage(&self) {
        self.manager.with_manager_shared(|m| {
            m.gc();
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn point(src: &str, dst: &str, dport: u16) -> Point {
        let bits = |s: &str| match s.parse::<IpAddr>().unwrap() {
            IpAddr::V4(a) => u128::from(u32::from(a)) << 96,
            IpAddr::V6(a) => u128::from(a),
        };
        Point {
            src: bits(src),
            dst: bits(dst),
            dport,
            ports: [0; 3],
        }
    }

    #[test]
    fn prefixes_and_ranges_hold_exactly_their_members() {
        let s = Bdds::new(1 << 16).unwrap();
        let net: IpNet = "10.1.0.0/16".parse().unwrap();
        let p = s.prefix(Field::Src, &net).unwrap();
        let r = s.range(Field::Dport, 1000, 2000).unwrap();
        let both = s.and(&p, &r).unwrap();
        assert!(s.contains(&both, &point("10.1.2.3", "1.1.1.1", 1000)));
        assert!(s.contains(&both, &point("10.1.255.255", "1.1.1.1", 2000)));
        assert!(!s.contains(&both, &point("10.2.0.0", "1.1.1.1", 1500)));
        assert!(!s.contains(&both, &point("10.1.0.0", "1.1.1.1", 999)));
        assert!(!s.contains(&both, &point("10.1.0.0", "1.1.1.1", 2001)));
        let w = s.pick(&both).unwrap();
        assert!(s.contains(&both, &w));
        for (lo, hi) in [
            (0, 0),
            (0, 65535),
            (65535, 65535),
            (1, 65534),
            (32768, 60999),
        ] {
            let r = s.range(Field::Port(1), lo, hi).unwrap();
            for v in [
                0u16,
                1,
                lo.saturating_sub(1),
                lo,
                hi,
                hi.saturating_add(1),
                65535,
            ] {
                let mut pt = point("0.0.0.0", "0.0.0.0", 0);
                pt.ports[1] = v;
                assert_eq!(s.contains(&r, &pt), lo <= v && v <= hi, "{lo}-{hi} {v}");
            }
        }
        let v6: IpNet = "2001:db8::/32".parse().unwrap();
        let p6 = s.prefix(Field::Dst, &v6).unwrap();
        assert!(s.contains(&p6, &point("::", "2001:db8::5", 0)));
        assert!(!s.contains(&p6, &point("::", "2001:db9::5", 0)));
        let e = s.exists(&both, &[Field::Dport]).unwrap();
        assert!(e == p);
        assert!(s.is_empty(&s.and(&p, &s.not(&p).unwrap()).unwrap()));
    }
}
