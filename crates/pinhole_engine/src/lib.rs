//! The concrete engine: follows one connection — the request and its reply — through an AWS
//! network, hop by hop, and records every decision with the rule that made it.
//!
//! The semantics are the contract of `DESIGN.md`: route tables by longest prefix match, NACLs
//! stateless and evaluated by rule number at every subnet boundary in both directions, security
//! groups stateful, 1:1 address translation at the internet gateway, source translation at NAT
//! gateways, peering without transit or edge-to-edge, transit gateways with per-AZ attachments.

mod acl;
mod question;
mod route;
mod sg;
pub mod space;
pub mod symbolic;
mod trace;
#[allow(
    dead_code,
    reason = "collect mode: the symbolic engine that uses it is being built"
)]
mod walk;

pub use question::{Endpoint, Question, QuestionError, resolve_endpoint};
pub use route::{lookup as route_lookup, route_label};
pub use trace::{
    DecidedBy, Direction, Hop, NodeCheck, Partial, PortCut, TargetHealthCheck, TargetPath, Trace,
    Verdict,
};
pub use walk::{Options, health_checks, trace};
