//! VPC core resources: VPCs, subnets, route tables, NACLs, security groups, ENIs, instances,
//! addresses, gateways, peerings and endpoints.

use super::{At, arn_region, item};
use crate::error::IngestError;
use crate::pending::*;
use crate::raw::{self, Str, ec2 as r, own, own_or, tags};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use pinhole_model::{
    AclEntry, EniKind, PeeringSide, PrivateIp, Protocol, Route, RouteDest, RouteOrigin, RouteState,
    RouteTarget, RuleAction, SgPeer, SgRule, VpcEndpointKind,
};
use std::sync::Arc;

fn cidr_live(state: &Option<r::State<'_>>) -> bool {
    match state.as_ref().and_then(|s| s.state.as_deref()) {
        None | Some("associated") => true,
        Some(_) => false,
    }
}

fn push_unique(v: &mut Vec<IpNet>, c: IpNet) {
    if !v.contains(&c) {
        v.push(c);
    }
}

pub(super) fn vpcs(
    file: &str,
    ctx: &Arc<Ctx>,
    list: Vec<r::Vpc<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, v) in list.into_iter().enumerate() {
        let path = item("Vpcs", i);
        let at = At { file, path: &path };
        let mut cidrs = Vec::new();
        if let Some(set) = &v.cidr_block_association_set {
            for (j, a) in set.iter().enumerate() {
                if cidr_live(&a.cidr_block_state) {
                    let field = format!("CidrBlockAssociationSet[{j}].CidrBlock");
                    push_unique(&mut cidrs, at.cidr(&field, a.cidr_block, p));
                }
            }
        }
        if cidrs.is_empty()
            && let Some(c) = v.cidr_block
        {
            cidrs.push(at.cidr("CidrBlock", c, p));
        }
        for (j, a) in v.ipv6_cidr_block_association_set.iter().enumerate() {
            if cidr_live(&a.ipv6_cidr_block_state) {
                let field = format!("Ipv6CidrBlockAssociationSet[{j}].Ipv6CidrBlock");
                push_unique(&mut cidrs, at.cidr(&field, a.ipv6_cidr_block, p));
            }
        }
        // Every VPC has a primary IPv4 block: without any block, nothing can be placed in it.
        if cidrs.is_empty() {
            return Err(at.missing("CidrBlock"));
        }
        p.vpcs.insert(PVpc {
            id: v.vpc_id.into_owned(),
            owner: own(v.owner_id),
            cidrs,
            is_default: v.is_default,
            tags: tags(&v.tags),
            ctx: ctx.clone(),
            origin: at.origin(),
        });
    }
    Ok(())
}

pub(super) fn subnets(
    file: &str,
    ctx: &Arc<Ctx>,
    list: Vec<r::Subnet<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, s) in list.into_iter().enumerate() {
        let path = item("Subnets", i);
        let at = At { file, path: &path };
        let mut cidrs = Vec::new();
        if let Some(c) = s.cidr_block {
            cidrs.push(at.cidr("CidrBlock", c, p));
        }
        for (j, a) in s.ipv6_cidr_block_association_set.iter().enumerate() {
            if cidr_live(&a.ipv6_cidr_block_state) {
                let field = format!("Ipv6CidrBlockAssociationSet[{j}].Ipv6CidrBlock");
                push_unique(&mut cidrs, at.cidr(&field, a.ipv6_cidr_block, p));
            }
        }
        // IPv6-only subnets have no `CidrBlock`; a subnet with no block at all holds nothing.
        if cidrs.is_empty() {
            return Err(at.missing("CidrBlock"));
        }
        p.subnets.insert(PSubnet {
            id: s.subnet_id.into_owned(),
            vpc_id: s.vpc_id.into_owned(),
            owner: own(s.owner_id),
            cidrs,
            az: s.availability_zone.into_owned(),
            az_id: own(s.availability_zone_id),
            arn_region: s.subnet_arn.as_deref().and_then(arn_region),
            map_public_ip: s.map_public_ip_on_launch,
            tags: tags(&s.tags),
            ctx: ctx.clone(),
            origin: At { file, path: &path }.origin(),
        });
    }
    Ok(())
}

