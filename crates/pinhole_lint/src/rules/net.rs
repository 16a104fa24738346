//! Subnets and addressing.

pub mod default_vpc_present;
pub mod nat_gateway_missing_in_az;
pub mod overlapping_cidrs_connected_vpcs;
pub mod reserved_address_in_use;
pub mod subnet_auto_assigns_public_ip;
pub mod subnet_near_exhaustion;
pub mod tier_missing_in_az;
pub mod vpc_single_az;
