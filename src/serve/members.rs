//! What the API and the console both do with a club's members: list and search them, show
//! one (what `bashgah member` shows), explain one of their events (what `bashgah explain`
//! shows), and change their points by hand (adjust, redeem, convert). One function each, taking the key's grant, so that a page of the console and
//! a route of the API answer the same and write through the same path; the API's routes
//! (in [`super::api`]) read their requests and call these, the console's pages too.

use std::sync::Arc;

use axum::http::StatusCode;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::answers;
use super::clubs::Club;
use super::keys::{Grant, Role};
use super::request::{self, on_ledger, on_reader, unknown_member, ApiError, App};
use crate::ledger::{Ledger, LedgerError};
use crate::policy::Policy;
use crate::view::explanation::{self, Explanation, RebuildError};

/// The longest search text.
pub const MOST_SEARCHED: usize = 100;

/// How many members one page of a search reads at most: at a million members a search for
/// a rare text would otherwise read them all for one page (about ten seconds on SQLite);
/// this many take well under the console's 200 ms.
pub const SEARCH_BUDGET: u32 = 20_000;

/// Which members a list asks for.
#[derive(Debug, Clone, Default)]
pub struct MemberQuery {
    /// The `next` of the previous page; nothing for the first page.
    pub after: Option<String>,
    /// Members in the page.
    pub limit: u32,
    /// Only members whose id or a profile value holds this text.
    pub q: Option<String>,
}

/// The key's role in `club` must be at least `needed` (the API's routes check this before
/// their handler too; the console's forms call these functions directly).
fn require(grant: &Grant, club: &str, needed: Role) -> Result<(), ApiError> {
    match grant.role_in(club) {
        Some(held) if held < needed => Err(request::role_refusal(grant, club, held, needed)),
        _ => Ok(()),
    }
}

/// `GET /v1/clubs/{club}/members`: members in id order, a page at a time; `next` is the
/// `after` of the next page. With `q`, only members whose id or a profile value (name,
/// phone, email...) holds the text, ignoring case and whether its digits are Persian,
/// Arabic-Indic or ASCII; such a page reads at most [`SEARCH_BUDGET`] members, so it may
/// hold fewer than `limit` while `more` is true.
pub async fn list(
    app: &App,
    grant: &Grant,
    club: &str,
    query: MemberQuery,
) -> Result<answers::MemberPage, ApiError> {
    let club = request::club_for(app, grant, club)?;
    let limit = query.limit;
    let search = match query.q.as_deref().map(str::trim) {
        None => None,
        Some(text) if text.is_empty() || text.chars().count() > MOST_SEARCHED => {
            return Err(ApiError::unprocessable(
                "invalid_search",
                format!("`q` is 1 to {MOST_SEARCHED} characters"),
            )
            .field("q"))
        }
        Some(text) => Some(text.to_owned()),
    };
    let after = query.after.unwrap_or_default();
    on_reader(&club, move |ledger| {
        let Some(text) = &search else {
            // One more than asked says whether there is a next page.
            let mut members = ledger.member_page(&after, limit + 1)?;
            let more = members.len() > limit as usize;
            members.truncate(limit as usize);
            let next = members.last().map_or(after, |m| m.record.id.clone());
            return Ok(answers::MemberPage {
                members,
                next,
                more,
            });
        };
        let search = ledger.member_search(&after, text, limit, SEARCH_BUDGET)?;
        Ok(answers::MemberPage {
            more: search.read_to.is_some(),
            next: search
                .read_to
                .unwrap_or_else(|| search.found.last().map_or(after, |m| m.record.id.clone())),
            members: search.found,
        })
    })
    .await
}

/// `GET /v1/clubs/{club}/members/{member}`: the member as `bashgah member --json` shows
/// them.
pub async fn report(
    app: &App,
    grant: &Grant,
    club: &str,
    member: String,
) -> Result<crate::view::MemberReport, ApiError> {
    let club = request::club_for(app, grant, club)?;
    let policy = club.policy();
    let club_id = club.id.clone();
    on_reader(&club, move |ledger| {
        match crate::view::MemberView::read(ledger, &member, None, Some(&policy)) {
            Ok(Some(view)) => Ok(crate::view::report(&policy, view)),
            Ok(None) => Err(unknown_member(&member, &club_id)),
            Err(error) => Err(error.into()),
        }
    })
    .await
}

