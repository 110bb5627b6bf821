//! The two databases a ledger can live in, behind one small interface: SQLite (one file
//! per club, embedded, the default) and PostgreSQL (one schema per club, for clubs that
//! outgrow one machine).
//!
//! Every statement is written once, in the SQL both understand (`ON CONFLICT`,
//! `RETURNING`, `COALESCE`, numbered parameters `?1`), and handed to the database as it
//! is: PostgreSQL's copy only has its parameters renumbered `$1` ([`postgres_sql`]). What
//! the two do differently (opening, pragmas, transactions, how another writer is noticed)
//! is in [`super::store`], one `match` per difference. No ORM: the SQL is what runs.
//!
//! Values go in through [`Param`] (anything both drivers can bind) and come out through
//! [`Column`] (anything both can read). PostgreSQL is strict about types where SQLite is
//! not, so the PostgreSQL schema declares every integer `BIGINT` (Rust's `i64`), every flag
//! `BIGINT` 0/1 as SQLite stores it, and every text `COLLATE "C"` (byte order, as SQLite
//! compares): the same statement then sorts and compares the same way in both.

use std::cell::{Cell, RefCell, RefMut};
use std::collections::HashMap;

use rusqlite::Connection;

use super::error::LedgerError;
use super::pool::Borrowed;

type Result<T> = std::result::Result<T, LedgerError>;

/// A value both drivers can bind as a statement parameter.
pub trait Param: rusqlite::ToSql + postgres::types::ToSql + Sync {
    fn as_sqlite(&self) -> &dyn rusqlite::ToSql;
    fn as_postgres(&self) -> &(dyn postgres::types::ToSql + Sync);
}

impl<T: rusqlite::ToSql + postgres::types::ToSql + Sync> Param for T {
    fn as_sqlite(&self) -> &dyn rusqlite::ToSql {
        self
    }
    fn as_postgres(&self) -> &(dyn postgres::types::ToSql + Sync) {
        self
    }
}

/// A value both drivers can read from a column, and PostgreSQL's text form of it (a
/// prefetched row, [`Db::prefetch`]).
pub trait Column: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a> + Sized {
    fn from_text(text: Option<&str>) -> Result<Self>;
}

fn not_null(text: Option<&str>) -> Result<&str> {
    text.ok_or_else(|| LedgerError::corrupt("NULL where the ledger holds a value"))
}

impl Column for String {
    fn from_text(text: Option<&str>) -> Result<Self> {
        not_null(text).map(str::to_owned)
    }
}

impl Column for i64 {
    fn from_text(text: Option<&str>) -> Result<Self> {
        let text = not_null(text)?;
        text.parse()
            .map_err(|_| LedgerError::corrupt(format!("`{text}` in the ledger is not an integer")))
    }
}

impl Column for bool {
    fn from_text(text: Option<&str>) -> Result<Self> {
        Ok(matches!(not_null(text)?, "t" | "true" | "1"))
    }
}

impl<T: Column> Column for Option<T>
where
    Option<T>: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a>,
{
    fn from_text(text: Option<&str>) -> Result<Self> {
        text.map(|t| T::from_text(Some(t))).transpose()
    }
}

/// `args![a, b]`: a statement's parameters, for either database.
macro_rules! args {
    () => { &[] as &[&dyn $crate::ledger::db::Param] };
    ($($value:expr),+ $(,)?) => { &[$(&$value as &dyn $crate::ledger::db::Param),+] as &[&dyn $crate::ledger::db::Param] };
}
pub(crate) use args;

/// One row of a result, from either database.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
    /// A row PostgreSQL sent as text, in a batch of queries ([`Db::prefetch`]).
    Text(&'a postgres::SimpleQueryRow),
}

impl Row<'_> {
    /// Column `index` (from 0).
    pub fn get<T: Column>(&self, index: usize) -> Result<T> {
        match self {
            Row::Sqlite(row) => Ok(row.get(index)?),
            Row::Postgres(row) => Ok(row.try_get(index)?),
            Row::Text(row) => T::from_text(row.try_get(index)?),
        }
    }
}

