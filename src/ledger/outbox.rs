//! The outbox: messages queued for members, their consent per channel, and every
//! delivery attempt.
//!
//! Whether a message may go out is decided when it is queued ([`crate::decide`]), in the
//! transaction of the event or clock advance that caused it; here the outbox is read for
//! delivery and reports, and every delivery attempt is recorded.

use chrono::{DateTime, Duration, Utc};
use rusqlite::params;
use serde::Serialize;

use super::store::{Ledger, LedgerError};
use crate::time::{from_stored, stored};

type Result<T> = std::result::Result<T, LedgerError>;

/// A queued message as delivery and reports see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMessage {
    pub seq: i64,
    pub key: String,
    pub channel: String,
    pub member: String,
    pub occasion: String,
    pub created_at: String,
    pub deliver_after: String,
    pub language: String,
    pub text: String,
    /// `pending`, `sent`, `suppressed` or `failed`.
    pub status: String,
    /// Why suppressed (`opt_out`, `cap`), held (`quiet_hours`) or failing (the error).
    pub reason: Option<String>,
    pub attempts: i64,
}

/// How many messages of one occasion ended one way (and why, for suppressed or held).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageCount {
    pub occasion: String,
    pub status: String,
    pub reason: Option<String>,
    pub count: i64,
}

impl Ledger {
    /// Messages waiting to go out at `now`, oldest first.
    pub fn due_messages(&self, now: DateTime<Utc>) -> Result<Vec<OutboxMessage>> {
        self.select_messages(
            "WHERE status = 'pending' AND deliver_after <= ?1 AND (next_attempt_at IS NULL OR next_attempt_at <= ?1) ORDER BY seq",
            &stored(now),
        )
    }

    /// The occasions `member` was (or will be) told about, in order: one per occasion
    /// however many channels, none that was suppressed.
    pub fn occasions_told(&self, member: &str) -> Result<Vec<String>> {
        let mut statement = self.connection().prepare_cached(
            "SELECT occasion FROM messages WHERE member = ?1 AND status != 'suppressed' GROUP BY key ORDER BY MIN(seq)",
        )?;
        let rows = statement.query_map([member], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest message's sequence number (0 if none).
    pub fn last_message_seq(&self) -> Result<i64> {
        Ok(self
            .connection()
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM messages", [], |r| {
                r.get(0)
            })?)
    }

    /// `member`'s messages queued after message `seq`.
    pub fn messages_after(&self, member: &str, seq: i64) -> Result<Vec<OutboxMessage>> {
        Ok(self
            .messages_of(member)?
            .into_iter()
            .filter(|m| m.seq > seq)
            .collect())
    }

    /// Every message of `member`, queued or not, oldest first.
    pub fn messages_of(&self, member: &str) -> Result<Vec<OutboxMessage>> {
        self.select_messages("WHERE member = ?1 ORDER BY seq", member)
    }

    fn select_messages(&self, condition: &str, value: &str) -> Result<Vec<OutboxMessage>> {
        let sql = format!(
            "SELECT seq, key, channel, member, occasion, created_at, deliver_after, language, text, status, reason, attempts FROM messages {condition}"
        );
        let mut statement = self.connection().prepare_cached(&sql)?;
        let rows = statement.query_map([value], |r| {
            Ok(OutboxMessage {
                seq: r.get(0)?,
                key: r.get(1)?,
                channel: r.get(2)?,
                member: r.get(3)?,
                occasion: r.get(4)?,
                created_at: r.get(5)?,
                deliver_after: r.get(6)?,
                language: r.get(7)?,
                text: r.get(8)?,
                status: r.get(9)?,
                reason: r.get(10)?,
                attempts: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records one delivery attempt; returns the message's new status.
    pub fn record_attempt(
        &self,
        message: &OutboxMessage,
        at: DateTime<Utc>,
        result: &std::result::Result<(), String>,
        max_attempts: u32,
    ) -> Result<&'static str> {
        let attempts = message.attempts + 1;
        self.connection().execute(
            "INSERT INTO delivery_attempts (message, at, ok, detail) VALUES (?1, ?2, ?3, ?4)",
            params![
                message.seq,
                stored(at),
                result.is_ok(),
                result.as_ref().err().map_or("sent", String::as_str)
            ],
        )?;
        let (status, next, reason) = match result {
            Ok(()) => ("sent", None, None),
            Err(error) if attempts >= i64::from(max_attempts) => {
                ("failed", None, Some(error.clone()))
            }
            Err(error) => {
                // 30 s, 1 min, 2 min, 4 min...
                let wait = Duration::seconds(30 << (attempts - 1).min(16));
                ("pending", Some(stored(at + wait)), Some(error.clone()))
            }
        };
        self.connection().execute(
            "UPDATE messages SET status = ?1, attempts = ?2, next_attempt_at = ?3, reason = ?4, sent_at = ?5 WHERE seq = ?6",
            params![
                status,
                attempts,
                next,
                reason,
                (status == "sent").then(|| stored(at)),
                message.seq
            ],
        )?;
        Ok(status)
    }

    /// Messages by occasion and what became of them.
    pub fn message_counts(&self) -> Result<Vec<MessageCount>> {
        let mut statement = self.connection().prepare_cached(
            "SELECT occasion, status, CASE WHEN status = 'failed' THEN NULL ELSE reason END, COUNT(*) FROM messages GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        )?;
        let rows = statement.query_map([], |r| {
            Ok(MessageCount {
                occasion: r.get(0)?,
                status: r.get(1)?,
                reason: r.get(2)?,
                count: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The delivery attempts of message `seq`: `(at, ok, detail)`.
    pub fn delivery_attempts(&self, seq: i64) -> Result<Vec<(DateTime<Utc>, bool, String)>> {
        let mut statement = self.connection().prepare_cached(
            "SELECT at, ok, detail FROM delivery_attempts WHERE message = ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([seq], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, ok, detail) = row?;
            let at = from_stored(&at).ok_or_else(|| {
                LedgerError::corrupt(format!("`{at}` in the ledger is not a time"))
            })?;
            out.push((at, ok, detail));
        }
        Ok(out)
    }
}
