//! Every real snapshot loads without error: the ground-truth cases beside the project
//! (`../shared/cases/{labs,field}/*/aws_configs`) and the bundled seed network.

/// Print past the test harness's output capture, so a skip or the agreement shows in every run.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

use pinhole_model::{EniKind, RouteOrigin, Snapshot, TgwRouteTarget};
use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/cases")
}

#[expect(clippy::panic, reason = "fails the test with the ingest error")]
fn load(dir: &Path) -> Snapshot {
    match pinhole_ingest::load_path(dir) {
        Ok(s) => s,
        Err(e) => panic!("{}: {e}", dir.display()),
    }
}

/// The cases directory, or `None` (after saying so) when it is not beside the project.
fn cases() -> Option<PathBuf> {
    let dir = cases_dir();
    if dir.is_dir() {
        Some(dir)
    } else {
        say!("skipped: ../shared/cases not present");
        None
    }
}

fn eni_id(s: &Snapshot, e: pinhole_model::EniIx) -> &str {
    s.eni(e).id.as_str()
}

#[test]
fn every_case_loads() {
    let Some(root) = cases() else { return };
    let mut loaded = 0;
    for group in ["labs", "field"] {
        let Ok(entries) = std::fs::read_dir(root.join(group)) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path().join("aws_configs"))
            .collect();
        dirs.sort();
        for dir in dirs.iter().filter(|d| d.is_dir()) {
            let s = load(dir);
            assert!(!s.vpcs.is_empty(), "{}: no VPC", dir.display());
            for sub in &s.subnets {
                assert!(
                    sub.route_table.is_some(),
                    "{}: {} has no route table",
                    dir.display(),
                    sub.id
                );
                assert!(
                    sub.network_acl.is_some(),
                    "{}: {} has no NACL",
                    dir.display(),
                    sub.id
                );
            }
            for a in &s.network_acls {
                for side in [&a.inbound, &a.outbound] {
                    assert!(
                        side.windows(2)
                            .all(|w| w[0].rule_number <= w[1].rule_number),
                        "{}",
                        a.id
                    );
                    assert!(side.last().is_some_and(|e| e.is_default_deny()), "{}", a.id);
                }
            }
            let unknown: Vec<_> = s
                .warnings
                .iter()
                .filter(|w| w.message.contains("unknown top-level key"))
                .collect();
            assert!(unknown.is_empty(), "{}: {unknown:?}", dir.display());
            loaded += 1;
        }
    }
    assert!(loaded >= 15, "only {loaded} cases found");
}

