//! bashgah: a loyalty-program ("customer club", باشگاه مشتریان) engine.
//!
//! A club is a folder of plain files: `club.yaml` says what the club is, `*.rhai` scripts
//! say how members earn. [`policy::Policy::load`] turns a folder into an immutable,
//! content-addressed snapshot; [`engine::evaluate`] applies it to one event and one member
//! state without touching anything (pure); [`ledger::Ledger`] is the only place that writes,
//! in SQLite transactions. Importers, the CLI and tests all go through those three steps,
//! so a dry run, a policy test and a live purchase share one code path.
//!
//! ```
//! use bashgah::amount::Rounding;
//! use rust_decimal::Decimal;
//! // 1 point per 10,000 IRR on a 125,000 IRR purchase, rounded down to whole points.
//! let raw = Decimal::from(125_000) / Decimal::from(10_000);
//! assert_eq!(Rounding::Floor.apply(raw, 0), Decimal::from(12));
//! ```
// No unsafe code, but for one module that allows it by name: `ledger::hot`, which binds
// the values of the inserts every event is recorded with through SQLite's C interface
// without copying them (docs/PERFORMANCE.md, ninth stop).
#![deny(unsafe_code)]

pub mod amount;
pub mod calendar;
pub mod canary;
pub mod chart;
pub mod cli;
pub mod clock;
pub mod club;
pub mod contests;
pub mod decide;
pub mod delivery;
pub mod deployment;
pub mod diagnostic;
pub mod digits;
pub mod engine;
pub mod event;
pub mod export;
pub mod hex;
pub mod import;
pub mod ledger;
pub mod locale;
pub mod member;
pub mod messaging;
pub mod overview;
pub mod policy;
pub mod recording;
pub mod report;
pub mod serve;
pub mod simulate;
pub mod testing;
pub mod time;
pub mod value;
pub mod view;
pub mod webhooks;
pub(crate) mod word_table;
pub mod yaml;
