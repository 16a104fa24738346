//! Hot tables: compact copies of what every walk reads, in arrays indexed like the arenas.
//!
//! The resources themselves are large and scattered over the heap (strings, tags, nested
//! vectors): a random question over a big organisation pays a cache miss for nearly every field
//! it reads, and chains of them (a struct, then its vector, then a string). These tables keep
//! the fields a walk needs in small records and packed arrays, with references already
//! resolved. [`Snapshot::rebuild_address_index`] builds them once after loading; the arenas stay
//! the source of truth, and a snapshot changed afterwards needs that call again.

use crate::addr::{Protocol, net_contains};
use crate::ids::*;
use crate::resources::*;
use crate::snapshot::Snapshot;
use ipnet::IpNet;
use rustc_hash::FxHashMap;
use std::net::{IpAddr, Ipv6Addr};

#[derive(Clone, Debug, Default)]
pub struct HotTables {
    /// Private IP → its ENIs: the same lists as `Index::private_ip`, the usual single ENI
    /// inline. IPv4 addresses are keyed as numbers, for buckets half the size (the table of a
    /// large organisation is megabytes, and every question probes it).
    pub ip4_enis: Ip4Table,
    pub ip6_enis: FxHashMap<Ipv6Addr, IpEnis>,
    /// The lists of addresses held by several ENIs (spans of `IpEnis::shared`).
    pub ip_shared: Vec<EniIx>,
    /// Per ENI.
    pub eni: Vec<EniHot>,
    /// Every ENI's security groups, in the ENI's order (spans of `EniHot::groups`), each with
    /// its rule spans: checking an ENI's groups reads this list and the rules.
    pub eni_groups: Vec<(SgIx, SgHot)>,
    /// The addresses of ENIs that have several (spans of `EniHot::addrs`).
    pub eni_addrs: Vec<IpAddr>,
    /// Per subnet.
    pub subnet: Vec<SubnetHot>,
    /// Every subnet's CIDRs, in order (spans of `SubnetHot::cidrs`).
    pub subnet_cidrs: Vec<IpNet>,
    /// Every NACL's entries, inbound then outbound (spans of `SubnetHot::acl_inbound` and
    /// `acl_outbound`): a subnet's NACL is evaluated without reading the NACL.
    pub acl_entries: Vec<AclEntry>,
    /// The same entries as matching one packet reads them (see [`AclEntryHot`]).
    pub acl_hot: Vec<AclEntryHot>,
    /// Each entry's console label ([`AclEntry::label`]), beside it (spans of
    /// `acl_label_text`): a denied packet's answer quotes it, and formatting it per question
    /// cost more than the rest of the NACL check.
    pub acl_entry_labels: Vec<Span>,
    pub acl_label_text: String,
    /// Per VPC: its subnets' CIDRs with the subnet, in the VPC's subnet order (a span of
    /// `vpc_subnet_cidrs`), for `Snapshot::subnet_of`.
    pub vpc_subnets: Vec<Span>,
    pub vpc_subnet_cidrs: Vec<(IpNet, SubnetIx)>,
    /// Per NAT gateway.
    pub nat: Vec<NatHot>,
    /// Per internet gateway: the VPCs it is attached to (a span of `igw_vpc_list`).
    pub igw_vpcs: Vec<Span>,
    pub igw_vpc_list: Vec<VpcIx>,
    /// Per security group.
    pub sg: Vec<SgHot>,
    /// Every group's rules, ingress then egress (spans of `SgHot`), in rule order.
    pub sg_rules: Vec<SgRuleHot>,
    /// Per route table: its routes in `routes`, in the table's order.
    pub rtb_routes: Vec<Span>,
    pub routes: Vec<RouteHot>,
    /// The route targets' ids, packed (spans of `RouteHot::target_id`).
    pub route_text: String,
    /// Ids and names of the resources whose answers quote them, per arena: the id beside the
    /// `Name` tag in `label_text`, instead of a struct, an id string and a scan of tag strings.
    pub acl_labels: Vec<Label>,
    pub subnet_labels: Vec<Label>,
    pub rtb_labels: Vec<Label>,
    pub igw_labels: Vec<Label>,
    /// For security groups the name is the one the console lists: the `Name` tag, else the
    /// group name.
    pub sg_labels: Vec<Label>,
    pub label_text: String,
}

