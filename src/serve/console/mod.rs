//! The club console (issue 16): web pages for the people who run a club, served by
//! `bashgah serve` at `/` beside the API.
//!
//! Pages are rendered on the server with `maud` (which escapes every value it is given);
//! there is no JavaScript build step, and the little script there is lives in
//! `console.js`. Everything a page shows comes from the same functions that back the
//! API's routes (so an integrator can build the same screens from the OpenAPI document),
//! and every write goes through the API's write path.
//!
//! - [`session`]: signing in with an API key, the session cookie and the CSRF token;
//! - [`page`]: what every page has: who is signed in, the language, the layout, errors;
//! - [`format`]: points, money and dates as the club and the language write them;
//! - [`sign_in`]: the sign-in and sign-out pages and the list of clubs;
//! - [`overview`]: the club at a glance, with charts and tables;
//! - [`policy`]: the live policy, its versions and the diff between two;
//! - [`try_purchase`]: a purchase tried under the live version and a draft, nothing written;
//! - [`what_if`]: a draft simulated over a period of the club's history.
//! - [`members`]: the member search and a member's statement; [`member_actions`]: the
//!   forms that adjust, redeem and convert;
//! - [`event`]: an event's explanation.
//!
//! One file a page after that; [`routes`] lists them all.

pub mod event;
pub mod format;
pub mod member_actions;
pub mod members;
pub mod overview;
pub mod page;
pub mod policy;
pub mod session;
pub mod sign_in;
pub mod try_purchase;
pub mod what_if;

use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;

use super::api::App;
use session::Sessions;

/// What the console's handlers share: the API's state and the signed-in sessions.
pub struct Console {
    pub app: Arc<App>,
    pub sessions: Sessions,
}

/// The console's shared state, as handlers take it.
pub type Shared = Arc<Console>;

/// The stylesheet, built into the binary.
const STYLE: &str = include_str!("console.css");
/// The little script the pages use (confirmations, nothing a page needs to work).
const SCRIPT: &str = include_str!("console.js");

/// Every page of the console.
fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(sign_in::home))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/clubs/{club}", get(overview::page))
        .route("/clubs/{club}/policy", get(policy::show))
        .route("/clubs/{club}/policy/diff", get(policy::diff))
        .route("/clubs/{club}/try", get(try_purchase::page))
        .route("/clubs/{club}/what-if", get(what_if::page))
        .route("/clubs/{club}/members", get(members::search))
        .route("/clubs/{club}/members/{member}", get(members::member))
        .route(
            "/clubs/{club}/members/{member}/adjust",
            post(member_actions::adjust),
        )
        .route(
            "/clubs/{club}/members/{member}/redeem",
            post(member_actions::redeem),
        )
        .route(
            "/clubs/{club}/members/{member}/convert",
            post(member_actions::convert),
        )
        .route("/clubs/{club}/events/{event}", get(event::explanation))
        .route("/console.css", get(style))
        .route("/console.js", get(script))
}

/// The console's router, with the API's routes (`api`, made by
/// [`crate::serve::api::routes_only`]) beside it: a path neither knows is answered in
/// JSON under `/v1/` and as the console's own page elsewhere.
pub fn router(app: Arc<App>, api: Router) -> Router {
    let console = Arc::new(Console {
        app,
        sessions: Sessions::default(),
    });
    routes().fallback(not_found).with_state(console).merge(api)
}

/// A path nobody serves: the console's "not found" in the reader's language under the
/// console's `/clubs/` (after signing in, so it says nothing to others), else the API's
/// JSON answer for programs.
async fn not_found(
    uri: axum::http::Uri,
    ctx: Result<page::Ctx, axum::response::Response>,
) -> axum::response::Response {
    let path = uri.path();
    if !(path == "/clubs" || path.starts_with("/clubs/")) {
        return crate::serve::api::not_found_answer();
    }
    match ctx {
        Ok(ctx) => page::PageError::NotFound.page(&ctx, ctx.lang(None)),
        Err(sign_in_first) => sign_in_first,
    }
}

async fn style() -> impl IntoResponse {
    asset("text/css; charset=utf-8", STYLE)
}

async fn script() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

fn asset(media_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
}
