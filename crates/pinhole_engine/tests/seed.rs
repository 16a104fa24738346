//! Scenario tests on the bundled seed network: verdict, deciding rule and hop list.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use pinhole_engine::{Direction, Options, Question, Trace, Verdict, trace};
use pinhole_model::Snapshot;
use std::net::IpAddr;
use std::path::PathBuf;

fn load(name: &str) -> Snapshot {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    pinhole_ingest::load_path(&p).unwrap_or_else(|e| panic!("loading {name}: {e}"))
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or_else(|_| panic!("bad ip {s}"))
}

fn tcp(snap: &Snapshot, src: &str, dst: &str, port: u16) -> Trace {
    trace(
        snap,
        &Question::tcp(ip(src), ip(dst), port),
        &Options::default(),
    )
}

fn kinds(hops: &[pinhole_engine::Hop]) -> Vec<String> {
    hops.iter()
        .map(|h| format!("{} {} {}", h.kind, h.id, h.decision))
        .collect()
}

#[test]
fn the_seed_pinhole_drops_the_reply_at_the_dev_nacl() {
    let seed = load("seed");
    let t = tcp(&seed, "10.10.1.50", "172.16.1.100", 3306);
    assert_eq!(t.verdict, Verdict::Blocked, "{}", t.reason);
    let d = t
        .decided_by
        .as_ref()
        .unwrap_or_else(|| panic!("no decider"));
    assert_eq!(d.direction, Direction::Reply);
    assert_eq!(d.kind, "network-acl");
    assert_eq!(d.id, "acl-0748009651dffea4b");
    assert_eq!(
        d.rule.as_deref(),
        Some("inbound rule 90: ALL from 172.16.0.0/16 DENY")
    );
    assert_eq!(d.code, Some("SUBNET_ACL_RESTRICTION"));
    // The request got through: batch SG, dev NACL out 80, peering, prod NACL in 80, RDS SG.
    assert_eq!(
        kinds(&t.request),
        vec![
            "network-interface eni-01fce59820628bcbb send",
            "security-group sg-0c310b91e24f4a3d7 allow",
            "route-table rtb-081f855b722a72ae5 forward",
            "network-acl acl-0748009651dffea4b allow",
            "vpc-peering-connection pcx-02ba7eaf55e7bd94d forward",
            "network-acl acl-06ba5c487e1821cc9 allow",
            "security-group sg-0daeb1fbe1ee00f48 allow",
            "network-interface eni-0188cc33c0f521938 deliver",
        ]
    );
    assert_eq!(
        t.request[3].rule.as_deref(),
        Some("outbound rule 80: TCP 3306 to 172.16.1.100/32 ALLOW")
    );
    assert_eq!(
        t.request[5].rule.as_deref(),
        Some("inbound rule 80: TCP 3306 from 10.10.1.50/32 ALLOW")
    );
    // The reply leaves prod by outbound rule 80 and dies at dev inbound rule 90.
    let last = t.reply.last().unwrap_or_else(|| panic!("no reply hops"));
    assert_eq!((last.kind, last.decision), ("network-acl", "deny"));
}

#[test]
fn the_seed_failover_is_blocked_on_the_request() {
    let seed = load("seed");
    let t = tcp(&seed, "10.10.1.50", "172.16.17.100", 3306);
    assert_eq!(t.verdict, Verdict::Blocked);
    let d = t
        .decided_by
        .as_ref()
        .unwrap_or_else(|| panic!("no decider"));
    assert_eq!(d.direction, Direction::Request);
    assert_eq!(d.kind, "security-group");
}

#[test]
fn the_fixed_seed_reaches_primary_and_standby() {
    let fixed = load("seed-fixed");
    for dst in ["172.16.1.100", "172.16.17.100"] {
        let t = tcp(&fixed, "10.10.1.50", dst, 3306);
        assert_eq!(t.verdict, Verdict::Reachable, "{dst}: {}", t.reason);
        assert!(t.decided_by.is_none());
        assert_eq!(
            t.reply.last().map(|h| h.id.as_str()),
            Some("eni-01fce59820628bcbb")
        );
    }
}

#[test]
fn internet_reaches_the_public_web_server_through_the_igw_translation() {
    let seed = load("seed");
    let t = tcp(&seed, "198.51.100.7", "203.0.113.10", 443);
    assert_eq!(t.verdict, Verdict::Reachable, "{}", t.reason);
    let igw = t
        .request
        .iter()
        .find(|h| h.kind == "internet-gateway")
        .unwrap_or_else(|| panic!("no igw hop"));
    assert_eq!(igw.detail, "destination 203.0.113.10 -> 10.10.0.10");
    // The reply's source is translated back to the public address.
    assert!(
        t.reply.iter().any(
            |h| h.kind == "internet-gateway" && h.detail == "source 10.10.0.10 -> 203.0.113.10"
        )
    );
    let t = tcp(&seed, "198.51.100.7", "203.0.113.10", 22);
    assert_eq!(t.verdict, Verdict::Blocked);
    assert_eq!(t.decided_by.map(|d| d.kind), Some("security-group"));
}

#[test]
fn private_hosts_reach_the_internet_through_their_nat_gateway() {
    let seed = load("seed");
    let t = tcp(&seed, "10.10.1.10", "198.51.100.7", 443);
    assert_eq!(t.verdict, Verdict::Reachable, "{}", t.reason);
    assert!(
        t.request
            .iter()
            .any(|h| h.kind == "nat-gateway" && h.decision == "translate")
    );
    assert!(
        t.reply
            .iter()
            .any(|h| h.kind == "nat-gateway" && h.decision == "translate")
    );
}
