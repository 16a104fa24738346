//! `pinhole plan` and `pinhole emit`: the design file, its address plan, the compiled network and
//! its checks, and the infrastructure as code.

use pinhole_design::{Block, BlockKind, Check, Compiled, Design, Severity};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// Reads, parses and compiles a design; warnings go to stderr.
fn load(path: &Path) -> Result<(Design, Compiled), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("error: reading {}: {e}", path.display()))?;
    let label = path.display().to_string();
    let d = pinhole_design::parse(&label, &text).map_err(|e| e.to_string())?;
    let c = d.compile().map_err(|e| e.to_string())?;
    for w in d.warnings.iter().chain(&c.warnings) {
        if w.severity == Severity::Warning {
            eprintln!("{w}");
        }
    }
    Ok((d, c))
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The plan as a table, one row per block.
pub(crate) fn plan_table(blocks: &[Block]) -> String {
    let header = [
        "kind",
        "env",
        "account",
        "region",
        "az",
        "tier",
        "slot",
        "cidr",
        "addresses",
        "usable",
    ];
    let rows: Vec<[String; 10]> = blocks
        .iter()
        .map(|b| {
            let (slot, usable) = match b.kind {
                BlockKind::Pool => (String::new(), String::new()),
                _ => (b.slot.to_string(), group(b.usable)),
            };
            [
                b.kind.as_str().to_owned(),
                b.env.clone(),
                b.account.clone(),
                b.region.clone(),
                b.az.clone(),
                b.tier.clone(),
                slot,
                b.cidr.to_string(),
                group(b.addresses),
                usable,
            ]
        })
        .collect();
    let mut w = header.map(str::len);
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[&str]| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            // Numbers right-aligned.
            if i >= 8 {
                let _ = write!(l, "{c:>width$}  ", width = w[i]);
            } else {
                let _ = write!(l, "{c:<width$}  ", width = w[i]);
            }
        }
        l.trim_end().to_owned() + "\n"
    };
    out.push_str(&line(&header));
    for r in &rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        out.push_str(&line(&cells));
    }
    out
}

/// The design's checks and its intents, sampled; the intents that could not be sampled.
fn all_checks(d: &Design, snap: &pinhole_model::Snapshot) -> (Vec<Check>, Vec<String>) {
    let mut checks = pinhole_design::verify(d, snap);
    let (intents, not_checked) = pinhole_design::verify_intents(d, snap);
    checks.extend(intents);
    (checks, not_checked)
}

fn summarise(checks: &[Check]) -> (String, bool) {
    let mut out = String::new();
    let mut ok = true;
    let kinds = [
        ("pinhole", "pinholes", "reachable"),
        ("flow", "flows", "reachable"),
        ("isolation", "isolation", "blocked"),
        ("egress", "egress", "as each host's egress policy says"),
        ("intent", "intents", "as the intents state"),
    ];
    for (prefix, label, verdict) in kinds {
        let of: Vec<&Check> = checks
            .iter()
            .filter(|c| c.what.starts_with(prefix))
            .collect();
        if of.is_empty() {
            continue;
        }
        let good = of.iter().filter(|c| c.ok()).count();
        let _ = writeln!(out, "  {label:<10} {good}/{} {verdict}", of.len());
        for c in of.iter().filter(|c| !c.ok()) {
            ok = false;
            let _ = writeln!(
                out,
                "    FAIL {}: {} {} -> {} {} {}: expected {}, got {}: {}",
                c.what,
                c.src,
                c.src_ip,
                c.dst,
                c.dst_ip,
                if c.service.proto == 1 {
                    "icmp".to_owned()
                } else {
                    format!("{}/{}", c.service.proto_name(), c.port)
                },
                c.expect.as_str(),
                c.got.as_str(),
                c.reason
            );
        }
    }
    (out, ok)
}

