use super::is_all_traffic;
use crate::{Context, Sink, rule};
use pinhole_model::{SgIx, SgPeer};

rule! {
    /// A security group admits all traffic from its own members (a self-referencing
    /// all-traffic rule), in a group that is not the VPC's default group.
    ///
    /// ## Why it matters
    /// Any member that is compromised can reach every port of every other member: the group
    /// stops being a segment. Often copied from the default group.
    ///
    /// ## Example
    /// `sg-0app` inbound `all traffic from sg-0app`.
    ///
    /// ## Fix
    /// Admit only the ports members use between themselves (a cluster port, say).
    code: "SG010",
    name: "sg-all-ports-open-to-self",
    severity: Info,
    covers: ["A11 scoutsuite ec2-security-group-opens-all-ports-to-self"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        if sg.group_name == "default" {
            continue;
        }
        for r in &sg.ingress {
            if let SgPeer::Group { group, .. } = &r.peer
                && group == &sg.id
                && is_all_traffic(r)
            {
                out.add(
                    cx.sg_subject(SgIx::from_usize(i)),
                    format!(
                        "inbound `{}` admits every port between members",
                        r.label(true)
                    ),
                );
            }
        }
    }
}
