//! Spending points: redeeming a reward from the catalogue, and turning points into credit.
//!
//! Each checks everything first (the reward exists and is valid that day, stock, the
//! member's limit, type and tier, points that can be spent now), then spends. The store
//! records it in the transaction that holds the ledger's write lock, so two redemptions
//! racing for the same last points or the same last item are decided one after the
//! other: the second sees the first's spend and is refused.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::book::MemberBook;
use super::manual::refuse;
use super::plan::Change;
use super::posting::EntryLine;
use super::{Decider, Failure};
use crate::club::{RewardDefinition, RewardKind};
use crate::engine::{Award, EntryKind, EvalError, LotTerms};
use crate::event::{Event, EventType};
use crate::policy::Policy;

/// A redemption decided: its code, if the reward has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeemed {
    pub code: Option<String>,
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

/// The reward named `id`, or a refusal that suggests the near one.
pub fn find_reward<'a>(policy: &'a Policy, id: &str) -> Result<&'a RewardDefinition, Failure> {
    if let Some(found) = policy.club.rewards.iter().find(|r| r.id == id) {
        return Ok(found);
    }
    let known: Vec<&str> = policy.club.rewards.iter().map(|r| r.id.as_str()).collect();
    let lang = policy.club.language.unwrap_or_default();
    let hint = match crate::diagnostic::did_you_mean(id, known.iter().copied()) {
        Some(near) => crate::tr_in!(lang, "refuse-reward-near", name = near),
        None if known.is_empty() => crate::tr_in!(lang, "refuse-no-rewards"),
        None => crate::tr_in!(lang, "refuse-rewards-are", rewards = known.join(", ")),
    };
    refuse(crate::tr_in!(
        lang,
        "refuse-no-reward",
        id = id,
        club = &policy.club.id,
        hint = hint
    ))
}

