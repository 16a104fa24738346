//! Snapshot loading and concrete verdict throughput.
//!
//! Runs on the public lab `aws_demo` when `../shared/cases` (or `PINHOLE_CASES`) is present,
//! and always on the bundled seed network. `cargo bench -p pinhole_engine`.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use pinhole_engine::{Options, Question, trace};
use pinhole_model::Snapshot;
use std::path::PathBuf;

fn main() {
    divan::main();
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// (name, snapshot dir, probes file) of every bench input present.
fn inputs() -> Vec<(String, PathBuf, PathBuf)> {
    let mut out = vec![(
        "seed".to_string(),
        root().join("examples/seed/aws_configs"),
        root().join("examples/seed/probes.jsonl"),
    )];
    let cases = std::env::var_os("PINHOLE_CASES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/cases"));
    let demo = cases.join("labs/aws_demo");
    if demo.is_dir() {
        out.push((
            "aws_demo".into(),
            demo.join("aws_configs"),
            demo.join("probes.jsonl"),
        ));
    } else {
        eprintln!("aws_demo skipped: {} not present", demo.display());
    }
    out
}

fn questions(probes: &PathBuf) -> Vec<Question> {
    let text = std::fs::read_to_string(probes).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            let src = v["src"].as_str()?.parse().ok()?;
            let dst = v["dst"].as_str()?.parse().ok()?;
            let proto = match v["proto"].as_str()? {
                "tcp" => 6,
                "udp" => 17,
                _ => 1,
            };
            let port = v["port"].as_u64().and_then(|p| u16::try_from(p).ok());
            Some(Question {
                src,
                dst,
                proto,
                port,
                src_port: None,
                icmp_type: None,
                icmp_code: None,
            })
        })
        .collect()
}

fn names() -> Vec<String> {
    inputs().into_iter().map(|i| i.0).collect()
}

#[divan::bench(args = names())]
fn load(bencher: divan::Bencher, name: &str) {
    let Some((_, dir, _)) = inputs().into_iter().find(|i| i.0 == name) else {
        return;
    };
    bencher.bench(|| {
        pinhole_ingest::load_path(&dir)
            .map(|s| s.enis.len())
            .unwrap_or(0)
    });
}

/// All of an input's probes, answered once per iteration as `pinhole query` answers them
/// (verdict, reason, deciding rule; no hop tables). Verdicts per second = probes / time.
#[divan::bench(args = names())]
fn query_all_probes(bencher: divan::Bencher, name: &str) {
    run_probes(bencher, name, false);
}

/// The same with every hop recorded, as `pinhole trace` does.
#[divan::bench(args = names())]
fn trace_all_probes(bencher: divan::Bencher, name: &str) {
    run_probes(bencher, name, true);
}

fn run_probes(bencher: divan::Bencher, name: &str, record_hops: bool) {
    let Some((_, dir, probes)) = inputs().into_iter().find(|i| i.0 == name) else {
        return;
    };
    let Ok(snap): Result<Snapshot, _> = pinhole_ingest::load_path(&dir) else {
        return;
    };
    let qs = questions(&probes);
    let opts = Options {
        record_hops,
        ..Options::default()
    };
    bencher
        .counter(divan::counter::ItemsCount::new(qs.len()))
        .bench(|| {
            qs.iter()
                .map(|q| trace(&snap, q, &opts).verdict as usize)
                .sum::<usize>()
        });
}

/// A synthetic organisation of `accounts` accounts, generated once per process into a temp dir,
/// and `n` questions between random interface addresses of it (deterministic).
fn synth_org(accounts: usize, n: usize) -> Option<(Snapshot, Vec<Question>)> {
    let dir = std::env::temp_dir().join(format!(
        "pinhole-bench-org{accounts}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    pinhole_synth::generate(&pinhole_synth::SynthOptions { accounts, seed: 7 }, &dir).ok()?;
    let snap = pinhole_ingest::load_path(&dir).ok()?;
    let _ = std::fs::remove_dir_all(&dir);
    let addrs: Vec<std::net::IpAddr> = snap.enis.iter().filter_map(|e| e.primary_ip()).collect();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let ports = [22u16, 443, 8080, 3306, 5432];
    let qs = (0..n)
        .map(|_| {
            let src = addrs[(next() % addrs.len() as u64) as usize];
            let dst = addrs[(next() % addrs.len() as u64) as usize];
            Question::tcp(src, dst, ports[(next() % ports.len() as u64) as usize])
        })
        .collect();
    Some((snap, qs))
}

/// Random questions across a synthetic organisation, answered as `pinhole query` does.
#[divan::bench(args = [10, 100])]
fn query_synth_org(bencher: divan::Bencher, accounts: usize) {
    let Some((snap, qs)) = synth_org(accounts, 10_000) else {
        return;
    };
    let opts = Options {
        record_hops: false,
        ..Options::default()
    };
    bencher
        .counter(divan::counter::ItemsCount::new(qs.len()))
        .bench(|| {
            qs.iter()
                .map(|q| trace(&snap, q, &opts).verdict as usize)
                .sum::<usize>()
        });
}
