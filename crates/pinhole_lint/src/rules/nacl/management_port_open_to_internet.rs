use super::open_to_internet;
use crate::context::port_label;
use crate::space::Family;
use crate::{Context, Sink, rule};
use pinhole_model::{AclIx, Protocol};

rule! {
    /// A network ACL in use admits SSH (22), RDP (3389) or FTP (20, 21) inbound from every
    /// internet address through an entry naming the port, evaluated as AWS does: by ascending
    /// rule number, first match wins, IPv4 and IPv6 separately. A deny numbered before the
    /// allow closes the port; one numbered after it does not (see `NACL003`). Ports opened only
    /// by an all-traffic entry are `NACL002`'s, and ports inside a wide reply range
    /// (`1024-65535`, which every NACL needs for replies) are not reported; Prowler and Checkov
    /// would report both here.
    ///
    /// ## Why it matters
    /// The NACL is the subnet's coarse guard; leaving management ports open there leaves the
    /// security groups as the only control.
    ///
    /// ## Example
    /// `acl-0abc` inbound rule 100: `TCP 22 from 0.0.0.0/0 ALLOW`, no earlier deny.
    ///
    /// ## Fix
    /// Number a deny for the port before the broad allow, or narrow the allow's CIDR.
    code: "NACL001",
    name: "nacl-management-port-open-to-internet",
    severity: Medium,
    covers: [
        "E1 prowler ec2_networkacl_allow_ingress_tcp_port_22",
        "E1 checkov CKV_AWS_232",
        "E1/E2 trivy AWS-0105 (order-unaware there)",
        "E1/E2 steampipe vpc_network_acl_remote_administration",
        "E2 prowler ec2_networkacl_allow_ingress_tcp_port_3389",
        "E2 checkov CKV_AWS_231",
        "E4 checkov CKV_AWS_229, CKV_AWS_230 (FTP 20/21)",
        "CIS 6.2, Security Hub EC2.21",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, acl) in cx.snap.network_acls.iter().enumerate() {
        if cx.acl_subnets[i].is_empty() {
            continue;
        }
        for port in [20u16, 21, 22, 3389] {
            for fam in [Family::V4, Family::V6] {
                let Some(labels) = open_to_internet(acl, Protocol::TCP, port, fam) else {
                    continue;
                };
                let f = out.add(
                    cx.acl_subject(AclIx::from_usize(i)),
                    format!(
                        "inbound tcp {} is admitted from every {} internet address",
                        port_label(port),
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
