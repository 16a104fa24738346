//! The symbolic engine: the exact set of connections that succeed between two sets of
//! endpoints, as a set of packets (see [`crate::space`]).
//!
//! It does not restate the AWS rules. It runs the concrete walker in *collect mode*: the walk
//! follows routes, gateways, translations and peering exactly as [`crate::trace`] does, but
//! records every network ACL and security-group check with the packet as it was there instead
//! of deciding it. Each recorded check is then compiled into a set over the header fields — the
//! same first-match and allow-union rules as the concrete checks — and the connection's set is
//! their intersection. One semantics: the path is the tracer's own.
//!
//! A walk is valid for every member of an endpoint [`Class`]: interfaces in one subnet with the
//! same security groups, the same kind and the same routing fate (no route in the snapshot is
//! more specific than their subnet and splits them). Routes only read the destination, and
//! filters are evaluated symbolically, so one walk per class pair (and per transit-gateway or
//! load-balancer alternative) covers all of its member pairs.

use crate::Question;
use crate::sg::RefScope;
use crate::space::{Bdds, Field, PORT_VARS, Point, Space, SpaceFull, SpaceResult};
use crate::trace::{Direction, Verdict};
use crate::walk::{self, Check, Collect, Event, Options, Port, View};
use ipnet::IpNet;
use oxidd::bdd::BDDFunction;
use pinhole_model::{
    AclEntry, EniIx, EniKindTag, Protocol, RouteDestHot, RuleAction, SgIx, SgPeerHot, Snapshot,
    SubnetIx, VpcIx, is_internet,
};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub type Set = BDDFunction;

/// Walks per class pair before the engine gives up (transit gateway × load balancer
/// alternatives multiply).
const MAX_WALKS: usize = 512;

/// One address of one interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Member {
    pub eni: EniIx,
    pub addr: IpAddr,
}

/// Interfaces whose connections take the same path and meet the same filters.
#[derive(Clone, Debug)]
pub struct Class {
    pub subnet: SubnetIx,
    pub vpc: VpcIx,
    pub v4: bool,
    /// Sorted by address.
    pub members: Vec<Member>,
    /// Members that have a public IPv4 address (1:1 at the internet gateway).
    pub public: bool,
}

/// Where the engine asks from or to: a representative address and the addresses it stands for.
#[derive(Clone, Debug)]
pub struct Side {
    pub rep: IpAddr,
    pub addrs: Addrs,
    pub v4: bool,
}

/// A set of addresses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Addrs {
    /// These addresses.
    List(Vec<IpAddr>),
    /// Internet addresses (see [`is_internet`]) inside `within`, outside every `except`.
    Internet {
        within: Vec<IpNet>,
        except: Vec<IpNet>,
    },
}

/// The connections of one walk (one path) of a class pair.
pub struct WalkSet {
    /// Packets (source, destination, destination port, source-port variables) that pass every
    /// filter of the path, request and reply.
    pub pass: Set,
    /// Gateways and connections the request crossed (the tracer's `via`).
    pub via: Vec<String>,
}

/// The walks of one range of destination ports (a load balancer's listener port, or the rest).
pub struct Part {
    /// One per combination of alternatives; a walk that stops short has an empty `pass`.
    pub walks: Vec<WalkSet>,
    /// Load-balancer forks: a connection works for every client port only when every target
    /// path does (the tracer's `reachable`); otherwise one working alternative suffices.
    pub every: bool,
}

