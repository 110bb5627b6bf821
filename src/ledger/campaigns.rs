//! Campaigns and challenges as the ledger holds them: what each campaign gave against its
//! budget, members' challenge progress and badges (budgets are applied in
//! [`crate::decide`]).

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;

use super::store::{Ledger, LedgerError};
use crate::policy::Policy;

type Result<T> = std::result::Result<T, LedgerError>;

/// A challenge's progress for one member and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChallengeProgress {
    pub challenge: String,
    /// The period's first day, in the club's calendar.
    pub period: String,
    pub purchases: i64,
    pub spend: Decimal,
    pub completed_at: Option<String>,
}

/// A campaign's spend against its budget, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
        let mut statement = self.connection().prepare_cached(
            "SELECT points FROM campaign_spend WHERE campaign = ?1 AND (?2 IS NULL OR member = ?2) AND day >= ?3 AND day < ?4",
        )?;
        let mut total = Decimal::ZERO;
        for points in statement.query_map(params![campaign, member, from, to], |r| {
            r.get::<_, String>(0)
        })? {
            total += decimal(&points?)?;
        }
        Ok(total)
    }

    /// What each campaign gave, against its budget.
    pub fn campaign_costs(&self, policy: &Policy) -> Result<Vec<CampaignCost>> {
        let mut costs = Vec::new();
        for (index, campaign) in policy.club.campaigns.iter().enumerate() {
            let points = self.campaign_spent(&campaign.id, None, None)?;
            let capped: i64 = self.connection().query_row(
                "SELECT COUNT(*) FROM ledger WHERE rule IN (SELECT value FROM json_each(?1)) AND reason LIKE '%campaign `' || ?2 || '` reached%'",
                params![serde_json::to_string(&campaign.rules).unwrap_or_default(), campaign.id],
                |r| r.get(0),
            )?;
            costs.push(CampaignCost {
                campaign: campaign.id.clone(),
                money: policy.club.credit.as_ref().map(|c| points * c.rate),
                points,
                budget_points: crate::decide::budget_points(policy, index),
                capped_awards: capped,
            });
        }
        Ok(costs)
    }

    /// The member's challenge progress, latest period first.
    pub fn challenge_progress(&self, member: &str) -> Result<Vec<ChallengeProgress>> {
        let mut statement = self.connection().prepare_cached(
            "SELECT challenge, period, purchases, spend, completed_at FROM challenge_progress WHERE member = ?1 ORDER BY period DESC, challenge",
        )?;
        let rows = statement.query_map([member], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get::<_, String>(3)?,
                r.get(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (challenge, period, purchases, spend, completed_at) = row?;
            out.push(ChallengeProgress {
                challenge,
                period,
                purchases,
                spend: decimal(&spend)?,
                completed_at,
            });
        }
        Ok(out)
    }

    /// The member's badges, in the order earned.
    pub fn badges(&self, member: &str) -> Result<Vec<String>> {
        let mut statement = self
            .connection()
            .prepare_cached("SELECT badge FROM badges WHERE member = ?1 ORDER BY at, badge")?;
        let rows = statement.query_map([member], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
