//! Names resolved, addresses computed, and the address checks: the design as the compiler uses it.

use crate::error::{DesignError, Diagnostic, Severity};
use crate::service::Service;
use crate::spec::{self, Egress, HostKind, Role, Sp};
use ipnet::Ipv4Net;
use serde_saphyr::Location;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// A tier of the template.
#[derive(Clone, Debug)]
pub struct TierPlan {
    pub name: String,
    pub size: u8,
    pub slot: u32,
    pub role: Role,
    pub egress: Egress,
}

#[derive(Clone, Debug)]
pub struct SubnetPlan {
    pub tier: String,
    pub cidr: Ipv4Net,
}

#[derive(Clone, Debug)]
pub struct AzPlan {
    /// The suffix (`a`).
    pub suffix: String,
    /// The zone name (`us-east-1a`).
    pub zone: String,
    pub slot: u32,
    pub cidr: Ipv4Net,
    /// In tier order of the template (by name).
    pub subnets: Vec<SubnetPlan>,
}

/// One VPC: an account in a region.
#[derive(Clone, Debug)]
pub struct VpcPlan {
    pub env: String,
    pub alias: String,
    pub account: String,
    pub region: String,
    pub slot: u32,
    pub pool: Ipv4Net,
    pub cidr: Ipv4Net,
    /// By AZ slot.
    pub azs: Vec<AzPlan>,
    /// Elastic IPs given for the NAT gateways (analysis only), in AZ order.
    pub eips: Vec<Ipv4Addr>,
}

impl VpcPlan {
    /// `<alias>` for a single-region design, `<alias>-<region>` otherwise.
    pub fn name(&self, multi_region: bool) -> String {
        if multi_region {
            format!("{}-{}", self.alias, self.region)
        } else {
            self.alias.clone()
        }
    }

    pub fn subnet(&self, az: &str, tier: &str) -> Option<&SubnetPlan> {
        self.azs
            .iter()
            .find(|a| a.suffix == az)
            .and_then(|a| a.subnets.iter().find(|s| s.tier == tier))
    }

    pub fn tier_subnets<'a>(
        &'a self,
        tier: &'a str,
    ) -> impl Iterator<Item = (&'a AzPlan, &'a SubnetPlan)> + 'a {
        self.azs.iter().flat_map(move |a| {
            a.subnets
                .iter()
                .filter(move |s| s.tier == tier)
                .map(move |s| (a, s))
        })
    }
}

/// One host (an instance, or an RDS database with its standby) at fixed addresses.
#[derive(Clone, Debug)]
pub struct HostPlan {
    /// `<alias>-<name>`.
    pub name: String,
    /// The name in the design's `hosts` (the role shared by its copies).
    pub role: String,
    pub vpc: usize,
    pub tier: String,
    pub kind: HostKind,
    /// (AZ suffix, address): the primary first, then the standby of a Multi-AZ database.
    pub placements: Vec<(String, Ipv4Addr)>,
    pub public_ip: Option<Ipv4Addr>,
    /// `None`: every egress allowed; `Some`: only these services to the internet (plus flows and
    /// pinholes).
    pub egress: Option<Vec<Service>>,
}

impl HostPlan {
    pub fn addrs(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.placements.iter().map(|(_, a)| *a)
    }

    /// Whether the host's security group lists its egress rule by rule (`egress:` given, or an
    /// RDS database, whose group has no outbound rule by default): flows and pinholes it starts
    /// then need an outbound rule too.
    pub fn restricted_egress(&self) -> bool {
        self.egress.is_some() || self.kind == HostKind::Rds
    }

    /// The source ports this host uses as a client (its replies come back to them).
    pub fn ephemeral(&self) -> (u16, u16) {
        match self.kind {
            HostKind::Windows => (49152, 65535),
            HostKind::Linux => (32768, 60999),
            // A managed service's source ports are not documented: allow the whole range, as the
            // engine assumes for every interface that is not an instance's.
            HostKind::Rds => (1024, 65535),
        }
    }
}

/// A flow inside one VPC, from the template.
#[derive(Clone, Debug)]
pub enum FlowFrom {
    Internet,
    Tier(String),
    Host(usize),
}

#[derive(Clone, Debug)]
pub struct FlowPlan {
    pub from: FlowFrom,
    pub to: usize,
    pub services: Vec<Service>,
}

/// A pinhole resolved to hosts: every client host to every target host.
#[derive(Clone, Debug)]
pub struct PinholePlan {
    pub name: String,
    pub from: Vec<usize>,
    pub to: Vec<usize>,
    pub services: Vec<Service>,
}

/// A peering connection between two VPCs (indices; requester first).
#[derive(Clone, Debug)]
pub struct Peering {
    pub requester: usize,
    pub accepter: usize,
}

/// A resolved design.
#[derive(Debug)]
pub struct Design {
    pub file: String,
    /// Alias → account id.
    pub accounts: BTreeMap<String, String>,
    /// Region → AZ suffix → slot.
    pub regions: BTreeMap<String, BTreeMap<String, u32>>,
    pub vpc_prefix: u8,
    pub az_prefix: u8,
    pub tiers: Vec<TierPlan>,
    pub nat_host: u32,
    /// Sorted by environment, alias, region.
    pub vpcs: Vec<VpcPlan>,
    pub hosts: Vec<HostPlan>,
    pub flows: Vec<FlowPlan>,
    pub pinholes: Vec<PinholePlan>,
    pub peerings: Vec<Peering>,
    /// Tiers whose NACLs deny other environments.
    pub isolated: BTreeSet<String>,
    /// The intent file's sections, as data for the intent engine.
    pub groups: BTreeMap<String, serde_json::Value>,
    pub intents: Vec<serde_json::Value>,
    pub warnings: Vec<Diagnostic>,
}

