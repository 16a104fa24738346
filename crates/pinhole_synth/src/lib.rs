//! Synthetic organisations for scale tests: a realistic multi-account AWS network written as
//! `aws ec2 describe-*` (and `aws rds describe-db-instances`) JSON, in the layout
//! `aws_configs/accounts/<account>/<region>/<Thing>.json` that `pinhole_ingest::load_path` reads.
//!
//! The network is the one of `aws-multi-account-strategy-part2` grown to an organisation: dev, qa
//! and prod accounts, every VPC copied from one template, public and private tiers, a peering
//! mesh, one-way MySQL "pinholes" from lower environments into prod, built from stateless NACLs
//! plus stateful security groups, and, beyond the article, a transit gateway hub per environment
//! and region. Sizes grow linearly: a 1,000-account organisation has 3,000 VPCs, 36,000 subnets,
//! about 300,000 network interfaces, 600,000 security-group rules and 400,000 NACL entries.
//!
//! ```no_run
//! let opts = pinhole_synth::SynthOptions { accounts: 100, seed: 1 };
//! let stats = pinhole_synth::generate(&opts, std::path::Path::new("/tmp/org100"))?;
//! println!("{stats}");
//! # Ok::<(), pinhole_synth::SynthError>(())
//! ```
//!
//! The output depends on `accounts` and `seed` only: the same options give the same bytes,
//! whatever the machine or the number of threads.
//!
//! # Accounts
//!
//! Account `i` belongs to an environment by the repeating pattern dev, qa, prod, dev, prod (40%
//! dev, 20% qa, 40% prod; the first three accounts are one of each, like the seed network). Its
//! rank `k` inside the environment fixes its id: `111111111111 + k × 1000001` for dev,
//! `222222222222 + …` for qa, `333333333333 + …` for prod. Adding accounts never renumbers or
//! readdresses existing ones. Every account has one VPC in each of `us-east-1`, `us-west-2` and
//! `eu-west-1`.
//!
//! # Address plan
//!
//! As in the article, lower environments live in 10/8 and prod in 172.16/12 ("a clue to be extra
//! careful"). Each environment's range is cut into four regional pools (the fourth kept for a
//! fourth region), so one route or one NACL rule covers an environment in a region, and one
//! covers a whole environment:
//!
//! | environment | range | us-east-1 | us-west-2 | eu-west-1 | VPC | VPCs per pool |
//! |---|---|---|---|---|---|---|
//! | dev | 10.0.0.0/9 | 10.0.0.0/11 | 10.32.0.0/11 | 10.64.0.0/11 | /21 | 1,024 |
//! | qa | 10.128.0.0/9 | 10.128.0.0/11 | 10.160.0.0/11 | 10.192.0.0/11 | /21 | 1,024 |
//! | prod | 172.16.0.0/12 | 172.16.0.0/14 | 172.20.0.0/14 | 172.24.0.0/14 | /23 | 512 |
//!
//! The VPC of rank `k` is the `k`-th block of its pool. No two VPCs of an environment overlap
//! (across regions too), the environments do not overlap each other, so peered VPCs and VPCs on
//! one transit gateway never overlap either. Prod VPCs are /23 rather than /21 because 40% of
//! 1,000 accounts × 3 regions = 1,200 VPCs do not fit 172.16/12 at /21 (512 of them would); the
//! plan holds at most 1,282 accounts (512 prod accounts) and [`generate`] refuses more.
//!
//! The template (the article's "VPC /16, AZ /20, subnet /24", scaled down) cuts the VPC into four
//! AZ blocks, three used and one kept for a fourth AZ. Each AZ block holds:
//!
//! | tier | place in the AZ block | dev and qa (/21 VPC) | prod (/23 VPC) |
//! |---|---|---|---|
//! | public | first quarter | /25 | /27 |
//! | data | next eighth | /26 | /28 |
//! | transit gateway attachment | next /28 | /28 | /28 |
//! | app (private) | second half | /24 | /26 |
//!
//! For example dev's first VPC in us-east-1 is 10.0.0.0/21: AZ a has public 10.0.0.0/25, data
//! 10.0.0.128/26, attachment 10.0.0.192/28 and app 10.0.1.0/24; AZ b starts at 10.0.2.0/23.
//!
//! Public addresses (NAT gateway Elastic IPs, web hosts' auto-assigned addresses) come from a
//! block of 32 addresses per VPC in 3.1.0.0 onwards (outside RFC 1918, unique); office and VPN
//! addresses from 198.51.100.0/24 and the block list from 203.0.113.0/24 and 192.0.2.0/24
//! (documentation ranges).
//!
//! # Each VPC
//!
//! - **Gateways.** An internet gateway; a NAT gateway per AZ at `.5` of the public subnet with an
//!   Elastic IP (`Addresses.json`) and its `nat_gateway` interface.
//! - **Route tables.** Main (local route only, no subnet uses it); public (peers, the regional
//!   pool → transit gateway, 0.0.0.0/0 → IGW); one app table per AZ (peers, pinhole peers, pool →
//!   TGW, 0.0.0.0/0 → that AZ's NAT gateway); data (peers, pinhole peers, pool → TGW, no internet);
//!   attachment subnets (local only). Peer routes are the peer's /21 or /23 and win over the
//!   pool route by longest prefix.
//! - **Workloads.** Per AZ: 3-5 web hosts in the public subnet with public addresses, 5-7 batch
//!   hosts and 14-20 app hosts in the app subnet (about one in 25 stopped; the first batch host of
//!   each AZ always runs); 2-4 Multi-AZ MySQL databases (`DBInstances`, primary in one AZ,
//!   standby in the next, `RDSNetworkInterface` interfaces in the data subnets); interface
//!   endpoints for `ssm` and `ecr.api` in the app subnets; a transit gateway interface per AZ.
//!   About 100 network interfaces per VPC.
//! - **Security groups.** `default` (self-reference); web (443 and 80 from anywhere); app (8080
//!   from the web group, the VPC and each mesh peer; 9100 and ICMP from the regional pool); batch
//!   (out: 443 anywhere, 3306 to the VPC and to its pinhole databases); data (3306 from the app
//!   group); one group per database (3306 from the batch group, from the first peer's app group
//!   across the peering, and from pinhole clients); endpoints (443 from the VPC); three team
//!   groups with 16-22 office /32s on three admin ports each. About 200 rules per VPC.
//! - **Network ACLs.** Rules 1-20 deny the block list (public in and out, app out); 90-91 deny
//!   the other two environments' ranges in both directions; then public allows 443 and 80,
//!   ephemeral returns (tcp/udp 1024-65535), the VPC, and SSH from six offices; app allows 8080
//!   from the public subnets and the mesh peers, 9100/ICMP from the pool, SSH and 443 from the
//!   public subnets, the app tier and ephemeral returns, everything out; data allows 3306 from
//!   the app subnets and mesh peers and ephemeral ports back to them, nothing else; the
//!   attachment subnets' NACL is open, as AWS recommends; the default NACL (allow all) has no
//!   subnet. About 135 entries per VPC.
//!
//! # Between VPCs
//!
//! - **Peering mesh.** Inside each environment and region, VPC `k` requests a peering to `k+1`,
//!   `k+2` and, half the time, to one of `k+3` to `k+15`; at most 8 mesh peerings per VPC. Every
//!   connection is `active`, written into both accounts' `VpcPeeringConnections.json`, with
//!   routes on both sides.
//! - **Transit gateways.** One per environment and region, owned by the environment's first
//!   account (its files sit in that account's folder: `TransitGateways`, the route table, every
//!   `TransitGatewayAttachments` entry with its association, every
//!   `TransitGatewayVpcAttachments` entry with the participant's `VpcOwnerId`,
//!   `TransitGatewayPropagations` and `TransitGatewayStaticRoutes` wrapped per route table).
//!   Every VPC of the environment in the region attaches with its three /28s, associates with
//!   and propagates into the one route table; static blackhole routes drop the other
//!   environments' ranges. Participants also list their own VPC attachment.
//! - **Pinholes.** Every tenth dev and every tenth qa account gets the article's exception: its
//!   first batch host (`.4` of app subnet a) may reach database 0 of a prod VPC in the same region
//!   on tcp 3306, primary and standby (the failover the article forgets), over a dedicated
//!   cross-environment peering with routes on both sides. Both NACLs carry the request and the
//!   reply (client side: 3306 out, 1024-65535 in from the two database addresses, rules 50-51;
//!   database side: 3306 in, 1024-65535 out to the client, rules 50-53), ahead of the
//!   environment denies; the batch group allows 3306 out to the two addresses and the
//!   database's group 3306 in from the client. The prod side never opens anything towards the
//!   client's other ports.

