//! The design's intents sampled with the concrete engine: every member pair the design's hosts
//! form, on the services' first and last ports (a sample of ports for `tcp`, `udp` and `any`).
//! This stands in until the intent engine proves them for every packet; an intent whose groups
//! use selector keys the design compiler cannot resolve is reported as not checked.

use super::{Check, INTERNET, question};
use crate::resolve::{Design, select};
use crate::service::Service;
use crate::spec::HostKind;
use pinhole_engine::{Options, Verdict, trace};
use pinhole_model::Snapshot;
use serde_json::Value;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

/// An intent end: hosts of the design, and whether the internet is in it.
#[derive(Default)]
struct End {
    hosts: BTreeSet<usize>,
    internet: bool,
}

fn end(d: &Design, v: Option<&Value>) -> Result<End, String> {
    let Some(v) = v else {
        return Err("missing `from` or `to`".to_owned());
    };
    match v.as_str() {
        Some("internet") => {
            return Ok(End {
                hosts: BTreeSet::new(),
                internet: true,
            });
        }
        Some("any") => {
            return Ok(End {
                hosts: (0..d.hosts.len()).collect(),
                internet: true,
            });
        }
        Some(name) if !d.groups.contains_key(name) => {
            if let Some(i) = d.host_by_name(name) {
                return Ok(End {
                    hosts: BTreeSet::from([i]),
                    internet: false,
                });
            }
        }
        _ => {}
    }
    let mut depth = 0;
    let hosts = select(v, &d.groups, &d.hosts, &d.vpcs, &d.accounts, &mut depth)?;
    Ok(End {
        hosts: hosts.into_iter().collect(),
        internet: false,
    })
}

/// The services of a rule, expanded to the (service, port) samples probed.
fn samples(d: &Design, v: Option<&Value>) -> Result<Vec<(Service, u16)>, String> {
    let list: Vec<String> = match v {
        None => vec!["any".to_owned()],
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        Some(_) => return Err("`services` expects a list".to_owned()),
    };
    // Ports worth trying for a whole protocol: the design's own and the usual suspects.
    let mut common: BTreeSet<u16> = [22, 80, 443, 1024, 3306, 3389, 8080, 65535]
        .into_iter()
        .collect();
    for s in d
        .pinholes
        .iter()
        .flat_map(|p| &p.services)
        .chain(d.flows.iter().flat_map(|f| &f.services))
    {
        if s.proto == 6 && !s.all_ports() {
            common.insert(s.from.max(1));
        }
    }
    let mut out = Vec::new();
    for s in list {
        let whole = |proto: u8, out: &mut Vec<(Service, u16)>| {
            for p in &common {
                out.push((
                    Service {
                        proto,
                        from: *p,
                        to: *p,
                    },
                    *p,
                ));
            }
        };
        match s.as_str() {
            "any" => {
                whole(6, &mut out);
                out.push((
                    Service {
                        proto: 17,
                        from: 53,
                        to: 53,
                    },
                    53,
                ));
                out.push((
                    Service {
                        proto: 1,
                        from: 8,
                        to: 8,
                    },
                    0,
                ));
            }
            _ => {
                let x = Service::parse(&s)?;
                if x.proto == 1 {
                    out.push((x, 0));
                } else if x.all_ports() {
                    whole(x.proto, &mut out);
                } else {
                    out.push((x, x.from.max(1)));
                    if x.to != x.from {
                        out.push((x, x.to));
                    }
                }
            }
        }
    }
    Ok(out)
}

fn covered(rule: &[(Service, u16)], s: &Service, port: u16) -> bool {
    rule.iter()
        .any(|(x, _)| x.proto == s.proto && (s.proto == 1 || (x.from <= port && port <= x.to)))
}

type Skip<'a> = &'a dyn Fn(Option<usize>, Option<usize>, &Service, u16) -> bool;

struct Ctx<'a> {
    d: &'a Design,
    snap: &'a Snapshot,
    opts: Options,
    out: Vec<Check>,
}

impl Ctx<'_> {
    /// Probes every pair of the two ends on a sample, expecting `expect` unless `skip` says so.
    fn pairs(
        &mut self,
        what: &str,
        from: &End,
        to: &End,
        smp: &[(Service, u16)],
        expect: Verdict,
        skip: Skip<'_>,
    ) {
        let d = self.d;
        let mut srcs: Vec<(Option<usize>, Ipv4Addr)> = from
            .hosts
            .iter()
            .filter(|&&h| d.hosts[h].kind != HostKind::Rds)
            .filter_map(|&h| d.hosts[h].addrs().next().map(|a| (Some(h), a)))
            .collect();
        if from.internet {
            srcs.push((None, INTERNET));
        }
        for (sh, sa) in srcs {
            let mut dsts: Vec<(Option<usize>, Ipv4Addr)> = Vec::new();
            for &h in &to.hosts {
                if Some(h) == sh {
                    continue;
                }
                if sh.is_none() {
                    // From the internet a host is reached at its public address, if it has one.
                    dsts.extend(d.hosts[h].public_ip.map(|p| (Some(h), p)));
                } else {
                    dsts.extend(d.hosts[h].addrs().map(|a| (Some(h), a)));
                }
            }
            if to.internet && sh.is_some() {
                dsts.push((None, INTERNET));
            }
            for (dh, da) in dsts {
                for (s, port) in smp {
                    if skip(sh, dh, s, *port) {
                        continue;
                    }
                    let t = trace(
                        self.snap,
                        &question(IpAddr::V4(sa), IpAddr::V4(da), s, *port),
                        &self.opts,
                    );
                    let name = |h: Option<usize>| {
                        h.map_or_else(|| "internet".to_owned(), |h| d.hosts[h].name.clone())
                    };
                    self.out.push(Check {
                        what: what.to_owned(),
                        src: name(sh),
                        dst: name(dh),
                        src_ip: IpAddr::V4(sa),
                        dst_ip: IpAddr::V4(da),
                        service: *s,
                        port: *port,
                        expect,
                        got: t.verdict,
                        reason: t.reason,
                    });
                }
            }
        }
    }
}

