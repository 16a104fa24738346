//! Security groups, instances and their ENIs, addresses, gateways, peerings, endpoints and RDS.

use super::{dangling, warn};
use crate::convert::live;
use crate::error::IngestError;
use crate::pending::{PEni, Parts};
use pinhole_model::*;
use std::net::{IpAddr, Ipv4Addr};

pub(super) fn security_groups(parts: &mut Parts, snap: &mut Snapshot) {
    for g in std::mem::take(&mut parts.security_groups).into_sorted() {
        let vpc = g
            .vpc_id
            .as_deref()
            .and_then(|v| snap.index.vpc.get(v).copied());
        if let (None, Some(v)) = (vpc, &g.vpc_id) {
            warn(
                snap,
                &g.origin,
                format!(
                    "security group `{}` refers to VPC `{v}`, which is not in the snapshot",
                    g.id
                ),
            );
        }
        let ix = SgIx::from_usize(snap.security_groups.len());
        snap.index.sg.insert(g.id.clone(), ix);
        let account = g.owner.or(g.ctx.account).or_else(|| {
            vpc.and_then(|v| snap.vpcs.get(v.ix()))
                .map(|v| v.account.0.clone())
        });
        snap.security_groups.push(SecurityGroup {
            id: g.id.into(),
            vpc,
            account: account.unwrap_or_default().into(),
            group_name: g.name,
            tags: g.tags,
            ingress: g.ingress,
            egress: g.egress,
            origin: g.origin,
        });
    }
}

/// Instances, then ENIs from `NetworkInterfaces` plus those only the instances mention.
pub(super) fn instances_and_enis(
    parts: &mut Parts,
    snap: &mut Snapshot,
) -> Result<(), IngestError> {
    let mut enis = std::mem::take(&mut parts.enis);
    let mut instance_origins = Vec::new();
    for i in std::mem::take(&mut parts.instances).into_sorted() {
        for e in i.enis {
            match enis.get_mut(&e.id) {
                // The `NetworkInterfaces` copy wins; it gains the instance link if it lacks one.
                Some(known) => {
                    known
                        .instance_id
                        .get_or_insert(e.instance_id.unwrap_or_default());
                }
                None => enis.insert(e),
            }
        }
        let ix = InstanceIx::from_usize(snap.instances.len());
        snap.index.instance.insert(i.id.clone(), ix);
        instance_origins.push(i.origin);
        snap.instances.push(Instance {
            id: i.id.into(),
            state: i.state,
            windows: i.windows,
            enis: Vec::new(),
            tags: i.tags,
        });
    }
    let mut by_instance: Vec<Vec<(i64, EniIx)>> = vec![Vec::new(); snap.instances.len()];
    for e in enis.into_sorted() {
        let ix = EniIx::from_usize(snap.enis.len());
        let eni = resolve_eni(e, snap)?;
        if let Some(slot) = eni.0.instance.and_then(|i| by_instance.get_mut(i.ix())) {
            slot.push((eni.1, ix));
        }
        snap.index.eni.insert(eni.0.id.0.clone(), ix);
        snap.enis.push(eni.0);
    }
    for ((inst, mut list), origin) in snap
        .instances
        .iter_mut()
        .zip(by_instance)
        .zip(instance_origins)
    {
        list.sort();
        inst.enis = list.into_iter().map(|(_, e)| e).collect();
        if inst.enis.is_empty() && !matches!(inst.state.as_str(), "terminated" | "shutting-down") {
            snap.warnings.push(crate::error::warning(
                &origin.file,
                &origin.path,
                &format!(
                    "instance `{}` has no network interface in the snapshot",
                    inst.id
                ),
            ));
        }
    }
    Ok(())
}

