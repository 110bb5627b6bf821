//! Changes a person makes by hand: adjustments (with a reason) and transfers between
//! members. Both are events with ledger entries like any other, so they show in
//! statements, use lots oldest first, and are idempotent by their id.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::params;
use rust_decimal::Decimal;

use super::expiry::AdvanceReport;
use super::store::{EntryContext, EventLookup, Ledger, LedgerError};
use crate::engine::{Award, EntryKind, Event, EventType, LotTerms, MemberState, Outcome};
use crate::policy::Policy;
use crate::time::stored;

/// Why a manual change was refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ManualError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// What a manual change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// The same change, with the same id, was already in the ledger.
    Duplicate,
}

impl From<rusqlite::Error> for ManualError {
    fn from(error: rusqlite::Error) -> Self {
        ManualError::Ledger(error.into())
    }
}

fn refuse<T>(message: impl Into<String>) -> Result<T, ManualError> {
    Err(ManualError::Refused(message.into()))
}

impl Ledger {
    /// A member brought up to `at`: what expired before is gone.
    fn member_at(
        &self,
        policy: &Policy,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<MemberState, ManualError> {
        let Some(mut member) = self.member_state(id, at, false)? else {
            return refuse(format!("no member `{id}` in club `{}`", policy.club.id));
        };
        self.run_tier_reviews(policy, &mut member, at)?;
        self.run_due(policy, &mut member, at, &mut AdvanceReport::default())?;
        Ok(member)
    }

    /// Checks an operation's id: `Some(Duplicate)` if it is already there with the same
    /// content, an error if with other content.
    fn check_id(&self, event: &Event) -> Result<Option<Applied>, ManualError> {
        match self.lookup_event(&event.id)? {
            EventLookup::Absent => Ok(None),
            EventLookup::Present { fingerprint } if fingerprint == event.fingerprint() => {
                Ok(Some(Applied::Duplicate))
            }
            EventLookup::Present { .. } => refuse(format!(
                "event `{}` is already in the ledger with different content",
                event.id
            )),
        }
    }

    /// Adds (or, if negative, takes) `points` for `member`, for `reason`.
    pub fn adjust(
        &self,
        policy: &Policy,
        id: &str,
        member: &str,
        points: Decimal,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Applied, ManualError> {
        if reason.trim().is_empty() {
            return refuse("an adjustment needs a reason (--reason \"...\")");
        }
        if points.is_zero() {
            return refuse("an adjustment of 0 points changes nothing");
        }
        let attributes = BTreeMap::from([("reason".to_owned(), reason.trim().to_owned())]);
        let event = Event::manual(id, member, EventType::Adjustment, points, at, attributes);
        if let Some(applied) = self.check_id(&event)? {
            return Ok(applied);
        }
        let mut state = self.member_at(policy, member, at)?;
        if points.is_sign_negative() {
            let available = self.balances(member, at)?.available;
            if available < -points {
                return refuse(format!(
                    "member `{member}` has {} {} available, fewer than the {} to take",
                    available.normalize(),
                    policy.club.points.name,
                    (-points).normalize()
                ));
            }
        }
        let lot = points.is_sign_positive().then(|| LotTerms {
            pending_until: at,
            expires_at: crate::engine::lot_terms(policy, None, at).expires_at,
        });
        let outcome = Outcome {
            policy_version: policy.id.clone(),
            when_spent: policy.club.points.when_spent,
            awards: vec![Award {
                rule: "adjustment".into(),
                points,
                reason: reason.trim().to_owned(),
                policy_version: policy.id.clone(),
                kind: EntryKind::Adjust,
                lot,
            }],
            for_others: Vec::new(),
            trace: Vec::new(),
        };
        self.record_policy(policy)?;
        self.apply_event(&event, &event.fingerprint(), &outcome, &mut state)?;
        self.save_member(&state, false)?;
        self.set_clock(at)?;
        Ok(Applied::Done)
    }

    /// Moves `points` from `from` to `to`. The points keep the expiry dates they had.
    #[allow(clippy::too_many_arguments)]
    pub fn transfer(
        &self,
        policy: &Policy,
        id: &str,
        from: &str,
        to: &str,
        points: Decimal,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Applied, ManualError> {
        if !policy.club.points.transfers {
            return refuse(format!(
                "club `{}` does not allow transfers (set `points.transfers: true`)",
                policy.club.id
            ));
        }
        if from == to {
            return refuse("a transfer needs two different members");
        }
        if points <= Decimal::ZERO {
            return refuse("a transfer moves more than 0 points");
        }
        let attributes = BTreeMap::from([
            ("to".to_owned(), to.to_owned()),
            ("reason".to_owned(), reason.trim().to_owned()),
        ]);
        let event = Event::manual(id, from, EventType::Transfer, points, at, attributes);
        if let Some(applied) = self.check_id(&event)? {
            return Ok(applied);
        }
        let mut giver = self.member_at(policy, from, at)?;
        let mut receiver = self.member_at(policy, to, at)?;
        let available = self.balances(from, at)?.available;
        if available < points {
            return refuse(format!(
                "member `{from}` has {} {} available, fewer than the {} to transfer",
                available.normalize(),
                policy.club.points.name,
                points.normalize()
            ));
        }
        let (out_reason, in_reason) = match reason.trim() {
            "" => (
                format!("transfer to `{to}`"),
                format!("transfer from `{from}`"),
            ),
            why => (
                format!("transfer to `{to}`: {why}"),
                format!("transfer from `{from}`: {why}"),
            ),
        };
        self.record_policy(policy)?;
        let out = Outcome {
            policy_version: policy.id.clone(),
            when_spent: policy.club.points.when_spent,
            awards: vec![Award {
                rule: "transfer".into(),
                points: -points,
                reason: out_reason,
                policy_version: policy.id.clone(),
                kind: EntryKind::TransferOut,
                lot: None,
            }],
            for_others: Vec::new(),
            trace: Vec::new(),
        };
        self.apply_event(&event, &event.fingerprint(), &out, &mut giver)?;
        // The receiver's side is an event of their own (every entry belongs to an event of
        // its member): one entry, and one lot per lot the giver used, with its expiry.
        let time = stored(at);
        let conn = self.connection();
        let receiving = format!("{id}:in");
        conn.prepare_cached(
            "INSERT INTO events (id, member, type, time, amount, original, fingerprint, policy_version)
             VALUES (?1, ?2, 'transfer', ?3, ?4, ?5, ?1, ?6)",
        )?
        .execute(params![receiving, to, time, points.normalize().to_string(), id, policy.id])?;
        let context = EntryContext {
            event: &receiving,
            time: &time,
            policy_version: &policy.id,
            when_spent: policy.club.points.when_spent,
        };
        let entry = self.insert_entry(
            to,
            &context,
            "transfer",
            points,
            &in_reason,
            EntryKind::TransferIn,
        )?;
        receiver.balance += points;
        let used: Vec<(String, Option<i64>)> = {
            let mut statement = conn.prepare_cached(
                "SELECT u.points, l.expires_at FROM lot_uses u JOIN lots l ON l.seq = u.lot
                 WHERE u.entry = (SELECT MAX(seq) FROM ledger WHERE event = ?1 AND kind = 'transfer_out') ORDER BY u.rowid",
            )?;
            let rows = statement.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (part, expires) in used {
            let part: Decimal = part
                .parse()
                .map_err(|_| LedgerError::corrupt("a lot use is not a number"))?;
            let terms = LotTerms {
                pending_until: at,
                expires_at: expires
                    .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0)),
            };
            let lot = self.create_lot(to, entry, &receiving, part, terms, at)?;
            self.settle_debt(&mut receiver, lot, part, entry, &context)?;
        }
        self.save_member(&giver, false)?;
        self.save_member(&receiver, false)?;
        self.set_clock(at)?;
        Ok(Applied::Done)
    }
}
