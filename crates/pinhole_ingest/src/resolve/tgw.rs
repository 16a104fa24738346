//! Transit gateways: attachments merged from both describe calls, associations, and each route
//! table's routes (static and blackhole from the routes files, propagated from the VPCs).

use super::warn;
use crate::convert::live;
use crate::pending::{PTgwAttachment, PTgwDest, PTgwVpcAttachment, Parts};
use ipnet::IpNet;
use pinhole_model::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

pub(super) fn transit_gateways(parts: &mut Parts, snap: &mut Snapshot) {
    for t in std::mem::take(&mut parts.transit_gateways).into_sorted() {
        let ix = TgwIx::from_usize(snap.transit_gateways.len());
        snap.index.tgw.insert(t.id.clone(), ix);
        snap.transit_gateways.push(TransitGateway {
            id: t.id.into(),
            account: t
                .owner
                .or_else(|| t.ctx.account.clone())
                .unwrap_or_default()
                .into(),
            region: t.ctx.region.clone().or(t.arn_region).unwrap_or_default(),
            state: t.state,
            sg_referencing: t.sg_referencing,
            auto_accept_shared_attachments: t.auto_accept,
            tags: t.tags,
        });
    }
    for t in std::mem::take(&mut parts.tgw_route_tables).into_sorted() {
        let ix = TgwRtbIx::from_usize(snap.tgw_route_tables.len());
        snap.index.tgw_route_table.insert(t.id.clone(), ix);
        snap.tgw_route_tables.push(TgwRouteTable {
            id: t.id.into(),
            tgw: t.tgw.into(),
            routes: Vec::new(),
            tags: t.tags,
        });
    }
    let extra = attachments(parts, snap);
    associations(parts, snap, &extra);
    static_routes(parts, snap);
    propagated_routes(parts, snap, &extra);
    for t in &mut snap.tgw_route_tables {
        t.routes.sort_by_key(|a| (a.dest, a.origin));
    }
}

fn kind_of(resource_type: &str) -> TgwAttachmentKind {
    match resource_type {
        "vpc" | "" => TgwAttachmentKind::Vpc,
        "peering" | "tgw-peering" => TgwAttachmentKind::Peering,
        "vpn" => TgwAttachmentKind::Vpn,
        "direct-connect-gateway" => TgwAttachmentKind::DirectConnect,
        other => TgwAttachmentKind::Other(other.to_owned()),
    }
}

/// What the model does not keep about an attachment but routes and warnings need.
struct Extra {
    /// `Options.Ipv6Support`: IPv6 CIDRs propagate only with it.
    ipv6: bool,
    origin: Origin,
}

fn kind_name(kind: &TgwAttachmentKind) -> &str {
    match kind {
        TgwAttachmentKind::Vpc => "VPC",
        TgwAttachmentKind::Peering => "peering",
        TgwAttachmentKind::Vpn => "VPN",
        TgwAttachmentKind::DirectConnect => "Direct Connect gateway",
        TgwAttachmentKind::Other(s) => s,
    }
}

