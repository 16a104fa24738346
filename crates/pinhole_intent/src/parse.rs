//! The intent file (see `docs/intents.md`): accounts, groups, intents.

use crate::node::{Located, Node, Pos, Value};
use ipnet::IpNet;
use std::collections::BTreeMap;

/// One term of a selector; a selector is the intersection of its terms.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Account(Vec<String>),
    Region(Vec<String>),
    Vpc(Vec<String>),
    Subnet(Vec<String>),
    Az(Vec<String>),
    Tier(Vec<String>),
    /// Key → value (`*`: any value).
    Tag(Vec<(String, String)>),
    Sg(Vec<String>),
    Instance(Vec<String>),
    Eni(Vec<String>),
    Rds(Vec<String>),
    Cidr(Vec<IpNet>),
    Internet,
    Any,
    Group(String),
    Union(Vec<Selector>),
}

/// A set of endpoints: the intersection of `terms`, without `minus`.
#[derive(Clone, Debug, PartialEq)]
pub struct Selector {
    pub terms: Vec<Term>,
    pub minus: Option<Box<Selector>>,
    pub pos: Pos,
}

/// Services: TCP and UDP port ranges, and ICMP echo.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Services {
    pub tcp: Vec<(u16, u16)>,
    pub udp: Vec<(u16, u16)>,
    pub icmp: bool,
}

