//! Intent files: located errors, and the seed's goals checked on the bundled example.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use pinhole_engine::{Options, Verdict};
use pinhole_intent::{Checker, MatrixBy, Status, matrix, parse_intents};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn err(text: &str) -> (u64, u64, String) {
    let e = parse_intents(text).expect_err("should be rejected");
    (e.pos.line, e.pos.column, e.message)
}

#[test]
fn bad_intent_files_get_located_errors() {
    let (l, _, m) =
        err("groups:\n  a: { account: '1' }\nintents:\n  - deny: { from: a, to: prdo }\n");
    assert_eq!(l, 4, "{m}");
    assert!(
        m.contains("unknown group 'prdo'") && m.contains("known: a"),
        "{m}"
    );

    let (l, c, m) = err("groups:\n  a: { acount: '1' }\n");
    assert_eq!((l, c), (2, 8), "{m}");
    assert!(m.contains("unknown key 'acount'"), "{m}");

    let (l, _, m) = err("intents:\n  - deny: { from: internet, to: any, services: [tcp/99999] }\n");
    assert_eq!(l, 2);
    assert!(m.contains("port number"), "{m}");

    let (l, _, m) = err("intents:\n  - name: x\n");
    assert_eq!(l, 2);
    assert!(m.contains("exactly one of"), "{m}");

    let (_, _, m) = err("groups:\n  a: { group: b }\n  b: { group: a }\n");
    assert!(m.contains("in terms of itself"), "{m}");

    let (l, _, m) = err("groups: [1, 2\n");
    assert_eq!(l, 1, "{m}");
    assert!(m.contains("unclosed bracket"), "{m}");

    let (_, _, m) = err("intents:\n  - egress: { from: any, internet: some }\n");
    assert!(m.contains("internet: none"), "{m}");

    let (l, _, m) = err("groups:\n  a: { cidr: 10.0.0.0/33 }\n");
    assert_eq!(l, 2);
    assert!(m.contains("CIDR"), "{m}");
    assert!(parse_intents("").is_err());
}

fn seed(variant: &str) -> pinhole_model::Snapshot {
    pinhole_ingest::load_path(&root().join("examples").join(variant)).unwrap()
}

fn intents() -> pinhole_intent::IntentFile {
    let text = std::fs::read_to_string(root().join("examples/seed/intents.yaml")).unwrap();
    parse_intents(&text).unwrap()
}

fn statuses(variant: &str) -> Vec<(String, Status, Vec<pinhole_intent::Finding>)> {
    let snap = seed(variant);
    let mut ck = Checker::new(&snap, Options::default()).unwrap();
    let r = ck.check(&intents()).unwrap();
    r.intents
        .into_iter()
        .map(|i| (i.name, i.status, i.findings))
        .collect()
}

#[test]
fn the_seed_as_written_fails_its_pinhole_and_its_failover() {
    let r = statuses("seed");
    let get = |n: &str| r.iter().find(|x| x.0 == n).unwrap();
    let (_, st, f) = get("batch-reaches-the-database-in-every-zone");
    assert_eq!(*st, Status::Violated);
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].endpoint_pairs, 2,
        "the primary (reply dropped) and the standby"
    );
    let w = f[0].witness.as_ref().unwrap();
    assert!(w.replayed, "the concrete engine agrees");
    assert_ne!(w.trace.verdict, Verdict::Reachable);
    for name in [
        "dev-private-cannot-reach-prod-except-the-batch-pinhole",
        "internet-cannot-reach-private-subnets",
        "private-egress-through-nat",
        "internet-reaches-web-on-https-only",
    ] {
        assert_eq!(get(name).1, Status::Holds, "{name}");
    }
    // Every witness of every finding replays.
    for (_, _, fs) in &r {
        for f in fs {
            assert!(f.witness.as_ref().unwrap().replayed);
        }
    }
}

#[test]
fn the_corrected_seed_meets_its_goals_but_the_public_tiers_meet() {
    let r = statuses("seed-fixed");
    for (name, st, f) in &r {
        if name == "environments-isolated-including-public-tiers" {
            assert_eq!(*st, Status::Violated);
            let w = f[0].witness.as_ref().unwrap();
            assert!(w.replayed);
            assert_eq!(f[0].protocol, "tcp");
            assert_eq!(f[0].ports, "443");
        } else {
            assert_eq!(*st, Status::Holds, "{name}: {f:?}");
        }
    }
}

#[test]
fn a_deny_without_its_pinhole_is_violated_by_exactly_the_pinhole() {
    let text = "accounts: { dev: '111111111111', prod: '333333333333' }
groups:
  dev-private: { account: dev, tier: private }
  prod-private: { account: prod, tier: private }
intents:
  - deny: { from: dev-private, to: prod-private }
";
    let f = parse_intents(text).unwrap();
    let snap = seed("seed-fixed");
    let mut ck = Checker::new(&snap, Options::default()).unwrap();
    let r = ck.check(&f).unwrap();
    let i = &r.intents[0];
    assert_eq!(i.status, Status::Violated);
    assert_eq!(i.findings.len(), 1);
    let x = &i.findings[0];
    assert_eq!(x.sources, vec!["10.10.1.50/32"]);
    assert_eq!(x.destinations, vec!["172.16.1.100/32", "172.16.17.100/32"]);
    assert_eq!(x.ports, "3306");
    assert!(x.witness.as_ref().unwrap().replayed);
}

#[test]
fn matrix_by_account_is_sorted_and_shows_the_pinhole() {
    let snap = seed("seed-fixed");
    let mut ck = Checker::new(&snap, Options::default()).unwrap();
    let m = matrix(&mut ck, &MatrixBy::Account).unwrap();
    let mut sorted = m.cells.clone();
    sorted.sort();
    assert_eq!(sorted, m.cells);
    let dev_prod = m
        .cells
        .iter()
        .find(|c| c.from == "111111111111" && c.to == "333333333333")
        .unwrap();
    assert!(dev_prod.tcp.contains("3306"), "{dev_prod:?}");
    let inet = m
        .cells
        .iter()
        .find(|c| c.from == "internet" && c.to == "333333333333")
        .unwrap();
    assert_eq!(inet.tcp, "443");
    assert!(inet.udp.is_empty());
}
