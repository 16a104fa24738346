use super::dangling;
use crate::{Context, Sink, rule};
use pinhole_model::{RouteState, RtbIx};

rule! {
    /// An active route points at a target that cannot carry traffic: an internet gateway not
    /// attached to the VPC, a NAT gateway that is not `available`, a peering connection that is
    /// not `active`, a transit gateway the VPC has no attachment to, a stopped instance, or a
    /// target missing from the snapshot.
    ///
    /// ## Why it matters
    /// The route still wins the longest-prefix match, so traffic is sent to nothing and
    /// dropped, with no `blackhole` state to warn anyone.
    ///
    /// ## Example
    /// `rtb-0abc` route `10.2.0.0/16 -> pcx-0old` where `pcx-0old` is `deleted`.
    ///
    /// ## Fix
    /// Re-point the route at a working target or delete it.
    code: "RT002",
    name: "dangling-route-target",
    severity: Medium,
    covers: ["new: dangling routes (no scanner checks them)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, rtb) in cx.snap.route_tables.iter().enumerate() {
        for r in &rtb.routes {
            if r.state != RouteState::Active {
                continue;
            }
            if let Some(why) = dangling(cx, rtb, r) {
                out.add(
                    cx.rtb_subject(RtbIx::from_usize(i)),
                    format!(
                        "route `{}` leads nowhere: {why}",
                        pinhole_engine::route_label(cx.snap, r)
                    ),
                );
            }
        }
    }
}
