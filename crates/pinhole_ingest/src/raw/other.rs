//! Prefix lists, RDS instances and endpoint services.

use super::{Cidr, List, Tag};
use serde::Deserialize;

/// `describe-prefix-lists`: the AWS-managed service prefix lists with their CIDRs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PrefixList {
    pub prefix_list_id: String,
    #[serde(default)]
    pub prefix_list_name: Option<String>,
    #[serde(default)]
    pub cidrs: List<Cidr>,
}

/// `describe-managed-prefix-lists`: names only; the entries come from a separate call.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ManagedPrefixList {
    pub prefix_list_id: String,
    #[serde(default)]
    pub prefix_list_name: Option<String>,
    #[serde(default)]
    pub tags: List<Tag>,
}

/// `get-managed-prefix-list-entries`, wrapped with the list's id by the collector.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PrefixListEntries {
    pub prefix_list_id: String,
    #[serde(default)]
    pub entries: List<PrefixListEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PrefixListEntry {
    pub cidr: Cidr,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbInstance {
    #[serde(rename = "DBInstanceIdentifier")]
    pub db_instance_identifier: String,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(rename = "DBInstanceStatus", default)]
    pub db_instance_status: Option<String>,
    #[serde(default)]
    pub endpoint: Option<DbEndpoint>,
    #[serde(rename = "DBSubnetGroup", default)]
    pub db_subnet_group: Option<DbSubnetGroup>,
    #[serde(default)]
    pub vpc_security_groups: List<DbSecurityGroup>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub secondary_availability_zone: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbEndpoint {
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub port: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbSubnetGroup {
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnets: List<DbSubnet>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbSubnet {
    pub subnet_identifier: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbSecurityGroup {
    pub vpc_security_group_id: String,
    #[serde(default)]
    pub status: Option<String>,
}

/// `describe-vpc-endpoint-services`: the region's service catalogue; only services owned by an
/// account (not `amazon`) matter to us.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ServiceDetail {
    #[serde(default)]
    pub service_name: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
}
