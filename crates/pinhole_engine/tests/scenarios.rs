//! Scenario tests on fixtures we own: each test builds a small network in code (as the JSON of
//! `aws ec2 describe-*`), ingests it with `SnapshotBuilder::add_json`, asks one or more
//! questions and checks the verdict, the direction, the deciding component and rule, the
//! Reachability Analyzer explanation code and, where it matters, the hops.
//!
//! The AWS rule each test proves is cited from `reference/aws-semantics.md` (§2.x) and
//! `reference/aws-semantics-more.md` (more §x).
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

#[path = "scenarios/net.rs"]
mod net;

use net::*;
use pinhole_engine::{Direction, Hop, Options, Question, Trace, Verdict, trace};
use pinhole_model::Snapshot;
use serde_json::Value;
use std::net::IpAddr;

// ---- asking and checking ---------------------------------------------------------------------

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or_else(|_| panic!("bad ip {s}"))
}

fn question(
    src: &str,
    dst: &str,
    proto: u8,
    port: Option<u16>,
    icmp: Option<(u8, u8)>,
) -> Question {
    Question {
        src: ip(src),
        dst: ip(dst),
        proto,
        port,
        src_port: None,
        icmp_type: icmp.map(|i| i.0),
        icmp_code: icmp.map(|i| i.1),
    }
}

fn ask(snap: &Snapshot, q: &Question) -> Trace {
    trace(snap, q, &Options::default())
}

fn tcp(snap: &Snapshot, src: &str, dst: &str, port: u16) -> Trace {
    ask(snap, &question(src, dst, 6, Some(port), None))
}

fn udp(snap: &Snapshot, src: &str, dst: &str, port: u16) -> Trace {
    ask(snap, &question(src, dst, 17, Some(port), None))
}

fn icmp(snap: &Snapshot, src: &str, dst: &str, icmp_type: u8, code: u8) -> Trace {
    ask(snap, &question(src, dst, 1, None, Some((icmp_type, code))))
}

/// The trace as a human reads it, for failure messages.
fn show(t: &Trace) -> String {
    let line = |h: &Hop| {
        format!(
            "    {} {} {} [{}] {} {}",
            h.kind,
            h.id,
            h.decision,
            h.rule.as_deref().unwrap_or(""),
            h.packet,
            h.detail
        )
    };
    let req: Vec<String> = t.request.iter().map(line).collect();
    let rep: Vec<String> = t.reply.iter().map(line).collect();
    format!(
        "{}: {}\n  decided_by: {:?}\n  request:\n{}\n  reply:\n{}",
        t.verdict,
        t.reason,
        t.decided_by,
        req.join("\n"),
        rep.join("\n")
    )
}

/// `kind id decision` of each hop.
fn hops(h: &[Hop]) -> Vec<String> {
    h.iter()
        .map(|h| format!("{} {} {}", h.kind, h.id, h.decision))
        .collect()
}

fn has_hop(h: &[Hop], kind: &str, id: &str) -> bool {
    h.iter().any(|x| x.kind == kind && x.id == id)
}

fn reachable(t: &Trace) {
    assert_eq!(t.verdict, Verdict::Reachable, "{}", show(t));
    assert!(t.decided_by.is_none(), "{}", show(t));
}

/// What decided a verdict other than `reachable`.
struct Decider<'a> {
    verdict: Verdict,
    direction: Direction,
    kind: &'a str,
    id: &'a str,
    rule: Option<&'a str>,
    code: Option<&'a str>,
}

fn decided(t: &Trace, want: Decider<'_>) {
    assert_eq!(t.verdict, want.verdict, "{}", show(t));
    let d = t
        .decided_by
        .as_ref()
        .unwrap_or_else(|| panic!("no decider: {}", show(t)));
    assert_eq!(d.direction, want.direction, "direction: {}", show(t));
    assert_eq!(d.kind, want.kind, "kind: {}", show(t));
    assert_eq!(d.id, want.id, "id: {}", show(t));
    if want.rule.is_some() {
        assert_eq!(d.rule.as_deref(), want.rule, "rule: {}", show(t));
    }
    assert_eq!(d.code, want.code, "code: {}", show(t));
    // A security group has no rule that denies: the hop says that no rule matched.
    if want.kind == "security-group" {
        let hops = match want.direction {
            Request => &t.request,
            Reply => &t.reply,
        };
        let last = hops
            .last()
            .unwrap_or_else(|| panic!("no hops: {}", show(t)));
        assert_eq!(
            (last.kind, last.id.as_str(), last.decision),
            ("security-group", want.id, "deny"),
            "{}",
            show(t)
        );
        assert!(
            matches!(
                last.rule.as_deref(),
                Some("no inbound rule matches" | "no outbound rule matches")
            ),
            "{}",
            show(t)
        );
    }
}

fn blocked<'a>(
    direction: Direction,
    kind: &'a str,
    id: &'a str,
    rule: Option<&'a str>,
    code: &'a str,
) -> Decider<'a> {
    Decider {
        verdict: Verdict::Blocked,
        direction,
        kind,
        id,
        rule,
        code: Some(code),
    }
}

use Direction::{Reply, Request};

// ---- the networks ----------------------------------------------------------------------------

/// vpc-app 10.1.0.0/16 in us-east-1:
/// - subnet-pub 10.1.0.0/24 (a): rtb-pub `0.0.0.0/0 -> igw-app`; NAT gateway nat-app at
///   10.1.0.5 (EIP 203.0.113.5); web 10.1.0.10 with public IP 203.0.113.10.
/// - subnet-app 10.1.1.0/24 (a) and subnet-db 10.1.2.0/24 (b): main table rtb-app
///   `0.0.0.0/0 -> nat-app` plus `app_routes`; app 10.1.1.10, db 10.1.2.10.
/// - subnet-iso 10.1.3.0/24 (b): rtb-iso, local routes only; iso 10.1.3.10.
///
/// No NACL: each network adds its own (see `base_open`).
fn base_with(app_routes: Vec<Value>) -> Net {
    let mut n = Net::new();
    let mut main = vec![route("0.0.0.0/0", "nat-app")];
    main.extend(app_routes);
    n.vpc("vpc-app", "10.1.0.0/16")
        .subnet("subnet-pub", "vpc-app", "10.1.0.0/24", "a")
        .subnet("subnet-app", "vpc-app", "10.1.1.0/24", "a")
        .subnet("subnet-db", "vpc-app", "10.1.2.0/24", "b")
        .subnet("subnet-iso", "vpc-app", "10.1.3.0/24", "b")
        .igw("igw-app", "vpc-app")
        .main_rtb("rtb-app", "vpc-app", main)
        .rtb(
            "rtb-pub",
            "vpc-app",
            &["subnet-pub"],
            vec![route("0.0.0.0/0", "igw-app")],
        )
        .rtb("rtb-iso", "vpc-app", &["subnet-iso"], vec![])
        .nat("nat-app", "subnet-pub", "10.1.0.5", "203.0.113.5")
        .sg(
            "sg-web",
            "vpc-app",
            vec![perm("tcp", "443", "0.0.0.0/0")],
            all_out(),
        )
        .sg(
            "sg-app",
            "vpc-app",
            vec![perm("tcp", "8080", "10.1.0.0/16")],
            all_out(),
        )
        .sg(
            "sg-db",
            "vpc-app",
            vec![perm("tcp", "5432", "sg-app")],
            all_out(),
        )
        .sg(
            "sg-any",
            "vpc-app",
            vec![perm("all", "", "10.0.0.0/8")],
            all_out(),
        )
        .host(
            host("web", "subnet-pub", "10.1.0.10")
                .sg("sg-web")
                .public("203.0.113.10"),
        )
        .host(host("app", "subnet-app", "10.1.1.10").sg("sg-app"))
        .host(host("db", "subnet-db", "10.1.2.10").sg("sg-db"))
        .host(host("iso", "subnet-iso", "10.1.3.10").sg("sg-any"));
    n
}

/// `base_with` and a default NACL that allows everything.
fn base_open(app_routes: Vec<Value>) -> Net {
    let mut n = base_with(app_routes);
    n.default_acl("acl-default", "vpc-app", open_entries());
    n
}

fn base() -> Snapshot {
    base_open(vec![]).build()
}

/// vpc-peer 10.3.0.0/16 (same account and region) with subnet-peer 10.3.1.0/24 whose main table
/// holds `routes`, an open default NACL, and peerdb 10.3.1.10 admitting 5432 from `sg-app`
/// across pcx-app-peer, and peer1 10.3.1.20 / peer2 10.3.1.30 (public IP 203.0.113.33).
fn add_peer_vpc(n: &mut Net, routes: Vec<Value>) {
    n.vpc("vpc-peer", "10.3.0.0/16")
        .subnet("subnet-peer", "vpc-peer", "10.3.1.0/24", "a")
        .main_rtb("rtb-peer", "vpc-peer", routes)
        .default_acl("acl-peer-default", "vpc-peer", open_entries())
        .sg(
            "sg-peerdb",
            "vpc-peer",
            vec![perm_ref(
                "tcp",
                "5432",
                "sg-app",
                "vpc-app",
                Some("pcx-app-peer"),
            )],
            all_out(),
        )
        .sg(
            "sg-peer",
            "vpc-peer",
            vec![perm("all", "", "10.0.0.0/8")],
            all_out(),
        )
        .host(host("peerdb", "subnet-peer", "10.3.1.10").sg("sg-peerdb"))
        .host(host("peer1", "subnet-peer", "10.3.1.20").sg("sg-peer"))
        .host(
            host("peer2", "subnet-peer", "10.3.1.30")
                .sg("sg-peer")
                .public("203.0.113.33"),
        );
}

/// base + vpc-peer with routes on both sides over an active pcx-app-peer.
fn peered() -> Snapshot {
    let mut n = base_open(vec![route("10.3.0.0/16", "pcx-app-peer")]);
    add_peer_vpc(&mut n, vec![route("10.1.0.0/16", "pcx-app-peer")]);
    n.pcx("pcx-app-peer", "vpc-app", "vpc-peer", "active");
    n.build()
}

// ---- 1. longest prefix match -------------------------------------------------------------------

/// base, with subnet-app on rtb-app-s3: `0.0.0.0/0 -> nat-app`, `pl-s3 -> vpce-s3` (pl-s3 holds
/// 192.0.2.0/24) and `extra` routes.
fn endpoint_net(extra: Vec<Value>) -> Net {
    let mut n = base_open(vec![]);
    let mut routes = vec![route("0.0.0.0/0", "nat-app"), route("pl-s3", "vpce-s3")];
    routes.extend(extra);
    n.aws_prefix_list("pl-s3", "com.amazonaws.us-east-1.s3", &["192.0.2.0/24"])
        .gateway_endpoint(
            "vpce-s3",
            "vpc-app",
            "com.amazonaws.us-east-1.s3",
            &["rtb-app-s3"],
        )
        .rtb("rtb-app-s3", "vpc-app", &["subnet-app"], routes)
        .sg(
            "sg-s3only",
            "vpc-app",
            vec![],
            vec![perm("tcp", "443", "pl-s3")],
        )
        .host(host("s3only", "subnet-app", "10.1.1.30").sg("sg-s3only"));
    n
}

#[test]
fn prefix_list_route_to_gateway_endpoint_beats_default_route_to_nat() {
    // §2.1 route priority (longest prefix match); more §3.1: the pl route beats 0.0.0.0/0.
    let snap = endpoint_net(vec![]).build();
    let t = tcp(&snap, "10.1.1.10", "192.0.2.44", 443);
    reachable(&t);
    assert_eq!(
        hops(&t.request),
        vec![
            "network-interface eni-app send",
            "security-group sg-app allow",
            "route-table rtb-app-s3 forward",
            "network-acl acl-default allow",
            "vpc-endpoint vpce-s3 deliver",
        ],
        "{}",
        show(&t)
    );
    assert_eq!(
        t.request[2].rule.as_deref(),
        Some("pl-s3 (com.amazonaws.us-east-1.s3) -> vpce-s3")
    );
    assert_eq!(
        hops(&t.reply),
        vec![
            "vpc-endpoint vpce-s3 send",
            "network-acl acl-default allow",
            "network-interface eni-app deliver"
        ],
        "{}",
        show(&t)
    );
    // Anything else still takes the NAT gateway.
    let t = tcp(&snap, "10.1.1.10", "198.51.100.20", 443);
    reachable(&t);
    assert_eq!(
        t.request[2].rule.as_deref(),
        Some("0.0.0.0/0 -> nat-app"),
        "{}",
        show(&t)
    );
    assert!(
        has_hop(&t.request, "nat-gateway", "nat-app"),
        "{}",
        show(&t)
    );
}

#[test]
fn udp_to_the_gateway_endpoint_range_is_dropped_not_sent_to_the_nat() {
    // more §3.1: gateway endpoints accept only TCP or ICMP echo (VPCE_GATEWAY_PROTOCOL_RESTRICTION);
    // the pl route still wins by prefix length, so UDP does not fall back to the NAT gateway.
    let snap = endpoint_net(vec![]).build();
    let t = udp(&snap, "10.1.1.10", "192.0.2.44", 443);
    decided(
        &t,
        blocked(
            Request,
            "vpc-endpoint",
            "vpce-s3",
            None,
            "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
        ),
    );
    assert!(
        !has_hop(&t.request, "nat-gateway", "nat-app"),
        "{}",
        show(&t)
    );
    // ICMP echo is carried.
    reachable(&icmp(&snap, "10.1.1.10", "192.0.2.44", 8, 0));
}

#[test]
fn a_more_specific_cidr_route_beats_the_prefix_list() {
    // more §3.1: "A more specific or identical CIDR route to an IGW or NAT wins for that range".
    let snap = endpoint_net(vec![route("192.0.2.128/25", "nat-app")]).build();
    let t = tcp(&snap, "10.1.1.10", "192.0.2.200", 443);
    reachable(&t);
    assert_eq!(
        t.request[2].rule.as_deref(),
        Some("192.0.2.128/25 -> nat-app"),
        "{}",
        show(&t)
    );
    assert!(
        has_hop(&t.request, "nat-gateway", "nat-app"),
        "{}",
        show(&t)
    );
    assert!(
        !has_hop(&t.request, "vpc-endpoint", "vpce-s3"),
        "{}",
        show(&t)
    );
    // The rest of the prefix list still goes to the endpoint.
    let t = tcp(&snap, "10.1.1.10", "192.0.2.44", 443);
    reachable(&t);
    assert!(
        has_hop(&t.request, "vpc-endpoint", "vpce-s3"),
        "{}",
        show(&t)
    );
}

