//! The host process delivers each club's due messages every second: the due list is read
//! on the club's ledger thread, the messages are sent off it (a slow gateway never holds
//! the ledger), and the results are written back on it. Of several processes serving a
//! club from one PostgreSQL database, only the one holding the club's clock lock sends
//! ([`Ledger::lead_clock`]). The club's webhooks are sent their events the same way.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::clubs::{Club, Registry};
use super::writer::{BookWork, Done};
use crate::delivery as deliver;
use crate::ledger::{Ledger, LedgerError, OutboxMessage};

pub fn spawn(registry: Arc<Registry>, data: PathBuf) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            for club in registry.clubs() {
                let policy = club.policy();
                if policy.club.messages.is_some() {
                    if let Err(error) = deliver_club(&club, &data).await {
                        tracing::warn!(club = %club.id, %error, "message delivery failed");
                    }
                }
                if !policy.club.webhooks.is_empty() {
                    if let Err(error) = deliver_webhooks(&club).await {
                        tracing::warn!(club = %club.id, %error, "webhook delivery failed");
                    }
                }
            }
        }
    });
}

/// At most this many messages are read, sent and recorded in one job on the club's
/// ledger thread, and at most [`MESSAGE_BATCHES`] such jobs run a tick: every post waits
/// while a job runs, and one job for a backlog (a day's messages held by quiet hours, the
/// welcomes of a first busy minute) held them all for as long as it took: 30 to 40 ms
/// for the café's 10,000 welcomes (issue 14, docs/PERFORMANCE.md).
const MESSAGE_BATCH: usize = 500;
const MESSAGE_BATCHES: usize = 20;

/// Delivers what is due, a batch at a time, until none is left or the tick's batches
/// are used up (the next tick goes on).
async fn deliver_club(club: &Arc<Club>, data: &std::path::Path) -> Result<(), String> {
    for _ in 0..MESSAGE_BATCHES {
        if !deliver_batch(club, data).await? {
            break;
        }
    }
    Ok(())
}

