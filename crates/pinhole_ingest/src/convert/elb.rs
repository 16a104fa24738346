//! Elastic Load Balancing v2: load balancers and listeners.

use super::{At, item};
use crate::error::IngestError;
use crate::pending::{
    PElbAttributes, PLbZone, PListener, PLoadBalancer, PRule, PTargetGroup, PTargetHealth, Parts,
};
use crate::raw::{elb as r, own, own_or};
use pinhole_model::{
    HealthCheck, Listener, ListenerAction, ListenerRule, LoadBalancerKind, Target, TargetType,
};

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
            dns_name: own(lb.dns_name),
            state: own_or(lb.state.and_then(|s| s.code), "active"),
            vpc_id: own(lb.vpc_id),
            zones,
            security_groups: lb.security_groups.iter().map(|g| g.to_string()).collect(),
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
    let action = match &l.default_actions {
        None => ListenerAction::Unknown,
        Some(actions) => listener_action(at, "DefaultActions", actions)?,
    };
    p.listeners.push(PListener {
        lb_arn: lb_arn.to_owned(),
        listener: Listener {
            protocol,
            port,
            action,
            arn: l.listener_arn.as_deref().map(str::to_owned),
            rules: Vec::new(),
        },
        origin: at.origin(),
    });
    Ok(())
}

/// The default actions of a listener: the target groups of its `forward` actions (a plain
/// `TargetGroupArn` or a weighted `ForwardConfig`), else the first action that answers itself.
fn listener_action(
    at: At<'_>,
    field: &str,
    actions: &[r::Action<'_>],
) -> Result<ListenerAction, IngestError> {
    let mut groups: Vec<String> = Vec::new();
    let mut answer = None;
    for (k, a) in actions.iter().enumerate() {
        let Some(kind) = a.r#type.as_deref() else {
            return Err(at.missing(&format!("{field}[{k}].Type")));
        };
        if kind.eq_ignore_ascii_case("forward") {
            let before = groups.len();
            groups.extend(a.target_group_arn.iter().map(|g| g.to_string()));
            if let Some(fc) = &a.forward_config {
                groups.extend(
                    fc.target_groups
                        .iter()
                        .map(|g| g.target_group_arn.to_string()),
                );
            }
            if groups.len() == before {
                return Err(at.missing(&format!("{field}[{k}].TargetGroupArn")));
            }
        } else if answer.is_none() && !kind.starts_with("authenticate") {
            answer = Some(kind.to_owned());
        }
    }
    groups.sort();
    groups.dedup();
    Ok(match (groups.is_empty(), answer) {
        (false, _) => ListenerAction::Forward(groups),
        (true, Some(a)) => ListenerAction::Answer(a),
        (true, None) => ListenerAction::Unknown,
    })
}

/// A port as ELBv2 writes it: a number 1-65535.
fn port_of(at: At<'_>, field: &str, n: i64) -> Result<u16, IngestError> {
    u16::try_from(n)
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| at.invalid(field, n, "a port 1-65535"))
}

