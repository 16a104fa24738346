//! The `pinhole` command line: thin over the ingest and engine crates.

/// `println!` through [`out`]: a closed pipe ends the program quietly instead of panicking.
macro_rules! outln {
    ($($t:tt)*) => {
        $crate::out(&format!("{}\n", format_args!($($t)*)))
    };
}

mod demo;
mod design;
mod lint;
mod query;
mod render;
mod verify;

use clap::{Parser, Subcommand, ValueEnum};
use pinhole_engine::{Options, Question, resolve_endpoint};
use pinhole_model::{Protocol, Snapshot};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pinhole",
    version,
    about = "Design, verify and audit segmented multi-account AWS networks offline"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

#[derive(clap::Args, Clone)]
struct EngineArgs {
    /// Source-port range of Linux EC2 clients, e.g. 32768-60999 (Windows instances use 49152-65535)
    #[arg(long, value_name = "LO-HI", default_value = "32768-60999", value_parser = parse_range)]
    linux_ephemeral: (u16, u16),
}

#[derive(Subcommand)]
enum Command {
    /// Run the bundled seed network: its pinhole, the bug in it, and the corrected variant
    Demo,
    /// The network at a glance: accounts, VPCs, subnets, gateways, peerings
    Summary {
        /// A describe-* snapshot: a directory tree or one JSON file
        snapshot: PathBuf,
    },
    /// Follow one connection, request and reply, hop by hop (through load balancers to each
    /// target), or the health checks of a target group
    Trace {
        snapshot: PathBuf,
        /// Client: an IP address, instance id, ENI id or RDS instance identifier
        #[arg(long, required_unless_present = "health_check")]
        from: Option<String>,
        /// Server: an IP address, instance id, ENI id or RDS instance identifier
        #[arg(long, required_unless_present = "health_check")]
        to: Option<String>,
        /// Trace the health checks of a target group (its ARN or name) instead: from every node
        /// of its load balancers to every registered target on the health-check port
        #[arg(long, value_name = "TARGET-GROUP", conflicts_with_all = ["from", "to", "port", "src_port", "icmp_type", "icmp_code"])]
        health_check: Option<String>,
        #[arg(long, default_value = "tcp", value_parser = parse_proto)]
        proto: u8,
        /// Destination port (TCP/UDP)
        #[arg(long)]
        port: Option<u16>,
        /// A fixed client source port (default: the client kind's ephemeral range)
        #[arg(long)]
        src_port: Option<u16>,
        /// ICMP type (default 8, echo) and code
        #[arg(long)]
        icmp_type: Option<u8>,
        #[arg(long)]
        icmp_code: Option<u8>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Write a synthetic organisation (the seed's template grown to N accounts) as a describe-* tree
    Synth {
        /// Number of accounts (dev, qa and prod in a 2:1:2 pattern; three regions each)
        #[arg(long, default_value_t = 10)]
        accounts: usize,
        /// Random seed: the same seed and size give the same bytes
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Output directory (its `aws_configs` must not exist or be empty)
        #[arg(long)]
        out: PathBuf,
    },
    /// Prove intents over every packet: isolation, pinholes, failover, egress (exit 2 on a violation)
    Check {
        snapshot: PathBuf,
        /// An intent file (YAML; see docs/intents.md)
        #[arg(long)]
        intents: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Who reaches whom, on which services, for every packet
    Matrix {
        snapshot: PathBuf,
        /// account, vpc, subnet, tier, sg or tag:KEY
        #[arg(long, default_value = "account")]
        by: String,
        #[arg(long, value_enum, default_value = "text")]
        format: verify::MatrixFormat,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Check the network against the rule catalogue (see `pinhole rules`)
    ///
    /// Exit status: 0 when done (whatever was found), 3 when a finding is at or above
    /// --fail-on, 1 on an error.
    Lint {
        /// A describe-* snapshot: a directory tree or one JSON file
        snapshot: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: lint::LintFormat,
        /// Run only these rules: codes or prefixes, comma-separated (e.g. `EXP,NACL004`)
        #[arg(long, value_name = "CODES")]
        select: Option<String>,
        /// Skip these rules: codes or prefixes, comma-separated
        #[arg(long, value_name = "CODES")]
        ignore: Option<String>,
        /// Exit with status 3 when a finding has this severity or a higher one
        /// (info, low, medium, high, critical)
        #[arg(long, value_name = "SEVERITY", value_parser = lint::parse_severity)]
        fail_on: Option<pinhole_lint::Severity>,
    },
    /// List the lint rules
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Show the documentation of one lint rule
    Rule {
        /// A rule code, e.g. NACL004
        code: String,
    },
    /// The address plan of a design file, and proof that the network it compiles to meets it
    Plan {
        /// A design file (YAML, see docs/design.md)
        design: PathBuf,
        /// Also write the compiled network as a describe-* snapshot under DIR/aws_configs
        #[arg(long, value_name = "DIR")]
        write_snapshot: Option<PathBuf>,
        /// Also write the checks as `pinhole query` JSON Lines with an `expect` field, to check a
        /// deployed network against the design
        #[arg(long, value_name = "FILE")]
        write_probes: Option<PathBuf>,
    },
    /// Write a design's network as Terraform (one directory per account) or CloudFormation (one
    /// template per account and region)
    Emit {
        /// A design file (YAML, see docs/design.md)
        design: PathBuf,
        #[arg(long, value_enum)]
        format: design::IacFormat,
        /// Output directory (files are written under DIR/terraform or DIR/cloudformation)
        #[arg(long)]
        out: PathBuf,
    },
    /// Read CloudFormation templates (YAML or JSON; AWS::EC2 network resources) into a
    /// describe-* snapshot under DIR/aws_configs
    ImportCfn {
        /// Template files; each is one stack, named by its file stem
        #[arg(required = true)]
        templates: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
        /// STACK=ACCOUNT_ID, for each stack (with --design, `<alias>-<region>` stacks need none)
        #[arg(long = "account", value_name = "STACK=ID")]
        accounts: Vec<String>,
        /// Region of the stacks without one from --design
        #[arg(long, default_value = "us-east-1")]
        region: String,
        /// STACK.PARAMETER=VALUE (others take their defaults)
        #[arg(long = "param", value_name = "STACK.KEY=VALUE")]
        params: Vec<String>,
        /// The design the templates were emitted from: places its hosts and checks it on the result
        #[arg(long)]
        design: Option<PathBuf>,
        /// Do not fill empty parameters from the same-named outputs of the other stacks
        #[arg(long)]
        no_link: bool,
    },
    /// Answer connection questions in batch: JSON Lines in, one JSON line out per line in
    Query {
        snapshot: PathBuf,
        /// A JSON Lines file of questions, or - for standard input
        #[arg(long)]
        flows: String,
        #[command(flatten)]
        engine: EngineArgs,
    },
}

/// Write to standard output. A closed pipe (`pinhole … | head`) ends the program quietly;
/// any other write error ends it with exit code 1.
pub(crate) fn out(text: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing output: {e}");
        std::process::exit(1);
    }
}

fn parse_range(s: &str) -> Result<(u16, u16), String> {
    let (a, b) = s
        .split_once('-')
        .ok_or_else(|| format!("expected LO-HI, got `{s}`"))?;
    let lo: u16 = a
        .trim()
        .parse()
        .map_err(|_| format!("`{a}` is not a port"))?;
    let hi: u16 = b
        .trim()
        .parse()
        .map_err(|_| format!("`{b}` is not a port"))?;
    if lo > hi {
        return Err(format!("range `{s}` is empty"));
    }
    Ok((lo, hi))
}

pub(crate) fn parse_proto(s: &str) -> Result<u8, String> {
    match s.to_ascii_lowercase().as_str() {
        "tcp" => Ok(Protocol::TCP),
        "udp" => Ok(Protocol::UDP),
        "icmp" => Ok(Protocol::ICMP),
        "icmpv6" => Ok(Protocol::ICMPV6),
        other => other
            .parse::<u8>()
            .map_err(|_| format!("expected tcp, udp, icmp or a protocol number, got `{s}`")),
    }
}

/// A progress bar on stderr for a step that can take seconds (`big`), or `None` when the step
/// is small or stderr is not a terminal.
pub(crate) fn bar(template: &str, big: bool) -> Option<indicatif::ProgressBar> {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    (big && std::io::stderr().is_terminal()).then(|| {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        // The spinner turns while one long step (a lint rule, say) runs.
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    })
}

/// Load a snapshot, with a progress bar on stderr when it is a terminal and the load is big.
///
/// The snapshot lives until the process exits and is never freed: every command loads one and
/// exits after answering, and returning ~1 GB of small allocations one by one took ~1.7 s of a
/// 1,000-account `summary` (8.1 s → 6.4 s); the operating system takes the memory back at once.
pub(crate) fn load(path: &Path) -> Result<&'static Snapshot, String> {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use pinhole_ingest::LoadProgress;
    use std::io::IsTerminal;
    let interactive = std::io::stderr().is_terminal();
    let mut bar: Option<ProgressBar> = None;
    let mut report = |p: LoadProgress<'_>| match p {
        // Small snapshots load in milliseconds: no bar for them.
        LoadProgress::Found { bytes, .. } if interactive && bytes > 32 << 20 => {
            let b = ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} reading {bytes}/{total_bytes} {wide_bar} {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar = Some(b);
        }
        LoadProgress::Read { bytes, .. } => {
            if let Some(b) = &bar {
                b.inc(bytes);
            }
        }
        LoadProgress::Resolving => {
            if let Some(b) = &bar {
                b.set_message("resolving");
                b.finish_and_clear();
            }
        }
        LoadProgress::Found { .. } => {}
    };
    let snap = pinhole_ingest::load_path_with_progress(path, &mut report).map_err(|e| {
        // What was read before the error often explains it (an ignored file, say).
        let mut msg = String::new();
        for w in e.warnings() {
            msg.push_str(&format!("warning: {}\n", render::warning_line(w)));
        }
        msg.push_str(&format!("error: {e}"));
        msg
    })?;
    Ok(Box::leak(Box::new(snap)))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo::run(),
        Command::Summary { snapshot } => load(&snapshot).map(|s| {
            crate::out(&render::summary(s));
            ExitCode::SUCCESS
        }),
        Command::Trace {
            snapshot,
            from,
            to,
            health_check,
            proto,
            port,
            src_port,
            icmp_type,
            icmp_code,
            format,
            engine,
        } => match (health_check, from, to) {
            (Some(tg), _, _) => run_health_check(&snapshot, &tg, format, &engine),
            (None, Some(from), Some(to)) => run_trace(
                &snapshot, &from, &to, proto, port, src_port, icmp_type, icmp_code, format, &engine,
            ),
            _ => Err("error: --from and --to are required (or --health-check)".to_string()),
        },
        Command::Synth {
            accounts,
            seed,
            out,
        } => {
            let bar = bar(
                "{spinner} writing accounts {pos}/{len} {wide_bar} {eta}",
                accounts >= 100,
            );
            let progress = |done: usize, total: usize| {
                if let Some(b) = &bar {
                    b.set_length(total as u64);
                    b.set_position(done as u64);
                }
            };
            let opts = pinhole_synth::SynthOptions { accounts, seed };
            let r = pinhole_synth::generate_with_progress(&opts, &out, &progress);
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            r.map(|stats| {
                outln!("{stats}");
                outln!("written to {}", out.join("aws_configs").display());
                ExitCode::SUCCESS
            })
            .map_err(|e| format!("error: {e}"))
        }
        Command::Check {
            snapshot,
            intents,
            format,
            engine,
        } => verify::run_check(
            &snapshot,
            &intents,
            format == Format::Json,
            Options {
                linux_ephemeral: engine.linux_ephemeral,
                record_hops: false,
            },
        ),
        Command::Matrix {
            snapshot,
            by,
            format,
            engine,
        } => verify::run_matrix(
            &snapshot,
            &by,
            format,
            Options {
                linux_ephemeral: engine.linux_ephemeral,
                record_hops: false,
            },
        ),
        Command::Lint {
            snapshot,
            format,
            select,
            ignore,
            fail_on,
        } => lint::run(
            &snapshot,
            format,
            select.as_deref(),
            ignore.as_deref(),
            fail_on,
        ),
        Command::Rules { format } => lint::rules(format == Format::Json),
        Command::Rule { code } => lint::rule(&code),
        Command::Plan {
            design,
            write_snapshot,
            write_probes,
        } => design::plan(&design, write_snapshot.as_deref(), write_probes.as_deref()),
        Command::Emit {
            design,
            format,
            out,
        } => design::emit(&design, format, &out),
        Command::ImportCfn {
            templates,
            out,
            accounts,
            region,
            params,
            design,
            no_link,
        } => design::import_cfn(&design::ImportCfn {
            templates: &templates,
            out: &out,
            accounts: &accounts,
            region: &region,
            params: &params,
            design: design.as_deref(),
            link: !no_link,
        }),
        Command::Query {
            snapshot,
            flows,
            engine,
        } => query::run(
            &snapshot,
            &flows,
            &Options {
                linux_ephemeral: engine.linux_ephemeral,
                record_hops: false,
            },
        ),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            // Each line was escaped where it was built; keep the line breaks between them.
            for line in msg.lines() {
                eprintln!("{}", render::clean(line));
            }
            ExitCode::FAILURE
        }
    }
}

