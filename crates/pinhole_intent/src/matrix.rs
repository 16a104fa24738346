//! `matrix`: who reaches whom, on which services, grouped by account, VPC, subnet, tier, tag
//! or security group.

use crate::check::{CheckError, Checker, SideInfo, port_ranges};
use crate::select::Members;
use pinhole_engine::space::{Bdds, Field, Space, SpaceResult};
use pinhole_engine::symbolic::{Addrs, Member, Set, Side, Splitter, eni_addrs};
use pinhole_model::{
    EniIx, EniKindTag, Protocol, RuleAction, SgPeerHot, Snapshot, VpcIx, name_tag,
};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// How endpoints are grouped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MatrixBy {
    Account,
    Vpc,
    Subnet,
    Tier,
    Tag(String),
    Sg,
}

impl std::str::FromStr for MatrixBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "account" => Self::Account,
            "vpc" => Self::Vpc,
            "subnet" => Self::Subnet,
            "tier" => Self::Tier,
            "sg" => Self::Sg,
            _ => match s.strip_prefix("tag:") {
                Some(k) if !k.is_empty() => Self::Tag(k.to_string()),
                _ => {
                    return Err(format!(
                        "expected account, vpc, subnet, tier, sg or tag:KEY, found '{s}'"
                    ));
                }
            },
        })
    }
}

/// One cell: `from` reaches `to` on `services`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cell {
    pub from: String,
    pub to: String,
    pub tcp: String,
    pub udp: String,
    pub icmp: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    pub by: String,
    pub groups: Vec<String>,
    pub cells: Vec<Cell>,
    /// Endpoint class pairs walked.
    pub class_pairs: usize,
}

fn labels(snap: &Snapshot, by: &MatrixBy, e: EniIx) -> Vec<String> {
    let ni = snap.eni(e);
    let sub = snap.subnet(ni.subnet);
    let named = |tags: &pinhole_model::Tags, id: &str| match name_tag(tags) {
        Some(n) => format!("{id} ({n})"),
        None => id.to_string(),
    };
    match by {
        MatrixBy::Account => vec![ni.account.to_string()],
        MatrixBy::Vpc => {
            let v = snap.vpc(ni.vpc);
            vec![named(&v.tags, v.id.as_str())]
        }
        MatrixBy::Subnet => vec![named(&sub.tags, sub.id.as_str())],
        MatrixBy::Tier => {
            let t = sub
                .tags
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("tier"))
                .map(|(_, v)| v.clone());
            vec![t.unwrap_or_else(|| {
                let n = name_tag(&sub.tags).unwrap_or_default().to_ascii_lowercase();
                ["public", "private", "data", "db", "database", "app", "web"]
                    .into_iter()
                    .find(|w| n.split(['-', '_', ' ']).any(|x| x == *w))
                    .unwrap_or("(no tier)")
                    .to_string()
            })]
        }
        MatrixBy::Tag(k) => {
            let inst = ni.instance.map(|i| &snap.instances[i.ix()].tags);
            let v = [Some(&ni.tags), inst, Some(&sub.tags)]
                .into_iter()
                .flatten()
                .find_map(|t| t.iter().find(|(tk, _)| tk == k).map(|(_, v)| v.clone()));
            vec![v.unwrap_or_else(|| format!("(no {k})"))]
        }
        MatrixBy::Sg => {
            let mut v: Vec<String> = ni
                .groups
                .iter()
                .map(|&g| {
                    let sg = snap.sg(g);
                    format!("{} ({})", sg.id, sg.group_name)
                })
                .collect();
            if v.is_empty() {
                v.push("(no security group)".into());
            }
            v
        }
    }
}

/// Cells under construction: (from, to, protocol) → destination ports (a set over `Dport`).
type Cells = FxHashMap<(String, String, u8), Set>;

