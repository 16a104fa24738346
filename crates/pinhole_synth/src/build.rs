//! One account in one region: its VPC built from the template, with workloads, security groups,
//! network ACLs, route tables, gateways, peerings, endpoints and databases; and, for the
//! environment's first account, the transit gateway hub of the region.

use crate::aws::{self, GroupRef, Tag, tags};
use crate::net::Cidr;
use crate::plan::{
    AZ_LETTERS, Account, Env, Org, PeeringKind, Pinhole, REGIONS, Region, Sg, Tier, subnet_cidr,
};
use crate::rng::Rng;

mod filters;
mod routing;
mod workloads;

/// What one account writes in one region.
#[derive(Default)]
pub(crate) struct RegionFiles {
    pub vpcs: Vec<aws::Vpc>,
    pub subnets: Vec<aws::Subnet>,
    pub route_tables: Vec<aws::RouteTable>,
    pub network_acls: Vec<aws::NetworkAcl>,
    pub security_groups: Vec<aws::SecurityGroup>,
    pub enis: Vec<aws::Eni>,
    pub reservations: Vec<aws::Reservation>,
    pub internet_gateways: Vec<aws::InternetGateway>,
    pub nat_gateways: Vec<aws::NatGateway>,
    pub addresses: Vec<aws::Address>,
    pub peerings: Vec<aws::PeeringConnection>,
    pub vpc_endpoints: Vec<aws::VpcEndpoint>,
    pub db_instances: Vec<aws::DbInstance>,
    pub tgw_vpc_attachments: Vec<aws::TgwVpcAttachment>,
    pub hub: Option<HubFiles>,
    pub counts: Counts,
}

/// The transit gateway files of a hub owner.
pub(crate) struct HubFiles {
    pub transit_gateways: Vec<aws::TransitGateway>,
    pub route_tables: Vec<aws::TgwRouteTable>,
    pub attachments: Vec<aws::TgwAttachment>,
    pub propagations: Vec<aws::PropagationsOfTable>,
    pub static_routes: Vec<aws::RoutesOfTable>,
}

/// Resources written, each counted once for the whole organisation.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counts {
    pub vpcs: usize,
    pub subnets: usize,
    pub route_tables: usize,
    pub enis: usize,
    pub instances: usize,
    pub security_groups: usize,
    pub sg_rules: usize,
    pub network_acls: usize,
    pub nacl_entries: usize,
    pub peerings: usize,
    pub transit_gateways: usize,
    pub tgw_attachments: usize,
    pub db_instances: usize,
    pub pinholes: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, d: Counts) {
        self.vpcs += d.vpcs;
        self.subnets += d.subnets;
        self.route_tables += d.route_tables;
        self.enis += d.enis;
        self.instances += d.instances;
        self.security_groups += d.security_groups;
        self.sg_rules += d.sg_rules;
        self.network_acls += d.network_acls;
        self.nacl_entries += d.nacl_entries;
        self.peerings += d.peerings;
        self.transit_gateways += d.transit_gateways;
        self.tgw_attachments += d.tgw_attachments;
        self.db_instances += d.db_instances;
        self.pinholes += d.pinholes;
    }
}

const TEAMS: [&str; 10] = [
    "payments",
    "search",
    "identity",
    "analytics",
    "platform",
    "mobile",
    "checkout",
    "catalog",
    "ledger",
    "growth",
];
const TEAM_PORTS: [i32; 6] = [22, 443, 3389, 5601, 8443, 9090];
const DB_NAMES: [&str; 4] = ["orders", "customers", "inventory", "billing"];
const ENDPOINT_SERVICES: [&str; 2] = ["ssm", "ecr.api"];
/// Teams per VPC, each with its own security group.
const TEAMS_PER_VPC: usize = 3;
/// The organisation's threat-intelligence block list, denied first in the public and app NACLs.
const BLOCKLIST_LEN: u32 = 20;
/// Office addresses allowed to SSH into the public tier (NACL); teams allow more of them (SGs).
const NACL_OFFICES: u32 = 6;
/// AWS's stand-in account for service-managed interfaces (documentation account id).
const AWS_SERVICE_ACCOUNT: &str = "444455556666";
const ANY: &str = "0.0.0.0/0";
/// First address of the public pool: each VPC owns 32 public addresses from here.
const PUBLIC_POOL: u32 = u32::from_be_bytes([3, 1, 0, 0]);

