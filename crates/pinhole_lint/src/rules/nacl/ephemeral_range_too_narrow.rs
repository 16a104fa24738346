use super::return_gaps;
use crate::{Context, Sink, rule};

rule! {
    /// A network ACL in use admits the replies to its requests on only part of the clients'
    /// ephemeral range, e.g. `1024-65535` is needed for a NAT gateway and the NACL admits
    /// `32768-65535`. Same analysis as `NACL004`, engine confirmation included (medium when
    /// latent); this rule reports the partial cases.
    ///
    /// ## Why it matters
    /// Connections fail intermittently: only when the client happens to pick a port outside
    /// the admitted range. With a NAT gateway's 1024-65535, about half of them.
    ///
    /// ## Example
    /// inbound rule 110: `TCP 32768-65535 from 0.0.0.0/0 ALLOW` on the NAT gateway's subnet,
    /// whose replies arrive on 1024-65535.
    ///
    /// ## Fix
    /// Widen the reply entry to the whole client range (1024-65535 covers every kind).
    code: "NACL005",
    name: "nacl-ephemeral-range-too-narrow",
    severity: High,
    covers: ["new: NACL ephemeral ranges per client kind (no scanner checks it)"],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let mut seen = Vec::new();
    for g in return_gaps(cx).iter().cloned() {
        if g.allowed.is_empty() {
            continue;
        }
        let key = (g.acl, g.entry.clone(), g.clients.range);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let f = out.add(
            cx.acl_subject(g.acl),
            format!(
                "replies to {} pass only on ports {} of the clients' range {}-{} ({}), e.g. from {}",
                g.entry, g.allowed, g.clients.range.0, g.clients.range.1, g.clients.who, g.peer
            ),
        );
        for d in &g.dropped_by {
            f.because(format!("the rest dropped by {d}"));
        }
        super::attach_witness(f, super::witness(cx, &g));
    }
}
