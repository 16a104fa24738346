//! The fast matrix (point representatives of address atoms, bounded by security groups) agrees
//! cell for cell with the reference matrix (whole address sets walked per label pair), for every
//! grouping, on the bundled examples, a small synthetic organisation, and every lab and field case
//! of `../shared/cases` when present.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use pinhole_engine::Options;
use pinhole_intent::{Checker, MatrixBy, matrix, matrix_by_sets};
use pinhole_model::Snapshot;
use std::path::{Path, PathBuf};

macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(p: &Path) -> Option<Snapshot> {
    pinhole_ingest::load_path(p).ok()
}

fn snapshots() -> Vec<(String, Snapshot)> {
    let mut snaps: Vec<(String, Snapshot)> = Vec::new();
    for ex in ["seed", "seed-fixed", "lb"] {
        snaps.push((ex.into(), load(&root().join("examples").join(ex)).unwrap()));
    }
    let dir = std::env::temp_dir().join(format!("pinhole-matrix-synth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    pinhole_synth::generate(
        &pinhole_synth::SynthOptions {
            accounts: 2,
            seed: 11,
        },
        &dir,
    )
    .unwrap();
    snaps.push(("synth-2".into(), load(&dir).unwrap()));
    let _ = std::fs::remove_dir_all(&dir);
    let shared = root().join("../shared/cases");
    if shared.is_dir() {
        for kind in ["labs", "field"] {
            let mut dirs: Vec<PathBuf> = std::fs::read_dir(shared.join(kind))
                .unwrap()
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect();
            dirs.sort();
            for d in dirs {
                if let Some(s) = load(&d) {
                    snaps.push((
                        format!("{kind}/{}", d.file_name().unwrap().to_string_lossy()),
                        s,
                    ));
                }
            }
        }
    } else {
        say!("matrix agreement: ../shared/cases not found; labs and field cases skipped");
    }
    snaps
}

#[test]
fn fast_matrix_equals_the_reference_matrix() {
    let bys = [
        MatrixBy::Account,
        MatrixBy::Vpc,
        MatrixBy::Subnet,
        MatrixBy::Tier,
        MatrixBy::Sg,
        MatrixBy::Tag("Name".into()),
    ];
    let mut bad = Vec::new();
    let mut compared = 0;
    for (name, snap) in snapshots() {
        for by in &bys {
            // The reference is slow unoptimised: the synthetic organisation is grouped by
            // account only (the other groupings are compared on the examples and cases).
            if name.starts_with("synth") && *by != MatrixBy::Account {
                continue;
            }
            let mut ck = Checker::new(&snap, Options::default()).unwrap();
            let fast = matrix(&mut ck, by).unwrap();
            let mut ck = Checker::new(&snap, Options::default()).unwrap();
            let slow = matrix_by_sets(&mut ck, by).unwrap();
            compared += 1;
            if fast.groups != slow.groups {
                bad.push(format!("{name} by {by:?}: groups differ"));
            }
            if fast.cells != slow.cells {
                let extra: Vec<_> = fast
                    .cells
                    .iter()
                    .filter(|c| !slow.cells.contains(c))
                    .collect();
                let missing: Vec<_> = slow
                    .cells
                    .iter()
                    .filter(|c| !fast.cells.contains(c))
                    .collect();
                bad.push(format!(
                    "{name} by {by:?}: fast has {extra:?}, reference has {missing:?}"
                ));
            }
        }
    }
    say!(
        "matrix agreement: {compared} matrices compared, {} differ",
        bad.len()
    );
    for b in &bad {
        say!("  {b}");
    }
    assert!(bad.is_empty(), "{} matrices differ", bad.len());
}
