use super::shadowed_by;
use crate::{Context, Severity, Sink, rule};
use pinhole_model::AclIx;

rule! {
    /// A network ACL entry that never decides anything: every packet it matches is matched
    /// first by entries with lower rule numbers. The built-in `*` entries are never reported
    /// (they are AWS's unremovable catch-all, not a user's mistake).
    ///
    /// The check is exact: the entry's match space (protocol, CIDR, ports) is cut at every
    /// boundary of the earlier entries, and each piece must be matched by one of them.
    ///
    /// ## Why it matters
    /// A shadowed deny is a block the author believes in and AWS never applies (a deny numbered
    /// 200 after `100 ALLOW ALL`); a shadowed allow is dead weight that will surprise whoever
    /// removes the earlier entry. Severity is medium when a shadowing entry has the opposite
    /// action, low when the entry is merely redundant.
    ///
    /// ## Example
    /// inbound rule 100: `ALL from 0.0.0.0/0 ALLOW`, inbound rule 200: `TCP 22 from 0.0.0.0/0
    /// DENY` — rule 200 never matches.
    ///
    /// ## Fix
    /// Renumber the entry before the one that shadows it (a deny at 90), or delete it.
    code: "NACL003",
    name: "nacl-rule-shadowed",
    severity: Medium,
    covers: [
        "§1.3 NACL ordering: 'report the shadowing/shadowed rules' (no scanner does)",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    for (i, acl) in cx.snap.network_acls.iter().enumerate() {
        for (egress, entries) in [(false, &acl.inbound), (true, &acl.outbound)] {
            for (ix, e) in entries.iter().enumerate() {
                let Some(by) = shadowed_by(entries, ix) else {
                    continue;
                };
                let opposite = by.iter().any(|b| b.action != e.action);
                let f = out.add(
                    cx.acl_subject(AclIx::from_usize(i)),
                    format!(
                        "{} never matches: {} by earlier rules",
                        e.label(egress),
                        if opposite {
                            "overridden"
                        } else {
                            "made redundant"
                        }
                    ),
                );
                if !opposite {
                    f.at_severity(Severity::Low);
                }
                for b in by {
                    f.because(format!("shadowed by {}", b.label(egress)));
                }
            }
        }
    }
}
