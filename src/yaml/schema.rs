//! Checks a tree against the whole JSON Schema of its type, with a real validator
//! (`jsonschema`), so that what `check` accepts is exactly what an editor using the schema
//! accepts. Each error is placed at the node it is about (the validator's instance path,
//! walked back through the tree) and said in plain words.
//!
//! The validator sees the document as an editor does, by the YAML 1.2 core schema: a plain
//! `500` is a number, so `title: {en: 500,000 IRR}` — whose comma splits it in two — is
//! refused where a text was wanted, instead of being read as `"500"` and shown as nothing.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::Value;

use super::tree::{Node, NodeValue, Resolved};

/// A type's schema and its compiled validator, made once per type.
pub struct Compiled {
    pub schema: Value,
    validator: Validator,
}

/// The schema of `T`, compiled (once per process: a club is checked at every reload).
pub fn compiled<T: schemars::JsonSchema + 'static>() -> Result<Arc<Compiled>, String> {
    static CACHE: OnceLock<Mutex<HashMap<TypeId, Arc<Compiled>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let id = TypeId::of::<T>();
    if let Some(found) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&id) {
        return Ok(Arc::clone(found));
    }
    let schema = serde_json::to_value(schemars::schema_for!(T)).map_err(|e| e.to_string())?;
    let validator = jsonschema::validator_for(&schema).map_err(|e| e.to_string())?;
    let compiled = Arc::new(Compiled { schema, validator });
    cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id, Arc::clone(&compiled));
    Ok(compiled)
}

/// What kind of rule a problem broke, for the loader's merging with the other checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A text not in the expected form: the type's own parser usually says it better.
    Pattern,
    /// A key the mapping lacks.
    Required(String),
    /// Already explained by another problem's message: not to be shown, but nothing
    /// else is to be said at this place either.
    Explained,
    /// What an editor flags but the typed read takes: a plain number or boolean where text
    /// is wanted (`name: 2024`, read as its text), nothing at all where a list or a mapping
    /// is wanted (`given:`, read as empty).
    Loose,
    Other,
}

/// A schema error, placed and worded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    pub line: usize,
    pub column: usize,
    pub width: usize,
    pub message: String,
    pub help: Option<String>,
    pub rule: Rule,
}

/// Every way `tree` breaks the schema (those marked [`Rule::Explained`] are said by
/// another one's message).
pub fn check(tree: &Node, compiled: &Compiled) -> Vec<SchemaProblem> {
    let instance = instance(tree);
    let mut report = Report {
        tree,
        schema: &compiled.schema,
        out: Vec::new(),
        covered: Vec::new(),
    };
    for error in compiled.validator.iter_errors(&instance) {
        report.describe(&error);
    }
    let Report {
        mut out, covered, ..
    } = report;
    for problem in &mut out {
        if covered.contains(&(problem.line, problem.column)) {
            problem.rule = Rule::Explained;
        }
    }
    // The validator's order is the schema's; people read files from the top.
    out.sort_by_key(|p| (p.line, p.column));
    out.dedup_by(|a, b| a.line == b.line && a.column == b.column && a.message == b.message);
    out
}

/// The document as JSON, read the way an editor reads it.
///
/// A number with a fraction becomes an `f64` here, and only here: the validator asks of
/// it no more than "is this a number" and "is it within the bounds", and no value is ever
/// read from this copy (the typed read takes decimals from the text).
pub fn instance(node: &Node) -> Value {
    match &node.value {
        NodeValue::Mapping(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.scalar().unwrap_or_default().to_owned(), instance(v)))
                .collect(),
        ),
        NodeValue::Sequence(items) => Value::Array(items.iter().map(instance).collect()),
        NodeValue::Scalar(text) => match node.resolve() {
            Some(Resolved::Null) => Value::Null,
            Some(Resolved::Bool(b)) => Value::Bool(b),
            Some(Resolved::Int(n)) => Value::from(n),
            Some(Resolved::UInt(n)) => Value::from(n),
            Some(Resolved::Number(number)) => float(number)
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| Value::String(text.clone()), Value::Number),
            _ => Value::String(text.clone()),
        },
    }
}

fn float(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

struct Report<'a> {
    tree: &'a Node,
    schema: &'a Value,
    out: Vec<SchemaProblem>,
    /// Places whose problem another message has already explained.
    covered: Vec<(usize, usize)>,
}

