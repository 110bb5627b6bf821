//! `bashgah check [DIR]`: load every club and report every problem, changing nothing.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::workspace::{count_errors, CommandError, Workspace};
use super::ExitCode;
use crate::canary::CanaryReport;
use crate::diagnostic::{did_you_mean, render_all, Diagnostic};
use crate::policy::{discover_clubs, Policy};

#[derive(Serialize)]
struct ClubCheck {
    club: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_version: Option<String>,
    rules: usize,
    diagnostics: Vec<Diagnostic>,
    /// With `--against-ledger`: the files tried on the ledger's recent events.
    #[serde(skip_serializing_if = "Option::is_none")]
    canary: Option<CanaryReport>,
    /// With `--against-ledger`, when there was nothing to compare: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    canary_skipped: Option<String>,
}

pub fn run(
    workspace: &Workspace,
    dir: Option<&Path>,
    json: bool,
    against_ledger: bool,
) -> Result<ExitCode, CommandError> {
    let dir = match dir {
        Some(dir) => club_or_folder(workspace, dir)?,
        None => workspace.policies.clone(),
    };
    let dir = dir.as_path();
    let clubs = if dir.join("club.yaml").is_file() {
        vec![dir.to_owned()]
    } else {
        discover_clubs(dir)
            .map_err(|e| CommandError(format!("error: cannot read `{}`: {e}\n", dir.display())))?
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
        // The club's tests are its files too: a misspelt key there would pass `check`
        // and fail `test`, or the reload that runs them.
        let test_problems = crate::testing::load_cases(club_dir)
            .err()
            .unwrap_or_default();
        let mut result = match Policy::load(club_dir, &workspace.engine) {
            Ok((policy, mut warnings)) => {
                warnings.extend(crate::policy::descriptions::drifted(&policy));
                let (canary, canary_skipped) = if against_ledger {
                    match against(workspace, &policy)? {
                        Ok(report) => (Some(report), None),
                        Err(why) => (None, Some(why)),
                    }
                } else {
                    (None, None)
                };
                ClubCheck {
                    club: name,
                    ok: canary.as_ref().is_none_or(|c| c.refused.is_none()),
                    policy_version: Some(policy.short_id().to_owned()),
                    rules: policy.rules.len(),
                    diagnostics: warnings,
                    canary,
                    canary_skipped,
                }
            }
            Err(problems) => ClubCheck {
                club: name,
                ok: false,
                policy_version: None,
                rules: 0,
                diagnostics: problems,
                canary: None,
                canary_skipped: None,
            },
        };
        if test_problems.iter().any(Diagnostic::is_error) {
            result.ok = false;
        }
        result.diagnostics.extend(test_problems);
        results.push(result);
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
            let errors = result.diagnostics.iter().any(Diagnostic::is_error);
            match &result.policy_version {
                Some(version) if !errors => {
                    let verdict = if result.ok { "ok     " } else { "REFUSED" };
                    println!(
                        "{verdict} {} (policy {version}, {})",
                        result.club,
                        crate::diagnostic::count(result.rules as u64, "rule", "rules")
                    );
                    if let Some(canary) = &result.canary {
                        for line in canary.describe().lines() {
                            println!("        {line}");
                        }
                        if let Some(reason) = &canary.refused {
                            println!("        refused: {reason}");
                        }
                    }
                    if let Some(why) = &result.canary_skipped {
                        println!("        not tried on the ledger: {why}");
                    }
                }
                _ => println!(
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

/// The folder `check DIR` means: DIR if it exists, else the club of that name in the
/// policies folder (as other commands take a club's name); for neither, the error says
/// which club was meant.
fn club_or_folder(workspace: &Workspace, dir: &Path) -> Result<PathBuf, CommandError> {
    if dir.exists() {
        return Ok(dir.to_owned());
    }
    let name = dir.to_string_lossy();
    if dir.components().count() == 1 {
        return workspace.club_dir(&name);
    }
    // A path: the club folders beside where it points.
    let parent = dir.parent().unwrap_or(Path::new("."));
    let near: Vec<String> = discover_clubs(parent)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let wanted = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut message = format!("error: no club folder `{name}`\n");
    if let Some(close) = did_you_mean(&wanted, near.iter().map(String::as_str)) {
        message.push_str(&format!(
            "  = help: did you mean `{}`?\n",
            parent.join(close).display()
        ));
    }
    Err(CommandError(message))
}

/// Tries `policy` (the files as they are) on the club's ledger beside the version the
/// ledger recorded last, as the host process would before activating it; `Err` says why
/// there is nothing to compare.
fn against(
    workspace: &Workspace,
    policy: &Policy,
) -> Result<Result<CanaryReport, String>, CommandError> {
    let path = workspace.ledger_place(policy);
    if !path.exists()? {
        return Ok(Err(format!("no ledger at `{path}`")));
    }
    let ledger = workspace.open_ledger(&path)?;
    let Some(version) = ledger.latest_policy_version()? else {
        return Ok(Err("the ledger has recorded no version yet".to_owned()));
    };
    if version == policy.id {
        return Ok(Err(format!(
            "these files are the version the ledger recorded last ({})",
            policy.short_id()
        )));
    }
    let (live, _files) = super::explain::rebuild(workspace, &ledger, policy, &version)?;
    let (events, max_change) = crate::canary::settings(policy);
    let recent = crate::canary::recent_events(&ledger, events)?;
    Ok(Ok(crate::canary::try_candidate(
        &ledger, &live, policy, &recent, max_change,
    )?))
}
