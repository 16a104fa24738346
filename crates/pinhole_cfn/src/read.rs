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

pub(crate) fn network(stacks: &[Stack<'_>]) -> (Network, Vec<String>) {
    let mut warnings: Vec<String> = Vec::new();
    let mut all: Vec<Res<'_>> = Vec::new();
    for (si, st) in stacks.iter().enumerate() {
        let Some(resources) = st.template.get("Resources").and_then(Value::as_object) else {
            warnings.push(format!("{}: no Resources", st.name));
            continue;
        };
        for (logical, r) in resources {
            if let Some(c) = r.get("Condition").and_then(Value::as_str)
                && !st.condition(c)
            {
                continue;
            }
            let kind = r.get("Type").and_then(Value::as_str).unwrap_or("");
            let props = r
                .get("Properties")
                .map(|p| st.eval(p))
                .unwrap_or(Value::Null);
            all.push(Res {
                stack: si,
                logical,
                kind,
                id: st.ids.get(logical).cloned().unwrap_or_default(),
                props,
            });
        }
    }
    let label = |r: &Res<'_>| format!("{}/{}", stacks[r.stack].name, r.logical);
    let of = |k: &'static str| all.iter().filter(move |r| r.kind == k);

    let mut net = Network {
        vpcs: Vec::new(),
        peerings: Vec::new(),
    };
    let mut vpc_by_id: BTreeMap<String, usize> = BTreeMap::new();
    for r in of("AWS::EC2::VPC") {
        let st = &stacks[r.stack];
        let Some(cidr) = s(&r.props, "CidrBlock").and_then(|c| c.parse::<Ipv4Net>().ok()) else {
            warnings.push(format!("{}: VPC without a literal IPv4 CidrBlock (IPAM pools are not resolved offline); skipped", label(r)));
            continue;
        };
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        vpc_by_id.insert(r.id.clone(), net.vpcs.len());
        net.vpcs.push(NVpc {
            id: r.id.clone(),
            name: tag(&tags, "Name").unwrap_or_else(|| r.logical.to_owned()),
            env: tag(&tags, "Environment").unwrap_or_default(),
            alias: st.name.to_owned(),
            account: st.account.to_owned(),
            region: st.region.to_owned(),
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
    for r in of("AWS::EC2::VPCCidrBlock") {
        warnings.push(format!(
            "{}: secondary VPC CIDR blocks are not modelled; skipped",
            label(r)
        ));
    }
    let vpc_of = |p: &Value, k: &str| s(p, k).and_then(|id| vpc_by_id.get(&id).copied());

    // Internet gateways: attached through VPCGatewayAttachment.
    for r in of("AWS::EC2::VPCGatewayAttachment") {
        match (vpc_of(&r.props, "VpcId"), s(&r.props, "InternetGatewayId")) {
            (Some(v), Some(igw)) => net.vpcs[v].igw = Some(igw),
            (_, None) if get(&r.props, "VpnGatewayId").is_some() => {
                warnings.push(format!("{}: VPN gateways are not modelled", label(r)))
            }
            _ => warnings.push(format!(
                "{}: attachment to an unknown VPC or gateway; skipped",
                label(r)
            )),
        }
    }
    // Subnets.
    let mut subnet_by_id: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in of("AWS::EC2::Subnet") {
        let (Some(v), Some(cidr)) = (
            vpc_of(&r.props, "VpcId"),
            s(&r.props, "CidrBlock").and_then(|c| c.parse::<Ipv4Net>().ok()),
        ) else {
            warnings.push(format!(
                "{}: subnet without a known VPC or an IPv4 CidrBlock; skipped",
                label(r)
            ));
            continue;
        };
        let st = &stacks[r.stack];
        let zone = s(&r.props, "AvailabilityZone").unwrap_or_else(|| {
            warnings.push(format!(
                "{}: no AvailabilityZone; assumed {}a",
                label(r),
                st.region
            ));
            format!("{}a", st.region)
        });
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        let vpc = &mut net.vpcs[v];
        subnet_by_id.insert(r.id.clone(), (v, vpc.subnets.len()));
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
    // Elastic IPs and NAT gateways.
    let mut eip_by_alloc: BTreeMap<String, Ipv4Addr> = BTreeMap::new();
    for r in of("AWS::EC2::EIP") {
        eip_by_alloc.insert(r.id.clone(), eip_address(&stacks[r.stack], r.logical));
    }
    let mut nat_by_id: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in of("AWS::EC2::NatGateway") {
        let Some(&(v, sn)) = s(&r.props, "SubnetId").and_then(|x| subnet_by_id.get(&x)) else {
            warnings.push(format!(
                "{}: NAT gateway in an unknown subnet; skipped",
                label(r)
            ));
            continue;
        };
        if s(&r.props, "ConnectivityType").as_deref() == Some("private") {
            warnings.push(format!(
                "{}: private NAT gateways are not modelled; skipped",
                label(r)
            ));
            continue;
        }
        let sub = net.vpcs[v].subnets[sn].cidr;
        let private_ip = match s(&r.props, "PrivateIpAddress").and_then(|x| x.parse().ok()) {
            Some(a) => a,
            None => {
                warnings.push(format!(
                    "{}: no PrivateIpAddress; assumed the subnet's first usable address",
                    label(r)
                ));
                Ipv4Addr::from(u32::from(sub.network()).wrapping_add(4))
            }
        };
        let alloc = s(&r.props, "AllocationId").unwrap_or_default();
        let eip = eip_by_alloc.get(&alloc).copied().unwrap_or_else(|| {
            warnings.push(format!(
                "{}: AllocationId `{alloc}` is not an Elastic IP of the templates; address made up",
                label(r)
            ));
            Ipv4Addr::new(3, 255, 0, 1)
        });
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        let vpc = &mut net.vpcs[v];
        nat_by_id.insert(r.id.clone(), (v, vpc.nats.len()));
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
    // Peering connections: the requester's VpcId and the accepter's PeerVpcId.
    let mut pcx_by_id: BTreeMap<String, usize> = BTreeMap::new();
    for r in of("AWS::EC2::VPCPeeringConnection") {
        let (Some(a), Some(b)) = (vpc_of(&r.props, "VpcId"), vpc_of(&r.props, "PeerVpcId")) else {
            warnings.push(format!(
                "{}: peering with a VPC outside the templates read (PeerVpcId `{}`); skipped",
                label(r),
                s(&r.props, "PeerVpcId").unwrap_or_default()
            ));
            continue;
        };
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        pcx_by_id.insert(r.id.clone(), net.peerings.len());
        net.peerings.push(NPeering {
            id: r.id.clone(),
            name: tag(&tags, "Name").unwrap_or_else(|| r.logical.to_owned()),
            requester: a,
            accepter: b,
        });
    }
    // Route tables, routes, associations.
    let mut rt_by_id: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in of("AWS::EC2::RouteTable") {
        let Some(v) = vpc_of(&r.props, "VpcId") else {
            warnings.push(format!(
                "{}: route table of an unknown VPC; skipped",
                label(r)
            ));
            continue;
        };
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        let vpc = &mut net.vpcs[v];
        rt_by_id.insert(r.id.clone(), (v, vpc.route_tables.len()));
        vpc.route_tables.push(NRouteTable {
            id: r.id.clone(),
            name: tag(&tags, "Name").unwrap_or_else(|| r.logical.to_owned()),
            routes: Vec::new(),
        });
    }
    for r in of("AWS::EC2::Route") {
        let Some(&(v, rt)) = s(&r.props, "RouteTableId").and_then(|x| rt_by_id.get(&x)) else {
            warnings.push(format!(
                "{}: route in an unknown route table; skipped",
                label(r)
            ));
            continue;
        };
        let Some(dest) =
            s(&r.props, "DestinationCidrBlock").and_then(|c| c.parse::<Ipv4Net>().ok())
        else {
            warnings.push(format!(
                "{}: only IPv4 destination CIDRs are read (IPv6 and prefix lists are not); skipped",
                label(r)
            ));
            continue;
        };
        let target = if let Some(g) = s(&r.props, "GatewayId") {
            if net.vpcs[v].igw.as_deref() == Some(g.as_str()) {
                Some(Target::Igw)
            } else {
                None
            }
        } else if let Some(n) = s(&r.props, "NatGatewayId") {
            nat_by_id
                .get(&n)
                .filter(|(nv, _)| *nv == v)
                .map(|(_, k)| Target::Nat(*k))
        } else if let Some(p) = s(&r.props, "VpcPeeringConnectionId") {
            pcx_by_id.get(&p).map(|k| Target::Peering(*k))
        } else {
            None
        };
        match target {
            Some(t) => net.vpcs[v].route_tables[rt].routes.push(NRoute { dest, target: t }),
            None => warnings.push(format!("{}: route target not modelled or not in the templates read (internet/NAT gateways and peering connections are); skipped", label(r))),
        }
    }
    for r in of("AWS::EC2::SubnetRouteTableAssociation") {
        match (
            s(&r.props, "SubnetId").and_then(|x| subnet_by_id.get(&x)),
            s(&r.props, "RouteTableId").and_then(|x| rt_by_id.get(&x)),
        ) {
            (Some(&(v, sn)), Some(&(rv, rt))) if v == rv => {
                net.vpcs[v].subnets[sn].route_table = rt
            }
            _ => warnings.push(format!(
                "{}: association of an unknown subnet or route table; skipped",
                label(r)
            )),
        }
    }
    // Subnets without an association use the main table (local routes only).
    for vpc in &mut net.vpcs {
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
    // Network ACLs.
    let mut acl_by_id: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in of("AWS::EC2::NetworkAcl") {
        let Some(v) = vpc_of(&r.props, "VpcId") else {
            warnings.push(format!("{}: NACL of an unknown VPC; skipped", label(r)));
            continue;
        };
        let tags = get(&r.props, "Tags").cloned().unwrap_or(Value::Null);
        let vpc = &mut net.vpcs[v];
        acl_by_id.insert(r.id.clone(), (v, vpc.nacls.len()));
        vpc.nacls.push(NAcl {
            id: r.id.clone(),
            name: tag(&tags, "Name").unwrap_or_else(|| r.logical.to_owned()),
            entries: Vec::new(),
        });
    }
    for r in of("AWS::EC2::NetworkAclEntry") {
        let Some(&(v, a)) = s(&r.props, "NetworkAclId").and_then(|x| acl_by_id.get(&x)) else {
            warnings.push(format!("{}: entry of an unknown NACL; skipped", label(r)));
            continue;
        };
        let Some(cidr) = s(&r.props, "CidrBlock").and_then(|c| c.parse::<Ipv4Net>().ok()) else {
            warnings.push(format!(
                "{}: only IPv4 NACL entries are read; skipped",
                label(r)
            ));
            continue;
        };
        let (Some(rule), Some(p)) = (int(&r.props, "RuleNumber"), proto(&r.props, "Protocol"))
        else {
            warnings.push(format!(
                "{}: entry without a rule number or protocol; skipped",
                label(r)
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
        net.vpcs[v].nacls[a].entries.push(NAclEntry {
            rule: u16::try_from(rule).unwrap_or(u16::MAX),
            egress: get(&r.props, "Egress").is_some_and(truthy),
            proto: p,
            ports,
            cidr,
            allow: s(&r.props, "RuleAction").is_some_and(|x| x.eq_ignore_ascii_case("allow")),
        });
    }
    for vpc in &mut net.vpcs {
        for a in &mut vpc.nacls {
            a.entries.sort_by_key(|e| (e.egress, e.rule));
        }
    }
    for r in of("AWS::EC2::SubnetNetworkAclAssociation") {
        match (
            s(&r.props, "SubnetId").and_then(|x| subnet_by_id.get(&x)),
            s(&r.props, "NetworkAclId").and_then(|x| acl_by_id.get(&x)),
        ) {
            (Some(&(v, sn)), Some(&(av, a))) if v == av => net.vpcs[v].subnets[sn].nacl = Some(a),
            _ => warnings.push(format!(
                "{}: association of an unknown subnet or NACL; skipped",
                label(r)
            )),
        }
    }
    // Security groups.
    let mut sg_by_id: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for vi in 0..net.vpcs.len() {
        let id = net.vpcs[vi].sgs[0].id.clone();
        sg_by_id.insert(id, (vi, 0));
    }
    for r in of("AWS::EC2::SecurityGroup") {
        let Some(v) = vpc_of(&r.props, "VpcId") else {
            warnings.push(format!(
                "{}: security group without a known VpcId; skipped",
                label(r)
            ));
            continue;
        };
        let vpc = &mut net.vpcs[v];
        sg_by_id.insert(r.id.clone(), (v, vpc.sgs.len()));
        vpc.sgs.push(NSg {
            id: r.id.clone(),
            name: s(&r.props, "GroupName").unwrap_or_else(|| r.logical.to_owned()),
            description: s(&r.props, "GroupDescription").unwrap_or_default(),
            ingress: Vec::new(),
            egress: Vec::new(),
        });
    }
    let rule = |p: &Value,
                v: usize,
                egress: bool,
                sg_by_id: &BTreeMap<String, (usize, usize)>,
                what: &str,
                warnings: &mut Vec<String>|
     -> Option<NSgRule> {
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
    };
    for r in of("AWS::EC2::SecurityGroup") {
        let Some(&(v, k)) = sg_by_id.get(&r.id) else {
            continue;
        };
        let what = label(r);
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
                .filter_map(|p| rule(p, v, egress, &sg_by_id, &what, &mut warnings))
                .collect();
            if egress {
                if get(&r.props, key).is_none() {
                    // CloudFormation leaves the default allow-all egress rule in place.
                    net.vpcs[v].sgs[k].egress.push(NSgRule {
                        proto: -1,
                        from: -1,
                        to: -1,
                        peer: SgPeer::Cidr(Ipv4Net::default()),
                        description: "default egress".to_owned(),
                    });
                }
                net.vpcs[v].sgs[k].egress.extend(rules);
            } else {
                net.vpcs[v].sgs[k].ingress.extend(rules);
            }
        }
    }
    for (kind, egress) in [
        ("AWS::EC2::SecurityGroupIngress", false),
        ("AWS::EC2::SecurityGroupEgress", true),
    ] {
        for r in of(kind) {
            let Some(&(v, k)) = s(&r.props, "GroupId").and_then(|g| sg_by_id.get(&g)) else {
                warnings.push(format!(
                    "{}: rule of a group outside the templates read; skipped",
                    label(r)
                ));
                continue;
            };
            if let Some(x) = rule(&r.props, v, egress, &sg_by_id, &label(r), &mut warnings) {
                let sg = &mut net.vpcs[v].sgs[k];
                if egress {
                    sg.egress.push(x)
                } else {
                    sg.ingress.push(x)
                }
            }
        }
    }
    for vpc in &mut net.vpcs {
        for g in &mut vpc.sgs {
            g.ingress.sort();
            g.egress.sort();
        }
    }
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
    for r in &all {
        if r.kind.starts_with("AWS::EC2::") && !modelled.contains(&r.kind) {
            *other.entry(r.kind).or_default() += 1;
        }
    }
    for (k, n) in other {
        warnings.push(format!("{n} {k} resource(s) not modelled; skipped"));
    }
    (net, warnings)
}