pub(super) fn route_tables(
    file: &str,
    list: Vec<r::RouteTable<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, t) in list.into_iter().enumerate() {
        let path = item("RouteTables", i);
        let mut main = false;
        let mut subnets = Vec::new();
        for (j, a) in t.associations.iter().enumerate() {
            let apath = format!("{path}.Associations[{j}]");
            if !cidr_live(&a.association_state) {
                continue;
            }
            if a.main {
                main = true;
            }
            if let Some(s) = &a.subnet_id {
                subnets.push((s.to_string(), format!("{apath}.SubnetId")));
            }
            if let Some(g) = &a.gateway_id {
                let at = At { file, path: &apath };
                p.warn(
                    &at.origin(),
                    format!(
                        "edge association of route table `{}` with gateway `{g}` (ingress routing) is not modelled yet",
                        t.route_table_id
                    ),
                );
            }
        }
        let mut routes = Vec::with_capacity(t.routes.0.len());
        for (j, rt) in t.routes.iter().enumerate() {
            let rpath = format!("{path}.Routes[{j}]");
            routes.push(route(At { file, path: &rpath }, rt, p)?);
        }
        p.route_tables.insert(PRouteTable {
            id: t.route_table_id.into_owned(),
            vpc_id: t.vpc_id.into_owned(),
            main,
            subnets,
            routes,
            tags: tags(&t.tags),
            origin: At { file, path: &path }.origin(),
        });
    }
    Ok(())
}

fn route(at: At<'_>, r: &r::Route<'_>, p: &mut Parts) -> Result<Route, IngestError> {
    let dest = if let Some(c) = r.destination_cidr_block {
        RouteDest::Cidr(at.cidr("DestinationCidrBlock", c, p))
    } else if let Some(c) = r.destination_ipv6_cidr_block {
        RouteDest::Cidr(at.cidr("DestinationIpv6CidrBlock", c, p))
    } else if let Some(pl) = &r.destination_prefix_list_id {
        RouteDest::PrefixList(pl.as_str().into(), None)
    } else {
        return Err(at.missing("DestinationCidrBlock"));
    };
    let target = route_target(r).ok_or_else(|| at.missing("GatewayId"))?;
    let state = match r.state.as_deref() {
        None | Some("active") => RouteState::Active,
        Some("blackhole") => RouteState::Blackhole,
        Some(s) => return Err(at.invalid("State", s, "`active` or `blackhole`")),
    };
    let origin = match r.origin.as_deref() {
        Some("CreateRouteTable") => RouteOrigin::Auto,
        Some("EnableVgwRoutePropagation") => RouteOrigin::Propagated,
        None if target == RouteTarget::Local => RouteOrigin::Auto,
        _ => RouteOrigin::Static,
    };
    Ok(Route {
        dest,
        target,
        state,
        origin,
    })
}

fn route_target(r: &r::Route<'_>) -> Option<RouteTarget> {
    if let Some(g) = &r.gateway_id {
        return Some(match g.as_str() {
            "local" => RouteTarget::Local,
            g if g.starts_with("igw-") => RouteTarget::InternetGateway(g.into()),
            g if g.starts_with("vpce-") => RouteTarget::VpcEndpoint(g.into()),
            g if g.starts_with("vgw-") => RouteTarget::VirtualPrivateGateway(g.to_owned()),
            g if g.starts_with("eigw-") => RouteTarget::EgressOnlyInternetGateway(g.to_owned()),
            g => RouteTarget::Other(g.to_owned()),
        });
    }
    let id = |o: &Option<Str<'_>>| o.as_deref().map(str::to_owned);
    id(&r.nat_gateway_id)
        .map(|i| RouteTarget::NatGateway(i.into()))
        .or_else(|| id(&r.vpc_peering_connection_id).map(|i| RouteTarget::Peering(i.into())))
        .or_else(|| id(&r.transit_gateway_id).map(|i| RouteTarget::TransitGateway(i.into())))
        .or_else(|| id(&r.network_interface_id).map(|i| RouteTarget::NetworkInterface(i.into())))
        .or_else(|| id(&r.instance_id).map(|i| RouteTarget::Instance(i.into())))
        .or_else(|| {
            id(&r.egress_only_internet_gateway_id).map(RouteTarget::EgressOnlyInternetGateway)
        })
        .or_else(|| id(&r.carrier_gateway_id).map(RouteTarget::Other))
        .or_else(|| id(&r.local_gateway_id).map(RouteTarget::Other))
        .or_else(|| id(&r.core_network_arn).map(RouteTarget::Other))
}

