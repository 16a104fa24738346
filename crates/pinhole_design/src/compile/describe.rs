//! The network as `aws ec2 describe-*` (and `aws rds describe-db-instances`) output, one set of
//! files per account and region, shaped like the bundled seed snapshot.

use super::{NAcl, NSgRule, NVpc, Network, SgPeer, Target};
use crate::spec::HostKind;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn tags(name: &str, extra: &[(&str, &str)]) -> Value {
    let mut v: Vec<Value> = extra
        .iter()
        .map(|(k, x)| json!({"Key": k, "Value": x}))
        .collect();
    v.push(json!({"Key": "Name", "Value": name}));
    Value::Array(v)
}

fn proto_str(p: i16) -> String {
    p.to_string()
}

fn sg_perm(r: &NSgRule, v: &NVpc) -> Value {
    let proto = match r.proto {
        -1 => "-1".to_owned(),
        6 => "tcp".to_owned(),
        17 => "udp".to_owned(),
        1 => "icmp".to_owned(),
        p => p.to_string(),
    };
    let mut m = serde_json::Map::new();
    if r.proto != -1 {
        m.insert("FromPort".into(), json!(r.from));
        m.insert("ToPort".into(), json!(r.to));
    }
    m.insert("IpProtocol".into(), json!(proto));
    let (ranges, pairs) = match &r.peer {
        SgPeer::Cidr(c) => (
            vec![json!({"CidrIp": c.to_string(), "Description": r.description})],
            vec![],
        ),
        SgPeer::Group(g) => (
            vec![],
            vec![
                json!({"GroupId": v.sgs.get(*g).map(|s| s.id.clone()).unwrap_or_default(), "UserId": v.account, "Description": r.description}),
            ],
        ),
    };
    m.insert("IpRanges".into(), Value::Array(ranges));
    m.insert("Ipv6Ranges".into(), json!([]));
    m.insert("PrefixListIds".into(), json!([]));
    m.insert("UserIdGroupPairs".into(), Value::Array(pairs));
    Value::Object(m)
}

