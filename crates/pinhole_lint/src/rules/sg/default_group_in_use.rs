use crate::{Context, Sink, rule};
use pinhole_model::{EniKind, SgIx};

rule! {
    /// A VPC's default security group is attached to network interfaces (other than those
    /// AWS services create for themselves).
    ///
    /// ## Why it matters
    /// Members of the default group share whatever it admits, usually with each other on every
    /// port; resources in it were launched without a designed group.
    ///
    /// ## Example
    /// `sg-0def (default)` attached to `i-0web`.
    ///
    /// ## Fix
    /// Attach designed groups and detach the default one.
    code: "SG017",
    name: "sg-default-group-in-use",
    severity: Low,
    covers: [
        "C2 scoutsuite ec2-default-security-group-in-use",
        "C2 checkov CKV_AWS_248 (Elasticsearch only there)",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, sg) in cx.snap.security_groups.iter().enumerate() {
        if sg.group_name != "default" {
            continue;
        }
        let users: Vec<&str> = cx.sg_enis[i]
            .iter()
            .map(|&e| cx.snap.eni(e))
            .filter(|e| matches!(e.kind, EniKind::Instance | EniKind::Rds | EniKind::Lambda))
            .map(|e| e.id.as_str())
            .collect();
        if users.is_empty() {
            continue;
        }
        let f = out.add(
            cx.sg_subject(SgIx::from_usize(i)),
            format!(
                "the default group is attached to {} network interfaces",
                users.len()
            ),
        );
        for u in users {
            f.because(format!("attached to {u}"));
        }
    }
}