const RULE_EXPECTED: &str = "a rule number 1-32766 (32767 and 32768 are the built-in `*` rules)";
const PORT_EXPECTED: &str = "a port range with 0 <= From <= To <= 65535";
const ICMP_EXPECTED: &str = "an ICMP type and code, each -1 (any) or 0-255";

pub(super) fn network_acls(
    file: &str,
    list: Vec<r::NetworkAcl<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, a) in list.into_iter().enumerate() {
        let path = item("NetworkAcls", i);
        let (mut inbound, mut outbound) = (Vec::new(), Vec::new());
        for (j, e) in a.entries.iter().enumerate() {
            let epath = format!("{path}.Entries[{j}]");
            let entry = acl_entry(At { file, path: &epath }, e, p)?;
            if e.egress {
                outbound.push(entry)
            } else {
                inbound.push(entry)
            }
        }
        finish_acl_direction(&mut inbound);
        finish_acl_direction(&mut outbound);
        let subnets = a
            .associations
            .iter()
            .enumerate()
            .map(|(j, s)| {
                (
                    s.subnet_id.to_string(),
                    format!("{path}.Associations[{j}].SubnetId"),
                )
            })
            .collect();
        p.network_acls.insert(PNetworkAcl {
            id: a.network_acl_id.into_owned(),
            vpc_id: a.vpc_id.into_owned(),
            is_default: a.is_default,
            inbound,
            outbound,
            subnets,
            tags: tags(&a.tags),
            origin: At { file, path: &path }.origin(),
        });
    }
    Ok(())
}

fn acl_entry(at: At<'_>, e: &r::AclEntry<'_>, p: &mut Parts) -> Result<AclEntry, IngestError> {
    let rule_number = u32::try_from(e.rule_number)
        .ok()
        .filter(|n| (1..=32768).contains(n))
        .ok_or_else(|| at.invalid("RuleNumber", e.rule_number, RULE_EXPECTED))?;
    let action = if e.rule_action.eq_ignore_ascii_case("allow") {
        RuleAction::Allow
    } else if e.rule_action.eq_ignore_ascii_case("deny") {
        RuleAction::Deny
    } else {
        return Err(at.invalid("RuleAction", &e.rule_action, "`allow` or `deny`"));
    };
    let cidr = match (e.cidr_block, e.ipv6_cidr_block) {
        (Some(c), _) => at.cidr("CidrBlock", c, p),
        (None, Some(c)) => at.cidr("Ipv6CidrBlock", c, p),
        (None, None) => return Err(at.missing("CidrBlock")),
    };
    let protocol = e.protocol.0;
    let (mut ports, mut icmp) = (None, None);
    match protocol {
        Protocol::Num(Protocol::TCP | Protocol::UDP) => {
            // Without `PortRange` the entry covers every port, as hand-written inputs mean it;
            // half a range is a broken dump.
            if let Some(pr) = &e.port_range {
                let (Some(from), Some(to)) = (pr.from, pr.to) else {
                    let field = if pr.from.is_none() { "From" } else { "To" };
                    return Err(at.missing(&format!("PortRange.{field}")));
                };
                ports = Some(port_pair(from, to).ok_or_else(|| {
                    at.invalid("PortRange", format!("{from}-{to}"), PORT_EXPECTED)
                })?);
            }
        }
        Protocol::Num(Protocol::ICMP | Protocol::ICMPV6) => {
            if let Some(tc) = &e.icmp_type_code {
                let (Some(t), Some(c)) = (tc.r#type, tc.code) else {
                    let field = if tc.r#type.is_none() { "Type" } else { "Code" };
                    return Err(at.missing(&format!("IcmpTypeCode.{field}")));
                };
                icmp = Some(icmp_pair(t, c).ok_or_else(|| {
                    at.invalid("IcmpTypeCode", format!("{t}/{c}"), ICMP_EXPECTED)
                })?);
            }
        }
        _ => {}
    }
    Ok(AclEntry {
        rule_number,
        action,
        protocol,
        cidr,
        ports,
        icmp,
    })
}

