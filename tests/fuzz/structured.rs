//! Structured mutations: the input is parsed (YAML and JSON to a value tree, CSV to cells),
//! changed the way a person or a buggy exporter would change it — a value of another type,
//! a key renamed, dropped or repeated, a subtree from another file, nesting, a column
//! lost — and written back. Inputs that do not parse are left to the byte-level mutator.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::yaml::Hash as Mapping;
use yaml_rust2::{Yaml as Value, YamlEmitter, YamlLoader};

use crate::fuzz::mutate;
use crate::fuzz::rng::Rng;

// The value trees are yaml-rust2's `Yaml`. Its `Real` holds a number's text as written and
// its emitter writes that text verbatim, so a `Real` also carries what `Yaml` has no node
// for: numbers past 64 bits (`18446744073709551616`) and tagged nodes (`!int 5`,
// `!x {"a": 1}`, see [`tagged`]).

/// The deepest nesting a YAML input may have to be parsed here (serde_yaml's limit, which
/// the suite was written with); deeper inputs are left to the byte-level mutator.
const MAX_NESTING: usize = 128;

/// How many nodes an input may expand to, aliases included: an alias bomb is left to the
/// byte-level mutator too (`YamlLoader` copies the anchored node for every alias).
const MAX_NODES: usize = 1_000_000;

/// Whether `text` can be given to `YamlLoader`: it parses, it is nested no deeper than
/// [`MAX_NESTING`] (`YamlLoader` recurses once per level) and its aliases do not expand
/// past [`MAX_NODES`]. Events are read one at a time, so this walk does not recurse.
fn tame(text: &str) -> bool {
    let mut parser = Parser::new_from_str(text);
    let mut nodes = 0usize;
    // the anchor and node count of every open sequence or mapping
    let mut open: Vec<(usize, usize)> = Vec::new();
    // the number of nodes of every anchored node
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    loop {
        let Ok((event, _)) = parser.next_token() else {
            return false;
        };
        match event {
            Event::StreamEnd => return true,
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                nodes += 1;
                open.push((anchor, nodes));
                if open.len() > MAX_NESTING {
                    return false;
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((anchor, start)) = open.pop() else {
                    return false;
                };
                if anchor > 0 {
                    sizes.insert(anchor, nodes - start + 1);
                }
            }
            Event::Scalar(_, _, anchor, _) => {
                nodes += 1;
                if anchor > 0 {
                    sizes.insert(anchor, 1);
                }
            }
            Event::Alias(anchor) => nodes += sizes.get(&anchor).copied().unwrap_or(1),
            _ => {}
        }
        if nodes > MAX_NODES {
            return false;
        }
    }
}

/// The first document of a YAML text as a tree; `None` if it does not parse or is not
/// [`tame`].
pub fn parse_yaml(text: &str) -> Option<Value> {
    if !tame(text) {
        return None;
    }
    let documents = YamlLoader::load_from_str(text).ok()?;
    Some(match documents.into_iter().next() {
        None | Some(Value::BadValue) => Value::Null,
        Some(value) => value,
    })
}

/// A tree written as YAML (block style, no `---`).
pub fn emit_yaml(value: &Value) -> Option<String> {
    let mut out = String::new();
    YamlEmitter::new(&mut out).dump(value).ok()?;
    let mut out = match out.strip_prefix("---\n") {
        Some(rest) => rest.to_owned(),
        None => out.trim_start_matches("---").trim_start().to_owned(),
    };
    out.push('\n');
    Some(out)
}

/// A JSON value as a tree.
pub fn from_json(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Boolean(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.to_string()),
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::Hash(
            map.iter()
                .map(|(k, v)| (Value::String(k.clone()), from_json(v)))
                .collect(),
        ),
    }
}

/// A number's text as a float, with YAML's `.inf` and `.nan`.
fn real(text: &str) -> Option<f64> {
    match text.trim_start_matches(['+', '-']) {
        ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN" => None,
        _ => text.parse::<f64>().ok(),
    }
}

/// A float as a YAML number (`1e30`, `-0.5`, `.inf`).
fn float(x: f64) -> Value {
    Value::Real(if x.is_nan() {
        ".nan".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 { ".inf" } else { "-.inf" }.to_owned()
    } else {
        format!("{x:?}")
    })
}

