use crate::{Context, Sink, rule};
use pinhole_model::VpcIx;

rule! {
    /// A region still has its default VPC.
    ///
    /// ## Why it matters
    /// The default VPC has public subnets in every AZ, an internet gateway and an open default
    /// NACL: anything launched without choosing a VPC lands on the internet.
    ///
    /// ## Example
    /// `vpc-0def` (172.31.0.0/16, `IsDefault: true`).
    ///
    /// ## Fix
    /// Delete the default VPC in every region once nothing uses it.
    code: "NET007",
    name: "default-vpc-present",
    severity: Info,
    covers: ["C3 checkov CKV_AWS_148", "C3 trivy AWS-0101"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, v) in cx.snap.vpcs.iter().enumerate() {
        if v.is_default {
            let enis: usize = v.subnets.iter().map(|s| cx.subnet_enis[s.ix()].len()).sum();
            out.add(
                cx.vpc_subject(VpcIx::from_usize(i)),
                format!("the default VPC exists ({enis} network interfaces in it)"),
            );
        }
    }
}
