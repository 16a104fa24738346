//! Infrastructure as code from a compiled design.
//!
//! - [`terraform`]: one directory per account (`terraform/<alias>/`), AWS provider resources, the
//!   cross-account peering as variables filled in a second apply.
//! - [`cloudformation`]: one YAML template per account and region
//!   (`cloudformation/<alias>-<region>.yaml`), account ids as parameters.
//!
//! Output is deterministic (the same design gives the same bytes) and every name or tag taken
//! from the design is escaped for the target language; resource labels are sanitised and kept
//! unique.

mod cfn;
mod names;
mod tf;
pub mod yaml;

pub use cfn::{ANALYSIS_IP_TAG, cloudformation};
pub use tf::terraform;

use std::collections::BTreeMap;

/// Relative path → file contents.
pub type Files = BTreeMap<String, String>;
