//! A small builder for scenario snapshots: it writes the JSON that `aws ec2 describe-*` (and
//! `elbv2 describe-*`) would print for a hand-made network and feeds every file through
//! `pinhole_ingest::SnapshotBuilder::add_json`, so each scenario exercises ingest as well.
//!
//! Conventions: every resource id is readable (`vpc-app`, `subnet-app-a`, `sg-web`); a host
//! `web` is instance `i-web` with primary interface `eni-web`; public addresses come from the
//! documentation ranges 203.0.113.0/24 (our public IPs), 198.51.100.0/24 (internet hosts) and
//! 192.0.2.0/24 (an AWS service range); IPv6 from 2001:db8::/32.

use pinhole_ingest::SnapshotBuilder;
use pinhole_model::Snapshot;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

pub const ACCOUNT: &str = "111111111111";
pub const REGION: &str = "us-east-1";

/// One VPC as the builder remembers it, for local routes and peering records.
#[derive(Clone)]
struct VpcInfo {
    account: String,
    region: String,
    cidrs: Vec<String>,
}

/// A network under construction: describe-* items grouped by (account, region, top-level key).
pub struct Net {
    account: String,
    region: String,
    files: BTreeMap<(String, String, &'static str), Vec<Value>>,
    vpcs: HashMap<String, VpcInfo>,
    subnet_vpc: HashMap<String, String>,
}

/// An EC2 instance with one network interface.
pub struct Host {
    name: String,
    subnet: String,
    ip: String,
    groups: Vec<String>,
    public: Option<String>,
    ipv6: Vec<String>,
    state: String,
    windows: bool,
}

/// A load balancer for [`Net::lb`].
pub struct Lb<'a> {
    pub name: &'a str,
    /// `network` or `application`.
    pub kind: &'a str,
    pub scheme: &'a str,
    /// (subnet, private address, Elastic IP) of each node.
    pub nodes: &'a [(&'a str, &'a str, Option<&'a str>)],
    pub groups: &'a [&'a str],
    /// `load_balancing.cross_zone.enabled`, when written.
    pub cross_zone: Option<bool>,
    /// (protocol, port, target group name).
    pub listeners: &'a [(&'a str, u16, &'a str)],
}

/// A target group for [`Net::tg`].
pub struct Tg<'a> {
    pub name: &'a str,
    /// `instance`, `ip`, `alb`, `lambda`.
    pub target_type: &'a str,
    pub protocol: &'a str,
    pub port: u16,
    pub vpc: &'a str,
    pub hc_port: Option<u16>,
    /// (kind, name) of the load balancers using it.
    pub lbs: &'a [(&'a str, &'a str)],
    /// (id, port, zone letter, health state).
    pub targets: &'a [(&'a str, Option<u16>, &'a str, &'a str)],
    /// `preserve_client_ip.enabled`, when written.
    pub preserve: Option<bool>,
    /// `load_balancing.cross_zone.enabled` of the group, when written.
    pub cross_zone: Option<&'a str>,
}

/// The ARN of load balancer `name` of `kind` (`network`, `application`).
pub fn lb_arn(kind: &str, name: &str) -> String {
    let short = if kind == "application" { "app" } else { "net" };
    format!(
        "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{short}/{name}/0123456789abcdef"
    )
}

/// The ARN of the listener of load balancer `name` on `port`.
pub fn listener_arn(kind: &str, name: &str, port: u16) -> String {
    let short = if kind == "application" { "app" } else { "net" };
    format!(
        "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/{short}/{name}/0123456789abcdef/{port:016x}"
    )
}

/// The ARN of target group `name`.
pub fn tg_arn(name: &str) -> String {
    format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/{name}/0123456789abcdef")
}

/// `Host::new("web", "subnet-pub", "10.1.0.10")` is instance `i-web` with interface `eni-web`.
pub fn host(name: &str, subnet: &str, ip: &str) -> Host {
    Host {
        name: name.into(),
        subnet: subnet.into(),
        ip: ip.into(),
        groups: Vec::new(),
        public: None,
        ipv6: Vec::new(),
        state: "running".into(),
        windows: false,
    }
}

impl Host {
    pub fn sg(mut self, group: &str) -> Self {
        self.groups.push(group.into());
        self
    }
    /// An auto-assigned public IPv4 address on the primary private address.
    pub fn public(mut self, ip: &str) -> Self {
        self.public = Some(ip.into());
        self
    }
    pub fn ipv6(mut self, ip: &str) -> Self {
        self.ipv6.push(ip.into());
        self
    }
    pub fn state(mut self, state: &str) -> Self {
        self.state = state.into();
        self
    }
    pub fn windows(mut self) -> Self {
        self.windows = true;
        self
    }
}

/// AZ id of a zone name, as AWS would map it in our one account (`us-east-1a` → `use1-az1`).
fn zone_id(az: &str) -> String {
    let (region, letter) = az.split_at(az.len() - 1);
    let short = match region {
        "us-east-1" => "use1",
        "us-west-2" => "usw2",
        other => other,
    };
    let n = match letter {
        "a" => 1,
        "b" => 2,
        "c" => 3,
        _ => 9,
    };
    format!("{short}-az{n}")
}

fn tags(name: &str) -> Value {
    json!([{"Key": "Name", "Value": name}])
}

// ---- route, NACL and security-group rule helpers ---------------------------------------------

