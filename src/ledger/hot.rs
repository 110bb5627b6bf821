//! The inserts every event is recorded with (its event row, its entries, their lots),
//! prepared once per SQLite connection and bound without copying their text.
//!
//! rusqlite binds every text and blob as `SQLITE_TRANSIENT`: SQLite allocates a copy of
//! each string, copies it, and frees the copy at the next bind. An import binds some fifty
//! values an event, and binding was a fifth of its writer thread's instructions. The values
//! these inserts bind all outlive the row's write (they are borrowed from the plan being
//! recorded), so here they are bound `SQLITE_STATIC` through SQLite's C interface, and
//! the bindings are cleared before [`HotStatement::execute`] returns, so SQLite never
//! holds a pointer past it. The statements belong to the [`Ledger`](super::Ledger),
//! which finalizes them before it closes its connection; held across transactions,
//! they are also not looked up in rusqlite's statement cache for every row.

use std::ffi::{c_int, CStr};
use std::ptr::{self, NonNull};

use rusqlite::ffi;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::Connection;

/// One prepared statement on one SQLite connection, finalized when dropped.
pub(super) struct HotStatement {
    statement: NonNull<ffi::sqlite3_stmt>,
    connection: NonNull<ffi::sqlite3>,
}

// SAFETY: the ledger opens SQLite connections in multi-thread mode, where a connection
// and its statements may move between threads as long as one thread uses them at a time.
// A `HotStatement` is only reachable through its `Ledger`, which holds the connection
// too and is not `Sync`, so the two move, and are used, together.
unsafe impl Send for HotStatement {}

/// The error SQLite reports on `connection` after a call returned `code`.
fn error(connection: *mut ffi::sqlite3, code: c_int) -> rusqlite::Error {
    // SAFETY: `connection` is an open connection; `sqlite3_errmsg` returns a string it
    // owns, valid until the next call on it, and copied here at once.
    let (extended, message) = unsafe {
        let message = ffi::sqlite3_errmsg(connection);
        let message =
            (!message.is_null()).then(|| CStr::from_ptr(message).to_string_lossy().into_owned());
        (ffi::sqlite3_extended_errcode(connection), message)
    };
    // A code the connection did not record (a misuse caught before it) is the call's own.
    let code = if extended & 0xff == code & 0xff {
        extended
    } else {
        code
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), message)
}

