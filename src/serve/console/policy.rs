//! The policy page (issue 16, item 4): the live version's files with line numbers, the
//! last reload attempt (a failed one as `bashgah check` prints it), the policy tests'
//! results, the canary's changes rule by rule, every version the ledger keeps, and a diff
//! between any two of them.
//!
//! Its data comes from [`crate::serve::policy_view`], the functions behind
//! `GET /v1/clubs/{club}/policy`, `…/policy/versions` and `…/policy/diff`. Code (files,
//! diffs, the check's output) stays left to right inside a Persian page (`dir="ltr"`),
//! and its line numbers stay in ASCII digits, as the files and `check` number them.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{html, Markup};
use serde::Deserialize;

use super::format;
use super::page::{layout, Ctx, Page, PageError, Section};
use super::Shared;
use crate::canary::CanaryReport;
use crate::locale::Lang;
use crate::policy::Policy;
use crate::serve::api;
use crate::serve::clubs::Club;
use crate::serve::policy_view::diff::{FileDiff, FileStatus, LineKind};
use crate::serve::policy_view::{
    self, LivePolicy, PolicyDiff, PolicyTests, VersionPage, VersionSummary, ViewError,
};
use crate::serve::reload::Attempt;
use crate::tr_in;

/// Versions listed on the page at a time; the diff's form offers up to this many too.
const VERSIONS: usize = 50;

/// The page's query: where the list of versions starts.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    after: Option<String>,
}

/// The diff's query: the two versions.
#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// `GET /clubs/{club}/policy`.
pub async fn show(
    ctx: Ctx,
    State(console): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    let (club, policy, lang, versions) =
        match opened(&ctx, &console, &id, query.after.clone()).await {
            Ok(opened) => opened,
            Err(refusal) => return refusal,
        };
    let live = policy_view::live(&club);
    let body = html! {
        (live_section(lang, &policy, &live))
        (versions_section(lang, &policy, &club.id, &versions, query.after.as_deref()))
        (tests_section(lang, &live.tests))
        (canary_section(lang, live.canary.as_ref()))
        (files_section(lang, &live))
    };
    page(
        &ctx,
        lang,
        &club,
        tr_in!(lang, "console-policy-title"),
        body,
    )
}

/// `GET /clubs/{club}/policy/diff?from=V1&to=V2`.
pub async fn diff(
    ctx: Ctx,
    State(console): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<DiffQuery>,
) -> Response {
    let (club, policy, lang, versions) = match opened(&ctx, &console, &id, None).await {
        Ok(opened) => opened,
        Err(refusal) => return refusal,
    };
    let (from, to) = match (query.from, query.to) {
        (Some(from), Some(to)) if !from.trim().is_empty() && !to.trim().is_empty() => (from, to),
        _ => {
            let problem = tr_in!(lang, "console-policy-pick-two");
            return PageError::Invalid(problem).page(&ctx, lang);
        }
    };
    let live = Arc::clone(&policy);
    let (asked_from, asked_to) = (from.clone(), to.clone());
    let compared = api::on_reader(&club, move |ledger| {
        Ok(policy_view::diff(ledger, &live, &asked_from, &asked_to))
    })
    .await;
    let compared = match compared {
        Ok(Ok(compared)) => compared,
        Ok(Err(problem)) => return refused(problem, lang).page(&ctx, lang),
        Err(refusal) => return PageError::from(refusal).page(&ctx, lang),
    };
    let body = html! {
        (compare_form(lang, &policy, &club.id, &versions.versions, &compared.from, &compared.to))
        (diff_section(lang, &compared))
        p { a href=(format!("/clubs/{}/policy", club.id)) { (tr_in!(lang, "console-policy-back")) } }
    };
    let title = tr_in!(
        lang,
        "console-policy-diff-title",
        from = short(&compared.from),
        to = short(&compared.to)
    );
    page(&ctx, lang, &club, title, body)
}

/// The club the path names (if the key may see it), its live snapshot, the page's
/// language and a page of its versions from `after`; or the page that says why not.
async fn opened(
    ctx: &Ctx,
    console: &Shared,
    id: &str,
    after: Option<String>,
) -> Result<(Arc<Club>, Arc<Policy>, Lang, VersionPage), Response> {
    let club = ctx
        .club(console, id)
        .map_err(|refusal| refusal.page(ctx, ctx.lang(None)))?;
    let policy = club.policy();
    let lang = ctx.lang(Some(&policy));
    let versions = read_versions(&club, after)
        .await
        .map_err(|refusal| refusal.page(ctx, lang))?;
    Ok((club, policy, lang, versions))
}

