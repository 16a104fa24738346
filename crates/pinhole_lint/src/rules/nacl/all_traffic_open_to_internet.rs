use crate::space::{self, Family};
use crate::{Context, Sink, rule};
use pinhole_model::{AclIx, Protocol, RuleAction};

rule! {
    /// A network ACL in use admits every protocol and port inbound from every internet address
    /// (first match, IPv4 and IPv6 separately).
    ///
    /// Informational: it is AWS's default NACL and a common design that leaves filtering to
    /// security groups. It matters where the design meant the NACL as a second line.
    ///
    /// ## Why it matters
    /// With an allow-all NACL a single security-group mistake exposes the subnet; there is no
    /// subnet-level backstop.
    ///
    /// ## Example
    /// `acl-0abc` inbound rule 100: `ALL from 0.0.0.0/0 ALLOW`.
    ///
    /// ## Fix
    /// If the NACL is meant as a guard, allow the subnet's service ports and the ephemeral
    /// reply range only.
    code: "NACL002",
    name: "nacl-all-traffic-open-to-internet",
    severity: Info,
    covers: [
        "E3 prowler ec2_networkacl_allow_ingress_any_port",
        "E3 scoutsuite vpc-custom-network-acls-allow-all, vpc-default-network-acls-allow-all",
        "E3 checkov CKV_AWS_352",
        "E3 trivy AWS-0102 (any allow-all rule, regardless of CIDR, there)",
        "E5 scoutsuite vpc-subnet-with-bad-acls, vpc-subnet-with-default-acls",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, acl) in cx.snap.network_acls.iter().enumerate() {
        if cx.acl_subnets[i].is_empty() {
            continue;
        }
        for fam in [Family::V4, Family::V6] {
            let nets: Vec<_> = acl.inbound.iter().map(|e| e.cidr).collect();
            let atoms = space::internet_atoms(fam, &nets);
            let mut labels: Vec<String> = Vec::new();
            let all = !atoms.is_empty()
                && atoms.iter().all(|&(lo, _)| {
                    let a = space::addr(fam, lo);
                    match acl.inbound.iter().find(|e| e.cidr.contains(&a)) {
                        Some(e) if e.protocol == Protocol::All && e.action == RuleAction::Allow => {
                            let l = e.label(false);
                            if !labels.contains(&l) {
                                labels.push(l);
                            }
                            true
                        }
                        _ => false,
                    }
                });
            if all {
                let f = out.add(
                    cx.acl_subject(AclIx::from_usize(i)),
                    format!(
                        "all inbound traffic is admitted from every {} internet address",
                        if fam == Family::V4 { "IPv4" } else { "IPv6" }
                    ),
                );
                for l in labels {
                    f.because(l);
                }
            }
        }
    }
}
