use crate::{Context, Sink, rule};
use pinhole_model::*;

rule! {
    /// A subnet routes to a transit gateway from an Availability Zone in which the VPC's
    /// attachment to that transit gateway has no subnet.
    ///
    /// ## Why it matters
    /// A transit gateway attachment only serves the AZs it has a subnet in: traffic from a
    /// subnet in any other AZ is dropped at the attachment, so workloads there are cut off
    /// while the same workload in another AZ works (typical after adding an AZ).
    ///
    /// ## Example
    /// `subnet-0c` (us-east-1c) routes `10.0.0.0/8 -> tgw-0abc`; `tgw-attach-0x` has subnets
    /// in us-east-1a and us-east-1b only.
    ///
    /// ## Fix
    /// Add a subnet in that AZ to the attachment.
    code: "TGW001",
    name: "tgw-attachment-missing-az",
    severity: High,
    covers: ["§1.4 per-AZ symmetry (transit gateway attachments; no scanner checks it)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let snap = cx.snap;
    for (i, sn) in snap.subnets.iter().enumerate() {
        let Some(rtb) = sn.route_table else { continue };
        if cx.subnet_enis[i].is_empty() {
            continue;
        }
        let mut tgws: Vec<&TransitGatewayId> = snap
            .rtb(rtb)
            .routes
            .iter()
            .filter(|r| r.state == RouteState::Active)
            .filter_map(|r| match &r.target {
                RouteTarget::TransitGateway(t) => Some(t),
                _ => None,
            })
            .collect();
        tgws.sort();
        tgws.dedup();
        for t in tgws {
            let Some(att) = snap.tgw_attachment(t.as_str(), sn.vpc) else {
                continue;
            };
            let att = &snap.tgw_attachments[att.ix()];
            if !att.available() || att.subnets.is_empty() {
                continue;
            }
            if att
                .subnets
                .iter()
                .any(|&s| snap.subnet(s).zone() == sn.zone())
            {
                continue;
            }
            let zones: Vec<String> = att
                .subnets
                .iter()
                .map(|&s| snap.subnet(s).az.clone())
                .collect();
            out.add(
                cx.subnet_subject(SubnetIx::from_usize(i)),
                format!(
                    "routes to {t} from {}, but attachment {} has subnets only in {}",
                    sn.az,
                    att.id,
                    zones.join(", ")
                ),
            );
        }
    }
}
