//! Services: `tcp/443`, `tcp/1024-65535`, `udp/53`, `tcp` (every port), `icmp` (echo).

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Service {
    /// IP protocol number: 6 tcp, 17 udp, 1 icmp.
    pub proto: u8,
    pub from: u16,
    pub to: u16,
}

impl Service {
    pub fn parse(s: &str) -> Result<Self, String> {
        let (p, ports) = match s.split_once('/') {
            Some((p, r)) => (p, Some(r)),
            None => (s, None),
        };
        let proto = match p.to_ascii_lowercase().as_str() {
            "tcp" => 6,
            "udp" => 17,
            "icmp" => {
                if ports.is_some() {
                    return Err(format!("`{s}`: icmp takes no port"));
                }
                return Ok(Self {
                    proto: 1,
                    from: 8,
                    to: 8,
                });
            }
            _ => {
                return Err(format!(
                    "`{s}`: expected tcp/PORT, udp/PORT, tcp/LO-HI or icmp"
                ));
            }
        };
        let (from, to) = match ports {
            None => (0, 65535),
            Some(r) => {
                let (a, b) = r.split_once('-').unwrap_or((r, r));
                let a: u16 = a.parse().map_err(|_| format!("`{s}`: bad port `{a}`"))?;
                let b: u16 = b.parse().map_err(|_| format!("`{s}`: bad port `{b}`"))?;
                if a > b || a == 0 {
                    return Err(format!(
                        "`{s}`: expected a port range LO-HI with 1 <= LO <= HI"
                    ));
                }
                (a, b)
            }
        };
        Ok(Self { proto, from, to })
    }

    pub fn proto_name(&self) -> &'static str {
        match self.proto {
            6 => "tcp",
            17 => "udp",
            _ => "icmp",
        }
    }

    /// Every port of the protocol.
    pub fn all_ports(&self) -> bool {
        self.from == 0 && self.to == 65535
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.proto {
            1 => f.write_str("icmp"),
            _ if self.all_ports() => f.write_str(self.proto_name()),
            _ if self.from == self.to => write!(f, "{}/{}", self.proto_name(), self.from),
            _ => write!(f, "{}/{}-{}", self.proto_name(), self.from, self.to),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Service;

    #[test]
    fn parses_and_prints() {
        for s in ["tcp/443", "udp/53", "tcp/1024-65535", "tcp", "icmp"] {
            assert_eq!(Service::parse(s).map(|x| x.to_string()), Ok(s.to_owned()));
        }
        assert!(Service::parse("tcp/0").is_err());
        assert!(Service::parse("sctp/1").is_err());
        assert!(Service::parse("tcp/9-8").is_err());
    }
}