fn acl_json(
    a: &NAcl,
    v: &NVpc,
    ai: Option<usize>,
    is_default: bool,
    id: &str,
    name: &str,
) -> Value {
    let mut entries: Vec<Value> = a
        .entries
        .iter()
        .map(|e| {
            let mut m = serde_json::Map::new();
            m.insert("CidrBlock".into(), json!(e.cidr.to_string()));
            m.insert("Egress".into(), json!(e.egress));
            if let Some((lo, hi)) = e.ports {
                m.insert("PortRange".into(), json!({"From": lo, "To": hi}));
            }
            if e.proto == 1 {
                m.insert("IcmpTypeCode".into(), json!({"Type": -1, "Code": -1}));
            }
            m.insert("Protocol".into(), json!(proto_str(e.proto)));
            m.insert(
                "RuleAction".into(),
                json!(if e.allow { "allow" } else { "deny" }),
            );
            m.insert("RuleNumber".into(), json!(e.rule));
            Value::Object(m)
        })
        .collect();
    for egress in [true, false] {
        entries.push(json!({"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767}));
    }
    let assocs: Vec<Value> = v
        .subnets
        .iter()
        .filter(|s| s.nacl == ai)
        .map(|s| json!({"NetworkAclAssociationId": crate::ids::id("aclassoc", &s.id), "NetworkAclId": id, "SubnetId": s.id}))
        .collect();
    json!({
        "Associations": assocs,
        "Entries": entries,
        "IsDefault": is_default,
        "NetworkAclId": id,
        "OwnerId": v.account,
        "Tags": tags(name, &[]),
        "VpcId": v.id,
    })
}

#[expect(
    clippy::too_many_arguments,
    reason = "one flat call per interface kind reads better than a builder used three times"
)]
fn eni_json(
    v: &NVpc,
    id: &str,
    subnet: usize,
    addr: &str,
    public: Option<String>,
    groups: Value,
    kind: &str,
    description: &str,
    name: &str,
    attach: Value,
    requester: Option<&str>,
) -> Value {
    let s = &v.subnets[subnet];
    let assoc = public.map(|p| json!({"IpOwnerId": "amazon", "PublicIp": p}));
    let mut pia = json!({"Primary": true, "PrivateIpAddress": addr});
    let mut m = json!({
        "Attachment": attach,
        "AvailabilityZone": s.zone,
        "Description": description,
        "Groups": groups,
        "InterfaceType": kind,
        "Ipv6Addresses": [],
        "NetworkInterfaceId": id,
        "OwnerId": v.account,
        "PrivateIpAddress": addr,
        "RequesterManaged": requester.is_some(),
        "SourceDestCheck": kind != "nat_gateway",
        "Status": "in-use",
        "SubnetId": s.id,
        "TagSet": tags(name, &[]),
        "VpcId": v.id,
    });
    if let (Some(a), Value::Object(o), Value::Object(p)) = (assoc, &mut m, &mut pia) {
        p.insert("Association".into(), a.clone());
        o.insert("Association".into(), a);
    }
    if let (Some(r), Value::Object(o)) = (requester, &mut m) {
        o.insert("RequesterId".into(), json!(r));
    }
    if let Value::Object(o) = &mut m {
        o.insert("PrivateIpAddresses".into(), json!([pia]));
    }
    m
}

/// `accounts/<id>/<region>/<Key>.json` → contents.
pub(super) fn files(net: &Network) -> BTreeMap<String, Value> {
    let mut out: BTreeMap<String, BTreeMap<&'static str, Vec<Value>>> = BTreeMap::new();
    for v in &net.vpcs {
        let dir = format!("accounts/{}/{}", v.account, v.region);
        let f = out.entry(dir).or_default();
        let env_tag = [("Environment", v.env.as_str())];
        f.entry("Vpcs").or_default().push(json!({
            "CidrBlock": v.cidr.to_string(),
            "CidrBlockAssociationSet": [{"AssociationId": crate::ids::id("vpc-cidr-assoc", &v.id), "CidrBlock": v.cidr.to_string(), "CidrBlockState": {"State": "associated"}}],
            "InstanceTenancy": "default",
            "IsDefault": false,
            "OwnerId": v.account,
            "State": "available",
            "Tags": tags(&format!("{}-vpc", v.name), &env_tag),
            "VpcId": v.id,
        }));
        for s in &v.subnets {
            let size: u64 = 1u64 << (32 - s.cidr.prefix_len());
            f.entry("Subnets").or_default().push(json!({
                "AvailabilityZone": s.zone,
                "AvailableIpAddressCount": size.saturating_sub(5),
                "CidrBlock": s.cidr.to_string(),
                "DefaultForAz": false,
                "MapPublicIpOnLaunch": s.public,
                "OwnerId": v.account,
                "State": "available",
                "SubnetId": s.id,
                "Tags": tags(&s.name, &[("Tier", s.tier.as_str())]),
                "VpcId": v.id,
            }));
        }
        // Route tables: the main table (local only) first.
        f.entry("RouteTables").or_default().push(json!({
            "Associations": [{"AssociationState": {"State": "associated"}, "Main": true, "RouteTableAssociationId": crate::ids::id("rtbassoc", &v.main_route_table), "RouteTableId": v.main_route_table}],
            "OwnerId": v.account, "PropagatingVgws": [], "RouteTableId": v.main_route_table,
            "Routes": [{"DestinationCidrBlock": v.cidr.to_string(), "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}],
            "Tags": tags(&format!("{}-main-rt", v.name), &[]), "VpcId": v.id,
        }));
        for (ri, rt) in v.route_tables.iter().enumerate() {
            let mut routes = vec![
                json!({"DestinationCidrBlock": v.cidr.to_string(), "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}),
            ];
            for r in &rt.routes {
                let mut m = json!({"DestinationCidrBlock": r.dest.to_string(), "Origin": "CreateRoute", "State": "active"});
                if let Value::Object(o) = &mut m {
                    match r.target {
                        Target::Igw => {
                            o.insert("GatewayId".into(), json!(v.igw.clone().unwrap_or_default()));
                        }
                        Target::Nat(n) => {
                            o.insert(
                                "NatGatewayId".into(),
                                json!(v.nats.get(n).map(|x| x.id.clone()).unwrap_or_default()),
                            );
                        }
                        Target::Peering(p) => {
                            o.insert(
                                "VpcPeeringConnectionId".into(),
                                json!(
                                    net.peerings
                                        .get(p)
                                        .map(|x| x.id.clone())
                                        .unwrap_or_default()
                                ),
                            );
                        }
                    }
                }
                routes.push(m);
            }
            let assocs: Vec<Value> = v
                .subnets
                .iter()
                .filter(|s| s.route_table == ri)
                .map(|s| json!({"AssociationState": {"State": "associated"}, "Main": false, "RouteTableAssociationId": crate::ids::id("rtbassoc", &s.id), "RouteTableId": rt.id, "SubnetId": s.id}))
                .collect();
            f.entry("RouteTables").or_default().push(json!({
                "Associations": assocs, "OwnerId": v.account, "PropagatingVgws": [], "RouteTableId": rt.id,
                "Routes": routes, "Tags": tags(&rt.name, &[]), "VpcId": v.id,
            }));
        }
        // NACLs: the default (allow all) for subnets of tiers that are not isolated.
        let allow_all = NAcl {
            id: v.default_nacl.clone(),
            name: format!("{}-default-nacl", v.name),
            entries: [false, true]
                .iter()
                .map(|&egress| super::NAclEntry {
                    rule: 100,
                    egress,
                    proto: -1,
                    ports: None,
                    cidr: ipnet::Ipv4Net::default(),
                    allow: true,
                })
                .collect(),
        };
        f.entry("NetworkAcls").or_default().push(acl_json(
            &allow_all,
            v,
            None,
            true,
            &allow_all.id,
            &allow_all.name,
        ));
        for (ai, a) in v.nacls.iter().enumerate() {
            f.entry("NetworkAcls").or_default().push(acl_json(
                a,
                v,
                Some(ai),
                false,
                &a.id,
                &a.name,
            ));
        }
        for sg in &v.sgs {
            f.entry("SecurityGroups").or_default().push(json!({
                "Description": sg.description,
                "GroupId": sg.id,
                "GroupName": sg.name,
                "IpPermissions": sg.ingress.iter().map(|r| sg_perm(r, v)).collect::<Vec<_>>(),
                "IpPermissionsEgress": sg.egress.iter().map(|r| sg_perm(r, v)).collect::<Vec<_>>(),
                "OwnerId": v.account,
                "Tags": tags(&sg.name, &[]),
                "VpcId": v.id,
            }));
        }
        if let Some(igw) = &v.igw {
            f.entry("InternetGateways").or_default().push(json!({
                "Attachments": [{"State": "available", "VpcId": v.id}],
                "InternetGatewayId": igw, "OwnerId": v.account, "Tags": tags(&format!("{}-igw", v.name), &[]),
            }));
        }
        for n in &v.nats {
            let addr = n.private_ip.to_string();
            let eip = n.eip.to_string();
            let assoc = crate::ids::id("eipassoc", &n.id);
            f.entry("NatGateways").or_default().push(json!({
                "ConnectivityType": "public",
                "NatGatewayAddresses": [{"AllocationId": n.eip_alloc, "AssociationId": assoc, "IsPrimary": true, "NetworkInterfaceId": n.eni, "PrivateIp": addr, "PublicIp": eip, "Status": "succeeded"}],
                "NatGatewayId": n.id, "State": "available", "SubnetId": v.subnets[n.subnet].id,
                "Tags": tags(&n.name, &[]), "VpcId": v.id,
            }));
            f.entry("Addresses").or_default().push(json!({
                "AllocationId": n.eip_alloc, "AssociationId": assoc, "Domain": "vpc",
                "NetworkInterfaceId": n.eni, "NetworkInterfaceOwnerId": v.account,
                "PrivateIpAddress": addr, "PublicIp": eip, "Tags": tags(&format!("{}-eip", n.name), &[]),
            }));
            let attach = json!({"AttachmentId": crate::ids::id("ela-attach", &n.eni), "DeleteOnTermination": false, "DeviceIndex": 1, "InstanceOwnerId": "amazon-aws", "Status": "attached"});
            f.entry("NetworkInterfaces").or_default().push(eni_json(
                v,
                &n.eni,
                n.subnet,
                &addr,
                Some(eip),
                json!([]),
                "nat_gateway",
                &format!("Interface for NAT Gateway {}", n.id),
                &n.name,
                attach,
                Some("amazon-aws"),
            ));
        }
        for h in &v.hosts {
            let sg = &v.sgs[h.sg];
            let groups = json!([{"GroupId": sg.id, "GroupName": sg.name}]);
            match h.kind {
                HostKind::Rds => {
                    let mut sub_group = Vec::new();
                    for (k, e) in h.enis.iter().enumerate() {
                        let s = &v.subnets[e.subnet];
                        sub_group.push(json!({"SubnetAvailabilityZone": {"Name": s.zone}, "SubnetIdentifier": s.id, "SubnetStatus": "Active"}));
                        let attach = json!({"AttachmentId": crate::ids::id("ela-attach", &e.id), "DeleteOnTermination": false, "DeviceIndex": 1, "InstanceOwnerId": "amazon-rds", "Status": "attached"});
                        let label = if k == 0 {
                            format!("{}-primary", h.name)
                        } else {
                            format!("{}-standby", h.name)
                        };
                        f.entry("NetworkInterfaces").or_default().push(eni_json(
                            v,
                            &e.id,
                            e.subnet,
                            &e.addr.to_string(),
                            None,
                            groups.clone(),
                            "interface",
                            "RDSNetworkInterface",
                            &label,
                            attach,
                            Some("amazon-rds"),
                        ));
                    }
                    let primary = h
                        .enis
                        .first()
                        .map(|e| v.subnets[e.subnet].zone.clone())
                        .unwrap_or_default();
                    let mut db = json!({
                        "AvailabilityZone": primary,
                        "DBInstanceArn": format!("arn:aws:rds:{}:{}:db:{}", v.region, v.account, h.name),
                        "DBInstanceIdentifier": h.name,
                        "DBInstanceStatus": "available",
                        "DBSubnetGroup": {"DBSubnetGroupName": format!("{}-subnets", h.name), "Subnets": sub_group, "SubnetGroupStatus": "Complete", "VpcId": v.id},
                        "Engine": "mysql",
                        "MultiAZ": h.enis.len() > 1,
                        "PubliclyAccessible": false,
                        "TagList": tags(&h.name, &[]),
                        "VpcSecurityGroups": [{"Status": "active", "VpcSecurityGroupId": sg.id}],
                    });
                    if let (Some(e), Value::Object(o)) = (h.enis.get(1), &mut db) {
                        o.insert(
                            "SecondaryAvailabilityZone".into(),
                            json!(v.subnets[e.subnet].zone),
                        );
                    }
                    f.entry("DBInstances").or_default().push(db);
                }
                HostKind::Linux | HostKind::Windows => {
                    let mut enis = Vec::new();
                    for e in &h.enis {
                        let attach = json!({"AttachmentId": crate::ids::id("eni-attach", &e.id), "DeleteOnTermination": true, "DeviceIndex": 0, "InstanceId": h.id, "InstanceOwnerId": v.account, "Status": "attached"});
                        let eni = eni_json(
                            v,
                            &e.id,
                            e.subnet,
                            &e.addr.to_string(),
                            h.public_ip.map(|p| p.to_string()),
                            groups.clone(),
                            "interface",
                            "",
                            &h.name,
                            attach,
                            None,
                        );
                        f.entry("NetworkInterfaces").or_default().push(eni.clone());
                        enis.push(eni);
                    }
                    let first = h.enis.first();
                    let mut inst = json!({
                        "InstanceId": h.id,
                        "NetworkInterfaces": enis,
                        "Placement": {"AvailabilityZone": first.map(|e| v.subnets[e.subnet].zone.clone()).unwrap_or_default()},
                        "PrivateIpAddress": first.map(|e| e.addr.to_string()).unwrap_or_default(),
                        "SecurityGroups": [{"GroupId": sg.id, "GroupName": sg.name}],
                        "State": {"Code": 16, "Name": "running"},
                        "SubnetId": first.map(|e| v.subnets[e.subnet].id.clone()).unwrap_or_default(),
                        "Tags": tags(&h.name, &[]),
                        "VpcId": v.id,
                    });
                    if let Value::Object(o) = &mut inst {
                        if let Some(p) = h.public_ip {
                            o.insert("PublicIpAddress".into(), json!(p.to_string()));
                        }
                        if h.kind == HostKind::Windows {
                            o.insert("Platform".into(), json!("windows"));
                        }
                    }
                    f.entry("Reservations").or_default().push(json!({"Groups": [], "Instances": [inst], "OwnerId": v.account, "ReservationId": crate::ids::id("r", &h.id)}));
                }
            }
        }
    }
    // Peering connections, in both accounts' files.
    for p in &net.peerings {
        let (Some(r), Some(a)) = (net.vpcs.get(p.requester), net.vpcs.get(p.accepter)) else {
            continue;
        };
        let info = |v: &NVpc| json!({"CidrBlock": v.cidr.to_string(), "CidrBlockSet": [{"CidrBlock": v.cidr.to_string()}], "OwnerId": v.account, "Region": v.region, "VpcId": v.id});
        let pcx = json!({
            "AccepterVpcInfo": info(a), "RequesterVpcInfo": info(r),
            "Status": {"Code": "active", "Message": "Active"},
            "Tags": tags(&p.name, &[]), "VpcPeeringConnectionId": p.id,
        });
        for v in [r, a] {
            out.entry(format!("accounts/{}/{}", v.account, v.region))
                .or_default()
                .entry("VpcPeeringConnections")
                .or_default()
                .push(pcx.clone());
        }
    }
    let mut files = BTreeMap::new();
    for (dir, kinds) in out {
        for (k, items) in kinds {
            let mut top = serde_json::Map::new();
            top.insert(k.to_owned(), Value::Array(items));
            files.insert(format!("{dir}/{k}.json"), Value::Object(top));
        }
    }
    files
}
