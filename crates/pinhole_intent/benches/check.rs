//! `check` and `matrix` over the bundled seed, the public labs (when `../shared/cases` is
//! present) and synthetic organisations of 10 and 100 accounts. The snapshot is loaded once;
//! the timings are the symbolic work (classes, walks, decision diagrams, witnesses).
//! `cargo bench -p pinhole_intent`.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmarks fail by panicking"
)]

use pinhole_engine::Options;
use pinhole_intent::{Checker, IntentFile, MatrixBy, matrix, parse_intents};
use pinhole_model::Snapshot;
use std::path::PathBuf;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn opts() -> Options {
    Options {
        record_hops: false,
        ..Options::default()
    }
}

fn intents(rel: &str) -> IntentFile {
    parse_intents(&std::fs::read_to_string(root().join(rel)).unwrap()).unwrap()
}

fn synth(n: usize) -> &'static Snapshot {
    static CELLS: [OnceLock<Snapshot>; 2] = [OnceLock::new(), OnceLock::new()];
    let k = usize::from(n > 10);
    CELLS[k].get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pinhole-bench-check-{n}"));
        if !dir.join("aws_configs").is_dir() {
            let _ = std::fs::remove_dir_all(&dir);
            pinhole_synth::generate(
                &pinhole_synth::SynthOptions {
                    accounts: n,
                    seed: 1,
                },
                &dir,
            )
            .unwrap();
        }
        pinhole_ingest::load_path(&dir).unwrap()
    })
}

fn seed() -> &'static Snapshot {
    static S: OnceLock<Snapshot> = OnceLock::new();
    S.get_or_init(|| pinhole_ingest::load_path(&root().join("examples/seed-fixed")).unwrap())
}

#[divan::bench]
fn check_seed_intents_on_seed(b: divan::Bencher) {
    let f = intents("examples/seed/intents.yaml");
    let snap = seed();
    b.bench(|| {
        let mut ck = Checker::new(snap, opts()).unwrap();
        ck.check(&f).unwrap()
    });
}

#[divan::bench]
fn matrix_by_account_on_seed(b: divan::Bencher) {
    let snap = seed();
    b.bench(|| {
        let mut ck = Checker::new(snap, opts()).unwrap();
        matrix(&mut ck, &MatrixBy::Account).unwrap()
    });
}

#[divan::bench(args = [10, 100], sample_count = 5, sample_size = 1)]
fn check_synth_intents(b: divan::Bencher, n: usize) {
    let f = intents("bench/synth-intents.yaml");
    let snap = synth(n);
    b.bench(|| {
        let mut ck = Checker::new(snap, opts()).unwrap();
        ck.check(&f).unwrap()
    });
}

#[divan::bench(args = [10], sample_count = 3, sample_size = 1)]
fn matrix_by_vpc_synth(b: divan::Bencher, n: usize) {
    let snap = synth(n);
    b.bench(|| {
        let mut ck = Checker::new(snap, opts()).unwrap();
        matrix(&mut ck, &MatrixBy::Vpc).unwrap()
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn check_lab_exposure_on_aws_demo(b: divan::Bencher) {
    let cases = std::env::var_os("PINHOLE_CASES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/cases"));
    let demo = cases.join("labs/aws_demo");
    if !demo.is_dir() {
        eprintln!("aws_demo skipped: {} not present", demo.display());
        return;
    }
    let snap = pinhole_ingest::load_path(&demo).unwrap();
    let f = parse_intents(
        "intents:\n  - deny: { from: internet, to: any, services: [tcp/22, tcp/3389, tcp/3306, tcp/5432] }\n  - deny: { from: any, to: any, services: [tcp/22] }\n",
    )
    .unwrap();
    b.bench(|| {
        let mut ck = Checker::new(&snap, opts()).unwrap();
        ck.check(&f).unwrap()
    });
}
