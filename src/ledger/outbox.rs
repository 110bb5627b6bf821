//! The outbox: messages queued for members, their consent per channel, and every
//! delivery attempt.
//!
//! Whether a message may go out is decided when it is queued ([`crate::decide`]), in the
//! transaction of the event or clock advance that caused it; here the outbox is read for
//! delivery and reports, and every delivery attempt is recorded.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::db::{args, Row};
use super::store::{Ledger, LedgerError};
use crate::time::{from_stored, stored};

type Result<T> = std::result::Result<T, LedgerError>;

/// A queued message as delivery and reports see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MessageCount {
    pub occasion: String,
    pub status: String,
    pub reason: Option<String>,
    pub count: i64,
}

impl Ledger {
    /// Messages waiting to go out at `now`, oldest first, at most `most` of them.
    pub fn due_messages(&self, now: DateTime<Utc>, most: usize) -> Result<Vec<OutboxMessage>> {
        let most = i64::try_from(most).unwrap_or(i64::MAX);
        self.db().query(
            "SELECT seq, key, channel, member, occasion, created_at, deliver_after, language, text, status, reason, attempts FROM messages
             WHERE status = 'pending' AND deliver_after <= ?1 AND (next_attempt_at IS NULL OR next_attempt_at <= ?1) ORDER BY seq LIMIT ?2",
            args![stored(now), most],
            message,
        )
    }

    /// The occasions `member` was (or will be) told about, in order: one per occasion
    /// however many channels, none that was suppressed.
    pub fn occasions_told(&self, member: &str) -> Result<Vec<String>> {
        // A key names one occasion: MIN only picks it from the key's rows.
        self.db().query(
            "SELECT MIN(occasion) FROM messages WHERE member = ?1 AND status != 'suppressed' GROUP BY key ORDER BY MIN(seq)",
            args![member],
            |r| r.get(0),
        )
    }

    /// The latest message's sequence number (0 if none).
    pub fn last_message_seq(&self) -> Result<i64> {
        self.db()
            .query_one("SELECT COALESCE(MAX(seq), 0) FROM messages", args![], |r| {
                r.get(0)
            })
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
        self.db().query(
            "SELECT seq, key, channel, member, occasion, created_at, deliver_after, language, text, status, reason, attempts FROM messages
             WHERE member = ?1 ORDER BY seq",
            args![member],
            message,
        )
    }

    pub fn record_attempt(
        &self,
        message: &OutboxMessage,
        at: DateTime<Utc>,
        result: &std::result::Result<(), String>,
        max_attempts: u32,
    ) -> Result<&'static str> {
        let attempts = message.attempts + 1;
        // Both writes held back on PostgreSQL (see `Db::write`): a delivery pass over a
        // backlog sends them in one round trip per batch rather than two per message.
        self.db().write(
            "INSERT INTO delivery_attempts (message, at, ok, detail) VALUES (?1, ?2, ?3, ?4)",
            args![
                message.seq,
                stored(at),
                i64::from(result.is_ok()),
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
        self.db().write(
            "UPDATE messages SET status = ?1, attempts = ?2, next_attempt_at = ?3, reason = ?4, sent_at = ?5 WHERE seq = ?6",
            args![
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

    /// Marks message `seq` as never to be sent: it waited longer than the club's
    /// `messages.stale_after`.
    pub fn set_message_stale(&self, seq: i64) -> Result<()> {
        self.db().write(
            "UPDATE messages SET status = 'suppressed', reason = 'stale' WHERE seq = ?1",
            args![seq],
        )
    }

    /// Messages queued up to `until` (a stored time), by occasion and what became of them
    /// (as they stand now: sent, pending, failed, suppressed).
    pub fn message_counts(&self, until: &str) -> Result<Vec<MessageCount>> {
        // NULLs sort first in SQLite and last in PostgreSQL: said, so both agree.
        self.db().query(
            "SELECT occasion, status, CASE WHEN status = 'failed' THEN NULL ELSE reason END, COUNT(*) FROM messages
             WHERE created_at <= ?1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 NULLS FIRST",
            args![until],
            |r| {
                Ok(MessageCount {
                    occasion: r.get(0)?,
                    status: r.get(1)?,
                    reason: r.get(2)?,
                    count: r.get(3)?,
                })
            },
        )
    }

    /// The delivery attempts of message `seq`: `(at, ok, detail)`.
    pub fn delivery_attempts(&self, seq: i64) -> Result<Vec<(DateTime<Utc>, bool, String)>> {
        self.db().query(
            "SELECT at, ok, detail FROM delivery_attempts WHERE message = ?1 ORDER BY seq",
            args![seq],
            |r| {
                let at: String = r.get(0)?;
                let at = from_stored(&at).ok_or_else(|| {
                    LedgerError::corrupt(format!("`{at}` in the ledger is not a time"))
                })?;
                Ok((at, r.get::<i64>(1)? != 0, r.get(2)?))
            },
        )
    }
}

/// An outbox row (`seq, key, channel, member, occasion, created_at, deliver_after,
/// language, text, status, reason, attempts`).
fn message(r: &Row<'_>) -> Result<OutboxMessage> {
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
}
