//! A serde `Deserializer` over the positioned tree, so that serde's typing reads the very
//! nodes the other checks walked, and every error it raises carries the position of the
//! node being read (no positions guessed from message text).
//!
//! Scalars follow the YAML 1.2 core schema when a type asks for "anything"
//! (`deserialize_any`: `serde_json::Value`, untagged enums, flattened structs): a plain
//! `null`/`~`/nothing is unit, `true`/`false` a boolean, digits an integer, and every other
//! scalar — `1.5` included — is given to the visitor as text. Nothing goes through `f64`
//! unless a type asks for `f64` itself: amounts are `Decimal`s read from the text as
//! written. A type that asks for a string gets the text of any scalar, so `name: 2024`
//! reads as `"2024"` here; the JSON Schema check before the typed read is what says that an
//! editor would see a number there.

use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

use super::quoted;
use super::tree::{Node, NodeValue, Resolved};

/// An error from reading a node into a type: the message and where the node is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    /// Line, column and width of the node being read when the error arose.
    pub position: Option<(usize, usize, usize)>,
    /// A key a mapping lacks (`missing_field`), so that a loader can tell it apart from
    /// a key it already suggested for a misspelt one.
    pub missing: Option<&'static str>,
    /// Raised by a type's own parser (`Error::custom`: a span, a tier window), as opposed
    /// to a mismatch of shapes that the schema check usually reports first.
    pub custom: bool,
}

impl Error {
    fn new(message: String) -> Error {
        Error {
            message,
            position: None,
            missing: None,
            custom: false,
        }
    }

    /// Places the error at `node`, unless a node inside it already placed it. A custom
    /// error is prefixed with `path`, the mapping it was read from (`points.expiry: ...`),
    /// which names the setting in words where the position alone would not.
    fn at(mut self, node: &Node, path: &[Segment]) -> Error {
        if self.position.is_none() {
            self.position = Some((node.line, node.column, node.width()));
            if self.custom && !path.is_empty() {
                self.message = format!("{}: {}", render(path), self.message);
            }
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column, _)) => f.write_str(&crate::tr!(
                "yaml-at-line",
                message = &self.message,
                line = crate::locale::numerals(&line.to_string()),
                column = crate::locale::numerals(&column.to_string())
            )),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Error {
        Error {
            custom: true,
            ..Error::new(message.to_string())
        }
    }

    fn invalid_type(found: de::Unexpected, expected: &dyn de::Expected) -> Error {
        Error::new(crate::tr!(
            "yaml-expected-found",
            expected = plain_expected(expected),
            found = unexpected(found)
        ))
    }

    fn invalid_value(found: de::Unexpected, expected: &dyn de::Expected) -> Error {
        Error::new(crate::tr!(
            "yaml-is-not",
            found = unexpected(found),
            expected = plain_expected(expected)
        ))
    }

