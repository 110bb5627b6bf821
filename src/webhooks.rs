//! Sending the club's outbound events to its webhooks (`webhooks:` in club.yaml).
//!
//! Each webhook is sent the events it wants in the order they were written, one at a
//! time: a receiver sees a member's points earned before the tier it earned them into. An
//! event is POSTed as JSON with its id (the same on every attempt: the receiver drops a
//! repeat by it), signed with HMAC-SHA256 over `<timestamp>.<body>` under the webhook's
//! secret (`Bashgah-Signature: t=<unix seconds>,v1=<hex>`, as payment platforms sign
//! theirs). A failure waits 10 s, then twice as long each time (at most an hour), and
//! holds back the events after it; after the webhook's last attempt the event is set
//! aside (`webhook_failures`) and the next one is sent.
//!
//! As with messages, sending happens outside any ledger transaction (a slow receiver must
//! not hold the ledger); the results are written in one.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::club::{WebhookDefinition, DEFAULT_WEBHOOK_ATTEMPTS};
use crate::ledger::{Ledger, LedgerError, OutboundEvent, WebhookProgress};
use crate::policy::Policy;

/// Events read for one webhook at a time.
pub const BATCH: u32 = 100;
/// The wait after a first failed attempt, and the longest wait.
const FIRST_WAIT: i64 = 10;
const LONGEST_WAIT: i64 = 3600;

/// What one run did, over every webhook of the club.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WebhookReport {
    /// Events a webhook took.
    pub sent: u64,
    /// Events that failed this time, to be tried again.
    pub retrying: u64,
    /// Events that failed for the last allowed time: set aside, the next one sent.
    pub set_aside: u64,
    /// Webhooks still waiting out the pause after a failure.
    pub waiting: u64,
    /// Each failure of this run, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<WebhookFailure>,
}

/// An event a webhook did not take this time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookFailure {
    pub webhook: String,
    pub event: String,
    pub reason: String,
    /// `retrying` or `set_aside`.
    pub outcome: String,
}

/// What is to be sent to one webhook: the events after the last it took.
pub struct Batch {
    pub webhook: WebhookDefinition,
    pub progress: WebhookProgress,
    pub events: Vec<OutboundEvent>,
}

/// What sending a batch did: how far the webhook got, and the event it refused, if any.
pub struct Sent {
    pub webhook: WebhookDefinition,
    pub progress: WebhookProgress,
    pub sent: u64,
    pub failure: Option<(OutboundEvent, String)>,
}