#[test]
fn an_identical_static_cidr_route_beats_the_prefix_list() {
    // §2.1: "A static CIDR route that overlaps a static prefix-list route wins."
    let snap = endpoint_net(vec![route("192.0.2.0/24", "nat-app")]).build();
    let t = tcp(&snap, "10.1.1.10", "192.0.2.44", 443);
    reachable(&t);
    assert_eq!(
        t.request[2].rule.as_deref(),
        Some("192.0.2.0/24 -> nat-app"),
        "{}",
        show(&t)
    );
    assert!(
        !has_hop(&t.request, "vpc-endpoint", "vpce-s3"),
        "{}",
        show(&t)
    );
}

// ---- 2. network ACLs ---------------------------------------------------------------------------

/// vpc-n 10.2.0.0/16: subnet-c 10.2.1.0/24 (client 10.2.1.10, client2 10.2.1.20), subnet-s
/// 10.2.2.0/24 (server 10.2.2.10), subnet-o 10.2.3.0/24 (other 10.2.3.10, default NACL).
/// acl-c and acl-s hold `c` and `s` exactly as given (in that input order); every host admits
/// everything from the VPC.
fn nacl_net(c: Vec<Value>, s: Vec<Value>) -> Net {
    let mut n = Net::new();
    n.vpc("vpc-n", "10.2.0.0/16")
        .subnet("subnet-c", "vpc-n", "10.2.1.0/24", "a")
        .subnet("subnet-s", "vpc-n", "10.2.2.0/24", "a")
        .subnet("subnet-o", "vpc-n", "10.2.3.0/24", "b")
        .main_rtb("rtb-n", "vpc-n", vec![])
        .default_acl("acl-n-default", "vpc-n", open_entries())
        .acl("acl-c", "vpc-n", &["subnet-c"], c)
        .acl("acl-s", "vpc-n", &["subnet-s"], s)
        .sg(
            "sg-n",
            "vpc-n",
            vec![perm("all", "", "10.2.0.0/16")],
            all_out(),
        )
        .host(host("client", "subnet-c", "10.2.1.10").sg("sg-n"))
        .host(host("client2", "subnet-c", "10.2.1.20").sg("sg-n"))
        .host(host("server", "subnet-s", "10.2.2.10").sg("sg-n"))
        .host(host("other", "subnet-o", "10.2.3.10").sg("sg-n"));
    n
}

/// Entries added to acl-c and acl-s, and the direction, NACL and rule that then decide.
type Case<'a> = (Vec<Value>, Vec<Value>, Direction, &'a str, &'a str);

/// `extra` entries first, then allow-all both ways (rule 100) and the built-in denies.
fn open_after(extra: Vec<Value>) -> Vec<Value> {
    let mut v = extra;
    v.extend(open_entries());
    v
}

#[test]
fn nacl_entries_are_evaluated_by_rule_number_not_input_order() {
    // §2.5: rule numbers evaluated lowest first, first match wins. Written shuffled: 200, the
    // built-in denies, outbound 100, then 100.
    let mut s = vec![allow_in(200, "tcp", "0.0.0.0/0", "22")];
    s.extend(star_denies());
    s.push(allow_out(100, "all", "0.0.0.0/0", ""));
    s.push(deny_in(100, "tcp", "10.2.1.0/24", "22"));
    let snap = nacl_net(open_entries(), s).build();
    let t = tcp(&snap, "10.2.1.10", "10.2.2.10", 22);
    decided(
        &t,
        blocked(
            Request,
            "network-acl",
            "acl-s",
            Some("inbound rule 100: TCP 22 from 10.2.1.0/24 DENY"),
            "SUBNET_ACL_RESTRICTION",
        ),
    );
    // From another subnet, rule 100 does not match and rule 200 admits it.
    let t = tcp(&snap, "10.2.3.10", "10.2.2.10", 22);
    reachable(&t);
    let acl = t
        .request
        .iter()
        .find(|h| h.id == "acl-s")
        .unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!(
        acl.rule.as_deref(),
        Some("inbound rule 200: TCP 22 from 0.0.0.0/0 ALLOW")
    );
}

#[test]
fn a_deny_numbered_after_allow_all_is_dead() {
    // §2.5 first match wins: deny 110 never sees a packet that allow 100 took.
    let s = open_after(vec![deny_in(110, "tcp", "0.0.0.0/0", "22")]);
    let snap = nacl_net(open_entries(), s).build();
    let t = tcp(&snap, "10.2.1.10", "10.2.2.10", 22);
    reachable(&t);
    let acl = t
        .request
        .iter()
        .find(|h| h.id == "acl-s")
        .unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!(
        acl.rule.as_deref(),
        Some("inbound rule 100: ALL from 0.0.0.0/0 ALLOW")
    );
}

#[test]
fn nacls_are_not_evaluated_inside_one_subnet() {
    // §2.5: rules are evaluated when traffic enters or leaves a subnet, not within a subnet;
    // §2.1: same-subnet traffic is layer 2 and bypasses the route table.
    let snap = nacl_net(star_denies(), open_entries()).build();
    let t = tcp(&snap, "10.2.1.10", "10.2.1.20", 22);
    reachable(&t);
    assert_eq!(
        hops(&t.request),
        vec![
            "network-interface eni-client send",
            "security-group sg-n allow",
            "security-group sg-n allow",
            "network-interface eni-client2 deliver",
        ],
        "{}",
        show(&t)
    );
    assert!(
        t.reply
            .iter()
            .all(|h| h.kind != "network-acl" && h.kind != "route-table"),
        "{}",
        show(&t)
    );
    // Leaving the subnet, the deny-all NACL decides.
    let t = tcp(&snap, "10.2.1.10", "10.2.2.10", 22);
    decided(
        &t,
        blocked(
            Request,
            "network-acl",
            "acl-c",
            Some("outbound rule *: ALL to 0.0.0.0/0 DENY"),
            "SUBNET_ACL_RESTRICTION",
        ),
    );
}

#[test]
fn nacls_of_both_subnets_are_evaluated_both_ways_for_request_and_reply() {
    // §2.5 stateless: checked on every subnet boundary crossing, both directions, for the reply.
    let snap = nacl_net(open_entries(), open_entries()).build();
    let t = tcp(&snap, "10.2.1.10", "10.2.2.10", 22);
    reachable(&t);
    assert_eq!(
        hops(&t.request),
        vec![
            "network-interface eni-client send",
            "security-group sg-n allow",
            "route-table rtb-n forward",
            "network-acl acl-c allow",
            "network-acl acl-s allow",
            "security-group sg-n allow",
            "network-interface eni-server deliver",
        ],
        "{}",
        show(&t)
    );
    assert_eq!(
        hops(&t.reply),
        vec![
            "network-interface eni-server send",
            "route-table rtb-n forward",
            "network-acl acl-s allow",
            "network-acl acl-c allow",
            "network-interface eni-client deliver",
        ],
        "{}",
        show(&t)
    );
    assert_eq!(
        t.request[3].rule.as_deref(),
        Some("outbound rule 100: ALL to 0.0.0.0/0 ALLOW")
    );
    assert_eq!(
        t.reply[3].rule.as_deref(),
        Some("inbound rule 100: ALL from 0.0.0.0/0 ALLOW")
    );
    assert_eq!(
        t.reply[3].packet,
        "10.2.2.10:22 -> 10.2.1.10:32768-60999 tcp"
    );

    // Each of the four checks decides on its own.
    let cases: [Case<'_>; 4] = [
        (
            vec![deny_out(50, "tcp", "10.2.2.0/24", "22")],
            vec![],
            Request,
            "acl-c",
            "outbound rule 50: TCP 22 to 10.2.2.0/24 DENY",
        ),
        (
            vec![],
            vec![deny_in(50, "tcp", "10.2.1.0/24", "0-65535")],
            Request,
            "acl-s",
            "inbound rule 50: TCP 0-65535 from 10.2.1.0/24 DENY",
        ),
        (
            vec![],
            vec![deny_out(50, "tcp", "10.2.1.0/24", "1024-65535")],
            Reply,
            "acl-s",
            "outbound rule 50: TCP 1024-65535 to 10.2.1.0/24 DENY",
        ),
        (
            vec![deny_in(50, "tcp", "10.2.2.0/24", "1024-65535")],
            vec![],
            Reply,
            "acl-c",
            "inbound rule 50: TCP 1024-65535 from 10.2.2.0/24 DENY",
        ),
    ];
    for (c, s, dir, id, rule) in cases {
        let snap = nacl_net(open_after(c), open_after(s)).build();
        let t = tcp(&snap, "10.2.1.10", "10.2.2.10", 22);
        decided(
            &t,
            blocked(dir, "network-acl", id, Some(rule), "SUBNET_ACL_RESTRICTION"),
        );
    }
}

// ---- 3. the stateless return path -------------------------------------------------------------

#[test]
fn reply_is_dropped_on_the_client_subnet_inbound() {
    // §2.5 stateless: return traffic needs explicit rules. The client NACL's inbound side "looks
    // identical" to its outbound side (port 22 only), so the reply to the ephemeral port dies.
    let c = with_denies(vec![
        allow_out(100, "tcp", "10.2.0.0/16", "22"),
        allow_in(100, "tcp", "10.2.0.0/16", "22"),
    ]);
    let snap = nacl_net(c, open_entries()).build();
    let t = tcp(&snap, "10.2.1.10", "10.2.2.10", 22);
    decided(
        &t,
        blocked(
            Reply,
            "network-acl",
            "acl-c",
            Some("inbound rule *: ALL from 0.0.0.0/0 DENY"),
            "SUBNET_ACL_RESTRICTION",
        ),
    );
    // The request got through both NACLs.
    assert_eq!(
        t.request.last().map(|h| h.id.as_str()),
        Some("eni-server"),
        "{}",
        show(&t)
    );
    let last = t.reply.last().unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!(
        (last.kind, last.id.as_str(), last.decision),
        ("network-acl", "acl-c", "deny")
    );
}

#[test]
fn nat_gateway_ports_meet_a_narrow_return_rule_partial() {
    // §2.5 / §2.8 / more §6.1: a NAT gateway picks source ports in 1024-65535; the public
    // subnet's NACL admits replies only on 32768-65535 (the docs' example range).
    let mut n = base_open(vec![]);
    n.acl(
        "acl-pub",
        "vpc-app",
        &["subnet-pub"],
        with_denies(vec![
            allow_in(100, "all", "10.1.0.0/16", ""),
            allow_in(110, "tcp", "0.0.0.0/0", "32768-65535"),
            allow_out(100, "all", "0.0.0.0/0", ""),
        ]),
    );
    let snap = n.build();
    let t = tcp(&snap, "10.1.1.10", "198.51.100.20", 443);
    assert_eq!(t.verdict, Verdict::Partial, "{}", show(&t));
    let p = t.partial.as_ref().unwrap_or_else(|| panic!("{}", show(&t)));
    // 32768 of the NAT gateway's 64512 port choices work.
    let want = 32768.0 / 64512.0;
    assert!(
        (p.fraction - want).abs() < 1e-4,
        "fraction {} want {want}",
        p.fraction
    );
    assert_eq!(p.cuts.len(), 1, "{}", show(&t));
    let cut = &p.cuts[0];
    assert_eq!(cut.port_of, "nat-app source port");
    assert_eq!(cut.range, "1024-65535");
    assert_eq!(cut.working, "32768-65535");
    assert_eq!(cut.failing.len(), 1);
    assert_eq!(cut.failing[0].0, "1024-32767");
    assert!(
        cut.failing[0]
            .1
            .ends_with("inbound rule *: ALL from 0.0.0.0/0 DENY"),
        "{:?}",
        cut.failing
    );
    let d = t
        .decided_by
        .as_ref()
        .unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!(
        (d.direction, d.kind, d.id.as_str(), d.code),
        (
            Reply,
            "network-acl",
            "acl-pub",
            Some("SUBNET_ACL_RESTRICTION")
        )
    );
    assert!(
        d.rule
            .as_deref()
            .is_some_and(|r| r.ends_with("inbound rule *: ALL from 0.0.0.0/0 DENY")),
        "{d:?}"
    );
}

/// nacl_net with the client (Windows or Linux) whose subnet admits replies on `ret` only.
fn ephemeral_net(windows: bool, ret: &str) -> Snapshot {
    let c = with_denies(vec![
        allow_out(100, "tcp", "10.2.0.0/16", "443"),
        allow_in(100, "tcp", "10.2.0.0/16", ret),
    ]);
    let mut n = nacl_net(c, open_entries());
    let h = host("desk", "subnet-c", "10.2.1.30").sg("sg-n");
    n.host(if windows { h.windows() } else { h });
    n.build()
}

#[test]
fn windows_clients_use_49152_to_65535() {
    // §2.5 / more §6.1: Windows Server 2008 and later choose 49152-65535.
    let t = tcp(
        &ephemeral_net(true, "32768-65535"),
        "10.2.1.30",
        "10.2.2.10",
        443,
    );
    reachable(&t);
    assert_eq!(
        t.reply
            .iter()
            .find(|h| h.id == "acl-c")
            .map(|h| h.packet.as_str()),
        Some("10.2.2.10:443 -> 10.2.1.30:49152-65535 tcp"),
        "{}",
        show(&t)
    );
    let t = tcp(
        &ephemeral_net(true, "1024-32767"),
        "10.2.1.30",
        "10.2.2.10",
        443,
    );
    decided(
        &t,
        blocked(
            Reply,
            "network-acl",
            "acl-c",
            Some("inbound rule *: ALL from 0.0.0.0/0 DENY"),
            "SUBNET_ACL_RESTRICTION",
        ),
    );
    // A return rule of 49152-65535 serves every Windows port but only part of Linux's.
    reachable(&tcp(
        &ephemeral_net(true, "49152-65535"),
        "10.2.1.30",
        "10.2.2.10",
        443,
    ));
    let t = tcp(
        &ephemeral_net(false, "49152-65535"),
        "10.2.1.30",
        "10.2.2.10",
        443,
    );
    assert_eq!(t.verdict, Verdict::Partial, "{}", show(&t));
    let p = t.partial.as_ref().unwrap_or_else(|| panic!("{}", show(&t)));
    let want = (60999.0 - 49152.0 + 1.0) / (60999.0 - 32768.0 + 1.0);
    assert!(
        (p.fraction - want).abs() < 1e-4,
        "fraction {} want {want}",
        p.fraction
    );
    assert_eq!(p.cuts[0].port_of, "client source port");
    assert_eq!(p.cuts[0].failing[0].0, "32768-49151");
}