/// A run of a packed table: `start .. start + len`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    /// The span of the items pushed to `v` since it had `start` items.
    fn since<T>(v: &[T], start: usize) -> Self {
        let as_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: as_u32(start),
            len: as_u32(v.len() - start),
        }
    }
    /// The items of `v` in the span (none if the span is stale).
    pub fn of<T>(self, v: &[T]) -> &[T] {
        let start = self.start as usize;
        v.get(start..start + self.len as usize).unwrap_or(&[])
    }
    /// The text of `s` in the span (empty if the span is stale).
    pub fn str_of(self, s: &str) -> &str {
        let start = self.start as usize;
        s.get(start..start + self.len as usize).unwrap_or("")
    }
}

/// IPv4 address (as a number) → its ENIs: open addressing with linear probing, the key
/// beside the value in one 16-byte slot, so that a look-up reads one cache line (a general hash
/// map reads its control bytes, then its bucket: two misses on a table of megabytes).
#[derive(Clone, Debug, Default)]
pub struct Ip4Table {
    slots: Vec<Ip4Slot>,
    /// `32 - log2(slots.len())`: Fibonacci hashing keeps the top bits of the product.
    shift: u32,
}

#[derive(Clone, Copy, Debug)]
struct Ip4Slot {
    key: u32,
    /// `first` is `EniIx(u32::MAX)` in an empty slot (no arena reaches that index).
    enis: IpEnis,
}

const EMPTY_SLOT: Ip4Slot = Ip4Slot {
    key: 0,
    enis: IpEnis {
        first: EniIx(u32::MAX),
        shared: Span { start: 0, len: 0 },
    },
};

impl Ip4Table {
    /// A table for `n` keys, at most half full.
    fn with_keys(n: usize) -> Self {
        let len = (2 * n).next_power_of_two().clamp(16, 1 << 31);
        Ip4Table {
            slots: vec![EMPTY_SLOT; len],
            shift: 32 - len.trailing_zeros(),
        }
    }
    #[inline]
    fn home(&self, key: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B9) >> self.shift) as usize
    }
    /// Insert `key` (each key once).
    fn insert(&mut self, key: u32, enis: IpEnis) {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = self.home(key);
        while let Some(s) = self.slots.get_mut(i) {
            if s.enis.first.0 == u32::MAX || s.key == key {
                *s = Ip4Slot { key, enis };
                return;
            }
            i = (i + 1) & mask;
        }
    }
    /// The ENIs holding `key`.
    #[inline]
    pub fn get(&self, key: u32) -> Option<&IpEnis> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = self.home(key);
        while let Some(s) = self.slots.get(i) {
            if s.enis.first.0 == u32::MAX {
                return None;
            }
            if s.key == key {
                return Some(&s.enis);
            }
            i = (i + 1) & mask;
        }
        None
    }
}

/// The ENIs holding one address.
#[derive(Clone, Copy, Debug)]
pub struct IpEnis {
    pub first: EniIx,
    /// All of them, in order, when there are several (a span of `HotTables::ip_shared`);
    /// empty when `first` is the only one.
    pub shared: Span,
}

/// What a walk reads of a network interface and its instance.
#[derive(Clone, Copy, Debug)]
pub struct EniHot {
    pub vpc: VpcIx,
    pub subnet: SubnetIx,
    /// Span of `HotTables::eni_groups`.
    pub groups: Span,
    /// Its first address (its only one, usually), inline.
    pub addr: Option<IpAddr>,
    /// All its private and IPv6 addresses when it has more than one (a span of
    /// `HotTables::eni_addrs`); empty otherwise.
    pub addrs: Span,
    pub kind: EniKindTag,
    /// [`Snapshot::eni_live`]: its instance, if any, is running.
    pub live: bool,
    /// Its instance runs Windows.
    pub windows: bool,
    /// Its id (a label without a name).
    pub id: Label,
    /// One of its groups has an inbound (`ingress_all_v4`) or outbound (`egress_all_v4`) rule
    /// for every protocol to or from `0.0.0.0/0`: the groups admit every IPv4 packet in that
    /// direction, whatever rule the first match would be.
    pub ingress_all_v4: bool,
    pub egress_all_v4: bool,
}

/// [`EniKind`] without the payload of `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EniKindTag {
    Instance,
    NatGateway,
    Lambda,
    Rds,
    LoadBalancer,
    VpcEndpoint,
    TransitGateway,
    Other,
}

impl From<&EniKind> for EniKindTag {
    fn from(k: &EniKind) -> Self {
        match k {
            EniKind::Instance => EniKindTag::Instance,
            EniKind::NatGateway => EniKindTag::NatGateway,
            EniKind::Lambda => EniKindTag::Lambda,
            EniKind::Rds => EniKindTag::Rds,
            EniKind::LoadBalancer => EniKindTag::LoadBalancer,
            EniKind::VpcEndpoint => EniKindTag::VpcEndpoint,
            EniKind::TransitGateway => EniKindTag::TransitGateway,
            EniKind::Other(_) => EniKindTag::Other,
        }
    }
}