pub(crate) fn plan(
    path: &Path,
    write_snapshot: Option<&Path>,
    write_probes: Option<&Path>,
) -> Result<ExitCode, String> {
    let (mut out, ok, c, checks) = plan_report(path)?;
    if let Some(file) = write_probes {
        let mut text = String::new();
        for k in &checks {
            let mut v = serde_json::json!({
                "src": k.src_ip.to_string(),
                "dst": k.dst_ip.to_string(),
                "proto": k.service.proto_name(),
                "expect": k.expect.as_str(),
                "check": k.what,
                "from": k.src,
                "to": k.dst,
            });
            if k.service.proto != 1
                && let Some(o) = v.as_object_mut()
            {
                o.insert("port".to_owned(), serde_json::json!(k.port));
            }
            text.push_str(&v.to_string());
            text.push('\n');
        }
        std::fs::write(file, text)
            .map_err(|e| format!("error: writing {}: {e}", file.display()))?;
        let _ = writeln!(
            out,
            "{} probes written to {} (`pinhole query <SNAPSHOT> --flows {}` checks a deployed network against the design)",
            checks.len(),
            file.display(),
            file.display()
        );
    }
    if let Some(dir) = write_snapshot {
        let files = c.files.iter().map(|(k, v)| {
            (
                format!("aws_configs/{k}"),
                serde_json::to_string_pretty(v).unwrap_or_default() + "\n",
            )
        });
        write_files(dir, files)?;
        let _ = writeln!(
            out,
            "snapshot written to {}",
            dir.join("aws_configs").display()
        );
    }
    crate::out(&out);
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The plan's text, whether the compiled network passed its checks, the compiled network and
/// the checks.
pub(crate) fn plan_report(path: &Path) -> Result<(String, bool, Compiled, Vec<Check>), String> {
    let (d, c) = load(path)?;
    let blocks = d.plan();
    let subnets = blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Subnet)
        .count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "address plan of {}: {} accounts, {} region(s), {} VPCs, {} subnets (usable: AWS reserves 5 addresses per subnet)\n",
        path.display(),
        d.accounts.len(),
        d.regions.len(),
        d.vpcs.len(),
        subnets
    );
    out.push_str(&plan_table(&blocks));
    let net = &c.network;
    let nacls: usize = net.vpcs.iter().map(|v| v.nacls.len()).sum();
    let sgs: usize = net.vpcs.iter().map(|v| v.sgs.len()).sum();
    let rts: usize = net.vpcs.iter().map(|v| v.route_tables.len()).sum();
    let _ = writeln!(
        out,
        "\ncompiled network: {} VPCs, {} peering connections, {} route tables, {} network ACLs, {} security groups, {} hosts",
        net.vpcs.len(),
        net.peerings.len(),
        rts,
        nacls,
        sgs,
        d.hosts.len()
    );
    let (checks, not_checked) = all_checks(&d, &c.snapshot);
    let (summary, ok) = summarise(&checks);
    let _ = writeln!(
        out,
        "checks on the compiled network ({} probes, concrete engine):",
        checks.len()
    );
    out.push_str(&summary);
    for n in &not_checked {
        let _ = writeln!(out, "  {n}");
    }
    let mut ok = ok;
    if !d.intents.is_empty() {
        // The same intents, proved for every packet by the symbolic engine.
        let file = design_intents(path, &d)?;
        let mut ck = pinhole_intent::Checker::new(
            &c.snapshot,
            pinhole_engine::Options {
                record_hops: false,
                ..pinhole_engine::Options::default()
            },
        )
        .map_err(|e| format!("error: {e}"))?;
        let report = ck.check(&file).map_err(|e| format!("error: {e}"))?;
        let _ = writeln!(
            out,
            "intents, proved for every packet on the compiled network (symbolic engine):"
        );
        out.push_str(&crate::verify::check_text(&report));
        ok &= !report.violated();
    }
    if ok {
        let _ = writeln!(out, "result: the compiled network meets its design");
    } else {
        let _ = writeln!(out, "result: the compiled network does NOT meet its design");
    }
    Ok((out, ok, c, checks))
}

