//! Route-table rules.

pub mod blackhole_route;
pub mod dangling_route_target;
pub mod default_route_via_instance;
pub mod main_route_table_routes_to_igw;

use crate::Context;
use pinhole_model::*;

/// Why an active route's target cannot carry traffic, if it cannot.
pub fn dangling(cx: &Context<'_>, rtb: &RouteTable, r: &Route) -> Option<String> {
    let snap = cx.snap;
    let vpc = snap.vpc(rtb.vpc);
    let idx = &snap.index;
    match &r.target {
        RouteTarget::InternetGateway(id) => match idx.igw.get(id.as_str()) {
            None => Some(format!("internet gateway {id} is not in the snapshot")),
            Some(&g) if !snap.internet_gateways[g.ix()].vpcs.contains(&rtb.vpc) => Some(format!(
                "internet gateway {id} is not attached to {}",
                vpc.id
            )),
            Some(_) => None,
        },
        RouteTarget::NatGateway(id) => match idx.nat.get(id.as_str()) {
            None => Some(format!("NAT gateway {id} is not in the snapshot")),
            Some(&n) if snap.nat(n).state != "available" => {
                Some(format!("NAT gateway {id} is {}", snap.nat(n).state))
            }
            Some(_) => None,
        },
        RouteTarget::Peering(id) => match idx.pcx.get(id.as_str()) {
            None => Some(format!("peering connection {id} is not in the snapshot")),
            Some(&p) if !snap.peerings[p.ix()].active() => Some(format!(
                "peering connection {id} is {}",
                snap.peerings[p.ix()].status
            )),
            Some(_) => None,
        },
        RouteTarget::TransitGateway(id) => {
            // Only decidable when the snapshot has attachment data at all.
            if snap.tgw_attachments.is_empty() {
                return None;
            }
            snap.tgw_attachment(id.as_str(), rtb.vpc)
                .is_none()
                .then(|| format!("{} has no attachment to transit gateway {id}", vpc.id))
        }
        RouteTarget::NetworkInterface(id) => (!idx.eni.contains_key(id.as_str()))
            .then(|| format!("network interface {id} is not in the snapshot")),
        RouteTarget::Instance(id) => match idx.instance.get(id.as_str()) {
            None => Some(format!("instance {id} is not in the snapshot")),
            Some(&i) if !snap.instances[i.ix()].running() => {
                Some(format!("instance {id} is {}", snap.instances[i.ix()].state))
            }
            Some(_) => None,
        },
        RouteTarget::VpcEndpoint(id) => (!idx.vpce.contains_key(id.as_str()))
            .then(|| format!("VPC endpoint {id} is not in the snapshot")),
        _ => None,
    }
}
