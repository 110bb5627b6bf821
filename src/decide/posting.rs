//! Posting: how points become entries and lots. Points added make a lot (first paying
//! any debt); points taken use lots up, oldest first; what cannot be taken is owed. A
//! return takes from the purchase's own points first, and what of them expired is dealt
//! with as the club declares (`returns.after_expiry`).

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::book::{shared_text, EntryFact, EventFact, LotFact, MemberBook, ReturnShare};
use super::plan::{Change, Entry, LotUse, NewLot, Posting, UseKind};
use super::Decider;
use crate::amount::Overflow;
use crate::club::{AfterExpiry, WhenSpent};
use crate::engine::{Award, EntryKind, LotTerms};
use crate::event::{Event, EventType};

/// Which lots a use may take from.
#[derive(Debug, Clone, Copy)]
pub(super) enum Take<'a> {
    /// Only lots spendable at the time: not pending, not expired.
    Available,
    /// Any unspent lot not expired at the time, pending ones included; the lots of
    /// `first` (an event id) first.
    Any { first: Option<&'a str> },
    /// Only the lots an event (a purchase being returned) made.
    Own(&'a str),
}

impl<'a> Decider<'a> {
    /// A posting for `event`, with no entries yet.
    pub(super) fn posting(
        &self,
        event: Cow<'a, Event>,
        fingerprint: String,
        version: String,
    ) -> Posting<'a> {
        Posting {
            event,
            fingerprint,
            policy_version: version,
            entries: Vec::new(),
            credit: Vec::new(),
            returns: Vec::new(),
        }
    }

    /// Checks that posting `points` (each award's points) and `event` for `book` keeps
    /// every balance, debt and total exact; nothing is changed when it would not.
    pub(super) fn check_room(
        &self,
        book: &MemberBook,
        event: &Event,
        points: impl IntoIterator<Item = Decimal>,
    ) -> Result<(), Overflow> {
        let state = &book.state;
        let mut total = crate::amount::add(state.balance.abs(), state.debt.abs())?;
        total = crate::amount::add(total, state.credit.abs())?;
        for points in points {
            // Twice: an award can move the balance and the debt by its size each.
            total = crate::amount::add(total, crate::amount::mul(points.abs(), Decimal::TWO)?)?;
        }
        crate::amount::add(total, event.credit_used.unwrap_or_default().abs())?;
        if event.kind == EventType::Purchase {
            crate::amount::add(state.stats.spend_total, event.amount)?;
        }
        Ok(())
    }

    /// Posts `award` on `posting`.
    pub(super) fn post_award(
        &mut self,
        book: &mut MemberBook,
        posting: &mut Posting<'a>,
        award: Award,
    ) {
        if award.kind == EntryKind::Reverse && posting.event.kind == EventType::Return {
            self.post_reversal(book, posting, award);
        } else if award.points.is_sign_positive() {
            let terms = award.lot.unwrap_or(LotTerms {
                pending_until: posting.event.time,
                expires_at: None,
            });
            let points = award.points;
            self.add_points(book, posting, EntryLine::of(award), &[(points, terms)]);
        } else {
            // Spends the member chose: only points they can spend now (checked before).
            let (take, kind) = match award.kind {
                EntryKind::Adjust
                | EntryKind::TransferOut
                | EntryKind::Redeem
                | EntryKind::Convert => (Take::Available, UseKind::Spend),
                // A claw-back takes back what a deal gave.
                EntryKind::Reverse => (Take::Any { first: None }, UseKind::Reverse),
                _ => (Take::Any { first: None }, UseKind::Spend),
            };
            let wanted = -award.points;
            self.take_points(book, posting, EntryLine::of(award), wanted, take, kind);
        }
    }

    /// An entry adding points, as lots of `(points, terms)` (one, or for a transfer one
    /// per lot the giver used, each keeping its expiry); then pays any debt from them.
    pub(super) fn add_points(
        &mut self,
        book: &mut MemberBook,
        posting: &mut Posting<'a>,
        line: EntryLine,
        lots: &[(Decimal, LotTerms)],
    ) {
        let points: Decimal = lots.iter().map(|(p, _)| *p).sum();
        let earned_at = posting.event.time;
        let mut entry = line.entry(points);
        let first_lot = self.ids.next_lot;
        for &(part, terms) in lots.iter().filter(|(p, _)| !p.is_zero()) {
            let id = self.ids.lot();
            entry.lots.push(NewLot {
                id,
                points: part,
                earned_at,
                terms,
            });
            if !book.lots_loaded {
                // The book holds no lots: the store reads them all when they are needed.
                continue;
            }
            book.add_lot(LotFact {
                id,
                // Only a return looks lots up by their event, and a return reads the
                // whole history first.
                event: match book.history {
                    true => book.event_text(&posting.event.id),
                    false => super::book::no_text(),
                },
                points: part,
                remaining: part,
                expired: Decimal::ZERO,
                earned_at,
                pending_until: terms.pending_until,
                expires_at: terms.expires_at,
            });
        }
        let made = first_lot..self.ids.next_lot;
        book.state.balance += points;
        let settles_on_own_entry = self.policy.club.points.when_spent == WhenSpent::NegativeBalance;
        let mut settle = Vec::new();
        for lot in made {
            if book.state.debt.is_zero() {
                break;
            }
            let Some(made) = entry.lots.iter().find(|l| l.id == lot) else {
                continue;
            };
            let paid = book.state.debt.min(made.points);
            let used = LotUse {
                lot,
                points: paid,
                remaining: made.points - paid,
                kind: UseKind::Settle,
            };
            if let Some(fact) = book.lot_mut(lot) {
                fact.remaining = used.remaining;
            }
            book.state.debt -= paid;
            if settles_on_own_entry {
                // The balance already went below zero by the debt: the lot is only marked
                // as used.
                entry.uses.push(used);
            } else {
                settle.push(used);
            }
        }
        let version = match settle.is_empty() {
            true => String::new(),
            false => entry.policy_version.clone(),
        };
        self.push_entry(book, posting, entry);
        if !settle.is_empty() {
            let paid: Decimal = settle.iter().map(|u| u.points).sum();
            book.state.balance -= paid;
            let mut entry = EntryLine {
                rule: "debt".into(),
                reason: crate::tr_in!(
                    self.policy.club.language.unwrap_or_default(),
                    "reason-settle"
                ),
                kind: EntryKind::Settle,
                policy_version: version,
            }
            .entry(-paid);
            entry.uses = settle;
            self.push_entry(book, posting, entry);
        }
    }

    /// An entry taking `wanted` points from lots, oldest first. What is missing is owed:
    /// with `when_spent: debt` the entry records only what it took (the balance never
    /// goes below zero), with `negative_balance` all of it. Returns what was taken.
    pub(super) fn take_points(
        &mut self,
        book: &mut MemberBook,
        posting: &mut Posting<'a>,
        mut line: EntryLine,
        wanted: Decimal,
        take: Take,
        kind: UseKind,
    ) -> Decimal {
        let uses = plan_take(book, wanted, posting.event.time, take, kind);
        let taken: Decimal = uses.iter().map(|u| u.points).sum();
        let missing = wanted - taken;
        let (points, reason) = match self.policy.club.points.when_spent {
            WhenSpent::Debt if !missing.is_zero() => (
                -taken,
                format!(
                    "{} ({} already spent: owed)",
                    line.reason,
                    missing.normalize()
                ),
            ),
            _ => (-wanted, std::mem::take(&mut line.reason)),
        };
        let mut entry = EntryLine { reason, ..line }.entry(points);
        apply_uses(book, &uses);
        entry.uses = uses;
        book.state.balance += points;
        book.state.debt += missing;
        self.push_entry(book, posting, entry);
        taken
    }

    /// A return's reversal of one rule's share: from the purchase's own lots first; then
    /// the share of its points that expired before the return, as `returns.after_expiry`
    /// says (forgiven, owed, or taken from the rest of the balance); then the rest of the
    /// balance; what is still missing is owed.
    fn post_reversal(&mut self, book: &mut MemberBook, posting: &mut Posting<'a>, award: Award) {
        let due = -award.points;
        let original = posting.event.original.clone().unwrap_or_default();
        let at = posting.event.time;
        let own = plan_take(book, due, at, Take::Own(&original), UseKind::Reverse);
        let taken_own: Decimal = own.iter().map(|u| u.points).sum();
        apply_uses(book, &own);
        let expired_left = {
            let expired: Decimal = book
                .lots()
                .iter()
                .filter(|l| *l.event == *original)
                .map(|l| l.expired)
                .sum();
            let handled: Decimal = book
                .returns
                .iter()
                .filter(|s| s.original == original)
                .map(|s| s.expired)
                .sum();
            (expired - handled).max(Decimal::ZERO)
        };
        let expired_share = (due - taken_own).min(expired_left);
        let after_expiry = self.policy.club.returns.after_expiry;
        let (forgiven, owed_expired) = match after_expiry {
            AfterExpiry::Forgive => (expired_share, Decimal::ZERO),
            AfterExpiry::Debt => (Decimal::ZERO, expired_share),
            AfterExpiry::TakeFromBalance => (Decimal::ZERO, Decimal::ZERO),
        };
        let rest = due - taken_own - forgiven - owed_expired;
        let other = plan_take(book, rest, at, Take::Any { first: None }, UseKind::Reverse);
        let taken_other: Decimal = other.iter().map(|u| u.points).sum();
        apply_uses(book, &other);
        let missing = rest - taken_other;
        let owed = owed_expired + missing;
        let taken = taken_own + taken_other;
        let mut reason = award.reason.clone();
        let (rule, version, points_due) = (
            award.rule.clone(),
            award.policy_version.clone(),
            award.points,
        );
        let lang = self.policy.club.language.unwrap_or_default();
        let figure =
            |points: Decimal| crate::locale::numerals_in(lang, &points.normalize().to_string());
        if !forgiven.is_zero() {
            reason.push_str(&crate::tr_in!(
                lang,
                "reason-return-forgiven",
                points = figure(forgiven)
            ));
        }
        if !owed_expired.is_zero() {
            reason.push_str(&crate::tr_in!(
                lang,
                "reason-return-owed",
                points = figure(owed_expired)
            ));
        }
        if !missing.is_zero() {
            reason.push_str(&crate::tr_in!(
                lang,
                "reason-return-spent",
                points = figure(missing)
            ));
        }
        let points = match self.policy.club.points.when_spent {
            WhenSpent::Debt => -taken,
            WhenSpent::NegativeBalance => -(taken + owed),
        };
        let mut entry = EntryLine::of(award).entry(points);
        entry.reason = reason;
        entry.uses = own;
        entry.uses.extend(other);
        book.state.balance += points;
        book.state.debt += owed;
        posting.returns.push(ReturnShare {
            return_event: posting.event.id.clone(),
            original,
            rule: shared_text(&rule),
            policy_version: shared_text(&version),
            points: points_due,
            taken,
            owed,
            forgiven,
            expired: expired_share,
        });
        self.push_entry(book, posting, entry);
    }

    fn push_entry(&mut self, book: &mut MemberBook, posting: &mut Posting<'a>, entry: Entry) {
        // A book without its history keeps none: the club's decisions do not read it.
        if book.history && matches!(entry.kind, EntryKind::Earn | EntryKind::Reverse) {
            let event = book.event_text(&posting.event.id);
            book.entries.push(EntryFact {
                event,
                time: posting.event.time,
                rule: shared_text(&entry.rule),
                kind: entry.kind,
                points: entry.points,
                policy_version: shared_text(&entry.policy_version),
            });
        }
        posting.entries.push(entry);
    }

    /// Adds credit (negative: credit used) to the member's wallet on `posting`.
    pub(super) fn credit(
        &self,
        book: &mut MemberBook,
        posting: &mut Posting<'a>,
        amount: Decimal,
        reason: String,
    ) {
        book.state.credit += amount;
        posting.credit.push((amount, reason));
    }

    /// Records `posting` in the book and the plan: the event is now the member's.
    pub(super) fn finish_posting(
        &mut self,
        book: &mut MemberBook,
        posting: Posting<'a>,
    ) -> Decimal {
        let event = &posting.event;
        book.posted = true;
        if book.history && !event.kind.importable() {
            // An importable event's id is its entry in `events`, below.
            book.rest.add_other_id(event.id.clone());
        }
        if !book.joined_known && event.kind.importable() {
            // Not given: the member joined on the day of their first event (until an
            // earlier one arrives).
            let day = event.time.with_timezone(&self.policy.zone).date_naive();
            if day < book.state.joined {
                book.state.joined = day;
                book.profile_changed = true;
            }
        }
        if book.history && event.kind.importable() {
            let id = book.event_text(&event.id);
            book.events.push(EventFact {
                id,
                kind: event.kind,
                time: event.time,
                amount: event.amount,
                original: event.original.clone(),
                conversion: event
                    .conversion
                    .zip(event.currency.clone())
                    .map(|(c, currency)| Box::new((currency, c))),
            });
        }
        // Checked before anything was posted (`check_room`).
        let _ = book.state.record(event);
        if book.history {
            book.returns.extend(posting.returns.iter().cloned());
        }
        let points = posting.points();
        self.announce_posting(book, &posting);
        self.plan.changes.push(Change::Posting(Box::new(posting)));
        points
    }

    /// Evaluates an event of bashgah's own that rules may award on (a greeting, a
    /// lifecycle occasion) against the member, and posts it with what the rules gave.
    /// `None` when the rules gave nothing and `write_empty` is false (nothing posted).
    pub(super) fn post_evaluated(
        &mut self,
        book: &mut MemberBook,
        event: Event,
        write_empty: bool,
    ) -> Result<Option<Decimal>, crate::engine::EvalError> {
        let input = crate::engine::EvaluationInput {
            event: &event,
            member: &book.state,
            original: None,
        };
        let outcome = crate::engine::evaluate(self.policy, input)?;
        if outcome.awards.is_empty() && !write_empty {
            return Ok(None);
        }
        self.check_room(book, &event, outcome.awards.iter().map(|a| a.points))
            .map_err(|_| crate::engine::EvalError::overflow(&format!("`{}`", event.id)))?;
        let fingerprint = event.fingerprint();
        let mut posting = self.posting(Cow::Owned(event), fingerprint, self.policy.id.clone());
        for award in outcome.awards {
            self.post_award(book, &mut posting, award);
        }
        Ok(Some(self.finish_posting(book, posting)))
    }

    /// Posts a whole event of bashgah's own (a bonus, a claw-back, an expiry...): its
    /// awards as entries; returns the points. `Err` (nothing posted) if a sum would
    /// overflow.
    pub(super) fn post_event(
        &mut self,
        book: &mut MemberBook,
        event: &Event,
        awards: &[Award],
    ) -> Result<Decimal, Overflow> {
        self.check_room(book, event, awards.iter().map(|a| a.points))?;
        let mut posting = self.posting(
            Cow::Owned(event.clone()),
            event.fingerprint(),
            self.policy.id.clone(),
        );
        for award in awards {
            self.post_award(book, &mut posting, award.clone());
        }
        Ok(self.finish_posting(book, posting))
    }
}

