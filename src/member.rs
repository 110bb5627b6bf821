//! What is known about a member at a moment: profile, balance, tier, deals and simple
//! activity figures. Read from the ledger by the caller and handed to evaluation and to
//! the decision stage, so that both stay pure.

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
    /// Tier reviews are due after this instant: the last review applied, or the moment the
    /// member first got a tier (there is nothing to review before it).
    pub tier_reviewed_at: Option<DateTime<Utc>>,
    /// Birthdays and anniversaries up to this time have been written.
    pub greeted_through: Option<DateTime<Utc>>,
    /// The member's deal enrolments, oldest first.
    pub deals: Vec<DealStatus>,
    pub stats: MemberStats,
}

/// Where a member stands in one deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DealStatus {
    /// Row of the enrolment in the ledger.
    pub enrollment: i64,
    /// The deal's id.
    pub deal: String,
    pub state: DealState,
    pub enrolled_at: DateTime<Utc>,
    /// When the first period starts.
    pub starts_at: DateTime<Utc>,
    pub periods: u32,
    pub kept: u32,
    pub missed: u32,
    /// The end of the period being measured now.
    pub next_checkpoint: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// After completion: the deal's tier is held until then.
    pub tier_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DealState {
    Active,
    Completed,
    Failed,
}

impl DealState {
    pub fn as_str(self) -> &'static str {
        match self {
            DealState::Active => "active",
            DealState::Completed => "completed",
            DealState::Failed => "failed",
        }
    }
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
    pub fn record(&mut self, event: &crate::event::Event) -> Result<(), crate::amount::Overflow> {
        if event.kind == crate::event::EventType::Purchase {
            self.stats.spend_total = crate::amount::add(self.stats.spend_total, event.amount)?;
            self.stats.visits_total += 1;
            self.stats.last_visit = Some(
                self.stats
                    .last_visit
                    .map_or(event.time, |t| t.max(event.time)),
            );
        }
        Ok(())
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
            deals: Vec::new(),
            stats: MemberStats::default(),
        }
    }
}
