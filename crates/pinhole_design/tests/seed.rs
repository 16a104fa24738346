//! The seed as a design: compiled, it answers every probe of `examples/seed-fixed` as the
//! hand-written corrected snapshot does, and passes its own checks.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use pinhole_engine::{Options, Question, trace};
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
