//! Row files: members and events, CSV and JSON Lines, imported into a ledger that already
//! holds a valid base. Besides "no panic, no hang":
//!
//! - the report accounts for every row (accepted + duplicate + conflicting + rejected);
//! - a dry run changes nothing;
//! - a refused row changes nothing: the ledger after the mutated file equals the ledger
//!   after the same file without its refused rows (imported into the same base), and
//!   that second import refuses nothing;
//! - importing the same file again changes nothing and accepts nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bashgah::import::{
    import_events, import_members, read_rows, FileFormat, ImportOptions, Row, RowProblem,
    EVENT_COLUMNS, MEMBER_COLUMNS,
};
use bashgah::ledger::Ledger;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use chrono::{DateTime, Utc};

use crate::fuzz::files::{corpus, files_ending, read};
use crate::fuzz::harness::{note, root, Check, Seed, Target};
use crate::fuzz::rng::Rng;
use crate::fuzz::structured::{self, Dictionary, CSV_WORDS};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Members,
    Events,
}

/// A club the row files are imported into, and its base files (CSV).
struct RowsClub {
    context: &'static str,
    dir: PathBuf,
    members: PathBuf,
    events: PathBuf,
}

fn rows_clubs() -> Vec<RowsClub> {
    let root = root();
    let corpus = corpus().join("rows");
    vec![
        RowsClub {
            context: "cafe",
            dir: root.join("policies/cafe"),
            members: root.join("examples/cafe/members.csv"),
            events: root.join("examples/cafe/purchases.csv"),
        },
        RowsClub {
            context: "commitment",
            dir: root.join("policies/commitment"),
            members: corpus.join("commitment/members.csv"),
            events: corpus.join("commitment/events.csv"),
        },
        RowsClub {
            context: "retailer",
            dir: root.join("policies/retailer"),
            members: corpus.join("retailer/members.csv"),
            events: corpus.join("retailer/events.csv"),
        },
    ]
}

/// When a members file is taken to say what it says (consents are dated then).
fn members_at() -> DateTime<Utc> {
    "2025-03-01T00:00:00Z".parse().expect("a time")
}

type Items = Vec<Result<Row, RowProblem>>;

fn rows_of(data: &[u8], format: FileFormat, kind: Kind) -> Result<Items, String> {
    let required: &[&str] = match kind {
        Kind::Members => &MEMBER_COLUMNS,
        Kind::Events => &EVENT_COLUMNS,
    };
    read_rows(Cursor::new(data.to_vec()), format, "fuzz", required)
        .map(|rows| rows.collect())
        .map_err(|e| e.to_string())
}

/// What the ledger holds, to compare: every member fact (`Ledger::dump`) and the clock.
fn snapshot(ledger: &Ledger) -> Result<String, String> {
    let dump = ledger.dump().map_err(|e| format!("dump: {e}"))?;
    let now = ledger.now().map_err(|e| format!("clock: {e}"))?;
    Ok(format!("{dump}clock: {now:?}\n"))
}

/// The first lines where two snapshots differ.
pub fn diff(expected: &str, got: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    let mut out = String::new();
    let only_a: Vec<&&str> = a.iter().filter(|l| !b.contains(l)).take(8).collect();
    let only_b: Vec<&&str> = b.iter().filter(|l| !a.contains(l)).take(8).collect();
    for line in only_a {
        out.push_str(&format!("\n    - {line}"));
    }
    for line in only_b {
        out.push_str(&format!("\n    + {line}"));
    }
    if out.is_empty() {
        out.push_str("\n    (the same lines in another order)");
    }
    out
}

struct Club {
    policy: Policy,
    members: Items,
    events: Items,
}

