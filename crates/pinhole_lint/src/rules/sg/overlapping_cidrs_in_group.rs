use crate::{Context, Sink, rule};
use pinhole_model::{SgIx, SgPeer};

rule! {
    /// Two rules of one security group, same direction, protocol and ports, where one rule's
    /// CIDR contains the other's: the narrower rule is redundant.
    ///
    /// ## Why it matters
    /// Redundant rules hide intent: removing the wide rule later silently keeps the narrow one,
    /// and reviewers cannot tell which one was meant. Security groups also have a rule quota.
    ///
    /// ## Example
    /// `tcp 443 from 10.0.0.0/16` and `tcp 443 from 10.0.1.0/24` in the same group.
    ///
    /// ## Fix
    /// Delete the narrower rule, or the wider one if the narrow one was the intent.
    code: "SG009",
    name: "sg-overlapping-cidrs-in-group",
    severity: Info,
    covers: ["A13 cloudmapper SG_CIDR_OVERLAPS"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        for (inbound, rules) in [(true, &sg.ingress), (false, &sg.egress)] {
            for (a, ra) in rules.iter().enumerate() {
                let SgPeer::Cidr(na) = ra.peer else { continue };
                for (b, rb) in rules.iter().enumerate() {
                    let SgPeer::Cidr(nb) = rb.peer else { continue };
                    if a == b
                        || ra.protocol != rb.protocol
                        || ra.ports != rb.ports
                        || ra.icmp != rb.icmp
                        || na == nb
                        || !na.contains(&nb)
                    {
                        continue;
                    }
                    out.add(
                        cx.sg_subject(SgIx::from_usize(i)),
                        format!(
                            "{} rule `{}` is contained in `{}`",
                            if inbound { "inbound" } else { "outbound" },
                            rb.label(inbound),
                            ra.label(inbound)
                        ),
                    );
                }
            }
        }
    }
}
