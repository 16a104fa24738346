//! CloudFormation: one YAML template per account and region, `cloudformation/<alias>-<region>.yaml`.

use crate::Files;
use crate::names::Namer;
use pinhole_design::compile::{NSgRule, NVpc, Network, SgPeer, Target};
use serde_json::{Map, Value, json};

/// Tag on Elastic IPs: the address the design assumed for analysis (AWS assigns the real one);
/// reading the template back uses it.
pub const ANALYSIS_IP_TAG: &str = "pinhole:analysis-ip";

fn r(id: &str) -> Value {
    json!({ "Ref": id })
}

fn tags(name: &str, env: &str, extra: Option<(&str, &str)>) -> Value {
    let mut v = vec![
        json!({"Key": "Name", "Value": name}),
        json!({"Key": "Environment", "Value": env}),
    ];
    if let Some((k, x)) = extra {
        v.push(json!({"Key": k, "Value": x}));
    }
    v.push(json!({"Key": "ManagedBy", "Value": "pinhole"}));
    Value::Array(v)
}

fn res(kind: &str, props: Value) -> Value {
    json!({ "Type": kind, "Properties": props })
}

fn with(mut v: Value, key: &str, x: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert(key.to_owned(), x);
    }
    v
}

fn ip_proto(p: i16) -> Value {
    match p {
        -1 => json!("-1"),
        6 => json!("tcp"),
        17 => json!("udp"),
        1 => json!("icmp"),
        p => json!(p.to_string()),
    }
}

fn sg_inline(rule: &NSgRule) -> Option<Value> {
    let SgPeer::Cidr(c) = &rule.peer else {
        return None;
    };
    let mut m = Map::new();
    m.insert("CidrIp".into(), json!(c.to_string()));
    m.insert("Description".into(), json!(rule.description));
    if rule.proto != -1 {
        m.insert("FromPort".into(), json!(rule.from));
        m.insert("ToPort".into(), json!(rule.to));
    }
    m.insert("IpProtocol".into(), ip_proto(rule.proto));
    Some(Value::Object(m))
}

fn stack_name(v: &NVpc) -> String {
    let s: String = format!("{}-{}", v.alias, v.region)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    s
}

/// One template per VPC (account and region).
pub fn cloudformation(net: &Network) -> Files {
    let mut files = Files::new();
    for (vi, v) in net.vpcs.iter().enumerate() {
        let doc = template(net, vi, v);
        files.insert(
            format!("cloudformation/{}.yaml", stack_name(v)),
            crate::yaml::to_string(&doc),
        );
    }
    files
}

