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
pub use crate::messaging::gateway::NotSent;
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
    /// What the club's webhooks were sent (for a club with webhooks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<crate::webhooks::WebhookReport>,
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
pub type Sent = Result<(), NotSent>;

/// Members' addresses (phone numbers...) for the messages of `http` channels, read from
/// their profiles: member → the attribute the channel names (`contact`, default `phone`).
pub type Contacts = std::collections::HashMap<(String, String), String>;

/// The addresses `due` needs: for each message on an `http` channel, its member's
/// `contact` attribute (read before sending, outside any write).
pub fn contacts(
    ledger: &Ledger,
    policy: &Policy,
    due: &[OutboxMessage],
) -> Result<Contacts, LedgerError> {
    let mut found = Contacts::new();
    for message in due {
        let Some(channel) = channel(policy, &message.channel) else {
            continue;
        };
        if channel.kind != ChannelKind::Http {
            continue;
        }
        let attribute = channel
            .contact
            .clone()
            .unwrap_or_else(|| "phone".to_owned());
        let key = (message.member.clone(), attribute);
        if found.contains_key(&key) {
            continue;
        }
        let value = ledger
            .member_state(&message.member)?
            .and_then(|member| member.attributes.get(&key.1).cloned());
        if let Some(value) = value {
            found.insert(key, value);
        }
    }
    Ok(found)
}

/// Sends every message due at `now`, and records what happened.
pub fn deliver_due(
    ledger: &Ledger,
    policy: &Policy,
    data: &Path,
    now: DateTime<Utc>,
) -> Result<DeliveryReport, LedgerError> {
    let (due, stale) = set_aside_stale(policy, ledger.due_messages(now, usize::MAX)?, now);
    let contacts = contacts(ledger, policy, &due)?;
    let results: Vec<(OutboxMessage, Sent)> = due
        .into_iter()
        .map(|message| {
            let result = send(policy, data, &message, &contacts);
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
        // A failure trying again cannot mend (a wrong key, a member without a number) is
        // the last attempt.
        let max_attempts = match result {
            Err(NotSent {
                permanent: true, ..
            }) => 1,
            _ => channel(policy, &message.channel).map_or(1, |c| c.max_attempts.max(1)),
        };
        let plain = result.as_ref().map(|_| ()).map_err(|e| e.reason.clone());
        let outcome = ledger.record_attempt(message, now, &plain, max_attempts)?;
        match outcome {
            "sent" => report.sent += 1,
            "failed" => report.failed += 1,
            _ => report.retrying += 1,
        }
        if let Err(NotSent { reason, .. }) = result {
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
pub fn send(policy: &Policy, data: &Path, message: &OutboxMessage, contacts: &Contacts) -> Sent {
    let Some(channel) = channel(policy, &message.channel) else {
        return Err(NotSent {
            reason: format!("the club has no channel `{}` any more", message.channel),
            permanent: true,
        });
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
        ChannelKind::Http => {
            let attribute = channel.contact.as_deref().unwrap_or("phone");
            let Some(phone) = contacts.get(&(message.member.clone(), attribute.to_owned())) else {
                return Err(NotSent {
                    reason: format!(
                        "member `{}` has no `{attribute}` to send to",
                        message.member
                    ),
                    permanent: true,
                });
            };
            crate::messaging::gateway::send(
                channel,
                &crate::messaging::gateway::Fields {
                    text: &message.text,
                    phone,
                    member: &message.member,
                    occasion: &message.occasion,
                    language: &message.language,
                    club: &policy.club.id,
                    id: &payload.id,
                },
            )
        }
        ChannelKind::Stdout => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{line}").map_err(|e| NotSent::from(e.to_string()))
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
            writeln!(file, "{line}").map_err(|e| NotSent::from(e.to_string()))
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
                Err(format!("POST {url}: HTTP {status}").into())
            }
        }
    }
}
