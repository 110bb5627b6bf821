//! `POST /v1/clubs/{club}/simulations` and `GET …/simulations/report`: what a draft
//! would have done over a period of the club's real history, beside the live version —
//! `bashgah simulate --against` on the events the ledger holds instead of a file. The
//! summary answers as JSON; the report is the one `simulate --html` writes (one report
//! generator, [`crate::simulate::render_html`]), which the console's what-if page shows.
//!
//! The work is bounded: the period holds at most [`MAX_EVENTS`] events (more is refused,
//! not cut short, so a summary never silently covers part of a period), each version's
//! rules share a time budget, at most [`AT_ONCE`] simulations run at a time, and they run
//! off the club's ledger thread, on scratch ledgers in memory. The real ledger is only
//! read; nothing is written. Operators and admins of the club may run them (the route
//! table says so), not a till's or a viewer's key.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::answers::{Html, Reply};
use super::clubs::Club;
use super::request::{
    authorize, club_for, json_body, on_reader, segments, typed_body, Answer, ApiError, App,
};
use crate::policy::{with_time_budget, Policy};
use crate::simulate::{compare, render_html, simulate_events, Comparison};

/// The most events a simulation replays (under each version).
pub const MAX_EVENTS: u32 = 50_000;
/// The longest period, in days.
pub const MAX_DAYS: i64 = 3_660;
/// Simulations running at once in the whole process; another is refused (503, retry).
pub const AT_ONCE: usize = 2;
/// Each version's rules run for at most this many times one rule's time limit in all
/// (20 s with the default 250 ms).
const BUDGET_IN_RULE_LIMITS: u32 = 80;
/// Members listed as most affected.
const MOST_AFFECTED: usize = 10;

/// What to simulate: a draft, over a period of the club's calendar.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationRequest {
    /// The draft's folder name in the server's drafts folder.
    #[schemars(length(min = 1))]
    pub draft: String,
    /// The first day, in the club's calendar (`1403-10-01`, or `2025-01-01`).
    pub from: String,
    /// The last day (included), in the club's calendar; at most 3660 days after `from`.
    pub to: String,
}

/// The live version (`a`) and the draft (`b`) over the same period of real events.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SimulationAnswer {
    pub club: String,
    pub draft: String,
    /// The period, in the club's calendar.
    pub from: String,
    pub to: String,
    /// The events of the period replayed (purchases, returns, payments, custom events,
    /// enrolments), under each version.
    pub events: u64,
    /// `a` is the live version, `b` the draft; what changes between them.
    pub comparison: Comparison,
    /// Always true: a simulation writes nothing.
    pub dry_run: bool,
}

/// A slot among the [`AT_ONCE`] simulations, given back when dropped.
struct Slot;

static RUNNING: AtomicUsize = AtomicUsize::new(0);

impl Slot {
    fn take() -> Option<Slot> {
        RUNNING
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |running| {
                (running < AT_ONCE).then_some(running + 1)
            })
            .ok()
            .map(|_| Slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::AcqRel);
    }
}

pub(super) async fn post_simulation(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<SimulationAnswer> {
    let grant = authorize(&app, &headers)?;
    let club = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    super::request::no_query(query.as_deref())?;
    let request: SimulationRequest = typed_body(json_body(body)?)?;
    simulate_draft(&app, &club, request).await.map(Reply::ok)
}

pub(super) async fn get_report(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Html, ApiError> {
    let grant = authorize(&app, &headers)?;
    let club = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let request = from_query(query.as_deref())?;
    let answer = simulate_draft(&app, &club, request).await?;
    Ok(Html(report_html(&answer, crate::locale::current())))
}

/// The report page of a simulation (the live version as A, the draft as B), in `lang`.
pub fn report_html(answer: &SimulationAnswer, lang: crate::locale::Lang) -> String {
    crate::locale::in_language(lang, || {
        render_html(&answer.comparison.a, Some(&answer.comparison))
    })
}

/// The query of the report: `draft`, `from` and `to`, each once.
fn from_query(query: Option<&str>) -> Result<SimulationRequest, ApiError> {
    let mut fields = serde_json::Map::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("`{name}` is not percent-encoded UTF-8"),
            )
        })?;
        if fields.insert(name.to_owned(), value.into()).is_some() {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("`{name}` is given twice"),
            ));
        }
    }
    serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("the query is `draft`, `from` and `to`: {e}"),
        )
    })
}

