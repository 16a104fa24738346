//! Filters: the NACLs of isolated tiers and every host's security group, with each pinhole
//! opened on both sides and in both directions (the reply to the client's ephemeral ports), for
//! every address of the target (a Multi-AZ database's standby included).

use super::{NAcl, NAclEntry, NSgRule, Network, SgPeer, host_in_vpc};
use crate::error::{Diagnostic, Severity};
use crate::ids::id;
use crate::resolve::{Design, FlowFrom};
use crate::service::Service;
use crate::spec::HostKind;
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// First rule number of the pinhole allows, then every 10.
pub const FIRST_ALLOW: u16 = 100;
/// First rule number of the cross-environment denies, then every 10.
pub const FIRST_DENY: u16 = 5000;
/// The final allow-all rule.
pub const ALLOW_ALL: u16 = 32000;
/// AWS's default quota of rules per NACL direction (adjustable to 40).
const NACL_QUOTA: usize = 20;
const NACL_HARD: usize = 40;
const SG_QUOTA: usize = 60;

fn host32(a: Ipv4Addr) -> Ipv4Net {
    Ipv4Net::new(a, 32).unwrap_or_default()
}

fn any4() -> Ipv4Net {
    Ipv4Net::default()
}

/// A NACL rule's protocol and ports for a service.
fn acl_match(s: &Service) -> (i16, Option<(u16, u16)>) {
    match s.proto {
        1 => (1, None),
        p => (i16::from(p), Some((s.from.max(1).min(s.to), s.to))),
    }
}

/// The reply of a service: same protocol, to the client's ephemeral ports.
fn acl_reply(s: &Service, eph: (u16, u16)) -> (i16, Option<(u16, u16)>) {
    match s.proto {
        1 => (1, None),
        p => (i16::from(p), Some(eph)),
    }
}

fn sg_rule(s: &Service, peer: SgPeer, description: String) -> NSgRule {
    let (from, to) = match s.proto {
        1 => (8, -1),
        _ => (i32::from(s.from), i32::from(s.to)),
    };
    NSgRule {
        proto: i16::from(s.proto),
        from,
        to,
        peer,
        description: super::sg_text(&description),
    }
}

/// (egress, protocol, ports, CIDR) of an allow rule.
type AllowRule = (bool, i16, Option<(u16, u16)>, Ipv4Net);

#[derive(Default)]
struct AclDraft {
    /// In insertion order, deduplicated.
    allows: Vec<AllowRule>,
    denies: Vec<Ipv4Net>,
}

impl AclDraft {
    fn allow(&mut self, egress: bool, m: (i16, Option<(u16, u16)>), cidr: Ipv4Net) {
        let e = (egress, m.0, m.1, cidr);
        if !self.allows.contains(&e) {
            self.allows.push(e);
        }
    }
}