/// The ENI and its device index (for ordering an instance's ENIs).
fn resolve_eni(e: PEni, snap: &mut Snapshot) -> Result<(NetworkInterface, i64), IngestError> {
    let Some(&subnet) = snap.index.subnet.get(&e.subnet_id) else {
        return Err(dangling(
            &e.origin,
            "SubnetId",
            format!("network interface `{}`", e.id),
            format!("subnet `{}`", e.subnet_id),
            "a subnet listed in a `Subnets` file",
        ));
    };
    let (vpc, subnet_account, subnet_vpc_id) = match snap.subnets.get(subnet.ix()) {
        Some(s) => (
            s.vpc,
            s.account.clone(),
            snap.vpcs.get(s.vpc.ix()).map(|v| v.id.0.clone()),
        ),
        None => (VpcIx(0), AccountId::default(), None),
    };
    if let (Some(given), Some(actual)) = (&e.vpc_id, &subnet_vpc_id)
        && given != actual
    {
        warn(
            snap,
            &e.origin,
            format!(
                "network interface `{}` names VPC `{given}` but its subnet is in `{actual}`",
                e.id
            ),
        );
    }
    let outside: Vec<IpAddr> = match snap.subnets.get(subnet.ix()) {
        Some(s) => e
            .private_ips
            .iter()
            .map(|p| p.addr)
            .chain(e.ipv6.iter().copied())
            .filter(|a| !s.cidrs.iter().any(|c| c.contains(a)))
            .collect(),
        None => Vec::new(),
    };
    for a in outside {
        let cidrs: Vec<String> = snap
            .subnets
            .get(subnet.ix())
            .map(|s| s.cidrs.iter().map(ToString::to_string).collect())
            .unwrap_or_default();
        warn(
            snap,
            &e.origin,
            format!(
                "network interface `{}` address `{a}` is outside the CIDRs of its subnet `{}` ({})",
                e.id,
                e.subnet_id,
                cidrs.join(", ")
            ),
        );
    }
    let mut groups = Vec::with_capacity(e.groups.len());
    for g in &e.groups {
        match snap.index.sg.get(g) {
            Some(&ix) => groups.push(ix),
            None => warn(
                snap,
                &e.origin,
                format!(
                    "network interface `{}` carries security group `{g}`, which is not in the snapshot",
                    e.id
                ),
            ),
        }
    }
    // The arena is sorted by id, so index order is id order: engines evaluate groups in it.
    groups.sort_unstable();
    groups.dedup();
    let instance = e
        .instance_id
        .as_deref()
        .and_then(|i| snap.index.instance.get(i).copied());
    Ok((
        NetworkInterface {
            id: e.id.into(),
            subnet,
            vpc,
            account: e
                .owner
                .or(e.ctx.account)
                .map(Into::into)
                .unwrap_or(subnet_account),
            kind: e.kind,
            private_ips: e.private_ips,
            ipv6: e.ipv6,
            groups,
            source_dest_check: e.source_dest_check,
            instance,
            description: e.description,
            status: e.status,
            tags: e.tags,
            origin: e.origin,
        },
        e.device_index,
    ))
}

/// Maps `public` to `private` (or the primary address) of ENI `e` unless it already has one.
pub(super) fn set_public(
    snap: &mut Snapshot,
    e: EniIx,
    private: Option<IpAddr>,
    public: Ipv4Addr,
) -> bool {
    let Some(eni) = snap.enis.get_mut(e.ix()) else {
        return false;
    };
    let slot = match private {
        Some(a) => eni.private_ips.iter_mut().find(|p| p.addr == a),
        None => {
            let i = eni.private_ips.iter().position(|p| p.primary).unwrap_or(0);
            eni.private_ips.get_mut(i)
        }
    };
    match slot {
        Some(p) => {
            p.public.get_or_insert(public);
            true
        }
        None => false,
    }
}

