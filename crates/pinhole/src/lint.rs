//! `pinhole lint`, `pinhole rules`, `pinhole rule`: the rule catalogue from the command line.

use crate::render::clean;
use pinhole_lint::{Finding, RULES, Rule, Selection, Severity};
use std::collections::HashMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit code when findings at or above `--fail-on` were reported.
pub const FINDINGS_EXIT: u8 = 3;

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
}

pub fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| {
        format!(
            "expected one of info, low, medium, high, critical; got `{}`",
            clean(s)
        )
    })
}

pub fn run(
    snapshot: &Path,
    format: LintFormat,
    select: Option<&str>,
    ignore: Option<&str>,
    fail_on: Option<Severity>,
) -> Result<ExitCode, String> {
    let selection = Selection::parse(select, ignore).map_err(|e| format!("error: {e}"))?;
    let snap = crate::load(snapshot)?;
    let bar = crate::bar(
        "{spinner} linting {msg}: {pos}/{len} rules {wide_bar}",
        snap.enis.len() > 2_000,
    );
    let mut progress = |code: &str, done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
            b.set_message(code.to_string());
        }
    };
    let findings = pinhole_lint::lint_with_progress(snap, &selection, &mut progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let mut lines = LineFinder::new(snapshot);
    let text = match format {
        LintFormat::Text => text(&findings, &snap.warnings, &mut lines),
        LintFormat::Json => {
            let counts: serde_json::Map<String, serde_json::Value> =
                pinhole_lint::counts(&findings)
                    .into_iter()
                    .map(|(s, n)| (s.as_str().to_string(), n.into()))
                    .collect();
            let located: Vec<serde_json::Value> = findings
                .iter()
                .map(|f| {
                    let mut v = serde_json::to_value(f).unwrap_or_default();
                    if let Some(line) = lines.line_of(f) {
                        v["subject"]["line"] = line.into();
                    }
                    v
                })
                .collect();
            let v = serde_json::json!({
                "findings": located,
                "summary": { "total": findings.len(), "by_severity": counts },
                "warnings": snap.warnings,
            });
            serde_json::to_string_pretty(&v).map_err(|e| format!("error: {e}"))? + "\n"
        }
        LintFormat::Sarif => {
            for f in &findings {
                lines.line_of(f);
            }
            let root = lines.root_uri();
            let log = pinhole_lint::sarif::log(
                &findings,
                root.as_deref(),
                env!("CARGO_PKG_VERSION"),
                &|f| lines.clone_line_of(f),
            );
            serde_json::to_string_pretty(&log).map_err(|e| format!("error: {e}"))? + "\n"
        }
    };
    crate::out(&text);
    let failing = fail_on.is_some_and(|min| findings.iter().any(|f| f.severity >= min));
    Ok(if failing {
        ExitCode::from(FINDINGS_EXIT)
    } else {
        ExitCode::SUCCESS
    })
}

fn text(
    findings: &[Finding],
    warnings: &[pinhole_model::Warning],
    lines: &mut LineFinder,
) -> String {
    let mut out = String::new();
    for f in findings {
        let place = match (&f.subject.account, &f.subject.region) {
            (Some(a), Some(r)) => format!(" [{a} {r}]"),
            (Some(a), None) => format!(" [{a}]"),
            (None, Some(r)) => format!(" [{r}]"),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "{} {} {} {}{place}",
            f.code,
            f.severity,
            f.subject.kind,
            clean(&f.subject.display())
        );
        let _ = writeln!(out, "  {}", clean(&f.message));
        if let Some(file) = &f.subject.file {
            let line = lines
                .line_of(f)
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            let path = f
                .subject
                .path
                .as_deref()
                .map(|p| format!(" ({})", clean(p)))
                .unwrap_or_default();
            let _ = writeln!(out, "  --> {}{line}{path}", clean(file));
        }
        for e in &f.evidence {
            let _ = writeln!(out, "  | {}", clean(e));
        }
    }
    let counts: Vec<String> = pinhole_lint::counts(findings)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    if findings.is_empty() {
        out.push_str("no findings\n");
    } else {
        let _ = writeln!(
            out,
            "{} finding{}: {}",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            counts.join(", ")
        );
    }
    if !warnings.is_empty() {
        let _ = writeln!(
            out,
            "{} input warnings (see `pinhole summary`)",
            warnings.len()
        );
    }
    out
}

