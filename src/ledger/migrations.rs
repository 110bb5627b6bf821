//! Versioned schema migrations, applied in order when a ledger is opened.
//!
//! A migration is never edited once released: fix forward with a new one. The
//! `schema_migrations` table records which have run.

/// (version, SQL). Append only.
pub const MIGRATIONS: &[(i64, &str)] = &[(
    1,
    "
    CREATE TABLE policy_versions (
        id TEXT PRIMARY KEY,
        club TEXT NOT NULL,
        first_used TEXT NOT NULL,
        files TEXT NOT NULL
    );
    CREATE TABLE members (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        joined TEXT NOT NULL,
        birthday TEXT,
        attributes TEXT NOT NULL DEFAULT '{}',
        balance TEXT NOT NULL DEFAULT '0',
        spend_total TEXT NOT NULL DEFAULT '0',
        visits INTEGER NOT NULL DEFAULT 0,
        last_visit TEXT
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        member TEXT NOT NULL REFERENCES members(id),
        type TEXT NOT NULL,
        time TEXT NOT NULL,
        amount TEXT NOT NULL,
        original TEXT,
        currency TEXT,
        channel TEXT,
        store TEXT,
        items TEXT,
        attributes TEXT,
        fingerprint TEXT NOT NULL,
        policy_version TEXT NOT NULL REFERENCES policy_versions(id)
    );
    CREATE INDEX events_member_time ON events(member, time);
    CREATE INDEX events_original ON events(original) WHERE original IS NOT NULL;
    CREATE TABLE ledger (
        seq INTEGER PRIMARY KEY,
        member TEXT NOT NULL REFERENCES members(id),
        event TEXT NOT NULL REFERENCES events(id),
        time TEXT NOT NULL,
        rule TEXT NOT NULL,
        points TEXT NOT NULL,
        reason TEXT NOT NULL,
        policy_version TEXT NOT NULL REFERENCES policy_versions(id)
    );
    -- A member's entries are found through their events (events_member_time, then
    -- ledger_event): one index less to maintain on every entry written.
    CREATE INDEX ledger_event ON ledger(event);
    CREATE TRIGGER ledger_is_append_only_update BEFORE UPDATE ON ledger
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    CREATE TRIGGER ledger_is_append_only_delete BEFORE DELETE ON ledger
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    ",
)];