pub(super) fn filters(
    d: &Design,
    net: &mut Network,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    // One NACL per (VPC, isolated tier).
    let mut drafts: BTreeMap<(usize, String), AclDraft> = BTreeMap::new();
    for (vi, v) in d.vpcs.iter().enumerate() {
        for t in &d.isolated {
            if !net.vpcs[vi].subnets.iter().any(|s| &s.tier == t) {
                continue;
            }
            let mut draft = AclDraft::default();
            let mut denied: Vec<Ipv4Net> = d
                .peers(vi)
                .into_iter()
                .filter(|(o, _)| d.vpcs[*o].env != v.env)
                .map(|(o, _)| d.vpcs[o].cidr)
                .collect();
            // Adjacent peer VPCs (consecutive slots) share one rule: NACLs hold 20 rules a direction.
            denied.sort();
            draft.denies = Ipv4Net::aggregate(&denied);
            drafts.insert((vi, t.clone()), draft);
        }
    }
    let denies =
        |drafts: &BTreeMap<(usize, String), AclDraft>, vi: usize, tier: &str, other: usize| {
            drafts
                .get(&(vi, tier.to_owned()))
                .is_some_and(|a| a.denies.iter().any(|n| n.contains(&d.vpcs[other].cidr)))
        };

    // Security groups: host egress first.
    for (hi, h) in d.hosts.iter().enumerate() {
        let Some((v, k)) = host_in_vpc(net, d, hi) else {
            continue;
        };
        let sg = net.vpcs[v].hosts[k].sg;
        let rules = match (&h.egress, h.kind) {
            (None, HostKind::Rds) => Vec::new(),
            (None, _) => vec![NSgRule {
                proto: -1,
                from: -1,
                to: -1,
                peer: SgPeer::Cidr(any4()),
                description: "all egress".to_owned(),
            }],
            (Some(list), _) => list
                .iter()
                .map(|s| sg_rule(s, SgPeer::Cidr(any4()), format!("{s} to the internet")))
                .collect(),
        };
        net.vpcs[v].sgs[sg].egress.extend(rules);
    }

    // Flows inside a VPC.
    for f in &d.flows {
        let Some((v, k)) = host_in_vpc(net, d, f.to) else {
            continue;
        };
        let to = &d.hosts[f.to];
        let to_sg = net.vpcs[v].hosts[k].sg;
        for s in &f.services {
            match &f.from {
                FlowFrom::Internet => {
                    net.vpcs[v].sgs[to_sg].ingress.push(sg_rule(
                        s,
                        SgPeer::Cidr(any4()),
                        format!("{s} from the internet"),
                    ));
                }
                FlowFrom::Tier(t) => {
                    let cidrs: Vec<(Ipv4Net, String)> = net.vpcs[v]
                        .subnets
                        .iter()
                        .filter(|x| &x.tier == t)
                        .map(|x| (x.cidr, x.name.clone()))
                        .collect();
                    for (c, n) in cidrs {
                        net.vpcs[v].sgs[to_sg].ingress.push(sg_rule(
                            s,
                            SgPeer::Cidr(c),
                            format!("{s} from {n}"),
                        ));
                    }
                    for (ci, c) in d.hosts.iter().enumerate() {
                        if c.vpc == v
                            && &c.tier == t
                            && c.restricted_egress()
                            && ci != f.to
                            && let Some((_, ck)) = host_in_vpc(net, d, ci)
                        {
                            let csg = net.vpcs[v].hosts[ck].sg;
                            for a in to.addrs() {
                                net.vpcs[v].sgs[csg].egress.push(sg_rule(
                                    s,
                                    SgPeer::Cidr(host32(a)),
                                    format!("{s} to {}", to.name),
                                ));
                            }
                        }
                    }
                }
                FlowFrom::Host(c) => {
                    let Some((_, ck)) = host_in_vpc(net, d, *c) else {
                        continue;
                    };
                    let csg = net.vpcs[v].hosts[ck].sg;
                    let cname = d.hosts[*c].name.clone();
                    net.vpcs[v].sgs[to_sg].ingress.push(sg_rule(
                        s,
                        SgPeer::Group(csg),
                        format!("{s} from {cname}"),
                    ));
                    if d.hosts[*c].restricted_egress() {
                        net.vpcs[v].sgs[csg].egress.push(sg_rule(
                            s,
                            SgPeer::Group(to_sg),
                            format!("{s} to {}", to.name),
                        ));
                    }
                }
            }
        }
    }

    // Pinholes.
    for p in &d.pinholes {
        for &c in &p.from {
            for &t in &p.to {
                if c == t {
                    continue;
                }
                let (ch, th) = (&d.hosts[c], &d.hosts[t]);
                let (Some((cv, ck)), Some((tv, tk))) =
                    (host_in_vpc(net, d, c), host_in_vpc(net, d, t))
                else {
                    continue;
                };
                if cv != tv
                    && !d
                        .peerings
                        .iter()
                        .any(|x| (x.requester, x.accepter) == (cv.min(tv), cv.max(tv)))
                {
                    errors.push(d.diag(
                        Severity::Error,
                        format!(
                            "pinhole `{}`: `{}` ({}) and `{}` ({}) are in VPCs that do not peer",
                            p.name,
                            ch.name,
                            d.vpc_name(cv),
                            th.name,
                            d.vpc_name(tv)
                        ),
                    ));
                    continue;
                }
                let eph = ch.ephemeral();
                let csg = net.vpcs[cv].hosts[ck].sg;
                let tsg = net.vpcs[tv].hosts[tk].sg;
                for s in &p.services {
                    for ta in th.addrs() {
                        if ch.restricted_egress() {
                            net.vpcs[cv].sgs[csg].egress.push(sg_rule(
                                s,
                                SgPeer::Cidr(host32(ta)),
                                format!("pinhole {}: {s} to {}", p.name, th.name),
                            ));
                        }
                        if cv != tv
                            && denies(&drafts, cv, &ch.tier, tv)
                            && let Some(a) = drafts.get_mut(&(cv, ch.tier.clone()))
                        {
                            a.allow(true, acl_match(s), host32(ta));
                            a.allow(false, acl_reply(s, eph), host32(ta));
                        }
                    }
                    for ca in ch.addrs() {
                        net.vpcs[tv].sgs[tsg].ingress.push(sg_rule(
                            s,
                            SgPeer::Cidr(host32(ca)),
                            format!("pinhole {}: {s} from {}", p.name, ch.name),
                        ));
                        if cv != tv
                            && denies(&drafts, tv, &th.tier, cv)
                            && let Some(a) = drafts.get_mut(&(tv, th.tier.clone()))
                        {
                            a.allow(false, acl_match(s), host32(ca));
                            a.allow(true, acl_reply(s, eph), host32(ca));
                        }
                    }
                }
            }
        }
    }

    // NACLs from drafts.
    for ((vi, tier), draft) in drafts {
        let vname = net.vpcs[vi].name.clone();
        let name = format!("{vname}-{tier}-nacl");
        let mut entries = Vec::new();
        for egress in [false, true] {
            let mut n = FIRST_ALLOW;
            for (e, proto, ports, cidr) in draft.allows.iter().filter(|a| a.0 == egress) {
                entries.push(NAclEntry {
                    rule: n,
                    egress: *e,
                    proto: *proto,
                    ports: *ports,
                    cidr: *cidr,
                    allow: true,
                });
                n = n.saturating_add(10);
            }
            let mut n = FIRST_DENY;
            for c in &draft.denies {
                entries.push(NAclEntry {
                    rule: n,
                    egress,
                    proto: -1,
                    ports: None,
                    cidr: *c,
                    allow: false,
                });
                n = n.saturating_add(10);
            }
            entries.push(NAclEntry {
                rule: ALLOW_ALL,
                egress,
                proto: -1,
                ports: None,
                cidr: any4(),
                allow: true,
            });
            let count = entries.iter().filter(|x| x.egress == egress).count();
            let dir = if egress { "outbound" } else { "inbound" };
            if count > NACL_HARD {
                errors.push(d.diag(Severity::Error, format!("{name}: {count} {dir} rules exceed AWS's maximum of {NACL_HARD} per direction")));
            } else if count > NACL_QUOTA {
                warnings.push(d.diag(Severity::Warning, format!("{name}: {count} {dir} rules exceed AWS's default quota of {NACL_QUOTA} per direction (raise it to at most {NACL_HARD})")));
            }
        }
        let vpc = &mut net.vpcs[vi];
        vpc.nacls.push(NAcl {
            id: id("acl", &name),
            name,
            entries,
        });
        let ai = vpc.nacls.len() - 1;
        for s in vpc.subnets.iter_mut().filter(|s| s.tier == tier) {
            s.nacl = Some(ai);
        }
    }

    // Deterministic, deduplicated SG rules, within quota.
    for v in &mut net.vpcs {
        for sg in &mut v.sgs {
            for list in [&mut sg.ingress, &mut sg.egress] {
                list.sort();
                list.dedup_by(|a, b| {
                    a.proto == b.proto && a.from == b.from && a.to == b.to && a.peer == b.peer
                });
            }
            for (dir, n) in [("inbound", sg.ingress.len()), ("outbound", sg.egress.len())] {
                if n > SG_QUOTA {
                    errors.push(d.diag(
                        Severity::Error,
                        format!(
                            "{} ({}): {n} {dir} rules exceed AWS's default quota of {SG_QUOTA}",
                            sg.name, v.name
                        ),
                    ));
                }
            }
        }
    }
}
