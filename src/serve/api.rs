//! The HTTP JSON API, version 1: what tills and web shops call.
//!
//! Every answer is JSON; every refusal is `{"error": {"code", "message", ...}}` with a
//! precise 4xx status and changes nothing. Amounts and points are strings holding exact
//! decimals. [`routes`] lists every route with its description: the router and the OpenAPI
//! document (served at `/v1/openapi.json`, and kept in `docs/openapi.json`) are both built
//! from it (see [`super::openapi`]); the answers are the types of [`super::answers`].

use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::answers::{self, ErrorAnswer, EventResult, Reply};
use super::clubs::Club;
use super::event_body::EventsBody;
use super::incident::{self};
use super::keys::Role;
use super::members::{AdjustBody, ConvertBody, RedeemBody};
use super::metrics;
use super::openapi::{NoQuery, Route};
use super::policy_view;
// The request plumbing every route shares (and that others name as `api::...`).
pub use super::request::*;
use crate::event::Event;
use crate::import::{event_from_row, Field, Row, RowProblem};
use crate::ledger::{Ledger, LedgerError};
use crate::policy::Policy;
use crate::recording::{BookLimits, Disposition, Kept, Recorder};

/// Every route: its handler, and what the OpenAPI document says of it. A route is served
/// only from here, so none goes undescribed; the success schema is read off the handler's
/// own return type.
pub fn routes() -> Vec<Route<Arc<App>>> {
    const CODE_404: &str =
        "No such club (`unknown_club`, with a suggestion in `help`) or code (`unknown_code`).";
    const VERSION_404: &str =
        "No such club (`unknown_club`, with a suggestion in `help`) or no version of it starts with the digits given (`unknown_version`).";
    const VERSION_422: &str =
        "A version is neither `live` nor 4 to 64 hex digits (`invalid_version`), or its digits start several versions (`ambiguous_version`).";
    vec![
        Route::get("/v1/health", health)
            .open()
            .summary("Is the server up")
            .ok("Up"),
        Route::get("/v1/status", status)
            .summary("Per club: the active policy version and the last reload attempt with its errors")
            .ok("The clubs the key may see"),
        Route::get("/metrics", metrics_text)
            .admin()
            .summary("Prometheus metrics (OpenMetrics text), admin keys only")
            .description("Events applied and refused per club, reload attempts and outcomes, ledger queue depth, commit latency, messages sent and failed, panics caught.")
            .ok("The metrics"),
        Route::get("/v1/openapi.json", openapi)
            .open()
            .summary("This document")
            .ok("OpenAPI 3.1"),
        Route::post("/v1/reload", reload)
            .admin()
            .summary("Reload every club now (admin), changed or not")
            .description("Each club's files are loaded and its policy tests run; only a version that passes both replaces the active one.")
            .ok("What each club folder did")
            .error(500, "The reload could not run (`internal`)."),
        Route::post("/v1/clubs/{club}/events", post_events)
            .summary("Post one event or a batch")
            .description("Each event goes through the same path as `bashgah import`: idempotent by id (a retry answers `duplicate`, with the same points), a changed event with a known id is a `conflict`, and an event whose rules fail is `rejected` with the script's position; the others still apply. The answer comes after the event is durably committed.")
            .query::<DryRunQuery>()
            .body::<EventsBody>()
            .ok("One event: its result; a batch: every event's result")
            .answers::<EventResult>(409, "One event whose id is in the ledger with other content.")
            .answers::<EventResult>(422, "One event that was rejected (an `EventResult` with `error`).")
            .error(413, "The body is larger than `--max-body` (`body_too_large`) or a batch holds more than 1000 events (`batch_too_large`)."),
        Route::get("/v1/clubs/{club}/members/{member}", get_member)
            .summary("A member: balances, pending and expiring points, tier, deals")
            .description("As `bashgah member --json`: balances (available, pending, debt), points expiring by date, open lots, tier and tier changes, deals and checkpoints, challenge progress, badges, and the statement.")
            .ok("The member"),
        Route::get("/v1/clubs/{club}/events/{event}/explanation", get_explanation)
            .summary("Why an event the ledger holds earned what it did: every rule, what it read and gave, beside the ledger's entries")
            .description("As `bashgah explain <club> <event>`: the event is evaluated again, traced, under the policy version that evaluated it (rebuilt from the files the ledger keeps), against the member as they stood just before it. An unknown event is `unknown_event` (404).")
            .query::<NoQuery>()
            .ok("The explanation"),
        Route::get("/v1/clubs/{club}/members/{member}/statement", get_statement)
            .summary("Every ledger entry of the member, with its reason and policy version")
            .ok("The statement"),
        Route::get("/v1/clubs/{club}/members/{member}/groups", super::groups::get_groups)
            .summary("A member's groups (households, companies), and a group's members")
            .description("The groups the member is in now, with their role; for a group's account (its id), everyone who joined it, with their role (null once they left), the points their events brought the pool, net of returns, and what they spent from it. The pool's balance is the group's own member answer.")
            .ok("The groups"),
        Route::post("/v1/clubs/{club}/members/{member}/redemptions", redeem)
            .summary("Redeem a reward")
            .query::<NoQuery>()
            .body::<RedeemBody>()
            .ok("Redeemed (or already, for a known id)")
            .error(422, "The body is JSON of the wrong shape: an unknown field, a missing one or one of the wrong kind (`invalid_body`, with `field`), a key given twice (`duplicate_key`), a bad date (`invalid_date`), or a refused redemption (`refused`)."),
        Route::post("/v1/clubs/{club}/clock", advance)
            .role(Role::Admin)
            .summary("Move the club's clock forward (the club's admin): expiry, tier reviews, deal checkpoints, birthdays")
            .query::<NoQuery>()
            .body::<AdvanceBody>()
            .ok("What the advance did")
            .error(409, "The clock is already later (`clock_moves_forward`).")
            .error(422, "The body is JSON of the wrong shape (`invalid_body`, with `field`; `duplicate_key`), or `to` is not a date (`invalid_date`)."),
        Route::get("/v1/clubs/{club}/members", list_members)
            .summary("The club's members in id order, a page at a time; with `q`, those whose id or profile holds the text")
            .query::<MemberListQuery>()
            .ok("A page of members")
            .error(422, "`limit` not a whole number from 1 to 10000 (`invalid_limit`), or `q` empty or longer than 100 characters (`invalid_search`); `field` names which."),
        Route::get("/v1/clubs/{club}/changes", changes)
            .summary("The change feed: every ledger entry in the order it was written, a page at a time")
            .description("A client keeps `next` and asks again from it: nothing is missed and nothing comes twice, however often it asks.")
            .query::<PageQuery>()
            .ok("A page of the change feed")
            .error(422, "`limit` not a whole number from 1 to 10000 (`invalid_limit`), or `after` not a cursor this route gave (`invalid_cursor`); `field` names which."),
        Route::post("/v1/clubs/{club}/members/{member}/redemptions/{redemption}/cancellation", cancel_redemption)
            .summary("Cancel a redemption whose reward was not handed over: points, credit and stock back")
            .description("The points come back into lots that keep the expiry dates they had (points that expired meanwhile stay expired), credit the reward gave leaves the wallet, the item is back in stock and no longer counts to the member's limit, and its code is void. `status` is `done`, or `duplicate` for a known id.")
            .query::<NoQuery>()
            .body::<CancelBody>()
            .ok("Cancelled (or already, for a known id)")
            .error(422, "The body is JSON of the wrong shape (`invalid_body`, with `field`; `duplicate_key`), `at` is not a date (`invalid_date`), or the cancellation is refused (`refused`: no such redemption, another member's, cancelled already, its code used at a till, its credit spent)."),
        Route::post("/v1/clubs/{club}/members/{member}/adjustments", adjust)
            .role(Role::Operator)
            .summary("Add points by hand (an operator of the club), or take them with a negative number, for a reason")
            .query::<NoQuery>()
            .body::<Points<AdjustBody>>()
            .ok("Adjusted (or already, for a known id)")
            .error(422, "The body is JSON of the wrong shape (`invalid_body`, with `field`; `duplicate_key`), `points` is not an exact amount (`invalid_amount`), `at` is not a date (`invalid_date`), or the change is refused (`refused`)."),
        Route::post("/v1/clubs/{club}/members/{member}/transfers", transfer)
            .summary("Give points to another member, where the club allows transfers")
            .query::<NoQuery>()
            .body::<Points<TransferBody>>()
            .ok("Transferred (or already, for a known id)")
            .error(422, "The body is JSON of the wrong shape (`invalid_body`, with `field`; `duplicate_key`), `points` is not an exact amount (`invalid_amount`), `at` is not a date (`invalid_date`), or the transfer is refused (`refused`: the club allows none, too few points...)."),
        Route::post("/v1/clubs/{club}/members/{member}/conversions", convert)
            .summary("Turn points into credit at the club's rate")
            .query::<NoQuery>()
            .body::<Points<ConvertBody>>()
            .ok("Converted (or already, for a known id)")
            .error(422, "The body is JSON of the wrong shape (`invalid_body`, with `field`; `duplicate_key`), `points` is not an exact amount (`invalid_amount`), `at` is not a date (`invalid_date`), or the conversion is refused (`refused`)."),
        Route::get("/v1/clubs/{club}/rewards", rewards)
            .summary("The catalogue as the club's file defines it, with how many of each limited reward are left")
            .query::<NoQuery>()
            .ok("The catalogue"),
        Route::get("/v1/clubs/{club}/codes/{code}", check_code)
            .summary("Whether a code is good for a member and a basket: `usable`, the `discount`, and `status` saying why not")
            .query::<CodeQuery>()
            .ok("The code: with `basket`, the discount it takes off (`discount`) or why it cannot be used on it (`reason`)")
            .error(404, CODE_404)
            .error(422, "`basket` is not an exact amount (`invalid_amount`), or `at` not a date (`invalid_date`); `field` names which."),
        Route::post("/v1/clubs/{club}/codes/{code}/uses", use_code)
            .summary("Use a code, once: the same reference again is a retry (`duplicate`)")
            .description("Any other second use is refused (409), across processes too: the database's key on the code decides.")
            .query::<NoQuery>()
            .body::<CodeUseRequest>()
            .ok("Used (`used`), or already used with this reference (`duplicate`)")
            .error(404, CODE_404)
            .error(409, "The code was used already, for another reference (`code_used`, with `used`), or its redemption was cancelled (`code_cancelled`).")
            .error(422, "The code belongs to another member (`other_member`, field `member`), is past its last day (`expired`), or its reward's basket rules refuse the basket (`basket_too_small`, `basket_needed`: field `basket`; `invalid_amount`), or the body is JSON of the wrong shape (`invalid_body`, with `field`; `duplicate_key`), or `at` is not a date (`invalid_date`)."),
        Route::get("/v1/clubs/{club}/contests", super::contests::list)
            .summary("The club's leaderboards and prize draws: standings or entries in the window holding the clock, and the results recorded, with each draw's seed")
            .query::<NoQuery>()
            .ok("The contests"),
        Route::get("/v1/clubs/{club}/contests/{contest}", super::contests::one)
            .summary("One leaderboard or draw, in its current window or `window`, with each recorded result decided again from the ledger's rows (`verified`)")
            .query::<super::contests::ContestQuery>()
            .ok("The contest")
            .error(404, "No such club (`unknown_club`, with a suggestion in `help`) or contest (`unknown_contest`)."),
        Route::get("/v1/clubs/{club}/report", report)
            .role(Role::Admin)
            .summary("The club's report (the club's admin): segments and members at risk, campaign cost, partner settlement, messages — what `bashgah report --json` gives")
            .query::<ReportQuery>()
            .ok("The report")
            .error(422, "`at` is not a date (`invalid_date`, field `at`)."),
        Route::get("/v1/clubs/{club}/overview", super::overview::overview)
            .summary("The club at a glance: members and how many bought in the last 30 and 90 days, points issued, spent and expired in each of the last 12 months of the club's calendar, what members hold and its worth, tiers, points by rule, campaigns against their budgets, messages, and the live policy with its last reload")
            .description("What the console's overview page shows. Answers fast on a ledger of a million members: entries are summed once per process and then only those written since are added.")
            .query::<super::overview::OverviewQuery>()
            .ok("The overview")
            .error(422, "`at` is not a date (`invalid_date`, field `at`)."),
        Route::get("/v1/clubs/{club}/lots", lots)
            .summary("Every lot as it stands (points earned together, what remains, when spendable and when they expire), a page at a time")
            .query::<PageQuery>()
            .ok("A page of lots")
            .error(422, "`limit` not a whole number from 1 to 10000 (`invalid_limit`), or `after` not a cursor this route gave (`invalid_cursor`); `field` names which."),
        Route::get("/v1/clubs/{club}/messages", messages)
            .summary("The outbox (every message queued, and what became of it), a page at a time")
            .query::<PageQuery>()
            .ok("A page of the outbox")
            .error(422, "`limit` not a whole number from 1 to 10000 (`invalid_limit`), or `after` not a cursor this route gave (`invalid_cursor`); `field` names which."),
        Route::post("/v1/clubs/{club}/members/{member}/consents", consent)
            .summary("A member's yes or no to a message channel, recorded with where it came from")
            .query::<NoQuery>()
            .body::<ConsentBody>()
            .ok("Recorded")
            .error(422, "A channel the club does not send on (`unknown_channel`, field `channel`), or the body is JSON of the wrong shape (`invalid_body`, with `field`; `duplicate_key`), or `at` is not a date (`invalid_date`), or the consent is refused (`refused`)."),
        Route::get("/v1/clubs/{club}/policy", policy_view::get_live)
            .summary("The live policy version: its files, the last reload attempt (with its errors as `bashgah check` prints them), its policy tests' results and the canary's per-rule changes")
            .query::<NoQuery>()
            .ok("The live version"),
        Route::get("/v1/clubs/{club}/policy/versions", policy_view::get_versions)
            .summary("Every policy version the ledger keeps, newest first, a page at a time")
            .query::<policy_view::VersionsQuery>()
            .ok("A page of versions")
            .error(422, "`limit` not a whole number from 1 to 1000 (`invalid_limit`), or `after` not a version of the list (`invalid_cursor`); `field` names which."),
        Route::get("/v1/clubs/{club}/policy/versions/{version}", policy_view::get_version)
            .summary("One policy version with its files")
            .query::<NoQuery>()
            .ok("The version")
            .error(404, VERSION_404)
            .error(422, VERSION_422),
        Route::get("/v1/clubs/{club}/policy/diff", policy_view::get_diff)
            .summary("What changed from one policy version to another: files added, removed and changed, with line hunks")
            .description("`from` and `to` each name a version by its id, a prefix of at least 4 hex digits, or `live` (the version served now, stored or not). Each changed file comes with hunks of three lines of context; every line says whether it is context, added or removed, and its numbers in the old and new text.")
            .query::<policy_view::DiffQuery>()
            .ok("The differences")
            .error(404, VERSION_404)
            .error(422, VERSION_422),
        Route::post("/v1/clubs/{club}/trials", super::trials::post_trial)
            .role(Role::Viewer)
            .summary("Try an event (a purchase) without recording it: every rule, what it read, the rounding, the tier multiplier and the entries — under the live version and, with `draft`, a draft beside it")
            .description("The member's real standing is read from the ledger; the event is decided as recording would decide it (what falls due first, then the event), by the same code as `bashgah explain --event`. The date is in the club's calendar (`1403-10-10` for a Jalali club). `draft` names a folder of the server's drafts folder (`bashgah serve --drafts`) holding a copy of the club: its answer comes beside the live one, and `rules` lists every rule's points under both. Nothing is written.")
            .query::<NoQuery>()
            .body::<super::event_body::TrialBody>()
            .ok("Each version's verdict")
            .error(404, "No such club (`unknown_club`, with a suggestion in `help`) or draft (`unknown_draft`).")
            .error(422, "The body is not an event (`invalid_body`, `unknown_field`, `invalid_event`, with `field`; `duplicate_key`), `draft` is not a folder name (`invalid_draft`), or the draft does not load (`draft_does_not_load`, with every problem located in `problems` and as `bashgah check` prints them in `report`) or is another club's (`draft_of_another_club`)."),
        Route::post("/v1/clubs/{club}/simulations", super::simulations::post_simulation)
            .role(Role::Operator)
            .summary("What a draft would have done over a period of the club's real history, beside the live version (`simulate --against` on the ledger's events)")
            .description("The events members brought in the period (purchases, returns, payments, custom events, enrolments) are replayed in the order recorded under each version into scratch ledgers, the members' profiles copied from the ledger with no points and no tier, and the clock run to the end of the period; `comparison.a` is the live version, `comparison.b` the draft. At most 50,000 events and 3660 days; at most 2 simulations at once. Nothing is written.")
            .query::<NoQuery>()
            .body::<super::simulations::SimulationRequest>()
            .ok("The two summaries and what changes between them")
            .error(404, "No such club (`unknown_club`, with a suggestion in `help`) or draft (`unknown_draft`).")
            .error(422, "The body is JSON of the wrong shape (`invalid_body`, with `field`; `duplicate_key`), `from` or `to` is not a date (`invalid_date`), the period is backwards (`invalid_period`) or too long (`period_too_long`), it holds more than 50,000 events (`too_many_events`), or the draft cannot be tried (`invalid_draft`, `draft_does_not_load` with `problems` and `report`, `draft_of_another_club`).")
            .error(503, "Two simulations are running already (`busy`, with `Retry-After`)."),
        Route::get("/v1/clubs/{club}/simulations/report", super::simulations::get_report)
            .role(Role::Operator)
            .summary("The same simulation as its HTML report (`simulate --html`): charts and tables, the live version as A and the draft as B")
            .query::<super::simulations::SimulationRequest>()
            .ok("The report page")
            .error(400, "The query is not `draft`, `from` and `to`, each once (`invalid_query`).")
            .error(404, "No such club (`unknown_club`, with a suggestion in `help`) or draft (`unknown_draft`).")
            .error(422, "As for `POST …/simulations`.")
            .error(503, "Two simulations are running already (`busy`, with `Retry-After`)."),
    ]
}

