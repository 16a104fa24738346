//! The organisation: environments, accounts, the address plan, the VPC template, the peering mesh,
//! the transit gateway hubs and the cross-environment pinholes.
//!
//! Everything here is decided before any file is written, so every account can be generated on
//! its own (and in parallel) from the plan.

use crate::SynthError;
use crate::net::Cidr;
use crate::rng::{Ids, Rng, key};

/// An environment of the organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Env {
    Dev,
    Qa,
    Prod,
}

impl Env {
    pub const ALL: [Env; 3] = [Env::Dev, Env::Qa, Env::Prod];

    pub const fn name(self) -> &'static str {
        match self {
            Env::Dev => "dev",
            Env::Qa => "qa",
            Env::Prod => "prod",
        }
    }

    pub const fn index(self) -> usize {
        match self {
            Env::Dev => 0,
            Env::Qa => 1,
            Env::Prod => 2,
        }
    }

    /// The environment's whole range: lower environments in 10/8, prod in 172.16/12.
    pub const fn range(self) -> Cidr {
        match self {
            Env::Dev => Cidr::new(10, 0, 0, 0, 9),
            Env::Qa => Cidr::new(10, 128, 0, 0, 9),
            Env::Prod => Cidr::new(172, 16, 0, 0, 12),
        }
    }

    /// The prefix length of every VPC of the environment.
    pub const fn vpc_len(self) -> u8 {
        match self {
            Env::Dev | Env::Qa => 21,
            Env::Prod => 23,
        }
    }

    /// The regional pool: a quarter of the range per region (the fourth is kept for a fourth
    /// region), so a region's VPCs of one environment sum up to one route.
    pub const fn pool(self, region: usize) -> Cidr {
        let r = self.range();
        r.sub(r.len + 2, region as u64)
    }

    /// How many VPCs fit a regional pool, hence how many accounts the environment may have.
    pub const fn capacity(self) -> usize {
        1 << (self.vpc_len() - (self.range().len + 2))
    }

    /// The other two environments.
    pub fn others(self) -> impl Iterator<Item = Env> {
        Env::ALL.into_iter().filter(move |e| *e != self)
    }
}

/// Accounts cycle through this pattern: 40% dev, 20% qa, 40% prod, and the first three are one
/// of each, as in the seed network.
const PATTERN: [Env; 5] = [Env::Dev, Env::Qa, Env::Prod, Env::Dev, Env::Prod];

/// The environment of account `i` and its rank `k` inside the environment. Stable when the
/// organisation grows: account `i` keeps its environment, rank and addresses.
pub(crate) fn env_of(i: usize) -> (Env, usize) {
    let (block, pos) = (i / PATTERN.len(), i % PATTERN.len());
    match pos {
        0 => (Env::Dev, 2 * block),
        1 => (Env::Qa, block),
        2 => (Env::Prod, 2 * block),
        3 => (Env::Dev, 2 * block + 1),
        _ => (Env::Prod, 2 * block + 1),
    }
}

/// The largest organisation the address plan holds.
pub(crate) fn max_accounts() -> usize {
    let mut i = 0;
    loop {
        let (env, k) = env_of(i);
        if k >= env.capacity() {
            return i;
        }
        i += 1;
    }
}

/// `111111111111` for the first dev account, `222222222222` for the first qa account,
/// `333333333333` for the first prod account (as in the seed), then `+ k × 1000001`.
pub(crate) fn account_id(env: Env, k: usize) -> String {
    let digit = env.index() as u64 + 1;
    format!("{:012}", digit * 111_111_111_111 + k as u64 * 1_000_001)
}

/// A region of the organisation with its three availability zones.
pub(crate) struct Region {
    pub name: &'static str,
    pub azs: [&'static str; 3],
    pub az_ids: [&'static str; 3],
    /// Suffix of private DNS names (`ip-10-0-0-5.ec2.internal`).
    pub private_dns: &'static str,
    /// Suffix of public DNS names (`ec2-3-1-0-5.compute-1.amazonaws.com`).
    pub public_dns: &'static str,
    pub image: &'static str,
}

pub(crate) const REGIONS: [Region; 3] = [
    Region {
        name: "us-east-1",
        azs: ["us-east-1a", "us-east-1b", "us-east-1c"],
        az_ids: ["use1-az1", "use1-az2", "use1-az4"],
        private_dns: "ec2.internal",
        public_dns: "compute-1.amazonaws.com",
        image: "ami-0c02fb55956c7d316",
    },
    Region {
        name: "us-west-2",
        azs: ["us-west-2a", "us-west-2b", "us-west-2c"],
        az_ids: ["usw2-az1", "usw2-az2", "usw2-az3"],
        private_dns: "us-west-2.compute.internal",
        public_dns: "us-west-2.compute.amazonaws.com",
        image: "ami-00ee4df451840fa9d",
    },
    Region {
        name: "eu-west-1",
        azs: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        az_ids: ["euw1-az1", "euw1-az2", "euw1-az3"],
        private_dns: "eu-west-1.compute.internal",
        public_dns: "eu-west-1.compute.amazonaws.com",
        image: "ami-0d71ea30463e0ff8d",
    },
];

pub(crate) const AZ_LETTERS: [&str; 3] = ["a", "b", "c"];

/// The tiers of the VPC template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tier {
    Public,
    App,
    Data,
    Tgw,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Public, Tier::App, Tier::Data, Tier::Tgw];