fn page(ctx: &Ctx, lang: Lang, club: &Club, title: String, body: Markup) -> Response {
    layout(
        ctx,
        Page {
            lang,
            title,
            club: Some(club),
            section: Section::Policy,
            body,
        },
    )
}

/// A page of the ledger's versions, read where the club's store answers reads.
async fn read_versions(club: &Club, after: Option<String>) -> Result<VersionPage, PageError> {
    let live = club.policy();
    let lang_free = api::on_reader(club, move |ledger| {
        Ok(policy_view::versions(
            ledger,
            &live,
            after.as_deref(),
            VERSIONS,
        ))
    })
    .await
    .map_err(PageError::from)?;
    // The only refusal of a list is a cursor that is not a version of it.
    lang_free.map_err(|problem| match problem {
        ViewError::Ledger(error) => PageError::from(api::ApiError::from(error)),
        _ => PageError::NotFound,
    })
}

/// A version that cannot be shown, said in the page's language.
fn refused(problem: ViewError, lang: Lang) -> PageError {
    match problem {
        ViewError::Invalid(asked) => PageError::Invalid(tr_in!(
            lang,
            "console-policy-invalid-version",
            version = asked
        )),
        ViewError::Unknown(asked) => PageError::Invalid(tr_in!(
            lang,
            "console-policy-unknown-version",
            version = asked
        )),
        ViewError::Ambiguous(asked, ids) => PageError::Invalid(tr_in!(
            lang,
            "console-policy-ambiguous-version",
            version = asked,
            versions = ids.join(", ")
        )),
        ViewError::Cursor(_) => PageError::NotFound,
        ViewError::Ledger(error) => PageError::from(api::ApiError::from(error)),
    }
}

fn short(id: &str) -> String {
    id.chars().take(12).collect()
}

/// The live version: which, since when, and the last reload attempt.
fn live_section(lang: Lang, policy: &Policy, live: &LivePolicy) -> Markup {
    html! {
        section aria-labelledby="live" {
            h2 id="live" { (tr_in!(lang, "console-policy-live")) }
            p {
                (tr_in!(lang, "console-policy-live-version"))
                " " code dir="ltr" { (live.short) } " "
                (tr_in!(lang, "console-policy-live-since", date = format::time(lang, policy, live.active_since)))
            }
            @if let Some(attempt) = &live.last_reload {
                (reload_part(lang, policy, attempt))
            }
        }
    }
}

fn reload_part(lang: Lang, policy: &Policy, attempt: &Attempt) -> Markup {
    let at = format::time(lang, policy, attempt.at);
    let version = attempt.version.clone().unwrap_or_default();
    html! {
        h3 { (tr_in!(lang, "console-policy-last-reload")) }
        @match attempt.outcome {
            "failed" => {
                p class="problem" role="status" { (tr_in!(lang, "console-policy-reload-failed", date = at)) }
                @if let Some(incident) = &attempt.incident {
                    p { (tr_in!(lang, "console-policy-incident")) " " code dir="ltr" { (incident) } }
                }
                pre class="check" dir="ltr" lang="en" {
                    @match &attempt.printed {
                        Some(printed) => (printed),
                        None => @for problem in &attempt.errors { (problem) "\n" },
                    }
                }
            }
            "unchanged" => p { (tr_in!(lang, "console-policy-reload-unchanged", date = at, version = version)) },
            _ => p class="done" { (tr_in!(lang, "console-policy-reload-activated", date = at, version = version)) },
        }
    }
}

