//! Terraform: one root module per account, `terraform/<alias>/`.

use crate::Files;
use crate::names::Namer;
use pinhole_design::compile::{NVpc, Network, SgPeer, Target};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// An HCL string literal: quotes, backslashes and control characters escaped, and `${` / `%{`
/// doubled so a name never becomes an interpolation or a template directive.
pub(crate) fn hcl_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                o.push(c);
                o.push(c);
            }
            c if c.is_control() => {
                let _ = write!(o, "\\u{:04x}", u32::from(c));
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn tags(name: &str, env: &str) -> String {
    format!(
        "  tags = {{\n    \"Name\"        = {}\n    \"Environment\" = {}\n    \"ManagedBy\"   = \"pinhole\"\n  }}\n",
        hcl_str(name),
        hcl_str(env)
    )
}

struct Labels {
    vpc: String,
    igw: Option<String>,
    subnets: Vec<String>,
    rts: Vec<String>,
    nats: Vec<String>,
    sgs: Vec<String>,
    provider: Option<String>,
}

/// `provider = aws.<alias>` for resources outside the account's first region.
fn prov(l: &Labels) -> String {
    l.provider
        .as_ref()
        .map(|p| format!("  provider = aws.{p}\n"))
        .unwrap_or_default()
}

fn proto_name(p: i16) -> String {
    match p {
        -1 => "-1".to_owned(),
        6 => "tcp".to_owned(),
        17 => "udp".to_owned(),
        1 => "icmp".to_owned(),
        p => p.to_string(),
    }
}

/// The Terraform layout: `terraform/<alias>/{versions,providers,variables,main,outputs}.tf`
/// and a README with the apply order.
pub fn terraform(net: &Network) -> Files {
    let mut by_account: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, v) in net.vpcs.iter().enumerate() {
        by_account
            .entry((v.alias.clone(), v.account.clone()))
            .or_default()
            .push(i);
    }
    let mut files = Files::new();
    for ((alias, account), vis) in &by_account {
        let dir = format!("terraform/{}", safe_dir(alias));
        let mut namer = Namer::default();
        let mut regions: Vec<&str> = vis.iter().map(|&i| net.vpcs[i].region.as_str()).collect();
        regions.sort_unstable();
        regions.dedup();
        let mut providers = String::new();
        for (k, r) in regions.iter().enumerate() {
            let _ = writeln!(providers, "provider \"aws\" {{");
            if k > 0 {
                let _ = writeln!(providers, "  alias  = {}", hcl_str(&r.replace('-', "_")));
            }
            let _ = writeln!(providers, "  region = {}", hcl_str(r));
            let _ = writeln!(providers, "  allowed_account_ids = [{}]", hcl_str(account));
            let _ = writeln!(providers, "}}\n");
        }
        let mut main = String::new();
        let mut vars = String::new();
        let mut outs = String::new();
        let mut labels: BTreeMap<usize, Labels> = BTreeMap::new();
        for &vi in vis {
            let v = &net.vpcs[vi];
            let provider =
                (regions.first() != Some(&v.region.as_str())).then(|| v.region.replace('-', "_"));
            let l = Labels {
                vpc: namer.tf(&v.name),
                igw: v.igw.as_ref().map(|_| namer.tf(&format!("{}-igw", v.name))),
                subnets: v.subnets.iter().map(|s| namer.tf(&s.name)).collect(),
                rts: v.route_tables.iter().map(|r| namer.tf(&r.name)).collect(),
                nats: v.nats.iter().map(|n| namer.tf(&n.name)).collect(),
                sgs: v
                    .sgs
                    .iter()
                    .map(|s| namer.tf(&format!("{}-{}", v.name, s.name)))
                    .collect(),
                provider,
            };
            vpc_resources(&mut main, &mut namer, v, &l);
            let _ = writeln!(
                outs,
                "output \"{}_vpc_id\" {{\n  value = aws_vpc.{}.id\n}}\n",
                l.vpc, l.vpc
            );
            labels.insert(vi, l);
        }
        // Peering: requester creates, accepter accepts; ids cross accounts as variables.
        for (pi, p) in net.peerings.iter().enumerate() {
            let (mine_req, mine_acc) = (vis.contains(&p.requester), vis.contains(&p.accepter));
            if !mine_req && !mine_acc {
                continue;
            }
            let (r, a) = (&net.vpcs[p.requester], &net.vpcs[p.accepter]);
            let pl = namer.tf(&p.name);
            let same_account = mine_req && mine_acc;
            if mine_req {
                let l = &labels[&p.requester];
                let peer_vpc = if same_account {
                    format!("aws_vpc.{}.id", labels[&p.accepter].vpc)
                } else {
                    let var = format!("{}_vpc_id", namer.tf(&format!("peer-{}", a.name)));
                    let _ = writeln!(
                        vars,
                        "variable \"{var}\" {{\n  description = {}\n  type        = string\n  default     = \"\"\n}}\n",
                        hcl_str(&format!(
                            "VPC id of {} in account {} (output `{}_vpc_id` of its directory); empty until that account is applied",
                            a.name,
                            a.account,
                            a.name.replace('-', "_")
                        ))
                    );
                    format!("var.{var}")
                };
                let count = if same_account {
                    String::new()
                } else {
                    format!("  count         = {peer_vpc} == \"\" ? 0 : 1\n")
                };
                let _ = writeln!(
                    main,
                    "resource \"aws_vpc_peering_connection\" \"{pl}\" {{\n{}{count}  vpc_id        = aws_vpc.{}.id\n  peer_vpc_id   = {peer_vpc}\n  peer_owner_id = {}\n{}{}{}}}\n",
                    prov(l),
                    l.vpc,
                    hcl_str(&a.account),
                    if r.region != a.region {
                        format!("  peer_region   = {}\n", hcl_str(&a.region))
                    } else {
                        String::new()
                    },
                    if same_account && r.region == a.region {
                        "  auto_accept   = true\n"
                    } else {
                        ""
                    },
                    tags(&p.name, &r.env)
                );
                let conn_ref = if same_account {
                    format!("aws_vpc_peering_connection.{pl}.id")
                } else {
                    format!("aws_vpc_peering_connection.{pl}[0].id")
                };
                if !same_account {
                    let _ = writeln!(
                        outs,
                        "output \"{pl}_id\" {{\n  description = {}\n  value       = one(aws_vpc_peering_connection.{pl}[*].id)\n}}\n",
                        hcl_str(&format!("give to account {} as `{pl}_id`", a.account))
                    );
                }
                let cond = (!same_account).then_some(peer_vpc.as_str());
                peer_routes(
                    &mut main,
                    &mut namer,
                    net,
                    p.requester,
                    l,
                    &conn_ref,
                    cond,
                    pi,
                );
            }
            if mine_acc {
                let l = &labels[&p.accepter];
                let var = format!("var.{pl}_id");
                let conn_ref = if same_account {
                    format!("aws_vpc_peering_connection.{pl}.id")
                } else {
                    let var = format!("{pl}_id");
                    let _ = writeln!(
                        vars,
                        "variable \"{var}\" {{\n  description = {}\n  type        = string\n  default     = \"\"\n}}\n",
                        hcl_str(&format!(
                            "peering connection id requested by account {} (output `{pl}_id` of its directory)",
                            r.account
                        ))
                    );
                    let _ = writeln!(
                        main,
                        "resource \"aws_vpc_peering_connection_accepter\" \"{pl}\" {{\n{}  count                     = var.{var} == \"\" ? 0 : 1\n  vpc_peering_connection_id = var.{var}\n  auto_accept               = true\n{}}}\n",
                        prov(l),
                        tags(&p.name, &a.env)
                    );
                    format!("aws_vpc_peering_connection_accepter.{pl}[0].id")
                };
                let cond = (!same_account).then_some(var.as_str());
                peer_routes(
                    &mut main, &mut namer, net, p.accepter, l, &conn_ref, cond, pi,
                );
            }
        }
        files.insert(format!("{dir}/versions.tf"), "terraform {\n  required_version = \">= 1.5\"\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.30\"\n    }\n  }\n}\n".to_owned());
        files.insert(
            format!("{dir}/providers.tf"),
            providers.trim_end().to_owned() + "\n",
        );
        files.insert(format!("{dir}/main.tf"), main.trim_end().to_owned() + "\n");
        if !vars.is_empty() {
            files.insert(
                format!("{dir}/variables.tf"),
                vars.trim_end().to_owned() + "\n",
            );
        }
        files.insert(
            format!("{dir}/outputs.tf"),
            outs.trim_end().to_owned() + "\n",
        );
    }
    files.insert("terraform/README.md".to_owned(), README.to_owned());
    files
}

