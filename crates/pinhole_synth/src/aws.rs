//! The describe-* output shapes we write, field for field as the AWS CLI prints them (keys in
//! alphabetical order, as in the bundled seed example).

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// `{"<key>": <value>}`: the top level of every describe-* file.
pub(crate) struct Top<'a, T: Serialize>(pub &'static str, pub &'a T);

impl<T: Serialize> Serialize for Top<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(self.0, self.1)?;
        m.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Tag {
    pub key: &'static str,
    pub value: String,
}

/// Name (and, when given, Environment) tags.
pub(crate) fn tags(name: String, env: Option<&str>) -> Vec<Tag> {
    let mut t = Vec::with_capacity(2);
    if let Some(e) = env {
        t.push(Tag {
            key: "Environment",
            value: e.to_owned(),
        });
    }
    t.push(Tag {
        key: "Name",
        value: name,
    });
    t
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StateName {
    pub state: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Vpc {
    pub cidr_block: String,
    pub cidr_block_association_set: Vec<CidrAssoc>,
    pub dhcp_options_id: String,
    pub instance_tenancy: &'static str,
    pub is_default: bool,
    pub owner_id: String,
    pub state: &'static str,
    pub tags: Vec<Tag>,
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CidrAssoc {
    pub association_id: String,
    pub cidr_block: String,
    pub cidr_block_state: StateName,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Subnet {
    pub assign_ipv6_address_on_creation: bool,
    pub availability_zone: &'static str,
    pub availability_zone_id: &'static str,
    pub available_ip_address_count: u64,
    pub cidr_block: String,
    pub default_for_az: bool,
    pub ipv6_cidr_block_association_set: [(); 0],
    pub map_public_ip_on_launch: bool,
    pub owner_id: String,
    pub state: &'static str,
    pub subnet_arn: String,
    pub subnet_id: String,
    pub tags: Vec<Tag>,
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RouteTable {
    pub associations: Vec<RouteTableAssoc>,
    pub owner_id: String,
    pub propagating_vgws: [(); 0],
    pub route_table_id: String,
    pub routes: Vec<Route>,
    pub tags: Vec<Tag>,
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RouteTableAssoc {
    pub association_state: StateName,
    pub main: bool,
    pub route_table_association_id: String,
    pub route_table_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
}

#[derive(Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Route {
    pub destination_cidr_block: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nat_gateway_id: Option<String>,
    pub origin: &'static str,
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_peering_connection_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NetworkAcl {
    pub associations: Vec<AclAssoc>,
    pub entries: Vec<AclEntry>,
    pub is_default: bool,
    pub network_acl_id: String,
    pub owner_id: String,
    pub tags: Vec<Tag>,
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AclAssoc {
    pub network_acl_association_id: String,
    pub network_acl_id: String,
    pub subnet_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AclEntry {
    pub cidr_block: String,
    pub egress: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp_type_code: Option<IcmpTypeCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_range: Option<PortRange>,
    pub protocol: &'static str,
    pub rule_action: &'static str,
    pub rule_number: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IcmpTypeCode {
    pub code: i32,
    pub r#type: i32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PortRange {
    pub from: u16,
    pub to: u16,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SecurityGroup {
    pub description: String,
    pub group_id: String,
    pub group_name: String,
    pub ip_permissions: Vec<IpPermission>,
    pub ip_permissions_egress: Vec<IpPermission>,
    pub owner_id: String,
    pub tags: Vec<Tag>,
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IpPermission {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    pub ip_protocol: &'static str,
    pub ip_ranges: Vec<IpRange>,
    pub ipv6_ranges: [(); 0],
    pub prefix_list_ids: [(); 0],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    pub user_id_group_pairs: Vec<GroupPair>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IpRange {
    pub cidr_ip: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GroupPair {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub group_id: String,
    pub user_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_peering_connection_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GroupRef {
    pub group_id: String,
    pub group_name: String,
}

/// A network interface: the `describe-network-interfaces` shape, and with the fields
/// `describe-instances` leaves out set to `None`, the copy embedded in an instance.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Eni {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<IpAssociation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<EniAttachment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<&'static str>,
    pub description: String,
    pub groups: Vec<GroupRef>,
    pub interface_type: &'static str,
    pub ipv6_addresses: [(); 0],
    pub mac_address: String,
    pub network_interface_id: String,
    pub owner_id: String,
    pub private_dns_name: String,
    pub private_ip_address: String,
    pub private_ip_addresses: Vec<PrivateIp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester_managed: Option<bool>,
    pub source_dest_check: bool,
    pub status: &'static str,
    pub subnet_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_set: Option<Vec<Tag>>,
    pub vpc_id: String,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IpAssociation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association_id: Option<String>,
    pub ip_owner_id: String,
    pub public_dns_name: String,
    pub public_ip: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct EniAttachment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attach_time: Option<String>,
    pub attachment_id: String,
    pub delete_on_termination: bool,
    pub device_index: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_owner_id: Option<String>,
    pub status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PrivateIp {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<IpAssociation>,
    pub primary: bool,
    pub private_dns_name: String,
    pub private_ip_address: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Reservation {
    pub groups: [(); 0],
    pub instances: Vec<Instance>,
    pub owner_id: String,
    pub reservation_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Instance {
    pub ami_launch_index: u32,
    pub architecture: &'static str,
    pub block_device_mappings: Vec<BlockDevice>,
    pub ebs_optimized: bool,
    pub ena_support: bool,
    pub hypervisor: &'static str,
    pub image_id: &'static str,
    pub instance_id: String,
    pub instance_type: &'static str,
    pub launch_time: String,
    pub monitoring: StateName,
    pub network_interfaces: Vec<Eni>,
    pub placement: Placement,
    pub private_dns_name: String,
    pub private_ip_address: String,
    pub public_dns_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_ip_address: Option<String>,
    pub root_device_name: &'static str,
    pub root_device_type: &'static str,
    pub security_groups: Vec<GroupRef>,
    pub source_dest_check: bool,
    pub state: InstanceState,
    pub state_transition_reason: String,
    pub subnet_id: String,
    pub tags: Vec<Tag>,
    pub virtualization_type: &'static str,
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BlockDevice {
    pub device_name: &'static str,
    pub ebs: Ebs,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Ebs {
    pub attach_time: String,
    pub delete_on_termination: bool,
    pub status: &'static str,
    pub volume_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Placement {
    pub availability_zone: &'static str,
    pub group_name: &'static str,
    pub tenancy: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InstanceState {
    pub code: u32,
    pub name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InternetGateway {
    pub attachments: Vec<GatewayAttachment>,
    pub internet_gateway_id: String,
    pub owner_id: String,
    pub tags: Vec<Tag>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GatewayAttachment {
    pub state: &'static str,
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NatGateway {
    pub connectivity_type: &'static str,
    pub create_time: String,
    pub nat_gateway_addresses: Vec<NatAddress>,
    pub nat_gateway_id: String,
    pub state: &'static str,
    pub subnet_id: String,
    pub tags: Vec<Tag>,
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NatAddress {
    pub allocation_id: String,
    pub association_id: String,
    pub is_primary: bool,
    pub network_interface_id: String,
    pub private_ip: String,
    pub public_ip: String,
    pub status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Address {
    pub allocation_id: String,
    pub association_id: String,
    pub domain: &'static str,
    pub network_border_group: &'static str,
    pub network_interface_id: String,
    pub network_interface_owner_id: String,
    pub private_ip_address: String,
    pub public_ip: String,
    pub public_ipv4_pool: &'static str,
    pub tags: Vec<Tag>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringConnection {
    pub accepter_vpc_info: PeeringVpcInfo,
    pub requester_vpc_info: PeeringVpcInfo,
    pub status: PeeringStatus,
    pub tags: Vec<Tag>,
    pub vpc_peering_connection_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringVpcInfo {
    pub cidr_block: String,
    pub cidr_block_set: Vec<CidrOnly>,
    pub owner_id: String,
    pub peering_options: PeeringOptions,
    pub region: &'static str,
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CidrOnly {
    pub cidr_block: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringOptions {
    pub allow_dns_resolution_from_remote_vpc: bool,
    pub allow_egress_from_local_classic_link_to_remote_vpc: bool,
    pub allow_egress_from_local_vpc_to_remote_classic_link: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PeeringStatus {
    pub code: &'static str,
    pub message: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VpcEndpoint {
    pub creation_timestamp: String,
    pub groups: Vec<GroupRef>,
    pub network_interface_ids: Vec<String>,
    pub owner_id: String,
    pub private_dns_enabled: bool,
    pub requester_managed: bool,
    pub route_table_ids: [(); 0],
    pub service_name: String,
    pub state: &'static str,
    pub subnet_ids: Vec<String>,
    pub tags: Vec<Tag>,
    pub vpc_endpoint_id: String,
    pub vpc_endpoint_type: &'static str,
    pub vpc_id: String,
}

#[derive(Serialize)]
pub(crate) struct DbInstance {
    #[serde(rename = "AllocatedStorage")]
    pub allocated_storage: u32,
    #[serde(rename = "AvailabilityZone")]
    pub availability_zone: &'static str,
    #[serde(rename = "BackupRetentionPeriod")]
    pub backup_retention_period: u32,
    #[serde(rename = "DBInstanceArn")]
    pub db_instance_arn: String,
    #[serde(rename = "DBInstanceClass")]
    pub db_instance_class: &'static str,
    #[serde(rename = "DBInstanceIdentifier")]
    pub db_instance_identifier: String,
    #[serde(rename = "DBInstanceStatus")]
    pub db_instance_status: &'static str,
    #[serde(rename = "DBSubnetGroup")]
    pub db_subnet_group: DbSubnetGroup,
    #[serde(rename = "DbiResourceId")]
    pub dbi_resource_id: String,
    #[serde(rename = "Endpoint")]
    pub endpoint: DbEndpoint,
    #[serde(rename = "Engine")]
    pub engine: &'static str,
    #[serde(rename = "EngineVersion")]
    pub engine_version: &'static str,
    #[serde(rename = "MultiAZ")]
    pub multi_az: bool,
    #[serde(rename = "PubliclyAccessible")]
    pub publicly_accessible: bool,
    #[serde(rename = "SecondaryAvailabilityZone")]
    pub secondary_availability_zone: &'static str,
    #[serde(rename = "StorageEncrypted")]
    pub storage_encrypted: bool,
    #[serde(rename = "TagList")]
    pub tag_list: Vec<Tag>,
    #[serde(rename = "VpcSecurityGroups")]
    pub vpc_security_groups: Vec<DbSecurityGroup>,
}

#[derive(Serialize)]
pub(crate) struct DbSubnetGroup {
    #[serde(rename = "DBSubnetGroupDescription")]
    pub description: String,
    #[serde(rename = "DBSubnetGroupName")]
    pub name: String,
    #[serde(rename = "SubnetGroupStatus")]
    pub status: &'static str,
    #[serde(rename = "Subnets")]
    pub subnets: Vec<DbSubnet>,
    #[serde(rename = "VpcId")]
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbSubnet {
    pub subnet_availability_zone: NameOnly,
    pub subnet_identifier: String,
    pub subnet_status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NameOnly {
    pub name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbEndpoint {
    pub address: String,
    pub hosted_zone_id: &'static str,
    pub port: u16,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbSecurityGroup {
    pub status: &'static str,
    pub vpc_security_group_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TransitGateway {
    pub creation_time: String,
    pub description: String,
    pub options: TgwOptions,
    pub owner_id: String,
    pub state: &'static str,
    pub tags: Vec<Tag>,
    pub transit_gateway_arn: String,
    pub transit_gateway_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwOptions {
    pub amazon_side_asn: u32,
    pub association_default_route_table_id: String,
    pub auto_accept_shared_attachments: &'static str,
    pub default_route_table_association: &'static str,
    pub default_route_table_propagation: &'static str,
    pub dns_support: &'static str,
    pub multicast_support: &'static str,
    pub propagation_default_route_table_id: String,
    pub vpn_ecmp_support: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwRouteTable {
    pub creation_time: String,
    pub default_association_route_table: bool,
    pub default_propagation_route_table: bool,
    pub state: &'static str,
    pub tags: Vec<Tag>,
    pub transit_gateway_id: String,
    pub transit_gateway_route_table_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwAttachment {
    pub association: TgwAssociation,
    pub creation_time: String,
    pub resource_id: String,
    pub resource_owner_id: String,
    pub resource_type: &'static str,
    pub state: &'static str,
    pub tags: Vec<Tag>,
    pub transit_gateway_attachment_id: String,
    pub transit_gateway_id: String,
    pub transit_gateway_owner_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwAssociation {
    pub state: &'static str,
    pub transit_gateway_route_table_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwVpcAttachment {
    pub creation_time: String,
    pub options: TgwVpcAttachmentOptions,
    pub state: &'static str,
    pub subnet_ids: Vec<String>,
    pub tags: Vec<Tag>,
    pub transit_gateway_attachment_id: String,
    pub transit_gateway_id: String,
    pub vpc_id: String,
    pub vpc_owner_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwVpcAttachmentOptions {
    pub appliance_mode_support: &'static str,
    pub dns_support: &'static str,
    pub ipv6_support: &'static str,
}

/// `get-transit-gateway-route-table-propagations`, wrapped with its table's id.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PropagationsOfTable {
    pub transit_gateway_route_table_id: String,
    pub transit_gateway_route_table_propagations: Vec<TgwPropagation>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwPropagation {
    pub resource_id: String,
    pub resource_type: &'static str,
    pub state: &'static str,
    pub transit_gateway_attachment_id: String,
}

/// `search-transit-gateway-routes --filters type=static`, wrapped with its table's id.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RoutesOfTable {
    pub additional_routes_available: bool,
    pub routes: Vec<TgwRoute>,
    pub transit_gateway_route_table_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwRoute {
    pub destination_cidr_block: String,
    pub state: &'static str,
    pub r#type: &'static str,
}
