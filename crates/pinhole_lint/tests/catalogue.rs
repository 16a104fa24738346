//! The catalogue's meta-test: every rule is documented under the fixed headings, has a fixture
//! (`tests/fixtures/<CODE>.json`: the clean `base.json` network plus the bad pattern) on which
//! it fires, and a snapshot of what it reports there.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use pinhole_lint::{RULES, Selection};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn load(p: &Path) -> pinhole_model::Snapshot {
    pinhole_ingest::load_path(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn lint(p: &Path, select: Option<&str>) -> Vec<pinhole_lint::Finding> {
    let sel = Selection::parse(select, None).unwrap();
    pinhole_lint::lint(&load(p), &sel)
}

#[test]
fn every_rule_has_docs_a_fixture_and_a_snapshot() {
    let mut problems = Vec::new();
    let mut codes: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for r in RULES {
        let code_ok = r.area().is_some()
            && r.code.len() >= 5
            && r.code[r.code.len() - 3..]
                .chars()
                .all(|c| c.is_ascii_digit());
        if !code_ok {
            problems.push(format!("{}: code is not AREA + 3 digits", r.code));
        }
        if codes.contains(&r.code) || names.contains(&r.name) {
            problems.push(format!("{}: duplicate code or name", r.code));
        }
        codes.push(r.code);
        names.push(r.name);
        if !r
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            problems.push(format!("{}: name `{}` is not kebab-case", r.code, r.name));
        }
        let docs = r.docs_markdown();
        for h in ["## Why it matters", "## Example", "## Fix"] {
            if !docs.contains(h) {
                problems.push(format!("{}: docs lack `{h}`", r.code));
            }
        }
        if r.summary().len() < 30 {
            problems.push(format!("{}: no summary paragraph", r.code));
        }
        if r.covers.is_empty() {
            problems.push(format!(
                "{}: names no scanner check or gap it covers",
                r.code
            ));
        }
        if !dir()
            .join("fixtures")
            .join(format!("{}.json", r.code))
            .is_file()
        {
            problems.push(format!(
                "{}: no fixture tests/fixtures/{}.json",
                r.code, r.code
            ));
        }
        let snap = dir()
            .join("snapshots")
            .join(format!("catalogue__{}.snap", r.code));
        if !snap.is_file() {
            problems.push(format!("{}: no snapshot {}", r.code, snap.display()));
        }
    }
    let mut sorted = codes.clone();
    sorted.sort_by_key(|c| {
        let split = c.find(|ch: char| ch.is_ascii_digit()).unwrap_or(c.len());
        (c[..split].to_string(), c[split..].to_string())
    });
    if sorted != codes {
        problems.push("RULES is not sorted by code".into());
    }
    // No fixture without its rule.
    for e in std::fs::read_dir(dir().join("fixtures")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(code) = name.strip_suffix(".json")
            && code != "base"
            && !codes.contains(&code)
        {
            problems.push(format!("fixture {name} has no rule"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_base_network_is_clean() {
    let f = lint(&dir().join("fixtures/base.json"), None);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn every_rule_fires_on_its_fixture() {
    for r in RULES {
        let p = dir().join("fixtures").join(format!("{}.json", r.code));
        let findings = lint(&p, Some(r.code));
        assert!(
            findings.iter().any(|f| f.code == r.code),
            "{} does not fire on its fixture",
            r.code
        );
        let text = serde_json::to_string_pretty(&findings).unwrap();
        insta::assert_snapshot!(r.code, text);
    }
}

#[test]
fn docs_render_for_every_rule() {
    for r in RULES {
        let md = r.docs_markdown();
        assert!(!md.contains("\n ##"), "{}: heading indented", r.code);
        assert!(
            md.lines()
                .all(|l| !l.starts_with(' ') || l.starts_with("  ")),
            "{}",
            r.code
        );
    }
}

/// `docs/lint.md` lists every rule with its current name and severity (its table is generated
/// from `pinhole rules --format json`; regenerate it when this fails).
#[test]
fn the_docs_catalogue_matches_the_registry() {
    let doc = std::fs::read_to_string(dir().join("../../../docs/lint.md")).unwrap();
    let mut problems = Vec::new();
    for r in RULES {
        let row = format!("| `{}` | {} | {} |", r.code, r.name, r.severity);
        if !doc.contains(&row) {
            problems.push(format!("{}: no row starting `{row}`", r.code));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/lint.md is stale:\n{}",
        problems.join("\n")
    );
}
