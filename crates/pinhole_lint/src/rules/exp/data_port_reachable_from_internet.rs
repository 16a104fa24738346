use super::{evidence, exposures_of, instance_enis};
use crate::context::{DATA_PORTS, port_label};
use crate::{Context, Sink, rule};
use pinhole_model::{EniIx, Protocol};

rule! {
    /// A database is reachable from the internet: an RDS instance on its port, or an instance
    /// on a data-store port (MySQL, PostgreSQL, SQL Server, Oracle, MongoDB, Redis, Memcached,
    /// Cassandra, Elasticsearch/Kibana, Kafka, NFS), computed by the engine as in `EXP001`
    /// (routes, NACLs both ways, security groups, the reply), with the trace as evidence.
    /// Critical when the whole internet or more than a /16 of it reaches the port, medium when
    /// only narrower ranges do.
    ///
    /// ## Why it matters
    /// Databases reachable from the internet are found by scanners within hours; this is the
    /// combination (public address, IGW route, NACL, security group) that makes it so.
    ///
    /// ## Example
    /// An RDS instance created `PubliclyAccessible` in a public subnet whose group admits
    /// `tcp 5432 from 0.0.0.0/0`.
    ///
    /// ## Fix
    /// Make the database private (no public address, private subnets) and admit the
    /// application tier's group only.
    code: "EXP002",
    name: "data-port-reachable-from-internet",
    severity: Critical,
    covers: [
        "F4 prowler ec2_instance_port_{mysql,postgresql,sqlserver,oracle,mongodb,redis,memcached,cassandra,elasticsearch,kafka}_exposed_to_internet",
        "F6 cloudmapper RDS_PUBLIC_IP (with reachability)",
    ],
    check: check,
}

/// An interface, the ports to try on it, and the RDS instance it belongs to.
type Target = (EniIx, Vec<(u8, u16)>, Option<String>);

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let ports: Vec<(u8, u16)> = DATA_PORTS.iter().map(|&p| (Protocol::TCP, p)).collect();
    let mut targets: Vec<Target> = instance_enis(cx)
        .into_iter()
        .map(|e| (e, ports.clone(), None))
        .collect();
    for db in &cx.snap.db_instances {
        let Some(port) = db.port else { continue };
        for &e in &db.enis {
            targets.push((e, vec![(Protocol::TCP, port)], Some(db.id.to_string())));
        }
    }
    for (e, ports, db) in targets {
        for x in exposures_of(cx, e, &ports) {
            let what = match &db {
                Some(id) => format!("RDS instance {id}"),
                None => "the instance".to_string(),
            };
            let f = out.add(
                cx.eni_subject(e),
                format!(
                    "{what}: tcp {} on {} is reachable from {} (e.g. from {})",
                    port_label(x.port),
                    x.dst,
                    x.sources(),
                    x.src
                ),
            );
            f.at_severity(x.graded(crate::Severity::Critical));
            for l in evidence(&x) {
                f.because(l);
            }
        }
    }
}
