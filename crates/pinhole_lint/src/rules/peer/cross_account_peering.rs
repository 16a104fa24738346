use crate::{Context, Sink, rule};

rule! {
    /// A peering connection joins VPCs of two different accounts.
    ///
    /// Informational: multi-account designs (the seed network's dev/qa/prod mesh) do this on
    /// purpose; it belongs in the inventory of trust boundaries.
    ///
    /// ## Why it matters
    /// Each cross-account peering is a trust boundary: the other account controls half of the
    /// routes and every security group on its side.
    ///
    /// ## Example
    /// `pcx-0abc` from 111111111111 `vpc-0dev` to 222222222222 `vpc-0prod`.
    ///
    /// ## Fix
    /// None needed if intended; review that the accounts are the expected ones.
    code: "PEER004",
    name: "cross-account-peering",
    severity: Info,
    covers: ["G2 steampipe vpc_peering_connection_no_cross_account_access"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for p in &cx.snap.peerings {
        if !p.active() {
            continue;
        }
        if let (Some(a), Some(b)) = (&p.requester.account, &p.accepter.account)
            && a != b
        {
            out.add(
                cx.pcx_subject(p),
                format!(
                    "peers {a} {} with {b} {}",
                    p.requester.vpc_id, p.accepter.vpc_id
                ),
            );
        }
    }
}
