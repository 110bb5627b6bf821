//! The clubs the host process serves: for each, the active policy snapshot (swapped
//! atomically on reload), the thread that owns its ledger, and its last reload attempt.
//!
//! A request takes the snapshot once, when it starts, and keeps it to the end: a reload
//! that lands meanwhile changes the next request, never half of this one.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};

use super::incident;
use super::keys::Grant;
use super::reload::{build, fingerprint, Attempt, Problem, ReloadOutcome, Reloads};
use super::writer::{Done, Writer};
use crate::canary::CanaryReport;
use crate::diagnostic::{render_all, Diagnostic};
use crate::ledger::{Ledger, LedgerError, LedgerPlace};
use crate::policy::{discover_clubs, Policy};
use crate::testing::ClubResults;

/// One served club.
pub struct Club {
    pub id: String,
    pub dir: PathBuf,
    /// Where its ledger is: the writer's, and the reads' on PostgreSQL.
    pub place: LedgerPlace,
    policy: ArcSwap<Policy>,
    pub writer: Mutex<Writer>,
    state: Mutex<ClubState>,
    /// The ledger's entries summed so far, for the overview.
    pub overview: crate::overview::Cache,
}

struct ClubState {
    /// The files' hash at the last attempt: an unchanged folder is not rebuilt.
    fingerprint: String,
    active_since: DateTime<Utc>,
    last_attempt: Option<Attempt>,
    /// The live version's policy tests, as they ran when it was built (or when only its
    /// tests changed since).
    tests: ClubResults,
    /// What the canary found when the live version was activated, if it tried one.
    canary: Option<CanaryReport>,
}

/// What is known of a club's live version beside its snapshot: when it went live, the
/// last reload attempt, its tests' results and the canary that let it in.
pub struct Live {
    pub policy: Arc<Policy>,
    pub active_since: DateTime<Utc>,
    pub last_attempt: Option<Attempt>,
    pub tests: ClubResults,
    pub canary: Option<CanaryReport>,
}

impl Club {
    /// The active snapshot; hold it for the whole request.
    pub fn policy(&self) -> Arc<Policy> {
        self.policy.load_full()
    }

    /// Since when the active version serves, and the last reload attempt.
    pub fn reloaded(&self) -> (DateTime<Utc>, Option<Attempt>) {
        let state = self.state();
        (state.active_since, state.last_attempt.clone())
    }

    fn state(&self) -> MutexGuard<'_, ClubState> {
        // A panic while holding this lock cannot leave the state half-written (each
        // field is replaced whole), so a poisoned lock is still good to use.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The live version and what is known of it, read together: a reload swaps the
    /// snapshot while it holds the state's lock, so the tests are always the snapshot's.
    pub fn live(&self) -> Live {
        let state = self.state();
        Live {
            policy: self.policy(),
            active_since: state.active_since,
            last_attempt: state.last_attempt.clone(),
            tests: state.tests.clone(),
            canary: state.canary.clone(),
        }
    }

    pub fn submit(&self, work: super::writer::Work) -> Result<(), super::writer::Refused> {
        self.writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .submit(work)
    }

    /// Queues work that goes on from the ledger thread's kept books (see
    /// [`super::writer::Writer::submit_with_books`] for `savepoint`).
    pub fn submit_with_books(
        &self,
        work: super::writer::BookWork,
        savepoint: bool,
    ) -> Result<(), super::writer::Refused> {
        self.writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .submit_with_books(work, savepoint)
    }
}

/// Where the registry finds clubs and keeps ledgers.
pub struct Folders {
    pub policies: PathBuf,
    pub plugins: PathBuf,
    pub data: PathBuf,
    /// Draft copies of club folders, one sub-folder each (`bashgah serve --drafts`), tried
    /// beside the live version and never served.
    pub drafts: PathBuf,
    /// Where each club's ledger lives (the deployment file, `--database`, `data`).
    pub ledgers: crate::deployment::Ledgers,
}

impl Folders {
    /// Where club `club`'s ledger is.
    pub fn ledger(&self, club: &str) -> LedgerPlace {
        self.ledgers.place(club)
    }
}

/// Every club, plus the folders that have never loaded.
pub struct Registry {
    folders: Folders,
    clubs: RwLock<BTreeMap<String, Arc<Club>>>,
    /// Club folders without a working policy yet, by folder: their hash and last attempt.
    broken: Mutex<BTreeMap<String, (String, Attempt)>>,
    /// One reload at a time.
    reloading: Mutex<()>,
    reloads: Mutex<Reloads>,
}