impl Design {
    pub fn multi_region(&self) -> bool {
        self.regions.len() > 1
    }

    pub fn tier(&self, name: &str) -> Option<&TierPlan> {
        self.tiers.iter().find(|t| t.name == name)
    }

    pub fn vpc_name(&self, v: usize) -> String {
        self.vpcs
            .get(v)
            .map(|x| x.name(self.multi_region()))
            .unwrap_or_default()
    }

    pub fn host_by_name(&self, name: &str) -> Option<usize> {
        self.hosts.iter().position(|h| h.name == name)
    }

    /// The VPCs `v` peers with.
    pub fn peers(&self, v: usize) -> Vec<(usize, &Peering)> {
        self.peerings
            .iter()
            .filter_map(|p| {
                if p.requester == v {
                    Some((p.accepter, p))
                } else if p.accepter == v {
                    Some((p.requester, p))
                } else {
                    None
                }
            })
            .collect()
    }
}

struct Ctx<'a> {
    file: &'a str,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn err(&mut self, loc: Location, msg: String) {
        self.diags
            .push(Diagnostic::at(Severity::Error, self.file, loc, msg));
    }
    fn warn(&mut self, loc: Location, msg: String) {
        self.diags
            .push(Diagnostic::at(Severity::Warning, self.file, loc, msg));
    }
}

fn names<'a>(it: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<&str> = it.map(String::as_str).collect();
    if v.is_empty() {
        "none".to_owned()
    } else {
        v.join(", ")
    }
}

