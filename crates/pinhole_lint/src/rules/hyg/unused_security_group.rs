use crate::{Context, Sink, rule};
use pinhole_model::SgIx;

rule! {
    /// A security group no network interface in the snapshot uses and no other group refers
    /// to. Default groups are skipped.
    ///
    /// Usage is computed from every interface in the snapshot, of every kind (instances, RDS,
    /// Lambda, load balancers, endpoints). Services that create interfaces only while running
    /// (Lambda, CodeBuild, ECS tasks) and launch templates are not in describe-* output, so
    /// this is informational: check those before deleting.
    ///
    /// ## Why it matters
    /// Unused groups accumulate open rules that someone will attach by mistake.
    ///
    /// ## Example
    /// `sg-0old (legacy-web)` with no members and no references.
    ///
    /// ## Fix
    /// Delete it once launch templates and on-demand services are confirmed not to use it.
    code: "HYG001",
    name: "unused-security-group",
    severity: Info,
    covers: [
        "D1 prowler ec2_securitygroup_not_used",
        "D1 scoutsuite ec2-unused-security-group",
        "D1 checkov CKV2_AWS_5",
        "D1 steampipe vpc_security_group_unused, vpc_security_group_associated_to_eni",
        "D1 cloudmapper find_unused",
        "Security Hub EC2.22",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        if sg.group_name == "default"
            || !cx.sg_enis[i].is_empty()
            || cx.sg_referenced.contains(sg.id.as_str())
        {
            continue;
        }
        out.add(
            cx.sg_subject(SgIx::from_usize(i)),
            "no network interface uses it and no group refers to it",
        );
    }
}
