//! Unit tests: one small inline snapshot per resource kind and per error class.

use crate::{IngestError, SnapshotBuilder};
use pinhole_model::*;
use serde_json::{Value, json};

type R<T> = Result<T, IngestError>;

/// Builds a snapshot from `(label, json)` pairs, all in account 111111111111, us-east-1.
fn build(files: &[(&str, Value)]) -> R<Snapshot> {
    let mut b = SnapshotBuilder::new();
    for (label, v) in files {
        b.add_json(
            label,
            Some("111111111111"),
            Some("us-east-1"),
            v.to_string().as_bytes(),
        )?;
    }
    b.finish()
}

#[expect(clippy::panic, reason = "fails the test with the ingest error")]
fn ok(files: &[(&str, Value)]) -> Snapshot {
    match build(files) {
        Ok(s) => s,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

#[expect(clippy::panic, reason = "fails the test when ingest wrongly succeeds")]
fn err(files: &[(&str, Value)]) -> IngestError {
    match build(files) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

fn net(s: &str) -> ipnet::IpNet {
    s.parse().unwrap_or_default()
}

fn ip(s: &str) -> std::net::IpAddr {
    s.parse()
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

fn vpcs() -> Value {
    json!({"Vpcs": [
        {"VpcId": "vpc-1", "OwnerId": "111111111111", "CidrBlock": "10.0.0.0/16",
         "CidrBlockAssociationSet": [
            {"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
            {"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}},
            {"CidrBlock": "10.9.0.0/16", "CidrBlockState": {"State": "disassociated"}}],
         "Ipv6CidrBlockAssociationSet": [
            {"Ipv6CidrBlock": "2600:1f18:1::/56", "Ipv6CidrBlockState": {"State": "associated"}}],
         "IsDefault": false, "Tags": [{"Key": "Name", "Value": "main"}]},
        {"VpcId": "vpc-2", "OwnerId": "222222222222", "CidrBlock": "10.2.0.0/16"}
    ]})
}

fn subnets() -> Value {
    json!({"Subnets": [
        {"SubnetId": "subnet-b", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-east-1b",
         "MapPublicIpOnLaunch": false},
        {"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a",
         "AvailabilityZoneId": "use1-az4", "MapPublicIpOnLaunch": true, "OwnerId": "111111111111",
         "Ipv6CidrBlockAssociationSet": [
            {"Ipv6CidrBlock": "2600:1f18:1:1::/64", "Ipv6CidrBlockState": {"State": "associated"}}]},
        {"SubnetId": "subnet-c", "VpcId": "vpc-2", "CidrBlock": "10.2.1.0/24", "AvailabilityZone": "us-east-1a"}
    ]})
}

fn base() -> Vec<(&'static str, Value)> {
    vec![("Vpcs.json", vpcs()), ("Subnets.json", subnets())]
}

fn with(extra: &[(&'static str, Value)]) -> Vec<(&'static str, Value)> {
    let mut v = base();
    v.extend(extra.iter().cloned());
    v
}

fn messages(s: &Snapshot) -> Vec<String> {
    s.warnings.iter().map(|w| w.message.clone()).collect()
}

#[test]
fn vpcs_and_subnets() {
    let s = ok(&with(&[(
        "AvailabilityZones.json",
        json!({"AvailabilityZones": [{"ZoneName": "us-east-1b", "ZoneId": "use1-az6"}]}),
    )]));
    assert_eq!(s.vpcs.len(), 2);
    let v = &s.vpcs[0];
    assert_eq!(v.id.as_str(), "vpc-1");
    assert_eq!(
        v.cidrs,
        vec![
            net("10.0.0.0/16"),
            net("10.1.0.0/16"),
            net("2600:1f18:1::/56")
        ]
    );
    assert_eq!(v.account.as_str(), "111111111111");
    assert_eq!(v.region, "us-east-1");
    assert_eq!(name_tag(&v.tags), Some("main"));
    assert_eq!(
        s.vpcs[1].account.as_str(),
        "222222222222",
        "OwnerId wins over the dump's account"
    );
    let ids: Vec<&str> = s.subnets.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["subnet-a", "subnet-b", "subnet-c"], "sorted by id");
    assert_eq!(
        s.subnets[0].cidrs,
        vec![net("10.0.1.0/24"), net("2600:1f18:1:1::/64")]
    );
    assert_eq!(s.subnets[0].zone(), "use1-az4");
    assert_eq!(
        s.subnets[1].az_id.as_deref(),
        Some("use1-az6"),
        "zone id from AvailabilityZones"
    );
    assert!(s.subnets[0].map_public_ip);
    assert_eq!(v.subnets, vec![SubnetIx(0), SubnetIx(1)]);
    assert_eq!(s.index.subnet.get("subnet-c"), Some(&SubnetIx(2)));
    assert_eq!(
        s.subnets[0].origin,
        Origin {
            file: "Subnets.json".into(),
            path: "Subnets[1]".into()
        }
    );
}

#[test]
fn region_from_availability_zone_when_the_path_has_none() {
    let mut b = SnapshotBuilder::new();
    let files = [("Vpcs.json", vpcs()), ("Subnets.json", subnets())];
    for (l, v) in &files {
        assert!(b.add_json(l, None, None, v.to_string().as_bytes()).is_ok());
    }
    let s = b.finish();
    assert!(s.is_ok());
    if let Ok(s) = s {
        assert_eq!(s.vpcs[0].region, "us-east-1");
        assert_eq!(s.vpcs[0].account.as_str(), "111111111111");
    }
}

fn route_tables() -> Value {
    json!({"RouteTables": [
        {"RouteTableId": "rtb-main", "VpcId": "vpc-1",
         "Associations": [{"Main": true, "RouteTableId": "rtb-main", "AssociationState": {"State": "associated"}}],
         "Routes": [
            {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
            {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "Origin": "CreateRoute", "State": "active"},
            {"DestinationCidrBlock": "10.2.0.0/16", "VpcPeeringConnectionId": "pcx-1", "Origin": "CreateRoute", "State": "blackhole"},
            {"DestinationCidrBlock": "172.16.0.0/12", "TransitGatewayId": "tgw-1", "Origin": "CreateRoute"},
            {"DestinationCidrBlock": "192.168.0.0/16", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation"},
            {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1", "Origin": "CreateRoute"},
            {"DestinationPrefixListId": "pl-s3", "GatewayId": "vpce-1", "Origin": "CreateRoute"},
            {"DestinationCidrBlock": "10.50.0.0/16", "InstanceId": "i-1", "NetworkInterfaceId": "eni-1", "Origin": "CreateRoute"},
            {"DestinationCidrBlock": "10.60.0.0/16", "CoreNetworkArn": "arn:aws:networkmanager::1:core-network/x"}]},
        {"RouteTableId": "rtb-pub", "VpcId": "vpc-1",
         "Associations": [{"Main": false, "SubnetId": "subnet-a"},
                          {"Main": false, "GatewayId": "igw-1"},
                          {"Main": false, "SubnetId": "subnet-b", "AssociationState": {"State": "disassociated"}}],
         "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "Origin": "CreateRoute", "State": "active"}]}
    ]})
}

#[test]
fn route_tables_targets_associations_and_local_routes() {
    let s = ok(&with(&[
        ("RouteTables.json", route_tables()),
        (
            "PrefixLists.json",
            json!({"PrefixLists": [{"PrefixListId": "pl-s3", "PrefixListName": "s3", "Cidrs": ["192.0.2.0/24"]}]}),
        ),
    ]));
    let main = &s.route_tables[0];
    assert_eq!(main.id.as_str(), "rtb-main");
    assert!(main.main);
    assert_eq!(s.vpcs[0].main_route_table, Some(RtbIx(0)));
    let targets: Vec<&RouteTarget> = main.routes.iter().map(|r| &r.target).collect();
    // 10.1.0.0/16 and the IPv6 block had no local route: synthesised first.
    assert_eq!(main.routes[0].dest, RouteDest::Cidr(net("10.1.0.0/16")));
    assert_eq!(
        main.routes[1].dest,
        RouteDest::Cidr(net("2600:1f18:1::/56"))
    );
    assert_eq!(main.routes[0].origin, RouteOrigin::Auto);
    assert_eq!(
        targets[2..],
        [
            &RouteTarget::Local,
            &RouteTarget::NatGateway("nat-1".into()),
            &RouteTarget::Peering("pcx-1".into()),
            &RouteTarget::TransitGateway("tgw-1".into()),
            &RouteTarget::VirtualPrivateGateway("vgw-1".into()),
            &RouteTarget::EgressOnlyInternetGateway("eigw-1".into()),
            &RouteTarget::VpcEndpoint("vpce-1".into()),
            &RouteTarget::NetworkInterface("eni-1".into()),
            &RouteTarget::Other("arn:aws:networkmanager::1:core-network/x".into()),
        ]
    );
    assert_eq!(main.routes[4].state, RouteState::Blackhole);
    assert_eq!(main.routes[6].origin, RouteOrigin::Propagated);
    assert_eq!(main.routes[3].origin, RouteOrigin::Static);
    assert_eq!(
        main.routes[8].dest,
        RouteDest::PrefixList("pl-s3".into(), Some(PlIx(0)))
    );
    assert_eq!(main.routes.len(), 11);
    // Explicit association for subnet-a; subnet-b's association is disassociated: main table.
    assert_eq!(s.subnets[0].route_table, Some(RtbIx(1)));
    assert_eq!(s.subnets[1].route_table, Some(RtbIx(0)));
    // vpc-2 has no route table at all.
    assert_eq!(s.subnets[2].route_table, None);
    let m = messages(&s);
    assert!(
        m.iter()
            .any(|w| w.contains("edge association") && w.contains("`igw-1`")),
        "{m:?}"
    );
    assert!(
        m.iter()
            .any(|w| w.contains("VPC `vpc-2` has no main route table")),
        "{m:?}"
    );
}

#[test]
fn local_route_synthesis() {
    let s = ok(&with(&[(
        "RouteTables.json",
        json!({"RouteTables": [{"RouteTableId": "rtb-x", "VpcId": "vpc-1", "Routes": [
            {"DestinationCidrBlock": "10.1.0.0/16", "NetworkInterfaceId": "eni-fw", "Origin": "CreateRoute"}]}]}),
    )]));
    let routes = &s.route_tables[0].routes;
    let local: Vec<&RouteDest> = routes
        .iter()
        .filter(|r| r.target == RouteTarget::Local)
        .map(|r| &r.dest)
        .collect();
    // One local route per VPC CIDR, except 10.1.0.0/16 whose local target was replaced.
    assert_eq!(
        local,
        [
            &RouteDest::Cidr(net("10.0.0.0/16")),
            &RouteDest::Cidr(net("2600:1f18:1::/56"))
        ]
    );
    assert!(routes.iter().all(|r| r.state == RouteState::Active));
    assert_eq!(routes.len(), 3);
}

fn acls() -> Value {
    json!({"NetworkAcls": [
        {"NetworkAclId": "acl-custom", "VpcId": "vpc-1", "IsDefault": false,
         "Associations": [{"NetworkAclId": "acl-custom", "SubnetId": "subnet-a"}],
         "Entries": [
            {"RuleNumber": 200, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0",
             "PortRange": {"From": 1024, "To": 65535}},
            {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "10.9.0.0/16"},
            {"RuleNumber": 150, "Protocol": "1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0",
             "IcmpTypeCode": {"Type": 8, "Code": -1}},
            {"RuleNumber": 110, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "Ipv6CidrBlock": "::/0"},
            {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
            {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"}]},
        {"NetworkAclId": "acl-default", "VpcId": "vpc-1", "IsDefault": true, "Entries": []}
    ]})
}

#[test]
fn nacl_entries_sorted_and_builtin_denies_appended() {
    let s = ok(&with(&[("NetworkAcls.json", acls())]));
    let a = &s.network_acls[0];
    assert_eq!(a.id.as_str(), "acl-custom");
    let nums: Vec<u32> = a.inbound.iter().map(|e| e.rule_number).collect();
    assert_eq!(nums, [100, 110, 150, 200, 32767, 32768]);
    let out: Vec<u32> = a.outbound.iter().map(|e| e.rule_number).collect();
    assert_eq!(
        out,
        [100, 32767, 32768],
        "the dump's IPv4 deny is kept, the IPv6 one added"
    );
    let deny4 = &a.inbound[4];
    assert_eq!(
        (deny4.action, deny4.protocol, deny4.cidr),
        (RuleAction::Deny, Protocol::All, net("0.0.0.0/0"))
    );
    assert_eq!(a.inbound[5].cidr, net("::/0"));
    assert_eq!(a.inbound[3].ports, Some((1024, 65535)));
    assert_eq!(a.inbound[2].icmp, Some((8, -1)));
    assert_eq!(a.inbound[0].action, RuleAction::Deny);
    let d = &s.network_acls[1];
    assert_eq!(d.inbound.len(), 2);
    assert_eq!(d.outbound.len(), 2);
    assert_eq!(s.vpcs[0].default_acl, Some(AclIx(1)));
    assert_eq!(s.subnets[0].network_acl, Some(AclIx(0)));
    assert_eq!(
        s.subnets[1].network_acl,
        Some(AclIx(1)),
        "unassociated subnet uses the default NACL"
    );
}

fn security_groups() -> Value {
    json!({"SecurityGroups": [
        {"GroupId": "sg-web", "GroupName": "web", "VpcId": "vpc-1", "OwnerId": "111111111111",
         "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}, {"CidrIp": "10.0.0.0/8"}],
             "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
             "PrefixListIds": [{"PrefixListId": "pl-1"}],
             "UserIdGroupPairs": [{"GroupId": "sg-app", "UserId": "111111111111"},
                                  {"GroupId": "sg-far", "UserId": "222222222222", "VpcPeeringConnectionId": "pcx-1"}]},
            {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
            {"IpProtocol": "udp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
            {"IpProtocol": "50", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
         "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
        {"GroupId": "sg-app", "GroupName": "app", "VpcId": "vpc-1"}
    ]})
}

#[test]
fn security_group_permissions_expand_per_peer() {
    let s = ok(&with(&[("SecurityGroups.json", security_groups())]));
    assert_eq!(s.security_groups[0].id.as_str(), "sg-app");
    let g = &s.security_groups[1];
    assert_eq!(g.group_name, "web");
    assert_eq!(g.vpc, Some(VpcIx(0)));
    assert_eq!(g.ingress.len(), 9);
    let r0 = &g.ingress[0];
    assert_eq!(
        (r0.protocol, r0.ports),
        (Protocol::Num(6), Some((443, 443)))
    );
    assert_eq!(r0.description.as_deref(), Some("https"));
    assert_eq!(g.ingress[2].peer, SgPeer::Cidr(net("::/0")));
    assert_eq!(g.ingress[3].peer, SgPeer::PrefixList("pl-1".into()));
    assert_eq!(
        g.ingress[4].peer,
        SgPeer::Group {
            group: "sg-app".into(),
            account: None,
            peering: None
        }
    );
    assert_eq!(
        g.ingress[5].peer,
        SgPeer::Group {
            group: "sg-far".into(),
            account: Some("222222222222".into()),
            peering: Some("pcx-1".into())
        }
    );
    assert_eq!(
        (g.ingress[6].protocol, g.ingress[6].icmp),
        (Protocol::Num(1), Some((8, -1)))
    );
    assert_eq!(
        (g.ingress[7].protocol, g.ingress[7].ports),
        (Protocol::Num(17), None)
    );
    assert_eq!(
        (g.ingress[8].protocol, g.ingress[8].ports),
        (Protocol::Num(50), None)
    );
    assert_eq!(g.egress.len(), 1);
    assert_eq!(g.egress[0].protocol, Protocol::All);
    assert_eq!(g.ingress[0].label(true), "tcp 443 from 0.0.0.0/0");
}

fn enis() -> Value {
    json!({"NetworkInterfaces": [
        {"NetworkInterfaceId": "eni-web", "SubnetId": "subnet-a", "VpcId": "vpc-1", "OwnerId": "111111111111",
         "InterfaceType": "interface", "Description": "", "Status": "in-use", "SourceDestCheck": true,
         "Attachment": {"InstanceId": "i-web", "DeviceIndex": 0},
         "PrivateIpAddress": "10.0.1.10",
         "Association": {"PublicIp": "203.0.113.10"},
         "PrivateIpAddresses": [
            {"PrivateIpAddress": "10.0.1.10", "Primary": true},
            {"PrivateIpAddress": "10.0.1.11", "Primary": false, "Association": {"PublicIp": "203.0.113.11"}},
            {"PrivateIpAddress": "10.0.1.12", "Primary": false}],
         "Ipv6Addresses": [{"Ipv6Address": "2600:1f18:1:1::10"}],
         "Groups": [{"GroupId": "sg-web"}, {"GroupId": "sg-gone"}],
         "TagSet": [{"Key": "Name", "Value": "web-eni"}]},
        {"NetworkInterfaceId": "eni-nat", "SubnetId": "subnet-a", "InterfaceType": "nat_gateway",
         "PrivateIpAddress": "10.0.1.5", "SourceDestCheck": false,
         "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.5", "Primary": true}], "Groups": []},
        {"NetworkInterfaceId": "eni-rds", "SubnetId": "subnet-b", "InterfaceType": "interface",
         "Description": "RDSNetworkInterface", "RequesterId": "amazon-rds",
         "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.2.100", "Primary": true}], "Groups": [{"GroupId": "sg-web"}]},
        {"NetworkInterfaceId": "eni-fn", "SubnetId": "subnet-b", "InterfaceType": "interface",
         "Description": "AWS Lambda VPC ENI-fn-1234",
         "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.2.30", "Primary": true}]},
        {"NetworkInterfaceId": "eni-lb", "SubnetId": "subnet-b", "InterfaceType": "network_load_balancer",
         "Description": "ELB net/nlb/1", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.2.40", "Primary": true}]},
        {"NetworkInterfaceId": "eni-tgw", "SubnetId": "subnet-b", "InterfaceType": "transit_gateway",
         "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.2.50", "Primary": true}]},
        {"NetworkInterfaceId": "eni-vpce", "SubnetId": "subnet-b", "InterfaceType": "vpc_endpoint",
         "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.2.60", "Primary": true}]},
        {"NetworkInterfaceId": "eni-efs", "SubnetId": "subnet-b", "InterfaceType": "api_gateway_managed",
         "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.2.70", "Primary": true}]}
    ]})
}

fn reservations() -> Value {
    json!({"Reservations": [{"OwnerId": "111111111111", "Instances": [
        {"InstanceId": "i-web", "State": {"Code": 16, "Name": "running"}, "SubnetId": "subnet-a",
         "NetworkInterfaces": [{"NetworkInterfaceId": "eni-web", "SubnetId": "subnet-a",
                                "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.10", "Primary": true}]}],
         "Tags": [{"Key": "Name", "Value": "web"}]},
        {"InstanceId": "i-win", "State": {"Name": "stopped"}, "Platform": "windows", "SubnetId": "subnet-b",
         "VpcId": "vpc-1",
         "NetworkInterfaces": [
            {"NetworkInterfaceId": "eni-win1", "PrivateIpAddress": "10.0.2.21",
             "Attachment": {"DeviceIndex": 1}, "Groups": [{"GroupId": "sg-app"}]},
            {"NetworkInterfaceId": "eni-win0", "PrivateIpAddress": "10.0.2.20",
             "Association": {"PublicIp": "198.51.100.20"}, "Attachment": {"DeviceIndex": 0}}]},
        {"InstanceId": "i-dead", "State": {"Name": "terminated"}, "NetworkInterfaces": [
            {"NetworkInterfaceId": "eni-dead", "SubnetId": "subnet-gone"}]},
        {"InstanceId": "i-lonely", "State": {"Name": "running"}}
    ]}]})
}

#[test]
fn enis_kinds_addresses_and_instances() {
    let s = ok(&with(&[
        ("NetworkInterfaces.json", enis()),
        ("Reservations.json", reservations()),
        ("SecurityGroups.json", security_groups()),
        (
            "Addresses.json",
            json!({"Addresses": [
                {"PublicIp": "198.51.100.12", "NetworkInterfaceId": "eni-web", "PrivateIpAddress": "10.0.1.12"},
                {"PublicIp": "198.51.100.99", "NetworkInterfaceId": "eni-web", "PrivateIpAddress": "10.0.1.10"},
                {"PublicIp": "198.51.100.50", "NetworkInterfaceId": "eni-nat"},
                {"PublicIp": "198.51.100.77"}]}),
        ),
    ]));
    let kind = |id: &str| s.index.eni.get(id).map(|&e| s.eni(e).kind.clone());
    assert_eq!(kind("eni-web"), Some(EniKind::Instance));
    assert_eq!(kind("eni-nat"), Some(EniKind::NatGateway));
    assert_eq!(kind("eni-rds"), Some(EniKind::Rds));
    assert_eq!(kind("eni-fn"), Some(EniKind::Lambda));
    assert_eq!(kind("eni-lb"), Some(EniKind::LoadBalancer));
    assert_eq!(kind("eni-tgw"), Some(EniKind::TransitGateway));
    assert_eq!(kind("eni-vpce"), Some(EniKind::VpcEndpoint));
    assert_eq!(
        kind("eni-efs"),
        Some(EniKind::Other("api_gateway_managed".into()))
    );
    assert_eq!(kind("eni-dead"), None, "terminated instances have no ENIs");

    let web = s.index.eni.get("eni-web").map(|&e| s.eni(e));
    assert!(web.is_some());
    if let Some(web) = web {
        assert_eq!(
            web.public_for(ip("10.0.1.10")),
            Some(
                "203.0.113.10"
                    .parse()
                    .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED)
            ),
            "association kept, EIP ignored"
        );
        assert_eq!(
            web.public_for(ip("10.0.1.11")).map(|a| a.to_string()),
            Some("203.0.113.11".into())
        );
        assert_eq!(
            web.public_for(ip("10.0.1.12")).map(|a| a.to_string()),
            Some("198.51.100.12".into()),
            "from Addresses"
        );
        assert_eq!(web.ipv6, vec![ip("2600:1f18:1:1::10")]);
        assert_eq!(web.groups.len(), 1, "unknown group dropped with a warning");
        assert_eq!(web.vpc, VpcIx(0));
        assert_eq!(name_tag(&web.tags), Some("web-eni"));
        assert_eq!(web.account.as_str(), "111111111111");
        assert_eq!(web.origin.path, "NetworkInterfaces[0]");
    }
    let nat = s.index.eni.get("eni-nat").map(|&e| s.eni(e));
    assert_eq!(
        nat.and_then(|n| n.public_for(ip("10.0.1.5")))
            .map(|a| a.to_string()),
        Some("198.51.100.50".into())
    );
    assert_eq!(nat.map(|n| n.source_dest_check), Some(false));

    let inst = |id: &str| s.index.instance.get(id).map(|&i| &s.instances[i.ix()]);
    let win = inst("i-win");
    assert!(win.is_some_and(|w| w.windows && !w.running()));
    // Synthesised from the instance, primary (device 0) first.
    let win_enis: Vec<&str> = win
        .map(|w| w.enis.iter().map(|&e| s.eni(e).id.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(win_enis, ["eni-win0", "eni-win1"]);
    let w0 = s.index.eni.get("eni-win0").map(|&e| s.eni(e));
    assert_eq!(
        w0.map(|e| e.subnet),
        Some(SubnetIx(1)),
        "subnet from the instance"
    );
    assert_eq!(
        w0.and_then(|e| e.public_for(ip("10.0.2.20")))
            .map(|a| a.to_string()),
        Some("198.51.100.20".into())
    );
    assert_eq!(
        w0.and_then(|e| e.origin.path.strip_prefix("Reservations[0].Instances[1]")),
        Some(".NetworkInterfaces[1]")
    );
    assert_eq!(inst("i-web").map(|w| w.enis.len()), Some(1));
    assert_eq!(
        s.index.eni.get("eni-web").and_then(|&e| s.eni(e).instance),
        s.index.instance.get("i-web").copied()
    );
    assert_eq!(s.enis_at(ip("10.0.2.21")).len(), 1);
    assert_eq!(
        s.index
            .public_ip
            .get(
                &"198.51.100.20"
                    .parse()
                    .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED)
            )
            .map(|p| p.1),
        Some(ip("10.0.2.20"))
    );

    let m = messages(&s);
    assert!(
        m.iter().any(|w| w.contains("security group `sg-gone`")),
        "{m:?}"
    );
    assert!(
        m.iter()
            .any(|w| w.contains("instance `i-lonely` has no network interface")),
        "{m:?}"
    );
    assert!(!m.iter().any(|w| w.contains("i-dead")), "{m:?}");
}

#[test]
fn gateways_nat_peering_endpoints() {
    let s = ok(&with(&[
        ("NetworkInterfaces.json", enis()),
        (
            "InternetGateways.json",
            json!({"InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [
                {"VpcId": "vpc-1", "State": "available"}, {"VpcId": "vpc-2", "State": "detached"}]}]}),
        ),
        (
            "NatGateways.json",
            json!({"NatGateways": [
                {"NatGatewayId": "nat-1", "VpcId": "vpc-1", "SubnetId": "subnet-a", "State": "available",
                 "NatGatewayAddresses": [{"PrivateIp": "10.0.1.5", "PublicIp": "198.51.100.5", "NetworkInterfaceId": "eni-nat"}]},
                {"NatGatewayId": "nat-old", "VpcId": "vpc-gone", "SubnetId": "subnet-gone", "State": "deleted"},
                {"NatGatewayId": "nat-priv", "SubnetId": "subnet-b", "State": "available", "ConnectivityType": "private"}]}),
        ),
        (
            "VpcEndpoints.json",
            json!({"VpcEndpoints": [
                {"VpcEndpointId": "vpce-1", "VpcEndpointType": "Gateway", "VpcId": "vpc-1",
                 "ServiceName": "com.amazonaws.us-east-1.s3", "State": "available", "RouteTableIds": ["rtb-main"]},
                {"VpcEndpointId": "vpce-gone", "VpcEndpointType": "Interface", "VpcId": "vpc-gone", "State": "deleted"}]}),
        ),
        (
            "accounts/111111111111/VpcPeeringConnections.json",
            json!({"VpcPeeringConnections": [
                {"VpcPeeringConnectionId": "pcx-1", "Status": {"Code": "deleted"},
                 "RequesterVpcInfo": {"VpcId": "vpc-1"}, "AccepterVpcInfo": {"VpcId": "vpc-far"}}]}),
        ),
        (
            "accounts/222222222222/VpcPeeringConnections.json",
            json!({"VpcPeeringConnections": [
                {"VpcPeeringConnectionId": "pcx-1", "Status": {"Code": "active"},
                 "RequesterVpcInfo": {"VpcId": "vpc-1", "OwnerId": "111111111111", "Region": "us-east-1",
                                      "CidrBlock": "10.0.0.0/16", "CidrBlockSet": [{"CidrBlock": "10.0.0.0/16"}, {"CidrBlock": "10.1.0.0/16"}]},
                 "AccepterVpcInfo": {"VpcId": "vpc-far", "OwnerId": "333333333333", "Region": "us-west-2",
                                     "CidrBlock": "10.3.0.0/16"}}]}),
        ),
    ]));
    assert_eq!(s.internet_gateways[0].vpcs, vec![VpcIx(0)]);
    assert_eq!(s.vpcs[0].internet_gateway, Some(IgwIx(0)));
    assert_eq!(s.vpcs[1].internet_gateway, None);
    let ids: Vec<&str> = s.nat_gateways.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        ids,
        ["nat-1", "nat-priv"],
        "deleted NAT gateway in a deleted subnet skipped"
    );
    let n = &s.nat_gateways[0];
    assert!(n.public);
    assert_eq!(n.eni, s.index.eni.get("eni-nat").copied());
    assert_eq!(n.private_ips, vec![ip("10.0.1.5")]);
    assert_eq!(n.public_ips.len(), 1);
    assert!(!s.nat_gateways[1].public);
    assert_eq!(s.peerings.len(), 1);
    let p = &s.peerings[0];
    assert!(p.active(), "the active, richer copy wins");
    assert_eq!(p.requester.vpc, Some(VpcIx(0)));
    assert_eq!(
        p.requester.cidrs,
        vec![net("10.0.0.0/16"), net("10.1.0.0/16")]
    );
    assert_eq!(p.accepter.vpc, None, "other account not dumped");
    assert_eq!(p.accepter.region.as_deref(), Some("us-west-2"));
    assert_eq!(s.vpc_endpoints.len(), 1);
    assert_eq!(s.vpc_endpoints[0].kind, VpcEndpointKind::Gateway);
    assert_eq!(
        s.vpc_endpoints[0].route_tables,
        vec![RouteTableId::from("rtb-main")]
    );
}

#[test]
fn live_nat_gateway_in_unknown_subnet_is_an_error() {
    let e = err(&with(&[(
        "NatGateways.json",
        json!({"NatGateways": [{"NatGatewayId": "nat-1", "SubnetId": "subnet-zz", "State": "available"}]}),
    )]));
    assert!(matches!(e, IngestError::DanglingReference { .. }), "{e}");
    assert_eq!(e.json_path(), "NatGateways[0].SubnetId");
}

#[test]
fn prefix_lists_merge_sources() {
    let s = ok(&[
        (
            "PrefixLists.json",
            json!({"PrefixLists": [{"PrefixListId": "pl-s3", "PrefixListName": "com.amazonaws.us-east-1.s3", "Cidrs": ["192.0.2.0/24"]}]}),
        ),
        (
            "ManagedPrefixLists.json",
            json!({"ManagedPrefixLists": [{"PrefixListId": "pl-corp", "PrefixListName": "corp"}, {"PrefixListId": "pl-empty"}]}),
        ),
        (
            "PrefixListEntries.json",
            json!({"PrefixListEntries": [{"PrefixListId": "pl-corp", "Entries": [{"Cidr": "198.51.100.0/24"}, {"Cidr": "203.0.113.0/24"}]}]}),
        ),
        (
            "Entries.json",
            json!({"Entries": [{"Cidr": "198.51.100.0/24"}]}),
        ),
    ]);
    let ids: Vec<&str> = s.prefix_lists.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pl-corp", "pl-empty", "pl-s3"]);
    assert_eq!(s.prefix_lists[0].name, "corp");
    assert_eq!(
        s.prefix_lists[0].cidrs,
        vec![net("198.51.100.0/24"), net("203.0.113.0/24")]
    );
    let m = messages(&s);
    assert!(
        m.iter()
            .any(|w| w.contains("prefix list `pl-empty` has no entries")),
        "{m:?}"
    );
    assert!(
        m.iter()
            .any(|w| w.contains("`Entries` without the id of the prefix list")),
        "{m:?}"
    );
}

fn tgw_files() -> Vec<(&'static str, Value)> {
    with(&[
        (
            "TransitGateways.json",
            json!({"TransitGateways": [{"TransitGatewayId": "tgw-1", "OwnerId": "111111111111", "State": "available",
                "TransitGatewayArn": "arn:aws:ec2:us-east-1:111111111111:transit-gateway/tgw-1",
                "Options": {"DefaultRouteTableAssociation": "enable", "AssociationDefaultRouteTableId": "tgw-rtb-1",
                            "SecurityGroupReferencingSupport": "enable"}}]}),
        ),
        (
            "TransitGatewayAttachments.json",
            json!({"TransitGatewayAttachments": [
                {"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1", "ResourceType": "vpc",
                 "ResourceId": "vpc-1", "State": "available",
                 "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"}},
                {"TransitGatewayAttachmentId": "tgw-attach-2", "TransitGatewayId": "tgw-1", "ResourceType": "vpc",
                 "ResourceId": "vpc-2", "State": "available"},
                {"TransitGatewayAttachmentId": "tgw-attach-vpn", "TransitGatewayId": "tgw-1", "ResourceType": "vpn",
                 "ResourceId": "vpn-1", "State": "available",
                 "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"}}]}),
        ),
        (
            "TransitGatewayVpcAttachments.json",
            json!({"TransitGatewayVpcAttachments": [
                {"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1", "VpcId": "vpc-1",
                 "SubnetIds": ["subnet-a", "subnet-b"], "State": "available",
                 "Options": {"ApplianceModeSupport": "enable", "Ipv6Support": "enable", "SecurityGroupReferencingSupport": "enable"}},
                {"TransitGatewayAttachmentId": "tgw-attach-2", "TransitGatewayId": "tgw-1", "VpcId": "vpc-2",
                 "SubnetIds": ["subnet-c", "subnet-other-account"], "State": "available"}]}),
        ),
        (
            "TransitGatewayRouteTables.json",
            json!({"TransitGatewayRouteTables": [
                {"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayId": "tgw-1", "State": "available"},
                {"TransitGatewayRouteTableId": "tgw-rtb-2", "TransitGatewayId": "tgw-1", "State": "available"}]}),
        ),
        (
            "TransitGatewayPropagations.json",
            json!({"TransitGatewayPropagations": [
                {"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayRouteTablePropagations": [
                    {"TransitGatewayAttachmentId": "tgw-attach-1", "ResourceId": "vpc-1", "ResourceType": "vpc", "State": "enabled"},
                    {"TransitGatewayAttachmentId": "tgw-attach-2", "ResourceId": "vpc-2", "ResourceType": "vpc", "State": "enabled"},
                    {"TransitGatewayAttachmentId": "tgw-attach-vpn", "ResourceId": "vpn-1", "ResourceType": "vpn", "State": "enabled"}]},
                {"TransitGatewayRouteTableId": "tgw-rtb-2", "TransitGatewayRouteTablePropagations": [
                    {"TransitGatewayAttachmentId": "tgw-attach-2", "ResourceId": "vpc-2", "ResourceType": "vpc", "State": "disabled"}]}]}),
        ),
        (
            "TransitGatewayStaticRoutes.json",
            json!({"TransitGatewayStaticRoutes": [
                {"TransitGatewayRouteTableId": "tgw-rtb-1", "AdditionalRoutesAvailable": false, "Routes": [
                    {"DestinationCidrBlock": "10.1.0.0/16", "Type": "static", "State": "active",
                     "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-2"}]},
                    {"DestinationCidrBlock": "0.0.0.0/0", "Type": "static", "State": "blackhole"},
                    {"DestinationCidrBlock": "10.99.0.0/16", "Type": "static", "State": "deleted"}]}]}),
        ),
        (
            "TransitGatewayRouteTableAssociations.json",
            json!({"TransitGatewayRouteTableAssociations": [
                {"TransitGatewayRouteTableId": "tgw-rtb-2", "Associations": [
                    {"TransitGatewayAttachmentId": "tgw-attach-2", "State": "associated"}]}]}),
        ),
    ])
}