impl Registry {
    pub fn new(folders: Folders) -> Registry {
        Registry {
            folders,
            clubs: RwLock::new(BTreeMap::new()),
            broken: Mutex::new(BTreeMap::new()),
            reloading: Mutex::new(()),
            reloads: Mutex::new(Reloads::default()),
        }
    }

    /// Where clubs, plugins, ledgers and drafts are.
    pub fn folders(&self) -> &Folders {
        &self.folders
    }

    pub fn club(&self, id: &str) -> Option<Arc<Club>> {
        self.clubs
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    pub fn ids(&self) -> Vec<String> {
        self.clubs
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect()
    }

    /// Every served club.
    pub fn clubs(&self) -> Vec<Arc<Club>> {
        self.all()
    }

    pub fn all(&self) -> Vec<Arc<Club>> {
        self.clubs
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// Whether a club folder named `folder` exists but has never loaded.
    pub fn is_broken(&self, folder: &str) -> bool {
        self.broken
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(folder)
    }

    /// Looks at every club folder: those whose files changed (all of them when `force`)
    /// are rebuilt aside, tested, and swapped in only if both succeed.
    pub fn reload(&self, force: bool) -> Vec<ReloadOutcome> {
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        let dirs = match discover_clubs(&self.folders.policies) {
            Ok(dirs) => dirs,
            Err(error) => {
                tracing::error!(policies = %self.folders.policies.display(), %error, "cannot list the policies folder");
                return Vec::new();
            }
        };
        let mut outcomes = Vec::new();
        for dir in dirs {
            let folder = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            // A panic anywhere in building or testing a version fails this folder's
            // attempt, visibly; the other folders, and every later reload, go on.
            let attempt = std::panic::catch_unwind(AssertUnwindSafe(|| {
                self.reload_folder(&dir, &folder, force)
            }))
            .unwrap_or_else(|payload| Some(self.panicked(&dir, &folder, payload.as_ref())));
            if let Some(attempt) = attempt {
                super::metrics::reload(&folder, attempt.outcome);
                outcomes.push(ReloadOutcome { folder, attempt });
            }
        }
        let mut reloads = self.reloads.lock().unwrap_or_else(|e| e.into_inner());
        reloads.runs += 1;
        reloads.last_run = Some(Utc::now());
        outcomes
    }

    /// Records a reload of `dir` that panicked as a failed attempt, with the incident id
    /// the log line carries, and remembers the files' hash so that the same files are not
    /// tried again until they change.
    fn panicked(&self, dir: &Path, folder: &str, payload: &(dyn std::any::Any + Send)) -> Attempt {
        let incident = incident::caught(payload);
        let hash = fingerprint(dir, &self.folders.plugins);
        let problem = Diagnostic::error(format!(
            "building this version panicked: {} (incident {})",
            incident.reason, incident.id
        ))
        .in_file(&dir.join("club.yaml"))
        .with_help("this is a bug in bashgah, not in the club's files; the last good version keeps serving. Please report it with the incident id");
        let mut attempt = failed(None, &[problem]);
        attempt.incident = Some(incident.id);
        self.reloads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .panics += 1;
        match self.all().into_iter().find(|c| c.dir == dir) {
            Some(club) => {
                log_failure(&club.id, Some(&club.policy().id), &attempt);
                let mut state = club.state();
                state.fingerprint = hash;
                state.last_attempt = Some(attempt.clone());
            }
            None => {
                log_failure(folder, None, &attempt);
                self.broken
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(folder.to_owned(), (hash, attempt.clone()));
            }
        }
        attempt
    }

    fn reload_folder(&self, dir: &Path, folder: &str, force: bool) -> Option<Attempt> {
        let hash = fingerprint(dir, &self.folders.plugins);
        let existing = self.all().into_iter().find(|c| c.dir == dir);
        match existing {
            Some(club) => {
                {
                    let mut state = club.state();
                    if !force && state.fingerprint == hash {
                        return None;
                    }
                    state.fingerprint = hash;
                }
                let attempt = self.rebuild(&club);
                club.state().last_attempt = Some(attempt.clone());
                Some(attempt)
            }
            None => {
                let mut broken = self.broken.lock().unwrap_or_else(|e| e.into_inner());
                if !force && broken.get(folder).is_some_and(|(h, _)| *h == hash) {
                    return None;
                }
                let attempt = match self.add(dir, hash.clone()) {
                    Ok(attempt) => {
                        broken.remove(folder);
                        attempt
                    }
                    Err(problems) => {
                        let attempt = failed(None, &problems);
                        log_failure(folder, None, &attempt);
                        broken.insert(folder.to_owned(), (hash, attempt.clone()));
                        attempt
                    }
                };
                Some(attempt)
            }
        }
    }

    /// Rebuilds a served club; the old snapshot stays unless the new one is good.
    fn rebuild(&self, club: &Club) -> Attempt {
        let active = club.policy();
        let (policy, tests) = match build(&club.dir, &self.folders.plugins) {
            Ok(built) => built,
            Err(problems) => {
                let attempt = failed(None, &problems);
                log_failure(&club.id, Some(&active.id), &attempt);
                return attempt;
            }
        };
        let version = policy.short_id().to_owned();
        if policy.club.id != club.id {
            let problem = Diagnostic::error(format!(
                "the club's id changed from `{}` to `{}`; a served club keeps its id (restart to serve it under the new one)",
                club.id, policy.club.id
            ))
            .in_file(&club.dir.join("club.yaml"));
            let attempt = failed(Some(version), &[problem]);
            log_failure(&club.id, Some(&active.id), &attempt);
            return attempt;
        }
        if policy.id == active.id {
            // Only tests or whitespace-free renames changed: the rules are the same, and
            // the tests that just passed are now the live version's.
            club.state().tests = tests;
            return Attempt {
                at: Utc::now(),
                outcome: "unchanged",
                version: Some(version),
                errors: Vec::new(),
                printed: None,
                incident: None,
                canary: None,
            };
        }
        let canary = match self.canary(club, &active, &policy) {
            Ok(report) => report,
            Err(error) => {
                let problem = Diagnostic::error(format!(
                    "the canary could not read the club's recent events: {error}"
                ))
                .in_file(&club.dir.join("club.yaml"));
                let attempt = failed(Some(version), &[problem]);
                log_failure(&club.id, Some(&active.id), &attempt);
                return attempt;
            }
        };
        if let Some(reason) = canary.as_ref().and_then(|c| c.refused.clone()) {
            let problem = Diagnostic::error(format!("the canary refused this version: {reason}"))
                .in_file(&club.dir.join("club.yaml"))
                .with_help("`bashgah check --against-ledger` shows the same comparison before a file is saved; `reload.max_change` in club.yaml sets how far points may move");
            let mut attempt = failed(Some(version), &[problem]);
            attempt.canary = canary;
            log_failure(&club.id, Some(&active.id), &attempt);
            return attempt;
        }
        let policy = Arc::new(policy);
        if let Err(error) = record(club, &policy) {
            let attempt = failed(
                Some(version),
                &[Diagnostic::error(format!(
                    "the ledger refused the new version: {error}"
                ))],
            );
            log_failure(&club.id, Some(&active.id), &attempt);
            return attempt;
        }
        {
            // Swapped under the state's lock, so that `Club::live` never pairs the new
            // snapshot with the old version's tests.
            let mut state = club.state();
            club.policy.store(policy);
            state.active_since = Utc::now();
            state.tests = tests;
            state.canary = canary.clone();
        }
        tracing::info!(club = %club.id, version = %version, previous = %active.short_id(), canary = %canary.as_ref().map(|c| c.describe()).unwrap_or_default().trim_end(), "policy activated");
        Attempt {
            at: Utc::now(),
            outcome: "activated",
            version: Some(version),
            errors: Vec::new(),
            printed: None,
            incident: None,
            canary,
        }
    }

    /// Tries `candidate` beside the live version on the club's recent events (read
    /// through a connection of its own, so that requests go on meanwhile); `None` when
    /// the club tries none (`reload.canary_events: 0`).
    fn canary(
        &self,
        club: &Club,
        live: &Policy,
        candidate: &Policy,
    ) -> Result<Option<crate::canary::CanaryReport>, LedgerError> {
        let (events, max_change) = crate::canary::settings(candidate);
        if events == 0 {
            return Ok(None);
        }
        let ledger = self.folders.ledger(&club.id).open()?;
        let recent = crate::canary::recent_events(&ledger, events)?;
        crate::canary::try_candidate(&ledger, live, candidate, &recent, max_change).map(Some)
    }

    /// Starts serving a club folder that was not served yet.
    fn add(&self, dir: &Path, hash: String) -> Result<Attempt, Vec<Diagnostic>> {
        let (policy, tests) = build(dir, &self.folders.plugins)?;
        let id = policy.club.id.clone();
        if let Some(other) = self.club(&id) {
            return Err(vec![Diagnostic::error(format!(
                "club id `{id}` is already served from `{}`",
                other.dir.display()
            ))
            .in_file(&dir.join("club.yaml"))]);
        }
        let path = self.folders.ledger(&id);
        let ledger = super::writer::open_for_writing(&path)
            .and_then(|ledger| {
                ledger.begin()?;
                match ledger.activate(&policy, &process_label()) {
                    Ok(()) => ledger.commit()?,
                    Err(error) => {
                        ledger.rollback()?;
                        return Err(error);
                    }
                }
                Ok(ledger)
            })
            .map_err(|e| vec![Diagnostic::error(format!("ledger `{path}`: {e}"))])?;
        let version = policy.short_id().to_owned();
        tracing::info!(club = %id, version = %version, ledger = %path, "club loaded");
        let now = Utc::now();
        let attempt = Attempt {
            at: now,
            outcome: "activated",
            version: Some(version),
            errors: Vec::new(),
            printed: None,
            incident: None,
            canary: None,
        };
        let club = Club {
            writer: Mutex::new(Writer::start(&id, ledger, path.clone())),
            place: path,
            id: id.clone(),
            dir: dir.to_owned(),
            policy: ArcSwap::from_pointee(policy),
            state: Mutex::new(ClubState {
                fingerprint: hash,
                active_since: now,
                last_attempt: Some(attempt.clone()),
                tests,
                canary: None,
            }),
            overview: crate::overview::Cache::default(),
        };
        self.clubs
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, Arc::new(club));
        Ok(attempt)
    }

    /// Status of the clubs `grant` may see (all of them, and broken folders, for admins).
    pub fn status(&self, grant: &Grant) -> super::answers::Status {
        let clubs = self
            .all()
            .iter()
            .filter(|club| grant.may_use(&club.id))
            .map(|club| {
                let policy = club.policy();
                let state = club.state();
                super::answers::ClubStatus {
                    id: club.id.clone(),
                    folder: club.dir.display().to_string(),
                    active_version: policy.short_id().to_owned(),
                    active_since: state.active_since,
                    last_reload: state.last_attempt.clone(),
                }
            })
            .collect();
        let reloads = self
            .reloads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let not_loaded = grant.admin.then(|| {
            let broken = self.broken.lock().unwrap_or_else(|e| e.into_inner());
            broken
                .iter()
                .map(|(folder, (_, attempt))| super::answers::NotLoaded {
                    folder: folder.clone(),
                    last_reload: attempt.clone(),
                })
                .collect()
        });
        super::answers::Status {
            clubs,
            reloads,
            not_loaded,
            keys: None,
        }
    }

    /// Lets every club's queued work finish and closes the ledgers.
    pub fn stop(&self) {
        for club in self.all() {
            club.writer.lock().unwrap_or_else(|e| e.into_inner()).stop();
        }
    }
}

fn failed(version: Option<String>, problems: &[Diagnostic]) -> Attempt {
    let errors: Vec<Diagnostic> = problems.iter().filter(|d| d.is_error()).cloned().collect();
    Attempt {
        at: Utc::now(),
        outcome: "failed",
        version,
        errors: errors.iter().map(Problem::from).collect(),
        printed: Some(render_all(&errors)),
        incident: None,
        canary: None,
    }
}

fn log_failure(club: &str, serving: Option<&str>, attempt: &Attempt) {
    for problem in &attempt.errors {
        match serving {
            Some(version) => {
                tracing::warn!(club, serving = %&version[..12.min(version.len())], problem = %problem, "reload refused; the last good version keeps serving")
            }
            None => tracing::error!(club, problem = %problem, "club not loaded"),
        }
    }
}

/// This host process, as the ledger's `activations` name it: host and process id.
fn process_label() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_owned());
    format!("{host}:{}", std::process::id())
}

/// Stores the policy's files in the club's ledger (through its thread) and makes it the
/// club's active version before any event can name it.
fn record(club: &Club, policy: &Arc<Policy>) -> Result<(), String> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let policy = Arc::clone(policy);
    let work = Box::new(move |ledger: Result<&Ledger, &LedgerError>| {
        let result = ledger
            .map_err(LedgerError::clone)
            .and_then(|ledger| ledger.activate(&policy, &process_label()))
            .map_err(|e| e.to_string());
        Done {
            keep: result.is_ok(),
            reply: Box::new(move |committed: Result<(), String>| {
                let _ = sender.send(result.and(committed));
            }),
        }
    });
    club.submit(work).map_err(|e| format!("{e:?}"))?;
    receiver
        .recv()
        .map_err(|_| "the ledger thread stopped".to_owned())?
}
