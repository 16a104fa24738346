use crate::{Context, Sink, rule};
use pinhole_model::*;
use std::collections::{BTreeMap, BTreeSet};

rule! {
    /// A tier of a VPC (subnets sharing a name once the AZ is taken out of it, and the same
    /// public/private routing) exists in at least two of the VPC's Availability Zones but not
    /// in all of them.
    ///
    /// Subnets without a `Name` tag are not classified.
    ///
    /// ## Why it matters
    /// Templates give every tier one subnet per AZ; a missing one means a workload cannot be
    /// placed, or fails over, in that AZ (the seed network's per-AZ /20 layout).
    ///
    /// ## Example
    /// `app-private-a`, `app-private-b` exist; `app-private-c` does not, though the VPC uses
    /// us-east-1c.
    ///
    /// ## Fix
    /// Create the tier's subnet in the missing AZ from the address plan.
    code: "NET004",
    name: "tier-missing-in-az",
    severity: Low,
    covers: ["§1.4 per-AZ template symmetry: one subnet per tier per AZ (no scanner checks it)"],
    check: check,
}

/// The subnet's name with its AZ taken out: `app-private-1a` → `app-private`.
pub fn stem(name: &str, az: &str) -> String {
    let name = name.to_ascii_lowercase();
    let az = az.to_ascii_lowercase();
    let letter = az.chars().last().map(|c| c.to_string()).unwrap_or_default();
    let digit_letter: String = az
        .chars()
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let name = name.replace(&az, "");
    let tokens: Vec<&str> = name
        .split(['-', '_', ' ', '.'])
        .filter(|t| !t.is_empty())
        .filter(|t| *t != letter && *t != digit_letter && !(t.starts_with("az") && t.len() <= 4))
        .collect();
    tokens.join("-")
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let snap = cx.snap;
    for (vi, v) in snap.vpcs.iter().enumerate() {
        let zones: BTreeSet<&str> = v.subnets.iter().map(|&s| snap.subnet(s).zone()).collect();
        if zones.len() < 2 {
            continue;
        }
        let mut tiers: BTreeMap<(String, bool), BTreeSet<&str>> = BTreeMap::new();
        for &s in &v.subnets {
            let sn = snap.subnet(s);
            let Some(name) = name_tag(&sn.tags) else {
                continue;
            };
            let key = stem(name, &sn.az);
            if key.is_empty() {
                continue;
            }
            tiers
                .entry((key, cx.igw_routed(s, false)))
                .or_default()
                .insert(sn.zone());
        }
        for ((tier, public), have) in tiers {
            if have.len() < 2 || have.len() == zones.len() {
                continue;
            }
            let missing: Vec<&str> = zones
                .iter()
                .filter(|z| !have.contains(*z))
                .copied()
                .collect();
            out.add(
                cx.vpc_subject(VpcIx::from_usize(vi)),
                format!(
                    "{} tier `{tier}` has subnets in {} but none in {}",
                    if public { "public" } else { "private" },
                    have.iter().copied().collect::<Vec<_>>().join(", "),
                    missing.join(", ")
                ),
            );
        }
    }
}