/// `use1` for `us-east-1`.
fn region_short(r: &Region) -> String {
    let mut parts = r.name.split('-');
    let (a, b, c) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    format!(
        "{a}{}{c}",
        b.chars().next().map(String::from).unwrap_or_default()
    )
}

fn stamp(rng: &mut Rng) -> String {
    format!(
        "20{:02}-{:02}-{:02} {:02}:{:02}:{:02}+00:00",
        rng.range(21, 24),
        rng.range(1, 12),
        rng.range(1, 28),
        rng.range(0, 23),
        rng.range(0, 59),
        rng.range(0, 59)
    )
}

struct Builder<'a> {
    org: &'a Org,
    g: usize,
    r: usize,
    acct: &'a Account,
    region: &'a Region,
    /// `dev-0007`.
    prefix: String,
    vpc_id: String,
    cidr: Cidr,
    pool: Cidr,
    rng: Rng,
    teams: Vec<(usize, Vec<i32>, Vec<u32>)>,
    /// Network interfaces per (AZ, tier), for `AvailableIpAddressCount`.
    used: [[u64; 4]; 3],
    next_eni: u64,
    next_instance: u64,
    next_public: u32,
    out: RegionFiles,
}

/// Builds account `g / 3`'s files for region `g % 3`.
pub(crate) fn region_files(org: &Org, g: usize) -> RegionFiles {
    let (Some(acct), Some(region), Some(plan)) = (
        org.account_of(g),
        REGIONS.get(g % REGIONS.len()),
        org.vpcs.get(g),
    ) else {
        return RegionFiles::default();
    };
    let r = g % REGIONS.len();
    let mut rng = Rng::new(org.seed, "vpc", g as u64);
    let mut picked: Vec<usize> = Vec::with_capacity(TEAMS_PER_VPC);
    while picked.len() < TEAMS_PER_VPC {
        let t = rng.below(TEAMS.len() as u64) as usize;
        if !picked.contains(&t) {
            picked.push(t);
        }
    }
    let teams = picked
        .into_iter()
        .map(|t| {
            let mut ports: Vec<i32> = Vec::with_capacity(3);
            while ports.len() < 3 {
                let p = TEAM_PORTS
                    .get(rng.below(TEAM_PORTS.len() as u64) as usize)
                    .copied()
                    .unwrap_or(22);
                if !ports.contains(&p) {
                    ports.push(p);
                }
            }
            ports.sort_unstable();
            let (len, start) = (rng.range(16, 22) as u32, rng.below(254) as u32);
            let list = (0..len).map(|x| (start + x * 7) % 254).collect();
            (t, ports, list)
        })
        .collect();
    let mut b = Builder {
        org,
        g,
        r,
        acct,
        region,
        prefix: acct.name(),
        vpc_id: org.vpc_id(g),
        cidr: plan.cidr,
        pool: acct.env.pool(r),
        rng,
        teams,
        used: [[0; 4]; 3],
        next_eni: 0,
        next_instance: 0,
        next_public: PUBLIC_POOL + (g as u32) * 32 + 1,
        out: RegionFiles::default(),
    };
    b.build();
    b.out
}