/// What a walk reads of a subnet.
#[derive(Clone, Copy, Debug)]
pub struct SubnetHot {
    pub vpc: VpcIx,
    pub route_table: Option<RtbIx>,
    pub network_acl: Option<AclIx>,
    /// Span of `HotTables::subnet_cidrs`.
    pub cidrs: Span,
    /// The entries of `network_acl` (spans of `HotTables::acl_entries`), in rule order.
    pub acl_inbound: Span,
    pub acl_outbound: Span,
    /// Its id and name, and its NACL's.
    pub label: Label,
    pub acl_label: Label,
}

/// What a walk reads of a NAT gateway.
#[derive(Clone, Copy, Debug)]
pub struct NatHot {
    pub vpc: VpcIx,
    pub subnet: SubnetIx,
    /// Its state is `available`.
    pub available: bool,
    pub public: bool,
    /// Its first private address.
    pub private_ip: Option<IpAddr>,
}

/// An [`AclEntry`] as matching a packet reads it: an IPv4 prefix as numbers, the port range it
/// applies to, and whether it needs the full entry (IPv6 prefixes, ICMP types). Sixteen bytes:
/// the flags are bits of one byte (see [`AclEntryHot::exact`] and the others).
#[derive(Clone, Copy, Debug)]
pub struct AclEntryHot {
    /// IPv4 entries: `addr & mask() == net` for the addresses in the prefix.
    pub net: u32,
    /// Where the entry's label starts in `HotTables::acl_label_text`; it ends where the next
    /// entry's starts (labels are written in entry order), so that the answer quoting it
    /// reads no other table.
    pub label: u32,
    /// The destination ports the entry applies to: its range for TCP and UDP entries with
    /// one, else every port.
    pub lo: u16,
    pub hi: u16,
    /// The protocol number (meaningless when [`AclEntryHot::any_proto`]).
    pub proto: u8,
    /// `ANY_PROTO`, `EXACT`, `USER_ALLOW` and `ALLOW` bits.
    pub flags: u8,
    /// The IPv4 prefix length.
    pub plen: u8,
}

impl AclEntryHot {
    const ANY_PROTO: u8 = 1;
    const EXACT: u8 = 2;
    const USER_ALLOW: u8 = 4;
    const ALLOW: u8 = 8;
    /// The entry applies to every protocol.
    #[inline]
    pub fn any_proto(&self) -> bool {
        self.flags & Self::ANY_PROTO != 0
    }
    /// An IPv4 prefix and no ICMP type or code to compare: the fields above decide it;
    /// otherwise the full entry does.
    #[inline]
    pub fn exact(&self) -> bool {
        self.flags & Self::EXACT != 0
    }
    /// An allow entry numbered by the user (not the built-in `*`).
    #[inline]
    pub fn user_allow(&self) -> bool {
        self.flags & Self::USER_ALLOW != 0
    }
    /// The entry's action is allow (the entry itself need not be read to know).
    #[inline]
    pub fn allow(&self) -> bool {
        self.flags & Self::ALLOW != 0
    }
    /// The IPv4 netmask.
    #[inline]
    pub fn mask(&self) -> u32 {
        u32::MAX
            .checked_shl(32 - u32::from(self.plen.min(32)))
            .unwrap_or(0)
    }
    /// Whether the entry's protocol admits protocol number `p`.
    #[inline]
    pub fn proto_matches(&self, p: u8) -> bool {
        self.any_proto() || self.proto == p
    }
}

impl From<&AclEntry> for AclEntryHot {
    fn from(e: &AclEntry) -> Self {
        let (lo, hi) = match (e.protocol, e.ports) {
            (Protocol::Num(6 | 17), Some(r)) => r,
            _ => (0, u16::MAX),
        };
        let icmp = matches!(e.protocol, Protocol::Num(1 | 58)) && e.icmp.is_some();
        let (net, plen, v4) = match e.cidr {
            IpNet::V4(n) => (u32::from(n.network()), n.prefix_len(), true),
            IpNet::V6(_) => (0, 0, false),
        };
        let (proto, any) = match e.protocol {
            Protocol::All => (0, true),
            Protocol::Num(n) => (n, false),
        };
        let allow = e.action == RuleAction::Allow;
        let bit = |on: bool, b: u8| if on { b } else { 0 };
        AclEntryHot {
            net,
            label: 0,
            lo,
            hi,
            proto,
            flags: bit(any, Self::ANY_PROTO)
                | bit(v4 && !icmp, Self::EXACT)
                | bit(allow && !e.is_default_deny(), Self::USER_ALLOW)
                | bit(allow, Self::ALLOW),
            plen,
        }
    }
}