#[test]
fn tgw_propagation_synthesis() {
    let s = ok(&tgw_files());
    assert_eq!(s.transit_gateways.len(), 1);
    assert!(s.transit_gateways[0].sg_referencing);
    assert_eq!(s.transit_gateways[0].region, "us-east-1");
    let att = |id: &str| {
        s.index
            .tgw_attachment
            .get(id)
            .map(|&a| &s.tgw_attachments[a.ix()])
    };
    let a1 = att("tgw-attach-1");
    assert!(a1.is_some_and(|a| a.kind == TgwAttachmentKind::Vpc
        && a.appliance_mode
        && a.sg_referencing
        && a.available()));
    assert_eq!(
        a1.map(|a| a.subnets.clone()),
        Some(vec![SubnetIx(0), SubnetIx(1)])
    );
    assert_eq!(a1.and_then(|a| a.association), Some(TgwRtbIx(0)));
    let a2 = att("tgw-attach-2");
    assert_eq!(
        a2.map(|a| a.subnets.clone()),
        Some(vec![SubnetIx(2)]),
        "other account's subnet dropped"
    );
    assert_eq!(
        a2.and_then(|a| a.association),
        Some(TgwRtbIx(1)),
        "from the associations file"
    );
    assert_eq!(
        att("tgw-attach-vpn").map(|a| a.kind.clone()),
        Some(TgwAttachmentKind::Vpn)
    );

    let t1 = &s.tgw_route_tables[0];
    assert_eq!(t1.id.as_str(), "tgw-rtb-1");
    let att1 = s.index.tgw_attachment.get("tgw-attach-1").copied();
    let att2 = s.index.tgw_attachment.get("tgw-attach-2").copied();
    let view: Vec<(String, RouteOrigin, String)> = t1
        .routes
        .iter()
        .map(|r| {
            let target = match &r.target {
                TgwRouteTarget::Blackhole => "blackhole".to_string(),
                TgwRouteTarget::Attachments(v) => v
                    .iter()
                    .map(|&a| s.tgw_attachments[a.ix()].id.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            (r.dest.to_string(), r.origin, target)
        })
        .collect();
    let row = |d: &str, o, t: &str| (d.to_string(), o, t.to_string());
    assert_eq!(
        view,
        [
            row("0.0.0.0/0", RouteOrigin::Static, "blackhole"),
            row("10.0.0.0/16", RouteOrigin::Propagated, "tgw-attach-1"),
            // static wins over vpc-1's propagated 10.1.0.0/16
            row("10.1.0.0/16", RouteOrigin::Static, "tgw-attach-2"),
            row("10.2.0.0/16", RouteOrigin::Propagated, "tgw-attach-2"),
            // IPv6 propagates only with Ipv6Support
            row("2600:1f18:1::/56", RouteOrigin::Propagated, "tgw-attach-1"),
        ]
    );
    assert!(att1.is_some() && att2.is_some());
    assert!(
        s.tgw_route_tables[1].routes.is_empty(),
        "disabled propagation adds nothing"
    );
    let m = messages(&s);
    assert!(
        m.iter()
            .any(|w| w.contains("VPN attachment `tgw-attach-vpn`") && w.contains("learned routes")),
        "{m:?}"
    );
}

#[test]
fn tgw_default_association_is_never_guessed() {
    let mut files = tgw_files();
    files.retain(|(l, _)| *l != "TransitGatewayRouteTableAssociations.json");
    let s = ok(&files);
    let a2 = s
        .index
        .tgw_attachment
        .get("tgw-attach-2")
        .map(|&a| &s.tgw_attachments[a.ix()]);
    assert_eq!(a2.map(|a| a.association), Some(None));
    let m = messages(&s);
    assert!(
        m.iter()
            .any(|w| w.contains("`tgw-attach-2` has no route table association")),
        "{m:?}"
    );
}

#[test]
fn raw_single_call_tgw_outputs_warn() {
    let s = ok(&[
        (
            "p.json",
            json!({"TransitGatewayRouteTablePropagations": [{"TransitGatewayAttachmentId": "a"}]}),
        ),
        (
            "r.json",
            json!({"Routes": [{"DestinationCidrBlock": "10.0.0.0/8"}], "AdditionalRoutesAvailable": false}),
        ),
        (
            "empty.json",
            json!({"TransitGatewayRouteTablePropagations": []}),
        ),
    ]);
    assert_eq!(s.warnings.len(), 2, "{:?}", s.warnings);
    assert!(
        s.warnings
            .iter()
            .all(|w| w.message.contains("transit gateway route table"))
    );
}

#[test]
fn rds_instances_find_primary_and_standby_enis() {
    let db = json!({"DBInstances": [
        {"DBInstanceIdentifier": "prod-db", "Engine": "mysql", "DBInstanceStatus": "available",
         "Endpoint": {"Address": "prod-db.x.rds.amazonaws.com", "Port": 3306},
         "DBSubnetGroup": {"VpcId": "vpc-1", "Subnets": [{"SubnetIdentifier": "subnet-a"}, {"SubnetIdentifier": "subnet-b"}]},
         "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-web", "Status": "active"}],
         "AvailabilityZone": "us-east-1b", "SecondaryAvailabilityZone": "us-east-1a"},
        {"DBInstanceIdentifier": "ghost-db", "DBSubnetGroup": {"VpcId": "vpc-1"},
         "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-app"}]}]});
    let mut e = enis();
    if let Some(list) = e.get_mut("NetworkInterfaces").and_then(Value::as_array_mut) {
        list.push(json!({"NetworkInterfaceId": "eni-rds-standby", "SubnetId": "subnet-a",
            "Description": "RDSNetworkInterface", "RequesterId": "amazon-rds",
            "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.100", "Primary": true}], "Groups": [{"GroupId": "sg-web"}]}));
    }
    let s = ok(&with(&[
        ("NetworkInterfaces.json", e),
        ("SecurityGroups.json", security_groups()),
        ("RdsInstances.json", db),
    ]));
    let d = s.index.db.get("prod-db").map(|&d| &s.db_instances[d.ix()]);
    let names: Vec<&str> = d
        .map(|d| d.enis.iter().map(|&e| s.eni(e).id.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        ["eni-rds", "eni-rds-standby"],
        "primary in us-east-1b, standby in us-east-1a"
    );
    assert_eq!(d.and_then(|d| d.port), Some(3306));
    assert_eq!(d.and_then(|d| d.vpc), Some(VpcIx(0)));
    let m = messages(&s);
    assert!(
        m.iter()
            .any(|w| w == "RDS instance `ghost-db` has no network interface in the snapshot"),
        "{m:?}"
    );
}