/// A club's PostgreSQL connection: a session borrowed from the database's pool (the
/// driver's client and its prepared statements, prepared once per connection as SQLite's
/// statement cache does), and whether a transaction is open (PostgreSQL's client does not
/// say).
pub struct Postgres {
    session: RefCell<Borrowed>,
    in_transaction: Cell<bool>,
    /// A projection started outside any transaction began one of its own, to roll back.
    projection_transaction: Cell<bool>,
    /// [`Postgres::next_version`]'s last answer.
    version: Cell<i64>,
    /// Rows read ahead in one round trip ([`Db::prefetch`]), by the query with its values
    /// written in: taken by the first statement that asks exactly that.
    prefetched: RefCell<HashMap<String, Vec<postgres::SimpleQueryRow>>>,
    /// Writes not sent yet, as SQL with their values written in ([`Db::write`]).
    pending: RefCell<String>,
    /// The club whose schema this connection uses: its advisory locks are named after it.
    pub club: String,
    /// Whether this connection holds the club's clock (see `Ledger::lead_clock`).
    pub leads_clock: Cell<bool>,
    /// Whether a session setting (`lock_timeout`, ...) was changed from the database's
    /// default: the session is then not lent again.
    pub settings_changed: Cell<bool>,
    /// See `Ledger::read_books_in_one_trip`.
    pub books_in_one_trip: Cell<bool>,
}

impl Postgres {
    pub fn new(session: Borrowed, club: &str) -> Postgres {
        Postgres {
            session: RefCell::new(session),
            in_transaction: Cell::new(false),
            projection_transaction: Cell::new(false),
            version: Cell::new(0),
            pending: RefCell::default(),
            prefetched: RefCell::default(),
            club: club.to_owned(),
            leads_clock: Cell::new(false),
            settings_changed: Cell::new(false),
            books_in_one_trip: Cell::new(false),
        }
    }

