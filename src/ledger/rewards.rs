//! Spending points: redeeming a reward from the catalogue, and turning points into credit.
//!
//! Each is one transaction that checks everything first (the reward exists and is valid
//! today, stock, the member's limit and type, points that can be spent now) and then
//! writes the spend. Because writes take the database lock at `BEGIN IMMEDIATE`, two
//! redemptions racing for the same last points or the same last item are serialised: the
//! second one sees the first one's spend and is refused.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::manual::{Applied, ManualError};
use super::store::Ledger;
use crate::club::{RewardDefinition, RewardKind};
use crate::engine::{Award, EntryKind, Event, EventType, Outcome};
use crate::policy::Policy;
use crate::time::stored;

/// A redemption done (or found already done): its code, if the reward has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redemption {
    pub applied: Applied,
    pub code: Option<String>,
}

fn refuse<T>(message: impl Into<String>) -> Result<T, ManualError> {
    Err(ManualError::Refused(message.into()))
}

/// A code for a redemption: ten characters from a hash of the club and the redemption,
/// so that a replay of the same ledger issues the same codes.
fn code_for(club: &str, event: &str, attempt: u32) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let digest = Sha256::digest(format!("{club}\u{0}{event}\u{0}{attempt}"));
    let chars: String = digest
        .iter()
        .take(10)
        .map(|b| ALPHABET[usize::from(b % 32)] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

impl Ledger {
    fn spendable(
        &self,
        policy: &Policy,
        member: &str,
        points: Decimal,
        at: DateTime<Utc>,
    ) -> Result<(), ManualError> {
        let available = self.balances(member, at)?.available;
        if available < points {
            return refuse(format!(
                "member `{member}` has {} {} available, fewer than the {} needed",
                available.normalize(),
                policy.club.points.name,
                points.normalize()
            ));
        }
        Ok(())
    }

    /// Redeems `reward` for `member`.
    pub fn redeem(
        &self,
        policy: &Policy,
        id: &str,
        member: &str,
        reward: &str,
        at: DateTime<Utc>,
    ) -> Result<Redemption, ManualError> {
        let Some(definition) = policy.club.rewards.iter().find(|r| r.id == reward) else {
            let known: Vec<&str> = policy.club.rewards.iter().map(|r| r.id.as_str()).collect();
            let hint = match crate::diagnostic::did_you_mean(reward, known.iter().copied()) {
                Some(near) => format!("; did you mean `{near}`?"),
                None if known.is_empty() => "; the club has no rewards".to_owned(),
                None => format!("; rewards: {}", known.join(", ")),
            };
            return refuse(format!(
                "no reward `{reward}` in club `{}`{hint}",
                policy.club.id
            ));
        };
        let event = Event::manual(
            id,
            member,
            EventType::Redemption,
            definition.cost,
            at,
            BTreeMap::from([("reward".to_owned(), reward.to_owned())]),
        );
        match self.lookup_event(id)? {
            super::EventLookup::Absent => {}
            super::EventLookup::Present { fingerprint } if fingerprint == event.fingerprint() => {
                let code: Option<String> = self
                    .connection()
                    .query_row("SELECT code FROM redemptions WHERE event = ?1", [id], |r| {
                        r.get(0)
                    })
                    .optional()?
                    .flatten();
                return Ok(Redemption {
                    applied: Applied::Duplicate,
                    code,
                });
            }
            super::EventLookup::Present { .. } => {
                return refuse(format!(
                    "event `{id}` is already in the ledger with different content"
                ));
            }
        }
        let mut state = self.member_now(policy, member, at)?;
        self.check_reward(policy, definition, &state, at)?;
        self.spendable(policy, member, definition.cost, at)?;

        let title = definition
            .title
            .values()
            .next()
            .cloned()
            .unwrap_or_else(|| reward.to_owned());
        let outcome = Outcome {
            policy_version: policy.id.clone(),
            when_spent: policy.club.points.when_spent,
            awards: vec![Award {
                rule: "redeem".into(),
                points: -definition.cost,
                reason: format!("redeemed `{reward}`: {title}"),
                policy_version: policy.id.clone(),
                kind: EntryKind::Redeem,
                lot: None,
            }],
            for_others: Vec::new(),
            trace: Vec::new(),
        };
        self.record_policy(policy)?;
        self.apply_event(&event, &event.fingerprint(), &outcome, &mut state)?;
        let code = definition
            .kind
            .has_code()
            .then(|| self.unique_code(&policy.club.id, id))
            .transpose()?;
        self.connection()
            .prepare_cached("INSERT INTO redemptions (event, member, reward, points, code, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![id, member, reward, definition.cost.normalize().to_string(), code, stored(at)])?;
        if let (RewardKind::Credit, Some(amount)) = (definition.kind, definition.credit) {
            self.credit_entry(
                &mut state,
                id,
                &stored(at),
                amount,
                &format!("reward `{reward}`"),
            )?;
        }
        self.save_member(&state, false)?;
        self.set_clock(at)?;
        Ok(Redemption {
            applied: Applied::Done,
            code,
        })
    }

    /// The member brought up to `at` (what expired before is gone).
    fn member_now(
        &self,
        policy: &Policy,
        member: &str,
        at: DateTime<Utc>,
    ) -> Result<crate::engine::MemberState, ManualError> {
        let Some(mut state) = self.member_state(member, at, false)? else {
            return refuse(format!("no member `{member}` in club `{}`", policy.club.id));
        };
        self.run_tier_reviews(policy, &mut state, at)?;
        self.run_due(policy, &mut state, at, &mut super::AdvanceReport::default())?;
        Ok(state)
    }

    fn check_reward(
        &self,
        policy: &Policy,
        reward: &RewardDefinition,
        state: &crate::engine::MemberState,
        at: DateTime<Utc>,
    ) -> Result<(), ManualError> {
        let (member, member_type, member_tier) = (
            state.id.as_str(),
            state.member_type.as_str(),
            state.tier.as_deref(),
        );
        let calendar = policy.club.calendar;
        let today = at.with_timezone(&policy.zone).date_naive();
        let date =
            |text: &Option<String>| text.as_deref().and_then(|t| calendar.parse_date(t).ok());
        if let Some(from) = date(&reward.valid_from) {
            if today < from {
                return refuse(format!(
                    "reward `{}` can be redeemed from {}",
                    reward.id,
                    calendar.format(from)
                ));
            }
        }
        if let Some(until) = date(&reward.valid_until) {
            if today > until {
                return refuse(format!(
                    "reward `{}` could be redeemed until {}",
                    reward.id,
                    calendar.format(until)
                ));
            }
        }
        if !reward.member_types.is_empty() && !reward.member_types.iter().any(|t| t == member_type)
        {
            return refuse(format!(
                "reward `{}` is for {} members, and `{member}` is {member_type}",
                reward.id,
                reward.member_types.join(" or ")
            ));
        }
        if !reward.tiers.is_empty()
            && !member_tier.is_some_and(|t| reward.tiers.iter().any(|r| r == t))
        {
            return refuse(format!(
                "reward `{}` is for {} members, and `{member}` is {}",
                reward.id,
                reward.tiers.join(" or "),
                member_tier.unwrap_or("in no tier")
            ));
        }
        if let Some(stock) = reward.stock {
            if self.redemptions_of(&reward.id, None)? >= stock {
                return refuse(format!(
                    "reward `{}` is out of stock (all {stock} redeemed)",
                    reward.id
                ));
            }
        }
        if let Some(limit) = reward.per_member {
            let used = self.redemptions_of(&reward.id, Some(member))?;
            if used >= limit {
                return refuse(format!(
                    "member `{member}` has redeemed `{}` {used} times, the most allowed",
                    reward.id
                ));
            }
        }
        Ok(())
    }

    /// How many times `reward` was redeemed (by `member`, if given).
    pub fn redemptions_of(
        &self,
        reward: &str,
        member: Option<&str>,
    ) -> Result<u64, super::LedgerError> {
        let count: i64 = self
            .connection()
            .prepare_cached("SELECT COUNT(*) FROM redemptions WHERE reward = ?1 AND (?2 IS NULL OR member = ?2)")?
            .query_row(params![reward, member], |r| r.get(0))?;
        Ok(count as u64)
    }

    fn unique_code(&self, club: &str, event: &str) -> Result<String, ManualError> {
        for attempt in 0.. {
            let code = code_for(club, event, attempt);
            let taken = self
                .connection()
                .prepare_cached("SELECT 1 FROM redemptions WHERE code = ?1")?
                .query_row([&code], |_| Ok(()))
                .optional()?
                .is_some();
            if !taken {
                return Ok(code);
            }
        }
        unreachable!("an unbounded loop returns")
    }

    /// Turns `points` of `member` into credit at the club's rate.
    pub fn convert(
        &self,
        policy: &Policy,
        id: &str,
        member: &str,
        points: Decimal,
        at: DateTime<Utc>,
    ) -> Result<Applied, ManualError> {
        let Some(settings) = &policy.club.credit else {
            return refuse(format!(
                "club `{}` has no credit (add `credit: {{rate: ..., minimum: ...}}`)",
                policy.club.id
            ));
        };
        if points <= Decimal::ZERO || points < settings.minimum {
            return refuse(format!(
                "at least {} {} are converted at once",
                settings.minimum.normalize(),
                policy.club.points.name
            ));
        }
        let event = Event::manual(
            id,
            member,
            EventType::Conversion,
            points,
            at,
            BTreeMap::new(),
        );
        match self.lookup_event(id)? {
            super::EventLookup::Absent => {}
            super::EventLookup::Present { fingerprint } if fingerprint == event.fingerprint() => {
                return Ok(Applied::Duplicate)
            }
            super::EventLookup::Present { .. } => {
                return refuse(format!(
                    "event `{id}` is already in the ledger with different content"
                ));
            }
        }
        let mut state = self.member_now(policy, member, at)?;
        self.spendable(policy, member, points, at)?;
        let credit = points * settings.rate;
        let outcome = Outcome {
            policy_version: policy.id.clone(),
            when_spent: policy.club.points.when_spent,
            awards: vec![Award {
                rule: "credit".into(),
                points: -points,
                reason: format!(
                    "converted to {} {} of credit",
                    crate::amount::grouped(credit),
                    policy.club.currency
                ),
                policy_version: policy.id.clone(),
                kind: EntryKind::Convert,
                lot: None,
            }],
            for_others: Vec::new(),
            trace: Vec::new(),
        };
        self.record_policy(policy)?;
        self.apply_event(&event, &event.fingerprint(), &outcome, &mut state)?;
        self.credit_entry(
            &mut state,
            id,
            &stored(at),
            credit,
            &format!("{} points converted", points.normalize()),
        )?;
        self.save_member(&state, false)?;
        self.set_clock(at)?;
        Ok(Applied::Done)
    }
}
