//! The snapshot: every resource of a set of accounts and regions, with look-up indices.

use crate::hot::*;
use crate::ids::*;
use crate::resources::*;
use rustc_hash::FxHashMap;
use std::net::{IpAddr, Ipv4Addr};

/// Something in the input pinhole read but does not model, or had to guess about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Warning {
    pub file: String,
    pub path: String,
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub network_acls: Vec<NetworkAcl>,
    pub security_groups: Vec<SecurityGroup>,
    pub enis: Vec<NetworkInterface>,
    pub instances: Vec<Instance>,
    pub internet_gateways: Vec<InternetGateway>,
    pub nat_gateways: Vec<NatGateway>,
    pub peerings: Vec<VpcPeeringConnection>,
    pub prefix_lists: Vec<PrefixList>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub transit_gateways: Vec<TransitGateway>,
    pub tgw_attachments: Vec<TgwAttachment>,
    pub tgw_route_tables: Vec<TgwRouteTable>,
    pub db_instances: Vec<DbInstance>,
    pub load_balancers: Vec<LoadBalancer>,
    pub target_groups: Vec<TargetGroup>,
    pub warnings: Vec<Warning>,
    pub index: Index,
}

/// Id → arena index maps and address indices, built once after loading.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub vpc: FxHashMap<String, VpcIx>,
    pub subnet: FxHashMap<String, SubnetIx>,
    pub route_table: FxHashMap<String, RtbIx>,
    pub acl: FxHashMap<String, AclIx>,
    pub sg: FxHashMap<String, SgIx>,
    pub eni: FxHashMap<String, EniIx>,
    pub instance: FxHashMap<String, InstanceIx>,
    pub igw: FxHashMap<String, IgwIx>,
    pub nat: FxHashMap<String, NatIx>,
    pub pcx: FxHashMap<String, PcxIx>,
    pub prefix_list: FxHashMap<String, PlIx>,
    pub vpce: FxHashMap<String, VpceIx>,
    pub tgw: FxHashMap<String, TgwIx>,
    pub tgw_attachment: FxHashMap<String, TgwAttIx>,
    pub tgw_route_table: FxHashMap<String, TgwRtbIx>,
    pub db: FxHashMap<String, DbIx>,
    /// Private IP → ENIs holding it (several when VPCs overlap).
    pub private_ip: FxHashMap<IpAddr, Vec<EniIx>>,
    /// Public IPv4 → the ENI and private address it maps to.
    pub public_ip: FxHashMap<Ipv4Addr, (EniIx, IpAddr)>,
    /// Public IPv4 addresses the snapshot knows as AWS's but that no live interface holds
    /// (an unassociated Elastic IP, the address of a deleted NAT gateway), with what they were.
    /// Nothing answers them.
    pub dead_public_ip: FxHashMap<Ipv4Addr, String>,
    /// Load balancer node ENI → its load balancer.
    pub lb_of_eni: FxHashMap<EniIx, usize>,
    /// Target group ARN → its index in `Snapshot::target_groups`.
    pub target_group: FxHashMap<String, usize>,
    /// VPC → its transit gateway attachments.
    pub tgw_attachments_of_vpc: FxHashMap<VpcIx, Vec<TgwAttIx>>,
    /// Private address of a NAT gateway → the gateway.
    pub nat_by_private_ip: FxHashMap<IpAddr, NatIx>,

    /// Compact copies of what every walk reads, built last (see [`HotTables`]).
    pub hot: HotTables,
}

impl Snapshot {
    pub fn vpc(&self, i: VpcIx) -> &Vpc {
        &self.vpcs[i.ix()]
    }
    pub fn subnet(&self, i: SubnetIx) -> &Subnet {
        &self.subnets[i.ix()]
    }
    pub fn rtb(&self, i: RtbIx) -> &RouteTable {
        &self.route_tables[i.ix()]
    }
    pub fn acl(&self, i: AclIx) -> &NetworkAcl {
        &self.network_acls[i.ix()]
    }
    pub fn sg(&self, i: SgIx) -> &SecurityGroup {
        &self.security_groups[i.ix()]
    }
    pub fn eni(&self, i: EniIx) -> &NetworkInterface {
        &self.enis[i.ix()]
    }
    pub fn nat(&self, i: NatIx) -> &NatGateway {
        &self.nat_gateways[i.ix()]
    }

    /// The subnet of `vpc` whose CIDR holds `a`.
    pub fn subnet_of(&self, vpc: VpcIx, a: IpAddr) -> Option<SubnetIx> {
        // The VPC's subnet CIDRs, packed in subnet order: the first subnet holding `a`, as a
        // scan of the subnets would find, without visiting each subnet.
        let span = self.index.hot.vpc_subnets.get(vpc.ix()).copied()?;
        span.of(&self.index.hot.vpc_subnet_cidrs)
            .iter()
            .find(|(c, _)| crate::addr::net_contains(c, a))
            .map(|&(_, s)| s)
    }

