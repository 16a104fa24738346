use crate::{Context, Sink, rule};
use pinhole_model::SgIx;

rule! {
    /// Rules of a security group that carry no description. Default groups' built-in rules
    /// are not counted.
    ///
    /// ## Why it matters
    /// A rule without a description cannot be reviewed: nobody knows who asked for it or
    /// whether it is still needed, so it is never removed.
    ///
    /// ## Example
    /// `sg-0app` inbound `tcp 8443 from 10.2.0.0/16` with an empty description.
    ///
    /// ## Fix
    /// Describe each rule: who needs it and why (a ticket number helps).
    code: "SG013",
    name: "sg-rule-without-description",
    severity: Info,
    covers: ["B2 checkov CKV_AWS_23", "B2 trivy AWS-0099, AWS-0124"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        if sg.group_name == "default" {
            continue;
        }
        let missing = sg
            .ingress
            .iter()
            .chain(&sg.egress)
            .filter(|r| r.description.as_deref().is_none_or(|d| d.trim().is_empty()))
            .count();
        if missing > 0 {
            out.add(
                cx.sg_subject(SgIx::from_usize(i)),
                format!(
                    "{missing} of {} rules have no description",
                    sg.ingress.len() + sg.egress.len()
                ),
            );
        }
    }
}
