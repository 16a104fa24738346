//! The AWS JSON as it comes: private serde types, one per describe-* output shape.
//!
//! Single values are validated while parsing (CIDRs, addresses, protocols) so that a bad value is
//! reported at its exact JSON path; cross-field checks happen in `convert`.

pub(crate) mod ec2;
pub(crate) mod elb;
pub(crate) mod other;
pub(crate) mod tgw;

use ipnet::IpNet;
use pinhole_model::Protocol;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// A list that may also be `null` or absent (both read as empty).
#[derive(Debug)]
pub(crate) struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(List(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default()))
    }
}

impl<T> List<T> {
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A string of the input, borrowed from the file's bytes unless JSON escapes forced a copy.
///
/// Plain `Cow<str>` fields borrow only when they are exactly `Cow<str>` with `#[serde(borrow)]`;
/// this one also borrows inside `Option` and lists. Most strings of a describe-* output are
/// matched against or dropped rather than kept, so they never need an allocation of their own.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct Str<'a>(pub Cow<'a, str>);

impl<'a> Str<'a> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Str<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

/// An optional input string, owned.
pub(crate) fn own(s: Option<Str<'_>>) -> Option<String> {
    s.map(Str::into_owned)
}

/// An optional input string, owned, or `default` when absent.
pub(crate) fn own_or(s: Option<Str<'_>>, default: &str) -> String {
    s.map_or_else(|| default.to_owned(), Str::into_owned)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Tag<'a> {
    #[serde(borrow)]
    pub key: Str<'a>,
    #[serde(default, borrow)]
    pub value: Option<Str<'a>>,
}

/// Tags sorted by key, as the model keeps them.
pub(crate) fn tags(list: &List<Tag<'_>>) -> Vec<(String, String)> {
    let mut t: Vec<(&str, &str)> = list
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_deref().unwrap_or_default()))
        .collect();
    t.sort_unstable();
    t.dedup_by(|a, b| a.0 == b.0);
    t.into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn bad<E: de::Error>(found: &str, expected: &str) -> E {
    E::custom(format_args!(
        "invalid value: `{found}`, expected {expected}"
    ))
}

macro_rules! from_str_value {
    ($name:ident, $inner:ty, $expected:literal) => {
        /// A string that must parse as
        #[doc = $expected]
        #[derive(Clone, Copy, Debug)]
        pub(crate) struct $name(pub $inner);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expected)
                    }
                    fn visit_str<E: de::Error>(self, s: &str) -> Result<$name, E> {
                        s.trim()
                            .parse::<$inner>()
                            .map($name)
                            .map_err(|_| bad(s, $expected))
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

const CIDR_EXPECTED: &str = "an IPv4 or IPv6 CIDR block such as `10.0.0.0/16`";

/// A CIDR block: its canonical network (host bits cleared), and the block as written when that
/// had host bits set (`10.3.101.5/24`), for a warning where the JSON path is known
/// (`convert::At::cidr`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cidr(pub IpNet, pub Option<IpNet>);

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Cidr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(CIDR_EXPECTED)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Cidr, E> {
                let net = s
                    .trim()
                    .parse::<IpNet>()
                    .map_err(|_| bad(s, CIDR_EXPECTED))?;
                let canonical = net.trunc();
                Ok(Cidr(canonical, (canonical != net).then_some(net)))
            }
        }
        d.deserialize_str(V)
    }
}
from_str_value!(Ip, IpAddr, "an IPv4 or IPv6 address");
from_str_value!(Ipv4, Ipv4Addr, "an IPv4 address");

const PROTO_EXPECTED: &str = "a protocol: `-1`, `tcp`, `udp`, `icmp`, `icmpv6` or a number 0-255";

/// An IP protocol as NACLs (`"6"`, `"-1"`) and security groups (`"tcp"`, `"-1"`, `"50"`) write it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Proto(pub Protocol);

pub(crate) fn parse_protocol(s: &str) -> Option<Protocol> {
    match s.trim().to_ascii_lowercase().as_str() {
        "-1" | "all" => Some(Protocol::All),
        "tcp" => Some(Protocol::Num(Protocol::TCP)),
        "udp" => Some(Protocol::Num(Protocol::UDP)),
        "icmp" => Some(Protocol::Num(Protocol::ICMP)),
        "icmpv6" | "icmp6" => Some(Protocol::Num(Protocol::ICMPV6)),
        n => n.parse::<u8>().ok().map(Protocol::Num),
    }
}

