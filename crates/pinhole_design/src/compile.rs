//! The design compiled into a network: VPCs, subnets, route tables, NACLs, security groups,
//! gateways, peering and hosts, with deterministic ids. [`Network`] is what the emitters write
//! as Terraform and CloudFormation; [`Compiled`] adds the same network as `describe-*` JSON and
//! the [`Snapshot`] the ingest builds from it.

mod describe;
mod rules;

use crate::error::{DesignError, Diagnostic, Severity};
use crate::ids::id;
use crate::resolve::{Design, VpcPlan};
use crate::spec::{Egress, HostKind, Role};
use ipnet::Ipv4Net;
use pinhole_model::Snapshot;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// The network a design describes.
#[derive(Clone, Debug, Default)]
pub struct Network {
    pub vpcs: Vec<NVpc>,
    pub peerings: Vec<NPeering>,
}

#[derive(Clone, Debug)]
pub struct NVpc {
    pub id: String,
    /// `dev`, or `dev-us-east-1` in a multi-region design.
    pub name: String,
    pub env: String,
    pub alias: String,
    pub account: String,
    pub region: String,
    pub cidr: Ipv4Net,
    pub igw: Option<String>,
    pub subnets: Vec<NSubnet>,
    pub route_tables: Vec<NRouteTable>,
    /// The VPC's default NACL (allow all) is not listed: subnets without `nacl` keep it.
    pub nacls: Vec<NAcl>,
    /// Index 0 is the VPC's default group, managed with no rules.
    pub sgs: Vec<NSg>,
    pub nats: Vec<NNat>,
    pub hosts: Vec<NHost>,
    /// Id of the default NACL (describe-* output only).
    pub default_nacl: String,
    pub main_route_table: String,
}

#[derive(Clone, Debug)]
pub struct NSubnet {
    pub id: String,
    pub name: String,
    pub tier: String,
    pub zone: String,
    pub cidr: Ipv4Net,
    pub public: bool,
    pub route_table: usize,
    pub nacl: Option<usize>,
}

#[derive(Clone, Debug)]
pub enum Target {
    Igw,
    Nat(usize),
    /// Index into [`Network::peerings`].
    Peering(usize),
}

#[derive(Clone, Debug)]
pub struct NRoute {
    pub dest: Ipv4Net,
    pub target: Target,
}

#[derive(Clone, Debug)]
pub struct NRouteTable {
    pub id: String,
    pub name: String,
    pub routes: Vec<NRoute>,
}

#[derive(Clone, Debug)]
pub struct NAclEntry {
    pub rule: u16,
    pub egress: bool,
    /// -1 (all), 1, 6 or 17.
    pub proto: i16,
    pub ports: Option<(u16, u16)>,
    pub cidr: Ipv4Net,
    pub allow: bool,
}

