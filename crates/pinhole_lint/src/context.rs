//! What every rule reads: the snapshot, plus the joins several rules need (ENIs per subnet,
//! subnets per NACL, users of each security group), built once per run.

use crate::Subject;
use ipnet::IpNet;
use pinhole_model::*;
use rustc_hash::FxHashSet;
use std::net::IpAddr;

pub struct Context<'s> {
    pub snap: &'s Snapshot,
    /// ENIs per subnet.
    pub subnet_enis: Vec<Vec<EniIx>>,
    /// Subnets per NACL (explicit or default association).
    pub acl_subnets: Vec<Vec<SubnetIx>>,
    /// Subnets per route table (explicit or main).
    pub rtb_subnets: Vec<Vec<SubnetIx>>,
    /// ENIs per security group.
    pub sg_enis: Vec<Vec<EniIx>>,
    /// Ids of groups some rule of another group (or itself) refers to.
    pub sg_referenced: FxHashSet<String>,
    /// Accounts present in the snapshot.
    pub accounts: FxHashSet<String>,
    /// Per security group: whether some ingress rule names internet addresses (CIDR or prefix
    /// list). Groups without one cannot be open to the internet: most rules skip them at once.
    pub sg_internet_ingress: Vec<bool>,
    /// The NACL return-path analysis, shared by the two rules that report it.
    pub(crate) return_gaps: std::cell::OnceCell<Vec<crate::rules::nacl::ReturnGap>>,
    /// Every VPC's CIDRs as merged address spans, IPv4 then IPv6: whether an address lies in
    /// some VPC of the snapshot.
    vpc_spans: [Vec<crate::space::Span>; 2],
    /// The VPC CIDRs that hold internet addresses (the only ones that cut internet atoms).
    pub vpc_internet_nets: Vec<IpNet>,
}

impl<'s> Context<'s> {
    pub fn new(snap: &'s Snapshot) -> Self {
        let mut subnet_enis = vec![Vec::new(); snap.subnets.len()];
        let mut sg_enis = vec![Vec::new(); snap.security_groups.len()];
        for (i, e) in snap.enis.iter().enumerate() {
            let ix = EniIx::from_usize(i);
            if let Some(v) = subnet_enis.get_mut(e.subnet.ix()) {
                v.push(ix);
            }
            for g in &e.groups {
                if let Some(v) = sg_enis.get_mut(g.ix()) {
                    v.push(ix);
                }
            }
        }
        let mut acl_subnets = vec![Vec::new(); snap.network_acls.len()];
        let mut rtb_subnets = vec![Vec::new(); snap.route_tables.len()];
        for (i, s) in snap.subnets.iter().enumerate() {
            let ix = SubnetIx::from_usize(i);
            if let Some(a) = s.network_acl.and_then(|a| acl_subnets.get_mut(a.ix())) {
                a.push(ix);
            }
            if let Some(r) = s.route_table.and_then(|r| rtb_subnets.get_mut(r.ix())) {
                r.push(ix);
            }
        }
        let mut sg_referenced = FxHashSet::default();
        for g in &snap.security_groups {
            for r in g.ingress.iter().chain(&g.egress) {
                if let SgPeer::Group { group, .. } = &r.peer {
                    sg_referenced.insert(group.0.clone());
                }
            }
        }
        let mut accounts = FxHashSet::default();
        for v in &snap.vpcs {
            accounts.insert(v.account.0.clone());
        }
        let mut cx = Context {
            snap,
            subnet_enis,
            acl_subnets,
            rtb_subnets,
            sg_enis,
            sg_referenced,
            accounts,
            sg_internet_ingress: Vec::new(),
            return_gaps: std::cell::OnceCell::new(),
            vpc_spans: [Vec::new(), Vec::new()],
            vpc_internet_nets: Vec::new(),
        };
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for n in snap.vpcs.iter().flat_map(|v| v.cidrs.iter()) {
            let f = crate::space::Family::of_net(n);
            match f {
                crate::space::Family::V4 => v4.push(crate::space::span(n)),
                crate::space::Family::V6 => v6.push(crate::space::span(n)),
            }
            if !crate::space::internet_part(f, [n]).is_empty() {
                cx.vpc_internet_nets.push(*n);
            }
        }
        cx.vpc_spans = [crate::space::union(v4), crate::space::union(v6)];
        cx.sg_internet_ingress = snap
            .security_groups
            .iter()
            .map(|g| {
                g.ingress.iter().any(|r| {
                    cx.peer_cidrs(&r.peer).iter().any(|n| {
                        let f = crate::space::Family::of_net(n);
                        !crate::space::internet_part(f, [n]).is_empty()
                    })
                })
            })
            .collect();
        cx
    }

