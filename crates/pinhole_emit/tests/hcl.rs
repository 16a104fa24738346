//! The emitted Terraform parsed with `hcl-rs` (always, no Python needed): every file parses, every
//! `aws_*.<label>` reference names a resource declared in the same directory, every variable used
//! is declared, and each NACL entry and security group rule of the network has its resource.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `aws_x.y` and `var.z` references in an expression's text.
fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start_ok = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let rest = &text[i..];
        if start_ok && (rest.starts_with("aws_") || rest.starts_with("var.")) {
            let token: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            let parts: Vec<&str> = token.split('.').collect();
            if parts.len() >= 2 && !parts[1].is_empty() {
                out.push(format!("{}.{}", parts[0], parts[1]));
            }
            i += token.len().max(1);
        } else {
            i += 1;
        }
    }
    out
}

fn check_design(path: &str) {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let d = pinhole_design::parse(path, &text).unwrap_or_else(|e| panic!("{e}"));
    let c = d.compile().unwrap_or_else(|e| panic!("{e}"));
    let files = pinhole_emit::terraform(&c.network);
    let mut dirs: BTreeMap<String, Vec<(&String, &String)>> = BTreeMap::new();
    for (p, body) in &files {
        if let Some((dir, _)) = p.rsplit_once('/')
            && p.ends_with(".tf")
        {
            dirs.entry(dir.to_owned()).or_default().push((p, body));
        }
    }
    let mut acl_rules = 0;
    let mut sg_rules = 0;
    for (dir, list) in &dirs {
        let mut declared = BTreeSet::new();
        let mut used: Vec<(String, String)> = Vec::new();
        for (p, body) in list {
            let parsed = hcl::parse(body).unwrap_or_else(|e| panic!("{p}: {e}"));
            for b in parsed.blocks() {
                let labels: Vec<String> = b.labels.iter().map(|l| l.clone().into_inner()).collect();
                match (b.identifier.as_str(), labels.as_slice()) {
                    ("resource", [kind, label]) => {
                        assert!(
                            declared.insert(format!("{kind}.{label}")),
                            "{p}: {kind}.{label} declared twice"
                        );
                        acl_rules += usize::from(kind == "aws_network_acl_rule");
                        sg_rules += usize::from(kind.starts_with("aws_vpc_security_group_"));
                    }
                    ("variable", [name]) => {
                        declared.insert(format!("var.{name}"));
                    }
                    _ => {}
                }
                for a in b.body.attributes() {
                    for r in references(&a.expr.to_string()) {
                        used.push(((*p).clone(), r));
                    }
                }
            }
        }
        for (p, r) in used {
            assert!(
                declared.contains(&r),
                "{dir}: {p} refers to `{r}`, which is not declared"
            );
        }
    }
    let want_acl: usize = c
        .network
        .vpcs
        .iter()
        .flat_map(|v| &v.nacls)
        .map(|a| a.entries.len())
        .sum();
    let want_sg: usize = c
        .network
        .vpcs
        .iter()
        .flat_map(|v| v.sgs.iter().skip(1))
        .map(|g| g.ingress.len() + g.egress.len())
        .sum();
    assert_eq!(acl_rules, want_acl, "NACL entries");
    assert_eq!(sg_rules, want_sg, "security group rules");
}

#[test]
fn the_seed_terraform_parses_and_every_reference_resolves() {
    check_design("examples/seed/design.yaml");
}

#[test]
fn the_organisation_terraform_parses_and_every_reference_resolves() {
    check_design("examples/design/org.yaml");
}

#[test]
fn references_are_found() {
    assert_eq!(
        references("aws_vpc.dev.id == var.x ? 0 : aws_subnet.a-b"),
        vec!["aws_vpc.dev", "var.x", "aws_subnet.a"]
    );
}

/// `resource "type" "label"` addresses of the emitted Terraform, by directory.
fn addresses(text: &str) -> BTreeSet<String> {
    let d = pinhole_design::parse("d.yaml", text).unwrap_or_else(|e| panic!("{e}"));
    let c = d.compile().unwrap_or_else(|e| panic!("{e}"));
    let mut out = BTreeSet::new();
    for (p, body) in pinhole_emit::terraform(&c.network) {
        if !p.ends_with(".tf") {
            continue;
        }
        let dir = p
            .rsplit_once('/')
            .map(|x| x.0.to_owned())
            .unwrap_or_default();
        for b in hcl::parse(&body).unwrap().blocks() {
            let labels: Vec<String> = b.labels.iter().map(|l| l.clone().into_inner()).collect();
            if b.identifier.as_str() == "resource" {
                out.insert(format!("{dir}:{}", labels.join(".")));
            }
        }
    }
    out
}

/// Growth keeps every Terraform address: nothing existing is renamed, so nothing is replaced.
#[test]
fn growth_keeps_every_terraform_address() {
    let seed = std::fs::read_to_string(root().join("examples/seed/design.yaml")).unwrap();
    let before = addresses(&seed);
    let grown = [
        seed.replace("{ azs: { a: 0, b: 1 } }", "{ azs: { a: 0, b: 1, c: 2 } }"),
        seed.replace("    private: { size: 24, slot: 1, role: private, egress: nat-per-az }", "    private: { size: 24, slot: 1, role: private, egress: nat-per-az }\n    data:    { size: 24, slot: 2, role: data }"),
        seed.replace("  db:    {", "  cache: { accounts: [prod], tier: private, az: b, host: 60 }\n  db:    {")
            + "",
        seed.replace("services: [tcp/3306] }\n\ngroups:", "services: [tcp/3306] }\n  - { name: cache, from: dev-batch, to: prod-cache, services: [tcp/6379] }\n\ngroups:")
            .replace("  db:    {", "  cache: { accounts: [prod], tier: private, az: b, host: 60 }\n  db:    {"),
    ];
    for (i, g) in grown.iter().enumerate() {
        assert_ne!(g, &seed, "change {i} did not apply");
        let after = addresses(g);
        let lost: Vec<_> = before.difference(&after).collect();
        assert!(lost.is_empty(), "change {i} renamed or removed {lost:?}");
        assert!(after.len() > before.len(), "change {i} added nothing");
    }
}
