//! What every route of the API does with a request before its own work, and how it
//! refuses: the key and its club ([`authorize`], [`club_for`]), the path, query and body
//! read exactly ([`segments`], [`json_body`], [`typed_body`], [`check_fields`]), the club's
//! ledger thread and its readers ([`on_ledger`], [`on_reader`]), and [`ApiError`], the
//! JSON refusal. The route table ([`super::api`]) and the modules of the routes
//! ([`super::members`], [`super::overview`], [`super::trials`]...) build on this; it
//! imports none of them.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::answers::{ErrorAnswer, ErrorDetail, Reply};
use super::clubs::{Club, Registry};
use super::incident::{self, Incident};
use super::keys::{Grant, KeyRing, Role};
use super::writer::{BookWork, Done, Refused};
use crate::import::json::{self as exact_json, JsonError};
use crate::import::{Field, EVENT_FIELDS};
use crate::ledger::{Ledger, LedgerError};
use crate::policy::Policy;
use crate::recording::Kept;

/// At most this many events in one batch.
pub const MAX_BATCH: usize = 1000;

/// Shared by every request.
pub struct App {
    pub registry: Arc<Registry>,
    pub keys: Arc<KeyRing>,
}

/// A refusal: its status, a stable code for programs, a message for people.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    /// Boxed: every fallible step of a handler returns an `ApiError`, mostly not.
    detail: Box<ErrorDetail>,
    /// For 503: when to try again (the `Retry-After` header, in seconds).
    retry_after: Option<u32>,
}

/// A request's rules share a budget of this many times one rule's time limit (1 s with
/// the default 250 ms): far above what real rules take for a batch of 1,000 events
/// (~20 ms), and low enough that no request stalls a club.
pub(super) const REQUEST_BUDGET_IN_RULE_LIMITS: u32 = 4;

/// What a busy club tells clients to wait before trying again.
pub(super) const RETRY_AFTER_SECONDS: u32 = 1;

impl ApiError {
    pub(super) fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            detail: Box::new(ErrorAnswer::new(code, message.into()).error),
            retry_after: None,
        }
    }

    pub(super) fn retry_after(mut self, seconds: u32) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }

    /// No transaction could be started: busy (503, retry) or broken (500).
    pub(super) fn unavailable(club: &str, error: &LedgerError) -> ApiError {
        if error.is_busy() {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                format!("the ledger of club `{club}` is busy: another process (an import?) is writing to it; nothing was written, retry shortly"),
            )
            .retry_after(RETRY_AFTER_SECONDS)
        } else {
            ApiError::from(error.clone())
        }
    }

    /// The field of the body or query the refusal is about.
    pub(super) fn field(mut self, field: impl Into<String>) -> ApiError {
        self.detail.field = Some(field.into());
        self
    }

    /// A suggested fix.
    pub(super) fn help(mut self, help: impl Into<String>) -> ApiError {
        self.detail.help = Some(help.into());
        self
    }

    pub(super) fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub(super) fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// A caught panic: nothing was written, and the id matches the log line.
    pub(super) fn incident(incident: &Incident) -> ApiError {
        ApiError::internal(format!(
            "the request failed inside the engine (incident {}); nothing was written",
            incident.id
        ))
        .with_incident(incident.id.clone())
    }
}

impl ApiError {
    /// The answer's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable code for programs: `unknown_member`, `needs_role`...
    pub fn code(&self) -> &str {
        self.detail.code
    }

    /// The message for people.
    pub fn message(&self) -> &str {
        &self.detail.message
    }

    /// The field of the body or query the refusal is about, if it is about one.
    pub fn refused_field(&self) -> Option<&str> {
        self.detail.field.as_deref()
    }

    /// A draft's problems as `bashgah check` prints them, when that is the refusal.
    pub fn report(&self) -> Option<&str> {
        self.detail.report.as_deref()
    }

    pub(super) fn with_incident(mut self, id: String) -> ApiError {
        self.detail.incident = Some(id);
        self
    }

    /// Where JSON that cannot be read goes wrong.
    pub(super) fn at(mut self, line: usize, column: usize) -> ApiError {
        self.detail.line = Some(line);
        self.detail.column = Some(column);
        self
    }

    /// A draft's problems, located, and as `bashgah check` prints them.
    pub(super) fn problems(
        mut self,
        problems: Vec<super::reload::Problem>,
        report: String,
    ) -> ApiError {
        self.detail.problems = Some(problems);
        self.detail.report = Some(report);
        self
    }

