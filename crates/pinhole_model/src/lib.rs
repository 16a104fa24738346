//! AWS network nouns for pinhole: the model every engine reads.
//!
//! Pure data: no I/O, no JSON quirks. Resources live in arenas inside [`Snapshot`] and refer to
//! each other by typed indices ([`VpcIx`], [`SubnetIx`], ...), which keeps look-ups in the engines
//! cheap; each resource also keeps its AWS id for explanations.

pub mod addr;
pub mod hot;
pub mod ids;
pub mod ports;
pub mod resources;
pub mod snapshot;

pub use addr::*;
pub use hot::*;
pub use ids::*;
pub use ports::*;
pub use resources::*;
pub use snapshot::*;
