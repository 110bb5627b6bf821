//! Reads `club.yaml`: the shared YAML loader (syntax, unknown keys and choices, the whole
//! JSON Schema, types), then the meaning checks in [`super::validate`].

use std::path::Path;

use super::club_file::ClubFile;
use super::definition::ClubDefinition;
use super::validate::validate;
use crate::diagnostic::Diagnostic;
use crate::yaml::{self, FileKind};

/// What a club file is, for the messages about the whole file.
const CLUB_FILE: FileKind = FileKind {
    empty: "the club file is empty",
    help: "copy policies/cafe/club.yaml to start from a working club",
};

/// Loads and checks a `club.yaml` whose text is `source`. Returns the club if its shape
/// could be read at all, and every problem found (errors and warnings); the club is usable
/// only if no problem is an error.
pub fn load_club_file(path: &Path, source: String) -> (Option<ClubFile>, Vec<Diagnostic>) {
    let loaded = yaml::load::<ClubDefinition>(path, &source, CLUB_FILE);
    let mut problems = loaded.problems;
    let (Some(definition), Some(tree)) = (loaded.value, loaded.tree) else {
        return (None, problems);
    };
    let file = ClubFile {
        path: path.to_owned(),
        source,
        definition,
        tree,
    };
    problems.extend(validate(&file));
    (Some(file), problems)
}
