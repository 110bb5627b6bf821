//! `bashgah import <club> [FILE] [--members FILE]`.

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::Path;

use super::args::ImportArgs;
use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::import::{
    self, FileFormat, HeaderMap, ImportOptions, Profile, EVENT_COLUMNS, MEMBER_COLUMNS,
};
use crate::policy::Policy;
use crate::tr;

/// Files smaller than this import too fast for a progress bar to help.
const PROGRESS_MIN_BYTES: u64 = 4 * 1024 * 1024;

pub fn run(workspace: &Workspace, args: &ImportArgs) -> Result<ExitCode, CommandError> {
    if args.file.is_none() && args.members.is_none() {
        return Err(CommandError(format!(
            "{}: {}\n  = {}: {}\n",
            tr!("diagnostic-error"),
            tr!("import-nothing"),
            tr!("diagnostic-help"),
            tr!("import-nothing-help")
        )));
    }
    let policy = workspace.load_policy(&args.club)?;
    let db = args
        .db
        .clone()
        .map(crate::ledger::LedgerPlace::File)
        .unwrap_or_else(|| workspace.ledger_place(&policy));
    let profile = args
        .profile
        .as_deref()
        .map(|name| find_profile(&policy, name))
        .transpose()?;
    let ledger = workspace.open_ledger(&db)?;
    ledger.wait_when_busy(std::time::Duration::from_secs(args.wait.into()))?;
    let mut code = ExitCode::Ok;

    if let Some(members) = &args.members {
        let rows = open_rows_with(members, args.format, &MEMBER_COLUMNS, profile.clone())?;
        let at = ledger.now()?.unwrap_or_else(chrono::Utc::now);
        let report = if args.dry_run {
            import::import_members_dry_run(&ledger, &policy, rows, at)?
        } else {
            import::import_members(&ledger, &policy, rows, at)?
        };
        let mut summary = members_summary(&report);
        if args.dry_run {
            // The events of the same dry run are decided without these profiles.
            summary.push_str(&tr!("import-dry-run"));
        }
        print_report(members, &report.problems, &report, &summary, args.json);
        if report.rejected > 0 {
            code = ExitCode::Failed;
        }
    }

    if let Some(file) = &args.file {
        let rows = open_rows_with(file, args.format, &EVENT_COLUMNS, profile)?;
        // The machine's clock decides which occasions are old news (the club's
        // `messages.stale_after`); `--quiet` queues no message at all.
        let mut messages = crate::decide::MessageDiscipline::at(&policy, chrono::Utc::now());
        messages.quiet = args.quiet;
        let options = ImportOptions {
            batch_size: args.batch_size as usize,
            dry_run: args.dry_run,
            retry_rejected: args.retry_rejected,
            messages,
            ..ImportOptions::default()
        };
        let report = import::import_events(&ledger, &policy, rows, options)?;
        if !args.dry_run && report.accepted > 0 {
            ledger.refresh_statistics()?;
        }
        let mut summary = report.summary();
        if args.dry_run {
            summary.push_str(&tr!("import-dry-run"));
        }
        for warning in &report.warnings {
            eprintln!(
                "{}: {}:{warning}",
                tr!("diagnostic-warning"),
                file.display()
            );
        }
        print_report(file, &report.problems, &report, &summary, args.json);
        if report.rejected > 0 || report.conflicts > 0 {
            code = ExitCode::Failed;
        }
    }
    Ok(code)
}

use crate::import::Rows;

/// The summary line of a members file, in the language of the output:
/// `4 members created, 0 updated, 0 rejected`.
pub(super) fn members_summary(report: &import::MemberImportReport) -> String {
    let unchanged = match report.unchanged {
        0 => String::new(),
        n => tr!("import-members-unchanged", unchanged = n),
    };
    tr!(
        "import-members-summary",
        created = report.created,
        updated = report.updated,
        unchanged = unchanged,
        rejected = report.rejected
    )
}

/// Problems to stderr, then the summary line (or the whole report as JSON) to stdout.
fn print_report(
    file: &Path,
    problems: &[import::RowProblem],
    report: &impl serde::Serialize,
    summary: &str,
    json: bool,
) {
    let shown = file.display().to_string();
    eprint!("{}", import::render_problems(problems, &shown));
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).unwrap_or_default()
        );
    } else {
        println!("{shown}: {summary}");
    }
}

/// The club's import profile `name`, or an error listing the ones it has.
fn find_profile(policy: &Policy, name: &str) -> Result<Profile, CommandError> {
    let profiles = policy
        .club
        .import
        .as_ref()
        .map(|settings| &settings.profiles);
    match profiles.and_then(|profiles| profiles.get(name)) {
        Some(profile) => Ok(Profile::new(name, profile, policy.club.calendar)),
        None => {
            let known: Vec<&String> = profiles.map(|p| p.keys().collect()).unwrap_or_default();
            let help = match crate::diagnostic::did_you_mean(name, known.iter().map(|k| k.as_str()))
            {
                Some(close) => tr!("did-you-mean", name = close),
                None if known.is_empty() => tr!("import-no-profiles-help"),
                None => tr!(
                    "import-profiles-are",
                    profiles = known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            Err(CommandError(format!(
                "{}: {}\n  = {}: {help}\n",
                tr!("diagnostic-error"),
                tr!("import-no-profile", club = &policy.club.id, name = name),
                tr!("diagnostic-help")
            )))
        }
    }
}

/// [`open_rows`] read through an import profile, if one is given.
fn open_rows_with(
    path: &Path,
    format: Option<FileFormat>,
    required: &[&str],
    profile: Option<Profile>,
) -> Result<Rows, CommandError> {
    let Some(profile) = profile else {
        return open_rows(path, format, required);
    };
    let rows = open_mapped(path, format, required, profile.headers())?;
    Ok(profile.apply(rows))
}

/// `error: cannot open `FILE`: REASON`.
pub(super) fn cannot_open(path: &Path, error: &std::io::Error) -> CommandError {
    CommandError(format!(
        "{}: {}\n",
        tr!("diagnostic-error"),
        tr!(
            "import-cannot-open",
            file = path.display().to_string(),
            reason = error.to_string()
        )
    ))
}

pub(super) fn open_rows(
    path: &Path,
    format: Option<FileFormat>,
    required: &[&str],
) -> Result<Rows, CommandError> {
    open_mapped(path, format, required, &HeaderMap::default())
}

fn open_mapped(
    path: &Path,
    format: Option<FileFormat>,
    required: &[&str],
    names: &HeaderMap,
) -> Result<Rows, CommandError> {
    let format = format
        .or_else(|| FileFormat::from_path(path))
        .ok_or_else(|| {
            CommandError(format!(
                "{}: {}\n  = {}: {}\n",
                tr!("diagnostic-error"),
                tr!("import-unknown-format", file = path.display().to_string()),
                tr!("diagnostic-help"),
                tr!("import-unknown-format-help")
            ))
        })?;
    let file = File::open(path).map_err(|e| cannot_open(path, &e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let reader: Box<dyn Read + Send> =
        if size >= PROGRESS_MIN_BYTES && std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(size).with_style(
                indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} ({eta})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            Box::new(bar.wrap_read(file))
        } else {
            Box::new(file)
        };
    let rows =
        import::read_rows_mapped(reader, format, &path.display().to_string(), required, names)?;
    // The file's lines bound its rows: an import of events can then tell early whether
    // members' books will fit in memory (`ImportOptions::expected_rows`).
    Ok(import::at_most(rows, import::lines_in(path)))
}
