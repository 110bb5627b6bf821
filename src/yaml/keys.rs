//! Finds every unknown key and every out-of-range choice in a YAML file, using the same
//! JSON Schema that editors get (`bashgah schema` for `club.yaml`), so the two can never
//! disagree.
//!
//! serde stops at the first unknown field; a user who misspelt three keys deserves to
//! hear about all three, each with its position and the nearest valid name.

use std::path::Path;

use serde_json::Value;

use super::quoted;
use super::tree::{Node, NodeValue};
use crate::diagnostic::{did_you_mean, Diagnostic, Location};

/// What the key check found: its problems, and the keys it suggested for misspelt ones,
/// by the position of the mapping (line, column). A mapping that lacks `points` because
/// `pionts` was written needs one message, not a second one saying `points` is missing.
#[derive(Debug, Default)]
pub struct KeyReport {
    pub problems: Vec<Diagnostic>,
    pub suggested: Vec<(usize, usize, String)>,
}

/// Walks `node` against `schema` (resolving `$ref`s in `root`) and reports problems.
pub fn check_keys(
    node: &Node,
    schema: &Value,
    root: &Value,
    file: &Path,
    source: &str,
    out: &mut KeyReport,
) {
    let schema = resolve(schema, root);
    match &node.value {
        NodeValue::Mapping(entries) => {
            let Some(object) = object_branch(schema, root) else {
                return;
            };
            let properties = object.get("properties").and_then(Value::as_object);
            let closed = object.get("additionalProperties") == Some(&Value::Bool(false));
            let open_values = object.get("additionalProperties").filter(|v| v.is_object());
            for (key, value) in entries {
                let Some(name) = key.scalar() else { continue };
                match properties.and_then(|p| p.get(name)) {
                    Some(child) => check_keys(value, child, root, file, source, out),
                    None if closed => {
                        let known: Vec<&str> = properties
                            .map(|p| p.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        let mut diagnostic =
                            Diagnostic::error(crate::tr!("yaml-unknown-key", key = name)).at(
                                Location::new(file, key.line, key.column).with_width(key.width()),
                                Some(source),
                            );
                        diagnostic = match did_you_mean(name, known.iter().copied()) {
                            Some(near) => {
                                out.suggested
                                    .push((node.line, node.column, near.to_owned()));
                                diagnostic.with_help(crate::tr!("did-you-mean", name = near))
                            }
                            None => diagnostic
                                .with_help(crate::tr!("yaml-known-keys", keys = quoted(&known))),
                        };
                        out.problems.push(diagnostic);
                    }
                    None => {
                        if let Some(child) = open_values {
                            check_keys(value, child, root, file, source, out);
                        }
                    }
                }
            }
        }
        NodeValue::Sequence(items) => {
            if let Some(item_schema) = array_items(schema, root) {
                for item in items {
                    check_keys(item, item_schema, root, file, source, out);
                }
            }
        }
        // A missing value is the schema check's to report, in its words.
        NodeValue::Scalar(_) if node.is_null() => {}
        NodeValue::Scalar(text) => {
            let choices = enum_choices(schema, root);
            if !choices.is_empty() && !choices.contains(&text.as_str()) {
                let mut diagnostic = Diagnostic::error(crate::tr!(
                    "yaml-not-one-of",
                    found = format!("`{text}`"),
                    choices = quoted(&choices)
                ))
                .at(
                    Location::new(file, node.line, node.column).with_width(node.width()),
                    Some(source),
                );
                let near = did_you_mean(text, choices.iter().copied())
                    .or_else(|| other_name_for(text, &choices));
                if let Some(near) = near {
                    diagnostic = diagnostic.with_help(crate::tr!("did-you-mean", name = near));
                }
                out.problems.push(diagnostic);
            }
        }
    }
}

/// Other names people give a choice, which spelling alone does not bring near: the Jalali
/// calendar is also called Shamsi, Persian or solar Hijri.
const OTHER_NAMES: [(&str, &str); 8] = [
    ("shamsi", "jalali"),
    ("persian", "jalali"),
    ("solar_hijri", "jalali"),
    ("hijri_shamsi", "jalali"),
    ("iranian", "jalali"),
    ("miladi", "gregorian"),
    ("christian", "gregorian"),
    ("western", "gregorian"),
];

/// The choice `text` is another name for, if it is one of `choices`.
fn other_name_for<'a>(text: &str, choices: &[&'a str]) -> Option<&'a str> {
    let text = text.to_lowercase().replace([' ', '-'], "_");
    let (_, meant) = OTHER_NAMES.iter().find(|(name, _)| *name == text)?;
    choices.iter().copied().find(|choice| choice == meant)
}

fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    let mut current = schema;
    // Bounded so that a self-referencing schema cannot loop forever.
    for _ in 0..16 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(target) = reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
        else {
            break;
        };
        current = target;
    }
    current
}

/// The branch of `schema` that describes an object (through `anyOf`/`oneOf`, as
/// `Option<T>` produces), if any.
fn object_branch<'a>(schema: &'a Value, root: &'a Value) -> Option<&'a Value> {
    if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() {
        return Some(schema);
    }
    branches(schema)
        .map(|b| resolve(b, root))
        .find_map(|b| object_branch(b, root))
}

fn array_items<'a>(schema: &'a Value, root: &'a Value) -> Option<&'a Value> {
    if let Some(items) = schema.get("items") {
        return Some(items);
    }
    branches(schema)
        .map(|b| resolve(b, root))
        .find_map(|b| array_items(b, root))
}

/// The allowed strings of an enum schema (`enum`, or `oneOf` of `const`s), else empty.
fn enum_choices<'a>(schema: &'a Value, root: &'a Value) -> Vec<&'a str> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.iter().filter_map(Value::as_str).collect();
    }
    if let Some(value) = schema.get("const").and_then(Value::as_str) {
        return vec![value];
    }
    let mut choices = Vec::new();
    for branch in branches(schema).map(|b| resolve(b, root)) {
        let more = enum_choices(branch, root);
        if more.is_empty() {
            // A branch that is not an enum (e.g. null for an optional) allows other text.
            if branch.get("type").and_then(Value::as_str) != Some("null") {
                return Vec::new();
            }
        }
        choices.extend(more);
    }
    choices
}

fn branches(schema: &Value) -> impl Iterator<Item = &Value> {
    ["anyOf", "oneOf", "allOf"]
        .into_iter()
        .filter_map(|k| schema.get(k).and_then(Value::as_array))
        .flatten()
}
