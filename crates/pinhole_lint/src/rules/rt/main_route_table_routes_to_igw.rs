use crate::{Context, Sink, rule};
use pinhole_model::{RouteDest, RouteState, RouteTarget, RtbIx};

rule! {
    /// A VPC's main route table sends a default route (`0.0.0.0/0` or `::/0`) to an internet
    /// gateway.
    ///
    /// ## Why it matters
    /// Every subnet without an explicit association uses the main table, so every new subnet
    /// is born public: one forgotten association puts a database tier on the internet path.
    /// The seed network's template warns about exactly this.
    ///
    /// ## Example
    /// `rtb-0main (main)` route `0.0.0.0/0 -> igw-0abc`.
    ///
    /// ## Fix
    /// Keep the main table private (local routes, NAT) and associate public subnets with a
    /// dedicated public table explicitly.
    code: "RT003",
    name: "main-route-table-routes-to-igw",
    severity: Medium,
    covers: [
        "F9 steampipe vpc_route_table_restrict_public_access_to_igw (narrowed to the main table, where it bites)",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, rtb) in cx.snap.route_tables.iter().enumerate() {
        if !rtb.main {
            continue;
        }
        for r in &rtb.routes {
            let default = matches!(r.dest, RouteDest::Cidr(c) if c.prefix_len() == 0);
            if default
                && r.state == RouteState::Active
                && matches!(r.target, RouteTarget::InternetGateway(_))
            {
                let users = cx.rtb_subnets[i].len();
                out.add(
                    cx.rtb_subject(RtbIx::from_usize(i)),
                    format!(
                        "the main route table has `{}`: every subnet without its own table is public ({users} subnets use it now)",
                        pinhole_engine::route_label(cx.snap, r)
                    ),
                );
            }
        }
    }
}