impl<'a> Report<'a> {
    fn push(&mut self, node: &Node, message: String, help: Option<String>, rule: Rule) {
        self.out.push(SchemaProblem {
            line: node.line,
            column: node.column,
            width: node.width(),
            message,
            help,
            rule,
        });
    }

    /// The node an error is about, and the node of the mapping holding it (if any), with
    /// the key it is under.
    fn nodes(&self, error: &ValidationError) -> (Option<&'a Node>, Option<(&'a Node, String)>) {
        let tree: &'a Node = self.tree;
        let mut node = Some(tree);
        let mut parent = None;
        for segment in error.instance_path().segments() {
            let Some(current) = node else { break };
            node = match (segment, &current.value) {
                (LocationSegment::Property(key), NodeValue::Mapping(entries)) => {
                    parent = Some((current, key.to_string()));
                    entries
                        .iter()
                        .find(|(k, _)| k.scalar() == Some(&*key))
                        .map(|(_, v)| v)
                }
                (LocationSegment::Index(i), NodeValue::Sequence(items)) => {
                    parent = None;
                    items.get(i)
                }
                _ => None,
            };
        }
        (node, parent)
    }

    /// The schema an error's keyword sits in (`/$defs/Span` for `/$defs/Span/pattern`).
    fn keyword_schema(&self, error: &ValidationError) -> Option<&'a Value> {
        let schema: &'a Value = self.schema;
        let path = error.schema_path().as_str();
        let parent = &path[..path.rfind('/')?];
        schema.pointer(parent)
    }

    fn describe(&mut self, error: &ValidationError) {
        let (Some(node), parent) = self.nodes(error) else {
            return;
        };
        match error.kind() {
            // Said by the key check, key by key, with suggestions; placed at each key here
            // so that the loader sees they are the same problems.
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    if let Some(key) = node.key_node(name) {
                        let message = crate::tr!("yaml-unknown-key", key = name.as_str());
                        self.push(key, message, None, Rule::Other);
                    }
                }
            }
            ValidationErrorKind::Type { kind } => self.wrong_type(node, parent, types_of(kind)),
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default().to_owned();
                self.push(
                    node,
                    crate::tr!("yaml-missing-key", key = &name),
                    Some(crate::tr!("yaml-missing-key-help", key = &name)),
                    Rule::Required(name),
                );
            }
            ValidationErrorKind::Enum { options } => {
                let choices = options
                    .as_array()
                    .map(|o| super::list(o.iter().map(show)))
                    .unwrap_or_default();
                self.push(
                    node,
                    crate::tr!("yaml-not-one-of", found = found(node), choices = choices),
                    None,
                    Rule::Other,
                );
            }
            ValidationErrorKind::Constant { expected_value } => self.push(
                node,
                crate::tr!(
                    "yaml-must-be",
                    found = found(node),
                    expected = show(expected_value)
                ),
                None,
                Rule::Other,
            ),
            ValidationErrorKind::Pattern { .. } => {
                let schema = self.keyword_schema(error);
                // A decimal's schema is "a number, or text that is one": text that is not
                // one is simply not a number.
                let number = schema
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_array)
                    .is_some_and(|types| types.iter().any(|t| t == "number"));
                if number {
                    return self.wrong_type(node, parent, vec![JsonType::Number]);
                }
                let help = schema
                    .and_then(|s| s.get("description"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                self.push(
                    node,
                    crate::tr!("yaml-not-as-expected", found = found(node)),
                    help,
                    Rule::Pattern,
                );
            }
            ValidationErrorKind::Minimum { limit }
            | ValidationErrorKind::ExclusiveMinimum { limit } => self.push(
                node,
                crate::tr!(
                    "yaml-below-minimum",
                    found = found(node),
                    limit = crate::locale::numerals(&limit.to_string())
                ),
                None,
                Rule::Other,
            ),
            ValidationErrorKind::Maximum { limit }
            | ValidationErrorKind::ExclusiveMaximum { limit } => self.push(
                node,
                crate::tr!(
                    "yaml-above-maximum",
                    found = found(node),
                    limit = crate::locale::numerals(&limit.to_string())
                ),
                None,
                Rule::Other,
            ),
            ValidationErrorKind::MinItems { limit } => self.push(
                node,
                crate::tr!(
                    "yaml-min-items",
                    limit = crate::locale::numerals(&limit.to_string())
                ),
                None,
                Rule::Other,
            ),
            ValidationErrorKind::MaxItems { limit } => self.push(
                node,
                crate::tr!(
                    "yaml-max-items",
                    limit = crate::locale::numerals(&limit.to_string())
                ),
                None,
                Rule::Other,
            ),
            ValidationErrorKind::MinLength { limit } => self.push(
                node,
                crate::tr!(
                    "yaml-min-length",
                    limit = crate::locale::numerals(&limit.to_string())
                ),
                None,
                Rule::Other,
            ),
            ValidationErrorKind::MaxLength { limit } => self.push(
                node,
                crate::tr!(
                    "yaml-max-length",
                    limit = crate::locale::numerals(&limit.to_string())
                ),
                None,
                Rule::Other,
            ),
            ValidationErrorKind::OneOfMultipleValid { .. } => {
                if let Some(keys) = self.one_key_of(error) {
                    self.too_many(node, &keys);
                } else {
                    self.push(node, crate::tr!("yaml-many-forms"), None, Rule::Other);
                }
            }
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => {
                if let Some(keys) = self.one_key_of(error) {
                    self.push(
                        node,
                        crate::tr!("yaml-missing-one-of", keys = either(&keys)),
                        None,
                        Rule::Other,
                    );
                } else {
                    self.best_branch(node, parent, context);
                }
            }
            _ => self.push(node, error.to_string(), None, Rule::Other),
        }
    }

    /// `expected text, found the number 500`, with the likely fix.
    fn wrong_type(&mut self, node: &Node, parent: Option<(&Node, String)>, types: Vec<JsonType>) {
        let mut help = None;
        let mut rule = Rule::Other;
        let wants_text = types == [JsonType::String]
            || types == [JsonType::String, JsonType::Null]
            || types == [JsonType::Null, JsonType::String];
        if wants_text
            && matches!(node.resolve(), Some(r) if !matches!(r, Resolved::Null | Resolved::Text(_)))
        {
            let text = node.scalar().unwrap_or_default();
            rule = Rule::Loose;
            help = Some(crate::tr!("yaml-quote-it", text = text));
            // `{en: 500,000 IRR}`: in a `{...}` the comma ends the value, and the rest
            // becomes a key with no value. Say it once, with the whole text quoted.
            if let Some((mapping, key)) = &parent {
                if let Some(rest) = next_empty_key(mapping, key) {
                    help = Some(crate::tr!(
                        "yaml-comma-splits",
                        text = text,
                        rest = rest.scalar().unwrap_or_default()
                    ));
                    self.covered.push((rest.line, rest.column));
                }
            }
        }
        let wants_collection = types
            .iter()
            .any(|t| matches!(t, JsonType::Array | JsonType::Object));
        if wants_collection && node.is_empty_value() {
            rule = Rule::Loose;
        }
        self.push(
            node,
            crate::tr!(
                "yaml-expected-found",
                expected = expected(&types),
                found = found(node)
            ),
            help,
            rule,
        );
    }

    /// The keys of a `oneOf` whose every branch is one required key (a test step's
    /// `event`, `advance`, `redeem` or `adjust`).
    fn one_key_of(&self, error: &ValidationError) -> Option<Vec<String>> {
        let branches = self
            .schema
            .pointer(error.schema_path().as_str())?
            .as_array()?;
        branches
            .iter()
            .map(|b| match b.get("required")?.as_array()?.as_slice() {
                [key] if b.as_object()?.len() == 1 => key.as_str().map(str::to_owned),
                _ => None,
            })
            .collect()
    }

    /// Placed at the second of the keys given, which is the one to move elsewhere.
    fn too_many(&mut self, node: &Node, keys: &[String]) {
        let NodeValue::Mapping(entries) = &node.value else {
            return;
        };
        let given: Vec<&Node> = entries
            .iter()
            .map(|(k, _)| k)
            .filter(|k| keys.iter().any(|key| k.scalar() == Some(key)))
            .collect();
        if let [first, second, ..] = given.as_slice() {
            let (first_name, second_name) = (
                first.scalar().unwrap_or_default(),
                second.scalar().unwrap_or_default(),
            );
            self.push(
                second,
                crate::tr!(
                    "yaml-not-together",
                    second = second_name,
                    first = first_name,
                    keys = either(keys)
                ),
                Some(crate::tr!("yaml-own-step", key = second_name)),
                Rule::Other,
            );
        }
    }

    /// Of the alternatives (`Option<T>` is "a T or nothing"), explains the one the user
    /// most likely meant: not one that wanted another kind of value altogether.
    fn best_branch(
        &mut self,
        node: &Node,
        parent: Option<(&Node, String)>,
        context: &[Vec<ValidationError<'static>>],
    ) {
        let here = |e: &ValidationError| {
            matches!(e.kind(), ValidationErrorKind::Type { .. })
                && self.nodes(e).0.is_some_and(|n| std::ptr::eq(n, node))
        };
        let meant = context
            .iter()
            .filter(|errors| match errors.as_slice() {
                [] => false,
                [only] => !here(only),
                _ => true,
            })
            .min_by_key(|errors| errors.len());
        match meant {
            Some(errors) => {
                for error in errors {
                    self.describe(error);
                }
            }
            None => {
                let mut types = Vec::new();
                for error in context.iter().flatten() {
                    if let ValidationErrorKind::Type { kind } = error.kind() {
                        types.extend(types_of(kind));
                    }
                }
                self.wrong_type(node, parent, types);
            }
        }
    }
}

