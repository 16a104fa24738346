//! Lint throughput: every rule over a snapshot (load excluded), on the public labs when
//! `../shared/cases` (or `PINHOLE_CASES`) is present, the bundled seed network, and synthetic
//! organisations of 10 and 100 accounts. `cargo bench -p pinhole_lint`.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benches fail by panicking"
)]

use pinhole_lint::Selection;
use pinhole_model::Snapshot;
use std::path::PathBuf;

fn main() {
    divan::main();
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// (name, snapshot dir) of every input present.
fn inputs() -> Vec<(String, PathBuf)> {
    let mut out = vec![("seed".to_string(), root().join("examples/seed/aws_configs"))];
    let cases = std::env::var_os("PINHOLE_CASES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/cases"));
    for lab in [
        "aws_demo",
        "aws_multi_account_vpc_peering",
        "aws_nlb_targets_ip",
        "aws_tgw_multi_az_intra_region",
    ] {
        let dir = cases.join("labs").join(lab).join("aws_configs");
        if dir.is_dir() {
            out.push((lab.to_string(), dir));
        } else {
            eprintln!("{lab} skipped: {} not present", dir.display());
        }
    }
    out
}

fn names() -> Vec<String> {
    inputs().into_iter().map(|i| i.0).collect()
}

#[divan::bench(args = names())]
fn lint_all_rules(bencher: divan::Bencher, name: &str) {
    let Some((_, dir)) = inputs().into_iter().find(|i| i.0 == name) else {
        return;
    };
    let snap = pinhole_ingest::load_path(&dir).unwrap();
    let sel = Selection::default();
    bencher.bench(|| pinhole_lint::lint(&snap, &sel).len());
}

fn synth(accounts: usize) -> Snapshot {
    let dir = std::env::temp_dir().join(format!(
        "pinhole-lint-bench-org{accounts}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    pinhole_synth::generate(&pinhole_synth::SynthOptions { accounts, seed: 7 }, &dir).unwrap();
    let snap = pinhole_ingest::load_path(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    snap
}

/// Every rule over a synthetic organisation.
#[divan::bench(args = [10, 100], sample_count = 5)]
fn lint_synth_org(bencher: divan::Bencher, accounts: usize) {
    let snap = synth(accounts);
    let sel = Selection::default();
    bencher.bench(|| pinhole_lint::lint(&snap, &sel).len());
}

/// The engine-backed exposure rules alone over a synthetic organisation.
#[divan::bench(args = [10, 100], sample_count = 5)]
fn lint_synth_org_exposure(bencher: divan::Bencher, accounts: usize) {
    let snap = synth(accounts);
    let sel = Selection::parse(Some("EXP"), None).unwrap();
    bencher.bench(|| pinhole_lint::lint(&snap, &sel).len());
}
