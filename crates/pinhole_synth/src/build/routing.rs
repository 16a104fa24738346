//! Route tables, peering connections and transit gateways.

use super::{ANY, Builder, HubFiles, stamp};
use crate::aws::{self, tags};
use crate::net::Cidr;
use crate::plan::{AZ_LETTERS, Hub, Org, PeeringKind, REGIONS, Tier};
use crate::rng::Rng;

/// One route table of the template: its number in the VPC, name, subnets and routes.
struct Table {
    local_n: u64,
    name: String,
    subnets: Vec<(usize, Tier)>,
    routes: Vec<aws::Route>,
}

impl Table {
    fn new(local_n: u64, name: &str, subnets: Vec<(usize, Tier)>, routes: Vec<aws::Route>) -> Self {
        Table {
            local_n,
            name: name.to_owned(),
            subnets,
            routes,
        }
    }
}

impl Builder<'_> {
    pub(super) fn route_tables(&mut self) {
        let local = aws::Route {
            destination_cidr_block: self.cidr.to_string(),
            gateway_id: Some("local".to_owned()),
            origin: "CreateRouteTable",
            state: "active",
            ..aws::Route::default()
        };
        let via_pcx = |cidr: Cidr, p: usize, org: &Org| aws::Route {
            destination_cidr_block: cidr.to_string(),
            origin: "CreateRoute",
            state: "active",
            vpc_peering_connection_id: Some(org.pcx_id(p)),
            ..aws::Route::default()
        };
        let mesh: Vec<aws::Route> = self
            .mesh_peers()
            .into_iter()
            .map(|(p, g)| via_pcx(self.peer_cidr(g), p, self.org))
            .collect();
        let tgw = self.org.hub(self.env(), self.r).map(|h| aws::Route {
            destination_cidr_block: self.pool.to_string(),
            origin: "CreateRoute",
            state: "active",
            transit_gateway_id: Some(self.org.tgw_id(h)),
            ..aws::Route::default()
        });
        let to_pinholes = |outgoing: bool| -> Vec<aws::Route> {
            self.pinholes(outgoing)
                .into_iter()
                .map(|ph| {
                    let far = if outgoing { ph.dst } else { ph.src };
                    via_pcx(self.peer_cidr(far), ph.peering, self.org)
                })
                .collect()
        };
        let default_to = |gateway: Option<String>, nat: Option<String>| aws::Route {
            destination_cidr_block: ANY.to_owned(),
            gateway_id: gateway,
            nat_gateway_id: nat,
            origin: "CreateRoute",
            state: "active",
            ..aws::Route::default()
        };
        let routes_with = |extra: Vec<aws::Route>| -> Vec<aws::Route> {
            let mut v = vec![local.clone()];
            v.extend(mesh.iter().cloned());
            v.extend(extra);
            v.extend(tgw.as_ref().cloned());
            v
        };

        let tier = |t: Tier| (0..3).map(|az| (az, t)).collect::<Vec<_>>();
        let mut public = routes_with(Vec::new());
        public.push(default_to(Some(self.id("igw", 0)), None));
        let mut tables = vec![
            Table::new(0, "main", Vec::new(), vec![local.clone()]),
            Table::new(1, "public", tier(Tier::Public), public),
        ];
        for az in 0..3 {
            let mut routes = routes_with(to_pinholes(true));
            routes.push(default_to(None, Some(self.id("nat", az as u64))));
            let letter = AZ_LETTERS.get(az).copied().unwrap_or("");
            let name = format!("app-{letter}");
            tables.push(Table::new(
                2 + az as u64,
                &name,
                vec![(az, Tier::App)],
                routes,
            ));
        }
        tables.push(Table::new(
            5,
            "data",
            tier(Tier::Data),
            routes_with(to_pinholes(false)),
        ));
        tables.push(Table::new(6, "tgw", tier(Tier::Tgw), vec![local]));
        for Table {
            local_n,
            name,
            subnets,
            routes,
        } in tables
        {
            let id = self.id("rtb", local_n);
            let mut associations: Vec<aws::RouteTableAssoc> = subnets
                .iter()
                .map(|&(az, t)| aws::RouteTableAssoc {
                    association_state: aws::StateName {
                        state: "associated",
                    },
                    main: false,
                    route_table_association_id: self
                        .id("rtbassoc", 1 + (az * 4 + t.index()) as u64),
                    route_table_id: id.clone(),
                    subnet_id: Some(self.subnet_id(az, t)),
                })
                .collect();
            if local_n == 0 {
                associations.push(aws::RouteTableAssoc {
                    association_state: aws::StateName {
                        state: "associated",
                    },
                    main: true,
                    route_table_association_id: self.id("rtbassoc", 0),
                    route_table_id: id.clone(),
                    subnet_id: None,
                });
            }
            self.out.counts.route_tables += 1;
            self.out.route_tables.push(aws::RouteTable {
                associations,
                owner_id: self.acct.id.clone(),
                propagating_vgws: [],
                route_table_id: id,
                routes,
                tags: self.tags(format!("{}-{name}-rt", self.prefix)),
                vpc_id: self.vpc_id.clone(),
            });
        }
    }

    /// Every connection of this VPC, as both accounts see it.
    pub(super) fn peerings(&mut self) {
        let Some(v) = self.org.vpcs.get(self.g) else {
            return;
        };
        for &p in &v.peerings {
            let Some(c) = self.org.peerings.get(p) else {
                continue;
            };
            if c.requester == self.g {
                self.out.counts.peerings += 1;
            }
            let info = |g: usize| {
                let cidr = self.peer_cidr(g).to_string();
                aws::PeeringVpcInfo {
                    cidr_block: cidr.clone(),
                    cidr_block_set: vec![aws::CidrOnly { cidr_block: cidr }],
                    owner_id: self
                        .org
                        .account_of(g)
                        .map(|a| a.id.clone())
                        .unwrap_or_default(),
                    peering_options: aws::PeeringOptions {
                        allow_dns_resolution_from_remote_vpc: false,
                        allow_egress_from_local_classic_link_to_remote_vpc: false,
                        allow_egress_from_local_vpc_to_remote_classic_link: false,
                    },
                    region: self.region.name,
                    vpc_id: self.org.vpc_id(g),
                }
            };
            let name = |g: usize| self.org.account_of(g).map(|a| a.name()).unwrap_or_default();
            let suffix = match c.kind {
                PeeringKind::Mesh => "peering",
                PeeringKind::Pinhole => "pinhole",
            };
            self.out.peerings.push(aws::PeeringConnection {
                accepter_vpc_info: info(c.accepter),
                requester_vpc_info: info(c.requester),
                status: aws::PeeringStatus {
                    code: "active",
                    message: "Active",
                },
                tags: tags(
                    format!("{}-{}-{suffix}", name(c.requester), name(c.accepter)),
                    None,
                ),
                vpc_peering_connection_id: self.org.pcx_id(p),
            });
        }
        self.out.counts.pinholes += v.pinholes_out.len();
    }

    /// This VPC's attachment; and, for the hub's owner, the hub itself.
    pub(super) fn transit_gateway(&mut self) {
        let Some(hub) = self.org.hub(self.env(), self.r) else {
            return;
        };
        if hub.owner == self.g / REGIONS.len() {
            self.out.tgw_vpc_attachments = hub
                .members
                .iter()
                .map(|&g| vpc_attachment(self.org, hub, g))
                .collect();
            self.out.hub = Some(hub_files(self.org, hub, &mut self.rng));
            self.out.counts.transit_gateways += 1;
            self.out.counts.tgw_attachments += hub.members.len();
        } else {
            self.out.tgw_vpc_attachments = vec![vpc_attachment(self.org, hub, self.g)];
        }
    }
}

