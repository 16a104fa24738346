//! The walk: a packet moves from component to component until it is delivered or dropped.

use crate::acl::{self, AclInput};
use crate::question::Question;
use crate::route;
use crate::sg::{self, RefScope, SgInput};
use crate::trace::{
    DecidedBy, Direction, Hop, NodeCheck, Partial, PortCut, TargetHealthCheck, TargetPath, Trace,
    Verdict,
};
use pinhole_model::*;
use std::net::{IpAddr, Ipv4Addr};

/// Knobs of a run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Source-port range of Linux EC2 clients (`ip_local_port_range`).
    pub linux_ephemeral: (u16, u16),
    /// Record every hop (for `trace`); without it only the verdict, the reason, the deciding
    /// component and the gateways crossed are kept, which is much faster (for `query`).
    pub record_hops: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            linux_ephemeral: (32768, 60999),
            record_hops: true,
        }
    }
}

/// Ports used by NAT gateways, load balancers, Lambda and internet hosts.
const WIDE_EPHEMERAL: (u16, u16) = (1024, 65535);
const WINDOWS_EPHEMERAL: (u16, u16) = (49152, 65535);
const MAX_DEPTH: u32 = 48;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Port {
    Const(u16),
    /// A source port chosen from a range: index into the walker's port variables.
    Var(usize),
}

#[derive(Clone, Debug)]
struct Packet {
    src: IpAddr,
    dst: IpAddr,
    proto: u8,
    sport: Option<Port>,
    dport: Option<Port>,
    icmp: Option<(u8, u8)>,
}

/// Whose source port a [`PortVar`] is; named only when a partial verdict reports it.
#[derive(Clone, Copy)]
enum PortOwner {
    Client,
    Nat(NatIx),
    /// A load balancer (index into `Snapshot::load_balancers`) connecting to a target.
    LoadBalancer(usize),
}

/// A source port range some client or translator picks from, and what stateless rules left.
#[derive(Clone)]
struct PortVar {
    owner: PortOwner,
    initial: PortSet,
    set: PortSet,
    /// Ports dropped, with the NACL and the label of the rule that dropped them.
    cuts: Vec<(AclIx, String, PortSet)>,
}

#[derive(Clone)]
struct NatRecord {
    nat: NatIx,
    orig_src: IpAddr,
    orig_sport: Option<Port>,
    new_src: IpAddr,
    new_sport: Option<Port>,
}

/// How the packet entered the VPC it is being routed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    Local,
    Nat(NatIx),
    Tgw,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pos {
    Eni(EniIx),
    Internet,
    /// An AWS service behind a gateway endpoint of a VPC.
    Service(VpcIx, VpceIx),
}

/// Why a walk stopped short of delivery.
#[derive(Clone)]
struct Stop {
    verdict: Verdict,
    kind: &'static str,
    id: String,
    name: Option<String>,
    rule: Option<String>,
    code: Option<&'static str>,
    message: String,
    /// The direction that decided, when not the walk's own (a load balancer's target path
    /// failing on the target's reply while the client's request is still under way).
    dir: Option<Direction>,
}

type Step<T = (Pos, Packet)> = Result<T, Box<Stop>>;

/// `format!` into a buffer sized for a whole explanation: one allocation instead of a chain of
/// reallocations, and room left for the `blocked on the …: ` prefix of the reason.
macro_rules! msg {
    ($($arg:tt)*) => {{
        let mut s = String::with_capacity(192);
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!($($arg)*));
        s
    }};
}

/// Record a hop only when the walker records hops: the arguments are not even evaluated
/// otherwise, which keeps batch queries free of string formatting.
macro_rules! hop {
    ($w:expr, $($arg:expr),+ $(,)?) => {
        if $w.record {
            $w.push_hop($($arg),+);
        }
    };
}

mod lb;
mod text;
pub use lb::health_checks;
use text::Push;

/// What a filter saw of a packet, for the symbolic engine: the walk in collect mode records
/// each NACL and security-group check with the packet as it was there, instead of deciding it.
#[derive(Clone, Debug)]
pub(crate) struct View {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: u8,
    pub dport: Option<Port>,
    pub icmp: Option<(u8, u8)>,
}

/// A filter the packet has to pass.
#[derive(Clone, Debug)]
pub(crate) enum Check {
    /// `subnet`'s NACL, outbound when `egress`.
    Nacl {
        subnet: SubnetIx,
        egress: bool,
        view: View,
    },
    /// The security groups of `eni`, inbound or outbound.
    Sg {
        eni: EniIx,
        inbound: bool,
        view: View,
        scope: RefScope,
    },
}

/// One step of a walk in collect mode.
#[derive(Clone, Debug)]
pub(crate) enum Event {
    Check(Direction, Check),
    /// The walk had `n` alternatives here (transit gateway exits) and took `chosen`; the
    /// concrete walk takes the first one whose rest of the current direction succeeds.
    Fork {
        dir: Direction,
        n: usize,
        /// Every alternative is taken (load-balancer targets: the connection is `reachable`
        /// only when all work); otherwise the first that works is (transit-gateway zones).
        every: bool,
    },
}

/// Collect mode: filters are recorded, not decided; at the `k`-th fork the walk takes
/// alternative `choices[k]` (0 beyond the list).
#[derive(Debug, Default)]
pub(crate) struct Collect {
    pub events: Vec<Event>,
    pub choices: Vec<usize>,
    pub forks: usize,
    /// The range of each source-port variable, by index.
    pub ranges: Vec<PortSet>,
}

#[derive(Clone)]
struct Walker<'a> {
    snap: &'a Snapshot,
    record: bool,
    /// Collect mode (see [`Collect`]): shared by the walker's copies.
    collect: Option<&'a std::cell::RefCell<Collect>>,
    dir: Direction,
    hops: Vec<Hop>,
    /// Gateways and connections the request crossed, for the reason of a `reachable` verdict.
    via: Vec<String>,
    /// The last route table that forwarded the packet.
    last_rtb: Option<RtbIx>,
    /// The egress-only internet gateway the request left through: it admits the reply.
    egress_only: Option<String>,
    vars: Vec<PortVar>,
    nats: Vec<NatRecord>,
    scope: RefScope,
    depth: u32,
    notes: Vec<String>,
    /// Target paths of the load balancers the connection went through.
    targets: Vec<TargetPath>,
    /// Target paths that failed while others worked: (target, why), for a `partial` verdict.
    lb_failed: Vec<(String, Box<Stop>)>,
    /// Target paths tried, working or not.
    lb_paths: usize,
}

/// An address as its `Display` writes it, IPv4 in one write instead of the formatter's
/// machinery for each octet: most stops quote an address or two.
struct Ip(IpAddr);

impl std::fmt::Display for Ip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let IpAddr::V4(a) = self.0 else {
            return write!(f, "{}", self.0);
        };
        let (buf, n) = text::v4_text(a);
        f.write_str(std::str::from_utf8(&buf[..n]).unwrap_or_default())
    }
}

fn name_of(tags: &Tags) -> Option<String> {
    name_tag(tags).map(str::to_string)
}

/// A zone as people read it: `us-east-1a (use1-az1)`.
fn zone_label(s: &Subnet) -> String {
    match &s.az_id {
        Some(id) if *id != s.az => format!("{} ({id})", s.az),
        _ => s.az.clone(),
    }
}

/// A security group's name as the console lists it: its `Name` tag, else its group name.
fn sg_name(sg: &SecurityGroup) -> String {
    name_tag(&sg.tags).map_or_else(|| sg.group_name.clone(), str::to_string)
}

/// An interface's name: its `Name` tag, else its instance's name and id.
fn eni_name(snap: &Snapshot, e: &NetworkInterface) -> Option<String> {
    name_of(&e.tags).or_else(|| {
        e.instance.map(|i| {
            let inst = &snap.instances[i.ix()];
            match name_tag(&inst.tags) {
                Some(n) => format!("{n}, {}", inst.id),
                None => inst.id.to_string(),
            }
        })
    })
}

fn stop(
    verdict: Verdict,
    kind: &'static str,
    id: impl Into<String>,
    name: Option<String>,
    code: Option<&'static str>,
    message: String,
) -> Box<Stop> {
    Box::new(Stop {
        verdict,
        kind,
        id: id.into(),
        name,
        rule: None,
        code,
        message,
        dir: None,
    })
}

/// The snapshot lacks something every subnet has (its route table or NACL): `unknown`.
fn missing_on_subnet(sub: &Subnet, what: &str) -> Box<Stop> {
    stop(
        Verdict::Unknown,
        "subnet",
        sub.id.as_str(),
        name_of(&sub.tags),
        Some("UNKNOWN_RESOURCE"),
        format!("subnet `{}` has no {what}", sub.id),
    )
}

