//! The seed as a design: compiled, it answers every probe of `examples/seed-fixed` as the
//! hand-written corrected snapshot does, and passes its own checks.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use pinhole_engine::{Options, Question, trace};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed() -> pinhole_design::Design {
    let text = std::fs::read_to_string(root().join("examples/seed/design.yaml")).unwrap();
    pinhole_design::parse("design.yaml", &text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_seed_design_passes_its_own_checks() {
    let d = seed();
    let c = d.compile().unwrap_or_else(|e| panic!("{e}"));
    let checks = pinhole_design::verify(&d, &c.snapshot);
    let bad: Vec<_> = checks.iter().filter(|c| !c.ok()).collect();
    assert!(bad.is_empty(), "{bad:#?}");
    assert!(checks.len() > 50, "{} checks", checks.len());
}

#[test]
fn the_compiled_seed_answers_the_seed_fixed_probes() {
    let d = seed();
    let c = d.compile().unwrap_or_else(|e| panic!("{e}"));
    let probes = std::fs::read_to_string(root().join("examples/seed-fixed/probes.jsonl")).unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for line in probes.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let q = Question::tcp(
            v["src"].as_str().unwrap().parse().unwrap(),
            v["dst"].as_str().unwrap().parse().unwrap(),
            u16::try_from(v["port"].as_u64().unwrap()).unwrap(),
        );
        let t = trace(&c.snapshot, &q, &Options::default());
        n += 1;
        if t.verdict.as_str() != v["expect"].as_str().unwrap() {
            failures.push(format!(
                "{line}\n  got {}: {}",
                t.verdict.as_str(),
                t.reason
            ));
        }
    }
    assert!(n >= 20);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_bundled_generated_snapshot_is_up_to_date() {
    let c = seed().compile().unwrap_or_else(|e| panic!("{e}"));
    let dir = root().join("examples/seed-design/aws_configs");
    let mut stale = Vec::new();
    for (rel, v) in &c.files {
        let want = serde_json::to_string_pretty(v).unwrap() + "\n";
        let have = std::fs::read_to_string(dir.join(rel)).unwrap_or_default();
        if have != want {
            stale.push(rel.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "examples/seed-design is out of date ({stale:?}); run `pinhole plan examples/seed/design.yaml --write-snapshot examples/seed-design`"
    );
}

#[test]
fn the_seed_intents_are_sampled_and_a_false_one_fails() {
    let text = std::fs::read_to_string(root().join("examples/seed/design.yaml")).unwrap()
        + "  - name: web-reaches-the-database\n    require: { from: { account: dev, tier: public }, to: prod-db, services: [tcp/3306] }\n"
        + "  - name: private-egress-via-nat\n    egress: { from: { tier: private }, via: [nat] }\n"
        + "  - name: the-database-never-leaves\n    egress: { from: prod-db, internet: none }\n"
        + "  - name: internet-reaches-web-on-https-only\n    only: { from: internet, to: { tier: public }, services: [tcp/443] }\n"
        + "  - name: by-tag\n    deny: { from: { tag: { Team: x } }, to: prod }\n";
    let d = pinhole_design::parse("design.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    let c = d.compile().unwrap_or_else(|e| panic!("{e}"));
    let (checks, not_checked) = pinhole_design::verify_intents(&d, &c.snapshot);
    let failed: BTreeSet<&str> = checks
        .iter()
        .filter(|c| !c.ok())
        .map(|c| c.what.as_str())
        .collect();
    assert_eq!(
        failed,
        BTreeSet::from(["intent web-reaches-the-database"]),
        "{not_checked:?}"
    );
    for name in [
        "dev-private-does-not-reach-prod-private",
        "batch-reaches-the-database-in-every-zone",
        "private-egress-via-nat",
        "internet-reaches-web-on-https-only",
    ] {
        assert!(
            checks.iter().any(|c| c.what == format!("intent {name}")),
            "{name} was not probed"
        );
    }
    assert_eq!(not_checked.len(), 1, "{not_checked:?}");
    assert!(
        not_checked[0].starts_with("intent by-tag: not checked here: selector key `tag`"),
        "{not_checked:?}"
    );
}

#[test]
fn the_example_in_docs_design_md_meets_its_design() {
    let doc = std::fs::read_to_string(root().join("docs/design.md")).unwrap();
    let yaml = doc
        .split("```yaml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap_or_else(|| panic!("no yaml block in docs/design.md"));
    let d = pinhole_design::parse("docs/design.md", yaml).unwrap_or_else(|e| panic!("{e}"));
    let c = d.compile().unwrap_or_else(|e| panic!("{e}"));
    let bad: Vec<_> = pinhole_design::verify(&d, &c.snapshot)
        .into_iter()
        .filter(|c| !c.ok())
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}
