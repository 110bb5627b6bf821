//! The simulation report as one self-contained HTML page with SVG charts, for a
//! consultant to send a client: no scripts, no external files.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{Comparison, Simulation};
use crate::chart::{escape, BarChart, Series};
use crate::locale::{amount as grouped, numerals, Lang};
use crate::tr;

/// Scenario A's bars in the charts.
fn series_a(values: Vec<Decimal>) -> Series<'static> {
    Series {
        name: "A",
        colour: "#2b6cb0",
        values,
    }
}

/// Scenario B's bars.
fn series_b(values: Vec<Decimal>) -> Series<'static> {
    Series {
        name: "B",
        colour: "#dd6b20",
        values,
    }
}

/// `vb - va` with its sign, when both are numbers (as the tables' B − A columns show it).
pub fn difference(va: &str, vb: &str) -> String {
    match (va.parse::<Decimal>(), vb.parse::<Decimal>()) {
        (Ok(a), Ok(b)) => b
            .checked_sub(a)
            .map(crate::amount::signed_grouped)
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// A line of a table: its name, and under A and B what is shown and its value.
struct Line {
    label: String,
    a: String,
    b: Option<String>,
    value_a: Option<Decimal>,
    value_b: Option<Decimal>,
}

fn table(rows: &[Line], two: bool) -> String {
    let mut html = String::from("<table><tr><th></th><th>A</th>");
    if two {
        let _ = write!(
            html,
            "<th>B</th><th>{}</th>",
            escape(&tr!("simulate-html-difference"))
        );
    }
    html.push_str("</tr>");
    for row in rows {
        let _ = write!(
            html,
            "<tr><th>{}</th><td>{}</td>",
            escape(&row.label),
            escape(&row.a)
        );
        if two {
            let b = row.b.as_deref().unwrap_or("");
            let delta = match (row.value_a, row.value_b) {
                (Some(a), Some(b)) => b
                    .checked_sub(a)
                    .map(|d| numerals(&crate::amount::signed_grouped(d)))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let _ = write!(html, "<td>{}</td><td>{}</td>", escape(b), escape(&delta));
        }
        html.push_str("</tr>");
    }
    html.push_str("</table>");
    html
}

/// The totals of a simulation: (key, name shown, value).
fn totals(sim: &Simulation) -> Vec<(String, String, Decimal)> {
    let mut rows = vec![
        (
            "events".to_owned(),
            tr!("simulate-html-events"),
            Decimal::from(sim.events),
        ),
        (
            "points issued".to_owned(),
            tr!("simulate-html-issued"),
            sim.issued,
        ),
        (
            "points spent".to_owned(),
            tr!("simulate-html-spent"),
            sim.spent,
        ),
        (
            "points expired".to_owned(),
            tr!("simulate-html-expired"),
            sim.expired,
        ),
        (
            "points reversed".to_owned(),
            tr!("simulate-html-reversed"),
            sim.reversed,
        ),
        (
            "points outstanding".to_owned(),
            tr!("simulate-html-outstanding"),
            sim.outstanding,
        ),
    ];
    if let Some(liability) = sim.liability {
        rows.push((
            format!("liability ({})", sim.currency),
            tr!("simulate-html-liability", currency = &sim.currency),
            liability,
        ));
    }
    for (rule, points) in &sim.issued_by_rule {
        rows.push((
            format!("issued by {rule}"),
            tr!("simulate-html-issued-by", rule = rule),
            *points,
        ));
    }
    for (deal, points) in &sim.deal_points {
        rows.push((
            format!("deal {deal} cost"),
            tr!("simulate-html-deal", deal = deal),
            *points,
        ));
    }
    rows
}

/// A total as the page shows it: counts of events as they are, points and money grouped;
/// in the language's digits.
fn shown(key: &str, value: Decimal) -> String {
    if key == "events" {
        numerals(&value.to_string())
    } else {
        grouped(value)
    }
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:1em 0}\
     td,th{border:1px solid #ccc;padding:.3em .7em;text-align:right}th{text-align:left}\
     figure{margin:1.5em 0}figcaption{font-weight:bold;margin-bottom:.5em}";

/// Right to left: names on the right, figures on the left; the charts keep their time
/// running left to right.
const STYLE_RTL: &str = "body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:1em 0}\
     td,th{border:1px solid #ccc;padding:.3em .7em;text-align:left}th{text-align:right}\
     figure{margin:1.5em 0}figcaption{font-weight:bold;margin-bottom:.5em}svg.chart{direction:ltr}";

/// The page for one simulation, or for a comparison, in the current language.
pub fn render_html(a: &Simulation, comparison: Option<&Comparison>) -> String {
    let b = comparison.map(|c| &c.b);
    let (html_tag, style) = match crate::locale::current() {
        Lang::En => ("<html>", STYLE),
        Lang::Fa => ("<html lang=\"fa\" dir=\"rtl\">", STYLE_RTL),
    };
    let mut html = format!(
        "<!doctype html>{html_tag}<head><meta charset=\"utf-8\"><title>{}</title><style>{style}</style></head><body>",
        escape(&tr!("simulate-html-title"))
    );
    let _ = write!(
        html,
        "<h1>{}</h1>",
        tr!("simulate-html-heading", club = escape(&a.club))
    );
    html.push_str("<p>");
    html.push_str(&tr!(
        "simulate-html-scenario",
        name = "A",
        label = escape(&a.label),
        version = escape(&a.policy_version)
    ));
    if let Some(b) = b {
        html.push_str(&tr!("simulate-html-separator"));
        html.push_str(&tr!(
            "simulate-html-scenario",
            name = "B",
            label = escape(&b.label),
            version = escape(&b.policy_version)
        ));
    }
    let _ = write!(
        html,
        "</p><h2>{}</h2>",
        escape(&tr!("simulate-html-totals"))
    );
    let rows_a = totals(a);
    let rows_b: BTreeMap<String, (String, Decimal)> = b
        .map(|b| {
            totals(b)
                .into_iter()
                .map(|(key, label, value)| (key, (label, value)))
                .collect()
        })
        .unwrap_or_default();
    let mut names: Vec<(String, String)> = rows_a
        .iter()
        .map(|(k, l, _)| (k.clone(), l.clone()))
        .collect();
    for (key, (label, _)) in &rows_b {
        if !names.iter().any(|(k, _)| k == key) {
            names.push((key.clone(), label.clone()));
        }
    }
    let rows: Vec<Line> = names
        .iter()
        .map(|(key, label)| {
            let value_a = rows_a.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| *v);
            let value_b = rows_b.get(key).map(|(_, v)| *v);
            Line {
                label: label.clone(),
                a: value_a.map(|v| shown(key, v)).unwrap_or_default(),
                b: value_b.map(|v| shown(key, v)),
                value_a,
                value_b,
            }
        })
        .collect();
    html.push_str(&table(&rows, b.is_some()));
    let mut months: Vec<String> = a.issued_by_month.keys().cloned().collect();
    if let Some(b) = b {
        for month in b.issued_by_month.keys() {
            if !months.contains(month) {
                months.push(month.clone());
            }
        }
        months.sort();
    }
    let series_of = |sim: &Simulation| {
        months
            .iter()
            .map(|m| sim.issued_by_month.get(m).copied().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    let mut series = vec![series_a(series_of(a))];
    if let Some(b) = b {
        series.push(series_b(series_of(b)));
    }
    let month_labels: Vec<String> = months.iter().map(|m| numerals(m)).collect();
    html.push_str(
        &BarChart {
            title: &tr!("simulate-html-chart-months"),
            labels: &month_labels,
            series: &series,
            shown: &grouped,
        }
        .figure(),
    );
    if !a.members_per_tier.is_empty() || b.is_some_and(|b| !b.members_per_tier.is_empty()) {
        let mut tiers: Vec<String> = a.members_per_tier.keys().cloned().collect();
        if let Some(b) = b {
            for tier in b.members_per_tier.keys() {
                if !tiers.contains(tier) {
                    tiers.push(tier.clone());
                }
            }
        }
        tiers.sort_by_key(|tier| a.tier_rank(tier));
        let counts = |sim: &Simulation| {
            tiers
                .iter()
                .map(|t| Decimal::from(sim.members_per_tier.get(t).copied().unwrap_or(0)))
                .collect::<Vec<_>>()
        };
        let mut series = vec![series_a(counts(a))];
        if let Some(b) = b {
            series.push(series_b(counts(b)));
        }
        html.push_str(
            &BarChart {
                title: &tr!("simulate-html-chart-tiers"),
                labels: &tiers,
                series: &series,
                shown: &grouped,
            }
            .figure(),
        );
    }
    if let Some(c) = comparison {
        if !c.migration.is_empty() {
            let _ = write!(
                html,
                "<h2>{}</h2><table><tr><th></th>",
                escape(&tr!("simulate-html-migration"))
            );
            let mut columns: Vec<String> = c
                .migration
                .values()
                .flat_map(|m| m.keys().cloned())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            columns.sort_by_key(|tier| a.tier_rank(tier));
            let mut rows: Vec<_> = c.migration.iter().collect();
            rows.sort_by_key(|(from, _)| a.tier_rank(from));
            for column in &columns {
                let _ = write!(html, "<th>{}</th>", escape(column));
            }
            html.push_str("</tr>");
            for (from, to) in rows {
                let _ = write!(html, "<tr><th>{}</th>", escape(from));
                for column in &columns {
                    let _ = write!(
                        html,
                        "<td>{}</td>",
                        numerals(&to.get(column).copied().unwrap_or(0).to_string())
                    );
                }
                html.push_str("</tr>");
            }
            html.push_str("</table>");
        }
        let _ = write!(
            html,
            "<h2>{}</h2><table><tr><th>{}</th><th>A</th><th>B</th></tr>",
            escape(&tr!("simulate-html-affected")),
            escape(&tr!("simulate-html-member"))
        );
        for (member, balance_a, balance_b) in &c.most_affected {
            let _ = write!(
                html,
                "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
                escape(member),
                grouped(*balance_a),
                grouped(*balance_b)
            );
        }
        html.push_str("</table>");
    }
    html.push_str("</body></html>\n");
    html
}
