//! Intent files and what is proved over them: `check` (every intent, every packet, with a
//! concrete witness for each violation) and `matrix` (who reaches whom on which services).
//!
//! The format is documented in `docs/intents.md`; the engine is
//! [`pinhole_engine::symbolic`].

mod check;
mod matrix;
mod node;
mod parse;
mod select;

pub use check::{CheckError, Checker, Finding, IntentResult, Report, Status, Witness};
pub use matrix::{Cell, Matrix, MatrixBy, matrix, matrix_by_sets};
pub use node::{Located, Node, Pos, Value, parse as parse_yaml};
pub use parse::{
    Egress, Flow, Intent, IntentFile, Kind, Selector, Services, Term, from_node, parse_intents,
};
pub use select::{Members, Selecting, Universe, subnet_tier};
