use super::report_open_ports;
use crate::context::ADMIN_PORTS;
use crate::{Context, Sink, rule};
use pinhole_model::{Protocol, SgIx};

rule! {
    /// A security group admits a remote-administration port (SSH 22, RDP 3389, WinRM
    /// 5985/5986) from every internet address.
    ///
    /// "Every internet address" is every address outside the private, shared and special
    /// ranges, in IPv4 and IPv6 separately: `0.0.0.0/0`, `::/0`, or several rules whose CIDRs
    /// together cover the internet (`0.0.0.0/1` plus `128.0.0.0/1`). Prefix lists are expanded;
    /// an all-traffic rule (`-1`) opens these ports too.
    ///
    /// ## Why it matters
    /// Administration services are brute-forced within minutes of appearing on the internet.
    /// Whether the port is actually reachable also depends on routes, NACLs and a public
    /// address: `EXP001` computes that; this rule flags the group wherever it is used.
    ///
    /// ## Example
    /// `sg-0abc` inbound `tcp 22 from 0.0.0.0/0`.
    ///
    /// ## Fix
    /// Admit the port from the administrators' ranges or a bastion's group only, or use
    /// Session Manager and remove the rule.
    code: "SG001",
    name: "sg-admin-port-open-to-internet",
    severity: High,
    covers: [
        "A1 prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
        "A1 scoutsuite ec2-security-group-opens-known-port-to-all (SSH)",
        "A1 checkov CKV_AWS_24",
        "A1/A2 trivy AWS-0107",
        "A1 steampipe vpc_security_group_restrict_ingress_ssh_all",
        "A1/A2 steampipe vpc_security_group_remote_administration",
        "A2 prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
        "A2 checkov CKV_AWS_25",
        "A2 steampipe vpc_security_group_restrict_ingress_rdp_all",
        "CIS 6.3/6.4, Security Hub EC2.13/EC2.14",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let ports: Vec<(u8, u16)> = ADMIN_PORTS.iter().map(|&p| (Protocol::TCP, p)).collect();
    for i in 0..cx.snap.security_groups.len() {
        report_open_ports(cx, out, SgIx::from_usize(i), &ports, false);
    }
}
