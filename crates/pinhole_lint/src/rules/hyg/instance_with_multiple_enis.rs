use crate::{Context, Sink, Subject, rule};

rule! {
    /// A running instance has more than one network interface.
    ///
    /// ## Why it matters
    /// An instance with interfaces in several subnets bridges them, outside route tables and
    /// NACLs, unless its own routing forbids it; it also complicates reasoning about exposure.
    ///
    /// ## Example
    /// `i-0fw` with `eni-0a` in a public subnet and `eni-0b` in a private one.
    ///
    /// ## Fix
    /// Use one interface unless the instance is an appliance meant to bridge.
    code: "HYG007",
    name: "instance-with-multiple-enis",
    severity: Info,
    covers: [
        "F13 prowler ec2_instance_uses_single_eni",
        "F13 steampipe ec2_instance_not_use_multiple_enis",
        "Security Hub EC2.17",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for inst in &cx.snap.instances {
        if !inst.running() || inst.enis.len() < 2 {
            continue;
        }
        let subnets: Vec<String> = inst
            .enis
            .iter()
            .map(|&e| cx.snap.subnet(cx.snap.eni(e).subnet).id.to_string())
            .collect();
        let mut distinct = subnets.clone();
        distinct.sort();
        distinct.dedup();
        out.add(
            Subject::new("instance", inst.id.as_str()).named(pinhole_model::name_tag(&inst.tags)),
            format!(
                "{} network interfaces, in {} subnets",
                inst.enis.len(),
                distinct.len()
            ),
        );
    }
}
