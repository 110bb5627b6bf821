//! [`MemberBook`]: everything the decision stage knows about one member, in memory.
//!
//! The store loads a member's book once (per transaction) and the decision stage reads it
//! instead of the database: their state, their purchases, returns and payments, the
//! points their rules earned, their lots, the messages and notices they were given, their
//! consents, challenge progress, campaign awards and redemptions. As a decision unfolds it
//! updates the book in step with the [`super::Plan`] it writes, so that what a later part
//! of the same decision reads (a tier review after an expiry, a purchase after a review)
//! is what the ledger will hold once the plan is recorded. A book and the ledger agree
//! after every recorded plan; that is the invariant the recorder keeps.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

use crate::amount::Overflow;
use crate::engine::{EntryKind, OriginalRecord, Standing};
use crate::event::EventType;
use crate::member::{MemberState, MemberStats};

pub use super::history::{EntryFact, EventFact, LotFact};
use super::lots::{LotSummary, Lots};
use super::rest::Rest;
pub use super::rest::SpendFact;

/// `text` as one shared copy per thread: rule names and policy versions (a 64-character
/// hash) are repeated in every entry of every held book, and held books are most of an
/// import's memory (issue 14: entries were 40 % of a realistic club's book, 180 bytes
/// each, the hash and the rule name 90 of them).
pub fn shared_text(text: &str) -> Arc<str> {
    /// Only rule names and versions come here; a server that reloads for months could
    /// still gather many versions, so the copies are let go past this many.
    const AT_MOST: usize = 4_096;
    thread_local! {
        // A fast hash: this is asked for each rule name and version of every book
        // thawed (a 64-character hash, under SipHash a hundredth of the deciding thread).
        static SHARED: RefCell<rustc_hash::FxHashSet<Arc<str>>> = RefCell::default();
    }
    SHARED.with(|shared| {
        let mut shared = shared.borrow_mut();
        if let Some(found) = shared.get(text) {
            return Arc::clone(found);
        }
        if shared.len() >= AT_MOST {
            shared.clear();
        }
        let text: Arc<str> = Arc::from(text);
        shared.insert(Arc::clone(&text));
        text
    })
}

/// An empty text, one copy per thread: the event of a lot in a book without history
/// (nothing looks it up), given without hashing or allocating at every lot.
pub fn no_text() -> Arc<str> {
    thread_local! {
        static EMPTY: Arc<str> = Arc::from("");
    }
    EMPTY.with(Arc::clone)
}

/// What one return stood for, for one rule of the purchase it gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnShare {
    pub return_event: String,
    pub original: String,
    pub rule: Arc<str>,
    pub policy_version: Arc<str>,
    /// The share of the rule's award this return reversed (negative).
    pub points: Decimal,
    /// Of it, taken from lots.
    pub taken: Decimal,
    /// Left owed (debt).
    pub owed: Decimal,
    /// Not taken because the points had expired (`returns.after_expiry: forgive`).
    pub forgiven: Decimal,
    /// The part that stood for the purchase's expired points, whatever was done with it.
    pub expired: Decimal,
}

/// A message queued for the member on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFact {
    pub key: String,
    pub channel: String,
    /// The member's local day it was queued for (the daily cap counts per day).
    pub day: String,
    pub suppressed: bool,
}

/// A challenge's progress in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeFact {
    pub challenge: String,
    pub period: String,
    pub purchases: i64,
    pub spend: Decimal,
    pub completed_at: Option<DateTime<Utc>>,
}

/// Which of a member's facts a club's decisions read: a club that only earns points on
/// purchases needs the member and their unspent lots, not their whole history. The
/// store loads what is asked for; a return asks for the history even when the club
/// otherwise does not ([`MemberBook::history`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookNeeds {
    /// Events, earn and reverse entries, every lot, return shares, and every event id:
    /// for tiers, deals, member statistics, expiry, greetings, lifecycle awards and
    /// challenges (their events are named after the member and must not repeat).
    pub history: bool,
    /// The member's deal enrolments.
    pub deals: bool,
    pub messages: bool,
    pub notices: bool,
    pub challenges: bool,
    pub campaign_spend: bool,
    pub redemptions: bool,
    /// Memberships of groups, and what was spent from a group's pool.
    pub groups: bool,
}

