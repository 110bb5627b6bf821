//! The value parts of `bashgah report` for people (text, in their language) and for
//! spreadsheets (`--csv PART`: one table, a header line of English column names, exact
//! decimals with a dot, months as `YYYY-MM` of the club's calendar).

use crate::locale::numerals;
use crate::policy::Policy;
use crate::tr;
use crate::value::ValueReport;

/// The tables `--csv` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvPart {
    /// Points held and their worth, per tier.
    Liability,
    /// Tier changes per month.
    Tiers,
    /// Each campaign's cost, revenue, holdout and lift.
    Campaigns,
    /// Partner settlement per month, net of returns.
    Settlement,
    /// Profitability segments.
    Profitability,
    /// Each member's margin, points' worth and net.
    Members,
}

fn text(value: Option<rust_decimal::Decimal>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// One table of the report as CSV.
pub fn csv(part: CsvPart, report: &ValueReport) -> Result<String, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let header: &[&str] = match part {
        CsvPart::Liability => {
            for t in &report.liability.tiers {
                rows.push(vec![
                    t.tier.clone().unwrap_or_default(),
                    t.members.to_string(),
                    t.points.to_string(),
                    text(t.money),
                ]);
            }
            &["tier", "members", "points", "money"]
        }
        CsvPart::Tiers => {
            for m in &report.tier_movement {
                rows.push(vec![
                    m.month.clone(),
                    m.entered.to_string(),
                    m.upgrades.to_string(),
                    m.downgrades.to_string(),
                ]);
            }
            &["month", "entered", "upgrades", "downgrades"]
        }
        CsvPart::Campaigns => {
            for c in &report.campaigns {
                rows.push(vec![
                    c.campaign.clone(),
                    c.points.to_string(),
                    text(c.money),
                    c.purchases.to_string(),
                    c.revenue.to_string(),
                    c.rewarded_members.to_string(),
                    text(c.rewarded_revenue_per_member),
                    c.holdout.clone().unwrap_or_default(),
                    c.holdout_members.to_string(),
                    text(c.holdout_revenue_per_member),
                    text(c.lift_percent),
                ]);
            }
            &[
                "campaign",
                "points",
                "money",
                "purchases",
                "revenue",
                "rewarded_members",
                "rewarded_revenue_per_member",
                "holdout",
                "holdout_members",
                "holdout_revenue_per_member",
                "lift_percent",
            ]
        }
        CsvPart::Settlement => {
            for s in &report.settlement {
                rows.push(vec![
                    s.month.clone(),
                    s.partner.clone(),
                    s.purchases.to_string(),
                    s.amount.to_string(),
                    s.returns.to_string(),
                    s.returned.to_string(),
                    s.points.to_string(),
                    text(s.money),
                ]);
            }
            &[
                "month",
                "partner",
                "purchases",
                "amount",
                "returns",
                "returned",
                "points",
                "money",
            ]
        }
        CsvPart::Profitability => {
            for s in report.profitability.iter().flat_map(|p| &p.segments) {
                rows.push(vec![
                    s.segment.clone(),
                    s.members.to_string(),
                    s.margin.to_string(),
                    s.points.to_string(),
                    s.worth.to_string(),
                    s.net.to_string(),
                ]);
            }
            &["segment", "members", "margin", "points", "worth", "net"]
        }
        CsvPart::Members => {
            for m in report.profitability.iter().flat_map(|p| &p.members) {
                rows.push(vec![
                    m.member.clone(),
                    m.margin.to_string(),
                    m.points.to_string(),
                    m.worth.to_string(),
                    m.net.to_string(),
                ]);
            }
            &["member", "margin", "points", "worth", "net"]
        }
    };
    let fail = |e: csv::Error| e.to_string();
    writer.write_record(header).map_err(fail)?;
    for row in rows {
        writer.write_record(&row).map_err(fail)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// The value parts as text, after the rest of the report.
pub fn render(policy: &Policy, report: &ValueReport) -> String {
    let points = &policy.club.points.name;
    let currency = &policy.club.currency;
    let money = |m: Option<rust_decimal::Decimal>| {
        m.map(|m| tr!("report-worth", money = m, currency = currency))
            .unwrap_or_default()
    };
    let mut out = String::from("\n");
    let l = &report.liability;
    out.push_str(&tr!(
        "report-liability",
        amount = l.points,
        points = points,
        money = money(l.money)
    ));
    out.push('\n');
    // Per tier only where the club has tiers: otherwise it is the line above again.
    for t in l.tiers.iter().filter(|_| !policy.club.tiers.is_empty()) {
        let tier = t.tier.clone().unwrap_or_else(|| tr!("report-no-tier"));
        out.push_str(&format!(
            "  {tier:<14} {}\n",
            tr!(
                "report-liability-tier",
                members = t.members,
                amount = t.points,
                points = points,
                money = money(t.money)
            )
        ));
    }
    if !report.tier_movement.is_empty() {
        out.push('\n');
        out.push_str(&tr!("report-tier-movement"));
        out.push('\n');
        for m in &report.tier_movement {
            out.push_str(&format!(
                "  {:<14} {}\n",
                numerals(&m.month),
                tr!(
                    "report-tier-month",
                    entered = m.entered,
                    up = m.upgrades,
                    down = m.downgrades
                )
            ));
        }
    }
    if !report.campaigns.is_empty() {
        out.push('\n');
        out.push_str(&tr!("report-campaign-value"));
        out.push('\n');
        for c in &report.campaigns {
            let mut line = tr!(
                "report-campaign-revenue",
                purchases = c.purchases,
                revenue = c.revenue,
                currency = currency,
                members = c.rewarded_members,
                each = c.rewarded_revenue_per_member.unwrap_or_default()
            );
            if let Some(holdout) = &c.holdout {
                line.push_str(&tr!(
                    "report-campaign-holdout",
                    share = numerals(holdout),
                    members = c.holdout_members,
                    each = c.holdout_revenue_per_member.unwrap_or_default(),
                    currency = currency
                ));
                if let Some(lift) = c.lift_percent {
                    line.push_str(&tr!("report-campaign-lift", lift = lift));
                }
            }
            out.push_str(&format!("  {:<14} {line}\n", c.campaign));
        }
    }
    if !report.settlement.is_empty() {
        out.push('\n');
        out.push_str(&tr!("report-settlement"));
        out.push('\n');
        for s in &report.settlement {
            out.push_str(&format!(
                "  {:<8} {:<14} {}\n",
                numerals(&s.month),
                s.partner,
                tr!(
                    "report-settlement-line",
                    purchases = s.purchases,
                    amount = s.amount,
                    currency = currency,
                    returns = if s.returns > 0 {
                        tr!(
                            "report-settlement-returns",
                            returns = s.returns,
                            returned = s.returned,
                            currency = currency
                        )
                    } else {
                        String::new()
                    },
                    earned = s.points,
                    points = points,
                    money = money(s.money)
                )
            ));
        }
    }
    if let Some(p) = &report.profitability {
        out.push('\n');
        out.push_str(&tr!("report-profitability"));
        out.push('\n');
        for s in &p.segments {
            out.push_str(&format!(
                "  {:<14} {}\n",
                tr!("report-profit-segment-name", segment = &s.segment),
                tr!(
                    "report-profit-segment",
                    members = s.members,
                    margin = s.margin,
                    worth = s.worth,
                    net = s.net,
                    currency = currency
                )
            ));
        }
    }
    out
}
