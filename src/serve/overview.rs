//! `GET /v1/clubs/{club}/overview`: the club at a glance ([`crate::overview`]) with the
//! live policy version and its last reload, for the console's first page and for any
//! program that draws the same.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::answers::Reply;
use super::clubs::Club;
use super::reload::Attempt;
use super::request::{
    at_query, authorize, club_for, given_time, on_reader, segments, Answer, ApiError, App,
};
use crate::overview::Overview;

/// The overview with the live policy's state.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ClubOverview {
    #[serde(flatten)]
    pub overview: Overview,
    pub policy: LivePolicy,
}

/// Which version serves, since when, and how the last reload went.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LivePolicy {
    /// The active version (its short id, as `bashgah check` prints it).
    pub version: String,
    pub active_since: DateTime<Utc>,
    pub last_reload: Option<Attempt>,
    /// When the last reload failed: its problems exactly as `bashgah check` prints them
    /// (file, line and column, the line itself, a caret and a hint).
    pub last_error: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct OverviewQuery {
    /// The time the overview is for, in the club's calendar (default: the club's clock):
    /// the activity windows and the twelve months end there.
    at: Option<String>,
}

/// The live policy's state of `club`.
pub fn live_policy(club: &Club) -> LivePolicy {
    let (active_since, last_reload) = club.reloaded();
    let last_error = last_reload
        .as_ref()
        .filter(|attempt| attempt.outcome == "failed")
        .and_then(|attempt| attempt.printed.clone());
    LivePolicy {
        version: club.policy().short_id().to_owned(),
        active_since,
        last_reload,
        last_error,
    }
}

/// Sums every club's ledger for its overview once, in the background, when the host
/// process starts: the first sum reads every entry (seconds on a million members), and
/// should not be paid by the first person who opens the console.
pub fn spawn_warm_up(registry: Arc<super::clubs::Registry>) {
    tokio::spawn(async move {
        for club in registry.all() {
            let id = club.id.clone();
            let started = std::time::Instant::now();
            match overview_of(club, None).await {
                Ok(_) => {
                    tracing::info!(club = %id, took_ms = started.elapsed().as_millis() as u64, "overview summed")
                }
                Err(error) => {
                    tracing::warn!(club = %id, error = %error.message(), "the overview could not be summed ahead")
                }
            }
        }
    });
}

/// The overview of `club` as at `at` (default: the ledger's clock, else now).
pub async fn overview_of(
    club: Arc<Club>,
    at: Option<DateTime<Utc>>,
) -> Result<ClubOverview, ApiError> {
    let policy = club.policy();
    let reading = Arc::clone(&club);
    let overview = on_reader(&club, move |ledger| {
        let at = match at {
            Some(at) => at,
            None => ledger.now()?.unwrap_or_else(Utc::now),
        };
        Ok(crate::overview::build(
            ledger,
            &policy,
            at,
            &reading.overview,
        )?)
    })
    .await?;
    Ok(ClubOverview {
        overview,
        policy: live_policy(&club),
    })
}

/// `GET /v1/clubs/{club}/overview?at=DATE`: any key that may see the club.
pub(super) async fn overview(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer<ClubOverview> {
    let grant = authorize(&app, &headers)?;
    let club = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let query: OverviewQuery = at_query(query.as_deref())?;
    let at = given_time(&club.policy(), query.at.as_deref())?;
    Ok(Reply::ok(overview_of(club, at).await?))
}
