//! Every probe of the ground truth runs through `pinhole query`, as users and scripts run it.
//!
//! - `examples/*/probes.jsonl` (bundled, always present): every probe must agree.
//! - `../shared/cases/{labs,field}/*/probes.jsonl` (present in CI, absent in a user's clone):
//!   a ratchet. `tests/known-disagreements.txt` lists the probes that still disagree, each with
//!   its reason; the test fails on a disagreement not listed and on a listed probe that now agrees,
//!   so the list only shrinks.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

/// Print past the test harness's output capture, so a skip or the agreement shows in every run.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The ground truth beside the project, or `PINHOLE_CASES`.
fn shared_cases() -> Option<PathBuf> {
    let p = std::env::var_os("PINHOLE_CASES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/cases"));
    p.is_dir().then_some(p)
}

struct Disagreement {
    key: String,
    line: String,
}

/// Run one folder's probes through `pinhole query`; return the disagreements.
fn run_folder(folder: &Path, label: &str) -> (usize, Vec<Disagreement>) {
    let text = std::fs::read_to_string(folder.join("probes.jsonl")).unwrap_or_default();
    let probes: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let mut input = String::new();
    for p in &probes {
        let mut q = serde_json::Map::new();
        for k in [
            "src",
            "dst",
            "proto",
            "port",
            "icmp_type",
            "icmp_code",
            "src_port",
        ] {
            if let Some(v) = p.get(k) {
                q.insert(k.into(), v.clone());
            }
        }
        input.push_str(&Value::Object(q).to_string());
        input.push('\n');
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_pinhole"))
        .arg("query")
        .arg(folder.join("aws_configs"))
        .args(["--flows", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start pinhole: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .unwrap_or_else(|e| panic!("writing probes: {e}"));
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("pinhole query: {e}"));
    assert!(
        out.status.success(),
        "{label}: pinhole query failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(
        answers.len(),
        probes.len(),
        "{label}: one answer per question"
    );
    let mut bad = Vec::new();
    for (i, (p, a)) in probes.iter().zip(&answers).enumerate() {
        let expect = p["expect"].as_str().unwrap_or("?");
        let got = a["verdict"].as_str().unwrap_or("?");
        if expect != got {
            let port = p
                .get("port")
                .map(|v| v.to_string())
                .unwrap_or_else(|| "-".into());
            let key = format!(
                "{label}:{} {} -> {} {} {port}",
                i + 1,
                p["src"].as_str().unwrap_or("?"),
                p["dst"].as_str().unwrap_or("?"),
                p["proto"].as_str().unwrap_or("?")
            );
            let line = format!(
                "{key}: expect {expect}, got {got}: {}",
                a["reason"].as_str().unwrap_or("")
            );
            bad.push(Disagreement { key, line });
        }
    }
    (probes.len(), bad)
}

fn folders(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("probes.jsonl").is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn bundled_examples_agree() {
    let mut all = Vec::new();
    let mut total = 0;
    for f in folders(&root().join("examples")) {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (n, bad) = run_folder(&f, &name);
        total += n;
        all.extend(bad);
    }
    assert!(total > 0, "no bundled probes found");
    let lines: Vec<&str> = all.iter().map(|d| d.line.as_str()).collect();
    assert!(
        all.is_empty(),
        "bundled examples disagree:\n{}",
        lines.join("\n")
    );
}

/// The ratchet file: `key<TAB>reason` per line; `#` comments.
fn known() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("crates/pinhole/tests/known-disagreements.txt"))
        .unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            l.split_once('\t')
                .map(|(k, r)| (k.trim().to_string(), r.trim().to_string()))
        })
        .collect()
}

#[test]
fn ground_truth_ratchet() {
    let Some(cases) = shared_cases() else {
        say!(
            "skipped: ../shared/cases not present (set PINHOLE_CASES to run the ground-truth probes)"
        );
        return;
    };
    let known = known();
    let mut seen = Vec::new();
    let mut new = Vec::new();
    let (mut total, mut agree) = (0, 0);
    for kind in ["labs", "field"] {
        for f in folders(&cases.join(kind)) {
            let label = format!(
                "{kind}/{}",
                f.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            );
            let (n, bad) = run_folder(&f, &label);
            total += n;
            agree += n - bad.len();
            say!("{:4}/{:<4} {label}", n - bad.len(), n);
            for d in bad {
                if known.contains_key(&d.key) {
                    seen.push(d.key);
                } else {
                    new.push(d.line);
                }
            }
        }
    }
    say!("{agree}/{total} agree; {} known disagreements", seen.len());
    let fixed: Vec<&String> = known.keys().filter(|k| !seen.contains(k)).collect();
    assert!(
        new.is_empty(),
        "disagreements not in known-disagreements.txt:\n{}",
        new.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "these listed probes now agree (or no longer exist): remove them from known-disagreements.txt:\n{}",
        fixed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
