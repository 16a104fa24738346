//! Elastic Load Balancing v2: load balancers and listeners.

use super::{At, item};
use crate::error::IngestError;
use crate::pending::{PLbZone, PListener, PLoadBalancer, Parts};
use crate::raw::{elb as r, own, own_or};
use pinhole_model::{Listener, LoadBalancerKind};

/// `loadbalancer/<type>/<name>/<id>` of an ELBv2 ARN, without the `loadbalancer/`:
/// `net/web/0123456789abcdef`. Node ENIs are described as `ELB ` followed by the same.
pub(crate) fn lb_resource(arn: &str) -> Option<&str> {
    arn.split_once(":loadbalancer/")
        .map(|(_, r)| r)
        .filter(|r| r.split('/').count() == 3)
}

/// The `<type>` segment of the ARN: `net`, `app` or `gwy`.
fn arn_type(arn: &str) -> Option<&str> {
    lb_resource(arn).and_then(|r| r.split('/').next())
}

pub(super) fn load_balancers(
    file: &str,
    list: Vec<r::LoadBalancer<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, lb) in list.into_iter().enumerate() {
        let path = item("LoadBalancers", i);
        let at = At { file, path: &path };
        let kind = match (lb.r#type.as_deref(), arn_type(&lb.load_balancer_arn)) {
            (Some("network"), _) | (None, Some("net")) => LoadBalancerKind::Network,
            (Some("application"), _) | (None, Some("app")) => LoadBalancerKind::Application,
            (Some("gateway"), _) | (None, Some("gwy")) => LoadBalancerKind::Gateway,
            (Some(other), _) => LoadBalancerKind::Other(other.to_owned()),
            (None, _) => return Err(at.missing("Type")),
        };
        let name = own(lb.load_balancer_name)
            .or_else(|| {
                lb_resource(&lb.load_balancer_arn)
                    .and_then(|r| r.split('/').nth(1))
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| lb.load_balancer_arn.to_string());
        let zones = lb
            .availability_zones
            .0
            .into_iter()
            .filter_map(|z| {
                let subnet_id = z.subnet_id?.into_owned();
                let addresses = z
                    .load_balancer_addresses
                    .iter()
                    .map(|a| {
                        (
                            a.ip_address.map(|x| x.0),
                            a.private_ipv4_address.map(|x| x.0),
                        )
                    })
                    .collect();
                Some(PLbZone {
                    subnet_id,
                    addresses,
                })
            })
            .collect();
        p.load_balancers.insert(PLoadBalancer {
            arn: lb.load_balancer_arn.into_owned(),
            name,
            kind,
            scheme: own(lb.scheme).unwrap_or_default(),
            state: own_or(lb.state.and_then(|s| s.code), "active"),
            vpc_id: own(lb.vpc_id),
            zones,
            origin: at.origin(),
        });
    }
    Ok(())
}

/// `describe-listeners` wrapped per load balancer: `{LoadBalancerArn, Listeners: [...]}`.
pub(super) fn listeners_of_lbs(
    file: &str,
    list: Vec<r::ListenersOfLb<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, w) in list.into_iter().enumerate() {
        for (j, l) in w.listeners.iter().enumerate() {
            let path = format!("LoadBalancerListeners[{i}].Listeners[{j}]");
            let arn = w
                .load_balancer_arn
                .as_deref()
                .or(l.load_balancer_arn.as_deref());
            listener(At { file, path: &path }, arn, l, p)?;
        }
    }
    Ok(())
}

/// The single-call `describe-listeners` output: each listener names its load balancer.
pub(super) fn listeners(
    file: &str,
    list: Vec<r::Listener<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, l) in list.iter().enumerate() {
        let path = item("Listeners", i);
        listener(
            At { file, path: &path },
            l.load_balancer_arn.as_deref(),
            l,
            p,
        )?;
    }
    Ok(())
}

const PROTOCOLS: &[&str] = &["TCP", "UDP", "TCP_UDP", "TLS", "HTTP", "HTTPS", "GENEVE"];

/// Gateway load balancers listen for GENEVE on 6081 and report neither port nor protocol.
const GENEVE_PORT: u16 = 6081;

fn listener(
    at: At<'_>,
    lb_arn: Option<&str>,
    l: &r::Listener<'_>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    let Some(lb_arn) = lb_arn else {
        p.warn(
            &at.origin(),
            "listener without the ARN of the load balancer it belongs to cannot be used: ignored"
                .to_owned(),
        );
        return Ok(());
    };
    let gateway = arn_type(lb_arn) == Some("gwy");
    let protocol = match l.protocol.as_deref() {
        Some(s) => match PROTOCOLS.iter().find(|k| k.eq_ignore_ascii_case(s.trim())) {
            Some(k) => (*k).to_owned(),
            None => {
                p.warn(
                    &at.origin(),
                    format!(
                        "listener protocol `{s}` of load balancer `{lb_arn}` is not one pinhole knows ({}): kept as written",
                        PROTOCOLS.join(", ")
                    ),
                );
                s.to_owned()
            }
        },
        None if gateway => "GENEVE".to_owned(),
        None => return Err(at.missing("Protocol")),
    };
    let port = match l.port {
        Some(n) => u16::try_from(n)
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| at.invalid("Port", n, "a port 1-65535"))?,
        None if gateway => GENEVE_PORT,
        None => return Err(at.missing("Port")),
    };
    p.listeners.push(PListener {
        lb_arn: lb_arn.to_owned(),
        listener: Listener { protocol, port },
        origin: at.origin(),
    });
    Ok(())
}
