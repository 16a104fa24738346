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
    #[serde(rename = "DNSName", default, borrow)]
    pub dns_name: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub state: Option<LbState<'a>>,
    #[serde(default, borrow)]
    pub vpc_id: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub availability_zones: List<LbZone<'a>>,
    #[serde(default, borrow)]
    pub security_groups: List<Str<'a>>,
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
    #[serde(default, borrow)]
    pub listener_arn: Option<Str<'a>>,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default, borrow)]
    pub protocol: Option<Str<'a>>,
    /// Absent in hand-written inputs: forwarding is then unknown.
    #[serde(default, borrow)]
    pub default_actions: Option<Vec<Action<'a>>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Action<'a> {
    #[serde(default, borrow)]
    pub r#type: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub target_group_arn: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub forward_config: Option<ForwardConfig<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ForwardConfig<'a> {
    #[serde(default, borrow)]
    pub target_groups: List<WeightedGroup<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WeightedGroup<'a> {
    #[serde(borrow)]
    pub target_group_arn: Str<'a>,
}

/// `elbv2 describe-target-groups`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TargetGroup<'a> {
    #[serde(borrow)]
    pub target_group_arn: Str<'a>,
    #[serde(default, borrow)]
    pub target_group_name: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub target_type: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub protocol: Option<Str<'a>>,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default, borrow)]
    pub vpc_id: Option<Str<'a>>,
    #[serde(default)]
    pub health_check_enabled: Option<bool>,
    #[serde(default, borrow)]
    pub health_check_protocol: Option<Str<'a>>,
    /// A port number as a string, or `traffic-port`.
    #[serde(default, borrow)]
    pub health_check_port: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub load_balancer_arns: List<Str<'a>>,
}

/// `{TargetGroupArn, TargetHealthDescriptions: [...]}`: `elbv2 describe-target-health` for one
/// target group, wrapped with its ARN by the collector.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct HealthOfGroup<'a> {
    #[serde(default, borrow)]
    pub target_group_arn: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub target_health_descriptions: List<TargetHealthDescription<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TargetHealthDescription<'a> {
    #[serde(default, borrow)]
    pub target: Option<TargetDescription<'a>>,
    #[serde(default, borrow)]
    pub target_health: Option<TargetHealth<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TargetDescription<'a> {
    #[serde(default, borrow)]
    pub id: Option<Str<'a>>,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default, borrow)]
    pub availability_zone: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TargetHealth<'a> {
    #[serde(default, borrow)]
    pub state: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub reason: Option<Str<'a>>,
}

/// `{LoadBalancerArn | TargetGroupArn, Attributes: [{Key, Value}]}`: the attributes of one load
/// balancer or target group, wrapped with its ARN by the collector.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AttributesOf<'a> {
    #[serde(default, borrow)]
    pub load_balancer_arn: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub target_group_arn: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub attributes: List<Attribute<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Attribute<'a> {
    #[serde(borrow)]
    pub key: Str<'a>,
    #[serde(default, borrow)]
    pub value: Option<Str<'a>>,
}

/// One rule of `elbv2 describe-rules` (one call per listener; the rule's ARN names it).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Rule<'a> {
    #[serde(borrow)]
    pub rule_arn: Str<'a>,
    #[serde(default, borrow)]
    pub priority: Option<Str<'a>>,
    #[serde(default)]
    pub is_default: Option<bool>,
    #[serde(default, borrow)]
    pub conditions: List<Condition<'a>>,
    #[serde(default, borrow)]
    pub actions: Option<Vec<Action<'a>>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Condition<'a> {
    #[serde(default, borrow)]
    pub field: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub values: List<Str<'a>>,
    #[serde(default, borrow)]
    pub source_ip_config: Option<SourceIpConfig<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SourceIpConfig<'a> {
    #[serde(default, borrow)]
    pub values: List<Str<'a>>,
}
