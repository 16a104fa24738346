use super::shadowed_by;
use crate::{Context, Sink, rule};
use pinhole_model::{RuleAction, SubnetIx};

rule! {
    /// A subnet holding network interfaces uses a network ACL that allows nothing in one
    /// direction: no allow entry, or only allow entries that earlier denies shadow. Typically
    /// a default NACL stripped down to its `*` entries, with a subnet left off the custom NACL.
    ///
    /// Traffic that stays inside the subnet is not affected; everything else is dropped.
    ///
    /// ## Why it matters
    /// Everything in the subnet is cut off from the rest of the VPC, often silently (an RDS
    /// proxy or Lambda interface nobody looks at).
    ///
    /// ## Example
    /// `subnet-0lambda` falls back to the default NACL, whose only entries are `*` deny.
    ///
    /// ## Fix
    /// Associate the subnet with the NACL its tier uses.
    code: "NACL006",
    name: "subnet-nacl-denies-all",
    severity: High,
    covers: ["new: subnet cut off by a deny-all NACL"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sn) in cx.snap.subnets.iter().enumerate() {
        if cx.subnet_enis[i].is_empty() {
            continue;
        }
        let Some(a) = sn.network_acl else { continue };
        let acl = cx.snap.acl(a);
        let mut dead = Vec::new();
        for (dir, entries) in [("inbound", &acl.inbound), ("outbound", &acl.outbound)] {
            let any_allow = entries
                .iter()
                .enumerate()
                .any(|(ix, e)| e.action == RuleAction::Allow && shadowed_by(entries, ix).is_none());
            if !any_allow {
                dead.push(dir);
            }
        }
        if dead.is_empty() {
            continue;
        }
        let default = if acl.is_default { "default " } else { "" };
        out.add(
            cx.subnet_subject(SubnetIx::from_usize(i)),
            format!(
                "its {default}network ACL {} allows no {} traffic; {} interfaces are cut off",
                acl.id,
                dead.join(" or "),
                cx.subnet_enis[i].len()
            ),
        );
    }
}