/// Ranges AWS refuses for a VPC.
const RESTRICTED: [(&str, &str); 5] = [
    ("0.0.0.0/8", "\"this\" network"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
];

const RFC1918: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

fn net(s: &str) -> Option<Ipv4Net> {
    s.parse().ok()
}

pub(crate) fn resolve(file: &str, raw: spec::DesignFile) -> Result<Design, DesignError> {
    let mut cx = Ctx {
        file,
        diags: Vec::new(),
    };
    if raw.version.value != 1 {
        cx.err(
            raw.version.referenced,
            format!("unsupported version {} (expected 1)", raw.version.value),
        );
    }
    let mut accounts = BTreeMap::new();
    for (alias, id) in &raw.accounts {
        if id.value.len() != 12 || !id.value.bytes().all(|b| b.is_ascii_digit()) {
            cx.err(
                id.referenced,
                format!(
                    "account `{alias}`: expected a 12-digit account id, found `{}`",
                    id.value
                ),
            );
        }
        accounts.insert(alias.clone(), id.value.clone());
    }

    // Regions.
    let mut regions: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
    for (name, r) in &raw.regions {
        let mut azs = BTreeMap::new();
        let mut seen: BTreeMap<u32, &str> = BTreeMap::new();
        for (suffix, slot) in &r.value.azs {
            if let Some(other) = seen.insert(slot.value, suffix) {
                cx.err(
                    slot.referenced,
                    format!(
                        "region `{name}`: AZ `{suffix}` takes slot {} of AZ `{other}`",
                        slot.value
                    ),
                );
            }
            azs.insert(suffix.clone(), slot.value);
        }
        if azs.is_empty() {
            cx.err(
                r.referenced,
                format!("region `{name}`: expected at least one AZ"),
            );
        }
        regions.insert(name.clone(), azs);
    }

    let tp = template(&mut cx, &raw.template);
    let TemplatePlan {
        vpc_prefix,
        az_prefix,
        nat_host,
        ..
    } = tp;
    let vpcs = place_vpcs(&mut cx, &raw, &accounts, &regions, &tp);
    let peerings = peer(&mut cx, &raw, &vpcs, &accounts);
    // Hosts, flows and pinholes depend on the VPCs: stop here rather than report their echoes.
    if cx.diags.iter().any(|d| d.severity == Severity::Error) {
        return Err(finish_errors(cx.diags));
    }

    // Isolation.
    let isolated: BTreeSet<String> = match &raw.isolation {
        None => tp.tiers.iter().map(|t| t.name.clone()).collect(),
        Some(iso) => {
            let mut s = BTreeSet::new();
            for t in &iso.value.tiers {
                if tp.tiers.iter().any(|x| x.name == t.value) {
                    s.insert(t.value.clone());
                } else {
                    cx.err(
                        t.referenced,
                        format!(
                            "isolation: unknown tier `{}` (known: {})",
                            t.value,
                            names(tp.tiers.iter().map(|t| &t.name))
                        ),
                    );
                }
            }
            s
        }
    };

    let hosts = place_hosts(&mut cx, &raw, &tp, &vpcs, &regions);
    let flows = flows(&mut cx, &raw, &tp.tiers, &hosts);
    // Pinholes.
    let groups: BTreeMap<String, serde_json::Value> = raw
        .groups
        .iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .collect();
    let mut pinholes = Vec::new();
    for (i, p) in raw.pinholes.iter().enumerate() {
        let pv = &p.value;
        let services = services(&mut cx, &pv.services);
        let from = endpoint_hosts(&mut cx, &pv.from, &groups, &hosts, &vpcs, &accounts);
        let to = endpoint_hosts(&mut cx, &pv.to, &groups, &hosts, &vpcs, &accounts);
        if services.iter().any(|s| s.proto == 1) {
            cx.warn(
                p.referenced,
                "pinhole: icmp opens echo (type 8) in the security groups; the NACL rules allow every ICMP type to and from the pinhole's addresses"
                    .to_owned(),
            );
        }
        pinholes.push(PinholePlan {
            name: pv
                .name
                .clone()
                .unwrap_or_else(|| format!("pinhole-{}", i + 1)),
            from,
            to,
            services,
        });
    }

    // Intents are the intent engine's to parse; catch here what its format makes certain: one
    // kind per intent, and group names that exist.
    for (i, it) in raw.intents.iter().enumerate() {
        check_intent(&mut cx, i, it, &groups, &hosts);
    }
    let intents = raw.intents.iter().map(|v| v.value.clone()).collect();
    let (errors, warnings): (Vec<_>, Vec<_>) = cx
        .diags
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    if !errors.is_empty() {
        let mut all = errors;
        all.extend(warnings);
        return Err(finish_errors(all));
    }
    Ok(Design {
        file: file.to_owned(),
        accounts,
        regions,
        vpc_prefix,
        az_prefix,
        tiers: tp.tiers,
        nat_host,
        vpcs,
        hosts,
        flows,
        pinholes,
        peerings,
        isolated,
        groups,
        intents,
        warnings,
    })
}

/// The template's prefixes and tiers.
struct TemplatePlan {
    vpc_prefix: u8,
    az_prefix: u8,
    az_slots: u64,
    tiers: Vec<TierPlan>,
    nat_host: u32,
}

fn template(cx: &mut Ctx<'_>, template: &Sp<spec::Template>) -> TemplatePlan {
    let raw_template = template;
    // Template.
    let t = &template.value;
    let vpc_prefix = t.vpc.value;
    let az_prefix = t.az.value;
    if !(16..=28).contains(&vpc_prefix) {
        cx.err(
            t.vpc.referenced,
            format!("VPC size /{vpc_prefix} is outside what AWS allows (/16 to /28)"),
        );
    }
    if az_prefix < vpc_prefix || az_prefix > 28 {
        cx.err(
            t.az.referenced,
            format!(
                "AZ block /{az_prefix} must lie inside the /{vpc_prefix} VPC and be at most /28"
            ),
        );
    }
    let az_slots: u64 = 1u64 << (az_prefix.saturating_sub(vpc_prefix).min(32));
    let mut tiers = Vec::new();
    for (name, tier) in &t.tiers {
        let tv = &tier.value;
        let size = tv.size.value;
        if !(16..=28).contains(&size) || size < az_prefix {
            cx.err(
                tv.size.referenced,
                format!("tier `{name}`: subnet /{size} must be /16 to /28 and inside the /{az_prefix} AZ block"),
            );
        }
        let slots: u64 = 1u64 << (size.saturating_sub(az_prefix).min(32));
        if u64::from(tv.slot.value) >= slots {
            cx.err(
                tv.slot.referenced,
                format!(
                    "tier `{name}`: slot {} does not exist: a /{az_prefix} AZ block holds {slots} /{size} subnets (slots 0 to {})",
                    tv.slot.value,
                    slots - 1
                ),
            );
        }
        let role = tv.role.value;
        let egress = match (&tv.egress, role) {
            (Some(e), Role::Public) => {
                cx.err(e.referenced, format!("tier `{name}`: a public tier's egress is its internet gateway; `egress` applies to private and data tiers"));
                Egress::None
            }
            (Some(e), _) => e.value,
            (None, Role::Private) => Egress::NatPerAz,
            (None, _) => Egress::None,
        };
        tiers.push(TierPlan {
            name: name.clone(),
            size,
            slot: tv.slot.value,
            role,
            egress,
        });
    }
    // Tiers overlapping inside the AZ block.
    for (i, a) in tiers.iter().enumerate() {
        for b in tiers.iter().skip(i + 1) {
            if let (Some(x), Some(y)) = (tier_offset(a, az_prefix), tier_offset(b, az_prefix))
                && x.0 < y.1
                && y.0 < x.1
            {
                let loc = t
                    .tiers
                    .get(&b.name)
                    .map_or(raw_template.referenced, |s| s.value.slot.referenced);
                cx.err(
                    loc,
                    format!(
                        "tier `{}` (/{} slot {}) overlaps tier `{}` (/{} slot {}) inside every AZ block",
                        b.name, b.size, b.slot, a.name, a.size, a.slot
                    ),
                );
            }
        }
    }
    let has_public = tiers.iter().any(|t| t.role == Role::Public);
    for tier in &tiers {
        if tier.egress != Egress::None && !has_public {
            let loc = t
                .tiers
                .get(&tier.name)
                .map_or(raw_template.referenced, |s| s.referenced);
            cx.err(
                loc,
                format!(
                    "tier `{}`: NAT egress needs a public tier for the NAT gateways",
                    tier.name
                ),
            );
        }
    }
    let nat_host = t.nat_host.as_ref().map_or(5, |n| n.value);

    TemplatePlan {
        vpc_prefix,
        az_prefix,
        az_slots,
        tiers,
        nat_host,
    }
}

/// Every account's VPC in every region of its environment, with its AZ blocks and subnets.
fn place_vpcs(
    cx: &mut Ctx<'_>,
    raw: &spec::DesignFile,
    accounts: &BTreeMap<String, String>,
    regions: &BTreeMap<String, BTreeMap<String, u32>>,
    tp: &TemplatePlan,
) -> Vec<VpcPlan> {
    let (vpc_prefix, az_prefix, az_slots, tiers) =
        (tp.vpc_prefix, tp.az_prefix, tp.az_slots, &tp.tiers);
    // Environments and VPCs.
    let mut env_of: BTreeMap<String, String> = BTreeMap::new();
    let mut vpcs = Vec::new();
    for (env, e) in &raw.environments {
        let mut pools = BTreeMap::new();
        for (region, pool) in &e.value.pools {
            if !regions.contains_key(region) {
                cx.err(
                    pool.referenced,
                    format!(
                        "environment `{env}`: unknown region `{region}` (known: {})",
                        names(regions.keys())
                    ),
                );
                continue;
            }
            let Some(p) = net(&pool.value) else {
                cx.err(pool.referenced, format!("environment `{env}`: expected an IPv4 CIDR for the {region} pool, found `{}`", pool.value));
                continue;
            };
            if p.trunc() != p {
                cx.err(
                    pool.referenced,
                    format!("pool {p} has host bits set (did you mean {}?)", p.trunc()),
                );
            }
            for (r, what) in RESTRICTED {
                if let Some(rn) = net(r)
                    && (rn.contains(&p.network()) || p.contains(&rn.network()))
                {
                    cx.err(
                        pool.referenced,
                        format!(
                            "pool {p} overlaps {r} ({what}), which AWS does not allow in a VPC"
                        ),
                    );
                }
            }
            if !RFC1918
                .iter()
                .filter_map(|r| net(r))
                .any(|r| r.contains(&p))
            {
                let shared = net("100.64.0.0/10").is_some_and(|s| s.contains(&p));
                cx.warn(
                    pool.referenced,
                    if shared {
                        format!("pool {p} is in the shared address space 100.64.0.0/10 (carrier-grade NAT): allowed, but it can collide with NAT ranges")
                    } else {
                        format!("pool {p} is not an RFC 1918 range: its VPCs hide these public addresses from their hosts")
                    },
                );
            }
            if p.prefix_len() > vpc_prefix {
                cx.err(
                    pool.referenced,
                    format!("pool {p} is smaller than one /{vpc_prefix} VPC"),
                );
            }
            pools.insert(region.clone(), (p, pool.referenced));
        }
        for (alias, place) in &e.value.accounts {
            let Some(account) = accounts.get(alias) else {
                cx.err(
                    place.referenced,
                    format!(
                        "environment `{env}`: unknown account `{alias}` (known: {})",
                        names(accounts.keys())
                    ),
                );
                continue;
            };
            if let Some(other) = env_of.insert(alias.clone(), env.clone()) {
                cx.err(
                    place.referenced,
                    format!("account `{alias}` is in environments `{other}` and `{env}`"),
                );
            }
            let slot = place.value.slot();
            let eips_by_region = match &place.value {
                spec::AccountPlace::Full { eips, .. } => Some(eips),
                spec::AccountPlace::Slot(_) => None,
            };
            for (region, (pool, _)) in &pools {
                let bits = vpc_prefix.saturating_sub(pool.prefix_len());
                let count: u64 = 1u64 << bits.min(32);
                if u64::from(slot) >= count {
                    cx.err(place.referenced, format!(
                        "account `{alias}`: slot {slot} does not exist: the {region} pool {pool} holds {count} /{vpc_prefix} VPCs (slots 0 to {}): the pool is exhausted",
                        count - 1
                    ));
                    continue;
                }
                let Some(cidr) = nth(*pool, vpc_prefix, u64::from(slot)) else {
                    continue;
                };
                if net("172.17.0.0/16")
                    .is_some_and(|d| d.contains(&cidr.network()) || cidr.contains(&d.network()))
                {
                    cx.warn(place.referenced, format!("VPC {cidr} of `{alias}` overlaps 172.17.0.0/16, which some AWS services (SageMaker, Cloud9, Docker's default bridge) use internally"));
                }
                let mut azs = Vec::new();
                for (suffix, az_slot) in regions.get(region).into_iter().flatten() {
                    if u64::from(*az_slot) >= az_slots {
                        cx.err(place.referenced, format!("AZ `{suffix}` of {region}: slot {az_slot} does not exist: a /{vpc_prefix} VPC holds {az_slots} /{az_prefix} AZ blocks"));
                        continue;
                    }
                    let Some(az_cidr) = nth(cidr, az_prefix, u64::from(*az_slot)) else {
                        continue;
                    };
                    let subnets = tiers
                        .iter()
                        .filter_map(|t| {
                            nth(az_cidr, t.size, u64::from(t.slot)).map(|c| SubnetPlan {
                                tier: t.name.clone(),
                                cidr: c,
                            })
                        })
                        .collect();
                    azs.push(AzPlan {
                        suffix: suffix.clone(),
                        zone: format!("{region}{suffix}"),
                        slot: *az_slot,
                        cidr: az_cidr,
                        subnets,
                    });
                }
                azs.sort_by_key(|a| a.slot);
                let mut eips = Vec::new();
                if let Some(list) = eips_by_region.and_then(|m| m.get(region)) {
                    for ip in list {
                        match ip.parse() {
                            Ok(a) => eips.push(a),
                            Err(_) => cx.err(
                                place.referenced,
                                format!("account `{alias}`: `{ip}` is not an IPv4 address"),
                            ),
                        }
                    }
                }
                vpcs.push(VpcPlan {
                    env: env.clone(),
                    alias: alias.clone(),
                    account: account.clone(),
                    region: region.clone(),
                    slot,
                    pool: *pool,
                    cidr,
                    azs,
                    eips,
                });
            }
        }
    }
    vpcs.sort_by(|a, b| (&a.env, &a.alias, &a.region).cmp(&(&b.env, &b.alias, &b.region)));

    vpcs
}

/// The peering connections, and the overlaps that make a plan invalid.
fn peer(
    cx: &mut Ctx<'_>,
    raw: &spec::DesignFile,
    vpcs: &[VpcPlan],
    accounts: &BTreeMap<String, String>,
) -> Vec<Peering> {
    // Peering.
    let mut peerings = Vec::new();
    match raw.peering.as_ref().map(|p| (&p.value, p.referenced)) {
        None => {}
        Some((spec::Peering::Mode(m), loc)) => {
            if m == "full" {
                for i in 0..vpcs.len() {
                    for j in i + 1..vpcs.len() {
                        if vpcs[i].region == vpcs[j].region {
                            peerings.push(Peering {
                                requester: i,
                                accepter: j,
                            });
                        }
                    }
                }
            } else if m != "none" {
                cx.err(
                    loc,
                    format!("peering: expected `full`, `none` or a list of pairs, found `{m}`"),
                );
            }
        }
        Some((spec::Peering::Pairs(pairs), loc)) => {
            let matches = |name: &str, v: &VpcPlan| v.env == name || v.alias == name;
            for [a, b] in pairs {
                for n in [a, b] {
                    if !raw.environments.contains_key(n) && !accounts.contains_key(n) {
                        cx.err(
                            loc,
                            format!("peering: `{n}` is neither an environment nor an account"),
                        );
                    }
                }
                for i in 0..vpcs.len() {
                    for j in i + 1..vpcs.len() {
                        let (x, y) = (&vpcs[i], &vpcs[j]);
                        if x.region == y.region
                            && ((matches(a, x) && matches(b, y))
                                || (matches(b, x) && matches(a, y)))
                            && !peerings
                                .iter()
                                .any(|p: &Peering| p.requester == i && p.accepter == j)
                        {
                            peerings.push(Peering {
                                requester: i,
                                accepter: j,
                            });
                        }
                    }
                }
            }
        }
    }

    // Overlaps: inside an environment, and between peers.
    let env_loc = |env: &str| {
        raw.environments
            .get(env)
            .map_or(Location::UNKNOWN, |e| e.referenced)
    };
    for i in 0..vpcs.len() {
        for j in i + 1..vpcs.len() {
            let (x, y) = (&vpcs[i], &vpcs[j]);
            let overlap = x.cidr.contains(&y.cidr.network()) || y.cidr.contains(&x.cidr.network());
            if !overlap {
                continue;
            }
            let peered = peerings.iter().any(|p| (p.requester, p.accepter) == (i, j));
            if x.env == y.env || peered {
                cx.err(
                    env_loc(&y.env),
                    format!(
                        "VPC {} of `{}` ({}) overlaps VPC {} of `{}` ({}){}",
                        y.cidr,
                        y.alias,
                        y.region,
                        x.cidr,
                        x.alias,
                        x.region,
                        if peered {
                            ", and they peer"
                        } else {
                            " in the same environment"
                        }
                    ),
                );
            }
        }
    }

    peerings
}

/// The hosts at their addresses, with the checks on those addresses.
fn place_hosts(
    cx: &mut Ctx<'_>,
    raw: &spec::DesignFile,
    tp: &TemplatePlan,
    vpcs: &[VpcPlan],
    regions: &BTreeMap<String, BTreeMap<String, u32>>,
) -> Vec<HostPlan> {
    let (tiers, nat_host) = (&tp.tiers, tp.nat_host);
    // Hosts.
    let mut hosts: Vec<HostPlan> = Vec::new();
    let mut host_loc: Vec<Location> = Vec::new();
    let single_region = regions
        .keys()
        .next()
        .cloned()
        .filter(|_| regions.len() == 1);
    for (role, h) in &raw.hosts {
        let hv = &h.value;
        let Some(tier) = tiers.iter().find(|t| t.name == hv.tier.value) else {
            cx.err(
                hv.tier.referenced,
                format!(
                    "host `{role}`: unknown tier `{}` (known: {})",
                    hv.tier.value,
                    names(tp.tiers.iter().map(|t| &t.name))
                ),
            );
            continue;
        };
        let region = match (&hv.region, &single_region) {
            (Some(r), _) => r.value.clone(),
            (None, Some(r)) => r.clone(),
            (None, None) => {
                cx.err(
                    h.referenced,
                    format!(
                        "host `{role}`: `region` is required when the design has several regions"
                    ),
                );
                continue;
            }
        };
        let kind = hv.kind;
        if hv.standby_az.is_some() && kind != HostKind::Rds {
            cx.err(
                h.referenced,
                format!("host `{role}`: `standby_az` is for `kind: rds`"),
            );
        }
        let egress = match &hv.egress {
            None => None,
            Some(e) => match &e.value {
                spec::HostEgress::All(s) if s == "all" => None,
                spec::HostEgress::All(s) => {
                    cx.err(e.referenced, format!("host `{role}`: egress: expected `all` or a list of services, found `{s}`"));
                    None
                }
                spec::HostEgress::Only(list) => {
                    let mut v = Vec::new();
                    for s in list {
                        match Service::parse(s) {
                            Ok(x) => v.push(x),
                            Err(m) => cx.err(e.referenced, format!("host `{role}`: {m}")),
                        }
                    }
                    Some(v)
                }
            },
        };
        for acc in &hv.accounts {
            let Some(v) = vpcs
                .iter()
                .position(|v| v.alias == acc.value && v.region == region)
            else {
                cx.err(
                    acc.referenced,
                    format!(
                        "host `{role}`: account `{}` has no VPC in {region}",
                        acc.value
                    ),
                );
                continue;
            };
            let mut placements = Vec::new();
            let mut azs = vec![&hv.az];
            azs.extend(hv.standby_az.as_ref());
            for az in azs {
                let Some(sub) = vpcs[v].subnet(&az.value, &tier.name) else {
                    cx.err(
                        az.referenced,
                        format!(
                            "host `{role}`: unknown AZ `{}` in {region} (known: {})",
                            az.value,
                            names(regions.get(&region).into_iter().flat_map(|m| m.keys()))
                        ),
                    );
                    continue;
                };
                let size = sub.cidr.hosts().count() as u64 + 2;
                let n = u64::from(hv.host.value);
                if n < 4 || n + 1 >= size {
                    cx.err(hv.host.referenced, format!(
                        "host `{role}`: host number {n} is not usable in {} (AWS reserves the first four addresses and the last; usable 4 to {})",
                        sub.cidr,
                        size.saturating_sub(2)
                    ));
                    continue;
                }
                let addr =
                    Ipv4Addr::from(u32::from(sub.cidr.network()).wrapping_add(hv.host.value));
                placements.push((az.value.clone(), addr));
            }
            if placements.is_empty() {
                continue;
            }
            let public_ip = match hv.public_ip.get(&acc.value) {
                // A public tier assigns an address on launch: one made up for analysis.
                None if tier.role == Role::Public && kind != HostKind::Rds => {
                    Some(crate::compile::placeholder_ip(v, hosts.len() % 200))
                }
                None => None,
                Some(ip) => match ip.value.parse::<Ipv4Addr>() {
                    Ok(a) => {
                        if tier.role != Role::Public {
                            cx.warn(ip.referenced, format!("host `{role}`: a public address in the `{}` tier is unreachable from the internet (no route to the internet gateway)", tier.name));
                        }
                        Some(a)
                    }
                    Err(_) => {
                        cx.err(
                            ip.referenced,
                            format!("host `{role}`: `{}` is not an IPv4 address", ip.value),
                        );
                        None
                    }
                },
            };
            let name = format!("{}-{role}", acc.value);
            hosts.push(HostPlan {
                name,
                role: role.clone(),
                vpc: v,
                tier: tier.name.clone(),
                kind,
                placements,
                public_ip,
                egress: egress.clone(),
            });
            host_loc.push(h.referenced);
        }
        for (acc, ip) in &hv.public_ip {
            if !hv.accounts.iter().any(|a| &a.value == acc) {
                cx.err(
                    ip.referenced,
                    format!(
                        "host `{role}`: public_ip for `{acc}`, which is not among its accounts"
                    ),
                );
            }
        }
    }
    // Two hosts on one address.
    let mut seen: BTreeMap<(usize, Ipv4Addr), &str> = BTreeMap::new();
    for (i, h) in hosts.iter().enumerate() {
        for a in h.addrs() {
            if let Some(other) = seen.insert((h.vpc, a), &h.name) {
                cx.err(
                    host_loc[i],
                    format!("host `{}` takes {a}, the address of `{other}`", h.name),
                );
            }
        }
    }
    // NAT gateways take `nat_host` in the public subnets.
    for (i, h) in hosts.iter().enumerate() {
        if let (Some(sub), Some(pt)) = (
            h.placements
                .first()
                .and_then(|(az, _)| vpcs[h.vpc].subnet(az, &h.tier)),
            tiers.iter().find(|t| t.role == Role::Public),
        ) && pt.name == h.tier
            && h.addrs()
                .any(|a| u32::from(a) == u32::from(sub.cidr.network()).wrapping_add(nat_host))
        {
            cx.err(host_loc[i], format!("host `{}` takes host number {nat_host}, which the NAT gateways use (`template.nat_host`)", h.name));
        }
    }

    hosts
}

/// The template's flows, for every VPC where both ends exist.
fn flows(
    cx: &mut Ctx<'_>,
    raw: &spec::DesignFile,
    tiers: &[TierPlan],
    hosts: &[HostPlan],
) -> Vec<FlowPlan> {
    let t = &raw.template.value;
    // Flows.
    let mut flows = Vec::new();
    for f in &t.flows {
        let fv = &f.value;
        let services = services(cx, &fv.services);
        let targets: Vec<usize> = hosts
            .iter()
            .enumerate()
            .filter(|(_, h)| h.role == fv.to.value || h.name == fv.to.value)
            .map(|(i, _)| i)
            .collect();
        // A known host that was not placed has its own error already.
        if targets.is_empty() && raw.hosts.contains_key(&fv.to.value) {
            continue;
        }
        if targets.is_empty() {
            cx.err(
                fv.to.referenced,
                format!(
                    "flow: unknown host `{}` (known: {})",
                    fv.to.value,
                    names(raw.hosts.keys())
                ),
            );
            continue;
        }
        let from = fv.from.value.as_str();
        for to in targets {
            let v = hosts[to].vpc;
            if from == "internet" {
                flows.push(FlowPlan {
                    from: FlowFrom::Internet,
                    to,
                    services: services.clone(),
                });
            } else if let Some(tn) = from.strip_prefix("tier:") {
                if tiers.iter().any(|t| t.name == tn) {
                    flows.push(FlowPlan {
                        from: FlowFrom::Tier(tn.to_owned()),
                        to,
                        services: services.clone(),
                    });
                } else {
                    cx.err(fv.from.referenced, format!("flow: unknown tier `{tn}`"));
                    break;
                }
            } else {
                let srcs: Vec<usize> = hosts
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| (h.role == from || h.name == from) && h.vpc == v)
                    .map(|(i, _)| i)
                    .collect();
                if !raw.hosts.contains_key(from) && !hosts.iter().any(|h| h.name == from) {
                    cx.err(
                        fv.from.referenced,
                        format!(
                            "flow: expected `internet`, `tier:<name>` or a host, found `{from}`"
                        ),
                    );
                    break;
                }
                for s in srcs {
                    flows.push(FlowPlan {
                        from: FlowFrom::Host(s),
                        to,
                        services: services.clone(),
                    });
                }
            }
        }
    }

    flows
}