    /// A code's earlier use, refusing a second.
    pub(super) fn used(mut self, used: crate::ledger::CodeUse) -> ApiError {
        self.detail.used = Some(used);
        self
    }
}

impl From<LedgerError> for ApiError {
    fn from(error: LedgerError) -> ApiError {
        ApiError::internal(format!("the ledger failed: {error}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorAnswer {
            error: *self.detail,
        };
        // Keys in alphabetical order, as before the types (see `answers::Reply`).
        let mut response = match serde_json::to_value(&body) {
            Ok(value) => (self.status, axum::Json(value)).into_response(),
            Err(_) => (self.status, axum::Json(body)).into_response(),
        };
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

pub(super) type Answer<T> = Result<Reply<T>, ApiError>;

/// The path's segments, or a JSON refusal: axum answers a segment that is not UTF-8
/// (`/v1/clubs/%ff/events`) in plain text, and every answer of this API is JSON (found by
/// the fuzz suite).
pub(super) fn segments<T>(path: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    path.map(|Path(segments)| segments).map_err(|rejection| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_path",
            format!("the path cannot be read: {}", rejection.body_text()),
        )
    })
}

// ---- access ----

/// The key's grant: `Authorization: Bearer <key>` (or `X-Api-Key: <key>`).
pub(super) fn authorize(app: &App, headers: &HeaderMap) -> Result<Grant, ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let key = bearer.or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()));
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "no_key",
            "this needs an API key: send `Authorization: Bearer <key>`",
        ));
    };
    let grant = app.keys.grant(key).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unknown_key",
            "the API key is not known",
        )
    })?;
    if grant.expired(chrono::Utc::now()) {
        let at = grant.expires.map(|at| at.to_rfc3339()).unwrap_or_default();
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "key_expired",
            format!("the API key `{}` expired at {at}", grant.name),
        ));
    }
    Ok(grant)
}

/// Refuses a known key whose role in the path's club is below what the route needs. Any
/// other case (no key, an unknown one, another club's) goes on to the handler, which
/// refuses it as every route does, in the same order.
pub(super) async fn needs_role(
    State((app, role, max_body)): State<(Arc<App>, Role, usize)>,
    params: Result<axum::extract::RawPathParams, axum::extract::rejection::RawPathParamsRejection>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    // A path that cannot be read is the handler's to refuse, as JSON.
    let club = params.ok().and_then(|params| {
        params
            .iter()
            .find(|(name, _)| *name == "club")
            .map(|(_, value)| value.to_owned())
    });
    let grant = authorize(&app, request.headers()).ok();
    if let (Some(grant), Some(club)) = (grant, club) {
        if let Some(held) = grant.role_in(&club) {
            if held < role {
                // Read the body first (as the handler would have): a connection closed
                // on a body still being sent reaches the client as a reset, not as this.
                let _ = axum::body::to_bytes(request.into_body(), max_body).await;
                return role_refusal(&grant, &club, held, role).into_response();
            }
        }
    }
    next.run(request).await
}

/// A key whose role in `club` is below `needed`.
pub fn role_refusal(grant: &Grant, club: &str, held: Role, needed: Role) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "needs_role",
        format!(
            "key `{}` is a `{}` of club `{club}`; this needs `{}`",
            grant.name,
            held.as_str(),
            needed.as_str()
        ),
    )
}

pub(super) fn require_admin(grant: &Grant) -> Result<(), ApiError> {
    if grant.admin {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "admin_only",
            format!("key `{}` is not an admin key", grant.name),
        ))
    }
}

/// The club, if the key may use it. A key is refused for a club it does not hold before
/// anything is said about whether that club exists.
pub(super) fn club_for(app: &App, grant: &Grant, club: &str) -> Result<Arc<Club>, ApiError> {
    if !grant.may_use(club) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_club",
            format!("key `{}` is not a key of club `{club}`", grant.name),
        ));
    }
    if let Some(found) = app.registry.club(club) {
        return Ok(found);
    }
    if app.registry.is_broken(club) {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "club_not_loaded",
            format!("club `{club}` has no working policy yet; GET /v1/status shows why"),
        ));
    }
    let ids = app.registry.ids();
    let mut error = ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_club",
        format!("no club `{club}`"),
    );
    if let Some(near) = crate::diagnostic::did_you_mean(club, ids.iter().map(String::as_str)) {
        error = error.help(format!("did you mean `{near}`?"));
    }
    Err(error)
}

// ---- the ledger thread ----

