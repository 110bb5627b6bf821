//! Campaigns and challenges as the ledger holds them: what each campaign gave against its
//! budget, members' challenge progress and badges (budgets are applied in
//! [`crate::decide`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::db::args;
use super::store::{Ledger, LedgerError};
use crate::club::CampaignDefinition;
use crate::policy::Policy;

type Result<T> = std::result::Result<T, LedgerError>;

/// A challenge's progress for one member and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ChallengeProgress {
    pub challenge: String,
    /// The period's first day, in the club's calendar.
    pub period: String,
    pub purchases: i64,
    pub spend: Decimal,
    pub completed_at: Option<String>,
}

/// A campaign's spend against its budget, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CampaignCost {
    pub campaign: String,
    pub points: Decimal,
    /// In the club's currency, when `credit.rate` says what a point is worth.
    pub money: Option<Decimal>,
    /// The total budget in points, if it has one.
    pub budget_points: Option<Decimal>,
    /// Awards cut or stopped by a cap.
    pub capped_awards: i64,
}

/// The campaigns an entry's reason says were reached (``campaign `yalda` reached``), each
/// once: the entry is an award the campaign's cap cut or stopped.
pub fn capping_campaigns(reason: &str) -> impl Iterator<Item = &str> {
    let mut seen: Vec<&str> = Vec::new();
    reason
        .match_indices("campaign `")
        .filter_map(move |(at, opening)| {
            let rest = &reason[at + opening.len()..];
            let id = rest.split('`').next()?;
            let reached = rest.get(id.len()..)?.starts_with("` reached");
            (reached && !seen.contains(&id)).then(|| {
                seen.push(id);
                id
            })
        })
}

fn decimal(text: &str) -> Result<Decimal> {
    text.parse()
        .map_err(|_| LedgerError::corrupt(format!("`{text}` in the ledger is not a number")))
}

impl Ledger {
    fn campaign_spent(
        &self,
        campaign: &str,
        member: Option<&str>,
        days: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<Decimal> {
        let (from, to) = days.map_or((String::new(), "9999".to_owned()), |(a, b)| {
            (a.to_string(), b.to_string())
        });
        let mut total = Decimal::ZERO;
        self.db().for_each(
            "SELECT points FROM campaign_spend WHERE campaign = ?1 AND (CAST(?2 AS TEXT) IS NULL OR member = ?2) AND day >= ?3 AND day < ?4",
            args![campaign, member, from, to],
            |r| {
                total += decimal(&r.get::<String>(0)?)?;
                Ok(())
            },
        )?;
        Ok(total)
    }

    /// What each campaign gave, against its budget, with the awards its cap cut up to
    /// `until` (a stored time).
    pub fn campaign_costs(&self, policy: &Policy, until: &str) -> Result<Vec<CampaignCost>> {
        self.campaign_costs_with(policy, |campaign| self.capped_awards(campaign, until))
    }

    /// [`Ledger::campaign_costs`] with the awards each campaign's cap cut counted by
    /// `capped` (the overview counts them as it sums entries, rather than reading every
    /// entry's reason again).
    pub fn campaign_costs_with(
        &self,
        policy: &Policy,
        mut capped: impl FnMut(&CampaignDefinition) -> Result<i64>,
    ) -> Result<Vec<CampaignCost>> {
        let mut costs = Vec::new();
        for (index, campaign) in policy.club.campaigns.iter().enumerate() {
            let points = self.campaign_spent(&campaign.id, None, None)?;
            costs.push(CampaignCost {
                campaign: campaign.id.clone(),
                money: policy.club.credit.as_ref().map(|c| points * c.rate),
                points,
                budget_points: crate::decide::budget_points(policy, index),
                capped_awards: capped(campaign)?,
            });
        }
        Ok(costs)
    }

    /// Awards of `campaign`'s rules that its cap cut or stopped: a scan of the entries'
    /// reasons.
    fn capped_awards(&self, campaign: &CampaignDefinition, until: &str) -> Result<i64> {
        // The reason names the campaign exactly; LIKE only narrows the rows to look at
        // (it ignores case in SQLite, not in PostgreSQL).
        let mut capped: i64 = 0;
        self.db().for_each(
            "SELECT rule, reason FROM ledger WHERE reason LIKE '%campaign `' || ?1 || '` reached%' AND time <= ?2",
            args![campaign.id, until],
            |r| {
                let rule: String = r.get(0)?;
                let reason: String = r.get(1)?;
                if capping_campaigns(&reason).any(|id| id == campaign.id)
                    && campaign.rules.contains(&rule)
                {
                    capped = capped.saturating_add(1);
                }
                Ok(())
            },
        )?;
        Ok(capped)
    }

    /// The member's challenge progress, latest period first.
    pub fn challenge_progress(&self, member: &str) -> Result<Vec<ChallengeProgress>> {
        self.db().query(
            "SELECT challenge, period, purchases, spend, completed_at FROM challenge_progress WHERE member = ?1 ORDER BY period DESC, challenge",
            args![member],
            |r| {
                Ok(ChallengeProgress {
                    challenge: r.get(0)?,
                    period: r.get(1)?,
                    purchases: r.get(2)?,
                    spend: decimal(&r.get::<String>(3)?)?,
                    completed_at: r.get(4)?,
                })
            },
        )
    }

    /// The member's badges, in the order earned.
    pub fn badges(&self, member: &str) -> Result<Vec<String>> {
        self.db().query(
            "SELECT badge FROM badges WHERE member = ?1 ORDER BY at, badge",
            args![member],
            |r| r.get(0),
        )
    }
}