fn check_intent(
    cx: &mut Ctx<'_>,
    i: usize,
    it: &Sp<serde_json::Value>,
    groups: &BTreeMap<String, serde_json::Value>,
    hosts: &[HostPlan],
) {
    let Some(m) = it.value.as_object() else {
        cx.err(
            it.referenced,
            format!(
                "intent {}: expected a map with one of deny, require, only, egress",
                i + 1
            ),
        );
        return;
    };
    let name = m
        .get("name")
        .and_then(|v| v.as_str())
        .map_or_else(|| (i + 1).to_string(), |n| format!("`{n}`"));
    let kinds: Vec<&str> = ["deny", "require", "only", "egress"]
        .into_iter()
        .filter(|k| m.contains_key(*k))
        .collect();
    if kinds.len() != 1 {
        cx.err(
            it.referenced,
            format!(
                "intent {name}: expected exactly one of deny, require, only, egress (found {})",
                if kinds.is_empty() {
                    "none".to_owned()
                } else {
                    kinds.join(", ")
                }
            ),
        );
    }
    for k in m.keys() {
        if !["name", "deny", "except", "require", "only", "egress"].contains(&k.as_str()) {
            cx.err(it.referenced, format!("intent {name}: unknown key `{k}` (expected name, deny, except, require, only, egress)"));
        }
    }
    let mut rules: Vec<&serde_json::Value> = kinds.iter().filter_map(|k| m.get(*k)).collect();
    if let Some(serde_json::Value::Array(ex)) = m.get("except") {
        rules.extend(ex.iter());
    }
    for r in rules {
        for side in ["from", "to"] {
            if let Some(g) = r.get(side).and_then(|v| v.as_str())
                && !groups.contains_key(g)
                && g != "internet"
                && g != "any"
                && !hosts.iter().any(|h| h.name == g)
            {
                cx.err(
                    it.referenced,
                    format!(
                        "intent {name}: unknown group `{g}` (known: {})",
                        names(groups.keys())
                    ),
                );
            }
        }
    }
}