/// The OpenAPI document of [`routes`], as `bashgah openapi` prints it and
/// `docs/openapi.json` holds it.
pub fn openapi_document() -> Value {
    super::openapi::document(&routes(), super::openapi::schema_of::<ErrorAnswer>)
}

/// [`openapi_document`], as served: made once.
fn openapi_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| serde_json::to_string_pretty(&openapi_document()).unwrap_or_default())
}

pub fn router(app: Arc<App>, max_body: usize) -> Router {
    routes_only(app, max_body).fallback(not_found)
}

/// [`router`] without the answer to paths it does not know, for a router that serves
/// other pages beside the API (the console) and says "not found" itself, with
/// [`not_found_answer`] for the API's paths.
pub fn routes_only(app: Arc<App>, max_body: usize) -> Router {
    routes()
        .into_iter()
        .fold(Router::new(), |router, route| {
            route.serve_wrapped(router, |handler, role| {
                handler.route_layer(axum::middleware::from_fn_with_state(
                    (Arc::clone(&app), role, max_body),
                    needs_role,
                ))
            })
        })
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(app)
}

// ---- handlers ----

async fn health(State(app): State<Arc<App>>) -> Answer<answers::Health> {
    Ok(Reply::ok(answers::Health {
        status: answers::Up::Ok,
        clubs: app.registry.ids().len(),
    }))
}

