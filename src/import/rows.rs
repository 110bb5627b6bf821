//! Reading rows from CSV (header row) or JSON Lines, with their line numbers.
//!
//! Both formats become [`Row`]s: named [`Field`]s (a CSV cell is text; JSON keeps its
//! shape and its numbers' text, see [`super::json`]), so that the rest of the import does
//! not care which format it came from. The values a row holds are read into types once,
//! here and in `event_row`/`member_row`, through the accessors of [`Row`]: each refuses a
//! value of the wrong kind with the row's line and the column's name.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use rust_decimal::Decimal;

use super::header_map::HeaderMap;
use super::json::{self, Field};
use super::report::RowProblem;
use crate::locale::numerals;
use crate::tr;

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

/// The lines of a regular file: at least as many as its rows (a header and line breaks
/// inside quoted fields are counted too). Counted ahead of an import so that a club whose
/// members' books will not all fit in memory knows it early ([`at_most`],
/// `ImportOptions::expected_rows`); reading a file of ten million rows this way takes a
/// fraction of a second and leaves it in the operating system's cache for the import.
/// `None` for anything but a regular file, or when it cannot be read (the import itself
/// then says why).
pub fn lines_in(path: &Path) -> Option<u64> {
    let mut file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut buffer = vec![0u8; 1 << 20];
    let mut lines = 0u64;
    loop {
        let read = match file.read(&mut buffer) {
            Ok(0) => return Some(lines),
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        lines += memchr::memchr_iter(b'\n', &buffer[..read]).count() as u64;
    }
}

/// `rows`, saying through [`Iterator::size_hint`] that at most `bound` are left (a
/// file's lines, [`lines_in`]): what an import reads as the number of rows to expect.
/// Without a bound, `rows` as they are.
pub fn at_most(rows: Rows, bound: Option<u64>) -> Rows {
    match bound {
        None => rows,
        Some(left) => Box::new(AtMost { rows, left }),
    }
}

struct AtMost {
    rows: Rows,
    left: u64,
}

impl Iterator for AtMost {
    type Item = Result<Row, RowProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        self.left = self.left.saturating_sub(1);
        self.rows.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (low, high) = self.rows.size_hint();
        // A bound that turned out too small (a file that grew) is no bound.
        let left = usize::try_from(self.left).ok().filter(|&left| left > 0);
        let high = match (high, left) {
            (Some(high), Some(left)) => Some(high.min(left)),
            (high, left) => high.or(left),
        };
        (low, high)
    }
}

/// One input row: its line and its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub fields: BTreeMap<String, Field>,
}

impl Row {
    /// A problem with `column` of this row.
    pub fn problem(&self, column: &str, message: impl Into<String>) -> RowProblem {
        RowProblem::rejected(self.line, Some(column), message)
    }

    /// A field that holds text, trimmed: `None` if it is absent, null or empty; refused if
    /// it is a JSON number, true or false, a list or an object (issue 12: `"member": {}`
    /// created the member `{}`).
    pub fn text(&self, name: &str) -> Result<Option<&str>, RowProblem> {
        match self.fields.get(name) {
            None | Some(Field::Null) => Ok(None),
            Some(Field::Text(text)) => Ok(Some(text.trim()).filter(|t| !t.is_empty())),
            Some(Field::Number(number)) => Err(self.problem(
                name,
                tr!("rows-text-not-number", name = name, number = number),
            )),
            Some(other) => {
                Err(self.problem(name, tr!("rows-text-not", name = name, kind = other.kind())))
            }
        }
    }

    /// An identifier — an event's `id`, its `member`, `original`, `store`... — as
    /// [`Row::text`], and without control characters (a NUL or a line break in an id is
    /// a broken export, and would make a member no one can look up).
    pub fn id(&self, name: &str) -> Result<Option<&str>, RowProblem> {
        let text = self.text(name)?;
        if let Some(c) = text.and_then(|t| t.chars().find(|c| c.is_control())) {
            return Err(self.problem(
                name,
                tr!(
                    "rows-control-character",
                    name = name,
                    code = format!("U+{:04X}", u32::from(c))
                ),
            ));
        }
        Ok(text)
    }

    /// A required [`Row::id`].
    pub fn required_id(&self, name: &str) -> Result<&str, RowProblem> {
        self.id(name)?
            .ok_or_else(|| self.problem(name, tr!("rows-empty", name = name)))
    }

    /// A number: text as people write it (`1,250,000`, `۱۲٬۵۰۰`) or a JSON number read
    /// from its text, exact and no larger than [`crate::amount::LARGEST`]; with the
    /// value as written, for messages. `None` if absent, null or empty.
    pub fn number(&self, name: &str) -> Result<Option<(Decimal, String)>, RowProblem> {
        number(self.fields.get(name), name).map_err(|message| self.problem(name, message))
    }