/// Errors and warnings in file order.
fn finish_errors(mut all: Vec<Diagnostic>) -> DesignError {
    all.sort_by_key(|d| (d.line, d.column, d.severity));
    DesignError { diagnostics: all }
}

fn services(cx: &mut Ctx<'_>, list: &[Sp<String>]) -> Vec<Service> {
    let mut v = Vec::new();
    for s in list {
        match Service::parse(&s.value) {
            Ok(x) => v.push(x),
            Err(m) => cx.err(s.referenced, m),
        }
    }
    if list.is_empty() {
        cx.diags.push(Diagnostic {
            severity: Severity::Error,
            file: cx.file.to_owned(),
            line: 0,
            column: 0,
            message: "a flow or pinhole needs at least one service".to_owned(),
        });
    }
    v.sort();
    v.dedup();
    v
}

/// `[start, end)` of a tier inside the AZ block, in addresses.
fn tier_offset(t: &TierPlan, az_prefix: u8) -> Option<(u64, u64)> {
    let len = 1u64 << (32u8.checked_sub(t.size)?);
    if t.size < az_prefix {
        return None;
    }
    let start = u64::from(t.slot).checked_mul(len)?;
    Some((start, start + len))
}

/// The `n`-th block of length `prefix` inside `parent`.
pub(crate) fn nth(parent: Ipv4Net, prefix: u8, n: u64) -> Option<Ipv4Net> {
    if prefix < parent.prefix_len() || prefix > 32 {
        return None;
    }
    let count = 1u64 << (prefix - parent.prefix_len());
    if n >= count {
        return None;
    }
    let size = 1u64 << (32 - prefix);
    let base = u64::from(u32::from(parent.network()));
    let addr = u32::try_from(base + n * size).ok()?;
    Ipv4Net::new(Ipv4Addr::from(addr), prefix).ok()
}

