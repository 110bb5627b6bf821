//! `bashgah simulate <club> --events FILE [--against CLUB_DIR]`: what a policy (or a change
//! to it) would have given over real events, as a table, JSON, CSV or an HTML page.

use std::path::Path;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::import::EVENT_COLUMNS;
use crate::locale::{amount as grouped, numerals};
use crate::simulate::{
    compare, difference, render_html, simulate_until, Comparison, MembersFile, Simulation,
};
use crate::tr;

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
    /// The members file (read at `members_read_at`, see [`MembersFile`]) and the events.
    fn open(
        &self,
        members_read_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(Option<MembersFile>, crate::import::Rows), CommandError> {
        let members = self
            .members
            .map(|m| super::import::open_rows(m, None, &crate::import::MEMBER_COLUMNS))
            .transpose()?
            .map(|rows| MembersFile {
                rows,
                read_at: members_read_at,
            });
        Ok((
            members,
            super::import::open_rows(self.events, None, &EVENT_COLUMNS)?,
        ))
    }

    /// When the members file is taken to be read: at the end of what is simulated (`--to`,
    /// else the last event in the file), so that a profile without a joining date joins
    /// on the day of its first event, as an import of the same files today would have it.
    fn members_read_at(
        &self,
        policy: &crate::policy::Policy,
        until: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<chrono::DateTime<chrono::Utc>, CommandError> {
        match (until, self.members) {
            (Some(until), _) => return Ok(until),
            // No profiles to read: any time will do.
            (None, None) => return Ok(chrono::DateTime::UNIX_EPOCH),
            (None, Some(_)) => {}
        }
        // One pass over the file for its dates alone: rows that cannot be read are
        // rejected by the simulation itself, with their line and column.
        let (calendar, zone) = (policy.club.calendar, policy.zone);
        let last = super::import::open_rows(self.events, None, &EVENT_COLUMNS)?
            .filter_map(|row| {
                let text = row.ok()?.label("date")?;
                crate::time::parse_event_time(&text, calendar, zone).ok()
            })
            .max();
        Ok(last.unwrap_or(chrono::DateTime::UNIX_EPOCH))
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
            crate::time::parse_event_time(text, policy.club.calendar, policy.zone).map_err(|m| {
                CommandError(format!(
                    "{}: {}\n",
                    tr!("diagnostic-error"),
                    tr!("simulate-bad-to", reason = m)
                ))
            })
        })
        .transpose()?;
    let members_read_at = files.members_read_at(&policy, until)?;
    let (members, events) = files.open(members_read_at)?;
    let mut a = simulate_until(&policy, members, events, until)?;
    a.label = policy.dir.display().to_string();
    let comparison = match against {
        Some(dir) => {
            let other = workspace.load_policy(&dir.display().to_string())?;
            let (members, events) = files.open(members_read_at)?;
            let mut b = simulate_until(&other, members, events, until)?;
            b.label = dir.display().to_string();
            Some(compare(a.clone(), b, MOST_AFFECTED))
        }
        None => None,
    };
    // People (the text, the HTML report) read the liability in the money the club shows;
    // JSON and CSV keep the club's currency.
    let shown_a = as_shown(&policy, &a);
    let shown = comparison.as_ref().map(|c| Comparison {
        a: shown_a.clone(),
        b: as_shown(&policy, &c.b),
        liability_delta: c
            .liability_delta
            .map(|delta| crate::club::currencies::shown_amount(&policy.club, delta).0),
        ..c.clone()
    });
    if let Some(path) = html {
        std::fs::write(path, render_html(&shown_a, shown.as_ref()))?;
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
            render_text(&shown_a, shown.as_ref(), &policy.club.points.name)
        );
    }
    if let Some(path) = html {
        eprintln!(
            "{}",
            tr!("simulate-html-written", path = path.display().to_string())
        );
    }
    let limit = policy
        .club
        .reports
        .as_ref()
        .and_then(|r| r.max_giveaway.clone())
        .unwrap_or_default();
    let sims = std::iter::once(&a).chain(comparison.as_ref().map(|c| &c.b));
    for sim in sims {
        for g in &sim.giveaways {
            eprintln!(
                "{}: {}",
                tr!("diagnostic-warning"),
                tr!(
                    "simulate-giveaway",
                    label = &sim.label,
                    kind = &g.kind,
                    id = &g.id,
                    worth = g.worth,
                    margin = g.margin,
                    currency = &sim.currency,
                    percent = g
                        .percent
                        .map(|p| p.to_string())
                        .unwrap_or_else(|| "∞".into()),
                    limit = &limit
                )
            );
        }
    }
    Ok(ExitCode::Ok)
}

