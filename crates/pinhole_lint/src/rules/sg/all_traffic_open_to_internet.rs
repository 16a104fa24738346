use super::{families, is_all_traffic, rule_labels};
use crate::space::{Family, covers_internet};
use crate::{Context, Sink, rule};
use pinhole_model::SgIx;

rule! {
    /// A security group admits all protocols, or every TCP or UDP port, from every internet
    /// address (IPv4 or IPv6).
    ///
    /// ## Why it matters
    /// Every service on every member becomes an internet service, including ones started later
    /// or by accident.
    ///
    /// ## Example
    /// `sg-0abc` inbound `all traffic from 0.0.0.0/0`, or `tcp 0-65535 from ::/0`.
    ///
    /// ## Fix
    /// Admit only the ports the members serve, from the sources that need them.
    code: "SG002",
    name: "sg-all-traffic-open-to-internet",
    severity: High,
    covers: [
        "A3 prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
        "A3 scoutsuite ec2-security-group-opens-all-ports-to-all",
        "A3 checkov CKV_AWS_277",
        "A3 trivy AWS-0107 (protocol -1)",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        if !cx.sg_internet_ingress[i] {
            continue;
        }
        let mut open = Vec::new();
        for fam in [Family::V4, Family::V6] {
            let rules: Vec<_> = sg.ingress.iter().filter(|r| is_all_traffic(r)).collect();
            let nets: Vec<_> = rules.iter().flat_map(|r| cx.peer_cidrs(&r.peer)).collect();
            if covers_internet(fam, &nets) {
                let labels = rules
                    .iter()
                    .filter(|r| {
                        cx.peer_cidrs(&r.peer)
                            .iter()
                            .any(|n| Family::of_net(n) == fam)
                    })
                    .map(|r| r.label(true))
                    .collect();
                open.push((fam, labels));
            }
        }
        if open.is_empty() {
            continue;
        }
        let f = out.add(
            cx.sg_subject(SgIx::from_usize(i)),
            format!(
                "all traffic is admitted from every {} internet address",
                families(&open)
            ),
        );
        for l in rule_labels(&open) {
            f.because(l);
        }
    }
}
