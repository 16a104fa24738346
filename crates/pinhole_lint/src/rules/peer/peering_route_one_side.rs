use crate::{Context, Sink, rule};
use ipnet::IpNet;
use pinhole_model::*;
use std::collections::BTreeMap;
use std::net::IpAddr;

rule! {
    /// An active peering connection is routed on one side only: a subnet of one VPC routes a
    /// subnet of the peer VPC to the peering, but that subnet's route table does not route the
    /// first subnet back through the same peering, while a security group there admits it.
    ///
    /// Routes are compared by longest-prefix match for every pair of subnets, so a table that
    /// sends the peer's range to a NAT gateway's `0.0.0.0/0` is caught as well as one with no
    /// route at all. The engine then follows one such connection (from an interface of the
    /// source subnet to the admitting interface, on the admitted port) and its verdict is
    /// attached as evidence. The security-group condition (a rule naming private addresses of the
    /// first subnet; rules open to the internet do not count) keeps the finding to flows
    /// someone meant.
    ///
    /// ## Why it matters
    /// Requests arrive; the replies follow the other table's default route and die. Both
    /// teams see "their" side configured correctly.
    ///
    /// ## Example
    /// Accounts VPC routes `10.2.0.0/16 -> pcx-0am`; in the mail VPC only `mail-api-b-rt` routes
    /// `10.1.0.0/16 -> pcx-0am`, `mail-api-a-rt` does not, and `mail-api-sg` admits 10.1.0.0/16.
    ///
    /// ## Fix
    /// Add the return route (`10.1.0.0/16 -> pcx-0am`) to every table of the peer's subnets
    /// that should talk back.
    code: "PEER001",
    name: "peering-route-one-side",
    severity: High,
    covers: ["§1.4 missing return routes on the peer side (no scanner checks them)"],
    check: check,
}

/// An address of the subnet to look routes up with: its first usable IPv4 address.
fn rep(sn: &Subnet) -> Option<(IpAddr, IpNet)> {
    let c = sn.cidrs.iter().find(|c| matches!(c, IpNet::V4(_)))?;
    let IpNet::V4(n) = c else { return None };
    let a = u32::from(n.network()).saturating_add(4);
    Some((IpAddr::V4(std::net::Ipv4Addr::from(a)), *c))
}

