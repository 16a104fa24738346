//! Selectors evaluated over a snapshot: which interface addresses (and internet addresses) a
//! group holds.

use crate::parse::{IntentFile, Selector, Term};
use ipnet::IpNet;
use pinhole_engine::symbolic::Member;
use pinhole_model::{EniIx, Snapshot, Tags};
use std::net::IpAddr;

/// The internet part of a group: internet addresses inside `within` (every one when empty),
/// outside `except`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Net {
    pub within: Vec<IpNet>,
    pub except: Vec<IpNet>,
}

/// Every interface address of a snapshot, numbered: groups are bit sets over these numbers.
#[derive(Clone, Debug, Default)]
pub struct Universe {
    /// Sorted by interface, then address.
    pub members: Vec<Member>,
    /// `members[start[e]..start[e + 1]]` are interface `e`'s.
    start: Vec<u32>,
}

impl Universe {
    pub fn new(snap: &Snapshot) -> Self {
        let mut members = Vec::new();
        let mut start = Vec::with_capacity(snap.enis.len() + 1);
        for (i, _) in snap.enis.iter().enumerate() {
            start.push(members.len() as u32);
            let e = EniIx(i as u32);
            for a in pinhole_engine::symbolic::eni_addrs(snap, e) {
                members.push(Member { eni: e, addr: a });
            }
        }
        start.push(members.len() as u32);
        Self { members, start }
    }

    /// The number of a member.
    pub fn id(&self, m: &Member) -> Option<usize> {
        let e = m.eni.0 as usize;
        let (a, b) = (
            *self.start.get(e)? as usize,
            *self.start.get(e + 1)? as usize,
        );
        (a..b).find(|&k| self.members[k].addr == m.addr)
    }

    fn eni_ids(&self, e: usize) -> std::ops::Range<usize> {
        match (self.start.get(e), self.start.get(e + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }
}

/// What a group holds: interface addresses (a bit per [`Universe`] member) and internet
/// addresses.
#[derive(Clone, Debug, Default)]
pub struct Members {
    bits: Vec<u64>,
    pub internet: Option<Net>,
}

impl Members {
    fn none(u: &Universe) -> Self {
        Self {
            bits: vec![0; u.members.len().div_ceil(64)],
            internet: None,
        }
    }

    fn everything(u: &Universe) -> Self {
        let mut m = Self::none(u);
        for k in 0..u.members.len() {
            m.set(k);
        }
        m.internet = Some(Net::default());
        m
    }

    /// The internet and nothing else.
    pub fn internet_only(u: &Universe) -> Self {
        let mut m = Self::none(u);
        m.internet = Some(Net::default());
        m
    }

    /// These members.
    pub fn of(u: &Universe, list: impl IntoIterator<Item = Member>) -> Self {
        let mut m = Self::none(u);
        for x in list {
            if let Some(k) = u.id(&x) {
                m.set(k);
            }
        }
        m
    }

    fn set(&mut self, k: usize) {
        if let Some(w) = self.bits.get_mut(k / 64) {
            *w |= 1 << (k % 64);
        }
    }

    /// Whether member number `k` is in the group.
    pub fn has(&self, k: usize) -> bool {
        self.bits
            .get(k / 64)
            .is_some_and(|w| w & (1 << (k % 64)) != 0)
    }

    fn intersect(mut self, other: &Members) -> Self {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a &= *b;
        }
        self.internet = match (self.internet, &other.internet) {
            (Some(a), Some(b)) => intersect_net(&a, b),
            _ => None,
        };
        self
    }

    fn union(mut self, other: Members) -> Self {
        if self.bits.len() < other.bits.len() {
            self.bits.resize(other.bits.len(), 0);
        }
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a |= *b;
        }
        self.internet = match (self.internet, other.internet) {
            (Some(a), Some(b)) => Some(union_net(a, b)),
            (a, b) => a.or(b),
        };
        self
    }

    fn minus(mut self, other: &Members) -> Self {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a &= !*b;
        }
        if let (Some(a), Some(b)) = (&mut self.internet, &other.internet) {
            if b.within.is_empty() {
                // Minus every internet address (but b's carve-outs, which we do not restore).
                self.internet = None;
            } else {
                a.except.extend(b.within.iter().copied());
            }
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|w| *w == 0) && self.internet.is_none()
    }

    /// The interface members, in order.
    pub fn sorted(&self, u: &Universe) -> Vec<Member> {
        (0..u.members.len())
            .filter(|&k| self.has(k))
            .map(|k| u.members[k])
            .collect()
    }
}