    /// A field as text for a label (the id of a refused event in an answer): what
    /// [`Row::text`] gives, and nothing for a value of another kind.
    pub fn label(&self, name: &str) -> Option<String> {
        self.text(name).ok().flatten().map(str::to_owned)
    }
}

/// A number held by `field`, named `name` in messages (see [`Row::number`]).
pub fn number(field: Option<&Field>, name: &str) -> Result<Option<(Decimal, String)>, String> {
    match field {
        None | Some(Field::Null) => Ok(None),
        Some(Field::Text(text)) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            crate::amount::parse_bounded(text).map(|value| Some((value, text.to_owned())))
        }
        Some(Field::Number(text)) => {
            crate::amount::parse_json_number(text).map(|value| Some((value, text.clone())))
        }
        Some(other) => Err(tr!("rows-number-not", name = name, kind = other.kind())),
    }
}

/// A problem with the whole input (not one row): it cannot be read at all.
#[derive(Debug)]
pub enum InputError {
    Unreadable {
        file: String,
        message: String,
    },
    MissingColumn {
        file: String,
        column: String,
        required: String,
        /// What to do: the file's column that is probably it, or how to map one.
        hint: String,
    },
    /// Told once for the file, not once for every row under it.
    BadHeader {
        file: String,
        message: String,
    },
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Unreadable { file, message } => {
                f.write_str(&tr!("rows-cannot-read", file = file, reason = message))
            }
            InputError::MissingColumn {
                file,
                column,
                required,
                hint,
            } => {
                let problem = tr!("rows-missing-column", column = column, required = required);
                // `file:line` is a place editors open, in ASCII digits in any language.
                write!(f, "{file}:1: {problem}{hint}")
            }
            InputError::BadHeader { file, message } => {
                write!(f, "{file}:1: {message}")
            }
        }
    }
}

impl std::error::Error for InputError {}

