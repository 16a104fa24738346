use super::{evidence, exposures_of, instance_enis};
use crate::context::{RISKY_PORTS, port_label};
use crate::{Context, Sink, rule};
use pinhole_model::Protocol;

rule! {
    /// An instance is reachable from the internet on a plaintext or commonly attacked port
    /// (FTP, Telnet, SMTP, POP3, MS RPC, IMAP, SMB, the Docker API, development servers),
    /// computed by the engine as in `EXP001`, with the trace as evidence. High when the whole
    /// internet or more than a /16 of it reaches the port, low when only narrower ranges do.
    ///
    /// ## Why it matters
    /// These services leak credentials or are routinely exploited; reachable from the
    /// internet, they are an entry point.
    ///
    /// ## Example
    /// `i-0legacy` with a public IP and `tcp 21 from 0.0.0.0/0` on an allow-all NACL.
    ///
    /// ## Fix
    /// Close the port to the internet; use the encrypted protocol.
    code: "EXP003",
    name: "risky-port-reachable-from-internet",
    severity: High,
    covers: [
        "F4 prowler ec2_instance_port_{ftp,telnet,smtp,...}_exposed_to_internet",
        "F4 scoutsuite external_attack_surface",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let ports: Vec<(u8, u16)> = RISKY_PORTS.iter().map(|&p| (Protocol::TCP, p)).collect();
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
            f.at_severity(x.graded(crate::Severity::High));
            for l in evidence(&x) {
                f.because(l);
            }
        }
    }
}
