//! Workloads: NAT gateways, instances, databases, interface endpoints and transit gateway
//! interfaces, with their network interfaces.

use super::{AWS_SERVICE_ACCOUNT, Builder, ENDPOINT_SERVICES, TEAMS_PER_VPC, stamp};
use crate::aws::{self, Tag, tags};
use crate::net::{dashed, ip};
use crate::plan::{AZ_LETTERS, FIRST_HOST, REGIONS, Sg, Tier, db_slots, subnet_cidr};
use crate::rng::key;

/// What a network interface serves.
enum NicKind {
    Instance { id: String, attach_time: String },
    Nat { nat: String },
    Rds,
    Endpoint { vpce: String },
    Tgw { attachment: String },
}

struct Nic {
    az: usize,
    tier: Tier,
    addr: u32,
    public: Option<aws::IpAssociation>,
    groups: Vec<Sg>,
    kind: NicKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Web,
    App,
    Batch,
}

impl Role {
    const fn name(self) -> &'static str {
        match self {
            Role::Web => "web",
            Role::App => "app",
            Role::Batch => "batch",
        }
    }
    const fn instance_type(self) -> &'static str {
        match self {
            Role::Web => "t3.medium",
            Role::App => "m5.large",
            Role::Batch => "c5.xlarge",
        }
    }
}

