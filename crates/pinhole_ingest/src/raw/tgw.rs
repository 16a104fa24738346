//! Transit gateway shapes (`reference/aws-semantics-more.md` §1.11), including the per-route-table
//! wrappers collectors write around `get-transit-gateway-route-table-propagations`,
//! `search-transit-gateway-routes` and `get-transit-gateway-route-table-associations`.

use super::{Cidr, List, Str, Tag};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TransitGateway<'a> {
    #[serde(borrow)]
    pub transit_gateway_id: Str<'a>,
    #[serde(default, borrow)]
    pub owner_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub transit_gateway_arn: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub options: Option<TgwOptions<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwOptions<'a> {
    #[serde(default, borrow)]
    pub security_group_referencing_support: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub auto_accept_shared_attachments: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Attachment<'a> {
    #[serde(borrow)]
    pub transit_gateway_attachment_id: Str<'a>,
    #[serde(borrow)]
    pub transit_gateway_id: Str<'a>,
    /// Required, like `ResourceId`: without them the attachment cannot be linked to anything.
    #[serde(borrow)]
    pub resource_type: Str<'a>,
    #[serde(borrow)]
    pub resource_id: Str<'a>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub association: Option<AttachmentAssociation<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AttachmentAssociation<'a> {
    #[serde(borrow)]
    pub transit_gateway_route_table_id: Str<'a>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VpcAttachment<'a> {
    #[serde(borrow)]
    pub transit_gateway_attachment_id: Str<'a>,
    #[serde(borrow)]
    pub transit_gateway_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(default, borrow)]
    pub subnet_ids: List<Str<'a>>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub options: Option<VpcAttachmentOptions<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VpcAttachmentOptions<'a> {
    #[serde(default, borrow)]
    pub appliance_mode_support: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub security_group_referencing_support: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub ipv6_support: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RouteTable<'a> {
    #[serde(borrow)]
    pub transit_gateway_route_table_id: Str<'a>,
    #[serde(borrow)]
    pub transit_gateway_id: Str<'a>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

/// `{TransitGatewayRouteTableId, TransitGatewayRouteTablePropagations: [...]}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PropagationsOfTable<'a> {
    #[serde(borrow)]
    pub transit_gateway_route_table_id: Str<'a>,
    #[serde(default, borrow)]
    pub transit_gateway_route_table_propagations: List<Propagation<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Propagation<'a> {
    #[serde(borrow)]
    pub transit_gateway_attachment_id: Str<'a>,
    #[serde(default, borrow)]
    pub resource_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
}

/// `{TransitGatewayRouteTableId, Routes: [...], AdditionalRoutesAvailable}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RoutesOfTable<'a> {
    #[serde(borrow)]
    pub transit_gateway_route_table_id: Str<'a>,
    #[serde(default, borrow)]
    pub routes: List<TgwRoute<'a>>,
    #[serde(default)]
    pub additional_routes_available: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwRoute<'a> {
    #[serde(default)]
    pub destination_cidr_block: Option<Cidr>,
    #[serde(default, borrow)]
    pub prefix_list_id: Option<Str<'a>>,
    #[serde(default)]
    pub r#type: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub transit_gateway_attachments: List<RouteAttachment<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RouteAttachment<'a> {
    #[serde(borrow)]
    pub transit_gateway_attachment_id: Str<'a>,
}

/// `{TransitGatewayRouteTableId, Associations: [...]}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AssociationsOfTable<'a> {
    #[serde(borrow)]
    pub transit_gateway_route_table_id: Str<'a>,
    #[serde(default, alias = "TransitGatewayRouteTableAssociations", borrow)]
    pub associations: List<TableAssociation<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TableAssociation<'a> {
    #[serde(borrow)]
    pub transit_gateway_attachment_id: Str<'a>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
}