fn port_pair(from: i64, to: i64) -> Option<(u16, u16)> {
    let (f, t) = (u16::try_from(from).ok()?, u16::try_from(to).ok()?);
    (f <= t).then_some((f, t))
}

fn icmp_pair(t: i64, c: i64) -> Option<(i32, i32)> {
    let ok = |v: i64| (-1..=255).contains(&v);
    (ok(t) && ok(c)).then_some((i32::try_from(t).ok()?, i32::try_from(c).ok()?))
}

/// Sorts entries by rule number (AWS evaluates in that order, never in input order) and makes
/// sure the built-in `*` denies close the list: 32767 for IPv4 and 32768 for IPv6 (moto and some
/// collectors omit them).
pub(crate) fn finish_acl_direction(entries: &mut Vec<AclEntry>) {
    let has_default = |v4: bool| {
        entries
            .iter()
            .any(|e| e.is_default_deny() && matches!(e.cidr, IpNet::V4(_)) == v4)
    };
    let deny = |rule_number, cidr| AclEntry {
        rule_number,
        action: RuleAction::Deny,
        protocol: Protocol::All,
        cidr,
        ports: None,
        icmp: None,
    };
    let (need_v4, need_v6) = (!has_default(true), !has_default(false));
    if need_v4 {
        entries.push(deny(32767, IpNet::V4(Ipv4Net::default())));
    }
    if need_v6 {
        entries.push(deny(32768, IpNet::V6(Ipv6Net::default())));
    }
    entries.sort_by_key(|e| (e.rule_number, matches!(e.cidr, IpNet::V6(_))));
}

pub(super) fn security_groups(
    file: &str,
    ctx: &Arc<Ctx>,
    list: Vec<r::SecurityGroup<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, g) in list.into_iter().enumerate() {
        let path = item("SecurityGroups", i);
        let own_account = g.owner_id.as_deref().or(ctx.account.as_deref());
        let mut ingress = Vec::new();
        for (j, perm) in g.ip_permissions.iter().enumerate() {
            let ppath = format!("{path}.IpPermissions[{j}]");
            permission_rules(
                At { file, path: &ppath },
                perm,
                own_account,
                &mut ingress,
                p,
            )?;
        }
        let mut egress = Vec::new();
        for (j, perm) in g.ip_permissions_egress.iter().enumerate() {
            let ppath = format!("{path}.IpPermissionsEgress[{j}]");
            permission_rules(At { file, path: &ppath }, perm, own_account, &mut egress, p)?;
        }
        p.security_groups.insert(PSecurityGroup {
            id: g.group_id.into_owned(),
            vpc_id: own(g.vpc_id),
            owner: own(g.owner_id),
            name: own(g.group_name).unwrap_or_default(),
            ingress,
            egress,
            tags: tags(&g.tags),
            ctx: ctx.clone(),
            origin: At { file, path: &path }.origin(),
        });
    }
    Ok(())
}