#[test]
fn aws_demo_counts_and_tgw_routes() {
    let Some(root) = cases() else { return };
    let dir = root.join("labs/aws_demo/aws_configs");
    if !dir.is_dir() {
        say!("skipped: {} not present", dir.display());
        return;
    }
    // The parent of aws_configs works as well as aws_configs itself.
    let s = load(dir.parent().unwrap_or(&dir));
    assert_eq!(s.vpcs.len(), 4);
    assert_eq!(s.subnets.len(), 13);
    assert_eq!(s.enis.len(), 22);
    assert_eq!(s.instances.len(), 26);
    assert_eq!(s.instances.iter().filter(|i| i.running()).count(), 13);
    assert_eq!(s.route_tables.len(), 10);
    assert_eq!(s.network_acls.len(), 12);
    assert_eq!(s.security_groups.len(), 12);
    assert_eq!(
        s.nat_gateways.len(),
        2,
        "the two deleted NAT gateways in deleted subnets are skipped"
    );
    assert_eq!(s.peerings.len(), 6, "12 copies, deduplicated");
    assert_eq!(s.transit_gateways.len(), 4);
    assert_eq!(s.tgw_attachments.len(), 8);
    assert_eq!(s.tgw_route_tables.len(), 2);
    let mut regions: Vec<&str> = s.vpcs.iter().map(|v| v.region.as_str()).collect();
    regions.sort_unstable();
    assert_eq!(
        regions,
        ["us-east-1", "us-east-1", "us-west-1", "us-west-1"]
    );
    assert!(s.enis.iter().any(|e| e.kind == EniKind::LoadBalancer));
    assert!(s.enis.iter().any(|e| e.kind == EniKind::TransitGateway));

    let east = s
        .index
        .tgw_route_table
        .get("tgw-rtb-0c2a84950694f93cf")
        .map(|&t| &s.tgw_route_tables[t.ix()]);
    let routes: Vec<(String, RouteOrigin, Vec<&str>)> = east
        .map(|t| {
            t.routes
                .iter()
                .map(|r| {
                    let atts = match &r.target {
                        TgwRouteTarget::Attachments(v) => v
                            .iter()
                            .map(|&a| s.tgw_attachments[a.ix()].id.as_str())
                            .collect(),
                        TgwRouteTarget::Blackhole => vec!["blackhole"],
                    };
                    (r.dest.to_string(), r.origin, atts)
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        routes,
        [
            (
                "10.1.0.0/16".to_string(),
                RouteOrigin::Propagated,
                vec!["tgw-attach-035955f2e5cf4acf4"]
            ),
            (
                "10.2.0.0/16".to_string(),
                RouteOrigin::Propagated,
                vec!["tgw-attach-095da4bf1808714f7"]
            ),
        ]
    );
    let att = s
        .index
        .tgw_attachment
        .get("tgw-attach-035955f2e5cf4acf4")
        .map(|&a| &s.tgw_attachments[a.ix()]);
    assert!(att.is_some_and(|a| a.available()
        && a.vpc.is_some()
        && !a.subnets.is_empty()
        && a.association.is_some()));
    // The deleted NAT gateways (in deleted subnets) left their Elastic IPs behind.
    let mut dead: Vec<(String, &str)> = s
        .index
        .dead_public_ip
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_str()))
        .collect();
    dead.sort();
    assert_eq!(
        dead,
        [
            (
                "13.52.109.186".to_string(),
                "public IP of NAT gateway nat-02c8db084c7402763 (deleted)"
            ),
            (
                "52.71.54.153".to_string(),
                "public IP of NAT gateway nat-0dd42c998eea1b189 (deleted)"
            ),
        ]
    );
    type LbSummary<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, u16)>);
    let lbs: Vec<LbSummary<'_>> = s
        .load_balancers
        .iter()
        .map(|lb| {
            (
                lb.name.as_str(),
                lb.enis.iter().map(|&e| eni_id(&s, e)).collect(),
                lb.listeners
                    .iter()
                    .map(|l| (l.protocol.as_str(), l.port))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        lbs,
        [
            (
                "nlb-fin-east",
                vec!["eni-024a701120f551aec"],
                vec![("TCP", 80), ("TCP", 443)]
            ),
            (
                "nlb-web-hr-east",
                vec!["eni-02275f36b672ab195"],
                vec![("TCP", 80), ("TCP", 443)]
            ),
            (
                "nlb-web-hr-west",
                vec!["eni-04464f240111ee911"],
                vec![("TCP", 80), ("TCP", 443)]
            ),
        ],
        "sorted by ARN (region first)"
    );
    assert!(
        s.warnings
            .iter()
            .all(|w| !w.file.ends_with("LoadBalancers.json")
                && !w.file.ends_with("LoadBalancerListeners.json")),
        "{:?}",
        s.warnings
    );
    let lb_warnings = s
        .warnings
        .iter()
        .filter(|w| w.message.contains("is not modelled yet"))
        .count();
    assert_eq!(
        lb_warnings,
        s.warnings.len(),
        "only load balancer files are left unread: {:?}",
        s.warnings
    );
}

#[test]
fn nlb_nodes_are_linked_to_their_load_balancers() {
    let Some(root) = cases() else { return };
    let dir = root.join("labs/aws_nlb_targets_ip/aws_configs");
    if !dir.is_dir() {
        say!("skipped: {} not present", dir.display());
        return;
    }
    let s = load(&dir);
    assert_eq!(s.load_balancers.len(), 4);
    let mut nodes: Vec<(&str, &str)> = Vec::new();
    for (i, e) in s.enis.iter().enumerate() {
        if e.kind != EniKind::LoadBalancer {
            continue;
        }
        let ix = pinhole_model::EniIx::from_usize(i);
        let lb = s.index.lb_of_eni.get(&ix).map(|&l| &s.load_balancers[l]);
        assert!(lb.is_some(), "{} is not linked", e.id);
        if let Some(lb) = lb {
            assert!(lb.enis.contains(&ix), "{}", e.id);
            let listeners: Vec<(&str, u16)> = lb
                .listeners
                .iter()
                .map(|l| (l.protocol.as_str(), l.port))
                .collect();
            assert_eq!(listeners, [("TCP", 80)], "{}", lb.name);
            assert!(lb.listeners.iter().all(|l| l.accepts(6, 80)));
            assert_eq!(lb.kind, pinhole_model::LoadBalancerKind::Network);
            assert_eq!(lb.scheme, "internet-facing");
            nodes.push((e.id.as_str(), lb.name.as_str()));
        }
    }
    nodes.sort_unstable();
    assert_eq!(
        nodes,
        [
            ("eni-04cd059594f38d5aa", "targets-ip-nlb-pe-pub-a"),
            ("eni-06b1b2e470e304784", "targets-ip-nlb-pd-pri-a"),
            ("eni-06e49d179e084a20b", "targets-ip-nlb-pe-pri-a"),
            ("eni-0eeb6ee88aa4e084a", "targets-ip-nlb-pd-pub-a"),
        ]
    );
    assert_eq!(s.index.lb_of_eni.len(), 4);
    assert!(s.load_balancers.iter().all(|lb| lb.enis.len() == 1));
    assert!(
        s.index.dead_public_ip.is_empty(),
        "every Elastic IP is held: {:?}",
        s.index.dead_public_ip
    );
}

#[test]
fn multi_account_peering() {
    let Some(root) = cases() else { return };
    let dir = root.join("labs/aws_multi_account_vpc_peering/aws_configs");
    if !dir.is_dir() {
        say!("skipped: {} not present", dir.display());
        return;
    }
    let s = load(&dir);
    assert_eq!(s.vpcs.len(), 2);
    let accounts: Vec<&str> = s.vpcs.iter().map(|v| v.account.as_str()).collect();
    assert!(
        accounts.contains(&"028403472736") && accounts.contains(&"951601349076"),
        "{accounts:?}"
    );
    let p = s
        .index
        .pcx
        .get("pcx-0040f7640e10191f4")
        .map(|&p| &s.peerings[p.ix()]);
    assert!(p.is_some_and(|p| p.active() && p.requester.vpc.is_some() && p.accepter.vpc.is_some()));
    assert_eq!(s.peerings.len(), 3);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn field_rds_and_tgw_lab() {
    let Some(root) = cases() else { return };
    let c13 = root.join("field/C13-stripped-default-nacl/aws_configs");
    if c13.is_dir() {
        let s = load(&c13);
        let db = s
            .index
            .db
            .get("pay-aurora-writer")
            .map(|&d| &s.db_instances[d.ix()]);
        let enis: Vec<&str> = db
            .map(|d| d.enis.iter().map(|&e| eni_id(&s, e)).collect())
            .unwrap_or_default();
        assert_eq!(enis, ["eni-00c881894c41d2ffa"]);
        // The RDS Proxy ENI is requester-managed by RDS but carries another group: not the DB's.
        let proxy = s
            .index
            .eni
            .get("eni-0ad142c252cdeda0b")
            .map(|&e| s.eni(e).kind.clone());
        assert_eq!(proxy, Some(EniKind::Rds));
        let lambda = s
            .index
            .eni
            .get("eni-0d393caf4f8088a0c")
            .map(|&e| s.eni(e).kind.clone());
        assert_eq!(lambda, Some(EniKind::Lambda));
        assert_eq!(
            s.vpcs[0].region, "us-east-1",
            "no region directory: from the subnets' zones"
        );
    }
    let tgw = root.join("labs/aws_tgw_multi_az_intra_region/aws_configs");
    if tgw.is_dir() {
        let s = load(&tgw);
        assert_eq!(s.transit_gateways.len(), 1);
        assert_eq!(s.tgw_attachments.len(), 2);
        for a in &s.tgw_attachments {
            assert!(a.association.is_some() && !a.subnets.is_empty(), "{}", a.id);
        }
        let propagated = s
            .tgw_route_tables
            .iter()
            .flat_map(|t| &t.routes)
            .filter(|r| r.origin == RouteOrigin::Propagated)
            .count();
        assert_eq!(propagated, 2);
        for sub in &s.subnets {
            assert!(sub.az_id.is_some(), "{}", sub.id);
        }
    }
}

#[test]
fn bundled_seed_network() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seed");
    if !seed.is_dir() {
        say!("skipped: examples/seed not present");
        return;
    }
    let s = load(&seed);
    assert_eq!(s.vpcs.len(), 3);
    assert_eq!(s.peerings.len(), 3);
    let db = s.index.db.get("prod-db").map(|&d| &s.db_instances[d.ix()]);
    let enis: Vec<&str> = db
        .map(|d| d.enis.iter().map(|&e| eni_id(&s, e)).collect())
        .unwrap_or_default();
    assert_eq!(
        enis,
        ["eni-0188cc33c0f521938", "eni-0206e35c2c6147421"],
        "primary in us-east-1a, standby in us-east-1b"
    );
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    // A single file loads too, with account and region from its path.
    let one = seed.join("aws_configs/accounts/111111111111/us-east-1/Vpcs.json");
    let v = load(&one);
    assert_eq!(v.vpcs.len(), 1);
    assert_eq!(v.vpcs[0].region, "us-east-1");
    assert_eq!(v.vpcs[0].origin.file, "Vpcs.json");
}