    /// The driver's client, for one statement.
    pub fn client(&self) -> RefMut<'_, postgres::Client> {
        RefMut::map(self.session.borrow_mut(), |session| &mut session.client)
    }

    /// Notes which schema the session's `search_path` names (`None`: not known).
    pub fn schema_is(&self, schema: Option<&str>) {
        self.session.borrow_mut().schema = schema.map(str::to_owned);
    }

    /// Makes `schema` (quoted) the session's `search_path`, unless it already is.
    pub fn use_schema(&self, schema: &str) -> Result<()> {
        let mut session = self.session.borrow_mut();
        if session.schema.as_deref() != Some(schema) {
            session.schema = None;
            session
                .client
                .batch_execute(&format!("SET search_path TO {schema}"))?;
            session.schema = Some(schema.to_owned());
        }
        Ok(())
    }

    /// Whether the connection to the database was lost (it restarted, or dropped us): the
    /// ledger is then of no more use, and its owner opens another.
    pub fn connection_lost(&self) -> bool {
        self.session.borrow_mut().client.is_closed()
    }

    /// A number never given before by this connection: see `Ledger::data_version`.
    pub fn next_version(&self) -> i64 {
        self.version.set(self.version.get().wrapping_add(1));
        self.version.get()
    }

    /// Every row of `sql`, whose only parameter (`$1`) is the text array `values`: one
    /// round trip for what SQLite asks row by row (it has no arrays, and needs no trip).
    pub fn query_text_array(&self, sql: &str, values: &[&str]) -> Result<Vec<postgres::Row>> {
        self.flush()?;
        Ok(self.client().query(sql, &[&values])?)
    }

    /// Sends the writes [`Db::write`] held back, in one round trip: before anything else
    /// is asked of the database, so that everything sees them.
    fn flush(&self) -> Result<()> {
        let pending = std::mem::take(&mut *self.pending.borrow_mut());
        if !pending.is_empty() {
            self.client().batch_execute(&pending)?;
        }
        Ok(())
    }

    fn statement(&self, sql: &'static str) -> Result<postgres::Statement> {
        let mut session = self.session.borrow_mut();
        if let Some(statement) = session.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = session.client.prepare(&postgres_sql(sql))?;
        session.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn params<'p>(args: &'p [&'p dyn Param]) -> Vec<&'p (dyn postgres::types::ToSql + Sync)> {
        args.iter().map(|arg| arg.as_postgres()).collect()
    }

    pub fn set_in_transaction(&self, open: bool) {
        self.in_transaction.set(open);
    }

    pub fn in_transaction(&self) -> bool {
        self.in_transaction.get() || self.projection_transaction.get()
    }

    pub fn set_projection_began_transaction(&self, began: bool) {
        self.projection_transaction.set(began);
    }

    pub fn projection_began_transaction(&self) -> bool {
        self.projection_transaction.get()
    }
}

impl Drop for Postgres {
    /// Gives the session back to the pool, or closes it when the next borrower must not
    /// inherit its state: a transaction still open, writes never sent, the club's clock
    /// lock (held by the session until it closes).
    fn drop(&mut self) {
        let dirty = self.in_transaction()
            || self.leads_clock.get()
            || self.settings_changed.get()
            || !self.pending.get_mut().is_empty();
        if dirty {
            self.session.get_mut().tainted = true;
        }
    }
}

/// One row in `COPY`'s text format: values separated by tabs, `\N` for NULL, and a
/// backslash before what would otherwise end a value or a line.
fn copy_text_line(row: &[rusqlite::types::Value], line: &mut String) -> Result<()> {
    use rusqlite::types::Value;
    use std::fmt::Write;
    for (index, value) in row.iter().enumerate() {
        if index > 0 {
            line.push('\t');
        }
        match value {
            Value::Null => line.push_str("\\N"),
            Value::Integer(v) => {
                let _ = write!(line, "{v}");
            }
            Value::Real(v) => {
                let _ = write!(line, "{v}");
            }
            Value::Text(text) => {
                for c in text.chars() {
                    match c {
                        '\\' => line.push_str("\\\\"),
                        '\t' => line.push_str("\\t"),
                        '\n' => line.push_str("\\n"),
                        '\r' => line.push_str("\\r"),
                        c => line.push(c),
                    }
                }
            }
            Value::Blob(_) => return Err(LedgerError::corrupt("a ledger holds no binary values")),
        }
    }
    line.push('\n');
    Ok(())
}

/// The database under a ledger.
pub enum Db {
    Sqlite(Connection),
    // Boxed: a ledger is made once and used for many statements; the box keeps SQLite's
    // ledgers (the default) small.
    Postgres(Box<Postgres>),
}

/// Writes held back on PostgreSQL are sent once they reach this size, whatever comes next.
const PENDING_LIMIT: usize = 1 << 20;

impl Db {
    /// Runs a write whose result nobody reads (an insert, an update). SQLite runs it at
    /// once. PostgreSQL holds it, its values written into the SQL, and sends all it holds
    /// in one round trip before the next statement of any other kind (a read, a savepoint,
    /// a commit): an import's writes then cost a round trip per batch of events instead of
    /// one per row. A failing write is reported by whatever sends it; the transaction is
    /// then rolled back, as after any failed write.
    pub fn write(&self, sql: &'static str, args: &[&dyn Param]) -> Result<()> {
        match self {
            Db::Sqlite(_) => self.execute(sql, args).map(|_| ()),
            Db::Postgres(pg) => {
                let full = {
                    let mut pending = pg.pending.borrow_mut();
                    with_literals(sql, args, &mut pending)?;
                    pending.push_str(";\n");
                    pending.len() >= PENDING_LIMIT
                };
                if full {
                    pg.flush()?;
                }
                Ok(())
            }
        }
    }

    /// Asks PostgreSQL every one of `queries` in one round trip (values written in, as
    /// [`Db::write`] does) and keeps the rows until [`Db::for_each`] (or `query`,
    /// `query_opt`) asks exactly that query, then answers it from them; call
    /// [`Db::forget_prefetched`] when done. SQLite does nothing: it reads in-process.
    pub fn prefetch(&self, queries: &[(&'static str, &[&dyn Param])]) -> Result<()> {
        let Db::Postgres(pg) = self else {
            return Ok(());
        };
        pg.flush()?;
        let mut keys = Vec::with_capacity(queries.len());
        let mut batch = String::new();
        for (sql, args) in queries {
            let mut key = String::new();
            with_literals(sql, args, &mut key)?;
            batch.push_str(&key);
            batch.push_str(";\n");
            keys.push(key);
        }
        let messages = pg.client().simple_query(&batch)?;
        let mut sets: Vec<Vec<postgres::SimpleQueryRow>> = vec![Vec::new()];
        for message in messages {
            match message {
                postgres::SimpleQueryMessage::Row(row) => {
                    if let Some(set) = sets.last_mut() {
                        set.push(row);
                    }
                }
                postgres::SimpleQueryMessage::CommandComplete(_) => sets.push(Vec::new()),
                _ => {}
            }
        }
        let mut prefetched = pg.prefetched.borrow_mut();
        for (key, rows) in keys.into_iter().zip(sets) {
            prefetched.insert(key, rows);
        }
        Ok(())
    }

    /// Drops rows [`Db::prefetch`] read that nobody asked for.
    pub fn forget_prefetched(&self) {
        if let Db::Postgres(pg) = self {
            pg.prefetched.borrow_mut().clear();
        }
    }

    /// The rows [`Db::prefetch`] read for exactly this query, if it did.
    fn prefetched(
        &self,
        sql: &str,
        args: &[&dyn Param],
    ) -> Result<Option<Vec<postgres::SimpleQueryRow>>> {
        let Db::Postgres(pg) = self else {
            return Ok(None);
        };
        if pg.prefetched.borrow().is_empty() {
            return Ok(None);
        }
        let mut key = String::new();
        with_literals(sql, args, &mut key)?;
        Ok(pg.prefetched.borrow_mut().remove(&key))
    }

    /// Sends held-back writes (PostgreSQL), so that what follows sees them.
    fn flushed(&self) -> Result<&Db> {
        if let Db::Postgres(pg) = self {
            pg.flush()?;
        }
        Ok(self)
    }

    /// Runs a statement that returns no rows; the number of rows it changed.
    pub fn execute(&self, sql: &'static str, args: &[&dyn Param]) -> Result<usize> {
        let _ = self.flushed()?;
        match self {
            Db::Sqlite(conn) => {
                let mut statement = bound(conn, sql, args)?;
                Ok(statement.raw_execute()?)
            }
            Db::Postgres(pg) => {
                let statement = pg.statement(sql)?;
                let changed = pg.client().execute(&statement, &Postgres::params(args))?;
                Ok(usize::try_from(changed).unwrap_or(usize::MAX))
            }
        }
    }

    /// Calls `each` for every row, in the order the statement gives them.
    pub fn for_each(
        &self,
        sql: &'static str,
        args: &[&dyn Param],
        mut each: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        if let Some(rows) = self.prefetched(sql, args)? {
            for row in &rows {
                each(&Row::Text(row))?;
            }
            return Ok(());
        }
        let _ = self.flushed()?;
        match self {
            Db::Sqlite(conn) => {
                let mut statement = bound(conn, sql, args)?;
                let mut rows = statement.raw_query();
                while let Some(row) = rows.next()? {
                    each(&Row::Sqlite(row))?;
                }
                Ok(())
            }
            Db::Postgres(pg) => {
                let statement = pg.statement(sql)?;
                let rows = pg.client().query(&statement, &Postgres::params(args))?;
                for row in &rows {
                    each(&Row::Postgres(row))?;
                }
                Ok(())
            }
        }
    }

    /// Like [`Db::for_each`], but PostgreSQL's rows arrive as they are read rather than
    /// all at once: for reads of a whole table (an export), in flat memory. `each` must not
    /// use the database meanwhile.
    pub fn stream(
        &self,
        sql: &'static str,
        args: &[&dyn Param],
        mut each: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        match self {
            Db::Sqlite(_) => self.for_each(sql, args, each),
            Db::Postgres(pg) => {
                use postgres::fallible_iterator::FallibleIterator;
                pg.flush()?;
                let statement = pg.statement(sql)?;
                let mut client = pg.client();
                let mut rows = client.query_raw(&statement, Postgres::params(args))?;
                while let Some(row) = rows.next()? {
                    each(&Row::Postgres(&row))?;
                }
                Ok(())
            }
        }
    }

    /// Every row, each made into a `T`.
    pub fn query<T>(
        &self,
        sql: &'static str,
        args: &[&dyn Param],
        mut make: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut all = Vec::new();
        self.for_each(sql, args, |row| {
            all.push(make(row)?);
            Ok(())
        })?;
        Ok(all)
    }

    /// The first row made into a `T`, if there is one.
    pub fn query_opt<T>(
        &self,
        sql: &'static str,
        args: &[&dyn Param],
        make: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        if let Some(rows) = self.prefetched(sql, args)? {
            return rows.first().map(|row| make(&Row::Text(row))).transpose();
        }
        let _ = self.flushed()?;
        match self {
            Db::Sqlite(conn) => {
                let mut statement = bound(conn, sql, args)?;
                let mut rows = statement.raw_query();
                match rows.next()? {
                    Some(row) => Ok(Some(make(&Row::Sqlite(row))?)),
                    None => Ok(None),
                }
            }
            Db::Postgres(pg) => {
                let statement = pg.statement(sql)?;
                let row = pg.client().query_opt(&statement, &Postgres::params(args))?;
                match row {
                    Some(row) => Ok(Some(make(&Row::Postgres(&row))?)),
                    None => Ok(None),
                }
            }
        }
    }

    /// The first row made into a `T`; no row at all is an error (the statement always
    /// returns one: a count, a sum).
    pub fn query_one<T>(
        &self,
        sql: &'static str,
        args: &[&dyn Param],
        make: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        self.query_opt(sql, args, make)?
            .ok_or_else(|| LedgerError::corrupt(format!("no row where one was expected: {sql}")))
    }

    /// Every row of `sql` (no parameters), each column as SQLite would give it (a
    /// PostgreSQL integer as `Integer`, text as `Text`): for comparing two ledgers whatever
    /// database each is in.
    pub fn values(&self, sql: &str) -> Result<Vec<Vec<rusqlite::types::Value>>> {
        let mut all = Vec::new();
        self.stream_values(sql, |_, row| {
            all.push(row.to_vec());
            Ok(())
        })?;
        Ok(all)
    }

    /// [`Db::values`] row by row, with the column names: PostgreSQL's rows arrive as they
    /// are read, SQLite's as they are stepped, so a whole table is read in flat memory.
    /// `each` must not use the database meanwhile.
    pub fn stream_values(
        &self,
        sql: &str,
        mut each: impl FnMut(&[String], &[rusqlite::types::Value]) -> Result<()>,
    ) -> Result<()> {
        let _ = self.flushed()?;
        use rusqlite::types::Value;
        match self {
            Db::Sqlite(conn) => {
                let mut statement = conn.prepare(sql)?;
                let names: Vec<String> = statement
                    .column_names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                let mut rows = statement.query([])?;
                let mut fields = Vec::with_capacity(names.len());
                while let Some(row) = rows.next()? {
                    fields.clear();
                    for i in 0..names.len() {
                        fields.push(row.get::<_, Value>(i)?);
                    }
                    each(&names, &fields)?;
                }
            }
            Db::Postgres(pg) => {
                use postgres::fallible_iterator::FallibleIterator;
                use postgres::types::Type;
                let mut client = pg.client();
                let statement = client.prepare(&postgres_sql(sql))?;
                let names: Vec<String> = statement
                    .columns()
                    .iter()
                    .map(|c| c.name().to_owned())
                    .collect();
                let none: [&(dyn postgres::types::ToSql + Sync); 0] = [];
                let mut rows = client.query_raw(&statement, none)?;
                let mut fields = Vec::with_capacity(names.len());
                while let Some(row) = rows.next()? {
                    fields.clear();
                    for (i, column) in row.columns().iter().enumerate() {
                        let value = match *column.type_() {
                            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Integer),
                            Type::INT4 => row
                                .try_get::<_, Option<i32>>(i)?
                                .map(|v| Value::Integer(v.into())),
                            Type::BOOL => row
                                .try_get::<_, Option<bool>>(i)?
                                .map(|v| Value::Integer(v.into())),
                            _ => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
                        };
                        fields.push(value.unwrap_or(Value::Null));
                    }
                    each(&names, &fields)?;
                }
            }
        }
        Ok(())
    }

    /// Inserts one row of values (as [`Db::values`] gives them) with `sql`, each value
    /// converted to the type the target column has.
    pub fn insert_values(&self, sql: &str, values: &[rusqlite::types::Value]) -> Result<()> {
        let _ = self.flushed()?;
        use rusqlite::types::Value;
        match self {
            Db::Sqlite(conn) => {
                let mut statement = conn.prepare_cached(sql)?;
                for (index, value) in values.iter().enumerate() {
                    statement.raw_bind_parameter(index + 1, value)?;
                }
                statement.raw_execute()?;
            }
            Db::Postgres(pg) => {
                use postgres::types::{ToSql, Type};
                let statement = pg.client().prepare(&postgres_sql(sql))?;
                let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(values.len());
                for (value, kind) in values.iter().zip(statement.params()) {
                    let integer = *kind == Type::INT8;
                    params.push(match value {
                        Value::Null if integer => Box::new(None::<i64>),
                        Value::Null => Box::new(None::<String>),
                        Value::Integer(v) if integer => Box::new(*v),
                        Value::Integer(v) => Box::new(v.to_string()),
                        Value::Text(text) if integer => {
                            Box::new(text.parse::<i64>().map_err(|_| {
                                LedgerError::corrupt(format!("`{text}` is not an integer"))
                            })?)
                        }
                        Value::Text(text) => Box::new(text.clone()),
                        Value::Real(v) => Box::new(v.to_string()),
                        Value::Blob(_) => {
                            return Err(LedgerError::corrupt("a ledger holds no binary values"))
                        }
                    });
                }
                let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
                pg.client().execute(&statement, &refs)?;
            }
        }
        Ok(())
    }

    /// Inserts every one of `rows` (as [`Db::values`] gives them) into `columns` of
    /// `table`. PostgreSQL takes them with one `COPY … FROM STDIN`, a stream rather than a
    /// statement per row: the bulk path for moving a whole ledger (`bashgah migrate`).
    /// SQLite inserts them one by one, in-process.
    pub fn copy_in(
        &self,
        table: &str,
        columns: &[String],
        rows: &[Vec<rusqlite::types::Value>],
    ) -> Result<()> {
        let names = columns.join(", ");
        match self {
            Db::Sqlite(_) => {
                let places: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let sql = format!(
                    "INSERT INTO {table} ({names}) VALUES ({})",
                    places.join(", ")
                );
                for row in rows {
                    self.insert_values(&sql, row)?;
                }
                Ok(())
            }
            Db::Postgres(pg) => {
                use std::io::Write;
                pg.flush()?;
                let mut client = pg.client();
                let mut writer = client.copy_in(&format!("COPY {table} ({names}) FROM STDIN"))?;
                let mut line = String::new();
                for row in rows {
                    line.clear();
                    copy_text_line(row, &mut line)?;
                    writer
                        .write_all(line.as_bytes())
                        .map_err(|e| LedgerError::corrupt(format!("COPY into {table}: {e}")))?;
                }
                writer.finish()?;
                Ok(())
            }
        }
    }

    /// After rows were copied in with their own numbers: PostgreSQL's identity columns
    /// go on from the highest number copied (SQLite's always do).
    pub fn after_copy(&self, tables: &[&str]) -> Result<()> {
        let _ = self.flushed()?;
        let Db::Postgres(pg) = self else {
            return Ok(());
        };
        for table in tables {
            let mut client = pg.client();
            // Asked only of tables that have a `seq` (an error would end the transaction).
            let sequence: Option<String> = client
                .query_opt(
                    "SELECT pg_get_serial_sequence($1::text, 'seq') FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name::text = $1::text AND column_name = 'seq'",
                    &[table],
                )?
                .and_then(|row| row.get(0));
            if let Some(sequence) = sequence {
                client.execute(
                    &format!(
                        "SELECT setval($1::text::regclass, COALESCE((SELECT MAX(seq) FROM {table}), 0) + 1, false)"
                    ),
                    &[&sequence],
                )?;
            }
        }
        Ok(())
    }

    /// Runs statements with no parameters (a transaction's boundaries, a savepoint).
    pub fn batch(&self, sql: &str) -> Result<()> {
        match self {
            Db::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Db::Postgres(pg) => {
                if sql == "ROLLBACK" {
                    // Everything since BEGIN is undone: what was held back too.
                    pg.pending.borrow_mut().clear();
                } else {
                    pg.flush()?;
                }
                Ok(pg.client().batch_execute(sql)?)
            }
        }
    }

    /// Whether a transaction is open.
    pub fn in_transaction(&self) -> bool {
        match self {
            Db::Sqlite(conn) => !conn.is_autocommit(),
            Db::Postgres(pg) => pg.in_transaction(),
        }
    }
}

/// Appends `sql` to `out` with each parameter `?N` replaced by `args[N - 1]` written as a
/// PostgreSQL literal (see [`Db::write`]). Values are what SQLite would bind (rusqlite's
/// `ToSql`, which every [`Param`] has): NULL, an integer, a real or text; text is written
/// as an escape string, `E'…'`, with quotes and backslashes escaped, so it means the same
/// whatever `standard_conforming_strings` says.
fn with_literals(sql: &str, args: &[&dyn Param], out: &mut String) -> Result<()> {
    use rusqlite::types::{ToSqlOutput, ValueRef};
    use std::fmt::Write as _;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut number = 0_usize;
                while let Some(digit) = chars.peek().and_then(|d| d.to_digit(10)) {
                    number = number.saturating_mul(10).saturating_add(digit as usize);
                    chars.next();
                }
                let arg = number
                    .checked_sub(1)
                    .and_then(|i| args.get(i))
                    .ok_or_else(|| {
                        LedgerError::corrupt(format!("no value for ?{number} in {sql}"))
                    })?;
                let value = arg.as_sqlite().to_sql()?;
                let value = match &value {
                    ToSqlOutput::Borrowed(value) => *value,
                    ToSqlOutput::Owned(value) => ValueRef::from(value),
                    _ => {
                        return Err(LedgerError::corrupt(format!(
                            "?{number} in {sql} is not a plain value"
                        )))
                    }
                };
                match value {
                    ValueRef::Null => out.push_str("NULL"),
                    ValueRef::Integer(i) => {
                        let _ = write!(out, "{i}");
                    }
                    ValueRef::Real(r) => {
                        let _ = write!(out, "{r:?}");
                    }
                    ValueRef::Text(bytes) => {
                        let text = std::str::from_utf8(bytes).map_err(|_| {
                            LedgerError::corrupt(format!("?{number} in {sql} is not UTF-8"))
                        })?;
                        out.push_str("E'");
                        for ch in text.chars() {
                            match ch {
                                '\'' => out.push_str("''"),
                                '\\' => out.push_str("\\\\"),
                                _ => out.push(ch),
                            }
                        }
                        out.push('\'');
                    }
                    ValueRef::Blob(_) => {
                        return Err(LedgerError::corrupt(format!(
                            "?{number} in {sql} is binary; a ledger holds none"
                        )));
                    }
                }
            }
            None => out.push(c),
        }
    }
    Ok(())
}