fn one_intent(cx: &mut Ctx<'_>, it: &Value, what: &str) -> Result<(), String> {
    let d = cx.d;
    if let Some(r) = it.get("deny") {
        let (from, to, smp) = (
            end(d, r.get("from"))?,
            end(d, r.get("to"))?,
            samples(d, r.get("services"))?,
        );
        let mut except = Vec::new();
        for e in it
            .get("except")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            except.push((
                end(d, e.get("from"))?,
                end(d, e.get("to"))?,
                samples(d, e.get("services"))?,
            ));
        }
        let skip = |a: Option<usize>, b: Option<usize>, s: &Service, p: u16| {
            except.iter().any(|(f, t, sv)| {
                let inf = a.map_or(f.internet, |a| f.hosts.contains(&a));
                let int = b.map_or(t.internet, |b| t.hosts.contains(&b));
                inf && int && covered(sv, s, p)
            })
        };
        cx.pairs(what, &from, &to, &smp, Verdict::Blocked, &skip);
    } else if let Some(r) = it.get("require") {
        let (from, to, smp) = (
            end(d, r.get("from"))?,
            end(d, r.get("to"))?,
            samples(d, r.get("services"))?,
        );
        cx.pairs(what, &from, &to, &smp, Verdict::Reachable, &|_, _, _, _| {
            false
        });
    } else if let Some(r) = it.get("only") {
        let (from, to, smp) = (
            end(d, r.get("from"))?,
            end(d, r.get("to"))?,
            samples(d, r.get("services"))?,
        );
        cx.pairs(what, &from, &to, &smp, Verdict::Reachable, &|_, _, _, _| {
            false
        });
        let others = samples(d, None)?;
        cx.pairs(
            what,
            &from,
            &to,
            &others,
            Verdict::Blocked,
            &|_, _, s, p| covered(&smp, s, p),
        );
    } else if let Some(r) = it.get("egress") {
        let from = end(d, r.get("from"))?;
        let internet = End {
            hosts: BTreeSet::new(),
            internet: true,
        };
        let web = [
            (
                Service {
                    proto: 6,
                    from: 443,
                    to: 443,
                },
                443,
            ),
            (
                Service {
                    proto: 6,
                    from: 80,
                    to: 80,
                },
                80,
            ),
        ];
        if r.get("internet").and_then(Value::as_str) == Some("none") {
            cx.pairs(
                what,
                &from,
                &internet,
                &web,
                Verdict::Blocked,
                &|_, _, _, _| false,
            );
        } else if let Some(via) = r.get("via").and_then(Value::as_array) {
            let vias: Vec<&str> = via.iter().filter_map(Value::as_str).collect();
            if vias.iter().any(|v| *v != "nat" && !v.starts_with("nat-")) {
                return Err("egress through proxy groups needs the intent engine".to_owned());
            }
            // What gets out must have crossed one of the NAT gateways; not getting out keeps it too.
            let start = cx.out.len();
            cx.pairs(
                what,
                &from,
                &internet,
                &web,
                Verdict::Reachable,
                &|_, _, _, _| false,
            );
            let opts = cx.opts.clone();
            for c in cx.out.iter_mut().skip(start) {
                let t = trace(
                    cx.snap,
                    &question(c.src_ip, c.dst_ip, &c.service, c.port),
                    &opts,
                );
                let via_nat = t.via.iter().any(|g| {
                    vias.iter().any(|v| {
                        if *v == "nat" {
                            g.starts_with("nat-")
                        } else {
                            g == v
                        }
                    })
                });
                c.expect = if t.verdict == Verdict::Reachable && !via_nat {
                    Verdict::Blocked
                } else {
                    t.verdict
                };
                if c.expect != c.got {
                    c.reason = format!(
                        "reaches the internet without a listed NAT gateway: {}",
                        t.reason
                    );
                }
            }
        } else {
            return Err("egress expects `internet: none` or `via`".to_owned());
        }
    } else {
        return Err("no deny, require, only or egress".to_owned());
    }
    Ok(())
}

/// Probes for every intent; the second list names the intents not checked here, and why.
pub fn verify_intents(d: &Design, snap: &Snapshot) -> (Vec<Check>, Vec<String>) {
    let mut cx = Ctx {
        d,
        snap,
        opts: Options {
            record_hops: false,
            ..Options::default()
        },
        out: Vec::new(),
    };
    let mut skipped = Vec::new();
    for (i, it) in d.intents.iter().enumerate() {
        let name = it
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| (i + 1).to_string(), str::to_owned);
        if let Err(e) = one_intent(&mut cx, it, &format!("intent {name}")) {
            skipped.push(format!("intent {name}: not checked here: {e}"));
        }
    }
    (cx.out, skipped)
}