/// The reachability matrix of a snapshot.
///
/// Interface to interface, the engine walks one pair of *atoms* rather than every pair of
/// addresses: an atom is the addresses of one endpoint class that lie in the same prefixes of
/// every route, network ACL entry, security-group rule, prefix list and listener condition
/// ([`Splitter`]). Every filter and route treats the members of an atom alike, so a walk
/// between one member of each answers for all of them, over ports only. Pairs are formed
/// through the VPC adjacency (same VPC, peering, transit-gateway routes), and a pair is skipped
/// when the security groups and network ACLs at both ends admit no port its cell does not
/// already hold ([`PairBounds`]).
/// Internet sources and destinations are answered over address sets, as `check` does.
/// [`matrix_by_sets`] answers the same question over address sets for every class pair: the
/// tests hold the two equal.
pub fn matrix(ck: &mut Checker<'_>, by: &MatrixBy) -> Result<Matrix, CheckError> {
    let snap = ck.snap;
    let split = Splitter::new(snap);
    // Atoms: (class, signature) → number; sides: (label, atom) → its members.
    let mut atom_of: FxHashMap<(usize, Vec<ipnet::IpNet>), usize> = FxHashMap::default();
    let mut atom_class: Vec<usize> = Vec::new();
    let mut sides: BTreeMap<(String, usize), Vec<Member>> = BTreeMap::new();
    let mut by_label: BTreeMap<String, FxHashSet<Member>> = BTreeMap::new();
    for (k, c) in ck.classes.iter().enumerate() {
        for m in &c.members {
            let base = snap
                .subnet_cidrs(c.subnet)
                .iter()
                .find(|n| n.contains(&m.addr))
                .map_or(0, ipnet::IpNet::prefix_len);
            let sig = split.signature(m.addr, base);
            let a = *atom_of.entry((k, sig)).or_insert_with(|| {
                atom_class.push(k);
                atom_class.len() - 1
            });
            for l in labels(snap, by, m.eni) {
                by_label.entry(l.clone()).or_default().insert(*m);
                sides.entry((l, a)).or_default().push(*m);
            }
        }
    }
    let sides: Vec<((String, usize), Vec<Member>)> = sides.into_iter().collect();
    // Destination sides by VPC, for the adjacency.
    let mut by_vpc: FxHashMap<VpcIx, Vec<usize>> = FxHashMap::default();
    for (i, ((_, a), _)) in sides.iter().enumerate() {
        by_vpc
            .entry(ck.classes[atom_class[*a]].vpc)
            .or_default()
            .push(i);
    }
    // Same atoms under several labels (security groups, tags): walk each pair once.
    let memo_pairs = matches!(by, MatrixBy::Sg | MatrixBy::Tag(_));
    let mut memo: FxHashMap<(usize, usize, u8), Set> = FxHashMap::default();
    let mut bounds = PairBounds::new(snap);
    let mut cells: Cells = FxHashMap::default();
    let mut pairs = 0usize;
    ck.current = "matrix".into();
    let total = sides.len();
    for (done, ((la, sa), smembers)) in sides.iter().enumerate() {
        ck.tick(done, total);
        let sc = &ck.classes[atom_class[*sa]];
        let (svpc, v4) = (sc.vpc, sc.v4);
        let near: Vec<usize> = std::iter::once(svpc)
            .chain(ck.adj.get(&svpc).into_iter().flatten().copied())
            .flat_map(|v| by_vpc.get(&v).into_iter().flatten().copied())
            .collect();
        for j in near {
            let ((lb, da), dmembers) = &sides[j];
            let dc = &ck.classes[atom_class[*da]];
            if dc.v4 != v4 {
                continue;
            }
            // Two members on different interfaces: an interface to itself is no connection.
            let Some((s, d)) = smembers
                .iter()
                .find_map(|s| dmembers.iter().find(|d| d.eni != s.eni).map(|d| (*s, *d)))
            else {
                continue;
            };
            let icmp = if v4 { Protocol::ICMP } else { Protocol::ICMPV6 };
            let peers = PairBounds::peers(snap, &s);
            for proto in [Protocol::TCP, Protocol::UDP, icmp] {
                let sp = &ck.sym.space;
                let ub = bounds.of(sp, snap, (&s, &d), &peers, proto)?;
                if sp.is_empty(&ub) {
                    continue;
                }
                let key = (la.clone(), lb.clone(), proto);
                if let Some(cell) = cells.get(&key)
                    && sp.is_empty(&sp.and(&ub, &sp.not(cell)?)?)
                {
                    continue;
                }
                let ports = match memo.get(&(*sa, *da, proto)) {
                    Some(p) => p.clone(),
                    None => {
                        let side = |a: IpAddr| Side {
                            rep: a,
                            addrs: Addrs::List(vec![a]),
                            v4,
                        };
                        let reach =
                            ck.sym
                                .reach(&side(s.addr), &side(d.addr), proto, (0, u16::MAX))?;
                        pairs += 1;
                        let sp = &ck.sym.space;
                        let p = reach.ports(sp)?;
                        if memo_pairs {
                            memo.insert((*sa, *da, proto), p.clone());
                        }
                        p
                    }
                };
                add_cell(&ck.sym.space, &mut cells, key, &ports)?;
            }
        }
    }
    // The internet: its atoms to the interfaces' public addresses, and interfaces to it.
    let (from_label, mut to_public) = label_sides(ck, &by_label)?;
    to_public.retain(|(_, s)| s.public);
    let inet = Members::internet_only(&ck.universe);
    let inet_src = ck.sides(&inet, false)?;
    let inet_dst = ck.sides(&inet, true)?;
    let mut set_pairs: Vec<(&str, &SideInfo, &str, &SideInfo)> = Vec::new();
    for (l, s) in &from_label {
        for d in &inet_dst {
            set_pairs.push((l, s, "internet", d));
        }
    }
    for s in &inet_src {
        for (l, d) in &to_public {
            set_pairs.push(("internet", s, l, d));
        }
    }
    for (la, s, lb, d) in set_pairs {
        if !ck.may_connect(s, d) {
            continue;
        }
        pairs += walk_sets(ck, &mut cells, la, s, lb, d)?;
    }
    let mut groups: Vec<String> = by_label.keys().cloned().collect();
    groups.push("internet".into());
    finish(ck, by, groups, cells, pairs)
}

