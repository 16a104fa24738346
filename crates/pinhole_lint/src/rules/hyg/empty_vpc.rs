use crate::{Context, Sink, rule};
use pinhole_model::VpcIx;

rule! {
    /// A VPC with no network interface in any of its subnets. Default VPCs are left to
    /// `NET007`.
    ///
    /// ## Why it matters
    /// Unused VPCs keep gateways, peerings and routes alive that nobody reviews.
    ///
    /// ## Example
    /// `vpc-0sandbox` with two subnets and nothing in them.
    ///
    /// ## Fix
    /// Delete it, with its peerings and attachments.
    code: "HYG005",
    name: "empty-vpc",
    severity: Info,
    covers: ["D4 steampipe vpc_not_in_use"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, v) in cx.snap.vpcs.iter().enumerate() {
        if v.is_default {
            continue;
        }
        if v.subnets.iter().all(|s| cx.subnet_enis[s.ix()].is_empty()) {
            out.add(
                cx.vpc_subject(VpcIx::from_usize(i)),
                format!("no network interface in its {} subnets", v.subnets.len()),
            );
        }
    }
}
