//! `check` and `matrix`: the symbolic engine's answers, rendered.

use crate::render::clean;
use pinhole_engine::Options;
use pinhole_intent::{Checker, Matrix, MatrixBy, Report, Status};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// Exit code of `check` when an intent is violated.
pub const VIOLATED: u8 = 2;

/// Big networks take seconds: a bar on stderr over the endpoint-class pairs walked, when it
/// is a terminal.
fn pairs_bar(ck: &mut Checker<'_>, verb: &str) -> Option<indicatif::ProgressBar> {
    let template =
        format!("{{spinner}} {verb} {{msg}}: {{pos}}/{{len}} endpoint-class pairs {{wide_bar}}");
    let bar = crate::bar(&template, ck.snap.enis.len() > 2_000);
    if let Some(b) = bar.clone() {
        ck.progress = Some(Box::new(move |name: &str, done: usize, total: usize| {
            b.set_length(total as u64);
            b.set_position(done as u64);
            b.set_message(clean(name));
        }));
    }
    bar
}

fn checker<'s>(snap: &'s pinhole_model::Snapshot, opts: Options) -> Result<Checker<'s>, String> {
    Checker::new(snap, opts).map_err(|e| format!("error: {e}"))
}

/// Read and parse an intent file, with `file:line:column:` on errors.
pub fn read_intents(path: &Path) -> Result<pinhole_intent::IntentFile, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("error: {}: {e}", path.display()))?;
    pinhole_intent::parse_intents(&text).map_err(|e| {
        format!(
            "error: {}:{}:{}: {}",
            path.display(),
            e.pos.line,
            e.pos.column,
            e.message
        )
    })
}

pub fn run_check(
    snapshot: &Path,
    intents: &Path,
    json: bool,
    opts: Options,
) -> Result<ExitCode, String> {
    let file = read_intents(intents)?;
    let snap = crate::load(snapshot)?;
    let mut ck = checker(snap, opts)?;
    let bar = pairs_bar(&mut ck, "checking");
    let report = ck.check(&file).map_err(|e| format!("error: {e}"))?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    // The process exits next: the diagram manager is left to the operating system.
    std::mem::forget(ck);
    if json {
        let s = serde_json::to_string_pretty(&report).map_err(|e| format!("error: {e}"))?;
        outln!("{s}");
    } else {
        crate::out(&check_text(&report));
    }
    Ok(if report.violated() {
        ExitCode::from(VIOLATED)
    } else {
        ExitCode::SUCCESS
    })
}

/// The report as text: one block per intent, findings with their witness trace.
pub fn check_text(r: &Report) -> String {
    let mut o = String::new();
    for i in &r.intents {
        let mark = match i.status {
            Status::Holds => "holds   ",
            Status::Violated => "VIOLATED",
            Status::Unknown => "unknown ",
        };
        let _ = writeln!(o, "{mark} {}: {}", clean(&i.name), clean(&i.statement));
        for f in &i.findings {
            let _ = writeln!(
                o,
                "    {} {} {}: {} endpoint pair(s)",
                f.problem, f.protocol, f.ports, f.endpoint_pairs
            );
            let _ = writeln!(o, "      from {}", clean(&f.sources.join(", ")));
            let _ = writeln!(o, "      to   {}", clean(&f.destinations.join(", ")));
            if let Some(w) = &f.witness {
                let port = w.port.map(|p| format!(" port {p}")).unwrap_or_default();
                let _ = writeln!(
                    o,
                    "      witness {} -> {} {}{port}: {}{}",
                    w.src,
                    w.dst,
                    w.protocol,
                    clean(&w.trace.reason),
                    if w.replayed {
                        ""
                    } else {
                        "  [ENGINES DISAGREE: please report]"
                    }
                );
                if let Some(d) = &w.trace.decided_by {
                    let rule = d
                        .rule
                        .as_deref()
                        .map(|r| format!(" {r}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        o,
                        "        decided by {} {}{rule} ({})",
                        d.kind,
                        clean(&d.id),
                        d.direction
                    );
                }
            }
        }
        for n in &i.notes {
            let _ = writeln!(o, "    note: {}", clean(n));
        }
    }
    let held = r
        .intents
        .iter()
        .filter(|i| i.status == Status::Holds)
        .count();
    let bad = r
        .intents
        .iter()
        .filter(|i| i.status == Status::Violated)
        .count();
    let _ = writeln!(
        o,
        "\n{held} of {} intents hold, {bad} violated",
        r.intents.len()
    );
    o
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MatrixFormat {
    Text,
    Json,
    Csv,
}

pub fn run_matrix(
    snapshot: &Path,
    by: &str,
    format: MatrixFormat,
    opts: Options,
) -> Result<ExitCode, String> {
    let by: MatrixBy = by.parse().map_err(|e| format!("error: --by: {e}"))?;
    let snap = crate::load(snapshot)?;
    let mut ck = checker(snap, opts)?;
    let bar = pairs_bar(&mut ck, "building");
    let m = pinhole_intent::matrix(&mut ck, &by).map_err(|e| format!("error: {e}"))?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    std::mem::forget(ck);
    match format {
        MatrixFormat::Json => {
            let s = serde_json::to_string_pretty(&m).map_err(|e| format!("error: {e}"))?;
            outln!("{s}");
        }
        MatrixFormat::Csv => crate::out(&matrix_csv(&m)),
        MatrixFormat::Text => crate::out(&matrix_text(&m)),
    }
    Ok(ExitCode::SUCCESS)
}

fn services(c: &pinhole_intent::Cell) -> String {
    let mut v = Vec::new();
    if !c.tcp.is_empty() {
        v.push(format!("tcp {}", c.tcp));
    }
    if !c.udp.is_empty() {
        v.push(format!("udp {}", c.udp));
    }
    if c.icmp {
        v.push("icmp".into());
    }
    v.join("; ")
}

pub fn matrix_text(m: &Matrix) -> String {
    let mut o = String::new();
    let w = m
        .cells
        .iter()
        .map(|c| c.from.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let w2 = m
        .cells
        .iter()
        .map(|c| c.to.chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
    let _ = writeln!(o, "{:w$}  {:w2$}  services", "from", "to");
    for c in &m.cells {
        let _ = writeln!(
            o,
            "{:w$}  {:w2$}  {}",
            clean(&c.from),
            clean(&c.to),
            services(c)
        );
    }
    let _ = writeln!(
        o,
        "\n{} group(s) by {}, {} reachable pair(s)",
        m.groups.len(),
        m.by,
        m.cells.len()
    );
    o
}

/// RFC 4180 field, with formula-leading characters neutralised for spreadsheets.
fn csv_field(s: &str) -> String {
    let s = clean(s);
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn matrix_csv(m: &Matrix) -> String {
    let mut o = String::from("from,to,tcp,udp,icmp\n");
    for c in &m.cells {
        let _ = writeln!(
            o,
            "{},{},{},{},{}",
            csv_field(&c.from),
            csv_field(&c.to),
            csv_field(&c.tcp),
            csv_field(&c.udp),
            c.icmp
        );
    }
    o
}
