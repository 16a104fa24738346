//! Evaluation of one stack: parameters (given, else their defaults), pseudo parameters,
//! conditions, mappings, and the intrinsic functions, into plain property values. Whatever cannot
//! be resolved becomes `null` and a warning.

use ipnet::Ipv4Net;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// `AWS::NoValue`: removed from the lists and maps that hold it.
const NO_VALUE: &str = "\u{0}pinhole:no-value";

pub(crate) fn fnv(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The id CloudFormation would give a resource, made up: stable for a stack and logical id.
pub(crate) fn physical_id(stack: &str, logical: &str, kind: &str) -> String {
    let prefix = match kind {
        "AWS::EC2::VPC" => "vpc",
        "AWS::EC2::Subnet" => "subnet",
        "AWS::EC2::RouteTable" => "rtb",
        "AWS::EC2::NetworkAcl" => "acl",
        "AWS::EC2::SecurityGroup" => "sg",
        "AWS::EC2::InternetGateway" => "igw",
        "AWS::EC2::NatGateway" => "nat",
        "AWS::EC2::EIP" => "eipalloc",
        "AWS::EC2::VPCPeeringConnection" => "pcx",
        "AWS::EC2::TransitGateway" => "tgw",
        "AWS::EC2::VPCEndpoint" => "vpce",
        "AWS::EC2::NetworkInterface" => "eni",
        "AWS::EC2::Instance" => "i",
        _ => "res",
    };
    format!("{prefix}-0{:016x}", fnv(&format!("{stack}/{logical}")))
}

/// One stack being evaluated.
pub(crate) struct Stack<'a> {
    pub name: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    pub template: &'a Value,
    pub params: BTreeMap<String, Value>,
    conds: RefCell<BTreeMap<String, Option<bool>>>,
    pub warnings: RefCell<Vec<String>>,
    /// Physical ids of the resources, by logical id.
    pub ids: BTreeMap<String, String>,
}

fn section<'v>(t: &'v Value, key: &str) -> Option<&'v Map<String, Value>> {
    t.get(key).and_then(Value::as_object)
}

