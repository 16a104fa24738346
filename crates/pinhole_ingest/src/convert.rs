//! One file's raw sections → validated pending resources.
//!
//! Checks that span fields (port ranges, rule numbers, a route's destination and target) happen
//! here, with JSON paths built from the section key and element indices.

mod ec2;
pub(crate) mod elb;
mod other;
mod tgw;

use crate::error::{IngestError, join};
use crate::pending::{Ctx, Parts};
use crate::raw::{Cidr, FileContents, Section, Why};
use ipnet::IpNet;
use pinhole_model::Origin;
use std::sync::Arc;

/// Where we are in a file: its label and a JSON path.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub file: &'a str,
    pub path: &'a str,
}

impl<'a> At<'a> {
    pub fn origin(&self) -> Origin {
        Origin {
            file: self.file.to_owned(),
            path: self.path.to_owned(),
        }
    }
    pub fn field(&self, name: &str) -> String {
        join(self.path, name)
    }
    pub fn missing(&self, field: &str) -> IngestError {
        IngestError::missing(self.file, self.path, field)
    }
    pub fn invalid(
        &self,
        field: &str,
        found: impl std::fmt::Display,
        expected: &str,
    ) -> IngestError {
        IngestError::invalid(self.file, &self.field(field), found, expected)
    }
    /// The canonical network of a CIDR read at `field`, with a warning when it was written with
    /// host bits set (`10.3.101.5/24` is read as `10.3.101.0/24`; AWS itself refuses the former).
    pub fn cidr(&self, field: &str, c: Cidr, p: &mut Parts) -> IpNet {
        if let Some(written) = c.1 {
            p.warn_at(
                self.file,
                &self.field(field),
                &format!("CIDR `{written}` has host bits set: read as `{}`", c.0),
            );
        }
        c.0
    }
}

/// `Key[i]`.
pub(crate) fn item(key: &str, i: usize) -> String {
    format!("{key}[{i}]")
}

/// Whether a resource state means the resource still exists and carries traffic or may do so
/// soon; absent states (hand-written inputs) count as live.
pub(crate) fn live(state: Option<&str>) -> bool {
    !matches!(
        state,
        Some(
            "deleted"
                | "deleting"
                | "failed"
                | "rejected"
                | "expired"
                | "disassociated"
                | "detached"
                | "failing"
        )
    )
}