/// Every version the ledger keeps, and the form that compares two.
fn versions_section(
    lang: Lang,
    policy: &Policy,
    club: &str,
    versions: &VersionPage,
    after: Option<&str>,
) -> Markup {
    let live = versions
        .versions
        .iter()
        .find(|v| v.live)
        .map_or_else(|| policy.id.clone(), |v| v.id.clone());
    let older = versions
        .versions
        .iter()
        .find(|v| v.id != live)
        .map_or_else(|| live.clone(), |v| v.id.clone());
    html! {
        section aria-labelledby="versions" {
            h2 id="versions" { (tr_in!(lang, "console-policy-versions")) }
            @if versions.versions.is_empty() {
                p class="muted" { (tr_in!(lang, "console-policy-no-versions")) }
            } @else {
                (compare_form(lang, policy, club, &versions.versions, &older, &live))
                table class="list" {
                    caption { (tr_in!(lang, "console-policy-versions-caption")) }
                    thead { tr {
                        th scope="col" { (tr_in!(lang, "console-policy-version")) }
                        th scope="col" { (tr_in!(lang, "console-policy-first-used")) }
                        th scope="col" { (tr_in!(lang, "console-policy-files")) }
                        th scope="col" { (tr_in!(lang, "console-policy-compare-live")) }
                    } }
                    tbody {
                        @for version in &versions.versions {
                            tr {
                                td {
                                    code dir="ltr" { (version.short) }
                                    @if version.live { " " strong { (tr_in!(lang, "console-policy-live-mark")) } }
                                }
                                td { (format::time(lang, policy, version.first_used)) }
                                td dir="ltr" { (version.files.join(", ")) }
                                td {
                                    @if !version.live {
                                        a href=(format!("/clubs/{club}/policy/diff?from={}&to=live", version.id)) {
                                            (tr_in!(lang, "console-policy-diff-with-live", version = version.short.as_str()))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if versions.more {
                    p { a href=(format!("/clubs/{club}/policy?after={}", versions.next)) { (tr_in!(lang, "console-policy-older")) } }
                }
                @if after.is_some() {
                    p { a href=(format!("/clubs/{club}/policy")) { (tr_in!(lang, "console-policy-newest")) } }
                }
            }
        }
    }
}

/// Two lists of versions and a button: the diff page of the two picked.
fn compare_form(
    lang: Lang,
    policy: &Policy,
    club: &str,
    versions: &[VersionSummary],
    from: &str,
    to: &str,
) -> Markup {
    let choice = |name: &'static str, label: String, picked: &str| {
        html! {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                @for version in versions {
                    option value=(version.id) selected[version.id == picked] {
                        (version.short) " · " (format::time(lang, policy, version.first_used))
                        @if version.live { " · " (tr_in!(lang, "console-policy-live-mark")) }
                    }
                }
            }
        }
    };
    html! {
        form method="get" action=(format!("/clubs/{club}/policy/diff")) class="compare" {
            fieldset {
                legend { (tr_in!(lang, "console-policy-compare")) }
                (choice("from", tr_in!(lang, "console-policy-from"), from))
                (choice("to", tr_in!(lang, "console-policy-to"), to))
                button type="submit" { (tr_in!(lang, "console-policy-show-diff")) }
            }
        }
    }
}

/// The live version's policy tests.
fn tests_section(lang: Lang, tests: &PolicyTests) -> Markup {
    html! {
        section aria-labelledby="tests" {
            h2 id="tests" { (tr_in!(lang, "console-policy-tests")) }
            @if tests.cases.is_empty() {
                p class="muted" { (tr_in!(lang, "console-policy-no-tests")) }
            } @else {
                p class=(if tests.failed == 0 { "done" } else { "problem" }) {
                    (tr_in!(lang, "console-policy-tests-summary", passed = tests.passed, failed = tests.failed))
                }
                table class="list" {
                    caption { (tr_in!(lang, "console-policy-tests-caption")) }
                    thead { tr {
                        th scope="col" { (tr_in!(lang, "console-policy-test")) }
                        th scope="col" { (tr_in!(lang, "console-policy-test-where")) }
                        th scope="col" { (tr_in!(lang, "console-policy-test-result")) }
                    } }
                    tbody {
                        @for case in &tests.cases {
                            tr {
                                td { (case.name) }
                                td dir="ltr" { code { (case.file) ":" (case.line) } }
                                td {
                                    @if case.passed {
                                        span class="pass" { "✓ " (tr_in!(lang, "console-policy-passed")) }
                                    } @else {
                                        span class="fail" { "✗ " (tr_in!(lang, "console-policy-failed")) }
                                        ul { @for failure in &case.failures { li { (failure) } } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !tests.uncovered.is_empty() {
                p { (tr_in!(lang, "console-policy-uncovered")) " " span dir="ltr" { (tests.uncovered.join(", ")) } }
            }
        }
    }
}

/// What the canary found, rule by rule.
fn canary_section(lang: Lang, canary: Option<&CanaryReport>) -> Markup {
    html! {
        section aria-labelledby="canary" {
            h2 id="canary" { (tr_in!(lang, "console-policy-canary")) }
            @match canary {
                None => p class="muted" { (tr_in!(lang, "console-policy-no-canary")) },
                Some(report) => {
                    p {
                        (tr_in!(lang, "console-policy-canary-tried",
                            events = report.events,
                            candidate = short(&report.candidate_version),
                            live = short(&report.live_version),
                            before = report.issued_live,
                            after = report.issued_candidate))
                        @if let Some(change) = report.change_percent {
                            " (" (format::signed_points(lang, change)) "%)"
                        }
                    }
                    @if let Some(reason) = &report.refused {
                        p class="problem" { (tr_in!(lang, "console-policy-canary-refused")) " " (reason) }
                    }
                    @if report.rules.is_empty() {
                        p { (tr_in!(lang, "console-policy-canary-same")) }
                    } @else {
                        table class="list" {
                            caption { (tr_in!(lang, "console-policy-canary-caption")) }
                            thead { tr {
                                th scope="col" { (tr_in!(lang, "console-policy-rule")) }
                                th scope="col" class="number" { (tr_in!(lang, "console-policy-events-changed")) }
                                th scope="col" class="number" { (tr_in!(lang, "console-policy-points-live")) }
                                th scope="col" class="number" { (tr_in!(lang, "console-policy-points-candidate")) }
                                th scope="col" class="number" { (tr_in!(lang, "console-policy-points-change")) }
                                th scope="col" { (tr_in!(lang, "console-policy-examples")) }
                            } }
                            tbody {
                                @for (rule, change) in &report.rules {
                                    tr {
                                        td dir="ltr" { code { (rule) } }
                                        td class="number" { (format::count(lang, change.events_changed)) }
                                        td class="number" { (format::points(lang, change.live)) }
                                        td class="number" { (format::points(lang, change.candidate)) }
                                        td class="number" { (format::signed_points(lang, change.delta)) }
                                        td {
                                            @for example in &change.examples {
                                                div {
                                                    code dir="ltr" { (example.event) } ": "
                                                    (format::points(lang, example.live)) " → " (format::points(lang, example.candidate))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The live version's files, each with its line numbers.
fn files_section(lang: Lang, live: &LivePolicy) -> Markup {
    html! {
        section aria-labelledby="files" {
            h2 id="files" { (tr_in!(lang, "console-policy-files-heading")) }
            @for file in &live.files {
                details open[live.files.len() <= 3] {
                    summary {
                        code dir="ltr" { (file.name) } " · "
                        (tr_in!(lang, "console-policy-lines", lines = file.text.lines().count()))
                    }
                    table class="code" dir="ltr" {
                        caption class="visually-hidden" { (file.name) }
                        tbody {
                            @for (number, line) in file.text.lines().enumerate() {
                                tr {
                                    td class="no" { (number + 1) }
                                    td class="text" { code { (line) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Each file added, removed or changed, with its hunks.
fn diff_section(lang: Lang, diff: &PolicyDiff) -> Markup {
    html! {
        @if diff.files.is_empty() {
            p class="done" { (tr_in!(lang, "console-policy-same-files")) }
        }
        @for file in &diff.files {
            (file_diff(lang, file))
        }
        @if !diff.unchanged.is_empty() {
            p class="muted" { (tr_in!(lang, "console-policy-unchanged")) " " span dir="ltr" { (diff.unchanged.join(", ")) } }
        }
    }
}

fn file_diff(lang: Lang, file: &FileDiff) -> Markup {
    let status = match file.status {
        FileStatus::Added => tr_in!(lang, "console-policy-file-added"),
        FileStatus::Removed => tr_in!(lang, "console-policy-file-removed"),
        FileStatus::Changed => tr_in!(lang, "console-policy-file-changed"),
    };
    html! {
        section class="file-diff" {
            h2 { code dir="ltr" { (file.name) } " · " (status) }
            p { (tr_in!(lang, "console-policy-counts", added = file.added, removed = file.removed)) }
            table class="diff" dir="ltr" {
                caption class="visually-hidden" { (file.name) }
                thead { tr {
                    th scope="col" class="no" { (tr_in!(lang, "console-policy-old-line")) }
                    th scope="col" class="no" { (tr_in!(lang, "console-policy-new-line")) }
                    th scope="col" class="sign" { span class="visually-hidden" { (tr_in!(lang, "console-policy-change")) } }
                    th scope="col" { (tr_in!(lang, "console-policy-line")) }
                } }
                @for hunk in &file.hunks {
                    tbody {
                        tr class="hunk" {
                            td colspan="4" { (format!("@@ -{},{} +{},{} @@", hunk.old_start, hunk.old_lines, hunk.new_start, hunk.new_lines)) }
                        }
                        @for line in &hunk.lines {
                            @let (class, sign) = match line.kind {
                                LineKind::Added => ("added", "+"),
                                LineKind::Removed => ("removed", "-"),
                                LineKind::Context => ("context", " "),
                            };
                            tr class=(class) {
                                td class="no" { @if let Some(n) = line.old { (n) } }
                                td class="no" { @if let Some(n) = line.new { (n) } }
                                td class="sign" { (sign) }
                                td class="text" {
                                    @match line.kind {
                                        LineKind::Added => ins { code { (line.text) } },
                                        LineKind::Removed => del { code { (line.text) } },
                                        LineKind::Context => code { (line.text) },
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
