use crate::{Context, Sink, Subject, rule};

rule! {
    /// A transit gateway accepts attachments shared from other accounts automatically
    /// (`AutoAcceptSharedAttachments: enable`).
    ///
    /// ## Why it matters
    /// Any account the transit gateway is shared with can attach a VPC and, with default
    /// association and propagation, route into every other attached network without review.
    ///
    /// ## Example
    /// `tgw-0core` with `Options.AutoAcceptSharedAttachments: enable`.
    ///
    /// ## Fix
    /// Disable auto-accept and accept attachments explicitly.
    code: "TGW004",
    name: "tgw-auto-accepts-shared-attachments",
    severity: Medium,
    covers: [
        "G3 prowler ec2_transitgateway_auto_accept_vpc_attachments",
        "G3 checkov CKV_AWS_331",
        "G3 steampipe ec2_transit_gateway_auto_cross_account_attachment_disabled",
        "Security Hub EC2.23",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for t in &cx.snap.transit_gateways {
        if t.auto_accept_shared_attachments {
            out.add(
                Subject::new("transit-gateway", t.id.as_str())
                    .named(pinhole_model::name_tag(&t.tags))
                    .in_account(t.account.as_str(), &t.region),
                "accepts attachments shared from other accounts automatically",
            );
        }
    }
}
