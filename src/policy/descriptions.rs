//! Descriptions that no longer say what the rule does. A rule's `description` is what a
//! member reads in the statement; its function is what decides the points. When someone
//! edits the code (`/ 5000` for `/ 10000`) and not the text, every statement goes on
//! saying the old rate. A number the description names (past 1) that the function's body
//! (or a constant of its script) no longer holds is flagged: a warning, since a number can
//! also come from elsewhere (a tier multiplier, a setting).

use rust_decimal::Decimal;

use super::Policy;
use crate::diagnostic::{Diagnostic, Location};

/// A warning for each rule whose description names a number its function does not hold.
pub fn drifted(policy: &Policy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for compiled in &policy.rules {
        let Some(rule) = policy.club.rules.get(compiled.index) else {
            continue;
        };
        let Some(description) = rule.description.as_deref() else {
            continue;
        };
        let Some(script) = policy.scripts.get(compiled.script) else {
            continue;
        };
        let Some(body) = function_body(&script.source, &rule.function) else {
            continue;
        };
        let held: Vec<Decimal> = numbers(body)
            .into_iter()
            .chain(constants(&script.source))
            .collect();
        let missing: Vec<Decimal> = numbers(description)
            .into_iter()
            .filter(|n| *n > Decimal::ONE && !held.contains(n))
            .collect();
        if let Some(number) = missing.first() {
            out.push(
                Diagnostic::warning(crate::tr!(
                    "script-description-drift",
                    rule = &rule.id,
                    description = description,
                    function = &rule.function,
                    number = *number
                ))
                .at(
                    Location::new(&script.display_path, compiled.line, 1),
                    Some(&script.source),
                )
                .with_help(crate::tr!("script-description-drift-help")),
            );
        }
    }
    out
}

/// The body of `fn name(...) { ... }` in `source`, braces matched.
fn function_body<'s>(source: &'s str, name: &str) -> Option<&'s str> {
    let start = source.find(&format!("fn {name}("))?;
    let open = start + source[start..].find('{')?;
    let mut depth = 0usize;
    for (offset, c) in source[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(&source[open..=open + offset]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The numbers of the script's top-level `const` lines.
fn constants(source: &str) -> Vec<Decimal> {
    source
        .lines()
        .filter(|line| line.trim_start().starts_with("const "))
        .flat_map(numbers)
        .collect()
}

/// Every number written in `text`: digits in any script (Persian, Arabic-Indic, ASCII),
/// grouped with `,` `٬` or `_`, with an optional decimal part.
fn numbers(text: &str) -> Vec<Decimal> {
    let text = crate::digits::to_ascii(text);
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let mut digits = String::new();
        while i < chars.len() {
            let c = chars[i];
            let grouped = matches!(c, ',' | '٬' | '_')
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                && !digits.is_empty();
            if c.is_ascii_digit() {
                digits.push(c);
            } else if c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                digits.push('.');
            } else if !grouped {
                break;
            }
            i += 1;
        }
        if let Ok(number) = digits.parse::<Decimal>() {
            found.push(number.normalize());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn numbers_are_read_in_any_script_and_grouping() {
        assert_eq!(
            numbers("1 star per 10,000 IRR; ۵۰ points over 500٬000; 1_000_000 / 2.5"),
            [
                dec("1"),
                dec("10000"),
                dec("50"),
                dec("500000"),
                dec("1000000"),
                dec("2.5")
            ]
        );
        // A number inside a name is not one: `tier2`, `x10`.
        assert_eq!(numbers("tier2 x10 (3)"), [dec("3")]);
    }

    #[test]
    fn a_body_is_the_function_with_its_braces_matched() {
        let source = "fn a(e, m) { if x { 1 } else { 2 } }\nfn b(e, m) { 3 }\n";
        assert_eq!(
            function_body(source, "a"),
            Some("{ if x { 1 } else { 2 } }")
        );
        assert_eq!(function_body(source, "b"), Some("{ 3 }"));
        assert_eq!(function_body(source, "c"), None);
    }
}
