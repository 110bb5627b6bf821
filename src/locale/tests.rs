//! The catalogues are whole: every file in `locales/` is built in, every language has the
//! same messages with the same arguments, every message the code asks for exists and is
//! given the arguments it uses, and none is left unused.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast;

use super::*;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Each message's id and the variables its value uses.
fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| {
        panic!("the catalogue does not parse: {errors:?}");
    });
    let mut out = BTreeMap::new();
    for entry in resource.body {
        if let ast::Entry::Message(message) = entry {
            let mut variables = BTreeSet::new();
            if let Some(pattern) = &message.value {
                pattern_variables(pattern, &mut variables);
            }
            out.insert(message.id.name.to_owned(), variables);
        }
    }
    out
}

fn pattern_variables(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for variant in variants {
                pattern_variables(&variant.value, out);
            }
        }
        ast::Expression::Inline(inline) => inline_variables(inline, out),
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, out),
        _ => {}
    }
}

#[test]
fn every_catalogue_file_is_built_in_and_parses() {
    let mut on_disk = BTreeSet::new();
    for lang in Lang::ALL {
        for entry in std::fs::read_dir(root().join("locales").join(lang.code())).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".ftl") {
                on_disk.insert((lang.code(), name));
            }
        }
    }
    let built_in: BTreeSet<(&str, String)> = catalogues()
        .map(|(lang, name, _)| (lang.code(), name.to_owned()))
        .collect();
    assert_eq!(
        built_in, on_disk,
        "CATALOGUES in src/locale/mod.rs and locales/ differ"
    );
    for (lang, name, source) in catalogues() {
        let text =
            std::fs::read_to_string(root().join("locales").join(lang.code()).join(name)).unwrap();
        assert_eq!(text, source);
        messages(source);
    }
}

#[test]
fn every_language_has_every_message_with_the_same_arguments() {
    let english: BTreeMap<&str, _> = catalogues()
        .filter(|(lang, _, _)| *lang == Lang::En)
        .map(|(_, name, source)| (name, messages(source)))
        .collect();
    for (lang, name, source) in catalogues().filter(|(lang, _, _)| *lang != Lang::En) {
        let theirs = messages(source);
        let ours = &english[name];
        let missing: Vec<_> = ours.keys().filter(|id| !theirs.contains_key(*id)).collect();
        let extra: Vec<_> = theirs.keys().filter(|id| !ours.contains_key(*id)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}/{name}: missing {missing:?}, not in English {extra:?}",
            lang.code()
        );
        for (id, variables) in ours {
            assert_eq!(
                &theirs[id],
                variables,
                "{}/{name}: `{id}` uses other arguments than in English",
                lang.code()
            );
        }
    }
}

/// Every `tr!("id", name = …)` in src/: its id and the argument names it passes.
fn calls_in_source() -> Vec<(String, String, BTreeSet<String>)> {
    let mut files = Vec::new();
    let mut folders = vec![root().join("src")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut calls = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let shown = file.strip_prefix(root()).unwrap().display().to_string();
        if shown.starts_with("src/locale") {
            continue; // the macro's definition and documentation
        }
        let plain = text.match_indices("tr!(").map(|(at, _)| &text[at + 4..]);
        // `tr_in!(lang, "id", …)`: the id after the language.
        let in_language = text.match_indices("tr_in!(").filter_map(|(at, _)| {
            let rest = &text[at + 7..];
            rest.find(',').map(|comma| &rest[comma + 1..])
        });
        for rest in plain.chain(in_language) {
            let Some(open) = rest.find('"') else { continue };
            if !rest[..open].trim().is_empty() {
                continue;
            }
            let Some(close) = rest[open + 1..].find('"') else {
                continue;
            };
            let id = rest[open + 1..open + 1 + close].to_owned();
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                continue; // not a call: this file's own text, say
            }
            // The arguments: up to the parenthesis that closes the call, names at depth 0.
            let mut depth = 0;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' if depth == 0 => {
                        end = i;
                        break;
                    }
                    ')' | ']' | '}' => depth -= 1,
                    _ => {}
                }
            }
            let mut names = BTreeSet::new();
            let mut depth = 0;
            let mut piece = String::new();
            let args = rest.get(open + 1 + close + 1..end).unwrap_or("");
            for c in args.chars().chain([',']) {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    ',' if depth == 0 => {
                        if let Some((name, _)) = piece.split_once('=') {
                            let name = name.trim();
                            if !name.is_empty() && !name.contains(char::is_whitespace) {
                                names.insert(name.to_owned());
                            }
                        }
                        piece.clear();
                        continue;
                    }
                    _ => {}
                }
                piece.push(c);
            }
            calls.push((shown.clone(), id, names));
        }
    }
    calls
}