/// Internet gateways, NAT gateways, peerings and VPC endpoints.
pub(super) fn gateways(parts: &mut Parts, snap: &mut Snapshot) -> Result<(), IngestError> {
    for g in std::mem::take(&mut parts.internet_gateways).into_sorted() {
        let ix = IgwIx::from_usize(snap.internet_gateways.len());
        let mut vpcs = Vec::new();
        for (vpc_id, path) in &g.vpcs {
            let origin = Origin {
                file: g.origin.file.clone(),
                path: path.clone(),
            };
            let Some(&v) = snap.index.vpc.get(vpc_id) else {
                warn(
                    snap,
                    &origin,
                    format!(
                        "internet gateway `{}` is attached to VPC `{vpc_id}`, which is not in the snapshot",
                        g.id
                    ),
                );
                continue;
            };
            vpcs.push(v);
            match snap.vpcs.get_mut(v.ix()) {
                Some(vpc) if vpc.internet_gateway.is_none() => vpc.internet_gateway = Some(ix),
                _ => warn(
                    snap,
                    &origin,
                    format!(
                        "VPC `{vpc_id}` has several internet gateways: `{}` ignored",
                        g.id
                    ),
                ),
            }
        }
        snap.index.igw.insert(g.id.clone(), ix);
        snap.internet_gateways.push(InternetGateway {
            id: g.id.into(),
            vpcs,
            tags: g.tags,
        });
    }

    for n in std::mem::take(&mut parts.nat_gateways).into_sorted() {
        let subnet = n
            .subnet_id
            .as_deref()
            .and_then(|s| snap.index.subnet.get(s).copied());
        let Some(subnet) = subnet else {
            if !live(Some(&n.state)) {
                continue;
            }
            return Err(match &n.subnet_id {
                Some(s) => dangling(
                    &n.origin,
                    "SubnetId",
                    format!("NAT gateway `{}`", n.id),
                    format!("subnet `{s}`"),
                    "a subnet listed in a `Subnets` file",
                ),
                None => IngestError::missing(&n.origin.file, &n.origin.path, "SubnetId"),
            });
        };
        let vpc = snap
            .subnets
            .get(subnet.ix())
            .map(|s| s.vpc)
            .unwrap_or(VpcIx(0));
        let mut eni = None;
        for (eni_id, private, public) in &n.addresses {
            let Some(&e) = snap.index.eni.get(eni_id) else {
                continue;
            };
            eni.get_or_insert(e);
            if let Some(public) = public {
                set_public(snap, e, *private, *public);
            }
        }
        if eni.is_none() && live(Some(&n.state)) {
            warn(
                snap,
                &n.origin,
                format!(
                    "NAT gateway `{}` has no network interface in the snapshot",
                    n.id
                ),
            );
        }
        let ix = NatIx::from_usize(snap.nat_gateways.len());
        snap.index.nat.insert(n.id.clone(), ix);
        snap.nat_gateways.push(NatGateway {
            id: n.id.into(),
            vpc,
            subnet,
            state: n.state,
            public: n.public,
            private_ips: n.private_ips,
            public_ips: n.public_ips,
            eni,
            tags: n.tags,
        });
    }

    for mut c in std::mem::take(&mut parts.peerings).into_sorted() {
        c.requester.vpc = snap.index.vpc.get(c.requester.vpc_id.as_str()).copied();
        c.accepter.vpc = snap.index.vpc.get(c.accepter.vpc_id.as_str()).copied();
        let ix = PcxIx::from_usize(snap.peerings.len());
        snap.index.pcx.insert(c.id.clone(), ix);
        snap.peerings.push(VpcPeeringConnection {
            id: c.id.into(),
            status: c.status,
            requester: c.requester,
            accepter: c.accepter,
            tags: c.tags,
        });
    }

    for e in std::mem::take(&mut parts.vpc_endpoints).into_sorted() {
        let Some(&vpc) = snap.index.vpc.get(&e.vpc_id) else {
            if !live(Some(&e.state)) {
                continue;
            }
            return Err(dangling(
                &e.origin,
                "VpcId",
                format!("VPC endpoint `{}`", e.id),
                format!("VPC `{}`", e.vpc_id),
                "a VPC listed in a `Vpcs` file",
            ));
        };
        let ix = VpceIx::from_usize(snap.vpc_endpoints.len());
        snap.index.vpce.insert(e.id.clone(), ix);
        snap.vpc_endpoints.push(VpcEndpoint {
            id: e.id.into(),
            kind: e.kind,
            vpc,
            service: e.service,
            state: e.state,
            route_tables: e.route_tables.into_iter().map(Into::into).collect(),
            enis: e.enis.into_iter().map(Into::into).collect(),
            tags: e.tags,
        });
    }
    Ok(())
}