// ---- 4. security groups ------------------------------------------------------------------------

#[test]
fn security_groups_are_stateful() {
    // §2.6: responses are allowed whatever the opposite-direction rules say.
    let mut n = base_open(vec![]);
    n.sg(
        "sg-cli",
        "vpc-app",
        vec![],
        vec![perm("tcp", "443", "10.1.2.0/24")],
    )
    .sg(
        "sg-srv",
        "vpc-app",
        vec![perm("tcp", "443", "10.1.1.0/24")],
        vec![],
    )
    .host(host("cli", "subnet-app", "10.1.1.50").sg("sg-cli"))
    .host(host("srv", "subnet-db", "10.1.2.50").sg("sg-srv"));
    let snap = n.build();
    let t = tcp(&snap, "10.1.1.50", "10.1.2.50", 443);
    reachable(&t);
    assert!(
        t.reply.iter().all(|h| h.kind != "security-group"),
        "{}",
        show(&t)
    );
    // The server has no outbound rule at all: it cannot open a connection itself.
    let t = tcp(&snap, "10.1.2.50", "10.1.1.50", 443);
    decided(
        &t,
        blocked(Request, "security-group", "sg-srv", None, "SG_HAS_NO_RULES"),
    );
}

#[test]
fn group_reference_matches_private_ips_of_enis_carrying_the_group() {
    // §2.6: an SG reference matches the private IPs of ENIs associated with the referenced SG.
    let mut n = base_open(vec![]);
    n.sg("sg-batch", "vpc-app", vec![], all_out())
        .host(host("batch", "subnet-app", "10.1.1.60").sg("sg-batch"));
    let snap = n.build();
    let t = tcp(&snap, "10.1.1.10", "10.1.2.10", 5432);
    reachable(&t);
    let sg = t
        .request
        .iter()
        .find(|h| h.id == "sg-db")
        .unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!(sg.rule.as_deref(), Some("inbound tcp 5432 from sg-app"));
    // A host without the group is refused.
    let t = tcp(&snap, "10.1.1.60", "10.1.2.10", 5432);
    decided(
        &t,
        blocked(
            Request,
            "security-group",
            "sg-db",
            None,
            "ENI_SG_RULES_MISMATCH",
        ),
    );
}

#[test]
fn group_reference_matches_across_an_active_same_region_peering() {
    // §2.4: SG references are allowed across a peering in the same Region, connection active.
    let snap = peered();
    let t = tcp(&snap, "10.1.1.10", "10.3.1.10", 5432);
    reachable(&t);
    assert!(
        has_hop(&t.request, "vpc-peering-connection", "pcx-app-peer"),
        "{}",
        show(&t)
    );
    let sg = t
        .request
        .iter()
        .find(|h| h.id == "sg-peerdb")
        .unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!(sg.rule.as_deref(), Some("inbound tcp 5432 from sg-app"));
}

#[test]
fn group_reference_does_not_match_across_an_inter_region_peering() {
    // §2.4: "For inter-Region peering you must use the peer's CIDRs."
    let mut n = base_open(vec![route("10.4.0.0/16", "pcx-app-west")]);
    n.at(ACCOUNT, "us-west-2")
        .vpc("vpc-west", "10.4.0.0/16")
        .subnet("subnet-west", "vpc-west", "10.4.1.0/24", "a")
        .main_rtb(
            "rtb-west",
            "vpc-west",
            vec![route("10.1.0.0/16", "pcx-app-west")],
        )
        .default_acl("acl-west-default", "vpc-west", open_entries())
        .sg(
            "sg-westdb",
            "vpc-west",
            vec![
                perm_ref("tcp", "5432", "sg-app", "vpc-app", Some("pcx-app-west")),
                perm("tcp", "5433", "10.1.1.0/24"),
            ],
            all_out(),
        )
        .host(host("westdb", "subnet-west", "10.4.1.10").sg("sg-westdb"))
        .at(ACCOUNT, REGION)
        .pcx("pcx-app-west", "vpc-app", "vpc-west", "active");
    let snap = n.build();
    let t = tcp(&snap, "10.1.1.10", "10.4.1.10", 5432);
    decided(
        &t,
        blocked(
            Request,
            "security-group",
            "sg-westdb",
            None,
            "ENI_SG_RULES_MISMATCH",
        ),
    );
    assert!(
        has_hop(&t.request, "vpc-peering-connection", "pcx-app-west"),
        "{}",
        show(&t)
    );
    // The peering itself works: a CIDR rule admits the same client.
    reachable(&tcp(&snap, "10.1.1.10", "10.4.1.10", 5433));
}

#[test]
fn a_nat_translated_source_does_not_match_a_group_reference() {
    // §2.6 SG referencing matches private IPs; §2.8 the NAT gateway rewrites the source, and
    // §2.7 the IGW maps it to the NAT gateway's Elastic IP.
    let mut n = base_open(vec![]);
    n.sg(
        "sg-api",
        "vpc-app",
        vec![perm("tcp", "443", "sg-app")],
        all_out(),
    )
    .host(
        host("api", "subnet-pub", "10.1.0.20")
            .sg("sg-api")
            .public("203.0.113.20"),
    );
    let snap = n.build();
    // Directly, by private address: the reference matches.
    reachable(&tcp(&snap, "10.1.1.10", "10.1.0.20", 443));
    // Through the NAT gateway and back in through the IGW: the source is 203.0.113.5.
    let t = tcp(&snap, "10.1.1.10", "203.0.113.20", 443);
    decided(
        &t,
        blocked(
            Request,
            "security-group",
            "sg-api",
            None,
            "ENI_SG_RULES_MISMATCH",
        ),
    );
    assert!(
        has_hop(&t.request, "nat-gateway", "nat-app"),
        "{}",
        show(&t)
    );
    let sg = t.request.last().unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!(sg.packet, "203.0.113.5:1024-65535 -> 10.1.0.20:443 tcp");
}

#[test]
fn prefix_list_references_in_security_group_rules() {
    // §2.6: rule sources/destinations can be a prefix list; more §3.1: an AWS prefix list can
    // be used in an outbound SG rule.
    let mut n = endpoint_net(vec![]);
    n.managed_prefix_list(
        "pl-corp",
        "corp-clients",
        &["10.1.1.0/24", "198.51.100.0/25"],
    )
    .sg(
        "sg-intra",
        "vpc-app",
        vec![perm("tcp", "443", "pl-corp")],
        all_out(),
    )
    .host(host("intra", "subnet-db", "10.1.2.30").sg("sg-intra"));
    let snap = n.build();
    let t = tcp(&snap, "10.1.1.10", "10.1.2.30", 443);
    reachable(&t);
    assert_eq!(
        t.request
            .iter()
            .find(|h| h.id == "sg-intra")
            .and_then(|h| h.rule.as_deref()),
        Some("inbound tcp 443 from pl-corp")
    );
    decided(
        &tcp(&snap, "10.1.0.10", "10.1.2.30", 443),
        blocked(
            Request,
            "security-group",
            "sg-intra",
            None,
            "ENI_SG_RULES_MISMATCH",
        ),
    );
    // Outbound to an AWS prefix list only: the service range, nothing else.
    let t = tcp(&snap, "10.1.1.30", "192.0.2.44", 443);
    reachable(&t);
    assert_eq!(
        t.request[1].rule.as_deref(),
        Some("outbound tcp 443 to pl-s3")
    );
    decided(
        &tcp(&snap, "10.1.1.30", "198.51.100.20", 443),
        blocked(
            Request,
            "security-group",
            "sg-s3only",
            None,
            "ENI_SG_RULES_MISMATCH",
        ),
    );
}

// ---- 5. internet gateway -------------------------------------------------------------------------

#[test]
fn inbound_to_a_public_ip_is_translated_and_nacls_see_the_private_destination() {
    // §2.7: 1:1 NAT at the IGW; more §5.1: inbound to a public IP is translated to exactly that
    // private IP. The NACL admits 443 from the internet source and replies to it.
    let mut n = base_open(vec![]);
    n.acl(
        "acl-pub",
        "vpc-app",
        &["subnet-pub"],
        with_denies(vec![
            allow_in(100, "tcp", "198.51.100.0/24", "443"),
            allow_in(110, "all", "10.1.0.0/16", ""),
            allow_out(100, "tcp", "198.51.100.0/24", "1024-65535"),
            allow_out(110, "all", "10.1.0.0/16", ""),
        ]),
    );
    let snap = n.build();
    let t = tcp(&snap, "198.51.100.7", "203.0.113.10", 443);
    reachable(&t);
    assert_eq!(
        hops(&t.request),
        vec![
            "internet internet send",
            "internet-gateway igw-app translate",
            "network-acl acl-pub allow",
            "security-group sg-web allow",
            "network-interface eni-web deliver",
        ],
        "{}",
        show(&t)
    );
    assert_eq!(t.request[1].detail, "destination 203.0.113.10 -> 10.1.0.10");
    let acl = &t.request[2];
    assert_eq!(acl.packet, "198.51.100.7:1024-65535 -> 10.1.0.10:443 tcp");
    assert_eq!(
        acl.rule.as_deref(),
        Some("inbound rule 100: TCP 443 from 198.51.100.0/24 ALLOW")
    );
    let out = t
        .reply
        .iter()
        .find(|h| h.id == "acl-pub")
        .unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!(out.packet, "10.1.0.10:443 -> 198.51.100.7:1024-65535 tcp");
    assert_eq!(
        out.rule.as_deref(),
        Some("outbound rule 100: TCP 1024-65535 to 198.51.100.0/24 ALLOW")
    );
    assert!(
        t.reply.iter().any(|h| h.kind == "internet-gateway"
            && h.detail == "source 10.1.0.10 -> 203.0.113.10"),
        "{}",
        show(&t)
    );
    // A source outside the NACL's internet range is dropped at the subnet.
    decided(
        &tcp(&snap, "192.0.2.99", "203.0.113.10", 443),
        blocked(
            Request,
            "network-acl",
            "acl-pub",
            Some("inbound rule *: ALL from 0.0.0.0/0 DENY"),
            "SUBNET_ACL_RESTRICTION",
        ),
    );
}

#[test]
fn outbound_from_an_eni_without_public_ip_is_dropped_by_the_igw() {
    // §2.7 internet access needs a public IPv4 or Elastic IP; more §5.1 engine rule.
    let mut n = base_open(vec![]);
    n.host(host("nopub", "subnet-pub", "10.1.0.30").sg("sg-web"));
    let snap = n.build();
    let t = tcp(&snap, "10.1.0.30", "198.51.100.7", 443);
    decided(
        &t,
        blocked(
            Request,
            "internet-gateway",
            "igw-app",
            None,
            "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
        ),
    );
    // Its neighbour with a public IP gets out.
    let t = tcp(&snap, "10.1.0.10", "198.51.100.7", 443);
    reachable(&t);
    assert!(
        t.request
            .iter()
            .any(|h| h.kind == "internet-gateway" && h.detail == "source 10.1.0.10 -> 203.0.113.10"),
        "{}",
        show(&t)
    );
}

#[test]
fn reply_routed_to_a_nat_instead_of_the_igw_is_an_asymmetric_path() {
    // §2.7 1:1 NAT: the client expects the answer from the public IP it called; a reply that
    // leaves through the NAT gateway carries the NAT's EIP instead.
    let mut n = base_open(vec![]);
    n.host(
        host("asym", "subnet-app", "10.1.1.40")
            .sg("sg-web")
            .public("203.0.113.40"),
    );
    let snap = n.build();
    let t = tcp(&snap, "198.51.100.7", "203.0.113.40", 443);
    assert_eq!(t.verdict, Verdict::Blocked, "{}", show(&t));
    let d = t
        .decided_by
        .as_ref()
        .unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!(d.direction, Reply, "{}", show(&t));
    assert!(t.reason.contains("asymmetric"), "{}", show(&t));
    assert_eq!(
        t.request.last().map(|h| h.id.as_str()),
        Some("eni-asym"),
        "{}",
        show(&t)
    );
    let rtb = t
        .reply
        .iter()
        .find(|h| h.kind == "route-table")
        .unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!(
        (rtb.id.as_str(), rtb.rule.as_deref()),
        ("rtb-app", Some("0.0.0.0/0 -> nat-app"))
    );
    assert!(has_hop(&t.reply, "nat-gateway", "nat-app"), "{}", show(&t));
}

#[test]
fn public_ips_that_no_live_interface_holds_answer_nothing() {
    // more §5.1: an EIP is a property of an interface; a deleted NAT gateway's address and an
    // unassociated EIP are held by nothing.
    let mut n = base_open(vec![]);
    n.deleted_nat("nat-old", "subnet-pub", "10.1.0.6", "203.0.113.66")
        .idle_eip("203.0.113.77", "eipalloc-idle");
    let snap = n.build();
    let t = tcp(&snap, "198.51.100.7", "203.0.113.66", 443);
    decided(
        &t,
        blocked(
            Request,
            "internet",
            "internet",
            None,
            "NO_POSSIBLE_DESTINATION",
        ),
    );
    assert!(t.reason.contains("nat-old"), "{}", show(&t));
    let t = tcp(&snap, "10.1.0.10", "203.0.113.77", 443);
    decided(
        &t,
        blocked(
            Request,
            "internet",
            "internet",
            None,
            "NO_POSSIBLE_DESTINATION",
        ),
    );
    assert!(t.reason.contains("eipalloc-idle"), "{}", show(&t));
    assert!(
        has_hop(&t.request, "internet-gateway", "igw-app"),
        "{}",
        show(&t)
    );
}

// ---- 6. NAT gateway ----------------------------------------------------------------------------

