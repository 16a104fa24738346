//! Selectors evaluated over a snapshot: which interface addresses (and internet addresses) a
//! group holds.

use crate::parse::{IntentFile, Selector, Term};
use ipnet::IpNet;
use pinhole_engine::symbolic::Member;
use pinhole_model::{EniIx, Snapshot, Tags};
use rustc_hash::FxHashSet;
use std::net::IpAddr;

/// The internet part of a group: internet addresses inside `within` (every one when empty),
/// outside `except`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Net {
    pub within: Vec<IpNet>,
    pub except: Vec<IpNet>,
}

/// What a group holds.
#[derive(Clone, Debug, Default)]
pub struct Members {
    pub addrs: FxHashSet<Member>,
    pub internet: Option<Net>,
}

impl Members {
    fn everything(snap: &Snapshot) -> Self {
        let mut addrs = FxHashSet::default();
        for (i, _) in snap.enis.iter().enumerate() {
            let e = EniIx(i as u32);
            for a in pinhole_engine::symbolic::eni_addrs(snap, e) {
                addrs.insert(Member { eni: e, addr: a });
            }
        }
        Self {
            addrs,
            internet: Some(Net::default()),
        }
    }

    fn intersect(mut self, other: &Members) -> Self {
        self.addrs.retain(|m| other.addrs.contains(m));
        self.internet = match (self.internet, &other.internet) {
            (Some(a), Some(b)) => intersect_net(&a, b),
            _ => None,
        };
        self
    }

    fn union(mut self, other: Members) -> Self {
        self.addrs.extend(other.addrs);
        self.internet = match (self.internet, other.internet) {
            (Some(a), Some(b)) => Some(union_net(a, b)),
            (a, b) => a.or(b),
        };
        self
    }

    fn minus(mut self, other: &Members) -> Self {
        self.addrs.retain(|m| !other.addrs.contains(m));
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
        self.addrs.is_empty() && self.internet.is_none()
    }

    /// Sorted interface members.
    pub fn sorted(&self) -> Vec<Member> {
        let mut v: Vec<Member> = self.addrs.iter().copied().collect();
        v.sort_unstable();
        v
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
        let mut acc = acc.unwrap_or_default();
        if let Some(minus) = &s.minus {
            acc = acc.minus(&self.eval(minus));
        }
        acc
    }

    fn enis_where(&self, keep: impl Fn(EniIx) -> bool) -> Members {
        let snap = self.snap;
        let mut addrs = FxHashSet::default();
        for (i, _) in snap.enis.iter().enumerate() {
            let e = EniIx(i as u32);
            if keep(e) {
                for a in pinhole_engine::symbolic::eni_addrs(snap, e) {
                    addrs.insert(Member { eni: e, addr: a });
                }
            }
        }
        Members {
            addrs,
            internet: None,
        }
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
            Term::Any => Members::everything(snap),
            Term::Internet => Members {
                addrs: FxHashSet::default(),
                internet: Some(Net::default()),
            },
            Term::Group(g) => match g.as_str() {
                "internet" => self.term(&Term::Internet),
                "any" => Members::everything(snap),
                _ => self
                    .file
                    .groups
                    .get(g)
                    .map(|s| self.eval(s))
                    .unwrap_or_default(),
            },
            Term::Union(list) => list
                .iter()
                .fold(Members::default(), |acc, s| acc.union(self.eval(s))),
            Term::Account(a) => {
                let ids = self.account_ids(a);
                self.enis_where(|e| has(&ids, snap.eni(e).account.as_str()))
            }
            Term::Region(r) => self.enis_where(|e| has(r, &snap.vpc(snap.eni(e).vpc).region)),
            Term::Vpc(v) => self.enis_where(|e| {
                let vpc = snap.vpc(snap.eni(e).vpc);
                named(v, vpc.id.as_str(), &vpc.tags)
            }),
            Term::Subnet(v) => self.enis_where(|e| {
                let s = snap.subnet(snap.eni(e).subnet);
                named(v, s.id.as_str(), &s.tags)
            }),
            Term::Az(v) => self.enis_where(|e| {
                let s = snap.subnet(snap.eni(e).subnet);
                has(v, &s.az) || s.az_id.as_deref().is_some_and(|z| has(v, z))
            }),
            Term::Tier(v) => self.enis_where(|e| {
                let s = snap.subnet(snap.eni(e).subnet);
                v.iter().any(|t| subnet_tier(&s.tags, t))
            }),
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
                let mut keep: FxHashSet<EniIx> = FxHashSet::default();
                for db in &snap.db_instances {
                    if has(v, db.id.as_str()) {
                        keep.extend(db.enis.iter().copied());
                    }
                }
                self.enis_where(|e| keep.contains(&e))
            }
            Term::Cidr(nets) => {
                let mut m = self.enis_where(|_| true);
                m.addrs.retain(|x| nets.iter().any(|n| n.contains(&x.addr)));
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