/// Finds the line of a resource in its input file: the first line holding its id in quotes.
struct LineFinder {
    root: PathBuf,
    files: HashMap<String, Option<String>>,
}

impl LineFinder {
    fn new(snapshot: &Path) -> Self {
        // The directory file labels are relative to, as ingest chooses it.
        let root = if snapshot.is_dir() {
            ["aws_configs", "account-data"]
                .iter()
                .map(|d| snapshot.join(d))
                .find(|p| p.is_dir())
                .unwrap_or_else(|| snapshot.to_path_buf())
        } else {
            snapshot.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        LineFinder {
            root,
            files: HashMap::new(),
        }
    }

    fn load(&mut self, file: &str) {
        if !self.files.contains_key(file) {
            let text = std::fs::read_to_string(self.root.join(file)).ok();
            self.files.insert(file.to_string(), text);
        }
    }

    fn line_of(&mut self, f: &Finding) -> Option<usize> {
        let file = f.subject.file.clone()?;
        self.load(&file);
        self.clone_line_of(f)
    }

    /// [`LineFinder::line_of`] over files already loaded.
    fn clone_line_of(&self, f: &Finding) -> Option<usize> {
        let file = f.subject.file.as_ref()?;
        let text = self.files.get(file)?.as_ref()?;
        let needle = format!("\"{}\"", f.subject.id);
        let at = text.find(&needle)?;
        Some(text[..at].bytes().filter(|&b| b == b'\n').count() + 1)
    }

    /// The snapshot directory as a `file:` URI ending in `/`.
    fn root_uri(&mut self) -> Option<String> {
        let abs = std::fs::canonicalize(&self.root).ok()?;
        let p = pinhole_lint::sarif::uri_path(&abs.to_string_lossy());
        let p = if p.starts_with('/') {
            p
        } else {
            format!("/{p}")
        };
        Some(format!("file://{}/", p.trim_end_matches('/')))
    }
}

/// `pinhole rules`: the catalogue, one rule a line.
pub fn rules(json: bool) -> Result<ExitCode, String> {
    if json {
        let v: Vec<serde_json::Value> = RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code,
                    "name": r.name,
                    "severity": r.severity,
                    "area": r.area(),
                    "summary": r.summary(),
                    "covers": r.covers,
                })
            })
            .collect();
        crate::out(&(serde_json::to_string_pretty(&v).map_err(|e| format!("error: {e}"))? + "\n"));
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    let mut area = None;
    for r in RULES {
        if r.area() != area {
            area = r.area();
            if let Some(a) = area {
                let _ = writeln!(
                    out,
                    "{}{}",
                    if out.is_empty() { "" } else { "\n" },
                    a.title()
                );
            }
        }
        let _ = writeln!(out, "  {:<8} {:<8} {}", r.code, r.severity.as_str(), r.name);
    }
    let _ = writeln!(
        out,
        "\n{} rules; `pinhole rule <CODE>` shows one",
        RULES.len()
    );
    crate::out(&out);
    Ok(ExitCode::SUCCESS)
}

/// `pinhole rule CODE`: the rule's documentation.
pub fn rule(code: &str) -> Result<ExitCode, String> {
    let r = pinhole_lint::rule_by_code(code)
        .ok_or_else(|| format!("error: no rule `{}` (see `pinhole rules`)", clean(code)))?;
    crate::out(&rule_doc(r));
    Ok(ExitCode::SUCCESS)
}

pub fn rule_doc(r: &Rule) -> String {
    let mut out = format!("# {} {}\n\n", r.code, r.name);
    let area = r.area().map(|a| a.title()).unwrap_or("other");
    let _ = writeln!(out, "Severity: {} · Area: {area}\n", r.severity);
    out.push_str(&r.docs_markdown());
    out.push_str("\n\n## Covers\n");
    for c in r.covers {
        let _ = writeln!(out, "- {c}");
    }
    out
}
