//! Resources read and validated from one or more files, with their references still AWS ids.
//! `resolve` turns them into the model once every file is in.

use crate::error::warning;
use ipnet::IpNet;
use pinhole_model::{AclEntry, EniKind, Origin, PeeringSide, Route, SgRule, Tags, Warning};
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::hash::BuildHasher;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

/// The account and region a file was dumped from, when its path says so; shared by every
/// resource of the file.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ctx {
    pub account: Option<String>,
    pub region: Option<String>,
}

/// A resource that has an AWS id: the key for deduplication and sorting.
pub(crate) trait Keyed {
    fn key(&self) -> &str;
    /// Whether `self`, read later, should replace `old`, read earlier with the same id.
    /// Default: keep the first copy unless only the new one comes from its owner's own dump
    /// (`reference/aws-semantics-more.md` §4.3: participants see fewer fields, no tags).
    fn replaces(&self, old: &Self) -> bool {
        from_owner(self.owner(), self.dumped_by()) && !from_owner(old.owner(), old.dumped_by())
    }
    fn owner(&self) -> Option<&str> {
        None
    }
    fn dumped_by(&self) -> Option<&str> {
        None
    }
}

fn from_owner(owner: Option<&str>, dumped_by: Option<&str>) -> bool {
    matches!((owner, dumped_by), (Some(o), Some(d)) if o == d)
}

macro_rules! keyed {
    ($t:ty, $id:ident) => {
        impl Keyed for $t {
            fn key(&self) -> &str {
                &self.$id
            }
        }
    };
    ($t:ty, $id:ident, owned) => {
        impl Keyed for $t {
            fn key(&self) -> &str {
                &self.$id
            }
            fn owner(&self) -> Option<&str> {
                self.owner.as_deref()
            }
            fn dumped_by(&self) -> Option<&str> {
                self.ctx.account.as_deref()
            }
        }
    };
}

/// Resources of one kind, in the order read. Copies with the same id (a resource seen from two
/// accounts, or listed twice) are settled once every file is in, by [`Store::sorted`] or
/// [`Store::into_sorted`]: adding a file is an append, whatever came before it.
#[derive(Debug)]
pub(crate) struct Store<T> {
    items: Vec<T>,
    /// Whether `items` is sorted by id and free of duplicates.
    settled: bool,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store {
            items: Vec::new(),
            settled: true,
        }
    }
}

impl<T: Keyed> Store<T> {
    /// Resources added so far, duplicates included.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn insert(&mut self, item: T) {
        self.items.push(item);
        self.settled = false;
    }

    /// Adds a later file's resources.
    pub fn merge(&mut self, mut other: Store<T>) {
        if other.items.is_empty() {
            return;
        }
        if self.items.is_empty() {
            std::mem::swap(&mut self.items, &mut other.items);
        } else {
            self.items.append(&mut other.items);
        }
        self.settled = false;
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorts by id and keeps one copy per id: the first read, unless a later one
    /// [`replaces`](Keyed::replaces) it (then that one, and so on in reading order). Returns where
    /// each resource added went: the position of the copy kept for its id.
    fn settle(&mut self) -> Vec<usize> {
        if self.settled {
            return (0..self.items.len()).collect();
        }
        // Sort (id, position) pairs rather than the resources, which are large: ties broken by
        // position keep copies of one id in reading order.
        let mut order: Vec<(&str, usize)> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, t)| (t.key(), i))
            .collect();
        order.sort_unstable();
        let order: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
        let mut slots: Vec<Option<T>> = std::mem::take(&mut self.items)
            .into_iter()
            .map(Some)
            .collect();
        let mut went = vec![0; slots.len()];
        let mut out: Vec<T> = Vec::with_capacity(slots.len());
        for i in order {
            let Some(item) = slots.get_mut(i).and_then(Option::take) else {
                continue;
            };
            match out.last_mut() {
                Some(kept) if kept.key() == item.key() => {
                    if item.replaces(kept) {
                        *kept = item;
                    }
                }
                _ => out.push(item),
            }
            if let Some(w) = went.get_mut(i) {
                *w = out.len() - 1;
            }
        }
        self.items = out;
        self.settled = true;
        went
    }

    /// One copy per id, sorted by id (see [`Store::into_sorted`]).
    pub fn sorted(&mut self) -> &[T] {
        self.settle();
        &self.items
    }

    /// One copy per id, sorted by id: arena order.
    pub fn into_sorted(mut self) -> Vec<T> {
        self.settle();
        self.items
    }

    /// [`Store::into_sorted`], and where each resource added went: for the `k`th added, the
    /// position of the copy kept for its id.
    pub fn into_sorted_with_positions(mut self) -> (Vec<T>, Vec<usize>) {
        let went = self.settle();
        (self.items, went)
    }
}

