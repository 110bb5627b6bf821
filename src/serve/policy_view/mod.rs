//! A club's policy as the console's policy page and the API show it: the live version
//! (its files, the last reload attempt, its policy tests' results and the canary), every
//! version the ledger keeps, one version's files, and a readable diff between any two.
//!
//! Each answer is made by a function here that both the JSON routes (below, listed in
//! [`super::api::routes`]) and the console page call, so the page shows nothing an
//! integrator cannot read from the API. A version is named by its id, any prefix of it of
//! at least [`SHORTEST_PREFIX`] hex digits (the 12 the status shows, say), or `live`.

pub mod diff;

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::answers::Reply;
use super::clubs::{Club, Live};
use super::reload::Attempt;
use super::request::{self, Answer, ApiError, App};
use crate::canary::CanaryReport;
use crate::ledger::{Ledger, LedgerError, StoredVersion};
use crate::policy::Policy;
use crate::testing::ClubResults;
use diff::FileDiff;

/// The fewest hex digits that name a version.
pub const SHORTEST_PREFIX: usize = 4;
/// Versions in a page unless `limit` says otherwise, and the most it may say.
const PAGE: u32 = 50;
const MOST_PER_PAGE: u32 = 1_000;

/// A file of a version, as it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PolicyText {
    /// Its path in the club folder (`club.yaml`, `earn.rhai`, `plugins/…`).
    pub name: String,
    pub text: String,
}

/// The version a club serves now, and how it got there.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LivePolicy {
    pub club: String,
    /// The full id (SHA-256 of the files) and the 12 digits the status shows.
    pub version: String,
    pub short: String,
    /// When this process made it live.
    pub active_since: DateTime<Utc>,
    pub files: Vec<PolicyText>,
    /// The last reload attempt; when it failed, `printed` holds its errors as
    /// `bashgah check` prints them.
    pub last_reload: Option<Attempt>,
    /// The live version's policy tests, as they ran before it went live.
    pub tests: PolicyTests,
    /// What the canary found, rule by rule: the last reload's when it tried one (a
    /// refused candidate's too), else the one that let the live version in; none when
    /// neither tried one.
    pub canary: Option<CanaryReport>,
}

/// A version's policy tests: every case and whether it passed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PolicyTests {
    pub passed: usize,
    pub failed: usize,
    pub cases: Vec<TestCase>,
    /// Enabled rules no case made award points.
    pub uncovered: Vec<String>,
}

/// One policy test.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TestCase {
    pub name: String,
    /// Its file and line.
    pub file: String,
    pub line: usize,
    pub passed: bool,
    /// The expectations that did not hold.
    pub failures: Vec<String>,
}

/// A version in the list, without its files' text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct VersionSummary {
    pub id: String,
    pub short: String,
    /// When the ledger first stored it.
    pub first_used: DateTime<Utc>,
    /// Whether this is the version served now.
    pub live: bool,
    /// Its files' names.
    pub files: Vec<String>,
}

/// A page of the versions the ledger keeps, newest first.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VersionPage {
    pub versions: Vec<VersionSummary>,
    /// The `after` of the next page: the id of this page's last version.
    pub next: String,
    /// Whether there are older versions.
    pub more: bool,
}

/// One version with its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PolicyVersion {
    pub id: String,
    pub short: String,
    /// When the ledger first stored it; none for a live version not stored yet.
    pub first_used: Option<DateTime<Utc>>,
    pub live: bool,
    pub files: Vec<PolicyText>,
}

/// What changed from one version to another.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PolicyDiff {
    /// The full ids compared: `from` is the older side (its lines are `removed`).
    pub from: String,
    pub to: String,
    /// The files added, removed or changed, by name, with their hunks.
    pub files: Vec<FileDiff>,
    /// The files the same in both.
    pub unchanged: Vec<String>,
}

/// Why a version could not be shown.
#[derive(Debug)]
pub enum ViewError {
    /// Not `live` nor hex digits of the right length.
    Invalid(String),
    /// No version starts with these digits.
    Unknown(String),
    /// Several do.
    Ambiguous(String, Vec<String>),
    /// `after` is not a version of the list.
    Cursor(String),
    Ledger(LedgerError),
}

impl From<LedgerError> for ViewError {
    fn from(error: LedgerError) -> ViewError {
        ViewError::Ledger(error)
    }
}

/// The live version of `club`, from what the host process holds (no ledger read).
pub fn live(club: &Club) -> LivePolicy {
    let Live {
        policy,
        active_since,
        last_attempt,
        tests,
        canary,
    } = club.live();
    let canary = last_attempt
        .as_ref()
        .and_then(|attempt| attempt.canary.clone())
        .or(canary);
    LivePolicy {
        club: club.id.clone(),
        version: policy.id.clone(),
        short: policy.short_id().to_owned(),
        active_since,
        files: texts(&files_of(&policy)),
        last_reload: last_attempt,
        tests: policy_tests(&tests),
        canary,
    }
}

