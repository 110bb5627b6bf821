//! What every console page has: the signed-in key ([`Ctx`]), the language, the layout
//! ([`layout`]) and the refusals ([`PageError`]), so a page file holds only its content.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup, DOCTYPE};

use super::session::{self, SignedIn};
use super::Shared;
use crate::locale::Lang;
use crate::policy::Policy;
use crate::serve::clubs::Club;
use crate::serve::keys::Role;

/// A signed-in request to a console page.
pub struct Ctx {
    pub signed_in: SignedIn,
    /// The language asked for by `?lang=` or kept in the language cookie, if any.
    chosen: Option<Lang>,
    /// The browser's language (`Accept-Language`), else English.
    browser: Lang,
    /// `?lang=` was given: the answer keeps it in a cookie.
    remember: Option<Lang>,
    /// Whether the request came over TLS (for the cookie's `Secure`).
    headers: HeaderMap,
    /// The path and query asked for, to come back to after a language switch.
    pub path: String,
}

impl Ctx {
    /// The page's language: the one asked for, else the club's (`language:`), else the
    /// browser's.
    pub fn lang(&self, policy: Option<&Policy>) -> Lang {
        self.chosen
            .or_else(|| policy.and_then(|p| p.club.language))
            .unwrap_or(self.browser)
    }

    /// The club `id`, if this key may see it: a club it does not name is "not found",
    /// exactly as one that does not exist, so nothing is said about other clubs.
    pub fn club(&self, console: &Shared, id: &str) -> Result<Arc<Club>, PageError> {
        if !self.signed_in.grant.may_use(id) {
            return Err(PageError::NotFound);
        }
        console.app.registry.club(id).ok_or(PageError::NotFound)
    }

    /// Refuses unless the key may do what `role` may in `club`.
    pub fn require(&self, club: &str, role: Role) -> Result<(), PageError> {
        match self.signed_in.grant.role_in(club) {
            Some(held) if held >= role => Ok(()),
            Some(held) => Err(PageError::Role { held, needed: role }),
            None => Err(PageError::NotFound),
        }
    }

    /// Whether the key may do what `role` may in `club` (to show a form or not).
    pub fn may(&self, club: &str, role: Role) -> bool {
        self.signed_in.grant.may(club, role)
    }

    /// Refuses a write whose form did not carry this session's CSRF token.
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if self.signed_in.csrf_matches(sent) {
            Ok(())
        } else {
            Err(PageError::Csrf)
        }
    }

    /// The hidden field every form that writes carries.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.signed_in.csrf); }
    }

    /// Adds the language cookie when `?lang=` chose one.
    pub fn finish(&self, mut response: Response) -> Response {
        if let Some(lang) = self.remember {
            if let Ok(value) =
                HeaderValue::from_str(&session::language_cookie(lang.code(), &self.headers))
            {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }
}

impl FromRequestParts<Shared> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, console: &Shared) -> Result<Ctx, Response> {
        let path = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let Some(signed_in) = console
            .sessions
            .signed_in(&console.app.keys, &parts.headers)
        else {
            let next = form_urlencoded(&path);
            return Err(Redirect::to(&format!("/sign-in?next={next}")).into_response());
        };
        let asked = asked_language(parts.uri.query());
        let kept = session::cookie(&parts.headers, session::LANGUAGE_COOKIE).and_then(Lang::parse);
        Ok(Ctx {
            signed_in,
            chosen: asked.or(kept),
            browser: browser_language(&parts.headers),
            remember: asked,
            headers: parts.headers.clone(),
            path,
        })
    }
}

/// `?lang=fa` in a query string.
pub fn asked_language(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "lang")
        .and_then(|(_, value)| Lang::parse(value))
}

/// The first language of `Accept-Language` that the console speaks, else English.
pub fn browser_language(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .into_iter()
        .flat_map(|v| v.split(','))
        .filter_map(|item| Lang::parse(item.split(';').next().unwrap_or("").trim()))
        .next()
        .unwrap_or(Lang::En)
}

/// `text` for a query string's value.
pub fn form_urlencoded(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|pair| pair.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// The console's sections, for the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Clubs,
    Overview,
    Members,
    Try,
    Policy,
    WhatIf,
}

/// A page: its title, the club it is about (if any), and its content.
pub struct Page<'a> {
    pub lang: Lang,
    pub title: String,
    pub club: Option<&'a Club>,
    pub section: Section,
    pub body: Markup,
}

