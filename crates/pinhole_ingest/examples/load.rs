//! Loads snapshots and prints what was read: `cargo run -p pinhole_ingest --release --example load -- DIR...`.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    for arg in std::env::args().skip(1) {
        let start = Instant::now();
        match pinhole_ingest::load_path(std::path::Path::new(&arg)) {
            Ok(s) => {
                println!(
                    "{}: {:.2?}: {} VPCs, {} subnets, {} route tables, {} NACLs, {} SGs, {} ENIs, {} instances, \
                     {} IGWs, {} NATs, {} peerings, {} prefix lists, {} endpoints, {} TGWs, {} TGW attachments, \
                     {} TGW route tables, {} DBs, {} load balancers, {} dead public IPs, {} warnings",
                    pinhole_ingest::escape(&arg),
                    start.elapsed(),
                    s.vpcs.len(),
                    s.subnets.len(),
                    s.route_tables.len(),
                    s.network_acls.len(),
                    s.security_groups.len(),
                    s.enis.len(),
                    s.instances.len(),
                    s.internet_gateways.len(),
                    s.nat_gateways.len(),
                    s.peerings.len(),
                    s.prefix_lists.len(),
                    s.vpc_endpoints.len(),
                    s.transit_gateways.len(),
                    s.tgw_attachments.len(),
                    s.tgw_route_tables.len(),
                    s.db_instances.len(),
                    s.load_balancers.len(),
                    s.index.dead_public_ip.len(),
                    s.warnings.len()
                );
                for w in &s.warnings {
                    println!("  warning: {}: {}: {}", w.file, w.path, w.message);
                }
            }
            Err(e) => {
                // The warnings first: an ignored file is often the cause of the error.
                for w in e.warnings() {
                    eprintln!("  warning: {}: {}: {}", w.file, w.path, w.message);
                }
                eprintln!("{}: error: {e}", pinhole_ingest::escape(&arg));
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
