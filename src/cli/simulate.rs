//! `bashgah simulate <club> --events FILE [--against CLUB_DIR]`: what a policy (or a change
//! to it) would have given over real events, as a table, JSON, CSV or an HTML page.

use std::path::Path;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::amount::grouped;
use crate::import::EVENT_COLUMNS;
use crate::simulate::{compare, difference, render_html, simulate_until, Comparison, Simulation};

/// Members listed as most affected.
const MOST_AFFECTED: usize = 10;

/// The input files of a simulation.
pub struct Files<'a> {
    pub events: &'a Path,
    pub members: Option<&'a Path>,
    /// `--to DATE`, as written.
    pub to: Option<&'a str>,
}

impl Files<'_> {
    fn open(&self) -> Result<(Option<crate::import::Rows>, crate::import::Rows), CommandError> {
        let members = self
            .members
            .map(|m| super::import::open_rows(m, None, &crate::import::MEMBER_COLUMNS))
            .transpose()?;
        Ok((
            members,
            super::import::open_rows(self.events, None, &EVENT_COLUMNS)?,
        ))
    }
}

pub fn run(
    workspace: &Workspace,
    club: &str,
    files: Files,
    against: Option<&Path>,
    json: bool,
    csv: bool,
    html: Option<&Path>,
) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let until = files
        .to
        .map(|text| {
            crate::time::parse_event_time(text, policy.club.calendar, policy.zone)
                .map_err(|m| CommandError(format!("error: --to: {m}\n")))
        })
        .transpose()?;
    let (members, events) = files.open()?;
    let mut a = simulate_until(&policy, members, events, until)?;
    a.label = policy.dir.display().to_string();
    let comparison = match against {
        Some(dir) => {
            let other = workspace.load_policy(&dir.display().to_string())?;
            let (members, events) = files.open()?;
            let mut b = simulate_until(&other, members, events, until)?;
            b.label = dir.display().to_string();
            Some(compare(a.clone(), b, MOST_AFFECTED))
        }
        None => None,
    };
    if let Some(path) = html {
        std::fs::write(path, render_html(&a, comparison.as_ref()))?;
    }
    if json {
        let text = match &comparison {
            Some(c) => serde_json::to_string_pretty(c),
            None => serde_json::to_string_pretty(&a),
        };
        println!("{}", text.unwrap_or_default());
    } else if csv {
        print!("{}", render_csv(&a, comparison.as_ref()));
    } else {
        print!(
            "{}",
            render_text(&a, comparison.as_ref(), &policy.club.points.name)
        );
    }
    if let Some(path) = html {
        eprintln!("report written to {}", path.display());
    }
    Ok(ExitCode::Ok)
}

/// (metric, value under A, value under B).
fn metrics(a: &Simulation, b: Option<&Simulation>) -> Vec<(String, String, Option<String>)> {
    let rows = |sim: &Simulation| {
        let mut rows = vec![
            ("events".to_owned(), sim.events.to_string()),
            ("rejected".to_owned(), sim.rejected.to_string()),
            ("issued".to_owned(), sim.issued.normalize().to_string()),
            ("spent".to_owned(), sim.spent.normalize().to_string()),
            ("expired".to_owned(), sim.expired.normalize().to_string()),
            ("reversed".to_owned(), sim.reversed.normalize().to_string()),
            (
                "outstanding".to_owned(),
                sim.outstanding.normalize().to_string(),
            ),
        ];
        if let Some(liability) = sim.liability {
            rows.push((
                format!("liability {}", sim.currency),
                liability.normalize().to_string(),
            ));
        }
        for (rule, points) in &sim.issued_by_rule {
            rows.push((format!("issued by {rule}"), points.normalize().to_string()));
        }
        for (tier, members) in sim.tiers_in_order() {
            rows.push((format!("members in {tier}"), members.to_string()));
        }
        for (deal, points) in &sim.deal_points {
            rows.push((format!("deal {deal}"), points.normalize().to_string()));
        }
        rows
    };
    let rows_a = rows(a);
    let rows_b = b.map(rows).unwrap_or_default();
    let mut names: Vec<String> = rows_a.iter().map(|(n, _)| n.clone()).collect();
    for (name, _) in &rows_b {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
        .into_iter()
        .map(|name| {
            let va = rows_a
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "0".into());
            let vb = b.map(|_| {
                rows_b
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| "0".into())
            });
            (name, va, vb)
        })
        .collect()
}