/// `GET /v1/clubs/{club}/events/{event}/explanation`: why an event the ledger holds
/// earned what it did, as `bashgah explain` shows it.
pub async fn explanation(
    app: &App,
    grant: &Grant,
    club: &str,
    event: String,
) -> Result<Explanation, ApiError> {
    let club = request::club_for(app, grant, club)?;
    let policy = club.policy();
    let club_id = club.id.clone();
    on_reader(&club, move |ledger| {
        match explanation::trace_stored(ledger, &policy, &event) {
            Ok(Some(traced)) => Ok(traced.explanation(&policy)),
            Ok(None) => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_event",
                format!("no event `{event}` in club `{club_id}`"),
            )),
            Err(RebuildError::Ledger(error)) => Err(error.into()),
            Err(RebuildError::NoFiles(version)) => Err(ApiError::internal(format!(
                "the ledger keeps no files of policy version {version}, which evaluated the event"
            ))),
            Err(RebuildError::Load(version, problems)) => Err(ApiError::internal(format!(
                "policy version {version}, which evaluated the event, no longer loads: {}",
                crate::diagnostic::render_all(&problems).trim_end()
            ))),
            Err(RebuildError::Io(error)) => Err(ApiError::internal(format!(
                "policy version of the event could not be rebuilt: {error}"
            ))),
        }
    })
    .await
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemBody {
    /// The reward's id in the club's catalogue.
    pub reward: String,
    /// Makes a retried request safe: the same id redeems once. Without one, every
    /// request redeems.
    pub id: Option<String>,
    /// When, in the club's calendar; default the club's clock (now if it has none).
    pub at: Option<String>,
    /// Spend the points of this group's pool instead of the member's own (`groups:` in
    /// club.yaml): the member's role in the group must allow it, within its monthly
    /// limit. The balance answered is then the pool's.
    pub group: Option<String>,
}

/// `POST …/members/{member}/redemptions` (a till of the club): spends the member's points
/// (or their group's pool's) on a reward.
pub async fn redeem(
    app: &App,
    grant: &Grant,
    club: &str,
    member: String,
    body: RedeemBody,
) -> Result<answers::Redeemed, ApiError> {
    let club = request::club_for(app, grant, club)?;
    require(grant, &club.id, Role::Till)?;
    let policy = club.policy();
    let given_at = request::given_time(&policy, body.at.as_deref())?;
    let club_id = club.id.clone();
    on_ledger(&club, move |ledger| {
        let result = (|| -> Result<Result<answers::Redeemed, ApiError>, LedgerError> {
            if ledger.member_summary(&member)?.is_none() {
                return Ok(Err(unknown_member(&member, &club_id)));
            }
            // The club's clock by default, as on the command line (a back-dated club's
            // "now" is where its events are); an id made unique unless the client gave
            // one, so two redemptions in one second are two.
            let at = match given_at {
                Some(at) => at,
                None => ledger.now()?.unwrap_or_else(chrono::Utc::now),
            };
            let id = match &body.id {
                Some(id) => id.clone(),
                None => ledger.unused_id(&format!(
                    "redeem:{member}:{}:{}",
                    body.reward,
                    crate::time::stored(at)
                ))?,
            };
            let redeemed = match &body.group {
                Some(group) => {
                    ledger.redeem_from_group(&policy, &id, &member, group, &body.reward, at)
                }
                None => ledger.redeem(&policy, &id, &member, &body.reward, at),
            };
            let redemption = match redeemed {
                Ok(redemption) => redemption,
                Err(crate::recording::ManualError::Refused(message)) => {
                    return Ok(Err(ApiError::unprocessable("refused", message)))
                }
                Err(crate::recording::ManualError::Ledger(error)) => return Err(error),
            };
            let balance = ledger.balances(body.group.as_deref().unwrap_or(&member), at)?;
            let status = match redemption.applied {
                crate::recording::Applied::Done => answers::RedemptionStatus::Redeemed,
                crate::recording::Applied::Duplicate => answers::RedemptionStatus::Duplicate,
            };
            Ok(Ok(answers::Redeemed {
                id,
                status,
                reward: body.reward.clone(),
                code: redemption.code,
                balance,
            }))
        })();
        (true, result.unwrap_or_else(|e| Err(e.into())))
    })
    .await
}

