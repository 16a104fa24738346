use crate::{Context, Sink, rule};
use pinhole_model::EniKind;

rule! {
    /// An RDS interface sits in a subnet whose route table sends the default route to an
    /// internet gateway (a public subnet, main-table inheritance included).
    ///
    /// ## Why it matters
    /// One setting (`PubliclyAccessible`) or one security-group rule away from the internet;
    /// data tiers belong in private subnets. `EXP002` tells whether it is reachable now.
    ///
    /// ## Example
    /// The DB subnet group includes `subnet-0pub-a`, whose table has `0.0.0.0/0 -> igw-0abc`.
    ///
    /// ## Fix
    /// Use a DB subnet group of private subnets only.
    code: "EXP004",
    name: "database-in-public-subnet",
    severity: Medium,
    covers: [
        "F6 prowler elasticache_cluster_uses_public_subnet, neptune_cluster_uses_public_subnet (RDS here)",
        "F6 cloudmapper RDS_PUBLIC_IP",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, eni) in cx.snap.enis.iter().enumerate() {
        if eni.kind != EniKind::Rds {
            continue;
        }
        let v4 = cx.igw_routed(eni.subnet, false);
        let v6 = cx.igw_routed(eni.subnet, true) && !eni.ipv6.is_empty();
        if v4 || v6 {
            let sn = cx.snap.subnet(eni.subnet);
            out.add(
                cx.eni_subject(pinhole_model::EniIx::from_usize(i)),
                format!(
                    "database interface in public subnet {} (default route to an internet gateway)",
                    sn.id
                ),
            );
        }
    }
}