    pub const fn name(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::App => "app",
            Tier::Data => "data",
            Tier::Tgw => "tgw",
        }
    }

    pub const fn index(self) -> usize {
        match self {
            Tier::Public => 0,
            Tier::App => 1,
            Tier::Data => 2,
            Tier::Tgw => 3,
        }
    }
}

/// The template: the VPC is cut in four AZ blocks (the fourth kept for a fourth AZ); each AZ
/// block holds the public tier in its first quarter, the data tier in the next eighth, the
/// transit gateway /28 after it and the app tier in its second half.
pub(crate) const fn subnet_cidr(vpc: Cidr, az: usize, tier: Tier) -> Cidr {
    let block = vpc.sub(vpc.len + 2, az as u64);
    let size = block.size() as u32;
    match tier {
        Tier::Public => Cidr {
            base: block.base,
            len: vpc.len + 4,
        },
        Tier::Data => Cidr {
            base: block.base + size / 4,
            len: vpc.len + 5,
        },
        Tier::Tgw => Cidr {
            base: block.base + size / 8 * 3,
            len: 28,
        },
        Tier::App => Cidr {
            base: block.base + size / 2,
            len: vpc.len + 3,
        },
    }
}

/// First host offset in a subnet (AWS keeps .0 to .3).
pub(crate) const FIRST_HOST: u32 = 4;

/// Where database `j`'s primary and standby ENIs sit, as (AZ, offset in the data subnet):
/// primaries in AZ `j mod 3`, standbys in the next AZ, primaries first in each subnet.
pub(crate) fn db_slots(dbs: usize) -> Vec<[(usize, u32); 2]> {
    let mut next = [FIRST_HOST; 3];
    let mut take = |az: usize| {
        let slot = next.get_mut(az).map_or(FIRST_HOST, |n| {
            *n += 1;
            *n - 1
        });
        (az, slot)
    };
    let primaries: Vec<(usize, u32)> = (0..dbs).map(|j| take(j % 3)).collect();
    primaries
        .into_iter()
        .enumerate()
        .map(|(j, p)| [p, take((j + 1) % 3)])
        .collect()
}

/// The batch host that runs the pinhole job: the first host of the app subnet in the first AZ.
pub(crate) const fn pinhole_client(vpc: Cidr) -> u32 {
    subnet_cidr(vpc, 0, Tier::App).addr(FIRST_HOST)
}

/// At most this many mesh peerings per VPC; pinhole peerings may add up to [`MAX_PEERINGS`].
const MESH_CAP: usize = 8;
/// At most this many peering connections per VPC.
pub(crate) const MAX_PEERINGS: usize = 10;
/// At most this many pinholes into one VPC (NACL rules 50-53).
pub(crate) const MAX_PINHOLES_IN: usize = 4;
/// Every tenth dev and qa account runs a job against a prod database.
const PINHOLE_STRIDE: usize = 10;

pub(crate) struct Account {
    pub id: String,
    pub env: Env,
    pub k: usize,
}

impl Account {
    /// `dev-0007`: the prefix of every Name tag in the account.
    pub fn name(&self) -> String {
        format!("{}-{:04}", self.env.name(), self.k)
    }
}