/// With several processes on one PostgreSQL database, one that has not activated the
/// version another activated last does not write under its own (issue 15): it answers
/// "version changed, retry" until its own reload catches up.
pub(super) fn same_version(ledger: &Ledger, club: &str, serving: &str) -> Result<(), ApiError> {
    if !ledger.is_postgres() {
        return Ok(());
    }
    match ledger.active_version() {
        Ok(Some(active)) if active != serving => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "version_changed",
            format!(
                "another process activated version {} of club `{club}`; this one serves {} until it reloads",
                &active[..12.min(active.len())],
                &serving[..12.min(serving.len())]
            ),
        )
        .retry_after(RETRY_AFTER_SECONDS)),
        Ok(_) => Ok(()),
        Err(error) => Err(ApiError::unavailable(club, &error)),
    }
}

/// How long one request's rules may run in all: however many events it holds, they never
/// hold the club's ledger thread (or a reader) longer than a few times one rule's limit.
pub(super) fn request_budget(club: &Club) -> std::time::Duration {
    club.policy()
        .engine
        .limits()
        .max_time
        .saturating_mul(REQUEST_BUDGET_IN_RULE_LIMITS)
}

/// Runs `work` on the club's ledger thread; `keep` says whether its writes stay. The
/// answer comes back once the transaction holding them is committed.
pub(super) async fn on_ledger<T: Send + 'static>(
    club: &Club,
    work: impl FnOnce(&Ledger) -> (bool, Result<T, ApiError>) + Send + 'static,
) -> Result<T, ApiError> {
    run_on_ledger(club, None, move |ledger, _| {
        let (keep, value) = work(ledger);
        (keep, value, None)
    })
    .await
}

/// [`on_ledger`] for work that records events with a recorder going on from the books
/// the ledger thread kept ([`crate::recording::Recorder::resume`]), and hands back what
/// to keep ([`crate::recording::Recorder::finish_keeping`]). Without `savepoint`, the work
/// may run without one ([`super::writer::Writer::submit_with_books`]): for work whose
/// writes are all kept when it succeeds.
pub(super) async fn on_ledger_with_books<T: Send + 'static>(
    club: &Club,
    savepoint: bool,
    work: impl FnOnce(&Ledger, Option<Kept>) -> (bool, Result<T, ApiError>, Option<Kept>)
        + Send
        + 'static,
) -> Result<T, ApiError> {
    run_on_ledger(club, Some(savepoint), work).await
}

/// `with_books`: `None` for plain work, else whether it needs a savepoint.
async fn run_on_ledger<T: Send + 'static>(
    club: &Club,
    with_books: Option<bool>,
    work: impl FnOnce(&Ledger, Option<Kept>) -> (bool, Result<T, ApiError>, Option<Kept>)
        + Send
        + 'static,
) -> Result<T, ApiError> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let club_id = club.id.clone();
    let budget = request_budget(club);
    let serving = club.policy().id.clone();
    let boxed: BookWork = Box::new(move |ledger: Result<&Ledger, &LedgerError>, kept| {
        let checked = ledger
            .map_err(|error| ApiError::unavailable(&club_id, error))
            .and_then(|ledger| same_version(ledger, &club_id, &serving).map(|()| ledger));
        let ledger = match checked {
            Ok(ledger) => ledger,
            Err(refusal) => {
                let done = Done {
                    keep: false,
                    reply: Box::new(move |_| {
                        let _ = sender.send(Ok(Err(refusal)));
                    }),
                };
                return (done, None);
            }
        };
        // A panic here fails this request alone, with an incident id the log line shares;
        // its writes are undone by the keep flag like any refusal's.
        let (keep, value, kept) =
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                crate::policy::with_time_budget(budget, || work(ledger, kept))
            })) {
                Ok(done) => done,
                Err(payload) => {
                    let incident = incident::caught(payload.as_ref());
                    (false, Err(ApiError::incident(&incident)), None)
                }
            };
        let keep = keep && value.is_ok();
        let done = Done {
            keep,
            reply: Box::new(move |committed: Result<(), String>| {
                // A request that failed is answered with its own error (an incident's id),
                // even when its transaction was then rolled back as a whole.
                let answer = match (committed, value) {
                    (_, Err(error)) => Ok(Err(error)),
                    (committed, value) => committed.map(|()| value),
                };
                let _ = sender.send(answer);
            }),
        };
        (done, kept.filter(|_| keep))
    });
    let submitted = if let Some(savepoint) = with_books {
        club.submit_with_books(boxed, savepoint)
    } else {
        club.submit(Box::new(move |ledger| boxed(ledger, None).0))
    };
    submitted.map_err(|refused| match refused {
        Refused::Busy => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!(
                "club `{}` has too many requests waiting; retry shortly",
                club.id
            ),
        )
        .retry_after(RETRY_AFTER_SECONDS),
        Refused::Stopped => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "stopping",
            "the server is shutting down",
        ),
    })?;
    match receiver.await {
        Ok(Ok(value)) => value,
        Ok(Err(error)) => Err(ApiError::internal(format!(
            "the ledger could not commit: {error}; nothing was written"
        ))),
        Err(_) => Err(ApiError::internal(
            "the request failed inside the engine; nothing was written",
        )),
    }
}

