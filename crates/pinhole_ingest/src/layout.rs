//! Snapshot directory layouts: which files to read, in which order, and the account and region
//! their location implies.

use crate::{IngestError, SnapshotBuilder};
use pinhole_model::Snapshot;
use std::path::{Component, Path, PathBuf};

/// Deep enough for `account-data/<account>/<region>/` under any root; guards against link loops.
const MAX_DEPTH: usize = 12;

/// Loads a snapshot from `path`: a single JSON file, an `aws_configs` directory, its parent, a
/// CloudMapper `account-data` directory or its parent, or any directory of describe-* files.
///
/// Files are read in path order, so the result does not depend on the file system. Files not
/// ending in `.json` are skipped; account (a 12-digit path component) and region (a component
/// like `us-east-1`) come from the path below the root when present.
///
/// A directory without any `.json` file, and input without a single VPC, are errors
/// ([`IngestError::NoData`]): an empty answer would look like a network where nothing is
/// reachable. Any error carries the warnings gathered before it ([`IngestError::warnings`]).
pub fn load_path(path: &Path) -> Result<Snapshot, IngestError> {
    load_path_with_progress(path, &mut |_| {})
}

/// What [`load_path_with_progress`] reports as it goes.
#[derive(Clone, Copy, Debug)]
pub enum LoadProgress<'a> {
    /// `total` files found; reading starts.
    Found { total: usize, bytes: u64 },
    /// One more file read and parsed.
    Read { label: &'a str, bytes: u64 },
    /// Every file read; resolving references and building indices.
    Resolving,
}

/// [`load_path`], reporting progress (for progress bars on large organisations).
pub fn load_path_with_progress(
    path: &Path,
    progress: &mut dyn FnMut(LoadProgress<'_>),
) -> Result<Snapshot, IngestError> {
    let label_of = |p: &Path| p.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| IngestError::io(&label_of(path), "a snapshot file or directory", e))?;
    let mut builder = SnapshotBuilder::new();
    let root_label = label_of(path);
    if meta.is_file() {
        let label = path
            .file_name()
            .map_or_else(|| label_of(path), |n| n.to_string_lossy().into_owned());
        let (account, region) = context(path.parent().unwrap_or(Path::new("")));
        add_file(
            &mut builder,
            path,
            &label,
            account.as_deref(),
            region.as_deref(),
        )?;
        builder.check_has_vpcs(&root_label)?;
        progress(LoadProgress::Resolving);
        return builder.finish();
    }
    let root = snapshot_root(path);
    let mut files = Vec::new();
    walk(&root, &root, 0, &mut files)?;
    if files.is_empty() {
        return Err(IngestError::NoData {
            file: root_label,
            path: String::new(),
            found: "no describe-* JSON files found".to_owned(),
            expected: "aws_configs/[accounts/<id>/]<region>/*.json or \
                       account-data/<account>/<region>/*.json"
                .to_owned(),
            note: None,
            warnings: Vec::new(),
        });
    }
    files.sort();
    let total_bytes = files
        .iter()
        .filter_map(|f| std::fs::metadata(root.join(f)).ok())
        .map(|m| m.len())
        .sum();
    progress(LoadProgress::Found {
        total: files.len(),
        bytes: total_bytes,
    });
    for rel in files {
        let full = root.join(&rel);
        let (account, region) = context(&full.parent().map(Path::to_path_buf).unwrap_or_default());
        let label = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = add_file(
            &mut builder,
            &full,
            &label,
            account.as_deref(),
            region.as_deref(),
        )?;
        progress(LoadProgress::Read {
            label: &label,
            bytes,
        });
    }
    builder.check_has_vpcs(&root_label)?;
    progress(LoadProgress::Resolving);
    builder.finish()
}

fn add_file(
    b: &mut SnapshotBuilder,
    path: &Path,
    label: &str,
    account: Option<&str>,
    region: Option<&str>,
) -> Result<u64, IngestError> {
    let bytes = std::fs::read(path).map_err(|e| {
        IngestError::io(label, "a readable JSON file", e).with_warnings(b.warnings())
    })?;
    b.add_json(label, account, region, &bytes)?;
    Ok(bytes.len() as u64)
}

