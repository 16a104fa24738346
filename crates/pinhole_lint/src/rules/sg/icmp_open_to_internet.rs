use crate::space::{Family, covers_internet};
use crate::{Context, Sink, rule};
use pinhole_model::{Protocol, SgIx};

rule! {
    /// A security group admits ICMP (or ICMPv6) from every internet address with a rule naming
    /// the protocol (all-traffic rules are `SG002`).
    ///
    /// ## Why it matters
    /// Echo from anywhere makes members easy to discover; some ICMP types leak more. Path MTU
    /// discovery needs only type 3 code 4 (ICMPv6 type 2), which this rule does not flag.
    ///
    /// ## Example
    /// `sg-0abc` inbound `icmp from 0.0.0.0/0`.
    ///
    /// ## Fix
    /// Admit echo from monitoring ranges only; keep "fragmentation needed" if you rely on PMTUD.
    code: "SG006",
    name: "sg-icmp-open-to-internet",
    severity: Low,
    covers: ["A9 scoutsuite ec2-security-group-opens-icmp-to-all"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        if !cx.sg_internet_ingress[i] {
            continue;
        }
        for r in &sg.ingress {
            let fam = match r.protocol {
                Protocol::Num(1) => Family::V4,
                Protocol::Num(58) => Family::V6,
                _ => continue,
            };
            // Path MTU discovery.
            if matches!(r.icmp, Some((3, 4)) | Some((2, _))) {
                continue;
            }
            if covers_internet(fam, &cx.peer_cidrs(&r.peer)) {
                out.add(
                    cx.sg_subject(SgIx::from_usize(i)),
                    format!(
                        "inbound `{}` admits ICMP from every internet address",
                        r.label(true)
                    ),
                );
            }
        }
    }
}