/// Region of an ARN (`arn:aws:ec2:us-east-1:111122223333:subnet/subnet-1`).
pub(crate) fn arn_region(arn: &str) -> Option<String> {
    arn.split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

/// Converts every section of one file.
pub(crate) fn file(
    label: &str,
    ctx: &Arc<Ctx>,
    contents: FileContents<'_>,
) -> Result<Parts, IngestError> {
    let mut parts = Parts::default();
    if let Some(what) = contents.not_an_object {
        let why = format!("not a describe-* output (the top level is {what})");
        parts.warn_at(label, "", &format!("{why}: file ignored"));
        parts.ignored.push((label.to_owned(), why));
        return Ok(parts);
    }
    if contents.sections.is_empty() {
        parts.warn_at(label, "", "no top-level key: file ignored");
        parts
            .ignored
            .push((label.to_owned(), "no top-level key".to_owned()));
    }
    let unknown: Vec<String> = contents
        .sections
        .iter()
        .filter_map(|s| match s {
            Section::Unknown { key } => Some(format!("`{key}`")),
            _ => None,
        })
        .collect();
    if unknown.len() == contents.sections.len() {
        if !unknown.is_empty() {
            parts.ignored.push((
                label.to_owned(),
                format!("only unknown top-level keys ({})", unknown.join(", ")),
            ));
        }
    } else {
        parts.recognised.push(label.to_owned());
    }
    for section in contents.sections {
        section_into(label, ctx, section, &mut parts)?;
    }
    Ok(parts)
}

fn section_into(
    file: &str,
    ctx: &Arc<Ctx>,
    s: Section<'_>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    match s {
        Section::Vpcs(v) => ec2::vpcs(file, ctx, v, p),
        Section::Subnets(v) => ec2::subnets(file, ctx, v, p),
        Section::RouteTables(v) => ec2::route_tables(file, v, p),
        Section::NetworkAcls(v) => ec2::network_acls(file, v, p),
        Section::SecurityGroups(v) => ec2::security_groups(file, ctx, v, p),
        Section::NetworkInterfaces(v) => ec2::network_interfaces(file, ctx, v, p),
        Section::Reservations(v) => ec2::reservations(file, ctx, v, p),
        Section::Addresses(v) => {
            ec2::addresses(file, v, p);
            Ok(())
        }
        Section::InternetGateways(v) => {
            ec2::internet_gateways(file, v, p);
            Ok(())
        }
        Section::NatGateways(v) => {
            ec2::nat_gateways(file, v, p);
            Ok(())
        }
        Section::VpcPeeringConnections(v) => ec2::peerings(file, v, p),
        Section::VpcEndpoints(v) => {
            ec2::vpc_endpoints(file, v, p);
            Ok(())
        }
        Section::AvailabilityZones(v) => {
            for z in v {
                if let Some(id) = z.zone_id {
                    p.zone_ids
                        .entry(z.zone_name.into_owned())
                        .or_insert_with(|| id.into_owned());
                }
            }
            Ok(())
        }
        Section::PrefixLists(v) => {
            other::prefix_lists(file, v, p);
            Ok(())
        }
        Section::ManagedPrefixLists(v) => {
            other::managed_prefix_lists(file, v, p);
            Ok(())
        }
        Section::PrefixListEntries(v) => {
            other::prefix_list_entries(file, v, p);
            Ok(())
        }
        Section::DbInstances(v) => other::db_instances(file, v, p),
        Section::LoadBalancers(v) => elb::load_balancers(file, v, p),
        Section::LoadBalancerListeners(v) => elb::listeners_of_lbs(file, v, p),
        Section::Listeners(v) => elb::listeners(file, v, p),
        Section::TargetGroups(v) => elb::target_groups(file, v, p),
        Section::ListenerRules(v) => elb::rules(file, v, p),
        Section::TargetHealth(v) => elb::target_health(file, v, p),
        Section::ElbAttributes(key, v) => elb::attributes(file, &key, v, p),
        Section::EndpointServices(v) => {
            other::endpoint_services(file, v, p);
            Ok(())
        }
        Section::TransitGateways(v) => {
            tgw::transit_gateways(ctx, v, p);
            Ok(())
        }
        Section::TgwAttachments(v) => {
            tgw::attachments(file, v, p);
            Ok(())
        }
        Section::TgwVpcAttachments(v) => {
            tgw::vpc_attachments(file, v, p);
            Ok(())
        }
        Section::TgwRouteTables(v) => {
            tgw::route_tables(v, p);
            Ok(())
        }
        Section::TgwPropagations(v) => {
            tgw::propagations(file, v, p);
            Ok(())
        }
        Section::TgwStaticRoutes(v) => tgw::routes(file, v, p),
        Section::TgwAssociations(v) => {
            tgw::associations(file, v, p);
            Ok(())
        }
        Section::NotModelled { key, count, why } => {
            let origin = Origin {
                file: file.to_owned(),
                path: key.clone(),
            };
            match why {
                _ if count == 0 => {}
                Why::Silent => {}
                Why::NotModelled => {
                    p.warn(&origin, format!("`{key}` is not modelled yet: {count} entries ignored"));
                }
                Why::NeedsParent(parent) => p.warn(
                    &origin,
                    format!(
                        "`{key}` without the id of the {parent} it belongs to cannot be used: {count} entries ignored"
                    ),
                ),
            }
            Ok(())
        }
        Section::Unknown { key } => {
            let origin = Origin {
                file: file.to_owned(),
                path: key.clone(),
            };
            p.warn(&origin, format!("unknown top-level key `{key}`: ignored"));
            Ok(())
        }
    }
}