    /// The target group named by ARN, name or the `<name>/<id>` end of its ARN.
    pub fn target_group_named(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.index.target_group.get(name) {
            return Some(i);
        }
        let by = |f: &dyn Fn(&TargetGroup) -> bool| self.target_groups.iter().position(f);
        by(&|t| t.name == name).or_else(|| by(&|t| t.arn.ends_with(&format!("targetgroup/{name}"))))
    }

    /// ENIs holding private address `a`.
    #[inline]
    pub fn enis_at(&self, a: IpAddr) -> &[EniIx] {
        // The packed address table (`HotTables::ip4_enis`): same lists as `private_ip`.
        let hot = &self.index.hot;
        let found = match a {
            IpAddr::V4(a) => hot.ip4_enis.get(u32::from(a)),
            IpAddr::V6(a) => hot.ip6_enis.get(&a),
        };
        match found {
            None => &[],
            Some(h) if h.shared.len == 0 => std::slice::from_ref(&h.first),
            Some(h) => h.shared.of(&self.index.hot.ip_shared),
        }
    }

    /// The ENI in `vpc` holding private address `a`.
    pub fn eni_in_vpc(&self, vpc: VpcIx, a: IpAddr) -> Option<EniIx> {
        self.enis_at(a)
            .iter()
            .copied()
            .find(|&e| self.eni_hot(e).vpc == vpc) // the hot record: no interface struct read
    }

    /// Whether the ENI can carry traffic: its instance (if any) is running.
    pub fn eni_live(&self, e: EniIx) -> bool {
        // From the hot record (no instance struct and state string read), when built.
        match self.index.hot.eni.get(e.ix()) {
            Some(h) => h.live,
            None => self
                .eni(e)
                .instance
                .is_none_or(|i| self.instances[i.ix()].running()),
        }
    }

    /// `Name` tag, else the id: how explanations name a resource.
    pub fn display_name(tags: &Tags, id: &str) -> String {
        match name_tag(tags) {
            Some(n) => format!("{id} ({n})"),
            None => id.to_string(),
        }
    }

    /// The NAT gateway whose private address is `a`.
    pub fn nat_at(&self, a: IpAddr) -> Option<NatIx> {
        self.index.nat_by_private_ip.get(&a).copied()
    }

    /// The attachment of `vpc` to the transit gateway `tgw`.
    pub fn tgw_attachment(&self, tgw: &str, vpc: VpcIx) -> Option<TgwAttIx> {
        self.index
            .tgw_attachments_of_vpc
            .get(&vpc)?
            .iter()
            .copied()
            .find(|&a| self.tgw_attachments[a.ix()].tgw.as_str() == tgw)
    }

    /// Rebuild the address indices from the ENIs, the indices derived from gateways and
    /// attachments, and the hot tables ([`HotTables`]). Call it once every arena is filled, and
    /// again after changing any.
    pub fn rebuild_address_index(&mut self) {
        let mut by_vpc: FxHashMap<VpcIx, Vec<TgwAttIx>> = FxHashMap::default();
        for (i, a) in self.tgw_attachments.iter().enumerate() {
            if let (Some(v), TgwAttachmentKind::Vpc) = (a.vpc, &a.kind) {
                by_vpc.entry(v).or_default().push(TgwAttIx::from_usize(i));
            }
        }
        self.index.tgw_attachments_of_vpc = by_vpc;
        let mut nats: FxHashMap<IpAddr, NatIx> = FxHashMap::default();
        for (i, n) in self.nat_gateways.iter().enumerate() {
            for a in &n.private_ips {
                nats.entry(*a).or_insert(NatIx::from_usize(i));
            }
        }
        self.index.nat_by_private_ip = nats;
        let mut private: FxHashMap<IpAddr, Vec<EniIx>> = FxHashMap::default();
        let mut public: FxHashMap<Ipv4Addr, (EniIx, IpAddr)> = FxHashMap::default();
        for (i, e) in self.enis.iter().enumerate() {
            let ix = EniIx::from_usize(i);
            for p in &e.private_ips {
                private.entry(p.addr).or_default().push(ix);
                if let Some(pub_ip) = p.public {
                    public.entry(pub_ip).or_insert((ix, p.addr));
                }
            }
            for a in &e.ipv6 {
                private.entry(*a).or_default().push(ix);
            }
        }
        self.index.private_ip = private;
        self.index.public_ip = public;
        self.index.hot = HotTables::build(self);
    }
}
