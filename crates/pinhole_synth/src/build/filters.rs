//! Security groups and network ACLs.

use super::{ANY, BLOCKLIST_LEN, Builder, DB_NAMES, NACL_OFFICES};
use crate::aws::{self, IpPermission, IpRange};
use crate::net::Cidr;
use crate::plan::{Env, Sg, Tier, subnet_cidr};

fn blocklist(i: u32) -> Cidr {
    if i < 12 {
        Cidr::new(203, 0, 113, (i * 16) as u8, 28)
    } else {
        Cidr::new(192, 0, 2, ((i - 12) * 32) as u8, 27)
    }
}

/// Office and VPN egress addresses (198.51.100.1-254).
fn office(n: u32) -> u32 {
    u32::from_be_bytes([198, 51, 100, 1]) + n % 254
}

impl Builder<'_> {
    pub(super) fn security_groups(&mut self) {
        let own = self.acct.id.clone();
        let vpc = self.cidr.to_string();
        let pool = self.pool.to_string();
        let all_out = || vec![perm("-1", None, vec![range(ANY, None)], Vec::new())];
        let pair = |b: &Self, sg: Sg| aws::GroupPair {
            description: None,
            group_id: b.org.sg_id(b.g, sg),
            user_id: own.clone(),
            vpc_peering_connection_id: None,
        };
        // (group, description, inbound, outbound)
        let mut groups: Vec<(Sg, String, Vec<IpPermission>, Vec<IpPermission>)> = Vec::new();

        groups.push((
            Sg::Default,
            "default VPC security group".to_owned(),
            vec![perm("-1", None, Vec::new(), vec![pair(self, Sg::Default)])],
            all_out(),
        ));
        groups.push((
            Sg::Web,
            "Public web tier: HTTPS from the internet".to_owned(),
            vec![
                perm(
                    "tcp",
                    Some(443),
                    vec![range(ANY, Some("HTTPS from anywhere"))],
                    Vec::new(),
                ),
                perm(
                    "tcp",
                    Some(80),
                    vec![range(ANY, Some("HTTP, redirected to HTTPS"))],
                    Vec::new(),
                ),
            ],
            all_out(),
        ));
        let mut app_ranges = vec![range(&vpc, Some("this VPC"))];
        for (_, peer) in self.mesh_peers() {
            let desc = format!("peer {}", self.org.vpc_name(peer));
            app_ranges.push(range(&self.peer_cidr(peer).to_string(), Some(&desc)));
        }
        groups.push((
            Sg::App,
            "Private app tier: 8080 from the web tier and peered VPCs".to_owned(),
            vec![
                perm("tcp", Some(8080), app_ranges, vec![pair(self, Sg::Web)]),
                perm(
                    "tcp",
                    Some(9100),
                    vec![range(&pool, Some("monitoring over the transit gateway"))],
                    Vec::new(),
                ),
                perm(
                    "icmp",
                    None,
                    vec![range(&pool, Some("ping over the transit gateway"))],
                    Vec::new(),
                ),
            ],
            all_out(),
        ));
        let mut db_ranges = vec![range(&vpc, Some("databases of this VPC"))];
        for ph in self.pinholes(true) {
            let name = self
                .org
                .account_of(ph.dst)
                .map(|a| a.name())
                .unwrap_or_default();
            db_ranges.push(range(
                &Cidr::host(ph.primary).to_string(),
                Some(&format!("{name} {} primary (weekly refresh)", DB_NAMES[0])),
            ));
            db_ranges.push(range(
                &Cidr::host(ph.standby).to_string(),
                Some(&format!("{name} {} standby (failover)", DB_NAMES[0])),
            ));
        }
        groups.push((
            Sg::Batch,
            "Batch hosts: MySQL to the databases, HTTPS for updates".to_owned(),
            Vec::new(),
            vec![
                perm(
                    "tcp",
                    Some(443),
                    vec![range(ANY, Some("HTTPS via NAT"))],
                    Vec::new(),
                ),
                perm("tcp", Some(3306), db_ranges, Vec::new()),
            ],
        ));
        groups.push((
            Sg::Data,
            "Data tier: MySQL from the app tier".to_owned(),
            vec![perm(
                "tcp",
                Some(3306),
                Vec::new(),
                vec![pair(self, Sg::App)],
            )],
            Vec::new(),
        ));
        groups.push((
            Sg::Endpoints,
            "Interface endpoints: HTTPS from this VPC".to_owned(),
            vec![perm("tcp", Some(443), vec![range(&vpc, None)], Vec::new())],
            all_out(),
        ));
        let dbs = self.org.vpcs.get(self.g).map_or(0, |v| v.dbs);
        let first_peer = self.mesh_peers().first().copied();
        for j in 0..dbs {
            let mut pairs = vec![pair(self, Sg::Batch)];
            if let Some((p, peer)) = first_peer {
                pairs.push(aws::GroupPair {
                    description: Some(format!("{} app tier", self.org.vpc_name(peer))),
                    group_id: self.org.sg_id(peer, Sg::App),
                    user_id: self
                        .org
                        .account_of(peer)
                        .map(|a| a.id.clone())
                        .unwrap_or_default(),
                    vpc_peering_connection_id: Some(self.org.pcx_id(p)),
                });
            }
            let mut ranges = Vec::new();
            if j == 0 {
                for ph in self.pinholes(false) {
                    let name = self
                        .org
                        .account_of(ph.src)
                        .map(|a| a.name())
                        .unwrap_or_default();
                    ranges.push(range(
                        &Cidr::host(ph.client).to_string(),
                        Some(&format!("{name} batch host (pinhole)")),
                    ));
                }
            }
            groups.push((
                Sg::Db(j),
                format!("{}: MySQL from batch hosts", self.db_id(j)),
                vec![perm("tcp", Some(3306), ranges, pairs)],
                Vec::new(),
            ));
        }
        for t in 0..self.teams.len() {
            let (ports, list) = match self.teams.get(t) {
                Some((_, p, l)) => (p.clone(), l.clone()),
                None => continue,
            };
            let ingress = ports
                .iter()
                .map(|&port| {
                    let ranges = list
                        .iter()
                        .map(|&o| {
                            range(
                                &Cidr::host(office(o)).to_string(),
                                Some(&format!("vpn-{:03}", o + 1)),
                            )
                        })
                        .collect();
                    perm("tcp", Some(port), ranges, Vec::new())
                })
                .collect();
            groups.push((
                Sg::Team(t),
                format!("Team {}: office and VPN access", self.team_name(t)),
                ingress,
                all_out(),
            ));
        }

        for (sg, description, ingress, egress) in groups {
            self.out.counts.security_groups += 1;
            self.out.counts.sg_rules += ingress
                .iter()
                .chain(&egress)
                .map(|p| p.ip_ranges.len() + p.user_id_group_pairs.len())
                .sum::<usize>();
            let name = self.sg_name(sg);
            self.out.security_groups.push(aws::SecurityGroup {
                description,
                group_id: self.org.sg_id(self.g, sg),
                group_name: name.clone(),
                ip_permissions: ingress,
                ip_permissions_egress: egress,
                owner_id: self.acct.id.clone(),
                tags: self.tags(name),
                vpc_id: self.vpc_id.clone(),
            });
        }
    }

    pub(super) fn network_acls(&mut self) {
        let vpc = self.cidr;
        let others: Vec<Cidr> = self.env().others().map(Env::range).collect();
        let subnet = |az: usize, t: Tier| subnet_cidr(vpc, az, t);
        let peers: Vec<Cidr> = self
            .mesh_peers()
            .into_iter()
            .map(|(_, g)| self.peer_cidr(g))
            .collect();
        let any = Cidr::new(0, 0, 0, 0, 0);
        let deny_others = |acl: &mut Acl, egress: bool| {
            for (i, c) in others.iter().enumerate() {
                acl.deny(90 + i as u32, egress, *c);
            }
        };
        let blocklist = |acl: &mut Acl, egress: bool| {
            for i in 0..BLOCKLIST_LEN {
                acl.deny(1 + i, egress, blocklist(i));
            }
        };

        let mut default = Acl::default();
        default.allow_all(100, false, any);
        default.allow_all(100, true, any);

        let mut public = Acl::default();
        blocklist(&mut public, false);
        blocklist(&mut public, true);
        deny_others(&mut public, false);
        deny_others(&mut public, true);
        public.tcp(100, false, any, 443, 443);
        public.tcp(110, false, any, 80, 80);
        public.tcp(120, false, any, 1024, 65535);
        public.udp(121, false, any, 1024, 65535);
        public.allow_all(130, false, vpc);
        for o in 0..NACL_OFFICES {
            public.tcp(140 + o, false, Cidr::host(office(o)), 22, 22);
        }
        public.allow_all(100, true, any);

        let mut app = Acl::default();
        for (i, ph) in self.pinholes(true).into_iter().enumerate() {
            let n = 50 + 2 * i as u32;
            for (k, db) in [ph.primary, ph.standby].into_iter().enumerate() {
                app.tcp(n + k as u32, true, Cidr::host(db), 3306, 3306);
                app.tcp(n + k as u32, false, Cidr::host(db), 1024, 65535);
            }
        }
        blocklist(&mut app, true);
        deny_others(&mut app, false);
        deny_others(&mut app, true);
        for az in 0..3 {
            let n = az as u32;
            app.tcp(100 + n, false, subnet(az, Tier::Public), 8080, 8080);
            app.allow_all(150 + n, false, subnet(az, Tier::App));
            app.tcp(160 + n, false, subnet(az, Tier::Public), 22, 22);
            app.tcp(170 + n, false, subnet(az, Tier::Public), 443, 443);
        }
        for (j, p) in peers.iter().enumerate() {
            app.tcp(110 + j as u32, false, *p, 8080, 8080);
        }
        app.tcp(130, false, self.pool, 9100, 9100);
        app.icmp(131, false, self.pool);
        app.tcp(140, false, any, 1024, 65535);
        app.udp(141, false, any, 1024, 65535);
        app.allow_all(100, true, any);

        let mut data = Acl::default();
        for (i, ph) in self.pinholes(false).into_iter().enumerate() {
            let n = 50 + i as u32;
            data.tcp(n, false, Cidr::host(ph.client), 3306, 3306);
            data.tcp(n, true, Cidr::host(ph.client), 1024, 65535);
        }
        deny_others(&mut data, false);
        deny_others(&mut data, true);
        for az in 0..3 {
            let n = az as u32;
            data.tcp(100 + n, false, subnet(az, Tier::App), 3306, 3306);
            data.tcp(100 + n, true, subnet(az, Tier::App), 1024, 65535);
        }
        for (j, p) in peers.iter().enumerate() {
            data.tcp(110 + j as u32, false, *p, 3306, 3306);
            data.tcp(110 + j as u32, true, *p, 1024, 65535);
        }

        // AWS recommends leaving the transit gateway subnets' NACL open.
        let mut tgw = Acl::default();
        tgw.allow_all(100, false, any);
        tgw.allow_all(100, true, any);

        let acls = [
            (0u64, "default", None, default),
            (1, "public", Some(Tier::Public), public),
            (2, "app", Some(Tier::App), app),
            (3, "data", Some(Tier::Data), data),
            (4, "tgw", Some(Tier::Tgw), tgw),
        ];
        for (local, name, tier, acl) in acls {
            let id = self.id("acl", local);
            let associations = match tier {
                Some(t) => (0..3)
                    .map(|az| aws::AclAssoc {
                        network_acl_association_id: self
                            .id("aclassoc", (az * 4 + t.index()) as u64),
                        network_acl_id: id.clone(),
                        subnet_id: self.subnet_id(az, t),
                    })
                    .collect(),
                None => Vec::new(),
            };
            let entries = acl.finish();
            self.out.counts.network_acls += 1;
            self.out.counts.nacl_entries += entries.len();
            self.out.network_acls.push(aws::NetworkAcl {
                associations,
                entries,
                is_default: tier.is_none(),
                network_acl_id: id,
                owner_id: self.acct.id.clone(),
                tags: self.tags(format!("{}-{name}-nacl", self.prefix)),
                vpc_id: self.vpc_id.clone(),
            });
        }
    }
}