/// The hosts a pinhole end names: a host name, or a group whose selector uses the keys the
/// compiler understands (`account`, `tier`, `az`, `instance`, `rds`, `cidr`, `group`, `union`).
fn endpoint_hosts(
    cx: &mut Ctx<'_>,
    name: &Sp<String>,
    groups: &BTreeMap<String, serde_json::Value>,
    hosts: &[HostPlan],
    vpcs: &[VpcPlan],
    accounts: &BTreeMap<String, String>,
) -> Vec<usize> {
    if let Some(i) = hosts.iter().position(|h| h.name == name.value) {
        return vec![i];
    }
    let Some(sel) = groups.get(&name.value) else {
        cx.err(
            name.referenced,
            format!(
                "unknown group or host `{}` (groups: {}; hosts: {})",
                name.value,
                names(groups.keys()),
                names(hosts.iter().map(|h| &h.name))
            ),
        );
        return Vec::new();
    };
    let mut depth = 0;
    match select(sel, groups, hosts, vpcs, accounts, &mut depth) {
        Ok(v) => {
            if v.is_empty() {
                cx.err(
                    name.referenced,
                    format!("group `{}` holds no host of the design", name.value),
                );
            }
            v.into_iter().collect::<BTreeSet<_>>().into_iter().collect()
        }
        Err(m) => {
            cx.err(name.referenced, format!("group `{}`: {m}", name.value));
            Vec::new()
        }
    }
}

