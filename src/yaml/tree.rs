//! A YAML document as a tree that remembers where every node was written.
//!
//! This is the one place bashgah parses YAML. `yaml-rust2` gives events with their
//! positions; this module folds them into [`Node`]s, and refuses on the way what a user can
//! write but no file of ours means:
//!
//! - nesting deeper than [`MAX_DEPTH`] levels (a 15 KB file of `a:\n  a:\n    a: ...`
//!   nested 6,000 deep used to overflow the stack of whatever walked it next);
//! - a key given twice in the same mapping (the second silently won), reported at the
//!   duplicate itself;
//! - aliases that expand past [`MAX_ALIAS_NODES`] nodes ("billion laughs": a few lines of
//!   aliases of aliases that expand to millions of nodes);
//! - keys that are not text (`? [a, b]: c`), which no JSON Schema can describe.
//!
//! The parser is driven one event at a time from a loop (not `Parser::load`, which recurses
//! once per level of nesting), so no input, however deep, reaches a recursion here; every
//! later walk of the tree is bounded by [`MAX_DEPTH`].

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// The deepest nesting of lists and mappings a file may have. A club file needs about six.
pub const MAX_DEPTH: usize = 64;

/// How many nodes aliases (`*name`) may add to a document in all: far more than anyone
/// reuses by hand, far fewer than an exponential expansion reaches.
pub const MAX_ALIAS_NODES: usize = 10_000;

/// A node and the 1-based line and column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    pub line: usize,
    pub column: usize,
    /// A scalar written without quotes or block indicators. Only a plain scalar can be
    /// null, a boolean or a number; `"5"` and `'true'` are always text.
    pub plain: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Scalar(String),
    Sequence(Vec<Node>),
    /// Entries in the order written; keys are scalars and unique (the tree refuses others).
    Mapping(Vec<(Node, Node)>),
}

/// One step of a path into the tree: a mapping key or a sequence index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSegment<'a> {
    Key(&'a str),
    Index(usize),
}

/// What a plain scalar means under the YAML 1.2 core schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    /// A whole number that fits 64 bits, signed or not.
    Int(i64),
    UInt(u64),
    /// Digits that form a number too large for 64 bits, or a number with a fraction or an
    /// exponent. Kept as written: an amount must never pass through binary floating point.
    Number(&'a str),
    /// Anything else, and every quoted or block scalar.
    Text(&'a str),
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

    /// What this node means as a scalar (`None` for a list or a mapping).
    pub fn resolve(&self) -> Option<Resolved<'_>> {
        let text = self.scalar()?;
        Some(if self.plain {
            resolve_plain(text)
        } else {
            Resolved::Text(text)
        })
    }

    /// A plain `null`, `~` or nothing at all.
    pub fn is_null(&self) -> bool {
        self.resolve() == Some(Resolved::Null)
    }

    /// A scalar with nothing written (`key:` and no value).
    pub fn is_empty_value(&self) -> bool {
        self.plain && self.scalar() == Some("")
    }
}

/// The YAML 1.2 core schema for a plain scalar: `null`/`~`/nothing, `true`/`false`,
/// integers (decimal, `0o` octal, `0x` hex) and floats; everything else is text, and so
/// are digits with a leading zero.
pub fn resolve_plain(text: &str) -> Resolved<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        // `007`, `01234`: an identifier or a code, not a number (as YAML 1.2's JSON schema
        // and serde_yaml had it), so a member `007` does not become `7`.
        if unsigned.len() > 1 && unsigned.starts_with('0') {
            return Resolved::Text(text);
        }
        if let Ok(n) = text.parse::<i64>() {
            return Resolved::Int(n);
        }
        if let Ok(n) = text.strip_prefix('+').unwrap_or(text).parse::<u64>() {
            return Resolved::UInt(n);
        }
        return Resolved::Number(text);
    }
    let radix = |prefix: &str, radix: u32| {
        let digits = text.strip_prefix(prefix)?;
        u64::from_str_radix(digits, radix).ok()
    };
    if let Some(n) = radix("0o", 8).or_else(|| radix("0x", 16)) {
        return i64::try_from(n).map_or(Resolved::UInt(n), Resolved::Int);
    }
    if is_core_float(text) {
        return Resolved::Number(text);
    }
    Resolved::Text(text)
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, or an infinity or
/// not-a-number spelt the core schema's way.
fn is_core_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty())
        }
        None => !mantissa.is_empty() && digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Something wrong with the text of a YAML file, with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub help: Option<String>,
    pub line: usize,
    pub column: usize,
    pub width: usize,
}

impl Problem {
    fn at(message: String, help: Option<String>, node: &Node) -> Problem {
        Problem {
            message,
            help,
            line: node.line,
            column: node.column,
            width: node.width(),
        }
    }