/// Prometheus's scrape: every metric in the OpenMetrics text format (admin keys only: it
/// names every club).
async fn metrics_text(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<answers::Metrics, ApiError> {
    let grant = authorize(&app, &headers)?;
    require_admin(&grant)?;
    Ok(answers::Metrics(metrics::render()))
}

async fn openapi() -> Result<answers::Document, ApiError> {
    Ok(answers::Document(openapi_text()))
}

async fn status(State(app): State<Arc<App>>, headers: HeaderMap) -> Answer<answers::Status> {
    let grant = authorize(&app, &headers)?;
    let mut status = app.registry.status(&grant);
    if grant.admin {
        status.keys = Some(app.keys.status());
    }
    Ok(Reply::ok(status))
}

async fn reload(State(app): State<Arc<App>>, headers: HeaderMap) -> Answer<answers::Reloaded> {
    let grant = authorize(&app, &headers)?;
    require_admin(&grant)?;
    let registry = Arc::clone(&app.registry);
    app.keys.refresh();
    let outcomes = tokio::task::spawn_blocking(move || registry.reload(true))
        .await
        .map_err(|e| ApiError::internal(format!("the reload failed: {e}")))?;
    Ok(Reply::ok(answers::Reloaded { reloaded: outcomes }))
}

async fn post_events(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<answers::EventsAnswer> {
    let grant = authorize(&app, &headers)?;
    let club = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let dry_run = dry_run(query.as_deref())?;
    let (objects, batch) = event_objects(json_body(body)?)?;
    check_fields(&objects, batch)?;
    // The snapshot this request started with, to its end, whatever a reload does.
    let policy = club.policy();
    let prepared: Vec<Prepared> = objects
        .into_iter()
        .enumerate()
        .map(|(i, fields)| {
            let row = Row {
                line: i as u64 + 1,
                fields,
            };
            let id = row.label("id");
            event_from_row(&row, &policy)
                .map(|event| {
                    let fingerprint = event.fingerprint();
                    (event, fingerprint)
                })
                .map_err(|problem| (id, problem))
        })
        .collect();
    let count = prepared.len();
    // One event, written for good: it needs no savepoint (a batch does, to be undone
    // whole if it fails half-way; a dry run does, to be undone).
    let savepoint = dry_run || count != 1;
    let answers = on_ledger_with_books(&club, savepoint, move |ledger, kept| {
        match apply_events(ledger, &policy, kept, prepared) {
            Ok((answers, kept)) => (!dry_run, Ok(answers), kept),
            Err(error) => (false, Err(ApiError::from(error)), None),
        }
    })
    .await
    .inspect_err(|_| {
        for _ in 0..count {
            metrics::event(&club.id, "failed");
        }
    })?;
    if !dry_run {
        for answer in &answers {
            metrics::event(&club.id, answer.status());
        }
    }
    if batch {
        let applied = answers.iter().filter(|a| a.status() == "applied").count();
        return Ok(Reply::ok(answers::EventsAnswer::Batch(
            answers::BatchResult {
                results: answers,
                applied,
                dry_run,
            },
        )));
    }
    let Some(mut answer) = answers.into_iter().next() else {
        return Err(ApiError::internal("no answer for the event"));
    };
    answer.set_dry_run(dry_run);
    let status = match answer.status() {
        "conflict" => StatusCode::CONFLICT,
        "rejected" => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    Ok(Reply::with_status(
        status,
        answers::EventsAnswer::One(answer),
    ))
}

type Prepared = Result<(Event, String), (Option<String>, RowProblem)>;

/// The member books a club's ledger thread keeps between requests, at most: a sixth of
/// an import's bound on facts, enough for the members who come back within minutes; the
/// rest are read from the ledger when they post. Where the club's decisions read
/// histories, forgotten books are kept compact up to 32 MiB, which the bound on whole
/// ones lends (`recording::cold`: some 40 MB a club either way). Reading a café member's
/// history back was a third of the ledger thread's time at single-event posts by 10,000
/// members; kept compact, the thread spent a fifth less an event (issue 14,
/// docs/PERFORMANCE.md).
const SERVER_BOOKS: BookLimits = BookLimits {
    members: 10_000,
    facts: 200_000,
    history_facts: 200_000,
    cold_bytes: 32 << 20,
};

/// Past a bound, the ledger thread forgets one book in this many: compacting half of
/// them took 6 to 33 ms at 10,000 books, a pause for every request waiting behind it.
const SERVER_FORGET_PART: usize = 16;

/// The one write path of the API: the importer's, event by event, with what each did.
fn apply_events(
    ledger: &Ledger,
    policy: &Policy,
    kept: Option<Kept>,
    prepared: Vec<Prepared>,
) -> Result<(Vec<EventResult>, Option<Kept>), LedgerError> {
    let mut recorder = Recorder::resume(ledger, policy, kept)
        .book_limits(SERVER_BOOKS)
        .forget_in_parts(SERVER_FORGET_PART);
    recorder.discipline_messages(crate::decide::MessageDiscipline::at(
        policy,
        chrono::Utc::now(),
    ));
    recorder.answer_with_entries();
    let mut answers = Vec::with_capacity(prepared.len());
    for item in prepared {
        let answer = match item {
            Err((id, problem)) => EventResult::Refused(answers::EventRefused {
                id,
                status: answers::Refusal::Rejected,
                error: answers::EventError {
                    message: problem.message,
                    field: problem.column,
                    script: None,
                },
                dry_run: None,
            }),
            Ok((event, fingerprint)) => {
                incident::fault("request", &event.member);
                let notices_before = if policy.club.messages.is_some() {
                    ledger.last_message_seq()?
                } else {
                    ledger.last_notice_seq()?
                };
                let disposition = recorder.event(&event, fingerprint)?;
                incident::fault("recorded", &event.member);
                let written = recorder.take_entries_written();
                let mut answer = describe(
                    ledger,
                    policy,
                    &recorder,
                    &event,
                    disposition,
                    written,
                    notices_before,
                )?;
                // Lifecycle-hook rules that failed: the event stands, the hook gave nothing.
                if let EventResult::Written(written) = &mut answer {
                    written.warnings = recorder.take_warnings();
                }
                answer
            }
        };
        answers.push(answer);
    }
    let kept = recorder.finish_keeping()?;
    Ok((answers, kept))
}

fn describe(
    ledger: &Ledger,
    policy: &Policy,
    recorder: &Recorder,
    event: &Event,
    disposition: Disposition,
    written: Option<Vec<crate::recording::WrittenEntry>>,
    notices_before: i64,
) -> Result<EventResult, LedgerError> {
    let refused = |status, error| {
        Ok(EventResult::Refused(answers::EventRefused {
            id: Some(event.id.clone()),
            status,
            error,
            dry_run: None,
        }))
    };
    let status = match &disposition {
        Disposition::Applied { .. } => answers::Written::Applied,
        Disposition::Duplicate => answers::Written::Duplicate,
        Disposition::Conflict => {
            return refused(
                answers::Refusal::Conflict,
                answers::EventError {
                    message: format!(
                        "event `{}` is already in the ledger with different content",
                        event.id
                    ),
                    field: Some("id".to_owned()),
                    script: None,
                },
            )
        }
        Disposition::Rejected(error) => {
            return refused(
                answers::Refusal::Rejected,
                answers::EventError {
                    message: error.message.clone(),
                    field: error.column.map(str::to_owned),
                    script: error
                        .location
                        .as_ref()
                        .map(|location| answers::ScriptPosition {
                            file: location.file.display().to_string(),
                            line: location.line,
                            column: location.column,
                        }),
                },
            );
        }
    };
    // An event applied just now: its entries as the recorder wrote them (the ledger
    // holds the same rows). A duplicate: as they were written the first time.
    let written = match (&disposition, written) {
        (Disposition::Applied { .. }, Some(written)) => {
            // Test builds hold it to the ledger: every post of the suite, the HTTP
            // consistency property's random histories included.
            debug_assert_eq!(written, ledger.entries_of_event(&event.id)?);
            written
        }
        _ => ledger.entries_of_event(&event.id)?,
    };
    let points: rust_decimal::Decimal = written.iter().map(|(_, points, _, _)| *points).sum();
    let entries: Vec<answers::Entry> = written
        .into_iter()
        .map(|(rule, points, reason, kind)| answers::Entry {
            rule,
            points: points.normalize().to_string(),
            reason,
            kind,
        })
        .collect();
    // A duplicate's member was not loaded by the applier: read them from the ledger.
    let stored;
    let member = match recorder.member(&event.member) {
        Some(book) => Some(&book.state),
        None => {
            stored = ledger.member_state(&event.member)?;
            stored.as_ref()
        }
    };
    // What the member is told because of this event: the outbox of a club with messaging,
    // else the notices the clock raised.
    let messages = if policy.club.messages.is_some() {
        answers::Told::Messages(ledger.messages_after(&event.member, notices_before)?)
    } else {
        answers::Told::Notices(ledger.notices_after(&event.member, notices_before)?)
    };
    Ok(EventResult::Written(answers::EventWritten {
        id: event.id.clone(),
        status,
        member: event.member.clone(),
        points: points.normalize().to_string(),
        entries,
        balance: member.map(|m| m.balance.normalize().to_string()),
        tier: member
            .and_then(|m| crate::engine::benefits::tier_of(policy, m))
            .map(|t| t.id.clone()),
        messages,
        policy_version: policy.short_id().to_owned(),
        warnings: Vec::new(),
        dry_run: None,
    }))
}

async fn get_member(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Answer<crate::view::MemberReport> {
    let grant = authorize(&app, &headers)?;
    let (club, member) = segments(path)?;
    Ok(Reply::ok(
        super::members::report(&app, &grant, &club, member).await?,
    ))
}

/// `GET /v1/clubs/{club}/events/{event}/explanation`.
async fn get_explanation(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer<crate::view::explanation::Explanation> {
    let grant = authorize(&app, &headers)?;
    no_query(query.as_deref())?;
    let (club, event) = segments(path)?;
    Ok(Reply::ok(
        super::members::explanation(&app, &grant, &club, event).await?,
    ))
}

/// A page of a list: `after` (where the last page ended) and `limit`.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    /// The `next` of the previous page; nothing for the first page.
    after: Option<String>,
    /// Rows in the page (default 1000).
    // Read as text, so that anything but a number in range is refused naming `limit`.
    #[schemars(with = "Option<u32>", range(min = 1, max = 10_000))]
    limit: Option<String>,
}

/// Rows a page holds unless `limit` says otherwise, and the most it may say.
const PAGE: u32 = 1_000;
const MOST_PER_PAGE: u32 = 10_000;

fn page_query(query: Option<&str>) -> Result<(Option<String>, u32), ApiError> {
    let page: PageQuery = serde_urlencoded::from_str(query.unwrap_or("")).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("the query takes `after` and `limit`: {e}"),
        )
    })?;
    Ok((page.after, page_limit(page.limit.as_deref())?))
}

/// A page's `limit`, checked.
pub(super) fn page_limit(limit: Option<&str>) -> Result<u32, ApiError> {
    limit_between(limit, PAGE, MOST_PER_PAGE)
}

/// A page of the member list, or of a search.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct MemberListQuery {
    /// The `next` of the previous page; nothing for the first page.
    after: Option<String>,
    /// Members in the page (default 1000).
    #[schemars(with = "Option<u32>", range(min = 1, max = 10_000))]
    limit: Option<String>,
    /// Only members whose id or a profile value (name, phone, email...) holds this text,
    /// ignoring case and whether digits are written in Persian, Arabic-Indic or ASCII.
    #[schemars(length(min = 1, max = 100))]
    q: Option<String>,
}

