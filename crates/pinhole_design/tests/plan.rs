//! The address plan: stable under growth, and its errors located.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use pinhole_design::{Block, BlockKind, parse};
use std::collections::BTreeMap;

const BASE: &str = r#"version: 1
accounts: { dev: "111111111111", prod: "333333333333" }
regions:
  us-east-1: { azs: { a: 0, b: 1 } }
environments:
  dev:  { pools: { us-east-1: 10.0.0.0/8 }, accounts: { dev: 10 } }
  prod: { pools: { us-east-1: 172.16.0.0/12 }, accounts: { prod: 0 } }
template:
  vpc: 16
  az: 20
  tiers:
    public:  { size: 24, slot: 0, role: public }
    private: { size: 24, slot: 1, role: private }
peering: full
"#;

fn plan(text: &str) -> Vec<Block> {
    parse("d.yaml", text)
        .unwrap_or_else(|e| panic!("{e}"))
        .plan()
}

/// (kind, account, region, az, tier) → CIDR.
fn by_key(blocks: &[Block]) -> BTreeMap<String, String> {
    blocks
        .iter()
        .filter(|b| b.kind != BlockKind::Pool)
        .map(|b| {
            (
                format!(
                    "{} {} {} {} {}",
                    b.kind.as_str(),
                    b.account,
                    b.region,
                    b.az,
                    b.tier
                ),
                b.cidr.to_string(),
            )
        })
        .collect()
}

