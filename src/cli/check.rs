//! `bashgah check [DIR]`: load every club and report every problem, changing nothing.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::workspace::{count_errors, CommandError, Workspace};
use super::ExitCode;
use crate::canary::CanaryReport;
use crate::diagnostic::{did_you_mean, render_all, Diagnostic};
use crate::policy::{discover_clubs, Policy};
use crate::tr;

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
        discover_clubs(dir).map_err(|e| {
            CommandError(format!(
                "{}: {}\n",
                tr!("diagnostic-error"),
                tr!(
                    "check-cannot-read",
                    folder = dir.display().to_string(),
                    reason = e.to_string()
                )
            ))
        })?
    };
    if clubs.is_empty() {
        return Err(CommandError(format!(
            "{}: {}\n  = {}: {}\n",
            tr!("diagnostic-error"),
            tr!("check-no-club", folder = dir.display().to_string()),
            tr!("diagnostic-help"),
            tr!("check-no-club-help")
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
                if clubs.len() == 1 {
                    // One club checked: in its own language, unless --lang says otherwise.
                    crate::locale::club_default(policy.club.language);
                }
                warnings.extend(crate::policy::descriptions::drifted(&policy));
                warnings.extend(super::check_giveaway::warnings(&policy));
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
                    let line = if result.ok {
                        tr!(
                            "check-ok",
                            club = &result.club,
                            version = version,
                            rules = result.rules
                        )
                    } else {
                        tr!(
                            "check-refused",
                            club = &result.club,
                            version = version,
                            rules = result.rules
                        )
                    };
                    println!("{line}");
                    if let Some(canary) = &result.canary {
                        for line in canary.describe().lines() {
                            println!("        {line}");
                        }
                        if let Some(reason) = &canary.refused {
                            println!("        {}", tr!("check-canary-refused", reason = reason));
                        }
                    }
                    if let Some(why) = &result.canary_skipped {
                        println!("        {}", tr!("check-canary-skipped", why = why));
                    }
                }
                _ => println!(
                    "{}",
                    tr!(
                        "check-failed",
                        club = &result.club,
                        errors = count_errors(&result.diagnostics)
                    )
                ),
            }
        }
        println!(
            "{}",
            tr!("check-total", clubs = results.len(), failed = failed)
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
    let mut message = format!(
        "{}: {}\n",
        tr!("diagnostic-error"),
        tr!("check-no-club-folder", name = name.as_ref())
    );
    if let Some(close) = did_you_mean(&wanted, near.iter().map(String::as_str)) {
        message.push_str(&format!(
            "  = {}: {}\n",
            tr!("diagnostic-help"),
            tr!(
                "did-you-mean",
                name = parent.join(close).display().to_string()
            )
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
        return Ok(Err(tr!("check-no-ledger", place = path.to_string())));
    }
    let ledger = workspace.open_ledger(&path)?;
    let Some(version) = ledger.latest_policy_version()? else {
        return Ok(Err(tr!("check-no-version")));
    };
    if version == policy.id {
        return Ok(Err(tr!("check-same-version", version = policy.short_id())));
    }
    let (live, _files) = super::explain::rebuild(&ledger, policy, &version)?;
    let (events, max_change) = crate::canary::settings(policy);
    let recent = crate::canary::recent_events(&ledger, events)?;
    Ok(Ok(crate::canary::try_candidate(
        &ledger, &live, policy, &recent, max_change,
    )?))
}