/// `GET /v1/clubs/{club}/members?after=ID&limit=N&q=TEXT`: members in id order, a page at
/// a time; `next` is the `after` of the next page. With `q`, only members whose id or a
/// profile value (name, phone, email...) holds the text, ignoring case and whether its
/// digits are Persian, Arabic-Indic or ASCII.
async fn list_members(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer<answers::MemberPage> {
    let grant = authorize(&app, &headers)?;
    let club = segments(path)?;
    let asked: MemberListQuery = serde_urlencoded::from_str(query.as_deref().unwrap_or(""))
        .map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_query",
                format!("the query takes `after`, `limit` and `q`: {e}"),
            )
        })?;
    let asked = super::members::MemberQuery {
        after: asked.after,
        limit: page_limit(asked.limit.as_deref())?,
        q: asked.q,
    };
    Ok(Reply::ok(
        super::members::list(&app, &grant, &club, asked).await?,
    ))
}

/// A page of rows numbered in the order they were written (`after` is the number of the
/// last row of the previous page): `read` gives up to the asked count after it, `seq`
/// each row's number, and `page` makes the answer of the rows, `next` and `more`.
async fn numbered_page<T: Send + 'static, P: Serialize + Send + 'static>(
    app: &App,
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Option<&str>,
    read: fn(&Ledger, i64, u32) -> Result<Vec<T>, LedgerError>,
    seq: fn(&T) -> i64,
    page: fn(Vec<T>, String, bool) -> P,
) -> Answer<P> {
    let grant = authorize(app, headers)?;
    let club = segments(path)?;
    let club = club_for(app, &grant, &club)?;
    let (after, limit) = page_query(query)?;
    let after = match after.as_deref() {
        None | Some("") => 0,
        Some(text) => text.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::unprocessable(
                "invalid_cursor",
                format!("`after` is `{text}`: give the `next` of the last page (a whole number), or nothing to start"),
            )
            .field("after")
        })?,
    };
    let page = on_reader(&club, move |ledger| {
        // One more than asked says whether there is a next page.
        let mut rows = read(ledger, after, limit + 1)?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = rows.last().map_or(after, seq);
        Ok(page(rows, next.to_string(), more))
    })
    .await?;
    Ok(Reply::ok(page))
}