#[test]
fn every_message_the_code_asks_for_exists_with_its_arguments_and_none_is_unused() {
    let mut english = BTreeMap::new();
    for (_, _, source) in catalogues().filter(|(lang, _, _)| *lang == Lang::En) {
        english.extend(messages(source));
    }
    let calls = calls_in_source();
    assert!(calls.len() > 20, "{calls:?}");
    let mut used = BTreeSet::new();
    for (file, id, names) in &calls {
        let Some(variables) = english.get(id) else {
            panic!("{file}: no message `{id}` in locales/en");
        };
        assert_eq!(
            names, variables,
            "{file}: `{id}` is given other arguments than it uses"
        );
        used.insert(id.clone());
    }
    let unused: Vec<_> = english.keys().filter(|id| !used.contains(*id)).collect();
    assert!(unused.is_empty(), "messages no code asks for: {unused:?}");
}

#[test]
fn counts_choose_the_plural_and_digits_follow_the_language() {
    let one = text_in(Lang::En, "error-count", &[("count", Arg::Count(1))]);
    let many = text_in(Lang::En, "error-count", &[("count", Arg::Count(12000))]);
    assert_eq!((one.as_str(), many.as_str()), ("1 error", "12,000 errors"));
    let persian = text_in(Lang::Fa, "error-count", &[("count", Arg::Count(12000))]);
    assert_eq!(persian, "۱۲٬۰۰۰ خطا");
    assert_eq!(
        numerals_in(
            Lang::Fa,
            &crate::digits::grouped(Decimal::new(-123456789, 2))
        ),
        "-۱٬۲۳۴٬۵۶۷٫۸۹"
    );
    assert_eq!(amount_in(Lang::En, Decimal::new(640000, 1)), "64,000");
}

#[test]
fn languages_are_read_from_codes_and_locale_names() {
    assert_eq!(Lang::parse("fa_IR.UTF-8"), Some(Lang::Fa));
    assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
    assert_eq!(Lang::parse("FA"), Some(Lang::Fa));
    assert_eq!(Lang::parse("C.UTF-8"), None);
    assert_eq!(Lang::parse("de_DE"), None);
}

#[test]
fn tables_pad_by_terminal_columns_not_characters() {
    assert_eq!(width("داده‌شده"), 7);
    assert_eq!(pad_end("داده‌شده", 9), "داده‌شده  ");
    assert_eq!(pad_start("12", 4), "  12");
    assert_eq!(pad_end("points", 4), "points");
}

#[test]
fn in_language_speaks_the_readers_language_on_this_thread_only_and_then_restores() {
    let before = current();
    let inside = in_language(Lang::Fa, || (current(), numerals("12")));
    assert_eq!(inside, (Lang::Fa, "۱۲".to_owned()));
    assert_eq!(current(), before);
    // Nested, and undone even when the work panics.
    let nested = in_language(Lang::Fa, || in_language(Lang::En, current));
    assert_eq!(nested, Lang::En);
    let caught = std::panic::catch_unwind(|| in_language(Lang::Fa, || panic!("work failed")));
    assert!(caught.is_err());
    assert_eq!(current(), before);
}
