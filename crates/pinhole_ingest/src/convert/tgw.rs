//! Transit gateways, their attachments, route tables, routes, propagations and associations.

use super::{At, arn_region, item, live};
use crate::error::IngestError;
use crate::pending::*;
use crate::raw::{Str, own, own_or, tags, tgw as r};
use std::sync::Arc;

fn enabled(v: Option<&Str<'_>>) -> bool {
    v.is_some_and(|s| s == "enable")
}

pub(super) fn transit_gateways(ctx: &Arc<Ctx>, list: Vec<r::TransitGateway<'_>>, p: &mut Parts) {
    for t in list {
        p.transit_gateways.insert(PTransitGateway {
            id: t.transit_gateway_id.into_owned(),
            owner: own(t.owner_id),
            arn_region: t.transit_gateway_arn.as_deref().and_then(arn_region),
            state: own_or(t.state, "available"),
            sg_referencing: enabled(
                t.options
                    .as_ref()
                    .and_then(|o| o.security_group_referencing_support.as_ref()),
            ),
            auto_accept: enabled(
                t.options
                    .as_ref()
                    .and_then(|o| o.auto_accept_shared_attachments.as_ref()),
            ),
            tags: tags(&t.tags),
            ctx: ctx.clone(),
        });
    }
}

pub(super) fn attachments(file: &str, list: Vec<r::Attachment<'_>>, p: &mut Parts) {
    for (i, a) in list.into_iter().enumerate() {
        let path = item("TransitGatewayAttachments", i);
        let association = a
            .association
            .filter(|s| matches!(s.state.as_deref(), None | Some("associated")))
            .map(|s| s.transit_gateway_route_table_id.into_owned());
        p.tgw_attachments.insert(PTgwAttachment {
            id: a.transit_gateway_attachment_id.into_owned(),
            tgw: a.transit_gateway_id.into_owned(),
            resource_type: a.resource_type.into_owned(),
            resource_id: a.resource_id.into_owned(),
            state: own_or(a.state, "available"),
            association,
            tags: tags(&a.tags),
            origin: At { file, path: &path }.origin(),
        });
    }
}

pub(super) fn vpc_attachments(file: &str, list: Vec<r::VpcAttachment<'_>>, p: &mut Parts) {
    for (i, a) in list.into_iter().enumerate() {
        let path = item("TransitGatewayVpcAttachments", i);
        let o = a.options.as_ref();
        p.tgw_vpc_attachments.insert(PTgwVpcAttachment {
            id: a.transit_gateway_attachment_id.into_owned(),
            tgw: a.transit_gateway_id.into_owned(),
            vpc_id: a.vpc_id.into_owned(),
            subnets: a.subnet_ids.0.into_iter().map(Str::into_owned).collect(),
            state: own_or(a.state, "available"),
            appliance_mode: enabled(o.and_then(|o| o.appliance_mode_support.as_ref())),
            sg_referencing: enabled(o.and_then(|o| o.security_group_referencing_support.as_ref())),
            ipv6: enabled(o.and_then(|o| o.ipv6_support.as_ref())),
            tags: tags(&a.tags),
            origin: At { file, path: &path }.origin(),
        });
    }
}

pub(super) fn route_tables(list: Vec<r::RouteTable<'_>>, p: &mut Parts) {
    for t in list {
        if !live(t.state.as_deref()) {
            continue;
        }
        p.tgw_route_tables.insert(PTgwRouteTable {
            id: t.transit_gateway_route_table_id.into_owned(),
            tgw: t.transit_gateway_id.into_owned(),
            tags: tags(&t.tags),
        });
    }
}

pub(super) fn propagations(file: &str, list: Vec<r::PropagationsOfTable<'_>>, p: &mut Parts) {
    for (i, t) in list.into_iter().enumerate() {
        for (j, g) in t
            .transit_gateway_route_table_propagations
            .iter()
            .enumerate()
        {
            let path = format!(
                "TransitGatewayPropagations[{i}].TransitGatewayRouteTablePropagations[{j}]"
            );
            p.tgw_propagations.push(PTgwPropagation {
                table: t.transit_gateway_route_table_id.to_string(),
                attachment: g.transit_gateway_attachment_id.to_string(),
                resource_id: g.resource_id.as_deref().map(str::to_owned),
                enabled: matches!(g.state.as_deref(), None | Some("enabled")),
                origin: At { file, path: &path }.origin(),
            });
        }
    }
}

pub(super) fn routes(
    file: &str,
    list: Vec<r::RoutesOfTable<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, t) in list.into_iter().enumerate() {
        let tpath = item("TransitGatewayStaticRoutes", i);
        if t.additional_routes_available {
            p.warn(
                &At { file, path: &tpath }.origin(),
                format!(
                    "routes of transit gateway route table `{}` are truncated (`AdditionalRoutesAvailable`)",
                    t.transit_gateway_route_table_id
                ),
            );
        }
        for (j, rt) in t.routes.iter().enumerate() {
            let path = format!("{tpath}.Routes[{j}]");
            let at = At { file, path: &path };
            let dest = match (rt.destination_cidr_block, &rt.prefix_list_id) {
                (Some(c), _) => PTgwDest::Cidr(at.cidr("DestinationCidrBlock", c, p)),
                (None, Some(pl)) => PTgwDest::PrefixList(pl.to_string()),
                (None, None) => return Err(at.missing("DestinationCidrBlock")),
            };
            p.tgw_routes.push(PTgwRoute {
                table: t.transit_gateway_route_table_id.to_string(),
                dest,
                propagated: rt.r#type.as_deref() == Some("propagated"),
                state: rt.state.as_deref().unwrap_or("active").to_owned(),
                attachments: rt
                    .transit_gateway_attachments
                    .iter()
                    .map(|a| a.transit_gateway_attachment_id.to_string())
                    .collect(),
                origin: at.origin(),
            });
        }
    }
    Ok(())
}

pub(super) fn associations(file: &str, list: Vec<r::AssociationsOfTable<'_>>, p: &mut Parts) {
    for (i, t) in list.into_iter().enumerate() {
        for (j, a) in t.associations.iter().enumerate() {
            if !matches!(a.state.as_deref(), None | Some("associated")) {
                continue;
            }
            let path = format!("TransitGatewayRouteTableAssociations[{i}].Associations[{j}]");
            p.tgw_associations.push(PTgwAssociation {
                table: t.transit_gateway_route_table_id.to_string(),
                attachment: a.transit_gateway_attachment_id.to_string(),
                origin: At { file, path: &path }.origin(),
            });
        }
    }
}
