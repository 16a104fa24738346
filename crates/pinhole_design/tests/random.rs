//! Correct by construction, tested on random designs: whatever the environments, tiers, egress
//! modes, hosts, client kinds and pinholes, the compiled network passes every check of its design
//! (pinholes open both ways in every AZ of the target, isolation, egress).
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

include!("support/random_design.rs");

#[test]
fn random_designs_meet_their_own_checks() {
    let (mut compiled, mut refused) = (0, 0);
    // More with PINHOLE_RANDOM_DESIGNS=N.
    let n: u64 = std::env::var("PINHOLE_RANDOM_DESIGNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    for seed in 1..=n {
        let text = design(seed);
        let d = match pinhole_design::parse("random.yaml", &text) {
            Ok(d) => d,
            Err(e) => panic!("seed {seed}: the generator wrote an invalid design: {e}\n{text}"),
        };
        let c = match d.compile() {
            Ok(c) => c,
            Err(e) => {
                // Quotas and unpeered pinholes are legitimate refusals; nothing else is.
                let msg = e.to_string();
                assert!(
                    msg.contains("exceed") || msg.contains("do not peer"),
                    "seed {seed}: {msg}\n{text}"
                );
                refused += 1;
                continue;
            }
        };
        let bad: Vec<String> = pinhole_design::verify(&d, &c.snapshot)
            .into_iter()
            .filter(|k| !k.ok())
            .map(|k| {
                format!(
                    "{} {} {} -> {} {} {}/{}: expected {}, got {}: {}",
                    k.what,
                    k.src,
                    k.src_ip,
                    k.dst,
                    k.dst_ip,
                    k.service.proto_name(),
                    k.port,
                    k.expect.as_str(),
                    k.got.as_str(),
                    k.reason
                )
            })
            .collect();
        assert!(bad.is_empty(), "seed {seed}:\n{}\n{text}", bad.join("\n"));
        compiled += 1;
    }
    assert!(
        compiled * 3 >= n * 2,
        "{compiled} compiled, {refused} refused"
    );
}

#[test]
#[ignore = "debugging aid: prints one generated design"]
fn print_design() {
    let seed: u64 = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    println!("{}", design(seed));
}