/// A security group's rules in `HotTables::sg_rules`, and its id as an interned key.
#[derive(Clone, Copy, Debug)]
pub struct SgHot {
    pub ingress: Span,
    pub egress: Span,
    /// Equal for groups of equal id (`SgPeerHot::Group` compares it, not the id strings).
    pub key: u32,
    /// Its id and console name (as [`Snapshot::sg_named`]).
    pub label: Label,
}

/// An [`SgRule`] without its strings: what matching a packet reads.
#[derive(Clone, Copy, Debug)]
pub struct SgRuleHot {
    pub protocol: Protocol,
    pub ports: Option<(u16, u16)>,
    pub icmp: Option<(i32, i32)>,
    pub peer: SgPeerHot,
}

/// An [`SgPeer`] with its references resolved.
#[derive(Clone, Copy, Debug)]
pub enum SgPeerHot {
    Cidr(IpNet),
    /// The prefix list, when the snapshot has it.
    PrefixList(Option<PlIx>),
    /// The key ([`SgHot::key`]) of the referenced group id; `u32::MAX` when no group of the
    /// snapshot has that id.
    Group(u32),
}

/// A [`Route`] without its strings: what longest-prefix matching and forwarding read, with
/// the target resolved to an arena index once instead of by id on every packet.
#[derive(Clone, Copy, Debug)]
pub struct RouteHot {
    pub dest: RouteDestHot,
    pub origin: RouteOrigin,
    /// The route is a blackhole.
    pub blackhole: bool,
    /// The target's kind, and its id ([`RouteTarget::id`]) as a span of
    /// `HotTables::route_text`.
    pub target_kind: RouteTargetKind,
    pub target_id: Span,
    /// The target's arena index, when the snapshot has it: the internet gateway, NAT gateway,
    /// peering connection or VPC endpoint of that id, the network interface of that id, or
    /// the first network interface of the instance of that id. `None` for other targets.
    pub target: Option<u32>,
}

/// A [`RouteDest`] with the prefix list resolved.
#[derive(Clone, Copy, Debug)]
pub enum RouteDestHot {
    Cidr(IpNet),
    PrefixList(Option<PlIx>),
}

/// [`RouteTarget`] without its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteTargetKind {
    Local,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    Peering,
    TransitGateway,
    VpcEndpoint,
    NetworkInterface,
    Instance,
    VirtualPrivateGateway,
    Other,
}

impl From<&RouteTarget> for RouteTargetKind {
    fn from(t: &RouteTarget) -> Self {
        match t {
            RouteTarget::Local => RouteTargetKind::Local,
            RouteTarget::InternetGateway(_) => RouteTargetKind::InternetGateway,
            RouteTarget::EgressOnlyInternetGateway(_) => RouteTargetKind::EgressOnlyInternetGateway,
            RouteTarget::NatGateway(_) => RouteTargetKind::NatGateway,
            RouteTarget::Peering(_) => RouteTargetKind::Peering,
            RouteTarget::TransitGateway(_) => RouteTargetKind::TransitGateway,
            RouteTarget::VpcEndpoint(_) => RouteTargetKind::VpcEndpoint,
            RouteTarget::NetworkInterface(_) => RouteTargetKind::NetworkInterface,
            RouteTarget::Instance(_) => RouteTargetKind::Instance,
            RouteTarget::VirtualPrivateGateway(_) => RouteTargetKind::VirtualPrivateGateway,
            RouteTarget::Other(_) => RouteTargetKind::Other,
        }
    }
}

/// A resource's id and name, as one run of `HotTables::label_text`: the id, then the name
/// right after it. Twelve bytes, small enough to sit in the hot record of what it names.
#[derive(Clone, Copy, Debug)]
pub struct Label {
    pub start: u32,
    pub id_len: u32,
    /// `u32::MAX` when there is no name.
    pub name_len: u32,
}

impl Default for Label {
    fn default() -> Self {
        Label {
            start: 0,
            id_len: 0,
            name_len: u32::MAX,
        }
    }
}

impl Label {
    /// The id and name in `text` (empty and none if the label is stale).
    pub fn named(self, text: &str) -> Named<'_> {
        let start = self.start as usize;
        let id_end = start + self.id_len as usize;
        let name = (self.name_len != u32::MAX).then(|| {
            text.get(id_end..id_end + self.name_len as usize)
                .unwrap_or("")
        });
        Named {
            id: text.get(start..id_end).unwrap_or(""),
            name,
        }
    }
}