    fn invalid_length(length: usize, expected: &dyn de::Expected) -> Error {
        Error::new(crate::tr!(
            "yaml-values-expected",
            values = crate::locale::numerals(&length.to_string()),
            expected = expected.to_string()
        ))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Error {
        Error::new(crate::tr!(
            "yaml-not-one-of",
            found = format!("`{variant}`"),
            choices = quoted(expected)
        ))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Error {
        Error::new(crate::tr!(
            "yaml-unknown-key-known",
            key = field,
            keys = quoted(expected)
        ))
    }

    fn missing_field(field: &'static str) -> Error {
        Error {
            missing: Some(field),
            ..Error::new(crate::tr!("yaml-missing-key", key = field))
        }
    }

    fn duplicate_field(field: &'static str) -> Error {
        Error::new(crate::tr!("yaml-duplicate-key", key = field))
    }
}

/// serde's words for what it found, in ours.
fn unexpected(found: de::Unexpected) -> String {
    match found {
        de::Unexpected::Unit => crate::tr!("yaml-nothing"),
        de::Unexpected::Str(text) => crate::tr!("yaml-the-text", text = text),
        de::Unexpected::Signed(n) => the_number(n),
        de::Unexpected::Unsigned(n) => the_number(n),
        de::Unexpected::Float(n) => the_number(n),
        de::Unexpected::Bool(b) => format!("`{b}`"),
        de::Unexpected::Seq => crate::tr!("yaml-a-list"),
        de::Unexpected::Map => crate::tr!("yaml-a-mapping"),
        other => other.to_string(),
    }
}

/// `the number 7`, in the language's digits.
fn the_number(n: impl fmt::Display) -> String {
    crate::tr!(
        "yaml-the-number",
        number = crate::locale::numerals(&n.to_string())
    )
}

/// serde's names for what a type wants (`u32`, `a sequence`, `struct Tier`), in words a
/// shop owner reads.
fn plain_expected(expected: &dyn de::Expected) -> String {
    let text = expected.to_string();
    let whole = |largest: &str| {
        crate::tr!(
            "yaml-whole-number-up-to",
            largest = crate::locale::numerals(largest)
        )
    };
    match text.as_str() {
        "u8" => whole("255"),
        "u16" => whole("65535"),
        "u32" => whole("4294967295"),
        "u64" | "usize" => whole("18446744073709551615"),
        "i8" | "i16" | "i32" | "i64" | "isize" => crate::tr!("yaml-a-whole-number"),
        "a string" | "a borrowed string" | "a character" => crate::tr!("yaml-text"),
        "a boolean" => crate::tr!("yaml-true-or-false"),
        "a sequence" => crate::tr!("yaml-a-list"),
        "a map" => crate::tr!("yaml-a-mapping"),
        _ if text.starts_with("struct ") => crate::tr!("yaml-a-mapping"),
        _ if text.contains("Decimal") => crate::tr!("yaml-a-number"),
        _ => text,
    }
}

/// One step of the path to the node being read, for messages.
#[derive(Debug, Clone, Copy)]
enum Segment<'de> {
    Key(&'de str),
    Index(usize),
}

fn render(path: &[Segment]) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Segment::Index(i) => text.push_str(&format!("[{i}]")),
        }
    }
    text
}

/// Reads `T` from `node`; the error, if any, is placed at the node it concerns.
pub fn from_node<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, Error> {
    T::deserialize(Deserializer::new(node)).map_err(|e| e.at(node, &[]))
}

/// The deserializer of one node.
pub struct Deserializer<'de> {
    node: &'de Node,
    /// The keys and indices leading to `node`.
    path: Vec<Segment<'de>>,
}

impl<'de> Deserializer<'de> {
    pub fn new(node: &'de Node) -> Self {
        Deserializer {
            node,
            path: Vec::new(),
        }
    }

    fn child(&self, node: &'de Node, segment: Segment<'de>) -> Deserializer<'de> {
        let mut path = self.path.clone();
        path.push(segment);
        Deserializer { node, path }
    }

    fn invalid<T>(&self, expected: &dyn de::Expected) -> Result<T, Error> {
        let found = match &self.node.value {
            NodeValue::Sequence(_) => de::Unexpected::Seq,
            NodeValue::Mapping(_) => de::Unexpected::Map,
            NodeValue::Scalar(text) => match self.node.resolve() {
                Some(Resolved::Null) => de::Unexpected::Unit,
                Some(Resolved::Bool(b)) => de::Unexpected::Bool(b),
                Some(Resolved::Int(n)) => de::Unexpected::Signed(n),
                Some(Resolved::UInt(n)) => de::Unexpected::Unsigned(n),
                _ => de::Unexpected::Str(text),
            },
        };
        Err(de::Error::invalid_type(found, expected))
    }

    fn visit_seq<V: Visitor<'de>>(
        &self,
        items: &'de [Node],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut access = SeqAccess {
            parent: self,
            items: items.iter().enumerate(),
        };
        let value = visitor.visit_seq(&mut access)?;
        match access.items.next() {
            None => Ok(value),
            // A tuple or array that took fewer items than were written.
            Some(_) => Err(de::Error::invalid_length(
                items.len(),
                &crate::tr!("yaml-fewer-values").as_str(),
            )),
        }
    }

    fn visit_map<V: Visitor<'de>>(
        &self,
        entries: &'de [(Node, Node)],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_map(MapAccess {
            parent: self,
            entries: entries.iter(),
            value: None,
        })
    }
}

