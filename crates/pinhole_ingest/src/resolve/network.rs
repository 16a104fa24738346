//! VPCs, subnets, route tables, network ACLs and prefix lists.

use super::{dangling, region_of_az, warn};
use crate::error::IngestError;
use crate::pending::Parts;
use ipnet::IpNet;
use pinhole_model::*;
use std::collections::BTreeMap;

pub(super) fn vpcs_and_subnets(parts: &mut Parts, snap: &mut Snapshot) -> Result<(), IngestError> {
    for v in std::mem::take(&mut parts.vpcs).into_sorted() {
        let ix = VpcIx::from_usize(snap.vpcs.len());
        snap.index.vpc.insert(v.id.clone(), ix);
        snap.vpcs.push(Vpc {
            id: v.id.into(),
            account: v
                .owner
                .or_else(|| v.ctx.account.clone())
                .unwrap_or_default()
                .into(),
            region: v.ctx.region.clone().unwrap_or_default(),
            cidrs: v.cidrs,
            tags: v.tags,
            is_default: v.is_default,
            subnets: Vec::new(),
            main_route_table: None,
            default_acl: None,
            internet_gateway: None,
            origin: v.origin,
        });
    }
    for s in std::mem::take(&mut parts.subnets).into_sorted() {
        let Some(&vpc) = snap.index.vpc.get(&s.vpc_id) else {
            return Err(dangling(
                &s.origin,
                "VpcId",
                format!("subnet `{}`", s.id),
                format!("VPC `{}`", s.vpc_id),
                "a VPC listed in a `Vpcs` file",
            ));
        };
        let ix = SubnetIx::from_usize(snap.subnets.len());
        snap.index.subnet.insert(s.id.clone(), ix);
        let az_id = s.az_id.or_else(|| parts.zone_ids.get(&s.az).cloned());
        let region = s
            .ctx
            .region
            .clone()
            .or(s.arn_region.clone())
            .or_else(|| region_of_az(&s.az));
        let Some(v) = snap.vpcs.get_mut(vpc.ix()) else {
            continue;
        };
        v.subnets.push(ix);
        if v.region.is_empty() {
            v.region = region.unwrap_or_default();
        }
        let account: AccountId = s
            .owner
            .or_else(|| s.ctx.account.clone())
            .map(Into::into)
            .unwrap_or_else(|| v.account.clone());
        if v.account.as_str().is_empty() {
            v.account = account.clone();
        }
        snap.subnets.push(Subnet {
            id: s.id.into(),
            vpc,
            account,
            az: s.az,
            az_id,
            cidrs: s.cidrs,
            tags: s.tags,
            map_public_ip: s.map_public_ip,
            route_table: None,
            network_acl: None,
            origin: s.origin,
        });
    }
    Ok(())
}

/// Warnings for what AWS itself refuses: a subnet block outside every block of its VPC, an IPv4
/// subnet prefix outside /16-/28, and two subnets of one VPC that overlap.
pub(super) fn subnet_consistency(snap: &mut Snapshot) {
    let mut found: Vec<(Origin, String)> = Vec::new();
    let mut blocks_by_vpc: Vec<Vec<(IpNet, usize)>> = vec![Vec::new(); snap.vpcs.len()];
    for (i, s) in snap.subnets.iter().enumerate() {
        let Some(v) = snap.vpcs.get(s.vpc.ix()) else {
            continue;
        };
        for &c in &s.cidrs {
            if let IpNet::V4(n) = c
                && !(16..=28).contains(&n.prefix_len())
            {
                found.push((
                    s.origin.clone(),
                    format!(
                        "subnet `{}` has CIDR `{c}`, but AWS allows IPv4 subnets from /16 to /28 only",
                        s.id
                    ),
                ));
            }
            if !v.cidrs.iter().any(|vc| vc.contains(&c)) {
                found.push((
                    s.origin.clone(),
                    format!(
                        "subnet `{}` CIDR `{c}` is outside every CIDR of its VPC `{}` ({})",
                        s.id,
                        v.id,
                        list_cidrs(v.cidrs.iter().filter(|vc| same_family(vc, &c)))
                    ),
                ));
            }
            if let Some(blocks) = blocks_by_vpc.get_mut(s.vpc.ix()) {
                blocks.push((c, i));
            }
        }
    }
    for mut blocks in blocks_by_vpc {
        // CIDR blocks nest or are disjoint: in address order, a block overlaps an earlier one
        // exactly when it starts inside the one reaching furthest so far (of its family).
        blocks.sort_by_key(|(c, i)| (matches!(c, IpNet::V6(_)), c.network(), c.prefix_len(), *i));
        let mut reach: Option<(IpNet, usize)> = None;
        for (c, i) in blocks {
            match reach {
                Some((r, j)) if same_family(&r, &c) && r.contains(&c.network()) => {
                    if i != j
                        && let (Some(a), Some(b)) = (snap.subnets.get(j), snap.subnets.get(i))
                    {
                        found.push((
                            b.origin.clone(),
                            format!(
                                "subnet `{}` ({c}) overlaps subnet `{}` ({r}) of the same VPC",
                                b.id, a.id
                            ),
                        ));
                    }
                    if c.broadcast() > r.broadcast() {
                        reach = Some((c, i));
                    }
                }
                _ => reach = Some((c, i)),
            }
        }
    }
    for (origin, msg) in found {
        warn(snap, &origin, msg);
    }
}