/// Upper bounds, from security groups alone, of the destination ports one connection between
/// two interface addresses can use: the client's outbound rules toward the server's address and
/// the server's inbound rules from any address it may see as the source. That is the client's
/// own addresses, or (behind a NAT gateway, a load balancer, an endpoint or another managed
/// interface) one of theirs: every address of such interfaces counts. Interfaces without
/// groups and load balancers (their listeners decide) are unbounded. A pair whose bound is
/// empty needs no walk; one whose bound its cell already holds adds nothing.
struct PairBounds {
    /// Addresses of managed interfaces and NAT gateways, sorted: what a server may see.
    seen: Vec<IpAddr>,
    /// Keys ([`pinhole_model::SgHot::key`]) of the groups on those interfaces.
    seen_groups: FxHashSet<u32>,
    /// Port sets already built, by protocol kind and ranges.
    sets: FxHashMap<(bool, Vec<(u16, u16)>), Set>,
}

/// Port ranges, or `None` for every port.
type Ranges = Option<Vec<(u16, u16)>>;

impl PairBounds {
    fn new(snap: &Snapshot) -> Self {
        let mut seen = Vec::new();
        let mut seen_groups = FxHashSet::default();
        for (i, ni) in snap.enis.iter().enumerate() {
            let e = EniIx(i as u32);
            let managed = !matches!(
                snap.eni_hot(e).kind,
                EniKindTag::Instance | EniKindTag::Lambda | EniKindTag::Rds
            ) || snap.index.lb_of_eni.contains_key(&e);
            if managed {
                seen.extend(ni.private_ips.iter().map(|p| p.addr));
                seen.extend(
                    ni.private_ips
                        .iter()
                        .filter_map(|p| p.public.map(IpAddr::V4)),
                );
                seen.extend(ni.ipv6.iter().copied());
                seen_groups.extend(snap.eni_groups(e).iter().map(|(_, g)| g.key));
            }
        }
        for n in &snap.nat_gateways {
            seen.extend(n.private_ips.iter().copied());
            seen.extend(n.public_ips.iter().map(|&a| IpAddr::V4(a)));
        }
        seen.sort_unstable();
        seen.dedup();
        Self {
            seen,
            seen_groups,
            sets: FxHashMap::default(),
        }
    }

    /// Whether any address a server may see lies in `net`.
    fn seen_in(&self, net: &ipnet::IpNet) -> bool {
        let k = self.seen.partition_point(|a| *a < net.network());
        self.seen.get(k).is_some_and(|a| net.contains(a))
    }

