//! Explanations written straight into a string: on the stop path that nearly every random
//! question takes, `format!`'s machinery (argument tables, padding checks, a call per piece)
//! cost more than the text itself.

use pinhole_model::{Named, PortSet};
use std::net::{IpAddr, Ipv4Addr};

/// An IPv4 address as `Display` writes it, into a buffer: its length and bytes.
pub(super) fn v4_text(a: Ipv4Addr) -> ([u8; 15], usize) {
    let (mut buf, mut n) = ([0u8; 15], 0);
    for (i, o) in a.octets().into_iter().enumerate() {
        if i > 0 {
            buf[n] = b'.';
            n += 1;
        }
        if o >= 100 {
            buf[n] = b'0' + o / 100;
            n += 1;
        }
        if o >= 10 {
            buf[n] = b'0' + o / 10 % 10;
            n += 1;
        }
        buf[n] = b'0' + o % 10;
        n += 1;
    }
    (buf, n)
}

/// Appending the pieces of an explanation, each as its `Display` writes it.
pub(super) trait Push {
    fn text(&mut self, s: &str) -> &mut Self;
    fn ip(&mut self, a: IpAddr) -> &mut Self;
    fn num(&mut self, n: u32) -> &mut Self;
    /// `id (name)`, else the id (as [`Named`]'s `Display`).
    fn named(&mut self, n: Named<'_>) -> &mut Self;
    /// As [`PortSet`]'s `Display`: `22`, `1024-65535`, `22,80-81`, `none`.
    fn ports(&mut self, s: &PortSet) -> &mut Self;
}

impl Push for String {
    fn text(&mut self, s: &str) -> &mut Self {
        self.push_str(s);
        self
    }
    fn ip(&mut self, a: IpAddr) -> &mut Self {
        match a {
            IpAddr::V4(v4) => {
                let (buf, n) = v4_text(v4);
                self.push_str(std::str::from_utf8(&buf[..n]).unwrap_or_default());
            }
            IpAddr::V6(v6) => {
                use std::fmt::Write;
                let _ = write!(self, "{v6}");
            }
        }
        self
    }
    fn num(&mut self, mut n: u32) -> &mut Self {
        let (mut buf, mut i) = ([0u8; 10], 10);
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
        self
    }
    fn named(&mut self, n: Named<'_>) -> &mut Self {
        self.push_str(n.id);
        if let Some(name) = n.name {
            self.push_str(" (");
            self.push_str(name);
            self.push(')');
        }
        self
    }
    fn ports(&mut self, s: &PortSet) -> &mut Self {
        if s.is_empty() {
            return self.text("none");
        }
        for (i, &(a, b)) in s.ranges().iter().enumerate() {
            if i > 0 {
                self.push(',');
            }
            self.num(a.into());
            if a != b {
                self.push('-');
                self.num(b.into());
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_write_as_display_does() {
        for o in 0..=255u8 {
            let a = IpAddr::V4(Ipv4Addr::new(o, 255 - o, o / 3, o % 10));
            assert_eq!(*String::new().ip(a), a.to_string());
        }
        let v6: IpAddr = "2600:1f18::1"
            .parse()
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert_eq!(*String::new().ip(v6), v6.to_string());
        for n in [0u32, 7, 10, 99, 100, 65535, u32::MAX] {
            assert_eq!(*String::new().num(n), n.to_string());
        }
        for s in [
            PortSet::empty(),
            PortSet::single(22),
            PortSet::range(1024, 65535),
            PortSet::single(22).union(&PortSet::range(80, 81)),
        ] {
            assert_eq!(*String::new().ports(&s), s.to_string());
        }
        for n in [
            Named {
                id: "acl-1",
                name: None,
            },
            Named {
                id: "acl-1",
                name: Some("web"),
            },
        ] {
            assert_eq!(*String::new().named(n), n.to_string());
        }
    }
}
