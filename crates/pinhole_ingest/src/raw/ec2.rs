//! `aws ec2 describe-*` shapes for the VPC core: VPCs, subnets, route tables, NACLs, security
//! groups, ENIs, instances, addresses and gateways.

use super::{Cidr, Ip, Ipv4, List, Proto, Str, Tag};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct State<'a> {
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Vpc<'a> {
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(default, borrow)]
    pub owner_id: Option<Str<'a>>,
    #[serde(default)]
    pub cidr_block: Option<Cidr>,
    #[serde(default, borrow)]
    pub cidr_block_association_set: Option<Vec<CidrAssoc<'a>>>,
    #[serde(default, borrow)]
    pub ipv6_cidr_block_association_set: List<Ipv6CidrAssoc<'a>>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CidrAssoc<'a> {
    pub cidr_block: Cidr,
    #[serde(default, borrow)]
    pub cidr_block_state: Option<State<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Ipv6CidrAssoc<'a> {
    pub ipv6_cidr_block: Cidr,
    #[serde(default, borrow)]
    pub ipv6_cidr_block_state: Option<State<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Subnet<'a> {
    #[serde(borrow)]
    pub subnet_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(default)]
    pub cidr_block: Option<Cidr>,
    #[serde(default, borrow)]
    pub ipv6_cidr_block_association_set: List<Ipv6CidrAssoc<'a>>,
    #[serde(borrow)]
    pub availability_zone: Str<'a>,
    #[serde(default, borrow)]
    pub availability_zone_id: Option<Str<'a>>,
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
    #[serde(default, borrow)]
    pub owner_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub subnet_arn: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RouteTable<'a> {
    #[serde(borrow)]
    pub route_table_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(default, borrow)]
    pub associations: List<RouteTableAssoc<'a>>,
    #[serde(default, borrow)]
    pub routes: List<Route<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RouteTableAssoc<'a> {
    #[serde(default)]
    pub main: bool,
    #[serde(default, borrow)]
    pub subnet_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub gateway_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub association_state: Option<State<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Route<'a> {
    #[serde(default)]
    pub destination_cidr_block: Option<Cidr>,
    #[serde(default)]
    pub destination_ipv6_cidr_block: Option<Cidr>,
    #[serde(default, borrow)]
    pub destination_prefix_list_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub gateway_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub nat_gateway_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub vpc_peering_connection_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub transit_gateway_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub network_interface_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub instance_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub egress_only_internet_gateway_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub carrier_gateway_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub local_gateway_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub core_network_arn: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub origin: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NetworkAcl<'a> {
    #[serde(borrow)]
    pub network_acl_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default, borrow)]
    pub entries: List<AclEntry<'a>>,
    #[serde(default, borrow)]
    pub associations: List<AclAssoc<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AclEntry<'a> {
    pub rule_number: i64,
    pub protocol: Proto,
    #[serde(borrow)]
    pub rule_action: Str<'a>,
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
pub(crate) struct AclAssoc<'a> {
    #[serde(borrow)]
    pub subnet_id: Str<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SecurityGroup<'a> {
    #[serde(borrow)]
    pub group_id: Str<'a>,
    #[serde(default, borrow)]
    pub group_name: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub vpc_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub owner_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub ip_permissions: List<IpPermission<'a>>,
    #[serde(default, borrow)]
    pub ip_permissions_egress: List<IpPermission<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IpPermission<'a> {
    pub ip_protocol: Proto,
    #[serde(default)]
    pub from_port: Option<i64>,
    #[serde(default)]
    pub to_port: Option<i64>,
    #[serde(default, borrow)]
    pub ip_ranges: List<IpRange<'a>>,
    #[serde(default, borrow)]
    pub ipv6_ranges: List<Ipv6Range<'a>>,
    #[serde(default, borrow)]
    pub prefix_list_ids: List<PrefixListRef<'a>>,
    #[serde(default, borrow)]
    pub user_id_group_pairs: List<GroupPair<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IpRange<'a> {
    pub cidr_ip: Cidr,
    #[serde(default, borrow)]
    pub description: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Ipv6Range<'a> {
    pub cidr_ipv6: Cidr,
    #[serde(default, borrow)]
    pub description: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PrefixListRef<'a> {
    #[serde(borrow)]
    pub prefix_list_id: Str<'a>,
    #[serde(default, borrow)]
    pub description: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GroupPair<'a> {
    #[serde(borrow)]
    pub group_id: Str<'a>,
    #[serde(default, borrow)]
    pub user_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub vpc_peering_connection_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub description: Option<Str<'a>>,
}

