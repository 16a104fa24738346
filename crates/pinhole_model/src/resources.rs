//! The AWS resources, as the engines need them.

use crate::addr::Protocol;
use crate::ids::*;
use ipnet::IpNet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// Where a resource came from in the input: file and JSON path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub path: String,
}

/// Tags, sorted by key.
pub type Tags = Vec<(String, String)>;

pub fn name_tag(tags: &Tags) -> Option<&str> {
    tags.iter()
        .find(|(k, _)| k == "Name")
        .map(|(_, v)| v.as_str())
}

#[derive(Clone, Debug)]
pub struct Vpc {
    pub id: VpcId,
    pub account: AccountId,
    pub region: String,
    /// Associated IPv4 and IPv6 CIDR blocks.
    pub cidrs: Vec<IpNet>,
    pub tags: Tags,
    pub is_default: bool,
    pub subnets: Vec<SubnetIx>,
    pub main_route_table: Option<RtbIx>,
    pub default_acl: Option<AclIx>,
    pub internet_gateway: Option<IgwIx>,
    pub origin: Origin,
}

impl Vpc {
    pub fn contains(&self, a: IpAddr) -> bool {
        self.cidrs.iter().any(|c| c.contains(&a))
    }
}

#[derive(Clone, Debug)]
pub struct Subnet {
    pub id: SubnetId,
    pub vpc: VpcIx,
    pub account: AccountId,
    pub az: String,
    /// The zone id (`use1-az1`): the same physical zone in every account.
    pub az_id: Option<String>,
    pub cidrs: Vec<IpNet>,
    pub tags: Tags,
    pub map_public_ip: bool,
    /// Explicit association, else the VPC's main table.
    pub route_table: Option<RtbIx>,
    /// Explicit association, else the VPC's default NACL.
    pub network_acl: Option<AclIx>,
    pub origin: Origin,
}