#[test]
fn private_hosts_reach_the_internet_through_the_nat_gateway() {
    // §2.8: source rewritten to the NAT gateway, ports 1024-65535; the NAT's subnet routes to
    // the IGW, which maps the NAT's private address to its EIP.
    let snap = base();
    let t = tcp(&snap, "10.1.1.10", "198.51.100.20", 443);
    reachable(&t);
    assert_eq!(
        hops(&t.request),
        vec![
            "network-interface eni-app send",
            "security-group sg-app allow",
            "route-table rtb-app forward",
            "network-acl acl-default allow",
            "network-acl acl-default allow",
            "nat-gateway nat-app translate",
            "route-table rtb-pub forward",
            "network-acl acl-default allow",
            "internet-gateway igw-app translate",
            "internet internet deliver",
        ],
        "{}",
        show(&t)
    );
    assert_eq!(
        t.request[5].packet,
        "10.1.0.5:1024-65535 -> 198.51.100.20:443 tcp"
    );
    assert_eq!(t.request[8].detail, "source 10.1.0.5 -> 203.0.113.5");
    assert_eq!(
        hops(&t.reply),
        vec![
            "internet internet send",
            "internet-gateway igw-app translate",
            "network-acl acl-default allow",
            "nat-gateway nat-app translate",
            "route-table rtb-pub forward",
            "network-acl acl-default allow",
            "network-acl acl-default allow",
            "network-interface eni-app deliver",
        ],
        "{}",
        show(&t)
    );
}

#[test]
fn a_nat_gateway_in_a_subnet_without_an_igw_route_gets_nowhere() {
    // §2.8: a public NAT gateway must live in a public subnet (a route to the IGW).
    let mut n = Net::new();
    n.vpc("vpc-n2", "10.5.0.0/16")
        .subnet("subnet-nat", "vpc-n2", "10.5.0.0/24", "a")
        .subnet("subnet-priv", "vpc-n2", "10.5.1.0/24", "a")
        .igw("igw-n2", "vpc-n2")
        .main_rtb("rtb-priv", "vpc-n2", vec![route("0.0.0.0/0", "nat-x")])
        .rtb("rtb-nat", "vpc-n2", &["subnet-nat"], vec![])
        .default_acl("acl-n2", "vpc-n2", open_entries())
        .nat("nat-x", "subnet-nat", "10.5.0.5", "203.0.113.50")
        .sg("sg-p", "vpc-n2", vec![], all_out())
        .host(host("p", "subnet-priv", "10.5.1.10").sg("sg-p"));
    let snap = n.build();
    let t = tcp(&snap, "10.5.1.10", "198.51.100.7", 443);
    decided(
        &t,
        blocked(
            Request,
            "route-table",
            "rtb-nat",
            None,
            "NO_ROUTE_TO_DESTINATION",
        ),
    );
    assert!(has_hop(&t.request, "nat-gateway", "nat-x"), "{}", show(&t));
}

#[test]
fn a_peer_vpc_cannot_use_the_nat_gateway_or_the_internet_gateway() {
    // §2.4 no edge-to-edge routing (PCX_REQUIRES_ADDRESS_IN_VPC_CIDR); §2.8 "You cannot route
    // traffic to a NAT gateway through a VPC peering connection".
    let mut n = base_open(vec![route("10.3.0.0/16", "pcx-app-peer")]);
    add_peer_vpc(
        &mut n,
        vec![
            route("10.1.0.0/16", "pcx-app-peer"),
            route("0.0.0.0/0", "pcx-app-peer"),
        ],
    );
    n.pcx("pcx-app-peer", "vpc-app", "vpc-peer", "active");
    let snap = n.build();
    // peer1 has no public IP (it hopes for vpc-app's NAT), peer2 has one (it hopes for igw-app).
    for src in ["10.3.1.20", "203.0.113.33"] {
        let t = tcp(&snap, src, "198.51.100.7", 443);
        decided(
            &t,
            blocked(
                Request,
                "vpc-peering-connection",
                "pcx-app-peer",
                None,
                "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
            ),
        );
        assert!(
            !has_hop(&t.request, "nat-gateway", "nat-app"),
            "{}",
            show(&t)
        );
        assert!(
            !has_hop(&t.request, "internet-gateway", "igw-app"),
            "{}",
            show(&t)
        );
    }
    // The peering itself carries VPC-to-VPC traffic.
    reachable(&tcp(&snap, "10.1.1.10", "10.3.1.20", 443));
}

#[test]
fn a_nat_gateway_carries_tcp_udp_and_icmp_only() {
    // §2.8: "Protocols: TCP, UDP, ICMP."
    let snap = base();
    reachable(&udp(&snap, "10.1.1.10", "198.51.100.20", 53));
    reachable(&icmp(&snap, "10.1.1.10", "198.51.100.20", 8, 0));
    // ESP (IP protocol 50).
    let t = ask(
        &snap,
        &question("10.1.1.10", "198.51.100.20", 50, None, None),
    );
    decided(
        &t,
        blocked(
            Request,
            "nat-gateway",
            "nat-app",
            None,
            "PROTOCOL_RESTRICTION",
        ),
    );
}

#[test]
fn a_nat_gateway_address_accepts_no_inbound_connection() {
    // §2.8: no port forwarding; a NAT gateway only translates connections it started.
    let snap = base();
    for (src, dst) in [("198.51.100.7", "203.0.113.5"), ("10.1.0.10", "10.1.0.5")] {
        let t = tcp(&snap, src, dst, 22);
        assert_eq!(t.verdict, Verdict::Blocked, "{}", show(&t));
        let d = t
            .decided_by
            .as_ref()
            .unwrap_or_else(|| panic!("{}", show(&t)));
        assert_eq!(
            (d.direction, d.kind, d.code),
            (Request, "nat-gateway", Some("NO_POSSIBLE_DESTINATION")),
            "{}",
            show(&t)
        );
    }
}

#[test]
fn a_nat_gateway_address_names_the_nat_gateway() {
    // DESIGN.md "Explanations use AWS's own vocabulary: resource ids": kind `nat-gateway` goes
    // with a `nat-…` id.
    let t = tcp(&base(), "198.51.100.7", "203.0.113.5", 22);
    decided(
        &t,
        blocked(
            Request,
            "nat-gateway",
            "nat-app",
            None,
            "NO_POSSIBLE_DESTINATION",
        ),
    );
}

// ---- 7. peering --------------------------------------------------------------------------------

fn peered_with(app: Vec<Value>, peer: Vec<Value>, status: &str) -> Snapshot {
    let mut n = base_open(app);
    add_peer_vpc(&mut n, peer);
    n.pcx("pcx-app-peer", "vpc-app", "vpc-peer", status);
    n.build()
}

#[test]
fn a_peering_that_is_not_active_carries_nothing() {
    // §2.4: only `active` connections carry traffic; a route to a pending connection is
    // `blackhole` (§2.1).
    let snap = peered_with(
        vec![blackhole(route("10.3.0.0/16", "pcx-app-peer"))],
        vec![],
        "pending-acceptance",
    );
    decided(
        &tcp(&snap, "10.1.1.10", "10.3.1.10", 5432),
        blocked(
            Request,
            "route-table",
            "rtb-app",
            Some("10.3.0.0/16 -> pcx-app-peer (blackhole)"),
            "BAD_STATE_ROUTE",
        ),
    );
    // Even with a route marked active (a hand-edited dump), the connection decides.
    let snap = peered_with(
        vec![route("10.3.0.0/16", "pcx-app-peer")],
        vec![route("10.1.0.0/16", "pcx-app-peer")],
        "pending-acceptance",
    );
    decided(
        &tcp(&snap, "10.1.1.10", "10.3.1.10", 5432),
        blocked(
            Request,
            "vpc-peering-connection",
            "pcx-app-peer",
            None,
            "BAD_STATE",
        ),
    );
}

#[test]
fn a_peering_route_on_one_side_only_loses_the_reply() {
    // §2.4: routes are needed on both sides.
    let snap = peered_with(vec![route("10.3.0.0/16", "pcx-app-peer")], vec![], "active");
    let t = tcp(&snap, "10.1.1.10", "10.3.1.10", 5432);
    decided(
        &t,
        blocked(
            Reply,
            "route-table",
            "rtb-peer",
            None,
            "NO_ROUTE_TO_DESTINATION",
        ),
    );
    assert_eq!(t.request.last().map(|h| h.id.as_str()), Some("eni-peerdb"));
}

#[test]
fn peering_is_not_transitive() {
    // §2.4: with A–B and B–C, A cannot reach C through B (PCX_REQUIRES_ADDRESS_IN_VPC_CIDR).
    let mut n = base_open(vec![route("10.6.0.0/16", "pcx-app-peer")]);
    add_peer_vpc(
        &mut n,
        vec![
            route("10.1.0.0/16", "pcx-app-peer"),
            route("10.6.0.0/16", "pcx-peer-c"),
        ],
    );
    n.vpc("vpc-c", "10.6.0.0/16")
        .subnet("subnet-c6", "vpc-c", "10.6.1.0/24", "a")
        .main_rtb(
            "rtb-c",
            "vpc-c",
            vec![
                route("10.3.0.0/16", "pcx-peer-c"),
                route("10.1.0.0/16", "pcx-peer-c"),
            ],
        )
        .default_acl("acl-c-default", "vpc-c", open_entries())
        .sg(
            "sg-c",
            "vpc-c",
            vec![perm("all", "", "10.0.0.0/8")],
            all_out(),
        )
        .host(host("chost", "subnet-c6", "10.6.1.10").sg("sg-c"))
        .pcx("pcx-app-peer", "vpc-app", "vpc-peer", "active")
        .pcx("pcx-peer-c", "vpc-peer", "vpc-c", "active");
    let snap = n.build();
    decided(
        &tcp(&snap, "10.1.1.10", "10.6.1.10", 443),
        blocked(
            Request,
            "vpc-peering-connection",
            "pcx-app-peer",
            None,
            "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
        ),
    );
    // B reaches C directly.
    reachable(&tcp(&snap, "10.3.1.20", "10.6.1.10", 443));
}

#[test]
fn peering_vpcs_with_overlapping_cidrs_is_invalid() {
    // §2.4: no peering if any IPv4 CIDR overlaps.
    let mut n = base_open(vec![route("10.0.0.0/16", "pcx-app-ovl")]);
    n.vpc("vpc-ovl", "10.0.0.0/15")
        .subnet("subnet-ovl", "vpc-ovl", "10.0.1.0/24", "a")
        .main_rtb(
            "rtb-ovl",
            "vpc-ovl",
            vec![route("10.1.1.0/24", "pcx-app-ovl")],
        )
        .default_acl("acl-ovl-default", "vpc-ovl", open_entries())
        .sg(
            "sg-ovl",
            "vpc-ovl",
            vec![perm("all", "", "10.0.0.0/8")],
            all_out(),
        )
        .host(host("ovl", "subnet-ovl", "10.0.1.10").sg("sg-ovl"))
        .pcx("pcx-app-ovl", "vpc-app", "vpc-ovl", "active");
    let snap = n.build();
    let t = tcp(&snap, "10.1.1.10", "10.0.1.10", 443);
    decided(
        &t,
        Decider {
            verdict: Verdict::InvalidConfig,
            direction: Request,
            kind: "vpc-peering-connection",
            id: "pcx-app-ovl",
            rule: None,
            code: None,
        },
    );
    assert!(t.reason.contains("overlapping"), "{}", show(&t));
}

#[test]
fn a_peer_vpc_missing_from_the_snapshot_is_unknown() {
    // DESIGN.md verdicts: `unknown` when the snapshot does not contain enough to decide.
    let mut n = base_open(vec![route("10.9.0.0/16", "pcx-app-ext")]);
    n.pcx_to_absent(
        "pcx-app-ext",
        "vpc-app",
        ("vpc-ext", "222222222222", "10.9.0.0/16"),
    );
    let snap = n.build();
    let t = tcp(&snap, "10.1.1.10", "10.9.1.10", 443);
    decided(
        &t,
        Decider {
            verdict: Verdict::Unknown,
            direction: Request,
            kind: "vpc-peering-connection",
            id: "pcx-app-ext",
            rule: None,
            code: Some("UNKNOWN_DESTINATION"),
        },
    );
    assert!(t.reason.contains("vpc-ext"), "{}", show(&t));
}

// ---- 8. transit gateway ------------------------------------------------------------------------

struct TgwOpts {
    associate_a: bool,
    sg_referencing: bool,
    static_routes: Vec<(&'static str, Option<&'static str>)>,
    acl_a_tgw: Vec<Value>,
    acl_b_tgw: Vec<Value>,
}

impl Default for TgwOpts {
    fn default() -> Self {
        TgwOpts {
            associate_a: true,
            sg_referencing: false,
            static_routes: vec![],
            acl_a_tgw: open_entries(),
            acl_b_tgw: open_entries(),
        }
    }
}

/// vpc-ta 10.11.0.0/16 (ta-app 10.11.1.0/24 and ta-tgw 10.11.100.0/28, both in zone a) and
/// vpc-tb 10.12.0.0/16 (tb-app 10.12.1.0/24 in a, tb-app-b 10.12.2.0/24 in b, tb-tgw
/// 10.12.100.0/28 in a), attached to tgw-1 through their zone-a subnets; both attachments
/// propagate into tgw-rtb-1. Hosts: ta-cli 10.11.1.10; tb-srv 10.12.1.10 (zone a), tb-srv-b
/// 10.12.2.10 (zone b), tb-gw-srv 10.12.100.10 (in the attachment subnet); tb-ref 10.12.1.20
/// admits 8443 from `sg-ta` (a reference across the TGW); ta-out 10.11.1.20 may send only to
/// `sg-tbref`.
fn tgw_net(o: TgwOpts) -> Snapshot {
    let mut n = Net::new();
    n.vpc("vpc-ta", "10.11.0.0/16")
        .subnet("subnet-ta-app", "vpc-ta", "10.11.1.0/24", "a")
        .subnet("subnet-ta-tgw", "vpc-ta", "10.11.100.0/28", "a")
        .main_rtb("rtb-ta", "vpc-ta", vec![route("10.12.0.0/16", "tgw-1")])
        .default_acl("acl-ta-default", "vpc-ta", open_entries())
        .acl("acl-ta-tgw", "vpc-ta", &["subnet-ta-tgw"], o.acl_a_tgw)
        .sg("sg-ta", "vpc-ta", vec![], all_out())
        .host(host("ta-cli", "subnet-ta-app", "10.11.1.10").sg("sg-ta"))
        .vpc("vpc-tb", "10.12.0.0/16")
        .subnet("subnet-tb-app", "vpc-tb", "10.12.1.0/24", "a")
        .subnet("subnet-tb-app-b", "vpc-tb", "10.12.2.0/24", "b")
        .subnet("subnet-tb-tgw", "vpc-tb", "10.12.100.0/28", "a")
        .main_rtb("rtb-tb", "vpc-tb", vec![route("10.11.0.0/16", "tgw-1")])
        .default_acl("acl-tb-default", "vpc-tb", open_entries())
        .acl("acl-tb-tgw", "vpc-tb", &["subnet-tb-tgw"], o.acl_b_tgw)
        .sg(
            "sg-tb",
            "vpc-tb",
            vec![perm("all", "", "10.11.0.0/16")],
            all_out(),
        )
        .host(host("tb-srv", "subnet-tb-app", "10.12.1.10").sg("sg-tb"))
        .host(host("tb-srv-b", "subnet-tb-app-b", "10.12.2.10").sg("sg-tb"))
        .host(host("tb-gw-srv", "subnet-tb-tgw", "10.12.100.10").sg("sg-tb"))
        .sg(
            "sg-tbref",
            "vpc-tb",
            vec![perm_ref("tcp", "8443", "sg-ta", "vpc-ta", None)],
            all_out(),
        )
        .host(host("tb-ref", "subnet-tb-app", "10.12.1.20").sg("sg-tbref"))
        .sg(
            "sg-ta-out",
            "vpc-ta",
            vec![],
            vec![perm_ref("tcp", "8443", "sg-tbref", "vpc-tb", None)],
        )
        .host(host("ta-out", "subnet-ta-app", "10.11.1.20").sg("sg-ta-out"))
        .tgw("tgw-1", o.sg_referencing)
        .tgw_attachment(
            "tgw-attach-a",
            "tgw-1",
            "vpc-ta",
            &["subnet-ta-tgw"],
            o.associate_a.then_some("tgw-rtb-1"),
        )
        .tgw_attachment(
            "tgw-attach-b",
            "tgw-1",
            "vpc-tb",
            &["subnet-tb-tgw"],
            Some("tgw-rtb-1"),
        )
        .tgw_rtb(
            "tgw-rtb-1",
            "tgw-1",
            &[("tgw-attach-a", "vpc-ta"), ("tgw-attach-b", "vpc-tb")],
            &o.static_routes,
        );
    n.build()
}

