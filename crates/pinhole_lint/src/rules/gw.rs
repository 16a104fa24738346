//! Internet and NAT gateways.

pub mod nat_gateway_without_internet_route;
pub mod public_subnet_instance_without_public_ip;