/// An ENI, as `describe-network-interfaces` gives it and, with fewer fields, as
/// `describe-instances` embeds it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Eni<'a> {
    #[serde(borrow)]
    pub network_interface_id: Str<'a>,
    #[serde(default, borrow)]
    pub subnet_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub vpc_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub owner_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub interface_type: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub description: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub requester_id: Option<Str<'a>>,
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
    #[serde(default, borrow)]
    pub groups: List<GroupRef<'a>>,
    #[serde(default)]
    pub source_dest_check: Option<bool>,
    #[serde(default, borrow)]
    pub attachment: Option<EniAttachment<'a>>,
    #[serde(default, borrow)]
    pub status: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub tag_set: List<Tag<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
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
pub(crate) struct GroupRef<'a> {
    #[serde(borrow)]
    pub group_id: Str<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct EniAttachment<'a> {
    #[serde(default, borrow)]
    pub instance_id: Option<Str<'a>>,
    #[serde(default)]
    pub device_index: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Reservation<'a> {
    #[serde(default, borrow)]
    pub owner_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub instances: List<Instance<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Instance<'a> {
    #[serde(borrow)]
    pub instance_id: Str<'a>,
    #[serde(borrow)]
    pub state: InstanceState<'a>,
    #[serde(default, borrow)]
    pub platform: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub platform_details: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub subnet_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub vpc_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub network_interfaces: List<Eni<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InstanceState<'a> {
    #[serde(borrow)]
    pub name: Str<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Address<'a> {
    pub public_ip: Ipv4,
    #[serde(default, borrow)]
    pub allocation_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub association_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub instance_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub network_interface_id: Option<Str<'a>>,
    #[serde(default)]
    pub private_ip_address: Option<Ip>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InternetGateway<'a> {
    #[serde(borrow)]
    pub internet_gateway_id: Str<'a>,
    #[serde(default, borrow)]
    pub attachments: List<GatewayAttachment<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GatewayAttachment<'a> {
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NatGateway<'a> {
    #[serde(borrow)]
    pub nat_gateway_id: Str<'a>,
    #[serde(default, borrow)]
    pub subnet_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub connectivity_type: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub nat_gateway_addresses: List<NatAddress<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NatAddress<'a> {
    #[serde(default)]
    pub private_ip: Option<Ip>,
    #[serde(default)]
    pub public_ip: Option<Ipv4>,
    #[serde(default, borrow)]
    pub network_interface_id: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringConnection<'a> {
    #[serde(borrow)]
    pub vpc_peering_connection_id: Str<'a>,
    #[serde(default, borrow)]
    pub status: Option<PeeringStatus<'a>>,
    #[serde(borrow)]
    pub requester_vpc_info: PeeringVpcInfo<'a>,
    #[serde(borrow)]
    pub accepter_vpc_info: PeeringVpcInfo<'a>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringStatus<'a> {
    #[serde(borrow)]
    pub code: Str<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringVpcInfo<'a> {
    #[serde(default, borrow)]
    pub vpc_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub owner_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub region: Option<Str<'a>>,
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
pub(crate) struct VpcEndpoint<'a> {
    #[serde(borrow)]
    pub vpc_endpoint_id: Str<'a>,
    #[serde(default, borrow)]
    pub vpc_endpoint_type: Option<Str<'a>>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(default, borrow)]
    pub service_name: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub route_table_ids: List<Str<'a>>,
    #[serde(default, borrow)]
    pub network_interface_ids: List<Str<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AvailabilityZone<'a> {
    #[serde(borrow)]
    pub zone_name: Str<'a>,
    #[serde(default, borrow)]
    pub zone_id: Option<Str<'a>>,
}
