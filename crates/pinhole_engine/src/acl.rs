//! Network ACL evaluation: ascending rule number, first match, stateless.

use pinhole_model::{AclEntry, AclEntryHot, PortSet, Protocol, RuleAction, net_contains};
use std::net::IpAddr;

/// What a NACL is asked about one packet crossing it.
pub struct AclInput<'a> {
    pub proto: u8,
    /// Inbound rules match the source address, outbound rules the destination.
    pub addr: IpAddr,
    /// Destination ports still possible (one port, or a client's ephemeral range on a reply).
    pub dports: &'a PortSet,
    pub icmp: Option<(u8, u8)>,
}

/// Result of a NACL over a set of destination ports.
pub struct AclOutcome<'a> {
    /// Ports that pass.
    pub allowed: PortSet,
    /// The entry that allowed the first allowed port.
    pub allowed_by: Option<&'a AclEntry>,
    /// Ports dropped, with the entry that dropped them, in rule order.
    pub denied: Vec<(&'a AclEntry, PortSet)>,
}

fn entry_matches_addr_proto(e: &AclEntry, inp: &AclInput<'_>) -> bool {
    if !net_contains(&e.cidr, inp.addr) {
        return false;
    }
    if !e.protocol.matches(inp.proto) {
        return false;
    }
    if let (Protocol::Num(1 | 58), Some((t, c)), Some((et, ec))) = (e.protocol, inp.icmp, e.icmp) {
        if et != -1 && et != i32::from(t) {
            return false;
        }
        if ec != -1 && ec != i32::from(c) {
            return false;
        }
    }
    true
}

/// The port range an entry applies to: its `PortRange` for TCP/UDP entries, else every port.
fn entry_ports(e: &AclEntry) -> (u16, u16) {
    match (e.protocol, e.ports) {
        (Protocol::Num(6 | 17), Some(r)) => r,
        _ => (0, u16::MAX),
    }
}

/// Whether entry `k` matches the packet's address and protocol: from its packed record when
/// that decides (`a`: an IPv4 address as a number), else from the entry.
#[inline]
fn hot_matches_addr_proto(
    h: &AclEntryHot,
    entries: &[AclEntry],
    k: usize,
    inp: &AclInput<'_>,
    a: Option<u32>,
) -> bool {
    match a {
        Some(a) if h.exact() => a & h.mask() == h.net && h.proto_matches(inp.proto),
        _ => entries
            .get(k)
            .is_some_and(|e| entry_matches_addr_proto(e, inp)),
    }
}

fn v4_number(a: IpAddr) -> Option<u32> {
    match a {
        IpAddr::V4(a) => Some(u32::from(a)),
        IpAddr::V6(_) => None,
    }
}

/// The entry that decides one packet with a single destination port (or none, for ICMP and
/// other protocols): the fast path of [`evaluate`].
/// `entries`: one direction of a NACL, in rule order, and `hot` the same as packed records
/// ([`AclEntryHot`]). Returns the entry's position.
pub fn first_match(
    hot: &[AclEntryHot],
    entries: &[AclEntry],
    inp: &AclInput<'_>,
    port: u16,
) -> Option<usize> {
    let a = v4_number(inp.addr);
    hot.iter().enumerate().position(|(k, h)| {
        h.lo <= port && port <= h.hi && hot_matches_addr_proto(h, entries, k, inp, a)
    })
}

/// Whether any port of `set` lies in `lo..=hi` (`intersect_range` without building the set).
fn meets(set: &PortSet, lo: u16, hi: u16) -> bool {
    set.ranges().iter().any(|&(a, b)| a.max(lo) <= b.min(hi))
}

/// The allow entry that passes every port of `inp.dports`, when the first entry that matches
/// any of them is an allow covering them all: what [`evaluate`] would find (everything
/// allowed, by that entry, nothing denied) without building port sets. The common case of a
/// reply to an ephemeral port.
pub fn allows_all<'a>(entries: &'a [AclEntry], inp: &AclInput<'_>) -> Option<&'a AclEntry> {
    let e = entries.iter().find(|e| {
        let (lo, hi) = entry_ports(e);
        meets(inp.dports, lo, hi) && entry_matches_addr_proto(e, inp)
    })?;
    let (lo, hi) = entry_ports(e);
    let covers = inp.dports.ranges().iter().all(|&(a, b)| lo <= a && b <= hi);
    (e.action == RuleAction::Allow && covers).then_some(e)
}