impl Club {
    /// A ledger holding the club's base files, which must import cleanly.
    fn base(&self) -> Result<Ledger, String> {
        let ledger = Ledger::open_in_memory().map_err(|e| e.to_string())?;
        let members = import_members(
            &ledger,
            &self.policy,
            self.members.clone().into_iter(),
            members_at(),
        )
        .map_err(|e| e.to_string())?;
        let events = import_events(
            &ledger,
            &self.policy,
            self.events.clone().into_iter(),
            options(),
        )
        .map_err(|e| e.to_string())?;
        if members.rejected > 0 || events.rejected > 0 || events.conflicts > 0 {
            return Err(format!(
                "the base files of `{}` do not import cleanly: {members:?} {events:?}",
                self.policy.club.id
            ));
        }
        Ok(ledger)
    }
}

/// Small batches: several transactions per file. Batches count applied rows only, so the
/// file without its refused rows is cut into the same batches.
fn options() -> ImportOptions {
    ImportOptions {
        batch_size: 4,
        ..ImportOptions::default()
    }
}

fn ledger_failed(e: impl std::fmt::Display) -> String {
    format!("the ledger failed on these rows: {e}")
}

fn check_rows(club: &Club, kind: Kind, format: FileFormat, input: &[u8]) -> Result<(), String> {
    let items = match rows_of(input, format, kind) {
        Ok(items) => items,
        // The whole file refused (unreadable, a required column missing): nothing read.
        Err(_) => {
            note("file refused");
            return Ok(());
        }
    };
    // Every row has a line of its own: problems are reported by line, and the comparison
    // below finds refused rows by it.
    let lines: Vec<u64> = items
        .iter()
        .map(|item| match item {
            Ok(row) => row.line,
            Err(problem) => problem.line,
        })
        .collect();
    let distinct: BTreeSet<u64> = lines.iter().copied().collect();
    if distinct.len() != lines.len() {
        return Err(format!(
            "rows share line numbers: {} rows on lines {distinct:?}",
            lines.len()
        ));
    }
    let ledger = club.base()?;
    let before = snapshot(&ledger)?;
    let (refused, problems): (BTreeSet<u64>, Vec<RowProblem>) = match kind {
        Kind::Events => {
            let dry = import_events(
                &ledger,
                &club.policy,
                items.clone().into_iter(),
                // One transaction: a dry run rolls back each batch, so a later batch
                // would not see an earlier one's rows.
                ImportOptions {
                    dry_run: true,
                    ..ImportOptions::default()
                },
            )
            .map_err(ledger_failed)?;
            if snapshot(&ledger)? != before {
                return Err(format!(
                    "a dry run changed the ledger:{}",
                    diff(&before, &snapshot(&ledger)?)
                ));
            }
            let report = import_events(&ledger, &club.policy, items.clone().into_iter(), options())
                .map_err(ledger_failed)?;
            for report in [&dry, &report] {
                let counted =
                    report.accepted + report.duplicates + report.conflicts + report.rejected;
                if counted != items.len() as u64
                    || report.problems.len() as u64 != report.conflicts + report.rejected
                {
                    return Err(format!(
                        "the report does not account for every row: {} rows, {report:?}",
                        items.len()
                    ));
                }
            }
            if dry.accepted != report.accepted || dry.rejected != report.rejected {
                return Err(format!(
                    "a dry run said other than the import: {dry:?} then {report:?}"
                ));
            }
            (
                report.problems.iter().map(|p| p.line).collect(),
                report.problems,
            )
        }
        Kind::Members => {
            let report = import_members(
                &ledger,
                &club.policy,
                items.clone().into_iter(),
                members_at(),
            )
            .map_err(ledger_failed)?;
            if report.created + report.updated + report.unchanged + report.rejected
                != items.len() as u64
            {
                return Err(format!(
                    "the report does not account for every row: {} rows, {report:?}",
                    items.len()
                ));
            }
            (
                report.problems.iter().map(|p| p.line).collect(),
                report.problems,
            )
        }
    };
    for problem in &problems {
        let _ = problem.render("fuzz");
    }
    note(if problems.is_empty() {
        "no row refused"
    } else {
        "rows refused"
    });
    let after = snapshot(&ledger)?;

    // The same again: nothing new.
    match kind {
        Kind::Events => {
            let again = import_events(&ledger, &club.policy, items.clone().into_iter(), options())
                .map_err(ledger_failed)?;
            if again.accepted != 0 {
                return Err(format!(
                    "importing the same rows again accepted {}: {again:?}",
                    again.accepted
                ));
            }
        }
        Kind::Members => {
            import_members(
                &ledger,
                &club.policy,
                items.clone().into_iter(),
                members_at(),
            )
            .map_err(ledger_failed)?;
        }
    }
    let again = snapshot(&ledger)?;
    if again != after {
        return Err(format!(
            "importing the same rows again changed the ledger:{}",
            diff(&after, &again)
        ));
    }

    // Without the refused rows, into the same base: the same ledger.
    let mut members: BTreeSet<String> = club
        .members
        .iter()
        .chain(club.events.iter())
        .chain(items.iter())
        .filter_map(|item| item.as_ref().ok())
        .filter_map(|row| match kind {
            Kind::Events => row.text("member").ok().flatten().map(str::to_owned),
            Kind::Members => row.text("id").ok().flatten().map(str::to_owned),
        })
        .collect();
    members.extend(
        club.events
            .iter()
            .filter_map(|i| Some(i.as_ref().ok()?.text("member").ok()??.to_owned())),
    );
    if problems.is_empty() {
        time_passes(club, &ledger, &members)?;
        return Ok(());
    }

    let kept: Items = items
        .into_iter()
        .filter(|item| matches!(item, Ok(row) if !refused.contains(&row.line)))
        .collect();
    let reference = club.base()?;
    let refused_again = match kind {
        Kind::Events => {
            let report = import_events(&reference, &club.policy, kept.into_iter(), options())
                .map_err(ledger_failed)?;
            report.problems
        }
        Kind::Members => {
            import_members(&reference, &club.policy, kept.into_iter(), members_at())
                .map_err(ledger_failed)?
                .problems
        }
    };
    if !refused_again.is_empty() {
        return Err(format!(
            "without the refused rows (lines {refused:?}), rows the import accepted are refused: {refused_again:?}"
        ));
    }
    let expected = snapshot(&reference)?;
    if expected != after {
        return Err(format!(
            "refused rows (lines {refused:?}) changed the ledger: it differs from the import of the file without them:{}",
            diff(&expected, &after)
        ));
    }
    // And they stay the same as time passes (greetings on fuzzed birthdays, expiry,
    // reviews, deal checkpoints).
    let later = time_passes(club, &ledger, &members)?;
    let expected = time_passes(club, &reference, &members)?;
    if expected != later {
        return Err(format!(
            "refused rows (lines {refused:?}) changed what the clock does later: it differs from the import of the file without them:{}",
            diff(&expected, &later)
        ));
    }
    Ok(())
}

