use crate::{Context, Sink, rule};
use pinhole_model::EniIx;

rule! {
    /// A network interface in state `available`: created but attached to nothing.
    ///
    /// ## Why it matters
    /// It holds an address (see `NET003`) and security groups; leftovers from deleted
    /// instances or services.
    ///
    /// ## Example
    /// `eni-0left` `available`, no attachment.
    ///
    /// ## Fix
    /// Delete it if nothing will attach it.
    code: "HYG004",
    name: "unused-network-interface",
    severity: Info,
    covers: [
        "D4 steampipe ec2_network_interface_unused",
        "D4 cloudmapper find_unused (ENIs)",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, eni) in cx.snap.enis.iter().enumerate() {
        if eni.status == "available" {
            out.add(
                cx.eni_subject(EniIx::from_usize(i)),
                "not attached to anything",
            );
        }
    }
}