/// A route as `describe-route-tables` prints it; the target's id prefix picks the field, the
/// destination's form (`pl-`, IPv6, IPv4) picks the destination field.
pub fn route(dest: &str, target: &str) -> Value {
    let mut r = serde_json::Map::new();
    if dest.starts_with("pl-") {
        r.insert("DestinationPrefixListId".into(), dest.into());
    } else if dest.contains(':') {
        r.insert("DestinationIpv6CidrBlock".into(), dest.into());
    } else {
        r.insert("DestinationCidrBlock".into(), dest.into());
    }
    let field = match target.split('-').next().unwrap_or_default() {
        "nat" => "NatGatewayId",
        "pcx" => "VpcPeeringConnectionId",
        "tgw" => "TransitGatewayId",
        "eni" => "NetworkInterfaceId",
        "i" => "InstanceId",
        "eigw" => "EgressOnlyInternetGatewayId",
        _ => "GatewayId",
    };
    r.insert(field.into(), target.into());
    let origin = if target == "local" {
        "CreateRouteTable"
    } else {
        "CreateRoute"
    };
    r.insert("Origin".into(), origin.into());
    r.insert("State".into(), "active".into());
    Value::Object(r)
}

/// The same route in state `blackhole` (its target is gone or not accepted).
pub fn blackhole(mut r: Value) -> Value {
    r["State"] = "blackhole".into();
    r
}

fn proto_number(p: &str) -> &'static str {
    match p {
        "tcp" => "6",
        "udp" => "17",
        "icmp" => "1",
        "icmpv6" => "58",
        "all" => "-1",
        other => panic!("unknown protocol {other}"),
    }
}

/// A NACL entry. `ports` is `""` (all), `"443"` or `"1024-65535"`.
fn acl_entry(n: i64, egress: bool, action: &str, proto: &str, cidr: &str, ports: &str) -> Value {
    let mut e = json!({
        "Egress": egress,
        "Protocol": proto_number(proto),
        "RuleAction": action,
        "RuleNumber": n,
    });
    if cidr.contains(':') {
        e["Ipv6CidrBlock"] = cidr.into();
    } else {
        e["CidrBlock"] = cidr.into();
    }
    if !ports.is_empty() {
        let (a, b) = ports.split_once('-').unwrap_or((ports, ports));
        let (a, b): (i64, i64) = (a.parse().unwrap(), b.parse().unwrap());
        e["PortRange"] = json!({"From": a, "To": b});
    }
    e
}

pub fn allow_in(n: i64, proto: &str, cidr: &str, ports: &str) -> Value {
    acl_entry(n, false, "allow", proto, cidr, ports)
}
pub fn deny_in(n: i64, proto: &str, cidr: &str, ports: &str) -> Value {
    acl_entry(n, false, "deny", proto, cidr, ports)
}
pub fn allow_out(n: i64, proto: &str, cidr: &str, ports: &str) -> Value {
    acl_entry(n, true, "allow", proto, cidr, ports)
}
pub fn deny_out(n: i64, proto: &str, cidr: &str, ports: &str) -> Value {
    acl_entry(n, true, "deny", proto, cidr, ports)
}

/// An ICMP NACL entry for one type (code -1: any).
pub fn icmp_entry(n: i64, egress: bool, action: &str, cidr: &str, icmp_type: i64) -> Value {
    let mut e = acl_entry(n, egress, action, "icmp", cidr, "");
    e["IcmpTypeCode"] = json!({"Type": icmp_type, "Code": -1});
    e
}

/// The built-in `*` denies, as AWS prints them (32767 IPv4, 32768 IPv6).
pub fn star_denies() -> Vec<Value> {
    vec![
        deny_in(32767, "all", "0.0.0.0/0", ""),
        deny_in(32768, "all", "::/0", ""),
        deny_out(32767, "all", "0.0.0.0/0", ""),
        deny_out(32768, "all", "::/0", ""),
    ]
}

/// A default NACL of a VPC with IPv6: allow everything both ways (100 IPv4, 101 IPv6).
pub fn open_entries() -> Vec<Value> {
    let mut v = vec![
        allow_in(100, "all", "0.0.0.0/0", ""),
        allow_in(101, "all", "::/0", ""),
        allow_out(100, "all", "0.0.0.0/0", ""),
        allow_out(101, "all", "::/0", ""),
    ];
    v.extend(star_denies());
    v
}

/// `entries` followed by the built-in denies.
pub fn with_denies(mut entries: Vec<Value>) -> Vec<Value> {
    entries.extend(star_denies());
    entries
}

/// One security-group permission. `peer` is a CIDR (IPv4 or IPv6), a prefix list `pl-…` or a
/// group `sg-…`; `ports` is `""` (all), `"443"` or `"1024-65535"`; for ICMP, `"8"` is echo
/// request of any code and `""` every type.
pub fn perm(proto: &str, ports: &str, peer: &str) -> Value {
    let proto_field = match proto {
        "all" => "-1",
        p => p,
    };
    let mut p = json!({
        "IpProtocol": proto_field,
        "IpRanges": [],
        "Ipv6Ranges": [],
        "PrefixListIds": [],
        "UserIdGroupPairs": [],
    });
    if proto != "all" {
        let (a, b): (i64, i64) = if ports.is_empty() {
            if proto.starts_with("icmp") {
                (-1, -1)
            } else {
                (0, 65535)
            }
        } else if proto.starts_with("icmp") {
            (ports.parse().unwrap(), -1)
        } else {
            let (a, b) = ports.split_once('-').unwrap_or((ports, ports));
            (a.parse().unwrap(), b.parse().unwrap())
        };
        p["FromPort"] = a.into();
        p["ToPort"] = b.into();
    }
    if peer.starts_with("sg-") {
        p["UserIdGroupPairs"] = json!([{"GroupId": peer, "UserId": ACCOUNT}]);
    } else if peer.starts_with("pl-") {
        p["PrefixListIds"] = json!([{"PrefixListId": peer}]);
    } else if peer.contains(':') {
        p["Ipv6Ranges"] = json!([{"CidrIpv6": peer}]);
    } else {
        p["IpRanges"] = json!([{"CidrIp": peer}]);
    }
    p
}

