//! Ingest errors: every one names the file, the JSON path inside it and what was expected.

use pinhole_model::Warning;
use serde_json::error::Category;
use std::borrow::Cow;

/// Why a snapshot could not be read.
///
/// `file` is the label the file was added under (its path relative to the snapshot root when
/// loaded with [`crate::load_path`]); `path` is the JSON path inside it, e.g.
/// `NetworkAcls[3].Entries[2].CidrBlock`. Every variant also carries the warnings gathered
/// before the failure ([`IngestError::warnings`]), so that a caller can show them first: they
/// often name the real cause (a file that was ignored).
///
/// The fields hold the input as written; the `Display` output escapes control characters and
/// bidirectional-text overrides in every part that comes from the input ([`escape`]).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file or directory could not be read.
    #[error("cannot read `{}`, expected {}: {}", escape(.file), escape(.expected), escape(&.source.to_string()))]
    Io {
        file: String,
        /// Always empty: the failure is outside any JSON document.
        path: String,
        /// What the reader expected to find there.
        expected: String,
        #[source]
        source: std::io::Error,
        /// Warnings gathered before the failure.
        warnings: Vec<Warning>,
    },
    /// The bytes are not JSON.
    #[error("`{}`: malformed JSON at line {line} column {column}{}: {}", escape(.file), at(.path), escape(.expected))]
    Json {
        file: String,
        path: String,
        line: usize,
        column: usize,
        expected: String,
        /// Warnings gathered before the failure.
        warnings: Vec<Warning>,
    },
    /// A field AWS always returns is absent.
    #[error("`{}`: `{}`: missing required field `{}`", escape(.file), escape(.path), escape(.field))]
    MissingField {
        file: String,
        path: String,
        field: String,
        /// Warnings gathered before the failure.
        warnings: Vec<Warning>,
    },
    /// A value of the wrong type or form: bad CIDR, IP, port, protocol, rule number, ...
    #[error("`{}`: `{}`: invalid value {}, expected {}", escape(.file), escape(.path), escape(.found), escape(.expected))]
    InvalidValue {
        file: String,
        path: String,
        found: String,
        expected: String,
        /// Warnings gathered before the failure.
        warnings: Vec<Warning>,
    },
    /// A resource refers to another one the snapshot does not contain.
    #[error(
        "`{}`: `{}`: {} refers to {}, which is not in the snapshot (expected {}){}",
        escape(.file), escape(.path), escape(.from), escape(.target), escape(.expected), note_suffix(.note)
    )]
    DanglingReference {
        file: String,
        path: String,
        from: String,
        target: String,
        expected: String,
        /// Set when files were ignored that may have held the target, e.g. ``"`Vpcs.json` was
        /// ignored: not a describe-* output (the top level is null)"``.
        note: Option<String>,
        /// Warnings gathered before the failure.
        warnings: Vec<Warning>,
    },
    /// The input holds nothing to build a snapshot from: no JSON file under a directory, or no
    /// VPC in any of its files.
    #[error("`{}`: {}{} (expected {})", escape(.file), escape(.found), note_suffix(.note), escape(.expected))]
    NoData {
        /// The path the snapshot was loaded from.
        file: String,
        /// Always empty: the problem is the input as a whole.
        path: String,
        /// What was found instead, e.g. `no describe-* JSON files found`.
        found: String,
        expected: String,
        /// Set when files were ignored that may have held what is missing.
        note: Option<String>,
        /// Warnings gathered before the failure.
        warnings: Vec<Warning>,
    },
}

impl IngestError {
    /// The file label the error is about.
    pub fn file(&self) -> &str {
        match self {
            IngestError::Io { file, .. }
            | IngestError::Json { file, .. }
            | IngestError::MissingField { file, .. }
            | IngestError::InvalidValue { file, .. }
            | IngestError::DanglingReference { file, .. }
            | IngestError::NoData { file, .. } => file,
        }
    }

    /// The JSON path inside the file (empty for I/O errors and for [`IngestError::NoData`]).
    pub fn json_path(&self) -> &str {
        match self {
            IngestError::Io { path, .. }
            | IngestError::Json { path, .. }
            | IngestError::MissingField { path, .. }
            | IngestError::InvalidValue { path, .. }
            | IngestError::DanglingReference { path, .. }
            | IngestError::NoData { path, .. } => path,
        }
    }

    /// The warnings gathered before loading failed, sorted and deduplicated like
    /// [`pinhole_model::Snapshot::warnings`]; already escaped like them. Print them before the
    /// error: a file ignored with a warning is often the real cause of a later error.
    pub fn warnings(&self) -> &[Warning] {
        match self {
            IngestError::Io { warnings, .. }
            | IngestError::Json { warnings, .. }
            | IngestError::MissingField { warnings, .. }
            | IngestError::InvalidValue { warnings, .. }
            | IngestError::DanglingReference { warnings, .. }
            | IngestError::NoData { warnings, .. } => warnings,
        }
    }

    fn warnings_mut(&mut self) -> &mut Vec<Warning> {
        match self {
            IngestError::Io { warnings, .. }
            | IngestError::Json { warnings, .. }
            | IngestError::MissingField { warnings, .. }
            | IngestError::InvalidValue { warnings, .. }
            | IngestError::DanglingReference { warnings, .. }
            | IngestError::NoData { warnings, .. } => warnings,
        }
    }