/// The whole HTML document around a page's content: language and direction, the
/// navigation of the club, the language switch and the sign-out button.
pub fn layout(ctx: &Ctx, page: Page<'_>) -> Response {
    let lang = page.lang;
    let dir = if lang == Lang::Fa { "rtl" } else { "ltr" };
    let other = if lang == Lang::Fa { Lang::En } else { Lang::Fa };
    let switch = with_language(&ctx.path, other);
    let nav: Vec<(Section, String, String)> = match page.club {
        Some(club) => {
            let base = format!("/clubs/{}", club.id);
            vec![
                (
                    Section::Overview,
                    crate::tr_in!(lang, "console-nav-overview"),
                    base.clone(),
                ),
                (
                    Section::Members,
                    crate::tr_in!(lang, "console-nav-members"),
                    format!("{base}/members"),
                ),
                (
                    Section::Try,
                    crate::tr_in!(lang, "console-nav-try"),
                    format!("{base}/try"),
                ),
                (
                    Section::Policy,
                    crate::tr_in!(lang, "console-nav-policy"),
                    format!("{base}/policy"),
                ),
                (
                    Section::WhatIf,
                    crate::tr_in!(lang, "console-nav-what-if"),
                    format!("{base}/what-if"),
                ),
            ]
        }
        None => Vec::new(),
    };
    let club_name = page.club.map(|club| club.policy().club.name.clone());
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(dir) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (page.title) " · bashgah" }
                link rel="stylesheet" href="/console.css";
                // No icon to fetch: the browser would ask for /favicon.ico and log its 404.
                link rel="icon" href="data:,";
                script src="/console.js" defer {}
            }
            body {
                a class="skip" href="#main" { (crate::tr_in!(lang, "console-skip")) }
                header class="top" {
                    nav aria-label=(crate::tr_in!(lang, "console-nav-label")) {
                        a class="brand" href="/" { "bashgah" }
                        @if let (Some(club), Some(name)) = (page.club, &club_name) {
                            span class="club" { (name) " " span class="id" dir="ltr" { "(" (club.id) ")" } }
                            ul {
                                @for (section, label, href) in &nav {
                                    li {
                                        @if *section == page.section {
                                            a href=(href) aria-current="page" { (label) }
                                        } @else {
                                            a href=(href) { (label) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    div class="who" {
                        span { (crate::tr_in!(lang, "console-signed-in-as", name = ctx.signed_in.grant.name.as_str())) }
                        a href=(switch) lang=(other.code()) hreflang=(other.code()) { (crate::tr_in!(lang, "console-other-language")) }
                        form method="post" action="/sign-out" class="inline" {
                            (ctx.csrf_field())
                            button type="submit" { (crate::tr_in!(lang, "console-sign-out")) }
                        }
                    }
                }
                main id="main" {
                    h1 { (page.title) }
                    (page.body)
                }
            }
        }
    };
    ctx.finish(html_response(StatusCode::OK, markup))
}

/// [`layout`] answered with `status` (a page that says what is wrong with its form, 422;
/// a refusal).
pub fn layout_with_status(ctx: &Ctx, status: StatusCode, page: Page<'_>) -> Response {
    let mut response = layout(ctx, page);
    *response.status_mut() = status;
    response
}

/// `path` with its `lang` set to `lang`.
pub fn with_language(path: &str, lang: Lang) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
        .collect();
    let chosen = format!("lang={}", lang.code());
    pairs.push(&chosen);
    format!("{base}?{}", pairs.join("&"))
}

/// An HTML answer with the console's security headers.
pub fn html_response(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, markup.into_string()).into_response();
    let headers = response.headers_mut();
    let set = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Why a page cannot be shown.
#[derive(Debug)]
pub enum PageError {
    /// No such club or member, or one this key may not see: the same answer for both.
    NotFound,
    /// The key's role in the club is below what the action needs.
    Role { held: Role, needed: Role },
    /// A write without this session's CSRF token.
    Csrf,
    /// A form's value cannot be used: said next to the form.
    Invalid(String),
    /// The API's refusal, with its status and message.
    Refused { status: StatusCode, message: String },
}

impl PageError {
    /// The page that says so, in `lang`.
    pub fn page(&self, ctx: &Ctx, lang: Lang) -> Response {
        let (status, title, message) = match self {
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                crate::tr_in!(lang, "console-not-found"),
                crate::tr_in!(lang, "console-not-found-detail"),
            ),
            PageError::Role { held, needed } => (
                StatusCode::FORBIDDEN,
                crate::tr_in!(lang, "console-forbidden"),
                crate::tr_in!(
                    lang,
                    "console-needs-role",
                    held = role_name(lang, *held),
                    needed = role_name(lang, *needed)
                ),
            ),
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                crate::tr_in!(lang, "console-forbidden"),
                crate::tr_in!(lang, "console-csrf"),
            ),
            PageError::Invalid(message) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                crate::tr_in!(lang, "console-invalid"),
                message.clone(),
            ),
            PageError::Refused { status, message } => (
                *status,
                crate::tr_in!(lang, "console-refused"),
                message.clone(),
            ),
        };
        let body = html! {
            p class="problem" role="alert" { (message) }
            p { a href="/" { (crate::tr_in!(lang, "console-back-to-clubs")) } }
        };
        layout_with_status(
            ctx,
            status,
            Page {
                lang,
                title,
                club: None,
                section: Section::Clubs,
                body,
            },
        )
    }
}

impl From<crate::serve::api::ApiError> for PageError {
    fn from(error: crate::serve::api::ApiError) -> PageError {
        match error.status() {
            StatusCode::NOT_FOUND | StatusCode::FORBIDDEN if error.code() == "wrong_club" => {
                PageError::NotFound
            }
            status => PageError::Refused {
                status,
                message: error.message().to_owned(),
            },
        }
    }
}

/// A role's name, with what it may do, in `lang`.
pub fn role_name(lang: Lang, role: Role) -> String {
    match role {
        Role::Viewer => crate::tr_in!(lang, "console-role-viewer"),
        Role::Till => crate::tr_in!(lang, "console-role-till"),
        Role::Operator => crate::tr_in!(lang, "console-role-operator"),
        Role::Admin => crate::tr_in!(lang, "console-role-admin"),
    }
}
