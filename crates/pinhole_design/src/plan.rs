//! The address plan as a table: every VPC, AZ block and subnet with its usable addresses.

use crate::resolve::Design;
use ipnet::Ipv4Net;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BlockKind {
    Pool,
    Vpc,
    Az,
    Subnet,
}

impl BlockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Pool => "pool",
            BlockKind::Vpc => "vpc",
            BlockKind::Az => "az",
            BlockKind::Subnet => "subnet",
        }
    }
}

/// One row of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub env: String,
    pub account: String,
    pub region: String,
    pub az: String,
    pub tier: String,
    /// The slot that placed the block (account slot, AZ slot or tier slot).
    pub slot: u32,
    pub cidr: Ipv4Net,
    pub addresses: u64,
    /// Addresses less the five AWS reserves in a subnet (network, router, DNS, future use,
    /// broadcast); for a VPC or AZ block, as if it were one subnet (the article's convention).
    pub usable: u64,
}

fn size(c: &Ipv4Net) -> u64 {
    1u64 << (32 - c.prefix_len())
}

impl Design {
    /// Every block, in address order inside each VPC; VPCs by environment, account, region.
    pub fn plan(&self) -> Vec<Block> {
        let mut out = Vec::new();
        let mut pools_done = std::collections::BTreeSet::new();
        for v in &self.vpcs {
            if pools_done.insert((v.env.clone(), v.region.clone())) {
                out.push(Block {
                    kind: BlockKind::Pool,
                    env: v.env.clone(),
                    account: String::new(),
                    region: v.region.clone(),
                    az: String::new(),
                    tier: String::new(),
                    slot: 0,
                    cidr: v.pool,
                    addresses: size(&v.pool),
                    usable: size(&v.pool),
                });
            }
            out.push(Block {
                kind: BlockKind::Vpc,
                env: v.env.clone(),
                account: v.alias.clone(),
                region: v.region.clone(),
                az: String::new(),
                tier: String::new(),
                slot: v.slot,
                cidr: v.cidr,
                addresses: size(&v.cidr),
                usable: size(&v.cidr).saturating_sub(5),
            });
            for a in &v.azs {
                out.push(Block {
                    kind: BlockKind::Az,
                    env: v.env.clone(),
                    account: v.alias.clone(),
                    region: v.region.clone(),
                    az: a.zone.clone(),
                    tier: String::new(),
                    slot: a.slot,
                    cidr: a.cidr,
                    addresses: size(&a.cidr),
                    usable: size(&a.cidr).saturating_sub(5),
                });
                let mut subs: Vec<_> = a.subnets.iter().collect();
                subs.sort_by_key(|s| s.cidr);
                for s in subs {
                    let slot = self.tier(&s.tier).map_or(0, |t| t.slot);
                    out.push(Block {
                        kind: BlockKind::Subnet,
                        env: v.env.clone(),
                        account: v.alias.clone(),
                        region: v.region.clone(),
                        az: a.zone.clone(),
                        tier: s.tier.clone(),
                        slot,
                        cidr: s.cidr,
                        addresses: size(&s.cidr),
                        usable: size(&s.cidr).saturating_sub(5),
                    });
                }
            }
        }
        out
    }
}
