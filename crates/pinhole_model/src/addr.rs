//! Address classes and protocol numbers as AWS uses them.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// An IP protocol as NACLs and security groups name it: all (`-1`) or one IANA number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    All,
    Num(u8),
}

impl Protocol {
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const ICMP: u8 = 1;
    pub const ICMPV6: u8 = 58;

    pub fn matches(self, proto: u8) -> bool {
        match self {
            Protocol::All => true,
            Protocol::Num(n) => n == proto,
        }
    }
}

/// Lower-case name of an IP protocol number, as the AWS console shows it.
pub fn proto_name(p: u8) -> String {
    let mut s = String::new();
    let _ = write_proto_name(&mut s, p);
    s
}

/// [`proto_name`] without allocating, for labels and messages built on the query path.
pub fn write_proto_name(f: &mut impl fmt::Write, p: u8) -> fmt::Result {
    match p {
        6 => f.write_str("tcp"),
        17 => f.write_str("udp"),
        1 => f.write_str("icmp"),
        58 => f.write_str("icmpv6"),
        n => write!(f, "{n}"),
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The upper-case `proto_name`, spelled out: no temporary strings per label.
        match self {
            Protocol::All => f.write_str("ALL"),
            Protocol::Num(6) => f.write_str("TCP"),
            Protocol::Num(17) => f.write_str("UDP"),
            Protocol::Num(1) => f.write_str("ICMP"),
            Protocol::Num(58) => f.write_str("ICMPV6"),
            Protocol::Num(n) => write!(f, "{n}"),
        }
    }
}

const RFC1918: [(u32, u8); 3] = [(0x0a00_0000, 8), (0xac10_0000, 12), (0xc0a8_0000, 16)];

fn in_v4(a: Ipv4Addr, net: u32, len: u8) -> bool {
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    (u32::from(a) & mask) == net
}

/// `net.contains(&a)`, an IPv4 prefix compared as numbers instead of through ipnet's network
/// and broadcast addresses: the walk asks it of every route, rule and subnet it scans.
#[inline]
pub fn net_contains(net: &IpNet, a: IpAddr) -> bool {
    match (net, a) {
        (IpNet::V4(n), IpAddr::V4(a)) => {
            let len = u32::from(n.prefix_len());
            let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
            (u32::from(a) ^ u32::from(n.addr())) & mask == 0
        }
        _ => net.contains(&a),
    }
}

/// RFC 1918 private IPv4 address.
pub fn is_rfc1918(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(v4) => RFC1918.iter().any(|&(n, l)| in_v4(v4, n, l)),
        IpAddr::V6(_) => false,
    }
}

/// RFC 6598 shared address space (100.64.0.0/10).
pub fn is_rfc6598(a: IpAddr) -> bool {
    matches!(a, IpAddr::V4(v4) if in_v4(v4, 0x6440_0000, 10))
}

/// An address that can only be a host on the internet: not private, shared, loopback,
/// link-local, multicast or unspecified (IPv6: global unicast outside ULA and link-local).
pub fn is_internet(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(v4) => {
            !(is_rfc1918(a)
                || is_rfc6598(a)
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || in_v4(v4, 0, 8))
        }
        IpAddr::V6(v6) => {
            let seg0 = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg0 & 0xfe00) == 0xfc00
                || (seg0 & 0xffc0) == 0xfe80)
        }
    }
}

/// Whether `a` is one of the addresses AWS reserves in a subnet: the first four and the last
/// of an IPv4 subnet; the first four and the last of an IPv6 /64.
pub fn is_reserved_in(a: IpAddr, cidr: IpNet) -> bool {
    if !cidr.contains(&a) {
        return false;
    }
    match (a, cidr) {
        (IpAddr::V4(v4), IpNet::V4(n)) => {
            let off = u32::from(v4) - u32::from(n.network());
            off < 4 || v4 == n.broadcast()
        }
        (IpAddr::V6(v6), IpNet::V6(n)) => {
            let off = u128::from(v6) - u128::from(n.network());
            off < 4 || v6 == n.broadcast()
        }
        _ => false,
    }
}

/// Number of usable addresses of an IPv4 subnet after AWS's five reservations.
pub fn usable_v4(n: Ipv4Net) -> u64 {
    (1u64 << (32 - u32::from(n.prefix_len()))).saturating_sub(5)
}

/// The family-wide "any" network of an address's family.
pub fn any_of(a: IpAddr) -> IpNet {
    match a {
        IpAddr::V4(_) => IpNet::V4(Ipv4Net::default()),
        IpAddr::V6(_) => IpNet::V6(Ipv6Net::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn net_contains_agrees_with_ipnet() {
        let nets = [
            "0.0.0.0/0",
            "10.0.0.0/8",
            "10.1.2.3/24",
            "10.1.2.3/32",
            "2600::/16",
            "::/0",
        ];
        let addrs = [
            "10.1.2.3",
            "10.1.2.255",
            "10.1.3.0",
            "11.0.0.0",
            "0.0.0.0",
            "2600::1",
            "::",
        ];
        for n in nets {
            let n: IpNet = n.parse().unwrap_or_default();
            for a in addrs {
                assert_eq!(net_contains(&n, ip(a)), n.contains(&ip(a)), "{n} {a}");
            }
        }
    }
    fn net(s: &str) -> IpNet {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn classes() {
        assert!(is_rfc1918(ip("10.1.2.3")));
        assert!(is_rfc1918(ip("172.31.255.1")));
        assert!(!is_rfc1918(ip("172.32.0.1")));
        assert!(is_internet(ip("8.8.8.8")));
        assert!(!is_internet(ip("100.64.1.1")));
        assert!(!is_internet(ip("169.254.169.254")));
        assert!(is_internet(ip("2600:1f18::1")));
        assert!(!is_internet(ip("fd00:ec2::254")));
    }

    #[test]
    fn reserved() {
        let s = net("192.168.38.0/24");
        for r in [
            "192.168.38.0",
            "192.168.38.1",
            "192.168.38.2",
            "192.168.38.3",
            "192.168.38.255",
        ] {
            assert!(is_reserved_in(ip(r), s), "{r}");
        }
        assert!(!is_reserved_in(ip("192.168.38.4"), s));
        assert!(!is_reserved_in(ip("192.168.39.2"), s));
        assert_eq!(usable_v4("10.0.0.0/24".parse().unwrap_or_default()), 251);
    }
}
