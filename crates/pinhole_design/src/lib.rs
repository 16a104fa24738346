//! pinhole design files: state a segmented multi-account network once — accounts, environments,
//! address pools, a VPC template, hosts, pinholes and the intents that must hold — and get an
//! address plan and a network compiled into the model the engine reads.
//!
//! - [`parse`] reads the YAML with located errors (`file:line:column: what was expected`).
//! - [`Design::plan`]: the address plan. Every block is placed by an explicit slot index (account
//!   slot in the environment's regional pool, AZ slot in the VPC, tier slot in the AZ block), so
//!   adding an AZ, a tier, an account or a region never renumbers an existing block.
//! - [`Design::compile`] writes the network as `describe-*` JSON ([`Compiled`]) and loads it with
//!   the ingest, so the engine sees exactly what a snapshot of the deployed network would hold.
//! - [`verify`] proves, with the concrete engine, that every pinhole and flow is open (both
//!   directions, every AZ of the target) and that every other cross-environment connection
//!   between hosts of isolated tiers is blocked.

pub mod compile;
mod error;
mod ids;
mod plan;
mod resolve;
mod service;
pub mod spec;
mod verify;

pub use compile::{Compiled, Network};
pub use error::{DesignError, Diagnostic, Severity};
pub use plan::{Block, BlockKind};
pub use resolve::{AzPlan, Design, HostPlan, Peering, PinholePlan, SubnetPlan, TierPlan, VpcPlan};
pub use service::Service;
pub use spec::{Egress, HostKind, Role};
pub use verify::{Check, verify, verify_intents};

/// Parses and resolves a design file. `file` names it in messages.
pub fn parse(file: &str, text: &str) -> Result<Design, DesignError> {
    let raw: spec::DesignFile =
        serde_saphyr::from_str(text).map_err(|e| error::from_yaml(file, &e))?;
    resolve::resolve(file, raw)
}