fn template(net: &Network, vi: usize, v: &NVpc) -> Value {
    let mut t = Tpl::default();
    for reserved in ["Vpc", "InternetGateway", "InternetGatewayAttachment"] {
        t.n.cfn(reserved);
    }
    let own_param = t.n.cfn(&format!("{}-account-id", v.alias));
    t.params.insert(own_param.clone(), json!({
        "Type": "String", "Default": v.account, "AllowedPattern": "^[0-9]{12}$",
        "Description": format!("account id of {} (the stack refuses to deploy elsewhere)", v.alias),
    }));
    let rules = json!({"DeployOnlyToTheDesignedAccount": {"Assertions": [{
        "Assert": {"Fn::Equals": [r("AWS::AccountId"), r(&own_param)]},
        "AssertDescription": format!("this template is for account {} ({})", v.alias, v.account),
    }]}});
    t.resources.insert("Vpc".into(), res("AWS::EC2::VPC", json!({
        "CidrBlock": v.cidr.to_string(), "EnableDnsHostnames": true, "EnableDnsSupport": true,
        "Tags": tags(&format!("{}-vpc", v.name), &v.env, None),
    })));
    t.outputs.insert(
        // Outputs are named as the parameters of the other stacks that take them.
        Namer::default().cfn(&format!("{}-vpc-id", v.name)),
        json!({"Value": r("Vpc"), "Description": format!("VPC {} of {}", v.cidr, v.name)}),
    );
    if v.igw.is_some() {
        t.resources.insert(
            "InternetGateway".into(),
            res(
                "AWS::EC2::InternetGateway",
                json!({"Tags": tags(&format!("{}-igw", v.name), &v.env, None)}),
            ),
        );
        t.resources.insert(
            "InternetGatewayAttachment".into(),
            res(
                "AWS::EC2::VPCGatewayAttachment",
                json!({"VpcId": r("Vpc"), "InternetGatewayId": r("InternetGateway")}),
            ),
        );
    }
    let subnet_ids: Vec<String> = v.subnets.iter().map(|s| t.n.cfn(&s.name)).collect();
    for (si, s) in v.subnets.iter().enumerate() {
        t.resources.insert(subnet_ids[si].clone(), res("AWS::EC2::Subnet", json!({
            "VpcId": r("Vpc"), "CidrBlock": s.cidr.to_string(), "AvailabilityZone": s.zone,
            "MapPublicIpOnLaunch": s.public, "Tags": tags(&s.name, &v.env, Some(("Tier", &s.tier))),
        })));
    }
    let nat_ids: Vec<String> = v.nats.iter().map(|x| t.n.cfn(&x.name)).collect();
    for (k, nat) in v.nats.iter().enumerate() {
        let eip = t.n.cfn(&format!("{}-eip", nat.name));
        let eip_ip = nat.eip.to_string();
        let eip_tags = tags(
            &format!("{}-eip", nat.name),
            &v.env,
            Some((ANALYSIS_IP_TAG, &eip_ip)),
        );
        t.resources.insert(
            eip.clone(),
            with(
                res("AWS::EC2::EIP", json!({"Domain": "vpc", "Tags": eip_tags})),
                "DependsOn",
                json!("InternetGatewayAttachment"),
            ),
        );
        t.resources.insert(nat_ids[k].clone(), res("AWS::EC2::NatGateway", json!({
            "AllocationId": {"Fn::GetAtt": [eip, "AllocationId"]}, "SubnetId": r(&subnet_ids[nat.subnet]),
            "PrivateIpAddress": nat.private_ip.to_string(),
            "Tags": tags(&nat.name, &v.env, None),
        })));
    }
    let peer_target = peering(&mut t, net, vi, v);
    route_tables(&mut t, v, &subnet_ids, &nat_ids, &peer_target);
    nacls(&mut t, v, &subnet_ids);
    security_groups(&mut t, v);
    let mut doc = Map::new();
    doc.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    doc.insert(
        "Description".into(),
        json!(format!(
            "pinhole: network of {} ({}, account {}) in {}; generated from the design, do not edit",
            v.name, v.env, v.account, v.region
        )),
    );
    doc.insert("Parameters".into(), Value::Object(t.params));
    doc.insert("Rules".into(), rules);
    if !t.conds.is_empty() {
        doc.insert("Conditions".into(), Value::Object(t.conds));
    }
    doc.insert("Resources".into(), Value::Object(t.resources));
    doc.insert("Outputs".into(), Value::Object(t.outputs));
    Value::Object(doc)
}

/// A template being written: its sections, and the logical ids handed out.
#[derive(Default)]
struct Tpl {
    n: Namer,
    params: Map<String, Value>,
    conds: Map<String, Value>,
    resources: Map<String, Value>,
    outputs: Map<String, Value>,
}