fn same_family(a: &IpNet, b: &IpNet) -> bool {
    matches!(
        (a, b),
        (IpNet::V4(_), IpNet::V4(_)) | (IpNet::V6(_), IpNet::V6(_))
    )
}

fn list_cidrs<'a>(cidrs: impl Iterator<Item = &'a IpNet>) -> String {
    let v: Vec<String> = cidrs.map(ToString::to_string).collect();
    if v.is_empty() {
        "none of that family".to_owned()
    } else {
        v.join(", ")
    }
}

/// Route tables and NACLs, then each subnet's effective table and NACL.
pub(super) fn route_tables_and_acls(
    parts: &mut Parts,
    snap: &mut Snapshot,
) -> Result<(), IngestError> {
    let mut explicit_rtb: Vec<Option<RtbIx>> = vec![None; snap.subnets.len()];
    for t in std::mem::take(&mut parts.route_tables).into_sorted() {
        let Some(&vpc) = snap.index.vpc.get(&t.vpc_id) else {
            return Err(dangling(
                &t.origin,
                "VpcId",
                format!("route table `{}`", t.id),
                format!("VPC `{}`", t.vpc_id),
                "a VPC listed in a `Vpcs` file",
            ));
        };
        let ix = RtbIx::from_usize(snap.route_tables.len());
        snap.index.route_table.insert(t.id.clone(), ix);
        for (subnet_id, path) in &t.subnets {
            let origin = Origin {
                file: t.origin.file.clone(),
                path: path.clone(),
            };
            let Some(&s) = snap.index.subnet.get(subnet_id) else {
                return Err(dangling(
                    &origin,
                    "",
                    format!("route table `{}` association", t.id),
                    format!("subnet `{subnet_id}`"),
                    "a subnet listed in a `Subnets` file",
                ));
            };
            match explicit_rtb.get_mut(s.ix()) {
                Some(slot @ None) => *slot = Some(ix),
                _ => warn(
                    snap,
                    &origin,
                    format!(
                        "subnet `{subnet_id}` is associated with several route tables: `{}` ignored",
                        t.id
                    ),
                ),
            }
        }
        let mut routes = t.routes;
        let vpc_cidrs = snap
            .vpcs
            .get(vpc.ix())
            .map(|v| v.cidrs.clone())
            .unwrap_or_default();
        add_local_routes(&mut routes, &vpc_cidrs);
        if t.main {
            let other = snap.vpcs.get(vpc.ix()).and_then(|v| v.main_route_table);
            match other {
                None => {
                    if let Some(v) = snap.vpcs.get_mut(vpc.ix()) {
                        v.main_route_table = Some(ix);
                    }
                }
                Some(_) => warn(
                    snap,
                    &t.origin,
                    format!(
                        "VPC `{}` has several main route tables: `{}` ignored",
                        t.vpc_id, t.id
                    ),
                ),
            }
        }
        snap.route_tables.push(RouteTable {
            id: t.id.into(),
            vpc,
            tags: t.tags,
            main: t.main,
            routes,
            origin: t.origin,
        });
    }

    let mut explicit_acl: Vec<Option<AclIx>> = vec![None; snap.subnets.len()];
    for a in std::mem::take(&mut parts.network_acls).into_sorted() {
        let Some(&vpc) = snap.index.vpc.get(&a.vpc_id) else {
            return Err(dangling(
                &a.origin,
                "VpcId",
                format!("network ACL `{}`", a.id),
                format!("VPC `{}`", a.vpc_id),
                "a VPC listed in a `Vpcs` file",
            ));
        };
        let ix = AclIx::from_usize(snap.network_acls.len());
        snap.index.acl.insert(a.id.clone(), ix);
        for (subnet_id, path) in &a.subnets {
            let origin = Origin {
                file: a.origin.file.clone(),
                path: path.clone(),
            };
            let Some(&s) = snap.index.subnet.get(subnet_id) else {
                return Err(dangling(
                    &origin,
                    "",
                    format!("network ACL `{}` association", a.id),
                    format!("subnet `{subnet_id}`"),
                    "a subnet listed in a `Subnets` file",
                ));
            };
            match explicit_acl.get_mut(s.ix()) {
                Some(slot @ None) => *slot = Some(ix),
                _ => warn(
                    snap,
                    &origin,
                    format!(
                        "subnet `{subnet_id}` is associated with several network ACLs: `{}` ignored",
                        a.id
                    ),
                ),
            }
        }
        if a.is_default {
            match snap.vpcs.get(vpc.ix()).and_then(|v| v.default_acl) {
                None => {
                    if let Some(v) = snap.vpcs.get_mut(vpc.ix()) {
                        v.default_acl = Some(ix);
                    }
                }
                Some(_) => warn(
                    snap,
                    &a.origin,
                    format!(
                        "VPC `{}` has several default network ACLs: `{}` ignored",
                        a.vpc_id, a.id
                    ),
                ),
            }
        }
        snap.network_acls.push(NetworkAcl {
            id: a.id.into(),
            vpc,
            tags: a.tags,
            is_default: a.is_default,
            inbound: a.inbound,
            outbound: a.outbound,
            origin: a.origin,
        });
    }

    let mut no_main = BTreeMap::new();
    let mut no_acl = BTreeMap::new();
    for (i, s) in snap.subnets.iter_mut().enumerate() {
        let Some(v) = snap.vpcs.get(s.vpc.ix()) else {
            continue;
        };
        s.route_table = explicit_rtb
            .get(i)
            .copied()
            .flatten()
            .or(v.main_route_table);
        s.network_acl = explicit_acl.get(i).copied().flatten().or(v.default_acl);
        if s.route_table.is_none() {
            *no_main.entry(s.vpc).or_insert(0usize) += 1;
        }
        if s.network_acl.is_none() {
            *no_acl.entry(s.vpc).or_insert(0usize) += 1;
        }
    }
    for (vpc, n) in no_main {
        if let Some(v) = snap.vpcs.get(vpc.ix()) {
            let (origin, msg) = (
                v.origin.clone(),
                format!(
                    "VPC `{}` has no main route table in the snapshot: {n} subnets have no route table",
                    v.id
                ),
            );
            warn(snap, &origin, msg);
        }
    }
    for (vpc, n) in no_acl {
        if let Some(v) = snap.vpcs.get(vpc.ix()) {
            let (origin, msg) = (
                v.origin.clone(),
                format!(
                    "VPC `{}` has no default network ACL in the snapshot: {n} subnets have no network ACL",
                    v.id
                ),
            );
            warn(snap, &origin, msg);
        }
    }
    Ok(())
}