#[test]
fn transit_gateway_connects_two_vpcs_through_same_az_attachments() {
    // more §1.3 (entry through the same-AZ attachment ENI), §1.4 (association, propagation,
    // LPM), §1.6 (delivery by the attachment subnet's route table), §1.7 (NACL table, W ≠ T).
    let snap = tgw_net(TgwOpts::default());
    let t = tcp(&snap, "10.11.1.10", "10.12.1.10", 443);
    reachable(&t);
    assert_eq!(
        hops(&t.request),
        vec![
            "network-interface eni-ta-cli send",
            "security-group sg-ta allow",
            "route-table rtb-ta forward",
            "network-acl acl-ta-default allow",
            "network-acl acl-ta-tgw allow",
            "transit-gateway-attachment tgw-attach-a forward",
            "transit-gateway-route-table tgw-rtb-1 forward",
            "transit-gateway-attachment tgw-attach-b forward",
            "route-table rtb-tb forward",
            "network-acl acl-tb-tgw allow",
            "network-acl acl-tb-default allow",
            "security-group sg-tb allow",
            "network-interface eni-tb-srv deliver",
        ],
        "{}",
        show(&t)
    );
    assert_eq!(
        t.request[6].rule.as_deref(),
        Some("10.12.0.0/16 -> tgw-attach-b (propagated)")
    );
    // The TGW changes neither addresses nor ports (more §1.1).
    assert_eq!(
        t.request[10].packet,
        "10.11.1.10:32768-60999 -> 10.12.1.10:443 tcp"
    );
    assert!(
        has_hop(&t.reply, "transit-gateway-attachment", "tgw-attach-b"),
        "{}",
        show(&t)
    );
    assert_eq!(t.reply.last().map(|h| h.id.as_str()), Some("eni-ta-cli"));
}

#[test]
fn the_reply_from_an_az_without_an_attachment_subnet_cannot_enter_the_tgw() {
    // more §1.3 step 2 and §1.6: resources in an AZ with no attachment cannot reach the TGW;
    // the request is delivered across AZs inside the VPC, the SYN-ACK is dropped.
    let snap = tgw_net(TgwOpts::default());
    let t = tcp(&snap, "10.11.1.10", "10.12.2.10", 443);
    decided(
        &t,
        blocked(
            Reply,
            "transit-gateway-attachment",
            "tgw-attach-b",
            None,
            "TGW_ROUTE_AZ_RESTRICTION",
        ),
    );
    assert_eq!(
        t.request.last().map(|h| h.id.as_str()),
        Some("eni-tb-srv-b"),
        "{}",
        show(&t)
    );
}

#[test]
fn an_attachment_without_a_route_table_association_drops_traffic() {
    // more §1.3 step 5: TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION.
    let snap = tgw_net(TgwOpts {
        associate_a: false,
        ..TgwOpts::default()
    });
    assert!(
        snap.warnings
            .iter()
            .any(|w| w.message.contains("tgw-attach-a") && w.message.contains("association")),
        "{:?}",
        snap.warnings
    );
    decided(
        &tcp(&snap, "10.11.1.10", "10.12.1.10", 443),
        blocked(
            Request,
            "transit-gateway-attachment",
            "tgw-attach-a",
            None,
            "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
        ),
    );
}

#[test]
fn a_blackhole_static_route_in_the_tgw_route_table_drops_traffic() {
    // more §1.4: a static blackhole route "drops traffic that matches the route"; longest
    // prefix first, so the /24 blackhole beats the propagated /16.
    let snap = tgw_net(TgwOpts {
        static_routes: vec![("10.12.1.0/24", None)],
        ..TgwOpts::default()
    });
    decided(
        &tcp(&snap, "10.11.1.10", "10.12.1.10", 443),
        blocked(
            Request,
            "transit-gateway-route-table",
            "tgw-rtb-1",
            None,
            "TGW_RTB_BAD_STATE_ROUTE",
        ),
    );
    // The rest of the /16 still goes through (tb-gw-srv, in zone a).
    reachable(&tcp(&snap, "10.11.1.10", "10.12.100.10", 443));
    // For the same destination a static route wins over the propagated one (more §1.4).
    let snap = tgw_net(TgwOpts {
        static_routes: vec![("10.12.0.0/16", None)],
        ..TgwOpts::default()
    });
    decided(
        &tcp(&snap, "10.11.1.10", "10.12.100.10", 443),
        blocked(
            Request,
            "transit-gateway-route-table",
            "tgw-rtb-1",
            None,
            "TGW_RTB_BAD_STATE_ROUTE",
        ),
    );
}

#[test]
fn group_references_across_a_tgw_need_the_option_and_work_inbound_only() {
    // more §1.8: inbound rules may reference groups of other VPCs attached to the same TGW when
    // the TGW and both attachments enable SecurityGroupReferencingSupport; outbound rules
    // referencing over a TGW are not supported.
    let off = tgw_net(TgwOpts::default());
    decided(
        &tcp(&off, "10.11.1.10", "10.12.1.20", 8443),
        blocked(
            Request,
            "security-group",
            "sg-tbref",
            None,
            "ENI_SG_RULES_MISMATCH",
        ),
    );
    let on = tgw_net(TgwOpts {
        sg_referencing: true,
        ..TgwOpts::default()
    });
    let t = tcp(&on, "10.11.1.10", "10.12.1.20", 8443);
    reachable(&t);
    assert_eq!(
        t.request
            .iter()
            .find(|h| h.id == "sg-tbref")
            .and_then(|h| h.rule.as_deref()),
        Some("inbound tcp 8443 from sg-ta"),
        "{}",
        show(&t)
    );
    decided(
        &tcp(&on, "10.11.1.20", "10.12.1.20", 8443),
        blocked(
            Request,
            "security-group",
            "sg-ta-out",
            None,
            "ENI_SG_RULES_MISMATCH",
        ),
    );
}

#[test]
fn nacls_of_attachment_subnets_are_evaluated() {
    // more §1.7: instance → TGW evaluates the attachment subnet's inbound side; the reply
    // (server → TGW) evaluates the server-side attachment subnet's inbound side too.
    let snap = tgw_net(TgwOpts {
        acl_a_tgw: open_after(vec![deny_in(50, "all", "10.11.1.0/24", "")]),
        ..TgwOpts::default()
    });
    decided(
        &tcp(&snap, "10.11.1.10", "10.12.1.10", 443),
        blocked(
            Request,
            "network-acl",
            "acl-ta-tgw",
            Some("inbound rule 50: ALL from 10.11.1.0/24 DENY"),
            "SUBNET_ACL_RESTRICTION",
        ),
    );
    // acl-tb-tgw admits only the peer VPC inbound: the request (TGW → instance, inbound of the
    // attachment subnet not evaluated) passes, the reply (instance → TGW) does not.
    let snap = tgw_net(TgwOpts {
        acl_b_tgw: with_denies(vec![
            allow_in(100, "all", "10.11.0.0/16", ""),
            allow_out(100, "all", "0.0.0.0/0", ""),
        ]),
        ..TgwOpts::default()
    });
    let t = tcp(&snap, "10.11.1.10", "10.12.1.10", 443);
    decided(
        &t,
        blocked(
            Reply,
            "network-acl",
            "acl-tb-tgw",
            Some("inbound rule *: ALL from 0.0.0.0/0 DENY"),
            "SUBNET_ACL_RESTRICTION",
        ),
    );
}

#[test]
fn tgw_to_an_instance_in_the_attachment_subnet_skips_its_nacl() {
    // more §1.7, W = T: "TGW → instance: not evaluated"; "instance → TGW: N outbound and N
    // inbound evaluated". acl-tb-tgw admits nothing from vpc-ta inbound.
    let snap = tgw_net(TgwOpts {
        acl_b_tgw: with_denies(vec![
            allow_in(100, "all", "10.12.0.0/16", ""),
            allow_out(100, "all", "0.0.0.0/0", ""),
        ]),
        ..TgwOpts::default()
    });
    let t = tcp(&snap, "10.11.1.10", "10.12.100.10", 443);
    reachable(&t);
    assert!(
        !has_hop(&t.request, "network-acl", "acl-tb-tgw"),
        "{}",
        show(&t)
    );
    let on_reply: Vec<&str> = t
        .reply
        .iter()
        .filter(|h| h.id == "acl-tb-tgw")
        .filter_map(|h| h.rule.as_deref())
        .collect();
    assert_eq!(
        on_reply,
        vec![
            "outbound rule 100: ALL to 0.0.0.0/0 ALLOW",
            "inbound rule 100: ALL from 10.12.0.0/16 ALLOW"
        ],
        "{}",
        show(&t)
    );
}

/// Centralized egress: spoke vpc-sp 10.13.0.0/16 (sp-app 10.13.1.0/24 and sp-tgw
/// 10.13.100.0/28, zone a) sends `0.0.0.0/0` to tgw-2; the TGW sends `0.0.0.0/0` to the
/// egress VPC vpc-eg 10.30.0.0/16, whose attachment subnet eg-tgw routes `0.0.0.0/0` to
/// nat-eg (and `pl-s3` to its gateway endpoint), whose public subnet eg-pub routes the
/// spoke back to the TGW and the rest to igw-eg. Host sp-cli 10.13.1.10.
fn egress_net() -> Snapshot {
    let mut n = Net::new();
    n.vpc("vpc-sp", "10.13.0.0/16")
        .subnet("subnet-sp-app", "vpc-sp", "10.13.1.0/24", "a")
        .subnet("subnet-sp-tgw", "vpc-sp", "10.13.100.0/28", "a")
        .main_rtb("rtb-sp", "vpc-sp", vec![route("0.0.0.0/0", "tgw-2")])
        .default_acl("acl-sp-default", "vpc-sp", open_entries())
        .sg("sg-sp", "vpc-sp", vec![], all_out())
        .host(host("sp-cli", "subnet-sp-app", "10.13.1.10").sg("sg-sp"))
        .vpc("vpc-eg", "10.30.0.0/16")
        .subnet("subnet-eg-tgw", "vpc-eg", "10.30.100.0/28", "a")
        .subnet("subnet-eg-pub", "vpc-eg", "10.30.0.0/24", "a")
        .igw("igw-eg", "vpc-eg")
        .aws_prefix_list("pl-s3", "com.amazonaws.us-east-1.s3", &["192.0.2.0/24"])
        .gateway_endpoint(
            "vpce-eg",
            "vpc-eg",
            "com.amazonaws.us-east-1.s3",
            &["rtb-eg-tgw"],
        )
        .rtb(
            "rtb-eg-tgw",
            "vpc-eg",
            &["subnet-eg-tgw"],
            vec![route("0.0.0.0/0", "nat-eg"), route("pl-s3", "vpce-eg")],
        )
        .rtb(
            "rtb-eg-pub",
            "vpc-eg",
            &["subnet-eg-pub"],
            vec![route("0.0.0.0/0", "igw-eg"), route("10.13.0.0/16", "tgw-2")],
        )
        .main_rtb("rtb-eg-main", "vpc-eg", vec![])
        .default_acl("acl-eg-default", "vpc-eg", open_entries())
        .nat("nat-eg", "subnet-eg-pub", "10.30.0.5", "203.0.113.130")
        .tgw("tgw-2", false)
        .tgw_attachment(
            "tgw-attach-sp",
            "tgw-2",
            "vpc-sp",
            &["subnet-sp-tgw"],
            Some("tgw-rtb-2"),
        )
        .tgw_attachment(
            "tgw-attach-eg",
            "tgw-2",
            "vpc-eg",
            &["subnet-eg-tgw"],
            Some("tgw-rtb-2"),
        )
        .tgw_rtb(
            "tgw-rtb-2",
            "tgw-2",
            &[("tgw-attach-sp", "vpc-sp"), ("tgw-attach-eg", "vpc-eg")],
            &[("0.0.0.0/0", Some("tgw-attach-eg"))],
        );
    n.build()
}

#[test]
fn traffic_from_a_tgw_may_use_the_egress_vpcs_nat_gateway() {
    // more §1.6: "Traffic arriving via TGW can use the destination VPC's NAT gateway and
    // internet gateway" (centralized outbound routing), unlike peering.
    let snap = egress_net();
    assert!(snap.warnings.is_empty(), "{:#?}", snap.warnings);
    let t = tcp(&snap, "10.13.1.10", "198.51.100.7", 443);
    reachable(&t);
    let path: Vec<&str> = t
        .request
        .iter()
        .filter(|h| {
            matches!(
                h.kind,
                "transit-gateway-route-table" | "nat-gateway" | "internet-gateway"
            )
        })
        .map(|h| h.id.as_str())
        .collect();
    assert_eq!(path, vec!["tgw-rtb-2", "nat-eg", "igw-eg"], "{}", show(&t));
    assert_eq!(
        t.request[6].rule.as_deref(),
        Some("0.0.0.0/0 -> tgw-attach-eg (static)"),
        "{}",
        show(&t)
    );
    // The reply comes back through the NAT gateway and the TGW.
    assert!(
        has_hop(&t.reply, "transit-gateway-attachment", "tgw-attach-sp"),
        "{}",
        show(&t)
    );
    // more §3.1: a packet that entered through a TGW never uses the gateway endpoint.
    let t = tcp(&snap, "10.13.1.10", "192.0.2.44", 443);
    assert!(
        !has_hop(&t.request, "vpc-endpoint", "vpce-eg"),
        "{}",
        show(&t)
    );
    assert!(has_hop(&t.request, "nat-gateway", "nat-eg"), "{}", show(&t));
}

