//! The field cases of `../shared/cases/field` (present in CI, absent in a user's clone): each
//! case README names the lint it expects; it must fire on the named resource, and nothing at
//! medium severity or above may fire that is not expected or listed here with a reason.
//! Informational and low findings (default-group rules, descriptions, single-AZ test VPCs) are
//! posture notes the cases were not built to avoid; they are allowed.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

use pinhole_lint::{Finding, Selection, Severity};
use std::path::PathBuf;

fn cases() -> Option<PathBuf> {
    let p = std::env::var_os("PINHOLE_CASES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/cases"));
    let field = p.join("field");
    field.is_dir().then_some(field)
}

struct Case {
    dir: &'static str,
    /// (code, text the subject's id or name contains)
    expect: &'static [(&'static str, &'static str)],
    /// Codes at medium or above that may also fire, each with the reason.
    tolerate: &'static [(&'static str, &'static str)],
    /// (code, subject text) that must not fire.
    forbid: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        dir: "C01-nacl-ephemeral-return",
        expect: &[("NACL004", "edge-main-nacl")],
        tolerate: &[(
            "NACL006",
            "edge-main-nacl allows no inbound traffic at all: both subnets using it are cut off from outside",
        )],
        forbid: &[],
    },
    Case {
        dir: "C02-nat-ephemeral-range",
        expect: &[("NACL005", "shop-public-nacl")],
        tolerate: &[],
        forbid: &[("NACL004", "")],
    },
    Case {
        dir: "C03-nacl-rule-order",
        expect: &[("NACL003", "exercise-nacl")],
        tolerate: &[
            (
                "EXP001",
                "web-1's SSH is reachable from the internet (probe 1 of the case)",
            ),
            ("SG001", "web-sg admits tcp 22 from 0.0.0.0/0"),
        ],
        forbid: &[("NACL003", "reviewed-nacl")],
    },
    Case {
        dir: "C05-peering-route-one-side",
        expect: &[("PEER001", "mail-api-a-rt")],
        tolerate: &[],
        forbid: &[("PEER001", "mail-api-b-rt"), ("PEER001", "accounts")],
    },
    Case {
        dir: "C07-transitive-peering",
        expect: &[("PEER002", "a-rt-2")],
        tolerate: &[],
        forbid: &[("PEER002", "a-rt-1")],
    },
    Case {
        dir: "C09-public-subnet-no-public-ip",
        expect: &[("GW002", "ami-builder")],
        tolerate: &[],
        forbid: &[],
    },
    Case {
        dir: "C11-nat-in-private-subnet",
        expect: &[("GW001", "core-nat-a")],
        tolerate: &[],
        forbid: &[],
    },
    Case {
        dir: "C13-stripped-default-nacl",
        expect: &[("NACL006", "pay-lambda-a")],
        tolerate: &[],
        forbid: &[],
    },
    Case {
        dir: "C15-lpm-prefix-list",
        expect: &[],
        tolerate: &[],
        forbid: &[],
    },
    Case {
        dir: "C18-reserved-subnet-address",
        expect: &[("NET001", "dc,"), ("NET001", "wef,")],
        tolerate: &[],
        forbid: &[],
    },
    Case {
        dir: "C20-nacl-default-deny-lint",
        expect: &[],
        tolerate: &[],
        forbid: &[("NACL003", "")],
    },
];

fn subject_has(f: &Finding, text: &str) -> bool {
    text.is_empty() || f.subject.display().contains(text)
}

