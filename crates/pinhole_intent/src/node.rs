//! A YAML document as a tree whose every node knows its line and column, so that a mistake
//! anywhere in an intent or design file is reported where it is.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// Line and column (1-based).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A value and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

/// The value without its position, as the deserializer builds it before `Spanned` wraps it.
struct Raw(Value);

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw(Value::Null))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw(Value::Num(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw(Value::Num(v as f64)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw(Value::Num(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw(Value::Str(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
                Ok(Raw(Value::Str(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut out = Vec::new();
                while let Some(n) = seq.next_element::<Node>()? {
                    out.push(n);
                }
                Ok(Raw(Value::Seq(out)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Node, Node>()? {
                    out.push((k, v));
                }
                Ok(Raw(Value::Map(out)))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Raw>::deserialize(d)?;
        Ok(Node {
            value: s.value.0,
            pos: Pos {
                line: s.referenced.line(),
                column: s.referenced.column(),
            },
        })
    }
}

/// A parse or schema error at a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub pos: Pos,
    pub message: String,
}

impl Located {
    pub fn at(node: &Node, message: impl Into<String>) -> Self {
        Self {
            pos: node.pos,
            message: message.into(),
        }
    }
}

/// Parse a YAML (or JSON) document.
pub fn parse(text: &str) -> Result<Node, Located> {
    serde_saphyr::from_str::<Node>(text).map_err(|e| {
        let pos = e.location().map_or(Pos::default(), |l| Pos {
            line: l.line(),
            column: l.column(),
        });
        // The library's message may carry its own snippet; the first line is the gist.
        let message = e.to_string();
        let message = message.lines().next().unwrap_or("invalid YAML").to_string();
        Located { pos, message }
    })
}

impl Node {
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Num(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A string, or a number written without quotes (account ids).
    pub fn scalar(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Num(n) if n.fract() == 0.0 && *n >= 0.0 => Some(format!("{n:.0}")),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The entries of a map, or an error naming what was expected.
    pub fn map(&self, what: &str) -> Result<&[(Node, Node)], Located> {
        match &self.value {
            Value::Map(m) => Ok(m),
            _ => Err(Located::at(
                self,
                format!("expected {what} (a map), found {}", self.kind()),
            )),
        }
    }

    pub fn seq(&self, what: &str) -> Result<&[Node], Located> {
        match &self.value {
            Value::Seq(s) => Ok(s),
            _ => Err(Located::at(
                self,
                format!("expected {what} (a list), found {}", self.kind()),
            )),
        }
    }

    pub fn string(&self, what: &str) -> Result<String, Located> {
        self.scalar().ok_or_else(|| {
            Located::at(
                self,
                format!("expected {what} (a string), found {}", self.kind()),
            )
        })
    }

    /// One string or a list of strings.
    pub fn strings(&self, what: &str) -> Result<Vec<(String, Pos)>, Located> {
        match &self.value {
            Value::Seq(s) => s
                .iter()
                .map(|n| n.string(what).map(|v| (v, n.pos)))
                .collect(),
            _ => Ok(vec![(self.string(what)?, self.pos)]),
        }
    }

    pub fn bool(&self, what: &str) -> Result<bool, Located> {
        match self.value {
            Value::Bool(b) => Ok(b),
            _ => Err(Located::at(
                self,
                format!("expected {what} (true or false), found {}", self.kind()),
            )),
        }
    }

    /// The value of `key` in a map node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Reject keys outside `known`.
    pub fn only_keys(&self, what: &str, known: &[&str]) -> Result<(), Located> {
        for (k, _) in self.map(what)? {
            let name = k.as_str().unwrap_or_default();
            if !known.contains(&name) {
                return Err(Located::at(
                    k,
                    format!(
                        "unknown key '{name}' in {what} (expected one of: {})",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}