// ---- 9. addresses, states, blackholes ---------------------------------------------------------

#[test]
fn an_eni_at_a_reserved_address_is_invalid() {
    // §2.2: five reserved IPv4 addresses per subnet (.0 .1 .2 .3 and the last).
    let mut n = base_open(vec![]);
    n.host(host("resv", "subnet-db", "10.1.2.2").sg("sg-any"));
    let snap = n.build();
    let t = tcp(&snap, "10.1.1.10", "10.1.2.2", 443);
    decided(
        &t,
        Decider {
            verdict: Verdict::InvalidConfig,
            direction: Request,
            kind: "subnet",
            id: "subnet-db",
            rule: None,
            code: Some("ENI_ADDRESS_RESTRICTION"),
        },
    );
    let t = tcp(&snap, "10.1.2.2", "10.1.1.10", 8080);
    decided(
        &t,
        Decider {
            verdict: Verdict::InvalidConfig,
            direction: Request,
            kind: "network-interface",
            id: "eni-resv",
            rule: None,
            code: Some("ENI_ADDRESS_RESTRICTION"),
        },
    );
    // The broadcast address too.
    assert_eq!(
        tcp(&snap, "10.1.1.10", "10.1.2.255", 443).verdict,
        Verdict::InvalidConfig
    );
}

#[test]
fn a_stopped_instance_answers_nothing() {
    // DESIGN.md inputs: only `running` instances carry traffic (RA BAD_STATE).
    let mut n = base_open(vec![]);
    n.host(
        host("stopped", "subnet-db", "10.1.2.20")
            .sg("sg-any")
            .state("stopped"),
    );
    let snap = n.build();
    let want = || {
        blocked(
            Request,
            "network-interface",
            "eni-stopped",
            None,
            "BAD_STATE",
        )
    };
    decided(&tcp(&snap, "10.1.1.10", "10.1.2.20", 443), want());
    decided(&tcp(&snap, "10.1.2.20", "10.1.1.10", 8080), want());
}

#[test]
fn a_blackhole_vpc_route_drops_traffic() {
    // §2.1: blackhole routes.
    let snap = base_open(vec![blackhole(route("10.7.0.0/16", "pcx-gone"))]).build();
    decided(
        &tcp(&snap, "10.1.1.10", "10.7.1.1", 443),
        blocked(
            Request,
            "route-table",
            "rtb-app",
            Some("10.7.0.0/16 -> pcx-gone (blackhole)"),
            "BAD_STATE_ROUTE",
        ),
    );
}

#[test]
fn no_route_to_the_destination() {
    let snap = base();
    for dst in ["10.8.1.1", "198.51.100.7"] {
        let t = tcp(&snap, "10.1.3.10", dst, 443);
        decided(
            &t,
            blocked(
                Request,
                "route-table",
                "rtb-iso",
                None,
                "NO_ROUTE_TO_DESTINATION",
            ),
        );
        assert_eq!(
            t.request.last().map(|h| (h.kind, h.decision)),
            Some(("route-table", "drop"))
        );
    }
}

#[test]
fn an_address_no_interface_holds_answers_nothing() {
    let snap = base();
    decided(
        &tcp(&snap, "10.1.1.10", "10.1.2.50", 443),
        blocked(
            Request,
            "subnet",
            "subnet-db",
            None,
            "NO_POSSIBLE_DESTINATION",
        ),
    );
}

// ---- 10. IPv6 ----------------------------------------------------------------------------------

/// vpc-six 10.20.0.0/16 + 2001:db8:20::/56 with igw-six and `0.0.0.0/0`, `::/0` to it:
/// six-a (open default NACL) holds c6 10.20.1.10 / 2001:db8:20:1::10 (no public IPv4) and c64
/// 10.20.1.20 / 2001:db8:20:1::20 whose group sends to 0.0.0.0/0 only;
/// six-b holds s6 10.20.2.10 / 2001:db8:20:2::10 behind acl-six-b, which allows IPv4 inbound
/// only.
fn six_net() -> Snapshot {
    let mut n = Net::new();
    n.vpc6("vpc-six", "10.20.0.0/16", "2001:db8:20::/56")
        .subnet6(
            "six-a",
            "vpc-six",
            "10.20.1.0/24",
            "2001:db8:20:1::/64",
            "a",
        )
        .subnet6(
            "six-b",
            "vpc-six",
            "10.20.2.0/24",
            "2001:db8:20:2::/64",
            "a",
        )
        .igw("igw-six", "vpc-six")
        .main_rtb(
            "rtb-six",
            "vpc-six",
            vec![route("0.0.0.0/0", "igw-six"), route("::/0", "igw-six")],
        )
        .default_acl("acl-six-default", "vpc-six", open_entries())
        .acl(
            "acl-six-b",
            "vpc-six",
            &["six-b"],
            with_denies(vec![
                allow_in(100, "all", "0.0.0.0/0", ""),
                allow_out(100, "all", "0.0.0.0/0", ""),
                allow_out(101, "all", "::/0", ""),
            ]),
        )
        .sg(
            "sg-six",
            "vpc-six",
            vec![
                perm("all", "", "10.20.0.0/16"),
                perm("all", "", "2001:db8:20::/56"),
                perm("tcp", "443", "::/0"),
            ],
            all_out(),
        )
        .sg(
            "sg-six4",
            "vpc-six",
            vec![],
            vec![perm("all", "", "0.0.0.0/0")],
        )
        .host(
            host("c64", "six-a", "10.20.1.20")
                .ipv6("2001:db8:20:1::20")
                .sg("sg-six4"),
        )
        .host(
            host("c6", "six-a", "10.20.1.10")
                .ipv6("2001:db8:20:1::10")
                .sg("sg-six"),
        )
        .host(
            host("s6", "six-b", "10.20.2.10")
                .ipv6("2001:db8:20:2::10")
                .sg("sg-six"),
        );
    n.build()
}

#[test]
fn an_ipv4_nacl_allow_does_not_admit_ipv6() {
    // §2.1 / §2.5: 0.0.0.0/0 does not cover IPv6; the built-in IPv6 deny (32768) decides.
    let snap = six_net();
    decided(
        &tcp(&snap, "2001:db8:20:1::10", "2001:db8:20:2::10", 443),
        blocked(
            Request,
            "network-acl",
            "acl-six-b",
            Some("inbound rule *: ALL from ::/0 DENY"),
            "SUBNET_ACL_RESTRICTION",
        ),
    );
    reachable(&tcp(&snap, "10.20.1.10", "10.20.2.10", 443));
}

#[test]
fn an_ipv6_route_to_the_igw_works_for_an_eni_with_an_ipv6_address() {
    // §2.7: internet access needs a public IPv4 "(or an IPv6 address)"; more §5.2: IPv6
    // addresses are public by default, so inbound IPv6 through an IGW is possible too.
    let snap = six_net();
    let t = tcp(&snap, "2001:db8:20:1::10", "2001:db8:ffff::7", 443);
    reachable(&t);
    let igw = t
        .request
        .iter()
        .find(|h| h.kind == "internet-gateway")
        .unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!((igw.id.as_str(), igw.decision), ("igw-six", "forward"));
    reachable(&tcp(&snap, "2001:db8:ffff::7", "2001:db8:20:1::10", 443));
    // A security group rule for 0.0.0.0/0 does not cover IPv6 either (§2.6).
    decided(
        &tcp(&snap, "2001:db8:20:1::20", "2001:db8:ffff::7", 443),
        blocked(
            Request,
            "security-group",
            "sg-six4",
            None,
            "ENI_SG_RULES_MISMATCH",
        ),
    );
    // The same host has no public IPv4: its IPv4 traffic is dropped at the IGW.
    decided(
        &tcp(&snap, "10.20.1.10", "198.51.100.7", 443),
        blocked(
            Request,
            "internet-gateway",
            "igw-six",
            None,
            "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
        ),
    );
}

/// vpc-eo 10.21.0.0/16 + 2001:db8:21::/56 with only an egress-only internet gateway:
/// `::/0 -> eigw-eo`; e6 10.21.1.10 / 2001:db8:21:1::10 admits 443 from ::/0.
fn eigw_net() -> Snapshot {
    let mut n = Net::new();
    n.vpc6("vpc-eo", "10.21.0.0/16", "2001:db8:21::/56")
        .subnet6("eo-a", "vpc-eo", "10.21.1.0/24", "2001:db8:21:1::/64", "a")
        .eigw("eigw-eo", "vpc-eo")
        .main_rtb("rtb-eo", "vpc-eo", vec![route("::/0", "eigw-eo")])
        .default_acl("acl-eo-default", "vpc-eo", open_entries())
        .sg(
            "sg-eo",
            "vpc-eo",
            vec![perm("tcp", "443", "::/0")],
            all_out(),
        )
        .host(
            host("e6", "eo-a", "10.21.1.10")
                .ipv6("2001:db8:21:1::10")
                .sg("sg-eo"),
        );
    n.build()
}

#[test]
fn an_egress_only_igw_lets_ipv6_out_and_the_reply_back() {
    // more §5.2: "An egress-only internet gateway is stateful: it forwards traffic from the
    // instances … and then sends the response back"; more §6.2.
    let snap = eigw_net();
    let t = tcp(&snap, "2001:db8:21:1::10", "2001:db8:ffff::7", 443);
    reachable(&t);
    assert!(
        has_hop(&t.request, "egress-only-internet-gateway", "eigw-eo"),
        "{}",
        show(&t)
    );
    assert_eq!(t.reply.last().map(|h| h.id.as_str()), Some("eni-e6"));
}

#[test]
fn an_egress_only_igw_admits_no_inbound_connection() {
    // more §5.2: it "prevents the internet from initiating an IPv6 connection".
    let snap = eigw_net();
    let t = tcp(&snap, "2001:db8:ffff::7", "2001:db8:21:1::10", 443);
    assert_eq!(t.verdict, Verdict::Blocked, "{}", show(&t));
    let d = t
        .decided_by
        .as_ref()
        .unwrap_or_else(|| panic!("{}", show(&t)));
    assert_eq!(
        (d.direction, d.id.as_str()),
        (Request, "vpc-eo"),
        "{}",
        show(&t)
    );
    // IPv4 cannot use it at all.
    assert_eq!(
        tcp(&snap, "10.21.1.10", "198.51.100.7", 443).verdict,
        Verdict::Blocked
    );
}

// ---- 11. ICMP ----------------------------------------------------------------------------------

/// nacl_net where acl-s admits echo requests from the client subnet and sends ICMP `out_type`.
fn icmp_net(out_type: i64) -> Snapshot {
    let s = with_denies(vec![
        icmp_entry(100, false, "allow", "10.2.1.0/24", 8),
        icmp_entry(110, false, "allow", "10.2.1.0/24", 3),
        icmp_entry(100, true, "allow", "10.2.1.0/24", out_type),
    ]);
    nacl_net(open_entries(), s).build()
}

#[test]
fn icmp_echo_needs_the_echo_reply_back() {
    // DESIGN.md questions: an echo is judged with its reply; §2.5 NACLs are stateless.
    let t = icmp(&icmp_net(0), "10.2.1.10", "10.2.2.10", 8, 0);
    reachable(&t);
    assert_eq!(
        t.reply
            .iter()
            .find(|h| h.id == "acl-s")
            .and_then(|h| h.rule.as_deref()),
        Some("outbound rule 100: ICMP type 0 to 10.2.1.0/24 ALLOW"),
        "{}",
        show(&t)
    );
    let t = icmp(&icmp_net(8), "10.2.1.10", "10.2.2.10", 8, 0);
    decided(
        &t,
        blocked(
            Reply,
            "network-acl",
            "acl-s",
            Some("outbound rule *: ALL to 0.0.0.0/0 DENY"),
            "SUBNET_ACL_RESTRICTION",
        ),
    );
    assert_eq!(
        t.request
            .iter()
            .find(|h| h.id == "acl-s")
            .and_then(|h| h.rule.as_deref()),
        Some("inbound rule 100: ICMP type 8 from 10.2.1.0/24 ALLOW")
    );
}

#[test]
fn icmp_destination_unreachable_is_one_way() {
    // DESIGN.md: any ICMP type but echo is one-way, judged on delivery alone; §2.5 path MTU
    // (type 3 code 4).
    let t = icmp(&icmp_net(8), "10.2.1.10", "10.2.2.10", 3, 4);
    reachable(&t);
    assert!(t.reply.is_empty(), "{}", show(&t));
    assert!(t.reason.contains("one-way"), "{}", show(&t));
    assert_eq!(t.request.last().map(|h| h.id.as_str()), Some("eni-server"));
}

// ---- 12. load balancer nodes -------------------------------------------------------------------

const NLB_ARN: &str =
    "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/web-nlb/0123456789abcdef";

fn nlb_net() -> Snapshot {
    let mut n = base_open(vec![]);
    n.nlb("web-nlb", "subnet-pub", "10.1.0.50", &[("TCP", 443)]);
    n.build()
}

#[test]
fn a_load_balancer_node_refuses_ports_without_a_listener() {
    // more §2.3: listeners decide what a load balancer accepts (ELBV2_LISTENERS_MISMATCH).
    let snap = nlb_net();
    let want = || {
        blocked(
            Request,
            "load-balancer",
            NLB_ARN,
            None,
            "ELBV2_LISTENERS_MISMATCH",
        )
    };
    let t = tcp(&snap, "10.1.1.10", "10.1.0.50", 22);
    decided(&t, want());
    assert_eq!(
        t.decided_by.as_ref().and_then(|d| d.name.as_deref()),
        Some("web-nlb")
    );
    decided(&udp(&snap, "10.1.1.10", "10.1.0.50", 443), want());
    decided(&icmp(&snap, "10.1.1.10", "10.1.0.50", 8, 0), want());
}

