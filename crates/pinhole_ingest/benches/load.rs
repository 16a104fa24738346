//! Loading synthetic organisations of 10 and 100 accounts (30 and 300 VPCs):
//! `cargo bench -p pinhole_ingest --bench load`.
//!
//! Each organisation is generated once per run with `pinhole_synth` into a temporary directory,
//! removed at the end, and loaded once untimed (a failure stops the run). Only
//! [`pinhole_ingest::load_path`] is timed: divan drops the snapshots outside the measurement.

use divan::Bencher;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

fn main() {
    divan::main();
    let _ = std::fs::remove_dir_all(scratch());
}

/// This run's directory of organisations.
fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("pinhole-bench-load-{}", std::process::id()))
}

/// The organisation of `accounts` accounts, generated on first use.
fn org(accounts: usize) -> PathBuf {
    static ORGS: Mutex<Vec<(usize, PathBuf)>> = Mutex::new(Vec::new());
    let mut orgs = ORGS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, dir)) = orgs.iter().find(|(n, _)| *n == accounts) {
        return dir.clone();
    }
    let dir = scratch().join(format!("org{accounts}"));
    let _ = std::fs::remove_dir_all(&dir);
    let opts = pinhole_synth::SynthOptions { accounts, seed: 0 };
    if let Err(e) = pinhole_synth::generate(&opts, &dir) {
        fail(&format!("cannot generate {accounts} accounts: {e}"));
    }
    // Once untimed, so that a broken load fails the run instead of being timed.
    if let Err(e) = pinhole_ingest::load_path(&dir) {
        fail(&format!("cannot load {}: {e}", dir.display()));
    }
    orgs.push((accounts, dir.clone()));
    dir
}

/// Stops the run, removing what it generated.
fn fail(why: &str) -> ! {
    eprintln!("{why}");
    let _ = std::fs::remove_dir_all(scratch());
    std::process::exit(1);
}

#[divan::bench(args = [10, 100], sample_count = 10, sample_size = 1)]
fn load_path(bencher: Bencher, accounts: usize) {
    let dir = org(accounts);
    bencher.bench(|| pinhole_ingest::load_path(&dir).ok());
}
