//! Reads `club.yaml`: syntax, then unknown keys and choices (all of them), then types
//! (serde), then the meaning checks in [`super::validate`].

use std::path::Path;

use super::club_file::ClubFile;
use super::definition::ClubDefinition;
use super::keys::check_keys;
use super::validate::validate;
use super::yaml_tree::{self, Node};
use crate::diagnostic::{Diagnostic, Location};

/// Loads and checks a `club.yaml` whose text is `source`. Returns the club if its shape
/// could be read at all, and every problem found (errors and warnings); the club is usable
/// only if no problem is an error.
pub fn load_club_file(path: &Path, source: String) -> (Option<ClubFile>, Vec<Diagnostic>) {
    let tree = match yaml_tree::parse(&source) {
        Ok(Some(tree)) => tree,
        Ok(None) => {
            let problem = Diagnostic::error("the club file is empty")
                .in_file(path)
                .with_help("copy policies/cafe/club.yaml to start from a working club");
            return (None, vec![problem]);
        }
        Err(syntax) => {
            let problem = Diagnostic::error(format!("invalid YAML: {}", syntax.message))
                .at(
                    Location::new(path, syntax.line, syntax.column),
                    Some(&source),
                )
                .with_help("check the indentation and that every `key: value` pair has its colon");
            return (None, vec![problem]);
        }
    };

    // Unknown keys and choices are all found here; serde (which ignores unknown keys)
    // then reads the types, so one typo does not hide the problems after it.
    let schema = super::json_schema();
    let mut problems = Vec::new();
    check_keys(&tree, &schema, &schema, path, &source, &mut problems);

    let definition: ClubDefinition = match serde_yaml::from_str(&source) {
        Ok(definition) => definition,
        Err(error) => {
            // A bad choice was already reported, with a suggestion, by check_keys.
            if problems.is_empty() || !error.to_string().contains("unknown variant") {
                problems.push(serde_diagnostic(path, &source, &tree, &error));
            }
            return (None, problems);
        }
    };

    let file = ClubFile {
        path: path.to_owned(),
        source,
        definition,
        tree,
    };
    problems.extend(validate(&file));
    (Some(file), problems)
}

/// serde_yaml's message without its trailing " at line L column C", which we show our way.
fn serde_diagnostic(
    path: &Path,
    source: &str,
    tree: &Node,
    error: &serde_yaml::Error,
) -> Diagnostic {
    let text = error.to_string();
    let message = match text.find(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    };
    // serde reports a value our own parsers refuse (a tier window, a span) at the start of
    // the mapping that holds it; point at the value itself when the message quotes it.
    let quoted = message.split('`').nth(1).filter(|q| !q.is_empty());
    let located = error.location().map(|at| (at.line(), at.column()));
    let value = quoted.and_then(|q| find_scalar(tree, q, located.map_or(0, |(line, _)| line)));
    let diagnostic = Diagnostic::error(message.clone());
    match (value, located) {
        (Some(node), _) => diagnostic.at(
            Location::new(path, node.line, node.column).with_width(node.width()),
            Some(source),
        ),
        (None, Some((line, column))) => {
            diagnostic.at(Location::new(path, line, column), Some(source))
        }
        (None, None) => diagnostic.in_file(path),
    }
}

/// The first scalar node with exactly `text`, on or after line `from`.
fn find_scalar<'a>(node: &'a Node, text: &str, from: usize) -> Option<&'a Node> {
    use super::NodeValue;
    match &node.value {
        NodeValue::Scalar(value) if value == text && node.line >= from => Some(node),
        NodeValue::Sequence(items) => items.iter().find_map(|n| find_scalar(n, text, from)),
        NodeValue::Mapping(entries) => entries.iter().find_map(|(_, v)| find_scalar(v, text, from)),
        _ => None,
    }
}
