//! `bashgah migrate <club> --to URL_OR_FILE`: copies the club's ledger from where it is now
//! (its SQLite file, or its schema with `--database`) into another store, exactly, and
//! says what it checked (see [`crate::ledger::transfer`]).

use std::path::PathBuf;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::ledger::{transfer, LedgerPlace};
use crate::tr;

pub fn run(workspace: &Workspace, club: &str, to: &str) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let from = workspace.ledger_place(&policy);
    if !from.exists()? {
        return Err(CommandError(format!(
            "{}: {}\n",
            tr!("diagnostic-error"),
            tr!(
                "migrate-no-ledger",
                club = &policy.club.id,
                place = from.to_string()
            )
        )));
    }
    let to = if to.contains("://") {
        crate::ledger::check_database_url(to).map_err(|message| {
            CommandError(format!("{}: --to: {message}\n", tr!("diagnostic-error")))
        })?;
        LedgerPlace::Postgres {
            url: to.to_owned(),
            club: policy.club.id.clone(),
        }
    } else {
        LedgerPlace::File(PathBuf::from(to))
    };
    if to == from {
        return Err(CommandError(format!(
            "{}: {}\n",
            tr!("diagnostic-error"),
            tr!("migrate-same", place = to.to_string())
        )));
    }
    let source = workspace.open_ledger(&from)?;
    let target = workspace.open_ledger(&to)?;
    let copied = transfer::copy_ledger(&source, &target).map_err(|error| {
        CommandError(format!(
            "{}: {}\n",
            tr!("diagnostic-error"),
            tr!(
                "migrate-copy-failed",
                place = to.to_string(),
                error = error.to_string()
            )
        ))
    })?;
    println!(
        "{}",
        tr!(
            "migrate-copied",
            club = &policy.club.id,
            from = from.to_string(),
            to = to.to_string()
        )
    );
    let rows_word = tr!("migrate-rows");
    for (table, rows) in &copied.rows {
        // Table names are the ledger's own; the count as it is, not grouped.
        let rows = crate::locale::numerals(&rows.to_string());
        println!("  {table:<20} {rows:>10} {rows_word}");
    }
    println!(
        "{}",
        tr!(
            "migrate-checked",
            members = copied.members,
            events = copied.events,
            entries = copied.entries
        )
    );
    Ok(ExitCode::Ok)
}
