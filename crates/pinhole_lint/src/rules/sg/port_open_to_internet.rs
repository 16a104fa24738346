use super::{families, is_all_traffic, rule_labels, world_open};
use crate::context::{ADMIN_PORTS, DATA_PORTS, RISKY_PORTS, RISKY_UDP_PORTS};
use crate::{Context, Sink, rule};
use pinhole_model::{EniKind, Protocol, SgIx};

rule! {
    /// A security group admits a TCP or UDP port or port range other than HTTP/HTTPS (and the
    /// ports `SG001`, `SG003` and `SG004` name) from every internet address.
    ///
    /// The traceroute range (UDP 33434-33534) is not reported: it is opened on purpose.
    /// Groups whose only members are load balancer, VPC endpoint or API Gateway interfaces are
    /// exempt, as Prowler exempts them: those are meant to face their clients.
    ///
    /// ## Why it matters
    /// Every port open to the world is attack surface; a range (`8000-9000`) usually opens more
    /// than the one service that needed it.
    ///
    /// ## Example
    /// `sg-0app` inbound `tcp 8000-9000 from 0.0.0.0/0`.
    ///
    /// ## Fix
    /// Put the service behind a load balancer, or admit only the clients that need it.
    code: "SG005",
    name: "sg-port-open-to-internet",
    severity: Low,
    covers: [
        "A4 prowler ec2_securitygroup_allow_ingress_from_internet_to_any_port (ENI-type exemptions kept)",
        "A4 scoutsuite ec2-security-group-opens-port-to-all",
        "A4 steampipe vpc_security_group_allows_ingress_authorized_ports, vpc_security_group_restrict_ingress_tcp_udp_all",
        "A10 scoutsuite ec2-security-group-opens-port-range (ranges open to the internet)",
        "A8 checkov CKV_AWS_260 (port 80): deliberately not flagged on its own; see EXP rules",
        "Security Hub EC2.18",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        if !cx.sg_internet_ingress[i] {
            continue;
        }
        let users = &cx.sg_enis[i];
        let fronting = !users.is_empty()
            && users.iter().all(|&e| {
                let eni = cx.snap.eni(e);
                matches!(eni.kind, EniKind::LoadBalancer | EniKind::VpcEndpoint)
                    || matches!(&eni.kind, EniKind::Other(k) if k == "api_gateway_managed")
            });
        if fronting {
            continue;
        }
        let mut seen = Vec::new();
        for r in &sg.ingress {
            let proto = match r.protocol {
                Protocol::Num(p @ (6 | 17)) => p,
                _ => continue,
            };
            if is_all_traffic(r) {
                continue;
            }
            let (a, b) = r.ports.unwrap_or((0, 65535));
            if a == b && (a == 80 || a == 443) {
                continue;
            }
            // The traceroute probe range, opened on purpose so that traceroute answers.
            if proto == Protocol::UDP && (a, b) == (33434, 33534) {
                continue;
            }
            // Ports the other rules name are theirs.
            let named = if proto == Protocol::UDP {
                RISKY_UDP_PORTS.contains(&a)
            } else {
                [ADMIN_PORTS, DATA_PORTS, RISKY_PORTS]
                    .iter()
                    .any(|l| l.contains(&a))
            };
            if a == b && named {
                continue;
            }
            if seen.contains(&(proto, a, b)) {
                continue;
            }
            seen.push((proto, a, b));
            let open = world_open(cx, sg, proto, a, true);
            if open.is_empty() {
                continue;
            }
            let what = if a == b {
                format!("port {a}")
            } else {
                format!("port range {a}-{b}")
            };
            let f = out.add(
                cx.sg_subject(SgIx::from_usize(i)),
                format!(
                    "inbound {} {what} is open to every {} internet address",
                    pinhole_model::proto_name(proto),
                    families(&open)
                ),
            );
            for l in rule_labels(&open) {
                f.because(l);
            }
        }
    }
}