/// A value as text, the way CloudFormation coerces scalars.
pub(crate) fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl<'a> Stack<'a> {
    pub(crate) fn new(
        name: &'a str,
        account: &'a str,
        region: &'a str,
        template: &'a Value,
        given: &BTreeMap<String, String>,
    ) -> Self {
        let mut warnings = Vec::new();
        let mut params = BTreeMap::new();
        for (p, def) in section(template, "Parameters").into_iter().flatten() {
            let ty = def.get("Type").and_then(Value::as_str).unwrap_or("String");
            let raw = match given.get(p) {
                Some(v) => Some(v.clone()),
                None => def.get("Default").and_then(text),
            };
            let v = match raw {
                None => {
                    warnings.push(format!(
                        "{name}: parameter `{p}` has no value and no default"
                    ));
                    Value::Null
                }
                Some(s) if ty.starts_with("List<") || ty == "CommaDelimitedList" => Value::Array(
                    s.split(',')
                        .map(|x| Value::String(x.trim().to_owned()))
                        .collect(),
                ),
                Some(s) => Value::String(s),
            };
            params.insert(p.clone(), v);
        }
        for p in given.keys() {
            if !params.contains_key(p) {
                warnings.push(format!(
                    "{name}: parameter `{p}` given but not declared by the template"
                ));
            }
        }
        let ids = section(template, "Resources")
            .into_iter()
            .flatten()
            .map(|(k, r)| {
                let kind = r.get("Type").and_then(Value::as_str).unwrap_or("");
                (k.clone(), physical_id(name, k, kind))
            })
            .collect();
        Self {
            name,
            account,
            region,
            template,
            params,
            conds: RefCell::new(BTreeMap::new()),
            warnings: RefCell::new(warnings),
            ids,
        }
    }

    pub(crate) fn warn(&self, msg: String) {
        self.warnings
            .borrow_mut()
            .push(format!("{}: {msg}", self.name));
    }

    /// A named condition (false, with a warning, when undefined or circular).
    pub(crate) fn condition(&self, name: &str) -> bool {
        if let Some(state) = self.conds.borrow().get(name) {
            return match state {
                Some(b) => *b,
                None => {
                    self.warn(format!("condition `{name}` refers to itself"));
                    false
                }
            };
        }
        let Some(def) = section(self.template, "Conditions").and_then(|c| c.get(name)) else {
            self.warn(format!("unknown condition `{name}`"));
            return false;
        };
        self.conds.borrow_mut().insert(name.to_owned(), None);
        let b = truthy(&self.eval(def));
        self.conds.borrow_mut().insert(name.to_owned(), Some(b));
        b
    }

    /// Evaluates a value: every intrinsic function resolved, `AWS::NoValue` removed.
    pub(crate) fn eval(&self, v: &Value) -> Value {
        match v {
            Value::Object(m) if m.len() == 1 => {
                let Some((k, arg)) = m.iter().next() else {
                    return Value::Null;
                };
                if k == "Ref" || k == "Condition" || k.starts_with("Fn::") {
                    return self.intrinsic(k, arg);
                }
                self.eval_map(m)
            }
            Value::Object(m) => self.eval_map(m),
            Value::Array(a) => Value::Array(
                a.iter()
                    .map(|x| self.eval(x))
                    .filter(|x| !is_no_value(x))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn eval_map(&self, m: &Map<String, Value>) -> Value {
        let mut out = Map::new();
        for (k, x) in m {
            let e = self.eval(x);
            if !is_no_value(&e) {
                out.insert(k.clone(), e);
            }
        }
        Value::Object(out)
    }

    fn args(&self, arg: &Value, n: usize, f: &str) -> Option<Vec<Value>> {
        match arg {
            Value::Array(a) if a.len() == n => Some(a.clone()),
            _ => {
                self.warn(format!("{f} expects a list of {n}"));
                None
            }
        }
    }

    fn intrinsic(&self, f: &str, arg: &Value) -> Value {
        match f {
            "Ref" => self.reference(&text(arg).unwrap_or_default()),
            "Condition" => Value::Bool(self.condition(&text(arg).unwrap_or_default())),
            "Fn::GetAtt" => {
                let parts: Vec<String> = match arg {
                    Value::String(s) => s.splitn(2, '.').map(str::to_owned).collect(),
                    Value::Array(a) => a
                        .iter()
                        .map(|x| text(&self.eval(x)).unwrap_or_default())
                        .collect(),
                    _ => Vec::new(),
                };
                match parts.as_slice() {
                    [r, a] => self.get_att(r, a),
                    _ => {
                        self.warn("Fn::GetAtt expects [resource, attribute]".to_owned());
                        Value::Null
                    }
                }
            }
            "Fn::If" => match self.args(arg, 3, f) {
                Some(a) => {
                    let c = text(&a[0]).unwrap_or_default();
                    if self.condition(&c) {
                        self.eval(&a[1])
                    } else {
                        self.eval(&a[2])
                    }
                }
                None => Value::Null,
            },
            "Fn::Equals" => match self.args(arg, 2, f) {
                Some(a) => {
                    let (x, y) = (self.eval(&a[0]), self.eval(&a[1]));
                    Value::Bool(x == y || (text(&x).is_some() && text(&x) == text(&y)))
                }
                None => Value::Null,
            },
            "Fn::Not" => match self.eval(arg) {
                Value::Array(a) if a.len() == 1 => Value::Bool(!truthy(&a[0])),
                _ => Value::Null,
            },
            "Fn::And" => match self.eval(arg) {
                Value::Array(a) => Value::Bool(a.iter().all(truthy)),
                _ => Value::Null,
            },
            "Fn::Or" => match self.eval(arg) {
                Value::Array(a) => Value::Bool(a.iter().any(truthy)),
                _ => Value::Null,
            },
            "Fn::Join" => match self.args(arg, 2, f) {
                Some(a) => {
                    let sep = text(&self.eval(&a[0])).unwrap_or_default();
                    match self.eval(&a[1]) {
                        Value::Array(items) => {
                            let parts: Option<Vec<String>> = items.iter().map(text).collect();
                            parts.map_or(Value::Null, |p| Value::String(p.join(&sep)))
                        }
                        _ => Value::Null,
                    }
                }
                None => Value::Null,
            },
            "Fn::Select" => match self.args(arg, 2, f) {
                Some(a) => {
                    let i = text(&self.eval(&a[0])).and_then(|s| s.parse::<usize>().ok());
                    match (i, self.eval(&a[1])) {
                        (Some(i), Value::Array(items)) => {
                            items.get(i).cloned().unwrap_or_else(|| {
                                self.warn(format!(
                                    "Fn::Select: index {i} past the end of a list of {}",
                                    items.len()
                                ));
                                Value::Null
                            })
                        }
                        _ => Value::Null,
                    }
                }
                None => Value::Null,
            },
            "Fn::Split" => match self.args(arg, 2, f) {
                Some(a) => match (text(&self.eval(&a[0])), text(&self.eval(&a[1]))) {
                    (Some(d), Some(s)) if !d.is_empty() => Value::Array(
                        s.split(d.as_str())
                            .map(|x| Value::String(x.to_owned()))
                            .collect(),
                    ),
                    _ => Value::Null,
                },
                None => Value::Null,
            },
            "Fn::GetAZs" => {
                let r = text(&self.eval(arg))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| self.region.to_owned());
                // Offline, a region's AZs are unknown: assume a, b and c.
                Value::Array(
                    ["a", "b", "c"]
                        .iter()
                        .map(|s| Value::String(format!("{r}{s}")))
                        .collect(),
                )
            }
            "Fn::Cidr" => match self.args(arg, 3, f) {
                Some(a) => {
                    let block = text(&self.eval(&a[0])).and_then(|s| s.parse::<Ipv4Net>().ok());
                    let count = text(&self.eval(&a[1])).and_then(|s| s.parse::<u64>().ok());
                    let bits = text(&self.eval(&a[2])).and_then(|s| s.parse::<u8>().ok());
                    match (block, count, bits) {
                        (Some(b), Some(c), Some(h))
                            if h <= 32 && 32 - h >= b.prefix_len() && c <= 256 =>
                        {
                            let prefix = 32 - h;
                            let size = 1u64 << h;
                            let base = u64::from(u32::from(b.network()));
                            let avail = 1u64 << (prefix - b.prefix_len());
                            if c > avail {
                                self.warn(format!(
                                    "Fn::Cidr: {c} /{prefix} blocks do not fit in {b}"
                                ));
                                return Value::Null;
                            }
                            Value::Array(
                                (0..c)
                                    .filter_map(|i| u32::try_from(base + i * size).ok())
                                    .filter_map(|x| Ipv4Net::new(Ipv4Addr::from(x), prefix).ok())
                                    .map(|n| Value::String(n.to_string()))
                                    .collect(),
                            )
                        }
                        _ => {
                            self.warn(
                                "Fn::Cidr: expected [ipBlock, count (1-256), cidrBits]".to_owned(),
                            );
                            Value::Null
                        }
                    }
                }
                None => Value::Null,
            },
            "Fn::FindInMap" => match arg {
                Value::Array(a) if a.len() >= 3 => {
                    let keys: Vec<String> = a
                        .iter()
                        .take(3)
                        .map(|x| text(&self.eval(x)).unwrap_or_default())
                        .collect();
                    let found = section(self.template, "Mappings")
                        .and_then(|m| m.get(&keys[0]))
                        .and_then(|m| m.get(&keys[1]))
                        .and_then(|m| m.get(&keys[2]));
                    match found {
                        Some(v) => self.eval(v),
                        None => {
                            self.warn(format!(
                                "Fn::FindInMap: no {}/{}/{}",
                                keys[0], keys[1], keys[2]
                            ));
                            Value::Null
                        }
                    }
                }
                _ => Value::Null,
            },
            "Fn::Sub" => {
                let (s, vars) = match arg {
                    Value::String(s) => (s.clone(), Map::new()),
                    Value::Array(a) if a.len() == 2 => (
                        text(&a[0]).unwrap_or_default(),
                        match self.eval(&a[1]) {
                            Value::Object(m) => m,
                            _ => Map::new(),
                        },
                    ),
                    _ => return Value::Null,
                };
                self.sub(&s, &vars)
            }
            "Fn::Base64" => self.eval(arg),
            "Fn::Length" => match self.eval(arg) {
                Value::Array(a) => Value::from(a.len()),
                _ => Value::Null,
            },
            other => {
                self.warn(format!("{other} cannot be resolved offline"));
                Value::Null
            }
        }
    }

    fn sub(&self, s: &str, vars: &Map<String, Value>) -> Value {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(j) = after.find('}') else {
                out.push_str(&rest[i..]);
                rest = "";
                break;
            };
            let name = &after[..j];
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
            } else {
                let v = match vars.get(name) {
                    Some(v) => v.clone(),
                    None => match name.split_once('.') {
                        Some((r, a)) if self.ids.contains_key(r) => self.get_att(r, a),
                        _ => self.reference(name),
                    },
                };
                match text(&v) {
                    Some(t) => out.push_str(&t),
                    None => return Value::Null,
                }
            }
            rest = &after[j + 1..];
        }
        out.push_str(rest);
        Value::String(out)
    }

    fn reference(&self, name: &str) -> Value {
        match name {
            "AWS::NoValue" => return Value::String(NO_VALUE.to_owned()),
            "AWS::Region" => return Value::String(self.region.to_owned()),
            "AWS::AccountId" => return Value::String(self.account.to_owned()),
            "AWS::Partition" => return Value::String("aws".to_owned()),
            "AWS::URLSuffix" => return Value::String("amazonaws.com".to_owned()),
            "AWS::StackName" => return Value::String(self.name.to_owned()),
            "AWS::StackId" => {
                return Value::String(format!(
                    "arn:aws:cloudformation:{}:{}:stack/{}/0",
                    self.region, self.account, self.name
                ));
            }
            "AWS::NotificationARNs" => return Value::Array(Vec::new()),
            _ => {}
        }
        if let Some(v) = self.params.get(name) {
            return v.clone();
        }
        if let Some(id) = self.ids.get(name) {
            // Ref of an Elastic IP is its address.
            if self.kind(name) == Some("AWS::EC2::EIP") {
                return self.get_att(name, "PublicIp");
            }
            return Value::String(id.clone());
        }
        self.warn(format!("Ref to unknown `{name}`"));
        Value::Null
    }

    pub(crate) fn kind(&self, logical: &str) -> Option<&str> {
        section(self.template, "Resources")?
            .get(logical)?
            .get("Type")?
            .as_str()
    }

    pub(crate) fn props(&self, logical: &str) -> Option<&Value> {
        section(self.template, "Resources")?
            .get(logical)?
            .get("Properties")
    }

    fn get_att(&self, r: &str, a: &str) -> Value {
        let Some(id) = self.ids.get(r) else {
            self.warn(format!("Fn::GetAtt of unknown resource `{r}`"));
            return Value::Null;
        };
        let prop = |p: &str| {
            self.props(r)
                .and_then(|x| x.get(p))
                .map(|x| self.eval(x))
                .unwrap_or(Value::Null)
        };
        match (self.kind(r).unwrap_or(""), a) {
            ("AWS::EC2::SecurityGroup", "GroupId") => Value::String(id.clone()),
            ("AWS::EC2::EIP", "AllocationId") => Value::String(id.clone()),
            ("AWS::EC2::EIP", "PublicIp") => Value::String(eip_address(self, r).to_string()),
            ("AWS::EC2::VPC", "CidrBlock") => prop("CidrBlock"),
            ("AWS::EC2::VPC", "VpcId") | ("AWS::EC2::Subnet", "SubnetId") => {
                Value::String(id.clone())
            }
            ("AWS::EC2::VPC", "DefaultNetworkAcl") => Value::String(format!("acl-default-{id}")),
            ("AWS::EC2::VPC", "DefaultSecurityGroup") => Value::String(format!("sg-default-{id}")),
            ("AWS::EC2::Subnet", "AvailabilityZone") => prop("AvailabilityZone"),
            ("AWS::EC2::Subnet", "CidrBlock") => prop("CidrBlock"),
            ("AWS::EC2::Subnet", "VpcId") => prop("VpcId"),
            (_, "Arn") => Value::String(format!("arn:aws:iam::{}:role/{}", self.account, r)),
            (_, "Id") => Value::String(id.clone()),
            (k, a) => {
                self.warn(format!("Fn::GetAtt {r}.{a} ({k}) is not known offline"));
                Value::Null
            }
        }
    }
}

/// An Elastic IP's address: the `pinhole:analysis-ip` tag when it has one, else one made up in
/// 3.0.0.0/8 (AWS's range) from the stack and logical id.
pub(crate) fn eip_address(st: &Stack<'_>, logical: &str) -> Ipv4Addr {
    let tagged = st
        .props(logical)
        .and_then(|p| p.get("Tags"))
        .map(|t| st.eval(t))
        .and_then(|t| crate::read::tag(&t, pinhole_emit_tag()))
        .and_then(|s| s.parse().ok());
    tagged.unwrap_or_else(|| {
        let h = fnv(&format!("{}/{logical}", st.name));
        Ipv4Addr::from((3u32 << 24) | (u32::try_from(h & 0x00ff_ffff).unwrap_or(0)))
    })
}

fn pinhole_emit_tag() -> &'static str {
    crate::ANALYSIS_IP_TAG
}

pub(crate) fn is_no_value(v: &Value) -> bool {
    v.as_str() == Some(NO_VALUE)
}

pub(crate) fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Names of the parameters a stack declares.
pub(crate) fn declared_params(t: &Value) -> BTreeSet<String> {
    section(t, "Parameters")
        .into_iter()
        .flatten()
        .map(|(k, _)| k.clone())
        .collect()
}
