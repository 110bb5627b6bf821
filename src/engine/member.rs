//! What evaluation knows about a member: profile, balance, and simple activity figures,
//! read from the ledger by the caller and handed in, so that evaluation stays pure.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberState {
    pub id: String,
    /// One of the club's `member_types`.
    pub member_type: String,
    pub joined: NaiveDate,
    pub birthday: Option<NaiveDate>,
    pub attributes: BTreeMap<String, String>,
    /// The sum of the member's ledger entries: unspent lots (available or pending) less
    /// any debt.
    pub balance: Decimal,
    /// Points a return took back after they were spent; later earnings settle it first.
    pub debt: Decimal,
    /// Money in the member's credit wallet, in the club's currency.
    pub credit: Decimal,
    /// The member's tier (an id from the club's `tiers`), if the club has tiers.
    pub tier: Option<String>,
    /// With `downgrade: keep_next_period`: the tier is kept at reviews before this time.
    pub tier_valid_until: Option<DateTime<Utc>>,
    /// The last tier review applied to the member.
    pub tier_reviewed_at: Option<DateTime<Utc>>,
    /// Birthdays and anniversaries up to this time have been written.
    pub greeted_through: Option<DateTime<Utc>>,
    pub stats: MemberStats,
}

/// Spend and visits (purchases) before the event being evaluated. Windows are counted
/// back from the event's own time, never from the wall clock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MemberStats {
    pub spend_total: Decimal,
    pub visits_total: i64,
    pub last_visit: Option<DateTime<Utc>>,
    pub spend_30d: Decimal,
    pub visits_30d: i64,
    pub spend_90d: Decimal,
    pub visits_90d: i64,
    pub spend_365d: Decimal,
    pub visits_365d: i64,
}

impl MemberState {
    /// Updates lifetime figures for an applied event (the ledger updates the balance as
    /// it writes entries). Window figures are recomputed from the ledger before each
    /// evaluation, so they are left alone.
    pub fn record(&mut self, event: &super::Event) {
        if event.kind == super::EventType::Purchase {
            self.stats.spend_total += event.amount;
            self.stats.visits_total += 1;
            self.stats.last_visit = Some(
                self.stats
                    .last_visit
                    .map_or(event.time, |t| t.max(event.time)),
            );
        }
    }

    /// A member seen for the first time, at `time`, with the club's default type.
    pub fn new(id: &str, member_type: &str, joined: NaiveDate) -> MemberState {
        MemberState {
            id: id.to_owned(),
            member_type: member_type.to_owned(),
            joined,
            birthday: None,
            attributes: BTreeMap::new(),
            balance: Decimal::ZERO,
            debt: Decimal::ZERO,
            credit: Decimal::ZERO,
            tier: None,
            tier_valid_until: None,
            tier_reviewed_at: None,
            greeted_through: None,
            stats: MemberStats::default(),
        }
    }
}