#[derive(Debug)]
pub(crate) struct PVpc {
    pub id: String,
    pub owner: Option<String>,
    pub cidrs: Vec<IpNet>,
    pub is_default: bool,
    pub tags: Tags,
    pub ctx: Arc<Ctx>,
    pub origin: Origin,
}
keyed!(PVpc, id, owned);

#[derive(Debug)]
pub(crate) struct PSubnet {
    pub id: String,
    pub vpc_id: String,
    pub owner: Option<String>,
    pub cidrs: Vec<IpNet>,
    pub az: String,
    pub az_id: Option<String>,
    pub arn_region: Option<String>,
    pub map_public_ip: bool,
    pub tags: Tags,
    pub ctx: Arc<Ctx>,
    pub origin: Origin,
}
keyed!(PSubnet, id, owned);

#[derive(Debug)]
pub(crate) struct PRouteTable {
    pub id: String,
    pub vpc_id: String,
    pub main: bool,
    /// Explicitly associated subnets, with the JSON path of each association.
    pub subnets: Vec<(String, String)>,
    /// Routes; prefix-list destinations are resolved later.
    pub routes: Vec<Route>,
    pub tags: Tags,
    pub origin: Origin,
}
keyed!(PRouteTable, id);

#[derive(Debug)]
pub(crate) struct PNetworkAcl {
    pub id: String,
    pub vpc_id: String,
    pub is_default: bool,
    pub inbound: Vec<AclEntry>,
    pub outbound: Vec<AclEntry>,
    pub subnets: Vec<(String, String)>,
    pub tags: Tags,
    pub origin: Origin,
}
keyed!(PNetworkAcl, id);

#[derive(Debug)]
pub(crate) struct PSecurityGroup {
    pub id: String,
    pub vpc_id: Option<String>,
    pub owner: Option<String>,
    pub name: String,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
    pub tags: Tags,
    pub ctx: Arc<Ctx>,
    pub origin: Origin,
}
keyed!(PSecurityGroup, id, owned);

#[derive(Debug)]
pub(crate) struct PEni {
    pub id: String,
    pub subnet_id: String,
    pub vpc_id: Option<String>,
    pub owner: Option<String>,
    pub kind: EniKind,
    pub private_ips: Vec<pinhole_model::PrivateIp>,
    pub ipv6: Vec<IpAddr>,
    pub groups: Vec<String>,
    pub source_dest_check: bool,
    pub instance_id: Option<String>,
    pub device_index: i64,
    pub description: String,
    pub status: String,
    pub tags: Tags,
    pub ctx: Arc<Ctx>,
    pub origin: Origin,
}
keyed!(PEni, id, owned);

#[derive(Debug)]
pub(crate) struct PInstance {
    pub id: String,
    pub state: String,
    pub windows: bool,
    pub tags: Tags,
    /// The instance's own view of its ENIs: used when `NetworkInterfaces` lacks one.
    pub enis: Vec<PEni>,
    /// Those of its ENIs a `NetworkInterfaces` file lists, once files are merged.
    pub listed: Vec<ListedEni>,
    pub origin: InstanceAt,
}

