//! Changing a member's points from their page: adjust (an operator: points and a reason),
//! redeem (a till: a reward of the club's catalogue) and convert (a till: points to
//! credit). Each form is shown only to a key whose role allows it, carries the session's
//! CSRF token and an idempotency id made when the form was drawn (so a double submit or a
//! reload applies once: the API's write path answers that id `duplicate`), and posts to a
//! handler that goes through the same functions as the API's routes
//! ([`crate::serve::members`]); after a write it sends the browser back to the member's
//! page with a confirmation.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::format;
use super::page::{form_urlencoded, Ctx, PageError};
use super::Shared;
use crate::locale::Lang;
use crate::policy::Policy;
use crate::serve::answers::{ByHandStatus, RedemptionStatus};
use crate::serve::keys::{self, Role};
use crate::serve::members::{self, AdjustBody, ConvertBody, RedeemBody};

/// A fresh idempotency id for a form: the write it makes is applied once, however often
/// the form is sent.
fn form_id() -> String {
    keys::generate()
        .map(|token| format!("console-{}", token.trim_start_matches("bk_")))
        .unwrap_or_default()
}

/// The member's page.
fn member_page(club: &str, member: &str) -> String {
    format!("/clubs/{club}/members/{}", form_urlencoded(member))
}

/// The forms the key may use on `member`'s page, none for a viewer.
pub fn forms(ctx: &Ctx, lang: Lang, policy: &Policy, member: &str) -> Markup {
    let club = policy.club.id.as_str();
    let base = member_page(club, member);
    let adjust = ctx.may(club, Role::Operator);
    let till = ctx.may(club, Role::Till);
    let convert = till && policy.club.credit.is_some();
    let redeem = till && !policy.club.rewards.is_empty();
    if !adjust && !redeem && !convert {
        return html! {};
    }
    html! {
        div class="columns" id="actions" {
            @if adjust {
                form id="adjust" method="post" action=(format!("{base}/adjust")) data-confirm=(crate::tr_in!(lang, "console-adjust-confirm")) {
                    h2 { (crate::tr_in!(lang, "console-adjust-title")) }
                    (ctx.csrf_field())
                    input type="hidden" name="id" value=(form_id());
                    label for="adjust-points" { (crate::tr_in!(lang, "console-adjust-points")) }
                    input id="adjust-points" name="points" required inputmode="decimal" dir="ltr";
                    label for="adjust-reason" { (crate::tr_in!(lang, "console-adjust-reason")) }
                    input id="adjust-reason" name="reason" required maxlength="500";
                    p { button type="submit" { (crate::tr_in!(lang, "console-adjust-submit")) } }
                }
            }
            @if redeem {
                form id="redeem" method="post" action=(format!("{base}/redeem")) {
                    h2 { (crate::tr_in!(lang, "console-redeem-title")) }
                    (ctx.csrf_field())
                    input type="hidden" name="id" value=(form_id());
                    label for="redeem-reward" { (crate::tr_in!(lang, "console-redeem-reward")) }
                    select id="redeem-reward" name="reward" required {
                        @for reward in &policy.club.rewards {
                            @let title = reward.title.get(lang.code()).or_else(|| reward.title.values().next()).cloned().unwrap_or_else(|| reward.id.clone());
                            option value=(reward.id) { (title) " — " (format::points(lang, reward.cost)) " " (policy.club.points.name) }
                        }
                    }
                    p { button type="submit" { (crate::tr_in!(lang, "console-redeem-submit")) } }
                }
            }
            @if convert {
                form id="convert" method="post" action=(format!("{base}/convert")) {
                    h2 { (crate::tr_in!(lang, "console-convert-title")) }
                    (ctx.csrf_field())
                    input type="hidden" name="id" value=(form_id());
                    label for="convert-points" { (crate::tr_in!(lang, "console-convert-points")) }
                    input id="convert-points" name="points" required inputmode="decimal" dir="ltr";
                    p { button type="submit" { (crate::tr_in!(lang, "console-convert-submit")) } }
                }
            }
        }
    }
}

/// The adjust form's fields.
#[derive(Debug, Deserialize)]
pub struct AdjustForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    reason: String,
}

/// The redeem form's fields.
#[derive(Debug, Deserialize)]
pub struct RedeemForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    reward: String,
}

/// The convert form's fields.
#[derive(Debug, Deserialize)]
pub struct ConvertForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    points: String,
}

/// What every form's handler checks first, in this order: the club is one the key may
/// see (else "not found"), the form came from this session (CSRF), and the key's role
/// allows the change. Answers the page's language, or the refusal's page.
fn admit(ctx: &Ctx, console: &Shared, club: &str, csrf: &str, role: Role) -> Result<Lang, Refusal> {
    let found = ctx
        .club(console, club)
        .map_err(|refusal| Refusal(refusal, ctx.lang(None)))?;
    let lang = ctx.lang(Some(&found.policy()));
    ctx.check_csrf(csrf)
        .and_then(|()| ctx.require(club, role))
        .map_err(|refusal| Refusal(refusal, lang))?;
    Ok(lang)
}