/// A resource's id and name, as explanations quote them.
#[derive(Clone, Copy, Debug)]
pub struct Named<'a> {
    pub id: &'a str,
    pub name: Option<&'a str>,
}

impl Named<'_> {
    /// The name as an owned string, for answers.
    pub fn name_string(&self) -> Option<String> {
        self.name.map(str::to_string)
    }
}

/// As [`Snapshot::display_name`]: `id (name)`, else the id.
impl std::fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.name {
            Some(n) => write!(f, "{} ({n})", self.id),
            None => f.write_str(self.id),
        }
    }
}

impl HotTables {
    /// The tables of `snap`, from its arenas and `Index::private_ip`.
    pub fn build(snap: &Snapshot) -> Self {
        let mut t = HotTables::default();
        t.addresses(snap);
        t.security_groups(snap);
        t.enis(snap);
        t.subnets(snap);
        t.routes(snap);
        t.gateways(snap);
        t.labels(snap);
        t
    }

    fn addresses(&mut self, snap: &Snapshot) {
        let v4 = (snap.index.private_ip.keys())
            .filter(|a| a.is_ipv4())
            .count();
        self.ip4_enis = Ip4Table::with_keys(v4);
        for (a, enis) in &snap.index.private_ip {
            let Some(&first) = enis.first() else { continue };
            let start = self.ip_shared.len();
            if enis.len() > 1 {
                self.ip_shared.extend_from_slice(enis);
            }
            let v = IpEnis {
                first,
                shared: Span::since(&self.ip_shared, start),
            };
            match a {
                IpAddr::V4(a) => self.ip4_enis.insert(u32::from(*a), v),
                IpAddr::V6(a) => {
                    self.ip6_enis.insert(*a, v);
                }
            }
        }
    }

    /// Needs `sg` (the groups' spans are copied beside each ENI's groups).
    fn enis(&mut self, snap: &Snapshot) {
        self.eni.reserve(snap.enis.len());
        for e in &snap.enis {
            let start = self.eni_groups.len();
            let groups = e
                .groups
                .iter()
                .filter_map(|&g| Some((g, *self.sg.get(g.ix())?)));
            self.eni_groups.extend(groups);
            let groups = Span::since(&self.eni_groups, start);
            let all_v4 = |inbound: bool| {
                groups.of(&self.eni_groups).iter().any(|(_, g)| {
                    let span = if inbound { g.ingress } else { g.egress };
                    span.of(&self.sg_rules).iter().any(|r| {
                        r.protocol == Protocol::All
                            && matches!(r.peer, SgPeerHot::Cidr(IpNet::V4(n)) if n.prefix_len() == 0)
                    })
                })
            };
            let (ingress_all_v4, egress_all_v4) = (all_v4(true), all_v4(false));
            let all = || {
                e.private_ips
                    .iter()
                    .map(|p| p.addr)
                    .chain(e.ipv6.iter().copied())
            };
            let start = self.eni_addrs.len();
            if all().nth(1).is_some() {
                self.eni_addrs.extend(all());
            }
            let instance = e.instance.map(|i| &snap.instances[i.ix()]);
            self.eni.push(EniHot {
                vpc: e.vpc,
                subnet: e.subnet,
                groups,
                addr: all().next(),
                addrs: Span::since(&self.eni_addrs, start),
                kind: EniKindTag::from(&e.kind),
                live: instance.is_none_or(Instance::running),
                windows: instance.is_some_and(|i| i.windows),
                id: Label::default(),
                ingress_all_v4,
                egress_all_v4,
            });
        }
    }

