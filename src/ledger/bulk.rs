//! The first import into a SQLite ledger writes the file directly, not through its
//! write-ahead log.
//!
//! In WAL mode every page an import writes is written twice: into the log when a batch
//! commits (and again each time the page cache spills mid-batch), then into the file by
//! the checkpoint, which the import waits for at its end. A ledger with no events yet has
//! nothing a concurrent reader could want, so its first import switches it to a rollback
//! journal for the import's length: pages the file did not have before are journaled not
//! at all, and every page is written once. `synchronous = FULL` meanwhile, which a rollback
//! journal needs to survive a power loss (WAL is safe with NORMAL). The ledger goes back
//! to WAL when the import ends, however it ends; a ledger left in rollback mode (the
//! process was killed) rolls back its open batch, as a WAL ledger would, and is switched
//! back by the next [`Ledger::open`]. 0.87x the time of a 100,000-purchase import into a
//! new ledger, 0.88x at a million (docs/PERFORMANCE.md, ninth stop).
//!
//! Only when nothing else has the ledger open: the switch needs the file to itself, and
//! is tried without waiting, so an import beside a running host process (which holds the
//! ledger open) writes through the log as any other. While the switch holds, others wait
//! for the import as they would for any write lock, and a reader waits too.

use rusqlite::Connection;

use super::db::Db;
use super::store::{Ledger, LedgerError};

type Result<T> = std::result::Result<T, LedgerError>;

/// Asks `conn` to change its journal to `mode` without waiting for other connections:
/// whether it did (a refusal, busy or not, leaves the journal as it was). The busy
/// timeout is put back whatever happens.
fn switch_journal(conn: &Connection, mode: &str) -> Result<bool> {
    let wait: i64 = conn.pragma_query_value(None, "busy_timeout", |r| r.get(0))?;
    conn.pragma_update(None, "busy_timeout", 0)?;
    let switched =
        conn.pragma_update_and_check(None, "journal_mode", mode, |r| r.get::<_, String>(0));
    conn.pragma_update(None, "busy_timeout", wait)?;
    Ok(switched.is_ok_and(|now| now.eq_ignore_ascii_case(mode)))
}

/// A ledger switched to a rollback journal for one import: give it back to
/// [`Ledger::end_bulk_load`].
#[must_use = "the ledger stays out of WAL mode until `end_bulk_load`"]
pub struct BulkLoad {
    /// `PRAGMA synchronous` before the switch.
    synchronous: i64,
}

impl Ledger {
    /// Switches a SQLite ledger file that holds no events, and that no other connection
    /// has open, to a rollback journal for an import; `None` (nothing changed) otherwise:
    /// PostgreSQL, a ledger in memory, a ledger with events, inside a transaction.
    pub fn start_bulk_load(&self) -> Result<Option<BulkLoad>> {
        let Db::Sqlite(conn) = self.db() else {
            return Ok(None);
        };
        if !conn.is_autocommit() {
            return Ok(None);
        }
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Ok(None);
        }
        let empty: bool =
            conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM events)", [], |r| r.get(0))?;
        if !empty {
            return Ok(None);
        }
        let synchronous: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
        // Tried without waiting: another connection holding the ledger open (the host
        // process), idle or writing, makes SQLite refuse the switch, and the import then
        // simply goes through the log. SQLite refuses at once without asking the busy
        // handler (the unit test below checks the time); the zero timeout keeps it so.
        if !switch_journal(conn, "DELETE")? {
            return Ok(None);
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(Some(BulkLoad { synchronous }))
    }

    /// Puts the ledger back in WAL mode after [`Ledger::start_bulk_load`]. If the switch
    /// cannot be made (another connection opened the ledger meanwhile and is reading it),
    /// the ledger stays in rollback mode, which is as safe, until the next
    /// [`Ledger::open`] switches it.
    pub fn end_bulk_load(&self, bulk: BulkLoad) -> Result<()> {
        let Db::Sqlite(conn) = self.db() else {
            return Ok(());
        };
        conn.pragma_update(None, "synchronous", bulk.synchronous)?;
        // A refusal is not the import's failure: see above.
        switch_journal(conn, "WAL")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal_mode(ledger: &Ledger) -> String {
        let Db::Sqlite(conn) = ledger.db() else {
            panic!("a SQLite ledger");
        };
        conn.pragma_query_value(None, "journal_mode", |r| r.get(0))
            .expect("journal mode")
    }

    fn add_event(ledger: &Ledger) {
        let Db::Sqlite(conn) = ledger.db() else {
            panic!("a SQLite ledger");
        };
        conn.execute_batch(
            "INSERT INTO policy_versions (id, club, first_used, files) VALUES ('v', 'c', '2025-01-01T00:00:00Z', '{}');
             INSERT INTO members (id, type, joined) VALUES ('m1', 'individual', '2025-01-01');
             INSERT INTO events (id, member, type, time, amount, fingerprint, policy_version)
             VALUES ('e1', 'm1', 'purchase', '2025-01-01T00:00:00Z', '1', 'f', 'v');",
        )
        .expect("an event");
    }

    #[test]
    fn a_ledger_with_no_events_and_no_other_connection_is_written_directly_then_back_to_wal() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("club.sqlite");
        let ledger = Ledger::open(&path).expect("ledger");
        assert_eq!(journal_mode(&ledger), "wal");
        let bulk = ledger.start_bulk_load().expect("start").expect("switched");
        assert_eq!(journal_mode(&ledger), "delete");
        ledger.begin().expect("begin");
        add_event(&ledger);
        ledger.commit().expect("commit");
        ledger.end_bulk_load(bulk).expect("end");
        assert_eq!(journal_mode(&ledger), "wal");
        drop(ledger);
        // What was written is there for the next opener, in WAL mode.
        let again = Ledger::open(&path).expect("opened again");
        assert_eq!(journal_mode(&again), "wal");
        assert_eq!(again.counts().expect("counts").1, 1);
        // Now it holds an event: the next import goes through the log.
        assert!(again.start_bulk_load().expect("asked").is_none());
        assert_eq!(journal_mode(&again), "wal");
    }

    #[test]
    fn another_connection_a_transaction_or_a_ledger_in_memory_keeps_the_log() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("club.sqlite");
        let ledger = Ledger::open(&path).expect("ledger");
        // The host process holding the ledger open, idle or in the middle of a write:
        // refused at once, not after the ledger's busy wait (10 s).
        let other = Ledger::open(&path).expect("a second connection");
        assert!(ledger.start_bulk_load().expect("asked").is_none());
        other.begin().expect("the other connection writes");
        let asked = std::time::Instant::now();
        assert!(ledger.start_bulk_load().expect("asked").is_none());
        assert!(asked.elapsed() < std::time::Duration::from_secs(2));
        other.rollback().expect("rollback");
        assert_eq!(journal_mode(&ledger), "wal");
        drop(other);
        ledger.begin().expect("begin");
        assert!(ledger.start_bulk_load().expect("asked").is_none());
        ledger.rollback().expect("rollback");
        let memory = Ledger::open_in_memory().expect("in memory");
        assert!(memory.start_bulk_load().expect("asked").is_none());
        // And once nothing stands in the way, it switches.
        let bulk = ledger.start_bulk_load().expect("start").expect("switched");
        ledger.end_bulk_load(bulk).expect("end");
        assert_eq!(journal_mode(&ledger), "wal");
    }
}