/// `elbv2 describe-target-groups`.
pub(super) fn target_groups(
    file: &str,
    list: Vec<r::TargetGroup<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, tg) in list.into_iter().enumerate() {
        let path = item("TargetGroups", i);
        let at = At { file, path: &path };
        let target_type = match tg.target_type.as_deref() {
            Some("instance") => TargetType::Instance,
            Some("ip") => TargetType::Ip,
            Some("alb") => TargetType::Alb,
            Some("lambda") => TargetType::Lambda,
            Some(other) => {
                p.warn(
                    &at.origin(),
                    format!(
                        "target type `{other}` of target group `{}` is not one pinhole knows (instance, ip, alb, lambda): its targets are not followed",
                        tg.target_group_arn
                    ),
                );
                TargetType::Other(other.to_owned())
            }
            None => return Err(at.missing("TargetType")),
        };
        let port = tg.port.map(|n| port_of(at, "Port", n)).transpose()?;
        let hc_port = match tg.health_check_port.as_deref().map(str::trim) {
            None | Some("traffic-port") => None,
            Some(s) => Some(s.parse::<u16>().ok().filter(|&n| n > 0).ok_or_else(|| {
                at.invalid("HealthCheckPort", s, "`traffic-port` or a port 1-65535")
            })?),
        };
        let protocol = own(tg.protocol).unwrap_or_default().to_ascii_uppercase();
        let hc_protocol = own(tg.health_check_protocol)
            .map(|s| s.to_ascii_uppercase())
            .unwrap_or_else(|| {
                if protocol.starts_with("HTTP") {
                    "HTTP"
                } else {
                    "TCP"
                }
                .to_owned()
            });
        let name = own(tg.target_group_name)
            .or_else(|| {
                tg.target_group_arn
                    .split_once(":targetgroup/")
                    .and_then(|(_, r)| r.split('/').next())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| tg.target_group_arn.to_string());
        p.target_groups.insert(PTargetGroup {
            arn: tg.target_group_arn.into_owned(),
            name,
            target_type,
            protocol,
            port,
            vpc_id: own(tg.vpc_id),
            health_check: HealthCheck {
                enabled: tg.health_check_enabled.unwrap_or(true),
                protocol: hc_protocol,
                port: hc_port,
            },
            lb_arns: tg
                .load_balancer_arns
                .iter()
                .map(|a| a.to_string())
                .collect(),
            origin: at.origin(),
        });
    }
    Ok(())
}

/// `describe-target-health` wrapped per target group: `{TargetGroupArn, TargetHealthDescriptions}`.
pub(super) fn target_health(
    file: &str,
    list: Vec<r::HealthOfGroup<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, w) in list.into_iter().enumerate() {
        let path = item("LoadBalancerTargetHealth", i);
        let at = At { file, path: &path };
        let Some(tg_arn) = w.target_group_arn else {
            p.warn(
                &at.origin(),
                "target health without the ARN of the target group it belongs to cannot be used: ignored"
                    .to_owned(),
            );
            continue;
        };
        let mut targets = Vec::with_capacity(w.target_health_descriptions.0.len());
        for (j, d) in w.target_health_descriptions.iter().enumerate() {
            let path = format!("{path}.TargetHealthDescriptions[{j}]");
            let at = At { file, path: &path };
            let Some(t) = &d.target else {
                return Err(at.missing("Target"));
            };
            let Some(id) = t.id.as_deref() else {
                return Err(at.missing("Target.Id"));
            };
            let port = t.port.map(|n| port_of(at, "Target.Port", n)).transpose()?;
            let state = match d.target_health.as_ref().and_then(|h| h.state.as_deref()) {
                Some(s) => s.to_owned(),
                None => {
                    p.warn(
                        &at.origin(),
                        format!("target `{id}` has no `TargetHealth.State`: read as `unavailable`"),
                    );
                    "unavailable".to_owned()
                }
            };
            targets.push(Target {
                id: id.to_owned(),
                port,
                az: t.availability_zone.as_deref().map(str::to_owned),
                state,
                reason: d
                    .target_health
                    .as_ref()
                    .and_then(|h| h.reason.as_deref())
                    .map(str::to_owned),
            });
        }
        p.target_health.push(PTargetHealth {
            tg_arn: tg_arn.into_owned(),
            targets,
            origin: at.origin(),
        });
    }
    Ok(())
}

