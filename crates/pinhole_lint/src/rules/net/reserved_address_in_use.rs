use crate::{Context, Sink, rule};
use pinhole_model::{EniIx, is_reserved_in};

rule! {
    /// A network interface holds one of the five addresses AWS reserves in every subnet: the
    /// network address, `.1` (VPC router), `.2` (DNS), `.3` (reserved) and the last address
    /// (the first four and the last of an IPv6 /64 too).
    ///
    /// ## Why it matters
    /// AWS never assigns these addresses, so the configuration cannot exist as described:
    /// usually a design or an import from another platform that pinned hosts there. Every
    /// flow to that host is `invalid-config`.
    ///
    /// ## Example
    /// A domain controller pinned at `192.168.38.2` in `192.168.38.0/24` (the VPC DNS address).
    ///
    /// ## Fix
    /// Move the host to an address from `.4` up to the last but one.
    code: "NET001",
    name: "reserved-address-in-use",
    severity: High,
    covers: ["§1.4 sizing: the 5 AWS-reserved addresses (no scanner checks them)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, eni) in cx.snap.enis.iter().enumerate() {
        let sn = cx.snap.subnet(eni.subnet);
        let addrs = eni
            .private_ips
            .iter()
            .map(|p| p.addr)
            .chain(eni.ipv6.iter().copied());
        for a in addrs {
            if let Some(c) = sn.cidrs.iter().find(|c| is_reserved_in(a, **c)) {
                out.add(
                    cx.eni_subject(EniIx::from_usize(i)),
                    format!("{a} is reserved by AWS in subnet {} ({c})", sn.id),
                );
            }
        }
    }
}
