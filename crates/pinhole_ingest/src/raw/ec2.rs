//! `aws ec2 describe-*` shapes for the VPC core: VPCs, subnets, route tables, NACLs, security
//! groups, ENIs, instances, addresses and gateways.

use super::{Cidr, Ip, Ipv4, List, Proto, Tag};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct State {
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Vpc {
    pub vpc_id: String,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub cidr_block: Option<Cidr>,
    #[serde(default)]
    pub cidr_block_association_set: Option<Vec<CidrAssoc>>,
    #[serde(default)]
    pub ipv6_cidr_block_association_set: List<Ipv6CidrAssoc>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CidrAssoc {
    pub cidr_block: Cidr,
    #[serde(default)]
    pub cidr_block_state: Option<State>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Ipv6CidrAssoc {
    pub ipv6_cidr_block: Cidr,
    #[serde(default)]
    pub ipv6_cidr_block_state: Option<State>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Subnet {
    pub subnet_id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub cidr_block: Option<Cidr>,
    #[serde(default)]
    pub ipv6_cidr_block_association_set: List<Ipv6CidrAssoc>,
    pub availability_zone: String,
    #[serde(default)]
    pub availability_zone_id: Option<String>,
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub subnet_arn: Option<String>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RouteTable {
    pub route_table_id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub associations: List<RouteTableAssoc>,
    #[serde(default)]
    pub routes: List<Route>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RouteTableAssoc {
    #[serde(default)]
    pub main: bool,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub gateway_id: Option<String>,
    #[serde(default)]
    pub association_state: Option<State>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Route {
    #[serde(default)]
    pub destination_cidr_block: Option<Cidr>,
    #[serde(default)]
    pub destination_ipv6_cidr_block: Option<Cidr>,
    #[serde(default)]
    pub destination_prefix_list_id: Option<String>,
    #[serde(default)]
    pub gateway_id: Option<String>,
    #[serde(default)]
    pub nat_gateway_id: Option<String>,
    #[serde(default)]
    pub vpc_peering_connection_id: Option<String>,
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub egress_only_internet_gateway_id: Option<String>,
    #[serde(default)]
    pub carrier_gateway_id: Option<String>,
    #[serde(default)]
    pub local_gateway_id: Option<String>,
    #[serde(default)]
    pub core_network_arn: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub origin: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NetworkAcl {
    pub network_acl_id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub entries: List<AclEntry>,
    #[serde(default)]
    pub associations: List<AclAssoc>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AclEntry {
    pub rule_number: i64,
    pub protocol: Proto,
    pub rule_action: String,
    /// Required: defaulting it would turn an outbound rule into an inbound one.
    pub egress: bool,
    #[serde(default)]
    pub cidr_block: Option<Cidr>,
    #[serde(default)]
    pub ipv6_cidr_block: Option<Cidr>,
    #[serde(default)]
    pub port_range: Option<PortRange>,
    #[serde(default)]
    pub icmp_type_code: Option<IcmpTypeCode>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PortRange {
    #[serde(default)]
    pub from: Option<i64>,
    #[serde(default)]
    pub to: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IcmpTypeCode {
    #[serde(default)]
    pub r#type: Option<i64>,
    #[serde(default)]
    pub code: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AclAssoc {
    pub subnet_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SecurityGroup {
    pub group_id: String,
    #[serde(default)]
    pub group_name: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub ip_permissions: List<IpPermission>,
    #[serde(default)]
    pub ip_permissions_egress: List<IpPermission>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IpPermission {
    pub ip_protocol: Proto,
    #[serde(default)]
    pub from_port: Option<i64>,
    #[serde(default)]
    pub to_port: Option<i64>,
    #[serde(default)]
    pub ip_ranges: List<IpRange>,
    #[serde(default)]
    pub ipv6_ranges: List<Ipv6Range>,
    #[serde(default)]
    pub prefix_list_ids: List<PrefixListRef>,
    #[serde(default)]
    pub user_id_group_pairs: List<GroupPair>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IpRange {
    pub cidr_ip: Cidr,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Ipv6Range {
    pub cidr_ipv6: Cidr,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PrefixListRef {
    pub prefix_list_id: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GroupPair {
    pub group_id: String,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub vpc_peering_connection_id: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// An ENI, as `describe-network-interfaces` gives it and, with fewer fields, as
/// `describe-instances` embeds it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Eni {
    pub network_interface_id: String,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub interface_type: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub requester_id: Option<String>,
    #[serde(default)]
    pub private_ip_address: Option<Ip>,
    #[serde(default)]
    pub private_ip_addresses: List<PrivateIpAddress>,
    #[serde(default)]
    pub association: Option<IpAssociation>,
    #[serde(default)]
    pub ipv6_addresses: List<Ipv6Address>,
    #[serde(default)]
    pub ipv4_prefixes: List<serde::de::IgnoredAny>,
    #[serde(default)]
    pub ipv6_prefixes: List<serde::de::IgnoredAny>,
    #[serde(default)]
    pub groups: List<GroupRef>,
    #[serde(default)]
    pub source_dest_check: Option<bool>,
    #[serde(default)]
    pub attachment: Option<EniAttachment>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub tag_set: List<Tag>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PrivateIpAddress {
    pub private_ip_address: Ip,
    #[serde(default)]
    pub primary: bool,
    #[serde(default)]
    pub association: Option<IpAssociation>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IpAssociation {
    #[serde(default)]
    pub public_ip: Option<Ipv4>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Ipv6Address {
    pub ipv6_address: Ip,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GroupRef {
    pub group_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct EniAttachment {
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub device_index: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Reservation {
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub instances: List<Instance>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Instance {
    pub instance_id: String,
    pub state: InstanceState,
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub platform_details: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub network_interfaces: List<Eni>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InstanceState {
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Address {
    pub public_ip: Ipv4,
    #[serde(default)]
    pub allocation_id: Option<String>,
    #[serde(default)]
    pub association_id: Option<String>,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
    #[serde(default)]
    pub private_ip_address: Option<Ip>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InternetGateway {
    pub internet_gateway_id: String,
    #[serde(default)]
    pub attachments: List<GatewayAttachment>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GatewayAttachment {
    pub vpc_id: String,
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NatGateway {
    pub nat_gateway_id: String,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub connectivity_type: Option<String>,
    #[serde(default)]
    pub nat_gateway_addresses: List<NatAddress>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NatAddress {
    #[serde(default)]
    pub private_ip: Option<Ip>,
    #[serde(default)]
    pub public_ip: Option<Ipv4>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringConnection {
    pub vpc_peering_connection_id: String,
    #[serde(default)]
    pub status: Option<PeeringStatus>,
    pub requester_vpc_info: PeeringVpcInfo,
    pub accepter_vpc_info: PeeringVpcInfo,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringStatus {
    pub code: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringVpcInfo {
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub cidr_block: Option<Cidr>,
    #[serde(default)]
    pub cidr_block_set: List<PeeringCidr>,
    #[serde(default)]
    pub ipv6_cidr_block_set: List<PeeringIpv6Cidr>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringCidr {
    pub cidr_block: Cidr,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringIpv6Cidr {
    pub ipv6_cidr_block: Cidr,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VpcEndpoint {
    pub vpc_endpoint_id: String,
    #[serde(default)]
    pub vpc_endpoint_type: Option<String>,
    pub vpc_id: String,
    #[serde(default)]
    pub service_name: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub route_table_ids: List<String>,
    #[serde(default)]
    pub network_interface_ids: List<String>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AvailabilityZone {
    pub zone_name: String,
    #[serde(default)]
    pub zone_id: Option<String>,
}