#[test]
fn every_field_case_gets_its_lint_and_nothing_spurious() {
    let Some(root) = cases() else {
        say!(
            "skipped: ../shared/cases/field not present (set PINHOLE_CASES to run the field cases)"
        );
        return;
    };
    let mut problems = Vec::new();
    for case in CASES {
        let dir = root.join(case.dir).join("aws_configs");
        if !dir.is_dir() {
            problems.push(format!("{}: case missing", case.dir));
            continue;
        }
        let snap = pinhole_ingest::load_path(&dir).unwrap_or_else(|e| panic!("{}: {e}", case.dir));
        let findings = pinhole_lint::lint(&snap, &Selection::default());
        let mut ok = true;
        for (code, who) in case.expect {
            if !findings
                .iter()
                .any(|f| f.code == *code && subject_has(f, who))
            {
                problems.push(format!(
                    "{}: expected {code} on `{who}`, not found",
                    case.dir
                ));
                ok = false;
            }
        }
        for (code, who) in case.forbid {
            for f in findings
                .iter()
                .filter(|f| f.code == *code && subject_has(f, who))
            {
                problems.push(format!(
                    "{}: forbidden {code} fired: {} {}",
                    case.dir,
                    f.subject.display(),
                    f.message
                ));
                ok = false;
            }
        }
        for f in findings.iter().filter(|f| f.severity >= Severity::Medium) {
            let expected = case.expect.iter().any(|(c, _)| *c == f.code);
            let tolerated = case.tolerate.iter().any(|(c, _)| *c == f.code);
            if !expected && !tolerated {
                problems.push(format!(
                    "{}: unexpected {} {} {}: {}",
                    case.dir,
                    f.code,
                    f.severity,
                    f.subject.display(),
                    f.message
                ));
                ok = false;
            }
        }
        // Never the built-in `*` entries.
        for f in findings
            .iter()
            .filter(|f| f.code == "NACL003" && f.message.contains("rule *"))
        {
            problems.push(format!(
                "{}: NACL003 on a `*` entry: {}",
                case.dir, f.message
            ));
            ok = false;
        }
        let codes: Vec<String> = case
            .expect
            .iter()
            .map(|(c, w)| format!("{c} on {w}"))
            .collect();
        say!(
            "{} {:<32} {} findings; expected: {}",
            if ok { "ok  " } else { "FAIL" },
            case.dir,
            findings.len(),
            if codes.is_empty() {
                "nothing at medium or above".to_string()
            } else {
                codes.join(", ")
            }
        );
    }
    assert!(problems.is_empty(), "field cases:\n{}", problems.join("\n"));
}

/// The labs' probes from the internet (source 8.8.8.8, nmap from outside) on administration
/// ports: `EXP001` must report exactly the destinations observed open.
#[test]
fn exposure_agrees_with_the_labs_internet_probes() {
    let Some(field) = cases() else {
        say!("skipped: ../shared/cases not present (set PINHOLE_CASES to run the lab probes)");
        return;
    };
    let labs = field.join("../labs");
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&labs)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("probes.jsonl").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    for lab in dirs {
        let snap = pinhole_ingest::load_path(&lab.join("aws_configs")).unwrap();
        let sel = Selection::parse(Some("EXP001"), None).unwrap();
        let findings = pinhole_lint::lint(&snap, &sel);
        let text = std::fs::read_to_string(lab.join("probes.jsonl")).unwrap();
        for line in text.lines() {
            let Ok(p) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let port = p["port"].as_u64().unwrap_or(0);
            if p["src"] != "8.8.8.8" || p["proto"] != "tcp" || ![22, 3389].contains(&port) {
                continue;
            }
            checked += 1;
            let dst = p["dst"].as_str().unwrap_or("");
            let needle = format!("tcp {port} ");
            let found = findings.iter().any(|f| {
                f.message.starts_with(&needle) && f.message.contains(&format!(" on {dst} "))
            });
            let open = p["expect"] == "reachable";
            if found != open {
                problems.push(format!(
                    "{}: 8.8.8.8 -> {dst} tcp {port} observed {}, EXP001 {}",
                    lab.display(),
                    p["expect"],
                    if found { "reports it" } else { "does not" }
                ));
            }
        }
    }
    say!(
        "EXP001 vs the labs' internet probes: {checked} probes checked, {} disagreements",
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
