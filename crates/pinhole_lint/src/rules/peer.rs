//! VPC peering rules: routes on both sides, no transit, no edge-to-edge.

pub mod cross_account_peering;
pub mod peering_route_edge_to_edge;
pub mod peering_route_one_side;
pub mod peering_route_transitive;

use crate::Context;
use crate::space::{self, Family};
use ipnet::IpNet;
use pinhole_model::*;

/// Every active route via a peering connection: (table, route, destination CIDRs, the peer side).
pub fn peering_routes<'s>(
    cx: &Context<'s>,
) -> Vec<(
    RtbIx,
    &'s Route,
    Vec<IpNet>,
    &'s VpcPeeringConnection,
    &'s PeeringSide,
)> {
    let snap = cx.snap;
    let mut out = Vec::new();
    for (i, rtb) in snap.route_tables.iter().enumerate() {
        let vpc = snap.vpc(rtb.vpc);
        for r in &rtb.routes {
            let RouteTarget::Peering(id) = &r.target else {
                continue;
            };
            if r.state != RouteState::Active {
                continue;
            }
            let Some(&p) = snap.index.pcx.get(id.as_str()) else {
                continue;
            };
            let pcx = &snap.peerings[p.ix()];
            if !pcx.active() {
                continue;
            }
            let Some(peer) = pcx.peer_of(&vpc.id) else {
                continue;
            };
            let dests = match &r.dest {
                RouteDest::Cidr(c) => vec![*c],
                RouteDest::PrefixList(_, Some(pl)) => snap.prefix_lists[pl.ix()].cidrs.clone(),
                RouteDest::PrefixList(_, None) => continue,
            };
            out.push((RtbIx::from_usize(i), r, dests, pcx, peer));
        }
    }
    out
}

/// The part of `dest` outside the peer's CIDRs, split into internet and private space.
pub fn outside_peer(dest: &IpNet, peer: &PeeringSide) -> (Vec<space::Span>, Vec<space::Span>) {
    let fam = Family::of_net(dest);
    let peer_spans = space::union(
        peer.cidrs
            .iter()
            .filter(|c| Family::of_net(c) == fam)
            .map(space::span)
            .collect(),
    );
    let outside = space::minus(&[space::span(dest)], &peer_spans);
    let net = space::internet(fam);
    let internet = space::intersect(&outside, &net);
    let private = space::minus(&outside, &net);
    (internet, private)
}
