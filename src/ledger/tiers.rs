//! Tier changes in the ledger: a member's standing over the tier window, upgrades as soon
//! as they qualify, and reviews (the only time a member moves down). Every change is an
//! event (`tier:<member>:<time>`) with a row in `tier_changes` saying why.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;
use serde::Serialize;

use super::store::{Ledger, LedgerError};
use crate::engine::tiers::{self, Standing};
use crate::engine::MemberState;
use crate::policy::Policy;
use crate::time::stored;

type Result<T> = std::result::Result<T, LedgerError>;

/// A tier change as the member view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierChange {
    pub time: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: String,
}

fn tier_name(policy: &Policy, index: Option<usize>) -> String {
    index.map_or("no tier".to_owned(), |i| policy.club.tiers[i].id.clone())
}

impl Ledger {
    /// The member's purchases, returns and earned points from `from` (or ever) to
    /// before `to`.
    pub fn standing(
        &self,
        member: &str,
        from: Option<DateTime<Utc>>,
        to: DateTime<Utc>,
    ) -> Result<Standing> {
        let from = from.map(stored).unwrap_or_default();
        let to = stored(to);
        let mut standing = Standing::default();
        let mut events = self.connection().prepare_cached(
            "SELECT type, amount FROM events WHERE member = ?1 AND time >= ?2 AND time < ?3 AND type IN ('purchase', 'return')",
        )?;
        for row in events.query_map(params![member, from, to], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (kind, amount) = row?;
            let amount: Decimal = amount
                .parse()
                .map_err(|_| LedgerError::corrupt("an event amount is not a number"))?;
            if kind == "purchase" {
                standing.spend += amount;
                standing.visits += 1;
            } else {
                standing.spend -= amount;
            }
        }
        let mut points = self.connection().prepare_cached(
            "SELECT l.points FROM events e JOIN ledger l ON l.event = e.id
             WHERE e.member = ?1 AND l.member = ?1 AND l.time >= ?2 AND l.time < ?3 AND l.kind IN ('earn', 'reverse')",
        )?;
        for row in points.query_map(params![member, from, to], |r| r.get::<_, String>(0))? {
            let value: Decimal = row?
                .parse()
                .map_err(|_| LedgerError::corrupt("ledger points are not a number"))?;
            standing.points += value;
        }
        Ok(standing)
    }

    /// Records a move of `member` to tier `to` at `at`, for `reason`.
    pub fn change_tier(
        &self,
        policy: &Policy,
        member: &mut MemberState,
        to: Option<usize>,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<()> {
        let time = stored(at);
        let base = format!("tier:{}:{time}", member.id);
        let mut id = base.clone();
        let mut n = 1;
        while self
            .connection()
            .prepare_cached("SELECT 1 FROM events WHERE id = ?1")?
            .query_row([&id], |_| Ok(()))
            .optional()?
            .is_some()
        {
            n += 1;
            id = format!("{base}:{n}");
        }
        let new = to.map(|i| policy.club.tiers[i].id.clone());
        self.connection()
            .prepare_cached(
                "INSERT INTO events (id, member, type, time, amount, fingerprint, policy_version) VALUES (?1, ?2, 'tier', ?3, '0', ?1, ?4)",
            )?
            .execute(params![id, member.id, time, policy.id])?;
        self.connection()
            .prepare_cached("INSERT INTO tier_changes (member, event, time, from_tier, to_tier, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![member.id, id, time, member.tier, new, reason])?;
        let had_tier = member.tier.is_some();
        member.tier = new.clone();
        // Entering the lowest tier on joining is not news; every later change is.
        if let Some(tier) = new.filter(|_| had_tier || to.is_some_and(|i| i > 0)) {
            let occasion = crate::messaging::Occasion::new("tier_changed", id, at)
                .with("tier", crate::messaging::Value::Text(tier));
            self.happen(
                policy,
                member,
                crate::engine::EventType::TierChanged,
                occasion,
            )?;
        }
        Ok(())
    }

    /// Runs the tier reviews due for `member` up to `to`. Returns how many changed the tier.
    pub fn run_tier_reviews(
        &self,
        policy: &Policy,
        member: &mut MemberState,
        to: DateTime<Utc>,
    ) -> Result<u64> {
        if policy.club.tiers.is_empty() || member.tier.is_none() {
            return Ok(0);
        }
        let mut changes = 0;
        let start = member
            .tier_reviewed_at
            .unwrap_or_else(|| crate::engine::start_of_day(policy, member.joined));
        let mut at = tiers::next_review(policy, start);
        while at <= to {
            // The window that ends with the period just closed.
            let from = tiers::window_start(policy, member, at - chrono::Duration::seconds(1));
            let standing = self.standing(&member.id, from, at)?;
            let value = tiers::metric(policy, member, &standing).map_err(LedgerError::corrupt)?;
            let qualified = tiers::qualified(policy, &member.member_type, value);
            let current = tiers::tier_index(policy, member.tier.as_deref());
            if qualified >= current {
                // Requalified in the period just closed: with keep_next_period the tier holds
                // through the next one, until the review that closes it.
                member.tier_valid_until = Some(tiers::next_review(policy, at));
            }
            if let Some(new) = tiers::review(policy, member, current, qualified, at) {
                let reason = format!(
                    "review: {} {} over {} qualifies for {}",
                    crate::amount::grouped(value),
                    metric_unit(policy),
                    policy.club.tiering.window,
                    tier_name(policy, qualified)
                );
                self.change_tier(policy, member, new, at, &reason)?;
                changes += 1;
            }
            member.tier_reviewed_at = Some(at);
            at = tiers::next_review(policy, at);
        }
        Ok(changes)
    }

    /// The member's tier changes, oldest first.
    pub fn tier_changes(&self, member: &str) -> Result<Vec<TierChange>> {
        let mut statement = self
            .connection()
            .prepare_cached("SELECT time, from_tier, to_tier, reason FROM tier_changes WHERE member = ?1 ORDER BY seq")?;
        let rows = statement.query_map([member], |r| {
            Ok(TierChange {
                time: r.get(0)?,
                from: r.get(1)?,
                to: r.get(2)?,
                reason: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// What the club's tier metric counts, for reasons: `IRR spent`, `points earned`, `visits`.
pub fn metric_unit(policy: &Policy) -> String {
    match policy.club.tiering.metric {
        crate::club::TierMetric::Spend => format!("{} spent", policy.club.currency),
        crate::club::TierMetric::Points => format!("{} earned", policy.club.points.name),
        crate::club::TierMetric::Visits => "visits".into(),
        crate::club::TierMetric::Balance => format!("{} in balance", policy.club.points.name),
        crate::club::TierMetric::Function => "score".into(),
    }
}
