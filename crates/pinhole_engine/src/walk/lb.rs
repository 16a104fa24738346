//! Load balancers: a connection a listener accepts is forwarded to the registered targets.
//!
//! The node that accepted the connection opens one connection per target path (a target in
//! service, in a zone the node may send to). Each path is walked as its own request and reply:
//! from the node's subnet to the target, with the source address the target sees (the client's
//! when the network load balancer preserves it, else the node's own), and back. The client's
//! connection is `reachable` when every target path works, `partial` when only some do, and
//! `blocked` when none does.

use super::*;

/// Where a target path goes.
#[derive(Clone, Debug)]
enum Dest {
    /// A target address and port.
    Addr(IpAddr, u16),
    /// A Lambda function: the application load balancer invokes it; no VPC path.
    Invoke,
    /// The snapshot cannot say (an unknown instance, a malformed address): why.
    Unknown(String),
}

/// One way a load balancer may forward the connection.
#[derive(Clone, Debug)]
struct Plan {
    tg: usize,
    /// `10.2.101.100:80 (ip)`.
    label: String,
    dest: Dest,
    /// The network load balancer keeps the client's address as the source.
    preserve: bool,
    /// The node's address the connection leaves from, when the node has several (secondary
    /// addresses of a network load balancer's node, any of which it may use).
    src: Option<IpAddr>,
}

/// How a target path ended: the walker after it, where the target's reply began in its hops,
/// and the stop with the direction it happened in.
struct Run<'a> {
    walker: Walker<'a>,
    split: Option<usize>,
    result: Result<(), Box<Stop>>,
}

/// `10.0.0.1:80`, `[2001:db8::1]:80`.
fn addr_port(a: IpAddr, port: u16) -> String {
    match a {
        IpAddr::V4(v4) => format!("{v4}:{port}"),
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    }
}

/// Target states that receive new connections. `unavailable` means health checks are off.
fn in_service(state: &str) -> bool {
    matches!(state, "healthy" | "unavailable")
}

