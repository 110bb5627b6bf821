//! The one way a YAML file becomes a typed value: `club.yaml`, `tests/*.yaml`,
//! `plugin.yaml` and the keys file all come through [`load`], so each gets the same
//! checks and the same located messages.
//!
//! 1. syntax, nesting depth, aliases ([`super::tree`]): a problem here stops the rest;
//!    duplicate keys do not, they are reported where each duplicate is written;
//! 2. unknown keys and bad choices, all of them, with suggestions ([`super::keys`]);
//! 3. the whole JSON Schema of the type ([`super::schema`]), less what step 2 said;
//! 4. the typed read ([`super::de`]), whose one error is kept if nothing before it said
//!    the same thing at the same place (a type's own words replace a schema's "not in the
//!    expected form": "`12 months` is not a tier window").

use std::path::Path;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use super::de::from_node;
use super::keys::{check_keys, KeyReport};
use super::schema::{self, Rule};
use super::tree::{self, Node};
use crate::diagnostic::{Diagnostic, Location};

/// What kind of file is being read, for the messages that concern the whole file.
#[derive(Debug, Clone, Copy)]
pub struct FileKind {
    /// The message for a file with nothing in it.
    pub empty: &'static str,
    /// What such a file holds, as help for an empty file.
    pub help: &'static str,
    /// Whether what an editor would flag is refused even where the typed read can take
    /// it: a plain number where text goes (`member: 1001`, read as `"1001"`), nothing at
    /// all where a list or a mapping goes (`given:`, read as empty). `club.yaml` is strict:
    /// editors check it with its schema, and `check` must say what they say. Other files
    /// are read as they always were.
    pub strict: bool,
}

/// A read file: the value if its shape could be read at all, the tree for later checks
/// to point into, and every problem found. The value is usable only if no problem is an
/// error.
#[derive(Debug)]
pub struct Loaded<T> {
    pub value: Option<T>,
    pub tree: Option<Node>,
    pub problems: Vec<Diagnostic>,
}

impl<T> Loaded<T> {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }

    /// The problems, with the empty file's message and help (`kind.empty`, `kind.help`,
    /// fixed English) said as `message` and `help`: a caller's words in the current
    /// language.
    pub fn empty_said(mut self, kind: FileKind, message: String, help: String) -> Self {
        for problem in &mut self.problems {
            let whole_file = problem.location.as_ref().is_some_and(|l| l.line == 0);
            if whole_file && problem.message == kind.empty {
                problem.message = message.clone();
                problem.help = Some(help.clone());
            }
        }
        self
    }
}

/// A problem being merged: where it is, and which check found it.
struct Found {
    at: (usize, usize),
    diagnostic: Diagnostic,
    pattern: bool,
}

