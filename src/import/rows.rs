//! Reading rows from CSV (header row) or JSON Lines, with their line numbers.
//!
//! Both formats become [`Row`]s: named text fields plus, from JSON, structured line items,
//! so that the rest of the import does not care which format it came from.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;

use super::profile::HeaderMap;
use super::report::RowProblem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    Csv,
    Jsonl,
}

impl FileFormat {
    /// `.csv` is CSV; `.jsonl`, `.ndjson` and `.json` are JSON Lines.
    pub fn from_path(path: &Path) -> Option<FileFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(FileFormat::Csv),
            "jsonl" | "ndjson" | "json" => Some(FileFormat::Jsonl),
            _ => None,
        }
    }
}

/// The rows of a file, as read; sendable so that a reading thread can own them.
pub type Rows = Box<dyn Iterator<Item = Result<Row, RowProblem>> + Send>;

/// One input row: its line and its fields (JSON values kept for nested `items`).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub fields: BTreeMap<String, Value>,
}

impl Row {
    /// A field as trimmed text; `None` if absent or empty.
    pub fn text(&self, name: &str) -> Option<String> {
        match self.fields.get(name)? {
            Value::Null => None,
            Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            other => Some(other.to_string()),
        }
    }
}

/// A problem with the whole input (not one row): it cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read `{file}`: {message}")]
    Unreadable { file: String, message: String },
    #[error(
        "{file}:1: the header has no `{column}` column; required columns are {required}{hint}"
    )]
    MissingColumn {
        file: String,
        column: String,
        required: String,
        /// What to do: the file's column that is probably it, or how to map one.
        hint: String,
    },
}

/// Reads every row of `reader`. Rows that cannot be parsed come back as problems;
/// required `columns` missing from a CSV header fail the whole file.
pub fn read_rows(
    reader: impl Read + Send + 'static,
    format: FileFormat,
    file: &str,
    required: &[&str],
) -> Result<Rows, InputError> {
    read_rows_mapped(reader, format, file, required, &HeaderMap::default())
}

/// [`read_rows`] with the file's column names mapped to bashgah's (an import profile's
/// `columns`): in the CSV header once, or in each JSON Lines object's keys.
pub fn read_rows_mapped(
    reader: impl Read + Send + 'static,
    format: FileFormat,
    file: &str,
    required: &[&str],
    names: &HeaderMap,
) -> Result<Rows, InputError> {
    match format {
        FileFormat::Csv => read_csv(reader, file, required, names),
        FileFormat::Jsonl => Ok(read_jsonl(reader, file, names.clone())),
    }
}

/// Why a required column may be missing, and how to fix it: a header close to its name,
/// or a profile's column that should map to it.
fn missing_column_hint(column: &str, written: &[String], names: &HeaderMap) -> String {
    let lower: Vec<String> = written.iter().map(|h| h.to_lowercase()).collect();
    let close = crate::diagnostic::did_you_mean(column, lower.iter().map(String::as_str))
        .and_then(|found| lower.iter().position(|h| h == found))
        .map(|index| &written[index]);
    match close {
        Some(header) if names.is_empty() => format!(
            "\n  = help: is `{header}` the `{column}` column? rename it in the file, or map it with an import profile (`import.profiles` in club.yaml, `--profile NAME`)"
        ),
        Some(header) => format!(
            "\n  = help: is `{header}` the `{column}` column? map it in the profile's `columns`"
        ),
        None if names.is_empty() => format!(
            "\n  = help: the file's columns are {}; an import profile (`import.profiles` in club.yaml, `--profile NAME`) maps another system's names",
            written.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
        ),
        None => {
            let sources = names.sources_of(column);
            if sources.is_empty() {
                format!("\n  = help: the profile maps no column of the file to `{column}`")
            } else {
                format!(
                    "\n  = help: the profile reads `{column}` from {}, which the file does not have",
                    sources.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(" or ")
                )
            }
        }
    }
}

fn read_csv(
    reader: impl Read + Send + 'static,
    file: &str,
    required: &[&str],
    names: &HeaderMap,
) -> Result<Rows, InputError> {
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let written: Vec<String> = csv
        .headers()
        .map_err(|e| InputError::Unreadable {
            file: file.to_owned(),
            message: e.to_string(),
        })?
        .iter()
        // Spreadsheets often save a byte-order mark before the first header.
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    // A column the profile drops is kept as an empty name and skipped in every row.
    let headers: Vec<String> = written
        .iter()
        .map(|h| {
            if names.is_empty() {
                h.to_ascii_lowercase()
            } else {
                names.column(h).unwrap_or_default()
            }
        })
        .collect();
    for column in required {
        if !headers.iter().any(|h| h == column) {
            return Err(InputError::MissingColumn {
                file: file.to_owned(),
                column: (*column).to_owned(),
                required: required
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                hint: missing_column_hint(column, &written, names),
            });
        }
    }
    let mut records = csv.into_records();
    let mut failed = false;
    Ok(Box::new(std::iter::from_fn(move || {
        if failed {
            return None;
        }
        let record = records.next()?;
        Some(match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                let fields = headers
                    .iter()
                    .zip(record.iter())
                    .filter(|(h, _)| !h.is_empty())
                    .map(|(h, v)| (h.clone(), Value::String(v.to_owned())))
                    .collect();
                Ok(Row { line, fields })
            }
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                if let csv::ErrorKind::Io(_) = error.kind() {
                    // The rest of the file cannot be read; stop after reporting it.
                    failed = true;
                }
                Err(RowProblem::rejected(line, None, csv_message(&error)))
            }
        })
    })))
}

fn csv_message(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("the row has {len} fields but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => {
            "the row is not valid UTF-8 text; save the file as UTF-8".into()
        }
        _ => error.to_string(),
    }
}

fn read_jsonl(reader: impl Read + Send + 'static, file: &str, names: HeaderMap) -> Rows {
    let file = file.to_owned();
    let mut lines = BufReader::new(reader).lines();
    let mut number = 0u64;
    Box::new(std::iter::from_fn(move || loop {
        number += 1;
        let line = match lines.next()? {
            Ok(line) => line,
            Err(e) => {
                return Some(Err(RowProblem::rejected(
                    number,
                    None,
                    format!("cannot read {file}: {e}"),
                )))
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        return Some(match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(object)) if names.is_empty() => Ok(Row {
                line: number,
                fields: object.into_iter().collect(),
            }),
            Ok(Value::Object(object)) => Ok(Row {
                line: number,
                fields: object
                    .into_iter()
                    .filter_map(|(key, value)| names.column(&key).map(|key| (key, value)))
                    .collect(),
            }),
            Ok(_) => Err(RowProblem::rejected(
                number,
                None,
                "each line must be a JSON object `{...}`",
            )),
            Err(e) => Err(RowProblem::rejected(
                number,
                None,
                format!("invalid JSON: {e}"),
            )),
        });
    }))
}
