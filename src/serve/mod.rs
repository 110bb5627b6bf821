//! `bashgah serve`: the host process. It loads every club, serves the HTTP API, and
//! reloads a club when its files change — but only to a version that loads and passes its
//! own policy tests; otherwise the last good version keeps serving and the problem is
//! logged and shown in `/v1/status`, with file, line and column.
//!
//! - [`clubs`]: the registry of served clubs and their atomically swapped snapshots;
//! - [`reload`]: building a club's next version aside and testing it;
//! - [`watch`]: file notifications, polling and signals that trigger reloads;
//! - [`writer`]: one thread per club ledger, group commits;
//! - [`delivery`]: sending each club's due messages every second;
//! - [`listen`]: accepting connections, with a cap and read timeouts;
//! - [`api`]: the HTTP routes; [`request`]: what every route does with a request first,
//!   and how it refuses; [`keys`]: who may call them;
//! - [`members`]: listing, showing and changing members, for the API and the console;
//! - [`console`]: the web console for the people who run a club, at `/`;
//! - [`answers`]: the types the routes answer with; [`event_body`]: an event as posted;
//! - [`openapi`]: the OpenAPI document, made from the route table and those types;
//! - [`policy_view`]: the live policy, the versions the ledger keeps and their diffs;
//! - [`incident`]: a caught panic as one log line and an id in the answer;
//! - [`metrics`]: `/metrics` for Prometheus;
//! - [`drafts`]: draft copies of club folders; [`trials`]: an event tried, not recorded,
//!   under the live version and a draft; [`simulations`]: a draft over a period of the
//!   club's real history.

pub mod answers;
pub mod api;
pub mod clubs;
pub mod console;
pub mod contests;
pub mod delivery;
pub mod drafts;
pub mod event_body;
pub mod groups;
pub mod incident;
pub mod keys;
pub mod listen;
pub mod members;
pub mod metrics;
pub mod openapi;
pub mod overview;
pub mod policy_view;
pub mod reload;
pub mod request;
pub mod simulations;
pub mod trials;
pub mod watch;
pub mod writer;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clubs::{Folders, Registry};

/// How the host process is set up.
pub struct ServeOptions {
    pub folders: Folders,
    pub listen: SocketAddr,
    pub keys: keys::KeyRing,
    /// Poll for changes at this interval instead of file notifications.
    pub poll: Option<Duration>,
    pub max_body: usize,
    pub connections: listen::ConnectionLimits,
}

/// Runs until SIGTERM or Ctrl-C; then stops taking connections, lets in-flight requests
/// finish, commits what they wrote and closes the ledgers.
pub fn run(options: ServeOptions) -> Result<(), String> {
    incident::install_hook();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let watched: Vec<PathBuf> = vec![
        options.folders.policies.clone(),
        options.folders.plugins.clone(),
    ];
    let data = options.folders.data.clone();
    let named: Vec<String> = options
        .folders
        .ledgers
        .named_clubs()
        .map(str::to_owned)
        .collect();
    let registry = Arc::new(Registry::new(options.folders));
    for outcome in registry.reload(true) {
        if outcome.attempt.outcome == "failed" {
            tracing::error!(folder = %outcome.folder, "club not served until it is fixed");
        }
    }
    // A club the deployment file names but nobody serves is most likely a typo, which
    // would otherwise put the real club's ledger somewhere else without a word.
    for club in named.iter().filter(|club| registry.club(club).is_none()) {
        tracing::warn!(club = %club, "the deployment file names a club that is not served here");
    }
    let (trigger, triggers) = std::sync::mpsc::channel();
    let watch = watch::watch(&watched, options.poll, trigger.clone())?;
    let reloader = {
        let registry = Arc::clone(&registry);
        std::thread::Builder::new()
            .name("reloader".into())
            .spawn(move || watch::reload_on_trigger(registry, triggers))
            .map_err(|e| format!("cannot start the reloader: {e}"))?
    };
    let keys = Arc::new(options.keys);
    let app = Arc::new(api::App {
        registry: Arc::clone(&registry),
        keys: Arc::clone(&keys),
    });
    let api = api::routes_only(Arc::clone(&app), options.max_body);
    let router = console::router(app, api);
    let serving = Arc::clone(&registry);
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
        let address = listener
            .local_addr()
            .map_err(|e| format!("cannot read the listening address: {e}"))?;
        tracing::info!(%address, clubs = ?serving.ids(), "serving");
        // Tests and scripts read this line to learn the port when asked for port 0.
        // Written without `println!`, which panics when the reader has gone: a script that
        // reads the first line and closes the pipe must not stop the server.
        {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "listening on http://{address}");
            let _ = writeln!(
                out,
                "the club console: http://{address}/ (sign in with a key of the keys file)"
            );
            let _ = out.flush();
        }
        delivery::spawn(Arc::clone(&serving), data);
        overview::spawn_warm_up(Arc::clone(&serving));
        spawn_key_refresh(Arc::clone(&keys));
        spawn_hangup_reload(serving, keys);
        listen::serve(listener, router, options.connections, shutdown_signal()).await;
        Ok::<(), String>(())
    });
    // No request is running any more: stop watching, let each ledger thread finish its
    // queue and commit, then close.
    drop(watch);
    drop(trigger);
    let _ = reloader.join();
    registry.stop();
    tracing::info!("stopped");
    served
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// How often the keys file is looked at: a revoked key closes within this.
const KEYS_EVERY: Duration = Duration::from_secs(1);

/// Re-reads the keys file when it changes (a small file: reading it each second is
/// cheaper and surer than watching one more path, which editors replace by renaming).
fn spawn_key_refresh(keys: Arc<keys::KeyRing>) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(KEYS_EVERY);
        loop {
            ticks.tick().await;
            let keys = Arc::clone(&keys);
            let _ = tokio::task::spawn_blocking(move || keys.refresh()).await;
        }
    });
}

/// SIGHUP reloads every club, changed or not (a manual reload), and the keys file.
fn spawn_hangup_reload(registry: Arc<Registry>, keys: Arc<keys::KeyRing>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        let Ok(mut hangups) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        while hangups.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading every club and the keys");
            keys.refresh();
            let registry = Arc::clone(&registry);
            let _ = tokio::task::spawn_blocking(move || registry.reload(true)).await;
        }
    });
    #[cfg(not(unix))]
    let _ = (registry, keys);
}