/// Runs `read` (which writes nothing) where the club's store answers reads best: on
/// PostgreSQL, on a pooled connection of its own, beside the club's writer and other
/// reads; on SQLite, on the club's ledger thread, between its transactions.
pub(super) async fn on_reader<T: Send + 'static>(
    club: &Club,
    read: impl FnOnce(&Ledger) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    if !club.place.reads_beside_writer() {
        return on_ledger(club, move |ledger| (false, read(ledger))).await;
    }
    let place = club.place.clone();
    let club_id = club.id.clone();
    let budget = request_budget(club);
    let answer = tokio::task::spawn_blocking(move || {
        let ledger = match place.open_reader() {
            Some(Ok(ledger)) => {
                ledger.read_books_in_one_trip();
                ledger
            }
            Some(Err(error)) => return Err(ApiError::unavailable(&club_id, &error)),
            None => return Err(ApiError::internal("no reader for this ledger")),
        };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::policy::with_time_budget(budget, || read(&ledger))
        })) {
            Ok(answer) => answer,
            Err(payload) => Err(ApiError::incident(&incident::caught(payload.as_ref()))),
        }
    })
    .await;
    answer.unwrap_or_else(|_| {
        Err(ApiError::internal(
            "the request failed inside the engine; nothing was written",
        ))
    })
}

// ---- request bodies ----

/// The body as JSON: numbers as the client wrote them, and a key given twice in any
/// object refused, naming it (see [`crate::import::json`]).
pub(super) fn json_body(body: Result<Bytes, BytesRejection>) -> Result<Field, ApiError> {
    let bytes = body.map_err(|rejection| {
        let status = rejection.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "body_too_large"
        } else {
            "unreadable_body"
        };
        ApiError::new(status, code, rejection.body_text())
    })?;
    exact_json::read_slice(&bytes).map_err(|error| match &error {
        JsonError::Syntax(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("invalid JSON: {e}"),
        )
        .at(e.line(), e.column()),
        JsonError::TooDeep => {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", error.to_string())
        }
        JsonError::Duplicate { .. } => {
            let field = error.column().map(str::to_owned);
            let mut refusal = ApiError::unprocessable("duplicate_key", error.to_string());
            if let Some(field) = field {
                refusal = refusal.field(field);
            }
            refusal
        }
    })
}

/// A small fixed-shape body (`{"reward": ...}`): unknown fields are refused by name.
pub(super) fn typed_body<T: serde::de::DeserializeOwned>(value: Field) -> Result<T, ApiError> {
    // The path of the value that did not fit, so that the answer names the field
    // (`{"reward": 5}`: `reward`), as every other refusal does.
    serde_path_to_error::deserialize(value.into_value()).map_err(|e| {
        let message = e.inner().to_string();
        // A missing or unknown field is reported at its parent: serde names it only in
        // the message ("missing field `reason`").
        let named = ["missing field `", "unknown field `"]
            .iter()
            .find_map(|start| message.strip_prefix(start))
            .and_then(|rest| rest.split('`').next());
        let field = match (e.path().to_string(), named) {
            (parent, Some(name)) if parent == "." => name.to_owned(),
            (parent, Some(name)) => format!("{parent}.{name}"),
            (path, None) => path,
        };
        let refusal = ApiError::unprocessable("invalid_body", message);
        if field == "." {
            refusal
        } else {
            refusal.field(field)
        }
    })
}

/// The query of `POST …/events` as the document shows it; [`dry_run`] reads it by hand, to
/// take `?dry_run` alone (true) and `1` and `0` as well.
#[derive(schemars::JsonSchema)]
pub(super) struct DryRunQuery {
    /// Answer as if, and write nothing.
    #[allow(dead_code)]
    dry_run: Option<bool>,
}

