//! A question: one connection from a client to a server.

use pinhole_model::{Protocol, Snapshot};
use std::net::IpAddr;

/// A client at `src` opens a connection (TCP), sends a datagram (UDP) or an ICMP message to
/// `dst`, and — except for ICMP messages other than echo — expects the answer back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// IANA protocol number: 6 tcp, 17 udp, 1 icmp, 58 icmpv6.
    pub proto: u8,
    /// Destination port (TCP/UDP).
    pub port: Option<u16>,
    /// A fixed client source port; otherwise the client's kind decides its range.
    pub src_port: Option<u16>,
    pub icmp_type: Option<u8>,
    pub icmp_code: Option<u8>,
}

impl Question {
    pub fn tcp(src: IpAddr, dst: IpAddr, port: u16) -> Self {
        Self {
            src,
            dst,
            proto: Protocol::TCP,
            port: Some(port),
            src_port: None,
            icmp_type: None,
            icmp_code: None,
        }
    }
}

impl Question {
    /// Reject questions that mean nothing: ports on ICMP, ICMP fields on TCP, mixed families.
    pub fn validate(&self) -> Result<(), QuestionError> {
        let ported = self.proto == Protocol::TCP || self.proto == Protocol::UDP;
        let icmp = self.proto == Protocol::ICMP || self.proto == Protocol::ICMPV6;
        if ported && self.port.is_none() {
            return Err(QuestionError("a port is required for tcp and udp".into()));
        }
        if !ported && (self.port.is_some() || self.src_port.is_some()) {
            return Err(QuestionError(format!(
                "ports apply to tcp and udp only, not to {}",
                pinhole_model::proto_name(self.proto)
            )));
        }
        if !icmp && (self.icmp_type.is_some() || self.icmp_code.is_some()) {
            return Err(QuestionError(
                "icmp_type and icmp_code apply to icmp only".into(),
            ));
        }
        if self.src.is_ipv4() != self.dst.is_ipv4() {
            return Err(QuestionError(format!(
                "{} and {} are of different address families",
                self.src, self.dst
            )));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionError(pub String);

impl std::fmt::Display for QuestionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QuestionError {}

/// An endpoint as a user names it: an address, an instance, ENI or RDS id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub addr: IpAddr,
    /// What the name resolved to, when it was an id.
    pub resolved_from: Option<String>,
}

/// Resolve `text` (an IP address, `i-…`, `eni-…`, an RDS instance identifier, a load balancer's
/// name, ARN or DNS name, or an instance's `Name` tag) to the address a connection uses: the
/// primary private IP of the (primary) network interface; for a load balancer, its first node.
pub fn resolve_endpoint(snap: &Snapshot, text: &str) -> Result<Endpoint, QuestionError> {
    if let Ok(addr) = text.parse::<IpAddr>() {
        return Ok(Endpoint {
            addr,
            resolved_from: None,
        });
    }
    let found = |e: pinhole_model::EniIx| {
        snap.eni(e).primary_ip().map(|addr| Endpoint {
            addr,
            resolved_from: Some(format!("{text} ({})", snap.eni(e).id)),
        })
    };
    if let Some(&e) = snap.index.eni.get(text) {
        return found(e).ok_or_else(|| {
            QuestionError(format!("network interface `{text}` has no private address"))
        });
    }
    if let Some(&i) = snap.index.instance.get(text) {
        let inst = &snap.instances[i.ix()];
        return inst.enis.first().and_then(|&e| found(e)).ok_or_else(|| {
            QuestionError(format!(
                "instance `{text}` has no network interface in the snapshot"
            ))
        });
    }
    if let Some(&d) = snap.index.db.get(text) {
        let db = &snap.db_instances[d.ix()];
        return db.enis.first().and_then(|&e| found(e)).ok_or_else(|| {
            QuestionError(format!(
                "RDS instance `{text}` has no network interface in the snapshot"
            ))
        });
    }
    // An instance's Name tag, when exactly one instance carries it.
    let named: Vec<&pinhole_model::Instance> = snap
        .instances
        .iter()
        .filter(|i| pinhole_model::name_tag(&i.tags) == Some(text) && !i.enis.is_empty())
        .collect();
    match named.as_slice() {
        [one] => {
            return one
                .enis
                .first()
                .and_then(|&e| found(e))
                .ok_or_else(|| QuestionError(format!("instance `{text}` has no private address")));
        }
        [] => {}
        many => {
            let ids: Vec<&str> = many.iter().map(|i| i.id.as_str()).collect();
            return Err(QuestionError(format!(
                "`{text}` names {} instances ({}); use an id",
                many.len(),
                ids.join(", ")
            )));
        }
    }
    // A load balancer by name, ARN or DNS name: the address its DNS name returns first (the
    // first node's public address when internet-facing, else its private one).
    if let Some(lb) = snap.load_balancers.iter().find(|l| {
        l.name == text || l.arn == text || l.dns_name.as_deref() == Some(text.trim_end_matches('.'))
    }) {
        let node = lb.enis.first().and_then(|&e| {
            let eni = snap.eni(e);
            let private = eni.primary_ip()?;
            let public = eni.public_for(private).map(IpAddr::V4);
            let addr = if lb.scheme == "internet-facing" {
                public.unwrap_or(private)
            } else {
                private
            };
            Some((addr, snap.subnet(eni.subnet).az.clone()))
        });
        return match node {
            Some((addr, zone)) => Ok(Endpoint {
                addr,
                resolved_from: Some(format!(
                    "{text} (node {addr} in {zone}; its DNS name returns every node, {} in all)",
                    lb.enis.len()
                )),
            }),
            None => Err(QuestionError(format!(
                "load balancer `{text}` has no node in the snapshot"
            ))),
        };
    }
    Err(QuestionError(format!(
        "`{text}` is neither an IP address nor an instance (id or Name), network interface, RDS instance or load balancer (name, ARN or DNS name) in the snapshot"
    )))
}