/// AWS gives every route table one `local` route per VPC CIDR; dumps from some tools omit them.
/// A route with the same destination (a replaced local target) counts as present.
pub(crate) fn add_local_routes(routes: &mut Vec<Route>, vpc_cidrs: &[ipnet::IpNet]) {
    let missing: Vec<Route> = vpc_cidrs
        .iter()
        .filter(|c| !routes.iter().any(|r| r.dest == RouteDest::Cidr(**c)))
        .map(|c| Route {
            dest: RouteDest::Cidr(*c),
            target: RouteTarget::Local,
            state: RouteState::Active,
            origin: RouteOrigin::Auto,
        })
        .collect();
    if !missing.is_empty() {
        routes.splice(0..0, missing);
    }
}

/// Prefix lists from `describe-prefix-lists`, `describe-managed-prefix-lists` and wrapped entry
/// lists, merged by id; then route destinations that name them.
pub(super) fn prefix_lists(parts: &mut Parts, snap: &mut Snapshot) {
    struct Merged {
        name: Option<String>,
        cidrs: Vec<ipnet::IpNet>,
        /// `cidrs` as a set: managed lists run to thousands of entries.
        seen: rustc_hash::FxHashSet<ipnet::IpNet>,
        has_entries: bool,
        origin: Origin,
    }
    let mut by_id: BTreeMap<String, Merged> = BTreeMap::new();
    for p in std::mem::take(&mut parts.prefix_lists) {
        let m = by_id.entry(p.id).or_insert_with(|| Merged {
            name: None,
            cidrs: Vec::new(),
            seen: rustc_hash::FxHashSet::default(),
            has_entries: false,
            origin: p.origin.clone(),
        });
        if m.name.is_none() {
            m.name = p.name;
        }
        if let Some(cidrs) = p.cidrs {
            m.has_entries = true;
            for c in cidrs {
                if m.seen.insert(c) {
                    m.cidrs.push(c);
                }
            }
        }
    }
    for (id, m) in by_id {
        if !m.has_entries {
            warn(
                snap,
                &m.origin,
                format!("prefix list `{id}` has no entries in the snapshot"),
            );
        }
        let ix = PlIx::from_usize(snap.prefix_lists.len());
        snap.index.prefix_list.insert(id.clone(), ix);
        snap.prefix_lists.push(PrefixList {
            id: id.into(),
            name: m.name.unwrap_or_default(),
            cidrs: m.cidrs,
        });
    }
    let mut unknown = Vec::new();
    for t in &mut snap.route_tables {
        for r in &mut t.routes {
            if let RouteDest::PrefixList(id, ix) = &mut r.dest {
                *ix = snap.index.prefix_list.get(id.as_str()).copied();
                if ix.is_none() {
                    unknown.push((t.origin.clone(), format!("route table `{}` routes to prefix list `{id}`, which is not in the snapshot", t.id)));
                }
            }
        }
    }
    for (origin, msg) in unknown {
        warn(snap, &origin, msg);
    }
}
