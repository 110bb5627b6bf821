//! Groups: households and companies whose members share an account, the pool.
//!
//! A group is an account in the ledger like a member's (a member row of its own, named by
//! the group's id), so lots, oldest-first spending, expiry, debt, statements and tiers work
//! on it unchanged. Every entry belongs to an event of its own member: the pool's part of
//! a member's event `P` is the group's event `P:group` (same type, time and amount, the
//! member and their role as attributes), and a return `R` of `P` writes `R:group`, which
//! takes back from `P:group` exactly as any return takes back from its purchase
//! (`engine::reverse_original`). Because the mirror has the purchase's type and amount,
//! the group's spend, visits and tier are its members' pooled purchases.
//!
//! Membership is by `join` and `leave` events of the member, kept append-only
//! ([`MembershipFact`]); a member is in at most one group of each kind at a time. The
//! member's book holds their own rows; which group an event earns for is the last row of
//! its kind at or before the event's time.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

pub use super::group_facts::{MembershipFact, PoolSpendFact};

use super::book::MemberBook;
use super::plan::Change;
use super::{Decider, Failure};
use crate::club::{GroupKind, GroupRole};
use crate::engine::{Award, EntryKind, EvalError, Outcome};
use crate::event::{Event, EventType};
use crate::policy::Policy;

/// A member's place in a group at some time.
#[derive(Debug, Clone, Copy)]
pub struct Membership<'p> {
    pub group: &'p str,
    pub kind: &'p GroupKind,
    pub role: &'p GroupRole,
}

/// The suffix of the group's mirror of a member's event.
pub const POOL_SUFFIX: &str = ":group";

/// The member's event a stored event of `owner` mirrors, when it is a pool's mirror: its
/// id is `<event>:group` and it names, in its `member` attribute, the member whose event
/// it mirrors (someone else). Reads that count purchases (the value report) count the
/// member's event and skip its mirror, or add the mirror's points to it.
pub fn mirrored_event<'a>(
    id: &'a str,
    owner: &str,
    mirrored_member: Option<&str>,
) -> Option<&'a str> {
    let original = id.strip_suffix(POOL_SUFFIX)?;
    mirrored_member.filter(|m| *m != owner).map(|_| original)
}

/// The groups `book`'s member is in at `at` (one per kind at most), by the kinds the club
/// declares; a row naming a kind or role the club no longer has counts as no group.
pub fn memberships_at<'p>(
    policy: &'p Policy,
    book: &'p MemberBook,
    at: DateTime<Utc>,
) -> Vec<Membership<'p>> {
    let mut latest: BTreeMap<&str, &MembershipFact> = BTreeMap::new();
    for fact in book.groups.iter().filter(|f| f.at <= at) {
        // In the order recorded; a later time wins, and a tie goes to the later row.
        let slot = latest.entry(fact.kind.as_str()).or_insert(fact);
        if fact.at >= slot.at {
            *slot = fact;
        }
    }
    latest
        .into_values()
        .filter_map(|fact| {
            let kind = policy.club.groups.iter().find(|k| k.id == fact.kind)?;
            let role = kind.role(fact.role.as_deref()?)?;
            Some(Membership {
                group: &fact.group,
                kind,
                role,
            })
        })
        .collect()
}

/// The group whose pool `event` (not a return) earns for: the member's group of a kind
/// whose role earns for the group. The first kind in `club.yaml` wins if there are two.
pub fn pool_of<'p>(
    policy: &'p Policy,
    book: &'p MemberBook,
    event: &Event,
) -> Option<Membership<'p>> {
    if !matches!(
        event.kind,
        EventType::Purchase | EventType::Payment | EventType::Custom
    ) {
        return None;
    }
    let mut memberships = memberships_at(policy, book, event.time);
    memberships.retain(|m| m.role.earns_to_group);
    memberships.sort_by_key(|m| {
        policy
            .club
            .groups
            .iter()
            .position(|k| k.id == m.kind.id)
            .unwrap_or(usize::MAX)
    });
    memberships.into_iter().next()
}

