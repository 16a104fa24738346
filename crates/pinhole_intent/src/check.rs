//! `check`: every intent proved over every packet, or a counterexample replayed through the
//! concrete engine.

use crate::parse::{Egress, Flow, Intent, IntentFile, Kind, Selector, Services};
use crate::select::{Members, Net, Selecting, Universe};
use ipnet::IpNet;
use pinhole_engine::space::{Bdds, Field, Point, Space, SpaceResult};
use pinhole_engine::symbolic::{
    Addrs, Class, Member, Reach, Set, Side, Symbolic, classes, host, internet_route_prefixes,
};
use pinhole_engine::{Options, Question, Trace, Verdict};
use pinhole_model::{Protocol, Snapshot, TgwRouteTarget, VpcIx};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::net::IpAddr;

/// The outcome of one intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Holds,
    Violated,
    /// Some pairs could not be decided (an unmodelled resource); none violated it.
    Unknown,
}

/// A concrete packet of a finding, replayed through the concrete engine.
#[derive(Clone, Debug, Serialize)]
pub struct Witness {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub protocol: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The concrete engine's verdict agrees with the symbolic claim.
    pub replayed: bool,
    pub trace: Trace,
}

/// Traffic that violates an intent, summarised.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// `reachable` (should not be) or `not reachable` (should be, for every client port).
    pub problem: &'static str,
    pub protocol: String,
    pub sources: Vec<String>,
    pub destinations: Vec<String>,
    pub ports: String,
    /// Interface address pairs affected (internet addresses not counted).
    pub endpoint_pairs: u64,
    pub witness: Option<Witness>,
}

#[derive(Clone, Debug, Serialize)]
pub struct IntentResult {
    pub name: String,
    pub kind: &'static str,
    pub status: Status,
    pub statement: String,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Endpoint class pairs the engine walked.
    pub class_pairs: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub intents: Vec<IntentResult>,
}

impl Report {
    pub fn violated(&self) -> bool {
        self.intents.iter().any(|i| i.status == Status::Violated)
    }
}

/// An error of the engine itself (its decision diagrams outgrew their room).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CheckError(pub String);

impl From<pinhole_engine::space::SpaceFull> for CheckError {
    fn from(e: pinhole_engine::space::SpaceFull) -> Self {
        Self(e.to_string())
    }
}

/// A side of a pair, with what the pre-filter needs.
#[derive(Clone, Debug)]
pub(crate) struct SideInfo {
    pub side: Side,
    pub class: Option<usize>,
    pub vpc: Option<VpcIx>,
    /// The side is a public address of an interface (reached through the internet).
    pub public: bool,
    pub internet: bool,
}

/// Told (intent name, side pairs done, side pairs in all).
pub type Progress<'s> = Box<dyn FnMut(&str, usize, usize) + 's>;

/// The engine state for one snapshot.
pub struct Checker<'s> {
    pub snap: &'s Snapshot,
    pub sym: Symbolic<'s>,
    pub classes: Vec<Class>,
    pub universe: std::rc::Rc<Universe>,
    /// Each class's members as universe numbers.
    class_ids: Vec<Vec<usize>>,
    pub(crate) links: FxHashSet<(VpcIx, VpcIx)>,
    /// VPC → the VPCs it may reach privately.
    pub(crate) adj: FxHashMap<VpcIx, Vec<VpcIx>>,
    v6: bool,
    /// Route prefixes reaching into internet space (IPv4, IPv6): they split the internet into
    /// atoms every route table treats alike.
    inet_routes: [Vec<IpNet>; 2],
    /// Told (intent name, side pairs done, side pairs in all) as the work goes, for a
    /// progress bar.
    pub progress: Option<Progress<'s>>,
    pub(crate) current: String,
}

fn protos(s: &Services, v4: bool) -> Vec<u8> {
    let mut v = Vec::new();
    if !s.tcp.is_empty() {
        v.push(Protocol::TCP);
    }
    if !s.udp.is_empty() {
        v.push(Protocol::UDP);
    }
    if s.icmp {
        v.push(if v4 { Protocol::ICMP } else { Protocol::ICMPV6 });
    }
    v
}

