//! Getting a club's data out for a CRM, a BI tool or a spreadsheet: members (balance and
//! tier), entries, lots or messages, as CSV or JSON Lines, streamed from one consistent
//! snapshot of the ledger ([`crate::ledger::export`]), so that memory stays flat on a
//! million members. Members and entries can be exported as they stood at a past instant.
//!
//! Amounts are written exactly as the ledger holds them (decimal text, never floating
//! point); times are UTC, ISO 8601, as stored.

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ledger::{Ledger, LedgerError};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Table {
    /// One line per member: type, joined, birthday, balance, tier.
    Members,
    /// Every ledger entry: member, event, time, rule, kind, points, reason, version.
    Entries,
    /// Every lot: points earned together, what remains, when they expire.
    Lots,
    /// Every message in the outbox and what became of it.
    Messages,
}

/// How to write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// The columns of each table, in order (the CSV header; the JSON keys).
pub fn columns(table: Table) -> &'static [&'static str] {
    match table {
        Table::Members => &["id", "type", "joined", "birthday", "balance", "tier"],
        Table::Entries => &[
            "seq",
            "member",
            "event",
            "time",
            "rule",
            "kind",
            "points",
            "reason",
            "policy_version",
        ],
        Table::Lots => &[
            "seq",
            "member",
            "event",
            "points",
            "remaining",
            "expired",
            "earned_at",
            "spendable_at",
            "expires_at",
        ],
        Table::Messages => &[
            "seq",
            "member",
            "occasion",
            "channel",
            "created_at",
            "deliver_after",
            "language",
            "status",
            "attempts",
            "sent_at",
            "text",
        ],
    }
}

/// Why an export stopped.
#[derive(Debug)]
pub enum ExportError {
    Ledger(LedgerError),
    Write(String),
    /// `--at` asked of a table that keeps no history of its rows.
    NoPast(Table),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Ledger(error) => write!(f, "{error}"),
            ExportError::Write(message) => write!(f, "cannot write the export: {message}"),
            ExportError::NoPast(table) => write!(
                f,
                "{} are exported as they stand now: --at is for members and entries",
                columns_name(*table)
            ),
        }
    }
}

fn columns_name(table: Table) -> &'static str {
    match table {
        Table::Members => "members",
        Table::Entries => "entries",
        Table::Lots => "lots",
        Table::Messages => "messages",
    }
}

impl From<LedgerError> for ExportError {
    fn from(error: LedgerError) -> Self {
        ExportError::Ledger(error)
    }
}

/// Writes every row of `table` to `out` as `format`, from one snapshot of `ledger`, as
/// things stood at `at` (now without); returns how many rows.
pub fn export(
    ledger: &Ledger,
    table: Table,
    format: Format,
    at: Option<DateTime<Utc>>,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    if at.is_some() && matches!(table, Table::Lots | Table::Messages) {
        return Err(ExportError::NoPast(table));
    }
    let mut sink = Sink::new(format, out, columns(table))?;
    // A write error is kept here and the read stopped with a ledger error that says so;
    // the write error is what the caller sees.
    let mut failed: Option<String> = None;
    let read = ledger.in_snapshot(|ledger| {
        let mut put = |record: &dyn erased::Record| -> Result<(), LedgerError> {
            sink.put(record).map_err(|message| {
                failed = Some(message);
                LedgerError::corrupt("the export could not be written")
            })
        };
        match table {
            Table::Members => ledger.export_members(at, |r| put(&r)),
            Table::Entries => ledger.export_entries(at, |r| put(&r)),
            Table::Lots => ledger.export_lots(|r| put(&r)),
            Table::Messages => ledger.export_messages(|r| put(&r)),
        }
    });
    if let Some(message) = failed {
        return Err(ExportError::Write(message));
    }
    read?;
    sink.finish().map_err(ExportError::Write)
}

/// Where rows go, in the chosen format.
struct Sink<'w> {
    format: Format,
    csv: Option<csv::Writer<&'w mut dyn Write>>,
    json: Option<std::io::BufWriter<&'w mut dyn Write>>,
    rows: u64,
}

impl<'w> Sink<'w> {
    fn new(
        format: Format,
        out: &'w mut dyn Write,
        header: &[&str],
    ) -> Result<Sink<'w>, ExportError> {
        let mut sink = Sink {
            format,
            csv: None,
            json: None,
            rows: 0,
        };
        match format {
            Format::Csv => {
                let mut writer = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(out);
                writer
                    .write_record(header)
                    .map_err(|e| ExportError::Write(e.to_string()))?;
                sink.csv = Some(writer);
            }
            Format::Jsonl => sink.json = Some(std::io::BufWriter::new(out)),
        }
        Ok(sink)
    }

    fn put(&mut self, record: &dyn erased::Record) -> Result<(), String> {
        self.rows += 1;
        match (self.format, &mut self.csv, &mut self.json) {
            (Format::Csv, Some(writer), _) => record.csv(writer),
            (Format::Jsonl, _, Some(writer)) => record.json(writer),
            _ => Err("no writer".into()),
        }
    }

    fn finish(mut self) -> Result<u64, String> {
        if let Some(writer) = &mut self.csv {
            writer.flush().map_err(|e| e.to_string())?;
        }
        if let Some(writer) = &mut self.json {
            writer.flush().map_err(|e| e.to_string())?;
        }
        Ok(self.rows)
    }
}

/// The four record types behind one object-safe interface.
mod erased {
    use std::io::Write;

    pub trait Record {
        fn csv(&self, writer: &mut csv::Writer<&mut dyn Write>) -> Result<(), String>;
        fn json(&self, writer: &mut std::io::BufWriter<&mut dyn Write>) -> Result<(), String>;
    }

    impl<T: super::Serialize> Record for T {
        fn csv(&self, writer: &mut csv::Writer<&mut dyn Write>) -> Result<(), String> {
            writer.serialize(self).map_err(|e| e.to_string())
        }
        fn json(&self, writer: &mut std::io::BufWriter<&mut dyn Write>) -> Result<(), String> {
            serde_json::to_writer(&mut *writer, self).map_err(|e| e.to_string())?;
            writer.write_all(b"\n").map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_written_even_when_there_is_nothing_to_export() {
        let ledger = Ledger::open_in_memory().unwrap();
        let mut out = Vec::new();
        let rows = export(&ledger, Table::Members, Format::Csv, None, &mut out).unwrap();
        assert_eq!(rows, 0);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,type,joined,birthday,balance,tier\n"
        );
        let mut out = Vec::new();
        let refused = export(
            &ledger,
            Table::Lots,
            Format::Csv,
            Some(Utc::now()),
            &mut out,
        );
        assert!(matches!(refused, Err(ExportError::NoPast(Table::Lots))));
    }
}