    fn subnets(&mut self, snap: &Snapshot) {
        // Each NACL's entries once, shared by its subnets.
        let mut acl_spans = Vec::with_capacity(snap.network_acls.len());
        for a in &snap.network_acls {
            let start = self.acl_entries.len();
            self.acl_entries.extend_from_slice(&a.inbound);
            let inbound = Span::since(&self.acl_entries, start);
            let start = self.acl_entries.len();
            self.acl_entries.extend_from_slice(&a.outbound);
            acl_spans.push((inbound, Span::since(&self.acl_entries, start)));
            let all = a.inbound.iter().chain(&a.outbound);
            self.acl_hot.extend(all.map(AclEntryHot::from));
            let labelled =
                (a.inbound.iter().map(|e| (e, false))).chain(a.outbound.iter().map(|e| (e, true)));
            for (e, egress) in labelled {
                let start = self.acl_label_text.len();
                e.write_label(egress, &mut self.acl_label_text);
                let span = Span::since(self.acl_label_text.as_bytes(), start);
                self.acl_entry_labels.push(span);
            }
        }
        // Each packed entry knows where its label starts (see `AclEntryHot::label`).
        for (h, l) in (self.acl_hot.iter_mut()).zip(&self.acl_entry_labels) {
            h.label = l.start;
        }
        self.subnet.reserve(snap.subnets.len());
        for s in &snap.subnets {
            let start = self.subnet_cidrs.len();
            self.subnet_cidrs.extend_from_slice(&s.cidrs);
            let (acl_inbound, acl_outbound) = s
                .network_acl
                .and_then(|a| acl_spans.get(a.ix()).copied())
                .unwrap_or_default();
            self.subnet.push(SubnetHot {
                vpc: s.vpc,
                route_table: s.route_table,
                network_acl: s.network_acl,
                cidrs: Span::since(&self.subnet_cidrs, start),
                acl_inbound,
                acl_outbound,
                label: Label::default(),
                acl_label: Label::default(),
            });
        }
        for v in &snap.vpcs {
            let start = self.vpc_subnet_cidrs.len();
            for &s in &v.subnets {
                for c in &snap.subnet(s).cidrs {
                    self.vpc_subnet_cidrs.push((*c, s));
                }
            }
            self.vpc_subnets
                .push(Span::since(&self.vpc_subnet_cidrs, start));
        }
    }

    fn security_groups(&mut self, snap: &Snapshot) {
        // Group ids interned in arena order: equal ids, equal keys.
        let mut keys: FxHashMap<&str, u32> = FxHashMap::default();
        for g in &snap.security_groups {
            let next = u32::try_from(keys.len()).unwrap_or(u32::MAX);
            keys.entry(g.id.as_str()).or_insert(next);
        }
        let compile = |r: &SgRule| SgRuleHot {
            protocol: r.protocol,
            ports: r.ports,
            icmp: r.icmp,
            peer: match &r.peer {
                SgPeer::Cidr(c) => SgPeerHot::Cidr(*c),
                SgPeer::PrefixList(p) => {
                    SgPeerHot::PrefixList(snap.index.prefix_list.get(p.as_str()).copied())
                }
                SgPeer::Group { group, .. } => {
                    SgPeerHot::Group(keys.get(group.as_str()).copied().unwrap_or(u32::MAX))
                }
            },
        };
        self.sg.reserve(snap.security_groups.len());
        for g in &snap.security_groups {
            let start = self.sg_rules.len();
            self.sg_rules.extend(g.ingress.iter().map(compile));
            let ingress = Span::since(&self.sg_rules, start);
            let start = self.sg_rules.len();
            self.sg_rules.extend(g.egress.iter().map(compile));
            let egress = Span::since(&self.sg_rules, start);
            let key = keys.get(g.id.as_str()).copied().unwrap_or(u32::MAX);
            self.sg.push(SgHot {
                ingress,
                egress,
                key,
                label: Label::default(),
            });
        }
    }

    fn routes(&mut self, snap: &Snapshot) {
        let ix = &snap.index;
        for t in &snap.route_tables {
            let start = self.routes.len();
            for r in &t.routes {
                let text_start = self.route_text.len();
                self.route_text.push_str(r.target.id());
                let target = match &r.target {
                    RouteTarget::InternetGateway(id) => ix.igw.get(id.as_str()).map(|i| i.0),
                    RouteTarget::NatGateway(id) => ix.nat.get(id.as_str()).map(|i| i.0),
                    RouteTarget::Peering(id) => ix.pcx.get(id.as_str()).map(|i| i.0),
                    RouteTarget::VpcEndpoint(id) => ix.vpce.get(id.as_str()).map(|i| i.0),
                    RouteTarget::NetworkInterface(id) => ix.eni.get(id.as_str()).map(|i| i.0),
                    RouteTarget::Instance(id) => ix
                        .instance
                        .get(id.as_str())
                        .and_then(|&i| snap.instances[i.ix()].enis.first())
                        .map(|e| e.0),
                    _ => None,
                };
                self.routes.push(RouteHot {
                    dest: match &r.dest {
                        RouteDest::Cidr(c) => RouteDestHot::Cidr(*c),
                        RouteDest::PrefixList(_, pl) => RouteDestHot::PrefixList(*pl),
                    },
                    origin: r.origin,
                    blackhole: r.state == RouteState::Blackhole,
                    target_kind: RouteTargetKind::from(&r.target),
                    target_id: Span::since(self.route_text.as_bytes(), text_start),
                    target,
                });
            }
            self.rtb_routes.push(Span::since(&self.routes, start));
        }
    }

