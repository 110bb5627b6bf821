//! [`Plan`]: everything one decision will write, in order, with reasons — the only thing
//! that crosses from deciding to recording.
//!
//! A plan names rows, not SQL: events with their entries, the lots those entries make and
//! the lots they use, tier moves, deal enrolments and checkpoints, notices, messages,
//! consents, campaign spend, challenge progress, badges and redemptions. The store writes
//! them as they are, in one transaction; `explain`, dry runs and projections read them
//! without writing.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::book::ReturnShare;
use crate::engine::{EntryKind, LotTerms};
use crate::event::Event;
use crate::member::DealStatus;

/// Why points left a lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UseKind {
    /// Redeemed, transferred away, or taken by a negative adjustment or rule.
    Spend,
    /// Taken back by a return.
    Reverse,
    Expire,
    /// Used to pay a debt a return left.
    Settle,
}

impl UseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UseKind::Spend => "spend",
            UseKind::Reverse => "reverse",
            UseKind::Expire => "expire",
            UseKind::Settle => "settle",
        }
    }
}

/// A lot an entry makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewLot {
    pub id: i64,
    pub points: Decimal,
    pub earned_at: DateTime<Utc>,
    pub terms: LotTerms,
}

/// Points an entry takes from a lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LotUse {
    pub lot: i64,
    pub points: Decimal,
    /// What the lot has left after this use.
    pub remaining: Decimal,
    pub kind: UseKind,
}

/// One ledger entry, with the lots it makes or uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub rule: String,
    pub points: Decimal,
    pub reason: String,
    pub kind: EntryKind,
    pub policy_version: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<NewLot>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<LotUse>,
}

/// An event with its entries: a purchase, a return, an expiry, a bonus, a redemption...
/// The event is borrowed from the caller where it came from one (an import row), so the
/// hot path does not copy it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Posting<'e> {
    pub event: Cow<'e, Event>,
    pub fingerprint: String,
    /// The version that decided it (for returns, their entries keep the awarding one).
    pub policy_version: String,
    pub entries: Vec<Entry>,
    /// Credit wallet changes (positive: credit added).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credit: Vec<(Decimal, String)>,
    /// For a return: what it stood for, rule by rule.
    #[serde(skip)]
    pub returns: Vec<ReturnShare>,
}

impl Posting<'_> {
    pub fn points(&self) -> Decimal {
        self.entries.iter().map(|e| e.points).sum()
    }

    /// The posting with its own copy of the event.
    pub fn into_owned(self) -> Posting<'static> {
        Posting {
            event: Cow::Owned(self.event.into_owned()),
            fingerprint: self.fingerprint,
            policy_version: self.policy_version,
            entries: self.entries,
            credit: self.credit,
            returns: self.returns,
        }
    }
}

/// A member moving to another tier (or, the first time, into one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierMove {
    /// The event that records the move: `tier:<member>:<time>`.
    pub event: String,
    pub member: String,
    pub at: DateTime<Utc>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: String,
    pub policy_version: String,
}

/// A deal checkpoint's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckpointRow {
    pub enrollment: i64,
    pub period: u32,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub kept: bool,
    pub note: String,
}

/// A message for one channel, with its fate decided now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageRow {
    pub key: String,
    pub channel: String,
    pub member: String,
    pub occasion: String,
    pub day: String,
    pub created_at: DateTime<Utc>,
    pub deliver_after: DateTime<Utc>,
    pub language: String,
    pub text: String,
    /// `pending` or `suppressed`.
    pub status: &'static str,
    pub reason: Option<&'static str>,
}

