//! Generated organisations load cleanly, match their statistics, and are deterministic.

use pinhole_model::{EniKind, Snapshot};
use pinhole_synth::{SynthError, SynthOptions, SynthStats, generate};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pinhole-synth-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn generated(name: &str, accounts: usize, seed: u64) -> (Scratch, SynthStats) {
    let dir = Scratch::new(name);
    let stats = generate(&SynthOptions { accounts, seed }, &dir.0);
    assert!(stats.is_ok(), "{stats:?}");
    (dir, stats.unwrap_or_default())
}

fn load(dir: &Path) -> Snapshot {
    let snap = pinhole_ingest::load_path(dir);
    assert!(
        snap.is_ok(),
        "{:?}",
        snap.as_ref().err().map(ToString::to_string)
    );
    let snap = snap.unwrap_or_default();
    let warnings: Vec<String> = snap
        .warnings
        .iter()
        .map(|w| format!("{}: {}: {}", w.file, w.path, w.message))
        .collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
    snap
}

fn check_counts(snap: &Snapshot, s: &SynthStats) {
    assert_eq!(snap.vpcs.len(), s.vpcs);
    assert_eq!(s.vpcs, 3 * s.accounts);
    assert_eq!(snap.subnets.len(), s.subnets);
    assert_eq!(s.subnets, 12 * s.vpcs);
    assert_eq!(snap.route_tables.len(), s.route_tables);
    assert_eq!(snap.enis.len(), s.enis);
    assert_eq!(snap.instances.len(), s.instances);
    assert_eq!(snap.security_groups.len(), s.security_groups);
    let rules: usize = snap
        .security_groups
        .iter()
        .map(|g| g.ingress.len() + g.egress.len())
        .sum();
    assert_eq!(rules, s.sg_rules);
    assert_eq!(snap.network_acls.len(), s.network_acls);
    let entries: usize = snap
        .network_acls
        .iter()
        .map(|a| a.inbound.len() + a.outbound.len())
        .sum();
    // Ingest adds the IPv6 `*` rule (32768) to each direction of every NACL.
    assert_eq!(entries, s.nacl_entries + 2 * s.network_acls);
    assert_eq!(snap.peerings.len(), s.peerings);
    assert!(snap.peerings.iter().all(|p| p.status == "active"));
    assert_eq!(snap.transit_gateways.len(), s.transit_gateways);
    assert_eq!(snap.tgw_attachments.len(), s.tgw_attachments);
    assert_eq!(
        s.tgw_attachments, s.vpcs,
        "every VPC is attached to its hub"
    );
    assert!(
        snap.tgw_attachments
            .iter()
            .all(|a| a.association.is_some() && a.subnets.len() == 3)
    );
    assert_eq!(snap.db_instances.len(), s.db_instances);
    assert!(
        snap.db_instances.iter().all(|d| d.enis.len() == 2),
        "primary and standby"
    );
    assert_eq!(snap.nat_gateways.len(), 3 * s.vpcs);
    assert!(
        snap.nat_gateways
            .iter()
            .all(|n| n.eni.is_some() && n.public_ips.len() == 1)
    );
    assert_eq!(snap.internet_gateways.len(), s.vpcs);
    let kinds = |k: EniKind| snap.enis.iter().filter(|e| e.kind == k).count();
    assert_eq!(kinds(EniKind::TransitGateway), 3 * s.vpcs);
    assert_eq!(kinds(EniKind::NatGateway), 3 * s.vpcs);
    assert_eq!(kinds(EniKind::Rds), 2 * s.db_instances);
    assert_eq!(kinds(EniKind::VpcEndpoint), 6 * s.vpcs);
    assert_eq!(kinds(EniKind::Instance), s.instances);
    let stopped = snap
        .instances
        .iter()
        .filter(|i| i.state == "stopped")
        .count();
    assert!(stopped > 0 && stopped * 10 < s.instances, "{stopped}");
    // Scale per VPC: about 100 interfaces, 200 SG rules and 135 NACL entries.
    let per_vpc = |n: usize| n as f64 / s.vpcs as f64;
    assert!(
        (85.0..=115.0).contains(&per_vpc(s.enis)),
        "{}",
        per_vpc(s.enis)
    );
    assert!(
        (170.0..=230.0).contains(&per_vpc(s.sg_rules)),
        "{}",
        per_vpc(s.sg_rules)
    );
    assert!(
        (110.0..=160.0).contains(&per_vpc(s.nacl_entries)),
        "{}",
        per_vpc(s.nacl_entries)
    );
}

