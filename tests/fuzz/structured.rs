//! Structured mutations: the input is parsed (YAML and JSON to a value tree, CSV to cells),
//! changed the way a person or a buggy exporter would change it — a value of another type,
//! a key renamed, dropped or repeated, a subtree from another file, nesting, a column
//! lost — and written back. Inputs that do not parse are left to the byte-level mutator.

use serde_yaml::{Mapping, Value};

use crate::mutate;
use crate::rng::Rng;

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
            Value::Mapping(map) => {
                for (key, value) in map {
                    self.keys.push(key.clone());
                    self.gather(value);
                }
            }
            Value::Sequence(items) => items.iter().for_each(|v| self.gather(v)),
            Value::Tagged(tagged) => self.gather(&tagged.value),
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
        Value::Mapping(map) => {
            for (key, child) in map {
                prefix.push(Step::Key(key.clone()));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Sequence(items) => {
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
        (Value::Mapping(map), Step::Key(key)) => map.get(key)?,
        (Value::Sequence(items), Step::Index(i)) => items.get(*i)?,
        _ => return None,
    };
    get(child, rest)
}

fn get_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(value);
    };
    let child = match (value, first) {
        (Value::Mapping(map), Step::Key(key)) => map.get_mut(key)?,
        (Value::Sequence(items), Step::Index(i)) => items.get_mut(*i)?,
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
    match serde_yaml::from_str::<Value>(&token) {
        Ok(value @ (Value::Number(_) | Value::Bool(_) | Value::Null | Value::String(_))) => value,
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
            (Value::Mapping(map), Step::Key(key), 3) => {
                map.remove(key);
            }
            (Value::Sequence(items), Step::Index(i), 3) => {
                items.remove(*i);
            }
            (Value::Sequence(items), Step::Index(i), 4) => {
                let copy = items[*i].clone();
                let to = rng.below(items.len() + 1);
                items.insert(to, copy);
            }
            (Value::Mapping(map), Step::Key(key), 4) => {
                // the same value under another key
                if let Some(copy) = map.get(key).cloned() {
                    map.insert(new_key(rng, dictionary), copy);
                }
            }
            (Value::Mapping(map), Step::Key(key), _) => {
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
            (Value::Sequence(items), Step::Index(i), _) => {
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
            let old = std::mem::take(node);
            *node = match (old, rng.below(6)) {
                (Value::Mapping(map), 0) => {
                    Value::Sequence(map.into_iter().map(|(_, v)| v).collect())
                }
                (Value::Sequence(items), 0) => Value::Mapping(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (Value::from(i as u64), v))
                        .collect(),
                ),
                (Value::String(text), 1) => match text.trim().parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => Value::Sequence(vec![Value::String(text)]),
                },
                (Value::Number(n), 1) => Value::String(n.to_string()),
                (old, 2) => Value::Sequence(vec![old]),
                (old, 3) => {
                    let mut map = Mapping::new();
                    map.insert(new_key(rng, dictionary), old);
                    Value::Mapping(map)
                }
                (_, 4) => Value::Null,
                (old, _) => Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
                    tag: serde_yaml::value::Tag::new(*rng.pick(&["x", "!str", "binary", "int"])),
                    value: old,
                })),
            };
        }
        6 => {
            if let Value::Mapping(map) = node {
                map.insert(new_key(rng, dictionary), some_value(rng, dictionary));
            } else if let Value::Sequence(items) = node {
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
                // past the parsers' limits (128 in serde_json and serde_yaml); deeper
                // input comes from the byte-level tokens
                _ => rng.between(100, 300),
            };
            let mut value = std::mem::take(node);
            for _ in 0..depth {
                value = if rng.one_in(2) {
                    Value::Sequence(vec![value])
                } else {
                    let mut map = Mapping::new();
                    map.insert(Value::String("a".into()), value);
                    Value::Mapping(map)
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
            if let Value::Number(n) = node {
                let base = n.as_f64().unwrap_or(0.0);
                *node = match rng.below(6) {
                    0 => Value::from(n.as_i64().unwrap_or(0).wrapping_add(1)),
                    1 => Value::from(n.as_i64().unwrap_or(0).wrapping_sub(1)),
                    2 => Value::from(-base),
                    3 => Value::from(base * 10f64.powi(rng.between(1, 30) as i32)),
                    4 => Value::from(base / 1000.0 + 0.0001),
                    _ => Value::from(u64::MAX),
                };
            } else {
                *node = scalar(rng);
            }
        }
        10 => {
            // many repeats: a long list or many keys
            let copy = std::mem::take(node);
            let count = rng.between(2, 2_000);
            *node = Value::Sequence(vec![copy; count]);
        }
        11 => {
            let unit = *rng.pick(&["x", "۹", "\\", "'\"", " "]);
            *node = Value::String(unit.repeat(rng.between(100, 50_000)));
        }
        12 => {
            if let Value::Mapping(map) = node {
                map.clear();
            } else if let Value::Sequence(items) = node {
                items.clear();
            } else {
                *node = Value::String(String::new());
            }
        }
        _ => *node = Value::Null,
    }
}

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
        Value::Number(_) => {
            let text = *rng.pick(NUMBERS);
            serde_yaml::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
        }
        Value::String(text) => match shape(text) {
            Some(kind) => {
                let text = *rng.pick(kind);
                if kind == NUMBERS && rng.one_in(2) {
                    serde_yaml::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
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
        Value::Bool(b) => Value::Bool(!b),
        other => other.clone(),
    }
}

/// A YAML input whose scalars (one to three) get values of the same kind past a bound:
/// the file keeps its shape, so it usually still loads and the values reach the engine.
pub fn yaml_alike(rng: &mut Rng, data: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(data).ok()?;
    let mut value: Value = serde_yaml::from_str(text).ok()?;
    let mut all = Vec::new();
    paths(&value, &mut Vec::new(), &mut all);
    let leaves: Vec<Vec<Step>> = all
        .into_iter()
        .filter(|path| {
            matches!(
                get(&value, path),
                Some(Value::Number(_) | Value::String(_) | Value::Bool(_))
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
    serde_yaml::to_string(&value).ok().map(String::into_bytes)
}

/// A YAML input, parsed, mutated and written back; `None` if it does not parse.
pub fn yaml(rng: &mut Rng, data: &[u8], dictionary: &Dictionary) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(data).ok()?;
    let mut value: Value = serde_yaml::from_str(text).ok()?;
    tree(rng, &mut value, dictionary);
    let out = serde_yaml::to_string(&value).ok()?;
    Some(out.into_bytes())
}

/// A JSON value mutated as a tree and written back as JSON (one line).
pub fn json_value(
    rng: &mut Rng,
    value: &serde_json::Value,
    dictionary: &Dictionary,
) -> Option<String> {
    let mut tree_value = serde_yaml::to_value(value).ok()?;
    tree(rng, &mut tree_value, dictionary);
    let mut text = match serde_json::to_string(&tree_value) {
        Ok(text) => text,
        Err(_) => serde_json::to_string(&stringify_keys(tree_value)).ok()?,
    };
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

fn stringify_keys(value: Value) -> Value {
    match value {
        Value::Mapping(map) => Value::Mapping(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::String(s) => s,
                        other => serde_yaml::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    };
                    (Value::String(key), stringify_keys(v))
                })
                .collect(),
        ),
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(stringify_keys).collect()),
        Value::Tagged(tagged) => stringify_keys(tagged.value),
        other => other,
    }
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

/// Columns a CSV mutation may add or rename to.
pub const CSV_WORDS: &[&str] = &[
    "id",
    "member",
    "date",
    "amount",
    "type",
    "original",
    "currency",
    "channel",
    "store",
    "credit_used",
    "items",
    "attributes",
    "tax",
    "deal",
    "reward",
    "birthday",
    "joined",
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
                    *header = (*rng.pick(CSV_WORDS)).to_owned();
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
