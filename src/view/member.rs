//! A member read back: profile, balances, lots, tier and its history, deals, challenges,
//! badges and the statement — what `bashgah member` prints and the HTTP API returns.

use serde::Serialize;

use crate::ledger::{Balances, Ledger, LedgerError, Lot, MemberSummary, StatementLine};
use crate::policy::Policy;

/// A member as `member --json` and the HTTP API show them. Every instant is ISO 8601 in
/// UTC, for programs; beside each, `…_local` is the day in the club's calendar and time
/// zone, as people read it (`1403-10-12`), so a till or a console shows what `member`
/// prints without converting calendars itself.
#[derive(Serialize, schemars::JsonSchema)]
pub struct MemberReport {
    pub club: String,
    pub points_name: String,
    /// The calendar the `…_local` days are in.
    pub calendar: crate::calendar::CalendarKind,
    /// The time balances are given for.
    pub at: String,
    pub at_local: String,
    /// True when `at` is past the ledger's clock and the view shows what the clock will
    /// have done by then (expiry, reviews, deal checkpoints): a projection, not yet in the
    /// ledger.
    pub projected: bool,
    pub member: MemberLine,
    pub deals: Vec<crate::member::DealStatus>,
    pub checkpoints: Vec<crate::ledger::Checkpoint>,
    pub tier: Option<String>,
    pub tier_changes: Vec<TierChangeLine>,
    pub balances: Balances,
    pub lots: Vec<LotLine>,
    /// Unspent points by the date they expire, soonest first.
    pub expiring: Vec<ExpiringLine>,
    /// Progress in the club's challenges, latest period first.
    pub challenges: Vec<crate::ledger::ChallengeProgress>,
    pub badges: Vec<String>,
    /// The member's places, entries and prizes in the club's contests, latest window
    /// first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contests: Vec<crate::contests::MemberContest>,
    pub statement: Vec<StatementEntry>,
    /// The latest messages to the member (at most 50), newest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<crate::ledger::export::MessageRecord>,
}

/// The member's profile, with their days in the club's calendar.
#[derive(Serialize, schemars::JsonSchema)]
pub struct MemberLine {
    #[serde(flatten)]
    pub summary: MemberSummary,
    pub joined_local: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday_local: Option<String>,
}

/// A lot, with the days it was earned and expires in the club's calendar.
#[derive(Serialize, schemars::JsonSchema)]
pub struct LotLine {
    #[serde(flatten)]
    pub lot: Lot,
    pub earned_local: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_local: Option<String>,
}

/// Points that expire together: when, and the last day they can still be spent.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ExpiringLine {
    #[serde(flatten)]
    pub expiring: Expiring,
    pub at_local: String,
    pub last_day_local: String,
}

/// A statement line, with its day in the club's calendar.
#[derive(Serialize, schemars::JsonSchema)]
pub struct StatementEntry {
    #[serde(flatten)]
    pub line: StatementLine,
    pub time_local: String,
}

/// A tier change, with its day in the club's calendar.
#[derive(Serialize, schemars::JsonSchema)]
pub struct TierChangeLine {
    #[serde(flatten)]
    pub change: crate::ledger::TierChange,
    pub time_local: String,
}

/// How many of a member's latest messages a view holds.
const MESSAGES_SHOWN: u32 = 50;

/// Points that expire together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Expiring {
    pub at: chrono::DateTime<chrono::Utc>,
    pub points: rust_decimal::Decimal,
}

/// Everything the member view shows.
pub struct MemberView {
    pub summary: MemberSummary,
    /// The tier the member reached themselves (`tier` may be higher, from a deal).
    pub own_tier: Option<String>,
    pub deals: Vec<crate::member::DealStatus>,
    pub checkpoints: Vec<crate::ledger::Checkpoint>,
    pub tier: Option<String>,
    pub tier_changes: Vec<crate::ledger::TierChange>,
    pub balances: Balances,
    pub lots: Vec<Lot>,
    pub challenges: Vec<crate::ledger::ChallengeProgress>,
    pub badges: Vec<String>,
    /// The member's part in the club's contests (current state: none in a view of the
    /// past).
    pub contests: Vec<crate::contests::MemberContest>,
    pub statement: Vec<StatementLine>,
    /// The latest messages to the member, newest first (the ledger's current state: none
    /// in a view of the past).
    pub messages: Vec<crate::ledger::export::MessageRecord>,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The view is a projection: `at` is past the clock, and the clock would change the
    /// member by then (nothing of it is in the ledger yet).
    pub projected: bool,
}

impl MemberView {
    /// Reads a member as at `at` (default: the ledger's clock, else now). With `policy`,
    /// the tier shown is the one whose benefits the member has (a deal may lift it), and a
    /// time past the clock is a projection: what the clock will have done for the member
    /// by then (expiry, reviews, deal checkpoints), worked out and read back without
    /// anything being kept.
    pub fn read(
        ledger: &Ledger,
        id: &str,
        at: Option<chrono::DateTime<chrono::Utc>>,
        policy: Option<&Policy>,
    ) -> Result<Option<MemberView>, LedgerError> {
        let clock = ledger.now()?;
        if let (Some(at), Some(now)) = (at, clock) {
            if at < now {
                return MemberView::read_then(ledger, id, at);
            }
        }
        let future = at
            .zip(policy)
            .filter(|(at, _)| clock.is_none_or(|now| *at > now));
        let Some((at, policy)) = future else {
            return MemberView::read_as_is(ledger, id, at, policy);
        };
        ledger.begin_projection()?;
        let view = (|| {
            let mut recorder = crate::recording::Recorder::new(ledger, policy);
            let projected = recorder.catch_up(id, at)?;
            recorder.finish()?;
            let view = MemberView::read_as_is(ledger, id, Some(at), Some(policy))?;
            Ok(view.map(|view| MemberView { projected, ..view }))
        })();
        ledger.end_projection()?;
        view
    }

