//! `bashgah export <club> members|entries|lots|messages`: the club's data as CSV or JSON
//! Lines, for a CRM, a BI tool or a spreadsheet (see [`crate::export`]).

use std::io::Write;
use std::path::Path;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::export::{export, Format, Table};
use crate::tr;

pub fn run(
    workspace: &Workspace,
    club: &str,
    table: Table,
    format: Format,
    at: Option<&str>,
    output: Option<&Path>,
) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let place = workspace.ledger_place(&policy);
    if !place.exists()? {
        return Err(CommandError(format!(
            "{}: {}\n",
            tr!("diagnostic-error"),
            tr!(
                "member-no-ledger",
                club = &policy.club.id,
                place = place.to_string()
            )
        )));
    }
    let ledger = workspace.open_ledger(&place)?;
    let at = at
        .map(|text| crate::time::parse_event_time(text, policy.club.calendar, policy.zone))
        .transpose()
        .map_err(|m| {
            CommandError(format!(
                "{}: {}\n",
                tr!("diagnostic-error"),
                tr!("member-bad-at", reason = m)
            ))
        })?;
    let failed =
        |e: crate::export::ExportError| CommandError(format!("{}: {e}\n", tr!("diagnostic-error")));
    let rows = match output {
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let rows = export(&ledger, table, format, at, &mut out).map_err(failed)?;
            out.flush()?;
            rows
        }
        Some(path) => {
            // Written aside and renamed when complete: a failed export leaves no half file
            // for the next job to pick up.
            let partial = path.with_extension("partial");
            let file = std::fs::File::create(&partial).map_err(|e| {
                CommandError(format!(
                    "{}: {}\n",
                    tr!("diagnostic-error"),
                    tr!(
                        "cannot-write-file",
                        file = partial.display().to_string(),
                        reason = e.to_string()
                    )
                ))
            })?;
            let mut out = std::io::BufWriter::new(file);
            let exported = export(&ledger, table, format, at, &mut out)
                .map_err(failed)
                .and_then(|rows| {
                    out.flush()?;
                    out.get_ref().sync_all()?;
                    Ok(rows)
                });
            match exported {
                Ok(rows) => {
                    std::fs::rename(&partial, path)?;
                    rows
                }
                Err(error) => {
                    let _ = std::fs::remove_file(&partial);
                    return Err(error);
                }
            }
        }
    };
    let what = match table {
        Table::Members => tr!("export-members"),
        Table::Entries => tr!("export-entries"),
        Table::Lots => tr!("export-lots"),
        Table::Messages => tr!("export-messages"),
    };
    // The count as it is, not grouped: `exported 1000 members`.
    let rows = crate::locale::numerals(&rows.to_string());
    match output {
        Some(path) => eprintln!(
            "{}",
            tr!(
                "export-done-to",
                rows = rows,
                table = what,
                file = path.display().to_string()
            )
        ),
        None => eprintln!("{}", tr!("export-done", rows = rows, table = what)),
    }
    Ok(ExitCode::Ok)
}