#[derive(Clone, Debug)]
pub struct NAcl {
    pub id: String,
    pub name: String,
    /// Sorted by direction (ingress first) then rule number.
    pub entries: Vec<NAclEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SgPeer {
    Cidr(Ipv4Net),
    /// Index into the VPC's `sgs`.
    Group(usize),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NSgRule {
    /// -1 (all), 1, 6 or 17.
    pub proto: i16,
    pub from: i32,
    pub to: i32,
    pub peer: SgPeer,
    pub description: String,
}

#[derive(Clone, Debug)]
pub struct NSg {
    pub id: String,
    pub name: String,
    pub description: String,
    pub ingress: Vec<NSgRule>,
    pub egress: Vec<NSgRule>,
}

#[derive(Clone, Debug)]
pub struct NNat {
    pub id: String,
    pub name: String,
    pub subnet: usize,
    pub private_ip: Ipv4Addr,
    pub eip: Ipv4Addr,
    pub eip_alloc: String,
    pub eni: String,
}

#[derive(Clone, Debug)]
pub struct NEni {
    pub id: String,
    pub subnet: usize,
    pub addr: Ipv4Addr,
}

#[derive(Clone, Debug)]
pub struct NHost {
    pub id: String,
    pub name: String,
    pub kind: HostKind,
    pub sg: usize,
    /// The primary first; a Multi-AZ database's standby second.
    pub enis: Vec<NEni>,
    pub public_ip: Option<Ipv4Addr>,
}

#[derive(Clone, Debug)]
pub struct NPeering {
    pub id: String,
    pub name: String,
    pub requester: usize,
    pub accepter: usize,
}

/// The compiled design: the network, its `describe-*` files and the snapshot.
#[derive(Debug)]
pub struct Compiled {
    pub network: Network,
    /// `accounts/<id>/<region>/<Key>.json` → file contents.
    pub files: BTreeMap<String, serde_json::Value>,
    pub snapshot: Snapshot,
    /// Quota findings and notes from compiling.
    pub warnings: Vec<Diagnostic>,
}

/// Text AWS accepts in a security group's name and descriptions (`a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`,
/// at most 255 characters): anything else becomes `_`.
pub fn sg_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(255)
        .collect()
}

/// A public address for analysis where the design gives none: 3.x.y.z (an AWS range) from the
/// VPC index and a counter, unique in the design.
pub(crate) fn placeholder_ip(vpc: usize, n: usize) -> Ipv4Addr {
    let v = u32::try_from(vpc).unwrap_or(0) & 0xffff;
    let n = u32::try_from(n).unwrap_or(0) & 0xff;
    Ipv4Addr::from((3u32 << 24) | (v << 8) | n)
}

impl Design {
    /// Compiles the design. Errors: NACL or security-group quotas exceeded, pinholes between
    /// VPCs that do not peer, or a snapshot the ingest refuses.
    pub fn compile(&self) -> Result<Compiled, DesignError> {
        let mut errors: Vec<Diagnostic> = Vec::new();
        let mut warnings: Vec<Diagnostic> = Vec::new();
        let network = self.network(&mut errors, &mut warnings);
        let (files, snapshot) = match network.load() {
            Ok(x) => x,
            Err(e) => {
                errors.push(self.diag(
                    Severity::Error,
                    format!("the compiled network does not load: {e}"),
                ));
                (BTreeMap::new(), Snapshot::default())
            }
        };
        for w in &snapshot.warnings {
            warnings.push(self.diag(
                Severity::Warning,
                format!("compiled network: {}: {}", w.file, w.message),
            ));
        }
        if !errors.is_empty() {
            errors.extend(warnings);
            return Err(DesignError {
                diagnostics: errors,
            });
        }
        Ok(Compiled {
            network,
            files,
            snapshot,
            warnings,
        })
    }

    pub(crate) fn diag(&self, severity: Severity, message: String) -> Diagnostic {
        Diagnostic {
            severity,
            file: self.file.clone(),
            line: 0,
            column: 0,
            message,
        }
    }

    fn network(&self, errors: &mut Vec<Diagnostic>, warnings: &mut Vec<Diagnostic>) -> Network {
        let peerings: Vec<NPeering> = self
            .peerings
            .iter()
            .map(|p| {
                let name = format!(
                    "{}-{}-peering",
                    self.vpc_name(p.requester),
                    self.vpc_name(p.accepter)
                );
                NPeering {
                    id: id("pcx", &name),
                    name,
                    requester: p.requester,
                    accepter: p.accepter,
                }
            })
            .collect();
        let vpcs: Vec<NVpc> = self
            .vpcs
            .iter()
            .enumerate()
            .map(|(vi, v)| {
                let mut nv = self.vpc(vi, v, &peerings, errors, warnings);
                self.place_hosts(vi, v, &mut nv);
                nv
            })
            .collect();
        self.quotas(&vpcs, errors, warnings);
        let mut net = Network { vpcs, peerings };
        rules::filters(self, &mut net, errors, warnings);
        net
    }