/// `describe-load-balancer-attributes` or `describe-target-group-attributes`, wrapped with the
/// ARN they belong to. Only the keys that change forwarding are kept.
pub(super) fn attributes(
    file: &str,
    key: &str,
    list: Vec<r::AttributesOf<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, w) in list.into_iter().enumerate() {
        let path = item(key, i);
        let at = At { file, path: &path };
        let (arn, of_target_group) = match (w.load_balancer_arn, w.target_group_arn) {
            (Some(a), _) => (a, false),
            (None, Some(a)) => (a, true),
            (None, None) => {
                p.warn(
                    &at.origin(),
                    "attributes without the ARN of the load balancer or target group they belong to cannot be used: ignored"
                        .to_owned(),
                );
                continue;
            }
        };
        let mut out = PElbAttributes {
            arn: arn.into_owned(),
            of_target_group,
            origin: at.origin(),
            ..PElbAttributes::default()
        };
        for (j, a) in w.attributes.iter().enumerate() {
            let field = format!("Attributes[{j}].Value");
            let value = a.value.as_deref().unwrap_or_default().trim();
            let flag = || match value.to_ascii_lowercase().as_str() {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                _ => Err(at.invalid(&field, value, "`true` or `false`")),
            };
            match a.key.as_str() {
                "load_balancing.cross_zone.enabled" => {
                    out.cross_zone = if value == "use_load_balancer_configuration" {
                        None
                    } else {
                        flag()?
                    }
                }
                "preserve_client_ip.enabled" => out.preserve_client_ip = flag()?,
                "proxy_protocol_v2.enabled" => out.proxy_protocol_v2 = flag()?,
                _ => {}
            }
        }
        p.elb_attributes.push(out);
    }
    Ok(())
}

/// The listener a rule belongs to, from the rule's ARN:
/// `…:listener-rule/app/alb/1/l/r` belongs to `…:listener/app/alb/1/l`.
fn listener_of_rule(rule_arn: &str) -> Option<String> {
    let (head, rest) = rule_arn.split_once(":listener-rule/")?;
    let (listener, _) = rest.rsplit_once('/')?;
    Some(format!("{head}:listener/{listener}"))
}

/// `elbv2 describe-rules`: the rules of a listener other than its default one (the default
/// action is read from the listener itself).
pub(super) fn rules(file: &str, list: Vec<r::Rule<'_>>, p: &mut Parts) -> Result<(), IngestError> {
    for (i, rule) in list.into_iter().enumerate() {
        let path = item("Rules", i);
        let at = At { file, path: &path };
        let priority = rule.priority.as_deref().map(str::trim);
        if rule.is_default == Some(true) || priority == Some("default") {
            continue;
        }
        let Some(listener_arn) = listener_of_rule(&rule.rule_arn) else {
            return Err(at.invalid(
                "RuleArn",
                &rule.rule_arn,
                "a listener rule ARN (`arn:aws:elasticloadbalancing:…:listener-rule/…`)",
            ));
        };
        let priority = match priority {
            Some(s) => s
                .parse::<u32>()
                .map_err(|_| at.invalid("Priority", s, "`default` or a number 1-50000"))?,
            None => return Err(at.missing("Priority")),
        };
        let mut source_ips = Vec::new();
        let mut l7 = false;
        for (j, c) in rule.conditions.iter().enumerate() {
            match c.field.as_deref() {
                Some("source-ip") => {
                    let values = c
                        .source_ip_config
                        .as_ref()
                        .map(|s| &s.values)
                        .filter(|v| !v.is_empty())
                        .unwrap_or(&c.values);
                    for (k, v) in values.iter().enumerate() {
                        let net = v.trim().parse::<ipnet::IpNet>().map_err(|_| {
                            at.invalid(
                                &format!("Conditions[{j}].SourceIpConfig.Values[{k}]"),
                                v,
                                "a CIDR block such as `10.0.0.0/16`",
                            )
                        })?;
                        source_ips.push(net.trunc());
                    }
                }
                Some(_) => l7 = true,
                None => return Err(at.missing(&format!("Conditions[{j}].Field"))),
            }
        }
        let action = match &rule.actions {
            None => ListenerAction::Unknown,
            Some(a) => listener_action(at, "Actions", a)?,
        };
        p.rules.push(PRule {
            listener_arn,
            rule: ListenerRule {
                priority,
                source_ips,
                l7,
                action,
            },
            origin: at.origin(),
        });
    }
    Ok(())
}