/// The pool's part of an event, decided with the member's.
pub(super) struct PoolPart {
    pub event: Event,
    pub awards: Vec<Award>,
}

/// The calendar month of `at` in the club's calendar, as `YYYY-MM`.
pub fn month_of(policy: &Policy, at: DateTime<Utc>) -> String {
    let day = at.with_timezone(&policy.zone).date_naive();
    let local = policy.club.calendar.to_local(day);
    format!("{:04}-{:02}", local.year, local.month)
}

fn problem(column: &'static str, message: String) -> Failure {
    Failure::Rejected(EvalError::input(column, message))
}

impl Decider<'_> {
    /// In a club with groups, an event's id may not end in `:group`: those ids are the
    /// pools' parts of members' events (`<event>:group`), and one taken by a row would
    /// leave a later purchase's pool part nowhere to be written.
    pub(super) fn check_event_id(&self, event: &Event) -> Result<(), Failure> {
        if self.policy.club.groups.is_empty() || !event.id.ends_with(POOL_SUFFIX) {
            return Ok(());
        }
        Err(problem(
            "id",
            crate::tr!("rows-group-id-reserved", id = &event.id),
        ))
    }

    /// Checks a `join` or `leave` event and says the row it writes; `None` for other
    /// events. A member joins one group of a kind at a time (joining the same group again
    /// changes their role); leaving names the group they are in.
    pub(super) fn membership(
        &self,
        book: &MemberBook,
        event: &Event,
    ) -> Result<Option<MembershipFact>, Failure> {
        if !matches!(event.kind, EventType::Join | EventType::Leave) {
            return Ok(None);
        }
        let policy = self.policy;
        let kinds = &policy.club.groups;
        if kinds.is_empty() {
            return Err(problem(
                "group",
                crate::tr!("rows-club-has-no-groups", club = &policy.club.id),
            ));
        }
        let Some(group) = event
            .attributes
            .get("group")
            .map(|g| g.trim())
            .filter(|g| !g.is_empty())
        else {
            return Err(problem(
                "group",
                crate::tr!("rows-group-missing", kind = event.kind.as_str()),
            ));
        };
        if group == event.member {
            return Err(problem(
                "group",
                crate::tr!("rows-group-is-member", group = group),
            ));
        }
        let current = memberships_at(policy, book, event.time);
        let kind = match event.attributes.get("kind").map(|k| k.trim()) {
            Some(name) => kinds.iter().find(|k| k.id == name).ok_or_else(|| {
                let known: Vec<&str> = kinds.iter().map(|k| k.id.as_str()).collect();
                problem(
                    "kind",
                    crate::tr!(
                        "rows-group-kind-unknown",
                        kind = name,
                        kinds = known.join(", ")
                    ),
                )
            })?,
            None if event.kind == EventType::Leave => {
                match current.iter().find(|m| m.group == group) {
                    Some(m) => m.kind,
                    None => {
                        return Err(problem(
                            "group",
                            crate::tr!("rows-group-not-in", member = &event.member, group = group),
                        ))
                    }
                }
            }
            None if kinds.len() == 1 => &kinds[0],
            None => {
                let known: Vec<&str> = kinds.iter().map(|k| k.id.as_str()).collect();
                return Err(problem(
                    "kind",
                    crate::tr!("rows-group-kind-needed", kinds = known.join(", ")),
                ));
            }
        };
        let now = current.iter().find(|m| m.kind.id == kind.id);
        let role = if event.kind == EventType::Join {
            let name = event.attributes.get("role").map(|r| r.trim()).unwrap_or("");
            let Some(role) = kind.role(name) else {
                let known: Vec<&str> = kind.roles.iter().map(|r| r.id.as_str()).collect();
                return Err(problem(
                    "role",
                    crate::tr!(
                        "rows-group-role-unknown",
                        role = name,
                        kind = &kind.id,
                        roles = known.join(", ")
                    ),
                ));
            };
            if let Some(other) = now.filter(|m| m.group != group) {
                return Err(problem(
                    "group",
                    crate::tr!(
                        "rows-group-already",
                        member = &event.member,
                        kind = &kind.id,
                        group = other.group
                    ),
                ));
            }
            Some(role.id.clone())
        } else {
            if now.is_none_or(|m| m.group != group) {
                return Err(problem(
                    "group",
                    crate::tr!("rows-group-not-in", member = &event.member, group = group),
                ));
            }
            None
        };
        Ok(Some(MembershipFact {
            member: event.member.clone(),
            group: group.to_owned(),
            kind: kind.id.clone(),
            role,
            at: event.time,
            event: event.id.clone(),
        }))
    }

    /// Writes a membership row (checked by [`Decider::membership`]) into the plan and the
    /// member's book.
    pub(super) fn record_membership(&mut self, book: &mut MemberBook, fact: MembershipFact) {
        book.groups.push(fact.clone());
        self.plan.changes.push(Change::Membership(fact));
    }

    /// The pool's part of `event`: for a purchase (payment, custom event) of a member in
    /// a group, the part of each of the club's rules' awards the kind gives the pool
    /// (taken off `awards`, rounded as the club rounds points; the member keeps the
    /// rest, so the two add up exactly); for a return, the return of the group's mirror of
    /// the purchase. Checks that the group's sums stay exact. `None`: the event is not the
    /// pool's.
    pub(super) fn pool_part(
        &self,
        book: &MemberBook,
        group: Option<&MemberBook>,
        event: &Event,
        awards: &mut Vec<Award>,
    ) -> Result<Option<PoolPart>, Failure> {
        let Some(group) = group else {
            return Ok(None);
        };
        let policy = self.policy;
        let overflow = |_| Failure::Rejected(EvalError::overflow("the group's points"));
        let (mirror, pool_awards) = if event.kind == EventType::Return {
            let Some(original) = &event.original else {
                return Ok(None);
            };
            let mut mirror = self.mirror(event, group.id(), BTreeMap::new());
            mirror.original = Some(format!("{original}{POOL_SUFFIX}"));
            let record = group
                .original(&format!("{original}{POOL_SUFFIX}"))
                .map_err(overflow)?;
            if record.is_none() {
                return Ok(None);
            }
            let awards = crate::engine::reverse_original(policy, &mirror, record.as_ref())
                .map_err(Failure::Rejected)?;
            (mirror, awards)
        } else {
            let Some(membership) = pool_of(policy, book, event) else {
                return Ok(None);
            };
            if membership.group != group.id() {
                return Ok(None);
            }
            let fraction = match membership.kind.earn {
                crate::club::GroupEarn::Function => {
                    self.scripted_fraction(book, event, membership.kind)?
                }
                _ => membership.kind.pool_fraction(),
            };
            let settings = &policy.club.points;
            let mut pool = Vec::new();
            for award in awards.iter_mut() {
                let ours = award.kind == EntryKind::Earn
                    && award.points > Decimal::ZERO
                    && policy.club.rules.iter().any(|r| r.id == award.rule);
                if !ours || fraction.is_zero() {
                    continue;
                }
                let part = crate::amount::mul(award.points, fraction).map_err(overflow)?;
                let part = settings
                    .rounding
                    .apply(part, settings.precision)
                    .min(award.points);
                if part.is_zero() {
                    continue;
                }
                let mut share = award.clone();
                share.points = part;
                award.points -= part;
                pool.push(share);
            }
            // What went wholly to the pool is not the member's: their statement shows the
            // purchase without it, and the pool's mirror with it.
            if !pool.is_empty() {
                awards.retain(|a| !(a.points.is_zero() && pool.iter().any(|p| p.rule == a.rule)));
            }
            let attributes = BTreeMap::from([
                ("member".to_owned(), event.member.clone()),
                ("role".to_owned(), membership.role.id.clone()),
            ]);
            (self.mirror(event, group.id(), attributes), pool)
        };
        if !group.lots_loaded && pool_awards.iter().any(|a| a.points.is_sign_negative()) {
            return Err(Failure::NeedsLots);
        }
        self.check_room(group, &mirror, pool_awards.iter().map(|a| a.points))
            .map_err(overflow)?;
        Ok(Some(PoolPart {
            event: mirror,
            awards: pool_awards,
        }))
    }

    /// The group's event mirroring a member's: same type, time, amount, attributes and
    /// items (so that it reads as the purchase did), with the member (and their role) in
    /// its attributes.
    fn mirror(&self, event: &Event, group: &str, ours: BTreeMap<String, String>) -> Event {
        let mut attributes = event.attributes.clone();
        attributes.extend(ours);
        attributes.insert("member".to_owned(), event.member.clone());
        let mut mirror = Event::manual(
            &format!("{}{POOL_SUFFIX}", event.id),
            group,
            event.kind,
            event.amount,
            event.time,
            attributes,
        );
        mirror.store = event.store.clone();
        mirror.channel = event.channel.clone();
        mirror.items = event.items.clone();
        mirror
    }

    /// Posts the pool's part on the group's account, after what fell due for the group;
    /// then the group's tier, from its pooled purchases. Returns the points.
    pub(super) fn post_pool(&mut self, group: &mut MemberBook, part: PoolPart) -> Decimal {
        self.catch_up(group, part.event.time);
        let policy = self.policy;
        let outcome = Outcome {
            policy_version: policy.id.clone(),
            when_spent: policy.club.points.when_spent,
            awards: part.awards,
            for_others: Vec::new(),
            trace: Vec::new(),
        };
        // A metric that cannot be worked out leaves the group's tier as it was; the
        // member's event is not refused for it.
        if let Some((tier, reason)) = self.upgrade(group, &part.event, &outcome).ok().flatten() {
            self.change_tier(group, Some(tier), part.event.time, &reason);
            let next = crate::engine::tiers::next_review(policy, part.event.time);
            group.state.tier_valid_until = Some(crate::engine::tiers::next_review(policy, next));
        }
        let mut posting = self.posting(
            Cow::Owned(part.event.clone()),
            part.event.fingerprint(),
            policy.id.clone(),
        );
        for award in outcome.awards {
            self.post_award(group, &mut posting, award);
        }
        self.finish_posting(group, posting)
    }
}