    /// The ports the groups of every interface at `at` admit in one direction (`inbound`) to
    /// or from `peers` (and, inbound, from any address a server may see).
    fn ranges(
        &self,
        snap: &Snapshot,
        at: IpAddr,
        inbound: bool,
        proto: u8,
        peers: &[IpAddr],
    ) -> Ranges {
        let ported = proto == Protocol::TCP || proto == Protocol::UDP;
        let all = if ported { (0, u16::MAX) } else { (0, 0) };
        let mut out = Vec::new();
        let enis = snap.enis_at(at);
        if enis.is_empty() {
            return None;
        }
        // NAT gateways and transit gateway attachments accept no connection.
        let closed = |e: &EniIx| {
            matches!(
                snap.eni_hot(*e).kind,
                EniKindTag::NatGateway | EniKindTag::TransitGateway
            )
        };
        if inbound && enis.iter().all(closed) {
            return Some(out);
        }
        for &e in enis {
            if snap.eni_hot(e).kind == EniKindTag::LoadBalancer
                || snap.index.lb_of_eni.contains_key(&e)
                || snap.eni_groups(e).is_empty()
            {
                return None;
            }
            for (_, g) in snap.eni_groups(e) {
                for r in snap.sg_rules_hot(g, inbound) {
                    if !r.protocol.matches(proto) {
                        continue;
                    }
                    let in_net = |n: &ipnet::IpNet| {
                        peers.iter().any(|p| n.contains(p)) || (inbound && self.seen_in(n))
                    };
                    let hit = match r.peer {
                        SgPeerHot::Cidr(n) => in_net(&n),
                        SgPeerHot::PrefixList(Some(pl)) => {
                            snap.prefix_lists[pl.ix()].cidrs.iter().any(in_net)
                        }
                        SgPeerHot::PrefixList(None) => false,
                        SgPeerHot::Group(key) => {
                            (inbound && self.seen_groups.contains(&key))
                                || peers.iter().any(|&p| {
                                    snap.enis_at(p).iter().any(|&o| {
                                        snap.eni_groups(o).iter().any(|(_, g)| g.key == key)
                                    })
                                })
                        }
                    };
                    if hit {
                        out.push(match (ported, r.protocol, r.ports) {
                            (true, Protocol::Num(6 | 17), Some(lh)) => lh,
                            _ => all,
                        });
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// The addresses a server may see for client `s` besides translated ones: every address
    /// of its interface, public ones included.
    fn peers(snap: &Snapshot, s: &Member) -> Vec<IpAddr> {
        let mut peers = eni_addrs(snap, s.eni);
        let public = snap.eni(s.eni).private_ips.iter();
        peers.extend(public.filter_map(|p| p.public.map(IpAddr::V4)));
        peers
    }

    /// The bound (a set over [`Field::Dport`]) of a connection from `s` to `d`; `peers` is
    /// [`PairBounds::peers`] of `s`.
    fn of(
        &mut self,
        sp: &Bdds,
        snap: &Snapshot,
        (s, d): (&Member, &Member),
        peers: &[IpAddr],
        proto: u8,
    ) -> SpaceResult<Set> {
        let ported = proto == Protocol::TCP || proto == Protocol::UDP;
        let out = self.ranges(snap, s.addr, false, proto, &[d.addr]);
        if out.as_ref().is_some_and(Vec::is_empty) {
            return Ok(sp.empty());
        }
        let inn = self.ranges(snap, d.addr, true, proto, peers);
        if inn.as_ref().is_some_and(Vec::is_empty) {
            return Ok(sp.empty());
        }
        // Network ACLs where the connection leaves the client's subnet and enters the
        // server's (none inside one subnet).
        let (mut nout, mut ninn): (Ranges, Ranges) = (None, None);
        let (ss, ds) = (snap.eni_hot(s.eni).subnet, snap.eni_hot(d.eni).subnet);
        if ss != ds && snap.enis_at(s.addr).len() == 1 && snap.enis_at(d.addr).len() == 1 {
            nout = self.acl(snap.subnet_acl_entries(ss, true), proto, &[d.addr], false);
            ninn = self.acl(snap.subnet_acl_entries(ds, false), proto, peers, true);
            if [&nout, &ninn]
                .iter()
                .any(|r| r.as_ref().is_some_and(Vec::is_empty))
            {
                return Ok(sp.empty());
            }
        }
        let mut acc = self.set(sp, ported, out)?;
        for r in [inn, nout, ninn] {
            if r.is_some() {
                acc = sp.and(&acc, &self.set(sp, ported, r)?)?;
            }
        }
        Ok(acc)
    }

    /// The destination ports one direction of a network ACL can pass for packets whose
    /// address (the peer) is one of `peers`, first match in rule order; with `translated`,
    /// also any port an allow entry holding an address a server may see passes (its denies
    /// are not applied: they may not match). `None` when the subnet has no ACL in the
    /// snapshot.
    fn acl(
        &self,
        entries: &[pinhole_model::AclEntry],
        proto: u8,
        peers: &[IpAddr],
        translated: bool,
    ) -> Ranges {
        if entries.is_empty() {
            return None;
        }
        let ported = proto == Protocol::TCP || proto == Protocol::UDP;
        let all = if ported { (0, u16::MAX) } else { (0, 0) };
        let span = |e: &pinhole_model::AclEntry| match (ported, e.protocol, e.ports) {
            (true, Protocol::Num(6 | 17), Some(r)) => r,
            _ => all,
        };
        let mut allowed: Vec<(u16, u16)> = Vec::new();
        for &peer in peers {
            let mut open = vec![all];
            for e in entries {
                if open.is_empty() {
                    break;
                }
                if !e.protocol.matches(proto) || !e.cidr.contains(&peer) {
                    continue;
                }
                let (lo, hi) = span(e);
                if e.action == RuleAction::Allow {
                    allowed.extend(open.iter().filter_map(|&(a, b)| {
                        (a.max(lo) <= b.min(hi)).then_some((a.max(lo), b.min(hi)))
                    }));
                }
                // An ICMP entry with a type or code may not match this packet: it decides
                // nothing for the bound beyond what it allows.
                if e.icmp.is_none() || ported {
                    open = cut(&open, lo, hi);
                }
            }
        }
        if translated {
            for e in entries {
                if e.action == RuleAction::Allow
                    && e.protocol.matches(proto)
                    && self.seen_in(&e.cidr)
                {
                    allowed.push(span(e));
                }
            }
        }
        allowed.sort_unstable();
        allowed.dedup();
        Some(allowed)
    }

    fn set(&mut self, sp: &Bdds, ported: bool, r: Ranges) -> SpaceResult<Set> {
        let r = r.unwrap_or_else(|| vec![if ported { (0, u16::MAX) } else { (0, 0) }]);
        let key = (ported, r);
        if let Some(s) = self.sets.get(&key) {
            return Ok(s.clone());
        }
        let mut acc = sp.empty();
        for &(lo, hi) in &key.1 {
            acc = sp.or(&acc, &sp.range(Field::Dport, lo, hi)?)?;
        }
        self.sets.insert(key, acc.clone());
        Ok(acc)
    }
}

/// `ranges` without `lo..=hi`.
fn cut(ranges: &[(u16, u16)], lo: u16, hi: u16) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    for &(a, b) in ranges {
        if hi < a || b < lo {
            out.push((a, b));
            continue;
        }
        if a < lo {
            out.push((a, lo - 1));
        }
        if hi < b {
            out.push((hi + 1, b));
        }
    }
    out
}

fn add_cell(
    sp: &Bdds,
    cells: &mut Cells,
    key: (String, String, u8),
    ports: &Set,
) -> SpaceResult<()> {
    if sp.is_empty(ports) {
        return Ok(());
    }
    let slot = cells.entry(key).or_insert_with(|| sp.empty());
    *slot = sp.or(slot, ports)?;
    Ok(())
}

/// One side pair over address sets (every protocol): the walks it took.
fn walk_sets(
    ck: &mut Checker<'_>,
    cells: &mut Cells,
    la: &str,
    s: &SideInfo,
    lb: &str,
    d: &SideInfo,
) -> Result<usize, CheckError> {
    if same_single(s, d) {
        return Ok(0);
    }
    // An address to itself is not a connection.
    let diag = ck.diagonal(s, d)?;
    let v4 = s.side.v4;
    let icmp = if v4 { Protocol::ICMP } else { Protocol::ICMPV6 };
    let mut walked = 0;
    for proto in [Protocol::TCP, Protocol::UDP, icmp] {
        let reach = ck.sym.reach(&s.side, &d.side, proto, (0, u16::MAX))?;
        walked += 1;
        let sp = &ck.sym.space;
        let some = sp.and(&reach.some(sp)?, &sp.not(&diag)?)?;
        let ports = sp.exists(&some, &[Field::Src, Field::Dst])?;
        add_cell(sp, cells, (la.to_string(), lb.to_string(), proto), &ports)?;
    }
    Ok(walked)
}

/// The matrix over address sets, every endpoint-class pair walked: quadratic in classes. The
/// reference [`matrix`] is tested against.
#[doc(hidden)]
pub fn matrix_by_sets(ck: &mut Checker<'_>, by: &MatrixBy) -> Result<Matrix, CheckError> {
    let snap = ck.snap;
    // Members by label.
    let mut by_label: BTreeMap<String, FxHashSet<Member>> = BTreeMap::new();
    for c in &ck.classes {
        for m in &c.members {
            for l in labels(snap, by, m.eni) {
                by_label.entry(l).or_default().insert(*m);
            }
        }
    }
    let (mut sides, mut dsts) = label_sides(ck, &by_label)?;
    let inet = Members::internet_only(&ck.universe);
    for s in ck.sides(&inet, false)? {
        sides.push(("internet".into(), s));
    }
    for s in ck.sides(&inet, true)? {
        dsts.push(("internet".into(), s));
    }
    let mut cells: Cells = FxHashMap::default();
    let mut pairs = 0usize;
    for (la, s) in &sides {
        for (lb, d) in &dsts {
            // Interfaces meet at their private addresses; public addresses are the internet's
            // way in (a path out to the internet and back in is `check`'s business).
            if !ck.may_connect(s, d) || (d.public && !s.internet) {
                continue;
            }
            pairs += walk_sets(ck, &mut cells, la, s, lb, d)?;
        }
    }
    let mut groups: Vec<String> = by_label.keys().cloned().collect();
    groups.push("internet".into());
    finish(ck, by, groups, cells, pairs)
}

/// Sides with the label they stand for.
type LabelSides = Vec<(String, SideInfo)>;

/// Each label's members as source sides and as destination sides.
fn label_sides(
    ck: &mut Checker<'_>,
    by_label: &BTreeMap<String, FxHashSet<Member>>,
) -> SpaceResult<(LabelSides, LabelSides)> {
    let (mut from, mut to) = (Vec::new(), Vec::new());
    for (l, set) in by_label {
        let m = Members::of(&ck.universe, set.iter().copied());
        from.extend(ck.sides(&m, false)?.into_iter().map(|s| (l.clone(), s)));
        to.extend(ck.sides(&m, true)?.into_iter().map(|s| (l.clone(), s)));
    }
    Ok((from, to))
}

fn finish(
    ck: &Checker<'_>,
    by: &MatrixBy,
    groups: Vec<String>,
    cells: Cells,
    pairs: usize,
) -> Result<Matrix, CheckError> {
    let mut out: BTreeMap<(String, String), Cell> = BTreeMap::new();
    let sp = &ck.sym.space;
    let mut keys: Vec<&(String, String, u8)> = cells.keys().collect();
    keys.sort();
    for k in keys {
        let Some(set) = cells.get(k) else { continue };
        let cell = out
            .entry((k.0.clone(), k.1.clone()))
            .or_insert_with(|| Cell {
                from: k.0.clone(),
                to: k.1.clone(),
                tcp: String::new(),
                udp: String::new(),
                icmp: false,
            });
        match k.2 {
            6 => cell.tcp = port_ranges(sp, set)?,
            17 => cell.udp = port_ranges(sp, set)?,
            _ => cell.icmp = true,
        }
    }
    Ok(Matrix {
        by: match by {
            MatrixBy::Account => "account".into(),
            MatrixBy::Vpc => "vpc".into(),
            MatrixBy::Subnet => "subnet".into(),
            MatrixBy::Tier => "tier".into(),
            MatrixBy::Sg => "sg".into(),
            MatrixBy::Tag(k) => format!("tag:{k}"),
        },
        groups,
        cells: out.into_values().collect(),
        class_pairs: pairs,
    })
}

/// Both sides are the same single address: nothing to connect.
fn same_single(s: &SideInfo, d: &SideInfo) -> bool {
    matches!((&s.side.addrs, &d.side.addrs), (Addrs::List(a), Addrs::List(b)) if a.len() == 1 && a == b)
}
