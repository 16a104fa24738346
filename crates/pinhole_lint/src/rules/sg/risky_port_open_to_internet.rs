use super::report_open_ports;
use crate::context::{RISKY_PORTS, RISKY_UDP_PORTS};
use crate::{Context, Sink, rule};
use pinhole_model::{Protocol, SgIx};

rule! {
    /// A security group admits a plaintext or commonly attacked port (FTP 20/21, Telnet 23,
    /// SMTP 25, POP3 110, MS RPC 135, IMAP 143, SMB 445, Docker API 2375/2376, and the
    /// development ports 3000, 4333, 5000, 5500, 8080, 8088) from every internet address, with a
    /// rule naming the port. UDP 53 (DNS) and SMB over UDP are checked too.
    ///
    /// ## Why it matters
    /// Plaintext protocols leak credentials; development servers and file sharing are frequent
    /// entry points.
    ///
    /// ## Example
    /// `sg-0ftp` inbound `tcp 21 from 0.0.0.0/0`.
    ///
    /// ## Fix
    /// Use the encrypted protocol, or admit the port from known ranges only.
    code: "SG004",
    name: "sg-risky-port-open-to-internet",
    severity: Medium,
    covers: [
        "A6 prowler ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports",
        "A6 steampipe vpc_security_group_restricted_common_ports, ..._common_ports_all",
        "A7 prowler ..._ftp_20_21, ..._telnet_23",
        "A7 scoutsuite ec2-security-group-opens-plaintext-port",
        "A5 scoutsuite known-port SMTP 25, DNS UDP 53; steampipe ..._cifs_port_all",
        "Security Hub EC2.19",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let ports: Vec<(u8, u16)> = RISKY_PORTS
        .iter()
        .map(|&p| (Protocol::TCP, p))
        .chain(RISKY_UDP_PORTS.iter().map(|&p| (Protocol::UDP, p)))
        .collect();
    for i in 0..cx.snap.security_groups.len() {
        report_open_ports(cx, out, SgIx::from_usize(i), &ports, true);
    }
}