    /// Adds `earlier` (warnings gathered before the failure) to the error's own.
    pub(crate) fn with_warnings(mut self, earlier: &[Warning]) -> Self {
        let w = self.warnings_mut();
        w.extend_from_slice(earlier);
        w.sort();
        w.dedup();
        self
    }

    pub(crate) fn io(file: &str, expected: &str, source: std::io::Error) -> Self {
        IngestError::Io {
            file: file.to_owned(),
            path: String::new(),
            expected: expected.to_owned(),
            source,
            warnings: Vec::new(),
        }
    }

    pub(crate) fn invalid(
        file: &str,
        path: &str,
        found: impl std::fmt::Display,
        expected: &str,
    ) -> Self {
        IngestError::InvalidValue {
            file: file.to_owned(),
            path: path.to_owned(),
            found: format!("`{found}`"),
            expected: expected.to_owned(),
            warnings: Vec::new(),
        }
    }

    pub(crate) fn missing(file: &str, path: &str, field: &str) -> Self {
        IngestError::MissingField {
            file: file.to_owned(),
            path: join(path, field),
            field: field.to_owned(),
            warnings: Vec::new(),
        }
    }

    /// Sorts a serde failure into malformed JSON, a missing field or an invalid value; `path` is
    /// where `serde_path_to_error` located it.
    pub(crate) fn from_serde(
        file: &str,
        path: Option<&serde_path_to_error::Path>,
        inner: &serde_json::Error,
    ) -> Self {
        let path = path.map(render_path).unwrap_or_default();
        let (line, column) = (inner.line(), inner.column());
        let full = inner.to_string();
        let suffix = format!(" at line {line} column {column}");
        let msg = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        match inner.classify() {
            Category::Syntax | Category::Eof | Category::Io => IngestError::Json {
                file: file.to_owned(),
                path,
                line,
                column,
                expected: msg,
                warnings: Vec::new(),
            },
            Category::Data => classify_data(file, path, &msg),
        }
    }
}

fn classify_data(file: &str, path: String, msg: &str) -> IngestError {
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`').to_owned();
        return IngestError::MissingField {
            file: file.to_owned(),
            path: join(&path, &field),
            field,
            warnings: Vec::new(),
        };
    }
    let body = ["invalid value: ", "invalid type: ", "invalid length "]
        .iter()
        .find_map(|p| msg.strip_prefix(p))
        .unwrap_or(msg);
    let (found, expected) = match body.rfind(", expected ") {
        Some(i) => (
            body[..i].to_owned(),
            body[i + ", expected ".len()..].to_owned(),
        ),
        None => (
            body.to_owned(),
            "a value of the documented AWS shape".to_owned(),
        ),
    };
    IngestError::InvalidValue {
        file: file.to_owned(),
        path,
        found,
        expected,
        warnings: Vec::new(),
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" (at `{}`)", escape(path))
    }
}

fn note_suffix(note: &Option<String>) -> String {
    match note {
        Some(n) => format!(" (note: {})", escape(n)),
        None => String::new(),
    }
}

/// Whether `c` could change what a terminal shows beyond its own glyph: a control character
/// (C0, DEL, C1: newlines, escape sequences) or a bidirectional-text control (the embeddings and
/// overrides U+202A-U+202E, the isolates U+2066-U+2069, and the marks U+200E, U+200F, U+061C).
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// `s` with every character that could inject terminal sequences or fake lines written as an
/// escape: `\n`, `\r`, `\t`, else `\u{1b}`, `\u{202e}`. Other text, backslashes included, is
/// left as it is, so escaping twice changes nothing. Every error and warning message pinhole
/// builds from input (values, ids, keys, file names) goes through it.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Up to three file labels in backticks, then how many more: ``"`a.json`, `b.json`, `c.json`
/// and 4 more"``.
pub(crate) fn list_files<'a>(files: impl ExactSizeIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 3;
    let total = files.len();
    let mut out = files
        .take(SHOWN)
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if total > SHOWN {
        out.push_str(&format!(" and {} more", total - SHOWN));
    }
    out
}

/// A warning, escaped like every message (file label and JSON path included); an empty path
/// (the whole document) is written `$`, so that `file: path: message` never shows `: :`.
pub(crate) fn warning(file: &str, path: &str, message: &str) -> Warning {
    Warning {
        file: escape(file).into_owned(),
        path: if path.is_empty() {
            "$".to_owned()
        } else {
            escape(path).into_owned()
        },
        message: escape(message).into_owned(),
    }
}

/// `Vpcs[0]` + `VpcId` → `Vpcs[0].VpcId`.
pub(crate) fn join(path: &str, field: &str) -> String {
    match (path.is_empty(), field.is_empty()) {
        (true, _) => field.to_owned(),
        (false, true) => path.to_owned(),
        (false, false) => format!("{path}.{field}"),
    }
}

/// The path as `NetworkAcls[3].Entries[2].CidrBlock`; segments serde could not name (a key that
/// failed to parse) are left out.
fn render_path(p: &serde_path_to_error::Path) -> String {
    let s = p.to_string();
    let s = s.replace(".?", "");
    match s.as_str() {
        "." | "?" => String::new(),
        _ => s,
    }
}
