//! The integration suite, as one test binary: each module below was its own binary, and
//! every test binary links the whole library, so one binary builds several times faster.
//! `cargo test` runs everything; `cargo test --test all fuzz::` (or `cli::`, `serve::`,
//! `consistency::` …) runs one part.

mod campaigns;
mod cli;
mod clock;
mod consistency;
mod deals;
mod evaluate;
mod fuzz;
mod hooks;
mod ledger;
mod lifecycle;
mod messaging;
mod pipeline;
mod properties;
mod report;
mod serve;
mod simulate;
mod tiers;
