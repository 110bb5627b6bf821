//! An event's explanation (`/clubs/{club}/events/{event}`): what `bashgah explain` shows
//! for an event the ledger holds — every rule, what it read and gave, the rounding, the
//! member as they stood before it, beside the ledger's entries — from the same function
//! as the API's `GET /v1/clubs/{club}/events/{event}/explanation`.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;

use super::format;
use super::page::{form_urlencoded, layout, Ctx, Page, PageError, Section};
use super::Shared;
use crate::locale::Lang;
use crate::view::explanation::{ExplainedEntry, RuleLine};

/// `GET /clubs/{club}/events/{event}`.
pub async fn explanation(
    ctx: Ctx,
    State(console): State<Shared>,
    Path((club, event)): Path<(String, String)>,
) -> Response {
    let (found, lang) = match super::members::opened(&ctx, &console, &club) {
        Ok(opened) => opened,
        Err(refusal) => return *refusal,
    };
    let policy = found.policy();
    let grant = &ctx.signed_in.grant;
    let why = match crate::serve::members::explanation(&console.app, grant, &club, event).await {
        Ok(why) => why,
        Err(error) => return PageError::from(error).page(&ctx, lang),
    };
    let when = crate::time::from_stored(&why.time)
        .map_or_else(|| why.time.clone(), |t| format::time(lang, &policy, t));
    let member_link = format!(
        "/clubs/{}/members/{}",
        found.id,
        form_urlencoded(&why.member)
    );
    let short = |version: &str| version.chars().take(12).collect::<String>();
    let body = html! {
        dl class="profile" id="event" {
            dt { (crate::tr_in!(lang, "console-event-type")) } dd { (why.kind) }
            dt { (crate::tr_in!(lang, "console-event-member")) } dd dir="ltr" { a href=(member_link) { (why.member) } }
            dt { (crate::tr_in!(lang, "console-event-when")) } dd { (when) }
            dt { (crate::tr_in!(lang, "console-event-amount")) } dd id="amount" { (format::money(lang, &policy, why.amount)) }
            @if let Some(paid) = &why.paid {
                dt { (crate::tr_in!(lang, "console-event-paid")) }
                dd id="paid" { (crate::tr_in!(lang, "console-event-paid-at", paid = crate::locale::amount_in(lang, paid.amount), currency = paid.currency.as_str(), rate = crate::locale::amount_in(lang, paid.rate))) }
            }
            @if let Some(channel) = &why.channel { dt { (crate::tr_in!(lang, "console-event-channel")) } dd { (channel) } }
            @if let Some(store) = &why.store { dt { (crate::tr_in!(lang, "console-event-store")) } dd { (store) } }
            @for (key, value) in &why.attributes { dt dir="ltr" { (key) } dd { (value) } }
            dt { (crate::tr_in!(lang, "console-event-version")) }
            dd dir="ltr" {
                code { (short(&why.policy_version)) }
                @if why.policy_version != why.current_version {
                    " " span class="muted" { (crate::tr_in!(lang, "console-event-earlier-version", current = short(&why.current_version))) }
                }
            }
            dt { (crate::tr_in!(lang, "console-event-member-then")) }
            dd id="member-then" {
                (crate::tr_in!(lang, "console-event-member-then-detail",
                    kind = why.member_then.kind.as_str(),
                    tier = why.member_then.tier.clone().map_or_else(|| crate::tr_in!(lang, "console-member-no-tier"), |t| match why.member_then.multiplier {
                        Some(m) => format!("{t} (×{})", format::points(lang, m)),
                        None => t,
                    }),
                    balance = format::points(lang, why.member_then.balance)))
            }
        }
        @if let Some(error) = &why.error {
            p class="problem" role="alert" id="rules-failed" { (crate::tr_in!(lang, "console-event-rules-failed", error = error.as_str())) }
        }
        @if !why.rules.is_empty() {
            table id="rules" {
                caption { (crate::tr_in!(lang, "console-event-rules")) }
                thead { tr {
                    th scope="col" { (crate::tr_in!(lang, "console-member-rule")) }
                    th scope="col" { (crate::tr_in!(lang, "console-event-function")) }
                    th scope="col" { (crate::tr_in!(lang, "console-event-what")) }
                    th scope="col" { (crate::tr_in!(lang, "console-event-read")) }
                } }
                tbody { @for rule in &why.rules { tr {
                    td dir="ltr" { (rule.rule) }
                    td dir="ltr" { code { (rule.function) } " " span class="muted" { (rule.place) } }
                    td { (rule_did(lang, rule, &why.rounding, why.precision)) }
                    td dir="ltr" { (rule.reads.join(", ")) }
                } } }
            }
        }
        @if why.rules_write {
            (entries_table(lang, "rules-entries", &crate::tr_in!(lang, "console-event-rules-entries"), &why.rules_entries))
        }
        (entries_table(lang, "ledger-entries", &crate::tr_in!(lang, "console-event-ledger-entries"), &why.ledger_entries))
        @match why.same {
            Some(true) => p class="done" id="same" { (crate::tr_in!(lang, "console-event-same")) },
            Some(false) => p class="problem" id="differs" { (crate::tr_in!(lang, "console-event-differs")) },
            None => p class="muted" id="not-by-rules" { (crate::tr_in!(lang, "console-event-not-by-rules")) },
        }
    };
    layout(
        &ctx,
        Page {
            lang,
            title: crate::tr_in!(lang, "console-event-title", id = why.event.as_str()),
            club: Some(&found),
            section: Section::Members,
            body,
        },
    )
}

/// What a rule did with the event, as `explain` says it.
fn rule_did(lang: Lang, rule: &RuleLine, rounding: &str, precision: u32) -> String {
    match rule.status.as_str() {
        "disabled" => crate::tr_in!(lang, "console-event-disabled"),
        "campaign_closed" => crate::tr_in!(lang, "console-event-campaign-closed"),
        "not_for_this_event_type" => crate::tr_in!(lang, "console-event-not-for-type"),
        _ => match rule.raw_points {
            None => crate::tr_in!(lang, "console-event-ran-nothing"),
            Some(raw) if raw == rule.points => crate::tr_in!(
                lang,
                "console-event-ran",
                points = format::signed_points(lang, rule.points)
            ),
            Some(raw) => crate::tr_in!(
                lang,
                "console-event-ran-rounded",
                raw = format::points(lang, raw.normalize()),
                rounding = rounding,
                places = u64::from(precision),
                points = format::signed_points(lang, rule.points)
            ),
        },
    }
}

fn entries_table(lang: Lang, id: &str, caption: &str, entries: &[ExplainedEntry]) -> maud::Markup {
    html! {
        table id=(id) {
            caption { (caption) }
            thead { tr {
                th scope="col" { (crate::tr_in!(lang, "console-member-rule")) }
                th scope="col" class="number" { (crate::tr_in!(lang, "console-member-points")) }
                th scope="col" { (crate::tr_in!(lang, "console-member-reason")) }
            } }
            tbody {
                @for entry in entries { tr {
                    td dir="ltr" { (entry.rule) }
                    td class="number" { (format::signed_points(lang, entry.points)) }
                    td { (entry.reason) }
                } }
                @if entries.is_empty() {
                    tr { td colspan="3" class="muted" { (crate::tr_in!(lang, "console-event-no-entries")) } }
                }
            }
        }
    }
}