/// One permission → one rule per peer (CIDR, IPv6 CIDR, prefix list, group).
fn permission_rules(
    at: At<'_>,
    perm: &r::IpPermission<'_>,
    own_account: Option<&str>,
    out: &mut Vec<SgRule>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    let protocol = perm.ip_protocol.0;
    let (from, to) = (perm.from_port, perm.to_port);
    // AWS always gives both ends for TCP, UDP and ICMP; guessing a missing one could open ports.
    let both = || match (from, to) {
        (Some(f), Some(t)) => Ok((f, t)),
        (None, _) => Err(at.missing("FromPort")),
        (Some(_), None) => Err(at.missing("ToPort")),
    };
    let (ports, icmp) = match protocol {
        Protocol::Num(Protocol::TCP | Protocol::UDP) => match both()? {
            (-1, -1) => (None, None),
            (f, t) => {
                let pair = port_pair(f, t)
                    .ok_or_else(|| at.invalid("FromPort", format!("{f}-{t}"), PORT_EXPECTED))?;
                (Some(pair), None)
            }
        },
        Protocol::Num(Protocol::ICMP | Protocol::ICMPV6) => {
            let (t, c) = both()?;
            let pair = icmp_pair(t, c)
                .ok_or_else(|| at.invalid("FromPort", format!("{t}/{c}"), ICMP_EXPECTED))?;
            (None, Some(pair))
        }
        _ => (None, None),
    };
    let rule = |peer, description: &Option<Str<'_>>| SgRule {
        protocol,
        ports,
        icmp,
        peer,
        description: description.as_deref().map(str::to_owned),
    };
    for (k, r) in perm.ip_ranges.iter().enumerate() {
        let c = at.cidr(&format!("IpRanges[{k}].CidrIp"), r.cidr_ip, p);
        out.push(rule(SgPeer::Cidr(c), &r.description));
    }
    for (k, r) in perm.ipv6_ranges.iter().enumerate() {
        let c = at.cidr(&format!("Ipv6Ranges[{k}].CidrIpv6"), r.cidr_ipv6, p);
        out.push(rule(SgPeer::Cidr(c), &r.description));
    }
    for r in &perm.prefix_list_ids {
        out.push(rule(
            SgPeer::PrefixList(r.prefix_list_id.as_str().into()),
            &r.description,
        ));
    }
    for r in &perm.user_id_group_pairs {
        let account = r
            .user_id
            .as_deref()
            .filter(|u| Some(*u) != own_account)
            .map(Into::into);
        let peering = r.vpc_peering_connection_id.as_deref().map(Into::into);
        out.push(rule(
            SgPeer::Group {
                group: r.group_id.as_str().into(),
                account,
                peering,
            },
            &r.description,
        ));
    }
    Ok(())
}

/// What an ENI belongs to, from its `InterfaceType`, then (for plain `interface` ENIs, and
/// dumps older than the dedicated types) its description and requester.
fn eni_kind(e: &r::Eni<'_>) -> EniKind {
    let desc = e.description.as_deref().unwrap_or("");
    let requester = e.requester_id.as_deref().unwrap_or("");
    match e.interface_type.as_deref().unwrap_or("interface") {
        "interface" => {
            if desc == "RDSNetworkInterface" || requester == "amazon-rds" {
                EniKind::Rds
            } else if desc.starts_with("AWS Lambda VPC ENI") {
                EniKind::Lambda
            } else if desc.starts_with("ELB ") {
                EniKind::LoadBalancer
            } else if desc.starts_with("Interface for NAT Gateway") {
                EniKind::NatGateway
            } else if desc.starts_with("VPC Endpoint Interface") {
                EniKind::VpcEndpoint
            } else if desc.starts_with("Network Interface for Transit Gateway Attachment") {
                EniKind::TransitGateway
            } else {
                EniKind::Instance
            }
        }
        "nat_gateway" | "natGateway" => EniKind::NatGateway,
        "lambda" => EniKind::Lambda,
        "network_load_balancer" | "load_balancer" | "gateway_load_balancer" => {
            EniKind::LoadBalancer
        }
        "vpc_endpoint" | "gateway_load_balancer_endpoint" => EniKind::VpcEndpoint,
        "transit_gateway" => EniKind::TransitGateway,
        "efa" | "efa-only" | "trunk" | "branch" => EniKind::Instance,
        other => EniKind::Other(other.to_owned()),
    }
}