/// The peering connections of VPC `vi`: created here when it requests, accepted through a role
/// when it accepts. Returns, per peering, what its routes target and under which condition.
fn peering(t: &mut Tpl, net: &Network, vi: usize, v: &NVpc) -> Vec<(usize, Value, Option<String>)> {
    // Peering: the requester's stack creates the connection, the accepter's stack holds the role
    // that accepts it; each side routes the other's CIDR once the ids are known.
    let mut peer_target: Vec<(usize, Value, Option<String>)> = Vec::new();
    for (pi, p) in net.peerings.iter().enumerate() {
        if p.requester != vi && p.accepter != vi {
            continue;
        }
        let other = &net.vpcs[if p.requester == vi {
            p.accepter
        } else {
            p.requester
        }];
        let acct_param = t.n.cfn(&format!("{}-account-id", other.alias));
        t.params.entry(acct_param.clone()).or_insert_with(|| {
            json!({
                "Type": "String", "Default": other.account, "AllowedPattern": "^[0-9]{12}$",
                "Description": format!("account id of {}", other.alias),
            })
        });
        if p.requester == vi {
            let vpc_param = t.n.cfn(&format!("{}-vpc-id", other.name));
            let role_param = t.n.cfn(&format!("{}-peer-role-arn", other.name));
            let cond = t.n.cfn(&format!("has-{}-vpc-id", other.name));
            let role_cond = t.n.cfn(&format!("has-{}-peer-role-arn", other.name));
            t.conds.insert(
                role_cond.clone(),
                json!({"Fn::Not": [{"Fn::Equals": [r(&role_param), ""]}]}),
            );
            t.params.insert(vpc_param.clone(), json!({"Type": "String", "Default": "", "Description": format!("VPC id of {} (output {vpc_param} of its stack); empty until that stack exists", other.name)}));
            t.params.insert(role_param.clone(), json!({"Type": "String", "Default": "", "Description": format!("ARN of the role in account {} that accepts the peering (output {role_param} of its stack)", other.account)}));
            t.conds.insert(
                cond.clone(),
                json!({"Fn::Not": [{"Fn::Equals": [r(&vpc_param), ""]}]}),
            );
            let pcx = t.n.cfn(&p.name);
            let mut props = json!({
                "VpcId": r("Vpc"), "PeerVpcId": r(&vpc_param), "PeerOwnerId": r(&acct_param),
                "PeerRoleArn": {"Fn::If": [role_cond, r(&role_param), r("AWS::NoValue")]}, "Tags": tags(&p.name, &v.env, None),
            });
            if other.region != v.region {
                props = with(props, "PeerRegion", json!(other.region));
            }
            t.resources.insert(
                pcx.clone(),
                with(
                    res("AWS::EC2::VPCPeeringConnection", props),
                    "Condition",
                    json!(cond),
                ),
            );
            t.outputs.insert(format!("{pcx}Id"), json!({"Condition": cond, "Value": r(&pcx), "Description": format!("give to the stack of {}", other.name)}));
            peer_target.push((pi, r(&pcx), Some(cond)));
        } else {
            let id_param = t.n.cfn(&format!("{}-id", p.name));
            let cond = t.n.cfn(&format!("has-{}-id", p.name));
            t.params.insert(id_param.clone(), json!({"Type": "String", "Default": "", "Description": format!("id of peering {} requested by {} (output of its stack); empty until it exists", p.name, other.name)}));
            t.conds.insert(
                cond.clone(),
                json!({"Fn::Not": [{"Fn::Equals": [r(&id_param), ""]}]}),
            );
            peer_target.push((pi, r(&id_param), Some(cond)));
            if !t.resources.contains_key("PeerAcceptRole") {
                t.n.cfn("PeerAcceptRole");
                t.resources.insert("PeerAcceptRole".into(), res("AWS::IAM::Role", json!({
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
                    "Policies": [{"PolicyName": "accept-vpc-peering", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow", "Action": "ec2:AcceptVpcPeeringConnection",
                        "Resource": {"Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-peering-connection/*"},
                    }]}}],
                })));
                t.outputs.insert(Namer::default().cfn(&format!("{}-peer-role-arn", v.name)), json!({"Value": {"Fn::GetAtt": ["PeerAcceptRole", "Arn"]}, "Description": "give to the requesting stacks"}));
            }
            // Trust every requesting account.
            if let Some(Value::Array(st)) = t
                .resources
                .get_mut("PeerAcceptRole")
                .and_then(|x| x.pointer_mut("/Properties/AssumeRolePolicyDocument/Statement"))
            {
                st.push(json!({"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": format!("arn:${{AWS::Partition}}:iam::${{{acct_param}}}:root")}}, "Action": "sts:AssumeRole"}));
            }
        }
    }
    peer_target
}

/// Route tables, their routes and the subnets' associations.
fn route_tables(
    t: &mut Tpl,
    v: &NVpc,
    subnet_ids: &[String],
    nat_ids: &[String],
    peer_target: &[(usize, Value, Option<String>)],
) {
    let rt_ids: Vec<String> = v.route_tables.iter().map(|x| t.n.cfn(&x.name)).collect();
    for (ri, rt) in v.route_tables.iter().enumerate() {
        t.resources.insert(
            rt_ids[ri].clone(),
            res(
                "AWS::EC2::RouteTable",
                json!({"VpcId": r("Vpc"), "Tags": tags(&rt.name, &v.env, None)}),
            ),
        );
        for route in &rt.routes {
            let (label, target, cond, dep) = match route.target {
                Target::Igw => (
                    format!("{}-default", rt.name),
                    json!({"GatewayId": r("InternetGateway")}),
                    None,
                    Some("InternetGatewayAttachment"),
                ),
                Target::Nat(k) => (
                    format!("{}-default", rt.name),
                    json!({"NatGatewayId": r(nat_ids.get(k).map_or("Missing", String::as_str))}),
                    None,
                    None,
                ),
                Target::Peering(pi) => {
                    let Some((_, t, c)) = peer_target.iter().find(|x| x.0 == pi) else {
                        continue;
                    };
                    (
                        format!("{}-to-{}", rt.name, route.dest),
                        json!({"VpcPeeringConnectionId": t}),
                        c.clone(),
                        None,
                    )
                }
            };
            let mut props = json!({"RouteTableId": r(&rt_ids[ri]), "DestinationCidrBlock": route.dest.to_string()});
            if let (Value::Object(m), Value::Object(t)) = (&mut props, target) {
                m.extend(t);
            }
            let mut x = res("AWS::EC2::Route", props);
            if let Some(c) = cond {
                x = with(x, "Condition", json!(c));
            }
            if let Some(d) = dep {
                x = with(x, "DependsOn", json!(d));
            }
            t.resources.insert(t.n.cfn(&label), x);
        }
        for (si, s) in v.subnets.iter().enumerate() {
            if s.route_table == ri {
                t.resources.insert(
                    t.n.cfn(&format!("{}-route-table", s.name)),
                    res(
                        "AWS::EC2::SubnetRouteTableAssociation",
                        json!({"SubnetId": r(&subnet_ids[si]), "RouteTableId": r(&rt_ids[ri])}),
                    ),
                );
            }
        }
    }
}