/// One change the store writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change<'e> {
    Posting(Box<Posting<'e>>),
    Tier(TierMove),
    DealJoined {
        member: String,
        event: String,
        status: DealStatus,
    },
    Checkpoint(CheckpointRow),
    DealUpdated(DealStatus),
    /// An expiring-soon notice (clubs without messages keep these).
    Notice {
        key: String,
        member: String,
        at: DateTime<Utc>,
        due: DateTime<Utc>,
        points: Decimal,
    },
    Message(MessageRow),
    Consent {
        member: String,
        channel: String,
        granted: bool,
        at: DateTime<Utc>,
        source: String,
    },
    CampaignSpend {
        campaign: String,
        member: String,
        day: NaiveDate,
        points: Decimal,
        event: String,
    },
    /// A member a campaign's holdout kept out, at the first event the campaign would have
    /// rewarded (the ledger keeps the first, once per campaign and member).
    Holdout {
        campaign: String,
        member: String,
        event: String,
        at: DateTime<Utc>,
    },
    /// A challenge's progress for a member and period, as it now stands.
    Challenge {
        challenge: String,
        member: String,
        period: String,
        purchases: i64,
        spend: Decimal,
        completed_at: Option<DateTime<Utc>>,
    },
    Badge {
        member: String,
        badge: String,
        at: DateTime<Utc>,
        source: String,
    },
    Redemption {
        event: String,
        member: String,
        reward: String,
        points: Decimal,
        code: Option<String>,
        at: DateTime<Utc>,
    },
    /// Something the club's webhooks are told, in its outbox.
    Outbound(OutboundRow),
    /// What an event scored on a leaderboard, or the entries it earned in a draw.
    ContestScore {
        contest: String,
        window: String,
        member: String,
        event: String,
        value: Decimal,
        at: DateTime<Utc>,
    },
    /// A contest window's result and the prizes it gave.
    ContestResult(Box<super::contest_results::ContestResult>),
    /// Redemption `redemption` cancelled by event `event`.
    RedemptionCancelled {
        redemption: String,
        event: String,
        member: String,
        at: DateTime<Utc>,
        reason: String,
    },
    /// A member joined a group, or left it (`None` role), by event `event`.
    Membership(super::group_facts::MembershipFact),
    /// Points a member spent from a group's pool (the role's monthly limit counts them).
    PoolSpend(super::group_facts::PoolSpendFact),
}

impl Change<'_> {
    /// The change with its own copy of the event it posts, if any.
    pub fn into_owned(self) -> Change<'static> {
        match self {
            Change::Posting(posting) => Change::Posting(Box::new(posting.into_owned())),
            Change::Tier(tier) => Change::Tier(tier),
            Change::DealJoined {
                member,
                event,
                status,
            } => Change::DealJoined {
                member,
                event,
                status,
            },
            Change::Checkpoint(row) => Change::Checkpoint(row),
            Change::DealUpdated(status) => Change::DealUpdated(status),
            Change::Notice {
                key,
                member,
                at,
                due,
                points,
            } => Change::Notice {
                key,
                member,
                at,
                due,
                points,
            },
            Change::Message(row) => Change::Message(row),
            Change::Consent {
                member,
                channel,
                granted,
                at,
                source,
            } => Change::Consent {
                member,
                channel,
                granted,
                at,
                source,
            },
            Change::CampaignSpend {
                campaign,
                member,
                day,
                points,
                event,
            } => Change::CampaignSpend {
                campaign,
                member,
                day,
                points,
                event,
            },
            Change::Challenge {
                challenge,
                member,
                period,
                purchases,
                spend,
                completed_at,
            } => Change::Challenge {
                challenge,
                member,
                period,
                purchases,
                spend,
                completed_at,
            },
            Change::Holdout {
                campaign,
                member,
                event,
                at,
            } => Change::Holdout {
                campaign,
                member,
                event,
                at,
            },
            Change::Badge {
                member,
                badge,
                at,
                source,
            } => Change::Badge {
                member,
                badge,
                at,
                source,
            },
            Change::Redemption {
                event,
                member,
                reward,
                points,
                code,
                at,
            } => Change::Redemption {
                event,
                member,
                reward,
                points,
                code,
                at,
            },
            Change::Outbound(row) => Change::Outbound(row),
            Change::ContestScore {
                contest,
                window,
                member,
                event,
                value,
                at,
            } => Change::ContestScore {
                contest,
                window,
                member,
                event,
                value,
                at,
            },
            Change::ContestResult(result) => Change::ContestResult(result),
            Change::RedemptionCancelled {
                redemption,
                event,
                member,
                at,
                reason,
            } => Change::RedemptionCancelled {
                redemption,
                event,
                member,
                at,
                reason,
            },
            Change::Membership(fact) => Change::Membership(fact),
            Change::PoolSpend(fact) => Change::PoolSpend(fact),
        }
    }
}

