//! The API's answers as types: every handler of [`super::api`] returns one of these
//! (wrapped in a [`Reply`]), and the OpenAPI document's schemas are made from the very same
//! types ([`super::openapi`]), so the two cannot tell different stories.
//!
//! Points and amounts are strings holding exact decimals: a field holding one as text says
//! so with `#[schemars(with = "Decimal")]`, which the document shows as a string with a
//! decimal pattern.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;

use super::keys::KeysStatus;
use super::reload::{Attempt, ReloadOutcome, Reloads};
use crate::club::RewardDefinition;
use crate::ledger::export::{EntryRecord, ListedMember, LotRecord, MessageRecord};
use crate::ledger::{Balances, CodeInfo, CodeUse, Notice, OutboxMessage, StatementLine};

/// A success answer: a status (200 unless said) and a body.
pub struct Reply<T> {
    status: StatusCode,
    body: T,
}

impl<T> Reply<T> {
    pub fn ok(body: T) -> Reply<T> {
        Reply {
            status: StatusCode::OK,
            body,
        }
    }

    pub fn with_status(status: StatusCode, body: T) -> Reply<T> {
        Reply { status, body }
    }
}

impl<T: Serialize> IntoResponse for Reply<T> {
    fn into_response(self) -> Response {
        // Through a `Value`, whose keys are in alphabetical order: the order every answer
        // had when the handlers built them with `json!`, kept byte for byte.
        match serde_json::to_value(&self.body) {
            Ok(body) => (self.status, Json(body)).into_response(),
            Err(error) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(ErrorAnswer::new(
                    "internal",
                    format!("the answer could not be written: {error}"),
                )),
            )
                .into_response(),
        }
    }
}

impl<T: JsonSchema> super::openapi::Success for Reply<T> {
    fn schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        generator.subschema_for::<T>()
    }
}

/// Every refusal: `{"error": {"code", "message", ...}}`.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Error")]
pub struct ErrorAnswer {
    pub error: ErrorDetail,
}

impl ErrorAnswer {
    pub fn new(code: &'static str, message: String) -> ErrorAnswer {
        ErrorAnswer {
            error: ErrorDetail {
                code,
                message,
                help: None,
                field: None,
                line: None,
                column: None,
                incident: None,
                used: None,
                problems: None,
                report: None,
            },
        }
    }
}

/// What was refused, and why.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: e.g. `unknown_field`, `wrong_club`.
    pub code: &'static str,
    /// For people.
    pub message: String,
    /// A suggested fix, e.g. ``did you mean `amount`?``.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The field of the body or query the refusal is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Where JSON that cannot be read goes wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// 500 from a caught panic: the incident id the server's log line carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
    /// A code used already (`code_used`): its use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used: Option<CodeUse>,
    /// A draft that does not load (`draft_does_not_load`): every problem, located.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<super::reload::Problem>>,
    /// The same problems as `bashgah check` prints them (file, line, column, the line, a
    /// caret and the suggested fix).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

/// `GET /v1/health`.
#[derive(Serialize, JsonSchema)]
pub struct Health {
    pub status: Up,
    /// Clubs served.
    pub clubs: usize,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Up {
    Ok,
}

/// Per club: the active policy version and the last reload attempt with its errors.
#[derive(Serialize, JsonSchema)]
pub struct Status {
    /// The clubs the key may see.
    pub clubs: Vec<ClubStatus>,
    /// Passes over the policies folder since the process started.
    pub reloads: Reloads,
    /// Admin keys only: club folders that have never loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_loaded: Option<Vec<NotLoaded>>,
    /// Admin keys only: the keys file, when the keys in force were loaded, and why the
    /// last edit of the file was not taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<KeysStatus>,
}

#[derive(Serialize, JsonSchema)]
pub struct ClubStatus {
    pub id: String,
    pub folder: String,
    pub active_version: String,
    pub active_since: chrono::DateTime<chrono::Utc>,
    pub last_reload: Option<Attempt>,
}

#[derive(Serialize, JsonSchema)]
pub struct NotLoaded {
    pub folder: String,
    pub last_reload: Attempt,
}

/// What each club folder did.
#[derive(Serialize, JsonSchema)]
pub struct Reloaded {
    pub reloaded: Vec<ReloadOutcome>,
}

/// One event's result, or a batch's.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum EventsAnswer {
    One(EventResult),
    Batch(BatchResult),
}

/// Every event of a batch, each with its own result.
#[derive(Serialize, JsonSchema)]
pub struct BatchResult {
    pub results: Vec<EventResult>,
    /// How many were applied.
    pub applied: usize,
    pub dry_run: bool,
}