/// Only `dry_run` is accepted in the query string.
pub(super) fn dry_run(query: Option<&str>) -> Result<bool, ApiError> {
    let mut dry = false;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, "true"));
        match (name, value) {
            ("dry_run", "true" | "1") => dry = true,
            ("dry_run", "false" | "0") => dry = false,
            ("dry_run", other) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    format!("`dry_run` is true or false, not `{other}`"),
                ))
            }
            (other, _) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    format!("unknown query parameter `{other}`; the only one is `dry_run`"),
                ))
            }
        }
    }
    Ok(dry)
}

/// Routes that change the ledger and take no query refuse one: `?dry_run=true` on a
/// redemption must not redeem for real (found by the fuzz suite).
pub(super) fn no_query(query: Option<&str>) -> Result<(), ApiError> {
    match query.filter(|q| !q.is_empty()) {
        None => Ok(()),
        Some(query) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("this route takes no query parameters, not `{query}`"),
        )),
    }
}

/// An event's fields, as a request gives them.
pub(super) type Fields = std::collections::BTreeMap<String, Field>;

/// The events of a request body: one event object, or `{"events": [...]}`.
pub(super) fn event_objects(body: Field) -> Result<(Vec<Fields>, bool), ApiError> {
    let shape = "the body is one event object or {\"events\": [...]}";
    let Field::Object(mut object) = body else {
        return Err(ApiError::unprocessable("invalid_body", shape));
    };
    let Some(events) = object.remove("events") else {
        return Ok((vec![object], false));
    };
    if let Some(other) = object.keys().next() {
        return Err(ApiError::unprocessable(
            "unknown_field",
            format!("unknown field `{other}` beside `events`"),
        ));
    }
    let Field::List(events) = events else {
        return Err(ApiError::unprocessable("invalid_body", shape));
    };
    if events.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("{} events in one batch; at most {MAX_BATCH}", events.len()),
        ));
    }
    let objects = events
        .into_iter()
        .enumerate()
        .map(|(i, event)| match event {
            Field::Object(object) => Ok(object),
            _ => Err(ApiError::unprocessable(
                "invalid_body",
                format!("event {} is not a JSON object", i + 1),
            )),
        })
        .collect::<Result<_, _>>()?;
    Ok((objects, true))
}

/// Unknown fields are a client's bug: the whole request is refused, naming the field.
/// (Files imported with `bashgah import` may carry extra columns as attributes; the API
/// takes them in `attributes` only, so a misspelt `amount` cannot slip through.)
pub(super) fn check_fields(objects: &[Fields], batch: bool) -> Result<(), ApiError> {
    for (i, object) in objects.iter().enumerate() {
        for key in object.keys() {
            if !EVENT_FIELDS.contains(&key.as_str()) {
                let which = if batch {
                    format!("event {}: ", i + 1)
                } else {
                    String::new()
                };
                let mut error = ApiError::unprocessable(
                    "unknown_field",
                    format!("{which}unknown field `{key}`"),
                )
                .field(key.as_str());
                let help = match crate::diagnostic::did_you_mean(key, EVENT_FIELDS) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "fields of your own go inside `attributes`".to_owned(),
                };
                error = error.help(help);
                return Err(error);
            }
        }
    }
    Ok(())
}

/// A `limit` from 1 to `most`, `default` when none is given; anything else is refused
/// naming `limit`.
pub(super) fn limit_between(limit: Option<&str>, default: u32, most: u32) -> Result<u32, ApiError> {
    Ok(match limit {
        None => default,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=most).contains(n))
            .ok_or_else(|| {
                ApiError::unprocessable(
                    "invalid_limit",
                    format!("`limit` is `{text}`: write a whole number from 1 to {most}"),
                )
                .field("limit")
            })?,
    })
}

pub(super) fn unknown_member(member: &str, club: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_member",
        format!("no member `{member}` in club `{club}`"),
    )
}

/// An `at` a request gave, read in the club's calendar and time zone; refused naming the
/// field.
pub(super) fn given_time(
    policy: &Policy,
    text: Option<&str>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    text.map(|text| crate::time::parse_event_time(text, policy.club.calendar, policy.zone))
        .transpose()
        .map_err(|m| ApiError::unprocessable("invalid_date", format!("`at`: {m}")).field("at"))
}

/// A query that takes only `at` (the report's, the overview's).
pub(super) fn at_query<T: serde::de::DeserializeOwned>(query: Option<&str>) -> Result<T, ApiError> {
    serde_urlencoded::from_str(query.unwrap_or("")).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("the query takes `at`: {e}"),
        )
    })
}