/// An allow entry that matches the packet's address and protocol but none of its destination
/// ports: the usual cause of a dropped reply (a rule written for the service port, not the
/// client's ephemeral port).
/// `hot`: the entries packed, as for [`first_match`].
pub fn near_miss<'a>(
    hot: &[AclEntryHot],
    entries: &'a [AclEntry],
    inp: &AclInput<'_>,
) -> Option<&'a AclEntry> {
    let a = v4_number(inp.addr);
    let k = hot.iter().enumerate().position(|(k, h)| {
        h.user_allow()
            && hot_matches_addr_proto(h, entries, k, inp, a)
            && !meets(inp.dports, h.lo, h.hi)
    })?;
    entries.get(k)
}

pub fn evaluate<'a>(entries: &'a [AclEntry], inp: &AclInput<'_>) -> AclOutcome<'a> {
    let mut remaining = inp.dports.clone();
    let mut allowed = PortSet::empty();
    let mut allowed_by = None;
    let mut denied = Vec::new();
    for e in entries {
        if remaining.is_empty() {
            break;
        }
        if !entry_matches_addr_proto(e, inp) {
            continue;
        }
        let (lo, hi) = entry_ports(e);
        let part = remaining.intersect_range(lo, hi);
        if part.is_empty() {
            continue;
        }
        remaining = remaining.minus_range(lo, hi);
        match e.action {
            RuleAction::Allow => {
                allowed_by.get_or_insert(e);
                allowed = allowed.union(&part);
            }
            RuleAction::Deny => denied.push((e, part)),
        }
    }
    // AWS always ends a NACL with `*` deny; ingest adds it, but never let ports fall through.
    AclOutcome {
        allowed,
        allowed_by,
        denied,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pinhole_model::{NetworkAcl, NetworkAclId, VpcIx};

    fn entry(
        n: u32,
        action: RuleAction,
        proto: Protocol,
        cidr: &str,
        ports: Option<(u16, u16)>,
    ) -> AclEntry {
        AclEntry {
            rule_number: n,
            action,
            protocol: proto,
            cidr: cidr.parse().unwrap_or_default(),
            ports,
            icmp: None,
        }
    }

    fn acl(inbound: Vec<AclEntry>) -> NetworkAcl {
        NetworkAcl {
            id: NetworkAclId::from("acl-1"),
            vpc: VpcIx(0),
            tags: vec![],
            is_default: false,
            inbound,
            outbound: vec![],
            origin: Default::default(),
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse()
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn packed_first_match_agrees_with_the_entries() {
        let mut icmp = entry(60, RuleAction::Allow, Protocol::Num(1), "10.0.0.0/8", None);
        icmp.icmp = Some((8, -1));
        let entries = vec![
            entry(
                10,
                RuleAction::Deny,
                Protocol::Num(6),
                "10.1.2.0/24",
                Some((22, 22)),
            ),
            entry(
                20,
                RuleAction::Allow,
                Protocol::Num(17),
                "10.0.0.0/8",
                Some((53, 53)),
            ),
            entry(30, RuleAction::Allow, Protocol::All, "2600:1f18::/32", None),
            entry(
                40,
                RuleAction::Allow,
                Protocol::Num(6),
                "0.0.0.0/0",
                Some((1024, 65535)),
            ),
            entry(
                50,
                RuleAction::Deny,
                Protocol::Num(6),
                "172.16.0.0/12",
                None,
            ),
            icmp,
            entry(
                70,
                RuleAction::Allow,
                Protocol::Num(47),
                "10.0.0.0/16",
                None,
            ),
            entry(32767, RuleAction::Deny, Protocol::All, "0.0.0.0/0", None),
            entry(32768, RuleAction::Deny, Protocol::All, "::/0", None),
        ];
        let hot: Vec<AclEntryHot> = entries.iter().map(AclEntryHot::from).collect();
        let none = PortSet::empty();
        for addr in [
            "10.1.2.3",
            "10.2.0.1",
            "172.20.0.1",
            "8.8.8.8",
            "2600:1f18::5",
            "::1",
        ] {
            for (proto, icmp) in [
                (6, None),
                (17, None),
                (1, Some((8, 0))),
                (1, Some((0, 0))),
                (47, None),
            ] {
                for port in [0u16, 22, 53, 443, 2000] {
                    let inp = AclInput {
                        proto,
                        addr: ip(addr),
                        dports: &none,
                        icmp,
                    };
                    let plain = entries.iter().position(|e| {
                        let (lo, hi) = entry_ports(e);
                        lo <= port && port <= hi && entry_matches_addr_proto(e, &inp)
                    });
                    assert_eq!(
                        first_match(&hot, &entries, &inp, port),
                        plain,
                        "{addr} {proto} {port}"
                    );
                    let dports = PortSet::single(port);
                    let inp = AclInput {
                        dports: &dports,
                        ..inp
                    };
                    let plain = entries.iter().find(|e| {
                        let (lo, hi) = entry_ports(e);
                        e.action == RuleAction::Allow
                            && !e.is_default_deny()
                            && entry_matches_addr_proto(e, &inp)
                            && !meets(inp.dports, lo, hi)
                    });
                    assert_eq!(
                        near_miss(&hot, &entries, &inp).map(|e| e.rule_number),
                        plain.map(|e| e.rule_number),
                        "near miss {addr} {proto} {port}"
                    );
                }
            }
        }
    }

    #[test]
    fn first_match_by_rule_number() {
        // C03: a deny numbered after an allow-all is dead.
        let a = acl(vec![
            entry(100, RuleAction::Allow, Protocol::All, "0.0.0.0/0", None),
            entry(
                200,
                RuleAction::Deny,
                Protocol::Num(6),
                "0.0.0.0/0",
                Some((22, 22)),
            ),
            entry(32767, RuleAction::Deny, Protocol::All, "0.0.0.0/0", None),
        ]);
        let p = PortSet::single(22);
        let out = evaluate(
            &a.inbound,
            &AclInput {
                proto: 6,
                addr: ip("198.51.100.7"),
                dports: &p,
                icmp: None,
            },
        );
        assert_eq!(out.allowed, p);
        assert_eq!(out.allowed_by.map(|e| e.rule_number), Some(100));
    }

    #[test]
    fn ephemeral_range_partially_allowed() {
        // C02: replies admitted only on 32768-65535 while a NAT gateway uses 1024-65535.
        let a = acl(vec![
            entry(
                110,
                RuleAction::Allow,
                Protocol::Num(6),
                "0.0.0.0/0",
                Some((32768, 65535)),
            ),
            entry(32767, RuleAction::Deny, Protocol::All, "0.0.0.0/0", None),
        ]);
        let p = PortSet::range(1024, 65535);
        let out = evaluate(
            &a.inbound,
            &AclInput {
                proto: 6,
                addr: ip("198.51.100.20"),
                dports: &p,
                icmp: None,
            },
        );
        assert_eq!(out.allowed.to_string(), "32768-65535");
        assert_eq!(out.denied.len(), 1);
        assert_eq!(out.denied[0].1.to_string(), "1024-32767");
        assert_eq!(
            out.denied[0].0.label(false),
            "inbound rule *: ALL from 0.0.0.0/0 DENY"
        );
    }

    #[test]
    fn ipv4_rules_never_match_ipv6() {
        let a = acl(vec![
            entry(100, RuleAction::Allow, Protocol::All, "0.0.0.0/0", None),
            entry(32768, RuleAction::Deny, Protocol::All, "::/0", None),
        ]);
        let p = PortSet::single(443);
        let out = evaluate(
            &a.inbound,
            &AclInput {
                proto: 6,
                addr: ip("2600:1f18::1"),
                dports: &p,
                icmp: None,
            },
        );
        assert!(out.allowed.is_empty());
    }
}