/// Reads `source` (the text of `path`) as a `T`, checking it against `T`'s JSON Schema.
pub fn load<T: DeserializeOwned + JsonSchema + 'static>(
    path: &Path,
    source: &str,
    kind: FileKind,
) -> Loaded<T> {
    let located = |line: usize, column: usize, width: usize, message: String| {
        Diagnostic::error(message).at(
            Location::new(path, line, column).with_width(width),
            Some(source),
        )
    };
    let with_help = |diagnostic: Diagnostic, help: Option<String>| match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    };
    let failed = |problems| Loaded {
        value: None,
        tree: None,
        problems,
    };

    let parsed = match tree::parse(source) {
        Ok(parsed) => parsed,
        Err(problem) => {
            let diagnostic = located(problem.line, problem.column, problem.width, problem.message);
            return failed(vec![with_help(diagnostic, problem.help)]);
        }
    };
    let mut found: Vec<Found> = parsed
        .problems
        .into_iter()
        .map(|p| Found {
            at: (p.line, p.column),
            diagnostic: with_help(located(p.line, p.column, p.width, p.message), p.help),
            pattern: false,
        })
        .collect();
    let Some(root) = parsed.root else {
        let empty = Diagnostic::error(kind.empty)
            .in_file(path)
            .with_help(kind.help);
        let mut problems = vec![empty];
        problems.extend(found.into_iter().map(|f| f.diagnostic));
        return failed(problems);
    };
    let compiled = match schema::compiled::<T>() {
        Ok(compiled) => compiled,
        // The schema is generated from our own types: this is a bug, said plainly.
        Err(message) => {
            return failed(vec![Diagnostic::error(crate::tr!(
                "yaml-schema-broken",
                reason = message
            ))
            .in_file(path)])
        }
    };

    let mut keys = KeyReport::default();
    check_keys(
        &root,
        &compiled.schema,
        &compiled.schema,
        path,
        source,
        &mut keys,
    );
    let suggested = |at: (usize, usize), name: &str| {
        keys.suggested
            .iter()
            .any(|(line, column, near)| (*line, *column) == at && near == name)
    };
    let mut merged: Vec<Found> = Vec::new();
    for diagnostic in keys.problems.iter().cloned() {
        let at = diagnostic
            .location
            .as_ref()
            .map_or((0, 0), |l| (l.line, l.column));
        merged.push(Found {
            at,
            diagnostic,
            pattern: false,
        });
    }
    // Where the tree and the key check said something, the schema (which sees the same
    // unknown keys and choices) says nothing more. Two schema problems at one place (two
    // missing keys of one mapping) are both said.
    let said_before: Vec<(usize, usize)> = found.iter().chain(&merged).map(|f| f.at).collect();
    // Places another message explains: nothing more is said there.
    let mut explained = Vec::new();
    for problem in schema::check(&root, &compiled) {
        let at = (problem.line, problem.column);
        if problem.rule == Rule::Explained {
            explained.push(at);
            continue;
        }
        if problem.rule == Rule::Loose && !kind.strict {
            continue;
        }
        let said = said_before.contains(&at)
            || matches!(&problem.rule, Rule::Required(name) if suggested(at, name));
        if !said {
            merged.push(Found {
                at,
                diagnostic: with_help(
                    located(problem.line, problem.column, problem.width, problem.message),
                    problem.help,
                ),
                pattern: problem.rule == Rule::Pattern,
            });
        }
    }

    let value = match from_node::<T>(&root) {
        Ok(value) => Some(value),
        Err(error) => {
            let (line, column, width) = error.position.unwrap_or((root.line, root.column, 1));
            let at = (line, column);
            let typed = located(line, column, width, error.message);
            let explained =
                explained.contains(&at) || error.missing.is_some_and(|name| suggested(at, name));
            match merged
                .iter_mut()
                .chain(found.iter_mut())
                .find(|f| f.at == at)
            {
                // The type's parser knows what it wanted better than a regular expression.
                Some(same) if same.pattern => same.diagnostic = typed,
                Some(_) => {}
                None if explained => {}
                None => merged.push(Found {
                    at,
                    diagnostic: typed,
                    pattern: false,
                }),
            }
            None
        }
    };

    found.extend(merged);
    // Top to bottom, as the file reads; stable, so the checks' order holds within a place.
    found.sort_by_key(|f| f.at);
    Loaded {
        value,
        tree: Some(root),
        problems: found.into_iter().map(|f| f.diagnostic).collect(),
    }
}