fn overlap(a: &IpNet, b: &IpNet) -> Option<IpNet> {
    if a.contains(b) {
        Some(*b)
    } else if b.contains(a) {
        Some(*a)
    } else {
        None
    }
}

fn intersect_net(a: &Net, b: &Net) -> Option<Net> {
    let within = match (a.within.is_empty(), b.within.is_empty()) {
        (true, _) => b.within.clone(),
        (_, true) => a.within.clone(),
        _ => {
            let v: Vec<IpNet> = a
                .within
                .iter()
                .flat_map(|x| b.within.iter().filter_map(move |y| overlap(x, y)))
                .collect();
            if v.is_empty() {
                return None;
            }
            v
        }
    };
    let mut except = a.except.clone();
    except.extend(b.except.iter().copied());
    Some(Net { within, except })
}

fn union_net(a: Net, b: Net) -> Net {
    if a.within.is_empty() || b.within.is_empty() {
        // One side is all the internet (minus its exceptions): keep the common exceptions.
        let except = a
            .except
            .iter()
            .filter(|x| b.except.contains(x))
            .copied()
            .collect();
        return Net {
            within: Vec::new(),
            except,
        };
    }
    let mut within = a.within;
    within.extend(b.within);
    Net {
        within,
        except: Vec::new(),
    }
}

fn tag<'t>(tags: &'t Tags, key: &str) -> Option<&'t str> {
    tags.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn tag_ci<'t>(tags: &'t Tags, key: &str) -> Option<&'t str> {
    tags.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// Whether a subnet is of `tier`: its `Tier` tag, else a word of its `Name`.
pub fn subnet_tier(tags: &Tags, tier: &str) -> bool {
    match tag_ci(tags, "tier") {
        Some(t) => t.eq_ignore_ascii_case(tier),
        None => tag(tags, "Name").is_some_and(|n| {
            n.split(['-', '_', ' '])
                .any(|w| w.eq_ignore_ascii_case(tier))
        }),
    }
}

pub struct Selecting<'a> {
    pub snap: &'a Snapshot,
    pub file: &'a IntentFile,
    pub universe: &'a Universe,
    /// Groups already evaluated.
    pub memo: std::cell::RefCell<rustc_hash::FxHashMap<String, Members>>,
}

