//! Delivering queued messages through their channels, with retries.
//!
//! Sending happens outside any ledger transaction (a slow gateway must not hold the
//! ledger), then the results are written in one. Every attempt is recorded. Webhooks carry
//! the message's id in an `Idempotency-Key` header, so a gateway can drop the rare
//! duplicate of a message sent just before a crash and not yet marked sent.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::club::{ChannelDefinition, ChannelKind};
use crate::ledger::{Ledger, LedgerError, OutboxMessage};
use crate::policy::Policy;

/// What one delivery run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    pub sent: u64,
    /// Failed this time; to be tried again later.
    pub retrying: u64,
    /// Failed for the last allowed time.
    pub failed: u64,
    /// Waited longer than the club's `messages.stale_after`: never sent, marked
    /// `suppressed` (reason `stale`).
    #[serde(skip_serializing_if = "is_zero")]
    pub stale: u64,
    /// Each message that failed this time, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
}

/// A message that could not be sent this time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub member: String,
    pub occasion: String,
    pub channel: String,
    /// What the channel said (the gateway's status, the error).
    pub reason: String,
    /// `retrying` (it will be tried again) or `failed` (that was the last attempt).
    pub outcome: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Splits messages due at `now` into those still worth sending and those that waited
/// longer than the club's `messages.stale_after` (a backlog after an outage, history
/// imported before the window was set): a member is not told today of a birthday last
/// year.
pub fn set_aside_stale(
    policy: &Policy,
    due: Vec<OutboxMessage>,
    now: DateTime<Utc>,
) -> (Vec<OutboxMessage>, Vec<OutboxMessage>) {
    let Some(before) = crate::decide::MessageDiscipline::at(policy, now).stale_before else {
        return (due, Vec::new());
    };
    let before = crate::time::stored(before);
    due.into_iter()
        .partition(|message| message.created_at >= before)
}

/// The result of handing one message to its channel.
pub type Sent = Result<(), String>;

/// Sends every message due at `now`, and records what happened.
pub fn deliver_due(
    ledger: &Ledger,
    policy: &Policy,
    data: &Path,
    now: DateTime<Utc>,
) -> Result<DeliveryReport, LedgerError> {
    let (due, stale) = set_aside_stale(policy, ledger.due_messages(now)?, now);
    let results: Vec<(OutboxMessage, Sent)> = due
        .into_iter()
        .map(|message| {
            let result = send(policy, data, &message);
            (message, result)
        })
        .collect();
    ledger.begin()?;
    let report = record(ledger, policy, now, &results, &stale);
    match report {
        Ok(report) => {
            ledger.commit()?;
            Ok(report)
        }
        Err(error) => {
            ledger.rollback()?;
            Err(error)
        }
    }
}

/// Writes the results of a delivery run. Call inside a transaction.
pub fn record(
    ledger: &Ledger,
    policy: &Policy,
    now: DateTime<Utc>,
    results: &[(OutboxMessage, Sent)],
    stale: &[OutboxMessage],
) -> Result<DeliveryReport, LedgerError> {
    let mut report = DeliveryReport::default();
    for message in stale {
        ledger.set_message_stale(message.seq)?;
        report.stale += 1;
    }
    for (message, result) in results {
        let max_attempts = channel(policy, &message.channel).map_or(1, |c| c.max_attempts.max(1));
        let outcome = ledger.record_attempt(message, now, result, max_attempts)?;
        match outcome {
            "sent" => report.sent += 1,
            "failed" => report.failed += 1,
            _ => report.retrying += 1,
        }
        if let Err(reason) = result {
            report.failures.push(Failure {
                member: message.member.clone(),
                occasion: message.occasion.clone(),
                channel: message.channel.clone(),
                reason: reason.clone(),
                outcome: if outcome == "failed" {
                    "failed"
                } else {
                    "retrying"
                }
                .to_owned(),
            });
        }
    }
    Ok(report)
}

fn channel<'a>(policy: &'a Policy, id: &str) -> Option<&'a ChannelDefinition> {
    policy
        .club
        .messages
        .as_ref()?
        .channels
        .iter()
        .find(|c| c.id == id)
}

#[derive(Serialize)]
struct Payload<'a> {
    id: String,
    club: &'a str,
    member: &'a str,
    occasion: &'a str,
    channel: &'a str,
    language: &'a str,
    text: &'a str,
}

/// Hands one message to its channel.
pub fn send(policy: &Policy, data: &Path, message: &OutboxMessage) -> Sent {
    let Some(channel) = channel(policy, &message.channel) else {
        return Err(format!(
            "the club has no channel `{}` any more",
            message.channel
        ));
    };
    let payload = Payload {
        id: format!("{}:{}", policy.club.id, message.seq),
        club: &policy.club.id,
        member: &message.member,
        occasion: &message.occasion,
        channel: &message.channel,
        language: &message.language,
        text: &message.text,
    };
    let line = serde_json::to_string(&payload).map_err(|e| e.to_string())?;
    match channel.kind {
        ChannelKind::Stdout => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{line}").map_err(|e| e.to_string())
        }
        ChannelKind::File => {
            // Checked when the club loads too; checked again here so that no path that
            // leaves the data folder is ever opened, whatever loaded it.
            let path = data.join(crate::club::file_channel_path(
                channel.path.as_deref().unwrap_or("messages.jsonl"),
            )?);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| format!("cannot open `{}`: {e}", path.display()))?;
            writeln!(file, "{line}").map_err(|e| e.to_string())
        }
        ChannelKind::Webhook => {
            let url = channel.url.as_deref().unwrap_or_default();
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(5)))
                .http_status_as_error(false)
                .build()
                .into();
            let response = agent
                .post(url)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", &payload.id)
                .send(line.as_bytes())
                .map_err(|e| format!("POST {url}: {e}"))?;
            let status = response.status().as_u16();
            if (200..300).contains(&status) {
                Ok(())
            } else {
                Err(format!("POST {url}: HTTP {status}"))
            }
        }
    }
}