#[test]
fn known_unmodelled_keys_warn_only_when_not_empty() {
    let s = ok(&[
        (
            "DbClusters.json",
            json!({"DBClusters": [{"DBClusterIdentifier": "c"}]}),
        ),
        ("LoadBalancers.json", json!({"LoadBalancers": []})),
        ("VpnGateways.json", json!({"VpnGateways": []})),
        ("ElasticsearchDomains.json", json!({"DomainStatusList": []})),
        (
            "VpcEndpointServices.json",
            json!({"ServiceDetails": [{"ServiceName": "com.amazonaws.us-east-1.s3", "Owner": "amazon"}],
                   "ServiceNames": ["com.amazonaws.us-east-1.s3"]}),
        ),
        (
            "AvailabilityZones.json",
            json!({"AvailabilityZones": [{"ZoneName": "us-east-1a", "ZoneId": "use1-az1"}]}),
        ),
        (
            "EgressOnlyInternetGateways.json",
            json!({"EgressOnlyInternetGateways": [{"EgressOnlyInternetGatewayId": "eigw-1"}]}),
        ),
        ("Weird.json", json!({"Something": [1, 2]})),
        ("Array.json", json!([1, 2])),
    ]);
    let m: Vec<(String, String)> = s
        .warnings
        .iter()
        .map(|w| (w.file.clone(), w.message.clone()))
        .collect();
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(m.contains(&(
        "DbClusters.json".into(),
        "`DBClusters` is not modelled yet: 1 entries ignored".into()
    )));
    assert!(m.contains(&(
        "Weird.json".into(),
        "unknown top-level key `Something`: ignored".into()
    )));
    assert!(
        m.iter()
            .any(|(f, w)| f == "Array.json" && w.contains("an array"))
    );
}