const README: &str = "# Terraform written by `pinhole emit`

One root module per account. Cross-account peering takes two passes, because each side needs an
id the other side creates:

1. `terraform apply` in every directory: VPCs, subnets, gateways, route tables, NACLs, security
   groups. Peering resources are skipped while their variables are empty.
2. In each requester's directory, set `peer_<vpc>_vpc_id` from the peer's output `<vpc>_vpc_id`
   and apply: the requests are created.
3. In each accepter's directory, set `<peering>_id` from the requester's output and apply: the
   requests are accepted and the routes on that side created.

Generated: edit the design file and emit again rather than editing these files.
";

fn safe_dir(alias: &str) -> String {
    let s: String = alias
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("account_{s}")
    } else {
        s
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "the peering routes of one side: every argument is one fact about that side"
)]
fn peer_routes(
    main: &mut String,
    namer: &mut Namer,
    net: &Network,
    vi: usize,
    l: &Labels,
    conn: &str,
    count: Option<&str>,
    pi: usize,
) {
    let v = &net.vpcs[vi];
    for (ri, rt) in v.route_tables.iter().enumerate() {
        for r in &rt.routes {
            if !matches!(r.target, Target::Peering(x) if x == pi) {
                continue;
            }
            let label = namer.tf(&format!("{}-to-{}", rt.name, r.dest));
            let count = count
                .map(|c| format!("  count                     = {c} == \"\" ? 0 : 1\n"))
                .unwrap_or_default();
            let _ = writeln!(
                main,
                "resource \"aws_route\" \"{label}\" {{\n{}{count}  route_table_id            = aws_route_table.{}.id\n  destination_cidr_block    = {}\n  vpc_peering_connection_id = {conn}\n}}\n",
                prov(l),
                l.rts[ri],
                hcl_str(&r.dest.to_string())
            );
        }
    }
}

