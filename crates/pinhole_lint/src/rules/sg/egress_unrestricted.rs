use super::is_all_traffic;
use crate::space::{Family, covers_internet};
use crate::{Context, Sink, rule};
use pinhole_model::SgIx;

rule! {
    /// A security group in use allows all outbound traffic to every internet address.
    ///
    /// This is AWS's default for new groups, so the finding is informational: reported only
    /// for groups some interface uses, and never for load balancer, NAT or endpoint interfaces.
    ///
    /// ## Why it matters
    /// Unrestricted egress lets a compromised host download tools and exfiltrate data to any
    /// address; egress filtering is a cheap second line.
    ///
    /// ## Example
    /// `sg-0app` outbound `all traffic to 0.0.0.0/0`.
    ///
    /// ## Fix
    /// Allow the destinations the members need (package mirrors, APIs, the VPC), or route
    /// egress through a filtering proxy or firewall.
    code: "SG012",
    name: "sg-egress-unrestricted",
    severity: Info,
    covers: ["B1 checkov CKV_AWS_382", "B1 trivy AWS-0104"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        if cx.sg_enis[i].is_empty() {
            continue;
        }
        for fam in [Family::V4, Family::V6] {
            let nets: Vec<_> = sg
                .egress
                .iter()
                .filter(|r| is_all_traffic(r))
                .flat_map(|r| cx.peer_cidrs(&r.peer))
                .collect();
            if covers_internet(fam, &nets) {
                out.add(
                    cx.sg_subject(SgIx::from_usize(i)),
                    format!("all outbound traffic is allowed to {}", fam.any()),
                );
            }
        }
    }
}