    fn at_mark(message: String, help: Option<String>, mark: Marker) -> Problem {
        Problem {
            message,
            help,
            line: mark.line(),
            column: mark.col() + 1,
            width: 1,
        }
    }
}

/// A parsed document: its tree (`None` for an empty file) and the problems that did not
/// stop the parse (duplicate keys, keys that are not text). Those entries are left out of
/// the tree, so that later checks see each key once.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub root: Option<Node>,
    pub problems: Vec<Problem>,
}

/// Parses the first document of `source`. `Err` is a problem after which nothing of the
/// document can be trusted: bad syntax, nesting past [`MAX_DEPTH`], aliases past
/// [`MAX_ALIAS_NODES`].
pub fn parse(source: &str) -> Result<Parsed, Problem> {
    let mut parser = Parser::new_from_str(source);
    let mut builder = Builder::default();
    loop {
        let (event, mark) = parser.next_token().map_err(|e| Problem {
            message: crate::tr!("yaml-invalid", reason = e.info()),
            help: Some(crate::tr!("yaml-invalid-help")),
            line: e.marker().line(),
            column: e.marker().col() + 1,
            width: 1,
        })?;
        match event {
            Event::StreamEnd => break,
            Event::DocumentEnd => {
                // One document per file: a second one would be ignored without a word.
                if let Ok((Event::DocumentStart, mark)) = parser.next_token() {
                    builder.problems.push(Problem::at_mark(
                        crate::tr!("yaml-second-document"),
                        Some(crate::tr!("yaml-second-document-help")),
                        mark,
                    ));
                }
                break;
            }
            event => builder.on_event(event, mark)?,
        }
    }
    Ok(Parsed {
        root: builder.root,
        problems: builder.problems,
    })
}

/// A list or mapping being built.
struct Open {
    node: Node,
    anchor: usize,
    /// In a mapping: the key waiting for its value, and whether that entry is to be dropped
    /// (a duplicate, or a key that is not text).
    key: Option<(Node, bool)>,
    /// In a mapping: the line of each key so far, to name where a duplicate was first given.
    seen: HashMap<String, usize>,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    root: Option<Node>,
    /// Finished anchored nodes, by the parser's anchor id.
    anchors: HashMap<usize, Node>,
    /// Nodes added by aliases so far.
    expanded: usize,
    problems: Vec<Problem>,
    /// A collection opened one level too deep, reported at the next event (see `open`).
    too_deep: Option<Node>,
}

impl Builder {
    fn on_event(&mut self, event: Event, mark: Marker) -> Result<(), Problem> {
        if let Some(mut node) = self.too_deep.take() {
            // A block mapping's start is marked at its first colon; its first key, the
            // next event, is where it is written.
            if (mark.line(), mark.col() + 1) < (node.line, node.column) {
                node.line = mark.line();
                node.column = mark.col() + 1;
            }
            return Err(Problem::at(
                crate::tr!("yaml-too-deep", levels = MAX_DEPTH),
                Some(crate::tr!("yaml-too-deep-help")),
                &node,
            ));
        }
        let at = |value, plain| Node {
            value,
            line: mark.line(),
            column: mark.col() + 1,
            plain,
        };
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                // `!!str 5` is text, as quotes would make it.
                let plain = style == TScalarStyle::Plain && !is_str_tag(tag.as_ref());
                self.finish(at(NodeValue::Scalar(text), plain), anchor);
            }
            Event::Alias(id) => {
                let node = self.alias(id, mark)?;
                self.finish(node, 0);
            }
            Event::SequenceStart(anchor, _) => {
                self.open(at(NodeValue::Sequence(Vec::new()), false), anchor)?
            }
            Event::MappingStart(anchor, _) => {
                self.open(at(NodeValue::Mapping(Vec::new()), false), anchor)?
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(open) = self.stack.pop() {
                    self.finish(open.node, open.anchor);
                }
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
        Ok(())
    }

    fn open(&mut self, node: Node, anchor: usize) -> Result<(), Problem> {
        if self.stack.len() >= MAX_DEPTH {
            // Nothing is built past this point: the next event only places the error.
            self.too_deep = Some(node);
            return Ok(());
        }
        self.stack.push(Open {
            node,
            anchor,
            key: None,
            seen: HashMap::new(),
        });
        Ok(())
    }

