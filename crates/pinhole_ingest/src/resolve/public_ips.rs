//! Elastic IPs, and the public addresses AWS gave out that no live interface holds.

use super::warn;
use super::workloads::set_public;
use crate::pending::Parts;
use pinhole_model::Snapshot;
use std::net::Ipv4Addr;

/// A public address that may answer nothing, with what it was; ranked so that the current state
/// of an address (an Elastic IP record) describes it before its history (a deleted NAT gateway).
pub(super) type DeadCandidate = (Ipv4Addr, u8, String);

/// Public addresses of NAT gateways that are not `available`, whether or not the gateway itself
/// makes it into the snapshot (a deleted one in a deleted subnet does not).
pub(super) fn dead_nat_addresses(parts: &mut Parts) -> Vec<DeadCandidate> {
    parts
        .nat_gateways
        .sorted()
        .iter()
        .filter(|n| n.state != "available")
        .flat_map(|n| {
            n.public_ips.iter().map(|&ip| {
                (
                    ip,
                    1,
                    format!("public IP of NAT gateway {} ({})", n.id, n.state),
                )
            })
        })
        .collect()
}

/// Maps associated Elastic IPs onto their ENIs; returns those associated with nothing, or with
/// an ENI the snapshot lacks.
pub(super) fn elastic_ips(parts: &mut Parts, snap: &mut Snapshot) -> Vec<DeadCandidate> {
    let mut dead = Vec::new();
    for a in std::mem::take(&mut parts.addresses) {
        let what = match &a.allocation_id {
            Some(id) => format!("Elastic IP {id}"),
            None => "Elastic IP".to_owned(),
        };
        let Some(eni_id) = &a.eni_id else {
            if !a.associated {
                dead.push((a.public, 0, format!("{what} (not associated)")));
            }
            continue;
        };
        let Some(&e) = snap.index.eni.get(eni_id) else {
            warn(
                snap,
                &a.origin,
                format!(
                    "Elastic IP `{}` is associated with network interface `{eni_id}`, which is not in the snapshot",
                    a.public
                ),
            );
            dead.push((
                a.public,
                0,
                format!("{what} (associated with {eni_id}, which is not in the snapshot)"),
            ));
            continue;
        };
        if !set_public(snap, e, a.private, a.public) {
            warn(
                snap,
                &a.origin,
                format!(
                    "Elastic IP `{}`: network interface `{eni_id}` has no private address to map it to",
                    a.public
                ),
            );
        }
    }
    dead
}

/// Fills [`pinhole_model::Index::dead_public_ip`]; run after the address index is built, since
/// an address a live interface holds is never dead.
pub(super) fn dead_public_ips(snap: &mut Snapshot, mut candidates: Vec<DeadCandidate>) {
    candidates.sort();
    for (ip, _, what) in candidates {
        if !snap.index.public_ip.contains_key(&ip) {
            snap.index.dead_public_ip.entry(ip).or_insert(what);
        }
    }
}