/// A help line under a problem: `\n  = help: …`.
fn help(text: String) -> String {
    format!("\n  = {}: {text}", tr!("diagnostic-help"))
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
    // One column holding the others' names with another separator between them: a
    // spreadsheet saved with `;` (some locales) or tabs. Not read that way on a guess: in
    // those files a comma is often the decimal point (`12,50`).
    if let [only] = written {
        for (separator, name) in [(';', tr!("rows-semicolons")), ('\t', tr!("rows-tabs"))] {
            if only.split(separator).count() > 1 {
                return help(tr!("rows-separator-help", separator = name));
            }
        }
    }
    let lower: Vec<String> = written.iter().map(|h| h.to_lowercase()).collect();
    let close = crate::diagnostic::did_you_mean(column, lower.iter().map(String::as_str))
        .and_then(|found| lower.iter().position(|h| h == found))
        .map(|index| &written[index]);
    match close {
        Some(header) if names.is_empty() => help(tr!(
            "rows-close-column-help",
            header = header,
            column = column
        )),
        Some(header) => help(tr!(
            "rows-close-column-profile-help",
            header = header,
            column = column
        )),
        None if names.is_empty() => help(tr!(
            "rows-file-columns-help",
            columns = written
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(&crate::tr!("list-comma"))
        )),
        None => {
            let sources = names.sources_of(column);
            if sources.is_empty() {
                help(tr!("rows-profile-maps-none-help", column = column))
            } else {
                help(tr!(
                    "rows-profile-reads-help",
                    column = column,
                    sources = sources
                        .iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(&tr!("rows-or"))
                ))
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
        .from_reader(LineEndsAsLf::new(reader));
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
                    .join(&crate::tr!("list-comma")),
                hint: missing_column_hint(column, &written, names),
            });
        }
    }
    // A column named twice: which one would a row mean? Said once, before any row.
    for (i, header) in headers.iter().enumerate() {
        if let Some(j) = headers[i + 1..].iter().position(|h| h == header) {
            if header.is_empty() {
                continue;
            }
            return Err(InputError::BadHeader {
                file: file.to_owned(),
                message: tr!(
                    "rows-header-twice",
                    header = header,
                    first = numerals(&(i + 1).to_string()),
                    second = numerals(&(i + j + 2).to_string())
                ),
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
                    .map(|(h, v)| (h.clone(), Field::Text(v.to_owned())))
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

/// A reader that passes on `\r\n`, and a `\r` alone, as `\n`.
///
/// The `csv` crate ends a record at the `\r` of a `\r\n` and counts lines by `\n`, so
/// in a file with Windows line endings (Excel's default) the position it gives each record
/// is that of the `\n` before it: every line number was one too low (issue 12). With old
/// Mac line endings (a `\r` alone, Excel's "CSV (Macintosh)") every row was line 1 (found
/// by the fuzz suite). A line break inside a quoted cell becomes `\n` too, which is how
/// spreadsheets write them.
struct LineEndsAsLf<R> {
    inner: BufReader<R>,
    /// A `\r` read at the end of the last chunk, not passed on yet: whether a `\n`
    /// follows decides what it was.
    carriage_return: bool,
}

impl<R: Read> LineEndsAsLf<R> {
    fn new(inner: R) -> LineEndsAsLf<R> {
        LineEndsAsLf {
            inner: BufReader::new(inner),
            carriage_return: false,
        }
    }
}

impl<R: Read> Read for LineEndsAsLf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while written < out.len() {
            let input = self.inner.fill_buf()?;
            let Some(&first) = input.first() else {
                // The end: a `\r` held back was a line end of its own.
                if std::mem::take(&mut self.carriage_return) {
                    out[written] = b'\n';
                    written += 1;
                }
                break;
            };
            if self.carriage_return {
                self.carriage_return = false;
                if first != b'\n' {
                    // A `\r` alone ends a line too.
                    out[written] = b'\n';
                    written += 1;
                    continue;
                }
            }
            // Copy up to the next `\r`, which is held back until what follows is seen.
            let room = out.len() - written;
            let (chunk, ends_in_cr) = match input[..input.len().min(room)]
                .iter()
                .position(|b| *b == b'\r')
            {
                Some(at) => (at, true),
                None => (input.len().min(room), false),
            };
            out[written..written + chunk].copy_from_slice(&input[..chunk]);
            written += chunk;
            if ends_in_cr {
                self.carriage_return = true;
                self.inner.consume(chunk + 1);
            } else {
                self.inner.consume(chunk);
            }
            // Hand back what there is rather than wait for more input.
            if written > 0 && self.inner.buffer().is_empty() {
                break;
            }
        }
        Ok(written)
    }
}

fn csv_message(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            tr!(
                "rows-field-count",
                fields = numerals(&len.to_string()),
                header = numerals(&expected_len.to_string())
            )
        }
        csv::ErrorKind::Utf8 { .. } => tr!("rows-not-unicode"),
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
                    tr!(
                        "rows-cannot-read-rest",
                        file = &file,
                        reason = e.to_string()
                    ),
                )))
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        return Some(match json::read(&line) {
            Ok(Field::Object(fields)) if names.is_empty() => Ok(Row {
                line: number,
                fields,
            }),
            Ok(Field::Object(fields)) => Ok(Row {
                line: number,
                fields: fields
                    .into_iter()
                    .filter_map(|(key, value)| names.column(&key).map(|key| (key, value)))
                    .collect(),
            }),
            Ok(_) => Err(RowProblem::rejected(
                number,
                None,
                tr!("rows-line-not-object"),
            )),
            Err(error) => Err(RowProblem::rejected(
                number,
                error.column(),
                error.to_string(),
            )),
        });
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file's lines bound its rows (its header, and a quoted field's line break, count
    /// too), and the rows read through [`at_most`] say so as they are read; a file that
    /// turns out longer than its bound says nothing once the bound is spent.
    #[test]
    fn a_files_lines_bound_its_rows_as_they_are_read() {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let path = dir.path().join("purchases.csv");
        let csv = "id,member,date,amount,note\n\
                   P1,M1,2025-03-01,100,\"two\nlines\"\n\
                   P2,M2,2025-03-02,200,\n";
        std::fs::write(&path, csv).expect("a file");
        assert_eq!(lines_in(&path), Some(4));
        assert_eq!(lines_in(dir.path()), None, "a folder");
        assert_eq!(lines_in(&dir.path().join("missing.csv")), None);

        let open = || {
            let file = std::fs::File::open(&path).expect("the file");
            read_rows(file, FileFormat::Csv, "purchases.csv", &["id"]).expect("rows")
        };
        let mut rows = at_most(open(), lines_in(&path));
        assert_eq!(rows.size_hint().1, Some(4));
        assert!(rows.next().is_some());
        assert_eq!(rows.size_hint().1, Some(3));
        assert_eq!(rows.count(), 1, "two rows in four lines");

        let mut short = at_most(open(), Some(1));
        assert!(short.next().is_some());
        assert_eq!(short.size_hint().1, None, "the bound is spent");
        assert!(short.next().is_some());
        assert_eq!(at_most(open(), None).size_hint().1, None);
    }
}
