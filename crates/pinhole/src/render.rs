//! Text rendering: tables of hops and the network summary. Every user-controlled string (tags,
//! names, ids from the input) passes through [`clean`] so it cannot forge lines or terminal
//! escapes.

use pinhole_engine::{Hop, Question, TargetHealthCheck, Trace};
use pinhole_model::{EniKind, Snapshot, Warning, name_tag, proto_name};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escape control characters (newlines, ESC, …) and bidi overrides in user-controlled text, so
/// a tag or a file name cannot forge output lines or reorder what the terminal shows.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A warning as one line: `file: JSON path: message` (the path left out when empty).
pub fn warning_line(w: &Warning) -> String {
    if w.path.is_empty() {
        format!("{}: {}", clean(&w.file), clean(&w.message))
    } else {
        format!(
            "{}: {}: {}",
            clean(&w.file),
            clean(&w.path),
            clean(&w.message)
        )
    }
}

fn component(h: &Hop) -> String {
    // An ARN (load balancers, target groups) is shown from its resource part on.
    let id = match h.id.strip_prefix("arn:") {
        Some(rest) => rest.rsplit_once(':').map_or(h.id.as_str(), |(_, r)| r),
        None => h.id.as_str(),
    };
    let h = &Hop {
        id: id.to_string(),
        ..h.clone()
    };
    match &h.name {
        Some(n) if h.kind != "internet" => format!("{} {} ({})", h.kind, clean(&h.id), clean(n)),
        _ if h.kind == "internet" => "internet".to_string(),
        _ => format!("{} {}", h.kind, clean(&h.id)),
    }
}

/// One rendered hop: number, component, decision, rule and detail.
type Row = [String; 4];

fn hop_rows(hops: &[Hop]) -> Vec<Row> {
    hops.iter()
        .enumerate()
        .map(|(i, h)| {
            let mut what = h.rule.clone().map(|r| clean(&r)).unwrap_or_default();
            for extra in [&h.detail] {
                if !extra.is_empty() {
                    if !what.is_empty() {
                        what.push_str("; ");
                    }
                    what.push_str(&clean(extra));
                }
            }
            // Show the rewritten packet after every translation: later rules see it.
            if h.decision == "translate" && !h.packet.is_empty() {
                what.push_str(&format!(" => {}", h.packet));
            }
            if let Some(c) = h.code {
                what.push_str(&format!(" [{c}]"));
            }
            [
                format!("{}", i + 1),
                component(h),
                h.decision.to_string(),
                what,
            ]
        })
        .collect()
}

pub fn trace_text(q: &Question, t: &Trace, warnings: &[Warning]) -> String {
    let mut out = String::new();
    let what = match q.port {
        Some(p) => format!("{} {p}", proto_name(q.proto)),
        None => proto_name(q.proto),
    };
    let _ = writeln!(
        out,
        "{} -> {} {what}: {}",
        q.src,
        q.dst,
        t.verdict.as_str().to_uppercase()
    );
    let _ = writeln!(out, "  {}", clean(&t.reason));
    let mut tables: Vec<(String, &Vec<Hop>, Vec<Row>)> =
        [("request", &t.request), ("reply", &t.reply)]
            .into_iter()
            .map(|(l, h)| (l.to_string(), h, hop_rows(h)))
            .collect();
    let mut headers: Vec<(usize, String)> = Vec::new();
    let n = t.targets.len();
    for (k, p) in t.targets.iter().enumerate() {
        headers.push((
            tables.len(),
            format!(
                "target path {}/{n}: {} -> {} (target group {}; the target sees {}): {}\n  {}",
                k + 1,
                clean(&p.load_balancer),
                clean(&p.target),
                clean(&p.target_group),
                clean(&p.source),
                p.verdict.as_str().to_uppercase(),
                clean(&p.reason)
            ),
        ));
        tables.push(("  request".to_string(), &p.request, hop_rows(&p.request)));
        tables.push(("  reply".to_string(), &p.reply, hop_rows(&p.reply)));
    }
    let width = tables
        .iter()
        .flat_map(|t| t.2.iter())
        .map(|r| r[1].chars().count())
        .max()
        .unwrap_or(0)
        .min(72);
    for (i, (label, hops, rows)) in tables.into_iter().enumerate() {
        if let Some((_, h)) = headers.iter().find(|(at, _)| *at == i) {
            let _ = writeln!(out, "{h}");
        }
        let Some(first) = hops.first() else { continue };
        let indent = if label.starts_with(' ') { "  " } else { "" };
        let _ = writeln!(out, "{label}: {}", first.packet);
        for r in rows {
            let _ = writeln!(
                out,
                "{indent}  {:>2}  {:<width$}  {:<9}  {}",
                r[0], r[1], r[2], r[3]
            );
        }
    }
    for n in &t.notes {
        let _ = writeln!(out, "note: {}", clean(n));
    }
    if !warnings.is_empty() {
        let _ = writeln!(
            out,
            "{} warning(s) about the snapshot; first: {}",
            warnings.len(),
            warning_line(&warnings[0])
        );
    }
    out
}