/// The reason, time and id of an adjustment, as a body gives them.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustBody {
    /// Why, kept with the entry.
    pub reason: String,
    /// Makes a retried request safe: the same id changes once.
    pub id: Option<String>,
    /// When, in the club's calendar; default the club's clock.
    pub at: Option<String>,
}

/// `POST …/members/{member}/adjustments` (an operator of the club): adds `points`, or
/// takes them with a negative number, for a reason.
pub async fn adjust(
    app: &App,
    grant: &Grant,
    club: &str,
    member: String,
    points: Decimal,
    body: AdjustBody,
) -> Result<answers::ChangeByHand, ApiError> {
    let club = request::club_for(app, grant, club)?;
    require(grant, &club.id, Role::Operator)?;
    let who = member.clone();
    by_hand(
        club,
        member.clone(),
        body.at,
        body.id,
        move |at| format!("adjust:{who}:{at}"),
        move |ledger, policy, id, at| ledger.adjust(policy, id, &member, points, &body.reason, at),
    )
    .await
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertBody {
    /// Makes a retried request safe: the same id converts once.
    pub id: Option<String>,
    /// When, in the club's calendar; default the club's clock.
    pub at: Option<String>,
}

/// `POST …/members/{member}/conversions` (a till of the club): turns `points` into credit
/// at the club's rate.
pub async fn convert(
    app: &App,
    grant: &Grant,
    club: &str,
    member: String,
    points: Decimal,
    body: ConvertBody,
) -> Result<answers::ChangeByHand, ApiError> {
    let club = request::club_for(app, grant, club)?;
    require(grant, &club.id, Role::Till)?;
    let who = member.clone();
    by_hand(
        club,
        member.clone(),
        body.at,
        body.id,
        move |at| format!("convert:{who}:{at}"),
        move |ledger, policy, id, at| ledger.convert(policy, id, &member, points, at),
    )
    .await
}

/// A change by hand to `member`'s points: made on the club's ledger thread at `at`
/// (default: the club's clock) under `id` (default: made from `base` and the time, unique
/// in the ledger), answered with what it did and the member's balances after.
pub async fn by_hand(
    club: Arc<Club>,
    member: String,
    at: Option<String>,
    id: Option<String>,
    base: impl FnOnce(&str) -> String + Send + 'static,
    change: impl FnOnce(
            &Ledger,
            &Policy,
            &str,
            chrono::DateTime<chrono::Utc>,
        ) -> Result<crate::recording::Applied, crate::recording::ManualError>
        + Send
        + 'static,
) -> Result<answers::ChangeByHand, ApiError> {
    let policy = club.policy();
    let given_at = request::given_time(&policy, at.as_deref())?;
    let club_id = club.id.clone();
    on_ledger(&club, move |ledger| {
        let result = (|| -> Result<Result<answers::ChangeByHand, ApiError>, LedgerError> {
            if ledger.member_summary(&member)?.is_none() {
                return Ok(Err(unknown_member(&member, &club_id)));
            }
            let at = match given_at {
                Some(at) => at,
                None => ledger.now()?.unwrap_or_else(chrono::Utc::now),
            };
            let id = match id {
                Some(id) => id,
                None => ledger.unused_id(&base(&crate::time::stored(at)))?,
            };
            let status = match change(ledger, &policy, &id, at) {
                Ok(crate::recording::Applied::Done) => answers::ByHandStatus::Done,
                Ok(crate::recording::Applied::Duplicate) => answers::ByHandStatus::Duplicate,
                Err(crate::recording::ManualError::Refused(message)) => {
                    return Ok(Err(ApiError::unprocessable("refused", message)))
                }
                Err(crate::recording::ManualError::Ledger(error)) => return Err(error),
            };
            Ok(Ok(answers::ChangeByHand {
                id,
                status,
                balance: ledger.balances(&member, at)?,
            }))
        })();
        (true, result.unwrap_or_else(|e| Err(e.into())))
    })
    .await
}
