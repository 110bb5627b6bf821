//! Moving a club's ledger between the stores (`bashgah migrate`): every row of every table
//! copied as it is (row numbers included, since lots, checkpoints and delivery attempts
//! name rows by them) into an empty ledger, in one transaction, and verified before it
//! commits: the copy's [`Ledger::dump`] (every member, event, entry, lot and use) must be
//! the source's, else nothing is written.

use super::migrations::TABLES;
use super::store::{Ledger, LedgerError};

/// What was copied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Copied {
    /// Rows per table, in [`TABLES`] order (tables with none left out).
    pub rows: Vec<(&'static str, u64)>,
    pub members: i64,
    pub events: i64,
    pub entries: i64,
}

/// Copies `from` into `to`, which must hold nothing yet (no member, event or policy
/// version), and checks the copy against the source before committing.
pub fn copy_ledger(from: &Ledger, to: &Ledger) -> Result<Copied, LedgerError> {
    let (members, events, entries) = to.counts()?;
    let versions = to.latest_policy_version()?;
    if members + events + entries > 0 || versions.is_some() {
        return Err(LedgerError::corrupt(format!(
            "the target ledger is not empty ({members} members, {events} events, {entries} entries): a ledger is only ever copied into an empty one"
        )));
    }
    to.begin()?;
    let copied = copy_rows(from, to).and_then(|rows| {
        to.db().after_copy(TABLES)?;
        if to.dump_digest()? != from.dump_digest()? {
            return Err(LedgerError::corrupt(
                "the copy differs from the source; nothing was written",
            ));
        }
        let (members, events, entries) = from.counts()?;
        Ok(Copied {
            rows,
            members,
            events,
            entries,
        })
    });
    match copied {
        Ok(copied) => {
            to.commit()?;
            to.refresh_statistics()?;
            Ok(copied)
        }
        Err(error) => {
            to.rollback()?;
            Err(error)
        }
    }
}

/// Rows are copied this many at a time: memory stays flat however large the ledger.
const COPY_CHUNK: usize = 10_000;

/// Each table's rows streamed from the source and written a chunk at a time, with one
/// bulk `COPY` per chunk on PostgreSQL (a statement per row on SQLite, where a statement
/// costs no round trip).
fn copy_rows(from: &Ledger, to: &Ledger) -> Result<Vec<(&'static str, u64)>, LedgerError> {
    let mut rows = Vec::new();
    for table in TABLES {
        let mut columns: Vec<String> = Vec::new();
        let mut chunk: Vec<Vec<rusqlite::types::Value>> = Vec::with_capacity(COPY_CHUNK);
        let mut count = 0_u64;
        from.db()
            .stream_values(&format!("SELECT * FROM {table}"), |names, values| {
                if columns.is_empty() {
                    columns = names.to_vec();
                }
                chunk.push(values.to_vec());
                count += 1;
                if chunk.len() == COPY_CHUNK {
                    to.db().copy_in(table, &columns, &chunk)?;
                    chunk.clear();
                }
                Ok(())
            })?;
        if !chunk.is_empty() {
            to.db().copy_in(table, &columns, &chunk)?;
        }
        if count > 0 {
            rows.push((*table, count));
        }
    }
    Ok(rows)
}