impl Decider<'_> {
    /// The member's state with the group's tier, when their kind shares it
    /// (`members_get_group_tier`) and it is above their own; `None` otherwise.
    pub(super) fn with_group_tier(
        &self,
        book: &MemberBook,
        group: Option<&MemberBook>,
        at: DateTime<Utc>,
    ) -> Option<crate::member::MemberState> {
        let group = group?;
        let policy = self.policy;
        let shares = memberships_at(policy, book, at)
            .iter()
            .any(|m| m.group == group.id() && m.kind.members_get_group_tier);
        let index = |tier: Option<&str>| {
            tier.and_then(|t| policy.club.tiers.iter().position(|d| d.id == t))
        };
        let theirs = index(group.state.tier.as_deref())?;
        if !shares || index(book.state.tier.as_deref()).is_some_and(|own| own >= theirs) {
            return None;
        }
        let mut lifted = book.state.clone();
        lifted.tier = group.state.tier.clone();
        Some(lifted)
    }
}

impl Decider<'_> {
    /// Redeems the reward of `event` (a redemption of the group's, with the member who
    /// makes it in its `by` attribute) from the pool of `group`'s book: the member must be
    /// in the group at the time with a role that may spend, within the role's monthly
    /// limit (what they spent from this pool in the same calendar month, less what
    /// cancelled redemptions gave back to it). Then as any redemption, on the group's account.
    pub fn redeem_from_pool(
        &mut self,
        group: &mut MemberBook,
        member: &MemberBook,
        event: &Event,
    ) -> Result<super::Redeemed, Failure> {
        let policy = self.policy;
        let lang = policy.club.language.unwrap_or_default();
        let figure =
            |points: Decimal| crate::locale::numerals_in(lang, &points.normalize().to_string());
        let Some(membership) = memberships_at(policy, member, event.time)
            .into_iter()
            .find(|m| m.group == group.id())
        else {
            return super::manual::refuse(crate::tr_in!(
                lang,
                "refuse-pool-not-member",
                member = member.id(),
                group = group.id()
            ));
        };
        if !membership.role.spend {
            return super::manual::refuse(crate::tr_in!(
                lang,
                "refuse-pool-role",
                member = member.id(),
                group = group.id(),
                role = &membership.role.id
            ));
        }
        let reward = event.attributes.get("reward").cloned().unwrap_or_default();
        let cost = super::find_reward(policy, &reward)?.cost;
        let month = month_of(policy, event.time);
        if let Some(limit) = membership.role.monthly_limit {
            let spent = crate::amount::sum(
                group
                    .pool_spends
                    .iter()
                    .filter(|s| s.member == member.id() && s.month == month)
                    .map(|s| s.points),
            )
            .map_err(|_| Failure::Rejected(EvalError::overflow("the pool's spends")))?;
            if spent.checked_add(cost).is_none_or(|total| total > limit) {
                return super::manual::refuse(crate::tr_in!(
                    lang,
                    "refuse-pool-limit",
                    member = member.id(),
                    role = &membership.role.id,
                    limit = figure(limit),
                    points = &policy.club.points.name,
                    spent = figure(spent),
                    cost = figure(cost)
                ));
            }
        }
        let redeemed = self.redeem(group, event)?;
        let fact = PoolSpendFact {
            group: group.id().to_owned(),
            member: member.id().to_owned(),
            event: event.id.clone(),
            at: event.time,
            month,
            points: cost,
        };
        group.pool_spends.push(fact.clone());
        self.plan.changes.push(Change::PoolSpend(fact));
        Ok(redeemed)
    }
}

