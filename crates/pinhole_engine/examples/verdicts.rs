//! Concrete verdicts per second on a snapshot, after load: `n` random TCP questions between
//! interface addresses (deterministic), answered as `pinhole query` answers them.
//!
//!     cargo run -p pinhole_engine --release --example verdicts -- DIR [N] [ROUNDS]
//!
//! Prints the median of ROUNDS timed passes over the same questions. For profilers
//! (`perf record`, `valgrind --tool=callgrind`) as much as for numbers; the divan bench
//! `query_synth_org` is the benchmark of record.
use pinhole_engine::{Options, Question, trace};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: verdicts DIR [N] [ROUNDS]");
        std::process::exit(1);
    };
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let snap = match pinhole_ingest::load_path(std::path::Path::new(&dir)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let addrs: Vec<std::net::IpAddr> = snap.enis.iter().filter_map(|e| e.primary_ip()).collect();
    if addrs.is_empty() {
        eprintln!("no interface addresses in {dir}");
        std::process::exit(1);
    }
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let ports = [22u16, 443, 8080, 3306, 5432];
    let qs: Vec<Question> = (0..n)
        .map(|_| {
            let src = addrs[(next() % addrs.len() as u64) as usize];
            let dst = addrs[(next() % addrs.len() as u64) as usize];
            Question::tcp(src, dst, ports[(next() % ports.len() as u64) as usize])
        })
        .collect();
    let opts = Options {
        record_hops: false,
        ..Options::default()
    };
    let mut times = Vec::with_capacity(rounds);
    let mut reachable = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        reachable = qs
            .iter()
            .filter(|q| trace(&snap, q, &opts).verdict == pinhole_engine::Verdict::Reachable)
            .count();
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "{} interfaces, {n} questions ({reachable} reachable): median {:.1} ms, {:.2} M verdicts/s",
        addrs.len(),
        median * 1e3,
        n as f64 / median / 1e6
    );
    std::mem::forget(snap);
}
