//! The bundled seed network, run end to end: `cargo run --release` with no arguments.

use crate::render;
use pinhole_engine::{Options, Question};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;

/// `examples/` beside the current directory, else the one this binary was built from.
fn examples_dir() -> Option<PathBuf> {
    let here = PathBuf::from("examples");
    if here.join("seed").is_dir() {
        return Some(here);
    }
    let built = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    built.join("seed").is_dir().then_some(built)
}

const BATCH: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 10, 1, 50));
const DB_PRIMARY: IpAddr = IpAddr::V4(Ipv4Addr::new(172, 16, 1, 100));
const DB_STANDBY: IpAddr = IpAddr::V4(Ipv4Addr::new(172, 16, 17, 100));

pub fn run() -> Result<ExitCode, String> {
    let dir = examples_dir().ok_or(
        "error: the bundled examples/seed directory was not found; run from the repository root",
    )?;
    outln!(
        "pinhole — the seed network as a design (examples/seed/design.yaml): its address plan, and the"
    );
    outln!(
        "network it compiles to checked against the design (pinholes open, environments isolated).\n"
    );
    let (plan, _, _, _) = crate::design::plan_report(&dir.join("seed").join("design.yaml"))?;
    crate::out(&plan);
    outln!("\nThe same network as the article wrote it by hand (examples/seed), and its bug:\n");
    let seed = crate::load(&dir.join("seed"))?;
    let fixed = crate::load(&dir.join("seed-fixed"))?;
    let opts = Options::default();
    outln!(
        "pinhole — the seed network (examples/seed): dev, qa and prod, one VPC each, peered in a full mesh"
    );
    outln!("and one pinhole: the dev batch host may reach the prod RDS on 3306.\n");
    crate::out(&render::summary(seed));
    let cases = [
        (
            "the pinhole, as the seed wrote it: dev batch host -> prod RDS primary, MySQL",
            &seed,
            DB_PRIMARY,
        ),
        (
            "the same connection after the RDS fails over to its standby in the other AZ",
            &seed,
            DB_STANDBY,
        ),
        (
            "the pinhole in the corrected network (examples/seed-fixed)",
            &fixed,
            DB_PRIMARY,
        ),
        ("failover in the corrected network", &fixed, DB_STANDBY),
    ];
    for (title, snap, dst) in cases {
        outln!("\n== {title}");
        let q = Question::tcp(BATCH, dst, 3306);
        let t = pinhole_engine::trace(snap, &q, &opts);
        crate::out(&render::trace_text(&q, &t, &[]));
    }
    outln!(
        "\nThe seed's dev NACL admits the reply only on port 3306 (its inbound side \"looks identical\" to"
    );
    outln!(
        "the outbound side), but MySQL answers on the batch host's ephemeral port: rule 90 drops it."
    );
    let intents = crate::verify::read_intents(&dir.join("seed").join("intents.yaml"))?;
    for (title, snap) in [
        (
            "the seed's goals, checked for every packet (examples/seed/intents.yaml)",
            &seed,
        ),
        ("the same goals on the corrected network", &fixed),
    ] {
        outln!("\n== {title}");
        let mut ck = pinhole_intent::Checker::new(
            snap,
            Options {
                record_hops: false,
                ..Options::default()
            },
        )
        .map_err(|e| format!("error: {e}"))?;
        let report = ck.check(&intents).map_err(|e| format!("error: {e}"))?;
        crate::out(&crate::verify::check_text(&report));
    }
    outln!(
        "\nThe public tiers still meet across the peering connections in both variants: the public route"
    );
    outln!("tables carry the peers' routes and the web servers admit 443 from anywhere.");
    outln!("Try: pinhole trace examples/seed --from 10.10.1.50 --to 172.16.1.100 --port 3306");
    outln!("     pinhole check examples/seed --intents examples/seed/intents.yaml");
    outln!("     pinhole matrix examples/seed-fixed --by account");
    Ok(ExitCode::SUCCESS)
}