    /// One VPC: subnets, gateways, route tables and the default group (hosts and filters later).
    fn vpc(
        &self,
        vi: usize,
        v: &VpcPlan,
        peerings: &[NPeering],
        errors: &mut Vec<Diagnostic>,
        warnings: &mut Vec<Diagnostic>,
    ) -> NVpc {
        let name = v.name(self.multi_region());
        let vpc_id = id("vpc", &name);
        let has_public = self.tiers.iter().any(|t| t.role == Role::Public);
        let igw = has_public.then(|| id("igw", &name));
        let mut subnets = Vec::new();
        for az in &v.azs {
            for s in &az.subnets {
                let sname = format!("{name}-{}-{}", s.tier, az.suffix);
                let public = self.tier(&s.tier).is_some_and(|t| t.role == Role::Public);
                subnets.push(NSubnet {
                    id: id("subnet", &sname),
                    name: sname,
                    tier: s.tier.clone(),
                    zone: az.zone.clone(),
                    cidr: s.cidr,
                    public,
                    route_table: 0,
                    nacl: None,
                });
            }
        }
        subnets.sort_by_key(|s| s.cidr);
        // NAT gateways: per AZ, or one shared in the first AZ, in the public subnet.
        let public_tier = self.tiers.iter().find(|t| t.role == Role::Public);
        let wants_per_az = self.tiers.iter().any(|t| t.egress == Egress::NatPerAz);
        let wants_shared = self.tiers.iter().any(|t| t.egress == Egress::SharedNat);
        let mut nats = Vec::new();
        if let Some(pt) = public_tier {
            for (k, az) in v.azs.iter().enumerate() {
                if !(wants_per_az || (wants_shared && k == 0)) {
                    continue;
                }
                let Some(si) = subnets
                    .iter()
                    .position(|s| s.tier == pt.name && s.zone == az.zone)
                else {
                    continue;
                };
                let nname = format!("{name}-nat-{}", az.suffix);
                let n = nats.len();
                nats.push(NNat {
                    id: id("nat", &nname),
                    eip: v
                        .eips
                        .get(n)
                        .copied()
                        .unwrap_or_else(|| placeholder_ip(vi, 200 + n)),
                    eip_alloc: id("eipalloc", &nname),
                    eni: id("eni", &nname),
                    private_ip: Ipv4Addr::from(
                        u32::from(subnets[si].cidr.network()).wrapping_add(self.nat_host),
                    ),
                    subnet: si,
                    name: nname,
                });
            }
        }
        if !v.eips.is_empty() && v.eips.len() != nats.len() {
            warnings.push(self.diag(
                Severity::Warning,
                format!(
                    "account `{}` in {}: {} Elastic IPs given for {} NAT gateways",
                    v.alias,
                    v.region,
                    v.eips.len(),
                    nats.len()
                ),
            ));
        }
        // Route tables.
        let peer_routes: Vec<NRoute> = self
            .peers(vi)
            .into_iter()
            .filter_map(|(other, _)| {
                let pi = peerings.iter().position(|p| {
                    (p.requester == vi && p.accepter == other)
                        || (p.accepter == vi && p.requester == other)
                })?;
                Some(NRoute {
                    dest: self.vpcs[other].cidr,
                    target: Target::Peering(pi),
                })
            })
            .collect();
        let default_route = |target: Target| NRoute {
            dest: Ipv4Net::new(Ipv4Addr::UNSPECIFIED, 0).unwrap_or_default(),
            target,
        };
        let mut route_tables: Vec<NRouteTable> = Vec::new();
        let mut rt_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut table_for =
            |key: String, routes: Vec<NRoute>, rts: &mut Vec<NRouteTable>| -> usize {
                *rt_index.entry(key.clone()).or_insert_with(|| {
                    let rname = format!("{name}-{key}-rt");
                    rts.push(NRouteTable {
                        id: id("rtb", &rname),
                        name: rname,
                        routes,
                    });
                    rts.len() - 1
                })
            };
        for si in 0..subnets.len() {
            let Some(tier) = self.tier(&subnets[si].tier) else {
                continue;
            };
            let mut routes = peer_routes.clone();
            let key = match (tier.role, tier.egress) {
                (Role::Public, _) => {
                    routes.push(default_route(Target::Igw));
                    "public".to_owned()
                }
                (_, Egress::NatPerAz) => {
                    let zone = &subnets[si].zone;
                    let Some(n) = nats.iter().position(|n| &subnets[n.subnet].zone == zone) else {
                        errors.push(self.diag(
                            Severity::Error,
                            format!(
                                "{}: no NAT gateway in {zone} (no public subnet there)",
                                subnets[si].name
                            ),
                        ));
                        continue;
                    };
                    routes.push(default_route(Target::Nat(n)));
                    format!("private-{}", zone.trim_start_matches(&v.region))
                }
                (_, Egress::SharedNat) => {
                    if nats.is_empty() {
                        errors.push(self.diag(
                            Severity::Error,
                            format!("{}: no NAT gateway to share", subnets[si].name),
                        ));
                        continue;
                    }
                    routes.push(default_route(Target::Nat(0)));
                    "shared-nat".to_owned()
                }
                (_, Egress::None) => "isolated".to_owned(),
            };
            subnets[si].route_table = table_for(key, routes, &mut route_tables);
        }
        NVpc {
            id: vpc_id,
            default_nacl: id("acl", &format!("{name}-default")),
            main_route_table: id("rtb", &format!("{name}-main")),
            name: name.clone(),
            env: v.env.clone(),
            alias: v.alias.clone(),
            account: v.account.clone(),
            region: v.region.clone(),
            cidr: v.cidr,
            igw,
            subnets,
            route_tables,
            nacls: Vec::new(),
            sgs: vec![NSg {
                id: id("sg", &format!("{name}-default")),
                name: "default".to_owned(),
                description: "default VPC security group (no rules: use the host groups)"
                    .to_owned(),
                ingress: Vec::new(),
                egress: Vec::new(),
            }],
            nats,
            hosts: Vec::new(),
        }
    }

