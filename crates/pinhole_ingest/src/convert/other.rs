//! Prefix lists, RDS instances and endpoint services.

use super::{At, item};
use crate::error::IngestError;
use crate::pending::{PDbInstance, PPrefixList, Parts};
use crate::raw::{Str, other as r, own, own_or};

pub(super) fn prefix_lists(file: &str, list: Vec<r::PrefixList<'_>>, p: &mut Parts) {
    for (i, l) in list.into_iter().enumerate() {
        let path = item("PrefixLists", i);
        let at = At { file, path: &path };
        let cidrs = l
            .cidrs
            .iter()
            .enumerate()
            .map(|(k, c)| at.cidr(&format!("Cidrs[{k}]"), *c, p))
            .collect();
        p.prefix_lists.push(PPrefixList {
            id: l.prefix_list_id.into_owned(),
            name: own(l.prefix_list_name),
            cidrs: Some(cidrs),
            origin: at.origin(),
        });
    }
}

pub(super) fn managed_prefix_lists(file: &str, list: Vec<r::ManagedPrefixList<'_>>, p: &mut Parts) {
    for (i, l) in list.into_iter().enumerate() {
        let path = item("ManagedPrefixLists", i);
        let name = own(l.prefix_list_name)
            .or_else(|| pinhole_model::name_tag(&crate::raw::tags(&l.tags)).map(str::to_owned));
        p.prefix_lists.push(PPrefixList {
            id: l.prefix_list_id.into_owned(),
            name,
            cidrs: None,
            origin: At { file, path: &path }.origin(),
        });
    }
}

pub(super) fn prefix_list_entries(file: &str, list: Vec<r::PrefixListEntries<'_>>, p: &mut Parts) {
    for (i, l) in list.into_iter().enumerate() {
        let path = item("PrefixListEntries", i);
        let at = At { file, path: &path };
        let cidrs = l
            .entries
            .iter()
            .enumerate()
            .map(|(k, e)| at.cidr(&format!("Entries[{k}].Cidr"), e.cidr, p))
            .collect();
        p.prefix_lists.push(PPrefixList {
            id: l.prefix_list_id.into_owned(),
            name: None,
            cidrs: Some(cidrs),
            origin: at.origin(),
        });
    }
}

pub(super) fn db_instances(
    file: &str,
    list: Vec<r::DbInstance<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, d) in list.into_iter().enumerate() {
        let path = item("DBInstances", i);
        let at = At { file, path: &path };
        let port = match d.endpoint.as_ref().and_then(|e| e.port) {
            None => None,
            Some(n) => Some(u16::try_from(n).map_err(|_| {
                IngestError::invalid(file, &format!("{path}.Endpoint.Port"), n, "a port 0-65535")
            })?),
        };
        let (vpc_id, subnets) = match d.db_subnet_group {
            Some(g) => (
                own(g.vpc_id),
                g.subnets
                    .0
                    .into_iter()
                    .map(|s| s.subnet_identifier.into_owned())
                    .collect(),
            ),
            None => (None, Vec::new()),
        };
        p.db_instances.insert(PDbInstance {
            id: d.db_instance_identifier.into_owned(),
            engine: own(d.engine).unwrap_or_default(),
            status: own_or(d.db_instance_status, "available"),
            port,
            endpoint: d.endpoint.and_then(|e| own(e.address)),
            vpc_id,
            subnets,
            groups: d
                .vpc_security_groups
                .0
                .into_iter()
                .filter(|g| !matches!(g.status.as_deref(), Some("inactive" | "removing")))
                .map(|g| g.vpc_security_group_id.into_owned())
                .collect(),
            az: own(d.availability_zone),
            secondary_az: own(d.secondary_availability_zone),
            origin: at.origin(),
        });
    }
    Ok(())
}

/// The region's catalogue of AWS services is noise; services that an account provides
/// (PrivateLink behind its own load balancer) are worth a warning.
pub(super) fn endpoint_services(file: &str, list: Vec<r::ServiceDetail<'_>>, p: &mut Parts) {
    let own: Vec<&str> = list
        .iter()
        .filter(|s| !matches!(s.owner.as_deref(), None | Some("amazon")))
        .filter_map(|s| s.service_name.as_ref().map(Str::as_str))
        .collect();
    if let Some(first) = own.first() {
        let at = At {
            file,
            path: "ServiceDetails",
        };
        p.warn(
            &at.origin(),
            format!("endpoint services owned by accounts are not modelled yet: {} ignored, e.g. `{first}`", own.len()),
        );
    }
}
