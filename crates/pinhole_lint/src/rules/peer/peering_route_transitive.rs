use super::{outside_peer, peering_routes};
use crate::{Context, Sink, rule};

rule! {
    /// A route sends private addresses outside the peer VPC's CIDRs to a peering connection:
    /// it expects the peer to forward them on (to a third VPC, a VPN, a transit gateway), which
    /// peering never does.
    ///
    /// ## Why it matters
    /// VPC peering is not transitive: AWS drops every packet whose destination is not in the
    /// peer VPC. A–B and B–C peered does not connect A and C.
    ///
    /// ## Example
    /// In VPC A (10.0.0.0/16, peered with B 10.1.0.0/16): route `10.2.0.0/16 -> pcx-a-b`, where
    /// 10.2.0.0/16 is VPC C, peered with B only.
    ///
    /// ## Fix
    /// Peer A with C directly, or use a transit gateway.
    code: "PEER002",
    name: "peering-route-transitive",
    severity: Medium,
    covers: [
        "G1 prowler vpc_peering_routing_tables_with_least_privilege (its 'too broad' case, made exact)",
        "G1 steampipe vpc_peering_connection_route_table_least_privilege",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (rtb, r, dests, pcx, peer) in peering_routes(cx) {
        for d in &dests {
            let (_, private) = outside_peer(d, peer);
            if private.is_empty() {
                continue;
            }
            out.add(
                cx.rtb_subject(rtb),
                format!(
                    "route `{}` sends addresses outside peer VPC {} ({}) to {}; peering is not transitive",
                    pinhole_engine::route_label(cx.snap, r),
                    peer.vpc_id,
                    peer.cidrs.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "),
                    pcx.id
                ),
            );
        }
    }
}
