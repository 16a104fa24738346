//! `pinhole query`: JSON Lines in, one JSON line out per line in, in order.

use pinhole_engine::{Options, Question, Trace, resolve_endpoint};
use pinhole_model::Snapshot;
use serde_json::{Map, Value};
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

/// The keys `query` writes; an input field of the same name is overwritten, never echoed.
pub const OUTPUT_KEYS: [&str; 8] = [
    "verdict",
    "reason",
    "decided_by",
    "direction",
    "explanation_code",
    "fraction",
    "via",
    "targets",
];

fn field_u8(obj: &Map<String, Value>, k: &str) -> Result<Option<u8>, String> {
    match obj.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("`{k}` must be an integer 0-255, got {v}")),
    }
}

fn field_port(obj: &Map<String, Value>, k: &str) -> Result<Option<u16>, String> {
    match obj.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("`{k}` must be an integer port 0-65535, got {v}")),
    }
}

/// An endpoint: an IP address, or an instance (id or Name), ENI or RDS id as in `trace`.
fn field_endpoint(
    snap: &Snapshot,
    obj: &Map<String, Value>,
    k: &str,
) -> Result<std::net::IpAddr, String> {
    let s = obj.get(k).and_then(Value::as_str).ok_or_else(|| {
        format!("`{k}` is missing (expected an IP address or an instance, ENI or RDS id)")
    })?;
    resolve_endpoint(snap, s)
        .map(|e| e.addr)
        .map_err(|e| format!("`{k}`: {e}"))
}

/// A question from one input object.
pub fn question(snap: &Snapshot, obj: &Map<String, Value>) -> Result<Question, String> {
    let src = field_endpoint(snap, obj, "src")?;
    let dst = field_endpoint(snap, obj, "dst")?;
    let proto = match obj.get("proto") {
        Some(Value::String(s)) => crate::parse_proto(s).map_err(|e| format!("`proto`: {e}"))?,
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .ok_or("`proto` must be tcp, udp, icmp or 0-255")?,
        None => return Err("`proto` is missing (expected tcp, udp or icmp)".into()),
        Some(_) => return Err("`proto` must be tcp, udp, icmp or a number".into()),
    };
    let q = Question {
        src,
        dst,
        proto,
        port: field_port(obj, "port")?,
        src_port: field_port(obj, "src_port")?,
        icmp_type: field_u8(obj, "icmp_type")?,
        icmp_code: field_u8(obj, "icmp_code")?,
    };
    q.validate().map_err(|e| e.to_string())?;
    Ok(q)
}

/// The fields a trace adds to an answer line: every key of [`OUTPUT_KEYS`], null when empty.
pub fn answer_fields(t: &Trace) -> Vec<(&'static str, Value)> {
    let d = t.decided_by.as_ref();
    let decided_by = d.map(decider);
    // Through a load balancer: each target path, its verdict and what decided it.
    let targets: Vec<Value> = t
        .targets
        .iter()
        .map(|p| {
            serde_json::json!({
                "load_balancer": p.load_balancer,
                "target_group": p.target_group,
                "target": p.target,
                "verdict": p.verdict.as_str(),
                "decided_by": p.decided_by.as_ref().map(decider),
                "direction": p.decided_by.as_ref().map(|d| d.direction.to_string()),
            })
        })
        .collect();
    vec![
        ("verdict", Value::from(t.verdict.as_str())),
        ("reason", Value::from(t.reason.clone())),
        ("decided_by", decided_by.map_or(Value::Null, Value::from)),
        (
            "direction",
            d.map_or(Value::Null, |d| Value::from(d.direction.to_string())),
        ),
        (
            "explanation_code",
            d.and_then(|d| d.code).map_or(Value::Null, Value::from),
        ),
        (
            "fraction",
            t.partial
                .as_ref()
                .map_or(Value::Null, |p| Value::from(p.fraction)),
        ),
        ("via", Value::from(t.via.clone())),
        (
            "targets",
            if targets.is_empty() {
                Value::Null
            } else {
                Value::from(targets)
            },
        ),
    ]
}

/// `id (name) rule`: what decided, in one string.
fn decider(d: &pinhole_engine::DecidedBy) -> String {
    let mut s = match &d.name {
        Some(n) => format!("{} ({n})", d.id),
        None => d.id.clone(),
    };
    if let Some(r) = &d.rule {
        s.push(' ');
        s.push_str(r);
    }
    s
}

fn error_line(n: usize, msg: &str, obj: Option<Map<String, Value>>) -> Value {
    let mut obj = obj.unwrap_or_default();
    for k in OUTPUT_KEYS {
        obj.remove(k);
    }
    obj.insert("line".into(), Value::from(n));
    obj.insert("error".into(), Value::from(msg));
    Value::Object(obj)
}

pub fn run(snapshot: &Path, flows: &str, opts: &Options) -> Result<ExitCode, String> {
    let snap = crate::load(snapshot)?;
    for w in &snap.warnings {
        eprintln!("warning: {}", crate::render::warning_line(w));
    }
    let reader: Box<dyn BufRead> = if flows == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(flows)
            .map_err(|e| format!("error: cannot read flows file `{flows}`: {e}"))?;
        Box::new(std::io::BufReader::new(f))
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = false;
    for (i, line) in reader.lines().enumerate() {
        let n = i + 1;
        let line = line.map_err(|e| format!("error: {flows}: line {n}: {e}"))?;
        let text = line.strip_prefix('\u{feff}').unwrap_or(&line);
        let answer = if text.trim().is_empty() {
            failed = true;
            eprintln!("error: {flows}: line {n}: empty line (expected a JSON object)");
            error_line(n, "empty line (expected a JSON object)", None)
        } else {
            match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(mut obj)) => match question(snap, &obj) {
                    Ok(q) => {
                        let t = pinhole_engine::trace(snap, &q, opts);
                        for (k, v) in answer_fields(&t) {
                            obj.insert(k.to_string(), v);
                        }
                        Value::Object(obj)
                    }
                    Err(e) => {
                        failed = true;
                        eprintln!("error: {flows}: line {n}: {}", crate::render::clean(&e));
                        error_line(n, &e, Some(obj))
                    }
                },
                Ok(_) => {
                    failed = true;
                    eprintln!("error: {flows}: line {n}: expected a JSON object");
                    error_line(n, "expected a JSON object", None)
                }
                Err(e) => {
                    failed = true;
                    eprintln!("error: {flows}: line {n}: malformed JSON: {e}");
                    error_line(n, &format!("malformed JSON: {e}"), None)
                }
            }
        };
        if let Err(e) = writeln!(out, "{answer}") {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(ExitCode::SUCCESS);
            }
            return Err(format!("error: writing output: {e}"));
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(format!("error: writing output: {e}"));
        }
        _ => {}
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