/// What one event did: written (or already), or refused.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum EventResult {
    Written(EventWritten),
    Refused(EventRefused),
}

impl EventResult {
    /// `applied`, `duplicate`, `conflict` or `rejected`.
    pub fn status(&self) -> &'static str {
        match self {
            EventResult::Written(written) => match written.status {
                Written::Applied => "applied",
                Written::Duplicate => "duplicate",
            },
            EventResult::Refused(refused) => match refused.status {
                Refusal::Conflict => "conflict",
                Refusal::Rejected => "rejected",
            },
        }
    }

    pub fn set_dry_run(&mut self, dry_run: bool) {
        match self {
            EventResult::Written(written) => written.dry_run = Some(dry_run),
            EventResult::Refused(refused) => refused.dry_run = Some(dry_run),
        }
    }
}

/// An event applied now, or already (a retry: the same points, nothing written twice).
#[derive(Serialize, JsonSchema)]
pub struct EventWritten {
    pub id: String,
    pub status: Written,
    pub member: String,
    /// What the event's entries add up to.
    #[schemars(with = "Decimal")]
    pub points: String,
    pub entries: Vec<Entry>,
    /// The member's balance after the event.
    #[schemars(with = "Option<Decimal>")]
    pub balance: Option<String>,
    pub tier: Option<String>,
    /// What the member was told as this event was applied.
    pub messages: Told,
    /// The policy version that evaluated the event.
    pub policy_version: String,
    /// Lifecycle-hook rules that failed: the event stands, the hook gave nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// One event (not in a batch): whether it was a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
}

#[derive(Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Written {
    Applied,
    Duplicate,
}

/// An event that changed nothing: its id is in the ledger with other content
/// (`conflict`), or it was refused (`rejected`).
#[derive(Serialize, JsonSchema)]
pub struct EventRefused {
    /// Null when the event gave none.
    pub id: Option<String>,
    pub status: Refusal,
    pub error: EventError,
    /// One event (not in a batch): whether it was a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
}

#[derive(Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    Conflict,
    Rejected,
}

#[derive(Serialize, JsonSchema)]
pub struct EventError {
    pub message: String,
    /// The field of the event the problem is about, if one.
    pub field: Option<String>,
    /// For a rule that failed: where in its script.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script: Option<ScriptPosition>,
}

#[derive(Serialize, JsonSchema)]
pub struct ScriptPosition {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// One ledger entry an event wrote.
#[derive(Serialize, JsonSchema)]
pub struct Entry {
    pub rule: String,
    #[schemars(with = "Decimal")]
    pub points: String,
    pub reason: String,
    pub kind: String,
}

/// For a club with `messages:`, the messages queued; for a club without, the notices
/// raised.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Told {
    Messages(Vec<OutboxMessage>),
    Notices(Vec<Notice>),
}

/// Every ledger entry of the member, with its reason and policy version.
#[derive(Serialize, JsonSchema)]
pub struct Statement {
    pub member: String,
    pub entries: Vec<StatementLine>,
}