/// One line of the summary: its name in the CSV (English, for programs), its name for
/// people, its value under A and under B.
struct Metric {
    key: String,
    label: String,
    a: String,
    b: Option<String>,
}

/// The summary's lines, under A and (when comparing) B.
/// `sim` with its liability in the money the club shows people (`money: toman`: a tenth,
/// in Toman), as every other amount on the command line.
fn as_shown(policy: &crate::policy::Policy, sim: &Simulation) -> Simulation {
    let mut sim = sim.clone();
    if let Some(liability) = sim.liability {
        let (amount, unit) = crate::club::currencies::shown_amount(&policy.club, liability);
        sim.liability = Some(amount);
        sim.currency = unit;
    }
    sim
}

fn metrics(a: &Simulation, b: Option<&Simulation>) -> Vec<Metric> {
    // (key, label, value)
    let rows = |sim: &Simulation| {
        let mut rows = vec![
            (
                "events".to_owned(),
                tr!("simulate-events"),
                sim.events.to_string(),
            ),
            (
                "rejected".to_owned(),
                tr!("simulate-rejected"),
                sim.rejected.to_string(),
            ),
            (
                "issued".to_owned(),
                tr!("simulate-issued"),
                sim.issued.normalize().to_string(),
            ),
            (
                "spent".to_owned(),
                tr!("simulate-spent"),
                sim.spent.normalize().to_string(),
            ),
            (
                "expired".to_owned(),
                tr!("simulate-expired"),
                sim.expired.normalize().to_string(),
            ),
            (
                "reversed".to_owned(),
                tr!("simulate-reversed"),
                sim.reversed.normalize().to_string(),
            ),
            (
                "outstanding".to_owned(),
                tr!("simulate-outstanding"),
                sim.outstanding.normalize().to_string(),
            ),
        ];
        if let Some(liability) = sim.liability {
            rows.push((
                format!("liability {}", sim.currency),
                tr!("simulate-liability", currency = &sim.currency),
                liability.normalize().to_string(),
            ));
        }
        for (rule, points) in &sim.issued_by_rule {
            rows.push((
                format!("issued by {rule}"),
                tr!("simulate-issued-by", rule = rule),
                points.normalize().to_string(),
            ));
        }
        for (tier, members) in sim.tiers_in_order() {
            rows.push((
                format!("members in {tier}"),
                tr!("simulate-members-in", tier = tier),
                members.to_string(),
            ));
        }
        for (deal, points) in &sim.deal_points {
            rows.push((
                format!("deal {deal}"),
                tr!("simulate-deal", deal = deal),
                points.normalize().to_string(),
            ));
        }
        rows
    };
    let rows_a = rows(a);
    let rows_b = b.map(rows).unwrap_or_default();
    let mut names: Vec<(String, String)> = rows_a
        .iter()
        .map(|(k, l, _)| (k.clone(), l.clone()))
        .collect();
    for (key, label, _) in &rows_b {
        if !names.iter().any(|(k, _)| k == key) {
            names.push((key.clone(), label.clone()));
        }
    }
    let value = |rows: &[(String, String, String)], key: &str| {
        rows.iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| v.clone())
            .unwrap_or_else(|| "0".into())
    };
    names
        .into_iter()
        .map(|(key, label)| Metric {
            a: value(&rows_a, &key),
            b: b.map(|_| value(&rows_b, &key)),
            key,
            label,
        })
        .collect()
}

