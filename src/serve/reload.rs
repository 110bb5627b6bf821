//! Building a club's next policy aside: load it, run its policy tests, and only hand it
//! over if both succeed. A broken edit never reaches the running club.
//!
//! Each build gets a fresh script engine, so plugin modules are read again rather than
//! served from the previous engine's module cache.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Location};
use crate::policy::{Policy, ScriptEngine, ScriptLimits};
use crate::testing::ClubResults;

/// A hash of every file in the club folder (its tests included) and in the plugins
/// folder: when it has not changed since the last attempt there is nothing to reload.
pub fn fingerprint(club_dir: &Path, plugins: &Path) -> String {
    let mut files = Vec::new();
    collect_files(club_dir, &mut files);
    collect_files(plugins, &mut files);
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update([0]);
        // An unreadable file hashes as empty; the build reports it properly.
        hasher.update(std::fs::read(&file).unwrap_or_default());
        hasher.update([0]);
    }
    crate::hex::encode(&hasher.finalize())
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Editors' swap and backup files (`.club.yaml.swp`, `earn.rhai~`) are not the club.
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// Loads the club in `dir` with a fresh engine and runs its policy tests against that
/// very snapshot. Every problem, a failing test included, is a diagnostic with a position.
/// A version that passes comes with its tests' results, which the console and
/// `GET /v1/clubs/{club}/policy` show beside it.
pub fn build(dir: &Path, plugins: &Path) -> Result<(Policy, ClubResults), Vec<Diagnostic>> {
    if let Some(folder) = dir.file_name() {
        super::incident::fault("reload.build", &folder.to_string_lossy());
    }
    let plugins = plugins.is_dir().then_some(plugins);
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), plugins));
    let (policy, _warnings) = Policy::load(dir, &engine)?;
    let results = crate::testing::run_policy_tests(&policy)?;
    let failures: Vec<Diagnostic> = results
        .cases
        .iter()
        .filter(|case| !case.failures.is_empty())
        .map(|case| {
            Diagnostic::error(format!(
                "policy test `{}` failed: {}",
                case.name,
                case.failures.join("; ")
            ))
            .at(Location::new(&case.file, case.line, 1), None)
            .with_help("the policy is not activated until its tests pass; `bashgah test` shows the details")
        })
        .collect();
    if failures.is_empty() {
        Ok((policy, results))
    } else {
        Err(failures)
    }
}

/// The last reload attempt of a club, as `/v1/status` shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    /// `activated`, `unchanged` or `failed`.
    pub outcome: &'static str,
    /// The version built, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub errors: Vec<Problem>,
    /// When the attempt failed: its errors as `bashgah check` prints them (the headline,
    /// `--> file:line:column`, the offending line with a caret under the spot, and the
    /// help), in the host process's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub printed: Option<String>,
    /// When the attempt panicked: the id its log line carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
    /// The version tried on the club's recent events beside the live one: what would
    /// change, rule by rule, and why it was refused if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canary: Option<crate::canary::CanaryReport>,
}

/// A diagnostic flattened for JSON and logs.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Problem {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl From<&Diagnostic> for Problem {
    fn from(diagnostic: &Diagnostic) -> Problem {
        let location = diagnostic.location.as_ref();
        Problem {
            message: diagnostic.message.clone(),
            file: location.map(|l| l.file.display().to_string()),
            line: location.map(|l| l.line).filter(|l| *l > 0),
            column: location.map(|l| l.column).filter(|c| *c > 0),
            help: diagnostic.help.clone(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.file, self.line, self.column) {
            (Some(file), Some(line), Some(column)) => write!(f, "{file}:{line}:{column}: ")?,
            (Some(file), Some(line), None) => write!(f, "{file}:{line}: ")?,
            (Some(file), None, _) => write!(f, "{file}: ")?,
            _ => {}
        }
        f.write_str(&self.message)
    }
}

/// How the reloads have gone since the process started, for `/v1/status`.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Reloads {
    /// Passes over the policies folder (each looks at every club folder).
    pub runs: u64,
    pub last_run: Option<DateTime<Utc>>,
    /// Attempts that panicked (and were reported as failed).
    pub panics: u64,
}

/// What a reload did to one club folder.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReloadOutcome {
    pub folder: String,
    #[serde(flatten)]
    pub attempt: Attempt,
}