/// The isolated tiers' NACLs, their entries and associations.
fn nacls(t: &mut Tpl, v: &NVpc, subnet_ids: &[String]) {
    for (ai, a) in v.nacls.iter().enumerate() {
        let aid = t.n.cfn(&a.name);
        t.resources.insert(
            aid.clone(),
            res(
                "AWS::EC2::NetworkAcl",
                json!({"VpcId": r("Vpc"), "Tags": tags(&a.name, &v.env, None)}),
            ),
        );
        for e in &a.entries {
            let dir = if e.egress { "out" } else { "in" };
            let mut props = json!({
                "NetworkAclId": r(&aid), "RuleNumber": e.rule, "Protocol": e.proto,
                "RuleAction": if e.allow { "allow" } else { "deny" }, "Egress": e.egress, "CidrBlock": e.cidr.to_string(),
            });
            if let Some((lo, hi)) = e.ports {
                props = with(props, "PortRange", json!({"From": lo, "To": hi}));
            }
            if e.proto == 1 {
                props = with(props, "Icmp", json!({"Code": -1, "Type": -1}));
            }
            t.resources.insert(
                t.n.cfn(&format!("{}-{dir}-{}", a.name, e.rule)),
                res("AWS::EC2::NetworkAclEntry", props),
            );
        }
        for (si, s) in v.subnets.iter().enumerate() {
            if s.nacl == Some(ai) {
                t.resources.insert(
                    t.n.cfn(&format!("{}-nacl", s.name)),
                    res(
                        "AWS::EC2::SubnetNetworkAclAssociation",
                        json!({"SubnetId": r(&subnet_ids[si]), "NetworkAclId": r(&aid)}),
                    ),
                );
            }
        }
    }
}

/// The hosts' security groups: CIDR rules inline, group rules as their own resources.
fn security_groups(t: &mut Tpl, v: &NVpc) {
    let sg_ids: Vec<String> = v
        .sgs
        .iter()
        .map(|g| {
            t.n.cfn(&format!(
                "{}-{}",
                g.name,
                if g.name.ends_with("-sg") { "" } else { "sg" }
            ))
        })
        .collect();
    for (gi, g) in v.sgs.iter().enumerate().skip(1) {
        let ingress: Vec<Value> = g.ingress.iter().filter_map(sg_inline).collect();
        let mut egress: Vec<Value> = g.egress.iter().filter_map(sg_inline).collect();
        if egress.is_empty() {
            // An empty list would keep CloudFormation's default allow-all egress.
            egress.push(json!({"CidrIp": "127.0.0.1/32", "IpProtocol": "-1", "Description": "no egress (replaces the default allow-all rule)"}));
        }
        t.resources.insert(sg_ids[gi].clone(), res("AWS::EC2::SecurityGroup", json!({
            "GroupName": g.name, "GroupDescription": g.description, "VpcId": r("Vpc"),
            "SecurityGroupIngress": ingress, "SecurityGroupEgress": egress, "Tags": tags(&g.name, &v.env, None),
        })));
        for (kind, rules, key) in [
            ("ingress", &g.ingress, "SourceSecurityGroupId"),
            ("egress", &g.egress, "DestinationSecurityGroupId"),
        ] {
            for rule in rules.iter() {
                let SgPeer::Group(o) = rule.peer else {
                    continue;
                };
                let mut props = json!({"GroupId": {"Fn::GetAtt": [sg_ids[gi], "GroupId"]}, "IpProtocol": ip_proto(rule.proto), "Description": rule.description});
                props = with(
                    props,
                    key,
                    json!({"Fn::GetAtt": [sg_ids.get(o).map_or("Missing", String::as_str), "GroupId"]}),
                );
                if rule.proto != -1 {
                    props = with(
                        with(props, "FromPort", json!(rule.from)),
                        "ToPort",
                        json!(rule.to),
                    );
                }
                let kind_res = if kind == "ingress" {
                    "AWS::EC2::SecurityGroupIngress"
                } else {
                    "AWS::EC2::SecurityGroupEgress"
                };
                t.resources.insert(
                    t.n.cfn(&format!(
                        "{}-{kind}-{}",
                        g.name,
                        crate::names::rule_key(rule, v)
                    )),
                    res(kind_res, props),
                );
            }
        }
        t.outputs.insert(format!("{}Id", sg_ids[gi]), json!({"Value": {"Fn::GetAtt": [sg_ids[gi], "GroupId"]}, "Description": format!("security group of {}", g.name)}));
    }
}
