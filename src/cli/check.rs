//! `bashgah check [DIR]`: load every club and report every problem, changing nothing.

use std::path::Path;

use serde::Serialize;

use super::workspace::{count_errors, CommandError, Workspace};
use super::ExitCode;
use crate::diagnostic::{render_all, Diagnostic};
use crate::policy::{discover_clubs, Policy};

#[derive(Serialize)]
struct ClubCheck {
    club: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_version: Option<String>,
    rules: usize,
    diagnostics: Vec<Diagnostic>,
}

pub fn run(
    workspace: &Workspace,
    dir: Option<&Path>,
    json: bool,
) -> Result<ExitCode, CommandError> {
    let dir = dir.unwrap_or(&workspace.policies);
    let clubs = if dir.join("club.yaml").is_file() {
        vec![dir.to_owned()]
    } else {
        discover_clubs(dir)
            .map_err(|e| CommandError(format!("error: cannot read `{}`: {e}", dir.display())))?
    };
    if clubs.is_empty() {
        return Err(CommandError(format!(
            "error: no club in `{}`\n  = help: a club is a folder holding club.yaml\n",
            dir.display()
        )));
    }
    let mut results = Vec::new();
    for club_dir in &clubs {
        let name = club_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        results.push(match Policy::load(club_dir, &workspace.engine) {
            Ok((policy, warnings)) => ClubCheck {
                club: name,
                ok: true,
                policy_version: Some(policy.short_id().to_owned()),
                rules: policy.rules.len(),
                diagnostics: warnings,
            },
            Err(problems) => ClubCheck {
                club: name,
                ok: false,
                policy_version: None,
                rules: 0,
                diagnostics: problems,
            },
        });
    }
    let failed = results.iter().filter(|r| !r.ok).count();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&results).unwrap_or_default()
        );
    } else {
        for result in &results {
            eprint!("{}", render_all(&result.diagnostics));
        }
        for result in &results {
            match &result.policy_version {
                Some(version) => println!(
                    "ok      {} (policy {version}, {} rules)",
                    result.club, result.rules
                ),
                None => println!(
                    "FAILED  {} ({})",
                    result.club,
                    count_errors(&result.diagnostics)
                ),
            }
        }
        println!(
            "{} checked, {failed} failed",
            crate::diagnostic::count(results.len() as u64, "club", "clubs")
        );
    }
    Ok(if failed > 0 {
        ExitCode::Failed
    } else {
        ExitCode::Ok
    })
}
