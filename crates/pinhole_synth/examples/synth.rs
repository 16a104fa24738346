//! Generates a synthetic organisation and reports what and how fast:
//! `cargo run -p pinhole_synth --release --example synth -- ACCOUNTS OUT_DIR [SEED]`.
//!
//! `OUT_DIR/aws_configs` must not exist yet. Load the result with
//! `cargo run -p pinhole_ingest --release --example load -- OUT_DIR`.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(accounts), Some(out)) = (args.first().and_then(|a| a.parse().ok()), args.get(1))
    else {
        eprintln!("usage: synth ACCOUNTS OUT_DIR [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let opts = pinhole_synth::SynthOptions { accounts, seed };
    let start = Instant::now();
    match pinhole_synth::generate(&opts, std::path::Path::new(out)) {
        Ok(stats) => {
            println!("{out}: {stats}");
            println!("generated in {:.2?}", start.elapsed());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