/// Where an instance was read: `Reservations[reservation].Instances[instance]` of `file`. The
/// model keeps no origin for instances, so the path is only written out for a warning.
#[derive(Debug)]
pub(crate) struct InstanceAt {
    pub file: Arc<str>,
    pub reservation: usize,
    pub instance: usize,
}

impl InstanceAt {
    pub fn path(&self) -> String {
        format!(
            "Reservations[{}].Instances[{}]",
            self.reservation, self.instance
        )
    }
}
keyed!(PInstance, id);

/// An ENI an instance embeds that a `NetworkInterfaces` file lists: that copy always wins, so
/// only the instance link is kept, for a listed copy that lacks one. Replaces the embedded copy
/// when files are merged, which frees it while later files are still being read rather than
/// while resolving.
#[derive(Debug)]
pub(crate) struct ListedEni {
    /// Where the listed copy was added to [`Parts::enis`]
    /// ([`Store::into_sorted_with_positions`] tells where it went).
    pub added_as: usize,
    /// The instance the embedded copy names, when not the embedding instance itself.
    pub instance_id: Option<String>,
}

/// An Elastic IP from `describe-addresses`, associated or not.
#[derive(Debug)]
pub(crate) struct PAddress {
    pub public: Ipv4Addr,
    pub allocation_id: Option<String>,
    pub eni_id: Option<String>,
    /// Whether AWS reports any association (an ENI, an instance or an association id).
    pub associated: bool,
    pub private: Option<IpAddr>,
    pub origin: Origin,
}

#[derive(Debug)]
pub(crate) struct PInternetGateway {
    pub id: String,
    /// Attached VPCs with the JSON path of each attachment.
    pub vpcs: Vec<(String, String)>,
    pub tags: Tags,
    pub origin: Origin,
}
keyed!(PInternetGateway, id);

#[derive(Debug)]
pub(crate) struct PNatGateway {
    pub id: String,
    pub subnet_id: Option<String>,
    pub state: String,
    pub public: bool,
    pub private_ips: Vec<IpAddr>,
    pub public_ips: Vec<Ipv4Addr>,
    /// ENI ids with the private and public address of each.
    pub addresses: Vec<(String, Option<IpAddr>, Option<Ipv4Addr>)>,
    pub tags: Tags,
    pub origin: Origin,
}
keyed!(PNatGateway, id);

#[derive(Debug)]
pub(crate) struct PPeering {
    pub id: String,
    pub status: String,
    pub requester: PeeringSide,
    pub accepter: PeeringSide,
    pub tags: Tags,
    pub origin: Origin,
}

impl PPeering {
    /// Which copy of a connection seen from both accounts to keep: the live one, then the one
    /// that knows more CIDRs, owners and regions.
    fn score(&self) -> (u8, usize) {
        let status = match self.status.as_str() {
            "active" => 3,
            "pending-acceptance" | "provisioning" | "initiating-request" => 2,
            _ => 1,
        };
        let info = |s: &PeeringSide| {
            s.cidrs.len() + usize::from(s.account.is_some()) + usize::from(s.region.is_some())
        };
        (
            status,
            info(&self.requester) + info(&self.accepter) + self.tags.len(),
        )
    }
}

impl Keyed for PPeering {
    fn key(&self) -> &str {
        &self.id
    }
    fn replaces(&self, old: &Self) -> bool {
        self.score() > old.score()
    }
}

/// One source's view of a prefix list; several are merged by id.
#[derive(Debug)]
pub(crate) struct PPrefixList {
    pub id: String,
    pub name: Option<String>,
    /// `None` when this source lists the prefix list without its entries.
    pub cidrs: Option<Vec<IpNet>>,
    pub origin: Origin,
}