/// The instance an embedded ENI came from, for fields the embedded copy lacks.
pub(super) struct Embedding<'a> {
    instance_id: &'a str,
    subnet_id: Option<&'a str>,
    vpc_id: Option<&'a str>,
    owner: Option<&'a str>,
}

fn eni(
    at: At<'_>,
    ctx: &Arc<Ctx>,
    e: r::Eni<'_>,
    emb: Option<&Embedding<'_>>,
    p: &mut Parts,
) -> Result<PEni, IngestError> {
    let subnet_id = e
        .subnet_id
        .as_deref()
        .or(emb.and_then(|m| m.subnet_id))
        .ok_or_else(|| at.missing("SubnetId"))?
        .to_owned();
    let mut private_ips: Vec<PrivateIp> = e
        .private_ip_addresses
        .iter()
        .map(|a| PrivateIp {
            addr: a.private_ip_address.0,
            primary: a.primary,
            public: a
                .association
                .as_ref()
                .and_then(|s| s.public_ip)
                .map(|v| v.0),
        })
        .collect();
    if let Some(primary) = e.private_ip_address
        && !private_ips.iter().any(|p| p.addr == primary.0)
    {
        let first = private_ips.is_empty();
        private_ips.insert(
            0,
            PrivateIp {
                addr: primary.0,
                primary: first,
                public: None,
            },
        );
    }
    // The top-level association belongs to the primary private address.
    if let Some(pub_ip) = e.association.as_ref().and_then(|a| a.public_ip) {
        let primary = e.private_ip_address.map(|a| a.0);
        let slot = private_ips
            .iter()
            .position(|p| Some(p.addr) == primary)
            .or_else(|| private_ips.iter().position(|p| p.primary))
            .or(if private_ips.is_empty() {
                None
            } else {
                Some(0)
            });
        if let Some(s) = slot.and_then(|i| private_ips.get_mut(i)) {
            s.public.get_or_insert(pub_ip.0);
        }
    }
    // Every interface has a primary private address (IPv4, or IPv6 in an IPv6-only subnet).
    if private_ips.is_empty() && e.ipv6_addresses.is_empty() {
        return Err(at.missing("PrivateIpAddress"));
    }
    let kind = eni_kind(&e);
    let (instance_id, device_index) = match e.attachment {
        Some(a) => (own(a.instance_id), a.device_index),
        None => (None, None),
    };
    let instance_id = instance_id.or_else(|| emb.map(|m| m.instance_id.to_owned()));
    if !e.ipv4_prefixes.is_empty() || !e.ipv6_prefixes.is_empty() {
        p.warn(
            &at.origin(),
            format!(
                "delegated prefixes of network interface `{}` are not modelled yet",
                e.network_interface_id
            ),
        );
    }
    let tags = if e.tags.is_empty() {
        tags(&e.tag_set)
    } else {
        let mut tags = tags(&e.tag_set);
        tags.extend(raw::tags(&e.tags));
        tags.sort();
        tags.dedup_by(|a, b| a.0 == b.0);
        tags
    };
    Ok(PEni {
        id: e.network_interface_id.into_owned(),
        subnet_id,
        vpc_id: own(e.vpc_id).or_else(|| emb.and_then(|m| m.vpc_id.map(str::to_owned))),
        owner: own(e.owner_id).or_else(|| emb.and_then(|m| m.owner.map(str::to_owned))),
        kind,
        private_ips,
        ipv6: e.ipv6_addresses.iter().map(|a| a.ipv6_address.0).collect(),
        groups: e
            .groups
            .0
            .into_iter()
            .map(|g| g.group_id.into_owned())
            .collect(),
        source_dest_check: e.source_dest_check.unwrap_or(true),
        instance_id,
        device_index: device_index.unwrap_or(i64::MAX),
        description: own(e.description).unwrap_or_default(),
        status: own_or(e.status, "in-use"),
        tags,
        ctx: ctx.clone(),
        origin: at.origin(),
    })
}