fn policy_tests(results: &ClubResults) -> PolicyTests {
    PolicyTests {
        passed: results.passed(),
        failed: results.failed(),
        cases: results
            .cases
            .iter()
            .map(|case| TestCase {
                name: case.name.clone(),
                file: case.file.display().to_string(),
                line: case.line,
                passed: case.failures.is_empty(),
                failures: case.failures.clone(),
            })
            .collect(),
        uncovered: results.uncovered.clone(),
    }
}

/// A page of the versions the ledger keeps, newest first, after the version `after` (the
/// `next` of the page before), at most `limit` of them.
pub fn versions(
    ledger: &Ledger,
    live: &Policy,
    after: Option<&str>,
    limit: usize,
) -> Result<VersionPage, ViewError> {
    let all = ledger.policy_versions()?;
    let start = match after.filter(|a| !a.is_empty()) {
        None => 0,
        Some(after) => {
            all.iter()
                .position(|v| v.id == after)
                .ok_or_else(|| ViewError::Cursor(after.to_owned()))?
                + 1
        }
    };
    let page: Vec<&StoredVersion> = all.iter().skip(start).take(limit).collect();
    let more = all.len() > start + page.len();
    let mut versions = Vec::with_capacity(page.len());
    for version in page {
        let files = ledger.policy_files(&version.id)?.unwrap_or_default();
        versions.push(VersionSummary {
            id: version.id.clone(),
            short: short(&version.id),
            first_used: version.first_used,
            live: version.id == live.id,
            files: files.into_iter().map(|(name, _)| name).collect(),
        });
    }
    let next = versions
        .last()
        .map(|v| v.id.clone())
        .unwrap_or_else(|| after.unwrap_or_default().to_owned());
    Ok(VersionPage {
        versions,
        next,
        more,
    })
}

/// The version `asked` names (an id, a prefix of one, or `live`), with its files.
pub fn version(ledger: &Ledger, live: &Policy, asked: &str) -> Result<PolicyVersion, ViewError> {
    let stored = ledger.policy_versions()?;
    let id = resolve(&stored, live, asked)?;
    let files = files_by_id(ledger, live, &id)?;
    Ok(PolicyVersion {
        short: short(&id),
        first_used: stored.iter().find(|v| v.id == id).map(|v| v.first_used),
        live: id == live.id,
        files: texts(&files),
        id,
    })
}

/// What changed from version `from` to version `to` (each an id, a prefix or `live`).
pub fn diff(ledger: &Ledger, live: &Policy, from: &str, to: &str) -> Result<PolicyDiff, ViewError> {
    let stored = ledger.policy_versions()?;
    let from = resolve(&stored, live, from)?;
    let to = resolve(&stored, live, to)?;
    let (old, new) = (
        files_by_id(ledger, live, &from)?,
        files_by_id(ledger, live, &to)?,
    );
    Ok(PolicyDiff {
        files: diff::diff_files(&old, &new),
        unchanged: diff::unchanged(&old, &new),
        from,
        to,
    })
}

/// The one version `asked` names among those stored and the live one.
fn resolve(stored: &[StoredVersion], live: &Policy, asked: &str) -> Result<String, ViewError> {
    let asked = asked.trim().to_ascii_lowercase();
    if asked == "live" {
        return Ok(live.id.clone());
    }
    let hex = asked.chars().all(|c| c.is_ascii_hexdigit());
    if !hex || !(SHORTEST_PREFIX..=64).contains(&asked.len()) {
        return Err(ViewError::Invalid(asked));
    }
    let mut found: Vec<&str> = stored
        .iter()
        .map(|v| v.id.as_str())
        .chain(std::iter::once(live.id.as_str()))
        .filter(|id| id.starts_with(&asked))
        .collect();
    found.sort_unstable();
    found.dedup();
    match found.as_slice() {
        [] => Err(ViewError::Unknown(asked)),
        [one] => Ok((*one).to_owned()),
        many => Err(ViewError::Ambiguous(
            asked,
            many.iter().map(|id| short(id)).collect(),
        )),
    }
}

/// A version's files: the live one's from the snapshot (it may not be stored yet), any
/// other's from the ledger.
fn files_by_id(
    ledger: &Ledger,
    live: &Policy,
    id: &str,
) -> Result<Vec<(String, String)>, ViewError> {
    if id == live.id {
        return Ok(files_of(live));
    }
    ledger
        .policy_files(id)?
        .ok_or_else(|| ViewError::Unknown(id.to_owned()))
}

fn files_of(policy: &Policy) -> Vec<(String, String)> {
    policy
        .files
        .iter()
        .map(|f| (f.name.clone(), f.text.clone()))
        .collect()
}

fn texts(files: &[(String, String)]) -> Vec<PolicyText> {
    files
        .iter()
        .map(|(name, text)| PolicyText {
            name: name.clone(),
            text: text.clone(),
        })
        .collect()
}