#[derive(Debug)]
pub(crate) struct PVpcEndpoint {
    pub id: String,
    pub kind: pinhole_model::VpcEndpointKind,
    pub vpc_id: String,
    pub service: String,
    pub state: String,
    pub route_tables: Vec<String>,
    pub enis: Vec<String>,
    pub tags: Tags,
    pub origin: Origin,
}
keyed!(PVpcEndpoint, id);

#[derive(Debug)]
pub(crate) struct PTransitGateway {
    pub id: String,
    pub owner: Option<String>,
    pub arn_region: Option<String>,
    pub state: String,
    pub sg_referencing: bool,
    pub auto_accept: bool,
    pub tags: Tags,
    pub ctx: Arc<Ctx>,
}
keyed!(PTransitGateway, id, owned);

/// From `describe-transit-gateway-attachments`.
#[derive(Debug)]
pub(crate) struct PTgwAttachment {
    pub id: String,
    pub tgw: String,
    pub resource_type: String,
    pub resource_id: String,
    pub state: String,
    pub association: Option<String>,
    pub tags: Tags,
    pub origin: Origin,
}
keyed!(PTgwAttachment, id);

/// From `describe-transit-gateway-vpc-attachments`.
#[derive(Debug)]
pub(crate) struct PTgwVpcAttachment {
    pub id: String,
    pub tgw: String,
    pub vpc_id: String,
    pub subnets: Vec<String>,
    pub state: String,
    pub appliance_mode: bool,
    pub sg_referencing: bool,
    pub ipv6: bool,
    pub tags: Tags,
    pub origin: Origin,
}
keyed!(PTgwVpcAttachment, id);

#[derive(Debug)]
pub(crate) struct PTgwRouteTable {
    pub id: String,
    pub tgw: String,
    pub tags: Tags,
}
keyed!(PTgwRouteTable, id);

/// Where a static TGW route goes.
#[derive(Debug)]
pub(crate) enum PTgwDest {
    Cidr(IpNet),
    PrefixList(String),
}

#[derive(Debug)]
pub(crate) struct PTgwRoute {
    pub table: String,
    pub dest: PTgwDest,
    pub propagated: bool,
    pub state: String,
    pub attachments: Vec<String>,
    pub origin: Origin,
}

#[derive(Debug)]
pub(crate) struct PTgwPropagation {
    pub table: String,
    pub attachment: String,
    pub resource_id: Option<String>,
    pub enabled: bool,
    pub origin: Origin,
}

#[derive(Debug)]
pub(crate) struct PTgwAssociation {
    pub table: String,
    pub attachment: String,
    pub origin: Origin,
}

#[derive(Debug)]
pub(crate) struct PDbInstance {
    pub id: String,
    pub engine: String,
    pub status: String,
    pub port: Option<u16>,
    pub endpoint: Option<String>,
    pub vpc_id: Option<String>,
    pub subnets: Vec<String>,
    pub groups: Vec<String>,
    pub az: Option<String>,
    pub secondary_az: Option<String>,
    pub origin: Origin,
}
keyed!(PDbInstance, id);

/// An enabled subnet of a load balancer with the fixed addresses of its node.
#[derive(Debug)]
pub(crate) struct PLbZone {
    pub subnet_id: String,
    /// (public, private) pairs from `LoadBalancerAddresses`.
    pub addresses: Vec<(Option<Ipv4Addr>, Option<IpAddr>)>,
}

#[derive(Debug)]
pub(crate) struct PLoadBalancer {
    pub arn: String,
    pub name: String,
    pub kind: pinhole_model::LoadBalancerKind,
    pub scheme: String,
    pub state: String,
    pub dns_name: Option<String>,
    pub vpc_id: Option<String>,
    pub zones: Vec<PLbZone>,
    pub security_groups: Vec<String>,
    pub origin: Origin,
}
keyed!(PLoadBalancer, arn);

