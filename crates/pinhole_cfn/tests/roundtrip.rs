//! The emitted CloudFormation read back: the same verdicts as the compiled design on every probe
//! of the seed, and published-style templates read with warnings, not failures.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use pinhole_cfn::{Options, StackInput, parse, place_hosts, read};
use pinhole_engine::{Options as EOptions, Question, trace};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed() -> pinhole_design::Design {
    let text = std::fs::read_to_string(root().join("examples/seed/design.yaml")).unwrap();
    pinhole_design::parse("design.yaml", &text).unwrap_or_else(|e| panic!("{e}"))
}

/// The emitted templates as stacks (YAML text parsed again, or JSON when `json`).
fn stacks(d: &pinhole_design::Design, json: bool) -> Vec<StackInput> {
    let c = d.compile().unwrap();
    let files = pinhole_emit::cloudformation(&c.network);
    c.network
        .vpcs
        .iter()
        .map(|v| {
            let name = format!("{}-{}", v.alias, v.region);
            let text = &files[&format!("cloudformation/{name}.yaml")];
            let mut template = parse(&name, text).unwrap_or_else(|e| panic!("{e}"));
            if json {
                let t = serde_json::to_string_pretty(&template).unwrap();
                template = parse(&name, &t).unwrap();
            }
            StackInput {
                name,
                account: v.account.clone(),
                region: v.region.clone(),
                template,
                parameters: BTreeMap::new(),
            }
        })
        .collect()
}

fn probes() -> Vec<(Question, String)> {
    std::fs::read_to_string(root().join("examples/seed-fixed/probes.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let q = Question::tcp(
                v["src"].as_str().unwrap().parse().unwrap(),
                v["dst"].as_str().unwrap().parse().unwrap(),
                u16::try_from(v["port"].as_u64().unwrap()).unwrap(),
            );
            (q, v["expect"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn round_trip(json: bool) {
    let d = seed();
    let compiled = d.compile().unwrap();
    let r = read(&stacks(&d, json), Options { link_outputs: true });
    let mut net = r.network;
    assert_eq!(net.vpcs.len(), 3, "{:#?}", r.warnings);
    assert_eq!(net.peerings.len(), 3, "{:#?}", r.warnings);
    let unplaced = place_hosts(&mut net, &d);
    assert!(unplaced.is_empty(), "{unplaced:#?}");
    let (_, snap) = net.load().unwrap_or_else(|e| panic!("{e}"));
    let opts = EOptions::default();
    let mut n = 0;
    for (q, expect) in probes() {
        let a = trace(&compiled.snapshot, &q, &opts);
        let b = trace(&snap, &q, &opts);
        assert_eq!(
            a.verdict, b.verdict,
            "{q:?}: compiled {} / read back {}: {}",
            a.reason, b.reason, b.reason
        );
        assert_eq!(b.verdict.as_str(), expect, "{q:?}: {}", b.reason);
        n += 1;
    }
    assert!(n >= 20);
    // Every probe the design implies, too.
    let a = pinhole_design::verify(&d, &compiled.snapshot);
    let b = pinhole_design::verify(&d, &snap);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            x.got, y.got,
            "{} {} -> {} {}: {}",
            x.what, x.src, x.dst, x.port, y.reason
        );
    }
    assert!(b.iter().all(pinhole_design::Check::ok));
    // Only the parameters of the peerings were linked, and no resource was left out.
    let skipped: Vec<_> = r
        .warnings
        .iter()
        .filter(|w| w.contains("skipped"))
        .collect();
    assert!(skipped.is_empty(), "{skipped:#?}");
}

#[test]
fn the_emitted_seed_reads_back_to_the_same_verdicts() {
    round_trip(false);
}

#[test]
fn the_same_templates_as_json_read_back_too() {
    round_trip(true);
}

#[test]
fn without_linked_parameters_the_peerings_stay_unresolved() {
    let d = seed();
    let r = read(&stacks(&d, false), Options::default());
    assert_eq!(r.network.vpcs.len(), 3);
    assert!(r.network.peerings.is_empty());
}

/// A quick-start style VPC template: mappings, conditions, Fn::Cidr, Fn::GetAZs, short tags.
const QUICK_START: &str = r#"
AWSTemplateFormatVersion: '2010-09-09'
Description: VPC with public and private subnets in two or three AZs
Parameters:
  VpcCidr: { Type: String, Default: 10.0.0.0/16 }
  ThreeAZs: { Type: String, Default: 'false', AllowedValues: ['true', 'false'] }
  Env: { Type: String, Default: dev }
  ImportedPcx: { Type: String, Default: '' }
  AZs: { Type: 'List<AWS::EC2::AvailabilityZone::Name>' }
  Tag1: { Type: String, Default: Network=Private }
Mappings:
  Sizes:
    dev: { Bits: 8 }
Conditions:
  UseThird: !Equals [!Ref ThreeAZs, 'true']
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  HasTag1: !And [!Not [!Equals [!Ref Tag1, '']], !Condition NotProd]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref VpcCidr
      Tags: [{ Key: Name, Value: !Sub '${Env}-vpc' }]
  Igw: { Type: AWS::EC2::InternetGateway }
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: { VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw }
  PublicA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: !Select [0, !GetAZs '']
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 6, !FindInMap [Sizes, !Ref Env, Bits]]]
      MapPublicIpOnLaunch: true
  PrivateA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: !Select [0, !GetAZs '']
      CidrBlock: !Select [3, !Cidr [!Ref VpcCidr, 6, 8]]
  PrivateC:
    Type: AWS::EC2::Subnet
    Condition: UseThird
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: !Select [2, !GetAZs '']
      CidrBlock: !Select [5, !Cidr [!Ref VpcCidr, 6, 8]]
  PrivateB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: !Select ['1', !Ref AZs]
      CidrBlock: !Select [4, !Cidr [!Ref VpcCidr, 6, 8]]
      Tags:
        - Key: Name
          Value: private b
        - !If
          - HasTag1
          - Key: !Select ['0', !Split ['=', !Ref Tag1]]
            Value: !Select ['1', !Split ['=', !Ref Tag1]]
          - !Ref 'AWS::NoValue'
  PrivateBAcl: { Type: AWS::EC2::NetworkAcl, Properties: { VpcId: !Ref Vpc } }
  PrivateBAclIn:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { CidrBlock: 0.0.0.0/0, Egress: false, NetworkAclId: !Ref PrivateBAcl, Protocol: -1, RuleAction: allow, RuleNumber: 100 }
  PrivateBAclAssoc:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: { SubnetId: !Ref PrivateB, NetworkAclId: !Ref PrivateBAcl }
  NatEip: { Type: AWS::EC2::EIP, Properties: { Domain: vpc } }
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: { AllocationId: !GetAtt NatEip.AllocationId, SubnetId: !Ref PublicA }
  PublicRt: { Type: AWS::EC2::RouteTable, Properties: { VpcId: !Ref Vpc } }
  PublicDefault:
    Type: AWS::EC2::Route
    DependsOn: Attach
    Properties: { RouteTableId: !Ref PublicRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw }
  PublicAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref PublicA, RouteTableId: !Ref PublicRt }
  PrivateRt: { Type: AWS::EC2::RouteTable, Properties: { VpcId: !Ref Vpc } }
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat }
  PrivateToPeer:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 10.9.0.0/16, VpcPeeringConnectionId: !ImportValue shared-pcx }
  PrivateAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref PrivateA, RouteTableId: !Ref PrivateRt }
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Join [' ', [web, !Ref Env]]
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIpv6: '::/0' }
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - !If [NotProd, { IpProtocol: tcp, FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: !GetAtt Web.GroupId }, !Ref 'AWS::NoValue']
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties: { VpcId: !Ref Vpc, ServiceName: !Sub 'com.amazonaws.${AWS::Region}.s3' }
Outputs:
  VpcId: { Value: !Ref Vpc }
