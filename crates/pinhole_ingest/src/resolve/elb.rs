//! ELBv2 load balancers: listeners attached by ARN, node ENIs linked by their description.

use super::warn;
use super::workloads::set_public;
use crate::convert::{elb::lb_resource, live};
use crate::pending::Parts;
use pinhole_model::*;
use rustc_hash::FxHashMap;

pub(super) fn load_balancers(parts: &mut Parts, snap: &mut Snapshot) {
    let pending = std::mem::take(&mut parts.load_balancers).into_sorted();
    let by_arn: FxHashMap<&str, usize> = pending
        .iter()
        .enumerate()
        .map(|(i, lb)| (lb.arn.as_str(), i))
        .collect();
    let mut listeners: Vec<Vec<Listener>> = vec![Vec::new(); pending.len()];
    let mut warnings = Vec::new();
    for l in std::mem::take(&mut parts.listeners) {
        match by_arn.get(l.lb_arn.as_str()).and_then(|&i| listeners.get_mut(i)) {
            Some(v) => v.push(l.listener),
            None => warnings.push((
                l.origin,
                format!(
                    "listener {} {} belongs to load balancer `{}`, which is not in the snapshot: ignored",
                    l.listener.protocol, l.listener.port, l.lb_arn
                ),
            )),
        }
    }

    for (lb, mut ls) in pending.iter().zip(listeners) {
        let vpc = lb
            .vpc_id
            .as_deref()
            .and_then(|v| snap.index.vpc.get(v).copied());
        if let (None, Some(v)) = (vpc, &lb.vpc_id) {
            warnings.push((
                lb.origin.clone(),
                format!(
                    "load balancer `{}` is in VPC `{v}`, which is not in the snapshot",
                    lb.name
                ),
            ));
        }
        ls.sort_by(|a, b| (a.port, &a.protocol).cmp(&(b.port, &b.protocol)));
        ls.dedup();
        snap.load_balancers.push(LoadBalancer {
            arn: lb.arn.clone(),
            name: lb.name.clone(),
            kind: lb.kind.clone(),
            scheme: lb.scheme.clone(),
            state: lb.state.clone(),
            vpc,
            listeners: ls,
            enis: Vec::new(),
        });
    }

    // Node ENIs: `ELB net/<name>/<id>` belongs to `...:loadbalancer/net/<name>/<id>`.
    let mut by_resource: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, lb) in pending.iter().enumerate() {
        if let Some(r) = lb_resource(&lb.arn) {
            by_resource.entry(r).or_default().push(i);
        }
    }
    for (e, eni) in snap.enis.iter().enumerate() {
        if eni.kind != EniKind::LoadBalancer {
            continue;
        }
        // Classic load balancers (`ELB <name>`) are not in the model.
        let Some(resource) = eni
            .description
            .strip_prefix("ELB ")
            .filter(|r| r.split('/').count() == 3)
        else {
            continue;
        };
        let candidates = by_resource.get(resource).map(Vec::as_slice).unwrap_or(&[]);
        let owner = match candidates {
            [] => None,
            [only] => Some(*only),
            several => several
                .iter()
                .copied()
                .find(|&i| snap.load_balancers.get(i).and_then(|lb| lb.vpc) == Some(eni.vpc))
                .or(several.first().copied()),
        };
        let Some(i) = owner else {
            warnings.push((
                eni.origin.clone(),
                format!(
                    "network interface `{}` belongs to load balancer `{resource}`, which is not in the snapshot",
                    eni.id
                ),
            ));
            continue;
        };
        let ix = EniIx::from_usize(e);
        snap.index.lb_of_eni.insert(ix, i);
        if let Some(lb) = snap.load_balancers.get_mut(i) {
            lb.enis.push(ix);
        }
    }

    for (i, p) in pending.iter().enumerate() {
        let Some(lb) = snap.load_balancers.get_mut(i) else {
            continue;
        };
        lb.enis.sort();
        if lb.enis.is_empty() && live(Some(&lb.state)) {
            warnings.push((
                p.origin.clone(),
                format!(
                    "load balancer `{}` has no network interface in the snapshot",
                    lb.name
                ),
            ));
        }
        // A node's fixed public address, for dumps whose ENIs do not show it.
        let enis = lb.enis.clone();
        for z in &p.zones {
            let node = enis.iter().copied().find(|&e| {
                snap.enis
                    .get(e.ix())
                    .and_then(|n| snap.subnets.get(n.subnet.ix()))
                    .is_some_and(|s| s.id.as_str() == z.subnet_id)
            });
            if let Some(e) = node {
                for &(public, private) in &z.addresses {
                    if let Some(public) = public {
                        set_public(snap, e, private, public);
                    }
                }
            }
        }
    }

    for (origin, message) in warnings {
        warn(snap, &origin, message);
    }
}
