//! The pinhole rule catalogue: documented checks of an AWS network snapshot.
//!
//! Each rule lives in its own file under `rules/<area>/`, named for the bad pattern it finds; its
//! user documentation is its doc comment (what it finds, why it matters, an example, the fix) and
//! its metadata (code, severity, the scanner checks it covers) sits beside it in the [`rule!`]
//! invocation. [`RULES`] is the registry, sorted by code. Rules that depend on routes, NACLs and
//! security groups together ask the concrete engine ([`pinhole_engine::trace`]) rather than guess
//! from one rule, and carry the trace as evidence.
//!
//! [`lint`] runs a selection of rules and returns findings sorted by code, resource and message,
//! so output is deterministic. [`sarif::log`] renders them as SARIF 2.1.0.

mod context;
mod registry;
mod rules;
pub mod sarif;
pub mod space;

pub use context::Context;
pub use registry::RULES;

use pinhole_model::{Origin, Snapshot};
use serde::Serialize;
use std::fmt;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The area a rule belongs to; the letters of its code name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    SecurityGroup,
    NetworkAcl,
    RouteTable,
    Peering,
    TransitGateway,
    Addressing,
    Gateway,
    Exposure,
    Hygiene,
}

impl Area {
    pub fn of_code(code: &str) -> Option<Area> {
        let letters: String = code
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        Some(match letters.as_str() {
            "SG" => Area::SecurityGroup,
            "NACL" => Area::NetworkAcl,
            "RT" => Area::RouteTable,
            "PEER" => Area::Peering,
            "TGW" => Area::TransitGateway,
            "NET" => Area::Addressing,
            "GW" => Area::Gateway,
            "EXP" => Area::Exposure,
            "HYG" => Area::Hygiene,
            _ => return None,
        })
    }

    pub fn title(self) -> &'static str {
        match self {
            Area::SecurityGroup => "security groups",
            Area::NetworkAcl => "network ACLs",
            Area::RouteTable => "route tables",
            Area::Peering => "VPC peering",
            Area::TransitGateway => "transit gateways",
            Area::Addressing => "subnets and addressing",
            Area::Gateway => "gateways",
            Area::Exposure => "exposure (computed by the engine)",
            Area::Hygiene => "hygiene",
        }
    }
}

/// A rule of the catalogue. Declared with [`rule!`] in its own file.
pub struct Rule {
    /// Stable code: area letters and a number (`NACL003`). Never reused.
    pub code: &'static str,
    /// The bad pattern, kebab-case (`nacl-rule-shadowed`).
    pub name: &'static str,
    pub severity: Severity,
    /// The scanner checks this rule covers: catalogue row and the scanners' own ids.
    pub covers: &'static [&'static str],
    /// The doc comment, as written (Markdown).
    pub docs: &'static str,
    pub check: fn(&Context<'_>, &mut Sink<'_>),
}

impl Rule {
    /// The docs with the one space `///` leaves at the start of each line removed.
    pub fn docs_markdown(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }

    /// The first sentence-paragraph of the docs: what the rule finds.
    pub fn summary(&self) -> String {
        let md = self.docs_markdown();
        md.split("\n\n")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn area(&self) -> Option<Area> {
        Area::of_code(self.code)
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule").field("code", &self.code).finish()
    }
}

/// Declares a rule: its doc comment becomes its user documentation.
///
/// ```ignore
/// rule! {
///     /// Finds ...
///     code: "SG001", name: "sg-...", severity: High,
///     covers: ["A1 prowler ..."],
///     check: check,
/// }
/// ```
macro_rules! rule {
    (
        $(#[doc = $doc:literal])*
        code: $code:literal,
        name: $name:literal,
        severity: $sev:ident,
        covers: [$($cov:literal),* $(,)?],
        check: $check:path $(,)?
    ) => {
        $(#[doc = $doc])*
        pub const RULE: $crate::Rule = $crate::Rule {
            code: $code,
            name: $name,
            severity: $crate::Severity::$sev,
            covers: &[$($cov),*],
            docs: concat!($($doc, "\n"),*),
            check: $check,
        };
    };
}
pub(crate) use rule;

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// `security-group`, `network-acl`, `subnet`, `route-table`, `network-interface`, …
    pub kind: &'static str,
    /// The AWS id (an ARN for load balancers).
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Where the resource is in the input: file and JSON path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Subject {
    pub fn new(kind: &'static str, id: &str) -> Self {
        Subject {
            kind,
            id: escape(id),
            name: None,
            account: None,
            region: None,
            file: None,
            path: None,
        }
    }
    pub fn named(mut self, name: Option<&str>) -> Self {
        self.name = name.filter(|n| !n.is_empty()).map(escape);
        self
    }
    pub fn in_account(mut self, account: &str, region: &str) -> Self {
        if !account.is_empty() {
            self.account = Some(escape(account));
        }
        if !region.is_empty() {
            self.region = Some(escape(region));
        }
        self
    }
    pub fn at(mut self, origin: &Origin) -> Self {
        if !origin.file.is_empty() {
            self.file = Some(escape(&origin.file));
            self.path = Some(escape(&origin.path)).filter(|p| !p.is_empty());
        }
        self
    }
    /// `sg-0abc (web-sg)`.
    pub fn display(&self) -> String {
        match &self.name {
            Some(n) => format!("{} ({n})", self.id),
            None => self.id.clone(),
        }
    }
}

/// One problem found by one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub subject: Subject,
    pub message: String,
    /// Why: the rules, routes or trace hops that make it so.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

/// Where a rule's check writes its findings.
pub struct Sink<'r> {
    rule: &'r Rule,
    out: Vec<Finding>,
}

impl<'r> Sink<'r> {
    pub fn new(rule: &'r Rule) -> Self {
        Sink {
            rule,
            out: Vec::new(),
        }
    }
    /// Record a finding at the rule's severity; the message is escaped.
    pub fn add(&mut self, subject: Subject, message: impl AsRef<str>) -> &mut Finding {
        let i = self.out.len();
        self.out.push(Finding {
            code: self.rule.code,
            rule: self.rule.name,
            severity: self.rule.severity,
            subject,
            message: escape(message.as_ref()),
            evidence: Vec::new(),
        });
        &mut self.out[i]
    }
    pub fn into_findings(self) -> Vec<Finding> {
        self.out
    }
}

impl Finding {
    /// Add a line of evidence (escaped).
    pub fn because(&mut self, line: impl AsRef<str>) -> &mut Self {
        self.evidence.push(escape(line.as_ref()));
        self
    }
    pub fn at_severity(&mut self, s: Severity) -> &mut Self {
        self.severity = s;
        self
    }
}

/// Escape control characters and bidi overrides in text taken from the input, so a tag cannot
/// forge output lines or reorder what a terminal shows (the same escaping as the CLI's).
pub fn escape(s: &str) -> String {
    if !s
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Which rules run: `select` and `ignore` are codes or code prefixes (`SG`, `NACL00`, `EXP001`).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    /// Parse comma-separated codes or prefixes; unknown ones are an error naming them.
    pub fn parse(select: Option<&str>, ignore: Option<&str>) -> Result<Selection, String> {
        fn list(s: Option<&str>) -> Result<Vec<String>, String> {
            let Some(s) = s else { return Ok(Vec::new()) };
            let mut out = Vec::new();
            for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let p = part.to_ascii_uppercase();
                if !RULES.iter().any(|r| r.code.starts_with(&p)) {
                    return Err(format!(
                        "`{}` is not a rule code or prefix (see `pinhole rules`)",
                        escape(part)
                    ));
                }
                out.push(p);
            }
            Ok(out)
        }
        Ok(Selection {
            select: list(select)?,
            ignore: list(ignore)?,
        })
    }

    pub fn includes(&self, code: &str) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|p| code.starts_with(p));
        selected && !self.ignore.iter().any(|p| code.starts_with(p))
    }
}

/// The rule with this code (case-insensitive).
pub fn rule_by_code(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code.trim()))
}

/// Run the selected rules over a snapshot. Findings come sorted by code, resource and message.
pub fn lint(snap: &Snapshot, selection: &Selection) -> Vec<Finding> {
    lint_with_progress(snap, selection, &mut |_, _, _| {})
}

/// [`lint`], calling `progress(rule code, rules done, rules selected)` before each rule.
pub fn lint_with_progress(
    snap: &Snapshot,
    selection: &Selection,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Vec<Finding> {
    let cx = Context::new(snap);
    let mut all = Vec::new();
    let rules: Vec<&Rule> = RULES
        .iter()
        .copied()
        .filter(|r| selection.includes(r.code))
        .collect();
    for (k, r) in rules.iter().enumerate() {
        progress(r.code, k, rules.len());
        let mut sink = Sink::new(r);
        (r.check)(&cx, &mut sink);
        all.extend(sink.into_findings());
    }
    sort(&mut all);
    all
}

/// The order of findings everywhere: code, resource, message, evidence.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (a.code, &a.subject.id, &a.message, &a.evidence).cmp(&(
            b.code,
            &b.subject.id,
            &b.message,
            &b.evidence,
        ))
    });
    findings.dedup();
}

/// Counts per severity, highest first, for summaries.
pub fn counts(findings: &[Finding]) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .rev()
        .map(|&s| (s, findings.iter().filter(|f| f.severity == s).count()))
        .collect()
}