/// A reference to a group of another VPC, as `describe-security-groups` prints it: across a
/// peering connection (`pcx`) or, without one, across a transit gateway.
pub fn perm_ref(proto: &str, ports: &str, group: &str, vpc: &str, pcx: Option<&str>) -> Value {
    let mut p = perm(proto, ports, group);
    let mut pair = json!({"GroupId": group, "UserId": ACCOUNT, "VpcId": vpc});
    if let Some(pcx) = pcx {
        pair["VpcPeeringConnectionId"] = pcx.into();
        pair["PeeringStatus"] = "active".into();
    }
    p["UserIdGroupPairs"] = json!([pair]);
    p
}

/// Egress allow-all to IPv4 and IPv6, the default of a new group.
pub fn all_out() -> Vec<Value> {
    let mut p = perm("all", "", "0.0.0.0/0");
    p["Ipv6Ranges"] = json!([{"CidrIpv6": "::/0"}]);
    vec![p]
}

// ---- the network ---------------------------------------------------------------------------

impl Net {
    /// An empty network in account 111111111111, us-east-1.
    pub fn new() -> Self {
        Net {
            account: ACCOUNT.into(),
            region: REGION.into(),
            files: BTreeMap::new(),
            vpcs: HashMap::new(),
            subnet_vpc: HashMap::new(),
        }
    }

    /// Resources added from now on belong to this account and region (their dump directory).
    pub fn at(&mut self, account: &str, region: &str) -> &mut Self {
        self.account = account.into();
        self.region = region.into();
        self
    }

    fn push(&mut self, key: &'static str, item: Value) {
        self.files
            .entry((self.account.clone(), self.region.clone(), key))
            .or_default()
            .push(item);
    }

    fn vpc_of(&self, subnet: &str) -> String {
        self.subnet_vpc
            .get(subnet)
            .cloned()
            .unwrap_or_else(|| panic!("subnet {subnet} not declared"))
    }

    /// A VPC with one IPv4 CIDR and optionally an IPv6 block.
    pub fn vpc(&mut self, id: &str, cidr: &str) -> &mut Self {
        self.vpc_with(id, &[cidr], None)
    }

    pub fn vpc6(&mut self, id: &str, cidr: &str, v6: &str) -> &mut Self {
        self.vpc_with(id, &[cidr], Some(v6))
    }

    fn vpc_with(&mut self, id: &str, cidrs: &[&str], v6: Option<&str>) -> &mut Self {
        let assoc: Vec<Value> = cidrs
            .iter()
            .map(|c| json!({"CidrBlock": c, "CidrBlockState": {"State": "associated"}}))
            .collect();
        let mut v = json!({
            "VpcId": id,
            "OwnerId": self.account,
            "CidrBlock": cidrs[0],
            "CidrBlockAssociationSet": assoc,
            "IsDefault": false,
            "State": "available",
            "Tags": tags(id),
        });
        let mut all: Vec<String> = cidrs.iter().map(|c| c.to_string()).collect();
        if let Some(v6) = v6 {
            v["Ipv6CidrBlockAssociationSet"] = json!([{
                "Ipv6CidrBlock": v6,
                "Ipv6CidrBlockState": {"State": "associated"},
                "NetworkBorderGroup": self.region,
            }]);
            all.push(v6.into());
        }
        self.vpcs.insert(
            id.into(),
            VpcInfo {
                account: self.account.clone(),
                region: self.region.clone(),
                cidrs: all,
            },
        );
        self.push("Vpcs", v);
        self
    }

    /// A subnet in zone `<region><az>` (`az` is `a`, `b` or `c`).
    pub fn subnet(&mut self, id: &str, vpc: &str, cidr: &str, az: &str) -> &mut Self {
        self.subnet_with(id, vpc, cidr, None, az)
    }

    pub fn subnet6(&mut self, id: &str, vpc: &str, cidr: &str, v6: &str, az: &str) -> &mut Self {
        self.subnet_with(id, vpc, cidr, Some(v6), az)
    }

    fn subnet_with(
        &mut self,
        id: &str,
        vpc: &str,
        cidr: &str,
        v6: Option<&str>,
        az: &str,
    ) -> &mut Self {
        let zone = format!("{}{az}", self.region);
        let mut s = json!({
            "SubnetId": id,
            "VpcId": vpc,
            "CidrBlock": cidr,
            "AvailabilityZone": zone,
            "AvailabilityZoneId": zone_id(&zone),
            "MapPublicIpOnLaunch": false,
            "OwnerId": self.account,
            "State": "available",
            "SubnetArn": format!("arn:aws:ec2:{}:{}:subnet/{id}", self.region, self.account),
            "Ipv6CidrBlockAssociationSet": [],
            "Tags": tags(id),
        });
        if let Some(v6) = v6 {
            s["Ipv6CidrBlockAssociationSet"] = json!([{
                "Ipv6CidrBlock": v6,
                "Ipv6CidrBlockState": {"State": "associated"},
            }]);
        }
        self.subnet_vpc.insert(id.into(), vpc.into());
        self.push("Subnets", s);
        self
    }

    fn route_table(
        &mut self,
        id: &str,
        vpc: &str,
        main: bool,
        subnets: &[&str],
        routes: Vec<Value>,
    ) -> &mut Self {
        let cidrs = self
            .vpcs
            .get(vpc)
            .map(|v| v.cidrs.clone())
            .unwrap_or_else(|| panic!("VPC {vpc} not declared"));
        let mut all: Vec<Value> = cidrs.iter().map(|c| route(c, "local")).collect();
        all.extend(routes);
        let mut assoc: Vec<Value> = subnets
            .iter()
            .enumerate()
            .map(|(i, s)| {
                json!({
                    "Main": false,
                    "RouteTableAssociationId": format!("rtbassoc-{id}-{i}"),
                    "RouteTableId": id,
                    "SubnetId": s,
                    "AssociationState": {"State": "associated"},
                })
            })
            .collect();
        if main {
            assoc.push(json!({
                "Main": true,
                "RouteTableAssociationId": format!("rtbassoc-{id}-main"),
                "RouteTableId": id,
                "AssociationState": {"State": "associated"},
            }));
        }
        let t = json!({
            "RouteTableId": id,
            "VpcId": vpc,
            "OwnerId": self.account,
            "Associations": assoc,
            "PropagatingVgws": [],
            "Routes": all,
            "Tags": tags(id),
        });
        self.push("RouteTables", t);
        self
    }