/// The `accounts`, `groups` and `intents` of a design file, read as an intent file; every host
/// of the design (`<alias>-<name>`) is also a group of its own, as in the design's checks.
fn design_intents(path: &Path, d: &Design) -> Result<pinhole_intent::IntentFile, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("error: {}: {e}", path.display()))?;
    let located = |e: pinhole_intent::Located| {
        format!(
            "error: {}:{}:{}: {}",
            path.display(),
            e.pos.line,
            e.pos.column,
            e.message
        )
    };
    let doc = pinhole_intent::parse_yaml(&text).map_err(located)?;
    let keep = ["version", "accounts", "groups", "intents"];
    let doc = match doc.value {
        pinhole_intent::Value::Map(entries) => pinhole_intent::Node {
            value: pinhole_intent::Value::Map(
                entries
                    .into_iter()
                    .filter(|(k, _)| k.as_str().is_some_and(|k| keep.contains(&k)))
                    .collect(),
            ),
            pos: doc.pos,
        },
        other => pinhole_intent::Node {
            value: other,
            pos: doc.pos,
        },
    };
    let doc = with_host_groups(doc, d);
    pinhole_intent::from_node(&doc, &[]).map_err(located)
}

/// Add `<host>: { instance: <host> }` (`rds:` for databases) for each design host the
/// `groups` section does not define.
fn with_host_groups(mut doc: pinhole_intent::Node, d: &Design) -> pinhole_intent::Node {
    use pinhole_intent::{Node, Value};
    let at = doc.pos;
    let s = |v: &str| Node {
        value: Value::Str(v.to_string()),
        pos: at,
    };
    let Value::Map(top) = &mut doc.value else {
        return doc;
    };
    if !top.iter().any(|(k, _)| k.as_str() == Some("groups")) {
        top.push((
            s("groups"),
            Node {
                value: Value::Map(Vec::new()),
                pos: at,
            },
        ));
    }
    for (k, v) in top.iter_mut() {
        if k.as_str() != Some("groups") {
            continue;
        }
        let Value::Map(groups) = &mut v.value else {
            continue;
        };
        for h in &d.hosts {
            if groups
                .iter()
                .any(|(g, _)| g.as_str() == Some(h.name.as_str()))
            {
                continue;
            }
            let key = if h.kind == pinhole_design::HostKind::Rds {
                "rds"
            } else {
                "instance"
            };
            groups.push((
                s(&h.name),
                Node {
                    value: Value::Map(vec![(s(key), s(&h.name))]),
                    pos: at,
                },
            ));
        }
    }
    doc
}

/// Files under `dir` that a previous emit wrote and this one does not: `.tf`, `.yaml`, `.md`
/// (Terraform's own state, lock and variable files are the user's and are left out).
fn stale_files(dir: &Path, root: &Path, written: &[String]) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                if !name.starts_with('.') {
                    stack.push(p);
                }
                continue;
            }
            let ours = name.ends_with(".tf") || name.ends_with(".yaml") || name == "README.md";
            let rel = p
                .strip_prefix(root)
                .map(|r| r.to_string_lossy().replace('\\', "/"));
            if ours && rel.is_ok_and(|r| !written.contains(&r)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn write_files(dir: &Path, files: impl Iterator<Item = (String, String)>) -> Result<usize, String> {
    let mut n = 0;
    for (rel, text) in files {
        let p = dir.join(&rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("error: creating {}: {e}", parent.display()))?;
        }
        std::fs::write(&p, text).map_err(|e| format!("error: writing {}: {e}", p.display()))?;
        n += 1;
    }
    Ok(n)
}

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub(crate) enum IacFormat {
    Terraform,
    Cloudformation,
}

pub(crate) fn emit(path: &Path, format: IacFormat, out_dir: &Path) -> Result<ExitCode, String> {
    let (d, c) = load(path)?;
    let (checks, _) = all_checks(&d, &c.snapshot);
    let (summary, ok) = summarise(&checks);
    if !ok {
        return Err(format!(
            "error: the compiled network does not meet its design; nothing written\n{summary}"
        ));
    }
    let files = match format {
        IacFormat::Terraform => pinhole_emit::terraform(&c.network),
        IacFormat::Cloudformation => pinhole_emit::cloudformation(&c.network),
    };
    let names: Vec<String> = files.keys().cloned().collect();
    let sub = match format {
        IacFormat::Terraform => "terraform",
        IacFormat::Cloudformation => "cloudformation",
    };
    for stale in stale_files(&out_dir.join(sub), out_dir, &names) {
        eprintln!(
            "warning: {} was not written by this emit (a removed account or region?); delete it before applying",
            stale.display()
        );
    }
    write_files(out_dir, files.into_iter())?;
    let mut out = String::new();
    for n in &names {
        let _ = writeln!(out, "{}", out_dir.join(n).display());
    }
    let _ = writeln!(
        out,
        "{} files written ({} probes passed on the compiled network)",
        names.len(),
        checks.len()
    );
    crate::out(&out);
    Ok(ExitCode::SUCCESS)
}