/// VPC pairs between which a private path can exist: peering, or a transit gateway whose
/// route table for the first routes to the second's attachment.
fn vpc_links(snap: &Snapshot) -> FxHashSet<(VpcIx, VpcIx)> {
    let mut links = FxHashSet::default();
    for p in &snap.peerings {
        if let (Some(a), Some(b)) = (p.requester.vpc, p.accepter.vpc) {
            links.insert((a, b));
            links.insert((b, a));
        }
    }
    for a in &snap.tgw_attachments {
        let (Some(src), Some(rt)) = (a.vpc, a.association) else {
            continue;
        };
        for r in &snap.tgw_route_tables[rt.ix()].routes {
            if let TgwRouteTarget::Attachments(list) = &r.target {
                for t in list {
                    if let Some(dst) = snap.tgw_attachments[t.ix()].vpc {
                        links.insert((src, dst));
                    }
                }
            }
        }
    }
    links
}

impl<'s> Checker<'s> {
    pub fn new(snap: &'s Snapshot, opts: Options) -> Result<Self, CheckError> {
        let classes = classes(snap);
        let v6 = classes.iter().any(|c| !c.v4);
        let universe = std::rc::Rc::new(Universe::new(snap));
        let class_ids = classes
            .iter()
            .map(|c| c.members.iter().filter_map(|m| universe.id(m)).collect())
            .collect();
        let links = vpc_links(snap);
        let mut adj: FxHashMap<VpcIx, Vec<VpcIx>> = FxHashMap::default();
        for &(a, b) in &links {
            if a != b {
                adj.entry(a).or_default().push(b);
            }
        }
        for v in adj.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        Ok(Self {
            snap,
            sym: Symbolic::new(snap, opts)?,
            classes,
            universe,
            class_ids,
            links,
            adj,
            v6,
            inet_routes: [
                internet_route_prefixes(snap, true),
                internet_route_prefixes(snap, false),
            ],
            progress: None,
            current: String::new(),
        })
    }

    pub fn space(&self) -> &Bdds {
        &self.sym.space
    }