/// Why a form's post is refused, and the language to say it in.
struct Refusal(PageError, Lang);

impl Refusal {
    fn page(self, ctx: &Ctx) -> Response {
        self.0.page(ctx, self.1)
    }
}

/// Exact points as a form gives them (Persian digits too).
fn form_points(lang: Lang, text: &str) -> Result<Decimal, PageError> {
    crate::amount::parse_amount(&crate::digits::to_ascii(text.trim())).map_err(|_| {
        PageError::Invalid(crate::tr_in!(lang, "console-invalid-points", points = text))
    })
}

/// The idempotency id a form carried; a form without one (a hand-made post) gets a fresh
/// one, as an API request without `id` does.
fn given_id(id: String) -> Option<String> {
    Some(id).filter(|id| !id.trim().is_empty())
}

/// Back to the member's page, saying what was done.
fn done(club: &str, member: &str, what: &str) -> Response {
    Redirect::to(&format!("{}?done={what}", member_page(club, member))).into_response()
}

/// `POST /clubs/{club}/members/{id}/adjust` (an operator).
pub async fn adjust(
    ctx: Ctx,
    State(console): State<Shared>,
    Path((club, member)): Path<(String, String)>,
    Form(form): Form<AdjustForm>,
) -> Response {
    let lang = match admit(&ctx, &console, &club, &form.csrf, Role::Operator) {
        Ok(lang) => lang,
        Err(refusal) => return refusal.page(&ctx),
    };
    let points = match form_points(lang, &form.points) {
        Ok(points) => points,
        Err(refusal) => return refusal.page(&ctx, lang),
    };
    if form.reason.trim().is_empty() {
        return PageError::Invalid(crate::tr_in!(lang, "console-adjust-no-reason"))
            .page(&ctx, lang);
    }
    let body = AdjustBody {
        reason: form.reason.trim().to_owned(),
        id: given_id(form.id),
        at: None,
    };
    let grant = &ctx.signed_in.grant;
    match members::adjust(&console.app, grant, &club, member.clone(), points, body).await {
        Ok(answer) => done(&club, &member, by_hand_word(&answer.status, "adjusted")),
        Err(error) => PageError::from(error).page(&ctx, lang),
    }
}

/// `POST /clubs/{club}/members/{id}/redeem` (a till).
pub async fn redeem(
    ctx: Ctx,
    State(console): State<Shared>,
    Path((club, member)): Path<(String, String)>,
    Form(form): Form<RedeemForm>,
) -> Response {
    let lang = match admit(&ctx, &console, &club, &form.csrf, Role::Till) {
        Ok(lang) => lang,
        Err(refusal) => return refusal.page(&ctx),
    };
    let body = RedeemBody {
        reward: form.reward,
        id: given_id(form.id),
        at: None,
        group: None,
    };
    let grant = &ctx.signed_in.grant;
    match members::redeem(&console.app, grant, &club, member.clone(), body).await {
        Ok(answer) => done(
            &club,
            &member,
            match answer.status {
                RedemptionStatus::Redeemed => "redeemed",
                RedemptionStatus::Duplicate => "duplicate",
            },
        ),
        Err(error) => PageError::from(error).page(&ctx, lang),
    }
}

/// `POST /clubs/{club}/members/{id}/convert` (a till).
pub async fn convert(
    ctx: Ctx,
    State(console): State<Shared>,
    Path((club, member)): Path<(String, String)>,
    Form(form): Form<ConvertForm>,
) -> Response {
    let lang = match admit(&ctx, &console, &club, &form.csrf, Role::Till) {
        Ok(lang) => lang,
        Err(refusal) => return refusal.page(&ctx),
    };
    let points = match form_points(lang, &form.points) {
        Ok(points) => points,
        Err(refusal) => return refusal.page(&ctx, lang),
    };
    let body = ConvertBody {
        id: given_id(form.id),
        at: None,
    };
    let grant = &ctx.signed_in.grant;
    match members::convert(&console.app, grant, &club, member.clone(), points, body).await {
        Ok(answer) => done(&club, &member, by_hand_word(&answer.status, "converted")),
        Err(error) => PageError::from(error).page(&ctx, lang),
    }
}

/// The `done=` word of a change by hand: what it did, or `duplicate` for a known id.
fn by_hand_word<'a>(status: &ByHandStatus, did: &'a str) -> &'a str {
    match status {
        ByHandStatus::Done => did,
        ByHandStatus::Duplicate => "duplicate",
    }
}