"#;

#[test]
fn a_quick_start_style_template_reads_with_warnings() {
    let template = parse("quick.yaml", QUICK_START).unwrap_or_else(|e| panic!("{e}"));
    let st = StackInput {
        name: "quick".into(),
        account: "444444444444".into(),
        region: "eu-west-1".into(),
        template,
        parameters: BTreeMap::new(),
    };
    let r = read(std::slice::from_ref(&st), Options::default());
    let v = &r.network.vpcs[0];
    assert_eq!(v.cidr.to_string(), "10.0.0.0/16");
    assert_eq!(v.name, "dev-vpc");
    let mut subnets: Vec<(String, String)> = v
        .subnets
        .iter()
        .map(|s| (s.cidr.to_string(), s.zone.clone()))
        .collect();
    subnets.sort();
    assert_eq!(
        subnets,
        vec![
            ("10.0.0.0/24".into(), "eu-west-1a".into()),
            ("10.0.3.0/24".into(), "eu-west-1a".into()),
            ("10.0.4.0/24".into(), "eu-west-1a".into())
        ]
    );
    let b = v.subnets.iter().find(|s| s.name == "private b").unwrap();
    assert!(b.nacl.is_some());
    assert!(v.igw.is_some());
    assert_eq!(v.nats.len(), 1);
    let app = v.sgs.iter().find(|g| g.description == "app").unwrap();
    assert_eq!(app.ingress.len(), 1, "the NotProd branch");
    let web = v.sgs.iter().find(|g| g.description == "web dev").unwrap();
    assert_eq!(web.ingress.len(), 1, "IPv6 rule skipped");
    assert_eq!(web.egress.len(), 1, "the default allow-all egress");
    let w = r.warnings.join("\n");
    for expected in [
        "Fn::ImportValue cannot be resolved offline",
        "IPv6, prefix lists are not",
        "AWS::EC2::VPCEndpoint",
        "no PrivateIpAddress",
    ] {
        assert!(w.contains(expected), "missing warning {expected}:\n{w}");
    }
    // With the third AZ: the condition turns the third subnet on.
    let mut st3 = st.clone();
    st3.parameters.insert("ThreeAZs".into(), "true".into());
    let r3 = read(&[st3], Options::default());
    assert_eq!(r3.network.vpcs[0].subnets.len(), 4);
    assert!(
        r3.network.vpcs[0]
            .subnets
            .iter()
            .any(|s| s.zone == "eu-west-1c" && s.cidr.to_string() == "10.0.5.0/24")
    );
    // And it loads as a snapshot.
    let (_, snap) = r3.network.load().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(snap.subnets.len(), 4);
}