fn vpc_resources(main: &mut String, namer: &mut Namer, v: &NVpc, l: &Labels) {
    let p = prov(l);
    let _ = writeln!(
        main,
        "# {} — account {} ({}), {}\n",
        v.name, v.account, v.env, v.region
    );
    let _ = writeln!(
        main,
        "resource \"aws_vpc\" \"{}\" {{\n{p}  cidr_block           = {}\n  enable_dns_support   = true\n  enable_dns_hostnames = true\n{}}}\n",
        l.vpc,
        hcl_str(&v.cidr.to_string()),
        tags(&format!("{}-vpc", v.name), &v.env)
    );
    // The default group, emptied: every host uses its own group.
    let _ = writeln!(
        main,
        "resource \"aws_default_security_group\" \"{}\" {{\n{p}  vpc_id = aws_vpc.{}.id\n{}}}\n",
        l.sgs.first().map_or("default", String::as_str),
        l.vpc,
        tags(&format!("{}-default-sg", v.name), &v.env)
    );
    if let Some(igw) = &l.igw {
        let _ = writeln!(
            main,
            "resource \"aws_internet_gateway\" \"{igw}\" {{\n{p}  vpc_id = aws_vpc.{}.id\n{}}}\n",
            l.vpc,
            tags(&format!("{}-igw", v.name), &v.env)
        );
    }
    for (si, s) in v.subnets.iter().enumerate() {
        let _ = writeln!(
            main,
            "resource \"aws_subnet\" \"{}\" {{\n{p}  vpc_id                  = aws_vpc.{}.id\n  cidr_block              = {}\n  availability_zone       = {}\n  map_public_ip_on_launch = {}\n{}}}\n",
            l.subnets[si],
            l.vpc,
            hcl_str(&s.cidr.to_string()),
            hcl_str(&s.zone),
            s.public,
            tags(&s.name, &v.env).replace(
                "  }\n",
                &format!("    \"Tier\"        = {}\n  }}\n", hcl_str(&s.tier))
            )
        );
    }
    for (ni, n) in v.nats.iter().enumerate() {
        let nl = &l.nats[ni];
        let _ = writeln!(
            main,
            "resource \"aws_eip\" \"{nl}\" {{\n{p}  domain = \"vpc\"\n{}}}\n",
            tags(&format!("{}-eip", n.name), &v.env)
        );
        let _ = writeln!(
            main,
            "resource \"aws_nat_gateway\" \"{nl}\" {{\n{p}  allocation_id = aws_eip.{nl}.id\n  subnet_id     = aws_subnet.{}.id\n  private_ip    = {}\n{}\n  depends_on = [aws_internet_gateway.{}]\n}}\n",
            l.subnets[n.subnet],
            hcl_str(&n.private_ip.to_string()),
            tags(&n.name, &v.env),
            l.igw.as_deref().unwrap_or("missing")
        );
    }
    for (ri, rt) in v.route_tables.iter().enumerate() {
        let rl = &l.rts[ri];
        let _ = writeln!(
            main,
            "resource \"aws_route_table\" \"{rl}\" {{\n{p}  vpc_id = aws_vpc.{}.id\n{}}}\n",
            l.vpc,
            tags(&rt.name, &v.env)
        );
        for r in &rt.routes {
            let target = match r.target {
                Target::Igw => format!(
                    "gateway_id             = aws_internet_gateway.{}.id",
                    l.igw.as_deref().unwrap_or("missing")
                ),
                Target::Nat(n) => format!(
                    "nat_gateway_id         = aws_nat_gateway.{}.id",
                    l.nats.get(n).map_or("missing", String::as_str)
                ),
                Target::Peering(_) => continue,
            };
            let label = namer.tf(&format!("{}-default", rt.name));
            let _ = writeln!(
                main,
                "resource \"aws_route\" \"{label}\" {{\n{p}  route_table_id         = aws_route_table.{rl}.id\n  destination_cidr_block = {}\n  {target}\n}}\n",
                hcl_str(&r.dest.to_string())
            );
        }
        for (si, s) in v.subnets.iter().enumerate() {
            if s.route_table == ri {
                let _ = writeln!(
                    main,
                    "resource \"aws_route_table_association\" \"{}\" {{\n{p}  subnet_id      = aws_subnet.{}.id\n  route_table_id = aws_route_table.{rl}.id\n}}\n",
                    l.subnets[si], l.subnets[si]
                );
            }
        }
    }
    for (ai, a) in v.nacls.iter().enumerate() {
        let al = namer.tf(&a.name);
        let subs: Vec<String> = v
            .subnets
            .iter()
            .enumerate()
            .filter(|(_, s)| s.nacl == Some(ai))
            .map(|(i, _)| format!("aws_subnet.{}.id", l.subnets[i]))
            .collect();
        let _ = writeln!(
            main,
            "resource \"aws_network_acl\" \"{al}\" {{\n{p}  vpc_id     = aws_vpc.{}.id\n  subnet_ids = [{}]\n{}}}\n",
            l.vpc,
            subs.join(", "),
            tags(&a.name, &v.env)
        );
        for e in &a.entries {
            let dir = if e.egress { "out" } else { "in" };
            let label = namer.tf(&format!("{}-{dir}-{}", a.name, e.rule));
            let (from, to) = e.ports.unwrap_or((0, 0));
            let icmp = if e.proto == 1 {
                "  icmp_type      = -1\n  icmp_code      = -1\n".to_owned()
            } else {
                format!("  from_port      = {from}\n  to_port        = {to}\n")
            };
            let _ = writeln!(
                main,
                "resource \"aws_network_acl_rule\" \"{label}\" {{\n{p}  network_acl_id = aws_network_acl.{al}.id\n  rule_number    = {}\n  egress         = {}\n  protocol       = {}\n  rule_action    = {}\n  cidr_block     = {}\n{icmp}}}\n",
                e.rule,
                e.egress,
                hcl_str(&e.proto.to_string()),
                hcl_str(if e.allow { "allow" } else { "deny" }),
                hcl_str(&e.cidr.to_string())
            );
        }
    }
    for (gi, g) in v.sgs.iter().enumerate().skip(1) {
        let gl = &l.sgs[gi];
        let _ = writeln!(
            main,
            "resource \"aws_security_group\" \"{gl}\" {{\n{p}  name        = {}\n  description = {}\n  vpc_id      = aws_vpc.{}.id\n{}}}\n",
            hcl_str(&g.name),
            hcl_str(&g.description),
            l.vpc,
            tags(&g.name, &v.env)
        );
        for (kind, rules) in [("ingress", &g.ingress), ("egress", &g.egress)] {
            for r in rules.iter() {
                // Named by content, not position: adding a rule never renames the others.
                let label = namer.tf(&format!(
                    "{}-{}-{kind}-{}",
                    v.name,
                    g.name,
                    crate::names::rule_key(r, v)
                ));
                let ports = if r.proto == -1 {
                    String::new()
                } else {
                    format!(
                        "  from_port         = {}\n  to_port           = {}\n",
                        r.from, r.to
                    )
                };
                let peer = match &r.peer {
                    SgPeer::Cidr(c) => {
                        format!("  cidr_ipv4         = {}\n", hcl_str(&c.to_string()))
                    }
                    SgPeer::Group(o) => format!(
                        "  referenced_security_group_id = aws_security_group.{}.id\n",
                        l.sgs.get(*o).map_or("missing", String::as_str)
                    ),
                };
                let _ = writeln!(
                    main,
                    "resource \"aws_vpc_security_group_{kind}_rule\" \"{label}\" {{\n{p}  security_group_id = aws_security_group.{gl}.id\n  ip_protocol       = {}\n{ports}{peer}  description       = {}\n}}\n",
                    hcl_str(&proto_name(r.proto)),
                    hcl_str(&r.description)
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::hcl_str;

    #[test]
    fn hcl_strings_are_escaped() {
        assert_eq!(hcl_str("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(hcl_str("${x} %{if}"), "\"$${x} %%{if}\"");
        assert_eq!(hcl_str("a\nb"), "\"a\\nb\"");
        assert_eq!(hcl_str("$5 100%"), "\"$5 100%\"");
    }
}
