//! Exposure: whether the internet can actually open a connection to an instance or database on
//! a sensitive port, computed by the concrete engine over routes, NACLs and security groups
//! (request and reply), with the trace as evidence.
//!
//! Exact rather than sampled: the candidate internet sources are one representative address per
//! atom of the partition of internet space that every CIDR the decision can depend on induces
//! (the interface's security-group rules, its subnet's NACL entries and routes, and the VPC
//! CIDRs), so every source the configuration can tell apart is tried.

pub mod admin_port_reachable_from_internet;
pub mod data_port_reachable_from_internet;
pub mod database_in_public_subnet;
pub mod instance_with_public_ip;
pub mod risky_port_reachable_from_internet;

use crate::Context;
use crate::context::sg_rule_allows_port;
use crate::space::{self, Family};
use ipnet::IpNet;
use pinhole_engine::{Options, Question, Trace, Verdict, trace};
use pinhole_model::*;
use std::net::IpAddr;

/// An interface and port the internet reaches.
pub struct Exposure {
    pub dst: IpAddr,
    pub proto: u8,
    pub port: u16,
    /// The witness: one source the connection works from, and its trace.
    pub src: IpAddr,
    pub trace: Trace,
    /// Every internet source the connection works from (sorted, disjoint).
    pub reach: Vec<space::Span>,
    /// Whether `reach` is every internet source tried: the whole internet of the family, less
    /// the snapshot's own VPC ranges.
    pub everyone: bool,
}

impl Exposure {
    /// `every internet address`, or the ranges (up to four) it is reachable from.
    pub fn sources(&self) -> String {
        if self.everyone {
            return "every internet address".to_string();
        }
        let fam = Family::of_addr(self.dst);
        let nets: Vec<String> = self
            .reach
            .iter()
            .flat_map(|&s| space::cidrs_of(fam, s))
            .map(|n| n.to_string())
            .collect();
        if nets.len() > 4 {
            format!(
                "{} and {} more ranges",
                nets[..4].join(", "),
                nets.len() - 4
            )
        } else {
            nets.join(", ")
        }
    }

    /// The severity for this reach: the rule's own for the whole internet or more than a
    /// /16 of it, two steps lower for narrower ranges (an admin's office, a partner).
    pub fn graded(&self, full: crate::Severity) -> crate::Severity {
        use crate::Severity::*;
        let wide: u128 = match Family::of_addr(self.dst) {
            Family::V4 => 1 << 16,
            Family::V6 => 1 << 80,
        };
        if self.everyone || space::size(&self.reach) > wide {
            return full;
        }
        match full {
            Critical => Medium,
            High => Low,
            _ => Info,
        }
    }
}

/// The internet-facing destination addresses of an interface: its public IPv4 addresses and
/// its global IPv6 addresses.
fn public_addresses(eni: &NetworkInterface) -> Vec<IpAddr> {
    let mut v: Vec<IpAddr> = eni
        .private_ips
        .iter()
        .filter_map(|p| p.public.map(IpAddr::V4))
        .collect();
    v.extend(eni.ipv6.iter().copied().filter(|a| is_internet(*a)));
    v
}

