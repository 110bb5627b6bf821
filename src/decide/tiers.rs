//! Tier changes: upgrades as soon as a member qualifies, and reviews (the only time a
//! member moves down). Every change is an event (`tier:<member>:<time>`) with its reason.

use chrono::{DateTime, Duration, Utc};

use super::book::MemberBook;
use super::plan::{Change, TierMove};
use super::Decider;
use crate::engine::tiers::{self, tier_index};
use crate::engine::{EntryKind, EvalError, Outcome};
use crate::event::{Event, EventType};
use crate::messaging::{Occasion, Value};
use crate::policy::Policy;

impl Decider<'_> {
    /// The tier the member moves up to with `event` (evaluated as `outcome`), and why;
    /// `None` if no move up. A failing tier metric fails the event.
    pub(super) fn upgrade(
        &self,
        book: &MemberBook,
        event: &Event,
        outcome: &Outcome,
    ) -> Result<Option<(usize, String)>, EvalError> {
        let policy = self.policy;
        if policy.club.tiers.is_empty() {
            return Ok(None);
        }
        let overflow = |_| EvalError::overflow("the tier metric");
        let from = tiers::window_start(policy, &book.state, event.time);
        // Everything up to and including this instant, and this event.
        let mut standing = book
            .standing(from, event.time + Duration::seconds(1))
            .map_err(overflow)?;
        match event.kind {
            EventType::Purchase => standing.add_spend(event.amount, false).map_err(overflow)?,
            EventType::Return => standing.add_spend(event.amount, true).map_err(overflow)?,
            _ => {}
        }
        for award in &outcome.awards {
            if matches!(award.kind, EntryKind::Earn | EntryKind::Reverse) {
                standing.add_points(award.points).map_err(overflow)?;
            }
        }
        let value = tiers::metric(policy, &book.state, &standing).map_err(|message| EvalError {
            message: format!("tier metric: {message}"),
            location: None,
            source_line: None,
            column: None,
            help: None,
        })?;
        let qualified = tiers::qualified(policy, &book.state.member_type, value);
        let current = tier_index(policy, book.state.tier.as_deref());
        let Some(tier) = qualified.filter(|_| qualified > current) else {
            return Ok(None);
        };
        let reason = crate::tr_in!(
            policy.club.language.unwrap_or_default(),
            "reason-tier-reached",
            value = value,
            unit = metric_unit(policy),
            window = policy.club.tiering.window.to_string(),
            tier = &policy.club.tiers[tier].id
        );
        Ok(Some((tier, reason)))
    }

    /// Moves the member to tier `to` at `at`, for `reason`: the event and its row, then
    /// the `tier_changed` occasion (rules listening for it, the club's message).
    pub(super) fn change_tier(
        &mut self,
        book: &mut MemberBook,
        to: Option<usize>,
        at: DateTime<Utc>,
        reason: &str,
    ) {
        let policy = self.policy;
        let id = book.fresh_id(format!("tier:{}:{}", book.id(), crate::time::stored(at)));
        let new = to.map(|i| policy.club.tiers[i].id.clone());
        book.rest.add_other_id(id.clone());
        self.plan.changes.push(Change::Tier(TierMove {
            event: id.clone(),
            member: book.id().to_owned(),
            at,
            from: book.state.tier.clone(),
            to: new.clone(),
            reason: reason.to_owned(),
            policy_version: policy.id.clone(),
        }));
        self.announce(
            crate::club::WebhookEvent::TierChanged,
            &id,
            book.id(),
            at,
            vec![
                ("from", book.state.tier.clone().unwrap_or_default()),
                ("to", new.clone().unwrap_or_default()),
                ("reason", reason.to_owned()),
            ],
        );
        let had_tier = book.state.tier.is_some();
        book.state.tier = new.clone();
        if !had_tier && book.state.tier_reviewed_at.is_none() {
            // Nothing to review before the member first had a tier: reviews start after.
            book.state.tier_reviewed_at = Some(at);
        }
        // Entering the lowest tier on joining is not news; every later change is.
        if let Some(tier) = new.filter(|_| had_tier || to.is_some_and(|i| i > 0)) {
            let occasion = Occasion::new("tier_changed", id, at).with("tier", Value::Text(tier));
            self.happen(book, EventType::TierChanged, occasion);
        }
    }

    /// Runs the tier reviews due for the member up to `to`.
    pub(super) fn tier_reviews(&mut self, book: &mut MemberBook, to: DateTime<Utc>) {
        let policy = self.policy;
        if policy.club.tiers.is_empty() || book.state.tier.is_none() {
            return;
        }
        let start = book
            .state
            .tier_reviewed_at
            .unwrap_or_else(|| crate::engine::start_of_day(policy, book.state.joined));
        let mut at = tiers::next_review(policy, start);
        if at > to {
            return;
        }
        self.touch(book);
        while at <= to {
            self.plan.tally.reviews += 1;
            // The window that ends with the period just closed.
            let from = tiers::window_start(policy, &book.state, at - Duration::seconds(1));
            let value = book
                .standing(from, at)
                .map_err(|e| e.to_string())
                .and_then(|standing| tiers::metric(policy, &book.state, &standing));
            let value = match value {
                Ok(value) => value,
                Err(message) => {
                    // The review cannot be made: the tier holds, and the user hears why.
                    let lang = policy.club.language.unwrap_or_default();
                    self.plan.warnings.push(crate::tr_in!(
                        lang,
                        "warn-tier-review",
                        member = book.id(),
                        date = crate::locale::numerals_in(lang, &policy.local_date(at)),
                        message = message
                    ));
                    book.state.tier_reviewed_at = Some(at);
                    at = tiers::next_review(policy, at);
                    continue;
                }
            };
            let qualified = tiers::qualified(policy, &book.state.member_type, value);
            let current = tier_index(policy, book.state.tier.as_deref());
            if qualified >= current {
                // Requalified in the period just closed: with keep_next_period the tier
                // holds through the next one, until the review that closes it.
                book.state.tier_valid_until = Some(tiers::next_review(policy, at));
            }
            if let Some(new) = tiers::review(policy, &book.state, current, qualified, at) {
                let reached =
                    qualified.max(current.and(tiers::lowest(policy, &book.state.member_type)));
                let reason = crate::tr_in!(
                    policy.club.language.unwrap_or_default(),
                    "reason-tier-review",
                    value = value,
                    unit = metric_unit(policy),
                    window = policy.club.tiering.window.to_string(),
                    tier = tier_name(policy, reached)
                );
                if new > current {
                    self.plan.tally.reviews_up += 1;
                } else {
                    self.plan.tally.reviews_down += 1;
                }
                self.change_tier(book, new, at, &reason);
            }
            book.state.tier_reviewed_at = Some(at);
            at = tiers::next_review(policy, at);
        }
    }
}

fn tier_name(policy: &Policy, index: Option<usize>) -> String {
    index.map_or_else(
        || crate::tr_in!(policy.club.language.unwrap_or_default(), "reason-no-tier"),
        |i| policy.club.tiers[i].id.clone(),
    )
}

/// What the club's tier metric counts, for reasons: `IRR spent`, `points earned`, `visits`.
pub fn metric_unit(policy: &Policy) -> String {
    let lang = policy.club.language.unwrap_or_default();
    let (currency, points) = (&policy.club.currency, &policy.club.points.name);
    match policy.club.tiering.metric {
        crate::club::TierMetric::Spend => crate::tr_in!(lang, "unit-spent", currency = currency),
        crate::club::TierMetric::Points => crate::tr_in!(lang, "unit-earned", points = points),
        crate::club::TierMetric::Visits => crate::tr_in!(lang, "unit-visits"),
        crate::club::TierMetric::Balance => crate::tr_in!(lang, "unit-balance", points = points),
        crate::club::TierMetric::Function => crate::tr_in!(lang, "unit-score"),
    }
}