/// One VPC; VPC `g` is account `g / 3` in region `g % 3`.
pub(crate) struct VpcPlan {
    pub cidr: Cidr,
    /// Number of RDS databases (2 to 4).
    pub dbs: usize,
    /// Peering connections, by index into [`Org::peerings`].
    pub peerings: Vec<usize>,
    /// Pinholes whose client is here / whose database is here.
    pub pinholes_out: Vec<usize>,
    pub pinholes_in: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PeeringKind {
    /// Neighbours inside one environment and region.
    Mesh,
    /// A cross-environment connection that carries one pinhole.
    Pinhole,
}

pub(crate) struct Peering {
    pub requester: usize,
    pub accepter: usize,
    pub kind: PeeringKind,
}

impl Peering {
    /// The VPC at the other end from `g`.
    pub fn other(&self, g: usize) -> usize {
        if self.requester == g {
            self.accepter
        } else {
            self.requester
        }
    }
}

/// A one-way exception: `client` (a batch host in `src`) may reach the primary and standby of
/// database 0 in `dst` on tcp 3306, over `peering`.
pub(crate) struct Pinhole {
    pub src: usize,
    pub dst: usize,
    pub peering: usize,
    pub client: u32,
    pub primary: u32,
    pub standby: u32,
}

/// The transit gateway of one environment in one region.
pub(crate) struct Hub {
    pub env: Env,
    pub region: usize,
    /// Account index of the owner: the environment's first account.
    pub owner: usize,
    /// Attached VPCs, in rank order.
    pub members: Vec<usize>,
}

pub(crate) struct Org {
    pub ids: Ids,
    pub seed: u64,
    pub accounts: Vec<Account>,
    pub vpcs: Vec<VpcPlan>,
    pub peerings: Vec<Peering>,
    pub pinholes: Vec<Pinhole>,
    /// By `env.index() * 3 + region`.
    pub hubs: Vec<Option<Hub>>,
}

impl Org {
    pub fn plan(accounts: usize, seed: u64) -> Result<Org, SynthError> {
        if accounts == 0 {
            return Err(SynthError::NoAccounts);
        }
        let max = max_accounts();
        if accounts > max {
            return Err(SynthError::TooManyAccounts {
                requested: accounts,
                max,
            });
        }
        let mut by_env: [Vec<usize>; 3] = Default::default();
        let mut accts = Vec::with_capacity(accounts);
        let mut vpcs = Vec::with_capacity(accounts * REGIONS.len());
        for i in 0..accounts {
            let (env, k) = env_of(i);
            if let Some(list) = by_env.get_mut(env.index()) {
                list.push(i);
            }
            accts.push(Account {
                id: account_id(env, k),
                env,
                k,
            });
            for r in 0..REGIONS.len() {
                let g = i * REGIONS.len() + r;
                vpcs.push(VpcPlan {
                    cidr: env.pool(r).sub(env.vpc_len(), k as u64),
                    dbs: Rng::new(seed, "dbs", g as u64).range(2, 4),
                    peerings: Vec::new(),
                    pinholes_out: Vec::new(),
                    pinholes_in: Vec::new(),
                });
            }
        }
        let mut org = Org {
            ids: Ids::new(seed),
            seed,
            accounts: accts,
            vpcs,
            peerings: Vec::new(),
            pinholes: Vec::new(),
            hubs: Vec::new(),
        };
        for env in Env::ALL {
            let members = by_env.get(env.index()).cloned().unwrap_or_default();
            for r in 0..REGIONS.len() {
                let gs: Vec<usize> = members.iter().map(|a| a * REGIONS.len() + r).collect();
                org.mesh(env, r, &gs);
                org.hubs.push(members.first().map(|&owner| Hub {
                    env,
                    region: r,
                    owner,
                    members: gs,
                }));
            }
        }
        let prod = by_env.get(Env::Prod.index()).cloned().unwrap_or_default();
        for (src_env, shift) in [(Env::Dev, 0), (Env::Qa, 1)] {
            let sources = by_env.get(src_env.index()).cloned().unwrap_or_default();
            for (j, &acct) in sources.iter().step_by(PINHOLE_STRIDE).enumerate() {
                org.pinhole(
                    acct,
                    (j + shift) % REGIONS.len(),
                    &prod,
                    j * 37 + shift * 11,
                );
            }
        }
        Ok(org)
    }

    /// A sparse mesh among the VPCs `gs` of one environment and region: each VPC requests
    /// peerings to its next two neighbours and, half the time, to one a little further on.
    fn mesh(&mut self, env: Env, region: usize, gs: &[usize]) {
        let mut rng = Rng::new(self.seed, "mesh", (env.index() * 4 + region) as u64);
        for k in 0..gs.len() {
            let chord = rng.chance(1, 2).then(|| 3 + rng.below(13) as usize);
            for off in [Some(1), Some(2), chord].into_iter().flatten() {
                if let (Some(&a), Some(&b)) = (gs.get(k), gs.get(k + off))
                    && self.degree(a) < MESH_CAP
                    && self.degree(b) < MESH_CAP
                {
                    self.peer(a, b, PeeringKind::Mesh);
                }
            }
        }
    }

