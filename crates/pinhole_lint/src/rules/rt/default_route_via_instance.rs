use crate::{Context, Sink, rule};
use pinhole_model::{EniKind, RouteDest, RouteState, RouteTarget, RtbIx};

rule! {
    /// A route table sends its default route to an instance or an instance's interface (a NAT
    /// instance or a self-managed appliance) rather than a NAT gateway.
    ///
    /// ## Why it matters
    /// A NAT instance is a single point of failure that needs patching, scaling and source/dest
    /// check disabled; if it stops, the route goes dead (`RT002`).
    ///
    /// ## Example
    /// `rtb-0priv` route `0.0.0.0/0 -> i-0natbox`.
    ///
    /// ## Fix
    /// Use a NAT gateway per AZ, or document the appliance as intended.
    code: "RT004",
    name: "default-route-via-instance",
    severity: Info,
    covers: ["F10 checkov CKV2_AWS_35"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, rtb) in cx.snap.route_tables.iter().enumerate() {
        for r in &rtb.routes {
            let default = matches!(r.dest, RouteDest::Cidr(c) if c.prefix_len() == 0);
            if !default || r.state != RouteState::Active {
                continue;
            }
            let instance = match &r.target {
                RouteTarget::Instance(_) => true,
                RouteTarget::NetworkInterface(id) => cx
                    .snap
                    .index
                    .eni
                    .get(id.as_str())
                    .is_some_and(|&e| cx.snap.eni(e).kind == EniKind::Instance),
                _ => false,
            };
            if instance {
                out.add(
                    cx.rtb_subject(RtbIx::from_usize(i)),
                    format!(
                        "default route `{}` goes through an instance",
                        pinhole_engine::route_label(cx.snap, r)
                    ),
                );
            }
        }
    }
}