impl Subnet {
    pub fn contains(&self, a: IpAddr) -> bool {
        self.cidrs.iter().any(|c| c.contains(&a))
    }
    /// The zone key used to compare AZs across accounts: the zone id when known.
    pub fn zone(&self) -> &str {
        self.az_id.as_deref().unwrap_or(&self.az)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteDest {
    Cidr(IpNet),
    PrefixList(PrefixListId, Option<PlIx>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteTarget {
    Local,
    InternetGateway(InternetGatewayId),
    EgressOnlyInternetGateway(String),
    NatGateway(NatGatewayId),
    Peering(VpcPeeringConnectionId),
    TransitGateway(TransitGatewayId),
    VpcEndpoint(VpcEndpointId),
    NetworkInterface(NetworkInterfaceId),
    Instance(InstanceId),
    VirtualPrivateGateway(String),
    /// Carrier, local or core-network gateways and other targets pinhole does not follow.
    Other(String),
}

impl RouteTarget {
    pub fn id(&self) -> &str {
        match self {
            RouteTarget::Local => "local",
            RouteTarget::InternetGateway(i) => i.as_str(),
            RouteTarget::EgressOnlyInternetGateway(i) => i,
            RouteTarget::NatGateway(i) => i.as_str(),
            RouteTarget::Peering(i) => i.as_str(),
            RouteTarget::TransitGateway(i) => i.as_str(),
            RouteTarget::VpcEndpoint(i) => i.as_str(),
            RouteTarget::NetworkInterface(i) => i.as_str(),
            RouteTarget::Instance(i) => i.as_str(),
            RouteTarget::VirtualPrivateGateway(i) => i,
            RouteTarget::Other(i) => i,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteState {
    Active,
    Blackhole,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RouteOrigin {
    /// Created by the route table (local) or by an endpoint association.
    Auto,
    Static,
    Propagated,
}

#[derive(Clone, Debug)]
pub struct Route {
    pub dest: RouteDest,
    pub target: RouteTarget,
    pub state: RouteState,
    pub origin: RouteOrigin,
}

#[derive(Clone, Debug)]
pub struct RouteTable {
    pub id: RouteTableId,
    pub vpc: VpcIx,
    pub tags: Tags,
    pub main: bool,
    pub routes: Vec<Route>,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleAction {
    Allow,
    Deny,
}

#[derive(Clone, Debug)]
pub struct AclEntry {
    /// 1..=32766 for user rules; 32767/32768 for the built-in `*` deny.
    pub rule_number: u32,
    pub action: RuleAction,
    pub protocol: Protocol,
    pub cidr: IpNet,
    /// Destination port range (TCP/UDP); `None` means all ports.
    pub ports: Option<(u16, u16)>,
    /// ICMP type and code; -1 means any.
    pub icmp: Option<(i32, i32)>,
}

impl AclEntry {
    pub fn is_default_deny(&self) -> bool {
        self.rule_number >= 32767
    }
    /// Console-style label: `inbound rule 90: ALL from 172.16.0.0/16 DENY`,
    /// `outbound rule 80: TCP 3306 to 172.16.1.100/32 ALLOW`, `inbound rule *: ALL from 0.0.0.0/0 DENY`.
    pub fn label(&self, egress: bool) -> String {
        label_string(&AclLabel(self, egress))
    }
    /// [`AclEntry::label`] appended to `out`, without a string of its own.
    pub fn write_label(&self, egress: bool, out: &mut String) {
        use fmt::Write;
        let _ = write!(out, "{}", AclLabel(self, egress));
    }
}

/// A label, written once into a string of a label's usual length: one allocation, where
/// formatting it from parts took several.
fn label_string(l: &impl fmt::Display) -> String {
    use fmt::Write;
    let mut s = String::with_capacity(64);
    let _ = write!(s, "{l}");
    s
}

/// [`AclEntry::label`]: the entry and whether it is outbound.
struct AclLabel<'a>(&'a AclEntry, bool);

impl fmt::Display for AclLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (e, egress) = (self.0, self.1);
        let (dir, prep) = if egress {
            ("outbound", "to")
        } else {
            ("inbound", "from")
        };
        write!(f, "{dir} rule ")?;
        if e.is_default_deny() {
            f.write_str("*")?;
        } else {
            write!(f, "{}", e.rule_number)?;
        }
        write!(f, ": {}", e.protocol)?;
        match (e.protocol, e.ports, e.icmp) {
            (Protocol::Num(6 | 17), Some((a, b)), _) if a == b => write!(f, " {a}")?,
            (Protocol::Num(6 | 17), Some((a, b)), _) => write!(f, " {a}-{b}")?,
            (Protocol::Num(1 | 58), _, Some((t, c))) if t >= 0 => {
                if c >= 0 {
                    write!(f, " type {t} code {c}")?
                } else {
                    write!(f, " type {t}")?
                }
            }
            _ => {}
        }
        let act = match e.action {
            RuleAction::Allow => "ALLOW",
            RuleAction::Deny => "DENY",
        };
        write!(f, " {prep} {} {act}", e.cidr)
    }
}

#[derive(Clone, Debug)]
pub struct NetworkAcl {
    pub id: NetworkAclId,
    pub vpc: VpcIx,
    pub tags: Tags,
    pub is_default: bool,
    /// Sorted by ascending rule number; always ends with the built-in deny entries.
    pub inbound: Vec<AclEntry>,
    pub outbound: Vec<AclEntry>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SgPeer {
    Cidr(IpNet),
    PrefixList(PrefixListId),
    /// A group reference, possibly in another account (`123456789012/sg-…`) or across peering.
    Group {
        group: SecurityGroupId,
        account: Option<AccountId>,
        peering: Option<VpcPeeringConnectionId>,
    },
}

#[derive(Clone, Debug)]
pub struct SgRule {
    pub protocol: Protocol,
    /// Port range for TCP/UDP; `None` means all.
    pub ports: Option<(u16, u16)>,
    /// ICMP type and code; -1 means any.
    pub icmp: Option<(i32, i32)>,
    pub peer: SgPeer,
    pub description: Option<String>,
}

impl SgRule {
    /// Console-style label: `tcp 3306 from 10.10.1.50/32`.
    pub fn label(&self, inbound: bool) -> String {
        label_string(&SgLabel(self, inbound))
    }
}

/// [`SgRule::label`]: the rule and whether it is inbound.
struct SgLabel<'a>(&'a SgRule, bool);

impl fmt::Display for SgLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (r, inbound) = (self.0, self.1);
        match r.protocol {
            Protocol::All => f.write_str("all traffic")?,
            Protocol::Num(n) => crate::addr::write_proto_name(f, n)?,
        }
        match (r.protocol, r.ports, r.icmp) {
            (Protocol::All, _, _) => {}
            (_, Some((a, b)), _) if a == b => write!(f, " {a}")?,
            (_, Some((a, b)), _) => write!(f, " {a}-{b}")?,
            (_, None, Some((t, c))) if t >= 0 => {
                if c >= 0 {
                    write!(f, " type {t} code {c}")?
                } else {
                    write!(f, " type {t}")?
                }
            }
            (Protocol::Num(6 | 17), None, _) => f.write_str(" all ports")?,
            _ => {}
        }
        f.write_str(if inbound { " from " } else { " to " })?;
        match &r.peer {
            SgPeer::Cidr(c) => write!(f, "{c}"),
            SgPeer::PrefixList(p) => f.write_str(p.as_str()),
            SgPeer::Group {
                group,
                account: Some(a),
                ..
            } => write!(f, "{a}/{group}"),
            SgPeer::Group { group, .. } => f.write_str(group.as_str()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct SecurityGroup {
    pub id: SecurityGroupId,
    pub vpc: Option<VpcIx>,
    pub account: AccountId,
    pub group_name: String,
    pub tags: Tags,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
    pub origin: Origin,
}

/// What an ENI belongs to: decides its client port range and how it treats traffic.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EniKind {
    Instance,
    NatGateway,
    Lambda,
    Rds,
    LoadBalancer,
    VpcEndpoint,
    TransitGateway,
    Other(String),
}

#[derive(Clone, Debug)]
pub struct PrivateIp {
    pub addr: IpAddr,
    pub primary: bool,
    /// Public or Elastic IP mapped 1:1 to this private address by the internet gateway.
    pub public: Option<Ipv4Addr>,
}

#[derive(Clone, Debug)]
pub struct NetworkInterface {
    pub id: NetworkInterfaceId,
    pub subnet: SubnetIx,
    pub vpc: VpcIx,
    pub account: AccountId,
    pub kind: EniKind,
    pub private_ips: Vec<PrivateIp>,
    pub ipv6: Vec<IpAddr>,
    pub groups: Vec<SgIx>,
    pub source_dest_check: bool,
    pub instance: Option<InstanceIx>,
    pub description: String,
    pub status: String,
    pub tags: Tags,
    pub origin: Origin,
}

impl NetworkInterface {
    pub fn public_for(&self, private: IpAddr) -> Option<Ipv4Addr> {
        self.private_ips
            .iter()
            .find(|p| p.addr == private)
            .and_then(|p| p.public)
    }
    pub fn primary_ip(&self) -> Option<IpAddr> {
        self.private_ips
            .iter()
            .find(|p| p.primary)
            .or(self.private_ips.first())
            .map(|p| p.addr)
    }
}

#[derive(Clone, Debug)]
pub struct Instance {
    pub id: InstanceId,
    pub state: String,
    pub windows: bool,
    pub enis: Vec<EniIx>,
    pub tags: Tags,
}

impl Instance {
    pub fn running(&self) -> bool {
        self.state == "running"
    }
}

#[derive(Clone, Debug)]
pub struct InternetGateway {
    pub id: InternetGatewayId,
    /// VPCs it is attached to (attachment state `available` or `attached`).
    pub vpcs: Vec<VpcIx>,
    pub tags: Tags,
}

#[derive(Clone, Debug)]
pub struct NatGateway {
    pub id: NatGatewayId,
    pub vpc: VpcIx,
    pub subnet: SubnetIx,
    pub state: String,
    pub public: bool,
    pub private_ips: Vec<IpAddr>,
    pub public_ips: Vec<Ipv4Addr>,
    pub eni: Option<EniIx>,
    pub tags: Tags,
}

#[derive(Clone, Debug)]
pub struct PeeringSide {
    pub vpc_id: VpcId,
    pub vpc: Option<VpcIx>,
    pub account: Option<AccountId>,
    pub region: Option<String>,
    pub cidrs: Vec<IpNet>,
}

#[derive(Clone, Debug)]
pub struct VpcPeeringConnection {
    pub id: VpcPeeringConnectionId,
    pub status: String,
    pub requester: PeeringSide,
    pub accepter: PeeringSide,
    pub tags: Tags,
    /// Where it is in the input (empty when synthesised).
    pub origin: Origin,
}

impl VpcPeeringConnection {
    /// The other side, seen from `vpc`.
    pub fn peer_of(&self, vpc: &VpcId) -> Option<&PeeringSide> {
        if &self.requester.vpc_id == vpc {
            Some(&self.accepter)
        } else if &self.accepter.vpc_id == vpc {
            Some(&self.requester)
        } else {
            None
        }
    }
    pub fn active(&self) -> bool {
        self.status == "active"
    }
}

#[derive(Clone, Debug)]
pub struct PrefixList {
    pub id: PrefixListId,
    pub name: String,
    pub cidrs: Vec<IpNet>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VpcEndpointKind {
    Gateway,
    Interface,
    Other(String),
}

#[derive(Clone, Debug)]
pub struct VpcEndpoint {
    pub id: VpcEndpointId,
    pub kind: VpcEndpointKind,
    pub vpc: VpcIx,
    pub service: String,
    pub state: String,
    pub route_tables: Vec<RouteTableId>,
    pub enis: Vec<NetworkInterfaceId>,
    pub tags: Tags,
}

#[derive(Clone, Debug)]
pub struct TransitGateway {
    pub id: TransitGatewayId,
    pub account: AccountId,
    pub region: String,
    pub state: String,
    pub sg_referencing: bool,
    /// `AutoAcceptSharedAttachments`: attachments from other accounts are accepted unreviewed.
    pub auto_accept_shared_attachments: bool,
    pub tags: Tags,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TgwAttachmentKind {
    Vpc,
    Peering,
    Vpn,
    DirectConnect,
    Other(String),
}

#[derive(Clone, Debug)]
pub struct TgwAttachment {
    pub id: TransitGatewayAttachmentId,
    pub tgw: TransitGatewayId,
    pub kind: TgwAttachmentKind,
    pub resource_id: String,
    pub vpc: Option<VpcIx>,
    /// One subnet per AZ for VPC attachments.
    pub subnets: Vec<SubnetIx>,
    pub state: String,
    pub association: Option<TgwRtbIx>,
    pub appliance_mode: bool,
    pub sg_referencing: bool,
    pub tags: Tags,
    /// Where it is in the input.
    pub origin: Origin,
}

impl TgwAttachment {
    pub fn available(&self) -> bool {
        self.state == "available"
    }
}

#[derive(Clone, Debug)]
pub enum TgwRouteTarget {
    Attachments(Vec<TgwAttIx>),
    Blackhole,
}

#[derive(Clone, Debug)]
pub struct TgwRoute {
    pub dest: IpNet,
    pub target: TgwRouteTarget,
    pub origin: RouteOrigin,
}

#[derive(Clone, Debug)]
pub struct TgwRouteTable {
    pub id: TransitGatewayRouteTableId,
    pub tgw: TransitGatewayId,
    pub routes: Vec<TgwRoute>,
    pub tags: Tags,
}

#[derive(Clone, Debug)]
pub struct DbInstance {
    pub id: DbInstanceId,
    pub engine: String,
    pub status: String,
    pub port: Option<u16>,
    pub endpoint: Option<String>,
    pub vpc: Option<VpcIx>,
    /// The instance's ENIs (primary first, then a Multi-AZ standby when found).
    pub enis: Vec<EniIx>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadBalancerKind {
    Network,
    Application,
    Gateway,
    Other(String),
}

/// What a listener does with a connection it accepts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ListenerAction {
    /// `forward` to these target groups (ARNs; weighted forwards name several: all may be used).
    Forward(Vec<String>),
    /// `redirect`, `fixed-response` or an authenticate action: the load balancer answers itself.
    Answer(String),
    /// The input did not say (no `DefaultActions`).
    Unknown,
}

/// A rule of a listener other than its default (`DescribeRules`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListenerRule {
    pub priority: u32,
    /// `source-ip` condition: the client addresses it matches; empty when the rule has none.
    pub source_ips: Vec<IpNet>,
    /// The rule also has conditions on the request itself (host, path, headers, method, query
    /// string): whether it matches cannot be told from the network.
    pub l7: bool,
    pub action: ListenerAction,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    /// `TCP`, `UDP`, `TCP_UDP`, `TLS`, `HTTP`, `HTTPS`, `GENEVE`.
    pub protocol: String,
    pub port: u16,
    /// The default action.
    pub action: ListenerAction,
    pub arn: Option<String>,
    /// Its other rules, by ascending priority.
    pub rules: Vec<ListenerRule>,
}

impl Listener {
    /// Whether the listener accepts IP protocol `proto` (6 tcp, 17 udp) on `port`.
    pub fn accepts(&self, proto: u8, port: u16) -> bool {
        let ok = match self.protocol.as_str() {
            "UDP" => proto == 17,
            "TCP_UDP" => proto == 6 || proto == 17,
            "GENEVE" => proto == 17,
            _ => proto == 6,
        };
        ok && self.port == port
    }
}

/// An Elastic Load Balancing v2 load balancer: its listeners, node interfaces, security groups
/// and the attributes that change forwarding.
#[derive(Clone, Debug)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    pub kind: LoadBalancerKind,
    pub scheme: String,
    pub state: String,
    /// `DNSName`: it resolves to every node's address (public ones when internet-facing).
    pub dns_name: Option<String>,
    pub vpc: Option<VpcIx>,
    pub listeners: Vec<Listener>,
    /// The node interfaces (one per enabled subnet).
    pub enis: Vec<EniIx>,
    /// Security groups attached to the load balancer (always on an ALB; optional on an NLB).
    pub security_groups: Vec<SgIx>,
    /// `load_balancing.cross_zone.enabled`, when the attributes were in the snapshot.
    pub cross_zone: Option<bool>,
    pub origin: Origin,
}

impl LoadBalancer {
    /// Cross-zone load balancing at the load-balancer level: the attribute, else the default
    /// (always on for application load balancers, off for network and gateway ones).
    pub fn cross_zone_default(&self) -> bool {
        match self.kind {
            LoadBalancerKind::Application => true,
            _ => self.cross_zone.unwrap_or(false),
        }
    }
}

/// `TargetType` of a target group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetType {
    Instance,
    Ip,
    Alb,
    Lambda,
    Other(String),
}

impl TargetType {
    pub fn as_str(&self) -> &str {
        match self {
            TargetType::Instance => "instance",
            TargetType::Ip => "ip",
            TargetType::Alb => "alb",
            TargetType::Lambda => "lambda",
            TargetType::Other(s) => s,
        }
    }
}

/// A registered target, from `DescribeTargetHealth`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Instance id, IP address, ALB ARN or Lambda ARN, as the target type says.
    pub id: String,
    /// The registered port; the target group's port when absent.
    pub port: Option<u16>,
    /// `AvailabilityZone` of the registration (`all` for IP targets outside the VPC).
    pub az: Option<String>,
    /// `TargetHealth.State`: `healthy`, `unhealthy`, `initial`, `unused`, `draining`,
    /// `unavailable`, `unhealthy.draining`.
    pub state: String,
    pub reason: Option<String>,
}

/// The health check of a target group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthCheck {
    pub enabled: bool,
    /// `TCP`, `HTTP`, `HTTPS`.
    pub protocol: String,
    /// The port; `None` means the traffic port (`traffic-port`).
    pub port: Option<u16>,
}

#[derive(Clone, Debug)]
pub struct TargetGroup {
    pub arn: String,
    pub name: String,
    pub target_type: TargetType,
    /// `TCP`, `UDP`, `TCP_UDP`, `TLS`, `HTTP`, `HTTPS`, `GENEVE`; empty for Lambda.
    pub protocol: String,
    pub port: Option<u16>,
    pub vpc: Option<VpcIx>,
    pub health_check: HealthCheck,
    /// `preserve_client_ip.enabled`, when the attributes were in the snapshot.
    pub preserve_client_ip: Option<bool>,
    /// `proxy_protocol_v2.enabled`: changes no packet field, reported only.
    pub proxy_protocol_v2: Option<bool>,
    /// `load_balancing.cross_zone.enabled`: `None` when absent or `use_load_balancer_configuration`.
    pub cross_zone: Option<bool>,
    /// Load balancers (indices into `Snapshot::load_balancers`) that use it.
    pub load_balancers: Vec<usize>,
    /// Registered targets; `None` when the snapshot has no target health for the group.
    pub targets: Option<Vec<Target>>,
    pub origin: Origin,
}

impl TargetGroup {
    /// Whether a network load balancer forwarding to this group preserves the client's address:
    /// the attribute, else the documented default (on for instance targets, for UDP and
    /// TCP_UDP, and for ALB targets; off for IP targets over TCP and TLS).
    pub fn preserves_client_ip(&self) -> bool {
        if self.target_type == TargetType::Alb {
            return true;
        }
        let udp = matches!(self.protocol.as_str(), "UDP" | "TCP_UDP");
        if udp {
            return true;
        }
        self.preserve_client_ip
            .unwrap_or(self.target_type == TargetType::Instance)
    }
}