    fn gateways(&mut self, snap: &Snapshot) {
        self.nat = (snap.nat_gateways.iter())
            .map(|n| NatHot {
                vpc: n.vpc,
                subnet: n.subnet,
                available: n.state == "available",
                public: n.public,
                private_ip: n.private_ips.first().copied(),
            })
            .collect();
        for g in &snap.internet_gateways {
            let start = self.igw_vpc_list.len();
            self.igw_vpc_list.extend_from_slice(&g.vpcs);
            self.igw_vpcs.push(Span::since(&self.igw_vpc_list, start));
        }
    }

    fn labels(&mut self, snap: &Snapshot) {
        let text = &mut self.label_text;
        let as_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut label = |id: &str, name: Option<&str>| {
            let start = as_u32(text.len());
            text.push_str(id);
            let name_len = name.map_or(u32::MAX, |n| {
                text.push_str(n);
                as_u32(n.len())
            });
            Label {
                start,
                id_len: as_u32(id.len()),
                name_len,
            }
        };
        self.acl_labels = (snap.network_acls.iter())
            .map(|a| label(a.id.as_str(), name_tag(&a.tags)))
            .collect();
        self.subnet_labels = (snap.subnets.iter())
            .map(|s| label(s.id.as_str(), name_tag(&s.tags)))
            .collect();
        self.rtb_labels = (snap.route_tables.iter())
            .map(|r| label(r.id.as_str(), name_tag(&r.tags)))
            .collect();
        self.igw_labels = (snap.internet_gateways.iter())
            .map(|g| label(g.id.as_str(), name_tag(&g.tags)))
            .collect();
        self.sg_labels = (snap.security_groups.iter())
            .map(|g| {
                label(
                    g.id.as_str(),
                    Some(name_tag(&g.tags).unwrap_or(&g.group_name)),
                )
            })
            .collect();
        // ENI ids, for the stops that quote an interface.
        let eni_ids: Vec<Label> = (snap.enis.iter())
            .map(|e| label(e.id.as_str(), None))
            .collect();
        // Copies beside the hot records that a stop has already read: the labels of a
        // subnet and of its NACL in the subnet's record, a group's in its record (and in each
        // interface's copy of it), an interface's id in its record.
        for (i, h) in self.subnet.iter_mut().enumerate() {
            h.label = self.subnet_labels.get(i).copied().unwrap_or_default();
            h.acl_label = (h.network_acl)
                .and_then(|a| self.acl_labels.get(a.ix()).copied())
                .unwrap_or_default();
        }
        for (i, h) in self.sg.iter_mut().enumerate() {
            h.label = self.sg_labels.get(i).copied().unwrap_or_default();
        }
        for (g, h) in &mut self.eni_groups {
            h.label = self.sg_labels.get(g.ix()).copied().unwrap_or_default();
        }
        for (h, l) in self.eni.iter_mut().zip(eni_ids) {
            h.id = l;
        }
    }
}

