use crate::{Context, Sink, rule};
use pinhole_model::*;

rule! {
    /// A public NAT gateway sits in a subnet whose route table does not send the default route
    /// to an internet gateway (often it sends it to the NAT gateway itself).
    ///
    /// ## Why it matters
    /// A NAT gateway translates and then forwards by its own subnet's route table: without an
    /// internet gateway route there, every connection through it is dropped. The usual cause
    /// is creating it in the private subnet it was meant to serve.
    ///
    /// ## Example
    /// `nat-0abc` in `subnet-0priv`, whose table has `0.0.0.0/0 -> nat-0abc`.
    ///
    /// ## Fix
    /// Recreate the NAT gateway in a public subnet (one routing `0.0.0.0/0` to the IGW) and
    /// point the private tables at it.
    code: "GW001",
    name: "nat-gateway-without-internet-route",
    severity: High,
    covers: ["new: NAT gateway placement (no scanner checks it)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let snap = cx.snap;
    for (i, nat) in snap.nat_gateways.iter().enumerate() {
        if !nat.public || nat.state != "available" {
            continue;
        }
        if cx.igw_routed(nat.subnet, false) {
            continue;
        }
        let sn = snap.subnet(nat.subnet);
        let route = sn
            .route_table
            .and_then(|r| {
                cx.route(
                    r,
                    std::net::IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 1)),
                )
            })
            .map(|r| format!("`{}`", pinhole_engine::route_label(snap, r)))
            .unwrap_or_else(|| "no default route".to_string());
        let to_self = matches!(
            sn.route_table.and_then(|r| cx.route(r, std::net::IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 1)))),
            Some(Route { target: RouteTarget::NatGateway(id), .. }) if *id == nat.id
        );
        // A client whose default route uses this NAT gateway, for the engine's verdict.
        let client = snap.subnets.iter().enumerate().find_map(|(s, sub)| {
            let rtb = sub.route_table?;
            let r = cx.route(
                rtb,
                std::net::IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 1)),
            )?;
            if !matches!(&r.target, RouteTarget::NatGateway(id) if *id == nat.id) {
                return None;
            }
            cx.subnet_enis[s]
                .iter()
                .copied()
                .filter(|&e| snap.eni_live(e) && snap.eni(e).kind == EniKind::Instance)
                .find_map(|e| snap.eni(e).primary_ip())
        });
        let f = out.add(
            cx.nat_subject(NatIx::from_usize(i)),
            format!(
                "public NAT gateway in {}, whose route table has {route}{}: nothing it translates reaches the internet",
                sn.id,
                if to_self { " (a route to itself)" } else { "" }
            ),
        );
        if let (Some(src), Some(dst)) = (client, cx.internet_host()) {
            for l in cx.engine_evidence(src, dst, 443) {
                f.because(l);
            }
        }
    }
}