impl Builder<'_> {
    /// A public address from the VPC's block of the public pool, as AWS associates it.
    fn public_ip(&mut self, eip: Option<(String, String)>) -> aws::IpAssociation {
        let addr = self.next_public;
        self.next_public += 1;
        let (allocation_id, association_id, owner) = match eip {
            Some((a, b)) => (Some(a), Some(b), self.acct.id.clone()),
            None => (None, None, "amazon".to_owned()),
        };
        aws::IpAssociation {
            allocation_id,
            association_id,
            ip_owner_id: owner,
            public_dns_name: format!("ec2-{}.{}", dashed(addr), self.region.public_dns),
            public_ip: ip(addr),
        }
    }

    /// NAT gateways, instances, databases, endpoints and transit gateway interfaces.
    pub(super) fn workloads(&mut self) {
        let mut nics = Vec::new();
        for az in 0..3 {
            let public = subnet_cidr(self.cidr, az, Tier::Public);
            let nat = self.id("nat", az as u64);
            let (alloc, assoc) = (
                self.id("eipalloc", az as u64),
                self.id("eipassoc", az as u64),
            );
            let association = self.public_ip(Some((alloc.clone(), assoc.clone())));
            let letter = AZ_LETTERS.get(az).copied().unwrap_or("");
            let nat_ip = public.addr(5);
            let eni_id = self.eni_id(self.next_eni);
            self.out.addresses.push(aws::Address {
                allocation_id: alloc.clone(),
                association_id: assoc.clone(),
                domain: "vpc",
                network_border_group: self.region.name,
                network_interface_id: eni_id.clone(),
                network_interface_owner_id: self.acct.id.clone(),
                private_ip_address: ip(nat_ip),
                public_ip: association.public_ip.clone(),
                public_ipv4_pool: "amazon",
                tags: tags(format!("{}-nat-{letter}-eip", self.prefix), None),
            });
            let created = stamp(&mut self.rng);
            self.out.nat_gateways.push(aws::NatGateway {
                connectivity_type: "public",
                create_time: created,
                nat_gateway_addresses: vec![aws::NatAddress {
                    allocation_id: alloc,
                    association_id: assoc,
                    is_primary: true,
                    network_interface_id: eni_id,
                    private_ip: ip(nat_ip),
                    public_ip: association.public_ip.clone(),
                    status: "succeeded",
                }],
                nat_gateway_id: nat.clone(),
                state: "available",
                subnet_id: self.subnet_id(az, Tier::Public),
                tags: self.tags(format!("{}-nat-{letter}", self.prefix)),
                vpc_id: self.vpc_id.clone(),
            });
            nics.push(Nic {
                az,
                tier: Tier::Public,
                addr: nat_ip,
                public: Some(association),
                groups: Vec::new(),
                kind: NicKind::Nat { nat },
            });
            let tgw = subnet_cidr(self.cidr, az, Tier::Tgw);
            nics.push(Nic {
                az,
                tier: Tier::Tgw,
                addr: tgw.addr(FIRST_HOST),
                public: None,
                groups: Vec::new(),
                kind: NicKind::Tgw {
                    attachment: self.org.tgw_attachment_id(self.g),
                },
            });
            self.push_nics(&mut nics);
            self.hosts(az);
        }
        self.databases();
        self.endpoints();
    }

    fn eni_id(&self, n: u64) -> String {
        self.id("eni", n)
    }

    /// Web hosts in the public subnet; batch then app hosts in the app subnet.
    fn hosts(&mut self, az: usize) {
        let public = subnet_cidr(self.cidr, az, Tier::Public);
        let app = subnet_cidr(self.cidr, az, Tier::App);
        let web_n = self.rng.range(3, 5) as u32;
        let batch_n = self.rng.range(5, 7) as u32;
        let app_n = self.rng.range(14, 20) as u32;
        for i in 0..web_n {
            self.instance(az, Tier::Public, public.addr(10 + i), Role::Web, i, false);
        }
        for i in 0..batch_n {
            // The first batch host of each AZ runs the weekly jobs (and the pinhole): never stopped.
            let stopped = i > 0 && self.rng.chance(1, 25);
            self.instance(
                az,
                Tier::App,
                app.addr(FIRST_HOST + i),
                Role::Batch,
                i,
                stopped,
            );
        }
        for i in 0..app_n {
            let stopped = self.rng.chance(1, 25);
            let addr = app.addr(FIRST_HOST + batch_n + i);
            self.instance(az, Tier::App, addr, Role::App, i, stopped);
        }
    }

    fn instance(&mut self, az: usize, tier: Tier, addr: u32, role: Role, n: u32, stopped: bool) {
        let local = self.next_instance;
        self.next_instance += 1;
        let id = self.id("i", local);
        let letter = AZ_LETTERS.get(az).copied().unwrap_or("");
        let name = format!("{}-{}-{letter}{:02}", self.prefix, role.name(), n + 1);
        let team = Sg::Team(local as usize % TEAMS_PER_VPC);
        let groups = match role {
            Role::Web => vec![Sg::Web, team],
            Role::App => vec![Sg::App, team],
            Role::Batch => vec![Sg::Batch],
        };
        let public = (role == Role::Web && !stopped).then(|| self.public_ip(None));
        let launched = stamp(&mut self.rng);
        let nic = Nic {
            az,
            tier,
            addr,
            public,
            groups,
            kind: NicKind::Instance {
                id: id.clone(),
                attach_time: launched.clone(),
            },
        };
        let eni_n = self.next_eni;
        let full = self.render(&nic, eni_n, true);
        let embedded = self.render(&nic, eni_n, false);
        self.next_eni += 1;
        self.count_nic(&nic);
        self.out.enis.push(full);
        let private = ip(addr);
        let (public_dns, public_ip) = match &nic.public {
            Some(a) => (a.public_dns_name.clone(), Some(a.public_ip.clone())),
            None => (String::new(), None),
        };
        let (state, reason) = if stopped {
            (
                aws::InstanceState {
                    code: 80,
                    name: "stopped",
                },
                format!(
                    "User initiated ({} GMT)",
                    stamp(&mut self.rng).trim_end_matches("+00:00")
                ),
            )
        } else {
            (
                aws::InstanceState {
                    code: 16,
                    name: "running",
                },
                String::new(),
            )
        };
        let mut tags = self.tags(name);
        tags.insert(
            0,
            Tag {
                key: "Role",
                value: role.name().to_owned(),
            },
        );
        let instance = aws::Instance {
            ami_launch_index: 0,
            architecture: "x86_64",
            block_device_mappings: vec![aws::BlockDevice {
                device_name: "/dev/xvda",
                ebs: aws::Ebs {
                    attach_time: launched.clone(),
                    delete_on_termination: true,
                    status: "attached",
                    volume_id: self.id("vol", local),
                },
            }],
            ebs_optimized: role != Role::Web,
            ena_support: true,
            hypervisor: "xen",
            image_id: self.region.image,
            instance_id: id.clone(),
            instance_type: role.instance_type(),
            launch_time: launched,
            monitoring: aws::StateName { state: "disabled" },
            network_interfaces: vec![embedded],
            placement: aws::Placement {
                availability_zone: self.az(az),
                group_name: "",
                tenancy: "default",
            },
            private_dns_name: self.private_dns(addr),
            private_ip_address: private,
            public_dns_name: public_dns,
            public_ip_address: public_ip,
            root_device_name: "/dev/xvda",
            root_device_type: "ebs",
            security_groups: nic.groups.iter().map(|&s| self.group_ref(s)).collect(),
            source_dest_check: true,
            state,
            state_transition_reason: reason,
            subnet_id: self.subnet_id(az, tier),
            tags,
            virtualization_type: "hvm",
            vpc_id: self.vpc_id.clone(),
        };
        self.out.reservations.push(aws::Reservation {
            groups: [],
            instances: vec![instance],
            owner_id: self.acct.id.clone(),
            reservation_id: self.id("r", local),
        });
        self.out.counts.instances += 1;
    }

    fn private_dns(&self, addr: u32) -> String {
        format!("ip-{}.{}", dashed(addr), self.region.private_dns)
    }

    fn count_nic(&mut self, nic: &Nic) {
        if let Some(u) = self
            .used
            .get_mut(nic.az)
            .and_then(|u| u.get_mut(nic.tier.index()))
        {
            *u += 1;
        }
        self.out.counts.enis += 1;
    }

    /// Renders and stores service-managed interfaces (not embedded anywhere).
    fn push_nics(&mut self, nics: &mut Vec<Nic>) {
        for nic in nics.drain(..) {
            let e = self.render(&nic, self.next_eni, true);
            self.next_eni += 1;
            self.count_nic(&nic);
            self.out.enis.push(e);
        }
    }

    /// The `describe-network-interfaces` record of `nic` (`full`), or the copy
    /// `describe-instances` embeds.
    fn render(&self, nic: &Nic, n: u64, full: bool) -> aws::Eni {
        let bits = self
            .org
            .ids
            .bits("mac", key(self.g / REGIONS.len(), self.r, n));
        let [_, _, _, m1, m2, m3, m4, m5] = bits.to_be_bytes();
        let attach_id = || format!("ela-attach-{:08x}", bits >> 32);
        let service_attachment = |owner: &str| aws::EniAttachment {
            attach_time: None,
            attachment_id: attach_id(),
            delete_on_termination: false,
            device_index: 1,
            instance_id: None,
            instance_owner_id: Some(owner.to_owned()),
            status: "attached",
        };
        let (description, interface_type, requester, managed, attachment, sdc) = match &nic.kind {
            NicKind::Instance { id, attach_time } => (
                String::new(),
                "interface",
                None,
                false,
                Some(aws::EniAttachment {
                    attach_time: Some(attach_time.clone()),
                    attachment_id: self.id("eni-attach", n),
                    delete_on_termination: true,
                    device_index: 0,
                    instance_id: full.then(|| id.clone()),
                    instance_owner_id: full.then(|| self.acct.id.clone()),
                    status: "attached",
                }),
                true,
            ),
            NicKind::Nat { nat } => (
                format!("Interface for NAT Gateway {nat}"),
                "nat_gateway",
                Some(AWS_SERVICE_ACCOUNT),
                true,
                Some(service_attachment("amazon-aws")),
                false,
            ),
            NicKind::Rds => (
                "RDSNetworkInterface".to_owned(),
                "interface",
                Some("amazon-rds"),
                true,
                Some(service_attachment("amazon-rds")),
                true,
            ),
            NicKind::Endpoint { vpce } => (
                format!("VPC Endpoint Interface {vpce}"),
                "vpc_endpoint",
                Some(AWS_SERVICE_ACCOUNT),
                true,
                None,
                true,
            ),
            NicKind::Tgw { attachment } => (
                format!("Network Interface for Transit Gateway Attachment {attachment}"),
                "transit_gateway",
                Some(AWS_SERVICE_ACCOUNT),
                false,
                Some(service_attachment("amazon-aws")),
                false,
            ),
        };
        let private = ip(nic.addr);
        let dns = self.private_dns(nic.addr);
        aws::Eni {
            association: nic.public.clone(),
            attachment,
            availability_zone: full.then(|| self.az(nic.az)),
            description,
            groups: nic.groups.iter().map(|&s| self.group_ref(s)).collect(),
            interface_type,
            ipv6_addresses: [],
            mac_address: format!("0a:{m1:02x}:{m2:02x}:{m3:02x}:{m4:02x}:{m5:02x}"),
            network_interface_id: self.eni_id(n),
            owner_id: self.acct.id.clone(),
            private_dns_name: dns.clone(),
            private_ip_address: private.clone(),
            private_ip_addresses: vec![aws::PrivateIp {
                association: nic.public.clone(),
                primary: true,
                private_dns_name: dns,
                private_ip_address: private,
            }],
            requester_id: if full { requester } else { None },
            requester_managed: full.then_some(managed),
            source_dest_check: sdc,
            status: "in-use",
            subnet_id: self.subnet_id(nic.az, nic.tier),
            tag_set: full.then(Vec::new),
            vpc_id: self.vpc_id.clone(),
        }
    }

    /// Multi-AZ MySQL databases: primary and standby interfaces in the data subnets.
    fn databases(&mut self) {
        let dbs = self.org.vpcs.get(self.g).map_or(0, |v| v.dbs);
        let dns = self
            .org
            .ids
            .bits("rds-dns", (self.g / REGIONS.len()) as u64);
        let mut nics = Vec::new();
        for (j, slots) in db_slots(dbs).into_iter().enumerate() {
            let [(paz, poff), (saz, soff)] = slots;
            for (az, off) in [(paz, poff), (saz, soff)] {
                nics.push(Nic {
                    az,
                    tier: Tier::Data,
                    addr: subnet_cidr(self.cidr, az, Tier::Data).addr(off),
                    public: None,
                    groups: vec![Sg::Data, Sg::Db(j)],
                    kind: NicKind::Rds,
                });
            }
            let id = self.db_id(j);
            let res = self
                .org
                .ids
                .bits("db-resource", key(self.g / REGIONS.len(), self.r, j as u64));
            let group = format!("{}-data-subnets", self.prefix);
            self.out.db_instances.push(aws::DbInstance {
                allocated_storage: 100,
                availability_zone: self.az(paz),
                backup_retention_period: 7,
                db_instance_arn: format!(
                    "arn:aws:rds:{}:{}:db:{id}",
                    self.region.name, self.acct.id
                ),
                db_instance_class: "db.m5.large",
                db_instance_identifier: id.clone(),
                db_instance_status: "available",
                db_subnet_group: aws::DbSubnetGroup {
                    description: format!("{} data tier", self.prefix),
                    name: group,
                    status: "Complete",
                    subnets: (0..3)
                        .map(|az| aws::DbSubnet {
                            subnet_availability_zone: aws::NameOnly { name: self.az(az) },
                            subnet_identifier: self.subnet_id(az, Tier::Data),
                            subnet_status: "Active",
                        })
                        .collect(),
                    vpc_id: self.vpc_id.clone(),
                },
                dbi_resource_id: format!("db-{:016X}{:010X}", res, dns >> 24),
                endpoint: aws::DbEndpoint {
                    address: format!(
                        "{id}.c{:011x}.{}.rds.amazonaws.com",
                        dns >> 20,
                        self.region.name
                    ),
                    hosted_zone_id: "Z2R2ITUGPM61AM",
                    port: 3306,
                },
                engine: "mysql",
                engine_version: "8.0.35",
                multi_az: true,
                publicly_accessible: false,
                secondary_availability_zone: self.az(saz),
                storage_encrypted: true,
                tag_list: self.tags(id),
                vpc_security_groups: [Sg::Data, Sg::Db(j)]
                    .into_iter()
                    .map(|s| aws::DbSecurityGroup {
                        status: "active",
                        vpc_security_group_id: self.org.sg_id(self.g, s),
                    })
                    .collect(),
            });
            self.out.counts.db_instances += 1;
        }
        self.push_nics(&mut nics);
    }

    /// Interface endpoints, one interface per AZ in the app subnets after the hosts.
    fn endpoints(&mut self) {
        let mut nics = Vec::new();
        for (e, service) in ENDPOINT_SERVICES.iter().enumerate() {
            let vpce = self.id("vpce", e as u64);
            let mut enis = Vec::new();
            for az in 0..3 {
                let app = subnet_cidr(self.cidr, az, Tier::App);
                let used = self
                    .used
                    .get(az)
                    .and_then(|u| u.get(Tier::App.index()))
                    .copied()
                    .unwrap_or(0) as u32;
                let n = self.next_eni + nics.len() as u64;
                enis.push(self.eni_id(n));
                nics.push(Nic {
                    az,
                    tier: Tier::App,
                    addr: app.addr(FIRST_HOST + used + e as u32),
                    public: None,
                    groups: vec![Sg::Endpoints],
                    kind: NicKind::Endpoint { vpce: vpce.clone() },
                });
            }
            let created = stamp(&mut self.rng);
            self.out.vpc_endpoints.push(aws::VpcEndpoint {
                creation_timestamp: created,
                groups: vec![self.group_ref(Sg::Endpoints)],
                network_interface_ids: enis,
                owner_id: self.acct.id.clone(),
                private_dns_enabled: true,
                requester_managed: false,
                route_table_ids: [],
                service_name: format!("com.amazonaws.{}.{service}", self.region.name),
                state: "available",
                subnet_ids: (0..3).map(|az| self.subnet_id(az, Tier::App)).collect(),
                tags: self.tags(format!("{}-{service}-endpoint", self.prefix)),
                vpc_endpoint_id: vpce,
                vpc_endpoint_type: "Interface",
                vpc_id: self.vpc_id.clone(),
            });
        }
        self.push_nics(&mut nics);
    }
}
