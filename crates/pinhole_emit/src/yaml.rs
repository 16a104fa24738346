//! A small YAML writer for JSON values: block style, keys in the value's order, strings quoted
//! whenever a plain scalar could be read as something else. Every output parses back to the same
//! value with any YAML 1.2 (or 1.1) parser.

use serde_json::Value;

/// Renders `v` as a YAML document.
pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    block(&mut out, v, 0);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn block(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                pad(out, indent);
                out.push_str(&scalar_str(k));
                out.push(':');
                value_after_key(out, x, indent);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for x in a {
                pad(out, indent);
                out.push('-');
                match x {
                    Value::Object(m) if !m.is_empty() => {
                        // First key on the dash line, the rest aligned under it.
                        let mut first = true;
                        for (k, y) in m {
                            if first {
                                out.push(' ');
                                first = false;
                            } else {
                                pad(out, indent + 2);
                            }
                            out.push_str(&scalar_str(k));
                            out.push(':');
                            value_after_key(out, y, indent + 2);
                        }
                    }
                    Value::Array(b) if !b.is_empty() => {
                        out.push('\n');
                        block(out, x, indent + 2);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&inline(x));
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            pad(out, indent);
            out.push_str(&inline(v));
            out.push('\n');
        }
    }
}

fn value_after_key(out: &mut String, x: &Value, indent: usize) {
    match x {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            block(out, x, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            block(out, x, indent + 2);
        }
        _ => {
            out.push(' ');
            out.push_str(&inline(x));
            out.push('\n');
        }
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn inline(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar_str(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// A string as a plain scalar when that is unambiguous, else double-quoted.
fn scalar_str(s: &str) -> String {
    if plain_ok(s) {
        s.to_owned()
    } else {
        // JSON string escapes are valid in YAML double-quoted scalars.
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
    }
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '/' || first == '_') {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | ' '))
    {
        return false;
    }
    if s.ends_with(' ') || s.ends_with(':') || s.contains(": ") || s.contains(" #") {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | "nan" | "inf"
    )
}

#[cfg(test)]
mod tests {
    use super::to_string;
    use serde_json::json;

    #[test]
    fn writes_block_yaml() {
        let v = json!({"A": {"B": [1, "x y", {"C": "yes", "D": []}], "E": {}}, "F": "a: b", "G": "10.0.0.0/16"});
        assert_eq!(
            to_string(&v),
            "A:\n  B:\n    - 1\n    - x y\n    - C: \"yes\"\n      D: []\n  E: {}\nF: \"a: b\"\nG: \"10.0.0.0/16\"\n"
        );
    }
}
