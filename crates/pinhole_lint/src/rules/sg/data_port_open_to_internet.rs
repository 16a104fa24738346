use super::report_open_ports;
use crate::context::DATA_PORTS;
use crate::{Context, Sink, rule};
use pinhole_model::{Protocol, SgIx};

rule! {
    /// A security group admits a data-store port (MySQL, PostgreSQL, SQL Server, Oracle,
    /// MongoDB, Redis, Memcached, Cassandra, Elasticsearch/Kibana, Kafka, NFS) from every
    /// internet address, with a rule naming the port (all-traffic rules are `SG002`).
    ///
    /// ## Why it matters
    /// Databases on the internet are scanned and ransomed continuously; they belong behind the
    /// application tier. `EXP002` tells whether a database is actually reachable.
    ///
    /// ## Example
    /// `sg-0db` inbound `tcp 3306 from 0.0.0.0/0`.
    ///
    /// ## Fix
    /// Admit the port from the application tier's security group only.
    code: "SG003",
    name: "sg-data-port-open-to-internet",
    severity: High,
    covers: [
        "A5 prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_{mysql_3306,postgres_5432,sql_server_1433_1434,oracle_1521_2483,mongodb_27017_27018,redis_6379,memcached_11211,cassandra_7199_9160_8888,elasticsearch_kibana_9200_9300_5601,kafka_9092}",
        "A5 scoutsuite ec2-security-group-opens-known-port-to-all (MySQL, MongoDB, MsSQL, Oracle, PostgreSQL, NFS)",
        "A5 steampipe redis, kafka, kibana, cassandra, memcached, mongodb, oracle controls",
    ],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Sink<'_>) {
    let ports: Vec<(u8, u16)> = DATA_PORTS.iter().map(|&p| (Protocol::TCP, p)).collect();
    for i in 0..cx.snap.security_groups.len() {
        report_open_ports(cx, out, SgIx::from_usize(i), &ports, true);
    }
}
