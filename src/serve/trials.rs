//! `POST /v1/clubs/{club}/trials`: a purchase (or any event) tried against the live
//! version — and a draft beside it — with the member's real standing, answered rule by
//! rule and never recorded. The console's "try a purchase" page shows the same answer
//! ([`try_purchase`]).
//!
//! The event is read as a posted event is ([`crate::import::event_from_row`]: the club's
//! calendar, its currency's decimals), once under each version, and decided by
//! [`crate::view::trial`], the dry run `bashgah explain --event` prints.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use schemars::JsonSchema;
use serde::Serialize;

use super::answers::Reply;
use super::clubs::Club;
use super::drafts::{self, DraftError};
use super::request::{
    authorize, check_fields, club_for, json_body, no_query, on_reader, segments, Answer, ApiError,
    App, Fields,
};
use crate::event::Event;
use crate::import::{event_from_row, Field, Row};
use crate::policy::Policy;
use crate::view::trial::{side_by_side, try_event, RuleSideBySide, Trial};

/// The id a trial goes by when the body gives none.
const TRIAL_ID: &str = "trial";

/// What a trial answers: the event as read, and each version's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TrialAnswer {
    pub club: String,
    pub event: TriedEvent,
    /// The version being served.
    pub live: Trial,
    /// The draft named, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<DraftTrial>,
    /// With a draft: every rule's points under each version, side by side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<RuleSideBySide>>,
    /// Always true: a trial writes nothing.
    pub dry_run: bool,
}

/// The draft's verdict, and which draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DraftTrial {
    /// The draft's folder name.
    pub name: String,
    #[serde(flatten)]
    pub trial: Trial,
}

/// The event as the live version read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TriedEvent {
    pub id: String,
    pub member: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// In the club's calendar and timezone (`1403-10-10 18:30`).
    pub date: String,
    /// The instant, UTC.
    pub time: chrono::DateTime<chrono::Utc>,
    pub amount: String,
    pub currency: String,
}

/// A trial to run: the event's fields and, optionally, a draft's name.
pub struct TrialRequest {
    pub fields: Fields,
    pub draft: Option<String>,
}

impl TrialRequest {
    /// Reads a trial's body: an event object (the id optional) with `draft` beside it.
    pub fn from_body(body: Field) -> Result<TrialRequest, ApiError> {
        let Field::Object(mut fields) = body else {
            return Err(ApiError::unprocessable(
                "invalid_body",
                "the body is one event object, with `draft` if you compare",
            ));
        };
        let draft = match fields.remove("draft") {
            None | Some(Field::Null) => None,
            Some(Field::Text(name)) => Some(name),
            Some(other) => {
                return Err(ApiError::unprocessable(
                    "invalid_body",
                    format!("`draft` is a draft's folder name, not {}", other.kind()),
                )
                .field("draft"))
            }
        };
        fields
            .entry("id".to_owned())
            .or_insert_with(|| Field::Text(TRIAL_ID.to_owned()));
        check_fields(std::slice::from_ref(&fields), false)?;
        Ok(TrialRequest { fields, draft })
    }
}

pub(super) async fn post_trial(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<TrialAnswer> {
    let grant = authorize(&app, &headers)?;
    let club = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    no_query(query.as_deref())?;
    let request = TrialRequest::from_body(json_body(body)?)?;
    try_purchase(&app, &club, request).await.map(Reply::ok)
}

/// Runs a trial: what the API answers and the console shows.
pub async fn try_purchase(
    app: &App,
    club: &Club,
    request: TrialRequest,
) -> Result<TrialAnswer, ApiError> {
    // The snapshot this request started with, to its end, whatever a reload does.
    let live = club.policy();
    let row = Row {
        line: 1,
        fields: request.fields,
    };
    let event = read_event(&row, &live, None)?;
    let draft = match request.draft {
        None => None,
        Some(name) => {
            let registry = Arc::clone(&app.registry);
            let club_id = club.id.clone();
            let loaded = tokio::task::spawn_blocking(move || {
                drafts::load(registry.folders(), &club_id, &name).map(|policy| (name, policy))
            })
            .await
            .map_err(|_| ApiError::internal("loading the draft failed"))?;
            let (name, policy) = loaded.map_err(|e| draft_refusal(&club.id, e))?;
            let event = read_event(&row, &policy, Some(&name))?;
            Some((name, policy, event))
        }
    };
    let tried = TriedEvent {
        id: event.id.clone(),
        member: event.member.clone(),
        kind: event.kind.as_str().to_owned(),
        date: format!(
            "{} {}",
            live.local_date(event.time),
            event.time.with_timezone(&live.zone).format("%H:%M")
        ),
        time: event.time,
        amount: event.amount.normalize().to_string(),
        currency: live.club.currency.clone(),
    };
    let club_id = club.id.clone();
    on_reader(club, move |ledger| {
        let live_trial = try_event(ledger, &live, &event)?;
        let draft = match &draft {
            Some((name, policy, event)) => Some(DraftTrial {
                name: name.clone(),
                trial: try_event(ledger, policy, event)?,
            }),
            None => None,
        };
        Ok(TrialAnswer {
            club: club_id,
            event: tried,
            rules: draft.as_ref().map(|d| side_by_side(&live_trial, &d.trial)),
            live: live_trial,
            draft,
            dry_run: true,
        })
    })
    .await
}

/// The event as `policy` reads it; a refusal names the field (and the draft, if it is the
/// draft that refuses it).
fn read_event(row: &Row, policy: &Policy, draft: Option<&str>) -> Result<Event, ApiError> {
    event_from_row(row, policy).map_err(|problem| {
        let message = match draft {
            Some(name) => format!("under draft `{name}`: {}", problem.message),
            None => problem.message,
        };
        let refusal = ApiError::unprocessable("invalid_event", message);
        match problem.column {
            Some(field) => refusal.field(field),
            None => refusal,
        }
    })
}

/// A draft that cannot be tried, as a refusal: 422 for a bad name or a draft that does
/// not load (with every problem, located), 404 for one that is not there.
pub fn draft_refusal(club: &str, error: DraftError) -> ApiError {
    match error {
        DraftError::BadName(name) => ApiError::unprocessable(
            "invalid_draft",
            format!("`{name}` is not a draft's name: a folder name, without `/` or a leading `.`"),
        )
        .field("draft"),
        DraftError::Missing(name) => ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_draft",
            format!("no draft `{name}`: the drafts folder has no `{name}/club.yaml`"),
        )
        .field("draft"),
        DraftError::OtherClub { name, id } => ApiError::unprocessable(
            "draft_of_another_club",
            format!("draft `{name}` is of club `{id}`, not `{club}`"),
        )
        .field("draft"),
        DraftError::DoesNotLoad {
            name,
            problems,
            report,
        } => ApiError::unprocessable(
            "draft_does_not_load",
            format!(
                "draft `{name}` does not load ({} {})",
                problems.len(),
                if problems.len() == 1 {
                    "error"
                } else {
                    "errors"
                }
            ),
        )
        .field("draft")
        .problems(problems, report),
    }
}