/// Every connection between two sides, for one protocol.
pub struct Reach {
    pub parts: Vec<Part>,
    /// The source-port variables' ranges.
    pub domain: Set,
    /// What the questions are about: source, destination and destination ports (their
    /// product is built only when asked).
    pub scope: Option<(Set, Set, Set)>,
    /// Walks that stopped for a reason other than a filter, with the verdict and reason
    /// (`no route`, `unknown`…): no packet of the pair takes them.
    pub stops: Vec<(Verdict, String)>,
    /// Between two single addresses the walks' sets are over ports only: the addresses (in
    /// `scope`) are joined when a set is asked for.
    point: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ATerm {
    F(Field),
    C(IpAddr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum PTerm {
    F(Field),
    C(u16),
    None,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FilterKey {
    /// NACL: the subnet's ACL index and direction; SG: the sorted groups, the interface's VPC
    /// and direction.
    what: FilterWhat,
    addr: ATerm,
    port: PTerm,
    proto: u8,
    icmp: Option<(u8, u8)>,
    v4: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum FilterWhat {
    Nacl {
        acl: u32,
        egress: bool,
    },
    Sg {
        groups: Vec<SgIx>,
        vpc: VpcIx,
        inbound: bool,
        peering: bool,
        tgw: bool,
    },
}

/// The symbolic engine over one snapshot. Not `Sync`: one per thread.
pub struct Symbolic<'s> {
    pub snap: &'s Snapshot,
    pub opts: Options,
    pub space: Bdds,
    filters: FxHashMap<FilterKey, Set>,
    /// Security-group key → the interfaces' addresses carrying it, with their VPC.
    group_addrs: FxHashMap<u32, Vec<(VpcIx, IpAddr)>>,
    group_sets: FxHashMap<(u32, Option<VpcIx>, Field, bool), Set>,
    internet: [Option<Set>; 4],
    /// Address sets already built, by field.
    addr_sets: FxHashMap<(Field, bool, Addrs), Set>,
}

/// A list of addresses or CIDRs as a set over one field.
fn nets_set(s: &Bdds, field: Field, nets: &[IpNet]) -> SpaceResult<Set> {
    // Balanced unions keep the intermediate diagrams small.
    let mut layer: Vec<Set> = nets
        .iter()
        .map(|n| s.prefix(field, n))
        .collect::<SpaceResult<_>>()?;
    if layer.is_empty() {
        return Ok(s.empty());
    }
    while layer.len() > 1 {
        let mut next = Vec::with_capacity(layer.len().div_ceil(2));
        for pair in layer.chunks(2) {
            next.push(match pair {
                [a, b] => s.or(a, b)?,
                [a] => a.clone(),
                _ => s.empty(),
            });
        }
        layer = next;
    }
    Ok(layer.pop().unwrap_or_else(|| s.empty()))
}

pub fn host(a: IpAddr) -> IpNet {
    match a {
        IpAddr::V4(v4) => IpNet::from(ipnet::Ipv4Net::from(v4)),
        IpAddr::V6(v6) => IpNet::from(ipnet::Ipv6Net::from(v6)),
    }
}

/// Every prefix of `n`'s family that [`is_internet`] rejects: the complement is the internet.
fn not_internet(v4: bool) -> Vec<IpNet> {
    let parse = |s: &str| s.parse::<IpNet>().ok();
    let list: &[&str] = if v4 {
        &[
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/4",
            "255.255.255.255/32",
        ]
    } else {
        &["::/128", "::1/128", "ff00::/8", "fc00::/7", "fe80::/10"]
    };
    list.iter().filter_map(|s| parse(s)).collect()
}

impl<'s> Symbolic<'s> {
    pub fn new(snap: &'s Snapshot, opts: Options) -> SpaceResult<Self> {
        let mut group_addrs: FxHashMap<u32, Vec<(VpcIx, IpAddr)>> = FxHashMap::default();
        for (i, _) in snap.enis.iter().enumerate() {
            let e = EniIx(i as u32);
            let hot = snap.eni_hot(e);
            for a in eni_addrs(snap, e) {
                for (_, g) in snap.eni_groups(e) {
                    group_addrs.entry(g.key).or_default().push((hot.vpc, a));
                }
            }
        }
        Ok(Self {
            snap,
            opts: Options {
                record_hops: false,
                ..opts
            },
            // Room for the diagrams grows with the network (address sets of every class and
            // security-group reference); 1 Mi nodes at least, 8 Mi at most.
            space: Bdds::new((snap.enis.len().saturating_mul(48)).clamp(1 << 20, 1 << 23))?,
            filters: FxHashMap::default(),
            group_addrs,
            group_sets: FxHashMap::default(),
            internet: [None, None, None, None],
            addr_sets: FxHashMap::default(),
        })
    }

    /// Forget cached filter sets and collect garbage (between intents on big snapshots).
    pub fn flush(&mut self) {
        self.filters.clear();
        self.group_sets.clear();
        self.addr_sets.clear();
        self.space.collect_garbage();
    }

    /// The internet addresses of a family, over `field` (`Src` or `Dst`).
    pub fn internet(&mut self, field: Field, v4: bool) -> SpaceResult<Set> {
        let slot = usize::from(field == Field::Dst) * 2 + usize::from(v4);
        if let Some(s) = &self.internet[slot] {
            return Ok(s.clone());
        }
        let all: IpNet = if v4 {
            IpNet::from(ipnet::Ipv4Net::default())
        } else {
            IpNet::from(ipnet::Ipv6Net::default())
        };
        let whole = self.space.prefix(field, &all)?;
        let bad = nets_set(&self.space, field, &not_internet(v4))?;
        let s = self.space.and(&whole, &self.space.not(&bad)?)?;
        self.internet[slot] = Some(s.clone());
        Ok(s)
    }

    /// The addresses of `a` over `field`.
    pub fn addrs_set(&mut self, field: Field, a: &Addrs, v4: bool) -> SpaceResult<Set> {
        // One address is a chain of literals, cheaper to build than to keep: an engine that
        // walks between single addresses would otherwise hold one per address it met.
        if let Addrs::List(l) = a
            && l.len() == 1
        {
            return self.build_addrs_set(field, a, v4);
        }
        let key = (field, v4, a.clone());
        if let Some(s) = self.addr_sets.get(&key) {
            return Ok(s.clone());
        }
        let s = self.build_addrs_set(field, a, v4)?;
        self.addr_sets.insert(key, s.clone());
        Ok(s)
    }

    fn build_addrs_set(&mut self, field: Field, a: &Addrs, v4: bool) -> SpaceResult<Set> {
        match a {
            Addrs::List(list) => {
                let nets: Vec<IpNet> = list.iter().map(|&a| host(a)).collect();
                nets_set(&self.space, field, &nets)
            }
            Addrs::Internet { within, except } => {
                let mut s = self.internet(field, v4)?;
                if !within.is_empty() {
                    let w = nets_set(&self.space, field, within)?;
                    s = self.space.and(&s, &w)?;
                }
                if !except.is_empty() {
                    let x = nets_set(&self.space, field, except)?;
                    s = self.space.and(&s, &self.space.not(&x)?)?;
                }
                Ok(s)
            }
        }
    }

    /// Every connection from `src` to `dst` over `proto` (6, 17, or 1/58 for ICMP echo) with a
    /// destination port in `ports` (TCP and UDP).
    pub fn reach(
        &mut self,
        src: &Side,
        dst: &Side,
        proto: u8,
        ports: (u16, u16),
    ) -> SpaceResult<Reach> {
        self.reach_where(src, dst, proto, ports, &|_| true)
    }

    /// [`Symbolic::reach`] over the walks whose gateways `keep` accepts; the others count as
    /// carrying nothing (their filters are not even compiled).
    pub fn reach_where(
        &mut self,
        src: &Side,
        dst: &Side,
        proto: u8,
        ports: (u16, u16),
        keep: &dyn Fn(&[String]) -> bool,
    ) -> SpaceResult<Reach> {
        let ported = proto == Protocol::TCP || proto == Protocol::UDP;
        let p_set = if ported {
            self.space.range(Field::Dport, ports.0, ports.1)?
        } else {
            self.space.range(Field::Dport, 0, 0)?
        };
        // The product of source and destination sets is built when a walk needs it.
        let mut sd: Option<Set> = None;
        let mut out = Reach {
            parts: Vec::new(),
            domain: self.space.full(),
            scope: None,
            stops: Vec::new(),
            point: matches!(
                (&src.addrs, &dst.addrs),
                (Addrs::List(a), Addrs::List(b)) if a.len() == 1 && b.len() == 1
            ),
        };
        // A walk from an interface to itself never leaves the host: take another destination
        // member (on another interface) to stand for the class.
        let mut dst = dst.clone();
        if let Addrs::List(list) = &dst.addrs {
            let same = |a: IpAddr| {
                a == src.rep
                    || match (
                        self.snap.enis_at(a).first(),
                        self.snap.enis_at(src.rep).first(),
                    ) {
                        (Some(x), Some(y)) => x == y,
                        _ => false,
                    }
            };
            if same(dst.rep) {
                match list.iter().find(|a| !same(**a)) {
                    Some(&other) => dst.rep = other,
                    // Only the source itself: no connection to compute.
                    None => return Ok(out),
                }
            }
        }
        // A load balancer forwards only on its listeners' ports: one part per listener port
        // in range, and one for the rest.
        let listeners: Vec<u16> = if ported {
            let mut v: Vec<u16> = self
                .snap
                .enis_at(dst.rep)
                .first()
                .copied()
                .or_else(|| match dst.rep {
                    IpAddr::V4(v4) => self.snap.index.public_ip.get(&v4).map(|x| x.0),
                    IpAddr::V6(_) => None,
                })
                .and_then(|e| self.snap.index.lb_of_eni.get(&e))
                .map(|&lb| {
                    self.snap.load_balancers[lb]
                        .listeners
                        .iter()
                        .map(|l| l.port)
                        .filter(|p| ports.0 <= *p && *p <= ports.1)
                        .collect()
                })
                .unwrap_or_default();
            v.sort_unstable();
            v.dedup();
            v
        } else {
            Vec::new()
        };
        let mut atoms: Vec<(u16, Set)> = Vec::new();
        let mut rest = p_set.clone();
        for &l in &listeners {
            let one = self.space.range(Field::Dport, l, l)?;
            rest = self.space.and(&rest, &self.space.not(&one)?)?;
            atoms.push((l, one));
        }
        if !self.space.is_empty(&rest) {
            let rep = if listeners.is_empty() {
                Some(ports.0)
            } else {
                self.space.pick(&rest).map(|p| p.dport)
            };
            if let Some(rep) = rep {
                atoms.push((rep, rest));
            }
        }
        let mut ranges_seen: Vec<Option<(u16, u16)>> = vec![None; PORT_VARS as usize];
        for (rep_port, atom) in atoms {
            let part = self.reach_part(
                src,
                &dst,
                proto,
                rep_port,
                ported,
                (&p_set, &atom, &mut sd),
                &mut out,
                &mut ranges_seen,
                keep,
            )?;
            out.parts.push(part);
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn reach_part(
        &mut self,
        src: &Side,
        dst: &Side,
        proto: u8,
        rep_port: u16,
        ported: bool,
        scope: (&Set, &Set, &mut Option<Set>),
        out: &mut Reach,
        ranges_seen: &mut [Option<(u16, u16)>],
        keep: &dyn Fn(&[String]) -> bool,
    ) -> SpaceResult<Part> {
        let q = Question {
            src: src.rep,
            dst: dst.rep,
            proto,
            port: ported.then_some(rep_port),
            src_port: None,
            icmp_type: None,
            icmp_code: None,
        };
        let mut part = Part {
            walks: Vec::new(),
            every: false,
        };
        let mut choices: Vec<usize> = Vec::new();
        for _ in 0..MAX_WALKS {
            let cell = RefCell::new(Collect {
                choices: choices.clone(),
                ..Collect::default()
            });
            let t = walk::collect(self.snap, &q, &self.opts, &cell);
            let c = cell.into_inner();
            if t.verdict == Verdict::Reachable && !keep(&t.via) {
                part.walks.push(WalkSet {
                    pass: self.space.empty(),
                    via: t.via,
                });
            } else if t.verdict == Verdict::Reachable {
                if c.ranges.len() > PORT_VARS as usize {
                    return Err(SpaceFull);
                }
                // The address sets are built only for walks that carry something.
                let (p_set, atom, sd) = (scope.0, scope.1, &mut *scope.2);
                let sd = match sd {
                    Some(x) => x.clone(),
                    None => {
                        let s_set = self.addrs_set(Field::Src, &src.addrs, src.v4)?;
                        let d_set = self.addrs_set(Field::Dst, &dst.addrs, dst.v4)?;
                        let x = self.space.and(&s_set, &d_set)?;
                        out.scope = Some((s_set, d_set, p_set.clone()));
                        *sd = Some(x.clone());
                        x
                    }
                };
                // Between two single addresses, `sd` is a cube: each filter is cut down to
                // its ports at those addresses (a cofactor, much smaller than the filter and
                // the product); the addresses are joined when a set is asked for.
                let point = out.point;
                let mut pass = if point {
                    atom.clone()
                } else {
                    self.space.and(&sd, atom)?
                };
                for (k, r) in c.ranges.iter().enumerate() {
                    let lo = r.ranges().first().map_or(0, |x| x.0);
                    let hi = r.ranges().last().map_or(0, |x| x.1);
                    let v = self.space.range(Field::Port(k as u8), lo, hi)?;
                    pass = self.space.and(&pass, &v)?;
                    if let Some(slot) = ranges_seen.get_mut(k)
                        && slot.is_none()
                    {
                        *slot = Some((lo, hi));
                        out.domain = self.space.and(&out.domain, &v)?;
                    }
                }
                for ev in &c.events {
                    if let Event::Check(dir, check) = ev {
                        let mut f = self.filter(*dir, check, src, dst, rep_port, ported)?;
                        if point {
                            f = self.space.restrict(&f, &sd)?;
                        }
                        pass = self.space.and(&pass, &f)?;
                        if self.space.is_empty(&pass) {
                            break;
                        }
                    }
                }
                part.walks.push(WalkSet { pass, via: t.via });
            } else {
                part.walks.push(WalkSet {
                    pass: self.space.empty(),
                    via: t.via,
                });
                out.stops.push((t.verdict, t.reason));
            }
            // The next combination of alternatives, last fork first.
            let ns: Vec<usize> = c
                .events
                .iter()
                .filter_map(|e| match e {
                    Event::Fork { n, every, .. } => {
                        part.every |= *every;
                        Some(*n)
                    }
                    Event::Check(..) => None,
                })
                .collect();
            let mut cur: Vec<usize> = (0..ns.len())
                .map(|k| choices.get(k).copied().unwrap_or(0))
                .collect();
            loop {
                match cur.pop() {
                    None => return Ok(part),
                    Some(x) if x + 1 < ns[cur.len()] => {
                        cur.push(x + 1);
                        break;
                    }
                    Some(_) => {}
                }
            }
            choices = cur;
        }
        Err(SpaceFull)
    }

    fn aterm(&self, a: IpAddr, src: &Side, dst: &Side) -> ATerm {
        if a == src.rep {
            ATerm::F(Field::Src)
        } else if a == dst.rep {
            ATerm::F(Field::Dst)
        } else {
            ATerm::C(a)
        }
    }

    fn pterm(dir: Direction, p: Option<Port>, rep_port: u16, ported: bool) -> PTerm {
        match p {
            None => PTerm::None,
            Some(Port::Const(v)) if ported && dir == Direction::Request && v == rep_port => {
                PTerm::F(Field::Dport)
            }
            Some(Port::Const(v)) => PTerm::C(v),
            Some(Port::Var(k)) => PTerm::F(Field::Port(k as u8)),
        }
    }

    fn filter(
        &mut self,
        dir: Direction,
        check: &Check,
        src: &Side,
        dst: &Side,
        rep_port: u16,
        ported: bool,
    ) -> SpaceResult<Set> {
        let snap = self.snap;
        let (what, view, addr) = match check {
            Check::Nacl {
                subnet,
                egress,
                view,
            } => {
                let Some(acl) = snap.subnet_hot(*subnet).network_acl else {
                    return Ok(self.space.empty());
                };
                let addr = if *egress { view.dst } else { view.src };
                (
                    FilterWhat::Nacl {
                        acl: acl.0,
                        egress: *egress,
                    },
                    view,
                    addr,
                )
            }
            Check::Sg {
                eni,
                inbound,
                view,
                scope,
            } => {
                let mut groups: Vec<SgIx> = snap.eni_groups(*eni).iter().map(|g| g.0).collect();
                groups.sort_unstable();
                let addr = if *inbound { view.src } else { view.dst };
                (
                    FilterWhat::Sg {
                        groups,
                        vpc: snap.eni_hot(*eni).vpc,
                        inbound: *inbound,
                        peering: scope.same_region_peering,
                        tgw: scope.tgw_referencing,
                    },
                    view,
                    addr,
                )
            }
        };
        let key = FilterKey {
            what,
            addr: self.aterm(addr, src, dst),
            port: Self::pterm(dir, view.dport, rep_port, ported),
            proto: view.proto,
            icmp: view.icmp,
            v4: addr.is_ipv4(),
        };
        if let Some(s) = self.filters.get(&key) {
            return Ok(s.clone());
        }
        let s = match (&key.what, check) {
            (FilterWhat::Nacl { .. }, Check::Nacl { subnet, egress, .. }) => {
                let entries = snap.subnet_acl_entries(*subnet, *egress);
                self.nacl_set(entries, &key, view)?
            }
            (
                FilterWhat::Sg { .. },
                Check::Sg {
                    eni,
                    inbound,
                    scope,
                    ..
                },
            ) => self.sg_set(*eni, *inbound, *scope, &key, view)?,
            _ => self.space.empty(),
        };
        self.filters.insert(key, s.clone());
        Ok(s)
    }

    fn addr_in(&self, t: ATerm, net: &IpNet) -> SpaceResult<Set> {
        match t {
            ATerm::F(f) => self.space.prefix(f, net),
            ATerm::C(a) => Ok(self.konst(net.contains(&a))),
        }
    }

    fn port_in(&self, t: PTerm, lo: u16, hi: u16) -> SpaceResult<Set> {
        match t {
            PTerm::F(f) => self.space.range(f, lo, hi),
            PTerm::C(v) => Ok(self.konst(lo <= v && v <= hi)),
            PTerm::None => Ok(self.space.full()),
        }
    }

    fn konst(&self, b: bool) -> Set {
        if b {
            self.space.full()
        } else {
            self.space.empty()
        }
    }

    /// First match in rule order, `*` deny last: the same as [`crate::acl`].
    fn nacl_set(&self, entries: &[AclEntry], key: &FilterKey, view: &View) -> SpaceResult<Set> {
        let s = &self.space;
        let mut acc = s.empty();
        for e in entries.iter().rev() {
            if e.cidr.addr().is_ipv4() != key.v4 || !e.protocol.matches(view.proto) {
                continue;
            }
            if let (Protocol::Num(1 | 58), Some((t, c)), Some((et, ec))) =
                (e.protocol, view.icmp, e.icmp)
                && ((et != -1 && et != i32::from(t)) || (ec != -1 && ec != i32::from(c)))
            {
                continue;
            }
            let (lo, hi) = match (e.protocol, e.ports) {
                (Protocol::Num(6 | 17), Some(r)) => r,
                _ => (0, u16::MAX),
            };
            let m = s.and(
                &self.addr_in(key.addr, &e.cidr)?,
                &self.port_in(key.port, lo, hi)?,
            )?;
            acc = match e.action {
                RuleAction::Allow => s.or(&m, &acc)?,
                RuleAction::Deny => s.and(&s.not(&m)?, &acc)?,
            };
        }
        Ok(acc)
    }

    /// The union of every rule of every group of the interface: the same as [`crate::sg`].
    fn sg_set(
        &mut self,
        eni: EniIx,
        inbound: bool,
        scope: RefScope,
        key: &FilterKey,
        view: &View,
    ) -> SpaceResult<Set> {
        let snap = self.snap;
        let my_vpc = snap.eni_hot(eni).vpc;
        let mut acc = self.space.empty();
        for (_, g) in snap.eni_groups(eni) {
            for r in snap.sg_rules_hot(g, inbound) {
                if !r.protocol.matches(view.proto) {
                    continue;
                }
                let traffic = match r.protocol {
                    Protocol::Num(6 | 17) => match r.ports {
                        Some((a, b)) => self.port_in(key.port, a, b)?,
                        None => self.space.full(),
                    },
                    Protocol::Num(1 | 58) => match (r.icmp, view.icmp) {
                        (Some((t, c)), Some((pt, pc))) => self.konst(
                            (t == -1 || t == i32::from(pt)) && (c == -1 || c == i32::from(pc)),
                        ),
                        _ => self.space.full(),
                    },
                    _ => self.space.full(),
                };
                if self.space.is_empty(&traffic) {
                    continue;
                }
                let peer = match r.peer {
                    SgPeerHot::Cidr(c) => {
                        if c.addr().is_ipv4() == key.v4 {
                            self.addr_in(key.addr, &c)?
                        } else {
                            self.space.empty()
                        }
                    }
                    SgPeerHot::PrefixList(pl) => {
                        let mut s = self.space.empty();
                        if let Some(pl) = pl {
                            for c in &snap.prefix_lists[pl.ix()].cidrs {
                                if c.addr().is_ipv4() == key.v4 {
                                    s = self.space.or(&s, &self.addr_in(key.addr, c)?)?;
                                }
                            }
                        }
                        s
                    }
                    SgPeerHot::Group(gk) => {
                        let all = scope.same_region_peering || (inbound && scope.tgw_referencing);
                        let vpc = (!all).then_some(my_vpc);
                        match key.addr {
                            ATerm::C(a) => {
                                let hit = snap.enis_at(a).iter().any(|&o| {
                                    snap.eni_groups(o).iter().any(|(_, g)| g.key == gk)
                                        && (all || snap.eni_hot(o).vpc == my_vpc)
                                });
                                self.konst(hit)
                            }
                            ATerm::F(f) => self.group_set(gk, vpc, f, key.v4)?,
                        }
                    }
                };
                acc = self.space.or(&acc, &self.space.and(&traffic, &peer)?)?;
            }
        }
        Ok(acc)
    }

    fn group_set(&mut self, gk: u32, vpc: Option<VpcIx>, f: Field, v4: bool) -> SpaceResult<Set> {
        if let Some(s) = self.group_sets.get(&(gk, vpc, f, v4)) {
            return Ok(s.clone());
        }
        let nets: Vec<IpNet> = self
            .group_addrs
            .get(&gk)
            .map(|v| {
                v.iter()
                    .filter(|(gv, a)| vpc.is_none_or(|m| m == *gv) && a.is_ipv4() == v4)
                    .map(|(_, a)| host(*a))
                    .collect()
            })
            .unwrap_or_default();
        let s = nets_set(&self.space, f, &nets)?;
        self.group_sets.insert((gk, vpc, f, v4), s.clone());
        Ok(s)
    }
}

/// The source-port fields.
pub fn port_fields() -> Vec<Field> {
    (0..PORT_VARS).map(Field::Port).collect()
}

impl Reach {
    fn walks(&self) -> impl Iterator<Item = &WalkSet> {
        self.parts.iter().flat_map(|p| p.walks.iter())
    }

    /// Source, destination and port of every connection that works for some source port.
    pub fn some(&self, s: &Bdds) -> SpaceResult<Set> {
        self.some_where(s, |_| true)
    }

    /// … for every source port the client (and any translator) may pick — and, through a
    /// load balancer, on every target path.
    pub fn all(&self, s: &Bdds) -> SpaceResult<Set> {
        let mut acc = s.empty();
        for part in &self.parts {
            let mut pass = if part.every { s.full() } else { s.empty() };
            for w in &part.walks {
                pass = if part.every {
                    s.and(&pass, &w.pass)?
                } else {
                    s.or(&pass, &w.pass)?
                };
            }
            if part.walks.is_empty() {
                continue;
            }
            // ∀ ports: domain → pass
            let imp = s.or(&s.not(&self.domain)?, &pass)?;
            let all = s.forall(&imp, &port_fields())?;
            acc = s.or(&acc, &all)?;
        }
        if s.is_empty(&acc) {
            return Ok(acc);
        }
        let Some((a, b, p)) = &self.scope else {
            return Ok(acc);
        };
        let acc = s.and(&acc, a)?;
        let acc = s.and(&acc, b)?;
        s.and(&acc, p)
    }

    /// `some`, restricted to the walks `keep` accepts (by the gateways they cross).
    pub fn some_where(&self, s: &Bdds, keep: impl Fn(&[String]) -> bool) -> SpaceResult<Set> {
        let mut any = s.empty();
        for w in self.walks().filter(|w| keep(&w.via)) {
            any = s.or(&any, &w.pass)?;
        }
        let any = s.exists(&any, &port_fields())?;
        match (&self.scope, self.point) {
            (Some((a, b, _)), true) if !s.is_empty(&any) => s.and(&s.and(&any, a)?, b),
            _ => Ok(any),
        }
    }

    /// The destination ports of every connection that works for some source port, between
    /// any of the addresses (a set over [`Field::Dport`] alone).
    pub fn ports(&self, s: &Bdds) -> SpaceResult<Set> {
        let mut any = s.empty();
        for w in self.walks() {
            any = s.or(&any, &w.pass)?;
        }
        if self.point {
            s.exists(&any, &port_fields())
        } else {
            let mut fields = port_fields();
            fields.extend([Field::Src, Field::Dst]);
            s.exists(&any, &fields)
        }
    }
}

/// Every address of an interface (private IPv4 and IPv6).
pub fn eni_addrs(snap: &Snapshot, e: EniIx) -> Vec<IpAddr> {
    let ni = snap.eni(e);
    let mut v: Vec<IpAddr> = ni.private_ips.iter().map(|p| p.addr).collect();
    v.extend(ni.ipv6.iter().copied());
    v
}

/// Route prefixes more specific than a subnet split its addresses into different routing fates.
fn split_prefixes(snap: &Snapshot) -> FxHashMap<u8, rustc_hash::FxHashSet<IpNet>> {
    let mut by_len: FxHashMap<u8, rustc_hash::FxHashSet<IpNet>> = FxHashMap::default();
    let mut add = |n: IpNet| {
        by_len.entry(n.prefix_len()).or_default().insert(n.trunc());
    };
    for (i, _) in snap.route_tables.iter().enumerate() {
        for r in snap.routes_hot(pinhole_model::RtbIx(i as u32)) {
            match r.dest {
                RouteDestHot::Cidr(c) => add(c),
                RouteDestHot::PrefixList(Some(pl)) => {
                    for c in &snap.prefix_lists[pl.ix()].cidrs {
                        add(*c);
                    }
                }
                RouteDestHot::PrefixList(None) => {}
            }
        }
    }
    for t in &snap.tgw_route_tables {
        for r in &t.routes {
            add(r.dest);
        }
    }
    by_len
}

/// Every prefix the snapshot compares addresses against: routes, transit-gateway routes,
/// network ACL entries, security-group rules and the prefix lists they use, and listener
/// `source-ip` conditions. Two addresses of one [`Class`] that lie in the same of these prefixes
/// meet every filter and route alike: they are interchangeable in every walk.
pub struct Splitter {
    by_len: FxHashMap<u8, rustc_hash::FxHashSet<IpNet>>,
}

impl Splitter {
    pub fn new(snap: &Snapshot) -> Self {
        let mut by_len = split_prefixes(snap);
        let mut add = |n: IpNet| {
            by_len.entry(n.prefix_len()).or_default().insert(n.trunc());
        };
        for acl in &snap.network_acls {
            for e in acl.inbound.iter().chain(&acl.outbound) {
                add(e.cidr);
            }
        }
        for r in &snap.index.hot.sg_rules {
            if let SgPeerHot::Cidr(c) = r.peer {
                add(c);
            }
        }
        for pl in &snap.prefix_lists {
            for c in &pl.cidrs {
                add(*c);
            }
        }
        for lb in &snap.load_balancers {
            for l in &lb.listeners {
                for r in &l.rules {
                    for c in &r.source_ips {
                        add(*c);
                    }
                }
            }
        }
        Self { by_len }
    }

    /// The prefixes longer than `base` that hold `a`: addresses of one subnet (prefix length
    /// `base`) with the same signature are interchangeable (shorter prefixes hold the whole
    /// subnet or none of it).
    pub fn signature(&self, a: IpAddr, base: u8) -> Vec<IpNet> {
        let max = if a.is_ipv4() { 32 } else { 128 };
        let mut v = Vec::new();
        for len in base.saturating_add(1)..=max {
            if let Some(set) = self.by_len.get(&len)
                && let Ok(n) = IpNet::new(a, len)
                && set.contains(&n.trunc())
            {
                v.push(n.trunc());
            }
        }
        v
    }
}

/// The endpoint classes of a snapshot: every interface address in exactly one.
pub fn classes(snap: &Snapshot) -> Vec<Class> {
    let split = split_prefixes(snap);
    #[derive(PartialEq, Eq, Hash)]
    struct Key {
        subnet: SubnetIx,
        groups: Vec<SgIx>,
        kind: EniKindTag,
        lb: Option<usize>,
        live: bool,
        windows: bool,
        v4: bool,
        public: bool,
        /// An address AWS reserves in its subnet (the tracer calls it invalid).
        reserved: bool,
        fate: Vec<IpNet>,
    }
    let mut map: FxHashMap<Key, usize> = FxHashMap::default();
    let mut out: Vec<Class> = Vec::new();
    for (i, ni) in snap.enis.iter().enumerate() {
        let e = EniIx(i as u32);
        let hot = snap.eni_hot(e);
        let mut groups: Vec<SgIx> = snap.eni_groups(e).iter().map(|g| g.0).collect();
        groups.sort_unstable();
        let sub_len = |a: IpAddr| {
            snap.subnet_cidrs(hot.subnet)
                .iter()
                .find(|c| c.contains(&a))
                .map_or(0, IpNet::prefix_len)
        };
        let addrs = ni
            .private_ips
            .iter()
            .map(|p| (p.addr, p.public.is_some()))
            .chain(ni.ipv6.iter().map(|a| (*a, false)));
        for (a, public) in addrs {
            let base = sub_len(a);
            let max = if a.is_ipv4() { 32 } else { 128 };
            let mut fate = Vec::new();
            for len in base.saturating_add(1)..=max {
                if let Some(set) = split.get(&len)
                    && let Ok(n) = IpNet::new(a, len)
                    && set.contains(&n.trunc())
                {
                    fate.push(n.trunc());
                }
            }
            let key = Key {
                subnet: hot.subnet,
                groups: groups.clone(),
                kind: hot.kind,
                lb: snap.index.lb_of_eni.get(&e).copied(),
                live: hot.live,
                windows: hot.windows,
                v4: a.is_ipv4(),
                public,
                reserved: snap
                    .subnet_cidrs(hot.subnet)
                    .iter()
                    .any(|c| pinhole_model::is_reserved_in(a, *c)),
                fate,
            };
            let k = *map.entry(key).or_insert_with(|| {
                out.push(Class {
                    subnet: hot.subnet,
                    vpc: hot.vpc,
                    v4: a.is_ipv4(),
                    members: Vec::new(),
                    public,
                });
                out.len() - 1
            });
            out[k].members.push(Member { eni: e, addr: a });
        }
    }
    for c in &mut out {
        c.members.sort_unstable_by_key(|m| (m.addr, m.eni));
    }
    out
}

/// The prefixes of routes (and transit gateway routes) that reach into internet space, for
/// splitting the internet into addresses every route table treats alike.
pub fn internet_route_prefixes(snap: &Snapshot, v4: bool) -> Vec<IpNet> {
    let mut v: Vec<IpNet> = split_prefixes(snap)
        .into_values()
        .flatten()
        .filter(|n| n.addr().is_ipv4() == v4 && n.prefix_len() > 0)
        .filter(|n| {
            // Keep prefixes that hold some internet address.
            is_internet(n.network()) || is_internet(n.broadcast()) || n.prefix_len() < 8
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// An address of `v4`'s family as a field value.
pub fn addr_bits(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v4) => u128::from(u32::from(v4)) << 96,
        IpAddr::V6(v6) => u128::from(v6),
    }
}

/// Readable documentation addresses, tried first as representatives of internet sets.
const V4_CANDIDATES: [Ipv4Addr; 3] = [
    Ipv4Addr::new(198, 51, 100, 7),
    Ipv4Addr::new(203, 0, 113, 9),
    Ipv4Addr::new(8, 8, 4, 4),
];
const V6_CANDIDATES: [Ipv6Addr; 2] = [
    Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 7),
    Ipv6Addr::new(0x2600, 0x1f18, 0, 0, 0, 0, 0, 9),
];

impl Symbolic<'_> {
    /// An address of `a` to stand for it in walks: a readable one when it is a member, else
    /// any member; `None` when `a` is empty.
    pub fn member_of(&mut self, a: &Addrs, v4: bool) -> SpaceResult<Option<IpAddr>> {
        let set = self.addrs_set(Field::Src, a, v4)?;
        let probe = |addr: IpAddr| Point {
            src: addr_bits(addr),
            dst: 0,
            dport: 0,
            ports: [0; PORT_VARS as usize],
        };
        let readable: Vec<IpAddr> = if v4 {
            V4_CANDIDATES.iter().map(|x| IpAddr::V4(*x)).collect()
        } else {
            V6_CANDIDATES.iter().map(|x| IpAddr::V6(*x)).collect()
        };
        if let Some(r) = readable
            .into_iter()
            .find(|r| self.space.contains(&set, &probe(*r)))
        {
            return Ok(Some(r));
        }
        Ok(self.space.pick(&set).map(|p| Point::addr(p.src, v4)))
    }
}
