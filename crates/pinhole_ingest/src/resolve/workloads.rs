//! Security groups, instances and their ENIs, addresses, gateways, peerings, endpoints and RDS.

use super::{dangling, warn};
use crate::convert::live;
use crate::error::IngestError;
use crate::error::warning;
use crate::pending::{PEni, PInstance, Parts, Store};
use pinhole_model::*;
use rustc_hash::FxHashMap;
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
        let account = g.owner.or_else(|| g.ctx.account.clone()).or_else(|| {
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

/// ENIs and instances sorted by id, their copies settled: work that needs nothing else of the
/// snapshot, so that it can run while VPCs, subnets, route tables and security groups are
/// resolved.
pub(super) struct SortedEnis {
    enis: Vec<PEni>,
    /// Where each ENI added went in `enis` ([`crate::pending::Store::into_sorted_with_positions`]).
    went: Vec<usize>,
    instances: Vec<PInstance>,
}

pub(super) fn sort_instances_and_enis(
    enis: Store<PEni>,
    instances: Store<PInstance>,
) -> SortedEnis {
    let (enis, went) = enis.into_sorted_with_positions();
    SortedEnis {
        enis,
        went,
        instances: instances.into_sorted(),
    }
}

/// ENIs per thread, at least, when resolving them on several threads (few in unit tests, so
/// that small inputs take the parallel path too).
const ENIS_PER_THREAD: usize = if cfg!(test) { 2 } else { 4096 };

/// Instances, then ENIs from `NetworkInterfaces` plus those only the instances mention. ENIs are
/// resolved on up to `threads` threads.
pub(super) fn instances_and_enis(
    sorted: SortedEnis,
    snap: &mut Snapshot,
    threads: usize,
) -> Result<(), IngestError> {
    let SortedEnis {
        mut enis,
        went,
        instances,
    } = sorted;
    snap.instances.reserve(instances.len());
    snap.index.instance.reserve(instances.len());
    let mut instance_origins = Vec::with_capacity(instances.len());
    // The `NetworkInterfaces` copy of an ENI wins; it gains the instance link if it lacks one
    // (from the first instance, by id, that embeds it). ENIs only instances mention are added:
    // the first embedded copy, by instance id. Links: (ENI, instance, the instance the embedded
    // copy names when not that one).
    let mut links: Vec<(usize, InstanceIx, Option<String>)> = Vec::new();
    let mut full: Vec<(PEni, InstanceIx)> = Vec::new();
    for i in instances {
        let ix = InstanceIx::from_usize(snap.instances.len());
        for l in i.listed {
            if let Some(&k) = went.get(l.added_as) {
                links.push((k, ix, l.instance_id));
            }
        }
        full.extend(i.enis.into_iter().map(|e| (e, ix)));
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
    drop(went);
    // Embedded copies still in full: of ENIs no `NetworkInterfaces` file lists, or one merged
    // after the instance's file.
    let mut embedded_only: Vec<PEni> = Vec::new();
    if !full.is_empty() {
        let known: FxHashMap<&str, usize> = enis
            .iter()
            .enumerate()
            .map(|(k, e)| (e.id.as_str(), k))
            .collect();
        let mut late_links = Vec::new();
        for (e, ix) in full {
            match known.get(e.id.as_str()) {
                Some(&k) => late_links.push((k, ix, e.instance_id)),
                None => embedded_only.push(e),
            }
        }
        drop(known);
        links.extend(late_links);
        // In instance order, as one pass over the instances would have found them.
        links.sort_by_key(|&(_, ix, _)| ix);
    }
    for (k, ix, instance_id) in links {
        if let Some(e) = enis.get_mut(k)
            && e.instance_id.is_none()
        {
            e.instance_id = Some(match instance_id {
                Some(id) => id,
                None => snap
                    .instances
                    .get(ix.ix())
                    .map(|i| i.id.0.clone())
                    .unwrap_or_default(),
            });
        }
    }
    let enis = merge_sorted(enis, first_per_id(embedded_only));

    // Resolve in consecutive chunks, one per thread; then add them in order, as one pass
    // would have: the warnings of the ENIs before an error go with it.
    let total = enis.len();
    let threads = threads.clamp(1, (total / ENIS_PER_THREAD).max(1));
    let resolved: Vec<ResolvedEnis> = {
        let snap: &Snapshot = snap;
        let mut chunks = in_chunks(enis, threads).into_iter();
        let first = chunks.next();
        std::thread::scope(|scope| {
            let others: Vec<_> = chunks
                .map(|c| scope.spawn(move || resolve_enis(c, snap)))
                .collect();
            let mut all: Vec<ResolvedEnis> =
                first.map(|c| resolve_enis(c, snap)).into_iter().collect();
            for h in others {
                all.push(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            }
            all
        })
    };
    snap.index.eni.reserve(total);
    // (instance, device index, ENI): each instance's ENIs in device order.
    let mut attached: Vec<(InstanceIx, i64, EniIx)> = Vec::new();
    for mut chunk in resolved {
        snap.warnings.append(&mut chunk.warnings);
        let first = snap.enis.len();
        for (k, (key, (instance, device_index))) in
            chunk.keys.into_iter().zip(chunk.attached).enumerate()
        {
            let ix = EniIx::from_usize(first + k);
            if let Some(i) = instance {
                attached.push((i, device_index, ix));
            }
            snap.index.eni.insert(key, ix);
        }
        if snap.enis.is_empty() {
            snap.enis = chunk.enis;
        } else {
            snap.enis.append(&mut chunk.enis);
        }
        if let Some(e) = chunk.error {
            return Err(e);
        }
    }
    attached.sort_unstable();
    let mut attached = attached.into_iter().peekable();
    for (i, (inst, origin)) in snap.instances.iter_mut().zip(instance_origins).enumerate() {
        let ix = InstanceIx::from_usize(i);
        while let Some((_, _, e)) = attached.next_if(|a| a.0 == ix) {
            inst.enis.push(e);
        }
        if inst.enis.is_empty() && !matches!(inst.state.as_str(), "terminated" | "shutting-down") {
            snap.warnings.push(crate::error::warning(
                &origin.file,
                &origin.path(),
                &format!(
                    "instance `{}` has no network interface in the snapshot",
                    inst.id
                ),
            ));
        }
    }
    Ok(())
}

/// A chunk of ENIs resolved, with the index key, instance and device index of each, the warnings
/// found, and the error that stopped it, if any.
struct ResolvedEnis {
    enis: Vec<NetworkInterface>,
    keys: Vec<String>,
    attached: Vec<(Option<InstanceIx>, i64)>,
    warnings: Vec<Warning>,
    error: Option<IngestError>,
}

/// Resolves `enis` against the rest of `snap`, up to the first error.
fn resolve_enis(enis: Vec<PEni>, snap: &Snapshot) -> ResolvedEnis {
    let mut out = ResolvedEnis {
        enis: Vec::with_capacity(enis.len()),
        keys: Vec::with_capacity(enis.len()),
        attached: Vec::with_capacity(enis.len()),
        warnings: Vec::new(),
        error: None,
    };
    for e in enis {
        match resolve_eni(e, snap, &mut out.warnings) {
            Ok((eni, device_index)) => {
                out.keys.push(eni.id.0.clone());
                out.attached.push((eni.instance, device_index));
                out.enis.push(eni);
            }
            Err(err) => {
                out.error = Some(err);
                break;
            }
        }
    }
    out
}

/// `items` cut into `n` consecutive chunks of about the same size, in order.
fn in_chunks<T>(mut items: Vec<T>, n: usize) -> Vec<Vec<T>> {
    let per = items.len().div_ceil(n.max(1)).max(1);
    let mut chunks = Vec::with_capacity(n);
    while items.len() > per {
        let tail = items.split_off(items.len() - per);
        chunks.push(tail);
    }
    chunks.push(items);
    chunks.reverse();
    chunks
}

/// One ENI per id, sorted by id: the first of each id in `enis`.
fn first_per_id(enis: Vec<PEni>) -> Vec<PEni> {
    let mut order: Vec<(&str, usize)> = enis
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    order.sort_unstable();
    order.dedup_by(|later, first| later.0 == first.0);
    let order: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
    let mut slots: Vec<Option<PEni>> = enis.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// Two lists sorted by id, with no id in both, as one sorted list.
fn merge_sorted(a: Vec<PEni>, b: Vec<PEni>) -> Vec<PEni> {
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.id <= y.id => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(e) => out.push(e),
            None => return out,
        }
    }
}

/// The ENI and its device index (for ordering an instance's ENIs).
fn resolve_eni(
    e: PEni,
    snap: &Snapshot,
    warnings: &mut Vec<Warning>,
) -> Result<(NetworkInterface, i64), IngestError> {
    let Some(&subnet) = snap.index.subnet.get(&e.subnet_id) else {
        return Err(dangling(
            &e.origin,
            "SubnetId",
            format!("network interface `{}`", e.id),
            format!("subnet `{}`", e.subnet_id),
            "a subnet listed in a `Subnets` file",
        ));
    };
    let mut found: Vec<String> = Vec::new();
    let (vpc, subnet_account) = match snap.subnets.get(subnet.ix()) {
        Some(s) => {
            let actual = snap.vpcs.get(s.vpc.ix()).map(|v| v.id.as_str());
            if let (Some(given), Some(actual)) = (&e.vpc_id, actual)
                && given != actual
            {
                found.push(format!(
                    "network interface `{}` names VPC `{given}` but its subnet is in `{actual}`",
                    e.id
                ));
            }
            let outside = e
                .private_ips
                .iter()
                .map(|p| p.addr)
                .chain(e.ipv6.iter().copied())
                .filter(|a| !s.cidrs.iter().any(|c| c.contains(a)));
            for a in outside {
                let cidrs: Vec<String> = s.cidrs.iter().map(ToString::to_string).collect();
                found.push(format!(
                    "network interface `{}` address `{a}` is outside the CIDRs of its subnet `{}` ({})",
                    e.id,
                    e.subnet_id,
                    cidrs.join(", ")
                ));
            }
            (s.vpc, Some(&s.account))
        }
        None => (VpcIx(0), None),
    };
    let mut groups = Vec::with_capacity(e.groups.len());
    for g in &e.groups {
        match snap.index.sg.get(g) {
            Some(&ix) => groups.push(ix),
            None => found.push(format!(
                "network interface `{}` carries security group `{g}`, which is not in the snapshot",
                e.id
            )),
        }
    }
    // The arena is sorted by id, so index order is id order: engines evaluate groups in it.
    groups.sort_unstable();
    groups.dedup();
    let instance = e
        .instance_id
        .as_deref()
        .and_then(|i| snap.index.instance.get(i).copied());
    let account = match e.owner {
        Some(o) => o.into(),
        None => match &e.ctx.account {
            Some(a) => a.as_str().into(),
            None => subnet_account.cloned().unwrap_or_default(),
        },
    };
    for message in found {
        warnings.push(warning(&e.origin.file, &e.origin.path, &message));
    }
    Ok((
        NetworkInterface {
            id: e.id.into(),
            subnet,
            vpc,
            account,
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
            origin: c.origin,
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
    // RDS interfaces grouped once by VPC and security groups (sorted by index, deduplicated): a
    // database only matches interfaces in its VPC with exactly its groups, so it looks at those
    // alone, however many databases the VPC holds.
    let mut rds: FxHashMap<(VpcIx, Vec<SgIx>), Vec<EniIx>> = FxHashMap::default();
    for (i, eni) in snap.enis.iter().enumerate() {
        if eni.kind == EniKind::Rds {
            rds.entry((eni.vpc, eni.groups.clone()))
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
        let same_groups = match (vpc, want) {
            (Some(v), Some(w)) => rds.get(&(v, w)).map(Vec::as_slice).unwrap_or(&[]),
            _ => &[],
        };
        let candidates: Vec<EniIx> = same_groups
            .iter()
            .copied()
            .filter(|&e| !claimed.get(e.ix()).copied().unwrap_or(true))
            .filter(|&e| {
                d.subnets.is_empty()
                    || d.subnets
                        .iter()
                        .any(|s| s == snap.subnet(snap.eni(e).subnet).id.as_str())
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
