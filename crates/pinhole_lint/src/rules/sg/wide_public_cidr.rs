use crate::space::{Family, covers_internet, internet_part, size};
use crate::{Context, Sink, rule};
use pinhole_model::SgIx;

rule! {
    /// A security group rule admits a wide range of internet addresses without opening to all
    /// of them: more than 2,048 IPv4 internet addresses (wider than a /21, CloudMapper's
    /// threshold) or an IPv6 range wider than a /48.
    ///
    /// ## Why it matters
    /// A range that wide is rarely one organisation's: it usually admits a whole hosting
    /// provider or an ISP's customers, most of whom are strangers.
    ///
    /// ## Example
    /// `sg-0abc` inbound `tcp 443 from 52.0.0.0/8`.
    ///
    /// ## Fix
    /// Narrow the range to the partner's published addresses, or use a prefix list.
    code: "SG007",
    name: "sg-wide-public-cidr",
    severity: Low,
    covers: [
        "A12 prowler ec2_securitygroup_allow_wide_open_public_ipv4",
        "A12 cloudmapper SG_LARGE_CIDR",
        "A12 scoutsuite ...-whitelists-unknown-cidrs (without AWS ip-ranges data)",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        for (dir, rules) in [(true, &sg.ingress), (false, &sg.egress)] {
            for r in rules.iter() {
                for n in cx.peer_cidrs(&r.peer) {
                    let fam = Family::of_net(&n);
                    if covers_internet(fam, [&n]) {
                        continue;
                    }
                    let part = internet_part(fam, [&n]);
                    let limit: u128 = match fam {
                        Family::V4 => 2048,
                        Family::V6 => 1u128 << 80,
                    };
                    if size(&part) > limit {
                        out.add(
                            cx.sg_subject(SgIx::from_usize(i)),
                            format!(
                                "{} rule `{}` admits {n}, a wide range of internet addresses",
                                if dir { "inbound" } else { "outbound" },
                                r.label(dir)
                            ),
                        );
                    }
                }
            }
        }
    }
}
