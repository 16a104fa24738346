use crate::{Context, Sink, rule};
use pinhole_model::AclIx;

rule! {
    /// A network ACL associated with no subnet.
    ///
    /// ## Why it matters
    /// An unassociated NACL protects nothing; reviewers may believe a subnet uses it.
    ///
    /// ## Example
    /// `acl-0draft` with no associations.
    ///
    /// ## Fix
    /// Associate it with the subnets it was written for, or delete it.
    code: "HYG002",
    name: "unused-network-acl",
    severity: Info,
    covers: [
        "D2 prowler ec2_networkacl_unused",
        "D2 scoutsuite vpc-network-acl-not-used",
        "D2 checkov CKV2_AWS_1",
        "D2 steampipe vpc_network_acl_unused",
        "Security Hub EC2.16",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, acl) in cx.snap.network_acls.iter().enumerate() {
        if cx.acl_subnets[i].is_empty() && !acl.is_default {
            out.add(
                cx.acl_subject(AclIx::from_usize(i)),
                "associated with no subnet",
            );
        }
    }
}
