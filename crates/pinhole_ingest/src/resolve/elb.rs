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

    // Rules join their listener by its ARN.
    let mut rules: FxHashMap<String, Vec<ListenerRule>> = FxHashMap::default();
    for r in std::mem::take(&mut parts.rules) {
        let known = listeners
            .iter()
            .flatten()
            .any(|l| l.arn.as_deref() == Some(r.listener_arn.as_str()));
        if known {
            rules.entry(r.listener_arn).or_default().push(r.rule);
        } else {
            warnings.push((
                r.origin,
                format!(
                    "rule of listener `{}`, which is not in the snapshot: ignored",
                    r.listener_arn
                ),
            ));
        }
    }
    for l in listeners.iter_mut().flatten() {
        if let Some(mut rs) = l.arn.as_ref().and_then(|a| rules.remove(a)) {
            rs.sort_by(|a, b| (a.priority, &a.source_ips).cmp(&(b.priority, &b.source_ips)));
            rs.dedup();
            l.rules = rs;
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
        // One listener per port and protocol, as read from several shapes: keep what each
        // copy knows (its ARN, its actions, its rules).
        ls.dedup_by(|later, kept| {
            if (later.port, &later.protocol) != (kept.port, &kept.protocol) {
                return false;
            }
            if kept.arn.is_none() {
                kept.arn = later.arn.take();
            }
            if kept.action == ListenerAction::Unknown {
                kept.action = std::mem::replace(&mut later.action, ListenerAction::Unknown);
            }
            if kept.rules.is_empty() {
                kept.rules = std::mem::take(&mut later.rules);
            }
            true
        });
        let mut security_groups = Vec::new();
        for g in &lb.security_groups {
            match snap.index.sg.get(g.as_str()) {
                Some(&ix) => security_groups.push(ix),
                None => warnings.push((
                    lb.origin.clone(),
                    format!(
                        "load balancer `{}` has security group `{g}`, which is not in the snapshot",
                        lb.name
                    ),
                )),
            }
        }
        security_groups.sort();
        security_groups.dedup();
        snap.load_balancers.push(LoadBalancer {
            arn: lb.arn.clone(),
            name: lb.name.clone(),
            kind: lb.kind.clone(),
            scheme: lb.scheme.clone(),
            state: lb.state.clone(),
            dns_name: lb.dns_name.clone(),
            vpc,
            listeners: ls,
            enis: Vec::new(),
            security_groups,
            cross_zone: None,
            origin: lb.origin.clone(),
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

    let lb_by_arn: FxHashMap<String, usize> = pending
        .iter()
        .enumerate()
        .map(|(i, lb)| (lb.arn.clone(), i))
        .collect();
    target_groups(parts, snap, &lb_by_arn, &mut warnings);

    for (origin, message) in warnings {
        warn(snap, &origin, message);
    }
}

/// Target groups, their registered targets and the attributes of groups and load balancers.
fn target_groups(
    parts: &mut Parts,
    snap: &mut Snapshot,
    lb_by_arn: &FxHashMap<String, usize>,
    warnings: &mut Vec<(Origin, String)>,
) {
    let pending = std::mem::take(&mut parts.target_groups).into_sorted();
    for tg in pending {
        let vpc = tg
            .vpc_id
            .as_deref()
            .and_then(|v| snap.index.vpc.get(v).copied());
        let mut lbs: Vec<usize> = tg
            .lb_arns
            .iter()
            .filter_map(|a| lb_by_arn.get(a).copied())
            .collect();
        lbs.sort_unstable();
        lbs.dedup();
        snap.index
            .target_group
            .insert(tg.arn.clone(), snap.target_groups.len());
        snap.target_groups.push(TargetGroup {
            arn: tg.arn,
            name: tg.name,
            target_type: tg.target_type,
            protocol: tg.protocol,
            port: tg.port,
            vpc,
            health_check: tg.health_check,
            preserve_client_ip: None,
            proxy_protocol_v2: None,
            cross_zone: None,
            load_balancers: lbs,
            targets: None,
            origin: tg.origin,
        });
    }
    // Listeners name the groups they forward to; a group's own list of load balancers may be
    // missing from hand-written inputs.
    for (i, lb) in snap.load_balancers.iter().enumerate() {
        for l in &lb.listeners {
            if let ListenerAction::Forward(arns) = &l.action {
                for a in arns {
                    if let Some(tg) = snap
                        .index
                        .target_group
                        .get(a)
                        .and_then(|&t| snap.target_groups.get_mut(t))
                        && !tg.load_balancers.contains(&i)
                    {
                        tg.load_balancers.push(i);
                        tg.load_balancers.sort_unstable();
                    }
                }
            }
        }
    }
    for h in std::mem::take(&mut parts.target_health) {
        let Some(tg) = snap
            .index
            .target_group
            .get(&h.tg_arn)
            .and_then(|&t| snap.target_groups.get_mut(t))
        else {
            warnings.push((
                h.origin,
                format!(
                    "target health of target group `{}`, which is not in the snapshot: ignored",
                    h.tg_arn
                ),
            ));
            continue;
        };
        let targets = tg.targets.get_or_insert_with(Vec::new);
        targets.extend(h.targets);
        targets.sort_by(|a, b| (&a.id, a.port, &a.az).cmp(&(&b.id, b.port, &b.az)));
        targets.dedup_by(|a, b| a.id == b.id && a.port == b.port && a.az == b.az);
    }
    for a in std::mem::take(&mut parts.elb_attributes) {
        if a.of_target_group {
            match snap
                .index
                .target_group
                .get(&a.arn)
                .and_then(|&t| snap.target_groups.get_mut(t))
            {
                Some(tg) => {
                    tg.cross_zone = a.cross_zone.or(tg.cross_zone);
                    tg.preserve_client_ip = a.preserve_client_ip.or(tg.preserve_client_ip);
                    tg.proxy_protocol_v2 = a.proxy_protocol_v2.or(tg.proxy_protocol_v2);
                }
                None => warnings.push((
                    a.origin,
                    format!(
                        "attributes of target group `{}`, which is not in the snapshot: ignored",
                        a.arn
                    ),
                )),
            }
        } else {
            match lb_by_arn
                .get(&a.arn)
                .and_then(|&i| snap.load_balancers.get_mut(i))
            {
                Some(lb) => lb.cross_zone = a.cross_zone.or(lb.cross_zone),
                None => warnings.push((
                    a.origin,
                    format!(
                        "attributes of load balancer `{}`, which is not in the snapshot: ignored",
                        a.arn
                    ),
                )),
            }
        }
    }
}