/// Merges `TransitGatewayAttachments` and `TransitGatewayVpcAttachments` by id.
fn attachments(parts: &mut Parts, snap: &mut Snapshot) -> Vec<Extra> {
    let general: FxHashMap<String, PTgwAttachment> = std::mem::take(&mut parts.tgw_attachments)
        .into_sorted()
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let vpc: FxHashMap<String, PTgwVpcAttachment> = std::mem::take(&mut parts.tgw_vpc_attachments)
        .into_sorted()
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let ids: BTreeSet<&String> = general.keys().chain(vpc.keys()).collect();
    let mut extra = Vec::with_capacity(ids.len());
    for id in ids {
        let (a, v) = (general.get(id), vpc.get(id));
        let origin = a
            .map(|a| &a.origin)
            .or(v.map(|v| &v.origin))
            .cloned()
            .unwrap_or_default();
        let tgw = a
            .map(|a| a.tgw.clone())
            .or(v.map(|v| v.tgw.clone()))
            .unwrap_or_default();
        let kind = a.map_or(TgwAttachmentKind::Vpc, |a| kind_of(&a.resource_type));
        let resource_id = v
            .map(|v| v.vpc_id.clone())
            .or(a.map(|a| a.resource_id.clone()))
            .unwrap_or_default();
        let state = a
            .map(|a| a.state.clone())
            .or(v.map(|v| v.state.clone()))
            .unwrap_or_default();
        let is_live = live(Some(&state));
        let vpc_ix = if kind == TgwAttachmentKind::Vpc {
            snap.index.vpc.get(&resource_id).copied()
        } else {
            None
        };
        if kind == TgwAttachmentKind::Vpc && is_live {
            if vpc_ix.is_none() {
                warn(
                    snap,
                    &origin,
                    format!(
                        "transit gateway attachment `{id}`: VPC `{resource_id}` is not in the snapshot"
                    ),
                );
            }
            if v.is_none() {
                warn(
                    snap,
                    &origin,
                    format!(
                        "transit gateway attachment `{id}` has no subnets in the snapshot (no `TransitGatewayVpcAttachments` entry)"
                    ),
                );
            }
        }
        let subnets = v
            .map(|v| {
                v.subnets
                    .iter()
                    .filter_map(|s| snap.index.subnet.get(s).copied())
                    .collect()
            })
            .unwrap_or_default();
        let association = match a.and_then(|a| a.association.as_deref()) {
            Some(t) => {
                let ix = snap.index.tgw_route_table.get(t).copied();
                if ix.is_none() && is_live {
                    warn(
                        snap,
                        &origin,
                        format!(
                            "transit gateway attachment `{id}` is associated with route table `{t}`, which is not in the snapshot"
                        ),
                    );
                }
                ix
            }
            None => None,
        };
        let tags = match (a, v) {
            (Some(a), _) if !a.tags.is_empty() => a.tags.clone(),
            (_, Some(v)) => v.tags.clone(),
            _ => Vec::new(),
        };
        extra.push(Extra {
            ipv6: v.is_some_and(|v| v.ipv6),
            origin: origin.clone(),
        });
        let ix = TgwAttIx::from_usize(snap.tgw_attachments.len());
        snap.index.tgw_attachment.insert(id.clone(), ix);
        snap.tgw_attachments.push(TgwAttachment {
            id: id.as_str().into(),
            tgw: tgw.into(),
            kind,
            resource_id,
            vpc: vpc_ix,
            subnets,
            state,
            association,
            appliance_mode: v.is_some_and(|v| v.appliance_mode),
            sg_referencing: v.is_some_and(|v| v.sg_referencing),
            tags,
            origin,
        });
    }
    extra
}

/// Associations from the per-table association files; then a warning for every live attachment
/// left without one (the TGW's default association table is never assumed).
fn associations(parts: &mut Parts, snap: &mut Snapshot, extra: &[Extra]) {
    for a in std::mem::take(&mut parts.tgw_associations) {
        let (Some(&att), Some(&table)) = (
            snap.index.tgw_attachment.get(&a.attachment),
            snap.index.tgw_route_table.get(&a.table),
        ) else {
            warn(
                snap,
                &a.origin,
                format!(
                    "association of `{}` with `{}`: attachment or route table not in the snapshot",
                    a.attachment, a.table
                ),
            );
            continue;
        };
        let Some(t) = snap.tgw_attachments.get_mut(att.ix()) else {
            continue;
        };
        match t.association {
            None => t.association = Some(table),
            Some(old) if old == table => {}
            Some(_) => {
                let msg = format!(
                    "transit gateway attachment `{}` is associated with several route tables: `{}` ignored",
                    a.attachment, a.table
                );
                warn(snap, &a.origin, msg);
            }
        }
    }
    let lonely: Vec<(String, Origin)> = snap
        .tgw_attachments
        .iter()
        .zip(extra)
        .filter(|(a, _)| a.association.is_none() && live(Some(&a.state)))
        .map(|(a, x)| (a.id.0.clone(), x.origin.clone()))
        .collect();
    for (id, origin) in lonely {
        warn(
            snap,
            &origin,
            format!(
                "transit gateway attachment `{id}` has no route table association in the snapshot: the transit gateway drops its traffic"
            ),
        );
    }
}

