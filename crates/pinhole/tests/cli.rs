//! The command line as users run it: output per format, exit codes, located errors, escaping.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pinhole(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pinhole"));
    cmd.current_dir(root()).args(args);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn: {e}"));
    if let (Some(text), Some(mut si)) = (stdin, child.stdin.take()) {
        si.write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("stdin: {e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn trace_text_of_the_seed_pinhole() {
    let o = pinhole(
        &[
            "trace",
            "examples/seed",
            "--from",
            "10.10.1.50",
            "--to",
            "172.16.1.100",
            "--port",
            "3306",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("trace_seed_pinhole_text", stdout(&o));
}

#[test]
fn trace_text_through_a_load_balancer_shows_each_target_path() {
    let o = pinhole(
        &[
            "trace",
            "examples/lb",
            "--from",
            "198.51.100.7",
            "--to",
            "203.0.113.51",
            "--port",
            "443",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("trace_lb_text", stdout(&o));
}

#[test]
fn trace_json_through_a_load_balancer_lists_target_paths() {
    let o = pinhole(
        &[
            "trace",
            "examples/lb",
            "--from",
            "198.51.100.7",
            "--to",
            "203.0.113.50",
            "--port",
            "443",
            "--format",
            "json",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("json: {e}"));
    assert_eq!(v["trace"]["verdict"], "reachable");
    let paths = v["trace"]["targets"].as_array().expect("targets");
    assert_eq!(paths.len(), 2);
    assert_eq!(paths[0]["target_group"], "shop-web");
    assert_eq!(paths[0]["verdict"], "reachable");
    assert!(
        paths[0]["request"]
            .as_array()
            .is_some_and(|h| !h.is_empty())
    );
    assert!(paths[0]["reply"].as_array().is_some_and(|h| !h.is_empty()));
    // A load balancer named by its name or DNS name: its first node's address.
    for name in [
        "shop-nlb",
        "shop-nlb-50dc6c495c0c9188.elb.us-east-1.amazonaws.com",
    ] {
        let o = pinhole(
            &[
                "trace",
                "examples/lb",
                "--from",
                "198.51.100.7",
                "--to",
                name,
                "--port",
                "443",
                "--format",
                "json",
            ],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let w: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(w["dst"], "203.0.113.50");
        assert_eq!(w["trace"]["verdict"], "reachable");
    }
}

#[test]
fn query_through_a_load_balancer_lists_target_paths() {
    let input = "{\"src\":\"198.51.100.7\",\"dst\":\"203.0.113.50\",\"proto\":\"tcp\",\"port\":443}\n\
                 {\"src\":\"198.51.100.7\",\"dst\":\"10.0.10.10\",\"proto\":\"tcp\",\"port\":8443}\n";
    let o = pinhole(&["query", "examples/lb", "--flows", "-"], Some(input));
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["verdict"], "reachable");
    let targets = lines[0]["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 2);
    assert_eq!(targets[1]["target_group"], "shop-web");
    assert_eq!(targets[1]["verdict"], "reachable");
    // Not through a load balancer: the key is there, null.
    assert!(
        lines[1]
            .get("targets")
            .is_some_and(serde_json::Value::is_null)
    );
}

#[test]
fn trace_health_check_answers_per_target() {
    let o = pinhole(
        &["trace", "examples/lb", "--health-check", "shop-web"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("trace_lb_health_check_text", stdout(&o));
    let o = pinhole(
        &[
            "trace",
            "examples/lb",
            "--health-check",
            "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/shop-web/73e2d6bc24d8a067",
            "--format",
            "json",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("json: {e}"));
    assert_eq!(v["health_check"]["port"], "8080");
    let targets = v["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 2);
    assert!(targets.iter().all(|t| t["verdict"] == "partial"));
    assert_eq!(targets[0]["checks"].as_array().map(Vec::len), Some(2));
    // An unknown group is an error naming the known ones; --from does not mix with it.
    let o = pinhole(&["trace", "examples/lb", "--health-check", "nope"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("known: shop-web"), "{}", stderr(&o));
    let o = pinhole(
        &[
            "trace",
            "examples/lb",
            "--health-check",
            "shop-web",
            "--from",
            "10.0.0.1",
        ],
        None,
    );
    assert!(!o.status.success());
}

#[test]
fn trace_json_of_the_seed_pinhole_by_instance_and_rds_id() {
    let o = pinhole(
        &[
            "trace",
            "examples/seed",
            "--from",
            "i-0ff36d0ec8b0af066",
            "--to",
            "prod-db",
            "--port",
            "3306",
            "--format",
            "json",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("json: {e}"));
    assert_eq!(v["src"], "10.10.1.50");
    assert_eq!(v["dst"], "172.16.1.100");
    assert_eq!(v["trace"]["verdict"], "blocked");
    assert_eq!(v["trace"]["decided_by"]["direction"], "reply");
    insta::assert_json_snapshot!("trace_seed_pinhole_json", v);
}

#[test]
fn trace_text_of_the_fixed_seed_and_a_partial_reply() {
    let o = pinhole(
        &[
            "trace",
            "examples/seed-fixed",
            "--from",
            "10.10.1.50",
            "--to",
            "172.16.17.100",
            "--port",
            "3306",
        ],
        None,
    );
    assert!(stdout(&o).contains("REACHABLE"), "{}", stdout(&o));
    // Windows-range clients against the same NACL still pass; a 1-1023 fixed port does not.
    let o = pinhole(
        &[
            "trace",
            "examples/seed-fixed",
            "--from",
            "10.10.1.50",
            "--to",
            "172.16.1.100",
            "--port",
            "3306",
            "--linux-ephemeral",
            "1000-1999",
        ],
        None,
    );
    let out = stdout(&o);
    assert!(out.contains("PARTIAL"), "{out}");
    assert!(out.contains("1024-1999"), "{out}");
}

#[test]
fn query_keeps_fields_and_answers_in_order() {
    let input = concat!(
        r#"{"src":"10.10.1.50","dst":"172.16.1.100","proto":"tcp","port":3306,"id":7}"#,
        "\n",
        r#"{"src":"198.51.100.7","dst":"203.0.113.10","proto":"tcp","port":443,"extra":{"a":1}}"#,
        "\n",
        r#"{"src":"10.10.1.10","dst":"198.51.100.7","proto":"icmp"}"#,
        "\n"
    );
    let o = pinhole(&["query", "examples/seed", "--flows", "-"], Some(input));
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_default())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], 7);
    assert_eq!(lines[0]["verdict"], "blocked");
    assert_eq!(lines[0]["direction"], "reply");
    assert_eq!(lines[0]["explanation_code"], "SUBNET_ACL_RESTRICTION");
    assert_eq!(lines[1]["extra"]["a"], 1);
    assert_eq!(lines[1]["verdict"], "reachable");
    assert_eq!(lines[2]["verdict"], "reachable");
}

#[test]
fn query_reports_bad_lines_and_exits_1() {
    let input = "{\"src\":\"10.10.1.50\",\"dst\":\"nope\",\"proto\":\"tcp\",\"port\":1}\nnot json\n{\"src\":\"10.10.1.50\",\"dst\":\"172.16.1.100\",\"proto\":\"tcp\",\"port\":3306}\n";
    let o = pinhole(&["query", "examples/seed", "--flows", "-"], Some(input));
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_default())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0]["error"].as_str().unwrap_or("").contains("`dst`"));
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[2]["verdict"], "blocked");
    assert!(stderr(&o).contains("line 2"));
}

/// A scratch snapshot directory with the given files.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pinhole-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
    for (f, text) in files {
        std::fs::write(dir.join(f), text).unwrap_or_else(|e| panic!("write: {e}"));
    }
    dir
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

#[test]
fn bad_input_is_a_located_error_with_exit_1() {
    let dir = scratch(
        "badcidr",
        &[
            (
                "v.json",
                r#"{"Vpcs":[{"VpcId":"vpc-1","OwnerId":"111111111111","CidrBlock":"10.0.0.0/16"}],
            "Subnets":[]}"#,
            ),
            (
                "s.json",
                r#"{"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.0.0/33","AvailabilityZone":"us-east-1a"}]}"#,
            ),
        ],
    );
    let o = pinhole(&["summary", path_str(&dir)], None);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("s.json")
            && err.contains("Subnets[0].CidrBlock")
            && err.contains("10.0.0.0/33"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    let dir = scratch(
        "malformed",
        &[("v.json", "{\"Vpcs\": [ {\"VpcId\": \"vpc-1\", }")],
    );
    let o = pinhole(&["summary", path_str(&dir)], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("v.json") && stderr(&o).contains("line"),
        "{}",
        stderr(&o)
    );

    let o = pinhole(
        &[
            "trace",
            "examples/seed",
            "--from",
            "i-nope",
            "--to",
            "10.10.1.10",
            "--port",
            "1",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("i-nope"));
}

#[test]
fn tags_cannot_forge_output_lines() {
    let dir = scratch(
        "tags",
        &[(
            "all.json",
            r#"{"Vpcs":[{"VpcId":"vpc-1","OwnerId":"111111111111","CidrBlock":"10.0.0.0/16","Tags":[{"Key":"Name","Value":"evil\nREACHABLE\u001b[31m"}]}]}"#,
        )],
    );
    let o = pinhole(&["summary", path_str(&dir)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(out.contains("evil\\nREACHABLE\\u{1b}[31m"), "{out}");
}

#[test]
fn demo_runs_on_the_bundled_seed() {
    let o = pinhole(&[], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("BLOCKED") && out.contains("REACHABLE"),
        "{out}"
    );
    assert!(
        out.contains("inbound rule 90: ALL from 172.16.0.0/16 DENY"),
        "{out}"
    );
}

#[test]
fn query_overwrites_output_keys_accepts_ids_and_flags_blank_lines() {
    let input = concat!(
        r#"{"src":"10.10.0.10","dst":"10.10.1.10","proto":"tcp","port":8080,"decided_by":"MY NOTE","verdict":"x"}"#,
        "\n\n",
        r#"{"src":"i-0ff36d0ec8b0af066","dst":"prod-db","proto":"tcp","port":3306}"#,
        "\n",
        r#"{"src":"10.10.1.10","dst":"198.51.100.7","proto":"icmp","port":22}"#,
        "\n"
    );
    let o = pinhole(&["query", "examples/seed", "--flows", "-"], Some(input));
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_default())
        .collect();
    assert_eq!(
        lines.len(),
        4,
        "one output line per input line, blank ones included"
    );
    assert_eq!(lines[0]["verdict"], "reachable");
    assert_eq!(lines[0]["decided_by"], serde_json::Value::Null);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[2]["src"], "i-0ff36d0ec8b0af066");
    assert_eq!(lines[2]["verdict"], "blocked");
    assert!(
        lines[3]["error"]
            .as_str()
            .unwrap_or("")
            .contains("ports apply to tcp and udp only")
    );
    assert!(lines[3].get("verdict").is_none());
}

#[test]
fn an_empty_snapshot_directory_is_an_error() {
    let dir = scratch("empty", &[]);
    let o = pinhole(&["summary", path_str(&dir)], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no describe-* JSON files"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn trace_rejects_meaningless_questions() {
    let o = pinhole(
        &[
            "trace",
            "examples/seed",
            "--from",
            "10.10.1.10",
            "--to",
            "198.51.100.7",
            "--proto",
            "icmp",
            "--port",
            "22",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ports apply to tcp and udp only"));
    let o = pinhole(
        &[
            "trace",
            "examples/seed",
            "--from",
            "dev-app",
            "--to",
            "198.51.100.7",
            "--proto",
            "icmp",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("10.10.1.10 -> 198.51.100.7 icmp: REACHABLE"),
        "{}",
        stdout(&o)
    );
}

/// The scale pipeline end to end on a small organisation: generate, load, summarise, query,
/// trace. A guard against panics and broken output — never a timing test.
#[test]
fn synth_org_end_to_end() {
    let dir = std::env::temp_dir().join(format!("pinhole-cli-{}-synth", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = pinhole(
        &[
            "synth",
            "--accounts",
            "5",
            "--seed",
            "3",
            "--out",
            path_str(&dir),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("5 accounts, 15 VPCs"),
        "{}",
        stdout(&o)
    );
    let o = pinhole(&["summary", path_str(&dir)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = stdout(&o);
    assert!(
        summary.starts_with("15 account/regions, 15 VPCs, 180 subnets"),
        "{summary}"
    );
    assert!(!summary.contains("warning"), "{summary}");
    // Questions between the first addresses the summary lists, every protocol.
    let addrs: Vec<&str> = summary
        .lines()
        .filter_map(|l| l.trim_start().split(' ').next())
        .filter(|w| w.parse::<std::net::IpAddr>().is_ok())
        .take(40)
        .collect();
    assert!(addrs.len() >= 20, "{summary}");
    let mut input = String::new();
    for (i, a) in addrs.iter().enumerate() {
        let b = addrs[(i * 7 + 3) % addrs.len()];
        input.push_str(&format!(
            "{{\"src\":\"{a}\",\"dst\":\"{b}\",\"proto\":\"tcp\",\"port\":443}}\n"
        ));
        input.push_str(&format!(
            "{{\"src\":\"{a}\",\"dst\":\"198.51.100.7\",\"proto\":\"udp\",\"port\":123}}\n"
        ));
        input.push_str(&format!(
            "{{\"src\":\"{a}\",\"dst\":\"{b}\",\"proto\":\"icmp\"}}\n"
        ));
    }
    // The seed's goals on the organisation: every intent decided, witnesses replayed.
    let o = pinhole(
        &[
            "check",
            path_str(&dir),
            "--intents",
            "bench/synth-intents.yaml",
            "--format",
            "json",
        ],
        None,
    );
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let intents = report["intents"].as_array().unwrap();
    assert_eq!(intents.len(), 5);
    for i in intents {
        assert!(i["status"] == "holds" || i["status"] == "violated", "{i}");
        for f in i["findings"].as_array().unwrap() {
            assert_eq!(f["witness"]["replayed"], true, "{f}");
        }
    }
    let o = pinhole(&["query", path_str(&dir), "--flows", "-"], Some(&input));
    assert!(o.status.success(), "{}", stderr(&o));
    let answers: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_default())
        .collect();
    assert_eq!(answers.len(), addrs.len() * 3);
    let verdicts: std::collections::BTreeSet<&str> = answers
        .iter()
        .filter_map(|a| a["verdict"].as_str())
        .collect();
    assert!(
        verdicts.contains("reachable") && verdicts.contains("blocked"),
        "{verdicts:?}"
    );
    let o = pinhole(
        &[
            "trace",
            path_str(&dir),
            "--from",
            addrs[0],
            "--to",
            addrs[1],
            "--port",
            "443",
            "--format",
            "json",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap_or_default();
    assert!(v["trace"]["verdict"].is_string());
    // Lint and the matrix handle the organisation too.
    let o = pinhole(&["lint", path_str(&dir), "--format", "json"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["findings"].is_array(), "{v}");
    let o = pinhole(&["matrix", path_str(&dir), "--format", "csv"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    assert!(csv.starts_with("from,to,tcp,udp,icmp\n"), "{csv}");
    assert!(csv.lines().count() > 5, "{csv}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_exits_2_on_a_violation_and_shows_a_replayed_witness() {
    let out = pinhole(
        &[
            "check",
            "examples/seed",
            "--intents",
            "examples/seed/intents.yaml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("VIOLATED batch-reaches-the-database-in-every-zone"),
        "{text}"
    );
    assert!(
        text.contains("inbound rule 90: ALL from 172.16.0.0/16 DENY"),
        "{text}"
    );
    assert!(!text.contains("ENGINES DISAGREE"), "{text}");
    let json = pinhole(
        &[
            "check",
            "examples/seed-fixed",
            "--intents",
            "examples/seed/intents.yaml",
            "--format",
            "json",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let holds = v["intents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "holds")
        .count();
    assert_eq!(holds, 8);
}

#[test]
fn check_rejects_a_bad_intent_file_with_its_line_and_column() {
    let dir = std::env::temp_dir().join(format!("pinhole-cli-intents-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.yaml");
    std::fs::write(
        &f,
        "groups:\n  a: { account: '1' }\nintents:\n  - deny: { from: a, to: b }\n",
    )
    .unwrap();
    let out = pinhole(
        &["check", "examples/seed", "--intents", f.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.yaml:4:"), "{err}");
    assert!(err.contains("unknown group 'b'"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn matrix_csv_is_sorted_and_quoted() {
    let out = pinhole(
        &[
            "matrix",
            "examples/seed-fixed",
            "--by",
            "tier",
            "--format",
            "csv",
        ],
        None,
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.remove(0), "from,to,tcp,udp,icmp");
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    assert!(
        lines.iter().any(|l| l.starts_with("internet,public,443,")),
        "{text}"
    );
}

#[test]
fn lint_text_of_the_seed_finds_the_nacl_bug() {
    let o = pinhole(
        &["lint", "examples/seed", "--select", "NACL,EXP,PEER"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("lint_seed_text", stdout(&o));
    let fixed = pinhole(
        &["lint", "examples/seed-fixed", "--select", "NACL004,NACL005"],
        None,
    );
    assert_eq!(stdout(&fixed), "no findings\n");
}

#[test]
fn lint_fail_on_exits_3_at_or_above_the_severity() {
    let o = pinhole(&["lint", "examples/seed", "--fail-on", "high"], None);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let o = pinhole(&["lint", "examples/seed", "--fail-on", "critical"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = pinhole(
        &[
            "lint",
            "examples/seed",
            "--ignore",
            "NACL004",
            "--fail-on",
            "high",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = pinhole(&["lint", "examples/seed", "--select", "XYZ9"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("XYZ9"), "{}", stderr(&o));
    let o = pinhole(&["lint", "examples/seed", "--fail-on", "severe"], None);
    assert_eq!(o.status.code(), Some(2), "clap rejects the value");
}

#[test]
fn lint_json_is_sorted_and_located() {
    let o = pinhole(&["lint", "examples/seed", "--format", "json"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(v["summary"]["total"], findings.len());
    let keys: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["subject"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let nacl = findings.iter().find(|f| f["code"] == "NACL004").unwrap();
    assert_eq!(
        nacl["subject"]["file"],
        "accounts/111111111111/us-east-1/NetworkAcls.json"
    );
    assert!(nacl["subject"]["line"].as_u64().unwrap() > 1);
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        root().join("crates/pinhole/tests/fixtures/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid_sarif(text: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
    v
}

#[test]
fn lint_sarif_validates_against_the_sarif_2_1_0_schema() {
    let o = pinhole(&["lint", "examples/seed", "--format", "sarif"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = assert_valid_sarif(&stdout(&o));
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), pinhole_rule_count());
    let results = run["results"].as_array().unwrap();
    let nacl = results.iter().find(|r| r["ruleId"] == "NACL004").unwrap();
    assert_eq!(nacl["level"], "error");
    let loc = &nacl["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "accounts/111111111111/us-east-1/NetworkAcls.json"
    );
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "SNAPSHOT");
    assert!(loc["region"]["startLine"].as_u64().unwrap() > 1);
    assert!(
        run["originalUriBaseIds"]["SNAPSHOT"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("file:///")
    );
    // Every result's rule index points at its rule.
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
}

fn pinhole_rule_count() -> usize {
    let o = pinhole(&["rules", "--format", "json"], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    v.as_array().unwrap().len()
}

#[test]
fn rules_lists_the_catalogue_and_rule_prints_docs() {
    let o = pinhole(&["rules"], None);
    assert!(o.status.success());
    let out = stdout(&o);
    for code in [
        "SG001", "NACL003", "NACL004", "PEER001", "EXP001", "NET001", "GW001",
    ] {
        assert!(out.contains(code), "{code} missing:\n{out}");
    }
    let o = pinhole(&["rule", "nacl003"], None);
    assert!(o.status.success());
    let doc = stdout(&o);
    assert!(doc.starts_with("# NACL003 nacl-rule-shadowed"), "{doc}");
    for h in ["## Why it matters", "## Example", "## Fix", "## Covers"] {
        assert!(doc.contains(h), "{h} missing:\n{doc}");
    }
    let o = pinhole(&["rule", "NOPE1"], None);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn lint_escapes_input_strings_in_every_format() {
    // A security group open to the internet, named to forge lines and terminal colours.
    let dir = scratch(
        "linttags",
        &[(
            "all.json",
            r#"{"Vpcs":[{"VpcId":"vpc-1","OwnerId":"111111111111","CidrBlock":"10.0.0.0/16"}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"evil\nSG001 critical\u001b[31m\u202e","VpcId":"vpc-1","OwnerId":"111111111111",
 "IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}],"IpPermissionsEgress":[]}]}"#,
        )],
    );
    for format in ["text", "json", "sarif"] {
        let o = pinhole(&["lint", path_str(&dir), "--format", format], None);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("SG001"), "{format}: {out}");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}'),
            "{format}: {out}"
        );
        assert!(!out.contains("\nSG001 critical"), "{format}: {out}");
        if format == "sarif" {
            assert_valid_sarif(&out);
        }
    }
}

#[test]
fn plan_of_the_seed_design() {
    let o = pinhole(&["plan", "examples/seed/design.yaml"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    insta::assert_snapshot!("plan_seed_design", stdout(&o));
}

#[test]
fn plan_rejects_a_bad_design_with_its_location() {
    let dir = std::env::temp_dir().join(format!("pinhole-cli-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(root().join("examples/seed/design.yaml"))
        .unwrap()
        .replace("prod: { slot: 0,", "prod: { slot: 4096,");
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, text).unwrap();
    let o = pinhole(&["plan", bad.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("bad.yaml:17:66: error: account `prod`: slot 4096 does not exist: the us-east-1 pool 172.16.0.0/12 holds 16 /16 VPCs (slots 0 to 15): the pool is exhausted"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn emit_writes_both_formats_deterministically() {
    let dir = std::env::temp_dir().join(format!("pinhole-cli-emit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for format in ["terraform", "cloudformation"] {
        for sub in ["a", "b"] {
            let out = dir.join(sub);
            let o = pinhole(
                &[
                    "emit",
                    "examples/seed/design.yaml",
                    "--format",
                    format,
                    "--out",
                    out.to_str().unwrap(),
                ],
                None,
            );
            assert!(o.status.success(), "{}", stderr(&o));
        }
    }
    for rel in [
        "terraform/dev/main.tf",
        "terraform/prod/variables.tf",
        "terraform/README.md",
        "cloudformation/prod-us-east-1.yaml",
        "cloudformation/qa-us-east-1.yaml",
    ] {
        let a = std::fs::read(dir.join("a").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let b = std::fs::read(dir.join("b").join(rel)).unwrap();
        assert_eq!(a, b, "{rel} differs between two runs");
    }
}

#[test]
fn emitted_cloudformation_imports_back_and_meets_the_design() {
    let dir = std::env::temp_dir().join(format!("pinhole-cli-cfn-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let emitted = dir.join("emitted");
    let o = pinhole(
        &[
            "emit",
            "examples/seed/design.yaml",
            "--format",
            "cloudformation",
            "--out",
            emitted.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut args: Vec<String> = vec!["import-cfn".into()];
    for stack in ["dev-us-east-1", "prod-us-east-1", "qa-us-east-1"] {
        args.push(
            emitted
                .join(format!("cloudformation/{stack}.yaml"))
                .display()
                .to_string(),
        );
    }
    let read_back = dir.join("read");
    args.extend([
        "--design".into(),
        "examples/seed/design.yaml".into(),
        "--out".into(),
        read_back.display().to_string(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = pinhole(&args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "no warnings on emitted templates");
    let out = stdout(&o);
    assert!(
        out.contains("3 templates: 3 VPCs, 12 subnets, 3 peering connections"),
        "{out}"
    );
    assert!(out.contains("isolation  142/142 blocked"), "{out}");
    // The snapshot written answers the seed's probes like the hand-corrected one.
    let probes = std::fs::read_to_string(root().join("examples/seed-fixed/probes.jsonl")).unwrap();
    let o = pinhole(
        &["query", read_back.to_str().unwrap(), "--flows", "-"],
        Some(&probes),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for line in stdout(&o).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["verdict"], v["expect"], "{line}");
    }
}

#[test]
fn the_design_probes_find_the_seed_bugs_in_the_hand_written_network() {
    let file = std::env::temp_dir().join(format!(
        "pinhole-design-probes-{}.jsonl",
        std::process::id()
    ));
    let o = pinhole(
        &[
            "plan",
            "examples/seed/design.yaml",
            "--write-probes",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let disagreements = |snapshot: &str| -> Vec<String> {
        let o = pinhole(
            &["query", snapshot, "--flows", file.to_str().unwrap()],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| v["verdict"] != v["expect"])
            .map(|v| format!("{} {} -> {}", v["check"], v["src"], v["dst"]))
            .collect()
    };
    // The hand-corrected network meets the design; so does the one generated from it.
    assert_eq!(disagreements("examples/seed-fixed"), Vec::<String>::new());
    assert_eq!(disagreements("examples/seed-design"), Vec::<String>::new());
    // The network as the article wrote it breaks the pinhole twice, the reply and the failover,
    // and with it the intent that requires the pinhole.
    assert_eq!(
        disagreements("examples/seed"),
        vec![
            "\"pinhole weekly-refresh\" \"10.10.1.50\" -> \"172.16.1.100\"".to_owned(),
            "\"pinhole weekly-refresh\" \"10.10.1.50\" -> \"172.16.17.100\"".to_owned(),
            "\"intent batch-reaches-the-database-in-every-zone\" \"10.10.1.50\" -> \"172.16.1.100\"".to_owned(),
            "\"intent batch-reaches-the-database-in-every-zone\" \"10.10.1.50\" -> \"172.16.17.100\"".to_owned(),
        ]
    );
}

#[test]
fn plan_of_the_organisation_example() {
    let o = pinhole(&["plan", "examples/design/org.yaml"], None);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("8 VPCs, 10 peering connections"), "{out}");
    assert!(
        out.contains("result: the compiled network meets its design"),
        "{out}"
    );
}

#[test]
fn plan_fails_when_the_design_breaks_its_own_intents() {
    let dir = std::env::temp_dir().join(format!("pinhole-cli-intent-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(root().join("examples/seed/design.yaml")).unwrap()
        + "  - name: qa-batch-too\n    require: { from: { account: qa, tier: private }, to: prod-db, services: [tcp/3306] }\n";
    let bad = dir.join("design.yaml");
    std::fs::write(&bad, text).unwrap();
    let o = pinhole(&["plan", bad.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("intents    60/62 as the intents state"),
        "{out}"
    );
    assert!(out.contains("FAIL intent qa-batch-too: qa-app 10.20.1.10 -> prod-db 172.16.1.100 tcp/3306: expected reachable, got blocked"), "{out}");
    assert!(
        out.contains("result: the compiled network does NOT meet its design"),
        "{out}"
    );
}

#[test]
fn emit_warns_about_files_a_previous_emit_left() {
    let dir = std::env::temp_dir().join(format!("pinhole-cli-stale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.to_str().unwrap();
    let o = pinhole(
        &[
            "emit",
            "examples/design/org.yaml",
            "--format",
            "terraform",
            "--out",
            out,
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = pinhole(
        &[
            "emit",
            "examples/design/org.yaml",
            "--format",
            "terraform",
            "--out",
            out,
        ],
        None,
    );
    assert_eq!(stderr(&o), "", "the same design again leaves nothing stale");
    let o = pinhole(
        &[
            "emit",
            "examples/seed/design.yaml",
            "--format",
            "terraform",
            "--out",
            out,
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("terraform/tools/main.tf was not written by this emit"),
        "{}",
        stderr(&o)
    );
}
