//! The what-if page (`/clubs/{club}/what-if`): pick a draft and a period, and see the
//! simulation report of the draft beside the live version over the club's real events —
//! the same simulation as `POST /v1/clubs/{club}/simulations`
//! ([`crate::serve::simulations::simulate_draft`]) and the same report page as
//! `GET …/simulations/report` and `bashgah simulate --html`, shown in a frame. The form only
//! computes (nothing is written), so it is a GET; it needs an operator's key.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{html, Markup};
use serde::Deserialize;

use super::page::{layout, Ctx, Page, PageError, Section};
use super::Shared;
use crate::locale::Lang;
use crate::serve::keys::Role;
use crate::serve::simulations::{report_html, simulate_draft, SimulationRequest};
use crate::tr_in;

/// The form's fields, as the query carries them (all empty at first).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WhatIfQuery {
    draft: String,
    from: String,
    to: String,
}

pub async fn page(
    ctx: Ctx,
    State(console): State<Shared>,
    Path(club): Path<String>,
    Query(query): Query<WhatIfQuery>,
) -> Response {
    let lang = ctx.lang(None);
    let club = match ctx.club(&console, &club) {
        Ok(club) => club,
        Err(error) => return error.page(&ctx, lang),
    };
    let lang = ctx.lang(Some(&club.policy()));
    if let Err(error) = ctx.require(&club.id, Role::Operator) {
        return error.page(&ctx, lang);
    }
    let drafts = crate::serve::drafts::list(&console.app.registry.folders().drafts, &club.id);
    let asked = !query.draft.is_empty() && !query.from.is_empty() && !query.to.is_empty();
    let outcome = if asked {
        let request = SimulationRequest {
            draft: query.draft.clone(),
            from: query.from.clone(),
            to: query.to.clone(),
        };
        Some(simulate_draft(&console.app, &club, request).await)
    } else {
        None
    };
    let shown = match outcome {
        None => html! {},
        Some(Ok(answer)) => html! {
            section aria-labelledby="report" {
                h2 id="report" { (tr_in!(lang, "console-what-if-report")) }
                iframe class="report" title=(tr_in!(lang, "console-what-if-report"))
                    srcdoc=(report_html(&answer, lang)) style="width:100%;height:60em;border:0" {}
            }
        },
        Some(Err(error)) => {
            let report = error.report().map(str::to_owned);
            let problem = PageError::from(error);
            let message = match &problem {
                PageError::Refused { message, .. } => message.clone(),
                _ => tr_in!(lang, "console-not-found-detail"),
            };
            html! {
                p class="problem" role="alert" { (message) }
                @if let Some(report) = report {
                    pre class="diagnostics" dir="ltr" { (report) }
                }
            }
        }
    };
    let body = html! {
        p { (tr_in!(lang, "console-what-if-intro")) }
        (form(lang, &drafts, &query))
        (shown)
    };
    layout(
        &ctx,
        Page {
            lang,
            title: tr_in!(lang, "console-what-if-title"),
            club: Some(&club),
            section: Section::WhatIf,
            body,
        },
    )
}

fn form(lang: Lang, drafts: &[String], query: &WhatIfQuery) -> Markup {
    html! {
        @if drafts.is_empty() {
            p { (tr_in!(lang, "console-what-if-no-drafts")) }
        }
        form method="get" class="what-if" {
            input type="hidden" name="lang" value=(lang.code());
            label for="draft" { (tr_in!(lang, "console-what-if-draft")) }
            select id="draft" name="draft" required {
                @for name in drafts {
                    option value=(name) selected[*name == query.draft] { (name) }
                }
            }
            label for="from" { (tr_in!(lang, "console-what-if-from")) }
            input id="from" name="from" value=(query.from) required dir="ltr" placeholder="1403-10-01";
            label for="to" { (tr_in!(lang, "console-what-if-to")) }
            input id="to" name="to" value=(query.to) required dir="ltr" placeholder="1403-10-30";
            button type="submit" { (tr_in!(lang, "console-what-if-run")) }
        }
    }
}