impl BookNeeds {
    /// What `policy`'s decisions read.
    pub fn of(policy: &crate::policy::Policy) -> BookNeeds {
        let club = &policy.club;
        let hooks = club
            .rules
            .iter()
            .any(|r| r.enabled && r.events.iter().any(|e| e.is_occasion()));
        BookNeeds {
            history: !club.tiers.is_empty()
                || !club.deals.is_empty()
                || policy.uses_member_stats
                || policy.has_expiry()
                || policy.greets()
                || hooks
                || !club.challenges.is_empty(),
            deals: !club.deals.is_empty(),
            messages: club.messages.is_some(),
            notices: policy.has_expiry(),
            challenges: !club.challenges.is_empty(),
            campaign_spend: club
                .campaigns
                .iter()
                .any(|c| c.budget.as_ref().is_some_and(|b| b.per_member.is_some())),
            redemptions: club.rewards.iter().any(|r| r.per_member.is_some()),
            groups: !club.groups.is_empty(),
        }
    }

    /// Everything: for views and tools that read a member whole.
    pub fn all() -> BookNeeds {
        BookNeeds {
            history: true,
            deals: true,
            messages: true,
            notices: true,
            challenges: true,
            campaign_spend: true,
            redemptions: true,
            groups: true,
        }
    }
}

/// What a book costs in memory before its facts, counted as facts of its history
/// ([`MemberBook::weight`]): its struct (824 bytes), the member's id and its place among
/// the held books, some 900 bytes, as much as six facts. Counted as one fact, the books
/// of a club that only earns (the member's row and little else) were held back by the
/// bound on the number of books instead, which made most of its purchases a read of the
/// member's row on the writer (issue 14).
pub const BOOK_WEIGHT: usize = 6;

/// One member's facts, as the decision stage reads and updates them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberBook {
    pub state: MemberState,
    /// Not yet in the ledger: the recorder creates the member's row.
    pub is_new: bool,
    /// Whether `joined` was given (a members file, a test) rather than taken from the
    /// member's first event; an unknown joining date moves back to an earlier event's day.
    pub joined_known: bool,
    /// Whether an event was posted for the member since the book was read (a new
    /// member's first event is their welcome).
    pub posted: bool,
    /// Whether type, joining date, birthday or attributes changed since the book was read
    /// (the store writes them only then).
    pub profile_changed: bool,
    /// The tier the member's row holds (as read, or as last written). The store writes
    /// `tier` only when it differs: SQLite rewrites an index entry for every column an
    /// UPDATE assigns, changed or not, and `members_tier` would cost a page a write.
    pub stored_tier: Option<String>,
    /// Whether the member's lots are here (the unspent ones at least). A club that only
    /// earns does not read them for most events; a decision that must take points asks
    /// for them ([`super::Failure::NeedsLots`]).
    pub lots_loaded: bool,
    /// Whether the member's whole history is here (events, entries, every lot, return
    /// shares, every event id), or only their unspent lots; see [`BookNeeds`].
    pub history: bool,
    /// The member's own events (the kinds an import file carries), in the order recorded.
    pub events: Vec<EventFact>,
    /// Earn and reverse entries, in the order recorded.
    pub entries: Vec<EntryFact>,
    /// Every lot, oldest first (by time earned, then number); the older ones may still be
    /// sealed in their compact form ([`Lots`]: read them through [`MemberBook::lots`]).
    pub lots: Lots,
    pub returns: Vec<ReturnShare>,
    /// The ids of events bashgah wrote for the member, the notices raised and the
    /// campaigns' awards, of which the older may still be sealed ([`Rest`]).
    pub rest: Rest,
    pub messages: Vec<MessageFact>,
    /// Consent per channel, where the member said yes or no.
    pub consents: BTreeMap<String, bool>,
    pub challenges: Vec<ChallengeFact>,
    pub badges: BTreeSet<String>,
    /// The rewards the member redeemed, one per redemption.
    pub redemptions: Vec<String>,
    /// The member's joins and leaves of groups, in the order recorded.
    pub groups: Vec<super::group_facts::MembershipFact>,
    /// For a group's account: what members spent from its pool.
    pub pool_spends: Vec<super::group_facts::PoolSpendFact>,
}

