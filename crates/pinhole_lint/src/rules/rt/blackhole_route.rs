use crate::{Context, Severity, Sink, rule};
use pinhole_model::{RouteState, RtbIx};

rule! {
    /// A route in a VPC route table is in state `blackhole`: its target (a NAT gateway, an
    /// interface, a peering connection, a transit gateway attachment) was deleted.
    ///
    /// Medium when subnets use the table, low otherwise.
    ///
    /// ## Why it matters
    /// Traffic to the destination is dropped silently; the more specific dead route also hides
    /// any broader route that would have worked.
    ///
    /// ## Example
    /// `rtb-0abc` route `0.0.0.0/0 -> nat-0gone (blackhole)`.
    ///
    /// ## Fix
    /// Point the route at the replacement target, or delete it.
    code: "RT001",
    name: "blackhole-route",
    severity: Medium,
    covers: ["new: blackhole routes (no scanner checks them)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, rtb) in cx.snap.route_tables.iter().enumerate() {
        let used = !cx.rtb_subnets[i].is_empty() || rtb.main;
        for r in &rtb.routes {
            if r.state != RouteState::Blackhole {
                continue;
            }
            let f = out.add(
                cx.rtb_subject(RtbIx::from_usize(i)),
                format!(
                    "route `{}` is a blackhole; {} subnets use the table",
                    pinhole_engine::route_label(cx.snap, r),
                    cx.rtb_subnets[i].len()
                ),
            );
            if !used {
                f.at_severity(Severity::Low);
            }
        }
    }
}