impl Services {
    pub fn any() -> Self {
        Self {
            tcp: vec![(0, u16::MAX)],
            udp: vec![(0, u16::MAX)],
            icmp: true,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tcp.is_empty() && self.udp.is_empty() && !self.icmp
    }

    /// Every service not in `self`.
    pub fn complement(&self) -> Self {
        fn inv(r: &[(u16, u16)]) -> Vec<(u16, u16)> {
            let mut v = r.to_vec();
            v.sort_unstable();
            let mut out = Vec::new();
            let mut next: u32 = 0;
            for (lo, hi) in v {
                if u32::from(lo) > next {
                    out.push((next as u16, lo - 1));
                }
                next = next.max(u32::from(hi) + 1);
            }
            if next <= u32::from(u16::MAX) {
                out.push((next as u16, u16::MAX));
            }
            out
        }
        Self {
            tcp: inv(&self.tcp),
            udp: inv(&self.udp),
            icmp: !self.icmp,
        }
    }

    /// The port ranges of a protocol number (6, 17); ICMP: `[(0, 0)]` when included.
    pub fn ranges(&self, proto: u8) -> Vec<(u16, u16)> {
        match proto {
            6 => self.tcp.clone(),
            17 => self.udp.clone(),
            _ if self.icmp => vec![(0, 0)],
            _ => Vec::new(),
        }
    }
}

impl std::fmt::Display for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        for (name, r) in [("tcp", &self.tcp), ("udp", &self.udp)] {
            for &(lo, hi) in r {
                parts.push(match (lo, hi) {
                    (0, u16::MAX) => name.to_string(),
                    (a, b) if a == b => format!("{name}/{a}"),
                    (a, b) => format!("{name}/{a}-{b}"),
                });
            }
        }
        if self.icmp {
            parts.push("icmp".into());
        }
        if parts.is_empty() {
            f.write_str("nothing")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// A flow pattern: from a group to a group on services.
#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    pub from: Selector,
    pub to: Selector,
    pub services: Services,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Egress {
    /// No internet access at all.
    None,
    /// Only through these NAT gateways (`nat`: any) or from these proxy groups' members.
    Via {
        nats: Vec<String>,
        proxies: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Deny { flow: Flow, except: Vec<Flow> },
    Require(Flow),
    Only(Flow),
    Egress { from: Selector, policy: Egress },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Intent {
    pub name: String,
    pub kind: Kind,
    pub pos: Pos,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntentFile {
    /// Alias → account id.
    pub accounts: BTreeMap<String, String>,
    pub groups: BTreeMap<String, Selector>,
    pub intents: Vec<Intent>,
}

const SELECTOR_KEYS: &[&str] = &[
    "account", "region", "vpc", "subnet", "az", "tier", "tag", "sg", "instance", "eni", "rds",
    "cidr", "internet", "any", "group", "union", "minus",
];

fn selector(n: &Node) -> Result<Selector, Located> {
    if let Some(s) = n.as_str() {
        return Ok(Selector {
            terms: vec![Term::Group(s.to_string())],
            minus: None,
            pos: n.pos,
        });
    }
    n.only_keys("a selector", SELECTOR_KEYS)?;
    let mut terms = Vec::new();
    let mut minus = None;
    for (k, v) in n.map("a selector")? {
        let key = k.as_str().unwrap_or_default();
        let list = |what: &str| -> Result<Vec<String>, Located> {
            Ok(v.strings(what)?.into_iter().map(|(s, _)| s).collect())
        };
        terms.push(match key {
            "account" => Term::Account(list("an account id or alias")?),
            "region" => Term::Region(list("a region")?),
            "vpc" => Term::Vpc(list("a VPC id or name")?),
            "subnet" => Term::Subnet(list("a subnet id or name")?),
            "az" => Term::Az(list("an availability zone")?),
            "tier" => Term::Tier(list("a tier")?),
            "sg" => Term::Sg(list("a security group id or name")?),
            "instance" => Term::Instance(list("an instance id or name")?),
            "eni" => Term::Eni(list("a network interface id")?),
            "rds" => Term::Rds(list("a DB instance identifier")?),
            "tag" => {
                let mut tags = Vec::new();
                for (tk, tv) in v.map("tags (key: value)")? {
                    tags.push((tk.string("a tag key")?, tv.string("a tag value")?));
                }
                Term::Tag(tags)
            }
            "cidr" => {
                let mut nets = Vec::new();
                for (s, pos) in v.strings("a CIDR")? {
                    let net = s
                        .parse::<IpNet>()
                        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
                        .map_err(|_| Located {
                            pos,
                            message: format!("expected a CIDR such as 10.0.0.0/16, found '{s}'"),
                        })?;
                    nets.push(net.trunc());
                }
                Term::Cidr(nets)
            }
            "internet" | "any" => {
                if !v.bool(key)? {
                    return Err(Located::at(
                        v,
                        format!("`{key}: false` selects nothing; remove it"),
                    ));
                }
                if key == "internet" {
                    Term::Internet
                } else {
                    Term::Any
                }
            }
            "group" => Term::Group(v.string("a group name")?),
            "union" => Term::Union(
                v.seq("selectors or group names")?
                    .iter()
                    .map(selector)
                    .collect::<Result<_, _>>()?,
            ),
            "minus" => {
                minus = Some(Box::new(selector(v)?));
                continue;
            }
            _ => return Err(Located::at(k, format!("unknown selector key '{key}'"))),
        });
    }
    if terms.is_empty() {
        return Err(Located::at(
            n,
            "a selector needs at least one key besides `minus`",
        ));
    }
    Ok(Selector {
        terms,
        minus,
        pos: n.pos,
    })
}

/// `tcp/443`, `tcp/1024-65535`, `udp`, `icmp`, `any`.
fn service(s: &str, pos: Pos, into: &mut Services) -> Result<(), Located> {
    let bad = |m: String| Located { pos, message: m };
    let s = s.trim().to_ascii_lowercase();
    let (proto, ports) = match s.split_once('/') {
        Some((p, r)) => (p.to_string(), Some(r.to_string())),
        None => (s.clone(), None),
    };
    let range = match &ports {
        None => (0, u16::MAX),
        Some(r) => {
            let parse = |x: &str| {
                x.trim()
                    .parse::<u16>()
                    .map_err(|_| bad(format!("expected a port number (0-65535), found '{x}'")))
            };
            let (lo, hi) = match r.split_once('-') {
                Some((a, b)) => (parse(a)?, parse(b)?),
                None => {
                    let p = parse(r)?;
                    (p, p)
                }
            };
            if lo > hi {
                return Err(bad(format!("port range {lo}-{hi} is empty")));
            }
            (lo, hi)
        }
    };
    match proto.as_str() {
        "tcp" => into.tcp.push(range),
        "udp" => into.udp.push(range),
        "icmp" if ports.is_none() => into.icmp = true,
        "any" | "all" if ports.is_none() => *into = Services::any(),
        _ => {
            return Err(bad(format!(
                "expected a service such as tcp/443, udp/53, icmp or any, found '{s}'"
            )));
        }
    }
    Ok(())
}

fn services(n: Option<&Node>) -> Result<Services, Located> {
    let Some(n) = n else {
        return Ok(Services::any());
    };
    let mut out = Services::default();
    for (s, pos) in n.strings("services such as tcp/443")? {
        service(&s, pos, &mut out)?;
    }
    for r in [&mut out.tcp, &mut out.udp] {
        r.sort_unstable();
        r.dedup();
    }
    Ok(out)
}

fn flow(n: &Node, what: &str) -> Result<Flow, Located> {
    n.only_keys(what, &["from", "to", "services"])?;
    let from = n
        .get("from")
        .ok_or_else(|| Located::at(n, format!("{what} needs `from`")))?;
    let to = n
        .get("to")
        .ok_or_else(|| Located::at(n, format!("{what} needs `to`")))?;
    Ok(Flow {
        from: selector(from)?,
        to: selector(to)?,
        services: services(n.get("services"))?,
    })
}

fn intent(n: &Node, k: usize) -> Result<Intent, Located> {
    n.only_keys(
        "an intent",
        &["name", "deny", "except", "require", "only", "egress"],
    )?;
    let name = match n.get("name") {
        Some(v) => v.string("an intent name")?,
        None => format!("intent-{}", k + 1),
    };
    let kinds: Vec<&str> = ["deny", "require", "only", "egress"]
        .into_iter()
        .filter(|k| n.get(k).is_some())
        .collect();
    let [which] = kinds[..] else {
        return Err(Located::at(
            n,
            "an intent needs exactly one of `deny`, `require`, `only`, `egress`",
        ));
    };
    if n.get("except").is_some() && which != "deny" {
        return Err(Located::at(n, "`except` applies to `deny` intents only"));
    }
    let body = n
        .get(which)
        .ok_or_else(|| Located::at(n, "missing intent body"))?;
    let kind = match which {
        "deny" => Kind::Deny {
            flow: flow(body, "a deny intent")?,
            except: match n.get("except") {
                None => Vec::new(),
                Some(e) => e
                    .seq("exceptions")?
                    .iter()
                    .map(|x| flow(x, "an exception"))
                    .collect::<Result<_, _>>()?,
            },
        },
        "require" => Kind::Require(flow(body, "a require intent")?),
        "only" => Kind::Only(flow(body, "an only intent")?),
        _ => {
            body.only_keys("an egress intent", &["from", "via", "internet"])?;
            let from = body
                .get("from")
                .ok_or_else(|| Located::at(body, "an egress intent needs `from`"))?;
            let policy = match (body.get("via"), body.get("internet")) {
                (Some(v), None) => {
                    let mut nats = Vec::new();
                    let mut proxies = Vec::new();
                    for (s, _) in v.strings("NAT gateways (nat, nat-…) or proxy groups")? {
                        if s == "nat" || s.starts_with("nat-") {
                            nats.push(s);
                        } else {
                            proxies.push(s);
                        }
                    }
                    Egress::Via { nats, proxies }
                }
                (None, Some(i)) if i.as_str() == Some("none") => Egress::None,
                (None, Some(i)) => {
                    return Err(Located::at(i, "expected `internet: none`"));
                }
                _ => {
                    return Err(Located::at(
                        body,
                        "an egress intent needs either `via: [...]` or `internet: none`",
                    ));
                }
            };
            Kind::Egress {
                from: selector(from)?,
                policy,
            }
        }
    };
    Ok(Intent {
        name,
        kind,
        pos: n.pos,
    })
}

/// Parse the `accounts`, `groups` and `intents` sections of a document (an intent file or
/// a design file); other top-level keys are left to the caller (`extra`).
pub fn from_node(doc: &Node, extra: &[&str]) -> Result<IntentFile, Located> {
    let mut known = vec!["version", "accounts", "groups", "intents"];
    known.extend_from_slice(extra);
    doc.only_keys("an intent file", &known)?;
    if let Some(v) = doc.get("version") {
        if v.scalar().as_deref() != Some("1") {
            return Err(Located::at(v, "unsupported version (expected 1)"));
        }
    }
    let mut out = IntentFile::default();
    if let Some(a) = doc.get("accounts") {
        for (k, v) in a.map("account aliases (alias: id)")? {
            out.accounts
                .insert(k.string("an alias")?, v.string("an account id")?);
        }
    }
    if let Some(g) = doc.get("groups") {
        for (k, v) in g.map("groups (name: selector)")? {
            let name = k.string("a group name")?;
            if name == "internet" || name == "any" {
                return Err(Located::at(k, format!("'{name}' is predefined")));
            }
            if out.groups.insert(name.clone(), selector(v)?).is_some() {
                return Err(Located::at(k, format!("group '{name}' is defined twice")));
            }
        }
    }
    if let Some(list) = doc.get("intents") {
        for (k, n) in list.seq("intents")?.iter().enumerate() {
            out.intents.push(intent(n, k)?);
        }
    }
    check_refs(&out)?;
    Ok(out)
}

/// Parse an intent file's text.
pub fn parse_intents(text: &str) -> Result<IntentFile, Located> {
    let doc = crate::node::parse(text)?;
    if doc.value == Value::Null {
        return Err(Located::at(&doc, "the file is empty"));
    }
    from_node(&doc, &[])
}

/// Every group name used is defined, and no group is defined in terms of itself.
fn check_refs(f: &IntentFile) -> Result<(), Located> {
    fn walk(f: &IntentFile, s: &Selector, stack: &mut Vec<String>) -> Result<(), Located> {
        let refs = |s: &Selector| -> Vec<(String, Pos)> {
            let mut v = Vec::new();
            for t in &s.terms {
                if let Term::Group(g) = t {
                    v.push((g.clone(), s.pos));
                }
            }
            v
        };
        for (g, pos) in refs(s) {
            if g == "internet" || g == "any" {
                continue;
            }
            let Some(def) = f.groups.get(&g) else {
                let known: Vec<&str> = f.groups.keys().map(String::as_str).collect();
                return Err(Located {
                    pos,
                    message: format!(
                        "unknown group '{g}' (known: {})",
                        if known.is_empty() {
                            "none; define it under `groups`".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                });
            };
            if stack.contains(&g) {
                return Err(Located {
                    pos,
                    message: format!("group '{g}' is defined in terms of itself"),
                });
            }
            stack.push(g.clone());
            walk(f, def, stack)?;
            stack.pop();
        }
        for t in &s.terms {
            if let Term::Union(u) = t {
                for x in u {
                    walk(f, x, stack)?;
                }
            }
        }
        if let Some(m) = &s.minus {
            walk(f, m, stack)?;
        }
        Ok(())
    }
    for (name, s) in &f.groups {
        walk(f, s, &mut vec![name.clone()])?;
    }
    for i in &f.intents {
        let mut sels: Vec<&Selector> = Vec::new();
        match &i.kind {
            Kind::Deny { flow, except } => {
                sels.extend([&flow.from, &flow.to]);
                for e in except {
                    sels.extend([&e.from, &e.to]);
                }
            }
            Kind::Require(fl) | Kind::Only(fl) => sels.extend([&fl.from, &fl.to]),
            Kind::Egress { from, policy } => {
                sels.push(from);
                if let Egress::Via { proxies, .. } = policy {
                    for p in proxies {
                        if !f.groups.contains_key(p) {
                            return Err(Located {
                                pos: i.pos,
                                message: format!(
                                    "`via` names '{p}', which is neither a NAT gateway (nat, nat-…) nor a group"
                                ),
                            });
                        }
                    }
                }
            }
        }
        for s in sels {
            walk(f, s, &mut Vec::new())?;
        }
    }
    Ok(())
}
