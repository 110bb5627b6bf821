//! The contest routes: `GET /v1/clubs/{club}/contests` (every leaderboard and draw, as
//! `bashgah contest` shows them) and `GET /v1/clubs/{club}/contests/{contest}` (one, in
//! its current or a chosen window, with each recorded result decided again from the
//! ledger's rows: `bashgah contest CLUB CONTEST --verify`).

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

use super::answers::Reply;
use super::request::{self, Answer, ApiError, App};
use crate::contests::{ContestView, Verification};

/// The club's contests.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ContestList {
    pub club: String,
    /// The time the windows shown hold: the ledger's clock.
    pub at: chrono::DateTime<chrono::Utc>,
    pub contests: Vec<ContestView>,
}

/// One contest, and its recorded results decided again.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ContestDetail {
    pub club: String,
    pub contest: ContestView,
    /// Each recorded result (of `window`, when asked) decided again from the rows the
    /// ledger holds for its window: `matches` says whether the winners (and a draw's seed)
    /// are those recorded.
    pub verified: Vec<Verification>,
}

/// Which window of a contest.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ContestQuery {
    /// The window's first day, in the club's calendar (default: the window holding the
    /// ledger's clock).
    window: Option<String>,
}

fn unknown_contest(contest: &str, club: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_contest",
        format!("no contest `{contest}` in club `{club}`"),
    )
}

/// `GET /v1/clubs/{club}/contests`.
pub(super) async fn list(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(asked): RawQuery,
    headers: HeaderMap,
) -> Answer<ContestList> {
    let grant = request::authorize(&app, &headers)?;
    request::no_query(asked.as_deref())?;
    let club = request::segments(path)?;
    let club = request::club_for(&app, &grant, &club)?;
    let policy = club.policy();
    let list = request::on_reader(&club, move |ledger| {
        let at = ledger.now()?.unwrap_or_else(chrono::Utc::now);
        Ok(ContestList {
            club: policy.club.id.clone(),
            at,
            contests: crate::contests::contests(ledger, &policy, at)?,
        })
    })
    .await?;
    Ok(Reply::ok(list))
}

/// `GET /v1/clubs/{club}/contests/{contest}?window=DAY`.
pub(super) async fn one(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(asked): RawQuery,
    headers: HeaderMap,
) -> Answer<ContestDetail> {
    let grant = request::authorize(&app, &headers)?;
    let asked: ContestQuery =
        serde_urlencoded::from_str(asked.as_deref().unwrap_or("")).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_query",
                format!("the query takes `window`: {e}"),
            )
        })?;
    let (club, contest) = request::segments(path)?;
    let club = request::club_for(&app, &grant, &club)?;
    let policy = club.policy();
    let detail = request::on_reader(&club, move |ledger| {
        let at = ledger.now()?.unwrap_or_else(chrono::Utc::now);
        let window = asked.window.as_deref();
        let view = crate::contests::contest(ledger, &policy, &contest, at, window)?
            .ok_or_else(|| unknown_contest(&contest, &policy.club.id))?;
        let verified =
            crate::contests::verify(ledger, &policy, &contest, window)?.unwrap_or_default();
        Ok(ContestDetail {
            club: policy.club.id.clone(),
            contest: view,
            verified,
        })
    })
    .await?;
    Ok(Reply::ok(detail))
}