fn overlaps(a: &ipnet::IpNet, b: &ipnet::IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

impl<'a> Walker<'a> {
    fn new(snap: &'a Snapshot, record: bool) -> Self {
        Self {
            snap,
            record,
            collect: None,
            dir: Direction::Request,
            hops: Vec::new(),
            via: Vec::new(),
            last_rtb: None,
            egress_only: None,
            vars: Vec::new(),
            nats: Vec::new(),
            scope: RefScope::default(),
            depth: 0,
            notes: Vec::new(),
            targets: Vec::new(),
            lb_failed: Vec::new(),
            lb_paths: 0,
        }
    }

    fn pkt_str(&self, p: &Packet) -> String {
        let mut s = String::with_capacity(64);
        self.push_pkt(&mut s, p);
        s
    }

    /// The packet as hops and messages show it: `10.0.1.5:32768-60999 -> 10.1.0.9:443 tcp`,
    /// appended to `out`.
    fn push_pkt(&self, out: &mut String, p: &Packet) {
        self.push_endpoint(out, p.src, p.sport);
        out.push_str(" -> ");
        self.push_endpoint(out, p.dst, p.dport);
        out.push(' ');
        let _ = write_proto_name(out, p.proto);
        if let Some((t, c)) = p.icmp {
            out.text(" type ")
                .num(t.into())
                .text(" code ")
                .num(c.into());
        }
    }

    fn push_endpoint(&self, out: &mut String, a: IpAddr, port: Option<Port>) {
        if a.is_ipv6() && port.is_some() {
            out.text("[").ip(a).text("]");
        } else {
            out.ip(a);
        }
        match port {
            None => {}
            Some(Port::Const(n)) => {
                out.text(":").num(n.into());
            }
            Some(Port::Var(k)) => {
                out.text(":").ports(&self.vars[k].set);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_hop(
        &mut self,
        kind: &'static str,
        id: impl Into<String>,
        name: Option<String>,
        decision: &'static str,
        rule: Option<String>,
        p: &Packet,
        detail: String,
        code: Option<&'static str>,
    ) {
        let packet = self.pkt_str(p);
        self.hops.push(Hop {
            kind,
            id: id.into(),
            name,
            decision,
            rule,
            packet,
            detail,
            code,
        });
    }

    fn subnet_label(&self, s: SubnetIx) -> String {
        self.snap.subnet_named(s).to_string()
    }

    fn new_var(&mut self, owner: PortOwner, range: PortSet) -> usize {
        if let Some(c) = self.collect {
            c.borrow_mut().ranges.push(range.clone());
        }
        self.vars.push(PortVar {
            owner,
            initial: range.clone(),
            set: range,
            cuts: Vec::new(),
        });
        self.vars.len() - 1
    }

    // ---- checks -----------------------------------------------------------------------

    /// In collect mode, record `check` and let the packet pass; `false` otherwise.
    fn collected(&self, check: impl FnOnce(View) -> Check, p: &Packet) -> bool {
        let Some(c) = self.collect else {
            return false;
        };
        let view = View {
            src: p.src,
            dst: p.dst,
            proto: p.proto,
            dport: p.dport,
            icmp: p.icmp,
        };
        c.borrow_mut()
            .events
            .push(Event::Check(self.dir, check(view)));
        true
    }

    /// Why an allow rule of `acl` did not apply, when one almost did: appended to `out`.
    fn near_miss_hint(
        &self,
        out: &mut String,
        (hot, entries): (&[AclEntryHot], &[AclEntry]),
        p: &Packet,
        addr: IpAddr,
        dports: &PortSet,
    ) {
        use std::fmt::Write;
        let inp = AclInput {
            proto: p.proto,
            addr,
            dports,
            icmp: p.icmp,
        };
        let Some(e) = acl::near_miss(hot, entries, &inp) else {
            return;
        };
        let _ = write!(
            out,
            "; rule {} would allow it but only to destination port ",
            e.rule_number
        );
        let _ = match e.ports {
            Some((a, b)) if a == b => write!(out, "{a}"),
            Some((a, b)) => write!(out, "{a}-{b}"),
            None => write!(out, "all"),
        };
        let _ = write!(out, ", and this packet goes to port {dports}");
        if self.dir == Direction::Reply {
            out.push_str(
                " (the client's source port: NACLs are stateless, so the reply needs its own rule for it)",
            );
        }
    }

    /// A NACL's deny: the reason names the NACL, the rule, the subnet and a near miss.
    fn nacl_deny(
        &self,
        subnet: SubnetIx,
        egress: bool,
        p: &Packet,
        dports: &PortSet,
        rule: String,
    ) -> Box<Stop> {
        let snap = self.snap;
        let addr = if egress { p.dst } else { p.src };
        // Ids and names from the labels in the subnet's record (see `SubnetHot::acl_label`).
        let (named, sub) = (snap.subnet_acl_named(subnet), snap.subnet_named(subnet));
        let mut message = String::with_capacity(192);
        message
            .named(named)
            .text(" ")
            .text(&rule)
            .text(" on ")
            .named(sub);
        let entries = (
            snap.subnet_acl_hot(subnet, egress),
            snap.subnet_acl_entries(subnet, egress),
        );
        self.near_miss_hint(&mut message, entries, p, addr, dports);
        let mut s = stop(
            Verdict::Blocked,
            "network-acl",
            named.id,
            named.name_string(),
            Some("SUBNET_ACL_RESTRICTION"),
            message,
        );
        s.rule = Some(rule);
        s
    }

    fn nacl(&mut self, subnet: SubnetIx, egress: bool, p: &Packet) -> Step<()> {
        let snap = self.snap;
        let sub = snap.subnet(subnet);
        let Some(acl_ix) = snap.subnet_hot(subnet).network_acl else {
            return Err(missing_on_subnet(
                sub,
                "network ACL in the snapshot (no association and no default NACL)",
            ));
        };
        if self.collected(
            |view| Check::Nacl {
                subnet,
                egress,
                view,
            },
            p,
        ) {
            return Ok(());
        }
        // The struct for hop tables only; the entries come packed with the subnet.
        let acl = snap.acl(acl_ix);
        let entries = snap.subnet_acl_entries(subnet, egress);
        let addr = if egress { p.dst } else { p.src };
        let no_rule = || {
            if egress {
                "outbound (no matching rule)"
            } else {
                "inbound (no matching rule)"
            }
            .to_string()
        };
        let single = match p.dport {
            Some(Port::Var(_)) => None,
            Some(Port::Const(n)) => Some(n),
            None => Some(0),
        };
        if let Some(port) = single {
            let none = PortSet::empty();
            let inp = AclInput {
                proto: p.proto,
                addr,
                dports: &none,
                icmp: p.icmp,
            };
            let hot = snap.subnet_acl_hot(subnet, egress);
            let hit = acl::first_match(hot, entries, &inp, port);
            // The labels come packed beside the entries (see `HotTables::acl_entry_labels`).
            let label = |k: usize| snap.subnet_acl_label(subnet, egress, k).to_string();
            // The action from the packed record: the full entry is not read.
            if let Some(k) = hit.filter(|&k| hot.get(k).is_some_and(AclEntryHot::allow)) {
                hop!(
                    self,
                    "network-acl",
                    acl.id.as_str(),
                    name_of(&acl.tags),
                    "allow",
                    Some(label(k)),
                    p,
                    format!("on {}", self.subnet_label(subnet)),
                    None
                );
                return Ok(());
            }
            let rule = hit.map(label).unwrap_or_else(no_rule);
            hop!(
                self,
                "network-acl",
                acl.id.as_str(),
                name_of(&acl.tags),
                "deny",
                Some(rule.clone()),
                p,
                format!("on {}", self.subnet_label(subnet)),
                Some("SUBNET_ACL_RESTRICTION")
            );
            let single = PortSet::single(port);
            return Err(self.nacl_deny(subnet, egress, p, &single, rule));
        }
        if let Some(Port::Var(k)) = p.dport {
            let inp = AclInput {
                proto: p.proto,
                addr,
                dports: &self.vars[k].set,
                icmp: p.icmp,
            };
            // One allow entry passes the whole range: the set is unchanged and nothing is cut,
            // so skip the set algebra of `evaluate`.
            if let Some(e) = acl::allows_all(entries, &inp) {
                hop!(
                    self,
                    "network-acl",
                    acl.id.as_str(),
                    name_of(&acl.tags),
                    "allow",
                    Some(e.label(egress)),
                    p,
                    format!("on {}", self.subnet_label(subnet)),
                    None,
                );
                return Ok(());
            }
        }
        let dports = match p.dport {
            Some(Port::Const(n)) => PortSet::single(n),
            Some(Port::Var(k)) => self.vars[k].set.clone(),
            None => PortSet::single(0),
        };
        let out = acl::evaluate(
            entries,
            &AclInput {
                proto: p.proto,
                addr,
                dports: &dports,
                icmp: p.icmp,
            },
        );
        if out.allowed.is_empty() {
            let (entry, _) = out
                .denied
                .iter()
                .max_by_key(|(_, s)| s.len())
                .map(|(e, s)| (*e, s))
                .unzip();
            let rule = entry.map(|e| e.label(egress)).unwrap_or_else(no_rule);
            hop!(
                self,
                "network-acl",
                acl.id.as_str(),
                name_of(&acl.tags),
                "deny",
                Some(rule.clone()),
                p,
                format!("on {}", self.subnet_label(subnet)),
                Some("SUBNET_ACL_RESTRICTION"),
            );
            return Err(self.nacl_deny(subnet, egress, p, &dports, rule));
        }
        let mut detail = format!("on {}", self.subnet_label(subnet));
        if let Some(Port::Var(k)) = p.dport {
            for (e, set) in &out.denied {
                detail.push_str(&format!("; ports {set} dropped by {}", e.label(egress)));
                self.vars[k]
                    .cuts
                    .push((acl_ix, e.label(egress), set.clone()));
            }
            self.vars[k].set = out.allowed.clone();
        }
        hop!(
            self,
            "network-acl",
            acl.id.as_str(),
            name_of(&acl.tags),
            "allow",
            out.allowed_by.map(|e| e.label(egress)),
            p,
            detail,
            None,
        );
        Ok(())
    }

    fn const_dport(p: &Packet) -> Option<u16> {
        match p.dport {
            Some(Port::Const(n)) => Some(n),
            _ => None,
        }
    }

    fn sg_check(&mut self, eni: EniIx, inbound: bool, p: &Packet) -> Step<()> {
        let snap = self.snap;
        let e = snap.eni(eni);
        let groups = snap.eni_groups(eni);
        if groups.is_empty() {
            return Ok(());
        }
        let scope = self.scope;
        if self.collected(
            |view| Check::Sg {
                eni,
                inbound,
                view,
                scope,
            },
            p,
        ) {
            return Ok(());
        }
        let peer = if inbound { p.src } else { p.dst };
        // A rule for all traffic to or from anywhere: every IPv4 packet passes, and without a
        // hop table to fill, which rule matched first does not matter.
        let hot = snap.eni_hot(eni);
        let all_v4 = if inbound {
            hot.ingress_all_v4
        } else {
            hot.egress_all_v4
        };
        if all_v4 && !self.record && peer.is_ipv4() {
            return Ok(());
        }
        let inp = SgInput {
            proto: p.proto,
            dport: Self::const_dport(p),
            icmp: p.icmp,
            peer,
        };
        match sg::allows(snap, eni, inbound, &inp, self.scope) {
            Some((g, i)) => {
                let sg = snap.sg(g);
                let rules = if inbound { &sg.ingress } else { &sg.egress };
                // The rule's label is only for the hop table: not built when hops are not kept.
                hop!(
                    self,
                    "security-group",
                    sg.id.as_str(),
                    Some(sg_name(sg)),
                    "allow",
                    rules.get(i).map(|r| {
                        format!(
                            "{} {}",
                            if inbound { "inbound" } else { "outbound" },
                            r.label(inbound)
                        )
                    }),
                    p,
                    format!("on {}", e.id),
                    None,
                );
                Ok(())
            }
            None => {
                // Ids and console names from the labels beside the interface's groups (see
                // `SgHot::label`).
                let named = |h: &SgHot| snap.label_named(h.label);
                let id = match groups {
                    [(_, one)] => named(one).id.to_string(),
                    _ => {
                        let mut ids: Vec<&str> = groups.iter().map(|(_, h)| named(h).id).collect();
                        ids.sort_unstable();
                        ids.join(",")
                    }
                };
                // The groups' names joined by commas, written straight into one string.
                let mut names = String::new();
                for (k, (_, h)) in groups.iter().enumerate() {
                    if k > 0 {
                        names.push(',');
                    }
                    names.push_str(named(h).name.unwrap_or_default());
                }
                let dir = if inbound { "inbound" } else { "outbound" };
                let code = if groups.iter().all(|(_, s)| {
                    if inbound {
                        s.ingress.len == 0
                    } else {
                        s.egress.len == 0
                    }
                }) {
                    "SG_HAS_NO_RULES"
                } else {
                    "ENI_SG_RULES_MISMATCH"
                };
                hop!(
                    self,
                    "security-group",
                    id.clone(),
                    Some(names.clone()),
                    "deny",
                    Some(format!("no {dir} rule matches")),
                    p,
                    format!("on {}", e.id),
                    Some(code),
                );
                let mut message = String::with_capacity(192);
                message.text("no ").text(dir).text(" rule of ").text(&id);
                message.text(" on ").text(snap.eni_id(eni)).text(" admits ");
                self.push_pkt(&mut message, p);
                let mut s = stop(
                    Verdict::Blocked,
                    "security-group",
                    id,
                    Some(names),
                    Some(code),
                    message,
                );
                s.rule = Some(
                    if inbound {
                        "no inbound rule matches"
                    } else {
                        "no outbound rule matches"
                    }
                    .to_string(),
                );
                Err(s)
            }
        }
    }

    // ---- movement ---------------------------------------------------------------------

    /// The client's interface sends the request.
    fn originate(&mut self, eni: EniIx, p: Packet) -> Step {
        let snap = self.snap;
        let e = snap.eni(eni);
        hop!(
            self,
            "network-interface",
            e.id.as_str(),
            eni_name(snap, e),
            "send",
            None,
            &p,
            self.subnet_label(e.subnet),
            None,
        );
        self.sg_check(eni, false, &p)?;
        let hot = snap.eni_hot(eni);
        self.send(hot.vpc, hot.subnet, p, Via::Local)
    }

    /// A packet leaves `subnet` (from an interface in it) towards `p.dst`.
    fn send(&mut self, vpc: VpcIx, subnet: SubnetIx, p: Packet, via: Via) -> Step {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(stop(
                Verdict::Blocked,
                "route-table",
                "",
                None,
                None,
                "routing loop: the packet never reaches its destination".into(),
            ));
        }
        let snap = self.snap;
        let sub = snap.subnet(subnet);
        // Another interface of the same subnet is reached at layer 2: no route table, no NACL.
        if snap.subnet_contains(subnet, p.dst) {
            return self.arrive(vpc, subnet, p);
        }
        let Some(rtb_ix) = snap.subnet_hot(subnet).route_table else {
            return Err(missing_on_subnet(
                sub,
                "route table in the snapshot (no association and no main table)",
            ));
        };
        let rtb = snap.rtb(rtb_ix);
        // The packed route: what forwarding needs (state, target kind, id and arena index,
        // resolved at load) without reading the route, its table or its strings.
        let found = route::lookup_ix(snap, rtb_ix, p.dst, via == Via::Tgw)
            .and_then(|i| Some((i, *snap.routes_hot(rtb_ix).get(i)?)));
        let Some((ri, hot)) = found else {
            hop!(
                self,
                "route-table",
                rtb.id.as_str(),
                name_of(&rtb.tags),
                "drop",
                None,
                &p,
                format!("no route to {}", p.dst),
                Some("NO_ROUTE_TO_DESTINATION"),
            );
            let named = snap.rtb_named(rtb_ix);
            return Err(stop(
                Verdict::Blocked,
                "route-table",
                named.id,
                named.name_string(),
                Some("NO_ROUTE_TO_DESTINATION"),
                {
                    let mut m = String::with_capacity(192);
                    m.named(named).text(" of ").named(snap.subnet_named(subnet));
                    m.text(" has no route to ").ip(p.dst);
                    m
                },
            ));
        };
        self.last_rtb = Some(rtb_ix);
        // The full route, for labels only.
        let label = || {
            rtb.routes
                .get(ri)
                .map(|r| route::route_label(snap, r))
                .unwrap_or_default()
        };
        if hot.blackhole {
            let label = label();
            hop!(
                self,
                "route-table",
                rtb.id.as_str(),
                name_of(&rtb.tags),
                "drop",
                Some(label.clone()),
                &p,
                "blackhole route".into(),
                Some("BAD_STATE_ROUTE"),
            );
            let mut s = stop(
                Verdict::Blocked,
                "route-table",
                rtb.id.as_str(),
                name_of(&rtb.tags),
                Some("BAD_STATE_ROUTE"),
                msg!(
                    "{} sends {} to a blackhole ({label})",
                    Snapshot::display_name(&rtb.tags, rtb.id.as_str()),
                    p.dst
                ),
            );
            s.rule = Some(label);
            return Err(s);
        }
        hop!(
            self,
            "route-table",
            rtb.id.as_str(),
            name_of(&rtb.tags),
            "forward",
            Some(label()),
            &p,
            self.subnet_label(subnet),
            None,
        );
        // The target's id (`RouteTarget::id`) and arena index.
        let (id, target) = (snap.route_target_id(&hot), hot.target);
        if self.dir == Direction::Request && hot.target_kind != RouteTargetKind::Local {
            self.via.push(id.to_string());
        }
        match hot.target_kind {
            RouteTargetKind::Local => self.deliver_local(vpc, Some(subnet), p),
            RouteTargetKind::InternetGateway => {
                self.through_internet(vpc, subnet, p, id, target.map(IgwIx), via)
            }
            RouteTargetKind::NatGateway => self.through_nat(vpc, subnet, p, id, target.map(NatIx)),
            RouteTargetKind::Peering => self.through_peer(vpc, subnet, p, id, target.map(PcxIx)),
            RouteTargetKind::TransitGateway => self.through_tgw(vpc, subnet, p, id),
            RouteTargetKind::VpcEndpoint => {
                self.through_endpoint(vpc, subnet, p, id, target.map(VpceIx), via)
            }
            RouteTargetKind::EgressOnlyInternetGateway => self.through_egress_only(subnet, p, id),
            RouteTargetKind::NetworkInterface | RouteTargetKind::Instance => {
                self.through_middlebox(vpc, subnet, p, id, target.map(EniIx))
            }
            RouteTargetKind::VirtualPrivateGateway | RouteTargetKind::Other => Err(stop(
                Verdict::Unknown,
                "route-table",
                rtb.id.as_str(),
                name_of(&rtb.tags),
                Some("UNKNOWN_DESTINATION"),
                msg!(
                    "{} leaves the snapshot through `{id}` (VPN, Direct Connect or another gateway pinhole does not follow)",
                    p.dst
                ),
            )),
        }
    }

    /// Delivery inside `vpc` by its local route, from `from` (None: arriving from outside).
    fn deliver_local(&mut self, vpc: VpcIx, from: Option<SubnetIx>, p: Packet) -> Step {
        let snap = self.snap;
        let Some(ds) = snap.subnet_of(vpc, p.dst) else {
            let v = snap.vpc(vpc);
            return Err(stop(
                Verdict::Blocked,
                "vpc",
                v.id.as_str(),
                name_of(&v.tags),
                Some("NO_POSSIBLE_DESTINATION"),
                msg!(
                    "no subnet of {} holds {}",
                    Snapshot::display_name(&v.tags, v.id.as_str()),
                    p.dst
                ),
            ));
        };
        if from != Some(ds) {
            if let Some(f) = from {
                self.nacl(f, true, &p)?;
            }
            self.nacl(ds, false, &p)?;
        }
        self.arrive(vpc, ds, p)
    }

    /// The packet is on `subnet`'s wire: hand it to the interface holding its destination.
    fn arrive(&mut self, vpc: VpcIx, subnet: SubnetIx, mut p: Packet) -> Step {
        let snap = self.snap;
        let sub = snap.subnet(subnet);
        if let Some(c) = snap
            .subnet_cidrs(subnet)
            .iter()
            .find(|c| is_reserved_in(p.dst, **c))
        {
            return Err(stop(
                Verdict::InvalidConfig,
                "subnet",
                sub.id.as_str(),
                name_of(&sub.tags),
                Some("ENI_ADDRESS_RESTRICTION"),
                msg!(
                    "{} is an address AWS reserves in {} ({c}: the first four and the last); no interface can use it",
                    p.dst,
                    self.subnet_label(subnet)
                ),
            ));
        }
        let Some(eni) = snap.eni_in_vpc(vpc, p.dst) else {
            return Err(stop(
                Verdict::Blocked,
                "subnet",
                sub.id.as_str(),
                name_of(&sub.tags),
                Some("NO_POSSIBLE_DESTINATION"),
                msg!(
                    "no network interface in {} holds {}",
                    self.subnet_label(subnet),
                    p.dst
                ),
            ));
        };
        let e = snap.eni(eni);
        if !snap.eni_live(eni) {
            let state = e
                .instance
                .map(|i| snap.instances[i.ix()].state.clone())
                .unwrap_or_default();
            return Err(stop(
                Verdict::Blocked,
                "network-interface",
                e.id.as_str(),
                eni_name(snap, e),
                Some("BAD_STATE"),
                msg!("{} belongs to an instance that is {state}", e.id),
            ));
        }
        match snap.eni_hot(eni).kind {
            EniKindTag::NatGateway => {
                let nat = snap.nat_at(p.dst);
                let record = self.nats.iter().position(|r| {
                    Some(r.nat) == nat && r.new_src == p.dst && r.new_sport == p.dport
                });
                match (self.dir, nat, record) {
                    (Direction::Reply, Some(n), Some(r)) => {
                        let (orig_src, orig_sport) =
                            (self.nats[r].orig_src, self.nats[r].orig_sport);
                        p.dst = orig_src;
                        p.dport = orig_sport;
                        let ng = snap.nat(n);
                        hop!(
                            self,
                            "nat-gateway",
                            ng.id.as_str(),
                            name_of(&ng.tags),
                            "translate",
                            None,
                            &p,
                            "reply: destination restored to the client".into(),
                            None,
                        );
                        self.send(ng.vpc, ng.subnet, p, Via::Nat(n))
                    }
                    _ => Err(stop(
                        Verdict::Blocked,
                        "nat-gateway",
                        nat.map(|n| snap.nat(n).id.to_string())
                            .unwrap_or_else(|| e.id.to_string()),
                        nat.and_then(|n| name_of(&snap.nat(n).tags))
                            .or_else(|| name_of(&e.tags)),
                        Some("NO_POSSIBLE_DESTINATION"),
                        msg!(
                            "{} is a NAT gateway's address; a NAT gateway accepts no connections from outside",
                            p.dst
                        ),
                    )),
                }
            }
            // A load balancer node that opened the connection gets its reply like any client.
            EniKindTag::LoadBalancer if self.dir == Direction::Request => {
                self.at_load_balancer(eni, p)
            }
            EniKindTag::TransitGateway => Err(stop(
                Verdict::Blocked,
                "network-interface",
                e.id.as_str(),
                eni_name(snap, e),
                Some("NO_POSSIBLE_DESTINATION"),
                msg!(
                    "{} is a transit gateway attachment's interface; it answers nothing",
                    p.dst
                ),
            )),
            _ => {
                if self.dir == Direction::Request {
                    self.sg_check(eni, true, &p)?;
                }
                hop!(
                    self,
                    "network-interface",
                    e.id.as_str(),
                    eni_name(snap, e),
                    "deliver",
                    None,
                    &p,
                    self.subnet_label(subnet),
                    None,
                );
                Ok((Pos::Eni(eni), p))
            }
        }
    }

    /// A connection to a load balancer node: accepted only on a listener's protocol and port.
    fn at_load_balancer(&mut self, eni: EniIx, p: Packet) -> Step {
        let snap = self.snap;
        let e = snap.eni(eni);
        let Some(lb) = snap
            .index
            .lb_of_eni
            .get(&eni)
            .map(|&i| &snap.load_balancers[i])
        else {
            return Err(stop(
                Verdict::Unknown,
                "load-balancer",
                e.id.as_str(),
                name_of(&e.tags),
                Some("UNKNOWN_RESOURCE"),
                msg!(
                    "{} is a load balancer node ({}) whose load balancer and listeners are not in the snapshot",
                    p.dst,
                    e.description
                ),
            ));
        };
        let port = Self::const_dport(&p);
        let listener = port.and_then(|port| lb.listeners.iter().find(|l| l.accepts(p.proto, port)));
        match listener {
            None => {
                let ports: Vec<String> = lb
                    .listeners
                    .iter()
                    .map(|l| format!("{} {}", l.protocol, l.port))
                    .collect();
                let what = match port {
                    Some(n) => format!("{} {n}", proto_name(p.proto)),
                    None => proto_name(p.proto),
                };
                hop!(
                    self,
                    "load-balancer",
                    lb.arn.clone(),
                    Some(lb.name.clone()),
                    "drop",
                    None,
                    &p,
                    format!(
                        "listeners: {}",
                        if ports.is_empty() {
                            "none".into()
                        } else {
                            ports.join(", ")
                        }
                    ),
                    Some("ELBV2_LISTENERS_MISMATCH"),
                );
                Err(stop(
                    Verdict::Blocked,
                    "load-balancer",
                    lb.arn.clone(),
                    Some(lb.name.clone()),
                    Some("ELBV2_LISTENERS_MISMATCH"),
                    msg!(
                        "load balancer {} has no listener for {what} (node {})",
                        lb.name,
                        p.dst
                    ),
                ))
            }
            Some(l) => {
                let lbi = snap.index.lb_of_eni.get(&eni).copied().unwrap_or_default();
                self.forward(lbi, eni, l, p)
            }
        }
    }

    /// The public IPv4 address the internet gateway maps `private` to.
    fn public_of(&self, vpc: VpcIx, private: IpAddr) -> Option<Ipv4Addr> {
        let snap = self.snap;
        snap.eni_in_vpc(vpc, private)
            .and_then(|e| snap.eni(e).public_for(private))
            .or_else(|| {
                snap.nat_at(private)
                    .map(|n| snap.nat(n))
                    .filter(|n| n.vpc == vpc)
                    .and_then(|n| n.public_ips.first().copied())
            })
    }

    fn through_internet(
        &mut self,
        vpc: VpcIx,
        subnet: SubnetIx,
        mut p: Packet,
        igw_id: &str,
        igw_ix: Option<IgwIx>,
        via: Via,
    ) -> Step {
        let snap = self.snap;
        let Some(igw_ix) = igw_ix else {
            return Err(stop(
                Verdict::Unknown,
                "internet-gateway",
                igw_id,
                None,
                Some("UNKNOWN_RESOURCE"),
                msg!("internet gateway `{igw_id}` is not in the snapshot"),
            ));
        };
        // Id, name and attachments from the hot tables (see `HotTables::igw_labels`); the name
        // is looked up only when a stop or a hop quotes it.
        let named = snap.igw_named(igw_ix);
        let id = named.id;
        let name = || named.name_string();
        self.nacl(subnet, true, &p)?;
        if !snap.igw_vpcs(igw_ix).contains(&vpc) {
            return Err(stop(
                Verdict::Blocked,
                "internet-gateway",
                id,
                name(),
                Some("BAD_STATE_ATTACHMENT"),
                msg!("{id} is not attached to {}", snap.vpc(vpc).id),
            ));
        }
        if let Via::Nat(n) = via
            && !snap.nat_hot(n).public
        {
            return Err(stop(
                Verdict::Blocked,
                "internet-gateway",
                id,
                name(),
                Some("BAD_STATE"),
                msg!(
                    "traffic from private NAT gateway {} to an internet gateway is dropped",
                    snap.nat(n).id
                ),
            ));
        }
        if is_rfc1918(p.dst) {
            return Err(stop(
                Verdict::Blocked,
                "internet-gateway",
                id,
                name(),
                Some("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"),
                {
                    let mut m = String::with_capacity(192);
                    m.text(id).text(" does not forward to the private address ");
                    m.ip(p.dst);
                    m
                },
            ));
        }
        if is_rfc6598(p.dst) {
            return Err(stop(
                Verdict::Blocked,
                "internet-gateway",
                id,
                name(),
                Some("IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS"),
                msg!("{id} does not forward to the shared address {}", Ip(p.dst)),
            ));
        }
        if p.src.is_ipv4() {
            let Some(public) = self.public_of(vpc, p.src) else {
                hop!(
                    self,
                    "internet-gateway",
                    id,
                    name(),
                    "drop",
                    None,
                    &p,
                    format!("{} has no public IPv4 address", p.src),
                    Some("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"),
                );
                return Err(stop(
                    Verdict::Blocked,
                    "internet-gateway",
                    id,
                    name(),
                    Some("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"),
                    msg!(
                        "{} has no public or Elastic IP, so {id} drops its traffic",
                        p.src
                    ),
                ));
            };
            let before = p.src;
            p.src = IpAddr::V4(public);
            hop!(
                self,
                "internet-gateway",
                id,
                name(),
                "translate",
                None,
                &p,
                format!("source {before} -> {public}"),
                None,
            );
        } else {
            hop!(
                self,
                "internet-gateway",
                id,
                name(),
                "forward",
                None,
                &p,
                String::new(),
                None,
            );
        }
        self.internet(p)
    }

    fn through_egress_only(&mut self, subnet: SubnetIx, p: Packet, id: &str) -> Step {
        self.nacl(subnet, true, &p)?;
        if p.dst.is_ipv4() {
            return Err(stop(
                Verdict::Blocked,
                "egress-only-internet-gateway",
                id,
                None,
                Some("PROTOCOL_RESTRICTION"),
                msg!("{id} carries IPv6 only"),
            ));
        }
        hop!(
            self,
            "egress-only-internet-gateway",
            id,
            None,
            "forward",
            None,
            &p,
            String::new(),
            None,
        );
        if self.dir == Direction::Request {
            self.egress_only = Some(id.to_string());
        }
        self.internet(p)
    }

    /// A packet on the internet, headed for `p.dst`.
    fn internet(&mut self, mut p: Packet) -> Step {
        let snap = self.snap;
        let target = match p.dst {
            IpAddr::V4(v4) => snap.index.public_ip.get(&v4).copied(),
            IpAddr::V6(_) => snap.enis_at(p.dst).first().map(|&e| (e, p.dst)),
        };
        let Some((eni, private)) = target else {
            let dead = match p.dst {
                IpAddr::V4(v4) => snap.index.dead_public_ip.get(&v4),
                IpAddr::V6(_) => None,
            };
            if let Some(what) = dead {
                hop!(
                    self,
                    "internet",
                    "internet",
                    None,
                    "drop",
                    None,
                    &p,
                    format!("{} is {what}", p.dst),
                    Some("NO_POSSIBLE_DESTINATION"),
                );
                return Err(stop(
                    Verdict::Blocked,
                    "internet",
                    "internet",
                    None,
                    Some("NO_POSSIBLE_DESTINATION"),
                    msg!(
                        "{} is {what}: no live interface holds it, so nothing answers",
                        p.dst
                    ),
                ));
            }
            if !is_internet(p.dst) {
                return Err(stop(
                    Verdict::Blocked,
                    "internet",
                    "internet",
                    None,
                    Some("NO_POSSIBLE_DESTINATION"),
                    msg!("{} is not an internet address", p.dst),
                ));
            }
            hop!(
                self,
                "internet",
                "internet",
                None,
                "deliver",
                None,
                &p,
                format!("host {} on the internet", p.dst),
                None,
            );
            return Ok((Pos::Internet, p));
        };
        let vpc = snap.eni_hot(eni).vpc;
        let v = snap.vpc(vpc);
        // The reply of an IPv6 flow that left through an egress-only gateway comes back through
        // it (it is stateful); nothing else enters through one.
        if p.dst.is_ipv6()
            && self.dir == Direction::Reply
            && let Some(eigw) = self.egress_only.clone()
        {
            hop!(
                self,
                "egress-only-internet-gateway",
                eigw.as_str(),
                None,
                "forward",
                None,
                &p,
                "reply of an outbound flow".into(),
                None
            );
            return self.deliver_local(vpc, None, p);
        }
        let Some(igw_ix) = v.internet_gateway else {
            return Err(stop(
                Verdict::Blocked,
                "vpc",
                v.id.as_str(),
                name_of(&v.tags),
                Some("NO_POSSIBLE_DESTINATION"),
                msg!(
                    "{} has no internet gateway, so {} is unreachable from the internet (an egress-only internet gateway admits replies only)",
                    v.id,
                    p.dst
                ),
            ));
        };
        let igw = &snap.internet_gateways[igw_ix.ix()];
        if !is_internet(p.src) {
            return Err(stop(
                Verdict::Blocked,
                "internet-gateway",
                igw.id.as_str(),
                name_of(&igw.tags),
                Some("IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS"),
                msg!(
                    "{} drops inbound traffic from the non-public address {}",
                    igw.id,
                    p.src
                ),
            ));
        }
        let before = p.dst;
        p.dst = private;
        let detail = if before == private {
            String::new()
        } else {
            format!("destination {before} -> {private}")
        };
        hop!(
            self,
            "internet-gateway",
            igw.id.as_str(),
            name_of(&igw.tags),
            "translate",
            None,
            &p,
            detail,
            None,
        );
        self.deliver_local(vpc, None, p)
    }

    fn through_nat(
        &mut self,
        vpc: VpcIx,
        subnet: SubnetIx,
        mut p: Packet,
        nat_id: &str,
        nat_ix: Option<NatIx>,
    ) -> Step {
        let snap = self.snap;
        let Some(nat_ix) = nat_ix else {
            return Err(stop(
                Verdict::Unknown,
                "nat-gateway",
                nat_id,
                None,
                Some("UNKNOWN_RESOURCE"),
                msg!("NAT gateway `{nat_id}` is not in the snapshot"),
            ));
        };
        // The checks read the packed record; the gateway itself only for names and messages.
        // `nat_id` is its id: the index maps each gateway's id to it.
        let (hot, n) = (*snap.nat_hot(nat_ix), snap.nat(nat_ix));
        let id = nat_id;
        let name = || name_of(&n.tags);
        if !hot.available {
            return Err(stop(
                Verdict::Blocked,
                "nat-gateway",
                id,
                name(),
                Some("BAD_STATE"),
                msg!("{id} is {}", n.state),
            ));
        }
        if hot.vpc != vpc {
            return Err(stop(
                Verdict::Blocked,
                "nat-gateway",
                id,
                name(),
                Some("NGW_REQUIRES_SOURCE_IN_VPC"),
                msg!("{id} is in another VPC"),
            ));
        }
        if ![Protocol::TCP, Protocol::UDP, Protocol::ICMP].contains(&p.proto) {
            return Err(stop(
                Verdict::Blocked,
                "nat-gateway",
                id,
                name(),
                Some("PROTOCOL_RESTRICTION"),
                msg!("{id} carries TCP, UDP and ICMP only"),
            ));
        }
        if subnet != hot.subnet {
            self.nacl(subnet, true, &p)?;
            self.nacl(hot.subnet, false, &p)?;
        }
        let Some(nat_ip) = hot.private_ip else {
            return Err(stop(
                Verdict::Unknown,
                "nat-gateway",
                id,
                name(),
                Some("UNKNOWN_RESOURCE"),
                msg!("{id} has no private address in the snapshot"),
            ));
        };
        let new_sport = p.sport.map(|_| {
            Port::Var(self.new_var(
                PortOwner::Nat(nat_ix),
                PortSet::range(WIDE_EPHEMERAL.0, WIDE_EPHEMERAL.1),
            ))
        });
        self.nats.push(NatRecord {
            nat: nat_ix,
            orig_src: p.src,
            orig_sport: p.sport,
            new_src: nat_ip,
            new_sport,
        });
        let before = p.src;
        p.src = nat_ip;
        p.sport = new_sport;
        hop!(
            self,
            "nat-gateway",
            id,
            name(),
            "translate",
            None,
            &p,
            if new_sport.is_some() {
                format!("source {before} -> {nat_ip}, source port 1024-65535")
            } else {
                format!("source {before} -> {nat_ip}")
            },
            Some("NGW_SOURCE_ADDRESS_REASSIGN"),
        );
        self.send(vpc, hot.subnet, p, Via::Nat(nat_ix))
    }

    fn through_peer(
        &mut self,
        vpc: VpcIx,
        subnet: SubnetIx,
        p: Packet,
        pcx_id: &str,
        pcx_ix: Option<PcxIx>,
    ) -> Step {
        let snap = self.snap;
        let Some(pcx_ix) = pcx_ix else {
            return Err(stop(
                Verdict::Unknown,
                "vpc-peering-connection",
                pcx_id,
                None,
                Some("UNKNOWN_RESOURCE"),
                msg!("peering connection `{pcx_id}` is not in the snapshot"),
            ));
        };
        let pcx = &snap.peerings[pcx_ix.ix()];
        let id = pcx.id.as_str();
        let name = || name_of(&pcx.tags);
        self.nacl(subnet, true, &p)?;
        if !pcx.active() {
            return Err(stop(
                Verdict::Blocked,
                "vpc-peering-connection",
                id,
                name(),
                Some("BAD_STATE"),
                msg!("{id} is {}, not active", pcx.status),
            ));
        }
        let me = snap.vpc(vpc);
        let Some(side) = pcx.peer_of(&me.id) else {
            return Err(stop(
                Verdict::Blocked,
                "vpc-peering-connection",
                id,
                name(),
                Some("BAD_STATE_ATTACHMENT"),
                msg!("{id} does not connect {}", me.id),
            ));
        };
        let peer_cidrs: Vec<ipnet::IpNet> = match side.vpc {
            Some(v) => snap.vpc(v).cidrs.clone(),
            None => side.cidrs.clone(),
        };
        if let Some((a, b)) = me
            .cidrs
            .iter()
            .find_map(|a| peer_cidrs.iter().find(|b| overlaps(a, b)).map(|b| (a, b)))
        {
            return Err(stop(
                Verdict::InvalidConfig,
                "vpc-peering-connection",
                id,
                name(),
                None,
                msg!(
                    "{id} joins VPCs with overlapping CIDRs ({a} and {b}); AWS does not allow this peering"
                ),
            ));
        }
        if !me.contains(p.src) {
            return Err(stop(
                Verdict::Blocked,
                "vpc-peering-connection",
                id,
                name(),
                Some("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"),
                msg!(
                    "{id} carries only traffic from {}'s own CIDRs; source {} is outside (no transitive or edge-to-edge routing)",
                    me.id,
                    p.src
                ),
            ));
        }
        if !peer_cidrs.iter().any(|c| c.contains(&p.dst)) {
            return Err(stop(
                Verdict::Blocked,
                "vpc-peering-connection",
                id,
                name(),
                Some("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"),
                msg!(
                    "{} is outside the CIDRs of peer VPC {} ({})",
                    p.dst,
                    side.vpc_id,
                    if is_internet(p.dst) {
                        "no edge-to-edge routing: the peer's internet or NAT gateway cannot be used"
                    } else {
                        "peering is not transitive"
                    }
                ),
            ));
        }
        let Some(peer) = side.vpc else {
            return Err(stop(
                Verdict::Unknown,
                "vpc-peering-connection",
                id,
                name(),
                Some("UNKNOWN_DESTINATION"),
                msg!(
                    "peer VPC {} (account {}) is not in the snapshot",
                    side.vpc_id,
                    side.account.as_ref().map(|a| a.as_str()).unwrap_or("?")
                ),
            ));
        };
        let same_region = match (&side.region, &snap.vpc(peer).region) {
            (Some(r), mine) => r == mine && me.region == *mine,
            (None, r) => me.region == *r,
        };
        self.scope.same_region_peering = same_region;
        hop!(
            self,
            "vpc-peering-connection",
            id,
            name(),
            "forward",
            None,
            &p,
            format!("{} -> {}", me.id, side.vpc_id),
            None,
        );
        self.deliver_local(peer, None, p)
    }

    fn through_tgw(&mut self, vpc: VpcIx, subnet: SubnetIx, p: Packet, tgw_id: &str) -> Step {
        let snap = self.snap;
        let att_ix = snap.tgw_attachment(tgw_id, vpc).map(TgwAttIx::ix);
        let Some(att_ix) = att_ix else {
            let known = snap.index.tgw.contains_key(tgw_id);
            let verdict = if known {
                Verdict::Blocked
            } else {
                Verdict::Unknown
            };
            return Err(stop(
                verdict,
                "transit-gateway",
                tgw_id,
                None,
                Some("NO_ROUTE_TO_DESTINATION"),
                msg!(
                    "{} has no attachment to transit gateway {tgw_id} in the snapshot",
                    snap.vpc(vpc).id
                ),
            ));
        };
        let att = &snap.tgw_attachments[att_ix];
        let aid = att.id.as_str();
        let aname = || name_of(&att.tags);
        if !att.available() {
            return Err(stop(
                Verdict::Blocked,
                "transit-gateway-attachment",
                aid,
                aname(),
                Some("BAD_STATE_ATTACHMENT"),
                msg!("{aid} is {}", att.state),
            ));
        }
        // Borrowed from the snapshot; the readable label is built only for messages.
        let zone = snap.subnet(subnet).zone();
        let Some(&entry) = att.subnets.iter().find(|&&s| snap.subnet(s).zone() == zone) else {
            let what = if self.dir == Direction::Reply {
                "the reply cannot enter the transit gateway: "
            } else {
                ""
            };
            return Err(stop(
                Verdict::Blocked,
                "transit-gateway-attachment",
                aid,
                aname(),
                Some("TGW_ROUTE_AZ_RESTRICTION"),
                msg!(
                    "{what}{aid} has no subnet in zone {} of {}",
                    zone_label(snap.subnet(subnet)),
                    self.subnet_label(subnet)
                ),
            ));
        };
        // Into the attachment: the sender's NACL outbound, the attachment subnet's inbound —
        // both of one NACL when they share a subnet (transit gateway guide, NACL table).
        self.nacl(subnet, true, &p)?;
        self.nacl(entry, false, &p)?;
        hop!(
            self,
            "transit-gateway-attachment",
            aid,
            aname(),
            "forward",
            None,
            &p,
            format!("enters through {}", self.subnet_label(entry)),
            None,
        );
        let Some(rtb_ix) = att.association else {
            return Err(stop(
                Verdict::Blocked,
                "transit-gateway-attachment",
                aid,
                aname(),
                Some("TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"),
                msg!("{aid} is associated with no transit gateway route table"),
            ));
        };
        let rtb = &snap.tgw_route_tables[rtb_ix.ix()];
        let Some(r) = route::tgw_lookup(rtb, p.dst) else {
            return Err(stop(
                Verdict::Blocked,
                "transit-gateway-route-table",
                rtb.id.as_str(),
                name_of(&rtb.tags),
                Some("TGW_RTB_CANNOT_ROUTE"),
                msg!("{} has no route to {}", rtb.id, p.dst),
            ));
        };
        let targets = match &r.target {
            TgwRouteTarget::Blackhole => {
                return Err(stop(
                    Verdict::Blocked,
                    "transit-gateway-route-table",
                    rtb.id.as_str(),
                    name_of(&rtb.tags),
                    Some("TGW_RTB_BAD_STATE_ROUTE"),
                    msg!("{} sends {} to a blackhole ({})", rtb.id, p.dst, r.dest),
                ));
            }
            TgwRouteTarget::Attachments(a) => a,
        };
        let Some(&dst_att_ix) = targets.first() else {
            return Err(stop(
                Verdict::Blocked,
                "transit-gateway-route-table",
                rtb.id.as_str(),
                name_of(&rtb.tags),
                Some("TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT"),
                msg!("route {} has no attachment", r.dest),
            ));
        };
        let dst_att = &snap.tgw_attachments[dst_att_ix.ix()];
        let origin = match r.origin {
            RouteOrigin::Propagated => "propagated",
            _ => "static",
        };
        hop!(
            self,
            "transit-gateway-route-table",
            rtb.id.as_str(),
            name_of(&rtb.tags),
            "forward",
            Some(format!("{} -> {} ({origin})", r.dest, dst_att.id)),
            &p,
            String::new(),
            None,
        );
        if !dst_att.available() {
            return Err(stop(
                Verdict::Blocked,
                "transit-gateway-attachment",
                dst_att.id.as_str(),
                name_of(&dst_att.tags),
                Some("BAD_STATE_ATTACHMENT"),
                msg!("{} is {}", dst_att.id, dst_att.state),
            ));
        }
        let (Some(dvpc), TgwAttachmentKind::Vpc) = (dst_att.vpc, &dst_att.kind) else {
            return Err(stop(
                Verdict::Unknown,
                "transit-gateway-attachment",
                dst_att.id.as_str(),
                name_of(&dst_att.tags),
                Some("UNKNOWN_DESTINATION"),
                msg!(
                    "{} leaves through {} ({:?} {}), outside the snapshot",
                    p.dst,
                    dst_att.id,
                    dst_att.kind,
                    dst_att.resource_id
                ),
            ));
        };
        let tgw_ref = snap
            .index
            .tgw
            .get(tgw_id)
            .is_some_and(|&t| snap.transit_gateways[t.ix()].sg_referencing);
        self.scope.tgw_referencing = tgw_ref && att.sg_referencing && dst_att.sg_referencing;
        // The usual case, one exit (the attachment's only subnet, or its only one in this zone
        // without appliance mode): no alternatives to weigh, so the walk goes on without
        // copying the walker. Same outcome as the general case below with one candidate.
        let in_zone = || {
            dst_att
                .subnets
                .iter()
                .copied()
                .filter(|&s| snap.subnet(s).zone() == zone)
        };
        let only = match dst_att.subnets.as_slice() {
            [one] => Some(*one),
            _ if !dst_att.appliance_mode && in_zone().count() == 1 => in_zone().next(),
            _ => None,
        };
        if let Some(exit) = only {
            if snap.subnet(exit).zone() != zone {
                self.notes.push(format!(
                    "{} has no subnet in zone {}; the transit gateway picks another zone ({})",
                    dst_att.id,
                    zone_label(snap.subnet(subnet)),
                    zone_label(snap.subnet(exit))
                ));
            }
            hop!(
                self,
                "transit-gateway-attachment",
                dst_att.id.as_str(),
                name_of(&dst_att.tags),
                "forward",
                None,
                &p,
                format!("leaves through {}", self.subnet_label(exit)),
                None,
            );
            return self.send(dvpc, exit, p, Via::Tgw);
        }
        let mut exits: Vec<SubnetIx> = dst_att.subnets.clone();
        exits.sort_by(|a, b| snap.subnet(*a).zone().cmp(snap.subnet(*b).zone()));
        // Without appliance mode the gateway keeps the packet in its zone when the destination
        // attachment has a subnet there; otherwise the zone is unspecified, so every zone of
        // the attachment is tried: the path works if one does, and is fragile if not all do.
        let same_zone: Vec<SubnetIx> = exits
            .iter()
            .copied()
            .filter(|&s| snap.subnet(s).zone() == zone)
            .collect();
        let candidates = if same_zone.is_empty() || dst_att.appliance_mode {
            exits
        } else {
            same_zone
        };
        if candidates.is_empty() {
            return Err(stop(
                Verdict::Blocked,
                "transit-gateway-attachment",
                dst_att.id.as_str(),
                name_of(&dst_att.tags),
                Some("TGW_ATTACH_VPC_AZ_RESTRICTION"),
                msg!("{} has no subnet", dst_att.id),
            ));
        }
        let dst_id = dst_att.id.clone();
        let dst_name = name_of(&dst_att.tags);
        if let Some(c) = self.collect {
            // Collect mode: one alternative per walk; the symbolic engine walks each.
            let chosen = {
                let mut c = c.borrow_mut();
                let k = c.forks;
                c.forks += 1;
                let chosen = c.choices.get(k).copied().unwrap_or(0);
                c.events.push(Event::Fork {
                    dir: self.dir,
                    n: candidates.len(),
                    every: false,
                });
                chosen
            };
            let exit = candidates.get(chosen).copied().unwrap_or(candidates[0]);
            hop!(
                self,
                "transit-gateway-attachment",
                dst_id.as_str(),
                dst_name,
                "forward",
                None,
                &p,
                format!("leaves through {}", self.subnet_label(exit)),
                None,
            );
            return self.send(dvpc, exit, p, Via::Tgw);
        }
        let mut outcomes: Vec<(SubnetIx, Walker<'a>, Step)> = Vec::with_capacity(candidates.len());
        for &exit in &candidates {
            let mut branch = self.clone();
            if snap.subnet(exit).zone() != zone {
                branch.notes.push(format!(
                    "{dst_id} has no subnet in zone {}; the transit gateway picks another zone ({})",
                    zone_label(snap.subnet(subnet)),
                    zone_label(snap.subnet(exit))
                ));
            }
            hop!(
                branch,
                "transit-gateway-attachment",
                dst_id.as_str(),
                dst_name.clone(),
                "forward",
                None,
                &p,
                format!("leaves through {}", branch.subnet_label(exit)),
                None,
            );
            let result = branch.send(dvpc, exit, p.clone(), Via::Tgw);
            outcomes.push((exit, branch, result));
        }
        let failing: Vec<String> = outcomes
            .iter()
            .filter(|o| o.2.is_err())
            .map(|o| zone_label(snap.subnet(o.0)))
            .collect();
        let pick = outcomes.iter().position(|o| o.2.is_ok()).unwrap_or(0);
        let (_, branch, result) = outcomes.swap_remove(pick);
        *self = branch;
        if result.is_ok() && !failing.is_empty() {
            self.notes.push(format!(
                "fragile: through {dst_id} the connection fails when the transit gateway picks zone {}",
                failing.join(", ")
            ));
        }
        result
    }

    fn through_endpoint(
        &mut self,
        vpc: VpcIx,
        subnet: SubnetIx,
        p: Packet,
        id: &str,
        ix: Option<VpceIx>,
        via: Via,
    ) -> Step {
        let snap = self.snap;
        let Some(ix) = ix else {
            return Err(stop(
                Verdict::Unknown,
                "vpc-endpoint",
                id,
                None,
                Some("UNKNOWN_RESOURCE"),
                msg!("VPC endpoint `{id}` is not in the snapshot"),
            ));
        };
        let ep = &snap.vpc_endpoints[ix.ix()];
        let name = || name_of(&ep.tags);
        if ep.kind != VpcEndpointKind::Gateway {
            return Err(stop(
                Verdict::Unknown,
                "vpc-endpoint",
                id,
                name(),
                Some("UNKNOWN_DESTINATION"),
                msg!(
                    "{id} is a {:?} endpoint; forwarding through it is not modelled",
                    ep.kind
                ),
            ));
        }
        self.nacl(subnet, true, &p)?;
        if via == Via::Tgw || ep.vpc != vpc {
            return Err(stop(
                Verdict::Blocked,
                "vpc-endpoint",
                id,
                name(),
                Some("VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION"),
                msg!("{id} serves only traffic from its own VPC"),
            ));
        }
        let echo = p.proto == Protocol::ICMP && matches!(p.icmp, Some((8 | 0, _)));
        if p.proto != Protocol::TCP && !echo {
            hop!(
                self,
                "vpc-endpoint",
                id,
                name(),
                "drop",
                None,
                &p,
                "gateway endpoints carry TCP and ICMP echo only".into(),
                Some("VPCE_GATEWAY_PROTOCOL_RESTRICTION"),
            );
            return Err(stop(
                Verdict::Blocked,
                "vpc-endpoint",
                id,
                name(),
                Some("VPCE_GATEWAY_PROTOCOL_RESTRICTION"),
                msg!("gateway endpoint {id} carries TCP and ICMP echo only"),
            ));
        }
        if ep.state != "available" && !ep.state.is_empty() {
            return Err(stop(
                Verdict::Blocked,
                "vpc-endpoint",
                id,
                name(),
                Some("BAD_STATE"),
                msg!("{id} is {}", ep.state),
            ));
        }
        hop!(
            self,
            "vpc-endpoint",
            id,
            name(),
            "deliver",
            None,
            &p,
            format!("to {}", ep.service),
            None,
        );
        Ok((Pos::Service(vpc, ix), p))
    }

    fn through_middlebox(
        &mut self,
        vpc: VpcIx,
        subnet: SubnetIx,
        p: Packet,
        id: &str,
        target: Option<EniIx>,
    ) -> Step {
        let snap = self.snap;
        match target {
            Some(e) if snap.eni(e).private_ips.iter().any(|a| a.addr == p.dst) => {
                let ts = snap.eni(e).subnet;
                if ts != subnet {
                    self.nacl(subnet, true, &p)?;
                    self.nacl(ts, false, &p)?;
                }
                self.arrive(vpc, ts, p)
            }
            _ => Err(stop(
                Verdict::Unknown,
                "network-interface",
                id,
                None,
                Some("UNKNOWN_DESTINATION"),
                msg!(
                    "{} is routed to the middlebox `{id}`; what it forwards is not modelled",
                    p.dst
                ),
            )),
        }
    }
}

/// The Amazon-provided services an instance reaches without routes, NACLs or security groups:
/// the DNS resolver (169.254.169.253 and the VPC's base+2, port 53), instance metadata
/// (169.254.169.254) and Time Sync (169.254.169.123). Other link-local addresses answer nothing.
fn amazon_service(
    snap: &Snapshot,
    client: EniIx,
    q: &Question,
    proto: u8,
    w: &mut Walker<'_>,
) -> Option<Trace> {
    let IpAddr::V4(dst) = q.dst else { return None };
    // The VPC (its resolver address) is read only for DNS questions: most questions are not.
    let vpc = || snap.vpc(snap.eni_hot(client).vpc);
    let resolver = || {
        vpc().cidrs.iter().find_map(|c| match c {
            ipnet::IpNet::V4(n) => Some(u32::from(n.network()) + 2),
            ipnet::IpNet::V6(_) => None,
        })
    };
    let port = q.port.unwrap_or(0);
    let dns = (proto == Protocol::UDP || proto == Protocol::TCP) && port == 53;
    let service = match dst.octets() {
        [169, 254, 169, 253] if dns => Some("the Amazon DNS resolver"),
        [169, 254, 169, 254] if proto == Protocol::TCP && port == 80 => {
            Some("the instance metadata service")
        }
        [169, 254, 169, 123] if proto == Protocol::UDP && port == 123 => {
            Some("the Amazon Time Sync Service")
        }
        _ if dns
            && Some(u32::from(dst)) == resolver()
            && vpc().cidrs.first().is_some_and(|c| c.contains(&q.dst)) =>
        {
            Some("the Amazon DNS resolver (VPC base + 2)")
        }
        [169, 254, ..] => {
            let notes = std::mem::take(&mut w.notes);
            return Some(Trace {
                via: Vec::new(),
                verdict: Verdict::Blocked,
                reason: format!(
                    "blocked on the request: {dst} is link-local; nothing there answers this"
                ),
                decided_by: None,
                partial: None,
                request: vec![],
                reply: vec![],
                targets: Vec::new(),
                notes,
            });
        }
        _ => None,
    }?;
    let notes = std::mem::take(&mut w.notes);
    Some(Trace {
        via: Vec::new(),
        verdict: Verdict::Reachable,
        reason: format!(
            "{dst} is {service}, which answers every instance of the VPC; security groups and network ACLs do not filter it"
        ),
        decided_by: None,
        partial: None,
        request: vec![],
        reply: vec![],
        targets: Vec::new(),
        notes,
    })
}

fn client_range(snap: &Snapshot, opts: &Options, eni: Option<EniIx>) -> (u16, u16) {
    let Some(e) = eni else { return WIDE_EPHEMERAL };
    let e = snap.eni_hot(e);
    match e.kind {
        EniKindTag::Instance | EniKindTag::Other if e.windows => WINDOWS_EPHEMERAL,
        EniKindTag::Instance | EniKindTag::Other => opts.linux_ephemeral,
        _ => WIDE_EPHEMERAL,
    }
}

fn finish(
    w: Walker<'_>,
    request: Vec<Hop>,
    verdict: Verdict,
    reason: String,
    decided_by: Option<DecidedBy>,
    partial: Option<Partial>,
) -> Trace {
    Trace {
        via: w.via,
        verdict,
        reason,
        decided_by,
        partial,
        request,
        reply: w.hops,
        targets: w.targets,
        notes: w.notes,
    }
}

fn from_stop(mut w: Walker<'_>, request: Option<Vec<Hop>>, s: Stop) -> Trace {
    let dir = s.dir.unwrap_or(if request.is_some() {
        Direction::Reply
    } else {
        Direction::Request
    });
    // The hop table always ends on the component that decided.
    let decision = match s.verdict {
        Verdict::Unknown => "unknown",
        Verdict::InvalidConfig => "invalid",
        _ => "drop",
    };
    let already = w
        .hops
        .last()
        .is_some_and(|h| h.id == s.id && matches!(h.decision, "deny" | "drop"));
    if w.record && !already {
        w.hops.push(Hop {
            kind: s.kind,
            id: s.id.clone(),
            name: s.name.clone(),
            decision,
            rule: s.rule.clone(),
            packet: String::new(),
            detail: s.message.clone(),
            code: s.code,
        });
    }
    let (request, reply) = match request {
        Some(r) => (r, w.hops),
        None => (w.hops, Vec::new()),
    };
    let decided_by = DecidedBy {
        direction: dir,
        kind: s.kind,
        id: s.id,
        name: s.name,
        rule: s.rule,
        code: s.code,
    };
    // The message becomes the reason in place: `msg!` left room for the prefix.
    let prefix = match (s.verdict, dir) {
        (Verdict::Unknown, Direction::Request) => "unknown on the request: ",
        (Verdict::Unknown, Direction::Reply) => "unknown on the reply: ",
        (Verdict::InvalidConfig, Direction::Request) => "invalid configuration on the request: ",
        (Verdict::InvalidConfig, Direction::Reply) => "invalid configuration on the reply: ",
        (_, Direction::Request) => "blocked on the request: ",
        (_, Direction::Reply) => "blocked on the reply: ",
    };
    let mut reason = s.message;
    reason.insert_str(0, prefix);
    Trace {
        via: w.via,
        verdict: s.verdict,
        reason,
        decided_by: Some(decided_by),
        partial: None,
        request,
        reply,
        targets: w.targets,
        notes: w.notes,
    }
}

/// Follow the connection `q` through `snap`: the request, then (for TCP, UDP and ICMP echo)
/// the reply, and decide.
pub fn trace(snap: &Snapshot, q: &Question, opts: &Options) -> Trace {
    walk(snap, q, opts, None)
}

/// The walk in collect mode (see [`Collect`]): the trace says how the walk ended when every
/// filter lets the packet pass; the filters are in `collect`.
pub(crate) fn collect(
    snap: &Snapshot,
    q: &Question,
    opts: &Options,
    collect: &std::cell::RefCell<Collect>,
) -> Trace {
    walk(snap, q, opts, Some(collect))
}

fn walk<'a>(
    snap: &'a Snapshot,
    q: &Question,
    opts: &Options,
    collect: Option<&'a std::cell::RefCell<Collect>>,
) -> Trace {
    let mut w = Walker::new(snap, opts.record_hops);
    w.collect = collect;
    let icmp_proto = if q.src.is_ipv6() {
        Protocol::ICMPV6
    } else {
        Protocol::ICMP
    };
    let proto = if q.proto == Protocol::ICMP || q.proto == Protocol::ICMPV6 {
        icmp_proto
    } else {
        q.proto
    };
    let is_icmp = proto == icmp_proto;
    let echo = if q.src.is_ipv6() {
        (128u8, 129u8)
    } else {
        (8u8, 0u8)
    };
    let icmp = is_icmp.then(|| (q.icmp_type.unwrap_or(echo.0), q.icmp_code.unwrap_or(0)));
    let one_way = icmp.is_some_and(|(t, _)| t != echo.0);

    // Who is the client?
    let src_enis = snap.enis_at(q.src);
    let (client, src_addr) = match src_enis.first() {
        Some(&e) => {
            if src_enis.len() > 1 {
                w.notes.push(format!(
                    "{} is held by several interfaces (overlapping VPCs); using {}",
                    q.src,
                    snap.eni(e).id
                ));
            }
            (Some(e), q.src)
        }
        None => match q.src {
            IpAddr::V4(v4) => match snap.index.public_ip.get(&v4) {
                Some(&(e, private)) => (Some(e), private),
                None if is_internet(q.src) => (None, q.src),
                None => {
                    return Trace {
                        via: Vec::new(),
                        verdict: Verdict::Unknown,
                        reason: format!(
                            "unknown: no network interface in the snapshot holds {}, and it is not an internet address",
                            q.src
                        ),
                        decided_by: None,
                        partial: None,
                        request: Vec::new(),
                        reply: Vec::new(),
                        targets: Vec::new(),
                        notes: w.notes,
                    };
                }
            },
            IpAddr::V6(_) if is_internet(q.src) => (None, q.src),
            IpAddr::V6(_) => {
                return Trace {
                    via: Vec::new(),
                    verdict: Verdict::Unknown,
                    reason: format!(
                        "unknown: no network interface in the snapshot holds {}",
                        q.src
                    ),
                    decided_by: None,
                    partial: None,
                    request: vec![],
                    reply: vec![],
                    targets: Vec::new(),
                    notes: w.notes,
                };
            }
        },
    };
    if let Some(e) = client {
        let ni = snap.eni(e);
        // Its own address (`ni.private_ips` or `ni.ipv6`), from the hot record.
        if snap.eni_holds(e, q.dst) {
            return Trace {
                via: Vec::new(),
                verdict: Verdict::Reachable,
                reason: format!(
                    "{} talks to itself: the traffic never leaves the host",
                    ni.id
                ),
                decided_by: None,
                partial: None,
                request: vec![],
                reply: vec![],
                targets: Vec::new(),
                notes: w.notes,
            };
        }
        let client_subnet = snap.eni_hot(e).subnet;
        if let Some(c) = snap
            .subnet_cidrs(client_subnet)
            .iter()
            .find(|c| is_reserved_in(src_addr, **c))
        {
            let sub = snap.subnet(client_subnet);
            let s = Stop {
                verdict: Verdict::InvalidConfig,
                kind: "network-interface",
                id: ni.id.to_string(),
                name: eni_name(snap, ni),
                rule: None,
                code: Some("ENI_ADDRESS_RESTRICTION"),
                message: msg!(
                    "{src_addr} is an address AWS reserves in {} ({c}); no interface can use it",
                    Snapshot::display_name(&sub.tags, sub.id.as_str())
                ),
                dir: None,
            };
            return from_stop(w, None, s);
        }
        if !snap.eni_live(e) {
            let state = ni
                .instance
                .map(|i| snap.instances[i.ix()].state.clone())
                .unwrap_or_default();
            let s = Stop {
                verdict: Verdict::Blocked,
                kind: "network-interface",
                id: ni.id.to_string(),
                name: eni_name(snap, ni),
                rule: None,
                code: Some("BAD_STATE"),
                message: msg!("{} belongs to an instance that is {state}", ni.id),
                dir: None,
            };
            return from_stop(w, None, s);
        }
    }
    if let Some(t) = client.and_then(|e| amazon_service(snap, e, q, proto, &mut w)) {
        return t;
    }
    let (lo, hi) = client_range(snap, opts, client);
    let sport = if is_icmp {
        None
    } else {
        let range = match q.src_port {
            Some(p) => PortSet::single(p),
            None => PortSet::range(lo, hi),
        };
        Some(Port::Var(w.new_var(PortOwner::Client, range)))
    };
    let dport = if is_icmp {
        None
    } else {
        Some(Port::Const(q.port.unwrap_or(0)))
    };
    let req = Packet {
        src: src_addr,
        dst: q.dst,
        proto,
        sport,
        dport,
        icmp,
    };
    let started = match client {
        Some(e) => w.originate(e, req.clone()),
        None => {
            hop!(
                w,
                "internet",
                "internet",
                None,
                "send",
                None,
                &req,
                format!("host {} on the internet", q.src),
                None,
            );
            w.internet(req.clone())
        }
    };
    let (pos, got) = match started {
        Ok(x) => x,
        Err(s) => return from_stop(w, None, *s),
    };
    if pos == Pos::Internet && client.is_none() {
        let s = Stop {
            verdict: Verdict::Unknown,
            kind: "internet",
            id: "internet".into(),
            name: None,
            rule: None,
            code: Some("UNKNOWN_DESTINATION"),
            message: msg!(
                "both {} and {} are on the internet, outside the snapshot",
                q.src,
                q.dst
            ),
            dir: None,
        };
        return from_stop(w, None, s);
    }
    if one_way {
        let reason = format!(
            "delivered to {} (ICMP type {} is one-way: judged on delivery alone)",
            q.dst,
            icmp.map(|i| i.0).unwrap_or(0)
        );
        let request = std::mem::take(&mut w.hops);
        return finish(w, request, Verdict::Reachable, reason, None, None);
    }

    // The reply: the server answers the address and port it saw.
    let request = std::mem::take(&mut w.hops);
    w.dir = Direction::Reply;
    w.depth = 0;
    w.scope = RefScope::default();
    let reply = Packet {
        src: got.dst,
        dst: got.src,
        proto,
        sport: got.dport,
        dport: got.sport,
        icmp: icmp.map(|_| (echo.1, 0)),
    };
    let back = match pos {
        Pos::Eni(e) => {
            let ni = snap.eni(e);
            hop!(
                w,
                "network-interface",
                ni.id.as_str(),
                eni_name(snap, ni),
                "send",
                None,
                &reply,
                "reply (security groups are stateful)".into(),
                None,
            );
            let hot = snap.eni_hot(e);
            w.send(hot.vpc, hot.subnet, reply, Via::Local)
        }
        Pos::Internet => {
            hop!(
                w,
                "internet",
                "internet",
                None,
                "send",
                None,
                &reply,
                format!("host {} on the internet", got.dst),
                None,
            );
            w.internet(reply)
        }
        Pos::Service(vpc, ep) => {
            let e = &snap.vpc_endpoints[ep.ix()];
            hop!(
                w,
                "vpc-endpoint",
                e.id.as_str(),
                name_of(&e.tags),
                "send",
                None,
                &reply,
                format!("reply from {}", e.service),
                None
            );
            w.deliver_local(vpc, None, reply)
        }
    };
    let (end, last) = match back {
        Ok(x) => x,
        Err(s) => return from_stop(w, Some(request), *s),
    };
    let home = match client {
        Some(e) => Pos::Eni(e),
        None => Pos::Internet,
    };
    if end != home || last.dst != src_addr || last.src != q.dst {
        let reason = format!(
            "blocked on the reply: the answer reaches {} from {}, but the client {} expects it from {} (asymmetric path)",
            last.dst, last.src, src_addr, q.dst
        );
        let decided_by = w.last_rtb.map(|r| {
            let rtb = snap.rtb(r);
            DecidedBy {
                direction: Direction::Reply,
                kind: "route-table",
                id: rtb.id.to_string(),
                name: name_of(&rtb.tags),
                rule: route::lookup(snap, r, last.dst, false).map(|x| route::route_label(snap, x)),
                code: None,
            }
        });
        return finish(w, request, Verdict::Blocked, reason, decided_by, None);
    }

    // Which source-port choices survived the stateless rules?
    let mut fraction = 1.0f64;
    let mut cuts = Vec::new();
    for v in &w.vars {
        if v.set != v.initial {
            fraction *= v.set.len() as f64 / v.initial.len().max(1) as f64;
            cuts.push(PortCut {
                port_of: match v.owner {
                    PortOwner::Client => "client source port".to_string(),
                    PortOwner::Nat(n) => format!("{} source port", snap.nat(n).id),
                    PortOwner::LoadBalancer(i) => format!(
                        "{} source port",
                        snap.load_balancers
                            .get(i)
                            .map_or("load balancer", |l| l.name.as_str())
                    ),
                },
                range: v.initial.to_string(),
                working: v.set.to_string(),
                failing: v
                    .cuts
                    .iter()
                    .map(|(a, r, s)| {
                        let acl = snap.acl(*a);
                        (
                            s.to_string(),
                            format!("{} {r}", Snapshot::display_name(&acl.tags, acl.id.as_str())),
                        )
                    })
                    .collect(),
            });
        }
    }
    if !w.lb_failed.is_empty() {
        return lb_partial(w, request, fraction, cuts);
    }
    if cuts.is_empty() {
        // ` via a, b`: the gateways crossed, each once in order, written straight into the
        // reason (no copy of `via`).
        let mut reason = String::with_capacity(96);
        reason.push_str("request and reply delivered");
        let mut sep = " via ";
        for (k, v) in w.via.iter().enumerate() {
            if !w.via[..k].contains(v) {
                reason.push_str(sep);
                reason.push_str(v);
                sep = ", ";
            }
        }
        return finish(w, request, Verdict::Reachable, reason, None, None);
    }
    let detail: Vec<String> = cuts
        .iter()
        .map(|c| {
            let fails: Vec<String> = c
                .failing
                .iter()
                .map(|(ports, rule)| format!("{ports} dropped by {rule}"))
                .collect();
            format!(
                "{} works only on {} of {} ({})",
                c.port_of,
                c.working,
                c.range,
                fails.join("; ")
            )
        })
        .collect();
    let reason = format!(
        "partial: {:.1}% of source ports work; {}",
        fraction * 100.0,
        detail.join("; ")
    );
    let decided_by = w
        .vars
        .iter()
        .find_map(|v| v.cuts.first())
        .map(|(a, rule, _)| {
            let acl = snap.acl(*a);
            DecidedBy {
                direction: Direction::Reply,
                kind: "network-acl",
                id: acl.id.to_string(),
                name: name_of(&acl.tags),
                rule: Some(rule.clone()),
                code: Some("SUBNET_ACL_RESTRICTION"),
            }
        });
    finish(
        w,
        request,
        Verdict::Partial,
        reason,
        decided_by,
        Some(Partial { fraction, cuts }),
    )
}

/// Some target paths of a load balancer work and others do not: `partial`, naming the
/// failing targets (and any source ports stateless rules cut on the working path).
fn lb_partial(
    mut w: Walker<'_>,
    request: Vec<Hop>,
    port_fraction: f64,
    cuts: Vec<PortCut>,
) -> Trace {
    let failed = std::mem::take(&mut w.lb_failed);
    let total = w.lb_paths.max(failed.len());
    let working = total - failed.len();
    let mut reason =
        format!("partial: {working} of {total} load-balancer target paths work; failing: ");
    for (k, (label, s)) in failed.iter().enumerate() {
        if k > 0 {
            reason.push_str("; ");
        }
        let dir = s.dir.unwrap_or(Direction::Request);
        reason.push_str(&format!("{label} ({dir}: {})", s.message));
    }
    if !cuts.is_empty() {
        reason.push_str(&format!(
            "; on the working path {:.1}% of source ports work",
            port_fraction * 100.0
        ));
    }
    let decided_by = failed.first().map(|(_, s)| DecidedBy {
        direction: s.dir.unwrap_or(Direction::Request),
        kind: s.kind,
        id: s.id.clone(),
        name: s.name.clone(),
        rule: s.rule.clone(),
        code: s.code,
    });
    let fraction = port_fraction * working as f64 / total.max(1) as f64;
    finish(
        w,
        request,
        Verdict::Partial,
        reason,
        decided_by,
        Some(Partial { fraction, cuts }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_writes_as_std_does() {
        for o in 0..=255u8 {
            let a = IpAddr::V4(Ipv4Addr::new(o, 255 - o, o / 3, o % 10));
            assert_eq!(Ip(a).to_string(), a.to_string());
        }
        for a in [
            "0.0.0.0",
            "255.255.255.255",
            "10.0.100.9",
            "2600:1f18::1",
            "::",
        ] {
            let a: IpAddr = a.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            assert_eq!(Ip(a).to_string(), a.to_string());
        }
    }
}