impl MemberBook {
    /// A member the ledger has never seen.
    pub fn new(state: MemberState, joined_known: bool) -> MemberBook {
        MemberBook {
            stored_tier: state.tier.clone(),
            state,
            is_new: true,
            joined_known,
            profile_changed: false,
            posted: false,
            lots_loaded: true,
            history: true,
            events: Vec::new(),
            entries: Vec::new(),
            lots: Lots::default(),
            returns: Vec::new(),
            rest: Rest::default(),
            messages: Vec::new(),
            consents: BTreeMap::new(),
            challenges: Vec::new(),
            badges: BTreeSet::new(),
            redemptions: Vec::new(),
            groups: Vec::new(),
            pool_spends: Vec::new(),
        }
    }

    pub fn id(&self) -> &str {
        &self.state.id
    }

    /// An event id of this member's based on `base` that is not taken yet: `base`, then
    /// `base:2`, `base:3`... (two tier changes, or two expiries, can fall on one instant).
    pub fn fresh_id(&self, base: String) -> String {
        if !self.has_event_id(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}:{n}"))
            .find(|id| !self.has_event_id(id))
            .unwrap_or(base)
    }

    /// Whether the member has an event of this id (in their history, when it is here).
    pub fn has_event_id(&self, id: &str) -> bool {
        self.events.iter().rev().any(|event| &*event.id == id) || self.rest.has_other_id(id)
    }

    /// The member's purchases, returns and points from `from` (or ever) to before `to`.
    pub fn standing(
        &self,
        from: Option<DateTime<Utc>>,
        to: DateTime<Utc>,
    ) -> Result<Standing, Overflow> {
        let inside = |time: DateTime<Utc>| from.is_none_or(|f| time >= f) && time < to;
        let mut standing = Standing::default();
        for event in self.events.iter().filter(|e| inside(e.time)) {
            match event.kind {
                EventType::Purchase => standing.add_spend(event.amount, false)?,
                EventType::Return => standing.add_spend(event.amount, true)?,
                _ => {}
            }
        }
        for entry in self.entries.iter().filter(|e| inside(e.time)) {
            standing.add_points(entry.points)?;
        }
        Ok(standing)
    }

    /// How many events of `kind` the member had from `from` to before `to`.
    pub fn count(&self, kind: EventType, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        self.events
            .iter()
            .filter(|e| e.kind == kind && e.time >= from && e.time < to)
            .count() as i64
    }

    /// Points entries of `rule` earned from `from` to before `to` (a deal's extra points).
    pub fn earned_by(
        &self,
        rule: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Decimal, Overflow> {
        crate::amount::sum(
            self.entries
                .iter()
                .filter(|e| {
                    &*e.rule == rule && e.kind == EntryKind::Earn && e.time >= from && e.time < to
                })
                .map(|e| e.points),
        )
    }

    /// The member's 30/90/365-day spend and visits, counted over purchases before `at`;
    /// lifetime figures are kept as they are.
    pub fn window_stats(&self, at: DateTime<Utc>) -> Result<MemberStats, Overflow> {
        let stats = &self.state.stats;
        let mut out = MemberStats {
            spend_total: stats.spend_total,
            visits_total: stats.visits_total,
            last_visit: stats.last_visit,
            ..MemberStats::default()
        };
        let (day30, day90, day365) = (
            at - Duration::days(30),
            at - Duration::days(90),
            at - Duration::days(365),
        );
        for event in &self.events {
            if event.kind != EventType::Purchase || event.time < day365 || event.time >= at {
                continue;
            }
            out.spend_365d = crate::amount::add(out.spend_365d, event.amount)?;
            out.visits_365d += 1;
            if event.time >= day90 {
                out.spend_90d = crate::amount::add(out.spend_90d, event.amount)?;
                out.visits_90d += 1;
            }
            if event.time >= day30 {
                out.spend_30d = crate::amount::add(out.spend_30d, event.amount)?;
                out.visits_30d += 1;
            }
        }
        Ok(out)
    }

    /// What a return of this member's event `id` needs to know; `None` if the member has
    /// no purchase, return or payment of that id.
    pub fn original(&self, id: &str) -> Result<Option<OriginalRecord>, Overflow> {
        let Some(event) = self.events.iter().find(|e| &*e.id == id) else {
            return Ok(None);
        };
        let returned_before = crate::amount::sum(
            self.events
                .iter()
                .filter(|e| e.kind == EventType::Return && e.original.as_deref() == Some(id))
                .map(|e| e.amount),
        )?;
        let awards = self
            .entries
            .iter()
            .filter(|e| &*e.event == id && e.kind == EntryKind::Earn)
            .map(|e| (e.rule.to_string(), e.points, e.policy_version.to_string()))
            .collect();
        let mut reversed_before: BTreeMap<String, Decimal> = BTreeMap::new();
        for share in self.returns.iter().filter(|s| s.original == id) {
            let total = reversed_before.entry(share.rule.to_string()).or_default();
            *total = crate::amount::add(*total, share.points)?;
        }
        Ok(Some(OriginalRecord {
            member: self.state.id.clone(),
            kind: event.kind,
            amount: event.amount,
            returned_before,
            awards,
            reversed_before,
        }))
    }

    /// Roughly how many facts the book holds (events, ids, entries, lots, ...), and the
    /// book itself as [`BOOK_WEIGHT`] of them: what keeping it costs in memory (some 120
    /// to 200 bytes a fact).
    pub fn weight(&self) -> usize {
        BOOK_WEIGHT
            + self.events.len()
            + self.rest.len()
            + self.entries.len()
            + self.lots.len()
            + self.returns.len()
            + self.messages.len()
            + self.challenges.len()
            + self.redemptions.len()
            + self.groups.len()
            + self.pool_spends.len()
    }

    /// `id` as the text an event fact, entry or lot of the book shares: the copy the
    /// newest event, entry or lot already has (an event's entries and lots are recorded
    /// with it), or else a new one.
    pub fn event_text(&self, id: &str) -> Arc<str> {
        let newest = [
            self.events.last().map(|e| &e.id),
            self.entries.last().map(|e| &e.event),
            self.lots.decoded().last().map(|l| &l.event),
        ];
        newest
            .into_iter()
            .flatten()
            .find(|text| &***text == id)
            .map_or_else(|| Arc::from(id), Arc::clone)
    }

    /// Every lot, oldest first: decoded for the caller if some are sealed.
    pub fn lots(&self) -> Cow<'_, [LotFact]> {
        self.lots.all(&self.events)
    }