/// RDS instances and the ENIs that serve them: RDS ENIs in the DB's VPC whose security groups are
/// exactly the DB's (and whose subnet is in its subnet group), primary AZ first, then standby.
pub(super) fn db_instances(parts: &mut Parts, snap: &mut Snapshot) {
    let mut claimed = vec![false; snap.enis.len()];
    // RDS interfaces grouped by VPC once, so matching stays linear in the number of interfaces.
    let mut rds_by_vpc: rustc_hash::FxHashMap<VpcIx, Vec<EniIx>> = rustc_hash::FxHashMap::default();
    for (i, eni) in snap.enis.iter().enumerate() {
        if eni.kind == EniKind::Rds {
            rds_by_vpc
                .entry(eni.vpc)
                .or_default()
                .push(EniIx::from_usize(i));
        }
    }
    for d in std::mem::take(&mut parts.db_instances).into_sorted() {
        let vpc = d
            .vpc_id
            .as_deref()
            .and_then(|v| snap.index.vpc.get(v).copied());
        // Interfaces keep their groups sorted by index (id order) and deduplicated.
        let mut want: Vec<Option<SgIx>> = d
            .groups
            .iter()
            .map(|g| snap.index.sg.get(g.as_str()).copied())
            .collect();
        want.sort_unstable();
        want.dedup();
        let want: Option<Vec<SgIx>> = want.into_iter().collect();
        let in_vpc = vpc
            .and_then(|v| rds_by_vpc.get(&v))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let candidates: Vec<EniIx> = in_vpc
            .iter()
            .copied()
            .filter(|&e| !claimed.get(e.ix()).copied().unwrap_or(true))
            .filter(|&e| {
                let eni = snap.eni(e);
                want.as_deref() == Some(eni.groups.as_slice())
                    && (d.subnets.is_empty()
                        || d.subnets
                            .iter()
                            .any(|s| s == snap.subnet(eni.subnet).id.as_str()))
            })
            .collect();
        let in_az = |az: &Option<String>| -> Vec<EniIx> {
            match az {
                Some(az) => candidates
                    .iter()
                    .copied()
                    .filter(|&e| &snap.subnet(snap.eni(e).subnet).az == az)
                    .collect(),
                None => Vec::new(),
            }
        };
        let (at_primary, at_standby) = (in_az(&d.az), in_az(&d.secondary_az));
        let mut enis = Vec::new();
        if let Some(&p) = at_primary.first().or(candidates.first()) {
            enis.push(p);
        }
        if let Some(&s) = at_standby.iter().find(|s| !enis.contains(s)) {
            enis.push(s);
        }
        if at_primary.len() > 1 {
            warn(
                snap,
                &d.origin,
                format!(
                    "RDS instance `{}` matches {} network interfaces in `{}`: picked the first by id",
                    d.id,
                    at_primary.len(),
                    d.az.as_deref().unwrap_or("")
                ),
            );
        }
        if enis.is_empty() {
            warn(
                snap,
                &d.origin,
                format!(
                    "RDS instance `{}` has no network interface in the snapshot",
                    d.id
                ),
            );
        }
        for e in &enis {
            if let Some(c) = claimed.get_mut(e.ix()) {
                *c = true;
            }
        }
        let ix = DbIx::from_usize(snap.db_instances.len());
        snap.index.db.insert(d.id.clone(), ix);
        snap.db_instances.push(DbInstance {
            id: d.id.into(),
            engine: d.engine,
            status: d.status,
            port: d.port,
            endpoint: d.endpoint,
            vpc,
            enis,
        });
    }
}