/// A tree as a JSON value: keys that are not text are written as YAML would read them
/// back, numbers too large for JSON become `null` (as serde_json writes them), and a tagged
/// node is the text `!tag value`.
fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null | Value::BadValue | Value::Alias(_) => serde_json::Value::Null,
        Value::Boolean(b) => serde_json::Value::Bool(*b),
        Value::Integer(i) => serde_json::Value::from(*i),
        Value::Real(text) => {
            if let Ok(n) = text.parse::<u64>() {
                serde_json::Value::from(n)
            } else if text.starts_with('!') {
                serde_json::Value::String(text.clone())
            } else {
                match real(text) {
                    Some(x) => serde_json::Number::from_f64(x)
                        .map_or(serde_json::Value::Null, serde_json::Value::Number),
                    None if text.contains(['i', 'I', 'n', 'N']) => serde_json::Value::Null,
                    None => serde_json::Value::String(text.clone()),
                }
            }
        }
        Value::String(text) => serde_json::Value::String(text.clone()),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Hash(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::String(text) => text.clone(),
                        other => flow(other),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
    }
}

/// A tree in YAML's flow style, on one line (`{"a": [1, "x"]}`): the form a tagged
/// collection is written in.
fn flow(value: &Value) -> String {
    match value {
        Value::Null | Value::BadValue | Value::Alias(_) => "null".to_owned(),
        Value::Boolean(b) => b.to_string(),
        Value::Integer(i) => i.to_string(),
        Value::Real(text) => text.clone(),
        // JSON's escapes are YAML's too
        Value::String(text) => serde_json::Value::String(text.clone()).to_string(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Hash(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", flow(k), flow(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

/// A node with a tag (`!int 5`, `!x {"a": 1}`): `Yaml` has no tags, so the node is written
/// in flow style after the tag, as the verbatim text of a `Real`.
fn tagged(tag: &str, value: &Value) -> Value {
    Value::Real(format!("{tag} {}", flow(value)))
}

/// Keys and subtrees seen in every seed of a target: what structured mutations borrow.
#[derive(Default, Clone)]
pub struct Dictionary {
    pub keys: Vec<Value>,
    pub values: Vec<Value>,
}

impl Dictionary {
    /// Gathers keys and values from `trees`.
    pub fn from_trees<'a>(trees: impl IntoIterator<Item = &'a Value>) -> Dictionary {
        let mut dictionary = Dictionary::default();
        for tree in trees {
            dictionary.gather(tree);
        }
        dictionary.keys.sort_by_key(|k| format!("{k:?}"));
        dictionary.keys.dedup();
        dictionary
    }

    fn gather(&mut self, value: &Value) {
        if self.values.len() < 4_000 {
            self.values.push(value.clone());
        }
        match value {
            Value::Hash(map) => {
                for (key, value) in map {
                    self.keys.push(key.clone());
                    self.gather(value);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.gather(v)),
            _ => {}
        }
    }

    /// Adds the header names of a CSV seed (as string keys).
    pub fn add_words(&mut self, words: impl IntoIterator<Item = String>) {
        for word in words {
            let key = Value::String(word);
            if !self.keys.contains(&key) {
                self.keys.push(key);
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(Value),
    Index(usize),
}

fn paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(prefix.clone());
    if out.len() > 20_000 {
        return;
    }
    match value {
        Value::Hash(map) => {
            for (key, child) in map {
                prefix.push(Step::Key(key.clone()));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(Step::Index(i));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn get<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(value);
    };
    let child = match (value, first) {
        (Value::Hash(map), Step::Key(key)) => map.get(key)?,
        (Value::Array(items), Step::Index(i)) => items.get(*i)?,
        _ => return None,
    };
    get(child, rest)
}

fn get_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(value);
    };
    let child = match (value, first) {
        (Value::Hash(map), Step::Key(key)) => map.get_mut(key)?,
        (Value::Array(items), Step::Index(i)) => items.get_mut(*i)?,
        _ => return None,
    };
    get_mut(child, rest)
}

/// A scalar from the token table, typed as YAML would read it (`12` a number, `yes` a
/// string in YAML 1.2, `~` null).
pub fn scalar(rng: &mut Rng) -> Value {
    let token = mutate::short_token(rng);
    if rng.one_in(3) {
        return Value::String(token);
    }
    match parse_yaml(&token) {
        Some(
            value @ (Value::Integer(_)
            | Value::Real(_)
            | Value::Boolean(_)
            | Value::Null
            | Value::String(_)),
        ) => value,
        _ => Value::String(token),
    }
}

fn new_key(rng: &mut Rng, dictionary: &Dictionary) -> Value {
    if !dictionary.keys.is_empty() && !rng.one_in(4) {
        return rng.pick(&dictionary.keys).clone();
    }
    match rng.below(3) {
        0 => scalar(rng),
        1 => Value::String(mutate::short_token(rng)),
        _ => Value::String(format!("k{}", rng.below(100))),
    }
}

fn some_value(rng: &mut Rng, dictionary: &Dictionary) -> Value {
    if !dictionary.values.is_empty() && rng.one_in(2) {
        return rng.pick(&dictionary.values).clone();
    }
    scalar(rng)
}

/// Applies one to three mutations to the tree.
pub fn tree(rng: &mut Rng, value: &mut Value, dictionary: &Dictionary) {
    // Often one change only: an input that still loads reaches the checks behind the parser.
    let rounds = if rng.one_in(2) { 1 } else { rng.between(2, 3) };
    for _ in 0..rounds {
        tree_once(rng, value, dictionary);
    }
}

fn tree_once(rng: &mut Rng, root: &mut Value, dictionary: &Dictionary) {
    let mut all = Vec::new();
    paths(root, &mut Vec::new(), &mut all);
    let path = rng.pick(&all).clone();
    let op = rng.below(17);
    // Operations on the node's place in its parent.
    if (3..=5).contains(&op) && !path.is_empty() {
        let (last, parent_path) = path.split_last().expect("not empty");
        let Some(parent) = get_mut(root, parent_path) else {
            return;
        };
        match (parent, last, op) {
            (Value::Hash(map), Step::Key(key), 3) => {
                map.remove(key);
            }
            (Value::Array(items), Step::Index(i), 3) => {
                items.remove(*i);
            }
            (Value::Array(items), Step::Index(i), 4) => {
                let copy = items[*i].clone();
                let to = rng.below(items.len() + 1);
                items.insert(to, copy);
            }
            (Value::Hash(map), Step::Key(key), 4) => {
                // the same value under another key
                if let Some(copy) = map.get(key).cloned() {
                    map.insert(new_key(rng, dictionary), copy);
                }
            }
            (Value::Hash(map), Step::Key(key), _) => {
                // renamed, keeping its place among the keys
                let renamed = if rng.one_in(3) {
                    match key {
                        Value::String(text) => {
                            let mut bytes = text.clone().into_bytes();
                            mutate::bytes(rng, &mut bytes, &[]);
                            Value::String(String::from_utf8_lossy(&bytes).into_owned())
                        }
                        other => Value::String(format!("{other:?}")),
                    }
                } else {
                    new_key(rng, dictionary)
                };
                let old = std::mem::take(map);
                for (k, v) in old {
                    if &k == key {
                        map.insert(renamed.clone(), v);
                    } else {
                        map.insert(k, v);
                    }
                }
            }
            (Value::Array(items), Step::Index(i), _) => {
                let other = rng.below(items.len());
                items.swap(*i, other);
            }
            _ => {}
        }
        return;
    }
    let Some(node) = get_mut(root, &path) else {
        return;
    };
    match op {
        0 | 3 | 4 | 5 => *node = scalar(rng),
        14..=16 => *node = alike(rng, node),
        1 => *node = some_value(rng, dictionary),
        2 => {
            // another type holding the same thing
            let old = std::mem::replace(node, Value::Null);
            *node = match (old, rng.below(6)) {
                (Value::Hash(map), 0) => Value::Array(map.into_iter().map(|(_, v)| v).collect()),
                (Value::Array(items), 0) => Value::Hash(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (Value::Integer(i as i64), v))
                        .collect(),
                ),
                (Value::String(text), 1) => match text.trim().parse::<i64>() {
                    Ok(n) => Value::Integer(n),
                    Err(_) => Value::Array(vec![Value::String(text)]),
                },
                (Value::Integer(n), 1) => Value::String(n.to_string()),
                (Value::Real(text), 1) => Value::String(text),
                (old, 2) => Value::Array(vec![old]),
                (old, 3) => {
                    let mut map = Mapping::new();
                    map.insert(new_key(rng, dictionary), old);
                    Value::Hash(map)
                }
                (_, 4) => Value::Null,
                (old, _) => {
                    let tag = *rng.pick(TAGS);
                    tagged(tag, &old)
                }
            };
        }
        6 => {
            if let Value::Hash(map) = node {
                map.insert(new_key(rng, dictionary), some_value(rng, dictionary));
            } else if let Value::Array(items) = node {
                let to = rng.below(items.len() + 1);
                items.insert(to, some_value(rng, dictionary));
            } else {
                *node = some_value(rng, dictionary);
            }
        }
        7 => {
            // nesting
            let depth = match rng.below(3) {
                0 => rng.between(1, 5),
                1 => rng.between(5, 100),
                // past the parsers' limits (128 in serde_json, 64 in bashgah's YAML); deeper
                // input comes from the byte-level tokens
                _ => rng.between(100, 300),
            };
            let mut value = std::mem::replace(node, Value::Null);
            for _ in 0..depth {
                value = if rng.one_in(2) {
                    Value::Array(vec![value])
                } else {
                    let mut map = Mapping::new();
                    map.insert(Value::String("a".into()), value);
                    Value::Hash(map)
                };
            }
            *node = value;
        }
        8 => {
            // the text of a scalar mutated byte by byte
            if let Value::String(text) = node {
                let mut bytes = text.clone().into_bytes();
                mutate::bytes(rng, &mut bytes, &[]);
                *text = String::from_utf8_lossy(&bytes).into_owned();
            } else {
                *node = scalar(rng);
            }
        }
        9 => {
            // a number nudged past a bound
            if let Value::Integer(_) | Value::Real(_) = node {
                let (int, base) = match node {
                    Value::Integer(n) => (*n, *n as f64),
                    Value::Real(text) => (0, real(text).unwrap_or(0.0)),
                    _ => (0, 0.0),
                };
                *node = match rng.below(6) {
                    0 => Value::Integer(int.wrapping_add(1)),
                    1 => Value::Integer(int.wrapping_sub(1)),
                    2 => float(-base),
                    3 => float(base * 10f64.powi(rng.between(1, 30) as i32)),
                    4 => float(base / 1000.0 + 0.0001),
                    _ => Value::Real(u64::MAX.to_string()),
                };
            } else {
                *node = scalar(rng);
            }
        }
        10 => {
            // many repeats: a long list or many keys
            let copy = std::mem::replace(node, Value::Null);
            let count = rng.between(2, 2_000);
            *node = Value::Array(vec![copy; count]);
        }
        11 => {
            let unit = *rng.pick(&["x", "۹", "\\", "'\"", " "]);
            *node = Value::String(unit.repeat(rng.between(100, 50_000)));
        }
        12 => {
            if let Value::Hash(map) = node {
                map.clear();
            } else if let Value::Array(items) = node {
                items.clear();
            } else {
                *node = Value::String(String::new());
            }
        }
        _ => *node = Value::Null,
    }
}

/// Tags put on a node: unknown ones, and the core schema's (which yaml-rust2 resolves).
const TAGS: &[&str] = &["!x", "!str", "!binary", "!int", "!!str", "!!int"];

/// Numbers, dates, lengths of time and clock times at and past the bounds bashgah checks.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "-0.5",
    "0.0000000001",
    "0.0000000000000000000000000001",
    "28",
    "29",
    "100",
    "999",
    "1000",
    "1000.01",
    "36500",
    "36501",
    "1200",
    "1201",
    "10000",
    "1000000000000000000",
    "1000000000000000001",
    "-1000000000000000000",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "79228162514264337593543950335",
    "99999999999999999999999999999",
    "1e400",
    "1.5",
    "2.675",
    "3.14159265358979323846264338327",
];
const DATES: &[&str] = &[
    "0000-00-00",
    "0999-12-31",
    "1000-01-01",
    "1403-12-30",
    "1403-12-31",
    "1404-01-01",
    "1399-12-30",
    "1699-12-29",
    "1700-01-01",
    "2023-02-29",
    "2024-02-29",
    "2024-12-31",
    "9000-12-31",
    "9001-01-01",
    "9999-12-31",
    "1403-07-01",
    "1403-06-31",
    "1403-01-01 00:00",
    "2025-03-30T02:30:00",
    "9999-12-31T23:59:59-23:59",
    "1000-01-01T00:00:00+14:00",
];
const SPANS: &[&str] = &[
    "0d",
    "1d",
    "-1d",
    "36500d",
    "36501d",
    "5214w",
    "5215w",
    "1200m",
    "1201m",
    "100y",
    "101y",
    "0m",
    "1m",
    "12m",
    "1y",
    "18446744073709551616d",
    "1.5m",
    "7",
    "d",
];
const CLOCK: &[&str] = &[
    "00:00", "23:59", "24:00", "22:00", "08:00", "12:60", "-1:00", "7",
];

fn shape(text: &str) -> Option<&'static [&'static str]> {
    let t = text.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if t.len() >= 8 && t.as_bytes().get(4) == Some(&b'-') && digits(&t[..4]) {
        return Some(DATES);
    }
    if let Some((h, m)) = t.split_once(':') {
        if digits(h) && digits(m) {
            return Some(CLOCK);
        }
    }
    if t.len() >= 2 && t.ends_with(['d', 'w', 'm', 'y']) && digits(&t[..t.len() - 1]) {
        return Some(SPANS);
    }
    if !t.is_empty() && t.parse::<f64>().is_ok() {
        return Some(NUMBERS);
    }
    None
}

/// Another value of the same kind: a number for a number, a date for a date, a length of
/// time for a length of time — so the input still loads and the value reaches the checks
/// and the engine behind the parser.
fn alike(rng: &mut Rng, node: &Value) -> Value {
    match node {
        Value::Integer(_) | Value::Real(_) => {
            let text = *rng.pick(NUMBERS);
            Value::from_str(text)
        }
        Value::String(text) => match shape(text) {
            Some(kind) => {
                let text = *rng.pick(kind);
                if kind == NUMBERS && rng.one_in(2) {
                    Value::from_str(text)
                } else {
                    Value::String(text.to_owned())
                }
            }
            None => {
                let mut text = text.clone();
                match rng.below(4) {
                    0 => text.push_str(&mutate::short_token(rng)),
                    1 => text = text.to_uppercase(),
                    2 => text = format!(" {text} "),
                    _ => text.push_str(&"x".repeat(rng.between(1, 300))),
                }
                Value::String(text)
            }
        },
        Value::Boolean(b) => Value::Boolean(!b),
        other => other.clone(),
    }
}

/// A YAML input whose scalars (one to three) get values of the same kind past a bound:
/// the file keeps its shape, so it usually still loads and the values reach the engine.
pub fn yaml_alike(rng: &mut Rng, data: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(data).ok()?;
    let mut value = parse_yaml(text)?;
    let mut all = Vec::new();
    paths(&value, &mut Vec::new(), &mut all);
    let leaves: Vec<Vec<Step>> = all
        .into_iter()
        .filter(|path| {
            matches!(
                get(&value, path),
                Some(Value::Integer(_) | Value::Real(_) | Value::String(_) | Value::Boolean(_))
            )
        })
        .collect();
    if leaves.is_empty() {
        return None;
    }
    for _ in 0..rng.between(1, 3) {
        let path = rng.pick(&leaves);
        if let Some(node) = get_mut(&mut value, path) {
            *node = alike(rng, node);
        }
    }
    emit_yaml(&value).map(String::into_bytes)
}

/// A YAML input, parsed, mutated and written back; `None` if it does not parse.
pub fn yaml(rng: &mut Rng, data: &[u8], dictionary: &Dictionary) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(data).ok()?;
    let mut value = parse_yaml(text)?;
    tree(rng, &mut value, dictionary);
    emit_yaml(&value).map(String::into_bytes)
}

/// A JSON value mutated as a tree and written back as JSON (one line).
pub fn json_value(
    rng: &mut Rng,
    value: &serde_json::Value,
    dictionary: &Dictionary,
) -> Option<String> {
    let mut tree_value = from_json(value);
    tree(rng, &mut tree_value, dictionary);
    let mut text = serde_json::to_string(&to_json(&tree_value)).ok()?;
    if rng.one_in(6) {
        // a key twice in one object
        if let Some(colon) = text.find("\":") {
            if let Some(open) = text.find('{') {
                if open < colon {
                    let key_value_end = text[colon..]
                        .find([',', '}'])
                        .map_or(text.len(), |i| colon + i);
                    let pair = text[open + 1..key_value_end].to_owned();
                    let value = mutate::short_token(rng);
                    let duplicate = match rng.below(2) {
                        0 => format!("{pair},"),
                        _ => format!(
                            "{}:{},",
                            &pair[..pair.find("\":").map_or(0, |i| i + 1)],
                            serde_json::Value::String(value)
                        ),
                    };
                    text.insert_str(open + 1, &duplicate);
                }
            }
        }
    }
    Some(text)
}

/// JSON Lines: a line's value mutated as a tree, or lines repeated, dropped, blanked or
/// repeated with one field changed (the same id with other content).
pub fn jsonl(rng: &mut Rng, data: &[u8], dictionary: &Dictionary) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(data).ok()?;
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        lines.push("{}".into());
    }
    for _ in 0..rng.between(1, 3) {
        let at = rng.below(lines.len());
        match rng.below(8) {
            0 => {
                let copy = lines[at].clone();
                lines.insert(rng.below(lines.len() + 1), copy);
            }
            1 if lines.len() > 1 => {
                lines.remove(at);
            }
            2 => lines.insert(at, String::new()),
            3 => {
                let other = rng.below(lines.len());
                lines.swap(at, other);
            }
            _ => {
                let Ok(value) = serde_json::from_str::<serde_json::Value>(&lines[at]) else {
                    continue;
                };
                if let Some(changed) = json_value(rng, &value, dictionary) {
                    if rng.one_in(4) {
                        // keep the original too: the same id, other content
                        lines.insert(at + 1, changed);
                    } else {
                        lines[at] = changed;
                    }
                }
            }
        }
    }
    let newline = if rng.one_in(8) { "\r\n" } else { "\n" };
    let mut out = lines.join(newline);
    if !rng.one_in(5) {
        out.push_str(newline);
    }
    Some(out.into_bytes())
}