/// `aws_configs` or `account-data` under `path` when there is one, else `path`.
fn snapshot_root(path: &Path) -> PathBuf {
    ["aws_configs", "account-data"]
        .iter()
        .map(|d| path.join(d))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| path.to_path_buf())
}

/// Every `.json` file under `dir`, as paths relative to `root`; hidden entries are skipped.
fn walk(root: &Path, dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), IngestError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let rel_label = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| IngestError::io(&rel_label(dir), "a readable directory", e))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| IngestError::io(&rel_label(dir), "a readable directory", e))?;
        let p = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let meta = std::fs::metadata(&p)
            .map_err(|e| IngestError::io(&rel_label(&p), "a readable file", e))?;
        if meta.is_dir() {
            walk(root, &p, depth + 1, out)?;
        } else if is_json(&p) {
            out.push(p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p));
        }
    }
    Ok(())
}

fn is_json(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Account and region named by a directory path: the deepest 12-digit component and the deepest
/// region-like component.
pub(crate) fn context(dir: &Path) -> (Option<String>, Option<String>) {
    let (mut account, mut region) = (None, None);
    for c in dir.components() {
        let Component::Normal(s) = c else { continue };
        let s = s.to_string_lossy();
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            account = Some(s.into_owned());
        } else if looks_like_region(&s) {
            region = Some(s.into_owned());
        }
    }
    (account, region)
}

