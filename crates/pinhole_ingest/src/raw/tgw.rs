//! Transit gateway shapes (`reference/aws-semantics-more.md` §1.11), including the per-route-table
//! wrappers collectors write around `get-transit-gateway-route-table-propagations`,
//! `search-transit-gateway-routes` and `get-transit-gateway-route-table-associations`.

use super::{Cidr, List, Tag};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TransitGateway {
    pub transit_gateway_id: String,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub transit_gateway_arn: Option<String>,
    #[serde(default)]
    pub options: Option<TgwOptions>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwOptions {
    #[serde(default)]
    pub security_group_referencing_support: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Attachment {
    pub transit_gateway_attachment_id: String,
    pub transit_gateway_id: String,
    /// Required, like `ResourceId`: without them the attachment cannot be linked to anything.
    pub resource_type: String,
    pub resource_id: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub association: Option<AttachmentAssociation>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AttachmentAssociation {
    pub transit_gateway_route_table_id: String,
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VpcAttachment {
    pub transit_gateway_attachment_id: String,
    pub transit_gateway_id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub subnet_ids: List<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub options: Option<VpcAttachmentOptions>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VpcAttachmentOptions {
    #[serde(default)]
    pub appliance_mode_support: Option<String>,
    #[serde(default)]
    pub security_group_referencing_support: Option<String>,
    #[serde(default)]
    pub ipv6_support: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RouteTable {
    pub transit_gateway_route_table_id: String,
    pub transit_gateway_id: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub tags: List<Tag>,
}

/// `{TransitGatewayRouteTableId, TransitGatewayRouteTablePropagations: [...]}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PropagationsOfTable {
    pub transit_gateway_route_table_id: String,
    #[serde(default)]
    pub transit_gateway_route_table_propagations: List<Propagation>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Propagation {
    pub transit_gateway_attachment_id: String,
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
}

/// `{TransitGatewayRouteTableId, Routes: [...], AdditionalRoutesAvailable}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RoutesOfTable {
    pub transit_gateway_route_table_id: String,
    #[serde(default)]
    pub routes: List<TgwRoute>,
    #[serde(default)]
    pub additional_routes_available: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwRoute {
    #[serde(default)]
    pub destination_cidr_block: Option<Cidr>,
    #[serde(default)]
    pub prefix_list_id: Option<String>,
    #[serde(default)]
    pub r#type: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub transit_gateway_attachments: List<RouteAttachment>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RouteAttachment {
    pub transit_gateway_attachment_id: String,
}

/// `{TransitGatewayRouteTableId, Associations: [...]}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AssociationsOfTable {
    pub transit_gateway_route_table_id: String,
    #[serde(default, alias = "TransitGatewayRouteTableAssociations")]
    pub associations: List<TableAssociation>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TableAssociation {
    pub transit_gateway_attachment_id: String,
    #[serde(default)]
    pub state: Option<String>,
}
