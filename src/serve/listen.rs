//! Accepting connections: the host process's own loop around hyper, because the limits
//! an operator needs are set per connection and `axum::serve` sets none of them.
//!
//! - at most [`ConnectionLimits::max_connections`] open at once: beyond that, new ones
//!   wait in the kernel's backlog instead of taking descriptors the ledgers need;
//! - a client has [`ConnectionLimits::read_timeout`] to send a request's headers, and
//!   the same again for its body; a kept-alive connection idle that long is closed
//!   (hyper starts the header timeout as soon as a connection goes idle);
//! - when the process runs out of descriptors, accepting pauses briefly and resumes: the
//!   connections already open are served meanwhile;
//! - on shutdown, no new connection is taken, idle ones are closed, and requests in
//!   flight are given [`DRAIN`] to finish.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::timeout::RequestBodyTimeout;

/// What one client may hold.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub read_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            max_connections: 1024,
            read_timeout: Duration::from_secs(10),
        }
    }
}

/// How long requests in flight get to finish once shutdown starts.
const DRAIN: Duration = Duration::from_secs(30);
/// How long accepting pauses after an error (no descriptors left, say).
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let service = RequestBodyTimeout::new(router, limits.read_timeout);
    let mut last_warning: Option<Instant> = None;
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(error) => {
                    // EMFILE and the like: say so (at most every 10 s), wait, try again.
                    if last_warning.is_none_or(|at| at.elapsed() > Duration::from_secs(10)) {
                        tracing::warn!(%error, open = limits.max_connections - permits.available_permits(), "cannot accept a connection; pausing briefly (lower --max-connections or raise the descriptor limit)");
                        last_warning = Some(Instant::now());
                    }
                    tokio::time::sleep(ACCEPT_PAUSE).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.read_timeout)
            .serve_connection(
                TokioIo::new(stream),
                TowerToHyperService::new(service.clone()),
            );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that breaks off or times out ends only its own connection.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "requests still running {} s after shutdown began were cut off",
            DRAIN.as_secs()
        );
    }
}
