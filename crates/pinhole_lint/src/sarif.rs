//! SARIF 2.1.0 output, as GitHub code scanning reads it.
//!
//! Each finding is a result with the rule's code as `ruleId`, a physical location in the input
//! file the resource came from (when known; line found by the caller) and a logical location
//! naming the resource. Rules carry their docs as `help` and a `security-severity` so code
//! scanning ranks them.

use crate::{Finding, RULES, Rule, Severity};
use serde_json::{Value, json};

/// SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's numeric severity (0-10) of a severity.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn rule_descriptor(r: &Rule) -> Value {
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": { "text": r.summary() },
        "fullDescription": { "text": r.summary() },
        "help": { "text": r.docs_markdown(), "markdown": r.docs_markdown() },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "security-severity": security_severity(r.severity),
            "tags": ["security", "network", "aws"],
            "covers": r.covers,
        }
    })
}

/// A SARIF log of `findings`. `line_of` gives the 1-based line of a finding's resource in its
/// file, when the caller could find it; `root_uri` is the snapshot directory as a `file:` URI
/// (ending in `/`) against which the files' relative paths resolve.
pub fn log(
    findings: &[Finding],
    root_uri: Option<&str>,
    version: &str,
    line_of: &dyn Fn(&Finding) -> Option<usize>,
) -> Value {
    let rules: Vec<Value> = RULES.iter().map(|r| rule_descriptor(r)).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let rule_index = RULES.iter().position(|r| r.code == f.code).unwrap_or(0);
            let logical = json!({
                "name": f.subject.id,
                "fullyQualifiedName": qualified(f),
                "kind": f.subject.kind,
            });
            let mut location = json!({ "logicalLocations": [logical] });
            if let Some(file) = &f.subject.file {
                let mut physical = json!({
                    "artifactLocation": { "uri": uri_path(file), "uriBaseId": "SNAPSHOT" }
                });
                physical["region"] = json!({ "startLine": line_of(f).unwrap_or(1) });
                location["physicalLocation"] = physical;
            }
            let mut text = f.message.clone();
            if !f.evidence.is_empty() {
                text.push_str("\n\n");
                text.push_str(&f.evidence.join("\n"));
            }
            json!({
                "ruleId": f.code,
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": { "text": format!("{}: {}", f.subject.display(), text) },
                "locations": [location],
                "partialFingerprints": {
                    "pinholeFinding/v1": format!("{}:{}:{}", f.code, f.subject.id, f.message)
                },
                "properties": {
                    "severity": f.severity.as_str(),
                    "security-severity": security_severity(f.severity),
                    "resourceKind": f.subject.kind,
                    "evidence": f.evidence,
                }
            })
        })
        .collect();
    let mut run = json!({
        "tool": { "driver": {
            "name": "pinhole",
            "semanticVersion": version,
            "rules": rules,
        }},
        "results": results,
        "columnKind": "unicodeCodePoints",
    });
    if let Some(root) = root_uri {
        run["originalUriBaseIds"] = json!({ "SNAPSHOT": { "uri": root } });
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}

/// `111111111111/us-east-1/sg-0abc`.
fn qualified(f: &Finding) -> String {
    let mut parts = Vec::new();
    if let Some(a) = &f.subject.account {
        parts.push(a.as_str());
    }
    if let Some(r) = &f.subject.region {
        parts.push(r.as_str());
    }
    parts.push(&f.subject.id);
    parts.join("/")
}

/// A relative file path as a URI reference: `/` separators, reserved characters escaped.
pub fn uri_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