fn err(text: &str) -> String {
    match parse("d.yaml", text) {
        Ok(d) => match d.compile() {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        },
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_template_places_blocks_by_slot() {
    let m = by_key(&plan(BASE));
    assert_eq!(m["vpc dev us-east-1  "], "10.10.0.0/16");
    assert_eq!(
        m["subnet dev us-east-1 us-east-1b private"],
        "10.10.17.0/24"
    );
    assert_eq!(
        m["subnet prod us-east-1 us-east-1a public"],
        "172.16.0.0/24"
    );
    let b = plan(BASE);
    let s = b.iter().find(|b| b.kind == BlockKind::Subnet).unwrap();
    assert_eq!((s.addresses, s.usable), (256, 251));
}

/// Growth never moves an existing block: every key of the old plan keeps its CIDR.
fn assert_stable(grown: &str) {
    let old = by_key(&plan(BASE));
    let new = by_key(&plan(grown));
    assert!(new.len() > old.len(), "the change added nothing");
    for (k, v) in &old {
        assert_eq!(new.get(k), Some(v), "{k} moved");
    }
}

#[test]
fn adding_an_az_renumbers_nothing() {
    assert_stable(&BASE.replace("{ a: 0, b: 1 }", "{ a: 0, b: 1, c: 2 }"));
    // An AZ inserted between existing ones by name, with a new slot, moves nothing either.
    assert_stable(&BASE.replace("{ a: 0, b: 1 }", "{ a: 0, aa: 5, b: 1 }"));
}

#[test]
fn adding_a_tier_renumbers_nothing() {
    assert_stable(&BASE.replace(
        "    private:",
        "    data:    { size: 25, slot: 4, role: data }\n    private:",
    ));
}

#[test]
fn adding_an_account_renumbers_nothing() {
    assert_stable(
        &BASE
            .replace(
                "prod: \"333333333333\" }",
                "prod: \"333333333333\", alpha: \"444444444444\" }",
            )
            .replace("accounts: { dev: 10 }", "accounts: { alpha: 5, dev: 10 }"),
    );
}

#[test]
fn adding_a_region_renumbers_nothing() {
    assert_stable(
        &BASE
            .replace(
                "us-east-1: { azs: { a: 0, b: 1 } }",
                "us-east-1: { azs: { a: 0, b: 1 } }\n  eu-west-1: { azs: { a: 0 } }",
            )
            .replace(
                "pools: { us-east-1: 10.0.0.0/8 }",
                "pools: { us-east-1: 10.0.0.0/8, eu-west-1: 10.128.0.0/9 }",
            ),
    );
}

#[test]
fn errors_are_located() {
    // A YAML type error: line and column of the value.
    let e = err(&BASE.replace("vpc: 16", "vpc: big"));
    assert!(e.starts_with("d.yaml:9:8: error:"), "{e}");
    // An unknown key.
    let e = err(&BASE.replace("peering: full", "peerings: full"));
    assert!(
        e.contains("d.yaml:14:1: error: unknown field `peerings`"),
        "{e}"
    );
    // An unknown account in an environment names the known ones.
    let e = err(&BASE.replace("accounts: { dev: 10 }", "accounts: { dve: 10 }"));
    assert!(
        e.contains(
            "d.yaml:6:62: error: environment `dev`: unknown account `dve` (known: dev, prod)"
        ),
        "{e}"
    );
}

#[test]
fn overlaps_exhaustion_sizes_and_restricted_ranges_are_errors() {
    let e = err(&BASE
        .replace(
            "template:",
            "  qa: { pools: { us-east-1: 10.10.0.0/16 }, accounts: { qa: 0 } }\ntemplate:",
        )
        .replace(
            "prod: \"333333333333\" }",
            "prod: \"333333333333\", qa: \"222222222222\" }",
        ));
    assert!(
        e.contains("overlaps VPC 10.10.0.0/16 of `dev`") && e.contains("they peer"),
        "{e}"
    );
    let e = err(&BASE.replace("accounts: { dev: 10 }", "accounts: { dev: 256 }"));
    assert!(e.contains("the pool is exhausted"), "{e}");
    let e = err(&BASE.replace("vpc: 16", "vpc: 12"));
    assert!(e.contains("outside what AWS allows (/16 to /28)"), "{e}");
    let e = err(&BASE.replace("size: 24, slot: 1", "size: 29, slot: 1"));
    assert!(e.contains("must be /16 to /28"), "{e}");
    let e = err(&BASE.replace("size: 24, slot: 1", "size: 24, slot: 16"));
    assert!(e.contains("slot 16 does not exist"), "{e}");
    let e = err(&BASE.replace("size: 24, slot: 1", "size: 23, slot: 0"));
    assert!(e.contains("overlaps tier `private`"), "{e}");
    let e = err(&BASE.replace("172.16.0.0/12", "169.254.0.0/16"));
    assert!(e.contains("link-local"), "{e}");
    let e = err(&BASE.replace("{ a: 0, b: 1 }", "{ a: 0, b: 16 }"));
    assert!(e.contains("slot 16 does not exist"), "{e}");
}

#[test]
fn a_pinhole_between_vpcs_that_do_not_peer_is_an_error() {
    let text = BASE.replace("peering: full", "peering: none")
        + "hosts:\n  a: { accounts: [dev], tier: private, az: a, host: 10 }\n  b: { accounts: [prod], tier: private, az: a, host: 10 }\npinholes:\n  - { from: dev-a, to: prod-b, services: [tcp/22] }\n";
    let e = err(&text);
    assert!(e.contains("are in VPCs that do not peer"), "{e}");
}

#[test]
fn a_windows_client_gets_its_ephemeral_range_in_the_nacls() {
    let text = BASE.to_owned()
        + "hosts:\n  a: { accounts: [dev], tier: private, az: a, host: 10, kind: windows }\n  b: { accounts: [prod], tier: private, az: a, host: 10 }\npinholes:\n  - { from: dev-a, to: prod-b, services: [tcp/1433] }\n";
    let d = parse("d.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    let c = d.compile().unwrap_or_else(|e| panic!("{e}"));
    let dev = c.network.vpcs.iter().find(|v| v.alias == "dev").unwrap();
    let acl = dev
        .nacls
        .iter()
        .find(|a| a.name == "dev-private-nacl")
        .unwrap();
    assert!(
        acl.entries
            .iter()
            .any(|e| !e.egress && e.allow && e.ports == Some((49152, 65535)))
    );
    let bad: Vec<_> = pinhole_design::verify(&d, &c.snapshot)
        .into_iter()
        .filter(|c| !c.ok())
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn without_the_isolation_gap_the_public_tiers_are_isolated_too() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seed/design.yaml"),
    )
    .unwrap()
    .replace("isolation: { tiers: [private] }", "");
    let d = parse("design.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    let c = d.compile().unwrap_or_else(|e| panic!("{e}"));
    let q = pinhole_engine::Question::tcp(
        "10.10.0.10".parse().unwrap(),
        "172.16.0.10".parse().unwrap(),
        443,
    );
    let t = pinhole_engine::trace(&c.snapshot, &q, &pinhole_engine::Options::default());
    assert_eq!(t.verdict, pinhole_engine::Verdict::Blocked, "{}", t.reason);
    let bad: Vec<_> = pinhole_design::verify(&d, &c.snapshot)
        .into_iter()
        .filter(|c| !c.ok())
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn a_full_mesh_past_the_peering_quota_is_an_error() {
    // 130 accounts in one environment, fully peered: 129 peering connections per VPC.
    let mut text = String::from("version: 1\naccounts:\n");
    for i in 0..130 {
        text.push_str(&format!("  a{i}: \"{:012}\"\n", 100_000_000_000u64 + i));
    }
    text.push_str("regions:\n  us-east-1: { azs: { a: 0 } }\nenvironments:\n  dev:\n    pools: { us-east-1: 10.0.0.0/8 }\n    accounts:\n");
    for i in 0..130 {
        text.push_str(&format!("      a{i}: {i}\n"));
    }
    text.push_str("template:\n  vpc: 20\n  az: 22\n  tiers:\n    app: { size: 24, slot: 0, role: data }\npeering: full\n");
    let e = err(&text);
    assert!(
        e.contains("129 peering connections exceed AWS's maximum of 125 per VPC"),
        "{}",
        &e[..e.len().min(2000)]
    );
}

#[test]
fn intents_naming_unknown_groups_are_errors() {
    let text = BASE.to_owned()
        + "groups:\n  dev: { account: dev }\n  prod: { account: prod }\nintents:\n  - name: iso\n    deny: { from: dev, to: prdo }\n";
    let e = err(&text);
    assert!(
        e.contains("d.yaml:19:5: error: intent `iso`: unknown group `prdo` (known: dev, prod)"),
        "{e}"
    );
    let e = err(&(BASE.to_owned()
        + "intents:\n  - { name: two, deny: { from: any, to: any }, require: { from: any, to: any } }\n"));
    assert!(
        e.contains("expected exactly one of deny, require, only, egress (found deny, require)"),
        "{e}"
    );
}