/// `trace --health-check`: the health checks of one target group, per target.
fn run_health_check(
    snapshot: &Path,
    group: &str,
    format: Format,
    engine: &EngineArgs,
) -> Result<ExitCode, String> {
    let snap = load(snapshot)?;
    let Some(tg) = snap.target_group_named(group) else {
        let mut known: Vec<&str> = snap.target_groups.iter().map(|t| t.name.as_str()).collect();
        known.sort_unstable();
        return Err(format!(
            "error: --health-check: no target group `{}` in the snapshot (known: {})",
            render::clean(group),
            if known.is_empty() {
                "none".to_string()
            } else {
                render::clean(&known.join(", "))
            }
        ));
    };
    let group = &snap.target_groups[tg];
    let checks = pinhole_engine::health_checks(
        snap,
        tg,
        &Options {
            linux_ephemeral: engine.linux_ephemeral,
            record_hops: true,
        },
    );
    match format {
        Format::Text => crate::out(&render::health_text(&group.name, &checks, &snap.warnings)),
        Format::Json => {
            let v = serde_json::json!({
                "target_group": group.arn,
                "health_check": {
                    "protocol": group.health_check.protocol,
                    "port": group.health_check.port.map_or("traffic-port".to_string(), |p| p.to_string()),
                    "enabled": group.health_check.enabled,
                },
                "targets": checks,
                "warnings": snap.warnings,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| format!("error: {e}"))?
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::too_many_arguments)]
fn run_trace(
    snapshot: &Path,
    from: &str,
    to: &str,
    proto: u8,
    port: Option<u16>,
    src_port: Option<u16>,
    icmp_type: Option<u8>,
    icmp_code: Option<u8>,
    format: Format,
    engine: &EngineArgs,
) -> Result<ExitCode, String> {
    let snap = load(snapshot)?;
    let src = resolve_endpoint(snap, from).map_err(|e| format!("error: --from: {e}"))?;
    let dst = resolve_endpoint(snap, to).map_err(|e| format!("error: --to: {e}"))?;
    let q = Question {
        src: src.addr,
        dst: dst.addr,
        proto,
        port,
        src_port,
        icmp_type,
        icmp_code,
    };
    q.validate().map_err(|e| format!("error: {e}"))?;
    let t = pinhole_engine::trace(
        snap,
        &q,
        &Options {
            linux_ephemeral: engine.linux_ephemeral,
            record_hops: true,
        },
    );
    match format {
        Format::Text => crate::out(&render::trace_text(&q, &t, &snap.warnings)),
        Format::Json => {
            let v = serde_json::json!({
                "src": q.src.to_string(),
                "dst": q.dst.to_string(),
                "proto": pinhole_model::proto_name(q.proto),
                "port": q.port,
                "trace": t,
                "warnings": snap.warnings,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| format!("error: {e}"))?
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