#[test]
fn duplicates_across_files_keep_the_first_or_the_owners_copy() {
    let mut b = SnapshotBuilder::new();
    let participant = json!({"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111111111111", "CidrBlock": "10.0.0.0/16"}]});
    let owner = json!({"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111111111111", "CidrBlock": "10.0.0.0/16",
        "Tags": [{"Key": "Name", "Value": "shared"}]}]});
    let later = json!({"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111111111111", "CidrBlock": "10.7.0.0/16"}]});
    assert!(
        b.add_json(
            "a/Vpcs.json",
            Some("222222222222"),
            None,
            participant.to_string().as_bytes()
        )
        .is_ok()
    );
    assert!(
        b.add_json(
            "b/Vpcs.json",
            Some("111111111111"),
            None,
            owner.to_string().as_bytes()
        )
        .is_ok()
    );
    assert!(
        b.add_json(
            "c/Vpcs.json",
            Some("111111111111"),
            None,
            later.to_string().as_bytes()
        )
        .is_ok()
    );
    let s = b.finish();
    assert!(s.as_ref().is_ok_and(|s| s.vpcs.len() == 1));
    if let Ok(s) = s {
        assert_eq!(name_tag(&s.vpcs[0].tags), Some("shared"));
        assert_eq!(s.vpcs[0].cidrs, vec![net("10.0.0.0/16")]);
        assert_eq!(s.vpcs[0].origin.file, "b/Vpcs.json");
    }
}

/// An ENI embedded by instances is the `NetworkInterfaces` copy when one exists, whichever file
/// comes first; that copy gains the link to the first instance (by id) embedding it when it
/// lacks one; an ENI only instances mention is the first instance's copy (by id).
#[test]
fn embedded_enis_in_any_file_order() {
    let eni = |id: &str, ip: &str, extra: Value| {
        let mut e =
            json!({"NetworkInterfaceId": id, "SubnetId": "subnet-a", "PrivateIpAddress": ip});
        if let (Some(e), Some(extra)) = (e.as_object_mut(), extra.as_object()) {
            e.extend(extra.clone());
        }
        e
    };
    let listed = json!({"NetworkInterfaces": [
        eni("eni-a", "10.0.1.10", json!({"Attachment": {"InstanceId": "i-2", "DeviceIndex": 0}})),
        eni("eni-b", "10.0.1.11", json!({"Description": "listed, no attachment"}))]});
    // Listed twice: the copy dumped by its owner wins, wherever it is read.
    let again = json!({"NetworkInterfaces": [
        eni("eni-a", "10.0.1.10", json!({"OwnerId": "111111111111", "Description": "owner's copy",
            "Attachment": {"InstanceId": "i-2", "DeviceIndex": 0}}))]});
    let instances = json!({"Reservations": [{"Instances": [
        {"InstanceId": "i-1", "State": {"Name": "running"},
         "NetworkInterfaces": [eni("eni-b", "10.0.1.11", json!({"Description": "embedded"}))]},
        {"InstanceId": "i-2", "State": {"Name": "running"}, "NetworkInterfaces": [
            eni("eni-a", "10.0.1.10", json!({})),
            eni("eni-c", "10.0.1.12", json!({"Description": "i-2's copy"}))]},
        {"InstanceId": "i-3", "State": {"Name": "running"}, "NetworkInterfaces": [
            eni("eni-c", "10.0.1.12", json!({"Description": "i-3's copy"})),
            eni("eni-b", "10.0.1.11", json!({}))]}]}]});
    let more = json!({"Reservations": [{"Instances": [
        {"InstanceId": "i-0", "State": {"Name": "running"},
         "NetworkInterfaces": [eni("eni-b", "10.0.1.11", json!({}))]}]}]});
    let files = [
        ("A.json", listed),
        ("B.json", again),
        ("C.json", instances),
        ("D.json", more),
    ];
    let result = |order: &[usize]| {
        let mut f = base();
        f.extend(order.iter().filter_map(|&i| files.get(i).cloned()));
        let s = ok(&f);
        format!("{:?}\n{:?}\n{:?}", s.enis, s.instances, s.warnings)
    };
    let first = result(&[0, 1, 2, 3]);
    for order in [
        [3, 2, 1, 0],
        [2, 0, 3, 1],
        [2, 3, 0, 1],
        [1, 2, 3, 0],
        [3, 0, 2, 1],
    ] {
        assert_eq!(result(&order), first, "{order:?}");
    }
    let s = ok(&with(&files));
    let eni = |id: &str| s.index.eni.get(id).map(|&e| s.eni(e));
    let owner = |id: &str| {
        eni(id)
            .and_then(|e| e.instance)
            .map(|i| s.instances[i.ix()].id.to_string())
    };
    assert_eq!(owner("eni-a").as_deref(), Some("i-2"));
    assert_eq!(
        eni("eni-a").map(|e| e.description.as_str()),
        Some("owner's copy")
    );
    assert_eq!(
        owner("eni-b").as_deref(),
        Some("i-0"),
        "first instance by id"
    );
    assert_eq!(
        eni("eni-b").map(|e| e.description.as_str()),
        Some("listed, no attachment")
    );
    assert_eq!(owner("eni-c").as_deref(), Some("i-2"));
    assert_eq!(
        eni("eni-c").map(|e| e.description.as_str()),
        Some("i-2's copy")
    );
}

#[test]
fn file_order_does_not_matter() {
    let files = with(&[
        ("NetworkAcls.json", acls()),
        ("RouteTables.json", route_tables()),
        ("NetworkInterfaces.json", enis()),
        ("LbNetworkInterfaces.json", lb_enis()),
        ("LoadBalancers.json", load_balancers()),
        (
            "Listeners.json",
            json!({"Listeners": [{"LoadBalancerArn": ALB, "Port": 443, "Protocol": "HTTPS"},
                                 {"LoadBalancerArn": NLB, "Port": 80, "Protocol": "TCP"}]}),
        ),
        ("NatGateways.json", nat_gateways_with_history()),
        (
            "Addresses.json",
            json!({"Addresses": [{"PublicIp": "198.51.100.66", "AllocationId": "eipalloc-66"}]}),
        ),
    ]);
    let a = ok(&files);
    let mut rev = files.clone();
    rev.reverse();
    let b = ok(&rev);
    let ids = |s: &Snapshot| {
        (
            s.subnets
                .iter()
                .map(|x| (x.id.to_string(), x.route_table, x.network_acl))
                .collect::<Vec<_>>(),
            s.enis.iter().map(|x| x.id.to_string()).collect::<Vec<_>>(),
            s.warnings.clone(),
            format!("{:?}", s.load_balancers),
            s.index
                .dead_public_ip
                .iter()
                .map(|(k, v)| (*k, v.clone()))
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
    };
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(
        a.index
            .dead_public_ip
            .get(
                &"198.51.100.66"
                    .parse()
                    .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED)
            )
            .map(String::as_str),
        Some("Elastic IP eipalloc-66 (not associated)"),
        "the Elastic IP record describes an address before the deleted NAT gateway does"
    );
}

// ---------------------------------------------------------------- errors