fn perm(
    proto: &'static str,
    port: Option<i32>,
    ip_ranges: Vec<IpRange>,
    pairs: Vec<aws::GroupPair>,
) -> IpPermission {
    let (from, to) = match (proto, port) {
        ("icmp", _) => (Some(-1), Some(-1)),
        (_, Some(p)) => (Some(p), Some(p)),
        _ => (None, None),
    };
    IpPermission {
        from_port: from,
        ip_protocol: proto,
        ip_ranges,
        ipv6_ranges: [],
        prefix_list_ids: [],
        to_port: to,
        user_id_group_pairs: pairs,
    }
}

fn range(cidr: &str, description: Option<&str>) -> IpRange {
    IpRange {
        cidr_ip: cidr.to_owned(),
        description: description.map(str::to_owned),
    }
}

/// A network ACL under construction; `finish` sorts it as AWS lists it (outbound first, by rule
/// number) and closes both directions with the `*` deny.
#[derive(Default)]
struct Acl {
    entries: Vec<aws::AclEntry>,
}

impl Acl {
    fn push(
        &mut self,
        n: u32,
        egress: bool,
        allow: bool,
        protocol: &'static str,
        cidr: Cidr,
        ports: Option<(u16, u16)>,
    ) {
        self.entries.push(aws::AclEntry {
            cidr_block: cidr.to_string(),
            egress,
            icmp_type_code: (protocol == "1").then_some(aws::IcmpTypeCode {
                code: -1,
                r#type: -1,
            }),
            port_range: ports.map(|(from, to)| aws::PortRange { from, to }),
            protocol,
            rule_action: if allow { "allow" } else { "deny" },
            rule_number: n,
        });
    }
    fn deny(&mut self, n: u32, egress: bool, cidr: Cidr) {
        self.push(n, egress, false, "-1", cidr, None);
    }
    fn allow_all(&mut self, n: u32, egress: bool, cidr: Cidr) {
        self.push(n, egress, true, "-1", cidr, None);
    }
    fn tcp(&mut self, n: u32, egress: bool, cidr: Cidr, from: u16, to: u16) {
        self.push(n, egress, true, "6", cidr, Some((from, to)));
    }
    fn udp(&mut self, n: u32, egress: bool, cidr: Cidr, from: u16, to: u16) {
        self.push(n, egress, true, "17", cidr, Some((from, to)));
    }
    fn icmp(&mut self, n: u32, egress: bool, cidr: Cidr) {
        self.push(n, egress, true, "1", cidr, None);
    }
    fn finish(mut self) -> Vec<aws::AclEntry> {
        let any = Cidr::new(0, 0, 0, 0, 0);
        self.push(32767, true, false, "-1", any, None);
        self.push(32767, false, false, "-1", any, None);
        self.entries.sort_by_key(|e| (!e.egress, e.rule_number));
        self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::ip;

    #[test]
    fn lists() {
        assert_eq!(blocklist(0).to_string(), "203.0.113.0/28");
        assert_eq!(blocklist(19).to_string(), "192.0.2.224/27");
        assert_eq!(ip(office(253)), "198.51.100.254");
    }
}
