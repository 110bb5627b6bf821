//! Noticing edits: file-system notifications on `policies/` and `plugins/` (debounced),
//! or polling where the file system sends none, and SIGHUP. Each only *triggers* a
//! reload; the registry decides, by content hash, which clubs really changed.
//!
//! Directories are watched, not files: editors that save by writing a temporary file and
//! renaming it over the old one (vim, many IDEs) replace the file, and a watch on the old
//! file would go silent.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, new_debouncer_opt, DebounceEventResult, NoCache};

use super::clubs::Registry;

/// How long the debouncer waits for an editor's burst of writes to settle.
const SETTLE: Duration = Duration::from_millis(100);

/// Keeps the watch alive; dropping it stops watching.
pub enum Watch {
    Native(
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    ),
    Polling(notify_debouncer_full::Debouncer<notify::PollWatcher, NoCache>),
}

/// Watches `dirs` and sends `()` on `trigger` after each settled burst of changes.
/// With `poll`, or when notifications cannot be set up, polls every `poll` interval.
pub fn watch(
    dirs: &[PathBuf],
    poll: Option<Duration>,
    trigger: Sender<()>,
) -> Result<Watch, String> {
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let relevant = events.iter().any(|e| match e.event.kind {
                // Reading a file (as the reload itself does) is not a change.
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
                EventKind::Access(_) => false,
                _ => true,
            });
            if relevant {
                let _ = trigger.send(());
            }
        }
        Err(errors) => {
            for error in errors {
                tracing::warn!(%error, "file watch error");
            }
        }
    };
    let dirs: Vec<&PathBuf> = dirs.iter().filter(|d| d.is_dir()).collect();
    if poll.is_none() {
        match new_debouncer(SETTLE, None, handler.clone()) {
            Ok(mut debouncer) => {
                let watched = dirs
                    .iter()
                    .try_for_each(|dir| debouncer.watch(dir, RecursiveMode::Recursive));
                match watched {
                    Ok(()) => return Ok(Watch::Native(debouncer)),
                    Err(error) => {
                        tracing::warn!(%error, "file notifications unavailable; polling every 2 s instead")
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "file notifications unavailable; polling every 2 s instead")
            }
        }
    }
    let interval = poll.unwrap_or(Duration::from_secs(2));
    let config = notify::Config::default()
        .with_poll_interval(interval)
        .with_compare_contents(true);
    let mut debouncer = new_debouncer_opt::<_, notify::PollWatcher, NoCache>(
        SETTLE, None, handler, NoCache, config,
    )
    .map_err(|e| format!("cannot watch for changes: {e}"))?;
    for dir in dirs {
        debouncer
            .watch(dir, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch `{}`: {e}", dir.display()))?;
    }
    Ok(Watch::Polling(debouncer))
}

/// Runs reloads as triggers arrive, collapsing a burst into one; ends when every sender
/// is gone.
pub fn reload_on_trigger(registry: Arc<Registry>, triggers: Receiver<()>) {
    while triggers.recv().is_ok() {
        while triggers.try_recv().is_ok() {}
        // `reload` reports a panic in any one club as that club's failed attempt; this
        // catch is for a panic outside them, so that no panic ever ends the watching.
        let reloaded =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| registry.reload(false)));
        match reloaded {
            Ok(outcomes) => {
                for outcome in outcomes {
                    tracing::debug!(folder = %outcome.folder, outcome = outcome.attempt.outcome, "reload");
                }
            }
            Err(payload) => {
                let incident = super::incident::caught(payload.as_ref());
                tracing::error!(incident = %incident.id, reason = %incident.reason, "a reload panicked; watching goes on");
            }
        }
    }
}
