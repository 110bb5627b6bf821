//! `bashgah report`: how a club is doing — members per segment and those at risk of
//! lapsing, what each campaign cost against its budget, what each coalition partner
//! issued (for settlement), and what became of the messages.
//!
//! Reading only: a report never writes to the ledger.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rhai::Dynamic;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ledger::{CampaignCost, Ledger, LedgerError, MessageCount};
use crate::policy::Policy;

/// Everything `bashgah report` shows.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub club: String,
    /// The time the report is for.
    pub at: DateTime<Utc>,
    pub members: usize,
    /// Members per segment (`reports.segment`), or empty when the club has none.
    pub segments: BTreeMap<String, usize>,
    /// Members in the `at_risk` segment, by balance (largest first): who to win back.
    pub at_risk: Vec<AtRisk>,
    pub campaigns: Vec<CampaignCost>,
    pub partners: Vec<PartnerSettlement>,
    pub messages: Vec<MessageCount>,
    /// The club's leaderboards and draws with someone in the window holding `at`, or a
    /// result recorded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contests: Vec<crate::contests::ContestView>,
    /// Liability, tiers, campaign revenue and holdout, settlement per month, margins.
    pub value: crate::value::ValueReport,
    // In English, for programs; `failures_shown` says the same for people.
    /// Members whose segment could not be computed, with why.
    pub failures: Vec<String>,
    /// The same, for people: in the language bashgah speaks.
    #[serde(skip)]
    pub failures_shown: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AtRisk {
    pub member: String,
    pub balance: Decimal,
    pub last_visit: Option<DateTime<Utc>>,
}

/// What one partner's purchases earned, less what returns of them took back (amount and
/// points): what the club settles with the partner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PartnerSettlement {
    pub partner: String,
    pub purchases: usize,
    pub amount: Decimal,
    pub points: Decimal,
    /// The points' worth at `credit.rate`, when the club has one.
    pub money: Option<Decimal>,
}

/// Builds the report as at `at`.
pub fn build(ledger: &Ledger, policy: &Policy, at: DateTime<Utc>) -> Result<Report, LedgerError> {
    let value = crate::value::build(ledger, policy, at)?;
    // The members who had joined by then, with their balances then.
    let members: Vec<(&String, &rust_decimal::Decimal)> = value.balances.iter().collect();
    let mut segments = BTreeMap::new();
    let mut at_risk = Vec::new();
    let mut failures = Vec::new();
    let mut failures_shown = Vec::new();
    if let Some(script) = policy.segment_function {
        let name = policy
            .club
            .reports
            .as_ref()
            .and_then(|r| r.segment.clone())
            .unwrap_or_default();
        for &(id, balance) in &members {
            let Some(book) = ledger.load_book(id, crate::decide::BookNeeds::all())? else {
                continue;
            };
            let mut member = book.state.clone();
            member.stats = book
                .window_stats(at)
                .map_err(|e| LedgerError::corrupt(e.to_string()))?;
            let value = Dynamic::from(crate::engine::benefits::member_value(&member, policy));
            let result = policy.call(
                script,
                &name,
                (value, Dynamic::from(crate::time::stored(at))),
            );
            match result.map(|v| v.into_string()) {
                Ok(Ok(segment)) => {
                    if segment == "at_risk" {
                        at_risk.push(AtRisk {
                            member: id.clone(),
                            balance: *balance,
                            last_visit: member.stats.last_visit,
                        });
                    }
                    *segments.entry(segment).or_insert(0) += 1;
                }
                Ok(Err(kind)) => {
                    failures.push(format!(
                        "`{name}` returned a {kind} for `{id}`, not a segment name"
                    ));
                    failures_shown.push(crate::tr!(
                        "report-segment-not-a-name",
                        function = &name,
                        kind = kind,
                        member = id
                    ));
                }
                Err(error) => {
                    let error = crate::policy::error_message(&error);
                    failures.push(format!("`{name}` failed for `{id}`: {error}"));
                    failures_shown.push(crate::tr!(
                        "report-segment-failed",
                        function = &name,
                        member = id,
                        error = error
                    ));
                }
            }
        }
        at_risk.sort_by(|a, b| b.balance.cmp(&a.balance).then(a.member.cmp(&b.member)));
    }
    // Campaigns and partners as at the instant too: their totals are the value parts'.
    let mut campaigns = ledger.campaign_costs(policy, &crate::time::stored(at))?;
    for (cost, then) in campaigns.iter_mut().zip(&value.campaigns) {
        cost.points = then.points;
        cost.money = then.money;
    }
    Ok(Report {
        club: policy.club.id.clone(),
        at,
        members: value.liability.members,
        segments,
        at_risk,
        campaigns,
        partners: partners(&value),
        value,
        messages: ledger.message_counts(&crate::time::stored(at))?,
        contests: crate::contests::contests(ledger, policy, at)?
            .into_iter()
            .filter(|c| !c.standings.is_empty() || !c.results.is_empty())
            .collect(),
        failures,
        failures_shown,
    })
}

/// Each partner's settlement over every month up to the instant, net of returns.
fn partners(value: &crate::value::ValueReport) -> Vec<PartnerSettlement> {
    let mut by_partner: BTreeMap<&str, PartnerSettlement> = BTreeMap::new();
    for line in &value.settlement {
        let entry = by_partner
            .entry(line.partner.as_str())
            .or_insert_with(|| PartnerSettlement {
                partner: line.partner.clone(),
                ..PartnerSettlement::default()
            });
        entry.purchases += line.purchases;
        entry.amount = entry
            .amount
            .saturating_add(line.amount)
            .saturating_sub(line.returned);
        entry.points = entry.points.saturating_add(line.points);
        entry.money = match (entry.money, line.money) {
            (Some(a), Some(b)) => Some(a.saturating_add(b)),
            (None, b) => b,
            (a, None) => a,
        };
    }
    by_partner.into_values().collect()
}