impl Selecting<'_> {
    pub fn eval(&self, s: &Selector) -> Members {
        let mut acc: Option<Members> = None;
        for t in &s.terms {
            let m = self.term(t);
            acc = Some(match acc {
                None => m,
                Some(a) => a.intersect(&m),
            });
        }
        let mut acc = acc.unwrap_or_else(|| Members::none(self.universe));
        if let Some(minus) = &s.minus {
            acc = acc.minus(&self.eval(minus));
        }
        acc
    }

    fn enis_where(&self, keep: impl Fn(EniIx) -> bool) -> Members {
        let u = self.universe;
        let mut m = Members::none(u);
        for i in 0..self.snap.enis.len() {
            if keep(EniIx(i as u32)) {
                for k in u.eni_ids(i) {
                    m.set(k);
                }
            }
        }
        m
    }

    /// Interfaces in subnets `keep` accepts (asked once per subnet).
    fn in_subnets(&self, keep: impl Fn(&pinhole_model::Subnet) -> bool) -> Members {
        let ok: Vec<bool> = self.snap.subnets.iter().map(keep).collect();
        self.enis_where(|e| {
            ok.get(self.snap.eni(e).subnet.ix())
                .copied()
                .unwrap_or(false)
        })
    }

    fn account_ids(&self, names: &[String]) -> Vec<String> {
        names
            .iter()
            .map(|n| {
                self.file
                    .accounts
                    .get(n)
                    .cloned()
                    .unwrap_or_else(|| n.clone())
            })
            .collect()
    }

    fn term(&self, t: &Term) -> Members {
        let snap = self.snap;
        let has = |list: &[String], v: &str| list.iter().any(|x| x == v);
        let named = |list: &[String], id: &str, tags: &Tags| {
            has(list, id) || tag(tags, "Name").is_some_and(|n| has(list, n))
        };
        match t {
            Term::Any => Members::everything(self.universe),
            Term::Internet => Members::internet_only(self.universe),
            Term::Group(g) => match g.as_str() {
                "internet" => self.term(&Term::Internet),
                "any" => Members::everything(self.universe),
                _ => {
                    if let Some(m) = self.memo.borrow().get(g) {
                        return m.clone();
                    }
                    let m = self
                        .file
                        .groups
                        .get(g)
                        .map(|s| self.eval(s))
                        .unwrap_or_else(|| Members::none(self.universe));
                    self.memo.borrow_mut().insert(g.clone(), m.clone());
                    m
                }
            },
            Term::Union(list) => list.iter().fold(Members::none(self.universe), |acc, s| {
                acc.union(self.eval(s))
            }),
            Term::Account(a) => {
                let ids = self.account_ids(a);
                self.enis_where(|e| has(&ids, snap.eni(e).account.as_str()))
            }
            Term::Region(r) => self.enis_where(|e| has(r, &snap.vpc(snap.eni(e).vpc).region)),
            Term::Vpc(v) => self.enis_where(|e| {
                let vpc = snap.vpc(snap.eni(e).vpc);
                named(v, vpc.id.as_str(), &vpc.tags)
            }),
            Term::Subnet(v) => self.in_subnets(|s| named(v, s.id.as_str(), &s.tags)),
            Term::Az(v) => {
                self.in_subnets(|s| has(v, &s.az) || s.az_id.as_deref().is_some_and(|z| has(v, z)))
            }
            Term::Tier(v) => self.in_subnets(|s| v.iter().any(|t| subnet_tier(&s.tags, t))),
            Term::Tag(kv) => self.enis_where(|e| {
                let ni = snap.eni(e);
                let inst = ni.instance.map(|i| &snap.instances[i.ix()].tags);
                let sub = &snap.subnet(ni.subnet).tags;
                kv.iter().all(|(k, v)| {
                    [Some(&ni.tags), inst, Some(sub)]
                        .into_iter()
                        .flatten()
                        .any(|tags| tag(tags, k).is_some_and(|x| v == "*" || x == v))
                })
            }),
            Term::Sg(v) => self.enis_where(|e| {
                snap.eni(e).groups.iter().any(|&g| {
                    let sg = snap.sg(g);
                    has(v, sg.id.as_str()) || has(v, &sg.group_name) || named(v, "", &sg.tags)
                })
            }),
            Term::Instance(v) => self.enis_where(|e| {
                snap.eni(e).instance.is_some_and(|i| {
                    let inst = &snap.instances[i.ix()];
                    named(v, inst.id.as_str(), &inst.tags)
                })
            }),
            Term::Eni(v) => self.enis_where(|e| has(v, snap.eni(e).id.as_str())),
            Term::Rds(v) => {
                let mut keep: rustc_hash::FxHashSet<EniIx> = rustc_hash::FxHashSet::default();
                for db in &snap.db_instances {
                    if has(v, db.id.as_str()) {
                        keep.extend(db.enis.iter().copied());
                    }
                }
                self.enis_where(|e| keep.contains(&e))
            }
            Term::Cidr(nets) => {
                let u = self.universe;
                let mut m = Members::none(u);
                for (k, x) in u.members.iter().enumerate() {
                    if nets.iter().any(|n| n.contains(&x.addr)) {
                        m.set(k);
                    }
                }
                let internet: Vec<IpNet> = nets
                    .iter()
                    .filter(|n| touches_internet(n))
                    .copied()
                    .collect();
                m.internet = (!internet.is_empty()).then_some(Net {
                    within: internet,
                    except: Vec::new(),
                });
                m
            }
        }
    }
}

/// Whether a CIDR holds any internet address.
fn touches_internet(n: &IpNet) -> bool {
    let probe = |a: IpAddr| pinhole_model::is_internet(a);
    if probe(n.network()) || probe(n.broadcast()) {
        return true;
    }
    // Big blocks (shorter than any non-internet block) always hold some.
    match n {
        IpNet::V4(v) => v.prefix_len() < 8,
        IpNet::V6(v) => v.prefix_len() < 7,
    }
}
