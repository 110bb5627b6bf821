//! `bashgah test [CLUB_DIR...]`: run the clubs' policy tests and say what failed, where,
//! and which rules no case ever made award points.

use std::path::PathBuf;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::diagnostic::render_all;
use crate::policy::discover_clubs;
use crate::testing::run_club;

pub fn run(workspace: &Workspace, clubs: &[PathBuf]) -> Result<ExitCode, CommandError> {
    let clubs = if clubs.is_empty() {
        let mut all = discover_clubs(&workspace.policies).map_err(|e| {
            CommandError(format!(
                "error: cannot read `{}`: {e}\n",
                workspace.policies.display()
            ))
        })?;
        all.extend(plugin_test_clubs(workspace));
        all
    } else {
        clubs.to_vec()
    };
    let (mut passed, mut failed) = (0, 0);
    let mut code = ExitCode::Ok;
    for dir in clubs {
        let results = match run_club(&dir, &workspace.engine) {
            Ok(results) => results,
            Err(problems) => {
                eprint!("{}", render_all(&problems));
                println!("FAILED  {}: could not be loaded", dir.display());
                failed += 1;
                code = ExitCode::Failed;
                continue;
            }
        };
        println!(
            "{}: {} in {}",
            results.club,
            crate::diagnostic::count(results.cases.len() as u64, "case", "cases"),
            results.tests_dir.display()
        );
        for case in &results.cases {
            if case.failures.is_empty() {
                println!("ok      {}", case.name);
                continue;
            }
            println!("FAILED  {}", case.name);
            println!("  --> {}:{}", case.file.display(), case.line);
            for failure in &case.failures {
                println!("  {failure}");
            }
            if case.trace.is_empty() {
                println!("  no entries were written");
            } else {
                println!("  entries written:");
                for line in &case.trace {
                    println!("    {line}");
                }
            }
        }
        if !results.uncovered.is_empty() {
            println!("uncovered rules: {}", results.uncovered.join(", "));
        }
        passed += results.passed();
        failed += results.failed();
        if results.failed() > 0 {
            code = ExitCode::Failed;
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(code)
}

/// The test clubs plugins carry: `plugins/<name>/tests/<name>/`.
fn plugin_test_clubs(workspace: &Workspace) -> Vec<PathBuf> {
    let Some(dir) = workspace.engine.plugins() else {
        return Vec::new();
    };
    crate::policy::plugins::discover(dir)
        .into_iter()
        .map(|plugin| plugin.path.join("tests").join(&plugin.name))
        .filter(|club| club.join("club.yaml").is_file())
        .collect()
}
