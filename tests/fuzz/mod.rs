//! Issue 12: a fuzz suite on stable Rust. Every loader — `club.yaml`, policy tests,
//! plugin manifests, the keys file, members and events in CSV and JSON Lines, HTTP
//! requests — gets inputs made from the shipped files by byte-level and structured
//! mutations, a bounded number per run, and must not panic, hang, or let a refused row or
//! request change the ledger. Failing inputs are kept in `crashes/` and
//! replayed first on every run. docs/FUZZING.md says how to run more cases and replay one.
//!
//! - `rng.rs`: the deterministic generator; `mutate.rs`: byte-level mutations and tokens;
//!   `structured.rs`: YAML/JSON trees and CSV cells;
//! - `harness.rs`: a case in a thread with a deadline, panics caught, crash files;
//! - `files.rs`: the shipped seeds; `yaml_files.rs`, `rows.rs`, `http.rs`: the targets.

mod files;
mod harness;
mod http;
mod mutate;
mod rng;
mod rows;
mod structured;
mod yaml_files;

use bashgah::import::FileFormat;
use harness::fuzz;
use rows::Kind;

#[test]
fn club() {
    fuzz(yaml_files::club());
}

#[test]
fn tests() {
    fuzz(yaml_files::tests());
}

#[test]
fn plugin() {
    fuzz(yaml_files::plugin());
}

#[test]
fn keys() {
    fuzz(yaml_files::keys());
}

#[test]
fn members_csv() {
    fuzz(rows::target(Kind::Members, FileFormat::Csv));
}

#[test]
fn members_jsonl() {
    fuzz(rows::target(Kind::Members, FileFormat::Jsonl));
}

#[test]
fn events_csv() {
    fuzz(rows::target(Kind::Events, FileFormat::Csv));
}

#[test]
fn events_jsonl() {
    fuzz(rows::target(Kind::Events, FileFormat::Jsonl));
}

#[test]
fn http() {
    fuzz(http::target());
}
