//! The deployment file: which database holds which club's ledger, when the clubs of one
//! host process do not all live in the same place (a chain's big club in PostgreSQL, a
//! small partner's in a SQLite file; two clubs in two databases).
//!
//! ```yaml
//! clubs:
//!   cafe:
//!     database: postgres://bashgah@db-1.internal/loyalty
//!   bakery:
//!     database: sqlite        # a file under --data, even when --database is given
//! ```
//!
//! A club the file does not name goes where `--database` (or `BASHGAH_DATABASE`) says,
//! else into its SQLite file under `--data`. The file is an operator's, not a business
//! user's: it is read when a command or the host process starts (moving a ledger while it
//! is served is `bashgah migrate`'s job, not a reload's), and a mistake in it stops the
//! start with its line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Location};
use crate::ledger::{check_database_url, LedgerPlace};
use crate::yaml::{self, FileKind, PathSegment};

const DEPLOYMENT_FILE: FileKind = FileKind {
    empty: "the deployment file is empty",
    help: "list clubs under `clubs:`, each with `database: postgres://…` or `database: sqlite`",
    strict: false,
};

/// The file as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct DeploymentFile {
    clubs: BTreeMap<String, ClubEntry>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ClubEntry {
    /// `postgres://user@host:port/database`, or `sqlite` for the club's file under
    /// `--data`.
    database: String,
}

/// Where one club's ledger is, as the file says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Store {
    SqliteFile,
    Postgres(String),
}

/// Where every club's ledger lives: the deployment file's entries, then `--database`,
/// then SQLite files under `--data`.
#[derive(Debug, Clone, Default)]
pub struct Ledgers {
    data: PathBuf,
    database: Option<String>,
    clubs: BTreeMap<String, Store>,
}

impl Ledgers {
    /// Without a deployment file: every club in `database` if given, else in its file
    /// under `data`.
    pub fn new(data: &Path, database: Option<&str>) -> Ledgers {
        Ledgers {
            data: data.to_owned(),
            database: database.map(str::to_owned),
            clubs: BTreeMap::new(),
        }
    }

    /// With the deployment file at `path` read in; every problem in it with its line and
    /// column.
    pub fn with_deployment(self, path: &Path) -> Result<Ledgers, Vec<Diagnostic>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![Diagnostic::error(crate::tr!(
                "check-cannot-read",
                folder = path.display().to_string(),
                reason = e.to_string()
            ))
            .with_help(crate::tr!("deployment-cannot-read-help"))]
        })?;
        self.with_deployment_text(path, &text)
    }

    /// [`Ledgers::with_deployment`] on the file's text.
    pub fn with_deployment_text(
        mut self,
        path: &Path,
        text: &str,
    ) -> Result<Ledgers, Vec<Diagnostic>> {
        let loaded = yaml::load::<DeploymentFile>(path, text, DEPLOYMENT_FILE).empty_said(
            DEPLOYMENT_FILE,
            crate::tr!("deployment-empty"),
            crate::tr!("deployment-empty-help"),
        );
        let failed = loaded.has_errors();
        let (Some(file), Some(tree), false) = (loaded.value, loaded.tree, failed) else {
            return Err(loaded.problems);
        };
        let mut problems = Vec::new();
        for (club, entry) in file.clubs {
            let store = if entry.database.trim() == "sqlite" {
                Store::SqliteFile
            } else if let Err(message) = check_database_url(&entry.database) {
                let node = tree.find(&[
                    PathSegment::Key("clubs"),
                    PathSegment::Key(&club),
                    PathSegment::Key("database"),
                ]);
                let diagnostic = Diagnostic::error(crate::tr!(
                    "deployment-bad-database",
                    club = &club,
                    reason = message
                ));
                problems.push(match node {
                    Some(node) => diagnostic.at(
                        Location::new(path, node.line, node.column).with_width(node.width()),
                        Some(text),
                    ),
                    None => diagnostic.in_file(path),
                });
                continue;
            } else {
                Store::Postgres(entry.database)
            };
            self.clubs.insert(club, store);
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }

    /// Where club `club`'s ledger is.
    pub fn place(&self, club: &str) -> LedgerPlace {
        let database = match self.clubs.get(club) {
            Some(Store::SqliteFile) => None,
            Some(Store::Postgres(url)) => Some(url.as_str()),
            None => self.database.as_deref(),
        };
        LedgerPlace::for_club(&self.data, database, club)
    }

    /// The clubs the deployment file names (to warn about one that is not served).
    pub fn named_clubs(&self) -> impl Iterator<Item = &str> {
        self.clubs.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Ledgers, Vec<Diagnostic>> {
        Ledgers::new(Path::new("data"), Some("postgres://main/db"))
            .with_deployment_text(Path::new("deployment.yaml"), text)
    }

    #[test]
    fn a_club_named_in_the_file_goes_where_it_says_the_others_where_the_flag_says() {
        let ledgers = read(
            "clubs:\n  cafe:\n    database: postgres://db-1/loyalty\n  bakery:\n    database: sqlite\n",
        )
        .unwrap();
        assert_eq!(
            ledgers.place("cafe"),
            LedgerPlace::Postgres {
                url: "postgres://db-1/loyalty".into(),
                club: "cafe".into()
            }
        );
        assert_eq!(
            ledgers.place("bakery"),
            LedgerPlace::File(PathBuf::from("data/bakery.sqlite"))
        );
        assert_eq!(
            ledgers.place("shop"),
            LedgerPlace::Postgres {
                url: "postgres://main/db".into(),
                club: "shop".into()
            }
        );
    }

    #[test]
    fn a_wrong_database_or_key_is_refused_at_its_line_and_column() {
        let problems = read("clubs:\n  cafe:\n    database: mysql://db-1/loyalty\n").unwrap_err();
        let shown = crate::diagnostic::render_all(&problems);
        assert!(shown.contains("deployment.yaml:3:15"), "{shown}");
        assert!(shown.contains("club `cafe`"), "{shown}");
        let problems = read("clubs:\n  cafe:\n    databse: sqlite\n").unwrap_err();
        let shown = crate::diagnostic::render_all(&problems);
        assert!(shown.contains("deployment.yaml:3:5"), "{shown}");
        assert!(shown.contains("databse"), "{shown}");
    }
}
