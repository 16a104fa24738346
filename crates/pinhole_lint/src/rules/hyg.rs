//! Hygiene: unused or orphaned objects and risky interface settings.

pub mod empty_vpc;
pub mod instance_with_multiple_enis;
pub mod source_dest_check_disabled;
pub mod unassociated_elastic_ip;
pub mod unused_network_acl;
pub mod unused_network_interface;
pub mod unused_security_group;