/// The events due to each webhook at `now` (a webhook waiting after a failure has none).
pub fn due(
    ledger: &Ledger,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<(Vec<Batch>, u64), LedgerError> {
    let mut batches = Vec::new();
    let mut waiting = 0;
    for webhook in &policy.club.webhooks {
        let progress = ledger.webhook_progress(&webhook.id)?;
        let pausing = progress
            .next_try
            .as_deref()
            .and_then(crate::time::from_stored)
            .is_some_and(|next| next > now);
        if pausing {
            waiting += 1;
            continue;
        }
        let events = ledger.outbound_after(progress.after, BATCH)?;
        if !events.is_empty() {
            batches.push(Batch {
                webhook: webhook.clone(),
                progress,
                events,
            });
        }
    }
    Ok((batches, waiting))
}

/// Sends each batch's events in order, stopping at a webhook's first failure. Touches no
/// ledger: call it outside any transaction.
pub fn send(club: &str, batches: Vec<Batch>) -> Vec<Sent> {
    // One agent for the run: its connections are kept and reused from event to event.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    batches
        .into_iter()
        .map(|batch| {
            let mut progress = batch.progress;
            let mut sent = 0;
            let mut failure = None;
            for event in batch.events {
                let wanted = crate::club::WebhookEvent::ALL
                    .iter()
                    .find(|kind| kind.as_str() == event.kind)
                    .is_some_and(|kind| batch.webhook.wants(*kind));
                if wanted {
                    let attempt = progress.attempts.saturating_add(1);
                    if let Err(reason) = post(&agent, club, &batch.webhook, &event, attempt) {
                        failure = Some((event, reason));
                        break;
                    }
                    sent += 1;
                }
                progress = WebhookProgress {
                    after: event.seq,
                    ..WebhookProgress::default()
                };
            }
            Sent {
                webhook: batch.webhook,
                progress,
                sent,
                failure,
            }
        })
        .collect()
}

/// Writes what sending did. Call inside a transaction.
pub fn record(
    ledger: &Ledger,
    now: DateTime<Utc>,
    results: Vec<Sent>,
    report: &mut WebhookReport,
) -> Result<(), LedgerError> {
    for result in results {
        let mut progress = result.progress;
        report.sent += result.sent;
        if let Some((event, reason)) = result.failure {
            let attempts = progress.attempts.saturating_add(1);
            let allowed = result
                .webhook
                .max_attempts
                .unwrap_or(DEFAULT_WEBHOOK_ATTEMPTS)
                .max(1);
            let outcome = if attempts >= allowed {
                ledger.set_aside_outbound(
                    &result.webhook.id,
                    event.seq,
                    &crate::time::stored(now),
                    attempts,
                    &reason,
                )?;
                report.set_aside += 1;
                progress = WebhookProgress {
                    after: event.seq,
                    attempts: 0,
                    next_try: None,
                    last_error: Some(reason.clone()),
                };
                "set_aside"
            } else {
                report.retrying += 1;
                progress.attempts = attempts;
                progress.next_try = Some(crate::time::stored(now + wait_after(attempts)));
                progress.last_error = Some(reason.clone());
                "retrying"
            };
            report.failures.push(WebhookFailure {
                webhook: result.webhook.id.clone(),
                event: event.id,
                reason,
                outcome: outcome.to_owned(),
            });
        }
        ledger.set_webhook_progress(&result.webhook.id, &progress)?;
    }
    Ok(())
}

/// Sends what is due to every webhook of the club at `now`, batch after batch until each
/// has taken everything or is waiting after a failure; records each batch as it goes.
pub fn deliver(
    ledger: &Ledger,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<WebhookReport, LedgerError> {
    let mut report = WebhookReport::default();
    loop {
        let (batches, waiting) = due(ledger, policy, now)?;
        report.waiting = waiting;
        if batches.is_empty() {
            return Ok(report);
        }
        let results = send(&policy.club.id, batches);
        let stopped = results.iter().all(|r| r.failure.is_some() && r.sent == 0);
        ledger.begin()?;
        match record(ledger, now, results, &mut report) {
            Ok(()) => ledger.commit()?,
            Err(error) => {
                ledger.rollback()?;
                return Err(error);
            }
        }
        if stopped {
            // Every webhook failed at once: what is left waits for the next run.
            let (_, waiting) = due(ledger, policy, now)?;
            report.waiting = waiting;
            return Ok(report);
        }
    }
}

/// The pause after the `attempts`-th failed attempt: 10 s, doubling, at most an hour.
fn wait_after(attempts: u32) -> chrono::Duration {
    let doublings = attempts.saturating_sub(1).min(20);
    chrono::Duration::seconds((FIRST_WAIT << doublings).min(LONGEST_WAIT))
}

/// The body a webhook is sent for `event`, byte for byte the same on every attempt.
#[derive(Serialize)]
struct Body<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    club: &'a str,
    sequence: i64,
    member: &'a str,
    time: &'a str,
    data: &'a serde_json::value::RawValue,
}

/// The body of `event` as JSON.
pub fn body(club: &str, event: &OutboundEvent) -> Result<String, String> {
    let data = serde_json::value::RawValue::from_string(event.data.clone())
        .map_err(|e| format!("event `{}` holds no JSON details: {e}", event.id))?;
    serde_json::to_string(&Body {
        id: &event.id,
        kind: &event.kind,
        club,
        sequence: event.seq,
        member: &event.member,
        time: &event.time,
        data: &data,
    })
    .map_err(|e| e.to_string())
}

/// `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`: what a receiver checks,
/// with the secret, before it believes a request came from the club (and, by the
/// timestamp, that it is not an old one replayed).
pub fn signature(secret: &[u8], timestamp: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let digest = mac.finalize().into_bytes();
    format!("t={timestamp},v1={}", crate::hex::encode(&digest))
}

fn post(
    agent: &ureq::Agent,
    club: &str,
    webhook: &WebhookDefinition,
    event: &OutboundEvent,
    attempt: u32,
) -> Result<(), String> {
    let name = webhook.secret_variable().unwrap_or_default();
    let secret = std::env::var(name)
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            format!("the environment variable `{name}` (the webhook's secret) is not set")
        })?;
    let fields = crate::club::channel_template::Fields {
        text: "",
        phone: "",
        member: "",
        occasion: "",
        language: "",
        club,
        id: "",
    };
    let url = crate::club::channel_template::fill(&webhook.url, &fields)?;
    let body = body(club, event)?;
    let signed = signature(secret.as_bytes(), Utc::now().timestamp(), &body);
    // The address without its query, which may hold a key: failures are stored.
    let shown = url.split('?').next().unwrap_or_default().to_owned();
    let response = agent
        .post(&url)
        .header("Content-Type", "application/json")
        .header("Bashgah-Event-Id", &event.id)
        .header("Bashgah-Event-Type", &event.kind)
        .header("Bashgah-Signature", &signed)
        .header("Bashgah-Attempt", &attempt.to_string())
        .header("Idempotency-Key", &event.id)
        .send(body)
        .map_err(|e| format!("POST {shown}: {e}"))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(format!("POST {shown}: HTTP {status}"))
    }
}