fn via(r: Option<&Route>, pcx: &VpcPeeringConnectionId) -> bool {
    matches!(r, Some(Route { target: RouteTarget::Peering(p), state: RouteState::Active, .. }) if p == pcx)
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let snap = cx.snap;
    // (table, peering) -> examples
    let mut found: BTreeMap<(RtbIx, String), Vec<String>> = BTreeMap::new();
    let mut witnesses: BTreeMap<(RtbIx, String), Vec<String>> = BTreeMap::new();
    for pcx in &snap.peerings {
        if !pcx.active() {
            continue;
        }
        let (Some(req), Some(acc)) = (pcx.requester.vpc, pcx.accepter.vpc) else {
            continue;
        };
        for (a, b) in [(req, acc), (acc, req)] {
            for &sa in &snap.vpc(a).subnets {
                let sna = snap.subnet(sa);
                let (Some(rta), Some((addr_a, net_a))) = (sna.route_table, rep(sna)) else {
                    continue;
                };
                for &sb in &snap.vpc(b).subnets {
                    let snb = snap.subnet(sb);
                    let (Some(rtb), Some((addr_b, _))) = (snb.route_table, rep(snb)) else {
                        continue;
                    };
                    if !via(cx.route(rta, addr_b), &pcx.id) || via(cx.route(rtb, addr_a), &pcx.id) {
                        continue;
                    }
                    // Someone meant traffic from `a` to reach `b`: a group in `sb` admits it.
                    let intent = cx.subnet_enis[sb.ix()].iter().find_map(|&e| {
                        snap.eni(e).groups.iter().find_map(|&g| {
                            let sg = snap.sg(g);
                            sg.ingress.iter().find_map(|r| {
                                // A rule naming private addresses of the source subnet; a
                                // rule open to the internet shows no intent about the peer.
                                let hit = cx.peer_cidrs(&r.peer).iter().any(|c| {
                                    (c.contains(&net_a.network()) || net_a.contains(&c.network()))
                                        && crate::space::internet_part(
                                            crate::space::Family::of_net(c),
                                            [c],
                                        )
                                        .is_empty()
                                });
                                hit.then(|| {
                                    (
                                        e,
                                        r.clone(),
                                        format!("{} admits `{}`", sg.id, r.label(true)),
                                    )
                                })
                            })
                        })
                    });
                    let Some((server, rule, intent)) = intent else {
                        continue;
                    };
                    if let std::collections::btree_map::Entry::Vacant(slot) =
                        witnesses.entry((rtb, pcx.id.to_string()))
                        && let Some(w) = witness(cx, sa, server, &rule)
                    {
                        slot.insert(w);
                    }
                    let back = cx
                        .route(rtb, addr_a)
                        .map(|r| format!("`{}`", pinhole_engine::route_label(snap, r)))
                        .unwrap_or_else(|| "no route".to_string());
                    found
                        .entry((rtb, pcx.id.to_string()))
                        .or_default()
                        .push(format!(
                            "{} ({}) routes {} ({}) to {}, but replies to {} take {back}; {intent}",
                            sna.id,
                            net_a,
                            snb.id,
                            snb.cidrs.first().map(|c| c.to_string()).unwrap_or_default(),
                            pcx.id,
                            net_a
                        ));
                }
            }
        }
    }
    for ((rtb, pcx), mut examples) in found {
        examples.sort();
        examples.dedup();
        let f = out.add(
            cx.rtb_subject(rtb),
            format!("no return route through peering {pcx} for traffic its peer routes here ({} subnet pairs)", examples.len()),
        );
        for e in examples.into_iter().take(5) {
            f.because(e);
        }
        for w in witnesses.remove(&(rtb, pcx)).unwrap_or_default() {
            f.because(w);
        }
    }
}

/// The engine's verdict on a connection the finding says is broken: from a live interface of
/// the source subnet to `server`, on the port the server's rule admits.
fn witness(cx: &Context<'_>, from: SubnetIx, server: EniIx, rule: &SgRule) -> Option<Vec<String>> {
    use pinhole_engine::{Options, Question, trace};
    let snap = cx.snap;
    let src = cx.subnet_enis[from.ix()]
        .iter()
        .copied()
        .filter(|&e| {
            snap.eni_live(e) && matches!(snap.eni(e).kind, EniKind::Instance | EniKind::Lambda)
        })
        .find_map(|e| snap.eni(e).primary_ip())?;
    let dst = snap.eni(server).primary_ip()?;
    let (proto, port) = match (rule.protocol, rule.ports) {
        (Protocol::Num(p @ (6 | 17)), Some((a, _))) => (p, Some(a)),
        (Protocol::Num(p @ (6 | 17)), None) => (p, Some(443)),
        (Protocol::All, _) => (Protocol::TCP, Some(443)),
        (Protocol::Num(p), _) => (p, None),
    };
    let q = Question {
        src,
        dst,
        proto,
        port,
        src_port: None,
        icmp_type: None,
        icmp_code: None,
    };
    q.validate().ok()?;
    let t = trace(snap, &q, &Options::default());
    let mut v = vec![format!(
        "engine: {src} -> {dst} {}{}: {} ({})",
        proto_name(proto),
        port.map(|p| format!(" {p}")).unwrap_or_default(),
        t.verdict,
        t.reason
    )];
    if let Some(d) = &t.decided_by {
        v.push(format!(
            "engine: decided by {} {} on the {}{}",
            d.kind,
            d.id,
            d.direction,
            d.rule
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ));
    }
    Some(v)
}
