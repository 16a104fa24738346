//! Security-group rules: patterns in one group's rules, with "internet" meaning every address
//! outside the private and shared ranges, IPv4 and IPv6 alike, and prefix lists expanded.

pub mod admin_port_open_to_internet;
pub mod all_ports_open_to_self;
pub mod all_traffic_open_to_internet;
pub mod data_port_open_to_internet;
pub mod default_group_has_rules;
pub mod default_group_in_use;
pub mod egress_unrestricted;
pub mod icmp_open_to_internet;
pub mod ipv6_open_ipv4_restricted;
pub mod launch_wizard_group;
pub mod overlapping_cidrs_in_group;
pub mod port_open_to_internet;
pub mod risky_port_open_to_internet;
pub mod rule_without_description;
pub mod stale_group_reference;
pub mod too_many_rules;
pub mod wide_public_cidr;

use crate::Context;
use crate::context::sg_rule_allows_port;
use crate::space::{Family, covers_internet};
use pinhole_model::{Protocol, SecurityGroup, SgRule};

/// For each family in which the group's ingress rules together admit `proto`/`port` from every
/// internet address: the family and the labels of the rules that contribute.
/// `explicit_only` leaves out all-traffic rules (reported by their own rule).
pub fn world_open(
    cx: &Context<'_>,
    sg: &SecurityGroup,
    proto: u8,
    port: u16,
    explicit_only: bool,
) -> Vec<(Family, Vec<String>)> {
    let mut out = Vec::new();
    for fam in [Family::V4, Family::V6] {
        let rules: Vec<&SgRule> = sg
            .ingress
            .iter()
            .filter(|r| sg_rule_allows_port(r, proto, port))
            .filter(|r| !(explicit_only && is_all_traffic(r)))
            .collect();
        let mut nets = Vec::new();
        let mut labels = Vec::new();
        for r in rules {
            let cidrs: Vec<_> = cx
                .peer_cidrs(&r.peer)
                .into_iter()
                .filter(|n| Family::of_net(n) == fam)
                .collect();
            if cidrs
                .iter()
                .any(|n| !crate::space::internet_part(fam, [n]).is_empty())
            {
                labels.push(r.label(true));
            }
            nets.extend(cidrs);
        }
        if covers_internet(fam, &nets) {
            out.push((fam, labels));
        }
    }
    out
}

/// Report the ports of `ports` the group opens to every internet address: one finding per
/// address family, listing the ports, with the rules that open them as evidence.
pub fn report_open_ports(
    cx: &Context<'_>,
    out: &mut crate::Sink<'_>,
    ix: pinhole_model::SgIx,
    ports: &[(u8, u16)],
    explicit_only: bool,
) {
    if !cx.sg_internet_ingress.get(ix.ix()).copied().unwrap_or(true) {
        return;
    }
    let sg = cx.snap.sg(ix);
    for fam in [Family::V4, Family::V6] {
        let mut names = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        for &(proto, port) in ports {
            let open = world_open(cx, sg, proto, port, explicit_only);
            let Some((_, l)) = open.into_iter().find(|(f, _)| *f == fam) else {
                continue;
            };
            names.push(format!(
                "{} {}",
                pinhole_model::proto_name(proto),
                crate::context::port_label(port)
            ));
            labels.extend(l);
        }
        if names.is_empty() {
            continue;
        }
        let f = out.add(
            cx.sg_subject(ix),
            format!(
                "inbound {} open to every {} internet address",
                names.join(", "),
                families(&[(fam, Vec::new())])
            ),
        );
        for l in rule_labels(&[(fam, labels)]) {
            f.because(l);
        }
    }
}

/// A rule for every protocol, or every port of TCP or UDP.
pub fn is_all_traffic(r: &SgRule) -> bool {
    r.protocol == Protocol::All || matches!(r.ports, Some((0, 65535)))
}

/// `IPv4 and IPv6` / `IPv4`.
pub fn families(f: &[(Family, Vec<String>)]) -> String {
    let names: Vec<&str> = f
        .iter()
        .map(|(f, _)| match f {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        })
        .collect();
    names.join(" and ")
}

/// The labels of the contributing rules, quoted, deduplicated.
pub fn rule_labels(f: &[(Family, Vec<String>)]) -> Vec<String> {
    let mut v: Vec<String> = f
        .iter()
        .flat_map(|(_, l)| l.iter().map(|s| format!("inbound rule `{s}`")))
        .collect();
    v.sort();
    v.dedup();
    v
}
