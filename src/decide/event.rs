//! Deciding one event of a member: what fell due before it, its evaluation, an upgrade it
//! brings, campaign budgets, its entries, the deals it joins, challenge progress, the
//! welcome of a new member, a reply's consent, and points it gives to others.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::book::MemberBook;
use super::{Decider, Failure};
use crate::engine::{evaluate, Award, EvalError, EvaluationInput, OriginalRecord};
use crate::event::{Event, EventType};
use crate::messaging::Occasion;

/// What deciding an event gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// The points of the event's own entries.
    pub points: Decimal,
    /// Points the event gives other members (a referrer): each is decided with that
    /// member's book ([`Decider::gift`]), in the same plan.
    pub gifts: Vec<Gift>,
    /// The points of the group's mirror of the event (its pool's part), if it had one.
    pub pool: Option<Decimal>,
}

/// Points an event gives another member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gift {
    pub to: String,
    pub award: Award,
    pub from_event: String,
    pub from_member: String,
    pub at: DateTime<Utc>,
}

impl<'a> Decider<'a> {
    /// Decides `event` for the member of `book`. On failure the book is as it was and the
    /// plan holds nothing of the event (the caller drops it).
    pub fn event(
        &mut self,
        book: &mut MemberBook,
        event: &'a Event,
        fingerprint: &str,
    ) -> Result<Decided, Failure> {
        self.event_with_group(book, None, event, fingerprint)
    }

    /// [`Decider::event`] with the book of the group whose pool the event earns for (or,
    /// for a return, whose mirror of the purchase it gives back): see
    /// [`super::groups::pool_of`]. The group's book is changed only once the event is
    /// accepted.
    pub fn event_with_group(
        &mut self,
        book: &mut MemberBook,
        group: Option<&mut MemberBook>,
        event: &'a Event,
        fingerprint: &str,
    ) -> Result<Decided, Failure> {
        self.backup = Some(None);
        let (changes, tally, warnings) = (
            self.plan.changes.len(),
            self.plan.tally.clone(),
            self.plan.warnings.len(),
        );
        // An amount in a foreign currency is converted before anything reads it.
        let result = super::currency::convert(self.policy, book, event)
            .map_err(Failure::Rejected)
            .and_then(|event| self.event_in(book, group, event, fingerprint));
        if result.is_err() {
            // Nothing of a failed event stays: not its catch-up either.
            self.plan.changes.truncate(changes);
            self.plan.tally = tally;
            self.plan.warnings.truncate(warnings);
            if let Some(Some(backup)) = self.backup.take() {
                *book = backup;
            }
        }
        self.backup = None;
        result
    }

    fn event_in(
        &mut self,
        book: &mut MemberBook,
        group: Option<&mut MemberBook>,
        written: std::borrow::Cow<'a, Event>,
        fingerprint: &str,
    ) -> Result<Decided, Failure> {
        let event: &Event = &written;
        let policy = self.policy;
        let first_event = book.is_new && !book.posted;
        // What fell due before this event (greetings, deal checkpoints, reviews, expiry)
        // happens first, whatever batch the event came in.
        self.catch_up(book, event.time);
        let reject = |error: EvalError| Failure::Rejected(error);
        if policy.uses_member_stats {
            book.state.stats = book
                .window_stats(event.time)
                .map_err(|_| reject(EvalError::overflow("the member's spend")))?;
        }
        self.check_event_id(event)?;
        self.check_prize_id(event)?;
        let membership = self.membership(book, event)?;
        let original = match (&event.kind, &event.original) {
            (EventType::Return, Some(id)) => self.original(book, id)?,
            _ => None,
        };
        // A member of a group whose kind shares its tier earns at the group's when higher.
        let lifted = self.with_group_tier(book, group.as_deref(), event.time);
        let input = EvaluationInput {
            event,
            member: lifted.as_ref().unwrap_or(&book.state),
            original: original.as_ref(),
        };
        let mut outcome = evaluate(policy, input).map_err(reject)?;
        let upgrade = self.upgrade(book, event, &outcome).map_err(reject)?;
        if let Some((tier, _)) = &upgrade {
            if policy.club.tiering.upgrade_earns_at == crate::club::UpgradeEarns::New {
                // The purchase that lifts the member earns at the new tier's rate.
                let mut lifted = lifted.clone().unwrap_or_else(|| book.state.clone());
                // A group's tier above the new one still counts.
                let shared = crate::engine::benefits::tier_index(policy, lifted.tier.as_deref());
                if shared.is_none_or(|shared| shared < *tier) {
                    lifted.tier = Some(policy.club.tiers[*tier].id.clone());
                }
                outcome = evaluate(
                    policy,
                    EvaluationInput {
                        member: &lifted,
                        ..input
                    },
                )
                .map_err(reject)?;
            }
        }
        if !book.lots_loaded && outcome.awards.iter().any(|a| a.points.is_sign_negative()) {
            return Err(Failure::NeedsLots);
        }
        let spend = self.budgets(book, event, &mut outcome)?;
        let pool = self.pool_part(book, group.as_deref(), event, &mut outcome.awards)?;
        self.check_room(book, event, outcome.awards.iter().map(|a| a.points))
            .map_err(|_| reject(EvalError::overflow("the member's points or spend")))?;

        // From here on nothing fails: the event is accepted.
        if let Some((tier, reason)) = upgrade {
            self.change_tier(book, Some(tier), event.time, &reason);
            // A tier reached in this review period holds through the next one.
            let next = crate::engine::tiers::next_review(policy, event.time);
            book.state.tier_valid_until = Some(crate::engine::tiers::next_review(policy, next));
        }
        let version = std::mem::take(&mut outcome.policy_version);
        let mut posting = self.posting(written.clone(), fingerprint.to_owned(), version);
        for award in std::mem::take(&mut outcome.awards) {
            self.post_award(book, &mut posting, award);
        }
        if let Some(credit) = event.credit_used {
            // Evaluation refused the event if the wallet held less.
            self.credit(
                book,
                &mut posting,
                -credit,
                "paid part of this purchase".into(),
            );
        }
        let points = self.finish_posting(book, posting);
        self.score_contests(book, event, points);
        if let Some(fact) = membership {
            self.record_membership(book, fact);
        }
        let pool = match (pool, group) {
            (Some(part), Some(group)) => Some(self.post_pool(group, part)),
            _ => None,
        };
        self.record_spend(book, event, spend);
        self.enroll(book, event);
        self.progress_challenges(book, event);
        if first_event {
            let occasion =
                Occasion::new("enrolled", format!("enrolled:{}", event.member), event.time);
            self.happen(book, EventType::Enrolled, occasion);
        }
        if event.kind == EventType::Custom {
            self.reply(book, event);
        }
        let gifts = std::mem::take(&mut outcome.for_others)
            .into_iter()
            .map(|(to, award)| Gift {
                to,
                award,
                from_event: event.id.clone(),
                from_member: event.member.clone(),
                at: event.time,
            })
            .collect();
        Ok(Decided {
            points,
            gifts,
            pool,
        })
    }