/// `pinhole import-cfn`: CloudFormation templates read into a describe-* snapshot.
pub(crate) struct ImportCfn<'a> {
    pub templates: &'a [std::path::PathBuf],
    pub out: &'a Path,
    pub accounts: &'a [String],
    pub region: &'a str,
    pub params: &'a [String],
    pub design: Option<&'a Path>,
    pub link: bool,
}

pub(crate) fn import_cfn(a: &ImportCfn<'_>) -> Result<ExitCode, String> {
    use std::collections::BTreeMap;
    let design = match a.design {
        Some(p) => Some(load(p)?.0),
        None => None,
    };
    let mut accounts: BTreeMap<String, String> = BTreeMap::new();
    for kv in a.accounts {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| format!("error: --account expects STACK=ACCOUNT_ID, got `{kv}`"))?;
        accounts.insert(k.to_owned(), v.to_owned());
    }
    let mut params: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for kv in a.params {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| format!("error: --param expects STACK.KEY=VALUE, got `{kv}`"))?;
        let (stack, key) = k
            .split_once('.')
            .ok_or_else(|| format!("error: --param expects STACK.KEY=VALUE, got `{kv}`"))?;
        params
            .entry(stack.to_owned())
            .or_default()
            .insert(key.to_owned(), v.to_owned());
    }
    let mut stacks = Vec::new();
    for path in a.templates {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("error: reading {}: {e}", path.display()))?;
        let template = pinhole_cfn::parse(&path.display().to_string(), &text)
            .map_err(|e| format!("error: {e}"))?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // `<alias>-<region>` names what `pinhole emit` wrote for a design.
        let from_design = design.as_ref().and_then(|d| {
            d.vpcs
                .iter()
                .find(|v| name == format!("{}-{}", v.alias, v.region))
                .map(|v| (v.account.clone(), v.region.clone()))
        });
        let (account, region) = match (accounts.get(&name), from_design) {
            (Some(acc), _) => (acc.clone(), a.region.to_owned()),
            (None, Some(x)) => x,
            (None, None) => {
                eprintln!("warning: {name}: no --account {name}=ID; using 000000000000");
                ("000000000000".to_owned(), a.region.to_owned())
            }
        };
        stacks.push(pinhole_cfn::StackInput {
            parameters: params.remove(&name).unwrap_or_default(),
            name,
            account,
            region,
            template,
        });
    }
    for stack in params.keys() {
        eprintln!("warning: --param for `{stack}`, which is not among the templates");
    }
    let r = pinhole_cfn::read(
        &stacks,
        pinhole_cfn::Options {
            link_outputs: a.link,
        },
    );
    let mut net = r.network;
    let mut warnings = r.warnings;
    if let Some(d) = &design {
        warnings.extend(pinhole_cfn::place_hosts(&mut net, d));
    }
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    if net.vpcs.is_empty() {
        return Err("error: no VPC could be read from the templates".to_owned());
    }
    let (files, snap) = net
        .load()
        .map_err(|e| format!("error: the network read does not load: {e}"))?;
    write_files(
        a.out,
        files.iter().map(|(k, v)| {
            (
                format!("aws_configs/{k}"),
                serde_json::to_string_pretty(v).unwrap_or_default() + "\n",
            )
        }),
    )?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} templates: {} VPCs, {} subnets, {} peering connections, {} network interfaces; {} warnings",
        stacks.len(),
        snap.vpcs.len(),
        snap.subnets.len(),
        net.peerings.len(),
        snap.enis.len(),
        warnings.len()
    );
    let _ = writeln!(
        out,
        "snapshot written to {}",
        a.out.join("aws_configs").display()
    );
    if let Some(d) = &design {
        let (checks, _) = all_checks(d, &snap);
        let (summary, ok) = summarise(&checks);
        let _ = writeln!(
            out,
            "checks of the design on the network read back ({} probes):",
            checks.len()
        );
        out.push_str(&summary);
        crate::out(&out);
        return Ok(if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    crate::out(&out);
    Ok(ExitCode::SUCCESS)
}