pub(super) fn network_interfaces(
    file: &str,
    ctx: &Arc<Ctx>,
    list: Vec<r::Eni<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, e) in list.into_iter().enumerate() {
        let path = item("NetworkInterfaces", i);
        let pe = eni(At { file, path: &path }, ctx, e, None, p)?;
        p.enis.insert(pe);
    }
    Ok(())
}

pub(super) fn reservations(
    file: &str,
    ctx: &Arc<Ctx>,
    list: Vec<r::Reservation<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    let shared_file: Arc<str> = Arc::from(file);
    for (i, res) in list.into_iter().enumerate() {
        for (j, inst) in res.instances.0.into_iter().enumerate() {
            let state = inst.state.name.into_owned();
            let gone = matches!(state.as_str(), "terminated" | "shutting-down");
            let mut enis = Vec::new();
            if !gone {
                let emb = Embedding {
                    instance_id: &inst.instance_id,
                    subnet_id: inst.subnet_id.as_deref(),
                    vpc_id: inst.vpc_id.as_deref(),
                    owner: res.owner_id.as_deref(),
                };
                enis.reserve_exact(inst.network_interfaces.0.len());
                for (k, e) in inst.network_interfaces.0.into_iter().enumerate() {
                    let epath = format!("Reservations[{i}].Instances[{j}].NetworkInterfaces[{k}]");
                    enis.push(eni(At { file, path: &epath }, ctx, e, Some(&emb), p)?);
                }
            }
            let windows = inst
                .platform
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("windows"))
                || inst
                    .platform_details
                    .as_deref()
                    .is_some_and(|s| s.starts_with("Windows"));
            p.instances.insert(PInstance {
                id: inst.instance_id.into_owned(),
                state,
                windows,
                tags: tags(&inst.tags),
                enis,
                listed: Vec::new(),
                origin: InstanceAt {
                    file: shared_file.clone(),
                    reservation: i,
                    instance: j,
                },
            });
        }
    }
    Ok(())
}

pub(super) fn addresses(file: &str, list: Vec<r::Address<'_>>, p: &mut Parts) {
    for (i, a) in list.into_iter().enumerate() {
        let path = item("Addresses", i);
        p.addresses.push(PAddress {
            public: a.public_ip.0,
            allocation_id: own(a.allocation_id),
            associated: a.network_interface_id.is_some()
                || a.instance_id.is_some()
                || a.association_id.is_some(),
            eni_id: own(a.network_interface_id),
            private: a.private_ip_address.map(|x| x.0),
            origin: At { file, path: &path }.origin(),
        });
    }
}

pub(super) fn internet_gateways(file: &str, list: Vec<r::InternetGateway<'_>>, p: &mut Parts) {
    for (i, g) in list.into_iter().enumerate() {
        let path = item("InternetGateways", i);
        let vpcs = g
            .attachments
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a.state.as_deref(), None | Some("available" | "attached")))
            .map(|(j, a)| {
                (
                    a.vpc_id.to_string(),
                    format!("{path}.Attachments[{j}].VpcId"),
                )
            })
            .collect();
        p.internet_gateways.insert(PInternetGateway {
            id: g.internet_gateway_id.into_owned(),
            vpcs,
            tags: tags(&g.tags),
            origin: At { file, path: &path }.origin(),
        });
    }
}