    /// Whether `a` lies in some VPC CIDR of the snapshot.
    pub fn in_some_vpc(&self, a: IpAddr) -> bool {
        let (spans, x) = match a {
            IpAddr::V4(v) => (&self.vpc_spans[0], u128::from(u32::from(v))),
            IpAddr::V6(v) => (&self.vpc_spans[1], u128::from(v)),
        };
        let k = spans.partition_point(|s| s.1 < x);
        spans.get(k).is_some_and(|s| s.0 <= x)
    }

    // ----- subjects -----

    pub fn vpc_subject(&self, v: VpcIx) -> Subject {
        let vpc = self.snap.vpc(v);
        Subject::new("vpc", vpc.id.as_str())
            .named(name_tag(&vpc.tags))
            .in_account(vpc.account.as_str(), &vpc.region)
            .at(&vpc.origin)
    }

    pub fn subnet_subject(&self, s: SubnetIx) -> Subject {
        let sn = self.snap.subnet(s);
        let region = &self.snap.vpc(sn.vpc).region;
        Subject::new("subnet", sn.id.as_str())
            .named(name_tag(&sn.tags))
            .in_account(sn.account.as_str(), region)
            .at(&sn.origin)
    }

    pub fn acl_subject(&self, a: AclIx) -> Subject {
        let acl = self.snap.acl(a);
        let vpc = self.snap.vpc(acl.vpc);
        Subject::new("network-acl", acl.id.as_str())
            .named(name_tag(&acl.tags))
            .in_account(vpc.account.as_str(), &vpc.region)
            .at(&acl.origin)
    }

    pub fn rtb_subject(&self, r: RtbIx) -> Subject {
        let rtb = self.snap.rtb(r);
        let vpc = self.snap.vpc(rtb.vpc);
        Subject::new("route-table", rtb.id.as_str())
            .named(name_tag(&rtb.tags))
            .in_account(vpc.account.as_str(), &vpc.region)
            .at(&rtb.origin)
    }

    pub fn sg_subject(&self, g: SgIx) -> Subject {
        let sg = self.snap.sg(g);
        let region = sg
            .vpc
            .map(|v| self.snap.vpc(v).region.clone())
            .unwrap_or_default();
        let name = name_tag(&sg.tags).unwrap_or(&sg.group_name);
        Subject::new("security-group", sg.id.as_str())
            .named(Some(name))
            .in_account(sg.account.as_str(), &region)
            .at(&sg.origin)
    }

    pub fn eni_subject(&self, e: EniIx) -> Subject {
        let eni = self.snap.eni(e);
        let region = &self.snap.vpc(eni.vpc).region;
        // An instance's interface is named after the instance, which users know.
        let name = eni
            .instance
            .and_then(|i| self.snap.instances.get(i.ix()))
            .and_then(|i| name_tag(&i.tags).map(|n| format!("{n}, {}", i.id)))
            .or_else(|| name_tag(&eni.tags).map(str::to_string));
        Subject::new("network-interface", eni.id.as_str())
            .named(name.as_deref())
            .in_account(eni.account.as_str(), region)
            .at(&eni.origin)
    }

    pub fn nat_subject(&self, n: NatIx) -> Subject {
        let nat = self.snap.nat(n);
        let vpc = self.snap.vpc(nat.vpc);
        let origin = nat.eni.map(|e| self.snap.eni(e).origin.clone());
        let s = Subject::new("nat-gateway", nat.id.as_str())
            .named(name_tag(&nat.tags))
            .in_account(vpc.account.as_str(), &vpc.region);
        match origin {
            Some(o) => s.at(&o),
            None => s,
        }
    }

