//! Snapshot directory layouts: which files to read, in which order, and the account and region
//! their location implies.

use crate::pending::Parts;
use crate::{IngestError, SnapshotBuilder};
use pinhole_model::Snapshot;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Condvar, Mutex, PoisonError};

/// Deep enough for `account-data/<account>/<region>/` under any root; guards against link loops.
const MAX_DEPTH: usize = 12;

/// Loads a snapshot from `path`: a single JSON file, an `aws_configs` directory, its parent, a
/// CloudMapper `account-data` directory or its parent, or any directory of describe-* files.
///
/// Files are added in path order, so the result depends neither on the file system nor on how
/// many threads read them (one per core, see [`load_path_with_progress`]). Files not
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
///
/// Files are read and parsed on as many threads as the machine has cores, and added in path
/// order: the result, warnings and errors included, is the same as reading them one by one.
pub fn load_path_with_progress(
    path: &Path,
    progress: &mut dyn FnMut(LoadProgress<'_>),
) -> Result<Snapshot, IngestError> {
    load_path_threads(path, default_threads(), progress)
}

/// One thread per core.
pub(crate) fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// [`load_path_with_progress`] reading files on `threads` threads (0 or 1: on the calling
/// thread only). The result does not depend on the thread count: files are added in path order,
/// and the first error in that order wins, with the warnings of the files before it.
pub(crate) fn load_path_threads(
    path: &Path,
    threads: usize,
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
        let job = Job {
            path: path.to_path_buf(),
            label,
            account,
            region,
            size: meta.len(),
        };
        let (parts, _) = job.read()?;
        builder.add_parts(parts);
        builder.check_has_vpcs(&root_label)?;
        progress(LoadProgress::Resolving);
        return builder.finish_on(threads);
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
    progress(LoadProgress::Found {
        total: files.len(),
        bytes: files.iter().map(|(_, len)| len).sum(),
    });
    let jobs: Vec<Job> = files
        .into_iter()
        .map(|(rel, size)| {
            let full = root.join(&rel);
            let (account, region) =
                context(&full.parent().map(Path::to_path_buf).unwrap_or_default());
            let label = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Job {
                path: full,
                label,
                account,
                region,
                size,
            }
        })
        .collect();
    let mut add = |job: &Job, read: Read| {
        let (parts, bytes) = read.map_err(|e| e.with_warnings(builder.warnings()))?;
        builder.add_parts(parts);
        progress(LoadProgress::Read {
            label: &job.label,
            bytes,
        });
        Ok(())
    };
    if threads <= 1 || jobs.len() <= 1 {
        for job in &jobs {
            add(job, job.read())?;
        }
    } else {
        read_in_parallel(&jobs, threads, &mut add)?;
    }
    builder.check_has_vpcs(&root_label)?;
    progress(LoadProgress::Resolving);
    builder.finish_on(threads)
}

/// One file to read, with what its location says.
struct Job {
    path: PathBuf,
    label: String,
    account: Option<String>,
    region: Option<String>,
    /// The file's size when the directory was walked.
    size: u64,
}

/// What reading one file gives: its resources and its size, or why it cannot be used.
type Read = Result<(Parts, u64), IngestError>;

impl Job {
    /// Reads and converts the file, with its size for progress. Its bytes are dropped before
    /// this returns: only what was read from them stays.
    fn read(&self) -> Read {
        let bytes = std::fs::read(&self.path)
            .map_err(|e| IngestError::io(&self.label, "a readable JSON file", e))?;
        let parts = crate::read_file(
            &self.label,
            self.account.as_deref(),
            self.region.as_deref(),
            &bytes,
        )?;
        Ok((parts, bytes.len() as u64))
    }
}

/// Files read but not yet added, at most, per reader thread. Generous, because files are added
/// in order: while one reader is on a large file (`Reservations.json`), the others go on through
/// the small ones after it, and must not stall for want of room.
const AHEAD_PER_THREAD: usize = 64;

/// Bytes of files read (or being read) but not yet added, at most, unless a single file is
/// larger: bounds what piles up when files are large.
const AHEAD_BYTES: u64 = 256 << 20;

/// What the reader threads and the adding thread share.
struct Pipeline {
    /// The next job to hand out.
    next: usize,
    /// Jobs added so far: readers stay within `AHEAD_PER_THREAD * threads` jobs of it.
    added: usize,
    /// Size of the jobs handed out but not yet added: readers keep it within `AHEAD_BYTES`.
    bytes_ahead: u64,
    /// Results not yet added, by job index.
    done: BTreeMap<usize, Read>,
    /// Set when adding is over (finished, or stopped by an error): readers take no more jobs.
    stop: bool,
    /// Set by a reader that panicked, so that the adding thread stops waiting for its result.
    broken: bool,
}

/// Reads `jobs` on `threads` threads and hands each result to `add` on the calling thread, in job
/// order. Stops at the first error `add` returns; readers then finish the file they are on.
fn read_in_parallel(
    jobs: &[Job],
    threads: usize,
    add: &mut dyn FnMut(&Job, Read) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let window = AHEAD_PER_THREAD * threads;
    let state = Mutex::new(Pipeline {
        next: 0,
        added: 0,
        bytes_ahead: 0,
        done: BTreeMap::new(),
        stop: false,
        broken: false,
    });
    // `room`: a job may be handed out; `ready`: a result came in.
    let (room, ready) = (Condvar::new(), Condvar::new());
    let lock = || state.lock().unwrap_or_else(PoisonError::into_inner);
    std::thread::scope(|scope| {
        for _ in 0..threads.min(jobs.len()) {
            scope.spawn(|| {
                let _alarm = Alarm {
                    state: &state,
                    ready: &ready,
                };
                loop {
                    let (i, job) = {
                        let mut st = lock();
                        loop {
                            if st.stop {
                                return;
                            }
                            let Some(job) = jobs.get(st.next) else { return };
                            let room_left = st.next < st.added + window
                                && (st.bytes_ahead == 0
                                    || st.bytes_ahead.saturating_add(job.size) <= AHEAD_BYTES);
                            if room_left {
                                st.next += 1;
                                st.bytes_ahead = st.bytes_ahead.saturating_add(job.size);
                                break (st.next - 1, job);
                            }
                            st = room.wait(st).unwrap_or_else(PoisonError::into_inner);
                        }
                    };
                    let read = job.read();
                    lock().done.insert(i, read);
                    ready.notify_one();
                }
            });
        }
        let mut add_all = || {
            for (i, job) in jobs.iter().enumerate() {
                let read = {
                    let mut st = lock();
                    loop {
                        if let Some(r) = st.done.remove(&i) {
                            st.added = i + 1;
                            st.bytes_ahead = st.bytes_ahead.saturating_sub(job.size);
                            break r;
                        }
                        if st.broken {
                            // The reader's panic resumes when the scope joins it.
                            return Ok(());
                        }
                        st = ready.wait(st).unwrap_or_else(PoisonError::into_inner);
                    }
                };
                room.notify_all();
                add(job, read)?;
            }
            Ok(())
        };
        let result = add_all();
        lock().stop = true;
        room.notify_all();
        result
    })
}

/// Wakes the adding thread when a reader panics, instead of leaving it waiting for a result.
struct Alarm<'a> {
    state: &'a Mutex<Pipeline>,
    ready: &'a Condvar,
}