/// `us-east-1`, `eu-west-2`, `ap-southeast-1`, `us-gov-west-1`, `cn-north-1`.
pub(crate) fn looks_like_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    parts.len() >= 3
        && first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !last.is_empty()
        && last.len() <= 2
        && last.bytes().all(|b| b.is_ascii_digit())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for r in [
            "us-east-1",
            "eu-west-2",
            "ap-southeast-1",
            "us-gov-west-1",
            "cn-north-1",
            "il-central-1",
        ] {
            assert!(looks_like_region(r), "{r}");
        }
        for r in [
            "us-east",
            "aws_configs",
            "accounts",
            "us-east-1a",
            "east-us-1",
            "US-EAST-1",
            "us--1",
        ] {
            assert!(!looks_like_region(r), "{r}");
        }
    }

    #[test]
    fn path_context() {
        let (a, r) = context(Path::new("/x/aws_configs/accounts/028403472736/us-east-1"));
        assert_eq!(a.as_deref(), Some("028403472736"));
        assert_eq!(r.as_deref(), Some("us-east-1"));
        let (a, r) = context(Path::new("account-data/prod/eu-west-2"));
        assert_eq!(a, None);
        assert_eq!(r.as_deref(), Some("eu-west-2"));
    }

    /// A scratch directory removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("pinhole-ingest-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            Scratch(dir)
        }
        fn write(&self, rel: &str, text: &str) {
            let p = self.0.join(rel);
            if let Some(parent) = p.parent() {
                assert!(std::fs::create_dir_all(parent).is_ok());
            }
            assert!(std::fs::write(p, text).is_ok());
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const VPC: &str = r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}"#;
    const SUBNET: &str = r#"{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24",
        "AvailabilityZone": "eu-west-2a", "OwnerId": "444455556666"}]}"#;

    #[test]
    fn cloudmapper_layout() {
        let t = Scratch::new("cloudmapper");
        t.write("account-data/prod/eu-west-2/ec2-describe-vpcs.json", VPC);
        t.write(
            "account-data/prod/eu-west-2/ec2-describe-subnets.json",
            SUBNET,
        );
        t.write("account-data/prod/eu-west-2/notes.txt", "not json");
        t.write("account-data/prod/eu-west-2/.hidden.json", "{broken");
        t.write(
            "account-data/prod/iam-get-account-authorization-details.json",
            r#"{"UserDetailList": []}"#,
        );
        let s = load_path(&t.0);
        assert!(s.is_ok(), "{s:?}");
        if let Ok(s) = s {
            assert_eq!(s.vpcs.len(), 1);
            assert_eq!(s.vpcs[0].region, "eu-west-2");
            assert_eq!(
                s.vpcs[0].account.as_str(),
                "444455556666",
                "account name is not an id: from OwnerId"
            );
            assert_eq!(
                s.vpcs[0].origin.file,
                "prod/eu-west-2/ec2-describe-vpcs.json"
            );
            let w: Vec<(&str, &str)> = s
                .warnings
                .iter()
                .filter(|w| w.file.starts_with("prod/iam"))
                .map(|w| (w.file.as_str(), w.message.as_str()))
                .collect();
            assert_eq!(
                s.warnings.len(),
                3,
                "and two about the missing main route table and default NACL"
            );
            assert_eq!(
                w,
                [(
                    "prod/iam-get-account-authorization-details.json",
                    "unknown top-level key `UserDetailList`: ignored"
                )]
            );
        }
    }

    #[test]
    fn aws_configs_layout_and_errors() {
        let t = Scratch::new("aws-configs");
        t.write("aws_configs/accounts/111122223333/eu-west-2/Vpcs.json", VPC);
        t.write(
            "aws_configs/accounts/111122223333/eu-west-2/Subnets.json",
            SUBNET,
        );
        t.write("probes.jsonl", "{}");
        let s = load_path(&t.0);
        assert!(
            s.as_ref()
                .is_ok_and(|s| s.vpcs.len() == 1 && s.vpcs[0].account.as_str() == "111122223333"),
            "{s:?}"
        );
        t.write(
            "aws_configs/accounts/111122223333/eu-west-2/Zz.json",
            "{\"Vpcs\": [",
        );
        let e = load_path(&t.0.join("aws_configs"));
        assert!(
            matches!(&e, Err(IngestError::Json { file, .. }) if file == "accounts/111122223333/eu-west-2/Zz.json"),
            "{e:?}"
        );
        let missing = load_path(&t.0.join("nope"));
        assert!(
            matches!(missing, Err(IngestError::Io { .. })),
            "{missing:?}"
        );
    }

    #[test]
    fn a_path_without_dumps_is_an_error() {
        let t = Scratch::new("empty");
        assert!(std::fs::create_dir_all(t.0.join("aws_configs/us-east-1")).is_ok());
        let e = load_path(&t.0);
        let label = t.0.display().to_string();
        assert!(
            matches!(&e, Err(IngestError::NoData { file, .. }) if *file == label),
            "{e:?}"
        );
        if let Err(e) = e {
            assert_eq!(
                e.to_string(),
                format!(
                    "`{label}`: no describe-* JSON files found (expected \
                     aws_configs/[accounts/<id>/]<region>/*.json or \
                     account-data/<account>/<region>/*.json)"
                )
            );
        }
        // Files, but none ending in `.json`.
        t.write("aws_configs/us-east-1/Vpcs.txt", VPC);
        let e = load_path(&t.0);
        assert!(matches!(e, Err(IngestError::NoData { .. })), "{e:?}");
    }

    #[test]
    fn dumps_without_a_vpc_are_an_error() {
        let t = Scratch::new("no-vpc");
        t.write("dump/us-east-1/users.json", r#"{"UserDetailList": []}"#);
        t.write("dump/us-east-1/null.json", "null");
        let root = t.0.join("dump");
        let label = root.display().to_string();
        let e = load_path(&root);
        assert!(matches!(&e, Err(IngestError::NoData { .. })), "{e:?}");
        if let Err(e) = &e {
            let msg = e.to_string();
            assert!(
                msg.starts_with(&format!(
                    "`{label}`: no VPCs in the snapshot; recognised files: none (note: "
                )),
                "{msg}"
            );
            assert!(
                msg.contains("`us-east-1/null.json` was ignored: not a describe-* output"),
                "{msg}"
            );
            assert_eq!(e.warnings().len(), 2, "{:?}", e.warnings());
        }
        // Recognised files without a VPC: named.
        t.write("dump/us-east-1/Subnets.json", SUBNET);
        let e = load_path(&root);
        assert!(
            e.as_ref().is_err_and(|e| e.to_string().contains(
                "no VPCs in the snapshot; recognised files: `us-east-1/Subnets.json` (note:"
            )),
            "{e:?}"
        );
        // A single file without a VPC, too.
        let e = load_path(&root.join("us-east-1/Subnets.json"));
        assert!(matches!(e, Err(IngestError::NoData { .. })), "{e:?}");
        // VPCs and nothing else are fine.
        let only = Scratch::new("only-vpcs");
        only.write("aws_configs/eu-west-2/Vpcs.json", VPC);
        let s = load_path(&only.0);
        assert!(s.is_ok_and(|s| s.vpcs.len() == 1 && s.warnings.is_empty()));
    }
}
