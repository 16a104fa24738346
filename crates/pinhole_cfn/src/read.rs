//! Evaluated resources into the network model of `pinhole_design` (VPCs, subnets, route tables,
//! NACLs, security groups, gateways, peering), across every stack read together.

use crate::eval::{Stack, eip_address, text, truthy};
use ipnet::Ipv4Net;
use pinhole_design::compile::{
    NAcl, NAclEntry, NNat, NPeering, NRoute, NRouteTable, NSg, NSgRule, NSubnet, NVpc, Network,
    SgPeer, Target,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// The value of tag `key` in a CloudFormation `Tags` list.
pub(crate) fn tag(tags: &Value, key: &str) -> Option<String> {
    tags.as_array()?
        .iter()
        .find(|t| t.get("Key").and_then(Value::as_str) == Some(key))
        .and_then(|t| t.get("Value"))
        .and_then(text)
}

/// One resource after evaluation.
struct Res<'s> {
    stack: usize,
    logical: &'s str,
    kind: &'s str,
    id: String,
    props: Value,
}

fn get<'v>(p: &'v Value, k: &str) -> Option<&'v Value> {
    p.get(k).filter(|v| !v.is_null())
}

fn s(p: &Value, k: &str) -> Option<String> {
    get(p, k).and_then(text)
}

fn int(p: &Value, k: &str) -> Option<i64> {
    s(p, k).and_then(|x| x.parse().ok())
}

fn proto(p: &Value, k: &str) -> Option<i16> {
    match s(p, k)?.to_ascii_lowercase().as_str() {
        "-1" | "all" => Some(-1),
        "tcp" | "6" => Some(6),
        "udp" | "17" => Some(17),
        "icmp" | "1" => Some(1),
        other => other.parse().ok(),
    }
}

/// What the reader builds, and the physical ids it has seen, by kind.
#[derive(Default)]
struct State {
    net: Network,
    warnings: Vec<String>,
    vpc_by_id: BTreeMap<String, usize>,
    subnet_by_id: BTreeMap<String, (usize, usize)>,
    eip_by_alloc: BTreeMap<String, Ipv4Addr>,
    nat_by_id: BTreeMap<String, (usize, usize)>,
    pcx_by_id: BTreeMap<String, usize>,
    rt_by_id: BTreeMap<String, (usize, usize)>,
    acl_by_id: BTreeMap<String, (usize, usize)>,
    sg_by_id: BTreeMap<String, (usize, usize)>,
}

impl State {
    /// The VPC a property names by id.
    fn vpc_of(&self, p: &Value, k: &str) -> Option<usize> {
        s(p, k).and_then(|id| self.vpc_by_id.get(&id).copied())
    }
}

fn label(stacks: &[Stack<'_>], r: &Res<'_>) -> String {
    format!("{}/{}", stacks[r.stack].name, r.logical)
}

fn of<'a, 'r>(all: &'a [Res<'r>], kind: &'static str) -> impl Iterator<Item = &'a Res<'r>> {
    all.iter().filter(move |r| r.kind == kind)
}

