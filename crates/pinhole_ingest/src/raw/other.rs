//! Prefix lists, RDS instances and endpoint services.

use super::{Cidr, List, Str, Tag};
use serde::Deserialize;

/// `describe-prefix-lists`: the AWS-managed service prefix lists with their CIDRs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PrefixList<'a> {
    #[serde(borrow)]
    pub prefix_list_id: Str<'a>,
    #[serde(default, borrow)]
    pub prefix_list_name: Option<Str<'a>>,
    #[serde(default)]
    pub cidrs: List<Cidr>,
}

/// `describe-managed-prefix-lists`: names only; the entries come from a separate call.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ManagedPrefixList<'a> {
    #[serde(borrow)]
    pub prefix_list_id: Str<'a>,
    #[serde(default, borrow)]
    pub prefix_list_name: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub tags: List<Tag<'a>>,
}

/// `get-managed-prefix-list-entries`, wrapped with the list's id by the collector.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PrefixListEntries<'a> {
    #[serde(borrow)]
    pub prefix_list_id: Str<'a>,
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
pub(crate) struct DbInstance<'a> {
    #[serde(rename = "DBInstanceIdentifier", borrow)]
    pub db_instance_identifier: Str<'a>,
    #[serde(default, borrow)]
    pub engine: Option<Str<'a>>,
    #[serde(rename = "DBInstanceStatus", default, borrow)]
    pub db_instance_status: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub endpoint: Option<DbEndpoint<'a>>,
    #[serde(rename = "DBSubnetGroup", default, borrow)]
    pub db_subnet_group: Option<DbSubnetGroup<'a>>,
    #[serde(default, borrow)]
    pub vpc_security_groups: List<DbSecurityGroup<'a>>,
    #[serde(default, borrow)]
    pub availability_zone: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub secondary_availability_zone: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbEndpoint<'a> {
    #[serde(default, borrow)]
    pub address: Option<Str<'a>>,
    #[serde(default)]
    pub port: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbSubnetGroup<'a> {
    #[serde(default, borrow)]
    pub vpc_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub subnets: List<DbSubnet<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbSubnet<'a> {
    #[serde(borrow)]
    pub subnet_identifier: Str<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DbSecurityGroup<'a> {
    #[serde(borrow)]
    pub vpc_security_group_id: Str<'a>,
    #[serde(default, borrow)]
    pub status: Option<Str<'a>>,
}

/// `describe-vpc-endpoint-services`: the region's service catalogue; only services owned by an
/// account (not `amazon`) matter to us.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ServiceDetail<'a> {
    #[serde(default, borrow)]
    pub service_name: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub owner: Option<Str<'a>>,
}
