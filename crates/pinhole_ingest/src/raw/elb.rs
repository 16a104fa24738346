//! Elastic Load Balancing v2: load balancers and their listeners.

use super::{Ip, Ipv4, List, Str};
use serde::Deserialize;

/// `elbv2 describe-load-balancers`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LoadBalancer<'a> {
    #[serde(borrow)]
    pub load_balancer_arn: Str<'a>,
    #[serde(default, borrow)]
    pub load_balancer_name: Option<Str<'a>>,
    #[serde(default)]
    pub r#type: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub scheme: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub state: Option<LbState<'a>>,
    #[serde(default, borrow)]
    pub vpc_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub availability_zones: List<LbZone<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LbState<'a> {
    #[serde(default, borrow)]
    pub code: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LbZone<'a> {
    #[serde(default, borrow)]
    pub subnet_id: Option<Str<'a>>,
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
pub(crate) struct ListenersOfLb<'a> {
    #[serde(default, borrow)]
    pub load_balancer_arn: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub listeners: List<Listener<'a>>,
}

/// One listener of `elbv2 describe-listeners`. Gateway load balancer listeners have neither port
/// nor protocol.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Listener<'a> {
    #[serde(default, borrow)]
    pub load_balancer_arn: Option<Str<'a>>,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default, borrow)]
    pub protocol: Option<Str<'a>>,
}