fn static_routes(parts: &mut Parts, snap: &mut Snapshot) {
    // (table, destination, propagated) of every route added: a look-up, not a scan per route.
    let mut added: FxHashSet<(TgwRtbIx, IpNet, bool)> = FxHashSet::default();
    for r in std::mem::take(&mut parts.tgw_routes) {
        let Some(&table) = snap.index.tgw_route_table.get(&r.table) else {
            warn(
                snap,
                &r.origin,
                format!(
                    "routes of transit gateway route table `{}`, which is not in the snapshot: ignored",
                    r.table
                ),
            );
            continue;
        };
        let dests: Vec<IpNet> = match &r.dest {
            PTgwDest::Cidr(c) => vec![*c],
            PTgwDest::PrefixList(pl) => match snap.index.prefix_list.get(pl) {
                Some(&p) => snap
                    .prefix_lists
                    .get(p.ix())
                    .map(|p| p.cidrs.clone())
                    .unwrap_or_default(),
                None => {
                    warn(
                        snap,
                        &r.origin,
                        format!(
                            "transit gateway route to prefix list `{pl}`, which is not in the snapshot: ignored"
                        ),
                    );
                    continue;
                }
            },
        };
        let target = match r.state.as_str() {
            "deleted" | "deleting" => continue,
            "active" => {
                let mut atts = Vec::new();
                for id in &r.attachments {
                    match snap.index.tgw_attachment.get(id) {
                        Some(&a) => atts.push(a),
                        None => warn(
                            snap,
                            &r.origin,
                            format!(
                                "transit gateway route targets attachment `{id}`, which is not in the snapshot"
                            ),
                        ),
                    }
                }
                if atts.is_empty() {
                    TgwRouteTarget::Blackhole
                } else {
                    TgwRouteTarget::Attachments(atts)
                }
            }
            // blackhole, and pending routes that do not forward yet
            _ => TgwRouteTarget::Blackhole,
        };
        let origin = if r.propagated {
            RouteOrigin::Propagated
        } else {
            RouteOrigin::Static
        };
        let Some(t) = snap.tgw_route_tables.get_mut(table.ix()) else {
            continue;
        };
        for dest in dests {
            if added.insert((table, dest, r.propagated)) {
                t.routes.push(TgwRoute {
                    dest,
                    target: target.clone(),
                    origin,
                });
            }
        }
    }
}

/// One propagated route per CIDR of each VPC whose attachment propagates into the table
/// (IPv6 CIDRs only with `Ipv6Support`), unless a route to the same destination exists: a static
/// route wins over a propagated one (`reference/aws-semantics-more.md` §1.4).
fn propagated_routes(parts: &mut Parts, snap: &mut Snapshot, extra: &[Extra]) {
    // Look-ups rather than a scan of the table per propagation and per CIDR: the destinations
    // each table routes, and the attachments its routes target. Propagations only add routes
    // to VPC attachments, so the second set, asked about other attachments, stays as it is.
    let mut dests: FxHashSet<(TgwRtbIx, IpNet)> = FxHashSet::default();
    let mut targeted: FxHashSet<(TgwRtbIx, TgwAttIx)> = FxHashSet::default();
    for (i, t) in snap.tgw_route_tables.iter().enumerate() {
        let table = TgwRtbIx::from_usize(i);
        for r in &t.routes {
            dests.insert((table, r.dest));
            if let TgwRouteTarget::Attachments(atts) = &r.target {
                targeted.extend(atts.iter().map(|&a| (table, a)));
            }
        }
    }
    for p in std::mem::take(&mut parts.tgw_propagations) {
        if !p.enabled {
            continue;
        }
        let (Some(&table), Some(&att)) = (
            snap.index.tgw_route_table.get(&p.table),
            snap.index.tgw_attachment.get(&p.attachment),
        ) else {
            warn(
                snap,
                &p.origin,
                format!(
                    "propagation of `{}` into `{}`: attachment or route table not in the snapshot",
                    p.attachment, p.table
                ),
            );
            continue;
        };
        let Some(a) = snap.tgw_attachments.get(att.ix()) else {
            continue;
        };
        if !live(Some(&a.state)) {
            continue;
        }
        let cidrs: Vec<IpNet> = match (&a.kind, a.vpc) {
            (TgwAttachmentKind::Vpc, Some(v)) => {
                let v6 = extra.get(att.ix()).is_some_and(|x| x.ipv6);
                snap.vpc(v)
                    .cidrs
                    .iter()
                    .copied()
                    .filter(|c| v6 || matches!(c, IpNet::V4(_)))
                    .collect()
            }
            (TgwAttachmentKind::Vpc, None) => {
                let msg = format!(
                    "propagation of `{}` into `{}`: VPC `{}` is not in the snapshot, its routes are unknown",
                    p.attachment,
                    p.table,
                    p.resource_id.as_deref().unwrap_or(&a.resource_id)
                );
                warn(snap, &p.origin, msg);
                continue;
            }
            (kind, _) => {
                if !targeted.contains(&(table, att)) {
                    let msg = format!(
                        "propagation of {} attachment `{}` into `{}`: its learned routes are not in the snapshot",
                        kind_name(kind),
                        p.attachment,
                        p.table
                    );
                    warn(snap, &p.origin, msg);
                }
                continue;
            }
        };
        let Some(t) = snap.tgw_route_tables.get_mut(table.ix()) else {
            continue;
        };
        for dest in cidrs {
            if dests.insert((table, dest)) {
                t.routes.push(TgwRoute {
                    dest,
                    target: TgwRouteTarget::Attachments(vec![att]),
                    origin: RouteOrigin::Propagated,
                });
            }
        }
    }
}