fn vpc_attachment(org: &Org, hub: &Hub, g: usize) -> aws::TgwVpcAttachment {
    aws::TgwVpcAttachment {
        creation_time: stamp(&mut Rng::new(org.seed, "tgw-attach", g as u64)),
        options: aws::TgwVpcAttachmentOptions {
            appliance_mode_support: "disable",
            dns_support: "enable",
            ipv6_support: "disable",
        },
        state: "available",
        subnet_ids: (0..3)
            .map(|az| org.vpc_scoped("subnet", g, (az * 4 + Tier::Tgw.index()) as u64))
            .collect(),
        tags: tags(format!("{}-tgw-attachment", org.vpc_name(g)), None),
        transit_gateway_attachment_id: org.tgw_attachment_id(g),
        transit_gateway_id: org.tgw_id(hub),
        vpc_id: org.vpc_id(g),
        vpc_owner_id: org.account_of(g).map(|a| a.id.clone()).unwrap_or_default(),
    }
}

fn hub_files(org: &Org, hub: &Hub, rng: &mut Rng) -> HubFiles {
    let owner = org
        .accounts
        .get(hub.owner)
        .map(|a| a.id.clone())
        .unwrap_or_default();
    let region = REGIONS.get(hub.region).map_or("", |r| r.name);
    let (tgw, rtb) = (org.tgw_id(hub), org.tgw_rtb_id(hub));
    let name = format!("{}-{region}-tgw", hub.env.name());
    let created = stamp(rng);
    let attachments = hub
        .members
        .iter()
        .map(|&g| aws::TgwAttachment {
            association: aws::TgwAssociation {
                state: "associated",
                transit_gateway_route_table_id: rtb.clone(),
            },
            creation_time: stamp(&mut Rng::new(org.seed, "tgw-attach", g as u64)),
            resource_id: org.vpc_id(g),
            resource_owner_id: org.account_of(g).map(|a| a.id.clone()).unwrap_or_default(),
            resource_type: "vpc",
            state: "available",
            tags: tags(format!("{}-tgw-attachment", org.vpc_name(g)), None),
            transit_gateway_attachment_id: org.tgw_attachment_id(g),
            transit_gateway_id: tgw.clone(),
            transit_gateway_owner_id: owner.clone(),
        })
        .collect();
    let propagations = vec![aws::PropagationsOfTable {
        transit_gateway_route_table_id: rtb.clone(),
        transit_gateway_route_table_propagations: hub
            .members
            .iter()
            .map(|&g| aws::TgwPropagation {
                resource_id: org.vpc_id(g),
                resource_type: "vpc",
                state: "enabled",
                transit_gateway_attachment_id: org.tgw_attachment_id(g),
            })
            .collect(),
    }];
    let static_routes = vec![aws::RoutesOfTable {
        additional_routes_available: false,
        routes: hub
            .env
            .others()
            .map(|e| aws::TgwRoute {
                destination_cidr_block: e.range().to_string(),
                state: "blackhole",
                r#type: "static",
            })
            .collect(),
        transit_gateway_route_table_id: rtb.clone(),
    }];
    HubFiles {
        transit_gateways: vec![aws::TransitGateway {
            creation_time: created.clone(),
            description: format!("{} hub in {region}", hub.env.name()),
            options: aws::TgwOptions {
                amazon_side_asn: 64512 + (hub.env.index() * 4 + hub.region) as u32,
                association_default_route_table_id: rtb.clone(),
                auto_accept_shared_attachments: "enable",
                default_route_table_association: "enable",
                default_route_table_propagation: "enable",
                dns_support: "enable",
                multicast_support: "disable",
                propagation_default_route_table_id: rtb.clone(),
                vpn_ecmp_support: "enable",
            },
            owner_id: owner.clone(),
            state: "available",
            tags: tags(name.clone(), Some(hub.env.name())),
            transit_gateway_arn: format!("arn:aws:ec2:{region}:{owner}:transit-gateway/{tgw}"),
            transit_gateway_id: tgw.clone(),
        }],
        route_tables: vec![aws::TgwRouteTable {
            creation_time: created,
            default_association_route_table: true,
            default_propagation_route_table: true,
            state: "available",
            tags: tags(format!("{name}-rt"), None),
            transit_gateway_id: tgw,
            transit_gateway_route_table_id: rtb,
        }],
        attachments,
        propagations,
        static_routes,
    }
}
