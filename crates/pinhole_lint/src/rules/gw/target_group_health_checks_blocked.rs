use crate::{Context, Sink, rule};
use pinhole_engine::{Options, Verdict};

rule! {
    /// A load balancer's health checks cannot reach some registered targets: from every node
    /// address, the check to the target's health-check port is dropped by a security group,
    /// a network ACL or a route (decided by the engine, request and reply).
    ///
    /// ## Why it matters
    /// Health checks always come from the load balancer's node addresses, whatever the client
    /// IP preservation setting. A target whose security group admits only the clients (a
    /// partner range, the internet on 443) fails every check and receives no traffic; when all
    /// targets fail, the load balancer fails open and sends traffic to all of them anyway,
    /// hiding the fault until one target is healthy again.
    ///
    /// ## Example
    /// An NLB with instance targets on 443 (client IP preserved); the targets' group admits
    /// tcp 443 from `198.51.100.0/24` only, so checks from the node at `10.0.0.50` are dropped.
    ///
    /// ## Fix
    /// Admit the health-check port from the load balancer's subnets (or its security group,
    /// for NLBs and ALBs that have one) on the targets' security groups and NACLs.
    code: "GW003",
    name: "target-group-health-checks-blocked",
    severity: High,
    covers: ["new: load-balancer health checks (field case: targets' security group admits only clients)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let snap = cx.snap;
    let opts = Options {
        record_hops: false,
        ..Options::default()
    };
    for (k, tg) in snap.target_groups.iter().enumerate() {
        if tg.load_balancers.is_empty() {
            continue;
        }
        let checks = pinhole_engine::health_checks(snap, k, &opts);
        let blocked: Vec<_> = checks
            .iter()
            .filter(|c| c.verdict != Verdict::Reachable && c.verdict != Verdict::Partial)
            .collect();
        if blocked.is_empty() {
            continue;
        }
        let f = out.add(
            crate::Subject::new("target-group", &tg.arn)
                .named(Some(&tg.name))
                .at(&tg.origin),
            format!(
                "health checks of {} of {} target(s) are blocked from every load-balancer node{}",
                blocked.len(),
                checks.len(),
                if blocked.len() == checks.len() {
                    " (all fail: the load balancer fails open)"
                } else {
                    ""
                }
            ),
        );
        for c in blocked {
            f.because(format!("{}: {}", c.target, c.reason));
        }
    }
}