#[test]
fn a_listener_without_default_actions_forwards_nowhere_known() {
    let snap = nlb_net();
    let t = tcp(&snap, "10.1.1.10", "10.1.0.50", 443);
    decided(
        &t,
        Decider {
            verdict: Verdict::Unknown,
            direction: Request,
            kind: "load-balancer",
            id: NLB_ARN,
            rule: None,
            code: Some("UNKNOWN_RESOURCE"),
        },
    );
    // A target group with no registered target: blocked.
    let mut n = lb_base();
    target_groups_from(&mut n, "0.0.0.0/0", "0.0.0.0/0");
    nlb_two_zones(&mut n, None, &[]);
    n.tg(&tg_web("ip", &[], None, WEB_NLB));
    let t = tcp(&n.build(), INTERNET, "203.0.113.50", 80);
    decided(
        &t,
        blocked(
            Request,
            "load-balancer",
            &lb_arn("network", "web"),
            None,
            "ELBV2_LISTENER_HAS_NO_TG",
        ),
    );
}

// ---- 12b. forwarding to targets (more §2) ------------------------------------------------------

/// base, plus subnet-lb-b 10.1.4.0/24 (zone b, routed to igw-app) for a second node, and
/// targets t-a 10.1.1.20 (subnet-app, zone a, group `sg-ta`) and t-b 10.1.2.20 (subnet-db,
/// zone b, group `sg-tb`). The caller adds the groups, load balancer and target group.
fn lb_base() -> Net {
    let mut n = base_open(vec![]);
    n.subnet("subnet-lb-b", "vpc-app", "10.1.4.0/24", "b")
        .rtb(
            "rtb-lb-b",
            "vpc-app",
            &["subnet-lb-b"],
            vec![route("0.0.0.0/0", "igw-app")],
        )
        .host(host("t-a", "subnet-app", "10.1.1.20").sg("sg-ta"))
        .host(host("t-b", "subnet-db", "10.1.2.20").sg("sg-tb"));
    n
}

/// Target security groups admitting port 80 from `a` (t-a) and `b` (t-b).
fn target_groups_from(n: &mut Net, a: &str, b: &str) {
    n.sg("sg-ta", "vpc-app", vec![perm("tcp", "80", a)], all_out())
        .sg("sg-tb", "vpc-app", vec![perm("tcp", "80", b)], all_out());
}

/// An internet-facing NLB `web` with nodes 10.1.0.50 (EIP 203.0.113.50, zone a) and
/// 10.1.4.50 (EIP 203.0.113.51, zone b), TCP 80 to target group `tg-web`.
fn nlb_two_zones(n: &mut Net, cross_zone: Option<bool>, groups: &[&str]) {
    n.lb(&Lb {
        name: "web",
        kind: "network",
        scheme: "internet-facing",
        nodes: &[
            ("subnet-pub", "10.1.0.50", Some("203.0.113.50")),
            ("subnet-lb-b", "10.1.4.50", Some("203.0.113.51")),
        ],
        groups,
        cross_zone,
        listeners: &[("TCP", 80, "tg-web")],
    });
}

#[allow(clippy::too_many_arguments)]
fn tg_web<'a>(
    target_type: &'a str,
    targets: &'a [(&'a str, Option<u16>, &'a str, &'a str)],
    preserve: Option<bool>,
    lbs: &'a [(&'a str, &'a str)],
) -> Tg<'a> {
    Tg {
        name: "tg-web",
        target_type,
        protocol: "TCP",
        port: 80,
        vpc: "vpc-app",
        hc_port: None,
        lbs,
        targets,
        preserve,
        cross_zone: None,
    }
}

const WEB_NLB: &[(&str, &str)] = &[("network", "web")];
const INTERNET: &str = "198.51.100.20";

#[test]
fn nlb_ip_targets_see_the_node_address_by_default() {
    // more §2.4: ip targets over TCP do not preserve the client's address by default.
    let mut n = lb_base();
    target_groups_from(&mut n, "10.1.0.50/32", "10.1.4.50/32");
    nlb_two_zones(&mut n, None, &[]);
    n.tg(&tg_web(
        "ip",
        &[("10.1.1.20", None, "a", "healthy")],
        None,
        WEB_NLB,
    ));
    let snap = n.build();
    let t = tcp(&snap, INTERNET, "203.0.113.50", 80);
    reachable(&t);
    assert_eq!(t.targets.len(), 1, "{t:#?}");
    assert_eq!(t.targets[0].verdict, Verdict::Reachable);
    assert!(t.targets[0].source.contains("10.1.0.50"), "{t:#?}");
    assert!(t.reason.contains("web"), "{}", t.reason);
    assert!(
        t.notes
            .iter()
            .any(|n| n.contains("MISSING_TARGET_GROUP_ATTRIBUTES")),
        "{:?}",
        t.notes
    );
    // The target's group admits only the client: the node's address is refused.
    let mut n = lb_base();
    target_groups_from(&mut n, "198.51.100.0/24", "198.51.100.0/24");
    nlb_two_zones(&mut n, None, &[]);
    n.tg(&tg_web(
        "ip",
        &[("10.1.1.20", None, "a", "healthy")],
        None,
        WEB_NLB,
    ));
    let t = tcp(&n.build(), INTERNET, "203.0.113.50", 80);
    assert_eq!(t.verdict, Verdict::Blocked, "{t:#?}");
    let d = t.decided_by.as_ref().unwrap();
    assert_eq!((d.kind, d.id.as_str()), ("security-group", "sg-ta"));
    assert_eq!(d.direction, Request);
}

#[test]
fn nlb_preserving_the_client_address_needs_the_client_in_the_target_group() {
    // more §2.4: with preserve_client_ip.enabled the target sees the client.
    let build = |allowed: &str| {
        let mut n = lb_base();
        target_groups_from(&mut n, allowed, allowed);
        nlb_two_zones(&mut n, None, &[]);
        n.tg(&tg_web(
            "ip",
            &[("10.1.1.20", None, "a", "healthy")],
            Some(true),
            WEB_NLB,
        ));
        n.build()
    };
    let t = tcp(&build("10.1.0.50/32"), INTERNET, "203.0.113.50", 80);
    assert_eq!(t.verdict, Verdict::Blocked, "{t:#?}");
    assert_eq!(t.decided_by.as_ref().unwrap().id, "sg-ta");
    let t = tcp(&build("198.51.100.0/24"), INTERNET, "203.0.113.50", 80);
    reachable(&t);
    assert!(t.targets[0].source.contains("client"), "{t:#?}");
    assert!(
        t.targets[0]
            .request
            .iter()
            .any(|h| h.code == Some("ELBV2_SOURCE_ADDRESS_PRESERVATION")),
        "{t:#?}"
    );
}

#[test]
fn nlb_instance_targets_preserve_the_client_address_by_default() {
    let build = |allowed: &str| {
        let mut n = lb_base();
        target_groups_from(&mut n, allowed, allowed);
        nlb_two_zones(&mut n, None, &[]);
        n.tg(&tg_web(
            "instance",
            &[("i-t-a", None, "a", "healthy")],
            None,
            WEB_NLB,
        ));
        n.build()
    };
    let t = tcp(&build("10.1.0.50/32"), INTERNET, "203.0.113.50", 80);
    assert_eq!(t.verdict, Verdict::Blocked, "{t:#?}");
    assert_eq!(t.decided_by.as_ref().unwrap().id, "sg-ta");
    let t = tcp(&build("0.0.0.0/0"), INTERNET, "203.0.113.50", 80);
    reachable(&t);
    assert!(t.targets[0].target.contains("i-t-a"), "{t:#?}");
}

#[test]
fn nlb_target_nacl_sees_the_reply_to_the_client_with_preservation() {
    // more §2.4: with preservation the target subnet's NACL must let the reply out to the
    // client, even though the reply returns through the load balancer.
    let mut n = lb_base();
    target_groups_from(&mut n, "0.0.0.0/0", "0.0.0.0/0");
    n.acl(
        "acl-app",
        "vpc-app",
        &["subnet-app"],
        with_denies(vec![
            allow_in(100, "tcp", "0.0.0.0/0", "80"),
            allow_out(100, "all", "10.0.0.0/8", ""),
        ]),
    );
    nlb_two_zones(&mut n, None, &[]);
    n.tg(&tg_web(
        "instance",
        &[("i-t-a", None, "a", "healthy")],
        None,
        WEB_NLB,
    ));
    let t = tcp(&n.build(), INTERNET, "203.0.113.50", 80);
    assert_eq!(t.verdict, Verdict::Blocked, "{t:#?}");
    let d = t.decided_by.as_ref().unwrap();
    assert_eq!(
        (d.kind, d.id.as_str(), d.direction),
        ("network-acl", "acl-app", Reply)
    );
}

#[test]
fn nlb_cross_zone_off_sends_only_to_the_node_zone_and_on_to_every_zone() {
    // more §2.2: NLB cross-zone is off by default; t-b (zone b) refuses the node addresses.
    let build = |cross: Option<bool>| {
        let mut n = lb_base();
        target_groups_from(&mut n, "10.1.0.0/16", "198.51.100.0/24");
        nlb_two_zones(&mut n, cross, &[]);
        n.tg(&tg_web(
            "ip",
            &[
                ("10.1.1.20", None, "a", "healthy"),
                ("10.1.2.20", None, "b", "healthy"),
            ],
            None,
            WEB_NLB,
        ));
        n.build()
    };
    let off = build(None);
    let t = tcp(&off, INTERNET, "203.0.113.50", 80);
    reachable(&t);
    assert_eq!(t.targets.len(), 1, "{t:#?}");
    assert!(t.targets[0].target.contains("10.1.1.20"));
    // The zone-b node has only t-b, which refuses it.
    let t = tcp(&off, INTERNET, "203.0.113.51", 80);
    assert_eq!(t.verdict, Verdict::Blocked, "{t:#?}");
    assert_eq!(t.decided_by.as_ref().unwrap().id, "sg-tb");
    // Cross-zone on: both targets from either node, one of them failing: partial.
    let on = build(Some(true));
    let t = tcp(&on, INTERNET, "203.0.113.50", 80);
    assert_eq!(t.verdict, Verdict::Partial, "{t:#?}");
    assert_eq!(t.targets.len(), 2);
    assert!(t.reason.contains("1 of 2"), "{}", t.reason);
    assert!(t.reason.contains("10.1.2.20"), "{}", t.reason);
    assert_eq!(t.decided_by.as_ref().unwrap().id, "sg-tb");
}

#[test]
fn unhealthy_targets_get_nothing_until_all_fail_and_the_load_balancer_fails_open() {
    let build = |a: &'static str, b: &'static str| {
        let mut n = lb_base();
        target_groups_from(&mut n, "10.1.0.0/16", "10.1.0.0/16");
        nlb_two_zones(&mut n, Some(true), &[]);
        n.tg(&tg_web(
            "ip",
            &[("10.1.1.20", None, "a", a), ("10.1.2.20", None, "b", b)],
            None,
            WEB_NLB,
        ));
        n.build()
    };
    let t = tcp(&build("healthy", "unhealthy"), INTERNET, "203.0.113.50", 80);
    reachable(&t);
    assert_eq!(t.targets.len(), 1, "{t:#?}");
    assert!(
        t.notes
            .iter()
            .any(|n| n.contains("10.1.2.20:80 (ip) is unhealthy")),
        "{:?}",
        t.notes
    );
    let t = tcp(
        &build("unhealthy", "unhealthy"),
        INTERNET,
        "203.0.113.50",
        80,
    );
    reachable(&t);
    assert_eq!(t.targets.len(), 2, "{t:#?}");
    assert!(
        t.notes.iter().any(|n| n.contains("fails open")),
        "{:?}",
        t.notes
    );
    // Draining and unused targets take no new connections; nothing left: blocked.
    let t = tcp(&build("draining", "unused"), INTERNET, "203.0.113.50", 80);
    decided(
        &t,
        blocked(
            Request,
            "load-balancer",
            &lb_arn("network", "web"),
            None,
            "ELBV2_NO_TARGETS_IN_AZ",
        ),
    );
}

#[test]
fn nlb_security_groups_filter_clients_and_vouch_for_preserved_sources() {
    // more §2.5: the NLB's group filters clients; a target rule referencing it admits what the
    // NLB forwards even with the client's address preserved.
    let build = |nlb_in: &str| {
        let mut n = lb_base();
        n.sg(
            "sg-nlb",
            "vpc-app",
            vec![perm("tcp", "80", nlb_in)],
            all_out(),
        )
        .sg(
            "sg-ta",
            "vpc-app",
            vec![perm("tcp", "80", "sg-nlb")],
            all_out(),
        )
        .sg("sg-tb", "vpc-app", vec![], all_out());
        nlb_two_zones(&mut n, None, &["sg-nlb"]);
        n.tg(&tg_web(
            "instance",
            &[("i-t-a", None, "a", "healthy")],
            None,
            WEB_NLB,
        ));
        n.build()
    };
    let t = tcp(&build("0.0.0.0/0"), INTERNET, "203.0.113.50", 80);
    reachable(&t);
    let t = tcp(&build("10.0.0.0/8"), INTERNET, "203.0.113.50", 80);
    decided(
        &t,
        blocked(
            Request,
            "security-group",
            "sg-nlb",
            None,
            "ENI_SG_RULES_MISMATCH",
        ),
    );
}

