use crate::{Context, Sink, rule};
use pinhole_model::VpcIx;

rule! {
    /// A VPC whose subnets holding network interfaces are all in one Availability Zone.
    ///
    /// ## Why it matters
    /// An AZ outage takes every workload of the VPC down.
    ///
    /// ## Example
    /// `vpc-0app` with subnets only in us-east-1a.
    ///
    /// ## Fix
    /// Add a subnet per tier in a second AZ and spread the workloads.
    code: "NET008",
    name: "vpc-single-az",
    severity: Low,
    covers: [
        "F8 prowler vpc_subnet_different_az",
        "F8 steampipe vpc_subnet_multi_az_enabled",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, v) in cx.snap.vpcs.iter().enumerate() {
        let mut zones: Vec<&str> = v
            .subnets
            .iter()
            .filter(|s| !cx.subnet_enis[s.ix()].is_empty())
            .map(|&s| cx.snap.subnet(s).zone())
            .collect();
        zones.sort_unstable();
        zones.dedup();
        if zones.len() == 1 {
            out.add(
                cx.vpc_subject(VpcIx::from_usize(i)),
                format!(
                    "every subnet in use is in one Availability Zone ({})",
                    zones.join("")
                ),
            );
        }
    }
}