/// Reading the hot tables.
impl Snapshot {
    /// The hot record of ENI `i`.
    pub fn eni_hot(&self, i: EniIx) -> &EniHot {
        &self.index.hot.eni[i.ix()]
    }
    /// The hot record of subnet `i`.
    pub fn subnet_hot(&self, i: SubnetIx) -> &SubnetHot {
        &self.index.hot.subnet[i.ix()]
    }
    /// The CIDRs of subnet `i`, in order.
    pub fn subnet_cidrs(&self, i: SubnetIx) -> &[IpNet] {
        self.subnet_hot(i).cidrs.of(&self.index.hot.subnet_cidrs)
    }
    /// Whether subnet `i` holds `a` ([`Subnet::contains`]).
    pub fn subnet_contains(&self, i: SubnetIx, a: IpAddr) -> bool {
        self.subnet_cidrs(i).iter().any(|c| net_contains(c, a))
    }
    /// The entries of subnet `i`'s NACL in one direction, in rule order (empty without one).
    pub fn subnet_acl_entries(&self, i: SubnetIx, egress: bool) -> &[AclEntry] {
        let h = self.subnet_hot(i);
        let span = if egress {
            h.acl_outbound
        } else {
            h.acl_inbound
        };
        span.of(&self.index.hot.acl_entries)
    }
    /// [`Snapshot::subnet_acl_entries`] as matching reads them (see [`AclEntryHot`]).
    pub fn subnet_acl_hot(&self, i: SubnetIx, egress: bool) -> &[AclEntryHot] {
        let h = self.subnet_hot(i);
        let span = if egress {
            h.acl_outbound
        } else {
            h.acl_inbound
        };
        span.of(&self.index.hot.acl_hot)
    }
    /// The label ([`AclEntry::label`]) of entry `k` of [`Snapshot::subnet_acl_entries`].
    pub fn subnet_acl_label(&self, i: SubnetIx, egress: bool, k: usize) -> &str {
        let h = self.subnet_hot(i);
        let span = if egress {
            h.acl_outbound
        } else {
            h.acl_inbound
        };
        let hot = &self.index.hot;
        // From the packed entry: the label runs to the next entry's, or to the end.
        let at = span.start as usize + k;
        let Some(e) = hot.acl_hot.get(at) else {
            return "";
        };
        let end = (hot.acl_hot.get(at + 1)).map_or(hot.acl_label_text.len(), |n| n.label as usize);
        (hot.acl_label_text)
            .get(e.label as usize..end)
            .unwrap_or("")
    }
    /// The security groups of ENI `i`, in its order, with their rule spans.
    pub fn eni_groups(&self, i: EniIx) -> &[(SgIx, SgHot)] {
        self.eni_hot(i).groups.of(&self.index.hot.eni_groups)
    }
    /// The rules of a group in one direction, in rule order.
    pub fn sg_rules_hot(&self, g: &SgHot, inbound: bool) -> &[SgRuleHot] {
        let span = if inbound { g.ingress } else { g.egress };
        span.of(&self.index.hot.sg_rules)
    }
    /// Whether `a` is one of ENI `i`'s private or IPv6 addresses.
    pub fn eni_holds(&self, i: EniIx, a: IpAddr) -> bool {
        let h = self.eni_hot(i);
        if h.addrs.len == 0 {
            h.addr == Some(a)
        } else {
            h.addrs.of(&self.index.hot.eni_addrs).contains(&a)
        }
    }
    /// The hot record of NAT gateway `i`.
    pub fn nat_hot(&self, i: NatIx) -> &NatHot {
        &self.index.hot.nat[i.ix()]
    }
    /// The VPCs internet gateway `i` is attached to.
    pub fn igw_vpcs(&self, i: IgwIx) -> &[VpcIx] {
        let hot = &self.index.hot;
        hot.igw_vpcs
            .get(i.ix())
            .map_or(&[], |s| s.of(&hot.igw_vpc_list))
    }
    /// The packed routes of route table `i`, in its order.
    pub fn routes_hot(&self, i: RtbIx) -> &[RouteHot] {
        let hot = &self.index.hot;
        hot.rtb_routes
            .get(i.ix())
            .map_or(&[], |s| s.of(&hot.routes))
    }
    /// The id of a packed route's target.
    pub fn route_target_id(&self, r: &RouteHot) -> &str {
        r.target_id.str_of(&self.index.hot.route_text)
    }

    fn named(&self, labels: &[Label], i: usize) -> Named<'_> {
        let l = labels.get(i).copied().unwrap_or_default();
        l.named(&self.index.hot.label_text)
    }
    /// A label's id and name.
    pub fn label_named(&self, l: Label) -> Named<'_> {
        l.named(&self.index.hot.label_text)
    }
    /// The NACL of subnet `i`: its id and `Name` tag, from the subnet's record.
    pub fn subnet_acl_named(&self, i: SubnetIx) -> Named<'_> {
        self.label_named(self.subnet_hot(i).acl_label)
    }
    /// ENI `i`'s id, from its record.
    pub fn eni_id(&self, i: EniIx) -> &str {
        self.label_named(self.eni_hot(i).id).id
    }
    /// NACL `i`'s id and `Name` tag.
    pub fn acl_named(&self, i: AclIx) -> Named<'_> {
        self.named(&self.index.hot.acl_labels, i.ix())
    }
    /// Subnet `i`'s id and `Name` tag.
    pub fn subnet_named(&self, i: SubnetIx) -> Named<'_> {
        // From the subnet's record, which the walk has usually read already.
        match self.index.hot.subnet.get(i.ix()) {
            Some(h) => self.label_named(h.label),
            None => self.named(&self.index.hot.subnet_labels, i.ix()),
        }
    }
    /// Route table `i`'s id and `Name` tag.
    pub fn rtb_named(&self, i: RtbIx) -> Named<'_> {
        self.named(&self.index.hot.rtb_labels, i.ix())
    }
    /// Internet gateway `i`'s id and `Name` tag.
    pub fn igw_named(&self, i: IgwIx) -> Named<'_> {
        self.named(&self.index.hot.igw_labels, i.ix())
    }
    /// Security group `i`'s id and console name (`Name` tag, else group name).
    pub fn sg_named(&self, i: SgIx) -> Named<'_> {
        self.named(&self.index.hot.sg_labels, i.ix())
    }
}
