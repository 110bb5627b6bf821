//! Resolving the command line's folders into a club's policy and ledger: the one place
//! that decides where things live, so every command agrees.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::Cli;
use crate::deployment::Ledgers;
use crate::diagnostic::{render_all, Diagnostic};
use crate::ledger::{Ledger, LedgerPlace};
use crate::policy::{Policy, ScriptEngine, ScriptLimits};

/// Where policies, plugins and ledgers are, and the shared script engine.
pub struct Workspace {
    pub policies: PathBuf,
    pub data: PathBuf,
    /// The PostgreSQL database ledgers live in, if not SQLite files under `data`.
    pub database: Option<String>,
    /// Where each club's ledger is (`--deployment`, `--database`, `data`).
    pub ledgers: Ledgers,
    pub engine: Arc<ScriptEngine>,
}

/// A failure that ends a command with exit code 2, already worded for the user.
#[derive(Debug)]
pub struct CommandError(pub String);

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = &self.0;
        if text.ends_with('\n') {
            f.write_str(text)
        } else {
            writeln!(f, "{text}")
        }
    }
}

impl<E: std::error::Error> From<E> for CommandError {
    fn from(error: E) -> Self {
        CommandError(format!("{}: {error}", crate::tr!("diagnostic-error")))
    }
}

impl Workspace {
    pub fn new(cli: &Cli) -> Workspace {
        let plugins = cli.plugins.is_dir().then_some(cli.plugins.as_path());
        Workspace {
            policies: cli.policies.clone(),
            data: cli.data.clone(),
            database: cli.database.clone(),
            ledgers: Ledgers::new(&cli.data, cli.database.as_deref()),
            engine: Arc::new(ScriptEngine::new(ScriptLimits::default(), plugins)),
        }
    }

    /// The folder of `club`: the argument itself if it is a club folder, else
    /// `<policies>/<club>`.
    pub fn club_dir(&self, club: &str) -> Result<PathBuf, CommandError> {
        let direct = Path::new(club);
        if direct.join("club.yaml").is_file() {
            return Ok(direct.to_owned());
        }
        let under = self.policies.join(club);
        if under.join("club.yaml").is_file() {
            return Ok(under);
        }
        Err(self.no_club(club))
    }

    /// The error for a club name that is no club under the policies folder, with the
    /// nearest one's name or the ones there are.
    pub fn no_club(&self, club: &str) -> CommandError {
        let known: Vec<String> = crate::policy::discover_clubs(&self.policies)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        let help = match crate::diagnostic::did_you_mean(club, known.iter().map(String::as_str)) {
            Some(near) => crate::tr!("did-you-mean", name = near),
            None if !known.is_empty() => {
                crate::tr!("workspace-clubs-here", clubs = known.join(", "))
            }
            None => crate::tr!("workspace-no-club-help"),
        };
        CommandError(format!(
            "{}: {}\n  = {}: {help}\n",
            crate::tr!("diagnostic-error"),
            crate::tr!(
                "workspace-no-club",
                club = club,
                folder = self.policies.display().to_string()
            ),
            crate::tr!("diagnostic-help")
        ))
    }

    /// Loads `club`'s policy, printing warnings; on errors, all of them as the failure.
    pub fn load_policy(&self, club: &str) -> Result<Policy, CommandError> {
        let dir = self.club_dir(club)?;
        match Policy::load(&dir, &self.engine) {
            Ok((policy, warnings)) => {
                // The club's own language, unless the person chose one with --lang.
                crate::locale::club_default(policy.club.language);
                eprint!("{}", render_all(&warnings));
                Ok(policy)
            }
            Err(problems) => Err(CommandError(format!(
                "{}{}: {}\n",
                render_all(&problems),
                crate::tr!("diagnostic-error"),
                crate::tr!(
                    "club-not-loaded",
                    club = club,
                    errors = count_errors(&problems)
                )
            ))),
        }
    }

    /// Where a club's ledger is: where the deployment file says, else its schema in
    /// `database`, else its file under `data`.
    pub fn ledger_place(&self, policy: &Policy) -> LedgerPlace {
        self.ledgers.place(&policy.club.id)
    }

    pub fn open_ledger(&self, place: &LedgerPlace) -> Result<Ledger, CommandError> {
        Ok(place.open()?)
    }
}

/// "1 error" / "3 errors".
pub fn count_errors(diagnostics: &[Diagnostic]) -> String {
    let n = diagnostics.iter().filter(|d| d.is_error()).count();
    crate::tr!("error-count", count = n)
}
