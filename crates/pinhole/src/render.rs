//! Text rendering: tables of hops and the network summary. Every user-controlled string (tags,
//! names) passes through [`clean`] so a tag cannot forge lines or terminal escapes.

use pinhole_engine::{Hop, Question, Trace};
use pinhole_model::{Snapshot, Warning, name_tag, proto_name};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escape control characters (newlines, ESC, …) in user-controlled text.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn component(h: &Hop) -> String {
    match &h.name {
        Some(n) => format!("{} {} ({})", h.kind, clean(&h.id), clean(n)),
        None => format!("{} {}", h.kind, clean(&h.id)),
    }
}

fn hop_table(hops: &[Hop]) -> String {
    let rows: Vec<[String; 4]> = hops
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut what = h.rule.clone().map(|r| clean(&r)).unwrap_or_default();
            if !h.detail.is_empty() {
                if !what.is_empty() {
                    what.push_str("; ");
                }
                what.push_str(&clean(&h.detail));
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
        .collect();
    let w0 = rows
        .iter()
        .map(|r| r[1].chars().count())
        .max()
        .unwrap_or(0)
        .min(72);
    let mut out = String::new();
    for r in rows {
        let _ = writeln!(out, "  {:>2}  {:<w0$}  {:<9}  {}", r[0], r[1], r[2], r[3]);
    }
    out
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
    for (label, hops) in [("request", &t.request), ("reply", &t.reply)] {
        if let Some(first) = hops.first() {
            let _ = writeln!(out, "{label}: {}", first.packet);
            out.push_str(&hop_table(hops));
        }
    }
    for n in &t.notes {
        let _ = writeln!(out, "note: {}", clean(n));
    }
    if !warnings.is_empty() {
        let _ = writeln!(
            out,
            "{} warning(s) about the snapshot; first: {}: {}",
            warnings.len(),
            clean(&warnings[0].file),
            clean(&warnings[0].message)
        );
    }
    out
}

/// The network at a glance.
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
        "{} account/region(s), {} VPCs, {} subnets, {} network interfaces, {} security groups, {} NACLs, {} peerings, {} transit gateways",
        by_account.len(),
        s.vpcs.len(),
        s.subnets.len(),
        s.enis.len(),
        s.security_groups.len(),
        s.network_acls.len(),
        s.peerings.len(),
        s.transit_gateways.len()
    );
    let mut enis_per_subnet = vec![0usize; s.subnets.len()];
    for e in &s.enis {
        enis_per_subnet[e.subnet.ix()] += 1;
    }
    for ((account, region), vpcs) in &by_account {
        let _ = writeln!(out, "account {} {}", clean(account), clean(region));
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
                .map(|&x| (s.subnet(x), enis_per_subnet[x.ix()]))
                .collect();
            subnets.sort_by(|(a, _), (b, _)| (a.zone(), &a.cidrs).cmp(&(b.zone(), &b.cidrs)));
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
                let _ = writeln!(
                    out,
                    "    {:<18} {:<12} {} {}  {rt}  {acl}  {enis} ENIs",
                    cidrs.join(" "),
                    clean(&sub.az),
                    sub.id,
                    name_tag(&sub.tags)
                        .map(|n| format!("({})", clean(n)))
                        .unwrap_or_default()
                );
            }
        }
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
    if !s.warnings.is_empty() {
        let _ = writeln!(out, "{} warning(s):", s.warnings.len());
        for w in &s.warnings {
            let _ = writeln!(
                out,
                "  {}: {}: {}",
                clean(&w.file),
                clean(&w.path),
                clean(&w.message)
            );
        }
    }
    out
}
