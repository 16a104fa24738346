//! Network ACL rules: evaluated by ascending rule number, first match, in IPv4 and IPv6, never
//! reporting the built-in `*` entries.

pub mod all_traffic_open_to_internet;
pub mod entry_never_matches;
pub mod ephemeral_range_too_narrow;
pub mod management_port_open_to_internet;
pub mod return_path_missing;
pub mod rule_shadowed;
pub mod subnet_nacl_denies_all;

use crate::Context;
use crate::context::{acl_allowed_ports, acl_first_match};
use crate::space::{self, Family, Span};
use ipnet::IpNet;
use pinhole_model::*;
use std::net::IpAddr;

/// Whether every packet `e` matches is matched by an earlier entry of `entries` (user entries
/// before it). Returns the earlier entries that do the matching, when it is.
pub fn shadowed_by(entries: &[AclEntry], ix: usize) -> Option<Vec<&AclEntry>> {
    let e = entries.get(ix)?;
    if e.is_default_deny() {
        return None;
    }
    let earlier: Vec<&AclEntry> = entries[..ix]
        .iter()
        .filter(|o| !o.is_default_deny())
        .filter(|o| Family::of_net(&o.cidr) == Family::of_net(&e.cidr))
        .collect();
    if earlier.is_empty() {
        return None;
    }
    // Protocol atoms: the entry's protocol, or every protocol earlier entries name plus one
    // they do not.
    let protos: Vec<u8> = match e.protocol {
        Protocol::Num(p) => vec![p],
        Protocol::All => {
            let mut v: Vec<u8> = earlier
                .iter()
                .filter_map(|o| match o.protocol {
                    Protocol::Num(p) => Some(p),
                    Protocol::All => None,
                })
                .collect();
            let other = (0..=255u8).rev().find(|p| !v.contains(p))?;
            v.push(other);
            v.sort_unstable();
            v.dedup();
            v
        }
    };
    let fam = Family::of_net(&e.cidr);
    let mut used: Vec<&AclEntry> = Vec::new();
    for p in protos {
        let rel: Vec<&AclEntry> = earlier
            .iter()
            .copied()
            .filter(|o| o.protocol.matches(p))
            .collect();
        let nets: Vec<IpNet> = rel.iter().map(|o| o.cidr).collect();
        let addr_atoms = space::atoms_within(fam, space::span(&e.cidr), &nets);
        let ported = p == Protocol::TCP || p == Protocol::UDP;
        let icmp = p == Protocol::ICMP || p == Protocol::ICMPV6;
        let (plo, phi) = match (e.protocol, e.ports) {
            (Protocol::Num(_), Some(r)) if ported => r,
            _ => (0, 65535),
        };
        let mut port_cuts: Vec<u32> = vec![u32::from(plo)];
        if ported {
            for o in &rel {
                if let (Protocol::Num(_), Some((a, b))) = (o.protocol, o.ports) {
                    for c in [u32::from(a), u32::from(b) + 1] {
                        if c > u32::from(plo) && c <= u32::from(phi) {
                            port_cuts.push(c);
                        }
                    }
                }
            }
        }
        port_cuts.sort_unstable();
        port_cuts.dedup();
        for &(alo, _) in &addr_atoms {
            let a = space::addr(fam, alo);
            for &pc in &port_cuts {
                let port = u16::try_from(pc).unwrap_or(u16::MAX);
                let hit = rel.iter().copied().find(|o| {
                    o.cidr.contains(&a)
                        && (!ported
                            || match (o.protocol, o.ports) {
                                (Protocol::Num(_), Some((x, y))) => x <= port && port <= y,
                                _ => true,
                            })
                        && (!icmp || icmp_covers(o, e))
                });
                match hit {
                    Some(o) => {
                        if !used.iter().any(|u| u.rule_number == o.rule_number) {
                            used.push(o);
                        }
                    }
                    None => return None,
                }
            }
        }
    }
    used.sort_by_key(|u| u.rule_number);
    Some(used)
}

/// Whether ICMP entry `o` matches every ICMP message `e` matches.
fn icmp_covers(o: &AclEntry, e: &AclEntry) -> bool {
    match (o.protocol, o.icmp, e.icmp) {
        (Protocol::All, _, _) | (_, None, _) => true,
        (_, Some((-1, _)), _) => true,
        (_, Some(_), None) => false,
        (_, Some((ot, oc)), Some((et, ec))) => ot == et && (oc == -1 || oc == ec),
    }
}