    /// The member as they stood at `at`, before the ledger's clock: from the record
    /// ([`Ledger::member_then`]), not from their rows as they are now. Deals, challenges
    /// and badges are kept as current state only, so a past view leaves them out; deal
    /// checkpoints that had ended by then are shown.
    fn read_then(
        ledger: &Ledger,
        id: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<MemberView>, LedgerError> {
        let Some(then) = ledger.member_then(id, at)? else {
            return Ok(None);
        };
        let until = crate::time::stored(at);
        let checkpoints = ledger
            .deal_checkpoints(id)?
            .into_iter()
            .filter(|checkpoint| checkpoint.ends <= until)
            .collect();
        Ok(Some(MemberView {
            summary: then.summary,
            own_tier: then.tier.clone(),
            deals: Vec::new(),
            checkpoints,
            tier: then.tier,
            tier_changes: then.tier_changes,
            balances: then.balances,
            lots: then.lots,
            challenges: Vec::new(),
            badges: Vec::new(),
            contests: Vec::new(),
            statement: then.statement,
            messages: Vec::new(),
            at,
            projected: false,
        }))
    }

    /// The member as the ledger holds them now, balances counted at `at`.
    fn read_as_is(
        ledger: &Ledger,
        id: &str,
        at: Option<chrono::DateTime<chrono::Utc>>,
        policy: Option<&Policy>,
    ) -> Result<Option<MemberView>, LedgerError> {
        let Some(summary) = ledger.member_summary(id)? else {
            return Ok(None);
        };
        let at = match at {
            Some(at) => at,
            None => ledger.now()?.unwrap_or_else(chrono::Utc::now),
        };
        let state = ledger.member_state(id)?;
        let tier = state.as_ref().and_then(|m| m.tier.clone());
        let effective_tier = match (&state, policy) {
            (Some(member), Some(policy)) => {
                crate::engine::benefits::tier_of(policy, member).map(|t| t.id.clone())
            }
            _ => tier.clone(),
        };
        Ok(Some(MemberView {
            own_tier: tier,
            deals: state.map(|m| m.deals).unwrap_or_default(),
            checkpoints: ledger.deal_checkpoints(id)?,
            tier: effective_tier,
            tier_changes: ledger.tier_changes(id)?,
            balances: ledger.balances(id, at)?,
            lots: ledger.open_lots(id)?,
            challenges: ledger.challenge_progress(id)?,
            badges: ledger.badges(id)?,
            contests: match policy {
                Some(policy) if policy.club.contests.is_some() => {
                    crate::contests::member(ledger, policy, id)?
                }
                _ => Vec::new(),
            },
            statement: ledger.statement(id)?,
            messages: ledger.member_messages(id, MESSAGES_SHOWN)?,
            summary,
            at,
            projected: false,
        }))
    }
}

/// The member as JSON: `bashgah member --json` and the HTTP API give the same document.
pub fn report(policy: &Policy, view: MemberView) -> MemberReport {
    let expiring = view.expiring();
    let day = |at: chrono::DateTime<chrono::Utc>| policy.local_date(at);
    // A stored time or date, as the club's day; kept as it is if it is not one.
    let stored_day =
        |text: &str| crate::time::from_stored(text).map_or_else(|| text.to_owned(), &day);
    let date_day = |text: &str| {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_or_else(|_| text.to_owned(), |d| policy.club.calendar.format(d))
    };
    MemberReport {
        club: policy.club.id.clone(),
        points_name: policy.club.points.name.clone(),
        calendar: policy.club.calendar,
        at: crate::time::stored(view.at),
        at_local: day(view.at),
        projected: view.projected,
        member: MemberLine {
            joined_local: date_day(&view.summary.joined),
            birthday_local: view.summary.birthday.as_deref().map(date_day),
            summary: view.summary,
        },
        deals: view.deals,
        checkpoints: view.checkpoints,
        tier: view.tier,
        tier_changes: view
            .tier_changes
            .into_iter()
            .map(|change| TierChangeLine {
                time_local: stored_day(&change.time),
                change,
            })
            .collect(),
        balances: view.balances,
        expiring: expiring
            .into_iter()
            .map(|expiring| ExpiringLine {
                at_local: day(expiring.at),
                last_day_local: day(expiring.at - chrono::Duration::seconds(1)),
                expiring,
            })
            .collect(),
        challenges: view.challenges,
        badges: view.badges,
        contests: view.contests,
        lots: view
            .lots
            .into_iter()
            .map(|lot| LotLine {
                earned_local: day(lot.earned_at),
                expires_local: lot.expires_at.map(day),
                lot,
            })
            .collect(),
        messages: view.messages,
        statement: view
            .statement
            .into_iter()
            .map(|line| StatementEntry {
                time_local: stored_day(&line.time),
                line,
            })
            .collect(),
    }
}

impl MemberView {
    /// Unspent points by expiry date, soonest first (only what has not expired yet).
    pub fn expiring(&self) -> Vec<Expiring> {
        let mut expiring: Vec<Expiring> = Vec::new();
        for lot in &self.lots {
            let Some(at) = lot.expires_at.filter(|e| *e > self.at) else {
                continue;
            };
            match expiring.iter_mut().find(|e| e.at == at) {
                Some(found) => found.points += lot.remaining,
                None => expiring.push(Expiring {
                    at,
                    points: lot.remaining,
                }),
            }
        }
        expiring.sort_by_key(|e| e.at);
        expiring
    }
}