impl Decider<'_> {
    /// The event a redemption of `reward` writes.
    pub fn redemption(
        policy: &Policy,
        id: &str,
        member: &str,
        reward: &str,
        at: DateTime<Utc>,
    ) -> Result<Event, Failure> {
        let definition = find_reward(policy, reward)?;
        Ok(Event::manual(
            id,
            member,
            EventType::Redemption,
            definition.cost,
            at,
            BTreeMap::from([("reward".to_owned(), reward.to_owned())]),
        ))
    }

    /// Redeems the reward of `event` (a [`Decider::redemption`]) for the member.
    pub fn redeem(&mut self, book: &mut MemberBook, event: &Event) -> Result<Redeemed, Failure> {
        let backup = book.clone();
        let result = self.redeem_in(book, event);
        if result.is_err() {
            *book = backup;
        }
        result
    }

    fn redeem_in(&mut self, book: &mut MemberBook, event: &Event) -> Result<Redeemed, Failure> {
        let policy = self.policy;
        let reward = event.attributes.get("reward").cloned().unwrap_or_default();
        let definition = find_reward(policy, &reward)?;
        let at = event.time;
        self.catch_up(book, at);
        self.check_reward(book, definition, at)?;
        self.spendable(book, definition.cost, at)?;
        let lang = policy.club.language.unwrap_or_default();
        // The title in the club's language, else the first it has.
        let title = definition
            .title
            .get(lang.code())
            .or_else(|| definition.title.values().next())
            .cloned()
            .unwrap_or_else(|| reward.clone());
        let award = Award {
            rule: "redeem".into(),
            points: -definition.cost,
            reason: crate::tr_in!(lang, "reason-redeemed", reward = &reward, title = title),
            policy_version: policy.id.clone(),
            kind: EntryKind::Redeem,
            lot: None,
        };
        let credit = match (definition.kind, definition.credit) {
            (RewardKind::Credit, Some(amount)) => Some(amount),
            _ => None,
        };
        let overflow = |_| Failure::Rejected(EvalError::overflow("the redemption"));
        self.check_room(book, event, [definition.cost, credit.unwrap_or_default()])
            .map_err(overflow)?;
        let code = if definition.kind.has_code() {
            let mut attempt = 0;
            loop {
                let code = code_for(&policy.club.id, &event.id, attempt);
                if !self.facts.code_taken(&code)? {
                    break Some(code);
                }
                attempt += 1;
            }
        } else {
            None
        };
        let mut posting = self.posting(
            std::borrow::Cow::Owned(event.clone()),
            event.fingerprint(),
            policy.id.clone(),
        );
        self.post_award(book, &mut posting, award);
        if let Some(amount) = credit {
            self.credit(book, &mut posting, amount, format!("reward `{reward}`"));
        }
        self.finish_posting(book, posting);
        book.redemptions.push(reward.clone());
        self.announce(
            crate::club::WebhookEvent::RewardRedeemed,
            &event.id,
            book.id(),
            at,
            vec![
                ("redemption", event.id.clone()),
                ("reward", reward.clone()),
                ("points", definition.cost.normalize().to_string()),
                ("code", code.clone().unwrap_or_default()),
                ("balance", book.state.balance.normalize().to_string()),
            ],
        );
        self.plan.changes.push(Change::Redemption {
            event: event.id.clone(),
            member: book.id().to_owned(),
            reward,
            points: definition.cost,
            code: code.clone(),
            at,
        });
        Ok(Redeemed { code })
    }

    /// The event a cancellation of redemption `redemption` writes.
    pub fn cancellation(
        id: &str,
        member: &str,
        redemption: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Event {
        let attributes = BTreeMap::from([("reason".to_owned(), reason.trim().to_owned())]);
        let mut event = Event::manual(
            id,
            member,
            EventType::Cancellation,
            Decimal::ZERO,
            at,
            attributes,
        );
        event.original = Some(redemption.to_owned());
        event
    }

    /// Cancels the redemption `event` names (a [`Decider::cancellation`]): its points come
    /// back with the expiry dates they had (what would have expired by now does not), the
    /// credit it gave leaves the wallet, and its item counts to the stock and the member's
    /// limit no more. A reward already handed over (its code used at a till) stays
    /// redeemed.
    pub fn cancel_redemption(
        &mut self,
        book: &mut MemberBook,
        event: &Event,
    ) -> Result<(), Failure> {
        let backup = book.clone();
        let result = self.cancel_in(book, event);
        if result.is_err() {
            *book = backup;
        }
        result
    }

    fn cancel_in(&mut self, book: &mut MemberBook, event: &Event) -> Result<(), Failure> {
        let policy = self.policy;
        let redemption = event.original.clone().unwrap_or_default();
        let reason = event
            .attributes
            .get("reason")
            .map(|r| r.trim())
            .unwrap_or("");
        let lang = policy.club.language.unwrap_or_default();
        if reason.is_empty() {
            return refuse(crate::tr_in!(lang, "refuse-cancel-reason"));
        }
        let Some(fact) = self.facts.redemption(&redemption)? else {
            return refuse(crate::tr_in!(
                lang,
                "refuse-no-redemption",
                redemption = &redemption,
                club = &policy.club.id
            ));
        };
        if fact.member != book.id() {
            return refuse(crate::tr_in!(
                lang,
                "refuse-not-theirs",
                redemption = &redemption,
                owner = &fact.member,
                member = book.id()
            ));
        }
        if let Some(by) = &fact.cancelled_by {
            return refuse(crate::tr_in!(
                lang,
                "refuse-cancelled",
                redemption = &redemption,
                by = by
            ));
        }
        if let (Some(code), Some((at, reference))) = (&fact.code, &fact.code_used) {
            return refuse(crate::tr_in!(
                lang,
                "refuse-code-used",
                code = code,
                redemption = &redemption,
                at = at.to_string(),
                reference = reference
            ));
        }
        let at = event.time;
        self.catch_up(book, at);
        if fact.credit > book.state.credit {
            return refuse(crate::tr_in!(
                lang,
                "refuse-credit-spent",
                member = book.id(),
                credit = book.state.credit,
                currency = &policy.club.currency,
                given = fact.credit,
                redemption = &redemption
            ));
        }
        // Points come back into lots that keep their old expiry; what has expired since
        // would have been lost anyway, so it is not given back (else redeeming and
        // cancelling would stretch points' lives).
        let mut parts: Vec<(Decimal, LotTerms)> = Vec::new();
        let mut lapsed = Decimal::ZERO;
        let spent_from_lots: Decimal = fact.taken.iter().map(|(p, _)| *p).sum();
        let taken =
            fact.taken.iter().copied().chain(
                (fact.points > spent_from_lots).then(|| (fact.points - spent_from_lots, None)),
            );
        for (points, expires_at) in taken {
            if expires_at.is_some_and(|when| when <= at) {
                lapsed += points;
            } else {
                parts.push((
                    points,
                    LotTerms {
                        pending_until: at,
                        expires_at,
                    },
                ));
            }
        }
        let back: Decimal = parts.iter().map(|(p, _)| *p).sum();
        let overflow = |_| Failure::Rejected(EvalError::overflow("the cancellation"));
        self.check_room(book, event, [back, fact.credit])
            .map_err(overflow)?;
        let mut why = format!(
            "cancelled redemption `{redemption}` of `{}`: {reason}",
            fact.reward
        );
        if !lapsed.is_zero() {
            why.push_str(&format!(
                " ({} {} had expired meanwhile and stay expired)",
                lapsed.normalize(),
                policy.club.points.name
            ));
        }
        let mut posting = self.posting(
            std::borrow::Cow::Owned(event.clone()),
            event.fingerprint(),
            policy.id.clone(),
        );
        self.add_points(
            book,
            &mut posting,
            EntryLine {
                rule: "cancel".into(),
                reason: why,
                kind: EntryKind::Cancel,
                policy_version: policy.id.clone(),
            },
            &parts,
        );
        if fact.credit > Decimal::ZERO {
            self.credit(
                book,
                &mut posting,
                -fact.credit,
                format!("redemption `{redemption}` cancelled"),
            );
        }
        self.finish_posting(book, posting);
        if let Some(at) = book.redemptions.iter().position(|r| *r == fact.reward) {
            book.redemptions.remove(at);
        }
        self.announce(
            crate::club::WebhookEvent::RedemptionCancelled,
            &event.id,
            book.id(),
            at,
            vec![
                ("redemption", redemption.clone()),
                ("reward", fact.reward.clone()),
                ("points", back.normalize().to_string()),
                ("balance", book.state.balance.normalize().to_string()),
            ],
        );
        // A redemption from a group's pool gives its points back to the spender's monthly
        // limit too, in the month it was counted in: a row of its own, the opposite of
        // the spend, so the spends stay append-only.
        if let Some(spend) = book.pool_spends.iter().find(|s| s.event == redemption) {
            let given_back = super::group_facts::PoolSpendFact {
                event: event.id.clone(),
                at,
                points: -spend.points,
                ..spend.clone()
            };
            book.pool_spends.push(given_back.clone());
            self.plan.changes.push(Change::PoolSpend(given_back));
        }
        self.plan.changes.push(Change::RedemptionCancelled {
            redemption,
            event: event.id.clone(),
            member: book.id().to_owned(),
            at,
            reason: reason.to_owned(),
        });
        Ok(())
    }

    /// Turns `points` (the amount of a conversion event) of the member into credit at the
    /// club's rate.
    pub fn convert(&mut self, book: &mut MemberBook, event: &Event) -> Result<(), Failure> {
        let backup = book.clone();
        let result = self.convert_in(book, event);
        if result.is_err() {
            *book = backup;
        }
        result
    }

    fn convert_in(&mut self, book: &mut MemberBook, event: &Event) -> Result<(), Failure> {
        let policy = self.policy;
        let Some(settings) = &policy.club.credit else {
            return refuse(crate::tr_in!(
                policy.club.language.unwrap_or_default(),
                "refuse-no-credit",
                club = &policy.club.id
            ));
        };
        let (points, at) = (event.amount, event.time);
        if points <= Decimal::ZERO || points < settings.minimum {
            let lang = policy.club.language.unwrap_or_default();
            return refuse(crate::tr_in!(
                lang,
                "refuse-convert-minimum",
                minimum = figure(lang, settings.minimum),
                points = &policy.club.points.name
            ));
        }
        self.catch_up(book, at);
        self.spendable(book, points, at)?;
        let overflow = |_| Failure::Rejected(EvalError::overflow("the conversion"));
        let credit = crate::amount::mul(points, settings.rate).map_err(overflow)?;
        self.check_room(book, event, [points, credit])
            .map_err(overflow)?;
        let award = Award {
            rule: "credit".into(),
            points: -points,
            reason: crate::tr_in!(
                policy.club.language.unwrap_or_default(),
                "reason-converted",
                credit = credit,
                currency = &policy.club.currency
            ),
            policy_version: policy.id.clone(),
            kind: EntryKind::Convert,
            lot: None,
        };
        let mut posting = self.posting(
            std::borrow::Cow::Owned(event.clone()),
            event.fingerprint(),
            policy.id.clone(),
        );
        self.post_award(book, &mut posting, award);
        self.credit(
            book,
            &mut posting,
            credit,
            format!("{} points converted", points.normalize()),
        );
        self.finish_posting(book, posting);
        Ok(())
    }

    fn spendable(
        &self,
        book: &MemberBook,
        points: Decimal,
        at: DateTime<Utc>,
    ) -> Result<(), Failure> {
        let (available, _) = book.balances(at);
        if available < points {
            let lang = self.policy.club.language.unwrap_or_default();
            return refuse(crate::tr_in!(
                lang,
                "refuse-too-few",
                member = book.id(),
                available = figure(lang, available),
                points = &self.policy.club.points.name,
                needed = figure(lang, points)
            ));
        }
        Ok(())
    }

    fn check_reward(
        &self,
        book: &MemberBook,
        reward: &RewardDefinition,
        at: DateTime<Utc>,
    ) -> Result<(), Failure> {
        let policy = self.policy;
        let state = &book.state;
        let (member, member_type, member_tier) = (
            state.id.as_str(),
            state.member_type.as_str(),
            state.tier.as_deref(),
        );
        let calendar = policy.club.calendar;
        let lang = policy.club.language.unwrap_or_default();
        let or = crate::tr_in!(lang, "refuse-or");
        let today = at.with_timezone(&policy.zone).date_naive();
        let date =
            |text: &Option<String>| text.as_deref().and_then(|t| calendar.parse_date(t).ok());
        if let Some(from) = date(&reward.valid_from) {
            if today < from {
                return refuse(crate::tr_in!(
                    lang,
                    "refuse-not-yet",
                    reward = &reward.id,
                    date = crate::locale::numerals_in(lang, &calendar.format(from))
                ));
            }
        }
        if let Some(until) = date(&reward.valid_until) {
            if today > until {
                return refuse(crate::tr_in!(
                    lang,
                    "refuse-no-longer",
                    reward = &reward.id,
                    date = crate::locale::numerals_in(lang, &calendar.format(until))
                ));
            }
        }
        if !reward.member_types.is_empty() && !reward.member_types.iter().any(|t| t == member_type)
        {
            return refuse(crate::tr_in!(
                lang,
                "refuse-member-type",
                reward = &reward.id,
                types = reward.member_types.join(&or),
                member = member,
                kind = member_type
            ));
        }
        if !reward.tiers.is_empty()
            && !member_tier.is_some_and(|t| reward.tiers.iter().any(|r| r == t))
        {
            return refuse(crate::tr_in!(
                lang,
                "refuse-tier",
                reward = &reward.id,
                tiers = reward.tiers.join(&or),
                member = member,
                tier = member_tier
                    .map_or_else(|| crate::tr_in!(lang, "refuse-in-no-tier"), str::to_owned)
            ));
        }
        if let Some(stock) = reward.stock {
            if self.facts.redeemed(&reward.id)? >= stock {
                return refuse(crate::tr_in!(
                    lang,
                    "refuse-out-of-stock",
                    reward = &reward.id,
                    stock = crate::locale::numerals_in(lang, &stock.to_string())
                ));
            }
        }
        if let Some(limit) = reward.per_member {
            let used = book.redemptions.iter().filter(|r| **r == reward.id).count() as u64;
            if used >= limit {
                return refuse(crate::tr_in!(
                    lang,
                    "refuse-limit",
                    member = member,
                    reward = &reward.id,
                    used = crate::locale::numerals_in(lang, &used.to_string())
                ));
            }
        }
        Ok(())
    }
}

/// Points in a refusal, as the club's language writes them (ungrouped, as typed).
fn figure(lang: crate::locale::Lang, points: Decimal) -> String {
    crate::locale::numerals_in(lang, &points.normalize().to_string())
}
