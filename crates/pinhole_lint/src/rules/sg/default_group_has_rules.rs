use crate::{Context, Sink, rule};
use pinhole_model::SgIx;

rule! {
    /// A VPC's default security group has inbound or outbound rules.
    ///
    /// ## Why it matters
    /// Anything launched without a group gets the default group; with rules left in it, such
    /// resources silently get access (by default, every port from every other member). CIS
    /// asks for the default group to be empty.
    ///
    /// ## Example
    /// `sg-0def (default)` inbound `all traffic from sg-0def`, outbound `all traffic to 0.0.0.0/0`.
    ///
    /// ## Fix
    /// Remove every rule of the default group; give resources designed groups.
    code: "SG016",
    name: "sg-default-group-has-rules",
    severity: Low,
    covers: [
        "C1 prowler ec2_securitygroup_default_restrict_traffic",
        "C1 scoutsuite ec2-default-security-group-with-rules",
        "C1 checkov CKV2_AWS_12",
        "C1 trivy AWS-0173",
        "C1 steampipe vpc_default_security_group_restricts_all_traffic",
        "CIS 6.5, Security Hub EC2.2",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        if sg.group_name == "default" && !(sg.ingress.is_empty() && sg.egress.is_empty()) {
            out.add(
                cx.sg_subject(SgIx::from_usize(i)),
                format!(
                    "the default group has {} inbound and {} outbound rules",
                    sg.ingress.len(),
                    sg.egress.len()
                ),
            );
        }
    }
}
