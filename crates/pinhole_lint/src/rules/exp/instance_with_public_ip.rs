use crate::{Context, Sink, rule};
use pinhole_model::EniIx;

rule! {
    /// A running instance's interface has a public or Elastic IPv4 address.
    ///
    /// Informational: many designs need it. The exposure rules (`EXP001`-`EXP003`) say what is
    /// actually reachable through it.
    ///
    /// ## Why it matters
    /// A public address is what makes an instance reachable from the internet at all; keeping
    /// the inventory of them short keeps the attack surface reviewable.
    ///
    /// ## Example
    /// `i-0web` with public IP `203.0.113.10`.
    ///
    /// ## Fix
    /// Put instances behind a load balancer or NAT gateway and remove public addresses they do
    /// not need.
    code: "EXP005",
    name: "instance-with-public-ip",
    severity: Info,
    covers: [
        "F3 prowler ec2_instance_public_ip",
        "F3 scoutsuite ec2-instance-with-public-ip",
        "F3 checkov CKV_AWS_88",
        "F3 steampipe ec2_instance_not_publicly_accessible",
        "Security Hub EC2.9",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for e in super::instance_enis(cx) {
        if !cx.snap.eni_live(e) {
            continue;
        }
        let eni = cx.snap.eni(e);
        let publics: Vec<String> = eni
            .private_ips
            .iter()
            .filter_map(|p| p.public.map(|a| a.to_string()))
            .collect();
        if !publics.is_empty() {
            out.add(
                cx.eni_subject(EniIx::from_usize(e.ix())),
                format!("public IPv4 {}", publics.join(", ")),
            );
        }
    }
}