/// Evaluates every resource whose condition holds, then reads them kind by kind: each kind's
/// references (a subnet's VPC, a route's gateway) resolve to what the earlier kinds built.
pub(crate) fn network(stacks: &[Stack<'_>]) -> (Network, Vec<String>) {
    let mut st = State::default();
    let all = evaluate(&mut st, stacks);
    read_vpcs(&mut st, &all, stacks);
    read_internet_gateways(&mut st, &all, stacks);
    read_subnets(&mut st, &all, stacks);
    read_nat_gateways(&mut st, &all, stacks);
    read_peerings(&mut st, &all, stacks);
    read_route_tables(&mut st, &all, stacks);
    read_nacls(&mut st, &all, stacks);
    read_security_groups(&mut st, &all, stacks);
    unmodelled(&mut st, &all);
    (st.net, st.warnings)
}

/// The resources of every stack whose condition holds, with their properties evaluated.
fn evaluate<'s>(st: &mut State, stacks: &'s [Stack<'_>]) -> Vec<Res<'s>> {
    let mut all: Vec<Res<'_>> = Vec::new();
    for (si, stack) in stacks.iter().enumerate() {
        let Some(resources) = stack.template.get("Resources").and_then(Value::as_object) else {
            st.warnings.push(format!("{}: no Resources", stack.name));
            continue;
        };
        for (logical, r) in resources {
            if let Some(c) = r.get("Condition").and_then(Value::as_str)
                && !stack.condition(c)
            {
                continue;
            }
            let kind = r.get("Type").and_then(Value::as_str).unwrap_or("");
            let props = r
                .get("Properties")
                .map(|p| stack.eval(p))
                .unwrap_or(Value::Null);
            all.push(Res {
                stack: si,
                logical,
                kind,
                id: stack.ids.get(logical).cloned().unwrap_or_default(),
                props,
            });
        }
    }
    all
}

/// VPCs (and the secondary CIDR blocks left out).
fn read_vpcs(st: &mut State, all: &[Res<'_>], stacks: &[Stack<'_>]) {
    for r in of(all, "AWS::EC2::VPC") {
        let stack = &stacks[r.stack];
        let Some(cidr) = s(&r.props, "CidrBlock").and_then(|c| c.parse::<Ipv4Net>().ok()) else {
            st.warnings.push(format!("{}: VPC without a literal IPv4 CidrBlock (IPAM pools are not resolved offline); skipped", label(stacks, r)));
            continue;
        };
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        st.vpc_by_id.insert(r.id.clone(), st.net.vpcs.len());
        st.net.vpcs.push(NVpc {
            id: r.id.clone(),
            name: tag(&tags, "Name").unwrap_or_else(|| r.logical.to_owned()),
            env: tag(&tags, "Environment").unwrap_or_default(),
            alias: stack.name.to_owned(),
            account: stack.account.to_owned(),
            region: stack.region.to_owned(),
            cidr,
            igw: None,
            subnets: Vec::new(),
            route_tables: Vec::new(),
            nacls: Vec::new(),
            sgs: vec![NSg {
                id: format!("sg-default-{}", r.id),
                name: "default".to_owned(),
                description: "default VPC security group".to_owned(),
                ingress: Vec::new(),
                egress: Vec::new(),
            }],
            nats: Vec::new(),
            hosts: Vec::new(),
            default_nacl: format!("acl-default-{}", r.id),
            main_route_table: format!("rtb-main-{}", r.id),
        });
    }
    for r in of(all, "AWS::EC2::VPCCidrBlock") {
        st.warnings.push(format!(
            "{}: secondary VPC CIDR blocks are not modelled; skipped",
            label(stacks, r)
        ));
    }
}

/// Internet gateways, through their attachments.
fn read_internet_gateways(st: &mut State, all: &[Res<'_>], stacks: &[Stack<'_>]) {
    // Internet gateways: attached through VPCGatewayAttachment.
    for r in of(all, "AWS::EC2::VPCGatewayAttachment") {
        match (
            st.vpc_of(&r.props, "VpcId"),
            s(&r.props, "InternetGatewayId"),
        ) {
            (Some(v), Some(igw)) => st.net.vpcs[v].igw = Some(igw),
            (_, None) if get(&r.props, "VpnGatewayId").is_some() => st.warnings.push(format!(
                "{}: VPN gateways are not modelled",
                label(stacks, r)
            )),
            _ => st.warnings.push(format!(
                "{}: attachment to an unknown VPC or gateway; skipped",
                label(stacks, r)
            )),
        }
    }
}

/// Subnets; their route table is set by the associations, later.
fn read_subnets(st: &mut State, all: &[Res<'_>], stacks: &[Stack<'_>]) {
    // Subnets.
    for r in of(all, "AWS::EC2::Subnet") {
        let (Some(v), Some(cidr)) = (
            st.vpc_of(&r.props, "VpcId"),
            s(&r.props, "CidrBlock").and_then(|c| c.parse::<Ipv4Net>().ok()),
        ) else {
            st.warnings.push(format!(
                "{}: subnet without a known VPC or an IPv4 CidrBlock; skipped",
                label(stacks, r)
            ));
            continue;
        };
        let stack = &stacks[r.stack];
        let zone = s(&r.props, "AvailabilityZone").unwrap_or_else(|| {
            st.warnings.push(format!(
                "{}: no AvailabilityZone; assumed {}a",
                label(stacks, r),
                stack.region
            ));
            format!("{}a", stack.region)
        });
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        let vpc = &mut st.net.vpcs[v];
        st.subnet_by_id.insert(r.id.clone(), (v, vpc.subnets.len()));
        vpc.subnets.push(NSubnet {
            id: r.id.clone(),
            name: tag(&tags, "Name").unwrap_or_else(|| r.logical.to_owned()),
            tier: tag(&tags, "Tier").unwrap_or_default(),
            zone,
            cidr,
            public: get(&r.props, "MapPublicIpOnLaunch").is_some_and(truthy),
            route_table: usize::MAX,
            nacl: None,
        });
    }
}

/// Elastic IPs and NAT gateways.
fn read_nat_gateways(st: &mut State, all: &[Res<'_>], stacks: &[Stack<'_>]) {
    // Elastic IPs and NAT gateways.
    for r in of(all, "AWS::EC2::EIP") {
        st.eip_by_alloc
            .insert(r.id.clone(), eip_address(&stacks[r.stack], r.logical));
    }
    for r in of(all, "AWS::EC2::NatGateway") {
        let Some(&(v, sn)) = s(&r.props, "SubnetId").and_then(|x| st.subnet_by_id.get(&x)) else {
            st.warnings.push(format!(
                "{}: NAT gateway in an unknown subnet; skipped",
                label(stacks, r)
            ));
            continue;
        };
        if s(&r.props, "ConnectivityType").as_deref() == Some("private") {
            st.warnings.push(format!(
                "{}: private NAT gateways are not modelled; skipped",
                label(stacks, r)
            ));
            continue;
        }
        let sub = st.net.vpcs[v].subnets[sn].cidr;
        let private_ip = match s(&r.props, "PrivateIpAddress").and_then(|x| x.parse().ok()) {
            Some(a) => a,
            None => {
                st.warnings.push(format!(
                    "{}: no PrivateIpAddress; assumed the subnet's first usable address",
                    label(stacks, r)
                ));
                Ipv4Addr::from(u32::from(sub.network()).wrapping_add(4))
            }
        };
        let alloc = s(&r.props, "AllocationId").unwrap_or_default();
        let eip = st.eip_by_alloc.get(&alloc).copied().unwrap_or_else(|| {
            st.warnings.push(format!(
                "{}: AllocationId `{alloc}` is not an Elastic IP of the templates; address made up",
                label(stacks, r)
            ));
            Ipv4Addr::new(3, 255, 0, 1)
        });
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        let vpc = &mut st.net.vpcs[v];
        st.nat_by_id.insert(r.id.clone(), (v, vpc.nats.len()));
        vpc.nats.push(NNat {
            name: tag(&tags, "Name").unwrap_or_else(|| r.logical.to_owned()),
            eni: format!("eni-{}", r.id.trim_start_matches("nat-")),
            eip_alloc: alloc,
            id: r.id.clone(),
            subnet: sn,
            private_ip,
            eip,
        });
    }
}

/// Peering connections: the requester's VpcId and the accepter's PeerVpcId.
fn read_peerings(st: &mut State, all: &[Res<'_>], stacks: &[Stack<'_>]) {
    // Peering connections: the requester's VpcId and the accepter's PeerVpcId.
    for r in of(all, "AWS::EC2::VPCPeeringConnection") {
        let (Some(a), Some(b)) = (
            st.vpc_of(&r.props, "VpcId"),
            st.vpc_of(&r.props, "PeerVpcId"),
        ) else {
            st.warnings.push(format!(
                "{}: peering with a VPC outside the templates read (PeerVpcId `{}`); skipped",
                label(stacks, r),
                s(&r.props, "PeerVpcId").unwrap_or_default()
            ));
            continue;
        };
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        st.pcx_by_id.insert(r.id.clone(), st.net.peerings.len());
        st.net.peerings.push(NPeering {
            id: r.id.clone(),
            name: tag(&tags, "Name").unwrap_or_else(|| r.logical.to_owned()),
            requester: a,
            accepter: b,
        });
    }
}

/// Route tables, routes and associations; unassociated subnets get the main table.
fn read_route_tables(st: &mut State, all: &[Res<'_>], stacks: &[Stack<'_>]) {
    // Route tables, routes, associations.
    for r in of(all, "AWS::EC2::RouteTable") {
        let Some(v) = st.vpc_of(&r.props, "VpcId") else {
            st.warnings.push(format!(
                "{}: route table of an unknown VPC; skipped",
                label(stacks, r)
            ));
            continue;
        };
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        let vpc = &mut st.net.vpcs[v];
        st.rt_by_id
            .insert(r.id.clone(), (v, vpc.route_tables.len()));
        vpc.route_tables.push(NRouteTable {
            id: r.id.clone(),
            name: tag(&tags, "Name").unwrap_or_else(|| r.logical.to_owned()),
            routes: Vec::new(),
        });
    }
    for r in of(all, "AWS::EC2::Route") {
        let Some(&(v, rt)) = s(&r.props, "RouteTableId").and_then(|x| st.rt_by_id.get(&x)) else {
            st.warnings.push(format!(
                "{}: route in an unknown route table; skipped",
                label(stacks, r)
            ));
            continue;
        };
        let Some(dest) =
            s(&r.props, "DestinationCidrBlock").and_then(|c| c.parse::<Ipv4Net>().ok())
        else {
            st.warnings.push(format!(
                "{}: only IPv4 destination CIDRs are read (IPv6 and prefix lists are not); skipped",
                label(stacks, r)
            ));
            continue;
        };
        let target = if let Some(g) = s(&r.props, "GatewayId") {
            if st.net.vpcs[v].igw.as_deref() == Some(g.as_str()) {
                Some(Target::Igw)
            } else {
                None
            }
        } else if let Some(n) = s(&r.props, "NatGatewayId") {
            st.nat_by_id
                .get(&n)
                .filter(|(nv, _)| *nv == v)
                .map(|(_, k)| Target::Nat(*k))
        } else if let Some(p) = s(&r.props, "VpcPeeringConnectionId") {
            st.pcx_by_id.get(&p).map(|k| Target::Peering(*k))
        } else {
            None
        };
        match target {
            Some(t) => st.net.vpcs[v].route_tables[rt].routes.push(NRoute { dest, target: t }),
            None => st.warnings.push(format!("{}: route target not modelled or not in the templates read (internet/NAT gateways and peering connections are); skipped", label(stacks, r))),
        }
    }
    for r in of(all, "AWS::EC2::SubnetRouteTableAssociation") {
        match (
            s(&r.props, "SubnetId").and_then(|x| st.subnet_by_id.get(&x)),
            s(&r.props, "RouteTableId").and_then(|x| st.rt_by_id.get(&x)),
        ) {
            (Some(&(v, sn)), Some(&(rv, rt))) if v == rv => {
                st.net.vpcs[v].subnets[sn].route_table = rt
            }
            _ => st.warnings.push(format!(
                "{}: association of an unknown subnet or route table; skipped",
                label(stacks, r)
            )),
        }
    }
    // Subnets without an association use the main table (local routes only).
    for vpc in &mut st.net.vpcs {
        if vpc.subnets.iter().any(|s| s.route_table == usize::MAX) {
            let k = vpc.route_tables.len();
            vpc.route_tables.push(NRouteTable {
                id: vpc.main_route_table.replace("rtb-main-", "rtb-implicit-"),
                name: format!("{} main", vpc.name),
                routes: Vec::new(),
            });
            for s in vpc
                .subnets
                .iter_mut()
                .filter(|s| s.route_table == usize::MAX)
            {
                s.route_table = k;
            }
        }
    }
}

/// Network ACLs, entries and associations.
fn read_nacls(st: &mut State, all: &[Res<'_>], stacks: &[Stack<'_>]) {
    // Network ACLs.
    for r in of(all, "AWS::EC2::NetworkAcl") {
        let Some(v) = st.vpc_of(&r.props, "VpcId") else {
            st.warnings.push(format!(
                "{}: NACL of an unknown VPC; skipped",
                label(stacks, r)
            ));
            continue;
        };
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        let vpc = &mut st.net.vpcs[v];
        st.acl_by_id.insert(r.id.clone(), (v, vpc.nacls.len()));
        vpc.nacls.push(NAcl {
            id: r.id.clone(),
            name: tag(&tags, "Name").unwrap_or_else(|| r.logical.to_owned()),
            entries: Vec::new(),
        });
    }
    for r in of(all, "AWS::EC2::NetworkAclEntry") {
        let Some(&(v, a)) = s(&r.props, "NetworkAclId").and_then(|x| st.acl_by_id.get(&x)) else {
            st.warnings.push(format!(
                "{}: entry of an unknown NACL; skipped",
                label(stacks, r)
            ));
            continue;
        };
        let Some(cidr) = s(&r.props, "CidrBlock").and_then(|c| c.parse::<Ipv4Net>().ok()) else {
            st.warnings.push(format!(
                "{}: only IPv4 NACL entries are read; skipped",
                label(stacks, r)
            ));
            continue;
        };
        let (Some(rule), Some(p)) = (int(&r.props, "RuleNumber"), proto(&r.props, "Protocol"))
        else {
            st.warnings.push(format!(
                "{}: entry without a rule number or protocol; skipped",
                label(stacks, r)
            ));
            continue;
        };
        let ports = get(&r.props, "PortRange").and_then(|pr| {
            let from = u16::try_from(int(pr, "From")?).ok()?;
            let to = u16::try_from(int(pr, "To")?).ok()?;
            Some((from, to))
        });
        let ports = if matches!(p, 6 | 17) {
            ports.or(Some((0, 65535)))
        } else {
            None
        };
        st.net.vpcs[v].nacls[a].entries.push(NAclEntry {
            rule: u16::try_from(rule).unwrap_or(u16::MAX),
            egress: get(&r.props, "Egress").is_some_and(truthy),
            proto: p,
            ports,
            cidr,
            allow: s(&r.props, "RuleAction").is_some_and(|x| x.eq_ignore_ascii_case("allow")),
        });
    }
    for vpc in &mut st.net.vpcs {
        for a in &mut vpc.nacls {
            a.entries.sort_by_key(|e| (e.egress, e.rule));
        }
    }
    for r in of(all, "AWS::EC2::SubnetNetworkAclAssociation") {
        match (
            s(&r.props, "SubnetId").and_then(|x| st.subnet_by_id.get(&x)),
            s(&r.props, "NetworkAclId").and_then(|x| st.acl_by_id.get(&x)),
        ) {
            (Some(&(v, sn)), Some(&(av, a))) if v == av => {
                st.net.vpcs[v].subnets[sn].nacl = Some(a)
            }
            _ => st.warnings.push(format!(
                "{}: association of an unknown subnet or NACL; skipped",
                label(stacks, r)
            )),
        }
    }
}

/// Security groups with inline rules, and standalone rules.
fn read_security_groups(st: &mut State, all: &[Res<'_>], stacks: &[Stack<'_>]) {
    // Security groups.
    for vi in 0..st.net.vpcs.len() {
        let id = st.net.vpcs[vi].sgs[0].id.clone();
        st.sg_by_id.insert(id, (vi, 0));
    }
    for r in of(all, "AWS::EC2::SecurityGroup") {
        let Some(v) = st.vpc_of(&r.props, "VpcId") else {
            st.warnings.push(format!(
                "{}: security group without a known VpcId; skipped",
                label(stacks, r)
            ));
            continue;
        };
        let vpc = &mut st.net.vpcs[v];
        st.sg_by_id.insert(r.id.clone(), (v, vpc.sgs.len()));
        vpc.sgs.push(NSg {
            id: r.id.clone(),
            name: s(&r.props, "GroupName").unwrap_or_else(|| r.logical.to_owned()),
            description: s(&r.props, "GroupDescription").unwrap_or_default(),
            ingress: Vec::new(),
            egress: Vec::new(),
        });
    }
    for r in of(all, "AWS::EC2::SecurityGroup") {
        let Some(&(v, k)) = st.sg_by_id.get(&r.id) else {
            continue;
        };
        let what = label(stacks, r);
        for (key, egress) in [
            ("SecurityGroupIngress", false),
            ("SecurityGroupEgress", true),
        ] {
            let list = get(&r.props, key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let rules: Vec<NSgRule> = list
                .iter()
                .filter_map(|p| sg_rule(p, v, egress, &st.sg_by_id, &what, &mut st.warnings))
                .collect();
            if egress {
                if get(&r.props, key).is_none() {
                    // CloudFormation leaves the default allow-all egress rule in place.
                    st.net.vpcs[v].sgs[k].egress.push(NSgRule {
                        proto: -1,
                        from: -1,
                        to: -1,
                        peer: SgPeer::Cidr(Ipv4Net::default()),
                        description: "default egress".to_owned(),
                    });
                }
                st.net.vpcs[v].sgs[k].egress.extend(rules);
            } else {
                st.net.vpcs[v].sgs[k].ingress.extend(rules);
            }
        }
    }
    for (kind, egress) in [
        ("AWS::EC2::SecurityGroupIngress", false),
        ("AWS::EC2::SecurityGroupEgress", true),
    ] {
        for r in of(all, kind) {
            let Some(&(v, k)) = s(&r.props, "GroupId").and_then(|g| st.sg_by_id.get(&g)) else {
                st.warnings.push(format!(
                    "{}: rule of a group outside the templates read; skipped",
                    label(stacks, r)
                ));
                continue;
            };
            if let Some(x) = sg_rule(
                &r.props,
                v,
                egress,
                &st.sg_by_id,
                &label(stacks, r),
                &mut st.warnings,
            ) {
                let sg = &mut st.net.vpcs[v].sgs[k];
                if egress {
                    sg.egress.push(x)
                } else {
                    sg.ingress.push(x)
                }
            }
        }
    }
    for vpc in &mut st.net.vpcs {
        for g in &mut vpc.sgs {
            g.ingress.sort();
            g.egress.sort();
        }
    }
}

/// A warning per kind of EC2 resource not modelled.
fn unmodelled(st: &mut State, all: &[Res<'_>]) {
    let modelled = [
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::EIP",
        "AWS::EC2::NatGateway",
        "AWS::EC2::VPCPeeringConnection",
        "AWS::EC2::RouteTable",
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::NetworkAclEntry",
        "AWS::EC2::SubnetNetworkAclAssociation",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::EC2::VPCCidrBlock",
    ];
    let mut other: BTreeMap<&str, usize> = BTreeMap::new();
    for r in all {
        if r.kind.starts_with("AWS::EC2::") && !modelled.contains(&r.kind) {
            *other.entry(r.kind).or_default() += 1;
        }
    }
    for (k, n) in other {
        st.warnings
            .push(format!("{n} {k} resource(s) not modelled; skipped"));
    }
}

/// One security group rule (inline or standalone) of VPC `v`.
fn sg_rule(
    p: &Value,
    v: usize,
    egress: bool,
    sg_by_id: &BTreeMap<String, (usize, usize)>,
    what: &str,
    warnings: &mut Vec<String>,
) -> Option<NSgRule> {
    let pr = proto(p, "IpProtocol")?;
    let (from, to) = if pr == -1 {
        (-1, -1)
    } else {
        (
            int(p, "FromPort").unwrap_or(-1) as i32,
            int(p, "ToPort").unwrap_or(-1) as i32,
        )
    };
    let peer_key = if egress {
        "DestinationSecurityGroupId"
    } else {
        "SourceSecurityGroupId"
    };
    let peer = if let Some(c) = s(p, "CidrIp") {
        SgPeer::Cidr(c.parse().ok()?)
    } else if let Some(g) = s(p, peer_key) {
        match sg_by_id.get(&g) {
            Some(&(gv, k)) if gv == v => SgPeer::Group(k),
            _ => {
                warnings.push(format!("{what}: group `{g}` is not a group of the same VPC in the templates read; rule skipped"));
                return None;
            }
        }
    } else {
        warnings.push(format!("{what}: only CidrIp and group rules are read (IPv6, prefix lists are not); rule skipped"));
        return None;
    };
    Some(NSgRule {
        proto: pr,
        from,
        to,
        peer,
        description: s(p, "Description").unwrap_or_default(),
    })
}
