use crate::{Context, Severity, Sink, rule};
use pinhole_model::*;

rule! {
    /// An instance's interface has source/destination checking turned off. Reported at info
    /// when a route sends traffic to the instance or interface (a NAT instance or appliance,
    /// which needs it off), low otherwise.
    ///
    /// ## Why it matters
    /// With the check off the instance may send and receive packets for addresses that are not
    /// its own; unless it is a router, that only helps an attacker spoof.
    ///
    /// ## Example
    /// `eni-0web` (i-0web) `SourceDestCheck: false`, no route targets it.
    ///
    /// ## Fix
    /// Turn the check back on unless the instance routes traffic.
    code: "HYG006",
    name: "source-dest-check-disabled",
    severity: Low,
    covers: [
        "F13 steampipe ec2_network_inteface_source_destination_check_enabled",
        "F13 cloudmapper EC2_SOURCE_DEST_CHECK_OFF",
        "Security Hub EC2.180",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let snap = cx.snap;
    for (i, eni) in snap.enis.iter().enumerate() {
        if eni.kind != EniKind::Instance || eni.source_dest_check {
            continue;
        }
        let inst = eni.instance.and_then(|x| snap.instances.get(x.ix()));
        let routed = snap
            .route_tables
            .iter()
            .flat_map(|r| &r.routes)
            .any(|r| match &r.target {
                RouteTarget::NetworkInterface(id) => *id == eni.id,
                RouteTarget::Instance(id) => inst.is_some_and(|x| x.id == *id),
                _ => false,
            });
        let f = out.add(
            cx.eni_subject(EniIx::from_usize(i)),
            if routed {
                "source/destination check is off (a route targets it: a router or NAT instance)"
            } else {
                "source/destination check is off and no route targets it"
            },
        );
        if routed {
            f.at_severity(Severity::Info);
        }
    }
}
