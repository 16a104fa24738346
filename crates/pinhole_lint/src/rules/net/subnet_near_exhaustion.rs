use crate::{Context, Sink, rule};
use ipnet::IpNet;
use pinhole_model::{SubnetIx, usable_v4};

rule! {
    /// A subnet has 90% or more of its usable IPv4 addresses (its size less AWS's five
    /// reserved ones) taken by the network interfaces in the snapshot.
    ///
    /// ## Why it matters
    /// Scaling out, a blue/green deployment, or a Lambda or EKS burst fails with
    /// "insufficient free addresses" — often in one AZ only.
    ///
    /// ## Example
    /// `subnet-0app-a` 10.0.1.0/27: 27 usable, 25 in use.
    ///
    /// ## Fix
    /// Add a larger subnet for the tier (or a secondary VPC CIDR) and move capacity there.
    code: "NET003",
    name: "subnet-near-exhaustion",
    severity: Low,
    covers: ["§1.4 sizing: headroom per tier (no scanner checks it)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sn) in cx.snap.subnets.iter().enumerate() {
        let usable: u64 = sn
            .cidrs
            .iter()
            .filter_map(|c| match c {
                IpNet::V4(n) => Some(usable_v4(*n)),
                IpNet::V6(_) => None,
            })
            .sum();
        if usable == 0 {
            continue;
        }
        let used: u64 = cx.subnet_enis[i]
            .iter()
            .map(|&e| {
                cx.snap
                    .eni(e)
                    .private_ips
                    .iter()
                    .filter(|p| p.addr.is_ipv4())
                    .count() as u64
            })
            .sum();
        if used * 10 >= usable * 9 {
            out.add(
                cx.subnet_subject(SubnetIx::from_usize(i)),
                format!("{used} of {usable} usable IPv4 addresses are in use"),
            );
        }
    }
}
