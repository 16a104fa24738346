//! Located diagnostics.

use serde_saphyr::Location;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about the design file, at a line and column (1-based; 0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn at(severity: Severity, file: &str, loc: Location, message: String) -> Self {
        Self {
            severity,
            file: file.to_owned(),
            line: loc.line(),
            column: loc.column(),
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.line == 0 {
            write!(f, "{}: {kind}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {kind}: {}",
                self.file, self.line, self.column, self.message
            )
        }
    }
}

/// A design that cannot be used: its errors (and the warnings found with them), in file order.
#[derive(Debug, thiserror::Error)]
#[error("{}", render(.diagnostics))]
pub struct DesignError {
    pub diagnostics: Vec<Diagnostic>,
}

fn render(d: &[Diagnostic]) -> String {
    d.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first line of a serde-saphyr error without its own location prefix.
pub(crate) fn from_yaml(file: &str, e: &serde_saphyr::Error) -> DesignError {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or("invalid YAML");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // "line 3 column 1: message"
    let message = match first.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") => rest,
        _ => first,
    };
    let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
    DesignError {
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            file: file.to_owned(),
            line,
            column,
            message: message.to_owned(),
        }],
    }
}
