//! Security-group evaluation: allow-only, the union of every group on the interface.

use pinhole_model::{EniIx, Protocol, SgIx, SgPeerHot, SgRuleHot, Snapshot, net_contains};
use std::net::IpAddr;

/// How the other end's identity reached this interface, for group-reference rules.
#[derive(Clone, Copy, Debug, Default)]
pub struct RefScope {
    /// The packet crossed an active peering connection within one region.
    pub same_region_peering: bool,
    /// The packet crossed a transit gateway with security-group referencing enabled on the
    /// gateway and both attachments (inbound rules only).
    pub tgw_referencing: bool,
    /// The packet was forwarded by this load balancer node, whose security groups a target's
    /// group-reference rules match whatever the source address (client IP preservation).
    pub lb_node: Option<EniIx>,
}

pub struct SgInput {
    pub proto: u8,
    pub dport: Option<u16>,
    pub icmp: Option<(u8, u8)>,
    /// The other end: the source for inbound rules, the destination for outbound rules.
    pub peer: IpAddr,
}

fn rule_matches_traffic(r: &SgRuleHot, inp: &SgInput) -> bool {
    if !r.protocol.matches(inp.proto) {
        return false;
    }
    match r.protocol {
        Protocol::Num(6 | 17) => match (r.ports, inp.dport) {
            (Some((a, b)), Some(p)) => a <= p && p <= b,
            _ => true,
        },
        Protocol::Num(1 | 58) => match (r.icmp, inp.icmp) {
            (Some((t, c)), Some((pt, pc))) => {
                (t == -1 || t == i32::from(pt)) && (c == -1 || c == i32::from(pc))
            }
            _ => true,
        },
        _ => true,
    }
}

fn rule_matches_peer(
    snap: &Snapshot,
    me: EniIx,
    r: &SgRuleHot,
    inbound: bool,
    inp: &SgInput,
    scope: RefScope,
) -> bool {
    match r.peer {
        SgPeerHot::Cidr(c) => net_contains(&c, inp.peer),
        SgPeerHot::PrefixList(pl) => pl.is_some_and(|pl| {
            snap.prefix_lists[pl.ix()]
                .cidrs
                .iter()
                .any(|c| c.contains(&inp.peer))
        }),
        SgPeerHot::Group(key) => {
            let my_vpc = snap.eni_hot(me).vpc;
            snap.enis_at(inp.peer).iter().any(|&other| {
                // Interned ids: equal keys are equal group ids.
                let carries = snap.eni_groups(other).iter().any(|(_, g)| g.key == key);
                let visible = snap.eni_hot(other).vpc == my_vpc
                    || scope.same_region_peering
                    || (inbound && scope.tgw_referencing);
                carries && visible
            }) || scope
                .lb_node
                .is_some_and(|n| inbound && snap.eni_groups(n).iter().any(|(_, g)| g.key == key))
        }
    }
}

/// The first group and rule (in id order, then rule order) of `eni` that admits the traffic.
/// Reads the packed rules of [`pinhole_model::HotTables`]; the rule index is the same as in
/// the group's `ingress` or `egress`.
pub fn allows(
    snap: &Snapshot,
    eni: EniIx,
    inbound: bool,
    inp: &SgInput,
    scope: RefScope,
) -> Option<(SgIx, usize)> {
    // Ingest keeps each interface's groups in id order.
    for (g, hot) in snap.eni_groups(eni) {
        for (i, r) in snap.sg_rules_hot(hot, inbound).iter().enumerate() {
            if rule_matches_traffic(r, inp) && rule_matches_peer(snap, eni, r, inbound, inp, scope)
            {
                return Some((*g, i));
            }
        }
    }
    None
}
