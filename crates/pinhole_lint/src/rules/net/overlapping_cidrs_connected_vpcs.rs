use crate::{Context, Sink, Subject, rule};
use ipnet::IpNet;
use pinhole_model::*;

rule! {
    /// Two VPCs that are peered, or attached to the same transit gateway, have overlapping
    /// CIDR blocks (IPv4 or IPv6).
    ///
    /// ## Why it matters
    /// AWS refuses to peer overlapping VPCs, so a peering in the snapshot with overlap is an
    /// invalid configuration; on a transit gateway, only one of the overlapping ranges can be
    /// routed, and the other VPC's hosts in it are unreachable.
    ///
    /// ## Example
    /// `vpc-0dev` 10.0.0.0/16 and `vpc-0qa` 10.0.0.0/16 both attached to `tgw-0core` (copied
    /// from one template without renumbering).
    ///
    /// ## Fix
    /// Renumber one VPC, or add a secondary non-overlapping CIDR and move the workloads.
    code: "NET002",
    name: "overlapping-cidrs-connected-vpcs",
    severity: High,
    covers: ["§1.4 CIDR overlap across peered or TGW-attached VPCs (no scanner checks it)"],
    check: check,
}

fn overlaps(a: &[IpNet], b: &[IpNet]) -> Vec<String> {
    let mut v = Vec::new();
    for x in a {
        for y in b {
            if x.contains(&y.network()) || y.contains(&x.network()) {
                v.push(format!("{x} overlaps {y}"));
            }
        }
    }
    v
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let snap = cx.snap;
    for p in &snap.peerings {
        if matches!(
            p.status.as_str(),
            "deleted" | "rejected" | "failed" | "expired"
        ) {
            continue;
        }
        let o = overlaps(&p.requester.cidrs, &p.accepter.cidrs);
        if !o.is_empty() {
            out.add(
                cx.pcx_subject(p),
                format!(
                    "peers {} and {}, whose CIDRs overlap: {}",
                    p.requester.vpc_id,
                    p.accepter.vpc_id,
                    o.join(", ")
                ),
            );
        }
    }
    // VPCs per transit gateway.
    let mut by_tgw: std::collections::BTreeMap<&str, Vec<VpcIx>> = Default::default();
    for a in &snap.tgw_attachments {
        if let (Some(v), TgwAttachmentKind::Vpc, true) = (a.vpc, &a.kind, a.available()) {
            let e = by_tgw.entry(a.tgw.as_str()).or_default();
            if !e.contains(&v) {
                e.push(v);
            }
        }
    }
    for (tgw, vpcs) in by_tgw {
        for (i, &a) in vpcs.iter().enumerate() {
            for &b in &vpcs[i + 1..] {
                let (va, vb) = (snap.vpc(a), snap.vpc(b));
                let o = overlaps(&va.cidrs, &vb.cidrs);
                if !o.is_empty() {
                    out.add(
                        Subject::new("transit-gateway", tgw),
                        format!(
                            "{} and {} are both attached, and their CIDRs overlap: {}",
                            va.id,
                            vb.id,
                            o.join(", ")
                        ),
                    );
                }
            }
        }
    }
}
