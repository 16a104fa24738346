use crate::{Context, Sink, Subject, rule};
use pinhole_model::TgwRouteTarget;

rule! {
    /// A transit gateway route table has a blackhole route.
    ///
    /// Informational: static blackhole routes are the usual way to isolate segments on a
    /// transit gateway; listed so that an unintended one (a deleted attachment) is seen.
    ///
    /// ## Why it matters
    /// Traffic to the destination is dropped at the transit gateway.
    ///
    /// ## Example
    /// `tgw-rtb-0abc` route `10.9.0.0/16 -> blackhole`.
    ///
    /// ## Fix
    /// None if intended; otherwise route the destination to its attachment.
    code: "TGW003",
    name: "tgw-blackhole-route",
    severity: Info,
    covers: ["new: blackhole routes in transit gateway route tables"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for t in &cx.snap.tgw_route_tables {
        for r in &t.routes {
            if matches!(r.target, TgwRouteTarget::Blackhole) {
                out.add(
                    Subject::new("transit-gateway-route-table", t.id.as_str())
                        .named(pinhole_model::name_tag(&t.tags)),
                    format!("route {} is a blackhole", r.dest),
                );
            }
        }
    }
}
