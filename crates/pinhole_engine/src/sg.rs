//! Security-group evaluation: allow-only, the union of every group on the interface.

use pinhole_model::{EniIx, Protocol, SgIx, SgPeer, SgRule, Snapshot};
use std::net::IpAddr;

/// How the other end's identity reached this interface, for group-reference rules.
#[derive(Clone, Copy, Debug, Default)]
pub struct RefScope {
    /// The packet crossed an active peering connection within one region.
    pub same_region_peering: bool,
    /// The packet crossed a transit gateway with security-group referencing enabled on the
    /// gateway and both attachments (inbound rules only).
    pub tgw_referencing: bool,
}

pub struct SgInput {
    pub proto: u8,
    pub dport: Option<u16>,
    pub icmp: Option<(u8, u8)>,
    /// The other end: the source for inbound rules, the destination for outbound rules.
    pub peer: IpAddr,
}

fn rule_matches_traffic(r: &SgRule, inp: &SgInput) -> bool {
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
    r: &SgRule,
    inbound: bool,
    inp: &SgInput,
    scope: RefScope,
) -> bool {
    match &r.peer {
        SgPeer::Cidr(c) => c.contains(&inp.peer),
        SgPeer::PrefixList(p) => snap.index.prefix_list.get(p.as_str()).is_some_and(|&pl| {
            snap.prefix_lists[pl.ix()]
                .cidrs
                .iter()
                .any(|c| c.contains(&inp.peer))
        }),
        SgPeer::Group { group, .. } => {
            let my_vpc = snap.eni(me).vpc;
            snap.enis_at(inp.peer).iter().any(|&other| {
                let o = snap.eni(other);
                let carries = o.groups.iter().any(|&g| snap.sg(g).id == *group);
                let visible = o.vpc == my_vpc
                    || scope.same_region_peering
                    || (inbound && scope.tgw_referencing);
                carries && visible
            })
        }
    }
}

/// The first group and rule (in id order, then rule order) of `eni` that admits the traffic.
pub fn allows(
    snap: &Snapshot,
    eni: EniIx,
    inbound: bool,
    inp: &SgInput,
    scope: RefScope,
) -> Option<(SgIx, usize)> {
    // Ingest keeps each interface's groups in id order.
    for &g in &snap.eni(eni).groups {
        let sg = snap.sg(g);
        let rules = if inbound { &sg.ingress } else { &sg.egress };
        for (i, r) in rules.iter().enumerate() {
            if rule_matches_traffic(r, inp) && rule_matches_peer(snap, eni, r, inbound, inp, scope)
            {
                return Some((g, i));
            }
        }
    }
    None
}
