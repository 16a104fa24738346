//! What a trace reports: the verdict, the deciding rule and the hops of request and reply.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Reachable,
    Blocked,
    Partial,
    InvalidConfig,
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Reachable => "reachable",
            Verdict::Blocked => "blocked",
            Verdict::Partial => "partial",
            Verdict::InvalidConfig => "invalid-config",
            Verdict::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Request,
    Reply,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Request => "request",
            Direction::Reply => "reply",
        })
    }
}

/// One component the packet met, and what it decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// `network-interface`, `security-group`, `network-acl`, `route-table`, `internet-gateway`, …
    pub kind: &'static str,
    /// The AWS id, e.g. `acl-0abc`.
    pub id: String,
    /// The `Name` tag, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `allow`, `deny`, `forward`, `translate`, `deliver`, `drop`, `unknown`.
    pub decision: &'static str,
    /// The rule as the AWS console labels it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The packet as it left this hop: `10.0.1.5:32768-60999 -> 10.1.0.9:443 tcp`.
    pub packet: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// AWS Reachability Analyzer explanation code, when one applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
}

/// The component and rule that decided a verdict other than `reachable`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecidedBy {
    pub direction: Direction,
    pub kind: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
}

/// Ports of one translated segment that a stateless rule dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PortCut {
    /// Whose ports: `client source port`, `nat-0abc source port`.
    pub port_of: String,
    /// The full range that side chooses from.
    pub range: String,
    /// The ports that work.
    pub working: String,
    /// The ports that fail, with the rule that drops them.
    pub failing: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Partial {
    /// Fraction of source-port choices that work, 0..1.
    pub fraction: f64,
    pub cuts: Vec<PortCut>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trace {
    pub verdict: Verdict,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<DecidedBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial: Option<Partial>,
    /// Gateways and connections the request was routed to (NAT, internet gateway, peering,
    /// transit gateway, endpoint), in order; recorded even without hops.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
    pub request: Vec<Hop>,
    pub reply: Vec<Hop>,
    /// Through a load balancer: each target path (node → target and the target's reply), in
    /// the order tried. `request` and `reply` then hold the front half (client ↔ node).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<TargetPath>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One way a load balancer forwards a connection: from the node that accepted it to one
/// registered target, and the target's reply.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetPath {
    pub load_balancer: String,
    pub target_group: String,
    /// The target as registered: `10.2.101.100:80 (ip)`, `i-0abc 10.0.1.5:8080 (instance)`.
    pub target: String,
    /// The source address the target sees: the client's (preserved) or the node's.
    pub source: String,
    /// `reachable` when the target's request and reply both pass, else why not.
    pub verdict: Verdict,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<DecidedBy>,
    pub request: Vec<Hop>,
    pub reply: Vec<Hop>,
}

/// The health checks of one registered target: one connection from every node of every load
/// balancer that uses the target group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetHealthCheck {
    pub target_group: String,
    /// The target as registered, as in [`TargetPath::target`].
    pub target: String,
    /// The health AWS reported when the snapshot was taken.
    pub reported: String,
    /// `reachable` when every node's check gets through, `partial` when some do.
    pub verdict: Verdict,
    pub reason: String,
    pub checks: Vec<NodeCheck>,
}

/// The health check of one node: a connection from its address to the target's health-check
/// port.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeCheck {
    pub load_balancer: String,
    pub node: String,
    pub zone: String,
    pub trace: Trace,
}
