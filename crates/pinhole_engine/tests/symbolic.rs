//! One semantics: the symbolic engine and the concrete tracer agree on random packets.
//!
//! For every snapshot: endpoint classes (and the internet) are paired, the symbolic engine
//! computes each pair's set of working connections once, and random packets of the pair — a
//! random member on each side, protocol, port — are traced concretely. The verdicts must match:
//! `reachable` ⇔ every client port works symbolically, `partial` ⇔ some do, anything else ⇔
//! none. Snapshots: the bundled seed (both variants), a synthetic organisation, and every lab
//! and field case of `../shared/cases` when present. `PINHOLE_AGREE_PACKETS` sets the total
//! (default 100,000 per run).
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use pinhole_engine::space::{Point, Space};
use pinhole_engine::symbolic::{
    Addrs, Class, Side, Symbolic, addr_bits, classes, internet_route_prefixes,
};
use pinhole_engine::{Options, Question, Verdict, trace};
use pinhole_model::{Protocol, Snapshot};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn class_side(c: &Class) -> Side {
    Side {
        rep: c.members[0].addr,
        addrs: Addrs::List(c.members.iter().map(|m| m.addr).collect()),
        v4: c.v4,
    }
}

/// Random packets over one snapshot; returns (packets, disagreements).
fn agree(name: &str, snap: &Snapshot, packets: usize, seed: u64) -> (usize, Vec<String>) {
    let opts = Options {
        record_hops: false,
        ..Options::default()
    };
    let mut sym = Symbolic::new(snap, opts.clone()).unwrap();
    let cls = classes(snap);
    if cls.is_empty() {
        return (0, Vec::new());
    }
    let mut rng = Rng(seed | 1);
    let mut bad = Vec::new();
    let mut done = 0;
    // Pairs: class × class, plus internet → public addresses and class → internet.
    let per_pair = 16;
    let avoid = internet_route_prefixes(snap, true);
    let inet_addrs = Addrs::Internet {
        within: Vec::new(),
        except: avoid.clone(),
    };
    let inet = Side {
        rep: sym.member_of(&inet_addrs, true).unwrap().unwrap(),
        addrs: inet_addrs,
        v4: true,
    };
    while done < packets {
        let kind = rng.below(10);
        let (src, dst): (Side, Side) = match kind {
            0 => {
                // internet → one public address
                let pubs: Vec<IpAddr> = cls
                    .iter()
                    .filter(|c| c.public)
                    .flat_map(|c| {
                        c.members
                            .iter()
                            .filter_map(|m| snap.eni(m.eni).public_for(m.addr).map(IpAddr::V4))
                    })
                    .collect();
                if pubs.is_empty() {
                    continue;
                }
                let p = pubs[rng.below(pubs.len())];
                let d = Side {
                    rep: p,
                    addrs: Addrs::List(vec![p]),
                    v4: true,
                };
                (inet.clone(), d)
            }
            1 => {
                let k = rng.below(cls.len());
                if !cls[k].v4 {
                    continue;
                }
                (class_side(&cls[k]), inet.clone())
            }
            _ => {
                let a = rng.below(cls.len());
                let b = rng.below(cls.len());
                if cls[a].v4 != cls[b].v4 {
                    continue;
                }
                (class_side(&cls[a]), class_side(&cls[b]))
            }
        };
        let v4 = src.v4;
        let icmp = if v4 { Protocol::ICMP } else { Protocol::ICMPV6 };
        let proto = [Protocol::TCP, Protocol::UDP, icmp][rng.below(3)];
        let ported = proto != icmp;
        let reach = sym.reach(&src, &dst, proto, (0, u16::MAX)).unwrap();
        let sp = &sym.space;
        let all = reach.all(sp).unwrap();
        let some = reach.some(sp).unwrap();
        for _ in 0..per_pair {
            let pick_addr = |side: &Side, rng: &mut Rng| -> IpAddr {
                match &side.addrs {
                    Addrs::List(l) => l[rng.below(l.len())],
                    Addrs::Internet { .. } => {
                        // A random internet address of the atom.
                        loop {
                            let a = IpAddr::V4(std::net::Ipv4Addr::from(rng.next() as u32));
                            if pinhole_model::is_internet(a)
                                && !avoid.iter().any(|n| n.contains(&a))
                            {
                                break a;
                            }
                        }
                    }
                }
            };
            let s = pick_addr(&src, &mut rng);
            let d = pick_addr(&dst, &mut rng);
            if s == d {
                continue;
            }
            // Same interface (another of its addresses): not a connection.
            if let (Some(a), Some(b)) = (snap.enis_at(s).first(), snap.enis_at(d).first()) {
                if a == b {
                    continue;
                }
            }
            let port: u16 = match rng.below(4) {
                0 => [22, 80, 443, 3306, 5432, 8080, 53, 1024][rng.below(8)],
                _ => rng.next() as u16,
            };
            let q = Question {
                src: s,
                dst: d,
                proto,
                port: ported.then_some(port),
                src_port: None,
                icmp_type: None,
                icmp_code: None,
            };
            let t = trace(snap, &q, &opts);
            let p = Point {
                src: addr_bits(s),
                dst: addr_bits(d),
                dport: if ported { port } else { 0 },
                ports: [0; 3],
            };
            let sym_verdict = if sp.contains(&all, &p) {
                "reachable"
            } else if sp.contains(&some, &p) {
                "partial"
            } else {
                "not reachable"
            };
            let conc = match t.verdict {
                Verdict::Reachable => "reachable",
                Verdict::Partial => "partial",
                _ => "not reachable",
            };
            done += 1;
            if sym_verdict != conc {
                bad.push(format!(
                    "{name}: {s} -> {d} {} {}: symbolic {sym_verdict}, concrete {} ({})",
                    pinhole_model::proto_name(proto),
                    if ported {
                        port.to_string()
                    } else {
                        String::new()
                    },
                    t.verdict,
                    t.reason
                ));
            }
        }
    }
    (done, bad)
}

fn load(p: &Path) -> Option<Snapshot> {
    pinhole_ingest::load_path(p).ok()
}

#[test]
fn symbolic_and_concrete_agree_on_random_packets() {
    let total: usize = std::env::var("PINHOLE_AGREE_PACKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut snaps: Vec<(String, Snapshot)> = Vec::new();
    for ex in ["seed", "seed-fixed", "lb"] {
        snaps.push((ex.into(), load(&root().join("examples").join(ex)).unwrap()));
    }
    let dir = std::env::temp_dir().join(format!("pinhole-agree-synth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    pinhole_synth::generate(
        &pinhole_synth::SynthOptions {
            accounts: 10,
            seed: 7,
        },
        &dir,
    )
    .unwrap();
    snaps.push(("synth-10".into(), load(&dir).unwrap()));
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
        say!("symbolic agreement: ../shared/cases not found; labs and field cases skipped");
    }
    let per = total.div_ceil(snaps.len());
    let mut bad = Vec::new();
    let mut n = 0;
    for (k, (name, snap)) in snaps.iter().enumerate() {
        let (done, b) = agree(name, snap, per, 0x9e37_79b9_7f4a_7c15 ^ k as u64);
        n += done;
        bad.extend(b);
    }
    say!(
        "symbolic agreement: {n} packets over {} snapshots, {} disagreements",
        snaps.len(),
        bad.len()
    );
    for b in bad.iter().take(30) {
        say!("  {b}");
    }
    assert!(bad.is_empty(), "{} disagreements", bad.len());
}