    /// The VPC's main route table (local routes are added for every VPC CIDR).
    pub fn main_rtb(&mut self, id: &str, vpc: &str, routes: Vec<Value>) -> &mut Self {
        self.route_table(id, vpc, true, &[], routes)
    }

    /// A custom route table explicitly associated with `subnets`.
    pub fn rtb(&mut self, id: &str, vpc: &str, subnets: &[&str], routes: Vec<Value>) -> &mut Self {
        self.route_table(id, vpc, false, subnets, routes)
    }

    fn network_acl(
        &mut self,
        id: &str,
        vpc: &str,
        default: bool,
        subnets: &[&str],
        entries: Vec<Value>,
    ) -> &mut Self {
        let assoc: Vec<Value> = subnets
            .iter()
            .enumerate()
            .map(|(i, s)| {
                json!({
                    "NetworkAclAssociationId": format!("aclassoc-{id}-{i}"),
                    "NetworkAclId": id,
                    "SubnetId": s,
                })
            })
            .collect();
        let a = json!({
            "NetworkAclId": id,
            "VpcId": vpc,
            "OwnerId": self.account,
            "IsDefault": default,
            "Associations": assoc,
            "Entries": entries,
            "Tags": tags(id),
        });
        self.push("NetworkAcls", a);
        self
    }

    /// The VPC's default NACL (used by every subnet without an explicit association).
    pub fn default_acl(&mut self, id: &str, vpc: &str, entries: Vec<Value>) -> &mut Self {
        self.network_acl(id, vpc, true, &[], entries)
    }

    /// A custom NACL associated with `subnets`; `entries` are written in the given order.
    pub fn acl(&mut self, id: &str, vpc: &str, subnets: &[&str], entries: Vec<Value>) -> &mut Self {
        self.network_acl(id, vpc, false, subnets, entries)
    }

    pub fn sg(
        &mut self,
        id: &str,
        vpc: &str,
        ingress: Vec<Value>,
        egress: Vec<Value>,
    ) -> &mut Self {
        let name = id.trim_start_matches("sg-").to_string();
        let g = json!({
            "GroupId": id,
            "GroupName": name,
            "Description": format!("{name} group"),
            "VpcId": vpc,
            "OwnerId": self.account,
            "IpPermissions": ingress,
            "IpPermissionsEgress": egress,
            "Tags": [],
        });
        self.push("SecurityGroups", g);
        self
    }

    /// An instance and its interface: the interface goes to `NetworkInterfaces`, the instance
    /// (with an embedded copy of the interface) to `Reservations`.
    pub fn host(&mut self, h: Host) -> &mut Self {
        let vpc = self.vpc_of(&h.subnet);
        let (iid, eid) = (format!("i-{}", h.name), format!("eni-{}", h.name));
        let groups: Vec<Value> = h
            .groups
            .iter()
            .map(|g| json!({"GroupId": g, "GroupName": g.trim_start_matches("sg-")}))
            .collect();
        let mut private = json!({"Primary": true, "PrivateIpAddress": h.ip});
        let mut eni = json!({
            "NetworkInterfaceId": eid,
            "SubnetId": h.subnet,
            "VpcId": vpc,
            "OwnerId": self.account,
            "InterfaceType": "interface",
            "Description": "",
            "PrivateIpAddress": h.ip,
            "Ipv6Addresses": h.ipv6.iter().map(|a| json!({"Ipv6Address": a})).collect::<Vec<_>>(),
            "Groups": groups,
            "SourceDestCheck": true,
            "Status": "in-use",
            "Attachment": {
                "AttachmentId": format!("eni-attach-{}", h.name),
                "DeviceIndex": 0,
                "InstanceId": iid,
                "InstanceOwnerId": self.account,
                "Status": "attached",
            },
            "TagSet": tags(&h.name),
        });
        if let Some(p) = &h.public {
            let assoc = json!({"IpOwnerId": "amazon", "PublicIp": p});
            private["Association"] = assoc.clone();
            eni["Association"] = assoc;
        }
        eni["PrivateIpAddresses"] = json!([private]);
        let mut inst = json!({
            "InstanceId": iid,
            "InstanceType": "t3.micro",
            "State": {"Code": if h.state == "running" { 16 } else { 80 }, "Name": h.state},
            "SubnetId": h.subnet,
            "VpcId": vpc,
            "PrivateIpAddress": h.ip,
            "PlatformDetails": if h.windows { "Windows" } else { "Linux/UNIX" },
            "NetworkInterfaces": [eni.clone()],
            "Tags": tags(&h.name),
        });
        if h.windows {
            inst["Platform"] = "windows".into();
        }
        if let Some(p) = &h.public {
            inst["PublicIpAddress"] = p.as_str().into();
        }
        self.push("NetworkInterfaces", eni);
        let account = self.account.clone();
        self.push(
            "Reservations",
            json!({"OwnerId": account, "ReservationId": format!("r-{}", h.name), "Groups": [], "Instances": [inst]}),
        );
        self
    }

    pub fn igw(&mut self, id: &str, vpc: &str) -> &mut Self {
        let g = json!({
            "InternetGatewayId": id,
            "OwnerId": self.account,
            "Attachments": [{"State": "available", "VpcId": vpc}],
            "Tags": tags(id),
        });
        self.push("InternetGateways", g);
        self
    }