impl HotStatement {
    /// Prepares `sql` (one statement) on `connection`.
    pub(super) fn prepare(connection: &Connection, sql: &str) -> rusqlite::Result<HotStatement> {
        // SAFETY: `handle` is the open connection rusqlite holds; the statement made here
        // is finalized (Drop) before the ledger drops that connection.
        let db = unsafe { connection.handle() };
        let length = c_int::try_from(sql.len()).map_err(|_| {
            rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_TOOBIG), None)
        })?;
        let mut statement = ptr::null_mut();
        // SAFETY: `sql` is valid for `length` bytes; SQLite writes the new statement (or
        // null) into `statement`.
        let code = unsafe {
            ffi::sqlite3_prepare_v3(
                db,
                sql.as_ptr().cast(),
                length,
                ffi::SQLITE_PREPARE_PERSISTENT as _,
                &mut statement,
                ptr::null_mut(),
            )
        };
        if code != ffi::SQLITE_OK {
            return Err(error(db, code));
        }
        match (NonNull::new(statement), NonNull::new(db)) {
            (Some(statement), Some(connection)) => Ok(HotStatement {
                statement,
                connection,
            }),
            _ => Err(rusqlite::Error::InvalidQuery),
        }
    }

    /// Runs the statement once with `values` (rusqlite's `ToSql::to_sql` of each argument)
    /// as its parameters `?1`, `?2`, …; it must produce no rows. Parameters not given
    /// are NULL.
    pub(super) fn execute<'v>(
        &mut self,
        values: impl IntoIterator<Item = rusqlite::Result<ToSqlOutput<'v>>>,
    ) -> rusqlite::Result<()> {
        // Kept until the row is written: the bindings point into them.
        let mut held: [ToSqlOutput<'v>; 16] =
            std::array::from_fn(|_| ToSqlOutput::Owned(Value::Null));
        let mut count = 0;
        for value in values {
            let Some(slot) = held.get_mut(count) else {
                return Err(rusqlite::Error::InvalidParameterCount(
                    count + 1,
                    held.len(),
                ));
            };
            *slot = value?;
            count += 1;
        }
        let result = self.bind_and_step(&held[..count]);
        // SAFETY: the statement is ours; reset readies it for the next row and clearing
        // the bindings lets go of every pointer into `values` before they are dropped.
        unsafe {
            ffi::sqlite3_reset(self.statement.as_ptr());
            ffi::sqlite3_clear_bindings(self.statement.as_ptr());
        }
        result
    }

    fn bind_and_step(&mut self, values: &[ToSqlOutput<'_>]) -> rusqlite::Result<()> {
        let statement = self.statement.as_ptr();
        for (index, value) in values.iter().enumerate() {
            let value = match value {
                ToSqlOutput::Borrowed(value) => *value,
                ToSqlOutput::Owned(value) => ValueRef::from(value),
                _ => return Err(rusqlite::Error::InvalidQuery),
            };
            let index = c_int::try_from(index + 1)
                .map_err(|_| rusqlite::Error::InvalidParameterCount(index + 1, values.len()))?;
            let too_big =
                || rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_TOOBIG), None);
            // SAFETY: `statement` is ours and `index` within its parameters (SQLite
            // checks, returning SQLITE_RANGE otherwise). Text and blobs are bound
            // SQLITE_STATIC: they live in `values`, which outlives the step below and
            // whose bindings `execute` clears before they are dropped. An empty text or
            // blob still has a valid (dangling but non-null) pointer, which SQLite
            // never reads for zero bytes.
            let code = unsafe {
                match value {
                    ValueRef::Null => ffi::sqlite3_bind_null(statement, index),
                    ValueRef::Integer(number) => ffi::sqlite3_bind_int64(statement, index, number),
                    ValueRef::Real(number) => ffi::sqlite3_bind_double(statement, index, number),
                    ValueRef::Text(text) => ffi::sqlite3_bind_text(
                        statement,
                        index,
                        text.as_ptr().cast(),
                        c_int::try_from(text.len()).map_err(|_| too_big())?,
                        ffi::SQLITE_STATIC(),
                    ),
                    ValueRef::Blob(blob) => ffi::sqlite3_bind_blob(
                        statement,
                        index,
                        blob.as_ptr().cast(),
                        c_int::try_from(blob.len()).map_err(|_| too_big())?,
                        ffi::SQLITE_STATIC(),
                    ),
                }
            };
            if code != ffi::SQLITE_OK {
                return Err(error(self.connection.as_ptr(), code));
            }
        }
        // SAFETY: every parameter is bound (or NULL); the statement is ours.
        match unsafe { ffi::sqlite3_step(statement) } {
            ffi::SQLITE_DONE => Ok(()),
            ffi::SQLITE_ROW => Err(rusqlite::Error::ExecuteReturnedResults),
            code => Err(error(self.connection.as_ptr(), code)),
        }
    }
}

impl Drop for HotStatement {
    fn drop(&mut self) {
        // SAFETY: the statement is ours and its connection still open (the ledger drops
        // its hot statements before its connection).
        unsafe {
            ffi::sqlite3_finalize(self.statement.as_ptr());
        }
    }
}

/// The statements [`HotStatement`] serves, prepared the first time each is used: the
/// inserts of every event, and the update of a returning member's row (every post on
/// the HTTP path writes one).
#[derive(Default)]
pub(super) struct HotWrites {
    pub event: Option<HotStatement>,
    pub entry: Option<HotStatement>,
    pub lot: Option<HotStatement>,
    pub member_totals: Option<HotStatement>,
    pub member_totals_and_tier: Option<HotStatement>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Connection {
        let connection = Connection::open_in_memory().expect("in-memory SQLite");
        connection
            .execute_batch(
                "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, r REAL, b BLOB, o TEXT)",
            )
            .expect("table");
        connection
    }

