//! Transit gateway rules.

pub mod tgw_attachment_missing_az;
pub mod tgw_attachment_not_associated;
pub mod tgw_auto_accepts_shared_attachments;
pub mod tgw_blackhole_route;
