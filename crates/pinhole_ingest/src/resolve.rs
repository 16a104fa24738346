//! Pending resources → the model: references resolved to arena indices, arenas sorted by id,
//! implied AWS facts added (local routes, main tables, default NACLs), indices built.

mod elb;
mod network;
mod public_ips;
mod tgw;
mod workloads;

use crate::error::{IngestError, join};
use crate::pending::Parts;
use pinhole_model::{Origin, Snapshot, Warning};

/// Builds the snapshot from everything read.
pub(crate) fn snapshot(mut parts: Parts) -> Result<Snapshot, IngestError> {
    let mut snap = Snapshot {
        warnings: std::mem::take(&mut parts.warnings),
        ..Snapshot::default()
    };
    network::vpcs_and_subnets(&mut parts, &mut snap)?;
    network::route_tables_and_acls(&mut parts, &mut snap)?;
    network::prefix_lists(&mut parts, &mut snap);
    workloads::security_groups(&mut parts, &mut snap);
    let mut dead_ips = public_ips::dead_nat_addresses(&parts);
    workloads::instances_and_enis(&mut parts, &mut snap)?;
    dead_ips.extend(public_ips::elastic_ips(&mut parts, &mut snap));
    workloads::gateways(&mut parts, &mut snap)?;
    tgw::transit_gateways(&mut parts, &mut snap);
    workloads::db_instances(&mut parts, &mut snap);
    elb::load_balancers(&mut parts, &mut snap);
    snap.rebuild_address_index();
    public_ips::dead_public_ips(&mut snap, dead_ips);
    snap.warnings.sort();
    snap.warnings.dedup();
    Ok(snap)
}

pub(crate) fn warn(snap: &mut Snapshot, origin: &Origin, message: String) {
    snap.warnings.push(Warning {
        file: origin.file.clone(),
        path: origin.path.clone(),
        message,
    });
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
