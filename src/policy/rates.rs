//! Reading a club's rate file (`currencies.file`) into the policy: its text becomes one of
//! the policy's files, so the policy id changes when a rate does and a replay, a
//! simulation or an explanation under that id converts at the same rates.

use std::fs;
use std::path::Path;

use super::PolicyFile;
use crate::club::currencies::{compile_rates, is_inside, Rates};
use crate::club::ClubFile;
use crate::diagnostic::Diagnostic;
use crate::tr;

/// The club's rates, checked; the rate file (when named) is read and added to `files`.
pub fn load_rates(
    dir: &Path,
    club: &ClubFile,
    files: &mut Vec<PolicyFile>,
) -> Result<Rates, Vec<Diagnostic>> {
    let name = club
        .definition
        .currencies
        .as_ref()
        .and_then(|c| c.file.as_deref())
        .filter(|name| is_inside(name));
    let Some(name) = name else {
        return compile_rates(club, None);
    };
    let path = dir.join(name);
    let text = fs::read_to_string(&path).map_err(|e| {
        vec![club.error_at(
            &[
                crate::yaml::PathSegment::Key("currencies"),
                crate::yaml::PathSegment::Key("file"),
            ],
            tr!(
                "script-cannot-read",
                file = path.display().to_string(),
                reason = e.to_string()
            ),
        )]
    })?;
    let rates = compile_rates(club, Some((&path, &text)))?;
    files.push(PolicyFile {
        name: name.trim_start_matches("./").replace('\\', "/"),
        text,
    });
    Ok(rates)
}
