//! JSON read the way rows need it: every number as the client wrote it, every key once.
//!
//! serde_json's `Value` keeps a number as an `f64` (issue 12: `123456789.123456789` was
//! recorded as `123456789.12345679`, and a large integer was quoted back as
//! `1.2345678901234568e22`) and keeps the last of two equal keys (`{"amount": "1",
//! "amount": "990000000"}` was a purchase of 990,000,000). Its `arbitrary_precision`
//! feature would keep numbers, but it changes how every user of serde_json in the build
//! reads them (untagged enums and flattened structs stop reading numbers at all). A
//! `RawValue` is local: the text of each value is taken as written and read here into a
//! [`Field`], and an object whose key was already seen is refused, naming the key.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// A value a row holds. A CSV cell is always [`Field::Text`]; a JSON value keeps its
/// shape, and a number its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Null,
    Bool(bool),
    /// A JSON number, exactly as written (`1e3`, `12.50`).
    Number(String),
    /// A string, or a CSV cell.
    Text(String),
    List(Vec<Field>),
    Object(BTreeMap<String, Field>),
}

impl Field {
    /// What kind of JSON value this is, for messages: "a JSON object"...
    pub fn kind(&self) -> String {
        match self {
            Field::Null => crate::tr!("rows-kind-null"),
            Field::Bool(_) => crate::tr!("rows-kind-bool"),
            Field::Number(_) => crate::tr!("rows-kind-number"),
            Field::Text(_) => crate::tr!("rows-kind-text"),
            Field::List(_) => crate::tr!("rows-kind-list"),
            Field::Object(_) => crate::tr!("rows-kind-object"),
        }
    }

    /// The value as an attribute's text: text trimmed, a number as written, a list or
    /// object as compact JSON, null as nothing.
    pub fn plain_text(&self) -> String {
        match self {
            Field::Null => String::new(),
            Field::Text(text) => text.trim().to_owned(),
            other => other.to_json(),
        }
    }

    /// The value written as compact JSON (keys in order).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Field::Null => out.push_str("null"),
            Field::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Field::Number(text) => out.push_str(text),
            Field::Text(text) => out.push_str(&quoted(text)),
            Field::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Field::Object(map) => {
                out.push('{');
                for (i, (key, value)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quoted(key));
                    out.push(':');
                    value.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// A value read by serde into a `serde_json::Value` (a policy test's event, from
    /// YAML): its numbers as serde_json writes them.
    pub fn from_value(value: &serde_json::Value) -> Field {
        use serde_json::Value;
        match value {
            Value::Null => Field::Null,
            Value::Bool(value) => Field::Bool(*value),
            Value::Number(number) => Field::Number(number.to_string()),
            Value::String(text) => Field::Text(text.clone()),
            Value::Array(items) => Field::List(items.iter().map(Field::from_value).collect()),
            Value::Object(map) => Field::Object(
                map.iter()
                    .map(|(key, value)| (key.clone(), Field::from_value(value)))
                    .collect(),
            ),
        }
    }

    /// The value as a serde_json `Value`, for bodies read into fixed types (whose fields
    /// are text): a number becomes serde_json's number.
    pub fn into_value(self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Field::Null => Value::Null,
            Field::Bool(value) => Value::Bool(value),
            Field::Number(text) => text
                .parse::<serde_json::Number>()
                .map_or(Value::String(text), Value::Number),
            Field::Text(text) => Value::String(text),
            Field::List(items) => Value::Array(items.into_iter().map(Field::into_value).collect()),
            Field::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(key, value)| (key, value.into_value()))
                    .collect(),
            ),
        }
    }
}

fn quoted(text: &str) -> String {
    // Writing a string cannot fail.
    serde_json::to_string(text).unwrap_or_default()
}

/// Why a text is not JSON a row can come from.
#[derive(Debug)]
pub enum JsonError {
    /// Not JSON, with serde_json's message and position.
    Syntax(serde_json::Error),
    /// Lists and objects nested more than [`MAX_DEPTH`] levels.
    TooDeep,
    /// A key given twice in one object; `within` is where that object is, from the
    /// value that holds it outwards.
    Duplicate { key: String, within: Vec<Step> },
}

/// A step from a value into one it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    /// 0-based; shown 1-based.
    Index(usize),
}

impl JsonError {
    /// The key of the outermost object this is about: for a row, its column.
    pub fn column(&self) -> Option<&str> {
        match self {
            JsonError::Syntax(_) | JsonError::TooDeep => None,
            JsonError::Duplicate { key, within } => match within.last() {
                Some(Step::Key(outer)) => Some(outer),
                Some(Step::Index(_)) => None,
                None => Some(key),
            },
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // serde_json's own words, in English, and its `line L column C`.
            JsonError::Syntax(error) => {
                f.write_str(&crate::tr!("rows-json-invalid", reason = error.to_string()))
            }
            JsonError::TooDeep => f.write_str(&crate::tr!(
                "rows-json-too-deep",
                depth = crate::locale::numerals(&MAX_DEPTH.to_string())
            )),
            JsonError::Duplicate { key, within } => {
                let key = key.as_str();
                if within.is_empty() {
                    return f.write_str(&crate::tr!("rows-json-key-twice", key = key));
                }
                let place = within
                    .iter()
                    .map(|step| match step {
                        Step::Key(key) => format!("`{key}`"),
                        Step::Index(index) => crate::tr!(
                            "rows-json-element",
                            number = crate::locale::numerals(&(index + 1).to_string())
                        ),
                    })
                    .collect::<Vec<_>>()
                    .join(&crate::tr!("rows-json-of"));
                f.write_str(&crate::tr!(
                    "rows-json-key-twice-in",
                    key = key,
                    place = place
                ))
            }
        }
    }
}