    /// The lots a question needs: only those decoded already, if `sealed_answer_nothing`
    /// says from the sealed lots' summary that none of them can answer it; else every lot.
    pub fn lots_unless(
        &self,
        sealed_answer_nothing: impl FnOnce(&LotSummary) -> bool,
    ) -> Cow<'_, [LotFact]> {
        self.lots.unless(&self.events, sealed_answer_nothing)
    }

    /// Every lot, decoded, to change.
    pub fn lots_mut(&mut self) -> &mut Vec<LotFact> {
        self.lots.all_mut(&self.events)
    }

    /// Decodes the sealed lots, if any: before the book's events are replaced (the bytes
    /// name lots' events by their place among them), or to compare books.
    pub fn unseal_lots(&mut self) {
        self.lots.unseal(&self.events);
    }

    /// Seals every lot, as a book forgotten and brought back has them.
    #[cfg(test)]
    pub fn seal_lots(&mut self) {
        let lots = std::mem::take(&mut self.lots).seal(&self.events);
        self.lots = lots.map_or_else(Lots::default, Lots::sealed);
    }

    /// Adds a new lot where it belongs in the oldest-first order.
    pub fn add_lot(&mut self, lot: LotFact) {
        self.lots.add(lot, &self.events);
    }

    /// The lot numbered `id`.
    pub fn lot_mut(&mut self, id: i64) -> Option<&mut LotFact> {
        self.lots.get_mut(id, &self.events)
    }

    /// The member's points by state at `at`: (available, pending). Lots due to expire
    /// by then count as neither, even before the clock has expired them.
    pub fn balances(&self, at: DateTime<Utc>) -> (Decimal, Decimal) {
        let mut available = Decimal::ZERO;
        let mut pending = Decimal::ZERO;
        for lot in self.lots().iter().filter(|l| !l.remaining.is_zero()) {
            if lot.expires_at.is_some_and(|e| e <= at) {
                continue;
            }
            if lot.pending_until > at {
                pending += lot.remaining;
            } else {
                available += lot.remaining;
            }
        }
        (available, pending)
    }

    /// Whether the member may be sent messages on `channel`.
    pub fn consents_to(&self, channel: &str, default: crate::club::ConsentDefault) -> bool {
        self.consents
            .get(channel)
            .copied()
            .unwrap_or(default == crate::club::ConsentDefault::OptOut)
    }
}
