//! One error format for everything a user can get wrong: YAML, Rhai, CSV rows, tests.
//!
//! Modelled on `just` and `rustc`: a lower-case `error:` headline with names in
//! backticks, then `--> file:line:col`, the offending line and a caret under the spot,
//! and an optional `help:` line that suggests the fix. Every loader collects all the
//! problems it finds into a `Vec<Diagnostic>` rather than stopping at the first.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors stop a policy from loading, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a problem is: a file, and a 1-based line and column when known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// Length of the span to underline (at least 1 caret is drawn).
    #[serde(skip)]
    pub width: usize,
}

impl Location {
    pub fn new(file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line,
            column,
            width: 1,
        }
    }

    pub fn with_width(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }
}

/// A problem found in a user's file or input, ready to be printed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    /// The text of the offending line, shown under the location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
    /// A suggestion for the fix, e.g. "did you mean `thresholds`?".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            source_line: None,
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Points the diagnostic at `location`, quoting the line from `source` when given.
    pub fn at(mut self, location: Location, source: Option<&str>) -> Self {
        self.source_line = source
            .and_then(|text| text.lines().nth(location.line.saturating_sub(1)))
            .map(str::to_owned);
        self.location = Some(location);
        self
    }

    /// Points the diagnostic at a file with no position inside it.
    pub fn in_file(mut self, file: &Path) -> Self {
        self.location = Some(Location::new(file, 0, 0));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => crate::tr!("diagnostic-error"),
            Severity::Warning => crate::tr!("diagnostic-warning"),
        };
        writeln!(f, "{label}: {}", self.message)?;
        if let Some(location) = &self.location {
            let file = location.file.display();
            let gutter = " ".repeat(location.line.to_string().len());
            if location.line == 0 {
                writeln!(f, " --> {file}")?;
            } else {
                writeln!(
                    f,
                    "{gutter}--> {file}:{}:{}",
                    location.line, location.column
                )?;
            }
            if let Some(line) = &self.source_line {
                let number = location.line.to_string();
                let pad = " ".repeat(number.len());
                // Columns count characters, so Persian text lines up too.
                let caret_pad: String = line
                    .chars()
                    .take(location.column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(f, "{pad} |")?;
                writeln!(f, "{number} | {line}")?;
                writeln!(f, "{pad} | {caret_pad}{}", "^".repeat(location.width))?;
            }
        }
        if let Some(help) = &self.help {
            // Aligned with the `|` gutter, as rustc does.
            let gutter = match (&self.location, &self.source_line) {
                (Some(location), Some(_)) => location.line.to_string().len(),
                _ => 1,
            };
            writeln!(
                f,
                "{} = {}: {help}",
                " ".repeat(gutter),
                crate::tr!("diagnostic-help")
            )?;
        }
        Ok(())
    }
}

/// `n` and the noun that goes with it: `1 expiry`, `2 expiries`, `12,000 events`.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{} {}", number(n), if n == 1 { one } else { many })
}

/// A count as people read it, in groups of three: `120,000`.
pub fn number(n: impl Into<u64>) -> String {
    crate::amount::grouped(rust_decimal::Decimal::from(n.into()))
}

/// The known name nearest to `unknown`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    unknown: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// Prints diagnostics to stderr in order and says how many errors and warnings there were.
pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| format!("{d}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_line_and_caret() {
        let source = "id: cafe\n  tresholds: 3\n";
        let d = Diagnostic::error("unknown key `tresholds`")
            .at(Location::new("club.yaml", 2, 3).with_width(9), Some(source))
            .with_help("did you mean `thresholds`?");
        assert_eq!(
            d.to_string(),
            "error: unknown key `tresholds`\n --> club.yaml:2:3\n  |\n2 |   tresholds: 3\n  |   ^^^^^^^^^\n  = help: did you mean `thresholds`?\n"
        );
    }

    #[test]
    fn suggests_only_close_names() {
        assert_eq!(
            did_you_mean("tresholds", ["thresholds", "rules"]),
            Some("thresholds")
        );
        assert_eq!(did_you_mean("zzz", ["thresholds", "rules"]), None);
    }
}
