//! Ingest errors: every one names the file, the JSON path inside it and what was expected.

use serde_json::error::Category;

/// Why a snapshot could not be read.
///
/// `file` is the label the file was added under (its path relative to the snapshot root when
/// loaded with [`crate::load_path`]); `path` is the JSON path inside it, e.g.
/// `NetworkAcls[3].Entries[2].CidrBlock`.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file or directory could not be read.
    #[error("cannot read `{file}`, expected {expected}: {source}")]
    Io {
        file: String,
        /// Always empty: the failure is outside any JSON document.
        path: String,
        /// What the reader expected to find there.
        expected: String,
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not JSON.
    #[error("`{file}`: malformed JSON at line {line} column {column}{}: {expected}", at(.path))]
    Json {
        file: String,
        path: String,
        line: usize,
        column: usize,
        expected: String,
    },
    /// A field AWS always returns is absent.
    #[error("`{file}`: `{path}`: missing required field `{field}`")]
    MissingField {
        file: String,
        path: String,
        field: String,
    },
    /// A value of the wrong type or form: bad CIDR, IP, port, protocol, rule number, ...
    #[error("`{file}`: `{path}`: invalid value {found}, expected {expected}")]
    InvalidValue {
        file: String,
        path: String,
        found: String,
        expected: String,
    },
    /// A resource refers to another one the snapshot does not contain.
    #[error(
        "`{file}`: `{path}`: {from} refers to {target}, which is not in the snapshot (expected {expected})"
    )]
    DanglingReference {
        file: String,
        path: String,
        from: String,
        target: String,
        expected: String,
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
            | IngestError::DanglingReference { file, .. } => file,
        }
    }

    /// The JSON path inside the file (empty for I/O errors).
    pub fn json_path(&self) -> &str {
        match self {
            IngestError::Io { path, .. }
            | IngestError::Json { path, .. }
            | IngestError::MissingField { path, .. }
            | IngestError::InvalidValue { path, .. }
            | IngestError::DanglingReference { path, .. } => path,
        }
    }

    pub(crate) fn io(file: &str, expected: &str, source: std::io::Error) -> Self {
        IngestError::Io {
            file: file.to_owned(),
            path: String::new(),
            expected: expected.to_owned(),
            source,
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
        }
    }

    pub(crate) fn missing(file: &str, path: &str, field: &str) -> Self {
        IngestError::MissingField {
            file: file.to_owned(),
            path: join(path, field),
            field: field.to_owned(),
        }
    }

    /// Sorts a serde failure into malformed JSON, a missing field or an invalid value.
    pub(crate) fn from_serde(
        file: &str,
        err: serde_path_to_error::Error<serde_json::Error>,
    ) -> Self {
        let path = render_path(err.path());
        let inner = err.inner();
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
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" (at `{path}`)")
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
