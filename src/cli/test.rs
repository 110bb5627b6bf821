//! `bashgah test [CLUB_DIR...]`: run the clubs' policy tests and say what failed, where,
//! and which rules no case ever made award points.

use std::path::PathBuf;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::diagnostic::render_all;
use crate::policy::{discover_clubs, Policy};
use crate::testing::run_policy_tests;
use crate::tr;

pub fn run(workspace: &Workspace, clubs: &[PathBuf]) -> Result<ExitCode, CommandError> {
    let clubs = if clubs.is_empty() {
        let mut all = discover_clubs(&workspace.policies).map_err(|e| {
            CommandError(format!(
                "{}: {}\n",
                tr!("diagnostic-error"),
                tr!(
                    "check-cannot-read",
                    folder = workspace.policies.display().to_string(),
                    reason = e.to_string()
                )
            ))
        })?;
        all.extend(plugin_test_clubs(workspace));
        all
    } else {
        clubs.to_vec()
    };
    let one_club = clubs.len() == 1;
    let (mut passed, mut failed) = (0, 0);
    let mut code = ExitCode::Ok;
    for dir in clubs {
        let results = match Policy::load(&dir, &workspace.engine).and_then(|(policy, _)| {
            if one_club {
                // One club tested: in its own language, unless --lang says otherwise.
                crate::locale::club_default(policy.club.language);
            }
            run_policy_tests(&policy)
        }) {
            Ok(results) => results,
            Err(problems) => {
                eprint!("{}", render_all(&problems));
                println!(
                    "{}",
                    tr!("test-not-loaded", folder = dir.display().to_string())
                );
                failed += 1;
                code = ExitCode::Failed;
                continue;
            }
        };
        println!(
            "{}",
            tr!(
                "test-club",
                club = &results.club,
                cases = results.cases.len(),
                folder = results.tests_dir.display().to_string()
            )
        );
        for case in &results.cases {
            if case.failures.is_empty() {
                println!("{}", tr!("test-case-ok", name = &case.name));
                continue;
            }
            println!("{}", tr!("test-case-failed", name = &case.name));
            println!("  --> {}:{}", case.file.display(), case.line);
            for failure in &case.failures {
                println!("  {failure}");
            }
            if case.trace.is_empty() {
                println!("{}", tr!("test-no-entries"));
            } else {
                println!("{}", tr!("test-entries-written"));
                for line in &case.trace {
                    println!("    {line}");
                }
            }
        }
        if !results.uncovered.is_empty() {
            println!(
                "{}",
                tr!("test-uncovered", rules = results.uncovered.join(", "))
            );
        }
        passed += results.passed();
        failed += results.failed();
        if results.failed() > 0 {
            code = ExitCode::Failed;
        }
    }
    println!("{}", tr!("test-total", passed = passed, failed = failed));
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