/// An event the club's webhooks are told of: what happened, to whom, when, and its
/// details as text (points as exact decimals).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboundRow {
    /// `<kind>:<the ledger event or occasion>`: the same happening always has the same
    /// id, so a replay writes nothing new and a receiver drops a repeat by it.
    pub id: String,
    pub kind: crate::club::WebhookEvent,
    pub member: String,
    pub at: DateTime<Utc>,
    pub data: Vec<(&'static str, String)>,
}

/// What the clock (and the catch-up before each event) did, counted for reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Tally {
    pub expired_points: Decimal,
    pub expiries: u64,
    /// Expiring-soon notices raised.
    pub notices: u64,
    /// Tier reviews held, and how many moved members up or down.
    pub reviews: u64,
    pub reviews_up: u64,
    pub reviews_down: u64,
    /// Birthdays and anniversaries written.
    pub greetings: u64,
    pub deal_checkpoints: u64,
    pub deal_periods_kept: u64,
    pub deal_periods_missed: u64,
    pub deals_completed: u64,
    pub deals_failed: u64,
    pub deal_bonus_points: Decimal,
    pub deal_clawback_points: Decimal,
    /// Lifecycle-hook awards given, and their points.
    pub hook_awards: u64,
    pub hook_points: Decimal,
    /// Messages queued (one per occasion and channel, suppressed ones included).
    pub messages: u64,
    /// Contest windows decided (leaderboards ranked, draws held), the prizes they gave
    /// and those prizes' points (left out when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub contest_windows: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub prizes: u64,
    #[serde(skip_serializing_if = "Decimal::is_zero")]
    pub prize_points: Decimal,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.expired_points = self.expired_points.saturating_add(other.expired_points);
        self.expiries += other.expiries;
        self.notices += other.notices;
        self.reviews += other.reviews;
        self.reviews_up += other.reviews_up;
        self.reviews_down += other.reviews_down;
        self.greetings += other.greetings;
        self.deal_checkpoints += other.deal_checkpoints;
        self.deal_periods_kept += other.deal_periods_kept;
        self.deal_periods_missed += other.deal_periods_missed;
        self.deals_completed += other.deals_completed;
        self.deals_failed += other.deals_failed;
        self.deal_bonus_points = self
            .deal_bonus_points
            .saturating_add(other.deal_bonus_points);
        self.deal_clawback_points = self
            .deal_clawback_points
            .saturating_add(other.deal_clawback_points);
        self.hook_awards += other.hook_awards;
        self.hook_points = self.hook_points.saturating_add(other.hook_points);
        self.messages += other.messages;
        self.contest_windows += other.contest_windows;
        self.prizes += other.prizes;
        self.prize_points = self.prize_points.saturating_add(other.prize_points);
    }
}

/// Everything a decision writes, and what it noticed on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan<'e> {
    pub changes: Vec<Change<'e>>,
    pub tally: Tally,
    /// Parts that failed without failing the decision (a lifecycle-hook rule, a greeting
    /// rule, a deal target), worded for the user.
    pub warnings: Vec<String>,
}

impl<'e> Plan<'e> {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The postings of the plan, in order.
    pub fn postings(&self) -> impl Iterator<Item = &Posting<'e>> {
        self.changes.iter().filter_map(|c| match c {
            Change::Posting(p) => Some(p.as_ref()),
            _ => None,
        })
    }

    /// The plan with its own copy of every event: one that outlives the events it was
    /// decided from (handed to a writer thread).
    pub fn into_owned(self) -> Plan<'static> {
        Plan {
            changes: self.changes.into_iter().map(Change::into_owned).collect(),
            tally: self.tally,
            warnings: self.warnings,
        }
    }

    /// Appends `other` (a later part of the same decision).
    pub fn extend(&mut self, other: Plan<'e>) {
        self.changes.extend(other.changes);
        self.tally.add(&other.tally);
        self.warnings.extend(other.warnings);
    }
}
