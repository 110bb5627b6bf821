//! An event's explanation (`/clubs/{club}/events/{event}`): what `bashgah explain` shows
//! for an event the ledger holds, from the same function as the API's
//! `GET /v1/clubs/{club}/events/{event}/explanation`.

use axum::extract::{Path, State};
use axum::response::Response;

use super::page::{Ctx, PageError};
use super::Shared;

/// `GET /clubs/{club}/events/{event}`.
pub async fn explanation(
    ctx: Ctx,
    State(console): State<Shared>,
    Path((club, _event)): Path<(String, String)>,
) -> Response {
    let lang = match ctx.club(&console, &club) {
        Ok(found) => ctx.lang(Some(&found.policy())),
        Err(refusal) => return refusal.page(&ctx, ctx.lang(None)),
    };
    PageError::NotFound.page(&ctx, lang)
}
