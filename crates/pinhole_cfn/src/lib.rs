//! CloudFormation templates read back into the pinhole model: the `AWS::EC2::*` network resources
//! (VPC, subnet, route table, route, associations, NACL and entries, security groups and their
//! rules, internet gateway, NAT gateway, Elastic IP, peering), with parameters and their defaults,
//! `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::Join`, `Fn::Cidr`,
//! `Fn::GetAZs`, `Fn::FindInMap`, `Fn::If` and `Conditions`, in YAML (short-form tags) or JSON.
//!
//! Several stacks are read together: a peering connection in one stack reaches the VPC of
//! another. With [`Options::link_outputs`], a parameter left empty takes the value of the output
//! of the same name of another stack (what `pinhole emit` writes: `ProdVpcId`,
//! `DevProdPeeringId`, …), evaluated until nothing changes. Values that cannot be resolved
//! offline (`Fn::ImportValue`, unknown attributes, IPAM pools) become warnings, never errors.
//! Physical ids are made up, stable for a stack name and logical id.

mod eval;
mod read;
mod yaml;

pub use pinhole_design::compile::Network;
pub use yaml::parse;

use std::collections::BTreeMap;

/// The tag `pinhole emit` puts on Elastic IPs: the address the design assumed.
pub const ANALYSIS_IP_TAG: &str = "pinhole:analysis-ip";

#[derive(Debug, thiserror::Error)]
pub enum CfnError {
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// One template and where it is deployed.
#[derive(Clone, Debug)]
pub struct StackInput {
    pub name: String,
    pub account: String,
    pub region: String,
    pub template: serde_json::Value,
    /// Parameter values; the others take their defaults.
    pub parameters: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Fill empty parameters from the same-named outputs of the other stacks.
    pub link_outputs: bool,
}

/// What was read.
#[derive(Debug)]
pub struct Read {
    pub network: Network,
    pub warnings: Vec<String>,
    /// Parameter values used, by stack (after linking).
    pub parameters: BTreeMap<String, BTreeMap<String, String>>,
}

/// Reads the stacks together.
pub fn read(stacks: &[StackInput], opts: Options) -> Read {
    let mut given: Vec<BTreeMap<String, String>> =
        stacks.iter().map(|s| s.parameters.clone()).collect();
    if opts.link_outputs {
        // Each round can resolve outputs that depended on the previous round's parameters.
        for _ in 0..4 {
            let mut outputs: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
            for (i, s) in stacks.iter().enumerate() {
                let st = eval::Stack::new(&s.name, &s.account, &s.region, &s.template, &given[i]);
                for (k, o) in s
                    .template
                    .get("Outputs")
                    .and_then(serde_json::Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    if let Some(c) = o.get("Condition").and_then(serde_json::Value::as_str)
                        && !st.condition(c)
                    {
                        continue;
                    }
                    if let Some(v) = o
                        .get("Value")
                        .map(|v| st.eval(v))
                        .as_ref()
                        .and_then(eval::text)
                        .filter(|v| !v.is_empty())
                    {
                        outputs.entry(k.clone()).or_default().push((i, v));
                    }
                }
            }
            let mut changed = false;
            for (i, s) in stacks.iter().enumerate() {
                for p in eval::declared_params(&s.template) {
                    if given[i].get(&p).is_some_and(|v| !v.is_empty())
                        || s.parameters.contains_key(&p)
                    {
                        continue;
                    }
                    if let Some((_, v)) = outputs
                        .get(&p)
                        .and_then(|o| o.iter().find(|(j, _)| *j != i))
                    {
                        given[i].insert(p.clone(), v.clone());
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }
    let evals: Vec<eval::Stack<'_>> = stacks
        .iter()
        .enumerate()
        .map(|(i, s)| eval::Stack::new(&s.name, &s.account, &s.region, &s.template, &given[i]))
        .collect();
    let (network, mut warnings) = read::network(&evals);
    let mut all = Vec::new();
    for e in &evals {
        all.extend(e.warnings.borrow().iter().cloned());
    }
    all.append(&mut warnings);
    all.sort();
    all.dedup();
    let parameters = stacks
        .iter()
        .zip(given)
        .map(|(s, g)| (s.name.clone(), g))
        .collect();
    Read {
        network,
        warnings: all,
        parameters,
    }
}

/// Places a design's hosts in a network read back (by account, region and address; each host's
/// security group by name), so the same probes can run on it. Returns what could not be placed.
pub fn place_hosts(net: &mut Network, design: &pinhole_design::Design) -> Vec<String> {
    use pinhole_design::compile::{NEni, NHost, sg_text};
    let mut warnings = Vec::new();
    for h in &design.hosts {
        let Some(plan) = design.vpcs.get(h.vpc) else {
            continue;
        };
        let Some(v) = net
            .vpcs
            .iter()
            .position(|v| v.account == plan.account && v.region == plan.region)
        else {
            warnings.push(format!(
                "host `{}`: no VPC of account {} in {}",
                h.name, plan.account, plan.region
            ));
            continue;
        };
        let vpc = &mut net.vpcs[v];
        let enis: Vec<NEni> = h
            .addrs()
            .enumerate()
            .filter_map(|(k, a)| {
                let subnet = vpc.subnets.iter().position(|s| s.cidr.contains(&a))?;
                Some(NEni {
                    id: format!("eni-0{:016x}", eval::fnv(&format!("{}/{k}", h.name))),
                    subnet,
                    addr: a,
                })
            })
            .collect();
        if enis.len() != h.placements.len() {
            warnings.push(format!(
                "host `{}`: an address is in no subnet read back",
                h.name
            ));
        }
        let sg_name = sg_text(&format!("{}-sg", h.name));
        let sg = vpc
            .sgs
            .iter()
            .position(|g| g.name == sg_name)
            .unwrap_or_else(|| {
                warnings.push(format!(
                    "host `{}`: no security group `{sg_name}`; the VPC's default group used",
                    h.name
                ));
                0
            });
        let public_subnet = enis.first().is_some_and(|e| vpc.subnets[e.subnet].public);
        vpc.hosts.push(NHost {
            id: if h.kind == pinhole_design::HostKind::Rds {
                h.name.clone()
            } else {
                format!("i-0{:016x}", eval::fnv(&h.name))
            },
            name: h.name.clone(),
            kind: h.kind,
            sg,
            enis,
            public_ip: h.public_ip.or_else(|| {
                public_subnet.then(|| {
                    std::net::Ipv4Addr::from(
                        (3u32 << 24)
                            | (u32::try_from(eval::fnv(&h.name) & 0xffff).unwrap_or(0) << 8)
                            | 7,
                    )
                })
            }),
        });
    }
    warnings
}