/// Columns a CSV mutation may add or rename to: bashgah's own (from the engine, so a new
/// column is fuzzed without editing this list) and others exports carry.
pub static CSV_WORDS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut words: Vec<&'static str> = bashgah::event::EVENT_COLUMNS.to_vec();
    words.extend(bashgah::event::MEMBER_COLUMNS);
    words.extend(OTHER_CSV_WORDS);
    words.dedup();
    words
});

const OTHER_CSV_WORDS: &[&str] = &[
    "&str] = &[",
    "tax",
    "deal",
    "reward",
    "language",
    "name",
    "phone",
    "consent_sms",
    "consent_email",
    "consent_",
    "referrer",
    "ID",
    "Amount",
    "\u{feff}id",
    "",
];

/// CSV: cells replaced, columns dropped, repeated or renamed, rows dropped, repeated or
/// repeated with one cell changed, ragged rows, quotes and newlines inside cells.
pub fn csv(rng: &mut Rng, data: &[u8]) -> Option<Vec<u8>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for record in reader.records() {
        rows.push(record.ok()?.iter().map(str::to_owned).collect());
    }
    if rows.is_empty() {
        return None;
    }
    for _ in 0..rng.between(1, 4) {
        let row = rng.below(rows.len());
        let width = rows[row].len().max(1);
        let column = rng.below(width);
        match rng.below(13) {
            0..=3 => {
                // a cell
                if let Some(cell) = rows[row].get_mut(column) {
                    *cell = match rng.below(4) {
                        0 => String::new(),
                        1 => {
                            let mut bytes = cell.clone().into_bytes();
                            mutate::bytes(rng, &mut bytes, &[]);
                            String::from_utf8_lossy(&bytes).into_owned()
                        }
                        2 => format!("{cell}{}", mutate::short_token(rng)),
                        _ => mutate::short_token(rng),
                    };
                }
            }
            4 => {
                for cells in &mut rows {
                    if column < cells.len() {
                        cells.remove(column);
                    }
                }
            }
            5 => {
                for cells in &mut rows {
                    if let Some(cell) = cells.get(column).cloned() {
                        cells.push(cell);
                    }
                }
            }
            6 => {
                if let Some(header) = rows[0].get_mut(column) {
                    *header = (*rng.pick(&CSV_WORDS)).to_owned();
                }
            }
            7 => {
                // two headers swapped, the cells staying where they are
                let headers = &mut rows[0];
                if headers.len() > 1 {
                    let one = rng.below(headers.len());
                    let other = rng.below(headers.len());
                    headers.swap(one, other);
                }
            }
            8 if rows.len() > 1 => {
                rows.remove(row);
            }
            9 => {
                let copy = rows[row].clone();
                rows.insert(rng.below(rows.len() + 1), copy);
            }
            10 => {
                // the same row again with one cell changed: a conflict, or a new event
                let mut copy = rows[row].clone();
                if let Some(cell) = copy.get_mut(column) {
                    *cell = mutate::short_token(rng);
                }
                rows.insert(row + 1, copy);
            }
            11 => {
                if rng.one_in(2) {
                    rows[row].push(mutate::short_token(rng));
                } else {
                    rows[row].pop();
                }
            }
            _ => {
                if let Some(cell) = rows[row].get_mut(column) {
                    let boundaries: Vec<usize> = cell
                        .char_indices()
                        .map(|(i, _)| i)
                        .chain([cell.len()])
                        .collect();
                    let at = *rng.pick(&boundaries);
                    const BREAKS: [&str; 6] = ["\"", "\n", "\r\n", ",", "\"\"", "\0"];
                    let piece = *rng.pick(&BREAKS);
                    cell.insert_str(at, piece);
                }
            }
        }
    }
    let mut writer = ::csv::WriterBuilder::new()
        .flexible(true)
        .terminator(if rng.one_in(6) {
            ::csv::Terminator::CRLF
        } else {
            ::csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    for cells in &rows {
        writer.write_record(cells).ok()?;
    }
    writer.into_inner().ok()
}

/// What the structured YAML mutations stand on: every shipped `club.yaml` reads back as
/// the same tree once written, and a tagged node is written as YAML with its tag.
#[test]
fn yaml_round_trip() {
    let clubs = crate::fuzz::files::clubs();
    assert!(!clubs.is_empty());
    for (context, dir) in clubs {
        let text = std::fs::read_to_string(dir.join("club.yaml")).expect("read club.yaml");
        let tree = parse_yaml(&text).unwrap_or_else(|| panic!("{context}: club.yaml parses"));
        let written = emit_yaml(&tree).expect("written");
        assert_eq!(
            parse_yaml(&written),
            Some(tree),
            "{context}: written back\n{written}"
        );
    }
    let mut map = Mapping::new();
    map.insert(
        Value::String("a".into()),
        tagged("!!int", &Value::String("5".into())),
    );
    map.insert(
        Value::String("b".into()),
        tagged("!x", &from_json(&serde_json::json!({"c": [1, "d: e"]}))),
    );
    map.insert(
        Value::String("big".into()),
        Value::Real(u64::MAX.to_string()),
    );
    let written = emit_yaml(&Value::Hash(map)).expect("written");
    assert_eq!(
        written,
        "a: !!int \"5\"\nb: !x {\"c\": [1, \"d: e\"]}\nbig: 18446744073709551615\n"
    );
    assert!(parse_yaml(&written).is_some(), "{written}");
    assert!(parse_yaml(&"[".repeat(100_000)).is_none());
    assert!(parse_yaml(&crate::fuzz::mutate::alias_bomb(12)).is_none());
}