    /// The design's hosts of VPC `vi`, each with its own security group.
    fn place_hosts(&self, vi: usize, v: &VpcPlan, nv: &mut NVpc) {
        let name = nv.name.clone();
        for h in self.hosts.iter().filter(|h| h.vpc == vi) {
            let sg_name = sg_text(&format!("{}-sg", h.name));
            nv.sgs.push(NSg {
                id: id("sg", &format!("{name}/{sg_name}")),
                name: sg_name,
                description: sg_text(&format!("{} ({})", h.name, h.tier)),
                ingress: Vec::new(),
                egress: Vec::new(),
            });
            let sg = nv.sgs.len() - 1;
            let enis = h
                .placements
                .iter()
                .enumerate()
                .filter_map(|(k, (az, addr))| {
                    let zone = format!("{}{az}", v.region);
                    let subnet = nv
                        .subnets
                        .iter()
                        .position(|s| s.tier == h.tier && s.zone == zone)?;
                    Some(NEni {
                        id: id("eni", &format!("{}/{k}", h.name)),
                        subnet,
                        addr: *addr,
                    })
                })
                .collect();
            let public_ip = h.public_ip;
            nv.hosts.push(NHost {
                id: if h.kind == HostKind::Rds {
                    h.name.clone()
                } else {
                    id("i", &h.name)
                },
                name: h.name.clone(),
                kind: h.kind,
                sg,
                enis,
                public_ip,
            });
        }
    }

    /// AWS quotas on peering connections and routes.
    fn quotas(&self, vpcs: &[NVpc], errors: &mut Vec<Diagnostic>, warnings: &mut Vec<Diagnostic>) {
        // Peering quotas: 50 active peering connections a VPC by default (adjustable to 125).
        for (vi, v) in vpcs.iter().enumerate() {
            let n = self.peers(vi).len();
            if n > 125 {
                errors.push(self.diag(Severity::Error, format!("{}: {n} peering connections exceed AWS's maximum of 125 per VPC (list the pairs that need peering, or use a transit gateway)", v.name)));
            } else if n > 50 {
                warnings.push(self.diag(
                    Severity::Warning,
                    format!(
                        "{}: {n} peering connections exceed AWS's default quota of 50 per VPC",
                        v.name
                    ),
                ));
            }
        }
        // Route quotas: 50 routes a table by default (adjustable to 1,000).
        for v in vpcs {
            for rt in &v.route_tables {
                let n = rt.routes.len() + 1;
                if n > 1000 {
                    errors.push(self.diag(
                        Severity::Error,
                        format!(
                            "{}: {n} routes exceed AWS's maximum of 1,000 per route table",
                            rt.name
                        ),
                    ));
                } else if n > 50 {
                    warnings.push(self.diag(Severity::Warning, format!("{}: {n} routes exceed AWS's default quota of 50 per route table (raise it, or peer fewer VPCs)", rt.name)));
                }
            }
        }
    }
}

impl Network {
    /// The network as `describe-*` files: `accounts/<id>/<region>/<Key>.json` → contents.
    pub fn describe_files(&self) -> BTreeMap<String, serde_json::Value> {
        describe::files(self)
    }

    /// The `describe-*` files and the snapshot the ingest builds from them.
    #[expect(
        clippy::result_large_err,
        reason = "the ingest's own error, returned once per load; boxing it would only move the cost"
    )]
    pub fn load(
        &self,
    ) -> Result<(BTreeMap<String, serde_json::Value>, Snapshot), pinhole_ingest::IngestError> {
        let files = self.describe_files();
        let mut b = pinhole_ingest::SnapshotBuilder::new();
        for (path, v) in &files {
            let mut parts = path.split('/');
            let (account, region) = (parts.nth(1), parts.next());
            let bytes = serde_json::to_vec(v).unwrap_or_default();
            b.add_json(path, account, region, &bytes)?;
        }
        Ok((files, b.finish()?))
    }
}

/// The host index in its VPC's `hosts` for a design host.
pub(crate) fn host_in_vpc(net: &Network, d: &Design, h: usize) -> Option<(usize, usize)> {
    let host = d.hosts.get(h)?;
    let v = host.vpc;
    let k = net
        .vpcs
        .get(v)?
        .hosts
        .iter()
        .position(|x| x.name == host.name)?;
    Some((v, k))
}
