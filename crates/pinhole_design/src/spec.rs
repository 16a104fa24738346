//! The design file as written: serde types with source locations. Nothing here is checked beyond
//! its shape; `check` resolves names and `plan` computes addresses.

use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// A located value of the design file.
pub type Sp<T> = Spanned<T>;

/// The whole design file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignFile {
    pub version: Sp<u32>,
    /// Alias → 12-digit account id (the intent file's `accounts`).
    #[serde(default)]
    pub accounts: BTreeMap<String, Sp<String>>,
    /// The intent file's groups: kept as data for the intent engine; pinholes resolve a subset.
    #[serde(default)]
    pub groups: BTreeMap<String, Sp<serde_json::Value>>,
    /// The intent file's intents: kept as data for the intent engine.
    #[serde(default)]
    pub intents: Vec<Sp<serde_json::Value>>,
    /// Region name → its AZ slots.
    pub regions: BTreeMap<String, Sp<Region>>,
    /// Environment name → pools and member accounts.
    pub environments: BTreeMap<String, Sp<Environment>>,
    pub template: Sp<Template>,
    #[serde(default)]
    pub peering: Option<Sp<Peering>>,
    #[serde(default)]
    pub isolation: Option<Sp<Isolation>>,
    /// Workloads: instances and RDS databases placed in the template's subnets.
    #[serde(default)]
    pub hosts: BTreeMap<String, Sp<Host>>,
    /// Cross-account exceptions to the isolation.
    #[serde(default)]
    pub pinholes: Vec<Sp<Pinhole>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// AZ suffix (`a`, `b`, …) → slot of its block inside every VPC of the region.
    pub azs: BTreeMap<String, Sp<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// Region → the pool this environment's VPCs in that region are cut from.
    pub pools: BTreeMap<String, Sp<String>>,
    /// Account alias → its VPC's slot in each pool (and optionally Elastic IPs for analysis).
    pub accounts: BTreeMap<String, Sp<AccountPlace>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum AccountPlace {
    Slot(u32),
    Full {
        slot: u32,
        #[serde(default)]
        eips: BTreeMap<String, Vec<String>>,
    },
}

impl AccountPlace {
    pub fn slot(&self) -> u32 {
        match self {
            AccountPlace::Slot(s) | AccountPlace::Full { slot: s, .. } => *s,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Prefix length of every VPC (16–28).
    pub vpc: Sp<u8>,
    /// Prefix length of the per-AZ block inside the VPC.
    pub az: Sp<u8>,
    /// Tier name → its place in every AZ block.
    pub tiers: BTreeMap<String, Sp<Tier>>,
    /// Host number of NAT gateways inside their public subnet (default 5).
    #[serde(default)]
    pub nat_host: Option<Sp<u32>>,
    /// Flows inside every VPC (between hosts, tiers and the internet of one VPC).
    #[serde(default)]
    pub flows: Vec<Sp<Flow>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Prefix length of the tier's subnet in each AZ.
    pub size: Sp<u8>,
    /// Index of the subnet among the blocks of that size inside the AZ block.
    pub slot: Sp<u32>,
    pub role: Sp<Role>,
    /// Internet egress of a private tier (default `nat-per-az` for private, `none` for data).
    #[serde(default)]
    pub egress: Option<Sp<Egress>>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Public,
    Private,
    Data,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Egress {
    NatPerAz,
    SharedNat,
    None,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Peering {
    /// `full`: every pair of VPCs in a region.
    Mode(String),
    /// Listed pairs of environments or account aliases.
    Pairs(Vec<[String; 2]>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Isolation {
    /// Tiers whose NACLs deny other environments (default: every tier).
    pub tiers: Vec<Sp<String>>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum HostKind {
    #[default]
    Linux,
    Windows,
    Rds,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// Account aliases: one host in each, named `<alias>-<name>`.
    pub accounts: Vec<Sp<String>>,
    #[serde(default)]
    pub region: Option<Sp<String>>,
    pub tier: Sp<String>,
    pub az: Sp<String>,
    /// Host number inside the subnet (the address is the subnet's network address plus this).
    pub host: Sp<u32>,
    #[serde(default)]
    pub kind: HostKind,
    /// RDS Multi-AZ: the AZ of the standby (same tier and host number).
    #[serde(default)]
    pub standby_az: Option<Sp<String>>,
    /// Account alias → public IPv4 address (for analysis; AWS assigns the real one).
    #[serde(default)]
    pub public_ip: BTreeMap<String, Sp<String>>,
    /// Internet egress: `all` (default) or the only services allowed to the internet.
    #[serde(default)]
    pub egress: Option<Sp<HostEgress>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum HostEgress {
    All(String),
    Only(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// `internet`, `tier:<name>` or a host name.
    pub from: Sp<String>,
    /// A host name.
    pub to: Sp<String>,
    pub services: Vec<Sp<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pinhole {
    #[serde(default)]
    pub name: Option<String>,
    /// A group name (`groups`) or a host name (`<alias>-<name>`).
    pub from: Sp<String>,
    pub to: Sp<String>,
    pub services: Vec<Sp<String>>,
}