#[test]
#[expect(clippy::panic, reason = "fails the test when ingest wrongly succeeds")]
fn malformed_json_has_line_and_column() {
    let mut b = SnapshotBuilder::new();
    let e = b.add_json(
        "bad/Vpcs.json",
        None,
        None,
        b"{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\",, }\n  ]\n}",
    );
    let e = match e {
        Err(e) => e,
        Ok(()) => panic!("expected an error"),
    };
    assert!(matches!(e, IngestError::Json { line: 3, .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.starts_with("`bad/Vpcs.json`: malformed JSON at line 3 column"),
        "{msg}"
    );
    assert!(msg.contains("`Vpcs[0]`"), "{msg}");
    let trailing = b.add_json("t.json", None, None, b"{\"Vpcs\": []} x");
    assert!(
        matches!(trailing, Err(IngestError::Json { .. })),
        "{trailing:?}"
    );
}

#[test]
fn missing_required_field_names_the_path() {
    let e = err(&[(
        "Subnets.json",
        json!({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1"},
        {"SubnetId": "subnet-2", "AvailabilityZone": "us-east-1a"}]}),
    )]);
    assert!(
        matches!(&e, IngestError::MissingField { field, .. } if field == "AvailabilityZone"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "`Subnets.json`: `Subnets[0].AvailabilityZone`: missing required field `AvailabilityZone`"
    );
}

#[test]
fn invalid_cidr_names_the_exact_path() {
    let mut a = acls();
    if let Some(entry) = a.pointer_mut("/NetworkAcls/0/Entries/2") {
        entry["CidrBlock"] = json!("10.0.0.0/33");
    }
    let e = err(&with(&[("accounts/111/us-east-1/NetworkAcls.json", a)]));
    assert!(matches!(e, IngestError::InvalidValue { .. }), "{e:?}");
    assert_eq!(e.file(), "accounts/111/us-east-1/NetworkAcls.json");
    assert_eq!(e.json_path(), "NetworkAcls[0].Entries[2].CidrBlock");
    assert_eq!(
        e.to_string(),
        "`accounts/111/us-east-1/NetworkAcls.json`: `NetworkAcls[0].Entries[2].CidrBlock`: invalid value `10.0.0.0/33`, \
         expected an IPv4 or IPv6 CIDR block such as `10.0.0.0/16`"
    );
}

#[test]
fn invalid_ip_and_type_mismatch() {
    let e = err(&[(
        "Addresses.json",
        json!({"Addresses": [{"PublicIp": "2600::1", "NetworkInterfaceId": "eni-1"}]}),
    )]);
    assert_eq!(e.json_path(), "Addresses[0].PublicIp");
    assert!(e.to_string().contains("expected an IPv4 address"), "{e}");
    let e = err(&[("Vpcs.json", json!({"Vpcs": [{"VpcId": 7}]}))]);
    assert!(matches!(e, IngestError::InvalidValue { .. }), "{e:?}");
    assert_eq!(e.json_path(), "Vpcs[0].VpcId");
    assert!(e.to_string().contains("expected a string"), "{e}");
}

#[test]
fn bad_protocol_and_ports() {
    let mut g = security_groups();
    if let Some(p) = g.pointer_mut("/SecurityGroups/0/IpPermissions/1") {
        p["IpProtocol"] = json!("tcpx");
    }
    let e = err(&with(&[("SecurityGroups.json", g)]));
    assert_eq!(
        e.json_path(),
        "SecurityGroups[0].IpPermissions[1].IpProtocol"
    );
    assert!(
        e.to_string()
            .contains("invalid value `tcpx`, expected a protocol"),
        "{e}"
    );

    let mut a = acls();
    if let Some(entry) = a.pointer_mut("/NetworkAcls/0/Entries/0") {
        entry["PortRange"] = json!({"From": 2000, "To": 70000});
    }
    let e = err(&with(&[("NetworkAcls.json", a)]));
    assert_eq!(e.json_path(), "NetworkAcls[0].Entries[0].PortRange");
    assert!(e.to_string().contains("`2000-70000`"), "{e}");

    let mut a = acls();
    if let Some(entry) = a.pointer_mut("/NetworkAcls/0/Entries/1") {
        entry["RuleNumber"] = json!(0);
    }
    let e = err(&with(&[("NetworkAcls.json", a)]));
    assert_eq!(e.json_path(), "NetworkAcls[0].Entries[1].RuleNumber");
}

#[test]
fn dangling_subnet_to_vpc() {
    let e = err(&[
        ("Vpcs.json", vpcs()),
        (
            "Subnets.json",
            json!({"Subnets": [{"SubnetId": "subnet-x", "VpcId": "vpc-404", "CidrBlock": "10.4.0.0/24",
                "AvailabilityZone": "us-east-1a"}]}),
        ),
    ]);
    assert!(matches!(e, IngestError::DanglingReference { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "`Subnets.json`: `Subnets[0].VpcId`: subnet `subnet-x` refers to VPC `vpc-404`, which is not in the snapshot \
         (expected a VPC listed in a `Vpcs` file)"
    );
}

#[test]
fn dangling_associations_and_enis() {
    let e = err(&with(&[(
        "RouteTables.json",
        json!({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"SubnetId": "subnet-a"}, {"SubnetId": "subnet-404"}]}]}),
    )]));
    assert_eq!(e.json_path(), "RouteTables[0].Associations[1].SubnetId");
    assert!(e.to_string().contains("subnet `subnet-404`"), "{e}");
    let e = err(&with(&[(
        "NetworkInterfaces.json",
        json!({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-404",
            "PrivateIpAddress": "10.0.1.9"}]}),
    )]));
    assert_eq!(e.json_path(), "NetworkInterfaces[0].SubnetId");
    assert!(
        e.to_string()
            .contains("network interface `eni-1` refers to subnet `subnet-404`"),
        "{e}"
    );
}

#[test]
fn a_failed_file_leaves_the_builder_unchanged() {
    let mut b = SnapshotBuilder::new();
    assert!(
        b.add_json("Vpcs.json", None, None, vpcs().to_string().as_bytes())
            .is_ok()
    );
    let bad = json!({"Vpcs": [{"VpcId": "vpc-9", "CidrBlock": "10.9.0.0/16"}], "Subnets": [{"SubnetId": "s"}]});
    assert!(
        b.add_json("Both.json", None, None, bad.to_string().as_bytes())
            .is_err()
    );
    let s = b.finish();
    assert!(s.is_ok_and(|s| s.vpcs.len() == 2));
}

/// A real-world file (the seed network's NACLs, else an inline one): every truncation must be an
/// error, and no garbling may panic.
#[test]
fn garbled_input_never_panics() {
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/seed/aws_configs/accounts/111111111111/us-east-1/NetworkAcls.json");
    let bytes = std::fs::read(real).unwrap_or_else(|_| acls().to_string().into_bytes());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let step = (bytes.len() / 400).max(1);
    for cut in (0..end).step_by(step) {
        let mut b = SnapshotBuilder::new();
        assert!(
            b.add_json("t.json", None, None, &bytes[..cut]).is_err(),
            "truncated at {cut}"
        );
    }
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..2000 {
        let mut g = bytes.clone();
        for _ in 0..=(round % 4) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = g.len().max(1) as u64;
            let at = usize::try_from(seed % len).unwrap_or(0);
            let byte = u8::try_from((seed >> 32) & 0xff).unwrap_or(b'x');
            if let Some(slot) = g.get_mut(at) {
                *slot = [b'"', b'{', b']', b'-', b'9', b'/', b':', byte][usize::from(byte % 8)];
            }
        }
        let mut b = SnapshotBuilder::new();
        let _ = b.add_json("g.json", Some("111111111111"), Some("us-east-1"), &g);
        let _ = b.finish();
    }
}

/// The fast path (plain `serde_json`, re-parsed with path tracking only on failure) reports every
/// error exactly as a parse tracked from the start does: same class, file, JSON path, line,
/// column and message.
#[test]
fn fast_parse_locates_errors_like_a_tracked_parse() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/seed/aws_configs/accounts/111111111111/us-east-1");
    let mut inputs: Vec<Vec<u8>> = [
        "NetworkAcls.json",
        "SecurityGroups.json",
        "NetworkInterfaces.json",
        "Reservations.json",
        "RouteTables.json",
        "Subnets.json",
    ]
    .iter()
    .filter_map(|f| std::fs::read(dir.join(f)).ok())
    .collect();
    inputs.push(acls().to_string().into_bytes());
    inputs.push(enis().to_string().into_bytes());
    let same = |g: &[u8]| {
        let fast = crate::parse("g.json", g).map(|_| ());
        let tracked = crate::parse_tracked("g.json", g).map(|_| ());
        assert_eq!(
            format!("{fast:?}"),
            format!("{tracked:?}"),
            "{}",
            String::from_utf8_lossy(g)
        );
    };
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for bytes in &inputs {
        let step = (bytes.len() / 150).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            same(&bytes[..cut]);
        }
        for round in 0..400 {
            let mut g = bytes.clone();
            for _ in 0..=(round % 3) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let len = g.len().max(1) as u64;
                let at = usize::try_from(seed % len).unwrap_or(0);
                let byte = u8::try_from((seed >> 32) & 0xff).unwrap_or(b'x');
                if let Some(slot) = g.get_mut(at) {
                    *slot = [b'"', b'{', b']', b'-', b'9', b'/', b':', byte][usize::from(byte % 8)];
                }
            }
            same(&g);
        }
    }
}

const NLB: &str = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/nlb/1";
const ALB: &str = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/alb/2";
const GWLB: &str = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/gwy/gw/3";

fn load_balancers() -> Value {
    json!({"LoadBalancers": [
        {"LoadBalancerArn": NLB, "LoadBalancerName": "nlb", "Type": "network", "Scheme": "internet-facing",
         "State": {"Code": "active"}, "VpcId": "vpc-1",
         "AvailabilityZones": [{"ZoneName": "us-east-1b", "SubnetId": "subnet-b",
            "LoadBalancerAddresses": [{"IpAddress": "198.51.100.40", "AllocationId": "eipalloc-40"}]}]},
        {"LoadBalancerArn": GWLB, "LoadBalancerName": "gw", "Type": "gateway", "Scheme": "internal",
         "State": {"Code": "provisioning"}, "VpcId": "vpc-far"},
        {"LoadBalancerArn": ALB, "LoadBalancerName": "alb", "Type": "application", "Scheme": "internal",
         "State": {"Code": "active"}, "VpcId": "vpc-1",
         "AvailabilityZones": [{"SubnetId": "subnet-a"}, {"SubnetId": "subnet-b"}]}
    ]})
}

