//! A YAML document as a small tree whose every node knows its line.
//!
//! Built from `yaml-rust2`'s marked events. Why not serde: `serde_yaml` is deprecated, and its
//! maintained forks (`serde_norway`, `serde_yaml_ng`) give values without positions, while the
//! importer must report what it cannot map at its line. The event API gives a line per node
//! for a few dozen lines of code, with no `unsafe` and two small dependencies.
//!
//! Aliases are expanded (with a bound on the nodes that expansion may create, so a "billion
//! laughs" document is an error, not an allocation storm), nesting is bounded, and merge keys
//! (`<<: *base`) are honoured by [`Node::get`].

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deeper documents are refused (compose files nest about six levels).
const MAX_DEPTH: usize = 64;
/// More nodes than this (after alias expansion) are refused.
const MAX_NODES: usize = 200_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// 1-based line of the node's first character.
    pub line: usize,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar's text; `plain` when it was written without quotes or block style (so
    /// `null`, `~` and the empty scalar mean nothing).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether this is `null`, `~` or an empty plain scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a mapping in order, merge keys (`<<`) expanded; a later key replaces
    /// an earlier one, and a mapping's own keys win over merged ones.
    pub fn entries(&self) -> Vec<Entry<'_>> {
        let Value::Map(pairs) = &self.value else {
            return Vec::new();
        };
        let mut out: Vec<Entry<'_>> = Vec::new();
        for (key, value) in pairs {
            if key.as_str() == Some("<<") {
                let bases: Vec<&Node> = match &value.value {
                    Value::Seq(items) => items.iter().collect(),
                    _ => vec![value],
                };
                for base in bases {
                    for e in base.entries() {
                        let own = pairs.iter().any(|(k, _)| k.as_str() == Some(e.key));
                        if !own && !out.iter().any(|o| o.key == e.key) {
                            out.push(e);
                        }
                    }
                }
            } else if let Some(k) = key.as_str() {
                out.retain(|o| o.key != k);
                out.push(Entry {
                    key: k,
                    line: key.line,
                    value,
                });
            }
        }
        out
    }

    /// A mapping's value for `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| e.value)
    }

    /// A mapping's entry for `key`.
    pub fn entry(&self, key: &str) -> Option<Entry<'_>> {
        self.entries().into_iter().find(|e| e.key == key)
    }
}

/// One key of a mapping, with the line of the key.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub key: &'a str,
    pub line: usize,
    pub value: &'a Node,
}

/// Why a text is not a YAML document vprof can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub message: String,
}

enum Frame {
    Seq(usize, Vec<Node>, usize),
    Map(usize, Vec<(Node, Node)>, Option<Node>, usize),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: Vec<(usize, Node)>,
    root: Option<Node>,
    nodes: usize,
    error: Option<YamlError>,
    done: bool,
}

impl Builder {
    fn fail(&mut self, line: usize, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(YamlError {
                line,
                message: message.into(),
            });
        }
    }

    fn size(node: &Node) -> usize {
        match &node.value {
            Value::Scalar { .. } => 1,
            Value::Seq(items) => 1 + items.iter().map(Builder::size).sum::<usize>(),
            Value::Map(pairs) => {
                1 + pairs
                    .iter()
                    .map(|(k, v)| Builder::size(k) + Builder::size(v))
                    .sum::<usize>()
            }
        }
    }

    fn finish(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.push((anchor, node.clone()));
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                self.done = true;
            }
            Some(Frame::Seq(_, items, _)) => items.push(node),
            Some(Frame::Map(_, pairs, key, _)) => match key.take() {
                None => *key = Some(node),
                Some(k) => pairs.push((k, node)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() || self.done {
            return;
        }
        let line = mark.line().max(1);
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            self.fail(line, format!("more than {MAX_NODES} YAML nodes"));
            return;
        }
        match ev {
            Event::Scalar(text, style, anchor, _) => {
                let plain = style == TScalarStyle::Plain;
                self.finish(
                    Node {
                        line,
                        value: Value::Scalar { text, plain },
                    },
                    anchor,
                );
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(line, format!("nested deeper than {MAX_DEPTH} levels"));
                    return;
                }
                let frame = if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq(line, Vec::new(), anchor)
                } else {
                    Frame::Map(line, Vec::new(), None, anchor)
                };
                self.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq(l, items, anchor)) => self.finish(
                    Node {
                        line: l,
                        value: Value::Seq(items),
                    },
                    anchor,
                ),
                Some(Frame::Map(l, pairs, _, anchor)) => self.finish(
                    Node {
                        line: l,
                        value: Value::Map(pairs),
                    },
                    anchor,
                ),
                None => self.fail(line, "unbalanced YAML events"),
            },
            Event::Alias(id) => {
                let Some(node) = self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == id)
                    .map(|(_, n)| n.clone())
                else {
                    self.fail(line, "alias to an unknown anchor");
                    return;
                };
                self.nodes += Builder::size(&node);
                if self.nodes > MAX_NODES {
                    self.fail(
                        line,
                        format!("aliases expand to more than {MAX_NODES} nodes"),
                    );
                    return;
                }
                self.finish(node, 0);
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// Parse the first document of `text`; an empty text is an empty mapping.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(err) = parser.load(&mut builder, false) {
        return Err(YamlError {
            line: err.marker().line().max(1),
            message: err.info().to_string(),
        });
    }
    if let Some(err) = builder.error {
        return Err(err);
    }
    Ok(builder.root.unwrap_or(Node {
        line: 1,
        value: Value::Map(Vec::new()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_aliases_and_merge_keys() {
        let doc = parse("x: &b\n  a: 1\n  c: 2\ny:\n  <<: *b\n  c: 3\nz: [1, 2]\n").unwrap();
        let y = doc.get("y").unwrap();
        assert_eq!(y.get("a").unwrap().as_str(), Some("1"));
        assert_eq!(y.get("c").unwrap().as_str(), Some("3"));
        assert_eq!(doc.get("z").unwrap().line, 7);
        assert_eq!(doc.get("x").unwrap().get("c").unwrap().line, 3);
    }

    #[test]
    fn hostile_documents_are_errors() {
        let deep = "[".repeat(1000);
        assert!(parse(&deep).is_err());
        let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            laughs.push_str(&format!(
                "{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
                n = (b'b' + i) as char,
                p = (b'a' + i) as char
            ));
        }
        assert!(parse(&laughs).unwrap_err().message.contains("nodes"));
        assert!(parse("a: [1, 2").is_err());
    }
}
