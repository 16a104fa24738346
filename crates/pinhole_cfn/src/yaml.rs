//! CloudFormation YAML (short-form tags like `!Ref`, `!GetAtt a.b`, `!Sub`) or JSON into a JSON
//! value with every intrinsic function in its long form (`{"Ref": …}`, `{"Fn::GetAtt": […]}`).

use crate::CfnError;
use serde_json::{Map, Value};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

/// Parses a template (JSON when it starts with `{`, YAML otherwise).
pub fn parse(label: &str, text: &str) -> Result<Value, CfnError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| CfnError::Parse {
            file: label.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        });
    }
    let mut b = Builder {
        stack: Vec::new(),
        anchors: Vec::new(),
        root: None,
    };
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.map_err(|e| CfnError::Parse {
            file: label.to_owned(),
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: e.info(),
        })?;
        b.event(ev).map_err(|message| CfnError::Parse {
            file: label.to_owned(),
            line: span.start.line(),
            column: span.start.col() + 1,
            message,
        })?;
        if b.root.is_some() {
            break;
        }
    }
    b.root.ok_or_else(|| CfnError::Parse {
        file: label.to_owned(),
        line: 0,
        column: 0,
        message: "empty document".to_owned(),
    })
}

enum Frame {
    Seq(Vec<Value>, Option<String>, usize),
    Map(Map<String, Value>, Option<String>, Option<String>, usize),
}

struct Builder {
    stack: Vec<Frame>,
    anchors: Vec<(usize, Value)>,
    root: Option<Value>,
}

/// The long form of a short-form tag, applied to its node.
fn tagged(tag: &str, v: Value) -> Value {
    let name = match tag {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => {
            // `!GetAtt Res.Attr` is a string; the long form is a list.
            if let Value::String(s) = &v
                && let Some((a, b)) = s.split_once('.')
            {
                let mut m = Map::new();
                m.insert(
                    "Fn::GetAtt".into(),
                    Value::Array(vec![Value::String(a.into()), Value::String(b.into())]),
                );
                return Value::Object(m);
            }
            "Fn::GetAtt"
        }
        other => return long(&format!("Fn::{other}"), v),
    };
    long(name, v)
}

fn long(name: &str, v: Value) -> Value {
    let mut m = Map::new();
    m.insert(name.to_owned(), v);
    Value::Object(m)
}

fn scalar(s: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(s.to_owned());
    }
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => {
            if let Ok(i) = s.parse::<i64>() {
                Value::from(i)
            } else {
                Value::String(s.to_owned())
            }
        }
    }
}

impl Builder {
    fn push_value(&mut self, v: Value) -> Result<(), String> {
        match self.stack.last_mut() {
            None => self.root = Some(v),
            Some(Frame::Seq(items, _, _)) => items.push(v),
            Some(Frame::Map(m, key, _, _)) => match key.take() {
                None => {
                    let k = match v {
                        Value::String(s) => s,
                        Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    *key = Some(k);
                }
                Some(k) => {
                    m.insert(k, v);
                }
            },
        }
        Ok(())
    }

    fn finish(&mut self, v: Value, tag: Option<String>, anchor: usize) -> Result<(), String> {
        let v = match tag {
            Some(t) => tagged(&t, v),
            None => v,
        };
        if anchor != 0 {
            self.anchors.push((anchor, v.clone()));
        }
        self.push_value(v)
    }

    fn event(&mut self, ev: Event<'_>) -> Result<(), String> {
        let local = |t: Option<std::borrow::Cow<'_, serde_saphyr::granit_parser::Tag>>| {
            t.and_then(|t| (t.handle() == "!").then(|| t.suffix().to_owned()))
        };
        match ev {
            Event::Scalar(s, style, anchor, tag) => {
                let tag = local(tag);
                let v = scalar(&s, style);
                // `!GetAZs ''` and the like: the tag applies to the scalar.
                self.finish(v, tag, anchor)
            }
            Event::SequenceStart(_, anchor, tag) => {
                self.stack.push(Frame::Seq(Vec::new(), local(tag), anchor));
                Ok(())
            }
            Event::SequenceEnd => match self.stack.pop() {
                Some(Frame::Seq(items, tag, anchor)) => {
                    self.finish(Value::Array(items), tag, anchor)
                }
                _ => Err("unbalanced sequence".to_owned()),
            },
            Event::MappingStart(_, anchor, tag) => {
                self.stack
                    .push(Frame::Map(Map::new(), None, local(tag), anchor));
                Ok(())
            }
            Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Map(m, _, tag, anchor)) => self.finish(Value::Object(m), tag, anchor),
                _ => Err("unbalanced mapping".to_owned()),
            },
            Event::Alias(id) => {
                let v = self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == id)
                    .map(|(_, v)| v.clone())
                    .ok_or("alias to an unknown anchor")?;
                self.push_value(v)
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde_json::json;

    #[test]
    fn short_tags_become_long_forms() {
        let y = "A: !Ref X\nB: !GetAtt Sg.GroupId\nC: !Sub 'arn:${AWS::Partition}'\nD: !Select [0, !GetAZs '']\nE: !If [C1, 1, !Ref 'AWS::NoValue']\nF: 'true'\nG: 10\n";
        assert_eq!(
            parse("t", y).unwrap_or_default(),
            json!({
                "A": {"Ref": "X"},
                "B": {"Fn::GetAtt": ["Sg", "GroupId"]},
                "C": {"Fn::Sub": "arn:${AWS::Partition}"},
                "D": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
                "E": {"Fn::If": ["C1", 1, {"Ref": "AWS::NoValue"}]},
                "F": "true",
                "G": 10
            })
        );
    }

    #[test]
    fn bad_yaml_is_a_located_error() {
        let e = parse("t.yaml", "A: [1, 2\nB: 3\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("t.yaml:"), "{e}");
    }
}