impl Builder<'_> {
    fn id(&self, prefix: &str, local: u64) -> String {
        self.org.vpc_scoped(prefix, self.g, local)
    }

    fn subnet_id(&self, az: usize, tier: Tier) -> String {
        self.org
            .vpc_scoped("subnet", self.g, (az * 4 + tier.index()) as u64)
    }

    fn env(&self) -> Env {
        self.acct.env
    }

    fn tags(&self, name: String) -> Vec<Tag> {
        tags(name, Some(self.env().name()))
    }

    fn build(&mut self) {
        self.out.counts.vpcs = 1;
        self.vpc();
        self.workloads();
        self.subnets();
        self.security_groups();
        self.network_acls();
        self.route_tables();
        self.peerings();
        self.transit_gateway();
    }

    fn vpc(&mut self) {
        let cidr = self.cidr.to_string();
        self.out.vpcs.push(aws::Vpc {
            cidr_block: cidr.clone(),
            cidr_block_association_set: vec![aws::CidrAssoc {
                association_id: self.id("vpc-cidr-assoc", 0),
                cidr_block: cidr,
                cidr_block_state: aws::StateName {
                    state: "associated",
                },
            }],
            dhcp_options_id: self.id("dopt", 0),
            instance_tenancy: "default",
            is_default: false,
            owner_id: self.acct.id.clone(),
            state: "available",
            tags: self.tags(self.org.vpc_name(self.g)),
            vpc_id: self.vpc_id.clone(),
        });
        self.out.internet_gateways.push(aws::InternetGateway {
            attachments: vec![aws::GatewayAttachment {
                state: "available",
                vpc_id: self.vpc_id.clone(),
            }],
            internet_gateway_id: self.id("igw", 0),
            owner_id: self.acct.id.clone(),
            tags: self.tags(format!("{}-igw", self.prefix)),
        });
    }

    fn subnets(&mut self) {
        for az in 0..3 {
            for tier in Tier::ALL {
                let cidr = subnet_cidr(self.cidr, az, tier);
                let id = self.subnet_id(az, tier);
                let used = self
                    .used
                    .get(az)
                    .and_then(|u| u.get(tier.index()))
                    .copied()
                    .unwrap_or(0);
                let letter = AZ_LETTERS.get(az).copied().unwrap_or("");
                self.out.subnets.push(aws::Subnet {
                    assign_ipv6_address_on_creation: false,
                    availability_zone: self.az(az),
                    availability_zone_id: self.region.az_ids.get(az).copied().unwrap_or(""),
                    available_ip_address_count: cidr.usable().saturating_sub(used),
                    cidr_block: cidr.to_string(),
                    default_for_az: false,
                    ipv6_cidr_block_association_set: [],
                    map_public_ip_on_launch: tier == Tier::Public,
                    owner_id: self.acct.id.clone(),
                    state: "available",
                    subnet_arn: format!(
                        "arn:aws:ec2:{}:{}:subnet/{id}",
                        self.region.name, self.acct.id
                    ),
                    subnet_id: id,
                    tags: self.tags(format!("{}-{}-{letter}", self.prefix, tier.name())),
                    vpc_id: self.vpc_id.clone(),
                });
                self.out.counts.subnets += 1;
            }
        }
    }

    fn az(&self, az: usize) -> &'static str {
        self.region.azs.get(az).copied().unwrap_or("")
    }

    fn sg_name(&self, sg: Sg) -> String {
        let p = &self.prefix;
        match sg {
            Sg::Default => "default".to_owned(),
            Sg::Web => format!("{p}-web-sg"),
            Sg::App => format!("{p}-app-sg"),
            Sg::Batch => format!("{p}-batch-sg"),
            Sg::Data => format!("{p}-data-sg"),
            Sg::Endpoints => format!("{p}-endpoints-sg"),
            Sg::Db(j) => format!("{p}-{}-db-sg", DB_NAMES.get(j).copied().unwrap_or("db")),
            Sg::Team(t) => format!("{p}-team-{}-sg", self.team_name(t)),
        }
    }

    fn team_name(&self, t: usize) -> &'static str {
        self.teams
            .get(t)
            .and_then(|(n, _, _)| TEAMS.get(*n))
            .copied()
            .unwrap_or("ops")
    }

    fn group_ref(&self, sg: Sg) -> GroupRef {
        GroupRef {
            group_id: self.org.sg_id(self.g, sg),
            group_name: self.sg_name(sg),
        }
    }

    fn db_id(&self, j: usize) -> String {
        format!(
            "{}-{}-{}",
            self.prefix,
            region_short(self.region),
            DB_NAMES.get(j).copied().unwrap_or("db")
        )
    }

    /// Same-environment peers reached over a mesh peering: (connection, VPC).
    fn mesh_peers(&self) -> Vec<(usize, usize)> {
        let Some(v) = self.org.vpcs.get(self.g) else {
            return Vec::new();
        };
        v.peerings
            .iter()
            .filter_map(|&p| self.org.peerings.get(p).map(|c| (p, c)))
            .filter(|(_, c)| c.kind == PeeringKind::Mesh)
            .map(|(p, c)| (p, c.other(self.g)))
            .collect()
    }

    fn peer_cidr(&self, g: usize) -> Cidr {
        self.org.vpcs.get(g).map_or(Cidr::host(0), |v| v.cidr)
    }

    /// Pinholes whose client is here / whose database is here.
    fn pinholes(&self, outgoing: bool) -> Vec<&Pinhole> {
        let Some(v) = self.org.vpcs.get(self.g) else {
            return Vec::new();
        };
        let list = if outgoing {
            &v.pinholes_out
        } else {
            &v.pinholes_in
        };
        list.iter()
            .filter_map(|&i| self.org.pinholes.get(i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_short_names() {
        assert_eq!(region_short(&REGIONS[0]), "use1");
        assert_eq!(region_short(&REGIONS[2]), "euw1");
    }
}
