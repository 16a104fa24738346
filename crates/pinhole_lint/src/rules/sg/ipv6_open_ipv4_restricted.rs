use super::world_open;
use crate::context::sg_rule_allows_port;
use crate::space::Family;
use crate::{Context, Sink, rule};
use pinhole_model::{Protocol, SgIx};

rule! {
    /// A security group admits a port from every IPv6 internet address while admitting it from
    /// only part of the IPv4 internet (or none of it).
    ///
    /// ## Why it matters
    /// The IPv4 restriction shows the intent; the IPv6 rule quietly defeats it for every member
    /// with an IPv6 address. Several scanners only look at IPv4 and miss this.
    ///
    /// ## Example
    /// `sg-0abc` inbound `tcp 22 from 203.0.113.0/24` and `tcp 22 from ::/0`.
    ///
    /// ## Fix
    /// Restrict the IPv6 rule to the same sources as the IPv4 one.
    code: "SG008",
    name: "sg-ipv6-open-ipv4-restricted",
    severity: Medium,
    covers: [
        "§1.3 IPv6 parity (cloudmapper audit_sg TODO 'restricts IPv4 and then opens IPv6')",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        if !cx.sg_internet_ingress[i] {
            continue;
        }
        let mut seen = Vec::new();
        for r in &sg.ingress {
            let proto = match r.protocol {
                Protocol::Num(p @ (6 | 17)) => p,
                _ => continue,
            };
            let port = r.ports.map(|p| p.0).unwrap_or(0);
            if seen.contains(&(proto, port)) {
                continue;
            }
            seen.push((proto, port));
            let open = world_open(cx, sg, proto, port, false);
            let v6 = open.iter().any(|(f, _)| *f == Family::V6);
            let v4 = open.iter().any(|(f, _)| *f == Family::V4);
            let v4_some = sg.ingress.iter().any(|o| {
                sg_rule_allows_port(o, proto, port)
                    && cx
                        .peer_cidrs(&o.peer)
                        .iter()
                        .any(|n| Family::of_net(n) == Family::V4)
            });
            if v6 && !v4 && v4_some {
                out.add(
                    cx.sg_subject(SgIx::from_usize(i)),
                    format!(
                        "inbound {} {port} is open to every IPv6 internet address but restricted in IPv4",
                        pinhole_model::proto_name(proto)
                    ),
                );
            }
        }
    }
}
