use crate::{Context, Sink, rule};
use pinhole_model::{SgIx, SgPeer};

rule! {
    /// A security group rule refers to a group that does not exist in the snapshot although
    /// its account is in the snapshot, or refers to a group across a peering connection that
    /// is not active.
    ///
    /// References to accounts outside the snapshot are not reported: pinhole cannot tell.
    ///
    /// ## Why it matters
    /// A stale reference matches nothing: the rule looks like it admits a tier and admits no
    /// one. AWS shows such references as stale after the peering or the group is deleted.
    ///
    /// ## Example
    /// `sg-0db` inbound `tcp 3306 from sg-0gone` where `sg-0gone` was deleted.
    ///
    /// ## Fix
    /// Point the rule at the group that replaced it, or delete the rule.
    code: "SG011",
    name: "sg-stale-group-reference",
    severity: Medium,
    covers: ["new: stale security-group references (AWS describe-stale-security-groups)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        for (inbound, rules) in [(true, &sg.ingress), (false, &sg.egress)] {
            for r in rules.iter() {
                let SgPeer::Group {
                    group,
                    account,
                    peering,
                } = &r.peer
                else {
                    continue;
                };
                let known_account = account
                    .as_ref()
                    .is_none_or(|a| a == &sg.account || cx.accounts.contains(a.as_str()));
                let exists = cx.snap.index.sg.contains_key(group.as_str());
                let dead_peering = peering.as_ref().and_then(|p| {
                    let pcx = cx.snap.index.pcx.get(p.as_str())?;
                    let pcx = &cx.snap.peerings[pcx.ix()];
                    (!pcx.active()).then(|| format!("{} is {}", pcx.id, pcx.status))
                });
                let why = if !exists && known_account {
                    format!("`{group}` is not in the snapshot")
                } else if let Some(d) = dead_peering {
                    d
                } else {
                    continue;
                };
                out.add(
                    cx.sg_subject(SgIx::from_usize(i)),
                    format!(
                        "{} rule `{}` refers to a stale group: {why}",
                        if inbound { "inbound" } else { "outbound" },
                        r.label(inbound)
                    ),
                );
            }
        }
    }
}