fn types_of(kind: &TypeKind) -> Vec<JsonType> {
    match kind {
        TypeKind::Single(single) => vec![*single],
        TypeKind::Multiple(set) => set.iter().collect(),
    }
}

/// In `mapping`, the key right after `key` if it has no value (the tail of a text split by
/// a comma in a flow mapping).
fn next_empty_key<'a>(mapping: &'a Node, key: &str) -> Option<&'a Node> {
    let NodeValue::Mapping(entries) = &mapping.value else {
        return None;
    };
    let at = entries.iter().position(|(k, _)| k.scalar() == Some(key))?;
    let (next, value) = entries.get(at + 1)?;
    (value.is_empty_value() && next.line == mapping.line).then_some(next)
}

/// What was written, in words.
fn found(node: &Node) -> String {
    match (&node.value, node.resolve()) {
        (NodeValue::Mapping(_), _) => crate::tr!("yaml-a-mapping"),
        (NodeValue::Sequence(_), _) => crate::tr!("yaml-a-list"),
        (_, Some(Resolved::Null)) => crate::tr!("yaml-nothing"),
        (_, Some(Resolved::Bool(b))) => format!("`{b}`"),
        (_, Some(Resolved::Int(_) | Resolved::UInt(_) | Resolved::Number(_))) => crate::tr!(
            "yaml-the-number",
            number = crate::locale::numerals(node.scalar().unwrap_or_default())
        ),
        (_, _) => format!("`{}`", node.scalar().unwrap_or_default()),
    }
}

