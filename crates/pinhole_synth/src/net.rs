//! IPv4 blocks as plain integers: all the address plan needs.

use std::fmt;
use std::net::Ipv4Addr;

/// An IPv4 CIDR block with no host bits set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Cidr {
    pub base: u32,
    pub len: u8,
}

impl Cidr {
    pub const fn new(a: u8, b: u8, c: u8, d: u8, len: u8) -> Self {
        Cidr {
            base: u32::from_be_bytes([a, b, c, d]),
            len,
        }
    }

    /// A single address.
    pub const fn host(addr: u32) -> Self {
        Cidr {
            base: addr,
            len: 32,
        }
    }

    pub const fn size(self) -> u64 {
        1u64 << (32 - self.len as u32)
    }

    /// The `i`-th block of length `len` inside this one.
    pub const fn sub(self, len: u8, i: u64) -> Self {
        Cidr {
            base: self.base.wrapping_add((i << (32 - len as u32)) as u32),
            len,
        }
    }

    /// Address `offset` of the block.
    pub const fn addr(self, offset: u32) -> u32 {
        self.base.wrapping_add(offset)
    }

    #[cfg(test)]
    pub const fn last(self) -> u64 {
        self.base as u64 + self.size() - 1
    }

    #[cfg(test)]
    pub const fn overlaps(self, o: Cidr) -> bool {
        (self.base as u64) <= o.last() && (o.base as u64) <= self.last()
    }

    #[cfg(test)]
    pub const fn contains(self, o: Cidr) -> bool {
        (self.base as u64) <= (o.base as u64) && o.last() <= self.last()
    }

    /// AWS keeps the first four and the last address of every subnet.
    pub const fn usable(self) -> u64 {
        self.size().saturating_sub(5)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.len)
    }
}

/// Dotted quad.
pub(crate) fn ip(addr: u32) -> String {
    Ipv4Addr::from(addr).to_string()
}

/// `10-1-2-3`, as EC2 DNS names write an address.
pub(crate) fn dashed(addr: u32) -> String {
    let [a, b, c, d] = addr.to_be_bytes();
    format!("{a}-{b}-{c}-{d}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks() {
        let v = Cidr::new(10, 0, 8, 0, 21);
        assert_eq!(v.to_string(), "10.0.8.0/21");
        assert_eq!(v.sub(23, 1).to_string(), "10.0.10.0/23");
        assert_eq!(v.size(), 2048);
        assert!(v.contains(v.sub(28, 5)));
        assert!(!v.overlaps(Cidr::new(10, 0, 16, 0, 21)));
        assert!(v.overlaps(Cidr::new(10, 0, 0, 0, 16)));
        assert_eq!(ip(v.addr(260)), "10.0.9.4");
        assert_eq!(dashed(v.addr(5)), "10-0-8-5");
        assert_eq!(Cidr::new(10, 0, 0, 0, 28).usable(), 11);
    }
}
