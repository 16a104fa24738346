//! The compiled network checked with the concrete engine: every pinhole and flow open for every
//! address of its target, and every other connection between hosts of different environments
//! blocked where either end is in an isolated tier. Until the intent engine is wired in, these
//! probes are how `plan` proves the network meets its design.

mod intents;

pub use intents::verify_intents;

use crate::resolve::{Design, FlowFrom};
use crate::service::Service;
use crate::spec::HostKind;
use pinhole_engine::{Options, Question, Verdict, trace};
use pinhole_model::Snapshot;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

/// An internet host for the probes (TEST-NET-2).
pub(crate) const INTERNET: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 7);

/// One probe and what it gave.
#[derive(Clone, Debug)]
pub struct Check {
    /// `pinhole <name>`, `flow` or `isolation`.
    pub what: String,
    pub src: String,
    pub dst: String,
    pub src_ip: IpAddr,
    pub dst_ip: IpAddr,
    pub service: Service,
    pub port: u16,
    pub expect: Verdict,
    pub got: Verdict,
    pub reason: String,
}

impl Check {
    pub fn ok(&self) -> bool {
        self.expect == self.got
    }
}

pub(crate) fn question(src: IpAddr, dst: IpAddr, s: &Service, port: u16) -> Question {
    Question {
        src,
        dst,
        proto: s.proto,
        port: (s.proto != 1).then_some(port),
        src_port: None,
        icmp_type: (s.proto == 1).then_some(8),
        icmp_code: (s.proto == 1).then_some(0),
    }
}

/// The ports probed for a service: its first and last.
fn ports(s: &Service) -> Vec<u16> {
    if s.proto == 1 {
        return vec![0];
    }
    let mut v = vec![s.from.max(1)];
    if s.to != s.from {
        v.push(s.to);
    }
    v
}

/// Runs every probe the design implies on `snap` (the compiled network, or one read back).
pub fn verify(d: &Design, snap: &Snapshot) -> Vec<Check> {
    let opts = Options {
        record_hops: false,
        ..Options::default()
    };
    let mut out = Vec::new();
    let mut probe = |what: String,
                     src: String,
                     dst: String,
                     si: Ipv4Addr,
                     di: Ipv4Addr,
                     s: &Service,
                     port: u16,
                     expect: Verdict| {
        let t = trace(
            snap,
            &question(IpAddr::V4(si), IpAddr::V4(di), s, port),
            &opts,
        );
        out.push(Check {
            what,
            src,
            dst,
            src_ip: IpAddr::V4(si),
            dst_ip: IpAddr::V4(di),
            service: *s,
            port,
            expect,
            got: t.verdict,
            reason: t.reason,
        });
    };
    for p in &d.pinholes {
        for &c in &p.from {
            for &t in &p.to {
                let (ch, th) = (&d.hosts[c], &d.hosts[t]);
                let Some(ca) = ch.addrs().next() else {
                    continue;
                };
                for s in &p.services {
                    for ta in th.addrs() {
                        for port in ports(s) {
                            probe(
                                format!("pinhole {}", p.name),
                                ch.name.clone(),
                                th.name.clone(),
                                ca,
                                ta,
                                s,
                                port,
                                Verdict::Reachable,
                            );
                        }
                    }
                }
            }
        }
    }
    for f in &d.flows {
        let th = &d.hosts[f.to];
        let sources: Vec<(String, Ipv4Addr, Vec<Ipv4Addr>)> = match &f.from {
            FlowFrom::Internet => match d.hosts[f.to].public_ip {
                Some(p) => vec![("internet".to_owned(), INTERNET, vec![p])],
                None => Vec::new(),
            },
            FlowFrom::Tier(tn) => d
                .hosts
                .iter()
                .filter(|h| h.vpc == th.vpc && &h.tier == tn && h.kind != HostKind::Rds)
                .filter_map(|h| {
                    h.addrs()
                        .next()
                        .map(|a| (h.name.clone(), a, th.addrs().collect()))
                })
                .collect(),
            FlowFrom::Host(c) => d.hosts[*c]
                .addrs()
                .next()
                .map(|a| (d.hosts[*c].name.clone(), a, th.addrs().collect()))
                .into_iter()
                .collect(),
        };
        for (name, sa, targets) in sources {
            for ta in targets {
                for s in &f.services {
                    for port in ports(s) {
                        probe(
                            "flow".to_owned(),
                            name.clone(),
                            th.name.clone(),
                            sa,
                            ta,
                            s,
                            port,
                            Verdict::Reachable,
                        );
                    }
                }
            }
        }
    }
    // Egress: hosts of tiers without egress never reach the internet; hosts of NAT tiers (and
    // public hosts) reach it on what their egress policy allows.
    let https = Service {
        proto: 6,
        from: 443,
        to: 443,
    };
    let http = Service {
        proto: 6,
        from: 80,
        to: 80,
    };
    for h in &d.hosts {
        if h.kind == HostKind::Rds {
            continue;
        }
        let Some(tier) = d.tier(&h.tier) else {
            continue;
        };
        let Some(sa) = h.addrs().next() else { continue };
        let can_leave = match tier.role {
            crate::spec::Role::Public => h.public_ip.is_some(),
            // Without a public address a host in a public tier has no way out.
            _ => tier.egress != crate::spec::Egress::None,
        };
        for s in [https, http] {
            let allowed = h.egress.as_ref().is_none_or(|list| {
                list.iter()
                    .any(|x| x.proto == 6 && x.from <= s.from && s.from <= x.to)
            });
            let expect = if can_leave && allowed {
                Verdict::Reachable
            } else {
                Verdict::Blocked
            };
            probe(
                "egress".to_owned(),
                h.name.clone(),
                "internet".to_owned(),
                sa,
                INTERNET,
                &s,
                s.from,
                expect,
            );
        }
    }
    // Isolation: every service the design names, and ssh.
    let mut services: BTreeSet<Service> = d
        .pinholes
        .iter()
        .flat_map(|p| p.services.iter().copied())
        .chain(d.flows.iter().flat_map(|f| f.services.iter().copied()))
        .collect();
    services.insert(Service {
        proto: 6,
        from: 22,
        to: 22,
    });
    for (ai, a) in d.hosts.iter().enumerate() {
        if a.kind == HostKind::Rds {
            continue;
        }
        let Some(sa) = a.addrs().next() else { continue };
        for (bi, b) in d.hosts.iter().enumerate() {
            let (va, vb) = (&d.vpcs[a.vpc], &d.vpcs[b.vpc]);
            if va.env == vb.env || !(d.isolated.contains(&a.tier) || d.isolated.contains(&b.tier)) {
                continue;
            }
            for s in &services {
                for port in ports(s) {
                    let opened = d.pinholes.iter().any(|p| {
                        p.from.contains(&ai)
                            && p.to.contains(&bi)
                            && p.services.iter().any(|x| {
                                x.proto == s.proto
                                    && (s.proto == 1 || (x.from <= port && port <= x.to))
                            })
                    });
                    if opened {
                        continue;
                    }
                    for ta in b.addrs() {
                        probe(
                            "isolation".to_owned(),
                            a.name.clone(),
                            b.name.clone(),
                            sa,
                            ta,
                            s,
                            port,
                            Verdict::Blocked,
                        );
                    }
                }
            }
        }
    }
    out
}
