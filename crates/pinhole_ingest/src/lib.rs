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
        self.read_json(file_label, account, region, bytes)
            .map_err(|e| e.with_warnings(&self.parts.warnings))
    }

    fn read_json(
        &mut self,
        file_label: &str,
        account: Option<&str>,
        region: Option<&str>,
        bytes: &[u8],
    ) -> Result<(), IngestError> {
        let bytes = bytes
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(bytes);
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let contents: raw::FileContents = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| IngestError::from_serde(file_label, e))?;
        de.end().map_err(|e| IngestError::Json {
            file: file_label.to_owned(),
            path: String::new(),
            line: e.line(),
            column: e.column(),
            expected: "end of file after the top-level value".to_owned(),
            warnings: Vec::new(),
        })?;
        let ctx = Ctx {
            account: account.map(str::to_owned),
            region: region.map(str::to_owned),
        };
        let parts = convert::file(file_label, &ctx, contents)?;
        self.parts.merge(parts);
        Ok(())
    }

    /// Resolves references, adds what AWS implies (local routes, built-in NACL denies, main route
    /// tables and default NACLs for unassociated subnets, propagated TGW routes), links load
    /// balancer node ENIs to their load balancers, sorts every arena by id (load balancers by
    /// ARN) and builds the indices, including the public addresses no live interface holds.
    ///
    /// A snapshot without VPCs is not an error here (partial inputs are useful in tests);
    /// [`load_path`] refuses one.
    pub fn finish(self) -> Result<Snapshot, IngestError> {
        resolve::snapshot(self.parts)
    }

    /// The warnings gathered so far, in the order they were found.
    pub fn warnings(&self) -> &[pinhole_model::Warning] {
        &self.parts.warnings
    }

    /// An error when no file added so far holds a VPC: nothing can be answered about such a
    /// snapshot. `root` names the input as a whole (the path given to [`load_path`]).
    pub(crate) fn check_has_vpcs(&self, root: &str) -> Result<(), IngestError> {
        if self.parts.vpcs.iter().next().is_some() {
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

#[cfg(test)]
mod tests;
