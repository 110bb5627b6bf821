//! The simulation report as one self-contained HTML page with SVG charts, for a
//! consultant to send a client: no scripts, no external files.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::{Comparison, Simulation};
use crate::locale::{amount as grouped, numerals, Lang};
use crate::tr;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A bar chart of one or two series over the same labels (as shown: in the language's
/// digits where they are numbers).
fn bar_chart(title: &str, labels: &[String], series: &[(&str, &str, Vec<Decimal>)]) -> String {
    let (width, height, pad) = (720.0, 260.0, 40.0);
    // Chart geometry is drawing, not money: f64 is fine for pixel positions.
    let max = series
        .iter()
        .flat_map(|(_, _, values)| values.iter())
        .filter_map(|v| v.to_f64())
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let groups = labels.len().max(1) as f64;
    let group_width = (width - 2.0 * pad) / groups;
    let bar_width = (group_width * 0.8) / series.len().max(1) as f64;
    let mut svg = format!(
        r#"<figure><figcaption>{}</figcaption><svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">"#,
        escape(title)
    );
    let _ = write!(
        svg,
        r##"<line x1="{pad}" y1="{0}" x2="{1}" y2="{0}" stroke="#555"/>"##,
        height - pad,
        width - pad
    );
    for (i, label) in labels.iter().enumerate() {
        let x0 = pad + i as f64 * group_width + group_width * 0.1;
        for (s, (_, color, values)) in series.iter().enumerate() {
            let value = values.get(i).and_then(|v| v.to_f64()).unwrap_or(0.0);
            let h = (height - 2.0 * pad) * value / max;
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{color}"><title>{}: {}</title></rect>"#,
                x0 + s as f64 * bar_width,
                height - pad - h,
                bar_width.max(1.0),
                h,
                escape(label),
                numerals(&value.to_string())
            );
        }
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" font-size="10" text-anchor="middle">{}</text>"#,
            x0 + group_width * 0.4,
            height - pad + 14.0,
            escape(label)
        );
    }
    // The scale: the largest value at the top of the axis, zero at its foot.
    let _ = write!(
        svg,
        r##"<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{0}" stroke="#555"/><text x="{1}" y="{2}" font-size="10" text-anchor="end">{3}</text><text x="{1}" y="{0}" font-size="10" text-anchor="end">{4}</text>"##,
        height - pad,
        pad - 4.0,
        pad + 4.0,
        escape(&grouped(
            Decimal::from_f64_retain(max).unwrap_or_default().round()
        )),
        numerals("0")
    );
    for (s, (name, color, _)) in series.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<rect x="{}" y="8" width="10" height="10" fill="{color}"/><text x="{}" y="17" font-size="11">{}</text>"#,
            pad + s as f64 * 160.0,
            pad + 14.0 + s as f64 * 160.0,
            escape(name)
        );
    }
    svg.push_str("</svg></figure>");
    svg
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
    let mut series = vec![("A", "#2b6cb0", series_of(a))];
    if let Some(b) = b {
        series.push(("B", "#dd6b20", series_of(b)));
    }
    let month_labels: Vec<String> = months.iter().map(|m| numerals(m)).collect();
    html.push_str(&bar_chart(
        &tr!("simulate-html-chart-months"),
        &month_labels,
        &series,
    ));
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
        let mut series = vec![("A", "#2b6cb0", counts(a))];
        if let Some(b) = b {
            series.push(("B", "#dd6b20", counts(b)));
        }
        html.push_str(&bar_chart(
            &tr!("simulate-html-chart-tiers"),
            &tiers,
            &series,
        ));
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