impl Drop for Alarm<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            st.stop = true;
            st.broken = true;
            self.ready.notify_all();
        }
    }
}

/// `aws_configs` or `account-data` under `path` when there is one, else `path`.
fn snapshot_root(path: &Path) -> PathBuf {
    ["aws_configs", "account-data"]
        .iter()
        .map(|d| path.join(d))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| path.to_path_buf())
}

/// Every `.json` file under `dir`, as paths relative to `root` with their sizes; hidden entries
/// are skipped.
fn walk(
    root: &Path,
    dir: &Path,
    depth: usize,
    out: &mut Vec<(PathBuf, u64)>,
) -> Result<(), IngestError> {
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
            let rel = p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p);
            out.push((rel, meta.len()));
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

    /// Everything a snapshot holds, index maps in key order.
    fn dump(s: &Snapshot) -> String {
        fn sorted<K: Ord + std::fmt::Debug, V: std::fmt::Debug>(
            m: &rustc_hash::FxHashMap<K, V>,
        ) -> String {
            format!("{:?}", m.iter().collect::<BTreeMap<_, _>>())
        }
        let i = &s.index;
        [
            format!("{:?}", s.vpcs),
            format!("{:?}", s.subnets),
            format!("{:?}", s.route_tables),
            format!("{:?}", s.network_acls),
            format!("{:?}", s.security_groups),
            format!("{:?}", s.enis),
            format!("{:?}", s.instances),
            format!("{:?}", s.internet_gateways),
            format!("{:?}", s.nat_gateways),
            format!("{:?}", s.peerings),
            format!("{:?}", s.prefix_lists),
            format!("{:?}", s.vpc_endpoints),
            format!("{:?}", s.transit_gateways),
            format!("{:?}", s.tgw_attachments),
            format!("{:?}", s.tgw_route_tables),
            format!("{:?}", s.db_instances),
            format!("{:?}", s.load_balancers),
            format!("{:?}", s.warnings),
            sorted(&i.vpc),
            sorted(&i.subnet),
            sorted(&i.route_table),
            sorted(&i.acl),
            sorted(&i.sg),
            sorted(&i.eni),
            sorted(&i.instance),
            sorted(&i.igw),
            sorted(&i.nat),
            sorted(&i.pcx),
            sorted(&i.prefix_list),
            sorted(&i.vpce),
            sorted(&i.tgw),
            sorted(&i.tgw_attachment),
            sorted(&i.tgw_route_table),
            sorted(&i.db),
            sorted(&i.private_ip),
            sorted(&i.public_ip),
            sorted(&i.dead_public_ip),
            sorted(&i.lb_of_eni),
        ]
        .join("\n")
    }

    /// A load, or its error with the warnings it carries, as text.
    fn outcome(dir: &Path, threads: usize) -> String {
        match load_path_threads(dir, threads, &mut |_| {}) {
            Ok(s) => dump(&s),
            Err(e) => format!("{e}\n{e:?}"),
        }
    }

    /// Reading on one thread or several gives the same snapshot, the same warnings and the same
    /// error: the first in file order, carrying the warnings of the files before it.
    #[test]
    fn thread_count_does_not_change_the_result() {
        let t = Scratch::new("threads");
        let opts = pinhole_synth::SynthOptions {
            accounts: 4,
            seed: 11,
        };
        assert!(pinhole_synth::generate(&opts, &t.0).is_ok());
        let acct = "aws_configs/accounts/111112111112/us-east-1";
        let write = |rel: &str, text: &str| t.write(rel, text);
        let same_for_all = |what: &str| -> String {
            let one = outcome(&t.0, 1);
            for threads in [2, 3, 8] {
                assert!(
                    one == outcome(&t.0, threads),
                    "{what}: {threads} threads differ from one"
                );
            }
            one
        };

        // As generated, plus files that warn: an unknown key early, an ignored file late.
        write(
            "aws_configs/accounts/111111111111/us-east-1/Aaa.json",
            r#"{"Whatever": [1, 2]}"#,
        );
        write(
            "aws_configs/accounts/111114111114/us-east-1/Zzz.json",
            "null",
        );
        let ok = same_for_all("a good snapshot");
        assert!(ok.contains("unknown top-level key `Whatever`"), "{ok}");
        assert!(ok.contains("NetworkInterfaces.json"), "ENIs are read");

        // Two broken files: the first in path order wins, with the warnings before it.
        write(&format!("{acct}/Bbb.json"), r#"{"Vpcs": [{"VpcId": 1}]}"#);
        write(
            "aws_configs/accounts/111113111113/us-east-1/Bbb.json",
            "{\"Vpcs\": [",
        );
        let err = same_for_all("two broken files");
        assert!(
            err.starts_with("`accounts/111112111112/us-east-1/Bbb.json`"),
            "{err}"
        );
        assert!(err.contains("Whatever"), "warnings before the error: {err}");
        assert!(
            !err.contains("Zzz.json"),
            "no warnings after the error: {err}"
        );

        // A reference only resolving can find dangling: an interface in a subnet no file has.
        write(&format!("{acct}/Bbb.json"), "{}");
        write("aws_configs/accounts/111113111113/us-east-1/Bbb.json", "{}");
        write(
            "aws_configs/accounts/111114111114/us-east-1/Yyy.json",
            r#"{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-zzzzzzzz", "SubnetId": "subnet-nowhere",
                "PrivateIpAddress": "10.1.2.3"}]}"#,
        );
        let dangling = same_for_all("a dangling subnet");
        assert!(dangling.contains("subnet `subnet-nowhere`"), "{dangling}");
    }
}

#[cfg(test)]
mod thread_tests {
    #![allow(clippy::panic, reason = "tests fail by panicking")]
    use super::load_path_threads;
    use std::path::PathBuf;

    /// The arenas and warnings, printed (the hash-map indices are rebuilt from them).
    fn dump(s: &pinhole_model::Snapshot) -> String {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            s.vpcs,
            s.subnets,
            s.route_tables,
            s.network_acls,
            s.security_groups,
            s.enis,
            s.peerings,
            s.db_instances,
            s.warnings
        )
    }

    #[test]
    fn the_thread_count_does_not_change_the_snapshot() {
        let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/seed");
        let load = |threads| {
            load_path_threads(&seed, threads, &mut |_| {}).unwrap_or_else(|e| panic!("{e}"))
        };
        let one = dump(&load(1));
        assert!(one.contains("vpc-"));
        for threads in [2, 3, 8] {
            assert_eq!(one, dump(&load(threads)), "{threads} threads");
        }
    }
}