impl<'de> de::Deserializer<'de> for Deserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.node;
        match &node.value {
            NodeValue::Sequence(items) => self.visit_seq(items, visitor),
            NodeValue::Mapping(entries) => self.visit_map(entries, visitor),
            NodeValue::Scalar(text) => match node.resolve() {
                Some(Resolved::Null) => visitor.visit_unit(),
                Some(Resolved::Bool(b)) => visitor.visit_bool(b),
                Some(Resolved::Int(n)) => visitor.visit_i64(n),
                Some(Resolved::UInt(n)) => visitor.visit_u64(n),
                // Fractions and huge numbers stay text: see the module's doc.
                _ => visitor.visit_borrowed_str(text),
            },
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.resolve() {
            Some(Resolved::Bool(b)) => visitor.visit_bool(b),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }

    /// Every integer type: the visitor checks the range (`u32` refuses `-1`).
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.resolve() {
            Some(Resolved::Int(n)) => visitor.visit_i64(n),
            Some(Resolved::UInt(n)) => visitor.visit_u64(n),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    /// Only for a type that asks for binary floating point itself; bashgah has none.
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.resolve() {
            Some(Resolved::Int(n)) => visitor.visit_i64(n),
            Some(Resolved::UInt(n)) => visitor.visit_u64(n),
            Some(Resolved::Number(text)) => {
                let unsigned = text.trim_start_matches(['-', '+']);
                let value = match unsigned {
                    ".inf" | ".Inf" | ".INF" => f64::INFINITY,
                    ".nan" | ".NaN" | ".NAN" => f64::NAN,
                    _ => match unsigned.parse::<f64>() {
                        Ok(value) => value,
                        Err(_) => return self.invalid(&visitor),
                    },
                };
                visitor.visit_f64(if text.starts_with('-') { -value } else { value })
            }
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    /// The text of any scalar but a null one: a number or `true` where text is wanted is
    /// read as written (the schema check says whether an editor would object).
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match (&self.node.value, self.node.is_null()) {
            (NodeValue::Scalar(text), false) => visitor.visit_borrowed_str(text),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            visitor.visit_unit()
        } else {
            self.invalid(&visitor)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// A list; nothing at all written (`tiers:`) is an empty one, as serde_yaml read it
    /// (a strict file's schema check refuses it first).
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            NodeValue::Sequence(items) => self.visit_seq(items, visitor),
            _ if self.node.is_empty_value() => self.visit_seq(&[], visitor),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    /// A mapping; nothing at all written (`given:`) is an empty one, as for lists.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            NodeValue::Mapping(entries) => self.visit_map(entries, visitor),
            _ if self.node.is_empty_value() => self.visit_map(&[], visitor),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    /// Externally tagged: a unit variant is a scalar (`kind: gift`), any other variant a
    /// mapping of one key, the variant's name, to its content (`{limit: 5}`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.node.value {
            NodeValue::Scalar(text) if !self.node.is_null() => visitor.visit_enum(EnumAccess {
                parent: &self,
                variant: self.node,
                name: text,
                content: None,
            }),
            NodeValue::Mapping(entries) if entries.len() == 1 => {
                let (key, value) = &entries[0];
                let name = key.scalar().unwrap_or_default();
                visitor.visit_enum(EnumAccess {
                    parent: &self,
                    variant: key,
                    name,
                    content: Some(value),
                })
            }
            NodeValue::Mapping(_) => Err(Error::new(crate::tr!("yaml-one-choice"))),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct SeqAccess<'a, 'de> {
    parent: &'a Deserializer<'de>,
    items: std::iter::Enumerate<std::slice::Iter<'de, Node>>,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some((index, item)) = self.items.next() else {
            return Ok(None);
        };
        seed.deserialize(self.parent.child(item, Segment::Index(index)))
            .map(Some)
            .map_err(|e| e.at(item, &self.parent.path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAccess<'a, 'de> {
    parent: &'a Deserializer<'de>,
    entries: std::slice::Iter<'de, (Node, Node)>,
    /// The entry whose key was just read.
    value: Option<&'de (Node, Node)>,
}

impl<'de> de::MapAccess<'de> for MapAccess<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(entry);
        let key = &entry.0;
        seed.deserialize(Deserializer::new(key))
            .map(Some)
            .map_err(|e| e.at(key, &self.parent.path))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.value.take() else {
            return Err(Error::new(crate::tr!("yaml-value-before-key")));
        };
        let name = key.scalar().unwrap_or_default();
        seed.deserialize(self.parent.child(value, Segment::Key(name)))
            .map_err(|e| e.at(value, &self.parent.path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct EnumAccess<'a, 'de> {
    parent: &'a Deserializer<'de>,
    /// The node naming the variant: the scalar, or the single key.
    variant: &'de Node,
    name: &'de str,
    content: Option<&'de Node>,
}

impl<'a, 'de> de::EnumAccess<'de> for EnumAccess<'a, 'de> {
    type Error = Error;
    type Variant = VariantAccess<'a, 'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        let name = de::value::BorrowedStrDeserializer::<Error>::new(self.name);
        let value = seed
            .deserialize(name)
            .map_err(|e| e.at(self.variant, &self.parent.path))?;
        Ok((
            value,
            VariantAccess {
                parent: self.parent,
                variant: self.variant,
                name: self.name,
                content: self.content,
            },
        ))
    }
}

struct VariantAccess<'a, 'de> {
    parent: &'a Deserializer<'de>,
    variant: &'de Node,
    name: &'de str,
    content: Option<&'de Node>,
}

impl<'de> VariantAccess<'_, 'de> {
    fn content(&self, what: &str) -> Result<Deserializer<'de>, Error> {
        match self.content {
            Some(node) => Ok(self.parent.child(node, Segment::Key(self.name))),
            None => Err(Error::new(crate::tr!(
                "yaml-needs-under",
                name = self.name,
                what = what
            ))
            .at(self.variant, &self.parent.path)),
        }
    }
}

impl<'de> de::VariantAccess<'de> for VariantAccess<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.content {
            None => Ok(()),
            Some(node) if node.is_null() => Ok(()),
            Some(node) => Err(Error::new(crate::tr!("yaml-no-settings", name = self.name))
                .at(node, &self.parent.path)),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let content = self.content(&crate::tr!("yaml-a-value"))?;
        let node = content.node;
        seed.deserialize(content)
            .map_err(|e| e.at(node, &self.parent.path))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self.content(&crate::tr!("yaml-a-list"))?, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(self.content(&crate::tr!("yaml-its-settings"))?, visitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::str::FromStr;

    use rust_decimal::Decimal;
    use serde::Deserialize;

    use super::*;
    use crate::yaml::tree::parse;

    fn read<T: de::DeserializeOwned>(source: &str) -> Result<T, Error> {
        let tree = parse(source).expect("parses").root.expect("a document");
        from_node(&tree)
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Tier {
        id: String,
        #[serde(default)]
        multiplier: Option<Decimal>,
        #[serde(default)]
        thresholds: BTreeMap<String, Decimal>,
        #[serde(default)]
        perks: Vec<String>,
        #[serde(default)]
        stock: Option<u32>,
        #[serde(default)]
        enabled: Option<bool>,
    }

    #[test]
    fn decimals_are_read_exactly_from_the_text() {
        let tier: Tier =
            read("id: gold\nmultiplier: 1.1\nthresholds: {individual: 0.3, b: 12345678901234567890.123456789}\n")
                .unwrap();
        assert_eq!(tier.multiplier, Some(Decimal::from_str("1.1").unwrap()));
        assert_eq!(
            tier.thresholds["individual"],
            Decimal::from_str("0.3").unwrap()
        );
        assert_eq!(
            tier.thresholds["b"],
            Decimal::from_str("12345678901234567890.123456789").unwrap()
        );
        // 0.1 + 0.2 is exactly 0.3 here, as it is not in binary floating point.
        let sum: Tier = read("id: x\nthresholds: {a: 0.1, b: 0.2}\n").unwrap();
        assert_eq!(
            sum.thresholds["a"] + sum.thresholds["b"],
            Decimal::from_str("0.3").unwrap()
        );
    }

    #[test]
    fn scalars_take_the_type_asked_for() {
        let tier: Tier =
            read("id: 2024\nperks: [1, true, 'x']\nstock: 7\nenabled: true\n").unwrap();
        assert_eq!(tier.id, "2024");
        assert_eq!(tier.perks, ["1", "true", "x"]);
        assert_eq!((tier.stock, tier.enabled), (Some(7), Some(true)));
        let none: Tier = read("id: x\nmultiplier: ~\nstock:\n").unwrap();
        assert_eq!((none.multiplier, none.stock), (None, None));
    }

    #[test]
    fn any_reads_the_core_schema_and_keeps_fractions_as_text() {
        let value: serde_json::Value =
            read("a: 1\nb: -2\nc: 1.5\nd: true\ne: ~\nf: '7'\ng: [x, {h: 1e3}]\n").unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": 1, "b": -2, "c": "1.5", "d": true, "e": null, "f": "7", "g": ["x", {"h": "1e3"}]})
        );
    }

    #[test]
    fn errors_carry_the_position_of_their_node() {
        let error = read::<Tier>("id: gold\nstock: -3\n").unwrap_err();
        assert_eq!(error.position, Some((2, 8, 2)));
        assert_eq!(
            error.message,
            "the number -3 is not a whole number from 0 to 4294967295"
        );
        let error = read::<Tier>("id: gold\nthresholds:\n  a: 1\n  b: lots\n").unwrap_err();
        assert_eq!(error.position, Some((4, 6, 4)));
        let error = read::<Tier>("multiplier: 2\n").unwrap_err();
        assert_eq!(
            (error.message.as_str(), error.position),
            ("missing key `id`", Some((1, 1, 1)))
        );
        assert_eq!(error.missing, Some("id"));
        let error = read::<Tier>("id: [a]\n").unwrap_err();
        assert_eq!(error.message, "expected text, found a list");
        assert_eq!(error.position, Some((1, 5, 1)));
    }

    #[test]
    fn custom_errors_name_the_mapping_they_were_read_from() {
        /// Parses its text after reading it, as a span or a tier window does.
        #[derive(Debug)]
        struct Days;
        impl<'de> Deserialize<'de> for Days {
            fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Days, D::Error> {
                let text = String::deserialize(d)?;
                Err(de::Error::custom(format!("`{text}` is too long")))
            }
        }
        #[derive(Debug, Deserialize)]
        struct Outer {
            #[allow(dead_code)]
            points: Inner,
        }
        #[derive(Debug, Deserialize)]
        struct Inner {
            #[allow(dead_code)]
            expiry: BTreeMap<String, Option<Days>>,
        }
        let error = read::<Outer>("points:\n  expiry: {after: 99999999d}\n").unwrap_err();
        assert_eq!(error.message, "points.expiry: `99999999d` is too long");
        assert_eq!(error.position, Some((2, 19, 9)));
        assert!(error.custom);
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Choice {
        Plain,
        Limit(u32),
        Window { from: String, to: String },
    }

    #[test]
    fn externally_tagged_enums() {
        assert_eq!(read::<Choice>("plain\n").unwrap(), Choice::Plain);
        assert_eq!(read::<Choice>("limit: 5\n").unwrap(), Choice::Limit(5));
        assert_eq!(
            read::<Choice>("window: {from: a, to: b}\n").unwrap(),
            Choice::Window {
                from: "a".into(),
                to: "b".into()
            }
        );
        let error = read::<Choice>("plian\n").unwrap_err();
        assert_eq!(
            error.message,
            "`plian` is not one of `plain`, `limit`, `window`"
        );
        assert_eq!(error.position, Some((1, 1, 5)));
        assert!(read::<Choice>("limit\n").is_err());
        assert!(read::<Choice>("{limit: 1, plain: 2}\n").is_err());
    }

    #[test]
    fn untagged_flattened_and_newtypes() {
        #[derive(Debug, Deserialize, PartialEq)]
        #[serde(untagged)]
        enum Either {
            Number(i64),
            Text(String),
            List(Vec<Either>),
        }
        #[derive(Debug, Deserialize, PartialEq)]
        struct Wrapper(Decimal);
        #[derive(Debug, Deserialize, PartialEq)]
        struct Flat {
            name: String,
            #[serde(flatten)]
            rest: BTreeMap<String, serde_json::Value>,
            #[serde(default)]
            amount: Option<Wrapper>,
        }
        assert_eq!(
            read::<Vec<Either>>("[1, a, [2]]\n").unwrap(),
            vec![
                Either::Number(1),
                Either::Text("a".into()),
                Either::List(vec![Either::Number(2)])
            ]
        );
        let flat: Flat = read("name: x\nextra: 1\namount: 2.50\n").unwrap();
        assert_eq!(flat.rest["extra"], serde_json::json!(1));
        assert_eq!(
            flat.amount,
            Some(Wrapper(Decimal::from_str("2.50").unwrap()))
        );
    }
}
