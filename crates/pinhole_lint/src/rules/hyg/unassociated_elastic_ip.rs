use crate::{Context, Sink, Subject, rule};

rule! {
    /// An Elastic IP allocation (from `describe-addresses`) that no live interface holds.
    /// Addresses the snapshot only knows from deleted resources (a deleted NAT gateway's) are
    /// not reported: they were most likely released with it.
    ///
    /// ## Why it matters
    /// Idle Elastic IPs cost money, and a DNS record still pointing at one is a takeover
    /// risk once it is released.
    ///
    /// ## Example
    /// `203.0.113.77` allocated, no association.
    ///
    /// ## Fix
    /// Release it, or associate it with what it was reserved for.
    code: "HYG003",
    name: "unassociated-elastic-ip",
    severity: Info,
    covers: [
        "D3 prowler ec2_elastic_ip_unassigned",
        "D3 checkov CKV2_AWS_19",
        "D3 steampipe vpc_eip_associated",
        "D3 cloudmapper find_unused",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let mut dead: Vec<_> = cx.snap.index.dead_public_ip.iter().collect();
    dead.sort();
    for (ip, what) in dead
        .into_iter()
        .filter(|(_, w)| w.starts_with("Elastic IP"))
    {
        out.add(
            Subject::new("elastic-ip", &ip.to_string()),
            format!("not held by any live interface: {what}"),
        );
    }
}
