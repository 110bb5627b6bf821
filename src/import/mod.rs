//! Importing events and members from CSV and JSON Lines files.
//!
//! Rows are read ([`rows`]), through an import profile if one is named ([`profile`]), turned into events ([`event_row`]), then decided and
//! recorded through the write path ([`crate::recording`]) in batched transactions
//! ([`importer`]). A bad row is reported with its line and column
//! name and the rest goes on; a row is either applied whole or not at all.

mod currency_column;
mod event_row;
mod header_map;
mod importer;
pub mod json;
mod member_row;
mod profile;
mod report;
mod rows;

pub use event_row::{event_from_row, KNOWN as EVENT_FIELDS, REQUIRED as EVENT_COLUMNS};
pub use header_map::HeaderMap;
pub use importer::{import_events, import_events_here, ImportOptions};
pub use json::Field;
pub use member_row::{
    import_members, import_members_dry_run, MemberImportReport, REQUIRED as MEMBER_COLUMNS,
};
pub use profile::Profile;
pub use report::{render_problems, ImportReport, ProblemKind, RowProblem};
pub use rows::{at_most, lines_in, read_rows, read_rows_mapped, FileFormat, InputError, Row, Rows};