    pub fn pcx_subject(&self, p: &VpcPeeringConnection) -> Subject {
        let account = p.requester.account.as_ref().map(|a| a.0.clone());
        let region = p.requester.region.clone().unwrap_or_default();
        Subject::new("vpc-peering-connection", p.id.as_str())
            .named(name_tag(&p.tags))
            .in_account(account.as_deref().unwrap_or(""), &region)
            .at(&p.origin)
    }

    // ----- the engine as evidence -----

    /// A host on the internet to try connections to: a well-known public resolver address
    /// that the snapshot does not know as its own (an interface, a VPC or a prefix list).
    pub fn internet_host(&self) -> Option<IpAddr> {
        let snap = self.snap;
        ["8.8.8.8", "1.1.1.1", "9.9.9.9", "208.67.222.222"]
            .iter()
            .filter_map(|s| s.parse::<IpAddr>().ok())
            .find(|a| {
                let known = match a {
                    IpAddr::V4(v4) => {
                        snap.index.public_ip.contains_key(v4)
                            || snap.index.dead_public_ip.contains_key(v4)
                    }
                    IpAddr::V6(_) => false,
                };
                !known
                    && !snap.vpcs.iter().any(|v| v.contains(*a))
                    && !snap
                        .prefix_lists
                        .iter()
                        .any(|p| p.cidrs.iter().any(|c| c.contains(a)))
            })
    }

    /// The engine's verdict on a TCP connection, as evidence lines.
    pub fn engine_evidence(&self, src: IpAddr, dst: IpAddr, port: u16) -> Vec<String> {
        use pinhole_engine::{Options, Question, trace};
        let q = Question::tcp(src, dst, port);
        let t = trace(
            self.snap,
            &q,
            &Options {
                record_hops: false,
                ..Options::default()
            },
        );
        let mut v = vec![format!(
            "engine: {src} -> {dst} tcp {port}: {} ({})",
            t.verdict, t.reason
        )];
        if let Some(d) = &t.decided_by {
            v.push(format!(
                "engine: decided by {}{} on the {}{}",
                d.kind,
                if d.id.is_empty() {
                    String::new()
                } else {
                    format!(" {}", d.id)
                },
                d.direction,
                d.rule
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ));
        }
        v
    }

    // ----- classification -----

    /// The active route of `rtb` that decides `dst` (longest prefix match, as the engine does).
    pub fn route(&self, rtb: RtbIx, dst: IpAddr) -> Option<&'s Route> {
        pinhole_engine::route_lookup(self.snap, rtb, dst, false)
    }

    /// Whether the subnet's route table sends the family's default route to an internet gateway
    /// (the definition of "public subnet" Prowler uses, with main-table inheritance).
    pub fn igw_routed(&self, s: SubnetIx, v6: bool) -> bool {
        let Some(rtb) = self.snap.subnet(s).route_table else {
            return false;
        };
        let probe: IpAddr = if v6 {
            IpAddr::V6(
                "2001:db8::1"
                    .parse()
                    .unwrap_or(std::net::Ipv6Addr::UNSPECIFIED),
            )
        } else {
            IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 1))
        };
        matches!(
            self.route(rtb, probe),
            Some(Route {
                target: RouteTarget::InternetGateway(_),
                state: RouteState::Active,
                ..
            })
        )
    }

    /// The CIDRs of a security group rule's peer: its CIDR, or the prefix list's entries.
    /// Group references match private addresses only and give none.
    pub fn peer_cidrs(&self, peer: &SgPeer) -> Vec<IpNet> {
        match peer {
            SgPeer::Cidr(c) => vec![*c],
            SgPeer::PrefixList(p) => self
                .snap
                .index
                .prefix_list
                .get(p.as_str())
                .map(|&pl| self.snap.prefix_lists[pl.ix()].cidrs.clone())
                .unwrap_or_default(),
            SgPeer::Group { .. } => Vec::new(),
        }
    }

    /// Source-port range a client of this kind picks from (DESIGN.md, ephemeral ports).
    pub fn client_ports(&self, e: EniIx) -> (u16, u16) {
        let eni = self.snap.eni(e);
        match eni.kind {
            EniKind::NatGateway | EniKind::Lambda | EniKind::LoadBalancer => (1024, 65535),
            _ => {
                let windows = eni
                    .instance
                    .and_then(|i| self.snap.instances.get(i.ix()))
                    .is_some_and(|i| i.windows);
                if windows {
                    (49152, 65535)
                } else {
                    (32768, 60999)
                }
            }
        }
    }
}