#[derive(Debug)]
pub(crate) struct PTargetGroup {
    pub arn: String,
    pub name: String,
    pub target_type: pinhole_model::TargetType,
    pub protocol: String,
    pub port: Option<u16>,
    pub vpc_id: Option<String>,
    pub health_check: pinhole_model::HealthCheck,
    pub lb_arns: Vec<String>,
    pub origin: Origin,
}
keyed!(PTargetGroup, arn);

/// A listener rule, with the ARN of its listener.
#[derive(Debug)]
pub(crate) struct PRule {
    pub listener_arn: String,
    pub rule: pinhole_model::ListenerRule,
    pub origin: Origin,
}

/// The registered targets of one target group, from one `DescribeTargetHealth` answer.
#[derive(Debug)]
pub(crate) struct PTargetHealth {
    pub tg_arn: String,
    pub targets: Vec<pinhole_model::Target>,
    pub origin: Origin,
}

/// The attributes of one load balancer or target group that change forwarding.
#[derive(Debug, Default)]
pub(crate) struct PElbAttributes {
    /// The ARN of the load balancer or target group.
    pub arn: String,
    pub of_target_group: bool,
    pub cross_zone: Option<bool>,
    pub preserve_client_ip: Option<bool>,
    pub proxy_protocol_v2: Option<bool>,
    pub origin: Origin,
}

#[derive(Debug)]
pub(crate) struct PListener {
    pub lb_arn: String,
    pub listener: pinhole_model::Listener,
    pub origin: Origin,
}

/// Everything read so far.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    pub vpcs: Store<PVpc>,
    pub subnets: Store<PSubnet>,
    pub route_tables: Store<PRouteTable>,
    pub network_acls: Store<PNetworkAcl>,
    pub security_groups: Store<PSecurityGroup>,
    pub enis: Store<PEni>,
    pub instances: Store<PInstance>,
    pub addresses: Vec<PAddress>,
    pub internet_gateways: Store<PInternetGateway>,
    pub nat_gateways: Store<PNatGateway>,
    pub peerings: Store<PPeering>,
    pub prefix_lists: Vec<PPrefixList>,
    pub vpc_endpoints: Store<PVpcEndpoint>,
    pub transit_gateways: Store<PTransitGateway>,
    pub tgw_attachments: Store<PTgwAttachment>,
    pub tgw_vpc_attachments: Store<PTgwVpcAttachment>,
    pub tgw_route_tables: Store<PTgwRouteTable>,
    pub tgw_routes: Vec<PTgwRoute>,
    pub tgw_propagations: Vec<PTgwPropagation>,
    pub tgw_associations: Vec<PTgwAssociation>,
    pub db_instances: Store<PDbInstance>,
    pub load_balancers: Store<PLoadBalancer>,
    pub listeners: Vec<PListener>,
    pub target_groups: Store<PTargetGroup>,
    pub rules: Vec<PRule>,
    pub target_health: Vec<PTargetHealth>,
    pub elb_attributes: Vec<PElbAttributes>,
    /// Zone name → zone id, per region-qualified zone name (`us-east-1a`).
    pub zone_ids: FxHashMap<String, String>,
    pub warnings: Vec<Warning>,
    /// Labels of the files with at least one top-level key pinhole knows.
    pub recognised: Vec<String>,
    /// Files ignored as a whole, with why: not an object, no key, only unknown keys.
    pub ignored: Vec<(String, String)>,
    /// Hash of the id of each `NetworkInterfaces` ENI merged so far → its position in `enis`
    /// (the first with that hash): a quick test for embedded copies that cannot matter.
    listed_enis: FxHashMap<u64, usize>,
}