    fn degree(&self, g: usize) -> usize {
        self.vpcs.get(g).map_or(usize::MAX, |v| v.peerings.len())
    }

    fn peer(&mut self, requester: usize, accepter: usize, kind: PeeringKind) -> usize {
        let p = self.peerings.len();
        self.peerings.push(Peering {
            requester,
            accepter,
            kind,
        });
        for g in [requester, accepter] {
            if let Some(v) = self.vpcs.get_mut(g) {
                v.peerings.push(p);
            }
        }
        p
    }

    /// A pinhole from the first batch host of `acct` in `region` to database 0 of a prod VPC
    /// of the same region, picked from `start` on among those with room for one more peering.
    fn pinhole(&mut self, acct: usize, region: usize, prod: &[usize], start: usize) {
        let src = acct * REGIONS.len() + region;
        if prod.is_empty() || self.degree(src) >= MAX_PEERINGS {
            return;
        }
        let dst = (0..prod.len().min(32))
            .filter_map(|t| prod.get((start + t) % prod.len()))
            .map(|&a| a * REGIONS.len() + region)
            .find(|&g| {
                self.degree(g) < MAX_PEERINGS
                    && self
                        .vpcs
                        .get(g)
                        .is_some_and(|v| v.pinholes_in.len() < MAX_PINHOLES_IN)
            });
        let (Some(dst), Some(s), Some(d)) = (
            dst,
            self.vpcs.get(src).map(|v| v.cidr),
            dst.and_then(|g| self.vpcs.get(g)),
        ) else {
            return;
        };
        let (dst_cidr, slots) = (d.cidr, db_slots(d.dbs));
        let Some([(paz, poff), (saz, soff)]) = slots.first().copied() else {
            return;
        };
        let peering = self.peer(src, dst, PeeringKind::Pinhole);
        let n = self.pinholes.len();
        self.pinholes.push(Pinhole {
            src,
            dst,
            peering,
            client: pinhole_client(s),
            primary: subnet_cidr(dst_cidr, paz, Tier::Data).addr(poff),
            standby: subnet_cidr(dst_cidr, saz, Tier::Data).addr(soff),
        });
        if let Some(v) = self.vpcs.get_mut(src) {
            v.pinholes_out.push(n);
        }
        if let Some(v) = self.vpcs.get_mut(dst) {
            v.pinholes_in.push(n);
        }
    }

    pub fn account_of(&self, g: usize) -> Option<&Account> {
        self.accounts.get(g / REGIONS.len())
    }

    pub fn hub(&self, env: Env, region: usize) -> Option<&Hub> {
        self.hubs
            .get(env.index() * REGIONS.len() + region)
            .and_then(Option::as_ref)
    }

    /// Id of the resource numbered `local` in VPC `g`.
    pub fn vpc_scoped(&self, prefix: &str, g: usize, local: u64) -> String {
        self.ids
            .id(prefix, key(g / REGIONS.len(), g % REGIONS.len(), local))
    }

    pub fn vpc_id(&self, g: usize) -> String {
        self.vpc_scoped("vpc", g, 0)
    }

    pub fn sg_id(&self, g: usize, role: Sg) -> String {
        self.vpc_scoped("sg", g, role.local())
    }

    pub fn pcx_id(&self, p: usize) -> String {
        self.ids.id("pcx", p as u64)
    }

    pub fn tgw_id(&self, hub: &Hub) -> String {
        self.ids
            .id("tgw", (hub.env.index() * 4 + hub.region) as u64)
    }

    pub fn tgw_rtb_id(&self, hub: &Hub) -> String {
        self.ids
            .id("tgw-rtb", (hub.env.index() * 4 + hub.region) as u64)
    }

    pub fn tgw_attachment_id(&self, g: usize) -> String {
        self.ids.id("tgw-attach", g as u64)
    }

    /// `dev-0007-us-east-1`.
    pub fn vpc_name(&self, g: usize) -> String {
        let region = REGIONS.get(g % REGIONS.len()).map_or("", |r| r.name);
        match self.account_of(g) {
            Some(a) => format!("{}-{region}", a.name()),
            None => String::new(),
        }
    }
}

/// The security groups of the template, numbered for their ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sg {
    Default,
    Web,
    App,
    Batch,
    Data,
    Endpoints,
    Db(usize),
    Team(usize),
}