/// ALB nodes (plain `interface` ENIs), a classic load balancer's node and an orphan.
fn lb_enis() -> Value {
    json!({"NetworkInterfaces": [
        {"NetworkInterfaceId": "eni-alb1", "SubnetId": "subnet-b", "InterfaceType": "interface",
         "Description": "ELB app/alb/2", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.2.81", "Primary": true}]},
        {"NetworkInterfaceId": "eni-alb0", "SubnetId": "subnet-a", "InterfaceType": "interface",
         "Description": "ELB app/alb/2", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.80", "Primary": true}]},
        {"NetworkInterfaceId": "eni-clb", "SubnetId": "subnet-a", "InterfaceType": "interface",
         "Description": "ELB classic-web", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.90", "Primary": true}]},
        {"NetworkInterfaceId": "eni-orphan", "SubnetId": "subnet-a", "InterfaceType": "network_load_balancer",
         "Description": "ELB net/gone/9", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.91", "Primary": true}]}
    ]})
}

#[test]
fn load_balancers_listeners_from_both_shapes_and_node_enis() {
    let s = ok(&with(&[
        ("NetworkInterfaces.json", enis()),
        ("LbNetworkInterfaces.json", lb_enis()),
        ("LoadBalancers.json", load_balancers()),
        (
            "LoadBalancerListeners.json",
            json!({"LoadBalancerListeners": [
                {"LoadBalancerArn": NLB, "Listeners": [
                    {"LoadBalancerArn": NLB, "Port": 443, "Protocol": "TLS"},
                    {"Port": 80, "Protocol": "tcp"},
                    {"LoadBalancerArn": NLB, "Port": 53, "Protocol": "TCP_UDP"}]},
                {"LoadBalancerArn": GWLB, "Listeners": [{"LoadBalancerArn": GWLB}]}]}),
        ),
        (
            "Listeners.json",
            json!({"Listeners": [
                {"ListenerArn": "l-1", "LoadBalancerArn": ALB, "Port": 443, "Protocol": "HTTPS"},
                {"ListenerArn": "l-2", "LoadBalancerArn": ALB, "Port": 80, "Protocol": "HTTP"},
                {"ListenerArn": "l-3", "LoadBalancerArn": NLB, "Port": 80, "Protocol": "TCP"},
                {"ListenerArn": "l-4", "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/gone/8",
                 "Port": 80, "Protocol": "HTTP"}]}),
        ),
    ]));
    let arns: Vec<&str> = s.load_balancers.iter().map(|l| l.arn.as_str()).collect();
    assert_eq!(arns, [ALB, GWLB, NLB], "sorted by ARN");
    let [alb, gw, nlb] = [0, 1, 2].map(|i| &s.load_balancers[i]);
    let listeners = |lb: &LoadBalancer| -> Vec<(String, u16)> {
        lb.listeners
            .iter()
            .map(|l| (l.protocol.clone(), l.port))
            .collect()
    };
    assert_eq!(
        listeners(nlb),
        [
            ("TCP_UDP".to_string(), 53),
            ("TCP".to_string(), 80),
            ("TLS".to_string(), 443)
        ],
        "wrapped and single-call listeners merged, sorted and deduplicated"
    );
    assert_eq!(
        listeners(alb),
        [("HTTP".to_string(), 80), ("HTTPS".to_string(), 443)]
    );
    assert_eq!(
        listeners(gw),
        [("GENEVE".to_string(), 6081)],
        "gateway listeners report no port or protocol"
    );
    assert!(nlb.listeners.iter().any(|l| l.accepts(17, 53)));
    assert_eq!(nlb.kind, LoadBalancerKind::Network);
    assert_eq!(alb.kind, LoadBalancerKind::Application);
    assert_eq!(gw.kind, LoadBalancerKind::Gateway);
    assert_eq!(
        (nlb.name.as_str(), nlb.scheme.as_str(), nlb.state.as_str()),
        ("nlb", "internet-facing", "active")
    );
    assert_eq!(nlb.vpc, Some(VpcIx(0)));
    assert_eq!(gw.vpc, None);

    let eni = |id: &str| s.index.eni.get(id).copied();
    let nlb_enis: Vec<&str> = nlb.enis.iter().map(|&e| s.eni(e).id.as_str()).collect();
    assert_eq!(nlb_enis, ["eni-lb"]);
    let alb_enis: Vec<&str> = alb.enis.iter().map(|&e| s.eni(e).id.as_str()).collect();
    assert_eq!(alb_enis, ["eni-alb0", "eni-alb1"], "sorted");
    assert!(gw.enis.is_empty());
    for (lb_ix, lb) in s.load_balancers.iter().enumerate() {
        for e in &lb.enis {
            assert_eq!(s.index.lb_of_eni.get(e), Some(&lb_ix));
        }
    }
    assert_eq!(s.index.lb_of_eni.len(), 3);
    for unlinked in ["eni-clb", "eni-orphan", "eni-web"] {
        assert!(
            eni(unlinked).is_some_and(|e| !s.index.lb_of_eni.contains_key(&e)),
            "{unlinked}"
        );
    }
    assert_eq!(
        eni("eni-lb").and_then(|e| s.eni(e).public_for(ip("10.0.2.40")).map(|a| a.to_string())),
        Some("198.51.100.40".into()),
        "the node's Elastic IP from LoadBalancerAddresses"
    );

    let m = messages(&s);
    assert!(!m.iter().any(|w| w.contains("not modelled")), "{m:?}");
    let expected = [
        "listener HTTP 80 belongs to load balancer `arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/gone/8`, which is not in the snapshot: ignored",
        "network interface `eni-orphan` belongs to load balancer `net/gone/9`, which is not in the snapshot",
        "load balancer `gw` is in VPC `vpc-far`, which is not in the snapshot",
        "load balancer `gw` has no network interface in the snapshot",
    ];
    for e in expected {
        assert!(m.iter().any(|w| w == e), "{e}: {m:?}");
    }
    assert!(!m.iter().any(|w| w.contains("eni-clb")), "{m:?}");
    let unknown = s
        .warnings
        .iter()
        .find(|w| w.message.starts_with("listener HTTP 80"));
    assert_eq!(
        unknown.map(|w| (w.file.as_str(), w.path.as_str())),
        Some(("Listeners.json", "Listeners[3]"))
    );
}

#[test]
fn listener_and_load_balancer_errors_are_located() {
    let e = err(&[(
        "LoadBalancerListeners.json",
        json!({"LoadBalancerListeners": [{"LoadBalancerArn": NLB, "Listeners": [
            {"Port": 80, "Protocol": "TCP"}, {"Port": 70000, "Protocol": "TCP"}]}]}),
    )]);
    assert!(matches!(e, IngestError::InvalidValue { .. }), "{e}");
    assert_eq!(e.json_path(), "LoadBalancerListeners[0].Listeners[1].Port");
    assert_eq!(e.file(), "LoadBalancerListeners.json");

    let e = err(&[(
        "Listeners.json",
        json!({"Listeners": [{"LoadBalancerArn": NLB, "Port": 80}]}),
    )]);
    assert!(matches!(e, IngestError::MissingField { .. }), "{e}");
    assert_eq!(e.json_path(), "Listeners[0].Protocol");

    let e = err(&[(
        "Listeners.json",
        json!({"Listeners": [{"LoadBalancerArn": NLB, "Port": "80", "Protocol": "TCP"}]}),
    )]);
    assert_eq!(e.json_path(), "Listeners[0].Port");

    let e = err(&[(
        "LoadBalancers.json",
        json!({"LoadBalancers": [{"LoadBalancerName": "x", "Type": "network"}]}),
    )]);
    assert!(matches!(e, IngestError::MissingField { .. }), "{e}");
    assert_eq!(e.json_path(), "LoadBalancers[0].LoadBalancerArn");

    let e = err(&[(
        "LoadBalancers.json",
        json!({"LoadBalancers": [{"LoadBalancerArn": NLB}, {"LoadBalancerArn": "arn:x"}]}),
    )]);
    assert_eq!(
        e.json_path(),
        "LoadBalancers[1].Type",
        "the first one's type is in its ARN"
    );

    // Not an error: a listener without its load balancer's ARN (another service's `Listeners`)
    // and an unknown protocol.
    let s = ok(&[(
        "Listeners.json",
        json!({"Listeners": [{"ListenerArn": "arn:aws:globalaccelerator::1:accelerator/a/listener/b",
                              "PortRanges": [{"FromPort": 80, "ToPort": 80}], "Protocol": "TCP"},
                             {"LoadBalancerArn": NLB, "Port": 443, "Protocol": "QUIC"}]}),
    )]);
    let m = messages(&s);
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(m.iter().any(|w| w.contains("without the ARN")), "{m:?}");
    assert!(m.iter().any(|w| w.contains("`QUIC`")), "{m:?}");
}

fn nat_gateways_with_history() -> Value {
    json!({"NatGateways": [
        {"NatGatewayId": "nat-1", "SubnetId": "subnet-a", "State": "available",
         "NatGatewayAddresses": [{"PrivateIp": "10.0.1.5", "PublicIp": "198.51.100.5", "NetworkInterfaceId": "eni-nat"}]},
        {"NatGatewayId": "nat-old", "SubnetId": "subnet-gone", "State": "deleted",
         "NatGatewayAddresses": [{"PrivateIp": "10.9.0.5", "PublicIp": "198.51.100.66", "NetworkInterfaceId": "eni-old"}]},
        {"NatGatewayId": "nat-failed", "SubnetId": "subnet-a", "State": "failed",
         "NatGatewayAddresses": [{"PublicIp": "198.51.100.67"}]},
        {"NatGatewayId": "nat-reused", "SubnetId": "subnet-gone", "State": "deleted",
         "NatGatewayAddresses": [{"PublicIp": "198.51.100.12"}, {"PublicIp": "198.51.100.77"}]}
    ]})
}

#[test]
fn dead_public_ips_from_deleted_nats_and_idle_elastic_ips() {
    let s = ok(&with(&[
        ("NetworkInterfaces.json", enis()),
        ("NatGateways.json", nat_gateways_with_history()),
        (
            "Addresses.json",
            json!({"Addresses": [
                {"PublicIp": "198.51.100.12", "AllocationId": "eipalloc-12", "AssociationId": "eipassoc-12",
                 "NetworkInterfaceId": "eni-web", "PrivateIpAddress": "10.0.1.12"},
                {"PublicIp": "198.51.100.77", "AllocationId": "eipalloc-77", "Domain": "vpc"},
                {"PublicIp": "198.51.100.78", "AllocationId": "eipalloc-78", "AssociationId": "eipassoc-78",
                 "NetworkInterfaceId": "eni-gone", "PrivateIpAddress": "10.0.1.200"},
                {"PublicIp": "198.51.100.79", "AllocationId": "eipalloc-79", "AssociationId": "eipassoc-79",
                 "InstanceId": "i-classic"}]}),
        ),
    ]));
    let dead: std::collections::BTreeMap<String, &str> = s
        .index
        .dead_public_ip
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_str()))
        .collect();
    assert_eq!(
        dead,
        [
            (
                "198.51.100.66",
                "public IP of NAT gateway nat-old (deleted)"
            ),
            (
                "198.51.100.67",
                "public IP of NAT gateway nat-failed (failed)"
            ),
            ("198.51.100.77", "Elastic IP eipalloc-77 (not associated)"),
            (
                "198.51.100.78",
                "Elastic IP eipalloc-78 (associated with eni-gone, which is not in the snapshot)"
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    );
    // A live association wins: the deleted NAT's old address now belongs to eni-web, and the
    // available NAT's address is held by its ENI.
    for live in ["198.51.100.12", "198.51.100.5", "203.0.113.10"] {
        let a: std::net::Ipv4Addr = live.parse().unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
        assert!(s.index.public_ip.contains_key(&a), "{live}");
        assert!(!s.index.dead_public_ip.contains_key(&a), "{live}");
    }
    assert_eq!(
        s.nat_gateways
            .iter()
            .map(|n| n.id.as_str())
            .collect::<Vec<_>>(),
        ["nat-1", "nat-failed"],
        "deleted NAT gateways in deleted subnets are still skipped"
    );
    assert!(
        messages(&s)
            .iter()
            .any(|w| w.contains("`198.51.100.78` is associated with network interface `eni-gone`")),
        "{:?}",
        s.warnings
    );
}

// ---------------------------------------------------------------- required fields

fn subnet_json(extra: Value) -> Value {
    let mut s = json!({"SubnetId": "subnet-x", "VpcId": "vpc-1", "AvailabilityZone": "us-east-1a"});
    if let (Some(o), Some(e)) = (s.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    json!({"Subnets": [s]})
}

#[test]
fn subnet_without_any_cidr_is_an_error() {
    let e = err(&[("Vpcs.json", vpcs()), ("S.json", subnet_json(json!({})))]);
    assert!(
        matches!(&e, IngestError::MissingField { field, .. } if field == "CidrBlock"),
        "{e:?}"
    );
    assert_eq!(e.json_path(), "Subnets[0].CidrBlock");
    assert_eq!(
        e.to_string(),
        "`S.json`: `Subnets[0].CidrBlock`: missing required field `CidrBlock`"
    );
    // A disassociated IPv6 block does not count.
    let dead6 = json!({"Ipv6CidrBlockAssociationSet": [
        {"Ipv6CidrBlock": "2600:1f18:1:9::/64", "Ipv6CidrBlockState": {"State": "disassociated"}}]});
    let e = err(&[("Vpcs.json", vpcs()), ("S.json", subnet_json(dead6))]);
    assert_eq!(e.json_path(), "Subnets[0].CidrBlock");
    // An IPv6-only subnet is fine.
    let v6 = json!({"Ipv6CidrBlockAssociationSet": [
        {"Ipv6CidrBlock": "2600:1f18:1:9::/64", "Ipv6CidrBlockState": {"State": "associated"}}]});
    let s = ok(&[("Vpcs.json", vpcs()), ("S.json", subnet_json(v6))]);
    assert_eq!(s.subnets[0].cidrs, vec![net("2600:1f18:1:9::/64")]);
    assert!(
        s.warnings.iter().all(|w| !w.file.starts_with('S')),
        "{:?}",
        s.warnings
    );
}

#[test]
fn vpc_without_any_live_cidr_is_an_error() {
    let e = err(&[("Vpcs.json", json!({"Vpcs": [{"VpcId": "vpc-1"}]}))]);
    assert_eq!(e.json_path(), "Vpcs[0].CidrBlock");
    assert!(matches!(e, IngestError::MissingField { .. }), "{e:?}");
    let e = err(&[(
        "Vpcs.json",
        json!({"Vpcs": [{"VpcId": "vpc-1", "CidrBlockAssociationSet": [
            {"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "disassociated"}}]}]}),
    )]);
    assert_eq!(e.json_path(), "Vpcs[0].CidrBlock");
}

#[test]
fn nacl_entry_fields_that_change_meaning_are_required() {
    let case = |entry: Value| {
        err(&with(&[(
            "NetworkAcls.json",
            json!({"NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "Entries": [entry]}]}),
        )]))
    };
    let e = case(
        json!({"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}),
    );
    assert_eq!(e.json_path(), "NetworkAcls[0].Entries[0].Egress");
    assert!(matches!(e, IngestError::MissingField { .. }), "{e:?}");
    let e =
        case(json!({"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false}));
    assert_eq!(e.json_path(), "NetworkAcls[0].Entries[0].CidrBlock");
    let e = case(
        json!({"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false,
        "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 80}}),
    );
    assert_eq!(e.json_path(), "NetworkAcls[0].Entries[0].PortRange.To");
    let e = case(
        json!({"RuleNumber": 100, "Protocol": "1", "RuleAction": "allow", "Egress": false,
        "CidrBlock": "0.0.0.0/0", "IcmpTypeCode": {"Code": -1}}),
    );
    assert_eq!(e.json_path(), "NetworkAcls[0].Entries[0].IcmpTypeCode.Type");
    // A TCP entry without `PortRange` still means every port.
    let s = ok(&with(&[(
        "NetworkAcls.json",
        json!({"NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "Entries": [
            {"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"}]}]}),
    )]));
    assert_eq!(s.network_acls[0].inbound[0].ports, None);
}

#[test]
fn security_group_ports_are_never_guessed() {
    let case = |perm: Value| {
        build(&with(&[(
            "SecurityGroups.json",
            json!({"SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1", "IpPermissions": [perm]}]}),
        )]))
    };
    let e = case(json!({"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}));
    assert!(
        e.as_ref()
            .is_err_and(|e| e.json_path() == "SecurityGroups[0].IpPermissions[0].FromPort"),
        "{e:?}"
    );
    let e =
        case(json!({"IpProtocol": "udp", "FromPort": 53, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}));
    assert!(
        e.as_ref()
            .is_err_and(|e| e.json_path() == "SecurityGroups[0].IpPermissions[0].ToPort"),
        "{e:?}"
    );
    let e = case(json!({"IpProtocol": "icmp", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}));
    assert!(e.is_err(), "{e:?}");
    let s = case(json!({"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}));
    assert!(s.is_ok(), "{s:?}");
}

#[test]
fn interface_without_any_address_is_an_error() {
    let e = err(&with(&[(
        "NetworkInterfaces.json",
        json!({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a"}]}),
    )]));
    assert_eq!(e.json_path(), "NetworkInterfaces[0].PrivateIpAddress");
    let e = err(&with(&[(
        "NetworkInterfaces.json",
        json!({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.1.9"}]}),
    )]));
    assert_eq!(e.json_path(), "NetworkInterfaces[0].SubnetId");
    // IPv6-only interfaces are fine.
    let s = ok(&with(&[(
        "NetworkInterfaces.json",
        json!({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a",
            "Ipv6Addresses": [{"Ipv6Address": "2600:1f18:1:1::9"}]}]}),
    )]));
    assert_eq!(s.enis.len(), 1);
}

#[test]
fn tgw_attachment_needs_its_resource() {
    let e = err(&[(
        "TransitGatewayAttachments.json",
        json!({"TransitGatewayAttachments": [
            {"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1", "ResourceType": "vpc"}]}),
    )]);
    assert_eq!(e.json_path(), "TransitGatewayAttachments[0].ResourceId");
}

// ---------------------------------------------------------------- consistency warnings

fn warning_at<'a>(s: &'a Snapshot, path: &str) -> Vec<&'a str> {
    s.warnings
        .iter()
        .filter(|w| w.path == path)
        .map(|w| w.message.as_str())
        .collect()
}

#[test]
fn host_bits_are_cleared_with_a_warning() {
    let s = ok(&[
        ("Vpcs.json", vpcs()),
        ("S.json", subnet_json(json!({"CidrBlock": "10.0.101.5/24"}))),
        (
            "RouteTables.json",
            json!({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
                {"DestinationCidrBlock": "192.168.7.1/16", "GatewayId": "igw-1"}]}]}),
        ),
        (
            "SecurityGroups.json",
            json!({"SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1", "IpPermissions": [
                {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "172.16.3.4/12"}]}]}]}),
        ),
    ]);
    assert_eq!(s.subnets[0].cidrs, vec![net("10.0.101.0/24")]);
    assert_eq!(
        warning_at(&s, "Subnets[0].CidrBlock"),
        ["CIDR `10.0.101.5/24` has host bits set: read as `10.0.101.0/24`"]
    );
    assert!(
        s.route_tables[0]
            .routes
            .iter()
            .any(|r| r.dest == RouteDest::Cidr(net("192.168.0.0/16")))
    );
    assert_eq!(
        warning_at(&s, "RouteTables[0].Routes[0].DestinationCidrBlock").len(),
        1
    );
    assert_eq!(
        s.security_groups[0].ingress[1].peer,
        SgPeer::Cidr(net("172.16.0.0/12"))
    );
    assert_eq!(
        warning_at(&s, "SecurityGroups[0].IpPermissions[0].IpRanges[1].CidrIp").len(),
        1
    );
    assert_eq!(
        s.warnings.len(),
        3 + 2,
        "and no main table, no NACL: {:?}",
        s.warnings
    );
}

#[test]
fn subnets_outside_their_vpc_overlapping_or_oversized_warn() {
    let s = ok(&[
        ("Vpcs.json", vpcs()),
        (
            "Vpcs3.json",
            json!({"Vpcs": [{"VpcId": "vpc-3", "CidrBlock": "10.0.0.0/16"}]}),
        ),
        (
            "Subnets.json",
            json!({"Subnets": [
                {"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"},
                {"SubnetId": "subnet-2", "VpcId": "vpc-1", "CidrBlock": "10.0.1.128/25", "AvailabilityZone": "us-east-1a"},
                {"SubnetId": "subnet-3", "VpcId": "vpc-1", "CidrBlock": "10.5.0.0/24", "AvailabilityZone": "us-east-1a"},
                {"SubnetId": "subnet-4", "VpcId": "vpc-1", "CidrBlock": "10.1.0.0/29", "AvailabilityZone": "us-east-1a"},
                {"SubnetId": "subnet-5", "VpcId": "vpc-3", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"},
                {"SubnetId": "subnet-6", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-east-1a",
                 "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18:1:1::/64"}]},
                {"SubnetId": "subnet-7", "VpcId": "vpc-1", "CidrBlock": "10.0.3.0/24", "AvailabilityZone": "us-east-1a",
                 "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18:1:1::/64"}]}]}),
        ),
    ]);
    let m = |id: &str| -> Vec<String> {
        s.index
            .subnet
            .get(id)
            .map(|&x| {
                let path = s.subnet(x).origin.path.clone();
                warning_at(&s, &path)
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(m("subnet-1").is_empty(), "{:?}", m("subnet-1"));
    assert_eq!(
        m("subnet-2"),
        [
            "subnet `subnet-2` (10.0.1.128/25) overlaps subnet `subnet-1` (10.0.1.0/24) of the same VPC"
        ]
    );
    assert_eq!(
        m("subnet-3"),
        [
            "subnet `subnet-3` CIDR `10.5.0.0/24` is outside every CIDR of its VPC `vpc-1` (10.0.0.0/16, 10.1.0.0/16)"
        ]
    );
    assert_eq!(
        m("subnet-4"),
        [
            "subnet `subnet-4` has CIDR `10.1.0.0/29`, but AWS allows IPv4 subnets from /16 to /28 only"
        ]
    );
    assert!(
        m("subnet-5").is_empty(),
        "another VPC may reuse the block: {:?}",
        m("subnet-5")
    );
    assert_eq!(
        m("subnet-7"),
        [
            "subnet `subnet-7` (2600:1f18:1:1::/64) overlaps subnet `subnet-6` (2600:1f18:1:1::/64) of the same VPC"
        ]
    );
}

#[test]
fn interface_address_outside_its_subnet_warns() {
    let s = ok(&with(&[(
        "NetworkInterfaces.json",
        json!({"NetworkInterfaces": [
            {"NetworkInterfaceId": "eni-ok", "SubnetId": "subnet-a", "PrivateIpAddress": "10.0.1.9",
             "Ipv6Addresses": [{"Ipv6Address": "2600:1f18:1:1::9"}]},
            {"NetworkInterfaceId": "eni-bad", "SubnetId": "subnet-a", "PrivateIpAddress": "10.0.1.10",
             "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.10", "Primary": true},
                                    {"PrivateIpAddress": "10.0.2.10", "Primary": false}]}]}),
    )]));
    assert!(
        warning_at(&s, "NetworkInterfaces[0]").is_empty(),
        "{:?}",
        s.warnings
    );
    assert_eq!(
        warning_at(&s, "NetworkInterfaces[1]"),
        [
            "network interface `eni-bad` address `10.0.2.10` is outside the CIDRs of its subnet `subnet-a` \
          (10.0.1.0/24, 2600:1f18:1:1::/64)"
        ]
    );
}

// ---------------------------------------------------------------- warnings that survive errors

#[test]
fn an_ignored_file_is_named_by_the_error_it_causes() {
    let e = err(&[("Vpcs.json", Value::Null), ("Subnets.json", subnets())]);
    assert!(
        matches!(&e, IngestError::DanglingReference { note: Some(_), .. }),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "`Subnets.json`: `Subnets[1].VpcId`: subnet `subnet-a` refers to VPC `vpc-1`, which is not in the \
         snapshot (expected a VPC listed in a `Vpcs` file) (note: `Vpcs.json` was ignored: not a describe-* \
         output (the top level is null))"
    );
    let w: Vec<(&str, &str, &str)> = e
        .warnings()
        .iter()
        .map(|w| (w.file.as_str(), w.path.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        w,
        [(
            "Vpcs.json",
            "$",
            "not a describe-* output (the top level is null): file ignored"
        )],
        "the whole document is `$`, never an empty path"
    );
    // An unrelated ignored file is named only when no ignored file looks relevant.
    let e = err(&[
        ("Vpcs.json", json!({"Vpcz": []})),
        ("notes.json", json!("x")),
        ("Subnets.json", subnets()),
    ]);
    assert!(
        e.to_string()
            .ends_with("(note: `Vpcs.json` was ignored: only unknown top-level keys (`Vpcz`))"),
        "{e}"
    );
}

#[test]
fn warnings_before_a_failed_file_go_with_its_error() {
    let mut b = SnapshotBuilder::new();
    assert!(b.add_json("a.json", None, None, b"[]").is_ok());
    assert!(b.add_json("b.json", None, None, b"{}").is_ok());
    assert_eq!(b.warnings().len(), 2);
    let e = b.add_json("c.json", None, None, b"{\"Vpcs\": [{}]}");
    let files: Vec<&str> = e
        .as_ref()
        .map(|_| Vec::new())
        .unwrap_or_else(|e| e.warnings().iter().map(|w| w.file.as_str()).collect());
    assert_eq!(files, ["a.json", "b.json"]);
    // And those the resolver found before failing.
    let e = err(&with(&[
        (
            "RouteTables.json",
            json!({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [
                {"GatewayId": "igw-1"}]}]}),
        ),
        (
            "NetworkInterfaces.json",
            json!({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-404",
                "PrivateIpAddress": "10.0.1.9"}]}),
        ),
    ]));
    assert_eq!(e.json_path(), "NetworkInterfaces[0].SubnetId");
    assert!(
        e.warnings()
            .iter()
            .any(|w| w.message.contains("edge association")),
        "{:?}",
        e.warnings()
    );
}

// ---------------------------------------------------------------- escaping and encoding

fn printable(s: &str) -> bool {
    !s.chars().any(|c| {
        c.is_control()
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

#[test]
fn input_text_cannot_inject_terminal_sequences() {
    let evil = "\n\u{1b}[32mOK";
    let mut a = acls();
    if let Some(entry) = a.pointer_mut("/NetworkAcls/0/Entries/0") {
        entry["CidrBlock"] = json!(evil);
    }
    let e = err(&with(&[("evil\u{202E}nosj.json", a)]));
    let msg = e.to_string();
    assert!(printable(&msg), "{msg:?}");
    assert!(msg.contains("`\\n\\u{1b}[32mOK`"), "{msg}");
    assert!(msg.starts_with("`evil\\u{202e}nosj.json`: "), "{msg}");
    assert_eq!(
        e.file(),
        "evil\u{202E}nosj.json",
        "the field keeps the label as given"
    );

    let s = ok(&[
        ("Vpcs.json", vpcs()),
        (
            "w\n.json",
            json!({"Bad\u{2066}Key\r\nwarning: all good": 1}),
        ),
    ]);
    for w in &s.warnings {
        assert!(
            printable(&w.file) && printable(&w.path) && printable(&w.message),
            "{w:?}"
        );
    }
    assert!(
        s.warnings.iter().any(|w| w.file == "w\\n.json"
            && w.message
                == "unknown top-level key `Bad\\u{2066}Key\\r\\nwarning: all good`: ignored"),
        "{:?}",
        s.warnings
    );
    // A dangling id from the input is escaped too.
    let e = err(&[
        ("Vpcs.json", vpcs()),
        (
            "S.json",
            json!({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-\u{1b}]0;pwned\u{7}",
            "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"}]}),
        ),
    ]);
    assert!(printable(&e.to_string()), "{e}");
}

#[test]
fn escape_is_idempotent_and_leaves_plain_text_alone() {
    use crate::escape;
    assert!(matches!(
        escape("`vpc-1` 10.0.0.0/16 ü"),
        std::borrow::Cow::Borrowed(_)
    ));
    let once = escape("a\tb\u{85}c\u{2069}\u{7f}\\n");
    assert_eq!(once, "a\\tb\\u{85}c\\u{2069}\\u{7f}\\n");
    assert_eq!(escape(&once), once);
}

#[test]
fn utf8_bom_is_skipped() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(vpcs().to_string().into_bytes());
    let mut b = SnapshotBuilder::new();
    assert!(b.add_json("Vpcs.json", None, None, &bytes).is_ok());
    assert!(b.finish().is_ok_and(|s| s.vpcs.len() == 2));
}

const TG: &str = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web/5";

fn target_group_files() -> Vec<(&'static str, Value)> {
    with(&[
        ("NetworkInterfaces.json", enis()),
        ("LbNetworkInterfaces.json", lb_enis()),
        ("LoadBalancers.json", load_balancers()),
        (
            "LoadBalancerListeners.json",
            json!({"LoadBalancerListeners": [{"LoadBalancerArn": NLB, "Listeners": [
                {"Port": 80, "Protocol": "TCP", "DefaultActions": [
                    {"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": TG, "Weight": 1}]}}]},
                {"Port": 81, "Protocol": "TCP", "DefaultActions": [{"Type": "fixed-response"}]},
                {"Port": 82, "Protocol": "TCP"}]}]}),
        ),
        (
            "TargetGroups.json",
            json!({"TargetGroups": [{"TargetGroupArn": TG, "TargetGroupName": "web", "TargetType": "ip",
                "Protocol": "TCP", "Port": 8080, "VpcId": "vpc-1", "HealthCheckEnabled": true,
                "HealthCheckProtocol": "HTTP", "HealthCheckPort": "8081", "LoadBalancerArns": [NLB]}]}),
        ),
        (
            "LoadBalancerTargetHealth.json",
            json!({"LoadBalancerTargetHealth": [{"TargetGroupArn": TG, "TargetHealthDescriptions": [
                {"Target": {"Id": "10.0.2.10", "Port": 8080, "AvailabilityZone": "us-east-1b"},
                 "TargetHealth": {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"}},
                {"Target": {"Id": "10.0.1.10"}, "TargetHealth": {"State": "healthy"}}]}]}),
        ),
        (
            "LoadBalancerAttributes.json",
            json!({"LoadBalancerAttributes": [{"LoadBalancerArn": NLB, "Attributes": [
                {"Key": "load_balancing.cross_zone.enabled", "Value": "true"},
                {"Key": "access_logs.s3.bucket", "Value": ""}]}]}),
        ),
        (
            "TargetGroupAttributes.json",
            json!({"TargetGroupAttributes": [{"TargetGroupArn": TG, "Attributes": [
                {"Key": "preserve_client_ip.enabled", "Value": "true"},
                {"Key": "proxy_protocol_v2.enabled", "Value": "false"},
                {"Key": "load_balancing.cross_zone.enabled", "Value": "use_load_balancer_configuration"}]}]}),
        ),
    ])
}

#[test]
fn target_groups_health_and_attributes_are_read() {
    let s = ok(&target_group_files());
    assert_eq!(s.target_groups.len(), 1);
    let tg = &s.target_groups[0];
    assert_eq!(tg.name, "web");
    assert_eq!(tg.target_type, TargetType::Ip);
    assert_eq!(tg.port, Some(8080));
    assert_eq!(
        tg.health_check,
        HealthCheck {
            enabled: true,
            protocol: "HTTP".into(),
            port: Some(8081)
        }
    );
    assert_eq!(tg.preserve_client_ip, Some(true));
    assert_eq!(tg.proxy_protocol_v2, Some(false));
    assert_eq!(tg.cross_zone, None, "use_load_balancer_configuration");
    let nlb = s.load_balancers.iter().position(|l| l.arn == NLB);
    assert_eq!(tg.load_balancers, nlb.into_iter().collect::<Vec<_>>());
    let targets = tg.targets.as_deref().unwrap_or_default();
    let ids: Vec<(&str, &str)> = targets
        .iter()
        .map(|t| (t.id.as_str(), t.state.as_str()))
        .collect();
    assert_eq!(ids, [("10.0.1.10", "healthy"), ("10.0.2.10", "unhealthy")]);
    assert_eq!(
        targets[1].reason.as_deref(),
        Some("Target.FailedHealthChecks")
    );
    let lb = &s.load_balancers[nlb.unwrap_or_default()];
    assert_eq!(lb.cross_zone, Some(true));
    let actions: Vec<(u16, &ListenerAction)> =
        lb.listeners.iter().map(|l| (l.port, &l.action)).collect();
    assert_eq!(
        actions,
        [
            (80, &ListenerAction::Forward(vec![TG.to_string()])),
            (81, &ListenerAction::Answer("fixed-response".into())),
            (82, &ListenerAction::Unknown),
        ]
    );
    assert_eq!(s.target_group_named("web"), Some(0));
    assert_eq!(s.target_group_named(TG), Some(0));
    assert_eq!(s.target_group_named("web/5"), Some(0));
    assert!(
        !messages(&s).iter().any(|m| m.contains("not modelled")),
        "{:?}",
        messages(&s)
    );
}

#[test]
fn target_group_inputs_without_their_parent_are_warnings() {
    let mut files = target_group_files();
    files.push((
        "MoreHealth.json",
        json!({"LoadBalancerTargetHealth": [
            {"TargetHealthDescriptions": [{"Target": {"Id": "10.0.1.11"}}]},
            {"TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/gone/6",
             "TargetHealthDescriptions": []}],
               "TargetHealthDescriptions": [{"Target": {"Id": "10.0.1.12"}}],
               "Attributes": [{"Key": "a", "Value": "b"}]}),
    ));
    files.push((
        "MoreAttributes.json",
        json!({"TargetGroupAttributes": [{"Attributes": []},
            {"TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/gone/6", "Attributes": []}]}),
    ));
    let s = ok(&files);
    let m = messages(&s);
    for want in [
        "target health without the ARN of the target group it belongs to cannot be used: ignored",
        "target health of target group `arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/gone/6`, which is not in the snapshot: ignored",
        "`TargetHealthDescriptions` without the id of the target group it belongs to cannot be used: 1 entries ignored",
        "`Attributes` without the id of the load balancer or target group it belongs to cannot be used: 1 entries ignored",
        "attributes without the ARN of the load balancer or target group they belong to cannot be used: ignored",
    ] {
        assert!(m.iter().any(|w| w == want), "{want}: {m:?}");
    }
    let w = s
        .warnings
        .iter()
        .find(|w| w.message.starts_with("target health without"));
    assert_eq!(
        w.map(|w| (w.file.as_str(), w.path.as_str())),
        Some(("MoreHealth.json", "LoadBalancerTargetHealth[0]"))
    );
}

#[test]
fn malformed_target_group_inputs_are_located_errors() {
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "TargetGroups.json",
            json!({"TargetGroups": [{"TargetGroupArn": TG, "TargetType": "ip", "HealthCheckPort": "http"}]}),
            "TargetGroups[0].HealthCheckPort",
        ),
        (
            "TargetGroups.json",
            json!({"TargetGroups": [{"TargetGroupArn": TG, "TargetType": "ip", "Port": 0}]}),
            "TargetGroups[0].Port",
        ),
        (
            "TargetGroups.json",
            json!({"TargetGroups": [{"TargetGroupArn": TG}]}),
            "TargetGroups[0].TargetType",
        ),
        (
            "TargetGroups.json",
            json!({"TargetGroups": [{"TargetType": "ip"}]}),
            "TargetGroups[0]",
        ),
        (
            "TargetGroups.json",
            json!({"TargetGroups": [{"TargetGroupArn": TG, "TargetType": "ip", "Port": "80"}]}),
            "TargetGroups[0].Port",
        ),
        (
            "LoadBalancerTargetHealth.json",
            json!({"LoadBalancerTargetHealth": [{"TargetGroupArn": TG, "TargetHealthDescriptions": [
                {"Target": {"Id": "10.0.1.10"}}, {"Target": {"Port": 80}}]}]}),
            "LoadBalancerTargetHealth[0].TargetHealthDescriptions[1].Target.Id",
        ),
        (
            "LoadBalancerTargetHealth.json",
            json!({"LoadBalancerTargetHealth": [{"TargetGroupArn": TG, "TargetHealthDescriptions": [
                {"TargetHealth": {"State": "healthy"}}]}]}),
            "LoadBalancerTargetHealth[0].TargetHealthDescriptions[0].Target",
        ),
        (
            "LoadBalancerTargetHealth.json",
            json!({"LoadBalancerTargetHealth": [{"TargetGroupArn": TG, "TargetHealthDescriptions": [
                {"Target": {"Id": "10.0.1.10", "Port": 65536}}]}]}),
            "LoadBalancerTargetHealth[0].TargetHealthDescriptions[0].Target.Port",
        ),
        (
            "TargetGroupAttributes.json",
            json!({"TargetGroupAttributes": [{"TargetGroupArn": TG, "Attributes": [
                {"Key": "stickiness.enabled", "Value": "maybe"},
                {"Key": "preserve_client_ip.enabled", "Value": "yes"}]}]}),
            "TargetGroupAttributes[0].Attributes[1].Value",
        ),
        (
            "LoadBalancerListeners.json",
            json!({"LoadBalancerListeners": [{"LoadBalancerArn": NLB, "Listeners": [
                {"Port": 80, "Protocol": "TCP", "DefaultActions": [{"Type": "forward"}]}]}]}),
            "LoadBalancerListeners[0].Listeners[0].DefaultActions[0].TargetGroupArn",
        ),
        (
            "LoadBalancerListeners.json",
            json!({"LoadBalancerListeners": [{"LoadBalancerArn": NLB, "Listeners": [
                {"Port": 80, "Protocol": "TCP", "DefaultActions": [{"TargetGroupArn": TG}]}]}]}),
            "LoadBalancerListeners[0].Listeners[0].DefaultActions[0].Type",
        ),
    ];
    for (file, doc, path) in cases {
        let e = err(&[(file, doc.clone())]);
        assert_eq!(e.file(), file, "{e}");
        assert!(
            e.json_path().starts_with(path),
            "{doc}: want {path}, got {} ({e})",
            e.json_path()
        );
        assert!(!e.to_string().is_empty());
    }
}

const LISTENER: &str =
    "arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/alb/2/0000000000000443";

fn rule_arn(id: &str) -> String {
    format!("{}/{id}", LISTENER.replace(":listener/", ":listener-rule/"))
}

#[test]
fn listener_rules_join_their_listener_by_arn() {
    let mut files = with(&[
        ("NetworkInterfaces.json", enis()),
        ("LbNetworkInterfaces.json", lb_enis()),
        ("LoadBalancers.json", load_balancers()),
        (
            "Listeners.json",
            json!({"Listeners": [{"ListenerArn": LISTENER, "LoadBalancerArn": ALB, "Port": 443,
                "Protocol": "HTTPS", "DefaultActions": [{"Type": "fixed-response"}]}]}),
        ),
    ]);
    files.push((
        "Rules.json",
        json!({"Rules": [
            {"RuleArn": rule_arn("c"), "Priority": "default", "IsDefault": true, "Conditions": [],
             "Actions": [{"Type": "fixed-response"}]},
            {"RuleArn": rule_arn("b"), "Priority": "20", "IsDefault": false,
             "Conditions": [{"Field": "path-pattern", "Values": ["/api/*"]}],
             "Actions": [{"Type": "forward", "TargetGroupArn": TG}]},
            {"RuleArn": rule_arn("a"), "Priority": "10", "IsDefault": false,
             "Conditions": [{"Field": "source-ip", "SourceIpConfig": {"Values": ["198.51.100.0/24", "10.0.0.5/32"]}}],
             "Actions": [{"Type": "redirect"}]},
            {"RuleArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:listener-rule/app/gone/9/1/2",
             "Priority": "1", "Conditions": [], "Actions": []}]}),
    ));
    let s = ok(&files);
    let rules: Vec<ListenerRule> = s
        .load_balancers
        .iter()
        .filter(|l| l.arn == ALB)
        .flat_map(|l| l.listeners.iter().flat_map(|x| x.rules.clone()))
        .collect();
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert_eq!(rules[0].priority, 10);
    let ips: Vec<String> = rules[0].source_ips.iter().map(|n| n.to_string()).collect();
    assert_eq!(ips, ["198.51.100.0/24", "10.0.0.5/32"]);
    assert!(!rules[0].l7);
    assert_eq!(rules[0].action, ListenerAction::Answer("redirect".into()));
    assert_eq!(rules[1].priority, 20);
    assert!(rules[1].l7);
    assert_eq!(rules[1].action, ListenerAction::Forward(vec![TG.into()]));
    assert!(
        messages(&s).iter().any(|m| m
            == "rule of listener `arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/gone/9/1`, which is not in the snapshot: ignored"),
        "{:?}",
        messages(&s)
    );
}

#[test]
fn malformed_listener_rules_are_located_errors() {
    for (doc, path) in [
        (
            json!({"Rules": [{"RuleArn": rule_arn("a"), "Priority": "high", "Conditions": []}]}),
            "Rules[0].Priority",
        ),
        (
            json!({"Rules": [{"RuleArn": rule_arn("a"), "Priority": "1",
                "Conditions": [{"Field": "source-ip", "SourceIpConfig": {"Values": ["10.0.0.0/33"]}}]}]}),
            "Rules[0].Conditions[0].SourceIpConfig.Values[0]",
        ),
        (
            json!({"Rules": [{"RuleArn": "rule-1", "Priority": "1"}]}),
            "Rules[0].RuleArn",
        ),
        (
            json!({"Rules": [{"RuleArn": rule_arn("a"), "Priority": "1",
                "Actions": [{"Type": "forward"}]}]}),
            "Rules[0].Actions[0].TargetGroupArn",
        ),
        (json!({"Rules": [{"Priority": "1"}]}), "Rules[0]"),
    ] {
        let e = err(&[("Rules.json", doc.clone())]);
        assert_eq!(e.file(), "Rules.json");
        assert!(
            e.json_path().starts_with(path),
            "{doc}: want {path}, got {} ({e})",
            e.json_path()
        );
    }
}