/// Reads `source` as a `T` with no schema checks: for tests and for text bashgah wrote.
pub fn from_str<T: DeserializeOwned>(source: &str) -> Result<T, String> {
    let parsed = tree::parse(source).map_err(|p| p.message)?;
    if let Some(problem) = parsed.problems.first() {
        return Err(problem.message.clone());
    }
    let root = parsed.root.unwrap_or(Node {
        value: tree::NodeValue::Scalar(String::new()),
        line: 1,
        column: 1,
        plain: true,
    });
    from_node(&root).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const KIND: FileKind = FileKind {
        empty: "the file is empty",
        help: "a file of settings",
        strict: true,
    };

    /// A small type with the shapes the loader must merge problems for.
    #[derive(Debug, serde::Deserialize, JsonSchema)]
    #[schemars(deny_unknown_fields)]
    struct Settings {
        name: String,
        #[serde(default)]
        kind: Option<Kind>,
        #[serde(default)]
        limits: BTreeMap<String, rust_decimal::Decimal>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Gift,
        Credit,
    }

    /// Two keys that may both be missing.
    #[derive(Debug, serde::Deserialize, JsonSchema)]
    struct Two {
        #[allow(dead_code)]
        a: u32,
        #[allow(dead_code)]
        b: u32,
        #[allow(dead_code)]
        c: u32,
    }

    fn problems<T: DeserializeOwned + JsonSchema + 'static>(source: &str) -> Vec<String> {
        load::<T>(Path::new("f.yaml"), source, KIND)
            .problems
            .iter()
            .map(|d| {
                let at = d.location.as_ref().map_or((0, 0), |l| (l.line, l.column));
                format!("{}:{}: {}", at.0, at.1, d.message)
            })
            .collect()
    }

    #[test]
    fn a_good_file_reads_with_no_problem() {
        let loaded = load::<Settings>(
            Path::new("f.yaml"),
            "name: x\nkind: gift\nlimits: {a: 0.1}\n",
            KIND,
        );
        assert_eq!(loaded.problems, vec![]);
        let settings = loaded.value.expect("read");
        assert_eq!(
            (settings.name.as_str(), settings.kind),
            ("x", Some(Kind::Gift))
        );
        assert_eq!(settings.limits["a"], rust_decimal::Decimal::new(1, 1));
        assert!(loaded.tree.is_some());
    }

    #[test]
    fn each_problem_is_said_once() {
        // A bad choice: the key check, the schema's enum and serde all see it.
        assert_eq!(
            problems::<Settings>("name: x\nkind: gfit\n"),
            ["2:7: `gfit` is not one of `gift`, `credit`"]
        );
        // An unknown key: the key check and `additionalProperties` both see it.
        assert_eq!(
            problems::<Settings>("name: x\nkidn: gift\n"),
            ["2:1: unknown key `kidn`"]
        );
        // A misspelt required key is not also a missing one.
        assert_eq!(
            problems::<Settings>("nmae: x\n"),
            ["1:1: unknown key `nmae`"]
        );
        // A missing key that was not misspelt is said once (schema and serde both see it).
        assert_eq!(
            problems::<Settings>("kind: gift\n"),
            ["1:1: missing key `name`"]
        );
        assert_eq!(
            problems::<Two>("a: 1\n"),
            ["1:1: missing key `b`", "1:1: missing key `c`"]
        );
        // Problems of the tree come with the rest, in the order of the file.
        assert_eq!(
            problems::<Settings>("name: x\nlimits: {a: 1, a: 2, b: lots}\nname: y\n"),
            [
                "2:16: duplicate key `a`",
                "2:25: expected a number, found `lots`",
                "3:1: duplicate key `name`",
            ]
        );
    }

    #[test]
    fn what_editors_flag_is_refused_only_in_strict_files() {
        assert_eq!(
            problems::<Settings>("name: 1001\n"),
            ["1:7: expected text, found the number 1001"]
        );
        let lenient = FileKind {
            strict: false,
            ..KIND
        };
        let loaded = load::<Settings>(Path::new("f.yaml"), "name: 1001\n", lenient);
        assert_eq!(loaded.problems, vec![]);
        assert_eq!(loaded.value.map(|s| s.name).as_deref(), Some("1001"));
        // Nothing where a mapping goes is an empty one; where text goes, still nothing.
        assert_eq!(
            problems::<Settings>("name: x\nlimits:\n"),
            ["2:1: expected a mapping, found nothing"]
        );
        let loaded = load::<Settings>(Path::new("f.yaml"), "name: x\nlimits:\n", lenient);
        assert_eq!(loaded.problems, vec![]);
        assert!(loaded.value.is_some_and(|s| s.limits.is_empty()));
        let loaded = load::<Settings>(Path::new("f.yaml"), "name:\n", lenient);
        assert_eq!(loaded.problems.len(), 1);
    }

    #[test]
    fn empty_and_broken_files() {
        assert_eq!(problems::<Settings>(""), ["0:0: the file is empty"]);
        assert_eq!(
            problems::<Settings>("# nothing\n"),
            ["0:0: the file is empty"]
        );
        assert_eq!(
            problems::<Settings>("name: [x\n"),
            ["2:1: invalid YAML: while parsing a flow sequence, expected ',' or ']'"]
        );
        assert_eq!(
            problems::<Settings>("just text\n"),
            ["1:1: expected a mapping, found `just text`"]
        );
    }

    #[test]
    fn crlf_files_are_placed_and_quoted_like_any_other() {
        let loaded = load::<Settings>(Path::new("f.yaml"), "name: x\r\nkidn: gift\r\n", KIND);
        let problem = &loaded.problems[0];
        let location = problem.location.as_ref().expect("located");
        assert_eq!((location.line, location.column), (2, 1));
        assert_eq!(problem.source_line.as_deref(), Some("kidn: gift"));
    }

    const PIECES: [&str; 34] = [
        "id",
        "rules",
        "a",
        ":",
        ": ",
        " ",
        "\n",
        "  ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "&x ",
        "*x",
        "!!str ",
        "!t ",
        "|\n",
        ">-\n",
        "'",
        "\"",
        "? ",
        "# c",
        "---\n",
        "...\n",
        "%YAML 1.2\n",
        "\t",
        "1.5",
        "~",
        "\\",
        "\r\n",
        "\u{feff}",
        "é",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// No arrangement of YAML's pieces panics the loader.
        #[test]
        fn no_arrangement_of_yaml_panics(pieces in proptest::collection::vec(proptest::sample::select(PIECES.to_vec()), 0..64)) {
            let source: String = pieces.concat();
            let _ = load::<Settings>(Path::new("f.yaml"), &source, KIND);
        }
    }
}
