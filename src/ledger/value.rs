//! What the value report (`report`'s liability, tiers, campaign revenue and holdout,
//! partner settlement and margins) reads from the ledger, as it stood at an instant: rows
//! written up to then, never the cached balances and tiers of the members table, so
//! `--at` a past day gives that day's figures. The sums are made in [`crate::value`].

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use super::db::args;
use super::statement::number;
use super::store::{json_map, Ledger, LedgerError};
use crate::decide::groups::mirrored_event;

type Result<T> = std::result::Result<T, LedgerError>;

fn add(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b)
        .ok_or_else(|| LedgerError::corrupt("a sum of points overflows"))
}

/// A purchase or a return as the value report reads it.
#[derive(Debug, Clone)]
pub struct ValueEvent {
    pub id: String,
    pub member: String,
    pub is_return: bool,
    /// Stored UTC time.
    pub time: String,
    pub amount: Decimal,
    pub original: Option<String>,
    pub items: Vec<crate::event::LineItem>,
    pub partner: Option<String>,
    /// For a pool's mirror (`decide::groups`), the member's event it mirrors: counted
    /// there, not again here.
    pub mirror_of: Option<String>,
}

/// An award on a purchase: (rule, points, event, the purchase's amount and line items).
pub type PurchaseAward = (
    String,
    Decimal,
    String,
    Decimal,
    Vec<crate::event::LineItem>,
);

/// One tier change: who, from and to which tier, when (stored UTC time).
#[derive(Debug, Clone)]
pub struct TierStep {
    pub member: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub time: String,
}

/// Each member's points at an instant: the balance (every entry) and what rules gave net
/// of returns (`earn` and `reverse` entries).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberPoints {
    pub balance: Decimal,
    pub given: Decimal,
}

impl Ledger {
    /// The members who had joined by `until` (a stored time).
    pub fn members_joined_by(&self, until: &str) -> Result<Vec<String>> {
        let day = until.get(..10).unwrap_or(until).to_owned();
        self.db().query(
            "SELECT id FROM members WHERE joined <= ?1 ORDER BY id",
            args![day],
            |r| r.get(0),
        )
    }

    /// Every member's points from the entries written up to `until`, and the points of
    /// the entries of the events `keep` names (for settlement), summed per event.
    pub fn points_until(
        &self,
        until: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Result<(BTreeMap<String, MemberPoints>, HashMap<String, Decimal>)> {
        let mut members: BTreeMap<String, MemberPoints> = BTreeMap::new();
        let mut events: HashMap<String, Decimal> = HashMap::new();
        self.db().stream(
            "SELECT member, kind, points, event FROM ledger WHERE time <= ?1",
            args![until],
            |r| {
                let member: String = r.get(0)?;
                let kind: String = r.get(1)?;
                let points = number(&r.get::<String>(2)?)?;
                let event: String = r.get(3)?;
                let totals = members.entry(member).or_default();
                totals.balance = add(totals.balance, points)?;
                if kind == "earn" || kind == "reverse" {
                    totals.given = add(totals.given, points)?;
                    if keep(&event) {
                        let sum = events.entry(event).or_default();
                        *sum = add(*sum, points)?;
                    }
                }
                Ok(())
            },
        )?;
        Ok((members, events))
    }

    /// Tier changes up to `until`, in the order they were made.
    pub fn tier_steps_until(&self, until: &str) -> Result<Vec<TierStep>> {
        self.db().query(
            "SELECT member, from_tier, to_tier, time FROM tier_changes WHERE time <= ?1 ORDER BY seq",
            args![until],
            |r| {
                Ok(TierStep {
                    member: r.get(0)?,
                    from: r.get(1)?,
                    to: r.get(2)?,
                    time: r.get(3)?,
                })
            },
        )
    }

    /// Purchases and returns up to `until`, in the order recorded.
    pub fn value_events_until(&self, until: &str) -> Result<Vec<ValueEvent>> {
        self.db().query(
            "SELECT id, member, type, time, amount, original, items, attributes FROM events
             WHERE time <= ?1 AND type IN ('purchase', 'return') ORDER BY seq",
            args![until],
            |r| {
                let items: Option<String> = r.get(6)?;
                let attributes: Option<String> = r.get(7)?;
                let mut attributes = attributes.as_deref().map(json_map).unwrap_or_default();
                let id: String = r.get(0)?;
                let member: String = r.get(1)?;
                let mirror_of =
                    mirrored_event(&id, &member, attributes.get("member").map(String::as_str))
                        .map(str::to_owned);
                Ok(ValueEvent {
                    id,
                    member,
                    mirror_of,
                    is_return: r.get::<String>(2)? == "return",
                    time: r.get(3)?,
                    amount: number(&r.get::<String>(4)?)?,
                    original: r.get(5)?,
                    items: items
                        .as_deref()
                        .and_then(|t| serde_json::from_str(t).ok())
                        .unwrap_or_default(),
                    partner: attributes.remove("partner"),
                })
            },
        )
    }

    /// What campaigns gave with events up to `until`: (campaign, member, event, points).
    pub fn campaign_spend_until(
        &self,
        until: &str,
    ) -> Result<Vec<(String, String, String, Decimal)>> {
        self.db().query(
            "SELECT s.campaign, s.member, s.event, s.points FROM campaign_spend s JOIN events e ON e.id = s.event
             WHERE e.time <= ?1 ORDER BY e.seq",
            args![until],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, number(&r.get::<String>(3)?)?)),
        )
    }

    /// The members kept out of each campaign by its holdout, recorded up to `until`:
    /// (campaign, member).
    pub fn campaign_holdouts_until(&self, until: &str) -> Result<Vec<(String, String)>> {
        self.db().query(
            "SELECT campaign, member FROM campaign_holdouts WHERE time <= ?1 ORDER BY campaign, member",
            args![until],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }
}

impl Ledger {
    /// Every `earn` entry on a purchase: (rule, points, event, amount, line items).
    pub fn purchase_awards(&self) -> Result<Vec<PurchaseAward>> {
        self.db().query(
            "SELECT l.rule, l.points, e.id, e.amount, e.items, e.member, e.attributes
             FROM ledger l JOIN events e ON e.seq = l.event_seq
             WHERE e.type = 'purchase' AND l.kind = 'earn' ORDER BY l.seq",
            args![],
            |r| {
                let items: Option<String> = r.get(4)?;
                let id: String = r.get(2)?;
                let member: String = r.get(5)?;
                let attributes: Option<String> = r.get(6)?;
                let attributes = attributes.as_deref().map(json_map).unwrap_or_default();
                // A pool's part of a purchase is the purchase's: its margin counts once.
                let id = mirrored_event(&id, &member, attributes.get("member").map(String::as_str))
                    .map(str::to_owned)
                    .unwrap_or(id);
                Ok((
                    r.get(0)?,
                    number(&r.get::<String>(1)?)?,
                    id,
                    number(&r.get::<String>(3)?)?,
                    items
                        .as_deref()
                        .and_then(|t| serde_json::from_str(t).ok())
                        .unwrap_or_default(),
                ))
            },
        )
    }
}