/// Moves the clock two years past the later of its time and 2026 (unless the rows took it
/// near the last supported year), then checks that every member's balance is the sum of
/// their entries. Returns the snapshot after.
fn time_passes(club: &Club, ledger: &Ledger, members: &BTreeSet<String>) -> Result<String, String> {
    let now = ledger.now().map_err(ledger_failed)?;
    let start: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().expect("a time");
    let from = now.map_or(start, |now| now.max(start));
    let to = from + chrono::Duration::days(730);
    if chrono::Datelike::year(&to) < 8990 {
        ledger.begin().map_err(ledger_failed)?;
        match bashgah::clock::advance(ledger, &club.policy, to) {
            Ok(_) => ledger.commit().map_err(ledger_failed)?,
            Err(error) => {
                let _ = ledger.rollback();
                return Err(format!(
                    "moving the clock to {to}: {}",
                    ledger_failed(error)
                ));
            }
        }
    }
    for member in members {
        let Some(summary) = ledger.member_summary(member).map_err(ledger_failed)? else {
            continue;
        };
        let entries: rust_decimal::Decimal = ledger
            .statement(member)
            .map_err(ledger_failed)?
            .iter()
            .map(|line| line.points)
            .sum();
        if summary.balance != entries {
            return Err(format!(
                "member `{member}`'s balance {} is not the sum of their entries {entries}",
                summary.balance
            ));
        }
    }
    snapshot(ledger)
}

