//! Reads `club.yaml`: syntax, then unknown keys and choices (all of them), then types
//! (serde), then the meaning checks in [`super::validate`].

use std::path::{Path, PathBuf};

use super::definition::ClubDefinition;
use super::keys::check_keys;
use super::validate::validate;
use super::yaml_tree::{self, Node};
use crate::diagnostic::{Diagnostic, Location};

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
    pub fn error_at(
        &self,
        path: &[yaml_tree::PathSegment],
        message: impl Into<String>,
    ) -> Diagnostic {
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

/// Loads and checks a `club.yaml` whose text is `source`. On failure, every problem found.
pub fn load_club_file(
    path: &Path,
    source: String,
) -> Result<(ClubFile, Vec<Diagnostic>), Vec<Diagnostic>> {
    let tree = match yaml_tree::parse(&source) {
        Ok(Some(tree)) => tree,
        Ok(None) => {
            return Err(vec![Diagnostic::error("the club file is empty")
                .in_file(path)
                .with_help(
                    "start from `bashgah init` or copy policies/cafe/club.yaml",
                )]);
        }
        Err(syntax) => {
            return Err(vec![Diagnostic::error(format!(
                "invalid YAML: {}",
                syntax.message
            ))
            .at(
                Location::new(path, syntax.line, syntax.column),
                Some(&source),
            )
            .with_help(
                "check the indentation and that every `key: value` pair has its colon",
            )]);
        }
    };

    let schema = super::json_schema();
    let mut problems = Vec::new();
    check_keys(&tree, &schema, &schema, path, &source, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }

    let definition: ClubDefinition = match serde_yaml::from_str(&source) {
        Ok(definition) => definition,
        Err(error) => return Err(vec![serde_diagnostic(path, &source, &error)]),
    };

    let file = ClubFile {
        path: path.to_owned(),
        source,
        definition,
        tree,
    };
    let diagnostics = validate(&file);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Ok((file, diagnostics))
}

/// serde_yaml's message without its trailing " at line L column C", which we show our way.
fn serde_diagnostic(path: &Path, source: &str, error: &serde_yaml::Error) -> Diagnostic {
    let text = error.to_string();
    let message = match text.find(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    };
    let diagnostic = Diagnostic::error(message);
    match error.location() {
        Some(at) => diagnostic.at(Location::new(path, at.line(), at.column()), Some(source)),
        None => diagnostic.in_file(path),
    }
}