mod aws;
mod build;
mod net;
mod plan;
mod rng;
mod write;

use std::fmt;
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SynthOptions {
    /// Number of accounts (each with one VPC in each of three regions); 1 to 1,282.
    pub accounts: usize,
    /// Seed of every random choice and of the resource ids.
    pub seed: u64,
}

impl Default for SynthOptions {
    /// The seed network's size: one dev, one qa and one prod account.
    fn default() -> Self {
        SynthOptions {
            accounts: 3,
            seed: 0,
        }
    }
}

/// What [`generate`] wrote. Every resource is counted once for the organisation, even when it
/// appears in two accounts' files (a peering connection, a transit gateway attachment).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SynthStats {
    pub accounts: usize,
    pub vpcs: usize,
    pub subnets: usize,
    pub route_tables: usize,
    /// Network interfaces in `NetworkInterfaces.json`: instances, NAT gateways, databases,
    /// endpoints and transit gateway attachments.
    pub enis: usize,
    pub instances: usize,
    pub security_groups: usize,
    /// Security group rules, one per IP range or group pair of a permission, in and out.
    pub sg_rules: usize,
    pub network_acls: usize,
    /// NACL entries as written, including the `*` (32767) rule of each direction.
    pub nacl_entries: usize,
    /// Peering connections (mesh and pinhole).
    pub peerings: usize,
    pub transit_gateways: usize,
    pub tgw_attachments: usize,
    pub db_instances: usize,
    /// Cross-environment pinholes.
    pub pinholes: usize,
    pub files: usize,
    pub bytes: u64,
}