/// The representative addresses of the partition of `within` by every CIDR of both directions of
/// a NACL: each stands for addresses all of the NACL's entries treat alike.
pub fn atoms_of(acl: &NetworkAcl, within: &IpNet) -> Vec<(IpAddr, Span)> {
    let fam = Family::of_net(within);
    let mut nets: Vec<IpNet> = acl
        .inbound
        .iter()
        .chain(&acl.outbound)
        .map(|e| e.cidr)
        .collect();
    nets.extend(space::non_internet_nets(fam));
    space::atoms_within(fam, space::span(within), &nets)
        .into_iter()
        .map(|s| {
            let rep = space::representative(fam, s, &|_| false).unwrap_or(space::addr(fam, s.0));
            (rep, s)
        })
        .filter(|(rep, _)| can_be_peer(*rep))
        .collect()
}

/// An address a host could have: internet, private or shared (not loopback, link-local,
/// multicast or `0.0.0.0/8`).
fn can_be_peer(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(_) => is_internet(a) || is_rfc1918(a) || is_rfc6598(a),
        IpAddr::V6(v6) => is_internet(a) || (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

/// Whether inbound TCP `port` is admitted from every internet address of family `fam`, after
/// first match, with at least one entry naming the port (not an all-traffic entry); with the
/// entries that admit it.
pub fn open_to_internet(
    acl: &NetworkAcl,
    proto: u8,
    port: u16,
    fam: Family,
) -> Option<Vec<String>> {
    let nets: Vec<IpNet> = acl.inbound.iter().map(|e| e.cidr).collect();
    let atoms = space::internet_atoms(fam, &nets);
    if atoms.is_empty() {
        return None;
    }
    let mut labels = Vec::new();
    let mut named = false;
    for (lo, _) in atoms {
        let a = space::addr(fam, lo);
        let e = acl_first_match(&acl.inbound, proto, a, port)?;
        if e.action != RuleAction::Allow {
            return None;
        }
        // An entry naming the port or a short range; a wide range (1024-65535) is the
        // ephemeral reply entry every NACL needs, not an opening of this service.
        named |= e.protocol != Protocol::All && e.ports.is_some_and(|(a, b)| b - a < 1024);
        let l = e.label(false);
        if !labels.contains(&l) {
            labels.push(l);
        }
    }
    named.then_some(labels)
}

/// A client population: its source-port range and who it is, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clients {
    pub range: (u16, u16),
    pub who: String,
}

/// A return-path problem of one request-admitting NACL entry.
#[derive(Clone, Debug)]
pub struct ReturnGap {
    pub acl: AclIx,
    /// The request entry, by direction: `true` when it is outbound (clients in the subnets).
    pub egress: bool,
    pub entry: String,
    /// The request entry's protocol and first port.
    pub proto: u8,
    pub port: u16,
    pub clients: Clients,
    /// A representative server address that shows the gap.
    pub peer: IpAddr,
    /// Reply ports that pass; empty when none do.
    pub allowed: PortSet,
    /// The reverse-direction entries that drop the rest.
    pub dropped_by: Vec<String>,
}

/// Request entries of every NACL in use whose replies cannot come back through the same NACL
/// on the clients' whole ephemeral range.
///
/// A request entry is an ALLOW for TCP or UDP on a service port or a short range (under 1,024
/// ports; wider ranges are themselves reply rules). Clients are, for an outbound entry, the
/// interfaces of the subnets using the NACL (a NAT gateway, Lambda and load balancers pick from
/// 1024-65535, Linux 32768-60999, Windows 49152-65535); for an inbound entry, internet hosts
/// (1024-65535) or the interfaces of the VPC at those addresses.
pub fn return_gaps<'c>(cx: &'c Context<'_>) -> &'c [ReturnGap] {
    cx.return_gaps.get_or_init(|| compute_return_gaps(cx))
}

fn compute_return_gaps(cx: &Context<'_>) -> Vec<ReturnGap> {
    let snap = cx.snap;
    let mut out = Vec::new();
    for (ai, acl) in snap.network_acls.iter().enumerate() {
        let subnets = &cx.acl_subnets[ai];
        if subnets.is_empty() {
            continue;
        }
        let inside: Vec<IpNet> = subnets
            .iter()
            .flat_map(|&s| snap.subnet(s).cidrs.iter().copied())
            .collect();
        let vpc_has_v6 = snap
            .vpc(acl.vpc)
            .cidrs
            .iter()
            .any(|c| matches!(c, IpNet::V6(_)));
        let local_clients = clients_of(
            cx,
            subnets
                .iter()
                .flat_map(|&s| cx.subnet_enis[s.ix()].iter().copied()),
        );
        for egress in [true, false] {
            let (fwd, rev) = if egress {
                (&acl.outbound, &acl.inbound)
            } else {
                (&acl.inbound, &acl.outbound)
            };
            for e in fwd.iter() {
                let proto = match e.protocol {
                    Protocol::Num(p @ (6 | 17)) => p,
                    _ => continue,
                };
                let Some((a, b)) = e.ports else { continue };
                if e.action != RuleAction::Allow || b - a >= 1024 {
                    continue;
                }
                // An IPv6 entry in an IPv4-only VPC never matches (`NACL007`).
                if matches!(e.cidr, IpNet::V6(_)) && !vpc_has_v6 {
                    continue;
                }
                for (peer, span) in atoms_of(acl, &e.cidr) {
                    // Only where this entry decides, and only for traffic that leaves the subnets.
                    if acl_first_match(fwd, proto, peer, a).map(|f| f.rule_number)
                        != Some(e.rule_number)
                    {
                        continue;
                    }
                    if inside.iter().any(|n| {
                        n.contains(&peer) && n.contains(&space::addr(Family::of_net(n), span.1))
                    }) {
                        continue;
                    }
                    let clients = if egress {
                        local_clients.clone()
                    } else if pinhole_model::is_internet(peer) {
                        vec![Clients {
                            range: (1024, 65535),
                            who: "internet hosts".into(),
                        }]
                    } else {
                        remote_clients(cx, acl.vpc, peer, span)
                    };
                    for c in clients {
                        let want = PortSet::range(c.range.0, c.range.1);
                        let (allowed, decided) = acl_allowed_ports(rev, proto, peer, &want);
                        if allowed == want {
                            continue;
                        }
                        let dropped_by = decided
                            .iter()
                            .filter(|d| d.1 == RuleAction::Deny)
                            .filter_map(|d| rev.iter().find(|x| x.rule_number == d.0))
                            .map(|x| x.label(!egress))
                            .collect::<Vec<_>>();
                        out.push(ReturnGap {
                            acl: AclIx::from_usize(ai),
                            egress,
                            entry: e.label(egress),
                            proto,
                            port: a,
                            clients: c,
                            peer,
                            allowed: allowed.clone(),
                            dropped_by,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The client populations among `enis`, by source-port range; Linux instances when none.
fn clients_of(cx: &Context<'_>, enis: impl Iterator<Item = EniIx>) -> Vec<Clients> {
    let mut by_range: std::collections::BTreeMap<(u16, u16), Vec<String>> = Default::default();
    for e in enis {
        let eni = cx.snap.eni(e);
        let who = match &eni.kind {
            EniKind::NatGateway => "NAT gateway",
            EniKind::Lambda => "Lambda",
            EniKind::LoadBalancer => "load balancer",
            EniKind::Instance => {
                if cx.client_ports(e) == (49152, 65535) {
                    "Windows instances"
                } else {
                    "Linux instances"
                }
            }
            EniKind::Rds => "RDS",
            _ => "other interfaces",
        };
        let v = by_range.entry(cx.client_ports(e)).or_default();
        if !v.iter().any(|w| w == who) {
            v.push(who.to_string());
        }
    }
    if by_range.is_empty() {
        return vec![Clients {
            range: (32768, 60999),
            who: "Linux instances (assumed)".into(),
        }];
    }
    by_range
        .into_iter()
        .map(|(range, who)| Clients {
            range,
            who: who.join(", "),
        })
        .collect()
}

/// Clients at `span` inside the NACL's VPC: the interfaces there, or Linux instances.
fn remote_clients(cx: &Context<'_>, vpc: VpcIx, peer: IpAddr, span: Span) -> Vec<Clients> {
    let fam = Family::of_addr(peer);
    let enis = cx
        .snap
        .vpc(vpc)
        .subnets
        .iter()
        .flat_map(|&s| cx.subnet_enis[s.ix()].iter().copied())
        .filter(|&e| {
            cx.snap.eni(e).private_ips.iter().any(|p| {
                Family::of_addr(p.addr) == fam && {
                    let v = space::int(p.addr);
                    span.0 <= v && v <= span.1
                }
            })
        });
    clients_of(cx, enis)
}

/// A connection between the snapshot's own interfaces and the gap's peer that the engine finds
/// broken by this NACL (blocked by it, or partial with ports it drops): the evidence that the gap
/// is on a path traffic takes. `None` when no such connection exists now (the gap is latent).
pub fn witness(cx: &Context<'_>, g: &ReturnGap) -> Option<(String, pinhole_engine::Trace)> {
    use pinhole_engine::{Options, Question, Verdict, trace};
    let snap = cx.snap;
    let acl = snap.acl(g.acl);
    let local: Vec<EniIx> = cx.acl_subnets[g.acl.ix()]
        .iter()
        .flat_map(|s| cx.subnet_enis[s.ix()].iter().copied())
        .collect();
    let vpc: Vec<EniIx> = snap
        .vpc(acl.vpc)
        .subnets
        .iter()
        .flat_map(|s| cx.subnet_enis[s.ix()].iter().copied())
        .filter(|e| !local.contains(e))
        .collect();
    let client_kind = |e: EniIx| {
        matches!(snap.eni(e).kind, EniKind::Instance | EniKind::Lambda) && snap.eni_live(e)
    };
    let pairs: Vec<(IpAddr, IpAddr)> = if g.egress {
        local
            .iter()
            .chain(&vpc)
            .copied()
            .filter(|&e| client_kind(e))
            .filter_map(|e| snap.eni(e).primary_ip())
            .filter(|a| a.is_ipv4() == g.peer.is_ipv4())
            .map(|a| (a, g.peer))
            .take(32)
            .collect()
    } else {
        local
            .iter()
            .copied()
            .filter(|&e| snap.eni_live(e) && snap.eni(e).kind != EniKind::NatGateway)
            .filter_map(|e| {
                let eni = snap.eni(e);
                if is_internet(g.peer) {
                    eni.private_ips
                        .iter()
                        .find_map(|p| p.public)
                        .map(IpAddr::V4)
                } else {
                    eni.primary_ip()
                }
            })
            .filter(|a| a.is_ipv4() == g.peer.is_ipv4())
            .map(|a| (g.peer, a))
            .take(32)
            .collect()
    };
    let fast = Options {
        record_hops: false,
        ..Options::default()
    };
    for (src, dst) in pairs {
        let q = Question {
            src,
            dst,
            proto: g.proto,
            port: Some(g.port),
            src_port: None,
            icmp_type: None,
            icmp_code: None,
        };
        let t = trace(snap, &q, &fast);
        let by_this = match t.verdict {
            Verdict::Blocked => t
                .decided_by
                .as_ref()
                .is_some_and(|d| d.kind == "network-acl" && d.id == acl.id.as_str()),
            Verdict::Partial => t.partial.as_ref().is_some_and(|p| {
                p.cuts
                    .iter()
                    .flat_map(|c| &c.failing)
                    .any(|(_, rule)| rule.starts_with(acl.id.as_str()))
            }),
            _ => false,
        };
        if by_this {
            let what = format!("{src} -> {dst} {} {}", proto_name(g.proto), g.port);
            return Some((what, trace(snap, &q, &Options::default())));
        }
    }
    None
}

/// The witness as evidence lines, or the latent note; lowers the finding to medium when latent.
pub fn attach_witness(f: &mut crate::Finding, w: Option<(String, pinhole_engine::Trace)>) {
    match w {
        Some((what, t)) => {
            f.because(format!("engine: {what}: {} ({})", t.verdict, t.reason));
            if let Some(d) = &t.decided_by {
                let rule = d.rule.as_deref().unwrap_or("");
                f.because(format!(
                    "engine: decided by {} {} on the {}: {rule}",
                    d.kind, d.id, d.direction
                ));
            }
        }
        None => {
            f.at_severity(crate::Severity::Medium);
            f.because("engine: no connection between the snapshot's interfaces and these peers crosses the entry now (latent)");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn e(
        n: u32,
        action: RuleAction,
        proto: Protocol,
        cidr: &str,
        ports: Option<(u16, u16)>,
    ) -> AclEntry {
        AclEntry {
            rule_number: n,
            action,
            protocol: proto,
            cidr: cidr.parse().unwrap(),
            ports,
            icmp: None,
        }
    }
    const A: RuleAction = RuleAction::Allow;
    const D: RuleAction = RuleAction::Deny;
    const TCP: Protocol = Protocol::Num(6);

    fn with_defaults(mut v: Vec<AclEntry>) -> Vec<AclEntry> {
        v.push(e(32767, D, Protocol::All, "0.0.0.0/0", None));
        v.push(e(32768, D, Protocol::All, "::/0", None));
        v
    }

    #[test]
    fn a_deny_after_allow_all_is_shadowed_and_the_star_never() {
        let v = with_defaults(vec![
            e(100, A, Protocol::All, "0.0.0.0/0", None),
            e(200, D, TCP, "0.0.0.0/0", Some((22, 22))),
        ]);
        let by = shadowed_by(&v, 1).unwrap();
        assert_eq!(by[0].rule_number, 100);
        assert!(
            shadowed_by(&v, 2).is_none(),
            "the built-in * is never reported"
        );
        assert!(
            shadowed_by(&v, 3).is_none(),
            "IPv6 * is not shadowed by IPv4 rules"
        );
    }

    #[test]
    fn partial_cover_is_not_shadowing() {
        // 100 covers ports 0-1023 only; 200 spans 0-2000: not shadowed.
        let v = with_defaults(vec![
            e(100, A, TCP, "0.0.0.0/0", Some((0, 1023))),
            e(200, D, TCP, "0.0.0.0/0", Some((0, 2000))),
        ]);
        assert!(shadowed_by(&v, 1).is_none());
        // Two earlier entries that together cover it: shadowed.
        let v = with_defaults(vec![
            e(100, A, TCP, "0.0.0.0/1", Some((0, 65535))),
            e(110, A, TCP, "128.0.0.0/1", None),
            e(200, D, TCP, "10.0.0.0/8", Some((22, 22))),
            e(210, D, TCP, "200.0.0.0/8", Some((22, 22))),
        ]);
        assert_eq!(shadowed_by(&v, 2).unwrap()[0].rule_number, 100);
        assert_eq!(shadowed_by(&v, 3).unwrap()[0].rule_number, 110);
        // An all-protocol entry is not covered by TCP entries alone.
        let v = with_defaults(vec![
            e(100, A, TCP, "0.0.0.0/0", None),
            e(200, D, Protocol::All, "0.0.0.0/0", None),
        ]);
        assert!(shadowed_by(&v, 1).is_none());
    }

    #[test]
    fn open_to_internet_honours_rule_order_and_names_the_port() {
        let acl = |inbound: Vec<AclEntry>| NetworkAcl {
            id: "acl-t".into(),
            vpc: VpcIx(0),
            tags: Vec::new(),
            is_default: false,
            inbound: with_defaults(inbound),
            outbound: with_defaults(Vec::new()),
            origin: Origin::default(),
        };
        let open = acl(vec![e(100, A, TCP, "0.0.0.0/0", Some((22, 22)))]);
        assert!(open_to_internet(&open, 6, 22, Family::V4).is_some());
        assert!(open_to_internet(&open, 6, 22, Family::V6).is_none());
        let denied_first = acl(vec![
            e(90, D, TCP, "0.0.0.0/0", Some((22, 22))),
            e(100, A, TCP, "0.0.0.0/0", Some((22, 22))),
        ]);
        assert!(open_to_internet(&denied_first, 6, 22, Family::V4).is_none());
        // Private ranges denied first do not close it to the internet.
        let private_denied = acl(vec![
            e(90, D, TCP, "10.0.0.0/8", Some((22, 22))),
            e(100, A, TCP, "0.0.0.0/0", Some((22, 22))),
        ]);
        assert!(open_to_internet(&private_denied, 6, 22, Family::V4).is_some());
        // The ephemeral reply range is not an opening of 22's neighbours.
        let reply = acl(vec![e(100, A, TCP, "0.0.0.0/0", Some((1024, 65535)))]);
        assert!(open_to_internet(&reply, 6, 3389, Family::V4).is_none());
    }
}
