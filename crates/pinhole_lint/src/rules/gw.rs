//! Internet and NAT gateways.

pub mod nat_gateway_without_internet_route;
pub mod public_subnet_instance_without_public_ip;
pub mod target_group_health_checks_blocked;