/// A redemption: made now, or already (a retry with the same id).
#[derive(Serialize, JsonSchema)]
pub struct Redeemed {
    pub id: String,
    pub status: RedemptionStatus,
    pub reward: String,
    /// The code the redemption issued, for rewards that issue one.
    pub code: Option<String>,
    /// The member's balances after it.
    pub balance: Balances,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RedemptionStatus {
    Redeemed,
    Duplicate,
}

/// A change by hand (an adjustment, a transfer, a conversion): made now, or already.
#[derive(Serialize, JsonSchema)]
pub struct ChangeByHand {
    pub id: String,
    pub status: ByHandStatus,
    /// The member's balances after it.
    pub balance: Balances,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ByHandStatus {
    Done,
    Duplicate,
}

/// What moving the clock did.
#[derive(Serialize, JsonSchema)]
pub struct ClockAdvanced {
    /// The club's new time, in its calendar.
    pub clock: String,
    pub report: crate::recording::AdvanceReport,
}

/// A page of members, in id order.
#[derive(Serialize, JsonSchema)]
pub struct MemberPage {
    /// A search's page may hold fewer than `limit` members (none, even) while `more` is
    /// true: each page reads at most 20,000 members of the club.
    pub members: Vec<ListedMember>,
    /// Pass as `after` for the next page.
    pub next: String,
    /// Whether there is a next page.
    pub more: bool,
}

/// A page of the change feed: ledger entries in the order they were written.
#[derive(Serialize, JsonSchema)]
pub struct ChangePage {
    pub changes: Vec<EntryRecord>,
    /// Pass as `after` for the next page.
    pub next: String,
    /// Whether there is a next page.
    pub more: bool,
}

/// A page of lots.
#[derive(Serialize, JsonSchema)]
pub struct LotPage {
    pub lots: Vec<LotRecord>,
    /// Pass as `after` for the next page.
    pub next: String,
    /// Whether there is a next page.
    pub more: bool,
}

/// A page of the outbox.
#[derive(Serialize, JsonSchema)]
pub struct MessagePage {
    pub messages: Vec<MessageRecord>,
    /// Pass as `after` for the next page.
    pub next: String,
    /// Whether there is a next page.
    pub more: bool,
}

/// The catalogue.
#[derive(Serialize, JsonSchema)]
pub struct Rewards {
    pub rewards: Vec<Reward>,
}

/// A reward as the club's file defines it, with how many are left.
#[derive(Serialize, JsonSchema)]
pub struct Reward {
    #[serde(flatten)]
    pub reward: RewardDefinition,
    /// Of `stock`, not yet redeemed; null when unlimited.
    pub remaining: Option<u64>,
}

/// A code, and whether it may be used (by the member asked about).
#[derive(Serialize, JsonSchema)]
pub struct Code {
    #[serde(flatten)]
    pub info: CodeInfo,
    pub status: CodeStatus,
    pub usable: bool,
    /// What the code takes off the basket asked about (exact, in the club's currency),
    /// when it is usable and its reward has a discount.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Decimal>")]
    pub discount: Option<String>,
    /// Why it is not usable, for the till to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CodeStatus {
    Valid,
    Used,
    /// Its redemption was cancelled: the code is void.
    Cancelled,
    OtherMember,
    /// Past the last day its reward's `code_expires_after` gives.
    Expired,
    /// Below its reward's `minimum_basket`.
    BasketTooSmall,
    /// Its reward has basket rules, and no basket was given (a use only).
    BasketNeeded,
}

impl CodeStatus {
    pub fn of(verdict: &crate::decide::codes::CodeVerdict) -> CodeStatus {
        use crate::decide::codes::CodeVerdict;
        match verdict {
            CodeVerdict::Valid { .. } => CodeStatus::Valid,
            CodeVerdict::Used => CodeStatus::Used,
            CodeVerdict::Cancelled => CodeStatus::Cancelled,
            CodeVerdict::OtherMember => CodeStatus::OtherMember,
            CodeVerdict::Expired { .. } => CodeStatus::Expired,
            CodeVerdict::BasketTooSmall { .. } => CodeStatus::BasketTooSmall,
            CodeVerdict::BasketNeeded => CodeStatus::BasketNeeded,
        }
    }
}

/// A code used now (`used`), or already with this reference (`duplicate`).
#[derive(Serialize, JsonSchema)]
pub struct CodeUsed {
    pub code: String,
    pub status: CodeUseStatus,
    /// The reward it was for (when used now).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reward: Option<String>,
    /// The use that stands.
    pub used: Option<CodeUse>,
}

#[derive(Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CodeUseStatus {
    Used,
    Duplicate,
}

/// A member's yes or no to a message channel, as recorded.
#[derive(Serialize, JsonSchema)]
pub struct Consent {
    pub member: String,
    pub channel: String,
    pub granted: bool,
    /// Where the answer came from.
    pub source: String,
}

/// `/metrics`: the OpenMetrics text.
pub struct Metrics(pub String);

impl IntoResponse for Metrics {
    fn into_response(self) -> Response {
        (
            [(
                axum::http::header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            self.0,
        )
            .into_response()
    }
}

impl super::openapi::Success for Metrics {
    const MEDIA_TYPE: &'static str = "application/openmetrics-text";
    fn schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
}

/// `/v1/openapi.json`: the document itself.
pub struct Document(pub &'static str);

impl IntoResponse for Document {
    fn into_response(self) -> Response {
        (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            self.0,
        )
            .into_response()
    }
}

impl super::openapi::Success for Document {
    fn schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "required": ["openapi", "info", "paths"],
            "properties": { "openapi": { "const": "3.1.0" } },
            "description": "This document (OpenAPI 3.1)."
        })
    }
}

/// An HTML page (the simulation report).
pub struct Html(pub String);

impl IntoResponse for Html {
    fn into_response(self) -> Response {
        (
            [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
            self.0,
        )
            .into_response()
    }
}

impl super::openapi::Success for Html {
    const MEDIA_TYPE: &'static str = "text/html";
    fn schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
}