impl fmt::Display for SynthStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} accounts, {} VPCs, {} subnets, {} route tables, {} ENIs ({} instances, {} databases), \
             {} security groups with {} rules, {} NACLs with {} entries, {} peerings ({} pinholes), \
             {} transit gateways with {} attachments; {} files, {:.1} MB",
            self.accounts,
            self.vpcs,
            self.subnets,
            self.route_tables,
            self.enis,
            self.instances,
            self.db_instances,
            self.security_groups,
            self.sg_rules,
            self.network_acls,
            self.nacl_entries,
            self.peerings,
            self.pinholes,
            self.transit_gateways,
            self.tgw_attachments,
            self.files,
            self.bytes as f64 / 1e6
        )
    }
}

/// Why nothing (or not everything) was generated.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("at least one account is needed")]
    NoAccounts,
    #[error("{requested} accounts do not fit the address plan: at most {max}")]
    TooManyAccounts { requested: usize, max: usize },
    /// Refused rather than mixed with (or deleting) an earlier snapshot.
    #[error("`{}` already holds files: remove it or choose another output directory", path.display())]
    OutputExists { path: PathBuf },
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot serialise `{}`: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("a generator thread stopped unexpectedly")]
    Thread,
}

/// Writes an organisation of `opts.accounts` accounts under `out/aws_configs/accounts/`.
///
/// `out/aws_configs` must not exist yet or be empty. On error, files written so far stay.
pub fn generate(opts: &SynthOptions, out: &Path) -> Result<SynthStats, SynthError> {
    generate_with_progress(opts, out, &|_, _| {})
}

/// [`generate`], calling `progress(accounts written, accounts)` after each account (from the
/// writer threads, in no particular order of accounts).
pub fn generate_with_progress(
    opts: &SynthOptions,
    out: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SynthStats, SynthError> {
    let org = plan::Org::plan(opts.accounts, opts.seed)?;
    write::org(&org, out, progress)
}