/// Whether a security-group rule admits protocol `proto` on port `port` (TCP/UDP).
pub fn sg_rule_allows_port(r: &SgRule, proto: u8, port: u16) -> bool {
    if !r.protocol.matches(proto) {
        return false;
    }
    match (r.protocol, r.ports) {
        (Protocol::All, _) => true,
        (_, None) => proto == Protocol::TCP || proto == Protocol::UDP,
        (_, Some((a, b))) => a <= port && port <= b,
    }
}

/// The ports of `want` that `entries` (first match by rule number) allow for a packet of
/// protocol `proto` from/to address `peer`, and the entries that decided the rest.
pub fn acl_allowed_ports(
    entries: &[AclEntry],
    proto: u8,
    peer: IpAddr,
    want: &PortSet,
) -> (PortSet, Vec<(u32, RuleAction, PortSet)>) {
    let mut left = want.clone();
    let mut allowed = PortSet::empty();
    let mut decided = Vec::new();
    for e in entries {
        if left.is_empty() {
            break;
        }
        if !e.protocol.matches(proto) || !e.cidr.contains(&peer) {
            continue;
        }
        let hit = match (e.protocol, e.ports) {
            (Protocol::All, _) | (_, None) => left.clone(),
            (_, Some((a, b))) => left.intersect_range(a, b),
        };
        if hit.is_empty() {
            continue;
        }
        left = left.minus(&hit);
        if e.action == RuleAction::Allow {
            allowed = allowed.union(&hit);
        }
        decided.push((e.rule_number, e.action, hit));
    }
    (allowed, decided)
}

/// The first entry matching a TCP/UDP packet from/to `peer` on `port`.
pub fn acl_first_match(
    entries: &[AclEntry],
    proto: u8,
    peer: IpAddr,
    port: u16,
) -> Option<&AclEntry> {
    entries.iter().find(|e| {
        e.protocol.matches(proto)
            && e.cidr.contains(&peer)
            && match (e.protocol, e.ports) {
                (Protocol::All, _) | (_, None) => true,
                (_, Some((a, b))) => a <= port && port <= b,
            }
    })
}

/// Common TCP service names, for messages.
pub fn service_name(port: u16) -> Option<&'static str> {
    Some(match port {
        20 | 21 => "FTP",
        22 => "SSH",
        23 => "Telnet",
        25 => "SMTP",
        53 => "DNS",
        80 => "HTTP",
        110 => "POP3",
        135 => "MS RPC",
        143 => "IMAP",
        443 => "HTTPS",
        445 => "SMB/CIFS",
        1433 | 1434 => "SQL Server",
        1521 | 2483 | 2484 => "Oracle",
        2049 => "NFS",
        2375 | 2376 => "Docker API",
        3306 => "MySQL",
        3389 => "RDP",
        5432 => "PostgreSQL",
        5601 => "Kibana",
        5985 | 5986 => "WinRM",
        6379 => "Redis",
        7199 | 9160 | 8888 | 9042 => "Cassandra",
        9092 => "Kafka",
        9200 | 9300 => "Elasticsearch",
        11211 => "Memcached",
        27017 | 27018 => "MongoDB",
        _ => return None,
    })
}

/// `22 (SSH)`.
pub fn port_label(port: u16) -> String {
    match service_name(port) {
        Some(n) => format!("{port} ({n})"),
        None => port.to_string(),
    }
}

/// Remote administration ports.
pub const ADMIN_PORTS: &[u16] = &[22, 3389, 5985, 5986];
/// Data-store ports (catalogue A5).
pub const DATA_PORTS: &[u16] = &[
    1433, 1434, 1521, 2049, 2483, 2484, 3306, 5432, 5601, 6379, 7199, 8888, 9042, 9092, 9160, 9200,
    9300, 11211, 27017, 27018,
];
/// Plaintext and commonly attacked service ports (catalogue A6, A7).
pub const RISKY_PORTS: &[u16] = &[
    20, 21, 23, 25, 110, 135, 143, 445, 2375, 2376, 3000, 4333, 5000, 5500, 8080, 8088,
];

/// UDP services reported with the risky ports (DNS, SMB over UDP).
pub const RISKY_UDP_PORTS: &[u16] = &[53, 445];
