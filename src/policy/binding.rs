//! Binding a name `club.yaml` gives (a rule's, a contest's, a group kind's function) to
//! the one script function that defines it with the parameters it is called with, or
//! reporting, at the name in `club.yaml`, why it cannot be bound.

use super::script::Script;
use crate::club::{ClubFile, PathSegment};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::locale::numerals;
use crate::tr;

/// Finds the one script function `name` taking the parameters `params` (e.g.
/// `"event, member"`); reports at `path` in club.yaml if it is missing, doubled, or takes
/// other parameters. Returns (script index, line).
pub(super) fn bind_function(
    club: &ClubFile,
    scripts: &[Script],
    name: &str,
    path: &[PathSegment],
    what: &str,
    params: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<(usize, usize)> {
    let wanted = params.split(',').count();
    let defining: Vec<(usize, usize)> = scripts
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.ast
                .iter_functions()
                .filter(|f| f.name == name)
                .map(move |f| (i, f.params.len()))
        })
        .collect();
    match defining.as_slice() {
        [] => {
            let known: Vec<&str> = scripts
                .iter()
                .flat_map(|s| s.ast.iter_functions().map(|f| f.name))
                .collect();
            let diagnostic = club.error_at(
                path,
                tr!("script-function-undefined", what = what, name = name),
            );
            problems.push(match did_you_mean(name, known.iter().copied()) {
                Some(near) => diagnostic.with_help(tr!("did-you-mean", name = near)),
                None => diagnostic.with_help(tr!(
                    "script-function-define-help",
                    name = name,
                    params = params
                )),
            });
            None
        }
        [(script, count)] if *count == wanted => {
            Some((*script, function_line(&scripts[*script].source, name)))
        }
        [(_, count)] => {
            problems.push(
                club.error_at(
                    path,
                    tr!(
                        "script-function-parameters",
                        name = name,
                        count = numerals(&count.to_string()),
                        what = what,
                        wanted = numerals(&wanted.to_string())
                    ),
                )
                .with_help(tr!(
                    "script-function-declare-help",
                    name = name,
                    params = params
                )),
            );
            None
        }
        several => {
            let files: Vec<&str> = several
                .iter()
                .map(|(s, _)| scripts[*s].display_path.as_str())
                .collect();
            problems.push(club.error_at(
                path,
                tr!(
                    "script-function-twice",
                    name = name,
                    files = files.join(&crate::tr!("list-comma"))
                ),
            ));
            None
        }
    }
}

/// The 1-based line on which `fn name(` appears, for traces; 0 if not found.
fn function_line(source: &str, name: &str) -> usize {
    let needle = format!("fn {name}(");
    source
        .lines()
        .position(|line| {
            line.trim_start().starts_with(&needle) || line.contains(&format!(" {needle}"))
        })
        .map_or(0, |i| i + 1)
}