/// The name, reason and kind of an entry about to be written.
pub(super) struct EntryLine {
    pub rule: String,
    pub reason: String,
    pub kind: EntryKind,
    pub policy_version: String,
}

impl EntryLine {
    fn of(award: Award) -> EntryLine {
        EntryLine {
            rule: award.rule,
            reason: award.reason,
            kind: award.kind,
            policy_version: award.policy_version,
        }
    }

    fn entry(self, points: Decimal) -> Entry {
        Entry {
            rule: self.rule,
            points,
            reason: self.reason,
            kind: self.kind,
            policy_version: self.policy_version,
            lots: Vec::new(),
            uses: Vec::new(),
        }
    }
}

/// Which lots `points` (positive) would come from, in order; less than `points` in all if
/// the member does not have them.
pub(super) fn plan_take(
    book: &mut MemberBook,
    points: Decimal,
    at: DateTime<Utc>,
    take: Take,
    kind: UseKind,
) -> Vec<LotUse> {
    let mut needed = points;
    let mut uses = Vec::new();
    if needed <= Decimal::ZERO {
        return uses;
    }
    let usable = |lot: &&LotFact| {
        let alive = lot.expires_at.is_none_or(|e| e > at);
        match take {
            Take::Available => alive && lot.pending_until <= at,
            Take::Any { .. } => alive,
            Take::Own(event) => alive && *lot.event == *event,
        }
    };
    // The lots taken from change next (`apply_uses`): decoded once, here.
    let lots: &[LotFact] = book.lots_mut();
    let open = || lots.iter().filter(|l| !l.remaining.is_zero());
    let candidates: Vec<&LotFact> = match take {
        Take::Any { first: Some(first) } => open()
            .filter(|l| *l.event == *first)
            .chain(open().filter(|l| *l.event != *first))
            .filter(usable)
            .collect(),
        _ => open().filter(usable).collect(),
    };
    for lot in candidates {
        if needed.is_zero() {
            break;
        }
        let used = lot.remaining.min(needed);
        uses.push(LotUse {
            lot: lot.id,
            points: used,
            remaining: lot.remaining - used,
            kind,
        });
        needed -= used;
    }
    uses
}

