//! Snapshot ingest: `aws ec2 describe-*` (and `rds describe-db-instances`) JSON into the pinhole
//! model.
//!
//! A file is recognised by its top-level key(s) (`Vpcs`, `Subnets`, `RouteTables`, ...), never by
//! its name. [`SnapshotBuilder`] takes files one at a time as bytes; [`load_path`] walks a
//! directory tree in the `aws_configs/[accounts/<id>/]<region>/*.json` or CloudMapper
//! `account-data/<account>/<region>/*.json` layouts. Unknown or unsupported input, and
//! inconsistencies AWS itself would refuse (a subnet outside its VPC, a CIDR with host bits set,
//! overlapping subnets), become a [`Warning`](pinhole_model::Warning) in the snapshot; malformed
//! input, absent fields the model cannot do without and references to resources the snapshot
//! lacks are an [`IngestError`] naming the file and the JSON path, and carrying the warnings
//! gathered until then. Messages built from input are escaped ([`escape`]).

#![expect(
    clippy::result_large_err,
    reason = "an error ends the load, so its size costs nothing that matters; flat fields keep \
              it easy to match, and every variant carries the warnings gathered before it"
)]

mod convert;
mod error;
mod layout;
mod pending;
mod raw;
mod resolve;

pub use error::{IngestError, escape};
pub use layout::{LoadProgress, load_path, load_path_with_progress};

use pending::{Ctx, Parts};
use pinhole_model::Snapshot;

/// Collects describe-* files, then resolves them into a [`Snapshot`].
#[derive(Debug, Default)]
pub struct SnapshotBuilder {
    parts: Parts,
}

impl SnapshotBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one JSON file. `file_label` names it in errors, warnings and origins; `account` and
    /// `region` are what its location says (a resource's own `OwnerId` wins over `account`).
    ///
    /// Atomic: on error, nothing of the file is kept, and the error carries the warnings of the
    /// files added before. Never panics, whatever the bytes.
    pub fn add_json(
        &mut self,
        file_label: &str,
        account: Option<&str>,
        region: Option<&str>,
        bytes: &[u8],
    ) -> Result<(), IngestError> {
        let parts = read_file(file_label, account, region, bytes)
            .map_err(|e| e.with_warnings(&self.parts.warnings))?;
        self.add_parts(parts);
        Ok(())
    }

    /// Adds what [`read_file`] read from one file.
    pub(crate) fn add_parts(&mut self, parts: Parts) {
        self.parts.merge(parts);
    }

    /// Resolves references, adds what AWS implies (local routes, built-in NACL denies, main route
    /// tables and default NACLs for unassociated subnets, propagated TGW routes), links load
    /// balancer node ENIs to their load balancers, sorts every arena by id (load balancers by
    /// ARN) and builds the indices, including the public addresses no live interface holds.
    ///
    /// A snapshot without VPCs is not an error here (partial inputs are useful in tests);
    /// [`load_path`] refuses one.
    pub fn finish(self) -> Result<Snapshot, IngestError> {
        self.finish_on(layout::default_threads())
    }

    /// [`SnapshotBuilder::finish`] on up to `threads` threads; the result does not depend on
    /// how many.
    pub(crate) fn finish_on(self, threads: usize) -> Result<Snapshot, IngestError> {
        resolve::snapshot(self.parts, threads)
    }

    /// The warnings gathered so far, in the order they were found.
    pub fn warnings(&self) -> &[pinhole_model::Warning] {
        &self.parts.warnings
    }

    /// An error when no file added so far holds a VPC: nothing can be answered about such a
    /// snapshot. `root` names the input as a whole (the path given to [`load_path`]).
    pub(crate) fn check_has_vpcs(&self, root: &str) -> Result<(), IngestError> {
        if !self.parts.vpcs.is_empty() {
            return Ok(());
        }
        let recognised = match self.parts.recognised.as_slice() {
            [] => "none".to_owned(),
            files => error::list_files(files.iter().map(String::as_str)),
        };
        Err(IngestError::NoData {
            file: root.to_owned(),
            path: String::new(),
            found: format!("no VPCs in the snapshot; recognised files: {recognised}"),
            expected: "a `Vpcs` file (`aws ec2 describe-vpcs` output) among the describe-* files"
                .to_owned(),
            note: self.parts.ignored_note(None),
            warnings: Vec::new(),
        }
        .with_warnings(&self.parts.warnings))
    }
}

/// Reads one file on its own: what [`SnapshotBuilder::add_json`] adds. Depends on nothing read
/// before, so files can be read on several threads and added in order.
pub(crate) fn read_file(
    file_label: &str,
    account: Option<&str>,
    region: Option<&str>,
    bytes: &[u8],
) -> Result<Parts, IngestError> {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let contents = parse(file_label, bytes)?;
    let ctx = std::sync::Arc::new(Ctx {
        account: account.map(str::to_owned),
        region: region.map(str::to_owned),
    });
    convert::file(file_label, &ctx, contents)
}

/// Parses one file. The happy path runs plain `serde_json`: tracking the JSON path of every value
/// (`serde_path_to_error`) wraps each one and slows the whole parse down. A file that fails is
/// parsed again with tracking, which fails at the same place and names the path: the error is
/// the same as if tracking had been on from the start.
///
/// Valid UTF-8 (checked at once, which is much faster than string by string) is parsed as a
/// `str`; anything else as bytes, which reports the bad bytes where they are.
fn parse<'a>(file_label: &str, bytes: &'a [u8]) -> Result<raw::FileContents<'a>, IngestError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_from(file_label, bytes, serde_json::Deserializer::from_str(text)),
        Err(_) => parse_from(
            file_label,
            bytes,
            serde_json::Deserializer::from_slice(bytes),
        ),
    }
}

fn parse_from<'a, R: serde_json::de::Read<'a>>(
    file_label: &str,
    bytes: &'a [u8],
    mut de: serde_json::Deserializer<R>,
) -> Result<raw::FileContents<'a>, IngestError> {
    let contents = match serde::Deserialize::deserialize(&mut de) {
        Ok(c) => c,
        Err(plain) => {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            return Err(
                match serde_path_to_error::deserialize::<_, raw::FileContents<'_>>(&mut de) {
                    Err(e) => IngestError::from_serde(file_label, Some(e.path()), e.inner()),
                    // Not expected: both parses see the same bytes. Keep the plain error, unlocated.
                    Ok(_) => IngestError::from_serde(file_label, None, &plain),
                },
            );
        }
    };
    de.end().map_err(|e| IngestError::Json {
        file: file_label.to_owned(),
        path: String::new(),
        line: e.line(),
        column: e.column(),
        expected: "end of file after the top-level value".to_owned(),
        warnings: Vec::new(),
    })?;
    Ok(contents)
}

/// [`parse`] without the fast paths: bytes, tracked from the start.
#[cfg(test)]
fn parse_tracked<'a>(
    file_label: &str,
    bytes: &'a [u8],
) -> Result<raw::FileContents<'a>, IngestError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let contents = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| IngestError::from_serde(file_label, Some(e.path()), e.inner()))?;
    de.end().map_err(|e| IngestError::Json {
        file: file_label.to_owned(),
        path: String::new(),
        line: e.line(),
        column: e.column(),
        expected: "end of file after the top-level value".to_owned(),
        warnings: Vec::new(),
    })?;
    Ok(contents)
}

#[cfg(test)]
mod tests;
