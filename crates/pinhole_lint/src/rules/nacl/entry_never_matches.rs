use crate::{Context, Sink, rule};
use ipnet::IpNet;
use pinhole_model::AclIx;

rule! {
    /// A network ACL entry that can never match a packet, for a reason other than shadowing
    /// (`NACL003`): an IPv6 entry in a VPC without an IPv6 block, or, in a NACL used by a
    /// single subnet, an entry whose CIDR lies inside that subnet (traffic that stays inside a
    /// subnet never meets its NACL). Built-in `*` entries are never reported.
    ///
    /// ## Why it matters
    /// The entry looks like a control and controls nothing: an "allow from our own subnet" that
    /// was meant for the neighbouring tier, or IPv6 rules copied from a dual-stack template.
    ///
    /// ## Example
    /// `acl-0db` (used by 10.0.20.0/24 only) inbound rule 120: `TCP 5432 from 10.0.20.0/24 ALLOW`.
    ///
    /// ## Fix
    /// Point the entry at the other tier's CIDR, or delete it.
    code: "NACL007",
    name: "nacl-entry-never-matches",
    severity: Low,
    covers: ["§1.3/1.4 NACL entries never matching (no scanner checks it)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, acl) in cx.snap.network_acls.iter().enumerate() {
        let subnets = &cx.acl_subnets[i];
        if subnets.is_empty() {
            continue;
        }
        let vpc = cx.snap.vpc(acl.vpc);
        let vpc_has_v6 = vpc.cidrs.iter().any(|c| matches!(c, IpNet::V6(_)));
        let inside: Vec<IpNet> = subnets
            .iter()
            .flat_map(|&s| cx.snap.subnet(s).cidrs.iter().copied())
            .collect();
        for (egress, entries) in [(false, &acl.inbound), (true, &acl.outbound)] {
            for e in entries.iter().filter(|e| !e.is_default_deny()) {
                let why = if matches!(e.cidr, IpNet::V6(_)) && !vpc_has_v6 {
                    format!("{} has no IPv6 block", vpc.id)
                } else if let (1, Some(s)) =
                    (subnets.len(), inside.iter().find(|s| s.contains(&e.cidr)))
                {
                    format!(
                        "{} lies inside {s}, the only subnet using this NACL, whose own traffic never crosses it",
                        e.cidr
                    )
                } else {
                    continue;
                };
                out.add(
                    cx.acl_subject(AclIx::from_usize(i)),
                    format!("{} never matches: {why}", e.label(egress)),
                );
            }
        }
    }
}