impl Parts {
    /// Adds a later file's resources; duplicates are settled at the end ([`Keyed::replaces`]).
    pub fn merge(&mut self, mut o: Parts) {
        self.vpcs.merge(o.vpcs);
        self.subnets.merge(o.subnets);
        self.route_tables.merge(o.route_tables);
        self.network_acls.merge(o.network_acls);
        self.security_groups.merge(o.security_groups);
        let first = self.enis.len();
        for (k, e) in o.enis.items.iter().enumerate() {
            self.listed_enis
                .entry(FxBuildHasher.hash_one(e.id.as_str()))
                .or_insert(first + k);
        }
        self.enis.merge(o.enis);
        for i in &mut o.instances.items {
            i.enis.retain_mut(|e| match self.listed_as(&e.id) {
                Some(added_as) => {
                    i.listed.push(ListedEni {
                        added_as,
                        instance_id: e.instance_id.take().filter(|x| *x != i.id),
                    });
                    false
                }
                None => true,
            });
            if i.enis.is_empty() {
                i.enis = Vec::new();
            }
        }
        self.instances.merge(o.instances);
        self.addresses.extend(o.addresses);
        self.internet_gateways.merge(o.internet_gateways);
        self.nat_gateways.merge(o.nat_gateways);
        self.peerings.merge(o.peerings);
        self.prefix_lists.extend(o.prefix_lists);
        self.vpc_endpoints.merge(o.vpc_endpoints);
        self.transit_gateways.merge(o.transit_gateways);
        self.tgw_attachments.merge(o.tgw_attachments);
        self.tgw_vpc_attachments.merge(o.tgw_vpc_attachments);
        self.tgw_route_tables.merge(o.tgw_route_tables);
        self.tgw_routes.extend(o.tgw_routes);
        self.tgw_propagations.extend(o.tgw_propagations);
        self.tgw_associations.extend(o.tgw_associations);
        self.db_instances.merge(o.db_instances);
        self.load_balancers.merge(o.load_balancers);
        self.listeners.extend(o.listeners);
        self.target_groups.merge(o.target_groups);
        self.rules.extend(o.rules);
        self.target_health.extend(o.target_health);
        self.elb_attributes.extend(o.elb_attributes);
        for (k, v) in o.zone_ids {
            self.zone_ids.entry(k).or_insert(v);
        }
        self.warnings.extend(o.warnings);
        self.recognised.extend(o.recognised);
        self.ignored.extend(o.ignored);
    }

    /// Where ENI `id` was added to `enis` when a `NetworkInterfaces` file merged so far lists
    /// it. A hash collision answers `None`, which is always safe: the embedded copy is then kept
    /// in full.
    fn listed_as(&self, id: &str) -> Option<usize> {
        let &k = self.listed_enis.get(&FxBuildHasher.hash_one(id))?;
        self.enis.items.get(k).filter(|e| e.id == id).map(|_| k)
    }

    pub fn warn(&mut self, origin: &Origin, message: String) {
        self.warn_at(&origin.file, &origin.path, &message);
    }

    pub fn warn_at(&mut self, file: &str, path: &str, message: &str) {
        self.warnings.push(warning(file, path, message));
    }

    /// What to add to an error about something missing when files were ignored: the ignored
    /// files whose name mentions `key` (`Vpcs` matches `ec2-describe-vpcs.json`), else all of
    /// them, three at most.
    pub fn ignored_note(&self, key: Option<&str>) -> Option<String> {
        let squash = |s: &str| -> String {
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        let relevant: Vec<&(String, String)> = match key {
            Some(k) => {
                let k = squash(k);
                self.ignored
                    .iter()
                    .filter(|(f, _)| squash(f).contains(&k))
                    .collect()
            }
            None => Vec::new(),
        };
        let shown: Vec<&(String, String)> = if relevant.is_empty() {
            self.ignored.iter().collect()
        } else {
            relevant
        };
        const SHOWN: usize = 3;
        let mut parts: Vec<String> = shown
            .iter()
            .take(SHOWN)
            .map(|(f, why)| format!("`{f}` was ignored: {why}"))
            .collect();
        if shown.len() > SHOWN {
            parts.push(format!("{} more files were ignored", shown.len() - SHOWN));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}
