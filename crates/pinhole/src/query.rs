//! `pinhole query`: JSON Lines in, one JSON line out per line in, in order.

use pinhole_engine::{Options, Question, Trace};
use serde_json::{Map, Value};
use std::io::{BufRead, BufWriter, Write};
use std::net::IpAddr;
use std::path::Path;
use std::process::ExitCode;

fn field_u8(obj: &Map<String, Value>, k: &str) -> Result<Option<u8>, String> {
    match obj.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("`{k}` must be an integer 0-255")),
    }
}

fn field_port(obj: &Map<String, Value>, k: &str) -> Result<Option<u16>, String> {
    match obj.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("`{k}` must be a port 0-65535")),
    }
}

fn field_ip(obj: &Map<String, Value>, k: &str) -> Result<IpAddr, String> {
    let s = obj
        .get(k)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("`{k}` is missing (expected an IP address string)"))?;
    s.parse()
        .map_err(|_| format!("`{k}`: `{s}` is not an IP address"))
}

/// A question from one input object.
pub fn question(obj: &Map<String, Value>) -> Result<Question, String> {
    let src = field_ip(obj, "src")?;
    let dst = field_ip(obj, "dst")?;
    let proto = match obj.get("proto") {
        Some(Value::String(s)) => crate::parse_proto(s).map_err(|e| format!("`proto`: {e}"))?,
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .ok_or("`proto` must be tcp, udp, icmp or 0-255")?,
        None => return Err("`proto` is missing (expected tcp, udp or icmp)".into()),
        Some(_) => return Err("`proto` must be tcp, udp, icmp or a number".into()),
    };
    let port = field_port(obj, "port")?;
    if (proto == 6 || proto == 17) && port.is_none() {
        return Err("`port` is required for tcp and udp".into());
    }
    Ok(Question {
        src,
        dst,
        proto,
        port,
        src_port: field_port(obj, "src_port")?,
        icmp_type: field_u8(obj, "icmp_type")?,
        icmp_code: field_u8(obj, "icmp_code")?,
    })
}

/// The fields a trace adds to an answer line.
pub fn answer_fields(t: &Trace) -> Vec<(&'static str, Value)> {
    let mut out = vec![
        ("verdict", Value::from(t.verdict.as_str())),
        ("reason", Value::from(t.reason.clone())),
    ];
    if let Some(d) = &t.decided_by {
        let mut s = match &d.name {
            Some(n) => format!("{} ({n})", d.id),
            None => d.id.clone(),
        };
        if let Some(r) = &d.rule {
            s.push(' ');
            s.push_str(r);
        }
        out.push(("decided_by", Value::from(s)));
        out.push(("direction", Value::from(d.direction.to_string())));
        if let Some(c) = d.code {
            out.push(("explanation_code", Value::from(c)));
        }
    }
    if let Some(p) = &t.partial {
        out.push(("fraction", Value::from(p.fraction)));
    }
    out.push(("via", Value::from(t.via.clone())));
    out
}

pub fn run(snapshot: &Path, flows: &str, opts: &Options) -> Result<ExitCode, String> {
    let snap = crate::load(snapshot)?;
    for w in &snap.warnings {
        eprintln!(
            "warning: {}: {}: {}",
            crate::render::clean(&w.file),
            crate::render::clean(&w.path),
            crate::render::clean(&w.message)
        );
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
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("error: {flows}: line {}: {e}", n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(mut obj)) => match question(&obj) {
                Ok(q) => {
                    let t = pinhole_engine::trace(&snap, &q, opts);
                    for (k, v) in answer_fields(&t) {
                        obj.insert(k.to_string(), v);
                    }
                    Value::Object(obj)
                }
                Err(e) => {
                    failed = true;
                    eprintln!("error: {flows}: line {}: {e}", n + 1);
                    obj.insert("error".into(), Value::from(format!("line {}: {e}", n + 1)));
                    Value::Object(obj)
                }
            },
            Ok(_) => {
                failed = true;
                eprintln!("error: {flows}: line {}: expected a JSON object", n + 1);
                serde_json::json!({ "line": n + 1, "error": "expected a JSON object" })
            }
            Err(e) => {
                failed = true;
                eprintln!("error: {flows}: line {}: {e}", n + 1);
                serde_json::json!({ "line": n + 1, "error": format!("malformed JSON: {e}") })
            }
        };
        writeln!(out, "{answer}").map_err(|e| format!("error: writing output: {e}"))?;
    }
    out.flush()
        .map_err(|e| format!("error: writing output: {e}"))?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
