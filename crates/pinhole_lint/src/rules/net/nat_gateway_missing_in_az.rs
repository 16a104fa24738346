use crate::{Context, Sink, rule};
use pinhole_model::*;

rule! {
    /// A subnet's default route goes to a NAT gateway in another Availability Zone: the
    /// subnet's AZ has no NAT gateway of its own in the route.
    ///
    /// ## Why it matters
    /// When the NAT gateway's AZ fails, this AZ loses internet egress too, defeating the
    /// multi-AZ design; cross-AZ traffic is also billed.
    ///
    /// ## Example
    /// `subnet-0priv-b` (us-east-1b) routes `0.0.0.0/0 -> nat-0a` in us-east-1a.
    ///
    /// ## Fix
    /// One NAT gateway per AZ, and one private route table per AZ pointing at it.
    code: "NET005",
    name: "nat-gateway-missing-in-az",
    severity: Low,
    covers: ["§1.4 per-AZ symmetry: NAT per AZ (no scanner checks it)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let snap = cx.snap;
    for (i, sn) in snap.subnets.iter().enumerate() {
        if cx.subnet_enis[i].is_empty() {
            continue;
        }
        let Some(rtb) = sn.route_table else { continue };
        for r in &snap.rtb(rtb).routes {
            let default = matches!(r.dest, RouteDest::Cidr(c) if c.prefix_len() == 0);
            let RouteTarget::NatGateway(id) = &r.target else {
                continue;
            };
            if !default || r.state != RouteState::Active {
                continue;
            }
            let Some(&n) = snap.index.nat.get(id.as_str()) else {
                continue;
            };
            let nat = snap.nat(n);
            let nat_sn = snap.subnet(nat.subnet);
            if nat_sn.zone() != sn.zone() {
                out.add(
                    cx.subnet_subject(SubnetIx::from_usize(i)),
                    format!(
                        "default route goes to {id} in {}, not a NAT gateway in {}",
                        nat_sn.az, sn.az
                    ),
                );
            }
        }
    }
}