/// SQLite's cached statement for `sql`, with `args` bound.
fn bound<'c>(
    conn: &'c Connection,
    sql: &str,
    args: &[&dyn Param],
) -> Result<rusqlite::CachedStatement<'c>> {
    let mut statement = conn.prepare_cached(sql)?;
    for (index, arg) in args.iter().enumerate() {
        statement.raw_bind_parameter(index + 1, arg.as_sqlite())?;
    }
    Ok(statement)
}

/// `sql` as PostgreSQL takes it: parameters `?N` become `$N`. A `?` inside a quoted string
/// or identifier is left alone.
pub fn postgres_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::postgres_sql;

    #[test]
    fn held_back_writes_have_their_values_written_in() {
        let mut out = String::new();
        let text = "it's a \\ path";
        let none: Option<String> = None;
        super::with_literals(
            "INSERT INTO t (a, b, c, d) VALUES (?1, ?2, ?3, '?4', ?1)",
            &[&42_i64, &text, &none],
            &mut out,
        )
        .unwrap();
        assert_eq!(
            out,
            "INSERT INTO t (a, b, c, d) VALUES (42, E'it''s a \\\\ path', NULL, '?4', 42)"
        );
        let missing = super::with_literals("SELECT ?2", &[&1_i64], &mut String::new());
        assert!(missing.is_err());
    }

    #[test]
    fn copy_lines_escape_what_would_end_a_value_or_a_line() {
        use rusqlite::types::Value;
        let mut line = String::new();
        super::copy_text_line(
            &[
                Value::Integer(-7),
                Value::Null,
                Value::Text("a\tb\nc\\N\r".into()),
                Value::Text("\\.".into()),
            ],
            &mut line,
        )
        .unwrap();
        assert_eq!(line, "-7\t\\N\ta\\tb\\nc\\\\N\\r\t\\\\.\n");
    }

    #[test]
    fn parameters_are_renumbered_outside_quotes_only() {
        assert_eq!(
            postgres_sql("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND d = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND d = $12"
        );
    }
}