impl<'a> Walker<'a> {
    /// The zone name of an interface's subnet.
    fn eni_zone(&self, e: EniIx) -> &'a str {
        let snap = self.snap;
        snap.subnet(snap.eni_hot(e).subnet).az.as_str()
    }

    /// The zone a target is registered in: its `AvailabilityZone`, else its interface's.
    fn target_zone(&self, tg: &TargetGroup, t: &Target) -> Option<String> {
        if let Some(z) = &t.az {
            return Some(z.clone());
        }
        let snap = self.snap;
        let eni = match tg.target_type {
            TargetType::Ip => t.id.parse::<IpAddr>().ok().and_then(|a| match tg.vpc {
                Some(v) => snap.eni_in_vpc(v, a),
                None => snap.enis_at(a).first().copied(),
            }),
            TargetType::Instance => snap
                .index
                .instance
                .get(&t.id)
                .and_then(|&i| snap.instances[i.ix()].enis.first().copied()),
            _ => None,
        }?;
        Some(self.eni_zone(eni).to_string())
    }

    /// Where a target is reached, and how it is named.
    fn target_dest(&self, lb_node: EniIx, tg: &TargetGroup, t: &Target) -> (String, Dest) {
        let snap = self.snap;
        let kind = tg.target_type.as_str();
        let Some(port) = t.port.or(tg.port) else {
            if tg.target_type == TargetType::Lambda {
                return (format!("{} (lambda)", t.id), Dest::Invoke);
            }
            return (
                format!("{} ({kind})", t.id),
                Dest::Unknown(format!(
                    "target `{}` of {} has no port, nor has its target group",
                    t.id, tg.name
                )),
            );
        };
        match tg.target_type {
            TargetType::Ip => match t.id.parse::<IpAddr>() {
                Ok(a) => (format!("{} (ip)", addr_port(a, port)), Dest::Addr(a, port)),
                Err(_) => (
                    format!("{}:{port} (ip)", t.id),
                    Dest::Unknown(format!(
                        "target `{}` of {} is not an IP address",
                        t.id, tg.name
                    )),
                ),
            },
            TargetType::Instance => {
                let addr = snap.index.instance.get(&t.id).and_then(|&i| {
                    let inst = &snap.instances[i.ix()];
                    let eni = inst.enis.first().copied()?;
                    snap.eni(eni).primary_ip()
                });
                match addr {
                    Some(a) => (
                        format!("{} {} (instance)", t.id, addr_port(a, port)),
                        Dest::Addr(a, port),
                    ),
                    None => (
                        format!("{}:{port} (instance)", t.id),
                        Dest::Unknown(format!(
                            "instance `{}`, a target of {}, is not in the snapshot",
                            t.id, tg.name
                        )),
                    ),
                }
            }
            TargetType::Alb => {
                // The application load balancer's node in the forwarding node's zone, else its
                // first node.
                let alb = snap.load_balancers.iter().find(|l| l.arn == t.id);
                let zone = self.eni_zone(lb_node);
                let node = alb.and_then(|l| {
                    l.enis
                        .iter()
                        .copied()
                        .find(|&e| self.eni_zone(e) == zone)
                        .or(l.enis.first().copied())
                });
                let name = alb.map_or(t.id.as_str(), |l| l.name.as_str());
                match node.and_then(|e| snap.eni(e).primary_ip()) {
                    Some(a) => (
                        format!("{name} {} (alb)", addr_port(a, port)),
                        Dest::Addr(a, port),
                    ),
                    None => (
                        format!("{name}:{port} (alb)"),
                        Dest::Unknown(format!(
                            "application load balancer `{}`, a target of {}, has no node in the snapshot",
                            t.id, tg.name
                        )),
                    ),
                }
            }
            TargetType::Lambda => (format!("{} (lambda)", t.id), Dest::Invoke),
            TargetType::Other(_) => (
                format!("{}:{port} ({kind})", t.id),
                Dest::Unknown(format!(
                    "target `{}` of {} is of type `{kind}`, which pinhole does not follow",
                    t.id, tg.name
                )),
            ),
        }
    }

    /// The target paths of a connection accepted by node `node` of load balancer `lbi` and
    /// forwarded to target groups `groups`.
    fn plans(
        &mut self,
        lbi: usize,
        node: EniIx,
        accepted: IpAddr,
        groups: &[String],
    ) -> Result<Vec<Plan>, Box<Stop>> {
        let snap = self.snap;
        let lb = &snap.load_balancers[lbi];
        let node_zone = self.eni_zone(node);
        let enabled: Vec<&str> = lb.enis.iter().map(|&e| self.eni_zone(e)).collect();
        let mut plans = Vec::new();
        let mut skipped: Vec<String> = Vec::new();
        for arn in groups {
            let Some(&ti) = snap.index.target_group.get(arn) else {
                return Err(stop(
                    Verdict::Unknown,
                    "load-balancer",
                    lb.arn.as_str(),
                    Some(lb.name.clone()),
                    Some("UNKNOWN_RESOURCE"),
                    msg!(
                        "load balancer {} forwards to target group `{arn}`, which is not in the snapshot",
                        lb.name
                    ),
                ));
            };
            let tg = &snap.target_groups[ti];
            let Some(targets) = &tg.targets else {
                return Err(stop(
                    Verdict::Unknown,
                    "target-group",
                    tg.arn.as_str(),
                    Some(tg.name.clone()),
                    Some("UNKNOWN_RESOURCE"),
                    msg!(
                        "the registered targets of target group {} are not in the snapshot (no `LoadBalancerTargetHealth` for it)",
                        tg.name
                    ),
                ));
            };
            let cross = match (&lb.kind, tg.cross_zone) {
                (_, Some(c)) => c,
                _ => lb.cross_zone_default(),
            };
            let preserve = lb.kind == LoadBalancerKind::Network && tg.preserves_client_ip();
            if lb.kind == LoadBalancerKind::Network && tg.preserve_client_ip.is_none() {
                self.notes.push(format!(
                    "target group {} has no attributes in the snapshot: client IP preservation assumed {} (the default for {} targets over {}) [MISSING_TARGET_GROUP_ATTRIBUTES]",
                    tg.name,
                    if preserve { "on" } else { "off" },
                    tg.target_type.as_str(),
                    if tg.protocol.is_empty() { "?" } else { tg.protocol.as_str() }
                ));
            }
            // Registered targets in the load balancer's zones.
            let registered: Vec<(&Target, Option<String>)> = targets
                .iter()
                .filter(|t| t.state != "unused")
                .map(|t| (t, self.target_zone(tg, t)))
                .filter(|(_, z)| match z.as_deref() {
                    Some("all") | None => true,
                    Some(z) => enabled.contains(&z),
                })
                .collect();
            // Every target failing its health check: the load balancer fails open.
            let fail_open = !registered.iter().any(|(t, _)| in_service(&t.state))
                && registered.iter().any(|(t, _)| t.state == "unhealthy");
            if fail_open {
                self.notes.push(format!(
                    "every target of {} fails its health check: the load balancer fails open and sends to all of them",
                    tg.name
                ));
            }
            for (t, zone) in registered {
                let (label, dest) = self.target_dest(node, tg, t);
                if !(in_service(&t.state) || (fail_open && t.state == "unhealthy")) {
                    skipped.push(format!("{label} is {}", t.state));
                    continue;
                }
                let same_zone = match zone.as_deref() {
                    Some("all") | None => true,
                    Some(z) => z == node_zone,
                };
                if !cross && !same_zone {
                    skipped.push(format!(
                        "{label} is in {}, and cross-zone load balancing is off",
                        zone.as_deref().unwrap_or("?")
                    ));
                    continue;
                }
                // A network load balancer's node may use any of its private addresses toward
                // a target (secondary addresses exist "to address port allocation errors").
                let sources: Vec<IpAddr> = match (&lb.kind, preserve) {
                    (LoadBalancerKind::Network, false) => snap
                        .eni(node)
                        .private_ips
                        .iter()
                        .map(|a| a.addr)
                        .filter(|a| a.is_ipv4() == accepted.is_ipv4())
                        .collect(),
                    _ => Vec::new(),
                };
                if sources.len() > 1 {
                    for a in sources {
                        plans.push(Plan {
                            tg: ti,
                            label: format!("{label} from {a}"),
                            dest: dest.clone(),
                            preserve,
                            src: Some(a),
                        });
                    }
                } else {
                    plans.push(Plan {
                        tg: ti,
                        label,
                        dest,
                        preserve,
                        src: None,
                    });
                }
            }
        }
        if !skipped.is_empty() {
            self.notes.push(format!(
                "load balancer {} (node in {node_zone}) sends nothing to: {}",
                lb.name,
                skipped.join("; ")
            ));
        }
        if plans.is_empty() {
            let (why, code) = if skipped.is_empty() {
                (
                    "no registered target in its zones".to_string(),
                    "ELBV2_LISTENER_HAS_NO_TG",
                )
            } else {
                (skipped.join("; "), "ELBV2_NO_TARGETS_IN_AZ")
            };
            return Err(stop(
                Verdict::Blocked,
                "load-balancer",
                lb.arn.as_str(),
                Some(lb.name.clone()),
                Some(code),
                msg!(
                    "load balancer {} has no target for its node in {node_zone}: {why}",
                    lb.name
                ),
            ));
        }
        Ok(plans)
    }

    /// The target groups a connection from `client` may be forwarded to: those of the rules
    /// whose `source-ip` condition admits the client, by priority, down to the first rule that
    /// surely matches (no condition on the request itself), else the default action's too.
    /// `Err(Some(action))`: the listener answers itself; `Err(None)`: the snapshot does not say.
    fn listener_groups(
        &mut self,
        lb: &LoadBalancer,
        listener: &Listener,
        client: IpAddr,
    ) -> Result<Vec<String>, Option<String>> {
        let mut groups: Vec<String> = Vec::new();
        let mut answers: Option<String> = None;
        let mut maybe: Vec<u32> = Vec::new();
        let mut sure = false;
        for r in &listener.rules {
            if !r.source_ips.is_empty() && !r.source_ips.iter().any(|c| c.contains(&client)) {
                continue;
            }
            match &r.action {
                ListenerAction::Forward(g) => groups.extend(g.iter().cloned()),
                ListenerAction::Answer(a) => {
                    answers.get_or_insert_with(|| a.clone());
                }
                ListenerAction::Unknown => {}
            }
            if r.l7 {
                maybe.push(r.priority);
            } else {
                sure = true;
                break;
            }
        }
        if !maybe.is_empty() {
            self.notes.push(format!(
                "listener {} {} of {}: rules {} depend on the request's content (host, path, headers); every target group they or the listener may forward to is followed",
                listener.protocol,
                listener.port,
                lb.name,
                maybe
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !sure {
            match &listener.action {
                ListenerAction::Forward(g) => groups.extend(g.iter().cloned()),
                ListenerAction::Answer(a) => {
                    answers.get_or_insert_with(|| a.clone());
                }
                ListenerAction::Unknown if groups.is_empty() && answers.is_none() => {
                    return Err(None);
                }
                ListenerAction::Unknown => {}
            }
        }
        groups.sort();
        groups.dedup();
        if groups.is_empty() {
            return Err(Some(answers.unwrap_or_else(|| "no action".to_string())));
        }
        Ok(groups)
    }

    /// A connection accepted by `listener` of load balancer `lbi` at node `node`: forwarded to
    /// every target path. Ends at the node, whose reply to the client the walk then follows.
    pub(super) fn forward(
        &mut self,
        lbi: usize,
        node: EniIx,
        listener: &'a Listener,
        p: Packet,
    ) -> Step {
        let snap = self.snap;
        let lb = &snap.load_balancers[lbi];
        if !matches!(lb.state.as_str(), "active" | "active_impaired" | "") {
            return Err(stop(
                Verdict::Blocked,
                "load-balancer",
                lb.arn.as_str(),
                Some(lb.name.clone()),
                Some("BAD_STATE"),
                msg!("load balancer {} is {}", lb.name, lb.state),
            ));
        }
        // The load balancer's own security groups sit on its node interfaces.
        self.sg_check(node, true, &p)?;
        hop!(
            self,
            "load-balancer",
            lb.arn.as_str(),
            Some(lb.name.clone()),
            "accept",
            Some(format!("listener {} {}", listener.protocol, listener.port)),
            &p,
            format!("node {} in {}", p.dst, self.eni_zone(node)),
            None,
        );
        if self.dir == Direction::Request {
            self.via.push(lb.name.clone());
        }
        let groups = match self.listener_groups(lb, listener, p.src) {
            Ok(g) => g,
            Err(Some(what)) => {
                self.notes.push(format!(
                    "listener {} {} of {} answers itself ({what}); no target is involved",
                    listener.protocol, listener.port, lb.name
                ));
                return Ok((Pos::Eni(node), p));
            }
            Err(None) => {
                return Err(stop(
                    Verdict::Unknown,
                    "load-balancer",
                    lb.arn.as_str(),
                    Some(lb.name.clone()),
                    Some("UNKNOWN_RESOURCE"),
                    msg!(
                        "listener {} {} of load balancer {} has no default actions in the snapshot: where it forwards is unknown",
                        listener.protocol,
                        listener.port,
                        lb.name
                    ),
                ));
            }
        };
        let plans = self.plans(lbi, node, p.dst, &groups)?;
        if let Some(c) = self.collect {
            // Collect mode: one target path per walk; the symbolic engine walks each.
            let chosen = {
                let mut c = c.borrow_mut();
                let k = c.forks;
                c.forks += 1;
                c.events.push(Event::Fork {
                    dir: self.dir,
                    n: plans.len(),
                    every: true,
                });
                c.choices.get(k).copied().unwrap_or(0)
            };
            let plan = plans.get(chosen).unwrap_or(&plans[0]);
            let (_, result) = self.target_path(lbi, node, plan, &p);
            result?;
            return Ok((Pos::Eni(node), p));
        }
        let mut runs: Vec<(Plan, Run<'a>)> = Vec::with_capacity(plans.len());
        for plan in plans {
            let mut b = self.clone();
            b.hops = Vec::new();
            b.notes = Vec::new();
            b.targets = Vec::new();
            b.lb_failed = Vec::new();
            b.lb_paths = 0;
            let (split, result) = b.target_path(lbi, node, &plan, &p);
            runs.push((
                plan,
                Run {
                    walker: b,
                    split,
                    result,
                },
            ));
        }
        self.lb_paths += runs.len();
        let mut failed: Vec<(String, Box<Stop>)> = Vec::new();
        let mut chosen: Option<Walker<'a>> = None;
        for (plan, run) in runs {
            let mut b = run.walker;
            for n in std::mem::take(&mut b.notes) {
                if !self.notes.contains(&n) {
                    self.notes.push(n);
                }
            }
            let path = path_record(
                lb,
                &snap.target_groups[plan.tg],
                &plan,
                &mut b,
                run.split,
                &run.result,
                p.dst,
            );
            self.targets.push(path);
            // Paths of load balancers behind this one (an ALB target).
            self.targets.append(&mut b.targets);
            match run.result {
                Ok(()) => {
                    if chosen.is_none() {
                        chosen = Some(b);
                    }
                }
                Err(s) => failed.push((plan.label, s)),
            }
        }
        let Some(b) = chosen else {
            // Every path fails: the first decides.
            let n = failed.len();
            let mut it = failed.into_iter();
            let Some((label, mut first)) = it.next() else {
                return Err(stop(
                    Verdict::Blocked,
                    "load-balancer",
                    lb.arn.as_str(),
                    Some(lb.name.clone()),
                    Some("ELBV2_NO_TARGETS_IN_AZ"),
                    msg!("load balancer {} has no target path", lb.name),
                ));
            };
            let dir = first.dir.unwrap_or(Direction::Request);
            let mut message = if n == 1 {
                msg!(
                    "load balancer {} forwards to {label} only, and that path fails on the target's {dir}: {}",
                    lb.name,
                    first.message
                )
            } else {
                msg!(
                    "all {n} target paths of load balancer {} fail; {label} on the target's {dir}: {}",
                    lb.name,
                    first.message
                )
            };
            for (l, s) in it {
                message.push_str(&format!("; {l}: {}", s.message));
            }
            first.message = message;
            return Err(first);
        };
        // The connection goes on as through the first working path: its port choices, and
        // the paths of load balancers behind it.
        self.vars = b.vars;
        self.lb_failed.extend(b.lb_failed);
        self.lb_paths += b.lb_paths;
        self.lb_failed.extend(failed);
        Ok((Pos::Eni(node), p))
    }

    /// Walks one target path from `node`: the forwarded request and the target's reply. Returns
    /// where the reply's hops begin and how the path ended.
    fn target_path(
        &mut self,
        lbi: usize,
        node: EniIx,
        plan: &Plan,
        p: &Packet,
    ) -> (Option<usize>, Result<(), Box<Stop>>) {
        let (saved_scope, saved_dir, saved_rtb) = (self.scope, self.dir, self.last_rtb);
        let mut split = None;
        let result = self.target_path_inner(lbi, node, plan, p, &mut split);
        let failed_dir = self.dir;
        self.scope = saved_scope;
        self.dir = saved_dir;
        self.last_rtb = saved_rtb;
        (
            split,
            result.map_err(|mut s| {
                s.dir = Some(s.dir.unwrap_or(failed_dir));
                s
            }),
        )
    }

    fn target_path_inner(
        &mut self,
        lbi: usize,
        node: EniIx,
        plan: &Plan,
        p: &Packet,
        split: &mut Option<usize>,
    ) -> Result<(), Box<Stop>> {
        let snap = self.snap;
        let lb = &snap.load_balancers[lbi];
        let tg = &snap.target_groups[plan.tg];
        self.dir = Direction::Request;
        let (dst, dport) = match &plan.dest {
            Dest::Addr(a, port) => (*a, *port),
            Dest::Invoke => {
                hop!(
                    self,
                    "target-group",
                    tg.arn.as_str(),
                    Some(tg.name.clone()),
                    "deliver",
                    Some(plan.label.clone()),
                    p,
                    "the load balancer invokes the function; no network path to check".into(),
                    None,
                );
                return Ok(());
            }
            Dest::Unknown(why) => {
                return Err(stop(
                    Verdict::Unknown,
                    "target-group",
                    tg.arn.as_str(),
                    Some(tg.name.clone()),
                    Some("UNKNOWN_DESTINATION"),
                    why.clone(),
                ));
            }
        };
        // An IPv6 client of an IPv4 target is always seen as the node.
        let preserve = plan.preserve && p.src.is_ipv4() == dst.is_ipv4();
        if preserve && p.src == dst {
            return Err(stop(
                Verdict::Blocked,
                "load-balancer",
                lb.arn.as_str(),
                Some(lb.name.clone()),
                Some("ELBV2_SOURCE_ADDRESS_PRESERVATION"),
                msg!(
                    "{} is the client itself; with client IP preservation the load balancer does not hairpin (source and destination are the same address and the connection times out)",
                    plan.label
                ),
            ));
        }
        // The node's own address of the target's family (an IPv6 client of an IPv4 target is
        // seen as the node's IPv4 address).
        let node_addr = if let Some(a) = plan.src {
            Some(a)
        } else if p.dst.is_ipv4() == dst.is_ipv4() {
            Some(p.dst)
        } else {
            let e = snap.eni(node);
            if dst.is_ipv4() {
                e.primary_ip().filter(IpAddr::is_ipv4)
            } else {
                e.ipv6.first().copied()
            }
        };
        let (src, sport) = if preserve {
            (p.src, p.sport)
        } else {
            let Some(node_addr) = node_addr else {
                return Err(stop(
                    Verdict::Unknown,
                    "load-balancer",
                    lb.arn.as_str(),
                    Some(lb.name.clone()),
                    Some("UNKNOWN_RESOURCE"),
                    msg!(
                        "node {} has no address of the family of {} in the snapshot",
                        p.dst,
                        plan.label
                    ),
                ));
            };
            let sport = p.sport.map(|_| {
                Port::Var(self.new_var(
                    PortOwner::LoadBalancer(lbi),
                    PortSet::range(WIDE_EPHEMERAL.0, WIDE_EPHEMERAL.1),
                ))
            });
            (node_addr, sport)
        };
        let fwd = Packet {
            src,
            dst,
            proto: p.proto,
            sport,
            dport: Some(Port::Const(dport)),
            icmp: p.icmp,
        };
        hop!(
            self,
            "load-balancer",
            lb.arn.as_str(),
            Some(lb.name.clone()),
            "forward",
            Some(format!("target group {}", tg.name)),
            &fwd,
            if preserve {
                format!("to {}; the client's address is preserved", plan.label)
            } else {
                format!("to {} from the node's address {src}", plan.label)
            },
            preserve.then_some("ELBV2_SOURCE_ADDRESS_PRESERVATION"),
        );
        // A target's rules that reference the load balancer's security groups admit what it
        // forwards, whatever the source address.
        self.scope = RefScope {
            lb_node: (!snap.eni_groups(node).is_empty()).then_some(node),
            ..RefScope::default()
        };
        self.sg_check(node, false, &fwd)?;
        let nh = *snap.eni_hot(node);
        let (pos, got) = self.send(nh.vpc, nh.subnet, fwd, Via::Local)?;
        let Pos::Eni(target) = pos else {
            return Err(stop(
                Verdict::Unknown,
                "target-group",
                tg.arn.as_str(),
                Some(tg.name.clone()),
                Some("UNKNOWN_DESTINATION"),
                msg!("{} is not an interface in the snapshot", plan.label),
            ));
        };
        // Preservation needs the target in the load balancer's VPC, reached directly: the
        // reply of a target elsewhere does not find its way back (more §2.4, cautious model).
        if preserve && Some(snap.eni_hot(target).vpc) != lb.vpc {
            return Err(stop(
                Verdict::Blocked,
                "load-balancer",
                lb.arn.as_str(),
                Some(lb.name.clone()),
                Some("ELBV2_SOURCE_ADDRESS_PRESERVATION"),
                msg!(
                    "{} is outside the load balancer's VPC; with client IP preservation its reply to {} cannot return through the load balancer",
                    plan.label,
                    p.src
                ),
            ));
        }
        // The target's reply.
        *split = Some(self.hops.len());
        self.dir = Direction::Reply;
        self.scope = RefScope::default();
        let reply = Packet {
            src: got.dst,
            dst: got.src,
            proto: got.proto,
            sport: got.dport,
            dport: got.sport,
            icmp: got.icmp,
        };
        let te = snap.eni(target);
        hop!(
            self,
            "network-interface",
            te.id.as_str(),
            eni_name(snap, te),
            "send",
            None,
            &reply,
            "reply (security groups are stateful)".into(),
            None,
        );
        let th = *snap.eni_hot(target);
        if preserve {
            // The reply goes back through the load balancer whatever the target's routes say;
            // the NACLs between the two subnets still see it.
            if th.subnet != nh.subnet {
                self.nacl(th.subnet, true, &reply)?;
                self.nacl(nh.subnet, false, &reply)?;
            }
            hop!(
                self,
                "load-balancer",
                lb.arn.as_str(),
                Some(lb.name.clone()),
                "deliver",
                None,
                &reply,
                "the reply returns through the load balancer (client IP preservation)".into(),
                None,
            );
            return Ok(());
        }
        let (end, last) = self.send(th.vpc, th.subnet, reply, Via::Local)?;
        if end != Pos::Eni(node) || last.dst != src {
            return Err(stop(
                Verdict::Blocked,
                "route-table",
                self.last_rtb
                    .map(|r| snap.rtb(r).id.to_string())
                    .unwrap_or_default(),
                None,
                None,
                msg!(
                    "the target's reply reaches {} instead of the load balancer node {}",
                    last.dst,
                    src
                ),
            ));
        }
        Ok(())
    }
}

/// What a target path's walk did, as the trace reports it: its hops split into request and
/// reply, and its verdict.
fn path_record(
    lb: &LoadBalancer,
    tg: &TargetGroup,
    plan: &Plan,
    b: &mut Walker<'_>,
    split: Option<usize>,
    result: &Result<(), Box<Stop>>,
    node_addr: IpAddr,
) -> TargetPath {
    let mut request = std::mem::take(&mut b.hops);
    let reply = match split {
        Some(k) if k <= request.len() => request.split_off(k),
        _ => Vec::new(),
    };
    let source = if plan.preserve {
        "the client's address (client IP preservation)".to_string()
    } else {
        format!("the node's address {}", plan.src.unwrap_or(node_addr))
    };
    let (verdict, reason, decided_by) = match result {
        Ok(()) => (
            Verdict::Reachable,
            "request and reply delivered".to_string(),
            None,
        ),
        Err(s) => {
            let dir = s.dir.unwrap_or(Direction::Request);
            let what = match s.verdict {
                Verdict::Unknown => "unknown",
                Verdict::InvalidConfig => "invalid configuration",
                _ => "blocked",
            };
            (
                s.verdict,
                format!("{what} on the {dir}: {}", s.message),
                Some(DecidedBy {
                    direction: dir,
                    kind: s.kind,
                    id: s.id.clone(),
                    name: s.name.clone(),
                    rule: s.rule.clone(),
                    code: s.code,
                }),
            )
        }
    };
    TargetPath {
        load_balancer: lb.name.clone(),
        target_group: tg.name.clone(),
        target: plan.label.clone(),
        source,
        verdict,
        reason,
        decided_by,
        request,
        reply,
    }
}

/// The health checks of target group `tg`: for every registered target, a connection from the
/// address of every node of every load balancer that uses the group to the target's
/// health-check port. Each node checks each target, whatever the cross-zone setting.
pub fn health_checks(snap: &Snapshot, tg: usize, opts: &Options) -> Vec<TargetHealthCheck> {
    let Some(group) = snap.target_groups.get(tg) else {
        return Vec::new();
    };
    let mut nodes: Vec<(usize, EniIx)> = Vec::new();
    for &l in &group.load_balancers {
        if let Some(lb) = snap.load_balancers.get(l) {
            nodes.extend(lb.enis.iter().map(|&e| (l, e)));
        }
    }
    let w = Walker::new(snap, opts.record_hops);
    let mut out = Vec::new();
    for t in group.targets.as_deref().unwrap_or_default() {
        let Some(&(_, first)) = nodes.first() else {
            break;
        };
        let (label, dest) = w.target_dest(first, group, t);
        let mut checks = Vec::new();
        let (verdict, reason) = match dest {
            _ if !group.health_check.enabled => (
                Verdict::Reachable,
                "health checks are disabled for this target group".to_string(),
            ),
            Dest::Invoke => (
                Verdict::Reachable,
                "the load balancer invokes the function; no network path to check".to_string(),
            ),
            Dest::Unknown(why) => (Verdict::Unknown, format!("unknown: {why}")),
            Dest::Addr(a, traffic_port) => {
                let port = group.health_check.port.unwrap_or(traffic_port);
                // Every address of every node (secondary ones too) may carry checks.
                for &(l, e) in &nodes {
                    for ip in snap.eni(e).private_ips.iter().map(|p| p.addr) {
                        if ip.is_ipv4() != a.is_ipv4() {
                            continue;
                        }
                        let q = Question::tcp(ip, a, port);
                        checks.push(NodeCheck {
                            load_balancer: snap.load_balancers[l].name.clone(),
                            node: ip.to_string(),
                            zone: w.eni_zone(e).to_string(),
                            trace: trace(snap, &q, opts),
                        });
                    }
                }
                combine_checks(&checks, &group.health_check.protocol, port)
            }
        };
        let reason = match (verdict, t.state.as_str()) {
            (Verdict::Reachable, "unhealthy") => format!(
                "{reason}; AWS reported it unhealthy although the network lets every check through: look at the application, or the check's protocol and path"
            ),
            (Verdict::Blocked, "healthy") => format!(
                "{reason}; AWS reported it healthy: the snapshot may predate the change that blocks the checks"
            ),
            (Verdict::Partial, "healthy") => format!(
                "{reason}; AWS reported it healthy, but the nodes whose checks fail count it as failing"
            ),
            _ => reason,
        };
        out.push(TargetHealthCheck {
            target_group: group.name.clone(),
            target: label,
            reported: t.state.clone(),
            verdict,
            reason,
            checks,
        });
    }
    out
}

/// One verdict for a target from its nodes' checks.
fn combine_checks(checks: &[NodeCheck], protocol: &str, port: u16) -> (Verdict, String) {
    let ok: Vec<&NodeCheck> = checks
        .iter()
        .filter(|c| c.trace.verdict == Verdict::Reachable)
        .collect();
    let failing: Vec<String> = checks
        .iter()
        .filter(|c| c.trace.verdict != Verdict::Reachable)
        .map(|c| format!("from {} ({}): {}", c.node, c.zone, c.trace.reason))
        .collect();
    if checks.is_empty() {
        return (
            Verdict::Unknown,
            "unknown: the load balancers of this target group have no node in the snapshot"
                .to_string(),
        );
    }
    if failing.is_empty() {
        return (
            Verdict::Reachable,
            format!(
                "{protocol} health check on port {port} gets through from every node ({})",
                ok.iter()
                    .map(|c| c.node.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    if ok.is_empty() {
        let all_same = checks
            .iter()
            .all(|c| c.trace.verdict == checks[0].trace.verdict);
        let verdict = if all_same {
            checks[0].trace.verdict
        } else {
            Verdict::Blocked
        };
        return (
            verdict,
            format!(
                "{protocol} health check on port {port} fails from every node: {}",
                failing.join("; ")
            ),
        );
    }
    (
        Verdict::Partial,
        format!(
            "partial: {protocol} health check on port {port} works from {} of {} nodes; fails {}",
            ok.len(),
            checks.len(),
            failing.join("; ")
        ),
    )
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::panic,
        clippy::unwrap_used,
        clippy::expect_used,
        reason = "tests fail by panicking"
    )]
    use super::*;
    use std::cell::RefCell;

    fn example() -> Snapshot {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/lb");
        pinhole_ingest::load_path(&root).expect("examples/lb loads")
    }

    fn question() -> Question {
        Question::tcp(
            "198.51.100.7".parse().unwrap(),
            "203.0.113.50".parse().unwrap(),
            443,
        )
    }

    fn collected(snap: &Snapshot, choices: Vec<usize>) -> (Trace, Collect) {
        let c = RefCell::new(Collect {
            choices,
            ..Collect::default()
        });
        let t = collect(snap, &question(), &Options::default(), &c);
        (t, c.into_inner())
    }

    /// Inbound security-group checks recorded on the request, by interface id.
    fn inbound_sg_checks(snap: &Snapshot, c: &Collect) -> Vec<String> {
        c.events
            .iter()
            .filter_map(|e| match e {
                Event::Check(
                    Direction::Request,
                    Check::Sg {
                        eni, inbound: true, ..
                    },
                ) => Some(snap.eni(*eni).id.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn collect_mode_forks_once_per_forwarding_decision_and_follows_the_choice() {
        let snap = example();
        let (t, c) = collected(&snap, vec![]);
        assert_eq!(t.verdict, Verdict::Reachable, "{t:?}");
        let forks: Vec<(Direction, usize)> = c
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Fork { dir, n, .. } => Some((*dir, *n)),
                _ => None,
            })
            .collect();
        assert_eq!(forks, [(Direction::Request, 2)]);
        assert_eq!(c.forks, 1);
        assert_eq!(inbound_sg_checks(&snap, &c), ["eni-0weba"]);
        let (_, c) = collected(&snap, vec![1]);
        assert_eq!(inbound_sg_checks(&snap, &c), ["eni-0webb"]);
        // The target's reply is recorded as a reply, through the NACLs between the subnets.
        let target: IpAddr = "10.0.11.10".parse().unwrap();
        assert!(c.events.iter().any(|e| matches!(
            e,
            Event::Check(Direction::Reply, Check::Nacl { egress: true, view, .. })
                if view.src == target
        )));
        // The concrete walk of the same question agrees and records both paths.
        let t = trace(&snap, &question(), &Options::default());
        assert_eq!(t.verdict, Verdict::Reachable);
        assert_eq!(t.targets.len(), 2);
    }
}
