//! Changes a person makes by hand: adjustments (with a reason) and transfers between
//! members. Both are events with entries like any other, so they show in statements, use
//! lots oldest first, and are idempotent by their id. What fell due before them happens
//! first, as before any event.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::book::MemberBook;
use super::plan::UseKind;
use super::posting::{EntryLine, Take};
use super::{Decider, Failure};
use crate::engine::{Award, EntryKind, EvalError, LotTerms};
use crate::event::{Event, EventType};

/// A transfer's two events: the giver's and the receiver's (`<id>:in`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub out: Event,
    pub into: Event,
}

impl Transfer {
    /// The events a transfer of `points` from `from` to `to` writes.
    pub fn new(
        id: &str,
        from: &str,
        to: &str,
        points: Decimal,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Transfer {
        let attributes = BTreeMap::from([
            ("to".to_owned(), to.to_owned()),
            ("reason".to_owned(), reason.trim().to_owned()),
        ]);
        let out = Event::manual(id, from, EventType::Transfer, points, at, attributes);
        let mut into = Event::manual(
            &format!("{id}:in"),
            to,
            EventType::Transfer,
            points,
            at,
            BTreeMap::new(),
        );
        into.original = Some(id.to_owned());
        Transfer { out, into }
    }
}

pub(super) fn refuse<T>(message: impl Into<String>) -> Result<T, Failure> {
    Err(Failure::Refused(message.into()))
}

impl Decider<'_> {
    /// The event an adjustment of `points` writes.
    pub fn adjustment(
        id: &str,
        member: &str,
        points: Decimal,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Event {
        let attributes = BTreeMap::from([("reason".to_owned(), reason.trim().to_owned())]);
        Event::manual(id, member, EventType::Adjustment, points, at, attributes)
    }

    /// Adds (or, if negative, takes) the points of `event` (an [`Decider::adjustment`]).
    pub fn adjust(&mut self, book: &mut MemberBook, event: &Event) -> Result<(), Failure> {
        let backup = book.clone();
        let result = self.adjust_in(book, event);
        if result.is_err() {
            *book = backup;
        }
        result
    }

    fn adjust_in(&mut self, book: &mut MemberBook, event: &Event) -> Result<(), Failure> {
        let policy = self.policy;
        let lang = policy.club.language.unwrap_or_default();
        let figure =
            |points: Decimal| crate::locale::numerals_in(lang, &points.normalize().to_string());
        let reason = event.attributes.get("reason").cloned().unwrap_or_default();
        if reason.trim().is_empty() {
            return refuse(crate::tr_in!(lang, "refuse-adjust-reason"));
        }
        let (points, at) = (event.amount, event.time);
        if points.is_zero() {
            return refuse(crate::tr_in!(lang, "refuse-adjust-zero"));
        }
        self.catch_up(book, at);
        if points.is_sign_negative() {
            let (available, _) = book.balances(at);
            if available < -points {
                return refuse(crate::tr_in!(
                    lang,
                    "refuse-take-too-many",
                    member = book.id(),
                    available = figure(available),
                    points = &policy.club.points.name,
                    taken = figure(-points)
                ));
            }
        }
        let lot = points.is_sign_positive().then(|| LotTerms {
            pending_until: at,
            expires_at: crate::engine::lot_terms(policy, None, at).expires_at,
        });
        let award = Award {
            rule: "adjustment".into(),
            points,
            reason: reason.trim().to_owned(),
            policy_version: policy.id.clone(),
            kind: EntryKind::Adjust,
            lot,
        };
        self.post_event(book, event, &[award])
            .map_err(|_| Failure::Rejected(EvalError::overflow("the adjustment")))?;
        Ok(())
    }

    /// Moves points from `giver` to `receiver`. The points keep the expiry dates they had.
    pub fn transfer(
        &mut self,
        giver: &mut MemberBook,
        receiver: &mut MemberBook,
        transfer: &Transfer,
    ) -> Result<(), Failure> {
        let (giver_before, receiver_before) = (giver.clone(), receiver.clone());
        let result = self.transfer_in(giver, receiver, transfer);
        if result.is_err() {
            *giver = giver_before;
            *receiver = receiver_before;
        }
        result
    }

    fn transfer_in(
        &mut self,
        giver: &mut MemberBook,
        receiver: &mut MemberBook,
        transfer: &Transfer,
    ) -> Result<(), Failure> {
        let policy = self.policy;
        let lang = policy.club.language.unwrap_or_default();
        let figure =
            |points: Decimal| crate::locale::numerals_in(lang, &points.normalize().to_string());
        let (out, into) = (&transfer.out, &transfer.into);
        let (points, at) = (out.amount, out.time);
        if !policy.club.points.transfers {
            return refuse(crate::tr_in!(
                lang,
                "refuse-no-transfers",
                club = &policy.club.id
            ));
        }
        if giver.id() == receiver.id() {
            return refuse(crate::tr_in!(lang, "refuse-transfer-same"));
        }
        if points <= Decimal::ZERO {
            return refuse(crate::tr_in!(lang, "refuse-transfer-zero"));
        }
        self.catch_up(giver, at);
        self.catch_up(receiver, at);
        let (available, _) = giver.balances(at);
        if available < points {
            return refuse(crate::tr_in!(
                lang,
                "refuse-transfer-too-many",
                member = giver.id(),
                available = figure(available),
                points = &policy.club.points.name,
                moved = figure(points)
            ));
        }
        let overflow = |_| Failure::Rejected(EvalError::overflow("the transfer"));
        self.check_room(giver, out, [points]).map_err(overflow)?;
        self.check_room(receiver, into, [points])
            .map_err(overflow)?;
        let why = out.attributes.get("reason").map(|r| r.trim()).unwrap_or("");
        let (to, from) = (receiver.id().to_owned(), giver.id().to_owned());
        let (out_reason, in_reason) = match why {
            "" => (
                format!("transfer to `{to}`"),
                format!("transfer from `{from}`"),
            ),
            why => (
                format!("transfer to `{to}`: {why}"),
                format!("transfer from `{from}`: {why}"),
            ),
        };
        let line = |rule: &str, reason: String, kind| EntryLine {
            rule: rule.into(),
            reason,
            kind,
            policy_version: policy.id.clone(),
        };
        let mut posting = self.posting(
            std::borrow::Cow::Owned(out.clone()),
            out.fingerprint(),
            policy.id.clone(),
        );
        self.take_points(
            giver,
            &mut posting,
            line("transfer", out_reason, EntryKind::TransferOut),
            points,
            Take::Available,
            UseKind::Spend,
        );
        // The lots the giver's points came from, with their expiry dates.
        let parts: Vec<(Decimal, LotTerms)> = posting.entries[0]
            .uses
            .iter()
            .map(|used| {
                let expires_at = giver
                    .lots()
                    .iter()
                    .find(|l| l.id == used.lot)
                    .and_then(|l| l.expires_at);
                (
                    used.points,
                    LotTerms {
                        pending_until: at,
                        expires_at,
                    },
                )
            })
            .collect();
        self.finish_posting(giver, posting);
        // The receiver's side is an event of their own (every entry belongs to an event of
        // its member): one entry, and one lot per lot the giver used.
        let mut posting = self.posting(
            std::borrow::Cow::Owned(into.clone()),
            into.id.clone(),
            policy.id.clone(),
        );
        self.add_points(
            receiver,
            &mut posting,
            line("transfer", in_reason, EntryKind::TransferIn),
            &parts,
        );
        self.finish_posting(receiver, posting);
        Ok(())
    }
}