impl<'de> Deserialize<'de> for Proto {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Proto;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(PROTO_EXPECTED)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Proto, E> {
                parse_protocol(s)
                    .map(Proto)
                    .ok_or_else(|| bad(s, PROTO_EXPECTED))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Proto, E> {
                match n {
                    -1 => Ok(Proto(Protocol::All)),
                    _ => u8::try_from(n)
                        .map(|n| Proto(Protocol::Num(n)))
                        .map_err(|_| bad(&n.to_string(), PROTO_EXPECTED)),
                }
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Proto, E> {
                u8::try_from(n)
                    .map(|n| Proto(Protocol::Num(n)))
                    .map_err(|_| bad(&n.to_string(), PROTO_EXPECTED))
            }
        }
        d.deserialize_any(V)
    }
}

/// How many entries a value we do not read holds (array length, object size; `null` is 0).
#[derive(Debug, Default)]
pub(crate) struct Count(pub usize);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Count, A::Error> {
                let mut n = 0;
                while s.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Count(n))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Count, A::Error> {
                let mut n = 0;
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Count(n))
            }
            fn visit_unit<E>(self) -> Result<Count, E> {
                Ok(Count(0))
            }
            fn visit_none<E>(self) -> Result<Count, E> {
                Ok(Count(0))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Count, E> {
                Ok(Count(1))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Count, E> {
                Ok(Count(1))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Count, E> {
                Ok(Count(1))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Count, E> {
                Ok(Count(1))
            }
            fn visit_str<E>(self, _: &str) -> Result<Count, E> {
                Ok(Count(1))
            }
        }
        d.deserialize_any(V)
    }
}

/// One top-level key of a file and what it held.
#[derive(Debug)]
pub(crate) enum Section<'a> {
    Vpcs(Vec<ec2::Vpc<'a>>),
    Subnets(Vec<ec2::Subnet<'a>>),
    RouteTables(Vec<ec2::RouteTable<'a>>),
    NetworkAcls(Vec<ec2::NetworkAcl<'a>>),
    SecurityGroups(Vec<ec2::SecurityGroup<'a>>),
    NetworkInterfaces(Vec<ec2::Eni<'a>>),
    Reservations(Vec<ec2::Reservation<'a>>),
    Addresses(Vec<ec2::Address<'a>>),
    InternetGateways(Vec<ec2::InternetGateway<'a>>),
    NatGateways(Vec<ec2::NatGateway<'a>>),
    VpcPeeringConnections(Vec<ec2::PeeringConnection<'a>>),
    VpcEndpoints(Vec<ec2::VpcEndpoint<'a>>),
    AvailabilityZones(Vec<ec2::AvailabilityZone<'a>>),
    PrefixLists(Vec<other::PrefixList<'a>>),
    ManagedPrefixLists(Vec<other::ManagedPrefixList<'a>>),
    PrefixListEntries(Vec<other::PrefixListEntries<'a>>),
    DbInstances(Vec<other::DbInstance<'a>>),
    LoadBalancers(Vec<elb::LoadBalancer<'a>>),
    /// Wrapped per load balancer by the collector.
    LoadBalancerListeners(Vec<elb::ListenersOfLb<'a>>),
    /// The single-call output: each listener names its load balancer.
    Listeners(Vec<elb::Listener<'a>>),
    TargetGroups(Vec<elb::TargetGroup<'a>>),
    /// `describe-rules` of one listener.
    ListenerRules(Vec<elb::Rule<'a>>),
    /// Wrapped per target group by the collector.
    TargetHealth(Vec<elb::HealthOfGroup<'a>>),
    /// Wrapped per load balancer (`LoadBalancerAttributes`) or target group
    /// (`TargetGroupAttributes`) by the collector.
    ElbAttributes(String, Vec<elb::AttributesOf<'a>>),
    EndpointServices(Vec<other::ServiceDetail<'a>>),
    TransitGateways(Vec<tgw::TransitGateway<'a>>),
    TgwAttachments(Vec<tgw::Attachment<'a>>),
    TgwVpcAttachments(Vec<tgw::VpcAttachment<'a>>),
    TgwRouteTables(Vec<tgw::RouteTable<'a>>),
    TgwPropagations(Vec<tgw::PropagationsOfTable<'a>>),
    TgwStaticRoutes(Vec<tgw::RoutesOfTable<'a>>),
    TgwAssociations(Vec<tgw::AssociationsOfTable<'a>>),
    /// A key pinhole knows but does not read (yet); only reported when it holds something.
    NotModelled {
        key: String,
        count: usize,
        why: Why,
    },
    /// A key pinhole does not know at all.
    Unknown {
        key: String,
    },
}

/// Why a known key is not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Why {
    /// The resource is not in the model yet.
    NotModelled,
    /// A single-call output that lacks the parent's id (the table or list it belongs to).
    NeedsParent(&'static str),
    /// Listing or paging noise: never reported.
    Silent,
}

/// A whole file: the sections of its top-level object, in file order.
#[derive(Debug, Default)]
pub(crate) struct FileContents<'a> {
    pub sections: Vec<Section<'a>>,
    /// Set when the top level is not an object (an array or a scalar).
    pub not_an_object: Option<&'static str>,
}

const NOT_MODELLED: &[&str] = &[
    "VpnGateways",
    "VpnConnections",
    "CustomerGateways",
    "DomainStatusList",
    "DomainNames",
    "LoadBalancerDescriptions",
    "DBClusters",
    "DBSubnetGroups",
    "DBProxies",
    "TransitGatewayPeeringAttachments",
    "TransitGatewayConnects",
    "TransitGatewayConnectPeers",
    "TransitGatewayMulticastDomains",
    "TransitGatewayPrefixListReferences",
    "TransitGatewayPolicyTables",
    "CarrierGateways",
    "LocalGatewayRouteTables",
    "ClientVpnEndpoints",
    "NetworkFirewalls",
    "FirewallPolicies",
    "SecurityGroupRules",
    "SecurityGroupVpcAssociations",
    "DhcpOptions",
    "FlowLogs",
    "VpcEndpointConnections",
    "VpcEndpointConnectionNotifications",
    "NetworkInterfacePermissions",
    "Ipv6Pools",
    "PublicIpv4Pools",
    "ManagedPrefixListAssociations",
];

/// Read and dropped without a word. Egress-only internet gateways need no record: routes carry
/// their id, which is all the engines use.
const SILENT: &[&str] = &[
    "EgressOnlyInternetGateways",
    "NextToken",
    "ResponseMetadata",
    "ServiceNames",
    "AdditionalRoutesAvailable",
    "Regions",
];

impl<'de: 'a, 'a> Deserialize<'de> for FileContents<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FileVisitor)
    }
}

struct FileVisitor;

impl FileVisitor {
    fn scalar<'a, E>(what: &'static str) -> Result<FileContents<'a>, E> {
        Ok(FileContents {
            sections: Vec::new(),
            not_an_object: Some(what),
        })
    }
}

impl<'de> Visitor<'de> for FileVisitor {
    type Value = FileContents<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a describe-* output object such as {\"Vpcs\": [...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<FileContents<'de>, A::Error> {
        let mut sections = Vec::new();
        while let Some(key) = m.next_key::<String>()? {
            let s = match key.as_str() {
                "Vpcs" => Section::Vpcs(m.next_value::<List<_>>()?.0),
                "Subnets" => Section::Subnets(m.next_value::<List<_>>()?.0),
                "RouteTables" => Section::RouteTables(m.next_value::<List<_>>()?.0),
                "NetworkAcls" => Section::NetworkAcls(m.next_value::<List<_>>()?.0),
                "SecurityGroups" => Section::SecurityGroups(m.next_value::<List<_>>()?.0),
                "NetworkInterfaces" => Section::NetworkInterfaces(m.next_value::<List<_>>()?.0),
                "Reservations" => Section::Reservations(m.next_value::<List<_>>()?.0),
                "Addresses" => Section::Addresses(m.next_value::<List<_>>()?.0),
                "InternetGateways" => Section::InternetGateways(m.next_value::<List<_>>()?.0),
                "NatGateways" => Section::NatGateways(m.next_value::<List<_>>()?.0),
                "VpcPeeringConnections" => {
                    Section::VpcPeeringConnections(m.next_value::<List<_>>()?.0)
                }
                "VpcEndpoints" => Section::VpcEndpoints(m.next_value::<List<_>>()?.0),
                "AvailabilityZones" => Section::AvailabilityZones(m.next_value::<List<_>>()?.0),
                "PrefixLists" => Section::PrefixLists(m.next_value::<List<_>>()?.0),
                "ManagedPrefixLists" => Section::ManagedPrefixLists(m.next_value::<List<_>>()?.0),
                "PrefixListEntries" | "ManagedPrefixListEntries" => {
                    Section::PrefixListEntries(m.next_value::<List<_>>()?.0)
                }
                "DBInstances" => Section::DbInstances(m.next_value::<List<_>>()?.0),
                "LoadBalancers" => Section::LoadBalancers(m.next_value::<List<_>>()?.0),
                "LoadBalancerListeners" => {
                    Section::LoadBalancerListeners(m.next_value::<List<_>>()?.0)
                }
                "Listeners" => Section::Listeners(m.next_value::<List<_>>()?.0),
                "TargetGroups" => Section::TargetGroups(m.next_value::<List<_>>()?.0),
                "Rules" => Section::ListenerRules(m.next_value::<List<_>>()?.0),
                "LoadBalancerTargetHealth" => Section::TargetHealth(m.next_value::<List<_>>()?.0),
                "LoadBalancerAttributes" | "TargetGroupAttributes" => {
                    let v = m.next_value::<List<_>>()?.0;
                    Section::ElbAttributes(key, v)
                }
                "TargetHealthDescriptions" => {
                    let Count(count) = m.next_value()?;
                    Section::NotModelled {
                        key,
                        count,
                        why: Why::NeedsParent("target group"),
                    }
                }
                "Attributes" => {
                    let Count(count) = m.next_value()?;
                    Section::NotModelled {
                        key,
                        count,
                        why: Why::NeedsParent("load balancer or target group"),
                    }
                }
                "ServiceDetails" => Section::EndpointServices(m.next_value::<List<_>>()?.0),
                "TransitGateways" => Section::TransitGateways(m.next_value::<List<_>>()?.0),
                "TransitGatewayAttachments" => {
                    Section::TgwAttachments(m.next_value::<List<_>>()?.0)
                }
                "TransitGatewayVpcAttachments" => {
                    Section::TgwVpcAttachments(m.next_value::<List<_>>()?.0)
                }
                "TransitGatewayRouteTables" => {
                    Section::TgwRouteTables(m.next_value::<List<_>>()?.0)
                }
                "TransitGatewayPropagations" => {
                    Section::TgwPropagations(m.next_value::<List<_>>()?.0)
                }
                "TransitGatewayStaticRoutes" | "TransitGatewayRoutes" => {
                    Section::TgwStaticRoutes(m.next_value::<List<_>>()?.0)
                }
                "TransitGatewayRouteTableAssociations" => {
                    Section::TgwAssociations(m.next_value::<List<_>>()?.0)
                }
                "TransitGatewayRouteTablePropagations" => {
                    let Count(count) = m.next_value()?;
                    Section::NotModelled {
                        key,
                        count,
                        why: Why::NeedsParent("transit gateway route table"),
                    }
                }
                "Routes" | "Associations" => {
                    let Count(count) = m.next_value()?;
                    Section::NotModelled {
                        key,
                        count,
                        why: Why::NeedsParent("transit gateway route table"),
                    }
                }
                "Entries" => {
                    let Count(count) = m.next_value()?;
                    Section::NotModelled {
                        key,
                        count,
                        why: Why::NeedsParent("prefix list"),
                    }
                }
                k if NOT_MODELLED.contains(&k) => {
                    let Count(count) = m.next_value()?;
                    Section::NotModelled {
                        key,
                        count,
                        why: Why::NotModelled,
                    }
                }
                k if SILENT.contains(&k) => {
                    let Count(count) = m.next_value()?;
                    Section::NotModelled {
                        key,
                        count,
                        why: Why::Silent,
                    }
                }
                _ => {
                    m.next_value::<IgnoredAny>()?;
                    Section::Unknown { key }
                }
            };
            sections.push(s);
        }
        Ok(FileContents {
            sections,
            not_an_object: None,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<FileContents<'de>, A::Error> {
        while s.next_element::<IgnoredAny>()?.is_some() {}
        Self::scalar("an array")
    }
    fn visit_unit<E>(self) -> Result<FileContents<'de>, E> {
        Self::scalar("null")
    }
    fn visit_bool<E>(self, _: bool) -> Result<FileContents<'de>, E> {
        Self::scalar("a boolean")
    }
    fn visit_i64<E>(self, _: i64) -> Result<FileContents<'de>, E> {
        Self::scalar("a number")
    }
    fn visit_u64<E>(self, _: u64) -> Result<FileContents<'de>, E> {
        Self::scalar("a number")
    }
    fn visit_f64<E>(self, _: f64) -> Result<FileContents<'de>, E> {
        Self::scalar("a number")
    }
    fn visit_str<E>(self, _: &str) -> Result<FileContents<'de>, E> {
        Self::scalar("a string")
    }
}