    const INSERT: &str = "INSERT INTO t (id, n, r, b, o) VALUES (?1, ?2, ?3, ?4, ?5)";

    /// As the ledger's inserts call it.
    fn run(insert: &mut HotStatement, args: &[&dyn rusqlite::ToSql]) -> rusqlite::Result<()> {
        insert.execute(args.iter().map(|arg| arg.to_sql()))
    }

    type Row = (
        String,
        Option<i64>,
        Option<f64>,
        Option<Vec<u8>>,
        Option<String>,
    );

    fn rows(connection: &Connection) -> Vec<Row> {
        let mut statement = connection
            .prepare("SELECT id, n, r, b, o FROM t ORDER BY rowid")
            .expect("select");
        statement
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("rows read")
    }

    #[test]
    fn every_kind_of_value_is_written_as_bound_and_no_binding_outlives_its_row() {
        let connection = table();
        let mut insert = HotStatement::prepare(&connection, INSERT).expect("prepared");
        {
            // Owned strings dropped right after the row is written: a binding SQLite
            // kept would point at freed memory when the next row reuses the statement.
            let id = String::from("سلام\u{0}world");
            let blob = vec![0u8, 1, 2, 255];
            let other: Option<String> = Some("x".repeat(10_000));
            run(&mut insert, &[&id, &i64::MIN, &1.5f64, &blob, &other]).expect("first row");
        }
        let none: Option<String> = None;
        run(
            &mut insert,
            &[&"", &i64::MAX, &none, &Vec::<u8>::new(), &none],
        )
        .expect("second row, NULLs and empty values");
        // The third row binds fewer values than the statement has parameters: the ones
        // left out are NULL, not what the previous row bound.
        run(&mut insert, &[&"third"]).expect("third row");
        assert_eq!(
            rows(&connection),
            vec![
                (
                    "سلام\u{0}world".to_owned(),
                    Some(i64::MIN),
                    Some(1.5),
                    Some(vec![0, 1, 2, 255]),
                    Some("x".repeat(10_000))
                ),
                (String::new(), Some(i64::MAX), None, Some(vec![]), None),
                ("third".to_owned(), None, None, None, None),
            ]
        );
    }

    #[test]
    fn a_failed_insert_says_why_as_rusqlite_would_and_the_statement_goes_on() {
        let connection = table();
        let mut insert = HotStatement::prepare(&connection, INSERT).expect("prepared");
        run(&mut insert, &[&"a", &1i64]).expect("first row");
        let error = run(&mut insert, &[&"a", &2i64]).expect_err("the same id again");
        assert_eq!(
            error.sqlite_error_code(),
            Some(rusqlite::ErrorCode::ConstraintViolation)
        );
        assert!(
            error.to_string().contains("UNIQUE constraint failed: t.id"),
            "{error}"
        );
        run(&mut insert, &[&"b", &3i64]).expect("the next row");
        let ids: Vec<String> = rows(&connection).into_iter().map(|r| r.0).collect();
        assert_eq!(ids, ["a", "b"]);
        // Too many values, or a statement that is not SQL, are errors too, not panics.
        let too_many: Vec<&dyn rusqlite::ToSql> = vec![&1i64; 17];
        assert!(run(&mut insert, &too_many).is_err());
        assert!(run(&mut insert, &[&"c", &1i64, &1.0f64, &"b", &"o", &6i64]).is_err());
        assert!(HotStatement::prepare(&connection, "INSERT INTO nowhere VALUES (1)").is_err());
        assert!(HotStatement::prepare(&connection, "").is_err());
        assert_eq!(rows(&connection).len(), 2);
    }
}