    pub fn eigw(&mut self, id: &str, vpc: &str) -> &mut Self {
        let g = json!({
            "EgressOnlyInternetGatewayId": id,
            "Attachments": [{"State": "attached", "VpcId": vpc}],
            "Tags": tags(id),
        });
        self.push("EgressOnlyInternetGateways", g);
        self
    }

    /// A public NAT gateway in `subnet` with its requester-managed interface and Elastic IP.
    pub fn nat(&mut self, id: &str, subnet: &str, private: &str, public: &str) -> &mut Self {
        let vpc = self.vpc_of(subnet);
        let eni_id = format!("eni-{id}");
        let g = json!({
            "NatGatewayId": id,
            "SubnetId": subnet,
            "VpcId": vpc,
            "State": "available",
            "ConnectivityType": "public",
            "NatGatewayAddresses": [{
                "AllocationId": format!("eipalloc-{id}"),
                "NetworkInterfaceId": eni_id,
                "PrivateIp": private,
                "PublicIp": public,
                "IsPrimary": true,
                "Status": "succeeded",
            }],
            "Tags": tags(id),
        });
        self.push("NatGateways", g);
        let assoc = json!({"AllocationId": format!("eipalloc-{id}"), "IpOwnerId": self.account, "PublicIp": public});
        let eni = json!({
            "NetworkInterfaceId": eni_id,
            "SubnetId": subnet,
            "VpcId": vpc,
            "OwnerId": self.account,
            "InterfaceType": "nat_gateway",
            "Description": format!("Interface for NAT Gateway {id}"),
            "RequesterId": "123456789012",
            "RequesterManaged": true,
            "PrivateIpAddress": private,
            "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": private, "Association": assoc.clone()}],
            "Association": assoc,
            "Ipv6Addresses": [],
            "Groups": [],
            "SourceDestCheck": false,
            "Status": "in-use",
            "TagSet": [],
        });
        self.push("NetworkInterfaces", eni);
        self
    }

    /// A NAT gateway that has been deleted: still listed (for an hour) with the Elastic IP it
    /// held, but no interface.
    pub fn deleted_nat(
        &mut self,
        id: &str,
        subnet: &str,
        private: &str,
        public: &str,
    ) -> &mut Self {
        let vpc = self.vpc_of(subnet);
        let g = json!({
            "NatGatewayId": id,
            "SubnetId": subnet,
            "VpcId": vpc,
            "State": "deleted",
            "ConnectivityType": "public",
            "NatGatewayAddresses": [{
                "AllocationId": format!("eipalloc-{id}"),
                "PrivateIp": private,
                "PublicIp": public,
                "IsPrimary": true,
                "Status": "succeeded",
            }],
        });
        self.push("NatGateways", g);
        self
    }

    /// An Elastic IP allocated to the account and associated with nothing.
    pub fn idle_eip(&mut self, public: &str, allocation: &str) -> &mut Self {
        let a = json!({
            "PublicIp": public,
            "AllocationId": allocation,
            "Domain": "vpc",
            "PublicIpv4Pool": "amazon",
            "NetworkBorderGroup": self.region,
        });
        self.push("Addresses", a);
        self
    }

    fn peer_info(&self, vpc: &str, with_cidrs: bool) -> Value {
        let v = self
            .vpcs
            .get(vpc)
            .unwrap_or_else(|| panic!("VPC {vpc} not declared"));
        let mut info = json!({"VpcId": vpc, "OwnerId": v.account, "Region": v.region});
        if with_cidrs {
            let v4: Vec<&String> = v.cidrs.iter().filter(|c| !c.contains(':')).collect();
            info["CidrBlock"] = v4[0].as_str().into();
            info["CidrBlockSet"] = v4.iter().map(|c| json!({"CidrBlock": c})).collect();
        }
        info
    }

    /// A peering connection between two declared VPCs. As AWS prints it, a connection that is
    /// not yet active shows no accepter CIDRs.
    pub fn pcx(&mut self, id: &str, requester: &str, accepter: &str, status: &str) -> &mut Self {
        let active = status == "active";
        let c = json!({
            "VpcPeeringConnectionId": id,
            "Status": {"Code": status, "Message": status},
            "RequesterVpcInfo": self.peer_info(requester, true),
            "AccepterVpcInfo": self.peer_info(accepter, active),
            "Tags": tags(id),
        });
        self.push("VpcPeeringConnections", c);
        self
    }

    /// An active peering connection to a VPC of another account that the snapshot lacks.
    pub fn pcx_to_absent(
        &mut self,
        id: &str,
        requester: &str,
        (vpc, account, cidr): (&str, &str, &str),
    ) -> &mut Self {
        let region = self.region.clone();
        let c = json!({
            "VpcPeeringConnectionId": id,
            "Status": {"Code": "active", "Message": "Active"},
            "RequesterVpcInfo": self.peer_info(requester, true),
            "AccepterVpcInfo": {
                "VpcId": vpc, "OwnerId": account, "Region": region,
                "CidrBlock": cidr, "CidrBlockSet": [{"CidrBlock": cidr}],
            },
        });
        self.push("VpcPeeringConnections", c);
        self
    }

    /// An AWS-managed prefix list as `describe-prefix-lists` prints it.
    pub fn aws_prefix_list(&mut self, id: &str, name: &str, cidrs: &[&str]) -> &mut Self {
        self.push(
            "PrefixLists",
            json!({"PrefixListId": id, "PrefixListName": name, "Cidrs": cidrs}),
        );
        self
    }

    /// A customer-managed prefix list: `describe-managed-prefix-lists` plus the entries, wrapped
    /// with the list's id as collectors write them.
    pub fn managed_prefix_list(&mut self, id: &str, name: &str, cidrs: &[&str]) -> &mut Self {
        let account = self.account.clone();
        self.push(
            "ManagedPrefixLists",
            json!({
                "PrefixListId": id, "PrefixListName": name, "AddressFamily": "IPv4",
                "MaxEntries": 5, "OwnerId": account, "State": "create-complete",
            }),
        );
        let entries: Vec<Value> = cidrs.iter().map(|c| json!({"Cidr": c})).collect();
        self.push(
            "PrefixListEntries",
            json!({"PrefixListId": id, "Entries": entries}),
        );
        self
    }

    /// A gateway endpoint associated with `rtbs` (their `pl → vpce` routes are written by the
    /// caller, as `describe-route-tables` shows them).
    pub fn gateway_endpoint(
        &mut self,
        id: &str,
        vpc: &str,
        service: &str,
        rtbs: &[&str],
    ) -> &mut Self {
        let e = json!({
            "VpcEndpointId": id,
            "VpcEndpointType": "Gateway",
            "VpcId": vpc,
            "ServiceName": service,
            "State": "available",
            "RouteTableIds": rtbs,
            "SubnetIds": [],
            "NetworkInterfaceIds": [],
            "Tags": tags(id),
        });
        self.push("VpcEndpoints", e);
        self
    }

    /// A transit gateway; `sg_referencing` is its `SecurityGroupReferencingSupport` option.
    pub fn tgw(&mut self, id: &str, sg_referencing: bool) -> &mut Self {
        let t = json!({
            "TransitGatewayId": id,
            "TransitGatewayArn": format!("arn:aws:ec2:{}:{}:transit-gateway/{id}", self.region, self.account),
            "OwnerId": self.account,
            "State": "available",
            "Options": {
                "AmazonSideAsn": 64512,
                "AutoAcceptSharedAttachments": "disable",
                "DefaultRouteTableAssociation": "disable",
                "DefaultRouteTablePropagation": "disable",
                "VpnEcmpSupport": "enable",
                "DnsSupport": "enable",
                "SecurityGroupReferencingSupport": if sg_referencing { "enable" } else { "disable" },
            },
            "Tags": tags(id),
        });
        self.push("TransitGateways", t);
        self
    }

    /// A VPC attachment (one subnet per AZ), associated with `association` if given; written to
    /// both `TransitGatewayAttachments` and `TransitGatewayVpcAttachments`.
    pub fn tgw_attachment(
        &mut self,
        id: &str,
        tgw: &str,
        vpc: &str,
        subnets: &[&str],
        association: Option<&str>,
    ) -> &mut Self {
        let mut a = json!({
            "TransitGatewayAttachmentId": id,
            "TransitGatewayId": tgw,
            "TransitGatewayOwnerId": self.account,
            "ResourceOwnerId": self.account,
            "ResourceType": "vpc",
            "ResourceId": vpc,
            "State": "available",
            "Tags": tags(id),
        });
        if let Some(t) = association {
            a["Association"] = json!({"TransitGatewayRouteTableId": t, "State": "associated"});
        }
        self.push("TransitGatewayAttachments", a);
        let v = json!({
            "TransitGatewayAttachmentId": id,
            "TransitGatewayId": tgw,
            "VpcId": vpc,
            "VpcOwnerId": self.account,
            "State": "available",
            "SubnetIds": subnets,
            "Options": {
                "DnsSupport": "enable",
                "Ipv6Support": "disable",
                "ApplianceModeSupport": "disable",
                "SecurityGroupReferencingSupport": "enable",
            },
            "Tags": tags(id),
        });
        self.push("TransitGatewayVpcAttachments", v);
        self
    }

    /// A TGW route table with the attachments that propagate into it and its static routes
    /// (`(cidr, Some(attachment))`, or `(cidr, None)` for a blackhole), in the per-table
    /// wrappers collectors write.
    pub fn tgw_rtb(
        &mut self,
        id: &str,
        tgw: &str,
        propagations: &[(&str, &str)],
        static_routes: &[(&str, Option<&str>)],
    ) -> &mut Self {
        self.push(
            "TransitGatewayRouteTables",
            json!({
                "TransitGatewayRouteTableId": id, "TransitGatewayId": tgw, "State": "available",
                "DefaultAssociationRouteTable": false, "DefaultPropagationRouteTable": false,
                "Tags": tags(id),
            }),
        );
        let props: Vec<Value> = propagations
            .iter()
            .map(|(att, vpc)| {
                json!({"TransitGatewayAttachmentId": att, "ResourceId": vpc,
                       "ResourceType": "vpc", "State": "enabled"})
            })
            .collect();
        self.push(
            "TransitGatewayPropagations",
            json!({"TransitGatewayRouteTableId": id, "TransitGatewayRouteTablePropagations": props}),
        );
        let routes: Vec<Value> = static_routes
            .iter()
            .map(|(cidr, att)| match att {
                Some(a) => json!({
                    "DestinationCidrBlock": cidr, "Type": "static", "State": "active",
                    "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": a, "ResourceType": "vpc"}],
                }),
                None => json!({"DestinationCidrBlock": cidr, "Type": "static", "State": "blackhole"}),
            })
            .collect();
        self.push(
            "TransitGatewayStaticRoutes",
            json!({"TransitGatewayRouteTableId": id, "Routes": routes, "AdditionalRoutesAvailable": false}),
        );
        self
    }

    /// An internal network load balancer `name` with one node in `subnet` at `private`, and
    /// its listeners (`("TCP", 443)`).
    pub fn nlb(
        &mut self,
        name: &str,
        subnet: &str,
        private: &str,
        listeners: &[(&str, u16)],
    ) -> &mut Self {
        let vpc = self.vpc_of(subnet);
        let resource = format!("net/{name}/0123456789abcdef");
        let arn = format!(
            "arn:aws:elasticloadbalancing:{}:{}:loadbalancer/{resource}",
            self.region, self.account
        );
        let zone = format!("{}a", self.region);
        self.push(
            "LoadBalancers",
            json!({
                "LoadBalancerArn": arn, "LoadBalancerName": name, "Type": "network",
                "Scheme": "internal", "State": {"Code": "active"}, "VpcId": vpc,
                "IpAddressType": "ipv4",
                "AvailabilityZones": [{"ZoneName": zone, "SubnetId": subnet,
                    "LoadBalancerAddresses": [{"PrivateIPv4Address": private}]}],
            }),
        );
        let ls: Vec<Value> = listeners
            .iter()
            .map(|(p, port)| {
                json!({"ListenerArn": format!("{arn}/listener-{port}"), "LoadBalancerArn": arn,
                       "Port": port, "Protocol": p})
            })
            .collect();
        self.push(
            "LoadBalancerListeners",
            json!({"LoadBalancerArn": arn, "Listeners": ls}),
        );
        self.push(
            "NetworkInterfaces",
            json!({
                "NetworkInterfaceId": format!("eni-{name}"),
                "SubnetId": subnet, "VpcId": vpc, "OwnerId": self.account,
                "InterfaceType": "network_load_balancer",
                "Description": format!("ELB {resource}"),
                "RequesterId": "amazon-elb", "RequesterManaged": true,
                "PrivateIpAddress": private,
                "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": private}],
                "Ipv6Addresses": [], "Groups": [], "SourceDestCheck": true, "Status": "in-use",
            }),
        );
        self
    }

    /// A load balancer as `elbv2 describe-load-balancers`, `describe-listeners` (wrapped per
    /// load balancer, with `forward` default actions), `describe-load-balancer-attributes` and
    /// its node interfaces print it.
    pub fn lb(&mut self, spec: &Lb<'_>) -> &mut Self {
        let first = spec.nodes.first().map(|n| n.0).unwrap_or_default();
        let vpc = self.vpc_of(first);
        let short = if spec.kind == "application" {
            "app"
        } else {
            "net"
        };
        let resource = format!("{short}/{}/0123456789abcdef", spec.name);
        let arn = lb_arn(spec.kind, spec.name);
        let zones: Vec<Value> = spec
            .nodes
            .iter()
            .map(|(subnet, private, public)| {
                let az = self.subnet_az(subnet);
                let mut a = json!({"PrivateIPv4Address": private});
                if let Some(p) = public {
                    a = json!({"IpAddress": p, "AllocationId": format!("eipalloc-{p}")});
                }
                json!({"ZoneName": az, "SubnetId": subnet, "LoadBalancerAddresses": [a]})
            })
            .collect();
        let mut lb = json!({
            "LoadBalancerArn": arn, "LoadBalancerName": spec.name, "Type": spec.kind,
            "Scheme": spec.scheme, "State": {"Code": "active"}, "VpcId": vpc,
            "IpAddressType": "ipv4", "AvailabilityZones": zones,
        });
        if !spec.groups.is_empty() {
            lb["SecurityGroups"] = json!(spec.groups);
        }
        self.push("LoadBalancers", lb);
        let ls: Vec<Value> = spec
            .listeners
            .iter()
            .map(|(p, port, tg)| {
                json!({"ListenerArn": listener_arn(spec.kind, spec.name, *port), "LoadBalancerArn": arn,
                       "Port": port, "Protocol": p,
                       "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg_arn(tg), "Order": 1,
                           "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": tg_arn(tg)}]}}]})
            })
            .collect();
        self.push(
            "LoadBalancerListeners",
            json!({"LoadBalancerArn": arn, "Listeners": ls}),
        );
        if let Some(c) = spec.cross_zone {
            self.push(
                "LoadBalancerAttributes",
                json!({"LoadBalancerArn": arn, "Attributes": [
                    {"Key": "load_balancing.cross_zone.enabled", "Value": c.to_string()},
                    {"Key": "deletion_protection.enabled", "Value": "false"}]}),
            );
        }
        let groups: Vec<Value> = spec
            .groups
            .iter()
            .map(|g| json!({"GroupId": g, "GroupName": g.trim_start_matches("sg-")}))
            .collect();
        for (k, (subnet, private, public)) in spec.nodes.iter().enumerate() {
            let mut addr = json!({"Primary": true, "PrivateIpAddress": private});
            if let Some(p) = public {
                addr["Association"] = json!({"IpOwnerId": "amazon", "PublicIp": p});
            }
            let interface_type = if spec.kind == "network" {
                "network_load_balancer"
            } else {
                "interface"
            };
            self.push(
                "NetworkInterfaces",
                json!({
                    "NetworkInterfaceId": format!("eni-{}-{k}", spec.name),
                    "SubnetId": subnet, "VpcId": vpc, "OwnerId": self.account,
                    "InterfaceType": interface_type,
                    "Description": format!("ELB {resource}"),
                    "RequesterId": "amazon-elb", "RequesterManaged": true,
                    "PrivateIpAddress": private,
                    "PrivateIpAddresses": [addr],
                    "Ipv6Addresses": [], "Groups": groups, "SourceDestCheck": true, "Status": "in-use",
                }),
            );
        }
        self
    }

    /// A target group as `elbv2 describe-target-groups` prints it, its targets as
    /// `describe-target-health` (wrapped per group) and, when set, its attributes.
    pub fn tg(&mut self, spec: &Tg<'_>) -> &mut Self {
        let arn = tg_arn(spec.name);
        let lbs: Vec<String> = spec.lbs.iter().map(|(k, n)| lb_arn(k, n)).collect();
        self.push(
            "TargetGroups",
            json!({
                "TargetGroupArn": arn, "TargetGroupName": spec.name, "TargetType": spec.target_type,
                "Protocol": spec.protocol, "Port": spec.port, "VpcId": spec.vpc,
                "HealthCheckEnabled": true, "HealthCheckProtocol": "TCP",
                "HealthCheckPort": spec.hc_port.map_or("traffic-port".to_string(), |p| p.to_string()),
                "LoadBalancerArns": lbs,
            }),
        );
        let targets: Vec<Value> = spec
            .targets
            .iter()
            .map(|(id, port, az, state)| {
                let mut t = json!({"Id": id, "AvailabilityZone": format!("{}{az}", self.region)});
                if let Some(p) = port {
                    t["Port"] = json!(p);
                } else {
                    t["Port"] = json!(spec.port);
                }
                json!({"Target": t, "HealthCheckPort": spec.port.to_string(),
                       "TargetHealth": {"State": state}})
            })
            .collect();
        self.push(
            "LoadBalancerTargetHealth",
            json!({"TargetGroupArn": arn, "TargetHealthDescriptions": targets}),
        );
        let mut attrs = Vec::new();
        if let Some(p) = spec.preserve {
            attrs.push(json!({"Key": "preserve_client_ip.enabled", "Value": p.to_string()}));
        }
        if let Some(c) = spec.cross_zone {
            attrs.push(json!({"Key": "load_balancing.cross_zone.enabled", "Value": c}));
        }
        if !attrs.is_empty() {
            self.push(
                "TargetGroupAttributes",
                json!({"TargetGroupArn": arn, "Attributes": attrs}),
            );
        }
        self
    }

    fn subnet_az(&self, subnet: &str) -> String {
        self.files
            .values()
            .flatten()
            .find(|v| {
                v.get("SubnetId").and_then(Value::as_str) == Some(subnet)
                    && v.get("CidrBlock").is_some()
            })
            .and_then(|v| v.get("AvailabilityZone").and_then(Value::as_str))
            .unwrap_or("us-east-1a")
            .to_string()
    }

    /// The rules of a listener as `elbv2 describe-rules` prints them (raw, one call): each
    /// (priority, `source-ip` CIDRs, a `path-pattern` condition too, target group).
    pub fn lb_rules(
        &mut self,
        kind: &str,
        name: &str,
        port: u16,
        rules: &[(u32, &[&str], bool, &str)],
    ) -> &mut Self {
        let listener = listener_arn(kind, name, port);
        let rule_arn =
            |k: &str| format!("{}/{k}", listener.replace(":listener/", ":listener-rule/"));
        for (prio, ips, l7, tg) in rules {
            let mut conditions = Vec::new();
            if !ips.is_empty() {
                conditions.push(json!({"Field": "source-ip", "SourceIpConfig": {"Values": ips}}));
            }
            if *l7 {
                conditions.push(json!({"Field": "path-pattern", "Values": ["/api/*"],
                    "PathPatternConfig": {"Values": ["/api/*"]}}));
            }
            self.push(
                "Rules",
                json!({"RuleArn": rule_arn(&format!("{prio:016x}")), "Priority": prio.to_string(),
                       "IsDefault": false, "Conditions": conditions,
                       "Actions": [{"Type": "forward", "TargetGroupArn": tg_arn(tg), "Order": 1}]}),
            );
        }
        self.push(
            "Rules",
            json!({"RuleArn": rule_arn("ffffffffffffffff"), "Priority": "default", "IsDefault": true,
                   "Conditions": [], "Actions": [{"Type": "forward", "TargetGroupArn": "ignored", "Order": 1}]}),
        );
        self
    }

    /// A secondary private address on node `k` of load balancer `name` (as
    /// `secondary_ips.auto_assigned.per_subnet` adds them).
    pub fn lb_secondary_ip(&mut self, name: &str, k: usize, ip: &str) -> &mut Self {
        let id = format!("eni-{name}-{k}");
        for items in self.files.values_mut() {
            for v in items.iter_mut() {
                if v.get("NetworkInterfaceId").and_then(Value::as_str) == Some(id.as_str())
                    && let Some(Value::Array(a)) = v.get_mut("PrivateIpAddresses")
                {
                    a.push(json!({"Primary": false, "PrivateIpAddress": ip}));
                }
            }
        }
        self
    }

    /// A copy of the network so far, to grow in different ways.
    pub fn clone_from_files(other: &Net) -> Net {
        Net {
            account: other.account.clone(),
            region: other.region.clone(),
            files: other.files.clone(),
            vpcs: other.vpcs.clone(),
            subnet_vpc: other.subnet_vpc.clone(),
        }
    }

    /// The files, one per (account, region, key), in a fixed order.
    fn file_list(&self) -> Vec<(String, String, String, Vec<u8>)> {
        self.files
            .iter()
            .map(|((account, region, key), items)| {
                let label = format!("aws_configs/accounts/{account}/{region}/{key}.json");
                let mut doc = serde_json::Map::new();
                doc.insert((*key).to_string(), Value::Array(items.clone()));
                let bytes = serde_json::to_vec_pretty(&Value::Object(doc)).unwrap();
                (label, account.clone(), region.clone(), bytes)
            })
            .collect()
    }

    fn ingest(files: Vec<(String, String, String, Vec<u8>)>) -> Snapshot {
        let mut b = SnapshotBuilder::new();
        for (label, account, region, bytes) in &files {
            b.add_json(label, Some(account), Some(region), bytes)
                .unwrap_or_else(|e| panic!("ingest of {label}: {e}"));
        }
        b.finish().unwrap_or_else(|e| panic!("ingest: {e}"))
    }

    /// Feeds every file through `SnapshotBuilder::add_json` and resolves the snapshot.
    pub fn build(&self) -> Snapshot {
        Self::ingest(self.file_list())
    }

    /// The same, with the files read in reverse order.
    pub fn build_reversed(&self) -> Snapshot {
        let mut files = self.file_list();
        files.reverse();
        Self::ingest(files)
    }
}