/// Takes what `uses` say from the book's lots.
pub(super) fn apply_uses(book: &mut MemberBook, uses: &[LotUse]) {
    for used in uses {
        if let Some(lot) = book.lot_mut(used.lot) {
            lot.remaining = used.remaining;
            if used.kind == UseKind::Expire {
                lot.expired += used.points;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use chrono::{NaiveDate, TimeZone};

    use super::super::{Failure, Ids, NoFacts};
    use super::*;
    use crate::member::MemberState;
    use crate::policy::Policy;

    /// A club of one rule, 1 point per 1,000, that reads the member's statistics (so that
    /// deciding an event works them out too).
    fn shop() -> (tempfile::TempDir, Policy) {
        crate::policy::scratch_club(
            "id: shop\nname: Corner Shop\ncurrency: EUR\ntimezone: UTC\nrules:\n  - {id: base, function: base_points}\n",
            "fn base_points(event, member) {\n    if member.stats.spend_30d > 0 { 0 } else { event.amount / 1000 }\n}\n",
        )
    }

    fn purchase(id: &str, amount: &str) -> Event {
        let at = Utc.with_ymd_and_hms(2025, 3, 3, 10, 0, 0).unwrap();
        let amount = Decimal::from_str(amount).expect("an amount");
        Event::manual(
            id,
            "M1",
            EventType::Purchase,
            amount,
            at,
            Default::default(),
        )
    }

    /// Issue 11, item 11: a member whose lifetime spend is near the largest decimal used
    /// to panic the importer at their next purchase (and, over HTTP, every later one).
    /// The purchase that would overflow is rejected, saying why, and changes nothing; a
    /// purchase that still fits is decided as usual.
    #[test]
    fn a_purchase_that_would_overflow_lifetime_spend_is_rejected_not_a_panic() {
        let (_dir, policy) = shop();
        let joined = NaiveDate::from_ymd_opt(2020, 1, 1).expect("a date");
        let mut state = MemberState::new("M1", "individual", joined);
        state.stats.spend_total = Decimal::MAX - Decimal::from(10_000);
        state.stats.visits_total = 3;
        let mut book = MemberBook::new(state, true);
        let before = book.clone();
        let mut decider = Decider::new(&policy, &NoFacts, Ids::scratch());

        let too_much = purchase("P1", "20000");
        match decider.event(&mut book, &too_much, "fingerprint-1") {
            Err(Failure::Rejected(error)) => assert_eq!(
                error.message,
                "the member's points or spend: a number grew too large to keep exactly (more than 28 digits); nothing was written for this event"
            ),
            other => panic!("expected a rejection, got {other:?}"),
        }
        assert_eq!(
            book, before,
            "a rejected event leaves the member's book as it was"
        );
        assert!(
            decider.take_plan().is_empty(),
            "and the plan holds nothing of it"
        );

        let fits = purchase("P2", "9000");
        let decided = decider
            .event(&mut book, &fits, "fingerprint-2")
            .expect("a purchase that fits is decided");
        assert_eq!(decided.points, Decimal::from(9));
        assert_eq!(
            book.state.stats.spend_total,
            Decimal::MAX - Decimal::from(1_000)
        );
        assert_eq!(book.state.balance, Decimal::from(9));
    }
}