#[test]
fn alb_targets_always_see_the_node_and_the_alb_group_filters_clients() {
    // more §2.4: an ALB connects from its own node addresses; its group admits the clients.
    let build = |alb_in: &str| {
        let mut n = lb_base();
        n.sg(
            "sg-alb",
            "vpc-app",
            vec![perm("tcp", "443", alb_in)],
            all_out(),
        )
        .sg(
            "sg-ta",
            "vpc-app",
            vec![perm("tcp", "8080", "sg-alb")],
            all_out(),
        )
        .sg(
            "sg-tb",
            "vpc-app",
            vec![perm("tcp", "8080", "sg-alb")],
            all_out(),
        );
        n.lb(&Lb {
            name: "app",
            kind: "application",
            scheme: "internet-facing",
            nodes: &[
                ("subnet-pub", "10.1.0.60", Some("203.0.113.60")),
                ("subnet-lb-b", "10.1.4.60", Some("203.0.113.61")),
            ],
            groups: &["sg-alb"],
            cross_zone: None,
            listeners: &[("HTTPS", 443, "tg-app")],
        });
        n.tg(&Tg {
            name: "tg-app",
            target_type: "instance",
            protocol: "HTTP",
            port: 8080,
            vpc: "vpc-app",
            hc_port: None,
            lbs: &[("application", "app")],
            targets: &[
                ("i-t-a", None, "a", "healthy"),
                ("i-t-b", None, "b", "healthy"),
            ],
            preserve: None,
            cross_zone: None,
        });
        n.build()
    };
    let t = tcp(&build("0.0.0.0/0"), INTERNET, "203.0.113.60", 443);
    reachable(&t);
    // Cross-zone is always on for an ALB: both targets, both from the node's address.
    assert_eq!(t.targets.len(), 2, "{t:#?}");
    assert!(
        t.targets.iter().all(|p| p.source.contains("10.1.0.60")),
        "{t:#?}"
    );
    let t = tcp(&build("10.0.0.0/8"), INTERNET, "203.0.113.60", 443);
    decided(
        &t,
        blocked(
            Request,
            "security-group",
            "sg-alb",
            None,
            "ENI_SG_RULES_MISMATCH",
        ),
    );
}

#[test]
fn alb_listener_rules_route_by_source_ip_and_follow_every_rule_that_may_match() {
    // more §2.3: `source-ip` is a network condition the engine decides; host, path and other
    // request conditions may match or not, so their target groups are followed too.
    let build = |rules: &[(u32, &[&str], bool, &str)]| {
        let mut n = lb_base();
        n.sg(
            "sg-alb",
            "vpc-app",
            vec![perm("tcp", "443", "0.0.0.0/0")],
            all_out(),
        )
        .sg(
            "sg-ta",
            "vpc-app",
            vec![perm("tcp", "8080", "sg-alb")],
            all_out(),
        )
        .sg("sg-tb", "vpc-app", vec![], all_out());
        n.lb(&Lb {
            name: "app",
            kind: "application",
            scheme: "internet-facing",
            nodes: &[
                ("subnet-pub", "10.1.0.60", Some("203.0.113.60")),
                ("subnet-lb-b", "10.1.4.60", Some("203.0.113.61")),
            ],
            groups: &["sg-alb"],
            cross_zone: None,
            listeners: &[("HTTPS", 443, "tg-b")],
        });
        n.lb_rules("application", "app", 443, rules);
        for (tg, target) in [("tg-a", "i-t-a"), ("tg-b", "i-t-b")] {
            n.tg(&Tg {
                name: tg,
                target_type: "instance",
                protocol: "HTTP",
                port: 8080,
                vpc: "vpc-app",
                hc_port: None,
                lbs: &[("application", "app")],
                targets: &[(target, None, "a", "healthy")],
                preserve: None,
                cross_zone: None,
            });
        }
        n.build()
    };
    // Partners (198.51.100.0/24) go to tg-a, whose target admits the ALB; others to the
    // default tg-b, whose target admits nothing.
    let snap = build(&[(10, &["198.51.100.0/24"], false, "tg-a")]);
    let t = tcp(&snap, INTERNET, "203.0.113.60", 443);
    reachable(&t);
    assert_eq!(t.targets.len(), 1);
    assert_eq!(t.targets[0].target_group, "tg-a");
    let t = tcp(&snap, "192.0.2.77", "203.0.113.60", 443);
    assert_eq!(t.verdict, Verdict::Blocked, "{t:#?}");
    assert_eq!(t.targets[0].target_group, "tg-b");
    assert_eq!(t.decided_by.as_ref().unwrap().id, "sg-tb");
    // A path condition may or may not match: both groups, one failing: partial.
    let snap = build(&[(10, &["198.51.100.0/24"], true, "tg-a")]);
    let t = tcp(&snap, INTERNET, "203.0.113.60", 443);
    assert_eq!(t.verdict, Verdict::Partial, "{t:#?}");
    assert_eq!(t.targets.len(), 2);
    assert!(
        t.notes.iter().any(|n| n.contains("rules 10 depend")),
        "{:?}",
        t.notes
    );
}

#[test]
fn nlb_secondary_node_addresses_are_sources_too() {
    // more §2.1 (inference): a node may use any of its private addresses toward targets and
    // for health checks; a target admitting only the primary works only in part.
    let mut n = lb_base();
    target_groups_from(&mut n, "10.1.0.50/32", "10.1.0.50/32");
    nlb_two_zones(&mut n, None, &[]);
    n.lb_secondary_ip("web", 0, "10.1.0.51");
    n.tg(&tg_web(
        "ip",
        &[("10.1.1.20", None, "a", "healthy")],
        None,
        WEB_NLB,
    ));
    let snap = n.build();
    let t = tcp(&snap, INTERNET, "203.0.113.50", 80);
    assert_eq!(t.verdict, Verdict::Partial, "{t:#?}");
    assert_eq!(t.targets.len(), 2);
    assert!(t.reason.contains("from 10.1.0.51"), "{}", t.reason);
    let tg = snap.target_group_named("tg-web").unwrap();
    let checks = pinhole_engine::health_checks(&snap, tg, &Options::default());
    let nodes: Vec<&str> = checks[0].checks.iter().map(|c| c.node.as_str()).collect();
    assert_eq!(nodes, ["10.1.0.50", "10.1.0.51", "10.1.4.50"]);
    assert_eq!(checks[0].verdict, Verdict::Partial);
}

#[test]
fn nlb_with_preservation_does_not_hairpin_to_the_client_itself() {
    // more §2.6: a registered instance that is its own client times out with preservation on.
    let mut n = lb_base();
    target_groups_from(&mut n, "10.0.0.0/8", "10.0.0.0/8");
    n.lb(&Lb {
        name: "int",
        kind: "network",
        scheme: "internal",
        nodes: &[("subnet-app", "10.1.1.50", None)],
        groups: &[],
        cross_zone: None,
        listeners: &[("TCP", 80, "tg-web")],
    });
    n.tg(&tg_web(
        "instance",
        &[("i-t-a", None, "a", "healthy")],
        None,
        &[("network", "int")],
    ));
    let snap = n.build();
    let t = tcp(&snap, "10.1.1.20", "10.1.1.50", 80);
    decided(
        &t,
        blocked(
            Request,
            "load-balancer",
            &lb_arn("network", "int"),
            None,
            "ELBV2_SOURCE_ADDRESS_PRESERVATION",
        ),
    );
    // Another client is fine.
    reachable(&tcp(&snap, "10.1.1.10", "10.1.1.50", 80));
}

#[test]
fn nlb_forwards_to_an_alb_target_which_forwards_to_its_own_targets() {
    // more §2.3/§2.4: an `alb` target group (NLB only) sends the client's address to the ALB,
    // whose targets see the ALB's node.
    let alb_arn = lb_arn("application", "app");
    let build = |alb_in: &str| {
        let mut n = lb_base();
        n.sg(
            "sg-alb",
            "vpc-app",
            vec![perm("tcp", "80", alb_in)],
            all_out(),
        )
        .sg(
            "sg-ta",
            "vpc-app",
            vec![perm("tcp", "8080", "sg-alb")],
            all_out(),
        )
        .sg("sg-tb", "vpc-app", vec![], all_out());
        nlb_two_zones(&mut n, None, &[]);
        n.lb(&Lb {
            name: "app",
            kind: "application",
            scheme: "internal",
            nodes: &[
                ("subnet-pub", "10.1.0.60", None),
                ("subnet-lb-b", "10.1.4.60", None),
            ],
            groups: &["sg-alb"],
            cross_zone: None,
            listeners: &[("HTTP", 80, "tg-app")],
        });
        n.tg(&tg_web(
            "alb",
            &[(alb_arn.as_str(), Some(80), "a", "healthy")],
            None,
            WEB_NLB,
        ));
        n.tg(&Tg {
            name: "tg-app",
            target_type: "instance",
            protocol: "HTTP",
            port: 8080,
            vpc: "vpc-app",
            hc_port: None,
            lbs: &[("application", "app")],
            targets: &[("i-t-a", None, "a", "healthy")],
            preserve: None,
            cross_zone: None,
        });
        n.build()
    };
    let t = tcp(&build("198.51.100.0/24"), INTERNET, "203.0.113.50", 80);
    reachable(&t);
    let paths: Vec<(&str, &str)> = t
        .targets
        .iter()
        .map(|p| (p.load_balancer.as_str(), p.target.as_str()))
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert_eq!(paths[0].0, "web");
    assert!(paths[0].1.contains("(alb)"), "{paths:?}");
    assert_eq!(paths[1].0, "app");
    assert!(t.targets[1].source.contains("10.1.0.60"), "{t:#?}");
    // The ALB's group sees the client (preserved by the NLB): admitting only the VPC blocks it.
    let t = tcp(&build("10.1.0.0/16"), INTERNET, "203.0.113.50", 80);
    assert_eq!(t.verdict, Verdict::Blocked, "{t:#?}");
    assert_eq!(t.decided_by.as_ref().unwrap().id, "sg-alb");
}

#[test]
fn preservation_with_a_target_outside_the_load_balancer_vpc_fails() {
    // more §2.4, cautious model: a preserved client address and a target across a peering.
    let mut n = base_open(vec![route("10.3.0.0/16", "pcx-app-peer")]);
    add_peer_vpc(&mut n, vec![route("10.1.0.0/16", "pcx-app-peer")]);
    n.pcx("pcx-app-peer", "vpc-app", "vpc-peer", "active");
    n.lb(&Lb {
        name: "int",
        kind: "network",
        scheme: "internal",
        nodes: &[("subnet-app", "10.1.1.50", None)],
        groups: &[],
        cross_zone: None,
        listeners: &[("TCP", 80, "tg-web")],
    });
    let build = |preserve: bool| {
        let mut n = Net::clone_from_files(&n);
        n.tg(&Tg {
            name: "tg-web",
            target_type: "ip",
            protocol: "TCP",
            port: 80,
            vpc: "vpc-app",
            hc_port: None,
            lbs: &[("network", "int")],
            targets: &[("10.3.1.20", None, "a", "healthy")],
            preserve: Some(preserve),
            cross_zone: None,
        });
        n.build()
    };
    reachable(&tcp(&build(false), "10.1.0.10", "10.1.1.50", 80));
    let t = tcp(&build(true), "10.1.0.10", "10.1.1.50", 80);
    assert_eq!(t.verdict, Verdict::Blocked, "{t:#?}");
    assert_eq!(
        t.decided_by.as_ref().unwrap().code,
        Some("ELBV2_SOURCE_ADDRESS_PRESERVATION")
    );
}

#[test]
fn health_checks_come_from_every_node_and_a_target_group_refusing_them_is_a_classic() {
    // more §2.7: health checks come from the node addresses; a target group admitting only
    // the clients (fine for preserved traffic) fails them.
    let mut n = lb_base();
    n.sg(
        "sg-ta",
        "vpc-app",
        vec![perm("tcp", "80", "0.0.0.0/0")],
        all_out(),
    )
    .sg(
        "sg-tb",
        "vpc-app",
        vec![
            perm("tcp", "80", "198.51.100.0/24"),
            perm("tcp", "8081", "10.1.0.50/32"),
        ],
        all_out(),
    );
    nlb_two_zones(&mut n, Some(true), &[]);
    n.tg(&Tg {
        name: "tg-web",
        target_type: "instance",
        protocol: "TCP",
        port: 80,
        vpc: "vpc-app",
        hc_port: Some(8081),
        lbs: WEB_NLB,
        targets: &[
            ("i-t-a", None, "a", "healthy"),
            ("i-t-b", None, "b", "unhealthy"),
        ],
        preserve: None,
        cross_zone: None,
    });
    let snap = n.build();
    let tg = snap.target_group_named("tg-web").unwrap();
    let checks = pinhole_engine::health_checks(&snap, tg, &Options::default());
    assert_eq!(checks.len(), 2);
    let a = &checks[0];
    assert!(a.target.contains("i-t-a"), "{a:#?}");
    // sg-ta admits 8081 from nobody (only port 80).
    assert_eq!(a.verdict, Verdict::Blocked, "{a:#?}");
    assert_eq!(a.checks.len(), 2);
    let b = &checks[1];
    assert_eq!(b.reported, "unhealthy");
    // sg-tb admits the zone-a node only: partial.
    assert_eq!(b.verdict, Verdict::Partial, "{b:#?}");
    assert!(b.reason.contains("10.1.4.50"), "{}", b.reason);
    assert!(
        b.checks
            .iter()
            .all(|c| c.trace.request.iter().any(|h| h.packet.contains(":8081")))
    );
}

// ---- 13. determinism and the fixtures themselves --------------------------------------------------

#[test]
fn the_same_question_twice_gives_identical_traces() {
    let snap = tgw_net(TgwOpts::default());
    let q = question("10.11.1.10", "10.12.1.10", 6, Some(443), None);
    let (a, b) = (ask(&snap, &q), ask(&snap, &q));
    assert_eq!(a, b);
    // Also through a partial verdict and across a snapshot read in the opposite file order.
    let mut n = base_open(vec![]);
    n.acl(
        "acl-pub",
        "vpc-app",
        &["subnet-pub"],
        with_denies(vec![
            allow_in(100, "all", "10.1.0.0/16", ""),
            allow_in(110, "tcp", "0.0.0.0/0", "32768-65535"),
            allow_out(100, "all", "0.0.0.0/0", ""),
        ]),
    );
    let q = question("10.1.1.10", "198.51.100.20", 6, Some(443), None);
    let (one, two) = (n.build(), n.build_reversed());
    let (a, b) = (ask(&one, &q), ask(&two, &q));
    assert_eq!(a.verdict, Verdict::Partial);
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&ask(&one, &q)).unwrap()
    );
}

#[test]
fn the_fixtures_ingest_without_warnings() {
    // Guards the builder: every key and shape it writes is one ingest recognises.
    let mut n = endpoint_net(vec![]);
    n.managed_prefix_list("pl-corp", "corp-clients", &["10.1.1.0/24"])
        .nlb("web-nlb", "subnet-pub", "10.1.0.50", &[("TCP", 443)])
        .deleted_nat("nat-old", "subnet-pub", "10.1.0.6", "203.0.113.66")
        .idle_eip("203.0.113.77", "eipalloc-idle");
    for snap in [
        n.build(),
        peered(),
        tgw_net(TgwOpts::default()),
        egress_net(),
        six_net(),
        eigw_net(),
    ] {
        assert!(snap.warnings.is_empty(), "{:#?}", snap.warnings);
    }
}
