//! `/metrics`: what the host process has done, in the Prometheus (OpenMetrics) text
//! format, for the dashboards and alerts operators already run.
//!
//! One set per process: the places that count (the routes, the ledger threads, the
//! reloader, delivery, the panic hook) run on many threads, and a metric is an atomic
//! that each bumps where it happens.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Outcome {
    pub club: String,
    pub outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ClubLabel {
    pub club: String,
}

type Histograms = Family<ClubLabel, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    events: Family<Outcome, Counter>,
    reloads: Family<Outcome, Counter>,
    messages: Family<Outcome, Counter>,
    queue_depth: Family<ClubLabel, Gauge>,
    commit_seconds: Histograms,
    panics: Counter,
}

fn commit_histogram() -> Histogram {
    // 0.25 ms to ~4 s: a synced commit on a good disk, to one stuck behind an import.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("bashgah");
    let events = Family::<Outcome, Counter>::default();
    let reloads = Family::<Outcome, Counter>::default();
    let messages = Family::<Outcome, Counter>::default();
    let queue_depth = Family::<ClubLabel, Gauge>::default();
    let commit_seconds: Histograms = Family::new_with_constructor(commit_histogram);
    let panics = Counter::default();
    registry.register(
        "events",
        "Events posted, by club and outcome (applied, duplicate, conflict, rejected, failed)",
        events.clone(),
    );
    registry.register(
        "reloads",
        "Reload attempts, by club folder and outcome (activated, unchanged, failed)",
        reloads.clone(),
    );
    registry.register(
        "messages",
        "Messages delivered, by club and outcome (sent, retrying, failed)",
        messages.clone(),
    );
    registry.register(
        "queue_depth",
        "Requests waiting for the club's ledger thread",
        queue_depth.clone(),
    );
    registry.register(
        "commit_seconds",
        "Time to commit (and sync) one group of requests",
        commit_seconds.clone(),
    );
    registry.register(
        "panics",
        "Panics caught (each failed one request or reload)",
        panics.clone(),
    );
    Metrics {
        registry,
        events,
        reloads,
        messages,
        queue_depth,
        commit_seconds,
        panics,
    }
});

fn outcome(club: &str, outcome: &str) -> Outcome {
    Outcome {
        club: club.to_owned(),
        outcome: outcome.to_owned(),
    }
}

fn club(club: &str) -> ClubLabel {
    ClubLabel {
        club: club.to_owned(),
    }
}

pub fn event(club_id: &str, what: &str) {
    METRICS.events.get_or_create(&outcome(club_id, what)).inc();
}

pub fn reload(folder: &str, what: &str) {
    METRICS.reloads.get_or_create(&outcome(folder, what)).inc();
}

pub fn messages(club_id: &str, what: &str, count: u64) {
    METRICS
        .messages
        .get_or_create(&outcome(club_id, what))
        .inc_by(count);
}

pub fn queued(club_id: &str) {
    METRICS.queue_depth.get_or_create(&club(club_id)).inc();
}

pub fn dequeued(club_id: &str, count: usize) {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    METRICS
        .queue_depth
        .get_or_create(&club(club_id))
        .dec_by(count);
}

pub fn committed(club_id: &str, took: Duration) {
    METRICS
        .commit_seconds
        .get_or_create(&club(club_id))
        .observe(took.as_secs_f64());
}

pub fn panicked() {
    METRICS.panics.inc();
}

/// Every metric, in the OpenMetrics text format.
pub fn render() -> String {
    let mut text = String::new();
    // Writing to a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut text, &METRICS.registry);
    text
}