#[test]
fn garbage_is_an_error_or_warnings_never_a_panic() {
    for text in [
        "",
        "- 1\n- 2",
        "Resources: 3",
        "Resources:\n  X: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Nope, CidrBlock: !Cidr [1, 2] } }",
        "{\"Resources\": {\"V\": {\"Type\": \"AWS::EC2::VPC\", \"Properties\": {\"CidrBlock\": {\"Fn::Select\": [9, []]}}}}}",
        "A: !Ref\n",
        "Resources:\n  V: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }\n  S: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref V, CidrBlock: 10.0.0.7/32 } }\n  N: { Type: AWS::EC2::NatGateway, Properties: { SubnetId: !Ref S } }\n",
        "Conditions: { C: !Condition C }\nResources: { V: { Type: AWS::EC2::VPC, Condition: C, Properties: { CidrBlock: 10.0.0.0/16 } } }",
    ] {
        if let Ok(template) = parse("g", text) {
            let st = StackInput {
                name: "g".into(),
                account: "1".into(),
                region: "r".into(),
                template,
                parameters: BTreeMap::new(),
            };
            let r = read(&[st], Options { link_outputs: true });
            let _ = r.network.load();
        }
    }
}

#[test]
fn the_organisation_example_reads_back_to_the_same_checks() {
    let text = std::fs::read_to_string(root().join("examples/design/org.yaml")).unwrap();
    let d = pinhole_design::parse("org.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    let compiled = d.compile().unwrap_or_else(|e| panic!("{e}"));
    let r = read(&stacks(&d, false), Options { link_outputs: true });
    let mut net = r.network;
    assert_eq!(net.vpcs.len(), 8, "{:#?}", r.warnings);
    assert_eq!(
        net.peerings.len(),
        compiled.network.peerings.len(),
        "{:#?}",
        r.warnings
    );
    assert!(place_hosts(&mut net, &d).is_empty());
    let (_, snap) = net.load().unwrap_or_else(|e| panic!("{e}"));
    let a = pinhole_design::verify(&d, &compiled.snapshot);
    let b = pinhole_design::verify(&d, &snap);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            x.got, y.got,
            "{} {} -> {} {}: {}",
            x.what, x.src, x.dst, x.port, y.reason
        );
    }
    assert!(b.iter().all(pinhole_design::Check::ok));
}

include!("../../pinhole_design/tests/support/random_design.rs");

#[test]
fn random_designs_read_back_to_the_same_checks() {
    let mut tried = 0;
    // More with PINHOLE_RANDOM_DESIGNS=N.
    let n: u64 = std::env::var("PINHOLE_RANDOM_DESIGNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(25);
    for seed in 1..=n {
        let text = design(seed);
        let d = pinhole_design::parse("random.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
        let Ok(compiled) = d.compile() else { continue };
        tried += 1;
        let r = read(&stacks(&d, false), Options { link_outputs: true });
        let mut net = r.network;
        assert_eq!(
            net.peerings.len(),
            compiled.network.peerings.len(),
            "seed {seed}: {:#?}",
            r.warnings
        );
        let unplaced = place_hosts(&mut net, &d);
        assert!(unplaced.is_empty(), "seed {seed}: {unplaced:#?}");
        let (_, snap) = net.load().unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let a = pinhole_design::verify(&d, &compiled.snapshot);
        let b = pinhole_design::verify(&d, &snap);
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(
                x.got, y.got,
                "seed {seed}: {} {} -> {} {}: {}\n{text}",
                x.what, x.src, x.dst, x.port, y.reason
            );
        }
    }
    assert!(tried * 2 >= n, "{tried} of {n}");
}
