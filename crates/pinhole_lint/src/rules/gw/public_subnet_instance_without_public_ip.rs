use crate::{Context, Sink, rule};
use pinhole_model::*;

rule! {
    /// A running instance's interface sits in a subnet whose default route goes to an internet
    /// gateway, but has no public IPv4 address (and no IPv6 route to the internet that it
    /// could use instead).
    ///
    /// ## Why it matters
    /// The internet gateway only translates interfaces with a public address: this instance
    /// can reach neither the internet nor a NAT gateway (its default route is the IGW), so
    /// package installs and API calls time out.
    ///
    /// ## Example
    /// `i-0builder` in `subnet-0pub-a` (`0.0.0.0/0 -> igw-0abc`), `MapPublicIpOnLaunch` false,
    /// no Elastic IP.
    ///
    /// ## Fix
    /// Attach an Elastic IP, or move the instance to a private subnet routed through a NAT
    /// gateway.
    code: "GW002",
    name: "public-subnet-instance-without-public-ip",
    severity: Medium,
    covers: ["new: IGW route without a public address (no scanner checks it)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let snap = cx.snap;
    for (i, eni) in snap.enis.iter().enumerate() {
        let e = EniIx::from_usize(i);
        if eni.kind != EniKind::Instance || eni.instance.is_none() || !snap.eni_live(e) {
            continue;
        }
        if !cx.igw_routed(eni.subnet, false) || eni.private_ips.iter().any(|p| p.public.is_some()) {
            continue;
        }
        let v6_ok = cx.igw_routed(eni.subnet, true) && eni.ipv6.iter().any(|a| is_internet(*a));
        if v6_ok {
            continue;
        }
        let f = out.add(
            cx.eni_subject(e),
            format!(
                "in {}, whose default route goes to an internet gateway, but has no public IPv4 address",
                snap.subnet(eni.subnet).id
            ),
        );
        if let (Some(src), Some(dst)) = (eni.primary_ip(), cx.internet_host()) {
            for l in cx.engine_evidence(src, dst, 443) {
                f.because(l);
            }
        }
    }
}
