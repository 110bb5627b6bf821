//! Drafts: a consultant's copy of a club folder, kept on disk beside the live one (in the
//! folder `bashgah serve --drafts` names, one sub-folder per draft), tried beside the live
//! version by trials and simulations and never served.
//!
//! A draft is named by its folder name only, so a request cannot reach any other folder;
//! it is loaded afresh for each request (a draft is being edited: caching it would show
//! yesterday's rules), with a script engine of its own, and it must be a version of the
//! club it is compared with.

use std::path::Path;
use std::sync::Arc;

use super::clubs::Folders;
use super::reload::Problem;
use crate::diagnostic::{render_all, Diagnostic};
use crate::policy::{Policy, ScriptEngine, ScriptLimits};

/// The longest draft name taken.
const LONGEST_NAME: usize = 100;

/// Why a draft cannot be tried.
#[derive(Debug)]
pub enum DraftError {
    /// Not a plain folder name.
    BadName(String),
    /// No such folder (or no `club.yaml` in it).
    Missing(String),
    /// It does not load: every problem, located, and as `bashgah check` prints them.
    DoesNotLoad {
        name: String,
        problems: Vec<Problem>,
        report: String,
    },
    /// Its `club.yaml` is another club's.
    OtherClub { name: String, id: String },
}

/// Whether `name` is a plain folder name: no separator, not `.` or `..`, not hidden, no
/// control characters.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= LONGEST_NAME
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
}

/// Loads draft `name` of club `club` from the drafts folder (its plugins from the served
/// plugins folder). Its policy tests are not run: a draft is work in progress.
pub fn load(folders: &Folders, club: &str, name: &str) -> Result<Policy, DraftError> {
    if !valid_name(name) {
        return Err(DraftError::BadName(name.to_owned()));
    }
    let dir = folders.drafts.join(name);
    if !dir.join("club.yaml").is_file() {
        return Err(DraftError::Missing(name.to_owned()));
    }
    let plugins = Some(folders.plugins.as_path()).filter(|p| p.is_dir());
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), plugins));
    let policy = Policy::load_draft(&dir, &engine)
        .map(|(policy, _warnings)| policy)
        .map_err(|problems| does_not_load(name, &problems))?;
    if policy.club.id != club {
        return Err(DraftError::OtherClub {
            name: name.to_owned(),
            id: policy.club.id.clone(),
        });
    }
    Ok(policy)
}

fn does_not_load(name: &str, problems: &[Diagnostic]) -> DraftError {
    let errors: Vec<&Diagnostic> = problems.iter().filter(|d| d.is_error()).collect();
    DraftError::DoesNotLoad {
        name: name.to_owned(),
        problems: errors.iter().map(|d| Problem::from(*d)).collect(),
        report: render_all(problems),
    }
}

/// The drafts of club `club`: the names of the folders in the drafts folder whose
/// `club.yaml` says `id: <club>` (read as text, without loading the draft), sorted.
pub fn list(drafts: &Path, club: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(drafts) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_owned();
            let text = std::fs::read_to_string(entry.path().join("club.yaml")).ok()?;
            (valid_name(&name) && declares_id(&text, club)).then_some(name)
        })
        .collect();
    names.sort();
    names
}

/// Whether a `club.yaml`'s top-level `id:` line names `club` (a form's list of choices;
/// loading the draft is what really checks it).
fn declares_id(text: &str, club: &str) -> bool {
    text.lines().any(|line| {
        line.strip_prefix("id:")
            .map(|id| id.trim().trim_matches(['"', '\'']))
            .is_some_and(|id| id == club)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_named_by_a_plain_folder_name() {
        for good in ["cafe-next", "cafe.v2", "کافه"] {
            assert!(valid_name(good), "{good}");
        }
        for bad in ["", ".", "..", "../cafe", "a/b", "a\\b", ".hidden", "a\nb"] {
            assert!(!valid_name(bad), "{bad:?}");
        }
        assert!(!valid_name(&"x".repeat(LONGEST_NAME + 1)));
    }

    #[test]
    fn a_drafts_club_is_read_from_its_id_line() {
        assert!(declares_id("name: x\nid: cafe\n", "cafe"));
        assert!(declares_id("id: \"cafe\"\n", "cafe"));
        assert!(!declares_id("id: cafe2\n", "cafe"));
        assert!(!declares_id("  id: cafe\n", "cafe"));
    }
}
