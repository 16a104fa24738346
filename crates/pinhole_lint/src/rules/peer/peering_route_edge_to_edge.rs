use super::{outside_peer, peering_routes};
use crate::{Context, Sink, rule};

rule! {
    /// A route sends internet addresses (a default route, say) to a peering connection,
    /// expecting to use the peer VPC's internet gateway, NAT gateway or VPN: edge-to-edge
    /// routing, which AWS does not do through peering.
    ///
    /// ## Why it matters
    /// Every packet for those destinations is dropped at the peering connection; the route
    /// also hides whatever broader route would have worked.
    ///
    /// ## Example
    /// `rtb-0spoke` route `0.0.0.0/0 -> pcx-0hub`, meant to share the hub's NAT gateway.
    ///
    /// ## Fix
    /// Give the VPC its own NAT gateway, or centralise egress through a transit gateway.
    code: "PEER003",
    name: "peering-route-edge-to-edge",
    severity: Medium,
    covers: [
        "G1 checkov CKV2_AWS_44 (0.0.0.0/0 or ::/0 via peering)",
        "G1 prowler vpc_peering_routing_tables_with_least_privilege (0.0.0.0/0 case)",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (rtb, r, dests, pcx, peer) in peering_routes(cx) {
        for d in &dests {
            let (internet, _) = outside_peer(d, peer);
            if internet.is_empty() {
                continue;
            }
            out.add(
                cx.rtb_subject(rtb),
                format!(
                    "route `{}` sends internet addresses to {}; the peer's gateways cannot be used edge-to-edge",
                    pinhole_engine::route_label(cx.snap, r),
                    pcx.id
                ),
            );
        }
    }
}