    /// The sides a group holds: one per endpoint class it meets, one per internet atom, and
    /// (as destinations) one per public address of its interfaces.
    pub(crate) fn sides(&mut self, m: &Members, as_dst: bool) -> SpaceResult<Vec<SideInfo>> {
        let snap = self.snap;
        let mut out = Vec::new();
        for (k, c) in self.classes.iter().enumerate() {
            let ids = &self.class_ids[k];
            let addrs: Vec<IpAddr> = ids
                .iter()
                .filter(|&&i| m.has(i))
                .map(|&i| self.universe.members[i].addr)
                .collect();
            let Some(&rep) = addrs.first() else { continue };
            out.push(SideInfo {
                side: Side {
                    rep,
                    addrs: Addrs::List(addrs),
                    v4: c.v4,
                },
                class: Some(k),
                vpc: Some(c.vpc),
                public: false,
                internet: false,
            });
            if as_dst && c.public {
                for x in ids
                    .iter()
                    .filter(|&&i| m.has(i))
                    .map(|&i| &self.universe.members[i])
                {
                    if let Some(p) = snap.eni(x.eni).public_for(x.addr) {
                        let p = IpAddr::V4(p);
                        out.push(SideInfo {
                            side: Side {
                                rep: p,
                                addrs: Addrs::List(vec![p]),
                                v4: true,
                            },
                            class: Some(k),
                            vpc: Some(c.vpc),
                            public: true,
                            internet: false,
                        });
                    }
                }
            }
        }
        if let Some(net) = &m.internet {
            for v4 in [true, false] {
                if !v4 && !self.v6 {
                    continue;
                }
                let routes = &self.inet_routes[usize::from(!v4)];
                for (within, except) in internet_atoms(routes, net, v4) {
                    let addrs = Addrs::Internet { within, except };
                    // The atom's own member: its routes are the atom's.
                    let Some(rep) = self.sym.member_of(&addrs, v4)? else {
                        continue;
                    };
                    out.push(SideInfo {
                        side: Side { rep, addrs, v4 },
                        class: None,
                        vpc: None,
                        public: false,
                        internet: true,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Whether a pair needs a walk at all: otherwise no packet of it can be delivered.
    pub(crate) fn may_connect(&self, s: &SideInfo, d: &SideInfo) -> bool {
        if s.side.v4 != d.side.v4 || (s.internet && d.internet) {
            return false;
        }
        if s.internet {
            return d.public;
        }
        if d.internet || d.public {
            return true;
        }
        match (s.vpc, d.vpc) {
            (Some(a), Some(b)) => a == b || self.links.contains(&(a, b)),
            _ => true,
        }
    }

    /// Report progress every 256 side pairs.
    pub(crate) fn tick(&mut self, done: usize, total: usize) {
        if done % 256 == 0 {
            if let Some(p) = &mut self.progress {
                p(&self.current, done, total);
            }
        }
    }

    /// Split a class side into one side per member (when its public addresses show).
    pub(crate) fn per_member(&self, s: &SideInfo) -> Vec<SideInfo> {
        match &s.side.addrs {
            Addrs::List(l) if l.len() > 1 => l
                .iter()
                .map(|&a| {
                    let mut x = s.clone();
                    x.side.rep = a;
                    x.side.addrs = Addrs::List(vec![a]);
                    x
                })
                .collect(),
            _ => vec![s.clone()],
        }
    }

    /// The set of (src, dst) pairs that are the same interface address: not connections.
    pub(crate) fn diagonal(&self, s: &SideInfo, d: &SideInfo) -> SpaceResult<Set> {
        let sp = &self.sym.space;
        let mut acc = sp.empty();
        if s.class.is_none() || s.class != d.class || s.public || d.public {
            return Ok(acc);
        }
        if let (Addrs::List(a), Addrs::List(b)) = (&s.side.addrs, &d.side.addrs) {
            let bs: FxHashSet<&IpAddr> = b.iter().collect();
            for x in a.iter().filter(|x| bs.contains(x)) {
                let n = host(*x);
                let p = sp.and(&sp.prefix(Field::Src, &n)?, &sp.prefix(Field::Dst, &n)?)?;
                acc = sp.or(&acc, &p)?;
            }
        }
        Ok(acc)
    }

    /// The destination-port set of `services` for `proto`.
    fn port_set(&self, s: &Services, proto: u8) -> SpaceResult<Set> {
        let sp = &self.sym.space;
        let mut acc = sp.empty();
        for (lo, hi) in s.ranges(proto) {
            acc = sp.or(&acc, &sp.range(Field::Dport, lo, hi)?)?;
        }
        Ok(acc)
    }

    /// Addresses of a group over a field, for exceptions.
    fn members_set(&mut self, m: &Members, field: Field, v4: bool) -> SpaceResult<Set> {
        let nets: Vec<Member> = m.sorted(&self.universe);
        let list: Vec<IpAddr> = nets
            .iter()
            .map(|x| x.addr)
            .filter(|a| a.is_ipv4() == v4)
            .collect();
        let mut s = self.sym.addrs_set(field, &Addrs::List(list), v4)?;
        // Public addresses of the members count as theirs.
        let pubs: Vec<IpAddr> = nets
            .iter()
            .filter_map(|x| self.snap.eni(x.eni).public_for(x.addr).map(IpAddr::V4))
            .filter(|a| a.is_ipv4() == v4)
            .collect();
        if !pubs.is_empty() {
            let p = self.sym.addrs_set(field, &Addrs::List(pubs), v4)?;
            s = self.sym.space.or(&s, &p)?;
        }
        if let Some(net) = &m.internet {
            let i = self.sym.addrs_set(
                field,
                &Addrs::Internet {
                    within: net
                        .within
                        .iter()
                        .filter(|n| n.addr().is_ipv4() == v4)
                        .copied()
                        .collect(),
                    except: net.except.clone(),
                },
                v4,
            )?;
            s = self.sym.space.or(&s, &i)?;
        }
        Ok(s)
    }

    /// Run every intent of `file`.
    pub fn check(&mut self, file: &IntentFile) -> Result<Report, CheckError> {
        let mut out = Vec::new();
        for i in &file.intents {
            self.current.clone_from(&i.name);
            out.push(self.check_one(file, i)?);
            self.sym.flush();
        }
        Ok(Report { intents: out })
    }

    fn check_one(&mut self, file: &IntentFile, i: &Intent) -> Result<IntentResult, CheckError> {
        let universe = std::rc::Rc::clone(&self.universe);
        let sel = Selecting {
            snap: self.snap,
            file,
            universe: &universe,
            memo: Default::default(),
        };
        self.check_with(&sel, i)
    }

    fn check_with(&mut self, sel: &Selecting<'_>, i: &Intent) -> Result<IntentResult, CheckError> {
        let mut acc = Acc::default();
        let (kind, statement) = match &i.kind {
            Kind::Deny { flow, except } => {
                let ex: Vec<(Members, Members, Services)> = except
                    .iter()
                    .map(|e| (sel.eval(&e.from), sel.eval(&e.to), e.services.clone()))
                    .collect();
                self.deny(sel, flow, &ex, &Keep::All, &mut acc)?;
                (
                    "deny",
                    format!(
                        "no connection from {} to {} on {}{}",
                        show(&flow.from),
                        show(&flow.to),
                        flow.services,
                        if except.is_empty() {
                            String::new()
                        } else {
                            format!(", except {} pinhole(s)", except.len())
                        }
                    ),
                )
            }
            Kind::Require(flow) => {
                self.require(sel, flow, &mut acc)?;
                (
                    "require",
                    format!(
                        "every member of {} reaches every member of {} on {}",
                        show(&flow.from),
                        show(&flow.to),
                        flow.services
                    ),
                )
            }
            Kind::Only(flow) => {
                let rest = Flow {
                    from: flow.from.clone(),
                    to: flow.to.clone(),
                    services: flow.services.complement(),
                };
                if !rest.services.is_empty() {
                    self.deny(sel, &rest, &[], &Keep::All, &mut acc)?;
                }
                self.require(sel, flow, &mut acc)?;
                (
                    "only",
                    format!(
                        "{} reaches {} on {} and nothing else",
                        show(&flow.from),
                        show(&flow.to),
                        flow.services
                    ),
                )
            }
            Kind::Egress { from, policy } => {
                let to = Selector {
                    terms: vec![crate::parse::Term::Internet],
                    minus: None,
                    pos: i.pos,
                };
                let flow = Flow {
                    from: from.clone(),
                    to,
                    services: Services::any(),
                };
                let (keep, what) = match policy {
                    Egress::None => (Keep::All, "reaches no internet address".to_string()),
                    Egress::Via { nats, proxies } => {
                        let mut how: Vec<String> = nats.clone();
                        how.extend(proxies.iter().map(|p| format!("proxy group {p}")));
                        (
                            Keep::NotVia(nats.clone()),
                            format!("reaches the internet only through {}", how.join(", ")),
                        )
                    }
                };
                self.deny(sel, &flow, &[], &keep, &mut acc)?;
                ("egress", format!("{} {what}", show(from)))
            }
        };
        let status = if !acc.findings.is_empty() {
            Status::Violated
        } else if !acc.unknown.is_empty() {
            Status::Unknown
        } else {
            Status::Holds
        };
        let mut notes: Vec<String> = acc.unknown.into_iter().collect();
        notes.sort();
        notes.extend(acc.notes);
        let mut findings = acc.findings;
        findings.sort_by(|a, b| {
            (a.problem, &a.protocol, &a.sources, &a.destinations).cmp(&(
                b.problem,
                &b.protocol,
                &b.sources,
                &b.destinations,
            ))
        });
        Ok(IntentResult {
            name: i.name.clone(),
            kind,
            status,
            statement,
            findings,
            notes,
            class_pairs: acc.pairs,
        })
    }

    /// The side pairs of two groups that need a walk (all of them unless `prune`).
    fn pairs(
        &mut self,
        from: &Members,
        to: &Members,
        prune: bool,
    ) -> SpaceResult<Vec<(SideInfo, SideInfo)>> {
        let srcs = self.sides(from, false)?;
        let dsts = self.sides(to, true)?;
        let mut by_vpc: FxHashMap<VpcIx, Vec<usize>> = FxHashMap::default();
        let mut open: Vec<usize> = Vec::new();
        for (j, d) in dsts.iter().enumerate() {
            match d.vpc {
                Some(v) if !d.public && !d.internet => by_vpc.entry(v).or_default().push(j),
                _ => open.push(j),
            }
        }
        let mut out = Vec::new();
        for s in &srcs {
            let cands: Vec<usize> = if !prune {
                (0..dsts.len()).collect()
            } else if s.internet || s.vpc.is_none() {
                open.clone()
            } else {
                let mut c = open.clone();
                if let Some(v) = s.vpc {
                    c.extend(by_vpc.get(&v).into_iter().flatten());
                    for w in self.adj.get(&v).into_iter().flatten() {
                        c.extend(by_vpc.get(w).into_iter().flatten());
                    }
                }
                c.sort_unstable();
                c
            };
            let mut split: Option<Vec<SideInfo>> = None;
            for j in cands {
                let d = &dsts[j];
                if s.side.v4 != d.side.v4 || (s.internet && d.internet) {
                    continue;
                }
                if prune && !self.may_connect(s, d) {
                    continue;
                }
                if d.public && !s.internet && s.class.is_some_and(|k| self.classes[k].public) {
                    for x in split.get_or_insert_with(|| self.per_member(s)) {
                        out.push((x.clone(), d.clone()));
                    }
                    continue;
                }
                out.push((s.clone(), d.clone()));
            }
        }
        Ok(out)
    }

    fn deny(
        &mut self,
        sel: &Selecting<'_>,
        flow: &Flow,
        except: &[(Members, Members, Services)],
        keep: &Keep,
        acc: &mut Acc,
    ) -> Result<(), CheckError> {
        let from = sel.eval(&flow.from);
        let to = sel.eval(&flow.to);
        let pairs = self.pairs(&from, &to, true)?;
        let total = pairs.len();
        // Exceptions as sets, per family and protocol.
        let mut ex_sets: FxHashMap<(bool, u8), Set> = FxHashMap::default();
        let mut found: Found = FxHashMap::default();
        for (n, (s, d)) in pairs.into_iter().enumerate() {
            self.tick(n, total);
            let v4 = s.side.v4;
            for proto in protos(&flow.services, v4) {
                if let std::collections::hash_map::Entry::Vacant(slot) = ex_sets.entry((v4, proto))
                {
                    let mut e = self.sym.space.empty();
                    for (ef, et, es) in except {
                        if es.ranges(proto).is_empty() {
                            continue;
                        }
                        let a = self.members_set(ef, Field::Src, v4)?;
                        let b = self.members_set(et, Field::Dst, v4)?;
                        let p = self.port_set(es, proto)?;
                        let sp = &self.sym.space;
                        let x = sp.and(&sp.and(&a, &b)?, &p)?;
                        e = sp.or(&e, &x)?;
                    }
                    slot.insert(e);
                }
                let ranges = flow.services.ranges(proto);
                let lo = ranges.iter().map(|r| r.0).min().unwrap_or(0);
                let hi = ranges.iter().map(|r| r.1).max().unwrap_or(0);
                let reach = match keep {
                    Keep::All => self.sym.reach(&s.side, &d.side, proto, (lo, hi))?,
                    Keep::NotVia(nats) => {
                        self.sym
                            .reach_where(&s.side, &d.side, proto, (lo, hi), &|via| {
                                !via_allowed(via, nats)
                            })?
                    }
                };
                acc.pairs += 1;
                note_stops(&reach, acc);
                let sp = &self.sym.space;
                let some = reach.some(sp)?;
                if sp.is_empty(&some) {
                    continue;
                }
                let ports = self.port_set(&flow.services, proto)?;
                let sp = &self.sym.space;
                let mut v = sp.and(&some, &ports)?;
                if let Some(e) = ex_sets.get(&(v4, proto)) {
                    v = sp.and(&v, &sp.not(e)?)?;
                }
                let diag = self.diagonal(&s, &d)?;
                let sp = &self.sym.space;
                v = sp.and(&v, &sp.not(&diag)?)?;
                record(sp, &mut found, (v4, proto), &v, &s, &d)?;
            }
        }
        self.findings("reachable", found, acc)
    }

    fn require(
        &mut self,
        sel: &Selecting<'_>,
        flow: &Flow,
        acc: &mut Acc,
    ) -> Result<(), CheckError> {
        let from = sel.eval(&flow.from);
        let to = sel.eval(&flow.to);
        if from.is_empty() || to.is_empty() {
            acc.notes.push(format!(
                "the `{}` side selects nothing in this snapshot",
                if from.is_empty() { "from" } else { "to" }
            ));
        }
        let pairs = self.pairs(&from, &to, false)?;
        let total = pairs.len();
        let mut found: Found = FxHashMap::default();
        for (n, (s, d)) in pairs.into_iter().enumerate() {
            self.tick(n, total);
            // The internet is required to reach interfaces at their public addresses; internet
            // destinations are not endpoints to require one by one.
            if d.internet {
                let n = "require: internet destinations are not required address by address (use deny or egress)";
                if !acc.notes.iter().any(|x| x == n) {
                    acc.notes.push(n.into());
                }
                continue;
            }
            if s.internet && !d.public {
                continue;
            }
            let v4 = s.side.v4;
            for proto in protos(&flow.services, v4) {
                let ranges = flow.services.ranges(proto);
                let lo = ranges.iter().map(|r| r.0).min().unwrap_or(0);
                let hi = ranges.iter().map(|r| r.1).max().unwrap_or(0);
                let reach = if self.may_connect(&s, &d) {
                    Some(self.sym.reach(&s.side, &d.side, proto, (lo, hi))?)
                } else {
                    None
                };
                acc.pairs += 1;
                let ports = self.port_set(&flow.services, proto)?;
                let diag = self.diagonal(&s, &d)?;
                let scope_all = {
                    let a = self.sym.addrs_set(Field::Src, &s.side.addrs, v4)?;
                    let b = self.sym.addrs_set(Field::Dst, &d.side.addrs, v4)?;
                    let sp = &self.sym.space;
                    sp.and(&sp.and(&a, &b)?, &ports)?
                };
                let sp2 = &self.sym.space;
                let ok = match &reach {
                    Some(r) => {
                        note_stops(r, acc);
                        r.all(sp2)?
                    }
                    None => sp2.empty(),
                };
                let sp = &self.sym.space;
                let mut v = sp.and(&scope_all, &sp.not(&ok)?)?;
                v = sp.and(&v, &sp.not(&diag)?)?;
                record(sp, &mut found, (v4, proto), &v, &s, &d)?;
            }
        }
        self.findings("not reachable", found, acc)
    }

    /// The findings of violating sets, IPv4 first, by protocol.
    fn findings(
        &mut self,
        problem: &'static str,
        mut found: Found,
        acc: &mut Acc,
    ) -> Result<(), CheckError> {
        let mut keys: Vec<(bool, u8)> = found.keys().copied().collect();
        keys.sort_unstable_by_key(|k| (!k.0, k.1));
        for k in keys {
            if let Some((set, sides)) = found.remove(&k) {
                let f = self.finding(problem, k.0, k.1, &set, &sides)?;
                acc.findings.push(f);
            }
        }
        Ok(())
    }

    fn finding(
        &mut self,
        problem: &'static str,
        v4: bool,
        proto: u8,
        set: &Set,
        sides: &[(SideInfo, SideInfo)],
    ) -> Result<Finding, CheckError> {
        let sp = &self.sym.space;
        let src = sp.exists(set, &[Field::Dst, Field::Dport])?;
        let dst = sp.exists(set, &[Field::Src, Field::Dport])?;
        let port = sp.exists(set, &[Field::Src, Field::Dst])?;
        let sources = cidrs(sp, &src, Field::Src, v4)?;
        let destinations = cidrs(sp, &dst, Field::Dst, v4)?;
        let ported = proto == Protocol::TCP || proto == Protocol::UDP;
        let ports = if ported {
            port_ranges(sp, &port)?
        } else {
            "echo".into()
        };
        // Interface pairs: count member pairs of the contributing sides (small ones exactly).
        let pairset = sp.exists(set, &[Field::Dport])?;
        let mut endpoint_pairs = 0u64;
        for (s, d) in sides {
            if let (Addrs::List(a), Addrs::List(b)) = (&s.side.addrs, &d.side.addrs) {
                if a.len().saturating_mul(b.len()) <= 20_000 {
                    for x in a {
                        for y in b {
                            let p = Point {
                                src: pinhole_engine::symbolic::addr_bits(*x),
                                dst: pinhole_engine::symbolic::addr_bits(*y),
                                dport: 0,
                                ports: [0; 3],
                            };
                            if sp.contains(&pairset, &p) {
                                endpoint_pairs += 1;
                            }
                        }
                    }
                } else {
                    endpoint_pairs += (a.len() * b.len()) as u64;
                }
            }
        }
        let witness = sp.pick(set).map(|p| self.replay(problem, v4, proto, &p));
        Ok(Finding {
            problem,
            protocol: pinhole_model::proto_name(proto),
            sources,
            destinations,
            ports,
            endpoint_pairs,
            witness,
        })
    }

    /// Replay a point of a finding through the concrete engine.
    fn replay(&self, problem: &str, v4: bool, proto: u8, p: &Point) -> Witness {
        let src = Point::addr(p.src, v4);
        let dst = Point::addr(p.dst, v4);
        let ported = proto == Protocol::TCP || proto == Protocol::UDP;
        let q = Question {
            src,
            dst,
            proto,
            port: ported.then_some(p.dport),
            src_port: None,
            icmp_type: None,
            icmp_code: None,
        };
        let opts = Options {
            record_hops: true,
            ..self.sym.opts
        };
        let trace = pinhole_engine::trace(self.snap, &q, &opts);
        let replayed = match problem {
            "reachable" => matches!(trace.verdict, Verdict::Reachable | Verdict::Partial),
            _ => trace.verdict != Verdict::Reachable,
        };
        Witness {
            src,
            dst,
            protocol: pinhole_model::proto_name(proto),
            port: q.port,
            replayed,
            trace,
        }
    }
}

/// Violating packets per (IPv4?, protocol), with the side pairs they came from.
type Found = FxHashMap<(bool, u8), (Set, Vec<(SideInfo, SideInfo)>)>;

/// Add violating packets `v` of side pair (`s`, `d`) to `found` (nothing when empty).
fn record(
    sp: &Bdds,
    found: &mut Found,
    key: (bool, u8),
    v: &Set,
    s: &SideInfo,
    d: &SideInfo,
) -> SpaceResult<()> {
    if sp.is_empty(v) {
        return Ok(());
    }
    let slot = found.entry(key).or_insert_with(|| (sp.empty(), Vec::new()));
    slot.0 = sp.or(&slot.0, v)?;
    slot.1.push((s.clone(), d.clone()));
    Ok(())
}

/// Which walks count for a deny.
enum Keep {
    All,
    /// Walks not through one of these NAT gateways (`nat`: any).
    NotVia(Vec<String>),
}

fn via_allowed(via: &[String], nats: &[String]) -> bool {
    via.iter().any(|v| {
        v.starts_with("nat-") && nats.iter().any(|n| n == "nat" || v.starts_with(n.as_str()))
    })
}

#[derive(Default)]
struct Acc {
    findings: Vec<Finding>,
    unknown: std::collections::BTreeSet<String>,
    notes: Vec<String>,
    pairs: usize,
}

fn note_stops(r: &Reach, acc: &mut Acc) {
    for (v, reason) in &r.stops {
        if *v == Verdict::Unknown {
            acc.unknown.insert(format!("undecided: {reason}"));
        }
    }
}

/// A selector as people wrote it, compactly: `dev-private`, `qa + dev`, `account=prod minus prod-db`.
fn show(s: &Selector) -> String {
    use crate::parse::Term;
    let list = |k: &str, v: &[String]| format!("{k}={}", v.join("|"));
    let mut parts: Vec<String> = s
        .terms
        .iter()
        .map(|t| match t {
            Term::Group(g) => g.clone(),
            Term::Internet => "internet".into(),
            Term::Any => "any".into(),
            Term::Union(u) => {
                let inner: Vec<String> = u.iter().map(show).collect();
                if inner.len() == 1 {
                    inner.concat()
                } else {
                    format!("({})", inner.join(" + "))
                }
            }
            Term::Account(v) => list("account", v),
            Term::Region(v) => list("region", v),
            Term::Vpc(v) => list("vpc", v),
            Term::Subnet(v) => list("subnet", v),
            Term::Az(v) => list("az", v),
            Term::Tier(v) => list("tier", v),
            Term::Sg(v) => list("sg", v),
            Term::Instance(v) => list("instance", v),
            Term::Eni(v) => list("eni", v),
            Term::Rds(v) => list("rds", v),
            Term::Tag(kv) => kv
                .iter()
                .map(|(k, v)| format!("tag:{k}={v}"))
                .collect::<Vec<_>>()
                .join(" & "),
            Term::Cidr(n) => format!(
                "cidr={}",
                n.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("|")
            ),
        })
        .collect();
    if let Some(m) = &s.minus {
        parts.push(format!("minus {}", show(m)));
    }
    parts.join(" & ").replace(" & minus", " minus")
}

/// The internet part of a group cut into pieces every route table treats alike.
fn internet_atoms(routes: &[IpNet], net: &Net, v4: bool) -> Vec<(Vec<IpNet>, Vec<IpNet>)> {
    let within: Vec<IpNet> = net
        .within
        .iter()
        .filter(|n| n.addr().is_ipv4() == v4)
        .copied()
        .collect();
    if !net.within.is_empty() && within.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    // One atom per route prefix (minus the prefixes inside it), and the rest.
    for r in routes {
        let inner: Vec<IpNet> = routes
            .iter()
            .filter(|x| *x != r && r.contains(*x))
            .copied()
            .collect();
        let w: Vec<IpNet> = if within.is_empty() {
            vec![*r]
        } else {
            within
                .iter()
                .filter_map(|x| {
                    if x.contains(r) {
                        Some(*r)
                    } else if r.contains(x) {
                        Some(*x)
                    } else {
                        None
                    }
                })
                .collect()
        };
        if w.is_empty() {
            continue;
        }
        let mut except = inner;
        except.extend(net.except.iter().copied());
        out.push((w, except));
    }
    let mut except: Vec<IpNet> = routes.to_vec();
    except.extend(net.except.iter().copied());
    out.push((within, except));
    out
}

/// A set over an address field as a sorted list of CIDRs (at most 64, then a count).
pub fn cidrs(sp: &Bdds, set: &Set, field: Field, v4: bool) -> SpaceResult<Vec<String>> {
    let mut out = Vec::new();
    let root: IpNet = if v4 {
        IpNet::from(ipnet::Ipv4Net::default())
    } else {
        IpNet::from(ipnet::Ipv6Net::default())
    };
    let mut more = 0usize;
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let p = sp.prefix(field, &n)?;
        let inside = sp.and(set, &p)?;
        if sp.is_empty(&inside) {
            continue;
        }
        // Every address of `n` in the set? (IPv4 sets never constrain the low 96 bits.)
        let family_full = sp.is_empty(&sp.and(&p, &sp.not(set)?)?);
        if family_full {
            if out.len() < 64 {
                out.push(n);
            } else {
                more += 1;
            }
            continue;
        }
        let max = if v4 { 32 } else { 128 };
        if n.prefix_len() >= max {
            continue;
        }
        if let Ok(subs) = n.subnets(n.prefix_len() + 1) {
            let subs: Vec<IpNet> = subs.collect();
            for s in subs.into_iter().rev() {
                stack.push(s);
            }
        }
    }
    let mut v: Vec<String> = out.iter().map(ToString::to_string).collect();
    if more > 0 {
        v.push(format!("… and {more} more"));
    }
    Ok(v)
}

/// The ports of a set over the destination-port field, as ranges (`22, 1024-65535`).
pub fn port_ranges(sp: &Bdds, set: &Set) -> SpaceResult<String> {
    let mut ranges: Vec<(u16, u16)> = Vec::new();
    let mut stack: Vec<(u32, u32)> = vec![(0, 65535)];
    while let Some((lo, hi)) = stack.pop() {
        let r = sp.range(Field::Dport, lo as u16, hi as u16)?;
        let inside = sp.and(set, &r)?;
        if sp.is_empty(&inside) {
            continue;
        }
        let missing = sp.and(&r, &sp.not(set)?)?;
        if sp.is_empty(&missing) {
            match ranges.last_mut() {
                Some(last) if u32::from(last.1) + 1 == lo => last.1 = hi as u16,
                _ => ranges.push((lo as u16, hi as u16)),
            }
            continue;
        }
        let mid = lo + (hi - lo) / 2;
        stack.push((mid + 1, hi));
        stack.push((lo, mid));
    }
    Ok(ranges
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", "))
}