/// `%xx` and `+` decoded, as forms send them.
fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        match first {
            b'%' => {
                let hex = tail.get(..2)?;
                let hex = std::str::from_utf8(hex).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                rest = &tail[2..];
            }
            b'+' => {
                bytes.push(b' ');
                rest = tail;
            }
            other => {
                bytes.push(other);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).ok()
}

/// The period as instants: from the start of `from` to the start of the day after `to`.
fn period(
    policy: &Policy,
    request: &SimulationRequest,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let calendar = policy.club.calendar;
    let day = |text: &str, field: &str| {
        calendar.parse_date(text).map_err(|reason| {
            ApiError::unprocessable("invalid_date", format!("`{field}`: {reason}")).field(field)
        })
    };
    let (from, to) = (day(&request.from, "from")?, day(&request.to, "to")?);
    let days = (to - from).num_days();
    if days < 0 {
        return Err(ApiError::unprocessable(
            "invalid_period",
            format!("`to` ({}) is before `from` ({})", request.to, request.from),
        )
        .field("to"));
    }
    if days >= MAX_DAYS {
        return Err(ApiError::unprocessable(
            "period_too_long",
            format!("{} days; a simulation covers at most {MAX_DAYS}", days + 1),
        )
        .field("to"));
    }
    let after = to.succ_opt().unwrap_or(to);
    Ok((
        crate::engine::start_of_day(policy, from),
        crate::engine::start_of_day(policy, after),
    ))
}

/// Runs a simulation: what the API answers and the console shows.
pub async fn simulate_draft(
    app: &App,
    club: &Club,
    request: SimulationRequest,
) -> Result<SimulationAnswer, ApiError> {
    let live = club.policy();
    let (start, end) = period(&live, &request)?;
    let Some(slot) = Slot::take() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!("{AT_ONCE} simulations are running; retry when one has finished"),
        )
        .retry_after(super::request::RETRY_AFTER_SECONDS));
    };
    let draft = {
        let registry = Arc::clone(&app.registry);
        let (club_id, name) = (club.id.clone(), request.draft.clone());
        tokio::task::spawn_blocking(move || {
            super::drafts::load(registry.folders(), &club_id, &name)
        })
        .await
        .map_err(|_| ApiError::internal("loading the draft failed"))?
        .map_err(|e| super::trials::draft_refusal(&club.id, e))?
    };
    let (from, to) = (crate::time::stored(start), crate::time::stored(end));
    // The history is read where reads go; the replays run on a thread of their own.
    let (events, members) = on_reader(club, move |ledger| {
        let events = ledger.imported_events_between(&from, &to, MAX_EVENTS + 1)?;
        let mut ids: Vec<&str> = events.iter().map(|e| e.member.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut members = Vec::with_capacity(ids.len());
        if events.len() <= MAX_EVENTS as usize {
            for id in ids {
                if let Some(state) = ledger.member_state(id)? {
                    members.push(state);
                }
            }
        }
        Ok((events, members))
    })
    .await?;
    if events.len() > MAX_EVENTS as usize {
        return Err(ApiError::unprocessable(
            "too_many_events",
            format!("the period holds more than {MAX_EVENTS} events; choose a shorter one"),
        )
        .field("to"));
    }
    let (club_id, draft_name) = (club.id.clone(), request.draft.clone());
    let live_label = club.dir.display().to_string();
    let draft_label = app
        .registry
        .folders()
        .drafts
        .join(&request.draft)
        .display()
        .to_string();
    let comparison = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let budget = |policy: &Policy| {
            policy
                .engine
                .limits()
                .max_time
                .saturating_mul(BUDGET_IN_RULE_LIMITS)
        };
        let mut a = with_time_budget(budget(&live), || {
            simulate_events(&live, &members, &events, end)
        })?;
        let mut b = with_time_budget(budget(&draft), || {
            simulate_events(&draft, &members, &events, end)
        })?;
        a.label = live_label;
        b.label = draft_label;
        Ok::<_, crate::ledger::LedgerError>((events.len() as u64, compare(a, b, MOST_AFFECTED)))
    })
    .await
    .map_err(|_| ApiError::internal("the simulation failed; nothing was written"))??;
    let calendar = live_calendar(club);
    Ok(SimulationAnswer {
        club: club_id,
        draft: draft_name,
        from: calendar(start),
        to: calendar(end - chrono::Duration::seconds(1)),
        events: comparison.0,
        comparison: comparison.1,
        dry_run: true,
    })
}

/// Writes an instant as its day in the club's calendar.
fn live_calendar(club: &Club) -> impl Fn(DateTime<Utc>) -> String {
    let policy = club.policy();
    move |at| policy.local_date(at)
}
