//! `bashgah migrate <club> --to URL_OR_FILE`: copies the club's ledger from where it is now
//! (its SQLite file, or its schema with `--database`) into another store, exactly, and
//! says what it checked (see [`crate::ledger::transfer`]).

use std::path::PathBuf;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::ledger::{transfer, LedgerPlace};

pub fn run(workspace: &Workspace, club: &str, to: &str) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(club)?;
    let from = workspace.ledger_place(&policy);
    if !from.exists()? {
        return Err(CommandError(format!(
            "error: club `{}` has no ledger yet at `{from}`: nothing to copy\n",
            policy.club.id
        )));
    }
    let to = if to.contains("://") {
        crate::ledger::check_database_url(to)
            .map_err(|message| CommandError(format!("error: --to: {message}\n")))?;
        LedgerPlace::Postgres {
            url: to.to_owned(),
            club: policy.club.id.clone(),
        }
    } else {
        LedgerPlace::File(PathBuf::from(to))
    };
    if to == from {
        return Err(CommandError(format!(
            "error: --to names the ledger itself (`{to}`)\n"
        )));
    }
    let source = workspace.open_ledger(&from)?;
    let target = workspace.open_ledger(&to)?;
    let copied = transfer::copy_ledger(&source, &target)
        .map_err(|error| CommandError(format!("error: copying to `{to}`: {error}\n")))?;
    println!("copied club `{}` from {from} to {to}", policy.club.id);
    for (table, rows) in &copied.rows {
        println!("  {table:<20} {rows:>10} rows");
    }
    println!(
        "checked: {}, {} and {}, with every lot, use, tier change, deal, message and balance, are the same in both",
        crate::diagnostic::count(copied.members as u64, "member", "members"),
        crate::diagnostic::count(copied.events as u64, "event", "events"),
        crate::diagnostic::count(copied.entries as u64, "entry", "entries")
    );
    Ok(ExitCode::Ok)
}
