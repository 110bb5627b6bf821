//! The members pages: the search (`/clubs/{club}/members`), from the same function as the
//! API's `GET /v1/clubs/{club}/members`, and a member's statement
//! (`/clubs/{club}/members/{id}`), from the same function as
//! `GET /v1/clubs/{club}/members/{member}` — what `bashgah member` shows, every entry with
//! its reason and a link to its explanation. The forms that change a member's points are
//! in [`super::member_actions`].

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use maud::{html, Markup};

use super::format;
use super::member_actions;
use super::page::{form_urlencoded, layout, Ctx, Page, PageError, Section};
use super::Shared;
use crate::locale::Lang;
use crate::policy::Policy;
use crate::serve::clubs::Club;
use crate::serve::members::{self, MemberQuery};

/// Members on a page of the search.
const PER_PAGE: u32 = 50;

/// The most earlier pages "previous" can go back through (the rest start again at the
/// first page).
const MOST_BACK: usize = 30;

/// The search page's query: the text, where the page starts, and the starts of the pages
/// before it (for "previous": the member list pages forward only).
#[derive(Debug, Default)]
struct SearchQuery {
    q: Option<String>,
    after: Option<String>,
    back: Vec<String>,
}

impl SearchQuery {
    fn read(raw: Option<&str>) -> SearchQuery {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default();
        let mut query = SearchQuery::default();
        for (key, value) in pairs {
            match key.as_str() {
                "q" if !value.trim().is_empty() => query.q = Some(value.trim().to_owned()),
                "after" if !value.is_empty() => query.after = Some(value),
                "back" if query.back.len() < MOST_BACK => query.back.push(value),
                _ => {}
            }
        }
        query
    }

