//! The webhooks' outbox as the ledger holds it: the events written for them (table
//! `outbound`, numbered in the order they were written), how far each webhook got
//! (`webhook_progress`), and what a webhook never took (`webhook_failures`). Sending is
//! [`crate::webhooks`]'s.

use serde::Serialize;

use super::db::args;
use super::store::{Ledger, LedgerError};

type Result<T> = std::result::Result<T, LedgerError>;

/// An event written for the webhooks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboundEvent {
    /// Its number: the order it was written in.
    pub seq: i64,
    /// `<kind>:<event or occasion>`: what a receiver drops repeats by.
    pub id: String,
    pub kind: String,
    pub member: String,
    pub time: String,
    /// Its details, a JSON object.
    pub data: String,
}

/// How far a webhook got.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WebhookProgress {
    /// The last event it took (or that was set aside after its last attempt).
    pub after: i64,
    /// Attempts made at the next one.
    pub attempts: u32,
    /// Not before this (stored time): the wait after a failed attempt.
    pub next_try: Option<String>,
    pub last_error: Option<String>,
}

impl Ledger {
    /// Up to `limit` events written after number `after`, in order.
    pub fn outbound_after(&self, after: i64, limit: u32) -> Result<Vec<OutboundEvent>> {
        self.db().query(
            "SELECT seq, id, kind, member, time, data FROM outbound WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            args![after, i64::from(limit)],
            |r| {
                Ok(OutboundEvent {
                    seq: r.get(0)?,
                    id: r.get(1)?,
                    kind: r.get(2)?,
                    member: r.get(3)?,
                    time: r.get(4)?,
                    data: r.get(5)?,
                })
            },
        )
    }

    /// How far webhook `webhook` got (nothing sent yet: the start).
    pub fn webhook_progress(&self, webhook: &str) -> Result<WebhookProgress> {
        Ok(self
            .db()
            .query_opt(
                "SELECT after, attempts, next_try, last_error FROM webhook_progress WHERE webhook = ?1",
                args![webhook],
                |r| {
                    Ok(WebhookProgress {
                        after: r.get(0)?,
                        attempts: u32::try_from(r.get::<i64>(1)?).unwrap_or(u32::MAX),
                        next_try: r.get(2)?,
                        last_error: r.get(3)?,
                    })
                },
            )?
            .unwrap_or_default())
    }

    /// Writes how far webhook `webhook` got.
    pub fn set_webhook_progress(&self, webhook: &str, progress: &WebhookProgress) -> Result<()> {
        self.db().execute(
            "INSERT INTO webhook_progress (webhook, after, attempts, next_try, last_error) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (webhook) DO UPDATE SET after = excluded.after, attempts = excluded.attempts,
                 next_try = excluded.next_try, last_error = excluded.last_error",
            args![
                webhook,
                progress.after,
                i64::from(progress.attempts),
                progress.next_try,
                progress.last_error
            ],
        )?;
        Ok(())
    }

    /// Records that webhook `webhook` never took event `seq`.
    pub fn set_aside_outbound(
        &self,
        webhook: &str,
        seq: i64,
        at: &str,
        attempts: u32,
        error: &str,
    ) -> Result<()> {
        self.db().execute(
            "INSERT INTO webhook_failures (webhook, outbound, at, attempts, error) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (webhook, outbound) DO NOTHING",
            args![webhook, seq, at, i64::from(attempts), error],
        )?;
        Ok(())
    }

    /// What webhook `webhook` never took: (event number, its id, when set aside, why).
    pub fn webhook_failures(&self, webhook: &str) -> Result<Vec<(i64, String, String, String)>> {
        self.db().query(
            "SELECT f.outbound, o.id, f.at, f.error FROM webhook_failures f JOIN outbound o ON o.seq = f.outbound
             WHERE f.webhook = ?1 ORDER BY f.outbound",
            args![webhook],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
    }
}