/// Delivers up to [`MESSAGE_BATCH`] due messages; whether there were that many (more may
/// be waiting).
async fn deliver_batch(club: &Arc<Club>, data: &std::path::Path) -> Result<bool, String> {
    let now = chrono::Utc::now();
    // With several processes on one PostgreSQL database, one of them sends (each message
    // once); the others look again every tick, and take over if it stops.
    let reading = club.policy();
    let due: Option<(Vec<OutboxMessage>, deliver::Contacts)> =
        on_ledger(club, false, move |ledger| {
            if !ledger.lead_clock().map_err(|e| e.to_string())? {
                return Ok(None);
            }
            let due = ledger
                .due_messages(now, MESSAGE_BATCH)
                .map_err(|e| e.to_string())?;
            // The addresses the `http` channels need, read with the messages.
            let contacts = deliver::contacts(ledger, &reading, &due).map_err(|e| e.to_string())?;
            Ok(Some((due, contacts)))
        })
        .await?;
    let Some((due, contacts)) = due else {
        return Ok(false);
    };
    if due.is_empty() {
        return Ok(false);
    }
    let full = due.len() == MESSAGE_BATCH;
    let policy = club.policy();
    let (due, stale) = deliver::set_aside_stale(&policy, due, now);
    let data = data.to_owned();
    let sending = Arc::clone(&policy);
    let results = tokio::task::spawn_blocking(move || {
        due.into_iter()
            .map(|message| {
                let result = deliver::send(&sending, &data, &message, &contacts);
                (message, result)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| e.to_string())?;
    // Sent, failed or to be tried again: nothing a member's book reads. A message set
    // aside as stale becomes `suppressed`, which the book does read (the daily cap).
    let leaves_books = stale.is_empty();
    let report = on_ledger_writing(club, leaves_books, move |ledger| {
        deliver::record(ledger, &policy, now, &results, &stale).map_err(|e| e.to_string())
    })
    .await?;
    tracing::info!(club = %club.id, sent = report.sent, retrying = report.retrying, failed = report.failed, stale = report.stale, "messages delivered");
    for (outcome, count) in [
        ("sent", report.sent),
        ("retrying", report.retrying),
        ("failed", report.failed),
    ] {
        super::metrics::messages(&club.id, outcome, count);
    }
    // Messages to be tried again wait for their time: the next batch holds others.
    Ok(full)
}

/// Sends the club's webhooks what is due, a batch at a time (read on the ledger thread,
/// sent off it, recorded on it), up to ten batches a tick.
async fn deliver_webhooks(club: &Arc<Club>) -> Result<(), String> {
    for _ in 0..10 {
        let now = chrono::Utc::now();
        let reading = club.policy();
        let due = on_ledger(club, false, move |ledger| {
            if !ledger.lead_clock().map_err(|e| e.to_string())? {
                return Ok(Vec::new());
            }
            crate::webhooks::due(ledger, &reading, now)
                .map(|(batches, _)| batches)
                .map_err(|e| e.to_string())
        })
        .await?;
        if due.is_empty() {
            return Ok(());
        }
        let full = due
            .iter()
            .any(|b| b.events.len() == crate::webhooks::BATCH as usize);
        let club_id = club.id.clone();
        let results = tokio::task::spawn_blocking(move || crate::webhooks::send(&club_id, due))
            .await
            .map_err(|e| e.to_string())?;
        let failed = results.iter().any(|r| r.failure.is_some());
        // Member books hold nothing of webhooks' deliveries.
        let report = on_ledger_writing(club, true, move |ledger| {
            let mut report = crate::webhooks::WebhookReport::default();
            crate::webhooks::record(ledger, now, results, &mut report)
                .map(|()| report)
                .map_err(|e| e.to_string())
        })
        .await?;
        tracing::info!(club = %club.id, sent = report.sent, retrying = report.retrying, set_aside = report.set_aside, "webhooks delivered");
        for failure in &report.failures {
            tracing::warn!(club = %club.id, webhook = %failure.webhook, event = %failure.event, reason = %failure.reason, outcome = %failure.outcome, "webhook refused an event");
        }
        if failed || !full {
            return Ok(());
        }
    }
    Ok(())
}

/// Runs `work` on the club's ledger thread; `keep` says whether its writes stay.
async fn on_ledger<T: Send + 'static>(
    club: &Club,
    keep: bool,
    work: impl FnOnce(&Ledger) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    run_on_ledger(club, keep, false, work).await
}

/// Runs `work`, which writes, on the club's ledger thread. With `leaves_books`, what it
/// writes is nothing a member's book holds, and the thread keeps its books across it
/// (see [`super::writer::BookWork`]); else they are dropped, as after any write.
/// Delivery writes every second that something is due: dropping the books each time
/// would leave the event posts little of them.
async fn on_ledger_writing<T: Send + 'static>(
    club: &Club,
    leaves_books: bool,
    work: impl FnOnce(&Ledger) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    run_on_ledger(club, true, leaves_books, work).await
}

async fn run_on_ledger<T: Send + 'static>(
    club: &Club,
    keep: bool,
    leaves_books: bool,
    work: impl FnOnce(&Ledger) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let boxed: BookWork = Box::new(move |ledger: Result<&Ledger, &LedgerError>, kept| {
        let value = ledger.map_err(|e| e.to_string()).and_then(work);
        let keep = keep && value.is_ok();
        let done = Done {
            keep,
            reply: Box::new(move |committed: Result<(), String>| {
                let _ = sender.send(committed.and(value));
            }),
        };
        (done, kept.filter(|_| keep))
    });
    let submitted = if leaves_books {
        club.submit_with_books(boxed, true)
    } else {
        club.submit(Box::new(move |ledger| boxed(ledger, None).0))
    };
    submitted.map_err(|e| format!("{e:?}"))?;
    receiver
        .await
        .map_err(|_| "the ledger thread dropped the work".to_owned())?
}