pub(super) fn nat_gateways(file: &str, list: Vec<r::NatGateway<'_>>, p: &mut Parts) {
    for (i, n) in list.into_iter().enumerate() {
        let path = item("NatGateways", i);
        let addresses: Vec<_> = n
            .nat_gateway_addresses
            .0
            .into_iter()
            .map(|a| {
                (
                    own(a.network_interface_id).unwrap_or_default(),
                    a.private_ip.map(|x| x.0),
                    a.public_ip.map(|x| x.0),
                )
            })
            .collect();
        p.nat_gateways.insert(PNatGateway {
            id: n.nat_gateway_id.into_owned(),
            subnet_id: own(n.subnet_id),
            state: own_or(n.state, "available"),
            public: n.connectivity_type.as_deref() != Some("private"),
            private_ips: addresses.iter().filter_map(|a| a.1).collect(),
            public_ips: addresses.iter().filter_map(|a| a.2).collect(),
            addresses,
            tags: tags(&n.tags),
            origin: At { file, path: &path }.origin(),
        });
    }
}

fn peering_side(
    at: At<'_>,
    side: r::PeeringVpcInfo<'_>,
    p: &mut Parts,
) -> Result<PeeringSide, IngestError> {
    let vpc_id = side.vpc_id.as_deref().ok_or_else(|| at.missing("VpcId"))?;
    let mut cidrs = Vec::new();
    if let Some(c) = side.cidr_block {
        cidrs.push(at.cidr("CidrBlock", c, p));
    }
    for (k, c) in side.cidr_block_set.iter().enumerate() {
        let field = format!("CidrBlockSet[{k}].CidrBlock");
        push_unique(&mut cidrs, at.cidr(&field, c.cidr_block, p));
    }
    for (k, c) in side.ipv6_cidr_block_set.iter().enumerate() {
        let field = format!("Ipv6CidrBlockSet[{k}].Ipv6CidrBlock");
        push_unique(&mut cidrs, at.cidr(&field, c.ipv6_cidr_block, p));
    }
    Ok(PeeringSide {
        vpc_id: vpc_id.into(),
        vpc: None,
        account: side.owner_id.as_deref().map(Into::into),
        region: own(side.region),
        cidrs,
    })
}

pub(super) fn peerings(
    file: &str,
    list: Vec<r::PeeringConnection<'_>>,
    p: &mut Parts,
) -> Result<(), IngestError> {
    for (i, c) in list.into_iter().enumerate() {
        let path = item("VpcPeeringConnections", i);
        let rpath = format!("{path}.RequesterVpcInfo");
        let apath = format!("{path}.AccepterVpcInfo");
        let requester = peering_side(At { file, path: &rpath }, c.requester_vpc_info, p)?;
        let accepter = peering_side(At { file, path: &apath }, c.accepter_vpc_info, p)?;
        p.peerings.insert(PPeering {
            requester,
            accepter,
            id: c.vpc_peering_connection_id.into_owned(),
            status: own_or(c.status.map(|s| s.code), "active"),
            tags: tags(&c.tags),
            origin: At { file, path: &path }.origin(),
        });
    }
    Ok(())
}

pub(super) fn vpc_endpoints(file: &str, list: Vec<r::VpcEndpoint<'_>>, p: &mut Parts) {
    for (i, e) in list.into_iter().enumerate() {
        let path = item("VpcEndpoints", i);
        let kind = match e.vpc_endpoint_type.as_deref() {
            Some("Gateway") => VpcEndpointKind::Gateway,
            Some("Interface") => VpcEndpointKind::Interface,
            Some(other) => VpcEndpointKind::Other(other.to_owned()),
            None if !e.route_table_ids.is_empty() => VpcEndpointKind::Gateway,
            None => VpcEndpointKind::Interface,
        };
        p.vpc_endpoints.insert(PVpcEndpoint {
            id: e.vpc_endpoint_id.into_owned(),
            kind,
            vpc_id: e.vpc_id.into_owned(),
            service: own(e.service_name).unwrap_or_default(),
            state: own_or(e.state, "available"),
            route_tables: e
                .route_table_ids
                .0
                .into_iter()
                .map(Str::into_owned)
                .collect(),
            enis: e
                .network_interface_ids
                .0
                .into_iter()
                .map(Str::into_owned)
                .collect(),
            tags: tags(&e.tags),
            origin: At { file, path: &path }.origin(),
        });
    }
}