/// Every (port) of `ports` on which the internet reaches `e`: one witness each.
pub fn exposures_of(cx: &Context<'_>, e: EniIx, ports: &[(u8, u16)]) -> Vec<Exposure> {
    let snap = cx.snap;
    let eni = snap.eni(e);
    if !snap.eni_live(e) {
        return Vec::new();
    }
    let dsts = public_addresses(eni);
    if dsts.is_empty() {
        return Vec::new();
    }
    let subnet = snap.subnet(eni.subnet);
    let mut context_nets: Vec<IpNet> = Vec::new();
    if let Some(a) = subnet.network_acl {
        let acl = snap.acl(a);
        context_nets.extend(acl.inbound.iter().chain(&acl.outbound).map(|x| x.cidr));
    }
    if let Some(r) = subnet.route_table {
        for route in &snap.rtb(r).routes {
            match &route.dest {
                RouteDest::Cidr(c) => context_nets.push(*c),
                RouteDest::PrefixList(_, Some(pl)) => {
                    context_nets.extend(snap.prefix_lists[pl.ix()].cidrs.iter().copied())
                }
                RouteDest::PrefixList(_, None) => {}
            }
        }
    }
    // VPC CIDRs outside internet space cut no internet atom: only the others split them.
    context_nets.extend(cx.vpc_internet_nets.iter().copied());
    let avoid = |a: IpAddr| {
        let taken = match a {
            IpAddr::V4(v4) => {
                snap.index.public_ip.contains_key(&v4)
                    || snap.index.dead_public_ip.contains_key(&v4)
            }
            IpAddr::V6(_) => !snap.enis_at(a).is_empty(),
        };
        taken || cx.in_some_vpc(a)
    };
    let fast = Options {
        record_hops: false,
        ..Options::default()
    };
    let mut out = Vec::new();
    for &dst in &dsts {
        let fam = Family::of_addr(dst);
        for &(proto, port) in ports {
            // Only rules admitting the port from some internet address can let it in.
            let sg_nets: Vec<IpNet> = eni
                .groups
                .iter()
                .flat_map(|&g| snap.sg(g).ingress.iter())
                .filter(|r| sg_rule_allows_port(r, proto, port))
                .flat_map(|r| cx.peer_cidrs(&r.peer))
                .filter(|n| Family::of_net(n) == fam)
                .collect();
            if space::internet_part(fam, &sg_nets).is_empty() {
                continue;
            }
            let nets: Vec<IpNet> = sg_nets.iter().chain(&context_nets).copied().collect();
            let mut reach: Vec<space::Span> = Vec::new();
            // Atoms a source was tried from (not those inside the snapshot's own VPCs).
            let mut tried: Vec<space::Span> = Vec::new();
            let mut witness: Option<(IpAddr, Question)> = None;
            for atom in space::internet_atoms(fam, &nets) {
                let Some(src) = space::representative(fam, atom, &avoid) else {
                    continue;
                };
                tried.push(atom);
                let q = Question {
                    src,
                    dst,
                    proto,
                    port: Some(port),
                    src_port: None,
                    icmp_type: None,
                    icmp_code: None,
                };
                let t = trace(snap, &q, &fast);
                if matches!(t.verdict, Verdict::Reachable | Verdict::Partial) {
                    reach.push(atom);
                    witness.get_or_insert((src, q));
                }
            }
            if let Some((src, q)) = witness {
                let reach = space::union(reach);
                let everyone = space::minus(&space::union(tried), &reach).is_empty();
                out.push(Exposure {
                    dst,
                    proto,
                    port,
                    src,
                    trace: trace(snap, &q, &Options::default()),
                    reach,
                    everyone,
                });
            }
        }
    }
    out
}

/// The trace as evidence lines: verdict, then each hop of request and reply.
pub fn evidence(x: &Exposure) -> Vec<String> {
    let mut v = vec![format!(
        "{} -> {} {} {}: {} ({})",
        x.src,
        x.dst,
        proto_name(x.proto),
        x.port,
        x.trace.verdict,
        x.trace.reason
    )];
    for (dir, hops) in [("request", &x.trace.request), ("reply", &x.trace.reply)] {
        for h in hops.iter() {
            let mut line = if h.kind == h.id {
                format!("{dir}: {} {}", h.kind, h.decision)
            } else {
                format!("{dir}: {} {} {}", h.kind, h.id, h.decision)
            };
            if let Some(r) = &h.rule {
                line.push_str(&format!(": {r}"));
            }
            v.push(line);
        }
    }
    v
}

/// Interfaces of running instances.
pub fn instance_enis(cx: &Context<'_>) -> Vec<EniIx> {
    (0..cx.snap.enis.len())
        .map(EniIx::from_usize)
        .filter(|&e| cx.snap.eni(e).kind == EniKind::Instance && cx.snap.eni(e).instance.is_some())
        .collect()
}