/// `trace --health-check`: one block per target, one line per node's check, and the hops of
/// the checks that fail.
pub fn health_text(group: &str, checks: &[TargetHealthCheck], warnings: &[Warning]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "health checks of target group {}: {}",
        clean(group),
        plural(checks.len(), "target", "targets")
    );
    for c in checks {
        let _ = writeln!(
            out,
            "\ntarget {} (reported {}): {}\n  {}",
            clean(&c.target),
            clean(&c.reported),
            c.verdict.as_str().to_uppercase(),
            clean(&c.reason)
        );
        for n in &c.checks {
            let _ = writeln!(
                out,
                "  from node {} of {} in {}: {}",
                clean(&n.node),
                clean(&n.load_balancer),
                clean(&n.zone),
                n.trace.verdict.as_str().to_uppercase()
            );
            if n.trace.verdict == pinhole_engine::Verdict::Reachable {
                continue;
            }
            let _ = writeln!(out, "    {}", clean(&n.trace.reason));
            for (label, hops) in [("request", &n.trace.request), ("reply", &n.trace.reply)] {
                let Some(first) = hops.first() else { continue };
                let _ = writeln!(out, "    {label}: {}", first.packet);
                for r in hop_rows(hops) {
                    let _ = writeln!(out, "      {:>2}  {}  {:<9}  {}", r[0], r[1], r[2], r[3]);
                }
            }
        }
    }
    if !warnings.is_empty() {
        let _ = writeln!(
            out,
            "\n{} warning(s) about the snapshot; first: {}",
            warnings.len(),
            warning_line(&warnings[0])
        );
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The network at a glance: every VPC with its subnets and the hosts in them, gateways,
/// peerings and transit gateways, so a user can pick endpoints to trace.
pub fn summary(s: &Snapshot) -> String {
    let mut out = String::new();
    let mut by_account: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, v) in s.vpcs.iter().enumerate() {
        by_account
            .entry((v.account.to_string(), v.region.clone()))
            .or_default()
            .push(i);
    }
    let _ = writeln!(
        out,
        "{}, {}, {}, {}, {}, {}, {}, {}, {}",
        plural(by_account.len(), "account/region", "account/regions"),
        plural(s.vpcs.len(), "VPC", "VPCs"),
        plural(s.subnets.len(), "subnet", "subnets"),
        plural(s.enis.len(), "network interface", "network interfaces"),
        plural(s.security_groups.len(), "security group", "security groups"),
        plural(s.network_acls.len(), "network ACL", "network ACLs"),
        plural(s.peerings.len(), "peering", "peerings"),
        plural(
            s.transit_gateways.len(),
            "transit gateway",
            "transit gateways"
        ),
        plural(s.load_balancers.len(), "load balancer", "load balancers"),
    );
    let mut enis_per_subnet: Vec<Vec<usize>> = vec![Vec::new(); s.subnets.len()];
    for (i, e) in s.enis.iter().enumerate() {
        enis_per_subnet[e.subnet.ix()].push(i);
    }
    for ((account, region), vpcs) in &by_account {
        let _ = writeln!(out, "\naccount {} {}", clean(account), clean(region));
        for &i in vpcs {
            let v = &s.vpcs[i];
            let cidrs: Vec<String> = v.cidrs.iter().map(|c| c.to_string()).collect();
            let igw = v
                .internet_gateway
                .map(|g| format!(", {}", s.internet_gateways[g.ix()].id))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {}{igw}",
                clean(&Snapshot::display_name(&v.tags, v.id.as_str())),
                cidrs.join(" ")
            );
            let mut subnets: Vec<_> = v
                .subnets
                .iter()
                .map(|&x| (s.subnet(x), &enis_per_subnet[x.ix()]))
                .collect();
            subnets.sort_by(|(a, _), (b, _)| (&a.az, &a.cidrs).cmp(&(&b.az, &b.cidrs)));
            for (sub, enis) in subnets {
                let cidrs: Vec<String> = sub.cidrs.iter().map(|c| c.to_string()).collect();
                let rt = sub
                    .route_table
                    .map(|r| s.rtb(r).id.to_string())
                    .unwrap_or_else(|| "no route table".into());
                let acl = sub
                    .network_acl
                    .map(|a| s.acl(a).id.to_string())
                    .unwrap_or_else(|| "no NACL".into());
                let zone = match &sub.az_id {
                    Some(id) if *id != sub.az => format!("{} ({id})", sub.az),
                    _ => sub.az.clone(),
                };
                let _ = writeln!(
                    out,
                    "    subnet {} {} {}{}  {rt}  {acl}",
                    sub.id,
                    cidrs.join(" "),
                    clean(&zone),
                    name_tag(&sub.tags)
                        .map(|n| format!(" ({})", clean(n)))
                        .unwrap_or_default()
                );
                for &e in enis.iter() {
                    let _ = writeln!(out, "      {}", host_line(s, e));
                }
            }
            for n in s.nat_gateways.iter().filter(|n| n.vpc.ix() == i) {
                let publics: Vec<String> = n.public_ips.iter().map(|p| p.to_string()).collect();
                let _ = writeln!(
                    out,
                    "    NAT gateway {} in {} ({}{})",
                    clean(&Snapshot::display_name(&n.tags, n.id.as_str())),
                    s.subnet(n.subnet).id,
                    clean(&n.state),
                    if publics.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", publics.join(" "))
                    }
                );
            }
            for a in s
                .tgw_attachments
                .iter()
                .filter(|a| a.vpc.is_some_and(|x| x.ix() == i))
            {
                let subs: Vec<String> = a
                    .subnets
                    .iter()
                    .map(|&x| s.subnet(x).id.to_string())
                    .collect();
                let _ = writeln!(
                    out,
                    "    attached to {} by {} ({}) in {}",
                    a.tgw,
                    a.id,
                    clean(&a.state),
                    subs.join(" ")
                );
            }
        }
    }
    if !s.peerings.is_empty() {
        let _ = writeln!(out);
    }
    for p in &s.peerings {
        let _ = writeln!(
            out,
            "peering {}: {} <-> {} ({})",
            clean(&Snapshot::display_name(&p.tags, p.id.as_str())),
            p.requester.vpc_id,
            p.accepter.vpc_id,
            clean(&p.status)
        );
    }
    for t in &s.transit_gateways {
        let tables: Vec<String> = s
            .tgw_route_tables
            .iter()
            .filter(|r| r.tgw == t.id)
            .map(|r| format!("{} ({} routes)", r.id, r.routes.len()))
            .collect();
        let _ = writeln!(
            out,
            "transit gateway {} {} ({}): route tables {}",
            clean(&Snapshot::display_name(&t.tags, t.id.as_str())),
            t.account,
            clean(&t.state),
            tables.join(", ")
        );
    }
    for lb in &s.load_balancers {
        let listeners: Vec<String> = lb
            .listeners
            .iter()
            .map(|l| format!("{} {}", l.protocol, l.port))
            .collect();
        let _ = writeln!(
            out,
            "load balancer {} ({:?}, {}): listeners {}",
            clean(&lb.name),
            lb.kind,
            clean(&lb.scheme),
            listeners.join(", ")
        );
    }
    for tg in &s.target_groups {
        let targets = match &tg.targets {
            Some(t) => {
                let healthy = t.iter().filter(|t| t.state == "healthy").count();
                format!(
                    "{healthy} of {} healthy",
                    plural(t.len(), "target", "targets")
                )
            }
            None => "targets not in the snapshot".to_string(),
        };
        let _ = writeln!(
            out,
            "target group {} ({} {}{}): {targets}",
            clean(&tg.name),
            clean(tg.target_type.as_str()),
            clean(&tg.protocol),
            tg.port.map(|p| format!(" {p}")).unwrap_or_default(),
        );
    }
    if !s.warnings.is_empty() {
        let _ = writeln!(
            out,
            "\n{}:",
            plural(s.warnings.len(), "warning", "warnings")
        );
        for w in &s.warnings {
            let _ = writeln!(out, "  {}", warning_line(w));
        }
    }
    out
}

/// One interface: its address(es), what it is, its name and groups.
fn host_line(s: &Snapshot, e: usize) -> String {
    let e = &s.enis[e];
    let addrs: Vec<String> = e
        .private_ips
        .iter()
        .map(|p| match p.public {
            Some(public) => format!("{} ({public})", p.addr),
            None => p.addr.to_string(),
        })
        .chain(e.ipv6.iter().map(|a| a.to_string()))
        .collect();
    let what = match (&e.kind, e.instance) {
        (_, Some(i)) => {
            let inst = &s.instances[i.ix()];
            let state = if inst.running() {
                String::new()
            } else {
                format!(", {}", inst.state)
            };
            format!(
                "{}{state}",
                clean(&Snapshot::display_name(&inst.tags, inst.id.as_str()))
            )
        }
        (EniKind::Instance, None) => clean(&e.description),
        (kind, None) => format!("{kind:?}"),
    };
    let groups: Vec<String> = e.groups.iter().map(|&g| s.sg(g).id.to_string()).collect();
    format!(
        "{} {}  {}  {}",
        addrs.join(" "),
        e.id,
        what,
        groups.join(",")
    )
    .trim_end()
    .to_string()
}
