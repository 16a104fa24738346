use crate::{Context, Sink, rule};
use pinhole_model::SgIx;

rule! {
    /// A security group created by the console's launch wizard (`launch-wizard-N`).
    ///
    /// ## Why it matters
    /// Launch-wizard groups open SSH or RDP to `0.0.0.0/0` by default and are created ad hoc,
    /// outside any reviewed design.
    ///
    /// ## Example
    /// `sg-0abc (launch-wizard-3)` attached to a production instance.
    ///
    /// ## Fix
    /// Attach a designed group and delete the wizard's.
    code: "SG015",
    name: "sg-launch-wizard-group",
    severity: Low,
    covers: [
        "B4 prowler ec2_securitygroup_from_launch_wizard",
        "B4 steampipe vpc_security_group_not_uses_launch_wizard_sg, ec2_instance_no_launch_wizard_security_group",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        if sg.group_name.starts_with("launch-wizard") {
            let users = cx.sg_enis[i].len();
            out.add(
                cx.sg_subject(SgIx::from_usize(i)),
                format!("created by the launch wizard; used by {users} network interfaces"),
            );
        }
    }
}
