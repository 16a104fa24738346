use super::{evidence, exposures_of, instance_enis};
use crate::context::{ADMIN_PORTS, port_label};
use crate::{Context, Severity, Sink, rule};
use pinhole_engine::Verdict;
use pinhole_model::Protocol;

rule! {
    /// An instance is reachable from the internet on a remote-administration port (SSH 22,
    /// RDP 3389, WinRM 5985/5986): the engine follows a connection from an internet address to
    /// the instance's public IPv4 or global IPv6 address through the internet gateway, route
    /// tables, NACLs (both ways, by rule number) and security groups, and the reply back.
    ///
    /// Every internet source the configuration distinguishes is tried (one address per atom of
    /// the partition the rules' CIDRs induce), so an admin range carved out of a deny is found
    /// too, and the finding says from which ranges the port is reachable. Critical when that is
    /// the whole internet or more than a /16 of it; medium when only narrower ranges (an
    /// office, a bastion's address) reach it; high when only some client ports work
    /// (a partial verdict). The finding carries the trace.
    ///
    /// ## Why it matters
    /// This is the exposure that matters, not a rule pattern: `SG001` flags the group; this
    /// rule says the port is actually open from the internet, and through which components.
    ///
    /// ## Example
    /// `i-0bastion` with a public IP in a subnet routing `0.0.0.0/0` to the IGW, NACL allowing
    /// 22 and the ephemeral replies, `sg-0abc` admitting `tcp 22 from 0.0.0.0/0`.
    ///
    /// ## Fix
    /// Remove the public address (use Session Manager or a bastion), or restrict the security
    /// group or NACL to the administrators' ranges.
    code: "EXP001",
    name: "admin-port-reachable-from-internet",
    severity: Critical,
    covers: [
        "F4 prowler ec2_instance_port_{ssh,rdp,...}_exposed_to_internet (R-lite there: no NACLs, no replies)",
        "F4 scoutsuite external_attack_surface",
        "F4 cloudmapper public",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let ports: Vec<(u8, u16)> = ADMIN_PORTS.iter().map(|&p| (Protocol::TCP, p)).collect();
    for e in instance_enis(cx) {
        for x in exposures_of(cx, e, &ports) {
            let f = out.add(
                cx.eni_subject(e),
                format!(
                    "tcp {} on {} is reachable from {} (e.g. from {})",
                    port_label(x.port),
                    x.dst,
                    x.sources(),
                    x.src
                ),
            );
            f.at_severity(x.graded(crate::Severity::Critical));
            if x.trace.verdict == Verdict::Partial && f.severity == Severity::Critical {
                f.at_severity(Severity::High);
            }
            for l in evidence(&x) {
                f.because(l);
            }
        }
    }
}