impl Decider<'_> {
    /// `earn: function`: the pool's part of `event`'s points as the kind's function says
    /// (a percentage from 0 to 100), as a fraction. Anything else rejects the event, naming
    /// the function.
    fn scripted_fraction(
        &self,
        book: &MemberBook,
        event: &Event,
        kind: &GroupKind,
    ) -> Result<Decimal, Failure> {
        let policy = self.policy;
        let name = kind.function.as_deref().unwrap_or_default();
        let fail = |detail: String| {
            Failure::Rejected(EvalError::message(crate::tr!(
                "rows-group-function-failed",
                function = name,
                kind = &kind.id,
                detail = detail
            )))
        };
        let script = policy
            .club
            .groups
            .iter()
            .position(|k| k.id == kind.id)
            .and_then(|i| policy.group_functions.get(i).copied().flatten())
            .ok_or_else(|| fail(String::new()))?;
        let value = policy
            .call(
                script,
                name,
                (
                    rhai::Dynamic::from(crate::policy::script_values::event_value(event, policy)),
                    rhai::Dynamic::from(crate::engine::benefits::member_value(&book.state, policy)),
                ),
            )
            .map_err(|error| fail(crate::policy::error_message(&error)))?;
        let percent = match value.as_int() {
            Ok(int) => Some(Decimal::from(int)),
            Err(_) => value.read_lock::<Decimal>().map(|d| *d),
        };
        match percent {
            Some(p) if p >= Decimal::ZERO && p <= Decimal::ONE_HUNDRED => {
                Ok(p / Decimal::ONE_HUNDRED)
            }
            _ => Err(fail(crate::tr!("rows-group-function-percent"))),
        }
    }
}