impl Sg {
    const fn local(self) -> u64 {
        match self {
            Sg::Default => 0,
            Sg::Web => 1,
            Sg::App => 2,
            Sg::Batch => 3,
            Sg::Data => 4,
            Sg::Endpoints => 5,
            Sg::Db(j) => 16 + j as u64,
            Sg::Team(t) => 32 + t as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_split_40_20_40_and_start_like_the_seed() {
        let envs: Vec<Env> = (0..3).map(|i| env_of(i).0).collect();
        assert_eq!(envs, [Env::Dev, Env::Qa, Env::Prod]);
        let mut n = [0usize; 3];
        for i in 0..1000 {
            let (e, k) = env_of(i);
            assert_eq!(k, n[e.index()], "ranks are dense");
            n[e.index()] += 1;
        }
        assert_eq!(n, [400, 200, 400]);
        assert_eq!(account_id(Env::Dev, 0), "111111111111");
        assert_eq!(account_id(Env::Prod, 0), "333333333333");
        assert_eq!(account_id(Env::Prod, 511).len(), 12);
        assert_eq!(max_accounts(), 1282);
    }

    #[test]
    fn template_fits_and_does_not_overlap() {
        for env in Env::ALL {
            let vpc = env.pool(0).sub(env.vpc_len(), 3);
            let mut all = Vec::new();
            for az in 0..3 {
                for tier in Tier::ALL {
                    let s = subnet_cidr(vpc, az, tier);
                    assert!(vpc.contains(s), "{env:?} {s}");
                    assert!((24..=28).contains(&s.len) || env == Env::Prod, "{s}");
                    all.push(s);
                }
            }
            for (i, a) in all.iter().enumerate() {
                for b in all.iter().skip(i + 1) {
                    assert!(!a.overlaps(*b), "{a} {b}");
                }
            }
        }
        let dev = Env::Dev.pool(0).sub(21, 0);
        assert_eq!(subnet_cidr(dev, 1, Tier::App).to_string(), "10.0.3.0/24");
        assert_eq!(subnet_cidr(dev, 0, Tier::Tgw).to_string(), "10.0.0.192/28");
        let prod = Env::Prod.pool(2).sub(23, 0);
        assert_eq!(prod.to_string(), "172.24.0.0/23");
        assert_eq!(
            subnet_cidr(prod, 2, Tier::Data).to_string(),
            "172.24.1.32/28"
        );
    }

    #[test]
    fn address_plan_holds_the_largest_organisation() {
        let org = Org::plan(max_accounts(), 1);
        assert!(org.is_ok());
        let Ok(org) = org else { return };
        for env in Env::ALL {
            let mut cidrs: Vec<Cidr> = org
                .vpcs
                .iter()
                .enumerate()
                .filter(|(g, _)| org.account_of(*g).is_some_and(|a| a.env == env))
                .map(|(_, v)| v.cidr)
                .collect();
            cidrs.sort();
            assert!(cidrs.windows(2).all(|w| !w[0].overlaps(w[1])), "{env:?}");
            assert!(cidrs.iter().all(|c| env.range().contains(*c)));
        }
        assert!(matches!(
            Org::plan(max_accounts() + 1, 1),
            Err(SynthError::TooManyAccounts { .. })
        ));
    }

    #[test]
    fn peerings_are_bounded_and_never_overlap() {
        let Ok(org) = Org::plan(1000, 42) else {
            unreachable!("1000 accounts fit the plan")
        };
        assert!(org.vpcs.iter().all(|v| v.peerings.len() <= MAX_PEERINGS));
        let avg = org.peerings.len() as f64 * 2.0 / org.vpcs.len() as f64;
        assert!((3.0..=7.0).contains(&avg), "{avg}");
        for p in &org.peerings {
            let (a, b) = (&org.vpcs[p.requester], &org.vpcs[p.accepter]);
            assert!(!a.cidr.overlaps(b.cidr));
            assert_eq!(p.requester % 3, p.accepter % 3, "same region");
        }
        assert_eq!(org.pinholes.len(), 60);
        for ph in &org.pinholes {
            assert!(org.vpcs[ph.dst].pinholes_in.len() <= MAX_PINHOLES_IN);
            assert_eq!(org.account_of(ph.dst).map(|a| a.env), Some(Env::Prod));
        }
        let three = Org::plan(3, 0);
        assert!(three.is_ok_and(|o| o.pinholes.len() == 2 && o.hubs.iter().flatten().count() == 9));
    }

    #[test]
    fn databases_fill_the_data_subnets_in_order() {
        assert_eq!(
            db_slots(4),
            vec![
                [(0, 4), (1, 5)],
                [(1, 4), (2, 5)],
                [(2, 4), (0, 6)],
                [(0, 5), (1, 6)]
            ]
        );
    }
}
