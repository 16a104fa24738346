use super::return_gaps;
use crate::{Context, Sink, rule};

rule! {
    /// A network ACL in use admits requests in one direction but no reply in the other: no
    /// entry admits the replies on any port of the clients' ephemeral range.
    ///
    /// NACLs are stateless and checked at every subnet boundary a packet crosses, both ways.
    /// For every allow entry on a service port, the NACL's other direction is evaluated by rule
    /// number for replies to the clients' source ports: for an outbound entry, those of the
    /// interfaces in the subnets using the NACL (a NAT gateway, Lambda and load balancers use
    /// 1024-65535, Linux 32768-60999, Windows 49152-65535); for an inbound entry, internet hosts
    /// (1024-65535) or the VPC's interfaces at the client addresses.
    ///
    /// The engine then looks for a connection between the snapshot's interfaces and those
    /// peers that this NACL actually breaks (blocked by it, or partial with ports it drops) and
    /// attaches its verdict as evidence. Without one the gap is latent (no traffic crosses it
    /// now) and the finding is lowered to medium.
    ///
    /// ## Why it matters
    /// Every connection the entry was written for times out: the request leaves, the reply is
    /// dropped by the `*` entry. The NACL "looks identical" both ways and is still broken (the
    /// seed network's bug).
    ///
    /// ## Example
    /// outbound rule 100: `TCP 443 to 0.0.0.0/0 ALLOW` and no inbound allow at all: the
    /// replies from port 443 to the client's port 1024-65535 meet inbound rule `*`.
    ///
    /// ## Fix
    /// Add the reverse ephemeral entry: inbound `TCP 1024-65535 from 0.0.0.0/0 ALLOW` for
    /// outbound requests (outbound `TCP 1024-65535` to the clients for inbound ones).
    code: "NACL004",
    name: "nacl-return-path-missing",
    severity: High,
    covers: ["new: NACL statelessness (no scanner checks ephemeral return rules)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    // One finding per request entry, naming every client population it fails.
    let mut by_entry: std::collections::BTreeMap<
        (pinhole_model::AclIx, String, bool),
        Vec<super::ReturnGap>,
    > = Default::default();
    for g in return_gaps(cx).iter().cloned() {
        if g.allowed.is_empty() {
            by_entry
                .entry((g.acl, g.entry.clone(), g.egress))
                .or_default()
                .push(g);
        }
    }
    // A request entry mirrored by an identical entry the other way (the seed's bug: the
    // inbound side "looks identical") is one mistake: report it once, on the outbound entry.
    let mirrored = |acl: pinhole_model::AclIx, g: &super::ReturnGap| {
        let a = cx.snap.acl(acl);
        let (mine, other) = if g.egress {
            (&a.outbound, &a.inbound)
        } else {
            (&a.inbound, &a.outbound)
        };
        let e = mine.iter().find(|e| e.label(g.egress) == g.entry)?;
        other
            .iter()
            .find(|o| {
                o.action == e.action
                    && o.protocol == e.protocol
                    && o.ports == e.ports
                    && o.cidr == e.cidr
            })
            .map(|o| o.label(!g.egress))
    };
    let keys: Vec<(pinhole_model::AclIx, String, bool)> = by_entry.keys().cloned().collect();
    for ((acl, entry, egress), gaps) in by_entry {
        let mirror = mirrored(acl, &gaps[0]);
        if !egress
            && mirror
                .as_ref()
                .is_some_and(|m| keys.contains(&(acl, m.clone(), true)))
        {
            continue;
        }
        let mut who: Vec<String> = gaps
            .iter()
            .map(|g| {
                format!(
                    "{}-{} ({})",
                    g.clients.range.0, g.clients.range.1, g.clients.who
                )
            })
            .collect();
        who.sort();
        who.dedup();
        let w = gaps.iter().find_map(|g| super::witness(cx, g));
        let f = out.add(
            cx.acl_subject(acl),
            format!(
                "{entry} admits requests, but no {} entry admits the replies, e.g. from {}, to ports {}",
                if egress { "inbound" } else { "outbound" },
                gaps[0].peer,
                who.join(", ")
            ),
        );
        let mut dropped: Vec<String> = gaps
            .iter()
            .flat_map(|g| g.dropped_by.iter().cloned())
            .collect();
        dropped.sort();
        dropped.dedup();
        for d in dropped {
            f.because(format!("replies dropped by {d}"));
        }
        super::attach_witness(f, w);
        if let Some(m) = mirror {
            f.because(format!(
                "{m} mirrors it, but a NACL matches the destination port: replies go to the client's ephemeral port, so the reverse entry needs the ephemeral range"
            ));
        }
    }
}
