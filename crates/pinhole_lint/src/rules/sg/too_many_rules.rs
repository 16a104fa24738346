use crate::{Context, Sink, rule};
use pinhole_model::SgIx;

rule! {
    /// A security group with more than 50 rules in one direction (Prowler's threshold; AWS's
    /// default quota is 60 per direction).
    ///
    /// ## Why it matters
    /// Large groups are unreviewable, near the quota, and usually collect one-off exceptions
    /// nobody removes.
    ///
    /// ## Example
    /// `sg-0legacy` with 57 inbound rules.
    ///
    /// ## Fix
    /// Replace lists of CIDRs with prefix lists or group references; split the group by role.
    code: "SG014",
    name: "sg-too-many-rules",
    severity: Low,
    covers: ["B3 prowler ec2_securitygroup_with_many_ingress_egress_rules"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        for (dir, n) in [("inbound", sg.ingress.len()), ("outbound", sg.egress.len())] {
            if n > 50 {
                out.add(
                    cx.sg_subject(SgIx::from_usize(i)),
                    format!("{n} {dir} rules (more than 50)"),
                );
            }
        }
    }
}