/// What a schema wanted, in words. A decimal's schema is "a string or a number" (its text
/// form is for JSON); to a user it is a number.
fn expected(types: &[JsonType]) -> String {
    let wanted: Vec<JsonType> = types
        .iter()
        .copied()
        .filter(|t| *t != JsonType::Null)
        .collect();
    if wanted.contains(&JsonType::Number) || wanted.contains(&JsonType::Integer) {
        if wanted.iter().all(|t| matches!(t, JsonType::Integer)) {
            return crate::tr!("yaml-a-whole-number");
        }
        if wanted
            .iter()
            .all(|t| matches!(t, JsonType::Number | JsonType::Integer | JsonType::String))
        {
            return crate::tr!("yaml-a-number");
        }
    }
    let words: Vec<String> = wanted.iter().map(|t| type_name(*t)).collect();
    match words.as_slice() {
        [] => crate::tr!("yaml-nothing"),
        words => super::either(words),
    }
}

/// A JSON type, in words.
fn type_name(t: JsonType) -> String {
    match t {
        JsonType::String => crate::tr!("yaml-text"),
        JsonType::Integer => crate::tr!("yaml-a-whole-number"),
        JsonType::Number => crate::tr!("yaml-a-number"),
        JsonType::Boolean => crate::tr!("yaml-true-or-false"),
        JsonType::Array => crate::tr!("yaml-a-list"),
        JsonType::Object => crate::tr!("yaml-a-mapping"),
        JsonType::Null => crate::tr!("yaml-nothing"),
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn either(keys: &[String]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    super::either(&quoted)
}