/// `GET /v1/clubs/{club}/lots?after=N&limit=N`: every lot as it stands, a page at a time.
async fn lots(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer<answers::LotPage> {
    numbered_page(
        &app,
        &headers,
        path,
        query.as_deref(),
        Ledger::lot_page,
        |l| l.seq,
        |lots, next, more| answers::LotPage { lots, next, more },
    )
    .await
}

/// `GET /v1/clubs/{club}/messages?after=N&limit=N`: the outbox, a page at a time.
async fn messages(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer<answers::MessagePage> {
    numbered_page(
        &app,
        &headers,
        path,
        query.as_deref(),
        Ledger::message_page,
        |m| m.seq,
        |messages, next, more| answers::MessagePage {
            messages,
            next,
            more,
        },
    )
    .await
}

/// `GET /v1/clubs/{club}/changes?after=N&limit=N`: the change feed, every ledger entry
/// in the order it was written. A client keeps `next` and asks again from it: nothing is
/// missed and nothing comes twice, however often it asks.
async fn changes(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer<answers::ChangePage> {
    numbered_page(
        &app,
        &headers,
        path,
        query.as_deref(),
        Ledger::change_page,
        |c| c.seq,
        |changes, next, more| answers::ChangePage {
            changes,
            next,
            more,
        },
    )
    .await
}

async fn get_statement(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Answer<answers::Statement> {
    let grant = authorize(&app, &headers)?;
    let (club, member) = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let club_id = club.id.clone();
    let statement = on_reader(&club, move |ledger| {
        let read = (|| {
            if ledger.member_summary(&member)?.is_none() {
                return Ok(Err(unknown_member(&member, &club_id)));
            }
            let entries = ledger.statement(&member)?;
            Ok(Ok(answers::Statement { member, entries }))
        })();
        read.unwrap_or_else(|e: LedgerError| Err(e.into()))
    })
    .await?;
    Ok(Reply::ok(statement))
}

async fn redeem(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<answers::Redeemed> {
    let grant = authorize(&app, &headers)?;
    no_query(query.as_deref())?;
    let (club, member) = segments(path)?;
    club_for(&app, &grant, &club)?;
    let body: RedeemBody = typed_body(json_body(body)?)?;
    Ok(Reply::ok(
        super::members::redeem(&app, &grant, &club, member, body).await?,
    ))
}

/// Takes the exact amount `name` out of a request body if it is there.
fn take_optional_amount(
    body: &mut Field,
    name: &str,
) -> Result<Option<rust_decimal::Decimal>, ApiError> {
    match body {
        Field::Object(fields) if fields.contains_key(name) => take_amount(body, name).map(Some),
        _ => Ok(None),
    }
}

/// Takes the exact amount `name` out of a request body: JSON numbers are read as written
/// (`12.50` stays 12.50), text too (`"12.50"`); anything else is refused naming the field.
fn take_amount(body: &mut Field, name: &str) -> Result<rust_decimal::Decimal, ApiError> {
    let invalid = |message: String| ApiError::unprocessable("invalid_amount", message).field(name);
    let Field::Object(fields) = body else {
        return Err(ApiError::unprocessable(
            "invalid_body",
            "the body must be a JSON object",
        ));
    };
    match fields.remove(name) {
        Some(Field::Number(text) | Field::Text(text)) => {
            crate::amount::parse_amount(&text).map_err(|m| invalid(format!("`{name}`: {m}")))
        }
        Some(other) => Err(invalid(format!(
            "`{name}` must be a number, not {}",
            other.kind()
        ))),
        None => Err(invalid(format!("`{name}` is missing"))),
    }
}

/// What every change by hand to a member's points begins with: the key (an admin's if
/// `admin`), no query, the club and member from the path, the exact `points` and the rest
/// of the body as a `T`.
fn points_request<T: serde::de::DeserializeOwned>(
    app: &App,
    headers: &HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Option<&str>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(Arc<Club>, String, rust_decimal::Decimal, T), ApiError> {
    let grant = authorize(app, headers)?;
    no_query(query)?;
    let (club, member) = segments(path)?;
    let club = club_for(app, &grant, &club)?;
    let mut fields = json_body(body)?;
    let points = take_amount(&mut fields, "points")?;
    Ok((club, member, points, typed_body(fields)?))
}

// The body of a change by hand as the document shows it: `points`, which
// `points_request` takes out first (exactly: a JSON number is read from its text), and the
// rest of the body, read as a `T`. (A `//` comment: a doc comment would be the schema's
// description.)
/// A change to a member's points: how many, and the fields below.
#[derive(schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Points<T> {
    /// Points, exact: a string or a JSON number.
    #[allow(dead_code)]
    points: super::openapi::Amount,
    #[serde(flatten)]
    #[allow(dead_code)]
    rest: T,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct TransferBody {
    /// The member who receives the points.
    to: String,
    #[serde(default)]
    reason: String,
    /// Makes a retried request safe: the same id transfers once.
    id: Option<String>,
    /// When, in the club's calendar; default the club's clock.
    at: Option<String>,
}

/// `GET /v1/clubs/{club}/rewards`: the catalogue as the club's file defines it, with how
/// many of each limited reward are left.
async fn rewards(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer<answers::Rewards> {
    let grant = authorize(&app, &headers)?;
    no_query(query.as_deref())?;
    let club = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let policy = club.policy();
    let catalogue = on_reader(&club, move |ledger| {
        let mut rewards = Vec::with_capacity(policy.club.rewards.len());
        for reward in &policy.club.rewards {
            let remaining = match reward.stock {
                Some(stock) => Some(stock.saturating_sub(ledger.redemptions_of(&reward.id, None)?)),
                None => None,
            };
            rewards.push(answers::Reward {
                reward: reward.clone(),
                remaining,
            });
        }
        Ok(answers::Rewards { rewards })
    })
    .await?;
    Ok(Reply::ok(catalogue))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ConsentBody {
    /// A message channel of the club (`sms`...).
    channel: String,
    /// Yes (`true`) or no (`false`) to messages on it.
    granted: bool,
    /// Where the answer came from, kept with it (`till`, `web form`...); default `api`.
    source: Option<String>,
    /// When, in the club's calendar; default the club's clock.
    at: Option<String>,
}

/// `POST /v1/clubs/{club}/members/{member}/consents`: a member's yes or no to a message
/// channel, recorded with where it came from (as a reply or a members file's is).
async fn consent(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<answers::Consent> {
    let grant = authorize(&app, &headers)?;
    no_query(query.as_deref())?;
    let (club, member) = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let body: ConsentBody = typed_body(json_body(body)?)?;
    let policy = club.policy();
    let channels: Vec<String> = policy
        .club
        .messages
        .as_ref()
        .map(|m| m.channels.iter().map(|c| c.id.clone()).collect())
        .unwrap_or_default();
    if !channels.contains(&body.channel) {
        return Err(ApiError::unprocessable(
            "unknown_channel",
            format!(
                "club `{}` sends no messages on `{}` (its channels: {})",
                club.id,
                body.channel,
                if channels.is_empty() {
                    "none".to_owned()
                } else {
                    channels.join(", ")
                }
            ),
        )
        .field("channel"));
    }
    let given_at = given_time(&policy, body.at.as_deref())?;
    let club_id = club.id.clone();
    let answer = on_ledger(&club, move |ledger| {
        let result = (|| -> Result<Result<answers::Consent, ApiError>, LedgerError> {
            if ledger.member_summary(&member)?.is_none() {
                return Ok(Err(unknown_member(&member, &club_id)));
            }
            let at = match given_at {
                Some(at) => at,
                None => ledger.now()?.unwrap_or_else(chrono::Utc::now),
            };
            let source = body.source.clone().unwrap_or_else(|| "api".to_owned());
            let mut recorder = Recorder::new(ledger, &policy);
            match recorder.consent(&member, &body.channel, body.granted, at, &source) {
                Ok(()) => {}
                Err(crate::recording::ManualError::Refused(message)) => {
                    return Ok(Err(ApiError::unprocessable("refused", message)))
                }
                Err(crate::recording::ManualError::Ledger(error)) => return Err(error),
            }
            recorder.finish()?;
            Ok(Ok(answers::Consent {
                member: member.clone(),
                channel: body.channel.clone(),
                granted: body.granted,
                source,
            }))
        })();
        (true, result.unwrap_or_else(|e| Err(e.into())))
    })
    .await?;
    Ok(Reply::ok(answer))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    /// The time to report for, in the club's calendar (default: the club's clock).
    at: Option<String>,
}

/// `GET /v1/clubs/{club}/report?at=DATE` (admin): what `bashgah report --json` gives —
/// segments and members at risk, campaign cost, partner settlement, messages.
async fn report(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer<crate::report::Report> {
    let grant = authorize(&app, &headers)?;
    let club = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let query: ReportQuery = at_query(query.as_deref())?;
    let policy = club.policy();
    let at = given_time(&policy, query.at.as_deref())?;
    let answer = on_reader(&club, move |ledger| {
        let at = match at {
            Some(at) => at,
            None => ledger.now()?.unwrap_or_else(chrono::Utc::now),
        };
        Ok(crate::report::build(ledger, &policy, at)?)
    })
    .await?;
    Ok(Reply::ok(answer))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CodeQuery {
    /// The member at the till: a code is good only for the member who redeemed it.
    member: Option<String>,
    /// The basket's amount, exact, in the club's currency: checked against the reward's
    /// smallest basket, and the discount worked out on it.
    #[schemars(with = "Option<rust_decimal::Decimal>")]
    basket: Option<String>,
    /// When, in the club's calendar (for a code with a last day); default the club's clock.
    at: Option<String>,
}

/// What the rules of `info`'s reward (`minimum_basket`, `discount`, `code_expires_after`)
/// say of using it now: [`crate::decide::codes::judge`] on the ledger's facts.
fn judge_code(
    policy: &Policy,
    info: &crate::ledger::CodeInfo,
    member: Option<&str>,
    basket: Option<rust_decimal::Decimal>,
    at: chrono::DateTime<chrono::Utc>,
    basket_required: bool,
) -> crate::decide::codes::CodeVerdict {
    use crate::decide::codes::{judge, CodeFacts, CodeQuestion};
    let reward = policy.club.rewards.iter().find(|r| r.id == info.reward);
    let redeemed_at = crate::time::from_stored(&info.redeemed_at).unwrap_or(at);
    judge(
        policy,
        reward,
        &CodeFacts {
            owner: &info.member,
            redeemed_at,
            used: info.used.is_some(),
            cancelled: info.cancelled_by.is_some(),
        },
        &CodeQuestion { member, basket, at },
        basket_required,
    )
}

/// Why a code cannot be used, for the till to show.
fn verdict_reason(verdict: &crate::decide::codes::CodeVerdict, policy: &Policy) -> Option<String> {
    use crate::decide::codes::CodeVerdict;
    match verdict {
        CodeVerdict::Valid { .. } => None,
        CodeVerdict::Used => Some("the code was used already".to_owned()),
        CodeVerdict::Cancelled => Some("the redemption that issued it was cancelled".to_owned()),
        CodeVerdict::OtherMember => Some("the code is another member's".to_owned()),
        CodeVerdict::Expired { last_day } => {
            Some(format!("the code could be used until {last_day}"))
        }
        CodeVerdict::BasketTooSmall { minimum } => {
            // As the club shows money (`money:`): Toman for a Rial club that says so.
            let (minimum, unit) = crate::club::currencies::shown_amount(&policy.club, *minimum);
            Some(format!(
                "the code is for a basket of at least {} {unit}",
                crate::amount::grouped(minimum)
            ))
        }
        CodeVerdict::BasketNeeded => {
            Some("the code has basket rules: give the basket's amount".to_owned())
        }
    }
}

/// A basket amount a query or body gave, read exactly; refused naming the field.
fn basket_amount(text: Option<&str>) -> Result<Option<rust_decimal::Decimal>, ApiError> {
    text.map(|text| {
        crate::amount::parse_amount(text).map_err(|m| {
            ApiError::unprocessable("invalid_amount", format!("`basket`: {m}")).field("basket")
        })
    })
    .transpose()
}

fn unknown_code(code: &str, club: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_code",
        format!("no redemption of club `{club}` issued code `{code}`"),
    )
}

/// `GET /v1/clubs/{club}/codes/{code}?member=M`: a till asks whether a code is good (for
/// this member): `usable`, and `status` saying why not (`used`, `cancelled`,
/// `other_member`).
async fn check_code(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer<answers::Code> {
    let grant = authorize(&app, &headers)?;
    let (club, code) = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let query: CodeQuery =
        serde_urlencoded::from_str(query.as_deref().unwrap_or("")).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_query",
                format!("the query takes `member`, `basket` and `at`: {e}"),
            )
        })?;
    let basket = basket_amount(query.basket.as_deref())?;
    let policy = club.policy();
    let given_at = given_time(&policy, query.at.as_deref())?;
    let club_id = club.id.clone();
    let answer = on_reader(&club, move |ledger| {
        let Some(info) = ledger.code_info(&code)? else {
            return Err(unknown_code(&code, &club_id));
        };
        let at = match given_at {
            Some(at) => at,
            None => ledger.now()?.unwrap_or_else(chrono::Utc::now),
        };
        let verdict = judge_code(&policy, &info, query.member.as_deref(), basket, at, false);
        let discount = match &verdict {
            crate::decide::codes::CodeVerdict::Valid { discount } => {
                discount.map(|d| d.normalize().to_string())
            }
            _ => None,
        };
        Ok(answers::Code {
            info,
            status: answers::CodeStatus::of(&verdict),
            usable: verdict.usable(),
            discount,
            reason: verdict_reason(&verdict, &policy),
        })
    })
    .await?;
    Ok(Reply::ok(answer))
}

// The body of a code's use as the document shows it: `basket`, which `use_code` takes out
// first (exactly), and the rest. (A `//` comment: a doc comment would be the description.)
/// A code used at a till: by whom, for which sale, and on what basket.
#[derive(schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
struct CodeUseRequest {
    /// The basket's amount, exact (a string or a JSON number), in the club's currency:
    /// needed when the reward has basket rules (`minimum_basket`, `discount`).
    #[allow(dead_code)]
    basket: Option<super::openapi::Amount>,
    #[serde(flatten)]
    #[allow(dead_code)]
    rest: CodeUseBody,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CodeUseBody {
    /// The member using it: it is good only for the one who redeemed it.
    member: String,
    /// The till's own reference (its sale): the same again is a retry.
    reference: String,
    /// When, in the club's calendar; default the club's clock.
    at: Option<String>,
}

/// `POST /v1/clubs/{club}/codes/{code}/uses`: uses a code, once. A retry with the same
/// `reference` answers `duplicate`; any other second use is refused (409), across
/// processes too (the database's key on the code decides).
async fn use_code(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<answers::CodeUsed> {
    let grant = authorize(&app, &headers)?;
    no_query(query.as_deref())?;
    let (club, code) = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let mut fields = json_body(body)?;
    let basket = take_optional_amount(&mut fields, "basket")?;
    let body: CodeUseBody = typed_body(fields)?;
    let policy = club.policy();
    let given_at = given_time(&policy, body.at.as_deref())?;
    let club_id = club.id.clone();
    let answer = on_ledger(&club, move |ledger| {
        let result = (|| -> Result<Result<answers::CodeUsed, ApiError>, LedgerError> {
            let Some(info) = ledger.code_info(&code)? else {
                return Ok(Err(unknown_code(&code, &club_id)));
            };
            if let Some(used) = &info.used {
                if used.reference == body.reference && used.member == body.member {
                    return Ok(Ok(answers::CodeUsed {
                        code: code.clone(),
                        status: answers::CodeUseStatus::Duplicate,
                        reward: None,
                        used: Some(used.clone()),
                    }));
                }
                return Ok(Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "code_used",
                    format!("code `{code}` was used on {} ({})", used.at, used.reference),
                )
                .used(used.clone())));
            }
            if let Some(by) = &info.cancelled_by {
                return Ok(Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "code_cancelled",
                    format!("code `{code}` is void: its redemption was cancelled (`{by}`)"),
                )));
            }
            if body.member != info.member {
                return Ok(Err(ApiError::unprocessable(
                    "other_member",
                    format!(
                        "code `{code}` was redeemed by another member, and is good only for them"
                    ),
                )
                .field("member")));
            }
            let at = match given_at {
                Some(at) => at,
                None => ledger.now()?.unwrap_or_else(chrono::Utc::now),
            };
            let verdict = judge_code(&policy, &info, Some(&body.member), basket, at, true);
            let discount = match &verdict {
                crate::decide::codes::CodeVerdict::Valid { discount } => *discount,
                refused => {
                    let reason = verdict_reason(refused, &policy).unwrap_or_default();
                    let refusal = ApiError::unprocessable(
                        refused.status(),
                        format!("code `{code}`: {reason}"),
                    );
                    return Ok(Err(match refused {
                        crate::decide::codes::CodeVerdict::BasketTooSmall { .. }
                        | crate::decide::codes::CodeVerdict::BasketNeeded => {
                            refusal.field("basket")
                        }
                        _ => refusal.field("at"),
                    }));
                }
            };
            let stood = ledger.use_code(
                &code,
                &body.member,
                &crate::time::stored(at),
                &body.reference,
                basket,
                discount,
            )?;
            Ok(Ok(answers::CodeUsed {
                code: code.clone(),
                status: answers::CodeUseStatus::Used,
                reward: Some(info.reward),
                used: stood,
            }))
        })();
        let kept = matches!(&result, Ok(Ok(used)) if used.status == answers::CodeUseStatus::Used);
        (kept, result.unwrap_or_else(|e| Err(e.into())))
    })
    .await?;
    Ok(Reply::ok(answer))
}

/// Why a redemption is cancelled, and the change's id and time.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    /// Why, kept with the entry that gives the points back.
    reason: String,
    /// Makes a retried request safe: the same id cancels once. Default
    /// `cancel:<redemption>`.
    id: Option<String>,
    /// When, in the club's calendar; default the club's clock.
    at: Option<String>,
}

/// `POST …/members/{member}/redemptions/{redemption}/cancellation`: cancels a redemption
/// whose reward was not handed over (its code unused): points back with their expiry
/// dates, credit out of the wallet, the item back in stock. Refused (422) if its code was
/// used or it was cancelled already.
async fn cancel_redemption(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<answers::ChangeByHand> {
    let grant = authorize(&app, &headers)?;
    no_query(query.as_deref())?;
    let (club, member, redemption) = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let body: CancelBody = typed_body(json_body(body)?)?;
    let base = format!("cancel:{redemption}");
    Ok(Reply::ok(
        super::members::by_hand(
            club,
            member.clone(),
            body.at,
            body.id,
            move |_| base,
            move |ledger, policy, id, at| {
                ledger.cancel_redemption(policy, id, &member, &redemption, &body.reason, at)
            },
        )
        .await?,
    ))
}

/// `POST …/members/{member}/adjustments` (an operator): adds points, or takes them with a
/// negative number, for a reason.
async fn adjust(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<answers::ChangeByHand> {
    let grant = authorize(&app, &headers)?;
    let (club, member, points, body): (_, _, _, AdjustBody) =
        points_request(&app, &headers, path, query.as_deref(), body)?;
    Ok(Reply::ok(
        super::members::adjust(&app, &grant, &club.id, member, points, body).await?,
    ))
}

/// `POST …/members/{member}/transfers`: gives points to another member, where the club
/// allows transfers.
async fn transfer(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<answers::ChangeByHand> {
    let (club, member, points, body): (_, _, _, TransferBody) =
        points_request(&app, &headers, path, query.as_deref(), body)?;
    let (from, to) = (member.clone(), body.to.clone());
    Ok(Reply::ok(
        super::members::by_hand(
            club,
            member.clone(),
            body.at,
            body.id,
            move |at| format!("transfer:{from}:{to}:{at}"),
            move |ledger, policy, id, at| {
                ledger.transfer(policy, id, &member, &body.to, points, &body.reason, at)
            },
        )
        .await?,
    ))
}

/// `POST …/members/{member}/conversions`: turns points into credit at the club's rate.
async fn convert(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<answers::ChangeByHand> {
    let grant = authorize(&app, &headers)?;
    let (club, member, points, body): (_, _, _, ConvertBody) =
        points_request(&app, &headers, path, query.as_deref(), body)?;
    Ok(Reply::ok(
        super::members::convert(&app, &grant, &club.id, member, points, body).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct AdvanceBody {
    /// The new time of the club's clock, in the club's calendar.
    to: String,
}

async fn advance(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<answers::ClockAdvanced> {
    let grant = authorize(&app, &headers)?;
    no_query(query.as_deref())?;
    let club = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let body: AdvanceBody = typed_body(json_body(body)?)?;
    let policy = club.policy();
    let to = crate::time::parse_event_time(&body.to, policy.club.calendar, policy.zone)
        .map_err(|m| ApiError::unprocessable("invalid_date", format!("`to`: {m}")).field("to"))?;
    let report = on_ledger(&club, move |ledger| {
        let result = (|| -> Result<Result<answers::ClockAdvanced, ApiError>, LedgerError> {
            if let Some(now) = ledger.now()? {
                if to < now {
                    return Ok(Err(ApiError::new(
                        StatusCode::CONFLICT,
                        "clock_moves_forward",
                        format!(
                            "the clock is already at {}; it only moves forward",
                            policy.local_date(now)
                        ),
                    )));
                }
            }
            let discipline = crate::decide::MessageDiscipline::at(&policy, chrono::Utc::now());
            let report = crate::clock::advance_with(ledger, &policy, to, discipline)?;
            Ok(Ok(answers::ClockAdvanced {
                clock: policy.local_date(to),
                report,
            }))
        })();
        (true, result.unwrap_or_else(|e| Err(e.into())))
    })
    .await?;
    Ok(Reply::ok(report))
}

/// The API's answer to a path it does not know.
pub fn not_found_answer() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_route",
        "no such route; GET /v1/openapi.json lists them",
    )
    .into_response()
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_route",
        "no such route; GET /v1/openapi.json lists them",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method; GET /v1/openapi.json lists them",
    )
}
