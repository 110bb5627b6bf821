//! [`ClubFile`]: a read `club.yaml` with its text and positioned tree, so that every
//! check after reading can point into it.

use std::path::PathBuf;

use super::definition::ClubDefinition;
use crate::diagnostic::{Diagnostic, Location};
use crate::yaml::{Node, PathSegment};

/// A parsed, type-checked `club.yaml` with its text and positioned tree, so later checks
/// (e.g. against the scripts) can still point into it.
#[derive(Debug, Clone)]
pub struct ClubFile {
    pub path: PathBuf,
    pub source: String,
    pub definition: ClubDefinition,
    pub tree: Node,
}

impl ClubFile {
    /// A diagnostic pointing at the node at `path` (or the file, if the node is absent).
    pub fn error_at(&self, path: &[PathSegment], message: impl Into<String>) -> Diagnostic {
        let diagnostic = Diagnostic::error(message);
        match self.tree.find(path) {
            Some(node) => diagnostic.at(
                Location::new(&self.path, node.line, node.column).with_width(node.width()),
                Some(&self.source),
            ),
            None => diagnostic.in_file(&self.path),
        }
    }
}

impl ClubFile {
    /// A warning pointing at the top-level key `key` itself.
    pub fn warning_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let mut diagnostic = Diagnostic::warning(message);
        diagnostic = match self.tree.key_node(key) {
            Some(node) => diagnostic.at(
                Location::new(&self.path, node.line, node.column).with_width(node.width()),
                Some(&self.source),
            ),
            None => diagnostic.in_file(&self.path),
        };
        diagnostic
    }
}
