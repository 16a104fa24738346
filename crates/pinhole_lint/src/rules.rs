//! The rules, one file each, grouped by area.

pub mod exp;
pub mod gw;
pub mod hyg;
pub mod nacl;
pub mod net;
pub mod peer;
pub mod rt;
pub mod sg;
pub mod tgw;
