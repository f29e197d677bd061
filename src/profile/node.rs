//! A parsed TOML document that remembers where every key and value came from.
//!
//! `toml::de::DeTable` gives spans; this tree keeps them, plus the file id, through
//! `extends` merging, so a resolved value can always point back at the line that set it.

use std::collections::BTreeMap;
use std::ops::Range;

use serde_json::Value as Json;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{FileId, Label};

/// Where a value was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    /// The value's bytes.
    pub span: Range<usize>,
    /// The key's bytes (absent for array items and the document root).
    pub key_span: Option<Range<usize>>,
}

impl Origin {
    /// A label on the value.
    pub fn value_label(&self, message: impl Into<String>) -> Label {
        Label::new(self.file, self.span.clone(), message)
    }

    /// A label on the key when there is one (unknown keys), else on the value.
    pub fn key_label(&self, message: impl Into<String>) -> Label {
        Label::new(
            self.file,
            self.key_span.clone().unwrap_or(self.span.clone()),
            message,
        )
    }

    /// A label covering `key = value`.
    pub fn line_label(&self, message: impl Into<String>) -> Label {
        let start = self.key_span.as_ref().map_or(self.span.start, |k| k.start);
        let end = self.span.end.max(start);
        Label::new(self.file, start..end, message)
    }
}

/// A TOML value with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Datetime(String),
    Array(Vec<Node>),
    Table(BTreeMap<String, Node>),
}

/// A number literal TOML accepted but that does not fit the type (e.g. a 20-digit integer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadNumber {
    pub span: Range<usize>,
    pub text: String,
}

impl Node {
    /// Build the tree of a parsed document; numbers that do not fit are collected in `bad`.
    pub fn from_document(
        table: &DeTable<'_>,
        span: Range<usize>,
        file: FileId,
        bad: &mut Vec<BadNumber>,
    ) -> Node {
        let origin = Origin {
            file,
            span,
            key_span: None,
        };
        Node {
            value: Value::Table(table_from(table, file, bad)),
            origin,
        }
    }

    pub fn as_table(&self) -> Option<&BTreeMap<String, Node>> {
        match &self.value {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_table()?.get(key)
    }

    /// Follow a path of keys and array indices (as in a JSON pointer).
    pub fn lookup<'a>(&self, path: impl IntoIterator<Item = &'a str>) -> Option<&Node> {
        let mut node = self;
        for part in path {
            node = match &node.value {
                Value::Table(t) => t.get(part)?,
                Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The deepest node on a JSON-pointer path (`/vllm/max_model_len`), and whether it was reached.
    pub fn locate_pointer(&self, pointer: &str) -> (&Node, bool) {
        let mut node = self;
        for raw in pointer.split('/').skip(1) {
            let part = raw.replace("~1", "/").replace("~0", "~");
            let next = match &node.value {
                Value::Table(t) => t.get(&part),
                Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return (node, false),
            }
        }
        (node, true)
    }

    /// The plain JSON value (datetimes become strings), for schema validation and serde.
    pub fn to_json(&self) -> Json {
        match &self.value {
            Value::String(s) | Value::Datetime(s) => Json::String(s.clone()),
            Value::Integer(i) => Json::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Value::Boolean(b) => Json::Bool(*b),
            Value::Array(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Value::Table(t) => {
                Json::Object(t.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }

    /// The one flattening to dotted keys (`vllm.max_model_len`): every leaf in key order;
    /// arrays and empty tables are one value, non-empty tables recurse.
    pub fn leaves(&self) -> Vec<(String, &Node)> {
        fn walk<'a>(node: &'a Node, path: &mut Vec<String>, out: &mut Vec<(String, &'a Node)>) {
            match &node.value {
                Value::Table(t) if !t.is_empty() => {
                    for (k, v) in t {
                        path.push(k.clone());
                        walk(v, path, out);
                        path.pop();
                    }
                }
                _ => out.push((path.join("."), node)),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut Vec::new(), &mut out);
        out
    }

    /// Every string in the tree, with its path, for secret scanning.
    pub fn walk_strings<'a>(&'a self, path: &mut Vec<String>, out: &mut Vec<(String, &'a Node)>) {
        match &self.value {
            Value::String(_) => out.push((path.join("."), self)),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    item.walk_strings(path, out);
                    path.pop();
                }
            }
            Value::Table(t) => {
                for (k, v) in t {
                    path.push(k.clone());
                    v.walk_strings(path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// Merge `child` over `self`: tables merge key by key, the child wins everything else.
    pub fn merge(&mut self, child: &Node) {
        match (&mut self.value, &child.value) {
            (Value::Table(base), Value::Table(over)) => {
                for (k, v) in over {
                    match base.get_mut(k) {
                        Some(existing) => existing.merge(v),
                        None => {
                            base.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            _ => *self = child.clone(),
        }
    }
}

fn table_from(
    table: &DeTable<'_>,
    file: FileId,
    bad: &mut Vec<BadNumber>,
) -> BTreeMap<String, Node> {
    table
        .iter()
        .map(|(key, value)| {
            let mut node = node_from(value.get_ref(), value.span(), file, bad);
            node.origin.key_span = Some(key.span());
            (key.get_ref().to_string(), node)
        })
        .collect()
}

fn node_from(
    value: &DeValue<'_>,
    span: Range<usize>,
    file: FileId,
    bad: &mut Vec<BadNumber>,
) -> Node {
    let value = match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            let (sign, body) = match digits.strip_prefix('-') {
                Some(rest) => (-1i128, rest),
                None => (1, digits.strip_prefix('+').unwrap_or(&digits)),
            };
            let body = body
                .strip_prefix("0x")
                .or_else(|| body.strip_prefix("0o"))
                .or_else(|| body.strip_prefix("0b"))
                .unwrap_or(body);
            match i128::from_str_radix(body, i.radix())
                .ok()
                .map(|v| v * sign)
                .and_then(|v| i64::try_from(v).ok())
            {
                Some(v) => Value::Integer(v),
                None => {
                    bad.push(BadNumber {
                        span: span.clone(),
                        text: i.as_str().to_string(),
                    });
                    Value::Integer(0)
                }
            }
        }
        DeValue::Float(f) => {
            let text: String = f.as_str().chars().filter(|c| *c != '_').collect();
            let parsed = match text.trim_start_matches(['+', '-']) {
                "inf" | "nan" => None,
                _ => text.parse::<f64>().ok(),
            };
            match parsed {
                Some(v) if v.is_finite() => Value::Float(v),
                _ => {
                    bad.push(BadNumber {
                        span: span.clone(),
                        text: f.as_str().to_string(),
                    });
                    Value::Float(0.0)
                }
            }
        }
        DeValue::Boolean(b) => Value::Boolean(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| node_from(item.get_ref(), item.span(), file, bad))
                .collect(),
        ),
        DeValue::Table(t) => Value::Table(table_from(t, file, bad)),
    };
    Node {
        value,
        origin: Origin {
            file,
            span,
            key_span: None,
        },
    }
}
