//! Elastic Load Balancing v2: load balancers and their listeners.

use super::{Ip, Ipv4, List};
use serde::Deserialize;

/// `elbv2 describe-load-balancers`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LoadBalancer {
    pub load_balancer_arn: String,
    #[serde(default)]
    pub load_balancer_name: Option<String>,
    #[serde(default)]
    pub r#type: Option<String>,
    #[serde(default)]
    pub scheme: Option<String>,
    #[serde(default)]
    pub state: Option<LbState>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub availability_zones: List<LbZone>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LbState {
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LbZone {
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub load_balancer_addresses: List<LbAddress>,
}

/// A node's fixed address: an Elastic IP of an internet-facing network load balancer, or the
/// private address chosen for an internal one.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LbAddress {
    #[serde(default)]
    pub ip_address: Option<Ipv4>,
    #[serde(rename = "PrivateIPv4Address", default)]
    pub private_ipv4_address: Option<Ip>,
}

/// `{LoadBalancerArn, Listeners: [...]}`: `elbv2 describe-listeners` for one load balancer,
/// wrapped with its ARN by the collector.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListenersOfLb {
    #[serde(default)]
    pub load_balancer_arn: Option<String>,
    #[serde(default)]
    pub listeners: List<Listener>,
}

/// One listener of `elbv2 describe-listeners`. Gateway load balancer listeners have neither port
/// nor protocol.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Listener {
    #[serde(default)]
    pub load_balancer_arn: Option<String>,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default)]
    pub protocol: Option<String>,
}