fn render_csv(a: &Simulation, c: Option<&Comparison>) -> String {
    let mut out = String::from(if c.is_some() {
        "metric,a,b\n"
    } else {
        "metric,value\n"
    });
    for (name, va, vb) in metrics(a, c.map(|c| &c.b)) {
        match vb {
            Some(vb) => out.push_str(&format!("{name},{va},{vb}\n")),
            None => out.push_str(&format!("{name},{va}\n")),
        }
    }
    out
}

fn render_text(a: &Simulation, c: Option<&Comparison>, points: &str) -> String {
    let b = c.map(|c| &c.b);
    let mut out = format!(
        "simulation of club {} over {} ({} rejected)\n",
        a.club,
        crate::diagnostic::count(a.events, "event", "events"),
        crate::diagnostic::number(a.rejected)
    );
    let rows = metrics(a, b);
    let width = rows.iter().map(|(n, _, _)| n.len()).max().unwrap_or(10);
    let number = |text: &str| {
        text.parse::<rust_decimal::Decimal>()
            .map(grouped)
            .unwrap_or_else(|_| text.to_owned())
    };
    match b {
        Some(b) => {
            out.push_str(&format!(
                "A = {} (policy {})\nB = {} (policy {})\n",
                a.label, a.policy_version, b.label, b.policy_version
            ));
            out.push_str(&format!(
                "{:<width$}  {:>14}  {:>14}  {:>14}\n",
                "", "A", "B", "B - A"
            ));
        }
        None => out.push_str(&format!(
            "{:<width$}  {:>14}\n",
            "",
            format!("policy {}", a.policy_version)
        )),
    }
    for (name, va, vb) in &rows {
        match vb {
            Some(vb) => out.push_str(&format!(
                "{name:<width$}  {:>14}  {:>14}  {:>14}\n",
                number(va),
                number(vb),
                difference(va, vb)
            )),
            None => out.push_str(&format!("{name:<width$}  {:>14}\n", number(va))),
        }
    }
    if let Some(c) = c {
        // Points issued and the money members hold are two different things: each on its
        // own.
        out.push_str(&format!(
            "\nB less A: {} {points} issued",
            crate::amount::signed_grouped(c.issued_delta)
        ));
        if let Some(delta) = c.liability_delta {
            out.push_str(&format!(
                "; liability {} {}",
                crate::amount::signed_grouped(delta),
                a.currency
            ));
        }
        out.push('\n');
        if !c.migration.is_empty() {
            out.push_str("\ntier migration (A -> B: members)\n");
            let mut moves: Vec<(&String, &String, u64)> = c
                .migration
                .iter()
                .flat_map(|(from, to)| to.iter().map(move |(tier, n)| (from, tier, *n)))
                .collect();
            moves.sort_by_key(|(from, to, _)| (a.tier_rank(from), a.tier_rank(to)));
            for (from, tier, count) in moves {
                out.push_str(&format!("  {from} -> {tier}: {count}\n"));
            }
        }
        if !c.most_affected.is_empty() {
            out.push_str("\nmembers most affected (balance A -> B)\n");
            for (member, va, vb) in &c.most_affected {
                out.push_str(&format!(
                    "  {member}: {} -> {}\n",
                    grouped(*va),
                    grouped(*vb)
                ));
            }
        }
    }
    out
}