/// The 12 digits a version is shown by.
fn short(id: &str) -> String {
    id.chars().take(12).collect()
}

// ---- the JSON routes ----

impl From<ViewError> for ApiError {
    fn from(error: ViewError) -> ApiError {
        match error {
            ViewError::Invalid(asked) => ApiError::unprocessable(
                "invalid_version",
                format!("`{asked}` is not a version: give its id (at least {SHORTEST_PREFIX} of its hex digits) or `live`"),
            ),
            ViewError::Unknown(asked) => ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_version",
                format!("no version `{asked}` in this club's ledger"),
            )
            .help("GET /v1/clubs/{club}/policy/versions lists them"),
            ViewError::Ambiguous(asked, ids) => ApiError::unprocessable(
                "ambiguous_version",
                format!("`{asked}` starts {}: give more digits", ids.join(", ")),
            ),
            ViewError::Cursor(after) => ApiError::unprocessable(
                "invalid_cursor",
                format!("`after` is `{after}`: give the `next` of the last page, or nothing to start"),
            )
            .field("after"),
            ViewError::Ledger(error) => ApiError::from(error),
        }
    }
}

/// A page of the version list.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct VersionsQuery {
    /// The `next` of the previous page; nothing for the first page.
    after: Option<String>,
    /// Versions in the page (default 50).
    // Read as text, so that anything but a number in range is refused naming `limit`.
    #[schemars(with = "Option<u32>", range(min = 1, max = 1000))]
    limit: Option<String>,
}

/// The two versions a diff compares.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DiffQuery {
    /// The older side: a version's id, a prefix of it (at least 4 hex digits) or `live`.
    from: String,
    /// The newer side, named the same way.
    to: String,
}

fn query<T: serde::de::DeserializeOwned>(query: Option<&str>, takes: &str) -> Result<T, ApiError> {
    serde_urlencoded::from_str(query.unwrap_or("")).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("the query takes {takes}: {e}"),
        )
    })
}

/// The key's grant, then the club the path names, if the key may use it.
fn club_of<T>(
    app: &App,
    headers: &HeaderMap,
    path: Result<Path<T>, PathRejection>,
    club: impl FnOnce(&T) -> &str,
) -> Result<(Arc<Club>, T), ApiError> {
    let grant = request::authorize(app, headers)?;
    let segments = request::segments(path)?;
    let found = request::club_for(app, &grant, club(&segments))?;
    Ok((found, segments))
}

/// `GET /v1/clubs/{club}/policy`: the live version, its files, the last reload attempt,
/// its tests and the canary.
pub(super) async fn get_live(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(asked): RawQuery,
    headers: HeaderMap,
) -> Answer<LivePolicy> {
    let (club, _) = club_of(&app, &headers, path, String::as_str)?;
    request::no_query(asked.as_deref())?;
    Ok(Reply::ok(live(&club)))
}

/// `GET /v1/clubs/{club}/policy/versions?after=ID&limit=N`: the stored versions, newest
/// first.
pub(super) async fn get_versions(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(asked): RawQuery,
    headers: HeaderMap,
) -> Answer<VersionPage> {
    let (club, _) = club_of(&app, &headers, path, String::as_str)?;
    let asked: VersionsQuery = query(asked.as_deref(), "`after` and `limit`")?;
    let limit = request::limit_between(asked.limit.as_deref(), PAGE, MOST_PER_PAGE)? as usize;
    let policy = club.policy();
    let page = request::on_reader(&club, move |ledger| {
        Ok(versions(ledger, &policy, asked.after.as_deref(), limit)?)
    })
    .await?;
    Ok(Reply::ok(page))
}

/// `GET /v1/clubs/{club}/policy/versions/{version}`: one version's files.
pub(super) async fn get_version(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(asked): RawQuery,
    headers: HeaderMap,
) -> Answer<PolicyVersion> {
    let (club, (_, asked_version)) = club_of(&app, &headers, path, |(club, _)| club.as_str())?;
    request::no_query(asked.as_deref())?;
    let policy = club.policy();
    let found = request::on_reader(&club, move |ledger| {
        Ok(version(ledger, &policy, &asked_version)?)
    })
    .await?;
    Ok(Reply::ok(found))
}

/// `GET /v1/clubs/{club}/policy/diff?from=V1&to=V2`: what changed, file by file.
pub(super) async fn get_diff(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(asked): RawQuery,
    headers: HeaderMap,
) -> Answer<PolicyDiff> {
    let (club, _) = club_of(&app, &headers, path, String::as_str)?;
    let asked: DiffQuery = query(asked.as_deref(), "`from` and `to`")?;
    let policy = club.policy();
    let compared = request::on_reader(&club, move |ledger| {
        Ok(diff(ledger, &policy, &asked.from, &asked.to)?)
    })
    .await?;
    Ok(Reply::ok(compared))
}