fn one_or_many(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        other => vec![other.to_string()],
    }
}

pub(crate) fn select(
    sel: &serde_json::Value,
    groups: &BTreeMap<String, serde_json::Value>,
    hosts: &[HostPlan],
    vpcs: &[VpcPlan],
    accounts: &BTreeMap<String, String>,
    depth: &mut u32,
) -> Result<Vec<usize>, String> {
    *depth += 1;
    if *depth > 32 {
        return Err("groups refer to each other in a cycle".to_owned());
    }
    if let Some(name) = sel.as_str() {
        let g = groups
            .get(name)
            .ok_or_else(|| format!("unknown group `{name}`"))?;
        return select(g, groups, hosts, vpcs, accounts, depth);
    }
    let map = sel.as_object().ok_or("expected a selector (a map)")?;
    let mut set: Vec<usize> = (0..hosts.len()).collect();
    for (k, v) in map {
        let vals = one_or_many(v);
        let keep: Vec<usize> = match k.as_str() {
            "account" => set
                .iter()
                .copied()
                .filter(|&i| {
                    let vp = &vpcs[hosts[i].vpc];
                    vals.iter().any(|a| {
                        *a == vp.alias || *a == vp.account || accounts.get(a) == Some(&vp.account)
                    })
                })
                .collect(),
            "region" => set
                .iter()
                .copied()
                .filter(|&i| vals.contains(&vpcs[hosts[i].vpc].region))
                .collect(),
            "tier" => set
                .iter()
                .copied()
                .filter(|&i| vals.contains(&hosts[i].tier))
                .collect(),
            "az" => set
                .iter()
                .copied()
                .filter(|&i| {
                    hosts[i].placements.iter().any(|(az, _)| {
                        vals.iter()
                            .any(|v| *v == format!("{}{az}", vpcs[hosts[i].vpc].region) || v == az)
                    })
                })
                .collect(),
            "instance" | "host" => set
                .iter()
                .copied()
                .filter(|&i| {
                    hosts[i].kind != HostKind::Rds && vals.iter().any(|v| *v == hosts[i].name)
                })
                .collect(),
            "rds" => set
                .iter()
                .copied()
                .filter(|&i| {
                    hosts[i].kind == HostKind::Rds && vals.iter().any(|v| *v == hosts[i].name)
                })
                .collect(),
            "cidr" => {
                let nets: Vec<Ipv4Net> = vals.iter().filter_map(|c| c.parse().ok()).collect();
                set.iter()
                    .copied()
                    .filter(|&i| {
                        hosts[i]
                            .addrs()
                            .any(|a| nets.iter().any(|n| n.contains(&a)))
                    })
                    .collect()
            }
            "group" => {
                let mut acc = BTreeSet::new();
                for g in &vals {
                    acc.extend(select(
                        &serde_json::Value::String(g.clone()),
                        groups,
                        hosts,
                        vpcs,
                        accounts,
                        depth,
                    )?);
                }
                set.iter().copied().filter(|i| acc.contains(i)).collect()
            }
            "union" => {
                let mut acc = BTreeSet::new();
                for s in v.as_array().ok_or("`union` expects a list")? {
                    acc.extend(select(s, groups, hosts, vpcs, accounts, depth)?);
                }
                set.iter().copied().filter(|i| acc.contains(i)).collect()
            }
            "minus" => {
                let out: BTreeSet<usize> = select(v, groups, hosts, vpcs, accounts, depth)?
                    .into_iter()
                    .collect();
                set.iter().copied().filter(|i| !out.contains(i)).collect()
            }
            other => {
                return Err(format!(
                    "selector key `{other}` cannot be compiled into a pinhole (use account, region, tier, az, instance, rds, cidr, group, union, minus)"
                ));
            }
        };
        set = keep;
    }
    Ok(set)
}
