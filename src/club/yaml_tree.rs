//! A YAML document as a tree that remembers where every node was written.
//!
//! serde gives the typed club, but only the position of the first problem. This tree lets
//! the loader find *every* unknown key, and lets later checks (a rule naming a missing
//! function) point at the exact line and column of the value they complain about.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A node and the 1-based line and column where it starts.
#[derive(Debug, Clone)]
pub struct Node {
    pub value: NodeValue,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone)]
pub enum NodeValue {
    Scalar(String),
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
    /// A `*alias`; its target is not resolved for positions.
    Alias,
}

/// One step of a path into the tree: a mapping key or a sequence index.
#[derive(Debug, Clone, Copy)]
pub enum PathSegment<'a> {
    Key(&'a str),
    Index(usize),
}

impl Node {
    /// The node at `path`, if the document has one there.
    pub fn find(&self, path: &[PathSegment]) -> Option<&Node> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        let child = match (first, &self.value) {
            (PathSegment::Key(key), NodeValue::Mapping(entries)) => entries
                .iter()
                .find(|(k, _)| k.scalar() == Some(key))
                .map(|(_, v)| v),
            (PathSegment::Index(i), NodeValue::Sequence(items)) => items.get(*i),
            _ => None,
        }?;
        child.find(rest)
    }

    /// The key node (not the value) of `key` in this mapping.
    pub fn key_node(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Mapping(entries) => entries
                .iter()
                .find(|(k, _)| k.scalar() == Some(key))
                .map(|(k, _)| k),
            _ => None,
        }
    }

    pub fn scalar(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// Width of the node as written, for the caret line: the scalar's length, else 1.
    pub fn width(&self) -> usize {
        self.scalar().map_or(1, |s| s.chars().count().max(1))
    }
}

/// A YAML syntax error: message and 1-based position.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Parses the first document of `source` into a positioned tree (`None` for an empty file).
pub fn parse(source: &str) -> Result<Option<Node>, SyntaxError> {
    let mut builder = TreeBuilder::default();
    let mut parser = Parser::new_from_str(source);
    parser.load(&mut builder, false).map_err(|e| SyntaxError {
        message: e.info().to_owned(),
        line: e.marker().line(),
        column: e.marker().col() + 1,
    })?;
    Ok(builder.root)
}

/// Collects parser events into nodes; a stack holds the open collections.
#[derive(Default)]
struct TreeBuilder {
    stack: Vec<Node>,
    /// Keys waiting for their value, one slot per open mapping.
    pending_keys: Vec<Option<Node>>,
    root: Option<Node>,
}

impl TreeBuilder {
    fn push_value(&mut self, node: Node) {
        let Some(parent) = self.stack.last_mut() else {
            self.root.get_or_insert(node);
            return;
        };
        match &mut parent.value {
            NodeValue::Sequence(items) => items.push(node),
            NodeValue::Mapping(entries) => {
                let slot = self
                    .pending_keys
                    .last_mut()
                    .expect("a mapping has a key slot");
                match slot.take() {
                    Some(key) => entries.push((key, node)),
                    None => *slot = Some(node),
                }
            }
            _ => {}
        }
    }
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let at = |value| Node {
            value,
            line: mark.line(),
            column: mark.col() + 1,
        };
        match event {
            Event::Scalar(text, ..) => self.push_value(at(NodeValue::Scalar(text))),
            Event::Alias(_) => self.push_value(at(NodeValue::Alias)),
            Event::SequenceStart(..) => self.stack.push(at(NodeValue::Sequence(Vec::new()))),
            Event::MappingStart(..) => {
                self.stack.push(at(NodeValue::Mapping(Vec::new())));
                self.pending_keys.push(None);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if matches!(event, Event::MappingEnd) {
                    self.pending_keys.pop();
                }
                if let Some(node) = self.stack.pop() {
                    self.push_value(node);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_positions_of_keys_and_values() {
        let tree = parse("id: cafe\nrules:\n  - id: base\n    function: earn\n")
            .unwrap()
            .unwrap();
        let function = tree
            .find(&[
                PathSegment::Key("rules"),
                PathSegment::Index(0),
                PathSegment::Key("function"),
            ])
            .unwrap();
        assert_eq!((function.line, function.column), (4, 15));
        assert_eq!(function.scalar(), Some("earn"));
        let key = tree.key_node("rules").unwrap();
        assert_eq!((key.line, key.column), (2, 1));
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let error = parse("id: cafe\nrules: [a, b\n").unwrap_err();
        assert!(error.line >= 2, "{error:?}");
    }
}