    /// The node an alias stands for: a copy of its anchored node, if the copies stay
    /// within the bounds.
    fn alias(&mut self, id: usize, mark: Marker) -> Result<Node, Problem> {
        let Some(target) = self.anchors.get(&id) else {
            // The parser refuses unknown names, so this is an alias inside its own anchor.
            return Err(Problem::at_mark(
                crate::tr!("yaml-alias-inside"),
                Some(crate::tr!("yaml-alias-inside-help")),
                mark,
            ));
        };
        let (height, size) = measure(target);
        if self.stack.len() + height > MAX_DEPTH {
            return Err(Problem::at_mark(
                crate::tr!("yaml-alias-too-deep", levels = MAX_DEPTH),
                None,
                mark,
            ));
        }
        self.expanded += size;
        if self.expanded > MAX_ALIAS_NODES {
            return Err(Problem::at_mark(
                crate::tr!(
                    "yaml-aliases-too-many",
                    values = crate::locale::numerals(&MAX_ALIAS_NODES.to_string())
                ),
                Some(crate::tr!("yaml-aliases-too-many-help")),
                mark,
            ));
        }
        let mut node = target.clone();
        // The copy is reported where the alias is written; what is inside it, where the
        // anchored original was written.
        node.line = mark.line();
        node.column = mark.col() + 1;
        Ok(node)
    }

    /// A complete node: into its parent, or the root.
    fn finish(&mut self, mut node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        let Some(parent) = self.stack.last_mut() else {
            self.root.get_or_insert(node);
            return;
        };
        let first_key = matches!(&parent.node.value, NodeValue::Mapping(e) if e.is_empty())
            && parent.key.is_none()
            && parent.seen.is_empty();
        if first_key && (node.line, node.column) < (parent.node.line, parent.node.column) {
            // As in `on_event`: a block mapping starts where its first key does.
            parent.node.line = node.line;
            parent.node.column = node.column;
        }
        match &mut parent.node.value {
            NodeValue::Sequence(items) => items.push(node),
            NodeValue::Mapping(entries) => match parent.key.take() {
                Some((key, drop)) => {
                    if !drop {
                        if node.is_empty_value() {
                            // Nothing was written: point at the key rather than wherever the
                            // parser noticed the value was missing (often the next line).
                            node.line = key.line;
                            node.column = key.column;
                        }
                        entries.push((key, node));
                    }
                }
                None => {
                    let drop = match key_text(&node) {
                        None => {
                            self.problems.push(Problem::at(
                                crate::tr!("yaml-key-not-text"),
                                None,
                                &node,
                            ));
                            true
                        }
                        Some(text) => match parent.seen.get(text) {
                            Some(&first) => {
                                self.problems.push(Problem::at(
                                    crate::tr!("yaml-duplicate-key", key = text),
                                    Some(crate::tr!(
                                        "yaml-duplicate-key-help",
                                        key = text,
                                        line = crate::locale::numerals(&first.to_string())
                                    )),
                                    &node,
                                ));
                                true
                            }
                            None => {
                                parent.seen.insert(text.to_owned(), node.line);
                                false
                            }
                        },
                    };
                    parent.key = Some((node, drop));
                }
            },
            NodeValue::Scalar(_) => {}
        }
    }
}

fn key_text(node: &Node) -> Option<&str> {
    node.scalar()
}

fn is_str_tag(tag: Option<&Tag>) -> bool {
    tag.is_some_and(|t| t.handle == "tag:yaml.org,2002:" && t.suffix == "str")
}

