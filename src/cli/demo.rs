//! `bashgah demo`: the newcomer's first run. Loads every club under `policies/`, imports
//! its sample members and events from `examples/<club>/` into `data/<club>.sqlite`, and
//! prints each club's top members with one statement. Running it again changes nothing:
//! every event is already in the ledger.

use std::fs;
use std::path::{Path, PathBuf};

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::import::{self, FileFormat, ImportOptions, EVENT_COLUMNS, MEMBER_COLUMNS};
use crate::policy::discover_clubs;
use crate::tr;

/// Members shown per club.
const TOP: usize = 5;

pub fn run(workspace: &Workspace, examples: &Path) -> Result<ExitCode, CommandError> {
    let clubs = discover_clubs(&workspace.policies).map_err(|e| {
        CommandError(format!(
            "{}: {}",
            tr!("diagnostic-error"),
            tr!(
                "check-cannot-read",
                folder = workspace.policies.display().to_string(),
                reason = e.to_string()
            )
        ))
    })?;
    let mut code = ExitCode::Ok;
    for club_dir in clubs {
        let club = club_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let policy = match workspace.load_policy(&club_dir.display().to_string()) {
            Ok(policy) => policy,
            Err(error) => {
                eprint!("{error}");
                code = ExitCode::Failed;
                continue;
            }
        };
        println!(
            "{}",
            tr!(
                "demo-club",
                name = &policy.club.name,
                club = &club,
                version = policy.short_id()
            )
        );
        let samples = examples.join(&club);
        let (members, events) = sample_files(&samples);
        if members.is_none() && events.is_empty() {
            println!(
                "{}\n",
                tr!("demo-no-samples", folder = samples.display().to_string())
            );
            continue;
        }
        let db = workspace.ledger_place(&policy);
        let ledger = workspace.open_ledger(&db)?;
        if let Some(members) = members {
            let rows = rows(&members, &MEMBER_COLUMNS)?;
            let report = import::import_members(
                &ledger,
                &policy,
                rows,
                ledger.now()?.unwrap_or_else(chrono::Utc::now),
            )?;
            println!(
                "{}: {}",
                members.display(),
                super::import::members_summary(&report)
            );
        }
        for file in events {
            let report = import::import_events(
                &ledger,
                &policy,
                rows(&file, &EVENT_COLUMNS)?,
                ImportOptions::default(),
            )?;
            let shown = file.display().to_string();
            eprint!("{}", import::render_problems(&report.problems, &shown));
            println!("{shown}: {}", report.summary());
            if report.rejected > 0 || report.conflicts > 0 {
                code = ExitCode::Failed;
            }
        }
        let top = ledger.top_members(TOP)?;
        println!("{}", tr!("demo-top", ledger = db.to_string()));
        for (id, balance) in &top {
            println!(
                "  {id:<12} {:>10} {}",
                crate::locale::amount(*balance),
                policy.club.points.name
            );
        }
        if let Some((id, _)) = top.first() {
            if let Some(view) = crate::view::MemberView::read(&ledger, id, None, Some(&policy))? {
                println!();
                print!("{}", super::member::render(&policy, &view));
            }
            println!("\n{}\n", tr!("demo-see-member", club = &club));
        }
    }
    Ok(code)
}

/// `members.csv|jsonl` and every other .csv/.jsonl (events), sorted by name.
fn sample_files(dir: &Path) -> (Option<PathBuf>, Vec<PathBuf>) {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| FileFormat::from_path(p).is_some());
    files.sort();
    let members = files
        .iter()
        .position(|p| p.file_stem().is_some_and(|s| s == "members"))
        .map(|i| files.remove(i));
    (members, files)
}

fn rows(path: &Path, required: &[&str]) -> Result<import::Rows, CommandError> {
    let format = FileFormat::from_path(path).unwrap_or(FileFormat::Csv);
    let file = fs::File::open(path).map_err(|e| super::import::cannot_open(path, &e))?;
    Ok(import::read_rows(
        file,
        format,
        &path.display().to_string(),
        required,
    )?)
}