    /// The link to the page starting after `after`, with `back` before it.
    fn link(&self, club: &str, after: Option<&str>, back: &[String]) -> String {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if let Some(q) = &self.q {
            pairs.push(("q", q));
        }
        if let Some(after) = after {
            pairs.push(("after", after));
        }
        let skip = back.len().saturating_sub(MOST_BACK);
        for earlier in &back[skip..] {
            pairs.push(("back", earlier));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if query.is_empty() {
            format!("/clubs/{club}/members")
        } else {
            format!("/clubs/{club}/members?{query}")
        }
    }
}

/// `GET /clubs/{club}/members?q=TEXT&after=ID`: a page of the club's members, or of a
/// search.
pub async fn search(
    ctx: Ctx,
    State(console): State<Shared>,
    Path(club): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (found, lang) = match opened(&ctx, &console, &club) {
        Ok(opened) => opened,
        Err(refusal) => return *refusal,
    };
    let query = SearchQuery::read(raw.as_deref());
    let asked = MemberQuery {
        after: query.after.clone(),
        limit: PER_PAGE,
        q: query.q.clone(),
    };
    let page = match members::list(&console.app, &ctx.signed_in.grant, &club, asked).await {
        Ok(page) => page,
        Err(error) => return PageError::from(error).page(&ctx, lang),
    };
    let club_id = found.id.as_str();
    let previous = (query.after.is_some()).then(|| {
        let mut back = query.back.clone();
        let start = back.pop().filter(|s| !s.is_empty());
        query.link(club_id, start.as_deref(), &back)
    });
    let next = page.more.then(|| {
        let mut back = query.back.clone();
        back.push(query.after.clone().unwrap_or_default());
        query.link(club_id, Some(&page.next), &back)
    });
    let body = html! {
        form method="get" action=(format!("/clubs/{club_id}/members")) role="search" {
            label for="q" { (crate::tr_in!(lang, "console-members-search-label")) }
            input id="q" name="q" type="search" value=(query.q.clone().unwrap_or_default()) maxlength="100";
            " "
            button type="submit" { (crate::tr_in!(lang, "console-members-search")) }
        }
        @if page.members.is_empty() {
            p id="no-members" { (crate::tr_in!(lang, "console-members-none")) }
        } @else {
            table class="list" id="members" {
                caption { (crate::tr_in!(lang, "console-members-caption")) }
                thead { tr {
                    th scope="col" { (crate::tr_in!(lang, "console-members-id")) }
                    th scope="col" { (crate::tr_in!(lang, "console-members-profile")) }
                    th scope="col" { (crate::tr_in!(lang, "console-members-tier")) }
                    th scope="col" class="number" { (crate::tr_in!(lang, "console-members-balance")) }
                } }
                tbody {
                    @for listed in &page.members {
                        @let member = &listed.record;
                        tr {
                            td dir="ltr" { a href=(format!("/clubs/{club_id}/members/{}", form_urlencoded(&member.id))) { (member.id) } }
                            td { (profile_text(&listed.profile)) }
                            td { (member.tier.clone().unwrap_or_default()) }
                            td class="number" { (format::points(lang, member.balance.parse().unwrap_or_default())) }
                        }
                    }
                }
            }
        }
        @if query.q.is_some() && page.more {
            p class="muted" id="searched-to" { (crate::tr_in!(lang, "console-members-searched-to", member = page.next.as_str())) }
        }
        nav class="paging" aria-label=(crate::tr_in!(lang, "console-members-paging")) {
            @if let Some(previous) = &previous {
                a rel="prev" href=(previous) { (crate::tr_in!(lang, "console-members-previous")) }
                " "
            }
            @if let Some(next) = &next {
                a rel="next" href=(next) { (crate::tr_in!(lang, "console-members-next")) }
            }
        }
    };
    layout(
        &ctx,
        Page {
            lang,
            title: crate::tr_in!(lang, "console-members-title"),
            club: Some(&found),
            section: Section::Members,
            body,
        },
    )
}

/// The club of a page's path, if the key may see it, and the page's language; else the
/// "not found" page (boxed: a refusal is the rare way out).
pub(super) fn opened(
    ctx: &Ctx,
    console: &Shared,
    club: &str,
) -> Result<(Arc<Club>, Lang), Box<Response>> {
    match ctx.club(console, club) {
        Ok(found) => {
            let lang = ctx.lang(Some(&found.policy()));
            Ok((found, lang))
        }
        Err(refusal) => Err(Box::new(refusal.page(ctx, ctx.lang(None)))),
    }
}

/// A profile's values, as one line: `Sara Ahmadi · 0912… · sara@example.com`.
fn profile_text(profile: &serde_json::Map<String, serde_json::Value>) -> String {
    let name = profile.get("name").into_iter();
    let others = profile.iter().filter(|(k, _)| *k != "name").map(|(_, v)| v);
    name.chain(others)
        .filter_map(|value| match value {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `?done=adjusted` after a change by hand: the confirmation shown above the statement.
fn done_message(lang: Lang, raw: Option<&str>) -> Option<String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default();
    let done = pairs.into_iter().find(|(k, _)| k == "done")?.1;
    Some(match done.as_str() {
        "adjusted" => crate::tr_in!(lang, "console-member-adjusted"),
        "redeemed" => crate::tr_in!(lang, "console-member-redeemed"),
        "converted" => crate::tr_in!(lang, "console-member-converted"),
        "duplicate" => crate::tr_in!(lang, "console-member-duplicate"),
        _ => return None,
    })
}

/// A stored time (`2025-01-01T10:00:00Z`) as the club's day and clock.
fn stored_time(lang: Lang, policy: &Policy, text: &str) -> String {
    crate::time::from_stored(text)
        .map_or_else(|| text.to_owned(), |t| format::time(lang, policy, t))
}

/// A stored time as the club's day.
fn stored_day(lang: Lang, policy: &Policy, text: &str) -> String {
    crate::time::from_stored(text).map_or_else(
        || text.to_owned(),
        |t| format::date(lang, policy, t.with_timezone(&policy.zone).date_naive()),
    )
}

/// A date (`2025-01-01`) in the club's calendar.
fn iso_day(lang: Lang, policy: &Policy, text: &str) -> String {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_or_else(|_| text.to_owned(), |d| format::date(lang, policy, d))
}

/// The link to an event's explanation.
fn event_link(club: &str, event: &str) -> String {
    format!("/clubs/{club}/events/{}", form_urlencoded(event))
}

/// `GET /clubs/{club}/members/{id}`: the member's statement, and the forms of what the
/// key may do.
pub async fn member(
    ctx: Ctx,
    State(console): State<Shared>,
    Path((club, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (found, lang) = match opened(&ctx, &console, &club) {
        Ok(opened) => opened,
        Err(refusal) => return *refusal,
    };
    let policy = found.policy();
    let report = match members::report(&console.app, &ctx.signed_in.grant, &club, id).await {
        Ok(report) => report,
        Err(error) => return PageError::from(error).page(&ctx, lang),
    };
    let done = done_message(lang, raw.as_deref());
    let forms = member_actions::forms(&ctx, lang, &policy, &report.member.summary.id);
    let body = statement(lang, &policy, &report, done, forms);
    layout(
        &ctx,
        Page {
            lang,
            title: crate::tr_in!(
                lang,
                "console-member-title",
                id = report.member.summary.id.as_str()
            ),
            club: Some(&found),
            section: Section::Members,
            body,
        },
    )
}

/// The statement as a page: balances, tier, lots by expiry, deals, badges, entries.
fn statement(
    lang: Lang,
    policy: &Policy,
    report: &crate::view::MemberReport,
    done: Option<String>,
    forms: Markup,
) -> Markup {
    let club = policy.club.id.as_str();
    let summary = &report.member.summary;
    let b = &report.balances;
    let points_name = policy.club.points.name.as_str();
    let tier_name = report.tier.as_deref().map(|id| {
        policy
            .club
            .tiers
            .iter()
            .find(|t| t.id == id)
            .and_then(|t| t.name.clone())
            .unwrap_or_else(|| id.to_owned())
    });
    html! {
        @if let Some(done) = done {
            p class="done" role="status" id="done" { (done) }
        }
        p class="muted" {
            (crate::tr_in!(lang, "console-member-as-of", date = format::time(lang, policy, report_at(report))))
        }
        div class="cards" id="balances" {
            div class="card" { div { (crate::tr_in!(lang, "console-member-balance")) } div class="figure" id="balance" { (format::points(lang, summary.balance)) " " (points_name) } }
            div class="card" { div { (crate::tr_in!(lang, "console-member-available")) } div class="figure" id="available" { (format::points(lang, b.available)) } }
            div class="card" { div { (crate::tr_in!(lang, "console-member-pending")) } div class="figure" id="pending" { (format::points(lang, b.pending)) } }
            @if !b.debt.is_zero() {
                div class="card" { div { (crate::tr_in!(lang, "console-member-debt")) } div class="figure" id="debt" { (format::points(lang, b.debt)) } }
            }
            @if policy.club.credit.is_some() || !summary.credit.is_zero() {
                div class="card" { div { (crate::tr_in!(lang, "console-member-credit")) } div class="figure" id="credit" { (format::money(lang, policy, summary.credit)) } }
            }
            div class="card" { div { (crate::tr_in!(lang, "console-member-tier")) } div class="figure" id="tier" { (tier_name.unwrap_or_else(|| crate::tr_in!(lang, "console-member-no-tier"))) } }
        }
        dl class="profile" {
            dt { (crate::tr_in!(lang, "console-member-type")) } dd { (summary.member_type) }
            dt { (crate::tr_in!(lang, "console-member-joined")) } dd { (iso_day(lang, policy, &summary.joined)) }
            @if let Some(birthday) = &summary.birthday {
                dt { (crate::tr_in!(lang, "console-member-birthday")) } dd { (iso_day(lang, policy, birthday)) }
            }
            dt { (crate::tr_in!(lang, "console-member-spent")) } dd { (format::money(lang, policy, summary.spend_total)) }
        }
        (forms)
        @if !report.expiring.is_empty() {
            table id="expiring" {
                caption { (crate::tr_in!(lang, "console-member-expiring")) }
                thead { tr { th scope="col" { (crate::tr_in!(lang, "console-member-last-day")) } th scope="col" class="number" { (crate::tr_in!(lang, "console-member-points")) } } }
                tbody { @for e in &report.expiring { tr {
                    td { (format::date(lang, policy, (e.expiring.at - chrono::Duration::seconds(1)).with_timezone(&policy.zone).date_naive())) }
                    td class="number" { (format::points(lang, e.expiring.points)) }
                } } }
            }
        }
        @if !report.lots.is_empty() {
            table id="lots" {
                caption { (crate::tr_in!(lang, "console-member-lots")) }
                thead { tr {
                    th scope="col" { (crate::tr_in!(lang, "console-member-earned")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-event")) }
                    th scope="col" class="number" { (crate::tr_in!(lang, "console-member-points")) }
                    th scope="col" class="number" { (crate::tr_in!(lang, "console-member-left")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-spendable")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-expires")) }
                } }
                tbody { @for line in &report.lots { @let lot = &line.lot; tr {
                    td { (format::time(lang, policy, lot.earned_at)) }
                    td dir="ltr" { a href=(event_link(club, &lot.event)) { (lot.event) } " " span class="muted" { (lot.rule) } }
                    td class="number" { (format::points(lang, lot.points)) }
                    td class="number" { (format::points(lang, lot.remaining)) }
                    td { (format::time(lang, policy, lot.pending_until)) }
                    td { (lot.expires_at.map_or_else(|| crate::tr_in!(lang, "console-member-never"), |t| format::time(lang, policy, t))) }
                } } }
            }
        }
        @if !report.tier_changes.is_empty() {
            table id="tiers" {
                caption { (crate::tr_in!(lang, "console-member-tier-history")) }
                thead { tr {
                    th scope="col" { (crate::tr_in!(lang, "console-member-date")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-tier-from")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-tier-to")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-reason")) }
                } }
                tbody { @for line in &report.tier_changes { @let change = &line.change; tr {
                    td { (stored_day(lang, policy, &change.time)) }
                    td { (change.from.clone().unwrap_or_else(|| "—".to_owned())) }
                    td { (change.to.clone().unwrap_or_else(|| "—".to_owned())) }
                    td { (change.reason) }
                } } }
            }
        }
        @if !report.deals.is_empty() {
            table id="deals" {
                caption { (crate::tr_in!(lang, "console-member-deals")) }
                thead { tr {
                    th scope="col" { (crate::tr_in!(lang, "console-member-deal")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-deal-state")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-deal-progress")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-deal-next")) }
                } }
                tbody { @for deal in &report.deals { tr {
                    td { (deal.deal) }
                    td { (deal_state(lang, deal.state)) }
                    td { (crate::tr_in!(lang, "console-member-deal-kept", kept = u64::from(deal.kept), periods = u64::from(deal.periods), missed = u64::from(deal.missed))) }
                    td { (format::time(lang, policy, deal.next_checkpoint)) }
                } } }
            }
            @if !report.checkpoints.is_empty() {
                ul id="checkpoints" {
                    @for checkpoint in &report.checkpoints {
                        li { (checkpoint.deal) " " (format::count(lang, u64::from(checkpoint.period))) ": " (stored_day(lang, policy, &checkpoint.starts)) " – " (stored_day(lang, policy, &checkpoint.ends)) " · " (checkpoint.note) }
                    }
                }
            }
        }
        @if !report.badges.is_empty() {
            h2 { (crate::tr_in!(lang, "console-member-badges")) }
            ul id="badges" { @for badge in &report.badges { li { (badge) } } }
        }
        @if !report.messages.is_empty() {
            table id="messages" {
                caption { (crate::tr_in!(lang, "console-member-messages")) }
                thead { tr {
                    th scope="col" { (crate::tr_in!(lang, "console-member-date")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-occasion")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-channel")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-message-status")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-message-text")) }
                } }
                tbody { @for message in &report.messages { tr {
                    td { (stored_time(lang, policy, &message.created_at)) }
                    td dir="ltr" { (message.occasion) }
                    td dir="ltr" { (message.channel) }
                    td dir="ltr" { (message.status) }
                    td { (message.text) }
                } } }
            }
        }
        @if !report.challenges.is_empty() {
            table id="challenges" {
                caption { (crate::tr_in!(lang, "console-member-challenges")) }
                thead { tr {
                    th scope="col" { (crate::tr_in!(lang, "console-member-challenge")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-period")) }
                    th scope="col" class="number" { (crate::tr_in!(lang, "console-member-purchases")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-completed")) }
                } }
                tbody { @for c in &report.challenges { tr {
                    td { (c.challenge) }
                    td { (iso_day(lang, policy, &c.period)) }
                    td class="number" { (format::count(lang, c.purchases.try_into().unwrap_or(0))) }
                    td { (c.completed_at.as_deref().map(|t| stored_day(lang, policy, t)).unwrap_or_default()) }
                } } }
            }
        }
        @if report.statement.is_empty() {
            p id="statement-empty" { (crate::tr_in!(lang, "console-member-no-entries")) }
        } @else {
            table id="statement" {
                caption { (crate::tr_in!(lang, "console-member-statement")) }
                thead { tr {
                    th scope="col" { (crate::tr_in!(lang, "console-member-date")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-event")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-rule")) }
                    th scope="col" class="number" { (crate::tr_in!(lang, "console-member-points")) }
                    th scope="col" { (crate::tr_in!(lang, "console-member-reason")) }
                } }
                tbody { @for entry in &report.statement { @let line = &entry.line; tr {
                    td { (stored_time(lang, policy, &line.time)) }
                    td dir="ltr" { a href=(event_link(club, &line.event)) title=(crate::tr_in!(lang, "console-member-explain")) { (line.event) } }
                    td dir="ltr" { (line.rule) }
                    td class="number" { (format::signed_points(lang, line.points)) }
                    td { (line.reason) }
                } } }
            }
        }
    }
}

/// The moment the report's balances are for.
fn report_at(report: &crate::view::MemberReport) -> chrono::DateTime<chrono::Utc> {
    crate::time::from_stored(&report.at).unwrap_or_else(chrono::Utc::now)
}

fn deal_state(lang: Lang, state: crate::member::DealState) -> String {
    match state {
        crate::member::DealState::Active => crate::tr_in!(lang, "console-member-deal-active"),
        crate::member::DealState::Completed => {
            crate::tr_in!(lang, "console-member-deal-completed")
        }
        crate::member::DealState::Failed => crate::tr_in!(lang, "console-member-deal-failed"),
    }
}