/// How deep lists and objects may nest: serde_json's own limit when it reads into types.
pub const MAX_DEPTH: usize = 128;

/// Reads one JSON text into a [`Field`].
pub fn read(text: &str) -> Result<Field, JsonError> {
    read_slice(text.as_bytes())
}

/// Reads one JSON document from bytes (an HTTP body) into a [`Field`].
pub fn read_slice(bytes: &[u8]) -> Result<Field, JsonError> {
    // serde_json takes a raw value whole however deep it nests, and reading it here
    // recurses once per level: a line of a million `[` would overflow the stack and abort
    // the process. Counted first, on the bytes, before anything recurses.
    if nesting(bytes) > MAX_DEPTH {
        return Err(JsonError::TooDeep);
    }
    let raw: &RawValue = serde_json::from_slice(bytes).map_err(JsonError::Syntax)?;
    field(raw)
}

/// The deepest nesting of lists and objects in `bytes`, outside strings. (On text that is
/// not JSON the count means little, but then serde_json refuses it anyway.)
fn nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for &byte in bytes {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The value `raw` holds. Its text is valid JSON (serde_json read it whole first), so
/// reading its parts again cannot fail but for a key given twice.
fn field(raw: &RawValue) -> Result<Field, JsonError> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'{') => {
            let Pairs(pairs) = serde_json::from_str(text).map_err(JsonError::Syntax)?;
            let mut object = BTreeMap::new();
            for (key, value) in pairs {
                if object.contains_key(&key) {
                    return Err(JsonError::Duplicate {
                        key,
                        within: Vec::new(),
                    });
                }
                let value = field(value).map_err(|error| error.within(Step::Key(key.clone())))?;
                object.insert(key, value);
            }
            Ok(Field::Object(object))
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text).map_err(JsonError::Syntax)?;
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| field(item).map_err(|error| error.within(Step::Index(i))))
                .collect::<Result<_, _>>()
                .map(Field::List)
        }
        Some(b'"') => serde_json::from_str(text)
            .map(Field::Text)
            .map_err(JsonError::Syntax),
        Some(b't') => Ok(Field::Bool(true)),
        Some(b'f') => Ok(Field::Bool(false)),
        Some(b'n') => Ok(Field::Null),
        _ => Ok(Field::Number(text.to_owned())),
    }
}

impl JsonError {
    /// This error, seen from the value that holds the one it is about.
    fn within(self, step: Step) -> JsonError {
        match self {
            JsonError::Duplicate { key, mut within } => {
                within.push(step);
                JsonError::Duplicate { key, within }
            }
            other => other,
        }
    }
}

/// An object's entries in the order written, duplicates and all, each value's text
/// borrowed from the input.
struct Pairs<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Pairs<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Entries<'a> {
            type Value = Pairs<'a>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs<'a>, A::Error> {
                let mut pairs = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, &'de RawValue>()? {
                    pairs.push((key, value));
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_text_and_shapes_are_kept() {
        let read = read(r#" {"amount": 123456789.123456789, "big": 12345678901234567890123, "e": 1e3, "items": [{"qty": 2}], "s": "t\u00e9", "n": null, "b": false} "#).unwrap();
        let Field::Object(map) = &read else {
            panic!("an object")
        };
        assert_eq!(map["amount"], Field::Number("123456789.123456789".into()));
        assert_eq!(map["big"], Field::Number("12345678901234567890123".into()));
        assert_eq!(map["e"], Field::Number("1e3".into()));
        assert_eq!(map["s"], Field::Text("té".into()));
        assert_eq!(map["n"], Field::Null);
        assert_eq!(map["b"], Field::Bool(false));
        assert_eq!(map["items"].to_json(), r#"[{"qty":2}]"#);
        assert_eq!(
            read.to_json(),
            r#"{"amount":123456789.123456789,"b":false,"big":12345678901234567890123,"e":1e3,"items":[{"qty":2}],"n":null,"s":"té"}"#
        );
    }

    #[test]
    fn a_key_given_twice_is_refused_wherever_it_is() {
        let error = read(r#"{"amount":"1","amount":"990000000"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the key `amount` is given twice; each key may appear once (JSON readers would keep only one)"
        );
        assert_eq!(error.column(), Some("amount"));
        let error = read(r#"{"items":[{"sku":"a"},{"price":"1","price":"2"}]}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the key `price` is given twice in element 2 of `items`; each key may appear once (JSON readers would keep only one)"
        );
        assert_eq!(error.column(), Some("items"));
        // Equal keys in different objects are not the same key.
        assert!(read(r#"{"a":{"x":1},"b":{"x":1}}"#).is_ok());
        assert!(matches!(read("{\"a\":1,}"), Err(JsonError::Syntax(_))));
    }

    #[test]
    fn json_nested_deeper_than_serde_json_reads_is_refused_not_a_crash() {
        // A raw value is taken whole however deep it is, so the reading here counts
        // levels itself, and stays within the stack a server's request gets (2 MiB).
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(126), "]".repeat(126));
        let too_deep = format!("{{\"a\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        let read = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                (
                    read(&deep).is_ok(),
                    read(&too_deep).map_err(|e| e.to_string()),
                )
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(
            read,
            (
                true,
                Err("invalid JSON: nested more than 128 levels deep".to_owned())
            )
        );
        // Brackets in strings, escaped quotes and all, are not nesting.
        let text = format!(r#"{{"a": "\"{}", "b": [[1]]}}"#, "[".repeat(500));
        assert!(super::read(&text).is_ok());
    }
}
