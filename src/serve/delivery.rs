//! The host process delivers each club's due messages every second: the due list is read
//! on the club's ledger thread, the messages are sent off it (a slow gateway never holds
//! the ledger), and the results are written back on it. Of several processes serving a
//! club from one PostgreSQL database, only the one holding the club's clock lock sends
//! ([`Ledger::lead_clock`]). The club's webhooks are sent their events the same way.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::clubs::{Club, Registry};
use super::writer::Done;
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

async fn deliver_club(club: &Arc<Club>, data: &std::path::Path) -> Result<(), String> {
    let now = chrono::Utc::now();
    // With several processes on one PostgreSQL database, one of them sends (each message
    // once); the others look again every tick, and take over if it stops.
    let reading = club.policy();
    let due: Option<(Vec<OutboxMessage>, deliver::Contacts)> =
        on_ledger(club, false, move |ledger| {
            if !ledger.lead_clock().map_err(|e| e.to_string())? {
                return Ok(None);
            }
            let due = ledger.due_messages(now).map_err(|e| e.to_string())?;
            // The addresses the `http` channels need, read with the messages.
            let contacts = deliver::contacts(ledger, &reading, &due).map_err(|e| e.to_string())?;
            Ok(Some((due, contacts)))
        })
        .await?;
    let Some((due, contacts)) = due else {
        return Ok(());
    };
    if due.is_empty() {
        return Ok(());
    }
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
    let report = on_ledger(club, true, move |ledger| {
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
    Ok(())
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
        let report = on_ledger(club, true, move |ledger| {
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

async fn on_ledger<T: Send + 'static>(
    club: &Club,
    keep: bool,
    work: impl FnOnce(&Ledger) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    club.submit(Box::new(move |ledger: Result<&Ledger, &LedgerError>| {
        let value = ledger.map_err(|e| e.to_string()).and_then(work);
        Done {
            keep: keep && value.is_ok(),
            reply: Box::new(move |committed: Result<(), String>| {
                let _ = sender.send(committed.and(value));
            }),
        }
    }))
    .map_err(|e| format!("{e:?}"))?;
    receiver
        .await
        .map_err(|_| "the ledger thread dropped the work".to_owned())?
}
