//! A member read back: profile, balances, lots, tier and its history, deals, challenges,
//! badges and the statement — what `bashgah member` prints and the HTTP API returns.

use serde::Serialize;

use crate::ledger::{Balances, Ledger, LedgerError, Lot, MemberSummary, StatementLine};
use crate::policy::Policy;

/// A member as `member --json` and the HTTP API show them.
#[derive(Serialize, schemars::JsonSchema)]
pub struct MemberReport {
    club: String,
    points_name: String,
    /// The time balances are given for.
    at: String,
    /// True when `at` is past the ledger's clock and the view shows what the clock will
    /// have done by then (expiry, reviews, deal checkpoints): a projection, not yet in the
    /// ledger.
    projected: bool,
    member: MemberSummary,
    deals: Vec<crate::member::DealStatus>,
    checkpoints: Vec<crate::ledger::Checkpoint>,
    tier: Option<String>,
    tier_changes: Vec<crate::ledger::TierChange>,
    balances: Balances,
    lots: Vec<Lot>,
    /// Unspent points by the date they expire, soonest first.
    expiring: Vec<Expiring>,
    /// Progress in the club's challenges, latest period first.
    challenges: Vec<crate::ledger::ChallengeProgress>,
    badges: Vec<String>,
    statement: Vec<StatementLine>,
}

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
    pub statement: Vec<StatementLine>,
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
            statement: then.statement,
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
            statement: ledger.statement(id)?,
            summary,
            at,
            projected: false,
        }))
    }
}

/// The member as JSON: `bashgah member --json` and the HTTP API give the same document.
pub fn report(policy: &Policy, view: MemberView) -> MemberReport {
    let expiring = view.expiring();
    MemberReport {
        club: policy.club.id.clone(),
        points_name: policy.club.points.name.clone(),
        at: crate::time::stored(view.at),
        projected: view.projected,
        member: view.summary,
        deals: view.deals,
        checkpoints: view.checkpoints,
        tier: view.tier,
        tier_changes: view.tier_changes,
        balances: view.balances,
        expiring,
        challenges: view.challenges,
        badges: view.badges,
        lots: view.lots,
        statement: view.statement,
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
