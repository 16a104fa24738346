//! Pending resources → the model: references resolved to arena indices, arenas sorted by id,
//! implied AWS facts added (local routes, main tables, default NACLs), indices built.

mod elb;
mod network;
mod public_ips;
mod tgw;
mod workloads;

use crate::error::{IngestError, join, warning};
use crate::pending::Parts;
use pinhole_model::{Origin, Snapshot};

/// Builds the snapshot from everything read, on up to `threads` threads. On error, the
/// warnings gathered until then go with it, and a dangling reference names the files that were
/// ignored.
pub(crate) fn snapshot(mut parts: Parts, threads: usize) -> Result<Snapshot, IngestError> {
    let mut snap = Snapshot {
        warnings: std::mem::take(&mut parts.warnings),
        ..Snapshot::default()
    };
    if let Err(e) = build(&mut parts, &mut snap, threads) {
        return Err(hint_ignored(e, &parts).with_warnings(&snap.warnings));
    }
    snap.warnings.sort();
    snap.warnings.dedup();
    Ok(snap)
}

fn build(parts: &mut Parts, snap: &mut Snapshot, threads: usize) -> Result<(), IngestError> {
    let enis = std::mem::take(&mut parts.enis);
    let instances = std::mem::take(&mut parts.instances);
    // ENIs and instances are the bulk of an organisation: sort them on another thread while
    // the network is resolved.
    let sorted = if threads > 1 {
        std::thread::scope(|scope| {
            let sorting = scope.spawn(move || workloads::sort_instances_and_enis(enis, instances));
            let network = network(parts, snap);
            let sorted = sorting
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            network.map(|()| sorted)
        })?
    } else {
        network(parts, snap)?;
        workloads::sort_instances_and_enis(enis, instances)
    };
    let mut dead_ips = public_ips::dead_nat_addresses(parts);
    workloads::instances_and_enis(sorted, snap, threads)?;
    dead_ips.extend(public_ips::elastic_ips(parts, snap));
    workloads::gateways(parts, snap)?;
    tgw::transit_gateways(parts, snap);
    workloads::db_instances(parts, snap);
    elb::load_balancers(parts, snap);
    snap.rebuild_address_index();
    public_ips::dead_public_ips(snap, dead_ips);
    Ok(())
}

/// VPCs, subnets, route tables, NACLs, prefix lists and security groups.
fn network(parts: &mut Parts, snap: &mut Snapshot) -> Result<(), IngestError> {
    network::vpcs_and_subnets(parts, snap)?;
    network::subnet_consistency(snap);
    network::route_tables_and_acls(parts, snap)?;
    network::prefix_lists(parts, snap);
    workloads::security_groups(parts, snap);
    Ok(())
}

/// Adds the ignored files to a dangling reference: a `Vpcs.json` that held `null` is the real
/// cause of "subnet refers to VPC ..., which is not in the snapshot".
fn hint_ignored(e: IngestError, parts: &Parts) -> IngestError {
    match e {
        IngestError::DanglingReference {
            file,
            path,
            from,
            target,
            expected,
            note: None,
            warnings,
        } => {
            let key = expected.split('`').nth(1);
            IngestError::DanglingReference {
                note: parts.ignored_note(key),
                file,
                path,
                from,
                target,
                expected,
                warnings,
            }
        }
        e => e,
    }
}

pub(crate) fn warn(snap: &mut Snapshot, origin: &Origin, message: String) {
    snap.warnings
        .push(warning(&origin.file, &origin.path, &message));
}

/// A reference to a resource the snapshot does not hold.
pub(crate) fn dangling(
    origin: &Origin,
    field: &str,
    from: String,
    target: String,
    expected: &str,
) -> IngestError {
    IngestError::DanglingReference {
        file: origin.file.clone(),
        path: join(&origin.path, field),
        from,
        target,
        expected: expected.to_owned(),
        note: None,
        warnings: Vec::new(),
    }
}

/// Region of an availability zone name: `us-east-1a` → `us-east-1`, `us-west-2-lax-1a` →
/// `us-west-2`, `us-gov-west-1a` → `us-gov-west-1`.
pub(crate) fn region_of_az(az: &str) -> Option<String> {
    let mut parts = Vec::new();
    for part in az.split('-') {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            parts.push(part.to_owned());
        } else {
            parts.push(digits);
            return (parts.len() >= 3).then(|| parts.join("-"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::region_of_az;

    #[test]
    fn az_regions() {
        assert_eq!(region_of_az("us-east-1a").as_deref(), Some("us-east-1"));
        assert_eq!(
            region_of_az("us-gov-west-1b").as_deref(),
            Some("us-gov-west-1")
        );
        assert_eq!(
            region_of_az("us-west-2-lax-1a").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(
            region_of_az("ap-southeast-1c").as_deref(),
            Some("ap-southeast-1")
        );
        assert_eq!(region_of_az("nonsense"), None);
    }
}
