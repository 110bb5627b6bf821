//! Signing in and out, and the list of the clubs a key may see (the console's home).

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use super::page::{self, html_response, layout, Ctx, Page, PageError, Section};
use super::session;
use super::Shared;
use crate::locale::Lang;

/// `/sign-in`'s query: where to go after.
#[derive(Debug, Deserialize)]
pub struct Next {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    key: String,
    #[serde(default)]
    next: Option<String>,
}

/// The sign-out form's fields.
#[derive(Debug, Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

/// Only a path of this site: `/clubs/cafe`, never `//elsewhere` or `https://...`.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => "/",
    }
}

/// The language of a page nobody has signed in to yet.
fn anonymous_language(headers: &HeaderMap, asked: Option<&str>) -> Lang {
    asked
        .and_then(Lang::parse)
        .or_else(|| session::cookie(headers, session::LANGUAGE_COOKIE).and_then(Lang::parse))
        .unwrap_or_else(|| page::browser_language(headers))
}

/// A form posted from another site (the browser says so in `Sec-Fetch-Site`).
fn cross_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site")
}

fn sign_in_page(lang: Lang, next: &str, problem: Option<String>) -> Markup {
    let dir = if lang == Lang::Fa { "rtl" } else { "ltr" };
    let other = if lang == Lang::Fa { Lang::En } else { Lang::Fa };
    html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(dir) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (crate::tr_in!(lang, "console-sign-in-title")) " · bashgah" }
                link rel="stylesheet" href="/console.css";
                // No icon to fetch: the browser would ask for /favicon.ico and log its 404.
                link rel="icon" href="data:,";
            }
            body {
                main id="main" class="narrow" {
                    h1 { (crate::tr_in!(lang, "console-sign-in-title")) }
                    p { (crate::tr_in!(lang, "console-sign-in-intro")) }
                    @if let Some(problem) = problem {
                        p class="problem" role="alert" id="sign-in-problem" { (problem) }
                    }
                    form method="post" action="/sign-in" {
                        input type="hidden" name="next" value=(next);
                        label for="key" { (crate::tr_in!(lang, "console-key-label")) }
                        input id="key" name="key" type="password" autocomplete="current-password" required dir="ltr";
                        button type="submit" { (crate::tr_in!(lang, "console-sign-in")) }
                    }
                    p { a href=(format!("/sign-in?lang={}&next={}", other.code(), page::form_urlencoded(next))) lang=(other.code()) { (crate::tr_in!(lang, "console-other-language")) } }
                }
            }
        }
    }
}

/// `GET /sign-in`.
pub async fn form(headers: HeaderMap, Query(query): Query<Next>) -> Response {
    let lang = anonymous_language(&headers, query.lang.as_deref());
    let next = safe_next(query.next.as_deref());
    let mut response = html_response(StatusCode::OK, sign_in_page(lang, next, None));
    if let Some(asked) = query.lang.as_deref().and_then(Lang::parse) {
        if let Ok(value) = HeaderValue::from_str(&session::language_cookie(asked.code(), &headers))
        {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// `POST /sign-in`: a known key starts a session and goes on to `next`.
pub async fn submit(
    State(console): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let lang = anonymous_language(&headers, None);
    let next = safe_next(form.next.as_deref()).to_owned();
    if cross_site(&headers) {
        let problem = crate::tr_in!(lang, "console-csrf");
        return html_response(
            StatusCode::FORBIDDEN,
            sign_in_page(lang, &next, Some(problem)),
        );
    }
    match console.sessions.sign_in(&console.app.keys, &form.key) {
        Some(token) => {
            tracing::info!(key = %console.app.keys.grant(form.key.trim()).map(|g| g.name).unwrap_or_default(), "console: signed in");
            let mut response = Redirect::to(&next).into_response();
            if let Ok(value) = HeaderValue::from_str(&session::session_cookie(&token, &headers)) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        None => {
            let problem = crate::tr_in!(lang, "console-unknown-key");
            html_response(
                StatusCode::UNAUTHORIZED,
                sign_in_page(lang, &next, Some(problem)),
            )
        }
    }
}

/// `POST /sign-out`: ends the session (with its CSRF token: no other page can sign you out).
pub async fn sign_out(
    ctx: Ctx,
    headers: HeaderMap,
    State(console): State<Shared>,
    Form(form): Form<SignOutForm>,
) -> Response {
    if let Err(refusal) = ctx.check_csrf(&form.csrf) {
        return refusal.page(&ctx, ctx.lang(None));
    }
    console.sessions.sign_out(&ctx.signed_in);
    let mut response = Redirect::to("/sign-in").into_response();
    if let Ok(value) = HeaderValue::from_str(&session::cleared_cookie(&headers)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// `GET /`: the clubs this key may see, each with the key's role in it.
pub async fn home(ctx: Ctx, State(console): State<Shared>) -> Response {
    let lang = ctx.lang(None);
    let mut clubs: Vec<_> = console
        .app
        .registry
        .all()
        .into_iter()
        .filter_map(|club| {
            let role = ctx.signed_in.grant.role_in(&club.id)?;
            Some((club, role))
        })
        .collect();
    clubs.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    if clubs.is_empty() {
        return PageError::NotFound.page(&ctx, lang);
    }
    let body = html! {
        table class="list" {
            caption { (crate::tr_in!(lang, "console-clubs-caption")) }
            thead { tr { th scope="col" { (crate::tr_in!(lang, "console-club")) } th scope="col" { (crate::tr_in!(lang, "console-club-id")) } th scope="col" { (crate::tr_in!(lang, "console-role")) } } }
            tbody {
                @for (club, role) in &clubs {
                    tr {
                        td { a href=(format!("/clubs/{}", club.id)) { (club.policy().club.name) } }
                        td dir="ltr" { (club.id) }
                        td { (page::role_name(lang, *role)) }
                    }
                }
            }
        }
    };
    layout(
        &ctx,
        Page {
            lang,
            title: crate::tr_in!(lang, "console-clubs-title"),
            club: None,
            section: Section::Clubs,
            body,
        },
    )
}
