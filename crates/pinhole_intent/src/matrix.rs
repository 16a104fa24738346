//! `matrix`: who reaches whom, on which services, grouped by account, VPC, subnet, tier, tag
//! or security group.

use crate::check::{CheckError, Checker, SideInfo, port_ranges};
use crate::select::Members;
use pinhole_engine::space::{Field, Space};
use pinhole_engine::symbolic::{Addrs, Member, Set};
use pinhole_model::{EniIx, Protocol, Snapshot, name_tag};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::BTreeMap;

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

/// The reachability matrix of a snapshot.
pub fn matrix(ck: &mut Checker<'_>, by: &MatrixBy) -> Result<Matrix, CheckError> {
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
    let mut sides: Vec<(String, SideInfo)> = Vec::new();
    let mut dsts: Vec<(String, SideInfo)> = Vec::new();
    for (l, set) in &by_label {
        let m = Members::of(&ck.universe, set.iter().copied());
        for s in ck.sides(&m, false)? {
            sides.push((l.clone(), s));
        }
        for s in ck.sides(&m, true)? {
            dsts.push((l.clone(), s));
        }
    }
    let inet = Members::internet_only(&ck.universe);
    for s in ck.sides(&inet, false)? {
        sides.push(("internet".into(), s));
    }
    for s in ck.sides(&inet, true)? {
        dsts.push(("internet".into(), s));
    }
    let mut cells: FxHashMap<(String, String, u8), Set> = FxHashMap::default();
    let mut pairs = 0usize;
    for (la, s) in &sides {
        for (lb, d) in &dsts {
            // Interfaces meet at their private addresses; public addresses are the internet's
            // way in (a path out to the internet and back in is `check`'s business).
            if !ck.may_connect(s, d) || (d.public && !s.internet) {
                continue;
            }
            if same_single(s, d) {
                continue;
            }
            // An address to itself is not a connection.
            let diag = ck.diagonal(s, d)?;
            let v4 = s.side.v4;
            let icmp = if v4 { Protocol::ICMP } else { Protocol::ICMPV6 };
            for proto in [Protocol::TCP, Protocol::UDP, icmp] {
                let reach = ck.sym.reach(&s.side, &d.side, proto, (0, u16::MAX))?;
                pairs += 1;
                let sp = &ck.sym.space;
                let some = sp.and(&reach.some(sp)?, &sp.not(&diag)?)?;
                if sp.is_empty(&some) {
                    continue;
                }
                let ports = sp.exists(&some, &[Field::Src, Field::Dst])?;
                let slot = cells
                    .entry((la.clone(), lb.clone(), proto))
                    .or_insert_with(|| sp.empty());
                *slot = sp.or(slot, &ports)?;
            }
        }
    }
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
    let mut groups: Vec<String> = by_label.keys().cloned().collect();
    groups.push("internet".into());
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
