//! Snapshot ingest: `aws ec2 describe-*` (and `rds describe-db-instances`) JSON into the pinhole
//! model.
//!
//! A file is recognised by its top-level key(s) (`Vpcs`, `Subnets`, `RouteTables`, ...), never by
//! its name. [`SnapshotBuilder`] takes files one at a time as bytes; [`load_path`] walks a
//! directory tree in the `aws_configs/[accounts/<id>/]<region>/*.json` or CloudMapper
//! `account-data/<account>/<region>/*.json` layouts. Unknown or unsupported input becomes a
//! [`Warning`](pinhole_model::Warning) in the snapshot; malformed input and references to
//! resources the snapshot lacks are an [`IngestError`] naming the file and the JSON path.

mod convert;
mod error;
mod layout;
mod pending;
mod raw;
mod resolve;

pub use error::IngestError;
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
    /// Atomic: on error, nothing of the file is kept. Never panics, whatever the bytes.
    pub fn add_json(
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
    pub fn finish(self) -> Result<Snapshot, IngestError> {
        resolve::snapshot(self.parts)
    }
}

#[cfg(test)]
mod tests;
