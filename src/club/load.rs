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
    strict: true,
};

/// Loads and checks a `club.yaml` whose text is `source`. Returns the club if its shape
/// could be read at all, and every problem found (errors and warnings); the club is usable
/// only if no problem is an error.
pub fn load_club_file(path: &Path, source: String) -> (Option<ClubFile>, Vec<Diagnostic>) {
    let (file, mut problems) = load_club_file_anywhere(path, source);
    if let Some(problem) = file.as_ref().and_then(super::validate::validate_folder) {
        problems.push(problem);
    }
    (file, problems)
}

/// [`load_club_file`] for a file whose folder need not be named by the club's id (a
/// draft copy of a club).
pub fn load_club_file_anywhere(path: &Path, source: String) -> (Option<ClubFile>, Vec<Diagnostic>) {
    let loaded = yaml::load::<ClubDefinition>(path, &source, CLUB_FILE).empty_said(
        CLUB_FILE,
        crate::tr!("club-file-empty"),
        crate::tr!("club-file-empty-help"),
    );
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;

    fn problems(source: &str) -> Vec<String> {
        load_club_file(Path::new("club.yaml"), source.to_owned())
            .1
            .iter()
            .map(|d| {
                let at = d.location.as_ref().map_or((0, 0), |l| (l.line, l.column));
                format!("{}:{}: {}", at.0, at.1, d.message)
            })
            .collect()
    }

    const CLUB: &str = "id: shop\nname: Shop\ncurrency: EUR\nrules: []\n";

    #[test]
    fn a_types_own_words_replace_the_schemas_pattern() {
        assert_eq!(
            problems(&format!("{CLUB}points: {{pending: 12 days}}\n")),
            ["5:19: points: `12 days` is not a length of time; write e.g. `14d`, `2w`, `12m` or `1y`"]
        );
    }

    #[test]
    fn every_type_error_is_found_not_just_the_first() {
        assert_eq!(
            problems(&format!(
                "{CLUB}points: {{precision: two, transfers: maybe}}\nrewards:\n  - {{id: 7, cost: lots, kind: gift}}\n"
            )),
            [
                "5:21: expected a whole number, found `two`",
                "5:37: expected `true` or `false`, found `maybe`",
                "7:10: expected text, found the number 7",
                "7:19: expected a number, found `lots`",
            ]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// No text a user can write panics the loading of a club.
        #[test]
        fn no_text_panics(source in "[-a-z0-9 :\\[\\]{}&*!|>'\"#,?%@`\n\r\t.~]{0,80}") {
            let _ = load_club_file(Path::new("club.yaml"), source);
        }

        /// Nor any arrangement of YAML's own pieces and the club's keys.
        #[test]
        fn no_arrangement_of_yaml_panics(pieces in proptest::collection::vec(prop::sample::select(PIECES.to_vec()), 0..64)) {
            let _ = load_club_file(Path::new("club.yaml"), pieces.concat());
        }
    }

    const PIECES: [&str; 12] = [
        "id: x\n",
        "rules:\n",
        "  - ",
        "{id: a, function: f}",
        "tiers: ",
        "points: ",
        "{precision: ",
        "expiry: {after: 12m}",
        "}",
        "\n",
        "[",
        "]",
    ];
}