/// CSV is for spreadsheets and programs: its metric names are the same in every language.
fn render_csv(a: &Simulation, c: Option<&Comparison>) -> String {
    let mut out = String::from(if c.is_some() {
        "metric,a,b\n"
    } else {
        "metric,value\n"
    });
    for Metric {
        key, a: va, b: vb, ..
    } in metrics(a, c.map(|c| &c.b))
    {
        match vb {
            Some(vb) => out.push_str(&format!("{key},{va},{vb}\n")),
            None => out.push_str(&format!("{key},{va}\n")),
        }
    }
    out
}

fn render_text(a: &Simulation, c: Option<&Comparison>, points: &str) -> String {
    let b = c.map(|c| &c.b);
    let mut out = tr!(
        "simulate-heading",
        club = &a.club,
        events = a.events,
        rejected = a.rejected
    );
    out.push('\n');
    let rows = metrics(a, b);
    let width = rows
        .iter()
        .map(|m| crate::locale::width(&m.label))
        .max()
        .unwrap_or(10);
    let number = |text: &str| {
        text.parse::<rust_decimal::Decimal>()
            .map(grouped)
            .unwrap_or_else(|_| text.to_owned())
    };
    match b {
        Some(b) => {
            for (name, sim) in [("A", a), ("B", b)] {
                out.push_str(&tr!(
                    "simulate-scenario",
                    name = name,
                    label = &sim.label,
                    version = &sim.policy_version
                ));
                out.push('\n');
            }
            out.push_str(&format!(
                "{}  {:>14}  {:>14}  {}\n",
                crate::locale::pad_end("", width),
                "A",
                "B",
                crate::locale::pad_start(&tr!("simulate-difference"), 14)
            ));
        }
        None => out.push_str(&format!(
            "{}  {}\n",
            crate::locale::pad_end("", width),
            crate::locale::pad_start(&tr!("simulate-policy", version = &a.policy_version), 14)
        )),
    }
    for Metric {
        label,
        a: va,
        b: vb,
        ..
    } in &rows
    {
        match vb {
            Some(vb) => out.push_str(&format!(
                "{}  {:>14}  {:>14}  {:>14}\n",
                crate::locale::pad_end(label, width),
                number(va),
                number(vb),
                numerals(&difference(va, vb))
            )),
            None => out.push_str(&format!(
                "{}  {:>14}\n",
                crate::locale::pad_end(label, width),
                number(va)
            )),
        }
    }
    if let Some(c) = c {
        // Points issued and the money members hold are two different things: each on its
        // own.
        out.push('\n');
        out.push_str(&tr!(
            "simulate-issued-delta",
            delta = signed_grouped(c.issued_delta),
            points = points
        ));
        if let Some(delta) = c.liability_delta {
            out.push_str(&tr!(
                "simulate-liability-delta",
                delta = signed_grouped(delta),
                currency = &a.currency
            ));
        }
        out.push('\n');
        if !c.migration.is_empty() {
            out.push('\n');
            out.push_str(&tr!("simulate-migration-heading"));
            out.push('\n');
            let mut moves: Vec<(&String, &String, u64)> = c
                .migration
                .iter()
                .flat_map(|(from, to)| to.iter().map(move |(tier, n)| (from, tier, *n)))
                .collect();
            moves.sort_by_key(|(from, to, _)| (a.tier_rank(from), a.tier_rank(to)));
            for (from, tier, count) in moves {
                out.push_str(&tr!(
                    "simulate-migration",
                    from = from,
                    to = tier,
                    members = numerals(&count.to_string())
                ));
                out.push('\n');
            }
        }
        if !c.most_affected.is_empty() {
            out.push('\n');
            out.push_str(&tr!("simulate-affected-heading"));
            out.push('\n');
            for (member, va, vb) in &c.most_affected {
                out.push_str(&tr!("simulate-affected", member = member, a = *va, b = *vb));
                out.push('\n');
            }
        }
    }
    out
}

/// A signed change, grouped, in the language's digits: `+441,000`.
fn signed_grouped(value: rust_decimal::Decimal) -> String {
    numerals(&crate::amount::signed_grouped(value))
}
