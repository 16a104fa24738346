//! The emitted Terraform and CloudFormation checked with the third-party tools users run:
//! `cfn-lint` (no errors), `python-hcl2` (every .tf parses) and `checkov` (no failed check beyond
//! those listed and justified in docs/design.md).
//!
//! The tools live in a Python virtual environment that `.ci/run` creates: `$PINHOLE_PYTOOLS`, or
//! `target/pytools` in the workspace. Without it these tests say so and pass.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

/// Print past the test harness's output capture, so a skip or a tool's verdict shows in every run.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tools() -> Option<PathBuf> {
    let dir = std::env::var_os("PINHOLE_PYTOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/pytools"));
    dir.join("bin/python").exists().then_some(dir)
}

fn skip(what: &str) {
    // Past the output capture, so a skipped check is visible in `cargo test` output.
    say!(
        "SKIPPED {what}: no Python tool environment (run .ci/run, or set PINHOLE_PYTOOLS to a venv with cfn-lint, checkov and python-hcl2)"
    );
}

/// A design with names that need escaping in HCL and YAML.
const TRICKY: &str = r#"
version: 1
accounts: { "dev \"x\" ${y} %{z}": "111111111111", "prod: #1": "333333333333" }
regions:
  us-east-1: { azs: { a: 0, b: 1, c: 2 } }
  eu-west-1: { azs: { a: 0 } }
environments:
  dev:  { pools: { us-east-1: 10.0.0.0/8, eu-west-1: 10.128.0.0/9 }, accounts: { "dev \"x\" ${y} %{z}": 1 } }
  prod: { pools: { us-east-1: 172.16.0.0/12, eu-west-1: 172.24.0.0/13 }, accounts: { "prod: #1": 2 } }
template:
  vpc: 20
  az: 22
  tiers:
    "web\\tier": { size: 24, slot: 0, role: public }
    app:   { size: 24, slot: 1, role: private, egress: shared-nat }
    data:  { size: 25, slot: 4, role: data }
  flows:
    - { from: internet, to: lb, services: [tcp/443] }
peering: full
hosts:
  lb:    { accounts: ["dev \"x\" ${y} %{z}", "prod: #1"], region: us-east-1, tier: "web\\tier", az: a, host: 10 }
  job:   { accounts: ["dev \"x\" ${y} %{z}"], region: us-east-1, tier: app, az: b, host: 20, kind: windows, egress: [tcp/443, udp/123] }
  db:    { accounts: ["prod: #1"], region: us-east-1, tier: data, az: a, standby_az: c, host: 30, kind: rds }
pinholes:
  - { from: "dev \"x\" ${y} %{z}-job", to: "prod: #1-db", services: [tcp/5432, icmp] }
"#;

fn emit_all(name: &str, text: &str) -> PathBuf {
    let d = pinhole_design::parse(name, text).unwrap_or_else(|e| panic!("{e}"));
    let c = d.compile().unwrap_or_else(|e| panic!("{e}"));
    let bad: Vec<_> = pinhole_design::verify(&d, &c.snapshot)
        .into_iter()
        .filter(|c| !c.ok())
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    let out = std::env::temp_dir().join(format!("pinhole-emit-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    for (rel, body) in pinhole_emit::terraform(&c.network)
        .into_iter()
        .chain(pinhole_emit::cloudformation(&c.network))
    {
        let p = out.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    out
}

/// The bundled organisation example, emitted under a directory of its own per test.
fn org_dir(test: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join("examples/design/org.yaml")).unwrap();
    emit_all(&format!("org-{test}"), &text)
}

/// The seed emitted under a directory of its own per test (tests run in parallel).
fn seed_dir(test: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join("examples/seed/design.yaml")).unwrap();
    emit_all(&format!("seed-{test}"), &text)
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

#[test]
fn emitted_output_is_deterministic() {
    let d = pinhole_design::parse("tricky", TRICKY).unwrap_or_else(|e| panic!("{e}"));
    let a = d.compile().unwrap();
    let b = d.compile().unwrap();
    assert_eq!(
        pinhole_emit::terraform(&a.network),
        pinhole_emit::terraform(&b.network)
    );
    assert_eq!(
        pinhole_emit::cloudformation(&a.network),
        pinhole_emit::cloudformation(&b.network)
    );
}

#[test]
fn cfn_lint_finds_no_errors() {
    let Some(t) = tools() else {
        return skip("cfn-lint");
    };
    for dir in [
        seed_dir("cfn-lint"),
        emit_all("tricky-cfn", TRICKY),
        org_dir("cfn-lint"),
    ] {
        let templates = files(&dir.join("cloudformation"), "yaml");
        assert!(!templates.is_empty());
        let o = Command::new(t.join("bin/cfn-lint"))
            .args(&templates)
            .output()
            .unwrap();
        let code = o.status.code().unwrap_or(-1);
        // cfn-lint's exit code is a bit set: 1 fatal, 2 error, 4 warning, 8 informational.
        assert!(
            code >= 0 && code & 3 == 0,
            "cfn-lint exit {code}\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        say!(
            "cfn-lint: {} templates, exit {code} (no errors)",
            templates.len()
        );
    }
}

#[test]
fn python_hcl2_parses_every_terraform_file() {
    let Some(t) = tools() else {
        return skip("python-hcl2");
    };
    for dir in [
        seed_dir("hcl2"),
        emit_all("tricky-hcl", TRICKY),
        org_dir("hcl2"),
    ] {
        let tf = files(&dir.join("terraform"), "tf");
        assert!(tf.len() >= 8);
        let script = "import sys, hcl2\nfor f in sys.argv[1:]:\n    with open(f) as fh:\n        hcl2.load(fh)\nprint(len(sys.argv) - 1)\n";
        let o = Command::new(t.join("bin/python"))
            .arg("-c")
            .arg(script)
            .args(&tf)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        say!("python-hcl2: {} files parsed", tf.len());
    }
}

/// The check ids docs/design.md lists as accepted, with a justification, under its checkov heading.
fn accepted_checks() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(root().join("docs/design.md")).unwrap();
    let section = doc
        .split("<!-- checkov-accepted -->")
        .nth(1)
        .unwrap_or_else(|| panic!("docs/design.md lacks the checkov-accepted section"));
    let section = section
        .split("<!-- /checkov-accepted -->")
        .next()
        .unwrap_or("");
    section
        .lines()
        .filter(|l| l.starts_with("| `CKV"))
        .filter_map(|l| l.split('`').nth(1).map(str::to_owned))
        .collect()
}

#[test]
fn checkov_fails_only_accepted_checks() {
    let Some(t) = tools() else {
        return skip("checkov");
    };
    let accepted = accepted_checks();
    assert!(!accepted.is_empty());
    for dir in [
        seed_dir("checkov"),
        emit_all("tricky-checkov", TRICKY),
        org_dir("checkov"),
    ] {
        for fw in ["terraform", "cloudformation"] {
            let o = Command::new(t.join("bin/checkov"))
                .args([
                    "-d",
                    &dir.join(fw).display().to_string(),
                    "--framework",
                    fw,
                    "--quiet",
                    "--compact",
                    "--skip-download",
                    "-o",
                    "json",
                ])
                .env("BC_SKIP_MAPPING", "TRUE")
                .output()
                .unwrap();
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
                panic!(
                    "checkov output: {e}\n{}",
                    String::from_utf8_lossy(&o.stderr)
                )
            });
            let reports = match v {
                serde_json::Value::Array(a) => a,
                other => vec![other],
            };
            let mut failed = BTreeSet::new();
            let mut passed = 0;
            for r in &reports {
                passed += r["summary"]["passed"].as_u64().unwrap_or(0);
                for f in r["results"]["failed_checks"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    failed.insert(f["check_id"].as_str().unwrap_or("?").to_owned());
                }
            }
            let unexpected: Vec<_> = failed.difference(&accepted).collect();
            assert!(
                unexpected.is_empty(),
                "{fw}: checkov failed checks not justified in docs/design.md: {unexpected:?}"
            );
            assert!(passed > 10, "{fw}: checkov ran {passed} passing checks");
            say!("checkov {fw}: {passed} passed, failed only accepted {failed:?}");
        }
    }
}