    /// What a return of `id` needs: the member's own purchase, or, for an event of
    /// another member's, enough for evaluation to say whose it is.
    fn original(&self, book: &MemberBook, id: &str) -> Result<Option<OriginalRecord>, Failure> {
        if let Some(record) = book
            .original(id)
            .map_err(|_| Failure::Rejected(EvalError::overflow("the return")))?
        {
            return Ok(Some(record));
        }
        Ok(self
            .facts
            .event_owner(id)?
            .map(|(member, kind)| OriginalRecord {
                member,
                kind,
                amount: Decimal::ZERO,
                returned_before: Decimal::ZERO,
                awards: Vec::new(),
                reversed_before: BTreeMap::new(),
            }))
    }

    /// Points an event gives another member (a referrer's bonus): an event of that
    /// member's own, `<event>:to:<member>`, so that their statement says where the points
    /// came from.
    pub fn gift(&mut self, book: &mut MemberBook, gift: &Gift) -> Result<(), Failure> {
        let attributes = BTreeMap::from([
            ("from_event".to_owned(), gift.from_event.clone()),
            ("from_member".to_owned(), gift.from_member.clone()),
        ]);
        let event = Event::manual(
            &format!("{}:to:{}", gift.from_event, gift.to),
            &gift.to,
            EventType::Custom,
            Decimal::ZERO,
            gift.at,
            attributes,
        );
        self.post_event(book, &event, std::slice::from_ref(&gift.award))
            .map_err(|_| Failure::Rejected(EvalError::overflow("the points given")))?;
        Ok(())
    }

    /// Joins the deal an `enroll` event names (evaluation checked it), and the automatic
    /// deals a member's first purchase joins.
    fn enroll(&mut self, book: &mut MemberBook, event: &Event) {
        for (index, deal) in self.policy.club.deals.iter().enumerate() {
            let joins = match (event.kind, deal.enroll) {
                (EventType::Enroll, crate::club::Enrollment::Event) => {
                    event.attributes.get("deal") == Some(&deal.id)
                }
                (EventType::Purchase, crate::club::Enrollment::Auto) => {
                    !book.state.deals.iter().any(|d| d.deal == deal.id)
                }
                _ => false,
            };
            if joins {
                self.join_deal(book, index, &event.id, event.time);
            }
        }
    }

    /// An inbound message from a member (`type: custom` with a `reply` attribute, e.g.
    /// from an SMS gateway): an opt-out word withdraws consent for the channel it came on,
    /// an opt-in word gives it. The channel is the `reply_channel` attribute; else, as
    /// before it existed, a `channel` that names a message channel; else every channel.
    /// (Issue 12: `channel` is the sales channel, so a reply's `channel: bad` made a STOP
    /// opt the member out of everything; such a row is now refused at import, see
    /// `import::event_row`, and only an event stored before is decided that way again.)
    fn reply(&mut self, book: &mut MemberBook, event: &Event) {
        let (Some(settings), Some(text)) =
            (&self.policy.club.messages, event.attributes.get("reply"))
        else {
            return;
        };
        let said = |words: &[String]| {
            words
                .iter()
                .any(|w| w.trim().eq_ignore_ascii_case(text.trim()))
        };
        let granted = if said(&settings.opt_out_words) {
            false
        } else if said(&settings.opt_in_words) {
            true
        } else {
            return;
        };
        let is_channel = |name: &&String| settings.channels.iter().any(|c| c.id == **name);
        let via = event
            .attributes
            .get("reply_channel")
            .or(event.channel.as_ref().filter(is_channel))
            .or(event.attributes.get("channel").filter(is_channel));
        let source = format!("reply `{}` ({})", text.trim(), event.id);
        for channel in &settings.channels {
            if via.is_none_or(|c| *c == channel.id) {
                self.consent(book, &channel.id, granted, event.time, &source);
            }
        }
    }
}