/// The VPC's `Environment` tag.
fn env_of(snap: &Snapshot, v: usize) -> String {
    snap.vpcs[v]
        .tags
        .iter()
        .find(|(k, _)| k == "Environment")
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn check_addresses(snap: &Snapshot) {
    // No two VPCs of one environment overlap, in one region or across regions.
    let mut by_env: BTreeMap<String, Vec<ipnet::IpNet>> = BTreeMap::new();
    for (i, v) in snap.vpcs.iter().enumerate() {
        assert_eq!(v.cidrs.len(), 1);
        by_env.entry(env_of(snap, i)).or_default().push(v.cidrs[0]);
    }
    assert_eq!(by_env.len(), 3, "{:?}", by_env.keys());
    for (env, cidrs) in &by_env {
        for (i, a) in cidrs.iter().enumerate() {
            for b in &cidrs[i + 1..] {
                assert!(!a.contains(b) && !b.contains(a), "{env}: {a} overlaps {b}");
            }
        }
    }
    // Peered VPCs never overlap, and peer within one region.
    for p in &snap.peerings {
        let (Some(a), Some(b)) = (p.requester.vpc, p.accepter.vpc) else {
            unreachable!("both sides of `{}` are in the snapshot", p.id)
        };
        let (a, b) = (&snap.vpcs[a.ix()], &snap.vpcs[b.ix()]);
        assert_eq!(a.region, b.region);
        assert!(!a.cidrs[0].contains(&b.cidrs[0]) && !b.cidrs[0].contains(&a.cidrs[0]));
    }
    // Every subnet lies in its VPC, subnets of a VPC are disjoint, every private address is in
    // its subnet and held once, every public address is outside RFC 1918 and held once.
    for s in &snap.subnets {
        assert!(snap.vpcs[s.vpc.ix()].cidrs[0].contains(&s.cidrs[0]));
    }
    for v in &snap.vpcs {
        let subnets: Vec<_> = v
            .subnets
            .iter()
            .map(|&s| snap.subnets[s.ix()].cidrs[0])
            .collect();
        for (i, a) in subnets.iter().enumerate() {
            assert!(
                subnets[i + 1..]
                    .iter()
                    .all(|b| !a.contains(b) && !b.contains(a))
            );
        }
    }
    let mut public = std::collections::HashSet::new();
    for e in &snap.enis {
        let subnet = snap.subnets[e.subnet.ix()].cidrs[0];
        for p in &e.private_ips {
            assert!(subnet.contains(&p.addr), "{} in {subnet}", p.addr);
            assert_eq!(snap.index.private_ip.get(&p.addr).map(Vec::len), Some(1));
            if let Some(pubip) = p.public {
                assert!(!pinhole_model::is_rfc1918(IpAddr::V4(pubip)));
                assert!(public.insert(pubip), "{pubip} twice");
            }
        }
    }
}

#[test]
fn three_accounts_like_the_seed() {
    let (dir, stats) = generated("three", 3, 7);
    assert_eq!((stats.accounts, stats.vpcs, stats.subnets), (3, 9, 108));
    assert_eq!(stats.pinholes, 2, "one from dev, one from qa");
    assert_eq!(
        stats.transit_gateways, 9,
        "one hub per environment and region"
    );
    assert!(
        dir.0
            .join("aws_configs/accounts/111111111111/us-east-1/Vpcs.json")
            .is_file()
    );
    assert!(
        dir.0
            .join("aws_configs/accounts/333333333333/eu-west-1/TransitGateways.json")
            .is_file()
    );
    let snap = load(&dir.0);
    check_counts(&snap, &stats);
    check_addresses(&snap);
    let envs: Vec<String> = (0..snap.vpcs.len()).map(|v| env_of(&snap, v)).collect();
    assert_eq!(envs.iter().filter(|e| *e == "prod").count(), 3);
    assert!(
        stats
            .to_string()
            .starts_with("3 accounts, 9 VPCs, 108 subnets"),
        "{stats}"
    );
}

#[test]
fn ten_accounts_load_cleanly_with_mesh_and_hubs() {
    let (dir, stats) = generated("ten", 10, 42);
    let snap = load(&dir.0);
    check_counts(&snap, &stats);
    check_addresses(&snap);
    assert!(
        stats.peerings > stats.pinholes,
        "a mesh inside dev and prod"
    );
    // Hubs are owned by each environment's first account; attachments name their owners.
    let owners: std::collections::BTreeSet<&str> = snap
        .transit_gateways
        .iter()
        .map(|t| t.account.as_str())
        .collect();
    assert_eq!(
        owners.into_iter().collect::<Vec<_>>(),
        ["111111111111", "222222222222", "333333333333"]
    );
    let attachments_in = |acct: &str| {
        std::fs::read_dir(
            dir.0
                .join("aws_configs/accounts")
                .join(acct)
                .join("us-west-2"),
        )
        .map(|d| {
            d.flatten()
                .any(|f| f.file_name() == "TransitGatewayAttachments.json")
        })
        .unwrap_or(false)
    };
    assert!(attachments_in("111111111111"));
    assert!(
        !attachments_in("111112111112"),
        "participants do not hold the hub"
    );
    // Each TGW route table has one propagated route per attached VPC and the two blackholes.
    for t in &snap.tgw_route_tables {
        let blackholes = t
            .routes
            .iter()
            .filter(|r| matches!(r.target, pinhole_model::TgwRouteTarget::Blackhole))
            .count();
        assert_eq!(blackholes, 2);
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, sa) = generated("det-a", 4, 11);
    let (b, sb) = generated("det-b", 4, 11);
    let (c, sc) = generated("det-c", 4, 12);
    assert_eq!(sa, sb);
    assert_eq!(sa.vpcs, sc.vpcs);
    let files = |root: &Path| {
        let mut out = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let (Ok(rel), Ok(bytes)) = (p.strip_prefix(root), std::fs::read(&p)) {
                    out.insert(rel.to_path_buf(), bytes);
                }
            }
        }
        out
    };
    let (fa, fb, fc) = (files(&a.0), files(&b.0), files(&c.0));
    assert_eq!(fa.len(), sa.files);
    assert_eq!(fa.values().map(|v| v.len() as u64).sum::<u64>(), sa.bytes);
    assert!(fa == fb, "same seed, same bytes");
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fc.keys().collect::<Vec<_>>(),
        "same layout"
    );
    let differing = fa.iter().filter(|(k, v)| fc.get(*k) != Some(v)).count();
    assert!(
        differing * 2 > fa.len(),
        "another seed changes ids: {differing} of {}",
        fa.len()
    );
}

#[test]
fn refuses_bad_requests() {
    let dir = Scratch::new("refuse");
    let opts = |accounts| SynthOptions { accounts, seed: 0 };
    assert!(matches!(
        generate(&opts(0), &dir.0),
        Err(SynthError::NoAccounts)
    ));
    assert!(matches!(
        generate(&opts(5000), &dir.0),
        Err(SynthError::TooManyAccounts { max: 1282, .. })
    ));
    assert!(generate(&opts(1), &dir.0).is_ok());
    let again = generate(&opts(1), &dir.0);
    assert!(
        matches!(again, Err(SynthError::OutputExists { .. })),
        "{again:?}"
    );
    let blocked = Scratch::new("blocked");
    assert!(std::fs::write(&blocked.0, "a file where the tree should go").is_ok());
    let e = generate(&opts(1), &blocked.0);
    assert!(
        matches!(&e, Err(SynthError::Io { path, .. }) if path.starts_with(&blocked.0)),
        "{e:?}"
    );
    let _ = std::fs::remove_file(&blocked.0);
}