/// Levels of lists and mappings in `node`, and how many nodes it holds. Recursion is
/// bounded: the tree is at most [`MAX_DEPTH`] deep.
fn measure(node: &Node) -> (usize, usize) {
    match &node.value {
        NodeValue::Scalar(_) => (0, 1),
        NodeValue::Sequence(items) => items.iter().fold((1, 1), |(h, s), item| {
            let (ih, is) = measure(item);
            (h.max(ih + 1), s + is)
        }),
        NodeValue::Mapping(entries) => entries.iter().fold((1, 1), |(h, s), (_, value)| {
            let (vh, vs) = measure(value);
            (h.max(vh + 1), s + vs + 1)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(source: &str) -> Node {
        let parsed = parse(source).expect("parses");
        assert_eq!(parsed.problems, vec![], "{source}");
        parsed.root.expect("a document")
    }

    #[test]
    fn remembers_positions_of_keys_and_values() {
        let tree = tree("id: cafe\nrules:\n  - id: base\n    function: earn\n");
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
        assert!(error.message.starts_with("invalid YAML: "), "{error:?}");
    }

    #[test]
    fn crlf_line_ends_count_as_one() {
        let tree = tree("id: cafe\r\nname: x\r\nrules:\r\n  - id: base\r\n");
        let id = tree
            .find(&[
                PathSegment::Key("rules"),
                PathSegment::Index(0),
                PathSegment::Key("id"),
            ])
            .unwrap();
        assert_eq!((id.line, id.column, id.scalar()), (4, 9, Some("base")));
        assert_eq!(tree.key_node("name").map(|k| k.line), Some(2));
    }

    #[test]
    fn nesting_is_bounded_without_recursion() {
        // 6,000 levels: the parse stops at the 65th, with its position.
        let mut deep = String::new();
        for level in 0..6000 {
            deep.push_str(&" ".repeat(level * 2));
            deep.push_str("a:\n");
        }
        let error = parse(&deep).unwrap_err();
        assert_eq!(
            error.message,
            "the file nests lists and mappings more than 64 levels deep"
        );
        assert_eq!((error.line, error.column), (65, 129));
        // Flow style too, and exactly 64 levels still parse.
        let flow = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(&flow).unwrap_err().line, 1);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn duplicate_keys_are_refused_where_they_are_written() {
        let parsed = parse("id: a\nnested:\n  x: 1\n  y: 2\n  x: 3\nid: b\n").unwrap();
        let at: Vec<_> = parsed
            .problems
            .iter()
            .map(|p| (p.message.as_str(), p.line, p.column))
            .collect();
        assert_eq!(
            at,
            vec![("duplicate key `x`", 5, 3), ("duplicate key `id`", 6, 1)]
        );
        assert_eq!(
            parsed.problems[0].help.as_deref(),
            Some("`x` is already given on line 3; a key may appear once in a mapping")
        );
        // The first one stays; the duplicate's value is left out.
        let root = parsed.root.unwrap();
        assert_eq!(
            root.find(&[PathSegment::Key("id")]).unwrap().scalar(),
            Some("a")
        );
        let nested = root.find(&[PathSegment::Key("nested")]).unwrap();
        assert!(matches!(&nested.value, NodeValue::Mapping(e) if e.len() == 2));
        // In flow style as well.
        let flow = parse("t: {en: a, en: b}\n").unwrap();
        assert_eq!((flow.problems[0].line, flow.problems[0].column), (1, 12));
    }

    #[test]
    fn aliases_are_resolved_and_bounded() {
        let tree = tree("base: &b {x: 1}\nother: *b\n");
        let x = tree
            .find(&[PathSegment::Key("other"), PathSegment::Key("x")])
            .unwrap();
        assert_eq!(x.scalar(), Some("1"));
        assert_eq!(tree.find(&[PathSegment::Key("other")]).unwrap().line, 2);
        // Billion laughs: nine levels of ten aliases each.
        let mut laughs = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for pair in names.windows(2) {
            let refs = vec![format!("*{}", pair[0]); 9].join(", ");
            laughs.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
        }
        let error = parse(&laughs).unwrap_err();
        assert_eq!(
            error.message,
            "aliases in this file repeat more than 10000 values"
        );
        assert!(error.line <= 6, "{error:?}");
        // An alias inside its own anchor.
        assert!(parse("a: &a [1, *a]\n").is_err());
    }

    #[test]
    fn plain_scalars_resolve_by_the_core_schema() {
        use Resolved::*;
        for (text, expected) in [
            ("", Null),
            ("~", Null),
            ("null", Null),
            ("true", Bool(true)),
            ("FALSE", Bool(false)),
            ("yes", Text("yes")),
            ("0", Int(0)),
            ("-12", Int(-12)),
            ("+7", Int(7)),
            ("007", Text("007")),
            ("-00", Text("-00")),
            ("18446744073709551615", UInt(u64::MAX)),
            ("99999999999999999999999", Number("99999999999999999999999")),
            ("0x1F", Int(31)),
            ("0o17", Int(15)),
            ("1.1", Number("1.1")),
            (".5", Number(".5")),
            ("1e3", Number("1e3")),
            ("-.inf", Number("-.inf")),
            ("1403-10-03", Text("1403-10-03")),
            ("12m", Text("12m")),
            ("1_000", Text("1_000")),
            (".", Text(".")),
            ("1e", Text("1e")),
        ] {
            assert_eq!(resolve_plain(text), expected, "{text}");
        }
        let tree = tree("a: '5'\nb: !!str 5\nc: 5\n");
        let resolved = |key| tree.find(&[PathSegment::Key(key)]).unwrap().resolve();
        assert_eq!(resolved("a"), Some(Text("5")));
        assert_eq!(resolved("b"), Some(Text("5")));
        assert_eq!(resolved("c"), Some(Int(5)));
    }

    #[test]
    fn an_empty_value_is_placed_at_its_key() {
        let tree = tree("name:\nother: x\n");
        let name = tree.find(&[PathSegment::Key("name")]).unwrap();
        assert!(name.is_null() && name.is_empty_value());
        assert_eq!((name.line, name.column), (1, 1));
    }

    #[test]
    fn a_second_document_is_a_problem() {
        let parsed = parse("a: 1\n---\nb: 2\n").unwrap();
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].line, 2);
        assert!(parse("").unwrap().root.is_none());
        assert!(parse("# only a comment\n").unwrap().root.is_none());
    }
}
