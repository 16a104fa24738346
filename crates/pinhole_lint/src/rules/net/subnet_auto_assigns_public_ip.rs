use crate::{Context, Sink, rule};
use pinhole_model::SubnetIx;

rule! {
    /// A subnet assigns a public IPv4 address to every interface launched in it
    /// (`MapPublicIpOnLaunch`).
    ///
    /// ## Why it matters
    /// Anything launched there is addressable from the internet by default, whether or not it
    /// should be; with `RT003` (main table to the IGW) it becomes reachable too.
    ///
    /// ## Example
    /// `subnet-0pub-a` with `MapPublicIpOnLaunch: true`.
    ///
    /// ## Fix
    /// Turn the attribute off and give public addresses explicitly to what needs them.
    code: "NET006",
    name: "subnet-auto-assigns-public-ip",
    severity: Low,
    covers: [
        "F1 prowler vpc_subnet_no_public_ip_by_default",
        "F1 checkov CKV_AWS_130",
        "F1 trivy AWS-0164",
        "F1 steampipe vpc_subnet_auto_assign_public_ip_disabled",
        "Security Hub EC2.15",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sn) in cx.snap.subnets.iter().enumerate() {
        if sn.map_public_ip {
            out.add(
                cx.subnet_subject(SubnetIx::from_usize(i)),
                "assigns a public IPv4 address to every interface launched in it",
            );
        }
    }
}
