use crate::{Context, Sink, Subject, rule};

rule! {
    /// An available VPC attachment of a transit gateway is associated with no transit gateway
    /// route table, while the snapshot has transit gateway route tables.
    ///
    /// ## Why it matters
    /// Traffic entering the transit gateway from that VPC has no table to be routed by and is
    /// dropped.
    ///
    /// ## Example
    /// `tgw-attach-0x` (vpc-0app) `available`, association none.
    ///
    /// ## Fix
    /// Associate the attachment with the route table of its segment.
    code: "TGW002",
    name: "tgw-attachment-not-associated",
    severity: Medium,
    covers: ["new: transit gateway association (no scanner checks it)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let snap = cx.snap;
    for att in &snap.tgw_attachments {
        if !att.available() || att.association.is_some() {
            continue;
        }
        // Only decidable when this transit gateway's route tables are in the snapshot.
        if !snap.tgw_route_tables.iter().any(|t| t.tgw == att.tgw) {
            continue;
        }
        out.add(
            Subject::new("transit-gateway-attachment", att.id.as_str())
                .named(pinhole_model::name_tag(&att.tags))
                .at(&att.origin),
            format!(
                "attachment of {} to {} is not associated with a route table",
                att.resource_id, att.tgw
            ),
        );
    }
}