#[test]
fn the_example_designs_match_the_editor_schema() {
    let Some(t) = tools() else {
        return skip("design.schema.json (jsonschema, installed with checkov)");
    };
    let dir = std::env::temp_dir().join(format!("pinhole-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = std::fs::read_to_string(root().join("examples/seed/design.yaml")).unwrap();
    let mut paths = Vec::new();
    let org = std::fs::read_to_string(root().join("examples/design/org.yaml")).unwrap();
    for (name, text) in [
        ("seed", seed.as_str()),
        ("tricky", TRICKY),
        ("org", org.as_str()),
    ] {
        let v: serde_json::Value = serde_saphyr::from_str(text).unwrap();
        let p = dir.join(format!("{name}.json"));
        std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
        paths.push(p);
    }
    let script = "import sys, json, jsonschema\nschema = json.load(open(sys.argv[1]))\njsonschema.Draft202012Validator.check_schema(schema)\nfor f in sys.argv[2:]:\n    jsonschema.validate(json.load(open(f)), schema, cls=jsonschema.Draft202012Validator)\n";
    let o = Command::new(t.join("bin/python"))
        .arg("-c")
        .arg(script)
        .arg(root().join("docs/design.schema.json"))
        .args(&paths)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    say!("design.schema.json: the seed, the hostile and the organisation designs validate");
}

/// `terraform validate` against the real AWS provider schema, when Terraform and a local provider
/// mirror are at hand (`$PINHOLE_TF_PLUGIN_DIR`, else `/opt/tf-plugins`): no network is used.
#[test]
fn terraform_validate_accepts_every_account_directory() {
    let plugins = std::env::var_os("PINHOLE_TF_PLUGIN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/tf-plugins"));
    let has_tf = Command::new("terraform")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_tf || !plugins.is_dir() {
        return say!(
            "SKIPPED terraform validate: needs `terraform` on PATH and a provider mirror in $PINHOLE_TF_PLUGIN_DIR or /opt/tf-plugins"
        );
    }
    let mut n = 0;
    for dir in [seed_dir("tf-validate"), emit_all("tricky-tf", TRICKY)] {
        let mut accounts: Vec<PathBuf> = std::fs::read_dir(dir.join("terraform"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        accounts.sort();
        for acc in accounts {
            for args in [
                vec![
                    "init".to_owned(),
                    "-backend=false".into(),
                    "-input=false".into(),
                    "-no-color".into(),
                    format!("-plugin-dir={}", plugins.display()),
                ],
                vec!["validate".to_owned(), "-no-color".into()],
            ] {
                let o = Command::new("terraform")
                    .args(&args)
                    .current_dir(&acc)
                    .env("CHECKPOINT_DISABLE", "1")
                    .env("TF_IN_AUTOMATION", "1")
                    .output()
                    .unwrap();
                assert!(
                    o.status.success(),
                    "terraform {} in {}:\n{}\n{}",
                    args[0],
                    acc.display(),
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                );
            }
            n += 1;
        }
    }
    say!("terraform validate: {n} account directories valid");
}
