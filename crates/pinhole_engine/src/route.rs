//! Longest-prefix match in VPC and transit gateway route tables.

use pinhole_model::{
    Route, RouteDest, RouteDestHot, RouteHot, RouteOrigin, RouteState, RouteTargetKind, RtbIx,
    Snapshot, TgwRoute, TgwRouteTable, net_contains,
};
use std::net::IpAddr;

/// The prefix length with which a route to `dest` matches `dst`, if it does.
fn match_len(snap: &Snapshot, dest: &RouteDestHot, dst: IpAddr) -> Option<u8> {
    match dest {
        RouteDestHot::Cidr(c) => net_contains(c, dst).then(|| c.prefix_len()),
        RouteDestHot::PrefixList(Some(pl)) => snap.prefix_lists[pl.ix()]
            .cidrs
            .iter()
            .filter(|c| c.contains(&dst))
            .map(|c| c.prefix_len())
            .max(),
        RouteDestHot::PrefixList(None) => None,
    }
}

/// Rank among routes of equal prefix length: static CIDR routes, then prefix-list routes, then
/// propagated routes (route-table docs, "Route priority").
fn rank(route: &RouteHot) -> u8 {
    match (&route.dest, route.origin) {
        (_, RouteOrigin::Propagated) => 2,
        (RouteDestHot::PrefixList(..), _) => 1,
        _ => 0,
    }
}

/// The position in `rtb`'s routes of the route that decides `dst`. `skip_gateway_endpoints`
/// drops `pl → vpce` routes for packets that entered the VPC through peering or a transit
/// gateway, which cannot use them. Scans the packed routes of the snapshot's index.
pub fn lookup_ix(
    snap: &Snapshot,
    rtb: RtbIx,
    dst: IpAddr,
    skip_gateway_endpoints: bool,
) -> Option<usize> {
    let mut best: Option<(usize, u8, u8)> = None;
    for (i, r) in snap.routes_hot(rtb).iter().enumerate() {
        if skip_gateway_endpoints && r.target_kind == RouteTargetKind::VpcEndpoint {
            continue;
        }
        let Some(len) = match_len(snap, &r.dest, dst) else {
            continue;
        };
        let rk = rank(r);
        let better = match best {
            None => true,
            Some((_, bl, brk)) => len > bl || (len == bl && rk < brk),
        };
        if better {
            best = Some((i, len, rk));
        }
    }
    best.map(|b| b.0)
}

/// The route of `rtb` that decides `dst` (see [`lookup_ix`]).
pub fn lookup(
    snap: &Snapshot,
    rtb: RtbIx,
    dst: IpAddr,
    skip_gateway_endpoints: bool,
) -> Option<&Route> {
    lookup_ix(snap, rtb, dst, skip_gateway_endpoints).and_then(|i| snap.rtb(rtb).routes.get(i))
}

pub fn route_label(snap: &Snapshot, r: &Route) -> String {
    let dest = match &r.dest {
        RouteDest::Cidr(c) => c.to_string(),
        RouteDest::PrefixList(p, Some(pl)) => {
            let name = &snap.prefix_lists[pl.ix()].name;
            if name.is_empty() {
                p.to_string()
            } else {
                format!("{p} ({name})")
            }
        }
        RouteDest::PrefixList(p, None) => p.to_string(),
    };
    let state = match r.state {
        RouteState::Active => "",
        RouteState::Blackhole => " (blackhole)",
    };
    format!("{dest} -> {}{state}", r.target.id())
}

/// The transit gateway route that decides `dst`: longest prefix, static before propagated.
pub fn tgw_lookup(rtb: &TgwRouteTable, dst: IpAddr) -> Option<&TgwRoute> {
    rtb.routes
        .iter()
        .filter(|r| r.dest.contains(&dst))
        .max_by_key(|r| {
            (
                r.dest.prefix_len(),
                std::cmp::Reverse(r.origin == RouteOrigin::Propagated),
            )
        })
}