fn csv_structured(rng: &mut Rng, data: &[u8], _: &Dictionary) -> Option<Vec<u8>> {
    structured::csv(rng, data)
}

fn jsonl_structured(rng: &mut Rng, data: &[u8], dictionary: &Dictionary) -> Option<Vec<u8>> {
    structured::jsonl(rng, data, dictionary)
}

/// The target for one kind of row in one format, over every club that has seeds for it.
pub fn target(kind: Kind, format: FileFormat) -> Target {
    let (name, prefix) = match (kind, format) {
        (Kind::Events, FileFormat::Csv) => ("events-csv", "events"),
        (Kind::Events, FileFormat::Jsonl) => ("events-jsonl", "events"),
        (Kind::Members, FileFormat::Csv) => ("members-csv", "members"),
        (Kind::Members, FileFormat::Jsonl) => ("members-jsonl", "members"),
    };
    let suffix = match format {
        FileFormat::Csv => ".csv",
        FileFormat::Jsonl => ".jsonl",
    };
    let mut seeds = Vec::new();
    for club in rows_clubs() {
        let mut files = Vec::new();
        if format == FileFormat::Csv {
            files.push(match kind {
                Kind::Members => club.members.clone(),
                Kind::Events => club.events.clone(),
            });
        }
        for file in files_ending(&corpus().join("rows").join(club.context), suffix) {
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with(prefix) && !files.contains(&file) {
                files.push(file);
            }
        }
        for file in files {
            seeds.push(Seed {
                context: club.context.to_owned(),
                data: read(&file),
            });
        }
    }
    let mut dictionary = Dictionary::from_trees(
        &seeds
            .iter()
            .flat_map(|s| {
                String::from_utf8_lossy(&s.data)
                    .lines()
                    .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                    .map(|v| structured::from_json(&v))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>(),
    );
    dictionary.add_words(CSV_WORDS.iter().map(|w| (*w).to_owned()));

    let engine = Arc::new(ScriptEngine::new(
        ScriptLimits::default(),
        Some(&root().join("plugins")),
    ));
    let loaded: Arc<Mutex<BTreeMap<String, Arc<Club>>>> = Arc::default();
    let check: Check = Arc::new(move |context, input| {
        let club = {
            let mut loaded = loaded.lock().unwrap_or_else(|e| e.into_inner());
            if !loaded.contains_key(context) {
                let found = rows_clubs()
                    .into_iter()
                    .find(|c| c.context == context)
                    .ok_or_else(|| format!("no club `{context}` for rows"))?;
                let (policy, _) = Policy::load(&found.dir, &engine)
                    .map_err(|p| format!("`{context}` does not load: {p:?}"))?;
                let members = rows_of(&read(&found.members), FileFormat::Csv, Kind::Members)?;
                let events = rows_of(&read(&found.events), FileFormat::Csv, Kind::Events)?;
                loaded.insert(
                    context.to_owned(),
                    Arc::new(Club {
                        policy,
                        members,
                        events,
                    }),
                );
            }
            Arc::clone(&loaded[context])
        };
        check_rows(&club, kind, format, input)
    });
    Target {
        name,
        seeds,
        dictionary,
        structured: match format {
            FileFormat::Csv => csv_structured,
            FileFormat::Jsonl => jsonl_structured,
        },
        check,
        default_cases: 120,
    }
}
